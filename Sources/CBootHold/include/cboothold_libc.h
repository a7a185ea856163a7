// The C library as the Swift sources see it, in both build modes: the headers of every libc
// call they make, and a one-line wrapper for each thing Swift cannot import from them (a
// variadic function, a macro that is not a constant). Embedded Swift has no Glibc module,
// and the normal build uses this one too, so that both compile the same calls.
#ifndef CBOOTHOLD_LIBC_H
#define CBOOTHOLD_LIBC_H

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/// The calling thread's errno (a macro in <errno.h>).
static inline int cbh_errno(void) { return errno; }

/// openat(2) with its mode always passed (openat is variadic).
static inline int cbh_openat(int dirfd, const char *path, int flags, mode_t mode) {
    return openat(dirfd, path, flags, mode);
}

#endif
