import BootHoldCore
@testable import FinalizeTool
import Testing

@Suite("records, verdicts and arguments (pure)")
struct RecordTests {
    @Test func resultRecordRoundTripsWithEscapes() throws {
        let record = ResultRecord(
            name: "ostree-finalize-staged", staged: "/run/ostree/staged-deployment", outcome: .timedOut,
            signal: 9, duration: .milliseconds(1500), stagedAfter: false,
            reason: "line one\nline two \\ backslash", finishedRealtimeMicroseconds: 42, bootID: "abc")
        #expect(record.text.contains("REASON=line one\\nline two \\\\ backslash\n"))
        #expect(record.text.contains("OUTCOME=timed-out\n"))
        #expect(ResultRecord(parsing: record.text) == record)
    }

    @Test func startedRecordRoundTrips() throws {
        let record = StartedRecord(name: "p", staged: "/s", command: ["/usr/bin/ostree", "admin", "finalize-staged"],
                                   startedRealtimeMicroseconds: 1_700_000_000_000_000, bootID: "b", pid: 12)
        #expect(StartedRecord(parsing: record.text) == record)
        #expect(StartedRecord(parsing: "garbage") == nil)
        #expect(ResultRecord(parsing: "NAME=p\nOUTCOME=exploded\n") == nil)
    }

    @Test func verdicts() {
        let started = StartedRecord(name: "p", staged: "/s", command: ["/c"], startedRealtimeMicroseconds: 1, bootID: "", pid: 1)
        func result(_ outcome: FinalizeOutcome, stagedAfter: Bool? = false) -> ResultRecord {
            ResultRecord(name: "p", staged: "/s", outcome: outcome, stagedAfter: stagedAfter, reason: "why",
                         finishedRealtimeMicroseconds: 2, bootID: "")
        }
        #expect(ReportVerdict(name: "p", started: nil, result: nil, startedAt: nil) == .nothingRecorded)
        #expect(ReportVerdict(name: "p", started: started, result: result(.succeeded), startedAt: nil) == .clean)
        guard case .report(let id, _, let message, let status) = ReportVerdict(name: "p", started: started, result: nil, startedAt: "Mon 2026-11-30 10:00:00 UTC") else {
            Issue.record("started without result must be reported")
            return
        }
        #expect(id == FinalizeMessageID.reportNeverFinished)
        #expect(message.contains("started at Mon 2026-11-30 10:00:00 UTC and never finished"))
        #expect(status == 1)
        for outcome in [FinalizeOutcome.failed, .timedOut, .unreachable, .locked] {
            guard case .report(let id, let level, _, let status) = ReportVerdict(name: "p", started: nil, result: result(outcome), startedAt: nil) else {
                Issue.record("\(outcome) must be reported")
                continue
            }
            #expect(id == FinalizeMessageID.reportProblem)
            #expect(level == .error)
            #expect(status == 1)
        }
        guard case .report(let id2, let level2, _, let status2) = ReportVerdict(name: "p", started: started, result: result(.succeeded, stagedAfter: true), startedAt: nil) else {
            Issue.record("not applied must be reported")
            return
        }
        #expect(id2 == FinalizeMessageID.reportNotApplied)
        #expect(level2 == .warning)
        #expect(status2 == 0)
    }

    @Test func commandVerdicts() {
        #expect(CommandVerdict(termination: .exited(status: 0), deadlineExpired: false) == CommandVerdict.make(.succeeded, 0))
        #expect(CommandVerdict(termination: .exited(status: 3), deadlineExpired: false) == CommandVerdict.make(.failed, 3))
        #expect(CommandVerdict(termination: .signaled(signal: 11), deadlineExpired: false) == CommandVerdict.make(.failed, 139))
        #expect(CommandVerdict(termination: .exited(status: 0), deadlineExpired: true) == CommandVerdict.make(.timedOut, 124))
    }

    @Test func argumentsAsTheGeneratorWritesThem() throws {
        let invocation = try FinalizeInvocation(parsing: [
            "--name", "ostree-finalize-staged", "--staged", "/run/ostree/staged-deployment",
            "--require", "/sysroot", "--require", "/boot", "--timeout", "4min 50s",
            "--", "/usr/bin/ostree", "admin", "finalize-staged", "--", "x",
        ])
        #expect(invocation == .run(RunRequest(
            name: "ostree-finalize-staged", staged: "/run/ostree/staged-deployment", required: ["/sysroot", "/boot"],
            lock: nil, timeout: .seconds(290), stateDirectory: "/var/lib/boothold",
            command: ["/usr/bin/ostree", "admin", "finalize-staged", "--", "x"])))
        #expect(try FinalizeInvocation(parsing: ["--report", "--name=p", "--state-dir=/x"])
            == .report(ReportRequest(name: "p", stateDirectory: "/x")))
        let zero = try FinalizeInvocation(parsing: ["--name", "p", "--staged", "/s", "--timeout", "0", "--", "/c"])
        guard case .run(let request) = zero else { Issue.record("not a run"); return }
        #expect(request.timeout == .infinity)
    }

    @Test func ehostdownNamesTheHoldUnit() {
        #expect(RequiredPathFinding.automountRefused.problem(path: "/boot", profile: "ostree-finalize-staged")
            == "systemd refused to mount the /boot automount because shutdown has begun (systemd#22528); "
            + "was ostree-finalize-staged-hold.service running?")
    }
}

extension CommandVerdict {
    static func make(_ outcome: FinalizeOutcome, _ status: Int32) -> CommandVerdict {
        var verdict = CommandVerdict(termination: .exited(status: 0), deadlineExpired: false)
        verdict.outcome = outcome
        verdict.exitStatus = status
        return verdict
    }
}
