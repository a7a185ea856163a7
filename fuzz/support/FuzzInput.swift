// Shared by every fuzz target: turning libFuzzer's bytes into inputs, and failing loudly.
#if canImport(Glibc)
import Glibc
#endif

/// The bytes libFuzzer handed over.
func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let data, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: count))
}

/// Splits one fuzz input into `count` parts at the record separator 0x1E, so a seed file can
/// hold several inputs (mountinfo, fstab, command line, configuration…) and stays readable.
func fuzzParts(_ bytes: [UInt8], count: Int) -> [[UInt8]] {
    var parts: [[UInt8]] = [[]]
    for b in bytes {
        if b == 0x1E, parts.count < count { parts.append([]) } else { parts[parts.count - 1].append(b) }
    }
    while parts.count < count { parts.append([]) }
    return parts
}

/// A property did not hold: print what and abort, so libFuzzer records the input as a crash.
func fuzzFailure(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    var text = "PROPERTY VIOLATED (\(file):\(line)): \(message)\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    abort()
}

func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
               file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fuzzFailure(message(), file: file, line: line) }
}

extension Array where Element == UInt8 {
    /// Printable form for failure messages: non-printing bytes as \xNN.
    var debugText: String {
        var s = ""
        for b in self {
            if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\\") { s.append(Character(Unicode.Scalar(b))) }
            else { s += "\\x" + String(b, radix: 16) }
        }
        return s
    }
}
