/* genai.h: the generative-AI adoption model: staff, their traits and daily
 * state, and the interface through which interventions act on them.
 *
 * The world is a structure of arrays, one entry per agent (agent ids as in
 * the network: breadth-first from the chief officer, teams contiguous).
 * Units: traits and attitude are on the logit scale of the daily use
 * decision (0 = neutral); skill and habit are in [0, 1]; days are whole
 * simulation days; money in dollars; time in staff hours.
 *
 * Ownership: the model allocates the world; interventions may change any
 * state array but never reallocate one, and never write history or shown:
 * only the decision pass records use (genai_day.c keeps the peer counts up
 * to date from the changes it sees there, and pushes them while the
 * interventions run). */
#ifndef MODELS_GENAI_H
#define MODELS_GENAI_H

#include <stdint.h>
#include "model.h"

extern const sim_model_type genai_model;

/* Role bits (genai_world.roles). */
enum {
    GENAI_ROLE_VANGUARD = 1,       /* AI vanguard member */
    GENAI_ROLE_MENTOR = 2,         /* reverse mentor (junior teaching a leader) */
    GENAI_ROLE_MENTEE = 4,         /* leader being reverse-mentored */
    GENAI_ROLE_PEER_MENTOR = 8,    /* peer-to-peer mentor */
    GENAI_ROLE_PEER_MENTEE = 16,   /* peer-to-peer mentee */
    GENAI_ROLE_TRAINED = 32,       /* attended training */
    GENAI_ROLES_OPEN = GENAI_ROLE_VANGUARD | GENAI_ROLE_MENTOR | GENAI_ROLE_MENTEE
    /* roles whose use is shown openly, never hidden from seniors */
};

/* Flags of what happened today (genai_world.today). */
enum { GENAI_USED = 1, GENAI_VALUABLE = 2, GENAI_HIDDEN = 4 };

/* The model's coefficients, filled once from model.genai.* by the bound rows
 * of its parameter table (genai.c, scenario_bind; params.h gives each field's
 * C type by the row's type). */
typedef struct genai_params {
    /* traits: mean by generation (4 values) + shift by level (1 to 16 values, the
     * last repeats below) + sd * N(0,1); indexed by TRAIT_* */
    param_list trait_gen[5], trait_level[5];
    double trait_sd[5];
    double attitude0, attitude_sd;          /* initial attitude */
    double skill0;                          /* initial skill */
    /* daily use decision (logit) */
    double w_intercept, w_attitude, w_habit, w_peers, w_leader, w_permission, w_nudge;
    double w_time, w_expertise, w_affinity;
    /* tasks */
    double task_complexity, task_spread, task_steepness, tool_edge, value_threshold;
    /* learning */
    double learn_rate, gain_valuable, gain_trivial, loss_failure, expertise_discount, attitude_cap;
    double habit_rate, habit_decay;
    int32_t disillusion_after;
    double recovery_rate, attitude_recovered;
    double nudge_decay;
    /* leaders */
    int32_t leader_reach;
    double leader_decay, leader_w_model, leader_w_say;
    /* climate */
    double permission0;
    /* observables */
    int32_t regular_days;
    /* time saved and what it is worth (observed: they change no behaviour) */
    double minutes_valuable, minutes_trivial, minutes_failure, minutes_beyond; /* minutes per use */
    param_list saved_gen, saved_level;      /* factor of the minutes a success saves, by generation
                                               (4 values) and by level (the last repeats below) */
    param_list hourly_cost;                 /* dollars per staff hour, by level (the last repeats) */
    /* the tool's frontier: tasks more complex than it are beyond what the tool does well */
    double frontier_level, frontier_penalty;
    param_list releases;                    /* days of the tool's new versions (n = 0: none) */
    double frontier_step, frontier_stale;   /* frontier rise and share of skill gone stale per release */
    double frontier_erosion;                /* share of a positive expertise confidence lost per release */
    const char *suitability;                /* "Name=share, ...": departments' task suitability ("" none) */
    double need_median, need_sd;
    double w_first;                         /* log-odds against a first ever use (the first try) */            /* a person's share of days with work the tool can help with:
                                               logit-normal, median (0..1) and sd (logit) */
    /* turnover and hiring */
    int turnover;                           /* 1: staff leave and are replaced */
    param_list leave_gen, leave_level;      /* monthly chance of leaving by generation (4), factor by level */
    double left_behind_factor, left_behind_gap; /* staff this far below their team's mean skill leave
                                               this many times as often */
    param_list hire_mix;                    /* generations of hires (4 weights) */
    int32_t onboarding_days;                /* a hire's first days without the tool */
    int turnover_roles;                     /* TURNOVER_REFILLED or TURNOVER_LOST (the bound index) */
} genai_params;

/* What happens to a leaver's roles (model.genai.turnover.roles). */
enum { TURNOVER_REFILLED, TURNOVER_LOST };

/* Trait indices into genai_params.trait_* and genai_world.trait. */
enum { TRAIT_AFFINITY, TRAIT_TIME, TRAIT_EXPERTISE, TRAIT_AMBITION, TRAIT_CAUTION, GENAI_TRAITS };

typedef struct genai_world {
    const sim_network *net;
    const genai_params *par;
    int32_t n;
    rng_key key;
    int32_t day;                 /* the day being simulated */

    /* traits, drawn per replicate (logit units) */
    float *trait[GENAI_TRAITS];  /* tech affinity, time pressure, expertise confidence,
                                    complexity ambition, social caution */
    /* state */
    uint8_t *access;             /* 1: has a licence */
    float *attitude;             /* perceived usefulness (logit units) */
    float *skill;                /* 0..1 */
    float *habit;                /* automaticity 0..1 */
    uint32_t *history;           /* bit k: used k days ago (bit 0 = today) */
    uint32_t *shown;             /* same, uses visible to seniors */
    uint8_t *failures;           /* consecutive failed uses */
    uint8_t *disillusioned;      /* 1: stopped after repeated failure */
    uint8_t *roles;              /* GENAI_ROLE_* */
    uint8_t *today;              /* GENAI_USED | GENAI_VALUABLE | GENAI_HIDDEN */
    float *nudge;                /* personal prompts (logit units), decay by nudge_decay a day */
    float *endorse;              /* how positively a leader speaks about it, -1..1 (leaders) */
    float *recovery;             /* extra daily chance to recover from disillusion */
    float *conceal;              /* 0..1: the person's draw of concealment: uses are hidden from seniors
                                    while conceal < logistic(social caution) x (1 - permission) (fixed) */
    float *need;                 /* 0..1: share of days with a task the tool can help with (task
                                    suitability of the person's work; drawn per person, fixed) */
    float *simplify;             /* 0..1: the next task is a compliance task (accountability): its complexity,
                                    and the skill and habit it builds, are (1 - simplify) of an ordinary one's */
    int32_t *uses, *valuable_uses; /* per-agent totals this replicate */
    /* turnover (model.genai.turnover): each agent is a position in the
     * organization; its occupant may leave and be replaced by a hire */
    uint32_t *person;            /* the occupant's id: the agent number for the staff of day 0, n + k for
                                    the k-th hire of the replicate */
    int32_t *hired_day;          /* day the occupant was hired (-1: on the staff at day 0) */
    int32_t *onboard_until;      /* no use before this day (onboarding; 0: none) */
    int8_t *generation;          /* the occupant's generation (the network's for the staff of day 0) */
    uint8_t *version_used;       /* the tool's version (releases so far) at the agent's last use or
                                    training (0 before any release) */
    /* derived each day from yesterday's state (the peer and leader signals
     * each agent reads are kept privately by genai_day.c) */
    float *voice;                /* a leader's own example (visible use, what they say) */
    /* organization */
    int32_t *n_reports;          /* direct reports (leaders have > 0) */
    /* organization-wide climate */
    double permission;           /* 0..1: how explicitly use is permitted */
    /* the tool */
    double frontier;             /* 0..1: tasks more complex than this are beyond the tool's frontier */
    int32_t version;             /* releases so far (model.genai.frontier.releases up to today) */
    /* costs, cumulative */
    double cost_dollars, cost_hours;
    double *staff_hours;         /* [generation x n_levels + level]: staff hours spent on the
                                    interventions by participants in that cell, cumulative
                                    (iv_charge_hours; NULL: not kept) */
} genai_world;

/* Used in the last `days` days (1..32), from a history bitmask. */
static inline int genai_used_within(uint32_t history, int days)
{
    uint32_t mask = days >= 32 ? 0xffffffffu : ((1u << days) - 1u);
    return (history & mask) != 0;
}

/* An intervention: one module each in models/interventions/.  Its keys are
 * interventions.<name>.*, the rows of params: first the common schedule,
 * target and cost rows (intervention.h), then its own; every row binds a
 * field of the module's state, which alloc fills with scenario_bind. */
typedef struct genai_intervention_type {
    const char *name;
    const char *summary;         /* one line: what it moves and why */
    const param_def *params;
    int (*alloc)(const scenario *scn, const genai_world *w, void **state, sim_error *err);
    void (*free)(void *state);
    /* Start of a replicate. */
    void (*init)(void *state, genai_world *w);
    /* Each day before agents decide (only called while enabled); must not
     * write history or shown (see Ownership above). */
    void (*apply)(void *state, genai_world *w, int32_t day);
    int leaders_only;            /* 1: reaches only targets with direct reports (checked
                                    against the built organization: someone must be there) */
    /* Optional (NULL: nothing to do): agent i's occupant left and the
     * position's roles in this programme are lost (turnover.roles: lost):
     * drop i from the programme's groups and pairs (its partners may be
     * paired again).  Called by the model's turnover pass, serially, before
     * the hire arrives; must not allocate. */
    void (*leave)(void *state, genai_world *w, int32_t i);
    /* Optional (NULL: none): warnings about the module's own settings that
     * would do nothing as combined (called by the model's warnings, only
     * for an enabled intervention). */
    void (*warn)(const scenario *scn, sim_warnings *out);
} genai_intervention_type;

/* NULL-terminated list of the interventions (models/interventions/list.c). */
extern const genai_intervention_type *const genai_interventions[];

#endif
