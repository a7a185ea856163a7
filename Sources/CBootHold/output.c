#define _GNU_SOURCE
#include "cboothold_output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cbh_open_tmpfile(int dirfd, unsigned int mode) {
#ifdef O_TMPFILE
    return openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t) mode);
#else
    errno = EOPNOTSUPP;
    return -1;
#endif
}

int cbh_link_tmpfile(int fd, int dirfd, const char *name) {
    char proc_path[64];
    snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, proc_path, dirfd, name, AT_SYMLINK_FOLLOW);
}

int cbh_stat(int dirfd, const char *path, int follow, struct cbh_file_status *status) {
    struct stat st;
    if (fstatat(dirfd, path, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    if (S_ISREG(st.st_mode))
        status->kind = CBH_KIND_REGULAR;
    else if (S_ISDIR(st.st_mode))
        status->kind = CBH_KIND_DIRECTORY;
    else if (S_ISLNK(st.st_mode))
        status->kind = CBH_KIND_SYMLINK;
    else if (S_ISCHR(st.st_mode))
        status->kind = CBH_KIND_CHARACTER_DEVICE;
    else
        status->kind = CBH_KIND_OTHER;
    status->size = (int64_t) st.st_size;
    status->device = (uint64_t) st.st_dev;
    status->inode = (uint64_t) st.st_ino;
    return 0;
}

int cbh_next_entry_name(void *dir, const char **name) {
    for (;;) {
        errno = 0;
        struct dirent *entry = readdir((DIR *) dir);
        if (!entry)
            return errno == 0 ? 0 : -1;
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        *name = entry->d_name;
        return 1;
    }
}
