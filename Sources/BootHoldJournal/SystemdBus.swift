// boothold-finalize's sd-bus calls, beside its journal calls: libsystemd is loaded with
// dlopen(3) by the first call, never linked, so the hold (the same executable) never maps it.
//
// Why D-Bus and not the unit file: what boothold-finalize may mount is exactly what PID 1
// would mount for the path — the mount unit's What=, Type= and Options= *as systemd loaded
// them*: fstab lines turned into units by systemd-fstab-generator (escapes and UUID= resolved
// into /dev/disk/by-uuid/…), gpt-auto's generated units, drop-ins that override What= or
// Options=, and whether the unit is masked or failed to load. Re-reading FragmentPath would
// mean reimplementing systemd's unit loading (precedence, drop-ins, specifiers) and could
// disagree with it. Late in shutdown dbus-daemon is gone, so PID 1 is asked directly over
// its private socket, as systemctl does.
import CBootHold
import BootHoldCore
import BootHoldSystem

/// libsystemd's sd-bus functions, resolved once, when boothold-finalize first asks PID 1.
private struct LibSystemdBus: @unchecked Sendable {
    typealias Bus = OpaquePointer
    typealias Message = OpaquePointer
    typealias CString = UnsafePointer<CChar>

    let new: @convention(c) (UnsafeMutablePointer<Bus?>?) -> Int32
    let setAddress: @convention(c) (Bus?, CString?) -> Int32
    let start: @convention(c) (Bus?) -> Int32
    let openSystem: @convention(c) (UnsafeMutablePointer<Bus?>?) -> Int32
    let isReady: @convention(c) (Bus?) -> Int32
    let process: @convention(c) (Bus?, UnsafeMutablePointer<Message?>?) -> Int32
    let wait: @convention(c) (Bus?, UInt64) -> Int32
    let setMethodCallTimeout: @convention(c) (Bus?, UInt64) -> Int32
    let flushCloseUnref: @convention(c) (Bus?) -> Bus?
    let close: @convention(c) (Bus?) -> Void
    let unref: @convention(c) (Bus?) -> Bus?
    let newMethodCall: @convention(c) (Bus?, UnsafeMutablePointer<Message?>?, CString?, CString?, CString?, CString?) -> Int32
    let appendBasic: @convention(c) (Message?, CChar, UnsafeRawPointer?) -> Int32
    let call: @convention(c) (Bus?, Message?, UInt64, UnsafeMutablePointer<cbh_sd_bus_error>?, UnsafeMutablePointer<Message?>?) -> Int32
    let readBasic: @convention(c) (Message?, CChar, UnsafeMutableRawPointer?) -> Int32
    let messageUnref: @convention(c) (Message?) -> Message?
    let getPropertyString: @convention(c) (
        Bus?, CString?, CString?, CString?, CString?, UnsafeMutablePointer<cbh_sd_bus_error>?,
        UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    let getPropertyStrv: @convention(c) (
        Bus?, CString?, CString?, CString?, CString?, UnsafeMutablePointer<cbh_sd_bus_error>?,
        UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32
    let getPropertyTrivial: @convention(c) (
        Bus?, CString?, CString?, CString?, CString?, UnsafeMutablePointer<cbh_sd_bus_error>?, CChar, UnsafeMutableRawPointer?) -> Int32
    let errorFree: @convention(c) (UnsafeMutablePointer<cbh_sd_bus_error>?) -> Void

    private init(_ library: DynamicLibrary) throws(DynamicLibraryError) {
        new = try library.function("sd_bus_new", as: type(of: new))
        setAddress = try library.function("sd_bus_set_address", as: type(of: setAddress))
        start = try library.function("sd_bus_start", as: type(of: start))
        openSystem = try library.function("sd_bus_open_system", as: type(of: openSystem))
        isReady = try library.function("sd_bus_is_ready", as: type(of: isReady))
        process = try library.function("sd_bus_process", as: type(of: process))
        wait = try library.function("sd_bus_wait", as: type(of: wait))
        setMethodCallTimeout = try library.function("sd_bus_set_method_call_timeout", as: type(of: setMethodCallTimeout))
        flushCloseUnref = try library.function("sd_bus_flush_close_unref", as: type(of: flushCloseUnref))
        close = try library.function("sd_bus_close", as: type(of: close))
        unref = try library.function("sd_bus_unref", as: type(of: unref))
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

    /// The library, or why it could not be loaded (libsystemd0 missing, or older than 240).
    static let loaded = Result { () throws(DynamicLibraryError) in try LibSystemdBus(DynamicLibrary.open(soname: "libsystemd.so.0")) }
}

/// A failed sd-bus call: which call, its errno and, when the peer answered with one, the
/// D-Bus error: "LoadUnit boot.mount: Connection timed out".
public struct SystemdBusError: Error, Equatable, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Errno
    /// `org.freedesktop.systemd1.NoSuchUnit: Unit boot.mount not found.`
    public let busError: String?

    init(_ call: String, result: Int32, error: cbh_sd_bus_error? = nil) {
        self.call = call
        self.errno = Errno(rawValue: result < 0 ? -result : result)
        if let error, let name = error.name {
            busError = String(cString: name) + (error.message.map { ": " + String(cString: $0) } ?? "")
        } else {
            busError = nil
        }
    }

    /// libsystemd, or one of its functions, could not be loaded: nothing was called.
    init(library error: DynamicLibraryError) {
        self.call = "dlopen \(error.soname)"
        self.errno = Errno(rawValue: ELIBACC)
        self.busError = error.description
    }

    public var description: String {
        "\(call): " + (busError ?? errno.description)
    }
}

/// A connection to PID 1 (systemd's manager object), bounded in time: every call gives up at
/// the deadline it is handed, so a PID 1 that does not answer costs no more than that.
public final class SystemdBus {
    /// PID 1's private socket: a direct connection, no dbus-daemon (stopped early in shutdown).
    public static let privateAddress = "unix:path=/run/systemd/private"

    private let libsystemd: LibSystemdBus
    private let bus: OpaquePointer
    /// Where it is connected: `/run/systemd/private` or "the system bus".
    public let endpoint: String
    private var ready = false

    private init(libsystemd: LibSystemdBus, bus: OpaquePointer, endpoint: String) {
        self.libsystemd = libsystemd
        self.bus = bus
        self.endpoint = endpoint
    }

    deinit {
        // sd_bus_flush() first waits for the connection to be set up, with no bound of ours:
        // only a connection that got there is flushed; any other is just closed.
        if ready {
            _ = libsystemd.flushCloseUnref(bus)
        } else {
            libsystemd.close(bus)
            _ = libsystemd.unref(bus)
        }
    }

    /// sd_bus_new + sd_bus_set_address(/run/systemd/private) + sd_bus_start; when the private
    /// socket is absent (ENOENT, ECONNREFUSED), sd_bus_open_system. Then waits, no longer than
    /// `deadline`, for authentication (and Hello, on the system bus) to finish.
    public static func connect(until deadline: Deadline) throws(SystemdBusError) -> SystemdBus {
        let libsystemd = try LibSystemdBus.loaded.mapError { SystemdBusError(library: $0) }.get()
        var raw: OpaquePointer?
        var result = libsystemd.new(&raw)
        guard result >= 0, let created = raw else { throw SystemdBusError("sd_bus_new", result: result) }
        result = libsystemd.setAddress(created, privateAddress)
        if result >= 0 { result = libsystemd.start(created) }
        let connection: SystemdBus
        if result >= 0 {
            connection = SystemdBus(libsystemd: libsystemd, bus: created, endpoint: "/run/systemd/private")
        } else {
            let privateError = SystemdBusError("sd_bus_start /run/systemd/private", result: result)
            libsystemd.close(created)
            _ = libsystemd.unref(created)
            guard privateError.errno == .noSuchFileOrDirectory || privateError.errno == Errno(rawValue: ECONNREFUSED) else {
                throw privateError
            }
            var system: OpaquePointer?
            let opened = libsystemd.openSystem(&system)
            guard opened >= 0, let systemBus = system else {
                throw SystemdBusError("\(privateError); sd_bus_open_system", result: opened)
            }
            connection = SystemdBus(libsystemd: libsystemd, bus: systemBus, endpoint: "the system bus")
        }
        try connection.waitUntilReady(until: deadline)
        return connection
    }

    private func waitUntilReady(until deadline: Deadline) throws(SystemdBusError) {
        while true {
            let isReady = libsystemd.isReady(bus)
            if isReady < 0 { throw SystemdBusError("sd_bus_is_ready", result: isReady) }
            if isReady > 0 { ready = true; return }
            let processed = libsystemd.process(bus, nil)
            if processed < 0 { throw SystemdBusError("sd_bus_process", result: processed) }
            if processed > 0 { continue }
            let left = try remaining(deadline, call: "connecting to \(endpoint)")
            let waited = libsystemd.wait(bus, left)
            if waited < 0, waited != -EINTR { throw SystemdBusError("sd_bus_wait", result: waited) }
        }
    }

    /// Microseconds until `deadline` (at least 1: sd-bus reads 0 as "its default"); throws
    /// ETIMEDOUT once it has passed.
    private func remaining(_ deadline: Deadline, call: String) throws(SystemdBusError) -> UInt64 {
        let left = deadline.remaining()
        if left.isInfinite { return UInt64.max }
        guard left.microseconds > 0 else { throw SystemdBusError(call, result: -ETIMEDOUT) }
        return left.microseconds
    }

    /// org.freedesktop.systemd1.Manager.LoadUnit(name) → the unit's object path. Loads a
    /// unit that is not loaded yet (as `systemctl show` does), so an unknown name answers
    /// with LoadState=not-found instead of an error.
    public func loadUnit(_ name: String, until deadline: Deadline) throws(SystemdBusError) -> String {
        let call = "LoadUnit \(name)"
        var message: OpaquePointer?
        var result = libsystemd.newMethodCall(
            bus, &message, "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "LoadUnit")
        guard result >= 0, let request = message else { throw SystemdBusError(call, result: result) }
        defer { _ = libsystemd.messageUnref(request) }
        result = name.withCString { libsystemd.appendBasic(request, CChar(UInt8(ascii: "s")), $0) }
        guard result >= 0 else { throw SystemdBusError(call, result: result) }

        var error = cbh_sd_bus_error()
        defer { libsystemd.errorFree(&error) }
        var reply: OpaquePointer?
        result = libsystemd.call(bus, request, try remaining(deadline, call: call), &error, &reply)
        defer { if let reply { _ = libsystemd.messageUnref(reply) } }
        guard result >= 0, let answer = reply else { throw SystemdBusError(call, result: result, error: error) }
        // The string belongs to the reply: copied before the reply is released.
        var path: UnsafePointer<CChar>?
        result = libsystemd.readBasic(answer, CChar(UInt8(ascii: "o")), &path)
        guard result > 0, let path else { throw SystemdBusError("\(call): reading the reply", result: result < 0 ? result : -EBADMSG) }
        return String(cString: path)
    }

    /// org.freedesktop.DBus.Properties.Get of a string property (sd_bus_get_property_string).
    public func stringProperty(_ property: String, interface: String, of objectPath: String, until deadline: Deadline) throws(SystemdBusError) -> String {
        let call = "Get \(interface.split(separator: ".").last ?? "").\(property)"
        // sd_bus_get_property_string() calls with the bus's method call timeout.
        let timeout = libsystemd.setMethodCallTimeout(bus, try remaining(deadline, call: call))
        guard timeout >= 0 else { throw SystemdBusError("sd_bus_set_method_call_timeout", result: timeout) }
        var error = cbh_sd_bus_error()
        defer { libsystemd.errorFree(&error) }
        var value: UnsafeMutablePointer<CChar>?
        let result = libsystemd.getPropertyString(bus, "org.freedesktop.systemd1", objectPath, interface, property, &error, &value)
        defer { free(value) }
        guard result >= 0, let value else { throw SystemdBusError(call, result: result, error: error) }
        return String(cString: value)
    }

    /// A string-array property (`as`, sd_bus_get_property_strv).
    public func stringsProperty(_ property: String, interface: String, of objectPath: String, until deadline: Deadline) throws(SystemdBusError) -> [String] {
        let call = "Get \(interface.split(separator: ".").last ?? "").\(property)"
        let timeout = libsystemd.setMethodCallTimeout(bus, try remaining(deadline, call: call))
        guard timeout >= 0 else { throw SystemdBusError("sd_bus_set_method_call_timeout", result: timeout) }
        var error = cbh_sd_bus_error()
        defer { libsystemd.errorFree(&error) }
        var value: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        let result = libsystemd.getPropertyStrv(bus, "org.freedesktop.systemd1", objectPath, interface, property, &error, &value)
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
        guard result >= 0 else { throw SystemdBusError(call, result: result, error: error) }
        return strings
    }

    /// A `u` property (sd_bus_get_property_trivial).
    public func uint32Property(_ property: String, interface: String, of objectPath: String, until deadline: Deadline) throws(SystemdBusError) -> UInt32 {
        try trivialProperty(property, interface: interface, of: objectPath, type: "u", initial: UInt32(0), until: deadline)
    }

    /// A `t` property (sd_bus_get_property_trivial): timestamps, in µs.
    public func uint64Property(_ property: String, interface: String, of objectPath: String, until deadline: Deadline) throws(SystemdBusError) -> UInt64 {
        try trivialProperty(property, interface: interface, of: objectPath, type: "t", initial: UInt64(0), until: deadline)
    }

    private func trivialProperty<T>(_ property: String, interface: String, of objectPath: String, type: Unicode.Scalar,
                                    initial: T, until deadline: Deadline) throws(SystemdBusError) -> T {
        let call = "Get \(interface.split(separator: ".").last ?? "").\(property)"
        let timeout = libsystemd.setMethodCallTimeout(bus, try remaining(deadline, call: call))
        guard timeout >= 0 else { throw SystemdBusError("sd_bus_set_method_call_timeout", result: timeout) }
        var error = cbh_sd_bus_error()
        defer { libsystemd.errorFree(&error) }
        var value = initial
        let result = withUnsafeMutableBytes(of: &value) { bytes in
            libsystemd.getPropertyTrivial(bus, "org.freedesktop.systemd1", objectPath, interface, property, &error,
                                          CChar(UInt8(ascii: type)), bytes.baseAddress)
        }
        guard result >= 0 else { throw SystemdBusError(call, result: result, error: error) }
        return value
    }

    /// The mount unit `name` as PID 1 has it loaded: LoadState, and for a loaded unit What,
    /// Type and Options (org.freedesktop.systemd1.Mount).
    public func mountUnit(named name: String, until deadline: Deadline) throws(SystemdBusError) -> MountUnitProperties {
        let path = try loadUnit(name, until: deadline)
        let loadState = try stringProperty("LoadState", interface: "org.freedesktop.systemd1.Unit", of: path, until: deadline)
        guard loadState == "loaded" else { return MountUnitProperties(name: name, loadState: loadState) }
        let mount = "org.freedesktop.systemd1.Mount"
        return MountUnitProperties(
            name: name, loadState: loadState,
            what: try stringProperty("What", interface: mount, of: path, until: deadline),
            type: try stringProperty("Type", interface: mount, of: path, until: deadline),
            options: try stringProperty("Options", interface: mount, of: path, until: deadline))
    }
}
