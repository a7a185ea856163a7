import CBootHold

/// A shared library loaded at run time with dlopen(3), as systemd loads its optional
/// libraries: only the tool that calls libmount (the generator) or libsystemd (finalize)
/// maps it, so the long-running hold stays small (bench/size.sh). The handle is never
/// closed; the library stays loaded until the process exits.
public final class DynamicLibrary: @unchecked Sendable {
    /// The soname it was opened by, e.g. `libmount.so.1`.
    public let soname: String
    private let handle: UnsafeMutableRawPointer

    private init(soname: String, handle: UnsafeMutableRawPointer) {
        self.soname = soname
        self.handle = handle
    }

    /// dlopen(3) with RTLD_NOW | RTLD_LOCAL: every symbol is resolved now, none is exported.
    public static func open(soname: String) throws(DynamicLibraryError) -> DynamicLibrary {
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else {
            throw DynamicLibraryError(soname: soname, symbol: nil, reason: lastError())
        }
        return DynamicLibrary(soname: soname, handle: handle)
    }

    /// dlsym(3), cast to the C function type `type` (a `@convention(c)` function type).
    public func function<Function>(_ name: String, as type: Function.Type) throws(DynamicLibraryError) -> Function {
        _ = dlerror()
        guard let address = dlsym(handle, name) else {
            throw DynamicLibraryError(soname: soname, symbol: name, reason: DynamicLibrary.lastError())
        }
        return unsafeBitCast(address, to: type)
    }

    private static func lastError() -> String {
        guard let message = dlerror() else { return "unknown error" }
        return String(cString: message)
    }
}

/// A library or one of its functions that could not be loaded; names the package to install.
public struct DynamicLibraryError: Error, Equatable, Sendable, CustomStringConvertible {
    public let soname: String
    public let symbol: String?
    public let reason: String

    public init(soname: String, symbol: String?, reason: String) {
        self.soname = soname
        self.symbol = symbol
        self.reason = reason
    }

    public var description: String {
        if let symbol { return "cannot find \(symbol) in \(soname): \(reason)" }
        return "cannot load \(soname) (is it installed?): \(reason)"
    }
}
