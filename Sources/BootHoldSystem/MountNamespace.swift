import CBootHold

/// The identity of a mount namespace: the device and inode of its nsfs file
/// (`/proc/PID/ns/mnt`), the way namespaces(7) says to compare them.
public struct MountNamespace: Equatable, Sendable, CustomStringConvertible {
    public let device: UInt64
    public let inode: UInt64

    /// stat(2) of `/proc/<process>/ns/mnt`; `process` is "self" or a PID.
    public static func of(process: String) throws(SystemCallError) -> MountNamespace {
        let path = "/proc/\(process)/ns/mnt"
        var status = stat()
        _ = try retryingInterrupts("stat", path: path) { stat(path, &status) }
        return MountNamespace(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// As readlink(2) shows it: "mnt:[4026531841]".
    public var description: String { "mnt:[\(inode)]" }
}
