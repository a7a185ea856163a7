/// A profile that could not be used, and why.
public struct SkippedProfile: Sendable, Equatable {
    public var name: String
    public var reason: String
    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }
}

/// Turns the configuration files into validated profiles (DESIGN.md "Profiles").
///
/// Sections with the same name merge across and within files; a later assignment of a key
/// wins, an empty one (`Key=`) resets it to the default. Problems in one profile skip that
/// profile only.
public enum ProfileConfiguration {
    /// The configuration, parsed and validated once: the usable profiles in order, the ones
    /// skipped and why, and what to log.
    public struct Evaluation: Sendable, Equatable {
        public var profiles: [StagedProfile]
        public var skipped: [SkippedProfile]
        public var diagnostics: [Diagnostic]
        public init(profiles: [StagedProfile], skipped: [SkippedProfile], diagnostics: [Diagnostic]) {
            self.profiles = profiles
            self.skipped = skipped
            self.diagnostics = diagnostics
        }
    }

    public static func parse(_ files: [ConfigurationFile]) -> (profiles: [StagedProfile], diagnostics: [Diagnostic]) {
        let result = evaluate(files)
        return (result.profiles, result.diagnostics)
    }

    /// The keys of DESIGN.md, matched exactly (case and spelling as in the table).
    enum Key: String, CaseIterable {
        case staged = "Staged", finalize = "Finalize", paths = "Paths", hold = "Hold"
        case condition = "Condition", trigger = "Trigger", timeout = "TimeoutSec"
        case lockFile = "LockFile", description = "Description"
        case kernelCommandLine = "ConditionKernelCommandLine", stagedRemoved = "StagedRemoved"
    }

    /// What the files said about one section, before validation.
    struct Draft {
        var name: String
        var firstSeen: SourceLocation
        var settings: [Key: (value: String, at: SourceLocation)] = [:]
        var sources: [String] = []
        var undecodable: [(key: String, at: SourceLocation)] = []
    }

    public static func evaluate(_ files: [ConfigurationFile]) -> Evaluation {
        var diagnostics: [Diagnostic] = []
        var drafts: [Draft] = []
        var index: [String: Int] = [:]

        func draftIndex(_ name: String, _ at: SourceLocation) -> Int {
            if let existing = index[name] { return existing }
            drafts.append(Draft(name: name, firstSeen: at))
            index[name] = drafts.count - 1
            return drafts.count - 1
        }
        func touch(_ i: Int, _ file: String) {
            if !drafts[i].sources.contains(file) { drafts[i].sources.append(file) }
        }

        for file in files {
            let (statements, warnings) = ConfigurationSyntax.statements(of: file)
            diagnostics += warnings
            for statement in statements {
                switch statement {
                case .section(let name, let at):
                    touch(draftIndex(name, at), file.path)
                case .assignment(let section, let keyText, let value, let at):
                    let i = draftIndex(section, at)
                    guard let key = Key(rawValue: keyText) else {
                        diagnostics.append(Diagnostic(.warning, "\(at): unknown key '\(Display.escaped(keyText))' in [\(Display.escaped(section))], ignoring."))
                        continue
                    }
                    touch(i, file.path)
                    if value.isEmpty {
                        drafts[i].settings[key] = nil
                    } else {
                        drafts[i].settings[key] = (value, at)
                    }
                case .undecodableAssignment(let section, let keyText, let at):
                    let i = draftIndex(section, at)
                    touch(i, file.path)
                    drafts[i].undecodable.append((keyText, at))
                }
            }
        }

        var profiles: [StagedProfile] = []
        var skipped: [SkippedProfile] = []
        for draft in drafts {
            switch ProfileValidation.validate(draft) {
            case .valid(let profile):
                profiles.append(profile)
            case .invalid(let errors):
                for error in errors { diagnostics.append(Diagnostic(.error, error)) }
                skipped.append(SkippedProfile(name: draft.name, reason: errors.first ?? "invalid"))
            }
        }
        return Evaluation(profiles: profiles, skipped: skipped, diagnostics: diagnostics)
    }
}
