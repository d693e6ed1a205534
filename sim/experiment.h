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
 *     method: grid              # grid | list | latin_hypercube | sobol | morris | saltelli
 *     points: 16                # latin_hypercube and sobol; saltelli: N
 *     trajectories: 10          # morris: r (and levels: p, default 4)
 *     parameters:
 *       interventions.vanguard.share: [0.02, 0.05, 0.1]      # grid, list
 *       interventions.vanguard.cadence: {min: 7, max: 28}    # the range methods
 *       model.genai.base_rate: {min: 0.001, max: 0.1, scale: log}
 *   uncertainty:                # optional: parameter uncertainty (uncertainty.h)
 *     include: priors_genai.yaml
 *     parameters:
 *       model.genai.use.peers: {distribution: uniform, min: 1, max: 2}
 *
 * Without scenarios the experiment has one scenario, "base".  The top-level
 * keys (base, replicates, seed, baseline, sweep.method, sweep.points,
 * sweep.trajectories, sweep.levels) are the rows of experiment_params, checked like scenario keys (file:line:column:
 * key errors, "did you mean"); `adoptsim params` lists them.
 *
 * Precedence, lowest first: the base file < the uncertainty section's
 * draws < a scenario's own overrides < the sweep's values < the command
 * line (--set, --seed, --replicates, --threads).  So:
 * - a --set applies to every scenario, after its overrides; where it
 *   overrides a scenario's own value, a warning names the scenario and the
 *   file:line:column it overrides;
 * - a --set of a key the sweep varies is an error naming both (the sweep
 *   would overwrite it);
 * - a scenario that sets a key the sweep varies is an error (likewise);
 * - run.replicates and run.seed come from --replicates/--seed, else the
 *   top-level replicates and seed, else the base; a scenario may not set
 *   them, nor run.threads (--threads or the base's), nor may the sweep vary
 *   any run.* or output.* key.
 * Parameter uncertainty: the base file's uncertainty section, then this
 * file's (a later definition of a key replaces an earlier one), give keys
 * distributions; replicate r of every scenario and point takes the values
 * of draw r / replicates_per_draw (common random numbers over parameters
 * too).  Then:
 * - a --set of an uncertain key fixes it for every run (a warning);
 * - a scenario that sets an uncertain key keeps its own value (a warning):
 *   the key is not drawn in that scenario's runs (unc_fixed);
 * - a key both swept and uncertain is an error, and so is a key that a
 *   scenario file both sets and draws in its own section;
 * - uncertain keys that act in none of the scenarios are not drawn (a
 *   warning naming them);
 * - every run's scenario (each configuration with each draw) passes the
 *   cross-key checks before any run.
 * Keys given (in the base, a scenario, the sweep or with --set) that act in
 * none of the experiment's runs (a model not selected, an intervention
 * enabled nowhere) are warnings in ex->warnings, as are the model's warnings
 * about any run (each said once).
 * The output.* keys (per-agent table, compression, observables, breakdowns,
 * every, days) describe the results file, so they are the same for every scenario and cannot be swept; the
 * per-agent table needs every run on one network.
 *
 * Ownership: experiment_load allocates; experiment_free releases. */
#ifndef SIM_EXPERIMENT_H
#define SIM_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>
#include "engine.h"
#include "error.h"
#include "model.h"
#include "scenario.h"
#include "uncertainty.h"

/* What the engine needs from the model registry (kept out of sim/). */
typedef struct experiment_catalog {
    int (*scenario_alloc)(scenario **out, sim_error *err);  /* defaults of every key */
    int (*validate)(const scenario *scn, sim_error *err);   /* cross-key checks */
    const sim_model_type *(*model_of)(const scenario *scn); /* the model model.name names */
    /* 1 (and why) if key path cannot act in scn (registry_key_inert); NULL: never */
    int (*key_inert)(const scenario *scn, const char *path, char *why, size_t size);
    /* the model's warnings about one run's scenario (registry_model_warnings); NULL: none */
    void (*warnings)(const scenario *scn, sim_warnings *out);
} experiment_catalog;

/* The top-level keys of an experiment file (PARAM_END closed). */
extern const param_def experiment_params[];

typedef struct experiment {
    char *file;                 /* the experiment file */
    const sim_model_type *model;/* the same for every scenario */
    int32_t days;               /* run.days, the same for every scenario */
    char start_date[16];        /* run.start_date, the same for every scenario: "" none, else
                                   YYYY-MM-DD (the time axis's CF units "days since ...") */
    int32_t replicates;
    uint32_t seed;
    int threads;                /* run.threads of the base (0: OpenMP's default); the
                                   scenarios hold 0, as threads never change results */

    int n_scenarios;
    char **names;               /* scenario names, in file order */
    scenario **scenarios;       /* resolved base + overrides (replicates and seed set) */
    int baseline;               /* index of the baseline scenario */

    char *method;               /* "none" or a sweep method's name (sweep.h) */
    int n_params;
    char **params;              /* swept key paths */
    int *param_line, *param_column; /* where each is given in file (the sweep's values are
                                   recorded as set there) */
    int n_points;               /* 1 without a sweep */
    double *points;             /* [point * n_params + j]: value of params[j] (NULL: no sweep) */
    /* range methods (latin_hypercube, sobol, morris, saltelli); NULL / 0 otherwise: */
    double *unit;               /* [point * n_params + j]: the design in the unit cube, before
                                   the mapping onto the range and rounding */
    double *range_min, *range_max; /* [n_params]: each key's range */
    int *log_scale;             /* [n_params]: 1 when mapped log-uniformly (scale: log) */
    long long sweep_points;     /* sweep.points of latin_hypercube, sobol; saltelli's N */
    int trajectories, levels;   /* morris's r and p */

    /* parameter uncertainty: replicate r takes the values of draw
     * r / unc.per_draw of the unc.n uncertain keys (unc.n == 0: none) */
    uncertainty unc;
    unsigned char *unc_fixed;   /* [s * unc.n + j]: 1 when scenario s keeps its own value of key j */
    int32_t n_draws;            /* ceil(replicates / unc.per_draw); 0 without uncertainty */

    int agents;                 /* output.agents: the per-agent table (every run on one network) */
    int compression;            /* output.compression: deflate level of the file */
    engine_output output;       /* output.observables, breakdowns, every, days: what the file keeps */

    char *definition;           /* the resolved experiment as YAML (provenance, --resume) */
    sim_warnings warnings;      /* found while loading: for the caller to show */
} experiment;

/* Read and validate path: every scenario and every sweep point is resolved
 * and checked (cross-key validation included) before this returns, so bad
 * input is reported before any run.  sets are the command line's
 * "key.path=value" overrides, applied to every scenario last (see the
 * precedence above); their errors name file "--set". */
int experiment_load(const char *path, const experiment_catalog *cat, const char *const *sets,
                    int n_sets, experiment **out, sim_error *err);
void experiment_free(experiment *ex); /* NULL is a no-op */

/* `adoptsim run`'s experiment: one scenario, scn (validated), named after the
 * stem of its file, no sweep, replicates and seed from the scenario. */
int experiment_from_scenario(const scenario *scn, const sim_model_type *model, experiment **out, sim_error *err);

/* The resolved scenario of run (s, p): a copy the caller frees (it points
 * at ex->file: free it before ex).  The sweep's values are set as numbers
 * (scenario_set_number), recorded as given at the sweep's keys. */
int experiment_config(const experiment *ex, int s, int p, scenario **out, sim_error *err);

/* The parameter draw replicate r takes (r itself without uncertainty). */
static inline uint32_t experiment_draw_of(const experiment *ex, int32_t r)
{
    return ex->unc.n > 0 && ex->unc.per_draw > 1 ? (uint32_t)(r / ex->unc.per_draw) : (uint32_t)r;
}

/* Set the values of a draw (values[j] for ex->unc.p[j], from
 * uncertainty_draw with ex->seed) into scn, a configuration of scenario s
 * (experiment_config): every uncertain key but those scenario s keeps,
 * recorded as given where its distribution is written. */
int experiment_apply_draw(const experiment *ex, int s, scenario *scn, const double *values, sim_error *err);

/* The resolved scenario of run (s, p, r): experiment_config with the draw
 * of replicate r applied (a copy the caller frees, before ex). */
int experiment_run_config(const experiment *ex, int s, int p, int32_t r, scenario **out, sim_error *err);

/* `adoptsim run`'s uncertainty: read the uncertainty section of the
 * scenario file path (the file of ex->scenarios[0], an experiment from
 * experiment_from_scenario), with the rules above (a --set fixes a key, the
 * file may not both set and draw a key, keys that act nowhere are dropped),
 * check every draw and refresh the definition.  Warnings go to
 * ex->warnings.  A file without a section changes nothing. */
int experiment_uncertainty_from_file(experiment *ex, const char *path, const experiment_catalog *cat,
                                     sim_error *err);

/* 1 when a and b build the same network (their network.* and organization.*
 * keys agree). */
int experiment_same_network(const scenario *a, const scenario *b);

/* The first line (1-based) on which texts a and b differ, 0 when they are
 * equal; that line of each goes to line_a and line_b (size bytes each). */
int experiment_diff_line(const char *a, const char *b, char *line_a, char *line_b, size_t size);

#endif
