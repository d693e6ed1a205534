/* pipeline.c: runs a command's runs in parallel, streams them through the
 * journal and assembles the results file (see pipeline.h). */
#include "pipeline.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "journal.h"
#include "layout.h"
#include "network.h"
#include "output.h"
#include "parallel.h"

#define PROGRESS_AFTER 1.0     /* no progress for commands shorter than this (seconds) */
#define PROGRESS_SECONDS 0.2   /* terminal progress bar refresh */
#define PROGRESS_PERCENT 10    /* one line per this many percent when not a terminal */
#define NO_RUN (-1)            /* loc[run]: not done */

/* Everything the runs share. */
typedef struct pipeline {
    const experiment *ex;
    const pipeline_options *opt;
    int n_cfg;                /* scenarios x points; config c = s * n_points + p (each
                                 worker makes the scenario of the config it runs: a
                                 design of 10^5 points would hold 10^5 scenarios) */
    int *net_of;              /* config -> index into nets */
    scenario **net_cfg;       /* [n_nets]: the first config built on each network */
    sim_network **nets;
    int n_nets;
    double t_network;
    layout lay;
    int layout_ready;
    char *header;             /* the journal's header text: definition and plan */
    size_t head;              /* bytes before a record's chunks */
    int *total_var;           /* [obs] the plan's variable of each observable's total */
    journal j;
    int locked;
    long long journal_runs;   /* runs committed in the journal */
    int keep_journal;         /* the journal holds what a later command must decide about */
    char *tmp;                /* <OUT>.tmp */
    int out_existed;          /* OUT was there when we started (force or resume) */
    long long runs;
    long long *loc;           /* [run]: NO_RUN, a journal offset >= 0, or -2 - offset in pend */

    /* guarded by the critical section "pipeline" */
    unsigned char *pend;      /* records not yet committed */
    size_t pend_len, pend_cap, pend_limit;
    long long n_pend;
    long long done;           /* runs done, including those from before */
    long long start_done;
    double commit_seconds, last_commit, last_progress, t0;
    int last_percent, tty, shown;
    int failed;               /* an error is in err */
    sim_error err;
    double agent_steps;
} pipeline;

/* ---- configurations and networks ------------------------------------------------ */

/* The model's checks against the network of configuration c (cfg) with
 * each parameter draw (a drawn target share may round to nobody). */
static int check_draws(pipeline *p, int c, const scenario *cfg, sim_error *err)
{
    const experiment *ex = p->ex;
    const int s = c / ex->n_points;
    scenario *scn = scenario_copy(cfg);
    gsl_rng *g = rng_gsl_alloc();
    double *values = malloc((size_t)ex->unc.n * sizeof *values);
    int rc = !scn || !g || !values ? sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory") : SIM_OK;
    for (int32_t d = 0; !rc && d < ex->n_draws; d++) {
        uncertainty_draw(&ex->unc, g, ex->seed, (uint32_t)d, values);
        rc = experiment_apply_draw(ex, s, scn, values, err);
        if (!rc) rc = model_check_network(ex->model, scn, p->nets[p->net_of[c]], err);
        if (rc) {
            size_t len = strlen(err->msg);
            snprintf(err->msg + len, sizeof err->msg - len, " (scenario \"%s\", parameter draw %d)", ex->names[s],
                     (int)d);
        }
    }
    scenario_free(scn);
    if (g) gsl_rng_free(g);
    free(values);
    return rc;
}

/* The breakdown by team (output.breakdowns: team) needs an organization's
 * teams: an error at the key on a network without them. */
static int check_teams(const experiment *ex, const scenario *cfg, const sim_network *net, sim_error *err)
{
    if (!ex->output.by_team || (net->team && net->team_names)) return SIM_OK;
    return scenario_error(cfg, "output.breakdowns", err, "team: network.type %s has no teams (an organization "
                          "or an org chart has)", net->kind);
}

static int build_configs(pipeline *p, sim_error *err)
{
    const experiment *ex = p->ex;
    double t0 = engine_clock();
    p->n_cfg = ex->n_scenarios * ex->n_points;
    p->net_of = calloc((size_t)p->n_cfg, sizeof *p->net_of);
    p->nets = calloc((size_t)p->n_cfg, sizeof *p->nets);
    p->net_cfg = calloc((size_t)p->n_cfg, sizeof *p->net_cfg);
    if (!p->net_cfg || !p->net_of || !p->nets) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (int c = 0; c < p->n_cfg; c++) {
        scenario *cfg = NULL;
        int rc = experiment_config(ex, c / ex->n_points, c % ex->n_points, &cfg, err);
        if (rc) return rc;
        p->net_of[c] = -1;
        for (int d = 0; d < p->n_nets && p->net_of[c] < 0; d++)
            if (experiment_same_network(cfg, p->net_cfg[d])) p->net_of[c] = d;
        if (p->net_of[c] < 0) {
            rc = network_build(cfg, ex->seed, &p->nets[p->n_nets], err);
            if (rc) {
                scenario_free(cfg);
                return rc;
            }
            p->net_cfg[p->n_nets] = cfg;
            p->net_of[c] = p->n_nets++;
        }
        rc = model_check_network(ex->model, cfg, p->nets[p->net_of[c]], err);
        if (!rc) rc = check_teams(ex, cfg, p->nets[p->net_of[c]], err);
        if (!rc && ex->unc.n > 0) rc = check_draws(p, c, cfg, err);
        if (p->net_cfg[p->net_of[c]] != cfg) scenario_free(cfg);
        if (rc) return rc;
    }
    p->t_network = engine_clock() - t0;
    return SIM_OK;
}

/* The plan: breakdowns when the model has grouped observables and every
 * network is an organization; the per-agent table on the one network. */
static int plan(pipeline *p, sim_error *err)
{
    const sim_model_type *m = p->ex->model;
    const engine_output *o = &p->ex->output;
    int grouped = 0, org = 1;
    int32_t n_levels = 0;
    for (int k = 0; k < m->n_observables; k++) grouped |= m->observables[k].grouped && o->keep[k];
    grouped &= o->by_generation || o->by_level;
    for (int i = 0; i < p->n_nets; i++) {
        org &= p->nets[i]->generation && p->nets[i]->level;
        if (p->nets[i]->n_levels > n_levels) n_levels = p->nets[i]->n_levels;
    }
    if (!grouped || !org) n_levels = 0;
    int32_t agents = p->ex->agents && p->n_nets == 1 ? p->nets[0]->n : 0;
    /* by team: one network (experiment.c refuses scenarios that change it) with teams (check_teams) */
    if (o->by_team && p->n_nets != 1)
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, "output.breakdowns",
                             "the breakdown by team needs every run on one network");
    int32_t teams = o->by_team ? p->nets[0]->n_teams : 0;
    int rc = layout_init(&p->lay, m, p->ex->n_scenarios, p->ex->n_points, p->ex->replicates, p->ex->days + 1, o,
                         n_levels, teams, agents, p->ex->compression, err);
    if (rc) return rc;
    p->layout_ready = 1;
    p->head = journal_record_head(p->lay.n_vars);
    char *plan_text = layout_describe(&p->lay);
    size_t n = strlen(p->ex->definition) + (plan_text ? strlen(plan_text) : 0) + 32;
    p->header = plan_text ? malloc(n) : NULL;
    p->total_var = malloc((size_t)m->n_observables * sizeof *p->total_var);
    if (p->header) snprintf(p->header, n, "%s# layout\n%s", p->ex->definition, plan_text);
    free(plan_text);
    if (!p->header || !p->total_var) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (int k = 0; k < m->n_observables; k++) p->total_var[k] = -1;
    for (int v = 0; v < p->lay.n_vars; v++)
        if (p->lay.vars[v].kind == LAYOUT_TOTAL) p->total_var[p->lay.vars[v].source] = v;
    return SIM_OK;
}

/* ---- progress ---------------------------------------------------------------------- */

static void progress(pipeline *p, int final)
{
    if (p->opt->quiet) return;
    double now = engine_clock(), el = now - p->t0;
    if (el < PROGRESS_AFTER && !(final && p->shown)) return;
    int percent = p->runs ? (int)(100 * p->done / p->runs) : 100;
    double per_s = el > 0 ? (double)(p->done - p->start_done) / el : 0;
    double left = per_s > 0 ? (double)(p->runs - p->done) / per_s : 0;

    if (p->tty) {
        if (!final && now - p->last_progress < PROGRESS_SECONDS) return;
        char bar[31];
        int fill = p->runs ? (int)(30 * p->done / p->runs) : 30;
        for (int i = 0; i < 30; i++) bar[i] = i < fill ? '#' : '.';
        bar[30] = '\0';
        fprintf(stderr, "\r[%s] %lld/%lld runs %3d%%  %.1f runs/s  %.0f s left   %s", bar, p->done, p->runs,
                percent, per_s, left, final ? "\n" : "");
    } else {
        if (!final && percent / PROGRESS_PERCENT == p->last_percent / PROGRESS_PERCENT) return;
        if (final && percent == p->last_percent) return;
        fprintf(stderr, "adoptsim: %lld/%lld runs (%d%%), %.1f runs/s, %.0f s left\n", p->done, p->runs, percent,
                per_s, left);
    }
    p->shown = 1;
    p->last_progress = now;
    p->last_percent = percent;
    fflush(stderr);
}

/* ---- the pending records and the journal ---------------------------------------------- */

static void fail(pipeline *p, const sim_error *e)
{
    if (p->failed) return;
    p->failed = 1;
    p->err = *e;
}

/* Commit the pending records to the journal.  In the critical section. */
static void commit(pipeline *p)
{
    p->last_commit = engine_clock();
    if (p->n_pend == 0 || p->failed) return;
    long long at;
    sim_error e;
    sim_error_clear(&e);
    if (journal_append(&p->j, p->header, p->pend, p->pend_len, &at, &e)) {
        fail(p, &e);
        return;
    }
    for (size_t off = 0; off < p->pend_len; off += journal_record_size(p->pend + off, p->lay.n_vars))
        p->loc[journal_record_run(p->pend + off)] = at + (long long)off;
    p->journal_runs += p->n_pend;
    p->pend_len = 0;
    p->n_pend = 0;
    if (p->opt->on_commit) p->opt->on_commit(p->journal_runs, p->opt->commit_arg);
}

/* Take a sealed record of len bytes; commit when the buffer is full or the
 * commit interval is over.  In the critical section. */
static void add_record(pipeline *p, const unsigned char *rec, size_t len)
{
    if (p->pend_len + len > p->pend_cap) {
        size_t cap = p->pend_cap ? p->pend_cap : 256 * 1024;
        while (cap < p->pend_len + len) cap *= 2;
        unsigned char *grown = realloc(p->pend, cap);
        if (!grown) {
            sim_error e;
            sim_error_set(&e, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for finished runs");
            fail(p, &e);
            return;
        }
        p->pend = grown;
        p->pend_cap = cap;
    }
    memcpy(p->pend + p->pend_len, rec, len);
    p->loc[journal_record_run(rec)] = -2 - (long long)p->pend_len;
    p->pend_len += len;
    p->n_pend++;
    if (p->pend_len >= p->pend_limit || engine_clock() - p->last_commit >= p->commit_seconds) commit(p);
}

static void record_found(long long run, long long offset, void *arg)
{
    pipeline *p = arg;
    if (p->loc[run] == NO_RUN) p->loc[run] = offset;
}

static long long runs_done(const pipeline *p)
{
    long long n = 0;
    for (long long i = 0; i < p->runs; i++) n += p->loc[i] != NO_RUN;
    return n;
}

/* Import the completed runs of an existing OUT (resume without a journal). */
static int import_file(pipeline *p, sim_error *err)
{
    layout_source *src = NULL;
    int rc = layout_source_open(&p->lay, p->opt->path, p->ex->definition, &src, err);
    unsigned char *rec = rc ? NULL : malloc(p->head + p->lay.bound);
    uint32_t *lens = rc ? NULL : malloc((size_t)p->lay.n_vars * sizeof *lens);
    if (!rc && (!rec || !lens)) rc = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (long long run = 0; !rc && run < p->runs && !p->failed; run++) {
        size_t used;
        if (!layout_source_has(src, run)) continue;
        rc = layout_source_run(src, run, rec + p->head, lens, &used, err);
        if (rc) break;
        journal_record_seal(rec, (uint32_t)run, p->lay.n_vars, lens, used);
        add_record(p, rec, p->head + used);
    }
    if (!rc && p->failed) {
        *err = p->err;
        rc = p->err.status;
    }
    free(rec);
    free(lens);
    layout_source_close(src);
    return rc;
}

/* Find what the journal (locked) and OUT already hold. */
static int open_output(pipeline *p, sim_error *err)
{
    const pipeline_options *opt = p->opt;
    int rc = SIM_OK;
    char *text = NULL;
    int h = journal_header(&p->j, &text, err);
    if (h < 0) {
        p->keep_journal = 1;
        return err->status;
    }
    long long records = 0;
    if (h == 1 && !opt->force) {
        if (opt->resume && strcmp(text, p->header)) {
            char a[96], b[96];
            int line = experiment_diff_line(text, p->header, a, b, sizeof a);
            p->keep_journal = 1;
            free(text);
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                                 "cannot resume %s: %s.journal was written by a different experiment definition "
                                 "(resolved definitions first differ at line %d: \"%s\" in the journal, \"%s\" "
                                 "now); use --force to start over", opt->path, opt->path, line, a, b);
        }
        if (!strcmp(text, p->header)) {
            rc = journal_scan(&p->j, p->runs, p->lay.n_vars, p->head + p->lay.bound, opt->resume, record_found, p,
                              &records, err);
        } else {
            records = 1; /* another definition's: what it holds is not ours to count or remove */
        }
    }
    free(text);
    if (rc) return rc;
    p->journal_runs = opt->resume ? runs_done(p) : 0;
    if (records > 0 && !opt->resume && !opt->force) {
        long long held = runs_done(p);
        p->keep_journal = 1;
        if (held > 0)
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                                 "%s.journal holds %lld of %lld runs of an interrupted %s: --resume to finish it, "
                                 "--force to start over", opt->path, held, p->runs, opt->command);
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                             "%s.journal holds runs of an interrupted command with another definition: "
                             "--force to start over", opt->path);
    }
    if (p->journal_runs == 0 && (rc = journal_reset(&p->j, err))) return rc;

    struct stat st;
    p->out_existed = lstat(opt->path, &st) == 0;
    if (p->out_existed && !opt->force && !opt->resume)
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s exists; use --force to overwrite it%s",
                             opt->path, " (or --resume to finish an interrupted one)");
    if (p->out_existed && opt->resume && p->journal_runs == 0) return import_file(p, err);
    return SIM_OK;
}

/* ---- one run ------------------------------------------------------------------------- */

/* Per-thread buffers, packer and the model state of the configuration (and
 * parameter draw) last run. */
typedef struct worker {
    scenario *cfg;        /* the configuration state_cfg (made by the worker; with
                             uncertainty, the draw state_draw's values set in it) */
    int64_t state_draw;   /* the draw the state was allocated for (-1: none) */
    gsl_rng *rng;         /* with uncertainty: for the draws */
    double *draw_values;  /* with uncertainty: ex->unc.n values */
    double *data, *by_gen, *by_lev, *agents, *by_team;
    double *values, *gen_values, *lev_values, *team_values;
    void *state;
    int state_cfg;
    layout_packer pk;
    unsigned char *rec;   /* a record being made: head, then the chunks */
    uint32_t *lens;
} worker;

static void worker_free(const pipeline *p, worker *w)
{
    if (w->state) p->ex->model->free(w->state);
    scenario_free(w->cfg); /* after the state, which may point into it */
    if (w->rng) gsl_rng_free(w->rng);
    free(w->draw_values);
    free(w->data);
    free(w->by_gen);
    free(w->by_lev);
    free(w->agents);
    free(w->values);
    free(w->gen_values);
    free(w->lev_values);
    free(w->by_team);
    free(w->team_values);
    free(w->rec);
    free(w->lens);
    layout_packer_free(&w->pk);
}

static int worker_alloc(const pipeline *p, worker *w)
{
    const layout *lay = &p->lay;
    size_t k = (size_t)lay->model->n_observables, T = (size_t)lay->T_run, L = (size_t)lay->n_levels;
    size_t F = lay->n_agents ? (size_t)lay->model->n_agent_fields * (size_t)lay->n_agents : 1;
    memset(w, 0, sizeof *w);
    w->state_cfg = -1;
    w->state_draw = -1;
    layout_packer_init(&w->pk);
    if (p->ex->unc.n > 0) {
        w->rng = rng_gsl_alloc();
        w->draw_values = malloc((size_t)p->ex->unc.n * sizeof *w->draw_values);
        if (!w->rng || !w->draw_values) return 0;
    }
    w->data = malloc(k * T * sizeof(double));
    w->by_gen = malloc(k * T * NET_GENERATIONS * sizeof(double));
    w->by_lev = malloc(k * T * (L ? L : 1) * sizeof(double));
    w->agents = malloc(F * sizeof(double));
    w->values = malloc(k * sizeof(double));
    w->gen_values = malloc(k * NET_GENERATIONS * sizeof(double));
    w->lev_values = malloc(k * (L ? L : 1) * sizeof(double));
    if (lay->n_teams) {
        w->by_team = malloc(k * T * (size_t)lay->n_teams * sizeof(double));
        w->team_values = malloc(k * (size_t)lay->n_teams * sizeof(double));
        if (!w->by_team || !w->team_values) return 0;
    }
    w->rec = malloc(p->head + lay->bound);
    w->lens = malloc((size_t)lay->n_vars * sizeof *w->lens);
    return w->data && w->by_gen && w->by_lev && w->agents && w->values && w->gen_values && w->lev_values &&
           w->rec && w->lens;
}

/* Run `run` with worker w, pack it and hand it to the writer. */
static void do_run(pipeline *p, worker *w, long long run)
{
    const sim_model_type *m = p->ex->model;
    const int32_t R = p->ex->replicates;
    const int c = (int)(run / R);
    const int32_t r = (int32_t)(run % R);
    const sim_network *net = p->nets[p->net_of[c]];
    const layout *lay = &p->lay;
    int32_t net_levels = lay->n_levels ? net->n_levels : 0;
    sim_error e;
    sim_error_clear(&e);

    /* the models read their parameters when they allocate their state:
     * with uncertainty, a state per (configuration, draw) */
    const int64_t draw = p->ex->unc.n > 0 ? (int64_t)experiment_draw_of(p->ex, r) : -1;
    if (w->state_cfg != c || w->state_draw != draw) {
        int rc = SIM_OK;
        if (w->state) m->free(w->state);
        w->state = NULL;
        if (w->state_cfg != c) {
            scenario_free(w->cfg);
            w->cfg = NULL;
            w->state_cfg = -1;
            rc = experiment_config(p->ex, c / p->ex->n_points, c % p->ex->n_points, &w->cfg, &e);
        }
        if (!rc && draw >= 0) {
            /* the draw's values set in the configuration (every drawn key is
             * set each time, so the previous draw's values do not linger) */
            uncertainty_draw(&p->ex->unc, w->rng, p->ex->seed, (uint32_t)draw, w->draw_values);
            rc = experiment_apply_draw(p->ex, c / p->ex->n_points, w->cfg, w->draw_values, &e);
        }
        sim_context actx = {w->cfg, net, rng_key_make(p->ex->seed, 0), p->ex->days};
        if (!rc) rc = m->alloc(&actx, &w->state, &e);
        if (rc != SIM_OK) {
            w->state = NULL;
            w->state_cfg = -1;
            w->state_draw = -1;
#pragma omp critical(pipeline)
            fail(p, &e);
            return;
        }
        w->state_cfg = c;
        w->state_draw = draw;
    }
    sim_context ctx = {w->cfg, net, rng_key_make(p->ex->seed, 0), p->ex->days};
    const size_t T = (size_t)lay->T_run;
    engine_series out = {w->data, T, net_levels ? w->by_gen : NULL, T * NET_GENERATIONS,
                         net_levels ? w->by_lev : NULL, T * (size_t)net_levels, net_levels,
                         w->by_team, T * (size_t)lay->n_teams, lay->n_teams, w->team_values};
    ctx.key = rng_key_make(p->ex->seed, (uint32_t)r);
    engine_replicate(m, w->state, &ctx, &out, w->values, w->gen_values, w->lev_values);
    for (int f = 0; lay->n_agents && f < m->n_agent_fields; f++)
        m->agent_values(w->state, &ctx, f, w->agents + (size_t)f * (size_t)lay->n_agents);

    layout_run values = {w->data, w->by_gen, w->by_lev, net_levels, w->agents, w->by_team};
    size_t used = 0;
    int rc = layout_pack(lay, &w->pk, &values, w->rec + p->head, w->lens, &used, &e);
    if (!rc) journal_record_seal(w->rec, (uint32_t)run, lay->n_vars, w->lens, used);
#pragma omp critical(pipeline)
    {
        if (rc) {
            fail(p, &e);
        } else if (!p->failed) {
            add_record(p, w->rec, p->head + used);
            p->done++;
            p->agent_steps += (double)net->n * (double)p->ex->days;
            progress(p, 0);
        }
    }
}

static void run_all(pipeline *p)
{
    const pipeline_options *opt = p->opt;
    long long n_todo = 0;
    uint32_t *todo = malloc((size_t)(p->runs - p->done + 1) * sizeof *todo);
    if (!todo) {
        sim_error e;
        sim_error_set(&e, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        fail(p, &e);
        return;
    }
    for (long long i = 0; i < p->runs; i++)
        if (p->loc[i] == NO_RUN) todo[n_todo++] = (uint32_t)i;

    int32_t max_n = 0;
    for (int i = 0; i < p->n_nets; i++)
        if (p->nets[i]->n > max_n) max_n = p->nets[i]->n;
    int one_per_thread = max_n < SIM_PARALLEL_MIN && n_todo > 1 && omp_get_max_threads() > 1;

    if (one_per_thread) {
#pragma omp parallel
        {
            worker w;
            int ok = worker_alloc(p, &w);
            if (!ok) {
                sim_error e;
                sim_error_set(&e, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
#pragma omp critical(pipeline)
                fail(p, &e);
            }
#pragma omp for schedule(dynamic, 1)
            for (long long i = 0; i < n_todo; i++) {
                if (!ok || p->failed || (opt->stop && *opt->stop)) continue;
                do_run(p, &w, todo[i]);
            }
            worker_free(p, &w);
        }
    } else {
        worker w;
        if (!worker_alloc(p, &w)) {
            sim_error e;
            sim_error_set(&e, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            fail(p, &e);
        }
        for (long long i = 0; i < n_todo && !p->failed && !(opt->stop && *opt->stop); i++) do_run(p, &w, todo[i]);
        worker_free(p, &w);
    }
    free(todo);
}

/* ---- the file ------------------------------------------------------------------------- */

/* Milestone days of the run summary: 0, 30, 90, 180, 365 and the last, each
 * the stored day nearest to it (once); idx: their time indices in the file. */
static void summary_days(const pipeline *p, pipeline_summary *sum, size_t *idx)
{
    static const int32_t milestones[] = {0, 30, 90, 180, 365};
    const int32_t last = p->ex->days;
    const layout *lay = &p->lay;
    int32_t want[PIPELINE_MAX_DAYS];
    int n = 0;
    for (size_t i = 0; i < sizeof milestones / sizeof milestones[0]; i++)
        if (milestones[i] < last) want[n++] = milestones[i];
    want[n++] = last;
    sum->n_days = 0;
    for (int i = 0; i < n; i++) {
        int32_t t = engine_output_nearest(lay->days, lay->T, want[i]);
        if (sum->n_days && idx[sum->n_days - 1] == (size_t)t) continue;
        idx[sum->n_days] = (size_t)t;
        sum->days[sum->n_days++] = lay->days[t];
    }
}

/* Write every run in the index, in run order, into <OUT>.tmp, then publish
 * it as OUT; with opt->summary, add up the observables at the milestone days. */
static int assemble(pipeline *p, pipeline_summary *sum, sim_error *err)
{
    const layout *lay = &p->lay;
    const int n_obs = lay->model->n_observables;
    layout_meta meta = {p->ex, p->n_nets == 1 ? p->nets[0] : NULL, p->opt->command, p->opt->threads,
                        p->opt->command_line};
    int8_t *completed = calloc((size_t)p->runs + 1, 1);
    unsigned char *buf = malloc(p->head + lay->bound);
    uint32_t *lens = malloc((size_t)lay->n_vars * sizeof *lens);
    double *values = malloc(PIPELINE_MAX_DAYS * sizeof *values);
    size_t idx[PIPELINE_MAX_DAYS];
    layout_packer pk;
    layout_packer_init(&pk);
    long long in_file = 0;
    int rc = SIM_OK;
    if (!completed || !buf || !lens || !values) rc = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (!rc && p->opt->summary) {
        summary_days(p, sum, idx);
        if (!(sum->means = calloc((size_t)n_obs * (size_t)sum->n_days, sizeof *sum->means)))
            rc = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    layout_file *lf = NULL;
    if (!rc) rc = layout_file_create(lay, &meta, p->tmp, p->opt->path, &lf, err);
    for (long long run = 0; !rc && run < p->runs; run++) {
        const long long at = p->loc[run];
        const unsigned char *rec = buf;
        if (at == NO_RUN) continue;
        if (at < NO_RUN) {
            rec = p->pend + (-2 - at);
        } else {
            rc = journal_read(&p->j, at, buf, p->head, err);
            if (!rc) rc = journal_read(&p->j, at + (long long)p->head, buf + p->head,
                                       journal_record_size(buf, lay->n_vars) - p->head, err);
            if (rc) break;
        }
        journal_record_lens(rec, lay->n_vars, lens);
        rc = layout_file_put_run(lf, run, rec + p->head, lens);
        completed[run] = 1;
        in_file++;
        const unsigned char *chunk = rec + p->head;
        for (int v = 0; !rc && p->opt->summary && v < lay->n_vars; v++) {
            const int k = lay->vars[v].source;
            if (lay->vars[v].kind == LAYOUT_TOTAL) {
                rc = layout_unpack(lay, &pk, v, chunk, lens[v], idx, sum->n_days, values, err);
                for (int j = 0; !rc && j < sum->n_days; j++) sum->means[k * sum->n_days + j] += values[j];
            }
            chunk += lens[v];
        }
    }
    int closed = layout_file_close(lf, completed, rc == SIM_OK, err);
    if (!rc) rc = closed;
    if (!rc) rc = output_publish(p->tmp, p->opt->path, p->out_existed, err);
    for (int i = 0; !rc && sum->means && i < n_obs * sum->n_days; i++)
        sum->means[i] = p->total_var[i / sum->n_days] < 0 ? NAN : sum->means[i] / (double)in_file;
    free(completed);
    free(buf);
    free(lens);
    free(values);
    layout_packer_free(&pk);
    return rc;
}

/* ---- the whole command ------------------------------------------------------------------- */

static void pipeline_free(pipeline *p)
{
    for (int i = 0; i < p->n_nets; i++) {
        network_free(p->nets[i]);
        scenario_free(p->net_cfg[i]);
    }
    free(p->net_cfg);
    free(p->nets);
    free(p->net_of);
    if (p->layout_ready) layout_free(&p->lay);
    free(p->header);
    free(p->total_var);
    free(p->tmp);
    free(p->loc);
    free(p->pend);
}

int pipeline_check(const experiment *ex, sim_error *err)
{
    pipeline p;
    memset(&p, 0, sizeof p);
    p.ex = ex;
    int rc = build_configs(&p, err);
    pipeline_free(&p);
    return rc;
}

void pipeline_summary_free(pipeline_summary *sum)
{
    free(sum->means);
    sum->means = NULL;
}

/* After a failure: what the journal keeps, appended to the message. */
static void say_what_is_kept(pipeline *p, sim_error *err)
{
    size_t len = strlen(err->msg);
    if (!p->locked || p->keep_journal || err->status == SIM_EINPUT) return;
    if (p->journal_runs > 0)
        snprintf(err->msg + len, sizeof err->msg - len,
                 "; %s.journal keeps the %lld of %lld runs committed before: adoptsim %s ... -o %s --resume "
                 "finishes them", p->opt->path, p->journal_runs, p->runs, p->opt->command, p->opt->path);
    else if (p->done > 0)
        snprintf(err->msg + len, sizeof err->msg - len, " (no run was kept)");
}

int pipeline_run(const experiment *ex, const pipeline_options *opt, pipeline_summary *sum, sim_error *err)
{
    pipeline p;
    memset(&p, 0, sizeof p);
    memset(sum, 0, sizeof *sum);
    p.ex = ex;
    p.opt = opt;
    p.j.fd = -1;
    p.runs = (long long)ex->n_scenarios * ex->n_points * ex->replicates;
    p.commit_seconds = opt->commit_seconds < 0 ? PIPELINE_COMMIT_SECONDS : opt->commit_seconds;
    p.pend_limit = opt->pending_bytes ? opt->pending_bytes : PIPELINE_PENDING_BYTES;
    p.last_percent = -PROGRESS_PERCENT;
    sim_error_clear(&p.err);
    sum->runs = p.runs;

    int rc = output_check_target(opt->path, err);
    if (!rc && !(p.tmp = journal_path_of(opt->path, ".tmp")))
        rc = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (!rc && !(p.loc = malloc((size_t)p.runs * sizeof *p.loc)))
        rc = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %lld runs", p.runs);
    for (long long i = 0; !rc && i < p.runs; i++) p.loc[i] = NO_RUN;
    p.t0 = p.last_commit = engine_clock();
    /* the lock first: a second process on OUT is refused before any work */
    if (!rc && !(rc = journal_lock(&p.j, opt->path, err))) {
        p.locked = 1;
        unlink(p.tmp); /* a killed process's: only the lock holder writes it */
    }
    if (!rc) rc = build_configs(&p, err);
    if (!rc) rc = plan(&p, err);
    if (!rc) rc = open_output(&p, err);

    if (!rc) {
        sum->t_network = p.t_network;
        if (p.n_nets == 1) {
            snprintf(sum->network, sizeof sum->network, "%s", p.nets[0]->kind);
            sum->agents = p.nets[0]->n;
            sum->ties = network_arcs(p.nets[0]) / 2;
        }
        p.done = p.start_done = runs_done(&p);
        sum->done_before = p.done;
        p.tty = isatty(STDERR_FILENO);
        p.t0 = p.last_commit = p.last_progress = engine_clock();
        run_all(&p);
        sum->seconds = engine_clock() - p.t0;
        sum->agent_steps = p.agent_steps;
        sum->done_now = p.done - p.start_done;
        sum->interrupted = p.done < p.runs;
        if (p.failed) {
            *err = p.err;
            rc = p.err.status ? p.err.status : SIM_EIO;
        }
        if (!rc && (p.tty || p.last_percent != 100)) progress(&p, 1);
    }
    if (!rc) {
        double t = engine_clock();
        rc = assemble(&p, sum, err);
        sum->t_file = engine_clock() - t;
        if (rc && p.n_pend > 0) {
            /* keep what can be kept: the runs still in memory go to the journal */
            sim_error e = *err;
            p.failed = 0;
            commit(&p);
            *err = e;
        }
    }
    if (rc) say_what_is_kept(&p, err);
    if (p.locked) {
        if (rc) unlink(p.tmp);
        journal_release(&p.j, rc == SIM_OK || (p.journal_runs == 0 && !p.keep_journal));
    }
    pipeline_free(&p);
    return rc;
}

/* ---- runs kept in memory (pipeline.h: pipeline_batch) ---------------------------------- */

struct pipeline_batch {
    pipeline p;           /* the configurations and network (build_configs); no file */
};

int pipeline_batch_alloc(const experiment *ex, pipeline_batch **out, sim_error *err)
{
    *out = NULL;
    pipeline_batch *b = calloc(1, sizeof *b);
    if (!b) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    b->p.ex = ex;
    b->p.j.fd = -1;
    sim_error_clear(&b->p.err);
    int rc = ex->n_scenarios == 1 && ex->n_points == 1
                 ? build_configs(&b->p, err)
                 : sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, NULL, "a batch runs one configuration");
    if (rc) {
        pipeline_batch_free(b);
        return rc;
    }
    *out = b;
    return SIM_OK;
}

int32_t pipeline_batch_levels(const pipeline_batch *b)
{
    return b->p.nets[0]->n_levels;
}

int32_t pipeline_batch_agents(const pipeline_batch *b)
{
    return b->p.nets[0]->n;
}

const sim_network *pipeline_batch_network(const pipeline_batch *b)
{
    return b->p.nets[0];
}

void pipeline_batch_free(pipeline_batch *b)
{
    if (!b) return;
    pipeline_free(&b->p);
    free(b);
}

/* One thread's buffers for batch runs. */
typedef struct batch_worker {
    scenario *cfg;
    void *state;
    double *data, *by_gen, *by_lev, *values, *gen_values, *lev_values;
    double *by_team, *team_values; /* with ex->output.by_team */
} batch_worker;

static void batch_worker_free(const experiment *ex, batch_worker *w)
{
    if (w->state) ex->model->free(w->state);
    scenario_free(w->cfg);
    free(w->data);
    free(w->by_gen);
    free(w->by_lev);
    free(w->values);
    free(w->gen_values);
    free(w->lev_values);
    free(w->by_team);
    free(w->team_values);
}

static int batch_worker_alloc(const experiment *ex, int32_t levels, int32_t teams, batch_worker *w)
{
    size_t k = (size_t)ex->model->n_observables, T = (size_t)ex->days + 1, L = levels ? (size_t)levels : 1;
    memset(w, 0, sizeof *w);
    if (teams) {
        w->by_team = malloc(k * T * (size_t)teams * sizeof(double));
        w->team_values = malloc(k * (size_t)teams * sizeof(double));
        if (!w->by_team || !w->team_values) return 0;
    }
    w->data = malloc(k * T * sizeof(double));
    w->by_gen = malloc(k * T * NET_GENERATIONS * sizeof(double));
    w->by_lev = malloc(k * T * L * sizeof(double));
    w->values = malloc(k * sizeof(double));
    w->gen_values = malloc(k * NET_GENERATIONS * sizeof(double));
    w->lev_values = malloc(k * L * sizeof(double));
    return w->data && w->by_gen && w->by_lev && w->values && w->gen_values && w->lev_values;
}

/* Run i of a batch with worker w; SIM_OK or the model's error in e. */
static int batch_one(pipeline_batch *b, batch_worker *w, const double *values, long long i, uint32_t key0,
                     pipeline_sink sink, void *arg, sim_error *e)
{
    const experiment *ex = b->p.ex;
    const sim_model_type *m = ex->model;
    const sim_network *net = b->p.nets[0];
    const int32_t L = net->n_levels, J = ex->output.by_team ? net->n_teams : 0;
    int rc = SIM_OK;
    if (w->state) m->free(w->state);
    w->state = NULL;
    if (!w->cfg) rc = experiment_config(ex, 0, 0, &w->cfg, e);
    /* every key is set each time, so the previous run's values do not linger */
    if (!rc && ex->unc.n > 0) rc = experiment_apply_draw(ex, 0, w->cfg, values + (size_t)i * (size_t)ex->unc.n, e);
    if (!rc) rc = model_check_network(m, w->cfg, net, e);
    sim_context ctx = {w->cfg, net, rng_key_make(ex->seed, 0), ex->days};
    if (!rc) rc = m->alloc(&ctx, &w->state, e);
    if (rc) {
        w->state = NULL;
        return rc;
    }
    const size_t T = (size_t)ex->days + 1;
    engine_series out = {w->data, T, L ? w->by_gen : NULL, T * NET_GENERATIONS, L ? w->by_lev : NULL,
                         T * (size_t)L, L, J ? w->by_team : NULL, T * (size_t)J, J, w->team_values};
    ctx.key = rng_key_make(ex->seed, key0 + (uint32_t)i);
    engine_replicate(m, w->state, &ctx, &out, w->values, w->gen_values, w->lev_values);
    sink(i, &out, arg);
    return SIM_OK;
}

int pipeline_batch_run(pipeline_batch *b, const double *values, long long n, uint32_t key0, pipeline_sink sink,
                       void *arg, sim_error *err)
{
    const experiment *ex = b->p.ex;
    const int32_t L = b->p.nets[0]->n_levels, J = ex->output.by_team ? b->p.nets[0]->n_teams : 0;
    int failed = 0;
    sim_error first;
    sim_error_clear(&first);
    int one_per_thread = b->p.nets[0]->n < SIM_PARALLEL_MIN && n > 1 && omp_get_max_threads() > 1;
    if (one_per_thread) {
#pragma omp parallel
        {
            batch_worker w;
            sim_error e;
            sim_error_clear(&e);
            int rc = batch_worker_alloc(ex, L, J, &w) ? SIM_OK
                                                   : sim_error_set(&e, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            if (rc) {
#pragma omp atomic write
                failed = 1;
            }
#pragma omp for schedule(dynamic, 1)
            for (long long i = 0; i < n; i++) {
                int stop;
#pragma omp atomic read
                stop = failed;
                if (stop || rc) continue;
                rc = batch_one(b, &w, values, i, key0, sink, arg, &e);
                if (rc) {
#pragma omp atomic write
                    failed = 1; /* the other threads start no more runs */
                }
            }
            if (rc) {
#pragma omp critical(pipeline_batch)
                if (!first.status) first = e;
            }
            batch_worker_free(ex, &w);
        }
    } else {
        batch_worker w;
        int rc = batch_worker_alloc(ex, L, J, &w) ? SIM_OK
                                               : sim_error_set(&first, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        for (long long i = 0; !rc && i < n; i++) rc = batch_one(b, &w, values, i, key0, sink, arg, &first);
        failed = rc != SIM_OK;
        batch_worker_free(ex, &w);
    }
    if (failed) {
        *err = first;
        return first.status ? first.status : SIM_EINTERNAL;
    }
    return SIM_OK;
}
