/* stats.h: the summary statistics of `adoptsim report` (GSL): a mean with
 * its 95% Student t interval, and a ratio of means with its delta-method
 * interval.
 *
 * Over n values: mean = gsl_stats_mean, the interval mean +- t * sd / sqrt(n)
 * with sd = gsl_stats_sd (n - 1 in the denominator) and t =
 * gsl_cdf_tdist_Pinv(0.975, n - 1); n = 1 gives no interval.
 *
 * The ratio R = mean(c) / mean(u) of paired differences c (a cost) and u (a
 * gain), not a mean of per-pair ratios (which explode when u is near 0).
 * Its interval is R +- t * sqrt((s_c^2 - 2 R s_cu + R^2 s_u^2) / (n mean(u)^2))
 * with sample (co)variances; it is given only when the gain is significant
 * (the 95% interval of u lies above 0; otherwise the exact, Fieller,
 * interval is unbounded): with a positive but not significant gain the ratio
 * comes without an interval, and with no gain there is no ratio. */
#ifndef SIM_STATS_H
#define SIM_STATS_H

typedef struct stats_estimate {
    int n;                 /* values used; 0: none */
    double mean, lo, hi;   /* NaN when not defined (lo, hi: n < 2 or no interval) */
} stats_estimate;

/* No estimate from n values (all NaN). */
stats_estimate stats_none(int n);

/* The mean of x[0..n) with its 95% interval. */
stats_estimate stats_mean_ci(const double *x, int n);

/* Why a ratio has no (interval): none, no gain, or a gain not significant. */
typedef enum stats_ratio_why { STATS_RATIO_OK, STATS_RATIO_NO_GAIN, STATS_RATIO_NOT_SIGNIFICANT } stats_ratio_why;

/* mean(c) / mean(u) over n pairs with its interval (see above). */
stats_estimate stats_ratio_ci(const double *c, const double *u, int n, stats_ratio_why *why);

#endif
