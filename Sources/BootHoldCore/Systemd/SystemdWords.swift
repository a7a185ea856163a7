/// Word splitting as systemd's extract_first_word() does it, in the three flavours boothold
/// meets: the kernel command line, command lines (`ExecStart=`-style, systemd.syntax(7)
/// "Quoting") and space-separated path lists (`RequiresMountsFor=`-style).
enum SystemdWords {
    /// How backslashes and quotes are treated.
    enum Flavour {
        /// proc_cmdline: EXTRACT_UNQUOTE|EXTRACT_RELAX|EXTRACT_RETAIN_ESCAPE. Quotes group,
        /// backslashes are literal, an unterminated quote runs to the end.
        case kernelCommandLine
        /// config_parse_exec: EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE. Quotes group, C escapes are
        /// decoded, an unterminated quote or a bad escape is an error.
        case command
        /// config_parse_unit_mounts_for: EXTRACT_UNQUOTE. Quotes group, a backslash makes the
        /// next character literal (no C escapes).
        case list
    }

    struct SyntaxError: Error, Equatable, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Splits `text` into words. The result words are byte arrays turned back into strings;
    /// C escapes may produce bytes that are not UTF-8, which is an error.
    static func split(_ text: String, _ flavour: Flavour) throws(SyntaxError) -> [String] {
        let bytes = Array(text.utf8)
        var words: [String] = []
        var index = 0
        while true {
            while index < bytes.count, isSeparator(bytes[index]) { index += 1 }
            guard index < bytes.count else { break }
            var word: [UInt8] = []
            var quote: UInt8? = nil
            while index < bytes.count {
                let byte = bytes[index]
                if let open = quote {
                    if byte == open {
                        quote = nil
                        index += 1
                    } else if byte == UInt8(ascii: "\\"), flavour != .kernelCommandLine {
                        index += 1
                        try appendEscaped(bytes, &index, &word, flavour)
                    } else {
                        word.append(byte)
                        index += 1
                    }
                    continue
                }
                if isSeparator(byte) { break }
                if byte == UInt8(ascii: "\\"), flavour != .kernelCommandLine {
                    index += 1
                    try appendEscaped(bytes, &index, &word, flavour)
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                    index += 1
                } else {
                    word.append(byte)
                    index += 1
                }
            }
            if quote != nil, flavour != .kernelCommandLine {
                throw SyntaxError(message: "unbalanced quoting")
            }
            guard let string = String(validating: word, as: UTF8.self) else {
                throw SyntaxError(message: "escape produces bytes that are not UTF-8")
            }
            words.append(string)
        }
        return words
    }

    /// Appends what follows a backslash at `index`.
    private static func appendEscaped(_ bytes: [UInt8], _ index: inout Int, _ word: inout [UInt8], _ flavour: Flavour) throws(SyntaxError) {
        guard index < bytes.count else {
            throw SyntaxError(message: "trailing backslash")
        }
        if flavour == .list {
            word.append(bytes[index])
            index += 1
            return
        }
        // ExecStart= accepts `\;` as a literal `;` word (config_parse_exec()).
        if bytes[index] == UInt8(ascii: ";") {
            word.append(bytes[index])
            index += 1
            return
        }
        try CEscape.decode(bytes, &index, into: &word)
    }
}

/// C escapes as systemd's cunescape_one() decodes them.
enum CEscape {
    static func decode(_ bytes: [UInt8], _ index: inout Int, into word: inout [UInt8]) throws(SyntaxError) {
        let c = bytes[index]
        index += 1
        switch c {
        case UInt8(ascii: "a"): word.append(0x07)
        case UInt8(ascii: "b"): word.append(0x08)
        case UInt8(ascii: "f"): word.append(0x0C)
        case UInt8(ascii: "n"): word.append(0x0A)
        case UInt8(ascii: "r"): word.append(0x0D)
        case UInt8(ascii: "t"): word.append(0x09)
        case UInt8(ascii: "v"): word.append(0x0B)
        case UInt8(ascii: "s"): word.append(0x20)
        case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): word.append(c)
        case UInt8(ascii: "x"):
            let value = try hexValue(bytes, &index, digits: 2)
            guard value != 0 else { throw SyntaxError(message: "\\x00 is not allowed") }
            word.append(UInt8(value))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let value = try hexValue(bytes, &index, digits: c == UInt8(ascii: "u") ? 4 : 8)
            guard value != 0, let scalar = Unicode.Scalar(value) else {
                throw SyntaxError(message: "invalid \\\(Character(Unicode.Scalar(c))) escape")
            }
            word.append(contentsOf: Array(String(Character(scalar)).utf8))
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var value = UInt32(c - UInt8(ascii: "0"))
            for _ in 0..<2 {
                guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[index]) else {
                    throw SyntaxError(message: "octal escape needs three digits")
                }
                value = value * 8 + UInt32(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            guard value != 0, value < 256 else { throw SyntaxError(message: "invalid octal escape") }
            word.append(UInt8(value))
        default:
            throw SyntaxError(message: "unknown escape '\\\(Character(Unicode.Scalar(c)))'")
        }
    }

    typealias SyntaxError = SystemdWords.SyntaxError

    private static func hexValue(_ bytes: [UInt8], _ index: inout Int, digits: Int) throws(SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard index < bytes.count, let digit = hexDigit(bytes[index]) else {
                throw SyntaxError(message: "hexadecimal escape needs \(digits) digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
