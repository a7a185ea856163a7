import CBootHold

/// Whether a name exists, without following a final symbolic link and without triggering an
/// automount (stat(2) implies AT_NO_AUTOMOUNT since Linux 4.11).
public enum PathPresence: Sendable, Equatable {
    case exists
    case missing

    /// lstat(2); ENOENT and ENOTDIR (a component is not a directory) mean missing.
    public static func of(_ path: String) throws(SystemCallError) -> PathPresence {
        var status = stat()
        while true {
            if lstat(path, &status) == 0 { return .exists }
            let error = Errno.current
            switch error {
            case .interrupted: continue
            case .noSuchFileOrDirectory, .notDirectory: return .missing
            default: throw SystemCallError("stat", path: path, errno: error)
            }
        }
    }
}
