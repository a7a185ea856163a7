/// argv as Swift strings. The executables start at C's `main` (`@_cdecl("main")`) in both build
/// modes: Embedded Swift has no `CommandLine`, and one entry point serves both.
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
