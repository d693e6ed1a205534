/* broadcast.c: a prompt and an attitude change for every target at each
 * session (see broadcast.h). */
#include "broadcast.h"

#include <stdlib.h>

#include "helpers.h"

void iv_broadcast_free(void *state)
{
    iv_broadcast *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->ids);
    free(s);
}

int iv_broadcast_alloc(const scenario *scn, const genai_world *w, const char *name,
                       const param_def *table, void **state, sim_error *err)
{
    iv_broadcast *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scenario_bind(scn, table, s);
    int rc = iv_common_parse(scn, name, &s->c, err);
    if (!rc) rc = iv_dose_parse(scn, w, &s->c, err);
    if (rc) {
        iv_broadcast_free(s);
        return rc;
    }
    if (w->net && !(s->ids = iv_calloc(w->n, sizeof *s->ids))) {
        iv_broadcast_free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", name);
    }
    *state = s;
    return SIM_OK;
}

void iv_broadcast_init(void *state, genai_world *w)
{
    iv_broadcast *s = state;
    s->n_ids = s->c.enabled ? iv_select(&s->c, w, NULL, s->ids) : 0;
}

void iv_broadcast_apply(void *state, genai_world *w, int32_t day)
{
    iv_broadcast *s = state;
    if (!iv_session(&s->c, day)) return;
    /* who hears it this time, and how much a message heard again still does */
    const double dose = iv_dose(&s->c, day);
    int32_t heard = 0;
    for (int32_t k = 0; k < s->n_ids; k++) {
        int32_t i = s->ids[k];
        if (!iv_attends(&s->c, w, i, day)) continue;
        heard++;
        w->nudge[i] += (float)(s->strength * dose);
        iv_add_attitude(w, i, s->attitude * dose);
        iv_charge_hours(w, i, s->c.hours);
    }
    w->cost_hours += s->c.hours * heard;
}
