/* threshold.c: the threshold cascade model (Granovetter 1978, Watts 2002).
 *
 * Agent i adopts on the first day the adopted share of its neighbours at the
 * end of the previous day reaches its threshold theta_i; adoption is
 * permanent.  Thresholds are drawn once per replicate from
 * model.threshold.distribution.  Internally each threshold becomes the whole
 * number of adopted neighbours needed, ceil(theta_i * degree), so the daily
 * rule is an exact integer comparison.  "sequence" gives agent i a threshold
 * of i neighbours: Granovetter's 0, 1, ..., N-1 riot.
 *
 * Initial adopters (Watts's seeds): model.threshold.initial_adopters agents,
 * or round(initial_share x agents), chosen uniformly at random per replicate,
 * have adopted at day 0 whatever their threshold.  Agents whose threshold is
 * 0 or below adopt on day 1 in any case. */
#include "threshold.h"
#include "parallel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "contagion.h"

enum { THRESHOLD_DRAW = 1, THRESHOLD_DRAW_INITIAL = 2 };
/* In the order of the choices of model.threshold.distribution (the bound index). */
enum { DIST_NORMAL, DIST_UNIFORM, DIST_CONSTANT, DIST_SEQUENCE };

typedef struct threshold_state {
    contagion *c;
    int32_t *needed;  /* adopted neighbours agent i needs */
    /* bound from model.threshold.* */
    int dist;                 /* DIST_* */
    double mean, sd, low, high;
    int64_t initial_adopters;
    double initial_share;
    int kernel;               /* index into push|pull, a contagion_kernel */
    int32_t initial;  /* initial adopters chosen at random each replicate */
    int64_t new_today;
} threshold_state;

static const param_def threshold_params[] = {
    {"model.threshold.distribution", PARAM_ENUM, "", 0, 0, "normal",
     "normal|uniform|constant|sequence", 0,
     "how thresholds are drawn; sequence gives agent i a threshold of i adopted neighbours",
     PARAM_FIELD(threshold_state, dist)},
    {"model.threshold.mean", PARAM_DOUBLE, "1", -10, 10, "0.25", NULL, 0,
     "normal: mean threshold; constant: the threshold (share of neighbours)",
     PARAM_FIELD(threshold_state, mean)},
    {"model.threshold.sd", PARAM_DOUBLE, "1", 0, 10, "0.12", NULL, 0,
     "normal: standard deviation of thresholds", PARAM_FIELD(threshold_state, sd)},
    {"model.threshold.low", PARAM_DOUBLE, "1", -10, 10, "0", NULL, 0,
     "uniform: lowest threshold", PARAM_FIELD(threshold_state, low)},
    {"model.threshold.high", PARAM_DOUBLE, "1", -10, 10, "1", NULL, 0,
     "uniform: highest threshold", PARAM_FIELD(threshold_state, high)},
    {"model.threshold.initial_adopters", PARAM_INT, "agents", 0, 2000000000, "0", NULL, 0,
     "agents adopted at day 0, chosen uniformly at random per replicate (not with initial_share)",
     PARAM_FIELD(threshold_state, initial_adopters)},
    {"model.threshold.initial_share", PARAM_DOUBLE, "1", 0, 1, "0", NULL, 0,
     "share of agents adopted at day 0: round(share x agents) chosen uniformly at random per "
     "replicate (not with initial_adopters)", PARAM_FIELD(threshold_state, initial_share)},
    {"model.threshold.kernel", PARAM_ENUM, "", 0, 0, "push", "push|pull", 0,
     "push: new adopters update neighbour counts (fast); pull: full scan each day (reference)",
     PARAM_FIELD(threshold_state, kernel)},
    PARAM_END};
_Static_assert(CONTAGION_PUSH == 0 && CONTAGION_PULL == 1, "model.threshold.kernel's choices are push|pull");

static const sim_observable threshold_observables[] = {
    {"adopters", "agents who have adopted", "agents", 1, 0, 0},
    {"new_adopters", "agents who adopted on this day", "agents", 1, 0, 0},
    {"adopted_share", "share of agents who have adopted", "1", 0, 0, 0},
};

/* 1 if value row b was given after row a (a --set after the file, or
 * further down the same file): the key an error about both should name. */
static int given_later(const param_value *a, const param_value *b)
{
    if (a->source != b->source) return b->source > a->source;
    return b->line > a->line || (b->line == a->line && b->column > a->column);
}

/* The number of initial adopters on a network of n agents (p: the bound
 * parameters of scn), or an error at the key that asks for an impossible one. */
static int threshold_initial_count(const scenario *scn, const threshold_state *p, long long n, int32_t *out,
                                   sim_error *err)
{
    const char *count_key = "model.threshold.initial_adopters", *share_key = "model.threshold.initial_share";
    long long count = p->initial_adopters;
    double share = p->initial_share;
    if (count > 0 && share > 0) {
        const param_value *c = scenario_find(scn, count_key), *s = scenario_find(scn, share_key);
        const char *later = given_later(c, s) ? share_key : count_key;
        const char *other = later == share_key ? count_key : share_key;
        return scenario_error(scn, later, err,
                              "%s is given too: set the initial adopters as a number "
                              "(initial_adopters) or as a share (initial_share), not both", other);
    }
    if (count > n)
        return scenario_error(scn, count_key, err, "%lld initial adopters, but the network has %lld agents",
                              count, n);
    if (share > 0) {
        count = (long long)floor(share * (double)n + 0.5);
        if (count == 0)
            return scenario_error(scn, share_key, err,
                                  "%g of %lld agents rounds to no initial adopter: use at least %g",
                                  share, n, 0.5 / (double)n);
    }
    *out = (int32_t)count;
    return SIM_OK;
}

static int threshold_validate(const scenario *scn, sim_error *err)
{
    if (strcmp(scenario_string(scn, "model.name"), "threshold") != 0) return SIM_OK;
    threshold_state p = {0};
    scenario_bind(scn, threshold_params, &p);
    if (p.low > p.high)
        return scenario_error(scn, "model.threshold.low", err,
                              "must not exceed model.threshold.high (%g)", p.high);
    /* Networks read from a file are counted when built (threshold_alloc). */
    const char *type = scenario_string(scn, "network.type");
    long long n = strcmp(type, "edgelist") == 0 || strcmp(type, "orgchart") == 0
                      ? 2000000000LL : scenario_int(scn, "network.agents");
    int32_t initial;
    return threshold_initial_count(scn, &p, n, &initial, err);
}

static int threshold_alloc(const sim_context *ctx, void **state, sim_error *err)
{
    threshold_state *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scenario_bind(ctx->scn, threshold_params, s);
    const contagion_kernel k = (contagion_kernel)s->kernel;
    int rc = threshold_initial_count(ctx->scn, s, ctx->net->n, &s->initial, err);
    if (rc) {
        free(s);
        return rc;
    }
    s->needed = malloc((size_t)ctx->net->n * sizeof *s->needed);
    rc = s->needed ? contagion_alloc(ctx->net, k, &s->c, err)
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
    if (s->initial > 0) {
        contagion_mark_random(s->c, ctx->key, THRESHOLD_DRAW_INITIAL, s->initial);
        s->new_today = contagion_commit(s->c, net, 0);
    }
}

void threshold_set_needed(void *state, int32_t i, int32_t count)
{
    threshold_state *s = state;
    s->needed[i] = count;
}

static void threshold_step(void *state, const sim_context *ctx, int32_t day)
{
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
    s->new_today = contagion_commit(c, net, day);
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
    {"adopted", "1 if the agent had adopted by the last day", "1", 1, 0},
    {"adoption_day", "day the agent adopted (0: an initial adopter), -1 if it never did", "days", 1, 0},
};

/* The final per-agent table: who adopted, and when. */
static void threshold_agent_values(const void *state, const sim_context *ctx, int field, double *out)
{
    (void)ctx;
    const contagion *c = ((const threshold_state *)state)->c;
    if (field == 0) contagion_adopted_values(c, out);
    else contagion_day_values(c, out);
}

/* Per agent: the threshold (adopted neighbours needed), the contagion's
 * adopted and fresh flags and, for the push kernel (not on the complete
 * graph), its count of adopted neighbours. */
static size_t threshold_bytes_per_agent(const scenario *scn)
{
    const threshold_state *s = NULL;
    const contagion *c = NULL;
    int count = strcmp(scenario_string(scn, "model.threshold.kernel"), "push") == 0 &&
                strcmp(scenario_string(scn, "network.type"), "complete") != 0;
    return sizeof *s->needed + sizeof *c->adopted + sizeof *c->fresh + (count ? sizeof *c->count : 0);
}

const sim_model_type threshold_model = {
    .name = "threshold",
    .summary = "threshold cascade: adopt once the adopted share of neighbours reaches a threshold",
    .params = threshold_params,
    .observables = threshold_observables,
    .n_observables = 3,
    .validate = threshold_validate,
    .alloc = threshold_alloc,
    .free = threshold_free,
    .init = threshold_init,
    .step = threshold_step,
    .observe = threshold_observe,
    .agent_fields = threshold_agent_fields,
    .n_agent_fields = 2,
    .agent_values = threshold_agent_values,
    .bytes_per_agent = threshold_bytes_per_agent,
    .outcomes = contagion_outcomes,
    .n_outcomes = CONTAGION_N_OUTCOMES,
};
