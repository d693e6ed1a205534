/* rng.h: counter-based random numbers (Philox4x32-10 from Random123).
 *
 * There is no generator state to share or advance: every draw is a pure
 * function of a key (seed, replicate) and a counter (agent, day, purpose,
 * block).  So a draw does not depend on which thread makes it or in what
 * order agents are visited, results are bit-identical for any thread count,
 * and two scenarios that differ only in an intervention see the same draws
 * for the same (agent, day, purpose): common random numbers.
 *
 * Purposes: each model numbers its own kinds of draw from 0 to 0xFFFF;
 * the engine uses RNG_PURPOSE_ENGINE + k for network building and the like.
 *
 * For GSL's distributions, rng_gsl_alloc() gives a gsl_rng backed by the same
 * generator; rng_gsl_stream() points it at one (key, counter) stream. */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include <Random123/philox.h>

#define RNG_PURPOSE_ENGINE 0x10000u

typedef struct rng_key {
    uint32_t seed;      /* run.seed */
    uint32_t replicate; /* replicate number, 0-based */
} rng_key;

static inline rng_key rng_key_make(uint32_t seed, uint32_t replicate)
{
    rng_key k = {seed, replicate};
    return k;
}

/* Four independent uniform 32-bit words for counter (agent, day, purpose, block). */
static inline void rng_words(rng_key key, uint32_t agent, uint32_t day, uint32_t purpose,
                             uint32_t block, uint32_t out[4])
{
    philox4x32_ctr_t c = {{agent, day, purpose, block}};
    philox4x32_key_t k = {{key.seed, key.replicate}};
    philox4x32_ctr_t r = philox4x32(c, k);
    out[0] = r.v[0]; out[1] = r.v[1]; out[2] = r.v[2]; out[3] = r.v[3];
}

/* Map two 32-bit words to a double uniform on [0, 1) with 53 random bits. */
static inline double rng_u01_from_words(uint32_t hi, uint32_t lo)
{
    uint64_t x = ((uint64_t)hi << 21) ^ (uint64_t)(lo >> 11);
    return (double)(x & ((UINT64_C(1) << 53) - 1)) * 0x1.0p-53;
}

/* One uniform on [0, 1) for (agent, day, purpose). */
static inline double rng_uniform(rng_key key, uint32_t agent, uint32_t day, uint32_t purpose)
{
    uint32_t w[4];
    rng_words(key, agent, day, purpose, 0, w);
    return rng_u01_from_words(w[0], w[1]);
}

/* A uniform on [0, 1) with 32 random bits (resolution 2.3e-10), for cheap
 * Bernoulli draws. */
static inline double rng_u01_from_word(uint32_t w)
{
    return (double)w * 0x1.0p-32;
}

/* Four agents per Philox call: agent i's 32-bit word for (day, purpose) is
 * word i % 4 of counter (i / 4, day, purpose, 0).  Hot loops that need one
 * Bernoulli draw per agent per day use this to make a quarter of the calls;
 * a draw still depends only on (key, agent, day, purpose). */
static inline void rng_words_of_four(rng_key key, uint32_t first_agent, uint32_t day,
                                     uint32_t purpose, uint32_t out[4])
{
    rng_words(key, first_agent >> 2, day, purpose, 0, out);
}

/* The words of many agents at once: out[k][j] is word k of
 * rng_words(key, first + j, day, purpose, block), j < RNG_BATCH (agent ids
 * wrap around as uint32_t, as in rng_words).  The same numbers as
 * rng_words, computed for 8 agents per instruction on CPUs with AVX-512
 * (checked at run time: Philox's multiplies vectorize there, and took a
 * quarter of the genai model's time one agent at a time), else one agent
 * at a time. */
#define RNG_BATCH 64
void rng_words_batch(rng_key key, uint32_t first, uint32_t day, uint32_t purpose, uint32_t block,
                     uint32_t out[4][RNG_BATCH]);

/* A gsl_rng whose draws come from Philox.  Allocate one per thread before a
 * parallel loop (never inside it); free with gsl_rng_free.  NULL when out of
 * memory. */
gsl_rng *rng_gsl_alloc(void);

/* Point r at the stream (key; agent, day, purpose): the next draws are the
 * words of blocks 0, 1, 2, ... of that counter. */
void rng_gsl_stream(gsl_rng *r, rng_key key, uint32_t agent, uint32_t day, uint32_t purpose);

/* The gsl_rng_type behind rng_gsl_alloc, name "philox4x32". */
extern const gsl_rng_type *rng_gsl_philox;

#endif
