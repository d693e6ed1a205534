/* batch.c: runs an experiment's runs in parallel into one HDF5 file (see
 * batch.h for the scheduling and the commit protocol). */
#include "batch.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "network.h"
#include "output.h"
#include "parallel.h"

#define COMMIT_SECONDS 1.0     /* runs are committed at least this often */
#define PROGRESS_SECONDS 0.2   /* terminal progress bar refresh */
#define PROGRESS_PERCENT 10    /* one line per this many percent when not a terminal */

enum { KIND_TOTAL, KIND_GENERATION, KIND_LEVEL };

/* One variable written per run: observable obs, total or a breakdown. */
typedef struct run_var {
    int obs;
    int kind;
    size_t elems;        /* values per run: T, T * NET_GENERATIONS or T * n_levels */
    size_t width;        /* bytes per value: 4 (int32 counts) or 8 (float64) */
    long long offset;    /* file offset of the variable's first byte */
} run_var;

/* Everything the runs share. */
typedef struct batch {
    const experiment *ex;
    const batch_options *opt;
    int n_cfg;                /* scenarios x points; config c = s * n_points + p */
    scenario **cfg;
    int *net_of;              /* config -> index into nets */
    sim_network **nets;
    int n_nets;
    int32_t n_levels;         /* level dimension of the file; 0: no breakdowns */
    size_t n_time;
    int n_vars;
    run_var *vars;
    long long completed_offset;
    signed char *completed;   /* [run] 1 when committed (run = c * replicates + r) */
    int fd;
    char *map;                /* the whole file, mapped shared: runs are written into it */
    size_t map_size;

    /* guarded by the critical section "batch" */
    long long *pending;       /* runs written, not yet committed */
    int n_pending;
    long long done;           /* runs completed, including done_before */
    long long start_done;     /* done when this call started */
    double last_commit, last_progress, t0;
    int last_percent;
    int tty;                  /* stderr is a terminal (asked once) */
    long long committed;      /* runs whose completed flag is on disk */
    double commit_seconds;    /* COMMIT_SECONDS, or 0 under the test hook */
    long long test_after;     /* test hook (see test_hook): raise test_signal once */
    int test_signal;          /* committed >= test_after */
    int failed;               /* an error is in err */
    sim_error err;
    double agent_steps;
} batch;

/* ---- setup ------------------------------------------------------------------ */

/* Two configurations share a network when their network.* and organization.*
 * keys agree. */
static int same_network(const scenario *a, const scenario *b)
{
    for (size_t i = 0; i < a->n; i++) {
        const param_value *x = &a->values[i], *y = &b->values[i];
        const char *path = x->def->path;
        if (strncmp(path, "network.", 8) && strncmp(path, "organization.", 13)) continue;
        if (x->i != y->i || memcmp(&x->d, &y->d, sizeof x->d) != 0 || x->n != y->n) return 0;
        if ((x->s || y->s) && (!x->s || !y->s || strcmp(x->s, y->s))) return 0;
        if (x->n && memcmp(x->list, y->list, (size_t)x->n * sizeof *x->list)) return 0;
    }
    return 1;
}

static int build_configs(batch *b, sim_error *err)
{
    const experiment *ex = b->ex;
    b->n_cfg = ex->n_scenarios * ex->n_points;
    b->cfg = calloc((size_t)b->n_cfg, sizeof *b->cfg);
    b->net_of = calloc((size_t)b->n_cfg, sizeof *b->net_of);
    b->nets = calloc((size_t)b->n_cfg, sizeof *b->nets);
    if (!b->cfg || !b->net_of || !b->nets)
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (int c = 0; c < b->n_cfg; c++) {
        int rc = experiment_config(ex, c / ex->n_points, c % ex->n_points, &b->cfg[c], err);
        if (rc) return rc;
        b->net_of[c] = -1;
        for (int d = 0; d < c && b->net_of[c] < 0; d++)
            if (same_network(b->cfg[c], b->cfg[d])) b->net_of[c] = b->net_of[d];
        if (b->net_of[c] < 0) {
            rc = network_build(b->cfg[c], ex->seed, &b->nets[b->n_nets], err);
            if (rc) return rc;
            b->net_of[c] = b->n_nets++;
        }
        if ((rc = model_check_network(ex->model, b->cfg[c], b->nets[b->net_of[c]], err))) return rc;
    }
    /* breakdowns when the model has grouped observables and every network is
     * an organization */
    int grouped = 0, org = 1;
    for (int k = 0; k < ex->model->n_observables; k++) grouped |= ex->model->observables[k].grouped;
    b->n_levels = 0;
    for (int i = 0; i < b->n_nets; i++) {
        org &= b->nets[i]->generation && b->nets[i]->level;
        if (b->nets[i]->n_levels > b->n_levels) b->n_levels = b->nets[i]->n_levels;
    }
    if (!grouped || !org) b->n_levels = 0;
    b->n_time = (size_t)ex->days + 1;
    return SIM_OK;
}

/* The list of variables written per run, in file order. */
static int plan_vars(batch *b, sim_error *err)
{
    const sim_model_type *m = b->ex->model;
    b->vars = calloc((size_t)m->n_observables * 3, sizeof *b->vars);
    if (!b->vars) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (int k = 0; k < m->n_observables; k++) {
        const size_t width = m->observables[k].is_count ? 4 : 8;
        b->vars[b->n_vars++] = (run_var){k, KIND_TOTAL, b->n_time, width, 0};
        if (!b->n_levels || !m->observables[k].grouped) continue;
        b->vars[b->n_vars++] = (run_var){k, KIND_GENERATION, b->n_time * NET_GENERATIONS, width, 0};
        b->vars[b->n_vars++] = (run_var){k, KIND_LEVEL, b->n_time * (size_t)b->n_levels, width, 0};
    }
    return SIM_OK;
}

static void var_name(const batch *b, const run_var *v, char *buf, size_t size)
{
    const char *obs = b->ex->model->observables[v->obs].name;
    snprintf(buf, size, "%s%s", obs,
             v->kind == KIND_GENERATION ? "_by_generation" : v->kind == KIND_LEVEL ? "_by_level" : "");
}

/* ---- the file ------------------------------------------------------------------ */

static int create_file(batch *b, sim_error *err)
{
    const experiment *ex = b->ex;
    const sim_model_type *m = ex->model;
    size_t S = (size_t)ex->n_scenarios, P = (size_t)ex->n_points, R = (size_t)ex->replicates;
    int n_out = b->n_vars + 1 + ex->n_params;
    out_var *vars = calloc((size_t)n_out, sizeof *vars);
    char (*names)[2][160] = calloc((size_t)b->n_vars, sizeof *names);
    double *point_v = malloc(P * sizeof *point_v), *rep_v = malloc(R * sizeof *rep_v);
    double *time_v = malloc(b->n_time * sizeof *time_v);
    double *level_v = malloc(((size_t)b->n_levels + 1) * sizeof *level_v);
    double *param_v = malloc((P * (size_t)(ex->n_params ? ex->n_params : 1)) * sizeof *param_v);
    char *coords = NULL, host[256] = "", created[32];
    int rc;

    size_t clen = 1;
    for (int j = 0; j < ex->n_params; j++) clen += strlen(ex->params[j]) + 1;
    coords = calloc(clen, 1);
    if (!vars || !names || !point_v || !rep_v || !time_v || !level_v || !param_v || !coords) {
        rc = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    for (int j = 0; j < ex->n_params; j++) {
        if (j) strcat(coords, " ");
        strcat(coords, ex->params[j]);
    }
    for (size_t i = 0; i < P; i++) point_v[i] = (double)i;
    for (size_t i = 0; i < R; i++) rep_v[i] = (double)i;
    for (size_t i = 0; i < b->n_time; i++) time_v[i] = (double)i;
    for (int32_t i = 0; i < b->n_levels; i++) level_v[i] = i;

    enum { D_SCN, D_POINT, D_REP, D_TIME, D_GEN, D_LEVEL };
    out_dim dims[6] = {
        {"scenario", S, "what-if scenario", NULL, NULL, 0, (const char *const *)ex->names},
        {"point", P, "sweep point (index into the swept parameters' values)", NULL, point_v, 1, NULL},
        {"replicate", R, "replicate number (random stream, shared by every scenario and point)", NULL,
         rep_v, 1, NULL},
        {"time", b->n_time, "day of the simulation (0 = initial state)", "days", time_v, 1, NULL},
        {"generation", NET_GENERATIONS, "generation", NULL, NULL, 0, network_generation_names},
        {"level", (size_t)b->n_levels, "level in the hierarchy (0 = chief officer)", NULL, level_v, 1, NULL},
    };
    const char *co = ex->n_params ? coords : NULL;
    int nv = 0;
    for (int i = 0; i < b->n_vars; i++) {
        const run_var *v = &b->vars[i];
        const sim_observable *o = &m->observables[v->obs];
        var_name(b, v, names[i][0], sizeof names[i][0]);
        snprintf(names[i][1], sizeof names[i][1], "%s%s", o->long_name,
                 v->kind == KIND_GENERATION ? ", by generation" : v->kind == KIND_LEVEL ? ", by level" : "");
        /* counts as int32: half the bytes to write per run, ample below 2^31 agents */
        out_var ov = {names[i][0], names[i][1], o->units, o->is_count ? 2 : 0, 4, {D_SCN, D_POINT, D_REP, D_TIME, 0, 0},
                      NULL, co, 0};
        if (v->kind != KIND_TOTAL) {
            ov.ndims = 5;
            ov.dims[4] = v->kind == KIND_GENERATION ? D_GEN : D_LEVEL;
        }
        vars[nv++] = ov;
    }
    vars[nv++] = (out_var){"completed", "1 when the run finished and was written, 0 when missing", "1", 0, 3,
                           {D_SCN, D_POINT, D_REP, 0, 0, 0}, NULL, co, 1};
    for (int j = 0; j < ex->n_params; j++) {
        for (size_t i = 0; i < P; i++) param_v[j * P + i] = ex->points[i * (size_t)ex->n_params + (size_t)j];
        vars[nv++] = (out_var){ex->params[j], "swept parameter", "", 0, 1, {D_POINT, 0, 0, 0, 0, 0},
                               param_v + (size_t)j * P, NULL, 0};
    }

    time_t now = time(NULL);
    struct tm tm;
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    gethostname(host, sizeof host - 1);
    out_attr attrs[] = {
        {"title", "adoptsim experiment", 0, 0},
        {"Conventions", "CF-1.8", 0, 0},
        {"program", "adoptsim", 0, 0},
        {"version", ADOPTSIM_VERSION, 0, 0},
        {"model", m->name, 0, 0},
        {"experiment_file", ex->file, 0, 0},
        {"baseline", ex->names[ex->baseline], 0, 0},
        {"sweep_method", ex->method, 0, 0},
        {"seed", NULL, ex->seed, 1},
        {"replicates", NULL, ex->replicates, 1},
        {"days", NULL, ex->days, 1},
        {"runs", NULL, (double)(S * P * R), 1},
        {"threads", NULL, b->opt->threads, 1},
        {"host", host, 0, 0},
        {"created", created, 0, 0},
        {"history", b->opt->command_line ? b->opt->command_line : "", 0, 0},
        {"experiment", ex->definition, 0, 0},
    };
    out_spec spec = {dims, b->n_levels ? 6 : 4, vars, nv, attrs, (int)(sizeof attrs / sizeof attrs[0]), 0};
    rc = output_write(b->opt->path, b->opt->force, &spec, err);
done:
    free(vars);
    free(names);
    free(point_v);
    free(rep_v);
    free(time_v);
    free(level_v);
    free(param_v);
    free(coords);
    return rc;
}

/* Read exactly n bytes at off (0 or an errno). */
static int pread_all(int fd, void *buf, size_t n, long long off)
{
    char *p = buf;
    while (n > 0) {
        ssize_t k = pread(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return k < 0 ? errno : EIO;
        p += k;
        n -= (size_t)k;
        off += k;
    }
    return 0;
}

/* The first line where two texts differ (1-based). */
static int first_difference(const char *a, const char *b)
{
    int line = 1;
    for (; *a && *a == *b; a++, b++)
        if (*a == '\n') line++;
    return line;
}

/* Create the file, or open the existing one on resume; then find the
 * variables' offsets, read the completed flags and open fd. */
static int open_file(batch *b, sim_error *err)
{
    const char *path = b->opt->path;
    size_t runs = (size_t)b->n_cfg * (size_t)b->ex->replicates;
    struct stat st;
    int rc;

    if (b->opt->resume && stat(path, &st) == 0) {
        char *def = NULL;
        rc = output_text_attr(path, "experiment", &def, err);
        if (rc) {
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                                 "cannot resume %s: it is not an adoptsim experiment file", path);
        }
        if (strcmp(def, b->ex->definition) != 0) {
            int line = first_difference(def, b->ex->definition);
            free(def);
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                                 "cannot resume %s: it was written by a different experiment definition "
                                 "(resolved definitions first differ at line %d); use --force to start over",
                                 path, line);
        }
        free(def);
    } else {
        rc = create_file(b, err);
        if (rc) return rc;
    }

    const char **names = calloc((size_t)b->n_vars + 1, sizeof *names);
    char (*buf)[160] = calloc((size_t)b->n_vars, sizeof *buf);
    long long *offs = calloc((size_t)b->n_vars + 1, sizeof *offs);
    b->completed = calloc(runs ? runs : 1, 1);
    if (!names || !buf || !offs || !b->completed) {
        free(names);
        free(buf);
        free(offs);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (int i = 0; i < b->n_vars; i++) {
        var_name(b, &b->vars[i], buf[i], sizeof buf[i]);
        names[i] = buf[i];
    }
    names[b->n_vars] = "completed";
    rc = output_offsets(path, names, b->n_vars + 1, offs, err);
    if (rc == SIM_OK) {
        for (int i = 0; i < b->n_vars; i++) b->vars[i].offset = offs[i];
        b->completed_offset = offs[b->n_vars];
        b->fd = open(path, O_RDWR | O_CLOEXEC);
        if (b->fd < 0)
            rc = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot open %s: %s", path, strerror(errno));
    }
    if (rc == SIM_OK) {
        int e = pread_all(b->fd, b->completed, runs, b->completed_offset);
        if (e) rc = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot read %s: %s", path, strerror(e));
    }
    if (rc == SIM_OK) {
        /* Runs are converted straight into the mapped file: no copy through
         * write(2), and no inode lock shared by the threads' writes.  Every
         * byte is already allocated on disk, so a write cannot run out of
         * space. */
        struct stat fst;
        if (fstat(b->fd, &fst) != 0 || fst.st_size <= 0)
            rc = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot read %s: %s", path, strerror(errno));
        if (rc == SIM_OK) {
            b->map_size = (size_t)fst.st_size;
            b->map = mmap(NULL, b->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
            if (b->map == MAP_FAILED) {
                b->map = NULL;
                rc = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot map %s: %s", path, strerror(errno));
            }
        }
        for (int i = 0; rc == SIM_OK && i < b->n_vars; i++) {
            long long end = b->vars[i].offset + (long long)(runs * b->vars[i].elems * b->vars[i].width);
            if (b->vars[i].offset < 0 || end > (long long)b->map_size)
                rc = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "%s: variable beyond the end of the file", path);
        }
    }
    free(names);
    free(buf);
    free(offs);
    return rc;
}

/* ---- progress ------------------------------------------------------------------ */

static void progress(batch *b, int final)
{
    if (b->opt->quiet) return;
    long long runs = (long long)b->n_cfg * b->ex->replicates;
    double now = engine_clock(), el = now - b->t0;
    int percent = runs ? (int)(100 * b->done / runs) : 100;
    double per_s = el > 0 ? (double)(b->done - b->start_done) / el : 0;
    double left = per_s > 0 ? (double)(runs - b->done) / per_s : 0;

    if (b->tty) {
        if (!final && now - b->last_progress < PROGRESS_SECONDS) return;
        char bar[31];
        int fill = runs ? (int)(30 * b->done / runs) : 30;
        for (int i = 0; i < 30; i++) bar[i] = i < fill ? '#' : '.';
        bar[30] = '\0';
        fprintf(stderr, "\r[%s] %lld/%lld runs %3d%%  %.1f runs/s  %.0f s left   %s", bar, b->done, runs,
                percent, per_s, left, final ? "\n" : "");
    } else {
        if (!final && percent / PROGRESS_PERCENT == b->last_percent / PROGRESS_PERCENT) return;
        fprintf(stderr, "adoptsim: %lld/%lld runs (%d%%), %.1f runs/s, %.0f s left\n", b->done, runs, percent,
                per_s, left);
    }
    b->last_progress = now;
    b->last_percent = percent;
    fflush(stderr);
}

/* ---- committing runs ---------------------------------------------------------- */

/* Data of the pending runs to disk, then their flags.  Called in the
 * critical section. */
static void commit(batch *b)
{
    if (b->n_pending == 0 || b->failed) return;
    int e = msync(b->map, b->map_size, MS_SYNC) != 0 ? errno : 0;
    for (int i = 0; i < b->n_pending && !e; i++) {
        b->map[b->completed_offset + b->pending[i]] = 1;
        b->completed[b->pending[i]] = 1;
    }
    if (!e && msync(b->map, b->map_size, MS_SYNC) != 0) e = errno;
    if (!e) b->committed += b->n_pending;
    if (e) {
        b->failed = 1;
        sim_error_set(&b->err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: %s", b->opt->path, strerror(e));
    }
    b->n_pending = 0;
    b->last_commit = engine_clock();
    if (b->test_signal && b->committed >= b->test_after) {
        int sig = b->test_signal;
        b->test_signal = 0;
        raise(sig);
    }
}

/* Test hook: ADOPTSIM_TEST_SIGNAL="N:SIG" commits after every run and raises
 * signal SIG (e.g. 9 = SIGKILL, 2 = SIGINT) once N runs are committed, so the
 * tests can stop an experiment at a known point, mid-flight. */
static void test_hook(batch *b)
{
    const char *s = getenv("ADOPTSIM_TEST_SIGNAL");
    long long n;
    int sig;
    b->commit_seconds = COMMIT_SECONDS;
    if (s && sscanf(s, "%lld:%d", &n, &sig) == 2 && n > 0 && sig > 0) {
        b->test_after = n;
        b->test_signal = sig;
        b->commit_seconds = 0;
    }
}

/* ---- one run --------------------------------------------------------------------- */

/* Per-thread buffers and the model state of the configuration last run. */
typedef struct worker {
    double *data, *by_gen, *by_lev;        /* [obs][time], [obs][time][G], [obs][time][levels] */
    double *values, *gen_values, *lev_values;
    void *state;
    int state_cfg;
} worker;

static void worker_free(const batch *b, worker *w)
{
    if (w->state) b->ex->model->free(w->state);
    free(w->data);
    free(w->by_gen);
    free(w->by_lev);
    free(w->values);
    free(w->gen_values);
    free(w->lev_values);
}

static int worker_alloc(const batch *b, worker *w)
{
    size_t k = (size_t)b->ex->model->n_observables, T = b->n_time, L = (size_t)b->n_levels;
    memset(w, 0, sizeof *w);
    w->state_cfg = -1;
    w->data = malloc(k * T * sizeof(double));
    w->by_gen = malloc(k * T * NET_GENERATIONS * sizeof(double) + 1);
    w->by_lev = malloc(k * T * (L ? L : 1) * sizeof(double));
    w->values = malloc(k * sizeof(double));
    w->gen_values = malloc(k * NET_GENERATIONS * sizeof(double));
    w->lev_values = malloc(k * (L ? L : 1) * sizeof(double));
    return w->data && w->by_gen && w->by_lev && w->values && w->gen_values && w->lev_values;
}

/* Convert variable v of the run in w to its file bytes (int32 counts,
 * float64 otherwise; levels beyond this network's depth get fill values). */
static void to_bytes(const batch *b, const worker *w, const run_var *v, int32_t net_levels, void *dest)
{
    const int is_count = b->ex->model->observables[v->obs].is_count;
    const size_t T = b->n_time, L = (size_t)b->n_levels;
    /* HDF5 places datasets at any byte offset: store through memcpy, which
     * compiles to plain (unaligned-safe) moves */
    char *out = dest;
    for (size_t i = 0; i < v->elems; i++) {
        double x;
        if (v->kind == KIND_TOTAL) {
            x = w->data[(size_t)v->obs * T + i];
        } else if (v->kind == KIND_GENERATION) {
            x = w->by_gen[(size_t)v->obs * T * NET_GENERATIONS + i];
        } else {
            size_t t = i / L, l = i % L;
            x = l < (size_t)net_levels ? w->by_lev[((size_t)v->obs * T + t) * (size_t)net_levels + l] : NAN;
        }
        if (is_count) {
            int32_t y = isfinite(x) ? (int32_t)(x < 0 ? x - 0.5 : x + 0.5) : -1;
            memcpy(out + i * sizeof y, &y, sizeof y);
        } else {
            memcpy(out + i * sizeof x, &x, sizeof x);
        }
    }
}

/* Run (c, r) with worker w and write it; errors go to b->err. */
static void do_run(batch *b, worker *w, int c, int32_t r)
{
    const sim_model_type *m = b->ex->model;
    const sim_network *net = b->nets[b->net_of[c]];
    sim_context ctx = {b->cfg[c], net, rng_key_make(b->ex->seed, 0), b->ex->days};
    int32_t net_levels = b->n_levels ? net->n_levels : 0;
    long long run = (long long)c * b->ex->replicates + r;

    if (w->state_cfg != c) {
        sim_error e;
        sim_error_clear(&e);
        if (w->state) m->free(w->state);
        w->state = NULL;
        w->state_cfg = -1;
        if (m->alloc(&ctx, &w->state, &e) != SIM_OK) {
#pragma omp critical(batch)
            if (!b->failed) {
                b->failed = 1;
                b->err = e;
            }
            return;
        }
        w->state_cfg = c;
    }
    const size_t T = b->n_time;
    engine_series out = {w->data, T, net_levels ? w->by_gen : NULL, T * NET_GENERATIONS,
                         net_levels ? w->by_lev : NULL, T * (size_t)net_levels, net_levels};
    ctx.key = rng_key_make(b->ex->seed, (uint32_t)r);
    engine_replicate(m, w->state, &ctx, &out, w->values, w->gen_values, w->lev_values);

    for (int i = 0; i < b->n_vars; i++) {
        const run_var *v = &b->vars[i];
        size_t bytes = v->elems * v->width;
        to_bytes(b, w, v, net_levels, b->map + v->offset + run * (long long)bytes);
    }
#pragma omp critical(batch)
    {
        b->pending[b->n_pending++] = run;
        b->done++;
        b->agent_steps += (double)net->n * (double)b->ex->days;
        if (engine_clock() - b->last_commit >= b->commit_seconds) commit(b);
        progress(b, 0);
    }
}

/* ---- the whole experiment ---------------------------------------------------------- */

static void batch_free(batch *b)
{
    for (int c = 0; c < b->n_cfg && b->cfg; c++) scenario_free(b->cfg[c]);
    for (int i = 0; i < b->n_nets; i++) network_free(b->nets[i]);
    free(b->cfg);
    free(b->nets);
    free(b->net_of);
    free(b->vars);
    free(b->completed);
    free(b->pending);
    if (b->map) munmap(b->map, b->map_size);
    if (b->fd >= 0) close(b->fd);
}

int batch_check(const experiment *ex, sim_error *err)
{
    batch b;
    memset(&b, 0, sizeof b);
    b.ex = ex;
    b.fd = -1;
    int rc = build_configs(&b, err);
    batch_free(&b);
    return rc;
}

int batch_run(const experiment *ex, const batch_options *opt, batch_summary *sum, sim_error *err)
{
    batch b;
    memset(&b, 0, sizeof b);
    b.ex = ex;
    b.opt = opt;
    b.fd = -1;
    sim_error_clear(&b.err);
    memset(sum, 0, sizeof *sum);

    int rc = output_check_target(opt->path, opt->force || opt->resume, err);
    if (!rc) rc = build_configs(&b, err);
    if (!rc) rc = plan_vars(&b, err);
    if (!rc) rc = open_file(&b, err);
    if (rc) {
        batch_free(&b);
        return rc;
    }

    /* the runs still to do, configuration-major */
    long long runs = (long long)b.n_cfg * ex->replicates, n_todo = 0;
    long long *todo = malloc((size_t)(runs ? runs : 1) * sizeof *todo);
    b.pending = malloc((size_t)(runs ? runs : 1) * sizeof *b.pending);
    if (!todo || !b.pending) {
        free(todo);
        batch_free(&b);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (long long i = 0; i < runs; i++)
        if (!b.completed[i]) todo[n_todo++] = i;
    sum->runs = runs;
    sum->done_before = runs - n_todo;
    b.done = b.start_done = b.committed = sum->done_before;
    test_hook(&b);
    b.last_percent = -PROGRESS_PERCENT;
    b.tty = isatty(STDERR_FILENO);
    b.t0 = b.last_commit = engine_clock();

    int32_t max_n = 0;
    for (int i = 0; i < b.n_nets; i++)
        if (b.nets[i]->n > max_n) max_n = b.nets[i]->n;
    int one_per_thread = max_n < SIM_PARALLEL_MIN && n_todo > 1 && omp_get_max_threads() > 1;
    const int32_t R = ex->replicates;

    if (one_per_thread) {
#pragma omp parallel
        {
            worker w;
            int ok = worker_alloc(&b, &w);
            if (!ok) {
#pragma omp critical(batch)
                if (!b.failed) {
                    b.failed = 1;
                    sim_error_set(&b.err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
                }
            }
#pragma omp for schedule(dynamic, 1)
            for (long long i = 0; i < n_todo; i++) {
                if (!ok || b.failed || (opt->stop && *opt->stop)) continue;
                do_run(&b, &w, (int)(todo[i] / R), (int32_t)(todo[i] % R));
            }
            worker_free(&b, &w);
        }
    } else {
        worker w;
        if (!worker_alloc(&b, &w)) {
            b.failed = 1;
            sim_error_set(&b.err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        }
        for (long long i = 0; i < n_todo && !b.failed && !(opt->stop && *opt->stop); i++)
            do_run(&b, &w, (int)(todo[i] / R), (int32_t)(todo[i] % R));
        worker_free(&b, &w);
    }
    commit(&b);
    if (b.done > sum->done_before && (b.tty || b.last_percent != 100)) progress(&b, 1);
    if (!b.failed && fsync(b.fd) != 0) {
        b.failed = 1;
        sim_error_set(&b.err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: %s", opt->path, strerror(errno));
    }
    if (close(b.fd) != 0 && !b.failed) {
        b.failed = 1;
        sim_error_set(&b.err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: %s", opt->path, strerror(errno));
    }
    b.fd = -1;

    sum->seconds = engine_clock() - b.t0;
    sum->agent_steps = b.agent_steps;
    sum->done_now = b.done - sum->done_before;
    sum->interrupted = b.done < runs;
    free(todo);
    rc = SIM_OK;
    if (b.failed) {
        *err = b.err;
        rc = b.err.status ? b.err.status : SIM_EIO;
    }
    batch_free(&b);
    return rc;
}
