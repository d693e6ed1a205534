/* model.h: the one interface through which a behaviour model plugs into the engine.
 *
 * A model is a const sim_model_type (like GSL's gsl_rng_type): its name, its
 * parameter rows (under model.<name>.), the observables it reports each day,
 * and six functions (and a few optional ones).  The engine allocates the model's state once per run,
 * then for each replicate calls init, observes day 0, and for each day calls
 * step then observe.  The engine knows nothing else about the model.
 *
 * Rules a model follows:
 * - step() is one synchronous day: every agent decides from the state at the
 *   end of the previous day.  It may run OpenMP loops inside; it must not
 *   allocate, lock or print.  Random draws come from rng.h keyed by ctx->key
 *   and (agent, day, purpose), so results do not depend on the thread count.
 * - observe() fills n_observables numbers for the current day; counts are
 *   summed as integers (and real-valued means from integer or fixed-order
 *   block sums), so they are bit-identical for any thread count. */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

#include <stdint.h>
#include "error.h"
#include "network.h"
#include "params.h"
#include "rng.h"
#include "scenario.h"

typedef struct sim_observable {
    const char *name;      /* variable name in the output file, e.g. "adopters" */
    const char *long_name; /* one line for humans and plots */
    const char *units;     /* "agents", "1", ... */
    int is_count;          /* 1: whole numbers (written as integers) */
    int grouped;           /* 1: also reported by generation and by level */
    int is_single;         /* 1: stored as float32 (not a count): a mean of float32 state, whose
                              digits beyond float32's seven are noise (half the bytes, faster to
                              pack); 0: float64 */
} sim_observable;

/* A per-agent column of the optional final table (output.agents). */
typedef struct sim_agent_field {
    const char *name;      /* the variable is agent_<name> */
    const char *long_name;
    const char *units;
    int is_count;          /* 1: whole numbers or 0/1 flags (written as integers) */
    int is_single;         /* 1: stored as float32 (float32 state: exact); 0: float64 */
} sim_agent_field;

/* What `adoptsim report` says about a model's runs: one row per outcome, in
 * the order of the report.  A SHARE or PER_UNIT row adds a column to the
 * table of the VALUE row before it; FIRST_DAY rows get tables of their own
 * after the days' tables. */
typedef enum sim_outcome_kind {
    SIM_OUTCOME_VALUE,     /* the observable at the reported day */
    SIM_OUTCOME_SHARE,     /* 100 x observable / `of` at the day, per run (percent) */
    SIM_OUTCOME_PER_UNIT,  /* mean paired difference from the baseline in the observable per unit
                              of the mean paired gain in `of` (a cost per additional user) */
    SIM_OUTCOME_FIRST_DAY  /* the first day the observable reaches share x `of` (x 1 when NULL) */
} sim_outcome_kind;

typedef struct sim_outcome {
    const char *id;          /* CSV name, e.g. "adopters_pct_agents" */
    const char *label;       /* VALUE, FIRST_DAY: the table's title ("Adopters"); SHARE,
                                PER_UNIT: its column header ("% of agents") */
    sim_outcome_kind kind;
    const char *observable;
    const char *of;          /* SHARE, FIRST_DAY: the denominator (NULL: none); PER_UNIT: the
                                observable gained */
    double share;            /* FIRST_DAY: the share to reach, e.g. 0.5 */
    const char *unit;        /* "agents", "percent", "dollars/agent", "days" */
    int decimals;            /* in text and Markdown */
    const char *note;        /* FIRST_DAY: what the day means, lower case (NULL: none) */
    int lower_is_better;     /* VALUE: less is better (a cost): what "better than the baseline" and the
                                ranks of a file with parameter draws mean; 0: more is better */
} sim_outcome;

/* What a model sees of the run.  Owned by the engine; valid during the call. */
typedef struct sim_context {
    const scenario *scn;
    const sim_network *net;
    rng_key key;      /* (run.seed, replicate) */
    int32_t days;     /* run.days: steps 1..days follow the initial day 0 */
} sim_context;

typedef struct sim_model_type {
    const char *name;                  /* value of model.name */
    const char *summary;               /* one line for `adoptsim --help` */
    const param_def *params;           /* rows under model.<name>., PARAM_END closed */
    const sim_observable *observables;
    int n_observables;

    /* Cross-key checks (NULL if none).  Called for every model whatever
     * model.name selects: a model checks its own parameters when it is the
     * one selected, and rejects settings that need it when it is not (genai:
     * an intervention enabled under another model). */
    int (*validate)(const scenario *scn, sim_error *err);
    /* Allocate state for ctx->net->n agents; read parameters here. */
    int (*alloc)(const sim_context *ctx, void **state, sim_error *err);
    void (*free)(void *state);
    /* Reset to day 0 of a replicate (ctx->key names the replicate). */
    void (*init)(void *state, const sim_context *ctx);
    /* Advance from the end of day-1 to the end of day (day >= 1). */
    void (*step)(void *state, const sim_context *ctx, int32_t day);
    /* Write n_observables values describing the current state into values.
     * When the network carries an organization (by_generation != NULL), also
     * write grouped observable k for generation g into
     * by_generation[k * NET_GENERATIONS + g] and for level l into
     * by_level[k * net->n_levels + l]; entries of ungrouped ones are ignored. */
    void (*observe)(const void *state, const sim_context *ctx, double *values,
                    double *by_generation, double *by_level);
    /* Optional (NULL: the model cannot report by team, and output.breakdowns:
     * team is refused): called right after observe, on the same state, only
     * when the results keep the breakdown by team and the network has teams
     * (ctx->net->team).  Writes each observable k with team_observables[k]
     * set, for team t, into by_team[k * net->n_teams + t]; other entries are
     * ignored.  Counts summed as integers, sums in agent order: the same for
     * any thread count.  No allocation (the buffer is the engine's). */
    void (*observe_teams)(const void *state, const sim_context *ctx, double *by_team);
    const int8_t *team_observables; /* [n_observables]: 1 when observe_teams reports it */

    /* Optional (NULL / 0 if none): the final per-agent table written when
     * output.agents is true.  agent_values writes field f of every agent
     * (ctx->net->n values) for the current state into out. */
    const sim_agent_field *agent_fields;
    int n_agent_fields;
    void (*agent_values)(const void *state, const sim_context *ctx, int field, double *out);

    /* Optional (NULL if none), for the selected model only: checks of a
     * validated scenario against the network built for it (a target team
     * that does not exist, a target group nobody is in), called through
     * model_check_network right after network_build. */
    int (*check_network)(const scenario *scn, const sim_network *net, sim_error *err);
    /* Optional (NULL if none), for the selected model only: settings of a
     * validated scenario that are legitimate but suspicious, appended to out
     * (never printed here). */
    void (*warnings)(const scenario *scn, sim_warnings *out);
    /* Bytes of state alloc() allocates per agent for a scenario (its arrays
     * of one element per agent), for the memory estimate made before
     * anything is built (budget.h).  NULL: unknown, counted as 0. */
    size_t (*bytes_per_agent)(const scenario *scn);
    /* What `adoptsim report` computes from the model's files (NULL / 0: the
     * report has nothing to say). */
    const sim_outcome *outcomes;
    int n_outcomes;
} sim_model_type;

/* The model's checks against the network built for scn (model->check_network);
 * SIM_OK when it has none.  Call it wherever a scenario's network is built,
 * right after network_build: the one place these checks are called from. */
/* 1 when model m reports observable k by team (observe_teams). */
static inline int model_by_team(const sim_model_type *m, int k)
{
    return m->observe_teams && m->team_observables && m->team_observables[k];
}

static inline int model_check_network(const sim_model_type *model, const scenario *scn,
                                      const sim_network *net, sim_error *err)
{
    return model && model->check_network ? model->check_network(scn, net, err) : SIM_OK;
}

#endif
