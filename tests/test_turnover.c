/* test_turnover.c: turnover and hiring (model.genai.turnover.*): headcount
 * holds and the generations add up, hires get new ids in the per-agent
 * table, staff left behind leave more, onboarding keeps hires off the tool,
 * roles are refilled, results do not depend on threads, zero rates change
 * nothing, and bad values are refused at file:line:column. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static int obs(const sim_results *res, const char *name)
{
    for (int k = 0; k < res->n_obs; k++)
        if (strcmp(res->model->observables[k].name, name) == 0) return k;
    cr_assert_fail("no observable %s", name);
    return -1;
}

static int field(const sim_results *res, const char *name)
{
    for (int k = 0; k < res->n_agent_fields; k++)
        if (strcmp(res->model->agent_fields[k].name, name) == 0) return k;
    cr_assert_fail("no agent field %s", name);
    return -1;
}

static double agent(const sim_results *res, int f, int32_t r, int32_t i)
{
    return res->agents[((size_t)f * (size_t)res->n_rep + (size_t)r) * (size_t)res->n_agents + (size_t)i];
}

static double at(const sim_results *res, const char *name, int32_t r, int32_t t)
{
    return engine_result(res, obs(res, name), r, t);
}

/* A push with high turnover (ten times the default rates) so a short run
 * sees many leavers. */
#define CHURN "model.name=genai", "network.type=organization", "network.agents=500", "run.days=90", \
    "run.replicates=3", "interventions.licences.enabled=true", "interventions.launch.enabled=true", \
    "model.genai.turnover.enabled=true", "model.genai.turnover.monthly.by_generation=[0.3,0.16,0.09,0.12]", \
    "output.agents=true"

/* Headcount holds: staff is 500 every day, leavers and hires match, and by
 * generation staff(t) = staff(0) - leavers(t) + hires(t) (a leaver counts
 * in their generation, a hire in theirs); by level the same with leavers
 * and hires of each level equal (a hire takes the leaver's position). */
Test(turnover, headcount_conserved)
{
    const char *sets[] = {CHURN, NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 1);
    const int ks = obs(res, "staff"), kl = obs(res, "leavers"), kh = obs(res, "hires");
    for (int32_t r = 0; r < res->n_rep; r++) {
        cr_assert_gt(at(res, "leavers", r, 90), 50, "leavers %g", at(res, "leavers", r, 90));
        for (int32_t t = 0; t <= 90; t++) {
            cr_assert_eq(at(res, "staff", r, t), 500);
            cr_assert_eq(at(res, "leavers", r, t), at(res, "hires", r, t));
            if (t > 0) cr_assert_geq(at(res, "leavers", r, t), at(res, "leavers", r, t - 1));
            double sum = 0;
            for (int g = 0; g < 4; g++) {
                const double s0 = engine_result_by_generation(res, ks, r, 0)[g];
                const double st = engine_result_by_generation(res, ks, r, t)[g];
                const double lt = engine_result_by_generation(res, kl, r, t)[g];
                const double ht = engine_result_by_generation(res, kh, r, t)[g];
                cr_assert_eq(st, s0 - lt + ht, "generation %d day %d", g, t);
                sum += st;
            }
            cr_assert_eq(sum, 500);
            for (int32_t l = 0; l < res->n_levels; l++) {
                cr_assert_eq(engine_result_by_level(res, ks, r, t)[l], engine_result_by_level(res, ks, r, 0)[l]);
                cr_assert_eq(engine_result_by_level(res, kl, r, t)[l], engine_result_by_level(res, kh, r, t)[l]);
            }
        }
    }
    engine_results_free(res);
    scenario_free(scn);
}

/* Hires appear in the per-agent table with new ids: the occupant of a
 * position hired on day d >= 1 has an id of at least the headcount, each
 * id once, the last hire's id is headcount + hires - 1, and the staff of
 * day 0 keep their agent number.  Hires in onboarding (hired within the
 * last 30 days) have not used the tool; earlier hires have. */
Test(turnover, hires_appear_with_new_ids)
{
    const char *sets[] = {CHURN, NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 1);
    const int fp = field(res, "person"), fd = field(res, "hired_day"), fu = field(res, "uses");
    for (int32_t r = 0; r < res->n_rep; r++) {
        const double hires = at(res, "hires", r, 90);
        double max_id = -1;
        int32_t hired = 0, used_late = 0, used_early = 0;
        char *seen = calloc((size_t)(500 + hires), 1);
        cr_assert_not_null(seen);
        for (int32_t i = 0; i < 500; i++) {
            const double id = agent(res, fp, r, i), day = agent(res, fd, r, i);
            if (day < 0) {
                cr_assert_eq(id, i, "agent %d on the day-0 staff keeps its number", i);
                continue;
            }
            hired++;
            cr_assert(day >= 1 && day <= 90, "hired on day %g", day);
            cr_assert(id >= 500 && id < 500 + hires, "hire's id %g of %g hires", id, hires);
            cr_assert_eq(seen[(size_t)id], 0, "id %g twice", id);
            seen[(size_t)id] = 1;
            max_id = id > max_id ? id : max_id;
            if (day > 60) used_late += agent(res, fu, r, i) > 0;
            else used_early += agent(res, fu, r, i) > 0;
        }
        free(seen);
        cr_expect_gt(hired, 0);
        cr_expect_leq(hired, hires);
        cr_expect_eq(max_id, 500 + hires - 1, "the last hire holds the last id");
        cr_expect_eq(used_late, 0, "hires in onboarding used it");
        cr_expect_gt(used_early, 0, "hires after onboarding use it");
    }
    engine_results_free(res);
    scenario_free(scn);
}

/* Staff left behind (skill 0.05 or more below their team's mean) leaving
 * five times as often: more leavers than without (common random numbers:
 * the same draws, a higher chance for some). */
Test(turnover, staff_left_behind_leave_more)
{
    const char *base[] = {CHURN, "model.genai.turnover.left_behind.gap=0.05", NULL};
    const char *behind[] = {CHURN, "model.genai.turnover.left_behind.gap=0.05",
                            "model.genai.turnover.left_behind.factor=5", NULL};
    scenario *s1 = support_scenario(base), *s2 = support_scenario(behind);
    sim_results *a = support_run(s1, 1), *b = support_run(s2, 1);
    double la = 0, lb = 0;
    for (int32_t r = 0; r < a->n_rep; r++) {
        la += at(a, "leavers", r, 90);
        lb += at(b, "leavers", r, 90);
    }
    cr_expect_gt(lb, 1.2 * la, "leavers: %g with left-behind staff leaving 5x, %g without", lb, la);
    engine_results_free(a);
    engine_results_free(b);
    scenario_free(s1);
    scenario_free(s2);
}

/* Roles are refilled: the hire takes the position's place in the vanguard
 * (the flag stays with the position), and some vanguard positions are held
 * by hires after 90 days of churn. */
Test(turnover, roles_are_refilled_by_the_hire)
{
    const char *sets[] = {CHURN, "interventions.vanguard.enabled=true", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 1);
    const int fv = field(res, "vanguard"), fd = field(res, "hired_day");
    int32_t hires_in_vanguard = 0, vanguard = 0;
    for (int32_t r = 0; r < res->n_rep; r++)
        for (int32_t i = 0; i < 500; i++) {
            vanguard += agent(res, fv, r, i) > 0;
            hires_in_vanguard += agent(res, fv, r, i) > 0 && agent(res, fd, r, i) > 1;
        }
    cr_expect_gt(vanguard, 0);
    cr_expect_gt(hires_in_vanguard, 0, "no vanguard position refilled by a hire");
    engine_results_free(res);
    scenario_free(scn);
}

/* Zero rates: turnover enabled but nobody leaves gives exactly the results
 * of turnover off (no draw decides anything). */
Test(turnover, zero_rates_change_nothing)
{
    const char *off[] = {CHURN, "model.genai.turnover.enabled=false", NULL};
    const char *zero[] = {CHURN, "model.genai.turnover.monthly.by_generation=[0,0,0,0]", NULL};
    scenario *s1 = support_scenario(off), *s2 = support_scenario(zero);
    sim_results *a = support_run(s1, 1), *b = support_run(s2, 1);
    for (int k = 0; k < a->n_obs; k++)
        for (int32_t r = 0; r < a->n_rep; r++)
            for (int32_t t = 0; t <= 90; t++)
                cr_assert_eq(engine_result(a, k, r, t), engine_result(b, k, r, t), "%s on day %d",
                             a->model->observables[k].name, t);
    engine_results_free(a);
    engine_results_free(b);
    scenario_free(s1);
    scenario_free(s2);
}

/* Above the parallel threshold, the same results on 1 and 2 threads. */
Test(turnover, identical_for_any_thread_count, .timeout = 120)
{
    const char *sets[] = {"model.name=genai", "network.type=organization", "network.agents=40000", "run.days=20",
                          "run.replicates=1", "interventions.licences.enabled=true", "interventions.launch.enabled=true",
                          "model.genai.turnover.enabled=true", "model.genai.turnover.left_behind.factor=3",
                          "model.genai.turnover.monthly.by_generation=[0.3,0.16,0.09,0.12]", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *a = support_run(scn, 1), *b = support_run(scn, 2);
    cr_assert_gt(engine_result(a, obs(a, "leavers"), 0, 20), 0);
    for (int k = 0; k < a->n_obs; k++)
        for (int32_t t = 0; t <= 20; t++)
            cr_assert(memcmp(&a->data[(size_t)k * a->n_time + t], &b->data[(size_t)k * b->n_time + t], sizeof(double)) ==
                          0,
                      "%s differs on day %d", a->model->observables[k].name, t);
    engine_results_free(a);
    engine_results_free(b);
    scenario_free(scn);
}

/* Bad values are refused at their key; settings without enabled warned. */
Test(turnover, bad_values_refused_at_their_key)
{
    static const struct { const char *yaml, *where; } bad[] = {
        {"model:\n  name: genai\n  genai:\n    turnover:\n      monthly:\n        by_generation: [0.1, 0.1]\n",
         ":6:24: model.genai.turnover.monthly.by_generation: expected 4 values"},
        {"model:\n  name: genai\n  genai:\n    turnover:\n      monthly:\n        by_generation: [0.1, 0.1, 2, 0]\n",
         ":6:35: model.genai.turnover.monthly.by_generation: must be between 0 and 1, got 2 (element 3"},
        {"model:\n  name: genai\n  genai:\n    turnover:\n      hire_mix: [0, 0, 0, 0]\n",
         ":5:17: model.genai.turnover.hire_mix: the weights add up to 0"},
        {"model:\n  name: genai\n  genai:\n    turnover:\n      left_behind:\n        factor: 0.5\n",
         ":6:17: model.genai.turnover.left_behind.factor: must be between 1 and 20"},
        {"model:\n  name: genai\n  genai:\n    turnover:\n      onboarding_days: -1\n",
         ":5:24: model.genai.turnover.onboarding_days:"},
        {"model:\n  name: genai\n  genai:\n    turnover:\n      enabled: maybe\n", ":5:16: model.genai.turnover.enabled:"},
    };
    char *dir = support_tmpdir();
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char what[32];
        snprintf(what, sizeof what, "case %zu", k);
        support_expect_check_error(dir, bad[k].yaml, bad[k].where, what);
    }
    support_expect_check_warning(dir, "model:\n  name: genai\n  genai:\n    turnover:\n      onboarding_days: 10\n",
                                 "model.genai.turnover.onboarding_days: acts only with model.genai.turnover.enabled");
    support_rmdir(dir);
}

/* Roles lost: the programmes drop a leaver's position, so no vanguard
 * place is held by someone hired after the vanguard was picked (day 1). */
Test(turnover, roles_lost_leave_with_the_leaver)
{
    const char *sets[] = {CHURN, "interventions.vanguard.enabled=true", "model.genai.turnover.roles=lost", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 1);
    const int fv = field(res, "vanguard"), fd = field(res, "hired_day");
    int32_t hires_in_vanguard = 0, vanguard = 0;
    for (int32_t r = 0; r < res->n_rep; r++)
        for (int32_t i = 0; i < 500; i++) {
            vanguard += agent(res, fv, r, i) > 0;
            hires_in_vanguard += agent(res, fv, r, i) > 0 && agent(res, fd, r, i) > 1;
        }
    cr_expect_gt(vanguard, 0);
    cr_expect_eq(hires_in_vanguard, 0, "%d vanguard places held by later hires", hires_in_vanguard);
    engine_results_free(res);
    scenario_free(scn);
}
