/* resultfile.h: reads an adoptsim results file, a run's or an experiment's,
 * for post-processing (adoptsim report): its shape, scenario names, swept
 * parameters, completed flags and the observables' values.  A run's file
 * reads as one scenario (named after its scenario file), one point, every
 * replicate completed.
 *
 * Ownership: result_file_open fills a caller's struct; result_file_close
 * releases what it holds (also after a failed open). */
#ifndef SIM_RESULTFILE_H
#define SIM_RESULTFILE_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "error.h"

typedef struct result_file {
    const char *path;
    sim_error *err;
    hid_t file;
    int experiment;        /* 1: (scenario, point, replicate, time); 0: a run's (replicate, time) */
    int S, P, R, T;
    char **names;          /* [S] scenario names */
    int baseline;          /* index of the baseline scenario (set by the caller) */
    int n_params;
    char **params;         /* [n_params] swept key paths */
    double *param_values;  /* [j * P + p] */
    int8_t *completed;     /* [(s * P + p) * R + r] */
    double *time;          /* [T] days */
    char model[64];
    char baseline_attr[512];  /* the experiment's baseline attribute ("" if none) */
    char experiment_file[1024];
    long long seed;
} result_file;

/* Open path: SIM_EIO when it cannot be read, SIM_EINPUT when it is not an
 * adoptsim results file (errors name the path). */
int result_file_open(result_file *f, const char *path, sim_error *err);
void result_file_close(result_file *f);

/* 1 when run (s, p, r) is completed. */
int result_file_done(const result_file *f, int s, int p, int r);

/* 1 when the file has observable name over its runs and days. */
int result_file_has(const result_file *f, const char *name);

/* Every run's value of name at time index t: buf[(s * P + p) * R + r]. */
int result_file_read_day(result_file *f, const char *name, int t, double *buf);

/* The series of name for every replicate of (s, p): buf[r * T + t]. */
int result_file_read_series(result_file *f, const char *name, int s, int p, double *buf);

/* The long_name attribute of variable name into buf; 1 if found. */
int result_file_long_name(const result_file *f, const char *name, char *buf, size_t size);

#endif
