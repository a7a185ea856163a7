import BootHoldCore
import BootHoldSystem
import CMount

// Every libmount call of boothold lives in this file and in FileSystemMount.swift (the
// mount boothold-finalize makes when nothing else serves a path). libmount is loaded with
// dlopen(3) by the first call, not linked: the tools are one executable, and the hold
// must not map libmount and its dependencies (bench/size.sh); boothold-finalize maps it only
// when it mounts a path itself. CMount provides the constants only; its module map links
// nothing.

/// libmount's functions, resolved once, when the generator first parses a table.
private struct LibMount: @unchecked Sendable {
    typealias ParserErrorCallback = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32

    let newTable: @convention(c) () -> OpaquePointer?
    let unrefTable: @convention(c) (OpaquePointer?) -> Void
    let setUserData: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32
    let getUserData: @convention(c) (OpaquePointer?) -> UnsafeMutableRawPointer?
    let setParserErrorCallback: @convention(c) (OpaquePointer?, ParserErrorCallback?) -> Int32
    let parseFile: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    let newIterator: @convention(c) (Int32) -> OpaquePointer?
    let freeIterator: @convention(c) (OpaquePointer?) -> Void
    let nextEntry: @convention(c) (OpaquePointer?, OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    let target: @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    let fileSystemType: @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    let source: @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    let options: @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?

    private init(_ library: DynamicLibrary) throws(DynamicLibraryError) {
        newTable = try library.function("mnt_new_table", as: type(of: newTable))
        unrefTable = try library.function("mnt_unref_table", as: type(of: unrefTable))
        setUserData = try library.function("mnt_table_set_userdata", as: type(of: setUserData))
        getUserData = try library.function("mnt_table_get_userdata", as: type(of: getUserData))
        setParserErrorCallback = try library.function("mnt_table_set_parser_errcb", as: type(of: setParserErrorCallback))
        parseFile = try library.function("mnt_table_parse_file", as: type(of: parseFile))
        newIterator = try library.function("mnt_new_iter", as: type(of: newIterator))
        freeIterator = try library.function("mnt_free_iter", as: type(of: freeIterator))
        nextEntry = try library.function("mnt_table_next_fs", as: type(of: nextEntry))
        target = try library.function("mnt_fs_get_target", as: type(of: target))
        fileSystemType = try library.function("mnt_fs_get_fstype", as: type(of: fileSystemType))
        source = try library.function("mnt_fs_get_source", as: type(of: source))
        options = try library.function("mnt_fs_get_options", as: type(of: options))
    }

    /// The library, or why it could not be loaded (libmount1 missing).
    static let loaded = Result { () throws(DynamicLibraryError) in try LibMount(DynamicLibrary.open(soname: "libmount.so.1")) }
}

/// A parsed mount table (mountinfo or fstab) owned by libmount; freed when released.
/// libmount's tables and entries both import as `OpaquePointer`; this type and
/// `MountTableEntry` keep them apart.
public final class MountTable {
    private let table: OpaquePointer
    /// Lines (1-based) libmount could not parse and skipped.
    public private(set) var skippedLines: [Int] = []

    private let libmount: LibMount

    private init(table: OpaquePointer, libmount: LibMount) {
        self.table = table
        self.libmount = libmount
    }

    deinit {
        libmount.unrefTable(table)
    }

    /// mnt_table_parse_file(3): a mountinfo file (format auto-detected) or an fstab file.
    /// Lines libmount cannot parse are skipped, as systemd's fstab-generator skips them.
    public static func parse(file path: String) throws(SystemCallError) -> MountTable {
        let libmount = try LibMount.loaded.mapError { SystemCallError($0) }.get()
        guard let raw = libmount.newTable() else {
            throw SystemCallError("mnt_new_table", path: path, errno: Errno(rawValue: 12 /* ENOMEM */))
        }
        let table = MountTable(table: raw, libmount: libmount)
        // Without an error callback libmount gives up on the first bad line; a callback that
        // returns a positive value makes it skip the line and go on. It records the line
        // through the table's user data, so callers can tell a clean table from a damaged one.
        _ = libmount.setUserData(raw, Unmanaged.passUnretained(table).toOpaque())
        // A C callback captures nothing: it finds the library through the loaded global.
        _ = libmount.setParserErrorCallback(raw) { tb, _, line in
            if let tb, case .success(let libmount) = LibMount.loaded, let owner = libmount.getUserData(tb) {
                Unmanaged<MountTable>.fromOpaque(owner).takeUnretainedValue().skippedLines.append(Int(line))
            }
            return 1
        }
        let result = libmount.parseFile(raw, path)
        _ = libmount.setUserData(raw, nil)
        guard result == 0 else {
            throw SystemCallError("parse mount table", path: path, errno: Errno(rawValue: result < 0 ? -result : 22))
        }
        return table
    }

    /// Calls `body` for every entry in file order. An entry is only valid during its call.
    public func forEachEntry(_ body: (MountTableEntry) -> Void) {
        guard let iterator = libmount.newIterator(Int32(MNT_ITER_FORWARD)) else { return }
        defer { libmount.freeIterator(iterator) }
        var fs: OpaquePointer? = nil
        while libmount.nextEntry(table, iterator, &fs) == 0, let entry = fs {
            body(MountTableEntry(fs: entry, libmount: libmount))
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
    private let libmount: LibMount

    fileprivate init(fs: OpaquePointer, libmount: LibMount) {
        self.fs = fs
        self.libmount = libmount
    }

    /// mnt_fs_get_target(3); `\040` and friends are already decoded.
    public var target: String { string(libmount.target(fs)) }
    /// mnt_fs_get_fstype(3).
    public var fileSystemType: String { string(libmount.fileSystemType(fs)) }
    /// mnt_fs_get_source(3).
    public var source: String { string(libmount.source(fs)) }
    /// mnt_fs_get_options(3): the whole option string.
    public var options: String { string(libmount.options(fs)) }

    private func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}
