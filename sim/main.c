/* main.c: the adoptsim command line.  The only place that prints errors and
 * chooses exit codes: 0 success, 2 bad input (usage, scenario, existing
 * output without --force), 1 anything else (I/O, memory). */
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <signal.h>
#include <unistd.h>

#include "batch.h"
#include "engine.h"
#include "experiment.h"
#include "network.h"
#include "output.h"
#include "registry.h"
#include "report.h"
#include "results.h"
#include "scenario.h"

#define MAX_SETS 256

typedef struct cli_options {
    const char *command;  /* "run", "check", "params" */
    const char *scenario_path;
    const char *output_path;
    const char *sets[MAX_SETS];   /* "key.path=value" */
    const char *origin[MAX_SETS]; /* option it came from: "--set", "--seed", ... */
    int n_sets;
    int force, quiet, markdown, resume;
    const char *days, *format, *baseline; /* report */
    int partial;                          /* report */
} cli_options;

static void print_usage(FILE *f)
{
    fprintf(f,
        "adoptsim %s: agent-based simulation of generative-AI adoption in organizations\n"
        "\n"
        "usage:\n"
        "  adoptsim run SCENARIO.yaml -o OUT.h5 [options]   run a scenario, write HDF5\n"
        "  adoptsim experiment EXPERIMENT.yaml -o OUT.h5 [options]\n"
        "                                                    scenarios x sweep x replicates, one file\n"
        "  adoptsim check SCENARIO.yaml [--set k=v ...]      validate only (scenario or experiment)\n"
        "  adoptsim report OUT.h5 [--days 90,180,365] [--format text|markdown|csv]\n"
        "                 [--baseline NAME] [--partial]      outcomes per scenario with 95%% CIs and\n"
        "                                                    paired differences against the baseline\n"
        "  adoptsim params [--markdown]                      list every scenario key\n"
        "  adoptsim --help | --version\n"
        "\n"
        "options:\n"
        "  -o, --output FILE     HDF5 file to write (written under a temporary name,\n"
        "                        renamed when complete)\n"
        "  --seed N              same as --set run.seed=N\n"
        "  --threads N           same as --set run.threads=N (results do not depend on it)\n"
        "  --replicates N        same as --set run.replicates=N\n"
        "  --set key.path=value  override any scenario key, e.g. --set model.bass.q=0.4\n"
        "  --force               overwrite OUT.h5 if it exists\n"
        "  --resume              experiment: finish the missing runs of an interrupted OUT.h5\n"
        "  --days D1,D2,...      report: the days to report (default 90,180,365; days past\n"
        "                        the end are reported at the last day)\n"
        "  --format F            report: text (default), markdown or csv\n"
        "  --baseline NAME       report: the scenario to compare against (default: the file's)\n"
        "  --partial             report: use the completed runs of an interrupted experiment\n"
        "  -q, --quiet           print nothing but errors\n"
        "\n"
        "models:\n", ADOPTSIM_VERSION);
    for (int i = 0; registry_models[i]; i++)
        fprintf(f, "  %-10s %s\n", registry_models[i]->name, registry_models[i]->summary);
    fprintf(f, "\nexit status: 0 success, 2 bad input, 1 other failure (I/O, memory),\n"
               "             130 experiment interrupted (the file holds the completed runs)\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "adoptsim: %s\ntry 'adoptsim --help'\n", msg);
    return 2;
}

static int report(const sim_error *err)
{
    char buf[2048];
    fprintf(stderr, "adoptsim: %s\n", sim_error_format(err, buf, sizeof buf));
    return sim_status_exit_code(err->status);
}

/* A record located at "--set" names the option it came from (--seed, ...). */
static void name_option(const cli_options *opt, sim_error *rec)
{
    if (strcmp(rec->file, "--set") != 0 || !rec->key[0]) return;
    for (int i = 0; i < opt->n_sets; i++)
        if (!strncmp(opt->sets[i], rec->key, strlen(rec->key)))
            snprintf(rec->file, sizeof rec->file, "%s", opt->origin[i]);
}

/* The warnings the library gathered, on stderr (none with -q). */
static void print_warnings(const cli_options *opt, const sim_warnings *w)
{
    char buf[2048];
    for (int i = 0; !opt->quiet && i < w->n; i++) {
        sim_error rec = w->items[i];
        name_option(opt, &rec);
        fprintf(stderr, "adoptsim: warning: %s\n", sim_error_format(&rec, buf, sizeof buf));
    }
    if (!opt->quiet && w->lost) fprintf(stderr, "adoptsim: warning: %d more (out of memory)\n", w->lost);
}

/* Parse argv into opt; returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, cli_options *opt, char shorthand[][64])
{
    int n_short = 0;
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    const char *a1 = argv[1];
    if (!strcmp(a1, "--help") || !strcmp(a1, "-h") || !strcmp(a1, "help")) {
        print_usage(stdout);
        return 0;
    }
    if (!strcmp(a1, "--version") || !strcmp(a1, "version")) {
        printf("adoptsim %s\n", ADOPTSIM_VERSION);
        return 0;
    }
    if (strcmp(a1, "run") && strcmp(a1, "check") && strcmp(a1, "params") && strcmp(a1, "experiment") &&
        strcmp(a1, "report"))
        return usage_error("unknown command '%s'", a1);
    opt->command = a1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        const char *key = NULL;
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!next) return usage_error("%s needs a file name", a);
            opt->output_path = argv[++i];
        } else if (!strcmp(a, "--set")) {
            if (!next) return usage_error("%s needs key.path=value", a);
            if (opt->n_sets == MAX_SETS) return usage_error("too many %s options", a);
            opt->origin[opt->n_sets] = a;
            opt->sets[opt->n_sets++] = argv[++i];
        } else if (!strcmp(a, "--seed")) {
            key = "run.seed";
        } else if (!strcmp(a, "--threads")) {
            key = "run.threads";
        } else if (!strcmp(a, "--replicates")) {
            key = "run.replicates";
        } else if (!strcmp(a, "--force")) {
            opt->force = 1;
        } else if (!strcmp(a, "--resume")) {
            opt->resume = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            opt->quiet = 1;
        } else if (!strcmp(a, "--markdown")) {
            opt->markdown = 1;
        } else if (!strcmp(a, "--days")) {
            if (!next) return usage_error("%s needs a list of days", a);
            opt->days = argv[++i];
        } else if (!strcmp(a, "--format")) {
            if (!next) return usage_error("%s needs text, markdown or csv", a);
            opt->format = argv[++i];
        } else if (!strcmp(a, "--baseline")) {
            if (!next) return usage_error("%s needs a scenario name", a);
            opt->baseline = argv[++i];
        } else if (!strcmp(a, "--partial")) {
            opt->partial = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            print_usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else if (!opt->scenario_path) {
            opt->scenario_path = a;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
        if (key) {
            if (!next) return usage_error("%s needs a value", a);
            if (opt->n_sets == MAX_SETS || n_short == 8) return usage_error("too many %s options", a);
            snprintf(shorthand[n_short], 64, "%s=%s", key, argv[++i]);
            opt->origin[opt->n_sets] = a;
            opt->sets[opt->n_sets++] = shorthand[n_short++];
        }
    }
    int is_report = !strcmp(opt->command, "report");
    if (!is_report && (opt->days || opt->format || opt->baseline || opt->partial))
        return usage_error("--days, --format, --baseline and --partial are for report");
    if (is_report && !opt->scenario_path)
        return usage_error("report needs a results file: adoptsim report OUT.h5");
    if (is_report && (opt->output_path || opt->n_sets))
        return usage_error("report reads OUT.h5 and prints to standard output; it takes no %s",
                           opt->output_path ? "-o" : "--set");
    if (strcmp(opt->command, "params") && !opt->scenario_path)
        return usage_error("%s needs a scenario file", opt->command);
    if (opt->resume && strcmp(opt->command, "experiment"))
        return usage_error("--resume is for experiments");
    if ((!strcmp(opt->command, "run") || !strcmp(opt->command, "experiment")) && !opt->output_path)
        return usage_error("%s needs an output file: -o OUT.h5", opt->command);
    return -1;
}

static int command_report(const cli_options *opt)
{
    sim_error err;
    report_options ro = {0};
    sim_error_clear(&err);
    if ((opt->days && report_parse_days(opt->days, &ro, &err)) ||
        (opt->format && report_parse_format(opt->format, &ro.format, &err)))
        return usage_error("%s", err.msg);
    ro.baseline = opt->baseline;
    ro.allow_partial = opt->partial;
    if (report_write(opt->scenario_path, &ro, stdout, &err)) return report(&err);
    return 0;
}

static int command_params(const cli_options *opt)
{
    size_t n;
    const param_def *const *tables = registry_tables(&n);
    if (opt->markdown) {
        const param_def *const ex_tables[] = {experiment_params};
        char *md = scenario_params_markdown(tables, n), *ex_md = scenario_params_markdown(ex_tables, 1);
        if (md && ex_md) {
            fputs(md, stdout);
            printf("\n## Experiment files\n\n"
                   "The top-level keys of an experiment file (`adoptsim experiment`), besides `scenarios` "
                   "(name: overrides of the base) and `sweep.parameters` (key path: list of values or "
                   "`{min, max}`):\n\n");
            fputs(ex_md, stdout);
        }
        free(md);
        free(ex_md);
        return md && ex_md ? 0 : 1;
    }
    for (size_t t = 0; t < n; t++)
        for (const param_def *p = tables[t]; p->path; p++)
            printf("%-44s %-10s %-8s %s\n", p->path, p->def[0] ? p->def : "\"\"", p->unit, p->help);
    printf("\nexperiment files (adoptsim experiment), top-level keys besides scenarios and "
           "sweep.parameters:\n");
    for (const param_def *p = experiment_params; p->path; p++)
        printf("%-44s %-10s %-8s %s\n", p->path, p->def[0] ? p->def : "\"\"", p->unit, p->help);
    return 0;
}

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s) return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i) strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* Mean over replicates of each observable at a few milestone days. */
static void print_summary(const sim_results *res, const sim_network *net, const char *path,
                          int threads, double t_build, double t_write)
{
    int32_t last = res->n_time - 1;
    printf("adoptsim %s: model %s, network %s (%d agents, %lld ties)\n", ADOPTSIM_VERSION,
           res->model->name, net->kind, (int)net->n, (long long)(network_arcs(net) / 2));
    printf("  %d replicate(s) x %d days, seed %u, %d thread(s)\n", (int)res->n_rep, (int)last,
           res->seed, threads);

    int32_t days[8], n_days = 0;
    const int32_t milestones[] = {0, 30, 90, 180, 365};
    for (size_t i = 0; i < sizeof milestones / sizeof milestones[0]; i++)
        if (milestones[i] < last) days[n_days++] = milestones[i];
    days[n_days++] = last;
    printf("  %-22s", res->n_rep > 1 ? "mean over replicates" : "");
    for (int j = 0; j < n_days; j++) {
        char label[32];
        snprintf(label, sizeof label, "day %d", (int)days[j]);
        printf(" %14s", label);
    }
    printf("\n");
    for (int k = 0; k < res->n_obs; k++) {
        printf("  %-22s", res->model->observables[k].name);
        for (int j = 0; j < n_days; j++) {
            double sum = 0;
            for (int32_t r = 0; r < res->n_rep; r++) sum += engine_result(res, k, r, days[j]);
            printf(" %14.6g", sum / res->n_rep);
        }
        printf("\n");
    }

    double rate = res->seconds > 0 ? (double)res->agent_steps / res->seconds : 0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double peak = (double)ru.ru_maxrss * 1024.0; /* ru_maxrss is in KiB on Linux */
    struct stat st;
    long long bytes = stat(path, &st) == 0 ? (long long)st.st_size : -1;
    printf("  network %.4g s, simulation %.4g s (%.3g agent-steps/s), output %.4g s\n", t_build,
           res->seconds, rate, t_write);
    printf("  peak memory %.1f MB (%.0f bytes per agent)\n", peak / 1e6, peak / net->n);
    printf("  wrote %s (%lld bytes)\n", path, bytes);
}

/* ---- experiments ---- */

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig)
{
    stop_requested = 1;
    signal(sig, SIG_DFL); /* a second one stops at once (the file stays valid) */
}

/* An experiment file has no model.name at the top; a scenario file may. */
static int looks_like_experiment(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];
    int yes = 0;
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "scenarios:", 10) || !strncmp(line, "sweep:", 6) || !strncmp(line, "base:", 5)) {
            yes = 1;
            break;
        }
    fclose(f);
    return yes;
}

static const experiment_catalog catalog = {registry_scenario_alloc, registry_validate,
                                           registry_scenario_model, registry_key_inert,
                                           registry_model_warnings};

static int command_experiment(const cli_options *opt, int argc, char **argv)
{
    sim_error err;
    experiment *ex = NULL;
    sim_error_clear(&err);
    int rc = experiment_load(opt->scenario_path, &catalog, opt->sets, opt->n_sets, &ex, &err);
    if (rc) {
        name_option(opt, &err); /* --set errors name the option */
        return report(&err);
    }
    print_warnings(opt, &ex->warnings);
    if (!strcmp(opt->command, "check")) {
        if ((rc = batch_check(ex, &err))) {
            experiment_free(ex);
            return report(&err);
        }
        if (!opt->quiet)
            printf("%s: ok (experiment: %d scenario(s) x %d point(s) x %d replicate(s) = %lld runs of model %s)\n",
                   opt->scenario_path, ex->n_scenarios, ex->n_points, (int)ex->replicates,
                   (long long)ex->n_scenarios * ex->n_points * ex->replicates, ex->model->name);
        experiment_free(ex);
        return 0;
    }
    int threads = ex->threads;
    if (threads > 0) omp_set_num_threads(threads);
    threads = omp_get_max_threads();

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    char *history = join_args(argc, argv);
    batch_options bo = {opt->output_path, opt->force, opt->resume, opt->quiet, threads, history,
                        &stop_requested};
    batch_summary sum;
    rc = batch_run(ex, &bo, &sum, &err);
    free(history);
    if (rc) {
        experiment_free(ex);
        return report(&err);
    }
    if (!opt->quiet) {
        struct stat st;
        long long bytes = stat(opt->output_path, &st) == 0 ? (long long)st.st_size : -1;
        printf("adoptsim %s: experiment %s, model %s\n", ADOPTSIM_VERSION, opt->scenario_path, ex->model->name);
        printf("  %d scenario(s) x %d point(s) x %d replicate(s) = %lld runs of %d days, seed %u, %d thread(s)\n",
               ex->n_scenarios, ex->n_points, (int)ex->replicates, sum.runs, (int)ex->days, ex->seed, threads);
        if (sum.done_before) printf("  %lld runs were already in the file\n", sum.done_before);
        printf("  ran %lld runs in %.3g s (%.3g runs/s, %.3g agent-steps/s)\n", sum.done_now, sum.seconds,
               sum.seconds > 0 ? (double)sum.done_now / sum.seconds : 0,
               sum.seconds > 0 ? sum.agent_steps / sum.seconds : 0);
        printf("  wrote %s (%lld bytes)\n", opt->output_path, bytes);
    }
    experiment_free(ex);
    if (sum.interrupted) {
        fprintf(stderr, "adoptsim: interrupted: %lld of %lld runs are in %s; finish with --resume\n",
                sum.done_before + sum.done_now, sum.runs, opt->output_path);
        return 130;
    }
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
#ifdef __GLIBC__
    /* Keep freed memory instead of returning it to the kernel after every
     * free: HDF5's many small frees otherwise cost hundreds of brk calls. */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
#endif
    cli_options opt = {0};
    char shorthand[8][64];
    int code = parse_args(argc, argv, &opt, shorthand);
    if (code >= 0) return code;
    if (!strcmp(opt.command, "params")) return command_params(&opt);
    if (!strcmp(opt.command, "report")) return command_report(&opt);
    if (!strcmp(opt.command, "experiment") ||
        (!strcmp(opt.command, "check") && looks_like_experiment(opt.scenario_path)))
        return command_experiment(&opt, argc, argv);

    sim_error err;
    sim_error_clear(&err);
    scenario *scn = NULL;
    sim_network *net = NULL;
    sim_results *res = NULL;
    char *history = NULL;
    sim_warnings warnings = {0};
    int rc = registry_scenario_alloc(&scn, &err);
    if (!rc) rc = scenario_load_file(scn, opt.scenario_path, &err);
    for (int i = 0; !rc && i < opt.n_sets; i++) {
        rc = scenario_set(scn, opt.sets[i], &err);
        if (rc) snprintf(err.file, sizeof err.file, "%s", opt.origin[i]);
    }
    if (!rc) rc = registry_validate(scn, &err);
    if (!rc && !strcmp(opt.command, "run")) rc = output_check_target(opt.output_path, opt.force, &err);
    if (rc) goto fail;
    registry_warnings(scn, &warnings);
    int threads = (int)scenario_int(scn, "run.threads");
    if (threads > 0) omp_set_num_threads(threads);
    threads = omp_get_max_threads();

    /* check builds the network too: an edge-list file is part of the input */
    double t0 = engine_clock();
    rc = network_build(scn, (uint32_t)scenario_int(scn, "run.seed"), &net, &err);
    if (!rc) rc = model_check_network(registry_scenario_model(scn), scn, net, &err);
    if (rc) goto fail;
    print_warnings(&opt, &warnings);
    double t_build = engine_clock() - t0;
    if (!strcmp(opt.command, "check")) {
        if (!opt.quiet)
            printf("%s: ok (%s network, %d agents, %lld ties)\n", opt.scenario_path, net->kind,
                   (int)net->n, (long long)(network_arcs(net) / 2));
        network_free(net);
        scenario_free(scn);
        sim_warnings_free(&warnings);
        return 0;
    }
    rc = engine_run(registry_scenario_model(scn), scn, net, &res, &err);
    if (rc) goto fail;
    history = join_args(argc, argv);
    results_meta meta = {history, threads};
    t0 = engine_clock();
    rc = results_write(res, net, scn, &meta, opt.output_path, opt.force, &err);
    if (rc) goto fail;
    if (!opt.quiet) print_summary(res, net, opt.output_path, threads, t_build, engine_clock() - t0);
    free(history);
    engine_results_free(res);
    network_free(net);
    scenario_free(scn);
    sim_warnings_free(&warnings);
    return 0;

fail:
    free(history);
    engine_results_free(res);
    network_free(net);
    scenario_free(scn);
    sim_warnings_free(&warnings);
    return report(&err);
}
