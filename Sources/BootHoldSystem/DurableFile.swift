import CBootHold

/// Small files that must survive a power cut the moment the call returns: the outcome
/// records of boothold-finalize. Each write is temp file → fsync → rename → fsync of the
/// directory, so a reader sees the old file or the new one, never a torn one.
public enum DurableFile {
    /// Replaces `directory/name` with `contents` atomically and durably.
    public static func write(_ contents: String, named name: String, in directory: String, mode: mode_t = 0o644) throws(SystemCallError) {
        let dir = try FileDescriptor.open(directory, flags: O_RDONLY | O_DIRECTORY)
        try dir.closeAfter { () throws(SystemCallError) in
            let temporary = ".\(name).\(getpid()).tmp"
            let file = try FileDescriptor.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode: mode, relativeTo: dir)
            do throws(SystemCallError) {
                try file.closeAfter { () throws(SystemCallError) in
                    try file.writeAll(contents)
                    try file.sync()
                }
                _ = try retryingInterrupts("rename", path: "\(directory)/\(name)") {
                    renameat(dir.rawValue, temporary, dir.rawValue, name)
                }
            } catch {
                _ = unlinkat(dir.rawValue, temporary, 0)
                throw error
            }
            try dir.sync()
        }
    }

    /// The file's text, nil when it does not exist; other errors are thrown.
    public static func read(_ path: String, limit: Int = 1 << 20) throws(SystemCallError) -> String? {
        do {
            return String(decoding: try FileDescriptor.readFile(path, flags: O_NOFOLLOW, limit: limit), as: UTF8.self)
        } catch where error.errno == .noSuchFileOrDirectory {
            return nil
        }
    }

    /// Whether `path` exists (lstat(2)); errors other than ENOENT/ENOTDIR count as existing,
    /// since "cannot tell" must not read as "nothing staged".
    public static func exists(_ path: String) -> Bool {
        (try? PathPresence.of(path)) != .missing
    }

    /// mkdir -p with `mode` for every directory it creates; the parents are only walked
    /// when the directory itself cannot be made (the usual case costs one mkdir).
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(SystemCallError) {
        if mkdir(path, mode) == 0 { return }
        let error = Errno.current
        if error == .fileExists { return }
        guard error == .noSuchFileOrDirectory, let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
            throw SystemCallError("mkdir", path: path, errno: error)
        }
        try makeDirectories(String(path[..<slash]), mode: mode)
        if mkdir(path, mode) == 0 || Errno.current == .fileExists { return }
        throw SystemCallError("mkdir", path: path, errno: Errno.current)
    }

    /// rename(2) of `from` to `to`, then fsync of both directories; a missing `from` is not
    /// an error (returns false).
    @discardableResult
    public static func move(_ from: String, to: String) throws(SystemCallError) -> Bool {
        if rename(from, to) != 0 {
            let error = Errno.current
            if error == .noSuchFileOrDirectory { return false }
            throw SystemCallError("rename", path: from, errno: error)
        }
        try syncDirectory(containing: to)
        try syncDirectory(containing: from)
        return true
    }

    /// unlink(2); a missing file is not an error.
    public static func remove(_ path: String) throws(SystemCallError) {
        if unlink(path) == 0 { return }
        let error = Errno.current
        guard error == .noSuchFileOrDirectory else { throw SystemCallError("unlink", path: path, errno: error) }
    }

    /// fsync of the directory that holds `path`, so a rename or unlink in it is durable.
    public static func syncDirectory(containing path: String) throws(SystemCallError) {
        let parent: String
        if let slash = path.lastIndex(of: "/") {
            parent = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            parent = "."
        }
        let dir = try FileDescriptor.open(parent, flags: O_RDONLY | O_DIRECTORY)
        try dir.closeAfter { () throws(SystemCallError) in try dir.sync() }
    }
}
