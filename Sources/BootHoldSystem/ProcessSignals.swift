import CBootHold

/// A signal taken from a `SignalDescriptor`: which one, and who sent it (0 for the kernel).
public struct ReceivedSignal: Sendable, Equatable {
    public let number: Int32
    public let senderPID: UInt32

    /// "SIGTERM", "SIGINT", "SIGHUP", … (`signalName`).
    public var name: String { signalName(number) }
}

/// A readable name for a signal number: "SIGTERM", or "signal 42".
public func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGHUP: return "SIGHUP"
    case SIGINT: return "SIGINT"
    case SIGQUIT: return "SIGQUIT"
    case SIGILL: return "SIGILL"
    case SIGABRT: return "SIGABRT"
    case SIGBUS: return "SIGBUS"
    case SIGFPE: return "SIGFPE"
    case SIGKILL: return "SIGKILL"
    case SIGSEGV: return "SIGSEGV"
    case SIGPIPE: return "SIGPIPE"
    case SIGALRM: return "SIGALRM"
    case SIGTERM: return "SIGTERM"
    case SIGCHLD: return "SIGCHLD"
    case SIGUSR1: return "SIGUSR1"
    case SIGUSR2: return "SIGUSR2"
    default: return "signal \(signal)"
    }
}


/// Signals delivered as readable records on a descriptor (signalfd(2)) instead of handlers,
/// so a single poll(2) loop waits for them together with everything else.
public struct SignalDescriptor: Sendable {
    public let descriptor: FileDescriptor
    public let signals: [Int32]

    /// Blocks `signals` for the process (sigprocmask(2)), then opens a non-blocking
    /// signalfd(2) for them. A signal that arrives from here on stays pending until read.
    public static func blocking(_ signals: [Int32]) throws(SystemCallError) -> SignalDescriptor {
        _ = try retryingInterrupts("sigprocmask") {
            signals.withUnsafeBufferPointer { cbh_block_signals($0.baseAddress, $0.count) }
        }
        let fd = try retryingInterrupts("signalfd") {
            signals.withUnsafeBufferPointer { cbh_signalfd($0.baseAddress, $0.count) }
        }
        return SignalDescriptor(descriptor: FileDescriptor(rawValue: fd), signals: signals)
    }

    /// The next pending signal, or nil when none is pending.
    public func next() throws(SystemCallError) -> ReceivedSignal? {
        var number: UInt32 = 0
        var sender: UInt32 = 0
        while true {
            let n = cbh_signalfd_read(descriptor.rawValue, &number, &sender)
            if n > 0 { return ReceivedSignal(number: Int32(bitPattern: number), senderPID: sender) }
            if n == 0 { return nil }
            let error = Errno.current
            if error == .interrupted { continue }
            if error == .wouldBlock { return nil }
            throw SystemCallError("read signalfd", errno: error)
        }
    }
}
