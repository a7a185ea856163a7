/// How the evidence for a path reads, in the unit headers, the log and `--explain`: the one
/// place its words are chosen, and the one place they are made safe to show (control
/// characters as `\xNN`, `Display`), when they leave as text.
enum EvidenceText {
    /// What is shown for `evidence`: its words, escaped.
    static func shown(_ evidence: AutomountEvidence) -> String {
        Display.escaped(words(evidence))
    }

    /// `/boot: will be an automount: fstab x-systemd.automount in /etc/fstab`: the header
    /// line and `--explain` line of one path.
    static func pathLine(_ path: PathDecision) -> String {
        let verdict = path.evidence.needsHold ? "will be an automount" : "no automount"
        return "\(shownPath(path)): \(verdict): \(shown(path.evidence))"
    }

    /// `/boot/efi (RequiresMountsFor= in FILE:LINE)` for a drop-in's mount, else the path.
    static func shownPath(_ path: PathDecision) -> String {
        guard let requiredBy = path.requiredBy else { return Display.escaped(path.path) }
        return "\(Display.escaped(path.path)) (\(Display.escaped(requiredBy)))"
    }

    /// The words, unescaped.
    static func words(_ evidence: AutomountEvidence) -> String {
        switch evidence {
        case .autofsMounted:
            "autofs is mounted there (/proc/self/mountinfo)"
        case .automountUnitEnabled(let unit, let unitPath, let link):
            "\(unit) is enabled (\(unitPath), pulled in by \(link))"
        case .automountUnitMasked(let unit, let unitPath):
            "\(unit) is masked (\(unitPath)), so there is no automount at all"
        case .fstabAutomount(let source, let option):
            "\(source.name) \(option) \(source.location)"
        case .gptAuto(let finding):
            finding.reason
        case .beneath(let ancestor, let evidence):
            "reached through \(ancestor): \(words(evidence))"
        case .unreadable(let input, let reason):
            "cannot read \(input) (\(reason)), treated as an automount"
        case .notExamined(let input):
            "\(input) was not examined, treated as an automount"
        case .none(let reason):
            reason
        }
    }
}
