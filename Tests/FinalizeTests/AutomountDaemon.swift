import Foundation

/// A tiny automount daemon speaking the kernel's v5 protocol for one direct autofs mount, the
/// way systemd's automount units do, run in the test's namespace before boothold-finalize.
enum AutomountDaemon {
    /// serve: mount a tmpfs, READY. empty: READY without mounting (the opener keeps waiting).
    /// refuse: -EHOSTDOWN, as systemd once the automount's stop is queued. silent: read the
    /// request, never answer (an automount nobody serves). gone: exit before any request (the
    /// kernel finds the pipe closed and the mount goes catatonic: opening it shows autofs).
    static let script = #"""
    #!/usr/bin/python3
    # automount-daemon serve|empty|refuse|silent|gone MOUNTPOINT: mount autofs (direct, v5) on
    # MOUNTPOINT, print "ready PID", answer ONE request, then exit (the mount stays). serve:
    # mount a tmpfs, READY. empty: READY without mounting anything, then stay (until killed,
    # or 30 s), so the opener keeps waiting. refuse: AUTOFS_DEV_IOCTL_FAIL with status
    # -EHOSTDOWN, as systemd's automount_send_ready() does once the automount's stop is
    # queued. silent: read the request and never answer (until killed, or 30 s). gone: exit
    # at once, so the kernel finds nobody at the pipe.
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
    if mode == "gone":
        os._exit(0)
    packet = os.read(r, 512)
    _, kind, token = struct.unpack_from("=iiI", packet)
    if mode == "silent":
        print("asked", flush=True)
        signal.pause()
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
    static func setup(_ world: FinalizeHarness, mode: String, mountPoint: String) throws -> String {
        let path = world.root + "/automount-daemon"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        let log = world.root + "/automount.log"
        return """
        /usr/bin/python3 '\(path)' \(mode) '\(mountPoint)' > '\(log)' 2>&1 < /dev/null &
        i=0
        until grep -q ready '\(log)'; do
            i=$((i + 1)); [ $i -lt 500 ] || { cat '\(log)' >&2; exit 90; }
            sleep 0.02
        done
        """
    }

    /// Ends an `empty` or `silent` daemon, which would otherwise wait for its alarm.
    static func kill(_ world: FinalizeHarness) {
        let log = (try? String(contentsOfFile: world.root + "/automount.log", encoding: .utf8)) ?? ""
        guard let line = log.split(separator: "\n").first(where: { $0.hasPrefix("ready ") }),
              let pid = Int32(line.dropFirst("ready ".count)) else { return }
        Glibc.kill(pid, SIGKILL)
    }
}
