import BootHoldCore
import BootHoldSystem

/// Reads what `SystemdVersion.learn` decides from: PID 1's memory map and the names of the
/// files in systemd's library directories, all under the root. Nothing is executed.
struct SystemdVersionProbe {
    let root: MachineRoot

    /// Where systemd's private libraries live: meson's `pkglibdir` (`libdir/systemd`), i.e.
    /// `/usr/lib/systemd` (Arch), `/usr/lib64/systemd` (Fedora), `/usr/lib/<triplet>/systemd`
    /// (Debian, Ubuntu), and the same below `/lib` on split-usr systems.
    static let libraryRoots = ["/usr/lib", "/lib", "/usr/lib64", "/lib64"]

    /// The map of the running manager; a few hundred lines.
    static let mapsLimit = 8 << 20

    func read() -> SystemdVersion {
        let maps: Reading<[UInt8]>
        do {
            maps = .value(try root.readFile("/proc/1/maps", limit: Self.mapsLimit))
        } catch {
            maps = .unreadable(reason: root.describe(error))
        }
        // The directory listing is needed only when the map does not decide; it is cheap.
        let (directories, files) = libraryFiles()
        return SystemdVersion.learn(maps: maps, libraryFiles: files, libraryDirectories: directories)
    }

    /// Every `libsystemd-shared-*.so`/`libsystemd-core-*.so` in `R/systemd/` and
    /// `R/<triplet>/systemd/` for each of `libraryRoots`, each directory once (on a usrmerged
    /// system `/lib` is `/usr/lib`).
    func libraryFiles() -> (directories: [String], files: Reading<[String]>) {
        var seen: Set<FileIdentity> = []
        var directories: [String] = []
        var files: [String] = []
        do {
            for libraryRoot in Self.libraryRoots {
                var candidates = [libraryRoot + "/systemd"]
                for name in try root.directoryNames(libraryRoot).sorted() where isMultiarchTriplet(name) {
                    candidates.append("\(libraryRoot)/\(name)/systemd")
                }
                for directory in candidates {
                    guard let status = try root.status(directory, symlinks: .followed), status.kind == .directory,
                        seen.insert(status.identity).inserted
                    else { continue }
                    directories.append(directory)
                    for name in try root.directoryNames(directory).sorted() where SystemdVersion.major(ofLibrary: name) != nil {
                        files.append("\(directory)/\(name)")
                    }
                }
            }
        } catch {
            return (directories, .unreadable(reason: root.describe(error)))
        }
        let shown = directories.isEmpty ? Self.libraryRoots.map { $0 + "/systemd" } : directories
        return (shown, .value(files))
    }

    /// `x86_64-linux-gnu`, `aarch64-linux-gnu`, …: a name with `-linux-` in it. (Compared by
    /// bytes: String's substring search would link the regex engine into the executable.)
    private func isMultiarchTriplet(_ name: String) -> Bool {
        let needle = Array("-linux-".utf8)
        let bytes = Array(name.utf8)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
