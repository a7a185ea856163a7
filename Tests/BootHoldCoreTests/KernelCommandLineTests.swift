import Testing

@testable import BootHoldCore

struct KernelCommandLineCase: Sendable, CustomTestStringConvertible {
    var raw: String
    var inInitrd: Bool
    var key: String
    var last: KernelCommandLineValue?
    var all: [KernelCommandLineValue]
    var testDescription: String { "\(raw) [initrd=\(inInitrd)] \(key)" }
}

let kernelCommandLineCases: [KernelCommandLineCase] = [
    .init(raw: "quiet boothold=0", inInitrd: false, key: "boothold", last: .assigned("0"), all: [.assigned("0")]),
    .init(raw: "boothold", inInitrd: false, key: "boothold", last: .flag, all: [.flag]),
    // Last occurrence wins, every occurrence is kept in order.
    .init(raw: "boothold.hold=yes boothold.hold=no", inInitrd: false, key: "boothold.hold", last: .assigned("no"), all: [.assigned("yes"), .assigned("no")]),
    // `-` and `_` are the same in keys, not in values.
    .init(raw: "systemd.gpt-auto=0 systemd.gpt_auto=a_b-c", inInitrd: false, key: "systemd.gpt_auto", last: .assigned("a_b-c"), all: [.assigned("0"), .assigned("a_b-c")]),
    // Quotes group words and are removed; backslashes stay.
    .init(raw: #"x="a b" y=1"#, inInitrd: false, key: "x", last: .assigned("a b"), all: [.assigned("a b")]),
    .init(raw: #""x=a b" y"#, inInitrd: false, key: "x", last: .assigned("a b"), all: [.assigned("a b")]),
    .init(raw: #"x=a\"b"#, inInitrd: false, key: "x", last: .assigned(#"a\b"#), all: [.assigned(#"a\b"#)]),
    .init(raw: "x='unterminated value", inInitrd: false, key: "x", last: .assigned("unterminated value"), all: [.assigned("unterminated value")]),
    // rd. keys: dropped on the host, counted as the plain key in the initrd.
    .init(raw: "rd.fstab=no", inInitrd: false, key: "fstab", last: nil, all: []),
    .init(raw: "rd.fstab=no", inInitrd: false, key: "rd.fstab", last: nil, all: []),
    .init(raw: "fstab=yes rd.fstab=no", inInitrd: true, key: "fstab", last: .assigned("no"), all: [.assigned("yes"), .assigned("no")]),
    .init(raw: "a=b=c\tnext\n", inInitrd: false, key: "a", last: .assigned("b=c"), all: [.assigned("b=c")]),
    .init(raw: "", inInitrd: false, key: "a", last: nil, all: []),
]

@Test("kernel command line values", arguments: kernelCommandLineCases)
func kernelCommandLineValues(_ c: KernelCommandLineCase) {
    let commandLine = KernelCommandLine(parsing: c.raw, inInitrd: c.inInitrd)
    #expect(commandLine.value(of: c.key) == c.last)
    #expect(commandLine.values(of: c.key) == c.all)
}

@Test func kernelCommandLineBooleans() {
    let table: [(String, Bool?, [String])] = [
        ("boothold", true, []), ("boothold=0", false, []), ("boothold=NO", false, []), ("boothold=off", false, []),
        ("boothold=false boothold=1", true, []), ("boothold=0 boothold=maybe", false, ["maybe"]), ("other", nil, []),
    ]
    for (raw, value, invalid) in table {
        let result = KernelCommandLine(parsing: raw, inInitrd: false).boolean(of: "boothold")
        #expect(result.value == value, "\(raw)")
        #expect(result.invalid == invalid, "\(raw)")
    }
}

@Test func kernelCommandLineLogLevel() {
    let table: [(String, LogLevel?)] = [
        ("quiet", nil), ("debug", .debug), ("systemd.log_level=warning", .warning), ("systemd.log-level=3", .error),
        ("debug systemd.log_level=info", .info), ("systemd.log_level=info debug", .debug), ("systemd.log_level=bogus", nil),
    ]
    for (raw, level) in table {
        #expect(KernelCommandLine(parsing: raw, inInitrd: false).systemdLogLevel == level, "\(raw)")
    }
}
