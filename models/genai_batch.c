/* genai_batch.c: the loops of the genai model's decision pass that the
 * compiler vectorizes, over one batch of RNG_BATCH agents: everyone's use
 * decision (genai_batch_decisions) and everyone's end of the day
 * (genai_batch_end_days).  genai_day.c calls them for each batch of a block
 * and does the rest (the uses themselves, the tallies) one agent at a time.
 *
 * Each loop computes every side of a choice and selects, with no branch
 * on a random outcome: a decision no longer waits for the one before it,
 * and the processor mispredicts nothing.  The arithmetic is that of the
 * one-agent code of genai_day.c (use_logit, below_logistic, the end of the
 * day), operation for operation; floating-point contraction is off in ISO
 * C, so vector instructions give the same bits.  Built twice, as rng.c's
 * Philox batches: with AVX-512 (gathers from the table of logistic(), 8
 * doubles an instruction) when the CPU has it, checked at run time, and
 * plain; genai_batch_simd_set(0) makes tests use the plain one.  This file
 * is compiled with -fno-trapping-math (Makefile): GCC vectorizes a
 * choice between two computed values only when it may assume no
 * floating-point trap; the values are the same. */
#include "genai.h"
#include "genai_internal.h"

#include <string.h>

/* The body of genai_batch_decisions, inlined into each build of it. */
__attribute__((always_inline)) static inline void decisions(const genai_params *p, double permission_term,
                                                            const double *table, const genai_batch *in,
                                                            int32_t m, uint8_t *code_out)
{
    const float *restrict attitude = in->attitude, *restrict habit = in->habit, *restrict nudge = in->nudge;
    const float *restrict time = in->time, *restrict expertise = in->expertise, *restrict affinity = in->affinity;
    const int32_t *restrict seen = in->seen, *restrict deg = in->deg;
    const float *restrict lead = in->lead, *restrict need = in->need;
    const int32_t *restrict uses = in->uses;
    const uint32_t *restrict u0 = in->u0;
    const double w_intercept = p->w_intercept, w_attitude = p->w_attitude, w_habit = p->w_habit,
                 w_peers = p->w_peers, w_leader = p->w_leader, w_nudge = p->w_nudge, w_time = p->w_time,
                 w_expertise = p->w_expertise, w_affinity = p->w_affinity, w_first = p->w_first;
    uint8_t code[RNG_BATCH];
    for (int32_t j = 0; j < m; j++) {
        /* use_logit */
        const int tied = deg[j] > 0;
        const float share = (float)seen[j] / (tied ? (float)deg[j] : 1.0f);
        const float peers = tied ? share : 0.0f;
        const double x = w_intercept + w_attitude * attitude[j] + w_habit * habit[j] + w_peers * peers +
                         w_leader * lead[j] + permission_term + w_nudge * nudge[j] - w_time * time[j] -
                         w_expertise * expertise[j] + w_affinity * affinity[j] - w_first * (uses[j] == 0);
        /* below_logistic with scale need */
        const double u = rng_u01_from_word(u0[j]);
        const double t = (x + LOGISTIC_RANGE) * LOGISTIC_STEPS;
        const int inside = (t >= 0) & (t < LOGISTIC_POINTS - 1);
        const int k = (int)(inside ? t : 0.0);
        const double near = (table[k] + (t - k) * (table[k + 1] - table[k])) * need[j];
        const int below = u < near - LOGISTIC_MARGIN, above = u >= near + LOGISTIC_MARGIN;
        code[j] = (uint8_t)(below + GENAI_BATCH_EXACT * !(inside & (below | above)));
    }
    memcpy(code_out, code, (size_t)m);
}

/* The body of genai_batch_end_days. */
__attribute__((always_inline)) static inline int32_t end_days(const genai_params *p, const genai_batch_days *b,
                                                              int32_t m)
{
    uint32_t *restrict history = b->history, *restrict shown = b->shown;
    float *restrict habit = b->habit, *restrict simplify = b->simplify, *restrict nudge = b->nudge;
    uint8_t *restrict today_out = b->today_out;
    const uint8_t *restrict today = b->today, *restrict vis = b->vis;
    uint8_t *restrict differs = b->differs;
    const double habit_rate = p->habit_rate;
    const float faded_by = (float)(1 - p->habit_decay), keep_nudge = (float)(1 - p->nudge_decay);
    int32_t changed = 0;
    uint32_t used[RNG_BATCH];
    /* in loops over few arrays, and none that mixes bytes with doubles:
     * GCC vectorizes no other */
    for (int32_t j = 0; j < m; j++) {
        const uint32_t use = today[j] != 0, shown_use = use & ((today[j] & GENAI_HIDDEN) == 0);
        history[j] = history[j] << 1 | use;
        shown[j] = shown[j] << 1 | shown_use;
        used[j] = use;
    }
    for (int32_t j = 0; j < m; j++) {
        const uint8_t differ = visibility(history[j], shown[j]) != vis[j];
        differs[j] = differ;
        changed += differ;
        today_out[j] = today[j];
    }
    for (int32_t j = 0; j < m; j++) {
        const float before = habit[j];
        /* use builds habit (a compliance use only in proportion to what is real of it: see use_tool) */
        const float grown = before + (float)((1 - simplify[j]) * habit_rate * (1 - before));
        const float faded = before * faded_by;
        habit[j] = used[j] ? grown : faded;
    }
    for (int32_t j = 0; j < m; j++) {
        nudge[j] *= keep_nudge;
        simplify[j] *= keep_nudge;
    }
    return changed;
}

/* The body of genai_batch_tally_slots: the codes of genai_day.c's
 * activity_code and day_code (tally_agent). */
__attribute__((always_inline)) static inline void tally_slots(int regular_days, const genai_batch_tally *in,
                                                              int32_t m, int32_t *slot_out, int32_t *sum_out)
{
    const uint32_t *restrict history = in->history, *restrict shown = in->shown;
    const uint8_t *restrict today = in->today, *restrict access = in->access, *restrict dis = in->disillusioned;
    const uint16_t *restrict tally_cell = in->tally_cell;
    int32_t slot[2 * RNG_BATCH], sum[RNG_BATCH], code[RNG_BATCH];
    /* in loops over values of one width (see end_days) */
    for (int32_t j = 0; j < m; j++) {
        const uint32_t h = history[j];
        /* used within 30 and 7 days; regular: on regular_days of the last
         * 28 (popcount32, with its last step, the sum of the four byte
         * counts, as shifts: GCC vectorizes no loop with that multiply) */
        const int32_t monthly = (h & 0x3fffffffu) != 0, weekly = (h & 0x7fu) != 0;
        uint32_t x = h & 0x0fffffffu;
        x = x - ((x >> 1) & 0x55555555u);
        x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
        x = (x + (x >> 4)) & 0x0f0f0f0fu;
        const int32_t regular = (int32_t)((x + (x >> 8) + (x >> 16) + (x >> 24)) & 0xffu) >= regular_days;
        /* a hiding user: a use hidden from seniors in the last 30 days (used, not shown) */
        const int32_t hiding = ((h & ~shown[j]) & 0x3fffffffu) != 0;
        code[j] = 2 * (monthly + weekly) + regular + 12 * hiding;
    }
    for (int32_t j = 0; j < m; j++) {
        const int32_t cell = tally_cell[j] >> 1, leader = tally_cell[j] & 1;
        slot[j] = cell * TALLY_SLOTS + code[j] + 6 * leader;
        sum[j] = cell * N_SUMS;
    }
    for (int32_t j = 0; j < m; j++) {
        const int32_t cell = tally_cell[j] >> 1;
        const int32_t day = (today[j] & 7) | (access[j] != 0) << 3 | (dis[j] != 0) << 4;
        slot[RNG_BATCH + j] = cell * TALLY_SLOTS + ACTIVITY_SLOTS + day;
    }
    memcpy(slot_out, slot, (size_t)m * sizeof *slot);
    memcpy(slot_out + RNG_BATCH, slot + RNG_BATCH, (size_t)m * sizeof *slot);
    memcpy(sum_out, sum, (size_t)m * sizeof *sum);
}

#if defined(__GNUC__) && defined(__x86_64__)
#define BATCH_HAVE_AVX512 1
#define BATCH_AVX512 "avx512f,avx512dq,avx512vl,avx512bw"
__attribute__((target(BATCH_AVX512))) static void decisions_avx512(const genai_params *p, double permission_term,
                                                                   const double *table, const genai_batch *in,
                                                                   int32_t m, uint8_t *code)
{
    decisions(p, permission_term, table, in, m, code);
}

__attribute__((target(BATCH_AVX512))) static int32_t end_days_avx512(const genai_params *p,
                                                                     const genai_batch_days *b, int32_t m)
{
    return end_days(p, b, m);
}

__attribute__((target(BATCH_AVX512))) static void tally_slots_avx512(int regular_days, const genai_batch_tally *in,
                                                                     int32_t m, int32_t *slot, int32_t *sum)
{
    tally_slots(regular_days, in, m, slot, sum);
}
#endif

/* 1: use the AVX-512 builds where the CPU has them (the default). */
static int simd = 1;

void genai_batch_simd_set(int on)
{
    simd = on;
}

static int use_avx512(void)
{
#ifdef BATCH_HAVE_AVX512
    return simd && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
#else
    return 0;
#endif
}

void genai_batch_decisions(const genai_params *p, double permission_term, const double *table,
                           const genai_batch *in, int32_t m, uint8_t *code)
{
#ifdef BATCH_HAVE_AVX512
    if (use_avx512()) {
        decisions_avx512(p, permission_term, table, in, m, code);
        return;
    }
#endif
    decisions(p, permission_term, table, in, m, code);
}

int32_t genai_batch_end_days(const genai_params *p, const genai_batch_days *b, int32_t m)
{
#ifdef BATCH_HAVE_AVX512
    if (use_avx512()) return end_days_avx512(p, b, m);
#endif
    return end_days(p, b, m);
}

void genai_batch_tally_slots(int regular_days, const genai_batch_tally *in, int32_t m, int32_t *slot, int32_t *sum)
{
#ifdef BATCH_HAVE_AVX512
    if (use_avx512()) {
        tally_slots_avx512(regular_days, in, m, slot, sum);
        return;
    }
#endif
    tally_slots(regular_days, in, m, slot, sum);
}
