/// Text safe to put in a log line: control characters as `\xNN`.
enum Display {
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if MountPath.isControl(scalar) {
                result += "\\x" + UnitName.hexDigits(UInt8(scalar.value))
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
