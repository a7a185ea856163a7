import Testing

@testable import BootHoldCore

// MARK: Learning the version

@Test(arguments: [
    ("libsystemd-shared-252.so", 252),
    ("libsystemd-core-257.so", 257),
    ("libsystemd-shared-256.11-1.fc41.so", 256),
    ("libsystemd-shared-258~rc1.so", 258),
])
func libraryNamesCarryTheMajorVersion(_ name: String, _ major: Int) {
    #expect(SystemdVersion.major(ofLibrary: name) == major)
}

@Test(arguments: ["libsystemd.so.0", "libsystemd-shared-.so", "libsystemd-shared-local.so", "libsystemd-shared-252", "libsystemd-shared-252x.so", "libudev-shared-252.so"])
func otherNamesCarryNone(_ name: String) {
    #expect(SystemdVersion.major(ofLibrary: name) == nil)
}

let bookwormMaps = """
    55d0c4a00000-55d0c4a2e000 r--p 00000000 fe:01 1835037                    /usr/lib/systemd/systemd
    7f3b5c000000-7f3b5c021000 rw-p 00000000 00:00 0
    7f3b5d200000-7f3b5d2a0000 r--p 00000000 fe:01 1836551                    /usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-252.so
    7f3b5d600000-7f3b5d6c0000 r--p 00000000 fe:01 1836552                    /usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so
    7f3b5d6c0000-7f3b5d900000 r-xp 000c0000 fe:01 1836552                    /usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so
    7ffd1c9e1000-7ffd1ca02000 rw-p 00000000 00:00 0                          [stack]

    """

@Test func mapsListEachSystemdLibraryOnce() {
    let libraries = SystemdVersion.mappedLibraries(inMaps: Array(bookwormMaps.utf8))
    #expect(libraries.map(\.path) == [
        "/usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-252.so", "/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so",
    ])
    #expect(libraries.allSatisfy { $0.major == 252 && !$0.deleted })
    let stale = SystemdVersion.mappedLibraries(inMaps: Array("7f3b5d600000-7f3b5d6c0000 r--p 00000000 fe:01 1836552 /usr/lib/a dir/libsystemd-shared-252.so (deleted)\n".utf8))
    #expect(stale == [SystemdVersion.MappedLibrary(path: "/usr/lib/a dir/libsystemd-shared-252.so", major: 252, deleted: true)])
}

private let libraryDirectories = ["/usr/lib/systemd", "/usr/lib/x86_64-linux-gnu/systemd"]

@Test func pid1sMapDecidesFirst() {
    let version = SystemdVersion.learn(
        maps: .value(Array(bookwormMaps.utf8)), libraryFiles: .value(["/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so"]),
        libraryDirectories: libraryDirectories)
    #expect(version == SystemdVersion(major: 252, evidence: "PID 1 maps /usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-252.so (/proc/1/maps)"))
}

@Test func libraryDirectoryWhenTheMapCannotTell() {
    let files: Reading<[String]> = .value(["/usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-257.so", "/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so"])
    let unreadable = SystemdVersion.learn(maps: .unreadable(reason: "open '/proc/1/maps': Permission denied"), libraryFiles: files, libraryDirectories: libraryDirectories)
    #expect(unreadable.major == 257)
    #expect(unreadable.evidence == "/usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-257.so in the systemd library directory (/proc/1/maps: open '/proc/1/maps': Permission denied)")
    // PID 1 is not systemd (a container's shell, a chroot).
    let notSystemd = SystemdVersion.learn(maps: .value(Array("5600-5700 r--p 0 fe:01 1 /usr/bin/bash\n".utf8)), libraryFiles: files, libraryDirectories: libraryDirectories)
    #expect(notSystemd.major == 257)
    #expect(notSystemd.evidence.contains("PID 1 maps no libsystemd-shared library"))
    // Upgraded without a re-exec: the generators that run are the new ones on disk.
    let stale = SystemdVersion.learn(
        maps: .value(Array("7f00-7f10 r--p 0 fe:01 1 /usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so (deleted)\n".utf8)),
        libraryFiles: files, libraryDirectories: libraryDirectories)
    #expect(stale.major == 257)
    #expect(stale.evidence.contains("deleted since it started"))
}

@Test func unknownWhenNothingOrSeveralVersionsAreFound() {
    let nothing = SystemdVersion.learn(maps: .unreadable(reason: "ENOENT"), libraryFiles: .value([]), libraryDirectories: libraryDirectories)
    #expect(nothing.major == nil)
    #expect(nothing.evidence == "/proc/1/maps: ENOENT; no libsystemd-shared-NNN.so in /usr/lib/systemd, /usr/lib/x86_64-linux-gnu/systemd")
    let several = SystemdVersion.learn(
        maps: .unreadable(reason: "ENOENT"),
        libraryFiles: .value(["/usr/lib/systemd/libsystemd-shared-252.so", "/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so"]),
        libraryDirectories: libraryDirectories)
    #expect(several.major == nil)
    let stale = SystemdVersion.learn(
        maps: .value(Array("7f00-7f10 r--p 0 fe:01 1 /usr/lib/systemd/libsystemd-shared-252.so (deleted)\n".utf8)),
        libraryFiles: .value([]), libraryDirectories: libraryDirectories)
    #expect(stale.major == nil)
}

@Test func rulesPerVersion() {
    #expect(GptAutoRules.of(major: 249) == .v249)
    #expect(GptAutoRules.of(major: 252) == .v249)
    #expect(GptAutoRules.of(major: 253) == .v249)
    #expect(GptAutoRules.of(major: 254) == .v254)
    #expect(GptAutoRules.of(major: 255) == .v254)
    #expect(GptAutoRules.of(major: 256) == .v256)
    #expect(GptAutoRules.of(major: 257) == .v257)
    #expect(GptAutoRules.of(major: 262) == .v257)
    #expect(GptAutoRules.of(major: 248) == nil)
    #expect(GptAutoRules.of(major: 263) == nil)
    #expect(GptAutoRules.applying(to: systemd252) == [.v249])
    #expect(GptAutoRules.applying(to: .unknown("x")) == [.v257, .v256, .v254, .v249])
    #expect(GptAutoRules.applying(to: SystemdVersion(major: 270, evidence: "x")) == [.v257, .v256, .v254, .v249])
}

// MARK: gpt-auto per version

/// One machine, and whether /boot and /efi will be automounts under 252, 255, 256, 257 and an
/// unknown version (the union).
struct VersionCase: Sendable, CustomTestStringConvertible {
    var name: String
    var machine: Machine
    /// [252, 255, 256, 257, unknown]
    var boot: [Bool]
    var efi: [Bool]
    var testDescription: String { name }
}

let versions: [SystemdVersion] = [systemd252, systemd255, systemd256, systemd257, .unknown("not examined")]

/// The ostree profile plus one for /efi, so both paths are decided in one run.
let bootAndEfi = Machine.ostreeProfile + """
    [efi-finalize]
    Staged=/run/efi/staged
    Finalize=/usr/bin/true
    Paths=/efi

    """

let efiBootMachine = Machine().with {
    $0.loader = .value(true)
    $0.configuration = [conf("/usr/lib/boothold/boothold.conf", bootAndEfi)]
    $0.mountPoints["/boot"] = .value(.emptyDirectory)
    $0.mountPoints["/efi"] = .value(.missing)
}

let versionCases: [VersionCase] = [
    .init(name: "empty /boot, no /efi", machine: efiBootMachine,
          boot: [true, true, true, true, true], efi: [false, false, false, false, false]),
    // systemd#26643: 249-253 take /efi whenever the directory exists.
    .init(name: "empty /efi beside an empty /boot", machine: efiBootMachine.with { $0.mountPoints["/efi"] = .value(.emptyDirectory) },
          boot: [false, true, true, true, true], efi: [true, false, false, false, true]),
    // 254–256 want /boot to exist; 249-253 and 257 (systemd#34550) do not.
    .init(name: "no /boot, no /efi", machine: efiBootMachine.with { $0.mountPoints["/boot"] = .value(.missing) },
          boot: [true, false, false, true, true], efi: [false, true, true, false, true]),
    .init(name: "no /boot, an empty /efi", machine: efiBootMachine.with {
        $0.mountPoints["/boot"] = .value(.missing)
        $0.mountPoints["/efi"] = .value(.emptyDirectory)
    }, boot: [false, false, false, true, true], efi: [true, true, true, false, true]),
    // 256+ stop at any entry under /boot; 254-255 only when it is the ESP's node (unknowable).
    .init(name: "fstab entry under /boot", machine: efiBootMachine.fstabLine("UUID=1 /boot/efi vfat umask=0077"),
          boot: [true, true, false, false, true], efi: [false, false, false, false, false]),
    // 257 (and 256, assumed) skip the fstab checks with fstab=no; 252–255 read fstab anyway.
    .init(name: "fstab=no with /boot in fstab", machine: efiBootMachine.fstabLine("UUID=1 /boot ext4 defaults").with { $0.commandLine = "fstab=no" },
          boot: [false, false, true, true, true], efi: [false, true, false, false, true]),
    .init(name: "a populated /boot", machine: efiBootMachine.with { $0.mountPoints["/boot"] = .value(.nonEmptyDirectory) },
          boot: [false, false, false, false, false], efi: [false, true, true, true, true]),
    // systemd.mount-extra= exists since 254; gpt-auto does not look at it.
    .init(name: "systemd.mount-extra= automount for /boot, no loader variable",
          machine: efiBootMachine.with { $0.loader = .value(false); $0.commandLine = "systemd.mount-extra=UUID=1:/boot:vfat:x-systemd.automount" },
          boot: [false, true, true, true, true], efi: [false, false, false, false, false]),
    .init(name: "systemd.mount-extra= plain mount for /boot", machine: efiBootMachine.with { $0.commandLine = "systemd.mount-extra=UUID=1:/boot:auto:ro" },
          boot: [true, true, true, true, true], efi: [false, false, false, false, false]),
    .init(name: "not an EFI boot", machine: efiBootMachine.with { $0.loader = .value(false) },
          boot: [false, false, false, false, false], efi: [false, false, false, false, false]),
]

@Test(arguments: versionCases)
func gptAutoPerVersion(_ c: VersionCase) throws {
    for (index, version) in versions.enumerated() {
        let output = c.machine.with { $0.systemd = version }.plan()
        let boot = try #require(output.decisions.first { $0.name == "ostree-finalize-staged" }?.paths.first { $0.path == "/boot" })
        let efi = try #require(output.decisions.first { $0.name == "efi-finalize" }?.paths.first)
        let shown = version.major.map(String.init) ?? "unknown"
        #expect(boot.evidence.needsHold == c.boot[index], "systemd \(shown): /boot: \(EvidenceText.words(boot.evidence))")
        #expect(efi.evidence.needsHold == c.efi[index], "systemd \(shown): /efi: \(EvidenceText.words(efi.evidence))")
    }
}

@Test func notAnEFIBootHoldsUnderEveryVersion() throws {
    for version in versions {
        let output = efiBootMachine.with { $0.systemd = version }.snapshotWith { $0.efiBoot = .value(false); $0.loaderDevicePartUUID = .value(false) }
        let boot = try #require(output.decisions.first?.paths.first { $0.path == "/boot" })
        #expect(boot.evidence.needsHold)
        #expect(EvidenceText.words(boot.evidence).hasPrefix("not an EFI boot: systemd-gpt-auto-generator"))
    }
}

@Test func reasonsNameTheVersion() throws {
    let efiDirectory = efiBootMachine.with { $0.mountPoints["/efi"] = .value(.emptyDirectory) }
    func reason(_ version: SystemdVersion, _ profile: String) throws -> String {
        let output = efiDirectory.with { $0.systemd = version }.plan()
        return try #require(output.decisions.first { $0.name == profile }?.paths.last?.evidence.reason)
    }
    #expect(try reason(systemd252, "ostree-finalize-staged")
        == "no autofs mounted; no boot.automount unit file; no fstab entry; gpt-auto of systemd 252: the ESP goes to /efi, since the /efi directory exists")
    #expect(try reason(systemd252, "efi-finalize")
        == "systemd-gpt-auto-generator of systemd 252 will automount the ESP here (the /efi directory exists, /efi is an empty directory, LoaderDevicePartUUID set, no fstab entry at /efi)")
    #expect(try reason(systemd257, "ostree-finalize-staged")
        == "systemd-gpt-auto-generator of systemd 257 will automount the ESP here (LoaderDevicePartUUID set, no fstab entry at or under /boot or /efi)")
    #expect(try reason(systemd257, "efi-finalize")
        == "no autofs mounted; no efi.automount unit file; no fstab entry; gpt-auto of systemd 257: the ESP goes to /boot (/boot is an empty directory)")
    // Unknown: the newest rules that hold, and the text units had before versions were learned.
    #expect(try reason(.unknown("x"), "ostree-finalize-staged")
        == "systemd-gpt-auto-generator will automount the ESP (LoaderDevicePartUUID set, no fstab entry at or under /boot or /efi)")
    #expect(try reason(.unknown("x"), "efi-finalize")
        == "systemd version unknown: systemd-gpt-auto-generator of systemd 249-253 would automount the ESP here (the /efi directory exists, /efi is an empty directory, LoaderDevicePartUUID set, no fstab entry at /efi), treated as an automount")
    let extra = efiBootMachine.with { $0.loader = .value(false); $0.commandLine = "systemd.mount-extra=UUID=1:/boot:vfat:x-systemd.automount"; $0.systemd = systemd252 }
    #expect(try #require(extra.plan().decisions.first?.paths.last).evidence.reason
        == "no autofs mounted; no boot.automount unit file; no fstab entry; systemd 252 does not read systemd.mount-extra= (254 and later do); gpt-auto of systemd 252: no LoaderDevicePartUUID EFI variable (the boot loader did not name the ESP)")
}

@Test func explanationAndDebugLogSayWhichVersionAndWhy() {
    let output = efiBootMachine.with { $0.systemd = systemd252 }.plan()
    let line = "systemd: 252, from PID 1 maps /usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so (/proc/1/maps); gpt-auto predicted with the rules of systemd 249-253"
    #expect(output.explanation().hasPrefix(line + "\n"))
    #expect(output.messages(.debug).contains(line + "."))
}

/// On a daemon-reload the ESP's autofs is mounted at /efi (252): the units name the rule that
/// predicted it at boot, as they did then.
@Test func reloadUnder252KeepsTheBootTimeReason() throws {
    let boot = efiBootMachine.with { $0.mountPoints["/efi"] = .value(.emptyDirectory); $0.systemd = systemd252 }
    let reload = boot.with {
        $0.mounts = .value((boot.mounts.value ?? []) + [MountEntry(target: "/efi", fileSystemType: "autofs", source: "systemd-1")])
        $0.mountPoints["/efi"] = .unreadable(reason: "not looked at: autofs at /efi")
    }
    let atBoot = try #require(boot.plan().decisions.first { $0.name == "efi-finalize" })
    let atReload = try #require(reload.plan().decisions.first { $0.name == "efi-finalize" })
    #expect(atBoot == atReload)
    #expect(atReload.decision == .paired)
}
