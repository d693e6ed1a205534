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

/* Where engine_replicate writes one replicate's series: observable k at day t
 * goes to data[k * stride + t]; grouped observable k's values for day t to
 * by_generation[k * gen_stride + t * NET_GENERATIONS + g] and
 * by_level[k * lev_stride + t * n_levels + l].  by_generation NULL: no
 * breakdowns.  The buffers are the caller's. */
typedef struct engine_series {
    double *data;
    size_t stride;
    double *by_generation;
    size_t gen_stride;
    double *by_level;
    size_t lev_stride;
    int32_t n_levels;
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
