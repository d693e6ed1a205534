/* sensitivity.c: `adoptsim sensitivity` (see sensitivity.h): the outcome of
 * each design point from a results file (resultfile.c), Morris's and
 * Sobol's estimators, and the tables (table.c). */
#include "sensitivity.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <hdf5.h>

#include "network.h"
#include "resultfile.h"
#include "rng.h"
#include "table.h"

#define RNG_PURPOSE_BOOTSTRAP (RNG_PURPOSE_ENGINE + 0x200u)

static int no_memory(sim_error *err)
{
    return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

void sensitivity_result_free(sensitivity_result *res)
{
    double **d[] = {&res->mu, &res->mu_star, &res->sigma, &res->mu_s, &res->mu_star_s, &res->sigma_s,
                    &res->s1, &res->s1_lo, &res->s1_hi, &res->st, &res->st_lo, &res->st_hi};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        free(*d[i]);
        *d[i] = NULL;
    }
    free(res->n);
    free(res->collapsed);
    res->n = res->collapsed = NULL;
}

/* ---- Morris ------------------------------------------------------------------- */

/* x's position in key j's range: linear, or of log x for a log scale. */
static double range_position(double x, double lo, double hi, int log_scale)
{
    return log_scale ? (log(x) - log(lo)) / (log(hi) - log(lo)) : (x - lo) / (hi - lo);
}

int sensitivity_morris(int k, int r, const double *unit, const double *x, const double *lo, const double *hi,
                       const int *log_scale, const double *y, sensitivity_result *res, sim_error *err)
{
    const size_t K = (size_t)k, P = (size_t)r * (K + 1);
    memset(res, 0, sizeof *res);
    res->k = k;
    res->n = calloc(K, sizeof *res->n);
    res->collapsed = calloc(K, sizeof *res->collapsed);
    double *ee = malloc(K * (size_t)r * sizeof *ee), *ees = malloc(K * (size_t)r * sizeof *ees);
    double **outs[] = {&res->mu, &res->mu_star, &res->sigma, &res->mu_s, &res->mu_star_s, &res->sigma_s};
    int ok = res->n && res->collapsed && ee && ees;
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) ok &= (*outs[i] = calloc(K, sizeof(double))) != NULL;
    if (!ok) {
        free(ee);
        free(ees);
        sensitivity_result_free(res);
        return no_memory(err);
    }
    int rc = SIM_OK;
    for (int t = 0; t < r && !rc; t++)
        for (int m = 1; m <= k && !rc; m++) {
            const size_t a = (size_t)t * (K + 1) + (size_t)m - 1, b = a + 1;
            int moved = -1, count = 0;
            for (int j = 0; j < k; j++)
                if (unit[b * K + (size_t)j] != unit[a * K + (size_t)j]) {
                    moved = j;
                    count++;
                }
            if (count != 1) {
                rc = sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "not a Morris design: points %zu and %zu of "
                                   "trajectory %d differ in %d keys, not 1", a, b, t, count);
                break;
            }
            const size_t j = (size_t)moved;
            const double dx = x[j * P + b] - x[j * P + a];
            if (dx == 0) { /* rounding made the step no change */
                res->collapsed[j]++;
                continue;
            }
            const double du = range_position(x[j * P + b], lo[j], hi[j], log_scale[j]) -
                              range_position(x[j * P + a], lo[j], hi[j], log_scale[j]);
            const double dy = y[b] - y[a];
            ee[j * (size_t)r + (size_t)res->n[j]] = dy / dx;
            ees[j * (size_t)r + (size_t)res->n[j]] = dy / du;
            res->n[j]++;
        }
    for (size_t j = 0; j < K && !rc; j++) {
        const size_t n = (size_t)res->n[j];
        const double *e = ee + j * (size_t)r, *es = ees + j * (size_t)r;
        double abs_sum = 0, abs_sum_s = 0;
        for (size_t i = 0; i < n; i++) {
            abs_sum += fabs(e[i]);
            abs_sum_s += fabs(es[i]);
        }
        res->mu[j] = n ? gsl_stats_mean(e, 1, n) : NAN;
        res->mu_s[j] = n ? gsl_stats_mean(es, 1, n) : NAN;
        res->mu_star[j] = n ? abs_sum / (double)n : NAN;
        res->mu_star_s[j] = n ? abs_sum_s / (double)n : NAN;
        res->sigma[j] = n > 1 ? gsl_stats_sd(e, 1, n) : NAN;
        res->sigma_s[j] = n > 1 ? gsl_stats_sd(es, 1, n) : NAN;
    }
    free(ee);
    free(ees);
    if (rc) sensitivity_result_free(res);
    return rc;
}

/* ---- Sobol ---------------------------------------------------------------------- */

/* The indices from rows idx[0..n) (NULL: 0..n-1) of the centred outputs. */
static void sobol_once(int k, int n, const double *y, const size_t *idx, double *s1, double *st, double *sum,
                       double *variance)
{
    const size_t N = (size_t)n;
    double mean = 0, v = 0;
    for (size_t i = 0; i < N; i++) {
        size_t row = idx ? idx[i] : i;
        mean += y[row] + y[N + row];
    }
    mean /= 2.0 * (double)N;
    for (size_t i = 0; i < N; i++) {
        size_t row = idx ? idx[i] : i;
        v += (y[row] - mean) * (y[row] - mean) + (y[N + row] - mean) * (y[N + row] - mean);
    }
    v /= 2.0 * (double)N;
    *sum = 0;
    for (int j = 0; j < k; j++) {
        const double *ab = y + (2 + (size_t)j) * N;
        double first = 0, total = 0;
        for (size_t i = 0; i < N; i++) {
            size_t row = idx ? idx[i] : i;
            double fa = y[row], fb = y[N + row], fab = ab[row];
            first += fb * (fab - fa);
            total += (fa - fab) * (fa - fab);
        }
        s1[j] = v > 0 ? first / (double)N / v : NAN;
        st[j] = v > 0 ? total / (double)N / 2.0 / v : NAN;
        *sum += s1[j];
    }
    *variance = v;
}

int sensitivity_sobol(int k, int n, const double *y_in, int B, uint32_t seed, sensitivity_result *res,
                      sim_error *err)
{
    const size_t K = (size_t)k, N = (size_t)n, total = N * (K + 2);
    memset(res, 0, sizeof *res);
    res->k = k;
    double **outs[] = {&res->s1, &res->s1_lo, &res->s1_hi, &res->st, &res->st_lo, &res->st_hi};
    double *y = malloc(total * sizeof *y);
    double *boot = B > 0 ? malloc((size_t)B * (2 * K + 1) * sizeof *boot) : NULL;
    double *s1 = malloc(K * sizeof *s1), *st = malloc(K * sizeof *st);
    size_t *idx = malloc(N * sizeof *idx);
    gsl_rng *g = B > 0 ? rng_gsl_alloc() : NULL;
    int ok = y && s1 && st && idx && (B == 0 || (boot && g));
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) ok &= (*outs[i] = malloc(K * sizeof(double))) != NULL;
    if (!ok) {
        free(y);
        free(boot);
        free(s1);
        free(st);
        free(idx);
        if (g) gsl_rng_free(g);
        sensitivity_result_free(res);
        return no_memory(err);
    }
    /* centred on the mean of every output of the design, as SALib does */
    double mean = 0;
    for (size_t i = 0; i < total; i++) mean += y_in[i];
    mean /= (double)total;
    for (size_t i = 0; i < total; i++) y[i] = y_in[i] - mean;

    sobol_once(k, n, y, NULL, res->s1, res->st, &res->sum_s1, &res->variance);
    for (int b = 0; b < B; b++) {
        rng_gsl_stream(g, rng_key_make(seed, 0), (uint32_t)b, 0, RNG_PURPOSE_BOOTSTRAP);
        for (size_t i = 0; i < N; i++) idx[i] = (size_t)gsl_rng_uniform_int(g, (unsigned long)N);
        double sum, v;
        sobol_once(k, n, y, idx, s1, st, &sum, &v);
        for (size_t j = 0; j < K; j++) {
            boot[j * (size_t)B + (size_t)b] = s1[j];
            boot[(K + j) * (size_t)B + (size_t)b] = st[j];
        }
        boot[2 * K * (size_t)B + (size_t)b] = sum;
    }
    double *lo[] = {res->s1_lo, res->st_lo}, *hi[] = {res->s1_hi, res->st_hi};
    for (size_t c = 0; c < 2 * K + 1; c++) {
        double l = NAN, h = NAN;
        if (B > 0) {
            double *col = boot + c * (size_t)B;
            int finite = 1;
            for (int b = 0; b < B; b++) finite &= isfinite(col[b]);
            if (finite) {
                gsl_sort(col, 1, (size_t)B);
                l = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)B, 0.025);
                h = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)B, 0.975);
            }
        }
        if (c < 2 * K) {
            lo[c / K][c % K] = l;
            hi[c / K][c % K] = h;
        } else {
            res->sum_lo = l;
            res->sum_hi = h;
        }
    }
    free(y);
    free(boot);
    free(s1);
    free(st);
    free(idx);
    if (g) gsl_rng_free(g);
    return SIM_OK;
}

/* ---- the outcome of each point --------------------------------------------------- */

/* What is computed per run. */
typedef struct target {
    sim_outcome_kind kind;          /* VALUE, SHARE or FIRST_DAY */
    const char *observable, *of;
    double share;
    const char *id, *label, *unit;  /* id: as --outcome names it */
    int group_kind;                 /* 0 none, 1 generation, 2 level */
    int group;
    int t;                          /* the time index */
} target;

static int find_target(const result_file *f, const sensitivity_options *opt, target *tg, sim_error *err)
{
    const sim_model_type *m = f->model;
    memset(tg, 0, sizeof *tg);
    tg->id = opt->outcome;
    int obs = result_file_observable(f, opt->outcome);
    if (obs >= 0) {
        tg->kind = SIM_OUTCOME_VALUE;
        tg->observable = m->observables[obs].name;
        tg->label = m->observables[obs].long_name;
        tg->unit = m->observables[obs].units;
    } else {
        const sim_outcome *oc = NULL;
        for (int o = 0; o < m->n_outcomes && !oc; o++)
            if (!strcmp(m->outcomes[o].id, opt->outcome)) oc = &m->outcomes[o];
        if (!oc) {
            const char *names[512];
            int n = 0;
            char list[2048] = "";
            for (int k = 0; k < m->n_observables && n < 512; k++) names[n++] = m->observables[k].name;
            for (int o = 0; o < m->n_outcomes && n < 512; o++) {
                int dup = m->outcomes[o].kind == SIM_OUTCOME_PER_UNIT;
                for (int i = 0; i < n && !dup; i++) dup = !strcmp(names[i], m->outcomes[o].id);
                if (!dup) names[n++] = m->outcomes[o].id;
            }
            for (int i = 0; i < n; i++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
            const char *near = scenario_nearest(opt->outcome, names, n);
            char hint[192] = "";
            if (near) snprintf(hint, sizeof hint, "; did you mean \"%s\"?", near);
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "--outcome: model %s has no observable or "
                                 "outcome \"%s\"%s (it has %s)", m->name, opt->outcome, hint, list);
        }
        if (oc->kind == SIM_OUTCOME_PER_UNIT)
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "--outcome %s is a ratio of mean differences "
                                 "over replicates, not a value of each run: take %s or %s", oc->id, oc->observable,
                                 oc->of);
        tg->kind = oc->kind;
        tg->observable = oc->observable;
        tg->of = oc->of;
        tg->share = oc->share;
        tg->label = oc->label;
        tg->unit = oc->unit;
    }
    const char *need[2] = {tg->observable, tg->of};
    for (int i = 0; i < 2; i++) {
        if (!need[i]) continue;
        int k = result_file_observable(f, need[i]);
        if (k < 0 || !f->has[k])
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s does not keep the observable %s, which "
                                 "--outcome %s needs (output.observables left it out)", f->path, need[i],
                                 opt->outcome);
    }
    if (opt->group) {
        for (int g = 0; g < NET_GENERATIONS; g++)
            if (!strcmp(opt->group, network_generation_names[g])) {
                tg->group_kind = 1;
                tg->group = g;
            }
        if (!tg->group_kind && !strncmp(opt->group, "level:", 6)) {
            char *end;
            errno = 0;
            long l = strtol(opt->group + 6, &end, 10);
            if (end != opt->group + 6 && !*end && !errno && l >= 0 && l < 1000000) {
                tg->group_kind = 2;
                tg->group = (int)l;
            }
        }
        if (!tg->group_kind)
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "--group wants a generation (gen_z, millennial, "
                                 "gen_x, boomer) or level:N, got '%s'", opt->group);
        for (int i = 0; i < 2; i++) {
            if (!need[i]) continue;
            int k = result_file_observable(f, need[i]);
            char var[160];
            snprintf(var, sizeof var, "%s%s", need[i], tg->group_kind == 1 ? "_by_generation" : "_by_level");
            if (!f->model->observables[k].grouped)
                return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "--group: the observable %s has no "
                                     "breakdown by %s", need[i], tg->group_kind == 1 ? "generation" : "level");
            if (H5Lexists(f->file, var, H5P_DEFAULT) <= 0)
                return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "--group: %s has no variable %s (the "
                                     "network has no organization, or output.breakdowns left it out)", f->path, var);
        }
    }
    int32_t day = opt->day < 0 || opt->day > f->last_day ? f->last_day : opt->day;
    tg->t = result_file_time_index(f, day);
    return SIM_OK;
}

/* Rows of observable name (its group when the target has one) for the R
 * replicates of (s, p): buf[r * T + t]. */
static int read_rows(result_file *f, const target *tg, const char *name, int s, int p, double *buf)
{
    int rc;
    if (!tg->group_kind) {
        rc = result_file_read_rows(f, name, s, p, 0, f->R, buf);
    } else {
        char var[160];
        snprintf(var, sizeof var, "%s%s", name, tg->group_kind == 1 ? "_by_generation" : "_by_level");
        rc = result_file_read_group_rows(f, var, tg->group, s, p, 0, f->R, buf);
    }
    /* counts are never negative: -1 is the fill value (a level deeper than
     * this point's organization) */
    const int k = result_file_observable(f, name);
    for (size_t i = 0; !rc && f->model->observables[k].is_count && i < (size_t)f->R * (size_t)f->T; i++)
        if (buf[i] < 0) buf[i] = NAN;
    return rc;
}

/* The target's value in one run from its rows x (and denominators y). */
static double run_value(const result_file *f, const target *tg, const double *x, const double *y)
{
    switch (tg->kind) {
    case SIM_OUTCOME_SHARE: return y[tg->t] > 0 ? 100.0 * x[tg->t] / y[tg->t] : NAN;
    case SIM_OUTCOME_FIRST_DAY:
        for (int t = 0; t < f->T; t++)
            if (x[t] >= tg->share * (y ? y[t] : 1.0)) return f->days[t];
        return NAN;
    default: return x[tg->t];
    }
}

/* out[p]: the mean over replicates of the target in scenario s (minus the
 * baseline's, replicate by replicate, when base >= 0). */
static int point_outcomes(result_file *f, const target *tg, int s, int base, double *out, sim_error *err)
{
    const size_t T = (size_t)f->T, R = (size_t)f->R;
    double *x = malloc(4 * R * T * sizeof *x);
    if (!x) return no_memory(err);
    double *y = x + R * T, *bx = y + R * T, *by = bx + R * T;
    int rc = SIM_OK;
    for (int p = 0; p < f->P && !rc; p++) {
        rc = read_rows(f, tg, tg->observable, s, p, x);
        if (!rc && tg->of) rc = read_rows(f, tg, tg->of, s, p, y);
        if (!rc && base >= 0) rc = read_rows(f, tg, tg->observable, base, p, bx);
        if (!rc && base >= 0 && tg->of) rc = read_rows(f, tg, tg->of, base, p, by);
        double sum = 0;
        for (size_t r = 0; r < R && !rc; r++) {
            double v = run_value(f, tg, x + r * T, tg->of ? y + r * T : NULL);
            if (base >= 0) v -= run_value(f, tg, bx + r * T, tg->of ? by + r * T : NULL);
            if (isnan(v))
                rc = sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s is undefined at point %d, replicate %zu "
                                   "(%s): no index can be computed", tg->id, p, r,
                                   tg->kind == SIM_OUTCOME_FIRST_DAY ? "never reached by the last stored day"
                                   : tg->group_kind == 2 ? "a level its organization does not have, or a "
                                                           "denominator of 0"
                                                         : "a denominator of 0");
            sum += v;
        }
        out[p] = sum / (double)R;
    }
    free(x);
    return rc;
}

/* ---- the output ----------------------------------------------------------------- */

/* "0.314" with the precision the indices need. */
static void fmt(char *buf, size_t size, double v)
{
    if (isnan(v)) snprintf(buf, size, "-");
    else snprintf(buf, size, "%.3f", v);
}

static void fmt_ci(char *buf, size_t size, double v, double lo, double hi)
{
    char a[32], b[32], c[32];
    fmt(a, sizeof a, v);
    if (isnan(lo)) {
        snprintf(buf, size, "%s", a);
        return;
    }
    fmt(b, sizeof b, lo);
    fmt(c, sizeof c, hi);
    snprintf(buf, size, "%s [%s, %s]", a, b, c);
}

/* A number in the key's units: 4 significant digits. */
static void fmt_g(char *buf, size_t size, double v)
{
    if (isnan(v)) snprintf(buf, size, "-");
    else snprintf(buf, size, "%.4g", v);
}

static void csv_num(FILE *out, double v)
{
    fputc(',', out);
    if (!isnan(v)) fprintf(out, "%.17g", v);
}

/* What the header says in both methods. */
static void print_header(const result_file *f, const sensitivity_options *opt, const target *tg, int s, int base,
                         FILE *out)
{
    const int md = opt->format == REPORT_MARKDOWN;
    const char *item = md ? "- " : "  ";
    char kept[64];
    if (md)
        fprintf(out, "# adoptsim sensitivity: %s\n\n", f->path);
    else
        fprintf(out, "adoptsim sensitivity: %s\n", f->path);
    fprintf(out, "%smodel %s", item, f->model->name);
    if (f->experiment_file[0]) fprintf(out, ", experiment %s", f->experiment_file);
    if (f->seed >= 0) fprintf(out, ", seed %lld", f->seed);
    fprintf(out, "\n%soutcome %s: %s (%s)", item, opt->outcome, tg->label, tg->unit);
    if (tg->kind == SIM_OUTCOME_FIRST_DAY) {
        fprintf(out, ", the first stored day it is reached");
        if (f->T != f->last_day + 1)
            fprintf(out, " (the file keeps %s)", result_file_days_kept(f, kept, sizeof kept));
    } else {
        fprintf(out, " at day %d", (int)f->days[tg->t]);
        if (opt->day >= 0 && f->days[tg->t] != opt->day)
            fprintf(out, " (day %d %s: the nearest stored day)", (int)opt->day,
                    opt->day > f->last_day ? "is past the end" : "is not stored in the file");
    }
    if (opt->group) fprintf(out, ", group %s", opt->group);
    fprintf(out, "\n%s%s", item, base >= 0 ? "difference " : "scenario ");
    if (base >= 0)
        fprintf(out, "%s - %s, replicate by replicate (the sensitivity of the effect)\n", f->names[s], f->names[base]);
    else
        fprintf(out, "%s\n", f->names[s]);
    if (f->R > 1)
        fprintf(out, "%sthe outcome of a point is its mean over its %d replicates; every point of a replicate shares "
                "its random numbers (common random numbers), so differences between points carry little noise\n",
                item, f->R);
    else
        fprintf(out, "%sone replicate per point: its outcome is that run's\n", item);
}

static int write_morris(const result_file *f, const sensitivity_options *opt, const target *tg, int s, int base,
                        const sensitivity_result *res, FILE *out)
{
    const int k = f->n_params;
    int *order = malloc((size_t)k * sizeof *order);
    if (!order) return no_memory(f->err);
    for (int j = 0; j < k; j++) order[j] = j;
    for (int a = 1; a < k; a++) /* by scaled mu*, largest first (NaN last) */
        for (int b = a; b > 0; b--) {
            double x = res->mu_star_s[order[b]], y = res->mu_star_s[order[b - 1]];
            if (!(x > y || (isnan(y) && !isnan(x)))) break;
            int t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    if (opt->format == REPORT_CSV) {
        fputs("key,rank,n,mu,mu_star,sigma,mu_scaled,mu_star_scaled,sigma_scaled,collapsed\n", out);
        for (int i = 0; i < k; i++) {
            int j = order[i];
            fprintf(out, "%s,%d,%d", f->params[j], i + 1, res->n[j]);
            csv_num(out, res->mu[j]);
            csv_num(out, res->mu_star[j]);
            csv_num(out, res->sigma[j]);
            csv_num(out, res->mu_s[j]);
            csv_num(out, res->mu_star_s[j]);
            csv_num(out, res->sigma_s[j]);
            fprintf(out, ",%d\n", res->collapsed[j]);
        }
        free(order);
        return SIM_OK;
    }
    const int md = opt->format == REPORT_MARKDOWN;
    const char *item = md ? "- " : "  ";
    print_header(f, opt, tg, s, base, out);
    fprintf(out, "%sMorris: %d trajectories of %d points on a %d-level grid (a step moves one key by %g of its "
            "range), %d run%s each\n", item, f->trajectories, k + 1, f->levels,
            (double)f->levels / (2.0 * (f->levels - 1)), f->R, f->R > 1 ? "s" : "");
    fprintf(out, "%selementary effect: change in the outcome / change in the key, measured on the values run (after "
            "the log mapping and rounding); scaled: per whole range of the key (of log key on a log scale)\n", item);
    fprintf(out, "%smu*: mean absolute effect (importance), mu: mean effect (sign), sigma: standard deviation "
            "(interactions, non-linearity); ranked by scaled mu*\n", item);
    int collapsed = 0;
    for (int j = 0; j < k; j++) collapsed += res->collapsed[j];
    if (collapsed)
        fprintf(out, "%s%d steps left out: rounding of whole-number keys made them no change (see n)\n", item,
                collapsed);
    fputc('\n', out);
    table t;
    table_init(&t, 9);
    static const char *const head[] = {"rank", "key", "mu* (scaled)", "mu (scaled)", "sigma (scaled)",
                                       "mu*", "mu", "sigma", "n"};
    int row = table_row(&t);
    for (int c = 0; c < 9; c++) {
        table_set(&t, row, c, head[c]);
        t.right[c] = c != 1;
    }
    char buf[64];
    for (int i = 0; i < k; i++) {
        int j = order[i];
        row = table_row(&t);
        snprintf(buf, sizeof buf, "%d", i + 1);
        table_set(&t, row, 0, buf);
        table_set(&t, row, 1, f->params[j]);
        const double v[6] = {res->mu_star_s[j], res->mu_s[j], res->sigma_s[j], res->mu_star[j], res->mu[j],
                             res->sigma[j]};
        for (int c = 0; c < 6; c++) {
            fmt_g(buf, sizeof buf, v[c]);
            table_set(&t, row, 2 + c, buf);
        }
        snprintf(buf, sizeof buf, "%d", res->n[j]);
        table_set(&t, row, 8, buf);
    }
    if (!t.oom && table_print(&t, md, out)) t.oom = 1;
    int oom = t.oom;
    table_free(&t);
    free(order);
    return oom ? no_memory(f->err) : SIM_OK;
}

static int write_sobol(const result_file *f, const sensitivity_options *opt, const target *tg, int s, int base,
                       const sensitivity_result *res, FILE *out)
{
    const int k = f->n_params;
    if (opt->format == REPORT_CSV) {
        fputs("key,S1,S1_low,S1_high,ST,ST_low,ST_high\n", out);
        for (int j = 0; j < k; j++) {
            fputs(f->params[j], out);
            csv_num(out, res->s1[j]);
            csv_num(out, res->s1_lo[j]);
            csv_num(out, res->s1_hi[j]);
            csv_num(out, res->st[j]);
            csv_num(out, res->st_lo[j]);
            csv_num(out, res->st_hi[j]);
            fputc('\n', out);
        }
        fputs("sum", out);
        csv_num(out, res->sum_s1);
        csv_num(out, res->sum_lo);
        csv_num(out, res->sum_hi);
        fputs(",,,\n", out);
        return SIM_OK;
    }
    const int md = opt->format == REPORT_MARKDOWN;
    const char *item = md ? "- " : "  ";
    print_header(f, opt, tg, s, base, out);
    fprintf(out, "%sSobol indices from Saltelli's design: N = %lld base rows x (%d keys + 2) = %d points, %d run%s "
            "each\n", item, f->sweep_points, k, f->P, f->R, f->R > 1 ? "s" : "");
    fprintf(out, "%sS_i, first order: mean(f_B (f_ABi - f_A)) / V (Saltelli et al. 2010); ST_i, total: mean((f_A - "
            "f_ABi)^2) / 2V (Jansen); V = %.6g, the variance over A and B\n", item, res->variance);
    if (opt->bootstrap > 0)
        fprintf(out, "%s[95%% CI]: bootstrap percentile intervals, %d resamples of the N rows, seed %u\n", item,
                opt->bootstrap, opt->seed);
    fputc('\n', out);
    table t;
    table_init(&t, 4);
    int row = table_row(&t);
    table_set(&t, row, 0, "key");
    table_set(&t, row, 1, opt->bootstrap > 0 ? "S_i [95% CI]" : "S_i");
    table_set(&t, row, 2, opt->bootstrap > 0 ? "ST_i [95% CI]" : "ST_i");
    table_set(&t, row, 3, "ST_i - S_i");
    t.right[1] = t.right[2] = t.right[3] = 1;
    char buf[128];
    for (int j = 0; j < k; j++) {
        row = table_row(&t);
        table_set(&t, row, 0, f->params[j]);
        fmt_ci(buf, sizeof buf, res->s1[j], res->s1_lo[j], res->s1_hi[j]);
        table_set(&t, row, 1, buf);
        fmt_ci(buf, sizeof buf, res->st[j], res->st_lo[j], res->st_hi[j]);
        table_set(&t, row, 2, buf);
        fmt(buf, sizeof buf, res->st[j] - res->s1[j]);
        table_set(&t, row, 3, buf);
    }
    row = table_row(&t);
    table_set(&t, row, 0, "sum of S_i");
    fmt_ci(buf, sizeof buf, res->sum_s1, res->sum_lo, res->sum_hi);
    table_set(&t, row, 1, buf);
    if (!t.oom && table_print(&t, md, out)) t.oom = 1;
    if (!md && !t.oom)
        fprintf(out, "\n  ST_i - S_i is the share of the variance due to the key's interactions; 1 - sum of S_i, "
                "that of all interactions\n");
    int oom = t.oom;
    table_free(&t);
    return oom ? no_memory(f->err) : SIM_OK;
}

/* The scenario and the baseline (or -1) the options name. */
static int pick_scenarios(result_file *f, const sensitivity_options *opt, int *s, int *base, sim_error *err)
{
    int b = 0;
    for (int i = 0; i < f->S; i++)
        if (!strcmp(f->names[i], f->baseline_attr)) b = i;
    *s = -1;
    if (opt->scenario) {
        for (int i = 0; i < f->S; i++)
            if (!strcmp(f->names[i], opt->scenario)) *s = i;
        if (*s < 0) {
            char list[1024] = "";
            for (int i = 0; i < f->S; i++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", f->names[i]);
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "--scenario: %s has no scenario named \"%s\" "
                                 "(it has %s)", f->path, opt->scenario, list);
        }
    } else if (!opt->difference) {
        *s = b;
    } else if (f->S == 1) {
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "--difference: %s has one scenario, %s: there is "
                             "nothing to compare it with", f->path, f->names[0]);
    } else if (f->S == 2) {
        *s = 1 - b;
    } else {
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "--difference: name the scenario to compare with "
                             "the baseline %s (--scenario NAME)", f->names[b]);
    }
    *base = opt->difference ? b : -1;
    if (opt->difference && *s == b)
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "--difference: %s is the baseline; the difference "
                             "of a scenario from itself is 0", f->names[b]);
    for (int p = 0; p < f->P; p++)
        for (int r = 0; r < f->R; r++)
            if (!result_file_done(f, *s, p, r) || (*base >= 0 && !result_file_done(f, *base, p, r)))
                return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s: run (scenario %s, point %d, replicate "
                                     "%d) is missing: the indices need every point of the design; finish it with "
                                     "adoptsim experiment ... --resume", f->path,
                                     f->names[result_file_done(f, *s, p, r) ? *base : *s], p, r);
    return SIM_OK;
}

int sensitivity_write(const char *path, const sensitivity_options *opt, FILE *out, sim_error *err)
{
    result_file f;
    H5E_auto2_t old_func = NULL;
    void *old_data = NULL;
    sensitivity_result res;
    double *y = NULL;
    target tg;
    int s = 0, base = -1;

    memset(&res, 0, sizeof res);
    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rc = result_file_open(&f, path, opt->model_of, err);
    const int morris = !rc && !strcmp(f.method, "morris"), sobol = !rc && !strcmp(f.method, "saltelli");
    if (!rc && ((!morris && !sobol) || !f.unit))
        rc = sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s has no Morris or Saltelli design (its sweep is "
                           "%s): run an experiment with sweep.method morris or saltelli", path,
                           f.method[0] ? f.method : "none");
    if (!rc && morris && (f.trajectories < 2 || f.levels < 2 || (long long)f.trajectories * (f.n_params + 1) != f.P))
        rc = sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s: its Morris design is inconsistent (%d trajectories "
                           "of %d keys, %d points)", path, f.trajectories, f.n_params, f.P);
    if (!rc && sobol && (f.sweep_points < 2 || f.sweep_points * (f.n_params + 2) != f.P))
        rc = sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s: its Saltelli design is inconsistent (N = %lld, %d "
                           "keys, %d points)", path, f.sweep_points, f.n_params, f.P);
    if (!rc) rc = find_target(&f, opt, &tg, err);
    if (!rc) rc = pick_scenarios(&f, opt, &s, &base, err);
    if (!rc && !(y = malloc((size_t)f.P * sizeof *y))) rc = no_memory(err);
    if (!rc) rc = point_outcomes(&f, &tg, s, base, y, err);
    if (!rc && morris)
        rc = sensitivity_morris(f.n_params, f.trajectories, f.unit, f.param_values, f.range_min, f.range_max,
                                f.log_scale, y, &res, err);
    if (!rc && sobol) rc = sensitivity_sobol(f.n_params, (int)f.sweep_points, y, opt->bootstrap, opt->seed, &res, err);
    if (!rc && morris) rc = write_morris(&f, opt, &tg, s, base, &res, out);
    if (!rc && sobol) rc = write_sobol(&f, opt, &tg, s, base, &res, out);
    if (!rc && (fflush(out) != 0 || ferror(out)))
        rc = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot write the indices: %s", strerror(errno));
    result_file_close(&f);
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
    sensitivity_result_free(&res);
    free(y);
    return rc;
}
