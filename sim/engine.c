/* engine.c: the run loop: a replicate's days of model steps and observations. */
#include "engine.h"

#include <time.h>

const param_def engine_params[] = {
    {"run.days", PARAM_INT, "day", 1, 1000000, "365", NULL, 0,
     "the last day simulated: days 1..run.days follow the initial day 0 (e.g. 365, 12m, or a date "
     "with run.start_date)", PARAM_NO_FIELD},
    {"run.start_date", PARAM_STRING, "date", 0, 0, "", NULL, 0,
     "the date of day 0, YYYY-MM-DD (e.g. the roll-out's start; empty: none): day keys then take "
     "dates and calendar months, and the results' time axis carries dates", PARAM_NO_FIELD},
    {"run.seed", PARAM_INT, "", 0, 4294967295.0, "1", NULL, 0,
     "random seed; the same seed gives bit-identical results for any thread count", PARAM_NO_FIELD},
    {"run.replicates", PARAM_INT, "runs", 1, 1000000, "1", NULL, 0,
     "independent replicates (random streams) of the scenario", PARAM_NO_FIELD},
    {"run.threads", PARAM_INT, "threads", 0, 4096, "0", NULL, 0,
     "OpenMP threads; 0 uses OMP_NUM_THREADS or all cores", PARAM_NO_FIELD},
    {"output.compression", PARAM_INT, "", 0, 9, "1", NULL, 0,
     "deflate level of the results file, each run shuffled and deflated by the worker threads: 1 stores "
     "runs in a third of their raw size for 15-30% more CPU time a run; 2-9 save under 2% more for up to "
     "5x that time; 0 stores raw values", PARAM_NO_FIELD},
    {"output.agents", PARAM_BOOL, "", 0, 1, "false", NULL, 0,
     "also write each agent's state and roles at the last day, per run (experiments: every run on one network)", PARAM_NO_FIELD},
    PARAM_END};

double engine_clock(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void engine_replicate(const sim_model_type *model, void *state, const sim_context *ctx,
                      const engine_series *out, double *values, double *gen_values,
                      double *lev_values)
{
    const int n_obs = model->n_observables;
    const int32_t n_levels = out->by_generation ? out->n_levels : 0;
    model->init(state, ctx);
    for (int32_t day = 0; day <= ctx->days; day++) {
        if (day > 0) model->step(state, ctx, day);
        model->observe(state, ctx, values, n_levels ? gen_values : NULL, n_levels ? lev_values : NULL);
        for (int k = 0; k < n_obs; k++) {
            out->data[(size_t)k * out->stride + (size_t)day] = values[k];
            if (n_levels == 0 || !model->observables[k].grouped) continue;
            double *g = out->by_generation + (size_t)k * out->gen_stride + (size_t)day * NET_GENERATIONS;
            for (int j = 0; j < NET_GENERATIONS; j++) g[j] = gen_values[k * NET_GENERATIONS + j];
            double *l = out->by_level + (size_t)k * out->lev_stride + (size_t)day * (size_t)n_levels;
            for (int32_t j = 0; j < n_levels; j++) l[j] = lev_values[(size_t)k * (size_t)n_levels + (size_t)j];
        }
    }
}
