/* test_analysis.c: the analysis/ plotting scripts run on real adoptsim output
 * and draw images of the expected pixel size that are not blank
 * (tests/check_image.py).  analysis/plot_adoption.py runs under Debian's
 * /usr/bin/python3; analysis/plot_adoption.R under Rscript with hdf5r, and
 * its tests fail rather than skip when scripts/deps.sh lists r-cran-hdf5r
 * (CI installs what deps.sh lists, so R missing there is a bug). */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define PY "/usr/bin/python3"

/* A small genai run: 1,000 staff, 3 replicates, 90 days. */
static void small_run(const char *dir, const char *yaml, const char *days, char *out, size_t n)
{
    snprintf(out, n, "%s/run.h5", dir);
    char set[64];
    snprintf(set, sizeof set, "run.days=%s", days);
    const char *args[] = {"run", yaml, "-o", out, "--replicates", "3", "--set", set, "-q", NULL};
    char *err = NULL;
    int code = support_exec(args, NULL, &err);
    cr_assert_eq(code, 0, "adoptsim run failed: %s", err);
    free(err);
}

/* A real 12-run experiment (tests/data/experiment/analysis.yaml)
 * interrupted after 11 committed runs on one thread, so exactly the last run
 * (scenario step_vanguard, per_team 2, replicate 2) is missing. */
static void small_experiment(const char *dir, char *out, size_t n)
{
    char *err = NULL;
    snprintf(out, n, "%s/experiment.h5", dir);
    support_pipe sp = {"tests/data/experiment/analysis.yaml", 0, out, 1, 0, 0, 0, 0, 11, 0, 0, {NULL}};
    int code = support_pipeline(&sp, &err, NULL);
    cr_assert_eq(code, 130, "the experiment was not interrupted after 11 runs (exit %d): %s", code, err);
    free(err);
}

/* Rscript with hdf5r is here; when it is not and scripts/deps.sh installs
 * it, the test fails; otherwise it is skipped. */
static bool r_ready(void)
{
    if (support_shell("Rscript -e 'quit(status = !requireNamespace(\"hdf5r\", quietly = TRUE))' "
           ">/dev/null 2>&1") == 0)
        return true;
    if (support_shell("grep -q r-cran-hdf5r scripts/deps.sh") == 0)
        cr_assert_fail("scripts/deps.sh installs r-cran-hdf5r but Rscript with hdf5r is missing");
    return false;
}

static void python_only(void)
{
    if (access(PY, X_OK) != 0) cr_skip_test("no " PY);
}

Test(analysis, python_plots_a_run, .timeout = 120)
{
    python_only();
    char *dir = support_tmpdir();
    char f[512];
    small_run(dir, "configs/stalled_push.yaml", "90", f, sizeof f);
    cr_assert_eq(support_shell(PY " analysis/plot_adoption.py %s -o %s/py > %s/out.txt", f, dir, dir), 0);
    cr_expect_eq(support_shell("grep -q 'wrote %s/py_by_level.png' %s/out.txt", dir, dir), 0);
    /* three observables side by side; 4 generations and 5 levels by 3 rows */
    cr_expect_eq(support_shell(PY " tests/check_image.py %s/py adoption=1200x320 by_generation=1200x768 "
                    "by_level=1500x768", dir), 0);
    support_rmdir(dir);
}

Test(analysis, python_plots_adopters_of_a_bass_run, .timeout = 120)
{
    python_only();
    char *dir = support_tmpdir();
    char f[512];
    small_run(dir, "configs/bass_complete.yaml", "40", f, sizeof f);
    cr_assert_eq(support_shell(PY " analysis/plot_adoption.py %s -o %s/py --share > /dev/null 2> %s/err.txt",
                    f, dir, dir), 0);
    cr_expect_eq(support_shell(PY " tests/check_image.py %s/py adoption=400x320", dir), 0);
    cr_expect_eq(support_shell("grep -q 'no generation breakdown of adopters' %s/err.txt", dir), 0);
    char png[600];
    snprintf(png, sizeof png, "%s/py_by_level.png", dir);
    cr_expect(access(png, F_OK) != 0, "a by_level figure for a model without levels");
    support_rmdir(dir);
}

Test(analysis, python_skips_runs_an_experiment_has_not_completed, .timeout = 120)
{
    python_only();
    char *dir = support_tmpdir();
    char f[512];
    small_experiment(dir, f, sizeof f);
    cr_assert_eq(support_shell(PY " analysis/plot_adoption.py %s -o %s/py --observable regular_users "
                    "> /dev/null 2> %s/err.txt", f, dir, dir), 0);
    cr_expect_eq(support_shell("grep -q 'skipping 1 of 12 runs not completed: step_vanguard "
                    "vanguard.per_team=2 replicate 2$' %s/err.txt", dir), 0,
                 "no note on the skipped run");
    cr_expect_eq(support_shell(PY " tests/check_image.py %s/py adoption=400x320 by_generation=1200x256 "
                    "by_level=1200x256", dir), 0);
    support_rmdir(dir);
}

Test(analysis, r_plots_a_run, .timeout = 120)
{
    python_only();
    if (!r_ready()) cr_skip_test("no Rscript with hdf5r (scripts/deps.sh does not install it)");
    char *dir = support_tmpdir();
    char f[512];
    small_run(dir, "configs/stalled_push.yaml", "90", f, sizeof f);
    cr_assert_eq(support_shell("Rscript analysis/plot_adoption.R %s -o %s/r > %s/out.txt", f, dir, dir), 0);
    cr_expect_eq(support_shell("grep -q 'wrote %s/r_by_level.png' %s/out.txt", dir, dir), 0);
    cr_expect_eq(support_shell(PY " tests/check_image.py %s/r adoption=1200x320 by_generation=1200x768 "
                    "by_level=1500x768", dir), 0);
    support_rmdir(dir);
}

Test(analysis, r_skips_runs_an_experiment_has_not_completed, .timeout = 120)
{
    python_only();
    if (!r_ready()) cr_skip_test("no Rscript with hdf5r (scripts/deps.sh does not install it)");
    char *dir = support_tmpdir();
    char f[512];
    small_experiment(dir, f, sizeof f);
    cr_assert_eq(support_shell("Rscript analysis/plot_adoption.R %s -o %s/r --observable regular_users "
                    "> /dev/null 2> %s/err.txt", f, dir, dir), 0);
    cr_expect_eq(support_shell("grep -q 'skipping 1 of 12 runs not completed: step_vanguard "
                    "vanguard.per_team=2 replicate 2$' %s/err.txt", dir), 0,
                 "no note on the skipped run");
    cr_expect_eq(support_shell(PY " tests/check_image.py %s/r adoption=400x320 by_generation=1200x256 "
                    "by_level=1200x256", dir), 0);
    support_rmdir(dir);
}

/* analysis/credibility.py measures the model against the evidence's bands:
 * every yardstick has its row, the summary counts the rows outside, and
 * --strict exits 1 exactly when that count is not zero. */
Test(analysis, credibility_measures_every_yardstick, .timeout = 240)
{
    char *dir = support_tmpdir(), *txt = support_path(dir, "cred.txt");
    const char *bin = support_adoptsim();
    cr_assert_eq(support_shell(PY " analysis/credibility.py --adoptsim %s --replicates 2 --library-replicates 1 "
                               "--threads 2 > %s", bin, txt), 0);
    char *text = support_read_file(txt);
    cr_assert(text != NULL);
    const char *rows[] = {"monthly active at day 365", "regular users at day 365", "peak before day 300",
                          "day 730 minus day 365", "permission: gain", "vanguard: gain", "leadership: gain",
                          "reverse_mentoring: gain", "four_steps: gain", "Gen Z : Gen X+Boomer",
                          "Millennial : Gen X+Boomer", "users hiding their use", "days to 50% monthly active",
                          "any configs/ scenario"};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) cr_expect(strstr(text, rows[i]) != NULL, "%s", rows[i]);
    const char *summary = strstr(text, " yardsticks outside");
    cr_assert(summary != NULL, "%s", text);
    while (summary > text && summary[-1] != '\n') summary--;
    int outside = -1, total = -1;
    cr_assert_eq(sscanf(summary, "%d of %d", &outside, &total), 2, "%s", summary);
    int no = 0;
    for (const char *p = text; (p = strstr(p, "  NO\n")) != NULL; p++) no++;
    cr_expect_eq(no, outside, "%d rows marked NO, summary says %d", no, outside);
    int strict = support_shell(PY " analysis/credibility.py --adoptsim %s --replicates 2 --library-replicates 1 "
                               "--threads 2 --strict > /dev/null", bin);
    cr_expect_eq(strict, outside ? 1 : 0);
    free(text);
    free(txt);
    support_rmdir(dir);
}

/* The calibrated defaults (docs/MODEL.md 4.1) stay inside every band the
 * evidence supports, at the settings docs/MODEL.md 4.5 quotes (30
 * replicates, the library at 8, seed 1: the same figures for any thread
 * count, so this is not a statistical test that can flicker): a change of
 * the model or its defaults that takes a yardstick outside fails here. */
Test(analysis, credibility_defaults_inside_every_band, .timeout = 900)
{
    char *dir = support_tmpdir(), *txt = support_path(dir, "cred.txt");
    int code = support_shell(PY " analysis/credibility.py --adoptsim %s --threads 2 --strict > %s", support_adoptsim(),
                             txt);
    char *text = support_read_file(txt);
    cr_expect_eq(code, 0, "yardsticks outside the evidence's bands:\n%s", text ? text : "(no output)");
    free(text);
    free(txt);
    support_rmdir(dir);
}
