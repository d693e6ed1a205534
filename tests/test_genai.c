/* test_genai.c: the generative-AI adoption model: the calibration figures of
 * shared/MODEL.md, invariants of its observables, determinism, habit
 * formation, and common random numbers between scenarios. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

/* Index of an observable by name (aborts the test if missing). */
static int obs(const sim_results *res, const char *name)
{
    for (int k = 0; k < res->n_obs; k++)
        if (strcmp(res->model->observables[k].name, name) == 0) return k;
    cr_assert_fail("no observable %s", name);
    return -1;
}

/* Mean over replicates of observable name at day t. */
static double mean_at(const sim_results *res, const char *name, int32_t t)
{
    int k = obs(res, name);
    double sum = 0;
    for (int32_t r = 0; r < res->n_rep; r++) sum += engine_result(res, k, r, t);
    return sum / res->n_rep;
}

static double mean_gen_at(const sim_results *res, const char *name, int32_t t, int g)
{
    int k = obs(res, name);
    double sum = 0;
    for (int32_t r = 0; r < res->n_rep; r++) sum += engine_result_by_generation(res, k, r, t)[g];
    return sum / res->n_rep;
}

/* The stalled 12-month push: everyone licensed on day 0 and told in a launch
 * speech that within a year they will use it like Word or Excel; nothing else. */
#define STALLED_PUSH "model.name=genai", "network.type=organization", "network.agents=1000", \
    "interventions.licences.enabled=true", "interventions.launch.enabled=true"

Test(genai, stalled_push_calibration, .timeout = 120)
{
    const char *sets[] = {STALLED_PUSH, "run.replicates=30", "run.days=365", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 2);
    double staff = mean_at(res, "staff", 365);
    double monthly = mean_at(res, "monthly_active", 365) / staff;
    double regular = mean_at(res, "regular_users", 365) / staff;
    cr_expect(monthly >= 0.45 && monthly <= 0.55, "monthly active at day 365: %.3f", monthly);
    cr_expect(regular >= 0.15 && regular <= 0.25, "regular users at day 365: %.3f", regular);

    double share[4];
    for (int g = 0; g < 3; g++)
        share[g] = mean_gen_at(res, "regular_users", 365, g) / mean_gen_at(res, "staff", 365, g);
    cr_expect(share[0] > share[1] && share[1] > share[2],
              "regular use by generation: gen_z %.3f, millennial %.3f, gen_x %.3f", share[0], share[1], share[2]);

    double leaders = mean_at(res, "leaders", 365), leaders_regular = mean_at(res, "leaders_regular", 365);
    double ic_share = (mean_at(res, "regular_users", 365) - leaders_regular) / (staff - leaders);
    cr_expect(leaders_regular / leaders < ic_share, "leaders %.3f vs individual contributors %.3f regular",
              leaders_regular / leaders, ic_share);
    engine_results_free(res);
    scenario_free(scn);
}

/* Licences and a speech, at five months: most users are trialists and
 * valuable use is a small share of all use. */
Test(genai, licences_and_speech_at_five_months, .timeout = 60)
{
    const char *sets[] = {STALLED_PUSH, "run.replicates=30", "run.days=150", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 2);
    double trialists = mean_at(res, "trialists", 150), regular = mean_at(res, "regular_users", 150);
    cr_expect_gt(trialists, regular, "trialists %.1f, regular users %.1f", trialists, regular);
    double uses = 0, valuable = 0;
    for (int32_t t = 1; t <= 150; t++) {
        uses += mean_at(res, "uses", t);
        valuable += mean_at(res, "valuable_uses", t);
    }
    cr_expect_lt(valuable, 0.5 * uses, "valuable %.0f of %.0f uses", valuable, uses);
    engine_results_free(res);
    scenario_free(scn);
}

/* Breakdowns sum to totals; weekly <= monthly; regular users are monthly
 * active; trialists are the rest; uses bound valuable and hidden uses. */
Test(genai, observables_add_up)
{
    const char *sets[] = {STALLED_PUSH, "interventions.permission.enabled=true", "interventions.permission.start=60",
                          "run.replicates=3", "run.days=200", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 2);
    for (int k = 0; k < res->n_obs; k++) {
        const sim_observable *o = &res->model->observables[k];
        if (!o->grouped || !o->is_count) continue;
        for (int32_t r = 0; r < res->n_rep; r++)
            for (int32_t t = 0; t < res->n_time; t++) {
                double total = engine_result(res, k, r, t), g = 0, l = 0;
                for (int i = 0; i < NET_GENERATIONS; i++) g += engine_result_by_generation(res, k, r, t)[i];
                for (int i = 0; i < res->n_levels; i++) l += engine_result_by_level(res, k, r, t)[i];
                cr_assert_eq(g, total, "%s by generation, day %d", o->name, (int)t);
                cr_assert_eq(l, total, "%s by level, day %d", o->name, (int)t);
            }
    }
    int monthly = obs(res, "monthly_active"), weekly = obs(res, "weekly_active"), regular = obs(res, "regular_users");
    int trial = obs(res, "trialists"), uses = obs(res, "uses"), valuable = obs(res, "valuable_uses");
    int hidden = obs(res, "hidden_uses"), access = obs(res, "with_access");
    for (int32_t r = 0; r < res->n_rep; r++)
        for (int32_t t = 0; t < res->n_time; t++) {
            double m = engine_result(res, monthly, r, t);
            cr_assert_leq(engine_result(res, weekly, r, t), m);
            cr_assert_leq(engine_result(res, regular, r, t), m);
            cr_assert_eq(engine_result(res, trial, r, t) + engine_result(res, regular, r, t), m);
            cr_assert_leq(engine_result(res, valuable, r, t), engine_result(res, uses, r, t));
            cr_assert_leq(engine_result(res, hidden, r, t), engine_result(res, uses, r, t));
            cr_assert_leq(engine_result(res, uses, r, t), engine_result(res, access, r, t));
        }
    engine_results_free(res);
    scenario_free(scn);
}

static void expect_identical(const sim_results *a, const sim_results *b, int32_t upto, const char *what)
{
    for (int k = 0; k < a->n_obs; k++)
        for (int32_t r = 0; r < a->n_rep; r++)
            for (int32_t t = 0; t <= upto; t++)
                cr_assert(memcmp(&a->data[((size_t)k * a->n_rep + r) * a->n_time + t],
                                 &b->data[((size_t)k * b->n_rep + r) * b->n_time + t], sizeof(double)) == 0,
                          "%s: %s differs at day %d", what, a->model->observables[k].name, (int)t);
}

Test(genai, identical_for_any_thread_count, .timeout = 120)
{
    /* above SIM_PARALLEL_MIN so the loops really run in parallel */
    const char *sets[] = {"model.name=genai", "network.type=organization", "network.agents=40000",
                          "interventions.licences.enabled=true", "interventions.launch.enabled=true",
                          "interventions.vanguard.enabled=true", "interventions.training.enabled=true",
                          "run.days=60", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *r1 = support_run(scn, 1), *r2 = support_run(scn, 2), *r4 = support_run(scn, 4);
    expect_identical(r1, r2, 60, "1 vs 2 threads");
    expect_identical(r1, r4, 60, "1 vs 4 threads");
    size_t bytes = (size_t)r1->n_obs * r1->n_rep * r1->n_time * NET_GENERATIONS * sizeof(double);
    cr_expect(memcmp(r1->by_generation, r4->by_generation, bytes) == 0, "breakdown by generation differs");
    engine_results_free(r1);
    engine_results_free(r2);
    engine_results_free(r4);
    scenario_free(scn);
}

/* Common random numbers: a scenario that adds an intervention on day 100
 * is bit-identical to the baseline before day 100; ones that start on the
 * last day are bit-identical up to it. */
Test(genai, interventions_share_random_numbers_with_the_baseline, .timeout = 60)
{
    const char *base[] = {STALLED_PUSH, "run.replicates=2", "run.days=150", NULL};
    const char *later[] = {STALLED_PUSH, "run.replicates=2", "run.days=150", "interventions.permission.enabled=true",
                           "interventions.permission.start=100", NULL};
    /* (a start after the last day is refused: it would never act) */
    const char *never[] = {STALLED_PUSH, "run.replicates=2", "run.days=150", "interventions.vanguard.enabled=true",
                           "interventions.vanguard.start=150", "interventions.reverse_mentoring.enabled=true",
                           "interventions.reverse_mentoring.start=150", NULL};
    scenario *sb = support_scenario(base), *sl = support_scenario(later), *sn = support_scenario(never);
    sim_results *rb = support_run(sb, 2), *rl = support_run(sl, 2), *rn = support_run(sn, 2);
    expect_identical(rb, rl, 99, "permission from day 100");
    expect_identical(rb, rn, 149, "interventions from the last day");
    cr_expect_neq(mean_at(rb, "hidden_uses", 150), mean_at(rl, "hidden_uses", 150), "permission changed nothing");
    engine_results_free(rb);
    engine_results_free(rl);
    engine_results_free(rn);
    scenario_free(sb);
    scenario_free(sl);
    scenario_free(sn);
}

/* Habit: an agent using the tool every day follows A(t) = 1 - (1 - c)^t,
 * reaching 95% after ln(20) / -ln(1 - c) days (64.5 for c = 0.0454, the
 * Lally et al. median); without use there is no growth. */
Test(genai, habit_grows_with_daily_use_only)
{
    const char *sets[] = {"model.name=genai", "network.type=organization", "network.agents=500",
                          "interventions.licences.enabled=true", "model.genai.use.intercept=20",
                          "model.genai.disillusion.after=255", "run.days=120",
                          "model.genai.suitability.median=1", NULL}; /* work for the tool every day */
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 1);
    const double c = 0.0454;
    for (int32_t t = 0; t <= 120; t += 10)
        cr_expect(fabs(mean_at(res, "mean_habit", t) - (1 - pow(1 - c, t))) < 1e-4, "day %d: habit %g, expected %g",
                  (int)t, mean_at(res, "mean_habit", t), 1 - pow(1 - c, t));
    int32_t t95 = (int32_t)ceil(log(20) / -log(1 - c));
    cr_expect_lt(mean_at(res, "mean_habit", t95 - 1), 0.95);
    cr_expect_geq(mean_at(res, "mean_habit", t95), 0.95);
    engine_results_free(res);
    scenario_free(scn);

    const char *idle[] = {"model.name=genai", "network.type=organization", "network.agents=500", "run.days=60", NULL};
    scn = support_scenario(idle);
    res = support_run(scn, 1);
    cr_expect_eq(mean_at(res, "mean_habit", 60), 0, "habit grew without access");
    cr_expect_eq(mean_at(res, "monthly_active", 60), 0);
    engine_results_free(res);
    scenario_free(scn);
}

/* Mechanism tests: each intervention, added to the stalled push on day 30,
 * moves the outcome its module claims, measured as a paired difference
 * against the baseline (the same random numbers; 8 replicates of 600 staff). */
typedef struct mechanism {
    char name[40];
    char sets[3][64];    /* extra key=value settings ("" for none) */
    char what[40];       /* observable compared */
    int32_t day;         /* day compared (or the last day of a sum) */
    int sum;             /* 1: sum over days 31..day; 0: the value on day */
    int ratio_to_uses;   /* 1: compare what / uses */
    int sign;            /* +1: must rise, -1: must fall */
} mechanism;

static mechanism mechanisms[] = {
    {"permission lowers hidden use", {"interventions.permission.enabled=true", "", ""}, "hidden_uses", 200, 1, 1, -1},
    {"permission raises use", {"interventions.permission.enabled=true", "", ""}, "uses", 200, 1, 0, 1},
    {"vanguard raises regular use", {"interventions.vanguard.enabled=true", "", ""}, "regular_users", 200, 0, 0, 1},
    {"leadership: leaders model use", {"interventions.leadership.enabled=true", "", ""}, "leaders_modelling", 200, 1, 0, 1},
    {"reverse mentoring: leaders model use", {"interventions.reverse_mentoring.enabled=true", "", ""}, "leaders_modelling", 200, 1, 0, 1},
    {"training raises skill", {"interventions.training.enabled=true", "", ""}, "mean_skill", 200, 0, 0, 1},
    {"training raises valuable share", {"interventions.training.enabled=true", "", ""}, "valuable_uses", 200, 1, 1, 1},
    {"peer mentoring lowers disillusion", {"interventions.peer_mentoring.enabled=true", "", ""}, "disillusioned", 200, 0, 0, -1},
    {"reinforcement raises monthly activity", {"interventions.reinforcement.enabled=true", "", ""}, "monthly_active", 200, 0, 0, 1},
    {"accountability raises monthly activity", {"interventions.accountability.enabled=true", "", ""}, "monthly_active", 200, 0, 0, 1},
    {"accountability lowers valuable share", {"interventions.accountability.enabled=true", "", ""}, "valuable_uses", 200, 1, 1, -1},
    {"a second launch raises use", {"interventions.launch.every=60", "", ""}, "uses", 200, 1, 0, 1},
};

ParameterizedTestParameters(genai, mechanism)
{
    return cr_make_param_array(mechanism, mechanisms, sizeof mechanisms / sizeof mechanisms[0]);
}

static double outcome(const sim_results *res, const mechanism *m, int32_t r)
{
    int k = obs(res, m->what), u = obs(res, "uses");
    double v = 0, uses = 0;
    for (int32_t t = m->sum ? 31 : m->day; t <= m->day; t++) {
        v += engine_result(res, k, r, t);
        uses += engine_result(res, u, r, t);
    }
    return m->ratio_to_uses ? v / (uses > 0 ? uses : 1) : v;
}

ParameterizedTest(mechanism *m, genai, mechanism, .timeout = 60)
{
    const char *base[] = {STALLED_PUSH, "network.agents=600", "run.replicates=8", "run.days=200", NULL};
    char start[80] = "";
    const char *with[12] = {STALLED_PUSH, "network.agents=600", "run.replicates=8", "run.days=200"};
    int n = 8;
    for (int i = 0; i < 3; i++)
        if (m->sets[i][0]) with[n++] = m->sets[i];
    /* the intervention starts on day 30 (a repeated launch keeps day 0) */
    if (strstr(m->sets[0], ".enabled=true")) {
        snprintf(start, sizeof start, "%.*s.start=30", (int)(strstr(m->sets[0], ".enabled") - m->sets[0]), m->sets[0]);
        with[n++] = start;
    }
    with[n] = NULL;
    scenario *sb = support_scenario(base), *sw = support_scenario(with);
    sim_results *rb = support_run(sb, 2), *rw = support_run(sw, 2);
    double diff = 0, m2 = 0, d[16];
    for (int32_t r = 0; r < rb->n_rep; r++) {
        d[r] = outcome(rw, m, r) - outcome(rb, m, r);
        diff += d[r] / rb->n_rep;
    }
    for (int32_t r = 0; r < rb->n_rep; r++) m2 += (d[r] - diff) * (d[r] - diff);
    double se = sqrt(m2 / (rb->n_rep - 1) / rb->n_rep);
    /* the paired mean difference must have the claimed sign, 2 standard errors clear of 0 */
    cr_expect_gt(m->sign * diff, 2 * se, "%s: paired difference %g (se %g)", m->name, diff, se);
    engine_results_free(rb);
    engine_results_free(rw);
    scenario_free(sb);
    scenario_free(sw);
}

/* Sum of observable k over days from..to in replicate r. */
static double sum_days(const sim_results *res, int k, int32_t r, int32_t from, int32_t to)
{
    double v = 0;
    for (int32_t t = from; t <= to; t++) v += engine_result(res, k, r, t);
    return v;
}

/* Accountability raises monthly activity more than valuable use: check-ins
 * press non-users until they make one quick, trivial compliance use to
 * report (models/interventions/accountability.c).
 *
 * The comparison: weekly check-ins for everyone from day 30 on top of the
 * stalled push (24 replicates of 600 staff), against the stalled push with
 * the same random numbers.  Per replicate r, the relative increase of
 * monthly active at day 200 (agents who used it in days 171..200) and of
 * valuable uses over the same 30 days, as log ratios; their paired
 * difference d_r = log(monthly ratio) - log(valuable ratio) must be positive
 * on average, 2 standard errors clear of 0.  The same 30-day window for
 * both, and 170 days of check-ins, so the slow spill-over of the extra use
 * into real use (skill, habit, peers and leaders seeing it used) is in.
 * Measured on the calibrated defaults (seed 1): monthly active x1.91,
 * valuable uses x1.44, mean d 0.28 (se 0.02).  (Before the recalibration,
 * with the module as it once was -- a fading prompt to every non-user, any
 * number of ordinary uses -- valuable uses rose x3.06 against monthly
 * active x1.72: this test failed.)
 *
 * Stopped after day 120, most of the extra activity goes: monthly active
 * at day 200 is x1.39 the baseline against x1.91 with check-ins (the test
 * asks for less than three quarters of the gain).  Not all of it: a
 * compliance use is a first try (use.first_try), and people who have tried
 * it come back more easily (docs/MODEL.md 3.4).  The claim holds at the
 * default pressure, not at any: docs/MODEL.md, section 4.4. */
Test(genai, accountability_raises_activity_more_than_value, .timeout = 60)
{
    const char *base[] = {STALLED_PUSH, "network.agents=600", "run.replicates=24", "run.days=200", NULL};
    const char *with[] = {STALLED_PUSH, "network.agents=600", "run.replicates=24", "run.days=200",
                          "interventions.accountability.enabled=true", "interventions.accountability.start=30", NULL};
    const char *ended[] = {STALLED_PUSH, "network.agents=600", "run.replicates=24", "run.days=200",
                           "interventions.accountability.enabled=true", "interventions.accountability.start=30",
                           "interventions.accountability.end=120", NULL};
    scenario *sb = support_scenario(base), *sw = support_scenario(with), *se = support_scenario(ended);
    sim_results *rb = support_run(sb, 2), *rw = support_run(sw, 2), *re = support_run(se, 2);
    const int monthly = obs(rb, "monthly_active"), valuable = obs(rb, "valuable_uses");
    const int32_t n = rb->n_rep;
    double d[24], mean = 0, m2 = 0;
    cr_assert_eq(n, 24);
    for (int32_t r = 0; r < n; r++) {
        double mb = engine_result(rb, monthly, r, 200), mw = engine_result(rw, monthly, r, 200);
        double vb = sum_days(rb, valuable, r, 171, 200), vw = sum_days(rw, valuable, r, 171, 200);
        cr_assert(mb > 0 && vb > 0, "replicate %d: empty baseline", (int)r);
        d[r] = log(mw / mb) - log(vw / vb);
        mean += d[r] / n;
    }
    for (int32_t r = 0; r < n; r++) m2 += (d[r] - mean) * (d[r] - mean);
    double se_d = sqrt(m2 / (n - 1) / n);
    double monthly_x = mean_at(rw, "monthly_active", 200) / mean_at(rb, "monthly_active", 200), vb = 0, vw = 0;
    for (int32_t r = 0; r < n; r++) {
        vb += sum_days(rb, valuable, r, 171, 200);
        vw += sum_days(rw, valuable, r, 171, 200);
    }
    cr_expect_gt(monthly_x, 1.3, "check-ins should raise monthly activity: x%.3f", monthly_x);
    cr_expect_gt(mean, 2 * se_d, "monthly active x%.3f, valuable uses x%.3f: paired log-ratio difference %.3f (se %.3f)",
                 monthly_x, vw / vb, mean, se_d);
    double after = mean_at(re, "monthly_active", 200) / mean_at(rb, "monthly_active", 200);
    cr_expect_lt(after - 1, 0.75 * (monthly_x - 1),
                 "80 days after the last check-in monthly active is x%.3f the baseline (x%.3f with check-ins)", after,
                 monthly_x);
    engine_results_free(rb);
    engine_results_free(rw);
    engine_results_free(re);
    scenario_free(sb);
    scenario_free(sw);
    scenario_free(se);
}

/* Licences cost price x seats x 12/365 a day, accumulated. */
Test(genai, licence_cost_accrues_per_seat_day)
{
    const char *sets[] = {STALLED_PUSH, "network.agents=300", "run.days=100", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 1);
    double expect = 300 * 20.0 * 12 / 365 * 100;
    double got = mean_at(res, "cost_dollars", 100);
    cr_expect(fabs(got - expect) < 1e-6 * expect + 20.0 * 12 / 365 * 300, "cost %g, expected about %g", got, expect);
    engine_results_free(res);
    scenario_free(scn);
}

/* The settings of the mechanism tests below: an organization with a
 * licence for everyone from day 1, nothing else. */
#define LICENSED(AGENTS, DAYS) \
    "model.name=genai", "network.type=organization", "network.agents=" AGENTS, "run.days=" DAYS, \
        "interventions.licences.enabled=true"

/* Task suitability is a ceiling: a person whose work offers the tool a task
 * on 2% of days uses it on about 2% of days however motivated (intercept
 * 20: every decision is yes), so nobody becomes a regular user (8 of 28
 * days: P < 1e-8 a person), though more than 30% are monthly active by day
 * 120. */
Test(genai, suitability_caps_regular_use)
{
    const char *low[] = {LICENSED("500", "120"), "model.genai.use.intercept=20",
                         "model.genai.suitability.median=0.02", "model.genai.suitability.sd=0", NULL};
    scenario *scn = support_scenario(low);
    sim_results *res = support_run(scn, 1);
    for (int32_t t = 0; t <= 120; t++) cr_expect_eq(mean_at(res, "regular_users", t), 0, "day %d", (int)t);
    cr_expect_gt(mean_at(res, "monthly_active", 120), 0.3 * 500);
    double uses = 0;
    for (int32_t t = 1; t <= 120; t++) uses += mean_at(res, "uses", t);
    cr_expect_lt(fabs(uses / (500.0 * 120) - 0.02), 0.003, "share of days with a use %g", uses / (500.0 * 120));
    engine_results_free(res);
    scenario_free(scn);
}

/* The first try: with a barrier of 20 logit nobody ever starts, though
 * the same decision without it (intercept -1) starts most of them; the
 * barrier holds only until the first use. */
Test(genai, first_try_barrier_only_before_the_first_use)
{
    const char *shut[] = {LICENSED("300", "60"), "model.genai.use.intercept=-1", "model.genai.use.first_try=20",
                          "model.genai.suitability.median=1", NULL};
    const char *open[] = {LICENSED("300", "60"), "model.genai.use.intercept=-1", "model.genai.use.first_try=0",
                          "model.genai.suitability.median=1", NULL};
    scenario *a = support_scenario(shut), *b = support_scenario(open);
    sim_results *ra = support_run(a, 1), *rb = support_run(b, 1);
    cr_expect_eq(mean_at(ra, "monthly_active", 60), 0);
    cr_expect_gt(mean_at(rb, "monthly_active", 60), 150);
    engine_results_free(ra);
    engine_results_free(rb);
    scenario_free(a);
    scenario_free(b);
    /* intercept 20 and a barrier of 20: a first try is a coin flip or so,
     * every later decision a certain yes; so on day 60 everyone who has
     * tried uses it (uses = monthly active), and nearly everyone has */
    const char *tried[] = {LICENSED("300", "60"), "model.genai.use.intercept=20", "model.genai.use.first_try=20",
                           "model.genai.suitability.median=1", "model.genai.disillusion.after=255", NULL};
    scenario *c = support_scenario(tried);
    sim_results *rc = support_run(c, 1);
    cr_expect_eq(mean_at(rc, "uses", 60), mean_at(rc, "monthly_active", 60));
    cr_expect_gt(mean_at(rc, "monthly_active", 60), 250);
    cr_expect_lt(mean_at(rc, "monthly_active", 1), 250, "the first tries are spread: %g on day 1",
                 mean_at(rc, "monthly_active", 1));
    engine_results_free(rc);
    scenario_free(c);
}

/* Hiding users are users (never more than the monthly active), and the
 * concealers hide every use while use is not permitted; explicit
 * permission at strength 1 from day 1 leaves nobody hiding. */
Test(genai, hiding_users_are_users_and_permission_ends_hiding)
{
    const char *push[] = {LICENSED("500", "120"), "interventions.launch.enabled=true", NULL};
    scenario *a = support_scenario(push);
    sim_results *ra = support_run(a, 1);
    for (int32_t t = 0; t <= 120; t++)
        cr_expect_leq(mean_at(ra, "hiding_users", t), mean_at(ra, "monthly_active", t), "day %d", (int)t);
    cr_expect_gt(mean_at(ra, "hiding_users", 120), 0);
    const char *open[] = {LICENSED("500", "120"), "interventions.launch.enabled=true",
                          "interventions.permission.enabled=true", "interventions.permission.strength=1", NULL};
    scenario *b = support_scenario(open);
    sim_results *rb = support_run(b, 1);
    for (int32_t t = 0; t <= 120; t++) cr_expect_eq(mean_at(rb, "hiding_users", t), 0, "day %d", (int)t);
    engine_results_free(ra);
    engine_results_free(rb);
    scenario_free(a);
    scenario_free(b);
}
