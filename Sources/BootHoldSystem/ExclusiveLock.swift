#if canImport(Glibc)
import Glibc
#endif
import BootHoldCore
import CBootHold

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

    /// Opens (creating, mode 0600) `path` and waits for the lock until `deadline`.
    /// As libglnx does, a lock file that its previous owner unlinked while we waited
    /// (st_nlink == 0) is opened again, so two processes never both think they hold it.
    public static func acquire(_ path: String, until deadline: Deadline) throws -> Attempt {
        while true {
            let fd = try FileDescriptor.open(path, flags: O_RDWR | O_CREAT | O_NOCTTY, mode: 0o600)
            var signal: Int32 = 0
            let remaining = deadline.remaining()
            let result = cbhf_lock_wait(fd.rawValue, remaining.isInfinite ? UInt64.max : remaining.microseconds, &signal)
            if result != 0 {
                let error = Errno.current
                fd.close()
                if error == Errno(rawValue: ETIMEDOUT) { return .timedOut }
                if error == .interrupted { return .interrupted(signal: signal) }
                throw SystemCallError("lock", path: path, errno: error)
            }
            if signal != 0 {
                fd.close()
                return .interrupted(signal: signal)
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

    /// Releases the lock (closing the last descriptor of the open file description).
    public func release() { descriptor.close() }
}
