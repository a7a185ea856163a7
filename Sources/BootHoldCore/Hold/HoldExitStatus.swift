/// `boothold-hold`'s exit statuses (documented in its man page and the README).
public enum HoldExitStatus: Int32, Sendable, CaseIterable {
    /// Released and stopped: SIGTERM/SIGINT; also `--help`, `--version` and every `--after-stop`.
    case released = 0
    /// The command line cannot be run.
    case usage = 2
    /// A PATH could not be opened, or is still an unmounted automount, when it had to be held
    /// (at start, or when the staged file appeared): nothing is held.
    case pathNotHeld = 3
    /// Started outside PID 1's mount namespace, where autofs ignores busy mounts.
    case wrongMountNamespace = 4
    /// Signals, inotify or the service manager notification could not be set up.
    case systemFailure = 5
}
