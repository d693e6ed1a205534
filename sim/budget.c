/* budget.c: the memory estimate of a scenario against the memory available
 * (see budget.h). */
#include "budget.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "input.h"
#include "network.h"

/* Below this estimate a scenario is taken to fit without reading the
 * limits (an experiment validates every scenario at every sweep point). */
#define BUDGET_SMALL (64.0 * 1024 * 1024)

/* A "Name:  value kB" line of a /proc file, in bytes; -1 if absent. */
static int64_t proc_kb(const char *file, const char *name)
{
    FILE *f = fopen(file, "r");
    char line[256];
    int64_t bytes = -1;
    size_t len = strlen(name);
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, len) == 0 && line[len] == ':') {
            long long kb;
            if (sscanf(line + len + 1, "%lld", &kb) == 1) bytes = (int64_t)kb * 1024;
            break;
        }
    fclose(f);
    return bytes;
}

/* A file holding one number (or "max"); -1 if absent or "max". */
static int64_t file_number(const char *path)
{
    FILE *f = fopen(path, "r");
    long long x;
    int64_t v = -1;
    if (!f) return -1;
    if (fscanf(f, "%lld", &x) == 1 && x >= 0) v = (int64_t)x;
    fclose(f);
    return v;
}

/* The cgroup's memory limit less its usage (cgroup v2, else v1); -1 if
 * there is none. */
static int64_t cgroup_room(void)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[1024], v2[1024] = "", v1[1024] = "", path[1200];
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "0::", 3) == 0) snprintf(v2, sizeof v2, "%s", line + 3);
        char *m = strstr(line, ":memory:");
        if (m) snprintf(v1, sizeof v1, "%s", m + 8);
    }
    fclose(f);
    int64_t limit = -1, used = -1;
    if (v2[0]) {
        snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", v2);
        limit = file_number(path);
        snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.current", v2);
        used = file_number(path);
    }
    if (limit < 0 && v1[0]) {
        snprintf(path, sizeof path, "/sys/fs/cgroup/memory%s/memory.limit_in_bytes", v1);
        limit = file_number(path);
        snprintf(path, sizeof path, "/sys/fs/cgroup/memory%s/memory.usage_in_bytes", v1);
        used = file_number(path);
        if (limit >= (INT64_C(1) << 62)) limit = -1; /* v1's "unlimited" */
    }
    if (limit < 0) return -1;
    return limit > used ? limit - (used > 0 ? used : 0) : 0;
}

/* An rlimit less the part of it in use (from /proc/self/status); -1 if
 * unlimited. */
static int64_t rlimit_room(int resource, const char *in_use)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return -1;
    int64_t used = proc_kb("/proc/self/status", in_use);
    int64_t limit = (int64_t)rl.rlim_cur;
    return limit > used ? limit - (used > 0 ? used : 0) : 0;
}

int budget_limit(int64_t *bytes, const char **source)
{
    struct {
        int64_t room;
        const char *source;
    } limits[] = {
        {proc_kb("/proc/meminfo", "MemAvailable"), "MemAvailable in /proc/meminfo"},
        {cgroup_room(), "the cgroup's memory limit"},
        {rlimit_room(RLIMIT_AS, "VmSize"), "RLIMIT_AS (ulimit -v)"},
        {rlimit_room(RLIMIT_DATA, "VmData"), "RLIMIT_DATA (ulimit -d)"},
    };
    *bytes = INT64_MAX;
    *source = "no limit known";
    for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++)
        if (limits[k].room >= 0 && limits[k].room < *bytes) {
            *bytes = limits[k].room;
            *source = limits[k].source;
        }
    return *bytes == INT64_MAX ? -1 : 0;
}

int budget_check(const scenario *scn, const sim_model_type *model, sim_error *err)
{
    network_size size;
    int st = network_estimate(scn, &size, err);
    if (st) return st;
    int64_t per_agent = model && model->bytes_per_agent ? (int64_t)model->bytes_per_agent(scn) : 0;
    /* in double: a scenario's estimate may exceed what int64_t holds */
    double state = (double)per_agent * (double)size.agents;
    double need = (double)size.bytes + state;
    int64_t room;
    const char *source;
    /* most scenarios are small: the limits (five files of /proc and /sys)
     * are read only for those that might not fit */
    if (need < BUDGET_SMALL) return SIM_OK;
    if (budget_limit(&room, &source) != 0 || need <= (double)room) return SIM_OK;

    char need_text[32], net_text[32], state_text[32], room_text[32];
    const char *type = scenario_string(scn, "network.type");
    int from_file = strcmp(type, "edgelist") == 0 || strcmp(type, "orgchart") == 0;
    input_bytes_text(need < 9e18 ? (int64_t)need : INT64_MAX, need_text, sizeof need_text);
    input_bytes_text(size.bytes, net_text, sizeof net_text);
    input_bytes_text(state < 9e18 ? (int64_t)state : INT64_MAX, state_text, sizeof state_text);
    input_bytes_text(room, room_text, sizeof room_text);
    char ties[48];
    if (strcmp(type, "complete") == 0) snprintf(ties, sizeof ties, "implicit ties");
    else snprintf(ties, sizeof ties, "%.3g ties", (double)size.arcs / 2);
    return scenario_error(scn, from_file ? "network.file" : "network.agents", err,
                          "does not fit in memory: this scenario needs about %s (the %s network "
                          "of %lld agents and %s: %s; the %s model's state, %lld bytes an "
                          "agent: %s), more than the %s available (%s)",
                          need_text, type, (long long)size.agents, ties, net_text,
                          model ? model->name : "?", (long long)per_agent, state_text, room_text,
                          source);
}
