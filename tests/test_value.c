/* test_value.c: time saved and what adoption is worth (model.genai.value.*,
 * model.genai.frontier.*): the hours saved follow the uses that save them,
 * novices save more, failures and tasks beyond the frontier cost time, the
 * frontier changes which tasks succeed, staff hours on the interventions are
 * priced by level, pricing changes nothing else, the report's value rows,
 * a reader check of value and return (tests/check_value.py) and bad values
 * refused at file:line:column. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static int obs(const sim_results *res, const char *name)
{
    for (int k = 0; k < res->n_obs; k++)
        if (strcmp(res->model->observables[k].name, name) == 0) return k;
    cr_assert_fail("no observable %s", name);
    return -1;
}

static double at(const sim_results *res, const char *name, int32_t r, int32_t t)
{
    return engine_result(res, obs(res, name), r, t);
}

/* A small push: 300 staff licensed with a launch speech, 90 days. */
#define PUSH "model.name=genai", "network.type=organization", "network.agents=300", "run.days=90", \
    "run.replicates=3", "interventions.licences.enabled=true", "interventions.launch.enabled=true"

/* Only valuable uses save, an hour each, the same for everyone: the hours
 * saved since day 1 are the valuable uses since day 1, in total and by
 * generation, and the week's hours those of the last 7 days. */
Test(value, hours_saved_are_the_valuable_uses_priced)
{
    const char *sets[] = {PUSH, "model.genai.value.minutes_valuable=60", "model.genai.value.minutes_trivial=0",
                          "model.genai.value.minutes_failed=0", "model.genai.value.novice_gain.by_generation=[1,1,1,1]",
                          NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 1);
    const int kv = obs(res, "valuable_uses"), ks = obs(res, "hours_saved"), kw = obs(res, "hours_saved_week");
    for (int32_t r = 0; r < res->n_rep; r++) {
        double total = 0, gen[4] = {0}, window[91] = {0};
        for (int32_t t = 0; t <= 90; t++) {
            total += engine_result(res, kv, r, t);
            window[t] = engine_result(res, kv, r, t);
            const double *vg = engine_result_by_generation(res, kv, r, t);
            for (int g = 0; g < 4; g++) gen[g] += vg[g];
            cr_assert_eq(engine_result(res, ks, r, t), total, "replicate %d day %d: %g hours, %g valuable uses", r, t,
                         engine_result(res, ks, r, t), total);
            const double *sg = engine_result_by_generation(res, ks, r, t);
            for (int g = 0; g < 4; g++) cr_assert_eq(sg[g], gen[g], "generation %d day %d", g, t);
            double week = 0;
            for (int32_t d = t - 6 < 0 ? 0 : t - 6; d <= t; d++) week += window[d];
            cr_assert_eq(engine_result(res, kw, r, t), week, "day %d: week %g, expected %g", t,
                         engine_result(res, kw, r, t), week);
        }
        cr_assert_gt(total, 0, "some valuable uses");
    }
    engine_results_free(res);
    scenario_free(scn);
}

/* Novices gain most: with Gen Z's factor 2 and the others 1, Gen Z's hours
 * are twice its valuable uses; with the defaults, an hour of Gen Z's use
 * saves more per valuable use than Gen X's. */
Test(value, novices_save_more_per_use)
{
    const char *sets[] = {PUSH, "model.genai.value.minutes_valuable=60", "model.genai.value.minutes_trivial=0",
                          "model.genai.value.minutes_failed=0", "model.genai.value.novice_gain.by_generation=[2,1,1,1]",
                          NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 1);
    const int kv = obs(res, "valuable_uses"), ks = obs(res, "hours_saved");
    for (int32_t r = 0; r < res->n_rep; r++) {
        double gen[4] = {0};
        for (int32_t t = 0; t <= 90; t++) {
            const double *vg = engine_result_by_generation(res, kv, r, t);
            for (int g = 0; g < 4; g++) gen[g] += vg[g];
        }
        const double *sg = engine_result_by_generation(res, ks, r, 90);
        cr_expect_eq(sg[0], 2 * gen[0], "gen_z: %g hours, %g valuable uses", sg[0], gen[0]);
        cr_expect_eq(sg[1], gen[1], "millennials: %g hours, %g valuable uses", sg[1], gen[1]);
    }
    engine_results_free(res);
    scenario_free(scn);
    /* the defaults: a novice's success saves more than an expert's */
    const char *dflt[] = {PUSH, "model.genai.value.minutes_failed=0", "model.genai.value.minutes_trivial=0", NULL};
    scn = support_scenario(dflt);
    res = support_run(scn, 1);
    double hours[4] = {0}, valuable[4] = {0};
    for (int32_t r = 0; r < res->n_rep; r++)
        for (int g = 0; g < 4; g++) {
            hours[g] += engine_result_by_generation(res, ks, r, 90)[g];
            for (int32_t t = 0; t <= 90; t++) valuable[g] += engine_result_by_generation(res, kv, r, t)[g];
        }
    cr_assert(valuable[0] > 0 && valuable[2] > 0);
    cr_expect_gt(hours[0] / valuable[0], hours[2] / valuable[2], "gen_z %g, gen_x %g hours per valuable use",
                 hours[0] / valuable[0], hours[2] / valuable[2]);
    engine_results_free(res);
    scenario_free(scn);
}

/* Failed uses cost time: with only failures priced, the hours saved fall
 * day by day (never rise) and end below 0. */
Test(value, failures_cost_time)
{
    const char *sets[] = {PUSH, "model.genai.value.minutes_valuable=0", "model.genai.value.minutes_trivial=0",
                          "model.genai.value.minutes_failed=10", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 1);
    for (int32_t r = 0; r < res->n_rep; r++) {
        for (int32_t t = 1; t <= 90; t++)
            cr_assert_leq(at(res, "hours_saved", r, t), at(res, "hours_saved", r, t - 1), "day %d", t);
        cr_expect_lt(at(res, "hours_saved", r, 90), 0);
    }
    engine_results_free(res);
    scenario_free(scn);
}

/* The frontier: with it at 0.45, tasks above it succeed less often (fewer
 * valuable uses: every task of value above 0.45 is beyond it) and each use
 * beyond it costs time; at 1 (the default) no task is beyond it and the
 * minutes lost beyond it are never charged.  Day 1 draws the same decisions
 * in both (same state, common random numbers), so the uses of day 1 agree
 * and only success differs. */
Test(value, the_frontier_changes_which_tasks_succeed)
{
    const char *base[] = {PUSH, "model.genai.value.minutes_valuable=0", "model.genai.value.minutes_trivial=0",
                          "model.genai.value.minutes_failed=0", "model.genai.value.minutes_beyond_frontier=60", NULL};
    const char *near[] = {PUSH, "model.genai.value.minutes_valuable=0", "model.genai.value.minutes_trivial=0",
                          "model.genai.value.minutes_failed=0", "model.genai.value.minutes_beyond_frontier=60",
                          "model.genai.frontier.level=0.45", NULL};
    scenario *s1 = support_scenario(base), *s2 = support_scenario(near);
    sim_results *a = support_run(s1, 1), *b = support_run(s2, 1);
    double va = 0, vb = 0;
    for (int32_t r = 0; r < a->n_rep; r++) {
        cr_assert_eq(at(a, "uses", r, 1), at(b, "uses", r, 1), "day 1 decisions agree");
        cr_assert_leq(at(b, "valuable_uses", r, 1), at(a, "valuable_uses", r, 1));
        cr_assert_eq(at(a, "hours_saved", r, 90), 0, "no task is beyond a frontier at 1");
        cr_assert_lt(at(b, "hours_saved", r, 90), 0, "tasks beyond the frontier cost time");
        for (int32_t t = 1; t <= 30; t++) {
            va += at(a, "valuable_uses", r, t);
            vb += at(b, "valuable_uses", r, t);
        }
    }
    cr_expect_lt(vb, 0.9 * va, "valuable uses over 30 days: %g beyond a frontier at 0.45, %g without", vb, va);
    engine_results_free(a);
    engine_results_free(b);
    scenario_free(s1);
    scenario_free(s2);
}

/* Staff hours on the interventions cost dollars at the hourly cost of each
 * participant's level: training only the front line (level 4) at 2 hours a
 * session is priced at level 4's rate. */
Test(value, staff_hours_are_priced_by_level)
{
    const char *sets[] = {PUSH, "interventions.launch.enabled=false", "interventions.training.enabled=true",
                          "interventions.training.target.levels=4", "interventions.training.every=30",
                          "model.genai.value.hourly_cost.by_level=[300, 200, 100, 70, 40]",
                          "organization.span=4", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 1);
    for (int32_t r = 0; r < res->n_rep; r++) {
        double hours = at(res, "cost_hours", r, 90);
        cr_assert_gt(hours, 0);
        cr_expect_eq(at(res, "programme_hours", r, 90), hours);
        cr_expect(fabs(at(res, "cost_staff_dollars", r, 90) - 40 * hours) < 1e-9 * 40 * hours, "%g dollars for %g hours",
                  at(res, "cost_staff_dollars", r, 90), hours);
        cr_expect_eq(engine_result_by_level(res, obs(res, "programme_hours"), r, 90)[4], hours);
        cr_expect_eq(at(res, "cost_total_dollars", r, 90),
                     at(res, "cost_dollars", r, 90) + at(res, "cost_staff_dollars", r, 90));
        cr_expect_eq(at(res, "net_return_dollars", r, 90),
                     at(res, "value_dollars", r, 90) - at(res, "cost_total_dollars", r, 90));
    }
    engine_results_free(res);
    scenario_free(scn);
}

/* Pricing is observation only: other minutes, novice gains and hourly
 * costs leave every other observable bit for bit the same (so a scenario
 * without the new keys gives the results it gave before they existed). */
Test(value, pricing_changes_nothing_else)
{
    const char *base[] = {PUSH, "interventions.training.enabled=true", NULL};
    const char *priced[] = {PUSH, "interventions.training.enabled=true", "model.genai.value.minutes_valuable=90",
                            "model.genai.value.minutes_trivial=1", "model.genai.value.minutes_failed=20",
                            "model.genai.value.minutes_beyond_frontier=100",
                            "model.genai.value.novice_gain.by_generation=[3,2,1,0]",
                            "model.genai.value.novice_gain.by_level=[0.5,1]",
                            "model.genai.value.hourly_cost.by_level=[1000]", NULL};
    scenario *s1 = support_scenario(base), *s2 = support_scenario(priced);
    sim_results *a = support_run(s1, 1), *b = support_run(s2, 1);
    int compared = 0;
    for (int k = 0; k < a->n_obs; k++) {
        const char *name = a->model->observables[k].name;
        if (!strcmp(name, "hours_saved") || !strcmp(name, "hours_saved_week") || !strcmp(name, "value_dollars") ||
            !strcmp(name, "cost_staff_dollars") || !strcmp(name, "cost_total_dollars") ||
            !strcmp(name, "net_return_dollars"))
            continue;
        for (int32_t r = 0; r < a->n_rep; r++)
            for (int32_t t = 0; t <= 90; t++)
                cr_assert_eq(engine_result(a, k, r, t), engine_result(b, k, r, t), "%s differs on day %d", name, t);
        compared++;
    }
    cr_expect_eq(compared, a->n_obs - 6);
    cr_expect_neq(at(a, "value_dollars", 0, 90), at(b, "value_dollars", 0, 90));
    engine_results_free(a);
    engine_results_free(b);
    scenario_free(s1);
    scenario_free(s2);
}

/* The file and the report: value and return recomputed from the file's
 * observables and the scenarios' hourly costs (tests/check_value.py), and
 * `adoptsim report` shows hours saved, value, total cost, net return and
 * the total cost per additional regular user, checked against numpy by
 * tests/check_report.py. */
Test(value, reader_recomputes_value_and_return, .timeout = 120)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "e.h5"), *csv = support_path(dir, "r.csv");
    const char *args[] = {"experiment", "configs/experiment_four_steps.yaml", "-o", out, "--replicates", "4",
                          "--set", "run.days=120", "--set", "network.agents=400", "-q", NULL};
    char *err = NULL;
    cr_assert_eq(support_exec(args, NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_value.py %s", out), 0);
    cr_expect_eq(support_shell("%s report %s --days 60,120 --format csv > %s", support_adoptsim(), out, csv), 0);
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_report.py csv %s %s --days 60,120", out, csv), 0);
    cr_expect_eq(support_shell("grep -q '^.*net_return_dollars' %s", csv), 0);
    cr_expect_eq(support_shell("grep -q 'total_dollars_per_additional_regular_user' %s", csv), 0);
    char *text = NULL;
    const char *rargs[] = {"report", out, "--days", "120", NULL};
    cr_assert_eq(support_exec(rargs, &text, &err), 0, "%s", err);
    cr_expect(strstr(text, "Hours saved a week") && strstr(text, "Value of the hours saved in dollars") &&
                  strstr(text, "Total cost in dollars") && strstr(text, "Net return in dollars"),
              "%s", text);
    free(text);
    free(err);
    free(out);
    free(csv);
    support_rmdir(dir);
}

/* Every new key's bad values are refused at file:line:column with the key. */
Test(value, bad_values_refused_at_their_key)
{
    static const struct { const char *yaml, *where; } bad[] = {
        {"model:\n  name: genai\n  genai:\n    value:\n      minutes_valuable: -1\n", ":5:25: model.genai.value.minutes_valuable:"},
        {"model:\n  name: genai\n  genai:\n    value:\n      minutes_trivial: 500\n", ":5:24: model.genai.value.minutes_trivial:"},
        {"model:\n  name: genai\n  genai:\n    value:\n      minutes_failed: x\n", ":5:23: model.genai.value.minutes_failed:"},
        {"model:\n  name: genai\n  genai:\n    value:\n      minutes_beyond_frontier: -2\n",
         ":5:32: model.genai.value.minutes_beyond_frontier:"},
        {"model:\n  name: genai\n  genai:\n    value:\n      novice_gain:\n        by_generation: [1, 1]\n",
         ":6:24: model.genai.value.novice_gain.by_generation: expected 4 values"},
        {"model:\n  name: genai\n  genai:\n    value:\n      novice_gain:\n        by_level: [1, -1]\n",
         ":6:23: model.genai.value.novice_gain.by_level: must be between 0 and 10, got -1 (element 2"},
        {"model:\n  name: genai\n  genai:\n    value:\n      hourly_cost:\n        by_level: []\n",
         ":6:19: model.genai.value.hourly_cost.by_level:"},
        {"model:\n  name: genai\n  genai:\n    frontier:\n      level: 1.5\n", ":5:14: model.genai.frontier.level:"},
        {"model:\n  name: genai\n  genai:\n    frontier:\n      penalty: -1\n", ":5:16: model.genai.frontier.penalty:"},
    };
    char *dir = support_tmpdir();
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char what[32];
        snprintf(what, sizeof what, "case %zu", k);
        support_expect_check_error(dir, bad[k].yaml, bad[k].where, what);
    }
    support_rmdir(dir);
}

/* Task suitability by department (model.genai.suitability.departments):
 * on a generated organization of 300 staff (span 8: departments "0", the
 * chief officer, and "1".."8"), a department's share scales the need of
 * its members (the days with work the tool can help with), not what a use
 * saves: every department at 0 leaves nobody using it though all hold a
 * licence; every department at 0.5 gives fewer uses than 1, and in every
 * case an hour is saved per valuable use. */
Test(value, suitability_scales_what_the_tool_helps_with)
{
#define SAVE "model.genai.value.minutes_valuable=60", "model.genai.value.minutes_trivial=0", \
    "model.genai.value.minutes_failed=0", "model.genai.value.novice_gain.by_generation=[1,1,1,1]"
    const char *zero[] = {PUSH, SAVE, "model.genai.suitability.departments=0=0,1=0,2=0,3=0,4=0,5=0,6=0,7=0,8=0",
                          NULL};
    const char *half[] = {PUSH, SAVE,
                          "model.genai.suitability.departments=0=0.5,1=0.5,2=0.5,3=0.5,4=0.5,5=0.5,6=0.5,7=0.5,8=0.5",
                          NULL};
    const char *full[] = {PUSH, SAVE, NULL};
#undef SAVE
    scenario *s0 = support_scenario(zero), *s1 = support_scenario(half), *s2 = support_scenario(full);
    sim_results *r0 = support_run(s0, 1), *r1 = support_run(s1, 1), *r2 = support_run(s2, 1);
    double uses[3] = {0, 0, 0};
    sim_results *res[3] = {r0, r1, r2};
    for (int k = 0; k < 3; k++)
        for (int32_t r = 0; r < res[k]->n_rep; r++) {
            double valuable = 0;
            for (int32_t t = 0; t <= 90; t++) {
                uses[k] += at(res[k], "uses", r, t);
                valuable += at(res[k], "valuable_uses", r, t);
            }
            cr_expect_eq(at(res[k], "with_access", r, 90), 300);
            cr_expect_eq(at(res[k], "hours_saved", r, 90), valuable, "case %d: %g hours, %g valuable uses", k,
                         at(res[k], "hours_saved", r, 90), valuable);
        }
    cr_expect_eq(uses[0], 0, "no work for the tool: %g uses", uses[0]);
    cr_expect(uses[1] > 0 && uses[1] < uses[2], "uses at 0.5: %g, at 1: %g", uses[1], uses[2]);
    for (int k = 0; k < 3; k++) engine_results_free(res[k]);
    scenario_free(s0);
    scenario_free(s1);
    scenario_free(s2);
}

/* Bad suitability lists are refused at their key: syntax in the file,
 * and names the org chart lacks (with a did-you-mean) once it is built. */
Test(value, bad_suitability_refused_at_its_key)
{
    char cwd[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    static const struct { const char *list, *where; } bad[] = {
        {"[Enginering=0.5]", ":9:20: model.genai.suitability.departments: no department named \"Enginering\" in the "
                             "organization (6 departments); did you mean \"Engineering\"?"},
        {"Sales", ":9:20: model.genai.suitability.departments: item 1: expected Name=share"},
        {"Sales=1.5", ":9:20: model.genai.suitability.departments: item 1 (Sales): expected a share between 0 and 1"},
        {"Sales=0.1, Sales=0.2", ":9:20: model.genai.suitability.departments: department \"Sales\" is listed twice"},
    };
    char *dir = support_tmpdir();
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char yaml[8192];
        snprintf(yaml, sizeof yaml,
                 "network:\n  type: orgchart\n  file: %s/configs/orgchart_example.csv\nmodel:\n  name: genai\n"
                 "  genai:\n    suitability:\n      # task suitability\n      departments: %s\n",
                 cwd, bad[k].list);
        char what[32];
        snprintf(what, sizeof what, "case %zu", k);
        support_expect_check_error(dir, yaml, bad[k].where, what);
    }
    support_rmdir(dir);
}
