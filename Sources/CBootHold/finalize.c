#define _GNU_SOURCE
#include "cboothold_finalize.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

extern char **environ;

int cbhf_spawn(const char *const argv[], int search_path, pid_t *pid) {
    posix_spawnattr_t attr;
    int r = posix_spawnattr_init(&attr);
    if (r != 0)
        return r;
    sigset_t empty, defaults;
    sigemptyset(&empty);
    sigfillset(&defaults);
    sigdelset(&defaults, SIGKILL);
    sigdelset(&defaults, SIGSTOP);
    r = posix_spawnattr_setsigmask(&attr, &empty);
    if (r == 0)
        r = posix_spawnattr_setsigdefault(&attr, &defaults);
    if (r == 0)
        r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (r == 0) {
        char *const *args = (char *const *) argv;
        r = search_path ? posix_spawnp(pid, argv[0], NULL, &attr, args, environ)
                        : posix_spawn(pid, argv[0], NULL, &attr, args, environ);
    }
    posix_spawnattr_destroy(&attr);
    return r;
}

pid_t cbhf_fork_lock(int fd) {
    pid_t child = fork();
    if (child != 0)
        return child;
    // The child: async-signal-safe calls only. It inherits the parent's blocked signals, so
    // only SIGKILL ends the wait early; the lock it takes belongs to the open file
    // description it shares with the parent, and outlives it.
    int use_ofd = 1;
    for (;;) {
        int r;
        if (use_ofd) {
            struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
            r = fcntl(fd, F_OFD_SETLKW, &fl);
        } else {
            r = flock(fd, LOCK_EX);
        }
        if (r == 0)
            _exit(0);
        if (errno == EINVAL && use_ofd) {
            use_ofd = 0;
            continue;
        }
        if (errno != EINTR)
            _exit(errno & 0xff);
    }
}

int cbhf_fork_path_probe(const char *path, pid_t *pid, int *read_fd) {
    int write_fd = -1;
    pid_t child = cbhf_fork_with_pipe(read_fd, &write_fd);
    if (child < 0)
        return -1;
    if (child == 0) {
        // Only async-signal-safe calls from here on. SIGPIPE ignored: when the automount's
        // daemon is gone, the kernel's write of our request to its pipe fails with EPIPE and
        // the SIGPIPE that comes with it is not always taken back (it is process-wide since
        // Linux 4.x, while autofs_write() clears only the thread's pending set).
        signal(SIGPIPE, SIG_IGN);
        struct cbhf_path_probe result = { .error = 0, .mount_root = -1, .fs_type = 0 };
        struct statfs sfs;
        // O_PATH without O_DIRECTORY: the lookup stops at an unserved automount point
        // instead of triggering it (follow_automount() needs LOOKUP_OPEN or _DIRECTORY).
        int before = open(path, O_PATH | O_CLOEXEC);
        if (before < 0) {
            result.before_error = errno;
        } else {
            if (fstatfs(before, &sfs) < 0)
                result.before_error = errno;
            else
                result.before_fs_type = (int64_t) sfs.f_type;
            close(before);
        }
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            result.error = errno;
        } else {
            if (fstatfs(fd, &sfs) < 0)
                result.error = errno;
            else
                result.fs_type = (int64_t) sfs.f_type;
            struct statx stx;
            if (statx(fd, "", AT_EMPTY_PATH | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &stx) == 0) {
                if (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
                    result.mount_root = (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) ? 1 : 0;
                result.device_major = stx.stx_dev_major;
                result.device_minor = stx.stx_dev_minor;
            }
        }
        ssize_t ignored = write(write_fd, &result, sizeof result);
        (void) ignored;
        _exit(0);
    }
    *pid = child;
    return 0;
}

int cbhf_read_path_probe(int fd, struct cbhf_path_probe *out) {
    ssize_t n;
    do
        n = read(fd, out, sizeof *out);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n != (ssize_t) sizeof *out) {
        errno = EIO;
        return -1;
    }
    return 0;
}

pid_t cbhf_fork_with_pipe(int *read_fd, int *write_fd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    pid_t child = fork();
    if (child < 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        errno = saved;
        return -1;
    }
    if (child == 0) {
        close(fds[0]);
        *write_fd = fds[1];
        return 0;
    }
    close(fds[1]);
    *read_fd = fds[0];
    return child;
}

int cbhf_unshare_mount_namespace(void) {
    return unshare(CLONE_NEWNS);
}

int cbhf_syncfs(int fd) {
    return syncfs(fd);
}

int cbhf_block_device(const char *path, uint32_t *major_out, uint32_t *minor_out, const char **kind) {
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if (S_ISBLK(st.st_mode)) {
        *major_out = major(st.st_rdev);
        *minor_out = minor(st.st_rdev);
        return 1;
    }
    *kind = S_ISREG(st.st_mode)    ? "a regular file"
          : S_ISDIR(st.st_mode)    ? "a directory"
          : S_ISCHR(st.st_mode)    ? "a character device"
          : S_ISFIFO(st.st_mode)   ? "a FIFO"
          : S_ISSOCK(st.st_mode)   ? "a socket"
                                   : "not a block device";
    return 0;
}
