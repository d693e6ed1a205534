/* genai_day.c: the daily pass of the generative-AI adoption model (step,
 * observe and the final per-agent table); the parameters are in genai.c, the
 * state in genai_state.c.
 *
 * Each day, in three passes over the staff:
 *   0. interventions act (serially, in list order): licences, prompts,
 *      permission, vanguard meetings, mentoring sessions, ...;
 *   1. signals: each agent reads yesterday's state of its ties (the share
 *      seen using it in the last 7 days; juniors' hidden use is invisible to
 *      seniors) and of its chain of managers (what they visibly do and what
 *      they say, weaker further up).  The counts of ties seen using it are
 *      kept up to date by the agents whose visible use changed (counted by
 *      the previous day's decisions); each leader's example is taken once,
 *      and the chain's signal once per team as pass 2 meets it;
 *   2. decisions: an agent with access uses the tool with probability
 *      logistic(intercept + attitude + habit + peers + leaders + permission
 *      + prompts - time pressure - expertise confidence + tech affinity);
 *      a use is a task whose complexity grows with ambition; success depends
 *      on skill against complexity; success raises attitude, skill and habit,
 *      failure lowers attitude and repeated failure disillusions.
 *      The same pass tallies the end of the day for observe().
 * Every draw comes from Philox keyed by (seed, replicate; agent, day,
 * purpose), so results do not depend on threads, and two scenarios that
 * differ only in an intervention share their draws.  docs/MODEL.md describes
 * the model in the ODD protocol with the parameter table.
 *
 * Threads (sim/parallel.h): below sim_parallel_min() staff each pass is a
 * plain call over all blocks (no OpenMP region: experiments run their many
 * small runs one per thread); above it a day is one OpenMP region (see
 * genai_step). */
#include "genai.h"
#include "genai_internal.h"

#include <math.h>
#include <string.h>

#include "parallel.h"

#include <omp.h>

/* 2 * (monthly + weekly) + regular, plus 6 for a leader (weekly and regular
 * users are monthly active, so 0..5 covers every case), plus 12 for a user
 * who hid a use from seniors in the last 30 days. */
static inline int activity_code(int monthly, int weekly, int regular, int leader, int hiding)
{
    return 2 * (monthly + weekly) + regular + 6 * leader + 12 * hiding;
}

/* The GENAI_* flags of today (3 bits), plus 8 with access, plus 16 when
 * disillusioned. */
static inline int day_code(uint8_t today, int access, int disillusioned)
{
    return (today & 7) | access << 3 | disillusioned << 4;
}

const sim_observable genai_observables[OBS_COUNT] = {
    {"staff", "staff", "agents", 1, 1, 0},
    {"with_access", "staff with a licence", "agents", 1, 1, 0},
    {"monthly_active", "used it at least once in the last 30 days", "agents", 1, 1, 0},
    {"weekly_active", "used it at least once in the last 7 days", "agents", 1, 1, 0},
    {"regular_users", "used it on at least regular_days of the last 28 days", "agents", 1, 1, 0},
    {"trialists", "monthly active but not regular users", "agents", 1, 1, 0},
    {"disillusioned", "stopped after repeated failure", "agents", 1, 1, 0},
    {"uses", "uses on this day", "uses", 1, 1, 0},
    {"valuable_uses", "successful uses on tasks of value on this day", "uses", 1, 1, 0},
    {"hidden_uses", "uses on this day hidden from seniors", "uses", 1, 1, 0},
    {"hiding_users", "users who hid at least one use from seniors in the last 30 days", "agents", 1, 1, 0},
    {"leaders", "staff with direct reports", "agents", 1, 1, 0},
    {"leaders_modelling", "leaders who used it in the last 7 days, in view of their team", "agents", 1, 1, 0},
    {"leaders_regular", "leaders who are regular users", "agents", 1, 1, 0},
    /* means of float32 state: stored as float32 */
    {"mean_attitude", "mean attitude (perceived usefulness)", "logit", 0, 1, 1},
    {"mean_skill", "mean skill", "1", 0, 1, 1},
    {"mean_habit", "mean habit strength (automaticity)", "1", 0, 1, 1},
    {"cost_dollars", "cumulative cost of the interventions", "dollars", 0, 0, 0},
    /* "staff_hours", not "hours": xarray would decode "hours" as a timedelta */
    {"cost_hours", "cumulative staff hours spent on the interventions", "staff_hours", 0, 0, 0},
    {"hours_saved_week", "net staff hours saved by uses in the last 7 days (failures and tasks beyond the "
     "frontier count as losses)", "staff_hours", 0, 1, 0},
    {"hours_saved", "net staff hours saved by uses since day 1", "staff_hours", 0, 1, 0},
    {"programme_hours", "staff hours spent on the interventions by participants in the group, cumulative",
     "staff_hours", 0, 1, 0},
    {"value_dollars", "cumulative value of the net hours saved, at the hourly cost of each user's level",
     "dollars", 0, 0, 0},
    {"cost_staff_dollars", "cumulative cost of the staff hours spent on the interventions, at the hourly cost "
     "of each participant's level", "dollars", 0, 0, 0},
    {"cost_total_dollars", "cumulative cost of the interventions: cost_dollars plus cost_staff_dollars",
     "dollars", 0, 0, 0},
    {"net_return_dollars", "value_dollars minus cost_total_dollars", "dollars", 0, 0, 0},
    {"leavers", "staff who left since day 1 (model.genai.turnover), by the leaver's generation and level", "agents",
     1, 1, 0},
    {"hires", "staff hired since day 1 to replace leavers, by the hire's generation and level", "agents", 1, 1, 0},
    {"hires_regular", "staff hired since day 1 who are regular users", "agents", 1, 1, 0},
};

static double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }

/* The daily draws compare a uniform u with logistic(x) (times a scale in
 * [0, 1]); exp() was a fifth of the run time.  A table of logistic() at
 * steps of 1/32 on [-16, 16] interpolated linearly is within
 * h^2/8 * max|logistic''| = (1/32)^2 / 8 * 0.0962 = 1.2e-5 of it, so every u
 * further than LOGISTIC_MARGIN from the interpolated value gets the same
 * answer as the exact comparison, and only the rare u within the margin
 * (about 4 in 100,000 draws) or an x off the table pays for exp().  The
 * decisions are exactly those of `u < logistic(x) * scale`.  The table's
 * size is in genai_internal.h (genai_state holds it). */
void genai_logistic_table_fill(double *table)
{
    for (int k = 0; k < LOGISTIC_POINTS; k++)
        table[k] = logistic(-LOGISTIC_RANGE + (double)k / LOGISTIC_STEPS);
}

/* Whether u < logistic(x) * scale, for 0 <= scale <= 1. */
static inline int below_logistic(const double *table, double u, double x, double scale)
{
    double t = (x + LOGISTIC_RANGE) * LOGISTIC_STEPS;
    if (t >= 0 && t < LOGISTIC_POINTS - 1) {
        int k = (int)t;
        double near = (table[k] + (t - k) * (table[k + 1] - table[k])) * scale;
        if (u < near - LOGISTIC_MARGIN) return 1;
        if (u >= near + LOGISTIC_MARGIN) return 0;
    }
    return u < logistic(x) * scale;
}

/* Whether an agent on level `level_i` sees the use that bits `vis` of a tie
 * on level `level_j` describe: a junior's use counts only if shown; peers'
 * and seniors' use is seen. */
static inline int seen_by(uint8_t vis, int level_j, int level_i)
{
    return level_j > level_i ? (vis & VIS_SHOWN) != 0 : (vis & VIS_USED) != 0;
}

/* The agents of block b are b * BLOCK .. block_end(n, b) - 1. */
static int32_t block_end(int32_t n, int32_t b)
{
    return (b + 1) * BLOCK < n ? (b + 1) * BLOCK : n;
}

/* How pass 1a brings the peer counts up to date (peer_mode). */
enum { PEERS_KEEP, PEERS_PUSH, PEERS_RECOUNT };

/* Recount the ties seen using it of every agent of block b, from scratch
 * (the full scan). */
static void recount_block(genai_state *s, int32_t b)
{
    const genai_world *w = &s->w;
    const sim_network *net = w->net;
    for (int32_t i = b * BLOCK; i < block_end(w->n, b); i++) {
        int32_t seen = 0;
        const int li = net->level[i];
        for (int64_t e = net->row[i]; e < net->row[i + 1]; e++) {
            int32_t j = net->col[e];
            seen += seen_by(visibility(w->history[j], w->shown[j]), net->level[j], li);
        }
        s->seen[i] = seen;
        s->vis[i] = visibility(w->history[i], w->shown[i]);
    }
}

/* Agent i, whose visibility went from `before` to `now`, tells its ties
 * (ties are stored in both directions, so i's row lists everyone who sees
 * i), adding to seen: s->seen, or on the team the thread's own buffer of
 * changes (s->seen_delta), which add_deltas adds in after the push, so no
 * two threads ever write the same counts.  Integer increments commute: the
 * counts are those of the full scan for any thread count and order. */
static void push_change(genai_state *s, int32_t *seen, int32_t i, uint8_t now, uint8_t before)
{
    const sim_network *net = s->w.net;
    const int16_t li = net->level[i];
    /* seen_by: a tie on a level above i's sees i's shown use, the others
     * any use; so the change is one of two deltas, the same for everyone
     * when both bits changed alike (then no levels are read) */
    const int32_t to_seniors = ((now & VIS_SHOWN) != 0) - ((before & VIS_SHOWN) != 0);
    const int32_t to_others = ((now & VIS_USED) != 0) - ((before & VIS_USED) != 0);
    const int64_t e0 = net->row[i], e1 = net->row[i + 1];
    if (to_seniors == to_others) {
        for (int64_t e = e0; e < e1; e++) seen[net->col[e]] += to_others;
    } else {
        for (int64_t e = e0; e < e1; e++) {
            int32_t j = net->col[e];
            seen[j] += to_others + (to_seniors - to_others) * (net->level[j] < li); /* no branch */
        }
    }
}

/* Each agent of block b whose visibility changed tells its ties (into
 * seen: see push_change). */
static void push_block(genai_state *s, int32_t *seen, int32_t b)
{
    const genai_world *w = &s->w;
    const int32_t *changers = s->changers + (size_t)b * BLOCK;
    for (int32_t k = 0; k < s->changed[b]; k++) {
        const int32_t i = changers[k];
        uint8_t now = visibility(w->history[i], w->shown[i]), before = s->vis[i];
        push_change(s, seen, i, now, before);
        s->vis[i] = now;
    }
}

/* Pass 1a decides how to bring the counts of ties seen using it (in the
 * last 7 days) up to date with yesterday's state.  Most days few agents
 * start or stop, so only they push the change to their ties; when many
 * changed, a full recount is cheaper.  Both give the counts of the full
 * scan.  The decision pass counted the changes block by block (nothing
 * else changes history or shown). */
static int peer_mode(const genai_state *s)
{
    int64_t changed = 0;
    for (int32_t b = 0; b < s->n_blocks; b++) changed += s->changed[b];
    return changed == 0 ? PEERS_KEEP : changed > s->w.n / 8 ? PEERS_RECOUNT : PEERS_PUSH;
}

/* Pass 1a on block b (pushes into seen: see push_change). */
static void peer_block(genai_state *s, int mode, int32_t b, int32_t *seen)
{
    if (mode == PEERS_RECOUNT) recount_block(s, b);
    else if (mode == PEERS_PUSH) push_block(s, seen, b);
}

/* After a push on a team of `team` threads: add the buffers of changes of
 * threads 1 .. team - 1 into the seen counts of block b's agents and clear
 * them for the next day (thread 0 pushed into seen itself). */
static void add_deltas(genai_state *s, int32_t b, int team)
{
    const size_t n = (size_t)s->w.n;
    int32_t *restrict seen = s->seen;
    const int32_t i0 = b * BLOCK, i1 = block_end(s->w.n, b);
    for (int t = 1; t < team; t++) {
        int32_t *restrict d = s->seen_delta + (size_t)(t - 1) * n;
        for (int32_t i = i0; i < i1; i++) seen[i] += d[i];
        memset(d + i0, 0, (size_t)(i1 - i0) * sizeof *d);
    }
}

/* Pass 1b: what staff see of their chain of managers.  First each leader's
 * own example (here, for leaders k0..k1-1 in s->leaders): visible use in the
 * last 7 days and what they say (tanh of attitude plus endorsement, within
 * -1..1).  The signal a manager's direct reports see, that example and those
 * of the managers above, is computed by the decision pass (chain_signal). */
static void leader_voices(genai_state *s, int32_t k0, int32_t k1)
{
    genai_world *w = &s->w;
    const genai_params *p = w->par;
    for (int32_t k = k0; k < k1; k++) {
        int32_t m = s->leaders[k];
        double models = (w->history[m] & 0x7fu) != 0;
        if (!(s->said_at[k] == w->attitude[m])) {
            s->said_at[k] = w->attitude[m];
            s->tanh_said[k] = tanh(w->attitude[m]);
        }
        double says = s->tanh_said[k] + w->endorse[m];
        says = says > 1 ? 1 : says < -1 ? -1 : says;
        w->voice[m] = (float)(p->leader_w_model * models + p->leader_w_say * says);
    }
}

/* What the decision pass reads of the model, copied once a day onto the
 * stack.  Stores to the byte arrays (today, failures, ...) may alias any
 * memory, so through pointers to the state the compiler reloads every array
 * pointer and coefficient after each of them; from a local copy whose
 * address never escapes it keeps them in registers. */
typedef struct day_ctx {
    genai_world w;               /* the world's arrays and climate (the arrays are shared) */
    genai_params p;
    sim_network net;
    const int32_t *seen;
    const uint8_t *vis;
    const int32_t *deg;
    const uint16_t *tally_cell;
    const double *logistic;
    float *discount_at;
    double *discount;
    int32_t *counts;             /* the tallies (genai_state.counts, .sums) */
    double *sums;
    double *saved;               /* genai_state.saved, saved_stride, saved_factor */
    size_t saved_stride;
    const double *saved_factor;
    int32_t n_cells;
    size_t count_stride, sum_stride;
    double permission_term;      /* w_permission * permission, the same for everyone */
    int32_t day;
} day_ctx;

static void day_ctx_make(const genai_state *s, int32_t day, day_ctx *d)
{
    d->w = s->w;
    d->p = s->par;
    d->w.par = &d->p;
    d->net = *s->w.net;
    d->w.net = &d->net;
    d->seen = s->seen;
    d->vis = s->vis;
    d->deg = s->deg;
    d->tally_cell = s->tally_cell;
    d->logistic = s->logistic;
    d->discount_at = s->discount_at;
    d->discount = s->discount;
    d->counts = s->counts;
    d->sums = s->sums;
    d->saved = s->saved;
    d->saved_stride = s->saved_stride;
    d->saved_factor = s->saved_factor;
    d->n_cells = s->n_cells;
    d->count_stride = s->count_stride;
    d->sum_stride = s->sum_stride;
    d->permission_term = s->par.w_permission * s->w.permission;
    d->day = day;
}

/* The divisor of agent i's attitude gains (see learning.expertise_discount). */
static double gain_discount(const day_ctx *d, int32_t i)
{
    const float expertise = d->w.trait[TRAIT_EXPERTISE][i];
    if (!(d->discount_at[i] == expertise)) {
        d->discount_at[i] = expertise;
        d->discount[i] = 1 + d->p.expertise_discount * exp(expertise) / 2;
    }
    return d->discount[i];
}

/* A use: the task tried, its success, and what the agent learns from it.
 * u holds the day's four words (u[0], the decision, is spent).  The net
 * minutes it saves are added to saved[cell of i] (the block's row).
 * Returns the GENAI_* flags of the day. */
static uint8_t use_tool(const day_ctx *d, int32_t i, const uint32_t u[4], double *saved)
{
    const genai_world *w = &d->w;
    const genai_params *p = &d->p;
    double c = p->task_complexity + w->trait[TRAIT_AMBITION][i] + p->task_spread * (rng_u01_from_word(u[1]) - 0.5);
    /* A check-in's compliance task (accountability sets simplify, 0
     * otherwise) is shrunk to `real` of its complexity and builds skill (here)
     * and habit (decide_agent) only in that proportion: done to report, not
     * to get work done. */
    const double real = 1 - w->simplify[i];
    c *= real;
    c = c < 0 ? 0 : c > 1 ? 1 : c;
    double skill = w->skill[i];
    /* beyond the tool's frontier (never with frontier.level 1: c <= 1) the
     * odds of success fall (Dell'Acqua et al. 2023) */
    const int beyond = c > w->frontier;
    double x = p->task_steepness * (skill - c) + p->tool_edge;
    if (beyond) x -= p->frontier_penalty;
    int success = below_logistic(d->logistic, rng_u01_from_word(u[2]), x, 1);
    int valuable = success && c >= p->value_threshold;
    /* time saved: a success saves minutes (more for novices: the cell's
     * factor), a compliance task only `real` of them; a failure wastes
     * minutes, and a task beyond the frontier loses more (errors to fix) */
    const int32_t cell = d->tally_cell[i] >> 1;
    double minutes = success ? (valuable ? p->minutes_valuable : p->minutes_trivial) * d->saved_factor[cell] * real
                             : -p->minutes_failure;
    if (beyond) minutes -= p->minutes_beyond;
    saved[cell] += minutes;
    /* open roles never hide; others are concealers (every use hidden) with
     * chance logistic(caution) while use is not permitted: a fixed draw per
     * person, so permission turns the least cautious concealers open first */
    int hidden = !(w->roles[i] & GENAI_ROLES_OPEN) &&
                 below_logistic(d->logistic, w->conceal[i], w->trait[TRAIT_CAUTION][i], 1 - w->permission);
    w->uses[i]++;
    w->valuable_uses[i] += valuable;
    w->version_used[i] = (uint8_t)w->version; /* practice on today's version */
    const float cap = (float)p->attitude_cap;
    if (success) {
        w->skill[i] = (float)(skill + real * p->learn_rate * (1 - skill));
        /* gains are never negative: at the cap they change nothing */
        if (w->attitude[i] < cap)
            w->attitude[i] += (float)((valuable ? p->gain_valuable : p->gain_trivial) / gain_discount(d, i));
        w->failures[i] = 0;
    } else {
        w->skill[i] = (float)(skill + real * 0.5 * p->learn_rate * (1 - skill));
        w->attitude[i] -= (float)p->loss_failure;
        if (w->failures[i] < 255) w->failures[i]++;
        if (w->failures[i] >= p->disillusion_after) w->disillusioned[i] = 1;
    }
    w->attitude[i] = w->attitude[i] > cap ? cap : w->attitude[i] < -cap ? -cap : w->attitude[i];
    return (uint8_t)(GENAI_USED | (valuable ? GENAI_VALUABLE : 0) | (hidden ? GENAI_HIDDEN : 0));
}

/* The signal the direct reports of manager m see of their chain of
 * managers: m's example (voice) and those of the managers above, each level
 * up weighted by leader_decay, over leader_reach levels. */
static float chain_signal(const day_ctx *d, int32_t m)
{
    double sig = 0, norm = 0, weight = 1;
    for (int r = 0; r < d->p.leader_reach && m >= 0; r++) {
        sig += weight * d->w.voice[m];
        norm += weight;
        weight *= d->p.leader_decay;
        m = d->net.manager[m];
    }
    return norm > 0 ? (float)(sig / norm) : 0.0f;
}

/* The chain signal of the last manager asked for: teams are consecutive
 * ids, so the decision pass computes it about once per team (and per
 * block), with no pass and no array of its own. */
typedef struct chain_cache {
    int32_t boss;                /* -1: none yet */
    float signal;
} chain_cache;

static float leader_signal(const day_ctx *d, chain_cache *c, int32_t boss)
{
    if (boss < 0) return 0.0f; /* the chief officer */
    if (boss != c->boss) {
        c->boss = boss;
        c->signal = chain_signal(d, boss);
    }
    return c->signal;
}

/* Log-odds that agent i uses it today. */
static double use_logit(const day_ctx *d, chain_cache *lead, int32_t i, float habit)
{
    const genai_world *w = &d->w;
    const genai_params *p = &d->p;
    /* share of ties seen using it; the signal from the chain of managers */
    int64_t deg = d->net.row[i + 1] - d->net.row[i];
    float peers = deg > 0 ? (float)d->seen[i] / (float)deg : 0.0f;
    float leaders = leader_signal(d, lead, d->net.manager[i]);
    return p->w_intercept + p->w_attitude * w->attitude[i] + p->w_habit * habit + p->w_peers * peers +
           p->w_leader * leaders + d->permission_term + p->w_nudge * w->nudge[i] -
           p->w_time * w->trait[TRAIT_TIME][i] - p->w_expertise * w->trait[TRAIT_EXPERTISE][i] +
           p->w_affinity * w->trait[TRAIT_AFFINITY][i] - p->w_first * (w->uses[i] == 0);
}

/* A disillusioned agent who tries again (decide_block) is no longer
 * disillusioned and starts with at least attitude_recovered. */
static void recover(const day_ctx *d, int32_t i)
{
    const genai_world *w = &d->w;
    w->disillusioned[i] = 0;
    w->failures[i] = 0;
    if (w->attitude[i] < d->p.attitude_recovered) w->attitude[i] = (float)d->p.attitude_recovered;
}

/* Used on how many days of the last 32 (bit k of history: k days ago). */
static int popcount32(uint32_t x)
{
    /* the classic bit-slicing count: __builtin_popcount is a libgcc call
     * without -mpopcnt, which we cannot assume on every machine */
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0fu;
    return (int)((x * 0x01010101u) >> 24);
}

/* A regular user: used it on at least regular_days of the last 28 days
 * (the regular_users observable and the per-agent table). */
static int is_regular(uint32_t history, int regular_days)
{
    return popcount32(history & 0x0fffffffu) >= regular_days;
}

/* The tallies of one cell of a block. */
static int32_t *cell_counts(int32_t *counts, size_t stride, int32_t b, int32_t cell)
{
    return counts + (size_t)b * stride + (size_t)cell * TALLY_SLOTS;
}

static double *cell_sums(double *sums, size_t stride, int32_t b, int32_t cell)
{
    return sums + (size_t)b * stride + (size_t)cell * N_SUMS;
}

/* Add agent i's state to its block's tallies: the block's histograms
 * start at bc, its sums at bs. */
static inline void tally_agent(const day_ctx *d, int32_t *bc, double *bs, int32_t i)
{
    const genai_world *w = &d->w;
    const uint16_t at = d->tally_cell[i];
    int32_t *c = bc + (size_t)(at >> 1) * TALLY_SLOTS;
    double *sum = bs + (size_t)(at >> 1) * N_SUMS;
    const uint32_t h = w->history[i];
    const uint8_t today = w->today[i];
    const int monthly = genai_used_within(h, 30), weekly = genai_used_within(h, 7);
    const int regular = is_regular(h, d->p.regular_days);
    const int hiding = genai_used_within(h & ~w->shown[i], 30); /* a use hidden from seniors in 30 days */
    c[activity_code(monthly, weekly, regular, at & 1, hiding)]++;
    c[ACTIVITY_SLOTS + day_code(today, w->access[i] != 0, w->disillusioned[i] != 0)]++;
    sum[OBS_ATTITUDE - OBS_ATTITUDE] += w->attitude[i];
    sum[OBS_SKILL - OBS_ATTITUDE] += w->skill[i];
    sum[OBS_HABIT - OBS_ATTITUDE] += w->habit[i];
}

/* Zero block b's tallies (the buffers are scratch, written even by observe()). */
static void block_clear(const day_ctx *d, int32_t b)
{
    memset(cell_counts(d->counts, d->count_stride, b, 0), 0, (size_t)d->n_cells * TALLY_SLOTS * sizeof *d->counts);
    memset(cell_sums(d->sums, d->sum_stride, b, 0), 0, (size_t)d->n_cells * N_SUMS * sizeof *d->sums);
}

/* Tally block b's agents as they are (observe before any step). */
static void tally_block(const day_ctx *d, int32_t b)
{
    int32_t *bc = cell_counts(d->counts, d->count_stride, b, 0);
    double *bs = cell_sums(d->sums, d->sum_stride, b, 0);
    block_clear(d, b);
    for (int32_t i = b * BLOCK; i < block_end(d->w.n, b); i++) tally_agent(d, bc, bs, i);
}

/* Pass 2 on block b: every agent decides and learns; the same pass tallies
 * the end of the day for observe(), which is called right after the step
 * (a separate pass over all the state cost a sixth of the run), and counts
 * the agents whose visibility changed for tomorrow's pass 1a.  Agents act
 * on their own state only, so a batch of RNG_BATCH agents goes in steps:
 * who may use it (a disillusioned agent who tries again recovers first:
 * that changes the attitude the decision reads), everyone's decision
 * (genai_batch.c), the uses of those who may and decide to, everyone's end
 * of the day (genai_batch.c), the tallies. */
static void decide_block(genai_state *s, const day_ctx *day, int32_t b)
{
    const day_ctx local = *day, *d = &local; /* see day_ctx */
    const genai_world *w = &d->w;
    const genai_params *p = &d->p;
    const int32_t n = w->n;
    chain_cache lead = {-1, 0.0f};
    int32_t changed = 0, *changers = s->changers + (size_t)b * BLOCK;
    int32_t *bc = cell_counts(d->counts, d->count_stride, b, 0);
    double *bs = cell_sums(d->sums, d->sum_stride, b, 0);
    double *saved = d->saved + (size_t)b * d->saved_stride;
    block_clear(d, b);
    memset(saved, 0, (size_t)d->n_cells * sizeof *saved);
    for (int32_t first = b * BLOCK; first < block_end(n, b); first += RNG_BATCH) {
        /* the day's words of the next RNG_BATCH agents, drawn together (BLOCK is a multiple) */
        uint32_t words[4][RNG_BATCH];
        rng_words_batch(w->key, (uint32_t)first, (uint32_t)d->day, DRAW_DAY, 0, words);
        const int32_t m = first + RNG_BATCH < n ? RNG_BATCH : n - first;
        uint8_t may[RNG_BATCH], code[RNG_BATCH], today[RNG_BATCH];
        genai_batch in = {w->attitude + first, w->habit + first, w->nudge + first, w->trait[TRAIT_TIME] + first,
                          w->trait[TRAIT_EXPERTISE] + first, w->trait[TRAIT_AFFINITY] + first, w->need + first,
                          w->uses + first, d->seen + first, d->deg + first, {0}, words[0]};
        for (int32_t j = 0; j < m; j++) {
            /* with a licence; a disillusioned agent tries again with a
             * small daily chance (word 1, which a use would otherwise
             * spend on the task) */
            const int32_t i = first + j;
            const int access = w->access[i] != 0, disillusioned = w->disillusioned[i] != 0;
            const int hopeful = !disillusioned;
            const int recovers =
                access & disillusioned & (rng_u01_from_word(words[1][j]) < p->recovery_rate + w->recovery[i]);
            if (recovers) recover(d, i);
            /* a hire in onboarding does not use it yet (onboard_until 0: never) */
            may[j] = (uint8_t)(access & (hopeful | recovers) & (d->day >= w->onboard_until[i]));
            in.lead[j] = leader_signal(d, &lead, d->net.manager[i]);
        }
        genai_batch_decisions(p, d->permission_term, d->logistic, &in, m, code);
        int32_t users[RNG_BATCH], n_users = 0;
        for (int32_t j = 0; j < m; j++) {
            int uses = code[j];
            if (uses == GENAI_BATCH_EXACT) /* rare: next to the table's error, or off it */
                uses = below_logistic(d->logistic, rng_u01_from_word(words[0][j]),
                                      use_logit(d, &lead, first + j, w->habit[first + j]), w->need[first + j]);
            users[n_users] = j;
            n_users += may[j] & uses;
            today[j] = 0;
        }
        for (int32_t k = 0; k < n_users; k++) {
            const int32_t j = users[k];
            const uint32_t u[4] = {words[0][j], words[1][j], words[2][j], words[3][j]};
            today[j] = use_tool(d, first + j, u, saved);
        }
        uint8_t differs[RNG_BATCH];
        const genai_batch_days days = {w->history + first, w->shown + first, w->habit + first,
                                       w->simplify + first, w->nudge + first, w->today + first,
                                       today, d->vis + first, differs};
        genai_batch_end_days(p, &days, m);
        int32_t slot[2 * RNG_BATCH], sum_at[RNG_BATCH];
        const genai_batch_tally tin = {w->history + first, w->shown + first, w->today + first, w->access + first,
                                       w->disillusioned + first, d->tally_cell + first};
        genai_batch_tally_slots(p->regular_days, &tin, m, slot, sum_at);
        for (int32_t j = 0; j < m; j++) {
            const int32_t i = first + j;
            bc[slot[j]]++;
            bc[slot[RNG_BATCH + j]]++;
            double *sum = bs + sum_at[j];
            sum[OBS_ATTITUDE - OBS_ATTITUDE] += w->attitude[i];
            sum[OBS_SKILL - OBS_ATTITUDE] += w->skill[i];
            sum[OBS_HABIT - OBS_ATTITUDE] += w->habit[i];
            changers[changed] = i; /* the list of tomorrow's pass 1a */
            changed += differs[j];
        }
    }
    s->changed[b] = changed;
}

/* Interventions act, serially in list order, then leaders' examples are
 * taken (pass 1b): what leaders say depends on what interventions did to
 * them. */
static void interventions_and_voices(genai_state *s, int32_t day)
{
    for (int i = 0; i < s->n_iv; i++) s->iv[i]->apply(s->iv_state[i], &s->w, day);
    leader_voices(s, 0, s->n_leaders);
}

/* Turnover (model.genai.turnover), first thing each day: each occupant
 * leaves with their cell's daily chance (higher when left behind: skill at
 * least left_behind.gap below their team's mean), drawn from (agent, day,
 * DRAW_TURNOVER); a hire of a generation drawn from hire_mix takes the
 * position at once, with a new person id (n + k), new traits, the
 * starting state of day 0, the position's seat and roles (a vanguard
 * member's or mentor's place is refilled by the hire), and no use for
 * onboarding_days.  A serial loop over the staff, in id order: the ids and
 * draws do not depend on threads.  When someone left, the peer signal is
 * recounted from scratch the same day (their visible use is gone). */
static void turnover(genai_state *s, int32_t day)
{
    const genai_params *p = &s->par;
    if (!p->turnover) return;
    genai_world *w = &s->w;
    const sim_network *net = w->net;
    const int32_t L = net->n_levels;
    const int behind = p->left_behind_factor != 1;
    if (behind) {
        memset(s->team_skill, 0, (size_t)net->n_teams * sizeof *s->team_skill);
        memset(s->team_size, 0, (size_t)net->n_teams * sizeof *s->team_size);
        for (int32_t i = 0; i < w->n; i++) {
            s->team_skill[net->team[i]] += w->skill[i];
            s->team_size[net->team[i]]++;
        }
    }
    double mix = 0;
    for (int g = 0; g < NET_GENERATIONS; g++) mix += p->hire_mix.v[g];
    for (int32_t i = 0; i < w->n; i++) {
        const int32_t cell = s->tally_cell[i] >> 1;
        const int32_t team = net->team[i];
        const int left_behind =
            behind && w->skill[i] <= s->team_skill[team] / s->team_size[team] - p->left_behind_gap;
        const double hazard = s->leave_hazard[2 * (size_t)cell + (size_t)left_behind];
        if (!(hazard > 0)) continue;
        uint32_t u[4];
        rng_words(w->key, (uint32_t)i, (uint32_t)day, DRAW_TURNOVER, 0, u);
        if (!(rng_u01_from_word(u[0]) < hazard)) continue;
        /* the hire's generation */
        double x = rng_u01_from_word(u[1]) * mix, acc = 0;
        int g = 0;
        for (; g < NET_GENERATIONS - 1; g++) {
            acc += p->hire_mix.v[g];
            if (x < acc && p->hire_mix.v[g] > 0) break;
        }
        while (p->hire_mix.v[g] <= 0) g--; /* the last weight is 0: the last generation with a weight */
        /* the leaver's roles: lost (every programme drops the position) or
         * refilled (the hire steps in); training is the person's, not the position's */
        if (p->turnover_roles == TURNOVER_LOST) {
            for (int k = 0; k < s->n_iv; k++)
                if (s->iv[k]->leave) s->iv[k]->leave(s->iv_state[k], w, i);
            w->roles[i] = 0;
        }
        w->roles[i] &= (uint8_t)~GENAI_ROLE_TRAINED;
        const int leader = w->n_reports[i] > 0;
        const int32_t to = g * L + net->level[i];
        s->leavers[cell]++;
        s->hires[to]++;
        s->staff[cell]--;
        s->staff[to]++;
        s->leaders_in[cell] -= leader;
        s->leaders_in[to] += leader;
        s->tally_cell[i] = (uint16_t)(2 * to + leader);
        const uint32_t who = (uint32_t)w->n + s->n_hired++;
        w->person[i] = who;
        w->hired_day[i] = day;
        w->onboard_until[i] = day + p->onboarding_days;
        w->generation[i] = (int8_t)g;
        genai_draw_person(s, i, who, g);
        w->skill[i] = (float)p->skill0;
        w->habit[i] = 0;
        w->history[i] = w->shown[i] = 0;
        w->failures[i] = w->disillusioned[i] = w->today[i] = 0;
        w->nudge[i] = w->endorse[i] = w->recovery[i] = w->simplify[i] = 0;
        w->uses[i] = w->valuable_uses[i] = 0;
        w->version_used[i] = (uint8_t)w->version; /* hired onto today's version */
        s->discount_at[i] = NAN;
        s->recount = 1;
    }
}

/* Hires who are regular users, by cell, at the end of the day. */
static void account_hires(genai_state *s)
{
    if (!s->par.turnover) return;
    const genai_world *w = &s->w;
    memset(s->hires_regular, 0, (size_t)s->n_cells * sizeof *s->hires_regular);
    for (int32_t i = 0; i < w->n; i++)
        if (w->hired_day[i] >= 0 && is_regular(w->history[i], s->par.regular_days))
            s->hires_regular[s->tally_cell[i] >> 1]++;
}

/* A new version of the tool on a release day (frontier.releases), before
 * anything else that day: the frontier rises by frontier.step (at most to
 * 1), tasks that were beyond it come within it, frontier.stale of
 * everyone's skill goes stale (practice on the old version), and
 * frontier.erosion of a positive expertise confidence erodes (the belief
 * that the tool cannot beat one's expertise was formed on the old version).
 * A plain loop over the staff, on release days only. */
static void release(genai_state *s, int32_t day)
{
    const genai_params *p = &s->par;
    genai_world *w = &s->w;
    int due = 0;
    for (int r = 0; r < p->releases.n; r++) due |= p->releases.v[r] == day;
    if (!due) return;
    w->version++;
    w->frontier = w->frontier + p->frontier_step > 1 ? 1 : w->frontier + p->frontier_step;
    const float keep = (float)(1 - p->frontier_stale);
    for (int32_t i = 0; i < w->n; i++) w->skill[i] *= keep;
    if (p->frontier_erosion > 0) {
        const float held = (float)(1 - p->frontier_erosion);
        float *expertise = w->trait[TRAIT_EXPERTISE];
        for (int32_t i = 0; i < w->n; i++)
            if (expertise[i] > 0) expertise[i] *= held;
    }
}

/* The day's net hours saved by cell, from the blocks' minutes in block
 * order: into the week's ring and the total since day 1. */
static void account_saved(genai_state *s, int32_t day)
{
    double *week = s->saved_week + (size_t)(day % 7) * (size_t)s->n_cells;
    for (int32_t c = 0; c < s->n_cells; c++) {
        double minutes = 0;
        for (int32_t b = 0; b < s->n_blocks; b++) minutes += s->saved[(size_t)b * s->saved_stride + (size_t)c];
        week[c] = minutes / 60;
        s->saved_total[c] += minutes / 60;
    }
}

/* One day.  Below sim_parallel_min() staff the passes are called directly,
 * one after the other, and no OpenMP region is entered.  Above it, one
 * region a day: one thread runs the interventions and takes the leaders'
 * examples while the others start pass 1a (which reads and writes nothing
 * they touch: interventions never change history or shown), then every
 * thread joins pass 1a; a barrier (and the adding in of the pushed
 * changes), then pass 2.  Blocks are handed out from both ends (sim_blocks:
 * each thread keeps to its half of the agents while the threads are even),
 * so a thread slowed by other load (or by the interventions) leaves its
 * share to the others.  The results are the same either way: blocks are
 * tallied separately and pushes are integer increments. */
void genai_step(void *state, const sim_context *ctx, int32_t day)
{
    genai_state *s = state;
    (void)ctx;
    s->w.day = day;
    turnover(s, day);
    release(s, day);
    const int peers = s->recount ? PEERS_RECOUNT : peer_mode(s);
    s->recount = 0;
    if (!s->parallel) {
        interventions_and_voices(s, day);
        for (int32_t b = 0; b < s->n_blocks; b++) peer_block(s, peers, b, s->seen);
        day_ctx d;
        day_ctx_make(s, day, &d);
        for (int32_t b = 0; b < s->n_blocks; b++) decide_block(s, &d, b);
    } else {
        /* no larger team than the buffers of pushed changes have room for */
        const int team = omp_get_max_threads() < s->n_delta ? omp_get_max_threads() : s->n_delta;
        sim_blocks_reset(&s->push_blocks, s->n_blocks);
        sim_blocks_reset(&s->decide_blocks, s->n_blocks);
        #pragma omp parallel num_threads(team)
        {
            #pragma omp single nowait
            interventions_and_voices(s, day);
            /* thread 0 pushes into seen, the others into buffers of their
             * own (no atomics), added in after */
            const int t = omp_get_thread_num();
            int32_t *mine = t == 0 ? s->seen : s->seen_delta + (size_t)(t - 1) * (size_t)s->w.n;
            for (int32_t b; (b = sim_blocks_next(&s->push_blocks, t)) >= 0;) peer_block(s, peers, b, mine);
            #pragma omp barrier
            if (peers == PEERS_PUSH && team > 1) {
                #pragma omp for schedule(static)
                for (int32_t b = 0; b < s->n_blocks; b++) add_deltas(s, b, team);
            }
            day_ctx d; /* one per thread, after the interventions (permission) */
            day_ctx_make(s, day, &d);
            for (int32_t b; (b = sim_blocks_next(&s->decide_blocks, t)) >= 0;) decide_block(s, &d, b);
        }
    }
    s->tallied_day = day;
    account_saved(s, day);
    account_hires(s);
}

/* Add the count observables of a histogram to count[OBS_*].  Staff and
 * leaders are fixed (s->staff, s->leaders_in); trialists are the monthly
 * active users who are not regular.  Written out slot by slot: the loop
 * over slots with the codes' conditions cost 600 instructions a call. */
static void expand_counts(const int32_t *hist, int64_t *count)
{
    /* activity codes (activity_code): 2 x (monthly + weekly) + regular + 6 x leader
     * (+ 12 for a hiding user: folded in here, counted apart) */
    int32_t a[12];
    for (int k = 0; k < 12; k++) {
        a[k] = hist[k] + hist[12 + k];
        count[OBS_HIDING] += hist[12 + k];
    }
    const int64_t weekly_staff = a[4] + a[5], weekly_leaders = a[10] + a[11];
    count[OBS_MONTHLY] += a[2] + a[3] + a[8] + a[9] + weekly_staff + weekly_leaders;
    count[OBS_WEEKLY] += weekly_staff + weekly_leaders;
    count[OBS_REGULAR] += a[1] + a[3] + a[5] + a[7] + a[9] + a[11];
    count[OBS_TRIALISTS] += a[2] + a[4] + a[8] + a[10];
    count[OBS_LEADERS_MODELLING] += weekly_leaders;
    count[OBS_LEADERS_REGULAR] += a[7] + a[9] + a[11];
    /* day codes (day_code) 8 r + c: c = today's GENAI_USED (1) | GENAI_VALUABLE (2)
     * | GENAI_HIDDEN (4), r = access + 2 x disillusioned */
    const int32_t *d = hist + ACTIVITY_SLOTS;
    int64_t row[4] = {0}, col[8] = {0};
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 8; c++) {
            row[r] += d[8 * r + c];
            col[c] += d[8 * r + c];
        }
    count[OBS_USES] += col[1] + col[3] + col[5] + col[7];
    count[OBS_VALUABLE] += col[2] + col[3] + col[6] + col[7];
    count[OBS_HIDDEN] += col[4] + col[5] + col[6] + col[7];
    count[OBS_ACCESS] += row[1] + row[3];
    count[OBS_DISILLUSIONED] += row[2] + row[3];
}

/* The observables of time saved and value (OBS_HOURS_WEEK ..
 * OBS_NET_RETURN): sums over cells in cell order, each cell priced at its
 * level's hourly cost. */
static void observe_value(const genai_state *s, int32_t L, double *values, double *by_generation,
                          double *by_level)
{
    static const int grouped[] = {OBS_HOURS_WEEK, OBS_HOURS_SAVED, OBS_PROGRAMME_HOURS};
    double total[3] = {0}, gen[3][NET_GENERATIONS], lev[3][64];
    memset(gen, 0, sizeof gen);
    memset(lev, 0, sizeof lev);
    double value = 0, staff_cost = 0;
    for (int g = 0; g < NET_GENERATIONS; g++)
        for (int32_t l = 0; l < L; l++) {
            const int32_t c = g * L + l;
            double week = 0;
            for (int k = 0; k < 7; k++) week += s->saved_week[(size_t)k * (size_t)s->n_cells + (size_t)c];
            const double v[3] = {week, s->saved_total[c], s->w.staff_hours[c]};
            for (int k = 0; k < 3; k++) {
                total[k] += v[k];
                gen[k][g] += v[k];
                if (l < 64) lev[k][l] += v[k];
            }
            value += s->saved_total[c] * s->hourly[c];
            staff_cost += s->w.staff_hours[c] * s->hourly[c];
        }
    for (int k = 0; k < 3; k++) {
        values[grouped[k]] = total[k];
        if (by_generation)
            for (int g = 0; g < NET_GENERATIONS; g++) by_generation[grouped[k] * NET_GENERATIONS + g] = gen[k][g];
        if (by_level)
            for (int32_t l = 0; l < L && l < 64; l++) by_level[(size_t)grouped[k] * (size_t)L + (size_t)l] = lev[k][l];
    }
    /* turnover's counts, by cell */
    static const int counted[] = {OBS_LEAVERS, OBS_HIRES, OBS_HIRES_REGULAR};
    const int64_t *by_cell[] = {s->leavers, s->hires, s->hires_regular};
    for (int k = 0; k < 3; k++) {
        int64_t all = 0, gen_n[NET_GENERATIONS] = {0}, lev_n[64] = {0};
        for (int g = 0; g < NET_GENERATIONS; g++)
            for (int32_t l = 0; l < L; l++) {
                const int64_t v = by_cell[k][g * L + l];
                all += v;
                gen_n[g] += v;
                if (l < 64) lev_n[l] += v;
            }
        values[counted[k]] = (double)all;
        if (by_generation)
            for (int g = 0; g < NET_GENERATIONS; g++) by_generation[counted[k] * NET_GENERATIONS + g] = (double)gen_n[g];
        if (by_level)
            for (int32_t l = 0; l < L && l < 64; l++) by_level[(size_t)counted[k] * (size_t)L + (size_t)l] = (double)lev_n[l];
    }
    values[OBS_VALUE] = value;
    values[OBS_COST_STAFF] = staff_cost;
    values[OBS_COST_TOTAL] = s->w.cost_dollars + staff_cost;
    values[OBS_NET_RETURN] = value - (s->w.cost_dollars + staff_cost);
}

void genai_observe(const void *state, const sim_context *ctx, double *values,
                   double *by_generation, double *by_level)
{
    const genai_state *s = state;
    const genai_world *w = &s->w;
    const int32_t L = ctx->net->n_levels;
    /* The step tallied the end of its day; otherwise (day 0) tally now. */
    if (s->tallied_day != w->day) {
        day_ctx d;
        day_ctx_make(s, w->day, &d);
        if (s->parallel) {
            #pragma omp parallel for schedule(static) firstprivate(d)
            for (int32_t b = 0; b < s->n_blocks; b++) tally_block(&d, b);
        } else {
            for (int32_t b = 0; b < s->n_blocks; b++) tally_block(&d, b);
        }
    }
    /* Counts add up exactly in integers; the sums are added block by block
     * in block order: the same values for any thread count. */
    int64_t count[OBS_ATTITUDE] = {0}, gen_count[NET_GENERATIONS][OBS_ATTITUDE], lev_count[64][OBS_ATTITUDE];
    double total[OBS_GROUPED] = {0}, gen[NET_GENERATIONS][OBS_GROUPED], lev[64][OBS_GROUPED];
    const int32_t levels = L < 64 ? L : 64;
    memset(gen_count, 0, sizeof gen_count);
    memset(lev_count, 0, (size_t)levels * sizeof lev_count[0]);
    memset(gen, 0, sizeof gen);
    memset(lev, 0, (size_t)levels * sizeof lev[0]);
    /* the histograms of all blocks, then the counts of each cell */
    const int32_t *hist = s->counts;
    if (s->n_blocks > 1) {
        int32_t *all = s->cell_hist;
        const size_t slots = (size_t)s->n_cells * TALLY_SLOTS;
        memcpy(all, s->counts, slots * sizeof *all);
        for (int32_t b = 1; b < s->n_blocks; b++) {
            const int32_t *h = cell_counts(s->counts, s->count_stride, b, 0);
            for (size_t k = 0; k < slots; k++) all[k] += h[k];
        }
        hist = all;
    }
    /* the histograms by generation, by level and of everyone (counts are
     * linear in them: expanding their sums is summing their expansions) */
    int32_t gen_hist[NET_GENERATIONS][TALLY_SLOTS], lev_hist[64][TALLY_SLOTS], all_hist[TALLY_SLOTS] = {0};
    memset(gen_hist, 0, sizeof gen_hist);
    memset(lev_hist, 0, (size_t)levels * sizeof lev_hist[0]);
    for (int g = 0; g < NET_GENERATIONS; g++)
        for (int32_t l = 0; l < levels; l++) {
            const int32_t *h = hist + (size_t)(g * L + l) * TALLY_SLOTS;
            for (int k = 0; k < TALLY_SLOTS; k++) {
                gen_hist[g][k] += h[k];
                lev_hist[l][k] += h[k];
            }
        }
    for (int g = 0; g < NET_GENERATIONS; g++) {
        for (int k = 0; k < TALLY_SLOTS; k++) all_hist[k] += gen_hist[g][k];
        expand_counts(gen_hist[g], gen_count[g]);
    }
    for (int32_t l = 0; l < levels; l++) expand_counts(lev_hist[l], lev_count[l]);
    expand_counts(all_hist, count);
    for (int32_t b = 0; b < s->n_blocks; b++)
        for (int g = 0; g < NET_GENERATIONS; g++)
            for (int32_t l = 0; l < L; l++) {
                const double *sum = cell_sums(s->sums, s->sum_stride, b, g * L + l);
                for (int k = OBS_ATTITUDE; k < OBS_GROUPED; k++) {
                    double v = sum[k - OBS_ATTITUDE];
                    total[k] += v;
                    gen[g][k] += v;
                    if (l < 64) lev[l][k] += v;
                }
            }
    /* the counts not tallied per agent */
    for (int g = 0; g < NET_GENERATIONS; g++)
        for (int32_t l = 0; l < L; l++) {
            int64_t staff = s->staff[g * L + l], leaders = s->leaders_in[g * L + l];
            count[OBS_STAFF] += staff;
            count[OBS_LEADERS] += leaders;
            gen_count[g][OBS_STAFF] += staff;
            gen_count[g][OBS_LEADERS] += leaders;
            if (l < 64) {
                lev_count[l][OBS_STAFF] += staff;
                lev_count[l][OBS_LEADERS] += leaders;
            }
        }
    for (int k = 0; k < OBS_ATTITUDE; k++) {
        total[k] = (double)count[k];
        for (int g = 0; g < NET_GENERATIONS; g++) gen[g][k] = (double)gen_count[g][k];
        for (int32_t l = 0; l < L && l < 64; l++) lev[l][k] = (double)lev_count[l][k];
    }
    for (int k = 0; k < OBS_GROUPED; k++) {
        int mean = k >= OBS_ATTITUDE;
        values[k] = mean ? (total[OBS_STAFF] > 0 ? total[k] / total[OBS_STAFF] : 0) : total[k];
        if (by_generation)
            for (int g = 0; g < NET_GENERATIONS; g++)
                by_generation[k * NET_GENERATIONS + g] =
                    mean ? (gen[g][OBS_STAFF] > 0 ? gen[g][k] / gen[g][OBS_STAFF] : NAN) : gen[g][k];
        if (by_level)
            for (int32_t l = 0; l < L && l < 64; l++)
                by_level[(size_t)k * (size_t)L + (size_t)l] =
                    mean ? (lev[l][OBS_STAFF] > 0 ? lev[l][k] / lev[l][OBS_STAFF] : NAN) : lev[l][k];
    }
    values[OBS_COST_DOLLARS] = w->cost_dollars;
    values[OBS_COST_HOURS] = w->cost_hours;
    observe_value(s, L, values, by_generation, by_level);
}

/* Which observables genai_observe_teams reports: those of the staff's state,
 * OBS_STAFF .. OBS_HABIT (not the cumulative hours, costs and turnover, kept
 * by generation and level only). */
const int8_t genai_team_observables[OBS_COUNT] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
_Static_assert(OBS_GROUPED == 17, "genai_team_observables lists OBS_STAFF .. OBS_HABIT");

/* The observables of the staff's state by team (genai_team_observables;
 * output.breakdowns: team): one pass over the agents in
 * agent order, counts added as whole numbers (exact in doubles) and the
 * means' sums in agent order, so the same for any thread count.  Each count
 * is what expand_counts reads off the codes of tally_agent, so the teams
 * add up to the totals of genai_observe (tests/test_output.c checks it). */
void genai_observe_teams(const void *state, const sim_context *ctx, double *by_team)
{
    const genai_state *s = state;
    const genai_world *w = &s->w;
    const sim_network *net = ctx->net;
    const size_t T = (size_t)net->n_teams;
    for (int k = 0; k < OBS_GROUPED; k++) memset(by_team + (size_t)k * T, 0, T * sizeof *by_team);
    for (int32_t i = 0; i < w->n; i++) {
        double *t = by_team + (size_t)net->team[i];
        const uint32_t h = w->history[i];
        const uint8_t today = w->today[i];
        const int leader = s->tally_cell[i] & 1, monthly = genai_used_within(h, 30), weekly = genai_used_within(h, 7);
        const int regular = is_regular(h, s->par.regular_days);
        t[OBS_STAFF * T] += 1;
        t[OBS_ACCESS * T] += w->access[i] != 0;
        t[OBS_MONTHLY * T] += monthly;
        t[OBS_WEEKLY * T] += weekly;
        t[OBS_REGULAR * T] += regular;
        t[OBS_TRIALISTS * T] += monthly && !regular;
        t[OBS_DISILLUSIONED * T] += w->disillusioned[i] != 0;
        t[OBS_USES * T] += (today & GENAI_USED) != 0;
        t[OBS_VALUABLE * T] += (today & GENAI_VALUABLE) != 0;
        t[OBS_HIDDEN * T] += (today & GENAI_HIDDEN) != 0;
        t[OBS_HIDING * T] += genai_used_within(h & ~w->shown[i], 30);
        t[OBS_LEADERS * T] += leader;
        t[OBS_LEADERS_MODELLING * T] += leader && weekly;
        t[OBS_LEADERS_REGULAR * T] += leader && regular;
        t[OBS_ATTITUDE * T] += w->attitude[i];
        t[OBS_SKILL * T] += w->skill[i];
        t[OBS_HABIT * T] += w->habit[i];
    }
    for (size_t j = 0; j < T; j++) {
        const double staff = by_team[OBS_STAFF * T + j];
        for (int k = OBS_ATTITUDE; k < OBS_GROUPED; k++)
            by_team[(size_t)k * T + j] = staff > 0 ? by_team[(size_t)k * T + j] / staff : NAN;
    }
}

/* ---- the final per-agent table (output.agents; AGENT_* in genai_internal.h) ---- */

const sim_agent_field genai_agent_fields[AGENT_FIELDS] = {
    {"access", "1: has a licence", "1", 1, 0},
    {"monthly_active", "1: used it in the last 30 days", "1", 1, 0},
    {"weekly_active", "1: used it in the last 7 days", "1", 1, 0},
    {"regular", "1: used it on at least regular_days of the last 28 days", "1", 1, 0},
    {"disillusioned", "1: stopped after repeated failure", "1", 1, 0},
    {"attitude", "perceived usefulness", "logit", 0, 1},
    {"skill", "skill with the tool, 0..1", "1", 0, 1},
    {"habit", "habit strength (automaticity), 0..1", "1", 0, 1},
    {"uses", "uses over the run", "uses", 1, 0},
    {"valuable_uses", "valuable uses over the run", "uses", 1, 0},
    {"vanguard", "1: AI vanguard member", "1", 1, 0},
    {"reverse_mentor", "1: reverse mentor (an adopter teaching a leader)", "1", 1, 0},
    {"reverse_mentee", "1: leader being reverse-mentored", "1", 1, 0},
    {"peer_mentor", "1: peer-to-peer mentor", "1", 1, 0},
    {"peer_mentee", "1: peer-to-peer mentee", "1", 1, 0},
    {"trained", "1: attended training", "1", 1, 0},
    {"tech_affinity", "trait: tech affinity", "logit", 0, 1},
    {"time_pressure", "trait: time pressure", "logit", 0, 1},
    {"expertise_confidence", "trait: expertise confidence", "logit", 0, 1},
    {"complexity_ambition", "trait: complexity ambition", "1", 0, 1},
    {"social_caution", "trait: social caution", "logit", 0, 1},
    {"person", "id of the position's occupant: the agent number for the staff of day 0, number of agents + k "
     "for the k-th hire (model.genai.turnover)", "1", 1, 0},
    {"hired_day", "day the occupant was hired (-1: on the staff at day 0)", "days", 1, 0},
    {"occupant_generation", "the occupant's generation (0 gen_z .. 3 boomer; a hire's may differ from "
     "agent_generation, the position's at day 0)", "1", 1, 0},
};

void genai_agent_values(const void *state, const sim_context *ctx, int field, double *out)
{
    const genai_world *w = &((const genai_state *)state)->w;
    static const uint8_t role_of[] = {GENAI_ROLE_VANGUARD, GENAI_ROLE_MENTOR, GENAI_ROLE_MENTEE,
                                      GENAI_ROLE_PEER_MENTOR, GENAI_ROLE_PEER_MENTEE, GENAI_ROLE_TRAINED};
    for (int32_t i = 0; i < ctx->net->n; i++) {
        uint32_t h = w->history[i];
        double v;
        switch (field) {
        case AGENT_ACCESS: v = w->access[i]; break;
        case AGENT_MONTHLY: v = genai_used_within(h, 30); break;
        case AGENT_WEEKLY: v = genai_used_within(h, 7); break;
        case AGENT_REGULAR: v = is_regular(h, w->par->regular_days); break;
        case AGENT_DISILLUSIONED: v = w->disillusioned[i]; break;
        case AGENT_ATTITUDE: v = w->attitude[i]; break;
        case AGENT_SKILL: v = w->skill[i]; break;
        case AGENT_HABIT: v = w->habit[i]; break;
        case AGENT_USES: v = w->uses[i]; break;
        case AGENT_VALUABLE: v = w->valuable_uses[i]; break;
        case AGENT_PERSON: v = w->person[i]; break;
        case AGENT_HIRED_DAY: v = w->hired_day[i]; break;
        case AGENT_OCCUPANT_GENERATION: v = w->generation[i]; break;
        default:
            if (field >= AGENT_TRAIT0)
                v = w->trait[field - AGENT_TRAIT0][i];
            else
                v = (w->roles[i] & role_of[field - AGENT_VANGUARD]) != 0;
        }
        out[i] = v;
    }
}

