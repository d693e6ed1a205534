/* input.h: opening the files adoptsim reads (scenario and experiment files,
 * org charts, edge lists, node files, CSR binaries, results files for
 * report) so that each is a regular file of bounded size.
 *
 * A file is opened once (without blocking, so a FIFO cannot hang the
 * open), checked on the open descriptor with fstat (no race between the
 * check and the read: what is checked is what is read), and read from that
 * descriptor.  Symlinks are followed: /dev/stdin, a FIFO, /dev/zero or
 * another device, a socket and a directory are refused with the path and
 * what it is.  Each kind of file has a size cap (below); a larger file is
 * refused before anything is read.
 *
 * Statuses: a file that is missing, unreadable (permissions), not a
 * regular file or too large is bad input (SIM_EINPUT, exit 2); a failure
 * of the system while reading (EIO, too many open files, ...) is SIM_EIO. */
#ifndef SIM_INPUT_H
#define SIM_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* Size caps, in bytes. */
#define INPUT_MAX_YAML    (16LL << 20) /* scenario and experiment files: 16 MiB */
#define INPUT_MAX_TABLE   (64LL << 30) /* CSV edge lists, node files, org charts, CSR
                                          binaries: 64 GiB (the memory estimate of
                                          budget.h is what bounds a run) */
#define INPUT_MAX_RESULTS (1LL << 40)  /* results files for report: 1 TiB (HDF5 reads
                                          only what it needs) */

/* Open path for reading.  what names the file in messages ("scenario
 * file", "edge-list file"); key is the key the error names (NULL: none).
 * On success *fd is an open descriptor (the caller closes it) positioned
 * at 0, and *size the file's size; on failure err names path. */
int input_open(const char *path, const char *what, int64_t max_bytes, const char *key, int *fd,
               int64_t *size, sim_error *err);

/* input_open and close: for a file a library opens by its name (HDF5).
 * The file could still be replaced between the check and that open. */
int input_check(const char *path, const char *what, int64_t max_bytes, sim_error *err);

/* input_open, then the whole file into a malloc'd buffer with a NUL after
 * its len bytes (the caller frees *text).  A file that grows past the cap
 * while being read is refused too. */
int input_read_all(const char *path, const char *what, int64_t max_bytes, const char *key,
                   char **text, size_t *len, sim_error *err);

/* Read len bytes at offset from fd (short reads retried).  SIM_EIO on a
 * read error, SIM_EINPUT when the file ends first (it shrank). */
int input_read_at(int fd, void *buf, size_t len, int64_t offset, const char *path,
                  const char *key, sim_error *err);

/* "16 MiB", "64 GiB", "1.5 GB": bytes for a message, into buf (binary units
 * for caps when exact; otherwise decimal with one decimal place). */
const char *input_bytes_text(int64_t bytes, char *buf, size_t size);

#endif
