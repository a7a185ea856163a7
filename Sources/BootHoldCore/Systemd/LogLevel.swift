/// syslog(3) priorities, as systemd names them (`SYSTEMD_LOG_LEVEL=`, `systemd.log_level=`).
public enum LogLevel: Int32, Comparable, Sendable, CaseIterable {
    case emergency = 0, alert, critical, error, warning, notice, info, debug

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    /// Parses "err", "warning", "info", "debug", … or a number 0–7, as log_level_from_string() does.
    public init?(parsing text: String) {
        switch text {
        case "emerg": self = .emergency
        case "alert": self = .alert
        case "crit": self = .critical
        case "err": self = .error
        case "warning": self = .warning
        case "notice": self = .notice
        case "info": self = .info
        case "debug": self = .debug
        default:
            guard let n = Int32(text), let level = LogLevel(rawValue: n) else { return nil }
            self = level
        }
    }
}
