/// The one-line answer of `bootholdctl status` for a profile: is a staged update safe, and if
/// not, why. Decided from a ProfileStatus alone, first match wins.
public struct StatusVerdict: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// Staged, and everything that makes finalization work is in place.
        case ready
        /// Nothing staged.
        case idle
        /// Staged but locked: it will not be applied at this shutdown, by the updater's choice.
        case locked
        /// Staged; finalization will still run, but a line of defence is down (nothing holds
        /// an automount): boothold-finalize would have to mount the path itself.
        case degraded = "DEGRADED"
        /// Staged, and finalization will not run or not reach its paths.
        case atRisk = "AT RISK"
        /// Nothing staged; the previous finalization did not apply its deployment.
        case notAppliedLastTime = "not applied last time"
        /// The state could not be read (PID 1 unreachable).
        case unknown
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// `ready: a deployment is staged and /boot is held`.
    public var line: String { "\(kind.rawValue): \(message)" }

    /// 0 when nothing is at risk, so a script can gate a reboot on it.
    public var exitStatus: Int32 {
        switch kind {
        case .ready, .idle, .locked, .notAppliedLastTime: 0
        case .degraded, .atRisk, .unknown: 1
        }
    }

    /// The `--json` spelling.
    public var identifier: String {
        switch kind {
        case .ready: "ready"
        case .idle: "idle"
        case .locked: "locked"
        case .degraded: "degraded"
        case .atRisk: "at-risk"
        case .notAppliedLastTime: "not-applied-last-time"
        case .unknown: "unknown"
        }
    }
}

extension ProfileStatus {
    public var verdict: StatusVerdict {
        let automounts = paths.filter { $0.automount }.map { $0.path }
        switch staged {
        case .notStaged:
            return notStagedVerdict
        case .unknown:
            return StatusVerdict(.unknown, "cannot tell whether a deployment is staged (\(stagedFile))")
        case .staged:
            break
        }

        if case .notGenerated(let reason) = generation {
            guard let first = automounts.first else {
                return StatusVerdict(.ready, "a deployment is staged; boothold generated no units (\(reason)) and no path is an automount")
            }
            return StatusVerdict(.atRisk, "a deployment is staged, \(first) is an automount and boothold generated no units (\(reason))")
        }
        guard unitsUnavailable == nil, let finalize = unit(finalizeUnitName) else {
            return StatusVerdict(.unknown, "a deployment is staged, but systemd could not be asked about \(finalizeUnitName)"
                + (unitsUnavailable.map { " (\($0))" } ?? ""))
        }
        guard finalize.activeState == "active" else {
            return StatusVerdict(.atRisk, "a deployment is staged but \(finalizeUnitName) is \(finalize.activeState): "
                + "its ExecStop= will not run at shutdown (systemctl start \(finalizeUnitName))")
        }
        guard finalize.isGenerated else {
            return StatusVerdict(.atRisk, "a deployment is staged but \(finalizeUnitName) is not boothold's "
                + "(\(finalize.fragmentPath.isEmpty ? "no unit file" : finalize.fragmentPath))")
        }
        if locked == true {
            return StatusVerdict(.locked, "a deployment is staged and locked: the updater will not apply it at shutdown")
        }

        if case .generated(paired: true, _, _) = generation {
            let hold = unit(holdUnitName)
            let holdPID = hold.map { $0.mainPID } ?? 0
            let unheld = automounts.filter { path in
                guard let status = paths.first(where: { $0.path == path }), status.mounted != nil else { return true }
                return holdPID == 0 || !status.users.contains { $0.pid == holdPID }
            }
            if let first = unheld.first {
                // A masked or missing hold is never started: say so rather than "inactive".
                let why = hold.map { hold in
                    hold.loadState != "loaded" ? "\(holdUnitName) is \(hold.loadState)"
                        : hold.activeState == "active" ? "\(holdUnitName) does not hold it" : "\(holdUnitName) is \(hold.activeState)"
                } ?? "\(holdUnitName) is not loaded"
                return StatusVerdict(.degraded, "a deployment is staged, \(first) is an automount and nothing holds it (\(why)); "
                    + "at shutdown boothold-finalize mounts it itself")
            }
            let held = automounts.joined(separator: ", ")
            return StatusVerdict(.ready, "a deployment is staged and \(held.isEmpty ? "its paths are" : held + " is") held")
        }
        if let first = automounts.first {
            return StatusVerdict(.degraded, "a deployment is staged and \(first) is an automount, but the units were generated "
                + "without a hold; at shutdown boothold-finalize mounts it itself")
        }
        return StatusVerdict(.ready, "a deployment is staged and no path is an automount")
    }

    private var notStagedVerdict: StatusVerdict {
        let report = ReportVerdict(name: name, started: lastOutcome.started, result: lastOutcome.result,
                                   startedAt: lastOutcome.startedAt)
        // A success the report still mentions (boothold-finalize had to mount a path itself)
        // was applied: idle, and the line says which defence was down.
        if case .report(let messageID, _, let message, _) = report, messageID != FinalizeMessageID.reportMountedByFinalize {
            return StatusVerdict(.notAppliedLastTime, message)
        }
        let fallbacks = lastOutcome.result?.reached.compactMap { $0.fallbackSentence } ?? []
        guard !fallbacks.isEmpty else { return StatusVerdict(.idle, "nothing staged") }
        return StatusVerdict(.idle, "nothing staged; at the last finalization " + fallbacks.joined(separator: "; "))
    }
}
