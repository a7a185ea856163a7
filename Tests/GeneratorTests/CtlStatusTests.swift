import Foundation
import Testing

/// `bootholdctl status` on a live machine, in a private mount namespace: a profile whose path
/// is an autofs mount point that nobody serves. The command must answer (it reads the mount
/// table and /proc, never the path), call the path an idle automount, and the automount must
/// never have been asked for a mount.
@Suite(.enabled(if: getuid() == 0, "needs root (unshare, mount)"),
       .enabled(if: FileManager.default.fileExists(atPath: "/dev/autofs"), "needs /dev/autofs"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
struct CtlStatusTests {
    /// Mounts a direct autofs at argv[1], prints "ready", then only watches its pipe: a request
    /// (someone walked into the mount point) is printed as "request" and never answered.
    static let silentDaemon = #"""
    import ctypes, os, select, signal, sys
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
    signal.alarm(60)
    os.setpgid(0, 0)
    r, w = os.pipe()
    options = f"fd={w},pgrp={os.getpgrp()},minproto=5,maxproto=5,direct".encode()
    if libc.mount(b"bootholdctl-test", sys.argv[1].encode(), b"autofs", 0, options) != 0:
        sys.exit(f"mount autofs: {os.strerror(ctypes.get_errno())}")
    os.close(w)
    print("ready", flush=True)
    while True:
        if select.select([r], [], [], 60)[0]:
            os.read(r, 512)
            print("request", flush=True)
    """#

    @Test func neverTriggersAnAutomountNobodyServes() throws {
        let work = try TemporaryDirectory("ctl-autofs")
        defer { work.remove() }
        let auto = work.appending("auto").path
        try FileManager.default.createDirectory(atPath: auto, withIntermediateDirectories: true)
        let daemon = work.appending("daemon.py").path
        try Self.silentDaemon.write(toFile: daemon, atomically: true, encoding: .utf8)
        let log = work.appending("daemon.log").path
        let boothold = Products.directory.appendingPathComponent("boothold").path
        let script = """
        set -eu
        mount --make-rprivate /
        mount -t tmpfs tmpfs /run
        mkdir -p /run/boothold/boothold.conf.d /run/systemd/generator /run/ctl-test
        printf '[ctl-test]\\nStaged=/run/ctl-test/staged\\nFinalize=/bin/true\\nPaths=\(auto)\\nHold=yes\\nTrigger=none\\n' \\
            > /run/boothold/boothold.conf.d/50-test.conf
        BOOTHOLD_LIBEXECDIR=/usr/libexec/boothold '\(boothold)' generator /run/systemd/generator
        /usr/bin/python3 '\(daemon)' '\(auto)' > '\(log)' 2>&1 < /dev/null &
        daemon=$!
        i=0; until grep -q ready '\(log)'; do i=$((i + 1)); [ $i -lt 500 ] || exit 90; sleep 0.02; done
        touch /run/ctl-test/staged
        rc=0; timeout 20 '\(boothold)' ctl status ctl-test || rc=$?
        echo "text-rc=$rc"
        rc=0; timeout 20 '\(boothold)' ctl status --json ctl-test || rc=$?
        echo; echo "json-rc=$rc"
        sleep 0.5
        # Control: an ordinary access does ask the automount (and blocks; nobody answers).
        cp '\(log)' '\(log).before'
        timeout 2 ls '\(auto)' > /dev/null 2>&1 || true
        sleep 0.5
        kill "$daemon" 2>/dev/null || true
        """
        // The private /run has neither PID 1's socket nor a system bus: "unknown" unit states.
        let result = try run(URL(fileURLWithPath: "/usr/bin/unshare"), ["-m", "/bin/sh", "-c", script])
        let out = result.standardOutput
        #expect(out.contains("text-rc=1"), "\(out)\n\(result.standardError)")  // 124 would be a hang
        #expect(out.contains("json-rc=1"))
        #expect(out.contains("  paths:      \(auto): automount, idle (nothing mounted)"), "\(out)")
        #expect(out.contains(#""path":"\#(auto)","automount":true,"mounted":null"#), "\(out)")
        #expect(out.contains("ctl-test: unknown: a deployment is staged, but systemd could not be asked"))
        #expect(out.contains("  generated:  paired with ctl-test-hold.service: Hold=yes"), "\(out)")
        let before = (try? String(contentsOfFile: log + ".before", encoding: .utf8)) ?? ""
        let after = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(before.contains("ready"), "\(before)")
        #expect(!before.contains("request"), "bootholdctl triggered the automount: \(before)")
        #expect(after.contains("request"), "the control access did not reach the automount: \(after)")
    }

    @Test func unknownProfileAndBadUsage() throws {
        let boothold = Products.directory.appendingPathComponent("boothold")
        let work = try TemporaryDirectory("ctl-usage")
        defer { work.remove() }
        let unknown = try run(boothold, ["ctl", "status", "no-such-profile"], environment: ["BOOTHOLD_ROOT": work.url.path])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("no profile named no-such-profile"))
        let bad = try run(boothold, ["ctl", "status", "--bogus"])
        #expect(bad.status == 2)
        #expect(bad.standardError.contains("unknown option '--bogus'"))
        let help = try run(boothold, ["ctl", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.hasPrefix("Usage: bootholdctl"))
    }
}
