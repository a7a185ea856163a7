/// Rule 1: an autofs mount is already there (a daemon-reload after boot). Reads the mount table.
struct AutofsMounted: AutomountRule {
    func evaluate(_ path: String, _ inputs: AutomountInputs) -> AutomountAnswer {
        let mounts: [MountEntry]
        switch inputs.snapshot.mounts {
        case .value(let entries): mounts = entries
        case .unreadable(let reason): return .decided(.unreadable(input: "/proc/self/mountinfo", reason: reason))
        }
        // Search every row: once triggered, the real file system is stacked on the autofs row.
        if mounts.contains(where: { $0.fileSystemType == "autofs" && MountPath.same(MountPath.simplifyFstabTarget($0.target) ?? "", path) }) {
            return .decided(.autofsMounted)
        }
        return .noMatch("no autofs mounted")
    }
}
