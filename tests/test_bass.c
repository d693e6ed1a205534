/* test_bass.c: the Bass model against known results.
 *
 * Tolerances come from the run-to-run spread, never from a guess:
 * - one-step test: given A adopters of N on the complete graph, the number
 *   adopting next day is exactly Binomial(N - A, p + q A/(N-1)).  Every
 *   (replicate, day) gives a z-score; their mean must be 0 within 4/sqrt(M)
 *   and their mean square 1 within 4 sqrt(2/M) (M z-scores), max |z| < 6.
 * - curve test: the mean share over R replicates must follow the map
 *   F(t+1) = F(t) + (p + q F(t)) (1 - F(t)) within 5 standard errors (the
 *   measured replicate spread / sqrt(R)) plus 2/N, which covers the O(1/N)
 *   differences between the agent model and the map (A/(N-1) instead of
 *   A/N, and the curvature term -q Var F).  At N = 10,000 the spread near
 *   the peak is about 0.01 (MODEL.md), so with R = 40 the band is about
 *   0.008 + 0.0002. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "support.h"

enum { OBS_ADOPTERS = 0, OBS_NEW = 1, OBS_SHARE = 2 };

static sim_results *run_complete(const char *p, const char *q, const char *f0, int n, int days, int reps)
{
    char sp[64], sq[64], sf[64], sn[64], sd[64], sr[64];
    snprintf(sp, sizeof sp, "model.bass.p=%s", p);
    snprintf(sq, sizeof sq, "model.bass.q=%s", q);
    snprintf(sf, sizeof sf, "model.bass.initial_share=%s", f0);
    snprintf(sn, sizeof sn, "network.agents=%d", n);
    snprintf(sd, sizeof sd, "run.days=%d", days);
    snprintf(sr, sizeof sr, "run.replicates=%d", reps);
    const char *sets[] = {"model.name=bass", "network.type=complete", sp, sq, sf, sn, sd, sr, NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 2);
    scenario_free(scn);
    return res;
}

/* The exact conditional law of one day, replicate by replicate. */
static void check_one_step(const sim_results *res, double p, double q, int n)
{
    double sum = 0, sum2 = 0, zmax = 0;
    long m = 0;
    for (int32_t r = 0; r < res->n_rep; r++) {
        for (int32_t t = 0; t + 1 < res->n_time; t++) {
            double a = engine_result(res, OBS_ADOPTERS, r, t);
            double added = engine_result(res, OBS_NEW, r, t + 1);
            double prob = fmin(1.0, p + q * a / (n - 1));
            double var = (n - a) * prob * (1 - prob);
            if (var < 1) continue; /* no information left (or a degenerate law) */
            double z = (added - (n - a) * prob) / sqrt(var);
            sum += z;
            sum2 += z * z;
            zmax = fmax(zmax, fabs(z));
            m++;
        }
    }
    cr_assert_gt(m, 50, "too few informative days (%ld)", m);
    double mean = sum / m, msq = sum2 / m;
    cr_expect_lt(fabs(mean), 4 / sqrt((double)m), "mean z %g over %ld days", mean, m);
    cr_expect_lt(fabs(msq - 1), 4 * sqrt(2.0 / m), "mean z^2 %g over %ld days", msq, m);
    cr_expect_lt(zmax, 6, "max |z| %g", zmax);
}

Test(bass, one_step_law_on_complete_graph)
{
    const int n = 10000;
    sim_results *res = run_complete("0.03", "0.38", "0", n, 40, 30);
    check_one_step(res, 0.03, 0.38, n);
    engine_results_free(res);
}

Test(bass, mean_curve_follows_the_discrete_map)
{
    const int n = 10000, reps = 40, days = 30;
    const double p = 0.03, q = 0.38;
    sim_results *res = run_complete("0.03", "0.38", "0", n, days, reps);
    double f = 0;
    for (int32_t t = 0; t <= days; t++) {
        double mean = 0, m2 = 0;
        for (int32_t r = 0; r < reps; r++) mean += engine_result(res, OBS_SHARE, r, t);
        mean /= reps;
        for (int32_t r = 0; r < reps; r++) {
            double d = engine_result(res, OBS_SHARE, r, t) - mean;
            m2 += d * d;
        }
        double sd = sqrt(m2 / (reps - 1));
        double tol = 5 * sd / sqrt((double)reps) + 2.0 / n;
        cr_expect_leq(fabs(mean - f), tol, "day %d: mean %.5f, map %.5f, tolerance %.5f", (int)t, mean,
                      f, tol);
        f = f + (p + q * f) * (1 - f);
    }
    engine_results_free(res);
}

Test(bass, logistic_when_p_is_zero)
{
    const int n = 10000;
    sim_results *res = run_complete("0", "0.5", "0.01", n, 30, 20);
    check_one_step(res, 0, 0.5, n);
    /* starting from ~1% the logistic map saturates within 30 days */
    for (int32_t r = 0; r < res->n_rep; r++)
        cr_expect_gt(engine_result(res, OBS_SHARE, r, 30), 0.99);
    engine_results_free(res);
}

Test(bass, nothing_happens_without_seeds_or_innovation)
{
    sim_results *res = run_complete("0", "0.9", "0", 2000, 50, 3);
    for (int32_t r = 0; r < res->n_rep; r++)
        cr_expect_eq(engine_result(res, OBS_ADOPTERS, r, 50), 0);
    engine_results_free(res);
}

/* q = 0: adoption times are geometric with rate p whatever the network,
 * so the mean share at day t is 1 - (1 - p)^t; binomial tolerance. */
Test(bass, innovation_only_is_network_free)
{
    const char *sets[] = {"model.name=bass", "network.type=watts_strogatz", "network.agents=20000",
                          "model.bass.p=0.02", "model.bass.q=0", "run.days=60", "run.replicates=4",
                          NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 2);
    for (int32_t t = 10; t <= 60; t += 10) {
        double expect = 1 - pow(0.98, t), mean = 0;
        for (int32_t r = 0; r < 4; r++) mean += engine_result(res, OBS_SHARE, r, t) / 4;
        double sd = sqrt(expect * (1 - expect) / (20000.0 * 4));
        cr_expect_lt(fabs(mean - expect), 5 * sd, "day %d: %g vs %g", (int)t, mean, expect);
    }
    engine_results_free(res);
    scenario_free(scn);
}

/* Invariants: adopters never decrease, daily new adopters add up, share = adopters / N. */
Test(bass, counts_add_up)
{
    const char *sets[] = {"model.name=bass", "network.type=organization", "network.agents=3000",
                          "run.days=120", "run.replicates=3", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 2);
    for (int32_t r = 0; r < res->n_rep; r++) {
        for (int32_t t = 1; t < res->n_time; t++) {
            double a0 = engine_result(res, OBS_ADOPTERS, r, t - 1), a1 = engine_result(res, OBS_ADOPTERS, r, t);
            cr_assert_geq(a1, a0);
            cr_assert_eq(a1 - a0, engine_result(res, OBS_NEW, r, t));
            cr_assert_eq(engine_result(res, OBS_SHARE, r, t), a1 / 3000.0);
        }
    }
    engine_results_free(res);
    scenario_free(scn);
}
