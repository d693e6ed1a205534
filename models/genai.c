/* genai.c: the generative-AI adoption model.
 *
 * Each day, in three passes over the staff:
 *   0. interventions act (serially, in list order): licences, prompts,
 *      permission, vanguard meetings, mentoring sessions, ...;
 *   1. signals: each agent reads yesterday's state of its ties (the share
 *      seen using it in the last 7 days; juniors' hidden use is invisible to
 *      seniors) and of its chain of managers (what they visibly do and what
 *      they say, weaker further up).  The counts of ties seen using it are
 *      kept up to date by the agents whose visible use changed, and the
 *      chain's signal is computed once per manager;
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
 * the model in the ODD protocol with the parameter table. */
#include "genai.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "parallel.h"

enum { DRAW_TRAITS = 1, DRAW_ATTITUDE = 2, DRAW_DAY = 3 };

/* Agents per block: the unit of work of the decision pass and of the
 * observation tallies, each block tallied in agent order and the blocks
 * added in block order, so sums do not depend on threads.  Small enough
 * that two threads share 100,000 agents evenly (98 blocks) and a thread
 * held up by other load leaves its blocks to the other. */
#define BLOCK 1024
_Static_assert(BLOCK % RNG_BATCH == 0, "a block holds whole batches of draws");

/* Names of the traits in the parameter table, in TRAIT_* order. */
static const char *const trait_names[GENAI_TRAITS] = {
    "tech_affinity", "time_pressure", "expertise_confidence", "complexity_ambition", "social_caution"};

#define TRAIT_ROWS(NAME, GEN, LEVEL, SD, WHAT)                                                     \
    {"model.genai.traits." NAME ".by_generation", PARAM_DOUBLE_LIST, "logit", -10, 10, GEN, NULL, \
     4, WHAT ": mean for gen_z, millennial, gen_x, boomer"},                                      \
    {"model.genai.traits." NAME ".by_level", PARAM_DOUBLE_LIST, "logit", -10, 10, LEVEL, NULL,    \
     16, WHAT ": shift by level from the top (the last value repeats below)"},                    \
    {"model.genai.traits." NAME ".sd", PARAM_DOUBLE, "logit", 0, 10, SD, NULL, 0,                  \
     WHAT ": standard deviation between people"}

static const param_def genai_params_table[] = {
    TRAIT_ROWS("tech_affinity", "[0.6, 0.3, -0.2, -0.6]", "[0]", "0.5",
               "tech affinity (raises daily use)"),
    TRAIT_ROWS("time_pressure", "[0, 0, 0, 0]", "[1.2, 1.0, 0.6, 0.2, 0]", "0.3",
               "time pressure (lowers daily use; higher for leaders)"),
    TRAIT_ROWS("expertise_confidence", "[-0.3, 0, 0.3, 0.5]", "[1.0, 0.8, 0.5, 0.2, 0]", "0.3",
               "expertise confidence (\"it can't beat my expertise\": lowers use and what success teaches)"),
    TRAIT_ROWS("complexity_ambition", "[0, 0, 0, 0]", "[0.15, 0.15, 0.1, 0]", "0.1",
               "complexity ambition (added to the complexity of the tasks tried)"),
    TRAIT_ROWS("social_caution", "[0.8, 0.4, -0.2, -0.5]", "[-1.5, -1.0, -0.5, 0]", "0.5",
               "social caution (logit of hiding a use from seniors when use is not permitted)"),
    {"model.genai.attitude.mean", PARAM_DOUBLE, "logit", -10, 10, "0", NULL, 0,
     "initial attitude (perceived usefulness), mean"},
    {"model.genai.attitude.sd", PARAM_DOUBLE, "logit", 0, 10, "0.5", NULL, 0,
     "initial attitude, standard deviation"},
    {"model.genai.skill0", PARAM_DOUBLE, "1", 0, 1, "0.2", NULL, 0, "initial skill"},

    {"model.genai.use.intercept", PARAM_DOUBLE, "logit", -20, 20, "-3.4", NULL, 0,
     "daily use: baseline log-odds"},
    {"model.genai.use.attitude", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of attitude"},
    {"model.genai.use.habit", PARAM_DOUBLE, "logit", 0, 20, "4.0", NULL, 0,
     "daily use: weight of habit strength (0..1)"},
    {"model.genai.use.peers", PARAM_DOUBLE, "logit", 0, 20, "1.5", NULL, 0,
     "daily use: weight of the share of ties seen using it in the last 7 days"},
    {"model.genai.use.leader", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of the leader signal (-1..1)"},
    {"model.genai.use.permission", PARAM_DOUBLE, "logit", 0, 20, "0.7", NULL, 0,
     "daily use: weight of the permission climate (0..1)"},
    {"model.genai.use.nudge", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of personal prompts (launch, reminders, check-ins)"},
    {"model.genai.use.time_pressure", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of time pressure (subtracted)"},
    {"model.genai.use.expertise", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of expertise confidence (subtracted)"},
    {"model.genai.use.tech_affinity", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of tech affinity"},

    {"model.genai.task.complexity", PARAM_DOUBLE, "1", 0, 1, "0.35", NULL, 0,
     "mean complexity of a task tried (before ambition)"},
    {"model.genai.task.spread", PARAM_DOUBLE, "1", 0, 1, "0.4", NULL, 0,
     "width of the uniform spread of task complexity"},
    {"model.genai.task.steepness", PARAM_DOUBLE, "1", 0, 100, "6", NULL, 0,
     "success: logistic steepness in skill minus complexity"},
    {"model.genai.task.tool_edge", PARAM_DOUBLE, "logit", -10, 10, "0.7", NULL, 0,
     "success: log-odds of success when skill equals complexity"},
    {"model.genai.task.value_threshold", PARAM_DOUBLE, "1", 0, 1, "0.4", NULL, 0,
     "a successful task at least this complex is a valuable use"},

    {"model.genai.learning.rate", PARAM_DOUBLE, "1", 0, 1, "0.02", NULL, 0,
     "skill gained per successful use, times (1 - skill); half after a failure"},
    {"model.genai.learning.gain_valuable", PARAM_DOUBLE, "logit", 0, 10, "0.15", NULL, 0,
     "attitude gained by a valuable use"},
    {"model.genai.learning.gain_trivial", PARAM_DOUBLE, "logit", 0, 10, "0.03", NULL, 0,
     "attitude gained by a successful use of little value"},
    {"model.genai.learning.loss", PARAM_DOUBLE, "logit", 0, 10, "0.2", NULL, 0,
     "attitude lost by a failed use"},
    {"model.genai.learning.attitude_cap", PARAM_DOUBLE, "logit", 0, 20, "2", NULL, 0,
     "attitude stays within plus or minus this (perceived usefulness saturates)"},
    {"model.genai.learning.expertise_discount", PARAM_DOUBLE, "1", 0, 10, "1", NULL, 0,
     "attitude gains are divided by 1 + this * exp(expertise confidence) / 2"},
    {"model.genai.habit.rate", PARAM_DOUBLE, "1/day", 0, 1, "0.0454", NULL, 0,
     "habit growth per day of use, times (1 - habit) (Lally et al. 2010 median)"},
    {"model.genai.habit.decay", PARAM_DOUBLE, "1/day", 0, 1, "0.02", NULL, 0,
     "share of habit strength lost per day without use"},
    {"model.genai.disillusion.after", PARAM_INT, "uses", 1, 255, "3", NULL, 0,
     "consecutive failures after which an agent stops (disillusioned)"},
    {"model.genai.disillusion.recovery", PARAM_DOUBLE, "1/day", 0, 1, "0.005", NULL, 0,
     "daily chance a disillusioned agent tries again"},
    {"model.genai.disillusion.attitude", PARAM_DOUBLE, "logit", -10, 10, "0", NULL, 0,
     "attitude (at least) of an agent who tries again"},
    {"model.genai.nudge_decay", PARAM_DOUBLE, "1/day", 0, 1, "0.1", NULL, 0,
     "share of a personal prompt that fades each day"},

    {"model.genai.leader.reach", PARAM_INT, "levels", 0, 16, "3", NULL, 0,
     "managers up the chain whose example an agent sees"},
    {"model.genai.leader.decay", PARAM_DOUBLE, "1", 0, 1, "0.5", NULL, 0,
     "weight of each further level up the chain, relative to the one below"},
    {"model.genai.leader.model", PARAM_DOUBLE, "1", 0, 10, "1", NULL, 0,
     "leader signal: weight of a manager visibly using it (in the last 7 days)"},
    {"model.genai.leader.say", PARAM_DOUBLE, "1", 0, 10, "0.5", NULL, 0,
     "leader signal: weight of what a manager says (tanh of attitude plus endorsement)"},
    {"model.genai.permission0", PARAM_DOUBLE, "1", 0, 1, "0", NULL, 0,
     "permission climate before any intervention (0: unclear, 1: explicit)"},
    {"model.genai.regular_days", PARAM_INT, "days", 1, 28, "8", NULL, 0,
     "a regular user used it on at least this many of the last 28 days"},
    PARAM_END};

/* Observables: counts (and means) over all staff, by generation and by level. */
enum {
    OBS_STAFF, OBS_ACCESS, OBS_MONTHLY, OBS_WEEKLY, OBS_REGULAR, OBS_TRIALISTS, OBS_DISILLUSIONED,
    OBS_USES, OBS_VALUABLE, OBS_HIDDEN, OBS_LEADERS, OBS_LEADERS_MODELLING, OBS_LEADERS_REGULAR, OBS_ATTITUDE, OBS_SKILL,
    OBS_HABIT, OBS_GROUPED, /* the grouped ones end here */
    OBS_COST_DOLLARS = OBS_GROUPED, OBS_COST_HOURS, OBS_COUNT
};
/* The means (OBS_ATTITUDE.. OBS_HABIT) are tallied as sums. */
enum { N_SUMS = OBS_GROUPED - OBS_ATTITUDE };

/* The counts are tallied as two histograms per cell, of an agent's recent
 * use (ACTIVITY_SLOTS codes: see activity_code) and of their day
 * (DAY_SLOTS codes: see day_code): two increments per agent instead of ten,
 * expanded into the count observables by observe(). */
enum { ACTIVITY_SLOTS = 12, DAY_SLOTS = 32, TALLY_SLOTS = ACTIVITY_SLOTS + DAY_SLOTS };

/* 2 * (monthly + weekly) + regular, plus 6 for a leader (weekly and regular
 * users are monthly active, so 0..5 covers every case). */
static inline int activity_code(int monthly, int weekly, int regular, int leader)
{
    return 2 * (monthly + weekly) + regular + 6 * leader;
}

/* The GENAI_* flags of today (3 bits), plus 8 with access, plus 16 when
 * disillusioned. */
static inline int day_code(uint8_t today, int access, int disillusioned)
{
    return (today & 7) | access << 3 | disillusioned << 4;
}

static const sim_observable genai_observables[OBS_COUNT] = {
    {"staff", "staff", "agents", 1, 1},
    {"with_access", "staff with a licence", "agents", 1, 1},
    {"monthly_active", "used it at least once in the last 30 days", "agents", 1, 1},
    {"weekly_active", "used it at least once in the last 7 days", "agents", 1, 1},
    {"regular_users", "used it on at least regular_days of the last 28 days", "agents", 1, 1},
    {"trialists", "monthly active but not regular users", "agents", 1, 1},
    {"disillusioned", "stopped after repeated failure", "agents", 1, 1},
    {"uses", "uses on this day", "uses", 1, 1},
    {"valuable_uses", "successful uses on tasks of value on this day", "uses", 1, 1},
    {"hidden_uses", "uses on this day hidden from seniors", "uses", 1, 1},
    {"leaders", "staff with direct reports", "agents", 1, 1},
    {"leaders_modelling", "leaders who used it in the last 7 days, in view of their team", "agents", 1, 1},
    {"leaders_regular", "leaders who are regular users", "agents", 1, 1},
    {"mean_attitude", "mean attitude (perceived usefulness)", "logit", 0, 1},
    {"mean_skill", "mean skill", "1", 0, 1},
    {"mean_habit", "mean habit strength (automaticity)", "1", 0, 1},
    {"cost_dollars", "cumulative cost of the interventions", "dollars", 0, 0},
    /* "staff_hours", not "hours": xarray would decode "hours" as a timedelta */
    {"cost_hours", "cumulative staff hours spent on the interventions", "staff_hours", 0, 0},
};

static double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }

/* The daily draws compare a uniform u with logistic(x) (times a scale in
 * [0, 1]); exp() was a fifth of the run time.  A table of logistic() at
 * steps of 1/32 on [-16, 16] interpolated linearly is within
 * h^2/8 * max|logistic''| = (1/32)^2 / 8 * 0.0962 = 1.2e-5 of it, so every u
 * further than LOGISTIC_MARGIN from the interpolated value gets the same
 * answer as the exact comparison, and only the rare u within the margin
 * (about 4 in 100,000 draws) or an x off the table pays for exp().  The
 * decisions are exactly those of `u < logistic(x) * scale`. */
#define LOGISTIC_RANGE 16
#define LOGISTIC_STEPS 32 /* table points per unit of x */
#define LOGISTIC_POINTS (2 * LOGISTIC_RANGE * LOGISTIC_STEPS + 1)
#define LOGISTIC_MARGIN 2e-5

static void logistic_table_fill(double *table)
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

typedef struct genai_state {
    genai_params par;
    genai_world w;
    void *iv_state[32];          /* one per enabled intervention, in list order */
    const genai_intervention_type *iv[32];
    int n_iv;
    /* observation tallies: each block of BLOCK agents is tallied by one
     * thread in agent order, by cell (generation x level) */
    int32_t n_blocks, n_cells;
    int32_t *counts;             /* [block][cell][TALLY_SLOTS]: histograms of the codes */
    double *sums;                /* [block][cell][N_SUMS]: sums of the means' values */
    int64_t *staff, *leaders_in; /* [cell]: staff and leaders (fixed) */
    int32_t tallied_day;         /* the day whose end the tallies describe; -1: none */
    int32_t *cell_hist;          /* [cell][TALLY_SLOTS]: the histograms over all blocks (observe's scratch) */
    /* the peer signal, kept up to date from the agents whose visible use
     * changed (update_peer_counts) */
    uint8_t *vis;                /* VIS_* bits of each agent when the counts were last updated */
    int32_t *seen;               /* ties whose use the agent saw in the last 7 days */
    /* the leader signal depends only on the chain above an agent: computed
     * once per leader for all their direct reports */
    int32_t *leaders;            /* agents with direct reports, in id order */
    int32_t n_leaders;
    float *chain;                /* by leader m: the leader signal of m's direct reports */
    float *said_at;              /* by position in leaders: the attitude tanh_said was computed for */
    double *tanh_said;           /* tanh of that attitude (most leaders' attitude rests at the cap) */
    double logistic[LOGISTIC_POINTS]; /* logistic() at the points of below_logistic() */
    /* the divisor of attitude gains, 1 + expertise_discount * exp(expertise) / 2,
     * cached by agent with the expertise confidence it was computed for
     * (interventions may lower expertise confidence at any time) */
    float *discount_at;
    double *discount;
} genai_state;

static void read_list(const scenario *scn, const char *trait, const char *field, double *out, int *n)
{
    char k[128];
    snprintf(k, sizeof k, "model.genai.traits.%s.%s", trait, field);
    int len = 0;
    const double *v = scenario_list(scn, k, &len);
    for (int i = 0; i < len; i++) out[i] = v[i];
    if (n) *n = len;
}

static void read_params(const scenario *scn, genai_params *p)
{
#define D(key) scenario_double(scn, "model.genai." key)
    for (int t = 0; t < GENAI_TRAITS; t++) {
        int n = 0;
        read_list(scn, trait_names[t], "by_generation", p->trait_gen[t], &n);
        for (int g = n; g < 4; g++) p->trait_gen[t][g] = p->trait_gen[t][n - 1];
        read_list(scn, trait_names[t], "by_level", p->trait_level[t], &p->trait_n_levels[t]);
        char k[128];
        snprintf(k, sizeof k, "model.genai.traits.%s.sd", trait_names[t]);
        p->trait_sd[t] = scenario_double(scn, k);
    }
    p->attitude0 = D("attitude.mean");
    p->attitude_sd = D("attitude.sd");
    p->w_intercept = D("use.intercept");
    p->w_attitude = D("use.attitude");
    p->w_habit = D("use.habit");
    p->w_peers = D("use.peers");
    p->w_leader = D("use.leader");
    p->w_permission = D("use.permission");
    p->w_nudge = D("use.nudge");
    p->w_time = D("use.time_pressure");
    p->w_expertise = D("use.expertise");
    p->w_affinity = D("use.tech_affinity");
    p->task_complexity = D("task.complexity");
    p->task_spread = D("task.spread");
    p->task_steepness = D("task.steepness");
    p->tool_edge = D("task.tool_edge");
    p->value_threshold = D("task.value_threshold");
    p->learn_rate = D("learning.rate");
    p->gain_valuable = D("learning.gain_valuable");
    p->gain_trivial = D("learning.gain_trivial");
    p->loss_failure = D("learning.loss");
    p->expertise_discount = D("learning.expertise_discount");
    p->attitude_cap = D("learning.attitude_cap");
    p->habit_rate = D("habit.rate");
    p->habit_decay = D("habit.decay");
    p->disillusion_after = (int)scenario_int(scn, "model.genai.disillusion.after");
    p->recovery_rate = D("disillusion.recovery");
    p->attitude_recovered = D("disillusion.attitude");
    p->nudge_decay = D("nudge_decay");
    p->leader_reach = (int)scenario_int(scn, "model.genai.leader.reach");
    p->leader_decay = D("leader.decay");
    p->leader_w_model = D("leader.model");
    p->leader_w_say = D("leader.say");
    p->permission0 = D("permission0");
    p->regular_days = (int)scenario_int(scn, "model.genai.regular_days");
#undef D
}

static int genai_validate(const scenario *scn, sim_error *err)
{
    int is_genai = strcmp(scenario_string(scn, "model.name"), "genai") == 0;
    for (int t = 0; is_genai && t < GENAI_TRAITS; t++) {
        char k[128];
        snprintf(k, sizeof k, "model.genai.traits.%s.by_generation", trait_names[t]);
        int n = 0;
        scenario_list(scn, k, &n);
        if (n != 4)
            return scenario_error(scn, k, err, "expected 4 values (gen_z, millennial, gen_x, boomer), got %d", n);
    }
    if (is_genai) {
        const char *type = scenario_string(scn, "network.type");
        if (strcmp(type, "organization") != 0 && strcmp(type, "orgchart") != 0)
            return scenario_error(scn, "network.type", err,
                                  "the genai model needs an organization (organization or orgchart), got %s", type);
    }
    for (int i = 0; genai_interventions[i]; i++) {
        char k[128];
        snprintf(k, sizeof k, "interventions.%s.enabled", genai_interventions[i]->name);
        if (!scenario_bool(scn, k)) continue;
        if (!is_genai) return scenario_error(scn, k, err, "interventions need model.name: genai");
        /* reading the schedule and target checks them, at their keys */
        genai_world w = {0};
        void *state = NULL;
        int rc = genai_interventions[i]->alloc(scn, &w, &state, err);
        if (rc) return rc;
        genai_interventions[i]->free(state);
    }
    return SIM_OK;
}

static void genai_free(void *state)
{
    genai_state *s = state;
    if (!s) return;
    genai_world *w = &s->w;
    for (int i = 0; i < s->n_iv; i++) s->iv[i]->free(s->iv_state[i]);
    for (int t = 0; t < GENAI_TRAITS; t++) free(w->trait[t]);
    free(w->access);
    free(w->attitude);
    free(w->skill);
    free(w->habit);
    free(w->history);
    free(w->shown);
    free(w->failures);
    free(w->disillusioned);
    free(w->roles);
    free(w->today);
    free(w->nudge);
    free(w->endorse);
    free(w->recovery);
    free(w->simplify);
    free(w->uses);
    free(w->valuable_uses);
    free(w->voice);
    free(w->n_reports);
    free(s->counts);
    free(s->sums);
    free(s->staff);
    free(s->leaders_in);
    free(s->cell_hist);
    free(s->vis);
    free(s->seen);
    free(s->leaders);
    free(s->chain);
    free(s->said_at);
    free(s->discount_at);
    free(s->discount);
    free(s->tanh_said);
    free(s);
}

static int genai_alloc(const sim_context *ctx, void **state, sim_error *err)
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
    read_params(ctx->scn, &s->par);
    logistic_table_fill(s->logistic);
    genai_world *w = &s->w;
    const size_t n = (size_t)net->n;
    w->net = net;
    w->par = &s->par;
    w->n = net->n;
    int ok = 1;
#define ALLOC(field) ok &= (w->field = calloc(n, sizeof *w->field)) != NULL
    for (int t = 0; t < GENAI_TRAITS; t++) ok &= (w->trait[t] = calloc(n, sizeof(float))) != NULL;
    ALLOC(access); ALLOC(attitude); ALLOC(skill); ALLOC(habit); ALLOC(history); ALLOC(shown);
    ALLOC(failures); ALLOC(disillusioned); ALLOC(roles); ALLOC(today); ALLOC(nudge); ALLOC(endorse);
    ALLOC(recovery); ALLOC(simplify); ALLOC(uses); ALLOC(valuable_uses); ALLOC(voice); ALLOC(n_reports);
#undef ALLOC
    ok &= (s->vis = calloc(n, sizeof *s->vis)) != NULL;
    ok &= (s->seen = calloc(n, sizeof *s->seen)) != NULL;
    ok &= (s->leaders = calloc(n, sizeof *s->leaders)) != NULL;
    ok &= (s->chain = calloc(n, sizeof *s->chain)) != NULL;
    ok &= (s->discount_at = calloc(n, sizeof *s->discount_at)) != NULL;
    ok &= (s->discount = calloc(n, sizeof *s->discount)) != NULL;
    s->n_blocks = (int32_t)((n + BLOCK - 1) / BLOCK);
    s->n_cells = NET_GENERATIONS * net->n_levels;
    const size_t block_cells = (size_t)s->n_blocks * (size_t)s->n_cells;
    ok &= (s->counts = calloc(block_cells * TALLY_SLOTS, sizeof *s->counts)) != NULL;
    ok &= (s->sums = calloc(block_cells * N_SUMS, sizeof *s->sums)) != NULL;
    ok &= (s->staff = calloc((size_t)s->n_cells, sizeof *s->staff)) != NULL;
    ok &= (s->leaders_in = calloc((size_t)s->n_cells, sizeof *s->leaders_in)) != NULL;
    ok &= (s->cell_hist = calloc((size_t)s->n_cells * TALLY_SLOTS, sizeof *s->cell_hist)) != NULL;
    if (!ok) {
        genai_free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %zu staff", n);
    }
    for (size_t i = 0; i < n; i++)
        if (net->manager[i] >= 0) w->n_reports[net->manager[i]]++;
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
    }

    for (int i = 0; genai_interventions[i]; i++) {
        char k[128];
        snprintf(k, sizeof k, "interventions.%s.enabled", genai_interventions[i]->name);
        if (!scenario_bool(ctx->scn, k)) continue;
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

static void genai_init(void *state, const sim_context *ctx)
{
    genai_state *s = state;
    genai_world *w = &s->w;
    const genai_params *p = &s->par;
    const sim_network *net = ctx->net;
    w->key = ctx->key;
    w->day = 0;
    w->permission = p->permission0;
    w->cost_dollars = w->cost_hours = 0;
    s->tallied_day = -1;
    const float skill0 = (float)scenario_double(ctx->scn, "model.genai.skill0");
    #pragma omp parallel for schedule(static) if (w->n >= SIM_PARALLEL_MIN)
    for (int32_t i = 0; i < w->n; i++) {
        uint32_t u[8];
        rng_words(ctx->key, (uint32_t)i, 0, DRAW_TRAITS, 0, u);
        rng_words(ctx->key, (uint32_t)i, 0, DRAW_TRAITS, 1, u + 4);
        int g = net->generation[i], l = net->level[i];
        for (int t = 0; t < GENAI_TRAITS; t++) {
            int nl = p->trait_n_levels[t];
            double shift = p->trait_level[t][l < nl ? l : nl - 1];
            double z = normal_from(rng_u01_from_word(u[t]));
            w->trait[t][i] = (float)(p->trait_gen[t][g] + shift + p->trait_sd[t] * z);
        }
        w->attitude[i] = (float)(p->attitude0 + p->attitude_sd * normal_from(rng_u01_from_word(u[5])));
        w->access[i] = 0;
        w->skill[i] = skill0;
        w->habit[i] = 0;
        w->history[i] = w->shown[i] = 0;
        w->failures[i] = w->disillusioned[i] = w->roles[i] = w->today[i] = 0;
        w->nudge[i] = w->endorse[i] = w->recovery[i] = w->simplify[i] = 0;
        w->uses[i] = w->valuable_uses[i] = 0;
        w->voice[i] = s->chain[i] = 0;
        s->vis[i] = 0; /* nobody has used it: no tie seen using it */
        s->seen[i] = 0;
        s->discount_at[i] = NAN; /* equal to no value: computed on first use */
    }
    for (int32_t k = 0; k < s->n_leaders; k++) s->said_at[k] = NAN; /* equal to no attitude: computed on first use */
    for (int i = 0; i < s->n_iv; i++) s->iv[i]->init(s->iv_state[i], w);
}

/* Visibility of an agent's use in the last 7 days: used at all, and used in
 * view of seniors (not hidden). */
enum { VIS_USED = 1, VIS_SHOWN = 2 };

static inline uint8_t visibility(uint32_t history, uint32_t shown)
{
    return (uint8_t)(((history & 0x7fu) != 0) | ((shown & 0x7fu) != 0) << 1);
}

/* Whether an agent on level `level_i` sees the use that bits `vis` of a tie
 * on level `level_j` describe: a junior's use counts only if shown; peers'
 * and seniors' use is seen. */
static inline int seen_by(uint8_t vis, int level_j, int level_i)
{
    return level_j > level_i ? (vis & VIS_SHOWN) != 0 : (vis & VIS_USED) != 0;
}

/* Recount every agent's ties seen using it, from scratch (the full scan). */
static void recount_peers(genai_state *s)
{
    const genai_world *w = &s->w;
    const sim_network *net = w->net;
    #pragma omp parallel for schedule(static) if (w->n >= SIM_PARALLEL_MIN)
    for (int32_t i = 0; i < w->n; i++) {
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
 * i).  Integer increments commute: the counts are those of the full scan
 * for any thread count and order; atomic only when two threads may push
 * to the same tie at once. */
static void push_change(genai_state *s, int32_t i, uint8_t now, uint8_t before, int atomic)
{
    const sim_network *net = s->w.net;
    const int li = net->level[i];
    for (int64_t e = net->row[i]; e < net->row[i + 1]; e++) {
        int32_t j = net->col[e];
        int lj = net->level[j];
        int32_t delta = seen_by(now, li, lj) - seen_by(before, li, lj);
        if (delta == 0) continue;
        if (atomic) {
            #pragma omp atomic
            s->seen[j] += delta;
        } else {
            s->seen[j] += delta;
        }
    }
}

/* Each agent whose visibility changed tells its ties. */
static void push_changes(genai_state *s)
{
    const genai_world *w = &s->w;
    const int parallel = w->n >= SIM_PARALLEL_MIN;
    #pragma omp parallel for schedule(dynamic, 4096) if (parallel)
    for (int32_t i = 0; i < w->n; i++) {
        uint8_t now = visibility(w->history[i], w->shown[i]), before = s->vis[i];
        if (now == before) continue;
        push_change(s, i, now, before, parallel);
        s->vis[i] = now;
    }
}

/* Pass 1a: bring the counts of ties seen using it (in the last 7 days) up to
 * date with yesterday's state.  Most days few agents start or stop, so only
 * they push the change to their ties; when many changed, a full recount is
 * cheaper.  Both give the counts of the full scan. */
static void update_peer_counts(genai_state *s)
{
    const genai_world *w = &s->w;
    int32_t changed = 0;
    #pragma omp parallel for schedule(static) reduction(+ : changed) if (w->n >= SIM_PARALLEL_MIN)
    for (int32_t i = 0; i < w->n; i++) changed += visibility(w->history[i], w->shown[i]) != s->vis[i];
    if (changed == 0) return;
    if (changed > w->n / 8) recount_peers(s);
    else push_changes(s);
}

/* Pass 1b: what staff see of their chain of managers.  First each leader's
 * own example: visible use in the last 7 days and what they say (tanh of
 * attitude plus endorsement, within -1..1).  Then, for each leader m, the
 * signal m's direct reports see: m's example and those of the managers above,
 * each level up weighted by leader_decay, over leader_reach levels. */
static void compute_leader_signals(genai_state *s)
{
    genai_world *w = &s->w;
    const sim_network *net = w->net;
    const genai_params *p = w->par;
    #pragma omp parallel if (w->n >= SIM_PARALLEL_MIN)
    {
        #pragma omp for schedule(static)
        for (int32_t k = 0; k < s->n_leaders; k++) {
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
        #pragma omp for schedule(static)
        for (int32_t k = 0; k < s->n_leaders; k++) {
            double sig = 0, norm = 0, weight = 1;
            int32_t m = s->leaders[k];
            for (int r = 0; r < p->leader_reach && m >= 0; r++) {
                sig += weight * w->voice[m];
                norm += weight;
                weight *= p->leader_decay;
                m = net->manager[m];
            }
            s->chain[s->leaders[k]] = norm > 0 ? (float)(sig / norm) : 0.0f;
        }
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
    const float *chain;
    const double *logistic;
    float *discount_at;
    double *discount;
    int32_t *counts;             /* the tallies (genai_state.counts, .sums) */
    double *sums;
    int32_t n_cells;
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
    d->chain = s->chain;
    d->logistic = s->logistic;
    d->discount_at = s->discount_at;
    d->discount = s->discount;
    d->counts = s->counts;
    d->sums = s->sums;
    d->n_cells = s->n_cells;
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
 * u holds the day's four words (u[0], the decision, is spent).  Returns the
 * GENAI_* flags of the day. */
static uint8_t use_tool(const day_ctx *d, int32_t i, const uint32_t u[4])
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
    int success = below_logistic(d->logistic, rng_u01_from_word(u[2]), p->task_steepness * (skill - c) + p->tool_edge, 1);
    int valuable = success && c >= p->value_threshold;
    /* open roles never hide; others hide with logistic(caution) while use is not permitted */
    int hidden = !(w->roles[i] & GENAI_ROLES_OPEN) &&
                 below_logistic(d->logistic, rng_u01_from_word(u[3]), w->trait[TRAIT_CAUTION][i], 1 - w->permission);
    w->uses[i]++;
    w->valuable_uses[i] += valuable;
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

/* Log-odds that agent i uses it today. */
static double use_logit(const day_ctx *d, int32_t i, float habit)
{
    const genai_world *w = &d->w;
    const genai_params *p = &d->p;
    /* share of ties seen using it; the signal from the chain of managers */
    int64_t deg = d->net.row[i + 1] - d->net.row[i];
    float peers = deg > 0 ? (float)d->seen[i] / (float)deg : 0.0f;
    int32_t boss = d->net.manager[i];
    float leaders = boss >= 0 ? d->chain[boss] : 0.0f;
    return p->w_intercept + p->w_attitude * w->attitude[i] + p->w_habit * habit + p->w_peers * peers +
           p->w_leader * leaders + d->permission_term + p->w_nudge * w->nudge[i] -
           p->w_time * w->trait[TRAIT_TIME][i] - p->w_expertise * w->trait[TRAIT_EXPERTISE][i] +
           p->w_affinity * w->trait[TRAIT_AFFINITY][i];
}

/* A disillusioned agent tries again with a small daily chance (drawn from
 * word w1, which the use would otherwise spend on the task); returns 1 if
 * the agent may use it today. */
static int tries_again(const day_ctx *d, int32_t i, uint32_t w1)
{
    const genai_world *w = &d->w;
    const genai_params *p = &d->p;
    if (!w->disillusioned[i]) return 1;
    if (!(rng_u01_from_word(w1) < p->recovery_rate + w->recovery[i])) return 0;
    w->disillusioned[i] = 0;
    w->failures[i] = 0;
    if (w->attitude[i] < p->attitude_recovered) w->attitude[i] = (float)p->attitude_recovered;
    return 1;
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
static int32_t *cell_counts(int32_t *counts, int32_t n_cells, int32_t b, int32_t cell)
{
    return counts + ((size_t)b * (size_t)n_cells + (size_t)cell) * TALLY_SLOTS;
}

static double *cell_sums(double *sums, int32_t n_cells, int32_t b, int32_t cell)
{
    return sums + ((size_t)b * (size_t)n_cells + (size_t)cell) * N_SUMS;
}

/* Add agent i's state to block b's tallies. */
static void tally_agent(const day_ctx *d, int32_t b, int32_t i)
{
    const genai_world *w = &d->w;
    const sim_network *net = &d->net;
    const int32_t cell = net->generation[i] * net->n_levels + net->level[i];
    int32_t *c = cell_counts(d->counts, d->n_cells, b, cell);
    double *sum = cell_sums(d->sums, d->n_cells, b, cell);
    const uint32_t h = w->history[i];
    const uint8_t today = w->today[i];
    const int monthly = genai_used_within(h, 30), weekly = genai_used_within(h, 7);
    const int regular = is_regular(h, d->p.regular_days);
    const int leader = w->n_reports[i] > 0;
    c[activity_code(monthly, weekly, regular, leader)]++;
    c[ACTIVITY_SLOTS + day_code(today, w->access[i] != 0, w->disillusioned[i] != 0)]++;
    sum[OBS_ATTITUDE - OBS_ATTITUDE] += w->attitude[i];
    sum[OBS_SKILL - OBS_ATTITUDE] += w->skill[i];
    sum[OBS_HABIT - OBS_ATTITUDE] += w->habit[i];
}

/* The agents of block b are b * BLOCK .. block_end(n, b) - 1. */
static int32_t block_end(int32_t n, int32_t b)
{
    return (b + 1) * BLOCK < n ? (b + 1) * BLOCK : n;
}

/* Zero block b's tallies (the buffers are scratch, written even by observe()). */
static void block_clear(const day_ctx *d, int32_t b)
{
    memset(cell_counts(d->counts, d->n_cells, b, 0), 0, (size_t)d->n_cells * TALLY_SLOTS * sizeof *d->counts);
    memset(cell_sums(d->sums, d->n_cells, b, 0), 0, (size_t)d->n_cells * N_SUMS * sizeof *d->sums);
}

/* Agent i decides and learns, from its own state and the signals; u holds
 * the agent's four words of the day (DRAW_DAY). */
static void decide_agent(const day_ctx *d, int32_t i, const uint32_t u[4])
{
    const genai_world *w = &d->w;
    const genai_params *p = &d->p;
    uint32_t hist = w->history[i] << 1, shown = w->shown[i] << 1;
    uint8_t today = 0;
    float habit = w->habit[i];
    if (w->access[i]) {
        if (tries_again(d, i, u[1]) && below_logistic(d->logistic, rng_u01_from_word(u[0]), use_logit(d, i, habit), 1))
            today = use_tool(d, i, u);
    }
    if (today) {
        hist |= 1u;
        if (!(today & GENAI_HIDDEN)) shown |= 1u;
        habit += (float)((1 - w->simplify[i]) * p->habit_rate * (1 - habit)); /* see use_tool */
    } else {
        habit *= (float)(1 - p->habit_decay);
    }
    const float keep_nudge = (float)(1 - p->nudge_decay);
    w->habit[i] = habit;
    w->history[i] = hist;
    w->shown[i] = shown;
    w->today[i] = today;
    w->nudge[i] *= keep_nudge;
    w->simplify[i] *= keep_nudge;
}

/* Pass 2: every agent decides and learns; the same pass tallies the end of
 * the day for observe(), which is called right after the step (a separate
 * pass over all the state cost a sixth of the run). */
static void decide(genai_state *s, int32_t day)
{
    const int32_t n = s->w.n;
    #pragma omp parallel if (n >= SIM_PARALLEL_MIN)
    {
        day_ctx d; /* one per thread */
        day_ctx_make(s, day, &d);
        #pragma omp for schedule(dynamic, 1)
        for (int32_t b = 0; b < s->n_blocks; b++) {
            block_clear(&d, b);
            for (int32_t first = b * BLOCK; first < block_end(n, b); first += RNG_BATCH) {
                /* the day's words of the next RNG_BATCH agents, drawn together (BLOCK is a multiple) */
                uint32_t words[4][RNG_BATCH];
                rng_words_batch(d.w.key, (uint32_t)first, (uint32_t)day, DRAW_DAY, 0, words);
                const int32_t end = first + RNG_BATCH < n ? first + RNG_BATCH : n;
                for (int32_t i = first; i < end; i++) {
                    const int j = i - first;
                    const uint32_t u[4] = {words[0][j], words[1][j], words[2][j], words[3][j]};
                    decide_agent(&d, i, u);
                    tally_agent(&d, b, i);
                }
            }
        }
    }
    s->tallied_day = day;
}

static void genai_step(void *state, const sim_context *ctx, int32_t day)
{
    genai_state *s = state;
    genai_world *w = &s->w;
    (void)ctx;
    w->day = day;
    for (int i = 0; i < s->n_iv; i++) s->iv[i]->apply(s->iv_state[i], w, day);
    update_peer_counts(s);
    compute_leader_signals(s);
    decide(s, day);
}

/* Add the count observables of one cell's histograms to count[OBS_*].
 * Staff and leaders are fixed (s->staff, s->leaders_in); trialists are the
 * monthly active users who are not regular. */
static void expand_counts(const int32_t *hist, int64_t *count)
{
    for (int a = 0; a < ACTIVITY_SLOTS; a++) {
        int64_t k = hist[a];
        if (k == 0) continue; /* most codes never occur in a cell */
        int regular = a & 1, recency = (a % 6) / 2, leader = a >= 6; /* recency: monthly + weekly */
        count[OBS_MONTHLY] += recency >= 1 ? k : 0;
        count[OBS_WEEKLY] += recency == 2 ? k : 0;
        count[OBS_REGULAR] += regular ? k : 0;
        count[OBS_TRIALISTS] += recency >= 1 && !regular ? k : 0;
        count[OBS_LEADERS_MODELLING] += leader && recency == 2 ? k : 0;
        count[OBS_LEADERS_REGULAR] += leader && regular ? k : 0;
    }
    for (int d = 0; d < DAY_SLOTS; d++) {
        int64_t k = hist[ACTIVITY_SLOTS + d];
        if (k == 0) continue;
        count[OBS_USES] += d & GENAI_USED ? k : 0;
        count[OBS_VALUABLE] += d & GENAI_VALUABLE ? k : 0;
        count[OBS_HIDDEN] += d & GENAI_HIDDEN ? k : 0;
        count[OBS_ACCESS] += d & 8 ? k : 0;
        count[OBS_DISILLUSIONED] += d & 16 ? k : 0;
    }
}

static void genai_observe(const void *state, const sim_context *ctx, double *values,
                          double *by_generation, double *by_level)
{
    const genai_state *s = state;
    const genai_world *w = &s->w;
    const int32_t L = ctx->net->n_levels;
    /* The step tallied the end of its day; otherwise (day 0) tally now. */
    if (s->tallied_day != w->day) {
        #pragma omp parallel if (w->n >= SIM_PARALLEL_MIN)
        {
            day_ctx d;
            day_ctx_make(s, w->day, &d);
            #pragma omp for schedule(static)
            for (int32_t b = 0; b < s->n_blocks; b++) {
                block_clear(&d, b);
                for (int32_t i = b * BLOCK; i < block_end(w->n, b); i++) tally_agent(&d, b, i);
            }
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
            const int32_t *h = cell_counts(s->counts, s->n_cells, b, 0);
            for (size_t k = 0; k < slots; k++) all[k] += h[k];
        }
        hist = all;
    }
    for (int g = 0; g < NET_GENERATIONS; g++)
        for (int32_t l = 0; l < L; l++) {
            int64_t c[OBS_ATTITUDE] = {0};
            expand_counts(hist + (size_t)(g * L + l) * TALLY_SLOTS, c);
            for (int k = 0; k < OBS_ATTITUDE; k++) {
                count[k] += c[k];
                gen_count[g][k] += c[k];
                if (l < 64) lev_count[l][k] += c[k];
            }
        }
    for (int32_t b = 0; b < s->n_blocks; b++)
        for (int g = 0; g < NET_GENERATIONS; g++)
            for (int32_t l = 0; l < L; l++) {
                const double *sum = cell_sums(s->sums, s->n_cells, b, g * L + l);
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
}

/* ---- the final per-agent table (output.agents) ---- */

enum {
    AGENT_ACCESS, AGENT_MONTHLY, AGENT_WEEKLY, AGENT_REGULAR, AGENT_DISILLUSIONED, AGENT_ATTITUDE,
    AGENT_SKILL, AGENT_HABIT, AGENT_USES, AGENT_VALUABLE, AGENT_VANGUARD, AGENT_MENTOR, AGENT_MENTEE,
    AGENT_PEER_MENTOR, AGENT_PEER_MENTEE, AGENT_TRAINED, AGENT_TRAIT0, AGENT_FIELDS = AGENT_TRAIT0 + GENAI_TRAITS
};

static const sim_agent_field genai_agent_fields[AGENT_FIELDS] = {
    {"access", "1: has a licence", "1", 1},
    {"monthly_active", "1: used it in the last 30 days", "1", 1},
    {"weekly_active", "1: used it in the last 7 days", "1", 1},
    {"regular", "1: used it on at least regular_days of the last 28 days", "1", 1},
    {"disillusioned", "1: stopped after repeated failure", "1", 1},
    {"attitude", "perceived usefulness", "logit", 0},
    {"skill", "skill with the tool, 0..1", "1", 0},
    {"habit", "habit strength (automaticity), 0..1", "1", 0},
    {"uses", "uses over the run", "uses", 1},
    {"valuable_uses", "valuable uses over the run", "uses", 1},
    {"vanguard", "1: AI vanguard member", "1", 1},
    {"reverse_mentor", "1: reverse mentor (an adopter teaching a leader)", "1", 1},
    {"reverse_mentee", "1: leader being reverse-mentored", "1", 1},
    {"peer_mentor", "1: peer-to-peer mentor", "1", 1},
    {"peer_mentee", "1: peer-to-peer mentee", "1", 1},
    {"trained", "1: attended training", "1", 1},
    {"tech_affinity", "trait: tech affinity", "logit", 0},
    {"time_pressure", "trait: time pressure", "logit", 0},
    {"expertise_confidence", "trait: expertise confidence", "logit", 0},
    {"complexity_ambition", "trait: complexity ambition", "1", 0},
    {"social_caution", "trait: social caution", "logit", 0},
};

static void genai_agent_values(const void *state, const sim_context *ctx, int field, double *out)
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
        default:
            if (field >= AGENT_TRAIT0)
                v = w->trait[field - AGENT_TRAIT0][i];
            else
                v = (w->roles[i] & role_of[field - AGENT_VANGUARD]) != 0;
        }
        out[i] = v;
    }
}

/* What `adoptsim report` gives for each scenario (see sim_outcome). */
static const sim_outcome genai_outcomes[] = {
    {"monthly_active", "Monthly active", SIM_OUTCOME_VALUE, "monthly_active", NULL, 0, "agents", 1, NULL},
    {"monthly_active_pct_staff", "% of staff", SIM_OUTCOME_SHARE, "monthly_active", "staff", 0, "percent", 1, NULL},
    {"regular_users", "Regular users", SIM_OUTCOME_VALUE, "regular_users", NULL, 0, "agents", 1, NULL},
    {"regular_users_pct_staff", "% of staff", SIM_OUTCOME_SHARE, "regular_users", "staff", 0, "percent", 1, NULL},
    {"valuable_uses", "Valuable uses", SIM_OUTCOME_VALUE, "valuable_uses", NULL, 0, "uses", 1, NULL},
    {"leaders_modelling", "Leaders modelling use", SIM_OUTCOME_VALUE, "leaders_modelling", NULL, 0, "agents", 1,
     NULL},
    {"leaders_modelling_pct_leaders", "% of leaders", SIM_OUTCOME_SHARE, "leaders_modelling", "leaders", 0,
     "percent", 1, NULL},
    {"cost_dollars", "Cost in dollars", SIM_OUTCOME_VALUE, "cost_dollars", NULL, 0, "dollars", 0, NULL},
    {"dollars_per_additional_regular_user", "per additional regular user [95% CI]", SIM_OUTCOME_PER_UNIT,
     "cost_dollars", "regular_users", 0, "dollars/agent", 0, NULL},
    {"cost_hours", "Cost in staff hours", SIM_OUTCOME_VALUE, "cost_hours", NULL, 0, "staff_hours", 1, NULL},
    {"hours_per_additional_regular_user", "per additional regular user [95% CI]", SIM_OUTCOME_PER_UNIT,
     "cost_hours", "regular_users", 0, "staff_hours/agent", 1, NULL},
    {"days_to_50pct_monthly_active", "Days to 50% monthly active", SIM_OUTCOME_FIRST_DAY, "monthly_active",
     "staff", 0.5, "days", 1, "first day on which at least half the staff used it in the last 30 days"},
};

const sim_model_type genai_model = {
    "genai", "generative-AI adoption in an organization: staff, leaders, interventions",
    genai_params_table, genai_observables, OBS_COUNT,
    genai_validate, genai_alloc, genai_free, genai_init, genai_step, genai_observe, genai_agent_fields, AGENT_FIELDS,
    genai_agent_values, genai_outcomes, (int)(sizeof genai_outcomes / sizeof genai_outcomes[0])};
