/* reinforcement.c: reinforcement and communication (newsletters, success
 * stories).  At each session (every `every` days) every target gets a prompt
 * (nudge, fading by model.genai.nudge_decay a day) and a small lasting rise
 * in perceived usefulness from the stories (attitude).  It keeps the tool in
 * mind between other interventions; it teaches no skill. */
#include "broadcast.h"
#include "interventions.h"

#define NAME "reinforcement"

static const param_def reinforcement_params[] = {
    INTERVENTION_COMMON_PARAMS(iv_broadcast, NAME, "1", "14", "0.1", "all"),
    INTERVENTION_DOSE_PARAMS(iv_broadcast, NAME, "0.5", "0.1"),
    {"interventions." NAME ".strength", PARAM_DOUBLE, "logit", 0, 20, "0.6", NULL, 0,
     "prompt added to each target's nudge at a session", PARAM_FIELD(iv_broadcast, strength)},
    {"interventions." NAME ".story_boost", PARAM_DOUBLE, "logit", -5, 5, "0.05", NULL, 0,
     "attitude gained from the success stories at a session",
     PARAM_FIELD(iv_broadcast, attitude)},
    PARAM_END};

static int reinforcement_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    return iv_broadcast_alloc(scn, w, NAME, reinforcement_params, state, err);
}

const genai_intervention_type reinforcement_intervention = {
    NAME, "reinforcement: newsletters and success stories keep it in mind",
    reinforcement_params, reinforcement_alloc, iv_broadcast_free, iv_broadcast_init, iv_broadcast_apply, 0, NULL, NULL};
