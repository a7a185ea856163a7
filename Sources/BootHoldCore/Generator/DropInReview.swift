/// What the planner makes of the drop-ins attached to a profile's units (DESIGN.md "Generated
/// units"): the mounts they require join the decision, and the changes they make to the
/// generator's commands are noted in the unit headers and `--explain`, and logged.
public enum DropInReview {
    /// The mounts the drop-ins of the finalize and hold units require (not `Paths=` entries).
    public static func requiredMounts(of profile: StagedProfile, dropIns: [UnitDropIn]) -> (mounts: [DropInMount], diagnostics: [Diagnostic]) {
        var mounts: [DropInMount] = []
        var diagnostics: [Diagnostic] = []
        for unit in ProfileUnitNames(profile: profile.name).services {
            let effects = DropInEffects.analyze(dropIns.filter { $0.unit == unit }, unit: unit, ownCommands: [:])
            for problem in effects.problems { diagnostics.append(Diagnostic(.warning, "\(unit): \(Display.escaped(problem)).")) }
            for mount in effects.mounts
            where !profile.paths.contains(where: { MountPath.same($0, mount.path) }) && !mounts.contains(where: { MountPath.same($0.path, mount.path) }) {
                mounts.append(mount)
            }
        }
        return (mounts, diagnostics)
    }

    /// Notes for the headers and `--explain`, and the log lines, about what the drop-ins do to
    /// the `Exec*=` commands the generator wrote; and, for the finalize unit's stop, each
    /// addition or reset that makes a command follow another (`FILE:LINE adds ExecStop=…`):
    /// such a command runs once the staged file is gone.
    static func execNotes(_ units: ProfileUnits, in snapshot: MachineSnapshot)
        -> (notes: [String], diagnostics: [Diagnostic], afterFinalize: [String])
    {
        var notes: [String] = []
        var diagnostics: [Diagnostic] = []
        var afterFinalize: [String] = []
        var generated = [(units.finalizeName, units.finalizeUnit())]
        if units.isPaired { generated.append((units.holdName, units.holdUnit())) }
        let held = units.decision.heldPaths.map(Display.escaped).joined(separator: " ")
        let paths = units.profile.paths.map(Display.escaped).joined(separator: " ")
        let holding = units.isPaired ? ", while \(units.holdName) still keeps \(held) mounted" : ""

        for (unit, file) in generated {
            let own = file.execCommands
            let effects = DropInEffects.analyze(snapshot.unitDropIns.filter { $0.unit == unit }, unit: unit, ownCommands: own)
            for change in effects.execChanges {
                switch change {
                case .reset(let key, let at, let dropsOwn, let remaining):
                    let commands = remaining.map { "\(key)=\($0)" }.joined(separator: ", ")
                    // Commands that follow another in the stop: between two of them the unit
                    // has no process.
                    if unit == units.finalizeName,
                       key == "ExecStop" && remaining.count > 1 || key == "ExecStopPost" && !remaining.isEmpty {
                        afterFinalize.append("\(at) resets \(key)= and sets \(commands)")
                    }
                    guard dropsOwn, let executable = own[key] else {
                        let note = "\(at) resets \(key)=" + (remaining.isEmpty ? "" : " and sets \(commands)")
                        notes.append(note)
                        diagnostics.append(Diagnostic(.info, "\(unit): \(Display.escaped(note))."))
                        continue
                    }
                    let tool = String(executable.split(separator: "/").last ?? "")
                    var text = "\(at) resets \(key)=, which drops \(tool)"
                    switch (unit == units.finalizeName, key) {
                    case (true, "ExecStop"):
                        text += ": lost are its check that \(paths) are mounted, its deadline within TimeoutStopSec=, its outcome records and the next boot's report of them. "
                        if remaining.isEmpty {
                            text += "Nothing is left in ExecStop=: the staged deployment is not finalized at shutdown"
                        } else if units.isPaired {
                            text += "Still protecting the update: \(commands) runs at shutdown, and \(units.holdName) keeps \(held) mounted until it has finished"
                        } else {
                            text += "Still protecting the update: \(commands) runs at shutdown, with RequiresMountsFor=\(paths)"
                        }
                    case (false, "ExecStart"):
                        text += ": nothing keeps \(held) mounted while a deployment is staged"
                        text += remaining.isEmpty ? "" : " (\(commands) runs instead)"
                        text += ". Still protecting the update: boothold-finalize checks at shutdown that they are mounted"
                    default:
                        text += remaining.isEmpty ? "" : " (\(commands) is left)"
                    }
                    notes.append("Warning: " + text)
                    diagnostics.append(Diagnostic(.warning, "\(unit): \(Display.escaped(text))."))
                case .added(let key, let at, let command):
                    var text = "\(at) adds \(key)=\(command)"
                    if unit == units.finalizeName, key == "ExecStop" || key == "ExecStopPost" {
                        afterFinalize.append(text)
                    }
                    if unit == units.finalizeName {
                        switch key {
                        case "ExecStop": text += ", which runs after boothold-finalize\(holding)"
                        case "ExecStopPost": text += ", which runs after the ExecStop= commands\(holding); boothold neither checks nor records it"
                        default: break
                        }
                    }
                    notes.append(text)
                    diagnostics.append(Diagnostic(.info, "\(unit): \(Display.escaped(text))."))
                }
            }
        }
        return (notes, diagnostics, afterFinalize)
    }
}

extension UnitFile {
    /// The `Exec*=` settings of the unit and the executable each runs.
    var execCommands: [String: String] {
        var commands: [String: String] = [:]
        for section in sections {
            for case .setting(let key, .command(let words, _)) in section.lines where key.hasPrefix("Exec") {
                if let executable = words.first { commands[key] = executable }
            }
        }
        return commands
    }
}
