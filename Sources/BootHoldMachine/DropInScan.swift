import BootHoldCore
import BootHoldSystem

/// Lists the `*.conf` entries of drop-in directories, in each directory in name order, with
/// whether each is masked: what both boothold's configuration drop-ins and the unit drop-ins
/// of the generated units are made of. Which of them apply is the layouts' decision
/// (`ConfigurationLayout`, `UnitDropInLayout`).
struct DropInScan {
    let root: MachineRoot

    /// `unreadable` ends the warning for a directory that cannot be listed ("ignoring.").
    func entries(of directories: [String], unreadable: String, diagnostics: inout [Diagnostic]) -> [DropInFile] {
        var found: [DropInFile] = []
        for directory in directories {
            let names: [String]
            do {
                names = try root.directoryNames(directory)
            } catch {
                diagnostics.append(Diagnostic(.warning, "Failed to list \(directory): \(root.describe(error)), \(unreadable)"))
                continue
            }
            for name in names.sorted() where name.hasSuffix(".conf") {
                // The path of a drop-in may become SourcePath= or a unit header line, where a
                // newline in the name would start a line of its own: such a name is no drop-in.
                guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                    diagnostics.append(Diagnostic(.warning, "A drop-in in \(directory) has control characters in its name, ignoring."))
                    continue
                }
                guard let masked = maskState(of: "\(directory)/\(name)") else { continue }
                found.append(DropInFile(directory: directory, name: name, masked: masked))
            }
        }
        return found
    }

    /// A symlink to /dev/null or an empty file masks a drop-in; nil when the name is not a
    /// file at all (a directory called `x.conf`). A dangling symlink is an entry that cannot
    /// be read: the readers say so.
    private func maskState(of path: String) -> Bool? {
        guard var status = try? root.status(path) else { return nil }
        if status.kind == .symbolicLink {
            if UnitMask.masks(path, status, under: root) { return true }
            // Another symlink is followed, as systemd does.
            guard let target = try? root.status(path, symlinks: .followed) else { return false }
            status = target
        }
        guard status.kind == .regular || status.kind == .characterDevice else { return nil }
        return UnitMask.masks(path, status, under: root)
    }
}
