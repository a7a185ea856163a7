import CBootHold
import BootHoldCore
import BootHoldSystem

/// Learns whether a mount point path is missing, an empty or a non-empty directory, for the
/// gpt-auto rule (systemd's path_is_busy()), without ever triggering an automount.
///
/// This is stricter than "never open P": lstat and an O_PATH open never trigger an automount
/// on the last component, but walking *through* an automount point does, and opening a
/// directory that is a mounted automount resets its idle timer. So a path that is at, or
/// below, an autofs entry of the mount table is not looked at at all, and a directory is only
/// opened for reading after fstatfs on an O_PATH descriptor says it is not autofs. At the
/// first boot-time run no automount is active yet (systemd.generator(7)), so nothing is lost;
/// at a daemon-reload rule 1 (autofs in the mount table) decides before this state matters.
struct MountPointProbe {
    let root: MachineRoot
    let mounts: Reading<[MountEntry]>

    func state(of path: String) -> Reading<MountPointState> {
        guard let mounts = mounts.value else {
            return .unreadable(reason: "not looked at: the mount table is unreadable")
        }
        if let automount = mounts.first(where: { $0.fileSystemType == "autofs" && Self.isAtOrBelow(path, $0.target) }) {
            return .unreadable(reason: "not looked at: autofs at \(automount.target)")
        }
        let hostPath = root.hostPath(path)
        do {
            guard let status = try FileStatus.ifPresent(hostPath) else { return .value(.missing) }
            guard status.kind == .directory else { return .value(.notDirectory) }
            let pathDescriptor = try FileDescriptor.openPath(hostPath, extraFlags: O_NOFOLLOW | O_DIRECTORY)
            let type = try pathDescriptor.closeAfter { () throws(SystemCallError) in try pathDescriptor.fileSystemType() }
            guard type != autofsSuperMagic else {
                return .unreadable(reason: "not looked into: it is an autofs mount point")
            }
            // Not autofs: reading the entries of an ordinary directory cannot trigger anything.
            let directory = try FileDescriptor.open(hostPath, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
            let names = try DirectoryListing.names(of: directory, path: hostPath)
            return .value(names.isEmpty ? .emptyDirectory : .nonEmptyDirectory)
        } catch {
            return .unreadable(reason: root.describe(error))
        }
    }

    /// Whether `path` is `ancestor` or below it (both normalized absolute paths).
    static func isAtOrBelow(_ path: String, _ ancestor: String) -> Bool {
        if ancestor == "/" { return true }
        return path == ancestor || path.hasPrefix(ancestor + "/")
    }
}
