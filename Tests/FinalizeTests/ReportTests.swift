import Foundation
import Testing

@Suite("boothold-finalize --report")
struct ReportTests {
    @Test func noRecordsIsQuiet() throws {
        let world = try FinalizeHarness()
        let report = try world.report()
        #expect(report.status == 0)
        #expect(report.output.isEmpty)
        #expect(world.journal.entries().isEmpty)
    }

    @Test func successIsArchivedQuietly() throws {
        let world = try FinalizeHarness()
        world.stage()
        _ = try world.run(world.runArguments(command: [world.updater, "--consume", world.staged]))
        _ = world.journal.entries()
        let report = try world.report()
        #expect(report.status == 0)
        #expect(report.output.isEmpty)
        #expect(world.journal.entries().isEmpty)
        #expect(world.record("result") == nil)
        #expect(world.exists(world.stateDirectory + "/test-profile/reported/result"))
    }

    @Test func failureIsReportedOnceThenQuiet() throws {
        let world = try FinalizeHarness()
        world.stage()
        _ = try world.run(world.runArguments(command: [world.updater, "--exit", "3"]))
        _ = world.journal.entries()

        let report = try world.report()
        #expect(report.status == 1)
        let entries = world.journal.entries()
        #expect(entries.count == 1)
        let entry = try #require(entries.first)
        #expect(entry["MESSAGE_ID"] == ID.reportProblem)
        #expect(entry["BOOTHOLD_OUTCOME"] == "failed")
        #expect(entry["EXIT_STATUS"] == "3")
        #expect(entry["MESSAGE"]?.contains("exited with status 3") == true)

        let again = try world.report()
        #expect(again.status == 0)
        #expect(world.journal.entries().isEmpty)
    }

    @Test func timeoutIsReported() throws {
        let world = try FinalizeHarness()
        world.stage()
        _ = try world.run(world.runArguments(timeout: "300ms", command: [world.updater, "--sleep", "60"]))
        _ = world.journal.entries()
        let report = try world.report()
        #expect(report.status == 1)
        let entry = try #require(world.journal.entries().first)
        #expect(entry["MESSAGE_ID"] == ID.reportProblem)
        #expect(entry["BOOTHOLD_OUTCOME"] == "timed-out")
        #expect(entry["MESSAGE"]?.contains("timed out") == true)
    }

    @Test func notAppliedIsAWarningNotAFailure() throws {
        let world = try FinalizeHarness()
        world.stage()
        _ = try world.run(world.runArguments(command: [world.updater]))
        _ = world.journal.entries()
        let report = try world.report()
        #expect(report.status == 0)
        let entry = try #require(world.journal.entries().first)
        #expect(entry["MESSAGE_ID"] == ID.reportNotApplied)
        #expect(entry["PRIORITY"] == "4")
        #expect(entry["MESSAGE"]?.contains("is still there") == true)
    }

    /// The shipped template, its placeholder filled as the installer does, passes the host's
    /// `systemd-analyze verify` and is conditioned on exactly the files --report reads.
    @Test func reportUnitVerifiesAndMatchesTheRecords() throws {
        let world = try FinalizeHarness()
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("units/boothold-report@.service.in").path
        let template = try String(contentsOfFile: source, encoding: .utf8)
        let libexec = world.root + "/libexec"
        try FileManager.default.createDirectory(atPath: libexec + "/boothold", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: libexec + "/boothold/boothold-finalize", withDestinationPath: FinalizeHarness.executable)
        let unitDirectory = world.root + "/units"
        try FileManager.default.createDirectory(atPath: unitDirectory, withIntermediateDirectories: true)
        let filled = template.replacingOccurrences(of: "@libexecdir@", with: libexec)
        #expect(filled.range(of: "@[a-z_]+@", options: .regularExpression) == nil, "every placeholder is filled")
        try filled.write(toFile: unitDirectory + "/boothold-report@.service", atomically: true, encoding: .utf8)

        let conditions = filled.split(separator: "\n").filter { $0.hasPrefix("ConditionPathExists=") }
        #expect(conditions == ["ConditionPathExists=|/var/lib/boothold/%i/started",
                               "ConditionPathExists=|/var/lib/boothold/%i/result"])
        #expect(filled.contains("boothold-finalize --report --name %i\n"))

        let verify = Process()
        verify.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        verify.arguments = ["verify", "--man=no", unitDirectory + "/boothold-report@ostree-finalize-staged.service"]
        let pipe = Pipe()
        verify.standardOutput = pipe
        verify.standardError = pipe
        try verify.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        verify.waitUntilExit()
        #expect(verify.terminationStatus == 0, "\(output)")
    }
}
