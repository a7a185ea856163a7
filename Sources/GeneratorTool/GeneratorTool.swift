import CBootHold
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
            let environment = GeneratorEnvironment.current()
            var logger = GeneratorLogging.logger(kernelLog: false, environment: environment)
            if environment.logLevel == nil { logger.maxLevel = .warning }
            let (output, _) = decide(logger: logger, environment: environment)
            try? FileDescriptor.standardOutput.writeAll(output.explanation())
            return 0
        case .generate(let normalDirectory):
            let environment = GeneratorEnvironment.current()
            let logger = GeneratorLogging.logger(kernelLog: GeneratorLogging.invokedBySystemd(environment), environment: environment)
            let (output, adjusted) = decide(logger: logger, environment: environment)
            let errors = GeneratorOutputWriter(logger: adjusted, killAfterWrites: environment.killAfterWrites).write(output, into: normalDirectory)
            return errors.isEmpty ? 0 : 1
        }
    }

    /// Reads everything, plans, and logs every diagnostic; nothing is written.
    private static func decide(logger initialLogger: Logger, environment: GeneratorEnvironment) -> (GeneratorOutput, Logger) {
        let reading = MachineReader(environment: environment).read()
        let logger = GeneratorLogging.adjusted(initialLogger, for: reading.snapshot.kernelCommandLine.value, environment: environment)
        let output = GeneratorPlanner.plan(reading.snapshot, libexecDirectory: reading.helperDirectory)
        for diagnostic in reading.diagnostics + output.diagnostics {
            logger.log(diagnostic.level, diagnostic.message)
        }
        return (output, logger)
    }
}
