/// When does `--release-when-gone FILE` end the hold? When FILE existed while held and is
/// then gone: the deployment was unstaged (e.g. `ostree admin undeploy`), so nothing will be
/// finalized and `/boot` may expire again. A FILE that does not exist yet is *not* a release:
/// ostree ≥ 2025.2 starts the units before it writes the staged file.
public struct StagedFileRelease: Sendable, Equatable {
    public enum Presence: Sendable, Equatable {
        /// FILE has not existed since the hold started.
        case notYetStaged
        /// FILE exists (or did at the last look).
        case staged
    }

    /// What the watcher saw.
    public enum Observation: Sendable, Equatable {
        /// FILE exists (a look at it, or it was created or renamed into place).
        case present
        /// FILE does not exist (a look at it, or it was deleted or renamed away, or its
        /// directory went away).
        case absent
    }

    public enum Decision: Sendable, Equatable {
        case keepHolding
        case release
    }

    public private(set) var presence: Presence = .notYetStaged

    public init() {}

    public mutating func observe(_ observation: Observation) -> Decision {
        switch (observation, presence) {
        case (.present, _):
            presence = .staged
            return .keepHolding
        case (.absent, .notYetStaged):
            return .keepHolding
        case (.absent, .staged):
            return .release
        }
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
