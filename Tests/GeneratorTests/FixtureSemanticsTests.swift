import Foundation
import Testing

/// What each fixture machine must mean, independent of the exact unit text: which profiles
/// are paired with a hold, which are plain, and the reason the decision gives.
struct FixtureSemantics: CustomStringConvertible, Sendable {
    enum Outcome: Sendable, Equatable {
        case paired(reason: String)
        case plain(reason: String)
    }

    let fixture: String
    /// Profile name → outcome; empty means the generator writes nothing.
    let profiles: [String: Outcome]
    /// Text the generator must log (a warning about an unreadable input, say).
    var logs: String? = nil

    var description: String { fixture }

    static let ostree = "ostree-finalize-staged"
    static let bootc = "bootc-finalize-staged"

    static let all: [FixtureSemantics] = [
        .init(fixture: "plain-ext4-boot", profiles: [ostree: .plain(reason: "no path will be an automount")]),
        .init(fixture: "fstab-automount-boot", profiles: [ostree: .paired(reason: "fstab x-systemd.automount in /etc/fstab")]),
        .init(fixture: "fstab-comment-systemd-automount", profiles: [ostree: .paired(reason: "comment=systemd.automount")]),
        .init(fixture: "automount-boot-efi-only", profiles: [ostree: .plain(reason: "no path will be an automount")]),
        .init(fixture: "reload-autofs-mounted", profiles: [ostree: .paired(reason: "fstab x-systemd.automount")]),
        .init(fixture: "boot-automount-enabled", profiles: [ostree: .paired(reason: "boot.automount is enabled")]),
        .init(fixture: "boot-automount-masked", profiles: [ostree: .plain(reason: "boot.automount is masked")]),
        .init(fixture: "usrmerged-vendor-automount", profiles: [ostree: .paired(reason: "/usr/lib/systemd/system/boot.automount")]),
        .init(fixture: "gpt-auto-esp-systemd-boot", profiles: [ostree: .paired(reason: "systemd-gpt-auto-generator")]),
        .init(fixture: "reload-gpt-auto-mounted", profiles: [ostree: .paired(reason: "systemd-gpt-auto-generator")]),
        .init(fixture: "gpt-auto-boot-populated", profiles: [ostree: .plain(reason: "non-empty directory")]),
        .init(fixture: "gpt-auto-disabled-cmdline", profiles: [ostree: .plain(reason: "gpt-auto disabled")]),
        .init(fixture: "container", profiles: [ostree: .plain(reason: "container")]),
        .init(fixture: "fstab-disabled-cmdline", profiles: [ostree: .plain(reason: "fstab disabled")]),
        .init(fixture: "initrd", profiles: [:]),
        .init(fixture: "initrd-env-overridden", profiles: [ostree: .paired(reason: "fstab x-systemd.automount")]),
        .init(fixture: "container-env", profiles: [ostree: .plain(reason: "gpt-auto does not run in a container")]),
        .init(fixture: "no-profiles", profiles: [:]),
        .init(fixture: "cmdline-disabled", profiles: [:]),
        .init(fixture: "cmdline-hold-override", profiles: [ostree: .paired(reason: "boothold.hold=yes")]),
        .init(fixture: "dropin-override", profiles: [ostree: .paired(reason: "Hold=yes")]),
        .init(fixture: "two-profiles", profiles: [
            ostree: .plain(reason: "no path will be an automount"),
            "vendor-ab-switch": .paired(reason: "/efi will be an automount"),
        ]),
        .init(fixture: "hostile-paths", profiles: ["hostile-x2d": .paired(reason: "/srv/with space will be an automount")]),
        // The same machine under 252 and 257 (and 255): where gpt-auto's rules differ.
        .init(fixture: "gpt-auto-efi-directory-252", profiles: [ostree: .plain(reason: "no path will be an automount")]),
        .init(fixture: "gpt-auto-efi-directory-257", profiles: [ostree: .paired(reason: "systemd-gpt-auto-generator of systemd 257")]),
        .init(fixture: "gpt-auto-boot-missing-252", profiles: [ostree: .plain(reason: "no path will be an automount")]),
        .init(fixture: "gpt-auto-boot-missing-255", profiles: [ostree: .plain(reason: "no path will be an automount")]),
        .init(fixture: "gpt-auto-boot-missing-257", profiles: [ostree: .paired(reason: "systemd-gpt-auto-generator of systemd 257")]),
        .init(fixture: "gpt-auto-fstab-under-boot-252", profiles: [ostree: .paired(reason: "systemd-gpt-auto-generator of systemd 252")]),
        .init(fixture: "gpt-auto-fstab-under-boot-257", profiles: [ostree: .plain(reason: "no path will be an automount")]),
        .init(fixture: "gpt-auto-fstab-disabled-252", profiles: [ostree: .plain(reason: "no path will be an automount")]),
        .init(fixture: "gpt-auto-fstab-disabled-257", profiles: [ostree: .paired(reason: "fstab not read (fstab=no)")]),
        .init(fixture: "mount-extra-boot-252", profiles: [ostree: .plain(reason: "no path will be an automount")]),
        .init(fixture: "mount-extra-boot-257", profiles: [ostree: .paired(reason: "systemd.mount-extra= x-systemd.automount")]),
        // Drop-ins attached to the finalize unit (reference/modern-stack.md §1.6).
        .init(fixture: "dropin-requires-boot-efi-automount", profiles: [ostree: .paired(reason: "/boot/efi (RequiresMountsFor= in /usr/lib/systemd/system/ostree-finalize-staged.service.d/10-armada-bootimg.conf:3) will be an automount")]),
        .init(fixture: "dropin-execstop-reset", profiles: [ostree: .paired(reason: "resets ExecStop=, which drops boothold-finalize")],
              logs: "boothold-generator: ostree-finalize-staged.service: /etc/systemd/system/ostree-finalize-staged.service.d/10-kyth-boot-rw.conf:3 resets ExecStop=, which drops boothold-finalize"),
        .init(fixture: "dropin-execstoppost-esp", profiles: [ostree: .paired(reason: "adds ExecStopPost=/usr/bin/bash /usr/sbin/rpi-bls-sync.sh, which runs after the ExecStop= commands")]),
        .init(fixture: "bootc-composefs-esp-automount", profiles: [
            ostree: .paired(reason: "systemd-gpt-auto-generator"),
            bootc: .paired(reason: "systemd-gpt-auto-generator"),
        ]),
        .init(fixture: "bootc-drop-in-masked", profiles: [ostree: .plain(reason: "no path will be an automount")]),
        // Trigger=auto follows the updater: ostree 2022.7 ships a path unit, 2025.2 does not.
        .init(fixture: "trigger-auto-ostree-2022", profiles: [ostree: .paired(reason: "Trigger=auto: a path unit: the updater ships /lib/systemd/system/ostree-finalize-staged.path")]),
        .init(fixture: "trigger-auto-ostree-2025", profiles: [ostree: .paired(reason: "Trigger=auto: no path unit: the updater ships no ostree-finalize-staged.path")]),
        .init(fixture: "unreadable-inputs", profiles: [ostree: .paired(reason: "cannot read /proc/self/mountinfo")],
              logs: "99-gone.conf"),
    ]
}

@Suite struct FixtureSemanticsTests {
    /// The shipped bootc drop-in: every unit of the profile carries its conditions (systemd
    /// decides at run time, so on an ostree-booted machine the units stay inactive), and
    /// boothold-finalize is told that bootc leaves its staged file in place. An administrator's
    /// /dev/null link of the same name removes the profile.
    @Test func bootcProfileIsConditionedAndKeepsItsStagedFile() throws {
        let temporary = try TemporaryDirectory("semantics-bootc")
        defer { temporary.remove() }
        let (result, output) = try GoldenFixture(name: "bootc-composefs-esp-automount").generate(in: temporary)
        #expect(result.status == 0)
        let tree = try Tree.read(output)
        for unit in ["bootc-finalize-staged.service", "bootc-finalize-staged-hold.service", "bootc-finalize-staged.path"] {
            guard case .file(let text)? = tree[unit] else { Issue.record("\(unit) not written"); continue }
            #expect(text.contains("\nConditionPathExists=!/run/ostree-booted\nConditionKernelCommandLine=composefs\n"), "\(unit)")
        }
        guard case .file(let finalize)? = tree["bootc-finalize-staged.service"],
              case .file(let ostree)? = tree["ostree-finalize-staged.service"] else { Issue.record("finalize units missing"); return }
        #expect(finalize.contains("\"--staged-kept\""))
        #expect(!ostree.contains("--staged-kept"))
        #expect(!ostree.contains("ConditionKernelCommandLine"))

        let masked = try TemporaryDirectory("semantics-bootc-masked")
        defer { masked.remove() }
        let (maskedResult, maskedOutput) = try GoldenFixture(name: "bootc-drop-in-masked").generate(in: masked)
        #expect(maskedResult.status == 0)
        #expect(try Tree.read(maskedOutput).keys.allSatisfy { !$0.contains("bootc") })
    }

    @Test func everyFixtureHasSemantics() {
        #expect(Set(GoldenFixture.all.map(\.name)) == Set(FixtureSemantics.all.map(\.fixture)))
    }

    @Test(arguments: FixtureSemantics.all)
    func decisionsMeanWhatTheMachineSays(_ semantics: FixtureSemantics) throws {
        let temporary = try TemporaryDirectory("semantics-\(semantics.fixture)")
        defer { temporary.remove() }
        let (result, output) = try GoldenFixture(name: semantics.fixture).generate(in: temporary)
        #expect(result.status == 0)
        let tree = try Tree.read(output)
        if semantics.profiles.isEmpty {
            #expect(tree.isEmpty, "\(tree.keys.sorted())")
        }
        for (name, outcome) in semantics.profiles {
            guard case .file(let finalize)? = tree["\(name).service"] else {
                Issue.record("\(name).service not written")
                continue
            }
            let decision = finalize.split(separator: "\n").first { $0.hasPrefix("# Decision:") } ?? ""
            let hold = tree["\(name)-hold.service"]
            switch outcome {
            case .paired(let reason):
                #expect(hold != nil, "\(name)-hold.service missing")
                #expect(finalize.contains("\nWants=\(name)-hold.service\n"))
                #expect(finalize.contains("\nAfter=\(name)-hold.service\n"))
                // systemd starts a hold that died again while the finalize unit is active.
                #expect(finalize.contains("\nUpholds=\(name)-hold.service\n"))
                if case .file(let holdUnit)? = hold {
                    #expect(holdUnit.contains("\nExecStopPost=+\"/usr/libexec/boothold/boothold-hold\" \"--after-stop\" "))
                    #expect(holdUnit.contains("\nStartLimitBurst="))
                }
                // Never started at boot (an ordering cycle with ostree-boot-complete.service).
                #expect(tree["basic.target.wants/\(name).service"] == nil)
                #expect(decision.contains("paired"), "\(decision)")
                #expect(finalize.contains(reason), "reason '\(reason)' not in:\n\(finalize)")
            case .plain(let reason):
                #expect(hold == nil, "\(name)-hold.service written")
                #expect(!finalize.contains("-hold.service\n"))
                #expect(tree["basic.target.wants/\(name).service"] == nil)
                #expect(decision.contains("plain"), "\(decision)")
                #expect(finalize.contains(reason), "reason '\(reason)' not in:\n\(finalize)")
            }
            // The finalize command always runs from ExecStop= through boothold-finalize.
            #expect(finalize.contains("ExecStop=\"/usr/libexec/boothold/boothold-finalize\""))
        }
        if let logs = semantics.logs {
            #expect(result.standardError.contains(logs), "\(result.standardError)")
        }
    }
}
