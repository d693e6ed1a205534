/* sweep.c: the sweep designs and their table (see sweep.h). */
#include "sweep.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>

#include "rng.h"

/* Purpose words of the sweep's random streams (disjoint from models' and the
 * network builder's). */
#define RNG_PURPOSE_SWEEP (RNG_PURPOSE_ENGINE + 0x100u)
#define RNG_PURPOSE_MORRIS (RNG_PURPOSE_SWEEP + 1u)

void sweep_grid(int n_params, const int *n_values, const double *const *values, double *out)
{
    int total = 1;
    for (int j = 0; j < n_params; j++) total *= n_values[j];
    for (int i = 0; i < total; i++) {
        int rest = i;
        for (int j = n_params - 1; j >= 0; j--) {
            out[(size_t)i * (size_t)n_params + (size_t)j] = values[j][rest % n_values[j]];
            rest /= n_values[j];
        }
    }
}

int sweep_latin_hypercube(int n_params, int n_points, uint32_t seed, double *out)
{
    gsl_rng *r = rng_gsl_alloc();
    size_t *strata = malloc((size_t)n_points * sizeof *strata);
    if (!r || !strata) {
        if (r) gsl_rng_free(r);
        free(strata);
        return -1;
    }
    for (int j = 0; j < n_params; j++) {
        rng_gsl_stream(r, rng_key_make(seed, 0), (uint32_t)j, 0, RNG_PURPOSE_SWEEP);
        for (int i = 0; i < n_points; i++) strata[i] = (size_t)i;
        gsl_ran_shuffle(r, strata, (size_t)n_points, sizeof *strata);
        for (int i = 0; i < n_points; i++)
            out[(size_t)i * (size_t)n_params + (size_t)j] =
                ((double)strata[i] + gsl_rng_uniform(r)) / (double)n_points;
    }
    free(strata);
    gsl_rng_free(r);
    return 0;
}

int sweep_sobol(int n_params, int n_points, double *out)
{
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)n_params);
    if (!q) return -1;
    for (int i = 0; i < n_points; i++) gsl_qrng_get(q, out + (size_t)i * (size_t)n_params);
    gsl_qrng_free(q);
    return 0;
}

int sweep_morris(int k, int r, int p, uint32_t seed, double *out)
{
    gsl_rng *g = rng_gsl_alloc();
    size_t *order = malloc((size_t)k * sizeof *order);
    int *level = malloc((size_t)k * sizeof *level), *dir = malloc((size_t)k * sizeof *dir);
    if (!g || !order || !level || !dir) {
        if (g) gsl_rng_free(g);
        free(order);
        free(level);
        free(dir);
        return -1;
    }
    const int half = p / 2; /* delta = half grid steps */
    const double step = 1.0 / (double)(p - 1);
    for (int t = 0; t < r; t++) {
        /* trajectory t's own stream: the design of t does not depend on r */
        rng_gsl_stream(g, rng_key_make(seed, 0), (uint32_t)t, 0, RNG_PURPOSE_MORRIS);
        for (int j = 0; j < k; j++) {
            int base = (int)gsl_rng_uniform_int(g, (unsigned long)half); /* 0 .. p/2 - 1 */
            dir[j] = gsl_rng_uniform(g) < 0.5 ? 1 : -1;
            level[j] = dir[j] > 0 ? base : base + half;
            order[j] = (size_t)j;
        }
        gsl_ran_shuffle(g, order, (size_t)k, sizeof *order);
        double *row = out + (size_t)t * (size_t)(k + 1) * (size_t)k;
        for (int j = 0; j < k; j++) row[j] = level[j] * step;
        for (int m = 1; m <= k; m++) {
            double *prev = row + (size_t)(m - 1) * (size_t)k, *cur = prev + k;
            memcpy(cur, prev, (size_t)k * sizeof *cur);
            int j = (int)order[m - 1];
            level[j] += dir[j] * half;
            cur[j] = level[j] * step;
        }
    }
    gsl_rng_free(g);
    free(order);
    free(level);
    free(dir);
    return 0;
}

int sweep_saltelli(int k, int n, double *out)
{
    const size_t K = (size_t)k, N = (size_t)n;
    double *ab = malloc(2 * K * N * sizeof *ab);
    if (!ab || sweep_sobol(2 * k, n, ab)) {
        free(ab);
        return -1;
    }
    for (size_t i = 0; i < N; i++) {
        const double *a = ab + i * 2 * K, *b = a + K;
        memcpy(out + i * K, a, K * sizeof *out);            /* A */
        memcpy(out + (N + i) * K, b, K * sizeof *out);      /* B */
        for (size_t j = 0; j < K; j++) {                    /* AB_j */
            double *row = out + ((2 + j) * N + i) * K;
            memcpy(row, a, K * sizeof *out);
            row[j] = b[j];
        }
    }
    free(ab);
    return 0;
}

/* ---- the table ------------------------------------------------------------------ */

static long long count_grid(const sweep_settings *s)
{
    long long total = 1;
    for (int j = 0; j < s->k; j++) {
        total *= s->n_values[j];
        if (total > 2000000000LL) return total; /* the caller's cap refuses it */
    }
    return total;
}

static long long count_list(const sweep_settings *s)
{
    return s->k > 0 ? s->n_values[0] : 0;
}

static long long count_points(const sweep_settings *s)
{
    return s->points;
}

static long long count_morris(const sweep_settings *s)
{
    return (long long)s->trajectories * (s->k + 1);
}

static long long count_saltelli(const sweep_settings *s)
{
    return s->points * (s->k + 2);
}

static int gen_grid(const sweep_settings *s, double *out)
{
    sweep_grid(s->k, s->n_values, s->values, out);
    return 0;
}

static int gen_list(const sweep_settings *s, double *out)
{
    for (int i = 0; i < s->n_values[0]; i++)
        for (int j = 0; j < s->k; j++) out[(size_t)i * (size_t)s->k + (size_t)j] = s->values[j][i];
    return 0;
}

static int gen_lhs(const sweep_settings *s, double *out)
{
    return sweep_latin_hypercube(s->k, (int)s->points, s->seed, out);
}

static int gen_sobol(const sweep_settings *s, double *out)
{
    return sweep_sobol(s->k, (int)s->points, out);
}

static int gen_morris(const sweep_settings *s, double *out)
{
    return sweep_morris(s->k, s->trajectories, s->levels, s->seed, out);
}

static int gen_saltelli(const sweep_settings *s, double *out)
{
    return sweep_saltelli(s->k, (int)s->points, out);
}

const sweep_method sweep_methods[] = {
    {"grid", 0, 0, 1000, count_grid, gen_grid},
    {"list", 0, 0, 1000, count_list, gen_list},
    {"latin_hypercube", 1, SWEEP_OPT_POINTS, 1000, count_points, gen_lhs},
    {"sobol", 1, SWEEP_OPT_POINTS, SWEEP_SOBOL_MAX_PARAMS, count_points, gen_sobol},
    {"morris", 1, SWEEP_OPT_TRAJECTORIES | SWEEP_OPT_LEVELS, 1000, count_morris, gen_morris},
    {"saltelli", 1, SWEEP_OPT_POINTS, SWEEP_SALTELLI_MAX_PARAMS, count_saltelli, gen_saltelli},
    {NULL, 0, 0, 0, NULL, NULL}};

const sweep_method *sweep_method_find(const char *name)
{
    for (const sweep_method *m = sweep_methods; m->name; m++)
        if (!strcmp(m->name, name)) return m;
    return NULL;
}
