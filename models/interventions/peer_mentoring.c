/* peer_mentoring.c: a peer-to-peer mentoring network (story 4: when the
 * field moves faster than experience can be handed down, peers teach each
 * other).  At each session (every `every` days) every target novice (skill
 * below novice_skill) who has no peer mentor yet is paired: with the most
 * skilled teammate (same net->team) who qualifies as a mentor (skill at least
 * mentor_skill, used it in the last 30 days, fewer than mentees_per_mentor
 * mentees), ties to the lower id; novices are served in id order, so the
 * best mentor fills up before the next one is used.  If the team has no
 * such mentor left, the novice is paired the same way within the department:
 * everyone who shares their manager's manager (the sibling teams under the
 * same head); otherwise the novice stays unpaired until a later session.
 * Pairs last for the replicate.
 *
 * At each session a mentee closes transfer x the skill gap to the mentor (if
 * the mentor knows more), gains a lasting extra chance to come back from
 * disillusion (recovery_boost, up to recovery_max), comes back at once with
 * probability recover_probability if disillusioned, and leaves with a
 * prompt; the mentor gains confidence (attitude, per mentee).  Roles GENAI_ROLE_PEER_MENTOR and
 * GENAI_ROLE_PEER_MENTEE.  Cost: hours for each of the two per pair per
 * session. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "intervention.h"
#include "interventions.h"

#define NAME "peer_mentoring"

typedef struct peer_mentoring {
    iv_common c;
    double novice_skill, mentor_skill, transfer, recovery_boost, recovery_max, recover_probability;
    double mentee_nudge, mentor_attitude;
    int32_t cap;                       /* mentees per mentor */
    uint32_t purpose;                  /* random draws of recovery */
    int32_t n_teams;
    int32_t *team_start, *team_ids;    /* agents grouped by team */
    int32_t *dept_start, *dept_ids;    /* agents grouped by their manager's manager (NULL: none) */
    uint8_t *is_target;
    int32_t *mentor_of;                /* -1: no peer mentor */
    int32_t *load;                     /* mentees of each mentor */
    int32_t *paired;                   /* mentees in the order they were paired */
    int32_t n_pairs;
    int32_t *unpaired;                 /* targets without a peer mentor yet (may lag: see anyone_waiting) */
    int32_t n_unpaired;
    int32_t *scratch;
    double *score;
} peer_mentoring;

static const param_def peer_mentoring_params[] = {
    INTERVENTION_COMMON_PARAMS(peer_mentoring, NAME, "1", "7", "0.5", "all"),
    INTERVENTION_DOSE_PARAMS(peer_mentoring, NAME, "0.7", "0.02"),
    {"interventions." NAME ".novice_skill", PARAM_DOUBLE, "1", 0, 1, "0.4", NULL, 0,
     "a target with skill below this is a novice who gets a peer mentor",
     PARAM_FIELD(peer_mentoring, novice_skill)},
    {"interventions." NAME ".mentor_skill", PARAM_DOUBLE, "1", 0, 1, "0.5", NULL, 0,
     "a peer mentor has at least this skill (and used it in the last 30 days); not below novice_skill",
     PARAM_FIELD(peer_mentoring, mentor_skill)},
    {"interventions." NAME ".mentees_per_mentor", PARAM_INT, "agents", 1, 1000, "3", NULL, 0,
     "most mentees one peer mentor takes", PARAM_FIELD_INT32(peer_mentoring, cap)},
    {"interventions." NAME ".transfer", PARAM_DOUBLE, "1", 0, 1, "0.2", NULL, 0,
     "share of the skill gap to the mentor a mentee closes at a session",
     PARAM_FIELD(peer_mentoring, transfer)},
    {"interventions." NAME ".recovery_boost", PARAM_DOUBLE, "1/day", 0, 1, "0.02", NULL, 0,
     "added to a mentee's daily chance of coming back from disillusion at a session (lasting)",
     PARAM_FIELD(peer_mentoring, recovery_boost)},
    {"interventions." NAME ".recovery_max", PARAM_DOUBLE, "1/day", 0, 1, "0.05", NULL, 0,
     "sessions raise that extra daily chance no further than this",
     PARAM_FIELD(peer_mentoring, recovery_max)},
    {"interventions." NAME ".recover_probability", PARAM_DOUBLE, "1", 0, 1, "0.3", NULL, 0,
     "chance a disillusioned mentee comes back at a session",
     PARAM_FIELD(peer_mentoring, recover_probability)},
    {"interventions." NAME ".mentee_nudge", PARAM_DOUBLE, "logit", 0, 20, "0.5", NULL, 0,
     "prompt a mentee leaves a session with", PARAM_FIELD(peer_mentoring, mentee_nudge)},
    {"interventions." NAME ".mentor_attitude", PARAM_DOUBLE, "logit", -5, 5, "0.05", NULL, 0,
     "attitude a mentor gains per mentee met at a session (confidence)",
     PARAM_FIELD(peer_mentoring, mentor_attitude)},
    PARAM_END};

static void peer_mentoring_free(void *state)
{
    peer_mentoring *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->team_start);
    free(s->team_ids);
    free(s->dept_start);
    free(s->dept_ids);
    free(s->is_target);
    free(s->mentor_of);
    free(s->load);
    free(s->paired);
    free(s->unpaired);
    free(s->scratch);
    free(s->score);
    free(s);
}

static int peer_mentoring_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    peer_mentoring *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scenario_bind(scn, peer_mentoring_params, s);
    int rc = iv_common_parse(scn, NAME, &s->c, err);
    if (!rc) rc = iv_dose_parse(scn, w, &s->c, err);
    if (rc) {
        peer_mentoring_free(s);
        return rc;
    }
    s->purpose = iv_purpose(NAME ".recover");
    if (s->mentor_skill < s->novice_skill) {
        rc = scenario_error(scn, "interventions." NAME ".mentor_skill", err,
                            "must be at least novice_skill (%g): a novice cannot mentor", s->novice_skill);
        peer_mentoring_free(s);
        return rc;
    }
    if (w->net) {
        const sim_network *net = w->net;
        const int32_t n = w->n;
        if (!net->team) {
            peer_mentoring_free(s);
            return scenario_error(scn, "interventions." NAME ".enabled", err,
                                  "peer mentoring needs an organization with teams");
        }
        s->n_teams = net->n_teams;
        int ok = (s->team_start = iv_calloc((int64_t)s->n_teams + 1, sizeof *s->team_start)) != NULL;
        ok &= (s->team_ids = iv_calloc(n, sizeof *s->team_ids)) != NULL;
        ok &= (s->is_target = iv_calloc(n, 1)) != NULL;
        ok &= (s->mentor_of = iv_calloc(n, sizeof *s->mentor_of)) != NULL;
        ok &= (s->load = iv_calloc(n, sizeof *s->load)) != NULL;
        ok &= (s->paired = iv_calloc(n, sizeof *s->paired)) != NULL;
        ok &= (s->unpaired = iv_calloc(n, sizeof *s->unpaired)) != NULL;
        ok &= (s->scratch = iv_calloc(n, sizeof *s->scratch)) != NULL;
        ok &= (s->score = iv_calloc(n, sizeof *s->score)) != NULL;
        if (ok && net->manager) {
            ok &= (s->dept_start = iv_calloc((int64_t)n + 1, sizeof *s->dept_start)) != NULL;
            ok &= (s->dept_ids = iv_calloc(n, sizeof *s->dept_ids)) != NULL;
        }
        if (!ok) {
            peer_mentoring_free(s);
            return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", NAME);
        }
        iv_group(net->team, n, s->n_teams, s->team_start, s->team_ids);
        if (s->dept_start) {
            for (int32_t i = 0; i < n; i++) {
                int32_t m = net->manager[i];
                s->scratch[i] = m >= 0 ? net->manager[m] : -1;
            }
            iv_group(s->scratch, n, n, s->dept_start, s->dept_ids);
        }
    }
    *state = s;
    return SIM_OK;
}

static void peer_mentoring_init(void *state, genai_world *w)
{
    peer_mentoring *s = state;
    s->n_pairs = s->n_unpaired = 0;
    if (!s->c.enabled) return;
    int32_t m = iv_select(&s->c, w, NULL, s->scratch);
    memset(s->is_target, 0, (size_t)w->n);
    for (int32_t k = 0; k < m; k++) s->is_target[s->scratch[k]] = 1;
    for (int32_t k = 0; k < m; k++) s->unpaired[k] = s->scratch[k];
    s->n_unpaired = m;
    for (int32_t i = 0; i < w->n; i++) {
        s->mentor_of[i] = -1;
        s->load[i] = 0;
    }
}

static int waiting(const peer_mentoring *s, const genai_world *w, int32_t j)
{
    return s->is_target[j] && s->mentor_of[j] < 0 && w->skill[j] < s->novice_skill;
}

static int can_mentor(const peer_mentoring *s, const genai_world *w, int32_t j)
{
    return s->load[j] < s->cap && w->skill[j] >= s->mentor_skill &&
           genai_used_within(w->history[j], IV_RECENT_DAYS);
}

/* Within each group, serve the waiting novices (in id order) from the
 * qualified mentors, most skilled first, each filled up to the cap. */
static void pair_within(peer_mentoring *s, genai_world *w, const int32_t *start, const int32_t *ids,
                        int32_t n_groups)
{
    for (int32_t g = 0; g < n_groups; g++) {
        int32_t a = start[g], b = start[g + 1], novices = 0;
        for (int32_t k = a; k < b && !novices; k++) novices = waiting(s, w, ids[k]);
        if (!novices) continue;
        int32_t mc = 0;
        for (int32_t k = a; k < b; k++) {
            int32_t j = ids[k];
            if (!can_mentor(s, w, j)) continue;
            s->score[j] = w->skill[j];
            s->scratch[mc++] = j;
        }
        if (mc == 0) continue;
        iv_rank(s->scratch, mc, s->score);
        int32_t p = 0;
        for (int32_t k = a; k < b; k++) {
            int32_t j = ids[k];
            if (!waiting(s, w, j)) continue;
            while (p < mc && s->load[s->scratch[p]] >= s->cap) p++;
            if (p == mc) break;
            int32_t m = s->scratch[p];
            s->mentor_of[j] = m;
            s->load[m]++;
            s->paired[s->n_pairs++] = j;
            w->roles[m] |= GENAI_ROLE_PEER_MENTOR;
            w->roles[j] |= GENAI_ROLE_PEER_MENTEE;
        }
    }
}

/* Whether any target is waiting for a mentor.  Drops the targets paired
 * since the last call from the unpaired list, so a session costs little
 * once every target is paired or skilled (the scan of every team and
 * department in pair_within was the largest serial cost of a large
 * organization's day). */
static int anyone_waiting(peer_mentoring *s, const genai_world *w)
{
    int32_t kept = 0;
    int any = 0;
    for (int32_t k = 0; k < s->n_unpaired; k++) {
        int32_t j = s->unpaired[k];
        if (s->mentor_of[j] >= 0) continue;
        s->unpaired[kept++] = j;
        any |= waiting(s, w, j);
    }
    s->n_unpaired = kept;
    return any;
}

static void peer_mentoring_apply(void *state, genai_world *w, int32_t day)
{
    peer_mentoring *s = state;
    if (!iv_session(&s->c, day)) return;
    if (anyone_waiting(s, w)) {
        pair_within(s, w, s->team_start, s->team_ids, s->n_teams);
        if (s->dept_start) pair_within(s, w, s->dept_start, s->dept_ids, w->n);
    }
    const double recovered = w->par ? w->par->attitude_recovered : 0;
    const double dose = iv_dose(&s->c, day);
    int32_t met = 0;
    for (int32_t p = 0; p < s->n_pairs; p++) {
        int32_t i = s->paired[p], m = s->mentor_of[i];
        if (!iv_attends(&s->c, w, i, day)) continue; /* the pair does not meet this time */
        met++;
        double gap = iv_knowledge(w, m) - (double)w->skill[i];
        if (gap > 0) iv_add_skill(w, i, dose * s->transfer * gap);
        iv_add_recovery(w, i, dose * s->recovery_boost, s->recovery_max);
        if (w->disillusioned[i] &&
            rng_uniform(w->key, (uint32_t)i, (uint32_t)day, s->purpose) < dose * s->recover_probability) {
            w->disillusioned[i] = 0;
            w->failures[i] = 0;
            if (w->attitude[i] < recovered) w->attitude[i] = (float)recovered;
        }
        w->nudge[i] += (float)(dose * s->mentee_nudge);
        iv_add_attitude(w, m, dose * s->mentor_attitude);
        iv_charge_hours(w, i, s->c.hours);
        iv_charge_hours(w, m, s->c.hours);
    }
    w->cost_hours += s->c.hours * 2.0 * met;
}

/* Target j waits for a mentor again (once in the unpaired list). */
static void wait_again(peer_mentoring *s, int32_t j)
{
    if (!s->is_target[j]) return;
    for (int32_t k = 0; k < s->n_unpaired; k++)
        if (s->unpaired[k] == j) return;
    s->unpaired[s->n_unpaired++] = j;
}

/* Agent i leaves (turnover.roles: lost): its pair as a mentee ends, and so
 * do its mentor's pairs; the position (the hire) and i's mentees wait for
 * a mentor at the next session. */
static void peer_mentoring_leave(void *state, genai_world *w, int32_t i)
{
    peer_mentoring *s = state;
    (void)w;
    int32_t kept = 0;
    for (int32_t p = 0; p < s->n_pairs; p++) {
        const int32_t j = s->paired[p], m = s->mentor_of[j];
        if (j != i && m != i) {
            s->paired[kept++] = j;
            continue;
        }
        s->load[m]--;
        s->mentor_of[j] = -1;
        wait_again(s, j);
    }
    s->n_pairs = kept;
    s->load[i] = 0;
}

const genai_intervention_type peer_mentoring_intervention = {
    NAME, "peer mentoring: novices paired with skilled teammates who use it, sessions close the gap",
    peer_mentoring_params, peer_mentoring_alloc, peer_mentoring_free, peer_mentoring_init,
    peer_mentoring_apply, 0, peer_mentoring_leave, NULL};
