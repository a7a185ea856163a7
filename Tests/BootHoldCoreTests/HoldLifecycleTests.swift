import Testing

@testable import BootHoldCore

/// The hold's decisions, event by event: it pins exactly while the staged file exists.
struct HoldLifecycleTests {
    static let staged = "/run/ostree/staged-deployment"
    static let request = HoldRequest(paths: ["/sysroot", "/boot"], releaseWhenGone: staged)
    static let mounts = [HeldMount(path: "/sysroot", fileSystemType: "xfs"), HeldMount(path: "/boot", fileSystemType: "vfat")]
    static let sigterm = HoldSignal(.terminate, name: "SIGTERM", senderPID: 1)

    /// The actions without the log lines, which the tests check separately.
    private func effects(_ actions: [HoldLifecycle.Action]) -> [HoldLifecycle.Action] {
        actions.filter { if case .log = $0 { false } else { true } }
    }

    private func logs(_ actions: [HoldLifecycle.Action]) -> [(LogLevel, String)] {
        actions.compactMap { if case .log(let level, let message) = $0 { (level, message) } else { nil } }
    }

    @Test func nothingStagedAtStartIsReadyAtOnceHoldingNothing() {
        var hold = HoldLifecycle(request: Self.request)
        let actions = hold.handle(.started(stagedFileExists: false))
        #expect(effects(actions) == [.notify(["READY=1", "STATUS=Watching /run/ostree/staged-deployment: nothing staged, holding nothing"])])
        #expect(hold.phase == .watching)
    }

    @Test func stagedAtStartPinsBeforeReady() {
        var hold = HoldLifecycle(request: Self.request)
        #expect(effects(hold.handle(.started(stagedFileExists: true))) == [.pin])
        #expect(hold.phase == .pinning(.start))
        #expect(effects(hold.handle(.pinned(Self.mounts))) == [.notify(["READY=1", "STATUS=Holding /sysroot (xfs), /boot (vfat)"])])
        #expect(hold.phase == .holding(Self.mounts))
    }

    @Test func withoutAStagedFileItPinsAtStartAndHoldsUntilStopped() {
        var hold = HoldLifecycle(request: HoldRequest(paths: ["/boot"]))
        #expect(effects(hold.handle(.started(stagedFileExists: nil))) == [.pin])
        let boot = [HeldMount(path: "/boot", fileSystemType: "vfat")]
        let ready = hold.handle(.pinned(boot))
        #expect(effects(ready) == [.notify(["READY=1", "STATUS=Holding /boot (vfat)"])])
        #expect(logs(ready).map(\.1) == ["Holding /boot (vfat) until stopped"])
        #expect(effects(hold.handle(.signal(HoldSignal(.hangUp, name: "SIGHUP")))) == [])
        #expect(effects(hold.handle(.signal(Self.sigterm))) == [.notify(["STOPPING=1", "STATUS=Releasing /boot"]), .release, .exit(.released)])
    }

    /// `--from-start` (a drop-in makes the finalize unit require an automount, or adds a command
    /// after boothold-finalize): pinned before READY whatever the staged file says, and held
    /// until stopped; the file is not watched.
    @Test func fromStartPinsBeforeReadyAndHoldsUntilStopped() {
        var request = Self.request
        request.fromStart = true
        var hold = HoldLifecycle(request: request)
        let start = hold.handle(.started(stagedFileExists: nil))
        #expect(effects(start) == [.pin])
        #expect(logs(start).map(\.1) == ["Holding /sysroot, /boot from the start until stopped (--from-start)"])
        #expect(hold.phase == .pinning(.fromStart))
        #expect(effects(hold.handle(.pinned(Self.mounts)))
            == [.stopWatching, .notify(["READY=1", "STATUS=Holding /sysroot (xfs), /boot (vfat) until stopped"])])
        #expect(hold.phase == .holdingUntilStopped(Self.mounts))
        #expect(hold.handle(.stagedFileAppeared).isEmpty)
        #expect(hold.handle(.stagedFileGone(keepHolding: nil)).isEmpty)
        #expect(effects(hold.handle(.signal(Self.sigterm)))
            == [.notify(["STOPPING=1", "STATUS=Releasing /sysroot, /boot"]), .release, .exit(.released)])
    }

    @Test func fromStartThatCannotPinSaysNothingOfTheStagedFile() {
        var request = Self.request
        request.fromStart = true
        var hold = HoldLifecycle(request: request)
        _ = hold.handle(.started(stagedFileExists: nil))
        let failed = hold.handle(.pinFailed("Cannot hold /boot: No such file or directory"))
        #expect(effects(failed) == [.exit(.pathNotHeld)])
        #expect(logs(failed).map(\.1) == ["Cannot hold /boot: No such file or directory; holding nothing"])
    }

    /// The whole cycle: staged, unstaged (released, still running), staged again (pinned again).
    @Test func releaseOnGoneKeepsWatchingAndAReStagePinsAgain() {
        var hold = HoldLifecycle(request: Self.request)
        _ = hold.handle(.started(stagedFileExists: false))

        #expect(effects(hold.handle(.stagedFileAppeared)) == [.pin])
        #expect(effects(hold.handle(.pinned(Self.mounts))) == [.notify(["STATUS=Holding /sysroot (xfs), /boot (vfat)"])])

        let gone = hold.handle(.stagedFileGone(keepHolding: nil))
        #expect(effects(gone) == [.release, .notify(["STATUS=Released /sysroot, /boot: deployment unstaged; watching for a new one"])])
        #expect(logs(gone).map(\.1) == ["\(Self.staged) is gone: deployment unstaged, releasing /sysroot, /boot; watching for a new one"])
        #expect(hold.phase == .watching)

        let again = hold.handle(.stagedFileAppeared)
        #expect(effects(again) == [.pin])
        #expect(logs(again).map(\.1) == ["\(Self.staged) appeared: a deployment is staged, holding /sysroot, /boot"])
        _ = hold.handle(.pinned(Self.mounts))
        #expect(hold.phase == .holding(Self.mounts))
    }

    /// ostree unlinks the staged file before it writes /boot: while the finalize unit runs its
    /// ExecStop=, the file going away keeps the paths held until the hold is stopped.
    @Test func goneWhileFinalizingKeepsHoldingUntilStopped() {
        var hold = HoldLifecycle(request: Self.request)
        _ = hold.handle(.started(stagedFileExists: true))
        _ = hold.handle(.pinned(Self.mounts))
        let gone = hold.handle(.stagedFileGone(keepHolding: "x.service is finalizing (which removes it)"))
        #expect(effects(gone) == [.stopWatching, .notify(["STATUS=Holding /sysroot (xfs), /boot (vfat) until stopped: x.service is finalizing (which removes it)"])])
        #expect(logs(gone).first?.0 == .notice)
        #expect(logs(gone).first?.1.hasPrefix("\(Self.staged) is gone while x.service is finalizing") == true)
        #expect(hold.phase == .holdingUntilStopped(Self.mounts))
        #expect(hold.handle(.stagedFileAppeared) == [])
        #expect(effects(hold.handle(.signal(Self.sigterm))) == [.notify(["STOPPING=1", "STATUS=Releasing /sysroot, /boot"]), .release, .exit(.released)])
    }

    enum PinMoment: String, CaseIterable { case atStart, whenStaged }

    /// A failure to pin while staged ends the hold with the cause: systemd starts it again.
    @Test(arguments: PinMoment.allCases)
    func aFailureToPinWhileStagedExitsNonZero(_ moment: PinMoment) {
        var hold = HoldLifecycle(request: Self.request)
        if moment == .atStart {
            _ = hold.handle(.started(stagedFileExists: true))
        } else {
            _ = hold.handle(.started(stagedFileExists: false))
            _ = hold.handle(.stagedFileAppeared)
        }
        let failed = hold.handle(.pinFailed("Cannot hold /boot: Host is down"))
        #expect(effects(failed) == [.exit(.pathNotHeld)])
        #expect(logs(failed).map(\.0) == [.error])
        #expect(logs(failed).map(\.1) == ["Cannot hold /boot: Host is down; holding nothing while \(Self.staged) exists"])
        #expect(hold.phase == .ended(.pathNotHeld))
        #expect(hold.handle(.signal(Self.sigterm)) == [])
    }

    @Test func sighupIsIgnoredInEveryPhase() {
        let hup = HoldSignal(.hangUp, name: "SIGHUP", senderPID: 42)
        var watching = HoldLifecycle(request: Self.request)
        _ = watching.handle(.started(stagedFileExists: false))
        let a = watching.handle(.signal(hup))
        #expect(effects(a) == [] && watching.phase == .watching)
        #expect(logs(a).map(\.1) == ["Received SIGHUP from PID 42: ignored, still watching \(Self.staged)"])

        var holding = HoldLifecycle(request: Self.request)
        _ = holding.handle(.started(stagedFileExists: true))
        _ = holding.handle(.pinned(Self.mounts))
        let b = holding.handle(.signal(hup))
        #expect(effects(b) == [] && holding.phase == .holding(Self.mounts))
        #expect(logs(b).map(\.1) == ["Received SIGHUP from PID 42: ignored, still holding /sysroot, /boot"])
    }

    @Test(arguments: ["SIGTERM", "SIGINT"])
    func terminationWhileWatchingExitsZeroWithNothingToRelease(_ name: String) {
        var hold = HoldLifecycle(request: Self.request)
        _ = hold.handle(.started(stagedFileExists: false))
        #expect(effects(hold.handle(.signal(HoldSignal(.terminate, name: name)))) == [.notify(["STOPPING=1", "STATUS=Stopping: nothing held"]), .exit(.released)])
        #expect(hold.phase == .ended(.released))
    }

    /// A watch that breaks means staging can no longer be seen: hold until stopped, to be safe.
    @Test func aLostWatchHoldsUntilStopped() {
        var watching = HoldLifecycle(request: Self.request)
        _ = watching.handle(.started(stagedFileExists: false))
        let lost = watching.handle(.watchFailed("read inotify: Bad file descriptor"))
        #expect(effects(lost) == [.stopWatching, .pin])
        #expect(logs(lost).map(\.0) == [.warning])
        #expect(effects(watching.handle(.pinned(Self.mounts))) == [.notify(["STATUS=Holding /sysroot (xfs), /boot (vfat) until stopped: \(Self.staged) is no longer watched"])])
        #expect(watching.phase == .holdingUntilStopped(Self.mounts))

        var holding = HoldLifecycle(request: Self.request)
        _ = holding.handle(.started(stagedFileExists: true))
        _ = holding.handle(.pinned(Self.mounts))
        #expect(effects(holding.handle(.watchFailed("x"))).first == .stopWatching)
        #expect(holding.phase == .holdingUntilStopped(Self.mounts))
    }

    /// Only the answer to a pin is taken while pinning: the caller pins before it waits for
    /// anything else, so nothing else can come then, and if it did it would change nothing.
    @Test func whilePinningOnlyThePinAnswerCounts() {
        var hold = HoldLifecycle(request: Self.request)
        _ = hold.handle(.started(stagedFileExists: true))
        #expect(hold.handle(.stagedFileGone(keepHolding: nil)) == [])
        #expect(hold.handle(.signal(Self.sigterm)) == [])
        #expect(hold.phase == .pinning(.start))
    }

    @Test func presenceReportsOnlyNetChanges() {
        var presence = StagedFilePresence(exists: false)
        #expect(presence.change() == nil)
        presence.observe(exists: true)
        presence.observe(exists: false)
        #expect(presence.change() == nil, "came and went between two reports")
        presence.observe(exists: true)
        #expect(presence.change() == .appeared)
        #expect(presence.exists)
        presence.observe(exists: false)
        presence.observe(exists: true)
        #expect(presence.change() == nil, "replaced in place")
        presence.observe(exists: false)
        #expect(presence.change() == .gone)
        #expect(presence.change() == nil)
    }
}
