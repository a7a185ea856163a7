import Foundation
import Testing

/// PID 1 loads whatever a generator left behind when it died (systemd.generator(7)), so a
/// SIGKILL at any moment must leave each unit complete or absent, never truncated.
@Suite("Interrupted writes")
struct InterruptedWriteTests {
    /// What an undisturbed run writes: the files and links every interrupted run is held to.
    struct Complete {
        var files: [String: [UInt8]]
        var links: [String: String]
    }

    static func machine(_ name: String) throws -> (FixtureRoot, Complete) {
        let root = try FixtureRoot(name)
        try root.writeOrdinaryMachine()
        // Two paired profiles with long headers: eight files and four links (each path unit's
        // paths.target.wants/, each start timer's timers.target.wants/) to interrupt.
        let long = String(repeating: "x", count: 3000)
        try root.write("etc/boothold/boothold.conf",
                       FixtureRoot.ostreeProfile([("Hold", "yes"), ("Description", "first " + long)])
                       + FixtureRoot.ostreeProfile(name: "second", [("Hold", "yes"), ("Staged", "/run/second"), ("Description", "second " + long)]))
        let run = try runGenerator(root: root, output: try root.outputDirectory("complete"))
        #expect(run.status == 0, "stderr: \(run.standardError)")
        #expect(run.files.count == 8 && run.links.count == 4, "files \(run.files.keys.sorted()), links \(run.links)")
        return (root, Complete(files: run.files, links: run.links))
    }

    /// Every file is byte for byte the complete one, every link the complete one; nothing else.
    static func checkOnlyCompleteUnits(_ output: URL, _ complete: Complete, context: String) throws {
        for (name, bytes) in try regularFiles(below: output) {
            #expect(complete.files[name] != nil, "\(context): unexpected file \(name)")
            #expect(bytes == complete.files[name], "\(context): \(name) is truncated or different (\(bytes.count) of \(complete.files[name]?.count ?? 0) bytes)")
        }
        for (name, target) in try symlinks(below: output) {
            #expect(complete.links[name] == target, "\(context): link \(name) → \(target)")
        }
    }

    @Test("Killed after every single output step: only complete units are left")
    func killedAtEveryStep() throws {
        let (root, complete) = try Self.machine("kill-step")
        let steps = complete.files.count * 2 + complete.links.count
        for n in 1...steps {
            let output = try root.outputDirectory("step-\(n)")
            let run = try runGenerator(root: root, output: output, environment: ["BOOTHOLD_TEST_KILL_AFTER_WRITES": "\(n)"], generator: Products.generatorWithFaultHook)
            #expect(run.killedBySignal && run.status == SIGKILL, "step \(n): the fault point did not fire (status \(run.status))")
            try Self.checkOnlyCompleteUnits(output, complete, context: "step \(n)")
            // Files are written before links, each in two steps (contents, then its name).
            #expect(run.files.count == min(n / 2, complete.files.count), "step \(n): \(run.files.keys.sorted())")
        }
        // One step more than there are: the run completes.
        let output = try root.outputDirectory("step-none")
        let run = try runGenerator(root: root, output: output, environment: ["BOOTHOLD_TEST_KILL_AFTER_WRITES": "\(steps + 1)"], generator: Products.generatorWithFaultHook)
        #expect(run.status == 0 && run.files == complete.files && run.links == complete.links)
    }

    @Test("SIGKILL after varied delays: only complete units are left")
    func killedAfterVariedDelays() throws {
        let (root, complete) = try Self.machine("kill-delay")
        // How long a whole run takes here, so the delays spread over all of it.
        let started = Date()
        _ = try runGenerator(root: root, output: try root.outputDirectory("timing"))
        let whole = max(Date().timeIntervalSince(started), 0.005)

        var outcomes: [String: Int] = [:]
        let runs = 120
        for i in 0..<runs {
            let output = try root.outputDirectory("delay-\(i)")
            let process = Process()
            process.executableURL = Products.generator
            process.arguments = [output.path]
            process.environment = ["BOOTHOLD_ROOT": root.path, "BOOTHOLD_LIBEXECDIR": Products.directory.path]
            process.standardError = FileHandle.nullDevice
            let delay = whole * 1.2 * Double(i) / Double(runs)
            try process.run()
            usleep(UInt32(delay * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try Self.checkOnlyCompleteUnits(output, complete, context: "killed after \(Int(delay * 1_000_000)) µs")
            let written = try regularFiles(below: output).count
            let key = written == 0 ? "none" : written == complete.files.count ? "all" : "some"
            outcomes[key, default: 0] += 1
        }
        print("interrupted writes after varied delays (\(runs) runs over \(Int(whole * 1000)) ms): \(outcomes.sorted { $0.key < $1.key })")
        #expect(outcomes["none", default: 0] > 0, "no run was killed before it wrote: the loop proves nothing")
    }
}
