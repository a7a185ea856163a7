/// How the hold's main process ended, as systemd tells an `ExecStopPost=` command
/// (systemd.exec(5): `$SERVICE_RESULT`, `$EXIT_CODE`, `$EXIT_STATUS`).
public struct ServiceStopResult: Sendable, Equatable {
    /// "success", "exit-code", "signal", "core-dump", "timeout", "watchdog", "oom-kill",
    /// "start-limit-hit", "protocol", "resources", "exec-condition"; nil when not set.
    public var result: String?
    /// "exited", "killed" or "dumped"; nil when systemd did not know the main process.
    public var exitCode: String?
    /// The exit status ("3") when exited, else the signal name without "SIG" ("KILL").
    public var exitStatus: String?

    public init(result: String?, exitCode: String? = nil, exitStatus: String? = nil) {
        self.result = result
        self.exitCode = exitCode
        self.exitStatus = exitStatus
    }
}

/// `boothold-hold --after-stop`, the hold unit's `ExecStopPost=`: one journal line saying that
/// nothing holds the paths while a deployment is staged, why, and what still protects the
/// update. A staged deployment with nothing holding an automounted `/boot` is degraded
/// (ostree#2543): the automount may expire, and once shutdown has begun systemd refuses to
/// mount it again. Nothing staged: nothing was lost, a debug line only.
public struct HoldStopReport: Sendable, Equatable {
    public var paths: [String]
    /// `--release-when-gone FILE`, if given.
    public var stagedFile: String?
    /// Whether FILE exists now (ignored without FILE: the paths always need holding then).
    public var stagedFileExists: Bool
    public var stop: ServiceStopResult
    /// "ostree-finalize-staged-hold.service", when this runs in a paired hold unit's cgroup.
    public var holdUnit: String?
    /// "ostree-finalize-staged.service", its pair.
    public var finalizeUnit: String?

    public init(paths: [String], stagedFile: String?, stagedFileExists: Bool, stop: ServiceStopResult,
                holdUnit: String? = nil, finalizeUnit: String? = nil)
    {
        self.paths = paths
        self.stagedFile = stagedFile
        self.stagedFileExists = stagedFileExists
        self.stop = stop
        self.holdUnit = holdUnit
        self.finalizeUnit = finalizeUnit
    }

    /// The level and the line: warning, or notice for a clean stop (`success`); debug when
    /// nothing is staged.
    public var message: (LogLevel, String) {
        let held = paths.joined(separator: ", ")
        if let file = stagedFile, !stagedFileExists {
            return (.debug, "\(file) does not exist: nothing staged, so nothing needs to hold \(held)")
        }
        let whileStaged = stagedFile.map { " while \($0) exists" } ?? ""
        let level: LogLevel = stop.result == "success" ? .notice : .warning
        return (level, "Nothing holds \(held)\(whileStaged): \(cause); \(protection)")
    }

    private var unit: String { holdUnit ?? "the hold unit" }

    /// Why the hold is not running, in a few words.
    var cause: String {
        switch stop.result {
        case "success":
            switch stop.exitCode {
            case "killed": return "\(unit) was stopped (boothold-hold ended by signal \(signal))"
            default: return "\(unit) was stopped (boothold-hold exited cleanly)"
            }
        case "exit-code":
            return "boothold-hold exited with status \(stop.exitStatus ?? "?")" + Self.meaning(ofStatus: stop.exitStatus)
        case "signal":
            return "boothold-hold was killed by signal \(signal)"
        case "core-dump":
            return "boothold-hold crashed with signal \(signal) (core dumped)"
        case "oom-kill":
            return "boothold-hold was killed by the out-of-memory killer" + (stop.exitStatus.map { " (signal \($0))" } ?? "")
        case "timeout":
            return "\(unit) timed out" + (processEnd.map { " and boothold-hold \($0)" } ?? "")
        case "watchdog":
            return "\(unit) missed its watchdog deadline" + (processEnd.map { " and boothold-hold \($0)" } ?? "")
        case "start-limit-hit":
            return "\(unit) was started too often and hit its start limit (start-limit-hit)"
        case "protocol":
            return "boothold-hold did not follow its unit's Type= protocol (protocol)"
        case "resources":
            return "systemd could not set up or run \(unit) (resources)"
        case let other?:
            return "\(unit) ended with result \(other)" + (processEnd.map { " (boothold-hold \($0))" } ?? "")
        case nil:
            return "boothold-hold ended ($SERVICE_RESULT is not set: not run as ExecStopPost=?)"
        }
    }

    /// What still protects the staged deployment.
    var protection: String {
        let atShutdown = paths.count == 1
            ? "at shutdown boothold-finalize mounts \(paths[0]) itself if the automount can no longer serve it"
            : "at shutdown boothold-finalize itself mounts whichever of them the automount can no longer serve"
        guard let hold = holdUnit, let finalize = finalizeUnit else { return atShutdown }
        if stop.result == "start-limit-hit" {
            return "systemd does not start \(hold) again before its start limit interval has passed, and \(atShutdown)"
        }
        return "systemd starts \(hold) again while \(finalize) is active, and \(atShutdown)"
    }

    private var signal: String { stop.exitStatus ?? "?" }

    /// How the main process ended: "was killed by signal TERM", "exited with status 1",
    /// "dumped core on signal ABRT"; nil when systemd did not say.
    private var processEnd: String? {
        switch stop.exitCode {
        case "exited": return "exited with status \(signal)"
        case "killed": return "was killed by signal \(signal)"
        case "dumped": return "dumped core on signal \(signal)"
        default: return nil
        }
    }

    /// What boothold-hold's own exit statuses mean (HoldExitStatus), and systemd's 203.
    static func meaning(ofStatus status: String?) -> String {
        switch status.flatMap({ Int32($0) }) {
        case HoldExitStatus.usage.rawValue: return " (bad command line)"
        case HoldExitStatus.pathNotHeld.rawValue: return " (a path could not be held)"
        case HoldExitStatus.wrongMountNamespace.rawValue: return " (not in PID 1's mount namespace)"
        case HoldExitStatus.systemFailure.rawValue: return " (signals, file watching or the notification could not be set up)"
        case 203: return " (systemd could not execute it)"
        default: return ""
        }
    }
}
