// How systemd reads a unit file back, written from systemd.syntax(7), systemd.service(5)
// "Command lines", src/shared/conf-parser.c and src/basic/extract-word.c (v252): the
// independent reader the robustness tests and the fuzz targets hold the generator's
// renderer against. No Foundation here: the fuzz targets compile this file too.

/// A unit file that systemd would read differently from what the generator meant.
struct UnitSyntaxError: Error, CustomStringConvertible, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// One `Key=value` line of a unit file, as conf-parser.c hands it to a setting's parser.
struct UnitAssignment: Equatable {
    var section: String
    var key: String
    /// The value with surrounding whitespace stripped, continuation lines joined.
    var value: [UInt8]
    /// 1-based line of the key.
    var line: Int
}

enum SystemdUnitSyntax {
    static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]  // WHITESPACE in systemd

    // MARK: unit file lines (conf-parser.c)

    /// Sections and assignments of a unit file: `#`/`;` comments, `[Section]`, `Key=value`,
    /// a trailing backslash continues the line (replaced by a space), and every line is
    /// stripped of WHITESPACE. Invalid UTF-8 is refused line by line, as systemd does.
    static func parseUnitFile(_ bytes: [UInt8]) throws -> [UnitAssignment] {
        var result: [UnitAssignment] = []
        var section: String?
        // read_line(): "\n", "\r", "\r\n" and NUL all end a line.
        var lines: [[UInt8]] = [[]]
        var k = 0
        while k < bytes.count {
            let b = bytes[k]
            if b == 0x0A || b == 0x0D || b == 0 {
                if b == 0x0D, k + 1 < bytes.count, bytes[k + 1] == 0x0A { k += 1 }
                lines.append([])
            } else {
                lines[lines.count - 1].append(b)
            }
            k += 1
        }
        if lines.last == [] { lines.removeLast() }
        var index = 0
        while index < lines.count {
            let start = index + 1
            var line = strip(lines[index])
            index += 1
            if line.first == UInt8(ascii: "#") || line.first == UInt8(ascii: ";") { continue }
            // Continuation: a line ending in an unescaped backslash (an odd run of them) is
            // joined with the next, the backslash becoming a space.
            while line.reversed().prefix(while: { $0 == UInt8(ascii: "\\") }).count % 2 == 1 {
                guard index < lines.count else { throw UnitSyntaxError("line \(start): continuation at end of file") }
                line.removeLast()
                let next = strip(lines[index])
                index += 1
                // Comment lines inside a continuation are skipped (systemd ≥ 240).
                if next.first == UInt8(ascii: "#") || next.first == UInt8(ascii: ";") { continue }
                line += [0x20] + next
            }
            if line.isEmpty { continue }
            guard String(validating: line, as: UTF8.self) != nil else {
                throw UnitSyntaxError("line \(start): invalid UTF-8")
            }
            if line.first == UInt8(ascii: "[") {
                guard line.last == UInt8(ascii: "]"), line.count > 2 else {
                    throw UnitSyntaxError("line \(start): invalid section header")
                }
                section = String(decoding: line.dropFirst().dropLast(), as: UTF8.self)
                continue
            }
            guard let section else { throw UnitSyntaxError("line \(start): assignment outside of a section") }
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
                throw UnitSyntaxError("line \(start): missing '='")
            }
            let key = String(decoding: strip(Array(line[..<equals])), as: UTF8.self)
            guard !key.isEmpty else { throw UnitSyntaxError("line \(start): empty key") }
            let value = strip(Array(line[(equals + 1)...]))
            result.append(UnitAssignment(section: section, key: key, value: value, line: start))
        }
        return result
    }

    // MARK: specifiers (specifier_printf)

    /// `%%` becomes `%`. Any other specifier would be expanded by systemd to something the
    /// generator did not write, so it is an error here; so is a lone trailing `%`.
    static func expandSpecifiers(_ value: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < value.count {
            let b = value[i]
            guard b == UInt8(ascii: "%") else { out.append(b); i += 1; continue }
            guard i + 1 < value.count else { throw UnitSyntaxError("lone '%' at end of value") }
            let next = value[i + 1]
            guard next == UInt8(ascii: "%") else {
                throw UnitSyntaxError("specifier %\(Character(Unicode.Scalar(next))) would be expanded")
            }
            out.append(next)
            i += 2
        }
        return out
    }

    // MARK: words (extract_first_word)

    /// Splits `value` into words as extract_first_word() with EXTRACT_UNQUOTE (and
    /// EXTRACT_CUNESCAPE when `cUnescape`) does: whitespace separates; `"…"` and `'…'`
    /// group (also mid-word); a backslash either starts a C escape (`cUnescape`) or makes
    /// the next byte literal; unbalanced quotes and a trailing backslash are errors.
    static func extractWords(_ value: [UInt8], cUnescape: Bool) throws -> [[UInt8]] {
        var words: [[UInt8]] = []
        var i = 0
        while true {
            while i < value.count, whitespace.contains(value[i]) { i += 1 }
            guard i < value.count else { return words }
            var word: [UInt8] = []
            var quote: UInt8?
            while i < value.count {
                let c = value[i]
                if quote == nil, whitespace.contains(c) { break }
                if c == UInt8(ascii: "\\") {
                    i += 1
                    guard i < value.count else { throw UnitSyntaxError("trailing backslash") }
                    if cUnescape {
                        let (bytes, used) = try cUnescapeOne(value, at: i)
                        word += bytes
                        i += used
                    } else {
                        word.append(value[i])
                        i += 1
                    }
                    continue
                }
                if let q = quote {
                    if c == q { quote = nil } else { word.append(c) }
                } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    quote = c
                } else {
                    word.append(c)
                }
                i += 1
            }
            guard quote == nil else { throw UnitSyntaxError("unbalanced quoting") }
            words.append(word)
        }
    }

    /// cunescape_one(): the escape after a backslash at `value[i]`; returns the bytes and how
    /// many input bytes it used. NUL is refused, as systemd does for unit settings.
    static func cUnescapeOne(_ value: [UInt8], at i: Int) throws -> ([UInt8], Int) {
        let c = value[i]
        switch c {
        case UInt8(ascii: "a"): return ([7], 1)
        case UInt8(ascii: "b"): return ([8], 1)
        case UInt8(ascii: "f"): return ([12], 1)
        case UInt8(ascii: "n"): return ([10], 1)
        case UInt8(ascii: "r"): return ([13], 1)
        case UInt8(ascii: "t"): return ([9], 1)
        case UInt8(ascii: "v"): return ([11], 1)
        case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): return ([c], 1)
        case UInt8(ascii: "s"): return ([0x20], 1)
        case UInt8(ascii: "x"):
            guard let n = hex(value, from: i + 1, count: 2), n != 0 else { throw UnitSyntaxError("invalid \\x escape") }
            return ([UInt8(n)], 3)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = c == UInt8(ascii: "u") ? 4 : 8
            guard let n = hex(value, from: i + 1, count: count), n != 0, let scalar = Unicode.Scalar(n) else {
                throw UnitSyntaxError("invalid \\u escape")
            }
            return (Array(String(Character(scalar)).utf8), 1 + count)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            guard i + 2 < value.count else { throw UnitSyntaxError("short octal escape") }
            var n: UInt32 = 0
            for k in 0..<3 {
                let d = value[i + k]
                guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "7") else { throw UnitSyntaxError("invalid octal escape") }
                n = n * 8 + UInt32(d - UInt8(ascii: "0"))
            }
            guard n != 0, n < 256 else { throw UnitSyntaxError("invalid octal escape") }
            return ([UInt8(n)], 3)
        default:
            throw UnitSyntaxError("invalid escape '\\\(Character(Unicode.Scalar(c)))'")
        }
    }

    private static func hex(_ value: [UInt8], from start: Int, count: Int) -> UInt32? {
        guard start + count <= value.count else { return nil }
        var n: UInt32 = 0
        for b in value[start..<(start + count)] {
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            n = n * 16 + UInt32(d)
        }
        return n
    }

    // MARK: settings

    /// A command line of `ExecStart=`/`ExecStop=` as the process will see it: specifiers,
    /// then the leading prefix characters (`-@:+!`), then the words with quotes and C escapes,
    /// then, at exec time, `$$` → `$` in the arguments (unless `:`); a `${VAR}` or whole-word `$VAR` would be
    /// substituted, which the generator never means, so it is an error.
    static func commandLine(_ value: [UInt8]) throws -> (prefixes: String, argv: [[UInt8]]) {
        var line = try expandSpecifiers(value)
        var prefixes = ""
        while let first = line.first, "-@:+!".utf8.contains(first) {
            prefixes.append(Character(Unicode.Scalar(first)))
            line.removeFirst()
        }
        // An unquoted lone `;` separates commands; the generator writes one command.
        let words = try extractWords(line, cUnescape: true)
        guard let path = words.first else { throw UnitSyntaxError("empty command line") }
        guard path.first == UInt8(ascii: "/") else { throw UnitSyntaxError("executable path is not absolute") }
        if words.contains(where: { $0.contains(0) }) { throw UnitSyntaxError("NUL in command line") }
        // The executable path is used as written; only the arguments get environment
        // substitution (replace_env_argv() runs on argv, execve() gets the path).
        if prefixes.contains(":") { return (prefixes, words) }
        return (prefixes, [path] + (try words.dropFirst().map(expandEnvironment)))
    }

    /// replace_env(): `$$` is `$`; `${NAME}` and a word that is exactly `$NAME` are variable
    /// references (an error here); any other `$` stays.
    static func expandEnvironment(_ word: [UInt8]) throws -> [UInt8] {
        if word.count > 1, word[0] == UInt8(ascii: "$"), word.dropFirst().allSatisfy(isEnvironmentNameByte) {
            throw UnitSyntaxError("word is a variable reference")
        }
        var out: [UInt8] = []
        var i = 0
        while i < word.count {
            let b = word[i]
            if b == UInt8(ascii: "$"), i + 1 < word.count {
                if word[i + 1] == UInt8(ascii: "$") { out.append(b); i += 2; continue }
                if word[i + 1] == UInt8(ascii: "{") { throw UnitSyntaxError("${…} variable reference") }
            }
            out.append(b)
            i += 1
        }
        return out
    }

    private static func isEnvironmentNameByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
    }

    /// `RequiresMountsFor=`/`WantsMountsFor=`: words split with EXTRACT_UNQUOTE only (a
    /// backslash makes the next byte literal, no C escapes), then specifiers per word; each
    /// must be an absolute path.
    static func mountsFor(_ value: [UInt8]) throws -> [[UInt8]] {
        let words = try extractWords(value, cUnescape: false).map(expandSpecifiers)
        for word in words where word.first != UInt8(ascii: "/") {
            throw UnitSyntaxError("'\(String(decoding: word, as: UTF8.self))' is not an absolute path")
        }
        return words
    }

    /// A plain path setting (`ConditionPathExists=`, `PathExists=`, `SourcePath=`,
    /// `Where=`): specifiers only, no quoting, the whole stripped value.
    static func path(_ value: [UInt8]) throws -> [UInt8] {
        var path = try expandSpecifiers(value)
        // ConditionPathExists= may carry `|` (trigger) and `!` (negate) prefixes.
        while let first = path.first, first == UInt8(ascii: "|") || first == UInt8(ascii: "!") { path.removeFirst() }
        guard path.first == UInt8(ascii: "/") else { throw UnitSyntaxError("path is not absolute") }
        return path
    }

    /// Free text (`Description=`): specifiers only.
    static func text(_ value: [UInt8]) throws -> [UInt8] { try expandSpecifiers(value) }

    // MARK: helpers

    static func strip(_ bytes: [UInt8]) -> [UInt8] {
        guard let start = bytes.firstIndex(where: { !whitespace.contains($0) }) else { return [] }
        let end = bytes.lastIndex(where: { !whitespace.contains($0) })!
        return Array(bytes[start...end])
    }

    static func split(_ bytes: [UInt8], separator: UInt8) -> [[UInt8]] {
        var parts: [[UInt8]] = [[]]
        for b in bytes {
            if b == separator { parts.append([]) } else { parts[parts.count - 1].append(b) }
        }
        return parts
    }
}

extension Array where Element == UInt8 {
    /// The bytes as text, for messages and comparisons with Swift strings.
    var text: String { String(decoding: self, as: UTF8.self) }
}
