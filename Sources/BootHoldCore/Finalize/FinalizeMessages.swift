/// The fixed journal `MESSAGE_ID`s of boothold-finalize (`journalctl MESSAGE_ID=…`).
/// Generated once with `systemd-id128 new`; never change them.
public enum FinalizeMessageID {
    /// The command is about to be spawned.
    public static let started = "30579d3735cd4ae285887b0e99d182dd"
    /// The command exited 0 and the staged file is gone.
    public static let succeeded = "40eb6c5136414d07a8374584057768af"
    /// The command exited non-zero, was killed by a signal, or could not be started.
    public static let failed = "fc613a5569064afc800c5d0485687599"
    /// The command was stopped at the deadline.
    public static let timedOut = "0d059d2f7d9c4cd084303cc1bdc8d2bb"
    /// A `--require` path was unreachable or not mounted; the command was not run.
    public static let unreachable = "96fe4a32be5d4e379d410d40c114c960"
    /// The `--lock` file was not obtained before the deadline; the command was not run.
    public static let locked = "3d574049bce644989438dde8f07ee391"
    /// The command exited 0 but the staged file is still there: not applied (locked?).
    public static let notApplied = "820cb927c1e84d2f957220b37d2ff79f"
    /// `--report`: the previous finalization failed, timed out, was unreachable or locked out.
    public static let reportProblem = "5a30416087004a75ad1d83f6c5326f05"
    /// `--report`: the previous finalization started and never finished.
    public static let reportNeverFinished = "99b4c89ff0ce4fb687c06846a75ef023"
    /// `--report`: the previous finalization succeeded but did not apply the deployment.
    public static let reportNotApplied = "29958e46cbdc43f8bd069ceb3b6e98af"
    /// A `--require` path could not be reached and boothold-finalize mounted what its mount
    /// unit describes itself, in its own mount namespace.
    public static let mountedByFinalize = "f2a78ad7909a4bca8eb2ce6d2d1c16f0"
    /// `--report`: the previous finalization succeeded, but only because boothold-finalize
    /// mounted a path itself (nothing held it).
    public static let reportMountedByFinalize = "00cc0f255d5d424e93de26275cb58dc9"

    /// The run-time id for an attempt's result.
    public static func forResult(_ result: ResultRecord) -> String {
        if result.notApplied { return notApplied }
        switch result.outcome {
        case .succeeded: return succeeded
        case .failed: return failed
        case .timedOut: return timedOut
        case .unreachable: return unreachable
        case .locked: return locked
        }
    }
}

/// What `--report` does with the records it found: the pure decision.
public enum ReportVerdict: Sendable, Equatable {
    /// Nothing recorded: say nothing, touch nothing.
    case nothingRecorded
    /// A clean result: say nothing (debug only), archive.
    case clean
    /// Log `message` once with `messageID` at `level`, archive, exit with `exitStatus`.
    case report(messageID: String, level: LogLevel, message: String, exitStatus: Int32)

    /// `startedAt`, `finishedAt`: the records' times as the reader should see them (local time).
    public init(name: String, started: StartedRecord?, result: ResultRecord?, startedAt: String?, finishedAt: String? = nil) {
        guard let result else {
            guard started != nil else { self = .nothingRecorded; return }
            let when = startedAt.map { " at \($0)" } ?? ""
            self = .report(
                messageID: FinalizeMessageID.reportNeverFinished, level: .error,
                message: "Finalization of \(name) started\(when) and never finished "
                    + "(killed, powered off or crashed before it could record a result); "
                    + "the staged deployment was probably not applied.",
                exitStatus: FinalizeExitCode.reportedProblem)
            return
        }
        // Every path boothold-finalize had to mount itself: one more sentence wherever the
        // outcome is reported, and a notice-worthy line of its own for a success.
        let fallbacks = result.reached.compactMap { $0.fallbackSentence }
        let fallbackNote = fallbacks.isEmpty ? "" : " " + fallbacks.joined(separator: "; ") + "."
        if result.notApplied {
            self = .report(
                messageID: FinalizeMessageID.reportNotApplied, level: .warning,
                message: "Finalization of \(name) on the previous shutdown: "
                    + ResultRecord.notAppliedSentence(staged: result.staged) + (fallbacks.isEmpty ? "" : "." + fallbackNote),
                exitStatus: FinalizeExitCode.success)
            return
        }
        guard result.outcome.isProblem else {
            guard !fallbacks.isEmpty else { self = .clean; return }
            let when = finishedAt.map { " at \($0)" } ?? ""
            self = .report(
                messageID: FinalizeMessageID.reportMountedByFinalize, level: .warning,
                message: "Finalized \(name)\(when); " + fallbacks.joined(separator: "; ") + ".",
                exitStatus: FinalizeExitCode.success)
            return
        }
        let took = result.duration.map { " after \($0)" } ?? ""
        self = .report(
            messageID: FinalizeMessageID.reportProblem, level: .error,
            message: "Finalization of \(name) on the previous shutdown \(result.outcome.pastTense): "
                + "\(result.reason)\(took); the staged deployment was not applied." + fallbackNote,
            exitStatus: FinalizeExitCode.reportedProblem)
    }
}

extension FinalizeOutcome {
    /// "failed", "timed out", … as in "finalization … timed out".
    public var pastTense: String {
        switch self {
        case .succeeded: return "succeeded"
        case .failed: return "failed"
        case .timedOut: return "timed out"
        case .unreachable: return "could not reach its paths"
        case .locked: return "could not take its lock"
        }
    }
}

extension ResultRecord {
    /// The sentence for a command that succeeded without consuming the staged file.
    public static func notAppliedSentence(staged: String) -> String {
        "finalize command succeeded but \(staged) is still there: "
            + "the updater did not apply the deployment (locked?)"
    }
}
