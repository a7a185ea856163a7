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
