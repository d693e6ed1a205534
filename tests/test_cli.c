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

#include "support.h"

/* Criterion runs each case in a fresh process where pointers into this
 * binary may differ (PIE), so a case holds its text inline. */
typedef struct bad_case {
    char name[48];
    char yaml[160];     /* scenario text written to bad.yaml */
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
    {"missing edge-list file", "network:\n  type: edgelist\n  file: nowhere.csv\n", 0, "", "", 1,
     "nowhere.csv", "No such file"},
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
