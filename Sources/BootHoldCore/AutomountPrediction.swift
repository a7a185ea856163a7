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
        // point it could use (it refuses a busy one).
        var atBoot = self
        if case .value(let mounts) = snapshot.mounts {
            atBoot.snapshot.mounts = .value(mounts.filter { !MountPath.same(MountPath.simplifyFstabTarget($0.target) ?? "", path) })
        }
        // An empty directory rather than a missing one: an autofs is mounted on it now, and the
        // rules of 249–256 only place the ESP on a path that exists.
        atBoot.snapshot.mountPoints[path] = .value(.emptyDirectory)
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
    var fstabEnabled: Bool {
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
        // systemd.mount-extra= is read since systemd 254.
        var ignoredExtra = false
        for case .assigned(let text) in commandLine.values(of: "systemd.mount-extra") {
            guard let entry = MountExtra.parse(text) else { continue }
            guard GptAutoRules.readsMountExtra(snapshot.systemd) else {
                if let target = MountPath.simplifyFstabTarget(entry.target), MountPath.same(target, path) { ignoredExtra = true }
                continue
            }
            sources.append((entry, "systemd.mount-extra="))
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
        let fstabReason = fstabEnabled ? "no fstab entry" : "fstab disabled on the kernel command line"
        if ignoredExtra, let major = snapshot.systemd.major {
            return .noMatch("\(fstabReason); systemd \(major) does not read systemd.mount-extra= (254 and later do)")
        }
        return .noMatch(fstabReason)
    }

    private var kernelCommandLineReason: String {
        if case .unreadable(let reason) = snapshot.kernelCommandLine { return reason }
        return "unknown"
    }

    // MARK: Rule 4: systemd-gpt-auto-generator will automount the ESP here.

    /// The rules of the systemd version found (GptAutoRules), or of every version when it is
    /// unknown: then the path is an automount when any of them says so. The first answer, newest
    /// rules first, that is an automount or an unreadable input decides; otherwise the newest
    /// rules' reason is shown. XBOOTLDR partitions are not looked for (no partition table is
    /// read): the rules place the ESP as on a disk without one.
    private func gptAuto(_ path: String) -> Answer {
        guard path == "/boot" || path == "/efi" else { return .noMatch("not /boot or /efi") }
        guard !snapshot.inContainer else { return .noMatch("gpt-auto does not run in a container") }
        guard let commandLine else {
            return .decided(.unreadable(input: "the kernel command line", reason: kernelCommandLineReason))
        }
        if commandLine.boolean(of: "systemd.gpt_auto").value == false {
            return .noMatch("gpt-auto disabled on the kernel command line")
        }
        let ruleSets = GptAutoRules.applying(to: snapshot.systemd)
        // A known version outside the rules read is treated as unknown, so is its text.
        let version = ruleSets.count == 1 ? snapshot.systemd.major : nil
        let machine = GptAutoMachine(snapshot: snapshot, fstabEnabled: fstabEnabled, version: version)
        var newestReason: String? = nil
        for rules in ruleSets {
            switch rules.answer(for: path, on: machine) {
            case .automount(let finding): return .decided(.gptAuto(finding))
            case .unreadable(let input, let reason): return .decided(.unreadable(input: input, reason: reason))
            case .none(let why): if newestReason == nil { newestReason = why }
            }
        }
        let label = version.map { "gpt-auto of systemd \($0)" } ?? "gpt-auto"
        return .noMatch("\(label): \(newestReason ?? "no rules")")
    }
}
