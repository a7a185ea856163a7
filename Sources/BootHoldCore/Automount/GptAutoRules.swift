/// The generations of systemd-gpt-auto-generator's ESP decision (reference/systemd-generators.md
/// §2.2, reference/modern-stack.md §3.1). What differs between them: which fstab entries stop
/// it, whether `fstab=no` turns those checks off, and where the ESP goes when both `/boot` and
/// `/efi` could take it.
public enum GptAutoRules: Int, Sendable, Equatable, CaseIterable, Comparable {
    /// 249–253: the ESP goes to `/efi` when that directory exists, else to `/boot`; only an fstab
    /// entry at that very path stops it; `fstab=no` is not honoured (gpt-auto reads fstab anyway).
    case v249
    /// 254–255: `/boot` preferred when it exists, is empty and has no fstab entry; else `/efi`.
    case v254
    /// 256: as 254, plus any fstab entry at or below `/boot` or `/efi` stops it (NEWS 256).
    /// Whether 256 honours `fstab=no` was not checked: assumed, as 257 does (the choice that
    /// predicts more automounts).
    case v256
    /// 257–262: the same fstab gate, honouring `fstab=no`; `/boot` when it is not busy, even if
    /// it does not exist (systemd#34550); else `/efi`.
    case v257

    public static func < (a: GptAutoRules, b: GptAutoRules) -> Bool { a.rawValue < b.rawValue }

    /// The versions these rules were read from.
    public var versions: String {
        switch self {
        case .v249: "249-253"
        case .v254: "254-255"
        case .v256: "256"
        case .v257: "257-262"
        }
    }

    /// The rules of one version; nil outside the versions they were read from (older than 249,
    /// newer than 262), where only the union of all of them is safe.
    public static func of(major: Int) -> GptAutoRules? {
        switch major {
        case 249...253: .v249
        case 254...255: .v254
        case 256: .v256
        case 257...262: .v257
        default: nil
        }
    }

    /// The rules that apply to `version`, newest first: one set, or every set when the version is
    /// unknown (a path is then an automount when any of them says so).
    public static func applying(to version: SystemdVersion) -> [GptAutoRules] {
        if let major = version.major, let rules = of(major: major) { return [rules] }
        return allCases.reversed()
    }

    /// A line for `--explain` and the debug log: which version, why, and which rules apply.
    public static func summary(of version: SystemdVersion) -> String {
        guard let major = version.major else {
            return "systemd: version unknown (\(Display.escaped(version.evidence))); gpt-auto predicted with the rules of every version \(GptAutoRules.v249.versions.prefix(3))-\(GptAutoRules.v257.versions.suffix(3)): a path is held when any of them would automount it"
        }
        guard let rules = of(major: major) else {
            return "systemd: \(major), from \(Display.escaped(version.evidence)); its gpt-auto rules are not known here (only 249-262 are), so gpt-auto is predicted with the rules of every version: a path is held when any of them would automount it"
        }
        return "systemd: \(major), from \(Display.escaped(version.evidence)); gpt-auto predicted with the rules of systemd \(rules.versions)"
    }

    /// `systemd.mount-extra=` exists since systemd 254 (NEWS 254); unknown versions read it.
    public static func readsMountExtra(_ version: SystemdVersion) -> Bool {
        guard let major = version.major else { return true }
        return major >= 254
    }

    var honoursFstabNo: Bool { self >= .v256 }
    /// Any fstab entry at or below /boot or /efi stops both ESP and XBOOTLDR.
    var hasPrefixGate: Bool { self >= .v256 }
}

/// Rule 4's finding: gpt-auto will automount the ESP at the path, under which rules and why.
public struct GptAutoFinding: Sendable, Equatable {
    public var rules: GptAutoRules
    /// The major version that was learned; nil when unknown (these rules are then the newest
    /// of the union that predicts the automount).
    public var version: Int?
    /// false: not booted through EFI, where gpt-auto checks no loader variable and mounts an
    /// ESP it finds on the root disk, which the generator does not probe.
    public var efiBoot: Bool
    /// What made these rules put the ESP here, e.g. `the /efi directory exists and is empty`.
    public var placement: String?
    /// The fstab check these rules made, e.g. `no fstab entry at /boot`.
    public var fstab: String

    public init(rules: GptAutoRules, version: Int?, efiBoot: Bool, placement: String?, fstab: String) {
        self.rules = rules
        self.version = version
        self.efiBoot = efiBoot
        self.placement = placement
        self.fstab = fstab
    }

    var reason: String {
        let conditions = ([placement] + [efiBoot ? "LoaderDevicePartUUID set" : nil] + [fstab]).compactMap { $0 }.joined(separator: ", ")
        let generator: String
        switch (version, rules) {
        case (nil, .v257):
            // The newest rules with no version known: the text units had before versions were
            // learned, so that such machines keep byte-identical units.
            generator = "systemd-gpt-auto-generator"
        case (nil, _):
            generator = "systemd version unknown: systemd-gpt-auto-generator of systemd \(rules.versions)"
        case (let major?, _):
            generator = "systemd-gpt-auto-generator of systemd \(major)"
        }
        let tail = version == nil && rules != .v257 ? ", treated as an automount" : ""
        if efiBoot {
            let verb = version == nil && rules != .v257 ? "would automount" : "will automount"
            let here = version == nil && rules == .v257 ? "" : " here"
            return "\(generator) \(verb) the ESP\(here) (\(conditions))\(tail)"
        }
        return "not an EFI boot: \(generator) may automount an ESP of the root disk here (\(conditions)), treated as an automount"
    }
}

/// One rule set's answer for /boot or /efi.
enum GptAutoAnswer: Equatable {
    case automount(GptAutoFinding)
    /// The reason, without the `gpt-auto: ` prefix the caller adds.
    case none(String)
    case unreadable(input: String, reason: String)
}

/// The inputs gpt-auto looks at, as the snapshot has them.
struct GptAutoMachine {
    var snapshot: MachineSnapshot
    var fstabEnabled: Bool
    var version: Int?

    /// systemd's path_is_busy(): a mount point or a missing path is free, an empty directory is
    /// free, anything else is busy.
    enum Occupancy: Equatable {
        case free(String)
        case busy(String)
        case unknown(input: String, reason: String)
    }

    func occupancy(_ path: String) -> Occupancy {
        let mounts: [MountEntry]
        switch snapshot.mounts {
        case .value(let entries): mounts = entries
        case .unreadable(let reason): return .unknown(input: "/proc/self/mountinfo", reason: reason)
        }
        if mounts.contains(where: { MountPath.same(MountPath.simplifyFstabTarget($0.target) ?? "", path) }) {
            return .free("\(path) is already a mount point")
        }
        switch snapshot.mountPoints[path] {
        case nil: return .unknown(input: path, reason: "not examined")
        case .unreadable(let reason): return .unknown(input: path, reason: reason)
        case .value(.missing): return .free("\(path) does not exist")
        case .value(.emptyDirectory): return .free("\(path) is an empty directory")
        case .value(.nonEmptyDirectory): return .busy("\(path) is a non-empty directory")
        case .value(.notDirectory): return .busy("\(path) is not a directory")
        }
    }

    /// Whether something exists at the path (access(2) in 249–253, the existence check of 254–256).
    func exists(_ path: String) -> Reading<Bool> {
        if let mounts = snapshot.mounts.value,
            mounts.contains(where: { MountPath.same(MountPath.simplifyFstabTarget($0.target) ?? "", path) })
        {
            return .value(true)
        }
        switch snapshot.mountPoints[path] {
        case nil: return .unreadable(reason: "not examined")
        case .unreadable(let reason): return .unreadable(reason: reason)
        case .value(.missing): return .value(false)
        case .value: return .value(true)
        }
    }
}

extension GptAutoRules {
    /// Where these rules put the ESP on this machine, and whether that is `path`.
    func answer(for path: String, on machine: GptAutoMachine) -> GptAutoAnswer {
        let snapshot = machine.snapshot
        // The fstab entries gpt-auto sees: 249–255 read fstab even with fstab=no.
        var targets: [(shown: String, target: String)] = []
        if machine.fstabEnabled || !honoursFstabNo {
            guard let entries = snapshot.fstab.value else {
                return .unreadable(input: snapshot.fstabPath, reason: "unreadable")
            }
            targets = entries.compactMap { entry in MountPath.simplifyFstabTarget(entry.target).map { (entry.target, $0) } }
        }
        func fstabHas(_ point: String) -> Bool { targets.contains { MountPath.same($0.target, point) } }

        if hasPrefixGate,
            let entry = targets.first(where: { MountPath.isAtOrUnder($0.target, "/boot") || MountPath.isAtOrUnder($0.target, "/efi") })
        {
            return .none("fstab has \(Display.escaped(entry.shown))")
        }
        var fstabCheck = hasPrefixGate ? "no fstab entry at or under /boot or /efi" : "no fstab entry at \(path)"
        // (With no version known, the newest rules keep the text units had before.)
        if !machine.fstabEnabled, honoursFstabNo, machine.version != nil { fstabCheck = "fstab not read (fstab=no)" }

        // Where the ESP goes (no XBOOTLDR partition: the generator does not read partition
        // tables, see DESIGN.md "Versions").
        let chosen: String
        var placement: String? = nil
        switch self {
        case .v249:
            switch machine.exists("/efi") {
            case .unreadable(let reason): return .unreadable(input: "/efi", reason: reason)
            case .value(true):
                chosen = "/efi"
                placement = "the /efi directory exists"
            case .value(false):
                chosen = "/boot"
                placement = "there is no /efi directory"
            }
            guard chosen == path else { return .none("the ESP goes to \(chosen), since \(placement!)") }
            if fstabHas(chosen) { return .none("fstab has \(chosen)") }
            switch machine.occupancy(chosen) {
            case .unknown(let input, let reason): return .unreadable(input: input, reason: reason)
            case .busy(let why): return .none(why)
            case .free(let why): placement = "\(placement!), \(why)"
            }
        case .v254, .v256:
            var bootRefused: String? = nil
            switch machine.exists("/boot") {
            case .unreadable(let reason): return .unreadable(input: "/boot", reason: reason)
            case .value(false): bootRefused = "/boot does not exist"
            case .value(true):
                if fstabHas("/boot") {
                    bootRefused = "fstab has /boot"
                } else {
                    switch machine.occupancy("/boot") {
                    case .unknown(let input, let reason): return .unreadable(input: input, reason: reason)
                    case .busy(let why): bootRefused = why
                    case .free: break
                    }
                }
            }
            if let refused = bootRefused {
                var efiRefused: String? = fstabHas("/efi") ? "fstab has /efi" : nil
                if efiRefused == nil {
                    switch machine.occupancy("/efi") {
                    case .unknown(let input, let reason): return .unreadable(input: input, reason: reason)
                    case .busy(let why): efiRefused = why
                    case .free: break
                    }
                }
                if let efiRefused {
                    return .none(path == "/boot" ? "\(refused), and \(efiRefused)" : "\(efiRefused), and \(refused)")
                }
                if path == "/boot" { return .none("\(refused), so the ESP goes to /efi") }
                chosen = "/efi"
                placement = "\(refused), so the ESP goes to /efi"
            } else {
                chosen = "/boot"
                if case .free(let why) = machine.occupancy("/boot") { placement = why }
            }
            guard chosen == path else { return .none("the ESP goes to /boot, which exists and is free") }
        case .v257:
            switch machine.occupancy("/boot") {
            case .unknown(let input, let reason): return .unreadable(input: input, reason: reason)
            case .free(let why):
                chosen = "/boot"
                if path != "/boot" { return .none("the ESP goes to /boot (\(why))") }
            case .busy(let why):
                if path == "/boot" { return .none(why) }
                switch machine.occupancy("/efi") {
                case .unknown(let input, let reason): return .unreadable(input: input, reason: reason)
                case .busy(let efiWhy): return .none(efiWhy)
                case .free: break
                }
                chosen = "/efi"
                placement = "\(why), so the ESP goes to /efi"
            }
        }

        // The ESP goes to `path`.
        if case .free(let why) = machine.occupancy(chosen), why.hasSuffix("already a mount point") {
            return .none(why)
        }
        let finding = { (efi: Bool) in
            GptAutoFinding(rules: self, version: machine.version, efiBoot: efi, placement: placement, fstab: fstabCheck)
        }
        // gpt-auto checks the loader variable on EFI boots only; on a BIOS boot it mounts an
        // ESP it finds on the root disk, which the generator does not probe: hold to be safe.
        switch snapshot.efiBoot {
        case .value(false): return .automount(finding(false))
        case .unreadable(let reason): return .unreadable(input: "/sys/firmware/efi", reason: reason)
        case .value(true): break
        }
        switch snapshot.loaderDevicePartUUID {
        case .value(true): return .automount(finding(true))
        case .value(false): return .none("no LoaderDevicePartUUID EFI variable (the boot loader did not name the ESP)")
        case .unreadable(let reason): return .unreadable(input: "the EFI variable LoaderDevicePartUUID", reason: reason)
        }
    }
}
