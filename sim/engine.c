/* engine.c: the run loop: a replicate's days of model steps and observations. */
#include "engine.h"

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    {"output.compression", PARAM_INT, "", 0, 9, "2", NULL, 0,
     "deflate level of the results file, each run shuffled and deflated (libdeflate) by the worker threads: "
     "2 stores runs in about a third of their raw size for 10-20% more CPU time a run; 1 takes as long and "
     "stores 4% more; 3-9 save under 2% more for up to twice that time; 0 stores raw values", PARAM_NO_FIELD},
    {"output.agents", PARAM_BOOL, "", 0, 1, "false", NULL, 0,
     "also write each agent's state and roles at the last day, per run (experiments: every run on one network)", PARAM_NO_FIELD},
    {"output.observables", PARAM_NAME_LIST, "", 0, 0, "[]", NULL, 256,
     "the observables to store, e.g. [monthly_active, regular_users] (default []: every one the model "
     "declares); the same for every scenario of an experiment", PARAM_NO_FIELD},
    {"output.breakdowns", PARAM_NAME_LIST, "", 0, 0, "[generation, level]", NULL, 3,
     "the breakdowns of grouped observables to store, a list of generation, level and team (the "
     "_by_generation, _by_level and _by_team variables), or none: generation and level where the model "
     "and the network have them; team (never by default) needs a model that reports by team (genai) and "
     "one organization for every run", PARAM_NO_FIELD},
    {"output.every", PARAM_INT, "days", 1, 1000000, "1", NULL, 0,
     "store every k-th day: days 0, k, 2k, ... and always the last day (the time coordinate holds the "
     "days); not with output.days", PARAM_NO_FIELD},
    {"output.days", PARAM_DOUBLE_LIST, "days", 0, 1000000, "[]", NULL, 100000,
     "store only these days, e.g. [0, 90, 180, 365] (default []: every day, or output.every); not with "
     "output.every", PARAM_NO_FIELD},
    PARAM_END};

void engine_output_free(engine_output *out)
{
    free(out->keep);
    free(out->days);
    out->keep = NULL;
    out->days = NULL;
}

int32_t engine_output_nearest(const int32_t *days, int32_t n_days, int32_t day)
{
    int32_t best = 0;
    for (int32_t i = 1; i < n_days; i++)
        if (llabs((long long)days[i] - day) < llabs((long long)days[best] - day)) best = i;
    return best;
}

static int cmp_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* output.breakdowns into out (out->keep set): a list of generation, level
 * and team, none alone, or both (the old spelling of [generation, level]). */
static int plan_breakdowns(const scenario *scn, const sim_model_type *m, engine_output *out, int n_names,
                           sim_warnings *warnings, sim_error *err)
{
    static const char *const words[] = {"generation", "level", "team", "none", "both"};
    int n, given[5] = {0};
    const char *list = scenario_names(scn, "output.breakdowns", &n);
    for (const char *p = list; n && *p;) {
        size_t len = strcspn(p, ",");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        p += len + (p[len] == ',');
        int w = 0;
        while (w < 5 && strcmp(words[w], name)) w++;
        if (w == 5) {
            const char *near = scenario_nearest_word(name, words, 3);
            return scenario_error(scn, "output.breakdowns", err, "no breakdown \"%s\"%s%s%s (expected a list of "
                                  "generation, level and team, or none)", name, near ? "; did you mean \"" : "",
                                  near ? near : "", near ? "\"?" : "");
        }
        if (given[w]) return scenario_error(scn, "output.breakdowns", err, "breakdown %s is named twice", name);
        given[w] = 1;
    }
    if ((given[3] || given[4]) && n > 1)
        return scenario_error(scn, "output.breakdowns", err, "%s stands alone: give it, or a list of generation, "
                              "level and team", given[3] ? "none" : "both");
    int grouped = 0, by_team = 0;
    for (int k = 0; k < m->n_observables; k++) {
        grouped |= m->observables[k].grouped && out->keep[k];
        by_team |= model_by_team(m, k) && out->keep[k];
    }
    out->by_generation = grouped && (given[0] || given[4]);
    out->by_level = grouped && (given[1] || given[4]);
    out->by_team = given[2];
    if (given[2] && !m->observe_teams)
        return scenario_error(scn, "output.breakdowns", err, "model %s cannot report by team (the genai model "
                              "does)", m->name);
    if (given[2] && !by_team)
        return scenario_error(scn, "output.breakdowns", err, "none of the observables stored is reported by team "
                              "(output.observables)");
    if (!grouped && (given[0] || given[1] || given[4]) &&
        scenario_find(scn, "output.breakdowns")->source != PARAM_FROM_DEFAULT && warnings)
        scenario_warn(scn, "output.breakdowns", warnings, "does nothing: %s", n_names ?
                      "none of the observables stored has breakdowns" : "the model has no breakdowns");
    return SIM_OK;
}

int engine_output_plan(const scenario *scn, const sim_model_type *m, engine_output *out, sim_warnings *warnings,
                       sim_error *err)
{
    const int32_t last = (int32_t)scenario_int(scn, "run.days");
    memset(out, 0, sizeof *out);
    out->n_observables = m->n_observables;
    out->keep = calloc((size_t)m->n_observables + 1, sizeof *out->keep);
    if (!out->keep) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");

    /* observables */
    int n_names;
    const char *names = scenario_names(scn, "output.observables", &n_names);
    for (int k = 0; k < m->n_observables; k++) out->keep[k] = n_names == 0;
    for (const char *p = names; n_names && *p;) {
        size_t len = strcspn(p, ",");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        p += len + (p[len] == ',');
        int found = -1;
        for (int k = 0; k < m->n_observables && found < 0; k++)
            if (!strcmp(m->observables[k].name, name)) found = k;
        if (found >= 0 && out->keep[found]) {
            engine_output_free(out);
            return scenario_error(scn, "output.observables", err, "observable %s is named twice", name);
        }
        if (found < 0) {
            const char *known[256];
            char list[1024] = "";
            int n = m->n_observables < 256 ? m->n_observables : 256;
            for (int k = 0; k < n; k++) {
                known[k] = m->observables[k].name;
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "", known[k]);
            }
            const char *near = scenario_nearest(name, known, n);
            char hint[192] = "";
            if (near) snprintf(hint, sizeof hint, "; did you mean \"%s\"?", near);
            engine_output_free(out);
            return scenario_error(scn, "output.observables", err, "model %s has no observable \"%s\"%s (it has %s)",
                                  m->name, name, hint, list);
        }
        out->keep[found] = 1;
    }

    /* breakdowns */
    int rc = plan_breakdowns(scn, m, out, n_names, warnings, err);
    if (rc) {
        engine_output_free(out);
        return rc;
    }

    /* days */
    int n_days;
    const double *days = scenario_list(scn, "output.days", &n_days);
    const int every_given = scenario_find(scn, "output.every")->source != PARAM_FROM_DEFAULT;
    if (n_days && every_given) {
        engine_output_free(out);
        return scenario_error(scn, "output.every", err, "output.every and output.days exclude each other: store "
                              "every k-th day, or the days listed");
    }
    out->every = n_days ? 0 : (int32_t)scenario_int(scn, "output.every");
    int32_t n = n_days ? n_days : last / out->every + 1 + (last % out->every != 0);
    if (!(out->days = malloc((size_t)n * sizeof *out->days))) {
        engine_output_free(out);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    out->n_days = n;
    if (!n_days) {
        for (int32_t i = 0; i < n; i++) out->days[i] = i * out->every < last ? i * out->every : last;
        return SIM_OK;
    }
    for (int i = 0; i < n_days; i++) {
        if (days[i] != floor(days[i]) || days[i] > last) {
            engine_output_free(out);
            return scenario_error(scn, "output.days", err, "day %g is not a whole day of 0..%d (run.days)", days[i],
                                  (int)last);
        }
        out->days[i] = (int32_t)days[i];
    }
    qsort(out->days, (size_t)n, sizeof *out->days, cmp_int32);
    for (int32_t i = 1; i < n; i++)
        if (out->days[i] == out->days[i - 1]) {
            int32_t d = out->days[i];
            engine_output_free(out);
            return scenario_error(scn, "output.days", err, "day %d is given twice", (int)d);
        }
    return SIM_OK;
}

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
    const int32_t n_teams = out->by_team && model->observe_teams ? out->n_teams : 0;
    model->init(state, ctx);
    for (int32_t day = 0; day <= ctx->days; day++) {
        if (day > 0) model->step(state, ctx, day);
        model->observe(state, ctx, values, n_levels ? gen_values : NULL, n_levels ? lev_values : NULL);
        if (n_teams) model->observe_teams(state, ctx, out->team_values);
        for (int k = 0; k < n_obs; k++) {
            out->data[(size_t)k * out->stride + (size_t)day] = values[k];
            if (n_teams && model_by_team(model, k)) {
                double *m = out->by_team + (size_t)k * out->team_stride + (size_t)day * (size_t)n_teams;
                const double *v = out->team_values + (size_t)k * (size_t)n_teams;
                for (int32_t j = 0; j < n_teams; j++) m[j] = v[j];
            }
            if (n_levels == 0 || !model->observables[k].grouped) continue;
            double *g = out->by_generation + (size_t)k * out->gen_stride + (size_t)day * NET_GENERATIONS;
            for (int j = 0; j < NET_GENERATIONS; j++) g[j] = gen_values[k * NET_GENERATIONS + j];
            double *l = out->by_level + (size_t)k * out->lev_stride + (size_t)day * (size_t)n_levels;
            for (int32_t j = 0; j < n_levels; j++) l[j] = lev_values[(size_t)k * (size_t)n_levels + (size_t)j];
        }
    }
}
