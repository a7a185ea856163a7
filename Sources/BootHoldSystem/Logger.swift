import CBootHold
import BootHoldCore

/// Where log records go.
public enum LogSink: Sendable, Equatable {
    /// `<prio>ident[pid]: message` records on an open /dev/kmsg (generators, systemd.generator(7)).
    case kernelLog(FileDescriptor)
    /// One line per record on stderr; with `priorityPrefix` each line starts with `<prio>`,
    /// which journald turns into the entry's priority (a service's stderr stream).
    case standardError(priorityPrefix: Bool)
}

/// A tiny logger: one write(2) per record, never fails the caller.
public struct Logger: Sendable {
    public let ident: String
    public let sink: LogSink
    public var maxLevel: LogLevel

    public init(ident: String, sink: LogSink, maxLevel: LogLevel = .info) {
        self.ident = ident
        self.sink = sink
        self.maxLevel = maxLevel
    }

    /// stderr, with `<prio>` prefixes when stderr is connected to the journal (JOURNAL_STREAM set).
    public static func forService(ident: String) -> Logger {
        var logger = Logger(ident: ident, sink: .standardError(priorityPrefix: getenv("JOURNAL_STREAM") != nil))
        if let level = Environment.value("SYSTEMD_LOG_LEVEL").flatMap(LogLevel.init(parsing:)) {
            logger.maxLevel = level
        }
        return logger
    }

    public func log(_ level: LogLevel, _ message: String) {
        guard level <= maxLevel else { return }
        let line: String
        switch sink {
        case .kernelLog(let fd):
            // LOG_DAEMON facility (3 << 3) like systemd's own generators.
            line = "<\(level.rawValue + 24)>\(ident)[\(getpid())]: \(message)\n"
            if (try? fd.writeAll(line)) != nil { return }
            // kmsg refused the record: fall back to stderr rather than lose it.
            try? FileDescriptor.standardError.writeAll("\(ident): \(message)\n")
        case .standardError(let prefix):
            line = prefix ? "<\(level.rawValue)>\(message)\n" : "\(ident): \(message)\n"
            try? FileDescriptor.standardError.writeAll(line)
        }
    }

    public func debug(_ message: String) { log(.debug, message) }
    public func info(_ message: String) { log(.info, message) }
    public func notice(_ message: String) { log(.notice, message) }
    public func warning(_ message: String) { log(.warning, message) }
    public func error(_ message: String) { log(.error, message) }
}

/// Process environment access without Foundation.
public enum Environment {
    public static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }
}
