import Foundation
import Testing

/// A real direct autofs mount, served by a tiny automount daemon speaking the kernel's v5
/// protocol the way systemd's automount units do: it either mounts a tmpfs and answers
/// READY, or fails the request through /dev/autofs with -EHOSTDOWN, which is what systemd
/// does once the automount's stop is queued at shutdown (systemd#22528).
@Suite("boothold-finalize --require on a real automount",
       .enabled(if: autofsAvailable(), "needs /dev/autofs (the autofs4 module)"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
struct AutomountTests {
    @Test func refusedAutomountIsExplainedAsShutdownHasBegun() throws {
        let world = try FinalizeHarness()
        world.stage()
        let boot = world.root + "/boot"
        try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
        let run = try world.run(
            world.runArguments(extra: ["--require", boot], command: [world.updater, "--write", world.marker]),
            setup: try AutomountDaemon.setup(world, mode: "refuse", mountPoint: boot))
        #expect(run.status == 122, "\(run.output)")
        #expect(!world.exists(world.marker), "the command did not run")
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "unreachable")
        // No PID 1 to ask here (no /run/systemd/private, no system bus): nothing to mount.
        #expect(result["REASON"]?.hasPrefix("systemd refused to mount the \(boot) automount because shutdown has begun "
            + "(systemd#22528); was test-profile-hold.service running? boothold-finalize did not mount it itself: "
            + "systemd could not be asked which file system belongs there (") == true, "\(result["REASON"] ?? "")")
        let entry = try #require(world.journal.entries().last)
        #expect(entry["MESSAGE_ID"] == ID.unreachable)
    }

    @Test func servedAutomountIsTriggeredAndReachable() throws {
        let world = try FinalizeHarness()
        world.stage()
        let boot = world.root + "/boot"
        try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
        let began = Date()
        let run = try world.run(
            world.runArguments(extra: ["--require", boot], command: [world.updater, "--write", world.marker, "--consume", world.staged]),
            setup: try AutomountDaemon.setup(world, mode: "serve", mountPoint: boot))
        // The control of FallbackMountTests' own-mount timing: the same harness, served.
        print("served automount: the whole run \(Int(Date().timeIntervalSince(began) * 1000)) ms")
        #expect(run.status == 0, "\(run.output)")
        #expect(world.exists(world.marker))
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "succeeded")
        #expect(result["REQUIRED_1"] == boot)
        #expect(result["REACHED_1"] == "automount", "the open mounted it")
        #expect(result["FSTYPE_1"] == "tmpfs")
    }

    /// A file system already on the automount (what the hold keeps there): "held".
    @Test func fileSystemOnTheAutomountIsHeld() throws {
        let world = try FinalizeHarness()
        world.stage()
        let boot = world.root + "/boot"
        try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
        let setup = try AutomountDaemon.setup(world, mode: "serve", mountPoint: boot) + "\nls '\(boot)' > /dev/null"
        let run = try world.run(
            world.runArguments(extra: ["--require", boot], command: [world.updater, "--consume", world.staged]), setup: setup)
        #expect(run.status == 0, "\(run.output)")
        let result = try #require(world.record("result"))
        #expect(result["REACHED_1"] == "held")
        #expect(result["FSTYPE_1"] == "tmpfs")
        let started = try #require(world.journal.entries().first { $0["MESSAGE_ID"] == ID.started })
        #expect(started["MESSAGE"]?.hasSuffix("; \(boot) is held (tmpfs).") == true, "\(started["MESSAGE"] ?? "")")
    }

    /// READY without a mount: the kernel keeps the opener waiting for a mount that never
    /// comes (as with an autofs nobody serves, systemd#43700). The probe gives up at the
    /// deadline instead of hanging until systemd's SIGKILL, and records why.
    @Test func automountThatNeverMountsCostsOnlyTheDeadline() throws {
        let world = try FinalizeHarness()
        world.stage()
        let boot = world.root + "/boot"
        try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
        let run = try world.run(
            world.runArguments(timeout: "1s", extra: ["--require", boot], command: [world.updater, "--write", world.marker]),
            setup: try AutomountDaemon.setup(world, mode: "empty", mountPoint: boot))
        AutomountDaemon.kill(world)
        #expect(run.status == 122, "\(run.output)")
        #expect(!world.exists(world.marker))
        // The open gets a quarter of the timeout; no PID 1 to ask here, so nothing is mounted.
        #expect(world.record("result")?["REASON"]?.hasPrefix("opening \(boot) did not return within 250ms (an automount nobody serves?)") == true)
    }
}

/// Loads the autofs module when it is missing (a fresh CI machine), then looks for the
/// misc device the daemon fails requests through.
func autofsAvailable() -> Bool {
    if !FileManager.default.fileExists(atPath: "/dev/autofs"), FileManager.default.isExecutableFile(atPath: "/sbin/modprobe") {
        let modprobe = Process()
        modprobe.executableURL = URL(fileURLWithPath: "/sbin/modprobe")
        modprobe.arguments = ["-q", "autofs4"]
        if (try? modprobe.run()) != nil { modprobe.waitUntilExit() }
    }
    return FileManager.default.fileExists(atPath: "/dev/autofs")
}
