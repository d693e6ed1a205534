/* experiment.h: an experiment definition: a base scenario, named what-if
 * scenarios (overrides of the base), a number of replicates and an optional
 * parameter sweep, read from one YAML file and fully validated before any
 * run starts.
 *
 * An experiment is the grid scenario x point x replicate of runs.  Run
 * (s, p, r) is scenario s with sweep point p's values set, under random key
 * (seed, r): every scenario and point shares replicate r's random numbers
 * (common random numbers), so paired differences have low variance.
 *
 * The file:
 *
 *   base: stalled_push.yaml     # scenario file, relative to this file (optional)
 *   replicates: 30              # default: the base's run.replicates
 *   seed: 1                     # default: the base's run.seed
 *   baseline: stalled_push      # scenario comparisons refer to (default: the first)
 *   scenarios:                  # name: keys overriding the base, nested or dotted
 *     stalled_push: {}
 *     permission: {interventions.permission.enabled: true}
 *   sweep:                      # optional
 *     method: grid              # grid | list | latin_hypercube | sobol
 *     points: 16                # latin_hypercube and sobol only
 *     parameters:
 *       interventions.vanguard.share: [0.02, 0.05, 0.1]      # grid, list
 *       interventions.vanguard.cadence: {min: 7, max: 28}    # latin_hypercube, sobol
 *
 * Without scenarios the experiment has one scenario, "base".  The output.*
 * keys (per-agent table, compression) describe the results file, so they are
 * the same for every scenario and cannot be swept; the per-agent table needs
 * every run on one network.
 *
 * Ownership: experiment_load allocates; experiment_free releases. */
#ifndef SIM_EXPERIMENT_H
#define SIM_EXPERIMENT_H

#include <stdint.h>
#include "error.h"
#include "model.h"
#include "scenario.h"

/* What the engine needs from the model registry (kept out of sim/). */
typedef struct experiment_catalog {
    int (*scenario_alloc)(scenario **out, sim_error *err);  /* defaults of every key */
    int (*validate)(const scenario *scn, sim_error *err);   /* cross-key checks */
    const sim_model_type *(*model_of)(const scenario *scn); /* the model model.name names */
} experiment_catalog;

typedef struct experiment {
    char *file;                 /* the experiment file */
    const sim_model_type *model;/* the same for every scenario */
    int32_t days;               /* run.days, the same for every scenario */
    int32_t replicates;
    uint32_t seed;
    int threads;                /* run.threads of the base (0: OpenMP's default); the
                                   scenarios hold 0, as threads never change results */

    int n_scenarios;
    char **names;               /* scenario names, in file order */
    scenario **scenarios;       /* resolved base + overrides (replicates and seed set) */
    int baseline;               /* index of the baseline scenario */

    char *method;               /* "none", "grid", "list", "latin_hypercube", "sobol" */
    int n_params;
    char **params;              /* swept key paths */
    int n_points;               /* 1 without a sweep */
    double *points;             /* [point * n_params + j]: value of params[j] (NULL: no sweep) */

    int agents;                 /* output.agents: the per-agent table (every run on one network) */
    int compression;            /* output.compression: deflate level of the file */

    char *definition;           /* the resolved experiment as YAML (provenance, --resume) */
} experiment;

/* Read and validate path: every scenario and every sweep point is resolved
 * and checked (cross-key validation included) before this returns, so bad
 * input is reported before any run.  sets are "key.path=value" overrides
 * applied to the base (as --set does for a run). */
int experiment_load(const char *path, const experiment_catalog *cat, const char *const *sets,
                    int n_sets, experiment **out, sim_error *err);
void experiment_free(experiment *ex); /* NULL is a no-op */

/* `adoptsim run`'s experiment: one scenario, scn (validated), named after the
 * stem of its file, no sweep, replicates and seed from the scenario. */
int experiment_from_scenario(const scenario *scn, const sim_model_type *model, experiment **out, sim_error *err);

/* The resolved scenario of run (s, p): a copy the caller frees. */
int experiment_config(const experiment *ex, int s, int p, scenario **out, sim_error *err);

/* 1 when a and b build the same network (their network.* and organization.*
 * keys agree). */
int experiment_same_network(const scenario *a, const scenario *b);

/* The first line (1-based) on which texts a and b differ, 0 when they are
 * equal; that line of each goes to line_a and line_b (size bytes each). */
int experiment_diff_line(const char *a, const char *b, char *line_a, char *line_b, size_t size);

#endif
