#if canImport(Glibc)
import Glibc
#endif

/// An error number from a system call (swift-system style).
public struct Errno: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno`.
    public static var current: Errno { Errno(rawValue: errno) }

    /// The strerror(3) text, e.g. "No such file or directory".
    public var description: String { String(cString: strerror(rawValue)) }

    public static let noSuchFileOrDirectory = Errno(rawValue: ENOENT)
    public static let interrupted = Errno(rawValue: EINTR)
    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let fileExists = Errno(rawValue: EEXIST)
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    public static let isDirectory = Errno(rawValue: EISDIR)
    public static let tooManySymbolicLinks = Errno(rawValue: ELOOP)
    public static let hostIsDown = Errno(rawValue: EHOSTDOWN)
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    public static let resourceBusy = Errno(rawValue: EBUSY)
    public static let invalidArgument = Errno(rawValue: EINVAL)
}

/// A failed system call with what it was doing and to what: "open '/boot': Host is down".
public struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String?
    public let errno: Errno

    public init(_ operation: String, path: String? = nil, errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String {
        if let path { return "\(operation) '\(path)': \(errno)" }
        return "\(operation): \(errno)"
    }
}

/// Runs `body` until it does not fail with EINTR; `-1` becomes a thrown `SystemCallError`.
@inline(__always)
public func retryingInterrupts<T: FixedWidthInteger>(
    _ operation: String, path: String? = nil, _ body: () -> T
) throws -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let error = Errno.current
        if error == .interrupted { continue }
        throw SystemCallError(operation, path: path, errno: error)
    }
}
