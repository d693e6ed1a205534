/* contagion.c: adoption flags and adopted-neighbour counts (see contagion.h). */
#include "contagion.h"
#include "parallel.h"

#include <stdlib.h>
#include <string.h>

const sim_outcome contagion_outcomes[CONTAGION_N_OUTCOMES] = {
    {"adopters", "Adopters", SIM_OUTCOME_VALUE, "adopters", NULL, 0, "agents", 1, NULL, 0},
    {"adopted_share", "Adopted share", SIM_OUTCOME_VALUE, "adopted_share", NULL, 0, "1", 3, NULL, 0},
    {"days_to_50pct_adopted", "Days to 50% adopted", SIM_OUTCOME_FIRST_DAY, "adopted_share", NULL, 0.5, "days", 1,
     "first day on which at least half the agents had adopted", 1},
};

int contagion_alloc(const sim_network *net, contagion_kernel kernel, contagion **out, sim_error *err)
{
    contagion *c = calloc(1, sizeof *c);
    if (!c) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    c->n = net->n;
    c->kernel = kernel;
    c->adopted = calloc((size_t)net->n, 1);
    c->fresh = calloc((size_t)net->n, 1);
    c->day = malloc((size_t)net->n * sizeof *c->day);
    int need_count = kernel == CONTAGION_PUSH && !net->complete;
    if (need_count) c->count = calloc((size_t)net->n, sizeof *c->count);
    if (!c->adopted || !c->fresh || !c->day || (need_count && !c->count)) {
        contagion_free(c);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL,
                             "out of memory for the adoption state of %d agents", (int)net->n);
    }
    contagion_reset(c);
    *out = c;
    return SIM_OK;
}

void contagion_free(contagion *c)
{
    if (!c) return;
    free(c->adopted);
    free(c->fresh);
    free(c->count);
    free(c->day);
    free(c);
}

void contagion_reset(contagion *c)
{
    memset(c->adopted, 0, (size_t)c->n);
    memset(c->fresh, 0, (size_t)c->n);
    if (c->count) memset(c->count, 0, (size_t)c->n * sizeof *c->count);
    for (int32_t i = 0; i < c->n; i++) c->day[i] = -1;
    c->total = 0;
}

void contagion_mark_random(contagion *c, rng_key key, uint32_t purpose, int32_t k)
{
    const int32_t n = c->n;
    for (int32_t j = n - k; j < n; j++) {
        /* t uniform on 0..j (the 53-bit uniform times j + 1 never reaches j + 1) */
        int32_t t = (int32_t)(rng_uniform(key, (uint32_t)j, 0, purpose) * ((double)j + 1));
        if (c->fresh[t]) c->fresh[j] = 1;
        else c->fresh[t] = 1;
    }
}

contagion_kernel contagion_kernel_from_name(const char *name)
{
    return strcmp(name, "pull") == 0 ? CONTAGION_PULL : CONTAGION_PUSH;
}

/* Agent i, marked fresh, becomes an adopter on day `day`. */
static inline void commit_one(contagion *c, int32_t i, int32_t day)
{
    c->adopted[i] = 1;
    c->fresh[i] = 0;
    c->day[i] = day;
}

int64_t contagion_commit(contagion *c, const sim_network *net, int32_t day)
{
    int64_t added = 0;
    const int32_t n = c->n;
    if (c->total == n) return 0;
    const uint8_t *fresh = c->fresh;
    int32_t *count = c->count;
    const int64_t *row = net->row;
    const int32_t *col = net->col;
    if (n < sim_parallel_min()) {
        /* Small networks: no OpenMP region (sim/parallel.h) and no atomics,
         * which cost a locked add per tie of each new adopter. */
        for (int32_t i = 0; i < n; i++) {
            if (!fresh[i]) continue;
            commit_one(c, i, day);
            added++;
            if (count)
                for (int64_t e = row[i]; e < row[i + 1]; e++) count[col[e]]++;
        }
    } else if (!count) {
        #pragma omp parallel for schedule(static) reduction(+ : added)
        for (int32_t i = 0; i < n; i++) {
            if (fresh[i]) {
                commit_one(c, i, day);
                added++;
            }
        }
    } else {
        /* Integer increments commute, so the counts are the same for any
         * thread count and order; atomics only because two new adopters may
         * share a neighbour. */
        #pragma omp parallel for schedule(dynamic, 4096) reduction(+ : added)
        for (int32_t i = 0; i < n; i++) {
            if (!fresh[i]) continue;
            commit_one(c, i, day);
            added++;
            for (int64_t e = row[i]; e < row[i + 1]; e++) {
                #pragma omp atomic
                count[col[e]]++;
            }
        }
    }
    c->total += added;
    return added;
}

int64_t contagion_commit_list(contagion *c, const sim_network *net, int32_t day, const int32_t *agents, int32_t k)
{
    int32_t *count = c->count;
    const int64_t *row = net->row;
    const int32_t *col = net->col;
    for (int32_t j = 0; j < k; j++) {
        const int32_t i = agents[j];
        commit_one(c, i, day);
        if (count)
            for (int64_t e = row[i]; e < row[i + 1]; e++) count[col[e]]++;
    }
    c->total += k;
    return k;
}

void contagion_adopted_values(const contagion *c, double *out)
{
    for (int32_t i = 0; i < c->n; i++) out[i] = c->adopted[i];
}

void contagion_day_values(const contagion *c, double *out)
{
    for (int32_t i = 0; i < c->n; i++) out[i] = c->day[i];
}
