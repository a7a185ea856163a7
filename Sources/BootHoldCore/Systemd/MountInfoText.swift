/// Reading the mount table text (`/proc/self/mountinfo`, proc(5)) for one mount's type.
public enum MountInfoText {
    /// The file system type of the mount with ID `mountID` (field 1), or nil when absent.
    /// Fields after the " - " separator are: type, source, super options.
    public static func fileSystemType(mountID: Int, in text: String) -> String? {
        let wanted = String(mountID)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ")
            guard fields.first.map(String.init) == wanted else { continue }
            guard let separator = fields.firstIndex(of: "-"), separator + 1 < fields.count else { return nil }
            return String(fields[separator + 1])
        }
        return nil
    }

    /// The `mnt_id:` of a `/proc/self/fdinfo/FD` text (proc(5), Linux ≥ 3.15).
    public static func mountID(fdinfo text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("mnt_id:") {
            return Int(line.dropFirst("mnt_id:".count).drop(while: { $0 == " " || $0 == "\t" }))
        }
        return nil
    }
}
