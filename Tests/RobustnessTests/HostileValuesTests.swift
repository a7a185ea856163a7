import Foundation
import Testing

/// A profile value that must reach systemd exactly as meant: the generator runs on it, the
/// host's `systemd-analyze verify` accepts the units, and systemd's reading rules give back
/// the intended value.
struct EscapedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var settings: [[String]]
    var command: [String]? = nil
    var paths: [String]? = nil
    var description: String? = nil
    var staged: String? = nil
    var condition: String? = nil
    var testDescription: String { name }
}

/// A profile value that must be refused: the profile is skipped with a message naming the
/// key and `file:line`, and the other profiles are still written.
struct RejectedCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// Lines of the hostile section (after its header, which is line 1).
    var lines: [[UInt8]]
    /// What the message must contain besides `file:line`, e.g. `Staged=`.
    var mention: String
    /// The line the message must name.
    var line: Int
    var section: [UInt8] = Array("[hostile]".utf8)
    var testDescription: String { name }
}

private func hostileLine(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("Hostile profile values")
struct HostileValuesTests {
    static let escaped: [EscapedCase] = [
        EscapedCase(
            name: "percent signs everywhere",
            settings: [["Finalize", #"/usr/bin/update "100%" %n %%"#], ["Paths", "/mnt/100% /boot"],
                       ["Description", "50% done %n"], ["Staged", "/run/st%aged"], ["Condition", "/run/co%nd"]],
            command: ["/usr/bin/update", "100%", "%n", "%%"], paths: ["/mnt/100%", "/boot"],
            description: "50% done %n", staged: "/run/st%aged", condition: "/run/co%nd"),
        EscapedCase(
            name: "dollar signs in the command and text",
            settings: [["Finalize", #"/usr/bin/update $HOME ${PATH} $$ "$" a$b"#], ["Description", "costs $5 ${X}"],
                       ["Paths", "/mnt/$HOME"]],
            command: ["/usr/bin/update", "$HOME", "${PATH}", "$$", "$", "a$b"], paths: ["/mnt/$HOME"],
            description: "costs $5 ${X}"),
        EscapedCase(
            name: "dollar in the executable path",
            settings: [["Finalize", "/opt/$vendor/bin/update --now"]],
            command: ["/opt/$vendor/bin/update", "--now"]),
        EscapedCase(
            name: "quotes and backslashes",
            settings: [["Finalize", #"/usr/bin/update "a\"b" 'c"d' "e\\f" \x41 'g h'"#],
                       ["Paths", #""/mnt/q\"uote" /mnt/back\\slash "/mnt/it's""#],
                       ["Description", #"say "hi" \n 'there'"#]],
            command: ["/usr/bin/update", #"a"b"#, #"c"d"#, #"e\f"#, "A", "g h"],
            paths: [#"/mnt/q"uote"#, #"/mnt/back\slash"#, "/mnt/it's"], description: #"say "hi" \n 'there'"#),
        EscapedCase(
            name: "semicolons",
            settings: [["Finalize", #"/usr/bin/update ";" \; a;b"#], ["Paths", "/mnt/a;b"], ["Description", "a; b"]],
            command: ["/usr/bin/update", ";", ";", "a;b"], paths: ["/mnt/a;b"], description: "a; b"),
        EscapedCase(
            name: "spaces in mount points and paths",
            settings: [["Paths", #""/mnt/with space" /boot"#], ["Staged", "/run/with space/staged"],
                       ["Finalize", #""/opt/my tool/update" "two words""#]],
            command: ["/opt/my tool/update", "two words"], paths: ["/mnt/with space", "/boot"],
            staged: "/run/with space/staged"),
        EscapedCase(
            name: "trailing and duplicate slashes are normalized",
            settings: [["Paths", "//sysroot// /boot/ /efi///"], ["Staged", "/run//ostree/staged/"]],
            paths: ["/sysroot", "/boot", "/efi"], staged: "/run/ostree/staged"),
        EscapedCase(
            name: "non-ASCII UTF-8",
            settings: [["Paths", "/mnt/föö /boot"], ["Description", "Ünïcödé ✓"], ["Finalize", "/usr/bin/ȕpdate ∂"]],
            command: ["/usr/bin/ȕpdate", "∂"], paths: ["/mnt/föö", "/boot"], description: "Ünïcödé ✓"),
        EscapedCase(
            name: "specifier-looking and comment-looking text",
            settings: [["Description", "# not a comment ; nor this [Unit]"], ["Finalize", "/usr/bin/update # ; [Service] ExecStart=/bin/evil"]],
            command: ["/usr/bin/update", "#", ";", "[Service]", "ExecStart=/bin/evil"],
            description: "# not a comment ; nor this [Unit]"),
    ]

    @Test(arguments: escaped)
    func valueIsEscapedSoSystemdReadsItBack(_ c: EscapedCase) throws {
        let root = try FixtureRoot("escaped")
        try root.writeOrdinaryMachine()
        try root.write("etc/boothold/boothold.conf",
                       FixtureRoot.ostreeProfile(c.settings.map { ($0[0], $0[1]) } + [("Hold", "yes")]))
        let run = try runGenerator(root: root, output: try root.outputDirectory())
        #expect(run.status == 0, "stderr: \(run.standardError)")
        let verify = try verifyUnits(run)
        #expect(verify.status == 0, "systemd-analyze verify: \(verify.output)")

        let back = try ProfileReadback(run, profile: "ostree-finalize-staged")
        if let command = c.command { #expect(back.command == command) }
        if let paths = c.paths {
            #expect(back.requiresMountsFor == paths)
            // The hold helper gets the same paths, after the staged file.
            #expect(Array(back.holdArgv?.suffix(paths.count) ?? []) == paths)
        }
        if let description = c.description { #expect(back.description == description) }
        if let staged = c.staged { #expect(back.pathExists == staged) }
        if let condition = c.condition { #expect(back.condition == condition) }
    }

    static let rejected: [RejectedCase] = [
        RejectedCase(name: "control character in Staged=", lines: [hostileLine("Staged=/run/a\u{01}b")], mention: "Staged=", line: 2),
        RejectedCase(name: "escape character in Description=", lines: [hostileLine("Description=red \u{1b}[31m")], mention: "Description=", line: 2),
        RejectedCase(name: "DEL in Paths=", lines: [hostileLine("Paths=/bo\u{7f}ot")], mention: "Paths=", line: 2),
        RejectedCase(name: "C-escaped newline in a Finalize= argument", lines: [hostileLine(#"Finalize=/usr/bin/update "a\nExecStart=/bin/evil""#)], mention: "Finalize=", line: 2),
        RejectedCase(name: "vertical tab in Condition=", lines: [hostileLine("Condition=/run/\u{0b}x")], mention: "Condition=", line: 2),
        RejectedCase(name: "carriage return inside LockFile=", lines: [hostileLine("LockFile=/run/lock\rExecStart=/bin/evil")], mention: "LockFile=", line: 2),
        RejectedCase(name: "non-UTF-8 Description=", lines: [[0x44, 0x65, 0x73, 0x63, 0x72, 0x69, 0x70, 0x74, 0x69, 0x6f, 0x6e, 0x3d, 0xff, 0xfe]], mention: "Description=", line: 2),
        RejectedCase(name: "non-UTF-8 in Paths=", lines: [hostileLine("Paths=/boot") + [0x20, 0x2f, 0xc3, 0x28]], mention: "Paths=", line: 2),
        RejectedCase(name: "relative Staged=", lines: [hostileLine("Staged=run/staged")], mention: "Staged=", line: 2),
        RejectedCase(name: "relative Paths= entry", lines: [hostileLine("Paths=/sysroot boot")], mention: "Paths=", line: 2),
        RejectedCase(name: "relative Finalize= command", lines: [hostileLine("Finalize=ostree admin finalize-staged")], mention: "Finalize=", line: 2),
        RejectedCase(name: "dot-dot component", lines: [hostileLine("Paths=/boot/../efi")], mention: "Paths=", line: 2),
        RejectedCase(name: "dot component", lines: [hostileLine("Staged=/run/./staged")], mention: "Staged=", line: 2),
        RejectedCase(name: "lone dot", lines: [hostileLine("Paths=.")], mention: "Paths=", line: 2),
        RejectedCase(name: "unbalanced quote in Finalize=", lines: [hostileLine(#"Finalize=/usr/bin/update "open"#)], mention: "Finalize=", line: 2),
        // A trailing space keeps the configuration line from continuing, but in the unit the
        // value would end the line with a backslash and swallow the next setting.
        RejectedCase(name: "Description= ending in a backslash", lines: [hostileLine("Description=ends in \\ ")], mention: "Description=", line: 2),
        RejectedCase(name: "Staged= ending in a backslash", lines: [hostileLine("Staged=/run/staged\\ ")], mention: "Staged=", line: 2),
        RejectedCase(name: "Condition= ending in a backslash", lines: [hostileLine("Condition=/run/booted\\\t")], mention: "Condition=", line: 2),
        // Normalizing drops the trailing slash and leaves a trailing space, which systemd
        // strips from an unquoted value: it would watch another path.
        RejectedCase(name: "Staged= whose last component ends in a space", lines: [hostileLine("Staged=/run/staged /")], mention: "Staged=", line: 2),
        RejectedCase(name: "Condition= whose last component ends in a space", lines: [hostileLine("Condition=/run/booted //")], mention: "Condition=", line: 2),
        RejectedCase(name: "unknown Hold= value", lines: [hostileLine("Hold=maybe")], mention: "Hold=", line: 2),
        RejectedCase(name: "unknown Trigger= value", lines: [hostileLine("Trigger=timer")], mention: "Trigger=", line: 2),
        RejectedCase(name: "TimeoutSec= not a time span", lines: [hostileLine("TimeoutSec=forever")], mention: "TimeoutSec=", line: 2),
        RejectedCase(name: "error on a continued line names its first line",
                     lines: [hostileLine("Description=ok"), hostileLine("Paths=/boot \\"), hostileLine("  rel/ative")], mention: "Paths=", line: 3),
        RejectedCase(name: "section name with a slash", lines: [], mention: "section name", line: 1, section: hostileLine("[bad/name]")),
        RejectedCase(name: "section name with a space", lines: [], mention: "section name", line: 1, section: hostileLine("[bad name]")),
        RejectedCase(name: "section name with @", lines: [], mention: "section name", line: 1, section: hostileLine("[tmpl@x]")),
        RejectedCase(name: "section name too long for a unit name", lines: [], mention: "too long", line: 1,
                     section: hostileLine("[" + String(repeating: "n", count: 240) + "]")),
        RejectedCase(name: "section name with a control character", lines: [], mention: "section name", line: 1, section: hostileLine("[a\u{01}b]")),
    ]

    @Test(arguments: rejected)
    func valueIsRejectedNamingKeyAndLine(_ c: RejectedCase) throws {
        let root = try FixtureRoot("rejected")
        try root.writeOrdinaryMachine()
        // A complete hostile profile but for the one bad value, then a good profile.
        var text: [UInt8] = c.section + [0x0A]
        for line in c.lines { text += line + [0x0A] }
        let defaults = ["Staged=/run/hostile", "Finalize=/usr/bin/hostile", "Paths=/boot"]
        for line in defaults where !c.lines.contains(where: { $0.starts(with: Array(line.split(separator: "=")[0].utf8) + [0x3D]) }) {
            text += Array(line.utf8) + [0x0A]
        }
        text += Array(FixtureRoot.ostreeProfile(name: "good").utf8)
        try root.write("etc/boothold/boothold.conf", text)
        let run = try runGenerator(root: root, output: try root.outputDirectory())

        #expect(run.status == 0, "stderr: \(run.standardError)")
        let message = run.standardError.split(separator: "\n").first {
            $0.contains("/etc/boothold/boothold.conf:\(c.line):") && $0.contains(c.mention)
        }
        #expect(message != nil, "no message naming /etc/boothold/boothold.conf:\(c.line) and \(c.mention) in:\n\(run.standardError)")
        let hostileUnits = run.files.keys.filter { !$0.hasPrefix("good") }
        #expect(hostileUnits.isEmpty, "units written for the rejected profile: \(hostileUnits)")
        #expect(run.files["good.service"] != nil, "the valid profile was not written: \(run.files.keys.sorted())")
        let verify = try verifyUnits(run)
        #expect(verify.status == 0, "systemd-analyze verify: \(verify.output)")
    }

    @Test("A drop-in whose file name carries a newline cannot inject a unit setting")
    func dropInNameWithNewline() throws {
        let root = try FixtureRoot("dropin-name")
        try root.writeOrdinaryMachine()
        try root.write("etc/boothold/boothold.conf.d/a\nConflicts=basic.target\nx.conf",
                       FixtureRoot.ostreeProfile([("Hold", "yes"), ("Description", "from the bad drop-in")]))
        try root.write("etc/boothold/boothold.conf.d/50 100%.conf",
                       FixtureRoot.ostreeProfile(name: "odd-name", [("Staged", "/run/odd")]))
        let run = try runGenerator(root: root, output: try root.outputDirectory())
        #expect(run.status == 0)
        #expect(run.standardError.contains("control characters in its name"), "stderr: \(run.standardError)")
        for (name, text) in run.units {
            #expect(!text.contains("Conflicts=basic.target"), "\(name) carries the injected setting")
            #expect(!text.contains("from the bad drop-in"), "\(name) came from the ignored drop-in")
        }
        // An odd but printable name is fine, and SourcePath= reads back exactly.
        let odd = try assignments(run, "odd-name.service")
        #expect(try values(odd, "SourcePath").map { try SystemdUnitSyntax.path($0).text }
                == ["/etc/boothold/boothold.conf.d/50 100%.conf"])
        #expect(try verifyUnits(run).status == 0)
    }

    @Test("A section name with backslashes and dots names every unit and link consistently")
    func backslashSectionName() throws {
        let root = try FixtureRoot("backslash-name")
        try root.writeOrdinaryMachine()
        let name = #"vendor\x2dab.v2"#
        try root.write("etc/boothold/boothold.conf", FixtureRoot.ostreeProfile(name: name, [("Hold", "yes")]))
        let run = try runGenerator(root: root, output: try root.outputDirectory())
        #expect(run.status == 0, "stderr: \(run.standardError)")
        #expect(Set(run.files.keys) == ["\(name).service", "\(name)-hold.service", "\(name).path", "\(name)-start.timer"])
        #expect(run.links == ["paths.target.wants/\(name).path": "../\(name).path",
                              "timers.target.wants/\(name)-start.timer": "../\(name)-start.timer"])
        let finalize = try assignments(run, "\(name).service")
        // Unit names in Wants=/After=/Upholds= keep their backslashes (EXTRACT_RETAIN_ESCAPE).
        #expect(values(finalize, "Wants").map(\.text) == ["\(name)-hold.service"])
        #expect(values(finalize, "Upholds").map(\.text) == ["\(name)-hold.service"])
        #expect(try verifyUnits(run).status == 0)
    }

    @Test("Duplicate sections merge; the later value wins, in one file and across drop-ins")
    func duplicateSectionsMerge() throws {
        let root = try FixtureRoot("duplicate")
        try root.writeOrdinaryMachine()
        try root.write("usr/lib/boothold/boothold.conf",
                       FixtureRoot.ostreeProfile([("Description", "vendor")]) + "[ostree-finalize-staged]\nDescription=second\n")
        try root.write("etc/boothold/boothold.conf.d/50-admin.conf",
                       "[ostree-finalize-staged]\nDescription=admin\n[ostree-finalize-staged]\nPaths=/efi\n")
        let run = try runGenerator(root: root, output: try root.outputDirectory())
        #expect(run.status == 0)
        let back = try ProfileReadback(run, profile: "ostree-finalize-staged")
        #expect(back.description == "admin")
        #expect(back.requiresMountsFor == ["/efi"])
        #expect(try verifyUnits(run).status == 0)
    }
}
