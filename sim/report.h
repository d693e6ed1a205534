/* report.h: `adoptsim report`: the outcomes of an experiment file (or of a
 * single run's file) at chosen days, per scenario and sweep point, each as
 * the mean over replicates with a 95% confidence interval, and the paired
 * difference against a baseline scenario.
 *
 * Outcomes (each only when the file has its observables):
 *   monthly_active, regular_users        count, and % of staff
 *   valuable_uses                        the daily count as written (uses on that day)
 *   leaders_modelling                    count, and % of leaders
 *   cost_dollars, cost_hours             cumulative cost up to the day
 *   dollars_ / hours_per_additional_regular_user
 *                                        mean paired cost difference / mean paired
 *                                        difference in regular users (see below)
 *   adopters                             (bass and threshold files)
 *   days_to_50pct_monthly_active         first day with monthly_active >= staff / 2
 *
 * Statistics (GSL): over the n replicates used, mean = gsl_stats_mean, the
 * 95% interval is mean +- t * sd / sqrt(n) with sd = gsl_stats_sd (n - 1 in
 * the denominator) and t = gsl_cdf_tdist_Pinv(0.975, n - 1); n = 1 gives no
 * interval.  A share is computed per replicate (100 x count / staff) and
 * summarised the same way.  The paired difference against the baseline uses
 * replicate r of both (common random numbers): d_r = x_r(scenario) -
 * x_r(baseline) at the same sweep point, summarised like any outcome.
 *
 * Cost per additional regular user is the ratio R = mean(dc) / mean(du) of
 * the mean paired differences in cost (dc) and in regular users (du), not a
 * mean of per-replicate ratios (which explode when du is near 0).  Its
 * interval is the delta method's: R +- t * sqrt((s_c^2 - 2 R s_cu + R^2 s_u^2)
 * / (n mean(du)^2)) with sample (co)variances from GSL.  It is given only
 * when the gain in regular users is significant (the 95% interval of du lies
 * above 0; otherwise the exact, Fieller, interval is unbounded): with a
 * positive but not significant gain the ratio comes without an interval, and
 * with no gain there is no ratio.
 *
 * Days to 50% monthly active: when some replicates never reach it within the
 * horizon, no mean is given (it would be biased) but "not reached in k of n".
 *
 * Missing runs: only the file's `completed` flags say which runs are in it.
 * When some are missing report_write fails with SIM_EINPUT naming them,
 * unless allow_partial: then every statistic uses the completed runs, and
 * paired differences the replicates completed in both scenarios. */
#ifndef SIM_REPORT_H
#define SIM_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include "error.h"

#define REPORT_MAX_DAYS 32

typedef enum report_format { REPORT_TEXT, REPORT_MARKDOWN, REPORT_CSV } report_format;

typedef struct report_options {
    int32_t days[REPORT_MAX_DAYS]; /* days to report at; n_days == 0: 90, 180, 365.
                                      Days beyond the horizon are reported at the
                                      last day, and the report says so */
    int n_days;
    report_format format;
    const char *baseline;          /* scenario to compare against; NULL: the file's */
    int allow_partial;             /* report over the completed runs when some are missing */
} report_options;

/* "90,180,365" into opt->days; SIM_EINPUT when it is not a list of days >= 0. */
int report_parse_days(const char *text, report_options *opt, sim_error *err);

/* "text", "markdown" or "csv"; SIM_EINPUT otherwise. */
int report_parse_format(const char *text, report_format *format, sim_error *err);

/* Read the file at path and write the report to out.  SIM_EINPUT when the
 * file is not an adoptsim results file, names an unknown baseline, or has
 * missing runs (without allow_partial); SIM_EIO when it cannot be read or
 * out cannot be written. */
int report_write(const char *path, const report_options *opt, FILE *out, sim_error *err);

#endif
