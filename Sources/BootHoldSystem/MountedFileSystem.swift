import CBootHold
import BootHoldCore

extension FileDescriptor {
    /// The type of the file system this descriptor is on, as the mount table names it
    /// ("vfat", "xfs", "tmpfs"): the descriptor's `mnt_id` from `/proc/self/fdinfo`, looked
    /// up in `/proc/self/mountinfo`. Falls back to a name for the statfs(2) magic number,
    /// which cannot tell ext2/3/4 apart.
    public func mountedFileSystemType(magic: Int64) -> String {
        guard let fdinfo = try? Self.readSmallFile("/proc/self/fdinfo/\(rawValue)"),
              let mountID = MountInfoText.mountID(fdinfo: fdinfo),
              let table = try? Self.readSmallFile("/proc/self/mountinfo"),
              let type = MountInfoText.fileSystemType(mountID: mountID, in: table)
        else { return FileSystemMagic.name(magic) }
        return type
    }

    /// The whole text of a small (procfs) file.
    public static func readSmallFile(_ path: String) throws(SystemCallError) -> String {
        String(decoding: try FileDescriptor.readFile(path, limit: 4 << 20), as: UTF8.self)
    }
}
