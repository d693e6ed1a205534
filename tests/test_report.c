/* test_report.c: `adoptsim report`.  The CSV report's numbers are checked
 * against numpy/scipy computed from the same file (tests/check_report.py):
 * means, 95% t intervals, paired differences, cost per additional regular
 * user, shares and days to 50% monthly active, for a scenario comparison, a
 * sweep, a single run's file, a bass file and an interrupted experiment.  An
 * interrupted file is refused without --partial with the missing runs named;
 * bad input gives exit 2, an unreadable file exit 1. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "support.h"

#define REPORT_EXP "tests/data/experiment/report.yaml" /* 4 scenarios x 10 replicates, 60 days */
#define SMALL "tests/data/experiment/small.yaml"       /* 2 scenarios x 4 points x 4 replicates */
#define UNCERTAIN_EXP "tests/data/uncertainty/report.yaml" /* 3 scenarios x 8 replicates, 2 a draw */
#define PY "/usr/bin/python3 tests/check_report.py"

static void make_experiment(const char *def, const char *out)
{
    char *err = NULL;
    const char *args[] = {"experiment", def, "-o", out, "--threads", "2", "-q", NULL};
    int code = support_exec(args, NULL, &err);
    cr_assert_eq(code, 0, "experiment %s: exit %d: %s", def, code, err);
    free(err);
}

/* adoptsim report h5 --format csv [extra...] > csv; returns the exit code. */
static int report_csv(const char *h5, const char *csv, const char *a1, const char *a2, const char *a3,
                      const char *a4)
{
    char *out = NULL, *err = NULL;
    const char *args[] = {"report", h5, "--format", "csv", a1, a2, a3, a4, NULL};
    int code = support_exec(args, &out, &err);
    cr_expect_str_empty(err);
    FILE *f = fopen(csv, "w");
    cr_assert(f != NULL);
    fputs(out, f);
    fclose(f);
    free(out);
    free(err);
    return code;
}

Test(report, scenarios_match_numpy, .timeout = 120)
{
    char *dir = support_tmpdir(), *h5 = support_path(dir, "r.h5"), *csv = support_path(dir, "r.csv");
    make_experiment(REPORT_EXP, h5);
    /* day 5: no gain in regular users yet; day 10: a gain, not significant;
     * days 30, 60: cost per additional regular user with its interval; the
     * push reaches 50% monthly active in only some replicates */
    cr_assert_eq(report_csv(h5, csv, "--days", "60,5,30,10", NULL, NULL), 0);
    cr_expect_eq(support_shell(PY " csv %s %s --days 60,5,30,10 --require diff,ratio_ci,ratio_no_ci,no_gain,unreached",
                       h5, csv), 0);
    /* against another baseline that always reaches 50%: paired days to 50% */
    cr_assert_eq(report_csv(h5, csv, "--baseline", "permission", "--days", "60"), 0);
    cr_expect_eq(support_shell(PY " csv %s %s --days 60 --baseline permission --require days50_diff,diff", h5, csv), 0);
    free(h5);
    free(csv);
    support_rmdir(dir);
}

Test(report, sweep_matches_numpy, .timeout = 120)
{
    char *dir = support_tmpdir(), *h5 = support_path(dir, "s.h5"), *csv = support_path(dir, "s.csv"), *out = NULL;
    make_experiment(SMALL, h5);
    /* the default days 90, 180, 365 are past the 60-day horizon */
    cr_assert_eq(report_csv(h5, csv, NULL, NULL, NULL, NULL), 0);
    cr_expect_eq(support_shell(PY " csv %s %s --require sweep,clipped,diff", h5, csv), 0);
    /* text: one row per (scenario, point), the parameter values as columns */
    const char *args[] = {"report", h5, NULL};
    cr_assert_eq(support_exec(args, &out, NULL), 0);
    cr_expect(strstr(out, "days 90, 180, 365 are beyond the 60-day horizon: reported at day 60") != NULL, "%s", out);
    cr_expect(strstr(out, "scenario  per_team  peers  n") != NULL, "%s", out);
    cr_expect(strstr(out, "\n    vanguard         2    2.5  4  ") != NULL, "%s", out);
    free(out);
    free(h5);
    free(csv);
    support_rmdir(dir);
}

Test(report, single_run_and_bass_files, .timeout = 120)
{
    char *dir = support_tmpdir(), *one = support_path(dir, "one.h5"), *bass = support_path(dir, "bass.h5");
    char *csv = support_path(dir, "o.csv"), *out = NULL, *err = NULL;
    const char *run[] = {"run", "tests/data/experiment/base.yaml", "-o", one, "-q", "--replicates", "3", NULL};
    cr_assert_eq(support_exec(run, NULL, NULL), 0);
    cr_assert_eq(report_csv(one, csv, "--days", "0,30,100", NULL, NULL), 0);
    cr_expect_eq(support_shell(PY " csv %s %s --days 0,30,100 --require clipped", one, csv), 0);
    const char *md[] = {"report", one, "--format", "markdown", "--days", "30", NULL};
    cr_assert_eq(support_exec(md, &out, NULL), 0);
    cr_expect(strstr(out, "# adoptsim report: ") != NULL, "%s", out);
    cr_expect(strstr(out, "| scenario | n | mean [95% CI] | % of staff [95% CI] |") != NULL, "%s", out);
    cr_expect(strstr(out, "| base | 3 | ") != NULL, "%s", out); /* named after base.yaml */
    cr_expect(strstr(out, " vs ") == NULL, "a comparison in a one-scenario file: %s", out);
    free(out);

    /* bass: its own outcomes (adopters, adopted share, days to 50% adopted) */
    const char *brun[] = {"run", "configs/bass_complete.yaml", "-o", bass, "-q", "--replicates", "3",
                          "--set", "network.agents=300", NULL};
    cr_assert_eq(support_exec(brun, NULL, NULL), 0);
    cr_assert_eq(report_csv(bass, csv, "--days", "3,10", NULL, NULL), 0);
    cr_expect_eq(support_shell(PY " csv %s %s --days 3,10", bass, csv), 0);
    const char *text[] = {"report", bass, "--days", "10", NULL};
    cr_assert_eq(support_exec(text, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "Adopters: agents who have adopted (agents)") != NULL, "%s", out);
    cr_expect(strstr(out, "Adopted share: share of agents who have adopted (1)") != NULL, "%s", out);
    cr_expect(strstr(out, "Days to 50% adopted\n  first day on which at least half the agents had adopted (days)") !=
              NULL, "%s", out);
    cr_expect(strstr(out, "Monthly active") == NULL, "%s", out);
    free(out);
    free(err);
    free(one);
    free(bass);
    free(csv);
    support_rmdir(dir);
}

Test(report, interrupted_experiment_names_missing_runs, .timeout = 120)
{
    char *dir = support_tmpdir(), *cut = support_path(dir, "cut.h5"), *csv = support_path(dir, "c.csv");
    char *out = NULL, *err = NULL;
    /* interrupted once 5 runs are committed; one thread runs them in order */
    support_pipe sp = {SMALL, 0, cut, 1, 0, 0, 0, 0, 5, 0, 0, {NULL}};
    cr_assert_eq(support_pipeline(&sp, &err, NULL), 130, "%s", err);
    free(err);

    const char *rep[] = {"report", cut, NULL};
    cr_expect_eq(support_exec(rep, &out, &err), 2);
    cr_expect_str_empty(out, "a report of an incomplete file: %s", out);
    cr_expect(strstr(err, "27 of 32 runs are missing") != NULL, "%s", err);
    cr_expect(strstr(err, "vanguard point 3: all 4 replicates") != NULL, "%s", err);
    cr_expect(strstr(err, "push point 1: replicates 1-3") != NULL, "%s", err);
    cr_expect(strstr(err, "adoptsim experiment " SMALL " -o ") != NULL, "%s", err);
    cr_expect(strstr(err, "--resume") != NULL && strstr(err, "--partial") != NULL, "%s", err);
    free(out);
    free(err);

    /* --partial: the completed runs only, n per row; the header says so */
    cr_assert_eq(report_csv(cut, csv, "--partial", NULL, NULL, NULL), 0);
    cr_expect_eq(support_shell(PY " csv %s %s --partial --require n1,partial", cut, csv), 0);
    const char *part[] = {"report", cut, "--partial", NULL};
    cr_assert_eq(support_exec(part, &out, NULL), 0);
    cr_expect(strstr(out, "PARTIAL: 27 of 32 runs are missing and left out") != NULL, "%s", out);
    cr_expect(strstr(out, "(n=1)") != NULL, "%s", out);
    free(out);
    free(cut);
    free(csv);
    support_rmdir(dir);
}

Test(report, partial_pairs_use_replicates_complete_in_both, .timeout = 120)
{
    char *dir = support_tmpdir(), *h5 = support_path(dir, "r.h5"), *cut = support_path(dir, "cut.h5");
    char *csv = support_path(dir, "c.csv"), *err = NULL;
    make_experiment(REPORT_EXP, h5);
    cr_assert_eq(support_shell(PY " drop %s %s push:0:5 permission:0:2 vanguard:0:0 vanguard:0:1", h5, cut), 0);
    const char *rep[] = {"report", cut, NULL};
    cr_expect_eq(support_exec(rep, NULL, &err), 2);
    cr_expect(strstr(err, "4 of 40 runs are missing") != NULL, "%s", err);
    cr_expect(strstr(err, "push: replicate 5; permission: replicate 2; vanguard: replicates 0-1.") != NULL, "%s",
              err);
    free(err);
    cr_assert_eq(report_csv(cut, csv, "--partial", "--days", "10,60", NULL), 0);
    cr_expect_eq(support_shell(PY " csv %s %s --partial --days 10,60 --require partial_pairs,diff,ratio_ci", cut, csv), 0);
    free(h5);
    free(cut);
    free(csv);
    support_rmdir(dir);
}

Test(report, one_replicate_gives_no_interval, .timeout = 60)
{
    char *dir = support_tmpdir(), cwd[PATH_MAX], text[PATH_MAX + 256], *out = NULL;
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    /* two scenarios, one replicate */
    snprintf(text, sizeof text,
             "base: %s/tests/data/experiment/base.yaml\nreplicates: 1\nscenarios:\n  a: {}\n"
             "  b: {interventions.permission: {enabled: true, start: 5}}\n", cwd);
    char *def = support_write(dir, "one.yaml", text, strlen(text));
    char *h5 = support_path(dir, "one.h5"), *csv = support_path(dir, "one.csv");
    make_experiment(def, h5);
    cr_assert_eq(report_csv(h5, csv, "--days", "30", NULL, NULL), 0);
    cr_expect_eq(support_shell(PY " csv %s %s --days 30 --require n1,diff", h5, csv), 0);
    const char *args[] = {"report", h5, "--days", "30", NULL};
    cr_assert_eq(support_exec(args, &out, NULL), 0);
    cr_expect(strstr(out, "(n=1)") != NULL, "%s", out);
    free(out);
    free(def);
    free(h5);
    free(csv);
    support_rmdir(dir);
}

/* A file with parameter draws: the columns of parameter uncertainty (means
 * over draws, quantiles, P(better), rank shares with ties, the share of
 * variance from the parameters) match numpy, complete and partial; text and
 * Markdown carry the section; a plain file's report has none of it. */
Test(report, parameter_uncertainty_matches_numpy, .timeout = 120)
{
    char *dir = support_tmpdir(), *h5 = support_path(dir, "u.h5"), *cut = support_path(dir, "cut.h5");
    char *csv = support_path(dir, "u.csv"), *out = NULL;
    make_experiment(UNCERTAIN_EXP, h5);
    cr_assert_eq(report_csv(h5, csv, "--days", "60,30", NULL, NULL), 0);
    cr_expect_eq(support_shell(PY " csv %s %s --days 60,30 --require unc,p_better,ranks,ties,var_split,diff", h5, csv),
                 0);
    /* partial: draws with one replicate left, pairs complete in both */
    cr_assert_eq(support_shell(PY " drop %s %s push:0:1 permission:0:2 permission:0:3 same:0:7", h5, cut), 0);
    cr_assert_eq(report_csv(cut, csv, "--partial", "--days", "60", NULL), 0);
    cr_expect_eq(support_shell(PY " csv %s %s --partial --days 60 --require unc,partial_pairs,ranks,var_split", cut,
                               csv), 0);
    const char *md[] = {"report", h5, "--format", "markdown", "--days", "60", NULL};
    cr_assert_eq(support_exec(md, &out, NULL), 0);
    cr_expect(strstr(out, "## Parameter uncertainty") != NULL, "%s", out);
    cr_expect(strstr(out, "| model.genai.use.peers | uniform(min=0.5, max=2.5) |") != NULL, "%s", out);
    cr_expect(strstr(out, "## Day 60 under parameter uncertainty") != NULL, "%s", out);
    cr_expect(strstr(out, "### Regular users: rank among the 3 scenarios, % of draws (1 = most)") != NULL, "%s", out);
    cr_expect(strstr(out, "| scenario | n | draws | mean over draws [95% CI] | 5-95% of runs | vs push [95% CI] | "
                          "5-95% of pairs | P(better than push), % [95% CI] | from parameters, % | "
                          "difference from parameters, % |") != NULL, "%s", out);
    /* "same" ties with the baseline in every replicate: never better, ranks shared */
    cr_expect(strstr(out, "| same | 8 | 4 |") != NULL, "%s", out);
    free(out);
    /* a plain file: no such section */
    const char *plain[] = {"report", "--days", "60", NULL, NULL};
    char *p5 = support_path(dir, "plain.h5");
    make_experiment(REPORT_EXP, p5);
    plain[3] = p5;
    cr_assert_eq(support_exec(plain, &out, NULL), 0);
    cr_expect(strstr(out, "uncertainty") == NULL && strstr(out, "draws") == NULL, "%s", out);
    free(out);
    free(p5);
    free(h5);
    free(cut);
    free(csv);
    support_rmdir(dir);
}

/* The file of `adoptsim run` with a section: one scenario, one replicate a
 * draw: no comparisons, no ranks. */
Test(report, parameter_uncertainty_of_a_run, .timeout = 120)
{
    char *dir = support_tmpdir(), *h5 = support_path(dir, "r.h5"), *csv = support_path(dir, "r.csv");
    const char *run[] = {"run", "tests/data/uncertainty/run.yaml", "-o", h5, "-q", NULL};
    cr_assert_eq(support_exec(run, NULL, NULL), 0);
    cr_assert_eq(report_csv(h5, csv, "--days", "30,60", NULL, NULL), 0);
    cr_expect_eq(support_shell(PY " csv %s %s --days 30,60 --require unc", h5, csv), 0);
    free(h5);
    free(csv);
    support_rmdir(dir);
}

Test(report, bad_input, .timeout = 60)
{
    char *dir = support_tmpdir(), *h5 = support_path(dir, "r.h5"), *other = support_path(dir, "other.h5");
    char *out = NULL, *err = NULL;
    make_experiment(SMALL, h5);
    cr_assert_eq(support_shell("/usr/bin/python3 -c \"import h5py; h5py.File('%s', 'w').attrs['program'] = 'other'\"",
                       other), 0);
    struct {
        const char *args[6];
        int code;
        const char *message;
    } cases[] = {
        {{"report", "/nonexistent/x.h5", NULL}, 2, "/nonexistent/x.h5: cannot open the results file"},
        {{"report", dir, NULL}, 2, "the results file is a directory"},
        {{"report", SMALL, NULL}, 2, "is not an adoptsim results file: not an HDF5 file"},
        {{"report", other, NULL}, 2, "no program attribute \"adoptsim\""},
        {{"report", h5, "--baseline", "nobody", NULL}, 2, "no scenario named \"nobody\" (it has push, vanguard)"},
        {{"report", h5, "--format", "xml", NULL}, 2, "--format wants text, markdown or csv"},
        {{"report", h5, "--days", "90,x", NULL}, 2, "--days wants days >= 0"},
        {{"report", h5, "--days", "-5", NULL}, 2, "--days wants days >= 0"},
        {{"report", h5, "-o", "x.txt", NULL}, 2, "report: unknown option '-o'"},
        {{"report", NULL}, 2, "report: needs a results file"},
        {{"run", SMALL, "-o", "x.h5", "--partial", NULL}, 2, "run: unknown option '--partial'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int code = support_exec(cases[i].args, &out, &err);
        cr_expect_eq(code, cases[i].code, "%s %s: exit %d: %s", cases[i].args[1], cases[i].args[2] ? cases[i].args[2] : "",
                     code, err);
        cr_expect(strstr(err, cases[i].message) != NULL, "expected \"%s\" in: %s", cases[i].message, err);
        cr_expect_str_empty(out);
        free(out);
        free(err);
    }
    free(h5);
    free(other);
    support_rmdir(dir);
}

/* Files that declare what adoptsim never writes are refused at once (exit
 * 2), before anything sized by them is allocated. */
Test(report, refuses_crafted_files, .timeout = 120)
{
    char *dir = support_tmpdir(), *src = support_path(dir, "bass.h5"), *bad = support_path(dir, "bad.h5");
    const char *run[] = {"run", "configs/bass_complete.yaml", "-o", src, "-q", "--replicates", "2",
                         "--set", "network.agents=300", "--set", "run.days=10", NULL};
    cr_assert_eq(support_exec(run, NULL, NULL), 0);
    struct {
        const char *kind, *message;
    } cases[] = {
        {"time_huge", "its time dimension has 1099511627776 entries (at most 1000001)"},
        {"time_2_32", "its time dimension has 4294967301 entries (at most 1000001)"},
        {"replicates_huge", "its replicate dimension has 2147483648 entries (at most 1000000)"},
        {"rank", "variable adopters has 2 dimensions, not 4"},
        {"missing", "variable completed is missing"},
        {"time_order", "its time coordinate is not ascending days within 0..10"},
        {"days_attr", "its days attribute does not match the time dimension (11)"},
        {"type", "variable adopters does not hold numbers"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL, *err = NULL;
        cr_assert_eq(support_shell(PY " craft %s %s %s", cases[i].kind, src, bad), 0, "%s", cases[i].kind);
        const char *args[] = {"report", bad, NULL};
        double t0 = engine_clock();
        int code = support_exec(args, &out, &err);
        double seconds = engine_clock() - t0;
        cr_expect_eq(code, 2, "%s: exit %d: %s", cases[i].kind, code, err);
        cr_expect(strstr(err, "is not an adoptsim results file") && strstr(err, cases[i].message),
                  "%s: expected \"%s\" in: %s", cases[i].kind, cases[i].message, err);
        cr_expect_lt(seconds, 2.0, "%s: %.2f s to refuse", cases[i].kind, seconds);
        cr_expect_str_empty(out);
        free(out);
        free(err);
    }
    free(src);
    free(bad);
    support_rmdir(dir);
}

Test(report, parse_options)
{
    report_options o = {0};
    sim_error err;
    cr_assert_eq(report_parse_days("365,0,90", &o, &err), SIM_OK);
    cr_expect_eq(o.n_days, 3);
    cr_expect_eq(o.days[0], 365);
    cr_expect_eq(o.days[1], 0);
    cr_expect_eq(o.days[2], 90);
    cr_expect_eq(report_parse_days("", &o, &err), SIM_EINPUT);
    cr_expect_eq(report_parse_days("90,", &o, &err), SIM_EINPUT);
    cr_expect_eq(report_parse_days("9 0", &o, &err), SIM_EINPUT);
    report_format f = REPORT_TEXT;
    cr_expect_eq(report_parse_format("markdown", &f, &err), SIM_OK);
    cr_expect_eq(f, REPORT_MARKDOWN);
    cr_expect_eq(report_parse_format("csv", &f, &err), SIM_OK);
    cr_expect_eq(f, REPORT_CSV);
    cr_expect_eq(report_parse_format("html", &f, &err), SIM_EINPUT);
}
