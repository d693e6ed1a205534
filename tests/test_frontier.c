/* test_frontier.c: a moving frontier (model.genai.frontier.*): a release
 * brings tasks within the frontier (more succeed), makes part of everyone's
 * skill stale, changes nothing before its day, and ongoing training
 * differs from a one-off course under releases; bad releases are refused at
 * file:line:column and steps without releases warned about.  (What mentors
 * pass on after a release: tests/test_interventions.c,
 * a_mentor_who_stopped_learning_transfers_less.) */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "support.h"

static int obs(const sim_results *res, const char *name)
{
    for (int k = 0; k < res->n_obs; k++)
        if (strcmp(res->model->observables[k].name, name) == 0) return k;
    cr_assert_fail("no observable %s", name);
    return -1;
}

static double sum_over(const sim_results *res, const char *name, int32_t from, int32_t to)
{
    const int k = obs(res, name);
    double s = 0;
    for (int32_t r = 0; r < res->n_rep; r++)
        for (int32_t t = from; t <= to; t++) s += engine_result(res, k, r, t);
    return s;
}

/* Every observable of a and b agrees on days 0..last. */
static void expect_same_until(const sim_results *a, const sim_results *b, int32_t last)
{
    for (int k = 0; k < a->n_obs; k++)
        for (int32_t r = 0; r < a->n_rep; r++)
            for (int32_t t = 0; t <= last; t++)
                cr_assert_eq(engine_result(a, k, r, t), engine_result(b, k, r, t), "%s on day %d",
                             a->model->observables[k].name, t);
}

#define PUSH "model.name=genai", "network.type=organization", "network.agents=400", "run.days=90", \
    "run.replicates=4", "interventions.licences.enabled=true", "interventions.launch.enabled=true", \
    "model.genai.frontier.level=0.4"

/* A release on day 30 lifting the frontier from 0.4 to 0.7 (nothing
 * stale): the same run until day 29, then more valuable uses (tasks of
 * value, at 0.4 and above, were beyond the frontier and are now within). */
Test(frontier, a_release_brings_tasks_within_the_frontier)
{
    const char *fixed[] = {PUSH, NULL};
    const char *moving[] = {PUSH, "model.genai.frontier.releases=[30]", "model.genai.frontier.step=0.3",
                            "model.genai.frontier.stale=0", NULL};
    scenario *s1 = support_scenario(fixed), *s2 = support_scenario(moving);
    sim_results *a = support_run(s1, 1), *b = support_run(s2, 1);
    expect_same_until(a, b, 29);
    double before = sum_over(a, "valuable_uses", 30, 60), after = sum_over(b, "valuable_uses", 30, 60);
    cr_expect_gt(after, 1.3 * before, "valuable uses days 30-60: %g with the release, %g without", after, before);
    engine_results_free(a);
    engine_results_free(b);
    scenario_free(s1);
    scenario_free(s2);
}

/* frontier.stale 0.5 at a release on day 20: everyone's skill halves that
 * day (then the day's uses teach a little), and nothing before differs. */
Test(frontier, a_release_makes_skill_stale)
{
    const char *fixed[] = {PUSH, NULL};
    const char *moving[] = {PUSH, "model.genai.frontier.releases=[20]", "model.genai.frontier.step=0",
                            "model.genai.frontier.stale=0.5", NULL};
    scenario *s1 = support_scenario(fixed), *s2 = support_scenario(moving);
    sim_results *a = support_run(s1, 1), *b = support_run(s2, 1);
    expect_same_until(a, b, 19);
    const int k = obs(b, "mean_skill");
    for (int32_t r = 0; r < b->n_rep; r++) {
        const double s19 = engine_result(b, k, r, 19), s20 = engine_result(b, k, r, 20);
        cr_expect(s20 < 0.55 * s19 && s20 > 0.5 * s19, "replicate %d: skill %g on day 19, %g on day 20", r, s19,
                  s20);
    }
    engine_results_free(a);
    engine_results_free(b);
    scenario_free(s1);
    scenario_free(s2);
}

/* Under releases every 30 days that make a third of skill stale, training
 * every 30 days (after each release) keeps skill higher at day 90 than one
 * course on day 1 with the same per-session gain; without releases the gap
 * is smaller: what ongoing training buys grows with a moving frontier. */
Test(frontier, ongoing_training_differs_from_a_one_off_course)
{
    double gap[2];
    for (int moving = 0; moving < 2; moving++) {
        const char *releases = moving ? "model.genai.frontier.releases=[30,60]" : "model.genai.frontier.stale=0";
        const char *once[] = {PUSH, "interventions.training.enabled=true", "interventions.training.every=0",
                              "model.genai.frontier.stale=0.33", releases, NULL};
        const char *ongoing[] = {PUSH, "interventions.training.enabled=true", "interventions.training.every=30",
                                 "model.genai.frontier.stale=0.33", releases, NULL};
        scenario *s1 = support_scenario(once), *s2 = support_scenario(ongoing);
        sim_results *a = support_run(s1, 1), *b = support_run(s2, 1);
        gap[moving] = sum_over(b, "mean_skill", 90, 90) - sum_over(a, "mean_skill", 90, 90);
        engine_results_free(a);
        engine_results_free(b);
        scenario_free(s1);
        scenario_free(s2);
    }
    cr_expect_gt(gap[0], 0, "ongoing training adds skill: %g", gap[0]);
    cr_expect_neq(gap[1], gap[0], "releases change what ongoing training adds: %g vs %g", gap[1], gap[0]);
}

/* Bad releases are refused at their key (file:line:column), and step or
 * stale without releases are warned about. */
Test(frontier, bad_releases_refused_at_their_key)
{
    static const struct { const char *yaml, *where; } bad[] = {
        {"model:\n  name: genai\n  genai:\n    frontier:\n      releases: [120.5]\n",
         ":5:17: model.genai.frontier.releases: release 1: expected a whole day"},
        {"model:\n  name: genai\n  genai:\n    frontier:\n      releases: [120, 90]\n",
         ":5:17: model.genai.frontier.releases: releases must be in ascending order"},
        {"run:\n  days: 100\nmodel:\n  name: genai\n  genai:\n    frontier:\n      releases: [120]\n",
         ":7:17: model.genai.frontier.releases: release 1 on day 120 is after the last day of the run (100)"},
        {"model:\n  name: genai\n  genai:\n    frontier:\n      releases: [0]\n",
         ":5:18: model.genai.frontier.releases: must be between 1 and 100000"},
        {"model:\n  name: genai\n  genai:\n    frontier:\n      releases: [30]\n      stale: 0\n",
         ":5:17: model.genai.frontier.releases: releases would do nothing"},
        {"model:\n  name: genai\n  genai:\n    frontier:\n      step: 2\n", ":5:13: model.genai.frontier.step:"},
        {"model:\n  name: genai\n  genai:\n    frontier:\n      stale: -0.1\n", ":5:14: model.genai.frontier.stale:"},
    };
    char *dir = support_tmpdir();
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char what[32];
        snprintf(what, sizeof what, "case %zu", k);
        support_expect_check_error(dir, bad[k].yaml, bad[k].where, what);
    }
    support_expect_check_warning(dir, "model:\n  name: genai\n  genai:\n    frontier:\n      step: 0.2\n",
                                 "model.genai.frontier.step: acts only at releases");
    support_rmdir(dir);
}

/* configs/mentorship_gap.yaml with overrides (8 replicates), run. */
static sim_results *story(const char *const *sets)
{
    scenario *scn = NULL;
    sim_error err;
    char buf[2048];
    cr_assert_eq(registry_scenario_alloc(&scn, &err), SIM_OK);
    cr_assert_eq(scenario_load_file(scn, "configs/mentorship_gap.yaml", &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    cr_assert_eq(scenario_set(scn, "run.replicates=8", &err), SIM_OK);
    for (int k = 0; sets[k]; k++)
        cr_assert_eq(scenario_set(scn, sets[k], &err), SIM_OK, "%s: %s", sets[k], sim_error_format(&err, buf, sizeof buf));
    cr_assert_eq(registry_validate(scn, &err), SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    sim_results *res = support_run(scn, 2);
    scenario_free(scn);
    return res;
}

/* The story of docs/MODEL.md 4.6 in direction: under releases every four
 * months, ongoing training saves more hours over a one-off course than with
 * a fixed tool (the course's skill goes stale at each release; in regular
 * users the two gains are now about equal), and peer mentoring makes more
 * regular users than reverse mentoring. */
Test(frontier, mentorship_gap_story, .timeout = 120)
{
    const char *fixed = "model.genai.frontier.releases=[]";
    const char *none = "run.seed=2";
    double gain[2];
    for (int moving = 0; moving < 2; moving++) {
        const char *f = moving ? none : fixed;
        const char *once[] = {f, "interventions.training.enabled=true", "interventions.training.start=30",
                              "interventions.training.every=0", NULL};
        const char *ongoing[] = {f, "interventions.training.enabled=true", "interventions.training.start=30",
                                 "interventions.training.every=30", NULL};
        sim_results *a = story(once), *b = story(ongoing);
        gain[moving] = sum_over(b, "hours_saved", 365, 365) - sum_over(a, "hours_saved", 365, 365);
        engine_results_free(a);
        engine_results_free(b);
    }
    cr_expect_gt(gain[1], gain[0], "ongoing over one-off: %g more hours saved with releases, %g without", gain[1],
                 gain[0]);
    const char *rev[] = {"interventions.reverse_mentoring.enabled=true", "interventions.reverse_mentoring.start=30",
                         NULL};
    const char *peer[] = {"interventions.peer_mentoring.enabled=true", "interventions.peer_mentoring.start=30", NULL};
    sim_results *r = story(rev), *p = story(peer);
    cr_expect_gt(sum_over(p, "regular_users", 365, 365), sum_over(r, "regular_users", 365, 365));
    engine_results_free(r);
    engine_results_free(p);
}

/* frontier.erosion: at a release a positive expertise confidence ("it can't
 * beat my expertise") shrinks, so use rises after the release and not before
 * it; with erosion 0 the same release (stale 0, step 0 would be refused as
 * doing nothing, so stale is tiny) changes nothing about expertise. */
Test(frontier, a_release_erodes_expertise_confidence)
{
    const char *kept[] = {PUSH, "model.genai.frontier.releases=[20]", "model.genai.frontier.step=0",
                          "model.genai.frontier.stale=0.001", NULL};
    const char *eroded[] = {PUSH, "model.genai.frontier.releases=[20]", "model.genai.frontier.step=0",
                            "model.genai.frontier.stale=0.001", "model.genai.frontier.erosion=0.9", NULL};
    scenario *s1 = support_scenario(kept), *s2 = support_scenario(eroded);
    sim_results *a = support_run(s1, 1), *b = support_run(s2, 1);
    expect_same_until(a, b, 19);
    const double before = sum_over(a, "uses", 21, 60), after = sum_over(b, "uses", 21, 60);
    cr_expect(after > 1.05 * before, "uses on days 21-60: %g without erosion, %g with", before, after);
    engine_results_free(a);
    engine_results_free(b);
    scenario_free(s1);
    scenario_free(s2);
}
