import Foundation
import Testing

/// The executables under test: `BOOTHOLD_TEST_PRODUCTS` when set (Tests/run-all.sh sets it to
/// the Embedded build that is installed, build-embedded.sh's), else the SwiftPM build beside the
/// running test bundle (`.build/<triple>/debug/`).
enum Products {
    static let directory: URL = ProcessInfo.processInfo.environment["BOOTHOLD_TEST_PRODUCTS"]
        .map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    static var generator: URL { directory.appendingPathComponent("boothold-generator") }
}

/// Where this package's files are, found from this source file (no SwiftPM resources).
enum PackagePaths {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/generator")
    static let shippedConfiguration = root.appendingPathComponent("generator/boothold.conf")
    static let shippedDropIns = root.appendingPathComponent("generator/boothold.conf.d")
}

/// The outcome of running a program.
struct ProcessResult {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs `executable` with exactly `environment` (nothing inherited), capturing its output.
func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment.merging(["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]) { mine, _ in mine }
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Read both pipes before waiting, so a chatty child cannot block on a full pipe.
    let errorData = LockedData()
    let errorReader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
    errorReader.start()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errorData.done { usleep(1000) }
    return ProcessResult(
        status: process.terminationStatus,
        standardOutput: String(decoding: outputData, as: UTF8.self),
        standardError: String(decoding: errorData.value, as: UTF8.self))
}

/// A tiny box for the stderr reader thread.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var finished = false
    func set(_ value: Data) { lock.lock(); data = value; finished = true; lock.unlock() }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return finished }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// A fresh directory under /tmp, removed by `remove()`; each test has its own.
struct TemporaryDirectory {
    let url: URL

    init(_ label: String) throws {
        let template = FileManager.default.temporaryDirectory
            .appendingPathComponent("boothold-\(label)-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw POSIXError(.EIO) }
        url = URL(fileURLWithPath: String(cString: made))
    }

    var path: String { url.path }

    func appending(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A directory tree as the generator leaves it: regular files with their contents and symlinks
/// with their targets, keyed by relative path (directories are implied).
enum TreeNode: Equatable, CustomStringConvertible {
    case file(String)
    case link(String)

    var description: String {
        switch self {
        case .file(let text): return text
        case .link(let target): return "→ \(target)"
        }
    }
}

enum Tree {
    /// Names the golden trees use to stand for "nothing was written" (git keeps no empty dirs).
    static let emptyMarker = ".empty"

    static func read(_ directory: URL) throws -> [String: TreeNode] {
        var result: [String: TreeNode] = [:]
        try walk(directory.path, relative: "", into: &result)
        return result
    }

    private static func walk(_ path: String, relative: String, into result: inout [String: TreeNode]) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where name != emptyMarker {
            let full = path + "/" + name
            let key = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(full, &info) == 0 else { throw POSIXError(.EIO) }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                result[key] = .link(try FileManager.default.destinationOfSymbolicLink(atPath: full))
            case S_IFDIR:
                try walk(full, relative: key, into: &result)
            default:
                result[key] = .file(String(decoding: try Data(contentsOf: URL(fileURLWithPath: full)), as: UTF8.self))
            }
        }
    }

    /// A readable description of how `actual` differs from `expected` (empty when equal).
    static func difference(expected: [String: TreeNode], actual: [String: TreeNode]) -> String {
        var lines: [String] = []
        for key in Set(expected.keys).union(actual.keys).sorted() {
            switch (expected[key], actual[key]) {
            case (nil, let node?): lines.append("unexpected \(key):\n\(node)")
            case (let node?, nil): lines.append("missing \(key):\n\(node)")
            case (let e?, let a?) where e != a:
                lines.append("differs \(key):\n" + lineDiff(e.description, a.description))
            default: break
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func lineDiff(_ expected: String, _ actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(e.count, a.count) {
            let left = i < e.count ? String(e[i]) : nil
            let right = i < a.count ? String(a[i]) : nil
            if left == right { continue }
            if let left { out.append("-\(left)") }
            if let right { out.append("+\(right)") }
        }
        return out.joined(separator: "\n")
    }

    /// Replaces `directory` with a copy of `tree` (golden regeneration).
    static func write(_ tree: [String: TreeNode], to directory: URL) throws {
        let files = FileManager.default
        try? files.removeItem(at: directory)
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        if tree.isEmpty {
            try Data().write(to: directory.appendingPathComponent(emptyMarker))
        }
        for (key, node) in tree {
            let url = directory.appendingPathComponent(key)
            try files.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            switch node {
            case .file(let text): try Data(text.utf8).write(to: url)
            case .link(let target): try files.createSymbolicLink(atPath: url.path, withDestinationPath: target)
            }
        }
    }
}
