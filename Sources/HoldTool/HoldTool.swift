import CBootHold
import BootHoldCore
import BootHoldSystem

/// `boothold-hold [--release-when-gone FILE] PATH...`: keeps each PATH busy from PID 1's
/// mount namespace while FILE exists (without FILE: until SIGTERM), so autofs cannot expire
/// `/boot` before a staged deployment is finalized at shutdown (ostree#2543).
/// `boothold-hold --after-stop …` reports, after the hold stopped, whether that left a staged
/// deployment unprotected. Arguments → check the world → hold.
public enum HoldTool {
    /// Runs the command with `arguments` (argv, including argv[0]) and returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        let log = Logger.forService(ident: "boothold-hold")
        // Before anything else: a SIGTERM that arrives while a path is being opened must stay
        // pending and end in a clean release, not kill the process half-way through.
        let signals: SignalDescriptor
        do {
            signals = try SignalDescriptor.blocking([SIGTERM, SIGINT, SIGHUP])
        } catch {
            log.error("Cannot take over SIGTERM, SIGINT and SIGHUP: \(error)")
            return HoldExitStatus.systemFailure.rawValue
        }

        let command: HoldCommand
        do {
            command = try HoldCommand.parse(Array(arguments.dropFirst()))
        } catch {
            try? FileDescriptor.standardError.writeAll("boothold-hold: \(error)\n\(HoldCommand.usage)\n")
            // ExecStopPost= must not change the unit's result, even when its line is wrong.
            if arguments.contains("--after-stop") { return HoldExitStatus.released.rawValue }
            return HoldExitStatus.usage.rawValue
        }

        switch command {
        case .help:
            try? FileDescriptor.standardOutput.writeAll(HoldHelp.text)
            return HoldExitStatus.released.rawValue
        case .version:
            try? FileDescriptor.standardOutput.writeAll("boothold-hold \(PackageVersion.current)\n")
            return HoldExitStatus.released.rawValue
        case .hold(let request):
            let session = HoldSession(request: request, signals: signals, log: log)
            return session.run().rawValue
        case .afterStop(let request):
            return HoldAfterStop.run(request, log: log).rawValue
        }
    }
}
