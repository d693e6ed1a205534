/* support.h: helpers shared by the test files: build a scenario from
 * key=value overrides, run it in-process, run the adoptsim binary. */
#ifndef TESTS_SUPPORT_H
#define TESTS_SUPPORT_H

#include <stddef.h>
#include "engine.h"
#include "network.h"
#include "scenario.h"

/* A scenario of defaults with the NULL-terminated overrides applied
 * (each "key.path=value"); aborts the test on any error. */
scenario *support_scenario(const char *const *sets);

/* Build the network and run the scenario with the given OpenMP threads.
 * The caller frees the results (engine_results_free). */
sim_results *support_run(const scenario *scn, int threads);

/* Run the adoptsim binary ($ADOPTSIM, default ./adoptsim) with argv (NULL
 * terminated, not including the program).  Returns the exit status; stdout
 * and stderr are captured into malloc'd strings when out/err are not NULL. */
int support_exec(const char *const *args, char **out, char **err);

/* Run a shell command built from fmt (printf style) with system(3);
 * returns its exit status, -1 if it did not exit normally. */
int support_shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* dir/name in a malloc'd string. */
char *support_path(const char *dir, const char *name);

/* A fresh directory under /tmp (caller removes it with support_rmdir). */
char *support_tmpdir(void);
void support_rmdir(char *dir);

/* Write len bytes of data to dir/name; returns the malloc'd path. */
char *support_write(const char *dir, const char *name, const void *data, size_t len);

/* 1 if the CSR network ties i to j. */
int support_has_tie(const sim_network *net, int32_t i, int32_t j);

/* Number of entries in dir other than . and .. */
int support_count_entries(const char *dir);

#endif
