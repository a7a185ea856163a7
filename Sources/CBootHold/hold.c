#define _GNU_SOURCE
#include "cboothold_hold.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int fill_set(sigset_t *set, const int *signals, size_t count) {
    if (sigemptyset(set) < 0)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (sigaddset(set, signals[i]) < 0)
            return -1;
    return 0;
}

int cbh_block_signals(const int *signals, size_t count) {
    sigset_t set;
    if (fill_set(&set, signals, count) < 0)
        return -1;
    return sigprocmask(SIG_BLOCK, &set, NULL);
}

int cbh_signalfd(const int *signals, size_t count) {
    sigset_t set;
    if (fill_set(&set, signals, count) < 0)
        return -1;
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

ssize_t cbh_signalfd_read(int fd, uint32_t *signal, uint32_t *sender_pid) {
    struct signalfd_siginfo info;
    ssize_t n = read(fd, &info, sizeof info);
    if (n == (ssize_t) sizeof info) {
        *signal = info.ssi_signo;
        *sender_pid = info.ssi_pid;
    }
    return n;
}

int cbh_inotify_init(void) {
    return inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
}

int cbh_inotify_add_watch(int fd, const char *path, uint32_t mask) {
    return inotify_add_watch(fd, path, mask);
}

int cbh_inotify_rm_watch(int fd, int watch) {
    return inotify_rm_watch(fd, watch);
}

int cbh_inotify_event_at(const void *buffer, size_t length, size_t offset, int32_t *watch,
                         uint32_t *mask, const char **name, size_t *next_offset) {
    if (offset >= length || length - offset < sizeof(struct inotify_event))
        return -1;
    const struct inotify_event *event = (const void *) ((const char *) buffer + offset);
    size_t size = sizeof(struct inotify_event) + event->len;
    if (length - offset < size)
        return -1;
    *watch = event->wd;
    *mask = event->mask;
    *name = event->len > 0 ? event->name : NULL;
    *next_offset = offset + size;
    return 0;
}

const size_t cbh_inotify_buffer_size = 16 * (sizeof(struct inotify_event) + NAME_MAX + 1);

const uint32_t cbh_IN_CREATE = IN_CREATE;
const uint32_t cbh_IN_DELETE = IN_DELETE;
const uint32_t cbh_IN_MOVED_FROM = IN_MOVED_FROM;
const uint32_t cbh_IN_MOVED_TO = IN_MOVED_TO;
const uint32_t cbh_IN_DELETE_SELF = IN_DELETE_SELF;
const uint32_t cbh_IN_MOVE_SELF = IN_MOVE_SELF;
const uint32_t cbh_IN_IGNORED = IN_IGNORED;
const uint32_t cbh_IN_Q_OVERFLOW = IN_Q_OVERFLOW;
const uint32_t cbh_IN_ONLYDIR = IN_ONLYDIR;
const uint32_t cbh_IN_ISDIR = IN_ISDIR;

int cbh_unix_datagram_socket(void) {
    return socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

ssize_t cbh_unix_sendto(int fd, const char *address, const void *message, size_t length) {
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t n = strlen(address);
    // sd_notify(3): a path, or "@" for the abstract namespace (no NUL terminator counted).
    if (n < 2 || n > sizeof sa.sun_path || (address[0] != '/' && address[0] != '@')
        || (address[0] == '/' && n == sizeof sa.sun_path)) {
        errno = EINVAL;
        return -1;
    }
    memcpy(sa.sun_path, address, n);
    socklen_t size = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n);
    if (address[0] == '@')
        sa.sun_path[0] = '\0';
    else
        size += 1;  // the terminating NUL of a path
    return sendto(fd, message, length, MSG_NOSIGNAL, (const struct sockaddr *) &sa, size);
}

#include <link.h>
#include <poll.h>
#include <sys/mman.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

struct page_out { long advised; int error; };

// Text relocations mean the loader wrote into read-only segments: those private copies must
// not be dropped, or the next fault would bring back unrelocated code.
static int has_text_relocations(const struct dl_phdr_info *info) {
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
            continue;
        const ElfW(Dyn) *entry = (const void *) (info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
        for (; entry->d_tag != DT_NULL; entry++)
            if (entry->d_tag == DT_TEXTREL || (entry->d_tag == DT_FLAGS && (entry->d_un.d_val & DF_TEXTREL)))
                return 1;
    }
    return 0;
}

static int page_out_object(struct dl_phdr_info *info, size_t size, void *data) {
    (void) size;
    struct page_out *state = data;
    if (strncmp(info->dlpi_name, "linux-vdso", 10) == 0 || strncmp(info->dlpi_name, "linux-gate", 10) == 0)
        return 0;  // the vDSO is not a file mapping
    int unmap = !has_text_relocations(info);
    long page = sysconf(_SC_PAGESIZE);
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || (segment->p_flags & PF_W))
            continue;
        uintptr_t start = (info->dlpi_addr + segment->p_vaddr) & ~(uintptr_t) (page - 1);
        uintptr_t end = info->dlpi_addr + segment->p_vaddr + segment->p_memsz;
        // PAGEOUT frees the pages only this process maps; DONTNEED then unmaps the rest
        // (large or shared folios), which stay in the page cache for whoever needs them.
        if (madvise((void *) start, end - start, MADV_PAGEOUT) < 0
            || (unmap && madvise((void *) start, end - start, MADV_DONTNEED) < 0)) {
            if (state->error == 0)
                state->error = errno;
            continue;
        }
        state->advised += (long) (end - start);
    }
    return 0;
}

long cbh_page_out_loaded_code(void) {
    struct page_out state = { 0, 0 };
    dl_iterate_phdr(page_out_object, &state);
    if (state.error != 0) {
        errno = state.error;
        return -1;
    }
    return state.advised;
}

int cbh_page_out_and_poll(struct pollfd *fds, unsigned long count, long *advised) {
    // Both in C, back to back: Swift code that ran between them would fault pages back in.
    *advised = cbh_page_out_loaded_code();
    return poll(fds, (nfds_t) count, -1);
}
