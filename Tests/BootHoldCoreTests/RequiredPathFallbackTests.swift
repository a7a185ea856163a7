import Testing

@testable import BootHoldCore

/// The decision for a `--require` path, scenario by scenario: what opening /boot found, what
/// the mount table shows there, what PID 1 says about boot.mount, what is at its What=.
@Suite("required path: use, ask systemd, mount it ourselves, or refuse")
struct RequiredPathFallbackTests {
    static let autofs = MountOnPath(fileSystemType: "autofs", source: "systemd-1", device: DeviceNumber(major: 0, minor: 41))
    static let vdb = DeviceNumber(major: 254, minor: 16)
    static let bootMount = MountUnitProperties(
        name: "boot.mount", loadState: "loaded", what: "/dev/vdb", type: "ext4",
        options: "rw,x-systemd.automount,x-systemd.idle-timeout=2")
    static let refusedProblem = "systemd refused to mount the /boot automount because shutdown has begun "
        + "(systemd#22528); was ostree-finalize-staged-hold.service running?"

    func decide(
        _ finding: RequiredPathFinding, mounts: [MountOnPath] = [autofs], unit: MountUnitProperties? = nil,
        unavailable: String? = nil, device: DeviceNodeFinding? = nil, path: String = "/boot"
    ) -> RequiredPathPlan {
        let answer: MountUnitAnswer? = unavailable.map { .unavailable($0) } ?? unit.map { .answered($0) }
        return RequiredPathPlan(deciding: RequiredPathEvidence(
            path: path, profile: "ostree-finalize-staged", finding: finding, mounts: mounts, unit: answer, device: device))
    }

    func refusal(_ plan: RequiredPathPlan) -> String? {
        if case .refuse(let reason) = plan { return reason }
        return nil
    }

    // MARK: reached: use as is, no question to systemd

    @Test func heldBootIsUsedAsIs() {
        let vfat = MountOnPath(fileSystemType: "vfat", source: "/dev/vda1", device: DeviceNumber(major: 254, minor: 1))
        #expect(decide(.mounted(openTriggered: false), mounts: [Self.autofs, vfat])
            == .use(ReachedPath(path: "/boot", how: .held, fileSystemType: "vfat", source: "/dev/vda1")))
    }

    @Test func ordinaryMountIsUsedAsIs() {
        let xfs = MountOnPath(fileSystemType: "xfs", source: "/dev/vda3", device: DeviceNumber(major: 254, minor: 3))
        #expect(decide(.mounted(openTriggered: false), mounts: [xfs], path: "/sysroot")
            == .use(ReachedPath(path: "/sysroot", how: .mounted, fileSystemType: "xfs", source: "/dev/vda3")))
    }

    @Test func automountTriggeredByTheOpenIsUsedAsIs() {
        let vfat = MountOnPath(fileSystemType: "vfat", source: "/dev/vda1", device: DeviceNumber(major: 254, minor: 1))
        #expect(decide(.mounted(openTriggered: true), mounts: [Self.autofs, vfat])
            == .use(ReachedPath(path: "/boot", how: .automount, fileSystemType: "vfat", source: "/dev/vda1")))
    }

    @Test func problemsNoMountCanFixAreRefusedAsWorded() {
        #expect(decide(.problem("/boot does not exist")) == .refuse("/boot does not exist"))
    }

    // MARK: nothing mounted: ask systemd, then look at the device

    @Test func refusedAutomountAsksSystemdForBootMount() {
        #expect(decide(.automountRefused) == .askSystemd(unit: "boot.mount"))
    }

    @Test func escapedPathAsksForTheEscapedUnitName() {
        #expect(decide(.automountRefused, path: "/boot/efi space") == .askSystemd(unit: "boot-efi\\x20space.mount"))
    }

    @Test func loadedUnitWithAbsoluteWhatIsExaminedNext() {
        #expect(decide(.automountRefused, unit: Self.bootMount) == .examineDevice("/dev/vdb"))
    }

    @Test func refusedAutomountOfABlockDeviceIsMountedOnTopOfTheAutofs() {
        #expect(decide(.automountRefused, unit: Self.bootMount, device: .blockDevice(Self.vdb)) == .mount(FallbackMount(
            path: "/boot", unit: "boot.mount", what: "/dev/vdb", device: Self.vdb, type: "ext4",
            options: "rw,x-systemd.automount,x-systemd.idle-timeout=2", readOnly: false,
            cause: .automountRefused, clause: "systemd refused the automount (shutdown has begun)")))
    }

    @Test func automountThatDoesNotAnswerIsMountedOnceTheOpenerIsGone() {
        guard case .mount(let mount) = decide(.noAnswer(within: .seconds(30), openerGone: true), unit: Self.bootMount,
                                              device: .blockDevice(Self.vdb)) else {
            Issue.record("expected a mount")
            return
        }
        #expect(mount.cause == .automountNoAnswer)
        #expect(mount.clause == "its automount did not answer within 30s")
    }

    @Test func openStillStuckInTheKernelIsNotMountedOver() {
        #expect(refusal(decide(.noAnswer(within: .seconds(30), openerGone: false), unit: Self.bootMount))
            == "opening /boot did not return within 30s (an automount nobody serves?); "
            + "boothold-finalize did not mount it itself: the open is still stuck in the kernel")
    }

    @Test func emptyAutomountIsMounted() {
        guard case .mount(let mount) = decide(.automountEmpty, unit: Self.bootMount, device: .blockDevice(Self.vdb)) else {
            Issue.record("expected a mount")
            return
        }
        #expect(mount.cause == .automountEmpty)
    }

    @Test func bareMountPointDirectoryWhoseUnitNamesTheDeviceIsMounted() {
        guard case .mount(let mount) = decide(.notMountPoint, mounts: [], unit: Self.bootMount, device: .blockDevice(Self.vdb)) else {
            Issue.record("expected a mount")
            return
        }
        #expect(mount.cause == .notMounted)
        #expect(mount.doneSentence(type: "ext4") == "/boot was not mounted and no automount is left on it (a plain directory): "
            + "mounted /dev/vdb (ext4, rw) at /boot in boothold-finalize's own mount namespace, as boot.mount describes it")
    }

    @Test func readOnlyUnitIsMountedReadOnlyAndTheLastWordWins() {
        var unit = Self.bootMount
        unit.options = "rw,noatime,ro"
        guard case .mount(let mount) = decide(.automountRefused, unit: unit, device: .blockDevice(Self.vdb)) else {
            Issue.record("expected a mount")
            return
        }
        #expect(mount.readOnly)
        #expect(mount.options == "rw,noatime,ro")
        unit.options = "ro,rw"
        guard case .mount(let writable) = decide(.automountRefused, unit: unit, device: .blockDevice(Self.vdb)) else { return }
        #expect(!writable.readOnly)
    }

    @Test func emptyTypeIsLeftToDetection() {
        for type in ["", "auto"] {
            var unit = Self.bootMount
            unit.type = type
            guard case .mount(let mount) = decide(.automountRefused, unit: unit, device: .blockDevice(Self.vdb)) else {
                Issue.record("expected a mount for Type=\(type)")
                continue
            }
            #expect(mount.type == nil)
        }
    }

    @Test func theUnitsOwnDeviceBeneathTheAutomountMayBeMountedAgainOnTop() {
        let sameDevice = MountOnPath(fileSystemType: "ext4", source: "/dev/vdb", device: Self.vdb)
        guard case .mount = decide(.automountRefused, mounts: [sameDevice, Self.autofs], unit: Self.bootMount,
                                   device: .blockDevice(Self.vdb)) else {
            Issue.record("the unit's own file system is not another one")
            return
        }
    }

    // MARK: plain directory by design

    @Test func plainDirectoryNoMountUnitClaimsIsUsedAsIs() {
        #expect(decide(.notMountPoint, mounts: [], unit: MountUnitProperties(name: "boot.mount", loadState: "not-found"))
            == .use(ReachedPath(path: "/boot", how: .plainDirectory)))
    }

    // MARK: refusals

    @Test func automountWithoutAMountUnitIsRefused() {
        #expect(refusal(decide(.automountRefused, unit: MountUnitProperties(name: "boot.mount", loadState: "not-found")))
            == Self.refusedProblem + " boothold-finalize did not mount it itself: "
            + "no mount unit describes what belongs on /boot (boot.mount is not found)")
    }

    @Test func systemdUnreachableIsRefusedEvenForAPlainDirectory() {
        #expect(refusal(decide(.notMountPoint, mounts: [], unavailable: "cannot connect to systemd"))
            == "nothing is mounted on /boot (it is a plain directory, not a mount point); boothold-finalize did not mount it itself: "
            + "systemd could not be asked which file system belongs there (cannot connect to systemd)")
    }

    @Test func maskedUnitIsRefused() {
        var unit = Self.bootMount
        unit.loadState = "masked"
        #expect(refusal(decide(.automountRefused, unit: unit))?.hasSuffix("did not mount it itself: boot.mount is masked") == true)
        // Masked also beats a plain directory: the administrator said nothing belongs there.
        #expect(refusal(decide(.notMountPoint, mounts: [], unit: unit)) != nil)
    }

    @Test func badUnitIsRefused() {
        var unit = Self.bootMount
        unit.loadState = "bad-setting"
        #expect(refusal(decide(.automountRefused, unit: unit))?.hasSuffix("boot.mount is not loaded (LoadState=bad-setting)") == true)
    }

    @Test func networkFileSystemIsRefused() {
        let nfs = MountUnitProperties(name: "boot.mount", loadState: "loaded", what: "server:/export/boot", type: "nfs4")
        #expect(refusal(decide(.automountRefused, unit: nfs))?.hasSuffix("boot.mount mounts server:/export/boot (nfs4), a network file system") == true)
        let cifs = MountUnitProperties(name: "boot.mount", loadState: "loaded", what: "//server/boot", type: "cifs")
        #expect(refusal(decide(.automountRefused, unit: cifs))?.hasSuffix("a network file system") == true)
    }

    @Test func tmpfsIsRefusedAsNotABlockDevice() {
        let tmpfs = MountUnitProperties(name: "boot.mount", loadState: "loaded", what: "tmpfs", type: "tmpfs")
        #expect(refusal(decide(.automountRefused, unit: tmpfs))?.hasSuffix("boot.mount mounts tmpfs (tmpfs), not a block device") == true)
    }

    @Test func bindMountIsRefused() {
        let bind = MountUnitProperties(name: "boot.mount", loadState: "loaded", what: "/srv/boot", type: "none", options: "bind")
        #expect(refusal(decide(.automountRefused, unit: bind))?.hasSuffix("boot.mount is not a plain device mount (Options= has bind)") == true)
        let loop = MountUnitProperties(name: "boot.mount", loadState: "loaded", what: "/srv/boot.img", type: "ext4", options: "loop,offset=1048576")
        #expect(refusal(decide(.automountRefused, unit: loop))?.hasSuffix("(Options= has loop)") == true)
    }

    @Test func fuseNeedsAHelperAndIsRefused() {
        let fuse = MountUnitProperties(name: "boot.mount", loadState: "loaded", what: "/dev/vdb", type: "fuseblk")
        #expect(refusal(decide(.automountRefused, unit: fuse))?.hasSuffix("boot.mount mounts fuseblk, which needs a mount helper") == true)
    }

    @Test func emptyWhatIsRefused() {
        let unit = MountUnitProperties(name: "boot.mount", loadState: "loaded")
        #expect(refusal(decide(.automountRefused, unit: unit))?.hasSuffix("boot.mount names no device (What= is empty)") == true)
    }

    @Test func whatThatIsARegularFileIsRefused() {
        var unit = Self.bootMount
        unit.what = "/var/lib/images/boot.img"
        #expect(refusal(decide(.automountRefused, unit: unit, device: .notBlockDevice(kind: "a regular file")))?
            .hasSuffix("boot.mount mounts /var/lib/images/boot.img, which is a regular file, not a block device") == true)
    }

    @Test func whatThatIsMissingIsRefused() {
        #expect(refusal(decide(.automountRefused, unit: Self.bootMount, device: .inaccessible("No such file or directory")))?
            .hasSuffix("boot.mount mounts /dev/vdb, which cannot be used: No such file or directory") == true)
    }

    @Test func anotherFileSystemOnThePathIsNeverMountedOver() {
        let other = MountOnPath(fileSystemType: "vfat", source: "/dev/vdc", device: DeviceNumber(major: 254, minor: 32))
        #expect(refusal(decide(.automountRefused, mounts: [other, Self.autofs], unit: Self.bootMount, device: .blockDevice(Self.vdb)))?
            .hasSuffix("vfat from /dev/vdc is already mounted on /boot, and boot.mount names /dev/vdb (254:16)") == true)
    }

    @Test func stepBoundIsAQuarterOfTheTimeoutAtMostThirtySeconds() {
        #expect(RequiredPathPlan.stepBound(timeout: .seconds(8)) == .seconds(2))
        #expect(RequiredPathPlan.stepBound(timeout: TimeSpan(parsing: "4min 50s")!) == .seconds(30))
        #expect(RequiredPathPlan.stepBound(timeout: .infinity) == .seconds(30))
    }
}

@Suite("mount table at a path")
struct MountsOnPathTests {
    static let table = """
        22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
        40 22 0:41 / /boot rw,relatime shared:20 - autofs systemd-1 rw,fd=47,pgrp=1,timeout=2,minproto=5,maxproto=5,direct
        41 40 254:16 / /boot rw,relatime shared:21 - ext4 /dev/vdb rw
        42 22 0:42 / /mnt/a\\040b rw - tmpfs my\\040tmp rw
        43 22 254:2 / /boot/efi rw - vfat /dev/vda2 rw
        """

    @Test func stackAtBootIsAutofsThenExt4() {
        #expect(MountInfoText.mounts(at: "/boot", in: Self.table) == [
            MountOnPath(fileSystemType: "autofs", source: "systemd-1", device: DeviceNumber(major: 0, minor: 41)),
            MountOnPath(fileSystemType: "ext4", source: "/dev/vdb", device: DeviceNumber(major: 254, minor: 16)),
        ])
    }

    @Test func escapedSpacesAreDecoded() {
        #expect(MountInfoText.mounts(at: "/mnt/a b", in: Self.table)
            == [MountOnPath(fileSystemType: "tmpfs", source: "my tmp", device: DeviceNumber(major: 0, minor: 42))])
    }

    @Test func nothingAtAPlainDirectory() {
        #expect(MountInfoText.mounts(at: "/srv", in: Self.table).isEmpty)
    }
}

@Suite("how required paths were reached: records and report")
struct ReachedPathRecordTests {
    static let own = ReachedPath(path: "/boot", how: .mountedByFinalize, fileSystemType: "ext4", source: "/dev/vdb",
                                 unit: "boot.mount", options: "rw", cause: .automountRefused)
    static let held = ReachedPath(path: "/sysroot", how: .held, fileSystemType: "xfs", source: "/dev/vda3")

    @Test func keysAreNumberedInCommandLineOrderAndRoundTrip() {
        let record = ResultRecord(name: "p", staged: "/s", outcome: .succeeded, reason: "ok",
                                  finishedRealtimeMicroseconds: 1, bootID: "b", reached: [Self.held, Self.own])
        #expect(record.text.contains("REQUIRED_1=/sysroot\nREACHED_1=held\nFSTYPE_1=xfs\nSOURCE_1=/dev/vda3\n"))
        #expect(record.text.contains("REQUIRED_2=/boot\nREACHED_2=mounted-by-boothold-finalize\nFSTYPE_2=ext4\n"
            + "SOURCE_2=/dev/vdb\nUNIT_2=boot.mount\nOPTIONS_2=rw\nCAUSE_2=automount-refused\n"))
        #expect(ResultRecord(parsing: record.text) == record)
        let started = StartedRecord(name: "p", staged: "/s", command: ["/c"], startedRealtimeMicroseconds: 1, bootID: "b",
                                    pid: 2, reached: [Self.own])
        #expect(StartedRecord(parsing: started.text) == started)
    }

    @Test func oldRecordsHaveNoPaths() {
        #expect(ResultRecord(parsing: "NAME=p\nOUTCOME=succeeded\n")?.reached == [])
    }

    @Test func summaries() {
        #expect(Self.held.summary == "/sysroot is held (xfs)")
        #expect(Self.own.summary == "/boot was mounted by boothold-finalize (/dev/vdb, ext4)")
        #expect(ReachedPath(path: "/boot", how: .automount, fileSystemType: "vfat").summary == "/boot was mounted by its automount (vfat)")
        #expect(ReachedPath(path: "/boot", how: .plainDirectory).summary == "/boot is a plain directory")
    }

    @Test func successThatNeededTheFallbackIsReportedOnceAsAWarning() {
        let result = ResultRecord(name: "ostree-finalize-staged", staged: "/s", outcome: .succeeded, stagedAfter: false,
                                  reason: "ok", finishedRealtimeMicroseconds: 1, bootID: "", reached: [Self.held, Self.own])
        #expect(ReportVerdict(name: "ostree-finalize-staged", started: nil, result: result, startedAt: nil,
                              finishedAt: "Mon 2026-11-30 10:00:00 UTC")
            == .report(messageID: FinalizeMessageID.reportMountedByFinalize, level: .warning,
                       message: "Finalized ostree-finalize-staged at Mon 2026-11-30 10:00:00 UTC; "
                           + "/boot was mounted by boothold-finalize (systemd had refused the automount).",
                       exitStatus: 0))
    }

    @Test func successWithoutTheFallbackStaysQuiet() {
        let result = ResultRecord(name: "p", staged: "/s", outcome: .succeeded, stagedAfter: false, reason: "ok",
                                  finishedRealtimeMicroseconds: 1, bootID: "", reached: [Self.held])
        #expect(ReportVerdict(name: "p", started: nil, result: result, startedAt: nil) == .clean)
    }

    @Test func failureAfterTheFallbackSaysBoth() {
        let result = ResultRecord(name: "p", staged: "/s", outcome: .failed, exitStatus: 1, reason: "/usr/bin/ostree exited with status 1",
                                  finishedRealtimeMicroseconds: 1, bootID: "", reached: [Self.own])
        guard case .report(let id, _, let message, let status) = ReportVerdict(name: "p", started: nil, result: result, startedAt: nil) else {
            Issue.record("a failure is reported")
            return
        }
        #expect(id == FinalizeMessageID.reportProblem)
        #expect(status == 1)
        #expect(message.hasSuffix("the staged deployment was not applied. /boot was mounted by boothold-finalize (systemd had refused the automount)."))
    }
}
