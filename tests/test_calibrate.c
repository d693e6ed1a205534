/* test_calibrate.c: adoptsim calibrate (ABC-SMC).  A known posterior
 * through the same code path (the analytic model's linear function with
 * noise: y = x1 + sigma e, a normal prior: the normal-normal conjugate
 * case); recovery of two genai parameters from data simulated at known
 * values (the 90% credible intervals cover them); a pair the data cannot
 * separate (y = x1 + x2) shows a strong posterior correlation, flagged by
 * the report; the fit is the same for 1 and 2 threads; bad calibration files
 * fail before any run with file:line:column and key, exit 2, no file left. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <omp.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include <gsl/gsl_cdf.h>

#include "calibrate.h"
#include "registry.h"
#include "support.h"

static const experiment_catalog catalog = {registry_scenario_alloc, registry_validate, registry_scenario_model,
                                           registry_key_inert, registry_model_warnings};

/* The analytic model as a stochastic model of one number: y = x1 (+ x2) + noise x N(0, 1). */
#define NORMAL_SCENARIO                                                                                           \
    "run: {days: 1, seed: 1, replicates: 1}\n"                                                                   \
    "network: {type: complete, agents: 2}\n"                                                                     \
    "model:\n  name: analytic\n  analytic: {function: linear, c: [1], x1: 0, noise: 1}\n"

/* Fit the calibration text cal (next to scenario text scn) with the library
 * on `threads` threads into dir/fit.h5; returns that path. */
static char *fit(const char *dir, const char *scn, const char *cal, int threads)
{
    char buf[2048];
    sim_error err;
    cal_config *c = NULL;
    free(support_write(dir, "scenario.yaml", scn, strlen(scn)));
    char *calpath = support_write(dir, "cal.yaml", cal, strlen(cal));
    char *out = support_path(dir, "fit.h5");
    int rc = calibrate_load(calpath, &catalog, NULL, 0, &c, &err);
    cr_assert_eq(rc, SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    omp_set_num_threads(threads);
    calibrate_options opt = {out, 1, 0, threads, "test", NULL, NULL};
    calibrate_summary sum;
    rc = calibrate_run(c, &opt, &sum, &err);
    cr_assert_eq(rc, SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    calibrate_free(c);
    free(calpath);
    return out;
}

/* The last generation's particles [N * P] and weights [N] of a fit file. */
typedef struct posterior {
    int G, N, P;
    double *theta, *w;
} posterior;

static posterior read_posterior(const char *path)
{
    posterior p = {0};
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(f >= 0);
    hsize_t dims[3];
    cr_assert(H5LTget_dataset_info(f, "particles", dims, NULL, NULL) >= 0);
    p.G = (int)dims[0], p.N = (int)dims[1], p.P = (int)dims[2];
    double *all = malloc(dims[0] * dims[1] * dims[2] * sizeof *all), *w = malloc(dims[0] * dims[1] * sizeof *w);
    cr_assert(H5LTread_dataset_double(f, "particles", all) >= 0);
    cr_assert(H5LTread_dataset_double(f, "weights", w) >= 0);
    H5Fclose(f);
    p.theta = malloc((size_t)p.N * p.P * sizeof *p.theta);
    p.w = malloc((size_t)p.N * sizeof *p.w);
    memcpy(p.theta, all + (size_t)(p.G - 1) * p.N * p.P, (size_t)p.N * p.P * sizeof *p.theta);
    memcpy(p.w, w + (size_t)(p.G - 1) * p.N, (size_t)p.N * sizeof *p.w);
    free(all);
    free(w);
    return p;
}

static double post_mean(const posterior *p, int j)
{
    double m = 0;
    for (int i = 0; i < p->N; i++) m += p->w[i] * p->theta[(size_t)i * p->P + j];
    return m;
}

static double post_cov(const posterior *p, int a, int b)
{
    double ma = post_mean(p, a), mb = post_mean(p, b), c = 0;
    for (int i = 0; i < p->N; i++)
        c += p->w[i] * (p->theta[(size_t)i * p->P + a] - ma) * (p->theta[(size_t)i * p->P + b] - mb);
    return c;
}

static double ess(const posterior *p)
{
    double s = 0;
    for (int i = 0; i < p->N; i++) s += p->w[i] * p->w[i];
    return 1 / s;
}

/* The weighted q quantile of parameter j. */
static double post_quantile(const posterior *p, int j, double q)
{
    double best = NAN;
    double below_best = -1;
    for (int i = 0; i < p->N; i++) {
        double v = p->theta[(size_t)i * p->P + j], below = 0;
        for (int k = 0; k < p->N; k++)
            if (p->theta[(size_t)k * p->P + j] <= v) below += p->w[k];
        if (below >= q && (below_best < 0 || below < below_best)) {
            below_best = below;
            best = v;
        }
    }
    return best;
}

static void posterior_free(posterior *p)
{
    free(p->theta);
    free(p->w);
}

/* Normal prior N(m0, s0^2), one observation y of x1 + N(0, 1): the
 * posterior is normal with precision 1/s0^2 + 1 and mean y / (1/s0^2 + 1)
 * (m0 = 0).  ABC with tolerance eps on |y_sim - y| adds about eps^2/3 of
 * variance, negligible at eps = 0.05.  The checks allow 4 Monte Carlo
 * standard errors (sd / sqrt(ESS) for the mean, sd / sqrt(2 ESS) for the sd). */
Test(calibrate, known_normal_posterior)
{
    char *dir = support_tmpdir();
    const double y = 1.5, s0 = 2;
    const double prec = 1 / (s0 * s0) + 1, mean = y / prec, sd = sqrt(1 / prec);
    char cal[1024];
    snprintf(cal, sizeof cal,
             "scenario: scenario.yaml\nseed: 11\n"
             "uncertainty:\n  parameters:\n    model.analytic.x1: {distribution: normal, mean: 0, sd: %g}\n"
             "targets:\n  - {observable: y, day: 1, value: %g, tolerance: 1}\n"
             "abc: {particles: 1000, final_tolerance: 0.05, max_runs: 400000}\n", s0, y);
    char *out = fit(dir, NORMAL_SCENARIO, cal, 2);
    posterior p = read_posterior(out);
    double m = post_mean(&p, 0), s = sqrt(post_cov(&p, 0, 0)), n = ess(&p);
    cr_assert_gt(p.G, 3, "the tolerance schedule took %d generations", p.G);
    cr_assert_gt(n, 300, "effective sample size %g", n);
    cr_expect_lt(fabs(m - mean), 4 * sd / sqrt(n), "posterior mean %g, exact %g (ESS %g)", m, mean, n);
    cr_expect_lt(fabs(s - sd), 4 * sd / sqrt(2 * n) + 0.01, "posterior sd %g, exact %g (ESS %g)", s, sd, n);
    posterior_free(&p);
    free(out);
    support_rmdir(dir);
}

/* y = x1 + x2 + noise: one number cannot tell x1 from x2, so the posterior
 * of the pair lies along x1 + x2 = y: a strong negative correlation, which
 * the report flags. */
Test(calibrate, unseparable_pair_is_correlated)
{
    char *dir = support_tmpdir();
    const char *scn = "run: {days: 1, seed: 1, replicates: 1}\nnetwork: {type: complete, agents: 2}\n"
                      "model:\n  name: analytic\n  analytic: {function: linear, c: [1, 1], noise: 0.1}\n";
    const char *cal = "scenario: scenario.yaml\n"
                      "uncertainty:\n  parameters:\n"
                      "    model.analytic.x1: {distribution: uniform, min: -2, max: 2}\n"
                      "    model.analytic.x2: {distribution: uniform, min: -2, max: 2}\n"
                      "targets:\n  - {observable: y, day: 1, value: 0.5, sd: 0.1}\n"
                      "abc: {particles: 300, final_tolerance: 0.5, max_runs: 100000}\n";
    char *out = fit(dir, scn, cal, 2);
    posterior p = read_posterior(out);
    double r = post_cov(&p, 0, 1) / sqrt(post_cov(&p, 0, 0) * post_cov(&p, 1, 1));
    cr_expect_lt(r, -0.7, "correlation %g", r);
    const char *args[] = {"report", out, NULL};
    char *so = NULL, *se = NULL;
    cr_assert_eq(support_exec(args, &so, &se), 0, "%s", se);
    cr_expect(strstr(so, "strongly correlated: model.analytic.x1 and model.analytic.x2"), "%s", so);
    cr_expect(strstr(so, "Posterior correlations"), "%s", so);
    free(so);
    free(se);
    posterior_free(&p);
    free(out);
    support_rmdir(dir);
}

/* The same fit on 1 and 2 threads: identical particles, weights, distances
 * and predictive curves (a genai organization, so the breakdowns and the
 * one-run-per-thread scheduling are exercised). */
Test(calibrate, same_fit_for_any_threads)
{
    char *dir1 = support_tmpdir(), *dir2 = support_tmpdir();
    const char *scn = "run: {days: 60, seed: 1, replicates: 1}\nnetwork: {type: organization, agents: 120}\n"
                      "model: {name: genai}\ninterventions: {licences: {enabled: true, start: 1}}\n";
    const char *cal = "scenario: scenario.yaml\nseed: 5\n"
                      "uncertainty:\n  parameters:\n"
                      "    model.genai.use.intercept: {distribution: uniform, min: -4.2, max: -2.6}\n"
                      "targets:\n"
                      "  - {observable: monthly_active, day: 60, value: 50, sd: 5}\n"
                      "  - {observable: weekly_active, window: [40, 60], group: {generation: millennial}, "
                      "value: 10, sd: 3}\n"
                      "abc: {particles: 40, max_generations: 3, max_runs: 2000}\n";
    char *a = fit(dir1, scn, cal, 1), *b = fit(dir2, scn, cal, 2);
    static const char *const vars[] = {"particles", "weights", "distances", "tolerance", "predicted",
                                       "curve_quantiles", "curve_mean"};
    for (size_t v = 0; v < sizeof vars / sizeof vars[0]; v++)
        cr_expect_eq(support_shell("h5diff -q -d 0 %s %s %s %s", a, b, vars[v], vars[v]), 0, "%s differs",
                     vars[v]);
    free(a);
    free(b);
    support_rmdir(dir1);
    support_rmdir(dir2);
}

/* Recovery: data simulated by adoptsim at known values of two genai
 * parameters (one replicate: what an organization would observe), fitted;
 * the 90% credible intervals cover the true values.  A small version for
 * make test (bench/calibrate_coverage.sh repeats it over 20 data sets). */
Test(calibrate, recovers_two_genai_parameters, .timeout = 300)
{
    char *dir = support_tmpdir();
    const double intercept = -3.3, peers = 1.4;
    const char *scn = "run: {days: 120, seed: 1, replicates: 1}\nnetwork: {type: organization, agents: 200}\n"
                      "model: {name: genai}\ninterventions: {licences: {enabled: true, start: 1}}\n";
    free(support_write(dir, "scenario.yaml", scn, strlen(scn)));
    char *truth = support_path(dir, "truth.h5"), *scnpath = support_path(dir, "scenario.yaml");
    char set1[64], set2[64];
    snprintf(set1, sizeof set1, "model.genai.use.intercept=%g", intercept);
    snprintf(set2, sizeof set2, "model.genai.use.peers=%g", peers);
    const char *run[] = {"run", scnpath, "-o", truth, "--seed", "99", "--set", set1, "--set", set2, "-q", NULL};
    char *se = NULL;
    cr_assert_eq(support_exec(run, NULL, &se), 0, "%s", se);
    free(se);
    /* the observed monthly and regular users at days 30, 60, 90, 120 */
    double obs[2][121];
    hid_t f = H5Fopen(truth, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(f >= 0);
    cr_assert(H5LTread_dataset_double(f, "monthly_active", obs[0]) >= 0);
    cr_assert(H5LTread_dataset_double(f, "regular_users", obs[1]) >= 0);
    H5Fclose(f);
    char cal[2048];
    int len = snprintf(cal, sizeof cal,
                       "scenario: scenario.yaml\nseed: 3\n"
                       "uncertainty:\n  parameters:\n"
                       "    model.genai.use.intercept: {distribution: uniform, min: -4.2, max: -2.6}\n"
                       "    model.genai.use.peers: {distribution: uniform, min: 0.5, max: 2.5}\n"
                       "targets:\n");
    for (int d = 30; d <= 120; d += 30)
        for (int k = 0; k < 2; k++)
            len += snprintf(cal + len, sizeof cal - (size_t)len, "  - {observable: %s, day: %d, value: %g, sd: %g}\n",
                            k ? "regular_users" : "monthly_active", d, obs[k][d],
                            sqrt(obs[k][d] * (1 - obs[k][d] / 200) + 4));
    snprintf(cal + len, sizeof cal - (size_t)len, "abc: {particles: 100, final_tolerance: 2, max_runs: 3000}\n");
    char *out = fit(dir, scn, cal, 2);
    posterior p = read_posterior(out);
    const double true_values[2] = {intercept, peers};
    for (int j = 0; j < 2; j++) {
        double lo = post_quantile(&p, j, 0.05), hi = post_quantile(&p, j, 0.95);
        cr_expect(lo <= true_values[j] && true_values[j] <= hi, "parameter %d: 90%% interval [%g, %g] misses %g", j,
                  lo, hi, true_values[j]);
    }
    /* the interval of the intercept is narrower than its prior: the data inform it */
    cr_expect_lt(post_quantile(&p, 0, 0.95) - post_quantile(&p, 0, 0.05), 0.9 * 1.6);
    posterior_free(&p);
    free(out);
    free(truth);
    free(scnpath);
    support_rmdir(dir);
}

/* The command line: progress on stderr (none with -q), a summary, the
 * report's fit table and posterior, an existing file refused without --force. */
Test(calibrate, command_line_and_report)
{
    char *dir = support_tmpdir();
    free(support_write(dir, "scenario.yaml", NORMAL_SCENARIO, strlen(NORMAL_SCENARIO)));
    const char *cal = "scenario: scenario.yaml\n"
                      "uncertainty:\n  parameters:\n    model.analytic.x1: {distribution: uniform, min: -5, max: 5}\n"
                      "targets:\n  - {observable: y, day: 1, value: 1, sd: 1}\n"
                      "abc: {particles: 50, max_generations: 3}\n";
    char *calpath = support_write(dir, "cal.yaml", cal, strlen(cal)), *out = support_path(dir, "fit.h5");
    const char *check[] = {"check", calpath, NULL};
    char *so = NULL, *se = NULL;
    cr_assert_eq(support_exec(check, &so, &se), 0, "%s", se);
    cr_expect(strstr(so, "ok (calibration: 1 parameter(s), 1 target(s), model analytic)"), "%s", so);
    cr_expect_neq(access(out, F_OK), 0, "check wrote a file");
    free(so), free(se);
    const char *args[] = {"calibrate", calpath, "-o", out, "--threads", "2", NULL};
    cr_assert_eq(support_exec(args, &so, &se), 0, "%s", se);
    cr_expect(strstr(se, "generation 0:") && strstr(se, "generation 2:"), "%s", se);
    cr_expect(strstr(so, "calibrated 1 parameter(s) to 1 target(s): 3 generation(s)"), "%s", so);
    free(so), free(se);
    cr_expect_eq(support_exec(args, NULL, &se), 2);
    cr_expect(strstr(se, "exists; use --force"), "%s", se);
    free(se);
    const char *quiet[] = {"calibrate", calpath, "-o", out, "--force", "-q", NULL};
    cr_assert_eq(support_exec(quiet, &so, &se), 0, "%s", se);
    cr_expect_eq(strlen(so) + strlen(se), 0, "%s%s", so, se);
    free(so), free(se);
    const char *rep[] = {"report", out, NULL};
    cr_assert_eq(support_exec(rep, &so, &se), 0, "%s", se);
    cr_expect(strstr(so, "y, day 1") && strstr(so, "covered") && strstr(so, "model.analytic.x1"), "%s", so);
    free(so), free(se);
    const char *rep_days[] = {"report", out, "--days", "30", NULL};
    cr_expect_eq(support_exec(rep_days, NULL, &se), 2);
    free(se);
    free(calpath);
    free(out);
    support_rmdir(dir);
}

/* A target on a team (group: {team: NAME}) of an org chart, named by its
 * team label: the fit runs, keeps the breakdown by team only for its runs,
 * and the fit file and the report show the team's target and curve; the
 * simulated team values are the team's own (the predicted values of the
 * team's staff are the team's headcount).  A misspelt team is an error at
 * its place with a did-you-mean, before any run, no file left. */
Test(calibrate, team_target_runs_and_is_reported, .timeout = 120)
{
    char cwd[4096], scn[8192];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    snprintf(scn, sizeof scn, "run: {days: 40, seed: 1}\nnetwork: {type: orgchart, file: %s/configs/orgchart_example.csv}\n"
             "model: {name: genai}\ninterventions: {licences: {enabled: true, start: 1}}\n", cwd);
    const char *cal = "scenario: scenario.yaml\nseed: 3\n"
                      "uncertainty:\n  parameters:\n"
                      "    model.genai.use.intercept: {distribution: uniform, min: -4.2, max: -2.6}\n"
                      "targets:\n"
                      "  - {observable: monthly_active, day: 40, value: 20, sd: 4}\n"
                      "  - {observable: weekly_active, day: 40, group: {team: Engineering - Platform}, value: 2, sd: 1}\n"
                      "  - {observable: staff, day: 40, group: {team: Sales - SMB}, value: 5, sd: 1}\n"
                      "abc: {particles: 20, max_generations: 2, max_runs: 1000}\n";
    char *dir = support_tmpdir();
    char *out = fit(dir, scn, cal, 2);
    char *calpath = support_path(dir, "cal.yaml");
    /* the fit file: the team's targets and curves by name; the team's staff predicted exactly */
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(f >= 0);
    hsize_t dims[2];
    cr_assert(H5LTget_dataset_info(f, "predicted", dims, NULL, NULL) >= 0);
    cr_assert_eq(dims[1], 3);
    double *pred = malloc(dims[0] * dims[1] * sizeof *pred);
    cr_assert(H5LTread_dataset_double(f, "predicted", pred) >= 0);
    for (hsize_t i = 0; i < dims[0]; i++) cr_expect_eq(pred[i * 3 + 2], 5.0, "Sales - SMB has 5 staff");
    free(pred);
    H5Fclose(f);
    cr_expect_eq(support_shell("h5dump -d target %s | grep -q 'weekly_active team Engineering - Platform, day 40'",
                               out), 0);
    cr_expect_eq(support_shell("h5dump -d curve %s | grep -q 'staff team Sales - SMB'", out), 0);
    const char *rep[] = {"report", out, NULL};
    char *so = NULL, *se = NULL;
    cr_assert_eq(support_exec(rep, &so, &se), 0, "%s", se);
    cr_expect(strstr(so, "weekly_active team Engineering - Platform, day 40") &&
              strstr(so, "staff team Sales - SMB, day 40"), "%s", so);
    free(so), free(se);
    /* a misspelt team: located, a did-you-mean, exit 2, nothing written */
    unlink(out);
    const char *bad = "scenario: scenario.yaml\n"
                      "uncertainty:\n  parameters:\n"
                      "    model.genai.use.intercept: {distribution: uniform, min: -4.2, max: -2.6}\n"
                      "targets:\n"
                      "  - {observable: weekly_active, day: 40, group: {team: Engineering - Platfrom}, value: 2, sd: 1}\n";
    free(support_write(dir, "cal.yaml", bad, strlen(bad)));
    const char *args[] = {"calibrate", calpath, "-o", out, NULL};
    cr_assert_eq(support_exec(args, NULL, &se), 2, "%s", se);
    cr_expect(strstr(se, "cal.yaml:6:56: targets.group.team: no team named \"Engineering - Platfrom\" in the "
                     "organization (18 teams, named by the team column, else the manager's id); did you mean "
                     "\"Engineering - Platform\"?"), "%s", se);
    cr_expect_neq(access(out, F_OK), 0, "a fit file was left");
    cr_expect_eq(support_count_entries(dir), 2, "something was left behind");
    free(se);
    free(calpath);
    free(out);
    support_rmdir(dir);
}

/* ---- bad input ------------------------------------------------------------------------------- */

typedef struct bad_cal {
    char name[48];
    char scenario[160];   /* "" : the genai organization below */
    char cal[400];
    char where[64];       /* expected in stderr */
    char what[64];
    char csv[160];        /* written to data.csv when not "" */
} bad_cal;

#define ORG "run: {days: 120, start_date: 2025-01-06}\nnetwork: {type: organization, agents: 60}\nmodel: {name: genai}\n"
#define PRIOR "uncertainty:\n  parameters:\n    model.genai.use.peers: {distribution: uniform, min: 1, max: 2}\n"

#define SERIES "series: {file: data.csv, columns: {monthly_active: monthly_active}}\n"

static bad_cal bad_cals[] = {
    {"csv malformed date", "", "scenario: s.yaml\n" PRIOR SERIES, "data.csv:3: date", "2025-02-30",
     "date,monthly_active\n2025-02-01,30\n2025-02-30,31\n"},
    {"csv negative count", "", "scenario: s.yaml\n" PRIOR SERIES, "data.csv:2: monthly_active", "got \"-3\"",
     "date,monthly_active\n2025-02-01,-3\n"},
    {"csv count above staff", "", "scenario: s.yaml\n" PRIOR SERIES, "data.csv:2: monthly_active", "60 staff",
     "date,monthly_active\n2025-02-01,61\n"},
    {"csv before roll-out", "", "scenario: s.yaml\n" PRIOR SERIES, "data.csv:2: date", "before run.start_date",
     "date,monthly_active\n2024-12-01,3\n"},
    {"csv after the run", "", "scenario: s.yaml\n" PRIOR SERIES, "data.csv:3: date", "after the run",
     "date,monthly_active\n2025-02-01,3\n2025-09-01,4\n"},
    {"csv missing column", "", "scenario: s.yaml\n" PRIOR SERIES, "cal.yaml:5:36: series.columns",
     "no column \"monthly_active\"", "date,mau\n2025-02-01,3\n"},
    {"csv ragged row", "", "scenario: s.yaml\n" PRIOR SERIES, "data.csv:2", "3 fields, the header has 2",
     "date,monthly_active\n2025-02-01,3,4\n"},
    {"csv not a count observable", "", "scenario: s.yaml\n" PRIOR
     "series: {file: data.csv, columns: {m: mean_skill}}\n", "cal.yaml:5:39: series.columns", "no count observable",
     "date,m\n2025-02-01,3\n"},
    {"unknown observable", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: montly_active, day: 30, "
     "value: 5, sd: 1}\n", "cal.yaml:6:18: targets.observable", "did you mean 'monthly_active'", ""},
    {"unknown generation", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: uses, day: 30, value: 5, "
     "sd: 1, group: {generation: gen_y}}\n", "cal.yaml:6:70: targets.group.generation", "unknown generation", ""},
    {"level out of range", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: uses, day: 30, value: 5, "
     "sd: 1, group: {level: 9}}\n", "cal.yaml:6:65: targets.group.level", "between 0 and", ""},
    {"unknown team", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: uses, day: 30, value: 5, "
     "sd: 1, group: {team: 99x}}\n", "cal.yaml:6:64: targets.group.team", "no team named \"99x\"", ""},
    {"team of a total-only observable", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: hours_saved, "
     "day: 30, value: 5, sd: 1, group: {team: 3}}\n", "cal.yaml:6:71: targets.group.team",
     "does not report hours_saved by team", ""},
    {"generation of a total-only one", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: cost_dollars, "
     "day: 30, value: 5, sd: 1, group: {generation: gen_z}}\n", "cal.yaml:6:66: targets.group",
     "does not report cost_dollars by generation", ""},
    {"day after the run", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: uses, day: 200, value: 5, "
     "sd: 1}\n", "cal.yaml:6:29: targets.day", "outside the run", ""},
    {"malformed date", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: uses, day: 2025-13-01, value: 5, "
     "sd: 1}\n", "cal.yaml:6:29: targets.day", "2025-13-01", ""},
    {"date before the roll-out", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: uses, day: 2024-12-01, "
     "value: 5, sd: 1}\n", "cal.yaml:6:29: targets.day", "before", ""},
    {"negative count", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: uses, day: 30, value: -5, "
     "sd: 1}\n", "cal.yaml:6:40: targets.value", "negative", ""},
    {"no scale", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: uses, day: 30, value: 5}\n",
     "cal.yaml:6:5: targets.sd", "either sd", ""},
    {"zero sd", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: uses, day: 30, value: 5, sd: 0}\n",
     "cal.yaml:6:47: targets.sd", "above 0", ""},
    {"prior outside bounds", "", "scenario: s.yaml\nuncertainty:\n  parameters:\n    model.genai.use.peers: "
     "{distribution: uniform, min: -20, max: 2}\ntargets:\n  - {observable: uses, day: 30, value: 5, sd: 1}\n",
     "cal.yaml:4:", "model.genai.use.peers", ""},
    {"choice prior", "", "scenario: s.yaml\nuncertainty:\n  parameters:\n    model.genai.use.peers: "
     "{distribution: choice, values: [1, 2]}\ntargets:\n  - {observable: uses, day: 30, value: 5, sd: 1}\n",
     "cal.yaml:4:5: model.genai.use.peers", "continuous", ""},
    {"no priors", "", "scenario: s.yaml\ntargets:\n  - {observable: uses, day: 30, value: 5, sd: 1}\n",
     "cal.yaml:1:1: uncertainty", "no parameters to fit", ""},
    {"unknown top key", "", "scenario: s.yaml\n" PRIOR "target:\n  - {observable: uses, day: 30, value: 5, sd: 1}\n",
     "cal.yaml:5:1: target", "did you mean 'targets'", ""},
    {"unknown abc key", "", "scenario: s.yaml\n" PRIOR "targets:\n  - {observable: uses, day: 30, value: 5, "
     "sd: 1}\nabc: {particle: 10}\n", "cal.yaml:7:7: abc.particle", "did you mean 'particles'", ""},
    {"missing scenario", "", "scenario: nope.yaml\n" PRIOR "targets:\n  - {observable: uses, day: 30, value: 5, "
     "sd: 1}\n", "cal.yaml:1:11: scenario", "nope.yaml", ""},
    {"group without organization", "network: {type: complete, agents: 2}\nmodel: {name: analytic}\n",
     "scenario: s.yaml\nuncertainty:\n  parameters:\n    model.analytic.x1: {distribution: uniform, min: 0, "
     "max: 1}\ntargets:\n  - {observable: y, day: 30, value: 5, sd: 1, group: {level: 0}}\n",
     "cal.yaml:6:55: targets.group", "organization", ""},
};

ParameterizedTestParameters(calibrate, bad_input)
{
    return cr_make_param_array(bad_cal, bad_cals, sizeof bad_cals / sizeof bad_cals[0]);
}

ParameterizedTest(bad_cal *bc, calibrate, bad_input)
{
    char *dir = support_tmpdir();
    const char *scn = bc->scenario[0] ? bc->scenario : ORG;
    free(support_write(dir, "s.yaml", scn, strlen(scn)));
    char *cal = support_write(dir, "cal.yaml", bc->cal, strlen(bc->cal)), *out = support_path(dir, "fit.h5");
    if (bc->csv[0]) free(support_write(dir, "data.csv", bc->csv, strlen(bc->csv)));
    const char *args[] = {"calibrate", cal, "-o", out, NULL};
    char *se = NULL;
    cr_assert_eq(support_exec(args, NULL, &se), 2, "%s: %s", bc->name, se);
    cr_expect(strstr(se, bc->where), "%s: expected '%s' in: %s", bc->name, bc->where, se);
    cr_expect(strstr(se, bc->what), "%s: expected '%s' in: %s", bc->name, bc->what, se);
    cr_expect_eq(support_count_entries(dir), bc->csv[0] ? 3 : 2, "%s: a file was left behind", bc->name);
    free(se);
    free(cal);
    free(out);
    support_rmdir(dir);
}

/* ---- the posterior in experiments ------------------------------------------------------------- */

/* uncertainty: {posterior: fit.h5}: every draw takes all the fit's keys
 * from one particle of its last generation (the joint posterior kept), the
 * particles in proportion to their weights, the same draw for the same
 * (seed, draw); a key also given in parameters takes that distribution. */
Test(calibrate, posterior_draws_particles_jointly)
{
    char *dir = support_tmpdir();
    const char *scn = "run: {days: 1, seed: 1, replicates: 1}\nnetwork: {type: complete, agents: 2}\n"
                      "model:\n  name: analytic\n  analytic: {function: linear, c: [1, 1], noise: 0.1}\n";
    const char *cal = "scenario: scenario.yaml\n"
                      "uncertainty:\n  parameters:\n"
                      "    model.analytic.x1: {distribution: uniform, min: -2, max: 2}\n"
                      "    model.analytic.x2: {distribution: uniform, min: -2, max: 2}\n"
                      "targets:\n  - {observable: y, day: 1, value: 0.5, sd: 0.1}\n"
                      "abc: {particles: 100, max_generations: 3}\n";
    char *out = fit(dir, scn, cal, 2);
    posterior p = read_posterior(out);
    const char *ex_text = "base: scenario.yaml\nreplicates: 4000\nseed: 9\nuncertainty: {posterior: fit.h5}\n";
    char *ex_path = support_write(dir, "ex.yaml", ex_text, strlen(ex_text));
    experiment *ex = NULL;
    sim_error err;
    char buf[2048];
    int rc = experiment_load(ex_path, &catalog, NULL, 0, &ex, &err);
    cr_assert_eq(rc, SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    cr_assert_eq(ex->unc.n, 2);
    cr_expect_eq(ex->unc.p[0].family, UNC_POSTERIOR);
    gsl_rng *g = rng_gsl_alloc();
    double *count = calloc((size_t)p.N, sizeof *count), v[2], again[2];
    for (int d = 0; d < 4000; d++) {
        uncertainty_draw(&ex->unc, g, ex->seed, (uint32_t)d, v);
        int found = -1;
        for (int i = 0; i < p.N && found < 0; i++)
            if (p.theta[(size_t)i * 2] == v[0] && p.theta[(size_t)i * 2 + 1] == v[1]) found = i;
        cr_assert_geq(found, 0, "draw %d (%g, %g) is no particle", d, v[0], v[1]);
        count[found]++;
        uncertainty_draw(&ex->unc, g, ex->seed, (uint32_t)d, again);
        cr_assert(again[0] == v[0] && again[1] == v[1]);
    }
    /* the draws follow the weights: chi-square over the particles, 99.9% quantile */
    double chi = 0;
    for (int i = 0; i < p.N; i++) chi += (count[i] - 4000 * p.w[i]) * (count[i] - 4000 * p.w[i]) / (4000 * p.w[i]);
    cr_expect_lt(chi, gsl_cdf_chisq_Pinv(0.999, p.N - 1), "chi-square %g over %d particles", chi, p.N);
    gsl_rng_free(g);
    free(count);
    experiment_free(ex);
    /* a parameter given too replaces the posterior's */
    const char *ex2 = "base: scenario.yaml\nreplicates: 10\nuncertainty:\n  posterior: fit.h5\n  parameters:\n"
                      "    model.analytic.x2: {distribution: uniform, min: 5, max: 6}\n";
    free(ex_path);
    ex_path = support_write(dir, "ex.yaml", ex2, strlen(ex2));
    rc = experiment_load(ex_path, &catalog, NULL, 0, &ex, &err);
    cr_assert_eq(rc, SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    cr_expect_eq(ex->unc.p[uncertainty_find(&ex->unc, "model.analytic.x2")].family, UNC_UNIFORM);
    cr_expect_eq(ex->unc.p[uncertainty_find(&ex->unc, "model.analytic.x1")].family, UNC_POSTERIOR);
    experiment_free(ex);
    /* a missing fit file is an error at the key */
    const char *ex3 = "base: scenario.yaml\nreplicates: 10\nuncertainty:\n  posterior: nofit.h5\n";
    free(ex_path);
    ex_path = support_write(dir, "ex.yaml", ex3, strlen(ex3));
    cr_expect_eq(experiment_load(ex_path, &catalog, NULL, 0, &ex, &err), SIM_EINPUT);
    sim_error_format(&err, buf, sizeof buf);
    cr_expect(strstr(buf, "ex.yaml:4:14: uncertainty.posterior") && strstr(buf, "nofit.h5"), "%s", buf);
    free(ex_path);
    posterior_free(&p);
    free(out);
    support_rmdir(dir);
}

/* The worked example at a small size: calibrate_firm_500.yaml (its CSV
 * export, priors and series) with a budget of a few hundred runs, then
 * experiment_four_steps_fitted.yaml checked against that fit (its
 * posterior path pointed at it). */
Test(calibrate, worked_example_small, .timeout = 300)
{
    char *dir = support_tmpdir();
    char cwd[1024];
    cr_assert(getcwd(cwd, sizeof cwd));
    cr_assert_eq(support_shell("sed -e 's|^scenario: |scenario: %s/configs/|' -e 's|file: |file: %s/configs/|' "
                               "-e 's|particles: 200|particles: 20|' -e 's|max_runs: 6000|max_runs: 200|' "
                               "configs/calibrate_firm_500.yaml > %s/cal.yaml", cwd, cwd, dir), 0);
    cr_assert_eq(support_shell("sed -e 's|^base: |base: %s/configs/|' -e 's|posterior: .*|posterior: %s/fit.h5|' "
                               "configs/experiment_four_steps_fitted.yaml > %s/ex.yaml", cwd, dir, dir), 0);
    char *cal = support_path(dir, "cal.yaml"), *fitp = support_path(dir, "fit.h5"), *ex = support_path(dir, "ex.yaml");
    const char *args[] = {"calibrate", cal, "-o", fitp, "-q", NULL};
    char *se = NULL, *so = NULL;
    cr_assert_eq(support_exec(args, NULL, &se), 0, "%s", se);
    free(se);
    const char *check[] = {"check", ex, NULL};
    cr_assert_eq(support_exec(check, &so, &se), 0, "%s", se);
    cr_expect(strstr(so, "2 uncertain key(s)"), "%s", so);
    free(so), free(se);
    const char *rep[] = {"report", fitp, NULL};
    cr_assert_eq(support_exec(rep, &so, &se), 0, "%s", se);
    cr_expect(strstr(so, "monthly_active, day 31 (2025-02-06)") && strstr(so, "weekly_active, day 120 (2025-05-06)"),
              "%s", so);
    cr_expect(!strstr(so, "weekly_active, day 90"), "the gap became a target: %s", so);
    free(so), free(se);
    free(cal), free(fitp), free(ex);
    support_rmdir(dir);
}

/* ---- resume ------------------------------------------------------------------------------------ */

static void kill_at_generation_2(const char *line, void *arg)
{
    (void)arg;
    if (!strncmp(line, "generation 2:", 13)) raise(SIGKILL);
}

/* A fit killed after its generation 2 leaves FIT.h5.part and no FIT.h5; a
 * plain rerun is refused; --resume goes on from generation 3 and writes
 * the same particles, weights, distances, tolerances and predictive curves
 * as an uninterrupted fit.  A changed definition is refused. */
Test(calibrate, resume_after_kill_gives_the_same_fit)
{
    char *dir = support_tmpdir(), *ref = support_tmpdir();
    const char *cal = "scenario: scenario.yaml\nseed: 4\n"
                      "uncertainty:\n  parameters:\n    model.analytic.x1: {distribution: uniform, min: -5, max: 5}\n"
                      "targets:\n  - {observable: y, day: 1, value: 1, sd: 0.2}\n"
                      "abc: {particles: 60, max_generations: 5}\n";
    free(support_write(dir, "scenario.yaml", NORMAL_SCENARIO, strlen(NORMAL_SCENARIO)));
    char *calpath = support_write(dir, "cal.yaml", cal, strlen(cal)), *out = support_path(dir, "fit.h5");
    char *part = support_path(dir, "fit.h5.part");
    sim_error err;
    char buf[2048];
    /* the child forks before this process has started OpenMP threads (a
     * fork after them would leave it without its pool), and runs on one */
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        omp_set_num_threads(1);
        cal_config *c = NULL;
        if (calibrate_load(calpath, &catalog, NULL, 0, &c, &err)) _exit(3);
        calibrate_options opt = {out, 0, 0, 1, "test", kill_at_generation_2, NULL};
        calibrate_summary sum;
        calibrate_run(c, &opt, &sum, &err);
        _exit(4); /* not killed */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status %d", status);
    char *whole = fit(ref, NORMAL_SCENARIO, cal, 2);
    struct stat st;
    cr_assert_eq(stat(part, &st), 0, "no checkpoint");
    cr_assert_neq(stat(out, &st), 0, "a fit file after a kill");
    const char *again[] = {"calibrate", calpath, "-o", out, NULL};
    char *se = NULL;
    cr_expect_eq(support_exec(again, NULL, &se), 2);
    cr_expect(strstr(se, "--resume goes on"), "%s", se);
    free(se);
    /* another definition is refused */
    char *changed = support_path(dir, "cal2.yaml");
    cr_assert_eq(support_shell("sed 's/sd: 0.2/sd: 0.3/' %s > %s", calpath, changed), 0);
    const char *other[] = {"calibrate", changed, "-o", out, "--resume", NULL};
    cr_expect_eq(support_exec(other, NULL, &se), 2);
    cr_expect(strstr(se, "another calibration"), "%s", se);
    free(se);
    const char *resume[] = {"calibrate", calpath, "-o", out, "--resume", "--threads", "1", NULL};
    cr_assert_eq(support_exec(resume, NULL, &se), 0, "%s", se);
    cr_expect(strstr(se, "resumed after generation 2"), "%s", se);
    free(se);
    cr_expect_neq(stat(part, &st), 0, "the checkpoint stays after the fit");
    static const char *const vars[] = {"particles", "weights", "distances", "tolerance", "acceptance_rate",
                                       "simulations", "predicted", "curve_quantiles"};
    for (size_t v = 0; v < sizeof vars / sizeof vars[0]; v++)
        cr_expect_eq(support_shell("h5diff -q -d 0 %s %s %s %s", whole, out, vars[v], vars[v]), 0, "%s differs",
                     vars[v]);
    (void)buf;
    free(changed), free(whole), free(calpath), free(out), free(part);
    support_rmdir(dir);
    support_rmdir(ref);
}
