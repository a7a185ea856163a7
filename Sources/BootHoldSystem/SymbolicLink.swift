import CBootHold

/// Symbolic links: reading their target and creating them.
public enum SymbolicLink {
    /// readlinkat(2): the link's target as stored.
    public static func target(of path: String, relativeTo directory: FileDescriptor? = nil) throws(SystemCallError) -> String {
        let dirfd = directory?.rawValue ?? AT_FDCWD
        var size = 256
        while true {
            var buffer = [UInt8](repeating: 0, count: size)
            let count = try retryingInterrupts("readlink", path: path) {
                buffer.withUnsafeMutableBufferPointer { raw in
                    raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: size) {
                        readlinkat(dirfd, path, $0, size)
                    }
                }
            }
            if count < size { return String(decoding: buffer[0..<count], as: UTF8.self) }
            size *= 4
        }
    }

    /// symlinkat(2): creates `name` in `directory` pointing at `target`. Never replaces.
    public static func create(_ name: String, pointingAt target: String, in directory: FileDescriptor) throws(SystemCallError) {
        _ = try retryingInterrupts("symlink", path: name) { symlinkat(target, directory.rawValue, name) }
    }
}

/// realpath(3) without the root prefix games: the canonical absolute path.
public func canonicalPath(_ path: String) throws(SystemCallError) -> String {
    guard let resolved = realpath(path, nil) else {
        throw SystemCallError("realpath", path: path, errno: .current)
    }
    defer { free(resolved) }
    return String(cString: resolved)
}
