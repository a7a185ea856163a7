/// Why a path is, or is not, expected to be an automount (the rules of `AutomountRules.all`,
/// in order; the first that decides is kept).
public indirect enum AutomountEvidence: Sendable, Equatable {
    /// Rule 1: mountinfo lists an autofs entry at the path (the daemon-reload case).
    case autofsMounted
    /// Rule 2: `unit` exists at `unitPath` and `pulledInBy` (a `.wants/`/`.requires/` link) enables it.
    case automountUnitEnabled(unit: String, unitPath: String, pulledInBy: String)
    /// Rule 2: `unit` is masked at `unitPath`; a mask also hides fstab's and gpt-auto's units
    /// of that name, so there is no automount at all.
    case automountUnitMasked(unit: String, unitPath: String)
    /// Rule 3: an fstab line (or a `systemd.mount-extra=` item) with the automount `option`
    /// (`x-systemd.automount` or `comment=systemd.automount`).
    case fstabAutomount(source: FstabSource, option: String)
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
    /// An input a rule needs was not looked at: the reader's probes (`AutomountRules.probes`)
    /// missed it, a bug. Treated as an automount like `.unreadable`, and logged as an error.
    case notExamined(input: String)
    /// No rule matched; `reason` says what was checked.
    case none(reason: String)

    /// Whether this evidence makes the path count as an automount.
    public var needsHold: Bool {
        switch self {
        case .autofsMounted, .automountUnitEnabled, .fstabAutomount, .gptAuto, .unreadable, .notExamined: true
        case .automountUnitMasked, .none: false
        case .beneath(_, let evidence): evidence.needsHold
        }
    }
}
