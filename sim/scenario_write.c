/* scenario_write.c: scenarios as text: the fully resolved scenario as YAML
 * (scenario_to_yaml, stored in every output file) and the parameter
 * reference as a Markdown table (scenario_params_markdown, `adoptsim params
 * --markdown`), both built in a growing string buffer. */
#include "scenario.h"
#include "scenario_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- text output ---------- */

typedef struct strbuf {
    char *p;
    size_t len, cap;
    int failed;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 1024;
        while (b->len + n + 1 > ncap) ncap *= 2;
        char *np = realloc(b->p, ncap);
        if (!np) {
            b->failed = 1;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(strbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(strbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        sb_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_add(b, big, (size_t)n);
    free(big);
}

/* Hand over the text, or NULL (freeing it) if anything failed. */
static char *sb_finish(strbuf *b)
{
    if (b->failed) {
        free(b->p);
        return NULL;
    }
    if (!b->p) return scenario_strdup("");
    return b->p;
}

/* s (n bytes) as a YAML double-quoted scalar.  The Unicode line breaks NEL,
 * LS and PS are escaped too: raw, a reader folds them (libyaml turns NEL
 * into a space). */
static void sb_quoted(strbuf *b, const char *s, size_t n)
{
    sb_puts(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85) {
            sb_puts(b, "\\N");
            i++;
        } else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
            sb_puts(b, (unsigned char)s[i + 2] == 0xa8 ? "\\L" : "\\P");
            i += 2;
        } else if (c == '"') sb_puts(b, "\\\"");
        else if (c == '\\') sb_puts(b, "\\\\");
        else if (c == '\n') sb_puts(b, "\\n");
        else if (c == '\t') sb_puts(b, "\\t");
        else if (c == '\r') sb_puts(b, "\\r");
        else if (c < 0x20 || c == 0x7f) sb_printf(b, "\\x%02x", c);
        else sb_add(b, (const char *)&c, 1);
    }
    sb_puts(b, "\"");
}

/* 1 if s (n bytes) can be written as a plain YAML scalar and read back as is. */
static int plain_safe(const char *s, size_t n)
{
    if (n == 0 || s[0] == '-' || s[0] == '.') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

static void sb_value(strbuf *b, const param_value *v)
{
    char num[40];
    switch (v->def->type) {
    case PARAM_BOOL: sb_puts(b, v->i ? "true" : "false"); break;
    case PARAM_INT: sb_printf(b, "%lld", v->i); break;
    case PARAM_DOUBLE:
        scenario_format_double(v->d, num, sizeof num);
        sb_puts(b, num);
        break;
    case PARAM_STRING: sb_quoted(b, v->s ? v->s : "", v->s ? strlen(v->s) : 0); break;
    case PARAM_ENUM:
        if (v->s && plain_safe(v->s, strlen(v->s))) sb_puts(b, v->s);
        else sb_quoted(b, v->s ? v->s : "", v->s ? strlen(v->s) : 0);
        break;
    case PARAM_DOUBLE_LIST:
        sb_puts(b, "[");
        for (int k = 0; k < v->n; k++) {
            scenario_format_double(v->list[k], num, sizeof num);
            sb_printf(b, "%s%s", k ? ", " : "", num);
        }
        sb_puts(b, "]");
        break;
    case PARAM_NAME_LIST:
        sb_puts(b, "[");
        for (const char *p = v->s ? v->s : ""; *p; p++) sb_puts(b, *p == ',' ? ", " : (char[]){*p, '\0'});
        sb_puts(b, "]");
        break;
    }
}

/* Rows under model.<X>. for a model X other than the selected one are hidden. */
static int row_shown(const char *path, const char *model)
{
    const char *rest, *dot;
    if (!model || strncmp(path, "model.", 6) != 0) return 1;
    rest = path + 6;
    dot = strchr(rest, '.');
    if (!dot) return 1;
    return (size_t)(dot - rest) == strlen(model) && strncmp(rest, model, strlen(model)) == 0;
}

/* 1 if path lies under the section given by the first plen bytes of prefix
 * (plen 0: the top level). */
static int under(const char *path, const char *prefix, size_t plen)
{
    return plen == 0 || (strncmp(path, prefix, plen) == 0 && path[plen] == '.');
}

/* Emit the keys and sections under prefix[0..plen), each section once, in the
 * order its first row appears. */
static void emit_section(strbuf *b, const scenario *scn, const char *model, const char *prefix,
                         size_t plen, int depth)
{
    /* the segments already written at this depth (a section's keys need not
     * be next to each other in the table); a section rarely has more than a
     * few dozen, past MAX_SEGMENTS the rows themselves are searched */
    enum { MAX_SEGMENTS = 256 };
    const char *done[MAX_SEGMENTS];
    size_t done_len[MAX_SEGMENTS], n_done = 0;
    for (size_t i = 0; i < scn->n; i++) {
        const param_value *v = &scn->values[i];
        const char *path = v->def->path;
        const char *seg;
        size_t seglen;
        int seen = 0;

        if (!row_shown(path, model) || !under(path, prefix, plen)) continue;
        seg = path + (plen ? plen + 1 : 0);
        seglen = strcspn(seg, ".");
        for (size_t j = 0; j < n_done && !seen; j++)
            seen = done_len[j] == seglen && memcmp(done[j], seg, seglen) == 0;
        for (size_t j = 0; n_done == MAX_SEGMENTS && j < i && !seen; j++) {
            const char *q = scn->values[j].def->path;
            if (row_shown(q, model) && under(q, prefix, plen) &&
                strncmp(q + (seg - path), seg, seglen) == 0 &&
                (q[(seg - path) + seglen] == '.' || q[(seg - path) + seglen] == '\0'))
                seen = 1;
        }
        if (seen) continue;
        if (n_done < MAX_SEGMENTS) {
            done[n_done] = seg;
            done_len[n_done++] = seglen;
        }

        sb_printf(b, "%*s", 2 * depth, "");
        if (plain_safe(seg, seglen)) sb_add(b, seg, seglen);
        else sb_quoted(b, seg, seglen);
        if (seg[seglen] == '\0') {
            sb_puts(b, ": ");
            sb_value(b, v);
            if (v->def->unit && v->def->unit[0]) sb_printf(b, "  # %s", v->def->unit);
            /* a time given as weeks, months or a date: the text given */
            if (v->def->type == PARAM_INT && v->s) sb_printf(b, " (given as %s)", v->s);
            sb_puts(b, "\n");
        } else {
            sb_puts(b, ":\n");
            emit_section(b, scn, model, path, (size_t)(seg - path) + seglen, depth + 1);
        }
    }
}

char *scenario_to_yaml(const scenario *scn)
{
    strbuf b = {0};
    const param_value *name = scenario_find(scn, "model.name");
    const char *model = NULL;
    if (name && (name->def->type == PARAM_STRING || name->def->type == PARAM_ENUM)) model = name->s;
    emit_section(&b, scn, model, "", 0, 0);
    return sb_finish(&b);
}

/* A Markdown table cell: '|' escaped, line breaks as spaces. */
static void sb_cell(strbuf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|') sb_puts(b, "\\|");
        else if (*s == '\n' || *s == '\r') sb_puts(b, " ");
        else sb_add(b, s, 1);
    }
}

static void sb_range(strbuf *b, const param_def *d)
{
    char phrase[128];
    const char *p;
    switch (d->type) {
    case PARAM_BOOL: sb_puts(b, "true, false"); return;
    case PARAM_STRING: return;
    case PARAM_NAME_LIST: sb_printf(b, "0 to %d names", d->max_len); return;
    case PARAM_ENUM:
        for (p = d->choices; p && *p; p++) {
            if (*p == '|') sb_puts(b, ", ");
            else sb_add(b, p, 1);
        }
        return;
    case PARAM_INT:
    case PARAM_DOUBLE:
    case PARAM_DOUBLE_LIST:
        break;
    }
    scenario_bounds_phrase(d, phrase, sizeof phrase);
    if (strncmp(phrase, "must be between ", 16) == 0) {
        p = phrase + 16;
        const char *sep = strstr(p, " and ");
        sb_puts(b, "[");
        sb_add(b, p, (size_t)(sep - p));
        sb_printf(b, ", %s]", sep + 5);
    } else if (strncmp(phrase, "must be at least ", 17) == 0) {
        sb_printf(b, ">= %s", phrase + 17);
    } else if (strncmp(phrase, "must be at most ", 16) == 0) {
        sb_printf(b, "<= %s", phrase + 16);
    } else {
        sb_puts(b, "any");
    }
    if (d->type == PARAM_DOUBLE_LIST) sb_printf(b, "; 1 to %d values", d->max_len);
}

char *scenario_params_markdown(const param_def *const *tables, size_t n_tables)
{
    strbuf b = {0};
    sb_puts(&b, "| key | type | default | unit | range | meaning |\n");
    sb_puts(&b, "|-----|------|---------|------|-------|---------|\n");
    for (size_t t = 0; t < n_tables; t++) {
        for (const param_def *d = tables[t]; d && d->path; d++) {
            sb_puts(&b, "| `");
            sb_cell(&b, d->path);
            sb_printf(&b, "` | %s | ", scenario_type_name(d->type));
            if (d->def && d->def[0]) {
                sb_puts(&b, "`");
                sb_cell(&b, d->def);
                sb_puts(&b, "`");
            }
            sb_puts(&b, " | ");
            sb_cell(&b, d->unit);
            sb_puts(&b, " | ");
            sb_range(&b, d);
            sb_puts(&b, " | ");
            sb_cell(&b, d->help);
            sb_puts(&b, " |\n");
        }
    }
    return sb_finish(&b);
}
