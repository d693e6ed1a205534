/* test_threshold.c: the threshold model against Granovetter's and Watts's results. */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "registry.h"
#include "support.h"
#include "threshold.h"

enum { OBS_ADOPTERS = 0, OBS_NEW = 1, OBS_SHARE = 2 };

/* Granovetter's riot: thresholds 0, 1, ..., N-1 (counts) cascade one agent a day. */
Test(threshold, sequence_gives_a_full_cascade)
{
    const char *sets[] = {"model.name=threshold", "network.type=complete", "network.agents=100",
                          "model.threshold.distribution=sequence", "run.days=105", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 2);
    for (int32_t t = 0; t <= 105; t++)
        cr_assert_eq(engine_result(res, OBS_ADOPTERS, 0, t), t < 100 ? t : 100, "day %d", (int)t);
    engine_results_free(res);
    scenario_free(scn);
}

/* ... and raising the single threshold-1 agent to 2 stops it at one adopter. */
Test(threshold, raising_one_threshold_stops_the_cascade)
{
    const char *sets[] = {"model.name=threshold", "network.type=complete", "network.agents=100",
                          "model.threshold.distribution=sequence", NULL};
    scenario *scn = support_scenario(sets);
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(network_complete(100, &net, &err), SIM_OK);
    sim_context ctx = {scn, net, rng_key_make(1, 0), 200};
    void *state = NULL;
    cr_assert_eq(threshold_model.alloc(&ctx, &state, &err), SIM_OK);
    threshold_model.init(state, &ctx);
    threshold_set_needed(state, 1, 2);
    double v[3];
    for (int32_t day = 1; day <= 200; day++) threshold_model.step(state, &ctx, day);
    threshold_model.observe(state, &ctx, v, NULL, NULL);
    cr_expect_eq(v[OBS_ADOPTERS], 1);
    threshold_model.free(state);
    network_free(net);
    scenario_free(scn);
}

/* Smallest fixed point of x = Phi((x - mean) / sd), by iteration from 0. */
static double fixed_point(double mean, double sd)
{
    double x = 0;
    for (int i = 0; i < 100000; i++) x = gsl_cdf_ugaussian_P((x - mean) / sd);
    return x;
}

static void check_final_share(const char *sd_text, double sd, int n, int reps)
{
    char sn[64], ss[64], sr[64];
    snprintf(sn, sizeof sn, "network.agents=%d", n);
    snprintf(ss, sizeof ss, "model.threshold.sd=%s", sd_text);
    snprintf(sr, sizeof sr, "run.replicates=%d", reps);
    const char *sets[] = {"model.name=threshold", "network.type=complete", sn,
                          "model.threshold.distribution=normal", "model.threshold.mean=0.25", ss,
                          sr, "run.days=200", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 2);
    double mean = 0, m2 = 0;
    for (int32_t r = 0; r < reps; r++) mean += engine_result(res, OBS_SHARE, r, 200) / reps;
    for (int32_t r = 0; r < reps; r++) m2 += pow(engine_result(res, OBS_SHARE, r, 200) - mean, 2);
    double se = sqrt(m2 / (reps - 1) / reps);
    double expect = fixed_point(0.25, sd), tol = 5 * se + 2.0 / n;
    cr_expect_leq(fabs(mean - expect), tol, "sd %g: final share %.4f, fixed point %.4f, tol %.4f", sd,
                  mean, expect, tol);
    engine_results_free(res);
    scenario_free(scn);
}

Test(threshold, stalls_at_the_small_fixed_point) { check_final_share("0.12", 0.12, 10000, 10); }
Test(threshold, cascades_past_the_tipping_point) { check_final_share("0.2", 0.2, 10000, 5); }

Test(threshold, fixed_points_quoted_in_the_brief)
{
    cr_expect_lt(fabs(fixed_point(0.25, 0.12) - 0.04), 0.01);
    cr_expect_gt(fixed_point(0.25, 0.125), 0.99);
}
