/* vanguard.c: the AI vanguard.  On the first day it is active it picks, from
 * every team, the per_team eligible agents most willing to go first
 * (willingness = attitude + tech affinity + habit_weight x habit +
 * recent_weight if used in the last 30 days; ties to the lower id) and marks
 * them GENAI_ROLE_VANGUARD: members use it openly (the core never hides the
 * use of GENAI_ROLES_OPEN) and stay embedded in their teams.  At each
 * meeting (every `every` days) members share wins and vet roadblocks: their
 * skill rises by meeting_skill x (1 - skill), attitude by meeting_attitude,
 * failures and disillusion are cleared, and they leave with a prompt
 * (meeting_nudge).  They then bring their teams along: every other member of
 * a team with a vanguard member gets team_nudge.  Members get no licence from
 * the vanguard; access comes from licences only.  A team is net->team (team
 * 0 is the chief officer alone, so the default target leaves level 0 out). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "intervention.h"
#include "interventions.h"

#define NAME "vanguard"

/* In the order of the choices of .selection. */
enum { SELECT_VOLUNTEERS, SELECT_APPOINTED };

typedef struct vanguard {
    iv_common c;
    int32_t per_team;
    double meeting_skill, meeting_attitude, meeting_nudge, team_nudge, habit_weight, recent_weight;
    int selection;                   /* SELECT_* (the bound index of .selection) */
    double volunteer_min;
    int32_t n_teams;
    int32_t *team_start, *team_ids;  /* agents grouped by team */
    int32_t *scratch;                /* candidates of one team */
    uint8_t *in_pool;                /* 1: eligible (drawn into the target) */
    double *score;                   /* willingness, by agent */
    int32_t *members;
    int32_t n_members;
    uint8_t *has_member;             /* by team */
    double *team_voice;              /* by team: sum over the members at today's meeting of tanh(attitude) */
    int32_t *team_came;              /* by team: members at today's meeting */
    int picked;
} vanguard;

static const param_def vanguard_params[] = {
    INTERVENTION_COMMON_PARAMS(vanguard, NAME, "1", "14", "1", "1-63"),
    INTERVENTION_DOSE_PARAMS(vanguard, NAME, "0.8", "0.02"),
    {"interventions." NAME ".selection", PARAM_ENUM, "", 0, 0, "volunteers", "volunteers|appointed", 0,
     "volunteers: the most willing of each team, only those whose willingness reaches volunteer_min (a team "
     "without one has no member); appointed: per_team members drawn at random, willing or not",
     PARAM_FIELD(vanguard, selection)},
    {"interventions." NAME ".volunteer_min", PARAM_DOUBLE, "logit", -20, 20, "0.5", NULL, 0,
     "volunteers: least willingness (attitude + tech affinity + habit and recent-use terms) to volunteer",
     PARAM_FIELD(vanguard, volunteer_min)},
    {"interventions." NAME ".per_team", PARAM_INT, "agents", 1, 1000, "1", NULL, 0,
     "members drawn from each team (the most willing eligible agents)",
     PARAM_FIELD_INT32(vanguard, per_team)},
    {"interventions." NAME ".meeting_skill", PARAM_DOUBLE, "1", 0, 1, "0.05", NULL, 0,
     "skill a member gains at a meeting, times (1 - skill)", PARAM_FIELD(vanguard, meeting_skill)},
    {"interventions." NAME ".meeting_attitude", PARAM_DOUBLE, "logit", -5, 5, "0.1", NULL, 0,
     "attitude a member gains at a meeting (shared wins)", PARAM_FIELD(vanguard, meeting_attitude)},
    {"interventions." NAME ".meeting_nudge", PARAM_DOUBLE, "logit", 0, 20, "0.5", NULL, 0,
     "prompt a member leaves a meeting with", PARAM_FIELD(vanguard, meeting_nudge)},
    {"interventions." NAME ".team_nudge", PARAM_DOUBLE, "logit", 0, 20, "0.4", NULL, 0,
     "prompt to each other member of a member's team after a meeting, times the mean tanh(attitude) of the "
     "team's members there (an unconvinced member speaks against it)",
     PARAM_FIELD(vanguard, team_nudge)},
    {"interventions." NAME ".habit_weight", PARAM_DOUBLE, "logit", 0, 20, "2", NULL, 0,
     "willingness to join: weight of habit strength (added to attitude + tech affinity)",
     PARAM_FIELD(vanguard, habit_weight)},
    {"interventions." NAME ".recent_weight", PARAM_DOUBLE, "logit", 0, 20, "1", NULL, 0,
     "willingness to join: added if the agent used it in the last 30 days",
     PARAM_FIELD(vanguard, recent_weight)},
    PARAM_END};

static void vanguard_free(void *state)
{
    vanguard *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->team_start);
    free(s->team_ids);
    free(s->scratch);
    free(s->in_pool);
    free(s->score);
    free(s->members);
    free(s->has_member);
    free(s->team_voice);
    free(s->team_came);
    free(s);
}

static int vanguard_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    vanguard *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scenario_bind(scn, vanguard_params, s);
    int rc = iv_common_parse(scn, NAME, &s->c, err);
    if (!rc) rc = iv_dose_parse(scn, w, &s->c, err);
    if (rc) {
        vanguard_free(s);
        return rc;
    }
    if (w->net) {
        if (!w->net->team) {
            vanguard_free(s);
            return scenario_error(scn, "interventions." NAME ".enabled", err,
                                  "the vanguard needs an organization with teams");
        }
        const int32_t n = w->n;
        s->n_teams = w->net->n_teams;
        s->team_start = iv_calloc((int64_t)s->n_teams + 1, sizeof *s->team_start);
        s->team_ids = iv_calloc(n, sizeof *s->team_ids);
        s->scratch = iv_calloc(n, sizeof *s->scratch);
        s->in_pool = iv_calloc(n, sizeof *s->in_pool);
        s->score = iv_calloc(n, sizeof *s->score);
        s->members = iv_calloc(n, sizeof *s->members);
        s->has_member = iv_calloc(s->n_teams, sizeof *s->has_member);
        s->team_voice = iv_calloc(s->n_teams, sizeof *s->team_voice);
        s->team_came = iv_calloc(s->n_teams, sizeof *s->team_came);
        if (!s->team_start || !s->team_ids || !s->scratch || !s->in_pool || !s->score || !s->members ||
            !s->has_member || !s->team_voice || !s->team_came) {
            vanguard_free(s);
            return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", NAME);
        }
        iv_group(w->net->team, n, s->n_teams, s->team_start, s->team_ids);
    }
    *state = s;
    return SIM_OK;
}

static void vanguard_init(void *state, genai_world *w)
{
    vanguard *s = state;
    (void)w;
    s->picked = 0;
    s->n_members = 0;
}

/* Volunteers: the most willing eligible agents of every team who reach
 * volunteer_min join.  Appointed: per_team eligible agents of every team
 * drawn at random (a draw per agent from the intervention's purpose). */
static void pick(vanguard *s, genai_world *w)
{
    int32_t m = iv_select(&s->c, w, NULL, s->scratch);
    memset(s->in_pool, 0, (size_t)w->n);
    for (int32_t k = 0; k < m; k++) s->in_pool[s->scratch[k]] = 1;
    memset(s->has_member, 0, (size_t)s->n_teams);
    s->n_members = 0;
    for (int32_t t = 0; t < s->n_teams; t++) {
        int32_t cnt = 0;
        for (int32_t k = s->team_start[t]; k < s->team_start[t + 1]; k++) {
            int32_t j = s->team_ids[k];
            if (!s->in_pool[j]) continue;
            s->score[j] = (double)w->attitude[j] + (double)w->trait[TRAIT_AFFINITY][j] +
                          s->habit_weight * (double)w->habit[j] +
                          (genai_used_within(w->history[j], IV_RECENT_DAYS) ? s->recent_weight : 0);
            if (s->selection == SELECT_APPOINTED)
                s->score[j] = rng_uniform(w->key, (uint32_t)j, 2, iv_purpose(NAME));
            else if (s->score[j] < s->volunteer_min)
                continue; /* not willing to volunteer */
            s->scratch[cnt++] = j;
        }
        if (cnt == 0) continue;
        iv_rank(s->scratch, cnt, s->score);
        for (int32_t q = 0; q < cnt && q < s->per_team; q++) {
            int32_t j = s->scratch[q];
            s->members[s->n_members++] = j;
            w->roles[j] |= GENAI_ROLE_VANGUARD;
        }
        s->has_member[t] = 1;
    }
    s->picked = 1;
}

static void vanguard_apply(void *state, genai_world *w, int32_t day)
{
    vanguard *s = state;
    if (!iv_active(&s->c, day)) return;
    if (!s->picked) pick(s, w);
    if (!iv_session(&s->c, day)) return;
    const double dose = iv_dose(&s->c, day);
    int32_t came = 0;
    memset(s->team_voice, 0, (size_t)s->n_teams * sizeof *s->team_voice);
    memset(s->team_came, 0, (size_t)s->n_teams * sizeof *s->team_came);
    for (int32_t k = 0; k < s->n_members; k++) {
        int32_t i = s->members[k];
        if (!iv_attends(&s->c, w, i, day)) continue;
        came++;
        iv_add_skill(w, i, dose * s->meeting_skill * (1 - (double)w->skill[i]));
        iv_add_attitude(w, i, dose * s->meeting_attitude);
        w->failures[i] = 0;
        w->disillusioned[i] = 0;
        w->nudge[i] += (float)(dose * s->meeting_nudge);
        iv_charge_hours(w, i, s->c.hours);
        /* what the member will say to the team: how convinced they are after the meeting */
        s->team_voice[w->net->team[i]] += tanh((double)w->attitude[i]);
        s->team_came[w->net->team[i]]++;
    }
    for (int32_t t = 0; t < s->n_teams; t++) {
        if (!s->has_member[t] || !s->team_came[t]) continue;
        const float prompt = (float)(dose * s->team_nudge * s->team_voice[t] / s->team_came[t]);
        for (int32_t k = s->team_start[t]; k < s->team_start[t + 1]; k++) {
            int32_t j = s->team_ids[k];
            if (!(w->roles[j] & GENAI_ROLE_VANGUARD)) w->nudge[j] += prompt;
        }
    }
    w->cost_hours += s->c.hours * came;
}

/* A member who leaves (turnover.roles: lost) leaves the vanguard; a team
 * left without a member gets no team prompts any more. */
static void vanguard_leave(void *state, genai_world *w, int32_t i)
{
    vanguard *s = state;
    int32_t kept = 0, team = w->net->team[i], team_left = 0;
    for (int32_t k = 0; k < s->n_members; k++) {
        if (s->members[k] == i) continue;
        s->members[kept++] = s->members[k];
        team_left |= w->net->team[s->members[k]] == team;
    }
    if (kept == s->n_members) return;
    s->n_members = kept;
    if (!team_left) s->has_member[team] = 0;
}

/* volunteer_min is the bar of selection: volunteers; appointed members
 * pass no bar. */
static void vanguard_warn(const scenario *scn, sim_warnings *out)
{
    const param_value *bar = scenario_find(scn, "interventions." NAME ".volunteer_min");
    if (strcmp(scenario_string(scn, "interventions." NAME ".selection"), "appointed") == 0 && bar &&
        bar->source != PARAM_FROM_DEFAULT)
        scenario_warn(scn, "interventions." NAME ".volunteer_min", out,
                      "does nothing with selection: appointed (appointed members pass no bar)");
}

const genai_intervention_type vanguard_intervention = {
    NAME, "AI vanguard: the most willing of every team meet to share wins and bring their teams along",
    vanguard_params, vanguard_alloc, vanguard_free, vanguard_init, vanguard_apply, 0, vanguard_leave, vanguard_warn};
