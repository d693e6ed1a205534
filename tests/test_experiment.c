/* test_experiment.c: `adoptsim experiment`: the file opens in xarray and
 * selects by scenario name and parameter value; 1 and 2 threads give
 * bit-identical datasets; a killed experiment leaves a journal and an
 * interrupted one a partial file, and --resume completes either to the
 * uninterrupted result; common random numbers shrink the variance of paired
 * differences; progress; the per-agent table; bad definitions fail before
 * any run with file:line:column and key. */
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
#define LHS "tests/data/experiment/lhs.yaml"       /* a Latin hypercube of 40 points x 1 replicate */
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

/* An experiment stopped once `after` runs are committed (killed, or
 * interrupted as Ctrl-C does), in a child running the pipeline on one
 * thread; then the state it leaves, and --resume with the command line makes
 * the file identical to the uninterrupted one. */
static void stop_and_resume(const char *def, int runs, int kill, int after)
{
    char *dir = support_tmpdir(), *full = support_path(dir, "full.h5"), *cut = support_path(dir, "cut.h5"), *err = NULL;
    char journal[600];
    snprintf(journal, sizeof journal, "%s.journal", cut);
    cr_assert_eq(experiment(def, full, "2", NULL, &err), 0, "%s", err);
    free(err);

    support_pipe sp = {def, 0, cut, 1, 0, 0, 0, 0, kill ? 0 : after, kill ? after : 0, 0, {NULL}};
    int code = support_pipeline(&sp, &err, NULL);
    free(err);
    if (kill) {
        /* killed: OUT never written, the journal holds the committed runs */
        cr_assert_eq(code, 128 + 9, "exit %d", code);
        cr_expect_neq(access(cut, F_OK), 0, "a killed experiment wrote its file");
        cr_expect_eq(access(journal, F_OK), 0, "no journal after a kill");
        cr_expect_eq(experiment(def, cut, "2", NULL, &err), 2);
        char want[64];
        snprintf(want, sizeof want, "holds %d of %d runs", after, runs);
        cr_expect(strstr(err, want) && strstr(err, "--resume to finish it, --force to start over"), "%s", err);
        free(err);
    } else {
        /* interrupted: the completed runs are assembled into a partial file */
        cr_assert_eq(code, 130, "exit %d", code);
        cr_expect_neq(access(journal, F_OK), 0, "an interrupted experiment left its journal");
        cr_expect_eq(support_shell(PY " partial %s %d", cut, after), 0);
        cr_expect_eq(experiment(def, cut, "2", NULL, &err), 2);
        cr_expect(strstr(err, "exists") != NULL, "%s", err);
        free(err);
    }
    char *so = NULL;
    const char *resume[] = {"experiment", def, "-o", cut, "--threads", "2", "--resume", NULL};
    cr_assert_eq(support_exec(resume, &so, &err), 0, "%s", err);
    char want[64];
    snprintf(want, sizeof want, "%d runs were already done", after);
    cr_expect(strstr(so, want) != NULL, "%s", so);
    free(so);
    free(err);
    cr_expect_neq(access(journal, F_OK), 0, "the journal outlived the finished experiment");
    cr_expect_eq(support_shell(PY " same %s %s", full, cut), 0);
    free(full);
    free(cut);
    support_rmdir(dir);
}

Test(experiment, killed_then_resumed_from_the_journal_equals_uninterrupted, .timeout = 120)
{
    stop_and_resume(SMALL, 32, 1, 5);
}

Test(experiment, interrupted_then_resumed_from_the_file_equals_uninterrupted, .timeout = 120)
{
    stop_and_resume(SMALL, 32, 0, 11);
}

/* The sweep users run most (bench/lhs1000.yaml), small: killed after 13 of
 * its 40 runs, --resume finishes it to the same bytes as an uninterrupted
 * sweep. */
Test(experiment, latin_hypercube_killed_then_resumed_equals_uninterrupted, .timeout = 120)
{
    stop_and_resume(LHS, 40, 1, 13);
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

/* Progress on stderr after the first second: one line per 10% when stderr
 * is not a terminal; nothing with -q; nothing for a command shorter than a
 * second. */
Test(experiment, progress_lines_and_quiet, .timeout = 120)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "s.h5"), *err = NULL, *so = NULL;
    /* 32 runs of 5,000 staff over a year: 58 million agent-days, 2 s at least */
    const char *args[] = {"experiment", SMALL, "-o", out, "--threads", "1", "--set", "network.agents=5000",
                          "--set", "run.days=365", NULL};
    cr_assert_eq(support_exec(args, &so, &err), 0, "%s", err);
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
    const char *fast[] = {"experiment", SMALL, "-o", out, "--force", "--set", "run.days=20", NULL};
    cr_assert_eq(support_exec(fast, &so, &err), 0);
    cr_expect_str_empty(err, "progress from a command shorter than a second: %s", err);
    cr_expect(strstr(so, "wrote") != NULL, "%s", so);
    free(err);
    free(so);
    const char *check[] = {"check", SMALL, NULL};
    cr_assert_eq(support_exec(check, &so, NULL), 0);
    cr_expect(strstr(so, "32 runs") != NULL, "%s", so);
    free(so);
    free(out);
    support_rmdir(dir);
}

/* output.agents in an experiment whose runs share one network: the
 * per-agent table over (scenario, point, replicate, agent). */
Test(experiment, per_agent_table_over_one_network, .timeout = 120)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "a.h5"), *err = NULL;
    const char *args[] = {"experiment", SMALL, "-o", out, "-q", "--set", "output.agents=true", NULL};
    cr_assert_eq(support_exec(args, NULL, &err), 0, "%s", err);
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_run.py agents %s monthly_active monthly_active", out),
                 0);
    free(err);
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
     "exp.yaml:3:11: sweep.method", "expected one of grid|list|latin_hypercube|sobol|morris|saltelli, got \"random\""},
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
    {"per-agent table in one scenario only", "scenarios:\n  a: {}\n  b: {output.agents: true}\n",
     "exp.yaml:4:22: output.agents", "one layout for every run"},
    {"compression differing between scenarios", "scenarios:\n  a: {output.compression: 9}\n  b: {}\n",
     "exp.yaml:3:27: output.compression", "one layout for every run"},
    {"per-agent table over several networks", "scenarios:\n  a: {output.agents: true}\n"
     "  b: {output.agents: true, network.agents: 300}\n", "exp.yaml:3:22: output.agents", "one network"},
    {"output key swept", "sweep:\n  method: grid\n  parameters:\n    output.compression: [1, 2]\n",
     "exp.yaml:5:5: output.compression", "cannot be swept"},
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
