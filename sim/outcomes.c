/* outcomes.c: computes a model's outcomes from a results file (see
 * outcomes.h). */
#include "outcomes.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_BYTES ((size_t)32 << 20)

/* The values read from the file: each needed observable at each reported
 * day for every run, and each FIRST_DAY outcome's day for every run. */
typedef struct columns {
    int n_obs;
    const char *obs[64];       /* the observables the outcomes need */
    double *at[64];            /* [k * runs + run] */
    double **first;            /* [o][run]: NaN when not reached (NULL for other kinds) */
    size_t runs;
} columns;

static int no_memory(sim_error *err)
{
    return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

const char *outcomes_words(const char *observable, char *buf, size_t size)
{
    snprintf(buf, size, "%s", observable);
    for (char *c = buf; *c; c++)
        if (*c == '_') *c = ' ';
    return buf;
}

static void add_note(outcome_cell *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(outcome_cell *c, const char *fmt, ...)
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

/* Resolve the requested days: clip to the last day, sort, drop duplicates. */
static void resolve_days(outcome_grid *g, const int32_t *req_days, int n_req)
{
    static const int32_t defaults[] = {90, 180, 365};
    const int32_t *req = n_req ? req_days : defaults;
    const int32_t last = g->f->last_day;
    if (!n_req) n_req = 3;
    g->n_days = 0;
    for (int i = 0; i < n_req && i < OUTCOMES_MAX_DAYS; i++) {
        const int32_t want = req[i] > last ? last : req[i];
        const int t = result_file_time_index(g->f, want);
        const int32_t d = g->f->days[t];
        int k = 0;
        while (k < g->n_days && g->days[k] < d) k++;
        if (k == g->n_days || g->days[k] != d) {
            memmove(&g->days[k + 1], &g->days[k], (size_t)(g->n_days - k) * sizeof g->days[0]);
            memmove(g->clipped[k + 1], g->clipped[k], (size_t)(g->n_days - k) * sizeof g->clipped[0]);
            memmove(g->moved[k + 1], g->moved[k], (size_t)(g->n_days - k) * sizeof g->moved[0]);
            memmove(&g->index[k + 1], &g->index[k], (size_t)(g->n_days - k) * sizeof g->index[0]);
            g->days[k] = d;
            g->index[k] = t;
            g->clipped[k][0] = '\0';
            g->moved[k][0] = '\0';
            g->n_days++;
        }
        if (want != d) {
            char item[16];
            size_t len = strlen(g->moved[k]);
            snprintf(item, sizeof item, "%d", (int)want);
            if (len + strlen(item) + 3 < sizeof g->moved[k])
                snprintf(g->moved[k] + len, sizeof g->moved[k] - len, "%s%s", len ? ", " : "", item);
        }
        if (req[i] > last) {
            char *c = g->clipped[k];
            size_t len = strlen(c);
            if (!len)
                snprintf(c, sizeof g->clipped[k], "day %d", (int)req[i]);
            else if (!strncmp(c, "day ", 4) && len + 3 < sizeof g->clipped[k]) {
                memmove(c + 4, c + 3, len - 2); /* "day 90" -> "days 90" */
                c[3] = 's';
                len++;
            }
            if (len) snprintf(c + len, sizeof g->clipped[k] - len, ", %d", (int)req[i]);
        }
    }
}

static int obs_slot(columns *c, const char *name)
{
    for (int i = 0; i < c->n_obs; i++)
        if (!strcmp(c->obs[i], name)) return i;
    if (c->n_obs == 64) return -1;
    c->obs[c->n_obs] = name;
    return c->n_obs++;
}

/* Read what the outcomes need, once: per (scenario, point), blocks of
 * replicates' series. */
static int read_columns(outcome_grid *g, result_file *f, columns *c, sim_error *err)
{
    const size_t T = (size_t)f->T, R = (size_t)f->R;
    c->runs = (size_t)f->S * (size_t)f->P * R;
    for (int o = 0; o < g->n_out; o++) {
        if (g->lacks[o]) continue;
        if (obs_slot(c, g->out[o].observable) < 0 || (g->out[o].of && obs_slot(c, g->out[o].of) < 0))
            return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, NULL, "too many observables in the outcomes");
    }
    if (!(c->first = calloc(g->n_out > 0 ? (size_t)g->n_out : 1, sizeof *c->first))) return no_memory(err);
    for (int i = 0; i < c->n_obs; i++)
        if (!(c->at[i] = malloc((size_t)g->n_days * c->runs * sizeof(double)))) return no_memory(err);
    for (int o = 0; o < g->n_out; o++)
        if (g->out[o].kind == SIM_OUTCOME_FIRST_DAY && !g->lacks[o] &&
            !(c->first[o] = malloc(c->runs * sizeof(double))))
            return no_memory(err);
    if (c->n_obs == 0) return SIM_OK;

    size_t block = BLOCK_BYTES / ((size_t)c->n_obs * T * sizeof(double));
    if (block < 1) block = 1;
    if (block > R) block = R;
    double *rows = malloc((size_t)c->n_obs * block * T * sizeof *rows);
    if (!rows) return no_memory(err);
    int rc = SIM_OK;
    for (int s = 0; s < f->S && !rc; s++)
        for (int p = 0; p < f->P && !rc; p++)
            for (size_t r0 = 0; r0 < R && !rc; r0 += block) {
                size_t nb = R - r0 < block ? R - r0 : block;
                for (int i = 0; i < c->n_obs && !rc; i++)
                    rc = result_file_read_rows(f, c->obs[i], s, p, (int)r0, (int)nb, rows + (size_t)i * block * T);
                for (size_t j = 0; j < nb && !rc; j++) {
                    size_t run = ((size_t)s * (size_t)f->P + (size_t)p) * R + r0 + j;
                    for (int i = 0; i < c->n_obs; i++)
                        for (int k = 0; k < g->n_days; k++) {
                            const double *row = rows + ((size_t)i * block + j) * T;
                            c->at[i][(size_t)k * c->runs + run] = row[g->index[k]];
                        }
                    for (int o = 0; o < g->n_out; o++) {
                        const sim_outcome *oc = &g->out[o];
                        if (oc->kind != SIM_OUTCOME_FIRST_DAY || g->lacks[o]) continue;
                        const double *x = rows + ((size_t)obs_slot(c, oc->observable) * block + j) * T;
                        const double *y = oc->of ? rows + ((size_t)obs_slot(c, oc->of) * block + j) * T : NULL;
                        c->first[o][run] = NAN;
                        for (size_t t = 0; t < T; t++)
                            if (x[t] >= oc->share * (y ? y[t] : 1.0)) {
                                c->first[o][run] = (double)f->days[t];
                                break;
                            }
                    }
                }
            }
    free(rows);
    return rc;
}

static void columns_free(columns *c, int n_out)
{
    for (int i = 0; i < c->n_obs; i++) free(c->at[i]);
    for (int o = 0; c->first && o < n_out; o++) free(c->first[o]);
    free(c->first);
}

/* Outcome oc (VALUE or SHARE) of run at day k. */
static double value_at(columns *c, const sim_outcome *oc, int k, size_t run)
{
    double x = c->at[obs_slot(c, oc->observable)][(size_t)k * c->runs + run];
    if (oc->kind == SIM_OUTCOME_VALUE) return x;
    double den = c->at[obs_slot(c, oc->of)][(size_t)k * c->runs + run];
    return den > 0 ? 100.0 * x / den : NAN;
}

/* Scratch of the uncertainty statistics: R values each. */
typedef struct scratch {
    double *x, *means;
    int *start;          /* R + 1 */
} scratch;

/* x[0..n) (n > 0) in replicate order, from the replicates reps[0..n): the
 * draws' means into sc->means (returns how many) and their groups in
 * sc->start. */
static int draw_means(const result_file *f, const double *x, const int *reps, int n, scratch *sc)
{
    int groups = 0;
    for (int i = 0; i < n; i++) {
        if (i == 0 || f->draw[reps[i]] != f->draw[reps[i - 1]]) sc->start[groups++] = i;
    }
    sc->start[groups] = n;
    for (int gi = 0; gi < groups; gi++) {
        double sum = 0;
        for (int i = sc->start[gi]; i < sc->start[gi + 1]; i++) sum += x[i];
        sc->means[gi] = sum / (sc->start[gi + 1] - sc->start[gi]);
    }
    return groups;
}

/* Outcome oc (VALUE or SHARE) of scenario s at point p, day k, under
 * parameter uncertainty (outcomes.h); a holds its completed runs' values,
 * ra their replicates (n of them); b the paired differences of replicates
 * rb (nb of them; s is not the baseline). */
static void compute_uncertain(const outcome_grid *g, const sim_outcome *oc, outcome_uncertain *u, const double *a,
                              const int *ra, int n, const double *b, const int *rb, int nb, int paired, scratch *sc)
{
    const result_file *f = g->f;
    u->present = 1;
    u->runs = n;
    u->share = u->d_share = u->q05 = u->q95 = u->d_q05 = u->d_q95 = NAN;
    u->d = u->better = stats_none(0);
    if (n == 0) {
        u->v = stats_none(0);
        return;
    }
    int groups = draw_means(f, a, ra, n, sc);
    u->v = stats_mean_ci(sc->means, groups);
    if (f->per_draw > 1) u->share = stats_variance_by_group(a, sc->start, groups).share;
    memcpy(sc->x, a, (size_t)n * sizeof *a);
    u->q05 = stats_quantile(sc->x, n, 0.05);
    u->q95 = stats_quantile(sc->x, n, 0.95);
    if (!paired) return;
    u->pairs = nb;
    if (nb == 0) return;
    groups = draw_means(f, b, rb, nb, sc);
    u->d = stats_mean_ci(sc->means, groups);
    if (f->per_draw > 1) u->d_share = stats_variance_by_group(b, sc->start, groups).share;
    double sum = 0;
    for (int gi = 0; gi < groups; gi++) {
        int wins = 0;
        for (int i = sc->start[gi]; i < sc->start[gi + 1]; i++) wins += oc->lower_is_better ? b[i] < 0 : b[i] > 0;
        sum += (double)wins / (sc->start[gi + 1] - sc->start[gi]);
    }
    u->better = stats_proportion_ci(sum / groups, groups);
    memcpy(sc->x, b, (size_t)nb * sizeof *b);
    u->d_q05 = stats_quantile(sc->x, nb, 0.05);
    u->d_q95 = stats_quantile(sc->x, nb, 0.95);
}

/* The rank shares of outcome oc at day k, point p (outcomes.h). */
static void compute_ranks(outcome_grid *g, columns *c, const sim_outcome *oc, int k, int o, int p)
{
    const result_file *f = g->f;
    const int S = f->S;
    double v[OUTCOMES_MAX_RANKED], in_draw[OUTCOMES_MAX_RANKED * OUTCOMES_MAX_RANKED];
    int draws = 0, in = 0;
    memset(in_draw, 0, sizeof in_draw);
    for (int r = 0; r <= f->R; r++) {
        /* a draw ends: its shares go into the total */
        if (in > 0 && (r == f->R || f->draw[r] != f->draw[r - 1])) {
            for (int s = 0; s < S; s++)
                for (int i = 0; i < S; i++) {
                    double *t = g->ranks + outcomes_index(g, k, o, s, p) * (size_t)S + (size_t)i;
                    *t += in_draw[s * S + i] / in;
                }
            memset(in_draw, 0, sizeof in_draw);
            in = 0;
            draws++;
        }
        if (r == f->R) break;
        int ok = 1;
        for (int s = 0; s < S && ok; s++) {
            ok = result_file_done(f, s, p, r);
            if (ok) v[s] = value_at(c, oc, k, ((size_t)s * (size_t)f->P + (size_t)p) * (size_t)f->R + (size_t)r);
            ok = ok && !isnan(v[s]);
        }
        if (!ok) continue;
        for (int s = 0; s < S; s++) {
            int ahead = 0, tied = 0;
            for (int t = 0; t < S; t++) {
                if (v[t] == v[s]) tied++;
                else if (oc->lower_is_better ? v[t] < v[s] : v[t] > v[s]) ahead++;
            }
            for (int i = ahead; i < ahead + tied; i++) in_draw[s * S + i] += 1.0 / tied;
        }
        in++;
    }
    for (int s = 0; s < S; s++)
        for (int i = 0; i < S; i++) {
            double *t = g->ranks + outcomes_index(g, k, o, s, p) * (size_t)S + (size_t)i;
            *t = draws ? *t / draws : NAN;
        }
    g->rank_draws[outcomes_index(g, k, o, 0, p)] = draws;
}

/* The outcomes at day k. */
static void compute_day(outcome_grid *g, columns *c, int k, double *a, double *b, int *ra, int *rb, scratch *sc)
{
    const result_file *f = g->f;
    const int base = f->baseline;
    char words[128];
    for (int o = 0; o < g->n_out; o++) {
        const sim_outcome *oc = &g->out[o];
        if (!g->avail[o] || oc->kind == SIM_OUTCOME_FIRST_DAY) continue;
        for (int s = 0; s < f->S; s++)
            for (int p = 0; p < f->P; p++) {
                outcome_cell *cell = outcomes_cell(g, k, o, s, p);
                size_t run0 = ((size_t)s * (size_t)f->P + (size_t)p) * (size_t)f->R;
                size_t base0 = ((size_t)base * (size_t)f->P + (size_t)p) * (size_t)f->R;
                int n = 0, undefined = 0;
                cell->present = 1;
                cell->d = stats_none(0);
                if (g->clipped[k][0]) add_note(cell, "requested %s clipped to %d", g->clipped[k], (int)g->days[k]);
                if (oc->kind == SIM_OUTCOME_PER_UNIT) {
                    if (s == base) {
                        cell->present = 0;
                        continue;
                    }
                    const double *cost = c->at[obs_slot(c, oc->observable)] + (size_t)k * c->runs;
                    const double *gain = c->at[obs_slot(c, oc->of)] + (size_t)k * c->runs;
                    for (int r = 0; r < f->R; r++)
                        if (result_file_done(f, s, p, r) && result_file_done(f, base, p, r)) {
                            a[n] = cost[run0 + (size_t)r] - cost[base0 + (size_t)r];
                            b[n] = gain[run0 + (size_t)r] - gain[base0 + (size_t)r];
                            n++;
                        }
                    stats_ratio_why why;
                    cell->v = stats_ratio_ci(a, b, n, &why);
                    outcomes_words(oc->of, words, sizeof words);
                    if (why == STATS_RATIO_NO_GAIN) add_note(cell, "no additional %s", words);
                    if (why == STATS_RATIO_NOT_SIGNIFICANT)
                        add_note(cell, "gain in %s not significant: no interval", words);
                    if (n == 0) add_note(cell, "no completed pairs");
                    else if (n == 1 && why == STATS_RATIO_OK) add_note(cell, "n=1");
                    continue;
                }
                for (int r = 0; r < f->R; r++)
                    if (result_file_done(f, s, p, r)) {
                        a[n] = value_at(c, oc, k, run0 + (size_t)r);
                        undefined |= isnan(a[n]);
                        ra[n] = r;
                        n++;
                    }
                if (undefined) {
                    cell->v = stats_none(0);
                    add_note(cell, "undefined: no %s in some runs", oc->of);
                    continue;
                }
                cell->v = stats_mean_ci(a, n);
                if (n == 0) add_note(cell, "no completed runs");
                else if (n == 1) add_note(cell, "n=1");
                int nb = 0;
                if (s != base) {
                    for (int r = 0; r < f->R; r++)
                        if (result_file_done(f, s, p, r) && result_file_done(f, base, p, r)) {
                            b[nb] = value_at(c, oc, k, run0 + (size_t)r) - value_at(c, oc, k, base0 + (size_t)r);
                            rb[nb++] = r;
                        }
                    cell->d = stats_mean_ci(b, nb);
                    if (nb == 0) add_note(cell, "no pairs with the baseline");
                    else if (nb == 1 && cell->v.n != 1) add_note(cell, "paired n=1");
                }
                if (g->unc)
                    compute_uncertain(g, oc, outcomes_unc(g, k, o, s, p), a, ra, n, b, rb, nb,
                                      s != base && f->S > 1, sc);
            }
        if (g->ranked && (oc->kind == SIM_OUTCOME_VALUE || oc->kind == SIM_OUTCOME_SHARE))
            for (int p = 0; p < f->P; p++) compute_ranks(g, c, oc, k, o, p);
    }
}

/* FIRST_DAY outcome o, from the per-run days. */
static void compute_first_day(outcome_grid *g, columns *c, int o, double *a, double *b)
{
    const result_file *f = g->f;
    const int base = f->baseline, last = f->days[f->T - 1]; /* the last stored day */
    for (int s = 0; s < f->S; s++)
        for (int p = 0; p < f->P; p++) {
            outcome_cell *cell = outcomes_cell(g, 0, o, s, p);
            const double *x = c->first[o] + ((size_t)s * (size_t)f->P + (size_t)p) * (size_t)f->R;
            const double *y = c->first[o] + ((size_t)base * (size_t)f->P + (size_t)p) * (size_t)f->R;
            int n = 0, unreached = 0;
            cell->present = 1;
            for (int r = 0; r < f->R; r++)
                if (result_file_done(f, s, p, r)) {
                    unreached += isnan(x[r]);
                    a[n++] = x[r];
                }
            if (unreached) {
                cell->v = stats_none(n);
                add_note(cell, "not reached in %d of %d by day %d", unreached, n, last);
            } else {
                cell->v = stats_mean_ci(a, n);
                if (n == 0) add_note(cell, "no completed runs");
                else if (n == 1) add_note(cell, "n=1");
            }
            if (f->T != f->last_day + 1) {
                char kept[64];
                add_note(cell, "resolution: the file keeps %s", result_file_days_kept(f, kept, sizeof kept));
            }
            cell->d = stats_none(0);
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
                cell->d = stats_none(pairs);
                add_note(cell, "difference: not reached in %d of %d pairs", either, pairs);
            } else {
                cell->d = stats_mean_ci(b, pairs);
                if (pairs == 0) add_note(cell, "no pairs with the baseline");
            }
        }
}

int outcomes_compute(outcome_grid *g, result_file *f, const int32_t *days, int n_days, sim_error *err)
{
    memset(g, 0, sizeof *g);
    g->f = f;
    g->out = f->model->outcomes;
    g->n_out = f->model->n_outcomes;
    resolve_days(g, days, n_days);
    g->avail = calloc((size_t)g->n_out + 1, sizeof *g->avail);
    g->lacks = calloc((size_t)g->n_out + 1, sizeof *g->lacks);
    const size_t n_cells = (size_t)g->n_days * (size_t)(g->n_out ? g->n_out : 1) * (size_t)f->S * (size_t)f->P;
    g->cells = calloc(n_cells, sizeof *g->cells);
    double *a = malloc((size_t)f->R * sizeof *a), *b = malloc((size_t)f->R * sizeof *b);
    int *ra = malloc((size_t)f->R * sizeof *ra), *rb = malloc((size_t)f->R * sizeof *rb);
    scratch sc = {0};
    int rc = !g->avail || !g->lacks || !g->cells || !a || !b || !ra || !rb ? no_memory(err) : SIM_OK;
    if (!rc && f->n_unc > 0) {
        /* parameter uncertainty: its statistics, and ranks among few enough scenarios */
        g->unc = calloc(n_cells, sizeof *g->unc);
        g->ranked = f->S >= 2 && f->S <= OUTCOMES_MAX_RANKED;
        g->ranks = g->ranked ? calloc(n_cells * (size_t)f->S, sizeof *g->ranks) : NULL;
        g->rank_draws = g->ranked ? calloc(n_cells, sizeof *g->rank_draws) : NULL;
        sc.x = malloc((size_t)f->R * sizeof *sc.x);
        sc.means = malloc((size_t)f->R * sizeof *sc.means);
        sc.start = malloc(((size_t)f->R + 1) * sizeof *sc.start);
        if (!g->unc || (g->ranked && (!g->ranks || !g->rank_draws)) || !sc.x || !sc.means || !sc.start)
            rc = no_memory(err);
    }
    columns c;
    memset(&c, 0, sizeof c);
    for (int o = 0; !rc && o < g->n_out; o++) {
        const sim_outcome *oc = &g->out[o];
        int x = result_file_observable(f, oc->observable), y = oc->of ? result_file_observable(f, oc->of) : -2;
        if (x < 0 || !f->has[x]) g->lacks[o] = oc->observable;
        else if (y != -2 && (y < 0 || !f->has[y])) g->lacks[o] = oc->of;
        g->avail[o] = !g->lacks[o] && (oc->kind != SIM_OUTCOME_PER_UNIT || f->S >= 2);
    }
    if (!rc && g->n_out) rc = read_columns(g, f, &c, err);
    for (int k = 0; !rc && k < g->n_days; k++) compute_day(g, &c, k, a, b, ra, rb, &sc);
    for (int o = 0; !rc && o < g->n_out; o++)
        if (g->out[o].kind == SIM_OUTCOME_FIRST_DAY && g->avail[o]) compute_first_day(g, &c, o, a, b);
    columns_free(&c, g->n_out);
    free(a);
    free(b);
    free(ra);
    free(rb);
    free(sc.x);
    free(sc.means);
    free(sc.start);
    return rc;
}

void outcomes_free(outcome_grid *g)
{
    free(g->avail);
    free(g->lacks);
    free(g->cells);
    g->lacks = NULL;
    free(g->unc);
    free(g->ranks);
    free(g->rank_draws);
    g->avail = NULL;
    g->cells = NULL;
    g->unc = NULL;
    g->ranks = NULL;
    g->rank_draws = NULL;
}
