import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private mount + PID namespace for one test case (`unshare --mount --propagation private
/// --pid --fork --mount-proc`), whose PID 1 is an idle `sleep`. Commands and the helper enter
/// it with nsenter, so the helper shares the mount namespace of the namespace's PID 1 — the
/// situation of a hold started by systemd with `ExecStart=+`. Mounts made here vanish with it.
final class NamespaceStage {
    /// A fresh directory (on the host's file system, visible in the namespace too).
    let directory: String
    private let unshare: SpawnedProcess
    /// PID 1 of the namespace, as the host sees it.
    let initPID: pid_t

    static let productsDirectory: String = {
        // Tests/run-all.sh points BOOTHOLD_TEST_PRODUCTS at the Embedded build that is installed.
        if let products = ProcessInfo.processInfo.environment["BOOTHOLD_TEST_PRODUCTS"] { return products }
        // Else the test bundle runs from the build products directory (.build/debug/…).
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return (exe as NSString).deletingLastPathComponent
    }()
    static var hold: String { productsDirectory + "/boothold-hold" }

    init() throws {
        var template = Array("/tmp/boothold-hold-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SpawnedProcess.SpawnError(description: "mkdtemp failed")
        }
        directory = String(cString: made)
        unshare = try SpawnedProcess([
            "/usr/bin/unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--mount-proc",
            "--", "/bin/sleep", "infinity",
        ])
        initPID = try Self.findInit(under: unshare)
    }

    deinit {
        // Killing PID 1 ends every process of the namespace, which then drops its mounts.
        kill(initPID, SIGKILL)
        unshare.wait(timeout: 10)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// unshare's child once it is `sleep` (so --mount-proc is done).
    private static func findInit(under unshare: SpawnedProcess) throws -> pid_t {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let children = "/proc/\(unshare.pid)/task/\(unshare.pid)/children"
            if let text = try? String(contentsOfFile: children, encoding: .utf8),
               let pid = pid_t(text.split(separator: " ").first ?? ""),
               let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
               comm.hasPrefix("sleep")
            {
                return pid
            }
            if unshare.status != nil { break }
            usleep(2_000)
            unshare.drain()
        }
        throw SpawnedProcess.SpawnError(description: "namespace did not start: \(unshare.standardError)")
    }

    /// Runs a command in the namespace's mount namespace to completion.
    @discardableResult
    func run(_ argv: [String]) throws -> SpawnedProcess {
        try SpawnedProcess.run(["/usr/bin/nsenter", "-t", "\(initPID)", "-m", "--"] + argv)
    }

    /// Makes a directory and mounts a fresh tmpfs on it, in the namespace.
    func mountTmpfs(_ name: String) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mount = try run(["/bin/mount", "-t", "tmpfs", "-o", "size=1m", "test-\(name)", path])
        guard mount.status == 0 else {
            throw SpawnedProcess.SpawnError(description: "mount tmpfs \(path): \(mount.standardError)")
        }
        return path
    }

    /// umount in the namespace: exit status and message.
    func unmount(_ path: String) throws -> (status: Int32?, message: String) {
        let umount = try run(["/bin/umount", path])
        return (umount.status, umount.standardError)
    }

    /// The file system types mounted at `path` in the namespace, bottom first.
    func mounted(at path: String) throws -> [String] {
        let table = try String(contentsOfFile: "/proc/\(initPID)/mountinfo", encoding: .utf8)
        return table.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[4] == path, let dash = fields.firstIndex(of: "-"),
                  dash + 1 < fields.count else { return nil }
            return String(fields[dash + 1])
        }
    }

    /// Starts `argv` in the namespace's mount and PID namespaces (nsenter forks it there);
    /// `wrapper` goes between nsenter and the command (e.g. another `unshare -m`).
    func start(_ argv: [String], wrapper: [String] = [], environment: [String: String] = [:]) throws
        -> SpawnedProcess
    {
        try SpawnedProcess(
            ["/usr/bin/nsenter", "-t", "\(initPID)", "-m", "-p", "--"] + wrapper + argv,
            environment: environment)
    }
}

/// boothold-hold started through nsenter: its exit status is nsenter's, its host PID that of
/// nsenter's child.
final class HoldUnderTest {
    let process: SpawnedProcess

    init(stage: NamespaceStage, arguments: [String], notify: NotifyListener?, wrapper: [String] = [],
         asUser: [String] = []) throws
    {
        var environment: [String: String] = [:]
        if let notify { environment["NOTIFY_SOCKET"] = notify.address }
        process = try stage.start(asUser + [NamespaceStage.hold] + arguments, wrapper: wrapper,
                                  environment: environment)
    }

    /// The helper itself (nsenter's child), as the host sees it.
    func helperPID(timeout: Double = 5) -> pid_t? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let children = "/proc/\(process.pid)/task/\(process.pid)/children"
            if let text = try? String(contentsOfFile: children, encoding: .utf8),
               let pid = pid_t(text.split(separator: " ").first ?? "")
            {
                return pid
            }
            usleep(2_000)
        }
        return nil
    }

    func signal(_ number: Int32) -> Bool {
        guard let pid = helperPID() else { return false }
        return kill(pid, number) == 0
    }

    var standardError: String {
        process.drain()
        return process.standardError
    }
}
