/* test_interventions.c: the genai interventions.
 *
 * First the helpers every intervention shares (intervention.c: schedule,
 * target lists, target draws; helpers.c: grouping, ranking, the reporting
 * tree), then each intervention on a small hand-built world: a generated
 * organization of 200 staff with span 4 (levels 0..4: 1, 4, 16, 64 and 115
 * agents; the manager of i > 0 is (i-1)/4, its team 1 + that id), world
 * arrays allocated here, alloc/init/apply called directly, and the state
 * checked against what each module's header comment promises.  Last, a few
 * whole runs of the genai model with interventions switched on. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genai.h"
#include "helpers.h"
#include "intervention.h"
#include "interventions.h"
#include "network.h"
#include "support.h"

/* ---------- a small world ---------- */

typedef struct world {
    scenario *scn;
    sim_network *net;
    genai_params par;
    genai_world w;
    const genai_intervention_type *type;
    void *state;
} world;

/* The network rows and every intervention's rows, defaults for a 200-agent
 * organization of span 4, then the overrides. */
static scenario *iv_scenario(const char *const *sets)
{
    const param_def *tables[32];
    size_t n = 0;
    tables[n++] = network_params;
    for (int i = 0; genai_interventions[i]; i++) tables[n++] = genai_interventions[i]->params;
    scenario *scn = NULL;
    sim_error err;
    char buf[2048];
    int rc = scenario_alloc(tables, n, &scn, &err);
    cr_assert_eq(rc, SIM_OK, "scenario_alloc: %s", sim_error_format(&err, buf, sizeof buf));
    const char *base[] = {"network.type=organization", "network.agents=200", "organization.span=4", NULL};
    for (size_t i = 0; base[i]; i++) cr_assert_eq(scenario_set(scn, base[i], &err), SIM_OK);
    /* full doses unless a test says otherwise: the rules of each module are
     * tested at attendance 1 and fatigue 0; the dose tests set their own */
    static const char *const dosed[] = {"launch", "reinforcement", "training", "leadership", "vanguard",
                                        "reverse_mentoring", "peer_mentoring", NULL};
    for (size_t i = 0; dosed[i]; i++) {
        char k[128];
        snprintf(k, sizeof k, "interventions.%s.attendance=1", dosed[i]);
        cr_assert_eq(scenario_set(scn, k, &err), SIM_OK, "%s", k);
        snprintf(k, sizeof k, "interventions.%s.fatigue=0", dosed[i]);
        cr_assert_eq(scenario_set(scn, k, &err), SIM_OK, "%s", k);
    }
    /* and everyone willing enough to volunteer for the vanguard (the rule
     * tests rank by willingness; volunteers_and_appointed tests the bar) */
    cr_assert_eq(scenario_set(scn, "interventions.vanguard.volunteer_min=-20", &err), SIM_OK);
    for (size_t i = 0; sets && sets[i]; i++) {
        rc = scenario_set(scn, sets[i], &err);
        cr_assert_eq(rc, SIM_OK, "%s: %s", sets[i], sim_error_format(&err, buf, sizeof buf));
    }
    return scn;
}

static void world_arrays(genai_world *w, const sim_network *net, const genai_params *par)
{
    memset(w, 0, sizeof *w);
    const size_t n = (size_t)net->n;
    w->net = net;
    w->par = par;
    w->n = net->n;
    w->key = rng_key_make(7, 0);
    for (int t = 0; t < GENAI_TRAITS; t++) cr_assert_not_null(w->trait[t] = calloc(n, sizeof(float)));
#define ALLOC(field) cr_assert_not_null(w->field = calloc(n, sizeof *w->field))
    ALLOC(access); ALLOC(attitude); ALLOC(skill); ALLOC(habit); ALLOC(history); ALLOC(shown);
    ALLOC(failures); ALLOC(disillusioned); ALLOC(roles); ALLOC(today); ALLOC(nudge); ALLOC(endorse);
    ALLOC(recovery); ALLOC(simplify); ALLOC(uses); ALLOC(valuable_uses); ALLOC(n_reports);
#undef ALLOC
    for (int32_t i = 0; i < net->n; i++)
        if (net->manager[i] >= 0) w->n_reports[net->manager[i]]++;
}

static void world_arrays_free(genai_world *w)
{
    for (int t = 0; t < GENAI_TRAITS; t++) free(w->trait[t]);
    free(w->access); free(w->attitude); free(w->skill); free(w->habit); free(w->history);
    free(w->shown); free(w->failures); free(w->disillusioned); free(w->roles); free(w->today);
    free(w->nudge); free(w->endorse); free(w->recovery); free(w->simplify); free(w->uses);
    free(w->valuable_uses); free(w->n_reports);
}

/* A world with one intervention allocated (not yet initialised). */
static world *open_world(const genai_intervention_type *type, const char *const *sets)
{
    world *x = calloc(1, sizeof *x);
    cr_assert_not_null(x);
    x->scn = iv_scenario(sets);
    sim_error err;
    char buf[2048];
    int rc = network_build(x->scn, 1, &x->net, &err);
    cr_assert_eq(rc, SIM_OK, "network_build: %s", sim_error_format(&err, buf, sizeof buf));
    cr_assert_eq(x->net->n, 200);
    world_arrays(&x->w, x->net, &x->par);
    x->type = type;
    rc = type->alloc(x->scn, &x->w, &x->state, &err);
    cr_assert_eq(rc, SIM_OK, "%s alloc: %s", type->name, sim_error_format(&err, buf, sizeof buf));
    return x;
}

static void close_world(world *x)
{
    x->type->free(x->state);
    world_arrays_free(&x->w);
    network_free(x->net);
    scenario_free(x->scn);
    free(x);
}

static void run_days(world *x, int32_t from, int32_t to)
{
    for (int32_t d = from; d <= to; d++) {
        x->w.day = d;
        x->type->apply(x->state, &x->w, d);
    }
}

static float *copy_floats(const float *a, int32_t n)
{
    float *c = malloc((size_t)n * sizeof *c);
    cr_assert_not_null(c);
    memcpy(c, a, (size_t)n * sizeof *c);
    return c;
}

static int close_to(double a, double b)
{
    return fabs(a - b) <= 1e-5 * (1 + fabs(b));
}

static double sum_floats(const float *a, int32_t n)
{
    double s = 0;
    for (int32_t i = 0; i < n; i++) s += a[i];
    return s;
}

/* The intervention called name. */
static const genai_intervention_type *iv_named(const char *name)
{
    for (int i = 0; genai_interventions[i]; i++)
        if (!strcmp(genai_interventions[i]->name, name)) return genai_interventions[i];
    cr_assert_fail("no intervention %s", name);
    return NULL;
}

/* Read the common keys of `name` from a scenario with the overrides. */
static scenario *read_common(const char *name, const char *const *sets, iv_common *c)
{
    scenario *scn = iv_scenario(sets);
    sim_error err;
    char buf[2048];
    int rc = iv_common_read(scn, iv_named(name), c, &err);
    cr_assert_eq(rc, SIM_OK, "iv_common_read: %s", sim_error_format(&err, buf, sizeof buf));
    return scn;
}

/* ---------- intervention.c: schedule ---------- */

Test(intervention_common, session_cadence_start_end_every)
{
    iv_common c;
    const char *sets[] = {"interventions.launch.enabled=true", "interventions.launch.start=10",
                          "interventions.launch.end=40", "interventions.launch.every=7", NULL};
    scenario *scn = read_common("launch", sets, &c);
    for (int32_t d = 0; d <= 60; d++) {
        int active = d >= 10 && d <= 40;
        int session = active && (d - 10) % 7 == 0;
        cr_expect_eq(iv_active(&c, d), active, "day %d active", d);
        cr_expect_eq(iv_session(&c, d), session, "day %d session", d);
    }
    iv_common_free(&c);
    scenario_free(scn);

    const char *once[] = {"interventions.launch.enabled=true", "interventions.launch.start=10",
                          "interventions.launch.every=0", NULL};
    scn = read_common("launch", once, &c);
    for (int32_t d = 0; d <= 100; d++) cr_expect_eq(iv_session(&c, d), d == 10, "day %d", d);
    cr_expect(iv_active(&c, 100000), "no end: active to the horizon");
    iv_common_free(&c);
    scenario_free(scn);

    const char *open_end[] = {"interventions.launch.enabled=true", "interventions.launch.start=10",
                              "interventions.launch.every=7", NULL};
    scn = read_common("launch", open_end, &c);
    cr_expect(iv_session(&c, 10 + 7 * 143));
    cr_expect(!iv_session(&c, 11 + 7 * 143));
    iv_common_free(&c);
    scenario_free(scn);

    const char *off[] = {"interventions.launch.start=10", "interventions.launch.every=7", NULL};
    scn = read_common("launch", off, &c);
    for (int32_t d = 0; d <= 60; d++) cr_expect(!iv_session(&c, d) && !iv_active(&c, d), "disabled, day %d", d);
    iv_common_free(&c);
    scenario_free(scn);
}

/* ---------- intervention.c: targets ---------- */

/* A world of the network alone (iv_eligible and iv_select read only net, n and key). */
static world *net_world(const char *const *sets, iv_common *c)
{
    world *x = calloc(1, sizeof *x);
    cr_assert_not_null(x);
    x->scn = read_common("launch", sets, c);
    sim_error err;
    cr_assert_eq(network_build(x->scn, 1, &x->net, &err), SIM_OK);
    x->w.net = x->net;
    x->w.n = x->net->n;
    x->w.key = rng_key_make(7, 0);
    return x;
}

static void net_world_free(world *x, iv_common *c)
{
    iv_common_free(c);
    network_free(x->net);
    scenario_free(x->scn);
    free(x);
}

Test(intervention_common, eligible_by_levels)
{
    iv_common c;
    const char *sets[] = {"interventions.launch.target.levels=0-1,3", NULL};
    world *x = net_world(sets, &c);
    cr_assert_eq(x->net->n_levels, 5);
    int seen[5] = {0};
    for (int32_t i = 0; i < x->w.n; i++) {
        int l = x->net->level[i];
        seen[l] = 1;
        cr_expect_eq(iv_eligible(&c, &x->w, i), l == 0 || l == 1 || l == 3, "agent %d level %d", i, l);
    }
    for (int l = 0; l < 5; l++) cr_expect(seen[l]);
    net_world_free(x, &c);
}

Test(intervention_common, eligible_by_generations)
{
    iv_common c;
    const char *sets[] = {"interventions.launch.target.generations=gen_z,boomer", NULL};
    world *x = net_world(sets, &c);
    int hits = 0;
    for (int32_t i = 0; i < x->w.n; i++) {
        int g = x->net->generation[i];
        cr_expect_eq(iv_eligible(&c, &x->w, i), g == 0 || g == 3, "agent %d generation %d", i, g);
        hits += g == 0 || g == 3;
    }
    cr_expect_gt(hits, 0);
    net_world_free(x, &c);
}

Test(intervention_common, eligible_by_teams)
{
    iv_common c;
    const char *sets[] = {"interventions.launch.target.teams=1,3-4", NULL};
    world *x = net_world(sets, &c);
    int hits = 0;
    for (int32_t i = 0; i < x->w.n; i++) {
        int t = x->net->team[i];
        int want = t == 1 || t == 3 || t == 4;
        cr_expect_eq(iv_eligible(&c, &x->w, i), want, "agent %d team %d", i, t);
        hits += want;
    }
    cr_expect_eq(hits, 12, "three teams of 4");
    net_world_free(x, &c);
}

Test(intervention_common, bad_targets_rejected_at_their_key)
{
    static const struct { const char *field, *value; } bad[] = {
        {"target.levels", "x"},          {"target.levels", "2-1"},
        {"target.levels", "1,,2"},       {"target.levels", "-1"},
        {"target.levels", "1;2"},        {"target.generations", "genz"},
        {"target.generations", "gen_z;boomer"}, {"target.generations", "all,gen_z"},
        {"target.teams", "a"},           {"target.teams", "5-2"},
        {"target.teams", "3000000000"},  {"target.teams", "1 2"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char set[256], key[128];
        snprintf(key, sizeof key, "interventions.training.%s", bad[k].field);
        snprintf(set, sizeof set, "%s=%s", key, bad[k].value);
        const char *sets[] = {set, NULL};
        scenario *scn = iv_scenario(sets);
        iv_common c;
        sim_error err;
        sim_error_clear(&err);
        int rc = iv_common_read(scn, iv_named("training"), &c, &err);
        cr_expect_eq(rc, SIM_EINPUT, "%s accepted", set);
        cr_expect_str_eq(err.key, key, "%s: error at %s", set, err.key);
        cr_expect_null(c.teams);
        iv_common_free(&c);
        scenario_free(scn);
    }
    const char *sets[] = {"interventions.training.start=10", "interventions.training.end=5", NULL};
    scenario *scn = iv_scenario(sets);
    iv_common c;
    sim_error err;
    cr_expect_eq(iv_common_read(scn, iv_named("training"), &c, &err), SIM_EINPUT);
    cr_expect_str_eq(err.key, "interventions.training.end");
    cr_expect_eq(err.file[0] == '-', 1, "set from --set: %s", err.file);
    iv_common_free(&c);
    scenario_free(scn);
}

static int32_t *select_ids(const iv_common *c, const genai_world *w, int32_t *m)
{
    int32_t *ids = calloc((size_t)w->n, sizeof *ids);
    cr_assert_not_null(ids);
    *m = iv_select(c, w, NULL, ids);
    for (int32_t k = 0; k < *m; k++) {
        cr_expect(iv_eligible(c, w, ids[k]), "selected %d is not eligible", ids[k]);
        if (k > 0) cr_expect_lt(ids[k - 1], ids[k], "ids not increasing");
    }
    return ids;
}

Test(intervention_common, select_share_reproducible_within_eligible)
{
    iv_common c;
    const char *sets[] = {"interventions.launch.target.levels=3-4", "interventions.launch.target.share=0.5", NULL};
    world *x = net_world(sets, &c);
    const int32_t eligible = 64 + 115;
    int32_t m1, m2;
    int32_t *a = select_ids(&c, &x->w, &m1), *b = select_ids(&c, &x->w, &m2);
    cr_expect_eq(m1, m2);
    cr_expect(memcmp(a, b, (size_t)m1 * sizeof *a) == 0, "same key, same group");
    double sd = sqrt(eligible * 0.25);
    cr_expect(fabs(m1 - eligible * 0.5) < 4 * sd, "%d of %d drawn at share 0.5", m1, eligible);
    x->w.key = rng_key_make(7, 1);
    int32_t m3;
    int32_t *other = select_ids(&c, &x->w, &m3);
    cr_expect(m3 != m1 || memcmp(a, other, (size_t)m1 * sizeof *a) != 0, "another replicate, another group");
    free(a);
    free(b);
    free(other);
    net_world_free(x, &c);
}

Test(intervention_common, select_count_reproducible_within_eligible)
{
    iv_common c;
    const char *sets[] = {"interventions.launch.target.levels=3-4", "interventions.launch.target.count=10", NULL};
    world *x = net_world(sets, &c);
    int32_t m1, m2;
    int32_t *a = select_ids(&c, &x->w, &m1), *b = select_ids(&c, &x->w, &m2);
    cr_expect_eq(m1, 10);
    cr_expect_eq(m2, 10);
    cr_expect(memcmp(a, b, 10 * sizeof *a) == 0);
    free(a);
    free(b);
    net_world_free(x, &c);

    /* a cap above the eligible count takes them all */
    const char *all[] = {"interventions.launch.target.levels=3-4", "interventions.launch.target.count=1000", NULL};
    x = net_world(all, &c);
    a = select_ids(&c, &x->w, &m1);
    cr_expect_eq(m1, 64 + 115);
    free(a);
    net_world_free(x, &c);

    /* share then count: the capped group is part of the share's group */
    const char *share[] = {"interventions.launch.target.share=0.5", NULL};
    x = net_world(share, &c);
    a = select_ids(&c, &x->w, &m1);
    net_world_free(x, &c);
    const char *both[] = {"interventions.launch.target.share=0.5", "interventions.launch.target.count=7", NULL};
    x = net_world(both, &c);
    b = select_ids(&c, &x->w, &m2);
    cr_expect_eq(m2, 7);
    for (int32_t k = 0; k < m2; k++) {
        int found = 0;
        for (int32_t q = 0; q < m1; q++) found |= a[q] == b[k];
        cr_expect(found, "%d not in the share's group", b[k]);
    }
    free(a);
    free(b);
    net_world_free(x, &c);
}

/* ---------- helpers.c ---------- */

Test(intervention_helpers, group_and_rank)
{
    int32_t key[10] = {2, 0, -1, 2, 1, 0, 2, 5, 1, 2};
    int32_t start[4], ids[10];
    iv_group(key, 10, 3, start, ids);
    cr_expect_eq(start[0], 0);
    cr_expect_eq(start[1], 2);
    cr_expect_eq(start[2], 4);
    cr_expect_eq(start[3], 8);
    int32_t want[8] = {1, 5, 4, 8, 0, 3, 6, 9};
    for (int k = 0; k < 8; k++) cr_expect_eq(ids[k], want[k], "ids[%d]", k);

    double score[8] = {0.5, 0.9, 0.5, 0.1, 0.9, 0.3, 0.5, 0.0};
    int32_t r[8] = {7, 6, 5, 4, 3, 2, 1, 0};
    iv_rank(r, 8, score);
    int32_t ranked[8] = {1, 4, 0, 2, 6, 5, 3, 7};
    for (int k = 0; k < 8; k++) cr_expect_eq(r[k], ranked[k], "rank %d", k);
}

Test(intervention_helpers, tree_order_departments)
{
    iv_common c;
    world *x = net_world(NULL, &c);
    const int32_t n = x->net->n;
    int32_t *rs = calloc((size_t)n + 1, sizeof *rs), *ri = calloc((size_t)n, sizeof *ri);
    int32_t *order = calloc((size_t)n, sizeof *order), *first = calloc((size_t)n, sizeof *first);
    int32_t *last = calloc((size_t)n, sizeof *last), *stack = calloc((size_t)n, sizeof *stack);
    iv_group(x->net->manager, n, n, rs, ri);
    iv_tree_order(x->net, rs, ri, order, first, last, stack);
    for (int32_t i = 0; i < n; i++) {
        cr_assert_geq(first[i], 0);
        cr_expect_eq(order[first[i]], i);
        /* j is in i's department iff i is on j's chain of managers */
        for (int32_t j = 0; j < n; j += 7) {
            int below = 0;
            for (int32_t m = x->net->manager[j]; m >= 0; m = x->net->manager[m]) below |= m == i;
            int inside = first[j] > first[i] && first[j] <= last[i];
            cr_expect_eq(inside, below, "%d below %d", j, i);
        }
    }
    free(rs); free(ri); free(order); free(first); free(last); free(stack);
    net_world_free(x, &c);
}

/* ---------- the list ---------- */

Test(interventions, list_names_and_tables)
{
    int n = 0;
    for (int i = 0; genai_interventions[i]; i++, n++) {
        const genai_intervention_type *t = genai_interventions[i];
        cr_expect_not_null(t->summary);
        cr_expect(t->alloc && t->free && t->init && t->apply);
        for (int j = 0; j < i; j++) cr_expect_str_neq(genai_interventions[j]->name, t->name);
        char prefix[96];
        snprintf(prefix, sizeof prefix, "interventions.%s.", t->name);
        int rows = 0;
        for (const param_def *p = t->params; p->path; p++, rows++) {
            cr_expect(strncmp(p->path, prefix, strlen(prefix)) == 0, "%s outside %s", p->path, prefix);
            cr_expect(p->help && p->help[0], "%s: no help", p->path);
            cr_expect_not_null(p->unit, "%s: no unit", p->path);
        }
        cr_expect_gt(rows, 10, "%s: common rows plus its own", t->name);
    }
    cr_expect_eq(n, 10);
    scenario *scn = iv_scenario(NULL); /* every default parses, no path twice */
    scenario_free(scn);
}

Test(interventions, alloc_without_network_only_checks)
{
    const char *sets[] = {"interventions.training.enabled=true", NULL};
    scenario *scn = iv_scenario(sets);
    for (int i = 0; genai_interventions[i]; i++) {
        genai_world w = {0};
        void *state = NULL;
        sim_error err;
        int rc = genai_interventions[i]->alloc(scn, &w, &state, &err);
        cr_expect_eq(rc, SIM_OK, "%s", genai_interventions[i]->name);
        genai_interventions[i]->free(state);
        genai_interventions[i]->free(NULL);
    }
    scenario_free(scn);

    const char *bad[] = {"interventions.peer_mentoring.novice_skill=0.6",
                         "interventions.peer_mentoring.mentor_skill=0.5", NULL};
    scn = iv_scenario(bad);
    genai_world w = {0};
    void *state = NULL;
    sim_error err;
    cr_expect_eq(peer_mentoring_intervention.alloc(scn, &w, &state, &err), SIM_EINPUT);
    cr_expect_str_eq(err.key, "interventions.peer_mentoring.mentor_skill");
    cr_expect_null(state);
    scenario_free(scn);
}

/* ---------- licences ---------- */

Test(licences, grants_targets_and_charges_per_seat_day)
{
    const char *sets[] = {"interventions.licences.enabled=true", "interventions.licences.start=5",
                          "interventions.licences.end=20", "interventions.licences.target.levels=2",
                          "interventions.licences.dollars_per_seat_month=30", NULL};
    world *x = open_world(&licences_intervention, sets);
    genai_world *w = &x->w;
    w->access[0] = 1; /* the chief officer had access from elsewhere: not a target */
    w->access[5] = 1; /* a target who had access already */
    licences_intervention.init(x->state, w);
    const double per_day = 16 * 30 * 12.0 / 365.0; /* 16 staff on level 2 */
    for (int32_t d = 1; d <= 30; d++) {
        double before = w->cost_dollars;
        run_days(x, d, d);
        int active = d >= 5 && d <= 20;
        cr_expect(close_to(w->cost_dollars - before, active ? per_day : 0), "day %d: %g", d,
                  w->cost_dollars - before);
        for (int32_t i = 0; i < w->n; i++) {
            int want = i == 0 || i == 5 || (active && x->net->level[i] == 2);
            cr_expect_eq(w->access[i], want, "day %d agent %d", d, i);
        }
    }
    cr_expect(close_to(w->cost_dollars, 16 * per_day), "16 days of 16 seats: %g", w->cost_dollars);
    cr_expect_eq(w->cost_hours, 0);
    close_world(x);
}

/* ---------- launch ---------- */

Test(launch, nudges_targets_once)
{
    const char *sets[] = {"interventions.launch.enabled=true", "interventions.launch.target.levels=1",
                          "interventions.launch.strength=2", "interventions.launch.attitude_boost=0.25", NULL};
    world *x = open_world(&launch_intervention, sets);
    genai_world *w = &x->w;
    launch_intervention.init(x->state, w);
    run_days(x, 1, 40);
    for (int32_t i = 0; i < w->n; i++) {
        int target = x->net->level[i] == 1;
        cr_expect(close_to(w->nudge[i], target ? 2 : 0), "agent %d nudge %g", i, w->nudge[i]);
        cr_expect(close_to(w->attitude[i], target ? 0.25 : 0), "agent %d attitude %g", i, w->attitude[i]);
    }
    cr_expect(close_to(w->cost_hours, 0.5 * 4));
    close_world(x);
}

Test(launch, attitude_stays_within_the_cap)
{
    const char *sets[] = {"interventions.launch.enabled=true", "interventions.launch.attitude_boost=0.5", NULL};
    world *x = open_world(&launch_intervention, sets);
    x->par.attitude_cap = 0.2;
    x->w.attitude[3] = -0.6f;
    launch_intervention.init(x->state, &x->w);
    run_days(x, 1, 1);
    cr_expect(close_to(x->w.attitude[0], 0.2));
    cr_expect(close_to(x->w.attitude[3], -0.1));
    close_world(x);
}

/* ---------- permission ---------- */

Test(permission, sets_climate_while_active_and_restores)
{
    const char *sets[] = {"interventions.permission.enabled=true", "interventions.permission.start=3",
                          "interventions.permission.end=10", NULL};
    world *x = open_world(&permission_intervention, sets);
    genai_world *w = &x->w;
    for (int rep = 0; rep < 2; rep++) {
        w->permission = 0.2;
        memset(w->nudge, 0, (size_t)w->n * sizeof *w->nudge);
        permission_intervention.init(x->state, w);
        for (int32_t d = 1; d <= 15; d++) {
            run_days(x, d, d);
            cr_expect(close_to(w->permission, d >= 3 && d <= 10 ? 0.9 : 0.2), "rep %d day %d: %g", rep, d,
                      w->permission);
            cr_expect(close_to(sum_floats(w->nudge, w->n), d >= 3 ? 0.5 * w->n : 0), "day %d", d);
        }
    }
    close_world(x);
}

/* ---------- vanguard ---------- */

static double willingness(const genai_world *w, int32_t i)
{
    return (double)w->attitude[i] + (double)w->trait[TRAIT_AFFINITY][i] + 2 * (double)w->habit[i] +
           (genai_used_within(w->history[i], 30) ? 1 : 0);
}

static void vanguard_case(int per_team)
{
    char pt[64];
    snprintf(pt, sizeof pt, "interventions.vanguard.per_team=%d", per_team);
    const char *sets[] = {"interventions.vanguard.enabled=true", "interventions.vanguard.start=2", pt, NULL};
    world *x = open_world(&vanguard_intervention, sets);
    genai_world *w = &x->w;
    const sim_network *net = x->net;
    for (int32_t i = 0; i < w->n; i++) {
        w->attitude[i] = (float)(rng_uniform(w->key, (uint32_t)i, 1, 900) - 0.5);
        w->trait[TRAIT_AFFINITY][i] = (float)(rng_uniform(w->key, (uint32_t)i, 2, 900) - 0.5);
        w->habit[i] = (float)(0.3 * rng_uniform(w->key, (uint32_t)i, 3, 900));
        w->history[i] = i % 5 == 0 ? 1u << 3 : 0;
        w->skill[i] = 0.2f;
        w->failures[i] = 2;
        w->disillusioned[i] = 1;
    }
    float *attitude0 = copy_floats(w->attitude, w->n);
    vanguard_intervention.init(x->state, w);
    run_days(x, 1, 1);
    for (int32_t i = 0; i < w->n; i++) cr_assert(!w->roles[i] && w->nudge[i] == 0, "acted before the start");
    run_days(x, 2, 2);

    int32_t members = 0;
    for (int32_t t = 0; t < net->n_teams; t++) {
        int32_t size = 0, in = 0, eligible = 0;
        for (int32_t i = 0; i < w->n; i++) {
            if (net->team[i] != t) continue;
            size++;
            eligible += net->level[i] >= 1;
            in += (w->roles[i] & GENAI_ROLE_VANGUARD) != 0;
        }
        int32_t want = eligible < per_team ? eligible : per_team;
        cr_expect_eq(in, want, "team %d (%d eligible of %d): %d members", t, eligible, size, in);
        members += in;
        /* the members are the most willing of the team */
        for (int32_t i = 0; i < w->n; i++) {
            if (net->team[i] != t || !(w->roles[i] & GENAI_ROLE_VANGUARD)) continue;
            for (int32_t j = 0; j < w->n; j++) {
                if (net->team[j] != t || (w->roles[j] & GENAI_ROLE_VANGUARD) || net->level[j] < 1) continue;
                double wi = willingness(w, i), wj = willingness(w, j);
                cr_expect(wi > wj || (wi == wj && i < j), "member %d less willing than %d", i, j);
            }
        }
    }
    cr_expect_eq(members, 50 * per_team, "teams 1..50 of 4 (the last of 3) staff");
    for (int32_t i = 0; i < w->n; i++) {
        int member = (w->roles[i] & GENAI_ROLE_VANGUARD) != 0;
        int in_member_team = net->team[i] != 0; /* every team but the chief's has members */
        if (member) {
            cr_expect(close_to(w->skill[i], 0.2 + 0.05 * 0.8), "member %d skill %g", i, w->skill[i]);
            cr_expect(close_to(w->attitude[i], attitude0[i] + 0.1));
            cr_expect(w->failures[i] == 0 && w->disillusioned[i] == 0);
            cr_expect(close_to(w->nudge[i], 0.5));
        } else {
            cr_expect(close_to(w->skill[i], 0.2) && w->failures[i] == 2 && w->disillusioned[i] == 1,
                      "non-member %d touched", i);
            cr_expect(close_to(w->attitude[i], attitude0[i]));
            /* the team prompt, times how convinced the team's members are after the meeting */
            double voice = 0;
            int32_t told = 0;
            for (int32_t m = 0; m < w->n; m++)
                if (net->team[m] == net->team[i] && (w->roles[m] & GENAI_ROLE_VANGUARD)) {
                    voice += tanh(w->attitude[m]);
                    told++;
                }
            cr_expect(close_to(w->nudge[i], in_member_team && told ? 0.4 * voice / told : 0), "agent %d nudge %g", i,
                      w->nudge[i]);
        }
    }
    cr_expect(close_to(w->cost_hours, members));
    /* no meeting until day 16 */
    float *skill = copy_floats(w->skill, w->n);
    double nudges = sum_floats(w->nudge, w->n);
    run_days(x, 3, 15);
    cr_expect(memcmp(skill, w->skill, (size_t)w->n * sizeof *skill) == 0);
    cr_expect(close_to(sum_floats(w->nudge, w->n), nudges));
    run_days(x, 16, 16);
    for (int32_t i = 0; i < w->n; i++)
        if (w->roles[i] & GENAI_ROLE_VANGUARD) cr_expect_gt(w->skill[i], skill[i]);
        else cr_expect_eq(w->skill[i], skill[i]);
    cr_expect(close_to(w->cost_hours, 2.0 * members));
    free(skill);
    free(attitude0);
    close_world(x);
}

Test(vanguard, one_per_team_meets_on_cadence)
{
    vanguard_case(1);
}

Test(vanguard, at_most_per_team)
{
    vanguard_case(3);
}

/* ---------- leadership ---------- */

Test(leadership, touches_only_leaders)
{
    const char *sets[] = {"interventions.leadership.enabled=true", NULL};
    world *x = open_world(&leadership_intervention, sets);
    genai_world *w = &x->w;
    for (int32_t i = 0; i < w->n; i++) w->trait[TRAIT_TIME][i] = 1;
    w->endorse[2] = 0.8f;
    leadership_intervention.init(x->state, w);
    run_days(x, 1, 30);
    int32_t leaders = 0;
    for (int32_t i = 0; i < w->n; i++) {
        int leader = w->n_reports[i] > 0;
        leaders += leader;
        double endorse = i == 2 ? 1.0 : leader ? 0.5 : 0;
        cr_expect(close_to(w->endorse[i], endorse), "agent %d endorse %g", i, w->endorse[i]);
        cr_expect(close_to(w->attitude[i], leader ? 0.3 : 0));
        cr_expect(close_to(w->trait[TRAIT_TIME][i], leader ? 0.7 : 1));
        cr_expect(close_to(w->nudge[i], leader ? 0.5 : 0));
    }
    cr_expect_eq(leaders, 50);
    cr_expect(close_to(w->cost_hours, 2.0 * leaders));
    close_world(x);
}

Test(leadership, target_levels_limit_the_leaders)
{
    const char *sets[] = {"interventions.leadership.enabled=true", "interventions.leadership.target.levels=1", NULL};
    world *x = open_world(&leadership_intervention, sets);
    leadership_intervention.init(x->state, &x->w);
    run_days(x, 1, 1);
    for (int32_t i = 0; i < x->w.n; i++)
        cr_expect(close_to(x->w.endorse[i], x->net->level[i] == 1 ? 0.5 : 0), "agent %d", i);
    close_world(x);
}

/* ---------- reverse mentoring ----------
 * Targets: the level-1 leaders 1..4, whose teams are 5-8, 9-12, 13-16, 17-20.
 * Leader 1: no adopter on the team; below it 22 (skill 0.5) and 86 (0.9).
 * Leader 2: adopters 9 (0.5 + habit 0.1), 10 (0.7), 12 (0.3 + habit 0.5).
 * Leader 3: one adopter, 15 (0.6).  Leader 4: no adopter anywhere below. */
static world *mentoring_world(const char *fallback, const char *per_leader)
{
    char fb[96], pl[96];
    snprintf(fb, sizeof fb, "interventions.reverse_mentoring.fallback=%s", fallback);
    snprintf(pl, sizeof pl, "interventions.reverse_mentoring.mentors_per_leader=%s", per_leader);
    /* the pairing rules by merit and fallback: any adopter below with more
     * skill (mentors_are_younger_and_know_more tests the default rule) */
    const char *sets[] = {"interventions.reverse_mentoring.enabled=true",
                          "interventions.reverse_mentoring.target.levels=1", fb, pl,
                          "interventions.reverse_mentoring.mentors=junior",
                          "interventions.reverse_mentoring.skill_margin=0", NULL};
    world *x = open_world(&reverse_mentoring_intervention, sets);
    genai_world *w = &x->w;
    for (int32_t i = 0; i < w->n; i++) w->skill[i] = 0.2f;
    struct { int32_t id; float skill, habit; } adopters[] = {
        {22, 0.5f, 0}, {86, 0.9f, 0}, {9, 0.5f, 0.1f}, {10, 0.7f, 0}, {12, 0.3f, 0.5f}, {15, 0.6f, 0}};
    for (size_t k = 0; k < sizeof adopters / sizeof adopters[0]; k++) {
        int32_t j = adopters[k].id;
        w->history[j] = 1u << 4;
        w->skill[j] = adopters[k].skill;
        w->habit[j] = adopters[k].habit;
    }
    w->trait[TRAIT_EXPERTISE][3] = 0.5f;
    w->trait[TRAIT_EXPERTISE][2] = 0.05f;
    reverse_mentoring_intervention.init(x->state, w);
    return x;
}

static int role(const world *x, int32_t i, int r)
{
    return (x->w.roles[i] & r) != 0;
}

static void expect_roles(const world *x, const int32_t *mentors, int n_mentors, const int32_t *mentees, int n_mentees)
{
    for (int32_t i = 0; i < x->w.n; i++) {
        int want = 0;
        for (int k = 0; k < n_mentors; k++) want |= mentors[k] == i;
        cr_expect_eq(role(x, i, GENAI_ROLE_MENTOR), want, "agent %d mentor", i);
        want = 0;
        for (int k = 0; k < n_mentees; k++) want |= mentees[k] == i;
        cr_expect_eq(role(x, i, GENAI_ROLE_MENTEE), want, "agent %d mentee", i);
    }
}

Test(reverse_mentoring, wait_pairs_on_own_team_and_retries)
{
    world *x = mentoring_world("wait", "2");
    genai_world *w = &x->w;
    run_days(x, 1, 1);
    expect_roles(x, (int32_t[]){10, 12, 15}, 3, (int32_t[]){2, 3}, 2);
    for (int32_t j = 0; j < w->n; j++)
        if (role(x, j, GENAI_ROLE_MENTOR)) cr_expect(role(x, x->net->manager[j], GENAI_ROLE_MENTEE));
    /* leader 3, one mentor: closes 0.3 of the gap, sheds humility, does homework */
    cr_expect(close_to(w->skill[3], 0.2 + 0.3 * 0.4), "%g", w->skill[3]);
    cr_expect(close_to(w->attitude[3], 0.2));
    cr_expect(close_to(w->trait[TRAIT_EXPERTISE][3], 0.4));
    cr_expect(close_to(w->nudge[3], 0.5));
    cr_expect(close_to(w->attitude[15], 0.1));
    /* leader 2, two mentors: the leader-once effects once; expertise stops at the floor 0 */
    cr_expect(close_to(w->attitude[2], 0.2));
    cr_expect(close_to(w->nudge[2], 0.5));
    cr_expect(close_to(w->trait[TRAIT_EXPERTISE][2], 0));
    cr_expect_gt(w->skill[2], 0.2f);
    cr_expect(close_to(w->cost_hours, 1.0 * 2 * 3));
    /* an adopter appears on leader 1's team: paired at the next session (day 15), not before */
    w->history[7] = 1;
    w->skill[7] = 0.4f;
    run_days(x, 2, 14);
    cr_expect(!role(x, 1, GENAI_ROLE_MENTEE));
    run_days(x, 15, 15);
    expect_roles(x, (int32_t[]){7, 10, 12, 15}, 4, (int32_t[]){1, 2, 3}, 3);
    cr_expect(close_to(w->cost_hours, 2.0 * 3 + 2.0 * 4));
    close_world(x);
}

Test(reverse_mentoring, one_mentor_per_leader)
{
    world *x = mentoring_world("wait", "1");
    run_days(x, 1, 1);
    expect_roles(x, (int32_t[]){12, 15}, 2, (int32_t[]){2, 3}, 2);
    close_world(x);
}

Test(reverse_mentoring, skip_never_retries)
{
    world *x = mentoring_world("skip", "2");
    run_days(x, 1, 1);
    x->w.history[7] = 1;
    run_days(x, 2, 40);
    expect_roles(x, (int32_t[]){10, 12, 15}, 3, (int32_t[]){2, 3}, 2);
    close_world(x);
}

Test(reverse_mentoring, department_takes_best_below)
{
    world *x = mentoring_world("department", "2");
    run_days(x, 1, 1);
    expect_roles(x, (int32_t[]){10, 12, 15, 86}, 4, (int32_t[]){1, 2, 3}, 3);
    cr_expect(close_to(x->w.skill[1], 0.2 + 0.3 * 0.7));
    close_world(x);
}

/* ---------- training ---------- */

Test(training, raises_skill_of_targets_on_session_days)
{
    const char *sets[] = {"interventions.training.enabled=true", "interventions.training.target.levels=2-3", NULL};
    world *x = open_world(&training_intervention, sets);
    genai_world *w = &x->w;
    for (int32_t i = 0; i < w->n; i++) {
        w->skill[i] = 0.2f;
        w->failures[i] = 2;
        w->trait[TRAIT_AMBITION][i] = 0.1f;
    }
    w->trait[TRAIT_AMBITION][5] = 0.01f;  /* stops at the floor 0 */
    w->trait[TRAIT_AMBITION][6] = -0.5f;  /* below the floor: left alone */
    training_intervention.init(x->state, w);
    int32_t targets = 0;
    for (int32_t d = 1; d <= 61; d++) {
        float *before = copy_floats(w->skill, w->n);
        run_days(x, d, d);
        int session = d == 1 || d == 31 || d == 61;
        for (int32_t i = 0; i < w->n; i++) {
            int target = x->net->level[i] == 2 || x->net->level[i] == 3;
            if (target && session) cr_expect(close_to(w->skill[i], before[i] + 0.1 * (1 - before[i])), "day %d agent %d", d, i);
            else cr_expect_eq(w->skill[i], before[i], "day %d agent %d", d, i);
        }
        free(before);
    }
    for (int32_t i = 0; i < w->n; i++) {
        int target = x->net->level[i] == 2 || x->net->level[i] == 3;
        targets += target;
        cr_expect_eq(role(x, i, GENAI_ROLE_TRAINED), target);
        cr_expect_eq(w->failures[i], target ? 0 : 2);
        cr_expect(close_to(w->recovery[i], target ? 0.05 : 0), "recovery capped: %g", w->recovery[i]);
        cr_expect(close_to(w->attitude[i], target ? 0.3 : 0));
        double ambition = i == 5 ? 0 : i == 6 ? -0.5 : target ? 0.1 - 3 * 0.02 : 0.1;
        cr_expect(close_to(w->trait[TRAIT_AMBITION][i], ambition), "agent %d ambition %g", i,
                  w->trait[TRAIT_AMBITION][i]);
    }
    cr_expect_eq(targets, 80);
    cr_expect(close_to(w->cost_hours, 2.0 * 80 * 3));
    close_world(x);
}

/* ---------- peer mentoring ---------- */

/* Level-2 novices 5..20 (teams 5-8, 9-12, 13-16, 17-20 share the department
 * under the chief officer); agent 9 is a qualified mentor, agent 21 (another
 * department) too. */
Test(peer_mentoring, same_team_first_then_department_within_the_cap)
{
    const char *sets[] = {"interventions.peer_mentoring.enabled=true",
                          "interventions.peer_mentoring.target.levels=2",
                          "interventions.peer_mentoring.mentees_per_mentor=5",
                          "interventions.peer_mentoring.recover_probability=1", NULL};
    world *x = open_world(&peer_mentoring_intervention, sets);
    genai_world *w = &x->w;
    for (int32_t i = 0; i < w->n; i++) w->skill[i] = 0.1f;
    w->skill[9] = 0.8f;
    w->history[9] = 1;
    w->skill[21] = 0.9f;
    w->history[21] = 1;
    w->disillusioned[10] = 1;
    peer_mentoring_intervention.init(x->state, w);
    run_days(x, 1, 1);
    /* team first: 10, 11, 12; then the department, in id order: 5, 6 */
    int32_t first[] = {5, 6, 10, 11, 12};
    for (int32_t i = 0; i < w->n; i++) {
        int want = 0;
        for (int k = 0; k < 5; k++) want |= first[k] == i;
        cr_expect_eq(role(x, i, GENAI_ROLE_PEER_MENTEE), want, "agent %d mentee", i);
        cr_expect_eq(role(x, i, GENAI_ROLE_PEER_MENTOR), i == 9, "agent %d mentor", i);
        if (want) {
            cr_expect(close_to(w->skill[i], 0.1 + 0.2 * 0.7), "agent %d skill %g", i, w->skill[i]);
            cr_expect(close_to(w->nudge[i], 0.5));
            cr_expect(close_to(w->recovery[i], 0.02));
        }
    }
    cr_expect_eq(w->disillusioned[10], 0, "recovered with probability 1");
    cr_expect(close_to(w->attitude[9], 5 * 0.05), "one mentor, five mentees");
    cr_expect(close_to(w->cost_hours, 0.5 * 2 * 5));
    /* a new mentor on team 13-16: unpaired novices are paired at the next session */
    w->skill[14] = 0.7f;
    w->history[14] = 1;
    run_days(x, 2, 7);
    cr_expect(!role(x, 13, GENAI_ROLE_PEER_MENTEE));
    run_days(x, 8, 8);
    int32_t second[] = {5, 6, 7, 8, 10, 11, 12, 13, 15, 16};
    for (int32_t i = 5; i <= 20; i++) {
        int want = 0;
        for (int k = 0; k < 10; k++) want |= second[k] == i;
        cr_expect_eq(role(x, i, GENAI_ROLE_PEER_MENTEE), want, "agent %d mentee after day 8", i);
    }
    cr_expect(close_to(w->attitude[14], 5 * 0.05));
    close_world(x);
}

/* A random world: every mentee's mentor (found from the skill gained)
 * qualifies, is on the team unless every qualified teammate is full, is in
 * the department otherwise, and takes at most the cap; a novice left out
 * had no qualified mentor with room in reach. */
Test(peer_mentoring, random_world_rules_hold)
{
    const char *sets[] = {"interventions.peer_mentoring.enabled=true", NULL};
    world *x = open_world(&peer_mentoring_intervention, sets);
    genai_world *w = &x->w;
    const sim_network *net = x->net;
    const int32_t n = w->n;
    for (int32_t i = 0; i < n; i++) {
        w->skill[i] = (float)(0.05 + 0.9 * ((i * 37) % 200) / 200.0); /* distinct, 0.0045 apart */
        w->history[i] = rng_uniform(w->key, (uint32_t)i, 2, 901) < 0.4 ? 1u : 0u;
    }
    float *skill0 = copy_floats(w->skill, n);
    peer_mentoring_intervention.init(x->state, w);
    run_days(x, 1, 1);
    int32_t *mentor = malloc((size_t)n * sizeof *mentor), *load = calloc((size_t)n, sizeof *load);
    cr_assert(mentor && load);
    int qualified_count = 0, mentees = 0, in_team = 0, in_dept = 0;
    for (int32_t j = 0; j < n; j++) qualified_count += skill0[j] >= 0.5 && w->history[j];
    cr_assert_gt(qualified_count, 10);
    for (int32_t i = 0; i < n; i++) {
        mentor[i] = -1;
        if (!role(x, i, GENAI_ROLE_PEER_MENTEE)) continue;
        mentees++;
        cr_expect_lt(skill0[i], 0.4f, "mentee %d was no novice", i);
        double inferred = skill0[i] + (w->skill[i] - skill0[i]) / 0.2, gap = 1;
        for (int32_t j = 0; j < n; j++) {
            if (!(skill0[j] >= 0.5 && w->history[j])) continue;
            if (fabs(skill0[j] - inferred) < gap) {
                gap = fabs(skill0[j] - inferred);
                mentor[i] = j;
            }
        }
        cr_assert(gap < 1e-4, "mentee %d: no mentor found (%g)", i, gap);
        load[mentor[i]]++;
    }
    cr_assert_gt(mentees, 20);
    for (int32_t j = 0; j < n; j++) {
        cr_expect_leq(load[j], 3, "mentor %d has %d mentees", j, load[j]);
        cr_expect(close_to(w->attitude[j], 0.05 * load[j]), "mentor %d attitude %g for %d", j, w->attitude[j], load[j]);
        cr_expect_eq(role(x, j, GENAI_ROLE_PEER_MENTOR), load[j] > 0);
    }
    for (int32_t i = 0; i < n; i++) {
        int32_t mi = net->manager[i];
        int32_t head = mi >= 0 ? net->manager[mi] : -1;
        int room_in_team = 0, room_in_dept = 0;
        for (int32_t j = 0; j < n; j++) {
            if (j == i || !(skill0[j] >= 0.5 && w->history[j]) || load[j] >= 3) continue;
            room_in_team |= net->team[j] == net->team[i];
            int32_t mj = net->manager[j];
            room_in_dept |= head >= 0 && mj >= 0 && net->manager[mj] == head;
        }
        if (mentor[i] < 0) {
            if (skill0[i] < 0.4f) cr_expect(!room_in_team && !room_in_dept, "novice %d left out", i);
            continue;
        }
        if (net->team[mentor[i]] == net->team[i]) {
            in_team++;
        } else {
            in_dept++;
            cr_expect(!room_in_team, "mentee %d went outside a team with room", i);
            int32_t mm = net->manager[mentor[i]];
            cr_expect(mm >= 0 && net->manager[mm] == head, "mentee %d: mentor outside the department", i);
        }
    }
    cr_expect_gt(in_team, 0);
    free(mentor);
    free(load);
    free(skill0);
    close_world(x);
}

/* ---------- reinforcement ---------- */

Test(reinforcement, nudges_on_cadence)
{
    const char *sets[] = {"interventions.reinforcement.enabled=true", "interventions.reinforcement.target.levels=0-1", NULL};
    world *x = open_world(&reinforcement_intervention, sets);
    genai_world *w = &x->w;
    reinforcement_intervention.init(x->state, w);
    for (int32_t d = 1; d <= 43; d++) {
        run_days(x, d, d);
        int sessions = 1 + (d - 1) / 14;
        for (int32_t i = 0; i < w->n; i++) {
            int target = x->net->level[i] <= 1;
            cr_expect(close_to(w->nudge[i], target ? 0.6 * sessions : 0), "day %d agent %d", d, i);
            cr_expect(close_to(w->attitude[i], target ? 0.05 * sessions : 0));
        }
    }
    cr_expect(close_to(w->cost_hours, 0.1 * 5 * 4));
    close_world(x);
}

/* ---------- accountability ---------- */

Test(accountability, presses_only_recent_non_users)
{
    const char *sets[] = {"interventions.accountability.enabled=true", NULL};
    world *x = open_world(&accountability_intervention, sets);
    genai_world *w = &x->w;
    /* before the core's decisions, bit k is the use of k + 1 days ago */
    for (int32_t i = 0; i < w->n; i++) w->history[i] = i % 3 == 0 ? 1u << 6 : i % 3 == 1 ? 1u << 9 : 0;
    accountability_intervention.init(x->state, w);
    run_days(x, 1, 1);
    for (int32_t i = 0; i < w->n; i++) {
        int pressed = i % 3 != 0;
        cr_expect(close_to(w->nudge[i], pressed ? 1.5 : 0), "agent %d", i);
        cr_expect(close_to(w->simplify[i], pressed ? 0.8 : 0), "agent %d", i);
    }
    cr_expect(close_to(w->cost_hours, 0.25 * 200));
    run_days(x, 2, 7);
    cr_expect(close_to(sum_floats(w->nudge, w->n), 1.5 * (200 - 67)));
    cr_expect(close_to(sum_floats(w->simplify, w->n), 0.8 * (200 - 67)), "simplify is held while the answer is owed");
    run_days(x, 8, 8);
    cr_expect(close_to(sum_floats(w->nudge, w->n), 2 * 1.5 * (200 - 67)));
    cr_expect(close_to(w->cost_hours, 2 * 0.25 * 200));
    close_world(x);
}

/* Pressure lasts until the compliance use: the day after a pressed target
 * used it, what is left of the check-in's prompt is lifted (other prompts
 * stay) and its tasks are no longer simplified; nobody is pressed again
 * before the next check-in. */
Test(accountability, one_compliance_use_lifts_the_pressure)
{
    const char *sets[] = {"interventions.accountability.enabled=true", NULL};
    world *x = open_world(&accountability_intervention, sets);
    genai_world *w = &x->w;
    x->par.nudge_decay = 0.1;
    accountability_intervention.init(x->state, w);
    for (int32_t i = 0; i < w->n; i++) w->nudge[i] = 0.5f; /* a prompt from elsewhere */
    run_days(x, 1, 1);                                      /* nobody has used it: all pressed */
    for (int32_t d = 2; d <= 7; d++) {
        /* what the core does overnight: prompts fade; agent i uses it on day i % 10 + 1 */
        for (int32_t i = 0; i < w->n; i++) {
            w->nudge[i] *= 0.9f;
            w->simplify[i] *= 0.9f;
            w->history[i] = (w->history[i] << 1) | (i % 10 + 1 == d - 1);
        }
        run_days(x, d, d);
        for (int32_t i = 0; i < w->n; i++) {
            int answered = i % 10 + 1 < d;
            double other = 0.5 * pow(0.9, d - 1), ours = 1.5 * pow(0.9, d - 1);
            cr_expect(close_to(w->nudge[i], answered ? other : other + ours),
                      "day %d agent %d: nudge %g", d, i, w->nudge[i]);
            cr_expect(close_to(w->simplify[i], answered ? 0 : 0.8), "day %d agent %d", d, i);
        }
    }
    close_world(x);
}

/* ---------- whole runs of the genai model ---------- */

static int obs_index(const sim_results *res, const char *name)
{
    for (int k = 0; k < res->n_obs; k++)
        if (strcmp(res->model->observables[k].name, name) == 0) return k;
    cr_assert_fail("no observable %s", name);
    return -1;
}

static double mean_at(const sim_results *res, const char *name, int32_t t)
{
    int k = obs_index(res, name);
    double s = 0;
    for (int32_t r = 0; r < res->n_rep; r++) s += engine_result(res, k, r, t);
    return s / res->n_rep;
}

/* Mean over replicates and over days from..to. */
static double mean_over(const sim_results *res, const char *name, int32_t from, int32_t to)
{
    double s = 0;
    for (int32_t t = from; t <= to; t++) s += mean_at(res, name, t);
    return s / (to - from + 1);
}

Test(interventions_run, licences_give_access_and_cost_per_seat_day)
{
    const char *sets[] = {"model.name=genai", "network.agents=500", "run.days=60", "run.replicates=2",
                          "interventions.licences.enabled=true", "interventions.licences.start=10",
                          "interventions.licences.end=39", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 1);
    int access = obs_index(res, "with_access"), dollars = obs_index(res, "cost_dollars");
    for (int32_t r = 0; r < res->n_rep; r++)
        for (int32_t t = 0; t <= 60; t++) {
            cr_expect_eq(engine_result(res, access, r, t), t >= 10 && t <= 39 ? 500 : 0, "day %d", t);
            int paid = t < 10 ? 0 : t > 39 ? 30 : t - 9;
            cr_expect(close_to(engine_result(res, dollars, r, t), 500 * 20 * 12.0 / 365 * paid), "day %d", t);
        }
    cr_expect_eq(mean_at(res, "uses", 5), 0, "no use without a licence");
    engine_results_free(res);
    scenario_free(scn);
}

Test(interventions_run, all_interventions_identical_for_any_thread_count)
{
    const char *sets[] = {"model.name=genai", "network.agents=40000", "run.days=40",
                          "interventions.licences.enabled=true", "interventions.launch.enabled=true",
                          "interventions.permission.enabled=true", "interventions.vanguard.enabled=true",
                          "interventions.leadership.enabled=true", "interventions.reverse_mentoring.enabled=true",
                          "interventions.training.enabled=true", "interventions.peer_mentoring.enabled=true",
                          "interventions.reinforcement.enabled=true", "interventions.accountability.enabled=true",
                          "interventions.reverse_mentoring.fallback=department",
                          "interventions.training.target.share=0.5", NULL};
    scenario *scn = support_scenario(sets);
    sim_results *a = support_run(scn, 1), *b = support_run(scn, 2);
    size_t bytes = (size_t)a->n_obs * (size_t)a->n_rep * (size_t)a->n_time * sizeof(double);
    cr_expect(memcmp(a->data, b->data, bytes) == 0, "1 and 2 threads differ");
    cr_expect_gt(mean_at(a, "cost_hours", 40), 0);
    engine_results_free(a);
    engine_results_free(b);
    scenario_free(scn);
}

/* The stories' directions that follow from the mechanisms themselves:
 * permission makes use visible (fewer hidden uses), reverse mentoring makes
 * leaders use it in view of their teams. */
static sim_results *story_run(const char *extra)
{
    const char *sets[] = {"model.name=genai", "network.agents=2000", "run.days=180", "run.replicates=2",
                          "interventions.licences.enabled=true", "interventions.launch.enabled=true", extra, NULL};
    scenario *scn = support_scenario(sets);
    sim_results *res = support_run(scn, 2);
    scenario_free(scn);
    return res;
}

Test(interventions_run, permission_and_reverse_mentoring_directions)
{
    sim_results *base = story_run("run.seed=1");
    sim_results *perm = story_run("interventions.permission.enabled=true");
    sim_results *rm = story_run("interventions.reverse_mentoring.enabled=true");
    double hidden_base = mean_over(base, "hidden_uses", 120, 180) / mean_over(base, "uses", 120, 180);
    double hidden_perm = mean_over(perm, "hidden_uses", 120, 180) / mean_over(perm, "uses", 120, 180);
    cr_expect_lt(hidden_perm, 0.5 * hidden_base, "hidden share %g with permission, %g without", hidden_perm,
                 hidden_base);
    double lead_base = mean_over(base, "leaders_modelling", 120, 180);
    double lead_rm = mean_over(rm, "leaders_modelling", 120, 180);
    cr_expect_gt(lead_rm, lead_base, "leaders modelling %g with reverse mentoring, %g without", lead_rm, lead_base);
    engine_results_free(base);
    engine_results_free(perm);
    engine_results_free(rm);
}

/* ---------- a moving frontier: what mentors know ages ---------- */

/* Peer mentoring after a release (frontier.stale 0.2, version 1): a mentor
 * who used the tool on the new version passes on their skill; one who last
 * used it before the release passes on 0.8 of it (two releases: 0.64), so
 * their mentees close less of the gap. */
static double peer_gain_after_release(int mentor_version, int32_t version)
{
    const char *sets[] = {"interventions.peer_mentoring.enabled=true", "interventions.peer_mentoring.target.levels=2",
                          NULL};
    world *x = open_world(&peer_mentoring_intervention, sets);
    genai_world *w = &x->w;
    x->par.frontier_stale = 0.2;
    cr_assert_not_null(w->version_used = calloc((size_t)w->n, 1));
    w->version = version;
    for (int32_t i = 0; i < w->n; i++) w->skill[i] = 0.1f;
    w->skill[9] = 0.8f;
    w->history[9] = 1;
    w->version_used[9] = (uint8_t)mentor_version;
    peer_mentoring_intervention.init(x->state, w);
    run_days(x, 1, 1);
    cr_assert(role(x, 10, GENAI_ROLE_PEER_MENTEE) && role(x, 9, GENAI_ROLE_PEER_MENTOR));
    double gained = w->skill[10] - 0.1;
    free(w->version_used);
    w->version_used = NULL;
    close_world(x);
    return gained;
}

Test(peer_mentoring, a_mentor_who_stopped_learning_transfers_less)
{
    double current = peer_gain_after_release(1, 1), stale = peer_gain_after_release(0, 1);
    double older = peer_gain_after_release(0, 2);
    cr_expect(close_to(current, 0.2 * (0.8 - 0.1)), "up to date: %g", current);
    cr_expect(close_to(stale, 0.2 * (0.8 * 0.8 - 0.1)), "one release behind: %g", stale);
    cr_expect(close_to(older, 0.2 * (0.8 * 0.64 - 0.1)), "two releases behind: %g", older);
    cr_expect_lt(stale, current);
}

/* Reverse mentoring the same way: leader 3's one mentor (15, skill 0.6),
 * up to date or one release behind. */
Test(reverse_mentoring, a_mentor_who_stopped_learning_transfers_less)
{
    double gained[2];
    for (int behind = 0; behind < 2; behind++) {
        world *x = mentoring_world("wait", "2");
        genai_world *w = &x->w;
        x->par.frontier_stale = 0.2;
        cr_assert_not_null(w->version_used = calloc((size_t)w->n, 1));
        w->version = 1;
        for (int32_t i = 0; i < w->n; i++) w->version_used[i] = (uint8_t)(1 - behind);
        run_days(x, 1, 1);
        gained[behind] = w->skill[3] - 0.2;
        free(w->version_used);
        w->version_used = NULL;
        close_world(x);
    }
    cr_expect(close_to(gained[0], 0.3 * 0.4), "up to date: %g", gained[0]);
    cr_expect(close_to(gained[1], 0.3 * (0.6 * 0.8 - 0.2)), "one release behind: %g", gained[1]);
}

/* Training teaches the current version: trainees are up to date after a
 * session (and so are what they know as mentors). */
Test(training, trainees_are_up_to_date_after_a_session)
{
    const char *sets[] = {"interventions.training.enabled=true", "interventions.training.target.levels=4", NULL};
    world *x = open_world(&training_intervention, sets);
    genai_world *w = &x->w;
    cr_assert_not_null(w->version_used = calloc((size_t)w->n, 1));
    w->version = 3;
    training_intervention.init(x->state, w);
    run_days(x, 1, 1);
    for (int32_t i = 0; i < w->n; i++)
        cr_expect_eq(w->version_used[i], x->net->level[i] == 4 ? 3 : 0, "agent %d", i);
    free(w->version_used);
    w->version_used = NULL;
    close_world(x);
}

/* ---------- turnover: a leaver's roles lost (the leave hooks) ---------- */

/* Peer mentoring: mentor 9 and its mentees (every level-2 novice, up to
 * 20); 9 leaves and a novice
 * hire takes the position.  With the leave hook the mentees wait again and
 * are paired with the new mentor 14 at the next session (they gain skill);
 * without it they keep the position's new novice and gain nothing. */
static double peer_gain_after_leaving(int call_leave)
{
    const char *sets[] = {"interventions.peer_mentoring.enabled=true", "interventions.peer_mentoring.target.levels=2",
                          "interventions.peer_mentoring.mentees_per_mentor=20", NULL};
    world *x = open_world(&peer_mentoring_intervention, sets);
    genai_world *w = &x->w;
    for (int32_t i = 0; i < w->n; i++) w->skill[i] = 0.1f;
    w->skill[9] = 0.8f;
    w->history[9] = 1;
    peer_mentoring_intervention.init(x->state, w);
    run_days(x, 1, 1);
    cr_assert(role(x, 10, GENAI_ROLE_PEER_MENTEE));
    if (call_leave) peer_mentoring_intervention.leave(x->state, w, 9);
    w->skill[9] = 0.1f; /* the hire */
    w->history[9] = 0;
    w->skill[14] = 0.7f;
    w->history[14] = 1;
    const float before = w->skill[10];
    run_days(x, 8, 8);
    double gained = w->skill[10] - before;
    close_world(x);
    return gained;
}

Test(peer_mentoring, a_leaving_mentors_mentees_are_paired_again)
{
    cr_expect(close_to(peer_gain_after_leaving(1), 0.2 * (0.7 - 0.24)), "%g", peer_gain_after_leaving(1));
    cr_expect(close_to(peer_gain_after_leaving(0), 0), "%g", peer_gain_after_leaving(0));
}

/* Reverse mentoring: leader 3's mentor 15 leaves; with the hook the leader
 * waits and is paired at the next session with the team's new adopter 14. */
static double reverse_gain_after_leaving(int call_leave)
{
    world *x = mentoring_world("wait", "2");
    genai_world *w = &x->w;
    run_days(x, 1, 1);
    cr_assert(role(x, 15, GENAI_ROLE_MENTOR));
    if (call_leave) reverse_mentoring_intervention.leave(x->state, w, 15);
    w->skill[15] = 0.1f; /* the hire */
    w->history[15] = 0;
    w->skill[14] = 0.9f;
    w->history[14] = 1;
    const float before = w->skill[3];
    run_days(x, 15, 15);
    double gained = w->skill[3] - before;
    close_world(x);
    return gained;
}

Test(reverse_mentoring, a_leader_whose_mentor_leaves_is_paired_again)
{
    cr_expect_gt(reverse_gain_after_leaving(1), 0.1, "%g", reverse_gain_after_leaving(1));
    cr_expect(close_to(reverse_gain_after_leaving(0), 0), "%g", reverse_gain_after_leaving(0));
}

/* Vanguard: a member who leaves (roles lost) is out of the meetings, and a
 * team left without a member gets no team prompts. */
static double vanguard_team_prompt_after_leaving(int call_leave)
{
    const char *sets[] = {"interventions.vanguard.enabled=true", NULL};
    world *x = open_world(&vanguard_intervention, sets);
    genai_world *w = &x->w;
    vanguard_intervention.init(x->state, w);
    run_days(x, 1, 1);
    int32_t m = -1;
    for (int32_t i = 0; i < w->n && m < 0; i++)
        if ((w->roles[i] & GENAI_ROLE_VANGUARD) && x->net->team[i] == x->net->team[100]) m = i;
    cr_assert_geq(m, 0, "agent 100's team has a member");
    if (call_leave) {
        vanguard_intervention.leave(x->state, w, m);
        w->roles[m] = 0; /* as the model's turnover pass does */
    }
    for (int32_t i = 0; i < w->n; i++) w->nudge[i] = 0;
    run_days(x, 15, 15);
    double prompts = 0;
    for (int32_t i = 0; i < w->n; i++)
        if (x->net->team[i] == x->net->team[100]) prompts += w->nudge[i];
    close_world(x);
    return prompts;
}

Test(vanguard, a_member_who_leaves_is_out)
{
    cr_expect(close_to(vanguard_team_prompt_after_leaving(1), 0), "%g", vanguard_team_prompt_after_leaving(1));
    cr_expect_gt(vanguard_team_prompt_after_leaving(0), 0.4);
}

/* ---------- attendance and fatigue (intervention.h) ---------- */

/* Training at attendance 0.5: about half the targets come to a session
 * (binomial, 200 targets: within 5 sd), only they gain skill and spend
 * hours; fatigue 0.5: the second session adds half the first's gain. */
Test(dose, attendance_and_fatigue)
{
    const char *sets[] = {"interventions.training.enabled=true", "interventions.training.attendance=0.5",
                          "interventions.training.every=10", NULL};
    world *x = open_world(&training_intervention, sets);
    genai_world *w = &x->w;
    for (int32_t i = 0; i < w->n; i++) w->skill[i] = 0.2f;
    training_intervention.init(x->state, w);
    run_days(x, 1, 1);
    int32_t came = 0;
    for (int32_t i = 0; i < w->n; i++) {
        int trained = (w->roles[i] & GENAI_ROLE_TRAINED) != 0;
        came += trained;
        cr_expect(close_to(w->skill[i], trained ? 0.2 + 0.1 * 0.8 : 0.2), "agent %d skill %g", i, w->skill[i]);
    }
    cr_expect(fabs((double)came - 100) < 5 * sqrt(200 * 0.25), "%d of 200 came", came);
    cr_expect(close_to(w->cost_hours, 2.0 * came));
    close_world(x);

    const char *tired[] = {"interventions.launch.enabled=true", "interventions.launch.every=10",
                           "interventions.launch.fatigue=0.5", NULL};
    x = open_world(&launch_intervention, tired);
    w = &x->w;
    launch_intervention.init(x->state, w);
    run_days(x, 1, 1);
    cr_expect(close_to(w->nudge[0], 0.8));
    run_days(x, 2, 11);
    cr_expect(close_to(w->nudge[0], 0.8 + 0.4), "nudge %g", w->nudge[0]);
    run_days(x, 12, 21);
    cr_expect(close_to(w->nudge[0], 0.8 + 0.4 + 0.2), "nudge %g", w->nudge[0]);
    close_world(x);
}

/* Reverse mentoring's default rule: every mentor is of a younger generation
 * than their leader and at least skill_margin more skilled; the junior rule
 * pairs leaders the younger rule leaves without a mentor. */
Test(reverse_mentoring, mentors_are_younger_and_know_more)
{
    const char *younger[] = {"interventions.reverse_mentoring.enabled=true", NULL};
    const char *junior[] = {"interventions.reverse_mentoring.enabled=true",
                            "interventions.reverse_mentoring.mentors=junior", NULL};
    int32_t pairs[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        world *x = open_world(&reverse_mentoring_intervention, k == 0 ? younger : junior);
        genai_world *w = &x->w;
        for (int32_t i = 0; i < w->n; i++) {
            w->skill[i] = (float)(0.1 + 0.8 * rng_uniform(w->key, (uint32_t)i, 5, 901));
            w->history[i] = 1u << 2;
        }
        reverse_mentoring_intervention.init(x->state, w);
        run_days(x, 1, 1);
        for (int32_t j = 0; j < w->n; j++) {
            if (!(w->roles[j] & GENAI_ROLE_MENTOR)) continue;
            pairs[k]++;
            int32_t leader = x->net->manager[j];
            cr_expect(w->roles[leader] & GENAI_ROLE_MENTEE);
            if (k == 0)
                cr_expect_lt(x->net->generation[j], x->net->generation[leader], "mentor %d not younger", j);
        }
        close_world(x);
    }
    cr_expect_gt(pairs[0], 0);
    cr_expect_gt(pairs[1], pairs[0], "junior %d pairs, younger %d", pairs[1], pairs[0]);
}

/* The vanguard's selection: volunteers only where someone is willing enough
 * (a bar nobody reaches: no member anywhere); appointed: per_team members in
 * every team with eligible staff, willing or not. */
Test(vanguard, volunteers_and_appointed)
{
    const char *nobody[] = {"interventions.vanguard.enabled=true", "interventions.vanguard.volunteer_min=20", NULL};
    const char *appointed[] = {"interventions.vanguard.enabled=true", "interventions.vanguard.selection=appointed",
                               "interventions.vanguard.volunteer_min=20", NULL};
    for (int k = 0; k < 2; k++) {
        world *x = open_world(&vanguard_intervention, k == 0 ? nobody : appointed);
        genai_world *w = &x->w;
        vanguard_intervention.init(x->state, w);
        run_days(x, 1, 1);
        int32_t members = 0;
        for (int32_t i = 0; i < w->n; i++) members += (w->roles[i] & GENAI_ROLE_VANGUARD) != 0;
        cr_expect_eq(members, k == 0 ? 0 : 50, "case %d: %d members", k, members);
        close_world(x);
    }
}

/* A programme nobody attends would do nothing: attendance 0 on an enabled
 * programme is refused at its key (every module with the dose rows), and
 * attendance or fatigue out of 0..1 at theirs. */
Test(dose, bad_doses_refused_at_their_key)
{
    static const char *const dosed[] = {"launch", "reinforcement", "training", "leadership", "vanguard",
                                        "reverse_mentoring", "peer_mentoring"};
    char *dir = support_tmpdir();
    for (size_t k = 0; k < sizeof dosed / sizeof *dosed; k++) {
        char yaml[512], where[160];
        snprintf(yaml, sizeof yaml,
                 "model:\n  name: genai\ninterventions:\n  licences: {enabled: true}\n  %s:\n    enabled: true\n"
                 "    attendance: 0\n",
                 dosed[k]);
        snprintf(where, sizeof where, ":7:17: interventions.%s.attendance: 0: nobody would take part", dosed[k]);
        support_expect_check_error(dir, yaml, where, dosed[k]);
    }
    support_expect_check_error(dir,
                               "model:\n  name: genai\ninterventions:\n  training:\n    enabled: true\n"
                               "    fatigue: 1.5\n",
                               ":6:14: interventions.training.fatigue:", "fatigue above 1");
    support_expect_check_error(dir,
                               "model:\n  name: genai\ninterventions:\n  training:\n    enabled: true\n"
                               "    attendance: -0.5\n",
                               ":6:17: interventions.training.attendance:", "negative attendance");
    support_rmdir(dir);
}

/* Settings that would do nothing as combined are warnings at their key:
 * fatigue on a programme of one session, the volunteers' bar under
 * selection: appointed, and the spread of task suitability at median 1. */
Test(dose, settings_that_do_nothing_are_warned)
{
    char *dir = support_tmpdir();
    support_expect_check_warning(dir,
                                 "model:\n  name: genai\ninterventions:\n  leadership:\n    enabled: true\n"
                                 "    fatigue: 0.5\n",
                                 "interventions.leadership.fatigue: does nothing: the intervention holds one session");
    support_expect_check_warning(dir,
                                 "model:\n  name: genai\ninterventions:\n  vanguard:\n    enabled: true\n"
                                 "    selection: appointed\n    volunteer_min: 0.2\n",
                                 "interventions.vanguard.volunteer_min: does nothing with selection: appointed");
    support_expect_check_warning(dir, "model:\n  name: genai\n  genai:\n    suitability: {median: 1, sd: 2}\n",
                                 "model.genai.suitability.sd: does nothing: at suitability.median 1");
    support_rmdir(dir);
}

/* Attendance drawn 64 targets at a time and kept for the day is the draw
 * of each target alone (rng_uniform), whatever the order of the visits:
 * in id order (batches drawn), in reverse (from the day's batches),
 * scattered, and after the replicate's key changes (the kept batches are
 * stale); a programme without the room for batches draws one by one. */
Test(dose, attendance_in_batches_is_each_targets_own_draw)
{
    const char *sets[] = {"interventions.training.enabled=true", NULL};
    iv_common c, lone;
    scenario *scn = read_common("training", sets, &c);
    scenario *scn2 = read_common("training", sets, &lone);
    world *x = open_world(&training_intervention, NULL);
    c.attendance = lone.attendance = 0.5;
    sim_error err;
    cr_assert_eq(iv_dose_parse(scn, &x->w, &c, &err), SIM_OK);
    cr_assert_not_null(c.attend_mask, "room for the batches");
    enum { N = 200 };
    uint8_t ahead[N], back[N], scattered[N];
    for (int32_t day = 1; day <= 3; day++) {
        for (int rep = 0; rep < 2; rep++) {
            x->w.key = rng_key_make(7, (uint32_t)rep); /* the same day of another replicate */
            for (int32_t i = 0; i < N; i++) ahead[i] = (uint8_t)iv_attends(&c, &x->w, i, day);
            for (int32_t i = N - 1; i >= 0; i--) back[i] = (uint8_t)iv_attends(&c, &x->w, i, day);
            for (int32_t k = 0; k < N; k++) {
                const int32_t i = (int32_t)((k * 37 + 11) % N); /* every agent once, out of order */
                scattered[i] = (uint8_t)iv_attends(&c, &x->w, i, day);
            }
            int came = 0;
            for (int32_t i = 0; i < N; i++) {
                const int own = rng_uniform(x->w.key, (uint32_t)i, (uint32_t)day, c.attend_purpose) < 0.5;
                cr_expect(ahead[i] == own && back[i] == own && scattered[i] == own,
                          "replicate %d, day %d, agent %d: %d %d %d, its own draw %d", rep, (int)day, (int)i,
                          ahead[i], back[i], scattered[i], own);
                cr_expect_eq(iv_attends(&lone, &x->w, i, day), own, "one by one, agent %d", (int)i);
                came += ahead[i];
            }
            cr_expect(came > 60 && came < 140, "day %d: %d of 200 came", (int)day, came);
        }
    }
    close_world(x);
    iv_common_free(&c);
    iv_common_free(&lone);
    scenario_free(scn);
    scenario_free(scn2);
}
