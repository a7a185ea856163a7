import BootHoldCore
import Foundation
import Glibc

/// Runs a short command to the end: status and output (stdout and stderr). posix_spawn and
/// waitpid on one pid, as the harness does.
func runCommand(_ argv: [String]) throws -> (status: Int32, output: String) {
    let output = NSTemporaryDirectory() + "boothold-cmd-\(UUID().uuidString)"
    defer { unlink(output) }
    let pid = try spawnCommand(argv, output: output)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
        guard errno == EINTR else { throw HarnessError("waitpid: \(errno)") }
    }
    let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), text)
}

/// Starts `argv` with stdout and stderr appended to `output`, stdin /dev/null.
func spawnCommand(_ argv: [String], output: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
    guard result == 0 else { throw HarnessError("posix_spawn \(argv[0]): \(String(cString: strerror(result)))") }
    return pid
}

/// A real file system image on a loop device, detached again when released.
final class LoopImage {
    let file: String
    let device: String
    let type: String

    /// A 32 MB image made with `mkfs.TYPE` (ext2, ext4, vfat), attached with `losetup`.
    init(in directory: String, type: String) throws {
        file = directory + "/\(type).img"
        self.type = type
        guard FileManager.default.createFile(atPath: file, contents: nil), truncate(file, 32 << 20) == 0 else {
            throw HarnessError("cannot create \(file)")
        }
        let mkfs = type == "vfat" ? ["/usr/sbin/mkfs.vfat", file] : ["/usr/sbin/mkfs.\(type)", "-q", "-F", file]
        let made = try runCommand(mkfs)
        guard made.status == 0 else { throw HarnessError("\(mkfs[0]): \(made.output)") }
        let attached = try runCommand(["/usr/sbin/losetup", "--find", "--show", file])
        guard attached.status == 0 else { throw HarnessError("losetup: \(attached.output)") }
        device = attached.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        _ = try? runCommand(["/usr/sbin/losetup", "--detach", device])
    }

    /// The block device's number, as mountinfo and statx show it.
    var number: DeviceNumber {
        var status = stat()
        stat(device, &status)
        return DeviceNumber(major: UInt32(status.st_rdev >> 8 & 0xfff), minor: UInt32((status.st_rdev & 0xff) | (status.st_rdev >> 12 & 0xfff00)))
    }

    /// The contents of `name` on the image, read through a mount of its own in a private
    /// namespace (read-only); nil when it is not there.
    func read(_ name: String) throws -> String? {
        let script = """
            set -e
            dir=$(mktemp -d)
            mount -o ro "$1" "$dir"
            if [ -e "$dir/$2" ]; then cat "$dir/$2"; else echo "<missing>"; fi
            umount "$dir"; rmdir "$dir"
            """
        let shown = try runCommand(["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", device, name])
        guard shown.status == 0 else { throw HarnessError("reading \(name) on \(device): \(shown.output)") }
        return shown.output == "<missing>\n" ? nil : shown.output
    }

    /// Writes `name` on the image (before the scenario, so a later check tells old from new).
    func write(_ name: String, _ text: String) throws {
        let script = """
            set -e
            dir=$(mktemp -d)
            mount "$1" "$dir"
            printf %s "$3" > "$dir/$2"
            umount "$dir"; rmdir "$dir"
            """
        let done = try runCommand(["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", device, name, text])
        guard done.status == 0 else { throw HarnessError("writing \(name) on \(device): \(done.output)") }
    }
}

/// A stand-in for PID 1's D-Bus manager (Tests/FinalizeTests/systemd-bus-standin.c, built
/// once with gcc and libsystemd), listening on a socket the harness links at
/// /run/systemd/private inside boothold-finalize's namespace.
final class SystemdBusStandIn {
    /// One mount unit as the stand-in reports it.
    struct Unit {
        var name: String
        var loadState = "loaded"
        var what = ""
        var type = ""
        var options = ""
    }

    let socket: String
    let log: String
    private let pid: pid_t

    static let executable: Result<String, HarnessError> = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("systemd-bus-standin.c").path
        let output = URL(fileURLWithPath: FinalizeHarness.executable).deletingLastPathComponent()
            .appendingPathComponent("boothold-test-systemd-bus-standin").path
        guard let built = try? runCommand(["/usr/bin/gcc", "-O1", "-o", output, source, "-lsystemd"]), built.status == 0 else {
            return .failure(HarnessError("cannot build \(source) (needs gcc and libsystemd-dev)"))
        }
        return .success(output)
    }()

    /// `silent`: accept connections and never answer.
    init(in world: FinalizeHarness, units: [Unit], silent: Bool = false) throws {
        socket = world.root + "/systemd-private"
        log = world.root + "/systemd-bus-standin.log"
        let executable = try SystemdBusStandIn.executable.get()
        var argv = [executable, socket, silent ? "silent" : "answer"]
        for unit in units { argv += [unit.name, unit.loadState, unit.what, unit.type, unit.options] }
        pid = try spawnCommand(argv, output: log)
        guard world.waitFor(socket, seconds: 10) else { throw HarnessError("the bus stand-in did not start: \(calls)") }
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// What it printed: "ready", "LoadUnit NAME" per call.
    var calls: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Shell for the harness's setup: PID 1's private socket is this stand-in.
    var setup: String {
        "mkdir -p /run/systemd && ln -s '\(socket)' /run/systemd/private"
    }
}

/// Whether the running kernel can mount `type` (/proc/filesystems): this build machine's
/// kernel, for one, has no vfat.
func kernelMounts(_ type: String) -> Bool {
    let table = (try? String(contentsOfFile: "/proc/filesystems", encoding: .utf8)) ?? ""
    return table.split(separator: "\n").contains { $0.split(separator: "\t").last.map(String.init) == type }
}
