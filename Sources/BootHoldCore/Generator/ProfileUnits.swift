/// The units of one profile (DESIGN.md "Generated units"), built from typed values.
struct ProfileUnits {
    var profile: StagedProfile
    var decision: ProfileDecision
    /// Directory of boothold-hold and boothold-finalize, without a trailing slash.
    var libexecDirectory: String
    /// Where the shipped `boothold-report@.service` is, if anywhere (the report link's target).
    var reportTemplate: String? = nil

    var names: ProfileUnitNames { ProfileUnitNames(profile: profile.name) }
    var finalizeName: String { names.finalize }
    var holdName: String { names.hold }
    var pathName: String { names.path }
    var startTimerName: String { names.startTimer }

    /// The comment lines every file of the profile starts with: one per path, then the decision,
    /// then what the drop-ins attached to the units do.
    private var header: [String] {
        decision.paths.map { $0.summary } + ["Decision: " + Display.escaped(decision.summary)]
            + (decision.triggerReason.map { ["Trigger=auto: " + Display.escaped($0)] } ?? [])
            + decision.dropInNotes.map { "Drop-in: " + Display.escaped($0) }
            + (decision.heldFromStartReason.map { ["Held from the start until stopped: " + Display.escaped($0)] } ?? [])
    }

    /// `[Unit]` lines every unit of the profile shares.
    private func commonUnitLines(description: String) -> [UnitLine] {
        var lines: [UnitLine] = [
            .setting("Description", .text(description)),
            .setting("Documentation", .word("man:boothold-generator(8)")),
        ]
        if let source = profile.sources.first { lines.append(.setting("SourcePath", .path(source))) }
        if let condition = profile.condition { lines.append(.setting("ConditionPathExists", .path(condition.value))) }
        if let condition = profile.kernelCommandLine {
            lines.append(.setting("ConditionKernelCommandLine", .text(condition.value)))
        }
        return lines
    }

    var isPaired: Bool { decision.decision == .paired }
    /// Trigger= as resolved for this machine (`Trigger=auto` decided by the planner).
    var writesPathUnit: Bool { decision.trigger == .pathUnit }

    /// The hold's start limit (see holdUnit) and start timeout.
    static let holdStartLimitInterval = TimeSpan.seconds(60)
    static let holdStartLimitBurst = 5
    static let holdStartTimeout = TimeSpan.seconds(30)
    /// The hold's stop timeout: it is stopped after the finalize unit, and a healthy hold
    /// exits at once on SIGTERM; one still waiting in open() on an automount nobody answers
    /// can only be killed, and systemd's 90 s default would hold up the shutdown that long.
    static let holdStopTimeout = TimeSpan.seconds(10)

    /// Every unit file of the profile, in the order they are listed.
    var files: [GeneratedFile] {
        var files = [GeneratedFile(relativePath: finalizeName, contents: finalizeUnit().render())]
        if isPaired { files.append(GeneratedFile(relativePath: holdName, contents: holdUnit().render())) }
        if writesPathUnit { files.append(GeneratedFile(relativePath: pathName, contents: pathUnit().render())) }
        if startsAtBoot { files.append(GeneratedFile(relativePath: startTimerName, contents: startTimerUnit().render())) }
        return files
    }

    /// `paths.target.wants/NAME.path` when a path unit is written (`Trigger=path`, or `auto`
    /// resolved to one) (relative, as systemd's generators
    /// link). Not `multi-user.target.wants/`, where ostree's unit used to be installed: Debian's
    /// ostree-system-generator (2022.7) links its own `ostree-finalize-staged.path` there in the
    /// same output directory, does not tolerate an existing link and then exits before it writes
    /// `var.mount`, so a boot would lose the stateroot's /var. paths.target is where path units
    /// belong (systemd.special(7)); basic.target pulls it in on every normal boot.
    ///
    /// Paired with a path unit, the finalize unit is also started once at every boot, by
    /// `NAME-start.timer` (`timers.target.wants/`), so that it is already active when the
    /// staged file appears: a reboot a moment later would otherwise cancel the path unit's start
    /// job (which waits for the hold, and the hold for the mount of /boot), and no `ExecStop=`
    /// would run at all. Not from `basic.target.wants/`: the unit keeps ostree's
    /// `Before=basic.target`, and ostree-boot 2022.7's `ostree-boot-complete.service` runs
    /// after basic.target and `Before=` it, so in the boot transaction the three make an
    /// ordering cycle, which systemd breaks by deleting one of the jobs (seen on the ostree
    /// guest: this unit's). The timer is ordered after basic.target and starts the unit in a
    /// transaction of its own, where basic.target has no job left to order against.
    ///
    /// Then `multi-user.target.wants/boothold-report@NAME.service`, when the template was found:
    /// systemd.generator(7) hooks up shipped (template) units with links, not copies.
    var startsAtBoot: Bool { isPaired && writesPathUnit }

    var links: [GeneratedLink] {
        var links: [GeneratedLink] = []
        if writesPathUnit { links.append(GeneratedLink(relativePath: names.pathLink.relativePath, target: names.pathLink.target)) }
        if startsAtBoot {
            links.append(GeneratedLink(relativePath: names.startTimerLink.relativePath, target: names.startTimerLink.target))
        }
        if let reportTemplate { links.append(GeneratedLink(relativePath: names.reportLinkPath, target: reportTemplate)) }
        return links
    }

    func finalizeUnit() -> UnitFile {
        var unit = commonUnitLines(description: profile.description)
        unit += [
            // ostree 2026.4's placement (reference/ostree-finalize.md §1.1): very early at
            // start, so it is stopped very late, after nearly everything that writes /etc.
            .setting("DefaultDependencies", .boolean(false)),
            mountDependency,
            .setting("After", .unitNames(["local-fs.target"])),
            .setting("Before", .unitNames(["basic.target", "final.target"])),
            // Stops before journald leaves /var, so the outcome reaches the persistent journal.
            .setting("After", .unitNames(["systemd-journal-flush.service"])),
            .setting("Conflicts", .unitNames(["final.target"])),
        ]
        if isPaired {
            // Started together; stopped in reverse, so the hold outlives the finalization.
            unit += [
                .setting("Wants", .unitNames([holdName])),
                .setting("After", .unitNames([holdName])),
                .comment("While this unit is active, systemd starts the hold again whenever it is not"),
                .comment("running: killed, crashed, failed at start or stopped (systemd >= 249)."),
                .setting("Upholds", .unitNames([holdName])),
            ]
        }
        let service: [UnitLine] = [
            .setting("Type", .word("oneshot")),
            .setting("RemainAfterExit", .boolean(true)),
            .setting("TimeoutStopSec", .timeSpan(profile.timeout)),
            .comment("ostree's sandboxing, kept: finalization must not write the running /etc"),
            .comment("(/etc is not added to RequiresMountsFor=: only Paths= entries are)."),
            .setting("ProtectHome", .boolean(true)),
            .setting("ReadOnlyPaths", .pathList(["/etc"])),
            .setting("ExecStop", .command([libexecDirectory + "/boothold-finalize"] + finalizeRequest.arguments)),
        ]
        return UnitFile(header: header, sections: [UnitSection("Unit", unit), UnitSection("Service", service)])
    }

    /// What the finalize unit's `ExecStop=` asks boothold-finalize to do.
    var finalizeRequest: RunRequest {
        RunRequest(
            name: profile.name, staged: profile.staged, stagedKept: profile.stagedAfterFinalization == .kept,
            required: profile.paths, lock: profile.lockFile,
            timeout: ShutdownBudget(stopTimeout: profile.timeout).commandDeadline, command: profile.finalize)
    }

    /// What the hold unit's `ExecStart=` (and, with `--after-stop`, `ExecStopPost=`) asks
    /// boothold-hold to do: hold the paths while the staged file exists, and not let go while
    /// the finalize unit it is paired with runs.
    var holdRequest: HoldRequest {
        HoldRequest(
            paths: decision.heldPaths, releaseWhenGone: profile.staged, finalizeUnit: names.finalize,
            fromStart: decision.heldFromStartReason != nil)
    }

    func holdUnit() -> UnitFile {
        var unit = commonUnitLines(description: "Hold mount points for " + profile.description)
        unit += [
            .setting("DefaultDependencies", .boolean(false)),
            mountDependency,
            .setting("After", .unitNames(["local-fs.target"])),
            .setting("Before", .unitNames(["basic.target", "final.target"])),
            // Stopped at shutdown in the finalize unit's transaction: after it (the finalize
            // unit is ordered after the hold), before the mounts (ordered after them).
            .setting("Conflicts", .unitNames(["final.target"])),
            // Upholds= restarts the hold without delay; systemd's default window (10 s) would
            // not catch a hold that dies a few seconds after each start. A healthy hold starts
            // once per boot, and once more after each kill.
            .comment("Restarted at once whenever it stops while \(finalizeName) is active:"),
            .comment("a hold that keeps failing is given up after 5 starts within a minute."),
            .setting("StartLimitIntervalSec", .timeSpan(Self.holdStartLimitInterval)),
            .setting("StartLimitBurst", .word(String(Self.holdStartLimitBurst))),
        ]
        let hold = libexecDirectory + "/boothold-hold"
        let service: [UnitLine] = [
            .comment("notify: ready once every path is open and mounted (with nothing staged yet:"),
            .comment("once it watches for the staged file), so the finalize unit ordered after it"),
            .comment("never starts while a staged deployment's /boot can still expire."),
            .setting("Type", .word("notify")),
            .setting("NotifyAccess", .word("main")),
            .comment("ostree >= 2025.2 waits for this start in 'ostree admin deploy --stage':"),
            .comment("well under systemd's 90 s default, even when the start has to mount /boot."),
            .setting("TimeoutStartSec", .timeSpan(Self.holdStartTimeout)),
            .comment("Stopped after the finalization; a hold still waiting in open() on an automount"),
            .comment("nobody answers ignores SIGTERM, and is killed after this."),
            .setting("TimeoutStopSec", .timeSpan(Self.holdStopTimeout)),
            .comment("'+': no sandboxing and no private mount namespace; autofs only counts"),
            .comment("openers in the root namespace as busy (https://github.com/ostreedev/ostree/issues/2543)."),
            .setting("ExecStart", .command([hold] + HoldCommand.hold(holdRequest).arguments, prefix: "+")),
            .comment("Says in the journal when the hold stopped while a deployment is staged, and why."),
            .setting("ExecStopPost", .command([hold] + HoldCommand.afterStop(holdRequest).arguments, prefix: "+")),
        ]
        return UnitFile(header: header, sections: [UnitSection("Unit", unit), UnitSection("Service", service)])
    }

    /// How the units depend on the mount points. Plain: ostree's `RequiresMountsFor=`.
    /// Paired: ordering only (`After=` every mount unit at or above each path).
    /// `RequiresMountsFor=` starts `boot.mount` directly, bypassing autofs, and the kernel's
    /// idle clock is not reset by such a mount: on a loaded machine `/boot` expired between
    /// that mount and the hold's open(), the expiry cancelled the finalize unit's start (it
    /// required `boot.mount`), and the hold, blocked in open() on the expiring autofs, could
    /// not even be killed — #2543 again. Without the requirement the hold's own open()
    /// triggers the automount and pins the fresh mount in one step, and the finalize unit
    /// starts once the hold is ready. The ordering keeps the stop order: finalize, then the
    /// hold, then the mounts. boothold-finalize checks every path again at shutdown.
    private var mountDependency: UnitLine {
        guard isPaired else { return .setting("RequiresMountsFor", .pathList(profile.paths)) }
        var mountUnits: [String] = []
        for path in decision.heldPaths {
            for point in [path] + MountPath.ancestors(of: path) {
                guard let name = UnitName.fromPath(point, suffix: ".mount"), !mountUnits.contains(name) else { continue }
                mountUnits.append(name)
            }
        }
        return .setting("After", .unitNames(mountUnits))
    }

    /// Starts the finalize unit once per boot, after basic.target (see `startsAtBoot`).
    /// `OnStartupSec=0` is in the past when the timer starts, so it elapses at once, and
    /// unlike `OnActiveSec=` it does not elapse again at a daemon-reload.
    ///
    /// The timer is never stopped: a timer is implicitly `Before=` the unit it starts, which
    /// is `Before=basic.target`, and the timer is `After=` it; three stop jobs in one
    /// transaction (the shutdown's, an isolate's) would make an ordering cycle, which systemd
    /// breaks by deleting one of them (seen on the stand-in guest with
    /// `Conflicts=shutdown.target`). So no `Conflicts=shutdown.target` and
    /// `IgnoreOnIsolate=yes`: an elapsed timer holds nothing and runs nothing.
    func startTimerUnit() -> UnitFile {
        var unit = commonUnitLines(description: "Start at boot: " + profile.description)
        unit += [
            .setting("DefaultDependencies", .boolean(false)),
            .comment("After basic.target: the start of \(finalizeName) is then a transaction of its own,"),
            .comment("with no job of basic.target's to order against (see boothold-generator(8))."),
            .setting("After", .unitNames(["basic.target"])),
            .comment("Never stopped (no Conflicts=shutdown.target): it is Before= the unit it starts, which"),
            .comment("is Before=basic.target, so a stop job beside theirs would be an ordering cycle."),
            .setting("IgnoreOnIsolate", .boolean(true)),
        ]
        let timer: [UnitLine] = [
            .setting("OnStartupSec", .word("0")),
            .setting("Unit", .unitNames([finalizeName])),
        ]
        return UnitFile(header: header, sections: [UnitSection("Unit", unit), UnitSection("Timer", timer)])
    }

    func pathUnit() -> UnitFile {
        let unit = commonUnitLines(description: "Watch for a staged deployment: " + profile.description)
        // Unit= defaults to NAME.service.
        let path: [UnitLine] = [.setting("PathExists", .path(profile.staged))]
        return UnitFile(header: header, sections: [UnitSection("Unit", unit), UnitSection("Path", path)])
    }
}
