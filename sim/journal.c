/* journal.c: the append-only journal of finished runs and the output lock
 * (see journal.h for the format). */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#define MAGIC "ADOPTSIM JOURNAL"
#define MAGIC_LEN 16
#define VERSION 1
#define HEADER_FIXED (MAGIC_LEN + 12)
#define RECORD_MAGIC 0x314e5552u /* "RUN1" */
#define MAX_HEADER_TEXT (64u << 20)

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

char *journal_path_of(const char *out_path, const char *suffix)
{
    size_t n = strlen(out_path) + strlen(suffix) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s%s", out_path, suffix);
    return p;
}

static int io_error(const journal *j, sim_error *err, int e)
{
    return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: %s", j->path, strerror(e));
}

int journal_lock(journal *j, const char *out_path, sim_error *err)
{
    memset(j, 0, sizeof *j);
    j->fd = -1;
    if (!(j->path = journal_path_of(out_path, ".journal")))
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (;;) {
        j->fd = open(j->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (j->fd < 0) {
            int e = errno;
            journal_release(j, 0);
            return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: cannot open %s.journal: %s",
                                 out_path, out_path, strerror(e));
        }
        if (flock(j->fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            journal_release(j, 0);
            if (e == EWOULDBLOCK)
                return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                                     "%s is being written by another adoptsim process (it holds the lock on "
                                     "%s.journal); wait for it to finish, or write to another file",
                                     out_path, out_path);
            return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot lock %s.journal: %s", out_path,
                                 strerror(e));
        }
        /* the lock holds only if the file is still the journal: a process
         * finishing between our open and flock removed the one we opened */
        struct stat a, b;
        if (fstat(j->fd, &a) == 0 && stat(j->path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
            return SIM_OK;
        close(j->fd);
        j->fd = -1;
    }
}

void journal_release(journal *j, int remove)
{
    if (remove && j->path) unlink(j->path);
    if (j->fd >= 0) close(j->fd);
    free(j->path);
    j->path = NULL;
    j->fd = -1;
}

/* Read exactly n bytes at off: 0, or an errno (EIO at the end of the file). */
static int pread_all(int fd, void *buf, size_t n, long long off)
{
    char *p = buf;
    while (n > 0) {
        ssize_t k = pread(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return k < 0 ? errno : EIO;
        p += k;
        n -= (size_t)k;
        off += k;
    }
    return 0;
}

static int pwrite_all(int fd, const void *buf, size_t n, long long off)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t k = pwrite(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return k < 0 ? errno : ENOSPC;
        p += k;
        n -= (size_t)k;
        off += k;
    }
    return 0;
}

static long long file_size(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? (long long)st.st_size : -1;
}

int journal_header(journal *j, char **text, sim_error *err)
{
    unsigned char fixed[HEADER_FIXED];
    long long size = file_size(j->fd);
    *text = NULL;
    j->has_header = 0;
    j->end = 0;
    if (size <= 0) return 0;
    if (size < HEADER_FIXED || pread_all(j->fd, fixed, HEADER_FIXED, 0)) {
        /* a header cut off while being written: only the start of the magic can tell */
        if (pread_all(j->fd, fixed, (size_t)(size < MAGIC_LEN ? size : MAGIC_LEN), 0) == 0 &&
            memcmp(fixed, MAGIC, (size_t)(size < MAGIC_LEN ? size : MAGIC_LEN)) == 0)
            return 0;
        sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s is not an adoptsim journal; move it away", j->path);
        return -1;
    }
    if (memcmp(fixed, MAGIC, MAGIC_LEN) != 0) {
        sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s is not an adoptsim journal; move it away", j->path);
        return -1;
    }
    uint32_t version = get32(fixed + MAGIC_LEN), n = get32(fixed + MAGIC_LEN + 4), crc = get32(fixed + MAGIC_LEN + 8);
    if (version != VERSION) {
        sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                      "%s was written by another version of adoptsim (journal format %u); use --force to start over",
                      j->path, (unsigned)version);
        return -1;
    }
    if (n > MAX_HEADER_TEXT || (long long)HEADER_FIXED + n > size) return 0;
    char *t = malloc((size_t)n + 1);
    if (!t) {
        sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        return -1;
    }
    if (pread_all(j->fd, t, n, HEADER_FIXED) || crc32_z(0, (const unsigned char *)t, n) != crc) {
        free(t);
        return 0;
    }
    t[n] = '\0';
    *text = t;
    j->has_header = 1;
    j->end = HEADER_FIXED + (long long)n;
    return 1;
}

int journal_scan(journal *j, long long runs, int n_vars, size_t max_record, int cut,
                 void (*found)(long long run, long long offset, void *arg), void *arg, long long *records,
                 sim_error *err)
{
    const size_t head = journal_record_head(n_vars);
    const long long size = file_size(j->fd);
    unsigned char *buf = malloc(max_record);
    long long off = j->end, n = 0;
    *records = 0;
    if (!buf) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    while (off + (long long)head <= size) {
        if (pread_all(j->fd, buf, head, off)) break;
        if (get32(buf) != RECORD_MAGIC || get32(buf + 8) != (uint32_t)n_vars || get32(buf + 4) >= runs) break;
        size_t total = head;
        for (int v = 0; v < n_vars; v++) total += get32(buf + 16 + 4 * (size_t)v);
        if (total > max_record || off + (long long)total > size) break;
        if (pread_all(j->fd, buf + head, total - head, off + (long long)head)) break;
        uLong crc = crc32_z(crc32(0, buf + 4, 8), buf + 16, total - 16);
        if (crc != get32(buf + 12)) break;
        found(get32(buf + 4), off, arg);
        off += (long long)total;
        n++;
    }
    free(buf);
    j->end = off;
    *records = n;
    if (cut && off < size) {
        if (ftruncate(j->fd, (off_t)off) != 0 || fdatasync(j->fd) != 0) return io_error(j, err, errno);
    }
    return SIM_OK;
}

int journal_reset(journal *j, sim_error *err)
{
    j->has_header = 0;
    j->end = 0;
    if (ftruncate(j->fd, 0) != 0) return io_error(j, err, errno);
    return SIM_OK;
}

int journal_append(journal *j, const char *header_text, const void *records, size_t len, long long *at,
                   sim_error *err)
{
    long long start = j->end;
    int e = 0;
    if (!j->has_header) {
        size_t n = strlen(header_text);
        unsigned char fixed[HEADER_FIXED];
        memcpy(fixed, MAGIC, MAGIC_LEN);
        put32(fixed + MAGIC_LEN, VERSION);
        put32(fixed + MAGIC_LEN + 4, (uint32_t)n);
        put32(fixed + MAGIC_LEN + 8, (uint32_t)crc32_z(0, (const unsigned char *)header_text, n));
        e = pwrite_all(j->fd, fixed, HEADER_FIXED, 0);
        if (!e) e = pwrite_all(j->fd, header_text, n, HEADER_FIXED);
        start = HEADER_FIXED + (long long)n;
    }
    if (!e) e = pwrite_all(j->fd, records, len, start);
    if (!e && fdatasync(j->fd) != 0) e = errno;
    if (e) {
        /* back to what was committed: shrinking is allowed even past a file size limit */
        if (ftruncate(j->fd, (off_t)(j->has_header ? j->end : 0)) == 0) (void)fdatasync(j->fd);
        return io_error(j, err, e);
    }
    j->has_header = 1;
    j->end = start + (long long)len;
    *at = start;
    return SIM_OK;
}

int journal_read(journal *j, long long off, void *buf, size_t len, sim_error *err)
{
    int e = pread_all(j->fd, buf, len, off);
    if (e) return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot read %s: %s", j->path, strerror(e));
    return SIM_OK;
}

/* ---- records ------------------------------------------------------------------------ */

void journal_record_seal(unsigned char *rec, uint32_t run, int n_vars, const uint32_t *lens, size_t body)
{
    const size_t head = journal_record_head(n_vars);
    put32(rec, RECORD_MAGIC);
    put32(rec + 4, run);
    put32(rec + 8, (uint32_t)n_vars);
    for (int v = 0; v < n_vars; v++) put32(rec + 16 + 4 * (size_t)v, lens[v]);
    uLong crc = crc32_z(crc32(0, rec + 4, 8), rec + 16, head - 16 + body);
    put32(rec + 12, (uint32_t)crc);
}

uint32_t journal_record_run(const unsigned char *rec)
{
    return get32(rec + 4);
}

void journal_record_lens(const unsigned char *rec, int n_vars, uint32_t *lens)
{
    for (int v = 0; v < n_vars; v++) lens[v] = get32(rec + 16 + 4 * (size_t)v);
}

size_t journal_record_size(const unsigned char *rec, int n_vars)
{
    size_t total = journal_record_head(n_vars);
    for (int v = 0; v < n_vars; v++) total += get32(rec + 16 + 4 * (size_t)v);
    return total;
}
