@testable import BootHoldCore
import Testing

// The contract between the generator and its helpers: the unit names, the shutdown timing
// budget, and the command lines the generator writes and the helpers read.

@Test func aProfilesUnitNamesAreSpelledOnce() {
    let names = ProfileUnitNames(profile: "ostree-finalize-staged")
    #expect(names.finalize == "ostree-finalize-staged.service")
    #expect(names.hold == "ostree-finalize-staged-hold.service")
    #expect(names.path == "ostree-finalize-staged.path")
    #expect(names.pathLink == ("paths.target.wants/ostree-finalize-staged.path", "../ostree-finalize-staged.path"))
    #expect(names.report == "boothold-report@ostree-finalize-staged.service")
    #expect(names.reportLinkPath == "multi-user.target.wants/boothold-report@ostree-finalize-staged.service")
    #expect(names.services == [names.finalize, names.hold])
    // The longest of them is the report unit: what the name validation allows for.
    for unit in [names.finalize, names.hold, names.path, names.report] {
        #expect(unit.utf8.count <= names.profile.utf8.count + ProfileUnitNames.longestDecoration, "\(unit)")
    }
    #expect(names.report.utf8.count == names.profile.utf8.count + ProfileUnitNames.longestDecoration)
}

/// After the deadline, boothold-finalize sends SIGTERM, waits the kill grace, then SIGKILL:
/// all of that must end before systemd's stop timeout, whose signal would end
/// boothold-finalize too and lose the record.
@Test(arguments: [1, 2, 3, 7, 10, 19, 20, 21, 25, 30, 60, 90, 290, 300, 3600] as [UInt64])
func theKillGraceFitsInTheMarginBeforeSystemdsStopTimeout(_ seconds: UInt64) {
    for stopTimeout in [TimeSpan.seconds(seconds), TimeSpan(microseconds: seconds * 1_000_000 + 1)] {
        let budget = ShutdownBudget(stopTimeout: stopTimeout)
        #expect(budget.commandDeadline < stopTimeout)
        #expect(budget.killGrace < budget.margin, "\(stopTimeout): grace \(budget.killGrace), margin \(budget.margin)")
        #expect(budget.commandDeadline.microseconds + budget.margin.microseconds == stopTimeout.microseconds)
        // boothold-finalize computes the grace from its --timeout alone: the same value.
        #expect(ShutdownBudget.killGrace(commandDeadline: budget.commandDeadline) == budget.killGrace)
    }
    // Control: a grace of the whole deadline would not fit under 20 s.
    let short = ShutdownBudget(stopTimeout: .seconds(4))
    #expect(!(short.commandDeadline < short.margin))
}

@Test func noStopTimeoutMeansNoDeadlineAndTheDefaultGrace() {
    let budget = ShutdownBudget(stopTimeout: .infinity)
    #expect(budget.commandDeadline == .infinity)
    #expect(budget.killGrace == .seconds(5))
}

/// What ProfileUnits writes into ExecStop= is what boothold-finalize reads back.
@Test(arguments: [
    RunRequest(name: "ostree-finalize-staged", staged: "/run/ostree/staged-deployment", required: ["/sysroot", "/boot"],
               lock: nil, timeout: .seconds(290), command: ["/usr/bin/ostree", "admin", "finalize-staged"]),
    RunRequest(name: "p", staged: "/s", stagedKept: true, required: [], lock: "/run/lock %file",
               timeout: .infinity, stateDirectory: "/var/lib/x", command: ["/c", "--", "-x", "--timeout", "a=b"]),
    RunRequest(name: "q", staged: "/s t", required: ["/mnt/with space", "/-odd"], lock: nil,
               timeout: TimeSpan(microseconds: 9_500_000), command: ["/opt/my tool/fin%alize"]),
])
func finalizeArgumentsRoundTrip(_ request: RunRequest) throws {
    #expect(try FinalizeInvocation(parsing: request.arguments) == .run(request), "\(request.arguments)")
}

@Test func reportArgumentsRoundTrip() throws {
    for request in [ReportRequest(name: "ostree-finalize-staged"), ReportRequest(name: "p", stateDirectory: "/x")] {
        #expect(try FinalizeInvocation(parsing: request.arguments) == .report(request))
    }
}

/// What ProfileUnits writes into the hold unit's ExecStart=/ExecStopPost= is what
/// boothold-hold reads back.
@Test(arguments: [
    HoldCommand.hold(HoldRequest(paths: ["/sysroot", "/boot"], releaseWhenGone: "/run/ostree/staged-deployment",
                                 finalizeUnit: "ostree-finalize-staged.service")),
    .afterStop(HoldRequest(paths: ["/boot"], releaseWhenGone: "/run/ostree/staged-deployment", finalizeUnit: "x.service")),
    .hold(HoldRequest(paths: ["/boot", "/-odd", "/mnt/with space"])),
    .hold(HoldRequest(paths: ["/boot", "/boot/efi"], releaseWhenGone: "/run/ostree/staged-deployment", finalizeUnit: "x.service", fromStart: true)),
    .afterStop(HoldRequest(paths: ["/boot/efi"], releaseWhenGone: "/run/ostree/staged-deployment", fromStart: true)),
    .afterStop(HoldRequest(paths: ["/efi"], finalizeUnit: "a-hold.service")),
    .help, .version,
])
func holdArgumentsRoundTrip(_ command: HoldCommand) throws {
    #expect(try HoldCommand.parse(command.arguments) == command, "\(command.arguments)")
}

/// The planned units use exactly these renderings: the argv of ExecStop= and ExecStart= is
/// the helper's program followed by the request's arguments.
@Test func theGeneratedCommandLinesAreTheRequestsRendered() throws {
    let output = Machine().fstabLine("UUID=1 /boot vfat x-systemd.automount").plan()
    let finalize = try #require(output.file("ostree-finalize-staged.service"))
    let hold = try #require(output.file("ostree-finalize-staged-hold.service"))
    let stop = try SystemdReading.command(try #require(SystemdReading.value(of: "ExecStop", in: finalize)))
    #expect(stop.argv.first == "/usr/libexec/boothold/boothold-finalize")
    guard case .run(let run) = try FinalizeInvocation(parsing: Array(stop.argv.dropFirst())) else {
        Issue.record("ExecStop= is not a run: \(stop.argv)")
        return
    }
    #expect(run.name == "ostree-finalize-staged")
    let stopTimeout = try #require(SystemdReading.value(of: "TimeoutStopSec", in: finalize).flatMap { TimeSpan(parsing: $0) })
    #expect(run.timeout == ShutdownBudget(stopTimeout: stopTimeout).commandDeadline)
    let start = try SystemdReading.command(try #require(SystemdReading.value(of: "ExecStart", in: hold)))
    let command = try HoldCommand.parse(Array(start.argv.dropFirst()))
    guard case .hold(let request) = command else {
        Issue.record("ExecStart= is not a hold: \(start.argv)")
        return
    }
    #expect(request.finalizeUnit == ProfileUnitNames(profile: run.name).finalize)
    #expect(request.releaseWhenGone == run.staged)
    let post = try SystemdReading.command(try #require(SystemdReading.value(of: "ExecStopPost", in: hold)))
    #expect(try HoldCommand.parse(Array(post.argv.dropFirst())) == .afterStop(request))
}
