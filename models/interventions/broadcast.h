/* broadcast.h: the mechanism shared by the launch speech and by
 * reinforcement/communication: at each session every target who hears it
 * (attendance) gets a prompt
 * (nudge, fading in the core by model.genai.nudge_decay a day) and a lasting
 * change of perceived usefulness (attitude), and spends the session's hours.
 * A repeated message does less each time (fatigue, intervention.h).
 * The two modules differ only in their keys, defaults and story. */
#ifndef MODELS_INTERVENTIONS_BROADCAST_H
#define MODELS_INTERVENTIONS_BROADCAST_H

#include "intervention.h"

typedef struct iv_broadcast {
    iv_common c;
    double strength;  /* logit added to each target's nudge at a session */
    double attitude;  /* logit added to each target's attitude at a session */
    int32_t *ids;     /* the targets of this replicate */
    int32_t n_ids;
} iv_broadcast;

/* Fill the state from interventions.<name>.* through table, the module's
 * rows (the common ones, then the two that bind strength and attitude), and
 * allocate for w's agents. */
int iv_broadcast_alloc(const scenario *scn, const genai_world *w, const char *name,
                       const param_def *table, void **state, sim_error *err);
void iv_broadcast_free(void *state);
void iv_broadcast_init(void *state, genai_world *w);
void iv_broadcast_apply(void *state, genai_world *w, int32_t day);

#endif
