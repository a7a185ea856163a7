/// `Hold=`: whether the finalize unit is paired with a hold unit.
public enum HoldPolicy: String, Sendable, Equatable, CaseIterable {
    /// Hold when a needed path is, or will be, an automount.
    case auto
    case yes
    case no
}

/// `Trigger=`: what starts the finalize unit.
public enum TriggerPolicy: String, Sendable, Equatable, CaseIterable {
    /// Also emit `NAME.path` (PathExists=Staged) wanted by multi-user.target.
    case path
    /// The updater starts `NAME.service` itself (ostree ≥ 2025.2).
    case none
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
    public var condition: String?
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
        condition: String?, trigger: TriggerPolicy, timeout: TimeSpan, lockFile: String?,
        description: String, sources: [String]
    ) {
        self.name = name
        self.staged = staged
        self.finalize = finalize
        self.paths = paths
        self.hold = hold
        self.condition = condition
        self.trigger = trigger
        self.timeout = timeout
        self.lockFile = lockFile
        self.description = description
        self.sources = sources
    }
}
