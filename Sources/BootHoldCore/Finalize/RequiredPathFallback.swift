/// The decision for one `--require` path: use it as it is, mount what its mount unit
/// describes in boothold-finalize's own mount namespace, or refuse with the exact reason.
/// Pure: the edge gathers the evidence the decision asks for (`askSystemd`,
/// `examineDevice`) and decides again, so every branch is a plain function of values.
public enum RequiredPathPlan: Sendable, Equatable {
    /// Reached: nothing to do.
    case use(ReachedPath)
    /// Ask PID 1 for this mount unit's LoadState, What, Type and Options, then decide again.
    case askSystemd(unit: String)
    /// stat(2) this `What=` (is it a block device, and which), then decide again.
    case examineDevice(String)
    /// Mount it, as the unit describes it, in boothold-finalize's own mount namespace.
    case mount(FallbackMount)
    /// Do not run the command: the sentence for the journal and the result record.
    case refuse(String)
}

/// What opening a `--require` path found (the probe, bounded in time).
public enum RequiredPathFinding: Sendable, Equatable {
    /// A file system other than autofs is mounted there. `openTriggered`: before the open the
    /// path was an autofs mount point with nothing on it, so the open mounted it.
    case mounted(openTriggered: Bool)
    /// Still autofs after the open, or ENOENT from an autofs mount point: the automount
    /// mounted nothing (its daemon is gone).
    case automountEmpty
    /// The automount answered EHOSTDOWN ("Suppressing automount request since unit stop is
    /// scheduled", systemd#22528).
    case automountRefused
    /// The open did not return within `bound`. `openerGone`: the process that opened it was
    /// killed and reaped, so nothing in this namespace still waits on the automount.
    case noAnswer(within: TimeSpan, openerGone: Bool)
    /// Not the root of any mount: a plain directory.
    case notMountPoint
    /// Anything else (missing, not a directory, a symlink loop, permission, a signal), already
    /// worded for the journal: no fallback can help.
    case problem(String)

    /// The sentence the journal has always said for it; nil when mounted.
    public func problem(path: String, profile: String) -> String? {
        switch self {
        case .mounted: return nil
        case .automountRefused:
            return "systemd refused to mount the \(path) automount because shutdown has begun "
                + "(systemd#22528); was \(ProfileUnitNames(profile: profile).hold) running?"
        case .noAnswer(let bound, _):
            return "opening \(path) did not return within \(bound) (an automount nobody serves?)"
        case .automountEmpty:
            return "\(path) is still an automount point after opening it: nothing was mounted on it"
        case .notMountPoint:
            return "nothing is mounted on \(path) (it is a plain directory, not a mount point)"
        case .problem(let text): return text
        }
    }

    /// Why a fallback mount was needed, as the act's log line says it; nil when no fallback applies.
    var fallback: (cause: FallbackCause, clause: String)? {
        switch self {
        case .automountRefused: return (.automountRefused, "systemd refused the automount (shutdown has begun)")
        case .noAnswer(let bound, _): return (.automountNoAnswer, "its automount did not answer within \(bound)")
        case .automountEmpty: return (.automountEmpty, "nobody serves its automount any more")
        case .notMountPoint: return (.notMounted, "no automount is left on it (a plain directory)")
        case .mounted, .problem: return nil
        }
    }
}

/// A device number, `major:minor` as the mount table writes it.
public struct DeviceNumber: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var major: UInt32
    public var minor: UInt32
    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }
    public var description: String { "\(major):\(minor)" }
}

/// One mount at exactly the path, from this namespace's mount table.
public struct MountOnPath: Sendable, Equatable {
    public var fileSystemType: String
    public var source: String
    public var device: DeviceNumber?
    public init(fileSystemType: String, source: String, device: DeviceNumber?) {
        self.fileSystemType = fileSystemType
        self.source = source
        self.device = device
    }
    var isAutofs: Bool { fileSystemType == "autofs" }
}

/// A mount unit as PID 1 has it loaded (org.freedesktop.systemd1.Unit/.Mount properties).
public struct MountUnitProperties: Sendable, Equatable {
    public var name: String
    /// `loaded`, `not-found`, `masked`, `bad-setting`, `error`, `merged`, `stub`.
    public var loadState: String
    public var what: String
    public var type: String
    public var options: String
    public init(name: String, loadState: String, what: String = "", type: String = "", options: String = "") {
        self.name = name
        self.loadState = loadState
        self.what = what
        self.type = type
        self.options = options
    }
}

/// What asking PID 1 gave.
public enum MountUnitAnswer: Sendable, Equatable {
    case answered(MountUnitProperties)
    /// PID 1 could not be asked or did not answer; the sentence says why.
    case unavailable(String)
}

/// What stat(2) found at a unit's `What=`.
public enum DeviceNodeFinding: Sendable, Equatable {
    case blockDevice(DeviceNumber)
    /// Exists but is not a block device: "a regular file", "a directory".
    case notBlockDevice(kind: String)
    /// stat(2) failed; the sentence says why ("No such file or directory").
    case inaccessible(String)
}

/// A mount boothold-finalize makes itself.
public struct FallbackMount: Sendable, Equatable {
    public var path: String
    public var unit: String
    /// The unit's `What=`, passed to libmount as it is (canonicalization off).
    public var what: String
    public var device: DeviceNumber
    /// The unit's `Type=`; nil when it is empty or `auto`: libmount detects it (blkid) or the
    /// mount is not made.
    public var type: String?
    /// The unit's `Options=`, verbatim, as systemd would pass them to mount(8).
    public var options: String
    public var readOnly: Bool
    public var cause: FallbackCause
    /// "systemd refused the automount (shutdown has begun)": the first half of the log line.
    public var clause: String

    public init(path: String, unit: String, what: String, device: DeviceNumber, type: String?, options: String,
                readOnly: Bool, cause: FallbackCause, clause: String) {
        self.path = path
        self.unit = unit
        self.what = what
        self.device = device
        self.type = type
        self.options = options
        self.readOnly = readOnly
        self.cause = cause
        self.clause = clause
    }

    /// The log line once it is mounted, `type` being the detected one when `Type=` was empty:
    /// "/boot was not mounted and systemd refused the automount (shutdown has begun): mounted
    /// /dev/vdb (ext4, rw) at /boot in boothold-finalize's own mount namespace, as boot.mount
    /// describes it".
    public func doneSentence(type mountedType: String) -> String {
        "\(path) was not mounted and \(clause): mounted \(what) (\(mountedType), \(readOnly ? "ro" : "rw")) at \(path) "
            + "in boothold-finalize's own mount namespace, as \(unit) describes it"
    }

    /// The record of it.
    public func reached(type mountedType: String) -> ReachedPath {
        ReachedPath(path: path, how: .mountedByFinalize, fileSystemType: mountedType, source: what,
                    unit: unit, options: options, cause: cause)
    }
}

/// Everything known about one path so far; nil means "not asked yet".
public struct RequiredPathEvidence: Sendable, Equatable {
    public var path: String
    public var profile: String
    public var finding: RequiredPathFinding
    /// The mounts at exactly `path` in this namespace's table after the open, bottom first.
    public var mounts: [MountOnPath]
    public var unit: MountUnitAnswer?
    public var device: DeviceNodeFinding?

    public init(path: String, profile: String, finding: RequiredPathFinding, mounts: [MountOnPath],
                unit: MountUnitAnswer? = nil, device: DeviceNodeFinding? = nil) {
        self.path = path
        self.profile = profile
        self.finding = finding
        self.mounts = mounts
        self.unit = unit
        self.device = device
    }
}

extension RequiredPathPlan {
    /// How long one step for one path may take (the open, asking systemd, the mount): a
    /// quarter of the timeout, at most 30 s. An automount nobody serves must not eat the
    /// whole deadline: the own mount and the command need the rest.
    public static func stepBound(timeout: TimeSpan) -> TimeSpan {
        min(TimeSpan.seconds(30), timeout.isInfinite ? .infinity : TimeSpan(microseconds: timeout.microseconds / 4))
    }

    /// File system types systemd counts as network file systems (fstype_is_network()): they
    /// have no block device to tie to the unit, and need the network at shutdown.
    static let networkTypes: Set<String> = [
        "afs", "ceph", "cifs", "smb3", "smbfs", "sshfs", "ncpfs", "ncp", "nfs", "nfs4", "gfs", "gfs2",
        "glusterfs", "gpfs", "pvfs2", "ocfs2", "lustre", "davfs",
    ]

    /// Options that make libmount or the kernel mount something other than the device's file
    /// system at the path: a bind or move, a remount, a loop device set up from a file, a
    /// subdirectory of the file system.
    static let foreignOptions = ["bind", "rbind", "move", "remount", "loop", "offset", "sizelimit", "encryption", "X-mount.subdir"]

    public init(deciding evidence: RequiredPathEvidence) {
        let path = evidence.path
        let finding = evidence.finding
        let realMounts = evidence.mounts.filter { !$0.isAutofs }
        let autofsMounted = evidence.mounts.contains { $0.isAutofs }

        if case .mounted(let triggered) = finding {
            let top = realMounts.last
            let how: PathReach = triggered ? .automount : (autofsMounted ? .held : .mounted)
            self = .use(ReachedPath(path: path, how: how, fileSystemType: top?.fileSystemType, source: top?.source))
            return
        }
        let problem = finding.problem(path: path, profile: evidence.profile) ?? ""
        guard let (cause, clause) = finding.fallback else {
            self = .refuse(problem)
            return
        }
        func refuse(_ why: String) -> RequiredPathPlan {
            let sentence = problem.hasSuffix("?") || problem.hasSuffix(".") ? problem : problem + ";"
            return .refuse("\(sentence) boothold-finalize did not mount it itself: \(why)")
        }
        if case .noAnswer(_, openerGone: false) = finding {
            self = refuse("the open is still stuck in the kernel")
            return
        }
        guard let unitName = UnitName.fromPath(path, suffix: ".mount") else {
            self = refuse("\(path) has no mount unit name")
            return
        }
        guard let answer = evidence.unit else {
            self = .askSystemd(unit: unitName)
            return
        }
        let unit: MountUnitProperties
        switch answer {
        case .unavailable(let why):
            self = refuse("systemd could not be asked which file system belongs there (\(why))")
            return
        case .answered(let properties):
            unit = properties
        }

        switch unit.loadState {
        case "loaded":
            break
        case "not-found":
            // No unit claims the path: a plain directory is one by design (a /boot on the root
            // file system); an automount with nothing behind it is not.
            if finding == .notMountPoint, evidence.mounts.isEmpty {
                self = .use(ReachedPath(path: path, how: .plainDirectory))
            } else {
                self = refuse("no mount unit describes what belongs on \(path) (\(unit.name) is not found)")
            }
            return
        case "masked":
            self = refuse("\(unit.name) is masked")
            return
        default:
            self = refuse("\(unit.name) is not loaded (LoadState=\(unit.loadState))")
            return
        }

        let type = unit.type
        if RequiredPathPlan.networkTypes.contains(type) {
            self = refuse("\(unit.name) mounts \(unit.what) (\(type)), a network file system")
            return
        }
        if type == "fuse" || type == "fuseblk" || type.hasPrefix("fuse.") {
            self = refuse("\(unit.name) mounts \(type), which needs a mount helper")
            return
        }
        if type == "autofs" {
            self = refuse("\(unit.name) mounts another automount (Type=autofs)")
            return
        }
        if unit.what.isEmpty {
            self = refuse("\(unit.name) names no device (What= is empty)")
            return
        }
        guard unit.what.hasPrefix("/") else {
            let kind = type.isEmpty ? "" : " (\(type))"
            self = refuse("\(unit.name) mounts \(unit.what)\(kind), not a block device")
            return
        }
        let options = FstabOptions.split(unit.options)
        if let foreign = RequiredPathPlan.foreignOptions.first(where: { name in
            options.contains { $0 == name || $0.hasPrefix(name + "=") }
        }) {
            self = refuse("\(unit.name) is not a plain device mount (Options= has \(foreign))")
            return
        }

        guard let device = evidence.device else {
            self = .examineDevice(unit.what)
            return
        }
        let number: DeviceNumber
        switch device {
        case .blockDevice(let found):
            number = found
        case .notBlockDevice(let kind):
            self = refuse("\(unit.name) mounts \(unit.what), which is \(kind), not a block device")
            return
        case .inaccessible(let why):
            self = refuse("\(unit.name) mounts \(unit.what), which cannot be used: \(why)")
            return
        }
        // Never over another file system: only an autofs (or the unit's own device, stacked
        // beneath an automount that will not serve it) may be under the new mount.
        if let other = realMounts.last(where: { $0.device != number }) {
            self = refuse("\(other.fileSystemType) from \(other.source) is already mounted on \(path), "
                + "and \(unit.name) names \(unit.what) (\(number))")
            return
        }

        let readOnly = options.last(where: { $0 == "ro" || $0 == "rw" }) == "ro"
        self = .mount(FallbackMount(
            path: path, unit: unit.name, what: unit.what, device: number,
            type: type.isEmpty || type == "auto" ? nil : type, options: unit.options,
            readOnly: readOnly, cause: cause, clause: clause))
    }
}

extension MountInfoText {
    /// The mounts at exactly `path` in a mountinfo text (proc(5)), in table order (bottom
    /// first): field 3 `major:minor`, field 5 the mount point, after ` - ` type and source;
    /// `\040`-style octal escapes decoded.
    public static func mounts(at path: String, in text: String) -> [MountOnPath] {
        var result: [MountOnPath] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count >= 7, MountPath.same(decodeOctal(fields[4]), path),
                  let separator = fields.firstIndex(of: "-"), separator + 2 < fields.count
            else { continue }
            let numbers = fields[2].split(separator: ":")
            let device = numbers.count == 2
                ? UInt32(numbers[0]).flatMap { major in UInt32(numbers[1]).map { DeviceNumber(major: major, minor: $0) } }
                : nil
            result.append(MountOnPath(
                fileSystemType: decodeOctal(fields[separator + 1]), source: decodeOctal(fields[separator + 2]),
                device: device))
        }
        return result
    }

    /// The kernel's mangling of ` `, `\t`, `\n` and `\` in mountinfo fields: `\` and three
    /// octal digits.
    static func decodeOctal(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        let raw = Array(field.utf8)
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "\\"), index + 3 < raw.count, let value = octal(raw[(index + 1)...(index + 3)]) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(raw[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        guard digits.count == 3 else { return nil }
        var value: UInt32 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + UInt32(digit - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}
