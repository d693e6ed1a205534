/* support.c: shared test helpers (see support.h). */
#define _DEFAULT_SOURCE /* wait4: the peak memory of one child */
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "experiment.h"
#include "pipeline.h"
#include "registry.h"

scenario *support_scenario(const char *const *sets)
{
    scenario *scn = NULL;
    sim_error err;
    char buf[2048];
    int rc = registry_scenario_alloc(&scn, &err);
    cr_assert_eq(rc, SIM_OK, "scenario_alloc: %s", sim_error_format(&err, buf, sizeof buf));
    for (size_t i = 0; sets && sets[i]; i++) {
        rc = scenario_set(scn, sets[i], &err);
        cr_assert_eq(rc, SIM_OK, "%s: %s", sets[i], sim_error_format(&err, buf, sizeof buf));
    }
    rc = registry_validate(scn, &err);
    cr_assert_eq(rc, SIM_OK, "validate: %s", sim_error_format(&err, buf, sizeof buf));
    return scn;
}

void engine_results_free(sim_results *res)
{
    if (!res) return;
    free(res->data);
    free(res->by_generation);
    free(res->by_level);
    free(res->agents);
    free(res->by_team);
    free(res);
}

sim_results *support_run_network(const scenario *scn, const sim_network *net)
{
    sim_error err;
    char buf[2048];
    int rc;
    const sim_model_type *model = registry_scenario_model(scn);
    const int32_t days = (int32_t)scenario_int(scn, "run.days"), reps = (int32_t)scenario_int(scn, "run.replicates");
    const uint32_t seed = (uint32_t)scenario_int(scn, "run.seed");
    const int n_obs = model->n_observables;
    int grouped = 0;
    for (int k = 0; k < n_obs; k++) grouped |= model->observables[k].grouped;
    const int32_t L = grouped && net->generation && net->level ? net->n_levels : 0;
    const size_t T = (size_t)days + 1, cells = (size_t)n_obs * (size_t)reps * T;

    sim_results *res = calloc(1, sizeof *res);
    cr_assert_not_null(res);
    *res = (sim_results){model, n_obs, reps, (int32_t)T, calloc(cells, sizeof(double)), L, NULL, NULL, 0, 0, NULL,
                         0, NULL};
    /* output.breakdowns: team, where the model and the network have it */
    int n_kinds;
    const char *kinds = scenario_names(scn, "output.breakdowns", &n_kinds);
    const int32_t J = strstr(kinds, "team") && model->observe_teams && net->team ? net->n_teams : 0;
    double *team_values = calloc((size_t)n_obs * (size_t)(J ? J : 1), sizeof(double));
    cr_assert_not_null(team_values);
    if (J) {
        res->n_teams = J;
        res->by_team = calloc(cells * (size_t)J, sizeof(double));
        cr_assert_not_null(res->by_team);
    }
    if (scenario_bool(scn, "output.agents") && model->n_agent_fields > 0) {
        res->n_agent_fields = model->n_agent_fields;
        res->n_agents = net->n;
        res->agents = calloc((size_t)model->n_agent_fields * (size_t)reps * (size_t)net->n, sizeof(double));
        cr_assert_not_null(res->agents);
    }
    double *values = calloc((size_t)n_obs, sizeof(double));
    double *gen_values = calloc((size_t)n_obs * NET_GENERATIONS, sizeof(double));
    double *lev_values = calloc((size_t)n_obs * (size_t)(L ? L : 1), sizeof(double));
    if (L) {
        res->by_generation = calloc(cells * NET_GENERATIONS, sizeof(double));
        res->by_level = calloc(cells * (size_t)L, sizeof(double));
        cr_assert(res->by_generation && res->by_level);
    }
    cr_assert(res->data && values && gen_values && lev_values);

    sim_context ctx = {scn, net, rng_key_make(seed, 0), days};
    void *state = NULL;
    rc = model->alloc(&ctx, &state, &err);
    cr_assert_eq(rc, SIM_OK, "alloc: %s", sim_error_format(&err, buf, sizeof buf));
    for (int32_t rep = 0; rep < reps; rep++) {
        engine_series out = {res->data + (size_t)rep * T, (size_t)reps * T,
                             L ? res->by_generation + (size_t)rep * T * NET_GENERATIONS : NULL,
                             (size_t)reps * T * NET_GENERATIONS,
                             L ? res->by_level + (size_t)rep * T * (size_t)L : NULL, (size_t)reps * T * (size_t)L, L,
                             J ? res->by_team + (size_t)rep * T * (size_t)J : NULL, (size_t)reps * T * (size_t)J, J,
                             team_values};
        ctx.key = rng_key_make(seed, (uint32_t)rep);
        engine_replicate(model, state, &ctx, &out, values, gen_values, lev_values);
        for (int f = 0; f < res->n_agent_fields; f++)
            model->agent_values(state, &ctx, f, res->agents + ((size_t)f * (size_t)reps + (size_t)rep) * (size_t)net->n);
    }
    model->free(state);
    free(values);
    free(gen_values);
    free(lev_values);
    free(team_values);
    return res;
}

sim_results *support_run(const scenario *scn, int threads)
{
    sim_error err;
    char buf[2048];
    sim_network *net = NULL;
    omp_set_num_threads(threads);
    int rc = network_build(scn, (uint32_t)scenario_int(scn, "run.seed"), &net, &err);
    cr_assert_eq(rc, SIM_OK, "network_build: %s", sim_error_format(&err, buf, sizeof buf));
    sim_results *res = support_run_network(scn, net);
    network_free(net);
    return res;
}

static char *slurp_fd(int fd);

/* ---- the pipeline in a child process -------------------------------------------- */

static volatile sig_atomic_t support_stop;
static const support_pipe *support_current;

static void support_on_commit(long long committed, void *arg)
{
    (void)arg;
    if (support_current->kill_after && committed >= support_current->kill_after) raise(SIGKILL);
    if (support_current->stop_after && committed >= support_current->stop_after) support_stop = 1;
}

/* The child: load, run, exit with the command line's codes. */
static int pipeline_child(const support_pipe *sp)
{
    sim_error err;
    char buf[2048];
    experiment *ex = NULL;
    int n_sets = 0, rc;
    while (n_sets < 8 && sp->sets[n_sets]) n_sets++;
    sim_error_clear(&err);
    if (sp->fsize_limit) {
        struct rlimit lim = {(rlim_t)sp->fsize_limit, (rlim_t)sp->fsize_limit};
        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &lim) != 0) return 99;
    }
    if (sp->is_run) {
        scenario *scn = NULL;
        rc = registry_scenario_alloc(&scn, &err);
        if (!rc) rc = scenario_load_file(scn, sp->def, &err);
        for (int i = 0; !rc && i < n_sets; i++) rc = scenario_set(scn, sp->sets[i], &err);
        if (!rc) rc = registry_validate(scn, &err);
        if (!rc) rc = experiment_from_scenario(scn, registry_scenario_model(scn), &ex, &err);
        if (!rc) rc = experiment_uncertainty_from_file(ex, sp->def, &registry_catalog, &err);
        scenario_free(scn);
    } else {
        rc = experiment_load(sp->def, &registry_catalog, sp->sets, n_sets, &ex, &err);
    }
    if (rc) {
        fprintf(stderr, "adoptsim: %s\n", sim_error_format(&err, buf, sizeof buf));
        return sim_status_exit_code(rc);
    }
    omp_set_num_threads(sp->threads);
    support_current = sp;
    pipeline_options po = {sp->out, sp->is_run ? "run" : "experiment", sp->force, sp->resume, 1, sp->threads,
                           "support_pipeline", &support_stop, 0, sp->commit_seconds, sp->pending_bytes,
                           support_on_commit, NULL};
    pipeline_summary sum;
    rc = pipeline_run(ex, &po, &sum, &err);
    pipeline_summary_free(&sum);
    experiment_free(ex);
    if (rc) {
        fprintf(stderr, "adoptsim: %s\n", sim_error_format(&err, buf, sizeof buf));
        return sim_status_exit_code(rc);
    }
    return sum.interrupted ? 130 : 0;
}

int support_pipeline(const support_pipe *sp, char **err, long *max_rss_kb)
{
    char err_name[] = "/tmp/adoptsim-test-errXXXXXX";
    int fe = mkstemp(err_name);
    cr_assert(fe >= 0);
    unlink(err_name);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        dup2(fe, 2);
        _exit(pipeline_child(sp));
    }
    int status = 0;
    struct rusage ru;
    cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
    if (max_rss_kb) *max_rss_kb = ru.ru_maxrss;
    if (err) *err = slurp_fd(fe);
    close(fe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *slurp_fd(int fd)
{
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    lseek(fd, 0, SEEK_SET);
    ssize_t got;
    while ((got = read(fd, s + len, cap - len - 1)) > 0) {
        len += (size_t)got;
        if (cap - len < 2) s = realloc(s, cap *= 2);
    }
    s[len] = '\0';
    return s;
}

const char *support_adoptsim(void)
{
    const char *bin = getenv("ADOPTSIM");
    return bin && *bin ? bin : "./adoptsim";
}

int support_exec(const char *const *args, char **out, char **err)
{
    const char *bin = support_adoptsim();
    char out_name[] = "/tmp/adoptsim-test-outXXXXXX", err_name[] = "/tmp/adoptsim-test-errXXXXXX";
    int fo = mkstemp(out_name), fe = mkstemp(err_name);
    cr_assert(fo >= 0 && fe >= 0);
    unlink(out_name);
    unlink(err_name);
    const char *argv[64];
    size_t n = 0;
    argv[n++] = bin;
    for (size_t i = 0; args[i] && n < 63; i++) argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (out) *out = slurp_fd(fo);
    if (err) *err = slurp_fd(fe);
    close(fo);
    close(fe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *support_tmpdir(void)
{
    char *d = strdup("/tmp/adoptsim-test-XXXXXX");
    cr_assert(mkdtemp(d) != NULL);
    return d;
}

void support_rmdir(char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[4096];
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

char *support_write(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f != NULL);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

int support_count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    if (d) closedir(d);
    return n;
}

int support_shell(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

char *support_read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    cr_assert(fd >= 0, "%s: %s", path, strerror(errno));
    char *s = slurp_fd(fd);
    close(fd);
    cr_assert(s != NULL, "%s: out of memory", path);
    return s;
}

void support_expect_check_error(const char *dir, const char *yaml, const char *where, const char *what)
{
    char *path = support_write(dir, "check.yaml", yaml, strlen(yaml));
    const char *args[] = {"check", path, NULL};
    char *err = NULL, want[1024];
    cr_expect_eq(support_exec(args, NULL, &err), 2, "%s: exit code", what);
    snprintf(want, sizeof want, "%s%s", path, where);
    cr_expect(err && strstr(err, want), "%s: expected \"%s\" in: %s", what, want, err ? err : "");
    free(err);
    free(path);
}

void support_expect_check_warning(const char *dir, const char *yaml, const char *warning)
{
    char *path = support_write(dir, "check.yaml", yaml, strlen(yaml));
    const char *args[] = {"check", path, NULL};
    char *err = NULL;
    cr_expect_eq(support_exec(args, NULL, &err), 0, "%s", err ? err : "");
    cr_expect(err && strstr(err, warning), "expected \"%s\" in: %s", warning, err ? err : "");
    free(err);
    free(path);
}

char *support_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    cr_assert(p != NULL);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int support_has_tie(const sim_network *net, int32_t i, int32_t j)
{
    for (int64_t p = net->row[i]; p < net->row[i + 1]; p++)
        if (net->col[p] == j) return 1;
    return 0;
}
