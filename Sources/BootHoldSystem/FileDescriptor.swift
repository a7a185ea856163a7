#if canImport(Glibc)
import Glibc
#endif
import CBootHold

/// An open file descriptor. Not closed implicitly: use `closeAfter` or `close()`.
public struct FileDescriptor: Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let standardOutput = FileDescriptor(rawValue: 1)
    public static let standardError = FileDescriptor(rawValue: 2)

    /// openat(2) relative to `directory` (AT_FDCWD by default), O_CLOEXEC always added.
    public static func open(
        _ path: String, flags: Int32, mode: mode_t = 0, relativeTo directory: FileDescriptor? = nil
    ) throws -> FileDescriptor {
        let dirfd = directory?.rawValue ?? AT_FDCWD
        let fd = try retryingInterrupts("open", path: path) {
            openat(dirfd, path, flags | O_CLOEXEC, mode)
        }
        return FileDescriptor(rawValue: fd)
    }

    /// An O_PATH descriptor: names the inode without opening it, so it never triggers an
    /// automount. `extraFlags` may add O_NOFOLLOW, O_DIRECTORY.
    public static func openPath(
        _ path: String, extraFlags: Int32 = 0, relativeTo directory: FileDescriptor? = nil
    ) throws -> FileDescriptor {
        let dirfd = directory?.rawValue ?? AT_FDCWD
        let fd = try retryingInterrupts("open", path: path) { cbh_open_path(dirfd, path, extraFlags) }
        return FileDescriptor(rawValue: fd)
    }

    /// close(2). EINTR is not retried (the descriptor is gone either way on Linux).
    public func close() {
        _ = Glibc.close(rawValue)
    }

    /// Runs `body`, then closes the descriptor on every path.
    public func closeAfter<T>(_ body: () throws -> T) rethrows -> T {
        defer { close() }
        return try body()
    }

    /// read(2), EINTR retried. Returns 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try retryingInterrupts("read") { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Reads to end of file, at most `limit` bytes (more is an EFBIG error).
    public func readAll(limit: Int = 16 << 20) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = try chunk.withUnsafeMutableBytes { (buffer) throws -> Int in
                try read(into: buffer)
            }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
            if result.count > limit { throw SystemCallError("read", errno: Errno(rawValue: EFBIG)) }
        }
    }

    /// The one way a whole small file is read: open(2) read-only with `flags` added (O_CLOEXEC
    /// comes with `open`), read to end of file, at most `limit` bytes, close.
    public static func readFile(_ path: String, flags: Int32 = 0, limit: Int) throws -> [UInt8] {
        let fd = try FileDescriptor.open(path, flags: O_RDONLY | flags)
        return try fd.closeAfter { try fd.readAll(limit: limit) }
    }

    /// write(2) until every byte is written, EINTR retried.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = try retryingInterrupts("write") {
                Glibc.write(rawValue, bytes.baseAddress! + offset, bytes.count - offset)
            }
            offset += n
        }
    }

    public func writeAll(_ string: String) throws {
        var copy = string
        try copy.withUTF8 { (buffer) throws in try writeAll(UnsafeRawBufferPointer(buffer)) }
    }

    public func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (buffer) throws in try writeAll(buffer) }
    }

    /// fsync(2).
    public func sync() throws {
        _ = try retryingInterrupts("fsync") { fsync(rawValue) }
    }

    /// fstatfs(2) f_type, e.g. 0x0187 for autofs.
    public func fileSystemType() throws -> Int64 {
        var type: Int64 = 0
        _ = try retryingInterrupts("fstatfs") { cbh_fstatfs_type(rawValue, &type) }
        return type
    }
}

/// AUTOFS_SUPER_MAGIC: what fstatfs reports for an automount point that is not mounted.
public let autofsSuperMagic: Int64 = Int64(CBH_AUTOFS_SUPER_MAGIC)
