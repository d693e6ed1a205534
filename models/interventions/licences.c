/* licences.c: licences give the target group access to the tool
 * (genai_world.access) from the start day and take it back after the end
 * day.  Access is a precondition, not adoption: without a licence nobody can
 * use the tool, with one whether they use it is up to them (story 3: a $20
 * account for every employee bought access, and by August only a few bright
 * spots).  Each seat costs dollars_per_seat_month for every day it is held
 * (price x 12 / 365 a day); hours, if set, are onboarding time per seat. */
#include <stdlib.h>

#include "helpers.h"
#include "intervention.h"
#include "interventions.h"

#define NAME "licences"

typedef struct licences {
    iv_common c;
    double price;          /* dollars per seat per month */
    int32_t *seats;        /* target group, one seat each */
    int32_t n_seats;
    int32_t *granted;      /* seats whose holder had no access before */
    int32_t n_granted;
    int held;              /* 1: the seats are handed out */
} licences;

static const param_def licences_params[] = {
    INTERVENTION_COMMON_PARAMS(licences, NAME, "1", "0", "0", "all"),
    {"interventions." NAME ".dollars_per_seat_month", PARAM_DOUBLE, "dollars/seat/month", 0, 100000,
     "20", NULL, 0, "price of one licence a month; accrues every day a seat is held (x 12 / 365)",
     PARAM_FIELD(licences, price)},
    PARAM_END};

static void licences_free(void *state)
{
    licences *s = state;
    if (!s) return;
    iv_common_free(&s->c);
    free(s->seats);
    free(s->granted);
    free(s);
}

static int licences_alloc(const scenario *scn, const genai_world *w, void **state, sim_error *err)
{
    licences *s = calloc(1, sizeof *s);
    if (!s) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    scenario_bind(scn, licences_params, s);
    int rc = iv_common_parse(scn, NAME, &s->c, err);
    if (rc) {
        licences_free(s);
        return rc;
    }
    if (w->net) { /* no network: only checking the scenario */
        s->seats = iv_calloc(w->n, sizeof *s->seats);
        s->granted = iv_calloc(w->n, sizeof *s->granted);
        if (!s->seats || !s->granted) {
            licences_free(s);
            return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %s", NAME);
        }
    }
    *state = s;
    return SIM_OK;
}

static void licences_init(void *state, genai_world *w)
{
    licences *s = state;
    s->n_seats = s->c.enabled ? iv_select(&s->c, w, NULL, s->seats) : 0;
    s->n_granted = 0;
    s->held = 0;
}

static void licences_apply(void *state, genai_world *w, int32_t day)
{
    licences *s = state;
    if (iv_active(&s->c, day)) {
        if (!s->held) {
            s->n_granted = 0;
            for (int32_t k = 0; k < s->n_seats; k++) {
                int32_t i = s->seats[k];
                if (!w->access[i]) s->granted[s->n_granted++] = i;
                w->access[i] = 1;
            }
            s->held = 1;
        }
        if (iv_session(&s->c, day)) {
            w->cost_hours += s->c.hours * s->n_seats;
            iv_charge_hours_all(w, s->seats, s->n_seats, s->c.hours);
        }
        w->cost_dollars += s->n_seats * s->price * 12.0 / 365.0;
    } else if (s->held && s->c.end >= 0 && day > s->c.end) {
        /* take back only what was given: access from elsewhere stays */
        for (int32_t k = 0; k < s->n_granted; k++) w->access[s->granted[k]] = 0;
        s->held = 0;
    }
}

const genai_intervention_type licences_intervention = {
    NAME, "licences: access to the tool for the target group from start to end; dollars per seat-month",
    licences_params, licences_alloc, licences_free, licences_init, licences_apply, 0, NULL, NULL};
