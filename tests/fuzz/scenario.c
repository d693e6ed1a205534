/* scenario.c (fuzz): the scenario reader.  An input is a scenario file,
 * loaded with scenario_load_file over the full parameter table (a copy of
 * registry_scenario_alloc's defaults), then checked by the cross-key
 * validation.  A valid scenario is written back as YAML (scenario_to_yaml), which must load again
 * to the same text, and its network is built when that is cheap: a network
 * read from a file next to the input (network.file without a '/': the fixed
 * chart.csv, edges.csv, graph.csr, or the input itself) or a generated one
 * of at most MAX_AGENTS agents. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network.h"
#include "registry.h"
#include "scenario.h"

#define MAX_AGENTS 500

/* Every default, made once: each input starts from a copy (parsing the
 * table's defaults again for each input would be most of the time). */
static scenario *defaults;

static void free_defaults(void)
{
    scenario_free(defaults);
}

static void fail(const char *what, const sim_error *err)
{
    char buf[2048];
    fprintf(stderr, "fuzz: %s: %s\n", what, err ? sim_error_format(err, buf, sizeof buf) : "");
    abort();
}

/* 1 when the scenario's network is cheap to build here. */
static int cheap_network(const scenario *scn)
{
    const char *type = scenario_string(scn, "network.type");
    if (!strcmp(type, "orgchart") || !strcmp(type, "edgelist"))
        return strchr(scenario_string(scn, "network.file"), '/') == NULL;
    return scenario_int(scn, "network.agents") <= MAX_AGENTS;
}

/* The resolved YAML must read back to the same scenario. */
static void check_round_trip(const char *yaml)
{
    char path[600];
    sim_error err;
    scenario *again = NULL;
    fuzz_write("again.yaml", (const uint8_t *)yaml, strlen(yaml), path, sizeof path);
    if (!(again = scenario_copy(defaults))) fail("out of memory", NULL);
    if (scenario_load_file(again, path, &err)) fail("the resolved scenario does not load", &err);
    if (registry_validate(again, &err)) fail("the resolved scenario is not valid", &err);
    char *yaml2 = scenario_to_yaml(again);
    if (!yaml2) fail("out of memory", NULL);
    if (strcmp(yaml, yaml2) != 0) {
        fprintf(stderr, "fuzz: the resolved scenario reads back differently:\n%s\n---\n%s\n", yaml,
                yaml2);
        abort();
    }
    free(yaml2);
    scenario_free(again);
    remove(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[600];
    sim_error err;
    scenario *scn = NULL;
    fuzz_write("in.yaml", data, size, path, sizeof path);
    int files = fuzz_open_files();
    if (!defaults) {
        if (registry_scenario_alloc(&defaults, &err)) fail("defaults", &err);
        atexit(free_defaults);
    }
    if (!(scn = scenario_copy(defaults))) fail("out of memory", NULL);
    if (scenario_load_file(scn, path, &err) == SIM_OK && registry_validate(scn, &err) == SIM_OK) {
        char *yaml = scenario_to_yaml(scn);
        if (!yaml) fail("out of memory", NULL);
        check_round_trip(yaml);
        free(yaml);
        if (cheap_network(scn)) {
            sim_network *net = NULL;
            if (network_build(scn, (uint32_t)scenario_int(scn, "run.seed"), &net, &err) == SIM_OK)
                fuzz_check_network(net, 1);
            network_free(net);
        }
    }
    scenario_free(scn);
    fuzz_check_open_files(files);
    return 0;
}
