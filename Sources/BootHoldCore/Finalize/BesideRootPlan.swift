/// A root of boothold-finalize's own beside an automount that does not answer.
///
/// While an automount request is pending (a process waits in open() for a mount the daemon
/// never makes: systemd 252 never answers a request whose mount job the shutdown cancelled),
/// the kernel makes every lookup that crosses the autofs wait for it (autofs_d_manage()), in
/// any mount namespace: the probe's, mount(2)'s own lookup of its target, umount(2)'s. The
/// directory the autofs sits on is not affected: a non-recursive bind of its parent shows the
/// bare directory. So boothold-finalize builds a copy of the mount tree without that autofs —
/// the root file system bound non-recursively, then every other visible mount bound on top,
/// parents first — mounts the file system on the bare directory there, and runs the command
/// with that copy as its root. All in its own mount namespace: nothing of it reaches the
/// namespace boothold-finalize started in.
///
/// Pure: which mount points to bind, in which order, from the mount table.
public struct BesideRootPlan: Sendable, Equatable {
    /// Mount points to bind into the copy, parents before children; each gets the mount
    /// visible at that point (the last one mounted there).
    public var binds: [String]
    /// The mount points left out: the path and what is under it, and every automount with
    /// nothing mounted on it (binding it would trigger it) and what is under that.
    public var leftOut: [String]

    public init(binds: [String], leftOut: [String]) {
        self.binds = binds
        self.leftOut = leftOut
    }

    /// `table` in mountinfo order (bottom first at each mount point); `path` the automount
    /// point to leave out.
    public init(table: [MountEntry], besides path: String) {
        // The visible mount at each point is the last one listed there.
        var order: [String] = []
        var top: [String: String] = [:]
        for entry in table {
            guard let target = MountPath.normalize(entry.target) else { continue }
            if top[target] == nil { order.append(target) }
            top[target] = entry.fileSystemType
        }
        // Parents first: by depth, in table order within a depth.
        let depth = { (target: String) in target.split(separator: "/").count }
        let sorted = order.enumerated().sorted { (depth($0.element), $0.offset) < (depth($1.element), $1.offset) }.map { $0.element }

        var binds: [String] = []
        var leftOut: [String] = []
        var unreachable: [String] = [path]
        for target in sorted where target != "/" {
            if unreachable.contains(where: { MountPath.isAtOrUnder(target, $0) }) {
                leftOut.append(target)
            } else if top[target] == "autofs" {
                unreachable.append(target)
                leftOut.append(target)
            } else {
                binds.append(target)
            }
        }
        self.binds = binds
        self.leftOut = leftOut
    }

    /// Of `binds`, those at or under `directory`: they must be opened before `directory` is
    /// covered by the staging mount.
    public func binds(under directory: String) -> [String] {
        binds.filter { MountPath.isAtOrUnder($0, directory) }
    }
}
