/// One kernel command-line value: a bare word (`debug`) or `key=value`.
public enum KernelCommandLineValue: Sendable, Equatable {
    case flag
    case assigned(String)
}

/// The kernel command line, parsed as systemd's proc_cmdline_parse() does.
public struct KernelCommandLine: Sendable, Equatable {
    public init(parsing raw: String, inInitrd: Bool) {}
    public func value(of key: String) -> KernelCommandLineValue? { nil }
    public func values(of key: String) -> [KernelCommandLineValue] { [] }
    public var systemdLogLevel: LogLevel? { nil }
}
