import CBootHold
import BootHoldCore
import BootHoldJournal
import BootHoldMachine
import BootHoldSystem

/// Gathers a ProfileStatus per profile from the live machine: the configuration and the
/// generator's own reading (through the root prefix), the generator directory, PID 1 over
/// D-Bus, the mount table, /proc and the outcome records. Nothing here opens a path under an
/// automount point: mount state comes from the mount table, users from /proc's links.
struct StatusReader {
    /// The generator's environment: its root, and systemd's test hooks, as the generator reads them.
    let environment: GeneratorEnvironment
    var root: MachineRoot { environment.root }
    let stateDirectory = "/var/lib/boothold"
    let generatorDirectory = "/run/systemd/generator"

    /// Every configured profile (valid or skipped), or only `names`; unknown names are returned.
    func read(names: [String]) -> (statuses: [ProfileStatus], unknown: [String]) {
        let reading = MachineReader(environment: environment).read()
        let configuration = reading.snapshot.configuration
        let plan = GeneratorPlanner.plan(reading.snapshot, libexecDirectory: "/usr/libexec/boothold")
        // When the generator stops at a guard clause (boothold=0, the initrd), its last line says why.
        let guardReason = plan.decisions.isEmpty ? plan.diagnostics.last.map { $0.message } : nil

        var wanted: [(name: String, staged: String, skipped: String?)] =
            configuration.profiles.map { ($0.name, $0.staged, String?.none) } + configuration.skipped.map { ($0.name, "", $0.reason) }
        var unknown: [String] = []
        if !names.isEmpty {
            unknown = names.filter { name in !wanted.contains { $0.name == name } }
            wanted = names.compactMap { name in wanted.first { $0.name == name } }
        }

        let mounts = reading.snapshot.mounts
        let users = PathUsers.scan()
        // Every question to PID 1 together gets a few seconds: a command run to gate a
        // reboot must answer even when PID 1 does not.
        let deadline = Deadline.after(.seconds(10))
        var bus: SystemdBus?
        var busProblem: String?
        do { bus = try SystemdBus.connect(until: deadline) } catch { busProblem = "cannot ask systemd: \(error)" }

        var statuses: [ProfileStatus] = []
        for profile in wanted {
            let configured = configuration.profiles.first { $0.name == profile.name }
            let generation = generation(of: profile.name, skipped: profile.skipped, guardReason: guardReason)
            var status = ProfileStatus(
                name: profile.name, stagedFile: profile.staged, generation: generation, units: [],
                staged: staged(profile.staged), paths: [])
            if case .generated(let paired, _, _) = generation {
                var names = [status.finalizeUnitName]
                if paired { names.append(status.holdUnitName) }
                names.append(status.reportUnitName)
                if let bus {
                    do throws(SystemdBusError) {
                        status.units = try names.map { (name) throws(SystemdBusError) in try unitStatus(name, bus: bus, until: deadline) }
                    } catch {
                        status.unitsUnavailable = "\(error)"
                    }
                } else {
                    status.unitsUnavailable = busProblem
                }
            }
            if profile.name == "ostree-finalize-staged" || profile.staged == "/run/ostree/staged-deployment" {
                status.locked = ostreeLocked(profile.staged)
            }
            status.paths = (configured?.paths ?? []).map { pathStatus($0, mounts: mounts, users: users) }
            status.lastOutcome = lastOutcome(profile.name)
            statuses.append(status)
        }
        return (statuses, unknown)
    }

    /// What the unit header says, or why there is no unit.
    private func generation(of name: String, skipped: String?, guardReason: String?) -> ProfileStatus.Generation {
        let unit = generatorDirectory + "/" + ProfileUnitNames(profile: name).finalize
        guard let bytes = try? root.readFileIfPresent(unit, limit: 1 << 20) else {
            if let skipped { return .notGenerated(reason: "the profile is invalid: \(skipped)") }
            if let guardReason { return .notGenerated(reason: guardReason) }
            return .notGenerated(reason: "no \(unit) (has the generator run since boothold was installed? systemctl daemon-reload)")
        }
        var decision = ""
        var pathLines: [String] = []
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard line.hasPrefix("# ") else { break }
            let text = line.dropFirst(2)
            if text.hasPrefix("Decision: ") {
                decision = String(text.dropFirst("Decision: ".count))
            } else if text.hasPrefix("/") {
                pathLines.append(String(text))
            }
        }
        let paired = (try? root.exists(generatorDirectory + "/" + ProfileUnitNames(profile: name).hold)) == true
        return .generated(paired: paired, decision: decision, pathLines: pathLines)
    }

    private func staged(_ file: String) -> ProfileStatus.Presence {
        guard !file.isEmpty else { return .unknown }
        switch try? root.exists(file) {
        case true?: return .staged
        case false?: return .notStaged
        case nil: return .unknown
        }
    }

    /// `--lock-finalization`: the `locked` key of the staged GVariant (ostree ≥ 2023.8, the
    /// source of truth), or the legacy `FILE-locked` beside it (ostree ≤ 2023.x, and kept in
    /// sync by later versions).
    private func ostreeLocked(_ staged: String) -> Bool {
        if let bytes = try? root.readFileIfPresent(staged, limit: 1 << 20),
           GVariantDictionary.boolean("locked", in: bytes) == true { return true }
        return (try? root.exists(staged + "-locked")) == true
    }

    private func unitStatus(_ name: String, bus: SystemdBus, until deadline: Deadline) throws(SystemdBusError) -> UnitStatus {
        let path = try bus.loadUnit(name, until: deadline)
        let unit = "org.freedesktop.systemd1.Unit"
        func string(_ property: String, _ interface: String = unit) throws(SystemdBusError) -> String {
            try bus.stringProperty(property, interface: interface, of: path, until: deadline)
        }
        var status = UnitStatus(
            name: name, loadState: try string("LoadState"), activeState: try string("ActiveState"),
            subState: try string("SubState"), fragmentPath: try string("FragmentPath"),
            dropIns: try bus.stringsProperty("DropInPaths", interface: unit, of: path, until: deadline),
            sinceRealtimeMicroseconds: try bus.uint64Property("StateChangeTimestamp", interface: unit, of: path, until: deadline))
        if status.loadState == "loaded", name.hasSuffix(".service") {
            let service = "org.freedesktop.systemd1.Service"
            status.mainPID = Int32(truncatingIfNeeded: try bus.uint32Property("MainPID", interface: service, of: path, until: deadline))
            status.result = try string("Result", service)
        }
        return status
    }

    /// The mount table's entries at `path`, bottom first: an autofs there is an automount; the
    /// topmost entry, when it is not the autofs, is what is mounted.
    private func pathStatus(_ path: String, mounts: Reading<[MountEntry]>, users: [PathUsers.Use]) -> PathStatus {
        let here = users.filter { $0.target == path || $0.target.hasPrefix(path == "/" ? "/" : path + "/") }
            .map { PathUser(pid: $0.pid, command: $0.command, use: $0.use, unit: $0.unit) }
        guard case .value(let entries) = mounts else {
            if case .unreadable(let reason) = mounts { return PathStatus(path: path, automount: false, mounted: nil, users: here, unreadable: reason) }
            return PathStatus(path: path, automount: false, mounted: nil, users: here, unreadable: "not read")
        }
        let stack = entries.filter { MountPath.same($0.target, path) }
        let automount = stack.contains { $0.fileSystemType == "autofs" }
        let top = stack.last.flatMap { $0.fileSystemType == "autofs" ? nil : $0.fileSystemType }
        return PathStatus(path: path, automount: automount, mounted: top, users: here)
    }

    private func lastOutcome(_ name: String) -> LastOutcome {
        let directory = root.hostPath(stateDirectory + "/" + name)
        for (dir, reported) in [(directory, false), (directory + "/reported", true)] {
            let started = (try? DurableFile.read(dir + "/" + StartedRecord.fileName)).flatMap { $0 }.flatMap(StartedRecord.init(parsing:))
            let result = (try? DurableFile.read(dir + "/" + ResultRecord.fileName)).flatMap { $0 }.flatMap(ResultRecord.init(parsing:))
            guard started != nil || result != nil else { continue }
            let at = started.flatMap { $0.startedRealtimeMicroseconds > 0 ? WallClock.localDescription(microseconds: $0.startedRealtimeMicroseconds) : nil }
            return LastOutcome(started: started, result: result, reported: reported, startedAt: at)
        }
        return LastOutcome()
    }
}
