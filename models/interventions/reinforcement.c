/* reinforcement.c: reinforcement and communication (newsletters, success
 * stories).  At each session (every `every` days) every target gets a prompt
 * (nudge, fading by model.genai.nudge_decay a day) and a small lasting rise
 * in perceived usefulness from the stories (attitude).  It keeps the tool in
 * mind between other interventions; it teaches no skill. */
#include <stdlib.h>

#include "helpers.h"
#include "intervention.h"
#include "interventions.h"

#define NAME "reinforcement"

typedef struct reinforcement {
    iv_common c;
    double strength, story_boost;
    int32_t *ids;
    int32_t n_ids;
} reinforcement;

static const param_def reinforcement_params[] = {
    INTERVENTION_COMMON_PARAMS(NAME, "1", "14", "0.1", "all"),
    {"interventions." NAME ".strength", PARAM_DOUBLE, "logit", 0, 20, "0.6", NULL, 0,
     "prompt added to each target's nudge at a session"},
    {"interventions." NAME ".story_boost", PARAM_DOUBLE, "logit", -5, 5, "0.05", NULL, 0,
     "attitude gained from the success stories at a session"},
    PARAM_END};

static void reinforcement_free(void *state)
{
    reinforcement *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->ids);
    free(s);
}

static int reinforcement_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    reinforcement *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int rc = iv_common_read(scn, NAME, &s->c, err);
    if (rc) {
        reinforcement_free(s);
        return rc;
    }
    s->strength = scenario_double(scn, "interventions." NAME ".strength");
    s->story_boost = scenario_double(scn, "interventions." NAME ".story_boost");
    if (w->net && !(s->ids = iv_calloc(w->n, sizeof *s->ids))) {
        reinforcement_free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", NAME);
    }
    *state = s;
    return SIM_OK;
}

static void reinforcement_init(void *state, genai_world *w)
{
    reinforcement *s = state;
    s->n_ids = s->c.enabled ? iv_select(&s->c, w, NULL, s->ids) : 0;
}

static void reinforcement_apply(void *state, genai_world *w, int32_t day)
{
    reinforcement *s = state;
    if (!iv_session(&s->c, day)) return;
    for (int32_t k = 0; k < s->n_ids; k++) {
        int32_t i = s->ids[k];
        w->nudge[i] += (float)s->strength;
        iv_add_attitude(w, i, s->story_boost);
    }
    w->cost_hours += s->c.hours * s->n_ids;
}

const genai_intervention_type reinforcement_intervention = {
    NAME, "reinforcement: newsletters and success stories keep it in mind",
    reinforcement_params, reinforcement_alloc, reinforcement_free, reinforcement_init, reinforcement_apply};
