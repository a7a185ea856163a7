/// Mount point paths as systemd compares them.
public enum MountPath {
    /// The normalized form of an absolute path (`//boot/` → `/boot`), or nil when it is
    /// relative, has `.` or `..` components, a component longer than 255 bytes, or control
    /// characters (which no unit setting can carry).
    public static func normalize(_ raw: String) -> String? {
        guard raw.hasPrefix("/"), !raw.unicodeScalars.contains(where: isControl) else { return nil }
        let components = raw.split(separator: "/")
        guard components.allSatisfy({ $0 != "." && $0 != ".." && $0.utf8.count <= 255 }) else { return nil }
        return "/" + components.joined(separator: "/")
    }

    /// An fstab target the way systemd-fstab-generator simplifies it (path_simplify(): `.`
    /// components dropped, slashes collapsed), or nil when it is not an absolute path or has
    /// `..` (which unit_name_from_path() refuses).
    static func simplifyFstabTarget(_ raw: String) -> String? {
        guard raw.hasPrefix("/") else { return nil }
        let components = raw.split(separator: "/").filter { $0 != "." }
        guard !components.contains("..") else { return nil }
        return "/" + components.joined(separator: "/")
    }

    /// Whether `path` is `prefix` or lies below it (component-wise: `/bootx` is not under `/boot`).
    static func isAtOrUnder(_ path: String, _ prefix: String) -> Bool {
        path == prefix || prefix == "/" || path.hasPrefix(prefix + "/")
    }

    /// Byte-wise equality. Swift's `==` treats canonically equivalent Unicode (é precomposed
    /// or not) as equal; the kernel and systemd compare bytes.
    public static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// The mount points above a normalized path, nearest first, without `/` (which is never
    /// an automount): `/boot/efi/EFI` → `/boot/efi`, `/boot`.
    static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = Substring(path)
        while let slash = current.lastIndex(of: "/"), slash != current.startIndex {
            current = current[..<slash]
            result.append(String(current))
        }
        return result
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 && isControl(UInt8(scalar.value))
    }

    /// A control character's byte in UTF-8 (below 0x20, or 0x7F); no byte of a longer UTF-8
    /// sequence is one.
    static func isControl(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F
    }
}
