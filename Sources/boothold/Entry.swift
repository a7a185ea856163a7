import BootHoldSystem
import CBootHold

#if hasFeature(Embedded)
/// The process's entry point in the Embedded build, which has no `CommandLine`: C's main().
@_cdecl("main")
func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    Applet.dispatch(programArguments(argc, argv))
}
#else
/// The process's entry point in the normal build (SwiftPM renames it for the test bundle).
@main
enum Entry {
    static func main() { exit(Applet.dispatch(CommandLine.arguments)) }
}
#endif
