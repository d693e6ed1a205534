/* engine.h: the run loop: one replicate of a model over a network for
 * run.days days, recording every observable every day (pipeline.c runs the
 * replicates of a command and streams them to the results file). */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <stdint.h>
#include "error.h"
#include "model.h"
#include "network.h"
#include "params.h"
#include "scenario.h"

/* Rows run.* and output.* of the parameter table. */
extern const param_def engine_params[];

/* What the results file keeps of each run (output.observables,
 * output.breakdowns, output.every, output.days): the same for every run of
 * a command. */
typedef struct engine_output {
    int n_observables;   /* the model's */
    int *keep;           /* [n_observables]: 1 when stored (output.observables; default all) */
    int by_generation;   /* the _by_generation and _by_level variables of grouped observables */
    int by_level;        /*   (output.breakdowns; stored only where the network has them) */
    int32_t n_days;      /* stored time points: days[0..n_days) ascending */
    int32_t *days;       /* output.days, or 0, every, 2 every, ... and always run.days */
    int32_t every;       /* output.every (1: every day); 0 with output.days */
    int by_team;         /* the _by_team variables of the observables a model reports by team
                            (output.breakdowns: team; never by default) */
} engine_output;

/* Read and check scn's output.* keys against model m into out (allocated:
 * engine_output_free).  SIM_EINPUT at the key: an observable the model does
 * not declare (with "did you mean"), one named twice, output.every with
 * output.days, a day outside 0..run.days or given twice, a breakdown that
 * is not generation, level or team (or none alone), team of a model that
 * cannot report by team or with no stored observable it reports by team.
 * Generation or level breakdowns asked of a model without grouped
 * observables are a warning in warnings (NULL: none).  Whether the
 * network has teams is checked once it is built (pipeline.c). */
int engine_output_plan(const scenario *scn, const sim_model_type *m, engine_output *out, sim_warnings *warnings,
                       sim_error *err);
void engine_output_free(engine_output *out);

/* The index of the stored day nearest to day (the earlier of two equally
 * near). */
int32_t engine_output_nearest(const int32_t *days, int32_t n_days, int32_t day);

/* Where engine_replicate writes one replicate's series: observable k at day t
 * goes to data[k * stride + t]; grouped observable k's values for day t to
 * by_generation[k * gen_stride + t * NET_GENERATIONS + g] and
 * by_level[k * lev_stride + t * n_levels + l].  by_generation NULL: no
 * breakdowns.  With by_team (not NULL; the model's observe_teams, a network
 * with n_teams teams), observable k reported by team goes to by_team[k *
 * team_stride + t * n_teams + j], through team_values (scratch of
 * n_observables * n_teams doubles).  The buffers are the caller's. */
typedef struct engine_series {
    double *data;
    size_t stride;
    double *by_generation;
    size_t gen_stride;
    double *by_level;
    size_t lev_stride;
    int32_t n_levels;
    double *by_team;      /* NULL: no breakdown by team */
    size_t team_stride;
    int32_t n_teams;
    double *team_values;
} engine_series;

/* Run one replicate (ctx->key names it) of a model whose state was
 * allocated for ctx: init, observe day 0, then step and observe each day to
 * ctx->days.  values, gen_values and lev_values are scratch of n_observables,
 * n_observables * NET_GENERATIONS and n_observables * n_levels doubles.  No
 * allocation: callers run many replicates, one per thread, with this. */
void engine_replicate(const sim_model_type *model, void *state, const sim_context *ctx,
                      const engine_series *out, double *values, double *gen_values,
                      double *lev_values);

/* Seconds on a monotonic clock. */
double engine_clock(void);

#endif
