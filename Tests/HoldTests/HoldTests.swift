import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Each case runs in its own mount + PID namespace (see NamespaceStage) with real tmpfs mounts
// and reads the real notify datagrams from a socket it binds, as systemd would.

/// Long enough for a loaded CI machine; a case that passes never waits this long.
let readyTimeout = 10.0

@Suite(.serialized) struct HoldTests {
    @Test func holdsTmpfsUntilSIGTERMThenLetsGo() throws {
        let stage = try NamespaceStage()
        let boot = try stage.mountTmpfs("boot")
        let notify = try NotifyListener(.path(stage.directory + "/notify"))
        let hold = try HoldUnderTest(stage: stage, arguments: [boot], notify: notify)

        let ready = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")
        #expect(ready.notifyAssignments["READY"] == "1")
        #expect(ready.notifyAssignments["STATUS"] == "Holding \(boot) (tmpfs)")

        let busy = try stage.unmount(boot)
        #expect(busy.status != 0)
        #expect(busy.message.contains("busy"), "umount said: \(busy.message)")
        #expect(try stage.mounted(at: boot) == ["tmpfs"])

        #expect(hold.signal(SIGTERM))
        #expect(hold.process.wait(timeout: 1) == 0, "stderr: \(hold.standardError)")
        #expect(notify.receive(timeout: 1)?.notifyAssignments["STOPPING"] == "1")
        #expect(try stage.unmount(boot).status == 0)
        #expect(try stage.mounted(at: boot) == [])
    }

    @Test func statusNamesEveryPathWithItsFileSystem() throws {
        let stage = try NamespaceStage()
        let sysroot = try stage.mountTmpfs("sysroot")
        let boot = stage.directory + "/boot"
        try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
        #expect(try stage.run(["/bin/mount", "-t", "ramfs", "test-ramfs", boot]).status == 0)
        let notify = try NotifyListener(.abstract("boothold-test-\(getpid())-two"))
        let hold = try HoldUnderTest(stage: stage, arguments: [sysroot, boot], notify: notify)

        let ready = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")
        #expect(ready.notifyAssignments["STATUS"] == "Holding \(sysroot) (tmpfs), \(boot) (ramfs)")
        #expect(try stage.unmount(sysroot).status != 0)
        #expect(try stage.unmount(boot).status != 0)
        #expect(hold.signal(SIGTERM))
        #expect(hold.process.wait(timeout: 1) == 0)
    }

    @Test func sighupIsIgnoredAndSIGINTReleases() throws {
        let stage = try NamespaceStage()
        let boot = try stage.mountTmpfs("boot")
        let notify = try NotifyListener(.abstract("boothold-test-\(getpid())-hup"))
        let hold = try HoldUnderTest(stage: stage, arguments: [boot], notify: notify)
        _ = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")

        #expect(hold.signal(SIGHUP))
        #expect(hold.process.wait(timeout: 0.3) == nil, "SIGHUP ended the hold")
        #expect(try stage.unmount(boot).status != 0)
        #expect(hold.standardError.contains("SIGHUP"))
        #expect(hold.signal(SIGINT))
        #expect(hold.process.wait(timeout: 1) == 0)
    }
}

@Suite(.serialized) struct ReleaseWhenGoneTests {
    /// Starts a hold of a fresh tmpfs with `--release-when-gone file` and waits for READY.
    private func startHold(_ stage: NamespaceStage, file: String) throws -> (String, HoldUnderTest) {
        let boot = try stage.mountTmpfs("boot")
        let notify = try NotifyListener(.abstract("boothold-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"))
        let hold = try HoldUnderTest(stage: stage, arguments: ["--release-when-gone", file, boot], notify: notify)
        _ = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")
        return (boot, hold)
    }

    @Test func deletingTheStagedFileReleases() throws {
        let stage = try NamespaceStage()
        let staged = stage.directory + "/staged-deployment"
        #expect(FileManager.default.createFile(atPath: staged, contents: Data()))
        let (boot, hold) = try startHold(stage, file: staged)
        #expect(try stage.unmount(boot).status != 0)

        try FileManager.default.removeItem(atPath: staged)
        #expect(hold.process.wait(timeout: 2) == 0, "stderr: \(hold.standardError)")
        #expect(hold.standardError.contains("\(staged) is gone: deployment unstaged, releasing \(boot)"))
        #expect(try stage.unmount(boot).status == 0)
    }

    @Test func aFileCreatedAfterStartThenDeletedReleases() throws {
        let stage = try NamespaceStage()
        let staged = stage.directory + "/staged-deployment"
        let (boot, hold) = try startHold(stage, file: staged)

        #expect(FileManager.default.createFile(atPath: staged, contents: Data()))
        #expect(hold.process.wait(timeout: 0.3) == nil, "creating the file released")
        try FileManager.default.removeItem(atPath: staged)
        #expect(hold.process.wait(timeout: 2) == 0, "stderr: \(hold.standardError)")
        #expect(try stage.unmount(boot).status == 0)
    }

    @Test func noFileEverKeepsHolding() throws {
        let stage = try NamespaceStage()
        let run = stage.directory + "/run"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: false)
        let staged = run + "/ostree/staged-deployment"
        let (boot, hold) = try startHold(stage, file: staged)

        // The file's directory appearing and going away, and other files in it, change nothing.
        try FileManager.default.createDirectory(atPath: run + "/ostree", withIntermediateDirectories: false)
        #expect(hold.process.wait(timeout: 0.2) == nil, "released without the file: \(hold.standardError)")
        let other = run + "/ostree/unrelated"
        #expect(FileManager.default.createFile(atPath: other, contents: Data()))
        try FileManager.default.removeItem(atPath: other)
        #expect(rmdir(run + "/ostree") == 0)
        #expect(hold.process.wait(timeout: 0.5) == nil, "released without the file: \(hold.standardError)")
        #expect(try stage.unmount(boot).status != 0)
        #expect(hold.signal(SIGTERM))
        #expect(hold.process.wait(timeout: 1) == 0)
    }

    /// /run/ostree does not exist before ostree stages something: the hold watches the nearest
    /// existing ancestor until it appears.
    @Test func aDirectoryCreatedAfterStartIsFollowedAndRenamingAwayReleases() throws {
        let stage = try NamespaceStage()
        let run = stage.directory + "/run"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: false)
        let staged = run + "/ostree/staged-deployment"
        let (boot, hold) = try startHold(stage, file: staged)

        try FileManager.default.createDirectory(atPath: run + "/ostree", withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: staged, contents: Data()))
        #expect(hold.process.wait(timeout: 0.3) == nil, "released before the file was gone")
        #expect(rename(staged, run + "/ostree/renamed") == 0)
        #expect(hold.process.wait(timeout: 2) == 0, "stderr: \(hold.standardError)")
        #expect(try stage.unmount(boot).status == 0)
    }
}

/// ostree's finalization unlinks the staged file before it writes /boot: while the paired
/// finalize unit has processes (its ExecStop= runs), the file going away must not release.
@Suite(.serialized, .enabled(if: ControlGroupStage.available, "no cgroup v2 hierarchy mounted"))
struct ReleaseDuringFinalizationTests {
    enum FinalizeUnit: String, CaseIterable { case finalizing, idle }

    @Test(arguments: FinalizeUnit.allCases)
    func theStagedFileGoingAwayReleasesOnlyWhenNotFinalizing(_ finalizeUnit: FinalizeUnit) throws {
        let stage = try NamespaceStage()
        let groups = try ControlGroupStage()
        let staged = stage.directory + "/staged-deployment"
        #expect(FileManager.default.createFile(atPath: staged, contents: Data()))
        let boot = try stage.mountTmpfs("boot")
        let notify = try NotifyListener(.abstract("boothold-test-\(getpid())-cg-\(finalizeUnit.rawValue)"))
        let hold = try HoldUnderTest(stage: stage, arguments: ["--release-when-gone", staged, boot], notify: notify)
        _ = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")
        try groups.move(try #require(hold.helperPID()), to: groups.hold)
        // The finalize unit's stop command, running (or not); in the unit's ".control"
        // subgroup, as systemd places it when the unit delegates.
        let stopCommand = try SpawnedProcess(["/bin/sleep", "30"])
        if finalizeUnit == .finalizing { try groups.move(stopCommand.pid, to: groups.finalizeControl) }

        try FileManager.default.removeItem(atPath: staged)
        switch finalizeUnit {
        case .finalizing:
            #expect(hold.process.wait(timeout: 0.5) == nil, "released during finalization: \(hold.standardError)")
            #expect(hold.standardError.contains("\(staged) is gone while staged.service is finalizing"))
            #expect(try stage.unmount(boot).status != 0)
            #expect(hold.signal(SIGTERM))
            #expect(hold.process.wait(timeout: 1) == 0)
        case .idle:
            #expect(hold.process.wait(timeout: 2) == 0, "stderr: \(hold.standardError)")
            #expect(hold.standardError.contains("deployment unstaged"))
            #expect(try stage.unmount(boot).status == 0)
        }
        kill(stopCommand.pid, SIGKILL)
        stopCommand.wait(timeout: 5)
    }
}

@Suite(.serialized) struct HoldRefusalTests {
    enum BadPath: String, CaseIterable { case missing, regularFile, noPermission }

    @Test(arguments: BadPath.allCases)
    func aPathThatCannotBeHeldFailsAndHoldsNothing(_ bad: BadPath) throws {
        let stage = try NamespaceStage()
        let good = try stage.mountTmpfs("sysroot")
        var asUser: [String] = []
        let path: String
        switch bad {
        case .missing:
            path = stage.directory + "/does-not-exist"
        case .regularFile:
            path = stage.directory + "/a-file"
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        case .noPermission:
            path = try stage.mountTmpfs("locked")
            // The tmpfs exists only in the namespace: change its mode from there.
            #expect(try stage.run(["/bin/chmod", "000", path]).status == 0)
            // Root without the capabilities that override file permissions.
            asUser = ["/usr/bin/setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
        }
        let notify = try NotifyListener(.abstract("boothold-test-\(getpid())-\(bad.rawValue)"))
        let hold = try HoldUnderTest(stage: stage, arguments: [good, path], notify: notify, asUser: asUser)

        #expect(hold.process.wait(timeout: readyTimeout) == 3, "stderr: \(hold.standardError)")
        #expect(hold.standardError.contains("Cannot hold \(path)"), "stderr: \(hold.standardError)")
        let expectedText = [BadPath.missing: "No such file or directory", .regularFile: "Not a directory",
                            .noPermission: "Permission denied"][bad]!
        #expect(hold.standardError.contains(expectedText))
        #expect(notify.queued() == [], "a notification was sent")
        #expect(try stage.unmount(good).status == 0)
    }

    @Test func aHoldInAnotherMountNamespaceIsRefused() throws {
        let stage = try NamespaceStage()
        let boot = try stage.mountTmpfs("boot")
        let notify = try NotifyListener(.abstract("boothold-test-\(getpid())-namespace"))
        let hold = try HoldUnderTest(stage: stage, arguments: [boot], notify: notify,
                                     wrapper: ["/usr/bin/unshare", "--mount", "--propagation", "private", "--"])

        #expect(hold.process.wait(timeout: readyTimeout) == 4, "stderr: \(hold.standardError)")
        #expect(hold.standardError.contains("not in PID 1's"))
        #expect(hold.standardError.contains("autofs ignores busy mounts in other mount namespaces"))
        #expect(hold.standardError.contains("ExecStart=+"))
        #expect(notify.queued() == [])
        #expect(try stage.unmount(boot).status == 0)
    }
}
