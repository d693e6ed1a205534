/* registry.c: the list of models, the assembled parameter table, and the
 * checks and warnings that span the models. */
#include "registry.h"

#include <stdio.h>
#include <string.h>

#include "analytic.h"
#include "bass.h"
#include "budget.h"
#include "engine.h"
#include "genai.h"
#include "threshold.h"

const sim_model_type *const registry_models[] = {&bass_model, &threshold_model, &genai_model, &analytic_model, NULL};

static const param_def registry_params[] = {
    {"model.name", PARAM_ENUM, "", 0, 0, "bass", "bass|threshold|genai|analytic", 0,
     "behaviour model: bass, threshold (verification), genai (generative-AI adoption) or analytic (test "
     "functions of sensitivity analysis: verification)", PARAM_NO_FIELD},
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
    if (!registry_scenario_model(scn)) return scenario_error(scn, "model.name", err, "unknown model");
    /* every model, not only the selected one: a model rejects its settings
     * used under another (an intervention enabled under bass) */
    for (int i = 0; registry_models[i]; i++)
        if (registry_models[i]->validate && (rc = registry_models[i]->validate(scn, err))) return rc;
    engine_output o;
    if ((rc = engine_output_plan(scn, registry_scenario_model(scn), &o, NULL, err))) return rc;
    engine_output_free(&o);
    return budget_check(scn, registry_scenario_model(scn), err);
}

int registry_key_inert(const scenario *scn, const char *path, char *why, size_t size)
{
    const char *model = scenario_string(scn, "model.name");
    if (!strncmp(path, "model.", 6) && strcmp(path, "model.name") != 0) {
        const char *name = path + 6, *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        if (strlen(model) == len && !strncmp(model, name, len)) return 0;
        snprintf(why, size, "model.name is %s, not %.*s", model, (int)len, name);
        return 1;
    }
    if (!strncmp(path, "interventions.", 14)) {
        const char *name = path + 14, *dot = strchr(name, '.');
        char enabled[160];
        if (!dot || !strcmp(dot, ".enabled")) return 0;
        snprintf(enabled, sizeof enabled, "interventions.%.*s.enabled", (int)(dot - name), name);
        const param_value *v = scenario_find(scn, enabled);
        if (!v || v->i) return 0;
        snprintf(why, size, "%s is false", enabled);
        return 1;
    }
    return 0;
}

void registry_model_warnings(const scenario *scn, sim_warnings *out)
{
    const sim_model_type *m = registry_scenario_model(scn);
    if (m && m->warnings) m->warnings(scn, out);
    engine_output o;
    sim_error ignored;
    if (m && engine_output_plan(scn, m, &o, out, &ignored) == SIM_OK) engine_output_free(&o);
}

void registry_warnings(const scenario *scn, sim_warnings *out)
{
    char why[200];
    for (size_t i = 0; i < scn->n; i++) {
        const param_value *v = &scn->values[i];
        if (v->source == PARAM_FROM_DEFAULT || !registry_key_inert(scn, v->def->path, why, sizeof why)) continue;
        scenario_warn(scn, v->def->path, out, "does nothing in this scenario: %s", why);
    }
    registry_model_warnings(scn, out);
}

const experiment_catalog registry_catalog = {registry_scenario_alloc, registry_validate, registry_scenario_model,
                                             registry_key_inert, registry_model_warnings};
