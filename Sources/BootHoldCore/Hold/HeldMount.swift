/// A mount point the hold keeps busy, and the file system it found there.
public struct HeldMount: Sendable, Equatable {
    public var path: String
    /// "vfat", "xfs", "tmpfs", … as the mount table names it.
    public var fileSystemType: String

    public init(path: String, fileSystemType: String) {
        self.path = path
        self.fileSystemType = fileSystemType
    }

    /// The `STATUS=` systemd shows: "Holding /boot (vfat), /sysroot (xfs)".
    public static func status(_ mounts: [HeldMount]) -> String {
        "Holding " + mounts.map { "\($0.path) (\($0.fileSystemType))" }.joined(separator: ", ")
    }
}
