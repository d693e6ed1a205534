/* registry.h: the models adoptsim knows, and the full parameter table
 * (engine + network + every model) a scenario is checked against. */
#ifndef MODELS_REGISTRY_H
#define MODELS_REGISTRY_H

#include <stddef.h>
#include "experiment.h"
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

/* All cross-key checks: network, then every model's (each checks its own
 * keys when selected, and genai rejects interventions enabled under another
 * model); then whether the network and the selected model's state fit in
 * memory (budget.h). */
int registry_validate(const scenario *scn, sim_error *err);

/* 1 if the key path cannot act in scn: a key under model.<other>. for a
 * model that is not selected, or under interventions.<name>. (but .enabled)
 * for an intervention that is not enabled; why then says so ("model.name is
 * genai, not bass").  0 otherwise. */
int registry_key_inert(const scenario *scn, const char *path, char *why, size_t size);

/* The selected model's warnings about a validated scenario (model->warnings). */
void registry_model_warnings(const scenario *scn, sim_warnings *out);

/* Every warning about a validated scenario run alone: each key set (in a file
 * or with --set) that does nothing in it (registry_key_inert), then the
 * model's.  For an experiment, which warns about a key only when it acts in
 * none of its runs, see experiment.c. */
void registry_warnings(const scenario *scn, sim_warnings *out);

/* The model a validated scenario selects. */
const sim_model_type *registry_scenario_model(const scenario *scn);

/* What the experiment loader needs from the models (experiment.h): the
 * one catalog every caller passes to experiment_load. */
extern const experiment_catalog registry_catalog;

#endif
