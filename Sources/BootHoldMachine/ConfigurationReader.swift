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
        let dropIns = DropInScan(root: root).entries(
            of: ConfigurationLayout.dropInDirectories, unreadable: "ignoring.", diagnostics: &diagnostics)

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
}
