/* experiment.c (fuzz): the experiment reader.  An input is an experiment
 * file, read and validated by experiment_load with the models' catalog (as
 * `adoptsim experiment` does, the defaults copied from one
 * registry_scenario_alloc); its base may name the fixed base.yaml next to
 * it.  A loaded experiment gives the scenario of its first and last run. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "experiment.h"
#include "registry.h"

/* Every default, made once: experiment_load starts from a copy (parsing the
 * table's defaults again for each input would be most of the time). */
static scenario *defaults;

static void free_defaults(void)
{
    scenario_free(defaults);
}

static int copy_defaults(scenario **out, sim_error *err)
{
    if (!defaults) {
        int rc = registry_scenario_alloc(&defaults, err);
        if (rc) return rc;
        atexit(free_defaults);
    }
    if (!(*out = scenario_copy(defaults)))
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    return SIM_OK;
}

static const experiment_catalog catalog = {copy_defaults, registry_validate, registry_scenario_model,
                                           registry_key_inert, registry_model_warnings};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[600], buf[2048];
    sim_error err;
    experiment *ex = NULL;
    fuzz_write("in.yaml", data, size, path, sizeof path);
    int files = fuzz_open_files();
    if (experiment_load(path, &catalog, NULL, 0, &ex, &err) != SIM_OK) {
        fuzz_check_open_files(files);
        return 0;
    }
    int last_s = ex->n_scenarios - 1, last_p = ex->n_points - 1;
    for (int k = 0; k < 2; k++) {
        scenario *scn = NULL;
        if (experiment_config(ex, k ? last_s : 0, k ? last_p : 0, &scn, &err) != SIM_OK) {
            fprintf(stderr, "fuzz: a loaded experiment's run has no scenario: %s\n",
                    sim_error_format(&err, buf, sizeof buf));
            abort();
        }
        scenario_free(scn);
    }
    experiment_free(ex);
    fuzz_check_open_files(files);
    return 0;
}
