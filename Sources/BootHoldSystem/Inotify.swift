import CBootHold

/// What happened to a watched directory or to a name in it (inotify(7) masks).
public struct InotifyMask: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let created = InotifyMask(rawValue: cbh_IN_CREATE)
    public static let deleted = InotifyMask(rawValue: cbh_IN_DELETE)
    public static let movedFrom = InotifyMask(rawValue: cbh_IN_MOVED_FROM)
    public static let movedTo = InotifyMask(rawValue: cbh_IN_MOVED_TO)
    public static let deletedSelf = InotifyMask(rawValue: cbh_IN_DELETE_SELF)
    public static let movedSelf = InotifyMask(rawValue: cbh_IN_MOVE_SELF)
    /// The watch is gone (removed, or its directory deleted or unmounted).
    public static let ignored = InotifyMask(rawValue: cbh_IN_IGNORED)
    /// Events were lost: state must be looked at again.
    public static let queueOverflow = InotifyMask(rawValue: cbh_IN_Q_OVERFLOW)
    /// Only watch the path if it is a directory.
    public static let onlyDirectory = InotifyMask(rawValue: cbh_IN_ONLYDIR)
    /// The event's subject is a directory.
    public static let isDirectory = InotifyMask(rawValue: cbh_IN_ISDIR)
}

/// One watch of an inotify instance.
public struct InotifyWatch: Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
}

public struct InotifyEvent: Sendable, Equatable {
    public let watch: InotifyWatch
    public let mask: InotifyMask
    /// The name inside the watched directory, nil for events about the directory itself.
    public let name: String?
}

/// An inotify(7) instance: non-blocking, close-on-exec.
public struct Inotify: Sendable {
    public let descriptor: FileDescriptor

    /// inotify_init1(IN_CLOEXEC | IN_NONBLOCK).
    public static func open() throws(SystemCallError) -> Inotify {
        let fd = try retryingInterrupts("inotify_init1") { cbh_inotify_init() }
        return Inotify(descriptor: FileDescriptor(rawValue: fd))
    }

    /// inotify_add_watch(2).
    public func addWatch(_ path: String, mask: InotifyMask) throws(SystemCallError) -> InotifyWatch {
        let watch = try retryingInterrupts("inotify_add_watch", path: path) {
            cbh_inotify_add_watch(descriptor.rawValue, path, mask.rawValue)
        }
        return InotifyWatch(rawValue: watch)
    }

    /// inotify_rm_watch(2); a watch the kernel already dropped is not an error.
    public func removeWatch(_ watch: InotifyWatch) {
        _ = cbh_inotify_rm_watch(descriptor.rawValue, watch.rawValue)
    }

    /// Reads every event queued now; empty when none is.
    public func pendingEvents() throws(SystemCallError) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        var buffer = [UInt8](repeating: 0, count: cbh_inotify_buffer_size)
        while true {
            let n = buffer.withUnsafeMutableBytes { bytes in systemRead(descriptor.rawValue, bytes.baseAddress, bytes.count) }
            var count = n
            if n < 0 {
                let error = Errno.current
                if error == .wouldBlock { count = 0 }
                else if error == .interrupted { count = -1 }
                else { throw SystemCallError("read inotify", errno: error) }
            }
            if count < 0 { continue }
            if count == 0 { return events }
            buffer.withUnsafeBytes { bytes in
                var offset = 0
                var watch: Int32 = 0
                var mask: UInt32 = 0
                var name: UnsafePointer<CChar>? = nil
                var next = 0
                while cbh_inotify_event_at(bytes.baseAddress, count, offset, &watch, &mask, &name, &next) == 0 {
                    events.append(InotifyEvent(
                        watch: InotifyWatch(rawValue: watch), mask: InotifyMask(rawValue: mask),
                        name: name.map { String(cString: $0) }))
                    offset = next
                }
            }
        }
    }
}
