/// Checks one profile's settings and fills in the defaults. Every value must be representable
/// in the unit settings it ends up in (reference/systemd-generators.md §4.2), so anything
/// with control characters, relative paths or `.`/`..` components is refused here rather
/// than half-escaped later.
enum ProfileValidation {
    enum Outcome {
        case valid(StagedProfile)
        /// Error messages, each naming the key and `file:line`, ending in "skipping profile.".
        case invalid([String])
    }

    typealias Key = ProfileConfiguration.Key

    /// Longest suffix the name gets: `boothold-report@NAME.service` (16 + 8 characters).
    static let longestNameDecoration = ProfileUnitNames.longestDecoration

    static func validate(_ draft: ProfileConfiguration.Draft) -> Outcome {
        var errors: [String] = []
        let name = draft.name
        let shownName = Display.escaped(name)
        func fail(_ at: SourceLocation, _ text: String) {
            errors.append("\(at): [\(shownName)] \(text), skipping profile.")
        }

        if !UnitName.isValidPrefix(name) {
            fail(draft.firstSeen, "section name is not a valid unit name prefix (only A-Z a-z 0-9 : _ . - \\ allowed)")
        } else if name.utf8.count + longestNameDecoration >= UnitName.maximumLength {
            fail(draft.firstSeen, "section name is too long for a unit name")
        }
        for (key, at) in draft.undecodable {
            fail(at, "\(Display.escaped(key))= is not valid UTF-8")
        }

        func setting(_ key: Key) -> (value: String, at: SourceLocation)? { draft.settings[key] }
        func path(_ key: Key) -> String? {
            guard let (value, at) = setting(key) else { return nil }
            return checkedPath(key, value, at)
        }
        func checkedPath(_ key: Key, _ value: String, _ at: SourceLocation) -> String? {
            guard let normalized = MountPath.normalize(value) else {
                fail(at, "\(key.rawValue)=\(Display.escaped(value)) is not a normalized absolute path without control characters")
                return nil
            }
            // Written unquoted (PathExists=, ConditionPathExists=): a final backslash would
            // continue the unit file line and swallow the next setting, a final space (left
            // when normalizing drops a trailing slash: `/run/x /`) would be stripped.
            guard !normalized.hasSuffix("\\"), !normalized.hasSuffix(" ") else {
                fail(at, "\(key.rawValue)=\(Display.escaped(value)) ends in a backslash or a space, which a unit file cannot hold")
                return nil
            }
            return normalized
        }

        let staged = path(.staged)
        if setting(.staged) == nil { fail(draft.firstSeen, "Staged= is not set") }

        var finalize: [String] = []
        if let (value, at) = setting(.finalize) {
            do {
                finalize = try SystemdWords.split(value, .command)
                if let executable = finalize.first, MountPath.normalize(executable) == nil {
                    fail(at, "Finalize=: the command \(Display.escaped(executable)) is not an absolute path")
                } else if finalize.isEmpty {
                    fail(at, "Finalize= has no command")
                } else if finalize.contains(where: { $0.unicodeScalars.contains(where: MountPath.isControl) }) {
                    fail(at, "Finalize= has an argument with control characters")
                }
            } catch {
                fail(at, "Finalize=: \(error.message)")
            }
        } else {
            fail(draft.firstSeen, "Finalize= is not set")
        }

        var paths = ["/boot"]
        if let (value, at) = setting(.paths) {
            paths = []
            do {
                for word in try SystemdWords.split(value, .list) {
                    guard let normalized = MountPath.normalize(word) else {
                        fail(at, "Paths=: \(Display.escaped(word)) is not a normalized absolute path without control characters")
                        continue
                    }
                    if !paths.contains(where: { MountPath.same($0, normalized) }) { paths.append(normalized) }
                }
            } catch {
                fail(at, "Paths=: \(error.message)")
            }
        }

        var hold = HoldPolicy.auto
        if let (value, at) = setting(.hold) {
            if let parsed = HoldPolicy(rawValue: value) { hold = parsed } else {
                fail(at, "Hold=\(Display.escaped(value)) is not one of auto, yes, no")
            }
        }
        var trigger = TriggerPolicy.path
        if let (value, at) = setting(.trigger) {
            if let parsed = TriggerPolicy(rawValue: value) { trigger = parsed } else {
                fail(at, "Trigger=\(Display.escaped(value)) is not one of path, none, auto")
            }
        }
        var timeout = TimeSpan.seconds(300)
        if let (value, at) = setting(.timeout) {
            if let parsed = TimeSpan(parsing: value) {
                // TimeoutStopSec=0 means "no timeout" to systemd.
                timeout = parsed.microseconds == 0 ? .infinity : parsed
            } else {
                fail(at, "TimeoutSec=\(Display.escaped(value)) is not a time span")
            }
        }
        var condition: PathCondition?
        if let (value, at) = setting(.condition) {
            // `!PATH` as in systemd.unit(5); the rest must be a path like any other.
            let negated = value.hasPrefix("!")
            let rest = negated ? String(value.dropFirst()) : value
            if let normalized = checkedPath(.condition, rest, at) {
                condition = PathCondition(path: normalized, negated: negated)
            }
        }
        var kernelCommandLine: KernelCommandLineCondition?
        if let (value, at) = setting(.kernelCommandLine) {
            let negated = value.hasPrefix("!")
            let argument = negated ? String(value.dropFirst()) : value
            if KernelCommandLineCondition.isValidArgument(argument) {
                kernelCommandLine = KernelCommandLineCondition(argument: argument, negated: negated)
            } else {
                fail(at, "ConditionKernelCommandLine=\(Display.escaped(value)) is not one kernel command line word "
                    + "(a key or key=value, optionally after !, without spaces, quotes, backslashes or control characters)")
            }
        }
        var stagedAfterFinalization = StagedFileAfterFinalization.removed
        if let (value, at) = setting(.stagedRemoved) {
            if let removed = SystemdBoolean.parse(value) {
                stagedAfterFinalization = removed ? .removed : .kept
            } else {
                fail(at, "StagedRemoved=\(Display.escaped(value)) is not a boolean")
            }
        }
        let lockFile = path(.lockFile)
        var description = "Finalize staged deployment (\(name))"
        if let (value, at) = setting(.description) {
            if value.unicodeScalars.contains(where: { MountPath.isControl($0) && $0 != "\t" }) {
                fail(at, "Description= has control characters")
            } else if value.hasSuffix("\\") {
                // Unquoted in the unit: a final backslash would continue the line.
                fail(at, "Description= ends in a backslash, which a unit file cannot hold")
            }
            description = value
        }

        guard errors.isEmpty, let staged else { return .invalid(errors) }
        return .valid(
            StagedProfile(
                name: name, staged: staged, finalize: finalize, paths: paths, hold: hold,
                condition: condition, kernelCommandLine: kernelCommandLine,
                stagedAfterFinalization: stagedAfterFinalization,
                trigger: trigger, timeout: timeout, lockFile: lockFile,
                description: description, sources: draft.sources))
    }
}
