/// Which systemd the generator runs under, and how that was learned (DESIGN.md "Versions").
///
/// systemd offers no environment variable or file naming its version, and a generator must not
/// run programs (`systemctl --version`). Its private libraries carry the major version in their
/// file names (meson's `shared-lib-tag`, the major version by default: Debian
/// `libsystemd-shared-252.so`; Fedora sets the whole package version,
/// `libsystemd-shared-256.11-1.fc41.so`):
///
/// 1. the `libsystemd-shared-NNN.so` (or `libsystemd-core-NNN.so`) that PID 1 has mapped
///    (`/proc/1/maps`): the manager that runs the generators now;
/// 2. when PID 1's mapping is ` (deleted)` (the package was upgraded and PID 1 not re-executed),
///    or `/proc/1/maps` cannot be read or maps no such library (PID 1 is not systemd, as in a
///    container or chroot): the library file in systemd's library directory — the generators
///    that run now are executables on disk, linked against that file;
/// 3. otherwise unknown, and the predictions take the union of every version's rules.
public struct SystemdVersion: Sendable, Equatable {
    /// The major version (`252`); nil when it could not be learned.
    public var major: Int?
    /// How it was learned, or why not; shown by `--explain` and logged at debug level.
    public var evidence: String

    public init(major: Int?, evidence: String) {
        self.major = major
        self.evidence = evidence
    }

    public static func unknown(_ why: String) -> SystemdVersion { SystemdVersion(major: nil, evidence: why) }

    /// The prefixes of systemd's private libraries; the version follows.
    static let libraryPrefixes = ["libsystemd-shared-", "libsystemd-core-"]

    /// `libsystemd-shared-252.so` → 252, `libsystemd-core-256.11-1.fc41.so` → 256; nil for any
    /// other name (`libsystemd.so.0`, a tag without a leading number).
    public static func major(ofLibrary fileName: String) -> Int? {
        guard fileName.hasSuffix(".so"), let prefix = libraryPrefixes.first(where: { fileName.hasPrefix($0) }) else { return nil }
        let rest = fileName.utf8.dropFirst(prefix.utf8.count)
        let digits = rest.prefix(while: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        guard !digits.isEmpty, digits.count <= 6 else { return nil }
        let after = rest.dropFirst(digits.count).first
        guard after == UInt8(ascii: ".") || after == UInt8(ascii: "-") || after == UInt8(ascii: "~") else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// One systemd library mapped by a process.
    public struct MappedLibrary: Sendable, Equatable {
        public var path: String
        public var major: Int
        /// The mapping is of a file that was deleted or replaced since (`… (deleted)`).
        public var deleted: Bool
    }

    /// The systemd libraries in the text of `/proc/PID/maps`, each path once, in order.
    /// A line is `address perms offset dev inode [path]`; the path may contain spaces.
    public static func mappedLibraries(inMaps contents: [UInt8]) -> [MappedLibrary] {
        var found: [MappedLibrary] = []
        for line in contents.split(separator: UInt8(ascii: "\n")) {
            var fields = 0
            var index = line.startIndex
            // Skip the five fixed fields and the blanks after them.
            while fields < 5, index < line.endIndex {
                while index < line.endIndex, line[index] != UInt8(ascii: " ") { index += 1 }
                while index < line.endIndex, line[index] == UInt8(ascii: " ") { index += 1 }
                fields += 1
            }
            guard fields == 5, index < line.endIndex, line[index] == UInt8(ascii: "/") else { continue }
            var path = String(decoding: line[index...], as: UTF8.self)
            let deletedMark = " (deleted)"
            let deleted = path.hasSuffix(deletedMark)
            if deleted { path.removeLast(deletedMark.count) }
            let name = path.split(separator: "/").last.map(String.init) ?? ""
            guard let major = major(ofLibrary: name), !found.contains(where: { $0.path == path }) else { continue }
            found.append(MappedLibrary(path: path, major: major, deleted: deleted))
        }
        return found
    }

    /// The decision of the list above. `maps`: PID 1's `/proc/1/maps`; `libraryFiles`: the
    /// `libsystemd-shared-*.so`/`libsystemd-core-*.so` files found in `libraryDirectories`
    /// (paths without the root prefix).
    public static func learn(maps: Reading<[UInt8]>, libraryFiles: Reading<[String]>, libraryDirectories: [String]) -> SystemdVersion {
        var whyNotMaps: String
        var staleMapping: MappedLibrary? = nil
        switch maps {
        case .unreadable(let reason):
            whyNotMaps = "/proc/1/maps: \(reason)"
        case .value(let contents):
            let mapped = mappedLibraries(inMaps: contents)
            let majors = Set(mapped.map { $0.major })
            if mapped.isEmpty {
                whyNotMaps = "PID 1 maps no libsystemd-shared library (/proc/1/maps; not systemd?)"
            } else if majors.count > 1 {
                return .unknown("PID 1 maps systemd libraries of several versions: " + mapped.map { $0.path }.joined(separator: ", ") + " (/proc/1/maps)")
            } else if let stale = mapped.first(where: { $0.deleted }) {
                staleMapping = stale
                whyNotMaps = "PID 1 maps \(stale.path), deleted since it started (upgraded, not re-executed): the generators that run are the ones on disk"
            } else {
                return SystemdVersion(major: mapped[0].major, evidence: "PID 1 maps \(mapped[0].path) (/proc/1/maps)")
            }
        }

        switch libraryFiles {
        case .unreadable(let reason):
            if let stale = staleMapping {
                return .unknown("\(whyNotMaps), and the library directory cannot be read (\(reason)); PID 1 itself is \(stale.major)")
            }
            return .unknown("\(whyNotMaps); the library directory cannot be read (\(reason))")
        case .value(let files):
            let versions = files.compactMap { file in
                major(ofLibrary: String(file.split(separator: "/").last ?? "")).map { (file, $0) }
            }
            let majors = Set(versions.map { $0.1 })
            if majors.count == 1 {
                return SystemdVersion(major: versions[0].1, evidence: "\(versions[0].0) in the systemd library directory (\(whyNotMaps))")
            }
            if majors.count > 1 {
                return .unknown("\(whyNotMaps); the library directories hold several versions: " + versions.map { $0.0 }.joined(separator: ", "))
            }
            return .unknown("\(whyNotMaps); no libsystemd-shared-NNN.so in " + libraryDirectories.joined(separator: ", "))
        }
    }
}
