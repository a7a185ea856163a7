// Calls the generator's output writer and machine reader need that Swift's Glibc module
// does not expose (O_TMPFILE, linking an anonymous file into a directory) or that are
// awkward to reach from Swift (struct stat fields, readdir names).
#ifndef CBOOTHOLD_OUTPUT_H
#define CBOOTHOLD_OUTPUT_H

#include <stdint.h>
#include <sys/types.h>

/// openat(dirfd, ".", O_TMPFILE|O_WRONLY|O_CLOEXEC, mode): an unnamed file in the directory.
int cbh_open_tmpfile(int dirfd, unsigned int mode);

/// Gives the unnamed file `fd` the name `name` in `dirfd`: linkat through /proc/self/fd/N with
/// AT_SYMLINK_FOLLOW. Fails with EEXIST when the name exists (never replaces, never follows).
int cbh_link_tmpfile(int fd, int dirfd, const char *name);

/// The kind of an inode, from lstat's st_mode.
enum {
    CBH_KIND_OTHER = 0,
    CBH_KIND_REGULAR = 1,
    CBH_KIND_DIRECTORY = 2,
    CBH_KIND_SYMLINK = 3,
    CBH_KIND_CHARACTER_DEVICE = 4,
};

struct cbh_file_status {
    int kind;
    int64_t size;
    uint64_t device;
    uint64_t inode;
};

/// fstatat(dirfd, path, AT_SYMLINK_NOFOLLOW) (follow = 0) or following symlinks (follow = 1).
/// stat never triggers an automount on the last component (AT_NO_AUTOMOUNT is implied since 4.11).
int cbh_stat(int dirfd, const char *path, int follow, struct cbh_file_status *status);

/// Reads the next directory entry name of `dir` (a DIR *) into *name, skipping "." and "..".
/// Returns 1 with a name, 0 at the end, -1 with errno on error.
int cbh_next_entry_name(void *dir, const char **name);

#endif
