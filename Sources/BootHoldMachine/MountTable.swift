import BootHoldCore
import BootHoldSystem
import CMount

// Every libmount call of boothold lives in this file, so that the library could later be
// loaded with dlopen(3) without touching anything else.

/// A parsed mount table (mountinfo or fstab) owned by libmount; freed when released.
/// libmount's tables and entries both import as `OpaquePointer`; this type and
/// `MountTableEntry` keep them apart.
public final class MountTable {
    private let table: OpaquePointer
    /// Lines (1-based) libmount could not parse and skipped.
    public private(set) var skippedLines: [Int] = []

    private init(table: OpaquePointer) {
        self.table = table
    }

    deinit {
        mnt_unref_table(table)
    }

    /// mnt_table_parse_file(3): a mountinfo file (format auto-detected) or an fstab file.
    /// Lines libmount cannot parse are skipped, as systemd's fstab-generator skips them.
    public static func parse(file path: String) throws -> MountTable {
        guard let raw = mnt_new_table() else {
            throw SystemCallError("mnt_new_table", path: path, errno: Errno(rawValue: 12 /* ENOMEM */))
        }
        let table = MountTable(table: raw)
        // Without an error callback libmount gives up on the first bad line; a callback that
        // returns a positive value makes it skip the line and go on. It records the line
        // through the table's user data, so callers can tell a clean table from a damaged one.
        mnt_table_set_userdata(raw, Unmanaged.passUnretained(table).toOpaque())
        mnt_table_set_parser_errcb(raw) { tb, _, line in
            if let tb, let owner = mnt_table_get_userdata(tb) {
                Unmanaged<MountTable>.fromOpaque(owner).takeUnretainedValue().skippedLines.append(Int(line))
            }
            return 1
        }
        let result = mnt_table_parse_file(raw, path)
        mnt_table_set_userdata(raw, nil)
        guard result == 0 else {
            throw SystemCallError("parse mount table", path: path, errno: Errno(rawValue: result < 0 ? -result : 22))
        }
        return table
    }

    /// Calls `body` for every entry in file order. An entry is only valid during its call.
    public func forEachEntry(_ body: (MountTableEntry) throws -> Void) rethrows {
        guard let iterator = mnt_new_iter(Int32(MNT_ITER_FORWARD)) else { return }
        defer { mnt_free_iter(iterator) }
        var fs: OpaquePointer? = nil
        while mnt_table_next_fs(table, iterator, &fs) == 0, let entry = fs {
            try body(MountTableEntry(fs: entry))
        }
    }

    /// The rows of a mountinfo table.
    public func mountEntries() -> [MountEntry] {
        var result: [MountEntry] = []
        forEachEntry { entry in
            result.append(MountEntry(target: entry.target, fileSystemType: entry.fileSystemType, source: entry.source))
        }
        return result
    }

    /// The lines of an fstab table (comments and blank lines are not entries).
    public func fstabEntries() -> [FstabEntry] {
        var result: [FstabEntry] = []
        forEachEntry { entry in
            result.append(FstabEntry(
                source: entry.source, target: entry.target,
                fileSystemType: entry.fileSystemType, options: entry.options))
        }
        return result
    }
}

/// One entry of a `MountTable`, borrowed from it: valid only inside `forEachEntry`'s body.
public struct MountTableEntry {
    fileprivate let fs: OpaquePointer

    fileprivate init(fs: OpaquePointer) {
        self.fs = fs
    }

    /// mnt_fs_get_target(3); `\040` and friends are already decoded.
    public var target: String { string(mnt_fs_get_target(fs)) }
    /// mnt_fs_get_fstype(3).
    public var fileSystemType: String { string(mnt_fs_get_fstype(fs)) }
    /// mnt_fs_get_source(3).
    public var source: String { string(mnt_fs_get_source(fs)) }
    /// mnt_fs_get_options(3): the whole option string.
    public var options: String { string(mnt_fs_get_options(fs)) }

    private func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}
