/* stats.c: means and ratios with their 95% intervals, quantiles, proportions
 * and the split of a variance by group (see stats.h). */
#include "stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

stats_estimate stats_none(int n)
{
    return (stats_estimate){n, NAN, NAN, NAN};
}

stats_estimate stats_mean_ci(const double *x, int n)
{
    stats_estimate st = stats_none(n);
    if (n <= 0) return st;
    st.mean = gsl_stats_mean(x, 1, (size_t)n);
    if (n >= 2) {
        double hw = gsl_cdf_tdist_Pinv(0.975, n - 1) * gsl_stats_sd_m(x, 1, (size_t)n, st.mean) / sqrt(n);
        st.lo = st.mean - hw;
        st.hi = st.mean + hw;
    }
    return st;
}

stats_estimate stats_ratio_ci(const double *c, const double *u, int n, stats_ratio_why *why)
{
    stats_estimate st = stats_none(n);
    *why = STATS_RATIO_OK;
    if (n <= 0) return st;
    double mc = gsl_stats_mean(c, 1, (size_t)n), mu = gsl_stats_mean(u, 1, (size_t)n);
    if (!(mu > 0)) {
        *why = STATS_RATIO_NO_GAIN;
        return st;
    }
    st.mean = mc / mu;
    if (n < 2) return st;
    if (!(stats_mean_ci(u, n).lo > 0)) {
        *why = STATS_RATIO_NOT_SIGNIFICANT;
        return st;
    }
    double r = st.mean, nn = n;
    double vc = gsl_stats_variance_m(c, 1, (size_t)n, mc), vu = gsl_stats_variance_m(u, 1, (size_t)n, mu);
    double cov = gsl_stats_covariance_m(c, 1, u, 1, (size_t)n, mc, mu);
    double var = (vc - 2 * r * cov + r * r * vu) / (nn * mu * mu);
    double hw = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(var > 0 ? var : 0);
    st.lo = r - hw;
    st.hi = r + hw;
    return st;
}

double stats_quantile(double *x, int n, double q)
{
    if (n <= 0) return NAN;
    gsl_sort(x, 1, (size_t)n);
    return gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, q);
}

stats_estimate stats_proportion_ci(double p, int n)
{
    stats_estimate st = stats_none(n);
    if (n <= 0) return st;
    const double z = gsl_cdf_ugaussian_Pinv(0.975), nn = n, z2 = z * z;
    const double den = 1 + z2 / nn, center = (p + z2 / (2 * nn)) / den;
    const double hw = z / den * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    st.mean = p;
    st.lo = center - hw;
    st.hi = center + hw;
    return st;
}

stats_variance_split stats_variance_by_group(const double *x, const int *start, int n_groups)
{
    stats_variance_split v = {0, NAN, NAN, NAN};
    double sum_var = 0, sum_noise = 0, sum_mean = 0, sum_mean2 = 0;
    /* two passes over the groups' means: their mean, then their variance */
    for (int g = 0; g < n_groups; g++) {
        const int m = start[g + 1] - start[g];
        if (m < 2) continue;
        const double mean = gsl_stats_mean(x + start[g], 1, (size_t)m);
        const double var = gsl_stats_variance_m(x + start[g], 1, (size_t)m, mean);
        v.groups++;
        sum_var += var;
        sum_noise += var / m;
        sum_mean += mean;
    }
    if (v.groups < 2) return v;
    const double grand = sum_mean / v.groups;
    for (int g = 0; g < n_groups; g++) {
        const int m = start[g + 1] - start[g];
        if (m < 2) continue;
        const double d = gsl_stats_mean(x + start[g], 1, (size_t)m) - grand;
        sum_mean2 += d * d;
    }
    v.within = sum_var / v.groups;
    v.between = sum_mean2 / (v.groups - 1) - sum_noise / v.groups;
    if (v.between < 0) v.between = 0;
    v.share = v.between + v.within > 0 ? v.between / (v.between + v.within) : NAN;
    return v;
}
