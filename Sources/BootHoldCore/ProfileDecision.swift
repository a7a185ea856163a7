/// Why a path is, or is not, expected to be an automount (DESIGN.md rules 1–4, in order).
public enum AutomountEvidence: Sendable, Equatable {
    /// Rule 1: mountinfo lists an autofs entry at the path.
    case autofsMounted
    /// Rule 2: an enabled `<escaped path>.automount` unit, found at `unitPath`, pulled in by `link`.
    case automountUnitEnabled(unitPath: String, pulledInBy: String)
    /// Rule 2: the `.automount` unit is masked at `unitPath`: no automount at all.
    case automountUnitMasked(unitPath: String)
    /// Rule 3: fstab (or `systemd.mount-extra=`) asks for an automount.
    case fstabAutomount(source: String, option: String)
    /// Rule 4: systemd-gpt-auto-generator will automount the ESP here.
    case gptAutoESP
    /// An input a rule needed could not be read: hold to be safe.
    case unreadable(input: String)
    /// No rule matched.
    case none(reason: String)

    /// Whether this evidence says the path will be an automount (or must be treated as one).
    public var needsHold: Bool {
        switch self {
        case .autofsMounted, .automountUnitEnabled, .fstabAutomount, .gptAutoESP, .unreadable: true
        case .automountUnitMasked, .none: false
        }
    }

    /// The reason text written into the unit header and `--explain`.
    public var reason: String { "" }
}

/// What the generator decided for one path of a profile.
public struct PathDecision: Sendable, Equatable {
    public var path: String
    public var evidence: AutomountEvidence
    public init(path: String, evidence: AutomountEvidence) {
        self.path = path
        self.evidence = evidence
    }
}

/// What the generator writes for a profile.
public enum HoldDecision: Sendable, Equatable {
    /// Finalize unit plus its hold unit.
    case paired
    /// Finalize unit only.
    case plain
    /// Nothing (the profile is invalid); `reason` says why.
    case skipped(reason: String)
}

/// The decision for one profile and the evidence per path that led to it.
public struct ProfileDecision: Sendable, Equatable {
    public var name: String
    public var decision: HoldDecision
    /// Why the decision was taken (e.g. "Hold=yes", "/boot will be an automount (fstab x-systemd.automount)").
    public var reason: String
    public var paths: [PathDecision]
    public init(name: String, decision: HoldDecision, reason: String, paths: [PathDecision]) {
        self.name = name
        self.decision = decision
        self.reason = reason
        self.paths = paths
    }
}
