import CBootHold
import BootHoldCore
import BootHoldMachine
import BootHoldSystem

/// Logging the way systemd's own generators set it up (log_setup_generator()).
enum GeneratorLogging {
    static let ident = "boothold-generator"

    /// systemd's invoked_by_systemd(): PID 1 sets SYSTEMD_EXEC_PID to the generator's own PID
    /// (v248+); `*` forces it for tests.
    static func invokedBySystemd(_ environment: GeneratorEnvironment) -> Bool {
        guard let value = environment.execPID else { return false }
        return value == "*" || value == String(getpid())
    }

    /// /dev/kmsg when started by systemd (no journal, no syslog: generators run before them),
    /// stderr otherwise. `SYSTEMD_LOG_LEVEL` sets the level; the kernel command line may
    /// lower it later (`adjusted(for:)`).
    static func logger(kernelLog: Bool, environment: GeneratorEnvironment) -> Logger {
        var sink = LogSink.standardError(priorityPrefix: false)
        if kernelLog, let kmsg = try? FileDescriptor.open("/dev/kmsg", flags: O_WRONLY | O_NOCTTY) {
            sink = .kernelLog(kmsg)
        }
        var logger = Logger(ident: ident, sink: sink)
        if let level = environmentLevel(environment) { logger.maxLevel = level }
        return logger
    }

    /// Applies `systemd.log_level=`/`debug` from the kernel command line; like systemd, only
    /// when started by systemd, and the environment still wins.
    static func adjusted(_ logger: Logger, for commandLine: KernelCommandLine?, environment: GeneratorEnvironment) -> Logger {
        guard invokedBySystemd(environment), environmentLevel(environment) == nil, let level = commandLine?.systemdLogLevel else { return logger }
        var adjusted = logger
        adjusted.maxLevel = level
        return adjusted
    }

    private static func environmentLevel(_ environment: GeneratorEnvironment) -> LogLevel? {
        environment.logLevel.flatMap(LogLevel.init(parsing:))
    }
}
