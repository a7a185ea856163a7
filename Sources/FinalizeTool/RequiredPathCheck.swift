import CBootHold
import BootHoldCore
import BootHoldJournal
import BootHoldSystem

/// Step 3: is a `--require` path reachable and mounted — and when nothing serves it, can
/// boothold-finalize mount it itself? Gathers what `RequiredPathPlan` asks for (the open, the
/// mount table, PID 1's word on the mount unit, the device) and carries out its answer.
struct RequiredPathCheck {
    let path: String
    let profile: String
    let log: Logger

    enum Verdict {
        case reached(ReachedPath)
        /// The sentence for the journal and the result record.
        case unreachable(String)
    }

    /// `deadline` is the whole finalization's; each step (the open, asking PID 1, the mount)
    /// gets at most `RequiredPathPlan.stepBound(timeout:)` of it.
    func reach(until deadline: Deadline, timeout: TimeSpan, inbox: SignalInbox, ownMounts: OwnMounts) -> Verdict {
        let bound = RequiredPathPlan.stepBound(timeout: timeout)
        let finding: RequiredPathFinding
        do {
            finding = try probe(until: deadline, bound: bound, timeout: timeout, inbox: inbox)
        } catch {
            return .unreachable("cannot check \(path): \(error)")
        }
        let mounts: [MountOnPath]
        do {
            mounts = MountInfoText.mounts(at: path, in: try FileDescriptor.readSmallFile("/proc/self/mountinfo"))
        } catch {
            // Without the table nothing can be mounted safely; a mounted path is still mounted.
            guard case .mounted = finding else {
                let problem = finding.problem(path: path, profile: profile) ?? path
                return .unreachable("\(problem); cannot read the mount table: \(error)")
            }
            mounts = []
        }

        var evidence = RequiredPathEvidence(path: path, profile: profile, finding: finding, mounts: mounts)
        while true {
            switch RequiredPathPlan(deciding: evidence) {
            case .use(let reached):
                return .reached(reached)
            case .refuse(let reason):
                return .unreachable(reason)
            case .askSystemd(let unit):
                evidence.unit = askSystemd(unit, until: deadline.atMost(bound))
            case .examineDevice(let what):
                evidence.device = DeviceNodeFinding.examine(what)
            case .mount(let plan):
                switch ownMounts.mount(plan, until: deadline.atMost(bound), inbox: inbox) {
                case .success(let reached):
                    return .reached(reached)
                case .failure(let why):
                    let problem = finding.problem(path: path, profile: profile) ?? path
                    let sentence = problem.hasSuffix("?") || problem.hasSuffix(".") ? problem : problem + ";"
                    return .unreachable("\(sentence) boothold-finalize could not mount it itself: \(why)")
                }
            }
        }
    }

    private func probe(until deadline: Deadline, bound: TimeSpan, timeout: TimeSpan, inbox: SignalInbox) throws(SystemCallError) -> RequiredPathFinding {
        let start = MonotonicInstant.now()
        let stepDeadline = deadline.atMost(bound, from: start)
        // The bound the message names: the step's, or the whole timeout when that ends first.
        let named = stepDeadline == Deadline.after(bound, from: start) ? bound : timeout
        switch try MountReachability.probe(path, until: stepDeadline, inbox: inbox) {
        case .mounted(_, _, let wasAutomountPoint):
            return .mounted(openTriggered: wasAutomountPoint)
        case .stillAutomount:
            return .automountEmpty
        case .notMountPoint:
            return .notMountPoint
        case .openFailed(.hostIsDown, _):
            return .automountRefused
        case .openFailed(.noSuchFileOrDirectory, wasAutomountPoint: true):
            // The kernel could not hand the request to the automount's daemon (its pipe is
            // closed): the autofs is catatonic, nobody will ever mount anything there.
            return .automountEmpty
        case .openFailed(let error, _):
            return .problem(describe(error))
        case .hung(let openerGone):
            return .noAnswer(within: named, openerGone: openerGone)
        case .interrupted(let signal):
            return .problem("received \(signalName(signal)) while opening \(path)")
        case .probeDied(.signaled(let signal)):
            return .problem("the check of \(path) was killed by \(signalName(signal))")
        case .probeDied(.exited(let status)):
            return .problem("the check of \(path) exited with status \(status) without a finding")
        }
    }

    /// PID 1's view of `unit`, bounded by `deadline`.
    private func askSystemd(_ unit: String, until deadline: Deadline) -> MountUnitAnswer {
        do {
            let bus = try SystemdBus.connect(until: deadline)
            let properties = try bus.mountUnit(named: unit, until: deadline)
            log.debug("\(bus.endpoint): \(unit) LoadState=\(properties.loadState) What=\(properties.what) "
                + "Type=\(properties.type) Options=\(properties.options)")
            return .answered(properties)
        } catch where error.errno == Errno(rawValue: ETIMEDOUT) {
            return .unavailable("\(error.call): no answer in time")
        } catch {
            return .unavailable("\(error)")
        }
    }

    func describe(_ error: Errno) -> String {
        switch error {
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
