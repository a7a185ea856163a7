import Foundation
import Glibc
import Testing

/// A scratch world for one boothold-finalize scenario: a temp directory with a staged file,
/// a state directory, the fake updater, and a journal socket that the real libsystemd
/// client in boothold-finalize writes to (bound at /run/systemd/journal/socket inside a
/// private mount namespace, so the host is untouched).
final class FinalizeHarness {
    let root: String
    let journal: JournalReceiver

    var staged: String { root + "/staged" }
    var stateDirectory: String { root + "/state" }
    var updater: String { root + "/fake-updater" }
    var marker: String { root + "/updater-ran" }

    init() throws {
        var template = Array("/tmp/boothold-finalize-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
        root = String(cString: made)
        try FinalizeHarness.fakeUpdater.write(toFile: root + "/fake-updater", atomically: true, encoding: .utf8)
        chmod(root + "/fake-updater", 0o755)
        journal = try JournalReceiver(path: root + "/journal.socket")
    }

    deinit {
        journal.close()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The fake updater: writes the marker (its pid), may consume the staged file, sleeps,
    /// ignores or reports SIGTERM, and exits with the requested status.
    static let fakeUpdater = """
    #!/bin/sh
    # fake-updater [--write FILE] [--consume FILE] [--sleep SECONDS] [--ignore-term]
    #              [--report-term FILE] [--exit STATUS]
    # FILE of --write gets this process's pid once its signal dispositions are in place, so a
    # test that waits for it can signal right away.
    status=0 nap=0 ignore=no report= write=
    while [ $# -gt 0 ]; do
        case $1 in
            --write) write=$2; shift 2 ;;
            --consume) rm -f "$2"; shift 2 ;;
            --sleep) nap=$2; shift 2 ;;
            --ignore-term) ignore=yes; shift ;;
            --report-term) report=$2; shift 2 ;;
            --exit) status=$2; shift 2 ;;
            *) echo "fake-updater: bad argument $1" >&2; exit 99 ;;
        esac
    done
    echo "fake-updater: working"
    ready() { if [ -n "$write" ]; then echo $$ >> "$write"; fi; }
    if [ $ignore = yes ]; then
        trap '' TERM
        ready
        exec sleep "$nap"
    fi
    if [ -n "$report" ]; then
        trap 'echo TERM >> "$report"; kill $child 2>/dev/null; exit 143' TERM
        sleep "$nap" & child=$!
        ready
        wait $child
    else
        ready
        [ "$nap" = 0 ] || exec sleep "$nap"
    fi
    exit $status

    """

    func stage() {
        _ = FileManager.default.createFile(atPath: staged, contents: Data("staged\n".utf8))
    }

    /// The boothold-finalize under test: in `BOOTHOLD_TEST_PRODUCTS` when set (Tests/run-all.sh:
    /// the Embedded build that is installed), else beside the running test bundle.
    static var executable: String {
        if let products = ProcessInfo.processInfo.environment["BOOTHOLD_TEST_PRODUCTS"] {
            return products + "/boothold-finalize"
        }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("boothold-finalize").path
    }

    /// Starts boothold-finalize with `arguments` in a private mount namespace (same pid:
    /// unshare and bash exec it) after running `setup` there (shell, e.g. mounts). With
    /// `afterwards`, bash stays boothold-finalize's parent and runs that shell in the same
    /// namespace once it has exited (for checks of the namespace it was started in); the
    /// exit status is still boothold-finalize's.
    /// posix_spawn and waitpid, not Foundation's Process: Process hands the child its
    /// exit-notification socket, so any daemon or orphan left behind would hold up
    /// waitUntilExit(), and it reaps on one shared queue.
    func start(_ arguments: [String], setup: String = "", afterwards: String? = nil) throws -> RunningFinalize {
        // Descriptors other threads' spawns leaked into this one are closed before anything
        // else runs (bash: dash cannot close descriptors above 9).
        let script = """
        set -e
        for fd in /proc/$$/fd/*; do fd=${fd##*/}; if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi; done
        mount -t tmpfs boothold-test-run /run
        mkdir -p /run/systemd/journal
        ln -s "$BOOTHOLD_TEST_JOURNAL" /run/systemd/journal/socket
        \(setup)
        \(afterwards.map { "set +e\n\"$@\"\nstatus=$?\n\($0)\nexit $status" } ?? "exec \"$@\"")
        """
        let argv = ["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/bash", "-c", script, "bash",
                    FinalizeHarness.executable] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["BOOTHOLD_TEST_JOURNAL"] = journal.path
        environment.removeValue(forKey: "JOURNAL_STREAM")
        environment.removeValue(forKey: "SYSTEMD_LOG_LEVEL")
        let output = root + "/output.\(UUID().uuidString)"
        let pid = try spawn(argv, environment: environment.map { "\($0.key)=\($0.value)" }, output: output)
        return RunningFinalize(pid: pid, outputPath: output)
    }

    private func spawn(_ argv: [String], environment: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard result == 0 else { throw HarnessError("posix_spawn \(argv[0]): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Runs to the end.
    func run(_ arguments: [String], setup: String = "", afterwards: String? = nil) throws -> FinishedFinalize {
        try start(arguments, setup: setup, afterwards: afterwards).finish()
    }

    /// The usual run-mode arguments for this world.
    func runArguments(timeout: String = "30s", extra: [String] = [], command: [String]) -> [String] {
        ["--name", "test-profile", "--staged", staged, "--timeout", timeout, "--state-dir", stateDirectory]
            + extra + ["--"] + command
    }

    func report() throws -> FinishedFinalize {
        try run(["--report", "--name", "test-profile", "--state-dir", stateDirectory])
    }

    /// A record file of the profile parsed into its KEY=VALUE pairs (values unescaped:
    /// `\\` and `\n`), nil when absent.
    func record(_ name: String) -> [String: String]? {
        guard let text = try? String(contentsOfFile: stateDirectory + "/test-profile/" + name, encoding: .utf8) else { return nil }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            var value = "", escaped = false
            for c in line[line.index(after: eq)...] {
                if escaped { value.append(c == "n" ? "\n" : c == "r" ? "\r" : c); escaped = false }
                else if c == "\\" { escaped = true }
                else { value.append(c) }
            }
            fields[String(line[..<eq])] = value
        }
        return fields
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Waits (bounded) for a file another process writes; tests only, never product code.
    func waitFor(_ path: String, seconds: Double = 20) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if exists(path) { return true }
            usleep(10_000)
        }
        return false
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

final class RunningFinalize {
    let pid: pid_t
    let outputPath: String
    init(pid: pid_t, outputPath: String) {
        self.pid = pid
        self.outputPath = outputPath
    }

    /// waitpid(2) for this child only, then its output.
    func finish() throws -> FinishedFinalize {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw HarnessError("waitpid: \(errno)") }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let signal = status & 0x7f
        return FinishedFinalize(status: signal == 0 ? (status >> 8) & 0xff : 128 + signal,
                                killedBySignal: signal != 0, output: output)
    }
}

struct FinishedFinalize {
    let status: Int32
    let killedBySignal: Bool
    let output: String
}

/// A datagram socket speaking the receiving side of journald's native protocol.
final class JournalReceiver {
    let path: String
    private var fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket failed") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw HarnessError("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw HarnessError("bind \(path) failed: \(errno)") }
        var size: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    /// Every entry received so far, in order, as field dictionaries.
    func entries() -> [[String: String]] {
        var result: [[String: String]] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 17)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard n > 0 else { break }
            result.append(JournalReceiver.parse(Array(buffer[0..<n])))
        }
        return result
    }

    /// `KEY=value\n`, or `KEY\n<little-endian u64 size><value>\n` for binary-safe values.
    static func parse(_ bytes: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        var i = 0
        while i < bytes.count {
            guard let lineEnd = bytes[i...].firstIndex(of: 0x0A) else { break }
            let line = bytes[i..<lineEnd]
            if let eq = line.firstIndex(of: UInt8(ascii: "=")) {
                fields[String(decoding: bytes[i..<eq], as: UTF8.self)] = String(decoding: bytes[(eq + 1)..<lineEnd], as: UTF8.self)
                i = lineEnd + 1
            } else {
                let key = String(decoding: line, as: UTF8.self)
                var size = 0
                for k in 0..<8 { size |= Int(bytes[lineEnd + 1 + k]) << (8 * k) }
                let start = lineEnd + 9
                fields[key] = String(decoding: bytes[start..<(start + size)], as: UTF8.self)
                i = start + size + 1
            }
        }
        return fields
    }
}
