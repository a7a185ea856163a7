import CBootHold
import BootHoldCore
import BootHoldSystem

/// One run of the hold: check the namespace, watch the staged file, then do what
/// `HoldLifecycle` decides — pin while staged, release when unstaged, tell systemd — until
/// SIGTERM/SIGINT or a failure to pin.
struct HoldSession {
    let request: HoldRequest
    let signals: SignalDescriptor
    let log: Logger

    func run() -> HoldExitStatus {
        if let (status, message) = MountNamespaceCheck.refusal() {
            log.error(message)
            return status
        }

        // The watch first, then the look at FILE (in StagedFileWatch.init): a FILE created or
        // removed from here on is an event, not missed between the look and the watch. Held
        // from the start (--from-start), FILE changes nothing: not watched.
        var watch: StagedFileWatch?
        if let file = request.releaseWhenGone, !request.fromStart {
            do {
                watch = try StagedFileWatch(file: file, log: log)
            } catch {
                log.error("Cannot watch \(file): \(error); holding nothing")
                return .systemFailure
            }
        }

        let notifier = ServiceNotifier.fromEnvironment()
        if notifier == nil { log.debug("NOTIFY_SOCKET is not set: not notifying a service manager") }
        var lifecycle = HoldLifecycle(request: request)
        var pinned: PinnedMounts?
        defer { pinned?.release() }

        var actions = lifecycle.handle(.started(stagedFileExists: watch?.exists))
        while true {
            while !actions.isEmpty {
                switch actions.removeFirst() {
                case .log(let level, let message):
                    log.log(level, message)
                case .notify(let assignments):
                    guard let notifier else { continue }
                    do {
                        try notifier.send(assignments)
                    } catch let error where assignments.contains("READY=1") {
                        // The finalize unit waits for READY: without it the start times out.
                        log.error("Cannot tell the service manager READY=1: \(error); holding nothing")
                        return .systemFailure
                    } catch {
                        log.debug("Cannot update the service manager's status: \(error)")
                    }
                case .pin:
                    let answer: HoldLifecycle.Event
                    do {
                        let mounts = try PinnedMounts.pin(request.paths, log: log)
                        pinned = mounts
                        answer = .pinned(mounts.mounts)
                    } catch {
                        answer = .pinFailed("\(error)")
                    }
                    actions.insert(contentsOf: lifecycle.handle(answer), at: 0)
                case .release:
                    pinned?.release()
                    pinned = nil
                case .stopWatching:
                    watch = nil
                case .exit(let status):
                    return status
                }
            }
            do {
                actions = lifecycle.handle(try nextEvent(&watch))
            } catch {
                log.error("Waiting failed: \(error); releasing \(request.paths.joined(separator: ", "))")
                return .systemFailure
            }
        }
    }

    /// Sleeps in poll(2) on the signal descriptor (and the watch) until something happens
    /// that the lifecycle must hear of.
    private func nextEvent(_ watch: inout StagedFileWatch?) throws(SystemCallError) -> HoldLifecycle.Event {
        while true {
            var descriptors = [signals.descriptor]
            if let watch { descriptors.append(watch.descriptor) }
            // The hold waits for the whole session, usually: its code pages need not stay
            // resident until shutdown.
            let ready = try waitUntilReadable(descriptors, codePages: .giveBack)

            if ready.contains(signals.descriptor), let signal = try signals.next() {
                let kind: HoldSignal.Kind = signal.number == SIGHUP ? .hangUp : .terminate
                return .signal(HoldSignal(kind, name: signal.name, senderPID: signal.senderPID))
            }

            if let current = watch, ready.contains(current.descriptor) {
                let change: StagedFilePresence.Change?
                do {
                    change = try current.handlePendingEvents()
                } catch {
                    return .watchFailed("\(error)")
                }
                switch change {
                case .appeared: return .stagedFileAppeared
                case .gone: return .stagedFileGone(keepHolding: FinalizationInProgress.reasonToKeepHolding(finalizeUnit: request.finalizeUnit))
                case nil: continue
                }
            }
        }
    }
}
