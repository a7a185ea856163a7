/// One kernel command-line value: a bare word (`debug`) or `key=value`.
public enum KernelCommandLineValue: Sendable, Equatable {
    case flag
    case assigned(String)
}

/// The kernel command line, read the way systemd's generators read it (proc_cmdline_parse()
/// with PROC_CMDLINE_STRIP_RD_PREFIX): words split with quotes grouping and backslashes kept,
/// `-` and `_` equal in keys, `rd.` keys only in the initrd (where `rd.X` counts as `X`).
public struct KernelCommandLine: Sendable, Equatable {
    /// Every word in order, keys normalized (`_` → `-`, `rd.` stripped in the initrd).
    private var items: [(key: String, value: KernelCommandLineValue)]

    public static func == (a: KernelCommandLine, b: KernelCommandLine) -> Bool {
        a.items.elementsEqual(b.items) { $0.key == $1.key && $0.value == $1.value }
    }

    public init(parsing raw: String, inInitrd: Bool) {
        // The kernel command line flavour never throws (RELAX, no escapes).
        let words = (try? SystemdWords.split(raw, .kernelCommandLine)) ?? []
        items = []
        for word in words {
            var key: Substring
            let value: KernelCommandLineValue
            if let equals = word.firstIndex(of: "=") {
                key = word[..<equals]
                value = .assigned(String(word[word.index(after: equals)...]))
            } else {
                key = Substring(word)
                value = .flag
            }
            if key.hasPrefix("rd.") {
                // systemd drops rd. words on the host and strips the prefix in the initrd.
                guard inInitrd else { continue }
                key = key.dropFirst(3)
            }
            items.append((KernelCommandLine.normalizedKey(key), value))
        }
    }

    private static func normalizedKey<S: StringProtocol>(_ key: S) -> String {
        String(key.map { $0 == "_" ? "-" : $0 })
    }

    /// The last occurrence of `key`, if any.
    public func value(of key: String) -> KernelCommandLineValue? {
        let wanted = KernelCommandLine.normalizedKey(key)
        return items.last(where: { $0.key == wanted })?.value
    }

    /// Every occurrence of `key`, in order (`systemd.mount-extra=` may repeat).
    public func values(of key: String) -> [KernelCommandLineValue] {
        let wanted = KernelCommandLine.normalizedKey(key)
        return items.filter { $0.key == wanted }.map { $0.value }
    }

    /// `key` read as a systemd boolean: a bare key is true, the last valid value wins and
    /// invalid values are skipped (as parse_boolean() failures are, with a warning).
    /// `invalid` lists the values that were skipped.
    public func boolean(of key: String) -> (value: Bool?, invalid: [String]) {
        var result: Bool? = nil
        var invalid: [String] = []
        for value in values(of: key) {
            switch value {
            case .flag:
                result = true
            case .assigned(let text):
                if let parsed = SystemdBoolean.parse(text) { result = parsed } else { invalid.append(text) }
            }
        }
        return (result, invalid)
    }

    /// `systemd.log_level=` or a bare `debug`, whichever comes last (log_parse_environment()).
    public var systemdLogLevel: LogLevel? {
        var level: LogLevel? = nil
        for item in items {
            if item.key == "debug" {
                level = .debug
            } else if item.key == "systemd.log-level", case .assigned(let text) = item.value,
                let parsed = LogLevel(parsing: text)
            {
                level = parsed
            }
        }
        return level
    }
}

/// systemd's parse_boolean().
public enum SystemdBoolean {
    public static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "yes", "y", "true", "t", "on": true
        case "0", "no", "n", "false", "f", "off": false
        default: nil
        }
    }
}
