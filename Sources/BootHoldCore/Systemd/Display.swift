/// Text safe to put in a log line: control characters as `\xNN`.
enum Display {
    /// By bytes (`MountPath.isControl`: a control character is one byte in UTF-8), which is the
    /// same as going scalar by scalar. Text without one (nearly all) is returned as it is.
    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { MountPath.isControl($0) }) else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if MountPath.isControl(byte) {
                UnitName.appendHexEscape(byte, to: &result)
            } else {
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
