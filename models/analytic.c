/* analytic.c: analytic test functions behind the model interface
 * (verification model for sensitivity analysis).
 *
 * The model's parameters are the inputs x1..x10 (model.analytic.x1 ...) and
 * the function (model.analytic.function):
 * - ishigami: y = sin x1 + a sin^2 x2 + b x3^4 sin x1 (x_i in [-pi, pi]; a = 7,
 *   b = 0.1 give the first-order indices 0.314, 0.442, 0 and the total
 *   indices 0.558, 0.442, 0.244);
 * - gfunction: Sobol's g-function y = prod_i (|4 x_i - 2| + a_i) / (1 + a_i)
 *   over the coefficients model.analytic.g_a (x_i in [0, 1]; V_i = 1 / (3 (1
 *   + a_i)^2), S_i = V_i / (prod (1 + V_j) - 1));
 * - linear: y = sum_i c_i x_i over the coefficients model.analytic.c.
 * Its one observable, y, is f(x) on every day, plus model.analytic.noise x a
 * standard normal drawn once per replicate (so replicates differ and the mean
 * over replicates is f(x) in expectation).  Nothing depends on the network
 * (the cheapest is a complete graph of 2 agents) or on the day. */
#include "analytic.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

enum { ANALYTIC_DRAW_NOISE = 1 };

typedef struct analytic_state {
    int function;                /* ANALYTIC_* */
    double x[ANALYTIC_MAX_X];
    double a, b, noise;
    param_list g_a, c;
    gsl_rng *r;
    double y;                    /* this replicate's value */
} analytic_state;

#define X_ROW(i)                                                                                                  \
    {"model.analytic.x" #i, PARAM_DOUBLE, "1", -1e9, 1e9, "0", NULL, 0,                                          \
     "input x" #i " of the function (ishigami: x1..x3; gfunction, linear: one per coefficient)",                  \
     PARAM_FIELD(analytic_state, x[i - 1])}

static const param_def analytic_params[] = {
    {"model.analytic.function", PARAM_ENUM, "", 0, 0, "ishigami", "ishigami|gfunction|linear", 0,
     "ishigami: sin x1 + a sin^2 x2 + b x3^4 sin x1; gfunction: Sobol's prod (|4 x_i - 2| + a_i) / (1 + a_i); "
     "linear: sum c_i x_i", PARAM_FIELD(analytic_state, function)},
    X_ROW(1), X_ROW(2), X_ROW(3), X_ROW(4), X_ROW(5), X_ROW(6), X_ROW(7), X_ROW(8), X_ROW(9), X_ROW(10),
    {"model.analytic.a", PARAM_DOUBLE, "1", -1e6, 1e6, "7", NULL, 0, "ishigami: the coefficient a",
     PARAM_FIELD(analytic_state, a)},
    {"model.analytic.b", PARAM_DOUBLE, "1", -1e6, 1e6, "0.1", NULL, 0, "ishigami: the coefficient b",
     PARAM_FIELD(analytic_state, b)},
    {"model.analytic.g_a", PARAM_DOUBLE_LIST, "1", 0, 1e6, "[0, 1, 4.5, 9, 99, 99, 99, 99]", NULL, ANALYTIC_MAX_X,
     "gfunction: the coefficients a_i, one per input (0: most important)", PARAM_FIELD(analytic_state, g_a)},
    {"model.analytic.c", PARAM_DOUBLE_LIST, "1", -1e6, 1e6, "[1]", NULL, ANALYTIC_MAX_X,
     "linear: the coefficients c_i, one per input", PARAM_FIELD(analytic_state, c)},
    {"model.analytic.noise", PARAM_DOUBLE, "1", 0, 1e6, "0", NULL, 0,
     "standard deviation of a normal term added to y, drawn once per replicate", PARAM_FIELD(analytic_state, noise)},
    PARAM_END};

static const sim_observable analytic_observables[] = {
    {"y", "f(x), the analytic function at the inputs (plus the replicate's noise)", "1", 0, 0, 0},
};

static const sim_outcome analytic_outcomes[] = {
    {"y", "y", SIM_OUTCOME_VALUE, "y", NULL, 0, "1", 4, NULL, 0},
};

double analytic_value(int fn, const double *x, double a, double b, const double *coef, int n)
{
    double y;
    switch (fn) {
    case ANALYTIC_ISHIGAMI: {
        double s2 = sin(x[1]);
        y = sin(x[0]) + a * s2 * s2 + b * pow(x[2], 4) * sin(x[0]);
        break;
    }
    case ANALYTIC_GFUNCTION:
        y = 1;
        for (int i = 0; i < n; i++) y *= (fabs(4 * x[i] - 2) + coef[i]) / (1 + coef[i]);
        break;
    default:
        y = 0;
        for (int i = 0; i < n; i++) y += coef[i] * x[i];
        break;
    }
    return y;
}

/* The inputs function fn reads: x1 .. x<n>. */
static int inputs_used(const analytic_state *p)
{
    return p->function == ANALYTIC_ISHIGAMI ? 3 : p->function == ANALYTIC_GFUNCTION ? p->g_a.n : p->c.n;
}

static int analytic_alloc(const sim_context *ctx, void **state, sim_error *err)
{
    analytic_state *s = calloc(1, sizeof *s);
    if (!s || !(s->r = rng_gsl_alloc())) {
        free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    scenario_bind(ctx->scn, analytic_params, s);
    *state = s;
    return SIM_OK;
}

static void analytic_free(void *state)
{
    analytic_state *s = state;
    if (!s) return;
    gsl_rng_free(s->r);
    free(s);
}

static void analytic_init(void *state, const sim_context *ctx)
{
    analytic_state *s = state;
    const param_list *coef = s->function == ANALYTIC_GFUNCTION ? &s->g_a : &s->c;
    s->y = analytic_value(s->function, s->x, s->a, s->b, coef->v, coef->n);
    if (s->noise > 0) {
        rng_gsl_stream(s->r, ctx->key, 0, 0, ANALYTIC_DRAW_NOISE);
        s->y += s->noise * gsl_ran_gaussian_ziggurat(s->r, 1.0);
    }
}

static void analytic_step(void *state, const sim_context *ctx, int32_t day)
{
    (void)state;
    (void)ctx;
    (void)day;
}

static void analytic_observe(const void *state, const sim_context *ctx, double *values, double *by_generation,
                             double *by_level)
{
    (void)ctx;
    (void)by_generation;
    (void)by_level;
    values[0] = ((const analytic_state *)state)->y;
}

/* Settings of the analytic model that its function does not read. */
static void analytic_warnings(const scenario *scn, sim_warnings *out)
{
    analytic_state p;
    memset(&p, 0, sizeof p);
    scenario_bind(scn, analytic_params, &p);
    const char *fn = scenario_string(scn, "model.analytic.function");
    const int used = inputs_used(&p);
    for (int i = used; i < ANALYTIC_MAX_X; i++) {
        char key[32];
        snprintf(key, sizeof key, "model.analytic.x%d", i + 1);
        if (scenario_find(scn, key)->source != PARAM_FROM_DEFAULT)
            scenario_warn(scn, key, out, "does nothing: %s reads x1..x%d", fn, used);
    }
    static const struct {
        const char *key;
        int function;
    } own[] = {{"model.analytic.a", ANALYTIC_ISHIGAMI}, {"model.analytic.b", ANALYTIC_ISHIGAMI},
               {"model.analytic.g_a", ANALYTIC_GFUNCTION}, {"model.analytic.c", ANALYTIC_LINEAR}};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (p.function != own[i].function && scenario_find(scn, own[i].key)->source != PARAM_FROM_DEFAULT)
            scenario_warn(scn, own[i].key, out, "does nothing: model.analytic.function is %s", fn);
}

static size_t analytic_bytes_per_agent(const scenario *scn)
{
    (void)scn;
    return 0;
}

const sim_model_type analytic_model = {
    .name = "analytic",
    .summary = "analytic test functions (Ishigami, Sobol's g, linear) for sensitivity analysis (verification)",
    .params = analytic_params,
    .observables = analytic_observables,
    .n_observables = 1,
    .alloc = analytic_alloc,
    .free = analytic_free,
    .init = analytic_init,
    .step = analytic_step,
    .observe = analytic_observe,
    .warnings = analytic_warnings,
    .bytes_per_agent = analytic_bytes_per_agent,
    .outcomes = analytic_outcomes,
    .n_outcomes = 1,
};
