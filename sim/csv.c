/* csv.c: the CSV reading shared by the edge-list, node-file and org-chart
 * readers (see csv.h). */
#include "csv.h"
#include "input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bytes read at a time. */
#define CSV_CHUNK (256 * 1024)

int csv_reader_open(csv_reader *r, const char *path, const char *what, const char *key,
                    sim_error *err)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->what = what;
    r->key = key;
    r->fd = -1;
    int st = input_open(path, what, INPUT_MAX_TABLE, key, &r->fd, &r->size, err);
    if (st) return st;
    r->cap = CSV_CHUNK + CSV_MAX_LINE + 1;
    r->buf = malloc(r->cap + 1); /* + the NUL after a last line without "\n" */
    if (!r->buf) return sim_error_set(err, SIM_ENOMEM, path, 0, 0, key, "out of memory");
    return SIM_OK;
}

void csv_reader_close(csv_reader *r)
{
    if (r->fd >= 0) close(r->fd);
    r->fd = -1;
    free(r->buf);
    r->buf = NULL;
}

static int line_too_long(csv_reader *r, sim_error *err)
{
    return sim_error_set(err, SIM_EINPUT, r->path, r->lineno + 1, 0, r->key,
                         "line longer than %d bytes (no line end in the first %d KiB of it): "
                         "not a CSV %s", CSV_MAX_LINE, CSV_MAX_LINE / 1024, r->what);
}

int csv_reader_next(csv_reader *r, char **line, ssize_t *len, sim_error *err)
{
    *line = NULL;
    *len = 0;
    for (;;) {
        char *at = r->buf + r->start;
        size_t pending = r->end - r->start;
        char *nl = memchr(at, '\n', pending);
        if (nl || (r->eof && pending > 0)) {
            size_t n = nl ? (size_t)(nl - at) : pending;
            if (n > CSV_MAX_LINE) return line_too_long(r, err);
            at[n] = '\0';
            r->start += n + (nl != NULL);
            r->lineno++;
            *line = at;
            *len = (ssize_t)n;
            return SIM_OK;
        }
        if (pending > CSV_MAX_LINE) return line_too_long(r, err);
        if (r->eof) return SIM_OK;
        if (r->start > 0) {
            memmove(r->buf, at, pending);
            r->start = 0;
            r->end = pending;
        }
        ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0)
            return sim_error_set(err, SIM_EIO, r->path, 0, 0, r->key, "cannot read the %s: %s",
                                 r->what, strerror(errno));
        if (got == 0) r->eof = 1;
        r->end += (size_t)got;
    }
}

const char *csv_text_problem(const char *s, size_t *at)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (p[i]) {
        unsigned c = p[i];
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) {
                *at = i;
                return "a control character";
            }
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) need = 1;
        else if (c == 0xe0) need = 2, lo = 0xa0;
        else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) need = 2;
        else if (c == 0xed) need = 2, hi = 0x9f; /* no UTF-16 surrogates */
        else if (c == 0xf0) need = 3, lo = 0x90;
        else if (c >= 0xf1 && c <= 0xf3) need = 3;
        else if (c == 0xf4) need = 3, hi = 0x8f;
        else need = 0;
        for (size_t j = 1; need && j <= need; j++) {
            unsigned b = p[i + j]; /* the NUL ends a truncated sequence here */
            if (b < (j == 1 ? lo : 0x80u) || b > (j == 1 ? hi : 0xbfu)) need = 0;
        }
        if (!need) {
            *at = i;
            return "invalid UTF-8";
        }
        if (c == 0xc2 && p[i + 1] < 0xa0) { /* U+0080 .. U+009F */
            *at = i;
            return "a control character";
        }
        i += need + 1;
    }
    return NULL;
}

int csv_line(char *line, ssize_t len, int lineno, char **text)
{
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
    char *s = line;
    if (lineno == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        s += 3; /* UTF-8 byte order mark */
    *text = s;
    return strlen(s) == (size_t)len - (size_t)(s - line) ? 0 : -1;
}

/* Text for a message: s, cut to about 60 characters. */
void csv_excerpt(char *buf, size_t size, const char *s)
{
    if (strlen(s) > 60) snprintf(buf, size, "%.57s...", s);
    else snprintf(buf, size, "%s", s);
}

char *csv_trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) s[--len] = '\0';
    return s;
}

/* Split a CSV line in place into trimmed fields; a field in double quotes
 * keeps its text as is (commas too, "" is a quote).  Fills up to max fields
 * and returns their count, -1 for an unterminated quote, -2 for text after
 * a closing quote. */
int csv_split(char *s, char **fields, int max)
{
    int nf = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t') s++;
        char *field = s, *end;
        if (*s == '"') {
            char *w = s++;
            for (;;) {
                if (*s == '\0') return -1;
                if (*s == '"' && s[1] == '"') {
                    *w++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *w++ = *s++;
                }
            }
            while (*s == ' ' || *s == '\t') s++;
            if (*s != ',' && *s != '\0') return -2;
            end = *s == ',' ? s : NULL;
            *w = '\0'; /* w < s: the quotes were dropped */
        } else {
            end = strchr(s, ',');
            if (end) *end = '\0';
            field = csv_trim(s);
        }
        if (nf < max) fields[nf] = field;
        nf++;
        if (!end) return nf;
        s = end + 1;
    }
}

const char *csv_split_error(int code)
{
    return code == -1 ? "unterminated quoted field" : "text after a closing quote";
}
