/// Rule 3: fstab or `systemd.mount-extra=` (systemd ≥ 254) asks for an automount, exactly as
/// systemd-fstab-generator reads them. Reads the kernel command line, fstab and the systemd
/// version.
struct FstabAutomount: AutomountRule {
    func evaluate(_ path: String, _ inputs: AutomountInputs) -> AutomountAnswer {
        let snapshot = inputs.snapshot
        guard let commandLine = inputs.commandLine else {
            // fstab=no and systemd.mount-extra= are unknown: an automount cannot be ruled out.
            return .decided(.unreadable(input: "the kernel command line", reason: inputs.kernelCommandLineReason))
        }
        var sources: [(entry: FstabEntry, source: FstabSource)] = []
        if inputs.fstabEnabled {
            switch snapshot.fstab {
            case .value(let entries): sources += entries.map { ($0, .fstab(file: snapshot.fstabPath)) }
            case .unreadable(let reason): return .decided(.unreadable(input: snapshot.fstabPath, reason: reason))
            }
        }
        // systemd.mount-extra= is read since systemd 254.
        var ignoredExtra = false
        for case .assigned(let text) in commandLine.values(of: "systemd.mount-extra") {
            guard let entry = MountExtra.parse(text) else { continue }
            guard GptAutoRules.readsMountExtra(snapshot.systemd) else {
                if let target = MountPath.simplifyFstabTarget(entry.target), MountPath.same(target, path) { ignoredExtra = true }
                continue
            }
            sources.append((entry, .mountExtra))
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
                return .noMatch("the \(source.name) entry has no automount option")
            }
            return .decided(.fstabAutomount(source: source, option: option))
        }
        let fstabReason = inputs.fstabEnabled ? "no fstab entry" : "fstab disabled on the kernel command line"
        if ignoredExtra, let major = snapshot.systemd.major {
            return .noMatch("\(fstabReason); systemd \(major) does not read systemd.mount-extra= (254 and later do)")
        }
        return .noMatch(fstabReason)
    }
}

/// Where an fstab-style entry came from.
public enum FstabSource: Sendable, Equatable {
    /// A line of the fstab file at `file`.
    case fstab(file: String)
    /// An item of `systemd.mount-extra=` on the kernel command line.
    case mountExtra

    /// "fstab", "systemd.mount-extra=".
    public var name: String {
        switch self {
        case .fstab: "fstab"
        case .mountExtra: "systemd.mount-extra="
        }
    }

    /// "in /etc/fstab", "on the kernel command line".
    public var location: String {
        switch self {
        case .fstab(let file): "in \(file)"
        case .mountExtra: "on the kernel command line"
        }
    }
}
