/* bass.c: the Bass diffusion model on a network (verification model).
 *
 * Each day every non-adopter adopts with probability
 *     min(1, p + q * (adopted neighbours / neighbours)),
 * independently, from the state at the end of the previous day.  On the
 * complete graph the mean adopted share follows the discrete map
 *     F(t+1) = F(t) + (p + q F(t)) (1 - F(t)),
 * which tests/test_bass.c checks.  Adoption is permanent.
 *
 * Each adoption also records its day and its cause, decided by the same
 * uniform draw u that decides the adoption: u < p is an external adoption
 * (innovation, the p term), p <= u < p + q * share an internal one
 * (imitation, the q term).  So P(external) = p and P(internal) = q * share
 * exactly (when p + q * share <= 1), and the adoptions are the same as
 * without the split.  Agents adopted at day 0 (initial_share) are neither. */
#include "bass.h"
#include "parallel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "contagion.h"

enum { BASS_DRAW_ADOPT = 1, BASS_DRAW_INITIAL = 2 };

/* Why an agent adopted. */
enum { BASS_NOT_ADOPTED = 0, BASS_INITIAL = 1, BASS_EXTERNAL = 2, BASS_INTERNAL = 3 };

typedef struct bass_state {
    contagion *c;
    uint8_t *cause;   /* BASS_* per agent (owned) */
    double p, q, initial_share;  /* bound from model.bass.* */
    int kernel;                  /* model.bass.kernel: index into push|pull, a contagion_kernel */
    int64_t new_today;
    int64_t external, internal; /* cumulative adoptions by cause */
    /* Below sim_parallel_min() agents only (else NULL): the non-adopters in
     * ascending order, n_open of them, and today's adopters (owned) */
    int32_t *open, *adopters;
    int32_t n_open;
} bass_state;

static const param_def bass_params[] = {
    {"model.bass.p", PARAM_DOUBLE, "1/day", 0, 1, "0.01", NULL, 0,
     "innovation: probability per day that a non-adopter adopts on their own", PARAM_FIELD(bass_state, p)},
    {"model.bass.q", PARAM_DOUBLE, "1/day", 0, 1, "0.3", NULL, 0,
     "imitation: added probability per day when all of an agent's neighbours have adopted",
     PARAM_FIELD(bass_state, q)},
    {"model.bass.initial_share", PARAM_DOUBLE, "1", 0, 1, "0", NULL, 0,
     "probability that an agent has adopted at day 0", PARAM_FIELD(bass_state, initial_share)},
    {"model.bass.kernel", PARAM_ENUM, "", 0, 0, "push", "push|pull", 0,
     "push: new adopters update neighbour counts (fast); pull: full scan each day (reference)",
     PARAM_FIELD(bass_state, kernel)},
    PARAM_END};
_Static_assert(CONTAGION_PUSH == 0 && CONTAGION_PULL == 1, "model.bass.kernel's choices are push|pull");

static const sim_observable bass_observables[] = {
    {"adopters", "agents who have adopted", "agents", 1, 0, 0},
    {"new_adopters", "agents who adopted on this day", "agents", 1, 0, 0},
    {"adopted_share", "share of agents who have adopted", "1", 0, 0, 0},
    {"external_adopters", "agents who have adopted on their own (innovation, the p term)", "agents", 1, 0, 0},
    {"internal_adopters", "agents who have adopted through their neighbours (imitation, the q term)",
     "agents", 1, 0, 0},
};

static int bass_alloc(const sim_context *ctx, void **state, sim_error *err)
{
    bass_state *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scenario_bind(ctx->scn, bass_params, s);
    const contagion_kernel k = (contagion_kernel)s->kernel;
    s->cause = malloc((size_t)ctx->net->n);
    int rc = s->cause ? contagion_alloc(ctx->net, k, &s->c, err)
                      : sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (!rc && ctx->net->n < sim_parallel_min()) {
        s->open = malloc((size_t)ctx->net->n * sizeof *s->open + 1);
        s->adopters = malloc((size_t)ctx->net->n * sizeof *s->adopters + 1);
        if (!s->open || !s->adopters) rc = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    if (rc) {
        contagion_free(s->c);
        free(s->open);
        free(s->adopters);
        free(s->cause);
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
    free(s->open);
    free(s->adopters);
    free(s->cause);
    free(s);
}

/* Day-0 adopters among agents [first, last). */
static void initial_range(bass_state *s, rng_key key, double f0, int32_t first, int32_t last)
{
    contagion *c = s->c;
    for (int32_t i = first; i < last; i++) {
        c->fresh[i] = rng_uniform(key, (uint32_t)i, 0, BASS_DRAW_INITIAL) < f0;
        s->cause[i] = c->fresh[i] ? BASS_INITIAL : BASS_NOT_ADOPTED;
    }
}

static void bass_init(void *state, const sim_context *ctx)
{
    bass_state *s = state;
    contagion *c = s->c;
    contagion_reset(c);
    s->external = s->internal = 0;
    const double f0 = s->initial_share;
    if (f0 > 0) {
        const int32_t n = c->n;
        if (n < sim_parallel_min()) {
            initial_range(s, ctx->key, f0, 0, n); /* no OpenMP region (sim/parallel.h) */
        } else {
            #pragma omp parallel for schedule(static)
            for (int32_t i = 0; i < n; i += 4096) initial_range(s, ctx->key, f0, i, n - i < 4096 ? n : i + 4096);
        }
        s->new_today = contagion_commit(c, ctx->net, 0);
    } else {
        memset(s->cause, BASS_NOT_ADOPTED, (size_t)c->n);
        s->new_today = 0;
    }
    if (s->open) {
        s->n_open = 0;
        for (int32_t i = 0; i < c->n; i++)
            if (!c->adopted[i]) s->open[s->n_open++] = i;
    }
}

/* Groups of a batch that need a draw before the batch's Philox words are
 * computed together (rng_words_batch) rather than group by group: below
 * this the batch's 64 computations cost more than the groups' own. */
enum { BASS_BATCH_MIN = 8 };

/* The same for the serial path, counted in non-adopters (cheaper to count
 * than groups; a batch this full has its groups' words drawn together). */
enum { BASS_BATCH_OPEN = 16 };

/* 1 if agent group g (agents 4 g .. 4 g + 3, fewer at the end) has a
 * non-adopter. */
static inline int group_open(const contagion *c, int32_t g)
{
    const int32_t first = 4 * g, last = first + 4 < c->n ? first + 4 : c->n;
    for (int32_t i = first; i < last; i++)
        if (!c->adopted[i]) return 1;
    return 0;
}

/* Today's decision of non-adopter i from its Philox word w; adds an
 * adoption to *external or *internal by its cause.  Without branches on
 * the draw (a mispredicted one per decision was a fifth of W1's
 * simulation): a non-adopter's cause is BASS_NOT_ADOPTED already. */
static inline int decide_agent(bass_state *s, const sim_network *net, int32_t i, uint32_t w, int64_t *external,
                               int64_t *internal)
{
    contagion *c = s->c;
    const double p = s->p, q = s->q;
    int64_t deg = network_degree(net, i);
    double share = deg > 0 ? (double)contagion_adopted_neighbours(c, net, i) / (double)deg : 0.0;
    double u = rng_u01_from_word(w);
    const int adopt = u < p + q * share;
    /* u < p implies u < p + q * share (q * share >= 0): an own adoption is an adoption */
    const int own = u < p;
    c->fresh[i] = (uint8_t)adopt;
    s->cause[i] = (uint8_t)(own ? BASS_EXTERNAL : adopt ? BASS_INTERNAL : BASS_NOT_ADOPTED);
    *external += own;
    *internal += adopt & !own;
    return adopt;
}

/* Today's decisions of the non-adopters of group g from its four Philox
 * words w. */
static inline void decide_group(bass_state *s, const sim_network *net, int32_t g, const uint32_t w[4],
                                int64_t *external, int64_t *internal)
{
    const contagion *c = s->c;
    const int32_t first = 4 * g, last = first + 4 < c->n ? first + 4 : c->n;
    for (int32_t i = first; i < last; i++)
        if (!c->adopted[i]) decide_agent(s, net, i, w[i - first], external, internal);
}

/* The same decisions as decide_groups over all agents, from the list of
 * non-adopters (serial path): batches with at least BASS_BATCH_OPEN of
 * them have their words drawn together (rng_words_batch), the others group
 * by group (the words are the same either way).  Today's adopters are
 * listed in s->adopters, ascending, and the list of non-adopters keeps
 * only those still open, in the same pass.  Returns how many adopted. */
static int32_t decide_open(bass_state *s, const sim_network *net, rng_key key, int32_t day, int64_t *external,
                           int64_t *internal)
{
    int32_t *const open = s->open, *const adopters = s->adopters;
    const int32_t m = s->n_open;
    uint32_t words[4][RNG_BATCH];
    int32_t k = 0, kept = 0;
    for (int32_t x = 0; x < m;) {
        /* the batch of agent open[x]: RNG_BATCH groups of four, 4 * RNG_BATCH agents */
        const uint32_t b = (uint32_t)open[x] / (4 * RNG_BATCH);
        int32_t end = x + 1;
        while (end < m && (uint32_t)open[end] / (4 * RNG_BATCH) == b) end++;
        const int batched = end - x >= BASS_BATCH_OPEN;
        if (batched) rng_words_batch(key, b * RNG_BATCH, (uint32_t)day, BASS_DRAW_ADOPT, 0, words);
        uint32_t w[4];
        for (int32_t g = -1; x < end; x++) { /* open[kept] is never ahead of open[x] */
            const int32_t i = open[x];
            if (!batched && i / 4 != g) {
                g = i / 4;
                rng_words_of_four(key, (uint32_t)i & ~3u, (uint32_t)day, BASS_DRAW_ADOPT, w);
            }
            const uint32_t word = batched ? words[i % 4][i / 4 - (int32_t)b * RNG_BATCH] : w[i % 4];
            const int adopt = decide_agent(s, net, i, word, external, internal);
            adopters[k] = i;
            k += adopt;
            open[kept] = i;
            kept += !adopt;
        }
    }
    s->n_open = kept;
    return k;
}

/* Today's decisions of the non-adopters among agents [4 g0, 4 g1): groups of
 * four share one Philox call (rng_words_of_four), and a batch of
 * RNG_BATCH groups with enough non-adopters has its calls made together
 * (the same words: rng_words_batch).  Adds the adoptions by cause to
 * *external and *internal. */
static void decide_groups(bass_state *s, const sim_network *net, rng_key key, int32_t day, int32_t g0, int32_t g1,
                          int64_t *external, int64_t *internal)
{
    const contagion *c = s->c;
    uint32_t words[4][RNG_BATCH];
    for (int32_t b = g0; b < g1; b += RNG_BATCH) {
        const int32_t e = b + RNG_BATCH < g1 ? b + RNG_BATCH : g1;
        int open = 0;
        for (int32_t g = b; g < e && open < BASS_BATCH_MIN; g++) open += group_open(c, g);
        if (open >= BASS_BATCH_MIN) {
            rng_words_batch(key, (uint32_t)b, (uint32_t)day, BASS_DRAW_ADOPT, 0, words);
            for (int32_t g = b; g < e; g++) {
                const int32_t j = g - b;
                const uint32_t w[4] = {words[0][j], words[1][j], words[2][j], words[3][j]};
                if (group_open(c, g)) decide_group(s, net, g, w, external, internal);
            }
        } else {
            for (int32_t g = b; g < e; g++) {
                if (!group_open(c, g)) continue;
                uint32_t w[4];
                rng_words_of_four(key, (uint32_t)(4 * g), (uint32_t)day, BASS_DRAW_ADOPT, w);
                decide_group(s, net, g, w, external, internal);
            }
        }
    }
}

static void bass_step(void *state, const sim_context *ctx, int32_t day)
{
    bass_state *s = state;
    contagion *c = s->c;
    const sim_network *net = ctx->net;
    const rng_key key = ctx->key;
    if (c->total == c->n) { /* everyone has adopted: nothing can change */
        s->new_today = 0;
        return;
    }
    const int32_t n = c->n, groups = (n + 3) / 4;
    int64_t external = 0, internal = 0;
    if (s->open) { /* below sim_parallel_min(): no OpenMP region, only the non-adopters visited */
        const int32_t k = decide_open(s, net, key, day, &external, &internal);
        s->external += external;
        s->internal += internal;
        s->new_today = contagion_commit_list(c, net, day, s->adopters, k);
        return;
    }
    const int32_t batches = (groups + RNG_BATCH - 1) / RNG_BATCH;
    #pragma omp parallel for schedule(dynamic, 16) reduction(+ : external, internal)
    for (int32_t b = 0; b < batches; b++) {
        const int32_t g0 = b * RNG_BATCH, g1 = g0 + RNG_BATCH < groups ? g0 + RNG_BATCH : groups;
        decide_groups(s, net, key, day, g0, g1, &external, &internal);
    }
    s->external += external;
    s->internal += internal;
    s->new_today = contagion_commit(c, net, day);
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
    values[3] = (double)s->external;
    values[4] = (double)s->internal;
}

static const sim_agent_field bass_agent_fields[] = {
    {"adopted", "1 if the agent had adopted by the last day", "1", 1, 0},
    {"adoption_day", "day the agent adopted (0: an initial adopter), -1 if it never did", "days", 1, 0},
    {"external", "1 if the agent adopted on its own (innovation, the p term)", "1", 1, 0},
    {"internal", "1 if the agent adopted through its neighbours (imitation, the q term)", "1", 1, 0},
};

/* The final per-agent table: who adopted, when, and why. */
static void bass_agent_values(const void *state, const sim_context *ctx, int field, double *out)
{
    const bass_state *s = state;
    if (field == 0) {
        contagion_adopted_values(s->c, out);
    } else if (field == 1) {
        contagion_day_values(s->c, out);
    } else {
        const uint8_t want = field == 2 ? BASS_EXTERNAL : BASS_INTERNAL;
        for (int32_t i = 0; i < ctx->net->n; i++) out[i] = s->cause[i] == want;
    }
}

/* Per agent: the contagion's adopted and fresh flags, and its count of
 * adopted neighbours for the push kernel (not on the complete graph). */
static size_t bass_bytes_per_agent(const scenario *scn)
{
    const contagion *c = NULL;
    int count = strcmp(scenario_string(scn, "model.bass.kernel"), "push") == 0 &&
                strcmp(scenario_string(scn, "network.type"), "complete") != 0;
    return sizeof *c->adopted + sizeof *c->fresh + (count ? sizeof *c->count : 0);
}

const sim_model_type bass_model = {
    .name = "bass",
    .summary = "Bass diffusion: adopt with probability p + q * adopted share of neighbours",
    .params = bass_params,
    .observables = bass_observables,
    .n_observables = 5,
    .alloc = bass_alloc,
    .free = bass_free,
    .init = bass_init,
    .step = bass_step,
    .observe = bass_observe,
    .agent_fields = bass_agent_fields,
    .n_agent_fields = 4,
    .agent_values = bass_agent_values,
    .bytes_per_agent = bass_bytes_per_agent,
    .outcomes = contagion_outcomes,
    .n_outcomes = CONTAGION_N_OUTCOMES,
};
