/// How one shutdown-time finalization attempt ended (the `OUTCOME=` of a result record).
public enum FinalizeOutcome: String, Sendable, Equatable, CaseIterable {
    /// The command exited 0.
    case succeeded
    /// The command exited non-zero, was killed by a signal, or could not be started.
    case failed
    /// The command outlived the deadline and was stopped by boothold-finalize.
    case timedOut = "timed-out"
    /// A `--require` path could not be opened or was not mounted; the command was not run.
    case unreachable
    /// The `--lock` file could not be locked before the deadline; the command was not run.
    case locked

    /// Whether the next boot must report it as a problem (journal and `systemctl --failed`).
    public var isProblem: Bool { self != .succeeded }
}

/// Exit statuses of `boothold-finalize` (documented in the README and `--help`).
/// Besides these it exits with the command's own status (1–255) when the command fails,
/// and 128+N when the command was killed by signal N (not by the deadline).
public enum FinalizeExitCode {
    /// Success, or nothing staged; `--report`: nothing to report or a clean record.
    public static let success: Int32 = 0
    /// `--report`: the previous finalization failed, timed out, was unreachable, was
    /// locked out, or started and never finished.
    public static let reportedProblem: Int32 = 1
    /// Bad usage.
    public static let usage: Int32 = 2
    /// A `--require` path was unreachable or not mounted.
    public static let unreachable: Int32 = 122
    /// The `--lock` file was not obtained before the deadline (or SIGTERM arrived first).
    public static let locked: Int32 = 123
    /// The command was stopped at the deadline (as timeout(1)).
    public static let timedOut: Int32 = 124
    /// boothold-finalize itself failed (e.g. the lock file could not be opened).
    public static let internalError: Int32 = 125
    /// The command exists but could not be executed (as the shell).
    public static let cannotExecute: Int32 = 126
    /// The command was not found (as the shell).
    public static let notFound: Int32 = 127
}

/// How the spawned command ended, as waitpid(2) reported it.
public enum CommandTermination: Sendable, Equatable, CustomStringConvertible {
    case exited(status: Int32)
    case signaled(signal: Int32)

    /// "exited with status 1", "killed by signal 9" (log text; Embedded Swift prints no
    /// value that does not describe itself).
    public var description: String {
        switch self {
        case .exited(let status): return "exited with status \(status)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}

/// The pure decision after the command is gone: outcome and exit status.
public struct CommandVerdict: Sendable, Equatable {
    public var outcome: FinalizeOutcome
    public var exitStatus: Int32

    /// `deadlineExpired`: boothold-finalize had to stop the command at the deadline.
    public init(termination: CommandTermination, deadlineExpired: Bool) {
        if deadlineExpired {
            outcome = .timedOut
            exitStatus = FinalizeExitCode.timedOut
            return
        }
        switch termination {
        case .exited(let status) where status == 0:
            outcome = .succeeded
            exitStatus = FinalizeExitCode.success
        case .exited(let status):
            outcome = .failed
            exitStatus = status
        case .signaled(let signal):
            outcome = .failed
            exitStatus = 128 + signal
        }
    }
}
