/* test_params.c: parameters bound once, one precedence, nothing accepted
 * that does nothing.
 *
 * First the machinery: every bound row of every table fills its own field
 * (scenario_bind), the binding conventions and their table checks, the
 * typed setter (scenario_set_number), the warning list.  Then what a user
 * meets: an intervention enabled under another model, keys that do nothing
 * (warned on stderr), schedules and targets that cannot act (checked against
 * the built organization), and an experiment's precedence (base < scenario
 * < sweep < command line). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "experiment.h"
#include "genai.h"
#include "intervention.h"
#include "registry.h"
#include "support.h"

#define BASE "tests/data/experiment/base.yaml" /* genai, 200 staff, 60 days */

static size_t field_size(const param_def *d)
{
    switch (d->type) {
    case PARAM_BOOL: return sizeof(int);
    case PARAM_INT: return d->bind == PARAM_BIND_INT32 ? sizeof(int32_t) : sizeof(int64_t);
    case PARAM_DOUBLE: return sizeof(double);
    case PARAM_ENUM: return sizeof(int);
    case PARAM_STRING:
    case PARAM_NAME_LIST: return sizeof(const char *);
    case PARAM_DOUBLE_LIST: return sizeof(param_list);
    }
    return 0;
}

static int n_choices(const char *choices)
{
    int n = 1;
    for (const char *p = choices; *p; p++) n += *p == '|';
    return n;
}

/* The k-th choice of an enum row into buf. */
static void choice(const char *choices, int k, char *buf, size_t size)
{
    const char *p = choices;
    for (int i = 0; i < k; i++) p = strchr(p, '|') + 1;
    size_t len = strcspn(p, "|");
    snprintf(buf, size, "%.*s", (int)len, p);
}

/* A value of row d (the k-th bound row of its table), distinct from its
 * default where the row allows, set in scn; what was set is returned in
 * the out-parameters for the check. */
static void set_distinct(scenario *scn, const param_def *d, int k, double *num, char *text, size_t size)
{
    sim_error err;
    char set[512];
    switch (d->type) {
    case PARAM_BOOL:
        *num = strcmp(d->def, "true") == 0 ? 0 : 1;
        snprintf(set, sizeof set, "%s=%s", d->path, *num ? "true" : "false");
        break;
    case PARAM_INT: {
        double lo = d->min > -1e9 ? d->min : -1e9, hi = d->max < 1e9 ? d->max : 1e9;
        *num = lo + fmod(7.0 * k + 3, hi - lo + 1);
        cr_assert_eq(scenario_set_number(scn, d->path, *num, "--set", 0, 0, &err), SIM_OK, "%s: %s", d->path, err.msg);
        return;
    }
    case PARAM_DOUBLE: {
        double lo = d->min > -1e6 ? d->min : -1e6, hi = d->max < 1e6 ? d->max : 1e6;
        *num = lo + (hi - lo) * fmod(0.618033988749895 * (k + 1), 1.0);
        cr_assert_eq(scenario_set_number(scn, d->path, *num, "--set", 0, 0, &err), SIM_OK, "%s: %s", d->path, err.msg);
        return;
    }
    case PARAM_ENUM: {
        int n = n_choices(d->choices);
        *num = (k + 1) % n;
        choice(d->choices, (int)*num, text, size);
        snprintf(set, sizeof set, "%.200s=%.200s", d->path, text);
        break;
    }
    case PARAM_STRING:
        snprintf(text, size, "text of row %d", k);
        snprintf(set, sizeof set, "%.200s=\"%.200s\"", d->path, text);
        break;
    case PARAM_NAME_LIST:
        snprintf(text, size, "name_%d,other", k);
        snprintf(set, sizeof set, "%.200s=[name_%d, other]", d->path, k);
        break;
    case PARAM_DOUBLE_LIST: {
        int n = d->max_len < 3 ? d->max_len : 3;
        size_t len = (size_t)snprintf(set, sizeof set, "%s=[", d->path);
        for (int i = 0; i < n; i++)
            len += (size_t)snprintf(set + len, sizeof set - len, "%s%.17g", i ? ", " : "",
                                    d->min + (d->max - d->min) * (0.1 + 0.2 * i + 0.01 * (k % 5)));
        snprintf(set + len, sizeof set - len, "]");
        *num = n;
        break;
    }
    }
    cr_assert_eq(scenario_set(scn, set, &err), SIM_OK, "%s: %s", set, err.msg);
}

/* Every bound row of table, set to a distinct value in scn, bound into a
 * zeroed buffer and read back from its field: a wrong offset or type shows
 * as another row's value or a torn one.  Bound rows must not overlap. */
static void round_trip(scenario *scn, const param_def *table)
{
    enum { SIZE = 1 << 16 };
    double nums[512];
    char texts[512][64];
    int k = 0;
    for (const param_def *d = table; d->path; d++, k++) {
        if (d->bind == PARAM_UNBOUND) continue;
        cr_assert(d->offset + field_size(d) <= SIZE, "%s: offset %zu", d->path, d->offset);
        for (const param_def *e = table; e < d; e++)
            if (e->bind != PARAM_UNBOUND)
                cr_assert(e->offset + field_size(e) <= d->offset || d->offset + field_size(d) <= e->offset,
                          "%s and %s bind overlapping fields", e->path, d->path);
        set_distinct(scn, d, k, &nums[k], texts[k], sizeof texts[k]);
    }
    cr_assert(k < 512);
    char *buf = calloc(1, SIZE);
    cr_assert_not_null(buf);
    scenario_bind(scn, table, buf);
    k = 0;
    for (const param_def *d = table; d->path; d++, k++) {
        if (d->bind == PARAM_UNBOUND) continue;
        const void *f = buf + d->offset;
        const param_value *v = scenario_find(scn, d->path);
        switch (d->type) {
        case PARAM_BOOL: cr_expect_eq(*(const int *)f, (int)nums[k], "%s", d->path); break;
        case PARAM_INT:
            if (d->bind == PARAM_BIND_INT32) cr_expect_eq(*(const int32_t *)f, (int32_t)nums[k], "%s", d->path);
            else cr_expect_eq(*(const int64_t *)f, (int64_t)nums[k], "%s", d->path);
            break;
        case PARAM_DOUBLE: cr_expect_eq(*(const double *)f, nums[k], "%s", d->path); break;
        case PARAM_ENUM: cr_expect_eq(*(const int *)f, (int)nums[k], "%s", d->path); break;
        case PARAM_STRING:
        case PARAM_NAME_LIST:
            cr_expect_eq(*(const char *const *)f, v->s, "%s: not the scenario's own string", d->path);
            cr_expect_str_eq(*(const char *const *)f, texts[k], "%s", d->path);
            break;
        case PARAM_DOUBLE_LIST: {
            const param_list *l = f;
            cr_expect_eq(l->n, (int)nums[k], "%s", d->path);
            for (int i = 0; i < l->n && i < v->n; i++) cr_expect_eq(l->v[i], v->list[i], "%s[%d]", d->path, i);
            for (int i = l->n; i < PARAM_LIST_MAX; i++) cr_expect_eq(l->v[i], 0, "%s[%d] not zero", d->path, i);
            break;
        }
        }
    }
    free(buf);
}

Test(params, every_bound_row_fills_its_own_field)
{
    size_t n;
    const param_def *const *tables = registry_tables(&n);
    int bound = 0;
    for (size_t t = 0; t < n; t++) {
        scenario *scn = NULL;
        sim_error err;
        cr_assert_eq(registry_scenario_alloc(&scn, &err), SIM_OK);
        round_trip(scn, tables[t]);
        for (const param_def *d = tables[t]; d->path; d++) bound += d->bind != PARAM_UNBOUND;
        scenario_free(scn);
    }
    cr_expect_gt(bound, 150, "only %d rows are bound", bound);
    /* the experiment file's own keys */
    const param_def *const ex_tables[] = {experiment_params};
    scenario *ep = NULL;
    sim_error err;
    cr_assert_eq(scenario_alloc(ex_tables, 1, &ep, &err), SIM_OK, "%s", err.msg);
    round_trip(ep, experiment_params);
    scenario_free(ep);
}

/* Which rows stay unbound, and why: run.* and output.* (engine.c) and
 * network.* and organization.* (network_types.c) are read with the getters
 * for now; model.name chooses the model, it fills no model's struct.  Every
 * model's and intervention's row is bound. */
Test(params, model_and_intervention_rows_are_all_bound)
{
    size_t n;
    const param_def *const *tables = registry_tables(&n);
    for (size_t t = 0; t < n; t++)
        for (const param_def *d = tables[t]; d->path; d++) {
            const int getter_row = !strncmp(d->path, "run.", 4) || !strncmp(d->path, "output.", 7) ||
                                   !strncmp(d->path, "network.", 8) || !strncmp(d->path, "organization.", 13) ||
                                   !strcmp(d->path, "model.name");
            cr_expect_eq(d->bind != PARAM_UNBOUND, !getter_row, "%s", d->path);
        }
}

/* The common rows of each intervention bind its state's iv_common: read
 * alone (iv_common_bind, as genai does) they give the same values. */
Test(params, common_rows_read_alone_match_the_module_binding)
{
    for (int i = 0; genai_interventions[i]; i++) {
        const genai_intervention_type *t = genai_interventions[i];
        const char *sets[10] = {"model.name=genai", "network.type=organization"};
        char texts[6][160];
        snprintf(texts[0], sizeof texts[0], "interventions.%s.enabled=true", t->name);
        snprintf(texts[1], sizeof texts[1], "interventions.%s.start=%d", t->name, 3 + i);
        snprintf(texts[2], sizeof texts[2], "interventions.%s.end=%d", t->name, 40 + i);
        snprintf(texts[3], sizeof texts[3], "interventions.%s.target.count=%d", t->name, 17 + i);
        snprintf(texts[4], sizeof texts[4], "interventions.%s.target.teams=\"%d,%d\"", t->name, i, i + 2);
        snprintf(texts[5], sizeof texts[5], "interventions.%s.hours=%g", t->name, 0.25 * (i + 1));
        for (int k = 0; k < 6; k++) sets[2 + k] = texts[k];
        scenario *scn = support_scenario(sets);
        iv_common c;
        iv_common_bind(scn, t, &c);
        char *buf = calloc(1, 1 << 16);
        cr_assert_not_null(buf);
        scenario_bind(scn, t->params, buf);
        const iv_common *m = (const iv_common *)(buf + t->params[0].offset - offsetof(iv_common, enabled));
        cr_expect_eq(c.enabled, 1, "%s", t->name);
        cr_expect_eq(m->enabled, c.enabled, "%s", t->name);
        cr_expect_eq(c.start, 3 + i, "%s", t->name);
        cr_expect_eq(m->start, c.start, "%s", t->name);
        cr_expect_eq(c.end, 40 + i, "%s", t->name);
        cr_expect_eq(m->end, c.end, "%s", t->name);
        cr_expect_eq(m->every, c.every, "%s", t->name);
        cr_expect_eq(c.hours, 0.25 * (i + 1), "%s", t->name);
        cr_expect_eq(m->hours, c.hours, "%s", t->name);
        cr_expect_eq(c.count, 17 + i, "%s", t->name);
        cr_expect_eq(m->count, c.count, "%s", t->name);
        cr_expect_eq(m->share, c.share, "%s", t->name);
        cr_expect_str_eq(c.teams_text, m->teams_text, "%s", t->name);
        cr_expect_str_eq(c.levels_text, m->levels_text, "%s", t->name);
        cr_expect_str_eq(c.generations_text, m->generations_text, "%s", t->name);
        cr_expect_str_eq(c.name, t->name);
        free(buf);
        scenario_free(scn);
    }
}

/* The C type of a field follows from the row's type (params.h). */
typedef struct demo_params {
    int flag;
    int64_t big;
    int32_t small;
    double x;
    int shape;
    const char *label;
    param_list mix;
} demo_params;

static const param_def demo_rows[] = {
    {"demo.flag", PARAM_BOOL, "", 0, 1, "true", NULL, 0, "", PARAM_FIELD(demo_params, flag)},
    {"demo.big", PARAM_INT, "", 0, 9e18, "9000000000000000000", NULL, 0, "", PARAM_FIELD(demo_params, big)},
    {"demo.small", PARAM_INT, "", -5, 2000000000, "-5", NULL, 0, "", PARAM_FIELD_INT32(demo_params, small)},
    {"demo.x", PARAM_DOUBLE, "", 0, 1, "0.25", NULL, 0, "", PARAM_FIELD(demo_params, x)},
    {"demo.shape", PARAM_ENUM, "", 0, 0, "uniform", "normal|uniform|constant", 0, "", PARAM_FIELD(demo_params, shape)},
    {"demo.label", PARAM_STRING, "", 0, 0, "a b", NULL, 0, "", PARAM_FIELD(demo_params, label)},
    {"demo.mix", PARAM_DOUBLE_LIST, "", 0, 1, "[0.5, 0.25]", NULL, 16, "", PARAM_FIELD(demo_params, mix)},
    {"demo.unbound", PARAM_DOUBLE, "", 0, 1, "0.5", NULL, 0, "", PARAM_NO_FIELD},
    PARAM_END};

Test(params, bound_fields_take_the_documented_c_types)
{
    const param_def *const t[] = {demo_rows};
    scenario *scn = NULL;
    sim_error err;
    cr_assert_eq(scenario_alloc(t, 1, &scn, &err), SIM_OK, "%s", err.msg);
    demo_params p;
    memset(&p, 0x5a, sizeof p);
    scenario_bind(scn, demo_rows, &p);
    cr_expect_eq(p.flag, 1);
    cr_expect_eq(p.big, INT64_C(9000000000000000000));
    cr_expect_eq(p.small, -5);
    cr_expect_eq(p.x, 0.25);
    cr_expect_eq(p.shape, 1, "uniform is choice 1");
    cr_expect_str_eq(p.label, "a b");
    cr_expect_eq(p.label, scenario_string(scn, "demo.label"), "the scenario's own string");
    cr_expect_eq(p.mix.n, 2);
    cr_expect_eq(p.mix.v[0], 0.5);
    cr_expect_eq(p.mix.v[1], 0.25);
    for (int i = 2; i < PARAM_LIST_MAX; i++) cr_expect_eq(p.mix.v[i], 0);
    cr_assert_eq(scenario_set(scn, "demo.shape=constant", &err), SIM_OK);
    cr_assert_eq(scenario_set(scn, "demo.small=2000000000", &err), SIM_OK);
    scenario_bind(scn, demo_rows, &p);
    cr_expect_eq(p.shape, 2);
    cr_expect_eq(p.small, 2000000000);
    scenario_free(scn);
}

Test(params, tables_with_impossible_bindings_are_refused)
{
    static const param_def wide_int32[] = {
        {"demo.n", PARAM_INT, "", 0, 3e9, "1", NULL, 0, "", PARAM_FIELD_INT32(demo_params, small)}, PARAM_END};
    static const param_def int32_double[] = {
        {"demo.x", PARAM_DOUBLE, "", 0, 1, "0", NULL, 0, "", PARAM_FIELD_INT32(demo_params, small)}, PARAM_END};
    static const param_def long_list[] = {
        {"demo.l", PARAM_DOUBLE_LIST, "", 0, 1, "[0]", NULL, PARAM_LIST_MAX + 1, "", PARAM_FIELD(demo_params, mix)},
        PARAM_END};
    const param_def *const *cases[] = {(const param_def *const[]){wide_int32}, (const param_def *const[]){int32_double},
                                       (const param_def *const[]){long_list}};
    for (size_t i = 0; i < 3; i++) {
        scenario *scn = NULL;
        sim_error err;
        cr_expect_eq(scenario_alloc(cases[i], 1, &scn, &err), SIM_EINTERNAL, "case %zu accepted", i);
        cr_expect(strstr(err.msg, "parameter table") != NULL, "%s", err.msg);
        cr_expect_null(scn);
    }
}

/* ---------- numbers set as numbers ---------- */

Test(params, typed_setter_checks_key_type_whole_numbers_and_bounds)
{
    const char *none[] = {NULL};
    scenario *scn = support_scenario(none);
    sim_error err;
    /* good values, remembered where they came from */
    cr_assert_eq(scenario_set_number(scn, "model.bass.q", 0.125, "exp.yaml", 7, 9, &err), SIM_OK, "%s", err.msg);
    const param_value *q = scenario_find(scn, "model.bass.q");
    cr_expect_eq(q->d, 0.125);
    cr_expect_eq(q->source, PARAM_FROM_FILE);
    cr_expect_eq(q->line, 7);
    cr_expect_eq(q->column, 9);
    cr_expect_str_eq(q->file, "exp.yaml");
    cr_assert_eq(scenario_set_number(scn, "run.replicates", 12, "--set", 3, 4, &err), SIM_OK);
    cr_expect_eq(scenario_int(scn, "run.replicates"), 12);
    cr_expect_eq(scenario_find(scn, "run.replicates")->source, PARAM_FROM_SET);
    cr_assert_eq(scenario_set_number(scn, "run.threads", 0, NULL, 0, 0, &err), SIM_OK);
    cr_expect_eq(scenario_find(scn, "run.threads")->source, PARAM_FROM_DEFAULT);
    /* a double exactly as computed, not through text */
    const double third = 1.0 / 3.0;
    cr_assert_eq(scenario_set_number(scn, "model.bass.p", third, "--set", 0, 0, &err), SIM_OK);
    cr_expect_eq(scenario_double(scn, "model.bass.p"), third);
    cr_assert_eq(scenario_set_number(scn, "run.seed", 4294967295.0, "--set", 0, 0, &err), SIM_OK);
    cr_expect_eq(scenario_int(scn, "run.seed"), 4294967295LL);

    static const struct { const char *path; double v; const char *msg; } bad[] = {
        {"interventions.vanguard.per_team", 1.5, "expected a whole number, got 1.5"},
        {"interventions.vanguard.per_team", 0, "must be between 1 and 1000, got 0"},
        {"interventions.vanguard.per_team", 1001, "must be between 1 and 1000, got 1001"},
        {"run.seed", 4294967296.0, "must be between 0 and 4294967295, got 4294967296"},
        {"run.seed", 1e30, "must be between 0 and 4294967295"},
        {"model.bass.q", 1.0000001, "must be between 0 and 1, got 1.0000001"},
        {"model.bass.q", -0.5, "must be between 0 and 1, got -0.5"},
        {"model.bass.q", NAN, "finite"},
        {"model.bass.q", INFINITY, "finite"},
        {"interventions.vanguard.enabled", 1, "takes true or false, not a number"},
        {"model.bass.kernel", 0, "takes one of push|pull, not a number"},
        {"interventions.vanguard.per_teem", 2, "did you mean \"interventions.vanguard.per_team\""},
        {"organization.generation_mix", 1, "is a section, not a key"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *before = scenario_to_yaml(scn);
        sim_error_clear(&err);
        cr_expect_eq(scenario_set_number(scn, bad[i].path, bad[i].v, "exp.yaml", 5, 39, &err), SIM_EINPUT,
                     "%s = %g accepted", bad[i].path, bad[i].v);
        cr_expect(strstr(err.msg, bad[i].msg) != NULL, "%s = %g: expected \"%s\" in: %s", bad[i].path, bad[i].v,
                  bad[i].msg, err.msg);
        cr_expect_str_eq(err.file, "exp.yaml");
        cr_expect_eq(err.line, 5, "%s", bad[i].path);
        cr_expect_eq(err.column, 39, "%s", bad[i].path);
        cr_expect_str_eq(err.key, bad[i].path);
        char *after = scenario_to_yaml(scn);
        cr_expect_str_eq(after, before, "%s: a refused value changed the scenario", bad[i].path);
        free(before);
        free(after);
    }
    scenario_free(scn);
}

Test(params, warning_list_says_each_thing_once)
{
    sim_warnings w = {0};
    sim_warn(&w, "a.yaml", 3, 4, "k.x", "does %s", "nothing");
    sim_warn(&w, "a.yaml", 3, 4, "k.x", "does %s", "nothing");
    sim_warn(&w, "a.yaml", 5, 4, "k.x", "does %s", "nothing");
    sim_warn(NULL, "a.yaml", 3, 4, "k.x", "ignored");
    cr_expect_eq(w.n, 2);
    char buf[2048];
    cr_expect_str_eq(sim_error_format(&w.items[0], buf, sizeof buf), "a.yaml:3:4: k.x: does nothing");
    cr_expect_eq(w.items[0].status, SIM_OK);
    sim_warnings_free(&w);
    cr_expect_eq(w.n, 0);
    cr_expect_null(w.items);
}

/* ---------- settings that cannot act ---------- */

Test(params, keys_that_cannot_act_are_named_with_why)
{
    const char *sets[] = {"model.name=genai", "network.type=organization", "interventions.permission.enabled=true", NULL};
    scenario *scn = support_scenario(sets);
    char why[200];
    cr_expect_eq(registry_key_inert(scn, "model.bass.p", why, sizeof why), 1);
    cr_expect_str_eq(why, "model.name is genai, not bass");
    cr_expect_eq(registry_key_inert(scn, "model.genai.use.peers", why, sizeof why), 0);
    cr_expect_eq(registry_key_inert(scn, "interventions.vanguard.per_team", why, sizeof why), 1);
    cr_expect_str_eq(why, "interventions.vanguard.enabled is false");
    cr_expect_eq(registry_key_inert(scn, "interventions.vanguard.enabled", why, sizeof why), 0);
    cr_expect_eq(registry_key_inert(scn, "interventions.permission.strength", why, sizeof why), 0);
    cr_expect_eq(registry_key_inert(scn, "run.days", why, sizeof why), 0);
    cr_expect_eq(registry_key_inert(scn, "model.name", why, sizeof why), 0);
    /* a run warns about the keys given, not about defaults */
    sim_warnings w = {0};
    registry_warnings(scn, &w);
    cr_expect_eq(w.n, 0, "defaults warned about");
    sim_error err;
    cr_assert_eq(scenario_set(scn, "interventions.vanguard.per_team=3", &err), SIM_OK);
    cr_assert_eq(scenario_set(scn, "model.threshold.sd=0.2", &err), SIM_OK);
    registry_warnings(scn, &w);
    cr_assert_eq(w.n, 2);
    cr_expect_str_eq(w.items[0].key, "model.threshold.sd");
    cr_expect_str_eq(w.items[0].file, "--set");
    cr_expect_str_eq(w.items[1].key, "interventions.vanguard.per_team");
    sim_warnings_free(&w);
    scenario_free(scn);
}

/* Finding 1: under model bass an enabled intervention was accepted and did
 * nothing (only the selected model's checks ran). */
Test(params, intervention_enabled_under_another_model_is_an_error)
{
    char *dir = support_tmpdir(), *err = NULL, *out = NULL;
    const char *text = "model:\n  name: bass\nnetwork:\n  type: complete\n  agents: 100\n"
                       "interventions:\n  permission:\n    enabled: true\n";
    char *path = support_write(dir, "bass.yaml", text, strlen(text));
    const char *check[] = {"check", path, NULL};
    cr_expect_eq(support_exec(check, &out, &err), 2, "%s%s", out, err);
    cr_expect(strstr(err, "bass.yaml:8:14: interventions.permission.enabled") != NULL, "%s", err);
    cr_expect(strstr(err, "model.name: genai") != NULL, "%s", err);
    free(err);
    free(out);
    /* the same from --set, and under threshold */
    const char *set[] = {"check", path, "--set", "model.name=threshold", NULL};
    cr_expect_eq(support_exec(set, NULL, &err), 2, "%s", err);
    cr_expect(strstr(err, "interventions.permission.enabled") != NULL, "%s", err);
    free(err);
    free(path);
    support_rmdir(dir);
}

Test(params, run_warns_on_stderr_about_keys_that_do_nothing)
{
    char *out = NULL, *err = NULL;
    const char *check[] = {"check", BASE, "--set", "model.bass.p=0.2", "--set", "interventions.vanguard.per_team=3",
                           "--set", "interventions.launch.hours=2", NULL};
    cr_assert_eq(support_exec(check, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, ": ok") != NULL, "%s", out);
    cr_expect(strstr(err, "warning: --set: model.bass.p: does nothing in this scenario: model.name is genai, not bass") !=
                  NULL, "%s", err);
    cr_expect(strstr(err, "warning: --set: interventions.vanguard.per_team: does nothing in this scenario: "
                          "interventions.vanguard.enabled is false") != NULL, "%s", err);
    cr_expect(strstr(err, "interventions.launch.hours") == NULL, "launch is enabled: %s", err);
    free(out);
    free(err);
    /* a key given in the file is named at its line */
    char *dir = support_tmpdir();
    const char *text = "run: {days: 30}\nnetwork: {type: organization, agents: 100}\nmodel: {name: genai}\n"
                       "interventions:\n  training: {every: 3}\n";
    char *path = support_write(dir, "s.yaml", text, strlen(text));
    const char *file[] = {"check", path, NULL};
    cr_assert_eq(support_exec(file, &out, &err), 0, "%s", err);
    cr_expect(strstr(err, "s.yaml:5:21: interventions.training.every: does nothing") != NULL, "%s", err);
    free(out);
    free(err);
    /* -q: nothing */
    const char *quiet[] = {"check", path, "-q", NULL};
    cr_assert_eq(support_exec(quiet, &out, &err), 0);
    cr_expect_str_empty(err);
    free(out);
    free(err);
    free(path);
    support_rmdir(dir);
}

/* Finding 3: a start after the last day was accepted and changed nothing. */
Test(params, start_after_the_last_day_is_an_error)
{
    char *err = NULL;
    const char *check[] = {"check", BASE, "--set", "interventions.training.enabled=true",
                           "--set", "interventions.training.start=61", NULL};
    cr_expect_eq(support_exec(check, NULL, &err), 2, "%s", err);
    cr_expect(strstr(err, "--set: interventions.training.start: day 61 is after the last day of the run "
                          "(run.days = 60)") != NULL, "%s", err);
    free(err);
    const char *last[] = {"check", BASE, "-q", "--set", "interventions.training.enabled=true",
                          "--set", "interventions.training.start=60", NULL};
    cr_expect_eq(support_exec(last, NULL, &err), 0, "the last day is a day: %s", err);
    free(err);
}

Test(params, every_without_a_second_session_is_a_warning)
{
    char *err = NULL, *out = NULL;
    const char *check[] = {"check", BASE, "--set", "interventions.training.enabled=true",
                           "--set", "interventions.training.start=5", "--set", "interventions.training.end=20",
                           "--set", "interventions.training.every=30", NULL};
    cr_assert_eq(support_exec(check, &out, &err), 0, "%s", err);
    cr_expect(strstr(err, "warning: --set: interventions.training.end: the intervention acts on days 5-20, where "
                          "every = 30 gives one session only (on day 5)") != NULL, "%s", err);
    free(err);
    free(out);
    const char *ok[] = {"check", BASE, "--set", "interventions.training.enabled=true",
                        "--set", "interventions.training.start=5", "--set", "interventions.training.end=20",
                        "--set", "interventions.training.every=15", NULL};
    cr_assert_eq(support_exec(ok, &out, &err), 0, "%s", err);
    cr_expect_str_empty(err);
    free(err);
    free(out);
}

/* ---------- targets against the built organization ---------- */

/* The genai model's check of scn against its network. */
static int check_network(const char *const *sets, sim_error *err)
{
    scenario *scn = support_scenario(sets);
    sim_network *net = NULL;
    int rc = network_build(scn, 1, &net, err);
    cr_assert_eq(rc, SIM_OK, "%s", err->msg);
    rc = model_check_network(registry_scenario_model(scn), scn, net, err);
    network_free(net);
    scenario_free(scn);
    return rc;
}

#define ORG400 "model.name=genai", "network.type=organization", "network.agents=400", "organization.span=8"

Test(params, targets_checked_against_the_built_organization)
{
    sim_error err;
    /* finding 3: team 999 of a 400-person organization (teams 0-50) */
    const char *team[] = {ORG400, "interventions.reverse_mentoring.enabled=true",
                          "interventions.reverse_mentoring.target.teams=999", NULL};
    cr_expect_eq(check_network(team, &err), SIM_EINPUT);
    cr_expect_str_eq(err.key, "interventions.reverse_mentoring.target.teams");
    cr_expect(strstr(err.msg, "team 999 does not exist: the organization has teams 0-") != NULL, "%s", err.msg);
    const char *level[] = {ORG400, "interventions.training.enabled=true", "interventions.training.target.levels=\"1,7\"",
                           NULL};
    cr_expect_eq(check_network(level, &err), SIM_EINPUT);
    cr_expect_str_eq(err.key, "interventions.training.target.levels");
    cr_expect(strstr(err.msg, "level 7 does not exist: the organization has levels 0-3") != NULL, "%s", err.msg);
    /* a range reaching below the organization is fine (the vanguard's default is 1-63) */
    const char *range[] = {ORG400, "interventions.vanguard.enabled=true", NULL};
    cr_expect_eq(check_network(range, &err), SIM_OK, "%s", err.msg);
    /* levels x generations empty: the chief officer (level 0) is not Gen Z
     * (organization.generation_mix.gen_z is 0 at level 0) */
    const char *empty[] = {ORG400, "interventions.training.enabled=true", "interventions.training.target.levels=0",
                           "interventions.training.target.generations=gen_z", NULL};
    cr_expect_eq(check_network(empty, &err), SIM_EINPUT);
    cr_expect(!strncmp(err.key, "interventions.training.target.", 30), "%s", err.key);
    cr_expect(strstr(err.msg, "would reach nobody") != NULL, "%s", err.msg);
    /* leaders only: the bottom level has no one with reports */
    const char *leaders[] = {ORG400, "interventions.leadership.enabled=true", "interventions.leadership.target.levels=3",
                             NULL};
    cr_expect_eq(check_network(leaders, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "no leader (agent with direct reports)") != NULL, "%s", err.msg);
    const char *staff[] = {ORG400, "interventions.training.enabled=true", "interventions.training.target.levels=3",
                           NULL};
    cr_expect_eq(check_network(staff, &err), SIM_OK, "%s", err.msg);
    /* share x eligible rounds to nobody: 0.001 of the 73 leaders */
    const char *share[] = {ORG400, "interventions.leadership.enabled=true",
                           "interventions.leadership.target.share=0.001", NULL};
    cr_expect_eq(check_network(share, &err), SIM_EINPUT);
    cr_expect_str_eq(err.key, "interventions.leadership.target.share");
    cr_expect(strstr(err.msg, "rounds to nobody") != NULL, "%s", err.msg);
    /* a disabled intervention's target is not checked (its keys only warn) */
    const char *off[] = {ORG400, "interventions.training.target.teams=999", NULL};
    cr_expect_eq(check_network(off, &err), SIM_OK, "%s", err.msg);
}

Test(params, cli_checks_targets_for_run_check_and_experiments)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "o.h5"), *err = NULL;
    const char *check[] = {"check", BASE, "--set", "interventions.reverse_mentoring.enabled=true",
                           "--set", "interventions.reverse_mentoring.target.teams=999", NULL};
    cr_expect_eq(support_exec(check, NULL, &err), 2, "%s", err);
    cr_expect(strstr(err, "--set: interventions.reverse_mentoring.target.teams: team 999 does not exist") != NULL,
              "%s", err);
    free(err);
    const char *run[] = {"run", BASE, "-o", out, "--set", "interventions.reverse_mentoring.enabled=true",
                         "--set", "interventions.reverse_mentoring.target.teams=999", NULL};
    cr_expect_eq(support_exec(run, NULL, &err), 2, "%s", err);
    free(err);
    cr_expect_eq(access(out, F_OK), -1, "run wrote a file");
    char cwd[4096], text[8192];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(text, sizeof text,
             "base: %s/" BASE "\nscenarios:\n  push: {}\n  mentoring:\n"
             "    interventions.reverse_mentoring: {enabled: true, target: {teams: \"3, 999\"}}\n", cwd);
    char *def = support_write(dir, "exp.yaml", text, strlen(text));
    const char *ex[] = {"experiment", def, "-o", out, "-q", NULL};
    cr_expect_eq(support_exec(ex, NULL, &err), 2, "%s", err);
    cr_expect(strstr(err, "exp.yaml:5:70: interventions.reverse_mentoring.target.teams: team 999 does not exist") !=
                  NULL, "%s", err);
    free(err);
    cr_expect_eq(support_count_entries(dir), 1, "the experiment left something behind");
    const char *exc[] = {"check", def, NULL};
    cr_expect_eq(support_exec(exc, NULL, &err), 2, "%s", err);
    free(err);
    free(def);
    free(out);
    support_rmdir(dir);
}

/* ---------- an experiment's precedence ---------- */

/* Write exp.yaml (base: BASE, then text) into a fresh directory. */
static char *write_experiment(char **dir, const char *text)
{
    char cwd[4096], full[8192];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(full, sizeof full, "base: %s/" BASE "\n%s", cwd, text);
    *dir = support_tmpdir();
    return support_write(*dir, "exp.yaml", full, strlen(full));
}

static const char mentoring_scenarios[] = "scenarios:\n  push: {}\n  mentoring:\n"
                                          "    interventions.reverse_mentoring:\n"
                                          "      enabled: true\n      every: 7\n      mentors_per_leader: 1\n";

/* Finding 2: a --set of a key a scenario sets itself was silently lost. */
Test(params, set_on_the_command_line_beats_a_scenario_with_a_warning)
{
    char *dir, *def = write_experiment(&dir, mentoring_scenarios);
    const char *sets[] = {"interventions.reverse_mentoring.every=14", "interventions.reverse_mentoring.mentors_per_leader=2"};
    experiment *ex = NULL;
    sim_error err;
    cr_assert_eq(experiment_load(def, &registry_catalog, sets, 2, &ex, &err), SIM_OK, "%s", err.msg);
    for (int s = 0; s < 2; s++) {
        cr_expect_eq(scenario_int(ex->scenarios[s], "interventions.reverse_mentoring.every"), 14, "%s", ex->names[s]);
        cr_expect_eq(scenario_int(ex->scenarios[s], "interventions.reverse_mentoring.mentors_per_leader"), 2);
    }
    cr_assert_eq(ex->warnings.n, 2, "warnings: %d", ex->warnings.n);
    cr_expect_str_eq(ex->warnings.items[0].file, "--set");
    cr_expect_str_eq(ex->warnings.items[0].key, "interventions.reverse_mentoring.every");
    cr_expect(strstr(ex->warnings.items[0].msg, "scenario \"mentoring\"") != NULL, "%s", ex->warnings.items[0].msg);
    cr_expect(strstr(ex->warnings.items[0].msg, "exp.yaml:7:14") != NULL, "%s", ex->warnings.items[0].msg);
    experiment_free(ex);

    /* the CLI prints the warning and names the option */
    char *err_text = NULL, *out = NULL;
    const char *check[] = {"check", def, "--set", "interventions.reverse_mentoring.every=14", NULL};
    cr_assert_eq(support_exec(check, &out, &err_text), 0, "%s", err_text);
    cr_expect(strstr(err_text, "adoptsim: warning: --set: interventions.reverse_mentoring.every: overrides the value "
                               "scenario \"mentoring\" gives it at ") != NULL, "%s", err_text);
    free(err_text);
    free(out);
    /* --seed and --replicates beat the top-level keys */
    free(def);
    support_rmdir(dir);
    def = write_experiment(&dir, "replicates: 3\nseed: 5\n");
    const char *seed[] = {"run.seed=9", "run.replicates=4"};
    cr_assert_eq(experiment_load(def, &registry_catalog, seed, 2, &ex, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(ex->seed, 9);
    cr_expect_eq(ex->replicates, 4);
    cr_expect_eq(scenario_int(ex->scenarios[0], "run.seed"), 9);
    experiment_free(ex);
    cr_assert_eq(experiment_load(def, &registry_catalog, NULL, 0, &ex, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(ex->seed, 5);
    cr_expect_eq(ex->replicates, 3);
    const param_value *v = scenario_find(ex->scenarios[0], "run.replicates");
    cr_expect_eq(v->i, 3);
    cr_expect_eq(v->line, 2, "recorded at the top-level key");
    experiment_free(ex);
    free(def);
    support_rmdir(dir);
}

Test(params, set_of_a_swept_key_is_an_error_naming_both)
{
    char *dir, *def = write_experiment(&dir, "scenarios:\n  push: {}\n  mentoring: {interventions.reverse_mentoring.enabled: true}\n"
                                             "sweep:\n  method: grid\n  parameters:\n"
                                             "    interventions.reverse_mentoring.every: [7, 14]\n");
    char *err = NULL;
    const char *check[] = {"check", def, "--set", "interventions.reverse_mentoring.every=21", NULL};
    cr_expect_eq(support_exec(check, NULL, &err), 2, "%s", err);
    cr_expect(strstr(err, "adoptsim: --set: interventions.reverse_mentoring.every: the sweep varies this key (") != NULL,
              "%s", err);
    cr_expect(strstr(err, "exp.yaml:8:5)") != NULL, "%s", err);
    free(err);
    /* without it, fine */
    const char *ok[] = {"check", def, "-q", NULL};
    cr_expect_eq(support_exec(ok, NULL, &err), 0, "%s", err);
    free(err);
    free(def);
    support_rmdir(dir);
}

/* Before, the sweep silently overwrote a scenario's own value. */
Test(params, scenario_setting_a_swept_key_is_an_error)
{
    char *dir, *def = write_experiment(&dir, "scenarios:\n  push: {}\n  mentoring:\n"
                                             "    interventions.reverse_mentoring: {enabled: true, every: 5}\n"
                                             "sweep:\n  method: grid\n  parameters:\n"
                                             "    interventions.reverse_mentoring.every: [7, 14]\n");
    experiment *ex = NULL;
    sim_error err;
    cr_expect_eq(experiment_load(def, &registry_catalog, NULL, 0, &ex, &err), SIM_EINPUT);
    cr_expect_null(ex);
    cr_expect_eq(err.line, 5);
    cr_expect_eq(err.column, 61, "column %d", err.column);
    cr_expect_str_eq(err.key, "interventions.reverse_mentoring.every");
    cr_expect(strstr(err.msg, "scenario \"mentoring\" sets this key, which the sweep varies") != NULL, "%s", err.msg);
    cr_expect(strstr(err.msg, "exp.yaml:9:5") != NULL, "%s", err.msg);
    char *text = NULL;
    const char *check[] = {"check", def, NULL};
    cr_expect_eq(support_exec(check, NULL, &text), 2, "%s", text);
    free(text);
    free(def);
    support_rmdir(dir);
}

Test(params, sweep_values_are_numbers_recorded_at_the_sweep)
{
    char *dir, *def = write_experiment(&dir, "sweep:\n  method: grid\n  parameters:\n"
                                             "    model.genai.use.peers: [0.1, 0.30000000000000004]\n"
                                             "    interventions.vanguard.per_team: [2]\n"
                                             "scenarios:\n  v: {interventions.vanguard.enabled: true}\n");
    experiment *ex = NULL;
    sim_error err;
    cr_assert_eq(experiment_load(def, &registry_catalog, NULL, 0, &ex, &err), SIM_OK, "%s", err.msg);
    scenario *c = NULL;
    cr_assert_eq(experiment_config(ex, 0, 1, &c, &err), SIM_OK);
    cr_expect_eq(scenario_double(c, "model.genai.use.peers"), 0.30000000000000004);
    const param_value *v = scenario_find(c, "interventions.vanguard.per_team");
    cr_expect_eq(v->i, 2);
    cr_expect_eq(v->line, 6);
    cr_expect_eq(v->column, 5);
    cr_expect_str_eq(v->file, def);
    scenario_free(c);
    experiment_free(ex);
    free(def);
    support_rmdir(dir);
    /* run.* keys are the experiment's: not swept */
    def = write_experiment(&dir, "sweep:\n  method: grid\n  parameters:\n    run.seed: [1, 2]\n");
    cr_expect_eq(experiment_load(def, &registry_catalog, NULL, 0, &ex, &err), SIM_EINPUT);
    cr_expect_str_eq(err.key, "run.seed");
    cr_expect(strstr(err.msg, "set for the whole experiment") != NULL, "%s", err.msg);
    free(def);
    support_rmdir(dir);
}

Test(params, experiment_warns_only_about_keys_no_scenario_uses)
{
    /* the base sets vanguard keys, one scenario enables it: normal */
    char *dir, *def = write_experiment(&dir, "scenarios:\n  push: {interventions.vanguard.per_team: 2}\n"
                                             "  vanguard: {interventions.vanguard.enabled: true}\n");
    experiment *ex = NULL;
    sim_error err;
    cr_assert_eq(experiment_load(def, &registry_catalog, NULL, 0, &ex, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(ex->warnings.n, 0, "%s", ex->warnings.n ? ex->warnings.items[0].msg : "");
    experiment_free(ex);
    free(def);
    support_rmdir(dir);
    /* set where nothing enables it: said once, at the first place given */
    def = write_experiment(&dir, "scenarios:\n  a: {interventions.training.every: 3}\n"
                                 "  b: {interventions.training.every: 4, model.bass.q: 0.5}\n"
                                 "sweep:\n  method: grid\n  parameters:\n    interventions.peer_mentoring.transfer: [0.1, 0.2]\n");
    cr_assert_eq(experiment_load(def, &registry_catalog, NULL, 0, &ex, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(ex->warnings.n, 3);
    const char *keys[] = {"model.bass.q", "interventions.training.every", "interventions.peer_mentoring.transfer"};
    for (int i = 0; i < 3; i++) {
        int found = 0;
        for (int w = 0; w < ex->warnings.n; w++) {
            if (strcmp(ex->warnings.items[w].key, keys[i])) continue;
            found = 1;
            cr_expect(strstr(ex->warnings.items[w].msg, "in every one") != NULL, "%s", ex->warnings.items[w].msg);
            if (i == 1) cr_expect_eq(ex->warnings.items[w].line, 3, "the first scenario that gives it");
            if (i == 2) cr_expect(strstr(ex->warnings.items[w].msg, "the sweep varies") != NULL);
        }
        cr_expect(found, "no warning about %s", keys[i]);
    }
    experiment_free(ex);
    /* and the CLI shows them */
    char *out = NULL, *err_text = NULL;
    const char *check[] = {"check", def, NULL};
    cr_assert_eq(support_exec(check, &out, &err_text), 0, "%s", err_text);
    cr_expect(strstr(err_text, "adoptsim: warning: ") != NULL && strstr(err_text, "model.bass.q: does nothing in any "
                                                                                   "scenario") != NULL, "%s", err_text);
    free(out);
    free(err_text);
    free(def);
    support_rmdir(dir);
}

Test(params, experiment_top_level_keys_are_checked_rows)
{
    static const struct { const char *text, *where, *what; } bad[] = {
        {"seed: abc\n", "exp.yaml:2:7: seed", "expected an integer, got \"abc\""},
        {"seed: -1\n", "exp.yaml:2:7: seed", "must be between 0 and 4294967295"},
        {"replicate: 3\n", "exp.yaml:2:1: replicate", "did you mean \"replicates\""},
        {"baseline: [a]\n", "exp.yaml:2:11: baseline", "expected a string"},
        {"sweep:\n  method: grid\n  points: 4\n  parameters: {model.genai.use.peers: [1]}\n", "exp.yaml:4:11: sweep.points",
         "method grid does not take points"},
        {"sweep:\n  method: sobol\n  points: x\n", "exp.yaml:4:11: sweep.points", "expected an integer"},
        {"model.name: bass\n", "exp.yaml:2:1: model.name", "scenario keys belong in the base file or under scenarios"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *dir, *def = write_experiment(&dir, bad[i].text), *err = NULL;
        const char *check[] = {"check", def, NULL};
        cr_expect_eq(support_exec(check, NULL, &err), 2, "%s", bad[i].text);
        cr_expect(strstr(err, bad[i].where) != NULL, "expected \"%s\" in: %s", bad[i].where, err);
        cr_expect(strstr(err, bad[i].what) != NULL, "expected \"%s\" in: %s", bad[i].what, err);
        free(err);
        free(def);
        support_rmdir(dir);
    }
}

Test(params, params_lists_the_experiment_keys_in_their_own_section)
{
    char *out = NULL;
    const char *args[] = {"params", NULL};
    cr_assert_eq(support_exec(args, &out, NULL), 0);
    const char *section = strstr(out, "\nexperiment files (adoptsim experiment)");
    cr_assert_not_null(section, "%s", out);
    for (const param_def *p = experiment_params; p->path; p++) {
        char line[64];
        snprintf(line, sizeof line, "\n%s ", p->path);
        cr_expect(strstr(section, line) != NULL, "%s missing", p->path);
    }
    cr_expect(strstr(out, "\nmodel.bass.p ") != NULL && strstr(out, "\nmodel.bass.p ") < section);
    free(out);
    const char *md[] = {"params", "--markdown", NULL};
    cr_assert_eq(support_exec(md, &out, NULL), 0);
    cr_expect(strstr(out, "\n## Experiment files\n") != NULL, "%s", out);
    cr_expect(strstr(out, "| `sweep.method` | enum | `grid` |") != NULL, "%s", out);
    /* docs/PARAMETERS.md is this output (make params-doc) */
    FILE *f = fopen("docs/PARAMETERS.md", "r");
    cr_assert_not_null(f);
    size_t len = strlen(out);
    char *doc = calloc(1, len + 2);
    size_t got = fread(doc, 1, len + 1, f);
    fclose(f);
    cr_expect(got == len && memcmp(doc, out, len) == 0, "docs/PARAMETERS.md is out of date: make params-doc");
    free(doc);
    free(out);
}
