/* calibrate.c: adoptsim calibrate: the calibration file, ABC-SMC over
 * pipeline batches, the fit file and its report (see calibrate.h).
 *
 * The fit file (HDF5, output.h; every dimension a scale):
 *   dimensions  generation (G), particle (N), parameter (P: key paths),
 *               target (K: labels), curve (C: "observable[, group]"),
 *               time (days 0..run.days), quantile (5, 50, 95 percent)
 *   particles        [generation, particle, parameter]  accepted parameter values
 *   weights          [generation, particle]             normalised importance weights
 *   distances        [generation, particle]             standardised distance of each
 *   tolerance        [generation]                       epsilon (inf for generation 0)
 *   acceptance_rate  [generation]                       accepted / simulated
 *   simulations      [generation]                       simulations used so far
 *   prior            [parameter]                        each prior, as text
 *   target_observed, target_scale [target]; target_first_day, target_last_day [target]
 *   predicted        [particle, target]   the final particles' posterior predictive values
 *   curve_mean       [curve, time]        weighted mean over the final particles
 *   curve_quantiles  [curve, quantile, time]  weighted 5/50/95% over them
 * Global attributes: title "adoptsim calibrate fit", the calibration and
 * scenario files, model, seed, the abc settings, stop_reason, distance. */
#include "calibrate.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <yaml.h>

#include "csv.h"
#include "engine.h"
#include "input.h"
#include "journal.h"
#include "network.h"
#include "output.h"
#include "pipeline.h"
#include "rng.h"
#include "yamlnode.h"

#define FIT_TITLE "adoptsim calibrate fit"
#define MAX_PROPOSAL_TRIES 10000  /* kernel moves tried before a proposal inside the priors gives up */
#define MIN_RATE 0.01             /* acceptance rate assumed at least, to size batches */
#define MAX_BATCH_FACTOR 50       /* a batch holds at most this many times N proposals */

/* ---- reading the calibration file -------------------------------------------------------- */

static int oom(sim_error *err, const char *file)
{
    return sim_error_set(err, SIM_ENOMEM, file, 0, 0, NULL, "out of memory");
}

/* A finite number from a scalar node, within [lo, hi]. */
static int node_number(const char *file, const yaml_node_t *n, const char *key, double lo, double hi, double *out,
                       sim_error *err)
{
    const char *s = yamlnode_text(n);
    char *end;
    if (!n || n->type != YAML_SCALAR_NODE || !s[0]) return yamlnode_fail(err, file, n, key, "expected a number");
    *out = strtod(s, &end);
    if (*end || !isfinite(*out)) return yamlnode_fail(err, file, n, key, "expected a number, got \"%s\"", s);
    if (*out < lo || *out > hi) return yamlnode_fail(err, file, n, key, "must be between %g and %g, got %s", lo, hi, s);
    return SIM_OK;
}

/* A day of the run from a scalar (a time value of scenario.h: 90, 12w, 3m,
 * a date with run.start_date), 1..run.days. */
static int node_day(const char *file, const yaml_node_t *n, const char *key, const experiment *ex, int32_t *out,
                    sim_error *err)
{
    char why[256];
    long long days = 0;
    if (!n || n->type != YAML_SCALAR_NODE || !yamlnode_text(n)[0])
        return yamlnode_fail(err, file, n, key, "expected a day (90, 12w, 3m or a date)");
    if (scenario_time_days(ex->scenarios[0], "run.days", yamlnode_text(n), &days, why, sizeof why) != 1)
        return yamlnode_fail(err, file, n, key, "%s", why);
    if (days < 1 || days > ex->days)
        return yamlnode_fail(err, file, n, key, "day %lld is outside the run (days 1 to run.days = %d)", days,
                             (int)ex->days);
    *out = (int32_t)days;
    return SIM_OK;
}

static const yaml_node_t *map_get(yaml_document_t *doc, const yaml_node_t *map, const char *key,
                                  const yaml_node_t **key_node)
{
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < map->data.mapping.pairs.top; q++) {
        yaml_node_t *kn = yaml_document_get_node(doc, q->key);
        if (!strcmp(yamlnode_text(kn), key)) {
            if (key_node) *key_node = kn;
            return yaml_document_get_node(doc, q->value);
        }
    }
    return NULL;
}

/* Every key of map is one of names (NULL-terminated); twice is an error. */
static int check_keys(yaml_document_t *doc, const yaml_node_t *map, const char *const *names, const char *file,
                      const char *prefix, sim_error *err)
{
    size_t n = 0;
    while (names[n]) n++;
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < map->data.mapping.pairs.top; q++) {
        yaml_node_t *kn = yaml_document_get_node(doc, q->key);
        const char *k = yamlnode_text(kn);
        char key[160];
        snprintf(key, sizeof key, "%s%.120s", prefix, k);
        int found = 0;
        for (size_t i = 0; i < n; i++) found |= !strcmp(k, names[i]);
        if (!found) {
            const char *near = scenario_nearest_word(k, names, n);
            char all[300] = "";
            for (size_t i = 0; i < n; i++) {
                strncat(all, i ? ", " : "", sizeof all - strlen(all) - 1);
                strncat(all, names[i], sizeof all - strlen(all) - 1);
            }
            if (near) return yamlnode_fail(err, file, kn, key, "unknown key; did you mean '%s'?", near);
            return yamlnode_fail(err, file, kn, key, "unknown key (expected one of: %s)", all);
        }
        for (yaml_node_pair_t *r = map->data.mapping.pairs.start; r < q; r++)
            if (!strcmp(yamlnode_text(yaml_document_get_node(doc, r->key)), k))
                return yamlnode_fail(err, file, kn, key, "given twice");
    }
    return SIM_OK;
}

/* {team: NAME}: a team of the built organization, named as target.teams
 * names it (a did-you-mean for a name it lacks), of an observable the model
 * reports by team. */
static int read_team(cal_config *c, const yaml_node_t *v, cal_target *t, sim_error *err)
{
    const char *file = c->file;
    const sim_model_type *m = c->ex->model;
    const sim_network *net = pipeline_batch_network(c->batch);
    if (!model_by_team(m, t->observable)) {
        char some[400] = "";
        size_t len = 0;
        for (int k = 0, n = 0; k < m->n_observables && len + 40 < sizeof some; k++)
            if (model_by_team(m, k))
                len += (size_t)snprintf(some + len, sizeof some - len, "%s%s", n++ ? ", " : "", m->observables[k].name);
        return yamlnode_fail(err, file, v, "targets.group.team", "model %s does not report %s by team%s%s%s", m->name,
                             m->observables[t->observable].name, some[0] ? " (it reports " : "", some,
                             some[0] ? " by team)" : "");
    }
    if (!net->team || !net->team_names)
        return yamlnode_fail(err, file, v, "targets.group.team", "network.type %s has no teams", net->kind);
    const char *name = v && v->type == YAML_SCALAR_NODE ? yamlnode_text(v) : NULL;
    if (!name || !name[0]) return yamlnode_fail(err, file, v, "targets.group.team", "expected a team's name");
    for (int32_t j = 0; j < net->n_teams; j++)
        if (!strcmp(net->team_names[j], name)) {
            t->group = CAL_TEAM;
            t->group_index = j;
            return SIM_OK;
        }
    const char *near = scenario_nearest_word(name, (const char *const *)net->team_names, (size_t)net->n_teams);
    char shown[80], hint[160] = "";
    csv_excerpt(shown, sizeof shown, name);
    if (near) {
        char q[80];
        csv_excerpt(q, sizeof q, near);
        snprintf(hint, sizeof hint, "; did you mean \"%s\"?", q);
    }
    for (int32_t j = 0, len = 0; !near && j < net->n_teams && j < 4; j++) { /* a few of the names there are */
        char q[24];
        csv_excerpt(q, sizeof q, net->team_names[j]);
        len += snprintf(hint + len, sizeof hint - (size_t)len, "%s\"%s\"%s", j ? ", " : "; they include ", q,
                        j == 3 && net->n_teams > 4 ? ", ..." : "");
    }
    return yamlnode_fail(err, file, v, "targets.group.team",
                         "no team named \"%s\" in the organization (%d teams, named by %s)%s", shown,
                         (int)net->n_teams, net->ids ? "the team column, else the manager's id" : "number", hint);
}

static int read_group(cal_config *c, yaml_document_t *doc, const yaml_node_t *g, cal_target *t, int32_t levels,
                      sim_error *err)
{
    const char *file = c->file;
    t->group = CAL_ALL;
    if (!g || (g->type == YAML_SCALAR_NODE && !strcmp(yamlnode_text(g), "all"))) return SIM_OK;
    if (g->type != YAML_MAPPING_NODE || g->data.mapping.pairs.top - g->data.mapping.pairs.start != 1)
        return yamlnode_fail(err, file, g, "targets.group",
                             "expected all, {generation: NAME}, {level: N} or {team: NAME}");
    yaml_node_t *kn = yaml_document_get_node(doc, g->data.mapping.pairs.start->key);
    yaml_node_t *v = yaml_document_get_node(doc, g->data.mapping.pairs.start->value);
    const char *kind = yamlnode_text(kn);
    if (!levels)
        return yamlnode_fail(err, file, kn, "targets.group",
                             "groups need an organization network (network.type organization or orgchart)");
    if (!strcmp(kind, "generation")) {
        t->group = CAL_GENERATION;
        for (int i = 0; i < NET_GENERATIONS; i++)
            if (!strcmp(yamlnode_text(v), network_generation_names[i])) t->group_index = i;
        if (t->group_index < 0 || strcmp(yamlnode_text(v), network_generation_names[t->group_index])) {
            const char *near = scenario_nearest_word(yamlnode_text(v), network_generation_names, NET_GENERATIONS);
            return yamlnode_fail(err, file, v, "targets.group.generation",
                                 "unknown generation \"%s\"%s%s%s (expected "
                                 "gen_z, millennial, gen_x or boomer)",
                                 yamlnode_text(v), near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        }
    } else if (!strcmp(kind, "level")) {
        double d;
        int rc = node_number(file, v, "targets.group.level", 0, levels - 1, &d, err);
        if (rc) return rc;
        if (d != floor(d)) return yamlnode_fail(err, file, v, "targets.group.level", "expected a whole number");
        t->group = CAL_LEVEL;
        t->group_index = (int)d;
    } else if (!strcmp(kind, "team")) {
        return read_team(c, v, t, err);
    } else {
        return yamlnode_fail(err, file, kn, "targets.group", "unknown group \"%s\" (expected generation, level or team)",
                             kind);
    }
    const sim_model_type *m = c->ex->model;
    if (!m->observables[t->observable].grouped)
        return yamlnode_fail(err, file, kn, "targets.group", "model %s does not report %s by generation and level",
                             m->name, m->observables[t->observable].name);
    return SIM_OK;
}

static int read_target(cal_config *c, yaml_document_t *doc, const yaml_node_t *n, cal_target *t, int32_t levels,
                       sim_error *err)
{
    static const char *const keys[] = {"observable", "day", "window", "group", "value", "sd", "tolerance", NULL};
    const char *file = c->file;
    const sim_model_type *m = c->ex->model;
    memset(t, 0, sizeof *t);
    t->group_index = -1;
    t->line = (int)n->start_mark.line + 1;
    t->column = (int)n->start_mark.column + 1;
    if (n->type != YAML_MAPPING_NODE)
        return yamlnode_fail(err, file, n, "targets",
                             "expected a mapping (observable, day or window, group, value, "
                             "sd or tolerance)");
    int rc = check_keys(doc, n, keys, file, "targets.", err);
    if (rc) return rc;
    const yaml_node_t *ob = map_get(doc, n, "observable", NULL), *day = map_get(doc, n, "day", NULL);
    const yaml_node_t *win = map_get(doc, n, "window", NULL), *val = map_get(doc, n, "value", NULL);
    const yaml_node_t *sd = map_get(doc, n, "sd", NULL), *tol = map_get(doc, n, "tolerance", NULL);
    if (!ob) return yamlnode_fail(err, file, n, "targets.observable", "missing: the observable compared");
    t->observable = -1;
    for (int k = 0; k < m->n_observables; k++)
        if (!strcmp(yamlnode_text(ob), m->observables[k].name)) t->observable = k;
    if (t->observable < 0) {
        const char *names[256];
        int nn = m->n_observables < 256 ? m->n_observables : 256;
        for (int k = 0; k < nn; k++) names[k] = m->observables[k].name;
        const char *near = scenario_nearest_word(yamlnode_text(ob), names, (size_t)nn);
        return yamlnode_fail(err, file, ob, "targets.observable", "model %s has no observable \"%s\"%s%s%s", m->name,
                             yamlnode_text(ob), near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    }
    if (!day == !win) return yamlnode_fail(err, file, n, "targets.day", "give either day or window: [first, last]");
    if (day) {
        if ((rc = node_day(file, day, "targets.day", c->ex, &t->first, err))) return rc;
        t->last = t->first;
    } else {
        if (win->type != YAML_SEQUENCE_NODE || win->data.sequence.items.top - win->data.sequence.items.start != 2)
            return yamlnode_fail(err, file, win, "targets.window", "expected [first, last]: two days");
        yaml_node_t *a = yaml_document_get_node(doc, win->data.sequence.items.start[0]);
        yaml_node_t *b = yaml_document_get_node(doc, win->data.sequence.items.start[1]);
        if ((rc = node_day(file, a, "targets.window", c->ex, &t->first, err))) return rc;
        if ((rc = node_day(file, b, "targets.window", c->ex, &t->last, err))) return rc;
        if (t->last < t->first)
            return yamlnode_fail(err, file, b, "targets.window", "the last day is before the first");
    }
    if ((rc = read_group(c, doc, map_get(doc, n, "group", NULL), t, levels, err))) return rc;
    if (!val) return yamlnode_fail(err, file, n, "targets.value", "missing: the observed value");
    if ((rc = node_number(file, val, "targets.value", -1e300, 1e300, &t->value, err))) return rc;
    if (m->observables[t->observable].is_count && t->value < 0)
        return yamlnode_fail(err, file, val, "targets.value", "a count cannot be negative, got %s", yamlnode_text(val));
    if (!sd == !tol) return yamlnode_fail(err, file, n, "targets.sd", "give either sd (a standard error) or tolerance");
    const char *skey = sd ? "targets.sd" : "targets.tolerance";
    if ((rc = node_number(file, sd ? sd : tol, skey, 0, 1e300, &t->scale, err))) return rc;
    if (!(t->scale > 0)) return yamlnode_fail(err, file, sd ? sd : tol, skey, "must be above 0");
    int len = snprintf(t->label, sizeof t->label, "%s", m->observables[t->observable].name);
    if (t->group == CAL_GENERATION)
        len += snprintf(t->label + len, sizeof t->label - (size_t)len, " %s", network_generation_names[t->group_index]);
    if (t->group == CAL_LEVEL) len += snprintf(t->label + len, sizeof t->label - (size_t)len, " level %d", t->group_index);
    if (t->group == CAL_TEAM)
        len += snprintf(t->label + len, sizeof t->label - (size_t)len, " team %.60s",
                        pipeline_batch_network(c->batch)->team_names[t->group_index]);
    if (t->first == t->last)
        snprintf(t->label + len, sizeof t->label - (size_t)len, ", day %d", (int)t->first);
    else
        snprintf(t->label + len, sizeof t->label - (size_t)len, ", days %d-%d", (int)t->first, (int)t->last);
    return SIM_OK;
}

/* Add a target (the array grows). */
static int add_target(cal_config *c, int *cap, const cal_target *t, sim_error *err)
{
    if (c->n_targets == CAL_MAX_TARGETS)
        return sim_error_set(err, SIM_EINPUT, c->file, t->line, t->column, "series",
                             "more than %d targets", CAL_MAX_TARGETS);
    if (c->n_targets == *cap) {
        int n = *cap ? 2 * *cap : 16;
        cal_target *a = realloc(c->targets, (size_t)n * sizeof *a);
        if (!a) return oom(err, c->file);
        c->targets = a;
        *cap = n;
    }
    c->targets[c->n_targets++] = *t;
    return SIM_OK;
}

/* The series section: counts of a CSV export become point targets, one per
 * row and mapped column, with the observation model's standard error. */
static int read_series(cal_config *c, yaml_document_t *doc, const yaml_node_t *sn, int *cap, sim_error *err)
{
    static const char *const keys[] = {"file", "date", "columns", "observation", "sd", "min_sd", NULL};
    const char *file = c->file;
    const sim_model_type *m = c->ex->model;
    if (sn->type != YAML_MAPPING_NODE)
        return yamlnode_fail(err, file, sn, "series", "expected a mapping (file, date, columns, observation)");
    int rc = check_keys(doc, sn, keys, file, "series.", err);
    if (rc) return rc;
    const yaml_node_t *fn = map_get(doc, sn, "file", NULL), *dn = map_get(doc, sn, "date", NULL);
    const yaml_node_t *cols = map_get(doc, sn, "columns", NULL), *obs = map_get(doc, sn, "observation", NULL);
    const yaml_node_t *sdn = map_get(doc, sn, "sd", NULL), *minn = map_get(doc, sn, "min_sd", NULL);
    if (!fn || fn->type != YAML_SCALAR_NODE || !yamlnode_text(fn)[0])
        return yamlnode_fail(err, file, fn ? fn : sn, "series.file", "expected the path of a CSV file");
    if (!cols || cols->type != YAML_MAPPING_NODE || cols->data.mapping.pairs.top == cols->data.mapping.pairs.start)
        return yamlnode_fail(err, file, cols ? cols : sn, "series.columns",
                             "expected a mapping of CSV column: observable (monthly_active: monthly_active)");
    const char *date_col = dn ? yamlnode_text(dn) : "date";
    int binomial = 1;
    double sd = 0, min_sd = 1;
    if (obs && !strcmp(yamlnode_text(obs), "normal"))
        binomial = 0;
    else if (obs && strcmp(yamlnode_text(obs), "binomial"))
        return yamlnode_fail(err, file, obs, "series.observation", "expected binomial or normal, got \"%s\"",
                             yamlnode_text(obs));
    if (!binomial && !sdn)
        return yamlnode_fail(err, file, obs, "series.sd",
                             "observation normal needs sd: the counts' "
                             "standard error");
    if (binomial && sdn) return yamlnode_fail(err, file, sdn, "series.sd", "only with observation: normal");
    if (sdn && (rc = node_number(file, sdn, "series.sd", 1e-300, 1e300, &sd, err))) return rc;
    if (minn && (rc = node_number(file, minn, "series.min_sd", 1e-300, 1e300, &min_sd, err))) return rc;
    if (minn && !binomial) return yamlnode_fail(err, file, minn, "series.min_sd", "only with observation: binomial");

    /* the mapped columns: CSV header name -> observable */
    int n_map = (int)(cols->data.mapping.pairs.top - cols->data.mapping.pairs.start);
    const yaml_node_t *col_key[64];
    int col_obs[64], col_at[64];
    if (n_map > 64) return yamlnode_fail(err, file, cols, "series.columns", "more than 64 columns");
    for (int i = 0; i < n_map; i++) {
        yaml_node_pair_t *q = cols->data.mapping.pairs.start + i;
        const yaml_node_t *v = yaml_document_get_node(doc, q->value);
        col_key[i] = yaml_document_get_node(doc, q->key);
        col_obs[i] = -1;
        col_at[i] = -1;
        for (int k = 0; k < m->n_observables; k++)
            if (!strcmp(yamlnode_text(v), m->observables[k].name)) col_obs[i] = k;
        if (col_obs[i] < 0 || !m->observables[col_obs[i]].is_count)
            return yamlnode_fail(err, file, v, "series.columns",
                                 "model %s has no count observable \"%s\" (e.g. "
                                 "monthly_active, weekly_active, regular_users)",
                                 m->name, yamlnode_text(v));
    }
    char *path = scenario_resolve_path(file, yamlnode_text(fn));
    if (!path) return oom(err, file);
    csv_reader r;
    rc = csv_reader_open(&r, path, "series file", "series.file", err);
    if (rc && err->line == 0) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        rc = yamlnode_fail(err, file, fn, "series.file", "%.400s", msg);
    }
    const int32_t staff = pipeline_batch_agents(c->batch);
    int date_at = -1, n_fields = 0, rows = 0;
    char *line, *text, *fields[256];
    ssize_t len;
    while (!rc && !(rc = csv_reader_next(&r, &line, &len, err)) && line) {
        if (csv_line(line, len, r.lineno, &text) < 0) {
            rc = sim_error_set(err, SIM_EINPUT, path, r.lineno, 0, NULL, "binary data, not CSV");
            break;
        }
        if (!csv_trim(text)[0]) continue;
        int n = csv_split(text, fields, 256);
        if (n < 0) {
            rc = sim_error_set(err, SIM_EINPUT, path, r.lineno, 0, NULL, "%s", csv_split_error(n));
            break;
        }
        if (n > 256) n = 256;
        if (date_at < 0) { /* the header */
            n_fields = n;
            for (int i = 0; i < n; i++) {
                if (!strcmp(fields[i], date_col)) date_at = i;
                for (int j = 0; j < n_map; j++)
                    if (!strcmp(fields[i], yamlnode_text(col_key[j]))) col_at[j] = i;
            }
            if (date_at < 0)
                rc = yamlnode_fail(err, file, dn ? dn : fn, "series.date", "%s has no column \"%s\" in its header",
                                   path, date_col);
            for (int j = 0; !rc && j < n_map; j++)
                if (col_at[j] < 0)
                    rc = yamlnode_fail(err, file, col_key[j], "series.columns", "%s has no column \"%s\" in its header",
                                       path, yamlnode_text(col_key[j]));
            continue;
        }
        if (n != n_fields) {
            rc = sim_error_set(err, SIM_EINPUT, path, r.lineno, 0, NULL, "%d fields, the header has %d", n, n_fields);
            break;
        }
        char why[256];
        long long day = 0;
        if (scenario_time_days(c->ex->scenarios[0], "run.days", fields[date_at], &day, why, sizeof why) != 1) {
            rc = sim_error_set(err, SIM_EINPUT, path, r.lineno, 0, date_col, "%s", why);
            break;
        }
        if (day > c->ex->days) {
            rc = sim_error_set(err, SIM_EINPUT, path, r.lineno, 0, date_col,
                               "%s is day %lld, after the run (run.days = %d)", fields[date_at], day, (int)c->ex->days);
            break;
        }
        rows++;
        for (int j = 0; !rc && j < n_map; j++) {
            const char *v = fields[col_at[j]];
            char *end;
            if (!v[0]) continue; /* a gap */
            double x = strtod(v, &end);
            if (*end || !isfinite(x) || x < 0 || x != floor(x) || x > staff) {
                rc = sim_error_set(err, SIM_EINPUT, path, r.lineno, 0, yamlnode_text(col_key[j]),
                                   "expected a count from 0 to the %d staff, got \"%s\"", (int)staff, v);
                break;
            }
            cal_target t;
            memset(&t, 0, sizeof t);
            t.observable = col_obs[j];
            t.group = CAL_ALL;
            t.first = t.last = (int32_t)day;
            t.value = x;
            if (binomial) {
                double share = x / staff;
                t.scale = sqrt(staff * share * (1 - share));
                if (t.scale < min_sd) t.scale = min_sd;
            } else {
                t.scale = sd;
            }
            t.line = (int)col_key[j]->start_mark.line + 1;
            t.column = (int)col_key[j]->start_mark.column + 1;
            snprintf(t.label, sizeof t.label, "%s, day %d (%s)", m->observables[t.observable].name, (int)day,
                     fields[date_at]);
            rc = add_target(c, cap, &t, err);
        }
    }
    if (!rc && rows == 0) rc = sim_error_set(err, SIM_EINPUT, path, 0, 0, NULL, "no rows of data");
    csv_reader_close(&r);
    free(path);
    return rc;
}

static int read_abc(cal_config *c, yaml_document_t *doc, const yaml_node_t *abc, sim_error *err)
{
    static const char *const keys[] = {"particles", "quantile", "final_tolerance", "min_acceptance", "max_runs",
                                       "max_generations", NULL};
    const char *file = c->file;
    if (abc->type != YAML_MAPPING_NODE) return yamlnode_fail(err, file, abc, "abc", "expected a mapping");
    int rc = check_keys(doc, abc, keys, file, "abc.", err);
    const yaml_node_t *v;
    double d;
    if (!rc && (v = map_get(doc, abc, "particles", NULL))) {
        if (!(rc = node_number(file, v, "abc.particles", 10, 1000000, &d, err))) c->particles = (int)d;
        if (!rc && d != floor(d)) rc = yamlnode_fail(err, file, v, "abc.particles", "expected a whole number");
    }
    if (!rc && (v = map_get(doc, abc, "quantile", NULL)))
        rc = node_number(file, v, "abc.quantile", 0.05, 0.95, &c->quantile, err);
    if (!rc && (v = map_get(doc, abc, "final_tolerance", NULL)))
        rc = node_number(file, v, "abc.final_tolerance", 0, 1e300, &c->final_tolerance, err);
    if (!rc && (v = map_get(doc, abc, "min_acceptance", NULL)))
        rc = node_number(file, v, "abc.min_acceptance", 0, 1, &c->min_acceptance, err);
    if (!rc && (v = map_get(doc, abc, "max_runs", NULL))) {
        if (!(rc = node_number(file, v, "abc.max_runs", 1, 2e9, &d, err))) c->max_runs = (long long)d;
        if (!rc && d != floor(d)) rc = yamlnode_fail(err, file, v, "abc.max_runs", "expected a whole number");
    }
    if (!rc && (v = map_get(doc, abc, "max_generations", NULL))) {
        if (!(rc = node_number(file, v, "abc.max_generations", 1, 1000, &d, err))) c->max_generations = (int)d;
        if (!rc && d != floor(d)) rc = yamlnode_fail(err, file, v, "abc.max_generations", "expected a whole number");
    }
    if (!rc && c->max_runs < c->particles)
        rc = yamlnode_fail(err, file, abc, "abc.max_runs", "must be at least abc.particles (%d)", c->particles);
    return rc;
}

/* The base scenario: loaded, the command line applied, validated, as an
 * experiment of one scenario. */
static int load_scenario(cal_config *c, const experiment_catalog *cat, const char *const *sets, int n_sets,
                         yaml_document_t *doc, const yaml_node_t *sn, yaml_node_t *over, sim_error *err)
{
    scenario *scn = NULL;
    if (!(c->scenario_file = scenario_resolve_path(c->file, yamlnode_text(sn)))) return oom(err, c->file);
    int rc = cat->scenario_alloc(&scn, err);
    if (!rc) rc = scenario_load_file(scn, c->scenario_file, err);
    if (rc && (err->line == 0 && (rc == SIM_EINPUT || rc == SIM_EIO))) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        rc = yamlnode_fail(err, c->file, sn, "scenario", "%s: %.400s", c->scenario_file, msg);
    }
    if (!rc && over && over->type != YAML_MAPPING_NODE)
        rc = yamlnode_fail(err, c->file, over, "set", "expected a mapping of scenario keys");
    if (!rc && over) rc = scenario_apply_yaml(scn, doc, over, c->file, err);
    for (int i = 0; !rc && i < n_sets; i++) rc = scenario_set(scn, sets[i], err);
    if (!rc) rc = cat->validate(scn, err);
    if (!rc) rc = experiment_from_scenario(scn, cat->model_of(scn), &c->ex, err);
    scenario_free(scn);
    return rc;
}

/* The priors: continuous, acting in the scenario. */
static int check_priors(cal_config *c, const experiment_catalog *cat, const yaml_node_t *root, sim_error *err)
{
    uncertainty *u = &c->ex->unc;
    if (u->per_draw_given)
        return sim_error_set(err, SIM_EINPUT, c->file, 0, 0, "uncertainty.replicates_per_draw",
                             "not used by calibrate (one simulation per proposal): remove it");
    if (u->n == 0)
        return yamlnode_fail(err, c->file, root, "uncertainty",
                             "no parameters to fit: give their priors in "
                             "uncertainty.parameters");
    for (int j = 0; j < u->n; j++) {
        const unc_param *p = &u->p[j];
        char why[256];
        if (p->family == UNC_CHOICE || p->family == UNC_POSTERIOR || p->whole)
            return sim_error_set(err, SIM_EINPUT, p->file, p->line, p->column, p->path,
                                 "calibrate fits continuous keys with continuous priors (a %s)",
                                 p->whole ? "whole-number key" : uncertainty_family_name(p->family));
        if (cat->key_inert && cat->key_inert(c->ex->scenarios[0], p->path, why, sizeof why))
            return sim_error_set(err, SIM_EINPUT, p->file, p->line, p->column, p->path,
                                 "does nothing in the scenario (%s): the data cannot inform it", why);
    }
    return SIM_OK;
}

static int load(cal_config *c, const experiment_catalog *cat, const char *const *sets, int n_sets,
                yaml_document_t *doc, sim_error *err)
{
    static const char *const keys[] = {"scenario", "set", "seed", "uncertainty", "targets", "series", "abc", NULL};
    const char *file = c->file;
    yaml_node_t *root = yaml_document_get_root_node(doc);
    /* uncertainty.* dotted keys are the uncertainty reader's */
    for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < root->data.mapping.pairs.top; q++) {
        yaml_node_t *kn = yaml_document_get_node(doc, q->key);
        const char *k = yamlnode_text(kn);
        if (!strncmp(k, "uncertainty.", 12)) continue;
        int ok = 0;
        for (int i = 0; keys[i]; i++) ok |= !strcmp(k, keys[i]);
        if (!ok) {
            const char *near = scenario_nearest_word(k, keys, 7);
            return yamlnode_fail(err, file, kn, k,
                                 "unknown key%s%s%s (a calibration file has scenario, set, seed, "
                                 "uncertainty, targets, series and abc)",
                                 near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        }
    }
    const yaml_node_t *sn = map_get(doc, root, "scenario", NULL);
    if (!sn || sn->type != YAML_SCALAR_NODE || !yamlnode_text(sn)[0])
        return yamlnode_fail(err, file, sn ? sn : root, "scenario", "expected the path of the base scenario file");
    int rc = load_scenario(c, cat, sets, n_sets, doc, sn, (yaml_node_t *)map_get(doc, root, "set", NULL), err);
    if (rc) return rc;
    const yaml_node_t *seed = map_get(doc, root, "seed", NULL);
    if (seed) {
        double d;
        int given = 0;
        for (int i = 0; i < n_sets; i++) given |= !strncmp(sets[i], "run.seed=", 9);
        if ((rc = node_number(file, seed, "seed", 0, 4294967295.0, &d, err))) return rc;
        if (d != floor(d)) return yamlnode_fail(err, file, seed, "seed", "expected a whole number");
        if (!given) c->ex->seed = (uint32_t)d;
    }
    rc = uncertainty_read(&c->ex->unc, doc, root, file, c->ex->scenarios[0], NULL, err);
    if (!rc) rc = check_priors(c, cat, root, err);
    if (!rc) rc = pipeline_batch_alloc(c->ex, &c->batch, err);
    if (rc) return rc;

    const yaml_node_t *tn = map_get(doc, root, "targets", NULL), *series = map_get(doc, root, "series", NULL);
    if (!series && (!tn || tn->type != YAML_SEQUENCE_NODE || tn->data.sequence.items.top == tn->data.sequence.items.start))
        return yamlnode_fail(err, file, tn ? tn : root, "targets", "expected a list of targets (or a series)");
    if (tn && tn->type != YAML_SEQUENCE_NODE)
        return yamlnode_fail(err, file, tn, "targets", "expected a list of targets");
    const int32_t levels = pipeline_batch_levels(c->batch);
    int cap = 0;
    for (yaml_node_item_t *it = tn ? tn->data.sequence.items.start : NULL; tn && it < tn->data.sequence.items.top;
         it++) {
        cal_target t;
        if ((rc = read_target(c, doc, yaml_document_get_node(doc, *it), &t, levels, err))) return rc;
        if ((rc = add_target(c, &cap, &t, err))) return rc;
    }
    if (series && (rc = read_series(c, doc, series, &cap, err))) return rc;
    /* the runs keep the breakdown by team only when a target needs it */
    for (int k = 0; k < c->n_targets; k++) c->ex->output.by_team |= c->targets[k].group == CAL_TEAM;
    const yaml_node_t *abc = map_get(doc, root, "abc", NULL);
    if (abc && (rc = read_abc(c, doc, abc, err))) return rc;
    return SIM_OK;
}

int calibrate_load(const char *path, const experiment_catalog *cat, const char *const *sets, int n_sets,
                   cal_config **out, sim_error *err)
{
    yaml_document_t doc;
    *out = NULL;
    int rc = scenario_yaml_load(path, &doc, err);
    if (rc) return rc;
    cal_config *c = calloc(1, sizeof *c);
    if (!c || !(c->file = strdup(path))) {
        free(c);
        yaml_document_delete(&doc);
        return oom(err, path);
    }
    c->particles = 200;
    c->quantile = 0.5;
    c->final_tolerance = 1.0;
    c->min_acceptance = 0.02;
    c->max_runs = 20000;
    c->max_generations = 20;
    rc = load(c, cat, sets, n_sets, &doc, err);
    yaml_document_delete(&doc);
    if (rc) {
        calibrate_free(c);
        return rc;
    }
    *out = c;
    return SIM_OK;
}

void calibrate_free(cal_config *c)
{
    if (!c) return;
    pipeline_batch_free(c->batch);
    experiment_free(c->ex);
    free(c->targets);
    free(c->scenario_file);
    free(c->file);
    free(c);
}

/* ---- simulation ----------------------------------------------------------------------------- */

/* The curves of the fit file: the distinct (observable, group) of the targets. */
typedef struct curve {
    int observable;
    cal_group group;
    int group_index;
    char label[96];
} curve;

/* What a batch's sink fills. */
typedef struct batch_out {
    const cal_config *c;
    double *stats;            /* [i * K + k]: target k's simulated value in run i */
    const curve *curves;      /* NULL: no curves */
    int n_curves;
    double *curve_values;     /* [(i * C + j) * T + t] */
} batch_out;

static double series_value(const engine_series *s, int obs, cal_group g, int gi, int32_t t)
{
    if (g == CAL_GENERATION)
        return s->by_generation[(size_t)obs * s->gen_stride + (size_t)t * NET_GENERATIONS + (size_t)gi];
    if (g == CAL_LEVEL) return s->by_level[(size_t)obs * s->lev_stride + (size_t)t * (size_t)s->n_levels + (size_t)gi];
    if (g == CAL_TEAM) return s->by_team[(size_t)obs * s->team_stride + (size_t)t * (size_t)s->n_teams + (size_t)gi];
    return s->data[(size_t)obs * s->stride + (size_t)t];
}

static void sink(long long i, const engine_series *s, void *arg)
{
    batch_out *b = arg;
    const cal_config *c = b->c;
    for (int k = 0; k < c->n_targets; k++) {
        const cal_target *t = &c->targets[k];
        double sum = 0;
        for (int32_t d = t->first; d <= t->last; d++) sum += series_value(s, t->observable, t->group, t->group_index, d);
        b->stats[(size_t)i * (size_t)c->n_targets + (size_t)k] = sum / (double)(t->last - t->first + 1);
    }
    const size_t T = (size_t)c->ex->days + 1;
    for (int j = 0; b->curves && j < b->n_curves; j++)
        for (size_t d = 0; d < T; d++)
            b->curve_values[((size_t)i * (size_t)b->n_curves + (size_t)j) * T + d] =
                series_value(s, b->curves[j].observable, b->curves[j].group, b->curves[j].group_index, (int32_t)d);
}

static double distance_of(const cal_config *c, const double *stats)
{
    double sum = 0;
    for (int k = 0; k < c->n_targets; k++) {
        double z = (stats[k] - c->targets[k].value) / c->targets[k].scale;
        sum += z * z;
    }
    return sqrt(sum);
}

/* ---- weighted statistics ------------------------------------------------------------------ */

typedef struct ranked {
    double v, w;
} ranked;

static int by_value(const void *a, const void *b)
{
    double x = ((const ranked *)a)->v, y = ((const ranked *)b)->v;
    return (x > y) - (x < y);
}

/* The q quantile of values v[i * stride] weighted w[i] (w NULL: equal), n
 * of them; scratch holds n ranked. */
static double weighted_quantile(const double *v, size_t stride, const double *w, int n, double q, ranked *scratch)
{
    double total = 0;
    for (int i = 0; i < n; i++) {
        scratch[i].v = v[(size_t)i * stride];
        scratch[i].w = w ? w[i] : 1.0;
        total += scratch[i].w;
    }
    qsort(scratch, (size_t)n, sizeof *scratch, by_value);
    double cum = 0;
    for (int i = 0; i < n; i++) {
        cum += scratch[i].w;
        if (cum >= q * total) return scratch[i].v;
    }
    return scratch[n - 1].v;
}

/* ---- the ABC-SMC loop --------------------------------------------------------------------- */

/* One generation's population. */
typedef struct population {
    double *theta;   /* [i * P + j] */
    double *w;       /* [i], normalised */
    double *d;       /* [i] */
    double eps, acceptance;
    long long runs;  /* simulations used up to and including this generation */
} population;

typedef struct smc {
    const cal_config *c;
    int N, P, K;
    gsl_rng *rng;
    uint32_t next_key;        /* random key of the next simulation: (seed, next_key) */
    population *gen;          /* the generations kept */
    int n_gen, cap_gen;
    gsl_matrix *L;            /* Cholesky factor of the kernel's covariance (lower) */
    gsl_vector *z;
} smc;

static void population_free(population *p)
{
    free(p->theta);
    free(p->w);
    free(p->d);
}

static int prior_log(const smc *s, const double *theta, double *out)
{
    double sum = 0;
    for (int j = 0; j < s->P; j++) {
        double l = uncertainty_log_density(&s->c->ex->unc.p[j], theta[j]);
        if (!isfinite(l)) return 0;
        sum += l;
    }
    *out = sum;
    return 1;
}

/* The kernel from population p: L with L L^T = 2 x the weighted covariance
 * (plus a ridge of 1e-12 of each diagonal term, for rounding). */
static int kernel_make(smc *s, const population *p, sim_error *err)
{
    const int P = s->P, N = s->N;
    double mean[UNCERTAINTY_MAX_PARAMS];
    for (int j = 0; j < P; j++) {
        mean[j] = 0;
        for (int i = 0; i < N; i++) mean[j] += p->w[i] * p->theta[(size_t)i * P + j];
    }
    for (int a = 0; a < P; a++)
        for (int b = 0; b <= a; b++) {
            double cov = 0;
            for (int i = 0; i < N; i++)
                cov += p->w[i] * (p->theta[(size_t)i * P + a] - mean[a]) * (p->theta[(size_t)i * P + b] - mean[b]);
            gsl_matrix_set(s->L, (size_t)a, (size_t)b, 2 * cov);
            gsl_matrix_set(s->L, (size_t)b, (size_t)a, 2 * cov);
        }
    for (int j = 0; j < P; j++) {
        double v = gsl_matrix_get(s->L, (size_t)j, (size_t)j);
        gsl_matrix_set(s->L, (size_t)j, (size_t)j, v + 1e-12 * (v + mean[j] * mean[j]) + 1e-24);
    }
    if (gsl_linalg_cholesky_decomp1(s->L) != GSL_SUCCESS)
        return sim_error_set(err, SIM_EINTERNAL, s->c->file, 0, 0, NULL,
                             "the particles' covariance is not positive definite");
    return SIM_OK;
}

/* log K(x | y) up to a constant: -|L^-1 (x - y)|^2 / 2. */
static double kernel_log(const smc *s, const double *x, const double *y)
{
    for (int j = 0; j < s->P; j++) gsl_vector_set(s->z, (size_t)j, x[j] - y[j]);
    gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, s->L, s->z);
    double q = 0;
    for (int j = 0; j < s->P; j++) q += gsl_vector_get(s->z, (size_t)j) * gsl_vector_get(s->z, (size_t)j);
    return -0.5 * q;
}

/* Proposal q of generation t from population p into theta: a particle by
 * weight, moved by the kernel, redrawn until inside the priors' support. */
static int propose(smc *s, const population *p, int t, long long q, double *theta, sim_error *err)
{
    rng_gsl_stream(s->rng, rng_key_make(s->c->ex->seed, (uint32_t)t), (uint32_t)q, (uint32_t)(q >> 32),
                   RNG_PURPOSE_CALIBRATE);
    for (int tries = 0; tries < MAX_PROPOSAL_TRIES; tries++) {
        double u = gsl_rng_uniform(s->rng), cum = 0;
        int a = s->N - 1;
        for (int i = 0; i < s->N; i++) {
            cum += p->w[i];
            if (u < cum) {
                a = i;
                break;
            }
        }
        for (int j = 0; j < s->P; j++) gsl_vector_set(s->z, (size_t)j, gsl_ran_gaussian_ziggurat(s->rng, 1.0));
        gsl_blas_dtrmv(CblasLower, CblasNoTrans, CblasNonUnit, s->L, s->z);
        for (int j = 0; j < s->P; j++) theta[j] = p->theta[(size_t)a * s->P + j] + gsl_vector_get(s->z, (size_t)j);
        double lp;
        if (prior_log(s, theta, &lp)) return SIM_OK;
    }
    return sim_error_set(err, SIM_EINTERNAL, s->c->file, 0, 0, NULL,
                         "no proposal inside the priors' support after %d tries (generation %d)",
                         MAX_PROPOSAL_TRIES, t);
}

/* Simulate n parameter rows; stats[i * K ..] get the targets' values. */
static int simulate(smc *s, const double *theta, long long n, double *stats, const curve *curves, int n_curves,
                    double *curve_values, sim_error *err)
{
    batch_out b = {s->c, stats, curves, n_curves, curve_values};
    int rc = pipeline_batch_run(s->c->batch, theta, n, s->next_key, sink, &b, err);
    s->next_key += (uint32_t)n;
    return rc;
}

static int population_alloc(population *p, int N, int P)
{
    memset(p, 0, sizeof *p);
    p->theta = malloc((size_t)N * (size_t)P * sizeof *p->theta);
    p->w = malloc((size_t)N * sizeof *p->w);
    p->d = malloc((size_t)N * sizeof *p->d);
    return p->theta && p->w && p->d;
}

static int keep_generation(smc *s, population *p, sim_error *err)
{
    if (s->n_gen == s->cap_gen) {
        int cap = s->cap_gen ? 2 * s->cap_gen : 8;
        population *g = realloc(s->gen, (size_t)cap * sizeof *g);
        if (!g) return oom(err, s->c->file);
        s->gen = g;
        s->cap_gen = cap;
    }
    s->gen[s->n_gen++] = *p;
    memset(p, 0, sizeof *p);
    return SIM_OK;
}

/* Generation 0: N draws from the priors, all accepted. */
static int generation_zero(smc *s, sim_error *err)
{
    const int N = s->N, P = s->P, K = s->K;
    population p;
    double *stats = malloc((size_t)N * (size_t)K * sizeof *stats);
    int rc = population_alloc(&p, N, P) && stats ? SIM_OK : oom(err, s->c->file);
    for (int i = 0; !rc && i < N; i++)
        uncertainty_draw(&s->c->ex->unc, s->rng, s->c->ex->seed, (uint32_t)i, p.theta + (size_t)i * P);
    if (!rc) rc = simulate(s, p.theta, N, stats, NULL, 0, NULL, err);
    for (int i = 0; !rc && i < N; i++) {
        p.d[i] = distance_of(s->c, stats + (size_t)i * K);
        p.w[i] = 1.0 / N;
    }
    p.eps = INFINITY;
    p.acceptance = 1;
    p.runs = N;
    if (!rc) rc = keep_generation(s, &p, err);
    population_free(&p);
    free(stats);
    return rc;
}

/* Generation t with tolerance eps from the last kept one.  *complete is 0
 * when the budget ran out first (nothing is kept then). */
static int generation_next(smc *s, int t, double eps, int *complete, sim_error *err)
{
    const cal_config *c = s->c;
    const int N = s->N, P = s->P, K = s->K;
    const population *prev = &s->gen[s->n_gen - 1];
    const long long max_batch = (long long)MAX_BATCH_FACTOR * N;
    population p;
    double *theta = NULL, *stats = NULL;
    double rate = t == 1 ? c->quantile : prev->acceptance;
    if (rate < MIN_RATE) rate = MIN_RATE;
    long long simulated = 0, accepted = 0, q = 0, used = prev->runs;
    int rc = population_alloc(&p, N, P) ? SIM_OK : oom(err, c->file);
    *complete = 0;
    if (!rc) rc = kernel_make(s, prev, err);
    while (!rc && accepted < N) {
        long long B = (long long)ceil((double)(N - accepted) / rate * 1.1);
        if (B > max_batch) B = max_batch;
        if (B > c->max_runs - used) B = c->max_runs - used;
        if (B <= 0) break; /* the budget is spent */
        free(theta);
        free(stats);
        theta = malloc((size_t)B * (size_t)P * sizeof *theta);
        stats = malloc((size_t)B * (size_t)K * sizeof *stats);
        if (!theta || !stats) {
            rc = oom(err, c->file);
            break;
        }
        for (long long i = 0; !rc && i < B; i++) rc = propose(s, prev, t, q + i, theta + (size_t)i * P, err);
        if (!rc) rc = simulate(s, theta, B, stats, NULL, 0, NULL, err);
        q += B;
        used += B;
        simulated += B;
        for (long long i = 0; !rc && i < B; i++) {
            double d = distance_of(c, stats + (size_t)i * K);
            if (d > eps) continue;
            if (accepted < N) {
                memcpy(p.theta + (size_t)accepted * P, theta + (size_t)i * P, (size_t)P * sizeof *theta);
                p.d[accepted] = d;
            }
            accepted++;
        }
        if (simulated > 0 && accepted > 0) rate = (double)accepted / (double)simulated;
        if (rate < MIN_RATE) rate = MIN_RATE;
    }
    if (!rc && accepted >= N) {
        /* importance weights: prior over the mixture of kernels around the
         * previous particles (log-sum-exp, fixed order) */
        double *lw = malloc((size_t)N * sizeof *lw), *terms = malloc((size_t)N * sizeof *terms);
        if (!lw || !terms) rc = oom(err, c->file);
        for (int i = 0; !rc && i < N; i++) {
            double lp = 0, top = -INFINITY, sum = 0;
            prior_log(s, p.theta + (size_t)i * P, &lp);
            for (int j = 0; j < N; j++) {
                terms[j] = log(prev->w[j]) + kernel_log(s, p.theta + (size_t)i * P, prev->theta + (size_t)j * P);
                if (terms[j] > top) top = terms[j];
            }
            for (int j = 0; j < N; j++) sum += exp(terms[j] - top);
            lw[i] = lp - (top + log(sum));
        }
        double top = -INFINITY, total = 0;
        for (int i = 0; !rc && i < N; i++)
            if (lw[i] > top) top = lw[i];
        for (int i = 0; !rc && i < N; i++) total += (p.w[i] = exp(lw[i] - top));
        for (int i = 0; !rc && i < N; i++) p.w[i] /= total;
        free(lw);
        free(terms);
        p.eps = eps;
        p.acceptance = (double)accepted / (double)simulated;
        p.runs = used;
        if (!rc) rc = keep_generation(s, &p, err);
        if (!rc) *complete = 1;
    }
    s->next_key = (uint32_t)used; /* the same keys whatever the batches were */
    population_free(&p);
    free(theta);
    free(stats);
    return rc;
}

/* ---- the checkpoint: <FIT>.part ------------------------------------------------------------
 * After each generation the generations so far go to <FIT>.part (written
 * under <FIT>.part.tmp, synced, renamed): a header (magic, the definition's
 * hash, N, P, G), then per generation eps, acceptance, runs, theta, w, d, in
 * native byte order (the same machine resumes it).  --resume restores them
 * and goes on from the next generation: proposals depend on (seed,
 * generation, index) and simulation keys on the simulations used before,
 * so the fit equals an uninterrupted one.  The fit's publication removes it. */

#define PART_MAGIC 0x41424331u /* "ABC1" */

static void hash_bytes(uint64_t *h, const void *data, size_t len)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < len; i++) *h = (*h ^ b[i]) * 1099511628211ull;
}

/* What must not change for a resume: the resolved scenario, the priors,
 * the targets, the abc settings and the seed. */
static uint64_t definition_hash(const cal_config *c)
{
    uint64_t h = 14695981039346656037ull;
    hash_bytes(&h, c->ex->definition, strlen(c->ex->definition));
    for (int j = 0; j < c->ex->unc.n; j++) {
        hash_bytes(&h, c->ex->unc.p[j].path, strlen(c->ex->unc.p[j].path) + 1);
        hash_bytes(&h, c->ex->unc.p[j].text, strlen(c->ex->unc.p[j].text) + 1);
    }
    for (int k = 0; k < c->n_targets; k++) {
        const cal_target *t = &c->targets[k];
        hash_bytes(&h, t->label, strlen(t->label) + 1);
        hash_bytes(&h, &t->value, sizeof t->value);
        hash_bytes(&h, &t->scale, sizeof t->scale);
    }
    double abc[4] = {c->quantile, c->final_tolerance, c->min_acceptance, (double)c->max_runs};
    int32_t ints[3] = {c->particles, c->max_generations, (int32_t)c->ex->seed};
    hash_bytes(&h, abc, sizeof abc);
    hash_bytes(&h, ints, sizeof ints);
    return h;
}

static int part_write(const smc *s, const char *part, uint64_t hash, sim_error *err)
{
    char *tmp = journal_path_of(part, ".tmp");
    if (!tmp) return oom(err, part);
    FILE *f = fopen(tmp, "wb");
    int ok = f != NULL;
    uint32_t head[4] = {PART_MAGIC, (uint32_t)s->N, (uint32_t)s->P, (uint32_t)s->n_gen};
    if (ok) ok = fwrite(head, sizeof head, 1, f) == 1 && fwrite(&hash, sizeof hash, 1, f) == 1;
    for (int g = 0; ok && g < s->n_gen; g++) {
        const population *p = &s->gen[g];
        double meta[2] = {p->eps, p->acceptance};
        int64_t runs = p->runs;
        ok = fwrite(meta, sizeof meta, 1, f) == 1 && fwrite(&runs, sizeof runs, 1, f) == 1 &&
             fwrite(p->theta, sizeof *p->theta, (size_t)s->N * s->P, f) == (size_t)s->N * s->P &&
             fwrite(p->w, sizeof *p->w, (size_t)s->N, f) == (size_t)s->N &&
             fwrite(p->d, sizeof *p->d, (size_t)s->N, f) == (size_t)s->N;
    }
    if (ok) ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (f && fclose(f) != 0) ok = 0;
    if (ok) ok = rename(tmp, part) == 0;
    int rc = ok ? SIM_OK : sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: %s", part, strerror(errno));
    if (!ok) unlink(tmp);
    free(tmp);
    return rc;
}

/* Restore the generations of part into s. */
static int part_read(smc *s, const char *part, uint64_t hash, sim_error *err)
{
    FILE *f = fopen(part, "rb");
    if (!f) return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot read %s: %s", part, strerror(errno));
    uint32_t head[4];
    uint64_t h = 0;
    int rc = SIM_OK;
    if (fread(head, sizeof head, 1, f) != 1 || fread(&h, sizeof h, 1, f) != 1 || head[0] != PART_MAGIC ||
        head[1] != (uint32_t)s->N || head[2] != (uint32_t)s->P || head[3] == 0 || head[3] > 100000)
        rc = sim_error_set(err, SIM_EINPUT, part, 0, 0, NULL, "not a checkpoint of this calibration: use --force");
    else if (h != hash)
        rc = sim_error_set(err, SIM_EINPUT, part, 0, 0, NULL, "was written by another calibration (the scenario, "
                           "priors, targets, abc settings or seed differ): use --force to start over");
    for (uint32_t g = 0; !rc && g < head[3]; g++) {
        population p;
        double meta[2];
        int64_t runs;
        if (!population_alloc(&p, s->N, s->P)) {
            population_free(&p);
            rc = oom(err, part);
            break;
        }
        if (fread(meta, sizeof meta, 1, f) != 1 || fread(&runs, sizeof runs, 1, f) != 1 ||
            fread(p.theta, sizeof *p.theta, (size_t)s->N * s->P, f) != (size_t)s->N * s->P ||
            fread(p.w, sizeof *p.w, (size_t)s->N, f) != (size_t)s->N ||
            fread(p.d, sizeof *p.d, (size_t)s->N, f) != (size_t)s->N) {
            population_free(&p);
            rc = sim_error_set(err, SIM_EINPUT, part, 0, 0, NULL, "truncated checkpoint: use --force");
            break;
        }
        p.eps = meta[0];
        p.acceptance = meta[1];
        p.runs = runs;
        rc = keep_generation(s, &p, err);
        population_free(&p);
    }
    fclose(f);
    if (!rc) s->next_key = (uint32_t)s->gen[s->n_gen - 1].runs;
    return rc;
}

/* ---- the fit file ---------------------------------------------------------------------------- */

static int n_curves_of(const cal_config *c, curve *out)
{
    int n = 0;
    for (int k = 0; k < c->n_targets; k++) {
        const cal_target *t = &c->targets[k];
        int seen = 0;
        for (int j = 0; j < n; j++)
            seen |= out[j].observable == t->observable && out[j].group == t->group &&
                    out[j].group_index == t->group_index;
        if (seen) continue;
        out[n].observable = t->observable;
        out[n].group = t->group;
        out[n].group_index = t->group_index;
        const char *name = c->ex->model->observables[t->observable].name;
        if (t->group == CAL_GENERATION)
            snprintf(out[n].label, sizeof out[n].label, "%s %s", name, network_generation_names[t->group_index]);
        else if (t->group == CAL_LEVEL)
            snprintf(out[n].label, sizeof out[n].label, "%s level %d", name, t->group_index);
        else if (t->group == CAL_TEAM)
            snprintf(out[n].label, sizeof out[n].label, "%s team %.60s", name,
                     pipeline_batch_network(c->batch)->team_names[t->group_index]);
        else
            snprintf(out[n].label, sizeof out[n].label, "%s", name);
        n++;
    }
    return n;
}

typedef struct fit_data {
    const smc *s;
    const double *predicted;     /* [N * K] */
    const curve *curves;
    int n_curves;
    const double *curve_mean;    /* [C * T] */
    const double *curve_q;       /* [C * 3 * T] */
    const char *stop;
    const calibrate_options *opt;
    long long total;             /* every simulation run, dropped generation and predictive included */
} fit_data;

static int write_fit(const fit_data *f, const char *tmp, sim_error *err)
{
    const smc *s = f->s;
    const cal_config *c = s->c;
    const int G = s->n_gen, N = s->N, P = s->P, K = s->K, C = f->n_curves;
    const size_t T = (size_t)c->ex->days + 1;
    enum { D_GEN, D_PART, D_PARAM, D_TARGET, D_CURVE, D_TIME, D_Q, N_DIMS };
    const char **params = malloc((size_t)P * sizeof *params), **priors = malloc((size_t)P * sizeof *priors);
    const char **targets = malloc((size_t)K * sizeof *targets), **curves = malloc((size_t)C * sizeof *curves);
    double *theta = malloc((size_t)G * N * P * sizeof *theta), *w = malloc((size_t)G * N * sizeof *w);
    double *d = malloc((size_t)G * N * sizeof *d), *eps = malloc((size_t)G * sizeof *eps);
    double *acc = malloc((size_t)G * sizeof *acc), *obs = malloc((size_t)K * sizeof *obs);
    double *scale = malloc((size_t)K * sizeof *scale);
    int64_t *runs = malloc((size_t)G * sizeof *runs);
    int32_t *first = malloc((size_t)K * sizeof *first), *last = malloc((size_t)K * sizeof *last);
    int32_t *days = malloc(T * sizeof *days);
    if (!params || !priors || !targets || !curves || !theta || !w || !d || !eps || !acc || !obs || !scale || !runs ||
        !first || !last || !days) {
        free(params), free(priors), free(targets), free(curves), free(theta), free(w), free(d), free(eps);
        free(acc), free(obs), free(scale), free(runs), free(first), free(last), free(days);
        return oom(err, f->opt->path);
    }
    for (int j = 0; j < P; j++) {
        params[j] = c->ex->unc.p[j].path;
        priors[j] = c->ex->unc.p[j].text;
    }
    for (int k = 0; k < K; k++) {
        targets[k] = c->targets[k].label;
        obs[k] = c->targets[k].value;
        scale[k] = c->targets[k].scale;
        first[k] = c->targets[k].first;
        last[k] = c->targets[k].last;
    }
    for (int j = 0; j < C; j++) curves[j] = f->curves[j].label;
    for (size_t t = 0; t < T; t++) days[t] = (int32_t)t;
    for (int g = 0; g < G; g++) {
        memcpy(theta + (size_t)g * N * P, s->gen[g].theta, (size_t)N * P * sizeof *theta);
        memcpy(w + (size_t)g * N, s->gen[g].w, (size_t)N * sizeof *w);
        memcpy(d + (size_t)g * N, s->gen[g].d, (size_t)N * sizeof *d);
        eps[g] = s->gen[g].eps;
        acc[g] = s->gen[g].acceptance;
        runs[g] = s->gen[g].runs;
    }
    static const int32_t qs[3] = {5, 50, 95};
    char time_units[48] = "days";
    if (c->ex->start_date[0]) snprintf(time_units, sizeof time_units, "days since %s", c->ex->start_date);
    out_dim dims[N_DIMS] = {
        {"generation", (size_t)G, "ABC-SMC generation", NULL, NULL, NULL},
        {"particle", (size_t)N, "particle", NULL, NULL, NULL},
        {"parameter", (size_t)P, "fitted key path", NULL, params, NULL},
        {"target", (size_t)K, "target", NULL, targets, NULL},
        {"curve", (size_t)C, "targeted observable and group", NULL, curves, NULL},
        {"time", T, "day of the run", time_units, NULL, days},
        {"quantile", 3, "quantile over the final particles", "percent", NULL, qs},
    };
    out_var vars[] = {
        {"particles", "accepted parameter values", NULL, OUT_F64, 3, {D_GEN, D_PART, D_PARAM}, theta, {0}, 0, NULL},
        {"weights", "normalised importance weight", "1", OUT_F64, 2, {D_GEN, D_PART}, w, {0}, 0, NULL},
        {"distances", "standardised distance to the targets", "1", OUT_F64, 2, {D_GEN, D_PART}, d, {0}, 0, NULL},
        {"tolerance", "tolerance epsilon of the generation", "1", OUT_F64, 1, {D_GEN}, eps, {0}, 0, NULL},
        {"acceptance_rate", "accepted / simulated proposals", "1", OUT_F64, 1, {D_GEN}, acc, {0}, 0, NULL},
        {"simulations", "simulations used up to the generation", NULL, OUT_INT64, 1, {D_GEN}, runs, {0}, 0, NULL},
        {"prior", "prior distribution", NULL, OUT_TEXT, 1, {D_PARAM}, priors, {0}, 0, NULL},
        {"target_observed", "observed value", NULL, OUT_F64, 1, {D_TARGET}, obs, {0}, 0, NULL},
        {"target_scale", "standard error or tolerance", NULL, OUT_F64, 1, {D_TARGET}, scale, {0}, 0, NULL},
        {"target_first_day", "first day compared", "day", OUT_INT32, 1, {D_TARGET}, first, {0}, 0, NULL},
        {"target_last_day", "last day compared", "day", OUT_INT32, 1, {D_TARGET}, last, {0}, 0, NULL},
        {"predicted", "posterior predictive value of the target (one new simulation per final particle)", NULL,
         OUT_F64, 2, {D_PART, D_TARGET}, f->predicted, {0}, 0, NULL},
        {"curve_mean", "posterior predictive mean (weighted over the final particles)", NULL, OUT_F64, 2,
         {D_CURVE, D_TIME}, f->curve_mean, {0}, 0, NULL},
        {"curve_quantiles", "posterior predictive quantiles (weighted over the final particles)", NULL, OUT_F64, 3,
         {D_CURVE, D_Q, D_TIME}, f->curve_q, {0}, 0, NULL},
    };
    out_attr attrs[] = {
        {"title", FIT_TITLE, 0, 0},
        {"adoptsim_version", ADOPTSIM_VERSION, 0, 0},
        {"calibration_file", c->file, 0, 0},
        {"scenario_file", c->scenario_file, 0, 0},
        {"model", c->ex->model->name, 0, 0},
        {"seed", NULL, (double)c->ex->seed, 1},
        {"particles_per_generation", NULL, N, 1},
        {"quantile", NULL, c->quantile, 0},
        {"final_tolerance", NULL, c->final_tolerance, 0},
        {"min_acceptance", NULL, c->min_acceptance, 0},
        {"max_runs", NULL, (double)c->max_runs, 1},
        {"max_generations", NULL, c->max_generations, 1},
        {"stop_reason", f->stop, 0, 0},
        {"simulations_total", NULL, (double)f->total, 1},
        {"distance", "sqrt(sum over targets of ((simulated - observed) / scale)^2); simulated: the observable in "
                     "its group at the day, or its mean over the window", 0, 0},
        {"method", "ABC-SMC (Beaumont et al. 2009): Gaussian kernel of twice the weighted covariance; tolerance "
                   "the quantile of the distances (Del Moral et al. 2012)", 0, 0},
        {"threads", NULL, f->opt->threads, 1},
        {"history", f->opt->command_line ? f->opt->command_line : "", 0, 0},
    };
    out_spec spec = {dims, N_DIMS, vars, (int)(sizeof vars / sizeof vars[0]), attrs,
                     (int)(sizeof attrs / sizeof attrs[0]), 0};
    out_file *of = NULL;
    int rc = output_create(tmp, f->opt->path, &spec, &of, err);
    if (!rc) rc = output_close(of, 1, err);
    free(params), free(priors), free(targets), free(curves), free(theta), free(w), free(d), free(eps);
    free(acc), free(obs), free(scale), free(runs), free(first), free(last), free(days);
    return rc;
}

/* The posterior predictive pass: each final particle once more. */
static int predictive(smc *s, const curve *curves, int C, double *predicted, double *curve_mean, double *curve_q,
                      sim_error *err)
{
    const population *p = &s->gen[s->n_gen - 1];
    const size_t T = (size_t)s->c->ex->days + 1;
    const int N = s->N;
    double *values = malloc((size_t)N * (size_t)C * T * sizeof *values);
    ranked *scratch = malloc((size_t)N * sizeof *scratch);
    int rc = values && scratch ? SIM_OK : oom(err, s->c->file);
    if (!rc) rc = simulate(s, p->theta, N, predicted, curves, C, values, err);
    static const double qs[3] = {0.05, 0.5, 0.95};
    for (int j = 0; !rc && j < C; j++)
        for (size_t t = 0; t < T; t++) {
            const double *col = values + (size_t)j * T + t;
            const size_t stride = (size_t)C * T;
            double m = 0;
            for (int i = 0; i < N; i++) m += p->w[i] * col[(size_t)i * stride];
            curve_mean[(size_t)j * T + t] = m;
            for (int q = 0; q < 3; q++)
                curve_q[((size_t)j * 3 + (size_t)q) * T + t] = weighted_quantile(col, stride, p->w, N, qs[q], scratch);
        }
    free(values);
    free(scratch);
    return rc;
}

static void say(const calibrate_options *opt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const calibrate_options *opt, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    if (!opt->progress) return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    opt->progress(line, opt->progress_arg);
}

int calibrate_run(const cal_config *c, const calibrate_options *opt, calibrate_summary *sum, sim_error *err)
{
    struct stat st;
    memset(sum, 0, sizeof *sum);
    int rc = output_check_target(opt->path, err);
    if (rc) return rc;
    int existed = lstat(opt->path, &st) == 0;
    if (existed && !opt->force)
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s exists; use --force to overwrite it",
                             opt->path);
    char *tmp = journal_path_of(opt->path, ".tmp"), *part = journal_path_of(opt->path, ".part");
    if (!tmp || !part) {
        free(tmp);
        free(part);
        return oom(err, opt->path);
    }
    const int resuming = lstat(part, &st) == 0 && opt->resume;
    if (lstat(part, &st) == 0 && !opt->resume && !opt->force) {
        free(tmp);
        free(part);
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                             "%s.part holds the generations of an interrupted calibration: --resume goes on from "
                             "them, --force starts over", opt->path);
    }
    if (!resuming) unlink(part);
    const uint64_t hash = definition_hash(c);
    const double t0 = engine_clock();
    smc s;
    memset(&s, 0, sizeof s);
    s.c = c;
    s.N = c->particles;
    s.P = c->ex->unc.n;
    s.K = c->n_targets;
    s.rng = rng_gsl_alloc();
    s.L = gsl_matrix_alloc((size_t)s.P, (size_t)s.P);
    s.z = gsl_vector_alloc((size_t)s.P);
    curve *curves = malloc((size_t)c->n_targets * sizeof *curves);
    if (!s.rng || !s.L || !s.z || !curves) rc = oom(err, c->file);
    const char *stop = "max_generations";
    if (!rc && resuming) {
        rc = part_read(&s, part, hash, err);
        if (!rc)
            say(opt, "resumed after generation %d (%lld simulations)", s.n_gen - 1, s.gen[s.n_gen - 1].runs);
    } else if (!rc) {
        rc = generation_zero(&s, err);
        if (!rc) rc = part_write(&s, part, hash, err);
        ranked *scratch = rc ? NULL : malloc((size_t)s.N * sizeof *scratch);
        if (!rc && !scratch) rc = oom(err, c->file);
        if (!rc)
            say(opt, "generation 0: %d draws from the priors, median distance %.4g, %lld simulations, %.1f s", s.N,
                weighted_quantile(s.gen[0].d, 1, NULL, s.N, 0.5, scratch), s.gen[0].runs, engine_clock() - t0);
        free(scratch);
    }
    for (int t = rc ? 0 : s.n_gen; !rc && t < c->max_generations; t++) {
        const population *prev = &s.gen[s.n_gen - 1];
        if (prev->eps <= c->final_tolerance) {
            stop = "final_tolerance";
            break;
        }
        if (t > 1 && prev->acceptance < c->min_acceptance) {
            stop = "min_acceptance";
            break;
        }
        ranked *scratch = malloc((size_t)s.N * sizeof *scratch);
        if (!scratch) {
            rc = oom(err, c->file);
            break;
        }
        double eps = weighted_quantile(prev->d, 1, NULL, s.N, c->quantile, scratch);
        free(scratch);
        if (eps > prev->eps) eps = prev->eps;
        if (eps < c->final_tolerance) eps = c->final_tolerance;
        int complete = 0;
        rc = generation_next(&s, t, eps, &complete, err);
        if (rc) break;
        if (!complete) {
            stop = "max_runs";
            say(opt, "generation %d: stopped: abc.max_runs (%lld) reached before %d particles were accepted", t,
                c->max_runs, s.N);
            break;
        }
        if ((rc = part_write(&s, part, hash, err))) break;
        const population *g = &s.gen[s.n_gen - 1];
        say(opt, "generation %d: tolerance %.4g, acceptance %.3g, %lld simulations, %.1f s", t, g->eps,
            g->acceptance, g->runs, engine_clock() - t0);
    }
    if (!rc && strcmp(stop, "max_runs")) {
        /* why the loop ended, from the last generation kept */
        const population *g = &s.gen[s.n_gen - 1];
        stop = g->eps <= c->final_tolerance ? "final_tolerance"
               : s.n_gen > 1 && g->acceptance < c->min_acceptance ? "min_acceptance"
                                                                 : "max_generations";
    }
    const int C = rc ? 0 : n_curves_of(c, curves);
    const size_t T = (size_t)c->ex->days + 1;
    double *predicted = NULL, *curve_mean = NULL, *curve_q = NULL;
    if (!rc) {
        predicted = malloc((size_t)s.N * (size_t)s.K * sizeof *predicted);
        curve_mean = malloc((size_t)C * T * sizeof *curve_mean);
        curve_q = malloc((size_t)C * 3 * T * sizeof *curve_q);
        if (!predicted || !curve_mean || !curve_q) rc = oom(err, c->file);
    }
    if (!rc) rc = predictive(&s, curves, C, predicted, curve_mean, curve_q, err);
    if (!rc) {
        fit_data f = {&s, predicted, curves, C, curve_mean, curve_q, stop, opt, (long long)s.next_key};
        rc = write_fit(&f, tmp, err);
    }
    if (!rc) rc = output_publish(tmp, opt->path, existed, err);
    if (rc) unlink(tmp);
    if (!rc) unlink(part);
    if (!rc) {
        const population *g = &s.gen[s.n_gen - 1];
        sum->generations = s.n_gen;
        sum->runs = (long long)s.next_key; /* a dropped generation's and the predictive ones too */
        sum->epsilon = g->eps;
        sum->acceptance = g->acceptance;
        snprintf(sum->stop, sizeof sum->stop, "%s", stop);
        sum->seconds = engine_clock() - t0;
    }
    for (int g = 0; g < s.n_gen; g++) population_free(&s.gen[g]);
    free(s.gen);
    if (s.rng) gsl_rng_free(s.rng);
    gsl_matrix_free(s.L);
    gsl_vector_free(s.z);
    free(curves);
    free(predicted);
    free(curve_mean);
    free(curve_q);
    free(tmp);
    free(part);
    return rc;
}

/* ---- reading a fit file: the report ------------------------------------------------------------ */

/* The root's string attribute name into buf ("" when missing or too long). */
static void text_attribute(hid_t f, const char *name, char *buf, size_t size)
{
    hsize_t dims;
    H5T_class_t cls;
    size_t len;
    buf[0] = '\0';
    if (f < 0 || H5LTfind_attribute(f, name) != 1 || H5LTget_attribute_info(f, "/", name, &dims, &cls, &len) < 0 ||
        cls != H5T_STRING || len >= size || H5LTget_attribute_string(f, "/", name, buf) < 0)
        buf[0] = '\0';
}

int calibrate_is_fit(const char *path)
{
    sim_error e;
    if (input_check(path, "fit file", INPUT_MAX_RESULTS, &e)) return 0;
    H5E_auto2_t fn;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &fn, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int is = 0;
    if (H5Fis_hdf5(path) > 0) {
        hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        char title[64] = "";
        text_attribute(f, "title", title, sizeof title);
        is = !strcmp(title, FIT_TITLE);
        if (f >= 0) H5Fclose(f);
    }
    H5Eset_auto2(H5E_DEFAULT, fn, data);
    return is;
}

/* A fit file read back. */
typedef struct fit_file {
    int G, N, P, K;
    char **params, **targets;
    double *theta, *w, *eps, *acc, *obs, *pred; /* the last generation's theta [N * P] and w [N] */
    int64_t *runs;
    char stop[64];
} fit_file;

static void fit_file_free(fit_file *f)
{
    for (int j = 0; f->params && j < f->P; j++) free(f->params[j]);
    for (int k = 0; f->targets && k < f->K; k++) free(f->targets[k]);
    free(f->params), free(f->targets), free(f->theta), free(f->w), free(f->eps), free(f->acc), free(f->obs);
    free(f->pred), free(f->runs);
}

static long long dim_size(hid_t file, const char *name)
{
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t sp = H5Dget_space(d);
    hsize_t n = 0;
    int ok = sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1 && H5Sget_simple_extent_dims(sp, &n, NULL) == 1;
    if (sp >= 0) H5Sclose(sp);
    H5Dclose(d);
    return ok ? (long long)n : -1;
}

static int read_strings(hid_t file, const char *name, int n, char ***out)
{
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT), t = H5Tcopy(H5T_C_S1);
    char **raw = calloc((size_t)n, sizeof *raw);
    char **own = calloc((size_t)n, sizeof *own);
    int ok = d >= 0 && t >= 0 && raw && own && H5Tset_size(t, H5T_VARIABLE) >= 0 && H5Tset_cset(t, H5T_CSET_UTF8) >= 0 &&
             H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0;
    for (int i = 0; ok && i < n; i++) ok = (own[i] = strdup(raw[i] ? raw[i] : "")) != NULL;
    for (int i = 0; raw && i < n; i++) H5free_memory(raw[i]);
    free(raw);
    if (t >= 0) H5Tclose(t);
    if (d >= 0) H5Dclose(d);
    if (!ok) {
        for (int i = 0; own && i < n; i++) free(own[i]);
        free(own);
        return 0;
    }
    *out = own;
    return 1;
}

static int fit_file_read(fit_file *f, const char *path, sim_error *err)
{
    memset(f, 0, sizeof *f);
    int rc = input_check(path, "fit file", INPUT_MAX_RESULTS, err);
    if (rc) return rc;
    H5E_auto2_t fn;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &fn, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    long long G = h >= 0 ? dim_size(h, "generation") : -1, N = h >= 0 ? dim_size(h, "particle") : -1;
    long long P = h >= 0 ? dim_size(h, "parameter") : -1, K = h >= 0 ? dim_size(h, "target") : -1;
    int ok = G > 0 && N > 0 && P > 0 && K > 0 && G < 100000 && N < 100000000 && P <= UNCERTAINTY_MAX_PARAMS &&
             K <= CAL_MAX_TARGETS;
    double *all_theta = NULL, *all_w = NULL;
    if (ok) {
        f->G = (int)G, f->N = (int)N, f->P = (int)P, f->K = (int)K;
        all_theta = malloc((size_t)(G * N * P) * sizeof *all_theta);
        all_w = malloc((size_t)(G * N) * sizeof *all_w);
        f->eps = malloc((size_t)G * sizeof *f->eps);
        f->acc = malloc((size_t)G * sizeof *f->acc);
        f->runs = malloc((size_t)G * sizeof *f->runs);
        f->obs = malloc((size_t)K * sizeof *f->obs);
        f->pred = malloc((size_t)(N * K) * sizeof *f->pred);
        ok = all_theta && all_w && f->eps && f->acc && f->runs && f->obs && f->pred &&
             H5LTread_dataset_double(h, "particles", all_theta) >= 0 &&
             H5LTread_dataset_double(h, "weights", all_w) >= 0 && H5LTread_dataset_double(h, "tolerance", f->eps) >= 0 &&
             H5LTread_dataset_double(h, "acceptance_rate", f->acc) >= 0 &&
             H5LTread_dataset(h, "simulations", H5T_NATIVE_INT64, f->runs) >= 0 &&
             H5LTread_dataset_double(h, "target_observed", f->obs) >= 0 &&
             H5LTread_dataset_double(h, "predicted", f->pred) >= 0 && read_strings(h, "parameter", f->P, &f->params) &&
             read_strings(h, "target", f->K, &f->targets);
    }
    if (ok) {
        f->theta = malloc((size_t)(N * P) * sizeof *f->theta);
        f->w = malloc((size_t)N * sizeof *f->w);
        ok = f->theta && f->w;
        if (ok) {
            memcpy(f->theta, all_theta + (size_t)((G - 1) * N * P), (size_t)(N * P) * sizeof *f->theta);
            memcpy(f->w, all_w + (size_t)((G - 1) * N), (size_t)N * sizeof *f->w);
        }
        text_attribute(h, "stop_reason", f->stop, sizeof f->stop);
    }
    free(all_theta);
    free(all_w);
    if (h >= 0) H5Fclose(h);
    H5Eset_auto2(H5E_DEFAULT, fn, data);
    if (!ok) {
        fit_file_free(f);
        return sim_error_set(err, SIM_EINPUT, path, 0, 0, NULL, "not a readable adoptsim fit file");
    }
    return SIM_OK;
}

int calibrate_posterior_read(const char *path, calibrate_posterior *out, sim_error *err)
{
    fit_file f;
    memset(out, 0, sizeof *out);
    int rc = fit_file_read(&f, path, err);
    if (rc) return rc;
    out->N = f.N;
    out->P = f.P;
    out->params = f.params;
    out->theta = f.theta;
    out->w = f.w;
    f.params = NULL;
    f.theta = NULL;
    f.w = NULL;
    fit_file_free(&f);
    return SIM_OK;
}

void calibrate_posterior_free(calibrate_posterior *p)
{
    for (int j = 0; p->params && j < p->P; j++) free(p->params[j]);
    free(p->params);
    free(p->theta);
    free(p->w);
    memset(p, 0, sizeof *p);
}

int calibrate_report(const char *path, FILE *out, sim_error *err)
{
    fit_file f;
    int rc = fit_file_read(&f, path, err);
    if (rc) return rc;
    const int N = f.N, P = f.P, K = f.K;
    ranked *scratch = malloc((size_t)N * sizeof *scratch);
    double *mean = malloc((size_t)P * sizeof *mean), *sd = malloc((size_t)P * sizeof *sd);
    if (!scratch || !mean || !sd) {
        free(scratch), free(mean), free(sd);
        fit_file_free(&f);
        return oom(err, path);
    }
    double ess_inv = 0;
    for (int i = 0; i < N; i++) ess_inv += f.w[i] * f.w[i];
    fprintf(out, "Calibration fit %s\n", path);
    fprintf(out, "  %d generation(s) of %d particles, %lld simulations up to the last generation kept; final tolerance "
                 "%.4g, acceptance %.3g; stopped on %s; effective sample size %.0f\n\n",
            f.G, N, (long long)f.runs[f.G - 1], f.eps[f.G - 1], f.acc[f.G - 1], f.stop, 1 / ess_inv);
    int width = 6;
    for (int k = 0; k < K; k++)
        if ((int)strlen(f.targets[k]) > width) width = (int)strlen(f.targets[k]);
    fprintf(out, "Fit (posterior predictive: one new simulation per final particle, weighted)\n");
    fprintf(out, "  %-*s %12s %12s %12s %12s  %s\n", width, "target", "observed", "mean", "5%", "95%", "covered");
    int covered = 0;
    for (int k = 0; k < K; k++) {
        double m = 0;
        for (int i = 0; i < N; i++) m += f.w[i] * f.pred[(size_t)i * K + k];
        double lo = weighted_quantile(f.pred + k, (size_t)K, f.w, N, 0.05, scratch);
        double hi = weighted_quantile(f.pred + k, (size_t)K, f.w, N, 0.95, scratch);
        int in = f.obs[k] >= lo && f.obs[k] <= hi;
        covered += in;
        fprintf(out, "  %-*s %12.5g %12.5g %12.5g %12.5g  %s\n", width, f.targets[k], f.obs[k], m, lo, hi,
                in ? "yes" : "NO");
    }
    fprintf(out, "  %d of %d observed values inside their 90%% band\n\n", covered, K);
    width = 9;
    for (int j = 0; j < P; j++)
        if ((int)strlen(f.params[j]) > width) width = (int)strlen(f.params[j]);
    fprintf(out, "Posterior (weighted over the final particles; 90%% credible interval)\n");
    fprintf(out, "  %-*s %12s %12s %12s %12s\n", width, "parameter", "mean", "sd", "5%", "95%");
    for (int j = 0; j < P; j++) {
        double m = 0, v = 0;
        for (int i = 0; i < N; i++) m += f.w[i] * f.theta[(size_t)i * P + j];
        for (int i = 0; i < N; i++) v += f.w[i] * (f.theta[(size_t)i * P + j] - m) * (f.theta[(size_t)i * P + j] - m);
        mean[j] = m;
        sd[j] = sqrt(v);
        fprintf(out, "  %-*s %12.5g %12.5g %12.5g %12.5g\n", width, f.params[j], m, sd[j],
                weighted_quantile(f.theta + j, (size_t)P, f.w, N, 0.05, scratch),
                weighted_quantile(f.theta + j, (size_t)P, f.w, N, 0.95, scratch));
    }
    if (P > 1) {
        fprintf(out, "\nPosterior correlations (* |r| > %.1f: the data hardly separate the pair)\n",
                CAL_CORRELATION_FLAG);
        for (int a = 0; a < P; a++) {
            fprintf(out, "  %-*s", width, f.params[a]);
            for (int b = 0; b < P; b++) {
                double cov = 0;
                for (int i = 0; i < N; i++)
                    cov += f.w[i] * (f.theta[(size_t)i * P + a] - mean[a]) * (f.theta[(size_t)i * P + b] - mean[b]);
                double r = sd[a] > 0 && sd[b] > 0 ? cov / (sd[a] * sd[b]) : NAN;
                fprintf(out, " %7.3f%s", r, a != b && fabs(r) > CAL_CORRELATION_FLAG ? "*" : " ");
            }
            fprintf(out, "   (%d)\n", a + 1);
        }
        int flagged = 0;
        for (int a = 0; a < P; a++)
            for (int b = a + 1; b < P; b++) {
                double cov = 0;
                for (int i = 0; i < N; i++)
                    cov += f.w[i] * (f.theta[(size_t)i * P + a] - mean[a]) * (f.theta[(size_t)i * P + b] - mean[b]);
                double r = sd[a] > 0 && sd[b] > 0 ? cov / (sd[a] * sd[b]) : 0;
                if (fabs(r) > CAL_CORRELATION_FLAG) {
                    if (!flagged++) fprintf(out, "\n");
                    fprintf(out, "  strongly correlated: %s and %s (r = %.3f): the targets cannot separate them\n",
                            f.params[a], f.params[b], r);
                }
            }
    }
    free(scratch), free(mean), free(sd);
    fit_file_free(&f);
    return ferror(out) ? sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot write the report") : SIM_OK;
}
