/* test_engine.c: determinism and kernel equivalence.
 * The same scenario and seed must give bit-identical results for any thread
 * count, and the push (event-driven) kernel must give exactly the results of
 * the full-scan pull kernel.  Sizes are above SIM_PARALLEL_MIN (parallel.h)
 * so that the loops really run on several threads. */
#include <criterion/criterion.h>
#include <string.h>

#include "support.h"

static void expect_identical(const sim_results *a, const sim_results *b, const char *what)
{
    cr_assert_eq(a->n_obs, b->n_obs);
    cr_assert_eq(a->n_rep, b->n_rep);
    cr_assert_eq(a->n_time, b->n_time);
    size_t bytes = (size_t)a->n_obs * (size_t)a->n_rep * (size_t)a->n_time * sizeof(double);
    cr_expect(memcmp(a->data, b->data, bytes) == 0, "%s: results differ", what);
}

static void check_threads(const char *const *sets)
{
    scenario *scn = support_scenario(sets);
    sim_results *r1 = support_run(scn, 1), *r2 = support_run(scn, 2), *r4 = support_run(scn, 4);
    expect_identical(r1, r2, "1 vs 2 threads");
    expect_identical(r1, r4, "1 vs 4 threads");
    engine_results_free(r1);
    engine_results_free(r2);
    engine_results_free(r4);
    scenario_free(scn);
}

Test(engine, bass_identical_for_any_thread_count)
{
    const char *sets[] = {"model.name=bass", "network.type=watts_strogatz", "network.agents=40000",
                          "run.days=80", "run.replicates=2", NULL};
    check_threads(sets);
}

Test(engine, bass_on_organization_identical_for_any_thread_count)
{
    const char *sets[] = {"model.name=bass", "network.type=organization", "network.agents=20000",
                          "run.days=80", NULL};
    check_threads(sets);
}

Test(engine, threshold_identical_for_any_thread_count)
{
    const char *sets[] = {"model.name=threshold", "network.type=watts_strogatz", "network.agents=40000",
                          "model.threshold.sd=0.2", "model.threshold.mean=0.1", "run.days=60", NULL};
    check_threads(sets);
}

static void check_kernels(const char *model, const char *network)
{
    char m[64], t[64], kpush[64], kpull[64];
    snprintf(m, sizeof m, "model.name=%s", model);
    snprintf(t, sizeof t, "network.type=%s", network);
    snprintf(kpush, sizeof kpush, "model.%s.kernel=push", model);
    snprintf(kpull, sizeof kpull, "model.%s.kernel=pull", model);
    const char *a[] = {m, t, "network.agents=40000", "run.days=60", "model.threshold.mean=0.1",
                       "model.threshold.sd=0.2", kpush, NULL};
    const char *b[] = {m, t, "network.agents=40000", "run.days=60", "model.threshold.mean=0.1",
                       "model.threshold.sd=0.2", kpull, NULL};
    scenario *sa = support_scenario(a), *sb = support_scenario(b);
    sim_results *ra = support_run(sa, 2), *rb = support_run(sb, 2);
    expect_identical(ra, rb, "push vs pull");
    cr_expect_gt(engine_result(ra, 0, 0, 60), 0, "nothing adopted: the comparison proves nothing");
    engine_results_free(ra);
    engine_results_free(rb);
    scenario_free(sa);
    scenario_free(sb);
}

Test(engine, bass_push_equals_full_scan) { check_kernels("bass", "watts_strogatz"); }
Test(engine, bass_push_equals_full_scan_on_organization) { check_kernels("bass", "organization"); }
Test(engine, threshold_push_equals_full_scan) { check_kernels("threshold", "watts_strogatz"); }

Test(engine, different_seeds_differ_and_replicates_differ)
{
    const char *a[] = {"model.name=bass", "network.type=ring", "network.agents=5000", "run.days=30",
                       "run.replicates=2", "run.seed=1", NULL};
    const char *b[] = {"model.name=bass", "network.type=ring", "network.agents=5000", "run.days=30",
                       "run.replicates=2", "run.seed=2", NULL};
    scenario *sa = support_scenario(a), *sb = support_scenario(b);
    sim_results *ra = support_run(sa, 2), *rb = support_run(sb, 2);
    cr_expect_neq(engine_result(ra, 0, 0, 30), engine_result(rb, 0, 0, 30));
    cr_expect_neq(engine_result(ra, 0, 0, 30), engine_result(ra, 0, 1, 30));
    engine_results_free(ra);
    engine_results_free(rb);
    scenario_free(sa);
    scenario_free(sb);
}
