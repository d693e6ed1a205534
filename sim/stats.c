/* stats.c: means and ratios with their 95% intervals (see stats.h). */
#include "stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
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
