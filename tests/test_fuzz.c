/* test_fuzz.c: the fuzzing harnesses of tests/fuzz replayed without libFuzzer
 * (built with the suite's compiler and flags, so under make test-asan with
 * AddressSanitizer and LeakSanitizer): every committed seed
 * (tests/fuzz/corpus/NAME) and every regression input
 * (tests/fuzz/regressions/NAME, an input that once crashed, leaked or hung a
 * reader) goes through its harness, which aborts on a crash or a broken
 * invariant.  The replay binaries sit next to the adoptsim binary
 * ($ADOPTSIM), in fuzz-replay/. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

static void replay(const char *name)
{
    const char *bin = getenv("ADOPTSIM");
    char real[PATH_MAX], prog[PATH_MAX + 64], dirs[600];
    struct stat sb;
    cr_assert_not_null(realpath(bin && *bin ? bin : "./adoptsim", real), "no adoptsim binary");
    char *slash = strrchr(real, '/');
    *slash = '\0';
    snprintf(prog, sizeof prog, "%s/fuzz-replay/%s", real, name);
    cr_assert_eq(stat(prog, &sb), 0, "%s is not built (make test builds it)", prog);
    snprintf(dirs, sizeof dirs, "tests/fuzz/corpus/%s", name);
    cr_assert_eq(stat(dirs, &sb), 0, "no seeds in %s", dirs);
    char regressions[128];
    snprintf(regressions, sizeof regressions, "tests/fuzz/regressions/%s", name);
    if (stat(regressions, &sb) == 0) snprintf(dirs + strlen(dirs), sizeof dirs - strlen(dirs), " %s", regressions);

    char *dir = support_tmpdir(), *log = support_path(dir, "log");
    int code = support_shell("ADOPTSIM_FUZZ_ROOT=%s %s %s > %s 2>&1", dir, prog, dirs, log);
    char *text = support_read_file(log);
    cr_assert_eq(code, 0, "%s %s: exit %d:\n%s", prog, dirs, code, text);
    int count = 0;
    const char *at = strstr(text, "replayed ");
    cr_assert(at && sscanf(at, "replayed %d", &count) == 1 && count > 0, "%s", text);
    free(text);
    free(log);
    support_rmdir(dir);
}

Test(fuzz, replay_scenario, .timeout = 120)
{
    replay("scenario");
}

Test(fuzz, replay_experiment, .timeout = 120)
{
    replay("experiment");
}

Test(fuzz, replay_orgchart, .timeout = 60)
{
    replay("orgchart");
}

Test(fuzz, replay_edgelist, .timeout = 60)
{
    replay("edgelist");
}

Test(fuzz, replay_csr, .timeout = 60)
{
    replay("csr");
}
