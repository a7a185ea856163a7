/// A duration in microseconds, parsed and formatted as systemd.time(7) time spans
/// ("5min", "4min 50s", "90", "1.5s", "infinity").
public struct TimeSpan: Equatable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var microseconds: UInt64
    public init(microseconds: UInt64) { self.microseconds = microseconds }

    public static let infinity = TimeSpan(microseconds: .max)
    public static func seconds(_ s: UInt64) -> TimeSpan { TimeSpan(microseconds: s * 1_000_000) }
    public static func milliseconds(_ ms: UInt64) -> TimeSpan { TimeSpan(microseconds: ms * 1_000) }

    public var isInfinite: Bool { microseconds == .max }
    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.microseconds < b.microseconds }

    // Units from systemd's parse_time(); the default unit is seconds.
    private static let units: [(String, UInt64)] = [
        ("usec", 1), ("us", 1), ("µs", 1), ("μs", 1),
        ("msec", 1_000), ("ms", 1_000),
        ("seconds", 1_000_000), ("second", 1_000_000), ("sec", 1_000_000), ("s", 1_000_000), ("", 1_000_000),
        ("minutes", 60_000_000), ("minute", 60_000_000), ("min", 60_000_000), ("m", 60_000_000),
        ("hours", 3_600_000_000), ("hour", 3_600_000_000), ("hr", 3_600_000_000), ("h", 3_600_000_000),
        ("days", 86_400_000_000), ("day", 86_400_000_000), ("d", 86_400_000_000),
        ("weeks", 604_800_000_000), ("week", 604_800_000_000), ("w", 604_800_000_000),
    ]

    /// Parses a systemd time span; nil when it is not one. Bare numbers are seconds.
    public init?(parsing text: String) {
        let trimmed = text.trimmingSpaces
        if trimmed == "infinity" { self = .infinity; return }
        var total: UInt64 = 0
        var rest = Substring(trimmed)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            rest = rest.drop(while: { $0 == " " })
            guard !rest.isEmpty else { break }
            let digits = rest.prefix(while: { $0.isASCII && ($0.isNumber || $0 == ".") })
            guard !digits.isEmpty, digits.filter({ $0 == "." }).count <= 1 else { return nil }
            rest = rest.dropFirst(digits.count).drop(while: { $0 == " " })
            let unitText = rest.prefix(while: { $0.isLetter || $0 == "µ" || $0 == "μ" })
            guard let unit = TimeSpan.units.first(where: { $0.0 == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
            guard let whole = UInt64(parts[0].isEmpty ? "0" : parts[0]) else { return nil }
            var (value, overflow) = whole.multipliedReportingOverflow(by: unit.1)
            guard !overflow else { return nil }
            if parts.count == 2, !parts[1].isEmpty {
                var scale = unit.1
                for digit in parts[1] {
                    scale /= 10
                    guard let d = digit.wholeNumberValue else { return nil }
                    value += UInt64(d) * scale
                }
            }
            (total, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { return nil }
        }
        self.microseconds = total
    }

    /// systemd's format_timespan() style, exact to the microsecond: "5min", "4min 55s", "1.5s" is "1s 500ms".
    public var description: String {
        if isInfinite { return "infinity" }
        if microseconds == 0 { return "0" }
        let table: [(String, UInt64)] = [
            ("d", 86_400_000_000), ("h", 3_600_000_000), ("min", 60_000_000),
            ("s", 1_000_000), ("ms", 1_000), ("us", 1),
        ]
        var rest = microseconds
        var words: [String] = []
        for (name, size) in table where rest >= size {
            words.append("\(rest / size)\(name)")
            rest %= size
        }
        return words.joined(separator: " ")
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    public var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
