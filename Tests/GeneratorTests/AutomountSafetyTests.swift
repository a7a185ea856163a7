import Foundation
import Testing

/// The generator must never trigger an automount it is asked about: a triggered /boot at boot
/// would be mounted by the generator instead of by its unit, and at a daemon-reload an open of
/// a mounted automount resets its idle timer. This runs the generator on the real root of a
/// private mount namespace where /boot is a real autofs served by a small automount daemon
/// (Tests/HoldTests/autofs-test-daemon.py), which prints "mounted" whenever anything walks in.
@Suite struct AutomountSafetyTests {
    static let daemon = PackagePaths.root.appendingPathComponent("Tests/HoldTests/autofs-test-daemon.py").path

    static let available: Bool = {
        let filesystems = (try? String(contentsOfFile: "/proc/filesystems", encoding: .utf8)) ?? ""
        var isDirectory: ObjCBool = false
        return filesystems.split(separator: "\n").contains { $0.hasSuffix("\tautofs") }
            && FileManager.default.fileExists(atPath: "/boot", isDirectory: &isDirectory) && isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    }()

    /// In the namespace: a tmpfs over /run carrying the profile as a drop-in (/run/boothold is
    /// a configuration directory), the autofs daemon on /boot, then the generator. The host's
    /// /run and /boot are untouched (private propagation).
    static let script = #"""
        set -eu
        generator=$1 daemon=$2 output=$3 log=$4
        mount -t tmpfs boothold-test-run /run
        mkdir -p /run/boothold/boothold.conf.d
        printf '%s\n' '[autofs-probe]' 'Staged=/run/probe/staged' 'Finalize=/bin/true' \
            'Paths=/boot /boot/efi' 'Trigger=none' >/run/boothold/boothold.conf.d/50-probe.conf
        # The daemon serves requests until its stdin closes; keep it open through a FIFO.
        mkfifo "$log.in"
        python3 "$daemon" /boot <"$log.in" >"$log" 2>&1 &
        daemon_pid=$!
        exec 3>"$log.in"
        for _ in $(seq 100); do grep -q ready "$log" && break; sleep 0.05; done
        grep -q ready "$log"
        status=0
        "$generator" "$output" || status=$?
        sleep 0.2
        awk '$5 == "/boot" { for (i = 7; i <= NF; i++) if ($i == "-") print "mount:", $(i + 1) }' \
            /proc/self/mountinfo >>"$log"
        exec 3>&-
        wait "$daemon_pid"
        exit "$status"
        """#

    @Test(.enabled(if: available, "needs the autofs file system, a /boot directory and python3"))
    func generatorNeverTriggersTheAutomountItPredicts() throws {
        let temporary = try TemporaryDirectory("autofs")
        defer { temporary.remove() }
        let output = temporary.appending("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let fstab = temporary.appending("fstab")
        try Data().write(to: fstab)
        let log = temporary.appending("daemon.log")
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/unshare"),
            ["-m", "--propagation", "private", "/bin/sh", "-c", Self.script, "sh",
             Products.generator.path, Self.daemon, output.path, log.path],
            environment: [
                // gpt-auto off: nothing explains the autofs, so rule 1 is the reason whatever
                // the host's firmware (on a BIOS boot gpt-auto could have put it there).
                "SYSTEMD_PROC_CMDLINE": "systemd.gpt_auto=0", "SYSTEMD_FSTAB": fstab.path, "SYSTEMD_IN_INITRD": "0",
                "BOOTHOLD_LIBEXECDIR": "/usr/libexec/boothold", "SYSTEMD_LOG_LEVEL": "debug",
            ])
        let daemonLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(result.status == 0, "\(result.standardError)\ndaemon:\n\(daemonLog)")
        #expect(daemonLog.contains("ready"), "\(daemonLog)")
        #expect(!daemonLog.contains("mounted"), "the generator triggered /boot:\n\(daemonLog)")
        #expect(daemonLog.contains("mount: autofs") && !daemonLog.contains("mount: tmpfs"), "\(daemonLog)")
        // Rule 1 saw the autofs; /boot/efi below it was not looked at.
        let tree = try Tree.read(output)
        #expect(tree["autofs-probe-hold.service"] != nil, "\(tree.keys.sorted())\n\(result.standardError)")
        guard case .file(let finalize)? = tree["autofs-probe.service"] else {
            Issue.record("autofs-probe.service not written")
            return
        }
        #expect(finalize.contains("# /boot: will be an automount: autofs is mounted there"), "\(finalize)")
    }
}
