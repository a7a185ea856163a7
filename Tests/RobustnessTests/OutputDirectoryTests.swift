import Foundation
import Testing

/// The output directory is PID 1's, but whatever is already in it, or whatever it refuses,
/// must never make the generator write elsewhere, overwrite something, or leave half a unit.
@Suite("Output directory attacks")
struct OutputDirectoryTests {
    /// A machine whose ostree profile is paired (Hold=yes) with a .path trigger.
    static func pairedMachine(_ name: String) throws -> FixtureRoot {
        let root = try FixtureRoot(name)
        try root.writeOrdinaryMachine()
        try root.write("etc/boothold/boothold.conf", FixtureRoot.ostreeProfile([("Hold", "yes")]))
        return root
    }

    /// The files an undisturbed run writes, to compare partial outcomes against.
    static func expectedFiles(_ root: FixtureRoot) throws -> [String: [UInt8]] {
        let run = try runGenerator(root: root, output: try root.outputDirectory("expected"))
        #expect(run.status == 0)
        #expect(run.files.count == 4, "expected finalize, hold, path and start timer units: \(run.files.keys.sorted())")
        return run.files
    }

    @Test("A symlink planted at a unit's name is neither followed nor replaced")
    func symlinkAtUnitNameIsNotFollowed() throws {
        let root = try Self.pairedMachine("symlink-unit")
        let expected = try Self.expectedFiles(root)
        let output = try root.outputDirectory()
        try root.write("victim", "original\n")
        let victim = root.url.appendingPathComponent("victim").path
        let dangling = root.url.appendingPathComponent("created-through-link").path
        try FileManager.default.createSymbolicLink(atPath: output.path + "/ostree-finalize-staged.service", withDestinationPath: victim)
        try FileManager.default.createSymbolicLink(atPath: output.path + "/ostree-finalize-staged-hold.service", withDestinationPath: dangling)

        let run = try runGenerator(root: root, output: output)

        #expect(run.status != 0, "a unit could not be written, the run must fail")
        #expect(run.standardError.contains("ostree-finalize-staged.service"), "stderr: \(run.standardError)")
        #expect(run.standardError.contains("ostree-finalize-staged-hold.service"), "stderr: \(run.standardError)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "original\n")
        #expect(!FileManager.default.fileExists(atPath: dangling), "the dangling link was followed")
        #expect(run.links["ostree-finalize-staged.service"] == victim)
        #expect(run.links["ostree-finalize-staged-hold.service"] == dangling)
        // The unit that was not attacked is still written, complete.
        #expect(run.files["ostree-finalize-staged.path"] == expected["ostree-finalize-staged.path"])
    }

    @Test("A symlink planted where a .wants directory belongs is not followed")
    func symlinkAtWantsDirectoryIsNotFollowed() throws {
        let root = try Self.pairedMachine("symlink-wants")
        let output = try root.outputDirectory()
        try root.makeDirectory("elsewhere")
        let elsewhere = root.url.appendingPathComponent("elsewhere").path
        try FileManager.default.createSymbolicLink(atPath: output.path + "/paths.target.wants", withDestinationPath: elsewhere)

        let run = try runGenerator(root: root, output: output)

        #expect(run.status != 0)
        #expect(run.standardError.contains("paths.target.wants"), "stderr: \(run.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty, "wrote through the planted link")
    }

    @Test("An output directory the generator may not write to: non-zero exit, a message, no file")
    func unwritableOutputDirectory() throws {
        let root = try Self.pairedMachine("unwritable")
        let output = try root.outputDirectory()
        // Owned by root, mode 0755, and the generator runs as nobody: EACCES for real.
        let run = try runGenerator(root: root, output: output, as: .nobody)

        #expect(run.status != 0)
        #expect(run.standardError.contains(output.path), "stderr: \(run.standardError)")
        #expect(run.standardError.contains("Permission denied"), "stderr: \(run.standardError)")
        #expect(run.files.isEmpty && run.links.isEmpty)
    }

    @Test("A missing output directory: non-zero exit and a message")
    func missingOutputDirectory() throws {
        let root = try Self.pairedMachine("missing-out")
        let output = try root.outputDirectory()
        let run = try runGenerator(root: root, output: output, arguments: [output.path + "/nonexistent"])
        #expect(run.status != 0)
        #expect(run.standardError.contains("nonexistent"), "stderr: \(run.standardError)")
        #expect(!FileManager.default.fileExists(atPath: output.path + "/nonexistent"))
    }

    /// Runs the generator on a fresh tmpfs (in a private mount namespace) prepared by `setup`,
    /// then lists what the file system holds; the namespace vanishes with the shell.
    static func runOnTmpfs(_ root: FixtureRoot, options: String, setup: String) throws -> (status: Int32, stderr: String, files: [String: [UInt8]]) {
        let output = try root.outputDirectory()
        let copy = try root.outputDirectory("copy")
        let script = """
            set -u
            mount -t tmpfs -o \(options) boothold-test "$1" || exit 99
            \(setup)
            "$2" "$1" 2>"$3"
            rc=$?
            cp -a "$1/." "$4/"
            exit $rc
            """
        let stderrPath = root.path + ".tmpfs-stderr"
        var environment = ProcessInfo.processInfo.environment
        environment["BOOTHOLD_ROOT"] = root.path
        environment["BOOTHOLD_LIBEXECDIR"] = Products.directory.path
        let result = try runCommand("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh",
                                                         output.path, Products.generator.path, stderrPath, copy.path],
                                    environment: environment)
        #expect(result.status != 99, "could not mount a tmpfs: \(result.output)")
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        return (result.status, stderr, try regularFiles(below: copy))
    }

    @Test("A read-only output file system: non-zero exit, a message, no file")
    func readOnlyOutputFileSystem() throws {
        let root = try Self.pairedMachine("read-only")
        let result = try Self.runOnTmpfs(root, options: "ro,size=1m", setup: "")
        #expect(result.status != 0)
        #expect(result.stderr.contains("Read-only file system"), "stderr: \(result.stderr)")
        #expect(result.files.isEmpty)
    }

    @Test("A full output file system: non-zero exit, and every file there is complete")
    func fullOutputFileSystem() throws {
        let root = try Self.pairedMachine("full")
        let expected = try Self.expectedFiles(root)
        // Fill the tmpfs to the last page; creating names still works, writing data does not.
        let result = try Self.runOnTmpfs(root, options: "size=64k", setup: "dd if=/dev/zero of=\"$1/.fill\" bs=4096 2>/dev/null")
        #expect(result.status != 0)
        #expect(result.stderr.contains("No space left on device"), "stderr: \(result.stderr)")
        for (name, bytes) in result.files where name != ".fill" {
            #expect(bytes == expected[name], "\(name) is not the complete unit (\(bytes.count) bytes)")
        }
    }
}
