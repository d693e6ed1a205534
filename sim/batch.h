/* batch.h: runs an experiment (experiment.h) into one HDF5 file, in parallel,
 * flushing completed runs as they finish, and resuming an interrupted file.
 *
 * Scheduling: small organizations run one run per thread (the runs of a
 * window of scenario/point configurations are dealt out dynamically); an
 * organization of SIM_PARALLEL_MIN agents or more runs its runs one after the
 * other, each parallel inside.  Either way each run's numbers depend only on
 * (configuration, replicate), so the file is bit-identical for any thread
 * count.
 *
 * The file (netCDF-4 conventions, opens in xarray) has dimensions scenario,
 * point, replicate, time, generation and level; per observable <obs>
 * (scenario, point, replicate, time) and for grouped ones <obs>_by_generation
 * and <obs>_by_level; one coordinate variable per swept parameter over
 * point; completed (scenario, point, replicate) = 1 for finished runs.
 * Counts are int32 (half the bytes of int64; ample below 2^31 agents).
 * Runs not yet done hold fill values (_FillValue: -1 for counts, NaN).
 *
 * Nothing is lost: the file is created whole (every run's space allocated
 * and filled) under a temporary name and renamed; runs are then written in
 * place and committed in batches about once a second: their data is synced
 * to disk before their completed flags are set and synced.  The file's
 * HDF5 metadata never changes after creation, so an experiment stopped by a
 * signal or killed leaves a valid file whose completed flags are true, and
 * resume runs only the missing runs, giving the same datasets as an
 * uninterrupted run. */
#ifndef SIM_BATCH_H
#define SIM_BATCH_H

#include <signal.h>
#include "error.h"
#include "experiment.h"

typedef struct batch_options {
    const char *path;            /* the results file */
    int force;                   /* replace an existing file */
    int resume;                  /* finish an existing file of the same experiment */
    int quiet;                   /* no progress output */
    int threads;                 /* OpenMP threads in use (recorded in the file) */
    const char *command_line;    /* recorded as "history" */
    volatile sig_atomic_t *stop; /* set by a signal handler: finish running runs, stop */
} batch_options;

typedef struct batch_summary {
    long long runs;              /* scenario x point x replicate */
    long long done_before;       /* completed in the file before this call (resume) */
    long long done_now;          /* completed by this call */
    double seconds;              /* wall time of the runs */
    double agent_steps;          /* agent-days simulated by this call */
    int interrupted;             /* stopped by opt->stop before finishing */
} batch_summary;

/* Run every missing run of ex into opt->path.  SIM_EINPUT when the file
 * exists without force or resume, or resume finds a file of another
 * experiment; SIM_EIO on I/O failure (runs committed before it stay valid). */
int batch_run(const experiment *ex, const batch_options *opt, batch_summary *sum, sim_error *err);

/* What `adoptsim check` does for an experiment beyond loading it: build
 * every distinct network of its runs (org charts and edge lists are input
 * too), then free them. */
int batch_check(const experiment *ex, sim_error *err);

#endif
