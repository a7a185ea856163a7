import Testing

@testable import BootHoldCore

/// `bootholdctl status` verdicts, from snapshots of states a machine goes through.
@Suite struct StatusVerdictTests {
    static let name = "ostree-finalize-staged"
    static let paired = ProfileStatus.Generation.generated(
        paired: true, decision: "paired with ostree-finalize-staged-hold.service: /boot will be an automount (fstab x-systemd.automount in /etc/fstab)",
        pathLines: ["/boot: will be an automount: fstab x-systemd.automount in /etc/fstab"])
    static let plain = ProfileStatus.Generation.generated(paired: false, decision: "plain, no hold: no path will be an automount", pathLines: [])

    static func finalize(_ active: String = "active", fragment: String = "/run/systemd/generator/ostree-finalize-staged.service") -> UnitStatus {
        UnitStatus(name: name + ".service", loadState: "loaded", activeState: active, subState: active == "active" ? "exited" : "dead",
                   fragmentPath: fragment)
    }
    static func hold(_ active: String = "active", pid: Int32 = 412) -> UnitStatus {
        UnitStatus(name: name + "-hold.service", loadState: "loaded", activeState: active, subState: active == "active" ? "running" : "dead",
                   fragmentPath: "/run/systemd/generator/ostree-finalize-staged-hold.service", mainPID: active == "active" ? pid : 0)
    }
    static let heldBoot = PathStatus(path: "/boot", automount: true, mounted: "vfat",
                                     users: [PathUser(pid: 412, command: "boothold-hold", use: .openFile, unit: name + "-hold.service")])
    static let idleBoot = PathStatus(path: "/boot", automount: true, mounted: nil)

    func status(_ generation: ProfileStatus.Generation = paired, units: [UnitStatus] = [finalize(), hold()],
                staged: ProfileStatus.Presence = .staged, paths: [PathStatus] = [heldBoot], last: LastOutcome = LastOutcome(),
                locked: Bool? = false, unavailable: String? = nil) -> ProfileStatus {
        ProfileStatus(name: Self.name, stagedFile: "/run/ostree/staged-deployment", generation: generation, units: units,
                      unitsUnavailable: unavailable, staged: staged, locked: locked, paths: paths, lastOutcome: last)
    }

    @Test func stagedAndHeldIsReady() {
        let verdict = status().verdict
        #expect(verdict.line == "ready: a deployment is staged and /boot is held")
        #expect(verdict.exitStatus == 0)
    }

    @Test func nothingStagedIsIdle() {
        let verdict = status(staged: .notStaged, paths: [Self.idleBoot]).verdict
        #expect(verdict.line == "idle: nothing staged")
        #expect(verdict.exitStatus == 0)
    }

    @Test func holdKilledIsDegradedUntilItIsBack() {
        // Between SIGKILL and systemd's restart: /boot may expire, nothing pins it.
        let verdict = status(units: [Self.finalize(), Self.hold("failed")], paths: [Self.idleBoot]).verdict
        #expect(verdict.kind == .degraded)
        #expect(verdict.line == "DEGRADED: a deployment is staged, /boot is an automount and nothing holds it "
            + "(ostree-finalize-staged-hold.service is failed); at shutdown boothold-finalize mounts it itself")
        #expect(verdict.exitStatus == 1)
    }

    @Test func mountedButNotByTheHoldIsDegraded() {
        // Mounted because something else opened it a moment ago: it expires when that one lets go.
        let other = PathStatus(path: "/boot", automount: true, mounted: "vfat",
                               users: [PathUser(pid: 77, command: "rpm-ostreed", use: .workingDirectory)])
        let verdict = status(paths: [other]).verdict
        #expect(verdict.kind == .degraded)
        #expect(verdict.message.contains("ostree-finalize-staged-hold.service does not hold it"))
    }

    @Test func finalizeUnitNotActiveIsAtRisk() {
        // Its ExecStop= runs only if it is active: a stage that never started it loses the update.
        let verdict = status(units: [Self.finalize("inactive"), Self.hold()]).verdict
        #expect(verdict.kind == .atRisk)
        #expect(verdict.line.hasPrefix("AT RISK: a deployment is staged but ostree-finalize-staged.service is inactive"))
        #expect(verdict.exitStatus == 1)
    }

    @Test func unitsThatAreNotBootholdsAreAtRisk() {
        let verdict = status(units: [Self.finalize(fragment: "/etc/systemd/system/ostree-finalize-staged.service"), Self.hold()]).verdict
        #expect(verdict.kind == .atRisk)
        #expect(verdict.message.contains("is not boothold's (/etc/systemd/system/ostree-finalize-staged.service)"))
    }

    @Test func notGeneratedWithAnAutomountIsAtRisk() {
        let verdict = status(.notGenerated(reason: "Disabled by boothold= on the kernel command line, exiting."), units: [],
                             paths: [Self.idleBoot]).verdict
        #expect(verdict.kind == .atRisk)
        #expect(verdict.message == "a deployment is staged, /boot is an automount and boothold generated no units "
            + "(Disabled by boothold= on the kernel command line, exiting.)")
    }

    @Test func plainOnAnOrdinaryMountIsReady() {
        let verdict = status(Self.plain, units: [Self.finalize()], paths: [PathStatus(path: "/boot", automount: false, mounted: "ext4")]).verdict
        #expect(verdict.line == "ready: a deployment is staged and no path is an automount")
    }

    @Test func lockedIsSaidAndNotAnError() {
        let verdict = status(locked: true).verdict
        #expect(verdict.kind == .locked)
        #expect(verdict.exitStatus == 0)
    }

    @Test func systemdUnreachableIsUnknown() {
        let verdict = status(units: [], unavailable: "cannot ask systemd: connecting to the system bus: No such file or directory").verdict
        #expect(verdict.kind == .unknown)
        #expect(verdict.exitStatus == 1)
    }

    @Test func previousFailureIsSaidWhenNothingIsStaged() {
        let result = ResultRecord(name: Self.name, staged: "/run/ostree/staged-deployment", outcome: .unreachable,
                                  reason: "nothing is mounted on /boot", finishedRealtimeMicroseconds: 1, bootID: "b")
        let verdict = status(staged: .notStaged, paths: [Self.idleBoot], last: LastOutcome(result: result, reported: true)).verdict
        #expect(verdict.kind == .notAppliedLastTime)
        #expect(verdict.line.hasPrefix("not applied last time: Finalization of ostree-finalize-staged on the previous shutdown"))
        #expect(verdict.message.contains("nothing is mounted on /boot"))
        #expect(verdict.exitStatus == 0)
    }

    @Test func startedAndNeverFinishedIsSaid() {
        let started = StartedRecord(name: Self.name, staged: "/run/ostree/staged-deployment", command: ["/usr/bin/ostree"],
                                    startedRealtimeMicroseconds: 5, bootID: "b", pid: 9)
        let verdict = status(staged: .notStaged, paths: [Self.idleBoot],
                             last: LastOutcome(started: started, startedAt: "Tue 2026-12-01 08:00:00 UTC")).verdict
        #expect(verdict.kind == .notAppliedLastTime)
        #expect(verdict.message.contains("started at Tue 2026-12-01 08:00:00 UTC and never finished"))
    }

    @Test func maskedHoldIsNamedAsMasked() {
        // `systemctl mask` of the hold: PID 1 reports it masked, never started (seen in the
        // end-to-end guest): the line says masked, not merely inactive.
        let masked = UnitStatus(name: Self.name + "-hold.service", loadState: "masked", activeState: "inactive", subState: "dead",
                                fragmentPath: "")
        let verdict = status(units: [Self.finalize(), masked], paths: [Self.idleBoot]).verdict
        #expect(verdict.kind == .degraded)
        #expect(verdict.message.contains("nothing holds it (ostree-finalize-staged-hold.service is masked)"))
    }

    @Test func successThatHadToMountAPathItselfIsIdleAndSaysSo() {
        // Applied: boothold-finalize mounted /boot itself (the hold was masked). The next boot's
        // report mentions it, but nothing was lost: idle, not "not applied last time".
        let reached = [ReachedPath(path: "/boot", how: .mountedByFinalize, fileSystemType: "vfat", source: "/dev/vdb",
                                   unit: "boot.mount", options: "rw", cause: .automountRefused)]
        let result = ResultRecord(name: Self.name, staged: "/run/ostree/staged-deployment", outcome: .succeeded, exitStatus: 0,
                                  stagedAfter: false, reason: "/usr/bin/ostree exited successfully",
                                  finishedRealtimeMicroseconds: 1, bootID: "b", reached: reached)
        let verdict = status(staged: .notStaged, paths: [Self.idleBoot], last: LastOutcome(result: result, reported: true)).verdict
        #expect(verdict.kind == .idle)
        #expect(verdict.line == "idle: nothing staged; at the last finalization /boot was mounted by boothold-finalize "
            + "(systemd had refused the automount)")
        #expect(verdict.exitStatus == 0)
    }

    @Test func failureThatHadToMountAPathItselfIsStillNotApplied() {
        let reached = [ReachedPath(path: "/boot", how: .mountedByFinalize, cause: .notMounted)]
        let result = ResultRecord(name: Self.name, staged: "/run/ostree/staged-deployment", outcome: .failed, exitStatus: 1,
                                  reason: "exited with status 1", finishedRealtimeMicroseconds: 1, bootID: "b", reached: reached)
        let verdict = status(staged: .notStaged, paths: [Self.idleBoot], last: LastOutcome(result: result)).verdict
        #expect(verdict.kind == .notAppliedLastTime)
        #expect(verdict.message.contains("failed: exited with status 1"))
    }

    @Test func theReportUnitIsBootholdsOwn() {
        // boothold-report@.service is the template boothold ships in the unit directory, not a
        // generated unit; the text must not call it foreign (it did in the end-to-end guest).
        let report = UnitStatus(name: "boothold-report@" + Self.name + ".service", loadState: "loaded", activeState: "inactive",
                                subState: "dead", fragmentPath: "/lib/systemd/system/boothold-report@.service")
        let foreign = Self.finalize(fragment: "/etc/systemd/system/ostree-finalize-staged.service")
        let text = StatusReport(profiles: [status(units: [foreign, Self.hold(), report])], time: { _ in "T" }).text
        #expect(text.contains("  from /lib/systemd/system/boothold-report@.service\n"), "\(text)")
        #expect(text.contains("  from /etc/systemd/system/ostree-finalize-staged.service (not boothold's)\n"), "\(text)")
    }

    @Test func jsonIsStableAndCarriesTheVerdict() {
        let report = StatusReport(profiles: [status()], time: { _ in "T" })
        #expect(report.exitStatus == 0)
        #expect(report.json.hasPrefix(#"{"profiles":[{"name":"ostree-finalize-staged","verdict":"ready","message":"a deployment is staged and /boot is held","generator":{"generated":true,"paired":true,"#))
        #expect(report.json.contains(#""paths":[{"path":"/boot","automount":true,"mounted":"vfat","unreadable":null,"users":[{"pid":412,"command":"boothold-hold","use":"open-file","unit":"ostree-finalize-staged-hold.service"}]}]"#))
        #expect(report.json.hasSuffix("\"exit_status\":0}\n"))
        #expect(JSONValue.string("a\"b\\c\n\u{1}").rendered == #""a\"b\\c\n\u0001""#)
    }

    @Test func textNamesEveryPart() {
        let text = StatusReport(profiles: [status()], time: { _ in "T" }).text
        #expect(text.hasPrefix("ostree-finalize-staged: ready: a deployment is staged and /boot is held\n"))
        for part in ["  generated:  paired with", "  units:      ostree-finalize-staged.service: active (exited)",
                     "ostree-finalize-staged-hold.service: active (running), PID 412",
                     "  staged:     yes (/run/ostree/staged-deployment), not locked",
                     "  paths:      /boot: automount, mounted (vfat); busy: boothold-hold[412] (ostree-finalize-staged-hold.service) open file",
                     "  last:       no finalization recorded"] {
            #expect(text.contains(part), "\(part)\n\(text)")
        }
    }
}
