/* network_org.c: organizations, generated from a headcount and a span of
 * control (network_build_organization) or read from an org chart by
 * orgchart.c (network_build_orgchart), tied the same way: the reporting line,
 * teammates, and cross-team peer ties in block or small-world structure; and
 * each generated agent's generation, drawn from the mix of its level.
 *
 * Teammates are tied all to all up to organization.teammate_ties each (the
 * cap): a team of at most cap + 1 members is a clique.  In a larger team
 * (49,999 reports of one manager would be 1.25e9 ties) each member is tied
 * to cap teammates: the team is put in a random circular order (a shuffle
 * drawn from Philox with the seed alone, NET_PURPOSE_TEAM_ORDER) and each
 * member tied to the cap/2 nearest on each side, and for an odd cap to the
 * member half way round (in a team of odd size one member then has cap - 1).
 * The ties are symmetric without duplicates, and a capped team costs
 * cap x size ties. */
#include "network.h"
#include "network_internal.h"
#include "orgchart.h"
#include "parallel.h"

#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <omp.h>

/* Both kinds number agents breadth-first from the chief officer, so the
 * direct reports of a manager are consecutive ids.  A generated organization
 * has span reports per manager (no arrays needed); an org chart passes
 * reports_at and lists the members of its teams (team_at, team_member).
 *
 * Departments: 0 is the chief officer alone, d = 1 .. heads the subtree under
 * the level-1 agent d.  With breadth-first ids a department holds one
 * contiguous range of ids on each level below its head, so it is stored as
 * ranges (no list of members): department d owns ranges range_at[d] ..
 * range_at[d+1]-1; range r starts at id first[r] and has before[r] members of
 * the department before it; size[d] members in all. */
typedef struct org_depts {
    int64_t *range_at;
    int32_t *first;
    int64_t *before;
    int64_t *size;
} org_depts;

static void org_depts_free(org_depts *t)
{
    free(t->range_at);
    free(t->first);
    free(t->before);
    free(t->size);
}

typedef struct org_plan {
    int32_t n;
    int64_t span;               /* generated: reports per manager */
    const int32_t *reports_at;  /* org chart: reports of m are reports_at[m] ..
                                   reports_at[m+1]-1 (n+1 entries); NULL: span */
    const int64_t *team_at;     /* org chart: team t is team_member[team_at[t] ..
                                   team_at[t+1]-1]; NULL: teams are the reports of
                                   a manager */
    const int32_t *team_member;
    int64_t cap;           /* organization.teammate_ties */
    int32_t *order;        /* workspace: a capped team's members in shuffled order */
    rng_key key;
    double peer_mean;      /* Poisson mean of the peer ties each agent draws */
    int block;             /* 1: block structure, 0: small world */
    double within;         /* block: probability to stay inside the department */
    const int32_t *dept;   /* block: department of each agent, see org_departments */
    const org_depts *depts;
} org_plan;

/* First and last id of the direct reports of manager m (first > last: none). */
static void org_reports(const org_plan *p, int64_t m, int64_t *first, int64_t *last)
{
    if (p->reports_at) {
        *first = p->reports_at[m];
        *last = (int64_t)p->reports_at[m + 1] - 1;
        return;
    }
    *first = m * p->span + 1;
    *last = m * p->span + p->span;
    if (*last > p->n - 1) *last = p->n - 1;
}

/* Teammate ties of a team larger than the cap (see the top of the file):
 * members[0..size-1] in id order, team its id for the shuffle.  Counts the
 * ties in row (col NULL) or stores them at row[] and advances it. */
static void org_capped_team(const org_plan *p, int32_t team, const int32_t *members, int64_t size,
                            int64_t *row, int32_t *col)
{
    int32_t *order = p->order;
    if (order != members) memcpy(order, members, (size_t)size * sizeof *order);
    for (int64_t q = size - 1; q > 0; q--) { /* Fisher-Yates, from Philox */
        uint32_t w[4];
        rng_words(p->key, (uint32_t)team, 0, NET_PURPOSE_TEAM_ORDER, (uint32_t)(q / 2), w);
        int64_t j = network_draw_index(w[2 * (q % 2)], w[2 * (q % 2) + 1], q + 1);
        int32_t t = order[q];
        order[q] = order[j];
        order[j] = t;
    }
    const int64_t side = p->cap / 2, half = size / 2;
    for (int64_t q = 0; q < size; q++) {
        int32_t a = order[q];
        for (int64_t d = 1; d <= side; d++) {
            int32_t b = order[(q + d) % size];
            if (col) {
                col[row[a]++] = b;
                col[row[b]++] = a;
            } else {
                row[a]++;
                row[b]++;
            }
        }
        if (p->cap % 2 == 1 && q < half) {
            int32_t b = order[q + half];
            if (col) {
                col[row[a]++] = b;
                col[row[b]++] = a;
            } else {
                row[a]++;
                row[b]++;
            }
        }
    }
}

/* The teams larger than the cap: count (col NULL) or store their ties. */
static void org_capped_teams(const org_plan *p, const sim_network *net, int64_t *row, int32_t *col)
{
    if (p->team_at) {
        for (int32_t t = 0; t < net->n_teams; t++) {
            int64_t size = p->team_at[t + 1] - p->team_at[t];
            if (size - 1 > p->cap)
                org_capped_team(p, t, p->team_member + p->team_at[t], size, row, col);
        }
        return;
    }
    if (p->span - 1 <= p->cap) return;
    for (int64_t m = 0; m * p->span + 1 < p->n; m++) {
        int64_t first, last;
        org_reports(p, m, &first, &last);
        int64_t size = last - first + 1;
        if (size - 1 <= p->cap) continue;
        for (int64_t k = 0; k < size; k++) p->order[k] = (int32_t)(first + k);
        /* members = the ids themselves; the shuffle copies them over */
        org_capped_team(p, (int32_t)(m + 1), p->order, size, row, col);
    }
}

static unsigned org_peer_count(const org_plan *p, gsl_rng *r, int32_t i)
{
    if (p->peer_mean <= 0 || p->n < 2) return 0;
    rng_gsl_stream(r, p->key, (uint32_t)i, 0, NET_PURPOSE_PEER_COUNT);
    return gsl_ran_poisson(r, p->peer_mean);
}

/* The member of department d with rank idx (0-based, in id order). */
static int32_t org_dept_member(const org_depts *t, int32_t d, int64_t idx)
{
    int64_t lo = t->range_at[d], hi = t->range_at[d + 1] - 1;
    while (lo < hi) { /* last range with before <= idx */
        int64_t mid = lo + (hi - lo + 1) / 2;
        if (t->before[mid] <= idx) lo = mid;
        else hi = mid - 1;
    }
    return (int32_t)(t->first[lo] + (idx - t->before[lo]));
}

static int32_t org_peer_target(const org_plan *p, int32_t i, unsigned m)
{
    uint32_t w[4];
    rng_words(p->key, (uint32_t)i, 0, NET_PURPOSE_PEER_TARGET, m, w);
    if (p->block && rng_u01_from_words(w[0], w[1]) < p->within) {
        int32_t d = p->dept[i];
        int64_t size = p->depts->size[d];
        if (size >= 2) { /* the member of rank idx among the others, members sorted by id */
            int64_t idx = network_draw_index(w[2], w[3], size - 1);
            int32_t t = org_dept_member(p->depts, d, idx);
            return t < i ? t : org_dept_member(p->depts, d, idx + 1);
        }
    }
    return network_draw_other(w[2], w[3], p->n, i);
}

/* Workspace for generating peer ties a batch of agents at a time. */
typedef struct peer_batch {
    int32_t per;     /* agents per batch */
    unsigned *count; /* peer ties each agent of the batch draws */
    int64_t *off;    /* where they start in u, v */
    int32_t *u, *v;
    int64_t cap;
    gsl_rng **rngs;  /* one per OpenMP thread */
    int n_rngs;
} peer_batch;

static void peer_batch_free(peer_batch *b)
{
    free(b->count);
    free(b->off);
    free(b->u);
    free(b->v);
    for (int t = 0; b->rngs && t < b->n_rngs; t++) gsl_rng_free(b->rngs[t]);
    free(b->rngs);
}

static int peer_batch_init(peer_batch *b, const org_plan *p)
{
    memset(b, 0, sizeof *b);
    double per = NET_BATCH / (p->peer_mean + 1);
    b->per = per < 1 ? 1 : per > p->n ? p->n : (int32_t)per;
    b->n_rngs = omp_get_max_threads();
    b->count = malloc((size_t)b->per * sizeof *b->count);
    b->off = malloc((size_t)b->per * sizeof *b->off);
    b->rngs = calloc((size_t)b->n_rngs, sizeof *b->rngs);
    if (!b->count || !b->off || !b->rngs) return SIM_ENOMEM;
    for (int t = 0; t < b->n_rngs; t++)
        if (!(b->rngs[t] = rng_gsl_alloc())) return SIM_ENOMEM;
    return SIM_OK;
}

/* Generate the peer ties of agents i0..i1-1 into b->u, b->v (in parallel:
 * each agent writes its own slots); returns their number, -1 when out of
 * memory. */
static int64_t peer_batch_fill(peer_batch *b, const org_plan *p, int32_t i0, int32_t i1)
{
#pragma omp parallel for schedule(static) if (i1 - i0 >= SIM_PARALLEL_MIN)
    for (int32_t i = i0; i < i1; i++)
        b->count[i - i0] = org_peer_count(p, b->rngs[omp_get_thread_num()], i);
    int64_t len = 0;
    for (int32_t i = i0; i < i1; i++) {
        b->off[i - i0] = len;
        len += b->count[i - i0];
    }
    if (len > b->cap) {
        int32_t *u = realloc(b->u, (size_t)len * sizeof *u);
        if (u) b->u = u;
        int32_t *v = realloc(b->v, (size_t)len * sizeof *v);
        if (v) b->v = v;
        if (!u || !v) return -1;
        b->cap = len;
    }
#pragma omp parallel for schedule(static) if (i1 - i0 >= SIM_PARALLEL_MIN)
    for (int32_t i = i0; i < i1; i++) {
        int64_t at = b->off[i - i0];
        for (unsigned m = 0; m < b->count[i - i0]; m++) {
            b->u[at + m] = i;
            b->v[at + m] = org_peer_target(p, i, m);
        }
    }
    return len;
}

/* Levels of a span-ary breadth-first tree on n agents; 0 when deeper than
 * NET_MAX_LEVELS levels. */
int32_t org_levels(int64_t n, int64_t span)
{
    int32_t depth = 0;
    for (int64_t i = n - 1; i > 0; i = (i - 1) / span)
        if (++depth >= NET_MAX_LEVELS) return 0;
    return depth + 1;
}

/* The department of every agent and the departments' ranges (org_depts).
 * The reports of a range of managers on one level are the next level's range. */
static int org_departments(const org_plan *p, const int32_t *manager, int32_t n_levels,
                           int32_t **dept_out, org_depts *t)
{
    int32_t n = p->n;
    int64_t first, last;
    org_reports(p, 0, &first, &last);
    int64_t heads = last - first + 1;
    int32_t *dept = malloc((size_t)n * sizeof *dept);
    int64_t max_ranges = (heads + 1) * n_levels; /* ranges are disjoint and not empty */
    if (max_ranges > n) max_ranges = n;
    t->range_at = malloc(((size_t)heads + 2) * sizeof *t->range_at);
    t->size = malloc(((size_t)heads + 1) * sizeof *t->size);
    t->first = malloc((size_t)max_ranges * sizeof *t->first);
    t->before = malloc((size_t)max_ranges * sizeof *t->before);
    if (!dept || !t->range_at || !t->size || !t->first || !t->before) {
        free(dept);
        return SIM_ENOMEM;
    }
    for (int32_t i = 0; i < n; i++) {
        int32_t m = manager[i];
        dept[i] = m <= 0 ? i : dept[m];
    }
    int64_t r = 0;
    for (int64_t d = 0; d <= heads; d++) {
        int64_t a = d, b = d, count = 0;
        t->range_at[d] = r;
        for (;;) {
            t->first[r] = (int32_t)a;
            t->before[r++] = count;
            count += b - a + 1;
            if (d == 0) break; /* the chief officer alone */
            int64_t unused;
            org_reports(p, a, &a, &unused);
            org_reports(p, b, &unused, &b);
            if (a > b) break;
        }
        t->size[d] = count;
    }
    t->range_at[heads + 1] = r;
    *dept_out = dept;
    return SIM_OK;
}

/* Generation codes drawn from the mix of each agent's level. */
static int org_generations(const scenario *scn, sim_network *net, rng_key key, sim_error *err)
{
    const double *share[NET_GENERATIONS];
    int len[NET_GENERATIONS];
    for (int g = 0; g < NET_GENERATIONS; g++)
        share[g] = scenario_list(scn, network_generation_keys[g], &len[g]);
    double *cum = malloc((size_t)net->n_levels * NET_GENERATIONS * sizeof *cum);
    int *last = malloc((size_t)net->n_levels * sizeof *last);
    if (!cum || !last) {
        free(cum);
        free(last);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (int32_t l = 0; l < net->n_levels; l++) {
        double sum = 0;
        last[l] = 0;
        for (int g = 0; g < NET_GENERATIONS; g++) {
            double s = len[g] > 0 ? share[g][l < len[g] ? l : len[g] - 1] : 0;
            sum += s;
            cum[(size_t)l * NET_GENERATIONS + (size_t)g] = sum;
            if (s > 0) last[l] = g;
        }
    }
    for (int32_t i = 0; i < net->n; i++) {
        int32_t l = net->level[i];
        const double *c = cum + (size_t)l * NET_GENERATIONS;
        double u = rng_uniform(key, (uint32_t)i, 0, NET_PURPOSE_GENERATION);
        int g = 0;
        while (g < NET_GENERATIONS && !(u < c[g])) g++;
        net->generation[i] = (int8_t)(g < NET_GENERATIONS ? g : last[l]);
    }
    free(cum);
    free(last);
    return SIM_OK;
}

/* The peer-tie settings of the scenario. */
static void org_plan_init(org_plan *p, const scenario *scn, uint32_t seed, int32_t n)
{
    memset(p, 0, sizeof *p);
    p->n = n;
    p->key = rng_key_make(seed, 0);
    p->peer_mean = scenario_double(scn, "organization.peer_ties") / 2;
    p->block = strcmp(scenario_string(scn, "organization.peer_structure"), "block") == 0;
    p->within = scenario_double(scn, "organization.peer_within_department");
    p->cap = scenario_int(scn, "organization.teammate_ties");
}

/* Fill row and col of an organization whose tree (manager, n_levels) is in
 * net: each agent is tied to its manager, its teammates and its peers. */
static int org_ties(sim_network *net, org_plan *p, sim_error *err)
{
    int32_t n = p->n;
    int32_t *dept = NULL;
    org_depts depts = {0};
    peer_batch batch;
    int st = SIM_OK;
    if (peer_batch_init(&batch, p)) {
        st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %d agents", (int)n);
        goto done;
    }
    if ((st = network_alloc_row(net, err))) goto done;
    if (p->block && p->peer_mean > 0 && n > 1) {
        if (org_departments(p, net->manager, net->n_levels, &dept, &depts)) {
            st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto done;
        }
        p->dept = dept;
        p->depts = &depts;
    }

    /* The largest team over the cap sets the shuffle's workspace. */
    int64_t largest = 0;
    if (p->team_at) {
        for (int32_t t = 0; t < net->n_teams; t++)
            if (p->team_at[t + 1] - p->team_at[t] > largest) largest = p->team_at[t + 1] - p->team_at[t];
    } else {
        largest = p->span < n ? p->span : n;
    }
    if (largest - 1 > p->cap && !(p->order = malloc((size_t)largest * sizeof *p->order))) {
        st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }

    /* Count the reporting line and teammates (directly: teams over the cap
     * by org_capped_teams), then the peer ties. */
    int64_t *row = net->row;
    for (int32_t i = 0; i < n; i++) {
        int64_t first, last;
        org_reports(p, i, &first, &last);
        if (last >= first) row[i] += last - first + 1;
        if (p->team_at) {
            int32_t t = net->team[i];
            int64_t mates = p->team_at[t + 1] - p->team_at[t] - 1;
            row[i] += (i > 0) + (mates <= p->cap ? mates : 0);
        } else if (i > 0) {
            org_reports(p, net->manager[i], &first, &last);
            row[i] += 1 + (last - first <= p->cap ? last - first : 0); /* manager + teammates */
        }
    }
    org_capped_teams(p, net, row, NULL);
    for (int fill = 0; fill <= 1; fill++) {
        if (fill) {
            network_counts_to_starts(row, n);
            if ((st = network_alloc_col(net, err))) goto done;
            /* Store the same ties: each agent its manager and the teammates after it. */
            int32_t *col = net->col;
            for (int32_t i = 1; i < n; i++) {
                int32_t m = net->manager[i];
                col[row[i]++] = m;
                col[row[m]++] = i;
                if (p->team_at) continue;
                int64_t first, last;
                org_reports(p, m, &first, &last);
                if (last - first > p->cap) continue; /* a capped team */
                for (int64_t j = i + 1; j <= last; j++) {
                    col[row[i]++] = (int32_t)j;
                    col[row[j]++] = i;
                }
            }
            for (int32_t t = 0; p->team_at && t < net->n_teams; t++) {
                if (p->team_at[t + 1] - p->team_at[t] - 1 > p->cap) continue;
                for (int64_t a = p->team_at[t]; a < p->team_at[t + 1]; a++)
                    for (int64_t b = a + 1; b < p->team_at[t + 1]; b++) {
                        int32_t x = p->team_member[a], y = p->team_member[b];
                        col[row[x]++] = y;
                        col[row[y]++] = x;
                    }
            }
            org_capped_teams(p, net, row, col);
        }
        for (int32_t i0 = 0; p->peer_mean > 0 && n > 1 && i0 < n; i0 += batch.per) {
            int32_t i1 = n - i0 > batch.per ? i0 + batch.per : n;
            int64_t len = peer_batch_fill(&batch, p, i0, i1);
            if (len < 0) {
                st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
                goto done;
            }
            network_ties_apply(row, net->col, batch.u, batch.v, len, fill);
        }
    }
    network_ends_to_starts(row, n);
    network_csr_finish(net);

done:
    p->dept = NULL;
    p->depts = NULL;
    free(p->order);
    p->order = NULL;
    free(dept);
    org_depts_free(&depts);
    peer_batch_free(&batch);
    return st;
}

int network_build_organization(const scenario *scn, uint32_t seed, sim_network **out,
                               sim_error *err)
{
    org_plan p;
    org_plan_init(&p, scn, seed, (int32_t)scenario_int(scn, "network.agents"));
    p.span = scenario_int(scn, "organization.span");

    int32_t n = p.n, n_levels = org_levels(n, p.span);
    if (n_levels == 0)
        return scenario_error(scn, "organization.span", err,
                              "an organization of %d agents with span %lld is more than %d "
                              "levels deep", (int)n, (long long)p.span, NET_MAX_LEVELS);

    int st = SIM_OK;
    sim_network *net = network_new(n, "organization");
    if (!net) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    net->manager = malloc((size_t)n * sizeof *net->manager);
    net->level = malloc((size_t)n * sizeof *net->level);
    net->generation = malloc((size_t)n * sizeof *net->generation);
    net->team = malloc((size_t)n * sizeof *net->team);
    if (!net->manager || !net->level || !net->generation || !net->team) {
        st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %d agents", (int)n);
        goto done;
    }

    /* Tree: manager of i is (i-1)/span; team of i is 1 + its manager (team 0:
     * the chief officer alone). */
    for (int32_t i = 0; i < n; i++) {
        int32_t m = i == 0 ? -1 : (int32_t)((i - 1) / p.span);
        net->manager[i] = m;
        net->level[i] = (int16_t)(m < 0 ? 0 : net->level[m] + 1);
        net->team[i] = m + 1;
    }
    net->n_levels = n_levels;
    net->n_teams = n > 1 ? (int32_t)((n - 2) / p.span + 2) : 1;
    /* names: the team numbers; departments: the chief officer alone (0)
     * and the branch of each level-1 head, numbered (and named) by the
     * head's agent number */
    net->n_departments = (int32_t)(1 + (n - 1 < p.span ? n - 1 : p.span));
    net->department = malloc((size_t)n * sizeof *net->department);
    net->team_names = network_names_numbered(net->n_teams);
    net->department_names = network_names_numbered(net->n_departments);
    if (!net->department || !net->team_names || !net->department_names) {
        st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %d agents", (int)n);
        goto done;
    }
    for (int32_t i = 0; i < n; i++) {
        int32_t m = net->manager[i];
        net->department[i] = m <= 0 ? i : net->department[m];
    }
    if ((st = org_generations(scn, net, p.key, err))) goto done;
    st = org_ties(net, &p, err);

done:
    if (st) {
        network_free(net);
        return st;
    }
    *out = net;
    return SIM_OK;
}

/* An organization read from an org-chart CSV (orgchart.c), tied as a
 * generated one: reporting line, teammates and peer ties. */
int network_build_orgchart(const scenario *scn, uint32_t seed, sim_network **out, sim_error *err)
{
    char *path = scenario_resolve_path(scn->file, scenario_string(scn, "network.file"));
    if (!path) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    sim_network *net = NULL;
    int st = orgchart_read(path, &net, err);
    free(path);
    if (st) return st;

    int32_t n = net->n;
    int32_t *reports_at = calloc((size_t)n + 1, sizeof *reports_at);
    int64_t *team_at = calloc((size_t)net->n_teams + 1, sizeof *team_at);
    int32_t *team_member = malloc((size_t)n * sizeof *team_member);
    if (!reports_at || !team_at || !team_member) {
        st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %d agents", (int)n);
        goto done;
    }
    /* Breadth-first ids: the reports of m follow those of m-1. */
    for (int32_t i = 1; i < n; i++) reports_at[net->manager[i] + 1]++;
    reports_at[0] = 1;
    for (int32_t m = 0; m < n; m++) reports_at[m + 1] += reports_at[m];
    /* Team members in id order. */
    for (int32_t i = 0; i < n; i++) team_at[net->team[i] + 1]++;
    for (int32_t t = 0; t < net->n_teams; t++) team_at[t + 1] += team_at[t];
    for (int32_t i = 0; i < n; i++) team_member[team_at[net->team[i]]++] = i;
    for (int32_t t = net->n_teams; t > 0; t--) team_at[t] = team_at[t - 1];
    team_at[0] = 0;

    org_plan p;
    org_plan_init(&p, scn, seed, n);
    p.reports_at = reports_at;
    p.team_at = team_at;
    p.team_member = team_member;
    st = org_ties(net, &p, err);

done:
    free(reports_at);
    free(team_at);
    free(team_member);
    if (st) {
        network_free(net);
        return st;
    }
    *out = net;
    return SIM_OK;
}
