import BootHoldSystem

/// systemd's masking test (null_or_empty(), systemd.unit(5)): a symlink to /dev/null, an empty
/// regular file or a character device masks a unit or a drop-in. The one place it is decided,
/// for unit files (`UnitPathProbe`) and drop-ins (`DropInScan`).
enum UnitMask {
    /// Whether the file at `path`, of `status` (not followed), masks what it names.
    static func masks(_ path: String, _ status: FileStatus, under root: MachineRoot) -> Bool {
        switch status.kind {
        case .symbolicLink: return (try? root.linkTarget(path)) == "/dev/null"
        case .regular: return status.size == 0
        case .characterDevice: return true
        case .directory, .other: return false
        }
    }
}
