import CBootHold
import BootHoldCore

/// A point on CLOCK_MONOTONIC, in microseconds: deadlines must not move when the wall clock
/// is set at shutdown (NTP, RTC sync).
public struct MonotonicInstant: Comparable, Hashable, Sendable {
    public let microseconds: UInt64

    public init(microseconds: UInt64) { self.microseconds = microseconds }

    /// clock_gettime(CLOCK_MONOTONIC).
    public static func now() -> MonotonicInstant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return MonotonicInstant(microseconds: UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000)
    }

    public static func < (a: MonotonicInstant, b: MonotonicInstant) -> Bool { a.microseconds < b.microseconds }

    /// The time since `earlier` (zero if `earlier` is later).
    public func since(_ earlier: MonotonicInstant) -> TimeSpan {
        TimeSpan(microseconds: microseconds >= earlier.microseconds ? microseconds - earlier.microseconds : 0)
    }
}

/// An end point on the monotonic clock, or none (`infinity`).
public struct Deadline: Sendable, Equatable {
    /// nil: never expires.
    public let instant: MonotonicInstant?

    public static let never = Deadline(instant: nil)

    public init(instant: MonotonicInstant?) { self.instant = instant }

    /// `span` from now; an infinite span never expires.
    public static func after(_ span: TimeSpan, from start: MonotonicInstant = .now()) -> Deadline {
        guard !span.isInfinite else { return .never }
        let (sum, overflow) = start.microseconds.addingReportingOverflow(span.microseconds)
        return overflow ? .never : Deadline(instant: MonotonicInstant(microseconds: sum))
    }

    /// The earlier of this deadline and `span` from `start`: a step that must not use up
    /// the whole of an overall deadline.
    public func atMost(_ span: TimeSpan, from start: MonotonicInstant = .now()) -> Deadline {
        let step = Deadline.after(span, from: start)
        guard let mine = instant else { return step }
        guard let other = step.instant else { return self }
        return mine < other ? self : step
    }

    /// What is left now: zero once passed, `.infinity` for `never`.
    public func remaining(at now: MonotonicInstant = .now()) -> TimeSpan {
        guard let instant else { return .infinity }
        return instant.since(now)
    }

    public func hasPassed(at now: MonotonicInstant = .now()) -> Bool {
        guard let instant else { return false }
        return now >= instant
    }

    /// poll(2)'s timeout: -1 for never, otherwise milliseconds rounded up (so a wake-up
    /// never comes before the deadline), capped at Int32.max.
    public func pollTimeoutMilliseconds(at now: MonotonicInstant = .now()) -> Int32 {
        let left = remaining(at: now)
        guard !left.isInfinite else { return -1 }
        let ms = (left.microseconds + 999) / 1_000
        return ms > UInt64(Int32.max) ? Int32.max : Int32(ms)
    }
}

/// CLOCK_REALTIME, for records a person reads at the next boot.
public enum WallClock {
    /// Microseconds since the epoch.
    public static func nowMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }

    /// "Sun 2026-11-29 04:49:00 UTC" in the local time zone, as systemd prints timestamps.
    public static func localDescription(microseconds: UInt64) -> String {
        var seconds = time_t(microseconds / 1_000_000)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return "@\(microseconds / 1_000_000)" }
        var buffer = [CChar](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, "%a %Y-%m-%d %H:%M:%S %Z", &parts)
        guard n > 0 else { return "@\(microseconds / 1_000_000)" }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
