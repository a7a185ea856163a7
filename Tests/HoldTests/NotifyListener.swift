import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The service manager's end of the notify protocol: an AF_UNIX datagram socket the helper
/// finds through `$NOTIFY_SOCKET`, as systemd binds it.
final class NotifyListener {
    /// What `NOTIFY_SOCKET` must say: a path, or "@name" for an abstract socket.
    let address: String
    private let fd: Int32

    enum Kind { case path(String), abstract(String) }

    init(_ kind: Kind) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SpawnedProcess.SpawnError(description: "socket failed") }
        var bytes: [UInt8]
        switch kind {
        case .path(let path):
            address = path
            bytes = Array(path.utf8) + [0]
        case .abstract(let name):
            address = "@" + name
            bytes = [0] + Array(name.utf8)
        }
        var sa = sockaddr_un()
        sa.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &sa.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let rc = withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard rc == 0 else {
            let text = String(cString: strerror(errno))
            close(fd)
            throw SpawnedProcess.SpawnError(description: "bind \(address): \(text)")
        }
    }

    deinit {
        close(fd)
        if address.hasPrefix("/") { unlink(address) }
    }

    /// The next datagram, or nil if none arrives within `timeout` seconds.
    func receive(timeout: Double) -> String? {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    /// The datagrams already queued (none waited for).
    func queued() -> [String] {
        var all: [String] = []
        while let message = receive(timeout: 0) { all.append(message) }
        return all
    }
}

extension String {
    /// "READY=1\nSTATUS=…" → ["READY": "1", "STATUS": "…"].
    var notifyAssignments: [String: String] {
        var result: [String: String] = [:]
        for line in split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            result[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return result
    }
}
