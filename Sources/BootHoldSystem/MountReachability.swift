import CBootHold
import BootHoldCore

/// Whether a path a finalization needs is really there: opened as a directory from this
/// process's mount namespace (which triggers an automount) and checked afterwards.
public enum MountReachability: Sendable, Equatable, CustomStringConvertible {
    /// A file system other than autofs is mounted at the path: its statfs(2) type and the
    /// device it is on. `wasAutomountPoint`: before the open, the path showed autofs (nothing
    /// on it), so the open mounted it.
    case mounted(fileSystemType: Int64, device: DeviceNumber, wasAutomountPoint: Bool)
    /// The path still shows autofs after opening it: nothing was mounted on the automount.
    case stillAutomount
    /// The path is a plain directory, not the root of any mount.
    case notMountPoint
    /// open(2) or fstatfs(2) failed; `errno` says why (EHOSTDOWN: systemd refused the
    /// automount). `wasAutomountPoint`: the path was an automount point with nothing on it
    /// just before (ENOENT then means its daemon is gone: autofs went catatonic).
    case openFailed(Errno, wasAutomountPoint: Bool)
    /// Opening did not return before the deadline (an automount nobody serves blocks until
    /// SIGKILL, systemd#43700). `openerGone`: the child was killed and reaped, so nothing in
    /// this namespace still waits on the automount.
    case hung(openerGone: Bool)
    /// SIGTERM or SIGINT arrived while opening (the signal is consumed).
    case interrupted(signal: Int32)
    /// The child that opens the path ended without a finding (killed by someone else).
    case probeDied(CommandTermination)

    /// What was found, for a log line: "autofs still, nothing mounted", "open failed: …".
    public var description: String {
        switch self {
        case .mounted(let type, let device, let wasAutomountPoint):
            return "mounted (file system type 0x\(String(type, radix: 16)), device \(device)"
                + (wasAutomountPoint ? ", mounted by the open)" : ")")
        case .stillAutomount: return "autofs still, nothing mounted"
        case .notMountPoint: return "not a mount point"
        case .openFailed(let error, _): return "open failed: \(error)"
        case .hung: return "the open did not return in time"
        case .interrupted(let signal): return "interrupted by \(signalName(signal))"
        case .probeDied(let ending): return "the check \(ending)"
        }
    }

    /// Opens `path` (O_RDONLY|O_DIRECTORY, following symlinks, so it is a real access that
    /// autofs sees) in a forked child and inspects the open directory there, so that a
    /// hanging automount costs no more than the deadline. `inbox` must include SIGCHLD.
    public static func probe(_ path: String, until deadline: Deadline, inbox: SignalInbox) throws(SystemCallError) -> MountReachability {
        var pid: pid_t = 0
        var readEnd: Int32 = -1
        _ = try retryingInterrupts("fork", path: path) { cbhf_fork_path_probe(path, &pid, &readEnd) }
        let pipe = FileDescriptor(rawValue: readEnd)
        defer { pipe.close() }
        let child = ChildProcess(pid: pid)
        while true {
            if let ended = try child.reapIfEnded() {
                var found = cbhf_path_probe()
                guard cbhf_read_path_probe(pipe.rawValue, &found) == 0 else { return .probeDied(ended) }
                return MountReachability(found)
            }
            switch try inbox.wait(until: deadline) {
            case .signal(SIGCHLD):
                continue
            case .signal(let signal):
                child.send(SIGKILL)
                return .interrupted(signal: signal)
            case .deadline:
                // Reaped only if it dies within a second: a child stuck in the kernel would
                // block waitpid too. It dies with SIGKILL as soon as the kernel lets it, or
                // with us.
                child.send(SIGKILL)
                return try reapKilled(child, inbox: inbox)
            }
        }
    }

    private static func reapKilled(_ child: ChildProcess, inbox: SignalInbox) throws(SystemCallError) -> MountReachability {
        let giveUp = Deadline.after(.seconds(1))
        while true {
            if try child.reapIfEnded() != nil { return .hung(openerGone: true) }
            switch try inbox.wait(until: giveUp) {
            case .signal(SIGCHLD): continue
            case .signal(let signal): return .interrupted(signal: signal)
            case .deadline: return .hung(openerGone: false)
            }
        }
    }

    init(_ found: cbhf_path_probe) {
        let wasAutomountPoint = found.before_error == 0 && found.before_fs_type == autofsSuperMagic
        if found.error != 0 {
            self = .openFailed(Errno(rawValue: found.error), wasAutomountPoint: wasAutomountPoint)
        } else if found.fs_type == autofsSuperMagic {
            self = .stillAutomount
        } else if found.mount_root == 0 {
            // Kernels without STATX_ATTR_MOUNT_ROOT (< 5.8) report -1: trust the file system.
            self = .notMountPoint
        } else {
            self = .mounted(
                fileSystemType: found.fs_type, device: DeviceNumber(major: found.device_major, minor: found.device_minor),
                wasAutomountPoint: wasAutomountPoint)
        }
    }
}
