#if canImport(Glibc)
import Glibc
#endif
import BootHoldCore
import BootHoldSystem

/// One run of the hold: check the namespace, pin the paths, tell systemd, wait, release.
struct HoldSession {
    let request: HoldRequest
    let signals: SignalDescriptor
    let log: Logger

    func run() -> HoldExitStatus {
        if let (status, message) = MountNamespaceCheck.refusal() {
            log.error(message)
            return status
        }

        var pinned: PinnedMounts
        do {
            pinned = try PinnedMounts.pin(request.paths, log: log)
        } catch {
            log.error("\(error); holding nothing")
            return .pathNotHeld
        }
        defer { pinned.release() }
        let paths = pinned.mounts.map(\.path).joined(separator: ", ")

        var watch: StagedFileWatch?
        if let file = request.releaseWhenGone {
            do {
                watch = try StagedFileWatch(file: file, log: log)
            } catch {
                log.error("Cannot watch \(file): \(error); holding nothing")
                return .systemFailure
            }
        }

        // READY only now: the finalize unit is ordered after this one, so it must not start
        // before every path is pinned (ostree's own Type=exec hold leaves that window open).
        let status = HeldMount.status(pinned.mounts)
        let notifier = ServiceNotifier.fromEnvironment()
        if let notifier {
            do {
                try notifier.send(["READY=1", "STATUS=\(status)"])
            } catch {
                log.error("Cannot tell the service manager READY=1: \(error); holding nothing")
                return .systemFailure
            }
        } else {
            log.debug("NOTIFY_SOCKET is not set: not notifying a service manager")
        }
        log.info(status)

        let reason: String
        do {
            reason = try waitForRelease(watch: &watch, paths: paths)
        } catch {
            log.error("Waiting failed: \(error); releasing \(paths)")
            return .systemFailure
        }
        log.info(reason)
        try? notifier?.send(["STOPPING=1", "STATUS=Releasing \(paths)"])
        return .released
    }

    /// Waits on the signal descriptor (and the watch) until a release; returns why.
    private func waitForRelease(watch: inout StagedFileWatch?, paths: String) throws -> String {
        while true {
            var descriptors = [signals.descriptor]
            if let watch { descriptors.append(watch.descriptor) }
            // The hold waits for the whole session, usually: its code pages need not stay
            // resident until shutdown.
            let ready = try waitUntilReadable(descriptors, codePages: .giveBack)

            if ready.contains(signals.descriptor) {
                while let signal = try signals.next() {
                    let sender = signal.senderPID == 0 ? "" : " from PID \(signal.senderPID)"
                    guard signal.number != SIGHUP else {
                        log.info("Received SIGHUP\(sender): ignored, still holding \(paths)")
                        continue
                    }
                    return "Received \(signal.name)\(sender): releasing \(paths)"
                }
            }

            if let current = watch, ready.contains(current.descriptor) {
                do {
                    guard try current.handlePendingEvents() == .release else { continue }
                    guard let reason = FinalizationInProgress.reasonToKeepHolding() else {
                        return "\(current.file) is gone: deployment unstaged, releasing \(paths)"
                    }
                    log.notice("\(current.file) is gone while \(reason): holding \(paths) until stopped")
                    watch = nil
                } catch {
                    // Holding on is the safe side: a missed hold loses an update.
                    log.warning("Stopped watching \(current.file): \(error); holding \(paths) until stopped")
                    watch = nil
                }
            }
        }
    }
}
