import BootHoldCore
import BootHoldSystem

/// A snapshot of the machine and what the reader had to say while taking it (inputs it had to
/// skip). Nothing in here is a decision: that is `GeneratorPlanner`'s job.
public struct MachineReading: Sendable {
    public var snapshot: MachineSnapshot
    /// Where boothold-hold and boothold-finalize are, for the units' `Exec*=` lines.
    public var helperDirectory: String
    public var diagnostics: [Diagnostic]
}

/// Reads every input of the generator once, under one `MachineRoot`, and parses it once.
///
/// systemd's own test hooks win over the root, as they do for systemd's generators:
/// `SYSTEMD_PROC_CMDLINE`, `SYSTEMD_FSTAB`, `SYSTEMD_IN_INITRD`, `SYSTEMD_VIRTUALIZATION`
/// (`GeneratorEnvironment`).
public struct MachineReader {
    public let root: MachineRoot
    public let environment: GeneratorEnvironment

    /// `environment.root` is the root read under.
    public init(environment: GeneratorEnvironment) {
        self.root = environment.root
        self.environment = environment
    }

    static let loaderDevicePartUUIDVariable =
        "/sys/firmware/efi/efivars/LoaderDevicePartUUID-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

    public func read() -> MachineReading {
        var diagnostics: [Diagnostic] = []
        // Parsed once here; the planner takes the profiles, the skipped ones and the
        // diagnostics from the snapshot.
        let configuration = ProfileConfiguration.evaluate(ConfigurationReader(root: root).read(diagnostics: &diagnostics))
        let profiles = configuration.profiles
        let dropInReader = UnitDropInReader(root: root)
        let unitDropIns = profiles.flatMap { ProfileUnitNames(profile: $0.name).services }.flatMap { dropInReader.read(unit: $0, diagnostics: &diagnostics) }
        // The mounts those drop-ins require are probed like Paths= entries.
        let dropInMounts = profiles.flatMap { DropInReview.requiredMounts(of: $0, dropIns: unitDropIns).mounts.map { $0.path } }
        let paths = AutomountRules.probes(for: profiles, extra: dropInMounts)

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

        let inInitrd = readInInitrd()
        let snapshot = MachineSnapshot(
            kernelCommandLine: readKernelCommandLine().map { KernelCommandLine(parsing: $0, inInitrd: inInitrd) },
            inInitrd: inInitrd,
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
            pathUnits: pathUnitStates(of: profiles, units))
        let helperDirectory = readHelperDirectory(diagnostics: &diagnostics)
        return MachineReading(snapshot: snapshot, helperDirectory: helperDirectory, diagnostics: diagnostics)
    }

    /// The helpers sit beside the generator's own resolved executable, so a build tree, a
    /// DESTDIR staging tree and an installed system all name the right `ExecStart=` paths
    /// (the generators directory only holds a symlink to it). `BOOTHOLD_LIBEXECDIR` overrides.
    /// Not under the root: it is this process's own executable.
    func readHelperDirectory(diagnostics: inout [Diagnostic]) -> String {
        if let override = environment.helperDirectory { return override }
        do {
            let executable = try canonicalPath("/proc/self/exe")
            let directory = String(executable[..<(executable.lastIndex(of: "/") ?? executable.startIndex)])
            return directory.isEmpty ? "/" : directory
        } catch {
            diagnostics.append(Diagnostic(.warning, "Cannot resolve /proc/self/exe (\(error)), assuming /usr/libexec/boothold."))
            return "/usr/libexec/boothold"
        }
    }

    /// `SYSTEMD_PROC_CMDLINE` (even empty) replaces /proc/cmdline, as in systemd's proc_cmdline().
    func readKernelCommandLine() -> Reading<String> {
        if let override = environment.kernelCommandLine { return .value(override) }
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
        if let flag = environment.inInitrd { return flag }
        return (try? root.exists("/etc/initrd-release")) ?? false
    }

    /// `SYSTEMD_VIRTUALIZATION=container:…` (v251+) or /run/systemd/container, never by spawning
    /// systemd-detect-virt (generators must not run other programs).
    func readInContainer() -> Bool {
        if environment.inContainer { return true }
        return (try? root.exists("/run/systemd/container")) ?? false
    }

    /// Each profile's path unit and what the unit search path has of it (the first of a name wins).
    private func pathUnitStates(of profiles: [StagedProfile], _ units: UnitPathProbe) -> [String: Reading<UnitFileState>] {
        var states: [String: Reading<UnitFileState>] = [:]
        for profile in profiles {
            let name = ProfileUnitNames(profile: profile.name).path
            if states[name] == nil { states[name] = units.state(of: name) }
        }
        return states
    }

    func readMounts() -> Reading<[MountEntry]> {
        let path = root.hostPath("/proc/self/mountinfo")
        do {
            // libmount opens the path itself: refuse a directory (it reports a mere EINVAL) and
            // anything that is not a regular file (a FIFO would block it forever).
            try MachineRoot.requireRegularFile(path)
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
        let override = environment.fstab
        let shownPath = override ?? "/etc/fstab"
        let hostPath = override ?? root.hostPath("/etc/fstab")
        do {
            // systemd's fstab-generator treats a missing fstab as an empty one.
            guard try FileStatus.ifPresent(hostPath, symlinks: .followed) != nil else { return (shownPath, .value([])) }
            try MachineRoot.requireRegularFile(hostPath)
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
