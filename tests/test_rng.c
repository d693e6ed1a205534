/* test_rng.c: the counter-based generator: Random123's known answers, and
 * the batched words equal to one agent at a time. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "rng.h"

/* Random123's known-answer test for philox4x32-10 (kat_vectors). */
Test(rng, philox_known_answers)
{
    uint32_t w[4];
    rng_words(rng_key_make(0, 0), 0, 0, 0, 0, w);
    cr_expect(w[0] == 0x6627e8d5u && w[1] == 0xe169c58du && w[2] == 0xbc57ac4cu && w[3] == 0x9b00dbd8u,
              "zero counter and key: %08x %08x %08x %08x", w[0], w[1], w[2], w[3]);
    rng_words(rng_key_make(0xffffffffu, 0xffffffffu), 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, w);
    cr_expect(w[0] == 0x408f276du && w[1] == 0x41c83b0eu && w[2] == 0xa20bc7c6u && w[3] == 0x6d5451fdu,
              "all ones: %08x %08x %08x %08x", w[0], w[1], w[2], w[3]);
}

/* Every word of a batch is rng_words' word, for keys, counters and agent
 * ids that wrap around. */
Test(rng, batch_equals_one_agent_at_a_time)
{
    const uint32_t firsts[] = {0, 1, 4096, 123457, 0xffffffffu - 20};
    const rng_key keys[] = {{0, 0}, {1, 0}, {42, 7}, {0xffffffffu, 0xfffffffeu}};
    for (size_t a = 0; a < sizeof keys / sizeof keys[0]; a++)
        for (size_t f = 0; f < sizeof firsts / sizeof firsts[0]; f++)
            for (uint32_t day = 0; day < 400; day += 133) {
                uint32_t out[4][RNG_BATCH];
                uint32_t purpose = 3 + day, block = day % 2;
                rng_words_batch(keys[a], firsts[f], day, purpose, block, out);
                for (int j = 0; j < RNG_BATCH; j++) {
                    uint32_t w[4];
                    rng_words(keys[a], firsts[f] + (uint32_t)j, day, purpose, block, w);
                    for (int k = 0; k < 4; k++)
                        cr_assert_eq(out[k][j], w[k], "key %zu, agent %u, day %u, word %d", a,
                                     firsts[f] + (uint32_t)j, day, k);
                }
            }
}
