/// Why a path is, or is not, expected to be an automount (DESIGN.md "Will a path be an
/// automount?", rules 1–4 in order; the first that decides is kept).
public indirect enum AutomountEvidence: Sendable, Equatable {
    /// Rule 1: mountinfo lists an autofs entry at the path (the daemon-reload case).
    case autofsMounted
    /// Rule 2: `unit` exists at `unitPath` and `pulledInBy` (a `.wants/`/`.requires/` link) enables it.
    case automountUnitEnabled(unit: String, unitPath: String, pulledInBy: String)
    /// Rule 2: `unit` is masked at `unitPath`; a mask also hides fstab's and gpt-auto's units
    /// of that name, so there is no automount at all.
    case automountUnitMasked(unit: String, unitPath: String)
    /// Rule 3: an fstab line (or a `systemd.mount-extra=` item) with `option`.
    case fstabAutomount(source: String, option: String)
    /// Rule 4: systemd-gpt-auto-generator will automount the EFI System Partition here, under
    /// the rules of the systemd version found (or of any version, when it is unknown). On a
    /// machine not booted through EFI gpt-auto skips the loader variable check and mounts an
    /// ESP it finds on the root disk, which the generator cannot see without probing the disk;
    /// that counts as an automount too.
    case gptAuto(GptAutoFinding)
    /// The path itself is no automount point, but `ancestor` (a mount point above it) is:
    /// reaching the path goes through that automount, and holding the path keeps it busy.
    case beneath(ancestor: String, AutomountEvidence)
    /// An input a rule needed could not be read; treated as an automount (holding is cheap,
    /// a missing hold loses an update).
    case unreadable(input: String, reason: String)
    /// No rule matched; `reason` says what was checked.
    case none(reason: String)

    /// Whether this evidence makes the path count as an automount.
    public var needsHold: Bool {
        switch self {
        case .autofsMounted, .automountUnitEnabled, .fstabAutomount, .gptAuto, .unreadable: true
        case .automountUnitMasked, .none: false
        case .beneath(_, let evidence): evidence.needsHold
        }
    }

    /// The reason text written into the unit header, the log and `--explain`.
    public var reason: String {
        switch self {
        case .autofsMounted:
            "autofs is mounted there (/proc/self/mountinfo)"
        case .automountUnitEnabled(let unit, let unitPath, let link):
            "\(unit) is enabled (\(unitPath), pulled in by \(link))"
        case .automountUnitMasked(let unit, let unitPath):
            "\(unit) is masked (\(unitPath)), so there is no automount at all"
        case .fstabAutomount(let source, let option):
            "\(source) \(option)"
        case .gptAuto(let finding):
            finding.reason
        case .beneath(let ancestor, let evidence):
            "reached through \(ancestor): \(evidence.reason)"
        case .unreadable(let input, let reason):
            "cannot read \(input) (\(reason)), treated as an automount"
        case .none(let reason):
            reason
        }
    }
}

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

    /// `/boot: will be an automount: fstab x-systemd.automount (/etc/fstab)`.
    public var summary: String {
        let verdict = evidence.needsHold ? "will be an automount" : "no automount"
        return "\(shownPath): \(verdict): \(Display.escaped(evidence.reason))"
    }

    /// `/boot/efi (RequiresMountsFor= in FILE:LINE)` for a drop-in's mount, else the path.
    var shownPath: String {
        guard let requiredBy else { return Display.escaped(path) }
        return "\(Display.escaped(path)) (\(Display.escaped(requiredBy)))"
    }
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
        paths.filter { $0.requiredBy == nil || $0.evidence.needsHold }.map(\.path)
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
