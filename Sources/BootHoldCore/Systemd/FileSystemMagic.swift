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
