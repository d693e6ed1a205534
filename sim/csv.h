/* csv.h: reading CSV files line by line and splitting a line in place, for
 * the edge-list and node-file (network_file.c) and org-chart (orgchart.c)
 * readers; checking text fields; short excerpts of input for messages. */
#ifndef SIM_CSV_H
#define SIM_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"

/* The longest line a CSV file may have, in bytes without the line end: a
 * file with a longer one (no line end in 64 KiB: a binary file, /dev/zero
 * copied to disk, one huge line) is refused at that line. */
#define CSV_MAX_LINE (64 * 1024)

/* A CSV file read a buffer at a time from one descriptor (input.h: a
 * regular file of at most INPUT_MAX_TABLE bytes); memory is bounded by the
 * buffer whatever the file holds. */
typedef struct csv_reader {
    const char *path, *what, *key; /* for messages (not owned) */
    int fd;
    int64_t size;   /* the file's size when opened */
    char *buf;      /* read buffer (owned) */
    size_t cap, start, end;
    int eof;
    int lineno;     /* 1-based number of the line last returned */
} csv_reader;

/* Open path (what names it in messages, key is the key errors name);
 * errors as input_open.  csv_reader_close releases it (also after a
 * failed open). */
int csv_reader_open(csv_reader *r, const char *path, const char *what, const char *key,
                    sim_error *err);
void csv_reader_close(csv_reader *r);

/* The next line: *line points to it in the buffer (NUL-terminated in place,
 * without its "\n", valid until the next call) and *len is its length;
 * *line is NULL at the end of the file.  A line longer than CSV_MAX_LINE
 * is an error at its line (SIM_EINPUT); a read error is SIM_EIO. */
int csv_reader_next(csv_reader *r, char **line, ssize_t *len, sim_error *err);

/* A line as csv_reader_next or getline(3) read it (len bytes): strips the line ending and, on
 * line 1, a UTF-8 byte-order mark; *text is what is left.  Returns 0, or -1
 * when the line holds a NUL byte (binary data, not CSV). */
int csv_line(char *line, ssize_t len, int lineno, char **text);

/* s without leading and trailing blanks (spaces, tabs), in place. */
char *csv_trim(char *s);

/* Split a CSV line in place into trimmed fields; a field in double quotes
 * keeps its text as is (commas too, "" is a quote).  Fills up to max fields
 * and returns their count (which may exceed max), -1 for an unterminated
 * quote, -2 for text after a closing quote. */
int csv_split(char *s, char **fields, int max);

/* What a negative csv_split result means, for a message. */
const char *csv_split_error(int code);

/* Why s cannot be a name written to the output (an org-chart id):
 * "invalid UTF-8" or "a control character", with *at its byte offset; NULL
 * when it is fine.  Control characters are C0 (tab included), DEL and C1. */
const char *csv_text_problem(const char *s, size_t *at);

/* s for a message, cut to about 60 characters, into buf. */
void csv_excerpt(char *buf, size_t size, const char *s);

#endif
