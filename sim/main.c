/* main.c: the adoptsim commands, run from the options cli.c parsed.  The
 * only place that prints errors and chooses exit codes: 0 success, 2 bad
 * input (usage, scenario, an input file missing or not a regular file,
 * existing output without --force), 1 anything else (I/O, memory). */
#include <errno.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>
#include <hdf5.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <signal.h>
#include <unistd.h>

#include "calibrate.h"
#include "cli.h"
#include "engine.h"
#include "experiment.h"
#include "memory.h"
#include "network.h"
#include "output.h"
#include "pipeline.h"
#include "registry.h"
#include "report.h"
#include "scenario.h"
#include "sensitivity.h"

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
    if (calibrate_is_fit(opt->scenario_path)) {
        if (opt->days || opt->format || opt->baseline || opt->partial)
            return usage_error("report: a fit file takes no --days, --format, --baseline or --partial");
        if (calibrate_report(opt->scenario_path, stdout, &err)) return report(&err);
        return 0;
    }
    if (report_write(opt->scenario_path, &ro, stdout, &err)) return report(&err);
    return 0;
}

/* A whole number in [lo, hi] from an option's text, or -1 after a usage error. */
static long long option_number(const char *option, const char *text, long long lo, long long hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno || v < lo || v > hi) {
        usage_error("sensitivity: %s wants a whole number from %lld to %lld, got '%s'", option, lo, hi, text);
        return -1;
    }
    return v;
}

static int command_sensitivity(const cli_options *opt)
{
    sim_error err;
    sensitivity_options so = {opt->outcome, -1, opt->scenario, opt->group, opt->difference, REPORT_TEXT, 1000, 1,
                              registry_model};
    sim_error_clear(&err);
    if (opt->format && report_parse_format(opt->format, &so.format, &err)) return usage_error("%s", err.msg);
    if (opt->day) {
        long long v = option_number("--day", opt->day, 0, 1000000);
        if (v < 0) return 2;
        so.day = (int32_t)v;
    }
    if (opt->bootstrap) {
        long long v = option_number("--bootstrap", opt->bootstrap, 0, 1000000);
        if (v < 0) return 2;
        so.bootstrap = (int)v;
    }
    if (opt->boot_seed) {
        long long v = option_number("--seed", opt->boot_seed, 0, 4294967295LL);
        if (v < 0) return 2;
        so.seed = (uint32_t)v;
    }
    if (sensitivity_write(opt->scenario_path, &so, stdout, &err)) return report(&err);
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
                   "(name: overrides of the base), `sweep.parameters` (key path: list of values or "
                   "range `{min, max[, scale: log]}`) and `uncertainty` (key path: distribution; also in "
                   "scenario files, see README.md, Uncertainty):\n\n");
            fputs(ex_md, stdout);
        }
        free(md);
        free(ex_md);
        return md && ex_md ? 0 : 1;
    }
    for (size_t t = 0; t < n; t++)
        for (const param_def *p = tables[t]; p->path; p++)
            printf("%-44s %-10s %-8s %s\n", p->path, p->def[0] ? p->def : "\"\"", p->unit, p->help);
    printf("\nexperiment files (adoptsim experiment), top-level keys besides scenarios, sweep.parameters and "
           "uncertainty:\n");
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
        if (!ex->output.keep[k]) continue;
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

/* An experiment file has base, scenarios or sweep at its top level; a
 * scenario file has none of them.  Decided from the parsed document (the
 * file read with the caps and checks of every YAML file); a file that does
 * not parse is taken for a scenario, whose loading reports why. */
static int is_experiment_file(const char *path)
{
    static const char *const keys[] = {"base", "scenarios", "sweep", NULL};
    const char *found = NULL;
    sim_error err;
    return scenario_yaml_top_key(path, keys, &found, &err) == SIM_OK && found != NULL;
}

static int command_experiment(const cli_options *opt, int argc, char **argv)
{
    sim_error err;
    experiment *ex = NULL;
    sim_error_clear(&err);
    int rc = experiment_load(opt->scenario_path, &registry_catalog, opt->sets, opt->n_sets, &ex, &err);
    if (rc) {
        name_option(opt, &err); /* --set errors name the option */
        return report(&err);
    }
    print_warnings(opt, &ex->warnings);
    if (!strcmp(opt->command, "check")) {
        if ((rc = pipeline_check(ex, &err))) {
            experiment_free(ex);
            return report(&err);
        }
        if (!opt->quiet)
            printf("%s: ok (experiment: %d scenario(s) x %d point(s) x %d replicate(s) = %lld runs of model %s)\n",
                   opt->scenario_path, ex->n_scenarios, ex->n_points, (int)ex->replicates,
                   (long long)ex->n_scenarios * ex->n_points * ex->replicates, ex->model->name);
        if (!opt->quiet && ex->unc.n > 0)
            printf("%s: %d uncertain key(s), %d parameter draw(s) of %d replicate(s)\n", opt->scenario_path,
                   ex->unc.n, (int)ex->n_draws, (int)ex->unc.per_draw);
        experiment_free(ex);
        return 0;
    }
    rc = run_pipeline(opt, ex, "experiment", argc, argv);
    experiment_free(ex);
    return rc;
}

/* adoptsim run / check of a scenario file: the scenario with --set applied
 * and validated; check builds its network (an org chart or edge list is
 * input too) and checks the model against it; run is an experiment of this
 * one scenario (the pipeline builds and checks the network the same way). */
static int command_run(const cli_options *opt, int argc, char **argv)
{
    sim_error err;
    sim_error_clear(&err);
    scenario *scn = NULL;
    sim_network *net = NULL;
    experiment *ex = NULL;
    sim_warnings warnings = {0};
    int rc = registry_scenario_alloc(&scn, &err);
    if (!rc) rc = scenario_load_file(scn, opt->scenario_path, &err);
    for (int i = 0; !rc && i < opt->n_sets; i++) {
        rc = scenario_set(scn, opt->sets[i], &err);
        if (rc) snprintf(err.file, sizeof err.file, "%s", opt->origin[i]);
    }
    if (!rc) rc = registry_validate(scn, &err);
    if (!rc) registry_warnings(scn, &warnings);
    /* a run is an experiment of this one scenario, with the file's
     * uncertainty section (check checks it too) */
    if (!rc) rc = experiment_from_scenario(scn, registry_scenario_model(scn), &ex, &err);
    if (!rc) rc = experiment_uncertainty_from_file(ex, opt->scenario_path, &registry_catalog, &err);
    for (int i = 0; !rc && i < ex->warnings.n; i++) sim_warnings_add(&warnings, &ex->warnings.items[i]);
    if (rc) name_option(opt, &err);
    if (!rc && !strcmp(opt->command, "check")) {
        rc = network_build(scn, (uint32_t)scenario_int(scn, "run.seed"), &net, &err);
        if (!rc) rc = model_check_network(registry_scenario_model(scn), scn, net, &err);
        if (!rc && ex->unc.n > 0) rc = pipeline_check(ex, &err); /* every draw against the network */
        if (!rc) print_warnings(opt, &warnings);
        /* an edge list without declared nodes has only the nodes with ties */
        int undeclared = !rc && !strcmp(scenario_string(scn, "network.type"), "edgelist") &&
                         scenario_int(scn, "network.nodes") == 0 && !scenario_string(scn, "network.node_file")[0];
        if (!rc && !opt->quiet)
            printf("%s: ok (%s network, %d agents%s, %lld ties)\n", opt->scenario_path, net->kind, (int)net->n,
                   undeclared ? " found: the ids with ties (declare others with network.nodes or network.node_file)"
                              : "",
                   (long long)(network_arcs(net) / 2));
        if (!rc && !opt->quiet && ex->unc.n > 0)
            printf("%s: %d uncertain key(s), %d parameter draw(s) of %d replicate(s)\n", opt->scenario_path,
                   ex->unc.n, (int)ex->n_draws, (int)ex->unc.per_draw);
        network_free(net);
        experiment_free(ex);
        scenario_free(scn);
        sim_warnings_free(&warnings);
        return rc ? report(&err) : 0;
    }
    scenario_free(scn);
    if (rc) {
        experiment_free(ex);
        sim_warnings_free(&warnings);
        return report(&err);
    }
    print_warnings(opt, &warnings);
    sim_warnings_free(&warnings);
    rc = run_pipeline(opt, ex, "run", argc, argv);
    experiment_free(ex);
    return rc;
}

/* ---- calibrate ---- */

static void calibrate_progress(const char *line, void *arg)
{
    (void)arg;
    fprintf(stderr, "adoptsim: %s\n", line);
}

/* A calibration file has targets or series at its top level. */
static int is_calibration_file(const char *path)
{
    static const char *const keys[] = {"targets", "series", NULL};
    const char *found = NULL;
    sim_error err;
    return scenario_yaml_top_key(path, keys, &found, &err) == SIM_OK && found != NULL;
}

static int command_calibrate(const cli_options *opt, int argc, char **argv)
{
    sim_error err;
    cal_config *c = NULL;
    sim_error_clear(&err);
    int rc = calibrate_load(opt->scenario_path, &registry_catalog, opt->sets, opt->n_sets, &c, &err);
    if (rc) {
        name_option(opt, &err);
        return report(&err);
    }
    if (!strcmp(opt->command, "check")) {
        if (!opt->quiet)
            printf("%s: ok (calibration: %d parameter(s), %d target(s), model %s)\n", opt->scenario_path,
                   c->ex->unc.n, c->n_targets, c->ex->model->name);
        calibrate_free(c);
        return 0;
    }
    int threads = c->ex->threads;
    if (threads > 0) omp_set_num_threads(threads);
    threads = omp_get_max_threads();
    char *history = join_args(argc, argv);
    calibrate_options co = {opt->output_path, opt->force, opt->resume, threads, history,
                            opt->quiet ? NULL : calibrate_progress, NULL};
    calibrate_summary sum;
    rc = calibrate_run(c, &co, &sum, &err);
    free(history);
    if (!rc && !opt->quiet)
        printf("adoptsim %s: calibrated %d parameter(s) to %d target(s): %d generation(s), %lld simulations in "
               "%.3g s on %d thread(s), final tolerance %.4g (stopped on %s)\n  wrote %s\n",
               ADOPTSIM_VERSION, c->ex->unc.n, c->n_targets, sum.generations, sum.runs, sum.seconds, threads,
               sum.epsilon, sum.stop, opt->output_path);
    calibrate_free(c);
    return rc ? report(&err) : 0;
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
    /* Keep freed memory instead of returning it to the kernel after every
     * free (HDF5's many small frees otherwise cost hundreds of brk calls),
     * and the heap in huge pages (memory.h) */
    sim_heap_start();
    cli_options opt;
    int code = cli_parse(argc, argv, &opt);
    if (code >= 0) return code;
    if (!strcmp(opt.command, "params")) return command_params(&opt);
    if (!strcmp(opt.command, "report")) return command_report(&opt);
    if (!strcmp(opt.command, "sensitivity")) return command_sensitivity(&opt);
    if (!strcmp(opt.command, "calibrate") ||
        (!strcmp(opt.command, "check") && is_calibration_file(opt.scenario_path)))
        return command_calibrate(&opt, argc, argv);
    if (!strcmp(opt.command, "experiment") ||
        (!strcmp(opt.command, "check") && is_experiment_file(opt.scenario_path)))
        return command_experiment(&opt, argc, argv);

    return command_run(&opt, argc, argv);
}
