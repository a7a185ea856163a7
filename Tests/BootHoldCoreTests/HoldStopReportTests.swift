import Testing

@testable import BootHoldCore

/// `boothold-hold --after-stop`: what the journal says when the hold stopped, for each
/// `$SERVICE_RESULT` systemd.exec(5) defines.
struct HoldStopReportTests {
    static let staged = "/run/ostree/staged-deployment"
    static let paths = ["/sysroot", "/boot"]
    static let protection = "systemd starts ostree-finalize-staged-hold.service again while ostree-finalize-staged.service is active, "
        + "and at shutdown boothold-finalize itself mounts whichever of them the automount can no longer serve"

    private func report(_ stop: ServiceStopResult, exists: Bool = true, paired: Bool = true) -> (LogLevel, String) {
        HoldStopReport(paths: Self.paths, stagedFile: Self.staged, stagedFileExists: exists, stop: stop,
                       holdUnit: paired ? "ostree-finalize-staged-hold.service" : nil,
                       finalizeUnit: paired ? "ostree-finalize-staged.service" : nil).message
    }

    static let cases: [(ServiceStopResult, LogLevel, String)] = [
        (ServiceStopResult(result: "signal", exitCode: "killed", exitStatus: "KILL"), .warning,
         "boothold-hold was killed by signal KILL"),
        (ServiceStopResult(result: "success", exitCode: "exited", exitStatus: "0"), .notice,
         "ostree-finalize-staged-hold.service was stopped (boothold-hold exited cleanly)"),
        (ServiceStopResult(result: "success", exitCode: "killed", exitStatus: "TERM"), .notice,
         "ostree-finalize-staged-hold.service was stopped (boothold-hold ended by signal TERM)"),
        (ServiceStopResult(result: "exit-code", exitCode: "exited", exitStatus: "3"), .warning,
         "boothold-hold exited with status 3 (a path could not be held)"),
        (ServiceStopResult(result: "exit-code", exitCode: "exited", exitStatus: "203"), .warning,
         "boothold-hold exited with status 203 (systemd could not execute it)"),
        (ServiceStopResult(result: "exit-code", exitCode: "exited", exitStatus: "1"), .warning,
         "boothold-hold exited with status 1"),
        (ServiceStopResult(result: "core-dump", exitCode: "dumped", exitStatus: "SEGV"), .warning,
         "boothold-hold crashed with signal SEGV (core dumped)"),
        (ServiceStopResult(result: "oom-kill", exitCode: "killed", exitStatus: "KILL"), .warning,
         "boothold-hold was killed by the out-of-memory killer (signal KILL)"),
        (ServiceStopResult(result: "timeout", exitCode: "killed", exitStatus: "TERM"), .warning,
         "ostree-finalize-staged-hold.service timed out and boothold-hold was killed by signal TERM"),
        (ServiceStopResult(result: "timeout", exitCode: "exited", exitStatus: "0"), .warning,
         "ostree-finalize-staged-hold.service timed out and boothold-hold exited with status 0"),
        (ServiceStopResult(result: "watchdog", exitCode: "dumped", exitStatus: "ABRT"), .warning,
         "ostree-finalize-staged-hold.service missed its watchdog deadline and boothold-hold dumped core on signal ABRT"),
        (ServiceStopResult(result: "protocol"), .warning,
         "boothold-hold did not follow its unit's Type= protocol (protocol)"),
        (ServiceStopResult(result: "resources"), .warning,
         "systemd could not set up or run ostree-finalize-staged-hold.service (resources)"),
        (ServiceStopResult(result: "exec-condition", exitCode: "exited", exitStatus: "1"), .warning,
         "ostree-finalize-staged-hold.service ended with result exec-condition (boothold-hold exited with status 1)"),
        (ServiceStopResult(result: nil), .warning,
         "boothold-hold ended ($SERVICE_RESULT is not set: not run as ExecStopPost=?)"),
    ]

    @Test(arguments: cases)
    func whileStagedOneLineSaysWhyAndWhatStillProtects(_ stop: ServiceStopResult, _ level: LogLevel, _ cause: String) {
        let (actual, message) = report(stop)
        #expect(actual == level)
        #expect(message == "Nothing holds /sysroot, /boot while \(Self.staged) exists: \(cause); \(Self.protection)")
    }

    /// systemd runs no ExecStopPost= for a start refused by the start limit, but the result is
    /// defined, so it is worded too, without promising a restart.
    @Test func startLimitHitPromisesNoRestart() {
        let (level, message) = report(ServiceStopResult(result: "start-limit-hit"))
        #expect(level == .warning)
        #expect(message == "Nothing holds /sysroot, /boot while \(Self.staged) exists: "
            + "ostree-finalize-staged-hold.service was started too often and hit its start limit (start-limit-hit); "
            + "systemd does not start ostree-finalize-staged-hold.service again before its start limit interval has passed, "
            + "and at shutdown boothold-finalize itself mounts whichever of them the automount can no longer serve")
    }

    /// Control: nothing staged, nothing lost — a debug line only, whatever the result.
    @Test(arguments: ["signal", "success", "exit-code"])
    func nothingStagedIsDebugOnly(_ result: String) {
        let (level, message) = report(ServiceStopResult(result: result, exitCode: "killed", exitStatus: "KILL"), exists: false)
        #expect(level == .debug)
        #expect(message == "\(Self.staged) does not exist: nothing staged, so nothing needs to hold /sysroot, /boot")
    }

    @Test func outsideAPairedUnitOnlyTheShutdownFallbackIsPromised() {
        let (_, message) = report(ServiceStopResult(result: "signal", exitCode: "killed", exitStatus: "KILL"), paired: false)
        #expect(message.hasSuffix(": boothold-hold was killed by signal KILL; at shutdown boothold-finalize itself mounts whichever of them the automount can no longer serve"))
        let one = HoldStopReport(paths: ["/boot"], stagedFile: nil, stagedFileExists: false,
                                 stop: ServiceStopResult(result: "signal", exitCode: "killed", exitStatus: "KILL")).message
        #expect(one.0 == .warning, "without FILE the paths always need holding")
        #expect(one.1 == "Nothing holds /boot: boothold-hold was killed by signal KILL; at shutdown boothold-finalize mounts /boot itself if the automount can no longer serve it")
    }

    @Test func theCommandLineNamesTheMode() throws {
        #expect(try HoldCommand.parse(["--after-stop", "--release-when-gone", Self.staged, "/sysroot", "/boot"])
                == .afterStop(HoldRequest(paths: Self.paths, releaseWhenGone: Self.staged)))
        #expect(try HoldCommand.parse(["--release-when-gone=\(Self.staged)", "/boot"])
                == .hold(HoldRequest(paths: ["/boot"], releaseWhenGone: Self.staged)))
    }
}
