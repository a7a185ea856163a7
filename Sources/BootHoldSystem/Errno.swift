import CBootHold

/// An error number from a system call (swift-system style).
public struct Errno: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno`.
    public static var current: Errno { Errno(rawValue: cbh_errno()) }

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
/// The one error type the I/O layers throw (typed throws: Embedded Swift has no `any Error`),
/// so a failure that is not one errno (a C library that cannot be loaded, a path the output
/// writer refuses) carries its own words in `message` instead.
public struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String?
    public let errno: Errno
    /// The whole text of a failure errno does not describe; nil for a system call's failure.
    public let message: String?

    public init(_ operation: String, path: String? = nil, errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
        self.message = nil
    }

    /// A failure in its own words (`errno` is EINVAL, for a caller that only compares it).
    public init(_ operation: String, path: String? = nil, message: String) {
        self.operation = operation
        self.path = path
        self.errno = .invalidArgument
        self.message = message
    }

    /// A C library or function that could not be loaded, in DynamicLibraryError's words.
    public init(_ error: DynamicLibraryError) {
        self.init("dlopen", path: error.soname, message: error.description)
    }

    public var description: String {
        if let message { return message }
        if let path { return "\(operation) '\(path)': \(errno)" }
        return "\(operation): \(errno)"
    }
}

/// Runs `body` until it does not fail with EINTR; `-1` becomes a thrown `SystemCallError`.
@inline(__always)
public func retryingInterrupts<T: FixedWidthInteger>(
    _ operation: String, path: String? = nil, _ body: () -> T
) throws(SystemCallError) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let error = Errno.current
        if error == .interrupted { continue }
        throw SystemCallError(operation, path: path, errno: error)
    }
}
