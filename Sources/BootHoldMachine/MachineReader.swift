import BootHoldCore
import BootHoldSystem

/// A snapshot of the machine and what the reader had to say while taking it (inputs it had to
/// skip). Nothing in here is a decision: that is `GeneratorPlanner`'s job.
public struct MachineReading: Sendable {
    public var snapshot: MachineSnapshot
    public var diagnostics: [Diagnostic]
}

/// Reads every input of the generator once, under one `MachineRoot`.
///
/// systemd's own test hooks win over the root, as they do for systemd's generators:
/// `SYSTEMD_PROC_CMDLINE`, `SYSTEMD_FSTAB`, `SYSTEMD_IN_INITRD`, `SYSTEMD_VIRTUALIZATION`.
public struct MachineReader {
    public let root: MachineRoot

    public init(root: MachineRoot) {
        self.root = root
    }

    static let loaderDevicePartUUIDVariable =
        "/sys/firmware/efi/efivars/LoaderDevicePartUUID-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

    public func read() -> MachineReading {
        var diagnostics: [Diagnostic] = []
        let configuration = ConfigurationReader(root: root).read(diagnostics: &diagnostics)
        let profiles = ProfileConfiguration.parse(configuration).profiles
        let dropInReader = UnitDropInReader(root: root)
        let unitDropIns = GeneratorPlanner.unitNames(of: profiles).flatMap { dropInReader.read(unit: $0, diagnostics: &diagnostics) }
        // The mounts those drop-ins require are probed like Paths= entries.
        let dropInMounts = profiles.flatMap { DropInReview.requiredMounts(of: $0, dropIns: unitDropIns).mounts.map(\.path) }
        let paths = GeneratorPlanner.pathsToProbe(profiles, extra: dropInMounts)

        let mounts = readMounts()
        let (fstabPath, fstab) = readFstab(diagnostics: &diagnostics)
        let units = UnitPathProbe(root: root)
        let mountPoints = MountPointProbe(root: root, mounts: mounts)

        var automountUnits: [String: Reading<UnitFileState>] = [:]
        var mountPointStates: [String: Reading<MountPointState>] = [:]
        for path in paths {
            if let unit = UnitName.fromPath(path, suffix: ".automount") {
                automountUnits[unit] = units.state(of: unit)
            }
            mountPointStates[path] = mountPoints.state(of: path)
        }

        let snapshot = MachineSnapshot(
            kernelCommandLine: readKernelCommandLine(),
            inInitrd: readInInitrd(),
            inContainer: readInContainer(),
            mounts: mounts,
            fstabPath: fstabPath,
            fstab: fstab,
            loaderDevicePartUUID: readLoaderDevicePartUUID(),
            automountUnits: automountUnits,
            mountPoints: mountPointStates,
            configuration: configuration,
            reportTemplate: units.location(of: ProfileUnitNames.reportTemplate),
            efiBoot: readEFIBoot(),
            systemd: SystemdVersionProbe(root: root).read(),
            unitDropIns: unitDropIns,
            pathUnits: Dictionary(profiles.map { ProfileUnitNames(profile: $0.name).path }.map { ($0, units.state(of: $0)) }, uniquingKeysWith: { first, _ in first }))
        return MachineReading(snapshot: snapshot, diagnostics: diagnostics)
    }

    /// `SYSTEMD_PROC_CMDLINE` (even empty) replaces /proc/cmdline, as in systemd's proc_cmdline().
    func readKernelCommandLine() -> Reading<String> {
        if let override = Environment.value("SYSTEMD_PROC_CMDLINE") { return .value(override) }
        do {
            let bytes = try root.readFile("/proc/cmdline", limit: 1 << 20)
            return .value(String(decoding: bytes, as: UTF8.self))
        } catch {
            return .unreadable(reason: root.describe(error))
        }
    }

    /// `SYSTEMD_IN_INITRD` (a systemd boolean) else the existence of /etc/initrd-release, the
    /// fallback systemd ≤ 250 generators need because PID 1 sets no variable there.
    func readInInitrd() -> Bool {
        if let value = Environment.value("SYSTEMD_IN_INITRD"), let flag = SystemdBoolean.parse(value) {
            return flag
        }
        return (try? root.exists("/etc/initrd-release")) ?? false
    }

    /// `SYSTEMD_VIRTUALIZATION=container:…` (v251+) or /run/systemd/container, never by spawning
    /// systemd-detect-virt (generators must not run other programs).
    func readInContainer() -> Bool {
        if let value = Environment.value("SYSTEMD_VIRTUALIZATION"), value.hasPrefix("container:") { return true }
        return (try? root.exists("/run/systemd/container")) ?? false
    }

    func readMounts() -> Reading<[MountEntry]> {
        let path = root.hostPath("/proc/self/mountinfo")
        do {
            try Self.requireFile(path)
            let table = try MountTable.parse(file: path)
            // The kernel never writes a line libmount cannot parse: a table with one is not
            // the mount table, and an autofs entry may be among the lost lines.
            if let line = table.skippedLines.first {
                return .unreadable(reason: "/proc/self/mountinfo: cannot parse line \(line)")
            }
            return .value(table.mountEntries())
        } catch {
            return .unreadable(reason: root.describe(error))
        }
    }

    /// `SYSTEMD_FSTAB` is used as given (not under the root), like systemd's fstab_path().
    func readFstab(diagnostics: inout [Diagnostic]) -> (String, Reading<[FstabEntry]>) {
        let override = Environment.value("SYSTEMD_FSTAB").flatMap { $0.isEmpty ? nil : $0 }
        let shownPath = override ?? "/etc/fstab"
        let hostPath = override ?? root.hostPath("/etc/fstab")
        do {
            // systemd's fstab-generator treats a missing fstab as an empty one.
            guard try FileStatus.ifPresent(hostPath, symlinks: .followed) != nil else { return (shownPath, .value([])) }
            try Self.requireFile(hostPath)
            let table = try MountTable.parse(file: hostPath)
            for line in table.skippedLines {
                diagnostics.append(Diagnostic(.warning, "\(shownPath):\(line): cannot parse the line, ignoring."))
            }
            return (shownPath, .value(table.fstabEntries()))
        } catch {
            return (shownPath, .unreadable(reason: root.describe(error)))
        }
    }

    /// is_efi_boot(): /sys/firmware/efi exists.
    func readEFIBoot() -> Reading<Bool> {
        do {
            return .value(try root.exists("/sys/firmware/efi"))
        } catch {
            return .unreadable(reason: root.describe(error))
        }
    }

    /// Only whether the variable exists matters (the boot loader named the ESP); lstat never
    /// reads efivarfs contents.
    func readLoaderDevicePartUUID() -> Reading<Bool> {
        do {
            return .value(try root.exists(Self.loaderDevicePartUUIDVariable))
        } catch {
            return .unreadable(reason: root.describe(error))
        }
    }
}

extension MachineReader {
    /// libmount opens the path itself: refuse a directory (it reports a mere EINVAL) and
    /// anything that is not a regular file (a FIFO would block it forever).
    static func requireFile(_ hostPath: String) throws {
        try MachineRoot.requireRegularFile(hostPath)
    }
}

/// systemd's parse_boolean().
enum SystemdBoolean {
    static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "yes", "y", "true", "t", "on": return true
        case "0", "no", "n", "false", "f", "off": return false
        default: return nil
        }
    }
}
