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

/* Philox4x32-10 for RNG_BATCH counters (first + j, day, purpose, block),
 * written as loops over the agents so the compiler vectorizes each round:
 * a lane holds one 32-bit word in 64 bits, so a 32x32 -> 64-bit multiply
 * per lane (vpmuludq) gives both halves of Philox's mulhilo.  The constants
 * are Random123's (PHILOX_M4x32_*, PHILOX_W32_*); test_rng.c checks every
 * word against rng_words. */
#if defined(__GNUC__) && defined(__x86_64__)
#define RNG_HAVE_AVX512 1
__attribute__((target("avx512f"))) static void philox_batch_avx512(rng_key key, uint32_t first, uint32_t day,
                                                                   uint32_t purpose, uint32_t block,
                                                                   uint32_t out[4][RNG_BATCH])
{
    uint64_t c0[RNG_BATCH], c1[RNG_BATCH], c2[RNG_BATCH], c3[RNG_BATCH];
    for (int j = 0; j < RNG_BATCH; j++) {
        c0[j] = (uint32_t)(first + (uint32_t)j);
        c1[j] = day;
        c2[j] = purpose;
        c3[j] = block;
    }
    uint64_t k0 = key.seed, k1 = key.replicate;
    for (int round = 0; round < 10; round++) {
        for (int j = 0; j < RNG_BATCH; j++) {
            uint64_t p0 = (uint64_t)(uint32_t)c0[j] * PHILOX_M4x32_0;
            uint64_t p1 = (uint64_t)(uint32_t)c2[j] * PHILOX_M4x32_1;
            c0[j] = (p1 >> 32) ^ c1[j] ^ k0;
            c2[j] = (p0 >> 32) ^ c3[j] ^ k1;
            c1[j] = p1 & 0xffffffffu;
            c3[j] = p0 & 0xffffffffu;
        }
        k0 = (uint32_t)(k0 + PHILOX_W32_0);
        k1 = (uint32_t)(k1 + PHILOX_W32_1);
    }
    for (int j = 0; j < RNG_BATCH; j++) {
        out[0][j] = (uint32_t)c0[j];
        out[1][j] = (uint32_t)c1[j];
        out[2][j] = (uint32_t)c2[j];
        out[3][j] = (uint32_t)c3[j];
    }
}
#endif

void rng_words_batch(rng_key key, uint32_t first, uint32_t day, uint32_t purpose, uint32_t block,
                     uint32_t out[4][RNG_BATCH])
{
#ifdef RNG_HAVE_AVX512
    if (__builtin_cpu_supports("avx512f")) {
        philox_batch_avx512(key, first, day, purpose, block, out);
        return;
    }
#endif
    for (int j = 0; j < RNG_BATCH; j++) {
        uint32_t w[4];
        rng_words(key, first + (uint32_t)j, day, purpose, block, w);
        for (int k = 0; k < 4; k++) out[k][j] = w[k];
    }
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
