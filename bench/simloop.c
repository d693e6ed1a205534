/* simloop.c: the simulation alone, for benchmarks and profiles
 * (`make build/release/simloop`; bench/run.sh uses it).
 *
 *   simloop SCENARIO [--set KEY=VALUE]... [-r RUNS] [-t THREADS] [--network-only]
 *
 * Builds the scenario's network (timed), allocates the model once, then runs
 * RUNS replicates (0 .. RUNS-1) of run.days through engine_replicate into one
 * scratch buffer, timing each.  Prints the network build time, the median and
 * best seconds per replicate, and a checksum (FNV-1a over the bytes of every
 * observable of every replicate, word by word), so two builds can be compared for identical
 * results without writing files.  No output file, no HDF5: what a profile of
 * it shows is the model and the network. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "engine.h"
#include "network.h"
#include "registry.h"

/* FNV-1a over 8-byte words (len a multiple of 8; the bytes of doubles and
 * CSR arrays), cheap enough not to show in a profile. */
static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
    const unsigned char *b = p;
    for (size_t i = 0; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, b + i, 8);
        h = (h ^ x) * 1099511628211u;
    }
    for (size_t i = len - len % 8; i < len; i++) h = (h ^ b[i]) * 1099511628211u;
    return h;
}

/* CPU seconds of the whole process (all threads), user and system. */
static double cpu_clock(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int usage(void)
{
    fprintf(stderr, "usage: simloop SCENARIO [--set KEY=VALUE]... [-r RUNS] [-t THREADS] [--network-only]\n");
    return 2;
}

static int fail(const sim_error *err)
{
    char buf[2048];
    fprintf(stderr, "simloop: %s\n", sim_error_format(err, buf, sizeof buf));
    return sim_status_exit_code(err->status);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *path = NULL;
    int runs = 1, threads = 0, network_only = 0;
    scenario *scn = NULL;
    sim_error err;
    sim_error_clear(&err);
    if (registry_scenario_alloc(&scn, &err)) return fail(&err);
    const char *sets[64];
    int n_sets = 0;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--set") && a + 1 < argc && n_sets < 64) sets[n_sets++] = argv[++a];
        else if (!strcmp(argv[a], "-r") && a + 1 < argc) runs = atoi(argv[++a]);
        else if (!strcmp(argv[a], "-t") && a + 1 < argc) threads = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--network-only")) network_only = 1;
        else if (argv[a][0] != '-' && !path) path = argv[a];
        else return usage();
    }
    if (!path || runs < 1) return usage();
    int rc = scenario_load_file(scn, path, &err);
    for (int i = 0; !rc && i < n_sets; i++) rc = scenario_set(scn, sets[i], &err);
    if (!rc) rc = registry_validate(scn, &err);
    if (rc) return fail(&err);
    if (threads > 0) omp_set_num_threads(threads);

    sim_network *net = NULL;
    double t0 = engine_clock();
    if ((rc = network_build(scn, (uint32_t)scenario_int(scn, "run.seed"), &net, &err))) return fail(&err);
    double t_net = engine_clock() - t0;
    uint64_t h = 1469598103934665603u;
    h = fnv(h, net->row, ((size_t)net->n + 1) * sizeof *net->row);
    h = fnv(h, net->col, (size_t)net->row[net->n] * sizeof *net->col);
    printf("network %s: %d agents, %lld ties, built in %.6f s, CSR checksum %016llx\n", net->kind,
           (int)net->n, (long long)(network_arcs(net) / 2), t_net, (unsigned long long)h);
    if (network_only) {
        network_free(net);
        scenario_free(scn);
        return 0;
    }

    const sim_model_type *m = registry_scenario_model(scn);
    const int32_t days = (int32_t)scenario_int(scn, "run.days");
    const uint32_t seed = (uint32_t)scenario_int(scn, "run.seed");
    const size_t T = (size_t)days + 1, k = (size_t)m->n_observables;
    const int32_t L = net->generation && net->level ? net->n_levels : 0;
    double *data = calloc(k * T, sizeof *data);
    double *gen = calloc(k * T * NET_GENERATIONS, sizeof *gen);
    double *lev = calloc(k * T * (size_t)(L ? L : 1), sizeof *lev);
    double *values = calloc(k, sizeof *values);
    double *gen_values = calloc(k * NET_GENERATIONS, sizeof *gen_values);
    double *lev_values = calloc(k * (size_t)(L ? L : 1), sizeof *lev_values);
    double *secs = calloc((size_t)runs, sizeof *secs);
    double *cpus = calloc((size_t)runs, sizeof *cpus);
    if (!data || !gen || !lev || !values || !gen_values || !lev_values || !secs || !cpus) {
        fprintf(stderr, "simloop: out of memory\n");
        return 1;
    }
    sim_context ctx = {scn, net, rng_key_make(seed, 0), days};
    void *state = NULL;
    t0 = engine_clock();
    if ((rc = m->alloc(&ctx, &state, &err))) return fail(&err);
    double t_alloc = engine_clock() - t0;
    engine_series out = {data, T, L ? gen : NULL, T * NET_GENERATIONS, L ? lev : NULL, T * (size_t)L, L, NULL, 0, 0, NULL};
    h = 1469598103934665603u;
    for (int r = 0; r < runs; r++) {
        ctx.key = rng_key_make(seed, (uint32_t)r);
        double c0 = cpu_clock();
        t0 = engine_clock();
        engine_replicate(m, state, &ctx, &out, values, gen_values, lev_values);
        secs[r] = engine_clock() - t0;
        cpus[r] = cpu_clock() - c0;
        h = fnv(h, data, k * T * sizeof *data);
        if (L) {
            h = fnv(h, gen, k * T * NET_GENERATIONS * sizeof *gen);
            h = fnv(h, lev, k * T * (size_t)L * sizeof *lev);
        }
    }
    qsort(secs, (size_t)runs, sizeof *secs, cmp_double);
    qsort(cpus, (size_t)runs, sizeof *cpus, cmp_double);
    double med = secs[runs / 2];
    printf("model %s: %d run(s) x %d days on %d thread(s): alloc %.6f s, per run median %.6f s, best %.6f s, "
           "%.3g agent-steps/s (median); CPU per run median %.6f s, best %.6f s; results checksum %016llx\n",
           m->name, runs, (int)days, omp_get_max_threads(), t_alloc, med, secs[0],
           (double)net->n * days / med, cpus[runs / 2], cpus[0], (unsigned long long)h);
    m->free(state);
    free(data);
    free(gen);
    free(lev);
    free(values);
    free(gen_values);
    free(lev_values);
    free(secs);
    free(cpus);
    network_free(net);
    scenario_free(scn);
    return 0;
}
