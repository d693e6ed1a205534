/* error.h: the error record every library function fills instead of printing.
 *
 * Library code never prints and never exits: it returns a status code and, on
 * failure, fills a sim_error describing where the problem is (file, line,
 * column, key) and what is wrong.  Only main() prints it and picks the exit
 * code (see sim_status_exit_code). */
#ifndef SIM_ERROR_H
#define SIM_ERROR_H

#include <stddef.h>

/* Status codes returned by every fallible function. */
enum {
    SIM_OK = 0,
    SIM_EINPUT = 1, /* bad input: scenario file, --set, org chart, command line */
    SIM_EIO = 2,    /* file system: cannot read, cannot write, disk full */
    SIM_ENOMEM = 3, /* allocation failed */
    SIM_EINTERNAL = 4
};

typedef struct sim_error {
    int status;      /* one of the codes above, SIM_OK when empty */
    char file[512];  /* file the problem is in, "" if none ("--set" for overrides) */
    int line;        /* 1-based line, 0 if unknown */
    int column;      /* 1-based column, 0 if unknown */
    char key[256];   /* dotted key path ("model.bass.p"), "" if none */
    char msg[768];   /* what is wrong, one sentence, no trailing newline */
} sim_error;

/* Clear an error record. */
void sim_error_clear(sim_error *err);

/* Fill err (if not NULL) and return status.  file/key may be NULL.
 * Typical use: return sim_error_set(err, SIM_EINPUT, file, line, col, key, "expected %s", what); */
int sim_error_set(sim_error *err, int status, const char *file, int line, int column,
                  const char *key, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Write "file:line:column: key: msg" (parts that are empty are left out)
 * into buf; returns buf. */
const char *sim_error_format(const sim_error *err, char *buf, size_t size);

/* The process exit code main() uses for a status: 0 ok, 2 bad input, 1 otherwise. */
int sim_status_exit_code(int status);

/* Warnings: input that is legitimate but suspicious (a key that does nothing
 * in this run, a --set that overrides a scenario's own value).  Library code
 * appends them to a list its caller passes (NULL: not wanted); only main()
 * prints them, on stderr, as "warning: file:line:column: key: msg".  Each is
 * a sim_error record with status SIM_OK. */
typedef struct sim_warnings {
    sim_error *items; /* n records in the order given (owned) */
    int n, cap;
    int lost;         /* warnings dropped for want of memory */
} sim_warnings;

/* Append a warning (w NULL: a no-op); an exact copy of one already in the
 * list is left out, so a check repeated over many runs says it once. */
void sim_warn(sim_warnings *w, const char *file, int line, int column, const char *key,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Append a copy of rec (its status is set to SIM_OK), unless an equal record
 * is there already; returns 1 when added. */
int sim_warnings_add(sim_warnings *w, const sim_error *rec);

/* Free the records; w is left empty and may be used again (NULL is a no-op). */
void sim_warnings_free(sim_warnings *w);

#endif
