/// Rule 4: systemd-gpt-auto-generator will automount the ESP here (`/boot` or `/efi`), by the
/// rules of the systemd version found (`GptAutoRules`), or of every version when it is
/// unknown: then the path is an automount when any of them says so. The first answer, newest
/// rules first, that is an automount or an unreadable input decides; otherwise the newest
/// rules' reason is shown. XBOOTLDR partitions are not looked for (no partition table is
/// read): the rules place the ESP as on a disk without one. Reads the kernel command line,
/// the container flag, the systemd version, the mount table, fstab, the mount points and the
/// EFI loader variable.
struct GptAuto: AutomountRule {
    func evaluate(_ path: String, _ inputs: AutomountInputs) -> AutomountAnswer {
        let snapshot = inputs.snapshot
        guard path == "/boot" || path == "/efi" else { return .noMatch("not /boot or /efi") }
        guard !snapshot.inContainer else { return .noMatch("gpt-auto does not run in a container") }
        guard let commandLine = inputs.commandLine else {
            return .decided(.unreadable(input: "the kernel command line", reason: inputs.kernelCommandLineReason))
        }
        if commandLine.boolean(of: "systemd.gpt_auto").value == false {
            return .noMatch("gpt-auto disabled on the kernel command line")
        }
        // The rules look at both places the ESP may go.
        if let missing = ["/boot", "/efi"].first(where: { snapshot.mountPoints[$0] == nil }) {
            return .decided(.notExamined(input: missing))
        }
        let ruleSets = GptAutoRules.applying(to: snapshot.systemd)
        // A known version outside the rules read is treated as unknown, so is its text.
        let version = ruleSets.count == 1 ? snapshot.systemd.major : nil
        let machine = GptAutoMachine(snapshot: snapshot, fstabEnabled: inputs.fstabEnabled, version: version)
        var newestReason: String? = nil
        for rules in ruleSets {
            switch rules.answer(for: path, on: machine) {
            case .automount(let finding): return .decided(.gptAuto(finding))
            case .unreadable(let input, let reason): return .decided(.unreadable(input: input, reason: reason))
            case .none(let why): if newestReason == nil { newestReason = why }
            }
        }
        let label = version.map { "gpt-auto of systemd \($0)" } ?? "gpt-auto"
        return .noMatch("\(label): \(newestReason ?? "no rules")")
    }
}
