// Every sd-bus call of boothold lives in this file. libsystemd is loaded with dlopen(3) by the
// first connection, not linked (see Journal.swift): only the tools that ask PID 1 map it.
#if canImport(Glibc)
import Glibc
#endif
import BootHoldSystem
import CSystemd

/// sd-bus's functions, resolved once. Only non-variadic calls: Swift cannot call a C
/// variadic function through a pointer, so a method call is built with
/// sd_bus_message_append_basic(3) instead of sd_bus_call_method(3).
private struct LibSystemdBus: @unchecked Sendable {
    typealias Bus = OpaquePointer
    typealias Message = OpaquePointer
    let new: @convention(c) (UnsafeMutablePointer<Bus?>?) -> Int32
    let setAddress: @convention(c) (Bus?, UnsafePointer<CChar>?) -> Int32
    let start: @convention(c) (Bus?) -> Int32
    let openSystem: @convention(c) (UnsafeMutablePointer<Bus?>?) -> Int32
    let flushCloseUnref: @convention(c) (Bus?) -> Bus?
    let setMethodCallTimeout: @convention(c) (Bus?, UInt64) -> Int32
    let newMethodCall: @convention(c) (Bus?, UnsafeMutablePointer<Message?>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
                                       UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    let appendBasic: @convention(c) (Message?, CChar, UnsafeRawPointer?) -> Int32
    let call: @convention(c) (Bus?, Message?, UInt64, UnsafeMutablePointer<sd_bus_error>?, UnsafeMutablePointer<Message?>?) -> Int32
    let readBasic: @convention(c) (Message?, CChar, UnsafeMutableRawPointer?) -> Int32
    let messageUnref: @convention(c) (Message?) -> Message?
    let getPropertyString: @convention(c) (Bus?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
                                           UnsafePointer<CChar>?, UnsafeMutablePointer<sd_bus_error>?,
                                           UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    let getPropertyStrv: @convention(c) (Bus?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
                                         UnsafePointer<CChar>?, UnsafeMutablePointer<sd_bus_error>?,
                                         UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32
    let getPropertyTrivial: @convention(c) (Bus?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
                                            UnsafePointer<CChar>?, UnsafeMutablePointer<sd_bus_error>?, CChar,
                                            UnsafeMutableRawPointer?) -> Int32
    let errorFree: @convention(c) (UnsafeMutablePointer<sd_bus_error>?) -> Void

    private init(_ library: DynamicLibrary) throws {
        new = try library.function("sd_bus_new", as: type(of: new))
        setAddress = try library.function("sd_bus_set_address", as: type(of: setAddress))
        start = try library.function("sd_bus_start", as: type(of: start))
        openSystem = try library.function("sd_bus_open_system", as: type(of: openSystem))
        flushCloseUnref = try library.function("sd_bus_flush_close_unref", as: type(of: flushCloseUnref))
        setMethodCallTimeout = try library.function("sd_bus_set_method_call_timeout", as: type(of: setMethodCallTimeout))
        newMethodCall = try library.function("sd_bus_message_new_method_call", as: type(of: newMethodCall))
        appendBasic = try library.function("sd_bus_message_append_basic", as: type(of: appendBasic))
        call = try library.function("sd_bus_call", as: type(of: call))
        readBasic = try library.function("sd_bus_message_read_basic", as: type(of: readBasic))
        messageUnref = try library.function("sd_bus_message_unref", as: type(of: messageUnref))
        getPropertyString = try library.function("sd_bus_get_property_string", as: type(of: getPropertyString))
        getPropertyStrv = try library.function("sd_bus_get_property_strv", as: type(of: getPropertyStrv))
        getPropertyTrivial = try library.function("sd_bus_get_property_trivial", as: type(of: getPropertyTrivial))
        errorFree = try library.function("sd_bus_error_free", as: type(of: errorFree))
    }

    static let loaded = Result { try LibSystemdBus(DynamicLibrary.open(soname: "libsystemd.so.0")) }
}

/// A D-Bus error or a failed sd-bus call: the call, the bus error's name and message when
/// there is one, else the errno.
public struct BusError: Error, Equatable, Sendable, CustomStringConvertible {
    public let operation: String
    public let errno: Errno
    /// e.g. "org.freedesktop.systemd1.NoSuchUnit"; "" when the failure was not a D-Bus error.
    public let name: String
    public let message: String

    public var description: String {
        name.isEmpty ? "\(operation): \(errno)" : "\(operation): \(message.isEmpty ? name : message)"
    }
}

/// A connection to PID 1 (org.freedesktop.systemd1). Prefers PID 1's private socket, which
/// answers until the very end of shutdown (dbus-daemon is stopped long before the finalize
/// unit) and needs no bus daemon at all; falls back to the system bus. Not thread-safe; one
/// per process, closed on deinit.
public final class SystemdBus {
    private let library: LibSystemdBus
    private let bus: OpaquePointer
    /// Every method call and property read gives up after this long.
    public static let callTimeoutMicroseconds: UInt64 = 5_000_000

    /// `address` overrides where to connect (a D-Bus address, e.g. `unix:path=/run/x`).
    public init(address: String? = nil) throws {
        let library = try LibSystemdBus.loaded.get()
        self.library = library
        let privateSocket = "/run/systemd/private"
        var handle: OpaquePointer?
        if let address = address ?? (access(privateSocket, F_OK) == 0 ? "unix:path=" + privateSocket : nil) {
            try SystemdBus.check("sd_bus_new", library.new(&handle))
            var result = address.withCString { library.setAddress(handle, $0) }
            if result >= 0 { result = library.start(handle) }
            guard result >= 0 else {
                _ = library.flushCloseUnref(handle)
                throw BusError(operation: "connecting to \(address)", errno: Errno(rawValue: -result), name: "", message: "")
            }
        } else {
            try SystemdBus.check("connecting to the system bus", library.openSystem(&handle))
        }
        guard let handle else { throw BusError(operation: "sd_bus_new", errno: Errno(rawValue: EIO), name: "", message: "") }
        bus = handle
        _ = library.setMethodCallTimeout(bus, SystemdBus.callTimeoutMicroseconds)
    }

    deinit { _ = library.flushCloseUnref(bus) }

    private static func check(_ operation: String, _ result: Int32) throws {
        guard result >= 0 else { throw BusError(operation: operation, errno: Errno(rawValue: -result), name: "", message: "") }
    }

    /// Runs `body` with a fresh sd_bus_error and turns a negative result into a BusError.
    private func withError<T>(_ operation: String, _ body: (UnsafeMutablePointer<sd_bus_error>) -> (Int32, T)) throws -> T {
        var error = sd_bus_error(name: nil, message: nil, _need_free: 0)
        defer { library.errorFree(&error) }
        let (result, value) = body(&error)
        guard result >= 0 else {
            throw BusError(operation: operation, errno: Errno(rawValue: -result),
                           name: error.name.map { String(cString: $0) } ?? "", message: error.message.map { String(cString: $0) } ?? "")
        }
        return value
    }

    /// org.freedesktop.systemd1.Manager.LoadUnit(name) → the unit's object path. Loads the unit
    /// if it is not loaded yet; a unit without a file comes back with LoadState "not-found".
    public func loadUnit(_ name: String) throws -> String {
        var message: OpaquePointer?
        try SystemdBus.check("sd_bus_message_new_method_call", library.newMethodCall(
            bus, &message, "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "LoadUnit"))
        defer { _ = library.messageUnref(message) }
        try SystemdBus.check("sd_bus_message_append_basic", name.withCString { library.appendBasic(message, CChar(UInt8(ascii: "s")), $0) })
        let reply: OpaquePointer? = try withError("LoadUnit(\(name))") { error in
            var reply: OpaquePointer?
            let result = library.call(bus, message, 0, error, &reply)
            return (result, reply)
        }
        defer { _ = library.messageUnref(reply) }
        var path: UnsafePointer<CChar>?
        try SystemdBus.check("reading LoadUnit's reply", library.readBasic(reply, CChar(UInt8(ascii: "o")), &path))
        return path.map { String(cString: $0) } ?? ""
    }

    /// A string property (`s` or `o`) of `interface` at `path`.
    public func string(_ path: String, _ interface: String, _ property: String) throws -> String {
        try withError("reading \(property)") { error in
            var value: UnsafeMutablePointer<CChar>?
            let result = library.getPropertyString(bus, "org.freedesktop.systemd1", path, interface, property, error, &value)
            defer { free(value) }
            return (result, value.map { String(cString: $0) } ?? "")
        }
    }

    /// A string-array property (`as`).
    public func strings(_ path: String, _ interface: String, _ property: String) throws -> [String] {
        try withError("reading \(property)") { error in
            var value: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
            let result = library.getPropertyStrv(bus, "org.freedesktop.systemd1", path, interface, property, error, &value)
            var strings: [String] = []
            if let value {
                var i = 0
                while let item = value[i] {
                    strings.append(String(cString: item))
                    free(item)
                    i += 1
                }
                free(value)
            }
            return (result, strings)
        }
    }

    /// A `u` property.
    public func uint32(_ path: String, _ interface: String, _ property: String) throws -> UInt32 {
        try trivial(path, interface, property, type: "u", initial: UInt32(0))
    }

    /// A `t` property.
    public func uint64(_ path: String, _ interface: String, _ property: String) throws -> UInt64 {
        try trivial(path, interface, property, type: "t", initial: UInt64(0))
    }

    private func trivial<T>(_ path: String, _ interface: String, _ property: String, type: Unicode.Scalar, initial: T) throws -> T {
        try withError("reading \(property)") { error in
            var value = initial
            let result = withUnsafeMutableBytes(of: &value) { bytes in
                library.getPropertyTrivial(bus, "org.freedesktop.systemd1", path, interface, property, error,
                                           CChar(UInt8(ascii: type)), bytes.baseAddress)
            }
            return (result, value)
        }
    }
}
