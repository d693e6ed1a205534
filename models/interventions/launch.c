/* launch.c: a launch announcement or speech.  At each session (by default
 * one, on the start day) every target gets a prompt to try the tool (nudge,
 * which fades in the core by nudge_decay a day) and a small, lasting rise in
 * perceived usefulness (attitude).  An inspiring speech gets people to try
 * it; it teaches no skill, so on its own it mostly makes trialists (story 3). */
#include "broadcast.h"
#include "interventions.h"

#define NAME "launch"

static const param_def launch_params[] = {
    INTERVENTION_COMMON_PARAMS(iv_broadcast, NAME, "1", "0", "0.5", "all"),
    INTERVENTION_DOSE_PARAMS(iv_broadcast, NAME, "1", "0.1"),
    {"interventions." NAME ".strength", PARAM_DOUBLE, "logit", 0, 20, "0.8", NULL, 0,
     "prompt added to each target's nudge at a session (fades by model.genai.nudge_decay a day)",
     PARAM_FIELD(iv_broadcast, strength)},
    {"interventions." NAME ".attitude_boost", PARAM_DOUBLE, "logit", -5, 5, "0.02", NULL, 0,
     "lasting change of each target's attitude at a session", PARAM_FIELD(iv_broadcast, attitude)},
    PARAM_END};

static int launch_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    return iv_broadcast_alloc(scn, w, NAME, launch_params, state, err);
}

const genai_intervention_type launch_intervention = {
    NAME, "launch speech: a prompt to try it and a small lift in perceived usefulness",
    launch_params, launch_alloc, iv_broadcast_free, iv_broadcast_init, iv_broadcast_apply, 0, NULL, NULL};
