/* test_pipeline.c: what pipeline.c promises beyond the file's contents: one
 * process at a time owns an output (the journal's lock); a stale temporary
 * file is removed; `adoptsim run` resumes from its journal or a partial
 * file; a torn or corrupt journal tail is cut off; a file size limit (ulimit
 * -f, SIGXFSZ not ignored by the test) gives a clean error and keeps the
 * committed runs; memory does not grow with the number of runs; the release
 * binary has no test hook; progress for long runs only. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#define BASE "tests/data/experiment/base.yaml"   /* genai, 200 staff, 60 days, 2 replicates */
#define SMALL "tests/data/experiment/small.yaml" /* 32 runs */
#define SAME "/usr/bin/python3 tests/check_experiment.py same"

static const char *binary(void)
{
    const char *bin = getenv("ADOPTSIM");
    return bin && *bin ? bin : "./adoptsim";
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static char *with_suffix(const char *path, const char *suffix)
{
    char *p = malloc(strlen(path) + strlen(suffix) + 1);
    sprintf(p, "%s%s", path, suffix);
    return p;
}

/* `adoptsim run BASE -o out --replicates 8 -q [extra]`; returns the exit code. */
static int run8(const char *out, const char *extra, char **so, char **err)
{
    const char *args[] = {"run", BASE, "-o", out, "--replicates", "8", "--threads", "2", extra, NULL};
    return support_exec(args, so, err);
}

Test(pipeline, a_second_process_is_refused_while_the_lock_is_held, .timeout = 60)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "o.h5"), *journal = with_suffix(out, ".journal");
    int fd = open(journal, O_RDWR | O_CREAT, 0666);
    cr_assert(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0);
    const char *flags[] = {NULL, "--force", "--resume"};
    for (int i = 0; i < 3; i++) {
        char *err = NULL;
        cr_expect_eq(run8(out, flags[i], NULL, &err), 2, "%s", err);
        cr_expect(strstr(err, "is being written by another adoptsim process") != NULL, "%s", err);
        free(err);
        const char *exp[] = {"experiment", SMALL, "-o", out, "-q", flags[i], NULL};
        cr_expect_eq(support_exec(exp, NULL, &err), 2, "%s", err);
        cr_expect(strstr(err, "is being written by another adoptsim process") != NULL, "%s", err);
        free(err);
        cr_expect_eq(support_count_entries(dir), 1, "the refused process left something");
        cr_expect_eq(file_size(journal), 0, "the refused process touched the journal");
    }
    close(fd);
    char *err = NULL;
    cr_expect_eq(run8(out, "-q", NULL, &err), 0, "%s", err);
    free(err);
    cr_expect_eq(support_count_entries(dir), 1, "only the file is left once the lock is free");
    free(journal);
    free(out);
    support_rmdir(dir);
}

Test(pipeline, a_stale_temporary_file_is_removed, .timeout = 60)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "o.h5"), *tmp = with_suffix(out, ".tmp"), *err = NULL;
    free(support_write(dir, "o.h5.tmp", "left by a killed process", 24));
    cr_expect_eq(run8(out, "-q", NULL, &err), 0, "%s", err);
    cr_expect_neq(access(tmp, F_OK), 0, "the stale temporary file is still there");
    cr_expect_eq(support_count_entries(dir), 1);
    free(err);
    free(tmp);
    free(out);
    support_rmdir(dir);
}

/* `adoptsim run` killed after 3 committed runs (journal) or interrupted
 * after 5 (partial file), then finished with `adoptsim run --resume`. */
Test(pipeline, run_resumes_from_its_journal_and_from_a_partial_file, .timeout = 120)
{
    char *dir = support_tmpdir(), *full = support_path(dir, "full.h5"), *cut = support_path(dir, "cut.h5");
    char *err = NULL, *so = NULL;
    cr_assert_eq(run8(full, "-q", NULL, &err), 0, "%s", err);
    free(err);
    for (int kill = 1; kill >= 0; kill--) {
        support_pipe sp = {BASE, 1, cut, 1, 1, 0, 0, 0, kill ? 0 : 5, kill ? 3 : 0, 0, {"run.replicates=8", NULL}};
        int code = support_pipeline(&sp, &err, NULL);
        cr_assert_eq(code, kill ? 137 : 130, "exit %d: %s", code, err);
        free(err);
        cr_expect_eq(run8(cut, "-q", NULL, &err), 2);
        cr_expect(strstr(err, kill ? "cut.h5.journal holds 3 of 8 runs of an interrupted run: --resume to finish it"
                                   : "cut.h5 exists; use --force"), "%s", err);
        free(err);
        cr_assert_eq(run8(cut, "--resume", &so, &err), 0, "%s", err);
        cr_expect(strstr(so, kill ? "3 replicate(s) were already done" : "5 replicate(s) were already done"), "%s", so);
        free(so);
        free(err);
        cr_expect_eq(support_count_entries(dir), 2, "a journal or temporary file is left");
        cr_expect_eq(support_shell(SAME " %s %s", full, cut), 0);
    }
    free(full);
    free(cut);
    support_rmdir(dir);
}

/* A journal whose last record was cut off, or garbled, by the kill: the
 * committed records before it are kept, the tail is cut off. */
Test(pipeline, a_torn_or_corrupt_journal_tail_is_cut_off, .timeout = 120)
{
    char *dir = support_tmpdir(), *full = support_path(dir, "full.h5"), *cut = support_path(dir, "cut.h5");
    char *journal = with_suffix(cut, ".journal"), *err = NULL, *so = NULL;
    cr_assert_eq(run8(full, "-q", NULL, &err), 0, "%s", err);
    free(err);
    for (int garble = 0; garble <= 1; garble++) {
        support_pipe sp = {BASE, 1, cut, 1, 1, 0, 0, 0, 0, 5, 0, {"run.replicates=8", NULL}};
        cr_assert_eq(support_pipeline(&sp, &err, NULL), 137, "%s", err);
        free(err);
        long long size = file_size(journal);
        cr_assert_gt(size, 1000);
        if (garble) {
            /* one byte of the last record's chunks */
            int fd = open(journal, O_RDWR);
            char c;
            cr_assert(pread(fd, &c, 1, size - 50) == 1);
            c = (char)~c;
            cr_assert(pwrite(fd, &c, 1, size - 50) == 1);
            close(fd);
        } else {
            cr_assert_eq(truncate(journal, size - 50), 0);
        }
        cr_expect_eq(run8(cut, "-q", NULL, &err), 2);
        cr_expect(strstr(err, "holds 4 of 8 runs") != NULL, "%s", err);
        free(err);
        cr_assert_eq(run8(cut, "--resume", &so, &err), 0, "%s", err);
        cr_expect(strstr(so, "4 replicate(s) were already done") != NULL, "%s", so);
        free(so);
        free(err);
        cr_expect_eq(support_shell(SAME " %s %s", full, cut), 0);
        cr_assert_eq(unlink(cut), 0);
    }
    free(full);
    free(cut);
    free(journal);
    support_rmdir(dir);
}

/* The command line under `ulimit -f` (the test does not ignore SIGXFSZ;
 * adoptsim must): a clean error naming the file, exit 1, nothing left. */
Test(pipeline, ulimit_f_gives_a_clean_error_and_leaves_nothing, .timeout = 60)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "o.h5");
    int code = support_shell("ulimit -f 64; exec %s run %s -o %s --replicates 8 -q 2> %s/err.txt", binary(), BASE, out,
                             dir);
    cr_expect_eq(code, 1, "exit %d (153 would be death by SIGXFSZ)", code);
    cr_expect_eq(support_shell("grep -q 'adoptsim: cannot write %s.*File too large' %s/err.txt", out, dir), 0);
    cr_expect_eq(support_count_entries(dir), 1, "more than err.txt left");
    free(out);
    support_rmdir(dir);
}

/* A file size limit hit by the journal: the runs committed before are kept,
 * the message says how many, and --resume finishes them. */
Test(pipeline, a_full_journal_keeps_its_committed_runs, .timeout = 120)
{
    char *dir = support_tmpdir(), *full = support_path(dir, "full.h5"), *cut = support_path(dir, "cut.h5");
    char *journal = with_suffix(cut, ".journal"), *err = NULL, *so = NULL;
    cr_assert_eq(run8(full, "-q", NULL, &err), 0, "%s", err);
    free(err);
    support_pipe sp = {BASE, 1, cut, 1, 1, 0, 0, 0, 0, 0, 60 * 1024, {"run.replicates=8", NULL}};
    cr_assert_eq(support_pipeline(&sp, &err, NULL), 1, "%s", err);
    long long kept = -1, runs = -1;
    const char *at = strstr(err, "keeps the ");
    cr_assert(at && sscanf(at, "keeps the %lld of %lld runs", &kept, &runs) == 2, "%s", err);
    cr_expect(strstr(err, "cannot write") && strstr(err, ".journal: File too large"), "%s", err);
    cr_expect(kept > 0 && kept < 8 && runs == 8, "%s", err);
    free(err);
    cr_expect_eq(access(journal, F_OK), 0);
    cr_expect_eq(support_count_entries(dir), 2, "something beside the journal was left");
    cr_assert_eq(run8(cut, "--resume", &so, &err), 0, "%s", err);
    char want[64];
    snprintf(want, sizeof want, "%lld replicate(s) were already done", kept);
    cr_expect(strstr(so, want) != NULL, "%s", so);
    cr_expect_eq(support_shell(SAME " %s %s", full, cut), 0);
    free(so);
    free(err);
    free(journal);
    free(full);
    free(cut);
    support_rmdir(dir);
}

/* Peak memory does not grow with the number of runs: 2,000 replicates of a
 * small organization over 100 days need no more than 200 do, give or take
 * a second's worth of pending runs (measured: 12 MB and 15 MB).  The code
 * before the pipeline held every run in memory: 264 MB for these 2,000. */
Test(pipeline, memory_does_not_grow_with_the_runs, .timeout = 600)
{
#ifdef __SANITIZE_ADDRESS__
    cr_skip_test("AddressSanitizer's quarantine keeps freed memory: peak RSS says nothing here");
#endif
    char *dir = support_tmpdir(), *out = support_path(dir, "m.h5"), *err = NULL;
    long rss[2];
    const char *reps[2] = {"run.replicates=200", "run.replicates=2000"};
    for (int i = 0; i < 2; i++) {
        /* a pending buffer of 1 MiB: the runs finish faster than the commit
         * interval, so the buffer's bound is what keeps memory flat */
        support_pipe sp = {BASE, 1, out, 2, 1, 0, -1, (size_t)1 << 20, 0, 0, 0,
                           {reps[i], "network.agents=50", "run.days=100", NULL}};
        cr_assert_eq(support_pipeline(&sp, &err, &rss[i]), 0, "%s", err);
        free(err);
    }
    cr_log_info("peak RSS: %ld KiB for 200 runs, %ld KiB for 2000", rss[0], rss[1]);
    cr_expect_lt(rss[1], 64 * 1024, "2000 runs took %ld KiB", rss[1]);
    cr_expect_lt(rss[1] - rss[0], 8 * 1024, "%ld KiB for 200 runs, %ld KiB for 2000", rss[0], rss[1]);
    free(out);
    support_rmdir(dir);
}

/* Test hooks stay out of what users run: no ADOPTSIM_TEST_* variable. */
Test(pipeline, the_release_binary_reads_no_test_variable)
{
    cr_expect_neq(support_shell("grep -q ADOPTSIM_TEST %s", binary()), 0, "%s mentions ADOPTSIM_TEST", binary());
}

/* `adoptsim run` reports progress when it takes more than a second, and
 * not otherwise. */
Test(pipeline, run_progress_only_for_long_runs, .timeout = 120)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "o.h5"), *err = NULL, *so = NULL;
    /* 73 million agent-days: 2 s at least */
    const char *slow[] = {"run", BASE, "-o", out, "--replicates", "40", "--threads", "1", "--set",
                          "network.agents=5000", "--set", "run.days=365", NULL};
    cr_assert_eq(support_exec(slow, &so, &err), 0, "%s", err);
    cr_expect(strstr(err, "40/40 runs (100%)") != NULL, "%s", err);
    cr_expect(strstr(so, "mean over replicates") != NULL && strstr(so, "wrote") != NULL, "%s", so);
    free(so);
    free(err);
    const char *fast[] = {"run", BASE, "-o", out, "--force", NULL};
    cr_assert_eq(support_exec(fast, &so, &err), 0, "%s", err);
    cr_expect_str_empty(err, "progress from a short run: %s", err);
    free(so);
    free(err);
    free(out);
    support_rmdir(dir);
}

/* SIGTERM (or Ctrl-C) to the command line: the running runs finish, the
 * finished ones are written (a partial file), the journal goes, exit 130. */
Test(pipeline, a_signal_writes_the_finished_runs_and_exits_130, .timeout = 120)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "o.h5");
    int code = support_shell("%s run %s -o %s --replicates 1000 --threads 2 --set network.agents=2000 "
                             "2> %s/err.txt > /dev/null & pid=$!; sleep 2; kill -TERM $pid; wait $pid",
                             binary(), BASE, out, dir);
    cr_assert_eq(code, 130, "exit %d", code);
    cr_expect_eq(support_shell("grep -q 'interrupted: [0-9]* of 1000 runs are in %s; finish with --resume' %s/err.txt",
                               out, dir), 0);
    cr_expect_eq(support_shell("/usr/bin/python3 -c \"import h5py, sys; d = h5py.File('%s')['completed'][...]; "
                               "sys.exit(not 0 < d.sum() < d.size)\"", out), 0, "no partial file");
    cr_expect_eq(support_count_entries(dir), 2, "a journal or temporary file is left");
    free(out);
    support_rmdir(dir);
}
