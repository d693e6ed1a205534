/* scenario.c: resolving a scenario from the parameter tables, a YAML file and
 * --set overrides.
 *
 * Every value goes through one routine (value_from_node) whatever it comes
 * from: a table default, a node of the scenario file or the text of a --set,
 * the last two parsed with libyaml so that quoting and flow sequences mean the
 * same thing everywhere.  A file is validated into a copy of the values; the
 * copy replaces the scenario's values only when the whole file is good.
 *
 * The rows are not copied: the tables must outlive the scenario (they are
 * static arrays in the engine and the models). */
#include "scenario.h"

#include <errno.h>
#include <math.h> /* isfinite, a macro: no -lm needed */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#define SET_FILE "--set"

/* A DOUBLE bound at least this large in magnitude means "no bound". */
#define HUGE_BOUND 1e300
/* An INT bound beyond this does not fit a long long: "no bound" as well. */
#define INT_BOUND_LIMIT 9.2e18
/* Scenario files are small; refuse to read more than this. */
#define MAX_FILE_SIZE (16u * 1024u * 1024u)
/* Longest path the did-you-mean distance is computed for. */
#define MAX_SUGGEST_LEN 255

/* ---------- small helpers ---------- */

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* "prefix.key", or "key" when prefix is NULL; malloc'd. */
static char *join_path(const char *prefix, const char *key)
{
    size_t a = prefix ? strlen(prefix) : 0, b = strlen(key);
    char *p = malloc(a + b + 2);
    if (!p) return NULL;
    if (prefix) {
        memcpy(p, prefix, a);
        p[a] = '.';
        memcpy(p + a + 1, key, b + 1);
    } else {
        memcpy(p, key, b + 1);
    }
    return p;
}

/* The shortest "%.Ng" with N >= 6 that reads back as exactly d. */
static void format_double(double d, char *buf, size_t size)
{
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) return;
    }
}

/* User text for a message: double-quoted, shortened, control characters
 * shown as '?'. */
static void quote_text(const char *s, char *buf, size_t size)
{
    const size_t limit = 40;
    size_t n = 0, i;
    if (size < 8) {
        if (size) buf[0] = '\0';
        return;
    }
    buf[n++] = '"';
    for (i = 0; s[i] && i < limit && n + 5 < size; i++)
        buf[n++] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    if (s[i] && n + 5 < size) {
        buf[n++] = '.';
        buf[n++] = '.';
        buf[n++] = '.';
    }
    buf[n++] = '"';
    buf[n] = '\0';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static const char *type_name(param_type t)
{
    switch (t) {
    case PARAM_BOOL: return "bool";
    case PARAM_INT: return "int";
    case PARAM_DOUBLE: return "double";
    case PARAM_STRING: return "string";
    case PARAM_ENUM: return "enum";
    case PARAM_DOUBLE_LIST: return "list";
    }
    return "?";
}

/* What a value of this row should look like, the words after "expected ". */
static void expected_phrase(const param_def *def, char *buf, size_t size)
{
    switch (def->type) {
    case PARAM_BOOL: snprintf(buf, size, "true or false"); break;
    case PARAM_INT: snprintf(buf, size, "an integer"); break;
    case PARAM_DOUBLE: snprintf(buf, size, "a number"); break;
    case PARAM_STRING: snprintf(buf, size, "a string"); break;
    case PARAM_ENUM: snprintf(buf, size, "one of %s", def->choices ? def->choices : ""); break;
    case PARAM_DOUBLE_LIST:
        snprintf(buf, size, "a list of at most %d number%s", def->max_len,
                 def->max_len == 1 ? "" : "s");
        break;
    }
}

static const char *scalar_text(const yaml_node_t *node)
{
    return (const char *)node->data.scalar.value;
}

/* An empty or null plain scalar: "key:" with nothing after it, "~", "null". */
static int is_null_scalar(const yaml_node_t *node)
{
    const char *s;
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    s = scalar_text(node);
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* How a node is described after "got ": a mapping, a list, an empty value
 * or the quoted text of a scalar. */
static void describe_node(const yaml_node_t *node, char *buf, size_t size)
{
    if (!node || (node->type == YAML_SCALAR_NODE && is_null_scalar(node) &&
                  scalar_text(node)[0] == '\0'))
        snprintf(buf, size, "an empty value");
    else if (node->type == YAML_MAPPING_NODE)
        snprintf(buf, size, "a mapping");
    else if (node->type == YAML_SEQUENCE_NODE)
        snprintf(buf, size, "a list");
    else
        quote_text(scalar_text(node), buf, size);
}

static void free_value(param_value *v)
{
    free(v->s);
    free(v->list);
    v->s = NULL;
    v->list = NULL;
    v->n = 0;
}

static void free_values(param_value *vals, size_t n)
{
    if (!vals) return;
    for (size_t i = 0; i < n; i++) free_value(&vals[i]);
    free(vals);
}

/* Deep copy of n values; NULL when out of memory. */
/* v takes the parsed value (its strings and list) and where it came from. */
static void take_value(param_value *v, const param_value *parsed, param_source source, int line,
                       int column, const char *file)
{
    free_value(v);
    v->i = parsed->i;
    v->d = parsed->d;
    v->s = parsed->s;
    v->list = parsed->list;
    v->n = parsed->n;
    v->source = source;
    v->line = line;
    v->column = column;
    v->file = file;
}

static param_value *copy_values(const param_value *src, size_t n)
{
    param_value *dst = calloc(n ? n : 1, sizeof *dst);
    if (!dst) return NULL;
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[i];
        dst[i].s = NULL;
        dst[i].list = NULL;
        if (src[i].s && !(dst[i].s = dup_string(src[i].s))) goto fail;
        if (src[i].list) {
            dst[i].list = malloc((size_t)src[i].n * sizeof *dst[i].list);
            if (!dst[i].list) goto fail;
            memcpy(dst[i].list, src[i].list, (size_t)src[i].n * sizeof *dst[i].list);
        }
    }
    return dst;
fail:
    free_values(dst, n);
    return NULL;
}

/* ---------- where a value error is reported ---------- */

/* A file with node positions, "--set" without them, or a table default
 * (file NULL, the caller turns the error into SIM_EINTERNAL). */
typedef struct where {
    const char *file;
    int marks;       /* report node positions */
    const char *key;
} where;

static int fail_at(sim_error *err, const where *w, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_at(sim_error *err, const where *w, const yaml_node_t *node, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    int line = 0, col = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (w->marks && node) {
        line = (int)node->start_mark.line + 1;
        col = (int)node->start_mark.column + 1;
    }
    return sim_error_set(err, SIM_EINPUT, w->file, line, col, w->key, "%s", msg);
}

/* ---------- scalars and bounds ---------- */

static int parse_bool(const char *s, long long *out)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    for (int i = 0; i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = 1;
            return 1;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = 0;
            return 1;
        }
    }
    return 0;
}

/* 1 if s is a whole base-10 integer; *overflow set when it does not fit. */
static int parse_int(const char *s, long long *out, int *overflow)
{
    char *end;
    if (!s[0] || is_space(s[0])) return 0;
    errno = 0;
    *out = strtoll(s, &end, 10);
    if (end == s || *end) return 0;
    *overflow = (errno == ERANGE);
    return 1;
}

/* 1 if s is a whole finite number, -1 if a number but not finite ("inf",
 * "nan", "1e999"), 0 if not a number. */
static int parse_double(const char *s, double *out)
{
    char *end;
    if (!s[0] || is_space(s[0])) return 0;
    *out = strtod(s, &end);
    if (end == s || *end) return 0;
    return isfinite(*out) ? 1 : -1;
}

/* "must be between A and B" (or "at least A", "at most B"); "" when the row
 * has no bounds worth stating. */
static void bounds_phrase(const param_def *def, char *buf, size_t size)
{
    char a[40], b[40];
    int has_min, has_max;
    if (def->type == PARAM_INT) {
        has_min = def->min > -INT_BOUND_LIMIT;
        has_max = def->max < INT_BOUND_LIMIT;
        if (has_min) snprintf(a, sizeof a, "%lld", (long long)def->min);
        if (has_max) snprintf(b, sizeof b, "%lld", (long long)def->max);
    } else {
        has_min = def->min > -HUGE_BOUND;
        has_max = def->max < HUGE_BOUND;
        if (has_min) format_double(def->min, a, sizeof a);
        if (has_max) format_double(def->max, b, sizeof b);
    }
    if (has_min && has_max)
        snprintf(buf, size, "must be between %s and %s", a, b);
    else if (has_min)
        snprintf(buf, size, "must be at least %s", a);
    else if (has_max)
        snprintf(buf, size, "must be at most %s", b);
    else
        snprintf(buf, size, "must be a finite number");
}

static int int_in_bounds(const param_def *def, long long v)
{
    if (def->min > -INT_BOUND_LIMIT && v < (long long)def->min) return 0;
    if (def->max < INT_BOUND_LIMIT && v > (long long)def->max) return 0;
    return 1;
}

static int double_in_bounds(const param_def *def, double d)
{
    if (def->min > -HUGE_BOUND && d < def->min) return 0;
    if (def->max < HUGE_BOUND && d > def->max) return 0;
    return 1;
}

/* 1 if word is one of the '|'-separated choices. */
static int enum_has(const char *choices, const char *word)
{
    size_t n = strlen(word);
    const char *p = choices;
    while (p && *p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0) return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

/* One list element (or a lone scalar given for a list). */
static int list_element(const param_def *def, const yaml_node_t *item, int index, int count,
                        double *out, const where *w, sim_error *err)
{
    char got[64], range[128], which[48] = "";
    if (count > 1) snprintf(which, sizeof which, " (element %d of the list)", index + 1);
    int ok = item->type == YAML_SCALAR_NODE && !is_null_scalar(item)
                 ? parse_double(scalar_text(item), out)
                 : 0;
    if (ok != 1) {
        describe_node(item, got, sizeof got);
        return fail_at(err, w, item, "expected a %snumber, got %s%s", ok < 0 ? "finite " : "",
                       got, which);
    }
    if (!double_in_bounds(def, *out)) {
        bounds_phrase(def, range, sizeof range);
        return fail_at(err, w, item, "%s, got %s%s", range, scalar_text(item), which);
    }
    return SIM_OK;
}

/* Parse node (NULL: an empty value) as a value of row def into out (i, d, s,
 * list, n only).  out is written only on success. */
static int value_from_node(const param_def *def, yaml_document_t *doc, const yaml_node_t *node,
                           param_value *out, const where *w, sim_error *err)
{
    char want[160], got[64], range[128];
    const char *text = NULL;
    param_value v = {0};
    int overflow = 0;

    expected_phrase(def, want, sizeof want);
    describe_node(node, got, sizeof got);
    if (!node || is_null_scalar(node))
        text = "";
    else if (node->type == YAML_SCALAR_NODE)
        text = scalar_text(node);

    switch (def->type) {
    case PARAM_BOOL:
        if (!text || !parse_bool(text, &v.i))
            return fail_at(err, w, node, "expected true or false, got %s", got);
        break;
    case PARAM_INT:
        if (!text || !parse_int(text, &v.i, &overflow))
            return fail_at(err, w, node, "expected an integer, got %s", got);
        if (overflow || !int_in_bounds(def, v.i)) {
            bounds_phrase(def, range, sizeof range);
            return fail_at(err, w, node, "%s, got %s", range, text);
        }
        break;
    case PARAM_DOUBLE: {
        int ok = text ? parse_double(text, &v.d) : 0;
        if (ok != 1)
            return fail_at(err, w, node, "expected a %snumber, got %s", ok < 0 ? "finite " : "",
                           got);
        if (!double_in_bounds(def, v.d)) {
            bounds_phrase(def, range, sizeof range);
            return fail_at(err, w, node, "%s, got %s", range, text);
        }
        break;
    }
    case PARAM_STRING:
        if (!text) return fail_at(err, w, node, "expected a string, got %s", got);
        if (node && node->type == YAML_SCALAR_NODE && strlen(text) != node->data.scalar.length)
            return fail_at(err, w, node, "a string may not contain a NUL character");
        if (!(v.s = dup_string(text))) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, w->key, "out of memory");
        break;
    case PARAM_ENUM:
        if (!text || !enum_has(def->choices, text))
            return fail_at(err, w, node, "expected %s, got %s", want, got);
        if (!(v.s = dup_string(text))) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, w->key, "out of memory");
        break;
    case PARAM_DOUBLE_LIST: {
        int count;
        if (text && !text[0])
            return fail_at(err, w, node, "expected a list of 1 to %d numbers, got an empty value",
                           def->max_len);
        if (node->type == YAML_MAPPING_NODE)
            return fail_at(err, w, node, "expected %s, got a mapping", want);
        count = node->type == YAML_SCALAR_NODE
                    ? 1
                    : (int)(node->data.sequence.items.top - node->data.sequence.items.start);
        if (count < 1)
            return fail_at(err, w, node, "expected a list of 1 to %d numbers, got an empty list",
                           def->max_len);
        if (count > def->max_len)
            return fail_at(err, w, node, "expected %s, got %d", want, count);
        v.list = malloc((size_t)count * sizeof *v.list);
        if (!v.list) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, w->key, "out of memory");
        v.n = count;
        for (int k = 0; k < count; k++) {
            const yaml_node_t *item = node;
            if (node->type == YAML_SEQUENCE_NODE)
                item = yaml_document_get_node(doc, node->data.sequence.items.start[k]);
            int rc = list_element(def, item, k, count, &v.list[k], w, err);
            if (rc != SIM_OK) {
                free(v.list);
                return rc;
            }
        }
        break;
    }
    }
    out->i = v.i;
    out->d = v.d;
    out->s = v.s;
    out->list = v.list;
    out->n = v.n;
    return SIM_OK;
}

/* ---------- libyaml errors ---------- */

/* 1-based line and column of a byte offset in text. */
static void offset_position(const char *text, size_t len, size_t off, int *line, int *col)
{
    size_t start = 0;
    *line = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    }
    *col = (int)(off - start) + 1;
}

/* 1 if the character at a 0-based line and column (in characters) is a tab. */
static int tab_at(const char *text, size_t len, size_t line, size_t column)
{
    size_t i = 0;
    for (size_t l = 0; l < line; l++) {
        while (i < len && text[i] != '\n') i++;
        if (i == len) return 0;
        i++;
    }
    for (size_t c = 0; c < column && i < len && text[i] != '\n'; c++) {
        i++;
        while (i < len && ((unsigned char)text[i] & 0xc0) == 0x80) i++;
    }
    return i < len && text[i] == '\t';
}

/* Fill err from a failed libyaml parser.  text/len locate reader errors;
 * marks says whether positions are meaningful (not for --set values). */
static int yaml_failure(const yaml_parser_t *p, const char *text, size_t len, const where *w,
                        sim_error *err)
{
    char ctx[160] = "";
    int line = 0, col = 0;
    const char *problem = p->problem ? p->problem : "unknown problem";

    if (p->error == YAML_MEMORY_ERROR)
        return sim_error_set(err, SIM_ENOMEM, w->file, 0, 0, w->key, "out of memory");
    if (p->error == YAML_READER_ERROR) {
        if (w->marks) offset_position(text, len, p->problem_offset, &line, &col);
    } else {
        if (w->marks) {
            line = (int)p->problem_mark.line + 1;
            col = (int)p->problem_mark.column + 1;
        }
        if (w->marks && tab_at(text, len, p->problem_mark.line, p->problem_mark.column))
            snprintf(ctx, sizeof ctx, " (a tab; indent with spaces)");
        else if (p->context && w->marks)
            snprintf(ctx, sizeof ctx, " (%s at line %d, column %d)", p->context,
                     (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
        else if (p->context)
            snprintf(ctx, sizeof ctx, " (%s)", p->context);
    }
    return sim_error_set(err, SIM_EINPUT, w->file, line, col, w->key, "YAML syntax error: %s%s",
                         problem, ctx);
}

/* Parse text (a default or a --set value) as one YAML value of row def. */
static int value_from_text(const param_def *def, const char *text, param_value *out,
                           const where *w, sim_error *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    int rc;

    if (!yaml_parser_initialize(&parser))
        return sim_error_set(err, SIM_ENOMEM, w->file, 0, 0, w->key, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    if (!yaml_parser_load(&parser, &doc)) {
        rc = yaml_failure(&parser, text, strlen(text), w, err);
        yaml_parser_delete(&parser);
        return rc;
    }
    rc = value_from_node(def, &doc, yaml_document_get_root_node(&doc), out, w, err);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

/* ---------- table lookups and did-you-mean ---------- */

static long find_row(const scenario *scn, const char *path)
{
    for (size_t i = 0; i < scn->n; i++)
        if (strcmp(scn->values[i].def->path, path) == 0) return (long)i;
    return -1;
}

/* 1 if some row lies under path ("model" and "model.bass" for "model.bass.p"). */
static int is_section(const scenario *scn, const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < scn->n; i++) {
        const char *p = scn->values[i].def->path;
        if (strncmp(p, path, n) == 0 && p[n] == '.') return 1;
    }
    return 0;
}

/* Optimal string alignment distance (Levenshtein plus adjacent swaps). */
static size_t edit_distance(const char *s, size_t m, const char *t, size_t n)
{
    size_t rows[3][MAX_SUGGEST_LEN + 1];
    size_t *two = rows[0], *prev = rows[1], *cur = rows[2];
    if (m > MAX_SUGGEST_LEN || n > MAX_SUGGEST_LEN) return (size_t)-1;
    for (size_t j = 0; j <= n; j++) prev[j] = j;
    for (size_t i = 1; i <= m; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= n; j++) {
            size_t cost = s[i - 1] == t[j - 1] ? 0 : 1;
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1] &&
                two[j - 2] + 1 < best)
                best = two[j - 2] + 1;
            cur[j] = best;
        }
        size_t *tmp = two;
        two = prev;
        prev = cur;
        cur = tmp;
    }
    return prev[n];
}

/* The known key (sections: a known section) nearest to path, copied into
 * buf; "" when nothing is close.  Close means an edit distance of at most 3
 * and at most a third of the length; failing that, the one key whose last
 * part equals path's last part (a key indented at the wrong level). */
static void suggest(const scenario *scn, const char *path, int sections, char *buf, size_t size)
{
    size_t plen = strlen(path), best = (size_t)-1;
    const char *best_p = NULL, *same_p = NULL;
    size_t best_len = 0, same_len = 0;
    int same_count = 0;
    const char *last = strrchr(path, '.');
    last = last ? last + 1 : path;

    for (size_t i = 0; i < scn->n; i++) {
        const char *p = scn->values[i].def->path;
        size_t full = strlen(p);
        /* candidates: the whole path, or each section prefix of it */
        for (size_t len = 1; len <= full; len++) {
            if (sections ? p[len] != '.' : len != full) continue;
            size_t d = edit_distance(path, plen, p, len);
            size_t longer = plen > len ? plen : len;
            if (d <= 3 && 3 * d <= longer && d < best) {
                best = d;
                best_p = p;
                best_len = len;
            }
            const char *seg = p + len;
            while (seg > p && seg[-1] != '.') seg--;
            if ((size_t)(p + len - seg) == strlen(last) && strncmp(seg, last, strlen(last)) == 0 &&
                !(len == plen && strncmp(p, path, len) == 0)) {
                if (!same_p || same_len != len || strncmp(same_p, p, len) != 0) same_count++;
                same_p = p;
                same_len = len;
            }
        }
    }
    if (best_p)
        snprintf(buf, size, "%.*s", (int)best_len, best_p);
    else if (same_count == 1)
        snprintf(buf, size, "%.*s", (int)same_len, same_p);
    else if (size)
        buf[0] = '\0';
}

static int unknown_key(const scenario *scn, const char *path, int sections, const where *w,
                       const yaml_node_t *node, sim_error *err)
{
    char near[MAX_SUGGEST_LEN + 1];
    const char *what = sections ? "section" : "key";
    suggest(scn, path, sections, near, sizeof near);
    if (near[0])
        return fail_at(err, w, node, "unknown %s \"%s\"; did you mean \"%s\"?", what, path, near);
    return fail_at(err, w, node, "unknown %s \"%s\"", what, path);
}

/* ---------- alloc and free ---------- */

/* Check row d against the k rows already in scn, then parse its default into
 * scn->values[k].  Problems with the row are SIM_EINTERNAL. */
static int add_row(scenario *scn, size_t k, const param_def *d, sim_error *err)
{
    const char *path = d->path;
    size_t plen = strlen(path);
    sim_error inner;
    where w = {NULL, 0, path};
    int rc;

    if (!plen || path[0] == '.' || path[plen - 1] == '.' || strstr(path, ".."))
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                             "parameter table: malformed key path");
    for (size_t j = 0; j < k; j++) {
        const char *q = scn->values[j].def->path;
        size_t qlen = strlen(q);
        if (strcmp(q, path) == 0)
            return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                                 "parameter table: key declared twice");
        if ((qlen < plen && strncmp(q, path, qlen) == 0 && path[qlen] == '.') ||
            (plen < qlen && strncmp(q, path, plen) == 0 && q[plen] == '.'))
            return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                                 "parameter table: \"%s\" is both a key and a section",
                                 qlen < plen ? q : path);
    }
    if (d->type == PARAM_ENUM && (!d->choices || !d->choices[0]))
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                             "parameter table: enum without choices");
    if (d->type == PARAM_DOUBLE_LIST && d->max_len < 1)
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                             "parameter table: list with max_len below 1");
    if ((d->type == PARAM_INT || d->type == PARAM_DOUBLE || d->type == PARAM_DOUBLE_LIST) &&
        !(d->min <= d->max))
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                             "parameter table: min is above max");
    if (d->type == PARAM_INT && ((d->min > -INT_BOUND_LIMIT && d->min != (double)(long long)d->min) ||
                                 (d->max < INT_BOUND_LIMIT && d->max != (double)(long long)d->max)))
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                             "parameter table: integer bounds must be whole numbers");

    scn->values[k].def = d;
    scn->values[k].source = PARAM_FROM_DEFAULT;
    rc = value_from_text(d, d->def ? d->def : "", &scn->values[k], &w, &inner);
    if (rc == SIM_ENOMEM) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, path, "out of memory");
    if (rc != SIM_OK)
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                             "parameter table: bad default \"%s\": %s", d->def ? d->def : "",
                             inner.msg);
    return SIM_OK;
}

int scenario_alloc(const param_def *const *tables, size_t n_tables, scenario **out, sim_error *err)
{
    scenario *scn;
    size_t n = 0;

    *out = NULL;
    for (size_t t = 0; t < n_tables; t++)
        for (const param_def *d = tables[t]; d && d->path; d++) n++;

    scn = calloc(1, sizeof *scn);
    if (!scn) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scn->values = calloc(n ? n : 1, sizeof *scn->values);
    if (!scn->values) {
        free(scn);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t t = 0; t < n_tables; t++) {
        for (const param_def *d = tables[t]; d && d->path; d++) {
            int rc = add_row(scn, scn->n, d, err);
            if (rc != SIM_OK) {
                scenario_free(scn);
                return rc;
            }
            scn->n++;
        }
    }
    *out = scn;
    return SIM_OK;
}

void scenario_free(scenario *scn)
{
    if (!scn) return;
    free_values(scn->values, scn->n);
    free(scn->file);
    free(scn);
}

/* ---------- loading a file ---------- */

/* Read a whole file into a malloc'd, NUL-terminated buffer. */
static int read_file(const char *path, char **out, size_t *out_len, sim_error *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;

    if (!f) return sim_error_set(err, SIM_EIO, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
    for (;;) {
        if (cap - len < 4096) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                return sim_error_set(err, SIM_ENOMEM, path, 0, 0, NULL, "out of memory");
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
        if (len > MAX_FILE_SIZE) {
            free(buf);
            fclose(f);
            return sim_error_set(err, SIM_EINPUT, path, 0, 0, NULL,
                                 "the scenario file is too large (more than %u MiB)",
                                 MAX_FILE_SIZE / (1024u * 1024u));
        }
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return sim_error_set(err, SIM_EIO, path, 0, 0, NULL, "cannot read: %s", strerror(e));
    }
    fclose(f);
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return SIM_OK;
}

/* Offset of the first byte that cannot be in a YAML text file (a NUL or
 * other control character, invalid UTF-8), or len if there is none. */
static size_t first_binary_byte(const unsigned char *s, size_t len, const char **what)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t need;
        unsigned lo = 0x80, hi = 0xbf;
        if (c < 0x80) {
            if (c == 0) {
                *what = "NUL byte";
                return i;
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                *what = "control character";
                return i;
            }
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) need = 1;
        else if (c == 0xe0) need = 2, lo = 0xa0;
        else if (c >= 0xe1 && c <= 0xec) need = 2;
        else if (c == 0xed) need = 2, hi = 0x9f;
        else if (c >= 0xee && c <= 0xef) need = 2;
        else if (c == 0xf0) need = 3, lo = 0x90;
        else if (c >= 0xf1 && c <= 0xf3) need = 3;
        else if (c == 0xf4) need = 3, hi = 0x8f;
        else {
            *what = "invalid UTF-8 byte";
            return i;
        }
        if (i + need >= len) {
            *what = "invalid UTF-8 byte";
            return i;
        }
        for (size_t j = 1; j <= need; j++) {
            unsigned b = s[i + j];
            unsigned l = j == 1 ? lo : 0x80, h = j == 1 ? hi : 0xbf;
            if (b < l || b > h) {
                *what = "invalid UTF-8 byte";
                return i;
            }
        }
        i += need + 1;
    }
    return len;
}

typedef struct loader {
    const scenario *scn;
    param_value *vals;   /* the copy being filled */
    int *seen;           /* line each row was set on in this file, 0 if not */
    yaml_document_t *doc;
    const char *file;
    const char *value_file; /* param_value.file of the values set (NULL: scn->file) */
    sim_error *err;
} loader;

static int walk_mapping(loader *ld, const yaml_node_t *map, const char *prefix)
{
    const yaml_node_pair_t *start = map->data.mapping.pairs.start;
    const yaml_node_pair_t *top = map->data.mapping.pairs.top;

    for (const yaml_node_pair_t *pair = start; pair < top; pair++) {
        const yaml_node_t *key = yaml_document_get_node(ld->doc, pair->key);
        const yaml_node_t *val = yaml_document_get_node(ld->doc, pair->value);
        where w = {ld->file, 1, prefix};
        char *path;
        long row;
        int rc = SIM_OK;

        if (key->type != YAML_SCALAR_NODE) {
            char got[64];
            describe_node(key, got, sizeof got);
            return fail_at(ld->err, &w, key, "expected a key name, got %s", got);
        }
        path = join_path(prefix, scalar_text(key));
        if (!path) return sim_error_set(ld->err, SIM_ENOMEM, ld->file, 0, 0, prefix, "out of memory");
        w.key = path;

        for (const yaml_node_pair_t *q = start; q < pair; q++) {
            const yaml_node_t *qk = yaml_document_get_node(ld->doc, q->key);
            if (qk->type == YAML_SCALAR_NODE && strcmp(scalar_text(qk), scalar_text(key)) == 0) {
                rc = fail_at(ld->err, &w, key, "duplicate key (first given at line %d)",
                             (int)qk->start_mark.line + 1);
                goto done;
            }
        }

        row = find_row(ld->scn, path);
        if (row >= 0) {
            param_value *v = &ld->vals[row];
            param_value parsed = {0};
            if (ld->seen[row]) {
                rc = fail_at(ld->err, &w, key, "duplicate key (first given at line %d)",
                             ld->seen[row]);
                goto done;
            }
            rc = value_from_node(v->def, ld->doc, val, &parsed, &w, ld->err);
            if (rc != SIM_OK) goto done;
            take_value(v, &parsed, PARAM_FROM_FILE, (int)val->start_mark.line + 1,
                       (int)val->start_mark.column + 1, ld->value_file);
            ld->seen[row] = (int)key->start_mark.line + 1;
        } else if (is_section(ld->scn, path)) {
            if (val->type != YAML_MAPPING_NODE) {
                char got[64];
                describe_node(val, got, sizeof got);
                rc = fail_at(ld->err, &w, val, "expected a mapping of keys, got %s", got);
                goto done;
            }
            rc = walk_mapping(ld, val, path);
        } else {
            rc = unknown_key(ld->scn, path, val->type == YAML_MAPPING_NODE, &w, key, ld->err);
        }
    done:
        free(path);
        if (rc != SIM_OK) return rc;
    }
    return SIM_OK;
}

int scenario_yaml_load(const char *path, yaml_document_t *doc, sim_error *err)
{
    char *text = NULL;
    size_t len = 0, bad;
    const char *what = "";
    yaml_parser_t parser;
    const yaml_node_t *root;
    where w = {path, 1, NULL};
    int rc;

    rc = read_file(path, &text, &len, err);
    if (rc != SIM_OK) return rc;

    bad = first_binary_byte((const unsigned char *)text, len, &what);
    if (bad < len) {
        int line, col;
        offset_position(text, len, bad, &line, &col);
        rc = sim_error_set(err, SIM_EINPUT, path, line, col, NULL,
                           "not a text file (binary data at byte %zu: %s 0x%02x)", bad + 1,
                           what, (unsigned char)text[bad]);
        free(text);
        return rc;
    }

    if (!yaml_parser_initialize(&parser)) {
        free(text);
        return sim_error_set(err, SIM_ENOMEM, path, 0, 0, NULL, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, doc)) {
        rc = yaml_failure(&parser, text, len, &w, err);
        yaml_parser_delete(&parser);
        free(text);
        return rc;
    }
    root = yaml_document_get_root_node(doc);
    if (!root || is_null_scalar(root)) {
        rc = sim_error_set(err, SIM_EINPUT, path, 0, 0, NULL, "the file is empty");
        goto fail;
    }

    /* Exactly one document: anything after it but empty "---" is an error. */
    for (;;) {
        yaml_document_t more;
        const yaml_node_t *more_root;
        if (!yaml_parser_load(&parser, &more)) {
            rc = yaml_failure(&parser, text, len, &w, err);
            goto fail;
        }
        more_root = yaml_document_get_root_node(&more);
        if (more_root && !is_null_scalar(more_root)) {
            rc = sim_error_set(err, SIM_EINPUT, path, (int)more.start_mark.line + 1,
                               (int)more.start_mark.column + 1, NULL,
                               "expected one YAML document, found a second one");
            yaml_document_delete(&more);
            goto fail;
        }
        yaml_document_delete(&more);
        if (!more_root) break;
    }

    if (root->type != YAML_MAPPING_NODE) {
        char got[64];
        describe_node(root, got, sizeof got);
        rc = fail_at(err, &w, root, "expected a mapping of keys, got %s", got);
        goto fail;
    }
    yaml_parser_delete(&parser);
    free(text);
    return SIM_OK;

fail:
    yaml_document_delete(doc);
    yaml_parser_delete(&parser);
    free(text);
    return rc;
}

int scenario_apply_yaml(scenario *scn, yaml_document_t *doc, yaml_node_t *map, const char *file,
                        sim_error *err)
{
    loader ld;
    char *file_copy = NULL;
    int rc;

    if (map->type != YAML_MAPPING_NODE) {
        where w = {file, 1, NULL};
        char got[64];
        describe_node(map, got, sizeof got);
        return fail_at(err, &w, map, "expected a mapping of keys, got %s", got);
    }
    /* values from another file than the scenario's own remember that file */
    const int other_file = scn->file && strcmp(scn->file, file) != 0;
    ld.scn = scn;
    ld.doc = doc;
    ld.file = file;
    ld.value_file = other_file ? file : NULL;
    ld.err = err;
    ld.vals = copy_values(scn->values, scn->n);
    ld.seen = calloc(scn->n ? scn->n : 1, sizeof *ld.seen);
    file_copy = dup_string(other_file ? scn->file : file);
    if (!ld.vals || !ld.seen || !file_copy) {
        rc = sim_error_set(err, SIM_ENOMEM, file, 0, 0, NULL, "out of memory");
    } else {
        rc = walk_mapping(&ld, map, NULL);
    }
    if (rc == SIM_OK) {
        param_value *old = scn->values;
        scn->values = ld.vals;
        ld.vals = old;
        free(scn->file);
        scn->file = file_copy;
        file_copy = NULL;
    }
    if (ld.vals) free_values(ld.vals, scn->n);
    free(ld.seen);
    free(file_copy);
    return rc;
}

int scenario_load_file(scenario *scn, const char *path, sim_error *err)
{
    yaml_document_t doc;
    int rc = scenario_yaml_load(path, &doc, err);
    if (rc != SIM_OK) {
        /* keep the scenario file's own wording for an empty file */
        if (!strcmp(err->msg, "the file is empty"))
            snprintf(err->msg, sizeof err->msg, "the scenario file is empty");
        return rc;
    }
    rc = scenario_apply_yaml(scn, &doc, yaml_document_get_root_node(&doc), path, err);
    yaml_document_delete(&doc);
    return rc;
}

char *scenario_resolve_path(const char *scenario_file, const char *path)
{
    const char *slash = scenario_file ? strrchr(scenario_file, '/') : NULL;
    if (path[0] == '/' || !slash) return dup_string(path);
    size_t dir = (size_t)(slash - scenario_file) + 1, len = strlen(path);
    char *s = malloc(dir + len + 1);
    if (!s) return NULL;
    memcpy(s, scenario_file, dir);
    memcpy(s + dir, path, len + 1);
    return s;
}

scenario *scenario_copy(const scenario *scn)
{
    scenario *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->n = scn->n;
    c->values = copy_values(scn->values, scn->n);
    c->file = scn->file ? dup_string(scn->file) : NULL;
    if (!c->values || (scn->file && !c->file)) {
        if (c->values) free_values(c->values, c->n);
        free(c->file);
        free(c);
        return NULL;
    }
    return c;
}

/* ---------- --set ---------- */

int scenario_set(scenario *scn, const char *assignment, sim_error *err)
{
    const char *eq = assignment ? strchr(assignment, '=') : NULL;
    const char *a, *b;
    char key[256], shown[64];
    param_value parsed = {0};
    where w = {SET_FILE, 0, NULL};
    long row;
    int rc;

    if (!eq) {
        quote_text(assignment ? assignment : "", shown, sizeof shown);
        return sim_error_set(err, SIM_EINPUT, SET_FILE, 0, 0, NULL,
                             "expected key.path=value, got %s", shown);
    }
    a = assignment;
    b = eq;
    while (a < b && is_space(*a)) a++;
    while (b > a && is_space(b[-1])) b--;
    if (a == b) {
        quote_text(assignment, shown, sizeof shown);
        return sim_error_set(err, SIM_EINPUT, SET_FILE, 0, 0, NULL,
                             "expected key.path=value, got %s", shown);
    }
    if ((size_t)(b - a) >= sizeof key)
        return sim_error_set(err, SIM_EINPUT, SET_FILE, 0, 0, NULL, "unknown key \"%.60s...\"", a);
    memcpy(key, a, (size_t)(b - a));
    key[b - a] = '\0';
    w.key = key;

    row = find_row(scn, key);
    if (row < 0) {
        if (is_section(scn, key)) {
            size_t n = strlen(key);
            for (size_t i = 0; i < scn->n; i++) {
                const char *p = scn->values[i].def->path;
                if (strncmp(p, key, n) == 0 && p[n] == '.')
                    return sim_error_set(err, SIM_EINPUT, SET_FILE, 0, 0, key,
                                         "\"%s\" is a section, not a key; give a whole key "
                                         "such as \"%s\"", key, p);
            }
        }
        return unknown_key(scn, key, 0, &w, NULL, err);
    }

    rc = value_from_text(scn->values[row].def, eq + 1, &parsed, &w, err);
    if (rc != SIM_OK) return rc;
    take_value(&scn->values[row], &parsed, PARAM_FROM_SET, 0, 0, NULL);
    return SIM_OK;
}

/* ---------- getters ---------- */

static const param_value *must_find(const scenario *scn, const char *path, const char *getter,
                                    param_type t1, param_type t2)
{
    const param_value *v = scenario_find(scn, path);
    if (!v) {
        fprintf(stderr, "adoptsim: internal error: %s(\"%s\"): no such key in the parameter table\n",
                getter, path);
        abort();
    }
    if (v->def->type != t1 && v->def->type != t2) {
        fprintf(stderr, "adoptsim: internal error: %s(\"%s\"): the key is of type %s\n", getter,
                path, type_name(v->def->type));
        abort();
    }
    return v;
}

const param_value *scenario_find(const scenario *scn, const char *path)
{
    long row;
    if (!scn || !path) return NULL;
    row = find_row(scn, path);
    return row >= 0 ? &scn->values[row] : NULL;
}

long long scenario_int(const scenario *scn, const char *path)
{
    return must_find(scn, path, "scenario_int", PARAM_INT, PARAM_INT)->i;
}

double scenario_double(const scenario *scn, const char *path)
{
    return must_find(scn, path, "scenario_double", PARAM_DOUBLE, PARAM_DOUBLE)->d;
}

int scenario_bool(const scenario *scn, const char *path)
{
    return must_find(scn, path, "scenario_bool", PARAM_BOOL, PARAM_BOOL)->i != 0;
}

const char *scenario_string(const scenario *scn, const char *path)
{
    return must_find(scn, path, "scenario_string", PARAM_STRING, PARAM_ENUM)->s;
}

const double *scenario_list(const scenario *scn, const char *path, int *n)
{
    const param_value *v = must_find(scn, path, "scenario_list", PARAM_DOUBLE_LIST,
                                     PARAM_DOUBLE_LIST);
    if (n) *n = v->n;
    return v->list;
}

int scenario_error(const scenario *scn, const char *path, sim_error *err, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    const param_value *v = scenario_find(scn, path);
    const char *file = scn && scn->file ? scn->file : "";
    int line = 0, col = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (v && v->source == PARAM_FROM_FILE) {
        if (v->file) file = v->file;
        line = v->line;
        col = v->column;
    } else if (v && v->source == PARAM_FROM_SET) {
        file = SET_FILE;
    }
    return sim_error_set(err, SIM_EINPUT, file, line, col, path, "%s", msg);
}

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
    if (!b->p) return dup_string("");
    return b->p;
}

/* s (n bytes) as a YAML double-quoted scalar. */
static void sb_quoted(strbuf *b, const char *s, size_t n)
{
    sb_puts(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') sb_puts(b, "\\\"");
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
        format_double(v->d, num, sizeof num);
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
            format_double(v->list[k], num, sizeof num);
            sb_printf(b, "%s%s", k ? ", " : "", num);
        }
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
    bounds_phrase(d, phrase, sizeof phrase);
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
            sb_printf(&b, "` | %s | ", type_name(d->type));
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
