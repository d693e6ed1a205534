/* intervention.c: schedule, target and cost keys shared by every intervention. */
#include "intervention.h"
#include "csv.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <math.h>
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

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_free(char **names, int32_t n)
{
    for (int32_t k = 0; names && k < n; k++) free(names[k]);
    free(names);
}

/* "all" (*out NULL) or a comma list of names, CSV-quoted where they hold
 * a comma, into a sorted list without repeats.  SIM_OK; SIM_EINPUT with
 * why; SIM_ENOMEM. */
static int parse_names(const char *text, char ***out, int32_t *n, char *why, size_t size)
{
    *out = NULL;
    *n = 0;
    if (strcmp(text, "all") == 0) return SIM_OK;
    size_t len = strlen(text), max = 1;
    for (size_t k = 0; k < len; k++) max += text[k] == ',';
    if (max > INT32_MAX / 2) max = INT32_MAX / 2;
    char *copy = malloc(len + 1), **fields = malloc(max * sizeof *fields), **names = NULL;
    int rc = SIM_OK, nf = 0;
    if (!copy || !fields) {
        rc = SIM_ENOMEM;
        goto done;
    }
    memcpy(copy, text, len + 1);
    nf = csv_split(copy, fields, (int)max);
    if (nf < 0) {
        snprintf(why, size, "%s", csv_split_error(nf));
        rc = SIM_EINPUT;
        goto done;
    }
    if (!(names = calloc((size_t)nf + 1, sizeof *names))) {
        rc = SIM_ENOMEM;
        goto done;
    }
    for (int k = 0; k < nf; k++) {
        if (!fields[k][0]) {
            snprintf(why, size, "name %d of the list is empty", k + 1);
            rc = SIM_EINPUT;
            goto done;
        }
        if (!(names[*n] = strdup(fields[k]))) {
            rc = SIM_ENOMEM;
            goto done;
        }
        (*n)++;
    }
    qsort(names, (size_t)*n, sizeof *names, cmp_name);
    int32_t kept = 0;
    for (int32_t k = 0; k < *n; k++) {
        if (kept && strcmp(names[kept - 1], names[k]) == 0) {
            free(names[k]);
            continue;
        }
        names[kept++] = names[k];
    }
    *n = kept;
done:
    free(copy);
    free(fields);
    if (rc != SIM_OK) {
        names_free(names, *n);
        *n = 0;
        return rc;
    }
    *out = names;
    return SIM_OK;
}

/* A list of names at key k: parse_names with its errors at the key. */
static int names_at(const scenario *scn, const char *k, const char *text, char ***out, int32_t *n,
                    sim_error *err)
{
    char why[160];
    int rc = parse_names(text, out, n, why, sizeof why);
    if (rc == SIM_ENOMEM) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, k, "out of memory");
    if (rc != SIM_OK)
        return scenario_error(scn, k, err,
                              "expected all or a comma list of names such as \"Sales EMEA, R&D\" (a "
                              "name holding a comma in double quotes), got \"%.80s\": %s", text, why);
    return SIM_OK;
}

/* FNV-1a of name followed by suffix, as a purpose above the model's own
 * and below RNG_PURPOSE_ENGINE. */
static uint32_t purpose_of(const char *name, const char *suffix)
{
    uint32_t h = 2166136261u;
    for (const char *p = name; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
    for (const char *p = suffix; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
    return 0x100u + h % 0xfe00u;
}

int iv_common_parse(const scenario *scn, const char *name, iv_common *c, sim_error *err)
{
    char k[160];
    c->name = name;
    c->attend_purpose = purpose_of(name, "/attendance");
    c->attend_mask = NULL;
    c->attend_stamp = NULL;
    c->attend_epoch = 0;
    c->attend_last = -1000;
    c->levels = 0;
    c->generations = 0;
    c->teams = NULL;
    c->n_teams = 0;
    c->team_names = c->department_names = NULL;
    c->n_team_names = c->n_department_names = 0;
    if (c->end >= 0 && c->end < c->start)
        return scenario_error(scn, key(k, sizeof k, name, "end"), err,
                              "must be -1 or at least the start day (%d)", (int)c->start);

    key(k, sizeof k, name, "target.levels");
    int rc = parse_ranges(c->levels_text, add_levels, &c->levels);
    if (rc == 1) c->levels = ~UINT64_C(0);
    if (rc < 0 || c->levels == 0)
        return scenario_error(scn, k, err, "expected all or a list of levels such as 0-2,4, got \"%s\"",
                              c->levels_text);

    key(k, sizeof k, name, "target.generations");
    if (parse_generations(c->generations_text, &c->generations) != 0)
        return scenario_error(scn, k, err,
                              "expected all or a list of gen_z, millennial, gen_x, boomer, got \"%s\"",
                              c->generations_text);

    key(k, sizeof k, name, "target.departments");
    if ((rc = names_at(scn, k, c->departments_text, &c->department_names, &c->n_department_names, err)))
        return rc;

    /* teams: names on an org chart, numbers on a generated organization */
    key(k, sizeof k, name, "target.teams");
    const param_value *type = scenario_find(scn, "network.type");
    if (type && type->s && strcmp(type->s, "orgchart") == 0) {
        rc = names_at(scn, k, c->teams_text, &c->team_names, &c->n_team_names, err);
        if (rc) iv_common_free(c);
        return rc;
    }
    team_list t = {0};
    rc = parse_ranges(c->teams_text, add_teams, &t);
    if (rc < 0 || (rc == 0 && t.n == 0)) {
        free(t.ids);
        iv_common_free(c);
        return scenario_error(scn, k, err, "expected all or a list of team numbers such as 3,5 (teams "
                              "have names on an org chart, network.type orgchart), got \"%s\"",
                              c->teams_text);
    }
    if (rc == 0) {
        qsort(t.ids, (size_t)t.n, sizeof *t.ids, cmp_int32);
        c->teams = t.ids;
        c->n_teams = t.n;
    }
    return SIM_OK;
}

void iv_common_bind(const scenario *scn, const genai_intervention_type *t, iv_common *c)
{
    /* The common rows bind member c of the module's struct: their offsets
     * less c's own (row 0 binds c.enabled) are offsets in an iv_common. */
    param_def rows[IV_COMMON_ROWS + 1];
    const size_t at = t->params[0].offset - offsetof(iv_common, enabled);
    memset(rows, 0, sizeof rows);
    for (int k = 0; k < IV_COMMON_ROWS; k++) {
        rows[k] = t->params[k];
        rows[k].offset -= at;
    }
    memset(c, 0, sizeof *c);
    scenario_bind(scn, rows, c);
    c->name = t->name;
}

int iv_common_read(const scenario *scn, const genai_intervention_type *t, iv_common *c, sim_error *err)
{
    iv_common_bind(scn, t, c);
    return iv_common_parse(scn, t->name, c, err);
}

int iv_check_schedule(const scenario *scn, const iv_common *c, int32_t days, sim_error *err)
{
    char k[160];
    if (c->start > days)
        return scenario_error(scn, key(k, sizeof k, c->name, "start"), err,
                              "day %d is after the last day of the run (run.days = %d): the "
                              "intervention would never act", (int)c->start, (int)days);
    return SIM_OK;
}

void iv_warn_schedule(const scenario *scn, const iv_common *c, int32_t days, sim_warnings *out)
{
    char k_every[160], k_end[160];
    const int32_t last = c->end >= 0 && c->end < days ? c->end : days;
    key(k_every, sizeof k_every, c->name, "every");
    key(k_end, sizeof k_end, c->name, "end");
    const param_value *every = scenario_find(scn, k_every);
    const int every_given = every && every->source != PARAM_FROM_DEFAULT;
    /* fatigue (modules with the dose rows) acts from the second session on */
    char k_fatigue[160];
    const param_value *fatigue = scenario_find(scn, key(k_fatigue, sizeof k_fatigue, c->name, "fatigue"));
    if (fatigue && fatigue->source != PARAM_FROM_DEFAULT && (c->every <= 0 || c->start + c->every > last))
        scenario_warn(scn, k_fatigue, out, "does nothing: the intervention holds one session only (fatigue acts "
                      "from the second on)");
    if (c->every <= 0 || c->start + c->every <= last || c->start > last) return;
    if (c->end >= 0)
        scenario_warn(scn, k_end, out,
                      "the intervention acts on days %d-%d, where every = %d gives one session only "
                      "(on day %d), as every: 0 would", (int)c->start, (int)last, (int)c->every,
                      (int)c->start);
    else if (every_given)
        scenario_warn(scn, k_every, out,
                      "%d days between sessions gives one session only (on day %d) before the run "
                      "ends on day %d, as every: 0 would", (int)c->every, (int)c->start, (int)days);
}

/* The first item of a target list ("3", "5-9") that names nothing below
 * limit: its first number, or -1 if every item names something. */
typedef struct missing_item { long limit, first; } missing_item;

static int find_missing(void *ctx, long lo, long hi)
{
    missing_item *m = ctx;
    (void)hi;
    if (lo >= m->limit && m->first < 0) m->first = lo;
    return 0;
}

/* The key of the target list given last (file before --set, then by
 * position), the one an error about the combination names; the enabled key
 * when none was given. */
static const char *target_key_given_last(const scenario *scn, const char *name, char *buf, size_t size)
{
    static const char *const fields[] = {"target.levels", "target.generations", "target.teams",
                                         "target.departments"};
    const param_value *best = NULL;
    const char *field = "enabled";
    for (int f = 0; f < 4; f++) {
        char k[160];
        const param_value *v = scenario_find(scn, key(k, sizeof k, name, fields[f]));
        if (!v || v->source == PARAM_FROM_DEFAULT) continue;
        if (!best || v->source > best->source ||
            (v->source == best->source && (v->line > best->line ||
                                           (v->line == best->line && v->column > best->column)))) {
            best = v;
            field = fields[f];
        }
    }
    return key(buf, size, name, field);
}

/* Each name listed (names[0..n)) against the organization's names
 * (have[0..n_have), NULL: none): the first missing one is an error at key
 * field, with the nearest name the organization has. */
static int check_names(const scenario *scn, const iv_common *c, const char *field, const char *what,
                       char *const *names, int32_t n, char *const *have, int32_t n_have, sim_error *err)
{
    char k[160];
    key(k, sizeof k, c->name, field);
    if (names && !have)
        return scenario_error(scn, k, err, "this network has no %ss to name (an organization or an org "
                              "chart has)", what);
    for (int32_t j = 0; names && j < n; j++) {
        int32_t x = 0;
        while (x < n_have && strcmp(have[x], names[j]) != 0) x++;
        if (x < n_have) continue;
        const char *near = scenario_nearest_word(names[j], (const char *const *)have, (size_t)n_have);
        char shown[80], near_q[160] = "";
        csv_excerpt(shown, sizeof shown, names[j]);
        if (near) {
            char t[80];
            csv_excerpt(t, sizeof t, near);
            snprintf(near_q, sizeof near_q, "; did you mean \"%s\"?", t);
        }
        if (!near) { /* a few of the names there are */
            size_t len = strlen(near_q);
            for (int32_t q = 0; q < n_have && q < 4 && len + 40 < sizeof near_q; q++) {
                char t[24];
                csv_excerpt(t, sizeof t, have[q]);
                len += (size_t)snprintf(near_q + len, sizeof near_q - len, "%s\"%s\"", q ? ", " : "; they include ", t);
            }
            if (n_have > 4 && len + 5 < sizeof near_q) snprintf(near_q + len, sizeof near_q - len, ", ...");
        }
        return scenario_error(scn, k, err, "no %s named \"%s\" in the organization (%d %ss, named by %s)%s", what,
                              shown, (int)n_have, what,
                              strcmp(scenario_string(scn, "network.type"), "orgchart") != 0 ? "number"
                              : strcmp(what, "team") == 0 ? "the team column, else the manager's id"
                              : "the department column, else the level-1 head's id",
                              near_q);
    }
    return SIM_OK;
}

int iv_check_target(const scenario *scn, const iv_common *c, const sim_network *net, int leaders_only,
                    sim_error *err)
{
    char k[160];
    int rc = check_names(scn, c, "target.teams", "team", c->team_names, c->n_team_names, net->team_names,
                         net->n_teams, err);
    if (!rc)
        rc = check_names(scn, c, "target.departments", "department", c->department_names, c->n_department_names,
                         net->department_names, net->n_departments, err);
    if (rc) return rc;
    missing_item m = {net->n_levels, -1};
    if (net->level && parse_ranges(c->levels_text, find_missing, &m) == 0 && m.first >= 0)
        return scenario_error(scn, key(k, sizeof k, c->name, "target.levels"), err,
                              "level %ld does not exist: the organization has levels 0-%d", m.first,
                              (int)net->n_levels - 1);
    m = (missing_item){net->n_teams, -1};
    if (c->teams && net->team && parse_ranges(c->teams_text, find_missing, &m) == 0 && m.first >= 0)
        return scenario_error(scn, key(k, sizeof k, c->name, "target.teams"), err,
                              "team %ld does not exist: the organization has teams 0-%d", m.first,
                              (int)net->n_teams - 1);
    if (!net->level || !net->generation || (c->teams && !net->team)) return SIM_OK;
    if ((c->team_names && !net->team_names) || (c->department_names && !net->department_names)) return SIM_OK;

    uint8_t *leader = NULL;
    if (leaders_only && net->manager) {
        leader = calloc((size_t)net->n + 1, 1);
        if (!leader) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        for (int32_t i = 0; i < net->n; i++)
            if (net->manager[i] >= 0) leader[net->manager[i]] = 1;
    }
    const genai_world w = {.net = net, .n = net->n};
    int64_t eligible = 0;
    for (int32_t i = 0; i < net->n; i++)
        eligible += (!leaders_only || (leader && leader[i])) && iv_eligible(c, &w, i);
    free(leader);
    if (eligible == 0)
        return scenario_error(scn, target_key_given_last(scn, c->name, k, sizeof k), err,
                              "no %s in the organization of %d staff is in levels %s x generations "
                              "%s x teams %s x departments %s: the intervention would reach nobody",
                              leaders_only ? "leader (agent with direct reports)" : "agent",
                              (int)net->n, c->levels_text, c->generations_text, c->teams_text,
                              c->departments_text);
    if (c->share * (double)eligible < 0.5)
        return scenario_error(scn, key(k, sizeof k, c->name, "target.share"), err,
                              "%g of the %lld eligible %s rounds to nobody: use at least %g", c->share,
                              (long long)eligible, leaders_only ? "leaders" : "agents",
                              0.5 / (double)eligible);
    return SIM_OK;
}

void iv_common_free(iv_common *c)
{
    if (!c) return;
    free(c->teams);
    c->teams = NULL;
    names_free(c->team_names, c->n_team_names);
    names_free(c->department_names, c->n_department_names);
    c->team_names = c->department_names = NULL;
    c->n_team_names = c->n_department_names = 0;
    free(c->attend_mask);
    free(c->attend_stamp);
    c->attend_mask = NULL;
    c->attend_stamp = NULL;
}

/* Whether name is among the sorted names[0..n). */
static int listed(const char *name, char *const *names, int32_t n)
{
    return bsearch(&name, names, (size_t)n, sizeof *names, cmp_name) != NULL;
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
    if (c->team_names && !(net->team_names && listed(net->team_names[net->team[i]], c->team_names,
                                                      c->n_team_names)))
        return 0;
    if (c->department_names &&
        !(net->department_names && listed(net->department_names[net->department[i]], c->department_names,
                                          c->n_department_names)))
        return 0;
    return 1;
}

uint32_t iv_purpose(const char *name)
{
    return purpose_of(name, "");
}

_Static_assert(RNG_BATCH == 64, "an attendance mask holds one batch of draws");

int iv_dose_parse(const scenario *scn, const genai_world *w, iv_common *c, sim_error *err)
{
    char k[160];
    if (c->enabled && !(c->attendance > 0))
        return scenario_error(scn, key(k, sizeof k, c->name, "attendance"), err,
                              "0: nobody would take part in a session, so the intervention would do nothing "
                              "(disable it instead)");
    if (c->enabled && c->attendance < 1 && w->n > 0) {
        const size_t blocks = ((size_t)w->n + RNG_BATCH - 1) / RNG_BATCH;
        c->attend_mask = malloc(blocks * sizeof *c->attend_mask);
        c->attend_stamp = malloc(blocks * sizeof *c->attend_stamp);
        if (!c->attend_mask || !c->attend_stamp)
            return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", c->name);
        for (size_t b = 0; b < blocks; b++) c->attend_stamp[b] = -1; /* never drawn */
    }
    return SIM_OK;
}

int iv_attends(iv_common *c, const genai_world *w, int32_t i, int32_t day)
{
    if (c->attendance >= 1) return 1;
    if (c->attend_epoch == 0 || c->attend_key.seed != w->key.seed || c->attend_key.replicate != w->key.replicate) {
        c->attend_key = w->key; /* another replicate: every block drawn before is stale */
        c->attend_epoch++;
    }
    const int32_t b = i / RNG_BATCH;
    const int64_t stamp = (int64_t)c->attend_epoch << 32 | (uint32_t)day;
    const int cached = c->attend_mask && c->attend_stamp[b] == stamp;
    const int dense = i > c->attend_last && i - c->attend_last < 8;
    c->attend_last = i;
    if (!cached && (!dense || !c->attend_mask)) /* a lone target: one draw */
        return rng_uniform(w->key, (uint32_t)i, (uint32_t)day, c->attend_purpose) < c->attendance;
    if (!cached) { /* the block's RNG_BATCH draws at once */
        uint32_t words[4][RNG_BATCH];
        rng_words_batch(w->key, (uint32_t)(b * RNG_BATCH), (uint32_t)day, c->attend_purpose, 0, words);
        uint64_t mask = 0;
        for (int j = 0; j < RNG_BATCH; j++)
            mask |= (uint64_t)(rng_u01_from_words(words[0][j], words[1][j]) < c->attendance) << j;
        c->attend_mask[b] = mask;
        c->attend_stamp[b] = stamp;
    }
    return (int)(c->attend_mask[b] >> (i % RNG_BATCH) & 1);
}

double iv_dose(const iv_common *c, int32_t day)
{
    if (c->fatigue <= 0 || c->every <= 0) return 1;
    return pow(1 - c->fatigue, (double)((day - c->start) / c->every));
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
