/* results.h: the layout of a run's HDF5 file: dimensions replicate and time,
 * one variable per observable, and the provenance attributes (program,
 * version, seed, threads, creation time, resolved scenario). */
#ifndef SIM_RESULTS_H
#define SIM_RESULTS_H

#include "engine.h"
#include "network.h"
#include "scenario.h"

typedef struct results_meta {
    const char *command_line;  /* as typed, for the history attribute */
    int threads;               /* OpenMP threads used */
} results_meta;

/* Write res to path (atomically; an existing file only with force). */
int results_write(const sim_results *res, const sim_network *net, const scenario *scn,
                  const results_meta *meta, const char *path, int force, sim_error *err);

#endif
