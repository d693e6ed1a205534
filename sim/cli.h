/* cli.h: the adoptsim command line: its commands, each command's own options
 * (one getopt_long table per command) and the usage texts.  Used by main.c,
 * which runs the commands.
 *
 *   adoptsim COMMAND [ARGUMENT] [OPTIONS]     commands: run, check, experiment, report, sensitivity,
 *                                             params
 *   adoptsim COMMAND --help | -h               that command's usage, on standard output
 *   adoptsim --help | help [COMMAND] | --version
 *
 * Options take their value as "--opt value" or "--opt=value" (short ones as
 * "-o value"); "--" ends the options, so a file named "-x.yaml" can follow
 * it.  An unknown option, an option of another command, a missing value
 * and a missing or extra argument are usage errors (exit 2) naming the
 * option or argument. */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include <stdio.h>

#define CLI_MAX_SETS 256

/* What the command line asked for.  Strings point into argv or into the
 * struct itself (shorthand). */
typedef struct cli_options {
    const char *command;              /* "run", "check", "experiment", "report", "sensitivity", "params" */
    const char *scenario_path;        /* the file argument: scenario, experiment or results */
    const char *output_path;          /* -o, --output */
    const char *sets[CLI_MAX_SETS];   /* "key.path=value", in command-line order */
    const char *origin[CLI_MAX_SETS]; /* the option each came from: "--set", "--seed", ... */
    int n_sets;
    int force, quiet, markdown, resume;
    const char *days, *format, *baseline; /* report */
    int partial;                          /* report */
    const char *outcome, *day, *scenario, *group, *bootstrap, *boot_seed; /* sensitivity */
    int difference;                       /* sensitivity */
    char shorthand[8][64];            /* --seed/--threads/--replicates as "key=value" */
} cli_options;

/* Parse argv (argv[0] the program) into opt.  Returns -1 to go on with the
 * command, or the exit code to return: 0 after printing help or the
 * version on standard output, 2 after printing a usage error on standard
 * error. */
int cli_parse(int argc, char **argv, cli_options *opt);

/* The usage of command (NULL or unknown: the overview of every command)
 * on f. */
void cli_usage(FILE *f, const char *command);

#endif
