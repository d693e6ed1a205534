/* csv.h: splitting a CSV line in place, for the edge-list (network_file.c) and
 * org-chart (orgchart.c) readers, and short excerpts of input for messages. */
#ifndef SIM_CSV_H
#define SIM_CSV_H

#include <stddef.h>
#include <sys/types.h>

/* A line as getline(3) read it (len bytes): strips the line ending and, on
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

/* s for a message, cut to about 60 characters, into buf. */
void csv_excerpt(char *buf, size_t size, const char *s);

#endif
