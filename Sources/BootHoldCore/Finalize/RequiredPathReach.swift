/// How boothold-finalize reached one `--require` path before it ran the command: what both
/// outcome records and the next boot's report say about it.
public enum PathReach: String, Sendable, Equatable, CaseIterable {
    /// A file system was already mounted on the path's automount when it was checked: the
    /// hold (or anything else) kept it there.
    case held
    /// An ordinary mount, no automount at the path.
    case mounted
    /// The path was an automount point with nothing on it, and opening it mounted it.
    case automount
    /// Nothing was mounted and the automount could not serve the path: boothold-finalize
    /// mounted what the path's mount unit describes, in its own mount namespace.
    case mountedByFinalize = "mounted-by-boothold-finalize"
    /// No mount point, and no mount unit claims the path: the directory is used as it is
    /// (a `/boot` on the root file system).
    case plainDirectory = "plain-directory"
}

/// Why boothold-finalize had to mount a path itself (`CAUSE_N=` of the records).
public enum FallbackCause: String, Sendable, Equatable, CaseIterable {
    /// EHOSTDOWN: systemd suppresses automount requests once the unit's stop is queued.
    case automountRefused = "automount-refused"
    /// The open did not return within its bound: an automount nobody serves.
    case automountNoAnswer = "automount-no-answer"
    /// Still autofs after the open: the automount mounted nothing (its daemon is gone).
    case automountEmpty = "automount-empty"
    /// A bare mount-point directory: the automount unit was already stopped.
    case notMounted = "not-mounted"

    /// For the next boot's report: "(systemd had refused the automount)".
    public var pastPerfect: String {
        switch self {
        case .automountRefused: return "systemd had refused the automount"
        case .automountNoAnswer: return "the automount had not answered"
        case .automountEmpty: return "the automount had mounted nothing"
        case .notMounted: return "nothing had been mounted there"
        }
    }
}

/// One `--require` path and how it was reached, as recorded.
public struct ReachedPath: Sendable, Equatable {
    public var path: String
    public var how: PathReach
    /// The mounted file system's type ("vfat"), when one is mounted and the table names it.
    public var fileSystemType: String?
    /// Its source as the mount table shows it, or the unit's `What=` for an own mount.
    public var source: String?
    /// Own mounts only: the mount unit that described it, its options and why it was needed.
    public var unit: String?
    public var options: String?
    public var cause: FallbackCause?

    public init(
        path: String, how: PathReach, fileSystemType: String? = nil, source: String? = nil,
        unit: String? = nil, options: String? = nil, cause: FallbackCause? = nil
    ) {
        self.path = path
        self.how = how
        self.fileSystemType = fileSystemType
        self.source = source
        self.unit = unit
        self.options = options
        self.cause = cause
    }

    /// For the started entry: "/boot is held (vfat)", "/boot was mounted by boothold-finalize
    /// (/dev/vdb, ext4)".
    public var summary: String {
        let type = fileSystemType.map { " (\($0))" } ?? ""
        switch how {
        case .held: return "\(path) is held\(type)"
        case .mounted: return "\(path) is mounted\(type)"
        case .automount: return "\(path) was mounted by its automount\(type)"
        case .plainDirectory: return "\(path) is a plain directory"
        case .mountedByFinalize:
            let details = [source, fileSystemType].compactMap { $0 }.joined(separator: ", ")
            return "\(path) was mounted by boothold-finalize" + (details.isEmpty ? "" : " (\(details))")
        }
    }

    /// For the next boot: "/boot was mounted by boothold-finalize (systemd had refused the
    /// automount)"; nil when the path was reached without boothold-finalize's own mount.
    public var fallbackSentence: String? {
        guard how == .mountedByFinalize else { return nil }
        let why = cause.map { " (\($0.pastPerfect))" } ?? ""
        return "\(path) was mounted by boothold-finalize\(why)"
    }

    /// The record keys of the `index`-th path (1-based): `REQUIRED_1=/boot`, `REACHED_1=held`,
    /// `FSTYPE_1=vfat`, `SOURCE_1=/dev/vda1`; own mounts add `UNIT_1`, `OPTIONS_1`, `CAUSE_1`.
    public func pairs(index: Int) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = [("REQUIRED_\(index)", path), ("REACHED_\(index)", how.rawValue)]
        if let fileSystemType { result.append(("FSTYPE_\(index)", fileSystemType)) }
        if let source { result.append(("SOURCE_\(index)", source)) }
        if let unit { result.append(("UNIT_\(index)", unit)) }
        if let options { result.append(("OPTIONS_\(index)", options)) }
        if let cause { result.append(("CAUSE_\(index)", cause.rawValue)) }
        return result
    }

    /// The paths of a record, `REQUIRED_1` up to the first missing index; an entry with an
    /// unknown `REACHED_N` is skipped (a newer boothold wrote it).
    public static func parse(_ fields: RecordFields) -> [ReachedPath] {
        var result: [ReachedPath] = []
        var index = 1
        while let path = fields["REQUIRED_\(index)"] {
            if let how = fields["REACHED_\(index)"].flatMap(PathReach.init(rawValue:)) {
                result.append(ReachedPath(
                    path: path, how: how, fileSystemType: fields["FSTYPE_\(index)"], source: fields["SOURCE_\(index)"],
                    unit: fields["UNIT_\(index)"], options: fields["OPTIONS_\(index)"],
                    cause: fields["CAUSE_\(index)"].flatMap(FallbackCause.init(rawValue:))))
            }
            index += 1
        }
        return result
    }
}

extension RecordFields {
    /// Appends the keys of every reached path, numbered from 1.
    public mutating func append(reached: [ReachedPath]) {
        for (offset, path) in reached.enumerated() {
            for (key, value) in path.pairs(index: offset + 1) { append(key, value) }
        }
    }
}
