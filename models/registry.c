/* registry.c: the list of models and the assembled parameter table. */
#include "registry.h"

#include <string.h>

#include "bass.h"
#include "budget.h"
#include "engine.h"
#include "genai.h"
#include "threshold.h"

const sim_model_type *const registry_models[] = {&bass_model, &threshold_model, &genai_model, NULL};

static const param_def registry_params[] = {
    {"model.name", PARAM_ENUM, "", 0, 0, "bass", "bass|threshold|genai", 0,
     "behaviour model: bass, threshold (verification) or genai (generative-AI adoption)"},
    PARAM_END};

static const param_def *const tables[] = {
    engine_params, network_params, registry_params, NULL, NULL /* filled below */};

const sim_model_type *registry_model(const char *name)
{
    for (int i = 0; registry_models[i]; i++)
        if (strcmp(registry_models[i]->name, name) == 0) return registry_models[i];
    return NULL;
}

const param_def *const *registry_tables(size_t *n)
{
    static const param_def *all[64];
    static size_t count;
    if (count == 0) {
        for (size_t i = 0; tables[i]; i++) all[count++] = tables[i];
        for (int m = 0; registry_models[m]; m++) all[count++] = registry_models[m]->params;
        for (int i = 0; genai_interventions[i] && count < 64; i++) all[count++] = genai_interventions[i]->params;
    }
    *n = count;
    return all;
}

int registry_scenario_alloc(scenario **out, sim_error *err)
{
    size_t n;
    const param_def *const *t = registry_tables(&n);
    return scenario_alloc(t, n, out, err);
}

const sim_model_type *registry_scenario_model(const scenario *scn)
{
    return registry_model(scenario_string(scn, "model.name"));
}

int registry_validate(const scenario *scn, sim_error *err)
{
    int rc = network_validate(scn, err);
    if (rc) return rc;
    const sim_model_type *m = registry_scenario_model(scn);
    if (!m) return scenario_error(scn, "model.name", err, "unknown model");
    rc = m->validate ? m->validate(scn, err) : SIM_OK;
    return rc ? rc : budget_check(scn, m, err);
}
