import CBootHold

/// The directory every generator input is read under: `/` on a real machine, a fixture tree
/// in tests (`BOOTHOLD_ROOT`, read by `GeneratorEnvironment`, like zram-generator's `ZRAM_GENERATOR_ROOT`). All reads of the
/// generator go through one value of this type, so no literal `/proc/...` hides in the logic.
public struct MachineRoot: Sendable, Equatable {
    /// Absolute, without a trailing slash; empty for `/`.
    public let prefix: String

    public init(_ directory: String) {
        var trimmed = directory
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.prefix = trimmed
    }

    public var isHostRoot: Bool { prefix.isEmpty }

    /// The host path of `absolutePath` on the machine (`/etc/fstab` → `ROOT/etc/fstab`).
    public func hostPath(_ absolutePath: String) -> String {
        prefix + (absolutePath.hasPrefix("/") ? absolutePath : "/" + absolutePath)
    }

    /// The file's bytes, at most `limit` (more is an error naming the file).
    public func readFile(_ absolutePath: String, limit: Int = 16 << 20) throws(SystemCallError) -> [UInt8] {
        try Self.readHostFile(hostPath(absolutePath), limit: limit)
    }

    /// Like `readFile`, but nil when the file does not exist.
    public func readFileIfPresent(_ absolutePath: String, limit: Int = 16 << 20) throws(SystemCallError) -> [UInt8]? {
        do {
            return try readFile(absolutePath, limit: limit)
        } catch where error.errno == .noSuchFileOrDirectory || error.errno == .notDirectory {
            return nil
        }
    }

    /// lstat of the machine's path; nil when missing.
    public func status(_ absolutePath: String, symlinks: SymlinkResolution = .notFollowed) throws(SystemCallError) -> FileStatus? {
        try FileStatus.ifPresent(hostPath(absolutePath), symlinks: symlinks)
    }

    /// Whether something (anything, even a dangling symlink) exists at the path.
    public func exists(_ absolutePath: String) throws(SystemCallError) -> Bool {
        try PathPresence.of(hostPath(absolutePath)) == .exists
    }

    /// The names in a directory of the machine; a missing directory is empty.
    public func directoryNames(_ absolutePath: String) throws(SystemCallError) -> [String] {
        try DirectoryListing.namesIfPresent(at: hostPath(absolutePath))
    }

    /// The target of a symlink of the machine, as stored (not re-rooted).
    public func linkTarget(_ absolutePath: String) throws(SystemCallError) -> String {
        try SymbolicLink.target(of: hostPath(absolutePath))
    }

    /// An error as the machine sees it: paths without the root prefix, so that messages and
    /// the reasons written into units do not depend on where a test tree lives.
    public func describe(_ error: SystemCallError) -> String {
        guard error.message == nil, let path = error.path else { return error.description }
        let shown = !isHostRoot && path.hasPrefix(prefix + "/") ? String(path.dropFirst(prefix.count)) : path
        return SystemCallError(error.operation, path: shown, errno: error.errno).description
    }

    /// Reads a host path (not re-rooted: `SYSTEMD_FSTAB`, `/proc/self/exe`, `/dev/kmsg`).
    public static func readHostFile(_ path: String, limit: Int = 16 << 20) throws(SystemCallError) -> [UInt8] {
        try requireRegularFile(path)
        do {
            // O_NONBLOCK too, should a FIFO take the file's place after the check.
            return try FileDescriptor.readFile(path, flags: O_NOCTTY | O_NONBLOCK, limit: limit)
        } catch where error.path == nil {
            // A read error names no path: name it. (open's already does.)
            throw SystemCallError(error.operation, path: path, errno: error.errno)
        }
    }

    /// Inputs must be regular files: a FIFO would block open(2) and read(2) until PID 1 kills
    /// every generator, 90 s for all of them together (systemd.generator(7)); a device could
    /// stream without end. stat(2) itself never blocks.
    public static func requireRegularFile(_ path: String) throws(SystemCallError) {
        let kind = try FileStatus.of(path, symlinks: .followed).kind
        if kind == .directory { throw SystemCallError("read", path: path, errno: .isDirectory) }
        guard kind == .regular else {
            throw SystemCallError("refusing to read a non-regular file", path: path, errno: .invalidArgument)
        }
    }
}
