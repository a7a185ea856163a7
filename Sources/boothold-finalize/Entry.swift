import CBootHold
import FinalizeTool

/// A tool on its own, for the SwiftPM build and its tests; what is installed is the
/// multi-call `boothold` (build-embedded.sh).
@main
enum Entry {
    static func main() { exit(FinalizeTool.main(CommandLine.arguments)) }
}
