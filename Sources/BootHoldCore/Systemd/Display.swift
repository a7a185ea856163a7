/// Text safe to put in a log line: control characters as `\xNN`.
enum Display {
    /// By bytes: a control character (below 0x20, or 0x7F) is one byte in UTF-8 and no byte of
    /// a longer sequence is below 0x80, so this is the same as going scalar by scalar. Text
    /// without one (nearly all) is returned as it is.
    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: isControl) else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if isControl(byte) {
                UnitName.appendHexEscape(byte, to: &result)
            } else {
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    private static func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }
}
