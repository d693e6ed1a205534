/* support.h: helpers shared by the test files: build a scenario from
 * key=value overrides, run its replicates in memory, run the pipeline in a
 * child process, run the adoptsim binary. */
#ifndef TESTS_SUPPORT_H
#define TESTS_SUPPORT_H

#include <stddef.h>
#include "engine.h"
#include "network.h"
#include "scenario.h"

/* Every replicate of a scenario held in memory, for the model tests (the
 * command line streams them to a file instead: pipeline.c). */
typedef struct sim_results {
    const sim_model_type *model;
    int n_obs;            /* model->n_observables */
    int32_t n_rep;        /* replicates */
    int32_t n_time;       /* days + 1 (day 0 is the initial state) */
    double *data;         /* [obs][rep][time] */
    int32_t n_levels;     /* levels of the organization; 0 when there are no breakdowns */
    double *by_generation; /* [obs][rep][time][NET_GENERATIONS] (NULL without breakdowns) */
    double *by_level;      /* [obs][rep][time][n_levels] (NULL without breakdowns) */
    int n_agent_fields;    /* fields of the final per-agent table (output.agents); 0 without it */
    int32_t n_agents;
    double *agents;        /* [field][rep][agent] at the last day (NULL without it) */
    int32_t n_teams;       /* with output.breakdowns: team (a model that reports by team, a
                              network with teams): the network's teams; else 0 */
    double *by_team;       /* [obs][rep][time][n_teams] (NULL without it) */
} sim_results;

void engine_results_free(sim_results *res); /* NULL is a no-op */

/* Value of observable obs in replicate rep at day t. */
static inline double engine_result(const sim_results *res, int obs, int32_t rep, int32_t t)
{
    return res->data[((size_t)obs * (size_t)res->n_rep + (size_t)rep) * (size_t)res->n_time + (size_t)t];
}

/* Grouped observable obs, replicate rep, day t: pointer to its
 * NET_GENERATIONS values by generation / n_levels values by level. */
static inline const double *engine_result_by_generation(const sim_results *res, int obs, int32_t rep, int32_t t)
{
    return res->by_generation +
           (((size_t)obs * (size_t)res->n_rep + (size_t)rep) * (size_t)res->n_time + (size_t)t) * NET_GENERATIONS;
}

static inline const double *engine_result_by_level(const sim_results *res, int obs, int32_t rep, int32_t t)
{
    return res->by_level +
           (((size_t)obs * (size_t)res->n_rep + (size_t)rep) * (size_t)res->n_time + (size_t)t) * (size_t)res->n_levels;
}

/* Observable obs (one the model reports by team), replicate rep, day t:
 * pointer to its n_teams values by team. */
static inline const double *engine_result_by_team(const sim_results *res, int obs, int32_t rep, int32_t t)
{
    return res->by_team +
           (((size_t)obs * (size_t)res->n_rep + (size_t)rep) * (size_t)res->n_time + (size_t)t) * (size_t)res->n_teams;
}

/* pipeline_run (pipeline.h) in a forked child: an experiment file, or a
 * scenario file run as `adoptsim run` does. */
typedef struct support_pipe {
    const char *def;          /* experiment file, or scenario file when is_run */
    int is_run;
    const char *out;
    int threads;
    int force, resume;
    double commit_seconds;    /* 0: commit after every run; < 0: the default */
    size_t pending_bytes;     /* 0: the default */
    long long stop_after;     /* set the stop flag once this many runs are committed (0: never) */
    long long kill_after;     /* raise SIGKILL once this many runs are committed (0: never) */
    long long fsize_limit;    /* RLIMIT_FSIZE bytes in the child (0: none); SIGXFSZ ignored as main does */
    const char *sets[8];      /* "key=value" overrides, NULL-terminated */
} support_pipe;

/* Returns the child's exit status (0 done, 130 interrupted, 1 or 2 errors,
 * 128 + signal); its error message goes to *err (malloc'd) and its peak RSS
 * in KiB to *max_rss_kb when not NULL. */
int support_pipeline(const support_pipe *sp, char **err, long *max_rss_kb);

/* A scenario of defaults with the NULL-terminated overrides applied
 * (each "key.path=value"); aborts the test on any error. */
scenario *support_scenario(const char *const *sets);

/* Build the network and run the scenario with the given OpenMP threads.
 * The caller frees the results (engine_results_free). */
sim_results *support_run(const scenario *scn, int threads);

/* The same on a network built by the caller, on the threads OpenMP is set to. */
sim_results *support_run_network(const scenario *scn, const sim_network *net);

/* Run the adoptsim binary ($ADOPTSIM, default ./adoptsim) with argv (NULL
 * terminated, not including the program).  Returns the exit status; stdout
 * and stderr are captured into malloc'd strings when out/err are not NULL. */
int support_exec(const char *const *args, char **out, char **err);

/* The adoptsim binary the tests run: $ADOPTSIM, else ./adoptsim (make test
 * sets ADOPTSIM; a clean clone has no ./adoptsim link before `make`). */
const char *support_adoptsim(void);

/* Run a shell command built from fmt (printf style) with system(3);
 * returns its exit status, -1 if it did not exit normally. */
int support_shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* dir/name in a malloc'd string. */
char *support_path(const char *dir, const char *name);

/* A fresh directory under /tmp (caller removes it with support_rmdir). */
char *support_tmpdir(void);
void support_rmdir(char *dir);

/* The whole text of path in a malloc'd, NUL-terminated string (the test
 * fails when it cannot be read). */
char *support_read_file(const char *path);

/* `adoptsim check` on a scenario file of the given text (written into dir):
 * expect exit 2 and "<file><where>" on stderr (where: ":line:column: key:
 * message", the start is enough).  what names the case in a failure. */
void support_expect_check_error(const char *dir, const char *yaml, const char *where, const char *what);

/* The same for a file that passes with a warning: exit 0 and warning on
 * stderr. */
void support_expect_check_warning(const char *dir, const char *yaml, const char *warning);

/* Write len bytes of data to dir/name; returns the malloc'd path. */
char *support_write(const char *dir, const char *name, const void *data, size_t len);

/* 1 if the CSR network ties i to j. */
int support_has_tie(const sim_network *net, int32_t i, int32_t j);

/* Number of entries in dir other than . and .. */
int support_count_entries(const char *dir);

#endif
