/* test_cli.c: the command line, run as a user runs it.
 *
 * The bad-input table: each malformed scenario (or option) must give the
 * expected exit code and a message naming file:line:column and key, and must
 * leave no output file (and no temporary file) behind. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

/* Criterion runs each case in a fresh process where pointers into this
 * binary may differ (PIE), so a case holds its text inline. */
typedef struct bad_case {
    char name[48];
    char yaml[200];     /* scenario text written to bad.yaml */
    size_t len;         /* 0: strlen(yaml) */
    char arg1[32], arg2[48]; /* extra command-line arguments, or "" */
    int exit_code;
    char where[64];     /* expected in stderr: "bad.yaml:2:9: run.days" */
    char what[48];      /* expected in stderr: the explanation */
} bad_case;

#define binary_garbage "run:\n  days: \x01\x02\xff\xfe\x00\x00garbage"

static bad_case bad_cases[] = {
    {"empty file", "", 0, "", "", 2, "bad.yaml", "empty"},
    {"only comments", "# nothing here\n\n", 0, "", "", 2, "bad.yaml", "empty"},
    {"binary garbage", binary_garbage, sizeof binary_garbage - 1, "", "", 2, "bad.yaml", "binary"},
    {"syntax error", "run:\n  days: [1, 2\nnetwork:\n", 0, "", "", 2, "bad.yaml:", "YAML syntax error"},
    {"bad indentation", "run:\n  days: 3\n seed: 2\n", 0, "", "", 2, "bad.yaml:", "YAML syntax error"},
    {"top level is a list", "- run\n- days\n", 0, "", "", 2, "bad.yaml:1:1", "mapping"},
    {"unknown key", "run:\n  dayz: 10\n", 0, "", "", 2, "bad.yaml:2:3: run.dayz", "did you mean \"run.days\""},
    {"unknown section", "runn:\n  days: 10\n", 0, "", "", 2, "bad.yaml:1:1: runn", "unknown"},
    {"wrong type integer", "run:\n  days: ten\n", 0, "", "", 2, "bad.yaml:2:9: run.days", "integer"},
    {"fraction for integer", "run:\n  days: 36.5\n", 0, "", "", 2, "bad.yaml:2:9: run.days", "integer"},
    {"wrong type number", "model:\n  bass:\n    p: lots\n", 0, "", "", 2, "bad.yaml:3:8: model.bass.p", "number"},
    {"not a number", "model:\n  bass:\n    q: .nan\n", 0, "", "", 2, "bad.yaml:3:8: model.bass.q", "number"},
    {"negative headcount", "network:\n  agents: -5\n", 0, "", "", 2, "bad.yaml:2:11: network.agents", "got -5"},
    {"probability above 1", "model:\n  bass:\n    p: 1.5\n", 0, "", "", 2, "bad.yaml:3:8: model.bass.p", "1.5"},
    {"unknown model", "model:\n  name: magic\n", 0, "", "", 2, "bad.yaml:2:9: model.name", "bass|threshold|genai"},
    {"unknown network type", "network:\n  type: lattice\n", 0, "", "", 2, "bad.yaml:2:9: network.type", "lattice"},
    {"duplicate key", "run:\n  days: 3\n  days: 4\n", 0, "", "", 2, "bad.yaml:3:3: run.days", "duplicate"},
    {"section given a value", "run: 5\n", 0, "", "", 2, "bad.yaml:1:6: run", "mapping"},
    {"value given a section", "run:\n  days:\n    x: 1\n", 0, "", "", 2, "bad.yaml:3:5: run.days", "mapping"},
    {"fractions not summing to 1",
     "organization:\n  generation_mix:\n    gen_z: [0.5, 0.5]\n", 0, "", "", 2,
     "organization.generation_mix", "sum"},
    {"list too long", "organization:\n  generation_mix:\n    gen_z: [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]\n",
     0, "", "", 2, "bad.yaml:3:12: organization.generation_mix.gen_z", "at most 16"},
    {"odd ring degree", "network:\n  type: ring\n  agents: 100\n  k: 3\n", 0, "", "", 2, "network.k", "even"},
    {"edgelist without file", "network:\n  type: edgelist\n", 0, "", "", 2, "network.file", ""},
    {"missing edge-list file", "network:\n  type: edgelist\n  file: nowhere.csv\n", 0, "", "", 2,
     "nowhere.csv", "No such file"},
    {"edge list is a device", "network:\n  type: edgelist\n  file: /dev/zero\n", 0, "", "", 2,
     "/dev/zero: network.file", "is a character device"},
    {"org chart is a directory", "network:\n  type: orgchart\n  file: /tmp\n", 0, "", "", 2,
     "/tmp: network.file", "the org chart is a directory"},
    {"nested too deep", "run: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
     0, "", "", 2, "bad.yaml:1:69", "nested more than 64 levels deep"},
    {"does not fit in memory", "network:\n  type: watts_strogatz\n  agents: 200000\n  k: 100000\n",
     0, "", "", 2, "bad.yaml:3:11: network.agents", "does not fit in memory"},
    {"uniform bounds crossed", "model:\n  name: threshold\n  threshold:\n    distribution: uniform\n    low: 0.8\n    high: 0.2\n",
     0, "", "", 2, "bad.yaml:5:10: model.threshold.low", "must not exceed"},
    {"--set unknown key", "run:\n  days: 3\n", 0, "--set", "model.bass.pp=0.1", 2, "--set: model.bass.pp",
     "did you mean \"model.bass.p\""},
    {"--set bad value", "run:\n  days: 3\n", 0, "--set", "run.days=-1", 2, "--set: run.days", "got -1"},
    {"--set without =", "run:\n  days: 3\n", 0, "--set", "run.days", 2, "--set", "key.path=value"},
    {"--seed negative", "run:\n  days: 3\n", 0, "--seed", "-1", 2, "--seed: run.seed", "got -1"},
    {"--threads not a number", "run:\n  days: 3\n", 0, "--threads", "two", 2, "--threads: run.threads", "integer"},
    {"unknown option", "run:\n  days: 3\n", 0, "--fast", "", 2, "unknown option", "--fast"},
};

ParameterizedTestParameters(cli, bad_input)
{
    return cr_make_param_array(bad_case, bad_cases, sizeof bad_cases / sizeof bad_cases[0]);
}

ParameterizedTest(bad_case *c, cli, bad_input)
{
    char *dir = support_tmpdir();
    char *scn = support_write(dir, "bad.yaml", c->yaml, c->len ? c->len : strlen(c->yaml));
    char out_path[512];
    snprintf(out_path, sizeof out_path, "%s/out.h5", dir);
    const char *args[] = {"run", scn, "-o", out_path, c->arg1[0] ? c->arg1 : NULL,
                          c->arg2[0] ? c->arg2 : NULL, NULL};
    char *out = NULL, *err = NULL;
    int code = support_exec(args, &out, &err);
    cr_expect_eq(code, c->exit_code, "%s: exit %d, expected %d; stderr: %s", c->name, code, c->exit_code, err);
    cr_expect(strstr(err, c->where) != NULL, "%s: stderr lacks \"%s\": %s", c->name, c->where, err);
    cr_expect(strstr(err, c->what) != NULL, "%s: stderr lacks \"%s\": %s", c->name, c->what, err);
    cr_expect(strstr(err, "adoptsim: ") == err, "%s: message not prefixed: %s", c->name, err);
    cr_expect_eq(support_count_entries(dir), 1, "%s: something was left beside bad.yaml", c->name);
    /* the same file through `check` gives the same verdict */
    if (!c->arg1[0]) {
        const char *check[] = {"check", scn, NULL};
        char *err2 = NULL;
        cr_expect_eq(support_exec(check, NULL, &err2), c->exit_code, "%s: check disagrees", c->name);
        free(err2);
    }
    free(out);
    free(err);
    free(scn);
    support_rmdir(dir);
}

static const char small[] =
    "run:\n  days: 50\n  replicates: 2\nnetwork:\n  type: organization\n  agents: 300\n";

Test(cli, run_writes_file_and_never_overwrites_without_force)
{
    char *dir = support_tmpdir();
    char *scn = support_write(dir, "s.yaml", small, strlen(small));
    char out_path[512];
    snprintf(out_path, sizeof out_path, "%s/out.h5", dir);
    const char *run[] = {"run", scn, "-o", out_path, NULL};
    char *out = NULL, *err = NULL;
    cr_assert_eq(support_exec(run, &out, &err), 0, "stderr: %s", err);
    cr_expect(strstr(out, "wrote") != NULL, "summary: %s", out);
    struct stat st1, st2;
    cr_assert_eq(stat(out_path, &st1), 0);
    free(out);
    free(err);

    const char *again[] = {"run", scn, "-o", out_path, "--seed", "7", NULL};
    cr_expect_eq(support_exec(again, &out, &err), 2);
    cr_expect(strstr(err, "--force") != NULL, "stderr: %s", err);
    cr_assert_eq(stat(out_path, &st2), 0);
    cr_expect_eq(st1.st_size, st2.st_size);
    cr_expect_eq(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec, "the existing file was touched");
    cr_expect_eq(support_count_entries(dir), 2);
    free(out);
    free(err);

    const char *forced[] = {"run", scn, "-o", out_path, "--seed", "7", "--force", "-q", NULL};
    cr_expect_eq(support_exec(forced, &out, &err), 0, "stderr: %s", err);
    cr_expect_str_empty(out);
    free(out);
    free(err);
    free(scn);
    support_rmdir(dir);
}

Test(cli, missing_output_directory_is_an_io_error)
{
    char *dir = support_tmpdir();
    char *scn = support_write(dir, "s.yaml", small, strlen(small));
    const char *run[] = {"run", scn, "-o", "/nonexistent-dir/out.h5", NULL};
    char *err = NULL;
    cr_expect_eq(support_exec(run, NULL, &err), 1);
    cr_expect(strstr(err, "/nonexistent-dir") != NULL, "stderr: %s", err);
    free(err);
    free(scn);
    support_rmdir(dir);
}

Test(cli, help_version_params_check)
{
    char *out = NULL;
    const char *help[] = {"--help", NULL};
    cr_expect_eq(support_exec(help, &out, NULL), 0);
    cr_expect(strstr(out, "usage:") && strstr(out, "bass") && strstr(out, "threshold"));
    free(out);
    const char *version[] = {"--version", NULL};
    cr_expect_eq(support_exec(version, &out, NULL), 0);
    cr_expect(strncmp(out, "adoptsim ", 9) == 0, "%s", out);
    free(out);
    const char *params[] = {"params", NULL};
    cr_expect_eq(support_exec(params, &out, NULL), 0);
    cr_expect(strstr(out, "model.bass.q") && strstr(out, "organization.span"));
    free(out);
    const char *check[] = {"check", "configs/default.yaml", NULL};
    cr_expect_eq(support_exec(check, &out, NULL), 0);
    free(out);
    const char *none[] = {NULL};
    cr_expect_eq(support_exec(none, NULL, NULL), 2);
}

/* Every bundled scenario passes `check`. */
Test(cli, bundled_scenarios_are_valid)
{
    const char *files[] = {"configs/default.yaml", "configs/bass_complete.yaml",
                           "configs/threshold_complete.yaml", "configs/bass_ws.yaml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        const char *check[] = {"check", files[i], NULL};
        char *err = NULL;
        cr_expect_eq(support_exec(check, NULL, &err), 0, "%s: %s", files[i], err);
        free(err);
    }
}

/* Every bundled scenario, experiment and benchmark file passes `check`
 * (the memory estimate included), and so does W2's million agents. */
Test(cli, every_bundled_file_passes_check, .timeout = 120)
{
    /* W1 reads the peers' graph, which bench/run.sh makes from
     * ../shared/bench/peers (git-ignored bench/data): make it the same way */
    cr_assert_eq(support_shell("[ -f bench/data/ws_10000_10_0.1.csr ] || { mkdir -p bench/data && "
                               "/usr/bin/python3 ../shared/bench/peers/common_graph.py 10000 10 0.1 42 "
                               "bench/data/ws_10000_10_0.1.csr >/dev/null; }"), 0,
                 "cannot make W1's graph with ../shared/bench/peers/common_graph.py");
    /* *_fitted.yaml read a fit that adoptsim calibrate writes first: test_calibrate.c
     * checks them against a small fit */
    cr_assert_eq(support_shell("for f in configs/*.yaml bench/*.yaml; do case \"$f\" in *_fitted.yaml) continue;; "
                               "esac; $ADOPTSIM check \"$f\" -q || exit 1; done"), 0);
    const char *w2[] = {"check", "configs/bass_ws.yaml", "--set", "network.agents=1000000",
                        "--set", "network.k=20", NULL};
    char *out = NULL, *err = NULL;
    cr_expect_eq(support_exec(w2, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "1000000 agents") != NULL, "%s", out);
    free(out);
    free(err);
}

/* ---------- options ---------- */

/* Run s.yaml in a fresh directory with the options; returns the exit code,
 * stdout and stderr (freed by the caller) and the directory (support_rmdir). */
static int run_in_dir(const char *const *opts, char **dir, char **out, char **err)
{
    *dir = support_tmpdir();
    free(support_write(*dir, "s.yaml", small, strlen(small)));
    const char *args[32];
    size_t n = 0;
    char path[16][512];
    for (size_t i = 0; opts[i] && n < 31; i++) {
        if (strchr(opts[i], '@')) { /* "@name" / "--opt=@name": a path in the directory */
            const char *at = strchr(opts[i], '@');
            snprintf(path[n % 16], sizeof path[0], "%.*s%s/%s", (int)(at - opts[i]), opts[i], *dir,
                     at + 1);
            args[n] = path[n % 16];
            n++;
        } else {
            args[n++] = opts[i];
        }
    }
    args[n] = NULL;
    return support_exec(args, out, err);
}

Test(cli, options_take_values_either_way)
{
    char *dir, *out, *err;
    const char *eq[] = {"run", "@s.yaml", "--output=@out.h5", "--seed=7", "--set=run.days=3",
                        "--replicates=1", "-q", NULL};
    cr_expect_eq(run_in_dir(eq, &dir, &out, &err), 0, "%s", err);
    cr_expect_eq(support_count_entries(dir), 2, "out.h5 written");
    free(out);
    free(err);
    support_rmdir(dir);
    /* options may come before the file, short ones with their value apart */
    const char *apart[] = {"run", "-o", "@out.h5", "--seed", "7", "-q", "@s.yaml", NULL};
    cr_expect_eq(run_in_dir(apart, &dir, &out, &err), 0, "%s", err);
    cr_expect_eq(support_count_entries(dir), 2);
    free(out);
    free(err);
    support_rmdir(dir);
}

/* "--" ends the options: a file named -x.yaml can be checked after it. */
Test(cli, double_dash_ends_the_options)
{
    char *dir = support_tmpdir();
    free(support_write(dir, "-x.yaml", small, strlen(small)));
    char *out = NULL, *err = NULL;
    const char *bin = "A=$(realpath \"${ADOPTSIM:-./adoptsim}\")";
    cr_expect_eq(support_shell("%s && cd %s && \"$A\" check -q -- -x.yaml", bin, dir), 0);
    cr_expect_eq(support_shell("%s && cd %s && \"$A\" check -x.yaml 2>/dev/null", bin, dir), 2);
    const char *dashed[] = {"check", "-x.yaml", NULL};
    cr_expect_eq(support_exec(dashed, &out, &err), 2);
    cr_expect(strstr(err, "unknown option '-x'") && strstr(err, "goes after --"), "%s", err);
    free(out);
    free(err);
    support_rmdir(dir);
}

/* Unknown options, options of another command, missing values and missing
 * or extra arguments are usage errors that name what is wrong. */
Test(cli, usage_errors_name_the_option)
{
    struct {
        const char *args[8];
        const char *message;
    } cases[] = {
        {{"run", "configs/default.yaml", "-o", NULL}, "run: option '-o' needs a value: a file name"},
        {{"run", "configs/default.yaml", "--output", NULL}, "option '--output' needs a value"},
        {{"run", "configs/default.yaml", "-o", "x.h5", "--set", NULL}, "option '--set' needs a value: key.path=value"},
        {{"run", "configs/default.yaml", "-o", "x.h5", "--seed=", NULL}, "option '--seed' needs a value"},
        {{"run", "configs/default.yaml", "-o", "x.h5", "--fast", NULL}, "run: unknown option '--fast'"},
        {{"run", "configs/default.yaml", "-o", "x.h5", "--fast=1", NULL}, "unknown option '--fast'"},
        {{"run", "configs/default.yaml", "-o", "x.h5", "-z", NULL}, "unknown option '-z'"},
        {{"run", "configs/default.yaml", "-o", "x.h5", "--force=yes", NULL}, "option '--force' takes no value"},
        {{"run", "configs/default.yaml", "-o", "x.h5", "--partial", NULL}, "run: unknown option '--partial'"},
        {{"run", "configs/default.yaml", "-o", "x.h5", "--days", "3", NULL}, "run: unknown option '--days'"},
        {{"check", "configs/default.yaml", "-o", "x.h5", NULL}, "check: unknown option '-o'"},
        {{"check", "configs/default.yaml", "--force", NULL}, "check: unknown option '--force'"},
        {{"report", "x.h5", "--seed", "3", NULL}, "report: unknown option '--seed'"},
        {{"report", "x.h5", "-q", NULL}, "report: unknown option '-q'"},
        {{"params", "--force", NULL}, "params: unknown option '--force'"},
        {{"params", "x.yaml", NULL}, "params: takes no arguments, got 'x.yaml'"},
        {{"experiment", "configs/experiment_four_steps.yaml", "-o", "x.h5", "--re", NULL},
         "option '--re' is ambiguous: --replicates, --resume"},
        {{"run", "configs/default.yaml", "extra.yaml", "-o", "x.h5", NULL}, "run: unexpected argument 'extra.yaml'"},
        {{"run", "-o", "x.h5", NULL}, "run: needs a scenario file"},
        {{"run", "configs/default.yaml", NULL}, "run: needs an output file: -o OUT.h5"},
        {{"experiment", "configs/experiment_four_steps.yaml", NULL}, "experiment: needs an output file"},
        {{"frobnicate", NULL}, "unknown command 'frobnicate'"},
        {{"--fast", NULL}, "unknown option '--fast': the command comes first"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL, *err = NULL;
        int code = support_exec(cases[i].args, &out, &err);
        cr_expect_eq(code, 2, "case %zu: exit %d: %s", i, code, err);
        cr_expect(strstr(err, cases[i].message) != NULL, "case %zu: expected \"%s\" in: %s", i,
                  cases[i].message, err);
        cr_expect(strncmp(err, "adoptsim: ", 10) == 0, "case %zu: %s", i, err);
        cr_expect_str_empty(out);
        free(out);
        free(err);
    }
}

/* -o - is refused: results are HDF5 files, which standard output cannot hold. */
Test(cli, output_to_standard_output_is_refused)
{
    const char *cmds[][6] = {{"run", "configs/default.yaml", "-o", "-", NULL},
                             {"experiment", "configs/experiment_four_steps.yaml", "--output=-", NULL}};
    for (size_t i = 0; i < 2; i++) {
        char *out = NULL, *err = NULL;
        cr_expect_eq(support_exec(cmds[i], &out, &err), 2);
        cr_expect(strstr(err, "cannot write to standard output") && strstr(err, "HDF5"), "%s", err);
        cr_expect_str_empty(out);
        free(out);
        free(err);
    }
}

/* adoptsim COMMAND --help (and -h, and adoptsim help COMMAND) prints that
 * command's usage on standard output: what it does, its argument and
 * options, an example; the overview stays with adoptsim --help. */
Test(cli, every_command_has_its_own_help)
{
    const char *names[] = {"run", "check", "experiment", "report", "params"};
    for (size_t i = 0; i < 5; i++) {
        char usage[64];
        snprintf(usage, sizeof usage, "usage: adoptsim %s", names[i]);
        const char *forms[][4] = {{names[i], "--help", NULL}, {names[i], "-h", NULL},
                                  {"help", names[i], NULL}, {names[i], "configs/default.yaml", "--help", NULL}};
        for (size_t f = 0; f < 4; f++) {
            if (f == 3 && !strcmp(names[i], "params")) continue;
            char *out = NULL, *err = NULL;
            cr_expect_eq(support_exec(forms[f], &out, &err), 0, "%s form %zu: %s", names[i], f, err);
            cr_expect(strncmp(out, usage, strlen(usage)) == 0, "%s form %zu: %s", names[i], f, out);
            cr_expect(strstr(out, "example:\n  adoptsim ") != NULL, "%s: no example", names[i]);
            cr_expect(strstr(out, "-h, --help") != NULL, "%s: options not listed", names[i]);
            cr_expect_str_empty(err);
            free(out);
            free(err);
        }
    }
    char *out = NULL;
    const char *exp[] = {"experiment", "--help", NULL};
    cr_expect_eq(support_exec(exp, &out, NULL), 0);
    cr_expect(strstr(out, "adoptsim experiment EXPERIMENT.yaml -o OUT.h5 [--set key.path=value ...]") != NULL,
              "%s", out);
    free(out);
    const char *overview[] = {"--help", NULL};
    cr_expect_eq(support_exec(overview, &out, NULL), 0);
    cr_expect(strstr(out, "adoptsim COMMAND --help") && strstr(out, "[--set k=v ...]"), "%s", out);
    free(out);
}

/* ---------- input files ---------- */

/* A missing scenario, experiment or results file is bad input (exit 2);
 * a FIFO, a device or a directory is refused by run and check alike, at
 * once (no waiting for a writer, no endless read). */
Test(cli, input_files_must_be_regular_files, .timeout = 30)
{
    char *dir = support_tmpdir();
    char *fifo = support_path(dir, "fifo.yaml");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    char *out_path = support_path(dir, "out.h5");
    struct {
        const char *args[6];
        const char *message;
    } cases[] = {
        {{"run", "/nonexistent/s.yaml", "-o", out_path, NULL}, "cannot open the scenario file: No such file"},
        {{"check", "/nonexistent/s.yaml", NULL}, "cannot open the scenario file: No such file"},
        {{"experiment", "/nonexistent/e.yaml", "-o", out_path, NULL}, "No such file"},
        {{"report", "/nonexistent/x.h5", NULL}, "cannot open the results file: No such file"},
        {{"run", fifo, "-o", out_path, NULL}, "the scenario file is a FIFO (named pipe), not a regular file"},
        {{"check", fifo, NULL}, "the scenario file is a FIFO (named pipe), not a regular file"},
        {{"report", fifo, NULL}, "the results file is a FIFO"},
        {{"check", "/dev/zero", NULL}, "/dev/zero: the scenario file is a character device"},
        {{"check", "/dev/stdin", NULL}, "not a regular file"}, /* support_exec: /dev/null */
        {{"run", dir, "-o", out_path, NULL}, "the scenario file is a directory"},
        {{"report", dir, NULL}, "the results file is a directory"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL, *err = NULL;
        int code = support_exec(cases[i].args, &out, &err);
        cr_expect_eq(code, 2, "case %zu: exit %d: %s", i, code, err);
        cr_expect(strstr(err, cases[i].message) != NULL, "case %zu: expected \"%s\" in: %s", i,
                  cases[i].message, err);
        free(out);
        free(err);
    }
    cr_expect_eq(support_count_entries(dir), 1, "only the FIFO is there");
    free(fifo);
    free(out_path);
    support_rmdir(dir);
}

/* `check` tells an experiment from a scenario by the parsed document's
 * top-level keys: an experiment written in flow style (no line starts with
 * "base:", which the line scanner before looked for) is one; a scenario
 * with a folded value and a comment naming sweep is not. */
Test(cli, check_tells_experiments_by_their_keys)
{
    char cwd[2048], yaml[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    char *dir = support_tmpdir();
    snprintf(yaml, sizeof yaml,
             "{base: %s/tests/data/experiment/base.yaml, replicates: 2, seed: 1,\n"
             " scenarios: {push: {}, vanguard: {interventions.vanguard.enabled: true}}}\n", cwd);
    char *exp = support_write(dir, "flow.yaml", yaml, strlen(yaml));
    const char *check[] = {"check", exp, NULL};
    char *out = NULL, *err = NULL;
    cr_expect_eq(support_exec(check, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "ok (experiment: 2 scenario(s)") != NULL, "%s", out);
    free(out);
    free(err);

    const char *text = "network:\n  type: edgelist\n  file: \"e.csv\"\n  node_file: >-\n"
                           "    n.txt\nrun:\n  days: 3\n# sweep: not a key\n";
    const char *edges = "source,target\n0,1\n";
    free(support_write(dir, "e.csv", edges, strlen(edges)));
    free(support_write(dir, "n.txt", "0\n1\n2\n", 6));
    char *scn = support_write(dir, "scenario.yaml", text, strlen(text));
    const char *check2[] = {"check", scn, NULL};
    cr_expect_eq(support_exec(check2, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "ok (edgelist network, 3 agents, 1 ties)") != NULL, "%s", out);
    free(out);
    free(err);
    free(exp);
    free(scn);
    support_rmdir(dir);
}

/* `check` says how many agents an edge list has and, when its nodes are
 * not declared, that they are the ids with ties. */
Test(cli, check_counts_the_agents_of_an_edge_list)
{
    char *dir = support_tmpdir();
    const char *edges = "source,target\n0,1\n1,2\n7,8\n";
    free(support_write(dir, "e.csv", edges, strlen(edges)));
    const char *yaml = "network:\n  type: edgelist\n  file: e.csv\n";
    char *scn = support_write(dir, "s.yaml", yaml, strlen(yaml));
    const char *check[] = {"check", scn, NULL};
    char *out = NULL, *err = NULL;
    cr_expect_eq(support_exec(check, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "5 agents found: the ids with ties") && strstr(out, "network.nodes"), "%s", out);
    free(out);
    free(err);
    const char *declared[] = {"check", scn, "--set", "network.nodes=10", NULL};
    cr_expect_eq(support_exec(declared, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "ok (edgelist network, 10 agents, 3 ties)") != NULL, "%s", out);
    free(out);
    free(err);
    free(scn);
    support_rmdir(dir);
}

/* ---------- memory ---------- */

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Watts-Strogatz with 200,000 agents and k = 100,000 needs 80 GB of ties:
 * check and run refuse it at once (it spent two minutes generating ties
 * before "out of memory"), with the estimate and the limit. */
Test(cli, scenarios_that_cannot_fit_are_refused_at_once)
{
    char *dir = support_tmpdir();
    char *out_path = support_path(dir, "out.h5");
    const char *sets[] = {"--set", "network.type=watts_strogatz", "--set", "network.agents=200000",
                          "--set", "network.k=100000"};
    const char *check[] = {"check", "configs/bass_ws.yaml", sets[0], sets[1], sets[2], sets[3], sets[4], sets[5], NULL};
    const char *run[] = {"run", "configs/bass_ws.yaml", "-o", out_path, sets[0], sets[1], sets[2], sets[3],
                         sets[4], sets[5], NULL};
    const char *const *both[] = {check, run};
    for (size_t i = 0; i < 2; i++) {
        char *out = NULL, *err = NULL;
        double t0 = seconds_now();
        int code = support_exec(both[i], &out, &err);
        double took = seconds_now() - t0;
        cr_expect_eq(code, 2, "%s: exit %d: %s", both[i][0], code, err);
        cr_expect_lt(took, 1.0, "%s took %.2f s", both[i][0], took);
        cr_expect(strstr(err, "--set: network.agents: does not fit in memory: this scenario needs about 80.0 GB") &&
                      strstr(err, "available (") && strstr(err, "1e+10 ties"),
                  "%s", err);
        free(out);
        free(err);
    }
    cr_expect_eq(support_count_entries(dir), 0, "nothing left behind");
    free(out_path);
    support_rmdir(dir);
}

/* A complete graph of 2e9 agents passed `check`.  Its state alone is 4 GB
 * for the Bass model: under a 2 GB address-space limit (ulimit -v) check
 * and run refuse it at once, naming the limit.  (AddressSanitizer needs
 * terabytes of address space, so the limit cannot be set under it.) */
Test(cli, memory_limits_are_respected)
{
#if defined(__SANITIZE_ADDRESS__)
    cr_skip_test("ulimit -v cannot be used under AddressSanitizer");
#else
    char *dir = support_tmpdir();
    double t0 = seconds_now();
    int code = support_shell("ulimit -v 2000000 && $ADOPTSIM check configs/bass_complete.yaml "
                             "--set network.agents=2000000000 2> %s/err.txt", dir);
    cr_expect_lt(seconds_now() - t0, 1.0);
    cr_expect_eq(code, 2);
    cr_expect_eq(support_shell("grep -q 'needs about 4.0 GB (the complete network of 2000000000 agents "
                               "and implicit ties' %s/err.txt", dir), 0);
    cr_expect_eq(support_shell("grep -q 'RLIMIT_AS (ulimit -v)' %s/err.txt", dir), 0);
    code = support_shell("ulimit -v 2000000 && $ADOPTSIM run configs/bass_complete.yaml -o %s/o.h5 "
                         "--set network.agents=2000000000 2> /dev/null", dir);
    cr_expect_eq(code, 2);
    /* the same scenario at a size that fits passes */
    cr_expect_eq(support_shell("ulimit -v 2000000 && $ADOPTSIM check -q configs/bass_complete.yaml "
                               "--set network.agents=20000000"), 0);
    support_rmdir(dir);
#endif
}
