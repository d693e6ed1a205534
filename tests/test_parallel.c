/* test_parallel.c: the genai model's two ways of running its passes
 * (sim/parallel.h): below sim_parallel_min() staff plain calls that enter no
 * OpenMP region, from it one region a day on the team.  Both must give
 * bit-identical results on either side of the threshold, which the tests
 * move with sim_parallel_min_set(); so must the vectorized and plain builds
 * of the decision pass's loops (genai_batch.c).
 *
 * Regions are counted by wrapping libgomp's GOMP_parallel, which every
 * `#pragma omp parallel` (with or without an `if` clause) compiles to a
 * call of: the test binary is linked with --wrap=GOMP_parallel, so the
 * program's calls come here and go on to libgomp's. */
#include <criterion/criterion.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genai_internal.h"
#include "parallel.h"
#include "registry.h"
#include "support.h"

static long regions; /* GOMP_parallel calls so far */

void __real_GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
void __wrap_GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
void __wrap_GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags)
{
    __atomic_fetch_add(&regions, 1, __ATOMIC_RELAXED);
    __real_GOMP_parallel(fn, data, num_threads, flags);
}

/* Every intervention, from day 30, so that the passes meet all they act on:
 * many agents changing on one day (the peer counts recounted) and few
 * (pushed), sessions, permission, accountability's compliance tasks. */
#define EVERYTHING "model.name=genai", "network.type=organization", "organization.span=10", \
    "interventions.licences.enabled=true", "interventions.launch.enabled=true", \
    "interventions.permission.enabled=true", "interventions.permission.start=30", \
    "interventions.vanguard.enabled=true", "interventions.vanguard.start=30", \
    "interventions.leadership.enabled=true", "interventions.leadership.start=30", \
    "interventions.reverse_mentoring.enabled=true", "interventions.reverse_mentoring.start=30", \
    "interventions.training.enabled=true", "interventions.training.start=30", \
    "interventions.peer_mentoring.enabled=true", "interventions.peer_mentoring.start=30", \
    "interventions.reinforcement.enabled=true", "interventions.reinforcement.start=30", \
    "interventions.accountability.enabled=true", "interventions.accountability.start=30"

/* Run the scenario (its network built first) on `threads` threads with the
 * threshold at `threshold`; *during_run gets the regions entered by the
 * simulation alone. */
static sim_results *run_with(const scenario *scn, int threads, int32_t threshold, long *during_run)
{
    sim_error err;
    char buf[2048];
    sim_network *net = NULL;
    sim_results *res = NULL;
    omp_set_num_threads(threads);
    sim_parallel_min_set(threshold);
    int rc = network_build(scn, (uint32_t)scenario_int(scn, "run.seed"), &net, &err);
    cr_assert_eq(rc, SIM_OK, "network_build: %s", sim_error_format(&err, buf, sizeof buf));
    long before = __atomic_load_n(&regions, __ATOMIC_RELAXED);
    res = support_run_network(scn, net);
    *during_run = __atomic_load_n(&regions, __ATOMIC_RELAXED) - before;
    network_free(net);
    sim_parallel_min_set(0);
    return res;
}

static void expect_same(const sim_results *a, const sim_results *b, const char *what)
{
    size_t cells = (size_t)a->n_obs * (size_t)a->n_rep * (size_t)a->n_time;
    cr_assert_eq(a->n_levels, b->n_levels);
    cr_expect(memcmp(a->data, b->data, cells * sizeof(double)) == 0, "%s: observables differ", what);
    cr_expect(memcmp(a->by_generation, b->by_generation, cells * NET_GENERATIONS * sizeof(double)) == 0,
              "%s: breakdown by generation differs", what);
    cr_expect(memcmp(a->by_level, b->by_level, cells * (size_t)a->n_levels * sizeof(double)) == 0,
              "%s: breakdown by level differs", what);
}

/* The staff count n on 2 threads with the threshold at 3,000: n = 2,999
 * takes the serial path, n = 3,000 the parallel one; each must equal the
 * other path forced for the same n. */
static void check_threshold_side(const char *agents, int parallel)
{
    const int32_t threshold = 3000, days = 120, reps = 2;
    const char *sets[] = {EVERYTHING, agents, "run.days=120", "run.replicates=2", NULL};
    scenario *scn = support_scenario(sets);
    long natural_regions, forced_regions;
    sim_results *natural = run_with(scn, 2, threshold, &natural_regions);
    /* the other path: threshold 1 puts everyone on the team, INT32_MAX no one */
    sim_results *forced = run_with(scn, 2, parallel ? INT32_MAX : 1, &forced_regions);
    long serial_regions = parallel ? forced_regions : natural_regions;
    long team_regions = parallel ? natural_regions : forced_regions;
    cr_expect_eq(serial_regions, 0, "%s: the serial path entered %ld OpenMP regions", agents, serial_regions);
    /* the parallel path: one region a day, plus one for the draws of each
     * replicate's traits and one for its day-0 tallies */
    cr_expect_eq(team_regions, (long)reps * (days + 2), "%s: the parallel path entered %ld regions, not %ld",
                 agents, team_regions, (long)reps * (days + 2));
    expect_same(natural, forced, agents);
    engine_results_free(natural);
    engine_results_free(forced);
    scenario_free(scn);
}

Test(parallel, serial_path_just_below_the_threshold_matches_the_team, .timeout = 120)
{
    check_threshold_side("network.agents=2999", 0);
}

Test(parallel, team_path_at_the_threshold_matches_the_serial_one, .timeout = 120)
{
    check_threshold_side("network.agents=3000", 1);
}

Test(parallel, threshold_defaults_to_sim_parallel_min)
{
    cr_expect_eq(sim_parallel_min(), SIM_PARALLEL_MIN);
    sim_parallel_min_set(10);
    cr_expect_eq(sim_parallel_min(), 10);
    sim_parallel_min_set(0);
    cr_expect_eq(sim_parallel_min(), SIM_PARALLEL_MIN);
}

/* The decision pass's vectorized loops (models/genai_batch.c) give the
 * same results with AVX-512 and in their plain build (the only one a CPU
 * without AVX-512 runs), on both paths; every intervention and two
 * replicates meet recoveries, compliance uses and the exact fallback of the
 * logistic table. */
Test(parallel, vectorized_and_plain_decision_loops_match, .timeout = 120)
{
    const char *sets[] = {EVERYTHING, "network.agents=3000", "run.days=120", "run.replicates=2", NULL};
    scenario *scn = support_scenario(sets);
    long ignored;
    for (int parallel = 0; parallel <= 1; parallel++) {
        int32_t threshold = parallel ? 1 : INT32_MAX;
        genai_batch_simd_set(1);
        sim_results *fast = run_with(scn, 2, threshold, &ignored);
        genai_batch_simd_set(0);
        sim_results *plain = run_with(scn, 2, threshold, &ignored);
        genai_batch_simd_set(1);
        expect_same(fast, plain, parallel ? "team path" : "serial path");
        engine_results_free(fast);
        engine_results_free(plain);
    }
    scenario_free(scn);
}

/* genai.h: interventions never write history or shown, which the day's
 * pass 1a reads while they run and whose changes the decision pass counts
 * the day before.  Every intervention's apply, day after day in a run with
 * all of them (sessions, pairings, check-ins), leaves both untouched. */
Test(parallel, interventions_never_write_the_record_of_use, .timeout = 120)
{
    const char *sets[] = {EVERYTHING, "network.agents=2000", "run.days=150", NULL};
    scenario *scn = support_scenario(sets);
    sim_error err;
    char buf[2048];
    sim_network *net = NULL;
    cr_assert_eq(network_build(scn, 1, &net, &err), SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    const sim_model_type *m = registry_scenario_model(scn);
    sim_context ctx = {scn, net, rng_key_make(1, 0), 150};
    void *state = NULL;
    cr_assert_eq(m->alloc(&ctx, &state, &err), SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    genai_state *s = state;
    cr_assert_eq(s->n_iv, 10, "expected every intervention, got %d", s->n_iv);
    genai_world *w = &s->w;
    const size_t bytes = (size_t)w->n * sizeof(uint32_t);
    uint32_t *history = malloc(bytes), *shown = malloc(bytes);
    m->init(state, &ctx);
    for (int32_t day = 1; day <= 150; day++) {
        w->day = day;
        for (int k = 0; k < s->n_iv; k++) {
            memcpy(history, w->history, bytes);
            memcpy(shown, w->shown, bytes);
            s->iv[k]->apply(s->iv_state[k], w, day);
            cr_assert(memcmp(history, w->history, bytes) == 0 && memcmp(shown, w->shown, bytes) == 0,
                      "%s changed the record of use on day %d", s->iv[k]->name, (int)day);
        }
        m->step(state, &ctx, day); /* applies them again (idempotent per day or not: only the check matters) */
    }
    free(history);
    free(shown);
    m->free(state);
    network_free(net);
    scenario_free(scn);
}

/* What libgomp reports it read (OMP_DISPLAY_ENV) when the program runs
 * with the environment `env` (assignments for env(1), after removing any
 * OMP_WAIT_POLICY and GOMP_SPINCOUNT of the test's own environment). */
static char *omp_settings(const char *env)
{
    const char *bin = getenv("ADOPTSIM");
    char *dir = support_tmpdir(), *out = support_path(dir, "env.txt");
    int rc = support_shell("env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT OMP_DISPLAY_ENV=verbose %s '%s' --version "
                           ">/dev/null 2>'%s'",
                           env, bin && *bin ? bin : "./adoptsim", out);
    cr_assert_eq(rc, 0, "adoptsim --version failed");
    FILE *f = fopen(out, "r");
    cr_assert(f != NULL);
    static char text[16384];
    size_t len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    free(out);
    support_rmdir(dir);
    return text;
}

/* sim/parallel.h: the program sets a short spin before idle threads sleep,
 * unless the user chose a wait policy or a spin count. */
Test(parallel, program_sets_a_short_spin_unless_the_user_chose)
{
    char want[64];
    snprintf(want, sizeof want, "GOMP_SPINCOUNT = '%s'", SIM_SPINCOUNT);
    cr_expect(strstr(omp_settings(""), want) != NULL, "the program's spin count is not in effect:\n%s",
              omp_settings(""));
    cr_expect(strstr(omp_settings("GOMP_SPINCOUNT=77"), "GOMP_SPINCOUNT = '77'") != NULL,
              "the user's GOMP_SPINCOUNT was overridden");
    const char *active = omp_settings("OMP_WAIT_POLICY=active");
    cr_expect(strstr(active, "OMP_WAIT_POLICY = 'ACTIVE'") != NULL && strstr(active, want) == NULL,
              "the user's OMP_WAIT_POLICY was overridden:\n%s", active);
}

/* The Bass model and the contagion it commits to (models/bass.c,
 * sim/contagion.c) take the same two paths: below the threshold no OpenMP
 * region and no atomic adds, from it the team; the results, adoption days
 * and causes included, are the same bytes either way. */
Test(parallel, bass_serial_path_matches_the_team, .timeout = 60)
{
    const char *sets[] = {"model.name=bass", "network.type=watts_strogatz", "network.agents=3000",
                          "model.bass.initial_share=0.01", "run.days=60", "run.replicates=2",
                          "output.agents=true", NULL};
    scenario *scn = support_scenario(sets);
    long serial_regions, team_regions;
    sim_results *serial = run_with(scn, 2, INT32_MAX, &serial_regions);
    sim_results *team = run_with(scn, 2, 1, &team_regions);
    cr_expect_eq(serial_regions, 0, "the serial path entered %ld OpenMP regions", serial_regions);
    cr_expect_gt(team_regions, 0, "the team path entered no OpenMP region");
    size_t cells = (size_t)serial->n_obs * 2 * 61, agents = (size_t)serial->n_agent_fields * 2 * 3000;
    cr_assert_eq(serial->n_agent_fields, 4);
    cr_expect(memcmp(serial->data, team->data, cells * sizeof(double)) == 0, "series differ");
    cr_expect(memcmp(serial->agents, team->agents, agents * sizeof(double)) == 0, "per-agent values differ");
    cr_expect_gt(engine_result(serial, 4, 1, 60), 100, "too few internal adoptions to test the counts");
    engine_results_free(serial);
    engine_results_free(team);
    scenario_free(scn);
}

/* sim_blocks: every block goes to exactly one thread, even threads take
 * theirs from the front in increasing order and odd ones from the back in
 * decreasing order, and with two threads taking at the same pace each keeps
 * to its own half (the cache locality the genai passes rely on). */
Test(parallel, blocks_go_out_once_from_both_ends)
{
    enum { N = 1000, ROUNDS = 20 };
    static sim_blocks q;
    for (int threads = 1; threads <= 4; threads++)
        for (int round = 0; round < ROUNDS; round++) {
            int taken[N] = {0}, order_ok = 1;
            sim_blocks_reset(&q, N);
            #pragma omp parallel num_threads(threads)
            {
                const int t = omp_get_thread_num();
                int32_t last = t & 1 ? N : -1;
                for (int32_t b; (b = sim_blocks_next(&q, t)) >= 0;) {
                    __atomic_fetch_add(&taken[b], 1, __ATOMIC_RELAXED);
                    if (t & 1 ? b >= last : b <= last) __atomic_store_n(&order_ok, 0, __ATOMIC_RELAXED);
                    last = b;
                }
            }
            for (int b = 0; b < N; b++)
                cr_assert_eq(taken[b], 1, "%d threads: block %d taken %d times", threads, b, taken[b]);
            cr_expect(order_ok, "%d threads: a thread took its blocks out of order", threads);
        }
    /* taking in turn, two threads meet in the middle */
    sim_blocks_reset(&q, 10);
    for (int k = 0; k < 5; k++) {
        cr_expect_eq(sim_blocks_next(&q, 0), k);
        cr_expect_eq(sim_blocks_next(&q, 1), 9 - k);
    }
    cr_expect_eq(sim_blocks_next(&q, 0), -1);
    cr_expect_eq(sim_blocks_next(&q, 1), -1);
    sim_blocks_reset(&q, 0);
    cr_expect_eq(sim_blocks_next(&q, 0), -1, "no blocks: none to take");
}
