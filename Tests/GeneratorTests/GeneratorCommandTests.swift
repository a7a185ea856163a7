import Foundation
import Testing

/// The command line contract of systemd.generator(7) and the writer's refusals.
@Suite struct GeneratorCommandTests {
    /// A machine that yields units (paired ostree profile), ready to run.
    private func automountMachine(_ temporary: TemporaryDirectory) throws -> [String: String] {
        try GoldenFixture(name: "fstab-automount-boot").prepare(in: temporary)
    }

    /// The same, with ostree 2022.7's own path unit installed: Trigger=auto writes one too.
    private func pathTriggeredMachine(_ temporary: TemporaryDirectory) throws -> [String: String] {
        try GoldenFixture(name: "trigger-auto-ostree-2022").prepare(in: temporary)
    }

    private func makeDirectory(_ temporary: TemporaryDirectory, _ name: String) throws -> URL {
        let url = temporary.appending(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func isEmptyDirectory(_ url: URL) -> Bool {
        (try? FileManager.default.contentsOfDirectory(atPath: url.path))?.isEmpty == true
    }

    @Test(arguments: [0, 2, 4])
    func wrongArgumentCountIsAUsageError(_ count: Int) throws {
        let temporary = try TemporaryDirectory("usage")
        defer { temporary.remove() }
        let environment = try automountMachine(temporary)
        let directories = try (0..<count).map { try makeDirectory(temporary, "out\($0)") }
        let result = try run(Products.generator, directories.map(\.path), environment: environment)
        #expect(result.status == 2)
        #expect(result.standardError.contains("one or three arguments"))
        #expect(directories.allSatisfy(isEmptyDirectory))
    }

    @Test func oneArgumentServesAsAllThreeAndWritesOnlyThere() throws {
        let temporary = try TemporaryDirectory("one-arg")
        defer { temporary.remove() }
        let environment = try automountMachine(temporary)
        let normal = try makeDirectory(temporary, "normal")
        let early = try makeDirectory(temporary, "early")
        let late = try makeDirectory(temporary, "late")
        #expect(try run(Products.generator, [normal.path], environment: environment).status == 0)
        #expect(!isEmptyDirectory(normal))
        #expect(try run(Products.generator, [try makeDirectory(temporary, "n2").path, early.path, late.path],
                        environment: environment).status == 0)
        #expect(isEmptyDirectory(early) && isEmptyDirectory(late))
    }

    @Test func helpAndVersion() throws {
        let help = try run(Products.generator, ["--help"])
        #expect(help.status == 0 && help.standardOutput.contains("Usage: boothold-generator"))
        let version = try run(Products.generator, ["--version"])
        #expect(version.status == 0 && version.standardOutput.hasPrefix("boothold-generator "))
        let unknown = try run(Products.generator, ["--bogus", "/tmp"])
        #expect(unknown.status == 2)
    }

    @Test func explainPrintsDecisionsAndWritesNothing() throws {
        let temporary = try TemporaryDirectory("explain")
        defer { temporary.remove() }
        let environment = try automountMachine(temporary)
        let before = try Tree.read(temporary.url)
        let result = try run(Products.generator, ["--explain"], environment: environment)
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("ostree-finalize-staged-hold.service"))
        #expect(result.standardOutput.contains("/boot"))
        #expect(try Tree.read(temporary.url) == before)
    }

    @Test func missingOutputDirectoryFailsClearly() throws {
        let temporary = try TemporaryDirectory("missing-out")
        defer { temporary.remove() }
        let environment = try automountMachine(temporary)
        let missing = temporary.appending("does-not-exist")
        let result = try run(Products.generator, [missing.path], environment: environment)
        #expect(result.status != 0)
        #expect(result.standardError.contains("Failed to open output directory '\(missing.path)'"))
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    /// A read-only output directory (a read-only bind mount in a private mount namespace: root
    /// ignores permission bits) gets no file at all, not even a partial one.
    @Test func readOnlyOutputDirectoryLeavesNothing() throws {
        let temporary = try TemporaryDirectory("ro-out")
        defer { temporary.remove() }
        let environment = try automountMachine(temporary)
        let output = try makeDirectory(temporary, "out")
        let script = "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && exec \"$2\" \"$1\""
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/unshare"),
            ["-m", "--propagation", "private", "/bin/sh", "-c", script, "sh", output.path, Products.generator.path],
            environment: environment)
        #expect(result.status != 0)
        #expect(result.standardError.contains("Read-only file system"))
        #expect(isEmptyDirectory(output))
    }

    /// An existing name is never followed or overwritten: a symlink planted at the unit's path
    /// stays as it is, its target is not created, and the unrelated units are still written.
    @Test func plantedSymlinkAtUnitPathIsNotFollowed() throws {
        let temporary = try TemporaryDirectory("planted")
        defer { temporary.remove() }
        let environment = try automountMachine(temporary)
        let output = try makeDirectory(temporary, "out")
        let victim = temporary.appending("victim")
        try FileManager.default.createSymbolicLink(
            atPath: output.appendingPathComponent("ostree-finalize-staged.service").path, withDestinationPath: victim.path)
        let result = try run(Products.generator, [output.path], environment: environment)
        #expect(result.status == 1)
        #expect(result.standardError.contains(
            "Failed to create unit file '\(output.path)/ostree-finalize-staged.service': File exists"))
        #expect(!FileManager.default.fileExists(atPath: victim.path))
        let tree = try Tree.read(output)
        #expect(tree["ostree-finalize-staged.service"] == .link(victim.path))
        #expect(tree["ostree-finalize-staged-hold.service"] != nil)
    }

    /// A symlink where a `.wants` directory belongs is not followed either.
    @Test func plantedSymlinkedParentIsNotFollowed() throws {
        let temporary = try TemporaryDirectory("planted-parent")
        defer { temporary.remove() }
        let environment = try pathTriggeredMachine(temporary)
        let output = try makeDirectory(temporary, "out")
        let elsewhere = try makeDirectory(temporary, "elsewhere")
        try FileManager.default.createSymbolicLink(
            atPath: output.appendingPathComponent("paths.target.wants").path, withDestinationPath: elsewhere.path)
        let result = try run(Products.generator, [output.path], environment: environment)
        #expect(result.status == 1)
        #expect(result.standardError.contains("paths.target.wants"))
        #expect(isEmptyDirectory(elsewhere))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("ostree-finalize-staged.service").path))
    }

    /// Another generator may already have linked the .path unit under the same name:
    /// systemd resolves the link by name, so it is kept and the run succeeds.
    @Test func anotherGeneratorsLinkOfTheSameUnitIsTolerated() throws {
        let temporary = try TemporaryDirectory("ostree-link")
        defer { temporary.remove() }
        let environment = try pathTriggeredMachine(temporary)
        let output = try makeDirectory(temporary, "out")
        let wants = try makeDirectory(temporary, "out/paths.target.wants")
        let vendorTarget = "/usr/lib/systemd/system/ostree-finalize-staged.path"
        try FileManager.default.createSymbolicLink(
            atPath: wants.appendingPathComponent("ostree-finalize-staged.path").path, withDestinationPath: vendorTarget)
        var debug = environment
        debug["SYSTEMD_LOG_LEVEL"] = "debug"
        let result = try run(Products.generator, [output.path], environment: debug)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try Tree.read(output)["paths.target.wants/ostree-finalize-staged.path"] == .link(vendorTarget))
        #expect(result.standardError.contains("already exists"))
    }

    /// ostree's own generator (Debian 2022.7) links multi-user.target.wants/ostree-finalize-staged.path
    /// with a plain symlinkat and gives up on EEXIST before it writes var.mount: boothold must
    /// leave that name to it, whichever generator runs first.
    @Test func ostreeGeneratorsPathLinkNameIsLeftAlone() throws {
        let temporary = try TemporaryDirectory("ostree-name")
        defer { temporary.remove() }
        let environment = try pathTriggeredMachine(temporary)
        let output = try makeDirectory(temporary, "out")
        let result = try run(Products.generator, [output.path], environment: environment)
        #expect(result.status == 0, "\(result.standardError)")
        let tree = try Tree.read(output)
        #expect(tree["multi-user.target.wants/ostree-finalize-staged.path"] == nil)
        #expect(tree["paths.target.wants/ostree-finalize-staged.path"] == .link("../ostree-finalize-staged.path"))
    }

    /// A link of the same name to a different unit is a conflict, not silently kept.
    @Test func aConflictingLinkIsAnError() throws {
        let temporary = try TemporaryDirectory("conflict-link")
        defer { temporary.remove() }
        let environment = try pathTriggeredMachine(temporary)
        let output = try makeDirectory(temporary, "out")
        let wants = try makeDirectory(temporary, "out/paths.target.wants")
        try FileManager.default.createSymbolicLink(
            atPath: wants.appendingPathComponent("ostree-finalize-staged.path").path, withDestinationPath: "../other.path")
        let result = try run(Products.generator, [output.path], environment: environment)
        #expect(result.status == 1)
        #expect(result.standardError.contains("Failed to create symlink"))
    }

    /// SYSTEMD_LOG_LEVEL=debug shows the reader's and planner's reasons; the default level does not.
    @Test func logLevelFromEnvironment() throws {
        let temporary = try TemporaryDirectory("loglevel")
        defer { temporary.remove() }
        var environment = try automountMachine(temporary)
        let quiet = try run(Products.generator, [try makeDirectory(temporary, "a").path], environment: environment)
        environment["SYSTEMD_LOG_LEVEL"] = "debug"
        let chatty = try run(Products.generator, [try makeDirectory(temporary, "b").path], environment: environment)
        #expect(quiet.status == 0 && chatty.status == 0)
        #expect(chatty.standardError.split(separator: "\n").count > quiet.standardError.split(separator: "\n").count)
        environment["SYSTEMD_LOG_LEVEL"] = "err"
        let silent = try run(Products.generator, [try makeDirectory(temporary, "c").path], environment: environment)
        #expect(silent.standardError.isEmpty, "\(silent.standardError)")
    }

    /// Without /proc/self/fd the unnamed file cannot be linked by its descriptor; the writer
    /// falls back to exclusive creation and the tree is the same. (An empty tmpfs over the
    /// process's fd directory in a private mount namespace: the Swift runtime itself reads
    /// /proc/self/cmdline, so /proc cannot go altogether.)
    @Test func writesTheSameTreeWithoutProcFileDescriptors() throws {
        let temporary = try TemporaryDirectory("no-proc")
        defer { temporary.remove() }
        let fixture = GoldenFixture(name: "fstab-automount-boot")
        let environment = try fixture.prepare(in: temporary)
        let output = try makeDirectory(temporary, "out")
        var debug = environment
        debug["SYSTEMD_LOG_LEVEL"] = "debug"
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/unshare"),
            ["-m", "--propagation", "private", "/bin/sh", "-c", "mount -t tmpfs none /proc/$$/fd && exec \"$1\" \"$2\"", "sh",
             Products.generator.path, output.path],
            environment: debug)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("writing in place"))
        let difference = Tree.difference(expected: try Tree.read(fixture.expectedDirectory), actual: try Tree.read(output))
        #expect(difference.isEmpty, "\(difference)")
    }
}
