import CBootHold

/// The names in a directory (without "." and ".."), in no particular order.
public enum DirectoryListing {
    /// opendir(3)/readdir(3) on `path`.
    public static func names(at path: String) throws(SystemCallError) -> [String] {
        guard let dir = opendir(path) else { throw SystemCallError("opendir", path: path, errno: .current) }
        defer { closedir(dir) }
        return try readNames(dir, path: path)
    }

    /// Like `names(at:)`, but a missing directory (ENOENT/ENOTDIR) lists as empty.
    public static func namesIfPresent(at path: String) throws(SystemCallError) -> [String] {
        do {
            return try names(at: path)
        } catch where error.errno == .noSuchFileOrDirectory || error.errno == .notDirectory {
            return []
        }
    }

    /// fdopendir(3) on an already open directory descriptor; the descriptor is consumed.
    public static func names(of descriptor: FileDescriptor, path: String) throws(SystemCallError) -> [String] {
        guard let dir = fdopendir(descriptor.rawValue) else {
            let error = Errno.current
            descriptor.close()
            throw SystemCallError("fdopendir", path: path, errno: error)
        }
        defer { closedir(dir) }
        return try readNames(dir, path: path)
    }

    private static func readNames(_ dir: OpaquePointer, path: String) throws(SystemCallError) -> [String] {
        var names: [String] = []
        while true {
            var name: UnsafePointer<CChar>? = nil
            let result = cbh_next_entry_name(UnsafeMutableRawPointer(dir), &name)
            if result == 0 { return names }
            if result < 0 { throw SystemCallError("readdir", path: path, errno: .current) }
            names.append(String(cString: name!))
        }
    }
}
