/// Rule 2: an enabled or masked `<escaped path>.automount` unit file in the system unit path.
/// Reads the unit path's state of that name.
struct AutomountUnitFile: AutomountRule {
    func evaluate(_ path: String, _ inputs: AutomountInputs) -> AutomountAnswer {
        guard let unit = UnitName.fromPath(path, suffix: ".automount") else {
            return .noMatch("no automount unit name for this path")
        }
        guard let reading = inputs.snapshot.automountUnits[unit] else {
            return .decided(.notExamined(input: "the unit path for \(unit)"))
        }
        let state: UnitFileState
        switch reading {
        case .value(let value): state = value
        case .unreadable(let reason): return .decided(.unreadable(input: "the unit path for \(unit)", reason: reason))
        }
        switch state.definition {
        case .absent:
            return .noMatch("no \(unit) unit file")
        case .masked(let unitPath):
            return .decided(.automountUnitMasked(unit: unit, unitPath: unitPath))
        case .present(let unitPath):
            guard let link = state.pulledInBy.first else { return .noMatch("\(unit) exists but is not enabled") }
            return .decided(.automountUnitEnabled(unit: unit, unitPath: unitPath, pulledInBy: link))
        }
    }
}
