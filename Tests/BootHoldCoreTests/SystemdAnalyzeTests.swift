import Foundation
import Testing

@testable import BootHoldCore

struct VerifyCase: Sendable, CustomTestStringConvertible {
    var name: String
    var machine: Machine
    var testDescription: String { name }
}

let verifyCases: [VerifyCase] = [
    .init(name: "plain ostree", machine: Machine().fstabLine("UUID=1 /boot ext4 defaults")),
    .init(name: "paired ostree", machine: Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount")),
    .init(name: "hostile values", machine: Machine().with { $0.configuration = [conf("/etc/boothold/b%o o.conf", hostileProfile)] }),
    .init(name: "trigger none with a lock and infinite timeout", machine: Machine().with {
        $0.configuration = [conf("/etc/boothold/boothold.conf", minimal + "Trigger=none\nLockFile=/run/demo.lock\nTimeoutSec=infinity\nHold=yes\n")]
    }),
]

/// systemd's own parser (the host's systemd-analyze) accepts every unit the planner writes,
/// with the helpers at an awkward path so that the escaping of ExecStart=/ExecStop= is tested
/// against a real file lookup.
@Test("systemd-analyze verify accepts the generated units", arguments: verifyCases)
func systemdAnalyzeVerify(_ c: VerifyCase) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let libexec = directory.appendingPathComponent("lib exec%dir $x;é")
    try FileManager.default.createDirectory(at: libexec, withIntermediateDirectories: true)
    for helper in ["boothold-hold", "boothold-finalize"] {
        let url = libexec.appendingPathComponent(helper)
        try "#!/bin/sh\nexit 0\n".write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }
    let output = GeneratorPlanner.plan(c.machine.snapshot, libexecDirectory: libexec.path)
    try #require(!output.files.isEmpty)
    let units = directory.appendingPathComponent("units")
    try FileManager.default.createDirectory(at: units, withIntermediateDirectories: true)
    var paths: [String] = []
    for file in output.files {
        let url = units.appendingPathComponent(file.relativePath)
        try file.contents.write(to: url, atomically: true, encoding: .utf8)
        paths.append(url.path)
    }
    let result = try run(Host.systemdAnalyze, ["verify", "--man=no"] + paths,
                         environment: ["SYSTEMD_LOG_LEVEL": "notice", "PATH": "/usr/bin:/bin", "SYSTEMD_UNIT_PATH": units.path + ":"])
    #expect(result.status == 0, "\(result.error)")
    // Any complaint about our units (not about the host's) is a failure too.
    let complaints = result.error.split(separator: "\n").filter { line in output.files.contains { line.contains($0.relativePath) } }
    #expect(complaints.isEmpty, "\(complaints)")
}

/// The checker is not blind: it rejects a unit whose ExecStop= escaping is broken.
@Test func systemdAnalyzeRejectsBrokenQuoting() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("broken.service")
    try "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStop=\"/bin/true\" \"unterminated\n".write(to: url, atomically: true, encoding: .utf8)
    let result = try run(Host.systemdAnalyze, ["verify", "--man=no", url.path])
    #expect(result.status != 0)
}
