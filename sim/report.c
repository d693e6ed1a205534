/* report.c: `adoptsim report` (see report.h): opens the file
 * (resultfile.c), checks the runs are there, has the outcomes computed
 * (outcomes.c) and writes them as text, Markdown or CSV tables. */
#include "report.h"
#include "resultfile.h"
#include "table.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#define LIST_BUDGET_ERROR 300   /* characters of missing-run list in an error message */
#define LIST_BUDGET_REPORT 2000 /* ... in the header of a --partial report */

/* ---- growable strings ---------------------------------------------------------- */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (b->oom) return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + (size_t)n + 1 > cap) cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static const char *sb_str(const sbuf *b)
{
    return b->s ? b->s : "";
}

/* ---- options ---------------------------------------------------------------------- */

int report_parse_days(const char *text, report_options *opt, sim_error *err)
{
    const char *p = text;
    opt->n_days = 0;
    for (;;) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < 0 || v > INT32_MAX || (*end && *end != ','))
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                                 "--days wants days >= 0 separated by commas, e.g. 90,180,365; got '%s'",
                                 text);
        if (opt->n_days == REPORT_MAX_DAYS)
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "--days: at most %d days",
                                 REPORT_MAX_DAYS);
        opt->days[opt->n_days++] = (int32_t)v;
        if (!*end) return SIM_OK;
        p = end + 1;
    }
}

int report_parse_format(const char *text, report_format *format, sim_error *err)
{
    if (!strcmp(text, "text"))
        *format = REPORT_TEXT;
    else if (!strcmp(text, "markdown") || !strcmp(text, "md"))
        *format = REPORT_MARKDOWN;
    else if (!strcmp(text, "csv"))
        *format = REPORT_CSV;
    else
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                             "--format wants text, markdown or csv; got '%s'", text);
    return SIM_OK;
}

static int no_memory(sim_error *err)
{
    return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

/* The baseline scenario: --baseline, else the file's, else the first. */
static int resolve_baseline(result_file *f, const report_options *opt)
{
    int rc;
    char base[512] = "";
    if (opt->baseline)
        snprintf(base, sizeof base, "%s", opt->baseline);
    else
        snprintf(base, sizeof base, "%s", f->baseline_attr);
    f->baseline = opt->baseline || base[0] ? -1 : 0;
    for (int s = 0; s < f->S && f->baseline < 0; s++)
        if (!strcmp(f->names[s], base)) f->baseline = s;
    if (f->baseline < 0) {
        sbuf known = {0};
        for (int s = 0; s < f->S; s++) sb_printf(&known, "%s%s", s ? ", " : "", f->names[s]);
        rc = sim_error_set(f->err, SIM_EINPUT, NULL, 0, 0, NULL, "%s has no scenario named \"%s\" (it has %s)",
                           f->path, base, sb_str(&known));
        free(known.s);
        return rc;
    }
    return SIM_OK;
}

/* "push: replicates 0-3, 7; vanguard point 2: all 4 replicates; ..." with
 * about budget characters, then "and N more". Returns the missing count. */
static long long missing_runs(const result_file *f, sbuf *sb, size_t budget)
{
    long long missing = 0;
    int entries = 0, left_out = 0;
    size_t start = sb->len;
    for (int s = 0; s < f->S; s++)
        for (int p = 0; p < f->P; p++) {
            int n = 0;
            for (int r = 0; r < f->R; r++) n += !result_file_done(f, s, p, r);
            if (!n) continue;
            missing += n;
            if (sb->len - start > budget) {
                left_out++;
                continue;
            }
            sb_printf(sb, "%s%s", entries++ ? "; " : "", f->names[s]);
            if (f->P > 1) sb_printf(sb, " point %d", p);
            if (n == f->R) {
                sb_printf(sb, ": all %d replicate%s", f->R, f->R > 1 ? "s" : "");
                continue;
            }
            sb_printf(sb, ": replicate%s ", n > 1 ? "s" : "");
            int first = 1;
            for (int r = 0; r < f->R; r++) {
                if (result_file_done(f, s, p, r)) continue;
                int e = r;
                while (e + 1 < f->R && !result_file_done(f, s, p, e + 1)) e++;
                sb_printf(sb, "%s%d", first ? "" : ", ", r);
                if (e > r) sb_printf(sb, "-%d", e);
                first = 0;
                r = e;
            }
        }
    if (left_out)
        sb_printf(sb, "; and %d more %s with missing runs", left_out, f->P > 1 ? "(scenario, point)s" : "scenarios");
    return missing;
}

/* What the report is made of. */
typedef struct report {
    result_file f;
    const report_options *opt;
    outcome_grid g;
    long long missing;
    sbuf missing_list;
} report;

/* ---- text and Markdown ------------------------------------------------------------------------ */

static void fmt_num(char *buf, size_t size, double v, int decimals, int sign)
{
    if (sign)
        snprintf(buf, size, "%+.*f", decimals, v);
    else
        snprintf(buf, size, "%.*f", decimals, v);
}

/* "312.4 [301.2, 323.6]", "312.0 (n=1)", "312.4 (no CI)", or fallback when there is no mean. */
static void fmt_stat(char *buf, size_t size, stats_estimate st, int decimals, int sign, const char *fallback)
{
    char m[64], lo[64], hi[64];
    if (st.n == 0 || isnan(st.mean)) {
        snprintf(buf, size, "%s", fallback);
        return;
    }
    fmt_num(m, sizeof m, st.mean, decimals, sign);
    if (isnan(st.lo)) {
        snprintf(buf, size, "%s (%s)", m, st.n == 1 ? "n=1" : "no CI");
        return;
    }
    fmt_num(lo, sizeof lo, st.lo, decimals, sign);
    fmt_num(hi, sizeof hi, st.hi, decimals, sign);
    snprintf(buf, size, "%s [%s, %s]", m, lo, hi);
}

/* The part of c's note that starts with key, up to the next "; " and
 * without the key when skip_key; "-" when there is none. */
static const char *note_part(const outcome_cell *c, const char *key, int skip_key, char *buf, size_t size)
{
    const char *p = strstr(c->note, key);
    if (!p) return "-";
    if (skip_key) p += strlen(key);
    const char *end = strstr(p, "; ");
    snprintf(buf, size, "%.*s", end ? (int)(end - p) : (int)strlen(p), p);
    return buf;
}

/* Column headers of the swept parameters: the shortest dotted suffix that
 * tells them apart ("per_team"; "vanguard.share" beside "training.share"). */
static const char *param_header(const result_file *f, int j)
{
    const char *name = f->params[j];
    const char *cut = name + strlen(name);
    for (;;) {
        while (cut > name && cut[-1] != '.') cut--;
        int unique = 1;
        size_t len = strlen(cut);
        for (int i = 0; i < f->n_params && unique; i++) {
            size_t li = strlen(f->params[i]);
            if (i != j && li >= len && !strcmp(f->params[i] + li - len, cut) &&
                (li == len || f->params[i][li - len - 1] == '.'))
                unique = 0;
        }
        if (unique || cut == name) return cut;
        cut--; /* step over the dot to take one more part */
    }
}

/* The leading columns of a row: scenario, parameter values, n. */
static int lead_columns(const report *rp, table *t, int row, int s, int p, int n)
{
    const result_file *f = &rp->f;
    char buf[64];
    int col = 0;
    if (row == 0) {
        table_set(t, 0, col++, "scenario");
        for (int j = 0; j < f->n_params; j++) {
            t->right[col] = 1;
            table_set(t, 0, col++, param_header(f, j));
        }
        t->right[col] = 1;
        table_set(t, 0, col++, "n");
        return col;
    }
    table_set(t, row, col++, f->names[s]);
    for (int j = 0; j < f->n_params; j++) {
        snprintf(buf, sizeof buf, "%g", f->param_values[(size_t)j * (size_t)f->P + (size_t)p]);
        table_set(t, row, col++, buf);
    }
    snprintf(buf, sizeof buf, "%d", n);
    table_set(t, row, col++, buf);
    return col;
}

/* The table of outcome main_o at day k (FIRST_DAY: k < 0) with the column
 * of extra_o (a SHARE or PER_UNIT outcome; -1: none). */
static int print_table(report *rp, FILE *out, int k, int main_o, int extra_o)
{
    const result_file *f = &rp->f;
    const outcome_grid *g = &rp->g;
    const char *base = f->names[f->baseline];
    const sim_outcome *mo = &g->out[main_o], *eo = extra_o >= 0 ? &g->out[extra_o] : NULL;
    const int paired = f->S > 1, share = eo && eo->kind == SIM_OUTCOME_SHARE;
    const int per_unit = eo && eo->kind == SIM_OUTCOME_PER_UNIT;
    char buf[256], head[256], why[160], words[128];
    table t;
    int lead = 2 + f->n_params;
    table_init(&t, lead + 1 + paired + (share ? 1 + paired : 0) + (per_unit ? 1 : 0));
    if (t.oom) { /* no t.right to mark columns in */
        table_free(&t);
        return no_memory(f->err);
    }
    int row = table_row(&t);
    int col = lead_columns(rp, &t, row, 0, 0, 0);
    for (int j = col; j < t.ncols; j++) t.right[j] = 1;
    table_set(&t, 0, col++, "mean [95% CI]");
    snprintf(head, sizeof head, "vs %s [95%% CI]", base);
    if (paired) table_set(&t, 0, col++, head);
    if (share) {
        snprintf(buf, sizeof buf, "%s [95%% CI]", eo->label);
        table_set(&t, 0, col++, buf);
        snprintf(buf, sizeof buf, "vs %s, pp [95%% CI]", base);
        if (paired) table_set(&t, 0, col++, buf);
    }
    if (per_unit) table_set(&t, 0, col++, eo->label);

    for (int s = 0; s < f->S; s++)
        for (int p = 0; p < f->P; p++) {
            const outcome_cell *c = outcomes_cell(g, k < 0 ? 0 : k, main_o, s, p);
            row = table_row(&t);
            if (row < 0) break;
            col = lead_columns(rp, &t, row, s, p, c->v.n);
            fmt_stat(buf, sizeof buf, c->v, mo->decimals, 0, note_part(c, "not reached", 0, why, sizeof why));
            table_set(&t, row, col++, buf);
            for (int e = 0; e < 1 + share; e++) {
                const outcome_cell *x = e == 0 ? c : outcomes_cell(g, k, extra_o, s, p);
                if (e == 1) {
                    fmt_stat(buf, sizeof buf, x->v, eo->decimals, 0, "-");
                    table_set(&t, row, col++, buf);
                }
                if (!paired) continue;
                if (s == f->baseline) {
                    table_set(&t, row, col++, "baseline");
                    continue;
                }
                fmt_stat(buf, sizeof buf, x->d, e ? eo->decimals : mo->decimals, 1,
                         note_part(x, "difference: ", 1, why, sizeof why));
                if (x->d.n > 0 && x->d.n != x->v.n) {
                    size_t len = strlen(buf);
                    snprintf(buf + len, sizeof buf - len, " (n=%d)", x->d.n);
                }
                table_set(&t, row, col++, buf);
            }
            if (per_unit) {
                const outcome_cell *x = outcomes_cell(g, k, extra_o, s, p);
                snprintf(head, sizeof head, "no gain in %s", outcomes_words(eo->of, words, sizeof words));
                if (s == f->baseline)
                    snprintf(buf, sizeof buf, "baseline");
                else
                    fmt_stat(buf, sizeof buf, x->v, eo->decimals, 0, strstr(x->note, "no additional") ? head : "-");
                table_set(&t, row, col++, buf);
            }
        }
    if (!t.oom && table_print(&t, rp->opt->format == REPORT_MARKDOWN, out)) t.oom = 1;
    int oom = t.oom;
    table_free(&t);
    return oom ? no_memory(f->err) : SIM_OK;
}

/* Headings: every block (header, table) ends with a blank line. */
static void heading(const report *rp, FILE *out, int level, const char *text)
{
    if (rp->opt->format == REPORT_MARKDOWN)
        fprintf(out, "%s %s\n\n", level == 1 ? "##" : "###", text);
    else
        fprintf(out, "%s%s\n", level == 1 ? "" : "  ", text);
}

static void print_header(const report *rp, FILE *out)
{
    const result_file *f = &rp->f;
    const outcome_grid *g = &rp->g;
    const int md = rp->opt->format == REPORT_MARKDOWN;
    const char *item = md ? "- " : "  ";
    const char *base = f->names[f->baseline];
    const int last = f->last_day;

    if (md)
        fprintf(out, "# adoptsim report: %s\n\n", f->path);
    else
        fprintf(out, "adoptsim report: %s\n", f->path);
    fprintf(out, "%smodel %s", item, f->model->name);
    if (f->experiment_file[0]) fprintf(out, ", %s %s", !strcmp(f->command, "run") ? "scenario" : "experiment",
                                       f->experiment_file);
    if (f->seed >= 0) fprintf(out, ", seed %lld", f->seed);
    fprintf(out, "\n");
    fprintf(out, "%s%d scenario%s x %d point%s x %d replicate%s, days 0-%d", item, f->S, f->S > 1 ? "s" : "", f->P,
            f->P > 1 ? "s" : "", f->R, f->R > 1 ? "s" : "", last);
    if (f->T != last + 1) {
        char kept[64];
        fprintf(out, " (the file keeps %s: %d time points)", result_file_days_kept(f, kept, sizeof kept), f->T);
    }
    if (f->S > 1) fprintf(out, "; baseline %s", base);
    fprintf(out, "\n%smean [95%% CI]: mean over the n replicates used, with its Student t interval\n", item);
    if (f->S > 1) {
        fprintf(out, "%svs %s: paired difference from %s on the same replicate%s (common random numbers)\n",
                item, base, base, f->P > 1 ? " and sweep point" : "");
        /* the ratios, once per observable gained */
        for (int o = 0; o < g->n_out; o++) {
            const sim_outcome *oc = &g->out[o];
            int seen = 0;
            for (int e = 0; e < o; e++)
                seen |= g->out[e].kind == SIM_OUTCOME_PER_UNIT && !strcmp(g->out[e].of, oc->of ? oc->of : "");
            if (oc->kind != SIM_OUTCOME_PER_UNIT || seen) continue;
            char words[128];
            int len = (int)strcspn(oc->label, "[");
            while (len > 0 && oc->label[len - 1] == ' ') len--;
            fprintf(out, "%s%.*s: mean paired difference / mean gain in %s (delta-method CI)\n", item, len,
                    oc->label, outcomes_words(oc->of, words, sizeof words));
        }
    }
    if (f->n_unc > 0) {
        fprintf(out, "%sparameter uncertainty: %d key%s drawn for each replicate, ", item, f->n_unc,
                f->n_unc > 1 ? "s" : "");
        if (f->per_draw == 1)
            fprintf(out, "one draw per replicate (%d draws): the intervals above include it; see Parameter "
                    "uncertainty below\n", f->n_draws);
        else
            fprintf(out, "%d replicates per draw (%d draws): the intervals above treat replicates as independent; "
                    "see Parameter uncertainty below for intervals over the draws\n", f->per_draw, f->n_draws);
    }
    for (int k = 0; k < g->n_days; k++)
        if (g->moved[k][0])
            fprintf(out, "%sday%s %s not stored in the file: reported at day %d, the nearest stored day\n", item,
                    strchr(g->moved[k], ',') ? "s" : "", g->moved[k], (int)g->days[k]);
    for (int o = 0; o < g->n_out; o++)
        if (g->lacks[o]) {
            char words[128];
            int len = (int)strcspn(g->out[o].label, "[");
            while (len > 0 && g->out[o].label[len - 1] == ' ') len--;
            (void)words;
            fprintf(out, "%snot reported: %.*s (%s) needs the observable %s, which this file does not keep "
                    "(output.observables)\n", item, len, g->out[o].label, g->out[o].id, g->lacks[o]);
        }
    for (int o = 0; o < g->n_out && f->T != last + 1; o++)
        if (g->out[o].kind == SIM_OUTCOME_FIRST_DAY && g->avail[o]) {
            char kept[64];
            fprintf(out, "%s%s: the first stored day it is reached; the file keeps %s, so the day is known only to "
                    "within the gap before it\n", item, g->out[o].label,
                    result_file_days_kept(f, kept, sizeof kept));
        }
    for (int k = 0; k < g->n_days; k++)
        if (g->clipped[k][0])
            fprintf(out, "%s%s %s beyond the %d-day horizon: reported at day %d\n", item, g->clipped[k],
                    strchr(g->clipped[k], ',') ? "are" : "is", last, (int)g->days[k]);
    if (rp->missing) {
        long long runs = (long long)f->S * f->P * f->R;
        fprintf(out, "%sPARTIAL: %lld of %lld runs are missing and left out: %s\n", item, rp->missing, runs,
                sb_str(&rp->missing_list));
    }
}

/* ---- parameter uncertainty ------------------------------------------------------------------- */

/* "12" for a share 0.12 (percent, no decimals); "-" for NaN. */
static void fmt_pct(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.0f", 100 * v);
}

/* "[lo, hi]" of two values (the 5% and 95% quantiles). */
static void fmt_range(char *buf, size_t size, double lo, double hi, int decimals, int sign)
{
    char a[64], b[64];
    if (isnan(lo) || isnan(hi)) {
        snprintf(buf, size, "-");
        return;
    }
    fmt_num(a, sizeof a, lo, decimals, sign);
    fmt_num(b, sizeof b, hi, decimals, sign);
    snprintf(buf, size, "[%s, %s]", a, b);
}

/* The table of outcome o at day k under parameter uncertainty. */
static int print_uncertain_table(report *rp, FILE *out, int k, int o)
{
    const result_file *f = &rp->f;
    const outcome_grid *g = &rp->g;
    const sim_outcome *oc = &g->out[o];
    const char *base = f->names[f->baseline];
    const int paired = f->S > 1, split = f->per_draw > 1;
    char buf[256], why[160];
    table t;
    const int lead = 2 + f->n_params;
    table_init(&t, lead + 3 + (paired ? 3 : 0) + (split ? 1 + paired : 0));
    int row = table_row(&t);
    int col = lead_columns(rp, &t, row, 0, 0, 0);
    for (int j = col; j < t.ncols; j++) t.right[j] = 1;
    table_set(&t, 0, col++, "draws");
    table_set(&t, 0, col++, "mean over draws [95% CI]");
    table_set(&t, 0, col++, "5-95% of runs");
    if (paired) {
        snprintf(buf, sizeof buf, "vs %s [95%% CI]", base);
        table_set(&t, 0, col++, buf);
        table_set(&t, 0, col++, "5-95% of pairs");
        snprintf(buf, sizeof buf, "P(better than %s), %% [95%% CI]", base);
        table_set(&t, 0, col++, buf);
    }
    if (split) {
        table_set(&t, 0, col++, "from parameters, %");
        if (paired) table_set(&t, 0, col++, "difference from parameters, %");
    }
    for (int s = 0; s < f->S; s++)
        for (int p = 0; p < f->P; p++) {
            const outcome_uncertain *u = outcomes_unc(g, k, o, s, p);
            const outcome_cell *c = outcomes_cell(g, k, o, s, p);
            if (!u->present) continue;
            row = table_row(&t);
            if (row < 0) break;
            col = lead_columns(rp, &t, row, s, p, u->runs);
            snprintf(buf, sizeof buf, "%d", u->v.n);
            table_set(&t, row, col++, buf);
            fmt_stat(buf, sizeof buf, u->v, oc->decimals, 0, "-");
            table_set(&t, row, col++, buf);
            fmt_range(buf, sizeof buf, u->q05, u->q95, oc->decimals, 0);
            table_set(&t, row, col++, buf);
            if (paired) {
                if (s == f->baseline) {
                    for (int e = 0; e < 3; e++) table_set(&t, row, col++, "baseline");
                } else {
                    fmt_stat(buf, sizeof buf, u->d, oc->decimals, 1, note_part(c, "no pairs", 0, why, sizeof why));
                    table_set(&t, row, col++, buf);
                    fmt_range(buf, sizeof buf, u->d_q05, u->d_q95, oc->decimals, 1);
                    table_set(&t, row, col++, buf);
                    if (u->better.n > 0) {
                        char m[16], lo[16], hi[16];
                        fmt_pct(m, sizeof m, u->better.mean);
                        fmt_pct(lo, sizeof lo, u->better.lo);
                        fmt_pct(hi, sizeof hi, u->better.hi);
                        snprintf(buf, sizeof buf, "%s [%s, %s]", m, lo, hi);
                    } else {
                        snprintf(buf, sizeof buf, "-");
                    }
                    table_set(&t, row, col++, buf);
                }
            }
            if (split) {
                fmt_pct(buf, sizeof buf, u->share);
                table_set(&t, row, col++, buf);
                if (paired) {
                    if (s == f->baseline)
                        snprintf(buf, sizeof buf, "baseline");
                    else
                        fmt_pct(buf, sizeof buf, u->d_share);
                    table_set(&t, row, col++, buf);
                }
            }
        }
    if (!t.oom) table_print(&t, rp->opt->format, out);
    int oom = t.oom;
    table_free(&t);
    return oom ? no_memory(f->err) : SIM_OK;
}

/* The rank shares of outcome o at day k: a row per scenario (and point). */
static int print_rank_table(report *rp, FILE *out, int k, int o)
{
    const result_file *f = &rp->f;
    const outcome_grid *g = &rp->g;
    char buf[64];
    table t;
    const int lead = 1 + f->n_params;
    table_init(&t, lead + 1 + f->S);
    int row = table_row(&t), col = 0;
    table_set(&t, 0, col++, "scenario");
    for (int j = 0; j < f->n_params; j++) {
        t.right[col] = 1;
        table_set(&t, 0, col++, param_header(f, j));
    }
    t.right[col] = 1;
    table_set(&t, 0, col++, "draws");
    for (int i = 0; i < f->S; i++) {
        t.right[col] = 1;
        snprintf(buf, sizeof buf, "%d", i + 1);
        table_set(&t, 0, col++, buf);
    }
    for (int p = 0; p < f->P; p++)
        for (int s = 0; s < f->S; s++) {
            const double *sh = outcomes_ranks(g, k, o, s, p);
            if (!outcomes_unc(g, k, o, s, p)->present) continue;
            row = table_row(&t);
            if (row < 0) break;
            col = 0;
            table_set(&t, row, col++, f->names[s]);
            for (int j = 0; j < f->n_params; j++) {
                snprintf(buf, sizeof buf, "%g", f->param_values[(size_t)j * (size_t)f->P + (size_t)p]);
                table_set(&t, row, col++, buf);
            }
            snprintf(buf, sizeof buf, "%d", g->rank_draws[outcomes_index(g, k, o, 0, p)]);
            table_set(&t, row, col++, buf);
            for (int i = 0; i < f->S; i++) {
                fmt_pct(buf, sizeof buf, sh[i]);
                table_set(&t, row, col++, buf);
            }
        }
    if (!t.oom) table_print(&t, rp->opt->format, out);
    int oom = t.oom;
    table_free(&t);
    return oom ? no_memory(f->err) : SIM_OK;
}

/* The parameter uncertainty section: the keys and their distributions,
 * then per day and VALUE outcome its table and its ranks. */
static int print_uncertainty(report *rp, FILE *out)
{
    const result_file *f = &rp->f;
    const outcome_grid *g = &rp->g;
    const int md = rp->opt->format == REPORT_MARKDOWN;
    const char *item = md ? "- " : "  ";
    const char *base = f->names[f->baseline];
    char title[512];
    int status = SIM_OK;

    heading(rp, out, 1, "Parameter uncertainty");
    fprintf(out, "%s%d uncertain key%s, drawn for each replicate from the distributions below (%d draw%s, %d "
            "replicate%s per draw)%s%s\n", item, f->n_unc, f->n_unc > 1 ? "s" : "", f->n_draws,
            f->n_draws > 1 ? "s" : "", f->per_draw, f->per_draw > 1 ? "s" : "",
            f->S > 1 || f->P > 1 ? "; replicate r has the same draw in every scenario" : "",
            f->P > 1 ? " and point" : "");
    fprintf(out, "%smean over draws [95%% CI]: each draw's mean over its replicates, then their mean with a "
            "Student t interval over the draws\n", item);
    fprintf(out, "%s5-95%% of runs: where 90%% of single runs fall, given what the distributions say we do not "
            "know and chance: what to expect of one organization\n", item);
    if (f->S > 1) {
        fprintf(out, "%sP(better than %s): share of the paired replicates (same draw, same random numbers) in which "
                "the scenario does better (more, or less for costs), averaged over the draws; Wilson interval "
                "over the draws\n", item, base);
        if (g->ranked)
            fprintf(out, "%sranks: how often each scenario ranks 1st, 2nd, ... among the %d (1 = best, tied "
                    "scenarios share their ranks), %% of the replicates complete in every scenario, averaged over "
                    "the draws\n", item, f->S);
        else
            fprintf(out, "%sranks: not given for more than %d scenarios\n", item, OUTCOMES_MAX_RANKED);
    }
    if (f->per_draw > 1)
        fprintf(out, "%sfrom parameters: the share of the variance due to the parameter draws, the rest being "
                "chance (law of total variance over the draws)\n", item);
    fputc('\n', out);

    /* the keys */
    heading(rp, out, 2, "Uncertain parameters");
    table t;
    int kept = 0;
    for (int j = 0; j < f->n_unc; j++) kept |= f->unc_kept[j][0] != '\0';
    table_init(&t, 2 + kept);
    int row = table_row(&t);
    table_set(&t, row, 0, "key");
    table_set(&t, row, 1, "distribution");
    if (kept) table_set(&t, row, 2, "kept fixed by");
    for (int j = 0; j < f->n_unc; j++) {
        row = table_row(&t);
        table_set(&t, row, 0, f->unc[j]);
        table_set(&t, row, 1, f->unc_dist[j]);
        if (kept) table_set(&t, row, 2, f->unc_kept[j]);
    }
    if (!t.oom) table_print(&t, rp->opt->format, out);
    status = t.oom ? no_memory(f->err) : SIM_OK;
    table_free(&t);
    fputc('\n', out);

    for (int k = 0; k < g->n_days && status == SIM_OK; k++) {
        snprintf(title, sizeof title, "Day %d under parameter uncertainty", (int)g->days[k]);
        heading(rp, out, 1, title);
        for (int o = 0; o < g->n_out && status == SIM_OK; o++) {
            const sim_outcome *oc = &g->out[o];
            if (oc->kind != SIM_OUTCOME_VALUE || !g->avail[o]) continue;
            snprintf(title, sizeof title, "%s (%s)%s", oc->label, oc->unit,
                     oc->lower_is_better ? ": less is better" : "");
            heading(rp, out, 2, title);
            status = print_uncertain_table(rp, out, k, o);
            fputc('\n', out);
            if (status || !g->ranked) continue;
            snprintf(title, sizeof title, "%s: rank among the %d scenarios, %% of draws (1 = %s)", oc->label, f->S,
                     oc->lower_is_better ? "least" : "most");
            heading(rp, out, 2, title);
            status = print_rank_table(rp, out, k, o);
            fputc('\n', out);
        }
    }
    return status;
}

/* The extra column of VALUE outcome o: the SHARE or PER_UNIT row right after it. */
static int extra_of(const outcome_grid *g, int o)
{
    int e = o + 1;
    if (e >= g->n_out || !g->avail[e]) return -1;
    return g->out[e].kind == SIM_OUTCOME_SHARE || g->out[e].kind == SIM_OUTCOME_PER_UNIT ? e : -1;
}

static int print_readable(report *rp, FILE *out)
{
    const outcome_grid *g = &rp->g;
    const int md = rp->opt->format == REPORT_MARKDOWN;
    char title[512];
    int status = SIM_OK, any = 0;

    print_header(rp, out);
    fputc('\n', out);
    for (int k = 0; k < g->n_days && status == SIM_OK; k++) {
        int first = 1;
        for (int o = 0; o < g->n_out && status == SIM_OK; o++) {
            const sim_outcome *oc = &g->out[o];
            if (oc->kind != SIM_OUTCOME_VALUE || !g->avail[o]) continue;
            if (first) {
                snprintf(title, sizeof title, "Day %d", (int)g->days[k]);
                heading(rp, out, 1, title);
                first = 0;
            }
            const char *ln = "";
            for (int i = 0; i < rp->f.model->n_observables; i++)
                if (!strcmp(rp->f.model->observables[i].name, oc->observable))
                    ln = rp->f.model->observables[i].long_name;
            snprintf(title, sizeof title, "%s%s%s (%s)", oc->label, ln[0] ? ": " : "", ln, oc->unit);
            heading(rp, out, 2, title);
            status = print_table(rp, out, k, o, extra_of(g, o));
            fputc('\n', out);
            any = 1;
        }
    }
    for (int o = 0; o < g->n_out && status == SIM_OK; o++) {
        const sim_outcome *oc = &g->out[o];
        if (oc->kind != SIM_OUTCOME_FIRST_DAY || !g->avail[o]) continue;
        heading(rp, out, 1, oc->label);
        if (md)
            snprintf(title, sizeof title, "%c%s", toupper((unsigned char)oc->note[0]), oc->note + 1);
        else
            snprintf(title, sizeof title, "%s (%s)", oc->note, oc->unit);
        heading(rp, out, 2, title);
        status = print_table(rp, out, -1, o, -1);
        fputc('\n', out);
        any = 1;
    }
    if (!any) fprintf(out, "(model %s declares no outcomes to report)\n", rp->f.model->name);
    if (status == SIM_OK && rp->g.unc && any) status = print_uncertainty(rp, out);
    return status;
}

/* ---- CSV ---------------------------------------------------------------------------------------- */

static void csv_text(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_num(FILE *out, double v)
{
    fputc(',', out);
    if (!isnan(v)) fprintf(out, "%.17g", v);
}

/* The columns of parameter uncertainty (empty for outcomes without them). */
static void csv_uncertain(const report *rp, FILE *out, int s, int p, int day, int o)
{
    const result_file *f = &rp->f;
    const outcome_grid *g = &rp->g;
    const sim_outcome *oc = &g->out[o];
    int k = 0;
    while (day >= 0 && k < g->n_days && g->days[k] != day) k++;
    const int has = day >= 0 && (oc->kind == SIM_OUTCOME_VALUE || oc->kind == SIM_OUTCOME_SHARE) &&
                    outcomes_unc(g, k, o, s, p)->present;
    const int n_cols = 16 + (g->ranked ? f->S : 0) + 2;
    if (!has) {
        for (int i = 0; i < n_cols; i++) fputc(',', out);
        return;
    }
    const outcome_uncertain *u = outcomes_unc(g, k, o, s, p);
    const int diff = s != f->baseline && f->S > 1;
    fprintf(out, ",%d", u->v.n);
    csv_num(out, u->v.mean);
    csv_num(out, u->v.lo);
    csv_num(out, u->v.hi);
    csv_num(out, u->q05);
    csv_num(out, u->q95);
    fputc(',', out);
    if (diff) fprintf(out, "%d", u->d.n);
    csv_num(out, diff ? u->d.mean : NAN);
    csv_num(out, diff ? u->d.lo : NAN);
    csv_num(out, diff ? u->d.hi : NAN);
    csv_num(out, diff ? u->d_q05 : NAN);
    csv_num(out, diff ? u->d_q95 : NAN);
    csv_num(out, diff && u->better.n ? u->better.mean : NAN);
    csv_num(out, diff && u->better.n ? u->better.lo : NAN);
    csv_num(out, diff && u->better.n ? u->better.hi : NAN);
    fprintf(out, ",%s", oc->lower_is_better ? "lower" : "higher");
    for (int i = 0; g->ranked && i < f->S; i++) csv_num(out, outcomes_ranks(g, k, o, s, p)[i]);
    csv_num(out, u->share);
    csv_num(out, diff ? u->d_share : NAN);
}

static void csv_row(const report *rp, FILE *out, int s, int p, int day, int o, const outcome_cell *c)
{
    const result_file *f = &rp->f;
    const sim_outcome *oc = &rp->g.out[o];
    csv_text(out, f->names[s]);
    fprintf(out, ",%d", p);
    for (int j = 0; j < f->n_params; j++) csv_num(out, f->param_values[(size_t)j * (size_t)f->P + (size_t)p]);
    fputc(',', out);
    if (day >= 0) fprintf(out, "%d", day);
    fprintf(out, ",%s,%s,%d", oc->id, oc->unit, c->v.n);
    csv_num(out, c->v.mean);
    csv_num(out, c->v.lo);
    csv_num(out, c->v.hi);
    fputc(',', out);
    if (s != f->baseline && oc->kind != SIM_OUTCOME_PER_UNIT) {
        fprintf(out, "%d", c->d.n);
        csv_num(out, c->d.mean);
        csv_num(out, c->d.lo);
        csv_num(out, c->d.hi);
    } else {
        fputs(",,,", out);
    }
    if (rp->g.unc) csv_uncertain(rp, out, s, p, day, o);
    fputc(',', out);
    csv_text(out, c->note);
    fputc('\n', out);
}

static void print_csv(report *rp, FILE *out)
{
    const result_file *f = &rp->f;
    const outcome_grid *g = &rp->g;
    fputs("scenario,point", out);
    for (int j = 0; j < f->n_params; j++) {
        fputc(',', out);
        csv_text(out, f->params[j]);
    }
    fputs(",day,outcome,unit,n,mean,ci_low,ci_high,n_paired,diff_mean,diff_ci_low,diff_ci_high", out);
    if (g->unc) {
        /* parameter uncertainty */
        fputs(",draws,draw_mean,draw_ci_low,draw_ci_high,q05,q95,diff_draws,diff_draw_mean,diff_draw_ci_low,"
              "diff_draw_ci_high,diff_q05,diff_q95,p_better,p_better_low,p_better_high,better", out);
        for (int i = 0; g->ranked && i < f->S; i++) fprintf(out, ",rank_%d", i + 1);
        fputs(",param_share,diff_param_share", out);
    }
    fputs(",note\n", out);
    for (int s = 0; s < f->S; s++)
        for (int p = 0; p < f->P; p++) {
            for (int k = 0; k < g->n_days; k++)
                for (int o = 0; o < g->n_out; o++) {
                    const outcome_cell *c = outcomes_cell(g, k, o, s, p);
                    if (g->avail[o] && g->out[o].kind != SIM_OUTCOME_FIRST_DAY && c->present)
                        csv_row(rp, out, s, p, (int)g->days[k], o, c);
                }
            for (int o = 0; o < g->n_out; o++)
                if (g->out[o].kind == SIM_OUTCOME_FIRST_DAY && g->avail[o])
                    csv_row(rp, out, s, p, -1, o, outcomes_cell(g, 0, o, s, p));
        }
}

/* ---- the report ------------------------------------------------------------------------------------ */

int report_write(const char *path, const report_options *opt, FILE *out, sim_error *err)
{
    report rp;
    H5E_auto2_t old_func = NULL;
    void *old_data = NULL;
    int status;

    memset(&rp, 0, sizeof rp);
    rp.opt = opt;
    rp.f.file = -1;

    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    status = result_file_open(&rp.f, path, opt->model_of, err);
    if (status == SIM_OK) status = resolve_baseline(&rp.f, opt);
    if (status == SIM_OK) {
        rp.missing = missing_runs(&rp.f, &rp.missing_list,
                                  opt->allow_partial ? LIST_BUDGET_REPORT : LIST_BUDGET_ERROR);
        if (rp.missing_list.oom) {
            status = no_memory(err);
        } else if (rp.missing && !opt->allow_partial) {
            const result_file *f = &rp.f;
            const int run = !strcmp(f->command, "run");
            status = sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                                   "%s: %lld of %lld runs are missing (an interrupted %s): %s. "
                                   "Finish them with 'adoptsim %s %s -o %s --resume', "
                                   "or report the completed runs only with --partial",
                                   path, rp.missing, (long long)f->S * f->P * f->R, run ? "run" : "experiment",
                                   sb_str(&rp.missing_list), run ? "run" : "experiment",
                                   f->experiment_file[0] ? f->experiment_file : "FILE.yaml", path);
        }
    }
    if (status == SIM_OK) status = outcomes_compute(&rp.g, &rp.f, opt->days, opt->n_days, err);
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);

    if (status == SIM_OK) {
        if (opt->format == REPORT_CSV)
            print_csv(&rp, out);
        else
            status = print_readable(&rp, out);
        if (status == SIM_OK && (fflush(out) != 0 || ferror(out)))
            status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot write the report: %s", strerror(errno));
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    result_file_close(&rp.f);
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
    outcomes_free(&rp.g);
    free(rp.missing_list.s);
    return status;
}
