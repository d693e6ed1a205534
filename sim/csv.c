/* csv.c: the CSV line handling shared by the edge-list and org-chart
 * readers (see csv.h). */
#include "csv.h"

#include <stdio.h>
#include <string.h>

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
