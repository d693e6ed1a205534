/* cli.c: parsing the command line with getopt_long, one option table per
 * command, and the usage texts (see cli.h).  Prints only usage texts and
 * usage errors; running the commands is main.c's. */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

/* Option codes beyond the short options' characters. */
enum {
    OPT_SET = 256, OPT_SEED, OPT_THREADS, OPT_REPLICATES, OPT_FORCE, OPT_RESUME, OPT_MARKDOWN,
    OPT_DAYS, OPT_FORMAT, OPT_BASELINE, OPT_PARTIAL,
    OPT_OUTCOME, OPT_DAY, OPT_SCENARIO, OPT_GROUP, OPT_DIFFERENCE, OPT_BOOTSTRAP, OPT_BOOT_SEED
};

static const struct option run_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"set", required_argument, NULL, OPT_SET},
    {"seed", required_argument, NULL, OPT_SEED},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"replicates", required_argument, NULL, OPT_REPLICATES},
    {"force", no_argument, NULL, OPT_FORCE},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
static const struct option check_options[] = {
    {"set", required_argument, NULL, OPT_SET},
    {"seed", required_argument, NULL, OPT_SEED},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"replicates", required_argument, NULL, OPT_REPLICATES},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
static const struct option experiment_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"set", required_argument, NULL, OPT_SET},
    {"seed", required_argument, NULL, OPT_SEED},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"replicates", required_argument, NULL, OPT_REPLICATES},
    {"force", no_argument, NULL, OPT_FORCE},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
static const struct option calibrate_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"seed", required_argument, NULL, OPT_SEED},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"force", no_argument, NULL, OPT_FORCE},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
static const struct option report_options[] = {
    {"days", required_argument, NULL, OPT_DAYS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"partial", no_argument, NULL, OPT_PARTIAL},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
static const struct option sensitivity_options[] = {
    {"outcome", required_argument, NULL, OPT_OUTCOME},
    {"day", required_argument, NULL, OPT_DAY},
    {"scenario", required_argument, NULL, OPT_SCENARIO},
    {"group", required_argument, NULL, OPT_GROUP},
    {"difference", no_argument, NULL, OPT_DIFFERENCE},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"bootstrap", required_argument, NULL, OPT_BOOTSTRAP},
    {"seed", required_argument, NULL, OPT_BOOT_SEED},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
static const struct option params_options[] = {
    {"markdown", no_argument, NULL, OPT_MARKDOWN},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* Pieces of text several usage texts share. */
#define COMMON_OPTIONS_TEXT \
    "Options take their value as --opt VALUE or --opt=VALUE; -- ends the options\n" \
    "(a file named -x.yaml can follow it).\n"

#define SET_OPTIONS_TEXT \
    "  --set key.path=value  override any scenario key (repeatable), e.g.\n" \
    "                        --set model.bass.q=0.4 --set network.agents=5000\n" \
    "  --seed N              same as --set run.seed=N\n" \
    "  --threads N           same as --set run.threads=N (results do not depend on it)\n" \
    "  --replicates N        same as --set run.replicates=N\n"

#define EXIT_TEXT \
    "exit status: 0 success; 2 bad input (usage, a scenario or input file that is\n" \
    "missing, not a regular file, too large or wrong, a scenario that does not fit\n" \
    "in memory, an existing OUT.h5 without --force); 1 other failure (I/O while\n" \
    "writing, memory)"

/* One command: its argument, options and usage text. */
typedef struct cli_command {
    const char *name;
    const char *argument;      /* "SCENARIO.yaml"; NULL: takes none */
    const char *argument_what; /* for "run needs a scenario file" */
    int writes_output;         /* 1: -o OUT.h5 is required */
    const char *short_options; /* getopt's: "-:" (arguments in order, ':' for a missing
                                  value) then the short options */
    const struct option *options;
    const char *help;
} cli_command;

static const cli_command commands[] = {
    {"run", "SCENARIO.yaml", "a scenario file", 1, "-:o:qh", run_options,
     "usage: adoptsim run SCENARIO.yaml -o OUT.h5 [options]\n"
     "\n"
     "Run a scenario: check it, build its network, simulate every replicate (in\n"
     "parallel) and write the time series (with --set output.agents=true also the\n"
     "final per-agent table) to one HDF5 file.  Finished runs are committed to\n"
     "OUT.h5.journal as they come; the file is assembled from them under a\n"
     "temporary name and renamed when complete.  Ctrl-C writes the runs finished\n"
     "so far (exit 130); --resume finishes them.  A summary goes to standard output.\n"
     "With an uncertainty section in the file, each replicate draws its own values\n"
     "of the keys it gives distributions (README.md, Uncertainty).\n"
     "\n"
     "arguments:\n"
     "  SCENARIO.yaml         the scenario (YAML; `adoptsim params` lists every key)\n"
     "\n"
     "options:\n"
     "  -o, --output FILE     the HDF5 file to write (required; not \"-\": results are\n"
     "                        HDF5 files, which standard output cannot hold)\n"
     SET_OPTIONS_TEXT
     "  --force               overwrite OUT.h5 if it exists\n"
     "  --resume              finish the missing runs of an interrupted OUT.h5\n"
     "  -q, --quiet           print nothing but errors\n"
     "  -h, --help            this text\n"
     "\n" COMMON_OPTIONS_TEXT
     "\n"
     "example:\n"
     "  adoptsim run configs/default.yaml -o out.h5 --seed 7 --replicates 30\n"
     "\n" EXIT_TEXT "\n"},
    {"check", "FILE.yaml", "a scenario or experiment file", 0, "-:qh", check_options,
     "usage: adoptsim check FILE.yaml [options]\n"
     "\n"
     "Validate a scenario or an experiment file (told apart by its top-level keys:\n"
     "an experiment has base, scenarios or sweep) without running it: every key,\n"
     "type and bound, the memory it needs, and the files it reads (org chart, edge\n"
     "list, node file) are loaded.  Prints the network's agents and ties.  A\n"
     "calibration file (targets or series at its top level: adoptsim calibrate) is\n"
     "checked as calibrate checks it, its CSV export included.\n"
     "\n"
     "arguments:\n"
     "  FILE.yaml             a scenario, experiment or calibration file\n"
     "\n"
     "options:\n"
     SET_OPTIONS_TEXT
     "  -q, --quiet           print nothing but errors\n"
     "  -h, --help            this text\n"
     "\n" COMMON_OPTIONS_TEXT
     "\n"
     "example:\n"
     "  adoptsim check configs/default.yaml --set network.agents=20000\n"
     "\n" EXIT_TEXT "\n"},
    {"experiment", "EXPERIMENT.yaml", "an experiment file", 1, "-:o:qh", experiment_options,
     "usage: adoptsim experiment EXPERIMENT.yaml -o OUT.h5 [--set key.path=value ...] [options]\n"
     "\n"
     "Run an experiment: a base scenario, what-if scenarios, replicates, an\n"
     "optional sweep and optional parameter uncertainty (each replicate draws its\n"
     "own values, the same in every scenario), all into one resumable HDF5 file.\n"
     "Everything is checked before the first run; progress goes to standard error.\n"
     "\n"
     "arguments:\n"
     "  EXPERIMENT.yaml       the experiment definition (base, scenarios, replicates, sweep,\n"
     "                        uncertainty)\n"
     "\n"
     "options:\n"
     "  -o, --output FILE     the HDF5 file to write (required; not \"-\")\n"
     SET_OPTIONS_TEXT
     "  --resume              finish the missing runs of an interrupted OUT.h5\n"
     "  --force               overwrite OUT.h5 if it exists\n"
     "  -q, --quiet           print nothing but errors (no progress)\n"
     "  -h, --help            this text\n"
     "\n" COMMON_OPTIONS_TEXT
     "\n"
     "example:\n"
     "  adoptsim experiment configs/experiment_four_steps.yaml -o four.h5 --threads 2\n"
     "\n" EXIT_TEXT ";\n"
     "             130 interrupted (the file holds the completed runs; finish with --resume)\n"},
    {"calibrate", "CAL.yaml", "a calibration file", 1, "-:o:qh", calibrate_options,
     "usage: adoptsim calibrate CAL.yaml -o FIT.h5 [--threads N] [--seed N] [--resume] [--force] [-q]\n"
     "\n"
     "Fit the uncertain parameters of a scenario to targets by ABC-SMC (approximate\n"
     "Bayesian computation, sequential Monte Carlo).  CAL.yaml names the base\n"
     "scenario, the priors (an uncertainty section) and the targets (an observable,\n"
     "a day or window, a group, the observed value and its sd or tolerance); see\n"
     "README.md, Calibration.  FIT.h5 holds every generation's particles, weights\n"
     "and distances, the tolerances and acceptance rates, and the posterior\n"
     "predictive curves of the targeted observables; adoptsim report FIT.h5 prints\n"
     "the fit, the posterior and the correlations.  Everything is checked before\n"
     "the first simulation; one progress line per generation goes to standard error.\n"
     "The fit depends on the seed only, not on the threads.  After each generation\n"
     "the generations so far are kept in FIT.h5.part: after a kill, --resume goes on\n"
     "from there (the fit is the same as an uninterrupted one).\n"
     "\n"
     "arguments:\n"
     "  CAL.yaml              the calibration file\n"
     "\n"
     "options:\n"
     "  -o, --output FILE     the fit file to write (required)\n"
     "  --seed N              the seed (default: the calibration file's, else the scenario's)\n"
     "  --threads N           threads (results do not depend on it)\n"
     "  --resume              go on from FIT.h5.part, the last generation of a killed fit\n"
     "  --force               overwrite FIT.h5 if it exists, ignore FIT.h5.part\n"
     "  -q, --quiet           no progress\n"
     "  -h, --help            this text\n"
     "\n" COMMON_OPTIONS_TEXT
     "\n"
     "example:\n"
     "  adoptsim calibrate configs/calibrate_firm_500.yaml -o fit.h5 --threads 2\n"
     "\n" EXIT_TEXT "\n"},
    {"report", "OUT.h5", "a results file", 0, "-:h", report_options,
     "usage: adoptsim report OUT.h5 [--days 90,180,365] [--format text|markdown|csv]\n"
     "                       [--baseline NAME] [--partial]\n"
     "\n"
     "Report the outcomes of a results file (of adoptsim run or experiment) per\n"
     "scenario and sweep point: means with 95% confidence intervals and paired\n"
     "differences against the baseline, on standard output.  A file with parameter\n"
     "draws also gets means over the draws, the 5-95% range of the runs, the\n"
     "probability of doing better than the baseline and how often each scenario\n"
     "ranks first, second, ...\n"
     "\n"
     "arguments:\n"
     "  OUT.h5                a results file\n"
     "\n"
     "options:\n"
     "  --days D1,D2,...      the days to report (default 90,180,365; days past the end\n"
     "                        are reported at the last day)\n"
     "  --format F            text (default), markdown or csv\n"
     "  --baseline NAME       the scenario to compare against (default: the file's)\n"
     "  --partial             use the completed runs of an interrupted experiment\n"
     "  -h, --help            this text\n"
     "\n" COMMON_OPTIONS_TEXT
     "\n"
     "example:\n"
     "  adoptsim report four.h5 --days 30,90 --format markdown\n"
     "\n"
     "exit status: 0 success, 2 bad input (usage, a file that is missing, not a\n"
     "regular file or not an adoptsim results file, runs missing without --partial),\n"
     "1 other failure\n"},
    {"sensitivity", "OUT.h5", "a results file", 0, "-:h", sensitivity_options,
     "usage: adoptsim sensitivity OUT.h5 --outcome NAME [--day D] [--scenario S] [--group G]\n"
     "                            [--difference] [--format text|markdown|csv] [--bootstrap B] [--seed N]\n"
     "\n"
     "Global sensitivity indices of one outcome from the file of an experiment whose\n"
     "sweep is a Morris design (sweep.method morris: mu, mu* and sigma of the\n"
     "elementary effects per key, ranked) or Saltelli's design (sweep.method saltelli:\n"
     "first-order and total Sobol indices with bootstrap intervals), on standard\n"
     "output.  With several replicates, a point's outcome is its mean over them.\n"
     "\n"
     "arguments:\n"
     "  OUT.h5                a results file of a morris or saltelli sweep\n"
     "\n"
     "options:\n"
     "  --outcome NAME        an observable of the model or one of its report outcomes\n"
     "                        (required), e.g. regular_users, regular_users_pct_staff\n"
     "  --day D               the day (default: the last; the nearest stored day is used)\n"
     "  --scenario S          the scenario (default: the baseline)\n"
     "  --group G             a generation (gen_z, millennial, gen_x, boomer) or level:N\n"
     "  --difference          the scenario minus the baseline, replicate by replicate:\n"
     "                        the sensitivity of the intervention's effect\n"
     "  --format F            text (default), markdown or csv\n"
     "  --bootstrap B         bootstrap resamples for the Sobol intervals (default 1000;\n"
     "                        0: none)\n"
     "  --seed N              seed of the resampling (default 1)\n"
     "  -h, --help            this text\n"
     "\n" COMMON_OPTIONS_TEXT
     "\n"
     "example:\n"
     "  adoptsim sensitivity w5.h5 --outcome regular_users --day 365 --difference\n"
     "\n"
     "exit status: 0 success, 2 bad input (usage, a file that is missing or not an\n"
     "adoptsim results file, no Morris or Saltelli design, an unknown outcome,\n"
     "scenario or group, missing runs), 1 other failure\n"},
    {"params", NULL, NULL, 0, "-:h", params_options,
     "usage: adoptsim params [--markdown]\n"
     "\n"
     "List every scenario key: its path, default, unit and meaning.\n"
     "\n"
     "options:\n"
     "  --markdown            the same as a Markdown table with types and bounds\n"
     "                        (docs/PARAMETERS.md is this output)\n"
     "  -h, --help            this text\n"
     "\n"
     "example:\n"
     "  adoptsim params | grep organization\n"
     "\n"
     "exit status: 0 success, 2 bad usage\n"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *find_command(const char *name)
{
    for (size_t c = 0; name && c < N_COMMANDS; c++)
        if (strcmp(commands[c].name, name) == 0) return &commands[c];
    return NULL;
}

void cli_usage(FILE *f, const char *command)
{
    const cli_command *cmd = find_command(command);
    if (cmd) {
        fputs(cmd->help, f);
        return;
    }
    fprintf(f,
        "adoptsim %s: agent-based simulation of generative-AI adoption in organizations\n"
        "\n"
        "usage:\n"
        "  adoptsim run SCENARIO.yaml -o OUT.h5 [options]   run a scenario, write HDF5\n"
        "  adoptsim experiment EXPERIMENT.yaml -o OUT.h5 [--set k=v ...] [options]\n"
        "                                                    scenarios x sweep x replicates, one file\n"
        "  adoptsim check FILE.yaml [--set k=v ...]          validate only (scenario or experiment)\n"
        "  adoptsim report OUT.h5 [--days 90,180,365] [--format text|markdown|csv]\n"
        "                 [--baseline NAME] [--partial]      outcomes per scenario with 95%% CIs and\n"
        "                                                    paired differences against the baseline\n"
        "  adoptsim sensitivity OUT.h5 --outcome NAME [--day D] [--difference] ...\n"
        "                                                    Morris or Sobol indices of a morris or\n"
        "                                                    saltelli sweep\n"
        "  adoptsim calibrate CAL.yaml -o FIT.h5 [options]  fit parameters to targets (ABC-SMC);\n"
        "                                                    adoptsim report FIT.h5 shows the fit\n"
        "  adoptsim params [--markdown]                      list every scenario key\n"
        "  adoptsim COMMAND --help                           a command's arguments, options, example\n"
        "  adoptsim --help | --version\n"
        "\n"
        "common options (each command takes only its own: see adoptsim COMMAND --help):\n"
        "  -o, --output FILE     run, experiment: the HDF5 file to write\n"
        "  --set key.path=value  run, check, experiment: override a scenario key\n"
        "  --seed N, --threads N, --replicates N   the same for run.seed, run.threads,\n"
        "                        run.replicates\n"
        "  --force               run, experiment: overwrite OUT.h5 if it exists\n"
        "  -q, --quiet           run, check, experiment: print nothing but errors\n"
        "\n" COMMON_OPTIONS_TEXT
        "\n"
        "models:\n", ADOPTSIM_VERSION);
    for (int i = 0; registry_models[i]; i++)
        fprintf(f, "  %-10s %s\n", registry_models[i]->name, registry_models[i]->summary);
    fprintf(f, "\n" EXIT_TEXT ",\n"
               "             130 experiment interrupted (the file holds the completed runs)\n");
}

static int usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *command, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (command)
        fprintf(stderr, "adoptsim: %s: %s\ntry 'adoptsim %s --help'\n", command, msg, command);
    else
        fprintf(stderr, "adoptsim: %s\ntry 'adoptsim --help'\n", msg);
    return 2;
}

/* The option as the user wrote it: "--name" of a long option without its
 * "=value", or "-c" of a short one. */
static void option_text(const char *arg, int short_char, char *buf, size_t size)
{
    if (arg && strncmp(arg, "--", 2) == 0)
        snprintf(buf, size, "%.*s", (int)strcspn(arg, "="), arg);
    else if (short_char > 0 && short_char < 256)
        snprintf(buf, size, "-%c", short_char);
    else
        snprintf(buf, size, "%s", arg ? arg : "?");
}

/* "--name" of the option with code val, for messages. */
static const char *option_name(const cli_command *cmd, int val, char *buf, size_t size)
{
    for (const struct option *o = cmd->options; o->name; o++)
        if (o->val == val) {
            snprintf(buf, size, "--%s", o->name);
            return buf;
        }
    snprintf(buf, size, "-%c", val);
    return buf;
}

/* What the value of an option should be, for "needs a value: ...". */
static const char *value_what(int val)
{
    switch (val) {
    case 'o': return "a file name";
    case OPT_SET: return "key.path=value";
    case OPT_SEED: case OPT_THREADS: case OPT_REPLICATES: return "a number";
    case OPT_DAYS: return "a list of days such as 90,180,365";
    case OPT_FORMAT: return "text, markdown or csv";
    case OPT_BASELINE: case OPT_SCENARIO: return "a scenario name";
    case OPT_OUTCOME: return "an observable or outcome name";
    case OPT_DAY: return "a day";
    case OPT_GROUP: return "a generation (gen_z, ...) or level:N";
    case OPT_BOOTSTRAP: case OPT_BOOT_SEED: return "a number";
    }
    return "a value";
}

/* The long options of cmd that begin with the text of arg ("--re"): how
 * many, and their names into buf. */
static int prefix_matches(const cli_command *cmd, const char *arg, char *buf, size_t size)
{
    size_t len = strcspn(arg + 2, "="), used = 0;
    int count = 0;
    buf[0] = '\0';
    for (const struct option *o = cmd->options; o->name; o++)
        if (strncmp(o->name, arg + 2, len) == 0) {
            int w = snprintf(buf + used, size - used, "%s--%s", count ? ", " : "", o->name);
            if (w > 0 && (size_t)w < size - used) used += (size_t)w;
            count++;
        }
    return count;
}

/* For an unknown option that looks like a file name ("-x.yaml"). */
static const char *file_hint(const char *arg)
{
    return strchr(arg, '.') || strchr(arg, '/')
               ? " (a file whose name begins with '-' goes after --: adoptsim COMMAND -- -x.yaml)"
               : "";
}

/* A shorthand option (--seed N): the assignment key=value, kept in opt. */
static int add_shorthand(cli_options *opt, const cli_command *cmd, const char *option,
                         const char *key, const char *value)
{
    int n_short = 0;
    for (int i = 0; i < opt->n_sets; i++)
        n_short += opt->sets[i] >= opt->shorthand[0] && opt->sets[i] <= opt->shorthand[7];
    if (opt->n_sets == CLI_MAX_SETS || n_short == 8)
        return usage_error(cmd->name, "too many %s options", option);
    snprintf(opt->shorthand[n_short], sizeof opt->shorthand[n_short], "%s=%s", key, value);
    opt->origin[opt->n_sets] = option;
    opt->sets[opt->n_sets++] = opt->shorthand[n_short];
    return -1;
}

/* One positional argument. */
static int add_argument(cli_options *opt, const cli_command *cmd, const char *arg)
{
    if (!cmd->argument) return usage_error(cmd->name, "takes no arguments, got '%s'", arg);
    if (opt->scenario_path) return usage_error(cmd->name, "unexpected argument '%s'", arg);
    opt->scenario_path = arg;
    return -1;
}

int cli_parse(int argc, char **argv, cli_options *opt)
{
    memset(opt, 0, sizeof *opt);
    if (argc < 2) {
        cli_usage(stderr, NULL);
        return 2;
    }
    const char *a1 = argv[1];
    if (!strcmp(a1, "--help") || !strcmp(a1, "-h") || !strcmp(a1, "help")) {
        if (!strcmp(a1, "help") && argc > 2 && !find_command(argv[2]))
            return usage_error(NULL, "unknown command '%s'", argv[2]);
        cli_usage(stdout, !strcmp(a1, "help") && argc > 2 ? argv[2] : NULL);
        return 0;
    }
    if (!strcmp(a1, "--version") || !strcmp(a1, "version")) {
        printf("adoptsim %s\n", ADOPTSIM_VERSION);
        return 0;
    }
    const cli_command *cmd = find_command(a1);
    if (!cmd) {
        if (a1[0] == '-')
            return usage_error(NULL, "unknown option '%s': the command comes first "
                                     "(adoptsim COMMAND ...)", a1);
        return usage_error(NULL, "unknown command '%s'", a1);
    }
    opt->command = cmd->name;

    /* getopt_long over argv[1..]: argv[1], the command, stands for the
     * program name.  "-" first in short_options returns the arguments in
     * order (code 1) whatever POSIXLY_CORRECT says; ':' reports a missing
     * value as ':'. */
    char **args = argv + 1;
    int n_args = argc - 1, code;
    char name[64], matches[256];
    optind = 0; /* a fresh scan */
    opterr = 0; /* the messages are ours */
    while ((code = getopt_long(n_args, args, cmd->short_options, cmd->options, NULL)) != -1) {
        const char *arg = args[optind - 1]; /* the element just read (the value's, for a
                                               separate value) */
        int rc = -1;
        switch (code) {
        case 1:
            rc = add_argument(opt, cmd, optarg);
            break;
        case 'h':
            cli_usage(stdout, cmd->name);
            return 0;
        case '?':
            if (optopt) { /* a known option given a value it does not take, or an unknown short one */
                const char *as_given = optopt < 256 && (arg[0] != '-' || arg[1] != '-') ? NULL : arg;
                option_text(as_given, optopt, name, sizeof name);
                if (as_given && strchr(as_given, '='))
                    return usage_error(cmd->name, "option '%s' takes no value", name);
                /* the element of an unknown short option: getopt has moved past it
                 * when it was the last of its cluster ("-qz"), not otherwise ("-x.yaml") */
                const char *element = arg;
                if (!(arg[0] == '-' && arg[1] != '-' && strchr(arg + 1, optopt)) && optind < n_args)
                    element = args[optind];
                return usage_error(cmd->name, "unknown option '%s'%s", name, file_hint(element));
            }
            option_text(arg, 0, name, sizeof name);
            if (strncmp(arg, "--", 2) == 0 && prefix_matches(cmd, arg, matches, sizeof matches) > 1)
                return usage_error(cmd->name, "option '%s' is ambiguous: %s", name, matches);
            return usage_error(cmd->name, "unknown option '%s'%s", name, file_hint(arg));
        case ':': /* arg is the option itself, the last element */
            option_text(arg, optopt, name, sizeof name);
            return usage_error(cmd->name, "option '%s' needs a value: %s", name,
                               value_what(optopt));
        default:
            if (optarg && optarg[0] == '\0')
                return usage_error(cmd->name, "option '%s' needs a value: %s",
                                   option_name(cmd, code, name, sizeof name), value_what(code));
            switch (code) {
            case 'o':
                if (strcmp(optarg, "-") == 0)
                    return usage_error(cmd->name, "cannot write to standard output (-o -): "
                                       "results are HDF5 files, which standard output "
                                       "cannot hold; give a file name");
                opt->output_path = optarg;
                break;
            case OPT_SET:
                if (opt->n_sets == CLI_MAX_SETS) return usage_error(cmd->name, "too many --set options");
                opt->origin[opt->n_sets] = "--set";
                opt->sets[opt->n_sets++] = optarg;
                break;
            case OPT_SEED: rc = add_shorthand(opt, cmd, "--seed", "run.seed", optarg); break;
            case OPT_THREADS: rc = add_shorthand(opt, cmd, "--threads", "run.threads", optarg); break;
            case OPT_REPLICATES:
                rc = add_shorthand(opt, cmd, "--replicates", "run.replicates", optarg);
                break;
            case OPT_FORCE: opt->force = 1; break;
            case OPT_RESUME: opt->resume = 1; break;
            case 'q': opt->quiet = 1; break;
            case OPT_MARKDOWN: opt->markdown = 1; break;
            case OPT_DAYS: opt->days = optarg; break;
            case OPT_FORMAT: opt->format = optarg; break;
            case OPT_BASELINE: opt->baseline = optarg; break;
            case OPT_PARTIAL: opt->partial = 1; break;
            case OPT_OUTCOME: opt->outcome = optarg; break;
            case OPT_DAY: opt->day = optarg; break;
            case OPT_SCENARIO: opt->scenario = optarg; break;
            case OPT_GROUP: opt->group = optarg; break;
            case OPT_DIFFERENCE: opt->difference = 1; break;
            case OPT_BOOTSTRAP: opt->bootstrap = optarg; break;
            case OPT_BOOT_SEED: opt->boot_seed = optarg; break;
            }
        }
        if (rc >= 0) return rc;
    }
    for (int i = optind; i < n_args; i++) { /* after "--" */
        int rc = add_argument(opt, cmd, args[i]);
        if (rc >= 0) return rc;
    }
    if (cmd->argument && !opt->scenario_path)
        return usage_error(cmd->name, "needs %s: adoptsim %s %s%s", cmd->argument_what, cmd->name,
                           cmd->argument, cmd->writes_output ? " -o OUT.h5" : "");
    if (cmd->writes_output && !opt->output_path)
        return usage_error(cmd->name, "needs an output file: -o OUT.h5");
    if (!strcmp(cmd->name, "sensitivity") && !opt->outcome)
        return usage_error(cmd->name, "needs --outcome NAME: an observable or outcome of the file's model");
    return -1;
}
