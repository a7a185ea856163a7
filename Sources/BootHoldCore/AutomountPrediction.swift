/// Will a path be an automount? DESIGN.md rules 1–4, evaluated in order over a snapshot;
/// the first rule that decides gives the evidence.
///
/// When an input a rule needs cannot be read, the answer is `.unreadable`, which counts as
/// an automount: a needless hold costs one idle process, a missing one loses an update
/// (ostree#2543).
struct AutomountPrediction {
    var snapshot: MachineSnapshot
    /// The parsed command line; nil when it could not be read.
    var commandLine: KernelCommandLine?

    /// One rule's answer.
    private enum Answer {
        case decided(AutomountEvidence)
        case noMatch(String)
    }

    /// The evidence for `path`, or else for the nearest mount point above it that will be an
    /// automount: `Paths=/boot/loader` is reached through a `/boot` automount, and the hold's
    /// open descriptor below it keeps that automount busy just the same.
    func evidence(for path: String) -> AutomountEvidence {
        let own = evidenceAt(path)
        guard case .none = own else { return own }
        for ancestor in MountPath.ancestors(of: path) {
            let evidence = evidenceAt(ancestor)
            if evidence.needsHold { return .beneath(ancestor: ancestor, evidence) }
        }
        return own
    }

    private func evidenceAt(_ path: String) -> AutomountEvidence {
        var checked: [String] = []
        for rule in [autofsMounted, automountUnit, fstabAutomount, gptAuto] {
            switch rule(path) {
            case .decided(.autofsMounted): return bootTimeEvidence(for: path) ?? .autofsMounted
            case .decided(let evidence): return evidence
            case .noMatch(let why): checked.append(why)
            }
        }
        return .none(reason: checked.joined(separator: "; "))
    }

    /// On a daemon-reload the autofs is there because a unit, fstab or gpt-auto put it there.
    /// Report the rule that predicted it at boot, so that a reload writes byte-identical units
    /// (reference/systemd-generators.md, Conventions 15); only an autofs nothing predicts
    /// (e.g. `systemd-mount --automount`) is reported as rule 1. The decision is the same.
    private func bootTimeEvidence(for path: String) -> AutomountEvidence? {
        // As the machine looked at boot: no mount at the path yet, so gpt-auto saw a mount
        // point it could use (it refuses a busy one, so it was empty or missing).
        var atBoot = self
        if case .value(let mounts) = snapshot.mounts {
            atBoot.snapshot.mounts = .value(mounts.filter { !MountPath.same(MountPath.simplifyFstabTarget($0.target) ?? "", path) })
        }
        atBoot.snapshot.mountPoints[path] = .value(.missing)
        for rule in [atBoot.automountUnit, atBoot.fstabAutomount, atBoot.gptAuto] {
            guard case .decided(let evidence) = rule(path) else { continue }
            if case .unreadable = evidence { return nil }
            return evidence.needsHold ? evidence : nil
        }
        return nil
    }

    // MARK: Rule 1: an autofs mount is already there (daemon-reload).

    private func autofsMounted(_ path: String) -> Answer {
        guard let mounts = readMounts() else { return .decided(unreadableMounts) }
        // Search every row: once triggered, the real file system is stacked on the autofs row.
        if mounts.contains(where: { $0.fileSystemType == "autofs" && MountPath.same(MountPath.simplifyFstabTarget($0.target) ?? "", path) }) {
            return .decided(.autofsMounted)
        }
        return .noMatch("no autofs mounted")
    }

    private func readMounts() -> [MountEntry]? { snapshot.mounts.value }

    private var unreadableMounts: AutomountEvidence {
        if case .unreadable(let reason) = snapshot.mounts { return .unreadable(input: "/proc/self/mountinfo", reason: reason) }
        return .unreadable(input: "/proc/self/mountinfo", reason: "unknown")
    }

    // MARK: Rule 2: an enabled or masked `<escaped path>.automount` unit file.

    private func automountUnit(_ path: String) -> Answer {
        guard let unit = UnitName.fromPath(path, suffix: ".automount") else {
            return .noMatch("no automount unit name for this path")
        }
        guard let reading = snapshot.automountUnits[unit] else {
            return .decided(.unreadable(input: "the unit path for \(unit)", reason: "not examined"))
        }
        guard case .value(let state) = reading else {
            if case .unreadable(let reason) = reading { return .decided(.unreadable(input: "the unit path for \(unit)", reason: reason)) }
            return .decided(.unreadable(input: "the unit path for \(unit)", reason: "unknown"))
        }
        switch state.definition {
        case .absent:
            return .noMatch("no \(unit) unit file")
        case .masked(let unitPath):
            return .decided(.automountUnitMasked(unit: unit, unitPath: unitPath))
        case .present(let unitPath):
            guard let link = state.pulledInBy.first else { return .noMatch("\(unit) exists but is not enabled") }
            return .decided(.automountUnitEnabled(unit: unit, unitPath: unitPath, pulledInBy: link))
        }
    }

    // MARK: Rule 3: fstab or systemd.mount-extra= asks for an automount.

    /// fstab is read unless `fstab=` (or `rd.fstab=` in the initrd) is false.
    private var fstabEnabled: Bool {
        commandLine?.boolean(of: "fstab").value ?? true
    }

    private func fstabAutomount(_ path: String) -> Answer {
        guard let commandLine else {
            // fstab=no and systemd.mount-extra= are unknown: an automount cannot be ruled out.
            return .decided(.unreadable(input: "the kernel command line", reason: kernelCommandLineReason))
        }
        var sources: [(entry: FstabEntry, source: String)] = []
        if fstabEnabled {
            guard let entries = snapshot.fstab.value else {
                if case .unreadable(let reason) = snapshot.fstab { return .decided(.unreadable(input: snapshot.fstabPath, reason: reason)) }
                return .decided(.unreadable(input: snapshot.fstabPath, reason: "unknown"))
            }
            sources += entries.map { ($0, "fstab") }
        }
        for case .assigned(let text) in commandLine.values(of: "systemd.mount-extra") {
            if let entry = MountExtra.parse(text) { sources.append((entry, "systemd.mount-extra=")) }
        }

        // systemd-fstab-generator creates unit files O_EXCL: the first entry for a mount
        // point claims its name, later duplicates fail. autofs and swap lines claim nothing.
        var claimed: Set<[UInt8]> = []
        for (entry, source) in sources {
            guard entry.fileSystemType != "autofs", entry.fileSystemType != "swap",
                let target = MountPath.simplifyFstabTarget(entry.target), !claimed.contains(Array(target.utf8))
            else { continue }
            claimed.insert(Array(target.utf8))
            guard MountPath.same(target, path) else { continue }
            // systemd drops automount for the mounts the system cannot run without.
            guard target != "/", target != "/usr",
                let option = FstabOptions.first(of: FstabOptions.automountNames, in: entry.options)
            else {
                return .noMatch("the \(source) entry has no automount option")
            }
            let where_ = source == "fstab" ? "in \(snapshot.fstabPath)" : "on the kernel command line"
            return .decided(.fstabAutomount(source: source, option: "\(option) \(where_)"))
        }
        return .noMatch(fstabEnabled ? "no fstab entry" : "fstab disabled on the kernel command line")
    }

    private var kernelCommandLineReason: String {
        if case .unreadable(let reason) = snapshot.kernelCommandLine { return reason }
        return "unknown"
    }

    // MARK: Rule 4: systemd-gpt-auto-generator will automount the ESP here.

    /// The rules of systemd ≥ 256 (reference/systemd-generators.md §2.2): any fstab entry at
    /// or under /boot or /efi stops it; /boot or /efi must be missing or an empty directory;
    /// on an EFI boot the boot loader must have named the ESP (LoaderDevicePartUUID). Both /boot and /efi
    /// are candidates: which one gpt-auto picks depends on an XBOOTLDR partition we cannot
    /// see, and a hold on the one it did not pick is harmless.
    private func gptAuto(_ path: String) -> Answer {
        guard path == "/boot" || path == "/efi" else { return .noMatch("not /boot or /efi") }
        guard !snapshot.inContainer else { return .noMatch("gpt-auto does not run in a container") }
        guard let commandLine else {
            return .decided(.unreadable(input: "the kernel command line", reason: kernelCommandLineReason))
        }
        if commandLine.boolean(of: "systemd.gpt_auto").value == false {
            return .noMatch("gpt-auto disabled on the kernel command line")
        }
        if fstabEnabled {
            guard let entries = snapshot.fstab.value else {
                return .decided(.unreadable(input: snapshot.fstabPath, reason: "unreadable"))
            }
            if let entry = entries.first(where: { entry in
                guard let target = MountPath.simplifyFstabTarget(entry.target) else { return false }
                return MountPath.isAtOrUnder(target, "/boot") || MountPath.isAtOrUnder(target, "/efi")
            }) {
                return .noMatch("gpt-auto: fstab has \(Display.escaped(entry.target))")
            }
        }
        guard let mounts = readMounts() else { return .decided(unreadableMounts) }
        if mounts.contains(where: { MountPath.same(MountPath.simplifyFstabTarget($0.target) ?? "", path) }) {
            return .noMatch("gpt-auto: \(path) is already a mount point")
        }
        switch snapshot.mountPoints[path] {
        case nil:
            return .decided(.unreadable(input: path, reason: "not examined"))
        case .unreadable(let reason):
            return .decided(.unreadable(input: path, reason: reason))
        case .value(.nonEmptyDirectory):
            return .noMatch("gpt-auto: \(path) is a non-empty directory")
        case .value(.notDirectory):
            return .noMatch("gpt-auto: \(path) is not a directory")
        case .value(.missing), .value(.emptyDirectory):
            break
        }
        // gpt-auto checks the loader variable on EFI boots only; on a BIOS boot it mounts an
        // ESP it finds on the root disk, which the generator does not probe: hold to be safe.
        switch snapshot.efiBoot {
        case .value(false):
            return .decided(.gptAutoWithoutEFI)
        case .unreadable(let reason):
            return .decided(.unreadable(input: "/sys/firmware/efi", reason: reason))
        case .value(true):
            break
        }
        switch snapshot.loaderDevicePartUUID {
        case .value(true):
            return .decided(.gptAutoESP)
        case .value(false):
            return .noMatch("gpt-auto: no LoaderDevicePartUUID EFI variable (the boot loader did not name the ESP)")
        case .unreadable(let reason):
            return .decided(.unreadable(input: "the EFI variable LoaderDevicePartUUID", reason: reason))
        }
    }
}
