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

/// Names for statfs(2) `f_type` magic numbers, used when the mount table cannot name the file
/// system of an open descriptor.
public enum FileSystemMagic {
    public static func name(_ magic: Int64) -> String {
        switch magic {
        case 0x0187: return "autofs"
        case 0x4d44: return "vfat"
        case 0x5846_5342: return "xfs"
        case 0xEF53: return "ext2/3/4"
        case 0x9123_683E: return "btrfs"
        case 0x0102_1994: return "tmpfs"
        case 0x794C_7630: return "overlay"
        case 0x2FC1_2FC1: return "zfs"
        case 0xF2F5_2010: return "f2fs"
        case 0x6165_676C: return "pstore"
        default: return "f_type 0x" + String(UInt64(bitPattern: magic), radix: 16)
        }
    }
}

/// Reading the mount table text (`/proc/self/mountinfo`, proc(5)) for one mount's type.
public enum MountInfoText {
    /// The file system type of the mount with ID `mountID` (field 1), or nil when absent.
    /// Fields after the " - " separator are: type, source, super options.
    public static func fileSystemType(mountID: Int, in text: String) -> String? {
        let wanted = String(mountID)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ")
            guard fields.first.map(String.init) == wanted else { continue }
            guard let separator = fields.firstIndex(of: "-"), separator + 1 < fields.count else { return nil }
            return String(fields[separator + 1])
        }
        return nil
    }

    /// The `mnt_id:` of a `/proc/self/fdinfo/FD` text (proc(5), Linux ≥ 3.15).
    public static func mountID(fdinfo text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("mnt_id:") {
            return Int(line.dropFirst("mnt_id:".count).drop(while: { $0 == " " || $0 == "\t" }))
        }
        return nil
    }
}
