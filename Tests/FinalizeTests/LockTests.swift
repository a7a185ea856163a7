import Foundation
import Glibc
import Testing

@Suite("boothold-finalize --lock")
struct LockTests {
    /// The lock holder is boothold-finalize itself (the same OFD lock), running a fake
    /// updater in a second world.
    @Test func waitsForTheLockThenRuns() throws {
        let holder = try FinalizeHarness()
        let world = try FinalizeHarness()
        holder.stage()
        world.stage()
        let lock = world.root + "/lock"
        let release = holder.root + "/holding"
        let holding = try holder.start(holder.runArguments(
            extra: ["--lock", lock], command: [holder.updater, "--write", release, "--sleep", "1"]))
        #expect(holder.waitFor(release))

        let run = try world.run(world.runArguments(extra: ["--lock", lock], command: [world.updater, "--write", world.marker]))
        let held = try holding.finish()
        #expect(held.status == 0)
        #expect(run.status == 0, "\(run.output)")
        #expect(world.exists(world.marker))
        // It ran only after the holder's command had ended: its started record is later.
        let heldUntil = UInt64(holder.record("result")?["FINISHED_REALTIME_USEC"] ?? "") ?? .max
        let startedAt = UInt64(world.record("started")?["STARTED_REALTIME_USEC"] ?? "") ?? 0
        #expect(startedAt >= heldUntil)
    }

    @Test func givesUpAtTheDeadlineAndRecordsIt() throws {
        let holder = try FinalizeHarness()
        let world = try FinalizeHarness()
        holder.stage()
        world.stage()
        let lock = world.root + "/lock"
        let release = holder.root + "/holding"
        let termReport = holder.root + "/term"
        let holding = try holder.start(holder.runArguments(
            extra: ["--lock", lock], command: [holder.updater, "--write", release, "--report-term", termReport, "--sleep", "60"]))
        #expect(holder.waitFor(release))

        let run = try world.run(world.runArguments(timeout: "700ms", extra: ["--lock", lock], command: [world.updater, "--write", world.marker]))
        kill(holding.pid, SIGTERM)
        _ = try holding.finish()

        #expect(run.status == 123, "\(run.output)")
        #expect(!world.exists(world.marker), "the command did not run")
        #expect(world.record("started") == nil)
        let result = try #require(world.record("result"))
        #expect(result["OUTCOME"] == "locked")
        #expect(result["REASON"]?.contains("still locked") == true)
        let entry = try #require(world.journal.entries().last)
        #expect(entry["MESSAGE_ID"] == ID.locked)
        #expect(entry["BOOTHOLD_LOCK"] == lock)
    }

    @Test func sigtermWhileWaitingForTheLockStopsWaiting() throws {
        let holder = try FinalizeHarness()
        let world = try FinalizeHarness()
        holder.stage()
        world.stage()
        let lock = world.root + "/lock"
        let release = holder.root + "/holding"
        let termReport = holder.root + "/term"
        let holding = try holder.start(holder.runArguments(
            extra: ["--lock", lock], command: [holder.updater, "--write", release, "--report-term", termReport, "--sleep", "60"]))
        #expect(holder.waitFor(release))

        let waiting = try world.start(world.runArguments(timeout: "60s", extra: ["--lock", lock], command: [world.updater, "--write", world.marker]))
        // SIGTERM only once the waiter is really blocked on the lock (a "->" line in /proc/locks).
        #expect(waitForBlockedLocker(on: lock))
        kill(waiting.pid, SIGTERM)
        let run = try waiting.finish()
        kill(holding.pid, SIGTERM)
        _ = try holding.finish()

        #expect(!run.killedBySignal)
        #expect(run.status == 123, "\(run.output)")
        #expect(!world.exists(world.marker))
        #expect(world.record("result")?["REASON"]?.contains("SIGTERM") == true)
    }
}

/// Waits (bounded) until /proc/locks lists a process blocked on `path`'s inode.
func waitForBlockedLocker(on path: String, seconds: Double = 20) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else { return false }
    let inode = ":\(info.st_ino) "
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        let locks = (try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? ""
        if locks.split(separator: "\n").contains(where: { $0.contains("->") && $0.contains(inode) }) { return true }
        usleep(10_000)
    }
    return false
}
