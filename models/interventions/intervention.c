/* intervention.c: schedule, target and cost keys shared by every intervention. */
#include "intervention.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *key(char *buf, size_t size, const char *name, const char *field)
{
    snprintf(buf, size, "interventions.%s.%s", name, field);
    return buf;
}

/* Parse "all" or a comma list of integers and ranges (a-b) into a callback. */
typedef int (*range_fn)(void *ctx, long lo, long hi);

static int parse_ranges(const char *text, range_fn fn, void *ctx)
{
    if (strcmp(text, "all") == 0) return 1;
    const char *p = text;
    while (*p) {
        while (isspace((unsigned char)*p)) p++;
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p || lo < 0) return -1;
        p = end;
        if (*p == '-') {
            p++;
            hi = strtol(p, &end, 10);
            if (end == p || hi < lo) return -1;
            p = end;
        }
        while (isspace((unsigned char)*p)) p++;
        if (fn(ctx, lo, hi) != 0) return -1;
        if (*p == ',') p++;
        else if (*p) return -1;
    }
    return 0;
}

static int add_levels(void *ctx, long lo, long hi)
{
    uint64_t *mask = ctx;
    for (long l = lo; l <= hi && l < 64; l++) *mask |= UINT64_C(1) << l;
    if (hi >= 63) *mask |= UINT64_C(1) << 63;
    return 0;
}

typedef struct team_list { int32_t *ids; int32_t n, cap; } team_list;

static int add_teams(void *ctx, long lo, long hi)
{
    team_list *t = ctx;
    if (hi > INT32_MAX || hi - lo > 10000000) return -1; /* team ids are int32 */
    for (long x = lo; x <= hi; x++) {
        if (t->n == t->cap) {
            int32_t cap = t->cap ? 2 * t->cap : 16;
            int32_t *ids = realloc(t->ids, (size_t)cap * sizeof *ids);
            if (!ids) return -1;
            t->ids = ids;
            t->cap = cap;
        }
        t->ids[t->n++] = (int32_t)x;
    }
    return 0;
}

static int cmp_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int parse_generations(const char *text, uint8_t *mask)
{
    if (strcmp(text, "all") == 0) {
        *mask = (1u << NET_GENERATIONS) - 1;
        return 0;
    }
    *mask = 0;
    const char *p = text;
    while (*p) {
        while (isspace((unsigned char)*p) || *p == ',') p++;
        size_t len = strcspn(p, ", ");
        if (len == 0) break;
        int found = -1;
        for (int g = 0; g < NET_GENERATIONS; g++)
            if (strlen(network_generation_names[g]) == len && strncmp(p, network_generation_names[g], len) == 0)
                found = g;
        if (found < 0) return -1;
        *mask |= (uint8_t)(1u << found);
        p += len;
    }
    return *mask ? 0 : -1;
}

int iv_common_read(const scenario *scn, const char *name, iv_common *c, sim_error *err)
{
    char k[160];
    memset(c, 0, sizeof *c);
    c->name = name;
    c->enabled = scenario_bool(scn, key(k, sizeof k, name, "enabled"));
    c->start = (int32_t)scenario_int(scn, key(k, sizeof k, name, "start"));
    c->end = (int32_t)scenario_int(scn, key(k, sizeof k, name, "end"));
    c->every = (int32_t)scenario_int(scn, key(k, sizeof k, name, "every"));
    c->hours = scenario_double(scn, key(k, sizeof k, name, "hours"));
    c->share = scenario_double(scn, key(k, sizeof k, name, "target.share"));
    c->count = scenario_int(scn, key(k, sizeof k, name, "target.count"));
    if (c->end >= 0 && c->end < c->start)
        return scenario_error(scn, key(k, sizeof k, name, "end"), err,
                              "must be -1 or at least the start day (%d)", (int)c->start);

    key(k, sizeof k, name, "target.levels");
    int rc = parse_ranges(scenario_string(scn, k), add_levels, &c->levels);
    if (rc == 1) c->levels = ~UINT64_C(0);
    if (rc < 0 || c->levels == 0)
        return scenario_error(scn, k, err, "expected all or a list of levels such as 0-2,4, got \"%s\"",
                              scenario_string(scn, k));

    key(k, sizeof k, name, "target.generations");
    if (parse_generations(scenario_string(scn, k), &c->generations) != 0)
        return scenario_error(scn, k, err,
                              "expected all or a list of gen_z, millennial, gen_x, boomer, got \"%s\"",
                              scenario_string(scn, k));

    key(k, sizeof k, name, "target.teams");
    team_list t = {0};
    rc = parse_ranges(scenario_string(scn, k), add_teams, &t);
    if (rc < 0 || (rc == 0 && t.n == 0)) {
        free(t.ids);
        return scenario_error(scn, k, err, "expected all or a list of team numbers such as 3,5, got \"%s\"",
                              scenario_string(scn, k));
    }
    if (rc == 0) {
        qsort(t.ids, (size_t)t.n, sizeof *t.ids, cmp_int32);
        c->teams = t.ids;
        c->n_teams = t.n;
    }
    return SIM_OK;
}

void iv_common_free(iv_common *c)
{
    if (!c) return;
    free(c->teams);
    c->teams = NULL;
}

int iv_active(const iv_common *c, int32_t day)
{
    return c->enabled && day >= c->start && (c->end < 0 || day <= c->end);
}

int iv_session(const iv_common *c, int32_t day)
{
    if (!iv_active(c, day)) return 0;
    if (c->every == 0) return day == c->start;
    return (day - c->start) % c->every == 0;
}

int iv_eligible(const iv_common *c, const genai_world *w, int32_t i)
{
    const sim_network *net = w->net;
    int l = net->level[i] < 63 ? net->level[i] : 63;
    if (!(c->levels & (UINT64_C(1) << l))) return 0;
    if (!(c->generations & (1u << net->generation[i]))) return 0;
    if (c->teams && !bsearch(&net->team[i], c->teams, (size_t)c->n_teams, sizeof *c->teams, cmp_int32))
        return 0;
    return 1;
}

uint32_t iv_purpose(const char *name)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *p = name; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
    return 0x100u + h % 0xfe00u; /* above the model's own purposes, below RNG_PURPOSE_ENGINE */
}

/* The second draw that picks `count` of the candidates. */
static double cap_draw(const genai_world *w, uint32_t purpose, int32_t id)
{
    return rng_uniform(w->key, (uint32_t)id, 1, purpose);
}

/* Sort ids[lo..hi] by (cap_draw, id): a plain quicksort that computes the
 * draws as it compares, so selecting needs no memory. */
static void sort_by_draw(const genai_world *w, uint32_t purpose, int32_t *ids, int32_t lo, int32_t hi)
{
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2, pivot = ids[mid];
        double pu = cap_draw(w, purpose, pivot);
        int32_t i = lo, j = hi;
        while (i <= j) {
            while (cap_draw(w, purpose, ids[i]) < pu || (cap_draw(w, purpose, ids[i]) == pu && ids[i] < pivot)) i++;
            while (cap_draw(w, purpose, ids[j]) > pu || (cap_draw(w, purpose, ids[j]) == pu && ids[j] > pivot)) j--;
            if (i <= j) {
                int32_t t = ids[i];
                ids[i++] = ids[j];
                ids[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            sort_by_draw(w, purpose, ids, lo, j);
            lo = i;
        } else {
            sort_by_draw(w, purpose, ids, i, hi);
            hi = j;
        }
    }
}

int32_t iv_select(const iv_common *c, const genai_world *w, const uint8_t *extra, int32_t *ids)
{
    const uint32_t purpose = iv_purpose(c->name);
    int32_t m = 0;
    for (int32_t i = 0; i < w->n; i++) {
        if (extra && !extra[i]) continue;
        if (!iv_eligible(c, w, i)) continue;
        if (c->share < 1 && rng_uniform(w->key, (uint32_t)i, 0, purpose) >= c->share) continue;
        ids[m++] = i;
    }
    if (c->count > 0 && m > c->count) {
        /* keep a random `count` of them: the smallest of a second draw */
        sort_by_draw(w, purpose, ids, 0, m - 1);
        m = (int32_t)c->count;
        qsort(ids, (size_t)m, sizeof *ids, cmp_int32);
    }
    return m;
}
