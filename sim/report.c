/* report.c: `adoptsim report` (see report.h for what is computed and how;
 * resultfile.c reads the file).
 *
 * The file is read with the HDF5 C API, one time column (every scenario,
 * point and replicate at one day) per observable and day, and one run's
 * series per (scenario, point) for days to 50%; the statistics come from
 * GSL.  Results go into a grid of cells, day x outcome x scenario x point,
 * that is then written as text, Markdown or CSV. */
#include "report.h"
#include "resultfile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
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
    else if (f->experiment)
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

/* ---- statistics ------------------------------------------------------------------------ */

typedef struct estimate {
    int n;                 /* values used; 0: none */
    double mean, lo, hi;   /* NaN when not defined (lo, hi: n < 2 or no interval) */
} estimate;

static estimate stat_of(const double *x, int n)
{
    estimate st = {n, NAN, NAN, NAN};
    if (n <= 0) return st;
    st.mean = gsl_stats_mean(x, 1, (size_t)n);
    if (n >= 2) {
        double hw = gsl_cdf_tdist_Pinv(0.975, n - 1) * gsl_stats_sd_m(x, 1, (size_t)n, st.mean) / sqrt(n);
        st.lo = st.mean - hw;
        st.hi = st.mean + hw;
    }
    return st;
}

/* R = mean(c) / mean(u) with the delta method's interval (see report.h). */
static estimate ratio_of(const double *c, const double *u, int n, char *note, size_t size)
{
    estimate st = {n, NAN, NAN, NAN};
    if (n <= 0) return st;
    double mc = gsl_stats_mean(c, 1, (size_t)n), mu = gsl_stats_mean(u, 1, (size_t)n);
    if (!(mu > 0)) {
        snprintf(note, size, "no additional regular users");
        return st;
    }
    st.mean = mc / mu;
    if (n < 2) return st;
    estimate su = stat_of(u, n);
    if (!(su.lo > 0)) {
        snprintf(note, size, "gain in regular users not significant: no interval");
        return st;
    }
    double r = st.mean, nn = n;
    double vc = gsl_stats_variance_m(c, 1, (size_t)n, mc), vu = gsl_stats_variance_m(u, 1, (size_t)n, mu);
    double cov = gsl_stats_covariance_m(c, 1, u, 1, (size_t)n, mc, mu);
    double var = (vc - 2 * r * cov + r * r * vu) / (nn * mu * mu);
    double hw = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(var > 0 ? var : 0);
    st.lo = r - hw;
    st.hi = r + hw;
    return st;
}

/* ---- outcomes ----------------------------------------------------------------------------- */

enum kind { K_VALUE, K_SHARE, K_PER_USER, K_DAYS50 };

typedef struct outcome {
    const char *id;      /* CSV name */
    const char *unit;
    int kind;
    const char *obs;     /* the observable */
    const char *den;     /* K_SHARE: denominator; K_PER_USER: users gained; K_DAYS50: staff */
    int decimals;        /* in text and Markdown */
} outcome;

enum {
    O_MA, O_MA_PCT, O_RU, O_RU_PCT, O_VU, O_LM, O_LM_PCT, O_CD, O_DPU, O_CH, O_HPU, O_AD, O_D50, N_OUT
};

static const outcome outcomes[N_OUT] = {
    {"monthly_active", "agents", K_VALUE, "monthly_active", NULL, 1},
    {"monthly_active_pct_staff", "percent", K_SHARE, "monthly_active", "staff", 1},
    {"regular_users", "agents", K_VALUE, "regular_users", NULL, 1},
    {"regular_users_pct_staff", "percent", K_SHARE, "regular_users", "staff", 1},
    {"valuable_uses", "uses", K_VALUE, "valuable_uses", NULL, 1},
    {"leaders_modelling", "agents", K_VALUE, "leaders_modelling", NULL, 1},
    {"leaders_modelling_pct_leaders", "percent", K_SHARE, "leaders_modelling", "leaders", 1},
    {"cost_dollars", "dollars", K_VALUE, "cost_dollars", NULL, 0},
    {"dollars_per_additional_regular_user", "dollars/agent", K_PER_USER, "cost_dollars", "regular_users", 0},
    {"cost_hours", "staff_hours", K_VALUE, "cost_hours", NULL, 1},
    {"hours_per_additional_regular_user", "staff_hours/agent", K_PER_USER, "cost_hours", "regular_users", 1},
    {"adopters", "agents", K_VALUE, "adopters", NULL, 1},
    {"days_to_50pct_monthly_active", "days", K_DAYS50, "monthly_active", "staff", 1},
};

/* The observables the outcomes read. */
static const char *const obs_names[] = {"monthly_active", "regular_users", "valuable_uses", "leaders_modelling",
                                        "cost_dollars", "cost_hours", "adopters", "staff", "leaders"};
#define N_OBS ((int)(sizeof obs_names / sizeof obs_names[0]))

static int obs_index(const char *name)
{
    for (int i = 0; i < N_OBS; i++)
        if (!strcmp(obs_names[i], name)) return i;
    return -1;
}

typedef struct cell {
    int present;
    estimate v;          /* the outcome (K_PER_USER: the ratio) */
    estimate d;          /* paired difference against the baseline; d.n == 0: none */
    char note[160];      /* why a number is missing */
} cell;

typedef struct report {
    result_file f;
    const report_options *opt;
    int n_days;
    int32_t days[REPORT_MAX_DAYS];   /* reported days (after clipping), ascending, distinct */
    int tidx[REPORT_MAX_DAYS];       /* their time indices */
    char clipped[REPORT_MAX_DAYS][96]; /* "90, 180" when requested days were clipped to days[k] */
    int avail[N_OUT];
    int obs_avail[N_OBS];
    char long_name[N_OBS][256];
    cell *cells;                     /* [((k * N_OUT + o) * S + s) * P + p], D50 at k = 0 */
    long long missing;
    sbuf missing_list;
} report;

static cell *cell_at(report *rp, int k, int o, int s, int p)
{
    const result_file *f = &rp->f;
    return &rp->cells[(((size_t)k * N_OUT + (size_t)o) * (size_t)f->S + (size_t)s) * (size_t)f->P + (size_t)p];
}

static void add_note(cell *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(cell *c, const char *fmt, ...)
{
    size_t len = strlen(c->note);
    va_list ap;
    if (len && len + 2 < sizeof c->note) {
        strcat(c->note, "; ");
        len += 2;
    }
    va_start(ap, fmt);
    vsnprintf(c->note + len, sizeof c->note - len, fmt, ap);
    va_end(ap);
}

/* Resolve the requested days to time indices: clip, sort, drop duplicates. */
static void resolve_days(report *rp)
{
    const result_file *f = &rp->f;
    static const int32_t defaults[] = {90, 180, 365};
    const int32_t *req = rp->opt->n_days ? rp->opt->days : defaults;
    int n_req = rp->opt->n_days ? rp->opt->n_days : 3;
    int32_t last = (int32_t)f->time[f->T - 1];

    rp->n_days = 0;
    for (int i = 0; i < n_req; i++) {
        int32_t d = req[i] > last ? last : req[i];
        int k = 0;
        while (k < rp->n_days && rp->days[k] < d) k++;
        if (k == rp->n_days || rp->days[k] != d) {
            memmove(&rp->days[k + 1], &rp->days[k], (size_t)(rp->n_days - k) * sizeof rp->days[0]);
            memmove(rp->clipped[k + 1], rp->clipped[k], (size_t)(rp->n_days - k) * sizeof rp->clipped[0]);
            rp->days[k] = d;
            rp->clipped[k][0] = '\0';
            rp->n_days++;
        }
        if (req[i] > last) {
            char *c = rp->clipped[k];
            size_t len = strlen(c);
            if (!len)
                snprintf(c, sizeof rp->clipped[k], "day %d", (int)req[i]);
            else if (!strncmp(c, "day ", 4) && len + 3 < sizeof rp->clipped[k]) {
                memmove(c + 4, c + 3, len - 2); /* "day 90" -> "days 90" */
                c[3] = 's';
                len++;
            }
            if (len) snprintf(c + len, sizeof rp->clipped[k] - len, ", %d", (int)req[i]);
        }
    }
    for (int k = 0; k < rp->n_days; k++) {
        int t = f->T - 1;
        for (int i = 0; i < f->T; i++)
            if (f->time[i] == rp->days[k]) {
                t = i;
                break;
            }
        rp->tidx[k] = t;
    }
}

static void find_observables(report *rp)
{
    result_file *f = &rp->f;
    for (int i = 0; i < N_OBS; i++) {
        rp->obs_avail[i] = result_file_has(f, obs_names[i]);
        rp->long_name[i][0] = '\0';
        if (rp->obs_avail[i]) result_file_long_name(f, obs_names[i], rp->long_name[i], sizeof rp->long_name[i]);
    }
    for (int o = 0; o < N_OUT; o++) {
        const outcome *oc = &outcomes[o];
        rp->avail[o] = rp->obs_avail[obs_index(oc->obs)] && (!oc->den || rp->obs_avail[obs_index(oc->den)]);
        if (oc->kind == K_PER_USER && f->S < 2) rp->avail[o] = 0;
    }
}

/* Value of outcome o (K_VALUE or K_SHARE) in run i (index into a day column). */
static double value_at(const outcome *oc, double *const *col, size_t i)
{
    double x = col[obs_index(oc->obs)][i];
    if (oc->kind == K_VALUE) return x;
    double den = col[obs_index(oc->den)][i];
    return den > 0 ? 100.0 * x / den : NAN;
}

/* The outcomes at day k. */
static void compute_day(report *rp, int k, double *const *col, double *a, double *b)
{
    const result_file *f = &rp->f;
    const int base = f->baseline;
    for (int o = 0; o < N_OUT; o++) {
        const outcome *oc = &outcomes[o];
        if (!rp->avail[o] || oc->kind == K_DAYS50) continue;
        for (int s = 0; s < f->S; s++)
            for (int p = 0; p < f->P; p++) {
                cell *c = cell_at(rp, k, o, s, p);
                size_t run0 = ((size_t)s * (size_t)f->P + (size_t)p) * (size_t)f->R;
                size_t base0 = ((size_t)base * (size_t)f->P + (size_t)p) * (size_t)f->R;
                int n = 0, undefined = 0;
                c->present = 1;
                c->d = (estimate){0, NAN, NAN, NAN};
                if (rp->clipped[k][0]) add_note(c, "requested %s clipped to %d", rp->clipped[k], (int)rp->days[k]);
                if (oc->kind == K_PER_USER) {
                    if (s == base) {
                        c->present = 0;
                        continue;
                    }
                    double *cost = col[obs_index(oc->obs)], *users = col[obs_index(oc->den)];
                    for (int r = 0; r < f->R; r++)
                        if (result_file_done(f, s, p, r) && result_file_done(f, base, p, r)) {
                            a[n] = cost[run0 + (size_t)r] - cost[base0 + (size_t)r];
                            b[n] = users[run0 + (size_t)r] - users[base0 + (size_t)r];
                            n++;
                        }
                    char why[96] = "";
                    c->v = ratio_of(a, b, n, why, sizeof why);
                    if (why[0]) add_note(c, "%s", why);
                    if (n == 0) add_note(c, "no completed pairs");
                    else if (n == 1 && !why[0]) add_note(c, "n=1");
                    continue;
                }
                for (int r = 0; r < f->R; r++)
                    if (result_file_done(f, s, p, r)) {
                        a[n] = value_at(oc, col, run0 + (size_t)r);
                        undefined |= isnan(a[n]);
                        n++;
                    }
                if (undefined) {
                    c->v = (estimate){0, NAN, NAN, NAN};
                    add_note(c, "undefined: no %s in some runs", oc->den);
                    continue;
                }
                c->v = stat_of(a, n);
                if (n == 0) add_note(c, "no completed runs");
                else if (n == 1) add_note(c, "n=1");
                if (s == base) continue;
                n = 0;
                for (int r = 0; r < f->R; r++)
                    if (result_file_done(f, s, p, r) && result_file_done(f, base, p, r))
                        b[n++] = value_at(oc, col, run0 + (size_t)r) - value_at(oc, col, base0 + (size_t)r);
                c->d = stat_of(b, n);
                if (n == 0) add_note(c, "no pairs with the baseline");
                else if (n == 1 && c->v.n != 1) add_note(c, "paired n=1");
            }
    }
}

/* Days to 50% monthly active, per run: NaN when not reached. */
static int compute_days50(report *rp, double *series_ma, double *series_staff, double *first)
{
    result_file *f = &rp->f;
    for (int s = 0; s < f->S; s++)
        for (int p = 0; p < f->P; p++) {
            double *out = first + ((size_t)s * (size_t)f->P + (size_t)p) * (size_t)f->R;
            int rc = result_file_read_series(f, "monthly_active", s, p, series_ma);
            if (!rc) rc = result_file_read_series(f, "staff", s, p, series_staff);
            if (rc) return rc;
            for (int r = 0; r < f->R; r++) {
                out[r] = NAN;
                if (!result_file_done(f, s, p, r)) continue;
                for (int t = 0; t < f->T; t++) {
                    size_t i = (size_t)r * (size_t)f->T + (size_t)t;
                    if (series_ma[i] >= 0.5 * series_staff[i]) {
                        out[r] = f->time[t];
                        break;
                    }
                }
            }
        }

    const int base = f->baseline, last = (int)f->time[f->T - 1];
    double *a = series_ma, *b = series_staff; /* reused as scratch (R <= R * T) */
    for (int s = 0; s < f->S; s++)
        for (int p = 0; p < f->P; p++) {
            cell *c = cell_at(rp, 0, O_D50, s, p);
            const double *x = first + ((size_t)s * (size_t)f->P + (size_t)p) * (size_t)f->R;
            const double *y = first + ((size_t)base * (size_t)f->P + (size_t)p) * (size_t)f->R;
            int n = 0, unreached = 0;
            c->present = 1;
            for (int r = 0; r < f->R; r++)
                if (result_file_done(f, s, p, r)) {
                    unreached += isnan(x[r]);
                    a[n++] = x[r];
                }
            if (unreached) {
                c->v = (estimate){n, NAN, NAN, NAN};
                add_note(c, "not reached in %d of %d by day %d", unreached, n, last);
            } else {
                c->v = stat_of(a, n);
                if (n == 0) add_note(c, "no completed runs");
                else if (n == 1) add_note(c, "n=1");
            }
            c->d = (estimate){0, NAN, NAN, NAN};
            if (s == base) continue;
            int pairs = 0, either = 0;
            for (int r = 0; r < f->R; r++)
                if (result_file_done(f, s, p, r) && result_file_done(f, base, p, r)) {
                    pairs++;
                    if (isnan(x[r]) || isnan(y[r]))
                        either++;
                    else
                        b[pairs - either - 1] = x[r] - y[r];
                }
            if (either) {
                c->d = (estimate){pairs, NAN, NAN, NAN};
                add_note(c, "difference: not reached in %d of %d pairs", either, pairs);
            } else {
                c->d = stat_of(b, pairs);
                if (pairs == 0) add_note(c, "no pairs with the baseline");
            }
        }
    return SIM_OK;
}

static int compute(report *rp)
{
    result_file *f = &rp->f;
    size_t runs = (size_t)f->S * (size_t)f->P * (size_t)f->R;
    size_t series = (size_t)f->R * (size_t)f->T;
    double *col[N_OBS] = {0};
    double *a = malloc((size_t)f->R * sizeof *a), *b = malloc((size_t)f->R * sizeof *b);
    int status = SIM_OK;

    rp->cells = calloc((size_t)rp->n_days * N_OUT * (size_t)f->S * (size_t)f->P, sizeof *rp->cells);
    if (!a || !b || !rp->cells) status = no_memory(f->err);
    for (int i = 0; i < N_OBS && status == SIM_OK; i++)
        if (rp->obs_avail[i] && !(col[i] = malloc(runs * sizeof *col[i]))) status = no_memory(f->err);
    for (int k = 0; k < rp->n_days && status == SIM_OK; k++) {
        for (int i = 0; i < N_OBS && status == SIM_OK; i++)
            if (col[i]) status = result_file_read_day(f, obs_names[i], rp->tidx[k], col[i]);
        if (status == SIM_OK) compute_day(rp, k, col, a, b);
    }
    if (status == SIM_OK && rp->avail[O_D50]) {
        double *ma = malloc(series * sizeof *ma), *staff = malloc(series * sizeof *staff);
        double *first = malloc(runs * sizeof *first);
        if (!ma || !staff || !first)
            status = no_memory(f->err);
        else
            status = compute_days50(rp, ma, staff, first);
        free(ma);
        free(staff);
        free(first);
    }
    for (int i = 0; i < N_OBS; i++) free(col[i]);
    free(a);
    free(b);
    return status;
}

/* ---- tables ---------------------------------------------------------------------------------- */

typedef struct table {
    int ncols, nrows;    /* nrows counts the header row */
    char **cells;        /* [row * ncols + col] */
    int *right;          /* [ncols]: right-aligned columns */
    int oom;
} table;

static void table_init(table *t, int ncols)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    if (!(t->right = calloc((size_t)ncols, sizeof *t->right))) t->oom = 1;
}

static int table_row(table *t)
{
    if (t->oom) return -1;
    char **cells = realloc(t->cells, (size_t)(t->nrows + 1) * (size_t)t->ncols * sizeof *cells);
    if (!cells) {
        t->oom = 1;
        return -1;
    }
    t->cells = cells;
    for (int j = 0; j < t->ncols; j++) cells[(size_t)t->nrows * (size_t)t->ncols + (size_t)j] = NULL;
    return t->nrows++;
}

static void table_set(table *t, int row, int col, const char *text)
{
    if (row < 0 || col >= t->ncols || t->oom) return;
    char **c = &t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
    free(*c);
    if (!(*c = strdup(text))) t->oom = 1;
}

static const char *table_get(const table *t, int row, int col)
{
    const char *c = t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
    return c ? c : "";
}

static void table_free(table *t)
{
    for (size_t i = 0; t->cells && i < (size_t)t->nrows * (size_t)t->ncols; i++) free(t->cells[i]);
    free(t->cells);
    free(t->right);
    t->cells = NULL;
    t->right = NULL;
}

/* Markdown: a cell with its pipes escaped. */
static void md_cell(FILE *out, const char *s)
{
    fputc(' ', out);
    for (; *s; s++) {
        if (*s == '|') fputc('\\', out);
        fputc(*s, out);
    }
    fputs(" |", out);
}

/* Returns 0, or -1 when out of memory (nothing printed). */
static int table_print(const table *t, report_format format, FILE *out)
{
    if (format == REPORT_MARKDOWN) {
        for (int i = 0; i < t->nrows; i++) {
            fputc('|', out);
            for (int j = 0; j < t->ncols; j++) md_cell(out, table_get(t, i, j));
            fputc('\n', out);
            if (i == 0) {
                fputc('|', out);
                for (int j = 0; j < t->ncols; j++) fputs(t->right[j] ? "---:|" : "---|", out);
                fputc('\n', out);
            }
        }
        return 0;
    }
    int *width = calloc((size_t)t->ncols, sizeof *width);
    if (!width) return -1;
    for (int i = 0; i < t->nrows; i++)
        for (int j = 0; j < t->ncols; j++) {
            int w = (int)strlen(table_get(t, i, j));
            if (w > width[j]) width[j] = w;
        }
    for (int i = 0; i < t->nrows; i++) {
        fputs("    ", out);
        for (int j = 0; j < t->ncols; j++) {
            const char *c = table_get(t, i, j);
            int last = j == t->ncols - 1;
            if (t->right[j])
                fprintf(out, "%*s%s", width[j], c, last ? "" : "  ");
            else
                fprintf(out, "%-*s%s", last ? 0 : width[j], c, last ? "" : "  ");
        }
        fputc('\n', out);
    }
    free(width);
    return 0;
}

/* ---- text and Markdown ------------------------------------------------------------------------ */

static void fmt_num(char *buf, size_t size, double v, int decimals, int sign)
{
    if (sign)
        snprintf(buf, size, "%+.*f", decimals, v);
    else
        snprintf(buf, size, "%.*f", decimals, v);
}

/* "312.4 [301.2, 323.6]", "312.0 (n=1)", "312.4 (no CI)", or fallback when there is no mean. */
static void fmt_stat(char *buf, size_t size, estimate st, int decimals, int sign, const char *fallback)
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
static const char *note_part(const cell *c, const char *key, int skip_key, char *buf, size_t size)
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

/* One outcome group of one day as a table, or days to 50% (k < 0). */
static int print_table(report *rp, FILE *out, int k, int main_o, int extra_o, const char *extra_header)
{
    const result_file *f = &rp->f;
    const char *base = f->names[f->baseline];
    const outcome *mo = &outcomes[main_o];
    const int paired = f->S > 1, share = extra_o >= 0 && outcomes[extra_o].kind == K_SHARE;
    const int per_user = extra_o >= 0 && outcomes[extra_o].kind == K_PER_USER;
    char buf[256], head[256], why[160];
    table t;
    int lead = 2 + f->n_params;
    table_init(&t, lead + 1 + paired + (share ? 1 + paired : 0) + (per_user ? 1 : 0));
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
        snprintf(buf, sizeof buf, "%s [95%% CI]", extra_header);
        table_set(&t, 0, col++, buf);
        snprintf(buf, sizeof buf, "vs %s, pp [95%% CI]", base);
        if (paired) table_set(&t, 0, col++, buf);
    }
    if (per_user) table_set(&t, 0, col++, extra_header);

    for (int s = 0; s < f->S; s++)
        for (int p = 0; p < f->P; p++) {
            const cell *c = cell_at(rp, k < 0 ? 0 : k, main_o, s, p);
            row = table_row(&t);
            if (row < 0) break;
            col = lead_columns(rp, &t, row, s, p, c->v.n);
            fmt_stat(buf, sizeof buf, c->v, mo->decimals, 0, note_part(c, "not reached", 0, why, sizeof why));
            table_set(&t, row, col++, buf);
            for (int e = 0; e < 1 + share; e++) {
                const cell *x = e == 0 ? c : cell_at(rp, k, extra_o, s, p);
                if (e == 1) {
                    fmt_stat(buf, sizeof buf, x->v, outcomes[extra_o].decimals, 0, "-");
                    table_set(&t, row, col++, buf);
                }
                if (!paired) continue;
                if (s == f->baseline) {
                    table_set(&t, row, col++, "baseline");
                    continue;
                }
                fmt_stat(buf, sizeof buf, x->d, e ? outcomes[extra_o].decimals : mo->decimals, 1,
                         note_part(x, "difference: ", 1, why, sizeof why));
                if (x->d.n > 0 && x->d.n != x->v.n) {
                    size_t len = strlen(buf);
                    snprintf(buf + len, sizeof buf - len, " (n=%d)", x->d.n);
                }
                table_set(&t, row, col++, buf);
            }
            if (per_user) {
                const cell *x = cell_at(rp, k, extra_o, s, p);
                if (s == f->baseline)
                    snprintf(buf, sizeof buf, "baseline");
                else
                    fmt_stat(buf, sizeof buf, x->v, outcomes[extra_o].decimals, 0,
                             strstr(x->note, "no additional") ? "no gain in regular users" : "-");
                table_set(&t, row, col++, buf);
            }
        }
    if (!t.oom && table_print(&t, rp->opt->format, out)) t.oom = 1;
    int oom = t.oom;
    table_free(&t);
    return oom ? no_memory(f->err) : SIM_OK;
}

typedef struct group {
    int main, extra;
    const char *title;
    const char *extra_header;
} group;

static const group groups[] = {
    {O_MA, O_MA_PCT, "Monthly active", "% of staff"},
    {O_RU, O_RU_PCT, "Regular users", "% of staff"},
    {O_VU, -1, "Valuable uses", NULL},
    {O_LM, O_LM_PCT, "Leaders modelling use", "% of leaders"},
    {O_CD, O_DPU, "Cost in dollars", "per additional regular user [95% CI]"},
    {O_CH, O_HPU, "Cost in staff hours", "per additional regular user [95% CI]"},
    {O_AD, -1, "Adopters", NULL},
};

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
    const int md = rp->opt->format == REPORT_MARKDOWN;
    const char *item = md ? "- " : "  ";
    const char *base = f->names[f->baseline];

    if (md)
        fprintf(out, "# adoptsim report: %s\n\n", f->path);
    else
        fprintf(out, "adoptsim report: %s\n", f->path);
    fprintf(out, "%smodel %s", item, f->model[0] ? f->model : "?");
    if (f->experiment_file[0]) fprintf(out, ", experiment %s", f->experiment_file);
    if (f->seed >= 0) fprintf(out, ", seed %lld", f->seed);
    fprintf(out, "\n");
    if (f->experiment)
        fprintf(out, "%s%d scenario%s x %d point%s x %d replicate%s, days 0-%d; baseline %s\n", item, f->S,
                f->S > 1 ? "s" : "", f->P, f->P > 1 ? "s" : "", f->R, f->R > 1 ? "s" : "", (int)f->time[f->T - 1],
                base);
    else
        fprintf(out, "%sone run's file: %d replicate%s, days 0-%d\n", item, f->R, f->R > 1 ? "s" : "",
                (int)f->time[f->T - 1]);
    fprintf(out, "%smean [95%% CI]: mean over the n replicates used, with its Student t interval\n", item);
    if (f->S > 1) {
        fprintf(out, "%svs %s: paired difference from %s on the same replicate%s (common random numbers)\n",
                item, base, base, f->P > 1 ? " and sweep point" : "");
        fprintf(out, "%sper additional regular user: mean cost difference / mean gain in regular users "
                     "(delta-method CI)\n", item);
    }
    for (int k = 0; k < rp->n_days; k++)
        if (rp->clipped[k][0])
            fprintf(out, "%s%s %s beyond the %d-day horizon: reported at day %d\n", item, rp->clipped[k],
                    strchr(rp->clipped[k], ',') ? "are" : "is", (int)f->time[f->T - 1], (int)rp->days[k]);
    if (rp->missing) {
        long long runs = (long long)f->S * f->P * f->R;
        fprintf(out, "%sPARTIAL: %lld of %lld runs are missing and left out: %s\n", item, rp->missing, runs,
                sb_str(&rp->missing_list));
    }
}

static int print_readable(report *rp, FILE *out)
{
    char title[512];
    int status = SIM_OK, any = 0;

    print_header(rp, out);
    fputc('\n', out);
    for (int k = 0; k < rp->n_days && status == SIM_OK; k++) {
        int first = 1;
        for (size_t g = 0; g < sizeof groups / sizeof groups[0] && status == SIM_OK; g++) {
            const group *gr = &groups[g];
            if (!rp->avail[gr->main]) continue;
            if (first) {
                snprintf(title, sizeof title, "Day %d", (int)rp->days[k]);
                heading(rp, out, 1, title);
                first = 0;
            }
            int extra = gr->extra >= 0 && rp->avail[gr->extra] ? gr->extra : -1;
            const char *ln = rp->long_name[obs_index(outcomes[gr->main].obs)];
            snprintf(title, sizeof title, "%s%s%s (%s)", gr->title, ln[0] ? ": " : "", ln,
                     outcomes[gr->main].unit);
            heading(rp, out, 2, title);
            status = print_table(rp, out, k, gr->main, extra, gr->extra_header);
            fputc('\n', out);
            any = 1;
        }
    }
    if (status == SIM_OK && rp->avail[O_D50]) {
        heading(rp, out, 1, "Days to 50% monthly active");
        heading(rp, out, 2,
                rp->opt->format == REPORT_MARKDOWN
                    ? "First day on which at least half the staff used it in the last 30 days"
                    : "first day on which at least half the staff used it in the last 30 days (days)");
        status = print_table(rp, out, -1, O_D50, -1, NULL);
        fputc('\n', out);
        any = 1;
    }
    if (!any) fprintf(out, "(the file has none of the observables this report knows)\n");
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

static void csv_row(const report *rp, FILE *out, int s, int p, int day, int o, const cell *c)
{
    const result_file *f = &rp->f;
    csv_text(out, f->names[s]);
    fprintf(out, ",%d", p);
    for (int j = 0; j < f->n_params; j++) csv_num(out, f->param_values[(size_t)j * (size_t)f->P + (size_t)p]);
    fputc(',', out);
    if (day >= 0) fprintf(out, "%d", day);
    fprintf(out, ",%s,%s,%d", outcomes[o].id, outcomes[o].unit, c->v.n);
    csv_num(out, c->v.mean);
    csv_num(out, c->v.lo);
    csv_num(out, c->v.hi);
    fputc(',', out);
    if (s != f->baseline && outcomes[o].kind != K_PER_USER) {
        fprintf(out, "%d", c->d.n);
        csv_num(out, c->d.mean);
        csv_num(out, c->d.lo);
        csv_num(out, c->d.hi);
    } else {
        fputs(",,,", out);
    }
    fputc(',', out);
    csv_text(out, c->note);
    fputc('\n', out);
}

static void print_csv(report *rp, FILE *out)
{
    const result_file *f = &rp->f;
    fputs("scenario,point", out);
    for (int j = 0; j < f->n_params; j++) {
        fputc(',', out);
        csv_text(out, f->params[j]);
    }
    fputs(",day,outcome,unit,n,mean,ci_low,ci_high,n_paired,diff_mean,diff_ci_low,diff_ci_high,note\n", out);
    for (int s = 0; s < f->S; s++)
        for (int p = 0; p < f->P; p++) {
            for (int k = 0; k < rp->n_days; k++)
                for (int o = 0; o < N_OUT; o++) {
                    const cell *c = cell_at(rp, k, o, s, p);
                    if (rp->avail[o] && outcomes[o].kind != K_DAYS50 && c->present)
                        csv_row(rp, out, s, p, (int)rp->days[k], o, c);
                }
            if (rp->avail[O_D50]) csv_row(rp, out, s, p, -1, O_D50, cell_at(rp, 0, O_D50, s, p));
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

    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    status = result_file_open(&rp.f, path, err);
    if (status == SIM_OK) status = resolve_baseline(&rp.f, opt);
    if (status == SIM_OK) {
        rp.missing = missing_runs(&rp.f, &rp.missing_list,
                                  opt->allow_partial ? LIST_BUDGET_REPORT : LIST_BUDGET_ERROR);
        if (rp.missing_list.oom) {
            status = no_memory(err);
        } else if (rp.missing && !opt->allow_partial) {
            const result_file *f = &rp.f;
            status = sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                                   "%s: %lld of %lld runs are missing (an interrupted experiment): %s. "
                                   "Finish them with 'adoptsim experiment %s -o %s --resume', "
                                   "or report the completed runs only with --partial",
                                   path, rp.missing, (long long)f->S * f->P * f->R, sb_str(&rp.missing_list),
                                   f->experiment_file[0] ? f->experiment_file : "EXPERIMENT.yaml", path);
        }
    }
    if (status == SIM_OK) {
        resolve_days(&rp);
        find_observables(&rp);
        status = compute(&rp);
    }
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
    free(rp.cells);
    free(rp.missing_list.s);
    return status;
}
