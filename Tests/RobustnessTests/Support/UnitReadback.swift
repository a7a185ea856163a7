/// What systemd would take from a profile's generated units, read with systemd's own rules
/// (`SystemdUnitSyntax`), never with the generator's code.
struct ProfileReadback {
    var description: String
    var condition: String?
    /// The mount points: `RequiresMountsFor=` of a plain finalize unit; of a paired one (which
    /// only orders itself after the mount units) the `--require` arguments of `ExecStop=`.
    var requiresMountsFor: [String]
    /// `ExecStop=` of the finalize unit, argv as the process sees it.
    var finalizeArgv: [String]
    /// The finalize command: what follows `--` in `ExecStop=`.
    var command: [String]
    /// `ExecStart=` of the hold unit, if the profile is paired (its `ExecStopPost=` is checked
    /// to be the same with `--after-stop`).
    var holdArgv: [String]?
    /// `PathExists=` of the `.path` unit, if the profile has one.
    var pathExists: String?

    init(_ run: GeneratorRun, profile: String) throws {
        let finalize = try assignments(run, "\(profile).service")
        func one(_ list: [UnitAssignment], _ key: String) throws -> [UInt8] {
            let found = values(list, key)
            guard found.count == 1 else { throw UnitSyntaxError("\(key)= appears \(found.count) times") }
            return found[0]
        }
        description = try SystemdUnitSyntax.text(one(finalize, "Description")).text
        condition = try values(finalize, "ConditionPathExists").first.map { try SystemdUnitSyntax.path($0).text }
        finalizeArgv = try SystemdUnitSyntax.commandLine(one(finalize, "ExecStop")).argv.map(\.text)
        guard let separator = finalizeArgv.firstIndex(of: "--") else { throw UnitSyntaxError("no -- in ExecStop=") }
        command = Array(finalizeArgv[(separator + 1)...])
        if run.files["\(profile)-hold.service"] != nil {
            guard values(finalize, "RequiresMountsFor").isEmpty else { throw UnitSyntaxError("paired finalize unit has RequiresMountsFor=") }
            let options = finalizeArgv[..<separator]
            requiresMountsFor = zip(options, options.dropFirst()).filter { $0.0 == "--require" }.map(\.1)
        } else {
            requiresMountsFor = try SystemdUnitSyntax.mountsFor(one(finalize, "RequiresMountsFor")).map(\.text)
        }
        if run.files["\(profile)-hold.service"] != nil {
            let hold = try assignments(run, "\(profile)-hold.service")
            let (prefixes, argv) = try SystemdUnitSyntax.commandLine(one(hold, "ExecStart"))
            guard prefixes == "+" else { throw UnitSyntaxError("hold ExecStart= prefix is '\(prefixes)', not '+'") }
            holdArgv = argv.map(\.text)
            // ExecStopPost= reports on the same hold: the same argv with --after-stop first.
            let (postPrefixes, post) = try SystemdUnitSyntax.commandLine(one(hold, "ExecStopPost"))
            let expected = argv.prefix(1).map(\.text) + ["--after-stop"] + argv.dropFirst().map(\.text)
            guard postPrefixes == "+", post.map(\.text) == expected else {
                throw UnitSyntaxError("hold ExecStopPost= reads '\(postPrefixes)' \(post.map(\.text)), not '+' \(expected)")
            }
        }
        if run.files["\(profile).path"] != nil {
            pathExists = try SystemdUnitSyntax.path(one(try assignments(run, "\(profile).path"), "PathExists")).text
        }
    }
}
