import Foundation
import Testing

@testable import BootHoldCore

/// Option strings where splitting matters; the host's systemd-fstab-generator decides.
/// (Strings with `\\` are left out: libmount decodes the fstab field before anyone splits it,
/// and the reader hands the core the decoded string.)
let trickyOptions: [String] = [
    "x-systemd.automount", "defaults,x-systemd.automount", "x-systemd.automount=1", "x-systemd.automountx",
    "nox-systemd.automount", "comment=systemd.automount", "comment=systemd.automountx", "comment=systemd.automount=1",
    "context=\"a,x-systemd.automount,b\"", "context=\"a,x-systemd.automount\"", "a\\,x-systemd.automount",
    ",,x-systemd.automount,,", "X-SYSTEMD.AUTOMOUNT", "x-systemd.idle-timeout=1,noauto",
    "comment=x,comment=systemd.automount", "x-systemd.automount\\,b",
]

@Test("fstab option splitting matches systemd-fstab-generator", arguments: trickyOptions)
func fstabOptionsMatchSystemd(options: String) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = directory.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    try "UUID=1 /boot vfat \(options) 0 0\n".write(to: directory.appendingPathComponent("fstab"), atomically: true, encoding: .utf8)
    let result = try run(
        Host.fstabGenerator, [output.path, output.path, output.path],
        environment: [
            "SYSTEMD_FSTAB": directory.appendingPathComponent("fstab").path, "SYSTEMD_PROC_CMDLINE": "",
            "SYSTEMD_IN_INITRD": "0", "SYSTEMD_SYSFS_CHECK": "no", "SYSTEMD_LOG_LEVEL": "err",
        ])
    #expect(result.status == 0, "\(result.error)")
    let systemdAutomounts = FileManager.default.fileExists(atPath: output.appendingPathComponent("boot.automount").path)
    #expect((FstabOptions.first(of: FstabOptions.automountNames, in: options) != nil) == systemdAutomounts)
}
