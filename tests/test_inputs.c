/* test_inputs.c: inputs as people give them.
 *
 * Times (suite days): every day key takes 90, 90d, 12w, 3m and, with
 * run.start_date, dates and calendar months, in a file, with --set and in
 * an experiment's sweep; each malformed time is refused at its
 * file:line:column; the resolved scenario shows days and the text given;
 * the results' time axis carries the start date (tests/check_names.py reads
 * it with xarray as dates).
 * Names (suite names): the org chart's team labels (or a manager's id) and
 * departments (a column, or the level-1 branch) kept in the network,
 * generated organizations' numbered names, target.teams and
 * target.departments by name with a did-you-mean, and the per-agent table's
 * names read back with h5py and xarray. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "experiment.h"
#include "genai.h"
#include "intervention.h"
#include "interventions.h"
#include "network.h"
#include "registry.h"
#include "support.h"

#define NAMES_CSV "tests/data/orgchart/names.csv"

/* ---------- helpers ---------- */

/* A scenario of every default with the overrides, not validated; the test
 * fails on an error. */
static scenario *plain_scenario(const char *const *sets)
{
    scenario *scn = NULL;
    sim_error err;
    char buf[2048];
    cr_assert_eq(registry_scenario_alloc(&scn, &err), SIM_OK);
    for (size_t i = 0; sets && sets[i]; i++)
        cr_assert_eq(scenario_set(scn, sets[i], &err), SIM_OK, "%s: %s", sets[i],
                     sim_error_format(&err, buf, sizeof buf));
    return scn;
}

/* The --set of one value: SIM_OK and its days, or the error. */
static int set_days(scenario *scn, const char *key, const char *value, long long *days, sim_error *err)
{
    char set[256];
    snprintf(set, sizeof set, "%s=%s", key, value);
    int rc = scenario_set(scn, set, err);
    if (rc == SIM_OK) *days = scenario_int(scn, key);
    return rc;
}

/* The absolute path of a file of the repository (tests run from its root). */
static char *repo_path(const char *rel)
{
    char cwd[1024];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    char *p = malloc(strlen(cwd) + strlen(rel) + 2);
    cr_assert_not_null(p);
    sprintf(p, "%s/%s", cwd, rel);
    return p;
}

/* ---------- times ---------- */

/* Each form on a day number, a length and run.days, without and with a
 * start date: the days it stands for. */
Test(days, each_form_gives_its_days)
{
    static const struct {
        const char *start, *key, *value;
        long long days;
    } table[] = {
        {"", "interventions.training.start", "90", 90},
        {"", "interventions.training.start", "90d", 90},
        {"", "interventions.training.start", "12w", 84},
        {"", "interventions.training.start", "3m", 91},          /* 3 x 30.44 */
        {"", "interventions.training.start", "1m", 30},
        {"", "interventions.training.every", "2w", 14},
        {"", "interventions.training.every", "1m", 30},
        {"", "run.days", "12m", 365},
        {"", "run.days", "6m", 183},                             /* 182.64 */
        {"", "model.genai.regular_days", "2w", 14},              /* a "days" key of a model */
        {"2025-03-01", "interventions.training.start", "3m", 92}, /* to 2025-06-01 */
        {"2025-03-01", "interventions.training.start", "2025-03-02", 1},
        {"2025-03-01", "interventions.training.start", "2025-06-01", 92},
        {"2025-03-01", "interventions.training.start", "90", 90},
        {"2025-03-01", "interventions.training.start", "12w", 84},
        {"2025-03-01", "interventions.training.every", "1m", 30}, /* a length: never calendar */
        {"2025-03-01", "run.days", "12m", 365},
        {"2024-01-01", "run.days", "12m", 366},                  /* a leap year */
        {"2024-01-01", "run.days", "2024-12-31", 365},
        {"2025-01-31", "interventions.training.start", "1m", 28}, /* to the last of February */
        {"2024-01-31", "interventions.training.start", "1m", 29},
        {"2025-01-31", "interventions.training.start", "2m", 59}, /* to 2025-03-31 */
        {"2024-02-29", "run.days", "12m", 365},                  /* to 2025-02-28 */
        {"2025-03-01", "interventions.training.end", "-1", -1},  /* a plain number as before */
    };
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
        char start[64];
        snprintf(start, sizeof start, "run.start_date=%s", table[k].start);
        const char *sets[] = {start, NULL};
        scenario *scn = plain_scenario(sets);
        sim_error err;
        char buf[2048];
        long long days = -999;
        int rc = set_days(scn, table[k].key, table[k].value, &days, &err);
        cr_expect_eq(rc, SIM_OK, "%s %s=%s: %s", table[k].start, table[k].key, table[k].value,
                     sim_error_format(&err, buf, sizeof buf));
        cr_expect_eq(days, table[k].days, "start %s, %s=%s: %lld days, expected %lld", table[k].start,
                     table[k].key, table[k].value, days, table[k].days);
        scenario_free(scn);
    }
}

/* Months and dates given before the start date is known are counted again
 * when it changes (a later --set), and stay plain days otherwise. */
Test(days, a_new_start_date_counts_months_and_dates_again)
{
    const char *sets[] = {"run.start_date=2025-03-01", "interventions.training.start=3m",
                          "interventions.launch.start=2025-04-01", "interventions.licences.start=30", NULL};
    scenario *scn = plain_scenario(sets);
    sim_error err;
    cr_expect_eq(scenario_int(scn, "interventions.training.start"), 92);
    cr_expect_eq(scenario_int(scn, "interventions.launch.start"), 31);
    cr_assert_eq(scenario_set(scn, "run.start_date=2025-02-01", &err), SIM_OK);
    cr_expect_eq(scenario_int(scn, "interventions.training.start"), 89, "2025-02-01 + 3 months");
    cr_expect_eq(scenario_int(scn, "interventions.launch.start"), 59, "2025-04-01 from 2025-02-01");
    cr_expect_eq(scenario_int(scn, "interventions.licences.start"), 30, "a plain number stays");
    /* a start date after a date given: refused at the --set, naming the date's key; nothing changes */
    cr_expect_eq(scenario_set(scn, "run.start_date=2025-05-01", &err), SIM_EINPUT);
    cr_expect_str_eq(err.key, "run.start_date");
    cr_expect_str_eq(err.file, "--set");
    cr_expect(strstr(err.msg, "interventions.launch.start") && strstr(err.msg, "before run.start_date"), "%s",
              err.msg);
    cr_expect_str_eq(scenario_string(scn, "run.start_date"), "2025-02-01");
    cr_expect_eq(scenario_int(scn, "interventions.launch.start"), 59);
    /* no start date: months of 30.44 days, and the date cannot be counted */
    cr_expect_eq(scenario_set(scn, "run.start_date=", &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "needs run.start_date"), "%s", err.msg);
    cr_assert_eq(scenario_set(scn, "interventions.launch.start=1", &err), SIM_OK);
    cr_assert_eq(scenario_set(scn, "run.start_date=", &err), SIM_OK);
    cr_expect_eq(scenario_int(scn, "interventions.training.start"), 91);
    scenario_free(scn);
}

/* The resolved scenario (the results' experiment attribute) shows days,
 * and the text given in the comment. */
Test(days, resolved_scenario_shows_days_and_the_text_given)
{
    const char *sets[] = {"run.start_date=2025-03-01", "run.days=12m", "interventions.training.every=2w", NULL};
    scenario *scn = plain_scenario(sets);
    char *yaml = scenario_to_yaml(scn);
    cr_assert_not_null(yaml);
    cr_expect(strstr(yaml, "days: 365  # day (given as 12m)"), "%s", yaml);
    cr_expect(strstr(yaml, "start_date: \"2025-03-01\"  # date"), "%s", yaml);
    cr_expect(strstr(yaml, "every: 14  # days (given as 2w)"), "%s", yaml);
    free(yaml);
    scenario_free(scn);
}

/* Each malformed time in a scenario file: exit 2 at file:line:column and
 * key with the reason, from `check` and from `run` (no file left). */
typedef struct bad_time {
    char name[40];
    char yaml[200];
    char where[64];
    char what[64];
} bad_time;

static bad_time bad_times[] = {
    {"unknown unit", "interventions:\n  training:\n    start: 3q\n", "bad.yaml:3:12: interventions.training.start",
     "expected an integer number of days (90), or 90d"},
    {"fraction of a unit", "interventions:\n  training:\n    start: 1.5w\n",
     "bad.yaml:3:12: interventions.training.start", "got \"1.5w\""},
    {"negative weeks", "interventions:\n  training:\n    start: -2w\n",
     "bad.yaml:3:12: interventions.training.start", "got \"-2w\""},
    {"unit before the number", "run:\n  days: m3\n", "bad.yaml:2:9: run.days", "got \"m3\""},
    {"date without start date", "interventions:\n  training:\n    start: 2025-04-01\n",
     "bad.yaml:3:12: interventions.training.start", "needs run.start_date"},
    {"date before the start", "run:\n  start_date: 2025-03-01\ninterventions:\n  training:\n    start: 2025-02-01\n",
     "bad.yaml:5:12: interventions.training.start", "before run.start_date 2025-03-01"},
    {"date that is no day", "run:\n  start_date: 2025-03-01\ninterventions:\n  training:\n    start: 2025-02-30\n",
     "bad.yaml:5:12: interventions.training.start", "not a day of the calendar"},
    {"date for a length", "run:\n  start_date: 2025-03-01\ninterventions:\n  training:\n    every: 2025-04-01\n",
     "bad.yaml:5:12: interventions.training.every", "length of time"},
    {"months out of bounds", "model:\n  genai:\n    regular_days: 2m\n", "bad.yaml:3:19: model.genai.regular_days",
     "between 1 and 28, got 2m (61 days)"},
    {"date past the last day", "run:\n  start_date: 2025-03-01\n  days: 5000-01-01\n", "bad.yaml:3:9: run.days",
     "got 5000-01-01"},
    {"bad start date", "run:\n  start_date: 1 March 2025\n", "bad.yaml:2:15: run.start_date",
     "expected a date YYYY-MM-DD"},
    {"start date no day", "run:\n  start_date: 2025-13-01\n", "bad.yaml:2:15: run.start_date", "YYYY-MM-DD"},
    {"too many months", "run:\n  days: 99999999999m\n", "bad.yaml:2:9: run.days", "too large"},
};

ParameterizedTestParameters(days, malformed_times_are_refused_at_their_key)
{
    return cr_make_param_array(bad_time, bad_times, sizeof bad_times / sizeof bad_times[0]);
}

ParameterizedTest(bad_time *c, days, malformed_times_are_refused_at_their_key)
{
    char *dir = support_tmpdir();
    char *scn = support_write(dir, "bad.yaml", c->yaml, strlen(c->yaml));
    char out_path[512];
    snprintf(out_path, sizeof out_path, "%s/out.h5", dir);
    const char *run[] = {"run", scn, "-o", out_path, NULL};
    const char *check[] = {"check", scn, NULL};
    const char *const *cmds[] = {check, run};
    for (int k = 0; k < 2; k++) {
        char *err = NULL;
        int code = support_exec(cmds[k], NULL, &err);
        cr_expect_eq(code, 2, "%s (%s): exit %d: %s", c->name, cmds[k][0], code, err);
        cr_expect(strstr(err, c->where) != NULL, "%s: stderr lacks \"%s\": %s", c->name, c->where, err);
        cr_expect(strstr(err, c->what) != NULL, "%s: stderr lacks \"%s\": %s", c->name, c->what, err);
        free(err);
    }
    cr_expect_eq(support_count_entries(dir), 1, "%s: something was left beside bad.yaml", c->name);
    free(scn);
    support_rmdir(dir);
}

/* --set takes the same forms and reports at "--set". */
Test(days, set_takes_the_same_forms)
{
    char *dir = support_tmpdir();
    static const char yaml[] = "run:\n  days: 30\nmodel:\n  name: genai\nnetwork:\n  agents: 100\n";
    char *scn = support_write(dir, "s.yaml", yaml, strlen(yaml));
    const char *ok[] = {"check", scn, "--set", "run.start_date=2025-03-01", "--set", "run.days=2025-04-01",
                        "--set", "interventions.training.enabled=true", "--set", "interventions.training.start=1w",
                        NULL};
    char *err = NULL;
    cr_expect_eq(support_exec(ok, NULL, &err), 0, "%s", err);
    free(err);
    const char *bad[] = {"check", scn, "--set", "run.days=2025-04-01", NULL};
    cr_expect_eq(support_exec(bad, NULL, &err), 2);
    cr_expect(strstr(err, "--set: run.days: the date 2025-04-01 needs run.start_date"), "%s", err);
    free(err);
    free(scn);
    support_rmdir(dir);
}

/* A sweep's values and ranges take the forms too, counted against the
 * base's start date; a bad one is refused at its position. */
Test(days, sweeps_take_the_same_forms)
{
    char *dir = support_tmpdir();
    static const char base[] = "run:\n  days: 6m\n  start_date: 2025-03-01\nmodel:\n  name: genai\n"
                               "network:\n  agents: 60\ninterventions:\n  training:\n    enabled: true\n";
    static const char grid[] = "base: base.yaml\nsweep:\n  parameters:\n"
                               "    interventions.training.start: [2w, 1m, 2025-05-01, 45]\n"
                               "    interventions.training.every: [4w, 1m]\n";
    static const char lhs[] = "base: base.yaml\nsweep:\n  method: latin_hypercube\n  points: 5\n  parameters:\n"
                              "    interventions.training.start: {min: 1w, max: 2025-06-01}\n";
    static const char bad[] = "base: base.yaml\nsweep:\n  parameters:\n"
                              "    interventions.training.start: [2w, 2025-01-01]\n";
    free(support_write(dir, "base.yaml", base, strlen(base)));
    char *g = support_write(dir, "grid.yaml", grid, strlen(grid));
    char *l = support_write(dir, "lhs.yaml", lhs, strlen(lhs));
    char *b = support_write(dir, "bad.yaml", bad, strlen(bad));
    experiment *ex = NULL;
    sim_error err;
    char buf[2048];
    cr_assert_eq(experiment_load(g, &registry_catalog, NULL, 0, &ex, &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    static const double start[] = {14, 31, 61, 45}, every[] = {28, 30};
    cr_assert_eq(ex->n_points, 8);
    for (int p = 0; p < 8; p++) {
        cr_expect_eq(ex->points[p * 2], start[p / 2], "point %d start %g", p, ex->points[p * 2]);
        cr_expect_eq(ex->points[p * 2 + 1], every[p % 2], "point %d every %g", p, ex->points[p * 2 + 1]);
    }
    cr_expect_eq(ex->days, 184, "6 months from 2025-03-01");
    cr_expect_str_eq(ex->start_date, "2025-03-01");
    experiment_free(ex);
    cr_assert_eq(experiment_load(l, &registry_catalog, NULL, 0, &ex, &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    for (int p = 0; p < ex->n_points; p++)
        cr_expect(ex->points[p] >= 7 && ex->points[p] <= 92 && ex->points[p] == (double)(long long)ex->points[p],
                  "point %d: %g", p, ex->points[p]);
    experiment_free(ex);
    cr_expect_eq(experiment_load(b, &registry_catalog, NULL, 0, &ex, &err), SIM_EINPUT);
    cr_expect_eq(err.line, 4);
    cr_expect_eq(err.column, 40);
    cr_expect_str_eq(err.key, "interventions.training.start");
    cr_expect(strstr(err.msg, "before run.start_date"), "%s", err.msg);
    free(g);
    free(l);
    free(b);
    support_rmdir(dir);
}

/* Scenarios of one experiment share one time axis: one start date. */
Test(days, scenarios_share_one_start_date)
{
    char *dir = support_tmpdir();
    static const char yaml[] = "base: base.yaml\nscenarios:\n  a: {}\n  b:\n    run.start_date: 2025-04-01\n";
    static const char base[] = "run:\n  days: 30\n  start_date: 2025-03-01\n";
    free(support_write(dir, "base.yaml", base, strlen(base)));
    char *e = support_write(dir, "e.yaml", yaml, strlen(yaml));
    experiment *ex = NULL;
    sim_error err;
    cr_expect_eq(experiment_load(e, &registry_catalog, NULL, 0, &ex, &err), SIM_EINPUT);
    cr_expect_str_eq(err.key, "run.start_date");
    cr_expect(strstr(err.msg, "one time axis"), "%s", err.msg);
    free(e);
    support_rmdir(dir);
}

/* ---------- names ---------- */

static sim_network *build(const char *const *sets)
{
    scenario *scn = plain_scenario(sets);
    sim_network *net = NULL;
    sim_error err;
    char buf[2048];
    cr_assert_eq(network_build(scn, 1, &net, &err), SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    scenario_free(scn);
    return net;
}

/* The chart's labels, a manager's id for the unlabelled, "-" for the chief
 * officer alone; departments from the column, inherited when empty. */
Test(names, org_chart_teams_and_departments)
{
    const char *sets[] = {"network.type=orgchart", "network.file=" NAMES_CSV, NULL};
    sim_network *net = build(sets);
    static const struct {
        const char *id, *team, *dept;
    } want[] = {
        {"CEO", "-", "CEO"},          {"H1", "Leads", "Sales"},       {"H2", "Leads", "R&D"},
        {"S1", "Sales, EMEA", "Sales"}, {"S2", "Sales, EMEA", "Sales"}, {"S3", "H1", "Sales"},
        {"R1", "Platform", "R&D"},    {"R2", "Platform", "Legal"},    {"X1", "H1", "R&D"},
        {"R3", "R2", "Legal"},
    };
    cr_assert_eq(net->n, 10);
    cr_assert_not_null(net->team_names);
    cr_assert_not_null(net->department);
    cr_assert_not_null(net->department_names);
    for (int32_t i = 0; i < 10; i++) {
        cr_expect_str_eq(net->ids[i], want[i].id);
        cr_expect_str_eq(net->team_names[net->team[i]], want[i].team, "team of %s", want[i].id);
        cr_expect_str_eq(net->department_names[net->department[i]], want[i].dept, "department of %s", want[i].id);
    }
    cr_expect_eq(net->n_teams, 6, "-, Leads, Sales EMEA, H1 (S3 and X1, labelled H1), Platform, R2");
    cr_expect_eq(net->n_departments, 4);
    cr_expect_eq(net->team[5], net->team[8], "X1's label H1 joins H1's unlabelled report S3");
    cr_expect(support_has_tie(net, 5, 8), "S3 and X1 are teammates");
    cr_expect_eq(net->department[0], 0, "the chief officer's department is 0");
    network_free(net);
}

/* Without a department column, the branches under the chief officer are
 * the departments, named by their heads' ids. */
Test(names, departments_default_to_the_level1_branches)
{
    const char *sets[] = {"network.type=orgchart", "network.file=tests/data/orgchart/teams.csv", NULL};
    sim_network *net = build(sets);
    static const char *const team[] = {"-", "Leads", "Leads", "Squad", "Squad", "B2"};
    static const char *const dept[] = {"A", "B1", "B2", "B1", "B2", "B2"};
    cr_assert_eq(net->n, 6);
    for (int32_t i = 0; i < 6; i++) {
        cr_expect_str_eq(net->team_names[net->team[i]], team[i], "team of %s", net->ids[i]);
        cr_expect_str_eq(net->department_names[net->department[i]], dept[i], "department of %s", net->ids[i]);
    }
    cr_expect_eq(net->n_departments, 3);
    network_free(net);
}

/* Generated organizations: teams named by number, departments the level-1
 * branches named by their heads' agent numbers (department d, head d). */
Test(names, generated_organizations_are_numbered)
{
    const char *sets[] = {"network.agents=100", "organization.span=4", NULL};
    sim_network *net = build(sets);
    cr_assert_not_null(net->team_names);
    for (int32_t t = 0; t < net->n_teams; t++) {
        char num[16];
        snprintf(num, sizeof num, "%d", (int)t);
        cr_expect_str_eq(net->team_names[t], num);
    }
    cr_expect_eq(net->n_departments, 5);
    for (int32_t i = 0; i < net->n; i++) {
        int32_t head = i;
        while (head > 0 && net->manager[head] > 0) head = net->manager[head];
        cr_expect_eq(net->department[i], head, "agent %d", (int)i);
        char num[16];
        snprintf(num, sizeof num, "%d", (int)head);
        cr_expect_str_eq(net->department_names[net->department[i]], num);
    }
    network_free(net);
}

static const genai_intervention_type *iv_type(const char *name)
{
    for (int i = 0; genai_interventions[i]; i++)
        if (!strcmp(genai_interventions[i]->name, name)) return genai_interventions[i];
    cr_assert_fail("no intervention %s", name);
    return NULL;
}

/* Targets by name reach exactly the agents in the teams and departments
 * named (a quoted name holds a comma), and check_network accepts them. */
Test(names, targets_by_name_reach_their_members)
{
    const char *sets[] = {"network.type=orgchart", "network.file=" NAMES_CSV, "model.name=genai",
                          "interventions.training.enabled=true",
                          "interventions.training.target.teams=\"\\\"Sales, EMEA\\\", H1 , Platform\"",
                          "interventions.training.target.departments=Sales,Legal", NULL};
    scenario *scn = plain_scenario(sets);
    sim_network *net = NULL;
    sim_error err;
    char buf[2048];
    cr_assert_eq(network_build(scn, 1, &net, &err), SIM_OK);
    cr_assert_eq(model_check_network(registry_scenario_model(scn), scn, net, &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    iv_common c;
    cr_assert_eq(iv_common_read(scn, iv_type("training"), &c, &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    cr_expect_eq(c.n_team_names, 3);
    const genai_world w = {.net = net, .n = net->n};
    /* teams Sales EMEA (S1, S2), H1 (S3, X1), Platform (R1, R2) x departments Sales, Legal */
    static const int in[] = {0, 0, 0, 1, 1, 1, 0, 1, 0, 0};
    for (int32_t i = 0; i < net->n; i++)
        cr_expect_eq(iv_eligible(&c, &w, i), in[i], "%s", net->ids[i]);
    iv_common_free(&c);
    network_free(net);
    scenario_free(scn);
}

/* Through the command line on the small chart: an unknown team or
 * department is an error at its key's file:line:column with a did-you-mean
 * (or some of the names there are), exit 2; numbers are not names there. */
Test(names, unknown_names_are_errors_with_did_you_mean)
{
    char *dir = support_tmpdir();
    char *chart = repo_path(NAMES_CSV);
    static const struct {
        const char *teams, *departments, *where, *what;
    } table[] = {
        {"Platfrom", "all", "s.yaml:9:14: interventions.training.target.teams",
         "no team named \"Platfrom\" in the organization (6 teams, named by the team column, else the manager's "
         "id); did you mean \"Platform\"?"},
        {"'\"sales, emea\"'", "all", "s.yaml:9:14: interventions.training.target.teams", "did you mean \"Sales, EMEA\"?"},
        {"all", "Legl, Sales", "s.yaml:10:20: interventions.training.target.departments",
         "no department named \"Legl\" in the organization (4 departments, named by the department column, else "
         "the level-1 head's id); did you mean \"Legal\"?"},
        {"3", "all", "s.yaml:9:14: interventions.training.target.teams", "they include \"-\", \"Leads\""},
        {"Leads,", "all", "s.yaml:9:14: interventions.training.target.teams", "name 2 of the list is empty"},
        {"'\"Leads'", "all", "s.yaml:9:14: interventions.training.target.teams", "quote"},
        {"Leads", "Legal", "s.yaml:10:20: interventions.training.target.departments", "would reach nobody"},
    };
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "model:\n  name: genai\nnetwork:\n  type: orgchart\n  file: %s\ninterventions:\n  training:\n"
                 "    target:\n      teams: %s\n      departments: %s\n    enabled: true\n",
                 chart, table[k].teams, table[k].departments);
        char *scn = support_write(dir, "s.yaml", yaml, strlen(yaml));
        const char *check[] = {"check", scn, NULL};
        char *err = NULL;
        cr_expect_eq(support_exec(check, NULL, &err), 2, "%s: %s", table[k].teams, err);
        cr_expect(strstr(err, table[k].where), "%s: stderr lacks \"%s\": %s", table[k].teams, table[k].where, err);
        cr_expect(strstr(err, table[k].what), "%s: stderr lacks \"%s\": %s", table[k].teams, table[k].what, err);
        free(err);
        free(scn);
    }
    /* a generated organization: departments by their numbers, teams by number */
    static const char gen[] = "model:\n  name: genai\nnetwork:\n  agents: 100\norganization:\n  span: 4\n"
                              "interventions:\n  training:\n    enabled: true\n    target:\n      teams: 5-8\n"
                              "      departments: 1, 9\n";
    char *scn = support_write(dir, "g.yaml", gen, strlen(gen));
    const char *check[] = {"check", scn, NULL};
    char *err = NULL;
    cr_expect_eq(support_exec(check, NULL, &err), 2);
    cr_expect(strstr(err, "g.yaml:12:20: interventions.training.target.departments: no department named \"9\" "
                          "in the organization (5 departments, named by number)"), "%s", err);
    free(err);
    const char *fixed[] = {"check", scn, "--set", "interventions.training.target.departments=1", NULL};
    cr_expect_eq(support_exec(fixed, NULL, &err), 0, "%s", err);
    free(err);
    free(scn);
    free(chart);
    support_rmdir(dir);
}

/* The per-agent table has each agent's team and department names, the
 * time axis the start date: read back with h5py and xarray. */
Test(names, per_agent_table_names_and_dates_read_back, .timeout = 120)
{
    char *dir = support_tmpdir();
    char *chart = repo_path(NAMES_CSV);
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "run:\n  days: 3m\n  start_date: 2025-03-01\n  replicates: 2\nmodel:\n  name: genai\n"
             "network:\n  type: orgchart\n  file: %s\noutput:\n  agents: true\n"
             "interventions:\n  training:\n    enabled: true\n    start: 2025-03-15\n    every: 2w\n"
             "    target:\n      departments: Sales\n",
             chart);
    char *scn = support_write(dir, "s.yaml", yaml, strlen(yaml));
    char *out = support_path(dir, "s.h5");
    const char *run[] = {"run", scn, "-o", out, "-q", NULL};
    char *err = NULL;
    cr_assert_eq(support_exec(run, NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_names.py %s 2025-03-01 92 1>&2", out), 0);
    /* the report and the plotting script read the dated file as any other */
    const char *report[] = {"report", out, "--days", "30,92", NULL};
    char *text = NULL;
    cr_expect_eq(support_exec(report, &text, &err), 0, "%s", err);
    cr_expect(strstr(text, "## Day 92") || strstr(text, "Day 92"), "%s", text);
    free(text);
    free(err);
    cr_expect_eq(support_shell("/usr/bin/python3 analysis/plot_adoption.py %s -o %s/plot >/dev/null 2>&1 && "
                               "[ -s %s/plot_adoption.png ]", out, dir, dir), 0, "plot_adoption.py on the dated file");
    /* without a start date the time axis stays in days */
    const char *plain[] = {"run", scn, "-o", out, "-q", "--force", "--set", "interventions.training.start=14",
                           "--set", "run.start_date=", NULL};
    cr_assert_eq(support_exec(plain, NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_names.py %s - 91 1>&2", out), 0);
    free(out);
    free(scn);
    free(chart);
    support_rmdir(dir);
}

/* A YAML list of names is taken too, in a file and with --set, stored as
 * the comma list (names holding a comma quoted) that reaches the same
 * agents; a list of something else is refused at its element. */
Test(names, yaml_lists_of_names)
{
    const char *sets[] = {"network.type=orgchart", "network.file=" NAMES_CSV, "model.name=genai",
                          "interventions.training.enabled=true",
                          "interventions.training.target.teams=[Sales, EMEA, Platform]",
                          "interventions.training.target.departments=[\"Sales\", 'R&D']", NULL};
    scenario *scn = plain_scenario(sets);
    cr_expect_str_eq(scenario_string(scn, "interventions.training.target.teams"), "Sales, EMEA, Platform");
    sim_network *net = NULL;
    sim_error err;
    char buf[2048];
    cr_assert_eq(network_build(scn, 1, &net, &err), SIM_OK);
    cr_expect_eq(model_check_network(registry_scenario_model(scn), scn, net, &err), SIM_EINPUT,
                 "three names, Sales and EMEA are no teams");
    cr_expect(strstr(err.msg, "no team named \"EMEA\""), "%s", err.msg);
    cr_assert_eq(scenario_set(scn, "interventions.training.target.teams=[\"Sales, EMEA\", H1]", &err), SIM_OK);
    cr_expect_str_eq(scenario_string(scn, "interventions.training.target.teams"), "\"Sales, EMEA\", H1");
    cr_assert_eq(model_check_network(registry_scenario_model(scn), scn, net, &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    iv_common c;
    cr_assert_eq(iv_common_read(scn, iv_type("training"), &c, &err), SIM_OK);
    const genai_world w = {.net = net, .n = net->n};
    static const int in[] = {0, 0, 0, 1, 1, 1, 0, 0, 1, 0}; /* S1, S2 (Sales, EMEA), S3, X1 (H1) */
    for (int32_t i = 0; i < net->n; i++)
        cr_expect_eq(iv_eligible(&c, &w, i), in[i], "%s", net->ids[i]);
    iv_common_free(&c);
    /* the resolved scenario writes the comma list, which reads back the same */
    char *yaml = scenario_to_yaml(scn);
    cr_expect(strstr(yaml, "teams: \"\\\"Sales, EMEA\\\", H1\""), "%s", yaml);
    free(yaml);
    cr_expect_eq(scenario_set(scn, "interventions.training.target.teams=[Sales, [H1]]", &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "expected a name, got a list (element 2 of the list)"), "%s", err.msg);
    cr_expect_eq(scenario_set(scn, "interventions.training.target.teams=[]", &err), SIM_EINPUT);
    cr_expect_eq(scenario_set(scn, "network.file=[a, b]", &err), SIM_EINPUT, "other strings take no list");
    cr_expect(strstr(err.msg, "expected a string, got a list"), "%s", err.msg);
    network_free(net);
    scenario_free(scn);
}

/* The bundled org chart example: departments and team names as its
 * header shows them, a month-based schedule from its start date. */
Test(names, example_config_takes_names_and_months)
{
    const char *ok[] = {"check", "configs/own_orgchart.yaml", "-q", "--set", "interventions.vanguard.enabled=true",
                        "--set", "interventions.vanguard.start=1m", "--set", "interventions.vanguard.every=2w",
                        "--set", "interventions.vanguard.target.departments=Engineering, Sales", "--set",
                        "interventions.vanguard.target.teams=Engineering - Platform, Sales leads", NULL};
    char *err = NULL;
    cr_expect_eq(support_exec(ok, NULL, &err), 0, "%s", err);
    free(err);
    const char *typo[] = {"check", "configs/own_orgchart.yaml", "--set", "interventions.vanguard.enabled=true",
                          "--set", "interventions.vanguard.target.departments=Enginering", NULL};
    cr_expect_eq(support_exec(typo, NULL, &err), 2);
    cr_expect(strstr(err, "--set: interventions.vanguard.target.departments: no department named \"Enginering\"") &&
                  strstr(err, "did you mean \"Engineering\"?"),
              "%s", err);
    free(err);
    scenario *scn = NULL;
    sim_error e;
    cr_assert_eq(registry_scenario_alloc(&scn, &e), SIM_OK);
    cr_assert_eq(scenario_load_file(scn, "configs/own_orgchart.yaml", &e), SIM_OK);
    cr_expect_eq(scenario_int(scn, "run.days"), 365);
    cr_assert_eq(scenario_set(scn, "interventions.vanguard.start=1m", &e), SIM_OK);
    cr_expect_eq(scenario_int(scn, "interventions.vanguard.start"), 30, "2025-04-01 + 1 month");
    scenario_free(scn);
}
