/// The small `KEY=VALUE` files boothold-finalize keeps in `STATE_DIR/NAME/` so that the
/// next boot knows how the last finalization ended, even when it was killed or the power
/// went (ostree's own failure stamp lives on /boot and is only written for errors the
/// command returns itself, see ostree PR #2589).
///
/// Format: one `KEY=VALUE` per line, UTF-8; lines starting with `#` are comments; a value
/// has `\` written as `\\` and a newline as `\n`; unknown keys are ignored, so fields can
/// be added later. Each `--require` path adds numbered keys, from 1 in command-line order:
/// `REQUIRED_N` (the path), `REACHED_N` (`held`, `mounted`, `automount`,
/// `mounted-by-boothold-finalize`, `plain-directory`), `FSTYPE_N` and `SOURCE_N` when a
/// file system is mounted there, and for boothold-finalize's own mount `UNIT_N`,
/// `OPTIONS_N` and `CAUSE_N` (`automount-refused`, `automount-no-answer`, `automount-empty`,
/// `not-mounted`). See `ReachedPath`.
public struct RecordFields: Sendable, Equatable {
    public private(set) var pairs: [(key: String, value: String)] = []

    public init() {}

    public subscript(key: String) -> String? {
        pairs.last(where: { $0.key == key })?.value
    }

    public mutating func append(_ key: String, _ value: String) {
        pairs.append((key, value))
    }

    public static func == (a: RecordFields, b: RecordFields) -> Bool {
        a.pairs.elementsEqual(b.pairs, by: { $0.key == $1.key && $0.value == $1.value })
    }

    /// The file text, starting with a `#` comment line naming what it is.
    public func rendered(comment: String) -> String {
        var text = "# \(comment)\n"
        for (key, value) in pairs {
            text += "\(key)=\(RecordFields.escape(value))\n"
        }
        return text
    }

    public init(parsing text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals])
            guard !key.isEmpty else { continue }
            pairs.append((key, RecordFields.unescape(line[line.index(after: equals)...])))
        }
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(c)
            }
        }
        return out
    }

    static func unescape(_ value: Substring) -> String {
        var out = ""
        var escaped = false
        for c in value {
            if escaped {
                switch c {
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}

/// `STATE_DIR/NAME/started`: written just before the command is spawned.
public struct StartedRecord: Sendable, Equatable {
    public static let fileName = "started"

    public var name: String
    public var staged: String
    public var command: [String]
    /// CLOCK_REALTIME in microseconds since the epoch.
    public var startedRealtimeMicroseconds: UInt64
    public var bootID: String
    public var pid: Int32
    /// How each `--require` path was reached (`REQUIRED_N`, `REACHED_N`, …).
    public var reached: [ReachedPath]

    public init(name: String, staged: String, command: [String], startedRealtimeMicroseconds: UInt64, bootID: String, pid: Int32,
                reached: [ReachedPath] = []) {
        self.name = name
        self.staged = staged
        self.command = command
        self.startedRealtimeMicroseconds = startedRealtimeMicroseconds
        self.bootID = bootID
        self.pid = pid
        self.reached = reached
    }

    public var fields: RecordFields {
        var f = RecordFields()
        f.append("NAME", name)
        f.append("STAGED", staged)
        f.append("COMMAND", command.joined(separator: " "))
        f.append("STARTED_REALTIME_USEC", String(startedRealtimeMicroseconds))
        f.append("BOOT_ID", bootID)
        f.append("PID", String(pid))
        f.append(reached: reached)
        return f
    }

    public var text: String { fields.rendered(comment: "boothold-finalize: finalization started") }

    /// Nil when the text is not a started record (a torn or foreign file).
    public init?(parsing text: String) {
        let f = RecordFields(parsing: text)
        guard let name = f["NAME"], let usec = f["STARTED_REALTIME_USEC"].flatMap({ UInt64($0) }) else { return nil }
        self.name = name
        self.staged = f["STAGED"] ?? ""
        self.command = (f["COMMAND"] ?? "").split(separator: " ").map(String.init)
        self.startedRealtimeMicroseconds = usec
        self.bootID = f["BOOT_ID"] ?? ""
        self.pid = f["PID"].flatMap { Int32($0) } ?? 0
        self.reached = ReachedPath.parse(f)
    }
}

/// `STATE_DIR/NAME/result`: written once the attempt is over, whatever the outcome.
public struct ResultRecord: Sendable, Equatable {
    public static let fileName = "result"

    public var name: String
    public var staged: String
    public var outcome: FinalizeOutcome
    /// Exit status of the command, when it exited.
    public var exitStatus: Int32?
    /// Signal that ended the command, when it was killed.
    public var signal: Int32?
    /// Time from spawning the command to reaping it, when it ran.
    public var duration: TimeSpan?
    /// Whether the `--staged` file still existed after the command ended (`yes`/`no`); only
    /// for commands that ran.
    public var stagedAfter: Bool?
    /// One line saying what happened, e.g. "exited with status 1".
    public var reason: String
    public var finishedRealtimeMicroseconds: UInt64
    public var bootID: String
    /// How each `--require` path checked before the end was reached.
    public var reached: [ReachedPath]

    public init(
        name: String, staged: String, outcome: FinalizeOutcome, exitStatus: Int32? = nil, signal: Int32? = nil,
        duration: TimeSpan? = nil, stagedAfter: Bool? = nil, reason: String,
        finishedRealtimeMicroseconds: UInt64, bootID: String, reached: [ReachedPath] = []
    ) {
        self.name = name
        self.staged = staged
        self.outcome = outcome
        self.exitStatus = exitStatus
        self.signal = signal
        self.duration = duration
        self.stagedAfter = stagedAfter
        self.reason = reason
        self.finishedRealtimeMicroseconds = finishedRealtimeMicroseconds
        self.bootID = bootID
        self.reached = reached
    }

    /// The command succeeded but left the staged file behind: the updater chose not to
    /// apply the deployment (ostree: "Not finalizing; … locked").
    public var notApplied: Bool { outcome == .succeeded && stagedAfter == true }

    public var fields: RecordFields {
        var f = RecordFields()
        f.append("NAME", name)
        f.append("STAGED", staged)
        f.append("OUTCOME", outcome.rawValue)
        if let exitStatus { f.append("EXIT_STATUS", String(exitStatus)) }
        if let signal { f.append("SIGNAL", String(signal)) }
        if let duration { f.append("DURATION_USEC", String(duration.microseconds)) }
        if let stagedAfter { f.append("STAGED_AFTER", stagedAfter ? "yes" : "no") }
        f.append("REASON", reason)
        f.append("FINISHED_REALTIME_USEC", String(finishedRealtimeMicroseconds))
        f.append("BOOT_ID", bootID)
        f.append(reached: reached)
        return f
    }

    public var text: String { fields.rendered(comment: "boothold-finalize: finalization result") }

    public init?(parsing text: String) {
        let f = RecordFields(parsing: text)
        guard let name = f["NAME"], let outcome = f["OUTCOME"].flatMap(FinalizeOutcome.init(rawValue:)) else { return nil }
        self.name = name
        self.staged = f["STAGED"] ?? ""
        self.outcome = outcome
        self.exitStatus = f["EXIT_STATUS"].flatMap { Int32($0) }
        self.signal = f["SIGNAL"].flatMap { Int32($0) }
        self.duration = f["DURATION_USEC"].flatMap { UInt64($0) }.map(TimeSpan.init(microseconds:))
        self.stagedAfter = f["STAGED_AFTER"].map { $0 == "yes" }
        self.reason = f["REASON"] ?? ""
        self.finishedRealtimeMicroseconds = f["FINISHED_REALTIME_USEC"].flatMap { UInt64($0) } ?? 0
        self.bootID = f["BOOT_ID"] ?? ""
        self.reached = ReachedPath.parse(f)
    }
}
