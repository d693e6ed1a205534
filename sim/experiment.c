/* experiment.c: reads and validates an experiment file (see experiment.h). */
#include "experiment.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sweep.h"

#define MAX_SCENARIOS 10000
#define MAX_POINTS 1000000

/* ---- small helpers ---------------------------------------------------------- */

static const char *text_of(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
}

/* "file:line:col: key: message" at node n. */
static int fail_node(sim_error *err, const char *file, const yaml_node_t *n, const char *key,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail_node(sim_error *err, const char *file, const yaml_node_t *n, const char *key,
                     const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_error_set(err, SIM_EINPUT, file, n ? (int)n->start_mark.line + 1 : 0,
                         n ? (int)n->start_mark.column + 1 : 0, key, "%s", msg);
}

static int oom(sim_error *err, const char *file)
{
    return sim_error_set(err, SIM_ENOMEM, file, 0, 0, NULL, "out of memory");
}

/* A whole number in [lo, hi] from a scalar node. */
static int node_int(const char *file, const yaml_node_t *n, const char *key, long long lo,
                    long long hi, long long *out, sim_error *err)
{
    char *end;
    const char *s = text_of(n);
    long long v;
    if (n->type != YAML_SCALAR_NODE || !s[0])
        return fail_node(err, file, n, key, "expected a whole number");
    v = strtoll(s, &end, 10);
    if (*end) return fail_node(err, file, n, key, "expected a whole number, got \"%s\"", s);
    if (v < lo || v > hi)
        return fail_node(err, file, n, key, "%lld is out of range (%lld to %lld)", v, lo, hi);
    *out = v;
    return SIM_OK;
}

/* A finite number from a scalar node. */
static int node_double(const char *file, const yaml_node_t *n, const char *key, double *out,
                       sim_error *err)
{
    char *end;
    const char *s = text_of(n);
    if (n->type != YAML_SCALAR_NODE || !s[0]) return fail_node(err, file, n, key, "expected a number");
    *out = strtod(s, &end);
    if (*end || !isfinite(*out)) return fail_node(err, file, n, key, "expected a number, got \"%s\"", s);
    return SIM_OK;
}

void experiment_free(experiment *ex)
{
    if (!ex) return;
    for (int s = 0; s < ex->n_scenarios; s++) {
        free(ex->names ? ex->names[s] : NULL);
        scenario_free(ex->scenarios ? ex->scenarios[s] : NULL);
    }
    for (int j = 0; j < ex->n_params; j++) free(ex->params[j]);
    free(ex->names);
    free(ex->scenarios);
    free(ex->params);
    free(ex->points);
    free(ex->method);
    free(ex->definition);
    free(ex->file);
    free(ex);
}

/* ---- applying a sweep point ------------------------------------------------- */

/* Set key to v (rounded for whole-number keys) through the same validation
 * as --set; errors keep scenario_set's wording. */
static int set_number(scenario *scn, const char *key, double v, sim_error *err)
{
    char assignment[320];
    const param_value *pv = scenario_find(scn, key);
    if (pv && pv->def->type == PARAM_INT)
        snprintf(assignment, sizeof assignment, "%s=%.0f", key, v);
    else
        snprintf(assignment, sizeof assignment, "%s=%.17g", key, v);
    return scenario_set(scn, assignment, err);
}

int experiment_config(const experiment *ex, int s, int p, scenario **out, sim_error *err)
{
    scenario *c = scenario_copy(ex->scenarios[s]);
    if (!c) return oom(err, ex->file);
    for (int j = 0; ex->points && j < ex->n_params; j++) {
        int rc = set_number(c, ex->params[j], ex->points[(size_t)p * (size_t)ex->n_params + (size_t)j], err);
        if (rc) {
            scenario_free(c);
            return rc;
        }
    }
    *out = c;
    return SIM_OK;
}

int experiment_same_network(const scenario *a, const scenario *b)
{
    for (size_t i = 0; i < a->n; i++) {
        const param_value *x = &a->values[i], *y = &b->values[i];
        const char *path = x->def->path;
        if (strncmp(path, "network.", 8) && strncmp(path, "organization.", 13)) continue;
        if (x->i != y->i || memcmp(&x->d, &y->d, sizeof x->d) != 0 || x->n != y->n) return 0;
        if ((x->s || y->s) && (!x->s || !y->s || strcmp(x->s, y->s))) return 0;
        if (x->n && memcmp(x->list, y->list, (size_t)x->n * sizeof *x->list)) return 0;
    }
    return 1;
}

int experiment_diff_line(const char *a, const char *b, char *line_a, char *line_b, size_t size)
{
    const char *sa = a, *sb = b;
    int line = 1;
    for (; *a && *a == *b; a++, b++)
        if (*a == '\n') {
            line++;
            sa = a + 1;
            sb = b + 1;
        }
    if (!*a && !*b) return 0;
    snprintf(line_a, size, "%.*s", (int)strcspn(sa, "\n"), sa);
    snprintf(line_b, size, "%.*s", (int)strcspn(sb, "\n"), sb);
    return line;
}

/* ---- the sweep section -------------------------------------------------------- */

typedef struct sweep_param {
    const yaml_node_t *key, *value;
    int n_values;
    double *values;  /* grid and list */
    double lo, hi;   /* latin_hypercube and sobol */
} sweep_param;

/* Check that key names a numeric parameter and that value v is allowed
 * there, reporting at node n. */
static int check_value(const scenario *base, const char *file,
                       const yaml_node_t *n, const char *key, double v, sim_error *err)
{
    scenario *c = scenario_copy(base);
    int rc;
    if (!c) return oom(err, file);
    rc = set_number(c, key, v, err);
    scenario_free(c);
    if (rc == SIM_EINPUT) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        return fail_node(err, file, n, key, "%s", msg);
    }
    return rc;
}

static int read_sweep(experiment *ex, yaml_document_t *doc,
                      const yaml_node_t *sweep, sim_error *err)
{
    const char *file = ex->file;
    const yaml_node_t *method = NULL, *points = NULL, *params = NULL;
    sweep_param *sp = NULL;
    int np = 0, rc = SIM_OK;
    long long n_points = 0;

    if (sweep->type != YAML_MAPPING_NODE)
        return fail_node(err, file, sweep, "sweep", "expected a mapping with method and parameters");
    for (yaml_node_pair_t *pr = sweep->data.mapping.pairs.start; pr < sweep->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        const char *name = text_of(k);
        if (!strcmp(name, "method")) method = v;
        else if (!strcmp(name, "points")) points = v;
        else if (!strcmp(name, "parameters")) params = v;
        else
            return fail_node(err, file, k, "sweep", "unknown key \"%s\" (expected method, points, parameters)", name);
    }
    if (!method) return fail_node(err, file, sweep, "sweep.method", "missing: grid, list, latin_hypercube or sobol");
    const char *m = text_of(method);
    int is_grid = !strcmp(m, "grid"), is_list = !strcmp(m, "list");
    int is_lhs = !strcmp(m, "latin_hypercube"), is_sobol = !strcmp(m, "sobol");
    if (!is_grid && !is_list && !is_lhs && !is_sobol)
        return fail_node(err, file, method, "sweep.method",
                         "unknown method \"%s\" (expected grid, list, latin_hypercube or sobol)", m);
    if ((is_grid || is_list) && points)
        return fail_node(err, file, points, "sweep.points", "only latin_hypercube and sobol take a number of points");
    if ((is_lhs || is_sobol) && !points)
        return fail_node(err, file, sweep, "sweep.points", "missing: how many points to draw");
    if (points && (rc = node_int(file, points, "sweep.points", 1, MAX_POINTS, &n_points, err))) return rc;
    if (!params || params->type != YAML_MAPPING_NODE ||
        params->data.mapping.pairs.top == params->data.mapping.pairs.start)
        return fail_node(err, file, params ? params : sweep, "sweep.parameters",
                         "expected a mapping of key paths to values or ranges");

    np = (int)(params->data.mapping.pairs.top - params->data.mapping.pairs.start);
    if (is_sobol && np > SWEEP_SOBOL_MAX_PARAMS)
        return fail_node(err, file, params, "sweep.parameters", "sobol supports at most %d parameters",
                         SWEEP_SOBOL_MAX_PARAMS);
    sp = calloc((size_t)np, sizeof *sp);
    ex->params = calloc((size_t)np, sizeof *ex->params);
    ex->method = strdup(m);
    if (!sp || !ex->params || !ex->method) {
        free(sp);
        return oom(err, file);
    }
    ex->n_params = np;

    const scenario *base = ex->scenarios[0];
    for (int j = 0; j < np && rc == SIM_OK; j++) {
        yaml_node_pair_t *pr = params->data.mapping.pairs.start + j;
        yaml_node_t *k = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        const char *key = text_of(k);
        const param_value *pv = scenario_find(base, key);
        sp[j].key = k;
        sp[j].value = v;
        for (int i = 0; i < j; i++)
            if (!strcmp(ex->params[i], key)) {
                rc = fail_node(err, file, k, key, "swept twice");
                break;
            }
        if (rc) break;
        if (!(ex->params[j] = strdup(key))) {
            rc = oom(err, file);
            break;
        }
        if (!pv) {
            /* let scenario_set word it (with its did-you-mean suggestion) */
            rc = check_value(base, file, k, key, 0, err);
            if (rc == SIM_OK) rc = fail_node(err, file, k, key, "unknown key");
            break;
        }
        if (!strncmp(key, "output.", 7)) {
            rc = fail_node(err, file, k, key, "output.* keys set the layout of the results file, one for every run: "
                           "they cannot be swept");
            break;
        }
        if (pv->def->type != PARAM_INT && pv->def->type != PARAM_DOUBLE) {
            rc = fail_node(err, file, k, key, "cannot sweep a non-numeric key (it takes %s)",
                           pv->def->type == PARAM_BOOL ? "true or false" : "text or a list");
            break;
        }
        if (is_grid || is_list) {
            if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top == v->data.sequence.items.start) {
                rc = fail_node(err, file, v, key, "expected a non-empty list of values, e.g. [0.1, 0.2]");
                break;
            }
            sp[j].n_values = (int)(v->data.sequence.items.top - v->data.sequence.items.start);
            if (!(sp[j].values = malloc((size_t)sp[j].n_values * sizeof(double)))) {
                rc = oom(err, file);
                break;
            }
            for (int i = 0; i < sp[j].n_values && rc == SIM_OK; i++) {
                yaml_node_t *item = yaml_document_get_node(doc, v->data.sequence.items.start[i]);
                rc = node_double(file, item, key, &sp[j].values[i], err);
                if (!rc && pv->def->type == PARAM_INT && sp[j].values[i] != floor(sp[j].values[i]))
                    rc = fail_node(err, file, item, key, "expected a whole number, got %g", sp[j].values[i]);
                if (!rc) rc = check_value(base, file, item, key, sp[j].values[i], err);
            }
            if (rc) break;
            if (is_list && j > 0 && sp[j].n_values != sp[0].n_values) {
                rc = fail_node(err, file, v, key, "list sweeps need lists of equal length (%d here, %d for %s)",
                               sp[j].n_values, sp[0].n_values, ex->params[0]);
                break;
            }
        } else {
            const yaml_node_t *lo = NULL, *hi = NULL;
            if (v->type == YAML_MAPPING_NODE) {
                for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
                    yaml_node_t *qk = yaml_document_get_node(doc, q->key);
                    yaml_node_t *qv = yaml_document_get_node(doc, q->value);
                    if (!strcmp(text_of(qk), "min")) lo = qv;
                    else if (!strcmp(text_of(qk), "max")) hi = qv;
                    else {
                        rc = fail_node(err, file, qk, key, "unknown key \"%s\" (expected min and max)", text_of(qk));
                        break;
                    }
                }
            }
            if (rc) break;
            if (!lo || !hi) {
                rc = fail_node(err, file, v, key, "expected a range {min: A, max: B}");
                break;
            }
            if ((rc = node_double(file, lo, key, &sp[j].lo, err)) || (rc = node_double(file, hi, key, &sp[j].hi, err)))
                break;
            if (!(sp[j].lo < sp[j].hi)) {
                rc = fail_node(err, file, v, key, "empty range: min %g is not below max %g", sp[j].lo, sp[j].hi);
                break;
            }
            if ((rc = check_value(base, file, lo, key, sp[j].lo, err)) ||
                (rc = check_value(base, file, hi, key, sp[j].hi, err)))
                break;
        }
    }

    if (rc == SIM_OK) {
        long long total = 1;
        if (is_grid) {
            for (int j = 0; j < np; j++) {
                total *= sp[j].n_values;
                if (total > MAX_POINTS) {
                    rc = fail_node(err, file, params, "sweep.parameters", "the grid has more than %d points", MAX_POINTS);
                    break;
                }
            }
        } else {
            total = is_list ? sp[0].n_values : n_points;
        }
        if (rc == SIM_OK) {
            ex->n_points = (int)total;
            ex->points = malloc((size_t)total * (size_t)np * sizeof *ex->points);
            if (!ex->points) rc = oom(err, file);
        }
    }
    if (rc == SIM_OK) {
        if (is_grid) {
            int *nv = malloc((size_t)np * sizeof *nv);
            const double **vals = malloc((size_t)np * sizeof *vals);
            if (!nv || !vals) {
                rc = oom(err, file);
            } else {
                for (int j = 0; j < np; j++) {
                    nv[j] = sp[j].n_values;
                    vals[j] = sp[j].values;
                }
                sweep_grid(np, nv, vals, ex->points);
            }
            free(nv);
            free(vals);
        } else if (is_list) {
            for (int i = 0; i < ex->n_points; i++)
                for (int j = 0; j < np; j++) ex->points[(size_t)i * (size_t)np + (size_t)j] = sp[j].values[i];
        } else {
            int failed = is_lhs ? sweep_latin_hypercube(np, ex->n_points, ex->seed, ex->points)
                                : sweep_sobol(np, ex->n_points, ex->points);
            if (failed) rc = oom(err, file);
            for (int i = 0; !rc && i < ex->n_points; i++)
                for (int j = 0; j < np; j++) {
                    double *x = &ex->points[(size_t)i * (size_t)np + (size_t)j];
                    *x = sp[j].lo + *x * (sp[j].hi - sp[j].lo);
                    if (scenario_find(base, ex->params[j])->def->type == PARAM_INT) *x = round(*x);
                }
        }
    }
    for (int j = 0; j < np; j++) free(sp[j].values);
    free(sp);
    return rc;
}

/* ---- the whole file ------------------------------------------------------------ */

/* Append text to a growing string; returns 0 when out of memory. */
static int append(char **buf, size_t *len, size_t *cap, const char *text)
{
    size_t n = strlen(text);
    if (*len + n + 1 > *cap) {
        size_t c = (*cap ? *cap * 2 : 4096);
        while (c < *len + n + 1) c *= 2;
        char *b = realloc(*buf, c);
        if (!b) return 0;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, text, n + 1);
    *len += n;
    return 1;
}

/* The resolved definition: experiment keys, sweep points, then every
 * scenario's resolved YAML indented under its name. */
static char *definition_text(const experiment *ex)
{
    char *buf = NULL, line[512];
    size_t len = 0, cap = 0;
    int ok = 1;
    snprintf(line, sizeof line, "replicates: %d\nseed: %u\ndays: %d\nmodel: %s\nbaseline: %s\n",
             (int)ex->replicates, ex->seed, (int)ex->days, ex->model->name, ex->names[ex->baseline]);
    ok &= append(&buf, &len, &cap, line);
    snprintf(line, sizeof line, "sweep:\n  method: %s\n  points: %d\n  parameters:\n", ex->method, ex->n_points);
    ok &= append(&buf, &len, &cap, line);
    for (int j = 0; j < ex->n_params; j++) {
        snprintf(line, sizeof line, "    %s: [", ex->params[j]);
        ok &= append(&buf, &len, &cap, line);
        for (int i = 0; i < ex->n_points; i++) {
            snprintf(line, sizeof line, "%s%.17g", i ? ", " : "", ex->points[(size_t)i * (size_t)ex->n_params + (size_t)j]);
            ok &= append(&buf, &len, &cap, line);
        }
        ok &= append(&buf, &len, &cap, "]\n");
    }
    ok &= append(&buf, &len, &cap, "scenarios:\n");
    for (int s = 0; s < ex->n_scenarios && ok; s++) {
        char *yaml = scenario_to_yaml(ex->scenarios[s]);
        if (!yaml) {
            ok = 0;
            break;
        }
        snprintf(line, sizeof line, "  %s:\n", ex->names[s]);
        ok &= append(&buf, &len, &cap, line);
        for (char *p = yaml; *p && ok;) {
            char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            snprintf(line, sizeof line, "    %.*s\n", (int)(n < 400 ? n : 400), p);
            if (n > 0) ok &= append(&buf, &len, &cap, line);
            p += n + (nl ? 1 : 0);
        }
        free(yaml);
    }
    if (!ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int valid_name(const char *s)
{
    if (!s[0] || strlen(s) > 64) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '.'))
            return 0;
    return 1;
}

static int load(experiment *ex, const experiment_catalog *cat, yaml_document_t *doc,
                const char *const *sets, int n_sets, sim_error *err)
{
    const char *file = ex->file;
    yaml_node_t *root = yaml_document_get_root_node(doc);
    const yaml_node_t *base = NULL, *reps = NULL, *seed = NULL, *baseline = NULL, *scns = NULL, *sweep = NULL;
    scenario *b = NULL;
    int rc;

    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        const char *name = text_of(k);
        const yaml_node_t **slot = !strcmp(name, "base") ? &base : !strcmp(name, "replicates") ? &reps
                                 : !strcmp(name, "seed") ? &seed : !strcmp(name, "baseline") ? &baseline
                                 : !strcmp(name, "scenarios") ? &scns : !strcmp(name, "sweep") ? &sweep : NULL;
        if (!slot) {
            const char *hint = (strchr(name, '.') || !strcmp(name, "model") || !strcmp(name, "run") ||
                                !strcmp(name, "organization") || !strcmp(name, "interventions"))
                                   ? "; scenario keys belong in the base file or under scenarios"
                                   : "";
            return fail_node(err, file, k, name,
                             "unknown key (expected base, replicates, seed, baseline, scenarios, sweep)%s", hint);
        }
        if (*slot) return fail_node(err, file, k, name, "duplicate key");
        *slot = v;
    }

    /* the base scenario: defaults, the base file, then --set */
    if ((rc = cat->scenario_alloc(&b, err))) return rc;
    if (base) {
        if (base->type != YAML_SCALAR_NODE || !text_of(base)[0]) {
            scenario_free(b);
            return fail_node(err, file, base, "base", "expected the path of a scenario file");
        }
        char *path = scenario_resolve_path(file, text_of(base));
        if (!path) {
            scenario_free(b);
            return oom(err, file);
        }
        rc = scenario_load_file(b, path, err);
        if (rc == SIM_EIO) {
            /* a base that cannot be read is a wrong path in this file */
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            rc = fail_node(err, file, base, "base", "%s: %.400s", path, msg);
        }
        free(path);
        if (rc) {
            scenario_free(b);
            return rc;
        }
    }
    for (int i = 0; i < n_sets; i++) {
        if ((rc = scenario_set(b, sets[i], err))) {
            scenario_free(b);
            return rc;
        }
    }
    long long v;
    ex->replicates = (int32_t)scenario_int(b, "run.replicates");
    ex->seed = (uint32_t)scenario_int(b, "run.seed");
    if (reps) {
        if ((rc = node_int(file, reps, "replicates", 1, 1000000, &v, err))) goto fail_base;
        ex->replicates = (int32_t)v;
    }
    if (seed) {
        if ((rc = node_int(file, seed, "seed", 0, 4294967295LL, &v, err))) goto fail_base;
        ex->seed = (uint32_t)v;
    }
    /* --replicates and --seed on the command line win over the file */
    for (int i = 0; i < n_sets; i++) {
        if (!strncmp(sets[i], "run.replicates=", 15)) ex->replicates = (int32_t)scenario_int(b, "run.replicates");
        if (!strncmp(sets[i], "run.seed=", 9)) ex->seed = (uint32_t)scenario_int(b, "run.seed");
    }
    /* threads change nothing in the results: keep them out of the definition */
    ex->threads = (int)scenario_int(b, "run.threads");
    {
        char a[64];
        if ((rc = scenario_set(b, "run.threads=0", err))) goto fail_base;
        snprintf(a, sizeof a, "run.replicates=%d", (int)ex->replicates);
        if ((rc = scenario_set(b, a, err))) goto fail_base;
        snprintf(a, sizeof a, "run.seed=%u", ex->seed);
        if ((rc = scenario_set(b, a, err))) goto fail_base;
    }

    /* scenarios: name -> overrides of the base */
    int n = 1;
    if (scns) {
        if (scns->type != YAML_MAPPING_NODE || scns->data.mapping.pairs.top == scns->data.mapping.pairs.start) {
            rc = fail_node(err, file, scns, "scenarios", "expected a mapping of scenario names to overrides");
            goto fail_base;
        }
        n = (int)(scns->data.mapping.pairs.top - scns->data.mapping.pairs.start);
        if (n > MAX_SCENARIOS) {
            rc = fail_node(err, file, scns, "scenarios", "more than %d scenarios", MAX_SCENARIOS);
            goto fail_base;
        }
    }
    ex->names = calloc((size_t)n, sizeof *ex->names);
    ex->scenarios = calloc((size_t)n, sizeof *ex->scenarios);
    if (!ex->names || !ex->scenarios) {
        rc = oom(err, file);
        goto fail_base;
    }
    ex->n_scenarios = n;
    for (int s = 0; s < n; s++) {
        yaml_node_t *k = NULL, *ov = NULL;
        const char *name = "base";
        if (scns) {
            k = yaml_document_get_node(doc, scns->data.mapping.pairs.start[s].key);
            ov = yaml_document_get_node(doc, scns->data.mapping.pairs.start[s].value);
            name = text_of(k);
            if (!valid_name(name)) {
                rc = fail_node(err, file, k, "scenarios", "bad scenario name \"%s\" (letters, digits, _ - . only)", name);
                goto fail_base;
            }
            for (int t = 0; t < s; t++)
                if (!strcmp(ex->names[t], name)) {
                    rc = fail_node(err, file, k, "scenarios", "duplicate scenario \"%s\"", name);
                    goto fail_base;
                }
        }
        if (!(ex->names[s] = strdup(name)) || !(ex->scenarios[s] = scenario_copy(b))) {
            rc = oom(err, file);
            goto fail_base;
        }
        if (ov && !(ov->type == YAML_SCALAR_NODE && !text_of(ov)[0])) {
            /* the scenario keeps the base file (its paths resolve there); the
             * overridden values remember ex->file, which outlives them */
            rc = scenario_apply_yaml(ex->scenarios[s], doc, ov, ex->file, err);
            if (rc) {
                if (err->key[0] == '\0') snprintf(err->key, sizeof err->key, "scenarios.%s", name);
                goto fail_base;
            }
            if (scenario_int(ex->scenarios[s], "run.replicates") != ex->replicates ||
                scenario_int(ex->scenarios[s], "run.seed") != ex->seed) {
                rc = fail_node(err, file, ov, name, "run.replicates and run.seed are set for the whole "
                               "experiment (top-level replicates and seed), not per scenario");
                goto fail_base;
            }
        }
    }
    ex->baseline = 0;
    if (baseline) {
        ex->baseline = -1;
        for (int s = 0; s < n; s++)
            if (!strcmp(ex->names[s], text_of(baseline))) ex->baseline = s;
        if (ex->baseline < 0) {
            rc = fail_node(err, file, baseline, "baseline", "no scenario named \"%s\"", text_of(baseline));
            goto fail_base;
        }
    }
    /* output.* keys describe the file, one layout for every run */
    for (int s = 1; s < n; s++) {
        static const char *const keys[] = {"output.agents", "output.compression"};
        for (int k = 0; k < 2; k++) {
            if (scenario_find(ex->scenarios[s], keys[k])->i == scenario_find(ex->scenarios[0], keys[k])->i) continue;
            int blame = scenario_find(ex->scenarios[s], keys[k])->source != PARAM_FROM_DEFAULT ? s : 0;
            rc = scenario_error(ex->scenarios[blame], keys[k], err,
                                "scenarios \"%s\" and \"%s\" differ in %s, but the results file has one "
                                "layout for every run; set it in the base", ex->names[0], ex->names[s], keys[k]);
            goto fail_base;
        }
    }
    ex->agents = scenario_bool(ex->scenarios[0], "output.agents");
    ex->compression = (int)scenario_int(ex->scenarios[0], "output.compression");
    ex->model = cat->model_of(ex->scenarios[0]);
    ex->days = (int32_t)scenario_int(ex->scenarios[0], "run.days");
    for (int s = 1; s < n; s++) {
        if (cat->model_of(ex->scenarios[s]) != ex->model) {
            rc = scenario_error(ex->scenarios[s], "model.name", err,
                                "scenario \"%s\" uses model %s but \"%s\" uses %s; an experiment compares one model",
                                ex->names[s], cat->model_of(ex->scenarios[s])->name, ex->names[0], ex->model->name);
            goto fail_base;
        }
        if (scenario_int(ex->scenarios[s], "run.days") != ex->days) {
            rc = scenario_error(ex->scenarios[s], "run.days", err,
                                "scenario \"%s\" runs %lld days but \"%s\" runs %d; all scenarios share one time axis",
                                ex->names[s], scenario_int(ex->scenarios[s], "run.days"), ex->names[0], (int)ex->days);
            goto fail_base;
        }
    }

    /* the sweep */
    ex->n_points = 1;
    if (sweep) {
        if ((rc = read_sweep(ex, doc, sweep, err))) goto fail_base;
    } else if (!(ex->method = strdup("none"))) {
        rc = oom(err, file);
        goto fail_base;
    }
    if ((long long)ex->n_scenarios * ex->n_points * ex->replicates > 2000000000LL) {
        rc = sim_error_set(err, SIM_EINPUT, file, 0, 0, NULL, "%d scenarios x %d points x %d replicates is too many runs",
                           ex->n_scenarios, ex->n_points, (int)ex->replicates);
        goto fail_base;
    }

    /* every run's scenario passes the cross-key checks before anything runs */
    for (int s = 0; s < ex->n_scenarios; s++) {
        for (int p = 0; p < ex->n_points; p++) {
            scenario *c = NULL;
            rc = experiment_config(ex, s, p, &c, err);
            if (!rc) rc = cat->validate(c, err);
            if (!rc && ex->agents && !experiment_same_network(c, ex->scenarios[0]))
                rc = scenario_error(ex->scenarios[0], "output.agents", err,
                                    "the per-agent table needs every run on one network, but scenario \"%s\" "
                                    "changes network.* or organization.* keys", ex->names[s]);
            scenario_free(c);
            if (rc) {
                if (ex->points) {
                    char where[128];
                    size_t len = strlen(err->msg);
                    snprintf(where, sizeof where, " (scenario \"%s\", sweep point %d)", ex->names[s], p);
                    if (len + strlen(where) < sizeof err->msg) memcpy(err->msg + len, where, strlen(where) + 1);
                }
                goto fail_base;
            }
        }
    }
    if (!(ex->definition = definition_text(ex))) {
        rc = oom(err, file);
        goto fail_base;
    }
    scenario_free(b);
    return SIM_OK;

fail_base:
    scenario_free(b);
    return rc;
}

int experiment_load(const char *path, const experiment_catalog *cat, const char *const *sets,
                    int n_sets, experiment **out, sim_error *err)
{
    yaml_document_t doc;
    experiment *ex;
    int rc;

    *out = NULL;
    rc = scenario_yaml_load(path, &doc, err);
    if (rc) {
        if (!strcmp(err->msg, "the file is empty")) snprintf(err->msg, sizeof err->msg, "the experiment file is empty");
        return rc;
    }
    ex = calloc(1, sizeof *ex);
    if (!ex || !(ex->file = strdup(path))) {
        free(ex);
        yaml_document_delete(&doc);
        return oom(err, path);
    }
    rc = load(ex, cat, &doc, sets, n_sets, err);
    yaml_document_delete(&doc);
    if (rc) {
        experiment_free(ex);
        return rc;
    }
    *out = ex;
    return SIM_OK;
}

int experiment_from_scenario(const scenario *scn, const sim_model_type *model, experiment **out, sim_error *err)
{
    const char *file = scn->file ? scn->file : "";
    const char *stem = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    const char *dot = strrchr(stem, '.');
    size_t len = dot && dot != stem ? (size_t)(dot - stem) : strlen(stem);
    char name[65];
    snprintf(name, sizeof name, "%.*s", (int)(len < 64 ? len : 64), stem);
    for (char *c = name; *c; c++) /* a scenario name as an experiment file would allow it */
        if (!valid_name((char[]){*c, '\0'})) *c = '_';
    if (!name[0]) snprintf(name, sizeof name, "run");

    *out = NULL;
    experiment *ex = calloc(1, sizeof *ex);
    if (!ex) return oom(err, file);
    ex->file = strdup(file);
    ex->names = calloc(1, sizeof *ex->names);
    ex->scenarios = calloc(1, sizeof *ex->scenarios);
    ex->method = strdup("none");
    if (!ex->file || !ex->names || !ex->scenarios || !ex->method) {
        experiment_free(ex);
        return oom(err, file);
    }
    ex->n_scenarios = 1;
    ex->n_points = 1;
    ex->model = model;
    ex->days = (int32_t)scenario_int(scn, "run.days");
    ex->replicates = (int32_t)scenario_int(scn, "run.replicates");
    ex->seed = (uint32_t)scenario_int(scn, "run.seed");
    ex->threads = (int)scenario_int(scn, "run.threads");
    ex->agents = scenario_bool(scn, "output.agents");
    ex->compression = (int)scenario_int(scn, "output.compression");
    int rc = SIM_OK;
    if (!(ex->names[0] = strdup(name)) || !(ex->scenarios[0] = scenario_copy(scn)))
        rc = oom(err, file);
    /* threads change nothing in the results: keep them out of the definition */
    if (!rc) rc = scenario_set(ex->scenarios[0], "run.threads=0", err);
    if (!rc && !(ex->definition = definition_text(ex))) rc = oom(err, file);
    if (rc) {
        experiment_free(ex);
        return rc;
    }
    *out = ex;
    return SIM_OK;
}
