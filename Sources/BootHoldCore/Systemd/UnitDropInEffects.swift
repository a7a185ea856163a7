/// A mount point a drop-in makes a unit require: when its mount unit stops (an automount's
/// idle expiry), systemd stops the unit too — and runs its `ExecStop=` long before shutdown
/// (ostree#2543 again).
public struct DropInMount: Sendable, Equatable {
    public var path: String
    /// The setting and where it is, e.g. `RequiresMountsFor= in /usr/lib/…/10-x.conf:3`.
    public var source: String
    public init(path: String, source: String) {
        self.path = path
        self.source = source
    }
}

/// How a unit's drop-ins change one of its `Exec*=` lists.
public enum ExecChange: Sendable, Equatable {
    /// An empty assignment (`ExecStop=`) at `at` cleared the list, dropping what came before;
    /// `remaining` are the commands assigned after the last reset.
    case reset(key: String, at: String, dropsOwn: Bool, remaining: [String])
    /// A command added to the list (no reset after it), e.g. `ExecStopPost=/usr/sbin/x`.
    case added(key: String, at: String, command: String)
}

/// What the drop-ins attached to one generated unit do to it, as far as finalization is
/// concerned (DESIGN.md "Generated units"). Read with systemd's unit file syntax
/// (`ConfigurationSyntax`, the same conf-parser rules).
public struct DropInEffects: Sendable, Equatable {
    public var mounts: [DropInMount] = []
    public var execChanges: [ExecChange] = []
    /// Settings the generator could not read (unknown specifier, bad quoting), for a warning.
    public var problems: [String] = []

    /// Dependencies that propagate a stop of the named unit to this one (systemd.unit(5)).
    static let stopPropagating = ["Requires", "Requisite", "BindsTo", "PartOf"]

    /// `ownCommands`: the `Exec*=` keys the generator sets in the unit, with its executable.
    public static func analyze(_ dropIns: [UnitDropIn], unit: String, ownCommands: [String: String]) -> DropInEffects {
        var effects = DropInEffects()
        // Per Exec key: the commands assigned since the last reset, and that reset.
        var lists: [String: (commands: [(value: String, at: String)], reset: String?)] = [:]
        var keyOrder: [String] = []

        for dropIn in dropIns {
            let (statements, _) = ConfigurationSyntax.statements(of: ConfigurationFile(path: dropIn.path, contents: dropIn.contents))
            for case .assignment(let section, let key, let value, let at) in statements {
                let location = at.description
                switch (section, key) {
                case ("Unit", "RequiresMountsFor"):
                    let words: [String]
                    do {
                        words = try SystemdWords.split(value, .list)
                    } catch {
                        effects.problems.append("\(location): cannot split RequiresMountsFor= (\(error)), ignoring")
                        continue
                    }
                    for word in words {
                        guard let expanded = UnitSpecifiers.expand(word, unit: unit) else {
                            effects.problems.append("\(location): RequiresMountsFor=\(word) has a specifier the generator cannot resolve, ignoring it")
                            continue
                        }
                        guard let path = MountPath.normalize(expanded) else {
                            effects.problems.append("\(location): RequiresMountsFor=\(word) is not an absolute, normalized path, ignoring it")
                            continue
                        }
                        effects.add(DropInMount(path: path, source: "RequiresMountsFor= in \(location)"))
                    }
                case ("Unit", let dependency) where stopPropagating.contains(dependency):
                    for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
                        guard let name = UnitSpecifiers.expand(word, unit: unit) else {
                            effects.problems.append("\(location): \(dependency)=\(word) has a specifier the generator cannot resolve, ignoring it")
                            continue
                        }
                        guard name.hasSuffix(".mount"), let path = UnitName.toPath(name, suffix: ".mount") else { continue }
                        effects.add(DropInMount(path: path, source: "\(dependency)=\(name) in \(location)"))
                    }
                case ("Service", let exec) where exec.hasPrefix("Exec"):
                    if lists[exec] == nil {
                        lists[exec] = ([], nil)
                        keyOrder.append(exec)
                    }
                    if value.isEmpty {
                        lists[exec]!.commands = []
                        lists[exec]!.reset = location
                    } else {
                        lists[exec]!.commands.append((value, location))
                    }
                default:
                    continue
                }
            }
        }

        for key in keyOrder {
            let list = lists[key]!
            guard let reset = list.reset else {
                effects.execChanges += list.commands.map { .added(key: key, at: $0.at, command: $0.value) }
                continue
            }
            // A drop-in that names the generator's own executable again keeps it.
            let own = ownCommands[key]
            let readded = own.map { own in list.commands.contains { Self.executable(of: $0.value) == own } } ?? false
            effects.execChanges.append(.reset(key: key, at: reset, dropsOwn: own != nil && !readded, remaining: list.commands.map { $0.value }))
        }
        return effects
    }

    private mutating func add(_ mount: DropInMount) {
        if !mounts.contains(where: { MountPath.same($0.path, mount.path) }) { mounts.append(mount) }
    }

    /// The executable of an `Exec*=` value, without systemd's prefixes (`-@:+!|`).
    static func executable(of value: String) -> String? {
        guard let first = try? SystemdWords.split(value, .command).first else { return nil }
        let stripped = first.drop(while: { "-@:+!|".contains($0) })
        return stripped.isEmpty ? nil : String(stripped)
    }
}

/// The unit specifiers (systemd.unit(5) "Specifiers") a drop-in's paths and unit names may
/// use, for a system unit that is not a template. Others cannot be resolved without the
/// machine's identity (`%m`, `%H`, …): nil.
enum UnitSpecifiers {
    static func expand(_ word: String, unit: String) -> String? {
        guard word.utf8.contains(UInt8(ascii: "%")) else { return word }
        let name = unit
        let prefix = String(unit[..<(unit.lastIndex(of: ".") ?? unit.endIndex)])
        var result = ""
        var iterator = word.makeIterator()
        while let c = iterator.next() {
            guard c == "%" else {
                result.append(c)
                continue
            }
            switch iterator.next() {
            case "%": result += "%"
            case "n": result += name
            case "N", "p": result += prefix
            case "t": result += "/run"
            case "S": result += "/var/lib"
            case "C": result += "/var/cache"
            case "L": result += "/var/log"
            case "E": result += "/etc"
            case "T": result += "/tmp"
            case "V": result += "/var/tmp"
            case "h": result += "/root"
            default: return nil
            }
        }
        return result
    }
}

extension UnitName {
    /// unit_name_to_path(): `boot-efi.mount` → `/boot/efi`, `-.mount` → `/`, `\x2d` decoded;
    /// nil for names systemd refuses to turn into a path.
    static func toPath(_ name: String, suffix: String) -> String? {
        guard name.hasSuffix(suffix) else { return nil }
        let escaped = Array(name.utf8.dropLast(suffix.utf8.count))
        guard !escaped.isEmpty else { return nil }
        if escaped == [UInt8(ascii: "-")] { return "/" }
        var bytes: [UInt8] = []
        var index = 0
        while index < escaped.count {
            let byte = escaped[index]
            if byte == UInt8(ascii: "-") {
                bytes.append(UInt8(ascii: "/"))
                index += 1
            } else if byte == UInt8(ascii: "\\") {
                guard index + 3 < escaped.count, escaped[index + 1] == UInt8(ascii: "x"),
                    let high = hexValue(escaped[index + 2]), let low = hexValue(escaped[index + 3])
                else { return nil }
                bytes.append(high << 4 | low)
                index += 4
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        guard bytes.first != UInt8(ascii: "/"), bytes.last != UInt8(ascii: "/"),
            let text = String(validating: bytes, as: UTF8.self), let path = MountPath.normalize("/" + text), path == "/" + text
        else { return nil }
        return path
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
