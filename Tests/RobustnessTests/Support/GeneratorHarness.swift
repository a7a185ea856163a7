import Foundation
import Testing

/// The executables under test: `BOOTHOLD_TEST_PRODUCTS` when set (Tests/run-all.sh sets it to
/// the Embedded build that is installed, build-embedded.sh's), else the SwiftPM build beside the
/// running test bundle (`.build/<triple>/debug/`).
enum Products {
    static let directory: URL = directory(from: "BOOTHOLD_TEST_PRODUCTS")
    static var generator: URL { directory.appendingPathComponent("boothold-generator") }
    /// A generator with the debug-only output fault hook (`BOOTHOLD_TEST_KILL_AFTER_WRITES`):
    /// `BOOTHOLD_TEST_HOOK_PRODUCTS` when set (run-all.sh: the Embedded build with DEBUG,
    /// `build-embedded.sh --debug`), else the SwiftPM debug build beside the test bundle.
    static var generatorWithFaultHook: URL {
        directory(from: "BOOTHOLD_TEST_HOOK_PRODUCTS").appendingPathComponent("boothold-generator")
    }

    /// The directory `variable` names, else the one of the running test bundle.
    private static func directory(from variable: String) -> URL {
        ProcessInfo.processInfo.environment[variable].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }
}

/// A machine for `BOOTHOLD_ROOT`, built file by file in a fresh temporary directory.
struct FixtureRoot {
    let url: URL
    var path: String { url.path }

    init(_ name: String) throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("boothold-robust")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        url = base.appendingPathComponent("\(name)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` at `relativePath` (e.g. `etc/fstab`), creating parent directories.
    func write(_ relativePath: String, _ bytes: [UInt8], mode: Int = 0o644) throws {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file.path)
    }

    func write(_ relativePath: String, _ text: String, mode: Int = 0o644) throws {
        try write(relativePath, Array(text.utf8), mode: mode)
    }

    func makeDirectory(_ relativePath: String, mode: Int = 0o755) throws {
        let dir = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: dir.path)
    }

    func symlink(_ relativePath: String, to target: String) throws {
        let link = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target)
    }

    /// Removes the root and every directory made beside it (outputs, stderr files).
    func remove() {
        let base = url.deletingLastPathComponent()
        let name = url.lastPathComponent
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? [] where entry.hasPrefix(name) {
            try? FileManager.default.removeItem(at: base.appendingPathComponent(entry))
        }
    }

    /// A fresh, empty directory beside the root, for the generator's output.
    func outputDirectory(_ name: String = "out") throws -> URL {
        let dir = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + "." + name)
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The shipped-style ostree profile, with `overrides` replacing or adding keys.
    static func ostreeProfile(name: String = "ostree-finalize-staged", _ overrides: [(String, String)] = []) -> String {
        var keys: [(String, String)] = [
            ("Staged", "/run/ostree/staged-deployment"),
            ("Finalize", "/usr/bin/ostree admin finalize-staged"),
            ("Paths", "/sysroot /boot"),
            ("Hold", "auto"),
            ("Condition", "/run/ostree-booted"),
            ("Trigger", "path"),
            ("TimeoutSec", "5min"),
            ("Description", "OSTree Finalize Staged Deployment"),
        ]
        for (key, value) in overrides {
            if let i = keys.firstIndex(where: { $0.0 == key }) { keys[i].1 = value } else { keys.append((key, value)) }
        }
        return "[\(name)]\n" + keys.map { "\($0)=\($1)\n" }.joined()
    }

    /// An ordinary booted machine: mountinfo with / and /sysroot, an fstab without /boot,
    /// a command line, no EFI variables.
    func writeOrdinaryMachine() throws {
        try write("proc/self/mountinfo", """
            22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
            23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:2 - proc proc rw
            24 22 254:0 /ostree/deploy/os /sysroot rw,relatime shared:3 - ext4 /dev/vda1 rw

            """)
        try write("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro quiet\n")
        try write("etc/fstab", "/dev/vda1 / ext4 defaults 0 1\n")
        try makeDirectory("boot")
        try makeDirectory("sysroot")
    }
}

/// What one generator run did.
struct GeneratorRun {
    var status: Int32
    var killedBySignal: Bool
    var standardError: String
    var output: URL
    /// Regular files below the output directory, by relative path.
    var files: [String: [UInt8]]
    /// Symlinks below the output directory, by relative path → target.
    var links: [String: String]

    /// The unit files (not links), as text, by relative path.
    var units: [String: String] { files.mapValues { String(decoding: $0, as: UTF8.self) } }
}

enum RunAs {
    case root
    /// An unprivileged uid/gid, so that permission bits (EACCES) apply.
    case nobody
    static let nobodyID: UInt32 = 65534
}

/// Runs the real generator into `output` with `BOOTHOLD_ROOT=root`.
func runGenerator(
    root: FixtureRoot, output: URL, arguments: [String]? = nil, environment: [String: String] = [:],
    as user: RunAs = .root, timeout: TimeInterval = 30, generator: URL = Products.generator
) throws -> GeneratorRun {
    let process = Process()
    var argv = arguments ?? [output.path]
    if user == .nobody {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        argv = ["--reuid=\(RunAs.nobodyID)", "--regid=\(RunAs.nobodyID)", "--clear-groups", "--",
                generator.path] + argv
    } else {
        process.executableURL = generator
    }
    process.arguments = argv
    var env = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BOOTHOLD_ROOT": root.path,
               "BOOTHOLD_LIBEXECDIR": Products.directory.path, "SYSTEMD_LOG_LEVEL": "debug"]
    env.merge(environment) { $1 }
    process.environment = env
    // stderr goes to a file, so a hanging generator cannot block the test on a pipe.
    let errorFile = output.deletingLastPathComponent().appendingPathComponent(output.lastPathComponent + ".stderr")
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    let errorHandle = try FileHandle(forWritingTo: errorFile)
    defer { try? errorHandle.close() }
    process.standardError = errorHandle
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning {
        if Date() > deadline {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("boothold-generator did not finish within \(timeout) s")
            process.waitUntilExit()
            break
        }
        usleep(500)
    }
    let errorData = (try? Data(contentsOf: errorFile)) ?? Data()
    return GeneratorRun(
        status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal,
        standardError: String(decoding: errorData, as: UTF8.self), output: output,
        files: try regularFiles(below: output), links: try symlinks(below: output))
}

/// Every regular file below `directory`, by relative path.
func regularFiles(below directory: URL) throws -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    for relative in try FileManager.default.subpathsOfDirectory(atPath: directory.path) {
        let full = directory.appendingPathComponent(relative).path
        var info = stat()
        guard lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
        result[relative] = Array(try Data(contentsOf: URL(fileURLWithPath: full)))
    }
    return result
}

/// Every symlink below `directory`, by relative path → target.
func symlinks(below directory: URL) throws -> [String: String] {
    var result: [String: String] = [:]
    for relative in try FileManager.default.subpathsOfDirectory(atPath: directory.path) {
        let full = directory.appendingPathComponent(relative).path
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: full) { result[relative] = target }
    }
    return result
}

/// Runs a command, returning its exit status and combined output.
@discardableResult
func runCommand(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// `systemd-analyze verify --man=no` on every unit file of a run (the host's systemd).
func verifyUnits(_ run: GeneratorRun) throws -> (status: Int32, output: String) {
    let units = run.files.keys.filter { !$0.contains("/") }.sorted().map { run.output.appendingPathComponent($0).path }
    guard !units.isEmpty else { return (0, "") }
    return try runCommand("/usr/bin/systemd-analyze", ["verify", "--man=no", "--recursive-errors=no"] + units)
}

/// The assignments of one generated unit, read back with systemd's rules.
func assignments(_ run: GeneratorRun, _ unit: String) throws -> [UnitAssignment] {
    guard let bytes = run.files[unit] else {
        throw UnitSyntaxError("\(unit) was not written; files: \(run.files.keys.sorted()); stderr: \(run.standardError)")
    }
    return try SystemdUnitSyntax.parseUnitFile(bytes)
}

func values(_ assignments: [UnitAssignment], _ key: String) -> [[UInt8]] {
    assignments.filter { $0.key == key }.map(\.value)
}
