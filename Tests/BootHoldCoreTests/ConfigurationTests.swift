import Foundation
import Testing

@testable import BootHoldCore

func conf(_ path: String, _ text: String) -> ConfigurationFile {
    ConfigurationFile(path: path, contents: Array(text.utf8))
}

let minimal = """
    [demo]
    Staged=/run/demo/staged
    Finalize=/usr/bin/demo finalize

    """

@Test func configurationLayoutMergesDropInsByName() {
    let files = ConfigurationLayout.effectiveFiles(
        mainFiles: ["/usr/lib/boothold/boothold.conf", "/etc/boothold/boothold.conf"],
        dropIns: [
            DropInFile(directory: "/run/boothold/boothold.conf.d", name: "20-b.conf", masked: false),
            DropInFile(directory: "/usr/lib/boothold/boothold.conf.d", name: "20-b.conf", masked: false),
            DropInFile(directory: "/usr/lib/boothold/boothold.conf.d", name: "10-a.conf", masked: false),
            DropInFile(directory: "/etc/boothold/boothold.conf.d", name: "10-a.conf", masked: true),
            DropInFile(directory: "/usr/lib/boothold/boothold.conf.d", name: "30-c.conf", masked: false),
            DropInFile(directory: "/etc/boothold/boothold.conf.d", name: "05-z.conf", masked: false),
            DropInFile(directory: "/etc/boothold/boothold.conf.d", name: "README", masked: false),
        ])
    // /etc's main file replaces the vendor one; 10-a is masked in /etc; 20-b comes from /run.
    #expect(files == [
        "/etc/boothold/boothold.conf",
        "/etc/boothold/boothold.conf.d/05-z.conf",
        "/run/boothold/boothold.conf.d/20-b.conf",
        "/usr/lib/boothold/boothold.conf.d/30-c.conf",
    ])
    #expect(ConfigurationLayout.effectiveFiles(mainFiles: ["/usr/lib/boothold/boothold.conf"], dropIns: []) == ["/usr/lib/boothold/boothold.conf"])
    #expect(ConfigurationLayout.effectiveFiles(mainFiles: [], dropIns: []) == [])
}

@Test func defaultsFillEveryKey() throws {
    let (profiles, diagnostics) = ProfileConfiguration.parse([conf("/etc/boothold/boothold.conf", minimal)])
    #expect(diagnostics == [])
    let profile = try #require(profiles.first)
    #expect(profile == StagedProfile(
        name: "demo", staged: "/run/demo/staged", finalize: ["/usr/bin/demo", "finalize"], paths: ["/boot"],
        hold: .auto, condition: nil, trigger: .path, timeout: .seconds(300), lockFile: nil,
        description: "Finalize staged deployment (demo)", sources: ["/etc/boothold/boothold.conf"]))
}

@Test func laterFilesOverrideKeysAndEmptyResets() throws {
    let (profiles, diagnostics) = ProfileConfiguration.parse([
        conf("/usr/lib/boothold/boothold.conf", minimal + "Paths=/sysroot /boot\nHold=no\nTimeoutSec=2min\n"),
        conf("/etc/boothold/boothold.conf.d/10-a.conf", "[demo]\nHold=yes\nPaths=\n"),
        conf("/etc/boothold/boothold.conf.d/20-b.conf", "# only a comment\n[other]\n[demo]\nTimeoutSec=30s\nLockFile=/run/demo.lock\n"),
    ])
    #expect(diagnostics.filter { $0.level == .warning } == [])
    let demo = try #require(profiles.first { $0.name == "demo" })
    #expect(demo.hold == .yes)
    #expect(demo.paths == ["/boot"], "Paths= resets to the default")
    #expect(demo.timeout == .seconds(30))
    #expect(demo.lockFile == "/run/demo.lock")
    #expect(demo.sources == ["/usr/lib/boothold/boothold.conf", "/etc/boothold/boothold.conf.d/10-a.conf", "/etc/boothold/boothold.conf.d/20-b.conf"])
    // [other] has neither Staged= nor Finalize=: skipped with errors.
    #expect(!profiles.contains { $0.name == "other" })
}

@Test func syntaxDetails() throws {
    let text = """
        ; a comment
        [demo]
          Staged =  /run/demo/staged
        Finalize=/usr/bin/demo \\
        # comments inside a continuation are skipped
          "two words" 'x y' \\x41
        Description=100% done\r
        Paths="/mnt/with space" //boot/ /boot

        """
    let (profiles, diagnostics) = ProfileConfiguration.parse([conf("/etc/boothold/boothold.conf", text)])
    #expect(diagnostics == [])
    let demo = try #require(profiles.first)
    #expect(demo.staged == "/run/demo/staged")
    #expect(demo.finalize == ["/usr/bin/demo", "two words", "x y", "A"])
    #expect(demo.description == "100% done")
    #expect(demo.paths == ["/mnt/with space", "/boot"])
}

struct InvalidCase: Sendable, CustomTestStringConvertible {
    var text: String
    /// Every expected error contains all of these.
    var mentions: [String]
    var testDescription: String { mentions.joined(separator: " ") }
}

let invalidProfiles: [InvalidCase] = [
    .init(text: "[bad]\nFinalize=/bin/true\n", mentions: ["f.conf:1", "[bad]", "Staged="]),
    .init(text: "[bad]\nStaged=/run/x\n", mentions: ["f.conf:1", "Finalize="]),
    .init(text: "[bad]\nStaged=run/x\nFinalize=/bin/true\n", mentions: ["f.conf:2", "Staged=run/x"]),
    .init(text: "[bad]\nStaged=/run/../x\nFinalize=/bin/true\n", mentions: ["f.conf:2", "Staged="]),
    .init(text: "[bad]\nStaged=/run/./x\nFinalize=/bin/true\n", mentions: ["f.conf:2", "Staged="]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=bin/true\n", mentions: ["f.conf:3", "Finalize="]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/true \"open\n", mentions: ["f.conf:3", "Finalize=", "unbalanced"]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/true \\q\n", mentions: ["f.conf:3", "Finalize=", "escape"]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/echo \\n\n", mentions: ["f.conf:3", "Finalize=", "control"]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/true\nPaths=/boot boot\n", mentions: ["f.conf:4", "Paths="]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/true\nPaths=/a/b/..\n", mentions: ["f.conf:4", "Paths="]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/true\nHold=maybe\n", mentions: ["f.conf:4", "Hold=maybe"]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/true\nHold=Yes\n", mentions: ["f.conf:4", "Hold=Yes"]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/true\nTrigger=timer\n", mentions: ["f.conf:4", "Trigger=timer"]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/true\nTimeoutSec=soon\n", mentions: ["f.conf:4", "TimeoutSec=soon"]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/true\nCondition=relative\n", mentions: ["f.conf:4", "Condition="]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/true\nLockFile=/run/\u{1}x\n", mentions: ["f.conf:4", "LockFile=", "\\x01"]),
    .init(text: "[bad]\nStaged=/run/x\nFinalize=/bin/true\nDescription=a\u{7f}b\n", mentions: ["f.conf:4", "Description="]),
    .init(text: "[bad name]\nStaged=/run/x\nFinalize=/bin/true\n", mentions: ["f.conf:1", "[bad name]", "unit name"]),
    .init(text: "[bad@x]\nStaged=/run/x\nFinalize=/bin/true\n", mentions: ["f.conf:1", "unit name"]),
    .init(text: "[" + String(repeating: "n", count: 232) + "]\nStaged=/run/x\nFinalize=/bin/true\n", mentions: ["f.conf:1", "too long"]),
]

@Test("invalid profiles are skipped with an error naming the key and file:line", arguments: invalidProfiles)
func invalidProfileIsSkipped(_ c: InvalidCase) {
    let files = [conf("/etc/boothold/f.conf", c.text), conf("/etc/boothold/g.conf", minimal)]
    let (profiles, diagnostics) = ProfileConfiguration.parse(files)
    #expect(profiles.map(\.name) == ["demo"], "the other profile is still planned")
    let errors = diagnostics.filter { $0.level == .error }.map(\.message)
    #expect(!errors.isEmpty)
    #expect(errors.contains { error in c.mentions.allSatisfy { error.contains($0) } }, "\(errors)")
    #expect(errors.allSatisfy { $0.hasSuffix("skipping profile.") })
}

@Test func byteOrderMarkIsSkipped() {
    let (profiles, diagnostics) = ProfileConfiguration.parse([ConfigurationFile(path: "/f.conf", contents: [0xEF, 0xBB, 0xBF] + Array(minimal.utf8))])
    #expect(diagnostics == [])
    #expect(profiles.map(\.name) == ["demo"])
}

@Test func undecodableBytesSkipTheProfile() {
    var bytes = Array("[bad]\nStaged=/run/x\nFinalize=/bin/true\nDescription=caf".utf8)
    bytes += [0xE9, 0x0A]
    let (profiles, diagnostics) = ProfileConfiguration.parse([ConfigurationFile(path: "/etc/f.conf", contents: bytes), conf("/g.conf", minimal)])
    #expect(profiles.map(\.name) == ["demo"])
    #expect(diagnostics.contains { $0.level == .error && $0.message.contains("/etc/f.conf:4") && $0.message.contains("Description=") && $0.message.contains("UTF-8") })
}

@Test func badLinesAreWarningsAndIgnored() throws {
    let text = """
        Orphan=1
        [demo]
        Staged=/run/demo/staged
        this line has no equals sign
        =novalue
        Finalize=/usr/bin/demo
        Bogus=1
        staged=/lowercase/is/unknown
        [broken
        Staged=/ignored/with/the/broken/header

        """
    let (profiles, diagnostics) = ProfileConfiguration.parse([conf("/etc/b.conf", text)])
    let demo = try #require(profiles.first)
    #expect(demo.staged == "/run/demo/staged")
    let warnings = diagnostics.filter { $0.level == .warning }.map(\.message)
    for line in [1, 4, 5, 7, 8, 9] {
        #expect(warnings.contains { $0.hasPrefix("/etc/b.conf:\(line): ") && $0.hasSuffix("ignoring.") }, "line \(line): \(warnings)")
    }
    #expect(warnings.contains { $0.contains("'Bogus'") })
    #expect(diagnostics.allSatisfy { $0.level != .error })
}

@Test func shippedProfileParsesCleanly() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("generator/boothold.conf")
    let bytes = Array(try Data(contentsOf: url))
    let (profiles, diagnostics) = ProfileConfiguration.parse([ConfigurationFile(path: "/usr/lib/boothold/boothold.conf", contents: bytes)])
    #expect(diagnostics == [])
    #expect(profiles == [StagedProfile(
        name: "ostree-finalize-staged", staged: "/run/ostree/staged-deployment",
        finalize: ["/usr/bin/ostree", "admin", "finalize-staged"], paths: ["/sysroot", "/boot"], hold: .auto,
        condition: PathCondition(path: "/run/ostree-booted"), trigger: .auto, timeout: .seconds(300), lockFile: nil,
        description: "OSTree Finalize Staged Deployment", sources: ["/usr/lib/boothold/boothold.conf"])])
}

/// generator/boothold.conf.d/50-bootc.conf: bootc's composefs finalizer, conditioned on the
/// kernel command line and on not being booted through ostree.
@Test func shippedBootcDropInParsesCleanly() throws {
    let (profiles, diagnostics) = ProfileConfiguration.parse([
        ConfigurationFile(path: "/usr/lib/boothold/boothold.conf", contents: try shippedBytes("generator/boothold.conf")),
        ConfigurationFile(path: "/usr/lib/boothold/boothold.conf.d/50-bootc.conf",
                          contents: try shippedBytes("generator/boothold.conf.d/50-bootc.conf")),
    ])
    #expect(diagnostics == [])
    #expect(profiles.map(\.name) == ["ostree-finalize-staged", "bootc-finalize-staged"])
    #expect(profiles.last == StagedProfile(
        name: "bootc-finalize-staged", staged: "/run/composefs/staged-deployment",
        finalize: ["/usr/bin/bootc", "composefs-finalize-staged"], paths: ["/sysroot", "/boot"], hold: .auto,
        condition: PathCondition(path: "/run/ostree-booted", negated: true),
        kernelCommandLine: KernelCommandLineCondition(argument: "composefs"),
        stagedAfterFinalization: .kept, trigger: .path, timeout: .seconds(300), lockFile: nil,
        description: "Composefs Finalize Staged Deployment", sources: ["/usr/lib/boothold/boothold.conf.d/50-bootc.conf"]))
}

/// Every key of the DESIGN table is spelled out in the shipped files together (LockFile= only
/// as a comment: neither ostree nor bootc needs boothold's lock).
@Test func shippedFilesSpellOutEveryKey() throws {
    let text = String(decoding: try shippedBytes("generator/boothold.conf") + shippedBytes("generator/boothold.conf.d/50-bootc.conf"), as: UTF8.self)
    for key in ProfileConfiguration.Key.allCases where key != .lockFile {
        #expect(text.contains("\n\(key.rawValue)="), "\(key.rawValue)= is missing")
    }
}

private func shippedBytes(_ relative: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(relative)
    return Array(try Data(contentsOf: url))
}

@Test func conditionsInSystemdTerms() throws {
    let text = minimal + "Condition=!/run/ostree-booted\nConditionKernelCommandLine=!rd.demo=1\nStagedRemoved=no\n"
    let (profiles, diagnostics) = ProfileConfiguration.parse([conf("/etc/boothold/boothold.conf", text)])
    #expect(diagnostics == [])
    let demo = try #require(profiles.first)
    #expect(demo.condition == PathCondition(path: "/run/ostree-booted", negated: true))
    #expect(demo.kernelCommandLine == KernelCommandLineCondition(argument: "rd.demo=1", negated: true))
    #expect(demo.stagedAfterFinalization == .kept)
    // Defaults: no conditions; the updater removes the staged file when it applies it.
    let plain = try #require(ProfileConfiguration.parse([conf("/etc/boothold/boothold.conf", minimal)]).profiles.first)
    #expect(plain.kernelCommandLine == nil)
    #expect(plain.stagedAfterFinalization == .removed)
}

@Test func badConditionsSkipTheProfile() {
    for (line, wanted) in [
        ("ConditionKernelCommandLine=two words", "ConditionKernelCommandLine=two words is not one kernel command line word"),
        ("ConditionKernelCommandLine=!", "ConditionKernelCommandLine=! is not one kernel command line word"),
        ("ConditionKernelCommandLine=!!x", "ConditionKernelCommandLine=!!x is not one kernel command line word"),
        ("ConditionKernelCommandLine=|x", "ConditionKernelCommandLine=|x is not one kernel command line word"),
        ("ConditionKernelCommandLine=a\"b", "ConditionKernelCommandLine=a\"b is not one kernel command line word"),
        ("Condition=!relative", "Condition=relative is not a normalized absolute path"),
        ("StagedRemoved=maybe", "StagedRemoved=maybe is not a boolean"),
    ] {
        let (profiles, diagnostics) = ProfileConfiguration.parse([conf("/etc/b.conf", minimal + line + "\n")])
        #expect(profiles.isEmpty, "\(line)")
        #expect(diagnostics.contains { $0.level == .error && $0.message.contains(wanted) && $0.message.hasSuffix("skipping profile.") },
                "\(line): \(diagnostics.map(\.message))")
    }
}

@Test func duplicateSectionsWithinAFileMerge() throws {
    let text = minimal + "Hold=no\n[other]\nStaged=/run/o\nFinalize=/bin/o\n[demo]\nHold=yes\nPaths=/efi\n"
    let (profiles, diagnostics) = ProfileConfiguration.parse([conf("/etc/boothold/boothold.conf", text)])
    #expect(diagnostics == [])
    #expect(profiles.map(\.name) == ["demo", "other"])
    let demo = try #require(profiles.first)
    #expect(demo.hold == .yes)
    #expect(demo.paths == ["/efi"])
    #expect(demo.staged == "/run/demo/staged")
}
