/// The generator's whole decision: a snapshot of the machine in, files, links, decisions
/// and log lines out. No I/O.
public enum GeneratorPlanner {
    public static func plan(_ snapshot: MachineSnapshot, libexecDirectory: String) -> GeneratorOutput {
        var output = GeneratorOutput()
        func log(_ level: LogLevel, _ message: String) { output.diagnostics.append(Diagnostic(level, message)) }

        // Guard clauses, each ending the run with one line saying why.
        guard !snapshot.inInitrd else {
            log(.debug, "In the initrd, exiting.")
            return output
        }
        var commandLine: KernelCommandLine? = nil
        switch snapshot.kernelCommandLine {
        case .value(let parsed):
            commandLine = parsed
        case .unreadable(let reason):
            log(.warning, "Cannot read the kernel command line (\(reason)); boothold= and boothold.hold= are not honoured and automounts are assumed where it matters.")
        }
        if let commandLine {
            let (enabled, invalid) = commandLine.boolean(of: "boothold")
            for value in invalid { log(.warning, "Invalid boothold=\(Display.escaped(value)) on the kernel command line, ignoring.") }
            guard enabled != false else {
                log(.debug, "Disabled by boothold= on the kernel command line, exiting.")
                return output
            }
        }

        let configuration = snapshot.configuration
        output.diagnostics += configuration.diagnostics
        output.decisions += configuration.skipped.map {
            ProfileDecision(name: $0.name, decision: .skipped(reason: $0.reason), reason: $0.reason, paths: [])
        }
        guard !configuration.profiles.isEmpty else {
            log(.debug, "No usable profiles configured, exiting.")
            return output
        }
        var libexec = libexecDirectory
        while libexec.count > 1, libexec.hasSuffix("/") { libexec.removeLast() }
        // systemd refuses executable paths with quotes or backslashes ("Executable name
        // contains special characters"), however they are escaped.
        guard MountPath.normalize(libexec) != nil, !libexec.contains(where: { "\\\"'".contains($0) }) else {
            log(.error, "Helper directory '\(Display.escaped(libexecDirectory))' cannot be named in ExecStart= (relative, `.`/`..`, control characters, quotes or backslashes), exiting.")
            return output
        }

        // Which systemd runs the generators decides which gpt-auto rules apply.
        let version = GptAutoRules.summary(of: snapshot.systemd)
        output.facts.append(version)
        log(.debug, version + ".")

        let override = holdOverride(commandLine, log: log)
        let prediction = AutomountPrediction(snapshot: snapshot)
        for profile in configuration.profiles {
            plan(profile, override: override, prediction: prediction, libexec: libexec, snapshot: snapshot, into: &output)
        }
        return output
    }

    /// Trigger= for this machine. `auto`: a path unit only when the updater does not start the
    /// unit itself, which its own unit set tells: an updater that ships `NAME.path` starts the
    /// finalize unit from it (ostree ≤ 2025.1, `ostree-finalize-staged.path`), one that does not
    /// starts it itself (ostree ≥ 2025.2: `ostree admin deploy --stage` runs `systemctl start`
    /// before it writes the staged file). Unknown: a path unit, which is harmless where the
    /// updater starts the unit too (a second start of an active unit does nothing), while a
    /// missing one loses every update of an updater that relies on it.
    static func trigger(of profile: StagedProfile, snapshot: MachineSnapshot) -> (ResolvedTrigger, String?) {
        switch profile.trigger {
        case .path: return (.pathUnit, nil)
        case .none: return (.updater, nil)
        case .auto: break
        }
        let names = ProfileUnitNames(profile: profile.name)
        let unit = names.path
        let service = names.finalize
        switch snapshot.pathUnits[unit] {
        case nil:
            return (.pathUnit, "a path unit: the unit path was not examined for \(unit)")
        case .unreadable(let reason):
            return (.pathUnit, "a path unit: the unit path cannot be read (\(reason)); one that is not needed is harmless, one that is missing loses the update")
        case .value(let state):
            switch state.definition {
            case .present(let path):
                return (.pathUnit, "a path unit: the updater ships \(path), so it does not start \(service) itself (as ostree up to 2025.1)")
            case .masked(let path):
                return (.pathUnit, "a path unit: the updater's \(unit) is masked (\(path)), and so is the one generated here")
            case .absent:
                return (.updater, "no path unit: the updater ships no \(unit), so it starts \(service) itself (as ostree from 2025.2 does while staging)")
            }
        }
    }

    /// `boothold.hold=auto|yes|no`: overrides every profile's Hold=; the last valid one wins.
    private static func holdOverride(_ commandLine: KernelCommandLine?, log: (LogLevel, String) -> Void) -> HoldPolicy? {
        var override: HoldPolicy? = nil
        for value in commandLine?.values(of: "boothold.hold") ?? [] {
            guard case .assigned(let text) = value, let policy = HoldPolicy(rawValue: text) else {
                let shown = if case .assigned(let text) = value { "=" + text } else { "" }
                log(.warning, "Invalid boothold.hold\(Display.escaped(shown)) on the kernel command line (expected auto, yes or no), ignoring.")
                continue
            }
            override = policy
        }
        return override
    }

    private static func plan(
        _ profile: StagedProfile, override: HoldPolicy?, prediction: AutomountPrediction, libexec: String,
        snapshot: MachineSnapshot, into output: inout GeneratorOutput
    ) {
        let (dropInMounts, dropInWarnings) = DropInReview.requiredMounts(of: profile, dropIns: snapshot.unitDropIns)
        var decision = decide(profile, dropInMounts: dropInMounts, override: override, prediction: prediction, log: &output.diagnostics)
        (decision.trigger, decision.triggerReason) = trigger(of: profile, snapshot: snapshot)
        var units = ProfileUnits(profile: profile, decision: decision, libexecDirectory: libexec, reportTemplate: snapshot.reportTemplate)
        // What the drop-ins do to the commands just planned goes into the units' headers.
        let (notes, noteLines, afterFinalize) = DropInReview.execNotes(units, in: snapshot)
        decision.dropInNotes = notes
        decision.heldFromStartReason = heldFromStartReason(decision, afterFinalize: afterFinalize, finalize: units.finalizeName)
        units.decision = decision
        let links = units.links
        var debugLines: [String] = []
        if snapshot.reportTemplate == nil {
            debugLines.append("\(profile.name): \(ProfileUnitNames.reportTemplate) not found in the unit path, no report link.")
        }

        // Two profiles must not write the same name (e.g. [a-hold] and [a] paired).
        let taken = Set(output.files.map { $0.relativePath } + output.links.map { $0.relativePath })
        if let clash = (units.files.map { $0.relativePath } + links.map { $0.relativePath }).first(where: { taken.contains($0) }) {
            let why = "\(clash) is already written by another profile"
            output.diagnostics.append(Diagnostic(.error, "\(profile.name): \(why), skipping profile."))
            output.decisions.append(ProfileDecision(name: profile.name, decision: .skipped(reason: why), reason: why, paths: decision.paths))
            return
        }
        output.files += units.files
        output.links += links
        output.decisions.append(decision)
        output.diagnostics += dropInWarnings + noteLines
        for line in debugLines { output.diagnostics.append(Diagnostic(.debug, line)) }
        output.diagnostics.append(Diagnostic(.info, "\(profile.name): \(decision.summary)"))
    }

    /// Why a paired profile's hold must hold from its start until it is stopped, not only while
    /// the staged file exists; nil when it need not. A mount that a drop-in requires and that
    /// will be an automount: its expiry stops the finalize unit whenever the unit is active,
    /// and ostree 2025.2 starts the unit before it writes the staged file. A command a drop-in
    /// adds after boothold-finalize: it runs once the staged file is gone, and between two
    /// commands the finalize unit has no process the hold could see.
    private static func heldFromStartReason(_ decision: ProfileDecision, afterFinalize: [String], finalize: String) -> String? {
        guard decision.decision == .paired else { return nil }
        if let path = decision.dropInAutomount {
            return "\(EvidenceText.shownPath(path)) will be an automount that \(finalize) requires: "
                + "its expiry would stop the unit whenever it is active, staged or not yet"
        }
        if let first = afterFinalize.first {
            return "\(first): the staged file can be gone before that runs, and between two commands "
                + "\(finalize) has no process that would keep the hold from letting go"
        }
        return nil
    }

    /// Paired or plain, and why. The evidence per path is gathered for every policy so that
    /// `--explain` shows it; only `Hold=auto` acts on it (and warns about unreadable inputs).
    private static func decide(
        _ profile: StagedProfile, dropInMounts: [DropInMount], override: HoldPolicy?, prediction: AutomountPrediction,
        log: inout [Diagnostic]
    ) -> ProfileDecision {
        let policy = override ?? profile.hold
        let policySource = override != nil ? "boothold.hold=\(policy.rawValue) on the kernel command line" : "Hold=\(policy.rawValue)"
        // A mount a drop-in requires decides like a Paths= entry: its expiry would stop the unit.
        let paths = profile.paths.map { PathDecision(path: $0, evidence: prediction.evidence(for: $0)) }
            + dropInMounts.map { PathDecision(path: $0.path, evidence: prediction.evidence(for: $0.path), requiredBy: $0.source) }
        func decision(_ hold: HoldDecision, _ reason: String) -> ProfileDecision {
            ProfileDecision(name: profile.name, decision: hold, reason: reason, paths: paths)
        }
        switch policy {
        case .yes:
            return decision(.paired, policySource)
        case .no:
            return decision(.plain, policySource)
        case .auto:
            for path in paths {
                switch path.evidence {
                case .unreadable:
                    log.append(Diagnostic(.warning, "\(profile.name): \(EvidenceText.shownPath(path)): \(EvidenceText.shown(path.evidence)), holding to be safe."))
                case .notExamined:
                    log.append(Diagnostic(.error, "\(profile.name): \(EvidenceText.shownPath(path)): \(EvidenceText.shown(path.evidence)) (a bug in the generator's reading), holding to be safe."))
                default:
                    continue
                }
            }
            guard let first = paths.first(where: { $0.evidence.needsHold }) else {
                return decision(.plain, "no path will be an automount")
            }
            return decision(.paired, "\(EvidenceText.shownPath(first)) will be an automount (\(EvidenceText.shown(first.evidence)))")
        }
    }
}
