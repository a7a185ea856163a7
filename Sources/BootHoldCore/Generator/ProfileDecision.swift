/// What the generator decided for one path of a profile.
public struct PathDecision: Sendable, Equatable {
    public var path: String
    public var evidence: AutomountEvidence
    /// Not a `Paths=` entry but a mount a drop-in makes the unit require, and which setting
    /// does (`RequiresMountsFor= in FILE:LINE`). Held too when it will be an automount.
    public var requiredBy: String?
    public init(path: String, evidence: AutomountEvidence, requiredBy: String? = nil) {
        self.path = path
        self.evidence = evidence
        self.requiredBy = requiredBy
    }

    /// `/boot: will be an automount: fstab x-systemd.automount in /etc/fstab` (`EvidenceText`).
    public var summary: String { EvidenceText.pathLine(self) }
}

/// What the generator writes for a profile.
public enum HoldDecision: Sendable, Equatable {
    /// Finalize unit plus its hold unit.
    case paired
    /// Finalize unit only.
    case plain
    /// Nothing (the profile is invalid or clashes); `reason` says why.
    case skipped(reason: String)
}

/// The decision for one profile and the evidence per path that led to it.
public struct ProfileDecision: Sendable, Equatable {
    public var name: String
    public var decision: HoldDecision
    /// Why the decision was taken (e.g. "Hold=yes", "/boot will be an automount (…)").
    public var reason: String
    public var paths: [PathDecision]
    /// What the drop-ins attached to the units do that matters for finalization, one line
    /// each, for the unit headers and `--explain` (warnings are logged too).
    public var dropInNotes: [String]
    /// Whether a path unit starts the finalize unit (Trigger= resolved), and, for
    /// `Trigger=auto`, why.
    public var trigger: ResolvedTrigger
    public var triggerReason: String?
    /// Why the hold holds every path from its start until it is stopped (`--from-start`)
    /// instead of only while staged; nil: only while staged. Set by the planner.
    public var heldFromStartReason: String?
    public init(
        name: String, decision: HoldDecision, reason: String, paths: [PathDecision], dropInNotes: [String] = [],
        trigger: ResolvedTrigger = .updater, triggerReason: String? = nil
    ) {
        self.name = name
        self.decision = decision
        self.reason = reason
        self.paths = paths
        self.dropInNotes = dropInNotes
        self.trigger = trigger
        self.triggerReason = triggerReason
    }

    /// The paths the hold keeps mounted: every `Paths=` entry, and every mount a drop-in
    /// requires that will be an automount (so that its expiry cannot stop the unit early).
    public var heldPaths: [String] {
        paths.filter { $0.requiredBy == nil || $0.evidence.needsHold }.map { $0.path }
    }

    /// The first mount a drop-in requires that will be an automount, when paired. Its expiry
    /// would stop the finalize unit whenever the unit is active, staged or not yet (ostree
    /// 2025.2 starts it before it checks the deployment out).
    public var dropInAutomount: PathDecision? {
        guard decision == .paired else { return nil }
        return paths.first { $0.requiredBy != nil && $0.evidence.needsHold }
    }

    /// `paired with NAME-hold.service: …`, `plain (no hold): …`, `skipped: …`.
    public var summary: String {
        switch decision {
        case .paired: "paired with \(ProfileUnitNames(profile: name).hold): \(reason)"
        case .plain: "plain, no hold: \(reason)"
        case .skipped(let why): "skipped: \(why)"
        }
    }
}
