// Fuzz target: the typed unit renderer (UnitValue). Property: for random typed values, the
// rendered `Key=value` line, read back with systemd's rules (SystemdUnitSyntax: conf-parser
// lines, specifiers, extract_first_word quoting, C escapes, `$$`), is one assignment of that
// key and yields exactly the values. Values satisfy what ProfileValidation guarantees before
// anything reaches a unit: no control characters, paths normalized (MountPath.normalize),
// no final backslash in a value written unquoted.
@testable import BootHoldCore

private func hasControl(_ s: String) -> Bool { s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
private func isValidPath(_ s: String) -> Bool { MountPath.normalize(s) == s }

private func readBack(_ key: String, _ value: UnitValue) -> [UInt8] {
    let line = Array("[Unit]\n\(key)=\(value.rendered)\n".utf8)
    let assignments: [UnitAssignment]
    do { assignments = try SystemdUnitSyntax.parseUnitFile(line) } catch {
        fuzzFailure("\(key)=\(value.rendered.debugText): \(error)")
    }
    fuzzCheck(assignments.count == 1 && assignments[0].key == key,
              "\(value) rendered as \(assignments.count) assignments: \(Array(value.rendered.utf8).debugText)")
    return assignments[0].value
}

private extension String {
    var debugText: String { Array(utf8).debugText }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUnitSetting(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(data, count)
    guard let kind = bytes.first else { return 0 }
    let words = fuzzParts(Array(bytes.dropFirst()), count: 8).map { String(decoding: $0, as: UTF8.self) }
    do {
        switch kind % 4 {
        case 0:
            // Description=: free text, trimmed by the configuration parser; a tab may stay inside.
            // Trimmed by bytes, as the configuration parser does (a combining mark after a
            // space makes one Character of both, so Character-wise trimming would keep it).
            let text = SystemdUnitSyntax.strip(Array(words[0].utf8)).text
            guard !text.isEmpty, !hasControl(text.replacingOccurrencesOfTab), !text.hasSuffix("\\") else { return 0 }
            let back = try SystemdUnitSyntax.text(readBack("Description", .text(text))).text
            fuzzCheck(back == text, "Description: wrote \(text.debugText), systemd reads \(back.debugText)")
        case 1:
            // PathExists=, ConditionPathExists=, SourcePath=: one path, unquoted.
            let path = words[0]
            // Staged=/Condition= come from trimmed configuration values: no trailing blank.
            guard isValidPath(path), !path.hasSuffix("\\"), path.last != " " else { return 0 }
            let back = try SystemdUnitSyntax.path(readBack("PathExists", .path(path))).text
            fuzzCheck(back == path, "path: wrote \(path.debugText), systemd reads \(back.debugText)")
        case 2:
            // RequiresMountsFor=: a list of paths, each quoted.
            let paths = words.filter { !$0.isEmpty }
            guard !paths.isEmpty, paths.allSatisfy(isValidPath) else { return 0 }
            let back = try SystemdUnitSyntax.mountsFor(readBack("RequiresMountsFor", .pathList(paths))).map(\.text)
            fuzzCheck(back == paths, "path list: wrote \(paths), systemd reads \(back)")
        default:
            // ExecStart=/ExecStop=: an absolute executable, then any arguments without control characters.
            let argv = words.enumerated().filter { $0.offset == 0 || !$0.element.isEmpty }.map(\.element)
            guard isValidPath(argv[0]), !argv.contains(where: hasControl) else { return 0 }
            let prefix = bytes.count > 1 && bytes[1] & 1 == 1 ? "+" : ""
            let (prefixes, back) = try SystemdUnitSyntax.commandLine(readBack("ExecStart", .command(argv, prefix: prefix)))
            fuzzCheck(prefixes == prefix, "command prefix: wrote '\(prefix)', systemd reads '\(prefixes)'")
            fuzzCheck(back.map(\.text) == argv, "command: wrote \(argv), systemd reads \(back.map(\.text))")
        }
    } catch {
        fuzzFailure("systemd would reject the rendered value: \(error)")
    }
    return 0
}

private extension String {
    var replacingOccurrencesOfTab: String { String(map { $0 == "\t" ? " " : $0 }) }
}
