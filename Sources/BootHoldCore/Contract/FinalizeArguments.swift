/// What `boothold-finalize`'s command line asks for. The generator renders the finalize unit's
/// `ExecStop=` from a `RunRequest` (`arguments`), boothold-finalize reads it back with
/// `init(parsing:)`: one type on both sides of the command line.
public enum FinalizeInvocation: Sendable, Equatable {
    case help
    case version
    case run(RunRequest)
    case report(ReportRequest)
}

/// `--name NAME --staged FILE [--staged-kept] [--require PATH]... [--lock FILE] --timeout DURATION
/// [--state-dir DIR] -- COMMAND [ARG]...`
public struct RunRequest: Sendable, Equatable {
    public var name: String
    public var staged: String
    /// `--staged-kept`: the updater leaves FILE in place when it applies the deployment, so
    /// FILE still being there afterwards says nothing about whether it was applied.
    public var stagedKept = false
    public var required: [String]
    public var lock: String?
    /// The command's deadline (`ShutdownBudget.commandDeadline`); infinity for none.
    public var timeout: TimeSpan
    public var stateDirectory: String
    public var command: [String]

    public init(name: String, staged: String, stagedKept: Bool = false, required: [String], lock: String?,
                timeout: TimeSpan, stateDirectory: String = FinalizeInvocation.defaultStateDirectory, command: [String]) {
        self.name = name
        self.staged = staged
        self.stagedKept = stagedKept
        self.required = required
        self.lock = lock
        self.timeout = timeout
        self.stateDirectory = stateDirectory
        self.command = command
    }

    /// The arguments after argv[0] that `FinalizeInvocation(parsing:)` reads back as this
    /// request. `--state-dir` only when it is not the default.
    public var arguments: [String] {
        var words = ["--name", name, "--staged", staged]
        for path in required { words += ["--require", path] }
        if let lock { words += ["--lock", lock] }
        if stagedKept { words += ["--staged-kept"] }
        if stateDirectory != FinalizeInvocation.defaultStateDirectory { words += ["--state-dir", stateDirectory] }
        return words + ["--timeout", timeout.description, "--"] + command
    }
}

/// `--report --name NAME [--state-dir DIR]`
public struct ReportRequest: Sendable, Equatable {
    public var name: String
    public var stateDirectory: String

    public init(name: String, stateDirectory: String = FinalizeInvocation.defaultStateDirectory) {
        self.name = name
        self.stateDirectory = stateDirectory
    }

    /// The arguments after argv[0] that `FinalizeInvocation(parsing:)` reads back as this request.
    public var arguments: [String] {
        ["--report", "--name", name] + (stateDirectory != FinalizeInvocation.defaultStateDirectory ? ["--state-dir", stateDirectory] : [])
    }
}

/// A usage error: printed with a hint to `--help`, exit status 2.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension FinalizeInvocation {
    public static let defaultStateDirectory = "/var/lib/boothold"

    /// Parses argv without argv[0]. Options take their value as the next argument or after
    /// `=`; everything after `--` is the command, verbatim.
    public init(parsing arguments: [String]) throws(UsageError) {
        var name: String?, staged: String?, lock: String?, timeoutText: String?, stateDirectory: String?
        var required: [String] = []
        var report = false
        var stagedKept = false
        var command: [String] = []
        var index = 0

        func value(for option: String, inline: String?) throws(UsageError) -> String {
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

    private static func requireAbsolute(_ path: String, option: String) throws(UsageError) {
        guard path.hasPrefix("/") else { throw UsageError("\(option) needs an absolute path, not '\(path)'") }
    }
}
