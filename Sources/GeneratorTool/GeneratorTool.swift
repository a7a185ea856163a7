#if canImport(Glibc)
import Glibc
#endif
import BootHoldCore
import BootHoldMachine
import BootHoldSystem

/// `boothold-generator`: see its man page. Read the machine once, let the planner decide,
/// then write (or, with `--explain`, print) the result.
public enum GeneratorTool {
    /// Runs the command with `arguments` (argv, including argv[0]) and returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        switch GeneratorInvocation(arguments: Array(arguments.dropFirst())) {
        case .help:
            try? FileDescriptor.standardOutput.writeAll(GeneratorInvocation.usage)
            return 0
        case .version:
            try? FileDescriptor.standardOutput.writeAll("boothold-generator \(PackageVersion.current)\n")
            return 0
        case .usageError(let message):
            try? FileDescriptor.standardError.writeAll("boothold-generator: \(message)\n\n\(GeneratorInvocation.usage)")
            return 2
        case .explain:
            // The explanation already says what the info lines would: only warnings and errors
            // are logged on top, unless SYSTEMD_LOG_LEVEL asks for more.
            var logger = GeneratorLogging.logger(kernelLog: false)
            if Environment.value("SYSTEMD_LOG_LEVEL") == nil { logger.maxLevel = .warning }
            let (output, _) = decide(logger: logger)
            try? FileDescriptor.standardOutput.writeAll(output.explanation())
            return 0
        case .generate(let normalDirectory):
            let (output, logger) = decide(logger: GeneratorLogging.logger(kernelLog: GeneratorLogging.invokedBySystemd))
            let errors = GeneratorOutputWriter(logger: logger).write(output, into: normalDirectory)
            return errors.isEmpty ? 0 : 1
        }
    }

    /// Reads everything, plans, and logs every diagnostic; nothing is written.
    private static func decide(logger initialLogger: Logger) -> (GeneratorOutput, Logger) {
        let reading = MachineReader(root: MachineRoot.fromEnvironment()).read()
        let commandLine = reading.snapshot.kernelCommandLine.value.map {
            KernelCommandLine(parsing: $0, inInitrd: reading.snapshot.inInitrd)
        }
        let logger = GeneratorLogging.adjusted(initialLogger, for: commandLine)
        let output = GeneratorPlanner.plan(reading.snapshot, libexecDirectory: libexecDirectory(logger: logger))
        for diagnostic in reading.diagnostics + output.diagnostics {
            logger.log(diagnostic.level, diagnostic.message)
        }
        return (output, logger)
    }

    /// The helpers sit beside the generator's own resolved executable, so a build tree, a
    /// DESTDIR staging tree and an installed system all name the right `ExecStart=` paths
    /// (the generators directory only holds a symlink to it). `BOOTHOLD_LIBEXECDIR` overrides.
    private static func libexecDirectory(logger: Logger) -> String {
        if let override = Environment.value("BOOTHOLD_LIBEXECDIR"), !override.isEmpty { return override }
        do {
            let executable = try canonicalPath("/proc/self/exe")
            let directory = String(executable[..<(executable.lastIndex(of: "/") ?? executable.startIndex)])
            return directory.isEmpty ? "/" : directory
        } catch {
            logger.warning("Cannot resolve /proc/self/exe (\(error)), assuming /usr/libexec/boothold.")
            return "/usr/libexec/boothold"
        }
    }
}
