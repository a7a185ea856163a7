/// The names of the units and links the generator writes for one profile, and the ones its
/// helpers and `bootholdctl` look for: the one place they are spelled.
public struct ProfileUnitNames: Sendable, Equatable {
    /// The profile's name (`[NAME]` in the configuration): the base name of its units.
    public let profile: String

    public init(profile: String) { self.profile = profile }

    /// The finalize unit, `NAME.service`: the updater's own unit name, replaced.
    public var finalize: String { profile + ".service" }
    /// The hold unit paired with it, `NAME-hold.service`.
    public var hold: String { profile + "-hold.service" }
    /// The path unit that starts the finalize unit when the staged file appears, `NAME.path`.
    public var path: String { profile + ".path" }
    /// The path unit's link, relative to the output directory, and its target. paths.target,
    /// not multi-user.target: see `ProfileUnits.links`.
    public var pathLink: (relativePath: String, target: String) { ("paths.target.wants/" + path, "../" + path) }
    /// The timer that starts a paired, path-triggered finalize unit once per boot, after
    /// basic.target, `NAME-start.timer` (see `ProfileUnits.startsAtBoot`).
    public var startTimer: String { profile + "-start.timer" }
    /// Its link, relative to the output directory, and its target.
    public var startTimerLink: (relativePath: String, target: String) { ("timers.target.wants/" + startTimer, "../" + startTimer) }
    /// The next boot's report of the profile's outcome records, `boothold-report@NAME.service`.
    public var report: String { Self.reportPrefix + profile + ".service" }
    /// Its link, relative to the output directory (the target is wherever the template is).
    public var reportLinkPath: String { "multi-user.target.wants/" + report }

    /// The finalize unit and the hold unit: the units whose drop-ins the generator reads.
    public var services: [String] { [finalize, hold] }

    /// The shipped template the report link points to.
    public static let reportTemplate = "boothold-report@.service"
    private static let reportPrefix = "boothold-report@"
    /// The most a name grows by in any unit name above: `boothold-report@NAME.service`.
    public static let longestDecoration = reportPrefix.utf8.count + ".service".utf8.count
}
