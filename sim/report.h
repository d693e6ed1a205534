/* report.h: `adoptsim report`: the outcomes a results file's model declares
 * (outcomes.h), at chosen days, per scenario and sweep point, each as the
 * mean over replicates with a 95% confidence interval (stats.h) and the
 * paired difference against a baseline scenario, written as text, Markdown
 * or CSV (every number at full precision).
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
#include "model.h"
#include "outcomes.h"

#define REPORT_MAX_DAYS OUTCOMES_MAX_DAYS

typedef enum report_format { REPORT_TEXT, REPORT_MARKDOWN, REPORT_CSV } report_format;

typedef struct report_options {
    int32_t days[REPORT_MAX_DAYS]; /* days to report at; n_days == 0: 90, 180, 365.
                                      Days beyond the horizon are reported at the
                                      last day, and the report says so */
    int n_days;
    report_format format;
    const char *baseline;          /* scenario to compare against; NULL: the file's */
    int allow_partial;             /* report over the completed runs when some are missing */
    const sim_model_type *(*model_of)(const char *name); /* the model a file's model attribute names */
} report_options;

/* "90,180,365" into opt->days; SIM_EINPUT when it is not a list of days >= 0. */
int report_parse_days(const char *text, report_options *opt, sim_error *err);

/* "text", "markdown" or "csv"; SIM_EINPUT otherwise. */
int report_parse_format(const char *text, report_format *format, sim_error *err);

/* Read the file at path and write the report to out.  SIM_EINPUT when the
 * file is not an adoptsim results file (resultfile.h), its model is unknown
 * to opt->model_of, it names an unknown baseline, or has missing runs
 * (without allow_partial); SIM_EIO when it cannot be read or out cannot be
 * written. */
int report_write(const char *path, const report_options *opt, FILE *out, sim_error *err);

#endif
