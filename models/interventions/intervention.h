/* intervention.h: what every intervention shares: when it acts (schedule),
 * whom it reaches (target) and what a session costs (hours), read from the
 * keys interventions.<name>.{enabled,start,end,every,hours,target.*}.
 *
 * Each module's state struct holds an iv_common `c`, filled by the common rows
 * of its table (INTERVENTION_COMMON_PARAMS binds them there).
 *
 * Schedule: an intervention acts from day `start` to day `end` (-1: to the
 * horizon).  Sessions fall on start, start + every, start + 2 every, ...
 * (every = 0: one session, on the start day).
 * Target: agents whose level, generation, team and department are listed
 * (each "all" or a comma list: levels "0-2,4", generations
 * "gen_z,millennial"; teams by name on an org chart, "Sales EMEA, E1100",
 * by number and range on a generated organization, "3,5-7"; departments by
 * name, "Finance, Legal": see sim/network.h for the names), of whom a
 * random share is drawn, capped at count (0: no cap).  A list of names is
 * split at commas and each name trimmed; a name holding a comma or a quote
 * is written in double quotes as in CSV ('"R&D, Legal", Sales', "" for a
 * quote), or the names are given as a YAML list ([Sales, "R&D, Legal"]),
 * which the scenario stores as that comma list (params.h).  Names are checked against the organization once it is built
 * (iv_check_target: an unknown name is an error with a did-you-mean).
 * Draws use rng purpose INTERVENTION_PURPOSE(name), so a target group does
 * not depend on which other interventions run. */
#ifndef MODELS_INTERVENTION_H
#define MODELS_INTERVENTION_H

#include <stdint.h>
#include "genai.h"

/* The common rows of an intervention's parameter table, first in every
 * table.  T is the module's state struct, whose member `c` (an iv_common)
 * they bind (scenario_bind fills them with the module's own rows); NAME is a
 * string literal; START the default start day as YAML text; WHO the default
 * levels. */
#define IV_COMMON_ROWS 11
/* Most names a YAML list of target.teams or target.departments may hold (a
 * comma list in one string has no limit). */
#define IV_MAX_NAMES 100000
#define INTERVENTION_COMMON_PARAMS(T, NAME, START, EVERY, HOURS, WHO)                             \
    {"interventions." NAME ".enabled", PARAM_BOOL, "", 0, 1, "false", NULL, 0,                 \
     "run this intervention", PARAM_FIELD(T, c.enabled)},                                       \
    {"interventions." NAME ".start", PARAM_INT, "day", 1, 1000000, START, NULL, 0,             \
     "first day it acts (days are stepped from 1; day 0 is the initial state)",                 \
     PARAM_FIELD_INT32(T, c.start)},                                                            \
    {"interventions." NAME ".end", PARAM_INT, "day", -1, 1000000, "-1", NULL, 0,               \
     "last day it acts (-1: until the end of the run)", PARAM_FIELD_INT32(T, c.end)},           \
    {"interventions." NAME ".every", PARAM_INT, "days", 0, 100000, EVERY, NULL, 0,             \
     "days between sessions (0: one session, on the start day)", PARAM_FIELD_INT32(T, c.every)}, \
    {"interventions." NAME ".hours", PARAM_DOUBLE, "hours", 0, 1000, HOURS, NULL, 0,           \
     "staff hours per participant per session", PARAM_FIELD(T, c.hours)},                       \
    {"interventions." NAME ".target.levels", PARAM_STRING, "", 0, 0, WHO, NULL, 0,             \
     "levels reached: all, or a list such as 0-2,4 (0 = chief officer)",                       \
     PARAM_FIELD(T, c.levels_text)},                                                            \
    {"interventions." NAME ".target.generations", PARAM_STRING, "", 0, 0, "all", NULL, 0,      \
     "generations reached: all, or a list such as gen_z,millennial",                            \
     PARAM_FIELD(T, c.generations_text)},                                                       \
    {"interventions." NAME ".target.teams", PARAM_STRING, "", 0, 0, "all", NULL, IV_MAX_NAMES, \
     "teams reached: all, or a comma list; org charts: team names (the team column's labels, "  \
     "else a manager's id for their direct reports), e.g. \"Sales EMEA, E1100\" (a name with a " \
     "comma in double quotes); generated organizations: team numbers such as 3,5-7",            \
     PARAM_FIELD(T, c.teams_text)},                                                             \
    {"interventions." NAME ".target.departments", PARAM_STRING, "", 0, 0, "all", NULL, IV_MAX_NAMES, \
     "departments reached: all, or a comma list of department names, e.g. \"Finance, Legal\": " \
     "the org chart's department column; without it, and in generated organizations, the "    \
     "branches under the chief officer, named by the level-1 head's id (generated: number)",   \
     PARAM_FIELD(T, c.departments_text)},                                                       \
    {"interventions." NAME ".target.share", PARAM_DOUBLE, "1", 0, 1, "1", NULL, 0,             \
     "share of the eligible agents reached (drawn at random)", PARAM_FIELD(T, c.share)},        \
    {"interventions." NAME ".target.count", PARAM_INT, "agents", 0, 2000000000, "0", NULL, 0,  \
     "at most this many agents (0: no cap)", PARAM_FIELD(T, c.count)}

/* Two more rows for a programme of repeated sessions whose modules take
 * part in them (the module then calls iv_attends and iv_dose): who comes to
 * a session, and how much less each repetition does.  ATTEND and FATIGUE
 * are the defaults as YAML text.  Modules without these rows never call
 * the two functions. */
#define IV_DOSE_ROWS 2
#define INTERVENTION_DOSE_PARAMS(T, NAME, ATTEND, FATIGUE)                                        \
    {"interventions." NAME ".attendance", PARAM_DOUBLE, "1", 0, 1, ATTEND, NULL, 0,               \
     "share of the targets who take part in a given session (each drawn per session)",          \
     PARAM_FIELD(T, c.attendance)},                                                             \
    {"interventions." NAME ".fatigue", PARAM_DOUBLE, "1", 0, 1, FATIGUE, NULL, 0,                 \
     "how much less each repetition does: the k-th session after the first acts with "         \
     "(1 - fatigue)^k of the strengths (a message heard again, a programme's novelty worn off)", \
     PARAM_FIELD(T, c.fatigue)}

typedef struct iv_common {
    const char *name;
    /* bound from the common rows */
    int enabled;
    int32_t start, end, every;
    double hours;
    const char *levels_text, *generations_text, *teams_text, *departments_text; /* target lists
                                                                as given (owned by the scenario) */
    double share;
    int64_t count;
    double attendance, fatigue;  /* INTERVENTION_DOSE_PARAMS (modules that have the rows) */
    uint32_t attend_purpose;     /* random-number purpose of the attendance draws (iv_common_parse) */
    /* iv_attends' draws, RNG_BATCH agents at a time (words of
     * rng_words_batch: the numbers rng_uniform gives), for sessions that go
     * through many targets: bit j of attend_mask[b] says whether agent
     * b * RNG_BATCH + j takes part on the day in attend_stamp[b] (epoch <<
     * 32 | day; the epoch counts the replicates' keys, attend_key the
     * last).  Allocated by iv_dose_parse while attendance is below 1 (owned;
     * NULL otherwise); attend_last: the agent of the last call */
    uint64_t *attend_mask;
    int64_t *attend_stamp;
    uint32_t attend_epoch;
    rng_key attend_key;
    int32_t attend_last;
    /* parsed from the lists (iv_common_parse) */
    uint64_t levels;      /* bit l: level l eligible (levels >= 63 share bit 63) */
    uint8_t generations;  /* bit g: generation g eligible */
    int32_t *teams;       /* sorted team ids, NULL: all teams or team_names (owned) */
    int32_t n_teams;
    char **team_names;    /* org charts: the team names listed, sorted by strcmp, each once;
                             NULL: all teams (owned) */
    int32_t n_team_names;
    char **department_names; /* the department names listed, sorted, each once; NULL: all
                                departments (owned) */
    int32_t n_department_names;
} iv_common;

/* Parse the target lists of c, whose rows scenario_bind has filled, and
 * check the schedule (bad lists and an end before the start are reported at
 * their key); name is the intervention's.  Free with iv_common_free. */
int iv_common_parse(const scenario *scn, const char *name, iv_common *c, sim_error *err);
void iv_common_free(iv_common *c);

/* Fill c from the common rows of intervention t alone (without its state):
 * what genai reads to decide whether t runs and to check its schedule and
 * target.  iv_common_read also parses (iv_common_parse). */
void iv_common_bind(const scenario *scn, const genai_intervention_type *t, iv_common *c);
int iv_common_read(const scenario *scn, const genai_intervention_type *t, iv_common *c, sim_error *err);

/* The schedule against the run (run.days = days): a start after the last day
 * is an error (it would never act); an `every` that gives no second session
 * within the run while `end` or `every` is set is a warning (one session, as
 * every: 0). */
int iv_check_schedule(const scenario *scn, const iv_common *c, int32_t days, sim_error *err);
void iv_warn_schedule(const scenario *scn, const iv_common *c, int32_t days, sim_warnings *out);

/* The target against the built organization: a level, team or department
 * listed that does not exist (a name: with a did-you-mean among the
 * organization's names), nobody matching levels x generations x teams x
 * departments (among the agents with direct reports when leaders_only), or
 * a share of them that rounds to nobody, are errors at their key. */
int iv_check_target(const scenario *scn, const iv_common *c, const sim_network *net, int leaders_only,
                    sim_error *err);

/* Whether day falls within [start, end]. */
int iv_active(const iv_common *c, int32_t day);

/* Whether a session falls on day. */
int iv_session(const iv_common *c, int32_t day);

/* Whether agent i meets the level, generation, team and department
 * conditions (names: a binary search among the names listed). */
int iv_eligible(const iv_common *c, const genai_world *w, int32_t i);

/* Draw the target group among eligible agents (and, if extra is not NULL,
 * those with extra[i] != 0) for this replicate: writes their ids in
 * increasing order into ids (room for w->n) and returns how many. */
int32_t iv_select(const iv_common *c, const genai_world *w, const uint8_t *extra, int32_t *ids);

/* For a module with INTERVENTION_DOSE_PARAMS, after iv_common_parse: an
 * enabled programme whose attendance is 0 would do nothing, an error at its
 * key; below 1, the room for iv_attends' draws of w's agents (freed by
 * iv_common_free). */
int iv_dose_parse(const scenario *scn, const genai_world *w, iv_common *c, sim_error *err);

/* Whether target i takes part in the session on day (attendance: the
 * uniform rng_uniform(key, i, day, purpose) below it, with a purpose of
 * the intervention's own, so it does not depend on other programmes).
 * Always 1 at attendance 1.  Where the calls come close together it draws
 * RNG_BATCH agents at once and keeps them for the day in c (the caller's
 * state, used by one thread), in any order of the calls: the same
 * numbers. */
int iv_attends(iv_common *c, const genai_world *w, int32_t i, int32_t day);

/* The share of its strengths a session on day acts with: (1 - fatigue)^k
 * for the k-th session after the first (the programme's sessions, counted
 * from its start). */
double iv_dose(const iv_common *c, int32_t day);

/* Random-number purpose of an intervention (a hash of its name). */
uint32_t iv_purpose(const char *name);

#endif
