/* permission.c: explicit permission from the chief officer ("you may, please
 * do, tell others").  While active it sets the organization's permission
 * climate (genai_world.permission) to `strength`: the core adds it to the
 * daily use decision and multiplies the chance of hiding a use from seniors
 * by (1 - permission), so juniors' use becomes visible upward and leaders
 * see the adoption that was there.  "Tell others" is a prompt to the targets
 * at each session (by default one, on the start day).  After the end day the
 * climate returns to what it was when the replicate began
 * (model.genai.permission0). */
#include <stdlib.h>

#include "helpers.h"
#include "intervention.h"
#include "interventions.h"

#define NAME "permission"

typedef struct permission {
    iv_common c;
    double strength, share_nudge;
    double before;         /* the climate at the start of the replicate */
    int on;                /* 1: permission in force */
    int32_t *ids;
    int32_t n_ids;
} permission;

static const param_def permission_params[] = {
    INTERVENTION_COMMON_PARAMS(permission, NAME, "1", "0", "0.05", "all"),
    {"interventions." NAME ".strength", PARAM_DOUBLE, "1", 0, 1, "0.9", NULL, 0,
     "permission climate while active (0: unclear, 1: explicit); cuts hiding by this share",
     PARAM_FIELD(permission, strength)},
    {"interventions." NAME ".share_nudge", PARAM_DOUBLE, "logit", 0, 20, "0.5", NULL, 0,
     "prompt added to each target's nudge at a session (\"tell others\")",
     PARAM_FIELD(permission, share_nudge)},
    PARAM_END};

static void permission_free(void *state)
{
    permission *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->ids);
    free(s);
}

static int permission_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    permission *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scenario_bind(scn, permission_params, s);
    int rc = iv_common_parse(scn, NAME, &s->c, err);
    if (rc) {
        permission_free(s);
        return rc;
    }
    if (w->net && !(s->ids = iv_calloc(w->n, sizeof *s->ids))) {
        permission_free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", NAME);
    }
    *state = s;
    return SIM_OK;
}

static void permission_init(void *state, genai_world *w)
{
    permission *s = state;
    s->before = w->permission;
    s->on = 0;
    s->n_ids = s->c.enabled ? iv_select(&s->c, w, NULL, s->ids) : 0;
}

static void permission_apply(void *state, genai_world *w, int32_t day)
{
    permission *s = state;
    if (!iv_active(&s->c, day)) {
        if (s->on) w->permission = s->before;
        s->on = 0;
        return;
    }
    w->permission = s->strength;
    s->on = 1;
    if (!iv_session(&s->c, day)) return;
    for (int32_t k = 0; k < s->n_ids; k++) w->nudge[s->ids[k]] += (float)s->share_nudge;
    w->cost_hours += s->c.hours * s->n_ids;
    iv_charge_hours_all(w, s->ids, s->n_ids, s->c.hours);
}

const genai_intervention_type permission_intervention = {
    NAME, "explicit permission: raises the permission climate, so use is tried and shown, not hidden",
    permission_params, permission_alloc, permission_free, permission_init, permission_apply, 0, NULL, NULL};
