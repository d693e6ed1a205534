/* test_lean.c: lean output for large designs: output.observables,
 * output.breakdowns, output.every and output.days store exactly what they
 * ask for (checked with h5py and xarray against the full file), the report
 * and the plots (Python, and R where Rscript has hdf5r) work on a file whose
 * time axis is not every day and say what it lacks, and bad keys fail at file:line:column. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define BASE "tests/data/experiment/base.yaml" /* genai, 200 staff, 60 days, 2 replicates */
#define PY "/usr/bin/python3 "

/* adoptsim run BASE -o dir/name with the sets (NULL-terminated); the path. */
static char *run_base(const char *dir, const char *name, const char *const *sets)
{
    char *out = support_path(dir, name), *err = NULL;
    const char *args[32] = {"run", BASE, "-o", out, "-q"};
    int n = 5;
    for (int i = 0; sets && sets[i]; i++) {
        args[n++] = "--set";
        args[n++] = sets[i];
    }
    args[n] = NULL;
    cr_assert_eq(support_exec(args, NULL, &err), 0, "%s", err);
    free(err);
    return out;
}

Test(lean, observables_breakdowns_and_every_kth_day, .timeout = 120)
{
    char *dir = support_tmpdir();
    char *full = run_base(dir, "full.h5", NULL);
    char *lean = run_base(dir, "lean.h5", (const char *[]){"output.observables=[monthly_active, regular_users]",
                                                           "output.breakdowns=none", "output.every=7", NULL});
    cr_expect_eq(support_shell(PY "tests/check_lean.py %s %s 0,7,14,21,28,35,42,49,56,60 "
                               "monthly_active,regular_users none", full, lean), 0);
    char *days = run_base(dir, "days.h5", (const char *[]){"output.observables=[staff, regular_users]",
                                                           "output.breakdowns=generation",
                                                           "output.days=[45, 0, 30]", NULL});
    cr_expect_eq(support_shell(PY "tests/check_lean.py %s %s 0,30,45 staff,regular_users generation", full, days), 0);
    /* lean files are smaller */
    cr_expect_eq(support_shell("test $(stat -c %%s %s) -lt $(stat -c %%s %s)", lean, full), 0);
    free(full);
    free(lean);
    free(days);
    support_rmdir(dir);
}

Test(lean, report_and_plots_on_a_weekly_file, .timeout = 120)
{
    char *dir = support_tmpdir();
    char *lean = run_base(dir, "lean.h5", (const char *[]){"output.observables=[monthly_active, regular_users, staff]",
                                                           "output.breakdowns=none", "output.every=7", NULL});
    char *out = NULL, *err = NULL;
    const char *report[] = {"report", lean, "--days", "30,60", NULL};
    cr_assert_eq(support_exec(report, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "days 0-60 (the file keeps every 7th day and the last: 10 time points)"), "%s", out);
    cr_expect(strstr(out, "day 30 not stored in the file: reported at day 28, the nearest stored day"), "%s", out);
    cr_expect(strstr(out, "Day 28\n") && strstr(out, "Day 60\n"), "%s", out);
    cr_expect(strstr(out, "not reported: Cost in dollars (cost_dollars) needs the observable cost_dollars, which "
                          "this file does not keep (output.observables)"), "%s", out);
    cr_expect(strstr(out, "Days to 50% monthly active: the first stored day it is reached; the file keeps every 7th "
                          "day and the last"), "%s", out);
    free(out);
    free(err);
    /* the CSV's days-to-50% are stored days */
    const char *csv[] = {"report", lean, "--format", "csv", NULL};
    cr_assert_eq(support_exec(csv, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "resolution: the file keeps every 7th day and the last"), "%s", out);
    free(out);
    free(err);
    cr_expect_eq(support_shell(PY "analysis/plot_adoption.py %s -o %s/py > /dev/null 2> %s/err.txt", lean, dir, dir),
                 0);
    cr_expect_eq(support_shell(PY "tests/check_image.py %s/py adoption=800x320", dir), 0);
    cr_expect_eq(support_shell("grep -q 'no generation breakdown' %s/err.txt", dir), 0);
    if (support_shell("Rscript -e 'quit(status = !requireNamespace(\"hdf5r\", quietly = TRUE))' "
                      ">/dev/null 2>&1") == 0) {
        cr_expect_eq(support_shell("Rscript analysis/plot_adoption.R %s -o %s/r > /dev/null 2>&1", lean, dir), 0);
        cr_expect_eq(support_shell(PY "tests/check_image.py %s/r adoption=800x320", dir), 0);
    } else {
        cr_log_warn("no Rscript with hdf5r: plot_adoption.R not tried on the weekly file");
    }
    free(lean);
    support_rmdir(dir);
}

Test(lean, bad_output_keys_fail_at_their_place)
{
    static const struct {
        const char *yaml, *where, *message;
    } cases[] = {
        {"output:\n  observables: [monthly_activ]\n", "s.yaml:2:16: output.observables",
         "model genai has no observable \"monthly_activ\"; did you mean \"monthly_active\"?"},
        {"output:\n  observables: [staff, staff]\n", "s.yaml:2:16: output.observables",
         "observable staff is named twice"},
        {"output:\n  observables: [\"a b\"]\n", "s.yaml:2:17: output.observables", "expected a name"},
        {"output:\n  every: 7\n  days: [0, 30]\n", "s.yaml:2:10: output.every", "output.every and output.days exclude "
         "each other"},
        {"output:\n  days: [0, 90]\n", "s.yaml:2:9: output.days", "day 90 is not a whole day of 0..60"},
        {"output:\n  days: [0, 30.5]\n", "s.yaml:2:9: output.days", "day 30.5 is not a whole day"},
        {"output:\n  days: [30, 30]\n", "s.yaml:2:9: output.days", "day 30 is given twice"},
        {"output:\n  breakdowns: some\n", "s.yaml:2:15: output.breakdowns",
         "no breakdown \"some\" (expected a list of generation, level and team, or none)"},
        {"output:\n  breakdowns: [generation, tema]\n", "s.yaml:2:15: output.breakdowns",
         "no breakdown \"tema\"; did you mean \"team\"?"},
        {"output:\n  breakdowns: [level, level]\n", "s.yaml:2:15: output.breakdowns", "breakdown level is named twice"},
        {"output:\n  breakdowns: [none, team]\n", "s.yaml:2:15: output.breakdowns", "none stands alone"},
        {"output:\n  observables: [hours_saved]\n  breakdowns: [team]\n", "s.yaml:3:15: output.breakdowns",
         "none of the observables stored is reported by team"},
        {"output:\n  every: 0\n", "s.yaml:2:10: output.every", "must be between 1 and"},
    };
    char *dir = support_tmpdir();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *err = NULL, *scn = support_write(dir, "s.yaml", cases[i].yaml, strlen(cases[i].yaml));
        const char *args[] = {"check", scn, "--set", "run.days=60", "--set", "network.agents=50",
                              "--set", "model.name=genai", NULL};
        cr_expect_eq(support_exec(args, NULL, &err), 2, "case %zu: %s", i, err);
        cr_expect(err && strstr(err, cases[i].where) && strstr(err, cases[i].message),
                  "case %zu: expected \"%s\" and \"%s\" in: %s", i, cases[i].where, cases[i].message, err);
        free(err);
        free(scn);
    }
    /* by team of a model that cannot: an error at the key */
    const char *bass_team = "model: {name: bass}\nnetwork: {type: organization, agents: 50}\noutput: {breakdowns: team}\n";
    char *bt = support_write(dir, "t.yaml", bass_team, strlen(bass_team)), *terr = NULL;
    const char *targs[] = {"check", bt, NULL};
    cr_expect_eq(support_exec(targs, NULL, &terr), 2, "%s", terr);
    cr_expect(strstr(terr, "t.yaml:3:22: output.breakdowns: model bass cannot report by team"), "%s", terr);
    free(terr);
    free(bt);
    /* breakdowns asked of a model that has none: a warning */
    const char *bass = "model: {name: bass}\nnetwork: {type: complete, agents: 10}\noutput: {breakdowns: level}\n";
    char *scn = support_write(dir, "b.yaml", bass, strlen(bass)), *err = NULL;
    const char *args[] = {"check", scn, NULL};
    cr_expect_eq(support_exec(args, NULL, &err), 0, "%s", err);
    cr_expect(strstr(err, "b.yaml:3:22: output.breakdowns: does nothing: the model has no breakdowns"), "%s", err);
    free(err);
    free(scn);
    support_rmdir(dir);
}

Test(lean, one_layout_for_every_scenario_of_an_experiment)
{
    char *dir = support_tmpdir(), cwd[1024];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    char text[2048];
    snprintf(text, sizeof text, "base: %s/" BASE "\nscenarios:\n  a: {}\n  b: {output.every: 7}\n", cwd);
    char *def = support_write(dir, "e.yaml", text, strlen(text)), *err = NULL;
    const char *args[] = {"check", def, NULL};
    cr_expect_eq(support_exec(args, NULL, &err), 2);
    cr_expect(strstr(err, "e.yaml:4:21: output.every: scenarios \"a\" and \"b\" differ in output.every, but the "
                          "results file has one layout for every run"), "%s", err);
    free(err);
    free(def);
    snprintf(text, sizeof text, "base: %s/" BASE "\nsweep:\n  method: grid\n  parameters:\n    output.every: [1, 7]\n",
             cwd);
    def = support_write(dir, "e.yaml", text, strlen(text));
    args[1] = def;
    cr_expect_eq(support_exec(args, NULL, &err), 2);
    cr_expect(strstr(err, "e.yaml:5:5: output.every: is set for the whole experiment"), "%s", err);
    free(err);
    free(def);
    /* the breakdown by team: one set of teams, so one network for every run */
    snprintf(text, sizeof text, "base: %s/" BASE "\nscenarios:\n  a: {output.breakdowns: [team]}\n"
             "  b: {output.breakdowns: [team], organization.span: 5}\n", cwd);
    def = support_write(dir, "e.yaml", text, strlen(text));
    args[1] = def;
    cr_expect_eq(support_exec(args, NULL, &err), 2);
    cr_expect(strstr(err, "e.yaml:3:26: output.breakdowns: team: the breakdown by team needs every run on one "
                          "network (one set of teams), but scenario \"b\" changes"), "%s", err);
    free(err);
    free(def);
    support_rmdir(dir);
}
