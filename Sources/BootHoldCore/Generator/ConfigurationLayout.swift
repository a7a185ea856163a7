/// A `*.conf` entry found in one drop-in directory: boothold's own configuration drop-ins
/// and the unit drop-ins that attach to the generated units alike.
public struct DropInFile: Sendable, Equatable {
    /// e.g. `/etc/boothold/boothold.conf.d` (without the root prefix).
    public var directory: String
    /// e.g. `10-local.conf`.
    public var name: String
    /// A symlink to /dev/null or an empty file: it hides same-named drop-ins of lower priority.
    public var masked: Bool
    public init(directory: String, name: String, masked: Bool) {
        self.directory = directory
        self.name = name
        self.masked = masked
    }
}

/// Which configuration files apply, and in which order.
///
/// systemd's convention for same-named files (systemd.unit(5), systemd-system.conf(5)):
/// - the main file in the higher-priority directory *replaces* the lower one, so
///   `/etc/boothold/boothold.conf`, when it exists, is read instead of
///   `/usr/lib/boothold/boothold.conf` (the vendor file is not read at all);
/// - drop-ins `*.conf` from `/usr/lib`, `/etc`, `/run` are merged by file name, a later
///   directory replacing the same name, and a masked name (link to /dev/null, empty file)
///   removing it; the survivors apply after the main file, sorted by file name, so later
///   names override earlier ones key by key.
public enum ConfigurationLayout {
    /// Main file candidates that exist (lowest priority first) + every drop-in found → the files to read, in the order they apply.
    public static func effectiveFiles(mainFiles: [String], dropIns: [DropInFile]) -> [String] {
        var files: [String] = []
        if let main = mainFiles.last { files.append(main) }

        // Rank directories as listed in dropInDirectories; others (not expected) after them,
        // in the order given.
        func rank(_ directory: String) -> Int {
            dropInDirectories.firstIndex(of: directory) ?? dropInDirectories.count
        }
        var winner: [[UInt8]: DropInFile] = [:]
        for dropIn in dropIns.enumerated().sorted(by: { (rank($0.element.directory), $0.offset) < (rank($1.element.directory), $1.offset) }).map({ $0.element })
        where dropIn.name.hasSuffix(".conf") && !dropIn.name.contains("/") {
            winner[Array(dropIn.name.utf8)] = dropIn
        }
        for name in winner.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let dropIn = winner[name]!
            guard !dropIn.masked else { continue }
            files.append(dropIn.directory + "/" + dropIn.name)
        }
        return files
    }

    public static let mainFilePaths: [String] = ["/usr/lib/boothold/boothold.conf", "/etc/boothold/boothold.conf"]
    public static let dropInDirectories: [String] = [
        "/usr/lib/boothold/boothold.conf.d", "/etc/boothold/boothold.conf.d", "/run/boothold/boothold.conf.d",
    ]
}
