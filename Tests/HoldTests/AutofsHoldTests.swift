import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The kernel's autofs, with a small automount daemon (autofs-test-daemon.py) answering the
/// v5 protocol the way systemd's automount units do for `/boot`.
enum AutofsSupport {
    static let available: Bool = {
        _ = try? SpawnedProcess.run(["/sbin/modprobe", "-q", "autofs4"])
        let filesystems = (try? String(contentsOfFile: "/proc/filesystems", encoding: .utf8)) ?? ""
        return filesystems.split(separator: "\n").contains { $0.hasSuffix("\tautofs") }
    }()
    static let daemon = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("autofs-test-daemon.py").path
}

@Suite(.serialized) struct AutofsHoldTests {
    @Test(.enabled(if: AutofsSupport.available, "this kernel has no autofs file system (autofs4 module)"))
    func aHeldAutomountRefusesExpiryAndExpiresOnceReleased() throws {
        let stage = try NamespaceStage()
        let boot = stage.directory + "/boot"
        try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
        let daemon = try stage.start(["/usr/bin/python3", AutofsSupport.daemon, boot])
        defer { daemon.closeInput() }
        #expect(daemon.waitForOutputLine(timeout: readyTimeout) { $0 == "ready" } != nil,
                "daemon: \(daemon.standardError)")
        #expect(try stage.mounted(at: boot) == ["autofs"])

        let notify = try NotifyListener(.abstract("boothold-test-\(getpid())-autofs"))
        let hold = try HoldUnderTest(stage: stage, arguments: [boot], notify: notify)
        let ready = try #require(notify.receive(timeout: readyTimeout), "no READY: \(hold.standardError)")
        #expect(ready.notifyAssignments["STATUS"] == "Holding \(boot) (tmpfs)")
        #expect(daemon.waitForOutputLine(timeout: 1) { $0 == "mounted" } != nil)
        #expect(try stage.mounted(at: boot) == ["autofs", "tmpfs"])

        daemon.write("expire\n")
        #expect(daemon.waitForOutputLine(timeout: readyTimeout) { $0.hasPrefix("expire") } == "expire refused EAGAIN")
        #expect(try stage.mounted(at: boot) == ["autofs", "tmpfs"])

        #expect(hold.signal(SIGTERM))
        #expect(hold.process.wait(timeout: 1) == 0)
        daemon.write("expire\n")
        #expect(daemon.waitForOutputLine(timeout: readyTimeout) { $0.hasPrefix("expire") } == "expired",
                "daemon: \(daemon.standardError)")
        #expect(try stage.mounted(at: boot) == ["autofs"])
    }
}
