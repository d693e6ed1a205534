/* test_alloc_fail.c: every allocation of an operation made to fail in turn
 * (SQLite style, alloc_fail.h): for k = 1, 2, ... until the operation no
 * longer reaches its k-th allocation, allocation k fails (then, in the
 * persistent variant, every one after it too), and the operation must
 *   - return SIM_ENOMEM with a message, or succeed with the same result as
 *     when nothing fails (a failure it can do without),
 *   - not crash, free every block it allocated (counted by the wrappers;
 *     under make test-asan LeakSanitizer checks the rest) and close every
 *     file it opened (the process's open descriptors are counted),
 *   - leave no file behind in its directory.
 * Operations: loading a scenario file and building its network (a generated
 * organization, an org chart, a CSV edge list, a Watts-Strogatz graph),
 * loading an experiment (grid and Latin hypercube sweeps), running a small
 * run and a small experiment through the pipeline into a results file
 * (pipeline_run: networks, model states, packing, journal and lock, the
 * HDF5 file), and report_write on small results files made by the adoptsim
 * binary (an experiment's as text and CSV, a run's as Markdown).
 *
 * A new operation is one alloc_case: an attempt function (the call, keeping
 * what it made in a context), a describe function (a text that identifies
 * the result), a release function (frees it) and the directory that must
 * hold the same files after each attempt; then check_every_allocation. */
#include <criterion/criterion.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc_fail.h"
#include "experiment.h"
#include "network.h"
#include "pipeline.h"
#include "registry.h"
#include "report.h"
#include "scenario.h"
#include "support.h"

typedef struct alloc_case {
    int (*attempt)(void *ctx, sim_error *err); /* SIM_OK, or a status with err filled */
    char *(*describe)(void *ctx);              /* after success: malloc'd text of the result */
    void (*release)(void *ctx);                /* after success: free the result */
    const char *dir;                           /* must hold the same entries after each attempt */
} alloc_case;

/* Run c with allocation k failing (and every one after it when
 * persistent), for k = 1 until the k-th allocation is no longer reached. */
static void check_every_allocation(const alloc_case *c, void *ctx, int persistent)
{
    sim_error err;
    char buf[2048];
    int entries = support_count_entries(c->dir);
    int fds = support_count_entries("/proc/self/fd");

    /* the reference: nothing fails */
    sim_error_clear(&err);
    alloc_fail_start(0, 0);
    int rc = c->attempt(ctx, &err);
    long total = alloc_fail_disarm();
    cr_assert_eq(rc, SIM_OK, "reference run: %s", sim_error_format(&err, buf, sizeof buf));
    char *want = c->describe(ctx);
    c->release(ctx);
    long live = alloc_fail_live();
    alloc_fail_end();
    cr_assert_eq(live, 0, "reference run: %ld blocks not freed", live);
    cr_assert_gt(total, 0, "the operation allocates nothing the wrappers see");

    for (long k = 1;; k++) {
        sim_error_clear(&err);
        alloc_fail_start(k, persistent);
        rc = c->attempt(ctx, &err);
        alloc_fail_disarm();
        int fired = alloc_fail_fired();
        char *got = rc == SIM_OK ? c->describe(ctx) : NULL;
        if (rc == SIM_OK) c->release(ctx);
        live = alloc_fail_live();
        alloc_fail_end();
        sim_error_format(&err, buf, sizeof buf);
        cr_assert_eq(live, 0, "allocation %ld of %ld failed: %ld blocks not freed (status %d: %s)", k,
                     total, live, rc, buf);
        cr_assert_eq(support_count_entries(c->dir), entries,
                     "allocation %ld of %ld failed: a file was left in %s", k, total, c->dir);
        cr_assert_eq(support_count_entries("/proc/self/fd"), fds,
                     "allocation %ld of %ld failed: a file was left open", k, total);
        if (!fired) {
            cr_assert_eq(rc, SIM_OK, "no allocation failed, yet status %d: %s", rc, buf);
            cr_assert_eq(k, total + 1, "allocation %ld was not reached, the reference made %ld", k,
                         total);
            free(got);
            break;
        }
        if (rc == SIM_OK) {
            cr_assert_str_eq(got, want, "allocation %ld of %ld failed and the call succeeded with "
                             "another result", k, total);
        } else {
            cr_assert_eq(rc, SIM_ENOMEM, "allocation %ld of %ld failed: status %d, not SIM_ENOMEM: %s",
                         k, total, rc, buf);
            cr_assert(err.msg[0] != '\0', "allocation %ld failed: no message", k);
        }
        free(got);
    }
    free(want);
}

/* ---------- a scenario file and its network ---------- */

typedef struct scenario_ctx {
    const char *path;
    scenario *scn;
    sim_network *net;
} scenario_ctx;

static int scenario_attempt(void *p, sim_error *err)
{
    scenario_ctx *c = p;
    int rc = registry_scenario_alloc(&c->scn, err);
    if (!rc) rc = scenario_load_file(c->scn, c->path, err);
    if (!rc) rc = registry_validate(c->scn, err);
    if (!rc) rc = network_build(c->scn, (uint32_t)scenario_int(c->scn, "run.seed"), &c->net, err);
    if (rc) {
        network_free(c->net);
        scenario_free(c->scn);
        c->net = NULL;
        c->scn = NULL;
    }
    return rc;
}

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < len; i++) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static char *scenario_describe(void *p)
{
    scenario_ctx *c = p;
    const sim_network *net = c->net;
    size_t n = (size_t)net->n;
    uint64_t h = 1469598103934665603ull;
    h = fnv(h, net->row, (n + 1) * sizeof *net->row);
    h = fnv(h, net->col, (size_t)net->row[n] * sizeof *net->col);
    if (net->manager) {
        h = fnv(h, net->manager, n * sizeof *net->manager);
        h = fnv(h, net->level, n * sizeof *net->level);
        h = fnv(h, net->generation, n * sizeof *net->generation);
        h = fnv(h, net->team, n * sizeof *net->team);
    }
    for (size_t i = 0; net->ids && i < n; i++) h = fnv(h, net->ids[i], strlen(net->ids[i]));
    char *yaml = scenario_to_yaml(c->scn);
    cr_assert_not_null(yaml);
    size_t len = strlen(yaml) + 128;
    char *s = malloc(len);
    snprintf(s, len, "%s\n# network %s: %d agents, %lld arcs, hash %016llx\n", yaml, net->kind,
             (int)net->n, (long long)net->row[n], (unsigned long long)h);
    alloc_fail_free(yaml);
    return s;
}

static void scenario_release(void *p)
{
    scenario_ctx *c = p;
    network_free(c->net);
    scenario_free(c->scn);
    c->net = NULL;
    c->scn = NULL;
}

static void check_scenario(const char *yaml, const char *file_name, const char *file_text)
{
    char *dir = support_tmpdir();
    char *path = support_write(dir, "scenario.yaml", yaml, strlen(yaml));
    if (file_name) free(support_write(dir, file_name, file_text, strlen(file_text)));
    scenario_ctx ctx = {path, NULL, NULL};
    alloc_case c = {scenario_attempt, scenario_describe, scenario_release, dir};
    check_every_allocation(&c, &ctx, 0);
    check_every_allocation(&c, &ctx, 1);
    free(path);
    support_rmdir(dir);
}

Test(alloc_fail, scenario_and_organization, .timeout = 120)
{
    check_scenario("run: {days: 30, seed: 4}\n"
                   "network: {type: organization, agents: 60}\n"
                   "organization: {span: 4, peer_ties: 2}\n"
                   "model: {name: genai}\n"
                   "interventions:\n"
                   "  licences: {enabled: true, start: 1}\n"
                   "  vanguard: {enabled: true, start: 5, every: 7, target: {levels: 1-3}}\n",
                   NULL, NULL);
}

Test(alloc_fail, scenario_and_orgchart, .timeout = 120)
{
    check_scenario("network: {type: orgchart, file: chart.csv}\n"
                   "organization: {peer_ties: 1}\n"
                   "model: {name: genai}\n",
                   "chart.csv",
                   "id,manager_id,generation,team\n"
                   "A,,gen_x,\n"
                   "B1,A,gen_x,Leads\n"
                   "B2,A,gen_x,Leads\n"
                   "C1,B1,gen_z,Squad\n"
                   "C2,B2,gen_z,Squad\n"
                   "C3,B2,millennial,\n");
}

Test(alloc_fail, scenario_and_edge_list, .timeout = 120)
{
    check_scenario("network: {type: edgelist, file: edges.csv}\nmodel: {name: bass}\n", "edges.csv",
                   "source,target\n10,20\n20,30\n30,10\n30,40\n40,40\n");
}

Test(alloc_fail, scenario_and_watts_strogatz, .timeout = 120)
{
    check_scenario("network: {type: watts_strogatz, agents: 50, k: 4, rewire: 0.3}\n"
                   "model: {name: threshold}\n",
                   NULL, NULL);
}

/* ---------- an experiment definition ---------- */

/* The catalog's scenario_alloc copies defaults made once before the loop:
 * registry_scenario_alloc parses every default with libyaml, which under
 * AddressSanitizer made each attempt slow (its own allocations are tested
 * by the scenario cases above). */
static scenario *defaults;

static int copy_defaults(scenario **out, sim_error *err)
{
    if (!(*out = scenario_copy(defaults)))
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    return SIM_OK;
}

static const experiment_catalog catalog = {copy_defaults, registry_validate, registry_scenario_model,
                                           registry_key_inert, registry_model_warnings};

typedef struct experiment_ctx {
    const char *path;
    experiment *ex;
} experiment_ctx;

static int experiment_attempt(void *p, sim_error *err)
{
    experiment_ctx *c = p;
    return experiment_load(c->path, &catalog, NULL, 0, &c->ex, err);
}

static char *experiment_describe(void *p)
{
    experiment_ctx *c = p;
    return strdup(c->ex->definition);
}

static void experiment_release(void *p)
{
    experiment_ctx *c = p;
    experiment_free(c->ex);
    c->ex = NULL;
}

static void check_experiment(const char *sweep)
{
    static const char base[] = "run: {days: 20, seed: 3, replicates: 2}\n"
                               "network: {type: organization, agents: 40}\n"
                               "model: {name: genai}\n"
                               "interventions: {licences: {enabled: true, start: 1}}\n";
    char def[1024];
    snprintf(def, sizeof def,
             "base: base.yaml\n"
             "replicates: 3\n"
             "baseline: push\n"
             "scenarios:\n"
             "  push: {}\n"
             "  vanguard: {interventions.vanguard: {enabled: true, start: 5}}\n"
             "%s", sweep);
    char *dir = support_tmpdir();
    free(support_write(dir, "base.yaml", base, strlen(base)));
    char *path = support_write(dir, "experiment.yaml", def, strlen(def));
    experiment_ctx ctx = {path, NULL};
    alloc_case c = {experiment_attempt, experiment_describe, experiment_release, dir};
    sim_error err;
    cr_assert_eq(registry_scenario_alloc(&defaults, &err), SIM_OK, "%s", err.msg);
    check_every_allocation(&c, &ctx, 0);
    check_every_allocation(&c, &ctx, 1);
    scenario_free(defaults);
    defaults = NULL;
    free(path);
    support_rmdir(dir);
}

Test(alloc_fail, experiment_grid_sweep, .timeout = 120)
{
    check_experiment("sweep:\n"
                     "  method: grid\n"
                     "  parameters:\n"
                     "    interventions.vanguard.per_team: [1, 2]\n"
                     "    model.genai.use.peers: [0.5, 1.5]\n");
}

Test(alloc_fail, experiment_latin_hypercube, .timeout = 120)
{
    check_experiment("sweep:\n"
                     "  method: latin_hypercube\n"
                     "  points: 3\n"
                     "  parameters:\n"
                     "    interventions.vanguard.per_team: {min: 1, max: 3}\n");
}

/* ---------- report_write on a results file ---------- */

typedef struct report_ctx {
    const char *path;
    report_options opt;
    char *text; /* the report written */
} report_ctx;

static int report_attempt(void *p, sim_error *err)
{
    report_ctx *c = p;
    size_t len = 0;
    FILE *out = open_memstream(&c->text, &len);
    cr_assert_not_null(out);
    int rc = report_write(c->path, &c->opt, out, err);
    fclose(out);
    if (rc) {
        free(c->text);
        c->text = NULL;
    }
    return rc;
}

static char *report_describe(void *p)
{
    report_ctx *c = p;
    return strdup(c->text);
}

static void report_release(void *p)
{
    report_ctx *c = p;
    free(c->text);
    c->text = NULL;
}

/* report_write on h5 in the n formats. */
static void check_report(const char *dir, const char *h5, const report_format *formats, int n)
{
    for (int i = 0; i < n; i++) {
        report_ctx ctx = {h5, {.n_days = 2, .days = {5, 12}, .format = formats[i], .model_of = registry_model}, NULL};
        alloc_case c = {report_attempt, report_describe, report_release, dir};
        check_every_allocation(&c, &ctx, 0);
        check_every_allocation(&c, &ctx, 1);
    }
}

static const char report_base[] = "run: {days: 12, seed: 3, replicates: 3}\n"
                                  "network: {type: organization, agents: 30}\n"
                                  "model: {name: genai}\n"
                                  "interventions: {licences: {enabled: true, start: 1}}\n";

Test(alloc_fail, report_experiment, .timeout = 120)
{
    static const char def[] = "base: base.yaml\n"
                              "replicates: 3\n"
                              "baseline: push\n"
                              "scenarios:\n"
                              "  push: {}\n"
                              "  permission: {interventions.permission: {enabled: true, start: 2}}\n"
                              "sweep:\n"
                              "  method: list\n"
                              "  parameters:\n"
                              "    interventions.licences.target.share: [0.5, 1]\n";
    char *dir = support_tmpdir(), *err_text = NULL;
    free(support_write(dir, "base.yaml", report_base, strlen(report_base)));
    char *def_path = support_write(dir, "experiment.yaml", def, strlen(def));
    char *h5 = support_path(dir, "results.h5");
    const char *args[] = {"experiment", def_path, "-o", h5, "-q", NULL};
    int code = support_exec(args, NULL, &err_text);
    cr_assert_eq(code, 0, "adoptsim experiment: exit %d: %s", code, err_text);
    free(err_text);
    /* Markdown differs from text only in how a finished table is printed */
    const report_format formats[] = {REPORT_TEXT, REPORT_CSV};
    check_report(dir, h5, formats, 2);
    free(def_path);
    free(h5);
    support_rmdir(dir);
}

Test(alloc_fail, report_run, .timeout = 120)
{
    char *dir = support_tmpdir(), *err_text = NULL;
    char *path = support_write(dir, "small_run.yaml", report_base, strlen(report_base));
    char *h5 = support_path(dir, "run.h5");
    const char *args[] = {"run", path, "-o", h5, "-q", NULL};
    int code = support_exec(args, NULL, &err_text);
    cr_assert_eq(code, 0, "adoptsim run: exit %d: %s", code, err_text);
    free(err_text);
    const report_format formats[] = {REPORT_MARKDOWN};
    check_report(dir, h5, formats, 1);
    free(path);
    free(h5);
    support_rmdir(dir);
}

/* ---------- a run and an experiment through the pipeline ---------- */

/* The definition is loaded once, outside the injection (its loading is
 * checked above); what fails is pipeline_run writing dir/out.h5 on one
 * thread, committing every run to the journal as it finishes, or (the
 * default commit interval) keeping them in memory to the end.  The result
 * is identified by the run summary's means, which the pipeline decodes from
 * the chunks it stored.  A failure after runs were committed keeps them in
 * OUT.journal and says so (nothing lost): the attempt then checks that
 * --resume, with nothing failing, finishes the file with the same result,
 * and removes it, so that the directory is as before. */
typedef struct pipeline_ctx {
    const experiment *ex;
    char *out, *journal;
    char *want;            /* the result when nothing fails */
    double commit_seconds; /* 0: every run to the journal; -1: the default (all in memory here) */
    pipeline_summary sum;
} pipeline_ctx;

static int pipeline_once(pipeline_ctx *c, int resume, sim_error *err)
{
    pipeline_options opt = {.path = c->out, .command = "run", .resume = resume, .quiet = 1, .threads = 1,
                            .summary = 1, .commit_seconds = c->commit_seconds};
    memset(&c->sum, 0, sizeof c->sum);
    int rc = pipeline_run(c->ex, &opt, &c->sum, err);
    if (rc) pipeline_summary_free(&c->sum);
    return rc;
}

static char *pipeline_describe(void *p)
{
    pipeline_ctx *c = p;
    size_t n = (size_t)c->ex->model->n_observables * (size_t)c->sum.n_days;
    char *text = malloc(n * 32 + 1);
    cr_assert_not_null(text);
    text[0] = '\0';
    for (size_t i = 0; i < n; i++) sprintf(text + strlen(text), "%.17g ", c->sum.means[i]);
    return text;
}

static void pipeline_release(void *p)
{
    pipeline_ctx *c = p;
    pipeline_summary_free(&c->sum);
    cr_assert_eq(unlink(c->out), 0, "the results file was not written");
}

static int pipeline_attempt(void *p, sim_error *err)
{
    pipeline_ctx *c = p;
    int rc = pipeline_once(c, 0, err);
    if (rc == SIM_OK || access(c->journal, F_OK) != 0) return rc;
    /* runs were kept: the message says where, and --resume finishes them */
    alloc_fail_disarm();
    cr_assert(strstr(err->msg, c->journal) != NULL, "a journal was kept but the message does not say so: %s",
              err->msg);
    sim_error again;
    sim_error_clear(&again);
    cr_assert_eq(pipeline_once(c, 1, &again), SIM_OK, "--resume after: %s: %s", err->msg, again.msg);
    char *got = pipeline_describe(c);
    cr_assert_str_eq(got, c->want, "--resume after \"%s\" gave another result", err->msg);
    free(got);
    pipeline_release(c);
    cr_assert_neq(access(c->journal, F_OK), 0, "the journal outlived the resume");
    return rc;
}

static void check_pipeline(const char *dir, const experiment *ex)
{
    sim_error err;
    pipeline_ctx ctx = {ex, support_path(dir, "out.h5"), support_path(dir, "out.h5.journal"), NULL, 0, {0}};
    alloc_case c = {pipeline_attempt, pipeline_describe, pipeline_release, dir};
    omp_set_num_threads(1);
    cr_assert_eq(pipeline_once(&ctx, 0, &err), SIM_OK, "%s", err.msg);
    ctx.want = pipeline_describe(&ctx);
    pipeline_release(&ctx);
    const double commits[] = {0, -1};
    for (int i = 0; i < 2; i++) {
        ctx.commit_seconds = commits[i];
        check_every_allocation(&c, &ctx, 0);
        check_every_allocation(&c, &ctx, 1);
    }
    free(ctx.want);
    free(ctx.out);
    free(ctx.journal);
}

Test(alloc_fail, pipeline_run, .timeout = 300)
{
    sim_error err;
    char *dir = support_tmpdir();
    char *path = support_write(dir, "small_run.yaml", report_base, strlen(report_base));
    scenario *scn = NULL;
    experiment *ex = NULL;
    cr_assert_eq(registry_scenario_alloc(&scn, &err), SIM_OK);
    cr_assert_eq(scenario_load_file(scn, path, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(registry_validate(scn, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(experiment_from_scenario(scn, registry_scenario_model(scn), &ex, &err), SIM_OK, "%s", err.msg);
    scenario_free(scn);
    free(path);
    char *sub = support_path(dir, "out");
    cr_assert_eq(mkdir(sub, 0700), 0);
    check_pipeline(sub, ex);
    experiment_free(ex);
    free(sub);
    support_rmdir(dir);
}

Test(alloc_fail, pipeline_experiment, .timeout = 300)
{
    static const char def[] = "base: base.yaml\n"
                              "replicates: 2\n"
                              "scenarios:\n"
                              "  push: {}\n"
                              "  permission: {interventions.permission: {enabled: true, start: 2}}\n"
                              "sweep:\n"
                              "  method: list\n"
                              "  parameters:\n"
                              "    interventions.licences.target.share: [0.5, 1]\n";
    sim_error err;
    char *dir = support_tmpdir();
    free(support_write(dir, "base.yaml", report_base, strlen(report_base)));
    char *def_path = support_write(dir, "experiment.yaml", def, strlen(def));
    experiment *ex = NULL;
    cr_assert_eq(experiment_load(def_path, &registry_catalog, NULL, 0, &ex, &err), SIM_OK, "%s", err.msg);
    char *sub = support_path(dir, "out");
    cr_assert_eq(mkdir(sub, 0700), 0);
    check_pipeline(sub, ex);
    experiment_free(ex);
    free(def_path);
    free(sub);
    support_rmdir(dir);
}
