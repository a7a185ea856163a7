#if canImport(Glibc)
import Glibc
#endif
import BootHoldCore
import BootHoldSystem

/// Step 2: is a `--require` path reachable and mounted? Returns the exact problem, worded
/// for the journal, or nil.
struct RequiredPathCheck {
    let path: String
    let profile: String

    func problem(until deadline: Deadline, timeout: TimeSpan, inbox: SignalInbox) -> String? {
        let reachability: MountReachability
        do {
            reachability = try MountReachability.probe(path, until: deadline, inbox: inbox)
        } catch {
            return "cannot check \(path): \(error)"
        }
        switch reachability {
        case .mounted:
            return nil
        case .stillAutomount:
            return "\(path) is still an automount point after opening it: nothing was mounted on it"
        case .notMountPoint:
            return "nothing is mounted on \(path) (it is a plain directory, not a mount point)"
        case .openFailed(let error):
            return describe(error)
        case .hung:
            return "opening \(path) did not return within \(timeout) (an automount nobody serves?)"
        case .interrupted(let signal):
            return "received \(signalName(signal)) while opening \(path)"
        case .probeDied(.signaled(let signal)):
            return "the check of \(path) was killed by \(signalName(signal))"
        case .probeDied(.exited(let status)):
            return "the check of \(path) exited with status \(status) without a finding"
        }
    }

    func describe(_ error: Errno) -> String {
        switch error {
        case .hostIsDown:
            // systemd's automount answers EHOSTDOWN once its stop is queued:
            // "Suppressing automount request since unit stop is scheduled".
            return "systemd refused to mount the \(path) automount because shutdown has begun "
                + "(systemd#22528); was \(profile)-hold.service running?"
        case .noSuchFileOrDirectory:
            return "\(path) does not exist"
        case .notDirectory:
            return "\(path) is not a directory"
        case .tooManySymbolicLinks:
            return "\(path) cannot be resolved: too many levels of symbolic links (a symlink loop?)"
        case .permissionDenied:
            return "permission denied opening \(path)"
        default:
            return "cannot open \(path): \(error)"
        }
    }
}
