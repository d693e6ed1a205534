/* engine.c: the run loop: replicates x days of model steps and observations. */
#include "engine.h"

#include <stdlib.h>
#include <time.h>

const param_def engine_params[] = {
    {"run.days", PARAM_INT, "days", 1, 1000000, "365", NULL, 0,
     "days simulated after the initial day 0", PARAM_NO_FIELD},
    {"run.seed", PARAM_INT, "", 0, 4294967295.0, "1", NULL, 0,
     "random seed; the same seed gives bit-identical results for any thread count", PARAM_NO_FIELD},
    {"run.replicates", PARAM_INT, "runs", 1, 1000000, "1", NULL, 0,
     "independent replicates (random streams) of the scenario", PARAM_NO_FIELD},
    {"run.threads", PARAM_INT, "threads", 0, 4096, "0", NULL, 0,
     "OpenMP threads; 0 uses OMP_NUM_THREADS or all cores", PARAM_NO_FIELD},
    {"output.compression", PARAM_INT, "", 0, 9, "4", NULL, 0,
     "deflate level of the HDF5 datasets (0 = none)", PARAM_NO_FIELD},
    {"output.agents", PARAM_BOOL, "", 0, 1, "false", NULL, 0,
     "also write each agent's state and roles at the last day, per replicate (adoptsim run only)", PARAM_NO_FIELD},
    PARAM_END};

double engine_clock(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void engine_results_free(sim_results *res)
{
    if (!res) return;
    free(res->data);
    free(res->by_generation);
    free(res->by_level);
    free(res->agents);
    free(res);
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

int engine_run(const sim_model_type *model, const scenario *scn, const sim_network *net,
               sim_results **out, sim_error *err)
{
    const int32_t days = (int32_t)scenario_int(scn, "run.days");
    const int32_t reps = (int32_t)scenario_int(scn, "run.replicates");
    const uint32_t seed = (uint32_t)scenario_int(scn, "run.seed");
    const int n_obs = model->n_observables;

    /* Breakdowns by generation and level when the model reports any and the
     * network carries an organization. */
    int grouped = 0;
    for (int k = 0; k < n_obs; k++) grouped |= model->observables[k].grouped;
    const int32_t n_levels = grouped && net->generation && net->level ? net->n_levels : 0;
    const size_t cells = (size_t)n_obs * (size_t)reps * ((size_t)days + 1);

    sim_results *res = calloc(1, sizeof *res);
    double *values = calloc((size_t)n_obs, sizeof *values);
    double *gen_values = NULL, *lev_values = NULL;
    int failed = !res || !values;
    if (!failed) {
        res->data = calloc(cells, sizeof *res->data);
        failed = !res->data;
    }
    if (!failed && n_levels > 0) {
        res->by_generation = calloc(cells * NET_GENERATIONS, sizeof(double));
        res->by_level = calloc(cells * (size_t)n_levels, sizeof(double));
        gen_values = calloc((size_t)n_obs * NET_GENERATIONS, sizeof(double));
        lev_values = calloc((size_t)n_obs * (size_t)n_levels, sizeof(double));
        failed = !res->by_generation || !res->by_level || !gen_values || !lev_values;
    }
    if (failed) {
        free(values);
        free(gen_values);
        free(lev_values);
        engine_results_free(res);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL,
                             "out of memory for %d observables x %d replicates x %d days",
                             n_obs, (int)reps, (int)days + 1);
    }
    if (scenario_bool(scn, "output.agents") && model->n_agent_fields > 0 && model->agent_values) {
        res->agents = calloc((size_t)model->n_agent_fields * (size_t)reps * (size_t)net->n, sizeof(double));
        if (!res->agents) {
            free(values);
            free(gen_values);
            free(lev_values);
            engine_results_free(res);
            return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL,
                                 "out of memory for the per-agent table (%d fields x %d replicates x %d agents)",
                                 model->n_agent_fields, (int)reps, (int)net->n);
        }
        res->n_agent_fields = model->n_agent_fields;
        res->n_agents = net->n;
    }
    res->model = model;
    res->n_obs = n_obs;
    res->n_rep = reps;
    res->n_time = days + 1;
    res->seed = seed;
    res->n_levels = n_levels;

    sim_context ctx = {scn, net, rng_key_make(seed, 0), days};
    void *state = NULL;
    int rc = model->alloc(&ctx, &state, err);
    if (rc) {
        free(values);
        free(gen_values);
        free(lev_values);
        engine_results_free(res);
        return rc;
    }

    double t0 = engine_clock();
    for (int32_t rep = 0; rep < reps; rep++) {
        engine_series out_rep = {
            res->data + (size_t)rep * (size_t)res->n_time, (size_t)reps * (size_t)res->n_time,
            n_levels ? res->by_generation + (size_t)rep * (size_t)res->n_time * NET_GENERATIONS : NULL,
            (size_t)reps * (size_t)res->n_time * NET_GENERATIONS,
            n_levels ? res->by_level + (size_t)rep * (size_t)res->n_time * (size_t)n_levels : NULL,
            (size_t)reps * (size_t)res->n_time * (size_t)n_levels, n_levels};
        ctx.key = rng_key_make(seed, (uint32_t)rep);
        engine_replicate(model, state, &ctx, &out_rep, values, gen_values, lev_values);
        for (int f = 0; f < res->n_agent_fields; f++)
            model->agent_values(state, &ctx, f,
                                res->agents + ((size_t)f * (size_t)reps + (size_t)rep) * (size_t)net->n);
    }
    res->seconds = engine_clock() - t0;
    res->agent_steps = (int64_t)net->n * days * reps;

    model->free(state);
    free(values);
    free(gen_values);
    free(lev_values);
    *out = res;
    return SIM_OK;
}
