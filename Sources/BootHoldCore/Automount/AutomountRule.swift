/// One rule of "will this path be an automount?" (README "How it decides", rules 1–4).
/// A rule looks at the inputs it names and either decides (the evidence) or says what it
/// checked; the first rule of `AutomountRules.all` that decides wins.
protocol AutomountRule: Sendable {
    func evaluate(_ path: String, _ inputs: AutomountInputs) -> AutomountAnswer
}

/// One rule's answer.
enum AutomountAnswer {
    case decided(AutomountEvidence)
    /// Not this rule: what it checked, for the reason of a path no rule matches.
    case noMatch(String)
}

/// What the rules read: the machine as the reader saw it, with the tables the rules look paths
/// up in indexed once, so that deciding P paths over F fstab lines and M mounts costs
/// O(P + F + M) rather than O(P × (F + M)).
struct AutomountInputs {
    let snapshot: MachineSnapshot
    /// fstab and `systemd.mount-extra=` by mount point, as systemd-fstab-generator claims them.
    let fstabClaims: FstabClaims
    /// The mount points with an autofs in the mount table (any row: once triggered, the real
    /// file system is stacked on the autofs row), as bytes.
    let autofsTargets: Set<[UInt8]>
    /// fstab is read unless `fstab=` (or `rd.fstab=` in the initrd) is false.
    let fstabEnabled: Bool

    init(snapshot: MachineSnapshot) {
        self.snapshot = snapshot
        let commandLine = snapshot.kernelCommandLine.value
        fstabEnabled = commandLine?.boolean(of: "fstab").value ?? true
        fstabClaims = FstabClaims(snapshot: snapshot, commandLine: commandLine, fstabEnabled: fstabEnabled)
        var autofs: Set<[UInt8]> = []
        for entry in snapshot.mounts.value ?? [] where entry.fileSystemType == "autofs" {
            if let target = MountPath.simplifyFstabTarget(entry.target) { autofs.insert(Array(target.utf8)) }
        }
        autofsTargets = autofs
    }

    /// The kernel command line, parsed once by the reader; nil when it could not be read.
    var commandLine: KernelCommandLine? { snapshot.kernelCommandLine.value }

    /// Why the kernel command line could not be read.
    var kernelCommandLineReason: String {
        if case .unreadable(let reason) = snapshot.kernelCommandLine { return reason }
        return "unknown"
    }
}

/// One of the rules, by name: the table holds values, not existentials, and each case
/// dispatches to its rule's `evaluate`.
enum AutomountRuleKind: Sendable, Equatable {
    case autofsMounted, automountUnitFile, fstabAutomount, gptAuto

    func evaluate(_ path: String, _ inputs: AutomountInputs) -> AutomountAnswer {
        switch self {
        case .autofsMounted: AutofsMounted().evaluate(path, inputs)
        case .automountUnitFile: AutomountUnitFile().evaluate(path, inputs)
        case .fstabAutomount: FstabAutomount().evaluate(path, inputs)
        case .gptAuto: GptAuto().evaluate(path, inputs)
        }
    }
}

/// The rules, in the order they are tried: first match wins.
public enum AutomountRules {
    static let all: [AutomountRuleKind] = [.autofsMounted, .automountUnitFile, .fstabAutomount, .gptAuto]

    /// The rules that predict an automount before it exists, for a daemon-reload that finds
    /// one mounted (`AutomountPrediction.bootTimeEvidence`): every rule but rule 1, which
    /// only sees what is mounted now.
    static let predictingAtBoot: [AutomountRuleKind] = all.filter { $0 != .autofsMounted }

    /// Every path whose unit state and mount point state the reader must probe for these rules
    /// (rule 2 reads `<path>.automount`, rule 4 the mount points at `/boot` and `/efi`): the
    /// profiles' Paths, the mounts their units' drop-ins require (`extra`), the mount points
    /// above each (an automount there is reached through), and `/boot` and `/efi`.
    public static func probes(for profiles: [StagedProfile], extra: [String] = []) -> [String] {
        var paths: [String] = []
        var seen: Set<[UInt8]> = []
        for path in (profiles.flatMap({ $0.paths }) + extra).flatMap({ [$0] + MountPath.ancestors(of: $0) }) + ["/boot", "/efi"] where seen.insert(Array(path.utf8)).inserted {
            paths.append(path)
        }
        return paths
    }
}
