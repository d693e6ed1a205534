/* uncertainty.c: the uncertainty section of scenario and experiment files,
 * checked against the parameter table, and the values of each parameter
 * draw (see uncertainty.h). */
#include "uncertainty.h"

#include "calibrate.h"
#include "yamlnode.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <yaml.h>

static const char *const family_names[] = {"uniform", "log_uniform", "normal", "lognormal",
                                           "beta", "triangular", "choice", "posterior"};
#define N_FAMILIES 7  /* those written as distributions (posterior comes from a fit file) */

/* The fields of each family: required ones, then optional ones. */
static const char *const required_fields[N_FAMILIES][3] = {
    {"min", "max", NULL}, {"min", "max", NULL}, {"mean", "sd", NULL}, {"median", "sdlog", NULL},
    {"alpha", "beta", NULL}, {"min", "mode", "max"}, {"values", NULL, NULL}};
static const char *const optional_fields[N_FAMILIES][2] = {
    {NULL, NULL}, {NULL, NULL}, {"min", "max"}, {"min", "max"}, {"min", "max"}, {NULL, NULL}, {NULL, NULL}};

const char *uncertainty_family_name(unc_family f)
{
    return (int)f >= 0 && (int)f <= UNC_POSTERIOR ? family_names[f] : "?";
}

/* ---- small helpers ------------------------------------------------------------------- */

static int oom(sim_error *err, const char *file)
{
    return sim_error_set(err, SIM_ENOMEM, file, 0, 0, NULL, "out of memory");
}

/* The shortest "%.Ng" that reads back as d. */
static void format_double(double d, char *buf, size_t size)
{
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) return;
    }
}

/* A finite number from a scalar node. */
static int node_number(const char *file, const yaml_node_t *n, const char *key, const char *field, double *out,
                       sim_error *err)
{
    const char *s = yamlnode_text(n);
    char *end;
    if (n->type != YAML_SCALAR_NODE || !s[0]) return yamlnode_fail(err, file, n, key, "%s: expected a number", field);
    *out = strtod(s, &end);
    if (*end || !isfinite(*out)) return yamlnode_fail(err, file, n, key, "%s: expected a number, got \"%s\"", field, s);
    return SIM_OK;
}

/* A value of key's own scale (min, max, mode, mean, median, a choice): a
 * number, or for a time key (scenario.h) also 12w, 3m or a date, counted in
 * days against scn's start date. */
static int node_value(const scenario *scn, const char *file, const yaml_node_t *n, const char *key,
                      const char *field, double *out, sim_error *err)
{
    const char *s = yamlnode_text(n);
    char *end, why[256];
    long long days;
    if (n->type == YAML_SCALAR_NODE && s[0]) {
        (void)strtod(s, &end);
        int t = *end ? scenario_time_days(scn, key, s, &days, why, sizeof why) : 0;
        if (t < 0) return yamlnode_fail(err, file, n, key, "%s: %s", field, why);
        if (t > 0) {
            *out = (double)days;
            return SIM_OK;
        }
    }
    return node_number(file, n, key, field, out, err);
}

/* 64-bit FNV-1a of s, as two words. */
static void hash_path(const char *s, uint32_t *h0, uint32_t *h1)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001b3);
    }
    *h0 = (uint32_t)h;
    *h1 = (uint32_t)(h >> 32);
}

static void param_free(unc_param *p)
{
    free(p->path);
    free(p->values);
    free(p->cum_weights);
    free(p->file);
    free(p->section_file);
    free(p->text);
    memset(p, 0, sizeof *p);
}

void uncertainty_free(uncertainty *u)
{
    if (!u) return;
    for (int j = 0; j < u->n; j++) param_free(&u->p[j]);
    free(u->p);
    free(u->file);
    memset(u, 0, sizeof *u);
    u->per_draw = 1;
}

int uncertainty_find(const uncertainty *u, const char *path)
{
    for (int j = 0; j < u->n; j++)
        if (!strcmp(u->p[j].path, path)) return j;
    return -1;
}

void uncertainty_remove(uncertainty *u, int j)
{
    if (j < 0 || j >= u->n) return;
    param_free(&u->p[j]);
    memmove(&u->p[j], &u->p[j + 1], (size_t)(u->n - j - 1) * sizeof *u->p);
    u->n--;
}

/* ---- truncated normals ---------------------------------------------------------------- */

/* Standard normal P (or Q when upper) at z, for z possibly infinite. */
static double tail(double z, int upper)
{
    if (isinf(z)) return (z > 0) != upper ? 1.0 : 0.0;
    return upper ? gsl_cdf_ugaussian_Q(z) : gsl_cdf_ugaussian_P(z);
}

/* The truncation of a standard normal to [zlo, zhi]: where the inversion
 * works (the lower tail, or the upper one when the range lies above the
 * mean, so that far tails keep their precision); returns the mass kept. */
static double truncate_normal(unc_param *p, double zlo, double zhi)
{
    p->upper_tail = zlo > 0;
    p->cut_lo = tail(zlo, p->upper_tail);
    p->cut_hi = tail(zhi, p->upper_tail);
    return fabs(p->cut_hi - p->cut_lo);
}

/* A standard normal truncated as p says, from u in (0, 1). */
static double truncated_z(const unc_param *p, double u)
{
    double q = p->cut_lo + u * (p->cut_hi - p->cut_lo);
    return p->upper_tail ? gsl_cdf_ugaussian_Qinv(q) : gsl_cdf_ugaussian_Pinv(q);
}

/* ---- drawing ------------------------------------------------------------------------------ */

double uncertainty_value(const unc_param *p, gsl_rng *r, uint32_t seed, uint32_t draw)
{
    double x = 0;
    rng_gsl_stream(r, rng_key_make(seed, draw), p->h0, p->h1, RNG_PURPOSE_UNCERTAINTY);
    switch (p->family) {
    case UNC_UNIFORM: x = gsl_ran_flat(r, p->a, p->b); break;
    case UNC_LOG_UNIFORM: x = exp(gsl_ran_flat(r, log(p->a), log(p->b))); break;
    case UNC_NORMAL: x = p->a + p->b * truncated_z(p, gsl_rng_uniform_pos(r)); break;
    case UNC_LOGNORMAL: x = exp(log(p->a) + p->b * truncated_z(p, gsl_rng_uniform_pos(r))); break;
    case UNC_BETA: x = p->lo + (p->hi - p->lo) * gsl_ran_beta(r, p->a, p->b); break;
    case UNC_TRIANGULAR: {
        /* inversion of the triangular CDF on [a, c] with mode b */
        double u = gsl_rng_uniform(r), w = p->c - p->a, left = (p->b - p->a) / w;
        x = u < left ? p->a + sqrt(u * w * (p->b - p->a)) : p->c - sqrt((1 - u) * w * (p->c - p->b));
        break;
    }
    case UNC_CHOICE: x = p->values[gsl_rng_uniform_int(r, (unsigned long)p->n_values)]; break;
    case UNC_POSTERIOR: {
        double u = gsl_rng_uniform(r);
        int i = 0;
        while (i < p->n_values - 1 && p->cum_weights[i] <= u) i++;
        x = p->values[i];
        break;
    }
    }
    if (p->whole) x = round(x);
    /* rounding (or exp(log(b))) may step an ulp or a half outside */
    double lo = p->whole ? ceil(p->lo) : p->lo, hi = p->whole ? floor(p->hi) : p->hi;
    if (x < lo) x = lo;
    if (x > hi) x = hi;
    return x;
}

void uncertainty_draw(const uncertainty *u, gsl_rng *r, uint32_t seed, uint32_t draw, double *out)
{
    for (int j = 0; j < u->n; j++) out[j] = uncertainty_value(&u->p[j], r, seed, draw);
}

/* ---- densities ---------------------------------------------------------------------------- */

double uncertainty_log_density(const unc_param *p, double x)
{
    if (!(x >= p->lo && x <= p->hi)) return -INFINITY;
    switch (p->family) {
    case UNC_UNIFORM: return 0;
    case UNC_LOG_UNIFORM: return x > 0 ? -log(x) : -INFINITY;
    case UNC_NORMAL: {
        double z = (x - p->a) / p->b;
        return -0.5 * z * z;
    }
    case UNC_LOGNORMAL: {
        if (x <= 0) return -INFINITY;
        double z = (log(x) - log(p->a)) / p->b;
        return -log(x) - 0.5 * z * z;
    }
    case UNC_BETA: {
        double d = gsl_ran_beta_pdf((x - p->lo) / (p->hi - p->lo), p->a, p->b);
        return d > 0 && isfinite(d) ? log(d) : -INFINITY;
    }
    case UNC_TRIANGULAR:
        if (x < p->b) return x > p->a ? log(x - p->a) - log(p->b - p->a) : -INFINITY;
        if (x > p->b) return x < p->c ? log(p->c - x) - log(p->c - p->b) : -INFINITY;
        return 0;
    case UNC_CHOICE:
    case UNC_POSTERIOR: break;
    }
    for (int i = 0; i < p->n_values; i++)
        if (p->values[i] == x) return 0;
    return -INFINITY;
}

/* ---- reading ------------------------------------------------------------------------------ */

/* What a read shares. */
typedef struct reader {
    uncertainty *u;
    const scenario *scn;
    scenario *scratch;        /* a copy of scn the range checks write into */
    const char *section_file; /* the top file whose section is being read */
    int depth;                /* include depth */
    sim_error *err;
    char **own;               /* the keys the parameters mapping being read gave, and their lines */
    int *own_line, n_own;
} reader;

static int read_file(reader *rd, const char *path, int included);

/* 1 if some key of scn's table lies under path. */
static int is_section(const scenario *scn, const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < scn->n; i++)
        if (!strncmp(scn->values[i].def->path, path, n) && scn->values[i].def->path[n] == '.') return 1;
    return 0;
}

/* Check that value v (given at node n in file) may be set to key: the
 * messages of scenario_set_number (bounds, whole numbers). */
static int check_value(reader *rd, const char *file, const yaml_node_t *n, const char *key, double v)
{
    return scenario_set_number(rd->scratch, key, v, file, (int)n->start_mark.line + 1, (int)n->start_mark.column + 1,
                               rd->err);
}

/* Add (or replace) a parameter; takes p's allocations. */
static int add_param(reader *rd, unc_param *p)
{
    uncertainty *u = rd->u;
    int j = uncertainty_find(u, p->path);
    if (j >= 0) {
        param_free(&u->p[j]);
        u->p[j] = *p;
        return SIM_OK;
    }
    if (u->n == UNCERTAINTY_MAX_PARAMS) {
        sim_error_set(rd->err, SIM_EINPUT, p->file, p->line, p->column, p->path,
                      "more than %d uncertain keys", UNCERTAINTY_MAX_PARAMS);
        param_free(p);
        return SIM_EINPUT;
    }
    unc_param *grown = realloc(u->p, (size_t)(u->n + 1) * sizeof *grown);
    if (!grown) {
        param_free(p);
        return oom(rd->err, rd->section_file);
    }
    u->p = grown;
    u->p[u->n++] = *p;
    return SIM_OK;
}

/* The canonical one-line text of p's distribution, every number as the
 * shortest text that reads back as it (p->text, malloc'd); 0 when out of
 * memory. */
static int describe(unc_param *p, int lo_given, int hi_given)
{
    char a[40], b[40], c[40], lo[40], hi[40];
    const size_t size = 256 + (size_t)p->n_values * 40;
    if (!(p->text = malloc(size))) return 0;
    format_double(p->a, a, sizeof a);
    format_double(p->b, b, sizeof b);
    format_double(p->c, c, sizeof c);
    format_double(p->lo, lo, sizeof lo);
    format_double(p->hi, hi, sizeof hi);
    size_t len = 0;
    switch (p->family) {
    case UNC_UNIFORM:
    case UNC_LOG_UNIFORM:
        snprintf(p->text, size, "%s(min=%s, max=%s)", family_names[p->family], a, b);
        break;
    case UNC_NORMAL:
    case UNC_LOGNORMAL:
        snprintf(p->text, size, "%s(%s=%s, %s=%s, truncated to [%s, %s]%s)", family_names[p->family],
                 p->family == UNC_NORMAL ? "mean" : "median", a, p->family == UNC_NORMAL ? "sd" : "sdlog", b, lo, hi,
                 lo_given || hi_given ? "" : ": the key's bounds");
        break;
    case UNC_BETA:
        snprintf(p->text, size, "beta(alpha=%s, beta=%s, min=%s, max=%s)", a, b, lo, hi);
        break;
    case UNC_TRIANGULAR:
        snprintf(p->text, size, "triangular(min=%s, mode=%s, max=%s)", a, b, c);
        break;
    case UNC_CHOICE:
        len = (size_t)snprintf(p->text, size, "choice(values=[");
        for (int i = 0; i < p->n_values; i++) {
            format_double(p->values[i], a, sizeof a);
            len += (size_t)snprintf(p->text + len, size - len, "%s%s", i ? ", " : "", a);
        }
        snprintf(p->text + len, size - len, "])");
        break;
    case UNC_POSTERIOR:
        snprintf(p->text, size, "posterior(%d weighted particles of %s)", p->n_values, p->file);
        break;
    }
    if (p->whole && p->family != UNC_CHOICE && strlen(p->text) + 10 < size) strcat(p->text, ", rounded");
    return 1;
}

/* One distribution: the mapping dist given for key (named at key node kn). */
static int read_distribution(reader *rd, yaml_document_t *doc, const char *file, const yaml_node_t *kn,
                             const yaml_node_t *dist, const char *key)
{
    sim_error *err = rd->err;
    const param_value *pv = scenario_find(rd->scn, key);
    const param_def *def = pv->def;
    const yaml_node_t *fam_node = NULL, *fields[5] = {NULL, NULL, NULL, NULL, NULL};
    int fam = -1;

    for (yaml_node_pair_t *q = dist->data.mapping.pairs.start; q < dist->data.mapping.pairs.top; q++) {
        yaml_node_t *qk = yaml_document_get_node(doc, q->key), *qv = yaml_document_get_node(doc, q->value);
        if (!strcmp(yamlnode_text(qk), "distribution")) fam_node = qv;
    }
    for (int f = 0; fam_node && f < N_FAMILIES; f++)
        if (!strcmp(yamlnode_text(fam_node), family_names[f])) fam = f;
    if (fam < 0)
        return yamlnode_fail(err, file, fam_node, key,
                             "unknown distribution \"%s\" (expected uniform, log_uniform, normal, lognormal, beta, "
                             "triangular or choice)",
                             yamlnode_text(fam_node));

    /* the fields: required ones first (slots 0-2), then optional (3-4) */
    for (yaml_node_pair_t *q = dist->data.mapping.pairs.start; q < dist->data.mapping.pairs.top; q++) {
        yaml_node_t *qk = yaml_document_get_node(doc, q->key), *qv = yaml_document_get_node(doc, q->value);
        const char *name = yamlnode_text(qk);
        int slot = -1;
        if (!strcmp(name, "distribution")) continue;
        for (int i = 0; i < 3; i++)
            if (required_fields[fam][i] && !strcmp(name, required_fields[fam][i])) slot = i;
        for (int i = 0; i < 2 && slot < 0; i++)
            if (optional_fields[fam][i] && !strcmp(name, optional_fields[fam][i])) slot = 3 + i;
        if (slot < 0) {
            char takes[160] = "";
            const int nr = required_fields[fam][2] ? 3 : required_fields[fam][1] ? 2 : 1;
            for (int i = 0; i < nr; i++)
                snprintf(takes + strlen(takes), sizeof takes - strlen(takes), "%s%s",
                         i == 0 ? "" : i + 1 < nr ? ", " : " and ", required_fields[fam][i]);
            if (optional_fields[fam][0])
                snprintf(takes + strlen(takes), sizeof takes - strlen(takes), " (and optionally %s and %s)",
                         optional_fields[fam][0], optional_fields[fam][1]);
            return yamlnode_fail(err, file, qk, key, "%s takes %s, not \"%s\"", family_names[fam], takes, name);
        }
        if (fields[slot]) return yamlnode_fail(err, file, qk, key, "\"%s\" given twice", name);
        fields[slot] = qv;
    }
    for (int i = 0; i < 3; i++)
        if (required_fields[fam][i] && !fields[i]) {
            char needs[64] = "";
            for (int k = 0; k < 3 && required_fields[fam][k]; k++)
                snprintf(needs + strlen(needs), sizeof needs - strlen(needs), "%s%s",
                         k == 0 ? "" : (k + 1 < 3 && required_fields[fam][k + 1]) ? ", " : " and ",
                         required_fields[fam][k]);
            return yamlnode_fail(err, file, dist, key, "%s needs %s: missing %s", family_names[fam], needs,
                                 required_fields[fam][i]);
        }
    unc_param p;
    memset(&p, 0, sizeof p);
    p.family = (unc_family)fam;
    p.whole = def->type == PARAM_INT;
    p.lo = def->min;
    p.hi = def->max;
    p.line = (int)kn->start_mark.line + 1;
    p.column = (int)kn->start_mark.column + 1;
    int rc = SIM_OK;
    double v[5] = {0, 0, 0, 0, 0};
    for (int i = 0; i < 5 && !rc; i++) {
        const char *name = i < 3 ? required_fields[fam][i] : optional_fields[fam][i - 3];
        if (!fields[i] || (fam == UNC_CHOICE && i == 0)) continue;
        /* positions on the key's scale may be times (3m, a date); spreads and shapes are numbers */
        const int position = strcmp(name, "sd") && strcmp(name, "sdlog") && strcmp(name, "alpha") &&
                             strcmp(name, "beta");
        rc = position ? node_value(rd->scn, file, fields[i], key, name, &v[i], err)
                      : node_number(file, fields[i], key, name, &v[i], err);
    }
    if (rc) return rc;
    const int lo_given = fields[3] != NULL, hi_given = fields[4] != NULL;

    switch (p.family) {
    case UNC_UNIFORM:
    case UNC_LOG_UNIFORM:
    case UNC_TRIANGULAR: {
        const int tri = p.family == UNC_TRIANGULAR;
        double mn = v[0], mx = tri ? v[2] : v[1];
        const yaml_node_t *mn_node = fields[0], *mx_node = tri ? fields[2] : fields[1];
        if (!(mn < mx)) return yamlnode_fail(err, file, dist, key, "empty range: min %g is not below max %g", mn, mx);
        if (p.family == UNC_LOG_UNIFORM && !(mn > 0))
            return yamlnode_fail(err, file, mn_node, key, "log_uniform needs min above 0, got %g", mn);
        if (tri && !(v[1] >= mn && v[1] <= mx))
            return yamlnode_fail(err, file, fields[1], key, "the mode %g lies outside [%g, %g]", v[1], mn, mx);
        if ((rc = check_value(rd, file, mn_node, key, mn)) || (rc = check_value(rd, file, mx_node, key, mx))) return rc;
        p.a = mn;
        p.b = tri ? v[1] : mx;
        p.c = tri ? mx : 0;
        p.lo = mn;
        p.hi = mx;
        break;
    }
    case UNC_NORMAL:
    case UNC_LOGNORMAL: {
        const int ln = p.family == UNC_LOGNORMAL;
        if (!(v[1] > 0))
            return yamlnode_fail(err, file, fields[1], key, "%s must be above 0, got %g", ln ? "sdlog" : "sd", v[1]);
        if (ln && !(v[0] > 0)) return yamlnode_fail(err, file, fields[0], key, "median must be above 0, got %g", v[0]);
        if (lo_given && (rc = check_value(rd, file, fields[3], key, v[3]))) return rc;
        if (hi_given && (rc = check_value(rd, file, fields[4], key, v[4]))) return rc;
        if (lo_given) p.lo = v[3];
        if (hi_given) p.hi = v[4];
        if (!(p.lo < p.hi))
            return yamlnode_fail(err, file, dist, key, "empty range: min %g is not below max %g", p.lo, p.hi);
        p.a = v[0];
        p.b = v[1];
        double zlo, zhi;
        if (ln) {
            zlo = p.lo > 0 ? (log(p.lo) - log(p.a)) / p.b : -INFINITY;
            zhi = p.hi > 0 ? (log(p.hi) - log(p.a)) / p.b : -INFINITY;
        } else {
            zlo = (p.lo - p.a) / p.b;
            zhi = (p.hi - p.a) / p.b;
        }
        double kept = truncate_normal(&p, zlo, zhi);
        if (!(kept >= UNCERTAINTY_MIN_MASS))
            return yamlnode_fail(err, file, dist, key,
                                 "truncated to [%g, %g]%s, this %s keeps %.3g%% of its mass (at least %g%% needed): "
                                 "check %s and %s",
                                 p.lo, p.hi, lo_given || hi_given ? "" : " (the key's bounds)", family_names[fam],
                                 100 * kept, 100 * UNCERTAINTY_MIN_MASS, ln ? "median" : "mean", ln ? "sdlog" : "sd");
        break;
    }
    case UNC_BETA:
        if (!(v[0] > 0)) return yamlnode_fail(err, file, fields[0], key, "alpha must be above 0, got %g", v[0]);
        if (!(v[1] > 0)) return yamlnode_fail(err, file, fields[1], key, "beta must be above 0, got %g", v[1]);
        p.a = v[0];
        p.b = v[1];
        p.lo = lo_given ? v[3] : 0;
        p.hi = hi_given ? v[4] : 1;
        if (!(p.lo < p.hi))
            return yamlnode_fail(err, file, dist, key, "empty range: min %g is not below max %g", p.lo, p.hi);
        /* the range, given or the default [0, 1], must fit the key */
        if ((rc = check_value(rd, file, lo_given ? fields[3] : dist, key, p.lo)) ||
            (rc = check_value(rd, file, hi_given ? fields[4] : dist, key, p.hi)))
            return rc;
        break;
    case UNC_CHOICE: {
        const yaml_node_t *list = fields[0];
        if (list->type != YAML_SEQUENCE_NODE || list->data.sequence.items.top == list->data.sequence.items.start)
            return yamlnode_fail(err, file, list, key,
                                 "values: expected a non-empty list of numbers, e.g. [14, 30, 60]");
        int n = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
        if (n > UNCERTAINTY_MAX_CHOICES)
            return yamlnode_fail(err, file, list, key, "values: more than %d choices", UNCERTAINTY_MAX_CHOICES);
        if (!(p.values = malloc((size_t)n * sizeof *p.values))) return oom(err, file);
        p.n_values = n;
        p.lo = INFINITY;
        p.hi = -INFINITY;
        for (int i = 0; i < n && !rc; i++) {
            yaml_node_t *item = yaml_document_get_node(doc, list->data.sequence.items.start[i]);
            rc = node_value(rd->scn, file, item, key, "values", &p.values[i], err);
            if (!rc) rc = check_value(rd, file, item, key, p.values[i]);
            if (!rc && p.values[i] < p.lo) p.lo = p.values[i];
            if (!rc && p.values[i] > p.hi) p.hi = p.values[i];
        }
        if (rc) {
            free(p.values);
            return rc;
        }
        break;
    }
    case UNC_POSTERIOR: break; /* not a distribution one writes */
    }
    /* one mapping may name a key once (dotted and nested spellings alike) */
    for (int i = 0; i < rd->n_own; i++)
        if (!strcmp(rd->own[i], key)) {
            free(p.values);
            return yamlnode_fail(err, file, kn, key, "given twice (also at line %d)", rd->own_line[i]);
        }
    char **own = realloc(rd->own, (size_t)(rd->n_own + 1) * sizeof *own);
    int *own_line = own ? realloc(rd->own_line, (size_t)(rd->n_own + 1) * sizeof *own_line) : NULL;
    if (own) rd->own = own;
    if (own_line) rd->own_line = own_line;
    if (!own || !own_line || !(rd->own[rd->n_own] = strdup(key))) {
        free(p.values);
        return oom(err, file);
    }
    rd->own_line[rd->n_own++] = p.line;
    p.included = rd->depth > 0;
    hash_path(key, &p.h0, &p.h1);
    p.path = strdup(key);
    p.file = strdup(file);
    p.section_file = strdup(rd->section_file);
    if (!describe(&p, lo_given, hi_given) || !p.path || !p.file || !p.section_file) {
        param_free(&p);
        return oom(err, file);
    }
    /* two keys on one stream would draw the same uniforms */
    for (int j = 0; j < rd->u->n; j++)
        if (rd->u->p[j].h0 == p.h0 && rd->u->p[j].h1 == p.h1 && strcmp(rd->u->p[j].path, key)) {
            param_free(&p);
            return yamlnode_fail(err, file, kn, key, "its stream collides with that of %s (a 64-bit hash collision)",
                                 rd->u->p[j].path);
        }
    return add_param(rd, &p);
}

/* The parameters mapping (or a nested section of it, under prefix). */
static int read_parameters(reader *rd, yaml_document_t *doc, const char *file, const yaml_node_t *map,
                           const char *prefix)
{
    sim_error *err = rd->err;
    if (map->type != YAML_MAPPING_NODE)
        return yamlnode_fail(err, file, map, prefix ? prefix : "uncertainty.parameters",
                             "expected a mapping of key paths to distributions, e.g. "
                             "{model.genai.use.peers: {distribution: uniform, min: 1, max: 2}}");
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < map->data.mapping.pairs.top; q++) {
        yaml_node_t *kn = yaml_document_get_node(doc, q->key), *v = yaml_document_get_node(doc, q->value);
        char key[512];
        if (kn->type != YAML_SCALAR_NODE) return yamlnode_fail(err, file, kn, prefix, "expected a key path");
        snprintf(key, sizeof key, "%s%s%s", prefix ? prefix : "", prefix ? "." : "", yamlnode_text(kn));
        for (yaml_node_pair_t *e = map->data.mapping.pairs.start; e < q; e++)
            if (!strcmp(yamlnode_text(yaml_document_get_node(doc, e->key)), yamlnode_text(kn)))
                return yamlnode_fail(err, file, kn, key, "given twice");
        const param_value *pv = scenario_find(rd->scn, key);
        int has_distribution = 0;
        if (v->type == YAML_MAPPING_NODE)
            for (yaml_node_pair_t *f = v->data.mapping.pairs.start; f < v->data.mapping.pairs.top; f++)
                has_distribution |= !strcmp(yamlnode_text(yaml_document_get_node(doc, f->key)), "distribution");
        if (!pv && !has_distribution && v->type == YAML_MAPPING_NODE && is_section(rd->scn, key)) {
            int rc = read_parameters(rd, doc, file, v, key);
            if (rc) return rc;
            continue;
        }
        if (!pv) {
            /* the setter words it: unknown key (did you mean), or a section */
            int rc = check_value(rd, file, kn, key, 0);
            return rc ? rc : yamlnode_fail(err, file, kn, key, "unknown key");
        }
        if (pv->def->type != PARAM_INT && pv->def->type != PARAM_DOUBLE)
            return yamlnode_fail(err, file, kn, key, "cannot draw a non-numeric key (it takes %s)",
                                 pv->def->type == PARAM_BOOL ? "true or false" : "text or a list");
        if (!strncmp(key, "run.", 4) || !strncmp(key, "output.", 7))
            return yamlnode_fail(err, file, kn, key, "is set for the whole %s: it cannot be drawn per replicate",
                                 !strncmp(key, "run.", 4) ? "run or experiment" : "results file");
        if (!strncmp(key, "network.", 8) || !strncmp(key, "organization.", 13))
            return yamlnode_fail(err, file, kn, key,
                                 "builds the network, which every run shares (and common random numbers need): "
                                 "uncertain network keys are not supported; sweep it instead (sweep.parameters)");
        if (!has_distribution)
            return yamlnode_fail(
                err, file, v, key,
                "expected a distribution, e.g. {distribution: uniform, min: 1, max: 2} (distributions: "
                "uniform, log_uniform, normal, lognormal, beta, triangular, choice)");
        int rc = read_distribution(rd, doc, file, kn, v, key);
        if (rc) return rc;
    }
    return SIM_OK;
}

/* The section of root (a top-level mapping) in file. */
/* posterior: FIT.h5: each key of the fit a parameter of family posterior. */
static int read_posterior(reader *rd, const char *file, const yaml_node_t *n)
{
    sim_error *err = rd->err;
    const char *key = "uncertainty.posterior";
    if (n->type != YAML_SCALAR_NODE || !yamlnode_text(n)[0])
        return yamlnode_fail(err, file, n, key, "expected the path of a fit file (adoptsim calibrate -o FIT.h5)");
    char *path = scenario_resolve_path(file, yamlnode_text(n));
    if (!path) return oom(err, file);
    calibrate_posterior post;
    int rc = calibrate_posterior_read(path, &post, err);
    if (rc) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        rc = yamlnode_fail(err, file, n, key, "%s: %.400s", path, msg);
        free(path);
        return rc;
    }
    uint32_t h0, h1;
    hash_path(path, &h0, &h1);
    for (int j = 0; !rc && j < post.P; j++) {
        const char *k = post.params[j];
        const param_value *pv = scenario_find(rd->scn, k);
        if (!pv || (pv->def->type != PARAM_INT && pv->def->type != PARAM_DOUBLE)) {
            rc = yamlnode_fail(err, file, n, key, "%s: the fitted key %s is not a numeric key of this scenario", path,
                               k);
            break;
        }
        unc_param p;
        memset(&p, 0, sizeof p);
        p.family = UNC_POSTERIOR;
        p.whole = pv->def->type == PARAM_INT;
        p.line = (int)n->start_mark.line + 1;
        p.column = (int)n->start_mark.column + 1;
        p.n_values = post.N;
        p.values = malloc((size_t)post.N * sizeof *p.values);
        p.cum_weights = malloc((size_t)post.N * sizeof *p.cum_weights);
        p.path = strdup(k);
        p.file = strdup(path);
        p.section_file = strdup(rd->section_file);
        p.included = rd->depth > 0;
        p.h0 = h0;
        p.h1 = h1;
        if (!p.values || !p.cum_weights || !p.path || !p.file || !p.section_file) {
            param_free(&p);
            rc = oom(err, file);
            break;
        }
        double cum = 0;
        p.lo = INFINITY;
        p.hi = -INFINITY;
        for (int i = 0; i < post.N; i++) {
            p.values[i] = post.theta[(size_t)i * post.P + j];
            cum += post.w[i];
            p.cum_weights[i] = cum;
            if (p.values[i] < p.lo) p.lo = p.values[i];
            if (p.values[i] > p.hi) p.hi = p.values[i];
        }
        for (int i = 0; i < post.N; i++) p.cum_weights[i] /= cum;
        p.cum_weights[post.N - 1] = 1;
        if ((rc = check_value(rd, file, n, k, p.lo)) || (rc = check_value(rd, file, n, k, p.hi)) ||
            !describe(&p, 0, 0)) {
            if (!rc) rc = oom(err, file);
            param_free(&p);
            break;
        }
        rc = add_param(rd, &p);
    }
    calibrate_posterior_free(&post);
    free(path);
    return rc;
}

static int read_section(reader *rd, yaml_document_t *doc, yaml_node_t *root, const char *file, int included,
                        int *found)
{
    sim_error *err = rd->err;
    const yaml_node_t *inc = NULL, *per = NULL, *params = NULL, *post = NULL, *sect = NULL;
    const char *names[4] = {"include", "replicates_per_draw", "parameters", "posterior"};
    const yaml_node_t **slots[4] = {&inc, &per, &params, &post};
    if (found) *found = 0;
    if (!root || root->type != YAML_MAPPING_NODE) return SIM_OK;
    for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < root->data.mapping.pairs.top; q++) {
        yaml_node_t *kn = yaml_document_get_node(doc, q->key), *v = yaml_document_get_node(doc, q->value);
        const char *name = yamlnode_text(kn);
        if (strncmp(name, "uncertainty", 11) || (name[11] != '\0' && name[11] != '.')) continue;
        if (!sect) sect = kn;
        if (name[11] == '.') {
            int k = -1;
            for (int i = 0; i < 4; i++)
                if (!strcmp(name + 12, names[i])) k = i;
            if (k < 0)
                return yamlnode_fail(err, file, kn, name,
                                     "unknown key (the uncertainty section has include, "
                                     "replicates_per_draw, posterior and parameters)");
            if (*slots[k]) return yamlnode_fail(err, file, kn, name, "given twice");
            *slots[k] = v;
            continue;
        }
        if (v->type != YAML_MAPPING_NODE)
            return yamlnode_fail(err, file, v, "uncertainty",
                                 "expected a mapping with include, replicates_per_draw, "
                                 "posterior and parameters");
        for (yaml_node_pair_t *f = v->data.mapping.pairs.start; f < v->data.mapping.pairs.top; f++) {
            yaml_node_t *fk = yaml_document_get_node(doc, f->key);
            char key[128];
            int k = -1;
            for (int i = 0; i < 4; i++)
                if (!strcmp(yamlnode_text(fk), names[i])) k = i;
            snprintf(key, sizeof key, "uncertainty.%.100s", yamlnode_text(fk));
            if (k < 0)
                return yamlnode_fail(err, file, fk, key,
                                     "unknown key (the uncertainty section has include, "
                                     "replicates_per_draw, posterior and parameters)");
            if (*slots[k]) return yamlnode_fail(err, file, fk, key, "given twice");
            *slots[k] = yaml_document_get_node(doc, f->value);
        }
    }
    if (!sect) return SIM_OK;
    if (found) *found = 1;
    if (!included) {
        free(rd->u->file);
        if (!(rd->u->file = strdup(file))) return oom(err, file);
        rd->u->line = (int)sect->start_mark.line + 1;
        rd->u->column = (int)sect->start_mark.column + 1;
    }
    if (per) {
        double d = 0;
        int rc = node_number(file, per, "uncertainty.replicates_per_draw", "replicates_per_draw", &d, err);
        if (rc) return rc;
        if (included)
            return yamlnode_fail(err, file, per, "uncertainty.replicates_per_draw",
                                 "an included file gives parameters only: set replicates_per_draw in the file that "
                                 "includes it");
        if (d != floor(d) || d < 1 || d > 1000000)
            return yamlnode_fail(err, file, per, "uncertainty.replicates_per_draw",
                                 "must be a whole number between 1 and 1000000, got %s", yamlnode_text(per));
        rd->u->per_draw = (int32_t)d;
        rd->u->per_draw_given = 1;
    }
    if (inc) {
        const yaml_node_t *one = inc;
        int n = 1;
        if (inc->type == YAML_SEQUENCE_NODE) n = (int)(inc->data.sequence.items.top - inc->data.sequence.items.start);
        for (int i = 0; i < n; i++) {
            if (inc->type == YAML_SEQUENCE_NODE) one = yaml_document_get_node(doc, inc->data.sequence.items.start[i]);
            if (one->type != YAML_SCALAR_NODE || !yamlnode_text(one)[0])
                return yamlnode_fail(err, file, one, "uncertainty.include",
                                     "expected the path of a file (or a list of them)");
            if (rd->depth >= UNCERTAINTY_MAX_INCLUDES)
                return yamlnode_fail(err, file, one, "uncertainty.include",
                                     "includes nested more than %d deep (does a file include itself?)",
                                     UNCERTAINTY_MAX_INCLUDES);
            char *path = scenario_resolve_path(file, yamlnode_text(one));
            if (!path) return oom(err, file);
            rd->depth++;
            int rc = read_file(rd, path, 1);
            rd->depth--;
            if (rc == SIM_EIO || (rc == SIM_EINPUT && err->line == 0)) {
                /* a file that cannot be read is a wrong path here */
                char msg[sizeof err->msg];
                snprintf(msg, sizeof msg, "%s", err->msg);
                rc = yamlnode_fail(err, file, one, "uncertainty.include", "%s: %.400s", path, msg);
            }
            free(path);
            if (rc) return rc;
        }
    }
    if (post) {
        int rc = read_posterior(rd, file, post);
        if (rc) return rc;
    }
    if (!params) return SIM_OK;
    /* this mapping's own keys (an include's were its own) */
    for (int i = 0; i < rd->n_own; i++) free(rd->own[i]);
    rd->n_own = 0;
    return read_parameters(rd, doc, file, params, NULL);
}

static int read_file(reader *rd, const char *path, int included)
{
    yaml_document_t doc;
    int found = 0, rc = scenario_yaml_load(path, &doc, rd->err);
    if (rc) return rc;
    rc = read_section(rd, &doc, yaml_document_get_root_node(&doc), path, included, &found);
    if (!rc && included && !found)
        rc = sim_error_set(rd->err, SIM_EINPUT, path, 0, 0, "uncertainty",
                           "has no uncertainty section to include");
    yaml_document_delete(&doc);
    return rc;
}

int uncertainty_read(uncertainty *u, yaml_document_t *doc, yaml_node_t *root, const char *file,
                     const scenario *scn, int *found, sim_error *err)
{
    reader rd = {u, scn, scenario_copy(scn), file, 0, err, NULL, NULL, 0};
    if (u->per_draw < 1) u->per_draw = 1;
    if (!rd.scratch) return oom(err, file);
    int rc = read_section(&rd, doc, root, file, 0, found);
    scenario_free(rd.scratch);
    for (int i = 0; i < rd.n_own; i++) free(rd.own[i]);
    free(rd.own);
    free(rd.own_line);
    return rc;
}

int uncertainty_load_file(uncertainty *u, const char *path, const scenario *scn, sim_error *err)
{
    yaml_document_t doc;
    int rc = scenario_yaml_load(path, &doc, err);
    if (rc) return rc;
    rc = uncertainty_read(u, &doc, yaml_document_get_root_node(&doc), path, scn, NULL, err);
    yaml_document_delete(&doc);
    return rc;
}
