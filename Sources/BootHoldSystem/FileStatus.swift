import CBootHold

/// What kind of inode a path names.
public enum FileKind: Sendable, Equatable {
    case regular
    case directory
    case symbolicLink
    case characterDevice
    case other
}

/// Whether a status call follows a final symlink.
public enum SymlinkResolution: Sendable {
    case followed
    case notFollowed
}

/// The few fields of stat(2) boothold looks at.
public struct FileStatus: Sendable, Equatable {
    public var kind: FileKind
    public var size: Int64
    /// (st_dev, st_ino): the same directory reached through two names (usrmerge's /lib → usr/lib).
    public var identity: FileIdentity

    /// fstatat(2). The stat family never triggers an automount on the last component (the
    /// kernel implies AT_NO_AUTOMOUNT since Linux 4.11), but walking *through* an automount
    /// point does: callers must not stat below one.
    public static func of(
        _ path: String, symlinks: SymlinkResolution = .notFollowed, relativeTo directory: FileDescriptor? = nil
    ) throws(SystemCallError) -> FileStatus {
        var raw = cbh_file_status()
        let dirfd = directory?.rawValue ?? AT_FDCWD
        _ = try retryingInterrupts("stat", path: path) {
            cbh_stat(dirfd, path, symlinks == .followed ? 1 : 0, &raw)
        }
        let kind: FileKind
        switch Int(raw.kind) {
        case Int(CBH_KIND_REGULAR): kind = .regular
        case Int(CBH_KIND_DIRECTORY): kind = .directory
        case Int(CBH_KIND_SYMLINK): kind = .symbolicLink
        case Int(CBH_KIND_CHARACTER_DEVICE): kind = .characterDevice
        default: kind = .other
        }
        return FileStatus(kind: kind, size: raw.size, identity: FileIdentity(device: raw.device, inode: raw.inode))
    }

    /// Like `of`, but a missing path (ENOENT, or ENOTDIR for a file in the way) is nil.
    public static func ifPresent(
        _ path: String, symlinks: SymlinkResolution = .notFollowed, relativeTo directory: FileDescriptor? = nil
    ) throws(SystemCallError) -> FileStatus? {
        do {
            return try of(path, symlinks: symlinks, relativeTo: directory)
        } catch where error.errno == .noSuchFileOrDirectory || error.errno == .notDirectory {
            return nil
        }
    }
}

/// Device and inode number: equal for two names of one file.
public struct FileIdentity: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64
}
