/* leadership.c: the leadership conversation ("you set the tone: how you
 * speak about it, promote it and use it yourself matters").  At each session
 * (by default one, on the start day) every targeted leader (an agent with
 * direct reports) speaks more positively about the tool (endorse, -1..1,
 * which the core passes down the chain as the leader signal), sees more use
 * in it (attitude), makes time to learn it (time pressure lowered by
 * time_relief) and leaves with a prompt to try it.  Staff without reports
 * are never touched. */
#include <stdlib.h>

#include "helpers.h"
#include "intervention.h"
#include "interventions.h"

#define NAME "leadership"

typedef struct leadership {
    iv_common c;
    double say_boost, attitude_boost, time_relief, nudge;
    uint8_t *is_leader;
    int32_t *ids;
    int32_t n_ids;
} leadership;

static const param_def leadership_params[] = {
    INTERVENTION_COMMON_PARAMS(leadership, NAME, "1", "0", "2", "all"),
    INTERVENTION_DOSE_PARAMS(leadership, NAME, "0.9", "0.3"),
    {"interventions." NAME ".say_boost", PARAM_DOUBLE, "1", -2, 2, "0.5", NULL, 0,
     "added to a leader's endorsement (kept within -1..1): how they speak about it",
     PARAM_FIELD(leadership, say_boost)},
    {"interventions." NAME ".attitude_boost", PARAM_DOUBLE, "logit", -5, 5, "0.3", NULL, 0,
     "attitude a leader gains at a session", PARAM_FIELD(leadership, attitude_boost)},
    {"interventions." NAME ".time_relief", PARAM_DOUBLE, "logit", -5, 5, "0.3", NULL, 0,
     "lowers a leader's time pressure at a session (they make time for it)",
     PARAM_FIELD(leadership, time_relief)},
    {"interventions." NAME ".nudge", PARAM_DOUBLE, "logit", 0, 20, "0.5", NULL, 0,
     "prompt a leader leaves a session with", PARAM_FIELD(leadership, nudge)},
    PARAM_END};

static void leadership_free(void *state)
{
    leadership *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->is_leader);
    free(s->ids);
    free(s);
}

static int leadership_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    leadership *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scenario_bind(scn, leadership_params, s);
    int rc = iv_common_parse(scn, NAME, &s->c, err);
    if (!rc) rc = iv_dose_parse(scn, w, &s->c, err);
    if (rc) {
        leadership_free(s);
        return rc;
    }
    if (w->net) {
        s->is_leader = iv_calloc(w->n, sizeof *s->is_leader);
        s->ids = iv_calloc(w->n, sizeof *s->ids);
        if (!s->is_leader || !s->ids) {
            leadership_free(s);
            return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", NAME);
        }
    }
    *state = s;
    return SIM_OK;
}

static void leadership_init(void *state, genai_world *w)
{
    leadership *s = state;
    s->n_ids = 0;
    if (!s->c.enabled) return;
    for (int32_t i = 0; i < w->n; i++) s->is_leader[i] = w->n_reports[i] > 0;
    s->n_ids = iv_select(&s->c, w, s->is_leader, s->ids);
}

static void leadership_apply(void *state, genai_world *w, int32_t day)
{
    leadership *s = state;
    if (!iv_session(&s->c, day)) return;
    const double dose = iv_dose(&s->c, day);
    int32_t came = 0;
    for (int32_t k = 0; k < s->n_ids; k++) {
        int32_t i = s->ids[k];
        if (!iv_attends(&s->c, w, i, day)) continue;
        came++;
        w->endorse[i] = iv_clamp((double)w->endorse[i] + dose * s->say_boost, -1, 1);
        iv_add_attitude(w, i, dose * s->attitude_boost);
        w->trait[TRAIT_TIME][i] -= (float)(dose * s->time_relief);
        w->nudge[i] += (float)(dose * s->nudge);
        iv_charge_hours(w, i, s->c.hours);
    }
    w->cost_hours += s->c.hours * came;
}

const genai_intervention_type leadership_intervention = {
    NAME, "leadership conversation: leaders endorse it, value it more and make time to use it",
    leadership_params, leadership_alloc, leadership_free, leadership_init, leadership_apply,
    1 /* leaders only */, NULL, NULL};
