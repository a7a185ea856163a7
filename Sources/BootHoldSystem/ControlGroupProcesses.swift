import CBootHold
import BootHoldCore

/// Whether a unit's control group has processes, read from cgroupfs.
public enum ControlGroupProcesses: Sendable, Equatable {
    case running
    /// No process in it, or no such group (systemd removes a unit's group once it is empty).
    case none
    /// There is no systemd cgroup hierarchy to ask.
    case unknown

    /// Where systemd's hierarchy is mounted: unified layout (the default since systemd 247),
    /// hybrid, legacy (the named v1 hierarchy). The same unit paths exist in each.
    static let hierarchyRoots = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/systemd"]

    /// Looks at `cgroup.events` (v2) or `cgroup.procs` (v1) of `path`, a path from
    /// /proc/self/cgroup.
    public static func of(_ path: String) -> ControlGroupProcesses {
        for root in hierarchyRoots {
            // Only a mounted hierarchy has cgroup.procs at its root (a tmpfs above it has not).
            guard (try? PathPresence.of(root + "/cgroup.procs")) == .exists else { continue }
            // cgroup v2 says whether the group or any group below it has processes (systemd
            // puts control processes in a ".control" subgroup when the unit delegates).
            if let events = try? FileDescriptor.readSmallFile(root + path + "/cgroup.events") {
                return events.split(separator: "\n").contains("populated 1") ? .running : .none
            }
            guard let procs = try? FileDescriptor.readSmallFile(root + path + "/cgroup.procs") else {
                return .none
            }
            return procs.contains(where: { $0.isNumber }) ? .running : .none
        }
        return .unknown
    }

    /// This process's path in systemd's hierarchy, from /proc/self/cgroup.
    public static func ownPath() -> String? {
        guard let text = try? FileDescriptor.readSmallFile("/proc/self/cgroup") else { return nil }
        return ServiceControlGroup.systemdPath(procSelfCgroup: text)
    }
}
