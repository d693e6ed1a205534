/* layout.h: the results file of every command (`adoptsim run` and
 * `adoptsim experiment`), owned here: which variables it has and how one
 * run's values become the bytes stored for them.
 *
 * Every file (netCDF-4 conventions, opens in xarray, h5py, ncdump, R) has
 * dimensions scenario (names), point, replicate and time (the stored days:
 * 0..run.days, or those output.every or output.days keep), and when the
 * model has grouped observables, every run is on an organization and
 * output.breakdowns keeps them, generation and level; with
 * output.breakdowns: team (every run on one organization), team (the
 * teams' names); with the per-agent table, agent; with a range sweep
 * (sweep.h), parameter (the swept keys).
 * Variables:
 *
 *   <obs>(scenario, point, replicate, time)                  each stored observable
 *   <obs>_by_generation(scenario, point, replicate, time, generation)
 *   <obs>_by_level(scenario, point, replicate, time, level)  grouped observables
 *                                                            (output.breakdowns)
 *   <obs>_by_team(scenario, point, replicate, time, team)    observables the model
 *                                                            reports by team
 *   agent_<field>(scenario, point, replicate, agent)          output.agents: the last day
 *   completed(scenario, point, replicate)                    int8: 1 for runs in the file
 *   <swept key path>(point)                                  each swept parameter
 *   sweep_unit(point, parameter)                             range sweeps: the design in
 *                                                            the unit cube
 *   sweep_min, sweep_max(parameter), sweep_log_scale(parameter)  each key's range
 *   <uncertain key path>(replicate), draw(replicate)         parameter draws (layoutfile.c)
 *   agent_level, agent_generation, agent_team, agent_manager(agent)
 *
 * Counts are int32 (fill -1); means of float32 state (the model's
 * is_single) float32, the rest float64 (fill NaN).  Every per-run
 * variable is chunked with one chunk per run: (1, 1, 1, T[, G or L]), or
 * (1, 1, 1, N) for the agent table; with compression > 0 the chunks carry
 * HDF5's shuffle and deflate filters at that level.  Runs not in the file
 * have no chunks (they read as the fill value); `completed` says which runs
 * are there.  A run's index is (s * P + p) * R + r.
 *
 * Per run, layout_pack turns the engine's values into the stored chunk of
 * each variable: little-endian bytes, byte-shuffled (byte j of element i of n
 * goes to j * n + i, as HDF5's shuffle filter does) and deflated at the
 * compression level by libdeflate into a zlib stream, which HDF5's deflate
 * filter (zlib's inflate) and so every HDF5 reader decodes: the shuffled
 * bytes are exactly those HDF5's shuffle filter makes, the deflated stream
 * is libdeflate's (half zlib's CPU time at level 1 on these chunks, and at
 * level 2 2% smaller than zlib's level 1).  Workers pack in parallel; the
 * writer stores the chunks as they are (H5Dwrite_chunk), so HDF5's filter
 * pipeline is not on the writer's path.
 *
 * Ownership: layout_init fills a caller's struct, layout_free releases it;
 * a layout_packer is one thread's workspace (layout_packer_free). */
#ifndef SIM_LAYOUT_H
#define SIM_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "error.h"
#include "experiment.h"
#include "model.h"
#include "network.h"

#define LAYOUT_MAX_TIME 1000001 /* run.days <= 1,000,000 */

typedef enum layout_kind { LAYOUT_TOTAL, LAYOUT_BY_GENERATION, LAYOUT_BY_LEVEL, LAYOUT_AGENT, LAYOUT_BY_TEAM } layout_kind;

/* How a variable's values are stored: the model's is_count gives int32,
 * its is_single float32, the rest float64 (layout_init decides, once). */
typedef enum layout_type { LAYOUT_FLOAT64, LAYOUT_INT32, LAYOUT_FLOAT32 } layout_type;

/* One variable stored per run. */
typedef struct layout_var {
    char name[96];
    char long_name[288];
    const char *units;
    layout_kind kind;
    int source;         /* observable index (agent field index for LAYOUT_AGENT) */
    layout_type type;
    size_t elems;       /* values per run: T, T * G, T * L, N or T * teams */
    size_t width;       /* bytes per value: 4 (int32, float32) or 8 (float64) */
    size_t bound;       /* most bytes its packed chunk can take */
} layout_var;

typedef struct layout {
    const sim_model_type *model;
    int32_t S, P, R, T;  /* scenarios, sweep points, replicates, stored time points */
    int32_t T_run;       /* days + 1: the time points engine_replicate writes */
    const int32_t *days; /* [T]: the day of each stored time point (the caller's) */
    int32_t n_levels;    /* the level dimension; 0: no breakdowns */
    int by_generation, by_level; /* the breakdowns stored (with n_levels > 0) */
    int32_t n_teams;     /* the team dimension; 0: no breakdown by team */
    int32_t n_agents;    /* the agent dimension; 0: no per-agent table */
    int compression;     /* deflate level, 0: none */
    int n_vars;
    layout_var *vars;    /* in file order */
    size_t bound;        /* sum of the variables' bounds */
} layout;

/* Plan the variables: out says which observables, breakdowns and days
 * (T_run = days + 1 time points are run; out->days, which lay points at,
 * are stored).  n_levels 0: no breakdowns by generation and level;
 * n_teams 0: none by team (else out->by_team's, over the one network's
 * teams).  SIM_EINPUT when a run's chunk would not fit HDF5's 4 GiB chunk
 * limit. */
int layout_init(layout *lay, const sim_model_type *model, int32_t S, int32_t P, int32_t R, int32_t T_run,
                const engine_output *out, int32_t n_levels, int32_t n_teams, int32_t n_agents, int compression,
                sim_error *err);
void layout_free(layout *lay);

/* The plan as text, one line per variable (name, type, values per run,
 * chunk, compression): a file or journal of another plan cannot be resumed.
 * malloc'd; NULL when out of memory. */
char *layout_describe(const layout *lay);

/* The element offset of run's chunk in variable v (rank 4 or 5). */
int layout_chunk_offset(const layout *lay, int v, long long run, uint64_t *off);

/* One run's values as engine_replicate wrote them into per-thread buffers,
 * for every day t of 0..T_run-1: data[k * T_run + t]; by_generation[(k *
 * T_run + t) * G + g]; by_level[(k * T_run + t) * net_levels + l] (levels beyond net_levels, deeper than this run's
 * organization, are stored as fill values); agents[f * N + i]; by_team[(k *
 * T_run + t) * n_teams + j]. */
typedef struct layout_run {
    const double *data;
    const double *by_generation;
    const double *by_level;
    int32_t net_levels;
    const double *agents;
    const double *by_team;
} layout_run;

typedef struct layout_packer {
    struct libdeflate_compressor *deflate;     /* made at the layout's level on first use */
    struct libdeflate_decompressor *inflate;
    int level;                                 /* the level deflate was made for */
    unsigned char *tmp;  /* one variable's shuffled bytes */
    size_t tmp_cap;
} layout_packer;

void layout_packer_init(layout_packer *pk);
void layout_packer_free(layout_packer *pk);

/* Pack run into out[0 .. lay->bound): the chunks of the variables one after
 * the other, chunk v taking lens[v] bytes; *used is their total. */
int layout_pack(const layout *lay, layout_packer *pk, const layout_run *run, unsigned char *out,
                uint32_t *lens, size_t *used, sim_error *err);

/* Values at element indices idx[0..n) of the packed chunk of variable v. */
int layout_unpack(const layout *lay, layout_packer *pk, int v, const unsigned char *chunk, uint32_t len,
                  const size_t *idx, int n, double *out, sim_error *err);

/* ---- the file (layoutfile.c) ---------------------------------------------------- */

/* What the file records beside the runs. */
typedef struct layout_meta {
    const experiment *ex;
    const sim_network *net;   /* the one network of every run (per-agent table, network
                                 attributes), or NULL when they differ */
    const char *command;      /* "run" or "experiment": the title */
    int threads;
    const char *command_line; /* the history attribute */
} layout_meta;

typedef struct layout_file layout_file;

/* Create the file at tmp (errors name path): dimensions, coordinates,
 * attributes and every variable, no run yet. */
int layout_file_create(const layout *lay, const layout_meta *meta, const char *tmp, const char *path,
                       layout_file **out, sim_error *err);
/* Store run's chunks, as layout_pack made them. */
int layout_file_put_run(layout_file *lf, long long run, const unsigned char *chunks, const uint32_t *lens);
/* Write the completed flags ([run] 1 for runs in the file) and close: the
 * file is synced when keep, removed otherwise; lf is freed. */
int layout_file_close(layout_file *lf, const int8_t *completed, int keep, sim_error *err);

/* An existing results file read back run by run (--resume). */
typedef struct layout_source layout_source;

/* Open path, a file this layout and the resolved definition `definition`
 * wrote: SIM_EINPUT naming the first differing line when it holds another
 * experiment, or its variables differ from the plan. */
int layout_source_open(const layout *lay, const char *path, const char *definition, layout_source **out,
                       sim_error *err);
/* 1 when the file holds run. */
int layout_source_has(const layout_source *src, long long run);
/* Read run's chunks as stored into out[0 .. lay->bound), lens as layout_pack. */
int layout_source_run(layout_source *src, long long run, unsigned char *out, uint32_t *lens, size_t *used,
                      sim_error *err);
void layout_source_close(layout_source *src);

#endif
