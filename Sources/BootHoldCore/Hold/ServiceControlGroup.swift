/// Where systemd keeps a unit's processes: its control group. The hold uses it to tell a
/// deployment unstaged at run time from one being finalized, because
/// `ostree admin finalize-staged` unlinks the staged file itself *before* it writes `/boot`
/// (reference/ostree-finalize.md §2.2): while the paired finalize unit has processes (its
/// `ExecStop=` is running), a vanished staged file is not a reason to let go.
public enum ServiceControlGroup {
    /// This process's path in systemd's hierarchy from a `/proc/self/cgroup` text: the
    /// cgroup v2 line ("0::/system.slice/x-hold.service"), else the named v1 hierarchy of the
    /// legacy layout ("1:name=systemd:/system.slice/x-hold.service").
    public static func systemdPath(procSelfCgroup text: String) -> String? {
        // Each line is "hierarchy-ID:controllers:path" (cgroups(7)).
        let entries = text.split(separator: "\n").map { $0.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false) }
        for wanted in [("0", ""), (nil, "name=systemd")] as [(Substring?, Substring)] {
            for fields in entries where fields.count == 3 && fields[1] == wanted.1 {
                if let id = wanted.0, fields[0] != id { continue }
                if fields[2].hasPrefix("/") { return String(fields[2]) }
            }
        }
        return nil
    }

    /// The cgroup of `unit` beside this process's own, in the same slice: the hold is told its
    /// finalize unit on its command line (`--finalize-unit x.service`), and systemd puts both
    /// services in the same slice: "/system.slice/x-hold.service" → "/system.slice/x.service".
    /// Nil when `ownPath` is not a service's cgroup, or is `unit`'s own.
    public static func sibling(_ unit: String, of ownPath: String) -> String? {
        guard let slash = ownPath.lastIndex(of: "/") else { return nil }
        let own = ownPath[ownPath.index(after: slash)...]
        guard own.hasSuffix(".service"), own != unit else { return nil }
        return String(ownPath[...slash]) + unit
    }

    /// The unit name at the end of a cgroup path: "/system.slice/x.service" → "x.service".
    public static func unitName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
