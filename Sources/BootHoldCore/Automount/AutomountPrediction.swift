/// Will a path be an automount? The rules of `AutomountRules.all`, evaluated in order over a
/// snapshot; the first rule that decides gives the evidence.
///
/// When an input a rule needs cannot be read, the answer is `.unreadable`, which counts as
/// an automount: a needless hold costs one idle process, a missing one loses an update
/// (ostree#2543).
///
/// One per generator run: it indexes the snapshot once (`AutomountInputs`) and decides each
/// distinct path once, however many profiles name it or lie below it.
final class AutomountPrediction {
    let snapshot: MachineSnapshot
    private let inputs: AutomountInputs
    private var decided: [[UInt8]: AutomountEvidence] = [:]

    init(snapshot: MachineSnapshot) {
        self.snapshot = snapshot
        inputs = AutomountInputs(snapshot: snapshot)
    }

    /// The evidence for `path`, or else for the nearest mount point above it that will be an
    /// automount: `Paths=/boot/loader` is reached through a `/boot` automount, and the hold's
    /// open descriptor below it keeps that automount busy just the same.
    func evidence(for path: String) -> AutomountEvidence {
        let own = evidenceAt(path)
        guard case .none = own else { return own }
        for ancestor in MountPath.ancestors(of: path) {
            let evidence = evidenceAt(ancestor)
            if evidence.needsHold { return .beneath(ancestor: ancestor, evidence) }
        }
        return own
    }

    private func evidenceAt(_ path: String) -> AutomountEvidence {
        let key = Array(path.utf8)
        if let known = decided[key] { return known }
        let evidence = evaluateRules(path)
        decided[key] = evidence
        return evidence
    }

    private func evaluateRules(_ path: String) -> AutomountEvidence {
        var checked: [String] = []
        for rule in AutomountRules.all {
            switch rule.evaluate(path, inputs) {
            case .decided(.autofsMounted): return bootTimeEvidence(for: path) ?? .autofsMounted
            case .decided(let evidence): return evidence
            case .noMatch(let why): checked.append(why)
            }
        }
        return .none(reason: checked.joined(separator: "; "))
    }

    /// On a daemon-reload the autofs is there because a unit, fstab or gpt-auto put it there.
    /// Report the rule that predicted it at boot, so that a reload writes byte-identical units
    /// (reference/systemd-generators.md, Conventions 15); only an autofs nothing predicts
    /// (e.g. `systemd-mount --automount`) is reported as rule 1. The decision is the same.
    /// The same rules as at boot (`AutomountRules.predictingAtBoot`), so a rule added to the
    /// table is also the one a reload reports.
    private func bootTimeEvidence(for path: String) -> AutomountEvidence? {
        // As the machine looked at boot: no mount at the path yet, so gpt-auto saw a mount
        // point it could use (it refuses a busy one).
        var machine = snapshot
        if case .value(let mounts) = snapshot.mounts {
            machine.mounts = .value(mounts.filter { !MountPath.same(MountPath.simplifyFstabTarget($0.target) ?? "", path) })
        }
        // An empty directory rather than a missing one: an autofs is mounted on it now, and the
        // rules of 249–256 only place the ESP on a path that exists.
        machine.mountPoints[path] = .value(.emptyDirectory)
        let atBoot = AutomountInputs(snapshot: machine)
        for rule in AutomountRules.predictingAtBoot {
            guard case .decided(let evidence) = rule.evaluate(path, atBoot) else { continue }
            if case .unreadable = evidence { return nil }
            return evidence.needsHold ? evidence : nil
        }
        return nil
    }
}
