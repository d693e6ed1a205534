/* analytic.h: the analytic test functions of sensitivity analysis as a model
 * (verification; see analytic.c). */
#ifndef MODELS_ANALYTIC_H
#define MODELS_ANALYTIC_H
#include "model.h"

#define ANALYTIC_MAX_X 10

extern const sim_model_type analytic_model;

/* The functions, in the order of model.analytic.function's choices. */
enum { ANALYTIC_ISHIGAMI, ANALYTIC_GFUNCTION, ANALYTIC_LINEAR };

/* f(x) of function fn: Ishigami sin x1 + a sin^2 x2 + b x3^4 sin x1; Sobol's
 * g-function prod_i (|4 x_i - 2| + a_i) / (1 + a_i) over the n coefficients
 * coef; linear sum_i c_i x_i over the n coefficients coef. */
double analytic_value(int fn, const double *x, double a, double b, const double *coef, int n);

#endif
