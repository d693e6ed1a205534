/* input.c: opening input files as size-capped regular files (see input.h). */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *input_bytes_text(int64_t bytes, char *buf, size_t size)
{
    static const char *const binary[] = {"KiB", "MiB", "GiB", "TiB"};
    static const char *const decimal[] = {"kB", "MB", "GB", "TB", "PB"};
    int64_t unit = 1024;
    for (int u = 0; u < 4; u++, unit *= 1024)
        if (bytes >= unit && bytes % unit == 0 && (u == 3 || bytes < unit * 1024)) {
            snprintf(buf, size, "%lld %s", (long long)(bytes / unit), binary[u]);
            return buf;
        }
    if (bytes < 1000) {
        snprintf(buf, size, "%lld bytes", (long long)bytes);
        return buf;
    }
    double x = (double)bytes / 1000;
    int u = 0;
    while (x >= 1000 && u < 4) {
        x /= 1000;
        u++;
    }
    snprintf(buf, size, "%.1f %s", x, decimal[u]);
    return buf;
}

/* What a file that is not a regular file is, for "is a ...". */
static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

/* Errors of open(2) that mean the user named a file that cannot be read. */
static int open_error_is_input(int e)
{
    return e == ENOENT || e == ENOTDIR || e == EACCES || e == EPERM || e == ELOOP ||
           e == ENAMETOOLONG || e == EISDIR || e == ENXIO || e == ENODEV;
}

int input_open(const char *path, const char *what, int64_t max_bytes, const char *key, int *fd,
               int64_t *size, sim_error *err)
{
    char cap[32], have[32];
    *fd = -1;
    *size = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is cleared
     * below for the regular file it turns out to be. */
    int f = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (f < 0) {
        int e = errno;
        return sim_error_set(err, open_error_is_input(e) ? SIM_EINPUT : SIM_EIO, path, 0, 0, key,
                             "cannot open the %s: %s", what, strerror(e));
    }
    struct stat st;
    if (fstat(f, &st) != 0) {
        int e = errno;
        close(f);
        return sim_error_set(err, SIM_EIO, path, 0, 0, key, "cannot read the %s: %s", what,
                             strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(f);
        return sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                             "the %s is %s, not a regular file", what, file_kind(st.st_mode));
    }
    if ((int64_t)st.st_size > max_bytes) {
        close(f);
        return sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                             "the %s is %s, more than the %s a %s may have", what,
                             input_bytes_text((int64_t)st.st_size, have, sizeof have),
                             input_bytes_text(max_bytes, cap, sizeof cap), what);
    }
    int flags = fcntl(f, F_GETFL);
    if (flags < 0 || fcntl(f, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        int e = errno;
        close(f);
        return sim_error_set(err, SIM_EIO, path, 0, 0, key, "cannot read the %s: %s", what,
                             strerror(e));
    }
    *fd = f;
    *size = (int64_t)st.st_size;
    return SIM_OK;
}

int input_check(const char *path, const char *what, int64_t max_bytes, sim_error *err)
{
    int fd;
    int64_t size;
    int st = input_open(path, what, max_bytes, NULL, &fd, &size, err);
    if (st == SIM_OK) close(fd);
    return st;
}

int input_read_all(const char *path, const char *what, int64_t max_bytes, const char *key,
                   char **text, size_t *len, sim_error *err)
{
    int fd;
    int64_t size;
    char cap_text[32];
    *text = NULL;
    *len = 0;
    int st = input_open(path, what, max_bytes, key, &fd, &size, err);
    if (st) return st;
    /* room for the size fstat gave, and one byte more to see a file that grew */
    size_t cap = (size_t)size + 1, have = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        return sim_error_set(err, SIM_ENOMEM, path, 0, 0, key, "out of memory");
    }
    for (;;) {
        if (have == cap) {
            if ((int64_t)cap > max_bytes) {
                free(buf);
                close(fd);
                return sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                                     "the %s grew past the %s a %s may have while it was read",
                                     what, input_bytes_text(max_bytes, cap_text, sizeof cap_text),
                                     what);
            }
            size_t ncap = cap * 2 > (size_t)max_bytes + 1 ? (size_t)max_bytes + 1 : cap * 2;
            char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                free(buf);
                close(fd);
                return sim_error_set(err, SIM_ENOMEM, path, 0, 0, key, "out of memory");
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t got = read(fd, buf + have, cap - have);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return sim_error_set(err, SIM_EIO, path, 0, 0, key, "cannot read the %s: %s", what,
                                 strerror(e));
        }
        if (got == 0) break;
        have += (size_t)got;
    }
    close(fd);
    buf[have] = '\0';
    *text = buf;
    *len = have;
    return SIM_OK;
}

int input_read_at(int fd, void *buf, size_t len, int64_t offset, const char *path,
                  const char *key, sim_error *err)
{
    char *p = buf;
    while (len > 0) {
        size_t chunk = len > ((size_t)1 << 30) ? (size_t)1 << 30 : len;
        ssize_t got = pread(fd, p, chunk, (off_t)offset);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0)
            return sim_error_set(err, SIM_EIO, path, 0, 0, key, "cannot read: %s", strerror(errno));
        if (got == 0)
            return sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                                 "the file shrank while it was read");
        p += got;
        offset += got;
        len -= (size_t)got;
    }
    return SIM_OK;
}
