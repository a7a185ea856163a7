/// A value that was read from the machine, or why it could not be.
public enum Reading<Value: Sendable & Equatable>: Sendable, Equatable {
    case value(Value)
    /// The input exists but could not be read or parsed; `reason` names the input and the error.
    case unreadable(reason: String)

    public var value: Value? {
        if case .value(let v) = self { return v }
        return nil
    }

    /// The value transformed, or the same reason it could not be read.
    public func map<Other>(_ transform: (Value) -> Other) -> Reading<Other> {
        switch self {
        case .value(let v): .value(transform(v))
        case .unreadable(let reason): .unreadable(reason: reason)
        }
    }
}

/// One row of /proc/self/mountinfo, as libmount parsed it.
public struct MountEntry: Sendable, Equatable {
    public var target: String
    public var fileSystemType: String
    public var source: String
    public init(target: String, fileSystemType: String, source: String) {
        self.target = target
        self.fileSystemType = fileSystemType
        self.source = source
    }
}

/// One fstab line (or `systemd.mount-extra=` item), as libmount parsed it; `\040` decoded.
public struct FstabEntry: Sendable, Equatable {
    public var source: String
    /// The target as written; the core normalizes it (`//boot/` is `/boot`).
    public var target: String
    public var fileSystemType: String
    /// The whole option string, e.g. `umask=0077,x-systemd.automount`.
    public var options: String
    public init(source: String, target: String, fileSystemType: String, options: String) {
        self.source = source
        self.target = target
        self.fileSystemType = fileSystemType
        self.options = options
    }
}

/// What the system unit path says about one unit name (e.g. `boot.automount`).
public struct UnitFileState: Sendable, Equatable {
    public enum Definition: Sendable, Equatable {
        case absent
        /// A symlink to /dev/null or an empty file, found first at `path`.
        case masked(path: String)
        /// A real unit file, found first at `path`.
        case present(path: String)
    }
    public var definition: Definition
    /// `*.wants/` and `*.requires/` links naming the unit, as paths (without the root prefix).
    public var pulledInBy: [String]
    public init(definition: Definition, pulledInBy: [String]) {
        self.definition = definition
        self.pulledInBy = pulledInBy
    }
}

/// What is at a mount point path, learned without triggering an automount.
public enum MountPointState: Sendable, Equatable {
    case missing
    case emptyDirectory
    case nonEmptyDirectory
    case notDirectory
}

/// A configuration file the generator read, with its raw bytes (may be invalid UTF-8).
public struct ConfigurationFile: Sendable, Equatable {
    /// Path without the root prefix, e.g. `/etc/boothold/boothold.conf.d/10-local.conf`.
    public var path: String
    public var contents: [UInt8]
    public init(path: String, contents: [UInt8]) {
        self.path = path
        self.contents = contents
    }
}

/// Everything the generator knows about the machine, read once and parsed once before any
/// decision.
public struct MachineSnapshot: Sendable, Equatable {
    /// The kernel command line (`/proc/cmdline` or `SYSTEMD_PROC_CMDLINE`), parsed, with the
    /// initrd's rule applied (`rd.` keys).
    public var kernelCommandLine: Reading<KernelCommandLine>
    public var inInitrd: Bool
    public var inContainer: Bool
    /// `/proc/self/mountinfo`.
    public var mounts: Reading<[MountEntry]>
    /// The fstab path that was read (`SYSTEMD_FSTAB` or `/etc/fstab`) and its entries; a missing
    /// fstab is an empty list.
    public var fstabPath: String
    public var fstab: Reading<[FstabEntry]>
    /// Whether `LoaderDevicePartUUID-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f` exists.
    public var loaderDevicePartUUID: Reading<Bool>
    /// Whether the machine booted through EFI (`/sys/firmware/efi` exists). gpt-auto checks
    /// the loader variable on EFI boots only.
    public var efiBoot: Reading<Bool>
    /// Keyed by unit name (`boot.automount`), for every path of every profile.
    public var automountUnits: [String: Reading<UnitFileState>]
    /// Keyed by normalized path (`/boot`, `/efi` and every profile path).
    public var mountPoints: [String: Reading<MountPointState>]
    /// The profile configuration, parsed and validated (from the files in the order they
    /// apply, lowest priority first; drop-ins merged by name and sorted, masked ones left out).
    public var configuration: ProfileConfiguration.Evaluation
    /// Where `boothold-report@.service` was found in the system unit path (without the root
    /// prefix), if anywhere; the generator links it per profile.
    public var reportTemplate: String?
    /// Which systemd runs the generators (its gpt-auto rules differ by version).
    public var systemd: SystemdVersion
    /// The drop-ins that will attach to the units the profiles may write (`NAME.service`,
    /// `NAME-hold.service`), each unit's in the order they apply; masked ones left out.
    public var unitDropIns: [UnitDropIn]
    /// What the unit path says about each profile's `NAME.path` (the updater's own path unit,
    /// for `Trigger=auto`), keyed by unit name.
    public var pathUnits: [String: Reading<UnitFileState>]

    public init(
        kernelCommandLine: Reading<KernelCommandLine>, inInitrd: Bool, inContainer: Bool,
        mounts: Reading<[MountEntry]>, fstabPath: String, fstab: Reading<[FstabEntry]>,
        loaderDevicePartUUID: Reading<Bool>, automountUnits: [String: Reading<UnitFileState>],
        mountPoints: [String: Reading<MountPointState>], configuration: ProfileConfiguration.Evaluation,
        reportTemplate: String?, efiBoot: Reading<Bool>,
        systemd: SystemdVersion, unitDropIns: [UnitDropIn],
        pathUnits: [String: Reading<UnitFileState>]
    ) {
        self.kernelCommandLine = kernelCommandLine
        self.inInitrd = inInitrd
        self.inContainer = inContainer
        self.mounts = mounts
        self.fstabPath = fstabPath
        self.fstab = fstab
        self.loaderDevicePartUUID = loaderDevicePartUUID
        self.automountUnits = automountUnits
        self.mountPoints = mountPoints
        self.configuration = configuration
        self.reportTemplate = reportTemplate
        self.efiBoot = efiBoot
        self.systemd = systemd
        self.unitDropIns = unitDropIns
        self.pathUnits = pathUnits
    }
}
