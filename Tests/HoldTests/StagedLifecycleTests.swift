import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// The hold with `--release-when-gone FILE`: it holds the paths exactly while FILE exists, and
// keeps running (and watching) when FILE goes away, so that a re-stage pins again.

extension NotifyListener {
    /// Reads datagrams until one whose `STATUS=` is `status`; nil if none comes in time.
    func waitForStatus(_ status: String, timeout: Double = readyTimeout) -> [String: String]? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let datagram = receive(timeout: max(0.01, deadline.timeIntervalSinceNow)) else { return nil }
            let assignments = datagram.notifyAssignments
            if assignments["STATUS"] == status { return assignments }
        }
        return nil
    }
}

extension HoldUnderTest {
    /// What the helper has open, as its /proc/PID/fd links name it.
    func openFiles() -> [String] {
        guard let pid = helperPID() else { return [] }
        let directory = "/proc/\(pid)/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + $0) }
    }

    func holdsOpen(_ path: String) -> Bool { openFiles().contains(path) }
}

private func touch(_ path: String) {
    #expect(FileManager.default.createFile(atPath: path, contents: Data()), "cannot create \(path)")
}

private func uniqueSocket(_ tag: String) -> NotifyListener.Kind {
    .abstract("boothold-test-\(getpid())-\(tag)-\(UInt32.random(in: 0...UInt32.max))")
}

@Suite(.serialized) struct StagedLifecycleTests {
    /// /run/ostree does not exist before ostree stages something: the hold is ready at once,
    /// holds nothing, and follows the directory as it is created.
    @Test func nothingStagedAtStartHoldsNothingUntilTheFileAppears() throws {
        let stage = try NamespaceStage()
        let boot = try stage.mountTmpfs("boot")
        let run = stage.directory + "/run"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: false)
        let staged = run + "/ostree/staged-deployment"
        let notify = try NotifyListener(uniqueSocket("watch"))
        let hold = try HoldUnderTest(stage: stage, arguments: ["--release-when-gone", staged, boot], notify: notify)

        let ready = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")
        #expect(ready.notifyAssignments["READY"] == "1")
        #expect(ready.notifyAssignments["STATUS"] == "Watching \(staged): nothing staged, holding nothing")
        #expect(!hold.holdsOpen(boot))

        // The directory appearing and other files in it pin nothing.
        try FileManager.default.createDirectory(atPath: run + "/ostree", withIntermediateDirectories: false)
        touch(run + "/ostree/unrelated")
        #expect(hold.process.wait(timeout: 0.3) == nil, "exited: \(hold.standardError)")
        #expect(!hold.holdsOpen(boot), "pinned without the staged file")

        touch(staged)
        #expect(notify.waitForStatus("Holding \(boot) (tmpfs)") != nil, "stderr: \(hold.standardError)")
        #expect(try stage.unmount(boot).status != 0, "staged, yet /boot is not busy")
        #expect(hold.standardError.contains("\(staged) appeared: a deployment is staged, holding \(boot)"))

        #expect(hold.signal(SIGTERM))
        #expect(hold.process.wait(timeout: 1) == 0)
        #expect(try stage.unmount(boot).status == 0)
    }

    /// Unstaged: the paths are released, the process stays and watches; staged again (here
    /// renamed into place, as ostree writes it): pinned again.
    @Test func releaseKeepsTheProcessAndAReStagePinsAgain() throws {
        let stage = try NamespaceStage()
        let boot = try stage.mountTmpfs("boot")
        let staged = stage.directory + "/staged-deployment"
        touch(staged)
        let notify = try NotifyListener(uniqueSocket("restage"))
        let hold = try HoldUnderTest(stage: stage, arguments: ["--release-when-gone", staged, boot], notify: notify)
        let ready = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")
        #expect(ready.notifyAssignments["STATUS"] == "Holding \(boot) (tmpfs)")
        #expect(try stage.unmount(boot).status != 0)

        try FileManager.default.removeItem(atPath: staged)
        #expect(notify.waitForStatus("Released \(boot): deployment unstaged; watching for a new one") != nil,
                "stderr: \(hold.standardError)")
        #expect(hold.process.wait(timeout: 0.3) == nil, "the release ended the hold: \(hold.standardError)")
        #expect(hold.standardError.contains("\(staged) is gone: deployment unstaged, releasing \(boot); watching for a new one"))
        #expect(try stage.unmount(boot).status == 0, "released, yet /boot is busy")

        _ = try stage.mountTmpfs("boot")
        let temporary = stage.directory + "/.staged-deployment.tmp"
        touch(temporary)
        #expect(rename(temporary, staged) == 0)
        #expect(notify.waitForStatus("Holding \(boot) (tmpfs)") != nil, "re-staged, not pinned: \(hold.standardError)")
        #expect(try stage.unmount(boot).status != 0, "re-staged, yet /boot is not busy")

        // Renamed away counts as gone too.
        #expect(rename(staged, stage.directory + "/elsewhere") == 0)
        #expect(notify.waitForStatus("Released \(boot): deployment unstaged; watching for a new one") != nil)
        #expect(hold.process.wait(timeout: 0.2) == nil)
        #expect(hold.signal(SIGTERM))
        #expect(hold.process.wait(timeout: 1) == 0)
        #expect(try stage.unmount(boot).status == 0)
    }

    /// `--from-start`: held before READY although nothing is staged, and the staged file coming
    /// and going changes nothing (the control: without it, the same start holds nothing).
    @Test(arguments: [true, false])
    func fromStartHoldsBeforeAnythingIsStagedUntilStopped(_ fromStart: Bool) throws {
        let stage = try NamespaceStage()
        let boot = try stage.mountTmpfs("boot")
        let staged = stage.directory + "/staged-deployment"
        let notify = try NotifyListener(uniqueSocket("from-start-\(fromStart)"))
        let hold = try HoldUnderTest(
            stage: stage, arguments: ["--release-when-gone", staged] + (fromStart ? ["--from-start"] : []) + [boot], notify: notify)
        let ready = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")
        #expect(ready.notifyAssignments["READY"] == "1")
        guard fromStart else {
            #expect(ready.notifyAssignments["STATUS"] == "Watching \(staged): nothing staged, holding nothing")
            #expect(!hold.holdsOpen(boot))
            #expect(hold.signal(SIGTERM))
            #expect(hold.process.wait(timeout: 1) == 0)
            return
        }
        #expect(ready.notifyAssignments["STATUS"] == "Holding \(boot) (tmpfs) until stopped")
        #expect(hold.standardError.contains("Holding \(boot) from the start until stopped (--from-start)"))
        #expect(try stage.unmount(boot).status != 0, "nothing staged, and --from-start, yet /boot is not busy")
        touch(staged)
        try FileManager.default.removeItem(atPath: staged)
        #expect(hold.process.wait(timeout: 0.3) == nil, "exited: \(hold.standardError)")
        #expect(hold.holdsOpen(boot), "released when the staged file went away")
        #expect(try stage.unmount(boot).status != 0)
        #expect(hold.signal(SIGTERM))
        #expect(hold.process.wait(timeout: 1) == 0)
        #expect(try stage.unmount(boot).status == 0)
    }

    @Test func aFailureToPinAtStartWhileStagedExitsBeforeReady() throws {
        let stage = try NamespaceStage()
        let staged = stage.directory + "/staged-deployment"
        touch(staged)
        let missing = stage.directory + "/no-boot"
        let notify = try NotifyListener(uniqueSocket("pin-start"))
        let hold = try HoldUnderTest(stage: stage, arguments: ["--release-when-gone", staged, missing], notify: notify)
        #expect(hold.process.wait(timeout: readyTimeout) == 3, "stderr: \(hold.standardError)")
        #expect(hold.standardError.contains("Cannot hold \(missing): "))
        #expect(hold.standardError.contains("No such file or directory; holding nothing while \(staged) exists"))
        #expect(notify.queued() == [], "a notification was sent")
    }
}

/// The real kernel autofs with the test daemon: the automount is triggered by the hold's own
/// open, and the kernel refuses to expire it only while held.
@Suite(.serialized, .enabled(if: AutofsSupport.available, "this kernel has no autofs file system (autofs4 module)"))
struct StagedAutofsTests {
    /// How the hold behaves when the staged file goes away.
    enum Hold: String, CaseIterable {
        /// This hold: releases and keeps watching.
        case releasesAndWatches
        /// Control, the hold as it was: it exited on the release (systemd did not start it again:
        /// it exited 0 and the finalize unit only wanted it). Modelled by ending it at the release.
        case exitsOnRelease
    }

    private func startDaemon(_ stage: NamespaceStage, _ boot: String) throws -> SpawnedProcess {
        try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
        let daemon = try stage.start(["/usr/bin/python3", AutofsSupport.daemon, boot])
        #expect(daemon.waitForOutputLine(timeout: readyTimeout) { $0 == "ready" } != nil, "daemon: \(daemon.standardError)")
        #expect(try stage.mounted(at: boot) == ["autofs"])
        return daemon
    }

    @Test(arguments: Hold.allCases)
    func aReStageAfterTheReleasePinsTheAutomountAgain(_ behaviour: Hold) throws {
        let stage = try NamespaceStage()
        let boot = stage.directory + "/boot"
        let daemon = try startDaemon(stage, boot)
        defer { daemon.closeInput() }
        let staged = stage.directory + "/staged-deployment"
        let notify = try NotifyListener(uniqueSocket("autofs-\(behaviour.rawValue)"))
        let hold = try HoldUnderTest(stage: stage, arguments: ["--release-when-gone", staged, boot], notify: notify)
        let ready = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")
        #expect(ready.notifyAssignments["STATUS"] == "Watching \(staged): nothing staged, holding nothing")
        #expect(try stage.mounted(at: boot) == ["autofs"], "nothing staged, yet the automount was triggered")

        // Staged: the hold's open triggers the automount and keeps it from expiring.
        touch(staged)
        #expect(daemon.waitForOutputLine(timeout: readyTimeout) { $0 == "mounted" } != nil)
        #expect(notify.waitForStatus("Holding \(boot) (tmpfs)") != nil, "stderr: \(hold.standardError)")
        daemon.write("expire\n")
        #expect(daemon.waitForOutputLine(timeout: readyTimeout) { $0.hasPrefix("expire") } == "expire refused EAGAIN")

        // Unstaged: released, so the automount expires.
        try FileManager.default.removeItem(atPath: staged)
        #expect(notify.waitForStatus("Released \(boot): deployment unstaged; watching for a new one") != nil)
        if behaviour == .exitsOnRelease {
            #expect(hold.signal(SIGTERM))
            #expect(hold.process.wait(timeout: 1) == 0)
        }
        daemon.write("expire\n")
        #expect(daemon.waitForOutputLine(timeout: readyTimeout) { $0.hasPrefix("expire") } == "expired",
                "daemon: \(daemon.standardError)")
        #expect(try stage.mounted(at: boot) == ["autofs"])

        // Staged again.
        touch(staged)
        switch behaviour {
        case .releasesAndWatches:
            #expect(daemon.waitForOutputLine(timeout: readyTimeout) { $0 == "mounted" } != nil, "re-staged, not mounted")
            #expect(notify.waitForStatus("Holding \(boot) (tmpfs)") != nil, "stderr: \(hold.standardError)")
            #expect(try stage.mounted(at: boot) == ["autofs", "tmpfs"])
            daemon.write("expire\n")
            #expect(daemon.waitForOutputLine(timeout: readyTimeout) { $0.hasPrefix("expire") } == "expire refused EAGAIN")
            #expect(hold.signal(SIGTERM))
            #expect(hold.process.wait(timeout: 1) == 0)
        case .exitsOnRelease:
            // Nothing opens /boot: the re-staged deployment has an unheld, unmounted automount
            // (#2543 at the next shutdown, if it expires past the point systemd serves it).
            #expect(daemon.waitForOutputLine(timeout: 1) { $0 == "mounted" } == nil, "something triggered the automount")
            #expect(try stage.mounted(at: boot) == ["autofs"])
        }
    }

    /// The automount refuses (EHOSTDOWN, as systemd answers once shutdown has begun) when the
    /// staged file appears: the hold exits non-zero with the cause, for systemd to start it again.
    @Test func aFailureToPinWhenStagedExitsNonZeroWithTheCause() throws {
        let stage = try NamespaceStage()
        let boot = stage.directory + "/boot"
        let daemon = try startDaemon(stage, boot)
        defer { daemon.closeInput() }
        let staged = stage.directory + "/staged-deployment"
        let notify = try NotifyListener(uniqueSocket("autofs-refuse"))
        let hold = try HoldUnderTest(stage: stage, arguments: ["--release-when-gone", staged, boot], notify: notify)
        _ = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")
        daemon.write("refuse\n")
        #expect(daemon.waitForOutputLine(timeout: readyTimeout) { $0 == "ok refuse" } != nil)

        touch(staged)
        #expect(hold.process.wait(timeout: readyTimeout) == 3, "stderr: \(hold.standardError)")
        #expect(daemon.waitForOutputLine(timeout: 1) { $0 == "refused EHOSTDOWN" } != nil, "daemon: \(daemon.standardError)")
        #expect(hold.standardError.contains("Cannot hold \(boot): "), "stderr: \(hold.standardError)")
        #expect(hold.standardError.contains("Host is down"))
        #expect(hold.standardError.contains("systemd#22528"))
        #expect(hold.standardError.contains("holding nothing while \(staged) exists"))
        #expect(try stage.mounted(at: boot) == ["autofs"])
    }
}

/// ostree's finalization unlinks the staged file before it writes /boot: while the paired
/// finalize unit has processes (its ExecStop= runs), the file going away must not release.
@Suite(.serialized, .enabled(if: ControlGroupStage.available, "no cgroup v2 hierarchy mounted"))
struct ReleaseDuringFinalizationTests {
    /// `untold`: finalizing, but the hold was not given `--finalize-unit`, so it cannot know.
    enum FinalizeUnit: String, CaseIterable { case finalizing, idle, untold }

    @Test(arguments: FinalizeUnit.allCases)
    func theStagedFileGoingAwayReleasesOnlyWhenNotFinalizing(_ finalizeUnit: FinalizeUnit) throws {
        let stage = try NamespaceStage()
        let groups = try ControlGroupStage()
        let staged = stage.directory + "/staged-deployment"
        touch(staged)
        let boot = try stage.mountTmpfs("boot")
        let notify = try NotifyListener(uniqueSocket("cg-\(finalizeUnit.rawValue)"))
        let told = finalizeUnit == .untold ? [] : ["--finalize-unit", "staged.service"]
        let hold = try HoldUnderTest(stage: stage, arguments: ["--release-when-gone", staged] + told + [boot], notify: notify)
        _ = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")
        try groups.move(try #require(hold.helperPID()), to: groups.hold)
        // The finalize unit's stop command, running (or not); in the unit's ".control"
        // subgroup, as systemd places it when the unit delegates.
        let stopCommand = try SpawnedProcess(["/bin/sleep", "30"])
        if finalizeUnit != .idle { try groups.move(stopCommand.pid, to: groups.finalizeControl) }

        try FileManager.default.removeItem(atPath: staged)
        switch finalizeUnit {
        case .finalizing:
            let status = "Holding \(boot) (tmpfs) until stopped: staged.service is finalizing (which removes it)"
            #expect(notify.waitForStatus(status, timeout: 2) != nil, "stderr: \(hold.standardError)")
            #expect(hold.standardError.contains("\(staged) is gone while staged.service is finalizing"))
            #expect(try stage.unmount(boot).status != 0, "released during finalization")
        case .idle, .untold:
            #expect(notify.waitForStatus("Released \(boot): deployment unstaged; watching for a new one", timeout: 2) != nil,
                    "stderr: \(hold.standardError)")
            #expect(try stage.unmount(boot).status == 0)
        }
        #expect(hold.process.wait(timeout: 0.2) == nil, "the hold ended by itself: \(hold.standardError)")
        #expect(hold.signal(SIGTERM))
        #expect(hold.process.wait(timeout: 1) == 0)
        kill(stopCommand.pid, SIGKILL)
        stopCommand.wait(timeout: 5)
    }
}

/// `boothold-hold --after-stop`, as the hold unit's ExecStopPost= runs it: in the hold unit's
/// cgroup (which names the units), with systemd's $SERVICE_RESULT, $EXIT_CODE, $EXIT_STATUS
/// and stderr connected to the journal ($JOURNAL_STREAM: `<N>` priority prefixes).
@Suite(.serialized, .enabled(if: ControlGroupStage.available, "no cgroup v2 hierarchy mounted"))
struct AfterStopTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var result: String?
        var code: String?
        var status: String?
        var priority: Int
        var cause: String
        var testDescription: String { [result ?? "unset", code ?? "-", status ?? "-"].joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(result: "signal", code: "killed", status: "KILL", priority: 4, cause: "boothold-hold was killed by signal KILL"),
        Case(result: "success", code: "exited", status: "0", priority: 5,
             cause: "staged-hold.service was stopped (boothold-hold exited cleanly)"),
        Case(result: "exit-code", code: "exited", status: "3", priority: 4,
             cause: "boothold-hold exited with status 3 (a path could not be held)"),
        Case(result: "core-dump", code: "dumped", status: "SEGV", priority: 4,
             cause: "boothold-hold crashed with signal SEGV (core dumped)"),
        Case(result: "oom-kill", code: "killed", status: "KILL", priority: 4,
             cause: "boothold-hold was killed by the out-of-memory killer (signal KILL)"),
        Case(result: "timeout", code: "killed", status: "TERM", priority: 4,
             cause: "staged-hold.service timed out and boothold-hold was killed by signal TERM"),
        Case(result: "watchdog", code: "dumped", status: "ABRT", priority: 4,
             cause: "staged-hold.service missed its watchdog deadline and boothold-hold dumped core on signal ABRT"),
        Case(result: "start-limit-hit", priority: 4,
             cause: "staged-hold.service was started too often and hit its start limit (start-limit-hit)"),
        Case(result: "protocol", priority: 4, cause: "boothold-hold did not follow its unit's Type= protocol (protocol)"),
        Case(result: "resources", priority: 4, cause: "systemd could not set up or run staged-hold.service (resources)"),
        Case(result: "exec-condition", code: "exited", status: "1", priority: 4,
             cause: "staged-hold.service ended with result exec-condition (boothold-hold exited with status 1)"),
        Case(result: nil, priority: 4, cause: "boothold-hold ended ($SERVICE_RESULT is not set: not run as ExecStopPost=?)"),
    ]

    /// Runs `--after-stop` for `file` and `/boot` from the hold unit's cgroup.
    private func afterStop(_ c: Case, file: String, groups: ControlGroupStage) throws -> SpawnedProcess {
        var environment = ["JOURNAL_STREAM": "8:1234"]
        if let result = c.result { environment["SERVICE_RESULT"] = result }
        if let code = c.code { environment["EXIT_CODE"] = code }
        if let status = c.status { environment["EXIT_STATUS"] = status }
        let script = #"echo $$ > "$1/cgroup.procs" && exec "$2" --after-stop --release-when-gone "$3" --finalize-unit staged.service /sysroot /boot"#
        return try SpawnedProcess.run(["/bin/sh", "-c", script, "sh", groups.hold, NamespaceStage.hold, file],
                                      environment: environment)
    }

    @Test(arguments: cases)
    func whileStagedOneJournalLineSaysWhatHappened(_ c: Case) throws {
        let groups = try ControlGroupStage()
        let directory = try NamespaceStage()
        let staged = directory.directory + "/staged-deployment"
        touch(staged)
        let run = try afterStop(c, file: staged, groups: groups)
        #expect(run.status == 0, "ExecStopPost= must not change the unit's result: \(run.standardError)")
        let protection = c.result == "start-limit-hit"
            ? "systemd does not start staged-hold.service again before its start limit interval has passed"
            : "systemd starts staged-hold.service again while staged.service is active"
        #expect(run.standardError == "<\(c.priority)>Nothing holds /sysroot, /boot while \(staged) exists: \(c.cause); "
            + "\(protection), and at shutdown boothold-finalize itself mounts whichever of them the automount can no longer serve\n")
    }

    /// Control: nothing staged, nothing to say (debug only), whatever the result.
    @Test func nothingStagedSaysNothing() throws {
        let groups = try ControlGroupStage()
        let directory = try NamespaceStage()
        let run = try afterStop(Self.cases[0], file: directory.directory + "/staged-deployment", groups: groups)
        #expect(run.status == 0)
        #expect(run.standardError == "")
    }

    @Test func aBrokenCommandLineStillExitsZero() throws {
        let run = try SpawnedProcess.run([NamespaceStage.hold, "--after-stop", "--release-when-gone"])
        #expect(run.status == 0)
        #expect(run.standardError.contains("--release-when-gone needs a FILE"))
        #expect(try SpawnedProcess.run([NamespaceStage.hold, "--release-when-gone"]).status == 2, "without --after-stop it is a usage error")
    }
}
