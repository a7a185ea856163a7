import CBootHold

/// Signals blocked for the whole process and read, one at a time, from a signalfd(2)
/// (`SignalDescriptor`), waiting no longer than a deadline: a SIGTERM or SIGCHLD that arrives
/// at any moment is queued, never lost, and never runs a handler in the middle of Swift code.
public struct SignalInbox: Sendable {
    public let signals: SignalDescriptor

    /// What `wait(until:)` saw.
    public enum Event: Sendable, Equatable {
        case signal(Int32)
        case deadline
    }

    /// Blocks `signals` and opens the signalfd that receives them.
    public init(blocking signals: [Int32]) throws(SystemCallError) {
        self.signals = try SignalDescriptor.blocking(signals)
    }

    /// The next queued signal, or `.deadline` once `deadline` has passed with none queued.
    /// Sleeps in poll(2); never busy-waits.
    public func wait(until deadline: Deadline) throws(SystemCallError) -> Event {
        while true {
            if let received = try signals.next() { return .signal(received.number) }
            let now = MonotonicInstant.now()
            if deadline.hasPassed(at: now) { return .deadline }
            _ = try waitUntilReadable([signals.descriptor], timeoutMilliseconds: deadline.pollTimeoutMilliseconds(at: now))
        }
    }
}
