// GNU/Linux calls boothold-finalize needs that Swift's Glibc module does not expose, or that
// must run inside a signal handler. Each wrapper returns what the call returns (0 or a value
// on success, -1 with errno on failure) unless its comment says otherwise.
#ifndef CBOOTHOLD_FINALIZE_H
#define CBOOTHOLD_FINALIZE_H

#include <stdint.h>
#include <sys/types.h>

/// posix_spawn(3) (posix_spawnp(3) when `search_path`) of argv[0] with the current environment,
/// stdio inherited, the signal mask emptied and every catchable signal's disposition reset
/// to default in the child, so a command started from a process that blocks SIGTERM still
/// dies of SIGTERM. Returns 0 and *pid, or an errno value (posix_spawn does not set errno).
int cbhf_spawn(const char *const argv[], int search_path, pid_t *pid);

/// fork(2) a child that takes an exclusive lock on `fd` (shared with the parent: the lock
/// stays with the open file description after the child ends) and exits 0, or with the errno
/// of the call that failed: F_OFD_SETLKW on the whole file, or flock(LOCK_EX) when the kernel
/// or file system refuses OFD locks (EINVAL), as libglnx's glnx_make_lock_file() does. The
/// parent waits for it with its signalfd (SIGCHLD) and bounds the wait by killing it. Returns
/// as fork does: the child's pid, or -1 with errno.
pid_t cbhf_fork_lock(int fd);

/// What a path probe child found: `error` is 0 or the errno of open/fstatfs; `mount_root`
/// is 1, 0, or -1 when the kernel cannot tell (no STATX_ATTR_MOUNT_ROOT); `device_*` the
/// statx(2) stx_dev of the opened directory. `before_*`: fstatfs(2) of an O_PATH descriptor
/// taken before the open, which does not trigger an automount (f_type 0x0187: the path was
/// an automount point with nothing on it).
struct cbhf_path_probe {
    int32_t error;
    int32_t mount_root;
    int64_t fs_type;
    int64_t before_fs_type;
    int32_t before_error;
    uint32_t device_major;
    uint32_t device_minor;
    uint32_t reserved;
};

/// Forks a child that looks at `path` through an O_PATH descriptor, then opens it
/// O_RDONLY|O_DIRECTORY (a real access, which triggers an automount and may block in the
/// kernel while the automount is served), fstatfs()es and statx()es it, writes one struct
/// cbhf_path_probe to a pipe and exits. The parent gets the child's pid and the pipe's read
/// end (O_CLOEXEC), so it can give up at a deadline: an automount whose daemon is gone
/// blocks open(2) until SIGKILL (systemd#43700). Returns 0, or -1 with errno.
int cbhf_fork_path_probe(const char *path, pid_t *pid, int *read_fd);

/// fork(2) with a pipe from the child to the parent (both ends O_CLOEXEC). Returns as fork
/// does: -1 with errno, 0 in the child (*write_fd set; the child must end with _exit(2)),
/// the child's pid in the parent (*read_fd set).
pid_t cbhf_fork_with_pipe(int *read_fd, int *write_fd);

/// unshare(CLONE_NEWNS): a mount namespace of this process's own, a copy of the current one.
int cbhf_unshare_mount_namespace(void);

/// syncfs(2): writes back the file system `fd` is on.
int cbhf_syncfs(int fd);

/// stat(2), following symlinks: 1 and the device number when `path` is a block device;
/// 0 and *kind set to what it is instead ("a regular file", "a directory", …); -1 with errno.
int cbhf_block_device(const char *path, uint32_t *major, uint32_t *minor, const char **kind);

/// Reads the child's struct from `fd`: 0, or -1 with errno (EIO: the child died without one).
int cbhf_read_path_probe(int fd, struct cbhf_path_probe *out);

#endif
