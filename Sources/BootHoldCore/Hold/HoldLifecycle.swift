/// What `boothold-hold` does while it runs, decided without I/O: it holds the paths exactly
/// while the staged file (`--release-when-gone FILE`) exists. Nothing staged at start: ready at
/// once, holding nothing, watching. FILE appears: pin (the open triggers the automount). FILE
/// gone: release, but keep running and watching, so that a re-stage pins again — unless the
/// paired finalize unit is finalizing (ostree unlinks FILE *before* it writes `/boot`,
/// reference/ostree-finalize.md §2.2), which keeps the paths held until the hold is stopped.
/// It ends only on SIGTERM/SIGINT (0) or when it cannot pin while staged (non-zero, with the
/// cause): systemd then starts it again (the finalize unit `Upholds=` it), within the hold
/// unit's start limit. Without FILE, or with `fromStart`, it pins at start and holds until
/// stopped.
///
/// The caller performs the actions in order and reports what happened as the next event; a
/// `.pin` is always answered with `.pinned` or `.pinFailed` before anything else.
public struct HoldLifecycle: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Before `.started`.
        case starting
        /// The paths are being opened; `.pinned` or `.pinFailed` comes next.
        case pinning(PinCause)
        /// Nothing staged: nothing held, FILE watched.
        case watching
        /// The paths are held and FILE is watched (without FILE: held until stopped).
        case holding([HeldMount])
        /// Held until SIGTERM/SIGINT whatever FILE does: finalizing, or FILE can no longer be watched.
        case holdingUntilStopped([HeldMount])
        case ended(HoldExitStatus)
    }

    /// Why the paths are being pinned.
    public enum PinCause: Sendable, Equatable {
        /// At start: FILE exists, or there is no FILE.
        case start
        /// FILE appeared while watching.
        case staged
        /// The watch failed while nothing was held: hold to be safe.
        case watchLost
        /// At start, whatever FILE says (`fromStart`): held until stopped.
        case fromStart
    }

    public enum Event: Sendable, Equatable {
        /// The watch is in place (so nothing that happens from now on is missed) and its first
        /// look says whether FILE exists; nil when there is no FILE to watch.
        case started(stagedFileExists: Bool?)
        /// Every path is open and mounted (answer to `.pin`).
        case pinned([HeldMount])
        /// A path could not be held, nothing is (answer to `.pin`): "Cannot hold /boot: …".
        case pinFailed(String)
        case stagedFileAppeared
        /// FILE is gone; `keepHolding` says why the paths must stay held now ("x.service is
        /// finalizing"), or is nil when they may be released.
        case stagedFileGone(keepHolding: String?)
        /// FILE can no longer be watched (the reason).
        case watchFailed(String)
        case signal(HoldSignal)
    }

    public enum Action: Sendable, Equatable {
        case log(LogLevel, String)
        /// sd_notify(3) assignments. One carrying `READY=1` that cannot be sent ends the hold
        /// (the finalize unit waits for it); a later `STATUS=` update may be lost.
        case notify([String])
        /// Open every path (see `PinCause`), then report `.pinned` or `.pinFailed`.
        case pin
        /// Close the held paths.
        case release
        /// Stop watching FILE (held until stopped from now on).
        case stopWatching
        case exit(HoldExitStatus)
    }

    public let request: HoldRequest
    public private(set) var phase: Phase = .starting
    private var readySent = false

    public init(request: HoldRequest) {
        self.request = request
    }

    private var paths: String { request.paths.joined(separator: ", ") }
    private var file: String { request.releaseWhenGone ?? "" }

    public mutating func handle(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.ended, _):
            return []

        case (.starting, .started(let exists)):
            if request.fromStart {
                phase = .pinning(.fromStart)
                return [.log(.info, "Holding \(paths) from the start until stopped (--from-start)"), .pin]
            }
            guard exists == false else {
                phase = .pinning(.start)
                if exists == true { return [.log(.info, "\(file) exists: a deployment is staged, holding \(paths)"), .pin] }
                return [.pin]
            }
            phase = .watching
            return [
                .log(.info, "\(file) does not exist: nothing staged, holding nothing; holding \(paths) when it appears"),
                ready(HoldStatus.watching(file)),
            ]
        case (.starting, _):
            return []

        case (.pinning(let cause), .pinned(let mounts)):
            let status = HeldMount.status(mounts)
            switch cause {
            case .start:
                phase = .holding(mounts)
                let until = request.releaseWhenGone.map { "; releasing when \($0) is gone" } ?? " until stopped"
                return [ready(status), .log(.info, status + until)]
            case .staged:
                phase = .holding(mounts)
                return [ready(status)]
            case .watchLost:
                phase = .holdingUntilStopped(mounts)
                return [ready(status + " until stopped: \(file) is no longer watched")]
            case .fromStart:
                phase = .holdingUntilStopped(mounts)
                return [.stopWatching, ready(status + " until stopped")]
            }
        case (.pinning, .pinFailed(let reason)):
            phase = .ended(.pathNotHeld)
            let staged = request.fromStart ? "" : request.releaseWhenGone.map { " while \($0) exists" } ?? ""
            return [.log(.error, "\(reason); holding nothing\(staged)"), .exit(.pathNotHeld)]
        case (.pinning, _):
            // Only an answer to the pin may come now; anything else waits for the next wake-up.
            return []

        case (.watching, .stagedFileAppeared):
            phase = .pinning(.staged)
            return [.log(.info, "\(file) appeared: a deployment is staged, holding \(paths)"), .pin]
        case (.watching, .stagedFileGone):
            return []
        case (.watching, .watchFailed(let reason)):
            phase = .pinning(.watchLost)
            return [.log(.warning, "Stopped watching \(file): \(reason); holding \(paths) until stopped, to be safe"),
                    .stopWatching, .pin]

        case (.holding(let mounts), .stagedFileGone(let keepHolding)):
            guard let reason = keepHolding else {
                phase = .watching
                return [
                    .release,
                    .log(.info, "\(file) is gone: deployment unstaged, releasing \(paths); watching for a new one"),
                    notify(HoldStatus.released(request.paths)),
                ]
            }
            phase = .holdingUntilStopped(mounts)
            return [
                .stopWatching,
                .log(.notice, "\(file) is gone while \(reason): holding \(paths) until stopped"),
                notify(HeldMount.status(mounts) + " until stopped: \(reason)"),
            ]
        case (.holding(let mounts), .watchFailed(let reason)):
            phase = .holdingUntilStopped(mounts)
            return [.stopWatching,
                    .log(.warning, "Stopped watching \(file): \(reason); holding \(paths) until stopped"),
                    notify(HeldMount.status(mounts) + " until stopped: \(file) is no longer watched")]
        case (.holding, .stagedFileAppeared), (.holdingUntilStopped, .stagedFileAppeared),
             (.holdingUntilStopped, .stagedFileGone), (.holdingUntilStopped, .watchFailed):
            return []

        case (.watching, .signal(let signal)):
            guard signal.ends else { return [.log(.info, "Received \(signal): ignored, still watching \(file)")] }
            phase = .ended(.released)
            return [.log(.info, "Received \(signal): nothing held, exiting"),
                    .notify(["STOPPING=1", "STATUS=Stopping: nothing held"]), .exit(.released)]
        case (.holding, .signal(let signal)), (.holdingUntilStopped, .signal(let signal)):
            guard signal.ends else { return [.log(.info, "Received \(signal): ignored, still holding \(paths)")] }
            phase = .ended(.released)
            return [.log(.info, "Received \(signal): releasing \(paths)"),
                    .notify(["STOPPING=1", "STATUS=Releasing \(paths)"]), .release, .exit(.released)]

        case (.watching, .started), (.watching, .pinned), (.watching, .pinFailed),
             (.holding, .started), (.holding, .pinned), (.holding, .pinFailed),
             (.holdingUntilStopped, .started), (.holdingUntilStopped, .pinned), (.holdingUntilStopped, .pinFailed):
            return []
        }
    }

    /// The first notification carries READY=1, so the finalize unit ordered after the hold
    /// starts only once the hold knows what to hold (and holds it, when staged).
    private mutating func ready(_ status: String) -> Action {
        defer { readySent = true }
        return readySent ? notify(status) : .notify(["READY=1", "STATUS=" + status])
    }

    private func notify(_ status: String) -> Action { .notify(["STATUS=" + status]) }
}

/// A signal the hold reads from its signalfd, in the core's words (no libc here).
public struct HoldSignal: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// SIGTERM or SIGINT: release and exit 0.
        case terminate
        /// SIGHUP: ignored.
        case hangUp
    }

    public var kind: Kind
    /// "SIGTERM", "SIGINT", "SIGHUP".
    public var name: String
    /// Who sent it; 0 for the kernel or unknown.
    public var senderPID: UInt32

    public init(_ kind: Kind, name: String, senderPID: UInt32 = 0) {
        self.kind = kind
        self.name = name
        self.senderPID = senderPID
    }

    var ends: Bool { kind == .terminate }
    /// "SIGTERM from PID 1".
    public var description: String { senderPID == 0 ? name : "\(name) from PID \(senderPID)" }
}

/// The `STATUS=` texts `systemctl status` shows for the hold, besides `HeldMount.status`.
public enum HoldStatus {
    /// "Watching /run/ostree/staged-deployment: nothing staged, holding nothing".
    public static func watching(_ file: String) -> String {
        "Watching \(file): nothing staged, holding nothing"
    }

    /// "Released /boot: deployment unstaged; watching for a new one".
    public static func released(_ paths: [String]) -> String {
        "Released \(paths.joined(separator: ", ")): deployment unstaged; watching for a new one"
    }
}
