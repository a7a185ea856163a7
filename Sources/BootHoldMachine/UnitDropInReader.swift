import BootHoldCore
import BootHoldSystem

/// Finds and reads the drop-ins that will attach to the units the generator may write; which
/// of them apply and in what order is `UnitDropInLayout`'s decision, systemd's.
struct UnitDropInReader {
    let root: MachineRoot

    /// A drop-in is a few lines; anything bigger is skipped with a warning, as systemd's own
    /// limit for unit files is 4 MB (LONG_LINE_MAX lines), more than any real drop-in.
    static let sizeLimit = 4 << 20

    func read(unit: String, diagnostics: inout [Diagnostic]) -> [UnitDropIn] {
        var found: [FoundDropIn] = []
        for directory in UnitDropInLayout.directories(for: unit) {
            let names: [String]
            do {
                names = try root.directoryNames(directory)
            } catch {
                diagnostics.append(Diagnostic(.warning, "Failed to list \(directory): \(root.describe(error)), ignoring its drop-ins as systemd would."))
                continue
            }
            for name in names.sorted() where name.hasSuffix(".conf") {
                // The path is shown in unit headers: a control character in it is not a name
                // systemd users write, and it would have to be escaped there anyway.
                guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                    diagnostics.append(Diagnostic(.warning, "A drop-in in \(directory) has control characters in its name, ignoring."))
                    continue
                }
                guard let masked = maskState(of: "\(directory)/\(name)") else { continue }
                found.append(FoundDropIn(directory: directory, name: name, masked: masked))
            }
        }
        var dropIns: [UnitDropIn] = []
        for path in UnitDropInLayout.effective(found, for: unit) {
            do {
                dropIns.append(UnitDropIn(unit: unit, path: path, contents: try root.readFile(path, limit: Self.sizeLimit)))
            } catch {
                diagnostics.append(Diagnostic(.warning, "Failed to read drop-in \(path): \(root.describe(error)), ignoring it as systemd would."))
            }
        }
        return dropIns
    }

    /// A symlink to /dev/null or an empty file masks a drop-in; nil when the name is not a
    /// file at all (a directory called `x.conf`).
    private func maskState(of path: String) -> Bool? {
        guard let status = try? root.status(path) else { return nil }
        switch status.kind {
        case .symbolicLink:
            if (try? root.linkTarget(path)) == "/dev/null" { return true }
            // Another symlink is followed, as systemd does; a dangling one is not a drop-in.
            guard let target = try? root.status(path, symlinks: .followed) else { return nil }
            if target.kind == .regular { return target.size == 0 }
            return target.kind == .characterDevice ? true : nil
        case .regular: return status.size == 0
        case .characterDevice: return true
        case .directory, .other: return nil
        }
    }
}
