/// What `boothold-hold` was asked to do, from its arguments:
/// `boothold-hold [--after-stop] [--release-when-gone FILE] [--from-start] [--finalize-unit UNIT] PATH...`.
/// The generator renders the hold unit's `ExecStart=`/`ExecStopPost=` with `arguments`, the
/// hold reads them back with `parse`: one type on both sides of the command line.
public enum HoldCommand: Sendable, Equatable {
    case hold(HoldRequest)
    /// `--after-stop`: the hold unit's `ExecStopPost=`, reporting on the hold the same
    /// arguments started (see `HoldStopReport`).
    case afterStop(HoldRequest)
    case help
    case version
}

/// The mount points to keep busy and, optionally, the file whose existence means "a deployment
/// is staged": the paths are then held only while it exists, unless `fromStart`.
public struct HoldRequest: Sendable, Equatable {
    /// Absolute paths, in the order given (that is the order they are opened in).
    public var paths: [String]
    /// Absolute path of the "a deployment is staged" file (the profile's `Staged=`).
    public var releaseWhenGone: String?
    /// The finalize unit this hold is paired with (`NAME.service`): while it has processes
    /// (its `ExecStop=` runs), the staged file going away does not release.
    public var finalizeUnit: String?
    /// `--from-start`: hold the paths from the start until stopped, whatever FILE says (FILE
    /// then only tells `--after-stop` whether a deployment was staged). The generator asks for
    /// it when a drop-in makes the finalize unit require a mount that will be an automount
    /// (that mount's expiry would stop the unit whenever it is active, staged or not yet), or
    /// adds a command after boothold-finalize (it runs once FILE is gone, and between two
    /// commands the unit has no process that `finalizeUnit` could show).
    public var fromStart: Bool

    public init(paths: [String], releaseWhenGone: String? = nil, finalizeUnit: String? = nil, fromStart: Bool = false) {
        self.paths = paths
        self.releaseWhenGone = releaseWhenGone
        self.finalizeUnit = finalizeUnit
        self.fromStart = fromStart
    }

    /// The arguments after argv[0] that `HoldCommand.parse` reads back as this request.
    public var arguments: [String] {
        (releaseWhenGone.map { ["--release-when-gone", $0] } ?? [])
            + (fromStart ? ["--from-start"] : [])
            + (finalizeUnit.map { ["--finalize-unit", $0] } ?? [])
            + paths
    }
}

/// A command line that cannot be run, with the reason to print before the usage line.
public struct HoldUsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension HoldCommand {
    public static let usage = "Usage: boothold-hold [--after-stop] [--release-when-gone FILE] [--from-start] [--finalize-unit UNIT] PATH..."

    /// The arguments after argv[0] that `parse` reads back as this command (`.hold` and
    /// `.afterStop` only: the generator writes no other).
    public var arguments: [String] {
        switch self {
        case .hold(let request): request.arguments
        case .afterStop(let request): ["--after-stop"] + request.arguments
        case .help: ["--help"]
        case .version: ["--version"]
        }
    }

    /// Parses the arguments after argv[0]. `--opt=value` and `--opt value` both work; `--`
    /// ends the options. Paths must be absolute: the generator always writes them that way,
    /// and a relative path would depend on the working directory systemd happens to give.
    public static func parse(_ arguments: [String]) throws(HoldUsageError) -> HoldCommand {
        var paths: [String] = []
        var releaseWhenGone: String?
        var finalizeUnit: String?
        var afterStop = false
        var fromStart = false
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                paths.append(argument)
                continue
            }
            switch argument {
            case "--":
                optionsEnded = true
            case "-h", "--help":
                return .help
            case "--version":
                return .version
            case "--after-stop":
                afterStop = true
            case "--from-start":
                fromStart = true
            case "--release-when-gone":
                guard index < arguments.count else {
                    throw HoldUsageError("--release-when-gone needs a FILE")
                }
                releaseWhenGone = arguments[index]
                index += 1
            case "--finalize-unit":
                guard index < arguments.count else {
                    throw HoldUsageError("--finalize-unit needs a UNIT")
                }
                finalizeUnit = arguments[index]
                index += 1
            default:
                if argument.hasPrefix("--release-when-gone=") {
                    releaseWhenGone = String(argument.dropFirst("--release-when-gone=".count))
                } else if argument.hasPrefix("--finalize-unit=") {
                    finalizeUnit = String(argument.dropFirst("--finalize-unit=".count))
                } else {
                    throw HoldUsageError("unknown option '\(argument)'")
                }
            }
        }
        guard !paths.isEmpty else { throw HoldUsageError("no PATH to hold") }
        for path in paths where !path.hasPrefix("/") {
            throw HoldUsageError("PATH '\(path)' is not absolute")
        }
        if let file = releaseWhenGone {
            guard file.hasPrefix("/"), file != "/" else {
                throw HoldUsageError("--release-when-gone FILE '\(file)' is not an absolute file path")
            }
        }
        if let unit = finalizeUnit {
            guard unit.hasSuffix(".service"), unit.count > ".service".count, !unit.contains("/") else {
                throw HoldUsageError("--finalize-unit UNIT '\(unit)' is not a service unit name")
            }
        }
        let request = HoldRequest(paths: paths, releaseWhenGone: releaseWhenGone, finalizeUnit: finalizeUnit, fromStart: fromStart)
        return afterStop ? .afterStop(request) : .hold(request)
    }
}
