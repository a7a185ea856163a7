import CBootHold
import BootHoldCore
import BootHoldSystem

/// `boothold-finalize`: see `--help`, the README section "boothold-finalize" and its man page.
public enum FinalizeTool {
    /// Runs the command with `arguments` (argv, including argv[0]) and returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        let invocation: FinalizeInvocation
        do {
            invocation = try FinalizeInvocation(parsing: Array(arguments.dropFirst()))
        } catch {
            try? FileDescriptor.standardError.writeAll(
                "boothold-finalize: \(error)\nTry 'boothold-finalize --help' for more information.\n")
            return FinalizeExitCode.usage
        }
        let log = Logger.forService(ident: "boothold-finalize")
        switch invocation {
        case .help:
            try? FileDescriptor.standardOutput.writeAll(FinalizeHelp.text)
            return FinalizeExitCode.success
        case .version:
            try? FileDescriptor.standardOutput.writeAll(FinalizeHelp.version + "\n")
            return FinalizeExitCode.success
        case .run(let request):
            return FinalizeRun(request: request, log: log).execute()
        case .report(let request):
            return OutcomeReport(request: request, log: log).execute()
        }
    }
}
