/// Reads one boolean out of a serialized GVariant `a{sv}` (GLib's "GVariant Serialisation"
/// format, the on-disk form of ostree's `/run/ostree/staged-deployment`), without GLib:
/// `bootholdctl status` needs only ostree's `locked` key. Anything malformed, a missing key or
/// a value that is not a `b` is nil; nothing here can read out of bounds.
public enum GVariantDictionary {
    /// The value of the top-level entry `key` when it holds a boolean (`<true>`/`<false>`).
    public static func boolean(_ key: String, in data: [UInt8]) -> Bool? {
        let wanted = Array(key.utf8)
        for (entryKey, value) in entries(of: data[...]) where entryKey.elementsEqual(wanted) {
            // A variant: the value, a zero byte, then the value's type string.
            guard let separator = value.lastIndex(of: 0), value[(separator + 1)...].elementsEqual([UInt8(ascii: "b")]),
                  separator - value.startIndex == 1 else { return nil }
            switch value[value.startIndex] {
            case 0: return false
            case 1: return true
            default: return nil
            }
        }
        return nil
    }

    /// The `{sv}` entries of an array of variable-size elements: the elements, each aligned to
    /// 8 (a dict entry with a variant is), then one framing offset per element (its end),
    /// each as wide as the container's size needs.
    static func entries(of array: ArraySlice<UInt8>) -> [(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>)] {
        let size = array.count
        let width = offsetWidth(size)
        guard size >= width, let framing = offset(in: array, at: size - width, width: width),
              framing <= size, (size - framing) % width == 0 else { return [] }
        var result: [(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>)] = []
        var start = 0
        for i in 0..<((size - framing) / width) {
            guard let end = offset(in: array, at: framing + i * width, width: width), start <= end, end <= framing,
                  let entry = entry(array[(array.startIndex + start)..<(array.startIndex + end)]) else { return [] }
            result.append(entry)
            start = aligned(end, to: 8)
        }
        return result
    }

    /// A `{sv}` entry: the NUL-terminated key, one framing offset at the very end (where the
    /// key ends), and the variant from the next multiple of 8 up to that offset.
    static func entry(_ bytes: ArraySlice<UInt8>) -> (key: ArraySlice<UInt8>, value: ArraySlice<UInt8>)? {
        let size = bytes.count
        let width = offsetWidth(size)
        guard size > width, let keyEnd = offset(in: bytes, at: size - width, width: width),
              keyEnd >= 1, keyEnd <= size - width, bytes[bytes.startIndex + keyEnd - 1] == 0 else { return nil }
        let valueStart = aligned(keyEnd, to: 8)
        guard valueStart <= size - width else { return nil }
        return (bytes[bytes.startIndex..<(bytes.startIndex + keyEnd - 1)],
                bytes[(bytes.startIndex + valueStart)..<(bytes.startIndex + size - width)])
    }

    /// Framing offsets are as wide as the smallest of 1, 2, 4, 8 bytes that can address the
    /// container.
    static func offsetWidth(_ size: Int) -> Int {
        size <= 0xFF ? 1 : size <= 0xFFFF ? 2 : size <= 0xFFFF_FFFF ? 4 : 8
    }

    /// A little-endian framing offset of `width` bytes at `position` (relative to the slice).
    static func offset(in bytes: ArraySlice<UInt8>, at position: Int, width: Int) -> Int? {
        guard position >= 0, position + width <= bytes.count else { return nil }
        var value: UInt64 = 0
        for i in (0..<width).reversed() { value = value << 8 | UInt64(bytes[bytes.startIndex + position + i]) }
        return value <= UInt64(Int.max) ? Int(value) : nil
    }

    static func aligned(_ offset: Int, to alignment: Int) -> Int {
        (offset + alignment - 1) / alignment * alignment
    }
}
