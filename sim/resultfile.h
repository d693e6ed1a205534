/* resultfile.h: reads an adoptsim results file (layout.h) for
 * post-processing (adoptsim report): its shape, scenario names, swept
 * parameters, completed flags and the observables' series.
 *
 * Nothing a file declares is trusted before it is checked: result_file_open
 * checks, before allocating anything sized by the file, that every dimension
 * is within what adoptsim writes (scenario <= 10,000, point and replicate <=
 * 1,000,000, time <= 1,000,001 days, scenario x point x replicate <=
 * 2,000,000,000 runs, so no size computed from them overflows), that the
 * dimensions agree with the attributes (replicates, days, runs) and with the
 * shapes of completed and of every observable of the file's model it holds
 * (rank, sizes, numeric type; output.observables may have left some out),
 * and that time holds ascending days from 0 on, the last at most the days
 * attribute (every day, or those output.every or output.days kept).  A file
 * that fails is SIM_EINPUT "<path> is not an adoptsim results file: ...".
 *
 * A file with parameter draws names its uncertain keys in the attribute
 * uncertain_parameters; each is a variable over replicate (checked like the
 * others), replicates_per_draw says how many replicates share a draw, and
 * the draw variable (when there is more than one) must say the same.
 *
 * Ownership: result_file_open fills a caller's struct; result_file_close
 * releases what it holds (also after a failed open). */
#ifndef SIM_RESULTFILE_H
#define SIM_RESULTFILE_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "error.h"
#include "model.h"

#define RESULT_MAX_SCENARIOS 10000
#define RESULT_MAX_POINTS 1000000
#define RESULT_MAX_REPLICATES 1000000
#define RESULT_MAX_RUNS 2000000000LL

typedef struct result_file {
    const char *path;
    sim_error *err;
    hid_t file;
    const sim_model_type *model;
    int S, P, R, T;        /* T: stored time points */
    int32_t *days;         /* [T]: the day of each stored time point, ascending */
    int32_t last_day;      /* the days attribute: run.days */
    int every;             /* the output_every attribute: 1 daily, k every k-th day, 0 a list
                              of days (output.days) */
    int *has;              /* [model->n_observables]: 1 when the file holds the observable */
    char **names;          /* [S] scenario names */
    int baseline;          /* index of the baseline scenario (set by the caller) */
    int n_params;
    char **params;         /* [n_params] swept key paths */
    double *param_values;  /* [j * P + p] */
    int8_t *completed;     /* [(s * P + p) * R + r] */
    char command[16];      /* "run" or "experiment" */
    char baseline_attr[512];  /* the file's baseline attribute */
    char experiment_file[1024];
    long long seed;
    /* a range sweep's design (NULL / 0 without one): */
    char method[32];       /* the sweep_method attribute ("none", "grid", ..., "saltelli") */
    double *unit;          /* [p * n_params + j]: sweep_unit */
    double *range_min, *range_max; /* [n_params] */
    int *log_scale;        /* [n_params] */
    long long sweep_points;/* sweep_points (saltelli: N) */
    int trajectories, levels; /* morris */
    /* parameter uncertainty (a file whose runs draw their parameters) */
    int n_unc;             /* uncertain keys; 0: none */
    char **unc;            /* [n_unc] their key paths (the uncertain_parameters attribute) */
    char **unc_dist;       /* [n_unc] their distributions (each variable's distribution attribute) */
    char **unc_kept;       /* [n_unc] the scenarios that keep their own value ("" when none) */
    double *unc_values;    /* [j * R + r]: key j's value in replicate r */
    int per_draw;          /* replicates per draw */
    int n_draws;           /* ceil(R / per_draw) */
    int *draw;             /* [r]: replicate r's draw, r / per_draw */
} result_file;

/* Open path, written for the model model_of(its model attribute) names:
 * SIM_EIO when it cannot be read, SIM_EINPUT when it is not an adoptsim
 * results file or its model is unknown (errors name the path). */
int result_file_open(result_file *f, const char *path, const sim_model_type *(*model_of)(const char *name),
                     sim_error *err);
void result_file_close(result_file *f);

/* 1 when run (s, p, r) is completed. */
int result_file_done(const result_file *f, int s, int p, int r);

/* The series of observable name for replicates r0 .. r0 + n - 1 of (s, p):
 * buf[(r - r0) * T + t]. */
int result_file_read_rows(result_file *f, const char *name, int s, int p, int r0, int n, double *buf);

/* The same for a breakdown variable (name_by_generation or name_by_level,
 * G groups): group g of each row, buf[(r - r0) * T + t].  SIM_EINPUT when
 * the file lacks it or g is not below its group count. */
int result_file_read_group_rows(result_file *f, const char *name, int g, int s, int p, int r0, int n,
                                double *buf);

/* The index of the observable name among the model's, -1 when the model has
 * none by that name. */
int result_file_observable(const result_file *f, const char *name);

/* The stored time index nearest to day. */
int result_file_time_index(const result_file *f, int32_t day);

/* "every day", "every 7th day and the last" or "12 chosen days" (buf of size bytes). */
const char *result_file_days_kept(const result_file *f, char *buf, size_t size);

#endif
