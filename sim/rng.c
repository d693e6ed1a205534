/* rng.c: Philox4x32-10 wrapped as a gsl_rng_type, so every gsl_ran_*
 * distribution draws from the counter-based generator. */
#include "rng.h"

typedef struct {
    rng_key key;
    uint32_t ctr[4]; /* agent, day, purpose, block of the next refill */
    uint32_t buf[4];
    int left;        /* words of buf not used yet */
} philox_state;

static unsigned long int philox_get(void *vstate)
{
    philox_state *s = vstate;
    if (s->left == 0) {
        rng_words(s->key, s->ctr[0], s->ctr[1], s->ctr[2], s->ctr[3], s->buf);
        s->ctr[3]++;
        s->left = 4;
    }
    return s->buf[4 - s->left--];
}

static double philox_get_double(void *vstate)
{
    uint32_t hi = (uint32_t)philox_get(vstate);
    uint32_t lo = (uint32_t)philox_get(vstate);
    return rng_u01_from_words(hi, lo);
}

/* gsl_rng_set(r, seed): stream (seed, replicate 0; agent 0, day 0, purpose 0). */
static void philox_set(void *vstate, unsigned long int seed)
{
    philox_state *s = vstate;
    s->key = rng_key_make((uint32_t)seed, 0);
    s->ctr[0] = s->ctr[1] = s->ctr[2] = s->ctr[3] = 0;
    s->left = 0;
}

static const gsl_rng_type philox_type = {
    "philox4x32", 0xffffffffUL, 0, sizeof(philox_state),
    &philox_set, &philox_get, &philox_get_double
};

const gsl_rng_type *rng_gsl_philox = &philox_type;

gsl_rng *rng_gsl_alloc(void)
{
    return gsl_rng_alloc(rng_gsl_philox);
}

void rng_gsl_stream(gsl_rng *r, rng_key key, uint32_t agent, uint32_t day, uint32_t purpose)
{
    philox_state *s = r->state;
    s->key = key;
    s->ctr[0] = agent;
    s->ctr[1] = day;
    s->ctr[2] = purpose;
    s->ctr[3] = 0;
    s->left = 0;
}
