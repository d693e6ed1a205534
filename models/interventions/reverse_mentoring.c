/* reverse_mentoring.c: reverse mentoring.  Each targeted leader (an agent
 * with direct reports) is paired with 1..mentors_per_leader mentors: the
 * adopters among their own direct reports (used it in the last 30 days,
 * at least skill_margin more skilled than the leader and, with mentors:
 * younger, of a younger generation), best by skill + habit, ties to the
 * lower id.  A leader whose team has no
 * adopter yet follows `fallback`: wait (default) tries again at each later
 * session until an adopter appears on the team, so a mentor always sits on
 * the leader's own team; skip gives up after the first try; department
 * tries the own team first and otherwise takes the single best adopter
 * anywhere below the leader (who is not mentoring anyone yet), again at
 * each session until one is found.  Pairs last for the replicate.
 *
 * At each session (every `every` days) the leader comes as a student: skill
 * rises by transfer x (mentor's skill - leader's skill) for each mentor who
 * knows more, attitude by mentee_attitude, expertise confidence ("it can't
 * beat my expertise") falls by humility down to expertise_floor, and there
 * is homework (a prompt).  The junior gains confidence (attitude); both are
 * marked GENAI_ROLE_MENTOR / GENAI_ROLE_MENTEE, whose use the core never
 * hides: hierarchy and generation barriers to visibility drop.  A session
 * takes place when the leader attends (attendance) and acts with the
 * dose of its repetition (fatigue).  Cost: hours
 * for each of the two per pair per session. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "intervention.h"
#include "interventions.h"

#define NAME "reverse_mentoring"

/* In the order of the choices of .fallback (the bound index). */
enum { FALLBACK_WAIT, FALLBACK_SKIP, FALLBACK_DEPARTMENT };
/* In the order of the choices of .mentors. */
enum { RULE_YOUNGER, RULE_JUNIOR };
enum { LEADER_WAITING, LEADER_PAIRED, LEADER_GAVE_UP };

typedef struct reverse_mentoring {
    iv_common c;
    int32_t per_leader;
    double transfer, mentee_attitude, humility, expertise_floor, homework_nudge, mentor_attitude;
    int fallback;
    int mentor_rule;                     /* RULE_* (the bound index of .mentors) */
    double skill_margin;
    int32_t *report_start, *report_ids;  /* direct reports grouped by manager */
    int32_t *order, *first, *last;       /* reporting tree in pre-order (department fallback) */
    uint8_t *is_leader, *is_mentor;
    int32_t *leaders;                    /* target leaders */
    uint8_t *status;                     /* LEADER_*, by position in leaders */
    int32_t n_leaders;
    int32_t *mentor, *mentee;            /* pairs, a leader's pairs next to each other */
    int32_t n_pairs, max_pairs;
} reverse_mentoring;

static const param_def reverse_mentoring_params[] = {
    INTERVENTION_COMMON_PARAMS(reverse_mentoring, NAME, "1", "14", "1", "all"),
    INTERVENTION_DOSE_PARAMS(reverse_mentoring, NAME, "0.8", "0.05"),
    {"interventions." NAME ".mentors", PARAM_ENUM, "", 0, 0, "younger", "younger|junior", 0,
     "who may mentor a leader: younger (an adopter of a younger generation than the leader) or junior "
     "(any adopter below the leader); either way with a skill advantage of skill_margin",
     PARAM_FIELD(reverse_mentoring, mentor_rule)},
    {"interventions." NAME ".skill_margin", PARAM_DOUBLE, "1", 0, 1, "0.1", NULL, 0,
     "a mentor's skill must exceed the leader's by at least this when the pair forms",
     PARAM_FIELD(reverse_mentoring, skill_margin)},
    {"interventions." NAME ".mentors_per_leader", PARAM_INT, "agents", 1, 2, "2", NULL, 0,
     "adopters from the leader's own team who mentor them (fewer if the team has fewer)",
     PARAM_FIELD_INT32(reverse_mentoring, per_leader)},
    {"interventions." NAME ".fallback", PARAM_ENUM, "", 0, 0, "wait", "wait|skip|department", 0,
     "leader whose team has no adopter: wait (retry each session), skip, or department (best adopter below them)",
     PARAM_FIELD(reverse_mentoring, fallback)},
    {"interventions." NAME ".transfer", PARAM_DOUBLE, "1", 0, 1, "0.3", NULL, 0,
     "share of the skill gap to a mentor the leader closes at a session",
     PARAM_FIELD(reverse_mentoring, transfer)},
    {"interventions." NAME ".mentee_attitude", PARAM_DOUBLE, "logit", -5, 5, "0.2", NULL, 0,
     "attitude the leader gains at a session", PARAM_FIELD(reverse_mentoring, mentee_attitude)},
    {"interventions." NAME ".humility", PARAM_DOUBLE, "logit", 0, 5, "0.1", NULL, 0,
     "expertise confidence the leader sheds at a session (comes as a student)",
     PARAM_FIELD(reverse_mentoring, humility)},
    {"interventions." NAME ".expertise_floor", PARAM_DOUBLE, "logit", -10, 10, "0", NULL, 0,
     "humility lowers expertise confidence no further than this",
     PARAM_FIELD(reverse_mentoring, expertise_floor)},
    {"interventions." NAME ".homework_nudge", PARAM_DOUBLE, "logit", 0, 20, "0.5", NULL, 0,
     "prompt the leader leaves a session with (homework)",
     PARAM_FIELD(reverse_mentoring, homework_nudge)},
    {"interventions." NAME ".mentor_attitude", PARAM_DOUBLE, "logit", -5, 5, "0.1", NULL, 0,
     "attitude a mentor gains at a session (confidence)",
     PARAM_FIELD(reverse_mentoring, mentor_attitude)},
    PARAM_END};

static void reverse_mentoring_free(void *state)
{
    reverse_mentoring *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->report_start);
    free(s->report_ids);
    free(s->order);
    free(s->first);
    free(s->last);
    free(s->is_leader);
    free(s->is_mentor);
    free(s->leaders);
    free(s->status);
    free(s->mentor);
    free(s->mentee);
    free(s);
}

static int reverse_mentoring_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    reverse_mentoring *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scenario_bind(scn, reverse_mentoring_params, s);
    int rc = iv_common_parse(scn, NAME, &s->c, err);
    if (!rc) rc = iv_dose_parse(scn, w, &s->c, err);
    if (rc) {
        reverse_mentoring_free(s);
        return rc;
    }
    if (w->net) {
        const sim_network *net = w->net;
        const int32_t n = w->n;
        if (!net->manager) {
            reverse_mentoring_free(s);
            return scenario_error(scn, "interventions." NAME ".enabled", err,
                                  "reverse mentoring needs an organization with managers");
        }
        int32_t managers = 0;
        int ok = (s->report_start = iv_calloc((int64_t)n + 1, sizeof *s->report_start)) != NULL;
        ok &= (s->report_ids = iv_calloc(n, sizeof *s->report_ids)) != NULL;
        if (ok) {
            iv_group(net->manager, n, n, s->report_start, s->report_ids);
            for (int32_t i = 0; i < n; i++) managers += s->report_start[i + 1] > s->report_start[i];
        }
        s->max_pairs = 2 * managers;
        ok &= (s->is_leader = iv_calloc(n, 1)) != NULL;
        ok &= (s->is_mentor = iv_calloc(n, 1)) != NULL;
        ok &= (s->leaders = iv_calloc(n, sizeof *s->leaders)) != NULL;
        ok &= (s->status = iv_calloc(n, 1)) != NULL;
        ok &= (s->mentor = iv_calloc(s->max_pairs, sizeof *s->mentor)) != NULL;
        ok &= (s->mentee = iv_calloc(s->max_pairs, sizeof *s->mentee)) != NULL;
        if (ok && s->fallback == FALLBACK_DEPARTMENT) {
            int32_t *stack = iv_calloc(n, sizeof *stack);
            ok &= stack != NULL;
            ok &= (s->order = iv_calloc(n, sizeof *s->order)) != NULL;
            ok &= (s->first = iv_calloc(n, sizeof *s->first)) != NULL;
            ok &= (s->last = iv_calloc(n, sizeof *s->last)) != NULL;
            if (ok) iv_tree_order(net, s->report_start, s->report_ids, s->order, s->first, s->last, stack);
            free(stack);
        }
        if (!ok) {
            reverse_mentoring_free(s);
            return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", NAME);
        }
    }
    *state = s;
    return SIM_OK;
}

static void reverse_mentoring_init(void *state, genai_world *w)
{
    reverse_mentoring *s = state;
    s->n_leaders = s->n_pairs = 0;
    if (!s->c.enabled) return;
    for (int32_t i = 0; i < w->n; i++) s->is_leader[i] = w->n_reports[i] > 0;
    memset(s->is_mentor, 0, (size_t)w->n);
    s->n_leaders = iv_select(&s->c, w, s->is_leader, s->leaders);
    memset(s->status, LEADER_WAITING, (size_t)s->n_leaders);
}

/* Whether j can teach the leader: used it in the last 30 days, knows at
 * least skill_margin more, and (mentors: younger) is of a younger
 * generation. */
static int adopter(const reverse_mentoring *s, const genai_world *w, int32_t leader, int32_t j)
{
    if (!genai_used_within(w->history[j], IV_RECENT_DAYS)) return 0;
    if ((double)w->skill[j] < (double)w->skill[leader] + s->skill_margin) return 0;
    return s->mentor_rule != RULE_YOUNGER || iv_generation(w, j) < iv_generation(w, leader);
}

static double merit(const genai_world *w, int32_t j)
{
    return (double)w->skill[j] + (double)w->habit[j];
}

/* Whether a ranks before b: more merit, or as much and a lower id. */
static int better(const genai_world *w, int32_t a, int32_t b)
{
    double ma = merit(w, a), mb = merit(w, b);
    return ma > mb || (ma == mb && a < b);
}

static void add_pair(reverse_mentoring *s, genai_world *w, int32_t leader, int32_t m)
{
    if (s->n_pairs >= s->max_pairs) return;
    s->mentor[s->n_pairs] = m;
    s->mentee[s->n_pairs] = leader;
    s->n_pairs++;
    s->is_mentor[m] = 1;
    w->roles[m] |= GENAI_ROLE_MENTOR;
    w->roles[leader] |= GENAI_ROLE_MENTEE;
}

/* Pair the leader with the best adopters on their own team; returns how many. */
static int pair_own_team(reverse_mentoring *s, genai_world *w, int32_t leader)
{
    int32_t best[2] = {-1, -1};
    for (int32_t k = s->report_start[leader]; k < s->report_start[leader + 1]; k++) {
        int32_t j = s->report_ids[k];
        if (!adopter(s, w, leader, j)) continue;
        if (best[0] < 0 || better(w, j, best[0])) {
            best[1] = best[0];
            best[0] = j;
        } else if (best[1] < 0 || better(w, j, best[1])) {
            best[1] = j;
        }
    }
    int found = 0;
    for (int q = 0; q < s->per_leader && q < 2; q++)
        if (best[q] >= 0) {
            add_pair(s, w, leader, best[q]);
            found++;
        }
    return found;
}

/* Pair the leader with the best adopter below them not mentoring yet. */
static int pair_department(reverse_mentoring *s, genai_world *w, int32_t leader)
{
    if (s->first[leader] < 0) return 0;
    int32_t best = -1;
    for (int32_t p = s->first[leader] + 1; p <= s->last[leader]; p++) {
        int32_t j = s->order[p];
        if (s->is_mentor[j] || !adopter(s, w, leader, j)) continue;
        if (best < 0 || better(w, j, best)) best = j;
    }
    if (best < 0) return 0;
    add_pair(s, w, leader, best);
    return 1;
}

static void reverse_mentoring_apply(void *state, genai_world *w, int32_t day)
{
    reverse_mentoring *s = state;
    if (!iv_session(&s->c, day)) return;
    for (int32_t k = 0; k < s->n_leaders; k++) {
        if (s->status[k] != LEADER_WAITING) continue;
        int32_t leader = s->leaders[k];
        int found = pair_own_team(s, w, leader);
        if (!found && s->fallback == FALLBACK_DEPARTMENT) found = pair_department(s, w, leader);
        if (found) s->status[k] = LEADER_PAIRED;
        else if (s->fallback == FALLBACK_SKIP) s->status[k] = LEADER_GAVE_UP;
    }
    const double dose = iv_dose(&s->c, day);
    int32_t met = 0;
    for (int32_t p = 0; p < s->n_pairs; p++) {
        int32_t leader = s->mentee[p], m = s->mentor[p];
        if (!iv_attends(&s->c, w, leader, day)) continue; /* the leader cancels this one */
        met++;
        double gap = iv_knowledge(w, m) - (double)w->skill[leader];
        if (gap > 0) iv_add_skill(w, leader, dose * s->transfer * gap);
        if (p == 0 || s->mentee[p - 1] != leader) { /* once per leader per session */
            iv_add_attitude(w, leader, dose * s->mentee_attitude);
            iv_lower_trait(w, TRAIT_EXPERTISE, leader, dose * s->humility, s->expertise_floor);
            w->nudge[leader] += (float)(dose * s->homework_nudge);
        }
        iv_add_attitude(w, m, dose * s->mentor_attitude);
        iv_charge_hours(w, leader, s->c.hours);
        iv_charge_hours(w, m, s->c.hours);
    }
    w->cost_hours += s->c.hours * 2.0 * met;
}

/* Agent i leaves (turnover.roles: lost): every pair with i as mentor or
 * leader ends (a leader's pairs stay next to each other); a leader left
 * without a mentor, and a leader who is i (the hire), waits to be paired
 * again at the next session; a mentor left without a pair may mentor
 * again. */
static void reverse_mentoring_leave(void *state, genai_world *w, int32_t i)
{
    reverse_mentoring *s = state;
    (void)w;
    /* the pairs with i end; the other leaders of those pairs (a mentor has
     * one or two) may be left without a mentor */
    int32_t kept = 0, touched[8], n_touched = 0, many = 0;
    for (int32_t p = 0; p < s->n_pairs; p++) {
        const int32_t m = s->mentor[p], leader = s->mentee[p];
        if (m != i && leader != i) {
            s->mentor[kept] = m;
            s->mentee[kept++] = leader;
            continue;
        }
        s->is_mentor[m] = 0;
        if (leader == i) continue;
        if (n_touched < 8) touched[n_touched++] = leader;
        else many = 1;
    }
    s->n_pairs = kept;
    for (int32_t p = 0; p < s->n_pairs; p++) s->is_mentor[s->mentor[p]] = 1;
    for (int32_t k = 0; k < s->n_leaders; k++) {
        const int32_t leader = s->leaders[k];
        int affected = leader == i || many;
        for (int32_t t = 0; t < n_touched && !affected; t++) affected = touched[t] == leader;
        if (!affected || (s->status[k] == LEADER_GAVE_UP && leader != i)) continue;
        int paired = 0;
        for (int32_t p = 0; p < s->n_pairs && !paired; p++) paired = s->mentee[p] == leader;
        if (!paired) s->status[k] = LEADER_WAITING;
    }
}

const genai_intervention_type reverse_mentoring_intervention = {
    NAME, "reverse mentoring: adopters on a leader's team teach the leader, who comes as a student",
    reverse_mentoring_params, reverse_mentoring_alloc, reverse_mentoring_free, reverse_mentoring_init,
    reverse_mentoring_apply, 1 /* leaders only */, reverse_mentoring_leave, NULL};
