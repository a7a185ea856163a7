import BootHoldCore

/// What the command line asks for.
enum FinalizeInvocation: Equatable {
    case help
    case version
    case run(RunRequest)
    case report(ReportRequest)
}

/// `--name NAME --staged FILE [--staged-kept] [--require PATH]... [--lock FILE] --timeout DURATION
/// [--state-dir DIR] -- COMMAND [ARG]...`
struct RunRequest: Equatable {
    var name: String
    var staged: String
    /// `--staged-kept`: the updater leaves FILE in place when it applies the deployment, so
    /// FILE still being there afterwards says nothing about whether it was applied.
    var stagedKept = false
    var required: [String]
    var lock: String?
    var timeout: TimeSpan
    var stateDirectory: String
    var command: [String]
}

/// `--report --name NAME [--state-dir DIR]`
struct ReportRequest: Equatable {
    var name: String
    var stateDirectory: String
}

/// A usage error: printed with a hint to `--help`, exit status 2.
struct UsageError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension FinalizeInvocation {
    static let defaultStateDirectory = "/var/lib/boothold"

    /// Parses argv without argv[0]. Options take their value as the next argument or after
    /// `=`; everything after `--` is the command, verbatim.
    init(parsing arguments: [String]) throws {
        var name: String?, staged: String?, lock: String?, timeoutText: String?, stateDirectory: String?
        var required: [String] = []
        var report = false
        var stagedKept = false
        var command: [String] = []
        var index = 0

        func value(for option: String, inline: String?) throws -> String {
            if let inline { return inline }
            index += 1
            guard index < arguments.count else { throw UsageError("option \(option) needs a value") }
            return arguments[index]
        }

        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                command = Array(arguments[(index + 1)...])
                break
            }
            var option = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                option = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            switch option {
            case "--help", "-h": self = .help; return
            case "--version": self = .version; return
            case "--report": report = true
            case "--name": name = try value(for: option, inline: inline)
            case "--staged": staged = try value(for: option, inline: inline)
            case "--staged-kept":
                guard inline == nil else { throw UsageError("--staged-kept takes no value") }
                stagedKept = true
            case "--require": required.append(try value(for: option, inline: inline))
            case "--lock": lock = try value(for: option, inline: inline)
            case "--timeout": timeoutText = try value(for: option, inline: inline)
            case "--state-dir": stateDirectory = try value(for: option, inline: inline)
            default:
                if argument.hasPrefix("-") { throw UsageError("unknown option \(argument)") }
                throw UsageError("unexpected argument '\(argument)' (the command goes after --)")
            }
            index += 1
        }

        guard let name else { throw UsageError("--name is required") }
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else {
            throw UsageError("--name must be a unit base name, not '\(name)'")
        }
        let state = stateDirectory ?? FinalizeInvocation.defaultStateDirectory
        try FinalizeInvocation.requireAbsolute(state, option: "--state-dir")

        if report {
            let extra = [staged.map { _ in "--staged" }, stagedKept ? "--staged-kept" : nil, lock.map { _ in "--lock" }, timeoutText.map { _ in "--timeout" },
                         required.isEmpty ? nil : "--require", command.isEmpty ? nil : "a command"].compactMap { $0 }
            guard extra.isEmpty else { throw UsageError("--report takes only --name and --state-dir, not \(extra.joined(separator: ", "))") }
            self = .report(ReportRequest(name: name, stateDirectory: state))
            return
        }

        guard let staged else { throw UsageError("--staged is required") }
        try FinalizeInvocation.requireAbsolute(staged, option: "--staged")
        for path in required { try FinalizeInvocation.requireAbsolute(path, option: "--require") }
        if let lock { try FinalizeInvocation.requireAbsolute(lock, option: "--lock") }
        guard let timeoutText else { throw UsageError("--timeout is required") }
        guard var timeout = TimeSpan(parsing: timeoutText) else {
            throw UsageError("--timeout '\(timeoutText)' is not a time span (e.g. '4min 50s', '90', 'infinity')")
        }
        // As for systemd's Timeout*Sec=, 0 means no deadline.
        if timeout.microseconds == 0 { timeout = .infinity }
        guard let executable = command.first, !executable.isEmpty else {
            throw UsageError("no command given after --")
        }
        self = .run(RunRequest(
            name: name, staged: staged, stagedKept: stagedKept, required: required, lock: lock,
            timeout: timeout, stateDirectory: state, command: command))
    }

    private static func requireAbsolute(_ path: String, option: String) throws {
        guard path.hasPrefix("/") else { throw UsageError("\(option) needs an absolute path, not '\(path)'") }
    }
}
