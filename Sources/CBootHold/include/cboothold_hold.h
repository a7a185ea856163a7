// The calls boothold-hold needs that Swift's Glibc module does not expose (signalfd,
// inotify, abstract AF_UNIX addresses). One wrapper per system call; each returns what the
// call returns and leaves errno as the call left it.
#ifndef CBOOTHOLD_HOLD_H
#define CBOOTHOLD_HOLD_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// sigprocmask(SIG_BLOCK) of `count` signals.
int cbh_block_signals(const int *signals, size_t count);

/// signalfd(-1, {signals}, SFD_CLOEXEC | SFD_NONBLOCK) for `count` signals.
int cbh_signalfd(const int *signals, size_t count);

/// read(2) of one struct signalfd_siginfo. Returns what read returned (-1 with errno,
/// 0, or the number of bytes); on a whole record fills the signal and the sender's PID.
ssize_t cbh_signalfd_read(int fd, uint32_t *signal, uint32_t *sender_pid);

/// inotify_init1(IN_CLOEXEC | IN_NONBLOCK).
int cbh_inotify_init(void);

/// inotify_add_watch(2).
int cbh_inotify_add_watch(int fd, const char *path, uint32_t mask);

/// inotify_rm_watch(2).
int cbh_inotify_rm_watch(int fd, int watch);

/// Decodes the struct inotify_event at `offset` of a buffer filled by read(2). Returns 0
/// and the event's fields (name is NULL when the event has none; it points into `buffer`),
/// or -1 when no whole event starts at `offset`.
int cbh_inotify_event_at(const void *buffer, size_t length, size_t offset, int32_t *watch,
                         uint32_t *mask, const char **name, size_t *next_offset);

/// The size of a read(2) buffer that always fits at least one event.
extern const size_t cbh_inotify_buffer_size;

extern const uint32_t cbh_IN_CREATE;
extern const uint32_t cbh_IN_DELETE;
extern const uint32_t cbh_IN_MOVED_FROM;
extern const uint32_t cbh_IN_MOVED_TO;
extern const uint32_t cbh_IN_DELETE_SELF;
extern const uint32_t cbh_IN_MOVE_SELF;
extern const uint32_t cbh_IN_IGNORED;
extern const uint32_t cbh_IN_Q_OVERFLOW;
extern const uint32_t cbh_IN_ONLYDIR;
extern const uint32_t cbh_IN_ISDIR;

/// socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0).
int cbh_unix_datagram_socket(void);

/// sendto(2) with MSG_NOSIGNAL to the AF_UNIX address named as in $NOTIFY_SOCKET: a path
/// ("/run/systemd/notify") or an abstract name ("@name", the "@" standing for the leading
/// NUL byte). An address that is empty, too long or neither form fails with EINVAL.
ssize_t cbh_unix_sendto(int fd, const char *address, const void *message, size_t length);

/// Gives back the code pages of the program and its libraries (dl_iterate_phdr): over every
/// read-only PT_LOAD segment, madvise(MADV_PAGEOUT) (the kernel frees what only this process
/// maps), then MADV_DONTNEED (unmaps the rest; not for objects with text relocations, whose
/// relocated private copies must stay). Code faults back in from the file when it runs again.
/// Returns the number of bytes advised, or -1 with errno from the first refused madvise
/// (EINVAL for MADV_PAGEOUT before Linux 5.4).
long cbh_page_out_loaded_code(void);

/// cbh_page_out_loaded_code() (its result through *advised), then poll(fds, count, -1),
/// with no code of the caller running in between. Returns what poll returned.
int cbh_page_out_and_poll(struct pollfd *fds, unsigned long count, long *advised);

#endif
