#define _GNU_SOURCE
#include "cboothold.h"

#include <fcntl.h>
#include <sys/vfs.h>

int cbh_open_path(int dirfd, const char *path, int extra_flags) {
    return openat(dirfd, path, O_PATH | O_CLOEXEC | extra_flags);
}

int cbh_fstatfs_type(int fd, int64_t *type) {
    struct statfs s;
    if (fstatfs(fd, &s) < 0)
        return -1;
    *type = (int64_t) s.f_type;
    return 0;
}
