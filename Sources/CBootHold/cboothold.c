#define _GNU_SOURCE
#include "cboothold.h"

#include <fcntl.h>
#include <sys/vfs.h>

const int cbh_O_PATH = O_PATH;
const int cbh_O_NOFOLLOW = O_NOFOLLOW;
const int cbh_O_DIRECTORY = O_DIRECTORY;
const int cbh_O_CLOEXEC = O_CLOEXEC;

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
