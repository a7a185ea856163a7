import BootHoldCore
import Testing

private func entry(_ target: String, _ type: String) -> MountEntry {
    MountEntry(target: target, fileSystemType: type, source: type)
}

/// Which mounts the copy of the mount tree beside an automount that does not answer gets.
@Suite("a root beside an automount that does not answer (pure)")
struct BesideRootPlanTests {
    /// A bookworm guest at shutdown: /boot's autofs waits for an answer, binfmt_misc's
    /// automount has nothing on it, /efi's autofs is served.
    static let guest = [
        entry("/", "ext4"), entry("/dev", "devtmpfs"), entry("/proc", "proc"), entry("/sys", "sysfs"),
        entry("/run", "tmpfs"), entry("/dev/pts", "devpts"), entry("/proc/sys/fs/binfmt_misc", "autofs"),
        entry("/boot", "autofs"), entry("/efi", "autofs"), entry("/efi", "vfat"), entry("/run/user/0", "tmpfs"),
        entry("/sys/fs/cgroup", "cgroup2"), entry("/boot/efi", "vfat"), entry("/etc", "ext4"),
    ]

    @Test func everyVisibleMountButTheAutomountAndWhatIsUnderIt() {
        let plan = BesideRootPlan(table: Self.guest, besides: "/boot")
        #expect(plan.binds == ["/dev", "/proc", "/sys", "/run", "/efi", "/etc", "/dev/pts", "/run/user/0", "/sys/fs/cgroup"])
        #expect(plan.leftOut == ["/boot", "/boot/efi", "/proc/sys/fs/binfmt_misc"])
    }

    @Test func parentsComeBeforeChildrenWhateverTheTableOrder() {
        let plan = BesideRootPlan(table: [entry("/", "ext4"), entry("/a/b/c", "tmpfs"), entry("/a", "tmpfs"), entry("/a/b", "tmpfs"),
                                          entry("/boot", "autofs")], besides: "/boot")
        #expect(plan.binds == ["/a", "/a/b", "/a/b/c"])
    }

    @Test func theVisibleMountDecides() {
        // An automount served (its file system on top) is bound; one with nothing on it is
        // left out with everything below it.
        let plan = BesideRootPlan(table: [entry("/", "ext4"), entry("/srv", "autofs"), entry("/srv", "xfs"),
                                          entry("/mnt", "autofs"), entry("/mnt/x", "tmpfs"), entry("/boot", "autofs")],
                                  besides: "/boot")
        #expect(plan.binds == ["/srv"])
        #expect(plan.leftOut == ["/mnt", "/boot", "/mnt/x"])
    }

    @Test func aPathBelowAnotherMount() {
        // /boot/efi's automount waits; /boot itself is mounted and comes along.
        let plan = BesideRootPlan(table: [entry("/", "ext4"), entry("/boot", "ext4"), entry("/boot/efi", "autofs"),
                                          entry("/bootx", "tmpfs")], besides: "/boot/efi")
        #expect(plan.binds == ["/boot", "/bootx"])
        #expect(plan.leftOut == ["/boot/efi"])
    }

    @Test func mountsUnderTheStagingDirectoryAreNamed() {
        let plan = BesideRootPlan(table: [entry("/", "ext4"), entry("/tmp", "tmpfs"), entry("/tmp/x", "tmpfs"),
                                          entry("/tmpfoo", "tmpfs"), entry("/boot", "autofs")], besides: "/boot")
        #expect(plan.binds(under: "/tmp") == ["/tmp", "/tmp/x"])
    }
}
