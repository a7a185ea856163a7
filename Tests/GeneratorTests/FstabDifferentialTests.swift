import Foundation
import Testing

/// systemd-fstab-generator is the authority on whether fstab makes /boot an automount. For
/// seeded random fstab files, the host's generator writes `boot.automount` exactly when
/// boothold pairs a `/boot`-only profile on a machine with no other automount evidence.
@Suite struct FstabDifferentialTests {
    static let fstabGenerator = URL(fileURLWithPath: "/lib/systemd/system-generators/systemd-fstab-generator")
    static let cases = 240

    @Test func bootAutomountMatchesSystemdFstabGenerator() throws {
        let temporary = try TemporaryDirectory("differential")
        defer { temporary.remove() }
        let root = try Self.probeMachine(in: temporary)
        var random = SplitMix64(seed: 0x626f_6f74_686f_6c64)
        var automounts = 0
        var mismatches: [String] = []
        for index in 0..<Self.cases {
            let fstab = RandomFstab.make(using: &random)
            let commandLine = RandomFstab.commandLines[Int(random.next() % UInt64(RandomFstab.commandLines.count))]
            let fstabFile = temporary.appending("fstab-\(index)")
            try Data(fstab.utf8).write(to: fstabFile)

            let systemdOutput = temporary.appending("systemd-\(index)")
            try FileManager.default.createDirectory(at: systemdOutput, withIntermediateDirectories: true)
            let systemd = try run(Self.fstabGenerator, [systemdOutput.path, systemdOutput.path, systemdOutput.path], environment: [
                "SYSTEMD_FSTAB": fstabFile.path, "SYSTEMD_PROC_CMDLINE": commandLine,
                "SYSTEMD_IN_INITRD": "0", "SYSTEMD_SYSFS_CHECK": "no", "SYSTEMD_LOG_LEVEL": "err",
            ])
            let systemdAutomount = FileManager.default.fileExists(
                atPath: systemdOutput.appendingPathComponent("boot.automount").path)

            let bootholdOutput = temporary.appending("boothold-\(index)")
            try FileManager.default.createDirectory(at: bootholdOutput, withIntermediateDirectories: true)
            let boothold = try run(Products.generator, [bootholdOutput.path], environment: [
                "BOOTHOLD_ROOT": root.path, "BOOTHOLD_LIBEXECDIR": "/usr/libexec/boothold",
                "SYSTEMD_FSTAB": fstabFile.path, "SYSTEMD_PROC_CMDLINE": commandLine, "SYSTEMD_IN_INITRD": "0",
            ])
            #expect(boothold.status == 0, "\(boothold.standardError)")
            let paired = FileManager.default.fileExists(
                atPath: bootholdOutput.appendingPathComponent("probe-hold.service").path)
            #expect(FileManager.default.fileExists(atPath: bootholdOutput.appendingPathComponent("probe.service").path))

            if systemdAutomount { automounts += 1 }
            if paired != systemdAutomount {
                mismatches.append("""
                    case \(index), cmdline '\(commandLine)': systemd boot.automount=\(systemdAutomount), boothold paired=\(paired)
                    \(fstab)systemd stderr: \(systemd.standardError)
                    """)
            }
            try? FileManager.default.removeItem(at: systemdOutput)
            try? FileManager.default.removeItem(at: bootholdOutput)
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(Self.cases) differ:\n\(mismatches.prefix(8).joined(separator: "\n"))")
        // The generator must have seen both answers many times, or the test proves nothing.
        #expect(automounts > Self.cases / 5 && automounts < Self.cases * 4 / 5, "automounts: \(automounts)")
    }

    /// A machine with a `/boot`-only profile and nothing else that could make /boot an
    /// automount: no autofs, no units, no EFI loader variable, a populated /boot.
    static func probeMachine(in temporary: TemporaryDirectory) throws -> URL {
        let root = temporary.appending("machine")
        let files = FileManager.default
        for directory in ["proc/self", "usr/lib/boothold", "boot/grub"] {
            try files.createDirectory(at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        try Data("21 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda2 rw\n".utf8)
            .write(to: root.appendingPathComponent("proc/self/mountinfo"))
        try Data("set default=0\n".utf8).write(to: root.appendingPathComponent("boot/grub/grub.cfg"))
        try Data("""
            [probe]
            Staged=/run/probe/staged
            Finalize=/bin/true
            Paths=/boot
            Hold=auto
            Trigger=none

            """.utf8).write(to: root.appendingPathComponent("usr/lib/boothold/boothold.conf"))
        return root
    }
}

/// Random fstab files around /boot: every spelling of the mount point, automount options in
/// and out of comments and quotes, autofs and swap lines, duplicates, comments, blank lines.
enum RandomFstab {
    static let commandLines = ["", "", "", "", "quiet", "fstab=no", "fstab=0", "fstab=yes", "rd.fstab=no", "fstab"]
    static let bootTargets = ["/boot", "/boot/", "//boot", "/boot//", "///boot"]
    static let otherTargets = ["/boot/efi", "/efi", "/home", "/bootx", "/boot\\040x", "/srv/with\\040space", "/", "/var/boot"]
    static let sources = ["UUID=ABCD-1234", "/dev/vda1", "LABEL=ESP", "PARTUUID=0b1e2c3d-aaaa-4bbb-8ccc-0123456789ab", "systemd-1", "none"]
    static let types = ["vfat", "vfat", "ext4", "xfs", "auto", "autofs", "swap", "nfs"]
    static let automountOptions = [
        "x-systemd.automount", "comment=systemd.automount", "x-systemd.automount", "comment=systemd.automount",
        "x-systemd.automount", "comment=systemd.automount", "x-systemd.automount", "x-systemd.automountx",
        "xx-systemd.automount", "comment=systemd.automounts", "comment=x-systemd.automount",
        "\"x-systemd.automount\"", "context=\"system_u:object_r:boot_t:s0,x-systemd.automount\"",
    ]
    static let plainOptions = [
        "defaults", "noauto", "nofail", "ro", "rw", "umask=0077", "x-systemd.idle-timeout=1min", "_netdev",
        "x-systemd.requires=foo.service", "x-systemd.device-timeout=5s", "user", "comment=boot",
    ]

    static func make(using random: inout SplitMix64) -> String {
        var lines: [String] = []
        for _ in 0..<(1 + random.below(4)) {
            switch random.below(10) {
            case 0: lines.append("# " + pick(bootTargets + otherTargets, &random) + " commented out x-systemd.automount")
            case 1: lines.append(random.below(2) == 0 ? "" : "   ")
            default:
                let target = random.below(3) == 0 ? pick(otherTargets, &random) : pick(bootTargets, &random)
                var options: [String] = []
                for _ in 0..<(1 + random.below(3)) { options.append(pick(plainOptions, &random)) }
                if random.below(4) != 0 {
                    options.insert(pick(automountOptions, &random), at: random.below(options.count + 1))
                }
                let separator = random.below(4) == 0 ? "\t" : " "
                var fields = [pick(sources, &random), target, pick(types, &random), options.joined(separator: ",")]
                if random.below(3) != 0 { fields += ["0", String(random.below(3))] }
                lines.append(fields.joined(separator: separator))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func pick(_ values: [String], _ random: inout SplitMix64) -> String {
        values[random.below(values.count)]
    }
}

/// A small seeded generator, so a failing case can be reproduced from its index.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
