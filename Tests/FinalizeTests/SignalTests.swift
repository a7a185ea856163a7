import Foundation
import Testing

@Suite("boothold-finalize and signals")
struct SignalTests {
    @Test func sigtermIsForwardedToTheCommand() throws {
        let world = try FinalizeHarness()
        world.stage()
        let termReport = world.root + "/term"
        let running = try world.start(world.runArguments(
            command: [world.updater, "--write", world.marker, "--report-term", termReport, "--sleep", "60"]))
        #expect(world.waitFor(world.marker))
        kill(running.pid, SIGTERM)
        let run = try running.finish()
        #expect(!run.killedBySignal, "boothold-finalize itself survives SIGTERM")
        #expect(run.status == 143, "\(run.output)")
        #expect(world.exists(termReport), "the command received SIGTERM")
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "failed")
        #expect(result["EXIT_STATUS"] == "143")
        #expect(run.output.contains("received SIGTERM, forwarding it"))
    }

    @Test func recordsSurviveSIGKILLAndReportSaysNeverFinished() throws {
        let world = try FinalizeHarness()
        world.stage()
        let running = try world.start(world.runArguments(command: [world.updater, "--write", world.marker, "--sleep", "60"]))
        #expect(world.waitFor(world.marker))
        kill(running.pid, SIGKILL)
        // The orphaned command would otherwise sleep on.
        if let pid = Int32((try? String(contentsOfFile: world.marker, encoding: .utf8))?.split(separator: "\n").first ?? "") {
            kill(pid, SIGKILL)
        }
        let killed = try running.finish()
        #expect(killed.killedBySignal)
        #expect(world.record("started") != nil)
        #expect(world.record("result") == nil)
        _ = world.journal.entries()

        let report = try world.report()
        #expect(report.status == 1, "\(report.output)")
        let entries = world.journal.entries()
        #expect(entries.count == 1)
        let entry = try #require(entries.first)
        #expect(entry["MESSAGE_ID"] == ID.reportNeverFinished)
        #expect(entry["MESSAGE"]?.contains("started at ") == true)
        #expect(entry["MESSAGE"]?.contains("and never finished") == true)
        #expect(entry["PRIORITY"] == "3")

        let again = try world.report()
        #expect(again.status == 0)
        #expect(again.output.isEmpty, "\(again.output)")
        #expect(world.journal.entries().isEmpty, "reported once only")
        #expect(world.exists(world.stateDirectory + "/test-profile/reported/started"))
    }
}
