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
 * comes without an interval, and with no gain there is no ratio.
 *
 * Under parameter uncertainty (files with parameter draws):
 * - quantiles of n values as GSL's gsl_stats_quantile_from_sorted_data
 *   gives them (linear interpolation between order statistics: numpy's
 *   default), the values sorted with gsl_sort;
 * - a proportion with its Wilson score interval: for a share p of n
 *   independent units, (p + z^2 / 2n) / (1 + z^2 / n) +- z / (1 + z^2 / n)
 *   sqrt(p (1 - p) / n + z^2 / 4n^2), z = gsl_cdf_ugaussian_Pinv(0.975);
 * - the law of total variance over groups (the replicates of one parameter
 *   draw): Var = E[Var | draw] + Var[E | draw], over the groups of at least
 *   2 values: within = the mean of the groups' unbiased variances s_g^2;
 *   between = the variance (n - 1) of the group means minus the mean of
 *   s_g^2 / m_g (the noise those means carry), at least 0; the share due to
 *   the groups (the parameters) is between / (between + within). */
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

/* The q-quantile (0 <= q <= 1) of x[0..n), n >= 1, which is sorted in place; NaN when n == 0. */
double stats_quantile(double *x, int n, double q);

/* A proportion p of n independent units with its 95% Wilson interval (see
 * above): mean p, lo, hi; n == 0 gives none. */
stats_estimate stats_proportion_ci(double p, int n);

/* The variance of values split by group (see above). */
typedef struct stats_variance_split {
    int groups;            /* groups of at least 2 values used; < 2: nothing defined */
    double within, between;/* E[Var | group] and Var[E | group] */
    double share;          /* between / (between + within); NaN when not defined */
} stats_variance_split;

/* Group g is x[start[g] .. start[g + 1]) (start has n_groups + 1 entries). */
stats_variance_split stats_variance_by_group(const double *x, const int *start, int n_groups);

#endif
