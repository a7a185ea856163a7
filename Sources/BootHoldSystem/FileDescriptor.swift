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
    ) throws(SystemCallError) -> FileDescriptor {
        let dirfd = directory?.rawValue ?? AT_FDCWD
        let fd = try retryingInterrupts("open", path: path) {
            cbh_openat(dirfd, path, flags | O_CLOEXEC, mode)
        }
        return FileDescriptor(rawValue: fd)
    }

    /// An O_PATH descriptor: names the inode without opening it, so it never triggers an
    /// automount. `extraFlags` may add O_NOFOLLOW, O_DIRECTORY.
    public static func openPath(
        _ path: String, extraFlags: Int32 = 0, relativeTo directory: FileDescriptor? = nil
    ) throws(SystemCallError) -> FileDescriptor {
        let dirfd = directory?.rawValue ?? AT_FDCWD
        let fd = try retryingInterrupts("open", path: path) { cbh_open_path(dirfd, path, extraFlags) }
        return FileDescriptor(rawValue: fd)
    }

    /// close(2). EINTR is not retried (the descriptor is gone either way on Linux).
    public func close() {
        _ = systemClose(rawValue)
    }

    /// Runs `body`, then closes the descriptor on every path.
    public func closeAfter<T>(_ body: () throws(SystemCallError) -> T) throws(SystemCallError) -> T {
        defer { close() }
        return try body()
    }

    /// read(2), EINTR retried. Returns 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        try retryingInterrupts("read") { systemRead(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Reads to end of file, at most `limit` bytes (more is an EFBIG error).
    public func readAll(limit: Int = 16 << 20) throws(SystemCallError) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = try chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemCallError) in try read(into: buffer) }
            }.get()
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
            if result.count > limit { throw SystemCallError("read", errno: Errno(rawValue: EFBIG)) }
        }
    }

    /// The one way a whole small file is read: open(2) read-only with `flags` added (O_CLOEXEC
    /// comes with `open`), read to end of file, at most `limit` bytes, close.
    public static func readFile(_ path: String, flags: Int32 = 0, limit: Int) throws(SystemCallError) -> [UInt8] {
        let fd = try FileDescriptor.open(path, flags: O_RDONLY | flags)
        return try fd.closeAfter { () throws(SystemCallError) in try fd.readAll(limit: limit) }
    }

    /// write(2) until every byte is written, EINTR retried.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let n = try retryingInterrupts("write") {
                systemWrite(rawValue, bytes.baseAddress! + offset, bytes.count - offset)
            }
            offset += n
        }
    }

    public func writeAll(_ string: String) throws(SystemCallError) {
        var copy = string
        try copy.withUTF8 { buffer in
            Result { () throws(SystemCallError) in try writeAll(UnsafeRawBufferPointer(buffer)) }
        }.get()
    }

    public func writeAll(_ bytes: [UInt8]) throws(SystemCallError) {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemCallError) in try writeAll(buffer) }
        }.get()
    }

    /// fsync(2).
    public func sync() throws(SystemCallError) {
        _ = try retryingInterrupts("fsync") { fsync(rawValue) }
    }

    /// fstatfs(2) f_type, e.g. 0x0187 for autofs.
    public func fileSystemType() throws(SystemCallError) -> Int64 {
        var type: Int64 = 0
        _ = try retryingInterrupts("fstatfs") { cbh_fstatfs_type(rawValue, &type) }
        return type
    }
}

/// AUTOFS_SUPER_MAGIC: what fstatfs reports for an automount point that is not mounted.
public let autofsSuperMagic: Int64 = Int64(CBH_AUTOFS_SUPER_MAGIC)

// The libc calls under the names FileDescriptor's own methods shadow.
@inline(__always) func systemClose(_ fd: Int32) -> Int32 { close(fd) }
@inline(__always) func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
@inline(__always) func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }
