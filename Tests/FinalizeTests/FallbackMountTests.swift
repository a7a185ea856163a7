import BootHoldCore
import Foundation
import Testing

/// boothold-finalize mounts a `--require` path itself when nothing serves it: real ext4 and
/// vfat images on loop devices, a real direct autofs mount (refusing with EHOSTDOWN as systemd
/// does at shutdown, or never answering, or with its daemon gone), or the bare directory left
/// when the automount was stopped; PID 1's answers about the mount unit come from a real
/// sd-bus peer at /run/systemd/private. Every scenario runs in a private mount namespace.
@Suite("boothold-finalize mounts a path nothing serves",
       .enabled(if: autofsAvailable(), "needs /dev/autofs (the autofs4 module)"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/losetup"), "needs losetup"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gcc"), "needs gcc and libsystemd-dev"))
struct FallbackMountTests {
    /// A world with /boot as a mount point directory, an image and the unit naming it.
    struct Scenario {
        let world: FinalizeHarness
        let boot: String
        let unitName: String
        let image: LoopImage

        init(type: String) throws {
            world = try FinalizeHarness()
            world.stage()
            boot = world.root + "/boot"
            try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: false)
            unitName = UnitName.fromPath(boot, suffix: ".mount")!
            image = try LoopImage(in: world.root, type: type)
        }

        /// The unit as an fstab line with `x-systemd.automount` would give it.
        func unit(type: String? = nil, options: String = "rw,x-systemd.automount,x-systemd.idle-timeout=2") -> SystemdBusStandIn.Unit {
            SystemdBusStandIn.Unit(name: unitName, what: image.device, type: type ?? image.type, options: options)
        }

        /// What the finalize command does here: writes into /boot, consumes the staged file,
        /// and saves both namespaces' mount tables while it runs (its own, and that of the
        /// process boothold-finalize was started from).
        var command: [String] {
            let script = """
                set -e
                echo finalized > "$1/finalized"
                outer=$(awk '/^PPid:/ { print $2 }' /proc/$PPID/status)
                cat /proc/$outer/mountinfo > "$2/outer-during"
                cat /proc/self/mountinfo > "$2/inner-during"
                rm -f "$3"
                """
            return ["/bin/sh", "-c", script, "sh", boot, world.root, world.staged]
        }

        func run(_ bus: SystemdBusStandIn, automount: String?, timeout: String = "20s") throws -> FinishedFinalize {
            var setup = bus.setup
            if let automount { setup += "\n" + (try AutomountDaemon.setup(world, mode: automount, mountPoint: boot)) }
            defer { AutomountDaemon.kill(world) }
            return try world.run(
                world.runArguments(timeout: timeout, extra: ["--require", boot], command: command), setup: setup,
                afterwards: "cat /proc/self/mountinfo > '\(world.root)/outer-after'")
        }

        func text(_ name: String) -> String { (try? String(contentsOfFile: world.root + "/" + name, encoding: .utf8)) ?? "" }

        /// The image's file system at /boot in a saved mount table.
        func showsImage(_ table: String) -> Bool {
            MountInfoText.mounts(at: boot, in: text(table)).contains { $0.device == image.number }
        }

        /// The own-mount journal entry.
        func mountEntry() -> [String: String]? {
            world.journal.entries().first { $0["MESSAGE_ID"] == ID.mountedByFinalize }
        }
    }

    /// Everything an own mount must leave behind: the command ran in the mount, the write is
    /// on the image, the namespace boothold-finalize started in never saw it, the records
    /// say how /boot was reached.
    func expectMountedByFinalize(_ s: Scenario, _ run: FinishedFinalize, cause: String, type: String) throws {
        #expect(run.status == 0, "\(run.output)")
        #expect(try s.image.read("finalized") == "finalized\n", "the write reached the image")
        #expect(s.showsImage("inner-during"), "the command ran with the image mounted at /boot")
        #expect(!s.text("outer-during").isEmpty && !s.showsImage("outer-during"), "the starting namespace never shows it")
        #expect(!s.text("outer-after").isEmpty && !s.showsImage("outer-after"), "nor afterwards")
        let result = try #require(s.world.record("result"))
        #expect(result["OUTCOME"] == "succeeded")
        #expect(result["REQUIRED_1"] == s.boot)
        #expect(result["REACHED_1"] == "mounted-by-boothold-finalize")
        #expect(result["FSTYPE_1"] == type)
        #expect(result["SOURCE_1"] == s.image.device)
        #expect(result["UNIT_1"] == s.unitName)
        #expect(result["CAUSE_1"] == cause)
        #expect(s.world.record("started")?["REACHED_1"] == "mounted-by-boothold-finalize")
        #expect(run.output.contains("synced and unmounted \(s.image.device) from \(s.boot)"), "\(run.output)")
    }

    @Test func ext4UnderARefusedAutomountIsMountedWrittenAndUnmounted() throws {
        let s = try Scenario(type: "ext4")
        let bus = try SystemdBusStandIn(in: s.world, units: [s.unit()])
        let began = Date()
        let run = try s.run(bus, automount: "refuse")
        let took = Date().timeIntervalSince(began)
        try expectMountedByFinalize(s, run, cause: "automount-refused", type: "ext4")
        #expect(bus.calls.contains("LoadUnit \(s.unitName)"))
        let entry = try #require(s.mountEntry())
        #expect(entry["MESSAGE"] == "\(s.boot) was not mounted and systemd refused the automount (shutdown has begun): "
            + "mounted \(s.image.device) (ext4, rw) at \(s.boot) in boothold-finalize's own mount namespace, as \(s.unitName) describes it.")
        #expect(entry["PRIORITY"] == "5")
        #expect(entry["BOOTHOLD_CAUSE"] == "automount-refused")
        let mountMicroseconds = Int(entry["BOOTHOLD_MOUNT_USEC"] ?? "") ?? -1
        #expect(mountMicroseconds > 0)
        print("own mount under a refused automount (ext4): mount and check \(mountMicroseconds / 1000) ms; "
            + "the whole run \(Int(took * 1000)) ms")
    }

    /// vfat where the kernel has it (an ESP at /boot); ext2 everywhere, so the scenario runs
    /// on a kernel without vfat too.
    @Test(arguments: ["vfat", "ext2"].filter(kernelMounts))
    func automountNobodyServesIsMountedWithTheTypeDetected(type: String) throws {
        let s = try Scenario(type: type)
        // Type= empty: libmount's blkid probe names it. Options as gpt-auto writes them for an ESP.
        let bus = try SystemdBusStandIn(in: s.world, units: [s.unit(type: "", options: type == "vfat" ? "umask=0077" : "defaults")])
        let began = Date()
        // 4s: each step may take a quarter, so the open is given up after 1s.
        let run = try s.run(bus, automount: "silent", timeout: "4s")
        let took = Date().timeIntervalSince(began)
        try expectMountedByFinalize(s, run, cause: "automount-no-answer", type: type)
        #expect(s.mountEntry()?["MESSAGE"]?.hasPrefix("\(s.boot) was not mounted and its automount did not answer within 1s: "
            + "mounted \(s.image.device) (\(type), rw)") == true)
        #expect(took < 4, "the unserved automount cost a quarter of the timeout, not all of it (\(took) s)")
    }

    /// Shell for the setup: an automount nobody answers, and another process (the hold, in a
    /// guest) waiting in its open() of it, so the request stays pending: from then on every
    /// lookup through the autofs waits, mount(2)'s of its target included (fault 5).
    func wedge(_ s: Scenario) throws -> String {
        try AutomountDaemon.setup(s.world, mode: "silent", mountPoint: s.boot) + """

            ( exec ls '\(s.boot)/' > /dev/null 2>&1 ) &
            echo $! > '\(s.world.root)/wedge.pid'
            i=0
            until grep -q asked '\(s.world.root)/automount.log'; do
                i=$((i + 1)); [ $i -lt 500 ] || exit 91
                sleep 0.02
            done
            """
    }

    /// Ends the waiting opener (SIGKILL: the wait is killable only) and the daemon. Killing the
    /// daemon alone would not do: nobody writes to its pipe again, so the kernel never notices
    /// it is gone, and the opener would keep the test's namespace alive for ever.
    func unwedge(_ s: Scenario) {
        if let pid = Int32(s.text("wedge.pid").split(separator: "\n").first ?? "") { kill(pid, SIGKILL) }
        AutomountDaemon.kill(s.world)
    }

    @Test func automountWedgedByAPendingRequestIsMountedBesideIt() throws {
        let s = try Scenario(type: "ext4")
        let bus = try SystemdBusStandIn(in: s.world, units: [s.unit()])
        defer { unwedge(s) }
        let began = Date()
        let run = try s.world.run(
            s.world.runArguments(timeout: "8s", extra: ["--require", s.boot], command: s.command),
            setup: bus.setup + "\n" + (try wedge(s)), afterwards: "cat /proc/self/mountinfo > '\(s.world.root)/outer-after'")
        let took = Date().timeIntervalSince(began)
        try expectMountedByFinalize(s, run, cause: "automount-no-answer", type: "ext4")
        #expect(run.output.contains("the automount at \(s.boot) does not answer, and every lookup through it waits"), "\(run.output)")
        #expect(s.mountEntry()?["MESSAGE"]?.hasSuffix(
            "; boothold-finalize and the command run in a copy of the mount tree without the automount.") == true)
        // The command ran in the copy: its root is not the namespace's root.
        #expect(s.text("inner-during") != s.text("outer-during"))
        #expect(took < 8, "the open's step (2 s) and the own mount, not the whole timeout (\(took) s)")
    }

    /// The control: the same wedge, and the finalize command run as ostree's own ExecStop=
    /// runs it, directly: its write into /boot waits for the answer that never comes.
    @Test func controlTheSameWedgeStopsTheCommandItself() throws {
        let s = try Scenario(type: "ext4")
        defer { unwedge(s) }
        // SIGTERM does not end a wait on an automount; timeout(1) sends SIGKILL 1 s later (137).
        let direct = """
            status=0
            timeout -k 1 3 /bin/sh -c 'echo finalized > "$1/finalized"' sh '\(s.boot)' || status=$?
            echo "$status" > '\(s.world.root)/control-status'
            exit 0
            """
        _ = try s.world.run(s.world.runArguments(extra: ["--require", s.boot], command: s.command), setup: try wedge(s) + "\n" + direct)
        #expect(s.text("control-status") == "137\n", "the write waited until timeout(1) killed it")
        #expect(try s.image.read("finalized") == nil, "nothing reached the image")
        #expect(s.world.record("result") == nil, "boothold-finalize never ran")
    }

    @Test func automountWhoseDaemonIsGoneIsMounted() throws {
        let s = try Scenario(type: "ext4")
        let bus = try SystemdBusStandIn(in: s.world, units: [s.unit()])
        let run = try s.run(bus, automount: "gone")
        try expectMountedByFinalize(s, run, cause: "automount-empty", type: "ext4")
    }

    @Test func bareMountPointDirectoryWhoseUnitNamesTheDeviceIsMounted() throws {
        let s = try Scenario(type: "ext4")
        let bus = try SystemdBusStandIn(in: s.world, units: [s.unit(options: "ro")])
        try s.image.write("finalized", "from before\n")
        let command = ["/bin/sh", "-c", "cat \"$1/finalized\" > \"$2/seen\"; rm -f \"$3\"", "sh", s.boot, s.world.root, s.world.staged]
        let run = try s.world.run(s.world.runArguments(extra: ["--require", s.boot], command: command), setup: bus.setup)
        #expect(run.status == 0, "\(run.output)")
        #expect(s.text("seen") == "from before\n", "the command read the image through /boot")
        let result = try #require(s.world.record("result"))
        #expect(result["REACHED_1"] == "mounted-by-boothold-finalize")
        #expect(result["CAUSE_1"] == "not-mounted")
        #expect(result["OPTIONS_1"] == "ro")
        #expect(s.mountEntry()?["MESSAGE"] == "\(s.boot) was not mounted and no automount is left on it (a plain directory): "
            + "mounted \(s.image.device) (ext4, ro) at \(s.boot) in boothold-finalize's own mount namespace, as \(s.unitName) describes it.")
    }

    @Test func theNextBootReportsTheOwnMountOnceAsAWarning() throws {
        let s = try Scenario(type: "ext4")
        let bus = try SystemdBusStandIn(in: s.world, units: [s.unit()])
        _ = try s.run(bus, automount: "refuse")
        _ = s.world.journal.entries()
        let report = try s.world.report()
        #expect(report.status == 0)
        let entry = try #require(s.world.journal.entries().first)
        #expect(entry["MESSAGE_ID"] == ID.reportMountedByFinalize)
        #expect(entry["PRIORITY"] == "4")
        #expect(entry["MESSAGE"]?.hasPrefix("Finalized test-profile at ") == true)
        #expect(entry["MESSAGE"]?.hasSuffix("; \(s.boot) was mounted by boothold-finalize (systemd had refused the automount).") == true)
        #expect(entry["BOOTHOLD_REACHED_1"] == "mounted-by-boothold-finalize")
        let again = try s.world.report()
        #expect(again.status == 0)
        #expect(s.world.journal.entries().isEmpty)
    }

    // MARK: refusals, each with the image untouched

    func expectRefused(_ s: Scenario, _ run: FinishedFinalize, reasonEnding: String) throws {
        #expect(run.status == 122, "\(run.output)")
        #expect(!s.world.exists(s.world.root + "/inner-during"), "the command did not run")
        let result = try #require(s.world.record("result"))
        #expect(result["OUTCOME"] == "unreachable")
        #expect(result["REASON"]?.hasSuffix(reasonEnding) == true, "\(result["REASON"] ?? "")")
        #expect(s.mountEntry() == nil)
        #expect(try s.image.read("finalized") == nil, "the image is untouched")
    }

    @Test func anotherFileSystemAlreadyOnThePathIsNotMountedOver() throws {
        let s = try Scenario(type: "ext4")
        try FileManager.default.createDirectory(atPath: s.world.root + "/other", withIntermediateDirectories: false)
        let other = try LoopImage(in: s.world.root + "/other", type: "ext2")
        let bus = try SystemdBusStandIn(in: s.world, units: [s.unit()])
        var setup = bus.setup + "\nmount '\(other.device)' '\(s.boot)'"
        setup += "\n" + (try AutomountDaemon.setup(s.world, mode: "refuse", mountPoint: s.boot))
        let run = try s.world.run(s.world.runArguments(extra: ["--require", s.boot], command: s.command), setup: setup)
        try expectRefused(s, run, reasonEnding: "boothold-finalize did not mount it itself: ext2 from \(other.device) is already mounted on \(s.boot), "
            + "and \(s.unitName) names \(s.image.device) (\(s.image.number))")
    }

    @Test func whatThatIsNotABlockDeviceIsRefused() throws {
        let s = try Scenario(type: "ext4")
        var unit = s.unit()
        unit.what = s.image.file
        let bus = try SystemdBusStandIn(in: s.world, units: [unit])
        let run = try s.run(bus, automount: "refuse")
        try expectRefused(s, run, reasonEnding: "\(s.unitName) mounts \(s.image.file), which is a regular file, not a block device")
    }

    @Test func maskedUnitIsRefused() throws {
        let s = try Scenario(type: "ext4")
        var unit = s.unit()
        unit.loadState = "masked"
        let bus = try SystemdBusStandIn(in: s.world, units: [unit])
        let run = try s.run(bus, automount: "refuse")
        try expectRefused(s, run, reasonEnding: "boothold-finalize did not mount it itself: \(s.unitName) is masked")
    }

    @Test func pid1ThatNeverAnswersCostsOnlyItsStep() throws {
        let s = try Scenario(type: "ext4")
        let bus = try SystemdBusStandIn(in: s.world, units: [s.unit()], silent: true)
        let began = Date()
        let run = try s.run(bus, automount: "refuse", timeout: "4s")
        let took = Date().timeIntervalSince(began)
        try expectRefused(s, run, reasonEnding: "systemd could not be asked which file system belongs there (connecting to /run/systemd/private: no answer in time)")
        #expect(took < 3.5, "asking PID 1 is bounded by its step (\(took) s)")
    }

    // MARK: controls

    /// The same refused automount with no mount unit behind it: unreachable, as before.
    @Test func automountNoMountUnitClaimsIsUnreachableAndTheImageUntouched() throws {
        let s = try Scenario(type: "ext4")
        let bus = try SystemdBusStandIn(in: s.world, units: [])
        let run = try s.run(bus, automount: "refuse")
        try expectRefused(s, run, reasonEnding: "no mount unit describes what belongs on \(s.boot) (\(s.unitName) is not found)")
        #expect(bus.calls.contains("LoadUnit \(s.unitName)"))
    }

    /// A plain directory no mount unit claims is used as it is, by design.
    @Test func plainDirectoryNoMountUnitClaimsIsUsedAsIs() throws {
        let s = try Scenario(type: "ext4")
        let bus = try SystemdBusStandIn(in: s.world, units: [])
        let run = try s.run(bus, automount: nil)
        #expect(run.status == 0, "\(run.output)")
        #expect(s.text("boot/finalized") == "finalized\n", "written into the directory itself")
        #expect(try s.image.read("finalized") == nil)
        let result = try #require(s.world.record("result"))
        #expect(result["REACHED_1"] == "plain-directory")
        let started = try #require(s.world.journal.entries().first { $0["MESSAGE_ID"] == ID.started })
        #expect(started["MESSAGE"]?.hasSuffix("; \(s.boot) is a plain directory.") == true)
        #expect(started["BOOTHOLD_REACHED_1"] == "plain-directory")
    }
}
