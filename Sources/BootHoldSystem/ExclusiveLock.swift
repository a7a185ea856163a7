import CBootHold
import BootHoldCore

/// An exclusive lock on a file, held as long as the descriptor stays open: an OFD lock
/// (F_OFD_SETLKW), or flock(2) where OFD locks are refused — the scheme libglnx's
/// glnx_make_lock_file() uses, so boothold and ostree-style tools exclude each other.
public struct ExclusiveLock: Sendable {
    public let descriptor: FileDescriptor

    /// How waiting for the lock ended.
    public enum Attempt: Sendable {
        case acquired(ExclusiveLock)
        /// The deadline passed while another process held the lock.
        case timedOut
        /// SIGTERM or SIGINT arrived while waiting (the signal is consumed).
        case interrupted(signal: Int32)
    }

    /// Opens (creating, mode 0600) `path` and waits for the lock until `deadline`, in a forked
    /// child (`cbhf_fork_lock`) waited for through `inbox`, which must include SIGCHLD: the
    /// process keeps one signal regime (blocked signals read from a signalfd), and SIGTERM or
    /// SIGINT in `inbox` end the wait. As libglnx does, a lock file that its previous owner
    /// unlinked while we waited (st_nlink == 0) is opened again, so two processes never both
    /// think they hold it.
    public static func acquire(_ path: String, until deadline: Deadline, inbox: SignalInbox) throws(SystemCallError) -> Attempt {
        while true {
            let fd = try FileDescriptor.open(path, flags: O_RDWR | O_CREAT | O_NOCTTY, mode: 0o600)
            let waited: Attempt?
            do {
                waited = try wait(for: fd, path: path, until: deadline, inbox: inbox)
            } catch {
                fd.close()
                throw error
            }
            if let waited {
                fd.close()
                return waited
            }
            var info = stat()
            guard fstat(fd.rawValue, &info) == 0 else {
                let error = Errno.current
                fd.close()
                throw SystemCallError("fstat", path: path, errno: error)
            }
            if info.st_nlink > 0 { return .acquired(ExclusiveLock(descriptor: fd)) }
            fd.close()
        }
    }

    /// Nil once the child holds the lock for `fd`; else why the wait ended (`fd` not locked).
    private static func wait(for fd: FileDescriptor, path: String, until deadline: Deadline, inbox: SignalInbox) throws(SystemCallError) -> Attempt? {
        let child = ChildProcess(pid: try retryingInterrupts("fork", path: path) { cbhf_fork_lock(fd.rawValue) })
        while true {
            switch try child.reapIfEnded() {
            case .exited(status: 0): return nil
            case .exited(let status): throw SystemCallError("lock", path: path, errno: Errno(rawValue: status))
            case .signaled(let signal): throw SystemCallError("lock (the waiting child died of \(signalName(signal)))", path: path, errno: .interrupted)
            case nil: break
            }
            switch try inbox.wait(until: deadline) {
            case .signal(SIGCHLD):
                continue
            case .signal(let signal):
                try reapKilled(child)
                return .interrupted(signal: signal)
            case .deadline:
                try reapKilled(child)
                return .timedOut
            }
        }
    }

    /// A child blocked in F_OFD_SETLKW or flock dies of SIGKILL at once: reaped here, blocking.
    private static func reapKilled(_ child: ChildProcess) throws(SystemCallError) {
        child.send(SIGKILL)
        var status: Int32 = 0
        _ = try retryingInterrupts("waitpid") { waitpid(child.pid, &status, 0) }
    }

    /// Releases the lock (closing the last descriptor of the open file description).
    public func release() { descriptor.close() }
}
