import Testing

@testable import BootHoldCore

/// A machine and what the planner must conclude for the ostree profile's /boot.
struct EvidenceCase: Sendable, CustomTestStringConvertible {
    var name: String
    var machine: Machine
    var boot: AutomountEvidence
    var paired: Bool
    var testDescription: String { name }
}

extension Machine {
    func with(_ change: (inout Machine) -> Void) -> Machine {
        var copy = self
        change(&copy)
        return copy
    }
}

let autofsOnBoot = MountEntry(target: "/boot", fileSystemType: "autofs", source: "systemd-1")
let vfatOnBoot = MountEntry(target: "/boot", fileSystemType: "vfat", source: "/dev/sda1")
let enabledBootAutomount = UnitFileState(
    definition: .present(path: "/etc/systemd/system/boot.automount"),
    pulledInBy: ["/etc/systemd/system/local-fs.target.wants/boot.automount"])
/// gpt-auto's finding under the newest rules with no version known (the union's first answer).
let newestRulesESP = AutomountEvidence.gptAuto(GptAutoFinding(
    rules: .v257, version: nil, efiBoot: true, placement: nil, fstab: "no fstab entry at or under /boot or /efi"))
let gptAutoMachine = Machine().with {
    $0.loader = .value(true)
    $0.mountPoints["/boot"] = .value(.emptyDirectory)
}

let evidenceCases: [EvidenceCase] = [
    .init(name: "plain ext4 /boot", machine: Machine().fstabLine("UUID=1 /boot ext4 defaults"),
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; the fstab entry has no automount option; gpt-auto: fstab has /boot"), paired: false),
    // Rule 1, with the real file system stacked on top (search forward).
    .init(name: "reload with autofs mounted", machine: Machine().with { $0.mounts = .value([vfatOnBoot, autofsOnBoot]) },
          boot: .autofsMounted, paired: true),
    .init(name: "autofs at //boot/ in mountinfo", machine: Machine().with { $0.mounts = .value([MountEntry(target: "/boot/", fileSystemType: "autofs", source: "systemd-1")]) },
          boot: .autofsMounted, paired: true),
    // Rule 2.
    .init(name: "enabled boot.automount unit", machine: Machine().with { $0.units["boot.automount"] = .value(enabledBootAutomount) },
          boot: .automountUnitEnabled(unit: "boot.automount", unitPath: "/etc/systemd/system/boot.automount", pulledInBy: "/etc/systemd/system/local-fs.target.wants/boot.automount"), paired: true),
    .init(name: "boot.automount present but not enabled", machine: Machine().with { $0.units["boot.automount"] = .value(UnitFileState(definition: .present(path: "/usr/lib/systemd/system/boot.automount"), pulledInBy: [])) },
          boot: .none(reason: "no autofs mounted; boot.automount exists but is not enabled; no fstab entry; gpt-auto: /boot is a non-empty directory"), paired: false),
    // Rule 2 mask beats fstab (rule 3) and gpt-auto (rule 4).
    .init(name: "masked boot.automount beats fstab and gpt-auto",
          machine: gptAutoMachine.fstabLine("UUID=1 /boot vfat x-systemd.automount").with { $0.units["boot.automount"] = .value(UnitFileState(definition: .masked(path: "/etc/systemd/system/boot.automount"), pulledInBy: ["/etc/systemd/system/local-fs.target.wants/boot.automount"])) },
          boot: .automountUnitMasked(unit: "boot.automount", unitPath: "/etc/systemd/system/boot.automount"), paired: false),
    // Rule 1 beats a mask (the mounted autofs is real).
    .init(name: "autofs mounted beats a mask", machine: Machine().with {
        $0.mounts = .value([autofsOnBoot])
        $0.units["boot.automount"] = .value(UnitFileState(definition: .masked(path: "/etc/systemd/system/boot.automount"), pulledInBy: []))
    }, boot: .autofsMounted, paired: true),
    // Rule 3.
    .init(name: "fstab x-systemd.automount", machine: Machine().fstabLine("UUID=1 /boot vfat umask=0077,x-systemd.automount,x-systemd.idle-timeout=1min"),
          boot: .fstabAutomount(source: .fstab(file: "/etc/fstab"), option: "x-systemd.automount"), paired: true),
    .init(name: "fstab comment=systemd.automount", machine: Machine().fstabLine("UUID=1 /boot vfat comment=systemd.automount,nofail"),
          boot: .fstabAutomount(source: .fstab(file: "/etc/fstab"), option: "comment=systemd.automount"), paired: true),
    .init(name: "fstab target //boot/ is /boot", machine: Machine().fstabLine("UUID=1 //boot/ vfat x-systemd.automount"),
          boot: .fstabAutomount(source: .fstab(file: "/etc/fstab"), option: "x-systemd.automount"), paired: true),
    .init(name: "fstab target /boot/. is /boot", machine: Machine().fstabLine("UUID=1 /boot/. vfat x-systemd.automount"),
          boot: .fstabAutomount(source: .fstab(file: "/etc/fstab"), option: "x-systemd.automount"), paired: true),
    .init(name: "automount option as a substring does not count", machine: Machine().fstabLine("UUID=1 /boot vfat x-systemd.automountx,nox-systemd.automount"),
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; the fstab entry has no automount option; gpt-auto: fstab has /boot"), paired: false),
    // systemd splits at unescaped commas and ignores quotes (checked against 252 below).
    .init(name: "a comma inside quotes still splits options", machine: Machine().fstabLine("UUID=1 /boot vfat context=\"a,x-systemd.automount,b\""),
          boot: .fstabAutomount(source: .fstab(file: "/etc/fstab"), option: "x-systemd.automount"), paired: true),
    .init(name: "an escaped comma does not split options", machine: Machine().fstabLine("UUID=1 /boot vfat a\\,x-systemd.automount"),
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; the fstab entry has no automount option; gpt-auto: fstab has /boot"), paired: false),
    .init(name: "autofs fstab lines are ignored", machine: Machine().fstabLine("auto.boot /boot autofs x-systemd.automount"),
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; no fstab entry; gpt-auto: fstab has /boot"), paired: false),
    .init(name: "first fstab entry for a mount point wins", machine: Machine().fstabLine("UUID=1 /boot ext4 defaults").fstabLine("UUID=2 /boot/ vfat x-systemd.automount"),
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; the fstab entry has no automount option; gpt-auto: fstab has /boot"), paired: false),
    .init(name: "an autofs line does not claim the mount point", machine: Machine().fstabLine("x /boot autofs defaults").fstabLine("UUID=2 /boot vfat x-systemd.automount"),
          boot: .fstabAutomount(source: .fstab(file: "/etc/fstab"), option: "x-systemd.automount"), paired: true),
    .init(name: "automount on /boot/efi only", machine: Machine().fstabLine("UUID=1 /boot/efi vfat x-systemd.automount"),
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; no fstab entry; gpt-auto: fstab has /boot/efi"), paired: false),
    .init(name: "fstab=no skips fstab", machine: Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount").with { $0.commandLine = "fstab=no" },
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; fstab disabled on the kernel command line; gpt-auto: /boot is a non-empty directory"), paired: false),
    .init(name: "rd.fstab=no is ignored outside the initrd", machine: Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount").with { $0.commandLine = "rd.fstab=no" },
          boot: .fstabAutomount(source: .fstab(file: "/etc/fstab"), option: "x-systemd.automount"), paired: true),
    .init(name: "systemd.mount-extra= with automount", machine: Machine().with { $0.commandLine = "systemd.mount-extra=UUID=1:/boot:vfat:x-systemd.automount" },
          boot: .fstabAutomount(source: .mountExtra, option: "x-systemd.automount"), paired: true),
    .init(name: "fstab entry comes before systemd.mount-extra=", machine: Machine().fstabLine("UUID=1 /boot ext4 defaults").with { $0.commandLine = "systemd.mount-extra=UUID=1:/boot:vfat:x-systemd.automount" },
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; the fstab entry has no automount option; gpt-auto: fstab has /boot"), paired: false),
    // Rule 4.
    .init(name: "gpt-auto ESP with the loader variable", machine: gptAutoMachine, boot: newestRulesESP, paired: true),
    .init(name: "gpt-auto with /boot missing", machine: gptAutoMachine.with { $0.mountPoints["/boot"] = .value(.missing) }, boot: newestRulesESP, paired: true),
    .init(name: "gpt-auto without the loader variable", machine: gptAutoMachine.with { $0.loader = .value(false) },
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; no fstab entry; gpt-auto: no LoaderDevicePartUUID EFI variable (the boot loader did not name the ESP)"), paired: false),
    .init(name: "gpt-auto disabled on the command line", machine: gptAutoMachine.with { $0.commandLine = "systemd.gpt_auto=0" },
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; no fstab entry; gpt-auto disabled on the kernel command line"), paired: false),
    .init(name: "gpt-auto disabled, later re-enabled", machine: gptAutoMachine.with { $0.commandLine = "systemd.gpt-auto=0 systemd.gpt_auto" }, boot: newestRulesESP, paired: true),
    .init(name: "gpt-auto in a container", machine: gptAutoMachine.with { $0.inContainer = true },
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; no fstab entry; gpt-auto does not run in a container"), paired: false),
    // systemd ≥ 256 stops at any fstab entry under /boot; 254-255 only when the ESP's device
    // node is in fstab, which the generator cannot tell, so with no version known the union holds.
    .init(name: "gpt-auto with /boot/efi in fstab, version unknown", machine: gptAutoMachine.fstabLine("UUID=1 /boot/efi vfat umask=0077"),
          boot: .gptAuto(GptAutoFinding(rules: .v254, version: nil, efiBoot: true, placement: "/boot is an empty directory", fstab: "no fstab entry at /boot")), paired: true),
    .init(name: "gpt-auto with /boot/efi in fstab, systemd 257", machine: gptAutoMachine.fstabLine("UUID=1 /boot/efi vfat umask=0077").with { $0.systemd = systemd257 },
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; no fstab entry; gpt-auto of systemd 257: fstab has /boot/efi"), paired: false),
    .init(name: "gpt-auto with /efi in fstab but fstab=no", machine: gptAutoMachine.fstabLine("UUID=1 /efi vfat umask=0077").with { $0.commandLine = "fstab=0" }, boot: newestRulesESP, paired: true),
    .init(name: "gpt-auto with a populated /boot", machine: gptAutoMachine.with { $0.mountPoints["/boot"] = .value(.nonEmptyDirectory) },
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; no fstab entry; gpt-auto: /boot is a non-empty directory"), paired: false),
    .init(name: "gpt-auto with /boot a file", machine: gptAutoMachine.with { $0.mountPoints["/boot"] = .value(.notDirectory) },
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; no fstab entry; gpt-auto: /boot is not a directory"), paired: false),
    .init(name: "gpt-auto with /boot already mounted", machine: gptAutoMachine.with { $0.mounts = .value([vfatOnBoot]) },
          boot: .none(reason: "no autofs mounted; no boot.automount unit file; no fstab entry; gpt-auto: /boot is already a mount point"), paired: false),
    // Unreadable inputs resolve to a hold.
    .init(name: "unreadable mountinfo", machine: Machine().with { $0.mounts = .unreadable(reason: "EACCES") },
          boot: .unreadable(input: "/proc/self/mountinfo", reason: "EACCES"), paired: true),
    .init(name: "unreadable fstab", machine: Machine().with { $0.fstab = .unreadable(reason: "EIO") },
          boot: .unreadable(input: "/etc/fstab", reason: "EIO"), paired: true),
    .init(name: "unreadable unit directory", machine: Machine().with { $0.units["boot.automount"] = .unreadable(reason: "ELOOP") },
          boot: .unreadable(input: "the unit path for boot.automount", reason: "ELOOP"), paired: true),
    .init(name: "unreadable EFI variable", machine: gptAutoMachine.with { $0.loader = .unreadable(reason: "EPERM") },
          boot: .unreadable(input: "the EFI variable LoaderDevicePartUUID", reason: "EPERM"), paired: true),
    .init(name: "unreadable /boot state", machine: gptAutoMachine.with { $0.mountPoints["/boot"] = .unreadable(reason: "EACCES") },
          boot: .unreadable(input: "/boot", reason: "EACCES"), paired: true),
    // An unreadable input a rule never reaches does not matter.
    .init(name: "unreadable EFI variable after an fstab match", machine: Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount").with { $0.loader = .unreadable(reason: "EPERM") },
          boot: .fstabAutomount(source: .fstab(file: "/etc/fstab"), option: "x-systemd.automount"), paired: true),
]

@Test("evidence per rule and its precedence", arguments: evidenceCases)
func evidence(_ c: EvidenceCase) throws {
    let output = c.machine.plan()
    let decision = try #require(output.decisions.first)
    let boot = try #require(decision.paths.first { $0.path == "/boot" })
    #expect(boot.evidence == c.boot)
    #expect(decision.decision == (c.paired ? .paired : .plain))
    #expect(output.fileNames.contains("ostree-finalize-staged-hold.service") == c.paired)
    // The reason is in every file's header and in the info line.
    for file in output.files {
        #expect(file.contents.contains("# /boot: "))
        #expect(file.contents.contains(EvidenceText.shown(c.boot)))
    }
    #expect(output.messages(.info) == ["ostree-finalize-staged: \(decision.summary)"])
    if case .unreadable = c.boot {
        #expect(output.messages(.warning).contains { $0.contains("/boot") && $0.contains("holding to be safe") })
    }
}

@Test func unreadableCommandLineHoldsAndWarns() throws {
    let output = Machine().with { $0.commandLine = "" }.with { _ in }.snapshotWith { $0.kernelCommandLine = .unreadable(reason: "ENOENT") }
    let decision = try #require(output.decisions.first)
    #expect(decision.decision == .paired)
    #expect(output.messages(.warning).contains { $0.contains("kernel command line") })
}

extension Machine {
    /// Plans after changing the snapshot directly.
    func snapshotWith(_ change: (inout MachineSnapshot) -> Void) -> GeneratorOutput {
        var snapshot = self.snapshot
        change(&snapshot)
        return GeneratorPlanner.plan(snapshot, libexecDirectory: "/usr/libexec/boothold")
    }
}

@Test func efiIsAGptAutoCandidateToo() throws {
    let machine = gptAutoMachine.with {
        $0.configuration = [conf("/etc/boothold/boothold.conf", minimal + "Paths=/efi\n")]
        $0.mountPoints["/efi"] = .value(.missing)
        $0.mountPoints["/boot"] = .value(.nonEmptyDirectory)
    }
    let decision = try #require(machine.plan().decisions.first)
    // /boot is busy, so every version puts the ESP at /efi.
    #expect(decision.paths == [PathDecision(path: "/efi", evidence: .gptAuto(GptAutoFinding(
        rules: .v257, version: nil, efiBoot: true, placement: "/boot is a non-empty directory, so the ESP goes to /efi",
        fstab: "no fstab entry at or under /boot or /efi")))])
}

/// "/café" precomposed and decomposed are different paths to the kernel and to systemd.
@Test func pathsCompareByBytesNotByUnicodeEquivalence() throws {
    let composed = "/caf\u{e9}"
    let decomposed = "/cafe\u{301}"
    let machine = Machine().fstabLine("UUID=1 \(decomposed) vfat x-systemd.automount").with {
        $0.configuration = [conf("/etc/boothold/boothold.conf", minimal + "Paths=\(composed) \(decomposed)\n")]
    }
    let decision = try #require(machine.plan().decisions.first)
    #expect(decision.paths.count == 2)
    #expect(decision.paths.map { $0.evidence.needsHold } == [false, true])
}

/// A path below an automount point is reached through it: holding the path pins the automount.
@Test func pathBelowAnAutomountIsHeld() throws {
    let machine = Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount").with {
        $0.configuration = [conf("/etc/boothold/boothold.conf", minimal + "Paths=/boot/loader\n")]
    }
    let decision = try #require(machine.plan().decisions.first)
    let expected = AutomountEvidence.beneath(ancestor: "/boot", .fstabAutomount(source: .fstab(file: "/etc/fstab"), option: "x-systemd.automount"))
    #expect(decision.paths == [PathDecision(path: "/boot/loader", evidence: expected)])
    #expect(decision.decision == .paired)
    #expect(EvidenceText.words(expected) == "reached through /boot: fstab x-systemd.automount in /etc/fstab")
}

/// An automount below a needed path is not on the way to it.
@Test func automountBelowAPathIsNotHeld() throws {
    let machine = Machine().fstabLine("UUID=1 /boot/efi vfat x-systemd.automount").with {
        $0.configuration = [conf("/etc/boothold/boothold.conf", minimal + "Paths=/boot\n")]
    }
    let decision = try #require(machine.plan().decisions.first)
    #expect(decision.decision == .plain)
}

@Test func ancestorsNearestFirstWithoutRoot() {
    #expect(MountPath.ancestors(of: "/boot/efi/EFI") == ["/boot/efi", "/boot"])
    #expect(MountPath.ancestors(of: "/boot") == [])
    #expect(MountPath.ancestors(of: "/") == [])
    #expect(AutomountRules.probes(for: ProfileConfiguration.parse([conf("/etc/boothold/boothold.conf", minimal + "Paths=/boot/loader\n")]).profiles) == ["/boot/loader", "/boot", "/efi"])
}

/// On a BIOS boot gpt-auto does not ask for the loader variable: an empty /boot with no
/// fstab entry may get the root disk's ESP, which the generator does not probe.
@Test func gptAutoWithoutEFIHolds() throws {
    let bios = gptAutoMachine.snapshotWith { $0.efiBoot = .value(false); $0.loaderDevicePartUUID = .value(false) }
    let decision = try #require(bios.decisions.first)
    #expect(decision.paths.first { $0.path == "/boot" }?.evidence == .gptAuto(GptAutoFinding(
        rules: .v257, version: nil, efiBoot: false, placement: nil, fstab: "no fstab entry at or under /boot or /efi")))
    #expect(decision.decision == .paired)
    let populated = gptAutoMachine.with { $0.mountPoints["/boot"] = .value(.nonEmptyDirectory) }.snapshotWith { $0.efiBoot = .value(false) }
    #expect(try #require(populated.decisions.first).decision == .plain)
    let unreadable = gptAutoMachine.snapshotWith { $0.efiBoot = .unreadable(reason: "EACCES") }
    #expect(try #require(unreadable.decisions.first).paths.first { $0.path == "/boot" }?.evidence == .unreadable(input: "/sys/firmware/efi", reason: "EACCES"))
}

/// With /boot free and no /efi directory, every version puts the ESP at /boot, none at /efi
/// (no XBOOTLDR partition assumed: the generator reads no partition table).
@Test func efiIsNoCandidateWhenTheESPGoesToBoot() throws {
    let machine = gptAutoMachine.with {
        $0.configuration = [conf("/etc/boothold/boothold.conf", minimal + "Paths=/efi\n")]
        $0.mountPoints["/efi"] = .value(.missing)
    }
    let decision = try #require(machine.plan().decisions.first)
    #expect(decision.decision == .plain)
    #expect(decision.paths.first.map { EvidenceText.words($0.evidence) }?.hasSuffix("gpt-auto: the ESP goes to /boot (/boot is an empty directory)") == true)
}

/// An input the reader did not probe is not "unreadable": it holds, as the safe side, but is
/// logged as an error (a reader bug), never silently.
@Test(arguments: ["/boot", "/efi"])
func anInputNotExaminedHoldsAndIsAnError(_ missing: String) throws {
    let output = Machine().snapshotWith {
        $0.mountPoints[missing] = nil
        $0.automountUnits[UnitName.fromPath(missing, suffix: ".automount")!] = nil
    }
    let decision = try #require(output.decisions.first)
    #expect(decision.decision == .paired)
    let boot = try #require(decision.paths.last)
    #expect(boot.evidence == .notExamined(input: missing == "/boot" ? "the unit path for boot.automount" : "/efi"))
    #expect(output.messages(.error).contains { $0.contains("was not examined") && $0.contains("holding to be safe") })
    // Control: the same machine with every probe present holds nothing and logs no error.
    let control = Machine().plan()
    #expect(control.decisions.first?.decision == .plain)
    #expect(control.messages(.error).isEmpty)
}
