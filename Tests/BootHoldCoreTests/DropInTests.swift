import Testing

@testable import BootHoldCore

@Test func dropInDirectoriesFollowSystemdsOrder() {
    let directories = UnitDropInLayout.directories(for: "ostree-finalize-staged.service")
    #expect(UnitDropInLayout.dashPrefixes(of: "ostree-finalize-staged.service") == ["ostree-finalize-.service", "ostree-.service"])
    #expect(UnitDropInLayout.dashPrefixes(of: "ostree-finalize-staged-hold.service") == ["ostree-finalize-staged-.service", "ostree-finalize-.service", "ostree-.service"])
    #expect(UnitDropInLayout.dashPrefixes(of: "plain.service") == [])
    #expect(UnitDropInLayout.dashPrefixes(of: "-odd.service") == [])
    #expect(Array(directories.prefix(4)) == [
        "/etc/systemd/system.control/ostree-finalize-staged.service.d",
        "/etc/systemd/system.control/ostree-finalize-.service.d",
        "/etc/systemd/system.control/ostree-.service.d",
        "/run/systemd/system.control/ostree-finalize-staged.service.d",
    ])
    // The type's own drop-ins come last, after every name-specific directory.
    #expect(directories.suffix(10).allSatisfy { $0.hasSuffix("/service.d") })
    #expect(directories.count == 10 * 3 + 10)
}

@Test func sameNameHigherDirectoryWinsAndMasksHide() {
    let unit = "ostree-finalize-staged.service"
    let found = [
        DropInFile(directory: "/usr/lib/systemd/system/ostree-finalize-staged.service.d", name: "10-a.conf", masked: false),
        DropInFile(directory: "/etc/systemd/system/ostree-.service.d", name: "10-a.conf", masked: false),
        DropInFile(directory: "/usr/lib/systemd/system/ostree-finalize-staged.service.d", name: "20-b.conf", masked: false),
        DropInFile(directory: "/etc/systemd/system/ostree-finalize-staged.service.d", name: "20-b.conf", masked: true),
        DropInFile(directory: "/usr/lib/systemd/system/service.d", name: "05-all.conf", masked: false),
        // A more specific name in the same directory beats the dash prefix.
        DropInFile(directory: "/run/systemd/system/ostree-.service.d", name: "30-c.conf", masked: false),
        DropInFile(directory: "/run/systemd/system/ostree-finalize-staged.service.d", name: "30-c.conf", masked: false),
        DropInFile(directory: "/usr/lib/systemd/system/ostree-finalize-staged.service.d", name: "README", masked: false),
    ]
    #expect(UnitDropInLayout.effective(found, for: unit) == [
        "/usr/lib/systemd/system/service.d/05-all.conf",
        "/etc/systemd/system/ostree-.service.d/10-a.conf",
        "/run/systemd/system/ostree-finalize-staged.service.d/30-c.conf",
    ])
}

private func dropIn(_ path: String, _ text: String, unit: String = "ostree-finalize-staged.service") -> UnitDropIn {
    UnitDropIn(unit: unit, path: path, contents: Array(text.utf8))
}

@Test func mountsTheDropInsRequire() {
    let effects = DropInEffects.analyze([
        dropIn("/a.conf", "[Unit]\nRequiresMountsFor=/boot/efi \"/srv/with space\" %t/x\nRequires=boot-efi.mount network.target\n"),
        dropIn("/b.conf", "[Unit]\nBindsTo=efi.mount\nPartOf=var-lib\\x2dx.mount\nRequisite=-.mount\nWants=home.mount\nRequiresMountsFor=%m/x relative\n[Service]\nRequiresMountsFor=/ignored\n"),
    ], unit: "ostree-finalize-staged.service", ownCommands: [:])
    #expect(effects.mounts == [
        DropInMount(path: "/boot/efi", source: "RequiresMountsFor= in /a.conf:2"),
        DropInMount(path: "/srv/with space", source: "RequiresMountsFor= in /a.conf:2"),
        DropInMount(path: "/run/x", source: "RequiresMountsFor= in /a.conf:2"),
        DropInMount(path: "/efi", source: "BindsTo=efi.mount in /b.conf:2"),
        DropInMount(path: "/var/lib-x", source: "PartOf=var-lib\\x2dx.mount in /b.conf:3"),
        DropInMount(path: "/", source: "Requisite=-.mount in /b.conf:4"),
    ])
    #expect(effects.problems.count == 2)
    #expect(effects.problems[0].contains("%m/x has a specifier the generator cannot resolve"))
}

@Test func execResetsAndAdditions() {
    let own = ["ExecStop": "/usr/libexec/boothold/boothold-finalize"]
    let reset = DropInEffects.analyze([
        dropIn("/a.conf", "[Service]\nExecStop=/usr/bin/early\nExecStopPost=/usr/bin/post\n"),
        dropIn("/b.conf", "[Service]\nExecStop=\nExecStop=-/usr/bin/kyth finalize\n"),
    ], unit: "ostree-finalize-staged.service", ownCommands: own)
    #expect(reset.execChanges == [
        .reset(key: "ExecStop", at: "/b.conf:2", dropsOwn: true, remaining: ["-/usr/bin/kyth finalize"]),
        .added(key: "ExecStopPost", at: "/a.conf:3", command: "/usr/bin/post"),
    ])
    // Naming boothold-finalize again after the reset keeps it.
    let readded = DropInEffects.analyze([
        dropIn("/a.conf", "[Service]\nExecStop=\nExecStop=/usr/libexec/boothold/boothold-finalize --name x\n"),
    ], unit: "ostree-finalize-staged.service", ownCommands: own)
    #expect(readded.execChanges == [.reset(key: "ExecStop", at: "/a.conf:2", dropsOwn: false, remaining: ["/usr/libexec/boothold/boothold-finalize --name x"])])
}

@Test func unitNamesToPaths() {
    #expect(UnitName.toPath("boot-efi.mount", suffix: ".mount") == "/boot/efi")
    #expect(UnitName.toPath("-.mount", suffix: ".mount") == "/")
    #expect(UnitName.toPath("srv-with\\x20space.mount", suffix: ".mount") == "/srv/with space")
    #expect(UnitName.toPath("boot-.mount", suffix: ".mount") == nil)
    #expect(UnitName.toPath("boot--efi.mount", suffix: ".mount") == nil)
    #expect(UnitName.toPath("boot\\x2.mount", suffix: ".mount") == nil)
    for path in ["/boot/efi", "/srv/with space", "/var/lib-x"] {
        #expect(UnitName.toPath(UnitName.fromPath(path, suffix: ".mount")!, suffix: ".mount") == path)
    }
}

private let fstabAutomountBoot = Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount")

@Test func anAutomountADropInRequiresIsHeld() throws {
    let machine = Machine().fstabLine("UUID=1 /boot ext4 defaults").fstabLine("UUID=2 /boot/efi vfat x-systemd.automount").with {
        $0.mountPoints["/boot/efi"] = .value(.emptyDirectory)
    }
    var snapshot = machine.snapshot
    snapshot.unitDropIns = [dropIn("/usr/lib/systemd/system/ostree-finalize-staged.service.d/10-armada.conf", "[Unit]\nRequiresMountsFor=/boot/efi\n")]
    let output = GeneratorPlanner.plan(snapshot, libexecDirectory: "/usr/libexec/boothold")
    let decision = try #require(output.decisions.first)
    #expect(decision.decision == .paired)
    #expect(decision.heldPaths == ["/sysroot", "/boot", "/boot/efi"])
    let hold = try #require(output.file("ostree-finalize-staged-hold.service"))
    #expect(hold.contains("\"/sysroot\" \"/boot\" \"/boot/efi\"\n"))
    #expect(hold.contains("\nAfter=sysroot.mount boot.mount boot-efi.mount\n"))
    // Finalization itself still only requires its own Paths=.
    let finalize = try #require(output.file("ostree-finalize-staged.service"))
    #expect(!finalize.contains("\"--require\" \"/boot/efi\""))
    // The requirement stops the unit whenever the ESP expires: held from the hold's start.
    #expect(hold.contains("\"--release-when-gone\" \"/run/ostree/staged-deployment\" \"--from-start\" "))
    let why = "/boot/efi (RequiresMountsFor= in /usr/lib/systemd/system/ostree-finalize-staged.service.d/10-armada.conf:2) will be an automount that ostree-finalize-staged.service requires: its expiry would stop the unit whenever it is active, staged or not yet"
    #expect(decision.heldFromStartReason == why)
    #expect(hold.contains("\n# Held from the start until stopped: " + why + "\n"))
    #expect(output.explanation().contains("\n  held from the start until stopped: " + why + "\n"))
}

/// A command after boothold-finalize runs once the staged file is gone, and the unit has no
/// process between two commands: held from the start. Only while staged without such a
/// command, and when the commands left after a reset are one.
@Test func aCommandAfterBootholdFinalizeHoldsFromTheStart() throws {
    func hold(_ text: String?) throws -> (String, String?) {
        var snapshot = fstabAutomountBoot.snapshot
        snapshot.unitDropIns = text.map { [dropIn("/etc/systemd/system/ostree-finalize-staged.service.d/10-x.conf", $0)] } ?? []
        let output = GeneratorPlanner.plan(snapshot, libexecDirectory: "/usr/libexec/boothold")
        return (try #require(output.file("ostree-finalize-staged-hold.service")), output.decisions.first?.heldFromStartReason)
    }
    for text in ["[Service]\nExecStop=/usr/bin/esp-sync\n", "[Service]\nExecStopPost=/usr/bin/esp-sync\n",
                 "[Service]\nExecStop=\nExecStop=/usr/bin/a\nExecStop=/usr/bin/b\n"] {
        let (unit, why) = try hold(text)
        #expect(unit.contains("\"--from-start\""), "\(text)")
        #expect(why?.hasSuffix(": the staged file can be gone before that runs, and between two commands ostree-finalize-staged.service has no process that would keep the hold from letting go") == true, "\(text)")
    }
    for text in [nil, "[Service]\nExecStop=\nExecStop=/usr/bin/ostree admin finalize-staged\n", "[Service]\nEnvironment=A=1\n"] {
        let (unit, why) = try hold(text)
        #expect(!unit.contains("--from-start"), "\(text ?? "no drop-in")")
        #expect(why == nil)
    }
}

@Test func aPlainMountADropInRequiresChangesNothing() throws {
    let machine = Machine().fstabLine("UUID=1 /boot ext4 defaults").fstabLine("UUID=2 /boot/efi vfat umask=0077")
    let before = machine.plan()
    let after = machine.with {
        $0.unitDropIns = [dropIn("/etc/systemd/system/ostree-finalize-staged.service.d/10-x.conf", "[Unit]\nRequiresMountsFor=/boot/efi\n")]
    }.plan()
    #expect(after.decisions.first?.decision == .plain)
    #expect(after.fileNames == before.fileNames)
    #expect(after.decisions.first?.paths.last?.summary.hasPrefix("/boot/efi (RequiresMountsFor= in /etc/systemd/system/ostree-finalize-staged.service.d/10-x.conf:2): no automount") == true)
}

@Test func execStopResetIsWarnedAboutWithWhatIsLostAndWhatStillProtects() throws {
    var snapshot = fstabAutomountBoot.snapshot
    snapshot.unitDropIns = [dropIn("/etc/systemd/system/ostree-finalize-staged.service.d/10-kyth.conf", "[Service]\nExecStop=\nExecStop=/usr/bin/kyth finalize\n")]
    let output = GeneratorPlanner.plan(snapshot, libexecDirectory: "/usr/libexec/boothold")
    let warning = try #require(output.messages(.warning).first)
    #expect(warning == "ostree-finalize-staged.service: /etc/systemd/system/ostree-finalize-staged.service.d/10-kyth.conf:2 resets ExecStop=, which drops boothold-finalize: lost are its check that /sysroot /boot are mounted, its deadline within TimeoutStopSec=, its outcome records and the next boot's report of them. Still protecting the update: ExecStop=/usr/bin/kyth finalize runs at shutdown, and ostree-finalize-staged-hold.service keeps /sysroot /boot mounted until it has finished.")
    #expect(output.file("ostree-finalize-staged.service")?.contains("\n# Drop-in: Warning: /etc/systemd/system/ostree-finalize-staged.service.d/10-kyth.conf:2 resets ExecStop=") == true)
    #expect(output.explanation().contains("\n  drop-in: Warning: /etc/systemd/system/ostree-finalize-staged.service.d/10-kyth.conf:2 resets ExecStop="))

    // Nothing left, and a plain profile.
    var plain = Machine().fstabLine("UUID=1 /boot ext4 defaults").snapshot
    plain.unitDropIns = [dropIn("/etc/x.conf", "[Service]\nExecStop=\n")]
    let empty = GeneratorPlanner.plan(plain, libexecDirectory: "/usr/libexec/boothold")
    #expect(try #require(empty.messages(.warning).first).hasSuffix("Nothing is left in ExecStop=: the staged deployment is not finalized at shutdown."))
    plain.unitDropIns = [dropIn("/etc/x.conf", "[Service]\nExecStop=\nExecStop=/usr/bin/ostree admin finalize-staged\n")]
    #expect(try #require(GeneratorPlanner.plan(plain, libexecDirectory: "/usr/libexec/boothold").messages(.warning).first)
        .hasSuffix("Still protecting the update: ExecStop=/usr/bin/ostree admin finalize-staged runs at shutdown, with RequiresMountsFor=/sysroot /boot."))
}

@Test func holdExecStartResetIsWarnedAbout() throws {
    var snapshot = fstabAutomountBoot.snapshot
    snapshot.unitDropIns = [dropIn("/etc/h.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/ostree admin finalize-staged --hold\n", unit: "ostree-finalize-staged-hold.service")]
    let output = GeneratorPlanner.plan(snapshot, libexecDirectory: "/usr/libexec/boothold")
    #expect(output.messages(.warning) == ["ostree-finalize-staged-hold.service: /etc/h.conf:2 resets ExecStart=, which drops boothold-hold: nothing keeps /sysroot /boot mounted while a deployment is staged (ExecStart=/usr/bin/ostree admin finalize-staged --hold runs instead). Still protecting the update: boothold-finalize checks at shutdown that they are mounted."])
}

@Test func dropInNotesCannotInjectUnitSettings() throws {
    var snapshot = fstabAutomountBoot.snapshot
    snapshot.unitDropIns = [dropIn("/etc/x.conf", "[Service]\nExecStopPost=/bin/x \u{1b}\rExecStart=/evil\n")]
    let output = GeneratorPlanner.plan(snapshot, libexecDirectory: "/usr/libexec/boothold")
    let finalize = try #require(output.file("ostree-finalize-staged.service"))
    for line in finalize.split(separator: "\n") where line.contains("ExecStart=/evil") {
        #expect(line.hasPrefix("#"), "\(line)")
    }
    #expect(finalize.contains("\\x1b"))
}
