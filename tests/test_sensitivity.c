/* test_sensitivity.c: sensitivity analysis end to end.  The designs (Morris
 * trajectories move one key at a time by delta on the grid; Saltelli's AB_i
 * is A but for column i, B's; point counts; the log-scale mapping; seed
 * dependence); the analytic model's known indices recovered through the
 * real pipeline and the sensitivity module (Ishigami and Sobol's g-function
 * within their bootstrap intervals, Morris on a linear function exact);
 * bit-identical files for 1 and 2 threads and after --resume; the numbers
 * of `adoptsim sensitivity` recomputed with numpy; bad definitions. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analytic.h"
#include "experiment.h"
#include "registry.h"
#include "sensitivity.h"
#include "support.h"
#include "sweep.h"

#define DATA "tests/data/sensitivity/"
#define PY "/usr/bin/python3 "

static const experiment_catalog catalog = {registry_scenario_alloc, registry_validate, registry_scenario_model,
                                           registry_key_inert, registry_model_warnings};

/* ---- designs ------------------------------------------------------------------- */

Test(sensitivity, morris_trajectories_move_one_key_at_a_time_on_the_grid)
{
    enum { K = 5, R = 30 };
    static double x[R * (K + 1) * K], y[R * (K + 1) * K], z[R * (K + 1) * K];
    for (int p = 2; p <= 8; p += 2) {
        const double delta = (double)p / (2.0 * (p - 1)), step = 1.0 / (p - 1);
        cr_assert_eq(sweep_morris(K, R, p, 7, x), 0);
        for (int t = 0; t < R; t++) {
            int moved[K] = {0};
            for (int m = 0; m <= K; m++)
                for (int j = 0; j < K; j++) {
                    double v = x[((size_t)t * (K + 1) + (size_t)m) * K + (size_t)j];
                    cr_assert(v >= 0 && v <= 1 + 1e-12, "p %d: value %g outside [0, 1]", p, v);
                    cr_assert(fabs(v / step - round(v / step)) < 1e-9, "p %d: %g is not on the grid", p, v);
                }
            for (int m = 1; m <= K; m++) {
                const double *a = x + ((size_t)t * (K + 1) + (size_t)m - 1) * K, *b = a + K;
                int changed = 0;
                for (int j = 0; j < K; j++)
                    if (a[j] != b[j]) {
                        changed++;
                        moved[j]++;
                        cr_expect(fabs(fabs(b[j] - a[j]) - delta) < 1e-12, "p %d: a step of %g, not %g", p,
                                  b[j] - a[j], delta);
                    }
                cr_expect_eq(changed, 1, "p %d, trajectory %d, step %d moves %d keys", p, t, m, changed);
            }
            for (int j = 0; j < K; j++) cr_expect_eq(moved[j], 1, "p %d: key %d moved %d times", p, j, moved[j]);
        }
    }
    /* the design depends on the seed only: the same seed, the same design;
     * another seed, another; more trajectories keep the first ones */
    cr_assert_eq(sweep_morris(K, R, 4, 7, x), 0);
    cr_assert_eq(sweep_morris(K, R, 4, 7, y), 0);
    cr_assert_eq(sweep_morris(K, R, 4, 8, z), 0);
    cr_expect_eq(memcmp(x, y, sizeof x), 0);
    cr_expect_neq(memcmp(x, z, sizeof x), 0);
    cr_assert_eq(sweep_morris(K, R / 2, 4, 7, y), 0);
    cr_expect_eq(memcmp(x, y, sizeof x / 2), 0);
    /* the order of the steps and the start vary between trajectories */
    int same_order = 0;
    for (int t = 1; t < R; t++) {
        int j0 = -1, j1 = -1;
        const double *now = x + (size_t)t * (K + 1) * K, *before = now - (K + 1) * K;
        for (int j = 0; j < K; j++) {
            if (now[K + j] != now[j]) j1 = j;
            if (before[K + j] != before[j]) j0 = j;
        }
        same_order += j0 == j1;
    }
    cr_expect_lt(same_order, R / 2, "the first step moves the same key in %d of %d trajectories", same_order, R);
}

Test(sensitivity, saltelli_ab_i_is_a_with_column_i_from_b)
{
    enum { K = 3, N = 16 };
    double d[N * (K + 2) * K], sob[N * 2 * K];
    cr_assert_eq(sweep_saltelli(K, N, d), 0);
    cr_assert_eq(sweep_sobol(2 * K, N, sob), 0);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < K; j++) {
            const double a = sob[i * 2 * K + j], b = sob[i * 2 * K + K + j];
            cr_expect_eq(d[i * K + j], a, "A[%d][%d]", i, j);
            cr_expect_eq(d[(N + i) * K + j], b, "B[%d][%d]", i, j);
            for (int c = 0; c < K; c++)
                cr_expect_eq(d[((2 + c) * N + i) * K + j], j == c ? b : a, "AB_%d[%d][%d]", c, i, j);
        }
}

/* Load an experiment written to a temporary file (NULL on a load error,
 * which then is in err). */
static experiment *load_text(const char *text, char **dir, sim_error *err)
{
    *dir = support_tmpdir();
    char *path = support_write(*dir, "exp.yaml", text, strlen(text));
    experiment *ex = NULL;
    sim_error_clear(err);
    experiment_load(path, &catalog, NULL, 0, &ex, err);
    free(path);
    return ex;
}

Test(sensitivity, point_counts_log_scale_and_rounding)
{
    char *dir;
    sim_error err;
    experiment *ex = load_text("scenarios:\n  a: {model.name: analytic, network.type: complete, network.agents: 2}\n"
                               "sweep:\n  method: morris\n  trajectories: 10\n  levels: 4\n  parameters:\n"
                               "    model.analytic.x1: {min: 0.001, max: 10, scale: log}\n"
                               "    organization.span: {min: 2, max: 9}\n"
                               "    model.analytic.x2: {min: -1, max: 1}\n", &dir, &err);
    cr_assert_not_null(ex, "%s", err.msg);
    cr_expect_eq(ex->n_points, 10 * (3 + 1));
    cr_expect_str_eq(ex->method, "morris");
    cr_expect_eq(ex->trajectories, 10);
    cr_expect_eq(ex->levels, 4);
    cr_expect_eq(ex->log_scale[0], 1);
    cr_expect_eq(ex->log_scale[1], 0);
    for (int p = 0; p < ex->n_points; p++) {
        const double u0 = ex->unit[p * 3], u1 = ex->unit[p * 3 + 1], u2 = ex->unit[p * 3 + 2];
        const double x0 = ex->points[p * 3], x1 = ex->points[p * 3 + 1], x2 = ex->points[p * 3 + 2];
        /* log-uniform: u = 1/3 is 10^(-3 + 4/3) */
        cr_expect(fabs(log10(x0) - (-3 + 4 * u0)) < 1e-12, "point %d: %g at u = %g", p, x0, u0);
        cr_expect_eq(x1, round(2 + 7 * u1), "point %d: whole-number key %g at u = %g", p, x1, u1);
        cr_expect(fabs(x2 - (-1 + 2 * u2)) < 1e-12, "point %d", p);
    }
    experiment_free(ex);
    support_rmdir(dir);

    ex = load_text("scenarios:\n  a: {model.name: analytic, network.type: complete, network.agents: 2}\n"
                   "sweep:\n  method: saltelli\n  points: 64\n  parameters:\n"
                   "    model.analytic.x1: {min: 0, max: 1}\n    model.analytic.x2: {min: 0, max: 1}\n"
                   "    model.analytic.x3: {min: 0, max: 1}\n", &dir, &err);
    cr_assert_not_null(ex, "%s", err.msg);
    cr_expect_eq(ex->n_points, 64 * (3 + 2));
    cr_expect_eq(ex->sweep_points, 64);
    cr_expect_eq(ex->warnings.n, 0, "a power of 2 warned");
    experiment_free(ex);
    support_rmdir(dir);

    /* N not a power of 2: accepted, with a warning at sweep.points */
    ex = load_text("scenarios:\n  a: {model.name: analytic, network.type: complete, network.agents: 2}\n"
                   "sweep:\n  method: saltelli\n  points: 100\n  parameters:\n"
                   "    model.analytic.x1: {min: 0, max: 1}\n", &dir, &err);
    cr_assert_not_null(ex, "%s", err.msg);
    int warned = 0;
    for (int i = 0; i < ex->warnings.n; i++)
        warned |= strstr(ex->warnings.items[i].msg, "not a power of 2") != NULL &&
                  !strcmp(ex->warnings.items[i].key, "sweep.points") && ex->warnings.items[i].line == 5;
    cr_expect(warned, "no warning about N = 100");
    experiment_free(ex);
    support_rmdir(dir);
}

#define SEEDED_MORRIS                                                                              \
    "seed: %d\nscenarios:\n  a: {model.name: analytic, network.type: complete, network.agents: 2}\n"   \
    "sweep:\n  method: morris\n  trajectories: 4\n  parameters:\n"                                      \
    "    model.analytic.x1: {min: 0, max: 1}\n    model.analytic.x2: {min: 0, max: 1}\n"

Test(sensitivity, morris_design_depends_on_the_seed)
{
    char text[512], *d1, *d2, *d3;
    sim_error err;
    snprintf(text, sizeof text, SEEDED_MORRIS, 1);
    experiment *a = load_text(text, &d1, &err), *b = load_text(text, &d2, &err);
    snprintf(text, sizeof text, SEEDED_MORRIS, 2);
    experiment *c = load_text(text, &d3, &err);
    cr_assert(a && b && c, "%s", err.msg);
    cr_expect_eq(memcmp(a->unit, b->unit, 12 * 2 * sizeof(double)), 0);
    cr_expect_neq(memcmp(a->unit, c->unit, 12 * 2 * sizeof(double)), 0);
    experiment_free(a);
    experiment_free(b);
    experiment_free(c);
    support_rmdir(d1);
    support_rmdir(d2);
    support_rmdir(d3);
}

/* ---- known indices through the pipeline --------------------------------------------- */

/* Run def into dir/name with adoptsim experiment; the path (malloc'd). */
static char *run_experiment(const char *dir, const char *def, const char *name, const char *threads)
{
    char *out = support_path(dir, name), *err = NULL;
    const char *args[] = {"experiment", def, "-o", out, "-q", "--threads", threads, NULL};
    cr_assert_eq(support_exec(args, NULL, &err), 0, "%s", err);
    free(err);
    return out;
}

/* The CSV of sensitivity_write for the file at path: rows of numbers after
 * the key, one row per key (and the sum), into v[row][col]; returns rows. */
static int indices_csv(const char *path, const char *outcome, int difference, double v[16][9], char keys[16][64])
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    sensitivity_options so = {outcome, -1, NULL, NULL, difference, REPORT_CSV, 1000, 1, registry_model};
    sim_error err;
    sim_error_clear(&err);
    cr_assert_eq(sensitivity_write(path, &so, mem, &err), SIM_OK, "%s", err.msg);
    fclose(mem);
    int rows = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (!strncmp(line, "key,", 4)) continue;
        cr_assert_lt(rows, 16);
        size_t kl = strcspn(line, ",");
        snprintf(keys[rows], 64, "%.*s", (int)kl, line);
        char *p = line + kl;
        for (int c = 0; c < 9; c++) {
            if (*p != ',') {
                v[rows][c] = NAN;
                continue;
            }
            p++;
            char *end;
            v[rows][c] = strtod(p, &end);
            if (end == p) v[rows][c] = NAN;
            p = end;
        }
        rows++;
    }
    free(text);
    return rows;
}

/* Each analytic index within the bootstrap interval of its estimate. */
static void expect_sobol(const char *def, const double *s1, const double *st, int k)
{
    char *dir = support_tmpdir(), *out = run_experiment(dir, def, "s.h5", "2"), keys[16][64];
    double v[16][9];
    int rows = indices_csv(out, "y", 0, v, keys);
    cr_assert_eq(rows, k + 1);
    double sum = 0;
    for (int j = 0; j < k; j++) {
        /* S1, S1_low, S1_high, ST, ST_low, ST_high after the key */
        cr_expect(v[j][0] >= v[j][1] && v[j][0] <= v[j][2], "%s: S1 outside its own interval", keys[j]);
        cr_expect(s1[j] >= v[j][1] && s1[j] <= v[j][2], "%s: analytic S1 %.4f outside [%.4f, %.4f] (estimate %.4f)",
                  keys[j], s1[j], v[j][1], v[j][2], v[j][0]);
        cr_expect(st[j] >= v[j][4] && st[j] <= v[j][5], "%s: analytic ST %.4f outside [%.4f, %.4f] (estimate %.4f)",
                  keys[j], st[j], v[j][4], v[j][5], v[j][3]);
        cr_log_info("%s: S1 %.4f [%.4f, %.4f] (analytic %.4f), ST %.4f [%.4f, %.4f] (analytic %.4f)", keys[j],
                    v[j][0], v[j][1], v[j][2], s1[j], v[j][3], v[j][4], v[j][5], st[j]);
        sum += s1[j];
    }
    cr_expect_str_eq(keys[k], "sum");
    cr_expect(sum >= v[k][1] && sum <= v[k][2], "analytic sum of S1 %.4f outside [%.4f, %.4f]", sum, v[k][1],
              v[k][2]);
    free(out);
    support_rmdir(dir);
}

Test(sensitivity, ishigami_indices_within_their_intervals, .timeout = 120)
{
    /* a = 7, b = 0.1: V1 = 1/2 (1 + b pi^4 / 5)^2, V2 = a^2 / 8, V13 = b^2 pi^8 (1/18 - 1/50) */
    const double a = 7, b = 0.1, pi4 = pow(3.14159265358979323846, 4);
    const double v1 = 0.5 * pow(1 + b * pi4 / 5, 2), v2 = a * a / 8, v13 = b * b * pi4 * pi4 * (1.0 / 18 - 1.0 / 50);
    const double v = v1 + v2 + v13;
    const double s1[3] = {v1 / v, v2 / v, 0}, st[3] = {(v1 + v13) / v, v2 / v, v13 / v};
    cr_expect(fabs(s1[0] - 0.314) < 5e-4 && fabs(s1[1] - 0.442) < 5e-4 && fabs(st[0] - 0.558) < 5e-4 &&
              fabs(st[2] - 0.244) < 5e-4, "the analytic values themselves");
    expect_sobol(DATA "ishigami.yaml", s1, st, 3);
}

Test(sensitivity, gfunction_indices_within_their_intervals, .timeout = 180)
{
    const double coef[8] = {0, 1, 4.5, 9, 99, 99, 99, 99};
    double vi[8], prod = 1, s1[8], st[8];
    for (int i = 0; i < 8; i++) {
        vi[i] = 1.0 / (3.0 * (1 + coef[i]) * (1 + coef[i]));
        prod *= 1 + vi[i];
    }
    for (int i = 0; i < 8; i++) {
        s1[i] = vi[i] / (prod - 1);
        st[i] = vi[i] * prod / (1 + vi[i]) / (prod - 1);
    }
    expect_sobol(DATA "gfunction.yaml", s1, st, 8);
}

Test(sensitivity, morris_on_a_linear_function_is_exact, .timeout = 60)
{
    const double c[4] = {2, -0.5, 0, 3}, range[4] = {10, 8, 2, 1.5};
    char *dir = support_tmpdir(), *out = run_experiment(dir, DATA "linear.yaml", "m.h5", "2"), keys[16][64];
    double v[16][9];
    int rows = indices_csv(out, "y", 0, v, keys);
    cr_assert_eq(rows, 4);
    for (int r = 0; r < 4; r++) {
        int j = keys[r][strlen(keys[r]) - 1] - '1';
        cr_assert(j >= 0 && j < 4, "%s", keys[r]);
        /* rank, n, mu, mu_star, sigma, mu_scaled, mu_star_scaled, sigma_scaled, collapsed */
        const double scale = fabs(c[j]) * range[j] + 1;
        cr_expect_eq(v[r][0], r + 1);
        cr_expect_eq(v[r][1], 12, "%s: %g effects", keys[r], v[r][1]);
        cr_expect(fabs(v[r][6] - fabs(c[j]) * range[j]) < 1e-9 * scale, "%s: mu* %.17g, not |c| x range %g",
                  keys[r], v[r][6], fabs(c[j]) * range[j]);
        cr_expect(fabs(v[r][5] - c[j] * range[j]) < 1e-9 * scale, "%s: mu %.17g", keys[r], v[r][5]);
        cr_expect(fabs(v[r][3] - fabs(c[j])) < 1e-9 * scale, "%s: mu* in the key's units %.17g", keys[r], v[r][3]);
        cr_expect(v[r][7] < 1e-9 * scale && v[r][4] < 1e-9 * scale, "%s: sigma %g, %g", keys[r], v[r][7], v[r][4]);
    }
    /* ranked by mu*: x1 (20), x4 (4.5), x2 (4), x3 (0) */
    cr_expect_str_eq(keys[0], "model.analytic.x1");
    cr_expect_str_eq(keys[1], "model.analytic.x4");
    cr_expect_str_eq(keys[2], "model.analytic.x2");
    free(out);
    support_rmdir(dir);
}

/* ---- the pipeline and readers ------------------------------------------------------- */

Test(sensitivity, saltelli_file_bit_identical_for_1_and_2_threads_and_after_resume, .timeout = 120)
{
    char *dir = support_tmpdir();
    char *a = run_experiment(dir, DATA "noisy.yaml", "t1.h5", "1");
    char *b = run_experiment(dir, DATA "noisy.yaml", "t2.h5", "2");
    cr_expect_eq(support_shell(PY "tests/check_experiment.py same %s %s", a, b), 0);
    /* killed after 5 committed runs, then resumed from the journal */
    char *cut = support_path(dir, "cut.h5"), *err = NULL;
    support_pipe sp = {DATA "noisy.yaml", 0, cut, 2, 0, 0, 0, 0, 0, 5, 0, {NULL}};
    int code = support_pipeline(&sp, &err, NULL);
    free(err);
    cr_assert_eq(code, 128 + 9, "exit %d", code);
    const char *resume[] = {"experiment", DATA "noisy.yaml", "-o", cut, "-q", "--resume", NULL};
    cr_assert_eq(support_exec(resume, NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell(PY "tests/check_experiment.py same %s %s", a, cut), 0);
    /* the design is in the file: the unit cube, the ranges, N */
    cr_expect_eq(support_shell(PY "tests/check_sensitivity.py design %s 32 3", a), 0);
    free(a);
    free(b);
    free(cut);
    support_rmdir(dir);
}

Test(sensitivity, numbers_recomputed_with_numpy, .timeout = 120)
{
    char *dir = support_tmpdir();
    char *m = run_experiment(dir, DATA "genai_morris.yaml", "m.h5", "2");
    char *s = run_experiment(dir, DATA "noisy.yaml", "s.h5", "2");
    cr_assert_eq(support_shell("$ADOPTSIM sensitivity %s --outcome regular_users_pct_staff --group gen_z --day 45 "
                               "--difference --format csv > %s/m.csv", m, dir), 0);
    cr_expect_eq(support_shell(PY "tests/check_sensitivity.py morris %s %s/m.csv regular_users_pct_staff 45 gen_z "
                               "permission push", m, dir), 0);
    cr_assert_eq(support_shell("$ADOPTSIM sensitivity %s --outcome y --format csv --bootstrap 200 > %s/s.csv", s, dir),
                 0);
    cr_expect_eq(support_shell(PY "tests/check_sensitivity.py sobol %s %s/s.csv y 1 - noisy -", s, dir), 0);
    /* levels: span 4 makes 5 levels, span 12 fewer; a level some point lacks is no number */
    cr_expect_eq(support_shell("$ADOPTSIM sensitivity %s --outcome monthly_active --group level:1 > /dev/null", m), 0);
    cr_expect_eq(support_shell("$ADOPTSIM sensitivity %s --outcome monthly_active --group level:4 2>&1 | grep -q "
                               "'a level its organization does not have'", m), 0);
    cr_expect_eq(support_shell("$ADOPTSIM sensitivity %s --outcome monthly_active --group level:9 2>&1 | grep -q "
                               "'monthly_active_by_level has no group 9 (it has 0 to 4)'", m), 0);
    /* the plots: Sobol bars with intervals from the CSV, Morris mu* against sigma from the file */
    cr_expect_eq(support_shell(PY "analysis/plot_sensitivity.py %s/s.csv -o %s/sobol > /dev/null", dir, dir), 0);
    cr_expect_eq(support_shell(PY "analysis/plot_sensitivity.py %s -o %s/morris --outcome regular_users --day 45 "
                               "> /dev/null", m, dir), 0);
    cr_expect_eq(support_shell(PY "tests/check_image.py %s/sobol sensitivity=800x400", dir), 0);
    cr_expect_eq(support_shell(PY "tests/check_image.py %s/morris sensitivity=500x400", dir), 0);
    free(m);
    free(s);
    support_rmdir(dir);
}

Test(sensitivity, command_line_errors)
{
    char *dir = support_tmpdir(), *f = run_experiment(dir, DATA "linear.yaml", "m.h5", "2"), *err = NULL;
    char *plain = run_experiment(dir, "tests/data/experiment/small.yaml", "p.h5", "2");
    static const struct {
        const char *outcome, *extra, *message;
    } cases[] = {
        {"x", NULL, "has no observable or outcome \"x\""},
        {"y", "--group=gen_z", "has no breakdown by generation"},
        {"y", "--group=level:x", "--group wants a generation"},
        {"y", "--scenario=other", "has no scenario named \"other\" (it has linear)"},
        {"y", "--difference", "has one scenario"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[] = {"sensitivity", f, "--outcome", cases[i].outcome, cases[i].extra, NULL};
        cr_expect_eq(support_exec(args, NULL, &err), 2, "%s", cases[i].message);
        cr_expect(err && strstr(err, cases[i].message), "expected \"%s\" in: %s", cases[i].message, err);
        free(err);
    }
    const char *no_design[] = {"sensitivity", plain, "--outcome", "regular_users", NULL};
    cr_expect_eq(support_exec(no_design, NULL, &err), 2);
    cr_expect(strstr(err, "has no Morris or Saltelli design (its sweep is grid)"), "%s", err);
    free(err);
    const char *no_outcome[] = {"sensitivity", f, NULL};
    cr_expect_eq(support_exec(no_outcome, NULL, &err), 2);
    cr_expect(strstr(err, "needs --outcome NAME"), "%s", err);
    free(err);
    const char *bad_boot[] = {"sensitivity", f, "--outcome", "y", "--bootstrap", "-3", NULL};
    cr_expect_eq(support_exec(bad_boot, NULL, &err), 2);
    cr_expect(strstr(err, "--bootstrap wants a whole number"), "%s", err);
    free(err);
    free(f);
    free(plain);
    support_rmdir(dir);
}

/* ---- bad definitions --------------------------------------------------------------- */

Test(sensitivity, bad_designs_fail_at_their_key_before_any_run)
{
    static const struct {
        const char *sweep, *where, *message;
    } cases[] = {
        {"  method: saltelli\n  points: 16\n  parameters: {}\n", "exp.yaml:6:15: sweep.parameters",
         "expected a mapping of key paths to ranges"},
        {"  method: morris\n  trajectories: 4\n", "sweep.method", "a morris sweep needs sweep.parameters"},
        {"  method: morris\n  trajectories: 4\n  levels: 1\n  parameters: {model.analytic.x1: {min: 0, max: 1}}\n",
         "exp.yaml:6:11: sweep.levels", "at least 2 levels"},
        {"  method: morris\n  trajectories: 4\n  levels: 5\n  parameters: {model.analytic.x1: {min: 0, max: 1}}\n",
         "exp.yaml:6:11: sweep.levels", "levels must be even"},
        {"  method: morris\n  trajectories: 1\n  parameters: {model.analytic.x1: {min: 0, max: 1}}\n",
         "exp.yaml:5:17: sweep.trajectories", "at least 2 trajectories"},
        {"  method: morris\n  parameters: {model.analytic.x1: {min: 0, max: 1}}\n", "sweep.trajectories",
         "missing: how many trajectories"},
        {"  method: morris\n  trajectories: 4\n  points: 8\n  parameters: {model.analytic.x1: {min: 0, max: 1}}\n",
         "exp.yaml:6:11: sweep.points", "method morris does not take points"},
        {"  method: saltelli\n  points: 8\n  trajectories: 3\n  parameters: {model.analytic.x1: {min: 0, max: 1}}\n",
         "exp.yaml:6:17: sweep.trajectories", "method saltelli does not take trajectories"},
        {"  method: saltelli\n  parameters: {model.analytic.x1: {min: 0, max: 1}}\n", "sweep.points",
         "missing: how many points saltelli draws"},
        {"  method: saltelli\n  points: 8\n  parameters:\n    model.analytic.x1: {min: 0, max: 1, scale: log}\n",
         "exp.yaml:7:30: model.analytic.x1", "a log scale needs min > 0"},
        {"  method: latin_hypercube\n  points: 8\n  parameters:\n"
         "    model.analytic.x1: {min: -1, max: 1, scale: log}\n",
         "exp.yaml:7:30: model.analytic.x1", "a log scale needs min > 0"},
        {"  method: sobol\n  points: 8\n  parameters:\n    model.analytic.x1: {min: 1, max: 2, scale: cubic}\n",
         "exp.yaml:7:48: model.analytic.x1", "scale is linear or log"},
        {"  method: saltelli\n  points: 8\n  parameters:\n    model.analytic.x1: {min: 0, max: 1}\n"
         "    model.analytic.x1: {min: 0, max: 2}\n", "exp.yaml:8:5: model.analytic.x1",
         "swept twice (also at line 7)"},
        {"  method: morris\n  trajectories: 4\n  parameters:\n    model.analytic.x1: {min: 0, max: 1, step: 2}\n",
         "exp.yaml:7:41: model.analytic.x1", "unknown key \"step\""},
        {"  method: morris\n  trajectories: 4\n  parameters:\n    model.analytic.x1: [0, 1]\n",
         "exp.yaml:7:24: model.analytic.x1", "expected a range"},
        {"  method: grid\n  parameters:\n    model.analytic.x1: {min: 0, max: 1, scale: log}\n",
         "exp.yaml:6:24: model.analytic.x1", "expected a non-empty list of values"},
    };
    char *dir = support_tmpdir();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048], *err = NULL;
        snprintf(text, sizeof text, "scenarios:\n  a: {model.name: analytic, network.type: complete, "
                 "network.agents: 2}\nsweep:\n%s", cases[i].sweep);
        char *def = support_write(dir, "exp.yaml", text, strlen(text)), *out = support_path(dir, "o.h5");
        const char *args[] = {"experiment", def, "-o", out, "-q", NULL};
        cr_expect_eq(support_exec(args, NULL, &err), 2, "case %zu: %s", i, err);
        cr_expect(strstr(err, cases[i].where) && strstr(err, cases[i].message),
                  "case %zu: expected \"%s\" and \"%s\" in: %s", i, cases[i].where, cases[i].message, err);
        cr_expect_neq(access(out, F_OK), 0, "case %zu left a file", i);
        free(err);
        free(def);
        free(out);
    }
    /* 21 keys: beyond GSL's 40 Sobol dimensions */
    char text[4096] = "scenarios:\n  a: {model.name: analytic, network.type: complete, network.agents: 2}\n"
                      "sweep:\n  method: saltelli\n  points: 8\n  parameters:\n";
    static const char *const keys[] = {"model.analytic.x1", "model.analytic.x2", "model.analytic.x3",
                                       "model.analytic.x4", "model.analytic.x5", "model.analytic.x6",
                                       "model.analytic.x7", "model.analytic.x8", "model.analytic.x9",
                                       "model.analytic.x10", "model.analytic.a", "model.analytic.b",
                                       "model.analytic.noise", "network.agents", "run.days", "organization.span",
                                       "model.bass.p", "model.bass.q", "model.threshold.mean", "model.threshold.sd",
                                       "model.threshold.low"};
    for (int i = 0; i < 21; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "    %s: {min: 0.1, max: 0.2}\n", keys[i]);
    char *def = support_write(dir, "exp.yaml", text, strlen(text)), *err = NULL;
    const char *args[] = {"check", def, NULL};
    cr_expect_eq(support_exec(args, NULL, &err), 2);
    cr_expect(strstr(err, "exp.yaml:7:5: sweep.parameters: saltelli supports at most 20 keys, got 21") &&
                  strstr(err, "GSL's Sobol sequence"), "%s", err);
    free(err);
    free(def);
    support_rmdir(dir);
}

Test(sensitivity, analytic_model_warns_about_inputs_its_function_does_not_read)
{
    scenario *scn = support_scenario((const char *[]){"model.name=analytic", "network.type=complete",
                                                      "network.agents=2", "model.analytic.x5=1",
                                                      "model.analytic.g_a=[1, 2]", NULL});
    sim_warnings w = {0};
    registry_warnings(scn, &w);
    int x5 = 0, ga = 0;
    for (int i = 0; i < w.n; i++) {
        x5 |= !strcmp(w.items[i].key, "model.analytic.x5") && strstr(w.items[i].msg, "ishigami reads x1..x3");
        ga |= !strcmp(w.items[i].key, "model.analytic.g_a") && strstr(w.items[i].msg, "function is ishigami");
    }
    cr_expect(x5 && ga, "%d warnings", w.n);
    sim_warnings_free(&w);
    scenario_free(scn);
    /* the functions themselves */
    const double x[3] = {1, 2, 3}, g[2] = {0, 1}, c[3] = {1, -2, 0.5};
    cr_expect(fabs(analytic_value(ANALYTIC_ISHIGAMI, x, 7, 0.1, NULL, 0) -
                   (sin(1) + 7 * sin(2) * sin(2) + 0.1 * 81 * sin(1))) < 1e-12);
    const double xg[2] = {0.25, 1};
    cr_expect(fabs(analytic_value(ANALYTIC_GFUNCTION, xg, 0, 0, g, 2) - 1.0 * (2 + 1) / 2) < 1e-12);
    cr_expect(fabs(analytic_value(ANALYTIC_LINEAR, x, 0, 0, c, 3) - (1 - 4 + 1.5)) < 1e-12);
}
