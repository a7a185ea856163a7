/// What the command line asks the generator to do.
enum GeneratorInvocation: Equatable {
    case help
    case version
    /// Read everything, print the decisions and the unit text, write nothing.
    case explain
    /// systemd.generator(7): write into the normal directory (argv[1]); the early and late
    /// directories are accepted and unused.
    case generate(normalDirectory: String)
    case usageError(String)

    /// `arguments` without argv[0].
    init(arguments: [String]) {
        switch arguments {
        case ["--help"], ["-h"]:
            self = .help
        case ["--version"]:
            self = .version
        case ["--explain"]:
            self = .explain
        case let words where words.contains(where: { $0.hasPrefix("-") }):
            let option = words.first(where: { $0.hasPrefix("-") })!
            let known = ["--help", "-h", "--version", "--explain"].contains(option)
            self = .usageError(known ? "\(option) takes no other arguments." : "Unknown option '\(option)'.")
        case let words where words.count == 1 || words.count == 3:
            // With one argument it serves as all three directories (systemd.generator(7)).
            self = .generate(normalDirectory: words[0])
        default:
            self = .usageError("This program takes one or three arguments.")
        }
    }

    static let usage = """
        Usage: boothold-generator NORMAL-DIR [EARLY-DIR LATE-DIR]
               boothold-generator --explain | --help | --version

        A systemd generator: writes the finalize units of each staged-deployment profile into
        NORMAL-DIR, paired with a hold unit when a path they need is, or will be, an automount.

          --explain   read this machine, print every decision with its evidence and the units
                      that would be written; write nothing
          --help      show this help
          --version   show the version

        Environment: BOOTHOLD_ROOT, BOOTHOLD_LIBEXECDIR, SYSTEMD_PROC_CMDLINE, SYSTEMD_FSTAB,
        SYSTEMD_IN_INITRD, SYSTEMD_LOG_LEVEL (see boothold-generator(8)).

        """
}
