import Testing

@testable import BootHoldCore

struct GuardCase: Sendable, CustomTestStringConvertible {
    var name: String
    var machine: Machine
    var libexec = "/usr/libexec/boothold"
    var level: LogLevel
    var says: String
    /// How many profiles the run reports as skipped (the rest write nothing and report nothing).
    var skipped = 0
    var testDescription: String { name }
}

let guardCases: [GuardCase] = [
    .init(name: "initrd", machine: Machine().with { $0.inInitrd = true }, level: .debug, says: "initrd"),
    .init(name: "boothold=0", machine: Machine().with { $0.commandLine = "quiet boothold=0" }, level: .debug, says: "boothold="),
    .init(name: "boothold=no", machine: Machine().with { $0.commandLine = "boothold=no" }, level: .debug, says: "boothold="),
    .init(name: "boothold=FALSE after boothold=1", machine: Machine().with { $0.commandLine = "boothold=1 boothold=FALSE" }, level: .debug, says: "boothold="),
    .init(name: "no configuration", machine: Machine().with { $0.configuration = [] }, level: .debug, says: "No usable profiles"),
    .init(name: "only invalid profiles", machine: Machine().with { $0.configuration = [conf("/etc/b.conf", "[x]\nHold=yes\n")] }, level: .debug, says: "No usable profiles", skipped: 1),
    .init(name: "relative helper directory", machine: Machine(), libexec: "usr/libexec", level: .error, says: "Helper directory"),
    .init(name: "helper directory with a quote", machine: Machine(), libexec: "/opt/it's", level: .error, says: "Helper directory"),
]

@Test("guard clauses write nothing and say why", arguments: guardCases)
func guardClauses(_ c: GuardCase) {
    let output = GeneratorPlanner.plan(c.machine.snapshot, libexecDirectory: c.libexec)
    #expect(output.files.isEmpty)
    #expect(output.links.isEmpty)
    #expect(output.diagnostics.last?.level == c.level)
    #expect(output.diagnostics.last?.message.contains(c.says) == true, "\(output.diagnostics)")
    // Not vacuous: the count is checked too (one skipped profile, or none at all).
    #expect(output.decisions.count == c.skipped)
    #expect(output.decisions.allSatisfy { if case .skipped = $0.decision { true } else { false } })
}

@Test func containerIsNotAGuard() {
    let output = Machine().with { $0.inContainer = true }.plan()
    #expect(output.fileNames.contains("ostree-finalize-staged.service"))
}

@Test func kernelCommandLineOverridesHold() throws {
    let automount = Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount")
    let table: [(Machine, String, HoldDecision, String)] = [
        (Machine(), "boothold.hold=yes", .paired, "boothold.hold=yes on the kernel command line"),
        (automount, "boothold.hold=no", .plain, "boothold.hold=no on the kernel command line"),
        (automount, "boothold.hold=no boothold.hold=auto", .paired, "/boot will be an automount"),
        (automount, "boothold.hold=no boothold.hold=sometimes", .plain, "boothold.hold=no on the kernel command line"),
        (automount, "rd.boothold.hold=no", .paired, "/boot will be an automount"),
    ]
    for (machine, commandLine, expected, reason) in table {
        let output = machine.with { $0.commandLine = commandLine }.plan()
        let decision = try #require(output.decisions.first)
        #expect(decision.decision == expected, "\(commandLine)")
        #expect(decision.reason.hasPrefix(reason), "\(commandLine): \(decision.reason)")
    }
    let invalid = automount.with { $0.commandLine = "boothold.hold=sometimes" }.plan()
    #expect(invalid.messages(.warning).contains { $0.contains("boothold.hold=sometimes") && $0.hasSuffix("ignoring.") })
}

@Test func profileHoldYesAndNo() throws {
    let yes = Machine().with { $0.configuration = [conf("/etc/boothold/boothold.conf", minimal + "Hold=yes\n")] }.plan()
    #expect(yes.decisions.first?.decision == .paired)
    #expect(yes.decisions.first?.reason == "Hold=yes")
    #expect(yes.messages(.info) == ["demo: paired with demo-hold.service: Hold=yes"])
    let no = Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount").with {
        $0.configuration = [conf("/etc/boothold/boothold.conf", minimal + "Hold=no\n")]
    }.plan()
    #expect(no.decisions.first?.decision == .plain)
    #expect(no.fileNames == ["demo.service", "demo.path"])
    // The evidence is still recorded for --explain, without warnings.
    #expect(no.decisions.first?.paths.first?.evidence.needsHold == true)
}

@Test func twoProfilesAndOneInvalid() throws {
    let machine = Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount").with {
        $0.configuration.append(conf("/etc/boothold/boothold.conf.d/50-vendor.conf", """
            [vendor-ab]
            Staged=/run/vendor/next-slot
            Finalize=/usr/libexec/vendor/switch-slot --commit
            Paths=/efi
            Trigger=none
            LockFile=/run/vendor/lock

            [broken]
            Staged=/run/x
            """))
        $0.mountPoints["/efi"] = .value(.nonEmptyDirectory)
    }
    let output = machine.plan()
    #expect(output.decisions.map(\.name) == ["broken", "ostree-finalize-staged", "vendor-ab"])
    // The skip names the file, the line, the profile and the key, as the logged error does.
    let skip = "/etc/boothold/boothold.conf.d/50-vendor.conf:8: [broken] Finalize= is not set, skipping profile."
    #expect(output.decisions.map(\.decision) == [.skipped(reason: skip), .paired, .plain])
    #expect(output.fileNames == ["ostree-finalize-staged.service", "ostree-finalize-staged-hold.service", "ostree-finalize-staged.path",
                                 "ostree-finalize-staged-start.timer", "vendor-ab.service"])
    #expect(output.links.map(\.relativePath) == ["paths.target.wants/ostree-finalize-staged.path",
                                                 "timers.target.wants/ostree-finalize-staged-start.timer"])
    let vendor = try #require(output.file("vendor-ab.service"))
    #expect(vendor.contains(#""--lock" "/run/vendor/lock""#))
    #expect(vendor.contains("SourcePath=/etc/boothold/boothold.conf.d/50-vendor.conf\n"))
    #expect(!vendor.contains("ConditionPathExists"))
    #expect(output.messages(.error).count == 1)
    #expect(output.messages(.error) == [skip])
    #expect(output.messages(.info).count == 2)
}

@Test func profilesThatWouldWriteTheSameFileClash() throws {
    let machine = Machine().with {
        $0.configuration = [conf("/etc/boothold/boothold.conf", """
            [a]
            Staged=/run/a
            Finalize=/bin/a
            Hold=yes
            Trigger=none
            [a-hold]
            Staged=/run/b
            Finalize=/bin/b
            Trigger=none

            """)]
    }
    let output = machine.plan()
    #expect(output.fileNames == ["a.service", "a-hold.service"])
    #expect(output.decisions.last?.decision == .skipped(reason: "a-hold.service is already written by another profile"))
    #expect(output.messages(.error) == ["a-hold: a-hold.service is already written by another profile, skipping profile."])
}

@Test func reportLinkOnlyWhenTheTemplateIsInstalled() {
    let without = Machine().plan()
    #expect(!without.links.contains { $0.relativePath.contains("boothold-report@") })
    #expect(without.messages(.debug).contains { $0.contains("boothold-report@.service not found") })
    let with = Machine().with { $0.reportTemplate = "/lib/systemd/system/boothold-report@.service" }.plan()
    #expect(with.links.contains(GeneratedLink(relativePath: "multi-user.target.wants/boothold-report@ostree-finalize-staged.service", target: "/lib/systemd/system/boothold-report@.service")))
}

@Test func pathsToProbeIncludesAncestorsBootAndEfi() {
    let profiles = ProfileConfiguration.parse([conf("/a.conf", Machine.ostreeProfile + "\n[x]\nStaged=/run/x\nFinalize=/bin/x\nPaths=/efi /var/x\n")]).profiles
    #expect(AutomountRules.probes(for: profiles) == ["/sysroot", "/boot", "/efi", "/var/x", "/var"])
    #expect(AutomountRules.probes(for: []) == ["/boot", "/efi"])
}

@Test func explanationShowsDecisionsEvidenceFilesAndLinks() {
    let output = Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount").plan()
    let text = output.explanation()
    #expect(text.hasPrefix("systemd: version unknown (not examined); gpt-auto predicted with the rules of every version 249-262: a path is held when any of them would automount it\nostree-finalize-staged: paired with ostree-finalize-staged-hold.service: /boot will be an automount"))
    #expect(text.contains("\n  /boot: will be an automount: fstab x-systemd.automount in /etc/fstab\n"))
    #expect(text.contains("\n  /sysroot: no automount: "))
    for file in output.files {
        #expect(text.contains("==> \(file.relativePath) <==\n" + file.contents))
    }
    #expect(text.contains("==> paths.target.wants/ostree-finalize-staged.path -> ../ostree-finalize-staged.path\n"))
    #expect(text.hasSuffix("==> timers.target.wants/ostree-finalize-staged-start.timer -> ../ostree-finalize-staged-start.timer\n"))
    let idle = Machine().with { $0.inInitrd = true }.plan().explanation()
    #expect(idle.contains("In the initrd"))
}

/// The finalize unit is never in the boot transaction (its Before=basic.target and ostree's
/// ostree-boot-complete.service would make an ordering cycle there). Paired and
/// path-triggered, NAME-start.timer starts it after basic.target, in a transaction of its
/// own; otherwise the path unit or the updater starts it.
@Test(arguments: [("yes", "path", true), ("yes", "none", false), ("no", "path", false), ("no", "none", false)])
func neverInTheBootTransaction(_ hold: String, _ trigger: String, _ timer: Bool) throws {
    let output = Machine().with {
        $0.configuration = [conf("/etc/boothold/boothold.conf", minimal + "Hold=\(hold)\nTrigger=\(trigger)\n")]
    }.plan()
    let boot = GeneratedLink(relativePath: "basic.target.wants/demo.service", target: "../demo.service")
    #expect(!output.links.contains(boot), "\(output.links)")
    let timerLink = GeneratedLink(relativePath: "timers.target.wants/demo-start.timer", target: "../demo-start.timer")
    #expect(output.links.contains(timerLink) == timer, "\(output.links)")
    #expect((output.file("demo-start.timer") != nil) == timer)
    if timer {
        let text = try #require(output.file("demo-start.timer"))
        #expect(text.contains("\nDefaultDependencies=no\n"))
        #expect(text.contains("\nAfter=basic.target\n"))
        // Never stopped: a stop job beside the finalize unit's and basic.target's would be a cycle.
        #expect(!text.contains("\nConflicts=") && !text.contains("\nBefore="))
        #expect(text.contains("\nIgnoreOnIsolate=yes\n"))
        #expect(text.contains("\n[Timer]\nOnStartupSec=0\nUnit=demo.service\n"))
    }
    #expect(output.links.contains { $0.relativePath == "paths.target.wants/demo.path" } == (trigger == "path"))
    let finalize = output.file("demo.service") ?? ""
    #expect(finalize.contains("\nUpholds=demo-hold.service\n") == (hold == "yes"))
}
