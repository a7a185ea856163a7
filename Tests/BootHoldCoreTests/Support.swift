import Foundation
import Testing

@testable import BootHoldCore

/// A machine as the planner sees it, built in small steps so a test names only what matters.
struct Machine {
    var commandLine = ""
    var inInitrd = false
    var inContainer = false
    var mounts: Reading<[MountEntry]> = .value([
        MountEntry(target: "/", fileSystemType: "ext4", source: "/dev/sda2"),
        MountEntry(target: "/sysroot", fileSystemType: "ext4", source: "/dev/sda2"),
    ])
    var fstab: Reading<[FstabEntry]> = .value([])
    var loader: Reading<Bool> = .value(false)
    var units: [String: Reading<UnitFileState>] = [:]
    var mountPoints: [String: Reading<MountPointState>] = [:]
    var configuration: [ConfigurationFile] = [ConfigurationFile(path: "/usr/lib/boothold/boothold.conf", contents: Array(ostreeProfile.utf8))]
    var reportTemplate: String? = nil
    var systemd: SystemdVersion = .unknown("not examined")
    var unitDropIns: [UnitDropIn] = []

    static let ostreeProfile = """
        [ostree-finalize-staged]
        Description=OSTree Finalize Staged Deployment
        Staged=/run/ostree/staged-deployment
        Finalize=/usr/bin/ostree admin finalize-staged
        Paths=/sysroot /boot
        Condition=/run/ostree-booted

        """

    func fstabLine(_ line: String) -> Machine {
        var copy = self
        let f = line.split(separator: " ").map(String.init)
        var entries = copy.fstab.value ?? []
        entries.append(FstabEntry(source: f[0], target: f[1], fileSystemType: f[2], options: f.count > 3 ? f[3] : "defaults"))
        copy.fstab = .value(entries)
        return copy
    }

    var snapshot: MachineSnapshot {
        // Every probed path defaults to a populated directory and an absent automount unit.
        let evaluation = ProfileConfiguration.evaluate(configuration)
        let profiles = evaluation.profiles
        var units = self.units
        var points = self.mountPoints
        let extra = profiles.flatMap { DropInReview.requiredMounts(of: $0, dropIns: unitDropIns).mounts.map(\.path) }
        for path in AutomountRules.probes(for: profiles, extra: extra) {
            let unit = UnitName.fromPath(path, suffix: ".automount")!
            if units[unit] == nil { units[unit] = .value(UnitFileState(definition: .absent, pulledInBy: [])) }
            if points[path] == nil { points[path] = .value(.nonEmptyDirectory) }
        }
        return MachineSnapshot(
            kernelCommandLine: .value(KernelCommandLine(parsing: commandLine, inInitrd: inInitrd)), inInitrd: inInitrd, inContainer: inContainer,
            mounts: mounts, fstabPath: "/etc/fstab", fstab: fstab, loaderDevicePartUUID: loader,
            automountUnits: units, mountPoints: points, configuration: evaluation,
            reportTemplate: reportTemplate, efiBoot: .value(true), systemd: systemd, unitDropIns: unitDropIns, pathUnits: [:])
    }

    func plan() -> GeneratorOutput {
        GeneratorPlanner.plan(snapshot, libexecDirectory: "/usr/libexec/boothold")
    }
}

let systemd252 = SystemdVersion(major: 252, evidence: "PID 1 maps /usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so (/proc/1/maps)")
let systemd255 = SystemdVersion(major: 255, evidence: "PID 1 maps /usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-255.so (/proc/1/maps)")
let systemd256 = SystemdVersion(major: 256, evidence: "PID 1 maps /usr/lib64/systemd/libsystemd-shared-256.11-1.fc41.so (/proc/1/maps)")
let systemd257 = SystemdVersion(major: 257, evidence: "PID 1 maps /usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so (/proc/1/maps)")

extension GeneratorOutput {
    func file(_ name: String) -> String? { files.first(where: { $0.relativePath == name })?.contents }
    var fileNames: [String] { files.map(\.relativePath) }
    func messages(_ level: LogLevel) -> [String] { diagnostics.filter { $0.level == level }.map(\.message) }
}

/// Runs a host program and returns its standard output (trailing newline removed) and status.
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (output: String, error: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var text = String(decoding: outData, as: UTF8.self)
    if text.hasSuffix("\n") { text.removeLast() }
    return (text, String(decoding: errData, as: UTF8.self), process.terminationStatus)
}

/// The host's systemd programs, which the tests use as the reference.
enum Host {
    static let systemdEscape = "/usr/bin/systemd-escape"
    static let systemdAnalyze = "/usr/bin/systemd-analyze"
    static let fstabGenerator = "/lib/systemd/system-generators/systemd-fstab-generator"
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("boothold-core-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

extension AutomountEvidence {
    /// The evidence's words as `EvidenceText` shows them, unescaped.
    var reason: String { EvidenceText.words(self) }
}
