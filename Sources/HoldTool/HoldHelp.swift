enum HoldHelp {
    static let text = """
        Usage: boothold-hold [--release-when-gone FILE] [--from-start] [--finalize-unit UNIT] PATH...
               boothold-hold --after-stop [--release-when-gone FILE] [--finalize-unit UNIT] PATH...

        Keep each mount point PATH busy, so that autofs cannot expire it (an automounted
        /boot stays mounted until a staged deployment is finalized at shutdown). Run from
        a Type=notify unit with ExecStart=+…: it must run in PID 1's mount namespace,
        because autofs ignores busy mounts in other namespaces.

        Each PATH is opened as a directory (triggering its automount) and must then not be
        an unmounted autofs mount point. READY=1 is sent once the hold knows what to hold
        and holds it.

        Options:
          --release-when-gone FILE  hold the paths only while FILE exists (a deployment
                                    is staged): ready at once when it does not, pin when
                                    it appears, release when it goes away and keep
                                    watching
          --from-start              hold the paths from the start until stopped,
                                    whatever FILE says (the generator writes it
                                    when a drop-in requires an automount or adds
                                    a command after boothold-finalize)
          --finalize-unit UNIT      the finalize unit this hold is paired with: while it
                                    runs its ExecStop= (it has processes in its cgroup,
                                    beside the hold's), FILE going away does not release
          --after-stop              as ExecStopPost=: log when the hold stopped while FILE
                                    exists, and why ($SERVICE_RESULT, $EXIT_CODE,
                                    $EXIT_STATUS); always exits 0
          -h, --help                show this help
          --version                 show the version

        Signals: SIGTERM, SIGINT release and exit 0; SIGHUP is ignored.

        Exit status:
          0  stopped by a signal (also --help, --version, --after-stop)
          2  usage error
          3  a PATH could not be opened or is not mounted when it had to be held
          4  not running in PID 1's mount namespace
          5  signals, inotify or the notification to systemd could not be set up

        """
}
