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
    static let daemon = #"""
    #!/usr/bin/python3
    # automount-daemon serve|empty|refuse MOUNTPOINT: mount autofs (direct, v5) on MOUNTPOINT,
    # print "ready PID", answer ONE request, then exit (the mount stays). serve: mount a tmpfs,
    # READY. empty: READY without mounting anything, then stay (until killed, or 30 s), so
    # the opener keeps waiting. refuse: AUTOFS_DEV_IOCTL_FAIL with status -EHOSTDOWN, as
    # systemd's automount_send_ready() does once the automount's stop is queued.
    import ctypes, errno, os, signal, struct, sys
    AUTOFS_IOC_READY = 0x9360
    AUTOFS_DEV_IOCTL_FAIL = 0xC0189377  # _IOWR(0x93, 0x77, struct autofs_dev_ioctl), 24 bytes
    PTYPE_MISSING_DIRECT = 5
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
    mode, mountpoint = sys.argv[1], sys.argv[2].encode()
    signal.alarm(30)
    os.setpgid(0, 0)  # this process group walks the mount point without triggering it
    r, w = os.pipe()
    options = f"fd={w},pgrp={os.getpgrp()},minproto=5,maxproto=5,direct".encode()
    if libc.mount(b"boothold-test-automount", mountpoint, b"autofs", 0, options) != 0:
        sys.exit(f"mount autofs: {os.strerror(ctypes.get_errno())}")
    os.close(w)
    control = os.open(mountpoint, os.O_RDONLY | os.O_DIRECTORY)
    print(f"ready {os.getpid()}", flush=True)
    packet = os.read(r, 512)
    _, kind, token = struct.unpack_from("=iiI", packet)
    if mode in ("serve", "empty") and kind == PTYPE_MISSING_DIRECT:
        if mode == "serve":
            libc.mount(b"tmpfs", mountpoint, b"tmpfs", 0, b"size=1m")
        libc.ioctl(control, AUTOFS_IOC_READY, ctypes.c_ulong(token))
    else:
        dev = os.open("/dev/autofs", os.O_RDONLY | os.O_CLOEXEC)
        param = struct.pack("=IIIiIi", 1, 1, 24, control, token, -errno.EHOSTDOWN)
        buffer = ctypes.create_string_buffer(param, 24)
        if libc.ioctl(dev, AUTOFS_DEV_IOCTL_FAIL, buffer) != 0:
            sys.exit(f"AUTOFS_DEV_IOCTL_FAIL: {os.strerror(ctypes.get_errno())}")
    print("answered", flush=True)
    if mode == "empty":
        signal.pause()
    """#

    /// Shell run in the namespace before boothold-finalize: the daemon, and its "ready".
    func setup(_ world: FinalizeHarness, mode: String, mountPoint: String) throws -> String {
        let script = world.root + "/automount-daemon"
        try AutomountTests.daemon.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let log = world.root + "/automount.log"
        return """
        /usr/bin/python3 '\(script)' \(mode) '\(mountPoint)' > '\(log)' 2>&1 < /dev/null &
        i=0
        until grep -q ready '\(log)'; do
            i=$((i + 1)); [ $i -lt 500 ] || { cat '\(log)' >&2; exit 90; }
            sleep 0.02
        done
        """
    }

    /// Ends an `empty` daemon, which would otherwise wait for its alarm.
    func killDaemon(_ world: FinalizeHarness) {
        let log = (try? String(contentsOfFile: world.root + "/automount.log", encoding: .utf8)) ?? ""
        guard let line = log.split(separator: "\n").first(where: { $0.hasPrefix("ready ") }),
              let pid = Int32(line.dropFirst("ready ".count)) else { return }
        kill(pid, SIGKILL)
    }

    @Test func refusedAutomountIsExplainedAsShutdownHasBegun() throws {
        let world = try FinalizeHarness()
        world.stage()
        let boot = world.root + "/boot"
        try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
        let run = try world.run(
            world.runArguments(extra: ["--require", boot], command: [world.updater, "--write", world.marker]),
            setup: try setup(world, mode: "refuse", mountPoint: boot))
        #expect(run.status == 122, "\(run.output)")
        #expect(!world.exists(world.marker), "the command did not run")
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "unreachable")
        #expect(result["REASON"] == "systemd refused to mount the \(boot) automount because shutdown has begun "
            + "(systemd#22528); was test-profile-hold.service running?")
        let entry = try #require(world.journal.entries().last)
        #expect(entry["MESSAGE_ID"] == ID.unreachable)
    }

    @Test func servedAutomountIsTriggeredAndReachable() throws {
        let world = try FinalizeHarness()
        world.stage()
        let boot = world.root + "/boot"
        try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
        let run = try world.run(
            world.runArguments(extra: ["--require", boot], command: [world.updater, "--write", world.marker, "--consume", world.staged]),
            setup: try setup(world, mode: "serve", mountPoint: boot))
        #expect(run.status == 0, "\(run.output)")
        #expect(world.exists(world.marker))
        #expect(world.record("result")?["OUTCOME"] == "succeeded")
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
            setup: try setup(world, mode: "empty", mountPoint: boot))
        killDaemon(world)
        #expect(run.status == 122, "\(run.output)")
        #expect(!world.exists(world.marker))
        #expect(world.record("result")?["REASON"] == "opening \(boot) did not return within 1s (an automount nobody serves?)")
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
