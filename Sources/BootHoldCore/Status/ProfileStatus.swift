/// What `bootholdctl status` found out about one profile, gathered without touching any
/// automount. The verdict is decided from this value alone (ProfileStatus.verdict).
public struct ProfileStatus: Sendable, Equatable {
    public var name: String
    /// `Staged=`.
    public var stagedFile: String
    public var generation: Generation
    /// The profile's units as PID 1 has them loaded: NAME.service, NAME-hold.service (when
    /// paired), boothold-report@NAME.service. Empty when PID 1 could not be asked.
    public var units: [UnitStatus]
    /// Why the unit states are missing (PID 1 unreachable), or nil.
    public var unitsUnavailable: String?
    public var staged: Presence
    /// ostree's finalization lock (`--lock-finalization`): nil when the profile has none.
    public var locked: Bool?
    public var paths: [PathStatus]
    public var lastOutcome: LastOutcome

    public init(
        name: String, stagedFile: String, generation: Generation, units: [UnitStatus], unitsUnavailable: String? = nil,
        staged: Presence, locked: Bool? = nil, paths: [PathStatus], lastOutcome: LastOutcome = LastOutcome()
    ) {
        self.name = name
        self.stagedFile = stagedFile
        self.generation = generation
        self.units = units
        self.unitsUnavailable = unitsUnavailable
        self.staged = staged
        self.locked = locked
        self.paths = paths
        self.lastOutcome = lastOutcome
    }

    public enum Presence: String, Sendable, Equatable {
        case staged, notStaged = "not-staged", unknown
    }

    /// What the generator wrote for the profile at this boot (or the last daemon-reload).
    public enum Generation: Sendable, Equatable {
        /// The unit header's `Decision:` line and its per-path lines, as written.
        case generated(paired: Bool, decision: String, pathLines: [String])
        /// No unit of the profile in the generator directory; `reason` says why, as far as
        /// the configuration and the kernel command line tell.
        case notGenerated(reason: String)
    }

    public var finalizeUnitName: String { ProfileUnitNames(profile: name).finalize }
    public var holdUnitName: String { ProfileUnitNames(profile: name).hold }
    public var reportUnitName: String { ProfileUnitNames(profile: name).report }

    public func unit(_ name: String) -> UnitStatus? { units.first { $0.name == name } }
}

/// One unit as PID 1 reports it (org.freedesktop.systemd1.Unit properties).
public struct UnitStatus: Sendable, Equatable {
    public var name: String
    public var loadState: String
    public var activeState: String
    public var subState: String
    /// `FragmentPath`: the unit file in effect ("" when none).
    public var fragmentPath: String
    /// `DropInPaths`.
    public var dropIns: [String]
    /// Services only; 0 when none.
    public var mainPID: Int32
    /// `StateChangeTimestamp`, µs since the epoch; 0 when never.
    public var sinceRealtimeMicroseconds: UInt64
    /// The unit's `Result` (services: "success", "signal", "exit-code", …); "" when unknown.
    public var result: String

    public init(
        name: String, loadState: String, activeState: String, subState: String, fragmentPath: String,
        dropIns: [String] = [], mainPID: Int32 = 0, sinceRealtimeMicroseconds: UInt64 = 0, result: String = ""
    ) {
        self.name = name
        self.loadState = loadState
        self.activeState = activeState
        self.subState = subState
        self.fragmentPath = fragmentPath
        self.dropIns = dropIns
        self.mainPID = mainPID
        self.sinceRealtimeMicroseconds = sinceRealtimeMicroseconds
        self.result = result
    }

    /// Written by boothold-generator: it lives in one of systemd's generator directories.
    public var isGenerated: Bool {
        ["/run/systemd/generator/", "/run/systemd/generator.early/", "/run/systemd/generator.late/"]
            .contains { fragmentPath.hasPrefix($0) }
    }
}

/// One `Paths=` entry as the mount table shows it now.
public struct PathStatus: Sendable, Equatable {
    public var path: String
    /// An autofs mount point sits at the path (an automount).
    public var automount: Bool
    /// The file system mounted there (on top of the autofs, if any), or nil when nothing is.
    public var mounted: String?
    /// Processes with an open descriptor or a working directory at or below the path.
    public var users: [PathUser]
    /// Why the mount table could not be read, or nil.
    public var unreadable: String?

    public init(path: String, automount: Bool, mounted: String?, users: [PathUser] = [], unreadable: String? = nil) {
        self.path = path
        self.automount = automount
        self.mounted = mounted
        self.users = users
        self.unreadable = unreadable
    }
}

/// A process that keeps a path busy.
public struct PathUser: Sendable, Equatable {
    public enum Use: String, Sendable, Equatable {
        case openFile = "open-file", workingDirectory = "working-directory"
    }
    public var pid: Int32
    /// `/proc/PID/comm`.
    public var command: String
    public var use: Use
    /// The systemd unit of its control group ("" when none could be read).
    public var unit: String

    public init(pid: Int32, command: String, use: Use, unit: String = "") {
        self.pid = pid
        self.command = command
        self.use = use
        self.unit = unit
    }
}

/// The previous finalization's records, current or already archived by the report unit.
public struct LastOutcome: Sendable, Equatable {
    public var started: StartedRecord?
    public var result: ResultRecord?
    /// The records were moved to `reported/` by boothold-report@NAME.service.
    public var reported: Bool
    /// The started record's time in local time, as the reader should see it.
    public var startedAt: String?

    public init(started: StartedRecord? = nil, result: ResultRecord? = nil, reported: Bool = false, startedAt: String? = nil) {
        self.started = started
        self.result = result
        self.reported = reported
        self.startedAt = startedAt
    }
}
