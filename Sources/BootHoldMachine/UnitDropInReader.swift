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
        let found = DropInScan(root: root).entries(
            of: UnitDropInLayout.directories(for: unit), unreadable: "ignoring its drop-ins as systemd would.",
            diagnostics: &diagnostics)
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
}
