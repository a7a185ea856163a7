/// Unit names derived from paths, byte for byte as systemd's unit_name_path_escape() and
/// unit_name_from_path() make them (src/basic/unit-name.c).
public enum UnitName {
    /// systemd's UNIT_NAME_MAX: names must be shorter than this.
    static let maximumLength = 256

    /// `systemd-escape --path`: `/` → `-`, `/boot/efi` → `boot-efi`, bytes outside
    /// `[A-Za-z0-9:_.]` (and a leading `.`) as lowercase `\xNN`. nil for an empty path or one
    /// with `..` components; `.` components are dropped as path_simplify() drops them.
    public static func escapingPath(_ path: String) -> String? {
        guard !path.isEmpty else { return nil }
        let components = path.split(separator: "/").filter { $0 != "." }
        guard !components.contains(".."), components.allSatisfy({ $0.utf8.count <= 255 }) else { return nil }
        guard !components.isEmpty else { return "-" }
        // Built as bytes (every byte of the result is ASCII): appending Characters one by one
        // was most of the generator's time for many profiles.
        var result: [UInt8] = []
        let bytes = Array(components.joined(separator: "/").utf8)
        result.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "/") {
                result.append(UInt8(ascii: "-"))
            } else if isPlain(byte), !(index == 0 && byte == UInt8(ascii: ".")) {
                result.append(byte)
            } else {
                appendHexEscape(byte, to: &result)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// `"/boot", ".automount"` → `boot.automount`. Names that would reach 256 characters are
    /// shortened with a hash, as unit_name_hash_long() does (systemd 252: prefix, `_`, 16 hex
    /// digits of SipHash-2-4, suffix), so they match what systemd-fstab-generator writes.
    public static func fromPath(_ path: String, suffix: String) -> String? {
        guard suffix.hasPrefix("."), suffix.count > 1, let escaped = escapingPath(path) else { return nil }
        let name = escaped + suffix
        guard name.utf8.count >= maximumLength else { return name }
        return hashedLongName(name, type: String(suffix.dropFirst()))
    }

    private static let longNameHashKey: [UInt8] = [
        0xec, 0xf2, 0x37, 0xfb, 0x58, 0x32, 0x4a, 0x32, 0x84, 0x9f, 0x06, 0x9b, 0x0d, 0x21, 0xeb, 0x9a,
    ]

    static func hashedLongName(_ name: String, type: String) -> String {
        // siphash24_string() hashes the terminating NUL too.
        let hash = SipHash24.hash(Array(name.utf8) + [0], key: longNameHashKey)
        var hexBytes: [UInt8] = []
        for byteIndex in 0..<8 {
            appendHexDigits(UInt8(truncatingIfNeeded: hash >> (8 * UInt64(byteIndex))), to: &hexBytes)
        }
        let hex = String(decoding: hexBytes, as: UTF8.self)
        let keep = maximumLength - 1 - type.utf8.count - 16 - 2
        // Unit names are ASCII after escaping, so bytes and characters agree.
        return String(name.prefix(keep)) + "_" + hex + "." + type
    }

    /// Whether `prefix` can start a unit name: unit_name_is_valid() characters
    /// (`[A-Za-z0-9:_.\-\\]`), no `@`, not empty.
    static func isValidPrefix(_ prefix: String) -> Bool {
        !prefix.isEmpty && prefix.utf8.allSatisfy { isPlain($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "\\") }
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default: false
        }
    }

    /// `\xNN`, lower-case hex, as systemd's unit_name_escape() writes it.
    static func appendHexEscape(_ byte: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "x"))
        appendHexDigits(byte, to: &bytes)
    }

    /// The two lower-case hex digits of `byte`.
    private static func appendHexDigits(_ byte: UInt8, to bytes: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        bytes.append(digits.utf8Start[Int(byte >> 4)])
        bytes.append(digits.utf8Start[Int(byte & 0xf)])
    }
}
