/* test_experiment.c: `adoptsim experiment`: the file opens in xarray and
 * selects by scenario name and parameter value; 1 and 2 threads give
 * bit-identical datasets; a killed or interrupted experiment leaves a valid
 * file and --resume completes it to the uninterrupted result; common random
 * numbers shrink the variance of paired differences; bad definitions fail
 * before any run with file:line:column and key. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#define SMALL "tests/data/experiment/small.yaml"   /* 2 scenarios x 4 points x 4 replicates */
#define PAIRED "tests/data/experiment/paired.yaml" /* 2 scenarios x 40 replicates */
#define PY "/usr/bin/python3 tests/check_experiment.py"

/* adoptsim experiment def -o out --threads t [extra...]; returns the exit code. */
static int experiment(const char *def, const char *out, const char *threads, const char *extra,
                      char **err)
{
    const char *args[] = {"experiment", def, "-o", out, "--threads", threads, "-q", extra, NULL};
    return support_exec(args, NULL, err);
}

Test(experiment, xarray_selects_by_scenario_and_parameter, .timeout = 120)
{
    char *dir = support_tmpdir(), *exp = support_path(dir, "small.h5"), *one = support_path(dir, "one.h5"), *err = NULL;
    cr_assert_eq(experiment(SMALL, exp, "2", NULL, &err), 0, "%s", err);
    free(err);
    /* the run (vanguard, per_team 2, peers 0.5) made alone with the same seed */
    const char *args[] = {"run", "tests/data/experiment/base.yaml", "-o", one, "-q",
                          "--set", "run.seed=11", "--set", "run.replicates=4",
                          "--set", "interventions.vanguard.enabled=true",
                          "--set", "interventions.vanguard.start=10",
                          "--set", "interventions.vanguard.every=7",
                          "--set", "interventions.vanguard.per_team=2",
                          "--set", "model.genai.use.peers=0.5", NULL};
    cr_assert_eq(support_exec(args, NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell(PY " select %s %s", exp, one), 0);
    cr_expect_eq(support_shell("h5dump -H %s | grep -q 'DATASET \"completed\"'", exp), 0);
    free(exp);
    free(one);
    support_rmdir(dir);
}

Test(experiment, bit_identical_for_1_and_2_threads, .timeout = 120)
{
    char *dir = support_tmpdir(), *a = support_path(dir, "t1.h5"), *b = support_path(dir, "t2.h5"), *err = NULL;
    cr_assert_eq(experiment(SMALL, a, "1", NULL, &err), 0, "%s", err);
    free(err);
    cr_assert_eq(experiment(SMALL, b, "2", NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell(PY " same %s %s", a, b), 0);
    free(a);
    free(b);
    support_rmdir(dir);
}

/* Paths in the base (an org chart) resolve against the base file's
 * directory, also for scenarios with overrides; check loads them. */
Test(experiment, base_paths_resolve_against_the_base_file, .timeout = 60)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "o.h5"), *err = NULL;
    cr_assert_eq(experiment("tests/data/experiment/orgchart.yaml", out, "2", NULL, &err), 0, "%s", err);
    free(err);
    const char *bad[] = {"check", "tests/data/experiment/orgchart.yaml", "--set", "network.file=missing.csv", NULL};
    cr_expect_neq(support_exec(bad, NULL, &err), 0);
    cr_expect(strstr(err, "missing.csv") != NULL, "%s", err);
    free(err);
    free(out);
    support_rmdir(dir);
}

Test(experiment, large_organization_parallel_inside_bit_identical, .timeout = 120)
{
    char *dir = support_tmpdir(), *a = support_path(dir, "l1.h5"), *b = support_path(dir, "l2.h5"), *err = NULL;
    cr_assert_eq(experiment("tests/data/experiment/large.yaml", a, "1", NULL, &err), 0, "%s", err);
    free(err);
    cr_assert_eq(experiment("tests/data/experiment/large.yaml", b, "2", NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell(PY " same %s %s", a, b), 0);
    free(a);
    free(b);
    support_rmdir(dir);
}

/* Stop with signal sig once `after` runs are committed, check the partial
 * file, resume, and compare with the uninterrupted experiment. */
static void stop_and_resume(const char *sig, int after, int want_code)
{
    char *dir = support_tmpdir(), *full = support_path(dir, "full.h5"), *cut = support_path(dir, "cut.h5"), *err = NULL;
    char hook[32];
    cr_assert_eq(experiment(SMALL, full, "2", NULL, &err), 0, "%s", err);
    free(err);

    snprintf(hook, sizeof hook, "%d:%s", after, sig);
    setenv("ADOPTSIM_TEST_SIGNAL", hook, 1);
    int code = experiment(SMALL, cut, "2", NULL, &err);
    unsetenv("ADOPTSIM_TEST_SIGNAL");
    cr_assert_eq(code, want_code, "exit %d: %s", code, err);
    if (want_code == 130) cr_expect(strstr(err, "finish with --resume") != NULL, "%s", err);
    free(err);
    /* interrupted: the runs still running finish; killed: exactly `after` */
    if (want_code == 137) cr_expect_eq(support_shell(PY " partial %s %d", cut, after), 0);

    /* without --resume or --force the file is kept */
    cr_expect_eq(experiment(SMALL, cut, "2", NULL, &err), 2);
    cr_expect(strstr(err, "exists") != NULL, "%s", err);
    free(err);
    cr_assert_eq(experiment(SMALL, cut, "1", "--resume", &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell(PY " same %s %s", full, cut), 0);
    free(full);
    free(cut);
    support_rmdir(dir);
}

Test(experiment, killed_then_resumed_equals_uninterrupted, .timeout = 120)
{
    stop_and_resume("9", 5, 137);
}

Test(experiment, interrupted_then_resumed_equals_uninterrupted, .timeout = 120)
{
    stop_and_resume("2", 11, 130);
}

Test(experiment, resume_refuses_another_definition, .timeout = 60)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "p.h5"), *err = NULL;
    cr_assert_eq(experiment(PAIRED, out, "2", "--resume", &err), 0, "%s", err); /* no file yet: starts */
    free(err);
    cr_expect_eq(experiment(SMALL, out, "2", "--resume", &err), 2);
    cr_expect(strstr(err, "different experiment definition") != NULL, "%s", err);
    free(err);
    cr_expect_eq(experiment(SMALL, out, "2", "--force", &err), 0, "%s", err);
    free(err);
    free(out);
    support_rmdir(dir);
}

Test(experiment, common_random_numbers_shrink_paired_differences, .timeout = 120)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "paired.h5"), *err = NULL;
    cr_assert_eq(experiment(PAIRED, out, "2", NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell(PY " paired %s push permission", out), 0);
    free(out);
    support_rmdir(dir);
}

Test(experiment, progress_lines_and_quiet, .timeout = 60)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "s.h5"), *err = NULL, *so = NULL;
    const char *args[] = {"experiment", SMALL, "-o", out, NULL};
    cr_assert_eq(support_exec(args, &so, &err), 0, "%s", err);
    /* stderr is not a terminal: one line per 10 percent, ending at 100% */
    cr_expect(strstr(err, "32/32 runs (100%)") != NULL, "%s", err);
    cr_expect(strstr(err, "runs/s") != NULL, "%s", err);
    cr_expect(strstr(so, "2 scenario(s) x 4 point(s) x 4 replicate(s) = 32 runs") != NULL, "%s", so);
    free(err);
    free(so);
    const char *quiet[] = {"experiment", SMALL, "-o", out, "--force", "-q", NULL};
    cr_assert_eq(support_exec(quiet, &so, &err), 0);
    cr_expect_str_empty(err);
    cr_expect_str_empty(so);
    free(err);
    free(so);
    const char *check[] = {"check", SMALL, NULL};
    cr_assert_eq(support_exec(check, &so, NULL), 0);
    cr_expect(strstr(so, "32 runs") != NULL, "%s", so);
    free(so);
    free(out);
    support_rmdir(dir);
}

typedef struct bad_definition {
    const char *what;
    const char *text;     /* after "base: <base.yaml>\n" */
    const char *where;    /* expected "exp.yaml:line:col: key" prefix */
    const char *message;  /* expected part of the message */
} bad_definition;

static const bad_definition bad_definitions[] = {
    {"unknown parameter path", "sweep:\n  method: grid\n  parameters:\n    interventions.vanguard.per_teem: [1, 2]\n",
     "exp.yaml:5:5: interventions.vanguard.per_teem", "did you mean \"interventions.vanguard.per_team\""},
    {"empty range", "sweep:\n  method: latin_hypercube\n  points: 4\n  parameters:\n    model.genai.use.peers: {min: 5, max: 5}\n",
     "exp.yaml:6:28: model.genai.use.peers", "empty range"},
    {"sweep of a non-numeric key", "sweep:\n  method: grid\n  parameters:\n    interventions.vanguard.enabled: [true]\n",
     "exp.yaml:5:5: interventions.vanguard.enabled", "cannot sweep a non-numeric key"},
    {"empty list", "sweep:\n  method: grid\n  parameters:\n    model.genai.use.peers: []\n",
     "exp.yaml:5:28: model.genai.use.peers", "non-empty list"},
    {"unknown method", "sweep:\n  method: random\n  parameters:\n    model.genai.use.peers: [1]\n",
     "exp.yaml:3:11: sweep.method", "expected one of grid|list|latin_hypercube|sobol, got \"random\""},
    {"list lengths differ", "sweep:\n  method: list\n  parameters:\n    model.genai.use.peers: [1, 2]\n"
     "    interventions.vanguard.per_team: [1]\n", "exp.yaml:6:38: interventions.vanguard.per_team", "equal length"},
    {"sobol without points", "sweep:\n  method: sobol\n  parameters:\n    model.genai.use.peers: {min: 0, max: 2}\n",
     "sweep.points", "missing"},
    {"value out of bounds", "sweep:\n  method: grid\n  parameters:\n    interventions.vanguard.per_team: [1, -2]\n",
     "exp.yaml:5:42: interventions.vanguard.per_team", "between 1 and 1000"},
    {"fraction for a whole-number key", "sweep:\n  method: grid\n  parameters:\n    interventions.vanguard.per_team: [1.5]\n",
     "exp.yaml:5:39: interventions.vanguard.per_team", "whole number"},
    {"a section swept", "sweep:\n  method: grid\n  parameters:\n    organization.generation_mix: [1]\n",
     "organization.generation_mix", "is a section"},
    {"unknown top-level key", "replicate: 3\n", "exp.yaml:2:1: replicate", "unknown key"},
    {"unknown key in a scenario", "scenarios:\n  a: {}\n  b:\n    interventions.vanguard.enabeld: true\n",
     "exp.yaml:5:5: interventions.vanguard.enabeld", "did you mean"},
    {"unknown baseline", "baseline: c\nscenarios:\n  a: {}\n  b: {}\n", "exp.yaml:2:11: baseline", "no scenario named"},
    {"zero replicates", "replicates: 0\n", "exp.yaml:2:13: replicates", "must be between 1 and 1000000, got 0"},
    {"scenarios of different lengths", "scenarios:\n  a: {}\n  b: {run.days: 30}\n", "exp.yaml:4:17: run.days",
     "share one time axis"},
    {"duplicate scenario", "scenarios:\n  a: {}\n  a: {}\n", "exp.yaml:4:3: scenarios", "duplicate scenario"},
    {"override breaking a cross-key rule", "scenarios:\n  a: {}\n  b:\n    organization.generation_mix.gen_z: [0.9]\n",
     "exp.yaml:5:40: organization.generation_mix.gen_z", "sum to 1.9"},
    {"per-agent table asked of an experiment", "scenarios:\n  a: {}\n  b: {output.agents: true}\n",
     "exp.yaml:4:22: output.agents", "adoptsim run only"},
    {"compression asked of an experiment", "scenarios:\n  a: {output.compression: 9}\n",
     "exp.yaml:3:27: output.compression", "not compressed"},
    {"missing base file", NULL, "exp.yaml:1:7: base", "no_such_base.yaml: cannot open"},
};

Test(experiment, bad_definitions_fail_before_any_run, .timeout = 60)
{
    char *dir = support_tmpdir(), cwd[PATH_MAX], base[PATH_MAX + 64];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(base, sizeof base, "%s/tests/data/experiment/base.yaml", cwd);
    for (size_t i = 0; i < sizeof bad_definitions / sizeof bad_definitions[0]; i++) {
        const bad_definition *c = &bad_definitions[i];
        char text[PATH_MAX + 1024], *err = NULL;
        if (c->text)
            snprintf(text, sizeof text, "base: %s\n%s", base, c->text);
        else
            snprintf(text, sizeof text, "base: no_such_base.yaml\n");
        char *def = support_write(dir, "exp.yaml", text, strlen(text));
        char *out = support_path(dir, "out.h5");
        int code = experiment(def, out, "2", NULL, &err);
        cr_expect_eq(code, 2, "%s: exit %d: %s", c->what, code, err);
        cr_expect(strstr(err, c->where) != NULL, "%s: expected \"%s\" in: %s", c->what, c->where, err);
        cr_expect(strstr(err, c->message) != NULL, "%s: expected \"%s\" in: %s", c->what, c->message, err);
        cr_expect_eq(access(out, F_OK), -1, "%s: an output file was written", c->what);
        cr_expect_eq(support_count_entries(dir), 1, "%s: something was left behind", c->what);
        free(err);
        free(def);
        free(out);
    }
    support_rmdir(dir);
}
