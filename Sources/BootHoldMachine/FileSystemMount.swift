import CBootHold
import BootHoldCore
import BootHoldSystem
import CMount

// boothold-finalize's libmount calls: the own mount of a path nothing else serves. libmount is
// loaded with dlopen(3) by the first call (see MountTable.swift): the hold never maps it.

/// libmount's mount context functions, resolved once, when boothold-finalize first mounts.
private struct LibMountContext: @unchecked Sendable {
    typealias Context = OpaquePointer
    typealias CString = UnsafePointer<CChar>

    let newContext: @convention(c) () -> Context?
    let freeContext: @convention(c) (Context?) -> Void
    let setSource: @convention(c) (Context?, CString?) -> Int32
    let setTarget: @convention(c) (Context?, CString?) -> Int32
    let setFileSystemType: @convention(c) (Context?, CString?) -> Int32
    let setOptions: @convention(c) (Context?, CString?) -> Int32
    let setOptionsMode: @convention(c) (Context?, Int32) -> Int32
    let disableHelpers: @convention(c) (Context?, Int32) -> Int32
    let disableMtab: @convention(c) (Context?, Int32) -> Int32
    let disableCanonicalize: @convention(c) (Context?, Int32) -> Int32
    let mount: @convention(c) (Context?) -> Int32
    let exitCode: @convention(c) (Context?, Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32
    let detectType: @convention(c) (CString?, UnsafeMutablePointer<Int32>?, OpaquePointer?) -> UnsafeMutablePointer<CChar>?

    private init(_ library: DynamicLibrary) throws(DynamicLibraryError) {
        newContext = try library.function("mnt_new_context", as: type(of: newContext))
        freeContext = try library.function("mnt_free_context", as: type(of: freeContext))
        setSource = try library.function("mnt_context_set_source", as: type(of: setSource))
        setTarget = try library.function("mnt_context_set_target", as: type(of: setTarget))
        setFileSystemType = try library.function("mnt_context_set_fstype", as: type(of: setFileSystemType))
        setOptions = try library.function("mnt_context_set_options", as: type(of: setOptions))
        setOptionsMode = try library.function("mnt_context_set_optsmode", as: type(of: setOptionsMode))
        disableHelpers = try library.function("mnt_context_disable_helpers", as: type(of: disableHelpers))
        disableMtab = try library.function("mnt_context_disable_mtab", as: type(of: disableMtab))
        disableCanonicalize = try library.function("mnt_context_disable_canonicalize", as: type(of: disableCanonicalize))
        mount = try library.function("mnt_context_mount", as: type(of: mount))
        exitCode = try library.function("mnt_context_get_excode", as: type(of: exitCode))
        detectType = try library.function("mnt_get_fstype", as: type(of: detectType))
    }

    static let loaded = Result { () throws(DynamicLibraryError) in try LibMountContext(DynamicLibrary.open(soname: "libmount.so.1")) }
}

/// A mount that failed, in libmount's words ("wrong fs type, bad option, bad superblock on
/// /dev/loop0, missing codepage or helper program, or other error").
public struct FileSystemMountError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Mounting one block device's file system, the way mount(8) would for the unit's What=,
/// Type= and Options=, minus everything that could do more than that.
public enum FileSystemMount {
    /// mnt_get_fstype(3): the file system type blkid finds on `device`. Throws when there is
    /// none, or more than one candidate (ambiguous): then nothing is mounted.
    public static func detectType(of device: String) throws(FileSystemMountError) -> String {
        let libmount = try LibMountContext.loaded.mapError { FileSystemMountError($0.description) }.get()
        var ambiguous: Int32 = 0
        guard let found = libmount.detectType(device, &ambiguous, nil) else {
            throw FileSystemMountError("no file system type could be detected on \(device)")
        }
        defer { free(found) }
        guard ambiguous == 0 else {
            throw FileSystemMountError("the file system type on \(device) is ambiguous (\(String(cString: found))?)")
        }
        return String(cString: found)
    }

    /// mnt_context_mount(3) of `source` (type `type`, `options` as mount(8) takes them) on
    /// `target`, with mount helpers disabled (no /sbin/mount.TYPE: no fsck, no network, no
    /// loop set-up by a helper), no fstab or mtab read (both source and target are given and
    /// the options mode is MNT_OMODE_NOTAB), no utab written, and no canonicalization of
    /// either path (realpath(3) of the target could walk into an automount).
    public static func mount(source: String, target: String, type: String, options: String) throws(FileSystemMountError) {
        let libmount = try LibMountContext.loaded.mapError { FileSystemMountError($0.description) }.get()
        guard let context = libmount.newContext() else {
            throw FileSystemMountError("mnt_new_context: \(Errno(rawValue: ENOMEM))")
        }
        defer { libmount.freeContext(context) }
        let steps: [(String, Int32)] = [
            ("mnt_context_disable_helpers", libmount.disableHelpers(context, 1)),
            ("mnt_context_disable_mtab", libmount.disableMtab(context, 1)),
            ("mnt_context_disable_canonicalize", libmount.disableCanonicalize(context, 1)),
            ("mnt_context_set_optsmode", libmount.setOptionsMode(context, Int32(MNT_OMODE_NOTAB | MNT_OMODE_IGNORE))),
            ("mnt_context_set_source", libmount.setSource(context, source)),
            ("mnt_context_set_target", libmount.setTarget(context, target)),
            ("mnt_context_set_fstype", libmount.setFileSystemType(context, type)),
            ("mnt_context_set_options", options.isEmpty ? 0 : libmount.setOptions(context, options)),
        ]
        for (call, result) in steps where result != 0 {
            throw FileSystemMountError("\(call): \(Errno(rawValue: result < 0 ? -result : result))")
        }
        let result = libmount.mount(context)
        guard result != 0 else { return }
        var buffer = [CChar](repeating: 0, count: 512)
        _ = libmount.exitCode(context, result, &buffer, buffer.count)
        let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        throw FileSystemMountError(message.isEmpty ? "mnt_context_mount failed (\(result))" : message)
    }
}
