// Every libsystemd call of boothold lives in this file. libsystemd is loaded with dlopen(3)
// by the first send, not linked: the tools are one executable, and the hold and the
// generator must not map libsystemd and its dependencies (bench/size.sh).
import CBootHold
import BootHoldSystem

/// libsystemd's functions, resolved once, when boothold-finalize first writes to the journal.
private struct LibSystemd: @unchecked Sendable {
    /// sd_journal_sendv(3): `int sd_journal_sendv(const struct iovec *iov, int n)`.
    let journalSendv: @convention(c) (UnsafePointer<iovec>?, Int32) -> Int32

    private init(_ library: DynamicLibrary) throws(DynamicLibraryError) {
        journalSendv = try library.function("sd_journal_sendv", as: type(of: journalSendv))
    }

    /// The library, or why it could not be loaded (libsystemd0 missing).
    static let loaded = Result { () throws(DynamicLibraryError) in try LibSystemd(DynamicLibrary.open(soname: "libsystemd.so.0")) }
}

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
    /// journald cannot be reached (e.g. ENOENT/ECONNREFUSED: no /run/systemd/journal/socket),
    /// or, in `DynamicLibraryError`'s words, when libsystemd.so.0 cannot be loaded.
    public static func send(_ fields: [JournalField]) throws(SystemCallError) {
        guard !fields.isEmpty else { return }
        let libsystemd = try LibSystemd.loaded.mapError { SystemCallError($0) }.get()
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
            return libsystemd.journalSendv(&vectors, Int32(vectors.count))
        }
        guard result >= 0 else { throw SystemCallError("sd_journal_sendv", errno: Errno(rawValue: -result)) }
    }
}
