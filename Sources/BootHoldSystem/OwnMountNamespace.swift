import CBootHold
import BootHoldCore

/// boothold-finalize's own mount namespace, where it mounts a path nothing else will serve.
/// The namespace it starts in (the finalize unit's, or PID 1's) never sees those mounts.
public enum OwnMountNamespace {
    /// unshare(CLONE_NEWNS), then `/` made recursively private: from here on no mount or
    /// unmount propagates in either direction, so shutdown's unmounts in the root namespace
    /// cannot pull a file system away mid-write, and nothing mounted here leaks out. Needs a
    /// single-threaded process (unshare(CLONE_NEWNS) implies CLONE_FS).
    public static func enter() throws(SystemCallError) {
        _ = try retryingInterrupts("unshare(CLONE_NEWNS)") { cbhf_unshare_mount_namespace() }
        _ = try retryingInterrupts("mount --make-rprivate", path: "/") {
            mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil)
        }
    }

    /// umount2(2); `lazily`: MNT_DETACH, for a mount something still has open.
    public static func unmount(_ path: String, lazily: Bool = false) throws(SystemCallError) {
        _ = try retryingInterrupts(lazily ? "umount2(MNT_DETACH)" : "umount2", path: path) {
            umount2(path, lazily ? Int32(MNT_DETACH) : 0)
        }
    }

    /// syncfs(2) of the file system mounted at `path` (opened as a directory, so that is the
    /// mount on top).
    public static func sync(_ path: String) throws(SystemCallError) {
        let fd = try FileDescriptor.open(path, flags: O_RDONLY | O_DIRECTORY)
        try fd.closeAfter { () throws(SystemCallError) in _ = try retryingInterrupts("syncfs", path: path) { cbhf_syncfs(fd.rawValue) } }
    }
}

/// A copy of the mount tree beside an automount that does not answer (see `BesideRootPlan`),
/// built in boothold-finalize's own mount namespace and entered with chroot(2).
public enum BesideRoot {
    /// Covered, in this namespace only, by a small tmpfs the copy is built in: /tmp exists on
    /// every system systemd runs (file-hierarchy(7)) and boothold-finalize does not use it.
    /// The copy's own /tmp is the one the command would have seen.
    public static let stagingDirectory = "/tmp"
    public static let root = "/tmp/root"

    /// A mount point that could not be bound into the copy, and why.
    public struct Failure: Sendable, Equatable {
        public var mountPoint: String
        public var reason: String
    }

    /// Builds the copy: the staging tmpfs, `/` bound (non-recursively) at `root`, then every
    /// mount point of `plan.binds` bound on its directory there, in order. Those at or under
    /// the staging directory are opened (O_PATH) before it is covered and bound through
    /// /proc/self/fd. Meant for a forked child, which shares this namespace (a lookup could
    /// still wait on an automount): throws when the copy cannot be made at all; a mount point
    /// that cannot be bound is reported and left out.
    public static func build(_ plan: BesideRootPlan) throws(SystemCallError) -> [Failure] {
        var early: [String: FileDescriptor] = [:]
        defer { for fd in early.values { fd.close() } }
        for point in plan.binds(under: stagingDirectory) {
            early[point] = try FileDescriptor.openPath(point)
        }
        _ = try retryingInterrupts("mount tmpfs", path: stagingDirectory) {
            mount("tmpfs", stagingDirectory, "tmpfs", UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC), "mode=0700,size=64k")
        }
        _ = try retryingInterrupts("mkdir", path: root) { mkdir(root, 0o700) }
        _ = try retryingInterrupts("mount --bind / (non-recursive)", path: root) { bind("/", root) }
        var failures: [Failure] = []
        for point in plan.binds {
            let source = early[point].map { "/proc/self/fd/\($0.rawValue)" } ?? point
            do {
                _ = try retryingInterrupts("mount --bind", path: point) { bind(source, root + point) }
            } catch {
                failures.append(Failure(mountPoint: point, reason: error.errno.description))
            }
        }
        return failures
    }

    /// chroot(2) into the copy `build` made; the working directory is its `/`.
    public static func enter() throws(SystemCallError) {
        _ = try retryingInterrupts("chdir", path: root) { chdir(root) }
        _ = try retryingInterrupts("chroot", path: root) { chroot(".") }
        _ = try retryingInterrupts("chdir", path: "/") { chdir("/") }
    }

    /// mount(2) with MS_BIND alone: a bind without the mounts below (`source` may be
    /// /proc/self/fd/N of an O_PATH descriptor).
    private static func bind(_ source: String, _ target: String) -> Int32 {
        mount(source, target, nil, UInt(MS_BIND), nil)
    }
}

extension DeviceNodeFinding {
    /// stat(2) of a mount unit's `What=`, following symlinks (`/dev/disk/by-uuid/…`).
    public static func examine(_ path: String) -> DeviceNodeFinding {
        var major: UInt32 = 0, minor: UInt32 = 0
        var kind: UnsafePointer<CChar>?
        let result = cbhf_block_device(path, &major, &minor, &kind)
        if result < 0 { return .inaccessible(Errno.current.description) }
        if result == 0 { return .notBlockDevice(kind: kind.map { String(cString: $0) } ?? "not a block device") }
        return .blockDevice(DeviceNumber(major: major, minor: minor))
    }
}

/// Work done in a forked child of this (single-threaded) process, which shares its mount
/// namespace, so that a system call stuck in the kernel costs no more than a deadline.
public enum ForkedCall {
    public enum Outcome: Sendable, Equatable {
        /// The child's bytes.
        case finished([UInt8])
        /// No end before the deadline; the child got SIGKILL. `childGone`: and was reaped.
        case timedOut(childGone: Bool)
        /// SIGTERM or SIGINT arrived first (consumed); the child got SIGKILL.
        case interrupted(signal: Int32)
        /// The child ended without a word.
        case died(CommandTermination)
    }

    /// Runs `body` in a child, which writes what it returns (at most a pipe's worth, 4 KB is
    /// plenty) and exits; waits until `deadline`. `inbox` must include SIGCHLD.
    public static func run(until deadline: Deadline, inbox: SignalInbox, _ body: () -> [UInt8]) throws(SystemCallError) -> Outcome {
        var readEnd: Int32 = -1, writeEnd: Int32 = -1
        let pid = try retryingInterrupts("fork") { cbhf_fork_with_pipe(&readEnd, &writeEnd) }
        if pid == 0 {
            let bytes = body()
            let fd = FileDescriptor(rawValue: writeEnd)
            bytes.withUnsafeBytes { _ = try? fd.writeAll($0) }
            _exit(0)
        }
        let pipe = FileDescriptor(rawValue: readEnd)
        defer { pipe.close() }
        let child = ChildProcess(pid: pid)
        var current = deadline
        var killed = false
        while true {
            if let ended = try child.reapIfEnded() {
                if killed { return .timedOut(childGone: true) }
                let bytes = try pipe.readAll(limit: 1 << 16)
                return bytes.isEmpty ? .died(ended) : .finished(bytes)
            }
            switch try inbox.wait(until: current) {
            case .signal(SIGCHLD):
                continue
            case .signal(let signal):
                child.send(SIGKILL)
                return .interrupted(signal: signal)
            case .deadline where !killed:
                child.send(SIGKILL)
                killed = true
                current = Deadline.after(.seconds(1))
            case .deadline:
                return .timedOut(childGone: false)
            }
        }
    }
}
