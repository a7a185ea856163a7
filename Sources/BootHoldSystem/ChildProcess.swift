import CBootHold
import BootHoldCore

/// A command spawned with posix_spawn(3) and reaped by its parent.
public struct ChildProcess: Sendable, Equatable {
    public let pid: pid_t

    public init(pid: pid_t) { self.pid = pid }

    /// Spawns `arguments[0]` with `arguments`, inheriting stdio and the environment, with an
    /// empty signal mask and default signal dispositions (the caller may block signals for
    /// its signalfd; the command must not inherit that). A name without `/` is looked up in
    /// PATH. Errors name the command: `spawn '/usr/bin/ostree': No such file or directory`.
    public static func spawn(_ arguments: [String]) throws(SystemCallError) -> ChildProcess {
        precondition(!arguments.isEmpty, "spawn needs a command")
        var cStrings = arguments.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        cStrings.append(nil)
        var pid: pid_t = 0
        let searchPath: Int32 = arguments[0].contains("/") ? 0 : 1
        let result = cStrings.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) {
                cbhf_spawn($0, searchPath, &pid)
            }
        }
        guard result == 0 else { throw SystemCallError("spawn", path: arguments[0], errno: Errno(rawValue: result)) }
        return ChildProcess(pid: pid)
    }

    /// kill(2); a child that is already gone (ESRCH) is not an error.
    public func send(_ signal: Int32) {
        _ = kill(pid, signal)
    }

    /// waitpid(pid, WNOHANG): the termination once the child has ended, nil while it runs.
    public func reapIfEnded() throws(SystemCallError) -> CommandTermination? {
        var status: Int32 = 0
        let reaped = try retryingInterrupts("waitpid") { waitpid(pid, &status, WNOHANG) }
        guard reaped == pid else { return nil }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let termSignal = status & 0x7f
        if termSignal == 0 { return .exited(status: (status >> 8) & 0xff) }
        return .signaled(signal: termSignal)
    }
}
