/* threshold.c: the threshold cascade model (Granovetter 1978, Watts 2002).
 *
 * Agent i adopts on the first day the adopted share of its neighbours at the
 * end of the previous day reaches its threshold theta_i; adoption is
 * permanent.  Thresholds are drawn once per replicate from
 * model.threshold.distribution.  Internally each threshold becomes the whole
 * number of adopted neighbours needed, ceil(theta_i * degree), so the daily
 * rule is an exact integer comparison.  "sequence" gives agent i a threshold
 * of i neighbours: Granovetter's 0, 1, ..., N-1 riot. */
#include "threshold.h"
#include "parallel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "contagion.h"

enum { THRESHOLD_DRAW = 1 };
enum { DIST_NORMAL, DIST_UNIFORM, DIST_CONSTANT, DIST_SEQUENCE };

typedef struct threshold_state {
    contagion *c;
    int32_t *needed;  /* adopted neighbours agent i needs */
    int dist;
    double mean, sd, low, high;
    int64_t new_today;
} threshold_state;

static const param_def threshold_params[] = {
    {"model.threshold.distribution", PARAM_ENUM, "", 0, 0, "normal",
     "normal|uniform|constant|sequence", 0,
     "how thresholds are drawn; sequence gives agent i a threshold of i adopted neighbours"},
    {"model.threshold.mean", PARAM_DOUBLE, "1", -10, 10, "0.25", NULL, 0,
     "normal: mean threshold; constant: the threshold (share of neighbours)"},
    {"model.threshold.sd", PARAM_DOUBLE, "1", 0, 10, "0.12", NULL, 0,
     "normal: standard deviation of thresholds"},
    {"model.threshold.low", PARAM_DOUBLE, "1", -10, 10, "0", NULL, 0,
     "uniform: lowest threshold"},
    {"model.threshold.high", PARAM_DOUBLE, "1", -10, 10, "1", NULL, 0,
     "uniform: highest threshold"},
    {"model.threshold.kernel", PARAM_ENUM, "", 0, 0, "push", "push|pull", 0,
     "push: new adopters update neighbour counts (fast); pull: full scan each day (reference)"},
    PARAM_END};

static const sim_observable threshold_observables[] = {
    {"adopters", "agents who have adopted", "agents", 1, 0},
    {"new_adopters", "agents who adopted on this day", "agents", 1, 0},
    {"adopted_share", "share of agents who have adopted", "1", 0, 0},
};

static int threshold_validate(const scenario *scn, sim_error *err)
{
    if (strcmp(scenario_string(scn, "model.name"), "threshold") != 0) return SIM_OK;
    if (scenario_double(scn, "model.threshold.low") > scenario_double(scn, "model.threshold.high"))
        return scenario_error(scn, "model.threshold.low", err,
                              "must not exceed model.threshold.high (%g)",
                              scenario_double(scn, "model.threshold.high"));
    return SIM_OK;
}

static int threshold_alloc(const sim_context *ctx, void **state, sim_error *err)
{
    threshold_state *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    const char *d = scenario_string(ctx->scn, "model.threshold.distribution");
    s->dist = !strcmp(d, "uniform") ? DIST_UNIFORM : !strcmp(d, "constant") ? DIST_CONSTANT
            : !strcmp(d, "sequence") ? DIST_SEQUENCE : DIST_NORMAL;
    s->mean = scenario_double(ctx->scn, "model.threshold.mean");
    s->sd = scenario_double(ctx->scn, "model.threshold.sd");
    s->low = scenario_double(ctx->scn, "model.threshold.low");
    s->high = scenario_double(ctx->scn, "model.threshold.high");
    contagion_kernel k = contagion_kernel_from_name(scenario_string(ctx->scn, "model.threshold.kernel"));
    s->needed = malloc((size_t)ctx->net->n * sizeof *s->needed);
    int rc = s->needed ? contagion_alloc(ctx->net, k, &s->c, err)
                       : sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (rc) {
        free(s->needed);
        free(s);
        return rc;
    }
    *state = s;
    return SIM_OK;
}

static void threshold_free(void *state)
{
    threshold_state *s = state;
    if (!s) return;
    contagion_free(s->c);
    free(s->needed);
    free(s);
}

/* Whole number of adopted neighbours that reaches a share theta of deg. */
static int32_t needed_count(double theta, int64_t deg)
{
    if (theta <= 0) return 0;
    if (deg == 0 || theta > 1) return INT32_MAX; /* never */
    double k = ceil(theta * (double)deg);
    return (int32_t)k;
}

static void threshold_init(void *state, const sim_context *ctx)
{
    threshold_state *s = state;
    contagion_reset(s->c);
    s->new_today = 0;
    const sim_network *net = ctx->net;
    #pragma omp parallel for schedule(static) if (net->n >= SIM_PARALLEL_MIN)
    for (int32_t i = 0; i < net->n; i++) {
        if (s->dist == DIST_SEQUENCE) {
            s->needed[i] = i;
            continue;
        }
        double u = rng_uniform(ctx->key, (uint32_t)i, 0, THRESHOLD_DRAW);
        double theta = s->dist == DIST_NORMAL  ? s->mean + s->sd * gsl_cdf_ugaussian_Pinv(u)
                     : s->dist == DIST_UNIFORM ? s->low + (s->high - s->low) * u
                                               : s->mean;
        s->needed[i] = needed_count(theta, network_degree(net, i));
    }
}

void threshold_set_needed(void *state, int32_t i, int32_t count)
{
    threshold_state *s = state;
    s->needed[i] = count;
}

static void threshold_step(void *state, const sim_context *ctx, int32_t day)
{
    (void)day;
    threshold_state *s = state;
    contagion *c = s->c;
    const sim_network *net = ctx->net;
    if (c->total == c->n) {
        s->new_today = 0;
        return;
    }
    #pragma omp parallel for schedule(dynamic, 4096) if (c->n >= SIM_PARALLEL_MIN)
    for (int32_t i = 0; i < c->n; i++) {
        if (c->adopted[i]) continue;
        c->fresh[i] = contagion_adopted_neighbours(c, net, i) >= s->needed[i];
    }
    s->new_today = contagion_commit(c, net);
}

static void threshold_observe(const void *state, const sim_context *ctx, double *values,
                          double *by_generation, double *by_level)
{
    (void)by_generation;
    (void)by_level;
    const threshold_state *s = state;
    values[0] = (double)s->c->total;
    values[1] = (double)s->new_today;
    values[2] = (double)s->c->total / (double)ctx->net->n;
}

static const sim_agent_field threshold_agent_fields[] = {
    {"adopted", "1 if the agent had adopted by the last day", "1", 1},
};

/* The final per-agent table: who adopted. */
static void threshold_agent_values(const void *state, const sim_context *ctx, int field, double *out)
{
    (void)ctx;
    (void)field;
    contagion_adopted_values(((const threshold_state *)state)->c, out);
}

const sim_model_type threshold_model = {
    "threshold", "threshold cascade: adopt once the adopted share of neighbours reaches a threshold",
    threshold_params, threshold_observables, 3,
    threshold_validate, threshold_alloc, threshold_free, threshold_init, threshold_step,
    threshold_observe, threshold_agent_fields, 1, threshold_agent_values, contagion_outcomes,
    CONTAGION_N_OUTCOMES};
