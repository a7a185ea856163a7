#define _GNU_SOURCE
#include "cboothold_finalize.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
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

int cbhf_poll_readable(int fd, int timeout_ms) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, timeout_ms);
}

static volatile sig_atomic_t lock_signal;

static void record_lock_signal(int signo) {
    lock_signal = signo;
}

static int lock_once(int fd, int use_ofd) {
    if (use_ofd) {
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
        return fcntl(fd, F_OFD_SETLKW, &fl);
    }
    return flock(fd, LOCK_EX);
}

int cbhf_lock_wait(int fd, uint64_t timeout_usec, int *signal_out) {
    static const int interrupting[] = { SIGALRM, SIGTERM, SIGINT };
    struct sigaction handler, saved[3];
    memset(&handler, 0, sizeof handler);
    handler.sa_handler = record_lock_signal; // no SA_RESTART: the wait must return EINTR
    sigemptyset(&handler.sa_mask);
    for (int i = 0; i < 3; i++)
        sigaction(interrupting[i], &handler, &saved[i]);

    // The timer fires at the deadline and then every 20 ms: a signal that lands between the
    // flag check and the blocking call is followed by another one that interrupts it.
    struct itimerval timer = { 0 };
    int timed = timeout_usec != UINT64_MAX;
    if (timed) {
        uint64_t first = timeout_usec > 0 ? timeout_usec : 1;
        timer.it_value.tv_sec = (time_t) (first / 1000000);
        timer.it_value.tv_usec = (suseconds_t) (first % 1000000);
        timer.it_interval.tv_usec = 20000;
    }
    lock_signal = 0;
    if (timed)
        setitimer(ITIMER_REAL, &timer, NULL);

    sigset_t unblock, saved_mask;
    sigemptyset(&unblock);
    for (int i = 0; i < 3; i++)
        sigaddset(&unblock, interrupting[i]);
    pthread_sigmask(SIG_UNBLOCK, &unblock, &saved_mask);

    int use_ofd = 1, result, error = 0;
    for (;;) {
        if (lock_signal != 0) {
            result = -1;
            error = lock_signal == SIGALRM ? ETIMEDOUT : EINTR;
            break;
        }
        result = lock_once(fd, use_ofd);
        if (result == 0)
            break;
        error = errno;
        if (error == EINVAL && use_ofd) {
            use_ofd = 0;
            continue;
        }
        if (error != EINTR)
            break;
    }

    // Disarm before restoring: a SIGALRM after the handlers are restored would kill us.
    if (timed) {
        struct itimerval off = { 0 };
        setitimer(ITIMER_REAL, &off, NULL);
    }
    pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
    for (int i = 0; i < 3; i++)
        sigaction(interrupting[i], &saved[i], NULL);
    if (signal_out)
        *signal_out = lock_signal == SIGALRM ? 0 : lock_signal;
    if (result != 0)
        errno = error;
    return result;
}

int cbhf_is_mount_root(int fd) {
    struct statx stx;
    if (statx(fd, "", AT_EMPTY_PATH | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &stx) < 0)
        return -1;
    if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)) {
        errno = EOPNOTSUPP;
        return -1;
    }
    return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) ? 1 : 0;
}

int cbhf_fork_path_probe(const char *path, pid_t *pid, int *read_fd) {
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
        // Only async-signal-safe calls from here on.
        struct cbhf_path_probe result = { .error = 0, .mount_root = -1, .fs_type = 0 };
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            result.error = errno;
        } else {
            struct statfs sfs;
            if (fstatfs(fd, &sfs) < 0)
                result.error = errno;
            else
                result.fs_type = (int64_t) sfs.f_type;
            int root = cbhf_is_mount_root(fd);
            result.mount_root = root < 0 ? -1 : root;
        }
        ssize_t ignored = write(fds[1], &result, sizeof result);
        (void) ignored;
        _exit(0);
    }
    close(fds[1]);
    *pid = child;
    *read_fd = fds[0];
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
