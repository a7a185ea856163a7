/// A drop-in that attaches to a unit the generator writes, read from the machine.
public struct UnitDropIn: Sendable, Equatable {
    /// The generated unit it attaches to, e.g. `ostree-finalize-staged.service`.
    public var unit: String
    /// Without the root prefix, e.g. `/usr/lib/systemd/system/ostree-finalize-staged.service.d/10-x.conf`.
    public var path: String
    public var contents: [UInt8]
    public init(unit: String, path: String, contents: [UInt8]) {
        self.unit = unit
        self.path = path
        self.contents = contents
    }
}

/// Which drop-ins systemd attaches to a unit, and in which order (src/shared/dropin.c
/// `unit_file_find_dropin_paths`, src/basic/conf-files.c): a drop-in directory follows the
/// unit's name in every directory of the unit path, highest priority first, also under the
/// name's dash prefixes (`foo-bar-baz.service` → `foo-bar-.service.d/`, `foo-.service.d/`,
/// systemd ≥ 246), then `service.d/` in every directory. Same file name: the first directory
/// wins, and a mask there (link to /dev/null, empty file) hides the name everywhere. The
/// winners apply in file-name order, after the unit file itself.
public enum UnitDropInLayout {
    /// systemd's system unit path, highest priority first, without the generator directories
    /// (emptied before generators run; other generators write theirs in parallel).
    public static let unitDirectories = [
        "/etc/systemd/system.control", "/run/systemd/system.control", "/run/systemd/transient",
        "/etc/systemd/system", "/etc/systemd/system.attached", "/run/systemd/system",
        "/run/systemd/system.attached", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
        "/lib/systemd/system",
    ]

    /// Every drop-in directory of `unit`, highest priority first.
    public static func directories(for unit: String) -> [String] {
        let names = [unit] + dashPrefixes(of: unit)
        var directories: [String] = []
        for directory in unitDirectories {
            for name in names { directories.append("\(directory)/\(name).d") }
        }
        if let dot = unit.lastIndex(of: ".") {
            let type = unit[unit.index(after: dot)...]
            for directory in unitDirectories { directories.append("\(directory)/\(type).d") }
        }
        return directories
    }

    /// `ostree-finalize-staged.service` → `ostree-finalize-.service`, `ostree-.service`, as
    /// unit_file_find_dirs() chops them (a trailing dash is chopped once per step).
    static func dashPrefixes(of unit: String) -> [String] {
        guard let dot = unit.lastIndex(of: "."), !unit[..<dot].utf8.contains(UInt8(ascii: "@")) else { return [] }
        let type = String(unit[dot...])
        var prefix = String(unit[..<dot])
        var result: [String] = []
        while true {
            var chopped = false
            while true {
                guard let dash = prefix.lastIndex(of: "-"), dash != prefix.startIndex else { return result }
                if prefix.index(after: dash) != prefix.endIndex || chopped {
                    prefix = String(prefix[...dash])
                    break
                }
                prefix = String(prefix[..<dash])
                chopped = true
            }
            result.append(prefix + type)
        }
    }

    /// The drop-ins that apply, in the order they apply (paths).
    public static func effective(_ found: [DropInFile], for unit: String) -> [String] {
        let order = directories(for: unit)
        func rank(_ directory: String) -> Int { order.firstIndex(of: directory) ?? order.count }
        var winner: [[UInt8]: DropInFile] = [:]
        for dropIn in found.enumerated().sorted(by: { (rank($0.element.directory), $0.offset) < (rank($1.element.directory), $1.offset) }).map({ $0.element })
        where dropIn.name.hasSuffix(".conf") && !dropIn.name.contains("/") {
            let key = Array(dropIn.name.utf8)
            if winner[key] == nil { winner[key] = dropIn }
        }
        return winner.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }).compactMap { key in
            let dropIn = winner[key]!
            return dropIn.masked ? nil : dropIn.directory + "/" + dropIn.name
        }
    }
}
