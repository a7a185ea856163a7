import CBootHold
import BootHoldCore
import BootHoldJournal
import BootHoldSystem

/// Where a finalization's records go: a structured journal entry (fixed MESSAGE_ID) and a
/// file in `STATE_DIR/NAME/`. Under journald (JOURNAL_STREAM set) stderr carries only what
/// the journal refused, so nothing is logged twice; on a terminal both are written.
struct OutcomeLog {
    let name: String
    let staged: String
    let directory: String
    let log: Logger

    init(name: String, staged: String, stateDirectory: String, log: Logger) {
        self.name = name
        self.staged = staged
        self.directory = stateDirectory + "/" + name
        self.log = log
    }

    var startedPath: String { directory + "/" + StartedRecord.fileName }
    var resultPath: String { directory + "/" + ResultRecord.fileName }

    /// One journal entry with the profile's fields, echoed to stderr when that is not the
    /// journal already.
    func entry(_ level: LogLevel, messageID: String, _ message: String, fields: [JournalField] = []) {
        var all = [
            JournalField("MESSAGE", message),
            JournalField("MESSAGE_ID", messageID),
            JournalField("PRIORITY", String(level.rawValue)),
            JournalField("SYSLOG_IDENTIFIER", "boothold-finalize"),
            JournalField("BOOTHOLD_PROFILE", name),
        ]
        if !staged.isEmpty { all.append(JournalField("BOOTHOLD_STAGED", staged)) }
        all += fields
        let stderrIsJournal = Environment.value("JOURNAL_STREAM") != nil
        do {
            try Journal.send(all)
            if !stderrIsJournal { log.log(level, message) }
        } catch {
            log.log(level, message)
            log.debug("journal entry not sent (\(error)); logged to stderr instead")
        }
    }

    /// Removes the records of an earlier attempt, so `started` and `result` always describe
    /// the same attempt. Failure is logged, never fatal: the update matters more.
    func clearPrevious() {
        for path in [resultPath, startedPath] {
            do { try DurableFile.remove(path) } catch { log.warning("cannot remove old record: \(error)") }
        }
    }

    /// "Finalizing NAME: running COMMAND; /sysroot is mounted (xfs), /boot is held (vfat)."
    func writeStarted(_ record: StartedRecord) {
        write(record.text, named: StartedRecord.fileName)
        let paths = record.reached.isEmpty ? "" : "; " + record.reached.map { $0.summary }.joined(separator: ", ")
        entry(.info, messageID: FinalizeMessageID.started,
              "Finalizing \(name): running \(record.command.joined(separator: " "))\(paths).",
              fields: [JournalField("BOOTHOLD_COMMAND", record.command.joined(separator: " "))] + OutcomeLog.fields(of: record.reached))
    }

    /// Writes the result file first (it is what the next boot reads), then the journal entry.
    func writeResult(_ record: ResultRecord, message: String, level: LogLevel, extraFields: [JournalField] = []) {
        write(record.text, named: ResultRecord.fileName)
        entry(level, messageID: FinalizeMessageID.forResult(record), message,
              fields: OutcomeLog.fields(of: record) + extraFields)
    }

    /// The journal fields describing a result record.
    static func fields(of record: ResultRecord) -> [JournalField] {
        var fields = [JournalField("BOOTHOLD_OUTCOME", record.outcome.rawValue)]
        if let status = record.exitStatus { fields.append(JournalField("EXIT_STATUS", String(status))) }
        if let signal = record.signal { fields.append(JournalField("SIGNAL", String(signal))) }
        if let duration = record.duration { fields.append(JournalField("DURATION_USEC", String(duration.microseconds))) }
        if let after = record.stagedAfter { fields.append(JournalField("BOOTHOLD_STAGED_AFTER", after ? "yes" : "no")) }
        return fields + OutcomeLog.fields(of: record.reached)
    }

    /// The records' path keys as journal fields: `BOOTHOLD_REQUIRED_1`, `BOOTHOLD_REACHED_1`, ….
    static func fields(of reached: [ReachedPath]) -> [JournalField] {
        reached.enumerated().flatMap { offset, path in
            path.pairs(index: offset + 1).map { JournalField("BOOTHOLD_" + $0.key, $0.value) }
        }
    }

    private func write(_ text: String, named fileName: String) {
        do {
            try DurableFile.makeDirectories(directory)
            try DurableFile.write(text, named: fileName, in: directory)
        } catch {
            // The journal entry still goes out; only the next boot's report will miss it.
            log.error("cannot write the \(fileName) record of \(name): \(error)")
        }
    }
}

/// The current boot's id (/proc/sys/kernel/random/boot_id without dashes, as journald
/// writes _BOOT_ID), or "" when unreadable.
func currentBootID() -> String {
    guard let text = try? DurableFile.read("/proc/sys/kernel/random/boot_id") else { return "" }
    return String(text.filter { $0 != "-" && $0 != "\n" })
}
