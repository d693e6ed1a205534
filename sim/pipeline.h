/* pipeline.h: runs the runs of a command into one results file (layout.h):
 * an experiment's scenarios x points x replicates, or `adoptsim run`'s one
 * scenario (experiment_from_scenario), through the same code.
 *
 * Scheduling: small organizations run one run per thread (runs dealt out
 * dynamically); organizations of SIM_PARALLEL_MIN agents or more run one run
 * at a time, parallel inside.  Each run's numbers depend only on
 * (configuration, replicate), so the file is bit-identical for any thread
 * count.  The worker that finishes a run packs and compresses it
 * (layout_pack), so compression runs in parallel.
 *
 * Streaming, bounded memory: finished runs wait as compressed records in a
 * pending buffer of at most pending_bytes (16 MiB) and are committed to the
 * journal <OUT>.journal (journal.h: written, then fdatasync) at least once a
 * commit interval (1 s) and whenever the buffer is full.  Memory does not
 * grow with the number of runs beyond an index of 13 bytes a run.  A command
 * that finishes before its first commit writes no journal record.
 *
 * The file: when the runs are done (or stopped), the results file is
 * assembled from the records in run order (so it does not depend on the
 * order runs finished in) into <OUT>.tmp, synced, renamed onto OUT, the
 * directory synced, and the journal removed.
 *
 * Nothing lost:
 * - opt->stop (Ctrl-C, SIGTERM): running runs finish, the completed ones are
 *   assembled into OUT (a partial file: `completed` says which runs are in
 *   it), the journal is removed, and the summary says interrupted.
 * - a kill: the journal keeps every committed run; OUT is untouched.
 * - resume: runs in the journal are kept (a torn or corrupt tail is cut
 *   off); without a journal, the completed runs of an OUT written by the
 *   same resolved definition are imported (their stored chunks, as they
 *   are); then only the missing runs run.  The file equals an uninterrupted
 *   run's.  Another definition is refused naming the first differing line.
 * - without resume or force, an existing OUT, or a journal holding runs, is
 *   refused with what to do.
 * - one process at a time owns OUT: the journal's lock (journal_lock) is
 *   taken first and held to the end; a stale <OUT>.tmp of a killed process
 *   is removed; every exit path removes what it created (the journal stays
 *   only when it holds committed runs that OUT lacks).
 * - a write error (disk full, file size limit: with SIGXFSZ ignored, EFBIG)
 *   stops the command with SIM_EIO naming the file and saying which runs
 *   the journal keeps. */
#ifndef SIM_PIPELINE_H
#define SIM_PIPELINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "experiment.h"

#define PIPELINE_COMMIT_SECONDS 1.0
#define PIPELINE_PENDING_BYTES ((size_t)16 << 20)
#define PIPELINE_MAX_DAYS 6

typedef struct pipeline_options {
    const char *path;            /* the results file */
    const char *command;         /* "run" or "experiment": the file's title, messages */
    int force;                   /* start over: replace OUT, empty the journal */
    int resume;                  /* finish the runs missing from the journal or OUT */
    int quiet;                   /* no progress on stderr */
    int threads;                 /* OpenMP threads in use (recorded in the file) */
    const char *command_line;    /* recorded as "history" */
    volatile sig_atomic_t *stop; /* when set: finish the running runs, write what is done */
    int summary;                 /* fill pipeline_summary's means (adoptsim run) */
    /* Commit tuning (tests): */
    double commit_seconds;       /* commit at least this often; 0: after every run; < 0: 1 s */
    size_t pending_bytes;        /* 0: PIPELINE_PENDING_BYTES */
    void (*on_commit)(long long committed, void *arg); /* after each commit: runs in the journal */
    void *commit_arg;
} pipeline_options;

typedef struct pipeline_summary {
    long long runs;              /* scenario x point x replicate */
    long long done_before;       /* in the journal or OUT before this call (resume) */
    long long done_now;          /* run by this call */
    int interrupted;             /* stopped before every run was done */
    double t_network;            /* seconds building the networks */
    double seconds;              /* seconds running the runs */
    double t_file;               /* seconds assembling the file */
    double agent_steps;          /* agent-days simulated by this call */
    char network[32];            /* the one network of every run ("" when they differ) */
    int32_t agents;
    long long ties;
    /* with opt->summary: observable k's mean over the runs in the file at
     * days[j] (the stored days nearest to the milestones): means[k * n_days
     * + j], NaN for an observable the file does not keep (malloc'd;
     * pipeline_summary_free) */
    int n_days;
    int32_t days[PIPELINE_MAX_DAYS];
    double *means;
} pipeline_summary;

/* Run every missing run of ex into opt->path (see above).  SIM_EINPUT: OUT
 * or a journal holding runs exists without force or resume, another process
 * holds OUT, resume finds another definition; SIM_EIO: a write failed. */
int pipeline_run(const experiment *ex, const pipeline_options *opt, pipeline_summary *sum, sim_error *err);

void pipeline_summary_free(pipeline_summary *sum);

/* What `adoptsim check` does for an experiment beyond loading it: build
 * every distinct network of its runs (org charts and edge lists are input
 * too), then free them. */
int pipeline_check(const experiment *ex, sim_error *err);

/* ---- runs kept in memory (adoptsim calibrate) ----------------------------------------
 * A batch runner over ex's one configuration (scenario 0, point 0: an
 * experiment from experiment_from_scenario) with explicit parameter values
 * per run instead of uncertainty draws: run i sets values[i * ex->unc.n + j]
 * for key ex->unc.p[j] (experiment_apply_draw) and runs under random key
 * (ex->seed, key0 + i).  The network is built once, by
 * pipeline_batch_alloc.  Scheduling is the pipeline's (one run per thread
 * for small organizations, else one run at a time, parallel inside), and run
 * i's series depend only on its values and key: the same for any thread
 * count.  Nothing is written to disk. */
typedef struct pipeline_batch pipeline_batch;

/* Called once per run, from the thread that ran it (concurrently for
 * different runs): s holds every observable for days 0..ex->days (stride
 * days + 1) and, on an organization, the breakdowns (by_generation NULL
 * otherwise), by team too when ex->output.by_team (by_team NULL
 * otherwise).  Valid during the call only. */
typedef void (*pipeline_sink)(long long i, const engine_series *s, void *arg);

int pipeline_batch_alloc(const experiment *ex, pipeline_batch **out, sim_error *err);
/* The network's number of levels (0: not an organization) and of agents. */
int32_t pipeline_batch_levels(const pipeline_batch *b);
int32_t pipeline_batch_agents(const pipeline_batch *b);
/* The network itself (owned by the batch): its teams' names, ... */
const sim_network *pipeline_batch_network(const pipeline_batch *b);
/* Run n runs (see above), calling sink for each.  A run whose values the
 * model refuses (experiment_apply_draw, model_check_network, alloc) fails
 * the batch with that error (the other runs may or may not have run). */
int pipeline_batch_run(pipeline_batch *b, const double *values, long long n, uint32_t key0, pipeline_sink sink,
                       void *arg, sim_error *err);
void pipeline_batch_free(pipeline_batch *b); /* NULL is a no-op */

#endif
