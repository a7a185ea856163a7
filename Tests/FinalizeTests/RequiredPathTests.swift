import Foundation
import Testing

@Suite("boothold-finalize --require")
struct RequiredPathTests {
    @Test func mountedTmpfsIsReachable() throws {
        let world = try FinalizeHarness()
        world.stage()
        let boot = world.root + "/boot"
        try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
        let run = try world.run(
            world.runArguments(extra: ["--require", boot, "--require", "/"], command: [world.updater, "--write", world.marker]),
            setup: "mount -t tmpfs boothold-test-boot '\(boot)'")
        #expect(run.status == 0, "\(run.output)")
        #expect(world.exists(world.marker))
        let started = try #require(world.record("started"))
        #expect(started["REQUIRED_1"] == boot)
        #expect(started["REACHED_1"] == "mounted")
        #expect(started["FSTYPE_1"] == "tmpfs")
        #expect(started["SOURCE_1"] == "boothold-test-boot")
        #expect(started["REQUIRED_2"] == "/")
        #expect(world.record("result")?["REACHED_2"] == "mounted")
    }

    @Test func directoryWithNothingMountedIsUnreachable() throws {
        let world = try FinalizeHarness()
        world.stage()
        let boot = world.root + "/boot"
        try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
        let run = try world.run(world.runArguments(extra: ["--require", boot], command: [world.updater, "--write", world.marker]))
        #expect(run.status == 122, "\(run.output)")
        #expect(!world.exists(world.marker), "the command did not run")
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "unreachable")
        #expect(result["REASON"]?.contains("nothing is mounted on \(boot)") == true)
        let entry = try #require(world.journal.entries().last)
        #expect(entry["MESSAGE_ID"] == ID.unreachable)
        #expect(entry["BOOTHOLD_PATH"] == boot)
    }

    @Test func missingPathIsUnreachableAndReportedAtNextBoot() throws {
        let world = try FinalizeHarness()
        world.stage()
        let boot = world.root + "/no-boot"
        let run = try world.run(world.runArguments(extra: ["--require", boot], command: [world.updater, "--write", world.marker]))
        #expect(run.status == 122)
        #expect(!world.exists(world.marker))
        #expect(world.record("result")?["REASON"] == "\(boot) does not exist")
        _ = world.journal.entries()

        let report = try world.report()
        #expect(report.status == 1)
        let entry = try #require(world.journal.entries().first)
        #expect(entry["MESSAGE_ID"] == ID.reportProblem)
        #expect(entry["BOOTHOLD_OUTCOME"] == "unreachable")
        #expect(entry["MESSAGE"]?.contains("\(boot) does not exist") == true)
    }

    @Test func fileInsteadOfDirectoryIsUnreachable() throws {
        let world = try FinalizeHarness()
        world.stage()
        let run = try world.run(world.runArguments(extra: ["--require", world.staged], command: [world.updater, "--write", world.marker]))
        #expect(run.status == 122)
        #expect(world.record("result")?["REASON"] == "\(world.staged) is not a directory")
    }

    @Test func symlinkLoopIsUnreachable() throws {
        let world = try FinalizeHarness()
        world.stage()
        let loop = world.root + "/loop"
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        let run = try world.run(world.runArguments(extra: ["--require", loop], command: [world.updater, "--write", world.marker]))
        #expect(run.status == 122)
        #expect(world.record("result")?["REASON"]?.contains("too many levels of symbolic links") == true)
    }
}
