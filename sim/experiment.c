/* experiment.c: reads and validates an experiment file (see experiment.h). */
#include "experiment.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sweep.h"
#include "yamlnode.h"

#define MAX_SCENARIOS 10000
#define MAX_POINTS 1000000

/* ---- small helpers ---------------------------------------------------------- */

static int oom(sim_error *err, const char *file)
{
    return sim_error_set(err, SIM_ENOMEM, file, 0, 0, NULL, "out of memory");
}

/* A finite number from a scalar node. */
static int node_double(const char *file, const yaml_node_t *n, const char *key, double *out,
                       sim_error *err)
{
    char *end;
    const char *s = yamlnode_text(n);
    if (n->type != YAML_SCALAR_NODE || !s[0]) return yamlnode_fail(err, file, n, key, "expected a number");
    *out = strtod(s, &end);
    if (*end || !isfinite(*out)) return yamlnode_fail(err, file, n, key, "expected a number, got \"%s\"", s);
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
    free(ex->param_line);
    free(ex->param_column);
    sim_warnings_free(&ex->warnings);
    free(ex->points);
    free(ex->unit);
    free(ex->range_min);
    free(ex->range_max);
    free(ex->log_scale);
    engine_output_free(&ex->output);
    free(ex->method);
    free(ex->definition);
    free(ex->file);
    uncertainty_free(&ex->unc);
    free(ex->unc_fixed);
    free(ex);
}

/* ---- applying a sweep point ------------------------------------------------- */

int experiment_config(const experiment *ex, int s, int p, scenario **out, sim_error *err)
{
    scenario *c = scenario_copy(ex->scenarios[s]);
    if (!c) return oom(err, ex->file);
    for (int j = 0; ex->points && j < ex->n_params; j++) {
        /* a number set as a number, remembered as coming from the sweep's key */
        int rc = scenario_set_number(c, ex->params[j], ex->points[(size_t)p * (size_t)ex->n_params + (size_t)j],
                                     ex->file, ex->param_line[j], ex->param_column[j], err);
        if (rc) {
            scenario_free(c);
            return rc;
        }
    }
    *out = c;
    return SIM_OK;
}

/* ---- applying a parameter draw ------------------------------------------------- */

int experiment_apply_draw(const experiment *ex, int s, scenario *scn, const double *values, sim_error *err)
{
    for (int j = 0; j < ex->unc.n; j++) {
        const unc_param *u = &ex->unc.p[j];
        if (ex->unc_fixed && ex->unc_fixed[(size_t)s * (size_t)ex->unc.n + (size_t)j]) continue;
        int rc = scenario_set_number(scn, u->path, values[j], u->file, u->line, u->column, err);
        if (rc) return rc;
    }
    return SIM_OK;
}

int experiment_run_config(const experiment *ex, int s, int p, int32_t r, scenario **out, sim_error *err)
{
    int rc = experiment_config(ex, s, p, out, err);
    if (rc || ex->unc.n == 0) return rc;
    gsl_rng *g = rng_gsl_alloc();
    double *v = malloc((size_t)ex->unc.n * sizeof *v);
    if (!g || !v) rc = oom(err, ex->file);
    if (!rc) {
        uncertainty_draw(&ex->unc, g, ex->seed, experiment_draw_of(ex, r), v);
        rc = experiment_apply_draw(ex, s, *out, v, err);
    }
    if (g) gsl_rng_free(g);
    free(v);
    if (rc) {
        scenario_free(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- the experiment's own keys ------------------------------------------------- */

/* The top-level keys of an experiment file, bound to experiment_keys; the
 * scenarios and sweep.parameters mappings are read by hand. */
typedef struct experiment_keys {
    const char *base, *baseline;
    int64_t replicates, seed, points, trajectories, levels;
    int method;  /* index into sweep.method's choices (sweep_methods' order) */
} experiment_keys;

const param_def experiment_params[] = {
    {"base", PARAM_STRING, "", 0, 0, "", NULL, 0,
     "scenario file the scenarios override, relative to the experiment file (none: every key at "
     "its default)", PARAM_FIELD(experiment_keys, base)},
    {"replicates", PARAM_INT, "runs", 1, 1000000, "1", NULL, 0,
     "runs of each scenario and sweep point; when not given, the base's run.replicates",
     PARAM_FIELD(experiment_keys, replicates)},
    {"seed", PARAM_INT, "", 0, 4294967295.0, "1", NULL, 0,
     "random seed: replicate r of every scenario and point draws from the key (seed, r); when not "
     "given, the base's run.seed", PARAM_FIELD(experiment_keys, seed)},
    {"baseline", PARAM_STRING, "", 0, 0, "", NULL, 0,
     "the scenario comparisons refer to (none: the first)", PARAM_FIELD(experiment_keys, baseline)},
    {"sweep.method", PARAM_ENUM, "", 0, 0, "grid", "grid|list|latin_hypercube|sobol|morris|saltelli", 0,
     "how sweep.parameters (key path: list of values, or a range {min, max[, scale: log]}) become points: "
     "every combination of the lists, the lists zipped, sweep.points drawn in the ranges (Latin hypercube, "
     "Sobol sequence), Morris's trajectories, or Saltelli's design for Sobol indices (adoptsim sensitivity)",
     PARAM_FIELD(experiment_keys, method)},
    {"sweep.points", PARAM_INT, "points", 0, MAX_POINTS, "0", NULL, 0,
     "latin_hypercube and sobol: how many points to draw; saltelli: N, the base rows (a power of 2; the "
     "design has N (k + 2) points for k keys); required for these, refused for the others",
     PARAM_FIELD(experiment_keys, points)},
    {"sweep.trajectories", PARAM_INT, "trajectories", 0, MAX_POINTS, "0", NULL, 0,
     "morris only (required): r, the number of trajectories of k + 1 points each (at least 2)",
     PARAM_FIELD(experiment_keys, trajectories)},
    {"sweep.levels", PARAM_INT, "levels", 0, 1000, "4", NULL, 0,
     "morris only: p, the levels of the grid in each range (even, at least 2); each step moves one key by "
     "p / (2 (p - 1)) of its range", PARAM_FIELD(experiment_keys, levels)},
    PARAM_END};

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
    double lo, hi;   /* range methods */
    int log_scale;   /* range methods: scale: log */
} sweep_param;

/* A swept value at node n: a number, or for a time key (scenario.h) also
 * 12w, 3m or a date, counted in days against the base's start date. */
static int sweep_value(const scenario *base, const char *file, const yaml_node_t *n, const char *key, double *out,
                       sim_error *err)
{
    char why[256];
    long long days;
    int t = n->type == YAML_SCALAR_NODE ? scenario_time_days(base, key, yamlnode_text(n), &days, why, sizeof why) : 0;
    if (t < 0) return yamlnode_fail(err, file, n, key, "%s", why);
    if (t > 0) {
        *out = (double)days;
        return SIM_OK;
    }
    return node_double(file, n, key, out, err);
}

/* Check that value v, given at node n, may be set to key (in try, a copy of
 * the base the checks write into): errors name n's position. */
static int check_value(scenario *try, const char *file, const yaml_node_t *n, const char *key, double v,
                       sim_error *err)
{
    return scenario_set_number(try, key, v, file, (int)n->start_mark.line + 1, (int)n->start_mark.column + 1,
                               err);
}

/* The options of sweep (sweep.<name>) and the SWEEP_OPT_* bit of each. */
static const struct {
    const char *key;
    unsigned bit;
} sweep_options[] = {{"sweep.points", SWEEP_OPT_POINTS},
                     {"sweep.trajectories", SWEEP_OPT_TRAJECTORIES},
                     {"sweep.levels", SWEEP_OPT_LEVELS}};

/* sweep.method's options: given where the method takes them, within what
 * it needs.  Warnings (N not a power of 2) go to ex->warnings. */
static int check_sweep_options(experiment *ex, const scenario *ep, const experiment_keys *k,
                               const sweep_method *m, sim_error *err)
{
    for (size_t i = 0; i < sizeof sweep_options / sizeof sweep_options[0]; i++) {
        const param_value *v = scenario_find(ep, sweep_options[i].key);
        if (v->source == PARAM_FROM_DEFAULT || (m->options & sweep_options[i].bit)) continue;
        char takes[96] = "";
        for (size_t j = 0; j < sizeof sweep_options / sizeof sweep_options[0]; j++)
            if (m->options & sweep_options[j].bit)
                snprintf(takes + strlen(takes), sizeof takes - strlen(takes), "%s%s", takes[0] ? ", " : "",
                         sweep_options[j].key);
        return scenario_error(ep, sweep_options[i].key, err, "method %s does not take %s (it takes %s)", m->name,
                              sweep_options[i].key + 6, takes[0] ? takes : "only sweep.parameters");
    }
    if ((m->options & SWEEP_OPT_POINTS) && k->points < 1)
        return scenario_error(ep, "sweep.points", err, "missing: how many points %s draws (at least 1)", m->name);
    if (!strcmp(m->name, "saltelli")) {
        if (k->points < 2)
            return scenario_error(ep, "sweep.points", err, "saltelli needs N >= 2 base rows (the bootstrap and "
                                  "the variance need several), got %lld", (long long)k->points);
        if (k->points & (k->points - 1)) {
            const param_value *v = scenario_find(ep, "sweep.points");
            sim_warn(&ex->warnings, ex->file, v->line, v->column, "sweep.points",
                     "N = %lld is not a power of 2: Sobol sequences are balanced at powers of 2 (try %lld)",
                     (long long)k->points, 1LL << (64 - __builtin_clzll((unsigned long long)k->points)));
        }
    }
    if (m->options & SWEEP_OPT_TRAJECTORIES) {
        if (k->trajectories < 2)
            return scenario_error(ep, "sweep.trajectories", err, "%s: %s; mu, mu* and sigma need at least 2 "
                                  "trajectories", k->trajectories ? "too few trajectories" : "missing",
                                  k->trajectories ? "got 1" : "how many trajectories morris draws");
    }
    if (m->options & SWEEP_OPT_LEVELS) {
        if (k->levels < 2)
            return scenario_error(ep, "sweep.levels", err, "the grid needs at least 2 levels, got %lld",
                                  (long long)k->levels);
        if (k->levels % 2)
            return scenario_error(ep, "sweep.levels", err, "levels must be even (got %lld): a step of p / (2 (p - "
                                  "1)) is then a whole number of grid steps and every trajectory stays on the "
                                  "grid", (long long)k->levels);
    }
    return SIM_OK;
}

/* A range {min: A, max: B[, scale: linear|log]} at node v for key. */
static int read_range(const scenario *base, const char *file, yaml_document_t *doc, const yaml_node_t *v,
                      const char *key, sweep_param *sp, sim_error *err)
{
    const yaml_node_t *lo = NULL, *hi = NULL, *scale = NULL;
    int rc;
    if (v->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
            yaml_node_t *qk = yaml_document_get_node(doc, q->key);
            yaml_node_t *qv = yaml_document_get_node(doc, q->value);
            const yaml_node_t **slot = !strcmp(yamlnode_text(qk), "min")     ? &lo
                                       : !strcmp(yamlnode_text(qk), "max")   ? &hi
                                       : !strcmp(yamlnode_text(qk), "scale") ? &scale
                                                                             : NULL;
            if (!slot)
                return yamlnode_fail(err, file, qk, key,
                                     "unknown key \"%s\" (expected min, max and optionally "
                                     "scale)",
                                     yamlnode_text(qk));
            if (*slot) return yamlnode_fail(err, file, qk, key, "%s given twice", yamlnode_text(qk));
            *slot = qv;
        }
    }
    if (!lo || !hi) return yamlnode_fail(err, file, v, key, "expected a range {min: A, max: B[, scale: log]}");
    if ((rc = sweep_value(base, file, lo, key, &sp->lo, err)) || (rc = sweep_value(base, file, hi, key, &sp->hi, err)))
        return rc;
    if (!(sp->lo < sp->hi))
        return yamlnode_fail(err, file, v, key, "empty range: min %g is not below max %g", sp->lo, sp->hi);
    sp->log_scale = 0;
    if (scale) {
        if (!strcmp(yamlnode_text(scale), "log"))
            sp->log_scale = 1;
        else if (strcmp(yamlnode_text(scale), "linear"))
            return yamlnode_fail(err, file, scale, key, "scale is linear or log, not \"%s\"", yamlnode_text(scale));
    }
    if (sp->log_scale && !(sp->lo > 0))
        return yamlnode_fail(err, file, lo, key, "a log scale needs min > 0, got %g", sp->lo);
    return SIM_OK;
}

/* Unit-cube coordinate u in [0, 1] onto sp's range (log-uniform for a log
 * scale), within [lo, hi], rounded to the nearest whole number in it for
 * whole-number keys. */
static double map_unit(const sweep_param *sp, double u, int whole)
{
    double x = sp->log_scale ? exp(log(sp->lo) + u * (log(sp->hi) - log(sp->lo))) : sp->lo + u * (sp->hi - sp->lo);
    x = x < sp->lo ? sp->lo : x > sp->hi ? sp->hi : x;
    if (whole) {
        x = round(x);
        if (x < sp->lo) x = ceil(sp->lo);
        if (x > sp->hi) x = floor(sp->hi);
    }
    return x;
}

/* The sweep: sweep.method and its options from the experiment's keys (ep,
 * bound into k), the parameters mapping params (NULL: none given), each
 * value checked against the base. */
static int read_sweep(experiment *ex, yaml_document_t *doc, const scenario *ep, const experiment_keys *k,
                      const yaml_node_t *params, const scenario *base, sim_error *err)
{
    const char *file = ex->file;
    const sweep_method *m = sweep_method_find(scenario_string(ep, "sweep.method"));
    sweep_param *sp = NULL;
    scenario *try = NULL;
    int np = 0, rc = SIM_OK;

    if ((rc = check_sweep_options(ex, ep, k, m, err))) return rc;
    if (!params || params->type != YAML_MAPPING_NODE ||
        params->data.mapping.pairs.top == params->data.mapping.pairs.start) {
        if (params)
            return yamlnode_fail(err, file, params, "sweep.parameters", "expected a mapping of key paths to %s",
                                 m->ranges ? "ranges {min, max}" : "lists of values");
        return scenario_error(ep, "sweep.method", err, "a %s sweep needs sweep.parameters: a mapping of key paths "
                              "to %s", m->name, m->ranges ? "ranges {min, max}" : "lists of values");
    }

    np = (int)(params->data.mapping.pairs.top - params->data.mapping.pairs.start);
    if (np > m->max_params)
        return yamlnode_fail(err, file, params, "sweep.parameters", "%s supports at most %d keys, got %d%s", m->name,
                             m->max_params, np,
                             !strcmp(m->name, "saltelli") ? " (its design draws 2k dimensions of GSL's Sobol sequence, "
                                                            "which has 40)"
                             : !strcmp(m->name, "sobol")  ? " (GSL's Sobol sequence has 40 dimensions)"
                                                          : "");
    sp = calloc((size_t)np, sizeof *sp);
    ex->params = calloc((size_t)np, sizeof *ex->params);
    ex->param_line = calloc((size_t)np, sizeof *ex->param_line);
    ex->param_column = calloc((size_t)np, sizeof *ex->param_column);
    ex->method = strdup(m->name);
    try = scenario_copy(base);
    if (!sp || !ex->params || !ex->param_line || !ex->param_column || !ex->method || !try) {
        free(sp);
        scenario_free(try);
        return oom(err, file);
    }
    ex->n_params = np;

    for (int j = 0; j < np && rc == SIM_OK; j++) {
        yaml_node_pair_t *pr = params->data.mapping.pairs.start + j;
        yaml_node_t *kn = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        const char *key = yamlnode_text(kn);
        const param_value *pv = scenario_find(base, key);
        sp[j].key = kn;
        sp[j].value = v;
        ex->param_line[j] = (int)kn->start_mark.line + 1;
        ex->param_column[j] = (int)kn->start_mark.column + 1;
        for (int i = 0; i < j; i++)
            if (!strcmp(ex->params[i], key)) {
                rc = yamlnode_fail(err, file, kn, key, "swept twice (also at line %d)", ex->param_line[i]);
                break;
            }
        if (rc) break;
        if (!(ex->params[j] = strdup(key))) {
            rc = oom(err, file);
            break;
        }
        if (!pv) {
            /* let the setter word it (with its did-you-mean suggestion) */
            rc = check_value(try, file, kn, key, 0, err);
            if (rc == SIM_OK) rc = yamlnode_fail(err, file, kn, key, "unknown key");
            break;
        }
        if (pv->def->type != PARAM_INT && pv->def->type != PARAM_DOUBLE) {
            rc = yamlnode_fail(err, file, kn, key, "cannot sweep a non-numeric key (it takes %s)",
                               pv->def->type == PARAM_BOOL ? "true or false" : "text or a list");
            break;
        }
        if (!strncmp(key, "run.", 4) || !strncmp(key, "output.", 7)) {
            /* one value for the whole experiment: swept, it would do nothing */
            rc = yamlnode_fail(err, file, kn, key, "is set for the whole experiment (%s): it cannot be swept",
                               !strcmp(key, "run.replicates") || !strcmp(key, "run.seed")
                                   ? "top-level replicates and seed"
                               : !strcmp(key, "run.days")    ? "all runs share one time axis"
                               : !strncmp(key, "output.", 7) ? "the results file has one layout for every run"
                                                             : "it does not change the results");
            break;
        }
        if (!m->ranges) {
            if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top == v->data.sequence.items.start) {
                rc = yamlnode_fail(err, file, v, key, "expected a non-empty list of values, e.g. [0.1, 0.2]");
                break;
            }
            sp[j].n_values = (int)(v->data.sequence.items.top - v->data.sequence.items.start);
            if (!(sp[j].values = malloc((size_t)sp[j].n_values * sizeof(double)))) {
                rc = oom(err, file);
                break;
            }
            for (int i = 0; i < sp[j].n_values && rc == SIM_OK; i++) {
                yaml_node_t *item = yaml_document_get_node(doc, v->data.sequence.items.start[i]);
                rc = sweep_value(base, file, item, key, &sp[j].values[i], err);
                if (!rc) rc = check_value(try, file, item, key, sp[j].values[i], err);
            }
            if (rc) break;
            if (!strcmp(m->name, "list") && j > 0 && sp[j].n_values != sp[0].n_values) {
                rc = yamlnode_fail(err, file, v, key, "list sweeps need lists of equal length (%d here, %d for %s)",
                                   sp[j].n_values, sp[0].n_values, ex->params[0]);
                break;
            }
        } else {
            if ((rc = read_range(base, file, doc, v, key, &sp[j], err))) break;
            /* the range's ends, as the sweep would set them (a log-scale end rounds too) */
            const int whole = pv->def->type == PARAM_INT;
            const yaml_node_t *at = v;
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++)
                if (!strcmp(yamlnode_text(yaml_document_get_node(doc, q->key)), "min"))
                    at = yaml_document_get_node(doc, q->value);
            if ((rc = check_value(try, file, at, key, map_unit(&sp[j], 0, whole), err))) break;
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++)
                if (!strcmp(yamlnode_text(yaml_document_get_node(doc, q->key)), "max"))
                    at = yaml_document_get_node(doc, q->value);
            if ((rc = check_value(try, file, at, key, map_unit(&sp[j], 1, whole), err))) break;
            if (whole && map_unit(&sp[j], 0, 1) == map_unit(&sp[j], 1, 1)) {
                rc = yamlnode_fail(err, file, v, key, "a whole-number key whose range rounds to one value");
                break;
            }
        }
    }

    sweep_settings set = {np, k->points, (int)k->trajectories, (int)k->levels, ex->seed, NULL, NULL};
    int *nv = NULL;
    const double **vals = NULL;
    if (rc == SIM_OK && !m->ranges) {
        nv = malloc((size_t)np * sizeof *nv);
        vals = malloc((size_t)np * sizeof *vals);
        if (!nv || !vals) rc = oom(err, file);
        for (int j = 0; !rc && j < np; j++) {
            nv[j] = sp[j].n_values;
            vals[j] = sp[j].values;
        }
        set.n_values = nv;
        set.values = vals;
    }
    if (rc == SIM_OK) {
        long long total = m->count(&set);
        if (total > MAX_POINTS) {
            rc = yamlnode_fail(err, file, params, "sweep.parameters", "the %s design has %lld points, more than %d",
                               m->name, total, MAX_POINTS);
        } else {
            ex->n_points = (int)total;
            ex->points = malloc((size_t)total * (size_t)np * sizeof *ex->points);
            if (!ex->points) rc = oom(err, file);
        }
    }
    if (rc == SIM_OK && m->ranges) {
        ex->unit = malloc((size_t)ex->n_points * (size_t)np * sizeof *ex->unit);
        ex->range_min = malloc((size_t)np * sizeof *ex->range_min);
        ex->range_max = malloc((size_t)np * sizeof *ex->range_max);
        ex->log_scale = malloc((size_t)np * sizeof *ex->log_scale);
        if (!ex->unit || !ex->range_min || !ex->range_max || !ex->log_scale) rc = oom(err, file);
        for (int j = 0; !rc && j < np; j++) {
            ex->range_min[j] = sp[j].lo;
            ex->range_max[j] = sp[j].hi;
            ex->log_scale[j] = sp[j].log_scale;
        }
        ex->sweep_points = (m->options & SWEEP_OPT_POINTS) ? k->points : 0;
        ex->trajectories = (m->options & SWEEP_OPT_TRAJECTORIES) ? (int)k->trajectories : 0;
        ex->levels = (m->options & SWEEP_OPT_LEVELS) ? (int)k->levels : 0;
    }
    if (rc == SIM_OK) {
        if (m->generate(&set, m->ranges ? ex->unit : ex->points)) rc = oom(err, file);
        for (int i = 0; !rc && m->ranges && i < ex->n_points; i++)
            for (int j = 0; j < np; j++) {
                size_t at = (size_t)i * (size_t)np + (size_t)j;
                const int whole = scenario_find(base, ex->params[j])->def->type == PARAM_INT;
                ex->points[at] = map_unit(&sp[j], ex->unit[at], whole);
            }
    }
    free(nv);
    free(vals);
    for (int j = 0; j < np; j++) free(sp[j].values);
    free(sp);
    scenario_free(try);
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
    snprintf(line, sizeof line, "sweep:\n  method: %s\n  points: %d\n", ex->method, ex->n_points);
    ok &= append(&buf, &len, &cap, line);
    if (ex->unit) {
        snprintf(line, sizeof line, "  design: {points: %lld, trajectories: %d, levels: %d}\n  ranges:\n",
                 ex->sweep_points, ex->trajectories, ex->levels);
        ok &= append(&buf, &len, &cap, line);
        for (int j = 0; j < ex->n_params; j++) {
            snprintf(line, sizeof line, "    %s: {min: %.17g, max: %.17g, scale: %s}\n", ex->params[j],
                     ex->range_min[j], ex->range_max[j], ex->log_scale[j] ? "log" : "linear");
            ok &= append(&buf, &len, &cap, line);
        }
    }
    ok &= append(&buf, &len, &cap, "  parameters:\n");
    for (int j = 0; j < ex->n_params; j++) {
        snprintf(line, sizeof line, "    %s: [", ex->params[j]);
        ok &= append(&buf, &len, &cap, line);
        for (int i = 0; i < ex->n_points; i++) {
            snprintf(line, sizeof line, "%s%.17g", i ? ", " : "", ex->points[(size_t)i * (size_t)ex->n_params + (size_t)j]);
            ok &= append(&buf, &len, &cap, line);
        }
        ok &= append(&buf, &len, &cap, "]\n");
    }
    if (ex->unc.n > 0) {
        /* only with uncertainty: the definitions of plain experiments (and
         * so the files and journals they resume) are as they were */
        snprintf(line, sizeof line, "uncertainty:\n  replicates_per_draw: %d\n  draws: %d\n  parameters:\n",
                 (int)ex->unc.per_draw, (int)ex->n_draws);
        ok &= append(&buf, &len, &cap, line);
        for (int j = 0; j < ex->unc.n; j++) {
            const unc_param *q = &ex->unc.p[j];
            snprintf(line, sizeof line, "    %.400s: ", q->path);
            ok &= append(&buf, &len, &cap, line);
            ok &= append(&buf, &len, &cap, q->text);
            for (int s = 0, first = 1; ex->unc_fixed && s < ex->n_scenarios; s++)
                if (ex->unc_fixed[(size_t)s * (size_t)ex->unc.n + (size_t)j]) {
                    ok &= append(&buf, &len, &cap, first ? "  # kept by: " : ", ");
                    ok &= append(&buf, &len, &cap, ex->names[s]);
                    first = 0;
                }
            ok &= append(&buf, &len, &cap, "\n");
        }
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

/* 1 when two values of one row are equal. */
static int same_value(const param_value *a, const param_value *b)
{
    if (a->i != b->i || memcmp(&a->d, &b->d, sizeof a->d) || a->n != b->n) return 0;
    if ((a->s || b->s) && (!a->s || !b->s || strcmp(a->s, b->s))) return 0;
    return !a->n || !a->list || !memcmp(a->list, b->list, (size_t)a->n * sizeof *a->list);
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

/* The parts of the file read by hand; everything else is a row of
 * experiment_params. */
static const char *const read_by_hand[] = {"scenarios", "sweep.parameters", "uncertainty", "uncertainty.include",
                                            "uncertainty.replicates_per_draw", "uncertainty.parameters", NULL};

/* 1 if scenario value v differs in where it came from from the base's bv:
 * the scenario's own overrides set it. */
static int set_here(const param_value *v, const param_value *bv)
{
    return v->source != bv->source || v->line != bv->line || v->column != bv->column || v->file != bv->file;
}

/* An unknown top-level key that is a scenario key: say where it belongs. */
static void hint_scenario_key(const scenario *b, sim_error *err)
{
    const char *hint = "; scenario keys belong in the base file or under scenarios";
    size_t seg = strcspn(err->key, "."), len = strlen(err->msg);
    int known = 0;
    if (err->status != SIM_EINPUT || strncmp(err->msg, "unknown", 7) != 0 || !err->key[0]) return;
    for (size_t i = 0; i < b->n && !known; i++) {
        const char *p = b->values[i].def->path;
        known = !strncmp(p, err->key, seg) && (p[seg] == '.' || p[seg] == '\0');
    }
    if (known && len + strlen(hint) < sizeof err->msg) memcpy(err->msg + len, hint, strlen(hint) + 1);
}

/* The keys given in some scenario (or swept) that act in none of them: a
 * warning each.  Whether a key acts depends on model.name and on which
 * interventions are enabled, never on the swept numbers, so the scenarios
 * alone decide. */
static void warn_inert_keys(experiment *ex, const experiment_catalog *cat)
{
    const scenario *first = ex->scenarios[0];
    char why[200];
    for (size_t i = 0; i < first->n; i++) {
        const char *path = first->values[i].def->path;
        int given = -1, swept = -1;
        for (int s = 0; s < ex->n_scenarios && given < 0; s++)
            if (ex->scenarios[s]->values[i].source != PARAM_FROM_DEFAULT) given = s;
        for (int j = 0; j < ex->n_params; j++)
            if (!strcmp(ex->params[j], path)) swept = j;
        if (given < 0 && swept < 0) continue;
        int inert = 1;
        for (int s = 0; s < ex->n_scenarios && inert; s++) inert = cat->key_inert(ex->scenarios[s], path, why, sizeof why);
        if (!inert) continue;
        if (given >= 0)
            scenario_warn(ex->scenarios[given], path, &ex->warnings,
                          "does nothing in any scenario of the experiment (%s%s)", why,
                          ex->n_scenarios > 1 ? " in every one" : "");
        else
            sim_warn(&ex->warnings, ex->file, ex->param_line[swept], ex->param_column[swept], path,
                     "the sweep varies a key that does nothing in any scenario (%s%s)", why,
                     ex->n_scenarios > 1 ? " in every one" : "");
    }
}

/* Append " (where)" to err's message when it fits. */
static void say_where(sim_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say_where(sim_error *err, const char *fmt, ...)
{
    char where[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(where, sizeof where, fmt, ap);
    va_end(ap);
    size_t len = strlen(err->msg);
    if (len + strlen(where) + 3 < sizeof err->msg) snprintf(err->msg + len, sizeof err->msg - len, " (%s)", where);
}

/* Every run's scenario: each (scenario, point) configuration, with each
 * parameter draw when there is uncertainty, passes the cross-key checks;
 * the model's warnings about each are gathered (once each). */
static int check_runs(experiment *ex, const experiment_catalog *cat, sim_error *err)
{
    const int n_draws = ex->unc.n ? ex->n_draws : 1;
    gsl_rng *g = ex->unc.n ? rng_gsl_alloc() : NULL;
    double *values = ex->unc.n ? malloc((size_t)ex->unc.n * sizeof *values) : NULL;
    int rc = ex->unc.n && (!g || !values) ? oom(err, ex->file) : SIM_OK;
    for (int s = 0; !rc && s < ex->n_scenarios; s++)
        for (int p = 0; !rc && p < ex->n_points; p++) {
            scenario *c = NULL;
            rc = experiment_config(ex, s, p, &c, err);
            for (int d = 0; !rc && d < n_draws; d++) {
                if (ex->unc.n) {
                    uncertainty_draw(&ex->unc, g, ex->seed, (uint32_t)d, values);
                    rc = experiment_apply_draw(ex, s, c, values, err);
                }
                if (!rc) rc = cat->validate(c, err);
                if (!rc && cat->warnings) cat->warnings(c, &ex->warnings);
                if (!rc && ex->agents && !experiment_same_network(c, ex->scenarios[0]))
                    rc = scenario_error(ex->scenarios[0], "output.agents", err,
                                        "the per-agent table needs every run on one network, but scenario \"%s\" "
                                        "changes network.* or organization.* keys", ex->names[s]);
                if (!rc && ex->output.by_team && !experiment_same_network(c, ex->scenarios[0]))
                    rc = scenario_error(ex->scenarios[0], "output.breakdowns", err,
                                        "team: the breakdown by team needs every run on one network (one set of "
                                        "teams), but scenario \"%s\" changes network.* or organization.* keys",
                                        ex->names[s]);
                if (rc && ex->unc.n && ex->points)
                    say_where(err, "scenario \"%s\", sweep point %d, parameter draw %d", ex->names[s], p, d);
                else if (rc && ex->unc.n)
                    say_where(err, "scenario \"%s\", parameter draw %d", ex->names[s], d);
                else if (rc && ex->points)
                    say_where(err, "scenario \"%s\", sweep point %d", ex->names[s], p);
            }
            scenario_free(c);
        }
    if (g) gsl_rng_free(g);
    free(values);
    return rc;
}

/* The uncertainty sections read into ex->unc, against the experiment's
 * scenarios (see experiment.h): a --set fixes a key (with_sets: the base
 * with every --set), a file may not both set and draw a key (base: the base
 * as loaded), the sweep may not vary one, scenarios keep their own values,
 * keys that act nowhere are not drawn. */
static int settle_uncertainty(experiment *ex, const experiment_catalog *cat, const scenario *base,
                              const scenario *with_sets, sim_error *err)
{
    uncertainty *u = &ex->unc;
    char why[200];
    if (u->n == 0) {
        if (u->file)
            sim_warn(&ex->warnings, u->file, u->line, u->column, "uncertainty",
                     "the uncertainty section gives no key a distribution: nothing is drawn");
        return SIM_OK;
    }
    for (int j = u->n - 1; j >= 0; j--) {
        const unc_param *q = &u->p[j];
        const param_value *vs = scenario_find(with_sets, q->path), *vb = scenario_find(base, q->path);
        if (vs->source == PARAM_FROM_SET) {
            sim_warn(&ex->warnings, "--set", 0, 0, q->path,
                     "fixes a key the uncertainty section draws per replicate (%s:%d:%d): every run takes the "
                     "command line's value (the command line wins)", q->file, q->line, q->column);
            uncertainty_remove(u, j);
            continue;
        }
        if (vb->source == PARAM_FROM_FILE && !vb->file && base->file && !strcmp(base->file, q->section_file))
            return scenario_error(base, q->path, err,
                                  "set here and drawn by this file's uncertainty section (%s:%d:%d): drop one of the "
                                  "two", q->file, q->line, q->column);
        for (int k = 0; k < ex->n_params; k++)
            if (!strcmp(ex->params[k], q->path))
                return sim_error_set(err, SIM_EINPUT, ex->file, ex->param_line[k], ex->param_column[k], q->path,
                                     "the sweep varies this key and the uncertainty section draws it (%s:%d:%d): "
                                     "drop one of the two", q->file, q->line, q->column);
    }
    /* keys that act in none of the scenarios (or only in scenarios that
     * keep their own value): not drawn; a warning for those written in the
     * section itself (an included file is a catalogue: some of its keys act
     * only in other experiments) */
    char dropped[600] = "";
    int n_dropped = 0;
    for (int j = u->n - 1; j >= 0; j--) {
        int inert = 1;
        why[0] = '\0';
        for (int s = 0; s < ex->n_scenarios && inert; s++) {
            const param_value *v = scenario_find(ex->scenarios[s], u->p[j].path);
            char mine[200];
            if (set_here(v, scenario_find(base, u->p[j].path))) {
                if (!why[0]) snprintf(why, sizeof why, "scenario \"%s\" keeps its own value", ex->names[s]);
                continue;
            }
            inert = cat->key_inert && cat->key_inert(ex->scenarios[s], u->p[j].path, mine, sizeof mine);
            if (inert) snprintf(why, sizeof why, "%s", mine);
        }
        if (!inert) continue;
        if (u->p[j].included) {
            uncertainty_remove(u, j);
            continue;
        }
        size_t len = strlen(dropped);
        if (len < 400)
            snprintf(dropped + len, sizeof dropped - len, "%s%s (%s)", n_dropped ? ", " : "", u->p[j].path, why);
        else if (len < sizeof dropped - 8 && !strstr(dropped, ", ...")) strcat(dropped, ", ...");
        n_dropped++;
        uncertainty_remove(u, j);
    }
    if (n_dropped)
        sim_warn(&ex->warnings, u->file, u->line, u->column, "uncertainty",
                 "%d uncertain key%s act%s in no scenario and %s not drawn: %s", n_dropped,
                 n_dropped > 1 ? "s" : "", n_dropped > 1 ? "" : "s", n_dropped > 1 ? "are" : "is", dropped);
    if (u->n == 0) {
        sim_warn(&ex->warnings, u->file, u->line, u->column, "uncertainty",
                 "no uncertain key is left to draw (each is fixed by --set or by the scenarios, or acts in no "
                 "scenario): nothing is drawn");
        return SIM_OK;
    }
    /* a scenario's own value wins for that scenario */
    if (!(ex->unc_fixed = calloc((size_t)ex->n_scenarios * (size_t)u->n, 1))) return oom(err, ex->file);
    for (int s = 0; s < ex->n_scenarios; s++)
        for (int j = 0; j < u->n; j++) {
            const param_value *v = scenario_find(ex->scenarios[s], u->p[j].path);
            if (!set_here(v, scenario_find(base, u->p[j].path))) continue;
            ex->unc_fixed[(size_t)s * (size_t)u->n + (size_t)j] = 1;
            scenario_warn(ex->scenarios[s], u->p[j].path, &ex->warnings,
                          "scenario \"%s\" keeps this value of a key the uncertainty section draws (%s:%d:%d): its "
                          "runs do not draw it", ex->names[s], u->p[j].file, u->p[j].line, u->p[j].column);
        }
    if (u->per_draw < 1) u->per_draw = 1;
    ex->n_draws = (int32_t)((ex->replicates + u->per_draw - 1) / u->per_draw);
    if (ex->replicates % u->per_draw)
        sim_warn(&ex->warnings, u->file, u->line, u->column, "uncertainty.replicates_per_draw",
                 "%d replicates are not a multiple of %d replicates per draw: the last draw has %d",
                 (int)ex->replicates, (int)u->per_draw, (int)(ex->replicates % u->per_draw));
    return SIM_OK;
}

static int load(experiment *ex, const experiment_catalog *cat, yaml_document_t *doc,
                const char *const *sets, int n_sets, sim_error *err)
{
    const char *file = ex->file;
    yaml_node_t *root = yaml_document_get_root_node(doc);
    const yaml_node_t *scns = NULL, *sweep_params = NULL;
    const param_def *const ep_tables[] = {experiment_params};
    scenario *ep = NULL, *b = NULL, *bs = NULL;
    experiment_keys k;
    int rc, sweep_given = 0;

    /* the experiment's own keys, checked as scenario keys are */
    if ((rc = scenario_alloc(ep_tables, 1, &ep, err))) return rc;
    if ((rc = cat->scenario_alloc(&b, err))) goto done;
    if ((rc = scenario_apply_yaml_except(ep, doc, root, file, read_by_hand, err))) {
        hint_scenario_key(b, err);
        goto done;
    }
    scenario_bind(ep, experiment_params, &k);
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
        yaml_node_t *kn = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        const char *name = yamlnode_text(kn);
        if (!strcmp(name, "scenarios")) scns = v;
        if (!strncmp(name, "sweep", 5) && (name[5] == '\0' || name[5] == '.')) sweep_given = 1;
        if (!strcmp(name, "sweep.parameters")) {
            if (sweep_params) {
                rc = yamlnode_fail(err, file, kn, name, "given twice (also under sweep)");
                goto done;
            }
            sweep_params = v;
        }
        if (!strcmp(name, "sweep") && v->type == YAML_MAPPING_NODE)
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++)
                if (!strcmp(yamlnode_text(yaml_document_get_node(doc, q->key)), "parameters")) {
                    if (sweep_params) {
                        rc = yamlnode_fail(err, file, yaml_document_get_node(doc, q->key), "sweep.parameters",
                                           "given twice (also as sweep.parameters)");
                        goto done;
                    }
                    sweep_params = yaml_document_get_node(doc, q->value);
                }
    }

    /* the base scenario: defaults, then the base file */
    if (scenario_find(ep, "base")->source != PARAM_FROM_DEFAULT) {
        if (!k.base[0]) {
            rc = scenario_error(ep, "base", err, "expected the path of a scenario file");
            goto done;
        }
        char *path = scenario_resolve_path(file, k.base);
        if (!path) {
            rc = oom(err, file);
            goto done;
        }
        rc = scenario_load_file(b, path, err);
        if (rc == SIM_EIO || (rc == SIM_EINPUT && err->line == 0)) {
            /* a base that cannot be read (missing, not a regular file: an
             * error without a line in it) is a wrong path in this file */
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            rc = scenario_error(ep, "base", err, "%s: %.400s", path, msg);
        }
        /* the base file's own uncertainty section comes first */
        if (!rc) rc = uncertainty_load_file(&ex->unc, path, b, err);
        free(path);
        if (rc) goto done;
    }
    /* then this file's: its definitions replace the base's */
    if ((rc = uncertainty_read(&ex->unc, doc, root, file, b, NULL, err))) goto done;

    /* the command line: checked once here (bs: the base with every --set),
     * applied to each scenario after its own overrides below */
    if (!(bs = scenario_copy(b))) {
        rc = oom(err, file);
        goto done;
    }
    for (int i = 0; i < n_sets; i++)
        if ((rc = scenario_set(bs, sets[i], err))) goto done;

    /* replicates and seed: the command line, else the top-level keys, else
     * the base's run.replicates and run.seed; threads: the command line or
     * the base (they never change results) */
    const param_value *top_reps = scenario_find(ep, "replicates"), *top_seed = scenario_find(ep, "seed");
    const param_value *cli_reps = scenario_find(bs, "run.replicates"), *cli_seed = scenario_find(bs, "run.seed");
    const int reps_from_top = top_reps->source != PARAM_FROM_DEFAULT && cli_reps->source != PARAM_FROM_SET;
    const int seed_from_top = top_seed->source != PARAM_FROM_DEFAULT && cli_seed->source != PARAM_FROM_SET;
    ex->replicates = (int32_t)(reps_from_top ? k.replicates : cli_reps->i);
    ex->seed = (uint32_t)(seed_from_top ? k.seed : cli_seed->i);
    ex->threads = (int)scenario_int(bs, "run.threads");

    /* the sweep */
    ex->n_points = 1;
    if (sweep_given) {
        if ((rc = read_sweep(ex, doc, ep, &k, sweep_params, b, err))) goto done;
    } else if (!(ex->method = strdup("none"))) {
        rc = oom(err, file);
        goto done;
    }
    for (int j = 0; j < ex->n_params; j++)
        if (scenario_find(bs, ex->params[j])->source == PARAM_FROM_SET) {
            rc = sim_error_set(err, SIM_EINPUT, "--set", 0, 0, ex->params[j],
                               "the sweep varies this key (%s:%d:%d): a value given on the command line "
                               "would be overwritten at every point; drop one of the two",
                               file, ex->param_line[j], ex->param_column[j]);
            goto done;
        }

    /* scenarios: name -> overrides of the base */
    int n = 1;
    if (scns) {
        if (scns->type != YAML_MAPPING_NODE || scns->data.mapping.pairs.top == scns->data.mapping.pairs.start) {
            rc = yamlnode_fail(err, file, scns, "scenarios", "expected a mapping of scenario names to overrides");
            goto done;
        }
        n = (int)(scns->data.mapping.pairs.top - scns->data.mapping.pairs.start);
        if (n > MAX_SCENARIOS) {
            rc = yamlnode_fail(err, file, scns, "scenarios", "more than %d scenarios", MAX_SCENARIOS);
            goto done;
        }
    }
    ex->names = calloc((size_t)n, sizeof *ex->names);
    ex->scenarios = calloc((size_t)n, sizeof *ex->scenarios);
    if (!ex->names || !ex->scenarios) {
        rc = oom(err, file);
        goto done;
    }
    ex->n_scenarios = n;
    for (int s = 0; s < n; s++) {
        yaml_node_t *kn = NULL, *ov = NULL;
        const char *name = "base";
        if (scns) {
            kn = yaml_document_get_node(doc, scns->data.mapping.pairs.start[s].key);
            ov = yaml_document_get_node(doc, scns->data.mapping.pairs.start[s].value);
            name = yamlnode_text(kn);
            if (!valid_name(name)) {
                rc = yamlnode_fail(err, file, kn, "scenarios", "bad scenario name \"%s\" (letters, digits, _ - . only)",
                                   name);
                goto done;
            }
            for (int t = 0; t < s; t++)
                if (!strcmp(ex->names[t], name)) {
                    rc = yamlnode_fail(err, file, kn, "scenarios", "duplicate scenario \"%s\"", name);
                    goto done;
                }
        }
        if (!(ex->names[s] = strdup(name)) || !(ex->scenarios[s] = scenario_copy(b))) {
            rc = oom(err, file);
            goto done;
        }
        scenario *sc = ex->scenarios[s];
        if (ov && !(ov->type == YAML_SCALAR_NODE && !yamlnode_text(ov)[0])) {
            /* the scenario keeps the base file (its paths resolve there); the
             * overridden values remember ex->file, which outlives them */
            rc = scenario_apply_yaml(sc, doc, ov, ex->file, err);
            if (rc) {
                if (err->key[0] == '\0') snprintf(err->key, sizeof err->key, "scenarios.%s", name);
                goto done;
            }
        }
        /* overrides that could not act: a key set for the whole experiment,
         * or one the sweep overwrites at every point */
        for (size_t i = 0; i < sc->n; i++) {
            const char *path = sc->values[i].def->path;
            if (!set_here(&sc->values[i], &b->values[i])) continue;
            if (!strcmp(path, "run.replicates") || !strcmp(path, "run.seed") || !strcmp(path, "run.threads")) {
                rc = scenario_error(sc, path, err, "run.replicates and run.seed are set for the whole experiment "
                                    "(top-level replicates and seed), run.threads by --threads, not per scenario");
                goto done;
            }
            for (int j = 0; j < ex->n_params; j++)
                if (!strcmp(path, ex->params[j])) {
                    rc = scenario_error(sc, path, err, "scenario \"%s\" sets this key, which the sweep varies "
                                        "(%s:%d:%d): the sweep would overwrite it at every point", name, file,
                                        ex->param_line[j], ex->param_column[j]);
                    goto done;
                }
        }
        /* the command line overrides everything; overriding the scenario's
         * own value is legitimate, but worth saying */
        for (size_t i = 0; i < sc->n; i++) {
            const param_value *v = &sc->values[i];
            if (bs->values[i].source != PARAM_FROM_SET || !set_here(v, &b->values[i])) continue;
            sim_warn(&ex->warnings, "--set", 0, 0, v->def->path,
                     "overrides the value scenario \"%s\" gives it at %s:%d:%d (the command line wins)", name,
                     v->file ? v->file : sc->file, v->line, v->column);
        }
        for (int i = 0; i < n_sets; i++)
            if ((rc = scenario_set(sc, sets[i], err))) goto done;
        /* the experiment's replicates and seed; threads never change results:
         * kept out of the definition */
        if (reps_from_top &&
            (rc = scenario_set_number(sc, "run.replicates", (double)ex->replicates, file, top_reps->line,
                                      top_reps->column, err)))
            goto done;
        if (seed_from_top &&
            (rc = scenario_set_number(sc, "run.seed", (double)ex->seed, file, top_seed->line, top_seed->column,
                                      err)))
            goto done;
        if ((rc = scenario_set_number(sc, "run.threads", 0, NULL, 0, 0, err))) goto done;
    }
    ex->baseline = 0;
    if (scenario_find(ep, "baseline")->source != PARAM_FROM_DEFAULT) {
        ex->baseline = -1;
        for (int s = 0; s < n; s++)
            if (!strcmp(ex->names[s], k.baseline)) ex->baseline = s;
        if (ex->baseline < 0) {
            rc = scenario_error(ep, "baseline", err, "no scenario named \"%s\"", k.baseline);
            goto done;
        }
    }
    /* output.* keys describe the file, one layout for every run */
    for (int s = 1; s < n; s++) {
        static const char *const keys[] = {"output.agents", "output.compression", "output.observables",
                                           "output.breakdowns", "output.every", "output.days"};
        for (int j = 0; j < (int)(sizeof keys / sizeof keys[0]); j++) {
            if (same_value(scenario_find(ex->scenarios[s], keys[j]), scenario_find(ex->scenarios[0], keys[j])))
                continue;
            int blame = scenario_find(ex->scenarios[s], keys[j])->source != PARAM_FROM_DEFAULT ? s : 0;
            rc = scenario_error(ex->scenarios[blame], keys[j], err,
                                "scenarios \"%s\" and \"%s\" differ in %s, but the results file has one "
                                "layout for every run; set it in the base", ex->names[0], ex->names[s], keys[j]);
            goto done;
        }
    }
    ex->agents = scenario_bool(ex->scenarios[0], "output.agents");
    ex->compression = (int)scenario_int(ex->scenarios[0], "output.compression");
    ex->model = cat->model_of(ex->scenarios[0]);
    if ((rc = engine_output_plan(ex->scenarios[0], ex->model, &ex->output, NULL, err))) goto done;
    ex->days = (int32_t)scenario_int(ex->scenarios[0], "run.days");
    snprintf(ex->start_date, sizeof ex->start_date, "%s", scenario_string(ex->scenarios[0], "run.start_date"));
    for (int s = 1; s < n; s++) {
        if (strcmp(scenario_string(ex->scenarios[s], "run.start_date"), ex->start_date) != 0) {
            rc = scenario_error(ex->scenarios[s], "run.start_date", err,
                                "scenario \"%s\" starts on \"%s\" but \"%s\" on \"%s\"; all scenarios share one "
                                "time axis", ex->names[s], scenario_string(ex->scenarios[s], "run.start_date"),
                                ex->names[0], ex->start_date);
            goto done;
        }
        if (cat->model_of(ex->scenarios[s]) != ex->model) {
            rc = scenario_error(ex->scenarios[s], "model.name", err,
                                "scenario \"%s\" uses model %s but \"%s\" uses %s; an experiment compares one model",
                                ex->names[s], cat->model_of(ex->scenarios[s])->name, ex->names[0], ex->model->name);
            goto done;
        }
        if (scenario_int(ex->scenarios[s], "run.days") != ex->days) {
            rc = scenario_error(ex->scenarios[s], "run.days", err,
                                "scenario \"%s\" runs %lld days but \"%s\" runs %d; all scenarios share one time axis",
                                ex->names[s], scenario_int(ex->scenarios[s], "run.days"), ex->names[0], (int)ex->days);
            goto done;
        }
    }
    if ((long long)ex->n_scenarios * ex->n_points * ex->replicates > 2000000000LL) {
        rc = sim_error_set(err, SIM_EINPUT, file, 0, 0, NULL, "%d scenarios x %d points x %d replicates is too many runs",
                           ex->n_scenarios, ex->n_points, (int)ex->replicates);
        goto done;
    }

    if ((rc = settle_uncertainty(ex, cat, b, bs, err))) goto done;

    /* every run's scenario passes the cross-key checks before anything runs;
     * the model's warnings about each are gathered (once each) */
    if ((rc = check_runs(ex, cat, err))) goto done;
    if (cat->key_inert) warn_inert_keys(ex, cat);
    if (!(ex->definition = definition_text(ex))) {
        rc = oom(err, file);
        goto done;
    }
    rc = SIM_OK;

done:
    scenario_free(bs);
    scenario_free(b);
    scenario_free(ep);
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
    snprintf(ex->start_date, sizeof ex->start_date, "%s", scenario_string(scn, "run.start_date"));
    ex->replicates = (int32_t)scenario_int(scn, "run.replicates");
    ex->seed = (uint32_t)scenario_int(scn, "run.seed");
    ex->threads = (int)scenario_int(scn, "run.threads");
    ex->agents = scenario_bool(scn, "output.agents");
    ex->compression = (int)scenario_int(scn, "output.compression");
    int rc = engine_output_plan(scn, model, &ex->output, NULL, err);
    if (rc) {
        experiment_free(ex);
        return rc;
    }
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

int experiment_uncertainty_from_file(experiment *ex, const char *path, const experiment_catalog *cat,
                                     sim_error *err)
{
    scenario *scn = ex->scenarios[0];
    int rc = uncertainty_load_file(&ex->unc, path, scn, err);
    if (!rc && !ex->unc.file) return SIM_OK; /* no section */
    /* one scenario: the file's values are the base, the command line's are --set */
    if (!rc) rc = settle_uncertainty(ex, cat, scn, scn, err);
    if (!rc && ex->unc.n > 0) rc = check_runs(ex, cat, err);
    if (!rc && ex->unc.n > 0) {
        free(ex->definition);
        if (!(ex->definition = definition_text(ex))) rc = oom(err, path);
    }
    return rc;
}
