/* helpers.c: grouping, ranking and the reporting tree for the interventions. */
#include "helpers.h"

#include <string.h>

void iv_group(const int32_t *key, int32_t n, int32_t n_keys, int32_t *start, int32_t *ids)
{
    memset(start, 0, ((size_t)n_keys + 1) * sizeof *start);
    for (int32_t i = 0; i < n; i++)
        if (key[i] >= 0 && key[i] < n_keys) start[key[i] + 1]++;
    for (int32_t k = 0; k < n_keys; k++) start[k + 1] += start[k];
    const int32_t total = start[n_keys];
    /* start[k + 1] is the end of group k: fill each group from its end, last
     * agent first, so it ends in increasing id order and start[k + 1] at
     * the group's beginning */
    for (int32_t i = n - 1; i >= 0; i--)
        if (key[i] >= 0 && key[i] < n_keys) ids[--start[key[i] + 1]] = i;
    for (int32_t k = 0; k < n_keys; k++) start[k] = start[k + 1];
    start[n_keys] = total;
}

/* Whether a goes after b in the ranking (lower score, or same score and higher id). */
static int after(const double *score, int32_t a, int32_t b)
{
    return score[a] < score[b] || (score[a] == score[b] && a > b);
}

static void sift_down(int32_t *ids, int32_t root, int32_t m, const double *score)
{
    for (;;) {
        int32_t child = 2 * root + 1;
        if (child >= m) return;
        /* a min-heap in ranking order: the root is the one ranked last */
        if (child + 1 < m && after(score, ids[child + 1], ids[child])) child++;
        if (!after(score, ids[child], ids[root])) return;
        int32_t t = ids[root];
        ids[root] = ids[child];
        ids[child] = t;
        root = child;
    }
}

void iv_rank(int32_t *ids, int32_t m, const double *score)
{
    for (int32_t r = m / 2 - 1; r >= 0; r--) sift_down(ids, r, m, score);
    for (int32_t end = m - 1; end > 0; end--) {
        int32_t t = ids[0];
        ids[0] = ids[end];
        ids[end] = t;
        sift_down(ids, 0, end, score);
    }
}

void iv_tree_order(const sim_network *net, const int32_t *rstart, const int32_t *rids,
                   int32_t *order, int32_t *first, int32_t *last, int32_t *stack)
{
    const int32_t n = net->n;
    int32_t pos = 0;
    for (int32_t i = 0; i < n; i++) first[i] = last[i] = -1;
    for (int32_t root = 0; root < n; root++) {
        if (net->manager[root] >= 0) continue;
        int32_t top = 0;
        stack[top++] = root;
        while (top > 0) {
            int32_t v = stack[--top];
            first[v] = pos;
            order[pos++] = v;
            /* push reports in reverse so they come out in increasing id order */
            for (int32_t k = rstart[v + 1] - 1; k >= rstart[v]; k--)
                if (first[rids[k]] < 0 && top < n) stack[top++] = rids[k];
        }
    }
    /* subtree sizes, children before parents (reverse pre-order) */
    for (int32_t p = 0; p < pos; p++) last[order[p]] = 1;
    for (int32_t p = pos - 1; p >= 0; p--) {
        int32_t v = order[p], m = net->manager[v];
        if (m >= 0 && first[m] >= 0) last[m] += last[v];
    }
    for (int32_t p = 0; p < pos; p++) {
        int32_t v = order[p];
        last[v] = first[v] + last[v] - 1;
    }
}
