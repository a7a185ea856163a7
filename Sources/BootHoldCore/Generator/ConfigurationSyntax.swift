/// Where a line came from, printed `file:line`.
struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    var file: String
    var line: Int
    var description: String { "\(file):\(line)" }
}

/// One thing a configuration line said.
enum ConfigurationStatement: Sendable, Equatable {
    case section(name: String, at: SourceLocation)
    case assignment(section: String, key: String, value: String, at: SourceLocation)
    /// An assignment whose bytes are not UTF-8: the profile cannot be trusted.
    case undecodableAssignment(section: String, key: String, at: SourceLocation)
}

/// systemd's INI syntax (config_parse(), src/shared/conf-parser.c): `[NAME]` sections,
/// `Key=Value`, `#`/`;` comment lines (skipped even inside a continuation), whitespace
/// around key and value trimmed, a trailing backslash joining the next line with a space.
enum ConfigurationSyntax {
    static func statements(of file: ConfigurationFile) -> (statements: [ConfigurationStatement], warnings: [Diagnostic]) {
        var statements: [ConfigurationStatement] = []
        var warnings: [Diagnostic] = []
        var section: String? = nil
        var pending: [UInt8]? = nil
        var pendingLine = 0

        func warn(_ line: Int, _ text: String) {
            warnings.append(Diagnostic(.warning, "\(SourceLocation(file: file.path, line: line)): \(text), ignoring."))
        }

        // A UTF-8 byte order mark is skipped, as config_parse() does.
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let contents = file.contents.starts(with: bom) ? Array(file.contents.dropFirst(3)) : file.contents
        let lines = contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (offset, rawLine) in lines.enumerated() {
            var line = Array(rawLine)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            let firstNonBlank = line.first(where: { !isBlank($0) })
            if let first = firstNonBlank, first == UInt8(ascii: "#") || first == UInt8(ascii: ";") { continue }

            let lineNumber = pending == nil ? offset + 1 : pendingLine
            var logical = (pending ?? []) + line
            pending = nil
            if endsWithEscape(logical) {
                logical[logical.count - 1] = UInt8(ascii: " ")
                pending = logical
                pendingLine = lineNumber
                continue
            }
            interpret(logical, lineNumber)
        }
        if let leftover = pending { interpret(leftover, pendingLine) }

        func interpret(_ bytes: [UInt8], _ lineNumber: Int) {
            let at = SourceLocation(file: file.path, line: lineNumber)
            let trimmed = trim(bytes)
            guard !trimmed.isEmpty else { return }
            if trimmed.first == UInt8(ascii: "[") {
                guard trimmed.count >= 2, trimmed.last == UInt8(ascii: "]") else {
                    section = nil
                    warn(lineNumber, "invalid section header, its assignments are ignored too")
                    return
                }
                guard let name = String(validating: trimmed.dropFirst().dropLast(), as: UTF8.self) else {
                    section = nil
                    warn(lineNumber, "section header is not valid UTF-8, its assignments are ignored too")
                    return
                }
                section = name
                statements.append(.section(name: name, at: at))
                return
            }
            guard let current = section else {
                warn(lineNumber, "assignment outside of a section")
                return
            }
            guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) else {
                warn(lineNumber, "missing '='")
                return
            }
            let keyBytes = trim(Array(trimmed[..<equals]))
            let valueBytes = trim(Array(trimmed[(equals + 1)...]))
            guard !keyBytes.isEmpty else {
                warn(lineNumber, "missing key name before '='")
                return
            }
            guard let key = String(validating: keyBytes, as: UTF8.self),
                let value = String(validating: valueBytes, as: UTF8.self)
            else {
                statements.append(.undecodableAssignment(section: current, key: String(decoding: keyBytes, as: UTF8.self), at: at))
                return
            }
            statements.append(.assignment(section: current, key: key, value: value, at: at))
        }
        return (statements, warnings)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    private static func trim(_ bytes: [UInt8]) -> [UInt8] {
        guard let start = bytes.firstIndex(where: { !isBlank($0) }) else { return [] }
        let end = bytes.lastIndex(where: { !isBlank($0) })!
        return Array(bytes[start...end])
    }

    /// Whether the line ends in a backslash that is not itself escaped.
    private static func endsWithEscape(_ bytes: [UInt8]) -> Bool {
        var escaped = false
        for byte in bytes {
            if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true }
        }
        return escaped
    }
}
