/* accountability.c: accountability check-ins ("send me an example of what
 * you did with it this week").  At each check-in (every `every` days) each
 * target who has not used the tool in the last `window` days is pressed to
 * (nudge += pressure) and, to have something to report, reaches for quick,
 * easy tasks: simplify is set, and the core multiplies the complexity of the
 * next tasks by (1 - simplify) while it fades by model.genai.nudge_decay a
 * day.  Targets who did use it get nothing.  Easy tasks rarely reach the
 * value threshold, so check-ins raise monthly activity more than valuable
 * use.  Everyone targeted spends the check-in hours. */
#include <stdlib.h>

#include "helpers.h"
#include "intervention.h"
#include "interventions.h"

#define NAME "accountability"

typedef struct accountability {
    iv_common c;
    double pressure, simplify;
    int window;
    int32_t *ids;
    int32_t n_ids;
} accountability;

static const param_def accountability_params[] = {
    INTERVENTION_COMMON_PARAMS(NAME, "1", "7", "0.25", "all"),
    {"interventions." NAME ".pressure", PARAM_DOUBLE, "logit", 0, 20, "1.5", NULL, 0,
     "prompt to a target who has not used it within the window"},
    {"interventions." NAME ".simplify", PARAM_DOUBLE, "1", 0, 1, "0.6", NULL, 0,
     "share by which the complexity of the next tasks shrinks (something quick to report)"},
    {"interventions." NAME ".window", PARAM_INT, "days", 1, 32, "7", NULL, 0,
     "a target who used it within this many days before a check-in is left alone"},
    PARAM_END};

static void accountability_free(void *state)
{
    accountability *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->ids);
    free(s);
}

static int accountability_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    accountability *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int rc = iv_common_read(scn, NAME, &s->c, err);
    if (rc) {
        accountability_free(s);
        return rc;
    }
    s->pressure = scenario_double(scn, "interventions." NAME ".pressure");
    s->simplify = scenario_double(scn, "interventions." NAME ".simplify");
    s->window = (int)scenario_int(scn, "interventions." NAME ".window");
    if (w->net && !(s->ids = iv_calloc(w->n, sizeof *s->ids))) {
        accountability_free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", NAME);
    }
    *state = s;
    return SIM_OK;
}

static void accountability_init(void *state, genai_world *w)
{
    accountability *s = state;
    s->n_ids = s->c.enabled ? iv_select(&s->c, w, NULL, s->ids) : 0;
}

static void accountability_apply(void *state, genai_world *w, int32_t day)
{
    accountability *s = state;
    if (!iv_session(&s->c, day)) return;
    for (int32_t k = 0; k < s->n_ids; k++) {
        int32_t i = s->ids[k];
        if (genai_used_within(w->history[i], s->window)) continue;
        w->nudge[i] += (float)s->pressure;
        w->simplify[i] = (float)s->simplify;
    }
    w->cost_hours += s->c.hours * s->n_ids;
}

const genai_intervention_type accountability_intervention = {
    NAME, "accountability check-ins: pressure on non-users, who reach for quick tasks to report",
    accountability_params, accountability_alloc, accountability_free, accountability_init,
    accountability_apply};
