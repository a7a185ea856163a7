/// How a profile's `TimeoutSec=` (the finalize unit's `TimeoutStopSec=`) is shared out at
/// shutdown: the command's deadline, which boothold-finalize enforces, and the margin after it,
/// inside which boothold-finalize ends an overrunning command (SIGTERM, the kill grace, SIGKILL)
/// and records why, before systemd's own stop timeout signals boothold-finalize too and the
/// result is lost.
public struct ShutdownBudget: Sendable, Equatable {
    /// `TimeoutStopSec=` of the finalize unit.
    public let stopTimeout: TimeSpan

    public init(stopTimeout: TimeSpan) { self.stopTimeout = stopTimeout }

    /// The deadline the generator passes as `boothold-finalize --timeout`: the stop timeout
    /// minus 10 s (half of it under 20 s).
    public var commandDeadline: TimeSpan {
        guard !stopTimeout.isInfinite else { return .infinity }
        if stopTimeout < .seconds(20) { return TimeSpan(microseconds: stopTimeout.microseconds / 2) }
        return TimeSpan(microseconds: stopTimeout.microseconds - 10_000_000)
    }

    /// What is left between the command's deadline and systemd's stop timeout.
    public var margin: TimeSpan {
        guard !stopTimeout.isInfinite else { return .infinity }
        return TimeSpan(microseconds: stopTimeout.microseconds - commandDeadline.microseconds)
    }

    /// After the deadline's SIGTERM the command gets this long before SIGKILL: 5 s, or half the
    /// deadline if that is shorter. boothold-finalize knows only the deadline (its `--timeout`),
    /// so the grace is a function of it, and it fits inside `margin` (tested).
    public static func killGrace(commandDeadline: TimeSpan) -> TimeSpan {
        min(.seconds(5), TimeSpan(microseconds: commandDeadline.microseconds / 2))
    }

    public var killGrace: TimeSpan { Self.killGrace(commandDeadline: commandDeadline) }
}
