import Foundation
import Testing

/// The fixed MESSAGE_IDs, pinned here so that changing one breaks a test.
enum ID {
    static let started = "30579d3735cd4ae285887b0e99d182dd"
    static let succeeded = "40eb6c5136414d07a8374584057768af"
    static let failed = "fc613a5569064afc800c5d0485687599"
    static let timedOut = "0d059d2f7d9c4cd084303cc1bdc8d2bb"
    static let unreachable = "96fe4a32be5d4e379d410d40c114c960"
    static let locked = "3d574049bce644989438dde8f07ee391"
    static let notApplied = "820cb927c1e84d2f957220b37d2ff79f"
    static let reportProblem = "5a30416087004a75ad1d83f6c5326f05"
    static let reportNeverFinished = "99b4c89ff0ce4fb687c06846a75ef023"
    static let reportNotApplied = "29958e46cbdc43f8bd069ceb3b6e98af"
    static let mountedByFinalize = "f2a78ad7909a4bca8eb2ce6d2d1c16f0"
    static let reportMountedByFinalize = "00cc0f255d5d424e93de26275cb58dc9"
}

@Suite("boothold-finalize runs the command")
struct RunTests {
    @Test func nothingStagedRunsNothingAndRecordsNothing() throws {
        let world = try FinalizeHarness()
        let run = try world.run(world.runArguments(command: [world.updater, "--write", world.marker]))
        #expect(run.status == 0)
        #expect(run.output.contains("nothing staged for test-profile"))
        #expect(!world.exists(world.marker))
        #expect(!world.exists(world.stateDirectory))
        #expect(world.journal.entries().isEmpty)
    }

    @Test func successIsRecordedInFilesAndJournal() throws {
        let world = try FinalizeHarness()
        world.stage()
        let run = try world.run(world.runArguments(command: [world.updater, "--write", world.marker, "--consume", world.staged]))
        #expect(run.status == 0, "\(run.output)")
        #expect(world.exists(world.marker))
        #expect(run.output.contains("fake-updater: working"), "the command's output is inherited")

        let started = try #require(world.record("started"))
        #expect(started["NAME"] == "test-profile")
        #expect(started["STAGED"] == world.staged)
        #expect(UInt64(started["STARTED_REALTIME_USEC"] ?? "") != nil)
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "succeeded")
        #expect(result["EXIT_STATUS"] == "0")
        #expect(result["STAGED_AFTER"] == "no")
        #expect(UInt64(result["DURATION_USEC"] ?? "") != nil)

        let entries = world.journal.entries()
        #expect(entries.map { $0["MESSAGE_ID"] } == [ID.started, ID.succeeded])
        let done = try #require(entries.last)
        #expect(done["BOOTHOLD_PROFILE"] == "test-profile")
        #expect(done["BOOTHOLD_STAGED"] == world.staged)
        #expect(done["EXIT_STATUS"] == "0")
        #expect(done["PRIORITY"] == "6")
        #expect(done["SYSLOG_IDENTIFIER"] == "boothold-finalize")
        #expect(UInt64(done["DURATION_USEC"] ?? "") != nil)
    }

    @Test func failureStatusIsPropagatedAndRecorded() throws {
        let world = try FinalizeHarness()
        world.stage()
        let run = try world.run(world.runArguments(command: [world.updater, "--write", world.marker, "--exit", "7"]))
        #expect(run.status == 7)
        #expect(world.exists(world.marker))
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "failed")
        #expect(result["EXIT_STATUS"] == "7")
        let entry = try #require(world.journal.entries().last)
        #expect(entry["MESSAGE_ID"] == ID.failed)
        #expect(entry["EXIT_STATUS"] == "7")
        #expect(entry["PRIORITY"] == "3")
        #expect(entry["MESSAGE"]?.contains("exited with status 7") == true)
    }

    @Test func commandIgnoringSIGTERMIsKilledAtTheDeadline() throws {
        let world = try FinalizeHarness()
        world.stage()
        let run = try world.run(world.runArguments(
            timeout: "1s", command: [world.updater, "--write", world.marker, "--ignore-term", "--sleep", "60"]))
        #expect(run.status == 124, "\(run.output)")
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "timed-out")
        #expect(result["SIGNAL"] == "9")
        #expect(result["REASON"]?.contains("stopped with SIGKILL") == true)
        let entry = try #require(world.journal.entries().last)
        #expect(entry["MESSAGE_ID"] == ID.timedOut)
        #expect(entry["SIGNAL"] == "9")
        // The command is gone: its pid (written by the fake updater) no longer exists.
        let pid = try #require(Int32((try String(contentsOfFile: world.marker, encoding: .utf8)).split(separator: "\n").first ?? ""))
        #expect(kill(pid, 0) == -1)
    }

    @Test func commandHonouringSIGTERMStopsAtTheDeadline() throws {
        let world = try FinalizeHarness()
        world.stage()
        let run = try world.run(world.runArguments(timeout: "500ms", command: [world.updater, "--sleep", "60"]))
        #expect(run.status == 124)
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "timed-out")
        #expect(result["SIGNAL"] == "15")
    }

    @Test func succeededButStagedFileRemainsIsNotApplied() throws {
        // ostree exits 0 after "Not finalizing; found /run/ostree/staged-deployment-locked".
        let world = try FinalizeHarness()
        world.stage()
        let run = try world.run(world.runArguments(command: [world.updater, "--write", world.marker]))
        #expect(run.status == 0)
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "succeeded")
        #expect(result["STAGED_AFTER"] == "yes")
        let entry = try #require(world.journal.entries().last)
        #expect(entry["MESSAGE_ID"] == ID.notApplied)
        #expect(entry["MESSAGE"]?.contains("finalize command succeeded but \(world.staged) is still there") == true)
        #expect(entry["MESSAGE"]?.contains("failed") == false)
    }

    @Test func stagedKeptJudgesByTheExitStatusAlone() throws {
        // bootc's composefs finalizer applies the deployment and leaves its staged file: the
        // same run as above is then a plain success, and the record claims nothing about FILE.
        let world = try FinalizeHarness()
        world.stage()
        let run = try world.run(world.runArguments(extra: ["--staged-kept"], command: [world.updater, "--write", world.marker]))
        #expect(run.status == 0)
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "succeeded")
        #expect(result["STAGED_AFTER"] == nil)
        let entry = try #require(world.journal.entries().last)
        #expect(entry["MESSAGE_ID"] == ID.succeeded)
        #expect(entry["BOOTHOLD_STAGED_AFTER"] == nil)
        let report = try world.report()
        #expect(report.status == 0)
        #expect(!report.output.contains("did not apply"), "\(report.output)")
    }

    @Test func unwritableRecordsNeverStopTheFinalization() throws {
        let world = try FinalizeHarness()
        world.stage()
        let notADirectory = world.root + "/state-is-a-file"
        _ = FileManager.default.createFile(atPath: notADirectory, contents: nil)
        let run = try world.run(["--name", "test-profile", "--staged", world.staged, "--timeout", "30s",
                                 "--state-dir", notADirectory, "--", world.updater, "--write", world.marker, "--consume", world.staged])
        #expect(run.status == 0, "\(run.output)")
        #expect(world.exists(world.marker))
        #expect(run.output.contains("cannot write the started record of test-profile"))
        #expect(world.journal.entries().map { $0["MESSAGE_ID"] } == [ID.started, ID.succeeded], "the journal still has it")
    }

    @Test func missingCommandExits127AndIsRecorded() throws {
        let world = try FinalizeHarness()
        world.stage()
        let run = try world.run(world.runArguments(command: [world.root + "/no-such-updater"]))
        #expect(run.status == 127)
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "failed")
        #expect(result["REASON"]?.contains("No such file or directory") == true)
    }

    @Test(arguments: [
        [String](),
        ["--name", "x", "--staged", "/s", "--timeout", "5s"],
        ["--name", "x", "--staged", "/s", "--timeout", "soon", "--", "/bin/true"],
        ["--name", "x", "--staged", "relative", "--timeout", "5s", "--", "/bin/true"],
        ["--name", "x", "--timeout", "5s", "--", "/bin/true"],
        ["--name", "a/b", "--staged", "/s", "--timeout", "5s", "--", "/bin/true"],
        ["--report", "--name", "x", "--timeout", "5s"],
        ["--report", "--name", "x", "--staged-kept"],
        ["--name", "x", "--staged", "/run/x", "--staged-kept=yes", "--timeout", "5s", "--", "/bin/true"],
        ["--bogus"],
    ])
    func badUsageExits2(arguments: [String]) throws {
        let world = try FinalizeHarness()
        let run = try world.run(arguments)
        #expect(run.status == 2, "\(arguments) → \(run.output)")
        #expect(run.output.contains("--help"))
    }

    @Test func helpAndVersion() throws {
        let world = try FinalizeHarness()
        let help = try world.run(["--help"])
        #expect(help.status == 0)
        for needle in ["--report", "--require", "--lock", "--timeout", "--state-dir", "124", "122", "123",
                       ID.started, ID.reportNeverFinished] {
            #expect(help.output.contains(needle), "help mentions \(needle)")
        }
        let version = try world.run(["--version"])
        #expect(version.status == 0)
        #expect(version.output.hasPrefix("boothold-finalize "))
    }
}
