import Foundation

/// One machine under `Tests/Fixtures/generator/NAME/`: `root/` holds its inputs, `expected/`
/// the tree the generator must write, and `setup` what git cannot store:
///
///     shipped-configuration     copy generator/boothold.conf to /usr/lib/boothold/boothold.conf
///     shipped-drop-in FILE      copy generator/boothold.conf.d/FILE to /usr/lib/boothold/boothold.conf.d/
///     mkdir /boot               an empty directory in the root
///     env KEY=VALUE             set for the generator (SYSTEMD_PROC_CMDLINE, SYSTEMD_IN_INITRD, …)
struct GoldenFixture: CustomStringConvertible, Sendable {
    let name: String

    var description: String { name }
    var directory: URL { PackagePaths.fixtures.appendingPathComponent(name) }
    var expectedDirectory: URL { directory.appendingPathComponent("expected") }

    static var all: [GoldenFixture] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: PackagePaths.fixtures.path)) ?? []
        return names.sorted().map(GoldenFixture.init(name:))
    }

    /// The machine's root, copied to `temporary/root` and completed per `setup`; returns the
    /// environment the generator runs with.
    func prepare(in temporary: TemporaryDirectory, libexecDirectory: String = "/usr/libexec/boothold") throws -> [String: String] {
        let root = temporary.appending("root")
        let copy = try run(URL(fileURLWithPath: "/bin/cp"), ["-a", directory.appendingPathComponent("root").path, root.path])
        guard copy.status == 0 else { throw FixtureError("cp failed: \(copy.standardError)") }
        var environment = ["BOOTHOLD_ROOT": root.path, "BOOTHOLD_LIBEXECDIR": libexecDirectory]
        let setup = (try? String(contentsOf: directory.appendingPathComponent("setup"), encoding: .utf8)) ?? ""
        for line in setup.split(separator: "\n") where !line.hasPrefix("#") {
            if line == "shipped-configuration" {
                let target = root.appendingPathComponent("usr/lib/boothold")
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                try FileManager.default.copyItem(
                    at: PackagePaths.shippedConfiguration, to: target.appendingPathComponent("boothold.conf"))
            } else if line.hasPrefix("shipped-drop-in ") {
                let file = String(line.dropFirst("shipped-drop-in ".count))
                let target = root.appendingPathComponent("usr/lib/boothold/boothold.conf.d")
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                try FileManager.default.copyItem(
                    at: PackagePaths.shippedDropIns.appendingPathComponent(file), to: target.appendingPathComponent(file))
            } else if line.hasPrefix("mkdir /") {
                try FileManager.default.createDirectory(
                    at: root.appendingPathComponent(String(line.dropFirst(7))), withIntermediateDirectories: true)
            } else if line.hasPrefix("env "), let equals = line.firstIndex(of: "=") {
                environment[String(line[line.index(line.startIndex, offsetBy: 4)..<equals])] =
                    String(line[line.index(after: equals)...])
            } else {
                throw FixtureError("\(name)/setup: cannot parse '\(line)'")
            }
        }
        return environment
    }

    /// Runs the built generator on this machine into a fresh `temporary/out`.
    func generate(in temporary: TemporaryDirectory, libexecDirectory: String = "/usr/libexec/boothold") throws
        -> (result: ProcessResult, output: URL)
    {
        let environment = try prepare(in: temporary, libexecDirectory: libexecDirectory)
        let output = temporary.appending("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let result = try run(Products.generator, [output.path, output.path, output.path], environment: environment)
        return (result, output)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
