/* accountability.c: accountability check-ins ("have you used it this
 * week?", "send me an example of what you did with it").
 *
 * The mechanism is compliance use.  At each check-in (every `every` days)
 * each target who has not used the tool in the last `window` days owes an
 * answer: they are pressed (nudge += pressure) until they have used it once,
 * so that they can say yes.  That use is a compliance use: a quick,
 * low-stakes task picked to have something to report.  While the answer is
 * owed the module holds simplify at `simplify`, and the core (genai_day.c,
 * decide) shrinks the task to (1 - simplify) of its complexity -- so it is
 * almost never valuable -- and credits it with only (1 - simplify) of the
 * skill and habit an ordinary use builds: it is done to report, not to get
 * work done, and cued by the check-in rather than by the work.  The day
 * after the compliance use the module lifts what is left of the pressure
 * from the prompt and clears simplify: having said yes, nobody is pressed
 * any more, so check-ins buy about one use per owed answer, and the effect
 * lasts only as long as the check-ins (no reinforcement, little habit).
 * Targets who did use it in the window are left alone.  Everyone targeted
 * spends the check-in hours.
 *
 * Monthly activity therefore rises much more than valuable use; valuable use
 * still rises somewhat, through what others see (peer and leader signals
 * count compliance use like any use) and the little compliance uses teach.
 * tests/test_genai.c (accountability_raises_activity_more_than_value) checks
 * the comparison; docs/MODEL.md, "Accountability check-ins", gives figures. */
#include <stdlib.h>

#include "helpers.h"
#include "intervention.h"
#include "interventions.h"

#define NAME "accountability"

typedef struct accountability {
    iv_common c;
    double pressure, simplify;
    int32_t window;
    int32_t *ids;
    int32_t n_ids;
    float *owed;   /* per target (index k of ids): the check-in pressure still in its prompt; 0: no answer owed */
    int32_t *owing; /* the targets k with an answer owed (owed[k] > 0), in no particular order: the daily
                       pass visits only them, not every target (it was a serial cost of a large organization) */
    int32_t n_owing;
    uint8_t *listed; /* per target: 1 when in owing */
} accountability;

static const param_def accountability_params[] = {
    INTERVENTION_COMMON_PARAMS(accountability, NAME, "1", "7", "0.25", "all"),
    {"interventions." NAME ".pressure", PARAM_DOUBLE, "logit", 0, 20, "1.5", NULL, 0,
     "prompt (log-odds of daily use) added at a check-in to each target with no use in the window; fades by "
     "model.genai.nudge_decay a day and is lifted the day after the target's next use (the compliance use)",
     PARAM_FIELD(accountability, pressure)},
    {"interventions." NAME ".simplify", PARAM_DOUBLE, "1", 0, 1, "0.8", NULL, 0,
     "how trivial a compliance use is (share 0..1): its task complexity, and the skill and habit it builds, are "
     "(1 - this) of an ordinary use's", PARAM_FIELD(accountability, simplify)},
    {"interventions." NAME ".window", PARAM_INT, "days", 1, 32, "7", NULL, 0,
     "a target who used it within this many days before a check-in can say yes: not pressed",
     PARAM_FIELD_INT32(accountability, window)},
    PARAM_END};

static void accountability_free(void *state)
{
    accountability *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->ids);
    free(s->owed);
    free(s->owing);
    free(s->listed);
    free(s);
}

static int accountability_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    accountability *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scenario_bind(scn, accountability_params, s);
    int rc = iv_common_parse(scn, NAME, &s->c, err);
    if (rc) {
        accountability_free(s);
        return rc;
    }
    if (w->net && (!(s->ids = iv_calloc(w->n, sizeof *s->ids)) || !(s->owed = iv_calloc(w->n, sizeof *s->owed)) ||
                   !(s->owing = iv_calloc(w->n, sizeof *s->owing)) || !(s->listed = iv_calloc(w->n, 1)))) {
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
    for (int32_t k = 0; k < s->n_ids; k++) {
        s->owed[k] = 0;
        s->listed[k] = 0;
    }
    s->n_owing = 0;
}

static void accountability_apply(void *state, genai_world *w, int32_t day)
{
    accountability *s = state;
    /* Owed answers, every day (also after `end`, so no pressure is left
     * behind): the core faded the prompt overnight, and so fades what is
     * ours of it.  Bit 0 of the history is yesterday's use (the core shifts
     * it after this): a target who used it has answered. */
    const float keep = (float)(1 - (w->par ? w->par->nudge_decay : 0));
    int32_t kept = 0;
    for (int32_t q = 0; q < s->n_owing; q++) {
        int32_t k = s->owing[q];
        if (s->owed[k] <= 0) { /* answered (or nothing left to owe): off the list */
            s->listed[k] = 0;
            continue;
        }
        s->owing[kept++] = k; /* each target's state is its own: the order of the visits changes nothing */
        int32_t i = s->ids[k];
        s->owed[k] *= keep;
        if (w->history[i] & 1u) {
            float left = w->nudge[i] - s->owed[k];
            w->nudge[i] = left > 0 ? left : 0;
            w->simplify[i] = 0;
            s->owed[k] = 0;
        } else {
            w->simplify[i] = (float)s->simplify; /* held until the answer is given */
        }
    }
    s->n_owing = kept;
    if (!iv_session(&s->c, day)) return;
    for (int32_t k = 0; k < s->n_ids; k++) {
        int32_t i = s->ids[k];
        if (genai_used_within(w->history[i], s->window)) continue;
        w->nudge[i] += (float)s->pressure;
        s->owed[k] += (float)s->pressure;
        w->simplify[i] = (float)s->simplify;
        if (!s->listed[k]) {
            s->listed[k] = 1;
            s->owing[s->n_owing++] = k;
        }
    }
    w->cost_hours += s->c.hours * s->n_ids;
    iv_charge_hours_all(w, s->ids, s->n_ids, s->c.hours);
}

const genai_intervention_type accountability_intervention = {
    NAME, "accountability check-ins: non-users are pressed until they make one quick compliance use to report",
    accountability_params, accountability_alloc, accountability_free, accountability_init,
    accountability_apply, 0, NULL, NULL};
