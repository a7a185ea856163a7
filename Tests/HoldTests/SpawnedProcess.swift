import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A spawned process with its output collected: posix_spawn + waitpid, so the tests see the
/// real exit status and can signal the process by PID.
final class SpawnedProcess {
    let pid: pid_t
    private var input: Int32
    private let output: Int32
    private let errors: Int32
    private(set) var standardOutput = ""
    private(set) var standardError = ""
    /// Exit status, or 128 + signal number; nil while running.
    private(set) var status: Int32?
    /// Complete output lines already looked at by `waitForOutputLine`.
    private var outputLinesConsumed = 0

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    init(_ argv: [String], environment: [String: String] = [:]) throws {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A clean signal state: the test runner's blocked or ignored signals are not the
        // helper's business.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "NOTIFY_SOCKET")
        merged.removeValue(forKey: "JOURNAL_STREAM")
        for (key, value) in environment { merged[key] = value }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }

        var child: pid_t = 0
        let rc = posix_spawn(&child, argv[0], &actions, &attributes, cArgs, cEnv)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw SpawnError(description: "posix_spawn \(argv[0]): \(String(cString: strerror(rc)))")
        }
        pid = child
        input = inPipe[1]
        output = outPipe[0]
        errors = errPipe[0]
        _ = fcntl(output, F_SETFL, O_NONBLOCK)
        _ = fcntl(errors, F_SETFL, O_NONBLOCK)
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            _ = wait(timeout: 5)
        }
        if input >= 0 { close(input) }
        close(output)
        close(errors)
    }

    /// Runs `argv` to completion (bounded by `timeout`).
    static func run(_ argv: [String], environment: [String: String] = [:], timeout: Double = 30) throws
        -> SpawnedProcess
    {
        let child = try SpawnedProcess(argv, environment: environment)
        child.closeInput()
        guard child.wait(timeout: timeout) != nil else {
            throw SpawnError(description: "\(argv.joined(separator: " ")) did not finish in \(timeout) s")
        }
        return child
    }

    func write(_ text: String) {
        _ = text.withCString { Glibc.write(input, $0, strlen($0)) }
    }

    func closeInput() {
        if input >= 0 { close(input) }
        input = -1
    }

    /// Collects output without blocking.
    func drain() {
        standardOutput += Self.readAvailable(output)
        standardError += Self.readAvailable(errors)
    }

    /// Waits up to `timeout` seconds for the exit; returns the status or nil if still running.
    @discardableResult
    func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while status == nil {
            drain()
            var raw: Int32 = 0
            let rc = waitpid(pid, &raw, WNOHANG)
            if rc == pid {
                let low = raw & 0x7f
                status = low == 0 ? (raw >> 8) & 0xff : 128 + low
                break
            }
            if rc < 0 && errno != EINTR { status = -1; break }
            if Date() >= deadline { return nil }
            usleep(5_000)
        }
        drain()
        return status
    }

    /// Waits up to `timeout` for a line on standard output that satisfies `match`.
    func waitForOutputLine(timeout: Double, _ match: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            drain()
            let lines = standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
            // Only complete lines (the last element is the unterminated rest).
            for line in lines.dropLast().dropFirst(outputLinesConsumed) {
                outputLinesConsumed += 1
                if match(String(line)) { return String(line) }
            }
            if Date() >= deadline || status != nil { return nil }
            usleep(5_000)
        }
    }

    private static func readAvailable(_ fd: Int32) -> String {
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            collected += buffer[0..<n]
        }
        return String(decoding: collected, as: UTF8.self)
    }
}
