/// fstab option strings, split the way systemd's fstab_filter_options() splits them: at
/// every comma not escaped with a backslash (`\,` and `\\` are the only escapes). Double
/// quotes are ordinary characters there — unlike libmount's own option parser — and
/// systemd-fstab-generator 252 does write an automount for
/// `context="a,x-systemd.automount,b"`; boothold predicts what systemd does.
/// An option counts only as a whole word (`name` or `name=…`), never as a substring.
enum FstabOptions {
    static func split(_ options: String) -> [Substring] {
        var result: [Substring] = []
        var start = options.startIndex
        var index = options.startIndex
        var escaped = false
        while index < options.endIndex {
            let c = options[index]
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "," {
                result.append(options[start..<index])
                start = options.index(after: index)
            }
            index = options.index(after: index)
        }
        result.append(options[start..<index])
        return result.filter { !$0.isEmpty }
    }

    /// The first of `names` present as an option (`name` or `name=…`).
    static func first(of names: [String], in options: String) -> String? {
        for option in split(options) {
            for name in names where option == name || option.hasPrefix(name + "=") {
                return name
            }
        }
        return nil
    }

    /// The options that make systemd-fstab-generator write an automount (fstab_test_option()).
    static let automountNames = ["x-systemd.automount", "comment=systemd.automount"]
}

/// `systemd.mount-extra=WHAT:WHERE[:FSTYPE[:OPTIONS]]` (systemd ≥ 254, mount_array_add()):
/// fields split on `:` with C escapes, empty fields kept.
enum MountExtra {
    static func parse(_ text: String) -> FstabEntry? {
        var fields: [String] = []
        var field: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\\") {
                guard index < bytes.count, (try? CEscape.decode(bytes, &index, into: &field)) != nil else { return nil }
            } else if byte == UInt8(ascii: ":") {
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
            } else {
                field.append(byte)
            }
        }
        fields.append(String(decoding: field, as: UTF8.self))
        guard (2...4).contains(fields.count), !fields[1].isEmpty else { return nil }
        return FstabEntry(
            source: fields[0], target: fields[1],
            fileSystemType: fields.count > 2 && !fields[2].isEmpty ? fields[2] : "auto",
            options: fields.count > 3 ? fields[3] : "")
    }
}
