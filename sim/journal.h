/* journal.h: <OUT>.journal, the runs a command has finished kept on disk
 * while it runs, and the lock that lets one process at a time own OUT.
 *
 * Format (integers little-endian):
 *   header   "ADOPTSIM JOURNAL" (16 bytes), u32 format version (1), u32 length
 *            n of the text, u32 CRC-32 of the text, the text: the resolved
 *            experiment definition and the layout plan (layout_describe)
 *   records  u32 magic "RUN1", u32 run index, u32 number of variables V,
 *            u32 CRC-32 (zlib) of the run index, V and everything after the
 *            CRC, u32 length of each variable's chunk [V], the chunks (as
 *            layout_pack made them)
 * Records are appended and committed (written, then fdatasync) in batches;
 * a record is in the journal once committed.  A kill can leave a torn or
 * garbled last record: journal_scan finds the committed ones and cuts the
 * rest off.
 *
 * The lock: journal_lock opens (creating it when absent) <OUT>.journal and
 * takes flock(LOCK_EX | LOCK_NB) on it for the life of the command.  A
 * second process on the same OUT is refused at once, whatever its options.
 *
 * Ownership: journal_lock fills a caller's struct; journal_release closes
 * it (dropping the lock) and frees what it holds. */
#ifndef SIM_JOURNAL_H
#define SIM_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

typedef struct journal {
    int fd;
    char *path;          /* <OUT>.journal */
    long long end;       /* committed bytes: the header and whole records */
    int has_header;      /* the header is committed */
} journal;

/* The path of OUT's journal (suffix ".journal") or temporary file
 * (".tmp"), malloc'd; NULL when out of memory. */
char *journal_path_of(const char *out_path, const char *suffix);

/* Open or create OUT's journal and lock it.  SIM_EINPUT when another process
 * holds the lock; SIM_EIO when it cannot be opened. */
int journal_lock(journal *j, const char *out_path, sim_error *err);

/* Read the header: 1 with its text (*text, malloc'd) when one was
 * committed; 0 when the journal is empty or its header was cut off before
 * its commit (it holds nothing); -1 with err filled (SIM_EINPUT) when the
 * file is not an adoptsim journal or has another format version. */
int journal_header(journal *j, char **text, sim_error *err);

/* Visit the committed records after a valid header, in file order: for
 * each, found(run, offset of the record, arg).  A record for a run >= runs,
 * with another number of variables, longer than max_record bytes, cut off or
 * failing its CRC ends the scan there; with cut the journal is truncated
 * (and synced) at that point.  Sets j->end; *records = records visited. */
int journal_scan(journal *j, long long runs, int n_vars, size_t max_record, int cut,
                 void (*found)(long long run, long long offset, void *arg), void *arg, long long *records,
                 sim_error *err);

/* Empty the journal (--force). */
int journal_reset(journal *j, sim_error *err);

/* Append len bytes of sealed records and commit them, writing the header
 * (text) first when the journal has none.  *at = offset of the first record.
 * On failure the journal is cut back to what was committed before. */
int journal_append(journal *j, const char *header_text, const void *records, size_t len, long long *at,
                   sim_error *err);

/* Read len bytes at offset off. */
int journal_read(journal *j, long long off, void *buf, size_t len, sim_error *err);

/* Close (dropping the lock); remove: unlink the journal first. */
void journal_release(journal *j, int remove);

/* ---- records -------------------------------------------------------------------- */

/* Bytes before a record's chunks. */
static inline size_t journal_record_head(int n_vars)
{
    return 16 + 4 * (size_t)n_vars;
}

/* Fill the head of the record at rec whose chunks (body bytes) follow it. */
void journal_record_seal(unsigned char *rec, uint32_t run, int n_vars, const uint32_t *lens, size_t body);

/* The run of a sealed record, its variables' lengths, its total size. */
uint32_t journal_record_run(const unsigned char *rec);
void journal_record_lens(const unsigned char *rec, int n_vars, uint32_t *lens);
size_t journal_record_size(const unsigned char *rec, int n_vars);

#endif
