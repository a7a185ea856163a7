/// A drop-in file found in one of the drop-in directories.
public struct DropInFile: Sendable, Equatable {
    public var directory: String
    public var name: String
    public var masked: Bool
    public init(directory: String, name: String, masked: Bool) {
        self.directory = directory
        self.name = name
        self.masked = masked
    }
}

public enum ConfigurationLayout {
    /// Main file candidates that exist (lowest priority first) + every drop-in found → the files to read, in the order they apply.
    public static func effectiveFiles(mainFiles: [String], dropIns: [DropInFile]) -> [String] { mainFiles }
    public static let mainFilePaths: [String] = ["/usr/lib/boothold/boothold.conf", "/etc/boothold/boothold.conf"]
    public static let dropInDirectories: [String] = [
        "/usr/lib/boothold/boothold.conf.d", "/etc/boothold/boothold.conf.d", "/run/boothold/boothold.conf.d",
    ]
}
