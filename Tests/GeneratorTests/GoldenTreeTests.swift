import Foundation
import Testing

/// Each fixture machine through the built generator, compared file by file (contents and link
/// targets) with its expected tree. `BOOTHOLD_UPDATE_GOLDEN=1` rewrites the expected trees
/// instead; review the diff before committing it.
@Suite struct GoldenTreeTests {
    static let updating = ProcessInfo.processInfo.environment["BOOTHOLD_UPDATE_GOLDEN"] == "1"

    @Test func thereAreEnoughMachines() {
        #expect(GoldenFixture.all.count >= 15)
    }

    @Test(arguments: GoldenFixture.all)
    func writesTheExpectedTree(_ fixture: GoldenFixture) throws {
        let temporary = try TemporaryDirectory("golden-\(fixture.name)")
        defer { temporary.remove() }
        let (result, output) = try fixture.generate(in: temporary)
        #expect(result.status == 0, "exit status; stderr:\n\(result.standardError)")
        let actual = try Tree.read(output)
        if Self.updating {
            try Tree.write(actual, to: fixture.expectedDirectory)
            return
        }
        let expected = try Tree.read(fixture.expectedDirectory)
        let difference = Tree.difference(expected: expected, actual: actual)
        #expect(difference.isEmpty, "\(fixture.name):\n\(difference)\nstderr:\n\(result.standardError)")
    }

    /// On a daemon-reload the automount is active; the units must be exactly what the first
    /// boot-time run predicted, or a reload would change the finalize unit under a running system.
    @Test(arguments: [
        ("fstab-automount-boot", "reload-autofs-mounted"),
        ("gpt-auto-esp-systemd-boot", "reload-gpt-auto-mounted"),
    ])
    func reloadWritesWhatTheFirstBootPredicted(_ firstBoot: String, _ reload: String) throws {
        var trees: [[String: TreeNode]] = []
        for name in [firstBoot, reload] {
            let temporary = try TemporaryDirectory("reload-\(name)")
            defer { temporary.remove() }
            let (result, output) = try GoldenFixture(name: name).generate(in: temporary)
            #expect(result.status == 0)
            trees.append(try Tree.read(output))
        }
        #expect(!trees[0].isEmpty)
        let difference = Tree.difference(expected: trees[0], actual: trees[1])
        #expect(difference.isEmpty, "first boot → reload:\n\(difference)")
    }

    /// The host's systemd must accept every unit the generator writes for every machine.
    @Test(arguments: GoldenFixture.all)
    func systemdAnalyzeVerifyAccepts(_ fixture: GoldenFixture) throws {
        let temporary = try TemporaryDirectory("verify-\(fixture.name)")
        defer { temporary.remove() }
        // verify checks that ExecStart=/ExecStop= executables exist: give it stubs.
        let libexec = temporary.appending("libexec")
        try FileManager.default.createDirectory(at: libexec, withIntermediateDirectories: true)
        for helper in ["boothold-hold", "boothold-finalize"] {
            let stub = libexec.appendingPathComponent(helper)
            try Data("#!/bin/sh\nexit 0\n".utf8).write(to: stub)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        }
        let (result, output) = try fixture.generate(in: temporary, libexecDirectory: libexec.path)
        #expect(result.status == 0)
        let units = try FileManager.default.contentsOfDirectory(atPath: output.path)
            .filter { $0.hasSuffix(".service") || $0.hasSuffix(".path") }.sorted()
            .map { output.appendingPathComponent($0).path }
        guard !units.isEmpty else { return }
        let verify = try run(
            URL(fileURLWithPath: "/usr/bin/systemd-analyze"), ["verify", "--man=no"] + units,
            environment: ["SYSTEMD_UNIT_PATH": output.path + ":", "SYSTEMD_LOG_LEVEL": "notice"])
        #expect(verify.status == 0, "\(fixture.name): systemd-analyze verify:\n\(verify.standardError)\(verify.standardOutput)")
    }
}
