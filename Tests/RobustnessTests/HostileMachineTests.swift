import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Odd but legal machines: mount points with spaces (fstab `\040`) and mount points so long
/// that systemd hashes their unit names. The generator must find the automount all the same.
@Suite("Hostile machine inputs")
struct HostileMachineTests {
    /// 199 characters, each `-` escaped to `\x2d`: the unit name passes 255 characters.
    static let longPath = "/mnt/" + Array(repeating: "a", count: 100).joined(separator: "-")

    /// Runs the host's systemd-fstab-generator on `fstab`, returning the units it wrote.
    static func systemdFstabGenerator(_ fstab: String, in root: FixtureRoot) throws -> URL {
        try root.write("peer/fstab", fstab)
        let output = try root.outputDirectory("peer")
        let result = try runCommand("/lib/systemd/system-generators/systemd-fstab-generator", [output.path, output.path, output.path],
                                    environment: ["SYSTEMD_FSTAB": root.path + "/peer/fstab", "SYSTEMD_PROC_CMDLINE": "",
                                                  "SYSTEMD_IN_INITRD": "0", "SYSTEMD_SYSFS_CHECK": "no", "PATH": "/usr/bin:/bin"])
        #expect(result.status == 0, "systemd-fstab-generator: \(result.output)")
        return output
    }

    @Test("An automount unit whose name systemd hashed (past 255 characters) is recognized")
    func hashedAutomountUnitName() throws {
        let root = try FixtureRoot("hashed-name")
        try root.writeOrdinaryMachine()
        // systemd names the unit; we only copy what it wrote into the system unit path.
        let peer = try Self.systemdFstabGenerator("/dev/vda9 \(Self.longPath) vfat x-systemd.automount 0 0\n", in: root)
        let automounts = try FileManager.default.contentsOfDirectory(atPath: peer.path).filter { $0.hasSuffix(".automount") }
        try #require(automounts.count == 1, "systemd-fstab-generator wrote \(automounts)")
        let unit = automounts[0]
        #expect(unit.utf8.count < 256 && unit.contains("_"), "\(unit) is not a hashed name")
        try root.write("etc/systemd/system/\(unit)", try Data(contentsOf: peer.appendingPathComponent(unit)).map { $0 })
        try root.symlink("etc/systemd/system/local-fs.target.wants/\(unit)", to: "../\(unit)")
        try root.write("etc/boothold/boothold.conf",
                       FixtureRoot.ostreeProfile([("Paths", "/sysroot \(Self.longPath)"), ("Hold", "auto")]))

        let run = try runGenerator(root: root, output: try root.outputDirectory())

        #expect(run.status == 0, "stderr: \(run.standardError)")
        let finalize = try #require(run.units["ostree-finalize-staged.service"], "stderr: \(run.standardError)")
        #expect(run.files["ostree-finalize-staged-hold.service"] != nil, "no hold for the hashed automount:\n\(finalize)")
        #expect(finalize.contains(unit), "the header does not name \(unit):\n\(finalize)")
        #expect(try ProfileReadback(run, profile: "ostree-finalize-staged").requiresMountsFor == ["/sysroot", Self.longPath])
        #expect(try verifyUnits(run).status == 0)
    }

    @Test("An fstab automount at a mount point with a space (\\040) is found and held")
    func fstabSpaceInMountPoint() throws {
        let root = try FixtureRoot("fstab-space")
        try root.writeOrdinaryMachine()
        try root.write("etc/fstab", "/dev/vda1 / ext4 defaults 0 1\n/dev/vda3 /mnt/with\\040space vfat noauto,x-systemd.automount 0 0\n")
        try root.write("etc/boothold/boothold.conf", FixtureRoot.ostreeProfile([("Paths", #""/mnt/with space" /sysroot"#)]))
        // systemd agrees that this line makes an automount, at that name.
        let peer = try Self.systemdFstabGenerator("/dev/vda3 /mnt/with\\040space vfat noauto,x-systemd.automount 0 0\n", in: root)
        #expect(FileManager.default.fileExists(atPath: peer.path + "/mnt-with\\x20space.automount"))

        let run = try runGenerator(root: root, output: try root.outputDirectory())

        #expect(run.status == 0, "stderr: \(run.standardError)")
        let back = try ProfileReadback(run, profile: "ostree-finalize-staged")
        #expect(back.requiresMountsFor == ["/mnt/with space", "/sysroot"])
        #expect(back.holdArgv?.suffix(2) == ["/mnt/with space", "/sysroot"], "not paired: \(run.files.keys.sorted())")
        #expect(back.finalizeArgv.contains("/mnt/with space"))
        #expect(try verifyUnits(run).status == 0)
    }

    @Test("Non-UTF-8 bytes in fstab and mountinfo do not disturb the other entries")
    func nonUTF8MachineTables() throws {
        let root = try FixtureRoot("non-utf8-tables")
        try root.writeOrdinaryMachine()
        var mountinfo = Array("22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n".utf8)
        mountinfo += Array("30 22 254:3 / /mnt/".utf8) + [0xff, 0xfe] + Array(" rw shared:9 - ext4 /dev/".utf8) + [0xc3, 0x28] + Array(" rw\n".utf8)
        mountinfo += Array("40 22 0:35 / /boot rw,relatime shared:20 - autofs systemd-1 rw,fd=49,pgrp=1,timeout=120,direct\n".utf8)
        try root.write("proc/self/mountinfo", mountinfo)
        var fstab = Array("/dev/vda1 / ext4 defaults 0 1\n/dev/".utf8) + [0xff] + Array(" /mnt/".utf8) + [0x80] + Array(" ext4 x-systemd.automount 0 0\n".utf8)
        fstab += Array("# comment \u{1}".utf8) + [0xfe, 0x0A]
        try root.write("etc/fstab", fstab)
        try root.write("etc/boothold/boothold.conf", FixtureRoot.ostreeProfile())

        let run = try runGenerator(root: root, output: try root.outputDirectory())

        #expect(run.status == 0, "stderr: \(run.standardError)")
        let finalize = try #require(run.units["ostree-finalize-staged.service"], "stderr: \(run.standardError)")
        #expect(run.files["ostree-finalize-staged-hold.service"] != nil, "the autofs /boot was missed:\n\(finalize)")
        #expect(try verifyUnits(run).status == 0)
    }

    /// Drop-ins and PID 1's map are anyone-with-root's files too: odd names, FIFOs, binary
    /// garbage, huge files and unresolvable specifiers are skipped or read as systemd would,
    /// and nothing from them reaches a unit setting.
    @Test("Hostile drop-ins and a hostile /proc/1/maps are skipped or read safely")
    func hostileDropInsAndMaps() throws {
        let root = try FixtureRoot("hostile-dropins")
        try root.writeOrdinaryMachine()
        try root.write("etc/fstab", "/dev/vda1 / ext4 defaults 0 1\n/dev/vda2 /boot vfat x-systemd.automount 0 2\n/dev/vda3 /efi vfat x-systemd.automount 0 2\n")
        try root.write("etc/boothold/boothold.conf", FixtureRoot.ostreeProfile())
        let dropIns = "etc/systemd/system/ostree-finalize-staged.service.d"
        // A name with a newline (would end a header comment), binary garbage, a 5 MB file,
        // an unresolvable specifier, a FIFO and a directory named like a drop-in.
        try root.write("\(dropIns)/10-new\nline.conf", "[Unit]\nRequiresMountsFor=/efi\n")
        try root.write("\(dropIns)/20-garbage.conf", [0xff, 0x00, 0x5b, 0x0a, 0xc3, 0x28, 0x3d, 0x0a] + Array("[Service]\nExecStop=\nExecStop=\u{1b}[2J\n".utf8))
        try root.write("\(dropIns)/30-huge.conf", Array(repeating: UInt8(ascii: "#"), count: 5 << 20))
        try root.write("\(dropIns)/40-specifier.conf", "[Unit]\nRequiresMountsFor=%m/x /efi/%%\nBindsTo=%i.mount\n")
        #expect(mkfifo(root.path + "/\(dropIns)/50-fifo.conf", 0o644) == 0)
        try FileManager.default.createDirectory(atPath: root.path + "/\(dropIns)/60-dir.conf", withIntermediateDirectories: true)
        try root.write("proc/1/maps", Array(repeating: UInt8(ascii: "7"), count: 9 << 20))

        let run = try runGenerator(root: root, output: try root.outputDirectory())

        #expect(run.status == 0, "stderr: \(run.standardError)")
        #expect(run.standardError.contains("control characters in its name"))
        #expect(run.standardError.contains("30-huge.conf"))
        #expect(run.standardError.contains("%m/x has a specifier the generator cannot resolve"))
        let finalize = try #require(run.units["ostree-finalize-staged.service"], "stderr: \(run.standardError)")
        // The garbage drop-in's reset is warned about, its escape sequence escaped.
        #expect(finalize.contains("# Drop-in: Warning: /etc/systemd/system/ostree-finalize-staged.service.d/20-garbage.conf:4 resets ExecStop="))
        #expect(finalize.contains("\\x1b[2J"))
        // /efi/% (the %% one) is no mount point of its own; /efi, named by the newline file, was skipped.
        #expect(finalize.contains("/efi/% (RequiresMountsFor= in /etc/systemd/system/ostree-finalize-staged.service.d/40-specifier.conf:2)"))
        #expect(!finalize.contains("10-new"))
        #expect(try verifyUnits(run).status == 0)
    }
}
