import BootHoldCore
import BootHoldSystem

/// Every environment variable the generator honours, read once, here. systemd's own test
/// hooks win over the root, as they do for systemd's generators.
public struct GeneratorEnvironment: Sendable, Equatable {
    /// `BOOTHOLD_ROOT`: the directory every input is read under (`/` when unset or empty).
    public var root: MachineRoot
    /// `BOOTHOLD_LIBEXECDIR`: where the helpers are, instead of beside the executable.
    public var helperDirectory: String?
    /// `SYSTEMD_PROC_CMDLINE` (even empty) replaces /proc/cmdline, as in systemd's proc_cmdline().
    public var kernelCommandLine: String?
    /// `SYSTEMD_IN_INITRD`, a systemd boolean; nil when unset or not a boolean.
    public var inInitrd: Bool?
    /// `SYSTEMD_VIRTUALIZATION=container:…` (v251+).
    public var inContainer: Bool
    /// `SYSTEMD_FSTAB`, used as given (not under the root), like systemd's fstab_path().
    public var fstab: String?
    /// `SYSTEMD_LOG_LEVEL`, as set (an invalid value still counts as set).
    public var logLevel: String?
    /// `SYSTEMD_EXEC_PID`: PID 1 sets it to the generator's own PID (v248+); `*` in tests.
    public var execPID: String?
    /// `BOOTHOLD_TEST_KILL_AFTER_WRITES` (`OutputFaultPoint`): read by debug builds only.
    public var killAfterWrites: Int?

    public init(
        root: MachineRoot = MachineRoot("/"), helperDirectory: String? = nil, kernelCommandLine: String? = nil,
        inInitrd: Bool? = nil, inContainer: Bool = false, fstab: String? = nil, logLevel: String? = nil, execPID: String? = nil,
        killAfterWrites: Int? = nil
    ) {
        self.root = root
        self.helperDirectory = helperDirectory
        self.kernelCommandLine = kernelCommandLine
        self.inInitrd = inInitrd
        self.inContainer = inContainer
        self.fstab = fstab
        self.logLevel = logLevel
        self.execPID = execPID
        self.killAfterWrites = killAfterWrites
    }

    /// The process's environment.
    public static func current() -> GeneratorEnvironment {
        // Each name spelled out in an Environment.value call: the install test checks that
        // every variable read there is documented in a man page.
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        #if DEBUG
        let killAfterWrites = Environment.value("BOOTHOLD_TEST_KILL_AFTER_WRITES").flatMap { Int($0) }
        #else
        let killAfterWrites: Int? = nil
        #endif
        return GeneratorEnvironment(
            root: MachineRoot(nonEmpty(Environment.value("BOOTHOLD_ROOT")) ?? "/"),
            helperDirectory: nonEmpty(Environment.value("BOOTHOLD_LIBEXECDIR")),
            kernelCommandLine: Environment.value("SYSTEMD_PROC_CMDLINE"),
            inInitrd: Environment.value("SYSTEMD_IN_INITRD").flatMap(SystemdBoolean.parse),
            inContainer: Environment.value("SYSTEMD_VIRTUALIZATION")?.hasPrefix("container:") ?? false,
            fstab: nonEmpty(Environment.value("SYSTEMD_FSTAB")),
            logLevel: Environment.value("SYSTEMD_LOG_LEVEL"),
            execPID: Environment.value("SYSTEMD_EXEC_PID"),
            killAfterWrites: killAfterWrites)
    }
}
