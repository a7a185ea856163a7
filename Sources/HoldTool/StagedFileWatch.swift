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
    private var presence = StagedFilePresence(exists: false)

    private static let mask: InotifyMask = [
        .created, .deleted, .movedFrom, .movedTo, .deletedSelf, .movedSelf, .onlyDirectory,
    ]

    var descriptor: FileDescriptor { inotify.descriptor }
    /// Whether FILE exists, as last reported (at first: the look made once the watch was armed).
    var exists: Bool { presence.exists }

    /// Arms the watch, then looks at FILE: whatever happens to it from now on is seen.
    init(file: String, log: Logger) throws(SystemCallError) {
        self.file = file
        (directory, name) = WatchedPath.split(file)
        self.log = log
        inotify = try Inotify.open()
        try arm()
        presence = StagedFilePresence(exists: try PathPresence.of(file) == .exists)
    }

    /// Handles every queued event; says whether FILE appeared or went away since the last
    /// report (nil: no change, including a file that came and went in between).
    func handlePendingEvents() throws(SystemCallError) -> StagedFilePresence.Change? {
        var rearm = false
        for event in try inotify.pendingEvents() {
            if event.mask.contains(.queueOverflow) {
                // Events were lost: look at the directory chain and FILE afresh.
                rearm = true
                continue
            }
            guard event.watch == watch else { continue }  // a watch already replaced
            if watchedPath == directory, event.name == name {
                if !event.mask.intersection([.created, .movedTo]).isEmpty {
                    log.debug("\(file) appeared")
                    presence.observe(exists: true)
                }
                if !event.mask.intersection([.deleted, .movedFrom]).isEmpty {
                    log.debug("\(file) went away")
                    presence.observe(exists: false)
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
        if rearm {
            try arm()
            try look()
        }
        return presence.change()
    }

    /// Watches FILE's directory, or the nearest ancestor of it that exists.
    private func arm() throws(SystemCallError) {
        for candidate in WatchedPath.directoryAndAncestors(directory) {
            let added: InotifyWatch
            do {
                added = try inotify.addWatch(candidate, mask: Self.mask)
            } catch where error.errno == .noSuchFileOrDirectory || error.errno == .notDirectory {
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
    private func look() throws(SystemCallError) {
        presence.observe(exists: try PathPresence.of(file) == .exists)
    }
}
