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

#include <hdf5.h>

#include "engine.h"
#include "experiment.h"
#include "network.h"
#include "pipeline.h"
#include "registry.h"
#include "report.h"
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
        "  --resume              finish the missing runs of an interrupted OUT.h5\n"
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
               "             130 interrupted (the file holds the completed runs)\n");
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
    if (opt->resume && strcmp(opt->command, "experiment") && strcmp(opt->command, "run"))
        return usage_error("--resume is for run and experiment");
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
    ro.model_of = registry_model;
    if (report_write(opt->scenario_path, &ro, stdout, &err)) return report(&err);
    return 0;
}

static int command_params(const cli_options *opt)
{
    size_t n;
    const param_def *const *tables = registry_tables(&n);
    if (opt->markdown) {
        char *md = scenario_params_markdown(tables, n);
        if (!md) return 1;
        fputs(md, stdout);
        free(md);
        return 0;
    }
    for (size_t t = 0; t < n; t++)
        for (const param_def *p = tables[t]; p->path; p++)
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

/* `adoptsim run`'s summary: the means over replicates of each observable
 * at the milestone days, timings, memory and the file. */
static void print_run_summary(const experiment *ex, const pipeline_summary *sum, const char *path, int threads)
{
    const sim_model_type *m = ex->model;
    printf("adoptsim %s: model %s, network %s (%d agents, %lld ties)\n", ADOPTSIM_VERSION, m->name, sum->network,
           (int)sum->agents, sum->ties);
    printf("  %d replicate(s) x %d days, seed %u, %d thread(s)\n", (int)ex->replicates, (int)ex->days, ex->seed,
           threads);
    if (sum->done_before) printf("  %lld replicate(s) were already done (resumed)\n", sum->done_before);
    printf("  %-22s", ex->replicates > 1 ? "mean over replicates" : "");
    for (int j = 0; j < sum->n_days; j++) {
        char label[32];
        snprintf(label, sizeof label, "day %d", (int)sum->days[j]);
        printf(" %14s", label);
    }
    printf("\n");
    for (int k = 0; k < m->n_observables; k++) {
        printf("  %-22s", m->observables[k].name);
        for (int j = 0; j < sum->n_days; j++) printf(" %14.6g", sum->means[k * sum->n_days + j]);
        printf("\n");
    }
    double rate = sum->seconds > 0 ? sum->agent_steps / sum->seconds : 0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double peak = (double)ru.ru_maxrss * 1024.0; /* ru_maxrss is in KiB on Linux */
    struct stat st;
    long long bytes = stat(path, &st) == 0 ? (long long)st.st_size : -1;
    printf("  network %.4g s, simulation %.4g s (%.3g agent-steps/s), output %.4g s\n", sum->t_network,
           sum->seconds, rate, sum->t_file);
    printf("  peak memory %.1f MB (%.0f bytes per agent)\n", peak / 1e6, sum->agents ? peak / sum->agents : 0);
    printf("  wrote %s (%lld bytes)\n", path, bytes);
}

static void print_experiment_summary(const cli_options *opt, const experiment *ex, const pipeline_summary *sum,
                                     int threads)
{
    struct stat st;
    long long bytes = stat(opt->output_path, &st) == 0 ? (long long)st.st_size : -1;
    printf("adoptsim %s: experiment %s, model %s\n", ADOPTSIM_VERSION, opt->scenario_path, ex->model->name);
    printf("  %d scenario(s) x %d point(s) x %d replicate(s) = %lld runs of %d days, seed %u, %d thread(s)\n",
           ex->n_scenarios, ex->n_points, (int)ex->replicates, sum->runs, (int)ex->days, ex->seed, threads);
    if (sum->done_before) printf("  %lld runs were already done (resumed)\n", sum->done_before);
    printf("  ran %lld runs in %.3g s (%.3g runs/s, %.3g agent-steps/s); wrote the file in %.3g s\n",
           sum->done_now, sum->seconds, sum->seconds > 0 ? (double)sum->done_now / sum->seconds : 0,
           sum->seconds > 0 ? sum->agent_steps / sum->seconds : 0, sum->t_file);
    printf("  wrote %s (%lld bytes)\n", opt->output_path, bytes);
}

/* ---- run and experiment ---- */

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig)
{
    stop_requested = 1;
    signal(sig, SIG_DFL); /* a second one stops at once (the journal keeps the committed runs) */
}

/* Run ex's runs into opt->output_path through the pipeline, print the
 * summary; returns the exit code (130 when interrupted). */
static int run_pipeline(const cli_options *opt, const experiment *ex, const char *command, int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
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
    pipeline_options po = {opt->output_path, command, opt->force, opt->resume, opt->quiet, threads, history,
                           &stop_requested, !strcmp(command, "run") && !opt->quiet, -1, 0, NULL, NULL};
    pipeline_summary sum;
    int rc = pipeline_run(ex, &po, &sum, &err);
    free(history);
    if (rc) {
        pipeline_summary_free(&sum);
        return report(&err);
    }
    if (!opt->quiet) {
        if (!strcmp(command, "run"))
            print_run_summary(ex, &sum, opt->output_path, threads);
        else
            print_experiment_summary(opt, ex, &sum, threads);
    }
    pipeline_summary_free(&sum);
    if (sum.interrupted) {
        fprintf(stderr, "adoptsim: interrupted: %lld of %lld runs are in %s; finish with --resume\n",
                sum.done_before + sum.done_now, sum.runs, opt->output_path);
        return 130;
    }
    return 0;
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
                                           registry_scenario_model};

static int command_experiment(const cli_options *opt, int argc, char **argv)
{
    sim_error err;
    experiment *ex = NULL;
    sim_error_clear(&err);
    int rc = experiment_load(opt->scenario_path, &catalog, opt->sets, opt->n_sets, &ex, &err);
    if (rc) {
        /* --set errors name the option */
        if (!strcmp(err.file, "--set"))
            for (int i = 0; i < opt->n_sets; i++)
                if (err.key[0] && !strncmp(opt->sets[i], err.key, strlen(err.key)))
                    snprintf(err.file, sizeof err.file, "%s", opt->origin[i]);
        return report(&err);
    }
    if (!strcmp(opt->command, "check")) {
        if ((rc = pipeline_check(ex, &err))) {
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
    rc = run_pipeline(opt, ex, "experiment", argc, argv);
    experiment_free(ex);
    return rc;
}

/* adoptsim run / check of a scenario file: the scenario with --set applied
 * and validated; check builds its network (an org chart or edge list is
 * input too); run is an experiment of this one scenario. */
static int command_run(const cli_options *opt, int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    scenario *scn = NULL;
    sim_network *net = NULL;
    experiment *ex = NULL;
    int rc = registry_scenario_alloc(&scn, &err);
    if (!rc) rc = scenario_load_file(scn, opt->scenario_path, &err);
    for (int i = 0; !rc && i < opt->n_sets; i++) {
        rc = scenario_set(scn, opt->sets[i], &err);
        if (rc) snprintf(err.file, sizeof err.file, "%s", opt->origin[i]);
    }
    if (!rc) rc = registry_validate(scn, &err);
    if (!rc && !strcmp(opt->command, "check")) {
        rc = network_build(scn, (uint32_t)scenario_int(scn, "run.seed"), &net, &err);
        if (!rc && !opt->quiet)
            printf("%s: ok (%s network, %d agents, %lld ties)\n", opt->scenario_path, net->kind, (int)net->n,
                   (long long)(network_arcs(net) / 2));
        network_free(net);
        scenario_free(scn);
        return rc ? report(&err) : 0;
    }
    if (!rc) rc = experiment_from_scenario(scn, registry_scenario_model(scn), &ex, &err);
    scenario_free(scn);
    if (rc) return report(&err);
    rc = run_pipeline(opt, ex, "run", argc, argv);
    experiment_free(ex);
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    /* HDF5 1.10 cannot close a file after a write error (disk full, file
     * size limit) and crashes on it in its exit handler: we close every file
     * we open, so the handler has nothing to do */
    H5dont_atexit();
    /* a write past `ulimit -f` fails with EFBIG and a message, instead of
     * killing the process silently with SIGXFSZ */
    signal(SIGXFSZ, SIG_IGN);
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

    return command_run(&opt, argc, argv);
}
