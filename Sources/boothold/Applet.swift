import BootHoldSystem
import CtlTool
import FinalizeTool
import GeneratorTool
import HoldTool

/// One executable for the four tools: the static Swift runtime (~6 MB) is shared instead of
/// being linked four times. It is installed once as `boothold-generator`, with
/// `boothold-hold` and `boothold-finalize` as links beside it and `bootholdctl` in bin, and
/// runs the tool named by the base name of argv[0]; `boothold TOOL ARGUMENTS…` works too
/// (`boothold ctl …` for bootholdctl).
enum Applet: String, CaseIterable {
    case generator = "boothold-generator"
    case hold = "boothold-hold"
    case finalize = "boothold-finalize"
    case ctl = "bootholdctl"

    func run(_ arguments: [String]) -> Int32 {
        switch self {
        case .generator: return GeneratorTool.main(arguments)
        case .hold: return HoldTool.main(arguments)
        case .finalize: return FinalizeTool.main(arguments)
        case .ctl: return CtlTool.main(arguments)
        }
    }

    /// Picks the tool from argv[0], else from `boothold TOOL …`, and runs it.
    static func dispatch(_ arguments: [String]) -> Int32 {
        if let applet = Applet(rawValue: baseName(arguments.first ?? "")) {
            return applet.run(arguments)
        }
        guard arguments.count >= 2,
              let applet = Applet(rawValue: "boothold-" + arguments[1]) ?? (arguments[1] == "ctl" ? .ctl : nil) else {
            let names = allCases.map { $0 == .ctl ? "ctl" : String($0.rawValue.dropFirst("boothold-".count)) }
            try? FileDescriptor.standardError.writeAll("usage: boothold \(names.joined(separator: "|")) [ARGUMENTS…]\n")
            return 2
        }
        // The tool sees its own name as argv[0], as if run through its link.
        return applet.run([applet.rawValue] + arguments.dropFirst(2))
    }

    private static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
