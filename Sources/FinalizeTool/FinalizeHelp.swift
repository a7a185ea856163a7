import BootHoldCore

/// `--help` and `--version` text. The man page is written from this and the README section.
enum FinalizeHelp {
    static var version: String { "boothold-finalize \(PackageVersion.current)" }

    static let text = """
    Usage:
      boothold-finalize --name NAME --staged FILE [--staged-kept] [--require PATH]...
                        [--lock FILE] --timeout DURATION [--state-dir DIR] -- COMMAND [ARG]...
      boothold-finalize --report --name NAME [--state-dir DIR]
      boothold-finalize --help | --version

    Run a staged deployment's finalize COMMAND at shutdown (from ExecStop= of the unit
    boothold-generator writes) and record how it ended; at the next boot, --report says once
    whether it went wrong.

    Run mode, in order:
      1. FILE (--staged) missing: "nothing staged", exit 0, COMMAND not run.
      2. Each --require PATH is opened as a directory (this triggers an automount) and must
         be a mounted file system, not autofs, within the deadline; otherwise the failure is
         recorded and boothold-finalize exits 122 without running COMMAND.
      3. --lock FILE: an exclusive OFD lock (flock fallback) is taken, waiting no longer than
         the deadline; exit 123 if it is not obtained.
      4. A "started" record is written, COMMAND is spawned (stdout/stderr inherited) and
         waited for. At the deadline it gets SIGTERM, then SIGKILL after a grace of 5 s (or
         half the timeout, if shorter); exit 124. SIGTERM or SIGINT sent to
         boothold-finalize is forwarded to COMMAND.
      5. A "result" record is written; exit with COMMAND's status. If COMMAND exits 0 but
         FILE is still there, the deployment was not applied (ostree's finalization lock):
         logged as a warning, exit 0 (not with --staged-kept).

    Options:
      --name NAME           profile name (base name of its units); records go to DIR/NAME/
      --staged FILE         file whose existence means a deployment is staged
      --staged-kept         the updater leaves FILE in place when it applies the
                            deployment: FILE remaining does not mean "not applied"
      --require PATH        mount point COMMAND needs (repeatable)
      --lock FILE           lock file to hold while COMMAND runs (created if missing)
      --timeout DURATION    deadline for everything, a systemd time span ("4min 50s",
                            "90", "infinity"; 0 means no deadline)
      --state-dir DIR       where records live (default /var/lib/boothold)
      --report              read NAME's records, log a problem once, archive them
      -h, --help            show this help
      --version             show the version

    Records: DIR/NAME/started and DIR/NAME/result, KEY=VALUE text written atomically;
    --report moves them to DIR/NAME/reported/. Journal entries carry fixed MESSAGE_IDs:
      30579d3735cd4ae285887b0e99d182dd  started
      40eb6c5136414d07a8374584057768af  succeeded
      fc613a5569064afc800c5d0485687599  failed
      0d059d2f7d9c4cd084303cc1bdc8d2bb  timed out
      96fe4a32be5d4e379d410d40c114c960  a required path unreachable
      3d574049bce644989438dde8f07ee391  lock not obtained
      820cb927c1e84d2f957220b37d2ff79f  succeeded but FILE still there (not applied)
      5a30416087004a75ad1d83f6c5326f05  report: previous finalization went wrong
      99b4c89ff0ce4fb687c06846a75ef023  report: previous finalization never finished
      29958e46cbdc43f8bd069ceb3b6e98af  report: previous finalization did not apply

    Exit status:
      0        success, nothing staged; --report: nothing to report, or a clean or
               not-applied record
      1        --report: a failure, timeout, unreachable path, lock timeout or a finalization
               that never finished was reported
      2        bad usage
      1-255    COMMAND's own exit status
      122      a --require path was unreachable or not mounted
      123      the --lock was not obtained before the deadline (or SIGTERM came first)
      124      COMMAND was stopped at the deadline
      125      boothold-finalize itself failed (lock file could not be opened, spawn error)
      126      COMMAND could not be executed
      127      COMMAND was not found
      128+N    COMMAND was killed by signal N

    """
}
