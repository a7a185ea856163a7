import BootHoldCore
import BootHoldSystem

/// Watches `--release-when-gone FILE` with inotify on FILE's directory. That directory may not
/// exist yet when the hold starts (`/run/ostree` appears only when ostree stages something),
/// so until it does the nearest existing ancestor is watched and the watch moves down as the
/// missing directories are created.
final class StagedFileWatch {
    let file: String
    private let directory: String
    private let name: String
    private let inotify: Inotify
    private let log: Logger
    private var watch: InotifyWatch?
    private var watchedPath = ""
    private var release = StagedFileRelease()

    private static let mask: InotifyMask = [
        .created, .deleted, .movedFrom, .movedTo, .deletedSelf, .movedSelf, .onlyDirectory,
    ]

    var descriptor: FileDescriptor { inotify.descriptor }

    init(file: String, log: Logger) throws {
        self.file = file
        (directory, name) = WatchedPath.split(file)
        self.log = log
        inotify = try Inotify.open()
        try arm()
        _ = try look()
        switch release.presence {
        case .staged:
            log.info("\(file) exists: releasing when it is gone")
        case .notYetStaged:
            log.info("\(file) does not exist yet: releasing only after it has existed and is gone")
        }
    }

    /// Handles every queued event; `.release` once FILE existed while held and is now gone.
    func handlePendingEvents() throws -> StagedFileRelease.Decision {
        var rearm = false
        for event in try inotify.pendingEvents() {
            if event.mask.contains(.queueOverflow) {
                // Events were lost: look at the directory chain and FILE afresh.
                rearm = true
                continue
            }
            guard event.watch == watch else { continue }  // a watch already replaced
            if watchedPath == directory, event.name == name {
                if !event.mask.intersection([.created, .movedTo]).isEmpty,
                   release.observe(.present) == .keepHolding {
                    log.debug("\(file) appeared")
                }
                if !event.mask.intersection([.deleted, .movedFrom]).isEmpty,
                   release.observe(.absent) == .release {
                    return .release
                }
            } else if !event.mask.intersection([.deletedSelf, .movedSelf, .ignored]).isEmpty {
                // The watched directory itself went away (and FILE with it, if it was there).
                rearm = true
            } else if watchedPath != directory, event.mask.contains(.isDirectory),
                      !event.mask.intersection([.created, .movedTo]).isEmpty {
                // A directory appeared under the ancestor we watch: maybe the next one down.
                rearm = true
            }
        }
        guard rearm else { return .keepHolding }
        try arm()
        return try look()
    }

    /// Watches FILE's directory, or the nearest ancestor of it that exists.
    private func arm() throws {
        for candidate in WatchedPath.directoryAndAncestors(directory) {
            let added: InotifyWatch
            do {
                added = try inotify.addWatch(candidate, mask: Self.mask)
            } catch let error as SystemCallError
                        where error.errno == .noSuchFileOrDirectory || error.errno == .notDirectory {
                continue
            }
            if let old = watch, old != added { inotify.removeWatch(old) }
            if candidate != watchedPath, candidate != directory {
                log.debug("\(directory) does not exist yet: watching \(candidate) until it does")
            }
            watch = added
            watchedPath = candidate
            return
        }
        throw SystemCallError("inotify_add_watch", path: directory, errno: .noSuchFileOrDirectory)
    }

    /// Looks at FILE itself: catches what happened before the current watch was in place.
    private func look() throws -> StagedFileRelease.Decision {
        switch try PathPresence.of(file) {
        case .exists: return release.observe(.present)
        case .missing: return release.observe(.absent)
        }
    }
}
