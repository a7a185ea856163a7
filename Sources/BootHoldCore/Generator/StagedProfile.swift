/// `Hold=`: whether the finalize unit is paired with a hold unit.
public enum HoldPolicy: String, Sendable, Equatable, CaseIterable {
    /// Hold when a needed path is, or will be, an automount.
    case auto
    case yes
    case no
}

/// `Trigger=`: what starts the finalize unit.
public enum TriggerPolicy: String, Sendable, Equatable, CaseIterable {
    /// Also emit `NAME.path` (PathExists=Staged) wanted by paths.target.
    case path
    /// The updater starts `NAME.service` itself (ostree ≥ 2025.2).
    case none
    /// Decided from the machine: a path unit only when the updater does not start the unit
    /// itself, i.e. when its own unit set still has `NAME.path` (ostree ≤ 2025.1 ships
    /// `ostree-finalize-staged.path`; 2025.2 dropped it and runs `systemctl start` instead).
    case auto
}

/// `Trigger=` resolved for this machine; what the unit writer reads.
public enum ResolvedTrigger: Sendable, Equatable {
    /// `NAME.path` is written and linked.
    case pathUnit
    /// The updater starts the finalize unit.
    case updater
}

/// `Condition=`: `ConditionPathExists=` for every unit of the profile; `!PATH` negates it,
/// as in systemd.unit(5).
public struct PathCondition: Sendable, Equatable {
    public var path: String
    public var negated: Bool
    public init(path: String, negated: Bool = false) {
        self.path = path
        self.negated = negated
    }

    /// The setting's value: `!` then the path when negated.
    public var value: String { (negated ? "!" : "") + path }
}

/// `ConditionKernelCommandLine=`: passed on to every unit of the profile with systemd's
/// meaning: a word matches that word alone or any `word=…` assignment, `word=value` only that
/// assignment; `!` negates.
public struct KernelCommandLineCondition: Sendable, Equatable {
    public var argument: String
    public var negated: Bool
    public init(argument: String, negated: Bool = false) {
        self.argument = argument
        self.negated = negated
    }

    public var value: String { (negated ? "!" : "") + argument }

    /// One word as the kernel command line has them: not empty, no white space (it would be
    /// two words), no quotes or backslashes (systemd unquotes the command line, not the
    /// condition), no control characters, and not itself starting with `!` or `|`.
    public static func isValidArgument(_ argument: String) -> Bool {
        guard let first = argument.unicodeScalars.first, first != "!", first != "|", first != "=" else { return false }
        return !argument.unicodeScalars.contains {
            MountPath.isControl($0) || $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" || $0 == "\\"
        }
    }
}

/// `StagedRemoved=`: whether the updater removes `Staged=` once it has applied the
/// deployment. ostree does, so a command that succeeds and leaves the file did not apply it
/// (`--lock-finalization`); bootc's composefs finalizer leaves the file in place.
public enum StagedFileAfterFinalization: String, Sendable, Equatable {
    case removed
    case kept
}

/// One staged-finalization consumer, fully resolved and validated (DESIGN.md "Profiles").
public struct StagedProfile: Sendable, Equatable {
    /// Base name of the generated units: `NAME.service`, `NAME-hold.service`, `NAME.path`.
    public var name: String
    /// `Staged=`: absolute path whose existence means "a deployment is staged".
    public var staged: String
    /// `Finalize=`: absolute executable, then arguments (already unquoted).
    public var finalize: [String]
    /// `Paths=`: normalized absolute mount points finalization needs.
    public var paths: [String]
    public var hold: HoldPolicy
    /// `Condition=`: ConditionPathExists= for every unit of the profile.
    public var condition: PathCondition?
    /// `ConditionKernelCommandLine=`: the same for every unit of the profile.
    public var kernelCommandLine: KernelCommandLineCondition?
    /// `StagedRemoved=`.
    public var stagedAfterFinalization: StagedFileAfterFinalization
    public var trigger: TriggerPolicy
    /// `TimeoutSec=`: the finalize unit's TimeoutStopSec=.
    public var timeout: TimeSpan
    /// `LockFile=`: exclusive lock boothold-finalize takes before running the command.
    public var lockFile: String?
    public var description: String
    /// The configuration files that defined or changed this profile, lowest priority first
    /// (the first is written as `SourcePath=`).
    public var sources: [String]

    public init(
        name: String, staged: String, finalize: [String], paths: [String], hold: HoldPolicy,
        condition: PathCondition?, kernelCommandLine: KernelCommandLineCondition? = nil,
        stagedAfterFinalization: StagedFileAfterFinalization = .removed,
        trigger: TriggerPolicy, timeout: TimeSpan, lockFile: String?,
        description: String, sources: [String]
    ) {
        self.name = name
        self.staged = staged
        self.finalize = finalize
        self.paths = paths
        self.hold = hold
        self.condition = condition
        self.kernelCommandLine = kernelCommandLine
        self.stagedAfterFinalization = stagedAfterFinalization
        self.trigger = trigger
        self.timeout = timeout
        self.lockFile = lockFile
        self.description = description
        self.sources = sources
    }
}
