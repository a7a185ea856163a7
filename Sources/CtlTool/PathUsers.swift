import CBootHold
import BootHoldCore
import BootHoldSystem

/// Which processes keep a path busy: every process's open descriptors and working directory,
/// read as the links in /proc/PID/fd and /proc/PID/cwd. readlink(2) of those never touches
/// the file they name, so no automount is triggered. Processes that vanish while scanned,
/// or whose links cannot be read (another user's, without privileges), are skipped.
enum PathUsers {
    struct Use {
        var pid: Int32
        var command: String
        var use: PathUser.Use
        /// The target as /proc shows it (in the process's own mount namespace).
        var target: String
        var unit: String
    }

    static func scan() -> [Use] {
        guard let entries = try? DirectoryListing.names(at: "/proc") else { return [] }
        var uses: [Use] = []
        for entry in entries {
            guard let pid = Int32(entry), pid > 0 else { continue }
            let base = "/proc/\(entry)"
            var targets: [(PathUser.Use, String)] = []
            if let cwd = try? SymbolicLink.target(of: base + "/cwd") { targets.append((.workingDirectory, cwd)) }
            for fd in (try? DirectoryListing.names(at: base + "/fd")) ?? [] {
                guard let target = try? SymbolicLink.target(of: base + "/fd/" + fd), target.hasPrefix("/") else { continue }
                targets.append((.openFile, target))
            }
            guard !targets.isEmpty else { continue }
            let command = ((try? FileDescriptor.readSmallFile(base + "/comm")) ?? "?").split(separator: "\n").first.map(String.init) ?? "?"
            let cgroup = (try? FileDescriptor.readSmallFile(base + "/cgroup")).flatMap(ServiceControlGroup.systemdPath(procSelfCgroup:))
            let unit = cgroup.map(ServiceControlGroup.unitName) ?? ""
            // One line per process and kind of use is enough: a hold has one descriptor per path.
            var seen: Set<String> = []
            for (use, target) in targets where seen.insert("\(use.rawValue) \(target)").inserted {
                uses.append(Use(pid: pid, command: command, use: use, target: target, unit: unit.hasSuffix(".service") || unit.hasSuffix(".scope") ? unit : ""))
            }
        }
        return uses
    }
}
