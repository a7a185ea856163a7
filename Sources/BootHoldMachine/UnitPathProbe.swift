import BootHoldCore
import BootHoldSystem

/// What the system unit path holds: definitions of a unit name and the `.wants/`/`.requires/`
/// links that pull it in (DESIGN.md rule 2).
struct UnitPathProbe {
    let root: MachineRoot

    /// systemd's system unit path for installed units, highest priority first (generator
    /// output directories are left out: they are emptied before generators run).
    static let directories = [
        "/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
        "/usr/lib/systemd/system", "/lib/systemd/system",
    ]

    /// The unit directories that exist, each once: on a usrmerged system /lib is a link to
    /// usr/lib, and the same file must not be reported twice.
    private let present: Reading<[String]>
    /// Unit name → the `*.wants/NAME` / `*.requires/NAME` links naming it.
    private let dependencyLinks: Reading<[String: [String]]>

    init(root: MachineRoot) {
        self.root = root
        var seen: Set<FileIdentity> = []
        var present: [String] = []
        var links: [String: [String]] = [:]
        do {
            for directory in Self.directories {
                guard let status = try root.status(directory, symlinks: .followed), status.kind == .directory,
                      seen.insert(status.identity).inserted
                else { continue }
                present.append(directory)
                for entry in try root.directoryNames(directory).sorted()
                where entry.hasSuffix(".wants") || entry.hasSuffix(".requires") {
                    let linkDirectory = "\(directory)/\(entry)"
                    for name in try root.directoryNames(linkDirectory).sorted() {
                        links[name, default: []].append("\(linkDirectory)/\(name)")
                    }
                }
            }
            self.present = .value(present)
            self.dependencyLinks = .value(links)
        } catch {
            self.present = .unreadable(reason: root.describe(error))
            self.dependencyLinks = .unreadable(reason: root.describe(error))
        }
    }

    /// The first definition of `unit` in the unit path, and every link pulling it in.
    func state(of unit: String) -> Reading<UnitFileState> {
        guard let directories = present.value, let links = dependencyLinks.value else {
            if case .unreadable(let reason) = present { return .unreadable(reason: reason) }
            return .unreadable(reason: "system unit path")
        }
        var definition = UnitFileState.Definition.absent
        for directory in directories {
            let path = "\(directory)/\(unit)"
            do {
                guard let status = try root.status(path) else { continue }
                definition = UnitMask.masks(path, status, under: root) ? .masked(path: path) : .present(path: path)
                break
            } catch {
                return .unreadable(reason: root.describe(error))
            }
        }
        return .value(UnitFileState(definition: definition, pulledInBy: links[unit] ?? []))
    }

    /// Where `unit` is first found in the unit path (without the root prefix), if anywhere.
    func location(of unit: String) -> String? {
        for directory in present.value ?? [] {
            let path = "\(directory)/\(unit)"
            guard let status = try? root.status(path), !UnitMask.masks(path, status, under: root) else { continue }
            return path
        }
        return nil
    }
}
