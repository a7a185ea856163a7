import Testing

@testable import BootHoldCore

private let autoTriggered = Machine.ostreeProfile + "Trigger=auto\n"

private func planned(_ pathUnit: Reading<UnitFileState>?, trigger: String = "auto") -> GeneratorOutput {
    Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount").with {
        $0.configuration = [conf("/usr/lib/boothold/boothold.conf", Machine.ostreeProfile + "Trigger=\(trigger)\n")]
    }.snapshotWith { $0.pathUnits = pathUnit.map { ["ostree-finalize-staged.path": $0] } ?? [:] }
}

private let shipped = UnitFileState(definition: .present(path: "/lib/systemd/system/ostree-finalize-staged.path"), pulledInBy: [])

@Test func autoWritesAPathUnitWhileTheUpdaterShipsOne() throws {
    let output = planned(.value(shipped))
    #expect(output.fileNames.contains("ostree-finalize-staged.path"))
    #expect(output.links.contains(GeneratedLink(relativePath: "paths.target.wants/ostree-finalize-staged.path", target: "../ostree-finalize-staged.path")))
    #expect(!output.links.contains { $0.relativePath.hasPrefix("basic.target.wants/") })
    let reason = "a path unit: the updater ships /lib/systemd/system/ostree-finalize-staged.path, so it does not start ostree-finalize-staged.service itself (as ostree up to 2025.1)"
    #expect(output.decisions.first?.triggerReason == reason)
    for file in output.files { #expect(file.contents.contains("\n# Trigger=auto: \(reason)\n"), "\(file.relativePath)") }
    #expect(output.explanation().contains("\n  Trigger=auto: \(reason)\n"))
}

@Test func autoWritesNoPathUnitWhenTheUpdaterStartsTheUnitItself() throws {
    let output = planned(.value(UnitFileState(definition: .absent, pulledInBy: [])))
    #expect(!output.fileNames.contains("ostree-finalize-staged.path"))
    #expect(!output.links.contains { $0.relativePath.hasPrefix("paths.target.wants/") || $0.relativePath.hasPrefix("basic.target.wants/") })
    #expect(output.fileNames == ["ostree-finalize-staged.service", "ostree-finalize-staged-hold.service"])
    #expect(output.decisions.first?.triggerReason == "no path unit: the updater ships no ostree-finalize-staged.path, so it starts ostree-finalize-staged.service itself (as ostree from 2025.2 does while staging)")
}

@Test func autoWritesAPathUnitWhenItCannotTell() throws {
    let unreadable = planned(.unreadable(reason: "EACCES"))
    #expect(unreadable.fileNames.contains("ostree-finalize-staged.path"))
    #expect(unreadable.decisions.first?.triggerReason?.hasPrefix("a path unit: the unit path cannot be read (EACCES)") == true)
    let masked = planned(.value(UnitFileState(definition: .masked(path: "/etc/systemd/system/ostree-finalize-staged.path"), pulledInBy: [])))
    #expect(masked.fileNames.contains("ostree-finalize-staged.path"))
    #expect(masked.decisions.first?.triggerReason == "a path unit: the updater's ostree-finalize-staged.path is masked (/etc/systemd/system/ostree-finalize-staged.path), and so is the one generated here")
}

@Test(arguments: ["path", "none"])
func explicitTriggersIgnoreTheMachine(_ trigger: String) throws {
    for state in [Reading.value(shipped), .value(UnitFileState(definition: .absent, pulledInBy: []))] {
        let output = planned(state, trigger: trigger)
        #expect(output.fileNames.contains("ostree-finalize-staged.path") == (trigger == "path"))
        #expect(output.decisions.first?.triggerReason == nil)
        #expect(!(output.file("ostree-finalize-staged.service") ?? "").contains("Trigger=auto"))
    }
}

@Test func triggerAutoParses() throws {
    let (profiles, diagnostics) = ProfileConfiguration.parse([conf("/a.conf", autoTriggered)])
    #expect(diagnostics.isEmpty)
    #expect(profiles.first?.trigger == .auto)
}
