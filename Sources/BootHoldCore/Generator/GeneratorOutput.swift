/// A regular file the generator writes, relative to the output directory.
public struct GeneratedFile: Sendable, Equatable {
    /// e.g. `ostree-finalize-staged.service`.
    public var relativePath: String
    /// The complete contents, header included.
    public var contents: String
    public init(relativePath: String, contents: String) {
        self.relativePath = relativePath
        self.contents = contents
    }
}

/// A symlink the generator writes, relative to the output directory.
public struct GeneratedLink: Sendable, Equatable {
    /// e.g. `paths.target.wants/ostree-finalize-staged.path` (never `multi-user.target.wants/`
    /// for it: see `ProfileUnits.links`).
    public var relativePath: String
    /// e.g. `../ostree-finalize-staged.path`, or an absolute path to a shipped unit.
    public var target: String
    public init(relativePath: String, target: String) {
        self.relativePath = relativePath
        self.target = target
    }
}

/// A message the generator should log, decided by the pure core.
public struct Diagnostic: Sendable, Equatable {
    public var level: LogLevel
    public var message: String
    public init(_ level: LogLevel, _ message: String) {
        self.level = level
        self.message = message
    }
}

/// The whole result of one generator run, decided before anything is written.
public struct GeneratorOutput: Sendable, Equatable {
    public var files: [GeneratedFile]
    public var links: [GeneratedLink]
    /// Every message, in order: guard-clause reasons, configuration warnings, one info line
    /// per profile with its decision.
    public var diagnostics: [Diagnostic]
    /// Per profile: paired, plain or skipped, and the evidence per path that decided it.
    public var decisions: [ProfileDecision]
    /// What the generator learned about the machine as a whole (e.g. the systemd version and
    /// the gpt-auto rules it chose), for `--explain`.
    public var facts: [String]
    public init(
        files: [GeneratedFile] = [], links: [GeneratedLink] = [], diagnostics: [Diagnostic] = [],
        decisions: [ProfileDecision] = [], facts: [String] = []
    ) {
        self.files = files
        self.links = links
        self.diagnostics = diagnostics
        self.decisions = decisions
        self.facts = facts
    }
}
