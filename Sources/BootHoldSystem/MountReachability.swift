#if canImport(Glibc)
import Glibc
#endif
import CBootHold

/// Whether a path a finalization needs is really there: opened as a directory from this
/// process's mount namespace (which triggers an automount) and checked afterwards.
public enum MountReachability: Sendable, Equatable {
    /// A file system other than autofs is mounted at the path.
    case mounted(fileSystemType: Int64)
    /// The path still shows autofs after opening it: nothing was mounted on the automount.
    case stillAutomount
    /// The path is a plain directory, not the root of any mount.
    case notMountPoint
    /// open(2) failed; `errno` says why (EHOSTDOWN: systemd refused the automount).
    case openFailed(Errno)

    /// Opens `path` (O_RDONLY|O_DIRECTORY, following symlinks, so it is a real access that
    /// autofs sees) and inspects the open directory.
    public static func probe(_ path: String) -> MountReachability {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, flags: O_RDONLY | O_DIRECTORY)
        } catch let error as SystemCallError {
            return .openFailed(error.errno)
        } catch {
            return .openFailed(.invalidArgument)
        }
        defer { fd.close() }
        let type: Int64
        do {
            type = try fd.fileSystemType()
        } catch let error as SystemCallError {
            return .openFailed(error.errno)
        } catch {
            return .openFailed(.invalidArgument)
        }
        if type == autofsSuperMagic { return .stillAutomount }
        // Kernels without STATX_ATTR_MOUNT_ROOT (< 5.8): trust the file system type alone.
        if cbhf_is_mount_root(fd.rawValue) == 0 { return .notMountPoint }
        return .mounted(fileSystemType: type)
    }
}
