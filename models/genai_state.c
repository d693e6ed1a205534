/* genai_state.c: the genai model's state: allocating and freeing the
 * world's arrays, the observation tallies and the interventions' states
 * (genai_alloc, genai_free), and resetting them at the start of each
 * replicate (genai_init), which draws each agent's traits and initial
 * attitude. */
#include "genai.h"
#include "genai_internal.h"
#include "intervention.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "memory.h"
#include "parallel.h"

#include <omp.h>

void genai_free(void *state)
{
    genai_state *s = state;
    if (!s) return;
    for (int i = 0; i < s->n_iv; i++) s->iv[i]->free(s->iv_state[i]);
    free(s->arrays);
    free(s->staff);
    free(s->leaders_in);
    free(s->cell_hist);
    free(s->changed);
    free(s->said_at);
    free(s->tanh_said);
    free(s->saved);
    free(s->saved_factor);
    free(s->hourly);
    free(s->saved_week);
    free(s->saved_total);
    free(s->w.staff_hours);
    free(s->suit);
    free(s->staff0);
    free(s->leaders0);
    free(s->leavers);
    free(s->hires);
    free(s->hires_regular);
    free(s->leave_hazard);
    free(s->team_skill);
    free(s->team_size);
    free(s->seen_delta);
    free(s);
}

/* Where the next array of `bytes` goes in the state's one allocation: at
 * the next cache line, so that blocks of BLOCK agents never share a line
 * between threads.  With base NULL only *off advances (the sizing pass). */
static void *place(char *base, size_t *off, size_t bytes)
{
    size_t at = (*off + 63) / 64 * 64;
    *off = at + bytes;
    return base ? base + at : NULL;
}

/* Lay the per-agent arrays and the per-block tallies out from base (with
 * base NULL, only size them); returns the bytes they take.  One
 * allocation: large ones come in huge pages (memory.h), whose first touch
 * is cheap. */
static size_t state_layout(genai_state *s, char *base, size_t n)
{
    genai_world *w = &s->w;
    size_t off = 0;
    for (int t = 0; t < GENAI_TRAITS; t++) w->trait[t] = place(base, &off, n * sizeof *w->trait[t]);
    w->access = place(base, &off, n * sizeof *w->access);
    w->attitude = place(base, &off, n * sizeof *w->attitude);
    w->skill = place(base, &off, n * sizeof *w->skill);
    w->habit = place(base, &off, n * sizeof *w->habit);
    w->history = place(base, &off, n * sizeof *w->history);
    w->shown = place(base, &off, n * sizeof *w->shown);
    w->failures = place(base, &off, n * sizeof *w->failures);
    w->disillusioned = place(base, &off, n * sizeof *w->disillusioned);
    w->roles = place(base, &off, n * sizeof *w->roles);
    w->today = place(base, &off, n * sizeof *w->today);
    w->nudge = place(base, &off, n * sizeof *w->nudge);
    w->endorse = place(base, &off, n * sizeof *w->endorse);
    w->recovery = place(base, &off, n * sizeof *w->recovery);
    w->simplify = place(base, &off, n * sizeof *w->simplify);
    w->need = place(base, &off, n * sizeof *w->need);
    w->conceal = place(base, &off, n * sizeof *w->conceal);
    w->uses = place(base, &off, n * sizeof *w->uses);
    w->valuable_uses = place(base, &off, n * sizeof *w->valuable_uses);
    w->version_used = place(base, &off, n * sizeof *w->version_used);
    w->person = place(base, &off, n * sizeof *w->person);
    w->hired_day = place(base, &off, n * sizeof *w->hired_day);
    w->onboard_until = place(base, &off, n * sizeof *w->onboard_until);
    w->generation = place(base, &off, n * sizeof *w->generation);
    w->voice = place(base, &off, n * sizeof *w->voice);
    w->n_reports = place(base, &off, n * sizeof *w->n_reports);
    s->vis = place(base, &off, n * sizeof *s->vis);
    s->seen = place(base, &off, n * sizeof *s->seen);
    s->leaders = place(base, &off, n * sizeof *s->leaders);
    s->discount_at = place(base, &off, n * sizeof *s->discount_at);
    s->discount = place(base, &off, n * sizeof *s->discount);
    s->tally_cell = place(base, &off, n * sizeof *s->tally_cell);
    s->changers = place(base, &off, n * sizeof *s->changers);
    s->deg = place(base, &off, n * sizeof *s->deg);
    s->counts = place(base, &off, (size_t)s->n_blocks * s->count_stride * sizeof *s->counts);
    s->sums = place(base, &off, (size_t)s->n_blocks * s->sum_stride * sizeof *s->sums);
    return off;
}

size_t genai_bytes_per_agent(const scenario *scn)
{
    (void)scn; /* the arrays do not depend on the parameters */
    genai_state s;
    memset(&s, 0, sizeof s);
    /* the per-agent arrays of the layout (no blocks: the per-block tallies
     * are not per agent), and the per-leader ones counted per agent */
    const size_t n = 4096;
    /* and, for a run on the team, a buffer of pushed peer-count changes
     * per thread but the first (seen_delta) */
    const size_t deltas = (size_t)(omp_get_max_threads() - 1) * sizeof *s.seen_delta;
    return state_layout(&s, NULL, n) / n + sizeof *s.said_at + sizeof *s.tanh_said + deltas;
}

int genai_alloc(const sim_context *ctx, void **state, sim_error *err)
{
    const sim_network *net = ctx->net;
    if (!net->manager || !net->level || !net->generation)
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, "network.type",
                             "the genai model needs an organization (manager, level, generation)");
    if (net->n_levels > 64)
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, "organization.span",
                             "the organization is %d levels deep; the genai model reports at most 64",
                             (int)net->n_levels);
    genai_state *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    genai_params_read(ctx->scn, &s->par);
    genai_logistic_table_fill(s->logistic);
    genai_world *w = &s->w;
    const size_t n = (size_t)net->n;
    w->net = net;
    w->par = &s->par;
    w->n = net->n;
    s->n_blocks = (int32_t)((n + BLOCK - 1) / BLOCK);
    s->parallel = net->n >= sim_parallel_min();
    s->n_cells = NET_GENERATIONS * net->n_levels;
    /* each block's tallies on whole cache lines of their own */
    s->count_stride = ((size_t)s->n_cells * TALLY_SLOTS + 15) / 16 * 16;
    s->sum_stride = ((size_t)s->n_cells * N_SUMS + 7) / 8 * 8;
    s->arrays = sim_calloc_large(state_layout(s, NULL, n), 1);
    int ok = s->arrays != NULL;
    if (ok && s->parallel) {
        /* one buffer of peer-count changes per thread: pushes without atomics */
        s->n_delta = omp_get_max_threads();
        ok = (s->seen_delta = calloc((size_t)(s->n_delta > 1 ? s->n_delta - 1 : 1) * n, sizeof *s->seen_delta)) !=
             NULL;
    }
    if (ok) state_layout(s, s->arrays, n);
    ok &= (s->changed = calloc((size_t)s->n_blocks, sizeof *s->changed)) != NULL;
    ok &= (s->staff = calloc((size_t)s->n_cells, sizeof *s->staff)) != NULL;
    ok &= (s->leaders_in = calloc((size_t)s->n_cells, sizeof *s->leaders_in)) != NULL;
    ok &= (s->cell_hist = calloc((size_t)s->n_cells * TALLY_SLOTS, sizeof *s->cell_hist)) != NULL;
    s->saved_stride = ((size_t)s->n_cells + 7) / 8 * 8;
    ok &= (s->saved = calloc((size_t)s->n_blocks * s->saved_stride, sizeof *s->saved)) != NULL;
    ok &= (s->saved_factor = calloc((size_t)s->n_cells, sizeof *s->saved_factor)) != NULL;
    ok &= (s->hourly = calloc((size_t)s->n_cells, sizeof *s->hourly)) != NULL;
    ok &= (s->saved_week = calloc(7 * (size_t)s->n_cells, sizeof *s->saved_week)) != NULL;
    ok &= (s->saved_total = calloc((size_t)s->n_cells, sizeof *s->saved_total)) != NULL;
    ok &= (w->staff_hours = calloc((size_t)s->n_cells, sizeof *w->staff_hours)) != NULL;
    if (!ok) {
        genai_free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %zu staff", n);
    }
    for (size_t i = 0; i < n; i++) {
        if (net->manager[i] >= 0) w->n_reports[net->manager[i]]++;
        s->deg[i] = (int32_t)network_degree(net, (int32_t)i);
    }
    for (int32_t i = 0; i < w->n; i++)
        if (w->n_reports[i] > 0) s->leaders[s->n_leaders++] = i;
    s->said_at = calloc((size_t)s->n_leaders + 1, sizeof *s->said_at);
    s->tanh_said = calloc((size_t)s->n_leaders + 1, sizeof *s->tanh_said);
    if (!s->said_at || !s->tanh_said) {
        genai_free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %zu staff", n);
    }
    for (int32_t i = 0; i < w->n; i++) {
        int32_t cell = net->generation[i] * net->n_levels + net->level[i];
        s->staff[cell]++;
        s->leaders_in[cell] += w->n_reports[i] > 0;
        s->tally_cell[i] = (uint16_t)(2 * cell + (w->n_reports[i] > 0)); /* cells < 4 x 64 */
    }
    /* turnover: day-0 staff by cell, the tallies, each cell's daily chance
     * of leaving (a month is 30.44 days) */
    const size_t cells = (size_t)s->n_cells;
    ok = (s->staff0 = calloc(cells, sizeof *s->staff0)) != NULL;
    ok &= (s->leaders0 = calloc(cells, sizeof *s->leaders0)) != NULL;
    ok &= (s->leavers = calloc(cells, sizeof *s->leavers)) != NULL;
    ok &= (s->hires = calloc(cells, sizeof *s->hires)) != NULL;
    ok &= (s->hires_regular = calloc(cells, sizeof *s->hires_regular)) != NULL;
    ok &= (s->leave_hazard = calloc(2 * cells, sizeof *s->leave_hazard)) != NULL;
    ok &= (s->team_skill = calloc((size_t)net->n_teams + 1, sizeof *s->team_skill)) != NULL;
    ok &= (s->team_size = calloc((size_t)net->n_teams + 1, sizeof *s->team_size)) != NULL;
    if (!ok) {
        genai_free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %zu staff", n);
    }
    memcpy(s->staff0, s->staff, cells * sizeof *s->staff);
    memcpy(s->leaders0, s->leaders_in, cells * sizeof *s->leaders_in);
    for (int g = 0; g < NET_GENERATIONS; g++)
        for (int32_t l = 0; l < net->n_levels; l++) {
            const param_list *lf = &s->par.leave_level;
            const double month = s->par.leave_gen.v[g] * lf->v[l < lf->n ? l : lf->n - 1];
            const double behind = month * s->par.left_behind_factor;
            double *h = s->leave_hazard + 2 * (size_t)(g * net->n_levels + l);
            h[0] = 1 - pow(1 - (month < 1 ? month : 1), 1 / 30.44);
            h[1] = 1 - pow(1 - (behind < 1 ? behind : 1), 1 / 30.44);
        }
    /* each department's task suitability (1 unless listed) */
    if (!(s->suit = calloc((size_t)(net->department ? net->n_departments : 0) + 1, sizeof *s->suit))) {
        genai_free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %zu staff", n);
    }
    for (int32_t d = 0; net->department && d < net->n_departments; d++) s->suit[d] = 1;
    s->suit[net->department ? net->n_departments : 0] = 1;
    genai_suitability suit;
    int src = genai_suitability_read(ctx->scn, net, &suit, err);
    for (int32_t j = 0; !src && j < suit.n; j++)
        for (int32_t d = 0; d < net->n_departments; d++)
            if (strcmp(net->department_names[d], suit.names[j]) == 0) s->suit[d] = suit.share[j];
    genai_suitability_free(&suit);
    if (src) {
        genai_free(s);
        return src;
    }
    /* each cell's novice gain and hourly cost (a list by level: its last
     * value repeats below) */
    const genai_params *p = &s->par;
    for (int g = 0; g < NET_GENERATIONS; g++)
        for (int32_t l = 0; l < net->n_levels; l++) {
            const int nl = p->saved_level.n, nh = p->hourly_cost.n;
            s->saved_factor[g * net->n_levels + l] = p->saved_gen.v[g] * p->saved_level.v[l < nl ? l : nl - 1];
            s->hourly[g * net->n_levels + l] = p->hourly_cost.v[l < nh ? l : nh - 1];
        }

    for (int i = 0; genai_interventions[i]; i++) {
        iv_common c;
        iv_common_bind(ctx->scn, genai_interventions[i], &c);
        if (!c.enabled) continue;
        int rc = genai_interventions[i]->alloc(ctx->scn, w, &s->iv_state[s->n_iv], err);
        if (rc) {
            genai_free(s);
            return rc;
        }
        s->iv[s->n_iv++] = genai_interventions[i];
    }
    *state = s;
    return SIM_OK;
}

/* A standard normal from one uniform (inversion). */
static double normal_from(double u)
{
    return gsl_cdf_ugaussian_Pinv(u > 0 ? u : 0x1.0p-53);
}

static void draw_person(genai_state *s, rng_key key, int32_t i, uint32_t who, int g)
{
    genai_world *w = &s->w;
    const genai_params *p = &s->par;
    uint32_t u[8];
    rng_words(key, who, 0, DRAW_TRAITS, 0, u);
    rng_words(key, who, 0, DRAW_TRAITS, 1, u + 4);
    const int l = w->net->level[i];
    for (int t = 0; t < GENAI_TRAITS; t++) {
        int nl = p->trait_level[t].n;
        double shift = p->trait_level[t].v[l < nl ? l : nl - 1];
        double z = normal_from(rng_u01_from_word(u[t]));
        w->trait[t][i] = (float)(p->trait_gen[t].v[g] + shift + p->trait_sd[t] * z);
    }
    w->attitude[i] = (float)(p->attitude0 + p->attitude_sd * normal_from(rng_u01_from_word(u[5])));
    /* task suitability: the department's share times a logit-normal draw
     * around need_median (median 1: everyone's work suits it every day) */
    const double dept = w->net->department ? s->suit[w->net->department[i]] : 1;
    double need = 1;
    if (p->need_median < 1) {
        const double m = p->need_median > 0 ? p->need_median : 1e-9;
        need = 1 / (1 + exp(-(log(m / (1 - m)) + p->need_sd * normal_from(rng_u01_from_word(u[6])))));
    }
    w->need[i] = (float)(dept * need);
    /* concealment is a disposition of the person, not a coin per use */
    w->conceal[i] = (float)rng_u01_from_word(u[7]);
}

void genai_draw_person(genai_state *s, int32_t i, uint32_t who, int g)
{
    draw_person(s, s->w.key, i, who, g);
}

/* Agents i0..i1-1 at day 0: traits and initial attitude drawn, the rest
 * zero (genai_init). */
static void init_agents(genai_state *s, rng_key key, float skill0, int32_t i0, int32_t i1)
{
    genai_world *w = &s->w;
    const sim_network *net = w->net;
    for (int32_t i = i0; i < i1; i++) {
        draw_person(s, key, i, (uint32_t)i, net->generation[i]);
        w->person[i] = (uint32_t)i;
        w->hired_day[i] = -1;
        w->onboard_until[i] = 0;
        w->generation[i] = net->generation[i];
        w->access[i] = 0;
        w->skill[i] = skill0;
        w->habit[i] = 0;
        w->history[i] = w->shown[i] = 0;
        w->failures[i] = w->disillusioned[i] = w->roles[i] = w->today[i] = 0;
        w->nudge[i] = w->endorse[i] = w->recovery[i] = w->simplify[i] = 0;
        w->uses[i] = w->valuable_uses[i] = 0;
        w->version_used[i] = 0;
        w->voice[i] = 0;
        s->vis[i] = 0; /* nobody has used it: no tie seen using it */
        s->seen[i] = 0;
        s->discount_at[i] = NAN; /* equal to no value: computed on first use */
    }
}

void genai_init(void *state, const sim_context *ctx)
{
    genai_state *s = state;
    genai_world *w = &s->w;
    const genai_params *p = &s->par;
    w->key = ctx->key;
    w->day = 0;
    w->permission = p->permission0;
    w->frontier = p->frontier_level;
    w->version = 0;
    w->cost_dollars = w->cost_hours = 0;
    memset(w->staff_hours, 0, (size_t)s->n_cells * sizeof *w->staff_hours);
    memset(s->saved_week, 0, 7 * (size_t)s->n_cells * sizeof *s->saved_week);
    memset(s->saved_total, 0, (size_t)s->n_cells * sizeof *s->saved_total);
    /* turnover: day-0 staff in their cells again */
    const size_t cells = (size_t)s->n_cells;
    memcpy(s->staff, s->staff0, cells * sizeof *s->staff);
    memcpy(s->leaders_in, s->leaders0, cells * sizeof *s->leaders_in);
    memset(s->leavers, 0, cells * sizeof *s->leavers);
    memset(s->hires, 0, cells * sizeof *s->hires);
    memset(s->hires_regular, 0, cells * sizeof *s->hires_regular);
    s->n_hired = 0;
    s->recount = 0;
    if (p->turnover) {
        const sim_network *net = w->net;
        for (int32_t i = 0; i < w->n; i++)
            s->tally_cell[i] = (uint16_t)(2 * (net->generation[i] * net->n_levels + net->level[i]) +
                                          (w->n_reports[i] > 0));
    }
    s->tallied_day = -1;
    const float skill0 = (float)p->skill0;
    if (s->parallel) {
        #pragma omp parallel for schedule(static)
        for (int32_t b = 0; b < s->n_blocks; b++)
            init_agents(s, ctx->key, skill0, b * BLOCK, (b + 1) * BLOCK < w->n ? (b + 1) * BLOCK : w->n);
    } else {
        init_agents(s, ctx->key, skill0, 0, w->n);
    }
    /* history, shown and vis are all zero: nothing to push on day 1 */
    for (int32_t b = 0; b < s->n_blocks; b++) s->changed[b] = 0;
    for (int32_t k = 0; k < s->n_leaders; k++) s->said_at[k] = NAN; /* equal to no attitude: computed on first use */
    for (int i = 0; i < s->n_iv; i++) s->iv[i]->init(s->iv_state[i], w);
}
