/* test_sweep.c: the sweep designs: a grid is the Cartesian product in order,
 * a Latin hypercube puts exactly one point in each stratum of every
 * parameter and depends only on its seed, Sobol gives GSL's sequence; and an
 * experiment maps the designs onto the parameter ranges (whole numbers
 * rounded). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "registry.h"
#include "support.h"
#include "sweep.h"

Test(sweep, grid_is_the_product_first_parameter_slowest)
{
    const double a[] = {1, 2}, b[] = {10, 20, 30};
    const double *values[] = {a, b};
    const int n[] = {2, 3};
    double out[12];
    sweep_grid(2, n, values, out);
    const double want[12] = {1, 10, 1, 20, 1, 30, 2, 10, 2, 20, 2, 30};
    for (int i = 0; i < 12; i++) cr_expect_eq(out[i], want[i], "element %d", i);
}

Test(sweep, latin_hypercube_one_point_per_stratum_and_seeded)
{
    enum { P = 3, N = 50 };
    double x[N * P], y[N * P], z[N * P];
    cr_assert_eq(sweep_latin_hypercube(P, N, 7, x), 0);
    cr_assert_eq(sweep_latin_hypercube(P, N, 7, y), 0);
    cr_assert_eq(sweep_latin_hypercube(P, N, 8, z), 0);
    cr_expect_eq(memcmp(x, y, sizeof x), 0, "the same seed gives the same design");
    cr_expect_neq(memcmp(x, z, sizeof x), 0, "another seed gives another design");
    for (int j = 0; j < P; j++) {
        int hits[N] = {0};
        for (int i = 0; i < N; i++) {
            double v = x[i * P + j];
            cr_assert(v >= 0 && v < 1, "value %g outside [0,1)", v);
            hits[(int)(v * N)]++;
        }
        for (int k = 0; k < N; k++) cr_expect_eq(hits[k], 1, "parameter %d stratum %d holds %d points", j, k, hits[k]);
    }
    /* the parameters are paired at random, not in step */
    int same = 0;
    for (int i = 0; i < N; i++) same += (int)(x[i * P] * N) == (int)(x[i * P + 1] * N);
    cr_expect_lt(same, N / 2);
}

Test(sweep, sobol_is_gsl_sequence)
{
    /* the first points of the 2-D Sobol sequence (GSL skips the origin) */
    double out[4 * 2];
    cr_assert_eq(sweep_sobol(2, 4, out), 0);
    const double want[8] = {0.5, 0.5, 0.75, 0.25, 0.25, 0.75, 0.375, 0.375};
    for (int i = 0; i < 8; i++) cr_expect(fabs(out[i] - want[i]) < 1e-12, "element %d: %g", i, out[i]);
}

/* Load an experiment written to a temporary file. */
static experiment *load_text(const char *text, char **dir)
{
    *dir = support_tmpdir();
    char *path = support_write(*dir, "exp.yaml", text, strlen(text));
    experiment *ex = NULL;
    sim_error err;
    sim_error_clear(&err);
    cr_assert_eq(experiment_load(path, &registry_catalog, NULL, 0, &ex, &err), SIM_OK, "%s", err.msg);
    free(path);
    return ex;
}

Test(sweep, ranges_mapped_and_whole_numbers_rounded)
{
    char *dir;
    experiment *ex = load_text("sweep:\n  method: latin_hypercube\n  points: 20\n  parameters:\n"
                               "    model.bass.q: {min: 0.2, max: 0.6}\n"
                               "    network.agents: {min: 100, max: 200}\n", &dir);
    cr_assert_eq(ex->n_points, 20);
    cr_assert_eq(ex->n_params, 2);
    for (int i = 0; i < 20; i++) {
        double q = ex->points[i * 2], n = ex->points[i * 2 + 1];
        cr_expect(q >= 0.2 && q < 0.6, "q = %g", q);
        cr_expect(n >= 100 && n <= 200 && n == floor(n), "agents = %g", n);
    }
    /* one q in each of the 20 strata of [0.2, 0.6) */
    int hits[20] = {0};
    for (int i = 0; i < 20; i++) hits[(int)((ex->points[i * 2] - 0.2) / 0.02)]++;
    for (int k = 0; k < 20; k++) cr_expect_eq(hits[k], 1, "stratum %d", k);
    /* a point's scenario carries its values */
    scenario *c = NULL;
    sim_error err;
    cr_assert_eq(experiment_config(ex, 0, 3, &c, &err), SIM_OK);
    cr_expect_eq(scenario_double(c, "model.bass.q"), ex->points[3 * 2]);
    cr_expect_eq((double)scenario_int(c, "network.agents"), ex->points[3 * 2 + 1]);
    scenario_free(c);
    experiment_free(ex);
    support_rmdir(dir);
}

Test(sweep, sobol_experiment_spans_the_box)
{
    char *dir;
    experiment *ex = load_text("sweep:\n  method: sobol\n  points: 4\n  parameters:\n"
                               "    model.bass.p: {min: 0.0, max: 0.02}\n"
                               "    model.bass.q: {min: 0.1, max: 0.5}\n", &dir);
    const double want[8] = {0.01, 0.3, 0.015, 0.2, 0.005, 0.4, 0.0075, 0.25};
    for (int i = 0; i < 8; i++) cr_expect(fabs(ex->points[i] - want[i]) < 1e-12, "element %d: %g", i, ex->points[i]);
    cr_expect_str_eq(ex->method, "sobol");
    experiment_free(ex);
    support_rmdir(dir);
}
