import Foundation
import Testing

/// ARCHITECTURE.md answers its questions with `Target/Folder/File.swift:LINE` (relative to
/// Sources/; `:LINE` alone for the file last named). Each must still name a file under Sources/ and a line of code in it
/// (not blank, not a comment), so a change that moves the code shows up here.
@Test func architectureReferencesPointAtCode() throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let page = try String(contentsOf: repository.appendingPathComponent("ARCHITECTURE.md"), encoding: .utf8)
    let spans = page.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    var current: String?
    var checked = 0
    for span in spans {
        var file: String?
        var line: Int?
        if span.hasPrefix(":"), let number = Int(span.dropFirst()) {
            file = current
            line = number
        } else if let range = span.range(of: #"^[A-Za-z]+/[A-Za-z/]*\.swift(:[0-9]+)?$"#, options: .regularExpression), range == span.startIndex..<span.endIndex {
            let parts = span.split(separator: ":")
            file = String(parts[0])
            line = parts.count > 1 ? Int(parts[1]) : nil
        } else {
            continue
        }
        guard let path = file else { Issue.record("`\(span)` follows no file"); continue }
        current = path
        let text = try #require(try? String(contentsOf: repository.appendingPathComponent("Sources/" + path), encoding: .utf8),
                                "ARCHITECTURE.md names Sources/\(path), which does not exist")
        guard let line else { continue }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(line >= 1 && line <= lines.count, "Sources/\(path) has no line \(line)")
        let code = lines[line - 1].trimmingCharacters(in: .whitespaces)
        #expect(!code.isEmpty && !code.hasPrefix("//"), "Sources/\(path):\(line) is not code: '\(code)'")
        checked += 1
    }
    #expect(checked >= 20, "only \(checked) references found")
}
