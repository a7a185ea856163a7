import Foundation
import Testing

/// With the profile configuration readable, nothing else the generator reads can make it
/// fail or skip the hold: every other input missing, unreadable (EACCES) or garbage still
/// exits 0, warns, and writes the safe decision, paired.
@Suite("Never fails boot")
struct NeverFailsBootTests {
    enum Damage: String, CaseIterable, Sendable {
        case missing, unreadable, garbage
    }

    /// Bytes no parser expects: NULs, invalid UTF-8, control characters, a 64 KB line and
    /// lines cut in the middle of a field. Deterministic, so a failure reproduces.
    static func garbage(seed: UInt64) -> [UInt8] {
        var state = seed
        var bytes: [UInt8] = []
        for _ in 0..<8192 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        bytes += Array("22 1 254:0 / /boot rw shared:1 - autofs".utf8) + [0x0A]
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 65536) + [0x0A]
        bytes += Array("\\040\\ \\\\ \u{1}\u{7f}".utf8) + [0xff, 0xfe, 0x00, 0x0A]
        return bytes
    }

    /// The profile, readable; everything else damaged the same way.
    static func machine(_ damage: Damage) throws -> FixtureRoot {
        let root = try FixtureRoot("damaged-\(damage.rawValue)")
        try root.write("etc/boothold/boothold.conf", FixtureRoot.ostreeProfile())
        switch damage {
        case .missing:
            break
        case .unreadable:
            for file in ["proc/self/mountinfo", "proc/cmdline", "etc/fstab"] {
                try root.write(file, "unreadable\n", mode: 0)
            }
            // Directories without search permission: every lookup inside fails with EACCES.
            for dir in ["sys/firmware/efi/efivars", "etc/systemd/system", "run/systemd/system",
                        "usr/lib/systemd/system", "lib/systemd/system", "run/systemd", "boot", "efi", "sysroot"] {
                try root.makeDirectory(dir)
            }
            try root.write("sys/firmware/efi/efivars/LoaderDevicePartUUID-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", [6, 0, 0, 0])
            for dir in ["sys/firmware/efi/efivars", "etc/systemd/system", "run/systemd/system",
                        "usr/lib/systemd/system", "lib/systemd/system", "run/systemd", "boot", "efi", "sysroot"] {
                try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: root.path + "/" + dir)
            }
        case .garbage:
            try root.write("proc/self/mountinfo", garbage(seed: 1))
            try root.write("proc/cmdline", garbage(seed: 2))
            try root.write("etc/fstab", garbage(seed: 3))
            // Files where directories belong, and a symlink loop where /boot belongs.
            try root.write("sys/firmware/efi/efivars", garbage(seed: 4))
            try root.write("etc/systemd/system", garbage(seed: 5))
            try root.write("run/systemd/system", garbage(seed: 6))
            try root.symlink("boot", to: "boot")
            try root.symlink("efi", to: "/nonexistent/efi")
            try root.write("sysroot", garbage(seed: 7))
        }
        return root
    }

    @Test(arguments: Damage.allCases)
    func damagedInputsStillGivePairedUnits(_ damage: Damage) throws {
        let root = try Self.machine(damage)
        let output = try root.outputDirectory()
        // The unreadable case runs as nobody, for whom mode 0 really means EACCES.
        if damage == .unreadable {
            #expect(chown(output.path, RunAs.nobodyID, RunAs.nobodyID) == 0)
        }
        let run = try runGenerator(root: root, output: output, environment: ["SYSTEMD_LOG_LEVEL": "warning"],
                                   as: damage == .unreadable ? .nobody : .root)

        #expect(run.status == 0, "stderr: \(run.standardError)")
        #expect(!run.killedBySignal)
        #expect(!run.standardError.isEmpty, "no warning about the damaged inputs")
        if damage != .missing {
            #expect(run.standardError.contains("/proc/self/mountinfo"), "stderr: \(run.standardError)")
        }
        #expect(Set(run.files.keys) == ["ostree-finalize-staged.service", "ostree-finalize-staged-hold.service",
                                       "ostree-finalize-staged.path", "ostree-finalize-staged-start.timer"], "stderr: \(run.standardError)")
        let finalize = try assignments(run, "ostree-finalize-staged.service")
        #expect(values(finalize, "Wants").map(\.text) == ["ostree-finalize-staged-hold.service"])
        let verify = try verifyUnits(run)
        #expect(verify.status == 0, "systemd-analyze verify: \(verify.output)")
    }

    /// A FIFO blocks open(2) and read(2) until a writer comes, which at boot is never: PID 1
    /// would kill every generator after 90 s (systemd.generator(7)).
    @Test(arguments: ["etc/fstab", "proc/cmdline", "proc/self/mountinfo", "etc/boothold/boothold.conf",
                      "etc/boothold/boothold.conf.d/50-fifo.conf"])
    func fifoInsteadOfAFileDoesNotHang(_ input: String) throws {
        let root = try FixtureRoot("fifo")
        try root.writeOrdinaryMachine()
        let configurationIsTheFIFO = input.hasPrefix("etc/boothold/boothold.conf") && !input.contains(".d/")
        if !configurationIsTheFIFO {
            try root.write("etc/boothold/boothold.conf", FixtureRoot.ostreeProfile())
        }
        try? FileManager.default.removeItem(atPath: root.path + "/" + input)
        try root.makeDirectory((input as NSString).deletingLastPathComponent)
        #expect(mkfifo(root.path + "/" + input, 0o644) == 0)

        let run = try runGenerator(root: root, output: try root.outputDirectory(), environment: ["SYSTEMD_LOG_LEVEL": "warning"],
                                   timeout: 10)

        #expect(run.status == 0 && !run.killedBySignal, "stderr: \(run.standardError)")
        // A drop-in that is not a file is passed over like a directory named `x.conf`.
        if !input.contains(".conf.d/") {
            #expect(run.standardError.contains("/" + input), "no warning naming /\(input): \(run.standardError)")
        }
        if configurationIsTheFIFO {
            #expect(run.files.isEmpty)
        } else {
            #expect(run.files["ostree-finalize-staged.service"] != nil, "stderr: \(run.standardError)")
            #expect(try verifyUnits(run).status == 0)
        }
    }

    @Test("A 10 MB configuration file is read whole")
    func tenMegabyteConfiguration() throws {
        let root = try FixtureRoot("huge-config")
        defer { root.remove() }
        try root.writeOrdinaryMachine()
        var text = FixtureRoot.ostreeProfile([("Hold", "yes")])
        let filler = "# " + String(repeating: "filler ", count: 140) + "\n"
        while text.utf8.count < 10 << 20 { text += filler }
        // A key after ten megabytes still counts.
        text += "[ostree-finalize-staged]\nDescription=after ten megabytes\n"
        try root.write("etc/boothold/boothold.conf", text)
        let run = try runGenerator(root: root, output: try root.outputDirectory())
        #expect(run.status == 0, "stderr: \(run.standardError.prefix(2000))")
        #expect(try ProfileReadback(run, profile: "ostree-finalize-staged").description == "after ten megabytes")
    }

    @Test("A configuration file past the size limit is refused with a message, not read in part")
    func oversizedConfiguration() throws {
        let root = try FixtureRoot("oversized-config")
        defer { root.remove() }
        try root.writeOrdinaryMachine()
        var bytes = Array(FixtureRoot.ostreeProfile().utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "#"), count: 17 << 20)
        try root.write("etc/boothold/boothold.conf", bytes)
        let run = try runGenerator(root: root, output: try root.outputDirectory())
        #expect(!run.killedBySignal)
        #expect(run.standardError.contains("/etc/boothold/boothold.conf"), "stderr: \(run.standardError.prefix(2000))")
        #expect(run.files.isEmpty, "units from a configuration that was not read whole: \(run.files.keys.sorted())")
    }

    @Test("64 KB lines in fstab and mountinfo: no crash, the automount is still found")
    func longLines() throws {
        let root = try FixtureRoot("long-lines")
        try root.write("etc/boothold/boothold.conf", FixtureRoot.ostreeProfile())
        let long = "/mnt/" + String(repeating: "l", count: 65536)
        try root.write("proc/self/mountinfo", """
            22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
            23 22 254:0 / \(long) rw,relatime shared:3 - ext4 /dev/vda1 rw,\(String(repeating: "o", count: 65536))

            """)
        try root.write("etc/fstab", """
            /dev/vda1 / ext4 defaults 0 1
            /dev/vda9 \(long) vfat defaults,\(String(repeating: "x", count: 65536)) 0 0
            /dev/vda2 /boot vfat umask=0077,x-systemd.automount 0 2

            """)
        try root.write("proc/cmdline", "root=/dev/vda1 " + String(repeating: "k", count: 65536) + "\n")
        try root.makeDirectory("boot")
        let run = try runGenerator(root: root, output: try root.outputDirectory())
        #expect(run.status == 0, "stderr: \(run.standardError.prefix(2000))")
        #expect(run.files["ostree-finalize-staged-hold.service"] != nil, "stderr: \(run.standardError.prefix(2000))")
        #expect(try verifyUnits(run).status == 0)
    }
}
