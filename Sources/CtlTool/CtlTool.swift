import BootHoldCore
import BootHoldMachine
import BootHoldSystem
import GeneratorTool

/// `bootholdctl`: see bootholdctl(8). `status` answers "is my staged update safe, and if not,
/// why?" from the generator's units, PID 1, the mount table, /proc and the records, without
/// ever touching a path under an automount; `explain` is the generator's `--explain`.
public enum CtlTool {
    public static func main(_ arguments: [String]) -> Int32 {
        switch CtlInvocation(arguments: Array(arguments.dropFirst())) {
        case .help:
            try? FileDescriptor.standardOutput.writeAll(CtlInvocation.usage)
            return 0
        case .version:
            try? FileDescriptor.standardOutput.writeAll("bootholdctl \(PackageVersion.current)\n")
            return 0
        case .usageError(let message):
            try? FileDescriptor.standardError.writeAll("bootholdctl: \(message)\n\n\(CtlInvocation.usage)")
            return 2
        case .explain:
            return GeneratorTool.main(["boothold-generator", "--explain"])
        case .status(let names, let json):
            let reader = StatusReader(environment: GeneratorEnvironment.current())
            let (statuses, unknown) = reader.read(names: names)
            guard unknown.isEmpty else {
                try? FileDescriptor.standardError.writeAll("bootholdctl: no profile named \(unknown.joined(separator: ", "))\n")
                return 2
            }
            let report = StatusReport(profiles: statuses, time: { WallClock.localDescription(microseconds: $0) })
            if statuses.isEmpty, !json {
                try? FileDescriptor.standardOutput.writeAll("No profiles are configured (boothold.conf(5)).\n")
                return 0
            }
            try? FileDescriptor.standardOutput.writeAll(json ? report.json : report.text)
            return report.exitStatus
        }
    }
}

/// What the command line asks for.
enum CtlInvocation: Equatable {
    case help
    case version
    case status(names: [String], json: Bool)
    case explain
    case usageError(String)

    /// `arguments` without argv[0].
    init(arguments: [String]) {
        var words = arguments
        if words.first == "--help" || words.first == "-h" { self = .help; return }
        if words == ["--version"] { self = .version; return }
        let verb = words.isEmpty || words[0].hasPrefix("-") ? "status" : words.removeFirst()
        switch verb {
        case "status":
            var json = false
            var names: [String] = []
            for word in words {
                if word == "--json" { json = true; continue }
                if word == "--help" || word == "-h" { self = .help; return }
                if word.hasPrefix("-") { self = .usageError("unknown option '\(word)'"); return }
                names.append(word)
            }
            self = .status(names: names, json: json)
        case "explain":
            self = words.isEmpty ? .explain : .usageError("explain takes no arguments")
        default:
            self = .usageError("unknown command '\(verb)'")
        }
    }

    static let usage = """
        Usage: bootholdctl [status] [NAME...] [--json]
               bootholdctl explain
               bootholdctl --help | --version

        Whether a staged deployment will be finalized at shutdown, per profile:
          status    the generator's decision, the units in effect and their states, staged or
                    not, every path (automount, mounted, who keeps it busy), the last outcome,
                    and one verdict line; exit 0 when nothing is at risk, 1 otherwise
          explain   the generator's --explain on this machine (writes nothing)

        It never triggers an automount. See bootholdctl(8).

        """
}
