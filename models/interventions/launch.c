/* launch.c: a launch announcement or speech.  At each session (by default
 * one, on the start day) every target gets a prompt to try the tool (nudge,
 * which fades in the core by nudge_decay a day) and a small, lasting rise in
 * perceived usefulness (attitude).  An inspiring speech gets people to try
 * it; it teaches no skill, so on its own it mostly makes trialists (story 3). */
#include <stdlib.h>

#include "helpers.h"
#include "intervention.h"
#include "interventions.h"

#define NAME "launch"

typedef struct launch {
    iv_common c;
    double strength, attitude_boost;
    int32_t *ids;
    int32_t n_ids;
} launch;

static const param_def launch_params[] = {
    INTERVENTION_COMMON_PARAMS(NAME, "1", "0", "0.5", "all"),
    {"interventions." NAME ".strength", PARAM_DOUBLE, "logit", 0, 20, "1.5", NULL, 0,
     "prompt added to each target's nudge at a session (fades by model.genai.nudge_decay a day)"},
    {"interventions." NAME ".attitude_boost", PARAM_DOUBLE, "logit", -5, 5, "0.1", NULL, 0,
     "lasting change of each target's attitude at a session"},
    PARAM_END};

static void launch_free(void *state)
{
    launch *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->ids);
    free(s);
}

static int launch_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    launch *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int rc = iv_common_read(scn, NAME, &s->c, err);
    if (rc) {
        launch_free(s);
        return rc;
    }
    s->strength = scenario_double(scn, "interventions." NAME ".strength");
    s->attitude_boost = scenario_double(scn, "interventions." NAME ".attitude_boost");
    if (w->net && !(s->ids = iv_calloc(w->n, sizeof *s->ids))) {
        launch_free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", NAME);
    }
    *state = s;
    return SIM_OK;
}

static void launch_init(void *state, genai_world *w)
{
    launch *s = state;
    s->n_ids = s->c.enabled ? iv_select(&s->c, w, NULL, s->ids) : 0;
}

static void launch_apply(void *state, genai_world *w, int32_t day)
{
    launch *s = state;
    if (!iv_session(&s->c, day)) return;
    for (int32_t k = 0; k < s->n_ids; k++) {
        int32_t i = s->ids[k];
        w->nudge[i] += (float)s->strength;
        iv_add_attitude(w, i, s->attitude_boost);
    }
    w->cost_hours += s->c.hours * s->n_ids;
}

const genai_intervention_type launch_intervention = {
    NAME, "launch speech: a prompt to try it and a small lift in perceived usefulness",
    launch_params, launch_alloc, launch_free, launch_init, launch_apply};
