/// Rule 3: fstab or `systemd.mount-extra=` (systemd ≥ 254) asks for an automount, exactly as
/// systemd-fstab-generator reads them. Reads the kernel command line, fstab and the systemd
/// version.
struct FstabAutomount: AutomountRule {
    func evaluate(_ path: String, _ inputs: AutomountInputs) -> AutomountAnswer {
        let snapshot = inputs.snapshot
        guard inputs.commandLine != nil else {
            // fstab=no and systemd.mount-extra= are unknown: an automount cannot be ruled out.
            return .decided(.unreadable(input: "the kernel command line", reason: inputs.kernelCommandLineReason))
        }
        if inputs.fstabEnabled, case .unreadable(let reason) = snapshot.fstab {
            return .decided(.unreadable(input: snapshot.fstabPath, reason: reason))
        }
        let key = Array(path.utf8)
        if let claim = inputs.fstabClaims.claims[key] {
            // systemd drops automount for the mounts the system cannot run without.
            guard path != "/", path != "/usr",
                let option = FstabOptions.first(of: FstabOptions.automountNames, in: claim.entry.options)
            else {
                return .noMatch("the \(claim.source.name) entry has no automount option")
            }
            return .decided(.fstabAutomount(source: claim.source, option: option))
        }
        let fstabReason = inputs.fstabEnabled ? "no fstab entry" : "fstab disabled on the kernel command line"
        if inputs.fstabClaims.ignoredMountExtra.contains(key), let major = snapshot.systemd.major {
            return .noMatch("\(fstabReason); systemd \(major) does not read systemd.mount-extra= (254 and later do)")
        }
        return .noMatch(fstabReason)
    }
}

/// The entries rule 3 reads, by mount point: fstab's (unless `fstab=no`), then the items of
/// `systemd.mount-extra=` when this systemd reads them (254 and later). systemd-fstab-generator
/// creates unit files O_EXCL, so the first entry for a mount point claims its name and later
/// duplicates fail; autofs and swap lines claim nothing.
struct FstabClaims {
    /// The claiming entry of each mount point (simplified, as bytes).
    private(set) var claims: [[UInt8]: (entry: FstabEntry, source: FstabSource)] = [:]
    /// Mount points named by `systemd.mount-extra=` items this systemd does not read.
    private(set) var ignoredMountExtra: Set<[UInt8]> = []

    init(snapshot: MachineSnapshot, commandLine: KernelCommandLine?, fstabEnabled: Bool) {
        guard let commandLine else { return }
        var sources: [(entry: FstabEntry, source: FstabSource)] = []
        if fstabEnabled, case .value(let entries) = snapshot.fstab {
            sources += entries.map { ($0, .fstab(file: snapshot.fstabPath)) }
        }
        for case .assigned(let text) in commandLine.values(of: "systemd.mount-extra") {
            guard let entry = MountExtra.parse(text) else { continue }
            guard GptAutoRules.readsMountExtra(snapshot.systemd) else {
                if let target = MountPath.simplifyFstabTarget(entry.target) { ignoredMountExtra.insert(Array(target.utf8)) }
                continue
            }
            sources.append((entry, .mountExtra))
        }
        for (entry, source) in sources {
            guard entry.fileSystemType != "autofs", entry.fileSystemType != "swap",
                let target = MountPath.simplifyFstabTarget(entry.target)
            else { continue }
            let key = Array(target.utf8)
            if claims[key] == nil { claims[key] = (entry, source) }
        }
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
