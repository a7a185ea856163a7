/// Rule 1: an autofs mount is already there (a daemon-reload after boot). Reads the mount table.
struct AutofsMounted: AutomountRule {
    func evaluate(_ path: String, _ inputs: AutomountInputs) -> AutomountAnswer {
        if case .unreadable(let reason) = inputs.snapshot.mounts {
            return .decided(.unreadable(input: "/proc/self/mountinfo", reason: reason))
        }
        if inputs.autofsTargets.contains(Array(path.utf8)) {
            return .decided(.autofsMounted)
        }
        return .noMatch("no autofs mounted")
    }
}
