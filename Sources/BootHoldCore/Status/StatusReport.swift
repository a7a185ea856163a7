/// `bootholdctl status` output: the human text and the `--json` document, both rendered from
/// ProfileStatus values. `time` turns µs since the epoch into the reader's local time (I/O,
/// so it is passed in).
public struct StatusReport {
    public var profiles: [ProfileStatus]
    public var time: (UInt64) -> String

    public init(profiles: [ProfileStatus], time: @escaping (UInt64) -> String) {
        self.profiles = profiles
        self.time = time
    }

    /// The worst verdict's exit status: 0 when no profile is at risk.
    public var exitStatus: Int32 { profiles.map { $0.verdict.exitStatus }.max() ?? 0 }

    public var text: String {
        profiles.map(profileText).joined(separator: "\n")
    }

    private func profileText(_ p: ProfileStatus) -> String {
        var lines = ["\(p.name): \(p.verdict.line)"]
        func field(_ label: String, _ values: [String]) {
            guard let first = values.first else { return }
            let pad = String(repeating: " ", count: max(0, 11 - label.count))
            lines.append("  \(label):\(pad)\(first)")
            for value in values.dropFirst() { lines.append("              " + value) }
        }
        switch p.generation {
        case .generated(_, let decision, let pathLines):
            field("generated", [decision] + pathLines)
        case .notGenerated(let reason):
            field("generated", ["no: \(reason)"])
        }
        if let why = p.unitsUnavailable {
            field("units", ["unknown: \(why)"])
        } else {
            field("units", p.units.flatMap { unitLines($0, shipped: $0.name == p.reportUnitName) })
        }
        var staged = "\(p.staged == .staged ? "yes" : p.staged == .notStaged ? "no" : "unknown") (\(p.stagedFile))"
        if let locked = p.locked { staged += locked ? ", locked" : ", not locked" }
        field("staged", [staged])
        field("paths", p.paths.map(pathLine))
        field("last", [lastLine(p)])
        return lines.joined(separator: "\n") + "\n"
    }

    /// `shipped`: a unit boothold installs itself (the report template), not one it generates:
    /// not "not boothold's" when it comes from a unit directory.
    private func unitLines(_ u: UnitStatus, shipped: Bool) -> [String] {
        guard u.loadState == "loaded" else { return ["\(u.name): \(u.loadState)"] }
        var line = "\(u.name): \(u.activeState) (\(u.subState))"
        if u.sinceRealtimeMicroseconds > 0 { line += " since \(time(u.sinceRealtimeMicroseconds))" }
        if u.mainPID > 0 { line += ", PID \(u.mainPID)" }
        if !u.result.isEmpty, u.result != "success" { line += ", result \(u.result)" }
        var lines = [line, "  from \(u.fragmentPath.isEmpty ? "(no unit file)" : u.fragmentPath)\(u.isGenerated || shipped ? "" : " (not boothold's)")"]
        lines += u.dropIns.map { "  drop-in \($0)" }
        return lines
    }

    private func pathLine(_ s: PathStatus) -> String {
        if let why = s.unreadable { return "\(s.path): unknown (\(why))" }
        var line = s.path + ": "
        switch (s.automount, s.mounted) {
        case (true, nil): line += "automount, idle (nothing mounted)"
        case (true, let type?): line += "automount, mounted (\(type))"
        case (false, let type?): line += "mounted (\(type))"
        case (false, nil): line += "not a mount point"
        }
        if !s.users.isEmpty {
            line += "; busy: " + s.users.map { user in
                "\(user.command)[\(user.pid)]\(user.unit.isEmpty ? "" : " (\(user.unit))") \(user.use == .openFile ? "open file" : "working directory")"
            }.joined(separator: ", ")
        }
        return line
    }

    private func lastLine(_ p: ProfileStatus) -> String {
        let reported = p.lastOutcome.reported ? ", reported at boot" : ""
        if let result = p.lastOutcome.result {
            let at = result.finishedRealtimeMicroseconds > 0 ? " at \(time(result.finishedRealtimeMicroseconds))" : ""
            let applied = result.notApplied ? " (not applied)" : ""
            return "\(result.outcome.rawValue)\(applied)\(at): \(result.reason)\(reported)"
        }
        if p.lastOutcome.started != nil {
            return "started\(p.lastOutcome.startedAt.map { " at \($0)" } ?? "") and never finished\(reported)"
        }
        return "no finalization recorded"
    }

    /// `--json`: one object, `{"profiles":[…],"exit_status":N}`; the keys are documented in
    /// bootholdctl(8) and stay stable.
    public var json: String {
        JSONValue.object([
            ("profiles", .array(profiles.map(profileJSON))),
            ("exit_status", .integer(Int64(exitStatus))),
        ]).rendered + "\n"
    }

    private func profileJSON(_ p: ProfileStatus) -> JSONValue {
        let verdict = p.verdict
        var generated: [(String, JSONValue)]
        switch p.generation {
        case .generated(let paired, let decision, let pathLines):
            generated = [("generated", .bool(true)), ("paired", .bool(paired)), ("decision", .string(decision)),
                         ("paths", .array(pathLines.map(JSONValue.string)))]
        case .notGenerated(let reason):
            generated = [("generated", .bool(false)), ("reason", .string(reason))]
        }
        let last: JSONValue
        if p.lastOutcome.started == nil, p.lastOutcome.result == nil {
            last = .null
        } else {
            last = .object([
                ("started_usec", p.lastOutcome.started.map { .integer(Int64($0.startedRealtimeMicroseconds)) } ?? .null),
                ("outcome", .string(p.lastOutcome.result?.outcome.rawValue)),
                ("not_applied", .bool(p.lastOutcome.result?.notApplied ?? false)),
                ("reason", .string(p.lastOutcome.result?.reason)),
                ("finished_usec", p.lastOutcome.result.map { .integer(Int64($0.finishedRealtimeMicroseconds)) } ?? .null),
                ("reported", .bool(p.lastOutcome.reported)),
            ])
        }
        return .object([
            ("name", .string(p.name)),
            ("verdict", .string(verdict.identifier)),
            ("message", .string(verdict.message)),
            ("generator", .object(generated)),
            ("units", p.unitsUnavailable == nil ? .array(p.units.map(unitJSON)) : .null),
            ("units_unavailable", .string(p.unitsUnavailable)),
            ("staged_file", .string(p.stagedFile)),
            ("staged", p.staged == .unknown ? .null : .bool(p.staged == .staged)),
            ("locked", p.locked.map(JSONValue.bool) ?? .null),
            ("paths", .array(p.paths.map(pathJSON))),
            ("last_outcome", last),
        ])
    }

    private func unitJSON(_ u: UnitStatus) -> JSONValue {
        .object([
            ("name", .string(u.name)), ("load_state", .string(u.loadState)), ("active_state", .string(u.activeState)),
            ("sub_state", .string(u.subState)), ("result", .string(u.result)), ("fragment_path", .string(u.fragmentPath)),
            ("generated", .bool(u.isGenerated)), ("drop_ins", .array(u.dropIns.map(JSONValue.string))),
            ("main_pid", .integer(Int64(u.mainPID))), ("since_usec", .integer(Int64(u.sinceRealtimeMicroseconds))),
        ])
    }

    private func pathJSON(_ s: PathStatus) -> JSONValue {
        .object([
            ("path", .string(s.path)), ("automount", .bool(s.automount)), ("mounted", .string(s.mounted)),
            ("unreadable", .string(s.unreadable)),
            ("users", .array(s.users.map { user in
                .object([("pid", .integer(Int64(user.pid))), ("command", .string(user.command)),
                         ("use", .string(user.use.rawValue)), ("unit", .string(user.unit))])
            })),
        ])
    }
}
