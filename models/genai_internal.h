/* genai_internal.h: what the parts of the genai model share and no one else
 * uses: genai.c (the parameters and the model type), genai_state.c (the
 * state: alloc, free, init, traits) and genai_day.c (the daily pass:
 * signals, decisions, tallies, step, observe, the per-agent table).  Not a
 * public interface: include it only from those files.  What runs per agent
 * per day stays in genai_day.c (static there, so the compiler sees it
 * where it is called). */
#ifndef MODELS_GENAI_INTERNAL_H
#define MODELS_GENAI_INTERNAL_H

#include <stdint.h>
#include "genai.h"
#include "parallel.h"
#include "rng.h"

/* Purposes of the random draws (rng.h's counter: agent, day, purpose). */
enum { DRAW_TRAITS = 1, DRAW_ATTITUDE = 2, DRAW_DAY = 3, DRAW_TURNOVER = 4 };

/* Agents per block: the unit of work of the decision pass and of the
 * observation tallies, each block tallied in agent order and the blocks
 * added in block order, so sums do not depend on threads.  Small enough
 * that two threads share 100,000 agents evenly (98 blocks) and a thread
 * held up by other load leaves its blocks to the other. */
#define BLOCK 1024
_Static_assert(BLOCK % RNG_BATCH == 0, "a block holds whole batches of draws");

/* Observables: counts (and means) over all staff, by generation and by level. */
enum {
    OBS_STAFF, OBS_ACCESS, OBS_MONTHLY, OBS_WEEKLY, OBS_REGULAR, OBS_TRIALISTS, OBS_DISILLUSIONED,
    OBS_USES, OBS_VALUABLE, OBS_HIDDEN, OBS_HIDING, OBS_LEADERS, OBS_LEADERS_MODELLING, OBS_LEADERS_REGULAR, OBS_ATTITUDE, OBS_SKILL,
    OBS_HABIT, OBS_GROUPED, /* the grouped ones end here */
    OBS_COST_DOLLARS = OBS_GROUPED, OBS_COST_HOURS,
    /* time saved and what it is worth (appended: the observables above keep their places) */
    OBS_HOURS_WEEK, OBS_HOURS_SAVED, OBS_PROGRAMME_HOURS, /* grouped */
    OBS_VALUE, OBS_COST_STAFF, OBS_COST_TOTAL, OBS_NET_RETURN,
    /* turnover (appended likewise; grouped counts) */
    OBS_LEAVERS, OBS_HIRES, OBS_HIRES_REGULAR, OBS_COUNT
};
/* The means (OBS_ATTITUDE.. OBS_HABIT) are tallied as sums. */
enum { N_SUMS = OBS_GROUPED - OBS_ATTITUDE };

/* The counts are tallied as two histograms per cell, of an agent's recent
 * use (ACTIVITY_SLOTS codes: see activity_code) and of their day
 * (DAY_SLOTS codes: see day_code): two increments per agent instead of ten,
 * expanded into the count observables by observe(). */
enum { ACTIVITY_SLOTS = 24, DAY_SLOTS = 32, TALLY_SLOTS = ACTIVITY_SLOTS + DAY_SLOTS };

/* logistic() is tabulated at LOGISTIC_POINTS points for the daily draws
 * (genai_day.c, below_logistic). */
#define LOGISTIC_RANGE 16
#define LOGISTIC_STEPS 32 /* table points per unit of x */
#define LOGISTIC_POINTS (2 * LOGISTIC_RANGE * LOGISTIC_STEPS + 1)
#define LOGISTIC_MARGIN 2e-5

typedef struct genai_state {
    genai_params par;
    genai_world w;
    void *arrays;                /* one allocation holding the world's per-agent arrays, those below
                                    marked "in arrays" and the tallies (genai_state.c, state_layout) */
    int parallel;                /* 1: the passes run on the OpenMP team (staff >= sim_parallel_min()
                                    at alloc); 0: they are called directly, no OpenMP region */
    void *iv_state[32];          /* one per enabled intervention, in list order */
    const genai_intervention_type *iv[32];
    int n_iv;
    /* observation tallies: each block of BLOCK agents is tallied by one
     * thread in agent order, by cell (generation x level) */
    int32_t n_blocks, n_cells;
    size_t count_stride, sum_stride; /* elements per block in counts and sums (whole cache lines) */
    int32_t *counts;             /* [block (count_stride)][cell][TALLY_SLOTS]: histograms of the codes */
    double *sums;                /* [block (sum_stride)][cell][N_SUMS]: sums of the means' values */
    int64_t *staff, *leaders_in; /* [cell]: staff and leaders (fixed) */
    uint16_t *tally_cell;        /* [agent]: 2 x its cell (generation x level), plus 1 for a leader (fixed) */
    int32_t tallied_day;         /* the day whose end the tallies describe; -1: none */
    int32_t *cell_hist;          /* [cell][TALLY_SLOTS]: the histograms over all blocks (observe's scratch) */
    /* the peer signal, kept up to date from the agents whose visible use
     * changed (peer_blocks) */
    uint8_t *vis;                /* VIS_* bits of each agent when the counts were last updated */
    int32_t *seen;               /* ties whose use the agent saw in the last 7 days */
    int32_t *seen_delta;         /* [thread - 1][agent]: the changes of seen pushed by threads 1, 2, ... of
                                    the team today (thread 0 adds into seen itself), added into seen after
                                    the push (parallel only; NULL otherwise; kept at zero between days) */
    sim_blocks push_blocks, decide_blocks; /* pass 1a's and pass 2's blocks on the team (genai_step) */
    int n_delta;                 /* threads with a buffer or seen itself: omp_get_max_threads() at alloc,
                                    the largest team genai_step starts */
    int32_t *changed;            /* [block]: its agents whose visibility differs from vis (counted by
                                    the decision pass, which alone changes what others see) */
    int32_t *changers;           /* block b's changed agents are changers[b * BLOCK] .. [b * BLOCK +
                                    changed[b] - 1], in id order (in arrays) */
    int32_t *deg;                /* ties of each agent (fixed; in arrays) */
    /* the leader signal depends only on the chain above an agent: each
     * leader's own example (voice) once a day, then the chain's signal
     * once per team as the decision pass meets it */
    int32_t *leaders;            /* agents with direct reports, in id order */
    int32_t n_leaders;
    float *said_at;              /* by position in leaders: the attitude tanh_said was computed for */
    double *tanh_said;           /* tanh of that attitude (most leaders' attitude rests at the cap) */
    double logistic[LOGISTIC_POINTS]; /* logistic() at the points of below_logistic() */
    /* the divisor of attitude gains, 1 + expertise_discount * exp(expertise) / 2,
     * cached by agent with the expertise confidence it was computed for
     * (interventions may lower expertise confidence at any time) */
    float *discount_at;
    double *discount;
    /* time saved (value.*): minutes saved by each block's agents on the
     * day, by cell, added in agent order and summed over blocks in block
     * order at the end of the step (the same for any thread count) */
    double *saved;               /* [block (saved_stride)][cell]: net minutes saved today */
    size_t saved_stride;
    double *saved_factor;        /* [cell]: novice gain of its generation and level (fixed) */
    double *hourly;              /* [cell]: dollars per staff hour at its level (fixed) */
    double *saved_week;          /* [7][cell]: net hours saved on day d in row d % 7 */
    double *saved_total;         /* [cell]: net hours saved since day 1 */
    double *suit;                /* [department]: task suitability, 0..1 (fixed; 1 unless listed) */
    /* turnover (model.genai.turnover; only used when enabled) */
    int64_t *staff0, *leaders0;  /* [cell]: staff and leaders at day 0 (staff, leaders_in change with hires) */
    int64_t *leavers, *hires;    /* [cell]: departures (the leaver's cell) and hires (the hire's cell) since day 1 */
    int64_t *hires_regular;      /* [cell]: hires who are regular users at the end of the day */
    double *leave_hazard;        /* [cell][2]: daily chance of leaving; [1]: left behind */
    double *team_skill;          /* [team]: mean skill (scratch of the turnover pass) */
    int32_t *team_size;          /* [team] */
    uint32_t n_hired;            /* hires so far this replicate */
    int recount;                 /* 1: someone left today: recount the peer signal from scratch */
} genai_state;

/* Visibility of an agent's use in the last 7 days: used at all, and used in
 * view of seniors (not hidden). */
enum { VIS_USED = 1, VIS_SHOWN = 2 };

static inline uint8_t visibility(uint32_t history, uint32_t shown)
{
    return (uint8_t)(((history & 0x7fu) != 0) | ((shown & 0x7fu) != 0) << 1);
}

/* Names of the traits in the parameter table, in TRAIT_* order (genai.c). */
extern const char *const genai_trait_names[GENAI_TRAITS];

/* The fields of the final per-agent table (genai_day.c). */
enum {
    AGENT_ACCESS, AGENT_MONTHLY, AGENT_WEEKLY, AGENT_REGULAR, AGENT_DISILLUSIONED, AGENT_ATTITUDE,
    AGENT_SKILL, AGENT_HABIT, AGENT_USES, AGENT_VALUABLE, AGENT_VANGUARD, AGENT_MENTOR, AGENT_MENTEE,
    AGENT_PEER_MENTOR, AGENT_PEER_MENTEE, AGENT_TRAINED, AGENT_TRAIT0,
    AGENT_PERSON = AGENT_TRAIT0 + GENAI_TRAITS, AGENT_HIRED_DAY, AGENT_OCCUPANT_GENERATION, AGENT_FIELDS
};

/* ---------- genai.c: the parameters ---------- */

extern const param_def genai_params_table[];

/* Fill p from model.genai.* (scenario_bind of genai_params_table; the
 * scenario has been validated). */
void genai_params_read(const scenario *scn, genai_params *p);

int genai_validate(const scenario *scn, sim_error *err);

/* model.genai.suitability.departments parsed: names[k] (malloc'd) has
 * share[k]; n = 0 when the key is empty. */
typedef struct genai_suitability {
    int32_t n;
    char **names;
    double *share;
} genai_suitability;

/* Parse the key (errors at it: an item without "=share", a share outside
 * 0..1, a name twice); with net, also check every name is a department
 * of net (with a did-you-mean).  The caller frees with
 * genai_suitability_free, also after an error. */
int genai_suitability_read(const scenario *scn, const sim_network *net, genai_suitability *out, sim_error *err);
void genai_suitability_free(genai_suitability *s);

/* ---------- genai_state.c: the state ---------- */

int genai_alloc(const sim_context *ctx, void **state, sim_error *err);
/* The bytes of the per-agent arrays genai_alloc allocates (the world's and
 * the signals'); the tallies per block of agents and the interventions'
 * own state are not counted. */
size_t genai_bytes_per_agent(const scenario *scn);
void genai_free(void *state);
void genai_init(void *state, const sim_context *ctx);
/* Agent i's traits and initial attitude for the person `who` of generation
 * g at i's level (drawn from s->w.key, who: the staff of day 0 are their
 * agent number, hires n + k). */
void genai_draw_person(genai_state *s, int32_t i, uint32_t who, int g);

/* ---------- genai_batch.c: the decision pass's vectorized loops ---------- */

/* What the use decisions of a batch read: agent first + j's values at
 * index j (the world's arrays from first; deg and lead filled by the
 * caller). */
typedef struct genai_batch {
    const float *attitude, *habit, *nudge, *time, *expertise, *affinity;
    const float *need;           /* task suitability: scales the chance of a use */
    const int32_t *uses;         /* uses so far (0: the first try is still to come) */
    const int32_t *seen;         /* ties seen using it */
    const int32_t *deg;          /* ties */
    float lead[RNG_BATCH];       /* the signal of the chain of managers */
    const uint32_t *u0;          /* the decision's words */
} genai_batch;

/* Codes of genai_batch_decisions: 0 no use, 1 use, GENAI_BATCH_EXACT: the
 * table cannot tell (decide with logistic() itself). */
enum { GENAI_BATCH_EXACT = 2 };

/* The use decisions of agents 0..m-1 (m <= RNG_BATCH): whether
 * u0 < logistic(use_logit) * need with genai_day.c's arithmetic; permission_term
 * is w_permission * permission, table genai_logistic_table_fill's. */
void genai_batch_decisions(const genai_params *p, double permission_term, const double *table,
                           const genai_batch *in, int32_t m, uint8_t *code);

/* What the end of the day of a batch changes: the world's arrays from
 * first, and the batch's flags of the day (today, 0 without use). */
typedef struct genai_batch_days {
    uint32_t *history, *shown;
    float *habit, *simplify, *nudge;
    uint8_t *today_out;          /* the world's today */
    const uint8_t *today;
    const uint8_t *vis;          /* visibility the peer counts hold */
    uint8_t *differs;            /* out: 1 when an agent's visibility now differs from vis */
} genai_batch_days;

/* The end of the day of agents 0..m-1: habit grows with use and fades
 * without, the histories shift, prompts fade.  Returns how many agents'
 * visibility now differs from vis (and marks them in differs). */
int32_t genai_batch_end_days(const genai_params *p, const genai_batch_days *b, int32_t m);

/* What the tallies of a batch read: the world's arrays from first. */
typedef struct genai_batch_tally {
    const uint32_t *history, *shown;
    const uint8_t *today, *access, *disillusioned;
    const uint16_t *tally_cell;  /* genai_state.tally_cell from first */
} genai_batch_tally;

/* Where agents 0..m-1 go in their block's tallies: slot[j] and
 * slot[RNG_BATCH + j] index the block's histograms (cell x TALLY_SLOTS +
 * activity_code, + ACTIVITY_SLOTS + day_code), sum[j] its sums (cell x
 * N_SUMS). */
void genai_batch_tally_slots(int regular_days, const genai_batch_tally *in, int32_t m, int32_t *slot, int32_t *sum);

/* Tests only: 0 makes the loops use their plain build even on a CPU with
 * AVX-512, 1 (the default) the fastest. */
void genai_batch_simd_set(int on);

/* ---------- genai_day.c: the daily pass ---------- */

extern const sim_observable genai_observables[OBS_COUNT];
extern const sim_agent_field genai_agent_fields[AGENT_FIELDS];

/* Fill table with logistic() at the points below_logistic() reads. */
void genai_logistic_table_fill(double *table);

void genai_step(void *state, const sim_context *ctx, int32_t day);
void genai_observe(const void *state, const sim_context *ctx, double *values,
                   double *by_generation, double *by_level);
extern const int8_t genai_team_observables[OBS_COUNT];
void genai_observe_teams(const void *state, const sim_context *ctx, double *by_team);
void genai_agent_values(const void *state, const sim_context *ctx, int field, double *out);

#endif
