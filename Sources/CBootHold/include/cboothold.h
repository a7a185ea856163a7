// GNU/Linux calls and constants that Swift's Glibc module does not expose
// (it is built without _GNU_SOURCE). Each wrapper is one call, returns what the
// call returns and leaves errno as the call left it. Add a header and a .c file per
// area rather than growing this one.
#ifndef CBOOTHOLD_H
#define CBOOTHOLD_H

#include <stdint.h>

#include "cboothold_libc.h"

/// AUTOFS_SUPER_MAGIC from <linux/magic.h>.
#define CBH_AUTOFS_SUPER_MAGIC 0x0187

/// O_PATH | O_CLOEXEC | extra (e.g. O_NOFOLLOW, O_DIRECTORY) relative to dirfd.
/// An O_PATH open never triggers an automount.
int cbh_open_path(int dirfd, const char *path, int extra_flags);

/// fstatfs(fd) → f_type through *type. Returns 0 or -1 with errno.
int cbh_fstatfs_type(int fd, int64_t *type);

#endif
