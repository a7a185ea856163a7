/// `boothold-finalize`: see its man page.
public enum FinalizeTool {
    /// Runs the command with `arguments` (argv, including argv[0]) and returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        return 0
    }
}
