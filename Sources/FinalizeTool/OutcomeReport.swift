import BootHoldCore
import BootHoldJournal
import BootHoldSystem

/// `--report`: at boot, say once how the previous finalization went, then archive its
/// records into `STATE_DIR/NAME/reported/` (only the last set is kept).
struct OutcomeReport {
    let request: ReportRequest
    let log: Logger

    func execute() -> Int32 {
        let records = OutcomeLog(name: request.name, staged: "", stateDirectory: request.stateDirectory, log: log)
        let startedText: String?, resultText: String?
        do {
            startedText = try DurableFile.read(records.startedPath)
            resultText = try DurableFile.read(records.resultPath)
        } catch {
            log.error("cannot read the records of \(request.name): \(error)")
            return FinalizeExitCode.reportedProblem
        }

        let started = startedText.map { StartedRecord(parsing: $0) ?? damagedStarted() }
        let result = resultText.map { ResultRecord(parsing: $0) ?? damagedResult() }
        let startedAt = started.flatMap { $0.startedRealtimeMicroseconds > 0 ? WallClock.localDescription(microseconds: $0.startedRealtimeMicroseconds) : nil }
        let finishedAt = result.flatMap { $0.finishedRealtimeMicroseconds > 0 ? WallClock.localDescription(microseconds: $0.finishedRealtimeMicroseconds) : nil }
        let verdict = ReportVerdict(name: request.name, started: started, result: result, startedAt: startedAt, finishedAt: finishedAt)

        switch verdict {
        case .nothingRecorded:
            log.debug("no finalization records for \(request.name)")
            return FinalizeExitCode.success
        case .clean:
            log.debug("the last finalization of \(request.name) succeeded")
            archive(records)
            return FinalizeExitCode.success
        case .report(let messageID, let level, let message, let exitStatus):
            var fields = result.map(OutcomeLog.fields(of:)) ?? []
            if let started {
                fields.append(JournalField("BOOTHOLD_STARTED_REALTIME_USEC", String(started.startedRealtimeMicroseconds)))
                if !started.bootID.isEmpty { fields.append(JournalField("BOOTHOLD_BOOT_ID", started.bootID)) }
            }
            let staged = result?.staged ?? started?.staged ?? ""
            OutcomeLog(name: request.name, staged: staged, stateDirectory: request.stateDirectory, log: log)
                .entry(level, messageID: messageID, message, fields: fields)
            archive(records)
            return exitStatus
        }
    }

    /// `started` first: if the move is cut short, a lone `result` is reported again next boot
    /// (a duplicate), whereas a lone `started` would be a false "never finished".
    private func archive(_ records: OutcomeLog) {
        let reported = records.directory + "/reported"
        do {
            try DurableFile.makeDirectories(reported)
            try DurableFile.remove(reported + "/" + StartedRecord.fileName)
            try DurableFile.remove(reported + "/" + ResultRecord.fileName)
            try DurableFile.move(records.startedPath, to: reported + "/" + StartedRecord.fileName)
            try DurableFile.move(records.resultPath, to: reported + "/" + ResultRecord.fileName)
        } catch {
            log.error("cannot archive the records of \(request.name), they will be reported again: \(error)")
        }
    }

    private func damagedStarted() -> StartedRecord {
        StartedRecord(name: request.name, staged: "", command: [], startedRealtimeMicroseconds: 0, bootID: "", pid: 0)
    }

    private func damagedResult() -> ResultRecord {
        ResultRecord(name: request.name, staged: "", outcome: .failed,
                     reason: "its result record is damaged", finishedRealtimeMicroseconds: 0, bootID: "")
    }
}
