/* training.c: an ongoing training programme (story 4: the field moves faster
 * than experience can be handed down).  At each session (every `every`
 * days) each target gains skill (gain x (1 - skill)), has their run of
 * failures cleared, gains a lasting extra daily chance to come back from
 * disillusion (recovery, up to recovery_max), a little attitude, and is
 * taught to start with tasks the tool does well: complexity ambition falls
 * by calibration, not below ambition_floor.  The floor is 0 (neutral) by
 * default: training removes over-ambition but does not make people timid;
 * below 0 the tasks tried fall under the core's value threshold and training
 * would buy activity of little value.  Targets are marked
 * GENAI_ROLE_TRAINED. */
#include <stdlib.h>

#include "helpers.h"
#include "intervention.h"
#include "interventions.h"

#define NAME "training"

typedef struct training {
    iv_common c;
    double gain, recovery_boost, recovery_max, attitude_boost, calibration, ambition_floor;
    int32_t *ids;
    int32_t n_ids;
} training;

static const param_def training_params[] = {
    INTERVENTION_COMMON_PARAMS(training, NAME, "1", "30", "2", "all"),
    INTERVENTION_DOSE_PARAMS(training, NAME, "0.6", "0.2"),
    {"interventions." NAME ".gain", PARAM_DOUBLE, "1", 0, 1, "0.1", NULL, 0,
     "skill gained at a session, times (1 - skill)", PARAM_FIELD(training, gain)},
    {"interventions." NAME ".recovery_boost", PARAM_DOUBLE, "1/day", 0, 1, "0.02", NULL, 0,
     "added to the daily chance of coming back from disillusion (lasting)",
     PARAM_FIELD(training, recovery_boost)},
    {"interventions." NAME ".recovery_max", PARAM_DOUBLE, "1/day", 0, 1, "0.05", NULL, 0,
     "sessions raise that extra daily chance no further than this", PARAM_FIELD(training, recovery_max)},
    {"interventions." NAME ".attitude_boost", PARAM_DOUBLE, "logit", -5, 5, "0.1", NULL, 0,
     "attitude gained at a session", PARAM_FIELD(training, attitude_boost)},
    {"interventions." NAME ".calibration", PARAM_DOUBLE, "1", 0, 1, "0.02", NULL, 0,
     "complexity ambition shed at a session (start with tasks the tool does well)",
     PARAM_FIELD(training, calibration)},
    {"interventions." NAME ".ambition_floor", PARAM_DOUBLE, "1", -1, 1, "0", NULL, 0,
     "calibration lowers complexity ambition no further than this (0: not over-ambitious, not timid)",
     PARAM_FIELD(training, ambition_floor)},
    PARAM_END};

static void training_free(void *state)
{
    training *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->ids);
    free(s);
}

static int training_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    training *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scenario_bind(scn, training_params, s);
    int rc = iv_common_parse(scn, NAME, &s->c, err);
    if (!rc) rc = iv_dose_parse(scn, w, &s->c, err);
    if (rc) {
        training_free(s);
        return rc;
    }
    if (w->net && !(s->ids = iv_calloc(w->n, sizeof *s->ids))) {
        training_free(s);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", NAME);
    }
    *state = s;
    return SIM_OK;
}

static void training_init(void *state, genai_world *w)
{
    training *s = state;
    s->n_ids = s->c.enabled ? iv_select(&s->c, w, NULL, s->ids) : 0;
}

static void training_apply(void *state, genai_world *w, int32_t day)
{
    training *s = state;
    if (!iv_session(&s->c, day)) return;
    /* who comes this time, and how much a session still adds after the ones before */
    const double dose = iv_dose(&s->c, day);
    int32_t came = 0;
    for (int32_t k = 0; k < s->n_ids; k++) {
        int32_t i = s->ids[k];
        if (!iv_attends(&s->c, w, i, day)) continue;
        came++;
        iv_add_skill(w, i, dose * s->gain * (1 - (double)w->skill[i]));
        if (w->version_used) w->version_used[i] = (uint8_t)w->version; /* taught on today's version */
        w->failures[i] = 0;
        iv_add_recovery(w, i, dose * s->recovery_boost, s->recovery_max);
        iv_add_attitude(w, i, dose * s->attitude_boost);
        iv_lower_trait(w, TRAIT_AMBITION, i, dose * s->calibration, s->ambition_floor);
        w->roles[i] |= GENAI_ROLE_TRAINED;
        iv_charge_hours(w, i, s->c.hours);
    }
    w->cost_hours += s->c.hours * came;
}

const genai_intervention_type training_intervention = {
    NAME, "training programme: skill, calibration to tasks the tool does well, a way back from disillusion",
    training_params, training_alloc, training_free, training_init, training_apply, 0, NULL, NULL};
