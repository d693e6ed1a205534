/* support.c: shared test helpers (see support.h). */
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

sim_results *support_run(const scenario *scn, int threads)
{
    sim_error err;
    char buf[2048];
    sim_network *net = NULL;
    sim_results *res = NULL;
    omp_set_num_threads(threads);
    int rc = network_build(scn, (uint32_t)scenario_int(scn, "run.seed"), &net, &err);
    cr_assert_eq(rc, SIM_OK, "network_build: %s", sim_error_format(&err, buf, sizeof buf));
    rc = engine_run(registry_scenario_model(scn), scn, net, &res, &err);
    cr_assert_eq(rc, SIM_OK, "engine_run: %s", sim_error_format(&err, buf, sizeof buf));
    network_free(net);
    return res;
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

int support_exec(const char *const *args, char **out, char **err)
{
    const char *bin = getenv("ADOPTSIM");
    if (!bin || !*bin) bin = "./adoptsim";
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
