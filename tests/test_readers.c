/* test_readers.c: real readers open the file of `adoptsim run`: h5py and xarray
 * (tests/check_run.py under Debian's /usr/bin/python3), h5dump and ncdump;
 * and the command line gives bit-identical datasets for 1, 2 and 4 threads. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static char *run_scenario(const char *dir, const char *name, const char *scn, const char *threads)
{
    char *out = malloc(512);
    snprintf(out, 512, "%s/%s", dir, name);
    const char *args[] = {"run", scn, "-o", out, "--threads", threads, "-q", NULL};
    char *err = NULL;
    int code = support_exec(args, NULL, &err);
    cr_assert_eq(code, 0, "adoptsim run failed: %s", err);
    free(err);
    return out;
}

Test(readers, h5py_xarray_h5dump_ncdump, .timeout = 120)
{
    if (access("/usr/bin/python3", X_OK) != 0) cr_skip_test("no /usr/bin/python3");
    char *dir = support_tmpdir();
    char *f = run_scenario(dir, "default.h5", "configs/bass_organization.yaml", "2");
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_run.py read %s", f), 0);
    cr_expect_eq(support_shell("h5dump -H %s > %s/h5dump.txt", f, dir), 0);
    cr_expect_eq(support_shell("grep -q 'DATASET \"adopters\"' %s/h5dump.txt", dir), 0);
    cr_expect_eq(support_shell("grep -q 'DIMENSION_LIST' %s/h5dump.txt", dir), 0);
    if (access("/usr/bin/ncdump", X_OK) == 0) {
        cr_expect_eq(support_shell("ncdump -h %s > %s/ncdump.txt", f, dir), 0);
        cr_expect_eq(support_shell("grep -q 'time = 366' %s/ncdump.txt", dir), 0);
        cr_expect_eq(support_shell("grep -q 'int adopters(scenario, point, replicate, time)' %s/ncdump.txt", dir), 0);
    }
    free(f);
    support_rmdir(dir);
}

Test(readers, same_seed_bit_identical_for_1_2_4_threads, .timeout = 120)
{
    if (access("/usr/bin/python3", X_OK) != 0) cr_skip_test("no /usr/bin/python3");
    char *dir = support_tmpdir();
    char *f1 = run_scenario(dir, "t1.h5", "configs/bass_organization.yaml", "1");
    char *f2 = run_scenario(dir, "t2.h5", "configs/bass_organization.yaml", "2");
    char *f4 = run_scenario(dir, "t4.h5", "configs/bass_organization.yaml", "4");
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_run.py same %s %s %s", f1, f2, f4), 0);
    free(f1);
    free(f2);
    free(f4);
    support_rmdir(dir);
}

/* output.agents: the final per-agent table, its org columns, and org-chart
 * ids as the agent coordinate. */
Test(readers, final_per_agent_table, .timeout = 60)
{
    if (access("/usr/bin/python3", X_OK) != 0) cr_skip_test("no /usr/bin/python3");
    char *dir = support_tmpdir(), out[512], *err = NULL;
    snprintf(out, sizeof out, "%s/agents.h5", dir);
    const char *gen[] = {"run", "configs/bass_organization.yaml", "-o", out, "-q", "--replicates", "3",
                         "--set", "output.agents=true", NULL};
    cr_assert_eq(support_exec(gen, NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_run.py agents %s adopted adopters", out), 0);
    snprintf(out, sizeof out, "%s/chart.h5", dir);
    const char *chart[] = {"run", "configs/own_orgchart.yaml", "-o", out, "-q", "--replicates", "2",
                           "--set", "run.days=30", "--set", "output.agents=true", NULL};
    cr_assert_eq(support_exec(chart, NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_run.py agents %s monthly_active monthly_active", out), 0);
    support_rmdir(dir);
}

/* output.breakdowns: team on an org chart: h5py and xarray read the team
 * dimension scale, its coordinate holds the teams' names (those of the
 * per-agent table), every variable by team adds up to its total (with
 * turnover moving people), the file is bit-identical for 1 and 2 threads,
 * and a file without the setting has no team dimension. */
Test(readers, team_breakdown_by_name, .timeout = 120)
{
    if (access("/usr/bin/python3", X_OK) != 0) cr_skip_test("no /usr/bin/python3");
    char *dir = support_tmpdir(), *err = NULL;
    char *f[3];
    for (int i = 0; i < 3; i++) {
        f[i] = support_path(dir, i == 0 ? "t1.h5" : i == 1 ? "t2.h5" : "plain.h5");
        const char *args[] = {"run", "configs/own_orgchart.yaml", "-o", f[i], "-q", "--replicates", "3",
                              "--threads", i == 1 ? "2" : "1", "--set", "run.days=40", "--set", "output.agents=true",
                              "--set", "model.genai.turnover.enabled=true",
                              "--set", "model.genai.turnover.monthly.by_generation=[0.2, 0.2, 0.2, 0.2]",
                              "--set", i < 2 ? "output.breakdowns=[generation, level, team]" : "run.seed=1", NULL};
        cr_assert_eq(support_exec(args, NULL, &err), 0, "%s", err);
        free(err);
    }
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_teams.py teams %s", f[0]), 0);
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_run.py same %s %s", f[0], f[1]), 0);
    cr_expect_eq(support_shell("/usr/bin/python3 tests/check_teams.py none %s", f[2]), 0);
    if (access("/usr/bin/ncdump", X_OK) == 0)
        cr_expect_eq(support_shell("ncdump -h %s | grep -q 'int regular_users_by_team(scenario, point, replicate, "
                                   "time, team)'", f[0]), 0);
    for (int i = 0; i < 3; i++) free(f[i]);
    support_rmdir(dir);
}
