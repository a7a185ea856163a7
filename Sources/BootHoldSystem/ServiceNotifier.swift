import CBootHold

/// The service manager notification protocol of sd_notify(3), spoken directly: one datagram
/// of newline-separated `KEY=value` assignments to the AF_UNIX socket named by
/// `$NOTIFY_SOCKET`. The protocol is documented as stable, and sending it ourselves keeps
/// libsystemd (and the ≈ 3 MB of resident memory its dependencies cost) out of a process
/// that stays resident all session.
public struct ServiceNotifier: Sendable {
    /// The socket address as given: a path, or "@name" for an abstract socket.
    public let address: String

    public init(address: String) { self.address = address }

    /// The notifier for `$NOTIFY_SOCKET`, or nil when it is unset or empty (not started by a
    /// service manager that listens: notifying is then a no-op, as in sd_notify(3)).
    public static func fromEnvironment() -> ServiceNotifier? {
        guard let address = Environment.value("NOTIFY_SOCKET"), !address.isEmpty else { return nil }
        return ServiceNotifier(address: address)
    }

    /// Sends `assignments` ("READY=1", "STATUS=…") as one datagram.
    public func send(_ assignments: [String]) throws(SystemCallError) {
        var message = assignments.joined(separator: "\n")
        let fd = try retryingInterrupts("socket", path: address) { cbh_unix_datagram_socket() }
        defer { _ = close(fd) }
        _ = try message.withUTF8 { bytes in
            Result { () throws(SystemCallError) in
                try retryingInterrupts("sendto", path: address) {
                    cbh_unix_sendto(fd, address, bytes.baseAddress, bytes.count)
                }
            }
        }.get()
    }
}
