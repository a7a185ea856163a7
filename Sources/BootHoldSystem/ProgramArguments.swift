/// argv as Swift strings, for the Embedded build's entry point (`@_cdecl("main")` in
/// `boothold/Entry.swift`): Embedded Swift has no `CommandLine`.
public func programArguments(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
) -> [String] {
    var arguments: [String] = []
    arguments.reserveCapacity(Int(argc))
    for index in 0..<Int(argc) {
        guard let argument = argv[index] else { break }
        arguments.append(String(cString: argument))
    }
    return arguments
}
