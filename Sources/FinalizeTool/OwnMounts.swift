import CBootHold
import BootHoldCore
import BootHoldJournal
import BootHoldMachine
import BootHoldSystem

/// The paths boothold-finalize mounts itself, in a mount namespace of its own: entered on the
/// first such mount (the command, spawned later, inherits it), each mount made in a forked
/// child so a device that hangs costs no more than the step's deadline, checked as the probe
/// checks a path, and after the command synced and unmounted.
final class OwnMounts {
    private let records: OutcomeLog
    private let log: Logger
    private var namespaceEntered = false
    /// Set once boothold-finalize runs in a copy of the mount tree beside an automount that
    /// does not answer (`BesideRootPlan`): every path after that is reached there too.
    private(set) var besideAutomount: String?
    private var mounted: [(path: String, what: String)] = []

    init(records: OutcomeLog, log: Logger) {
        self.records = records
        self.log = log
    }

    var isEmpty: Bool { mounted.isEmpty }

    /// Makes the mount `plan` describes; the reached path, or why it could not be made.
    func mount(_ plan: FallbackMount, until deadline: Deadline, inbox: SignalInbox) -> Result<ReachedPath, MountRefusal> {
        let start = MonotonicInstant.now()
        if !namespaceEntered {
            do {
                try OwnMountNamespace.enter()
            } catch {
                return .failure(MountRefusal("cannot make a mount namespace of its own: \(error)"))
            }
            namespaceEntered = true
            let namespace = (try? MountNamespace.of(process: "self")).map { " \($0)" } ?? ""
            log.debug("entered a mount namespace of its own\(namespace), / recursively private")
        }

        // An automount that did not answer may still have a request pending, and then every
        // lookup through it waits, mount(2)'s of its target too: mount beside it instead.
        if plan.cause == .automountNoAnswer, besideAutomount == nil {
            if let refusal = enterBesideRoot(leavingOut: plan.path, until: deadline, inbox: inbox) {
                return .failure(refusal)
            }
        }

        let outcome: ForkedCall.Outcome
        do {
            outcome = try ForkedCall.run(until: deadline, inbox: inbox) { OwnMounts.mountInChild(plan) }
        } catch {
            return .failure(MountRefusal("cannot start the mount: \(error)"))
        }
        let type: String
        switch outcome {
        case .finished(let bytes):
            switch ChildAnswer(bytes) {
            case .done(let mountedType): type = mountedType
            case .failed(let message): return .failure(MountRefusal(message))
            }
        case .timedOut:
            return .failure(MountRefusal("mounting \(plan.what) on \(plan.path) did not return in time"))
        case .interrupted(let signal):
            return .failure(MountRefusal("received \(signalName(signal)) while mounting \(plan.what) on \(plan.path)"))
        case .died(let ending):
            return .failure(MountRefusal("the mount of \(plan.what) ended without an answer (\(ending))"))
        }
        mounted.append((plan.path, plan.what))

        if let problem = verify(plan, until: deadline, inbox: inbox) {
            release(plan.path)
            return .failure(MountRefusal(problem))
        }
        let beside = besideAutomount.map { _ in "; boothold-finalize and the command run in a copy of the mount tree without the automount" } ?? ""
        records.entry(.notice, messageID: FinalizeMessageID.mountedByFinalize, plan.doneSentence(type: type) + beside + ".", fields: [
            JournalField("BOOTHOLD_PATH", plan.path),
            JournalField("BOOTHOLD_UNIT", plan.unit),
            JournalField("BOOTHOLD_WHAT", plan.what),
            JournalField("BOOTHOLD_FSTYPE", type),
            JournalField("BOOTHOLD_OPTIONS", plan.options),
            JournalField("BOOTHOLD_CAUSE", plan.cause.rawValue),
            // From the decision to mount to the mount checked: what the fallback itself costs.
            JournalField("BOOTHOLD_MOUNT_USEC", String(MonotonicInstant.now().since(start).microseconds)),
        ])
        return .success(plan.reached(type: type))
    }

    /// Builds the copy of the mount tree without the automount at `path` (in a forked child,
    /// as a lookup elsewhere could wait too), then makes it this process's root; nil when it
    /// is entered, or why not.
    private func enterBesideRoot(leavingOut path: String, until deadline: Deadline, inbox: SignalInbox) -> MountRefusal? {
        let entries: [MountEntry]
        do {
            entries = try MountTable.parse(file: "/proc/self/mountinfo").mountEntries()
        } catch {
            return MountRefusal("cannot read the mount table to copy it without the automount at \(path): \(error)")
        }
        let plan = BesideRootPlan(table: entries, besides: path)
        let outcome: ForkedCall.Outcome
        do {
            outcome = try ForkedCall.run(until: deadline, inbox: inbox) {
                do throws(SystemCallError) {
                    let failures = try BesideRoot.build(plan)
                    return ChildAnswer.done(failures.map { "\($0.mountPoint) (\($0.reason))" }.joined(separator: ", ")).bytes
                } catch {
                    return ChildAnswer.failed("\(error)").bytes
                }
            }
        } catch {
            return MountRefusal("cannot start copying the mount tree: \(error)")
        }
        let unbound: String
        switch outcome {
        case .finished(let bytes):
            switch ChildAnswer(bytes) {
            case .done(let text): unbound = text
            case .failed(let why): return MountRefusal("cannot copy the mount tree without the automount at \(path): \(why)")
            }
        case .timedOut:
            return MountRefusal("copying the mount tree without the automount at \(path) did not finish in time")
        case .interrupted(let signal):
            return MountRefusal("received \(signalName(signal)) while copying the mount tree")
        case .died(let ending):
            return MountRefusal("copying the mount tree ended without an answer (\(ending))")
        }
        do {
            try BesideRoot.enter()
        } catch {
            return MountRefusal("cannot enter the copy of the mount tree: \(error)")
        }
        besideAutomount = path
        let left = plan.leftOut.joined(separator: ", ")
        log.info("the automount at \(path) does not answer, and every lookup through it waits for that answer: "
            + "boothold-finalize and the command run in a copy of the mount tree without it "
            + "(\(plan.binds.count + 1) mounts bound at \(BesideRoot.root), left out: \(left))")
        if !unbound.isEmpty {
            log.warning("not in the copy of the mount tree (could not be bound): \(unbound)")
        }
        return nil
    }

    /// The mount, as the probe sees a path: a mounted file system that is not autofs, on the
    /// unit's device (or, for file systems with anonymous device numbers such as btrfs, with
    /// the unit's What= as its source in the mount table). Nil when it is.
    private func verify(_ plan: FallbackMount, until deadline: Deadline, inbox: SignalInbox) -> String? {
        let found: MountReachability
        do {
            found = try MountReachability.probe(plan.path, until: deadline, inbox: inbox)
        } catch {
            return "cannot check \(plan.path) after mounting \(plan.what) on it: \(error)"
        }
        guard case .mounted(_, let device, _) = found else {
            return "\(plan.path) does not show the mounted \(plan.what) (\(found))"
        }
        if device == plan.device { return nil }
        let table = (try? FileDescriptor.readSmallFile("/proc/self/mountinfo")) ?? ""
        if let top = MountInfoText.mounts(at: plan.path, in: table).last, top.source == plan.what { return nil }
        return "\(plan.path) is on device \(device) after mounting \(plan.what) (\(plan.device)) on it"
    }

    /// Every own mount synced (syncfs) and unmounted, last first. A mount something still has
    /// open (a process the command left behind) is detached instead: its data is written,
    /// and it goes with the last process of this namespace.
    func releaseAll() {
        while let last = mounted.last {
            release(last.path)
        }
    }

    private func release(_ path: String) {
        guard let index = mounted.lastIndex(where: { $0.path == path }) else { return }
        let what = mounted.remove(at: index).what
        let start = MonotonicInstant.now()
        defer { log.debug("releasing \(path) took \(MonotonicInstant.now().since(start))") }
        var synced = true
        do {
            try OwnMountNamespace.sync(path)
        } catch {
            synced = false
            log.warning("cannot sync \(what) on \(path): \(error)")
        }
        do {
            try OwnMountNamespace.unmount(path)
            log.info("\(synced ? "synced and " : "")unmounted \(what) from \(path)")
        } catch where error.errno == .resourceBusy {
            do {
                try OwnMountNamespace.unmount(path, lazily: true)
                log.warning("\(path) is still in use after the command: \(synced ? "synced, " : "")detached \(what) "
                    + "(it is unmounted when the last process of boothold-finalize's mount namespace ends)")
            } catch {
                log.warning("cannot unmount \(what) from \(path): \(error)")
            }
        } catch {
            log.warning("cannot unmount \(what) from \(path): \(error)")
        }
    }

    // MARK: the child

    /// What a forked child reports: `0` then its text (the mount child: the type mounted; the
    /// copy of the mount tree: the mount points it could not bind), or `1` then why it failed.
    private enum ChildAnswer {
        case done(String)
        case failed(String)

        init(_ bytes: [UInt8]) {
            let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
            self = bytes.first == 0 ? .done(text) : .failed(text)
        }

        var bytes: [UInt8] {
            switch self {
            case .done(let text): return [0] + Array(text.utf8)
            case .failed(let why): return [1] + Array(why.utf8)
            }
        }
    }

    /// Runs in the forked child: detects the type when the unit has none, then mounts.
    private static func mountInChild(_ plan: FallbackMount) -> [UInt8] {
        do {
            let type: String
            if let known = plan.type { type = known } else { type = try FileSystemMount.detectType(of: plan.what) }
            try FileSystemMount.mount(source: plan.what, target: plan.path, type: type, options: plan.options)
            return ChildAnswer.done(type).bytes
        } catch {
            return ChildAnswer.failed("\(error)").bytes
        }
    }
}

/// Why an own mount could not be made or checked.
struct MountRefusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
