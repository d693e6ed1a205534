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
#include <stdlib.h>
#include <string.h>

#include "bass.h"
#include "support.h"

enum { OBS_ADOPTERS = 0, OBS_NEW = 1, OBS_SHARE = 2, OBS_EXTERNAL = 3, OBS_INTERNAL = 4 };
enum { FIELD_ADOPTED = 0, FIELD_DAY = 1, FIELD_EXTERNAL = 2, FIELD_INTERNAL = 3 };

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

/* ---------- adoption day and cause (external: the p term, internal: the q term) ---------- */

/* z-scores of `added` against Binomial(trials, prob), pooled as in check_one_step. */
typedef struct zpool {
    double sum, sum2, zmax;
    long m;
} zpool;

static void zpool_add(zpool *z, double added, double trials, double prob)
{
    double var = trials * prob * (1 - prob);
    if (var < 1) return;
    double x = (added - trials * prob) / sqrt(var);
    z->sum += x;
    z->sum2 += x * x;
    z->zmax = fmax(z->zmax, fabs(x));
    z->m++;
}

static void zpool_check(const zpool *z, const char *what)
{
    cr_assert_gt(z->m, 50, "%s: too few informative days (%ld)", what, z->m);
    double mean = z->sum / z->m, msq = z->sum2 / z->m;
    cr_expect_lt(fabs(mean), 4 / sqrt((double)z->m), "%s: mean z %g over %ld days", what, mean, z->m);
    cr_expect_lt(fabs(msq - 1), 4 * sqrt(2.0 / z->m), "%s: mean z^2 %g over %ld days", what, msq, z->m);
    cr_expect_lt(z->zmax, 6, "%s: max |z| %g", what, z->zmax);
}

/* Given A adopters of N on the complete graph, a day's (external, internal,
 * none) adoptions are Multinomial(N - A; p, q A/(N-1), rest): so external
 * ones are Binomial(N - A, p) and internal ones Binomial(N - A, q A/(N-1)).
 * Agents adopted at day 0 are neither. */
Test(bass, causes_follow_the_exact_one_step_law)
{
    const int n = 10000;
    const double p = 0.03, q = 0.38;
    sim_results *res = run_complete("0.03", "0.38", "0.01", n, 40, 30);
    zpool ext = {0}, in = {0};
    for (int32_t r = 0; r < res->n_rep; r++) {
        double initial = engine_result(res, OBS_ADOPTERS, r, 0);
        cr_assert_gt(initial, 0);
        cr_assert_eq(engine_result(res, OBS_EXTERNAL, r, 0), 0);
        cr_assert_eq(engine_result(res, OBS_INTERNAL, r, 0), 0);
        for (int32_t t = 0; t + 1 < res->n_time; t++) {
            double a = engine_result(res, OBS_ADOPTERS, r, t);
            double e0 = engine_result(res, OBS_EXTERNAL, r, t), e1 = engine_result(res, OBS_EXTERNAL, r, t + 1);
            double i0 = engine_result(res, OBS_INTERNAL, r, t), i1 = engine_result(res, OBS_INTERNAL, r, t + 1);
            cr_assert_eq(engine_result(res, OBS_ADOPTERS, r, t + 1), initial + e1 + i1, "replicate %d day %d",
                         (int)r, (int)t + 1);
            zpool_add(&ext, e1 - e0, n - a, p);
            zpool_add(&in, i1 - i0, n - a, q * a / (n - 1));
        }
    }
    zpool_check(&ext, "external");
    zpool_check(&in, "internal");
    engine_results_free(res);
}

/* Share of adoptions due to innovation once everyone has adopted.
 * For the Bass ODE it is (p/q) ln(1 + q/p) (integrate p (1 - F) dt with
 * dF = (p + q F)(1 - F) dt): 0.2064 for p = 0.03, q = 0.38 per year.  The
 * agents update once a day, so they follow the map F' = F + (p + qF)(1 - F)
 * with per-day p and q, whose share sum_n p (1 - F_n) exceeds the ODE's by
 * O(p + q), the discrete-time correction:
 * - a day is a tenth of a year (p = 0.003, q = 0.038 per day): the map
 *   gives 0.2092, a correction of +0.0027 to the ODE's 0.2064;
 * - a day is a year (p = 0.03, q = 0.38 per day): 0.2338, +0.027.
 * The mean over R replicates of N = 10,000 agents must equal formula +
 * correction within 5 standard errors (the measured replicate spread /
 * sqrt(R): about 0.0006 for both with R = 40; MODEL.md's spread of the
 * adopted share at this N is 0.01 near the peak) plus 2/N for the O(1/N) terms (A/(N-1) instead
 * of A/N, the curvature term), as in mean_curve_follows_the_discrete_map.
 * At the coarse step the correction is about 40 standard errors: there the
 * formula alone must miss, which shows the correction is the map's. */
static double map_external_share(double p, double q)
{
    double f = 0, ext = 0;
    for (long t = 0; 1 - f > 1e-13 && t < 100000000; t++) {
        ext += p * (1 - f);
        f += (p + q * f) * (1 - f);
    }
    return ext;
}

/* Mean and standard error of the final external share over the replicates. */
static void external_share(const char *p, const char *q, int n, int days, int reps, double *mean, double *se)
{
    sim_results *res = run_complete(p, q, "0", n, days, reps);
    double m = 0, m2 = 0;
    for (int32_t r = 0; r < reps; r++) {
        cr_assert_eq(engine_result(res, OBS_ADOPTERS, r, days), n, "replicate %d has not finished", (int)r);
        m += engine_result(res, OBS_EXTERNAL, r, days) / n / reps;
    }
    for (int32_t r = 0; r < reps; r++) m2 += pow(engine_result(res, OBS_EXTERNAL, r, days) / n - m, 2);
    *mean = m;
    *se = sqrt(m2 / (reps - 1) / reps);
    engine_results_free(res);
}

Test(bass, external_share_matches_the_bass_formula)
{
    const int n = 10000, reps = 40;
    const struct { const char *p_text, *q_text; double p, q; int days; } cases[] = {
        {"0.003", "0.038", 0.003, 0.038, 1000}, /* a tenth of a year per day */
        {"0.03", "0.38", 0.03, 0.38, 150},      /* a year per day */
    };
    for (int c = 0; c < 2; c++) {
        const double p = cases[c].p, q = cases[c].q;
        const double formula = p / q * log1p(q / p), correction = map_external_share(p, q) - formula;
        /* the correction vanishes with the step: a step 10 times smaller leaves a tenth */
        double finer = map_external_share(p / 10, q / 10) - formula;
        cr_expect_lt(fabs(finer - correction / 10), 0.1 * fabs(correction / 10), "correction %g, at a tenth %g",
                     correction, finer);
        double mean, se;
        external_share(cases[c].p_text, cases[c].q_text, n, cases[c].days, reps, &mean, &se);
        double tol = 5 * se + 2.0 / n;
        cr_log_info("bass external share, p = %g, q = %g per step: simulated %.5f (se %.5f), ODE formula %.5f, "
                    "discrete-time correction %+.5f", p, q, mean, se, formula, correction);
        cr_expect_leq(fabs(mean - (formula + correction)), tol,
                      "p %g q %g: external share %.5f, formula %.5f + correction %.5f, tolerance %.5f", p, q,
                      mean, formula, correction, tol);
        if (c == 1)
            cr_expect_gt(fabs(mean - formula), tol, "at a coarse step the ODE's %.5f should not fit %.5f",
                         formula, mean);
    }
}

/* One replicate through engine_replicate: series[obs * (days + 1) + t]
 * and the final per-agent fields[f * n + i]. */
static void bass_replicate(const scenario *scn, const sim_network *net, uint32_t rep, int32_t days,
                           double *series, double *fields)
{
    sim_context ctx = {scn, net, rng_key_make((uint32_t)scenario_int(scn, "run.seed"), rep), days};
    void *state = NULL;
    sim_error err;
    char buf[2048];
    cr_assert_eq(bass_model.alloc(&ctx, &state, &err), SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    engine_series out = {series, (size_t)days + 1, NULL, 0, NULL, 0, 0, NULL, 0, 0, NULL};
    double values[5];
    engine_replicate(&bass_model, state, &ctx, &out, values, NULL, NULL);
    for (int f = 0; f < bass_model.n_agent_fields; f++) bass_model.agent_values(state, &ctx, f, fields + (size_t)f * net->n);
    bass_model.free(state);
}

/* Per agent: adopted = (day >= 0), at most one cause, the initial adopters
 * (day 0) neither; and day by day, the agents with day <= t are the
 * adopters(t), those of each cause the cumulative counts of that cause. */
Test(bass, adoption_days_and_causes_match_the_series)
{
    const int32_t days = 40;
    const char *sets[] = {"model.name=bass", "network.type=watts_strogatz", "network.agents=5000",
                          "model.bass.p=0.005", "model.bass.q=0.1", "model.bass.initial_share=0.01", NULL};
    scenario *scn = support_scenario(sets);
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(network_build(scn, 1, &net, &err), SIM_OK);
    const int32_t n = net->n;
    cr_assert_eq(bass_model.n_observables, 5);
    cr_assert_eq(bass_model.n_agent_fields, 4);
    double *series = malloc(5 * (days + 1) * sizeof *series), *fields = malloc(4 * (size_t)n * sizeof *fields);
    for (uint32_t rep = 0; rep < 3; rep++) {
        bass_replicate(scn, net, rep, days, series, fields);
        const double *adopted = fields + FIELD_ADOPTED * n, *day = fields + FIELD_DAY * n;
        const double *ext = fields + FIELD_EXTERNAL * n, *in = fields + FIELD_INTERNAL * n;
        long by_day[41][3] = {{0}}; /* all, external, internal */
        for (int32_t i = 0; i < n; i++) {
            cr_assert_eq(adopted[i], day[i] >= 0, "agent %d: adopted %g, day %g", (int)i, adopted[i], day[i]);
            cr_assert(day[i] >= -1 && day[i] <= days);
            cr_assert_leq(ext[i] + in[i], day[i] > 0 ? 1 : 0, "agent %d day %g external %g internal %g", (int)i,
                          day[i], ext[i], in[i]);
            if (day[i] < 0) continue;
            by_day[(int)day[i]][0]++;
            by_day[(int)day[i]][1] += ext[i] == 1;
            by_day[(int)day[i]][2] += in[i] == 1;
            cr_assert(day[i] == 0 || ext[i] + in[i] == 1, "agent %d adopted on day %g without a cause", (int)i, day[i]);
        }
        long cum[3] = {0};
        for (int32_t t = 0; t <= days; t++) {
            for (int k = 0; k < 3; k++) cum[k] += by_day[t][k];
            cr_assert_eq(series[OBS_ADOPTERS * (days + 1) + t], cum[0], "replicate %u day %d", rep, (int)t);
            cr_assert_eq(series[OBS_NEW * (days + 1) + t], by_day[t][0]);
            cr_assert_eq(series[OBS_EXTERNAL * (days + 1) + t], cum[1]);
            cr_assert_eq(series[OBS_INTERNAL * (days + 1) + t], cum[2]);
        }
        cr_expect_gt(by_day[0][0], 0);
        cr_expect_gt(cum[1], 0);
        cr_expect_gt(cum[2], 0);
        cr_expect_lt(cum[0], n, "the run should end before everyone has adopted");
    }
    free(series);
    free(fields);
    network_free(net);
    scenario_free(scn);
}

/* Every day of a run against the rule computed directly: agent i, not yet
 * adopted after day t - 1, adopts on day t exactly when its word of
 * rng_words_of_four (purpose 1, the model's adoption draws) gives a
 * uniform below p + q * (neighbours adopted after day t - 1) / degree, and
 * the cause is external exactly when it is below p.  A run to near
 * saturation meets both ways the model computes its Philox words: whole
 * batches of groups early, group by group once few groups have a
 * non-adopter. */
Test(bass, every_day_follows_the_rule_computed_directly)
{
    const int32_t days = 80;
    const double p = 0.01, q = 0.4;
    const char *sets[] = {"model.name=bass", "network.type=watts_strogatz", "network.agents=3001",
                          "model.bass.p=0.01", "model.bass.q=0.4", "model.bass.initial_share=0.01", NULL};
    scenario *scn = support_scenario(sets);
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(network_build(scn, 1, &net, &err), SIM_OK);
    const int32_t n = net->n;
    double *series = malloc(5 * (days + 1) * sizeof *series), *fields = malloc(4 * (size_t)n * sizeof *fields);
    const uint32_t rep = 1;
    bass_replicate(scn, net, rep, days, series, fields);
    const double *day = fields + FIELD_DAY * n, *ext = fields + FIELD_EXTERNAL * n;
    const rng_key key = rng_key_make((uint32_t)scenario_int(scn, "run.seed"), rep);
    long checked = 0, late = 0;
    for (int32_t t = 1; t <= days; t++) {
        long open = 0;
        for (int32_t i = 0; i < n; i++) {
            if (day[i] >= 0 && day[i] < t) continue; /* adopted before day t */
            open++;
            long adopted = 0;
            for (int64_t e = net->row[i]; e < net->row[i + 1]; e++) {
                const double d = day[net->col[e]];
                adopted += d >= 0 && d < t;
            }
            const int64_t deg = net->row[i + 1] - net->row[i];
            uint32_t w[4];
            rng_words_of_four(key, (uint32_t)i, (uint32_t)t, 1, w);
            const double u = rng_u01_from_word(w[i % 4]);
            const int adopt = u < p + q * (deg > 0 ? (double)adopted / (double)deg : 0.0);
            cr_assert_eq(day[i] == t, adopt, "agent %d, day %d: adopted %d, the rule says %d", (int)i, (int)t,
                         day[i] == t, adopt);
            if (adopt) cr_assert_eq(ext[i] == 1, u < p, "agent %d, day %d: the cause", (int)i, (int)t);
            checked++;
        }
        late += open > 0 && open < n / 100; /* days with few non-adopters: group by group */
    }
    cr_expect_gt(checked, n);
    cr_expect_gt(late, 2, "the run should spend days with few non-adopters");
    free(series);
    free(fields);
    network_free(net);
    scenario_free(scn);
}

/* The causes and days, like the adoptions, do not depend on the thread
 * count or the kernel (40,000 agents: the parallel loops run). */
Test(bass, causes_do_not_depend_on_threads_or_kernel)
{
    const char *push[] = {"model.name=bass", "network.type=watts_strogatz", "network.agents=40000",
                          "model.bass.p=0.01", "model.bass.q=0.3", "model.bass.initial_share=0.001",
                          "run.days=12", "run.replicates=2", "output.agents=true", NULL};
    const char *pull[] = {"model.name=bass", "network.type=watts_strogatz", "network.agents=40000",
                          "model.bass.p=0.01", "model.bass.q=0.3", "model.bass.initial_share=0.001",
                          "run.days=12", "run.replicates=2", "output.agents=true", "model.bass.kernel=pull", NULL};
    scenario *a = support_scenario(push), *b = support_scenario(pull);
    sim_results *one = support_run(a, 1), *two = support_run(a, 2), *pulled = support_run(b, 2);
    size_t cells = (size_t)one->n_obs * 2 * 13, agents = (size_t)one->n_agent_fields * 2 * 40000;
    cr_assert_eq(one->n_agent_fields, 4);
    cr_expect(memcmp(one->data, two->data, cells * sizeof(double)) == 0, "series: 1 vs 2 threads");
    cr_expect(memcmp(one->agents, two->agents, agents * sizeof(double)) == 0, "agents: 1 vs 2 threads");
    cr_expect(memcmp(one->data, pulled->data, cells * sizeof(double)) == 0, "series: push vs pull");
    cr_expect(memcmp(one->agents, pulled->agents, agents * sizeof(double)) == 0, "agents: push vs pull");
    cr_expect_gt(engine_result(one, OBS_INTERNAL, 1, 12), 1000);
    engine_results_free(one);
    engine_results_free(two);
    engine_results_free(pulled);
    scenario_free(a);
    scenario_free(b);
}
