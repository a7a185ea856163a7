import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Real cgroups laid out the way systemd lays out a paired hold and finalize unit:
/// `<v2 root>/boothold-test-…/NAME-hold.service` and `…/NAME.service`.
final class ControlGroupStage {
    /// Where cgroup v2 is mounted here (unified or hybrid layout), if anywhere.
    static let root: String? = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"].first {
        FileManager.default.fileExists(atPath: $0 + "/cgroup.controllers")
    }
    static var available: Bool { root != nil }

    let base: String
    var hold: String { base + "/staged-hold.service" }
    var finalize: String { base + "/staged.service" }
    /// Where systemd runs a delegating unit's control processes (ExecStop=).
    var finalizeControl: String { finalize + "/.control" }

    init() throws {
        guard let root = Self.root else { throw SpawnedProcess.SpawnError(description: "no cgroup v2") }
        base = root + "/boothold-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        for directory in [base, hold, finalize, finalizeControl] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        }
    }

    deinit {
        // A group can go once its processes have: move any survivor back to the root first.
        for group in [hold, finalize, finalizeControl] {
            let procs = (try? String(contentsOfFile: group + "/cgroup.procs", encoding: .utf8)) ?? ""
            for pid in procs.split(separator: "\n") { try? Self.move(String(pid), to: Self.root!) }
        }
        for directory in [hold, finalizeControl, finalize, base] { rmdir(directory) }
    }

    func move(_ pid: pid_t, to group: String) throws {
        try Self.move(String(pid), to: group)
    }

    private static func move(_ pid: String, to group: String) throws {
        try Data((pid + "\n").utf8).write(to: URL(fileURLWithPath: group + "/cgroup.procs"))
    }
}
