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

    public static let holdSuffix = "-hold.service"

    /// The generator pairs `NAME-hold.service` with `NAME.service` in the same slice:
    /// "/system.slice/x-hold.service" → "/system.slice/x.service"; nil when `holdPath` is not
    /// a hold unit's cgroup (the hold was not started by systemd from a paired unit).
    public static func pairedFinalizeUnit(ofHold holdPath: String) -> String? {
        guard let slash = holdPath.lastIndex(of: "/") else { return nil }
        let unit = holdPath[holdPath.index(after: slash)...]
        guard unit.hasSuffix(holdSuffix), unit.count > holdSuffix.count else { return nil }
        return String(holdPath[...slash]) + unit.dropLast(holdSuffix.count) + ".service"
    }

    /// The unit name at the end of a cgroup path: "/system.slice/x.service" → "x.service".
    public static func unitName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
