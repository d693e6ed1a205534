/* registry.h: the models adoptsim knows, and the full parameter table
 * (engine + network + every model) a scenario is checked against. */
#ifndef MODELS_REGISTRY_H
#define MODELS_REGISTRY_H

#include <stddef.h>
#include "model.h"
#include "scenario.h"

/* NULL-terminated list of the available models. */
extern const sim_model_type *const registry_models[];

/* The model named name, NULL if none. */
const sim_model_type *registry_model(const char *name);

/* The parameter tables, in documentation order; sets *n. */
const param_def *const *registry_tables(size_t *n);

/* A scenario holding every default (caller frees with scenario_free). */
int registry_scenario_alloc(scenario **out, sim_error *err);

/* All cross-key checks: network, then the selected model; then whether
 * the network and the model's state fit in memory (budget.h). */
int registry_validate(const scenario *scn, sim_error *err);

/* The model a validated scenario selects. */
const sim_model_type *registry_scenario_model(const scenario *scn);

#endif
