enum HoldHelp {
    static let text = """
        Usage: boothold-hold [--release-when-gone FILE] PATH...

        Keep each mount point PATH busy until SIGTERM, so that autofs cannot expire it
        (an automounted /boot stays mounted until a staged deployment is finalized at
        shutdown). Run from a Type=notify unit with ExecStart=+…: it must run in PID 1's
        mount namespace, because autofs ignores busy mounts in other namespaces.

        Each PATH is opened as a directory (triggering its automount) and must then not be
        an unmounted autofs mount point. READY=1 is sent only once every PATH is held.

        Options:
          --release-when-gone FILE  also release (exit 0) when FILE, having existed while
                                    held, is deleted or renamed away (deployment unstaged)
          -h, --help                show this help
          --version                 show the version

        Signals: SIGTERM, SIGINT release and exit 0; SIGHUP is ignored.

        Exit status:
          0  released (signal, or FILE gone)
          2  usage error
          3  a PATH could not be opened or is not mounted; nothing is held
          4  not running in PID 1's mount namespace
          5  signals, inotify or the notification to systemd could not be set up

        """
}
