/* test_configs.c: the bundled scenarios of the demo and of the verification
 * models say what they do. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "support.h"

static scenario *load(const char *path)
{
    scenario *scn = NULL;
    sim_error err;
    char buf[2048];
    cr_assert_eq(registry_scenario_alloc(&scn, &err), SIM_OK);
    cr_assert_eq(scenario_load_file(scn, path, &err), SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    cr_assert_eq(registry_validate(scn, &err), SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    return scn;
}

/* default.yaml, the scenario README starts from, is the genai model's
 * stalled push: every resolved key the same as stalled_push.yaml's. */
Test(configs, default_is_the_stalled_push)
{
    scenario *d = load("configs/default.yaml"), *s = load("configs/stalled_push.yaml");
    cr_expect_str_eq(scenario_string(d, "model.name"), "genai");
    char *yd = scenario_to_yaml(d), *ys = scenario_to_yaml(s);
    cr_assert(yd && ys);
    cr_expect_str_eq(yd, ys);
    free(yd);
    free(ys);
    scenario_free(d);
    scenario_free(s);
}

/* The verification scenarios load, and the cascade one does what its
 * header says: one random initial adopter per replicate, and with k = 4
 * (everyone vulnerable at 0.18) every replicate reaches everyone. */
Test(configs, verification_scenarios)
{
    const char *files[] = {"configs/bass_complete.yaml", "configs/bass_ws.yaml", "configs/bass_organization.yaml",
                           "configs/threshold_complete.yaml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) scenario_free(load(files[i]));
    scenario *scn = load("configs/threshold_cascade.yaml");
    cr_assert_eq(scenario_int(scn, "model.threshold.initial_adopters"), 1);
    cr_assert_eq(scenario_set(scn, "run.replicates=4", NULL), SIM_OK);
    sim_results *res = support_run(scn, 2);
    int32_t last = res->n_time - 1, n = (int32_t)scenario_int(scn, "network.agents");
    for (int32_t r = 0; r < res->n_rep; r++) {
        cr_expect_eq(engine_result(res, 0, r, 0), 1, "replicate %d", (int)r);
        cr_expect_eq(engine_result(res, 0, r, last), n, "replicate %d", (int)r);
    }
    engine_results_free(res);
    scenario_free(scn);
}

/* The scenarios that say they are the stalled push plus something (the
 * steps, the programmes, the push in other organizations) run the push as
 * stalled_push.yaml does: licences on day 1 and the launch speech repeated
 * monthly to day 365, so their figures compare with the push's. */
Test(configs, scenarios_on_the_stalled_push_repeat_its_launch)
{
    const char *files[] = {"configs/step_permission.yaml", "configs/step_vanguard.yaml",
                           "configs/step_leadership.yaml", "configs/step_reverse_mentoring.yaml",
                           "configs/four_steps.yaml", "configs/change_management.yaml",
                           "configs/training_and_peer_mentoring.yaml", "configs/firm_500.yaml",
                           "configs/enterprise_20000.yaml", "configs/startup_50.yaml", "configs/leaders_ahead.yaml",
                           "configs/own_orgchart.yaml", "configs/mentorship_gap.yaml"};
    const char *days[] = {"interventions.licences.start", "interventions.launch.start", "interventions.launch.every",
                          "interventions.launch.end"};
    scenario *push = load("configs/stalled_push.yaml");
    cr_assert_eq(scenario_int(push, "interventions.launch.every"), 30);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        scenario *s = load(files[i]);
        cr_expect(scenario_bool(s, "interventions.launch.enabled"), "%s", files[i]);
        for (size_t k = 0; k < sizeof days / sizeof days[0]; k++)
            cr_expect_eq(scenario_int(s, days[k]), scenario_int(push, days[k]), "%s: %s", files[i], days[k]);
        cr_expect_eq(scenario_double(s, "interventions.launch.hours"), scenario_double(push, "interventions.launch.hours"),
                     "%s", files[i]);
        scenario_free(s);
    }
    scenario_free(push);
}
