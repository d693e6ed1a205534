/* bass.c: the Bass diffusion model on a network (verification model).
 *
 * Each day every non-adopter adopts with probability
 *     min(1, p + q * (adopted neighbours / neighbours)),
 * independently, from the state at the end of the previous day.  On the
 * complete graph the mean adopted share follows the discrete map
 *     F(t+1) = F(t) + (p + q F(t)) (1 - F(t)),
 * which tests/test_bass.c checks.  Adoption is permanent. */
#include "bass.h"
#include "parallel.h"

#include <math.h>
#include <stdlib.h>

#include "contagion.h"

enum { BASS_DRAW_ADOPT = 1, BASS_DRAW_INITIAL = 2 };

typedef struct bass_state {
    contagion *c;
    double p, q, initial_share;
    int64_t new_today;
} bass_state;

static const param_def bass_params[] = {
    {"model.bass.p", PARAM_DOUBLE, "1/day", 0, 1, "0.01", NULL, 0,
     "innovation: probability per day that a non-adopter adopts on their own"},
    {"model.bass.q", PARAM_DOUBLE, "1/day", 0, 1, "0.3", NULL, 0,
     "imitation: added probability per day when all of an agent's neighbours have adopted"},
    {"model.bass.initial_share", PARAM_DOUBLE, "1", 0, 1, "0", NULL, 0,
     "probability that an agent has adopted at day 0"},
    {"model.bass.kernel", PARAM_ENUM, "", 0, 0, "push", "push|pull", 0,
     "push: new adopters update neighbour counts (fast); pull: full scan each day (reference)"},
    PARAM_END};

static const sim_observable bass_observables[] = {
    {"adopters", "agents who have adopted", "agents", 1, 0},
    {"new_adopters", "agents who adopted on this day", "agents", 1, 0},
    {"adopted_share", "share of agents who have adopted", "1", 0, 0},
};

static int bass_alloc(const sim_context *ctx, void **state, sim_error *err)
{
    bass_state *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    s->p = scenario_double(ctx->scn, "model.bass.p");
    s->q = scenario_double(ctx->scn, "model.bass.q");
    s->initial_share = scenario_double(ctx->scn, "model.bass.initial_share");
    contagion_kernel k = contagion_kernel_from_name(scenario_string(ctx->scn, "model.bass.kernel"));
    int rc = contagion_alloc(ctx->net, k, &s->c, err);
    if (rc) {
        free(s);
        return rc;
    }
    *state = s;
    return SIM_OK;
}

static void bass_free(void *state)
{
    bass_state *s = state;
    if (!s) return;
    contagion_free(s->c);
    free(s);
}

static void bass_init(void *state, const sim_context *ctx)
{
    bass_state *s = state;
    contagion *c = s->c;
    contagion_reset(c);
    const double f0 = s->initial_share;
    if (f0 > 0) {
        #pragma omp parallel for schedule(static) if (c->n >= SIM_PARALLEL_MIN)
        for (int32_t i = 0; i < c->n; i++)
            c->fresh[i] = rng_uniform(ctx->key, (uint32_t)i, 0, BASS_DRAW_INITIAL) < f0;
        s->new_today = contagion_commit(c, ctx->net);
    } else {
        s->new_today = 0;
    }
}

static void bass_step(void *state, const sim_context *ctx, int32_t day)
{
    bass_state *s = state;
    contagion *c = s->c;
    const sim_network *net = ctx->net;
    const double p = s->p, q = s->q;
    const rng_key key = ctx->key;
    if (c->total == c->n) { /* everyone has adopted: nothing can change */
        s->new_today = 0;
        return;
    }
    /* Agents in groups of four share one Philox call (rng_words_of_four). */
    const int32_t n = c->n, groups = (n + 3) / 4;
    #pragma omp parallel for schedule(dynamic, 1024) if (n >= SIM_PARALLEL_MIN)
    for (int32_t g = 0; g < groups; g++) {
        int32_t first = 4 * g, last = first + 4 < n ? first + 4 : n;
        uint32_t w[4];
        int drawn = 0;
        for (int32_t i = first; i < last; i++) {
            if (c->adopted[i]) continue;
            if (!drawn) {
                rng_words_of_four(key, (uint32_t)first, (uint32_t)day, BASS_DRAW_ADOPT, w);
                drawn = 1;
            }
            int64_t deg = network_degree(net, i);
            double share = deg > 0 ? (double)contagion_adopted_neighbours(c, net, i) / (double)deg : 0.0;
            c->fresh[i] = rng_u01_from_word(w[i - first]) < p + q * share;
        }
    }
    s->new_today = contagion_commit(c, net);
}

static void bass_observe(const void *state, const sim_context *ctx, double *values,
                          double *by_generation, double *by_level)
{
    (void)by_generation;
    (void)by_level;
    const bass_state *s = state;
    values[0] = (double)s->c->total;
    values[1] = (double)s->new_today;
    values[2] = (double)s->c->total / (double)ctx->net->n;
}

static const sim_agent_field bass_agent_fields[] = {
    {"adopted", "1 if the agent had adopted by the last day", "1", 1},
};

/* The final per-agent table: who adopted. */
static void bass_agent_values(const void *state, const sim_context *ctx, int field, double *out)
{
    (void)ctx;
    (void)field;
    contagion_adopted_values(((const bass_state *)state)->c, out);
}

const sim_model_type bass_model = {
    "bass", "Bass diffusion: adopt with probability p + q * adopted share of neighbours",
    bass_params, bass_observables, 3,
    NULL, bass_alloc, bass_free, bass_init, bass_step, bass_observe, bass_agent_fields, 1, bass_agent_values,
    contagion_outcomes, CONTAGION_N_OUTCOMES};
