import BootHoldCore
import BootHoldSystem

/// Finds and reads the profile configuration files (DESIGN.md "Profiles"); which of them apply
/// and in what order is `ConfigurationLayout`'s decision.
struct ConfigurationReader {
    let root: MachineRoot

    /// Files bigger than this are not configuration; they are skipped with a warning.
    static let sizeLimit = 16 << 20

    func read(diagnostics: inout [Diagnostic]) -> [ConfigurationFile] {
        let mainFiles = ConfigurationLayout.mainFilePaths.filter { (try? root.exists($0)) == true }
        var dropIns: [DropInFile] = []
        for directory in ConfigurationLayout.dropInDirectories {
            let names: [String]
            do {
                names = try root.directoryNames(directory)
            } catch {
                diagnostics.append(Diagnostic(.warning, "Failed to list \(directory): \(root.describe(error)), ignoring."))
                continue
            }
            for name in names.sorted() where name.hasSuffix(".conf") {
                // The path of a drop-in may become SourcePath=, where a newline in the name
                // would start a unit setting of its own: such a name is not configuration.
                guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                    diagnostics.append(Diagnostic(.warning, "A drop-in in \(directory) has control characters in its name, ignoring."))
                    continue
                }
                guard let masked = maskState(of: "\(directory)/\(name)") else { continue }
                dropIns.append(DropInFile(directory: directory, name: name, masked: masked))
            }
        }

        var files: [ConfigurationFile] = []
        for path in ConfigurationLayout.effectiveFiles(mainFiles: mainFiles, dropIns: dropIns) {
            do {
                files.append(ConfigurationFile(path: path, contents: try root.readFile(path, limit: Self.sizeLimit)))
            } catch {
                diagnostics.append(Diagnostic(.warning, "Failed to read configuration file \(path): \(root.describe(error)), ignoring."))
            }
        }
        return files
    }

    /// systemd masks a drop-in with a symlink to /dev/null or an empty file; nil when the
    /// name is not a file at all (a directory called `x.conf`).
    private func maskState(of path: String) -> Bool? {
        guard let status = try? root.status(path) else { return nil }
        switch status.kind {
        case .symbolicLink: return (try? root.linkTarget(path)) == "/dev/null"
        case .regular: return status.size == 0
        case .characterDevice: return true
        case .directory, .other: return nil
        }
    }
}
