/// Whether `--release-when-gone FILE` exists, as the watcher last saw it, and what changed since
/// it last said. Several inotify events may arrive in one read (created, deleted, created again):
/// only the presence they end with counts, so a file that came and went between two looks is
/// no change, and one that went and came back is none either.
public struct StagedFilePresence: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        /// FILE exists now and did not at the last report: a deployment was staged.
        case appeared
        /// FILE is gone and existed at the last report: unstaged, or being finalized.
        case gone
    }

    /// The presence last reported (at start: what the first look saw).
    public private(set) var exists: Bool
    private var latest: Bool

    public init(exists: Bool) {
        self.exists = exists
        latest = exists
    }

    /// What an event or a look says now: FILE created or renamed into place (true), deleted,
    /// renamed away or its directory gone (false).
    public mutating func observe(exists now: Bool) {
        latest = now
    }

    /// The change since the last report, if any, which then becomes the reported presence.
    public mutating func change() -> Change? {
        guard latest != exists else { return nil }
        exists = latest
        return exists ? .appeared : .gone
    }
}

/// Splitting the watched FILE's directory into the chain of directories to watch when some of
/// them do not exist yet (`/run/ostree` before ostree wrote anything).
public enum WatchedPath {
    /// "/run/ostree/staged-deployment" → ("/run/ostree", "staged-deployment").
    public static func split(_ file: String) -> (directory: String, name: String) {
        var trimmed = Substring(file)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let directory = trimmed[..<slash]
        return (directory.isEmpty ? "/" : String(directory), String(trimmed[trimmed.index(after: slash)...]))
    }

    /// The directory and its ancestors, nearest first: "/run/ostree" → ["/run/ostree", "/run", "/"].
    public static func directoryAndAncestors(_ directory: String) -> [String] {
        var result: [String] = []
        var current = directory
        while true {
            result.append(current)
            if current == "/" { return result }
            current = split(current).directory
        }
    }
}
