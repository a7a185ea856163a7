// Every libsystemd call of boothold lives in this file, so that it can be switched to
// dlopen("libsystemd.so.0") without touching anything else.
#if canImport(Glibc)
import Glibc
#endif
import BootHoldSystem
import CSystemd

/// One structured journal field, `NAME=value` (NAME: uppercase letters, digits, `_`).
public struct JournalField: Sendable, Equatable {
    public let name: String
    public let value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The systemd journal's native protocol, through libsystemd.
public enum Journal {
    /// sd_journal_sendv(3): one entry with `fields` (must include MESSAGE; add PRIORITY,
    /// MESSAGE_ID, SYSLOG_IDENTIFIER as needed). Values may contain newlines. Throws when
    /// journald cannot be reached (e.g. ENOENT/ECONNREFUSED: no /run/systemd/journal/socket).
    public static func send(_ fields: [JournalField]) throws {
        guard !fields.isEmpty else { return }
        // Each iovec points into one contiguous byte buffer that outlives the call.
        var bytes: [UInt8] = []
        var ranges: [(offset: Int, count: Int)] = []
        for field in fields {
            let start = bytes.count
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: field.value.utf8)
            ranges.append((start, bytes.count - start))
        }
        let result = bytes.withUnsafeMutableBytes { buffer -> Int32 in
            var vectors = ranges.map { range in
                iovec(iov_base: buffer.baseAddress! + range.offset, iov_len: range.count)
            }
            return sd_journal_sendv(&vectors, Int32(vectors.count))
        }
        guard result >= 0 else { throw SystemCallError("sd_journal_sendv", errno: Errno(rawValue: -result)) }
    }
}
