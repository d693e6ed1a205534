/* test_uncertainty.c: parameter uncertainty.  Each distribution's draws
 * follow it (Kolmogorov-Smirnov or chi-square against GSL's CDFs, fixed
 * seeds); every scenario and sweep point of a replicate takes the same draw,
 * replicates of one draw share it, other draws differ; the runs use the
 * drawn values (a run equals `adoptsim run` with them set); the file stores
 * them as coordinates over replicate and is bit-identical for 1 and 2
 * threads; a killed experiment resumes to the uninterrupted file and a
 * changed section is refused; scenarios and --set fix a key with a warning;
 * bad sections fail before any run with file:line:column and key. */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <hdf5.h>

#include "experiment.h"
#include "registry.h"
#include "support.h"
#include "uncertainty.h"

#define EXP "tests/data/uncertainty/experiment.yaml" /* 2 scenarios x 2 points x 6 replicates, 2 per draw */
#define RUN "tests/data/uncertainty/run.yaml"        /* a scenario file with its own section */
#define PYX "/usr/bin/python3 tests/check_experiment.py"
#define PYU "/usr/bin/python3 tests/check_uncertainty.py"

static const experiment_catalog catalog = {registry_scenario_alloc, registry_validate, registry_scenario_model,
                                           registry_key_inert, registry_model_warnings};

static experiment *load(const char *path, const char *const *sets, int n_sets)
{
    experiment *ex = NULL;
    sim_error err;
    char buf[2048];
    int rc = experiment_load(path, &catalog, sets, n_sets, &ex, &err);
    cr_assert_eq(rc, SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    return ex;
}

/* ---- the distributions ------------------------------------------------------------------ */

/* The parameters of an uncertainty section written as `text` (the lines
 * under parameters:) into a scenario file of the genai model. */
static uncertainty parse(const char *dir, const char *text)
{
    char body[4096];
    snprintf(body, sizeof body, "model: {name: genai}\nuncertainty:\n  parameters:\n%s", text);
    char *path = support_write(dir, "dist.yaml", body, strlen(body));
    scenario *scn = NULL;
    sim_error err;
    char buf[2048];
    uncertainty u = {0};
    cr_assert_eq(registry_scenario_alloc(&scn, &err), SIM_OK);
    int rc = uncertainty_load_file(&u, path, scn, &err);
    cr_assert_eq(rc, SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    scenario_free(scn);
    free(path);
    return u;
}

static double cdf_of(const unc_param *p, double x)
{
    switch (p->family) {
    case UNC_UNIFORM: return (x - p->a) / (p->b - p->a);
    case UNC_LOG_UNIFORM: return (log(x) - log(p->a)) / (log(p->b) - log(p->a));
    case UNC_NORMAL:
    case UNC_LOGNORMAL: {
        /* the truncated normal's CDF, from GSL's gaussian, independently of the inversion */
        const int ln = p->family == UNC_LOGNORMAL;
        double mu = ln ? log(p->a) : p->a, t = ln ? log(x) : x;
        double lo = ln ? (p->lo > 0 ? log(p->lo) : -INFINITY) : p->lo, hi = ln ? log(p->hi) : p->hi;
        double flo = isinf(lo) ? 0 : gsl_cdf_gaussian_P(lo - mu, p->b), fhi = gsl_cdf_gaussian_P(hi - mu, p->b);
        return (gsl_cdf_gaussian_P(t - mu, p->b) - flo) / (fhi - flo);
    }
    case UNC_BETA: return gsl_cdf_beta_P((x - p->lo) / (p->hi - p->lo), p->a, p->b);
    case UNC_TRIANGULAR:
        return x <= p->b ? (x - p->a) * (x - p->a) / ((p->c - p->a) * (p->b - p->a))
                         : 1 - (p->c - x) * (p->c - x) / ((p->c - p->a) * (p->c - p->b));
    default: return NAN;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov p-value of x[0..n) against p's CDF (the asymptotic
 * Kolmogorov distribution with Stephens' correction). */
static double ks_p(const unc_param *p, double *x, int n)
{
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    double d = 0;
    for (int i = 0; i < n; i++) {
        double f = cdf_of(p, x[i]);
        d = fmax(d, fmax(f - (double)i / n, (double)(i + 1) / n - f));
    }
    double lambda = (sqrt(n) + 0.12 + 0.11 / sqrt(n)) * d, q = 0;
    for (int k = 1; k <= 100; k++) q += 2 * ((k % 2) ? 1 : -1) * exp(-2.0 * k * k * lambda * lambda);
    return q < 0 ? 0 : q > 1 ? 1 : q;
}

#define DRAWS 20000
#define P_MIN 0.001 /* fixed seeds: a test that passes cannot flake */

/* Each family (and the truncated normal and lognormal, in both tails of the
 * inversion) follows its distribution: KS p-value above P_MIN over 20,000
 * draws, every draw within its range. */
Test(uncertainty, each_distribution_follows_its_cdf, .timeout = 60)
{
    char *dir = support_tmpdir();
    uncertainty u = parse(dir,
        "    model.genai.use.peers: {distribution: uniform, min: 1, max: 2}\n"
        "    model.genai.habit.decay: {distribution: log_uniform, min: 0.01, max: 0.04}\n"
        "    model.genai.use.intercept: {distribution: normal, mean: -3.4, sd: 0.2}\n"
        "    model.genai.task.complexity: {distribution: normal, mean: 0.5, sd: 0.5}\n"
        "    model.genai.use.attitude: {distribution: normal, mean: 0, sd: 1, min: 1.5, max: 20}\n"
        "    model.genai.habit.rate: {distribution: lognormal, median: 0.05, sdlog: 0.3}\n"
        "    model.genai.disillusion.recovery: {distribution: lognormal, median: 0.05, sdlog: 0.5, max: 0.08}\n"
        "    model.genai.task.spread: {distribution: beta, alpha: 2, beta: 5, min: 0.1, max: 0.6}\n"
        "    model.genai.leader.say: {distribution: beta, alpha: 0.5, beta: 0.5}\n"
        "    model.genai.task.steepness: {distribution: triangular, min: 3, mode: 4, max: 9}\n");
    cr_assert_eq(u.n, 10);
    cr_expect_eq(u.p[3].lo, 0);
    cr_expect_eq(u.p[3].hi, 1, "truncated to the key's bounds");
    cr_expect(u.p[4].upper_tail, "a range above the mean is inverted in the upper tail");
    gsl_rng *g = rng_gsl_alloc();
    double *x = malloc(DRAWS * sizeof *x);
    for (int j = 0; j < u.n; j++) {
        const unc_param *p = &u.p[j];
        for (int i = 0; i < DRAWS; i++) {
            x[i] = uncertainty_value(p, g, 17, (uint32_t)i);
            cr_assert(x[i] >= p->lo && x[i] <= p->hi, "%s: draw %g outside [%g, %g]", p->path, x[i], p->lo, p->hi);
        }
        double pv = ks_p(p, x, DRAWS);
        cr_expect(pv > P_MIN, "%s (%s): KS p = %g", p->path, p->text, pv);
    }
    free(x);
    gsl_rng_free(g);
    uncertainty_free(&u);
    support_rmdir(dir);
}

/* Chi-square of observed counts against expected probabilities. */
static double chi2_p(const int *count, const double *prob, int k, int n)
{
    double stat = 0;
    for (int i = 0; i < k; i++) stat += (count[i] - n * prob[i]) * (count[i] - n * prob[i]) / (n * prob[i]);
    return gsl_cdf_chisq_Q(stat, k - 1);
}

/* choice: each value as likely; a whole-number key rounds a uniform draw
 * (so its end values are half as likely as the inner ones). */
Test(uncertainty, choices_and_whole_numbers, .timeout = 60)
{
    char *dir = support_tmpdir();
    uncertainty u = parse(dir,
        "    interventions.training.every: {distribution: choice, values: [14, 30, 60]}\n"
        "    interventions.vanguard.per_team: {distribution: uniform, min: 1, max: 5}\n");
    gsl_rng *g = rng_gsl_alloc();
    int c1[3] = {0}, c2[5] = {0};
    for (int i = 0; i < DRAWS; i++) {
        double a = uncertainty_value(&u.p[0], g, 3, (uint32_t)i), b = uncertainty_value(&u.p[1], g, 3, (uint32_t)i);
        cr_assert(a == 14 || a == 30 || a == 60, "choice drew %g", a);
        cr_assert(b == round(b) && b >= 1 && b <= 5, "whole-number key drew %g", b);
        c1[a == 14 ? 0 : a == 30 ? 1 : 2]++;
        c2[(int)b - 1]++;
    }
    const double p1[3] = {1.0 / 3, 1.0 / 3, 1.0 / 3}, p2[5] = {0.125, 0.25, 0.25, 0.25, 0.125};
    cr_expect(chi2_p(c1, p1, 3, DRAWS) > P_MIN, "choice counts %d %d %d", c1[0], c1[1], c1[2]);
    cr_expect(chi2_p(c2, p2, 5, DRAWS) > P_MIN, "rounded counts %d %d %d %d %d", c2[0], c2[1], c2[2], c2[3], c2[4]);
    gsl_rng_free(g);
    uncertainty_free(&u);
    support_rmdir(dir);
}

/* A time key's positions take times as people say them: 1m and 3m, or dates
 * against run.start_date (calendar months), choices too; a spread stays a
 * number, and a malformed time is an error at its field. */
Test(uncertainty, time_keys_take_weeks_months_and_dates, .timeout = 60)
{
    char *dir = support_tmpdir(), buf[2048];
    const char *body = "model: {name: genai}\nuncertainty:\n  parameters:\n"
                       "    interventions.training.start: {distribution: uniform, min: 1m, max: 2025-04-01}\n"
                       "    interventions.training.every: {distribution: choice, values: [2w, 30, 1m]}\n"
                       "    interventions.vanguard.start: {distribution: normal, mean: 6w, sd: 7}\n";
    char *path = support_write(dir, "times.yaml", body, strlen(body));
    scenario *scn = NULL;
    sim_error err;
    uncertainty u = {0};
    cr_assert_eq(registry_scenario_alloc(&scn, &err), SIM_OK);
    cr_assert_eq(scenario_set(scn, "run.start_date=2025-01-01", &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    cr_assert_eq(uncertainty_load_file(&u, path, scn, &err), SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    cr_assert_eq(u.n, 3);
    /* 2025-01-01 + 1 calendar month = 2025-02-01, day 31; 2025-04-01 is day 90 */
    cr_expect_eq(u.p[0].a, 31);
    cr_expect_eq(u.p[0].b, 90);
    cr_expect_eq(u.p[1].n_values, 3);
    cr_expect_eq(u.p[1].values[0], 14);
    cr_expect_eq(u.p[1].values[1], 30);
    cr_expect_eq(u.p[1].values[2], 30, "a length's month is 30.44 days, rounded: %g", u.p[1].values[2]);
    cr_expect_eq(u.p[2].a, 42);
    cr_expect_eq(u.p[2].b, 7);
    uncertainty_free(&u);
    /* a spread is a number; a date before the start is refused at its field */
    const char *bad[][2] = {
        {"    interventions.vanguard.start: {distribution: normal, mean: 6w, sd: 1w}\n", "sd: expected a number"},
        {"    interventions.training.start: {distribution: uniform, min: 2024-12-01, max: 3m}\n", "min:"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[1024];
        snprintf(text, sizeof text, "model: {name: genai}\nuncertainty:\n  parameters:\n%s", bad[i][0]);
        free(path);
        path = support_write(dir, "times.yaml", text, strlen(text));
        uncertainty v = {0};
        cr_expect_eq(uncertainty_load_file(&v, path, scn, &err), SIM_EINPUT, "%s", bad[i][0]);
        const char *msg = sim_error_format(&err, buf, sizeof buf);
        cr_expect(strstr(msg, bad[i][1]) != NULL && strstr(msg, "times.yaml:4:") != NULL, "%s", msg);
        uncertainty_free(&v);
    }
    scenario_free(scn);
    free(path);
    support_rmdir(dir);
}

/* A draw depends on (seed, draw, key path) only: not on the order of the
 * keys or the other keys; other draws, seeds and keys differ. */
Test(uncertainty, a_draw_depends_on_seed_draw_and_key_only)
{
    char *dir = support_tmpdir();
    uncertainty a = parse(dir,
        "    model.genai.use.peers: {distribution: uniform, min: 1, max: 2}\n"
        "    model.genai.use.leader: {distribution: uniform, min: 1, max: 2}\n");
    uncertainty b = parse(dir,
        "    model.genai.use.habit: {distribution: normal, mean: 4, sd: 1}\n"
        "    model.genai.use.leader: {distribution: uniform, min: 1, max: 2}\n"
        "    model.genai.use.peers: {distribution: uniform, min: 1, max: 2}\n");
    gsl_rng *g = rng_gsl_alloc();
    double va[2], vb[3];
    uncertainty_draw(&a, g, 7, 4, va);
    uncertainty_draw(&b, g, 7, 4, vb);
    cr_expect_eq(va[0], vb[2]);
    cr_expect_eq(va[1], vb[1]);
    cr_expect_neq(va[0], va[1], "two keys with the same distribution drew the same value");
    cr_expect_neq(va[0], uncertainty_value(&a.p[0], g, 7, 5), "another draw");
    cr_expect_neq(va[0], uncertainty_value(&a.p[0], g, 8, 4), "another seed");
    gsl_rng_free(g);
    uncertainty_free(&a);
    uncertainty_free(&b);
    support_rmdir(dir);
}

/* ---- experiments ------------------------------------------------------------------------ */

/* Every scenario and sweep point of replicate r takes draw r / 2; the
 * replicates of a draw share its values, other draws differ; the section's
 * definitions merge (the include's first, replaced by the file's own), and a
 * key of the include that acts nowhere is left out. */
Test(uncertainty, every_scenario_and_point_of_a_replicate_shares_its_draw)
{
    experiment *ex = load(EXP, NULL, 0);
    cr_assert_eq(ex->unc.n, 4, "%d uncertain keys", ex->unc.n);
    cr_expect_str_eq(ex->unc.p[0].path, "model.genai.use.intercept");
    cr_expect_str_eq(ex->unc.p[2].path, "model.genai.use.peers");
    cr_expect_eq(ex->unc.p[2].a, 0.5, "the file's own definition replaces the include's");
    cr_expect_str_eq(ex->unc.p[3].path, "interventions.vanguard.meeting_nudge");
    cr_expect_eq(uncertainty_find(&ex->unc, "interventions.permission.strength"), -1);
    cr_expect_eq(ex->warnings.n, 0, "%s", ex->warnings.n ? ex->warnings.items[0].msg : "");
    cr_expect_eq(ex->n_draws, 3);
    double v[2][2][6][4];
    for (int s = 0; s < 2; s++)
        for (int p = 0; p < 2; p++)
            for (int r = 0; r < 6; r++) {
                scenario *c = NULL;
                sim_error err;
                cr_assert_eq(experiment_run_config(ex, s, p, r, &c, &err), SIM_OK, "%s", err.msg);
                for (int j = 0; j < 4; j++) v[s][p][r][j] = scenario_double(c, ex->unc.p[j].path);
                cr_expect_eq(scenario_int(c, "interventions.vanguard.per_team"), p + 1, "the sweep's value");
                scenario_free(c);
            }
    gsl_rng *g = rng_gsl_alloc();
    for (int r = 0; r < 6; r++)
        for (int j = 0; j < 4; j++) {
            cr_expect_eq(v[0][0][r][j], uncertainty_value(&ex->unc.p[j], g, 5, (uint32_t)(r / 2)));
            for (int s = 0; s < 2; s++)
                for (int p = 0; p < 2; p++) cr_expect_eq(v[s][p][r][j], v[0][0][r][j], "s %d p %d r %d", s, p, r);
            if (r % 2) cr_expect_eq(v[0][0][r][j], v[0][0][r - 1][j], "replicates of one draw");
            else if (r) cr_expect_neq(v[0][0][r][j], v[0][0][r - 2][j], "another draw, key %d", j);
        }
    gsl_rng_free(g);
    experiment_free(ex);
}

/* The file: the draws as coordinates over replicate, equal to the draws of
 * the experiment; with draw(replicate) for 2 replicates a draw; bit for bit
 * the same on 1 and 2 threads; a run equals `adoptsim run` of its scenario
 * with the drawn values set. */
Test(uncertainty, the_file_holds_the_draws_and_the_runs_use_them, .timeout = 120)
{
    char *dir = support_tmpdir(), *a = support_path(dir, "t1.h5"), *b = support_path(dir, "t2.h5");
    char *one = support_path(dir, "one.h5"), *err = NULL;
    const char *args1[] = {"experiment", EXP, "-o", a, "--threads", "1", "-q", NULL};
    const char *args2[] = {"experiment", EXP, "-o", b, "--threads", "2", "-q", NULL};
    cr_assert_eq(support_exec(args1, NULL, &err), 0, "%s", err);
    free(err);
    cr_assert_eq(support_exec(args2, NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell(PYX " same %s %s", a, b), 0);

    /* the coordinates hold the draws */
    experiment *ex = load(EXP, NULL, 0);
    gsl_rng *g = rng_gsl_alloc();
    hid_t f = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(f >= 0);
    double got[6];
    int draw[6];
    for (int j = 0; j < ex->unc.n; j++) {
        hid_t ds = H5Dopen2(f, ex->unc.p[j].path, H5P_DEFAULT);
        cr_assert(ds >= 0, "no variable %s", ex->unc.p[j].path);
        cr_assert(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0);
        H5Dclose(ds);
        for (int r = 0; r < 6; r++)
            cr_expect_eq(got[r], uncertainty_value(&ex->unc.p[j], g, 5, (uint32_t)(r / 2)), "%s r %d",
                         ex->unc.p[j].path, r);
    }
    hid_t ds = H5Dopen2(f, "draw", H5P_DEFAULT);
    cr_assert(ds >= 0);
    cr_assert(H5Dread(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, draw) >= 0);
    H5Dclose(ds);
    for (int r = 0; r < 6; r++) cr_expect_eq(draw[r], r / 2);
    H5Fclose(f);
    cr_expect_eq(support_shell(PYU " coords %s", a), 0);
    char *so = NULL;
    const char *check[] = {"check", EXP, NULL};
    cr_assert_eq(support_exec(check, &so, NULL), 0);
    cr_expect(strstr(so, "4 uncertain key(s), 3 parameter draw(s) of 2 replicate(s)") != NULL, "%s", so);
    free(so);

    /* run (vanguard, per_team 2, replicate 3) alone, the draw's values set */
    char sets[4][128];
    const char *run[40] = {"run", "tests/data/experiment/base.yaml", "-o", one, "-q", "--set", "run.seed=5",
                           "--set", "run.replicates=4", "--set", "interventions.vanguard.enabled=true",
                           "--set", "interventions.vanguard.start=10", "--set", "interventions.vanguard.every=7",
                           "--set", "interventions.vanguard.per_team=2"};
    int n = 17;
    for (int j = 0; j < ex->unc.n; j++) {
        snprintf(sets[j], sizeof sets[j], "%s=%.17g", ex->unc.p[j].path, uncertainty_value(&ex->unc.p[j], g, 5, 1));
        run[n++] = "--set";
        run[n++] = sets[j];
    }
    run[n] = NULL;
    cr_assert_eq(support_exec(run, NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell(PYU " run %s %s vanguard 1 3", a, one), 0);
    /* and another draw's run differs from it */
    cr_expect_neq(support_shell(PYU " run %s %s vanguard 1 1 2>/dev/null", a, one), 0);
    gsl_rng_free(g);
    experiment_free(ex);
    free(a);
    free(b);
    free(one);
    support_rmdir(dir);
}

/* Killed after 5 committed runs, then resumed: the file equals the
 * uninterrupted one; a changed section is refused on --resume. */
Test(uncertainty, killed_then_resumed_equals_uninterrupted, .timeout = 120)
{
    char *dir = support_tmpdir(), *full = support_path(dir, "full.h5"), *cut = support_path(dir, "cut.h5"), *err = NULL;
    const char *args[] = {"experiment", EXP, "-o", full, "--threads", "2", "-q", NULL};
    cr_assert_eq(support_exec(args, NULL, &err), 0, "%s", err);
    free(err);
    support_pipe sp = {EXP, 0, cut, 1, 0, 0, 0, 0, 0, 5, 0, {NULL}};
    cr_assert_eq(support_pipeline(&sp, &err, NULL), 128 + 9);
    free(err);
    const char *resume[] = {"experiment", EXP, "-o", cut, "--threads", "2", "--resume", NULL};
    char *so = NULL;
    cr_assert_eq(support_exec(resume, &so, &err), 0, "%s", err);
    cr_expect(strstr(so, "5 runs were already done") != NULL, "%s", so);
    free(so);
    free(err);
    cr_expect_eq(support_shell(PYX " same %s %s", full, cut), 0);

    /* the same experiment with another distribution: not the same definition */
    char text[4096];
    FILE *in = fopen(EXP, "r");
    size_t len = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[len] = '\0';
    char *at = strstr(text, "max: 2.5");
    cr_assert(at);
    at[5] = '3';
    /* next to the original: its paths are relative */
    char name[64];
    snprintf(name, sizeof name, ".changed-%d.yaml", (int)getpid());
    char *def = support_write("tests/data/uncertainty", name, text, strlen(text));
    char *cut2 = support_path(dir, "cut2.h5");
    support_pipe sp2 = {def, 0, cut2, 1, 0, 0, 0, 0, 0, 3, 0, {NULL}};
    cr_assert_eq(support_pipeline(&sp2, &err, NULL), 128 + 9);
    free(err);
    const char *again[] = {"experiment", EXP, "-o", cut2, "--resume", "-q", NULL};
    cr_expect_eq(support_exec(again, NULL, &err), 2);
    cr_expect(strstr(err, "different experiment definition") != NULL, "%s", err);
    cr_expect(strstr(err, "model.genai.use.peers: uniform(min=0.5, max=") != NULL, "%s", err);
    free(err);
    unlink(def);
    free(def);
    free(cut2);
    free(full);
    free(cut);
    support_rmdir(dir);
}

/* A scenario that sets an uncertain key keeps its value (a warning, and
 * the file says which scenarios keep it); a --set fixes a key for every run
 * (a warning; no coordinate for it). */
Test(uncertainty, scenarios_and_the_command_line_fix_a_key, .timeout = 120)
{
    char *dir = support_tmpdir(), cwd[PATH_MAX], text[PATH_MAX + 1024];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(text, sizeof text,
             "base: %s/tests/data/experiment/base.yaml\nreplicates: 4\nscenarios:\n  push: {}\n"
             "  pinned: {model.genai.use.peers: 1.7}\n"
             "uncertainty:\n  parameters:\n"
             "    model.genai.use.peers: {distribution: uniform, min: 0.5, max: 2.5}\n"
             "    model.genai.use.leader: {distribution: uniform, min: 0.5, max: 1.5}\n", cwd);
    char *def = support_write(dir, "fix.yaml", text, strlen(text));
    experiment *ex = load(def, NULL, 0);
    cr_assert_eq(ex->unc.n, 2);
    cr_expect_eq(ex->warnings.n, 1);
    cr_expect(strstr(ex->warnings.items[0].msg, "scenario \"pinned\" keeps this value") != NULL, "%s",
              ex->warnings.items[0].msg);
    cr_expect_eq(ex->warnings.items[0].line, 5);
    for (int r = 0; r < 4; r++) {
        scenario *a = NULL, *b = NULL;
        sim_error err;
        cr_assert_eq(experiment_run_config(ex, 0, 0, r, &a, &err), SIM_OK);
        cr_assert_eq(experiment_run_config(ex, 1, 0, r, &b, &err), SIM_OK);
        cr_expect_eq(scenario_double(b, "model.genai.use.peers"), 1.7, "the scenario's own value");
        cr_expect_neq(scenario_double(a, "model.genai.use.peers"), 1.7);
        cr_expect_eq(scenario_double(a, "model.genai.use.leader"), scenario_double(b, "model.genai.use.leader"));
        scenario_free(a);
        scenario_free(b);
    }
    experiment_free(ex);
    const char *sets[] = {"model.genai.use.leader=1.1"};
    ex = load(def, sets, 1);
    cr_expect_eq(ex->unc.n, 1, "--set fixes the key");
    cr_expect_eq(uncertainty_find(&ex->unc, "model.genai.use.leader"), -1);
    int said = 0;
    for (int i = 0; i < ex->warnings.n; i++)
        said |= !strcmp(ex->warnings.items[i].file, "--set") && strstr(ex->warnings.items[i].msg, "fixes a key") != NULL;
    cr_expect(said, "no warning about the --set");
    experiment_free(ex);

    char *out = support_path(dir, "fix.h5"), *err = NULL;
    const char *args[] = {"experiment", def, "-o", out, "--set", "model.genai.use.leader=1.1", NULL};
    cr_assert_eq(support_exec(args, NULL, &err), 0, "%s", err);
    cr_expect(strstr(err, "--set: model.genai.use.leader: fixes a key the uncertainty section draws") != NULL, "%s",
              err);
    free(err);
    cr_expect_eq(support_shell(PYU " kept %s model.genai.use.peers pinned model.genai.use.leader", out), 0);
    free(out);
    free(def);
    support_rmdir(dir);
}

/* `adoptsim run` of a scenario file with an uncertainty section: each
 * replicate its own draw; check says how many; the report has the section. */
Test(uncertainty, run_draws_per_replicate, .timeout = 120)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "run.h5"), *err = NULL, *so = NULL;
    const char *args[] = {"run", RUN, "-o", out, "-q", NULL};
    cr_assert_eq(support_exec(args, NULL, &err), 0, "%s", err);
    cr_expect_str_empty(err);
    free(err);
    cr_expect_eq(support_shell(PYU " coords %s", out), 0);
    const char *check[] = {"check", RUN, NULL};
    cr_assert_eq(support_exec(check, &so, NULL), 0);
    cr_expect(strstr(so, "2 uncertain key(s), 4 parameter draw(s) of 1 replicate(s)") != NULL, "%s", so);
    free(so);
    const char *rep[] = {"report", out, NULL};
    cr_assert_eq(support_exec(rep, &so, NULL), 0);
    cr_expect(strstr(so, "Parameter uncertainty") && strstr(so, "choice(values=[0.5, 1.5, 3])"), "%s", so);
    free(so);
    /* a --set of a drawn key fixes it, with a warning */
    const char *fixed[] = {"run", RUN, "-o", out, "--force", "--set", "model.genai.use.peers=1", NULL};
    cr_assert_eq(support_exec(fixed, NULL, &err), 0, "%s", err);
    cr_expect(strstr(err, "--set: model.genai.use.peers: fixes a key") != NULL, "%s", err);
    free(err);
    free(out);
    support_rmdir(dir);
}

/* ---- bad sections --------------------------------------------------------------------- */

typedef struct bad_section {
    const char *what;
    const char *text;     /* after "base: <base.yaml>\n" */
    const char *where;    /* expected "exp.yaml:line:col: key" */
    const char *message;  /* expected part of the message */
} bad_section;

static const bad_section bad_sections[] = {
    {"unknown distribution", "uncertainty:\n  parameters:\n    model.genai.use.peers: {distribution: unifrom, min: 1, max: 2}\n",
     "exp.yaml:4:43: model.genai.use.peers", "unknown distribution \"unifrom\""},
    {"missing field", "uncertainty:\n  parameters:\n    model.genai.use.peers: {distribution: normal, mean: 1}\n",
     "exp.yaml:4:28: model.genai.use.peers", "normal needs mean and sd: missing sd"},
    {"extra field", "uncertainty:\n  parameters:\n    model.genai.use.peers: {distribution: uniform, min: 1, max: 2, mean: 1}\n",
     "exp.yaml:4:68: model.genai.use.peers", "not \"mean\""},
    {"uniform beyond the key's bounds", "uncertainty:\n  parameters:\n"
     "    model.genai.use.peers: {distribution: uniform, min: 1, max: 30}\n",
     "exp.yaml:4:65: model.genai.use.peers", "between 0 and 20, got 30"},
    {"triangular beyond the key's bounds", "uncertainty:\n  parameters:\n"
     "    model.genai.task.complexity: {distribution: triangular, min: -0.5, mode: 0.3, max: 0.6}\n",
     "exp.yaml:4:66: model.genai.task.complexity", "between 0 and 1, got -0.5"},
    {"beta's default range beyond the key's bounds", "uncertainty:\n  parameters:\n"
     "    model.genai.task.steepness: {distribution: beta, alpha: 2, beta: 2, min: 2}\n",
     "exp.yaml:4:33: model.genai.task.steepness", "empty range"},
    {"beta beyond the key's bounds", "uncertainty:\n  parameters:\n"
     "    interventions.permission.strength: {distribution: beta, alpha: 2, beta: 2, min: 0.5, max: 2}\n",
     "exp.yaml:4:95: interventions.permission.strength", "between 0 and 1, got 2"},
    {"choice beyond the key's bounds", "uncertainty:\n  parameters:\n"
     "    interventions.training.every: {distribution: choice, values: [14, -5]}\n",
     "exp.yaml:4:71: interventions.training.every", "between 0 and 100000, got -5"},
    {"a fraction for a whole-number key", "uncertainty:\n  parameters:\n"
     "    interventions.training.every: {distribution: choice, values: [14.5]}\n",
     "exp.yaml:4:67: interventions.training.every", "whole number"},
    {"non-numeric key", "uncertainty:\n  parameters:\n"
     "    interventions.vanguard.enabled: {distribution: choice, values: [0, 1]}\n",
     "exp.yaml:4:5: interventions.vanguard.enabled", "cannot draw a non-numeric key"},
    {"unknown key", "uncertainty:\n  parameters:\n    model.genai.use.peer: {distribution: uniform, min: 1, max: 2}\n",
     "exp.yaml:4:5: model.genai.use.peer", "did you mean \"model.genai.use.peers\""},
    {"swept and uncertain", "sweep:\n  method: grid\n  parameters:\n    model.genai.use.peers: [1, 2]\n"
     "uncertainty:\n  parameters:\n    model.genai.use.peers: {distribution: uniform, min: 1, max: 2}\n",
     "exp.yaml:5:5: model.genai.use.peers", "exp.yaml:8:5): drop one of the two"},
    {"network key", "uncertainty:\n  parameters:\n    network.agents: {distribution: choice, values: [100, 200]}\n",
     "exp.yaml:4:5: network.agents", "uncertain network keys are not supported"},
    {"organization key", "uncertainty:\n  parameters:\n    organization.span: {distribution: uniform, min: 4, max: 8}\n",
     "exp.yaml:4:5: organization.span", "builds the network"},
    {"run key", "uncertainty:\n  parameters:\n    run.days: {distribution: uniform, min: 30, max: 60}\n",
     "exp.yaml:4:5: run.days", "cannot be drawn per replicate"},
    {"empty range", "uncertainty:\n  parameters:\n    model.genai.use.peers: {distribution: uniform, min: 2, max: 1}\n",
     "exp.yaml:4:28: model.genai.use.peers", "empty range"},
    {"a truncation that keeps almost nothing", "uncertainty:\n  parameters:\n"
     "    model.genai.use.peers: {distribution: normal, mean: 30, sd: 2}\n",
     "exp.yaml:4:28: model.genai.use.peers", "keeps"},
    {"log_uniform from 0", "uncertainty:\n  parameters:\n"
     "    model.genai.habit.decay: {distribution: log_uniform, min: 0, max: 0.1}\n",
     "exp.yaml:4:63: model.genai.habit.decay", "min above 0"},
    {"a mode outside the range", "uncertainty:\n  parameters:\n"
     "    model.genai.use.peers: {distribution: triangular, min: 1, mode: 3, max: 2}\n",
     "exp.yaml:4:69: model.genai.use.peers", "the mode 3 lies outside"},
    {"not a distribution", "uncertainty:\n  parameters:\n    model.genai.use.peers: 1.5\n",
     "exp.yaml:4:28: model.genai.use.peers", "expected a distribution"},
    {"replicates_per_draw 0", "uncertainty:\n  replicates_per_draw: 0\n  parameters:\n"
     "    model.genai.use.peers: {distribution: uniform, min: 1, max: 2}\n",
     "exp.yaml:3:24: uncertainty.replicates_per_draw", "whole number between 1 and 1000000"},
    {"unknown key of the section", "uncertainty:\n  parameter:\n    model.genai.use.peers: {distribution: uniform, min: 1, max: 2}\n",
     "exp.yaml:3:3: uncertainty.parameter", "unknown key"},
    {"parameters not a mapping", "uncertainty:\n  parameters: [1, 2]\n",
     "exp.yaml:3:15: uncertainty.parameters", "expected a mapping of key paths"},
    {"a key given twice in one mapping", "uncertainty:\n  parameters:\n"
     "    model.genai.use.peers: {distribution: uniform, min: 1, max: 2}\n"
     "    model:\n      genai.use.peers: {distribution: uniform, min: 1, max: 3}\n",
     "exp.yaml:6:7: model.genai.use.peers", "given twice (also at line 4)"},
    {"a missing include", "uncertainty:\n  include: no_such_priors.yaml\n",
     "exp.yaml:3:12: uncertainty.include", "no_such_priors.yaml"},
    {"a drawn value breaking a cross-key rule", "scenarios:\n  a: {}\n  b:\n"
     "    interventions.peer_mentoring: {enabled: true, novice_skill: 0.4}\n"
     "uncertainty:\n  parameters:\n"
     "    interventions.peer_mentoring.mentor_skill: {distribution: uniform, min: 0.1, max: 0.9}\n",
     "exp.yaml:8:5: interventions.peer_mentoring.mentor_skill", "(scenario \"b\", parameter draw"},
};

Test(uncertainty, bad_sections_fail_before_any_run, .timeout = 120)
{
    char *dir = support_tmpdir(), cwd[PATH_MAX], base[PATH_MAX + 64];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(base, sizeof base, "%s/tests/data/experiment/base.yaml", cwd);
    for (size_t i = 0; i < sizeof bad_sections / sizeof bad_sections[0]; i++) {
        const bad_section *c = &bad_sections[i];
        char text[PATH_MAX + 1024], *err = NULL;
        snprintf(text, sizeof text, "base: %s\n%s", base, c->text);
        char *def = support_write(dir, "exp.yaml", text, strlen(text));
        char *out = support_path(dir, "out.h5");
        const char *args[] = {"experiment", def, "-o", out, "-q", NULL};
        int code = support_exec(args, NULL, &err);
        cr_expect_eq(code, 2, "%s: exit %d: %s", c->what, code, err);
        cr_expect(strstr(err, c->where) != NULL, "%s: expected \"%s\" in: %s", c->what, c->where, err);
        cr_expect(strstr(err, c->message) != NULL, "%s: expected \"%s\" in: %s", c->what, c->message, err);
        cr_expect_eq(access(out, F_OK), -1, "%s: an output file was written", c->what);
        cr_expect_eq(support_count_entries(dir), 1, "%s: something was left behind", c->what);
        free(err);
        free(def);
        free(out);
    }
    support_rmdir(dir);
}

/* A section that draws nothing is said to. */
Test(uncertainty, a_section_that_draws_nothing_warns, .timeout = 60)
{
    char *dir = support_tmpdir(), cwd[PATH_MAX], text[PATH_MAX + 512];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(text, sizeof text, "base: %s/tests/data/experiment/base.yaml\nuncertainty:\n  parameters:\n"
             "    interventions.training.gain: {distribution: uniform, min: 0.05, max: 0.1}\n", cwd);
    char *def = support_write(dir, "none.yaml", text, strlen(text));
    experiment *ex = load(def, NULL, 0);
    cr_expect_eq(ex->unc.n, 0);
    cr_assert_eq(ex->warnings.n, 2);
    cr_expect(strstr(ex->warnings.items[0].msg, "1 uncertain key acts in no scenario and is not drawn: "
                                                "interventions.training.gain (interventions.training.enabled is "
                                                "false)") != NULL, "%s", ex->warnings.items[0].msg);
    cr_expect(strstr(ex->warnings.items[1].msg, "nothing is drawn") != NULL, "%s", ex->warnings.items[1].msg);
    cr_expect(strstr(ex->definition, "uncertainty:") == NULL, "a definition with an empty section");
    experiment_free(ex);
    free(def);
    support_rmdir(dir);
}

/* A scenario file may not both set a key and draw it; an included file
 * gives parameters only. */
Test(uncertainty, bad_scenario_files, .timeout = 60)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "o.h5"), *err = NULL;
    const char *both = "model: {name: genai, genai: {use: {peers: 1.2}}}\nnetwork: {type: organization}\n"
                       "uncertainty:\n  parameters:\n    model.genai.use.peers: {distribution: uniform, min: 1, max: 2}\n";
    char *path = support_write(dir, "both.yaml", both, strlen(both));
    const char *args[] = {"run", path, "-o", out, "-q", NULL};
    cr_expect_eq(support_exec(args, NULL, &err), 2);
    cr_expect(strstr(err, "both.yaml:1:43: model.genai.use.peers: set here and drawn by this file's uncertainty "
                     "section (") != NULL, "%s", err);
    free(err);
    const char *inc = "uncertainty:\n  replicates_per_draw: 2\n  parameters: {}\n";
    free(support_write(dir, "inc.yaml", inc, strlen(inc)));
    const char *top = "model: {name: genai}\nnetwork: {type: organization}\nuncertainty: {include: inc.yaml}\n";
    free(path);
    path = support_write(dir, "top.yaml", top, strlen(top));
    args[1] = path;
    cr_expect_eq(support_exec(args, NULL, &err), 2);
    cr_expect(strstr(err, "inc.yaml:2:24: uncertainty.replicates_per_draw: an included file gives parameters only")
              != NULL, "%s", err);
    free(err);
    cr_expect_eq(access(out, F_OK), -1);
    free(path);
    free(out);
    support_rmdir(dir);
}
