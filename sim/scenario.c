/* scenario.c: the value table of a scenario: one row per key of the
 * parameter tables, alloc/free/copy, parsing and bounds-checking values,
 * lookups with "did you mean", --set overrides, the getters and
 * scenario_error.  Reading scenario files is in scenario_yaml.c, writing
 * them out in scenario_write.c; what they share is in scenario_internal.h.
 *
 * Every value goes through one routine (scenario_value_from_node) whatever it
 * comes from: a table default, a node of the scenario file or the text of a
 * --set, the last two parsed with libyaml so that quoting and flow sequences
 * mean the same thing everywhere.
 *
 * The rows are not copied: the tables must outlive the scenario (they are
 * static arrays in the engine and the models). */
#include "scenario.h"
#include "scenario_internal.h"

#include <errno.h>
#include <math.h> /* isfinite, a macro: no -lm needed */
#include <stdarg.h>
#include <stdint.h>
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
/* Longest path the did-you-mean distance is computed for. */
#define MAX_SUGGEST_LEN 255

/* ---------- small helpers ---------- */

char *scenario_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* The shortest "%.Ng" with N >= 6 that reads back as exactly d. */
void scenario_format_double(double d, char *buf, size_t size)
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

const char *scenario_type_name(param_type t)
{
    switch (t) {
    case PARAM_BOOL: return "bool";
    case PARAM_INT: return "int";
    case PARAM_DOUBLE: return "double";
    case PARAM_STRING: return "string";
    case PARAM_ENUM: return "enum";
    case PARAM_DOUBLE_LIST: return "list";
    case PARAM_NAME_LIST: return "names";
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
    case PARAM_NAME_LIST: snprintf(buf, size, "a list of at most %d names", def->max_len); break;
    }
}

/* An empty or null plain scalar: "key:" with nothing after it, "~", "null". */
int scenario_is_null_scalar(const yaml_node_t *node)
{
    const char *s;
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    s = scenario_scalar_text(node);
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* How a node is described after "got ": a mapping, a list, an empty value
 * or the quoted text of a scalar. */
void scenario_describe_node(const yaml_node_t *node, char *buf, size_t size)
{
    if (!node || (node->type == YAML_SCALAR_NODE && scenario_is_null_scalar(node) &&
                  scenario_scalar_text(node)[0] == '\0'))
        snprintf(buf, size, "an empty value");
    else if (node->type == YAML_MAPPING_NODE)
        snprintf(buf, size, "a mapping");
    else if (node->type == YAML_SEQUENCE_NODE)
        snprintf(buf, size, "a list");
    else
        quote_text(scenario_scalar_text(node), buf, size);
}

static void free_value(param_value *v)
{
    free(v->s);
    free(v->list);
    v->s = NULL;
    v->list = NULL;
    v->n = 0;
}

void scenario_free_values(param_value *vals, size_t n)
{
    if (!vals) return;
    for (size_t i = 0; i < n; i++) free_value(&vals[i]);
    free(vals);
}

/* v takes the parsed value (its strings and list) and where it came from. */
void scenario_take_value(param_value *v, const param_value *parsed, param_source source, int line,
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

/* Deep copy of n values; NULL when out of memory. */
param_value *scenario_copy_values(const param_value *src, size_t n)
{
    param_value *dst = calloc(n ? n : 1, sizeof *dst);
    if (!dst) return NULL;
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[i];
        dst[i].s = NULL;
        dst[i].list = NULL;
        if (src[i].s && !(dst[i].s = scenario_strdup(src[i].s))) goto fail;
        if (src[i].list) {
            dst[i].list = malloc((size_t)src[i].n * sizeof *dst[i].list);
            if (!dst[i].list) goto fail;
            memcpy(dst[i].list, src[i].list, (size_t)src[i].n * sizeof *dst[i].list);
        }
    }
    return dst;
fail:
    scenario_free_values(dst, n);
    return NULL;
}

/* ---------- where a value error is reported ---------- */

/* (scenario_where is in scenario_internal.h) */

int scenario_fail_at(sim_error *err, const scenario_where *w, const yaml_node_t *node,
                     const char *fmt, ...)
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
void scenario_bounds_phrase(const param_def *def, char *buf, size_t size)
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
        if (has_min) scenario_format_double(def->min, a, sizeof a);
        if (has_max) scenario_format_double(def->max, b, sizeof b);
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

/* Index of word among the '|'-separated choices; -1 if it is not one. */
static int enum_index(const char *choices, const char *word)
{
    size_t n = strlen(word);
    const char *p = choices;
    for (int k = 0; p && *p; k++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0) return k;
        p = bar ? bar + 1 : NULL;
    }
    return -1;
}

/* ---------- times: days, weeks, months and dates ---------- */

/* INT rows whose unit is "day" (a day number, counted from day 0) or "days"
 * (a length of time) take the time syntax (scenario.h). */
enum { TIME_NONE = 0, TIME_DAY, TIME_LENGTH };

static int time_kind(const param_def *def)
{
    if (def->type != PARAM_INT || !def->unit) return TIME_NONE;
    if (strcmp(def->unit, "day") == 0) return TIME_DAY;
    if (strcmp(def->unit, "days") == 0) return TIME_LENGTH;
    return TIME_NONE;
}

/* A STRING row whose unit is "date" holds "" or a YYYY-MM-DD date. */
static int is_date_row(const param_def *def)
{
    return def->type == PARAM_STRING && def->unit && strcmp(def->unit, "date") == 0;
}

#define START_DATE_KEY "run.start_date"
/* Days in an average month, when there is no start date to count from. */
#define DAYS_PER_MONTH 30.44
/* More weeks or months than this are out of every row's bounds anyway. */
#define TIME_COUNT_MAX 100000000LL

typedef struct civil {
    int y, m, d;
} civil;

static int days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static long long civil_days(civil c)
{
    long long y = c.y - (c.m <= 2);
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (c.m + (c.m > 2 ? -3 : 9)) + 2) / 5 + c.d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The same day of the month `months` later, or the month's last day when it
 * is shorter (2025-01-31 + 1 month = 2025-02-28). */
static civil civil_add_months(civil c, long long months)
{
    long long m0 = (long long)c.y * 12 + (c.m - 1) + months;
    civil r = {(int)(m0 / 12), (int)(m0 % 12) + 1, c.d};
    int last = days_in_month(r.y, r.m);
    if (r.d > last) r.d = last;
    return r;
}

/* 1 if s is exactly YYYY-MM-DD; *bad set when it has that shape but names
 * no day (2025-02-30). */
static int parse_date(const char *s, civil *c, int *bad)
{
    *bad = 0;
    for (int i = 0; i < 10; i++) {
        int digit = s[i] >= '0' && s[i] <= '9';
        if (i == 4 || i == 7 ? s[i] != '-' : !digit) return 0;
    }
    if (s[10]) return 0;
    c->y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    c->m = (s[5] - '0') * 10 + (s[6] - '0');
    c->d = (s[8] - '0') * 10 + (s[9] - '0');
    *bad = c->y < 1 || c->m < 1 || c->m > 12 || c->d < 1 || c->d > days_in_month(c->y, c->m);
    return 1;
}

/* A time as written: a whole number of days (unit 'n'), N followed by d, w
 * or m, or a date (unit 'D'). */
typedef struct time_text {
    char unit;
    long long n;
    civil date;
} time_text;

/* 1 if s is a time, 0 if not (why says what is wrong when it looks like
 * one: a date that names no day, a count too large). */
static int parse_time(const char *s, time_text *t, char *why, size_t size)
{
    int overflow = 0, bad;
    size_t digits = 0;
    why[0] = '\0';
    if (parse_int(s, &t->n, &overflow)) {
        t->unit = 'n';
        if (overflow) snprintf(why, size, "too large");
        return !overflow;
    }
    if (parse_date(s, &t->date, &bad)) {
        t->unit = 'D';
        if (bad) snprintf(why, size, "%s is not a day of the calendar", s);
        return !bad;
    }
    while (s[digits] >= '0' && s[digits] <= '9') digits++;
    if (digits == 0 || !s[digits] || s[digits + 1] || !strchr("dwm", s[digits])) return 0;
    if (digits > 9) {
        snprintf(why, size, "too large");
        return 0;
    }
    t->n = strtoll(s, NULL, 10);
    t->unit = s[digits];
    return 1;
}

/* What a time of this row may look like, after "expected ". */
static void time_forms(const param_def *def, char *buf, size_t size)
{
    if (time_kind(def) == TIME_DAY)
        snprintf(buf, size, "an integer number of days (90), or 90d, 12w, 3m, or a date such as "
                            "2025-03-01 (with run.start_date)");
    else
        snprintf(buf, size, "an integer number of days (30), or 30d, 4w, 1m");
}

/* The days of t for row def, counted from the start date (NULL: none
 * given).  SIM_OK, or SIM_EINPUT with why (the bounds are not checked). */
static int time_days(const param_def *def, const time_text *t, const civil *start, long long *days,
                     char *why, size_t size)
{
    char d[16];
    switch (t->unit) {
    case 'n':
    case 'd': *days = t->n; return SIM_OK;
    case 'w': *days = 7 * t->n; return SIM_OK;
    case 'm':
        if (t->n > TIME_COUNT_MAX / 31) *days = TIME_COUNT_MAX;
        else if (!start || time_kind(def) == TIME_LENGTH)
            *days = (long long)((double)t->n * DAYS_PER_MONTH + 0.5);
        else
            *days = civil_days(civil_add_months(*start, t->n)) - civil_days(*start);
        return SIM_OK;
    default: break;
    }
    snprintf(d, sizeof d, "%04d-%02d-%02d", t->date.y, t->date.m, t->date.d);
    if (time_kind(def) == TIME_LENGTH) {
        snprintf(why, size, "a date names a day, but this key is a length of time: give 30d, 4w "
                            "or 1m, got %s", d);
        return SIM_EINPUT;
    }
    if (!start) {
        snprintf(why, size, "the date %s needs " START_DATE_KEY " (the date of day 0), which is "
                            "not set", d);
        return SIM_EINPUT;
    }
    *days = civil_days(t->date) - civil_days(*start);
    if (*days < 0) {
        snprintf(why, size, "%s is before " START_DATE_KEY " %04d-%02d-%02d (day 0)", d, start->y,
                 start->m, start->d);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* A time row's value from text: the days when they do not depend on the
 * start date (bounds checked), the text kept in v->s when it is not a
 * plain number (scenario_resolve_times counts it again from the start
 * date). */
static int time_value(const param_def *def, const char *text, const yaml_node_t *node, param_value *v,
                      const scenario_where *w, sim_error *err)
{
    char want[160], got[64], why[160], range[128];
    time_text t;
    long long days = 0;
    scenario_describe_node(node, got, sizeof got);
    if (!text || !text[0] || !parse_time(text, &t, why, sizeof why)) {
        if (text && why[0]) return scenario_fail_at(err, w, node, "%s, got %s", why, got);
        time_forms(def, want, sizeof want);
        return scenario_fail_at(err, w, node, "expected %s, got %s", want, got);
    }
    const int later = time_kind(def) == TIME_DAY && (t.unit == 'm' || t.unit == 'D');
    if (t.unit == 'D' && time_kind(def) == TIME_LENGTH) {
        time_days(def, &t, NULL, &days, why, sizeof why);
        return scenario_fail_at(err, w, node, "%s", why);
    }
    if (!later) {
        time_days(def, &t, NULL, &days, why, sizeof why);
        if (!int_in_bounds(def, days)) {
            scenario_bounds_phrase(def, range, sizeof range);
            if (t.unit == 'n') return scenario_fail_at(err, w, node, "%s, got %s", range, text);
            return scenario_fail_at(err, w, node, "%s, got %s (%lld days)", range, text, days);
        }
    }
    v->i = days;
    if (t.unit != 'n' && !(v->s = scenario_strdup(text)))
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, w->key, "out of memory");
    return SIM_OK;
}

/* The start date of vals, if one is set. */
static const civil *start_date_of(const param_value *vals, size_t n, civil *buf)
{
    int bad;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(vals[i].def->path, START_DATE_KEY) != 0 || !is_date_row(vals[i].def)) continue;
        if (vals[i].s && parse_date(vals[i].s, buf, &bad) && !bad) return buf;
        return NULL;
    }
    return NULL;
}

/* Where vals[i] was given: file (the file of values without their own),
 * line and column; "--set" without a position. */
static void value_origin(const param_value *v, const char *file, const char **f, int *line, int *col)
{
    *f = file ? file : "";
    *line = *col = 0;
    if (v->source == PARAM_FROM_FILE) {
        if (v->file) *f = v->file;
        *line = v->line;
        *col = v->column;
    } else if (v->source == PARAM_FROM_SET) {
        *f = SET_FILE;
    }
}

int scenario_resolve_times(param_value *vals, size_t n, const char *file, const char *blame,
                           sim_error *err)
{
    civil buf;
    const civil *start = start_date_of(vals, n, &buf);
    for (int store = 0; store < 2; store++) {
        for (size_t i = 0; i < n; i++) {
            const param_def *def = vals[i].def;
            char why[200], range[128];
            time_text t;
            long long days = 0;
            if (!time_kind(def) || !vals[i].s) continue;
            if (!parse_time(vals[i].s, &t, why, sizeof why)) continue; /* checked when given */
            int rc = time_days(def, &t, start, &days, why, sizeof why);
            if (rc == SIM_OK && !int_in_bounds(def, days)) {
                scenario_bounds_phrase(def, range, sizeof range);
                snprintf(why, sizeof why, "%s, got %s (%lld days)", range, vals[i].s, days);
                rc = SIM_EINPUT;
            }
            if (rc != SIM_OK) {
                const char *f;
                int line, col;
                value_origin(&vals[i], file, &f, &line, &col);
                if (blame && strcmp(blame, def->path) != 0)
                    return sim_error_set(err, SIM_EINPUT, SET_FILE, 0, 0, blame,
                                         "makes %s (given as %s at %s%s%.0d%s%.0d): %s", def->path,
                                         vals[i].s, f, line ? ":" : "", line, line ? ":" : "", col,
                                         why);
                return sim_error_set(err, SIM_EINPUT, f, line, col, def->path, "%s", why);
            }
            if (store) vals[i].i = days;
        }
    }
    return SIM_OK;
}

/* A STRING row with max_len > 0 given a YAML list of names: the names as
 * one comma list, each quoted as in CSV when it holds a comma, a quote or
 * blanks at its ends (params.h). */
static int string_list(const param_def *def, yaml_document_t *doc, const yaml_node_t *node, char **out,
                       const scenario_where *w, sim_error *err)
{
    const int count = (int)(node->data.sequence.items.top - node->data.sequence.items.start);
    size_t cap = 1, len = 0;
    char got[64];
    if (count < 1 || count > def->max_len)
        return scenario_fail_at(err, w, node, "expected a list of 1 to %d names, got %d", def->max_len, count);
    for (int k = 0; k < count; k++) {
        const yaml_node_t *item = yaml_document_get_node(doc, node->data.sequence.items.start[k]);
        if (item->type != YAML_SCALAR_NODE || scenario_is_null_scalar(item)) {
            scenario_describe_node(item, got, sizeof got);
            return scenario_fail_at(err, w, item, "expected a name, got %s (element %d of the list)", got, k + 1);
        }
        if (strlen(scenario_scalar_text(item)) != item->data.scalar.length)
            return scenario_fail_at(err, w, item, "a string may not contain a NUL character");
        cap += 2 * item->data.scalar.length + 4;
    }
    char *s = malloc(cap);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, w->key, "out of memory");
    for (int k = 0; k < count; k++) {
        const char *t = scenario_scalar_text(yaml_document_get_node(doc, node->data.sequence.items.start[k]));
        size_t n = strlen(t);
        int quote = strpbrk(t, ",\"") != NULL || (n && (is_space(t[0]) || is_space(t[n - 1])));
        if (k) {
            s[len++] = ',';
            s[len++] = ' ';
        }
        if (quote) s[len++] = '"';
        for (; *t; t++) {
            if (*t == '"') s[len++] = '"';
            s[len++] = *t;
        }
        if (quote) s[len++] = '"';
    }
    s[len] = '\0';
    *out = s;
    return SIM_OK;
}

/* One list element (or a lone scalar given for a list). */
static int list_element(const param_def *def, const yaml_node_t *item, int index, int count,
                        double *out, const scenario_where *w, sim_error *err)
{
    char got[64], range[128], which[48] = "";
    if (count > 1) snprintf(which, sizeof which, " (element %d of the list)", index + 1);
    int ok = item->type == YAML_SCALAR_NODE && !scenario_is_null_scalar(item)
                 ? parse_double(scenario_scalar_text(item), out)
                 : 0;
    if (ok != 1) {
        scenario_describe_node(item, got, sizeof got);
        return scenario_fail_at(err, w, item, "expected a %snumber, got %s%s",
                                ok < 0 ? "finite " : "", got, which);
    }
    if (!double_in_bounds(def, *out)) {
        scenario_bounds_phrase(def, range, sizeof range);
        return scenario_fail_at(err, w, item, "%s, got %s%s", range, scenario_scalar_text(item),
                                which);
    }
    return SIM_OK;
}

/* Parse node (NULL: an empty value) as a value of row def into out (i, d, s,
 * list, n only).  out is written only on success. */
int scenario_value_from_node(const param_def *def, yaml_document_t *doc, const yaml_node_t *node,
                             param_value *out, const scenario_where *w, sim_error *err)
{
    char want[160], got[64], range[128];
    const char *text = NULL;
    param_value v = {0};
    int overflow = 0;

    expected_phrase(def, want, sizeof want);
    scenario_describe_node(node, got, sizeof got);
    if (!node || scenario_is_null_scalar(node))
        text = "";
    else if (node->type == YAML_SCALAR_NODE)
        text = scenario_scalar_text(node);

    switch (def->type) {
    case PARAM_BOOL:
        if (!text || !parse_bool(text, &v.i))
            return scenario_fail_at(err, w, node, "expected true or false, got %s", got);
        break;
    case PARAM_INT:
        if (time_kind(def)) {
            int rc = time_value(def, text, node, &v, w, err);
            if (rc != SIM_OK) return rc;
            break;
        }
        if (!text || !parse_int(text, &v.i, &overflow))
            return scenario_fail_at(err, w, node, "expected an integer, got %s", got);
        if (overflow || !int_in_bounds(def, v.i)) {
            scenario_bounds_phrase(def, range, sizeof range);
            return scenario_fail_at(err, w, node, "%s, got %s", range, text);
        }
        break;
    case PARAM_DOUBLE: {
        int ok = text ? parse_double(text, &v.d) : 0;
        if (ok != 1)
            return scenario_fail_at(err, w, node, "expected a %snumber, got %s",
                                    ok < 0 ? "finite " : "", got);
        if (!double_in_bounds(def, v.d)) {
            scenario_bounds_phrase(def, range, sizeof range);
            return scenario_fail_at(err, w, node, "%s, got %s", range, text);
        }
        break;
    }
    case PARAM_STRING:
        if (!text && node && node->type == YAML_SEQUENCE_NODE && def->max_len > 0) {
            int rc = string_list(def, doc, node, &v.s, w, err);
            if (rc != SIM_OK) return rc;
            break;
        }
        if (!text)
            return scenario_fail_at(err, w, node, "expected %s, got %s",
                                    def->max_len > 0 ? "a string or a list of names" : "a string", got);
        if (node && node->type == YAML_SCALAR_NODE && strlen(text) != node->data.scalar.length)
            return scenario_fail_at(err, w, node, "a string may not contain a NUL character");
        if (is_date_row(def) && text[0]) {
            civil c;
            int bad;
            if (!parse_date(text, &c, &bad) || bad)
                return scenario_fail_at(err, w, node, "expected a date YYYY-MM-DD such as 2025-03-01 "
                                        "(or nothing: no date), got %s", got);
        }
        if (!(v.s = scenario_strdup(text))) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, w->key, "out of memory");
        break;
    case PARAM_ENUM:
        if (!text || !enum_has(def->choices, text))
            return scenario_fail_at(err, w, node, "expected %s, got %s", want, got);
        if (!(v.s = scenario_strdup(text))) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, w->key, "out of memory");
        break;
    case PARAM_DOUBLE_LIST: {
        int count;
        if (text && !text[0])
            return scenario_fail_at(err, w, node,
                                    "expected a list of 1 to %d numbers, got an empty value",
                                    def->max_len);
        if (node->type == YAML_MAPPING_NODE)
            return scenario_fail_at(err, w, node, "expected %s, got a mapping", want);
        count = node->type == YAML_SCALAR_NODE
                    ? 1
                    : (int)(node->data.sequence.items.top - node->data.sequence.items.start);
        if (count < 1 && !(def->def && !strcmp(def->def, "[]")))
            return scenario_fail_at(err, w, node,
                                    "expected a list of 1 to %d numbers, got an empty list",
                                    def->max_len);
        if (count > def->max_len)
            return scenario_fail_at(err, w, node, "expected %s, got %d", want, count);
        v.list = malloc((size_t)(count > 0 ? count : 1) * sizeof *v.list);
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
    case PARAM_NAME_LIST: {
        int count = 0;
        size_t len = 0;
        if (node && node->type == YAML_MAPPING_NODE)
            return scenario_fail_at(err, w, node, "expected %s, got a mapping", want);
        if (node && node->type == YAML_SEQUENCE_NODE)
            count = (int)(node->data.sequence.items.top - node->data.sequence.items.start);
        else
            count = text && text[0] ? 1 : 0;
        if (count > def->max_len) return scenario_fail_at(err, w, node, "expected %s, got %d", want, count);
        for (int k = 0; k < count; k++) {
            const yaml_node_t *item = node->type == YAML_SEQUENCE_NODE
                                          ? yaml_document_get_node(doc, node->data.sequence.items.start[k])
                                          : node;
            const char *name = item->type == YAML_SCALAR_NODE ? scenario_scalar_text(item) : "";
            int ok = name[0] != '\0' && strlen(name) < 128;
            for (const char *c = name; ok && *c; c++)
                ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
                     *c == '.' || *c == ':' || *c == '-';
            if (!ok) {
                scenario_describe_node(item, got, sizeof got);
                return scenario_fail_at(err, w, item, "expected a name (letters, digits, _ . : -), got %s", got);
            }
            len += strlen(name) + 1;
        }
        if (!(v.s = calloc(len + 1, 1))) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, w->key, "out of memory");
        for (int k = 0; k < count; k++) {
            const yaml_node_t *item = node->type == YAML_SEQUENCE_NODE
                                          ? yaml_document_get_node(doc, node->data.sequence.items.start[k])
                                          : node;
            if (k) strcat(v.s, ",");
            strcat(v.s, scenario_scalar_text(item));
        }
        v.n = count;
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

/* 1 if YAML reads text as a plain scalar of exactly that text: letters,
 * digits and _ . + - only, not "-" (a list item) nor starting "--" or "..". */
static int plain_scalar_text(const char *t)
{
    if (!t[0] || (t[0] == '-' && (!t[1] || t[1] == '-')) || (t[0] == '.' && t[1] == '.')) return 0;
    for (; *t; t++) {
        char c = *t;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '+' || c == '-'))
            return 0;
    }
    return 1;
}

/* Parse text (a default or a --set value) as one YAML value of row def. */
static int value_from_text(const param_def *def, const char *text, param_value *out,
                           const scenario_where *w, sim_error *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    if (plain_scalar_text(text)) {
        /* The node libyaml would build, without a parser: most defaults
         * are such words or numbers, and a parser for each of the ~270
         * rows cost a tenth of a small run.  Errors take the parser's path
         * below, for its marks. */
        yaml_node_t node;
        memset(&node, 0, sizeof node);
        node.type = YAML_SCALAR_NODE;
        node.tag = (yaml_char_t *)YAML_DEFAULT_SCALAR_TAG;
        node.data.scalar.value = (yaml_char_t *)(uintptr_t)text; /* read only */
        node.data.scalar.length = strlen(text);
        node.data.scalar.style = YAML_PLAIN_SCALAR_STYLE;
        sim_error quiet;
        if (scenario_value_from_node(def, NULL, &node, out, w, &quiet) == SIM_OK) return SIM_OK;
    }
    int rc = scenario_yaml_check_depth(text, strlen(text), w, err);

    if (rc != SIM_OK) return rc;
    if (!yaml_parser_initialize(&parser))
        return sim_error_set(err, SIM_ENOMEM, w->file, 0, 0, w->key, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    if (!yaml_parser_load(&parser, &doc)) {
        rc = scenario_yaml_failure(&parser, text, strlen(text), w, err);
        yaml_parser_delete(&parser);
        return rc;
    }
    rc = scenario_value_from_node(def, &doc, yaml_document_get_root_node(&doc), out, w, err);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

/* ---------- table lookups and did-you-mean ---------- */

long scenario_find_row(const scenario *scn, const char *path)
{
    for (size_t i = 0; i < scn->n; i++)
        if (strcmp(scn->values[i].def->path, path) == 0) return (long)i;
    return -1;
}

/* 1 if some row lies under path ("model" and "model.bass" for "model.bass.p"). */
int scenario_is_section(const scenario *scn, const char *path)
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

const char *scenario_nearest(const char *word, const char *const *names, int n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, len = strlen(word);
    for (int i = 0; i < n; i++) {
        size_t d = edit_distance(word, len, names[i], strlen(names[i]));
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best && best_d <= 3 && best_d * 3 <= len ? best : NULL;
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

const char *scenario_nearest_word(const char *word, const char *const *words, size_t n)
{
    size_t wlen = strlen(word), best = (size_t)-1;
    const char *best_w = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(word, words[i]) == 0) return words[i];
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(words[i]), longer = wlen > len ? wlen : len;
        size_t d = edit_distance(word, wlen, words[i], len);
        if (d <= 3 && 3 * d <= longer && d < best) {
            best = d;
            best_w = words[i];
        }
    }
    return best_w;
}

int scenario_unknown_key(const scenario *scn, const char *path, int sections,
                         const scenario_where *w, const yaml_node_t *node, sim_error *err)
{
    char near[MAX_SUGGEST_LEN + 1];
    const char *what = sections ? "section" : "key";
    suggest(scn, path, sections, near, sizeof near);
    if (near[0])
        return scenario_fail_at(err, w, node, "unknown %s \"%s\"; did you mean \"%s\"?", what,
                                path, near);
    return scenario_fail_at(err, w, node, "unknown %s \"%s\"", what, path);
}

/* ---------- alloc and free ---------- */

/* Check row d against the k rows already in scn, then parse its default into
 * scn->values[k].  Problems with the row are SIM_EINTERNAL. */
static int add_row(scenario *scn, size_t k, const param_def *d, int check_pairs, sim_error *err)
{
    const char *path = d->path;
    size_t plen = strlen(path);
    sim_error inner;
    scenario_where w = {NULL, 0, path};
    int rc;

    if (!plen || path[0] == '.' || path[plen - 1] == '.' || strstr(path, ".."))
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                             "parameter table: malformed key path");
    for (size_t j = 0; check_pairs && j < k; j++) {
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
    if ((d->type == PARAM_DOUBLE_LIST || d->type == PARAM_NAME_LIST) && d->max_len < 1)
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

    if (d->bind != PARAM_UNBOUND && d->bind != PARAM_BIND && d->bind != PARAM_BIND_INT32)
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                             "parameter table: unknown binding kind %d", (int)d->bind);
    if (d->bind == PARAM_BIND_INT32 &&
        (d->type != PARAM_INT || d->min < INT32_MIN || d->max > INT32_MAX))
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                             "parameter table: an int32_t binding needs an integer row whose "
                             "bounds fit an int32_t");
    if (d->bind != PARAM_UNBOUND && d->type == PARAM_DOUBLE_LIST && d->max_len > PARAM_LIST_MAX)
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, path,
                             "parameter table: a bound list holds at most %d values",
                             PARAM_LIST_MAX);

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

/* Key paths in an order where '.' comes before every other character: the
 * paths under "a.b." then follow "a.b" directly. */
static int path_order(const void *x, const void *y)
{
    const unsigned char *a = *(const unsigned char *const *)x, *b = *(const unsigned char *const *)y;
    for (; *a && *a == *b; a++, b++) {
    }
    int ca = *a == '.' ? 1 : *a, cb = *b == '.' ? 1 : *b;
    return ca - cb;
}

/* 1 if two of the n rows of tables clash: the same path twice, or a path
 * that is also a section of another.  Sorted in path_order, a clash always
 * shows between neighbours, so this takes n log n where add_row's check of
 * every pair took n^2 (a tenth of a small run's instructions for ~270
 * rows); add_row's check then runs only to name the clash as before.  Also
 * 1 when out of memory (the pairs are then checked as before). */
static int rows_clash(const param_def *const *tables, size_t n_tables, size_t n)
{
    const char **paths = malloc((n ? n : 1) * sizeof *paths);
    if (!paths) return 1;
    size_t m = 0;
    for (size_t t = 0; t < n_tables; t++)
        for (const param_def *d = tables[t]; d && d->path; d++) paths[m++] = d->path;
    qsort(paths, m, sizeof *paths, path_order);
    int clash = 0;
    for (size_t i = 1; i < m && !clash; i++) {
        size_t len = strlen(paths[i - 1]);
        clash = strncmp(paths[i - 1], paths[i], len) == 0 && (paths[i][len] == '\0' || paths[i][len] == '.');
    }
    free(paths);
    return clash;
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
    const int check_pairs = rows_clash(tables, n_tables, n);
    for (size_t t = 0; t < n_tables; t++) {
        for (const param_def *d = tables[t]; d && d->path; d++) {
            int rc = add_row(scn, scn->n, d, check_pairs, err);
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
    scenario_free_values(scn->values, scn->n);
    free(scn->file);
    free(scn);
}

scenario *scenario_copy(const scenario *scn)
{
    scenario *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->n = scn->n;
    c->values = scenario_copy_values(scn->values, scn->n);
    c->file = scn->file ? scenario_strdup(scn->file) : NULL;
    if (!c->values || (scn->file && !c->file)) {
        if (c->values) scenario_free_values(c->values, c->n);
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
    scenario_where w = {SET_FILE, 0, NULL};
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

    row = scenario_find_row(scn, key);
    if (row < 0) {
        if (scenario_is_section(scn, key)) {
            size_t n = strlen(key);
            for (size_t i = 0; i < scn->n; i++) {
                const char *p = scn->values[i].def->path;
                if (strncmp(p, key, n) == 0 && p[n] == '.')
                    return sim_error_set(err, SIM_EINPUT, SET_FILE, 0, 0, key,
                                         "\"%s\" is a section, not a key; give a whole key "
                                         "such as \"%s\"", key, p);
            }
        }
        return scenario_unknown_key(scn, key, 0, &w, NULL, err);
    }

    rc = value_from_text(scn->values[row].def, eq + 1, &parsed, &w, err);
    if (rc != SIM_OK) return rc;
    /* times counted from the start date are counted again (a new start
     * date moves them); on error the old value comes back */
    param_value old = scn->values[row];
    scn->values[row].s = NULL;
    scn->values[row].list = NULL;
    scenario_take_value(&scn->values[row], &parsed, PARAM_FROM_SET, 0, 0, NULL);
    rc = scenario_resolve_times(scn->values, scn->n, scn->file, key, err);
    if (rc != SIM_OK) {
        free_value(&scn->values[row]);
        scn->values[row] = old;
        return rc;
    }
    free_value(&old);
    return SIM_OK;
}

int scenario_time_days(const scenario *scn, const char *path, const char *text, long long *days,
                       char *why, size_t size)
{
    const param_value *v = scenario_find(scn, path);
    char range[128];
    civil buf;
    time_text t;
    if (!v || !time_kind(v->def)) return 0;
    if (!parse_time(text, &t, why, size)) {
        if (!why[0]) {
            char want[160];
            time_forms(v->def, want, sizeof want);
            snprintf(why, size, "expected %s, got \"%.40s\"", want, text);
        }
        return -1;
    }
    if (time_days(v->def, &t, start_date_of(scn->values, scn->n, &buf), days, why, size) != SIM_OK)
        return -1;
    if (!int_in_bounds(v->def, *days)) {
        scenario_bounds_phrase(v->def, range, sizeof range);
        snprintf(why, size, "%s, got %.40s (%lld days)", range, text, *days);
        return -1;
    }
    return 1;
}

/* ---------- numbers set as numbers ---------- */

int scenario_set_number(scenario *scn, const char *path, double value, const char *origin_file,
                        int line, int column, sim_error *err)
{
    const char *file = origin_file ? origin_file : (scn->file ? scn->file : "");
    char got[40], range[128];
    param_value parsed = {0};
    const param_def *def;
    long row;

    if (!origin_file || !strcmp(origin_file, SET_FILE)) line = column = 0;
    row = scenario_find_row(scn, path);
    if (row < 0) {
        scenario_where w = {file, 0, path};
        size_t n = strlen(path);
        for (size_t i = 0; i < scn->n; i++) {
            const char *p = scn->values[i].def->path;
            if (strncmp(p, path, n) == 0 && p[n] == '.')
                return sim_error_set(err, SIM_EINPUT, file, line, column, path,
                                     "\"%s\" is a section, not a key; give a whole key such "
                                     "as \"%s\"", path, p);
        }
        int rc = scenario_unknown_key(scn, path, 0, &w, NULL, err);
        if (err) {
            err->line = line;
            err->column = column;
        }
        return rc;
    }
    def = scn->values[row].def;
    if (def->type != PARAM_INT && def->type != PARAM_DOUBLE) {
        char want[160];
        expected_phrase(def, want, sizeof want);
        return sim_error_set(err, SIM_EINPUT, file, line, column, path,
                             "takes %s, not a number", want);
    }
    if (!isfinite(value))
        return sim_error_set(err, SIM_EINPUT, file, line, column, path,
                             "expected a finite number, got %g", value);
    /* formatted only for a message: a draw sets many values a run */
    if (def->type == PARAM_INT) {
        const int fits = value > -INT_BOUND_LIMIT && value < INT_BOUND_LIMIT;
        if (fits && value != (double)(long long)value) {
            scenario_format_double(value, got, sizeof got);
            return sim_error_set(err, SIM_EINPUT, file, line, column, path,
                                 "expected a whole number, got %s", got);
        }
        if (!fits || !int_in_bounds(def, (long long)value)) {
            scenario_format_double(value, got, sizeof got);
            scenario_bounds_phrase(def, range, sizeof range);
            return sim_error_set(err, SIM_EINPUT, file, line, column, path, "%s, got %s", range,
                                 got);
        }
        parsed.i = (long long)value;
    } else {
        if (!double_in_bounds(def, value)) {
            scenario_format_double(value, got, sizeof got);
            scenario_bounds_phrase(def, range, sizeof range);
            return sim_error_set(err, SIM_EINPUT, file, line, column, path, "%s, got %s", range,
                                 got);
        }
        parsed.d = value;
    }
    if (!origin_file)
        scenario_take_value(&scn->values[row], &parsed, PARAM_FROM_DEFAULT, 0, 0, NULL);
    else if (!strcmp(origin_file, SET_FILE))
        scenario_take_value(&scn->values[row], &parsed, PARAM_FROM_SET, 0, 0, NULL);
    else
        scenario_take_value(&scn->values[row], &parsed, PARAM_FROM_FILE, line, column,
                            scn->file && !strcmp(scn->file, origin_file) ? NULL : origin_file);
    return SIM_OK;
}

/* ---------- binding ---------- */

/* The value of table row d.  A table's rows lie one after the other in scn
 * (scenario_alloc adds each table whole), so *next, the row after the last
 * one found, is tried first (the same row: the same path string, also for a
 * copy of the row); the path is searched for otherwise.  A row that is not
 * in scn, or is there with another type, is a programming error. */
static const param_value *bound_value(const scenario *scn, const param_def *d, size_t *next)
{
    long row = *next < scn->n && scn->values[*next].def->path == d->path ? (long)*next
                                                                           : scenario_find_row(scn, d->path);
    if (row < 0 || scn->values[row].def->type != d->type) {
        fprintf(stderr, "adoptsim: internal error: scenario_bind(\"%s\"): %s\n", d->path,
                row < 0 ? "no such key in the scenario" : "the key has another type");
        abort();
    }
    *next = (size_t)row + 1;
    return &scn->values[row];
}

void scenario_bind(const scenario *scn, const param_def *table, void *params)
{
    char *base = params;
    size_t next = 0;
    for (const param_def *d = table; d && d->path; d++) {
        if (d->bind == PARAM_UNBOUND) continue;
        const param_value *v = bound_value(scn, d, &next);
        void *field = base + d->offset;
        switch (d->type) {
        case PARAM_BOOL: *(int *)field = v->i != 0; break;
        case PARAM_INT:
            if (d->bind == PARAM_BIND_INT32) *(int32_t *)field = (int32_t)v->i;
            else *(int64_t *)field = (int64_t)v->i;
            break;
        case PARAM_DOUBLE: *(double *)field = v->d; break;
        case PARAM_ENUM: *(int *)field = enum_index(d->choices, v->s); break;
        case PARAM_STRING:
        case PARAM_NAME_LIST: *(const char **)field = v->s; break;
        case PARAM_DOUBLE_LIST: {
            param_list *l = field;
            memset(l, 0, sizeof *l);
            l->n = v->n < PARAM_LIST_MAX ? v->n : PARAM_LIST_MAX;
            for (int k = 0; k < l->n; k++) l->v[k] = v->list[k];
            break;
        }
        }
    }
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
                path, scenario_type_name(v->def->type));
        abort();
    }
    return v;
}

const param_value *scenario_find(const scenario *scn, const char *path)
{
    long row;
    if (!scn || !path) return NULL;
    row = scenario_find_row(scn, path);
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

const char *scenario_names(const scenario *scn, const char *path, int *n)
{
    const param_value *v = must_find(scn, path, "scenario_names", PARAM_NAME_LIST, PARAM_NAME_LIST);
    if (n) *n = v->n;
    return v->s ? v->s : "";
}

const double *scenario_list(const scenario *scn, const char *path, int *n)
{
    const param_value *v = must_find(scn, path, "scenario_list", PARAM_DOUBLE_LIST,
                                     PARAM_DOUBLE_LIST);
    if (n) *n = v->n;
    return v->list;
}

/* Where path's value came from: file:line:column when set in a file, "--set"
 * when overridden, the scenario's file alone for a default. */
static void locate(const scenario *scn, const char *path, const char **file, int *line, int *col)
{
    const param_value *v = scenario_find(scn, path);
    *file = scn && scn->file ? scn->file : "";
    *line = *col = 0;
    if (v && v->source == PARAM_FROM_FILE) {
        if (v->file) *file = v->file;
        *line = v->line;
        *col = v->column;
    } else if (v && v->source == PARAM_FROM_SET) {
        *file = SET_FILE;
    }
}

int scenario_error(const scenario *scn, const char *path, sim_error *err, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    const char *file;
    int line, col;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    locate(scn, path, &file, &line, &col);
    return sim_error_set(err, SIM_EINPUT, file, line, col, path, "%s", msg);
}

void scenario_warn(const scenario *scn, const char *path, sim_warnings *out, const char *fmt, ...)
{
    char msg[sizeof out->items[0].msg];
    const char *file;
    int line, col;
    va_list ap;

    if (!out) return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    locate(scn, path, &file, &line, &col);
    sim_warn(out, file, line, col, path, "%s", msg);
}
