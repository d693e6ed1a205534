/* layoutfile.c: the layout of layout.h as an HDF5 file: its skeleton
 * (dimensions, coordinates, attributes, variables), the chunks of each run,
 * the completed flags; and an existing file read back run by run for
 * --resume. */
#include "layout.h"
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#define COMPLETED_CHUNK_BYTES (1 << 20)

enum { D_SCN, D_POINT, D_REP, D_TIME };

#define UNC_TEXT 1024                      /* bytes of text per uncertain key */
#define UNC_CHUNK ((size_t)1 << 16)        /* values per chunk of an uncertain key's variable */

struct layout_file {
    const layout *lay;
    out_file *out;
    out_spec spec;
    out_dim dims[10];
    out_var *vars;
    out_attr attrs[36];
    char *coords;          /* the swept and uncertain parameters (and draw), space separated */
    char *unc_names;       /* the uncertain parameters, space separated */
    out_attr *unc_attrs;   /* [2 j], [2 j + 1]: distribution and kept_by of uncertain key j */
    char *unc_text;        /* [j * UNC_TEXT]: long_name, then kept_by, of uncertain key j */
    int unc_var;           /* index of the first uncertain key's variable; the draw variable follows */
    double *param_values;  /* [j * P + p] */
    int32_t *org;          /* [5][N]: level, generation, team, manager, department */
    const char **team_name, **dept_name; /* [N]: each agent's team and department names
                                            (pointing into the network) */
    char host[256], created[32];
    char time_units[48];   /* "days", or "days since YYYY-MM-DD" with a start date */
    int completed_var;
};

static void file_free(layout_file *lf)
{
    if (!lf) return;
    free(lf->vars);
    free(lf->coords);
    free(lf->unc_names);
    free(lf->unc_attrs);
    free(lf->unc_text);
    free(lf->param_values);
    free(lf->org);
    free(lf->team_name);
    free(lf->dept_name);
    free(lf);
}

/* The chunk of the completed flags: the whole array, halving the leading
 * dimensions until it is at most COMPLETED_CHUNK_BYTES. */
static void completed_chunk(const layout *lay, size_t *chunk)
{
    size_t bytes = (size_t)lay->S * (size_t)lay->P * (size_t)lay->R;
    chunk[0] = (size_t)lay->S;
    chunk[1] = (size_t)lay->P;
    chunk[2] = (size_t)lay->R;
    for (int i = 0; i < 3 && bytes > COMPLETED_CHUNK_BYTES; i++)
        while (chunk[i] > 1 && bytes > COMPLETED_CHUNK_BYTES) {
            size_t half = (chunk[i] + 1) / 2;
            bytes = bytes / chunk[i] * half;
            chunk[i] = half;
        }
}

static const char *const org_names[5] = {"agent_level", "agent_generation", "agent_team", "agent_manager",
                                        "agent_department"};
static const char *const org_long[5] = {"level in the hierarchy (0 = chief officer)",
                                        "generation: 0 gen_z, 1 millennial, 2 gen_x, 3 boomer",
                                        "team number (agent_team_name: its name)",
                                        "manager's agent number (-1 for the chief officer)",
                                        "department number (agent_department_name: its name)"};

/* The values of the uncertain keys and the draw of each replicate, written
 * one variable at a time (R values of memory). */
static int write_draws(layout_file *lf, const experiment *ex, int has_draw, sim_error *err)
{
    const size_t R = (size_t)lf->lay->R;
    double *v = malloc(R * sizeof *v);
    int32_t *d = has_draw ? malloc(R * sizeof *d) : NULL;
    gsl_rng *g = rng_gsl_alloc();
    int rc = !v || (has_draw && !d) || !g ? sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory") : SIM_OK;
    for (int j = 0; !rc && j < ex->unc.n; j++) {
        for (size_t r = 0; r < R; r++) {
            /* the replicates of a draw share its value */
            uint32_t draw = experiment_draw_of(ex, (int32_t)r);
            if (r > 0 && draw == experiment_draw_of(ex, (int32_t)r - 1))
                v[r] = v[r - 1];
            else
                v[r] = uncertainty_value(&ex->unc.p[j], g, ex->seed, draw);
        }
        rc = output_write(lf->out, lf->unc_var + j, v);
        /* the distribution, and the scenarios that keep their own value */
        if (!rc) rc = output_put_var_attr(lf->out, lf->unc_var + j, &lf->unc_attrs[2 * j]);
        if (!rc && lf->unc_attrs[2 * j + 1].text[0])
            rc = output_put_var_attr(lf->out, lf->unc_var + j, &lf->unc_attrs[2 * j + 1]);
    }
    for (size_t r = 0; !rc && has_draw && r < R; r++) d[r] = (int32_t)experiment_draw_of(ex, (int32_t)r);
    if (!rc && has_draw) rc = output_write(lf->out, lf->unc_var + ex->unc.n, d);
    free(v);
    free(d);
    if (g) gsl_rng_free(g);
    return rc;
}

int layout_file_create(const layout *lay, const layout_meta *meta, const char *tmp, const char *path,
                       layout_file **out, sim_error *err)
{
    const experiment *ex = meta->ex;
    const sim_network *net = meta->net;
    const size_t P = (size_t)lay->P, N = (size_t)lay->n_agents;
    const int has_org = N && net && net->level && net->generation && net->team && net->manager;
    layout_file *lf = calloc(1, sizeof *lf);
    *out = NULL;
    if (!lf) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    lf->lay = lay;
    const int K = ex->unc.n, has_draw = K > 0 && ex->unc.per_draw > 1;
    size_t clen = 8, ulen = 1;
    for (int j = 0; j < ex->n_params; j++) clen += strlen(ex->params[j]) + 1;
    /* the names of each agent's team and department (network.h) */
    const int has_names = has_org && net->team_names && net->department && net->department_names;
    for (int j = 0; j < K; j++) ulen += strlen(ex->unc.p[j].path) + 1;
    lf->vars = calloc((size_t)lay->n_vars + 2 + (size_t)ex->n_params + 7 + 4 + (size_t)K + 1, sizeof *lf->vars);
    lf->coords = calloc(clen + ulen, 1);
    lf->unc_names = calloc(ulen, 1);
    lf->unc_attrs = calloc(2 * (size_t)K + 1, sizeof *lf->unc_attrs);
    lf->unc_text = calloc((size_t)K * 2 * UNC_TEXT + 1, 1);
    lf->param_values = malloc(P * (size_t)(ex->n_params ? ex->n_params : 1) * sizeof *lf->param_values);
    lf->org = has_org ? malloc(5 * N * sizeof *lf->org) : NULL;
    lf->team_name = has_names ? malloc(N * sizeof *lf->team_name) : NULL;
    lf->dept_name = has_names ? malloc(N * sizeof *lf->dept_name) : NULL;
    if (!lf->vars || !lf->coords || !lf->unc_names || !lf->unc_attrs || !lf->unc_text || !lf->param_values ||
        (has_org && !lf->org) || (has_names && (!lf->team_name || !lf->dept_name))) {
        file_free(lf);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (int j = 0; j < ex->n_params; j++) {
        if (j) strcat(lf->coords, " ");
        strcat(lf->coords, ex->params[j]);
        for (size_t p = 0; p < P; p++)
            lf->param_values[(size_t)j * P + p] = ex->points[p * (size_t)ex->n_params + (size_t)j];
    }
    /* the uncertain keys are coordinates over replicate */
    for (int j = 0; j < K; j++) {
        if (j) strcat(lf->unc_names, " ");
        strcat(lf->unc_names, ex->unc.p[j].path);
        if (lf->coords[0]) strcat(lf->coords, " ");
        strcat(lf->coords, ex->unc.p[j].path);
    }
    if (has_draw) strcat(lf->coords, " draw");
    const char *coords = lf->coords[0] ? lf->coords : NULL;

    /* dimensions */
    int nd = 0, d_gen = -1, d_lev = -1, d_team = -1, d_agent = -1;
    lf->dims[nd++] = (out_dim){"scenario", (size_t)lay->S, "what-if scenario", NULL, (const char *const *)ex->names,
                               NULL};
    lf->dims[nd++] = (out_dim){"point", P, "sweep point (index into the swept parameters' values)", NULL, NULL, NULL};
    lf->dims[nd++] = (out_dim){"replicate", (size_t)lay->R,
                               "replicate number (random stream, shared by every scenario and point)", NULL, NULL,
                               NULL};
    /* with run.start_date, CF units that readers (xarray) decode to dates */
    snprintf(lf->time_units, sizeof lf->time_units, "days%s%s", ex->start_date[0] ? " since " : "", ex->start_date);
    lf->dims[nd++] = (out_dim){"time", (size_t)lay->T, "day of the simulation (0 = initial state)", lf->time_units,
                               NULL, lay->days};
    if (lay->n_levels) {
        d_gen = nd;
        lf->dims[nd++] = (out_dim){"generation", NET_GENERATIONS, "generation", NULL, network_generation_names, NULL};
        d_lev = nd;
        lf->dims[nd++] = (out_dim){"level", (size_t)lay->n_levels, "level in the hierarchy (0 = chief officer)",
                                   NULL, NULL, NULL};
    }
    if (lay->n_teams) { /* the one network's teams (pipeline.c), named as target.teams names them */
        if (!net || !net->team_names || net->n_teams != lay->n_teams) {
            file_free(lf);
            return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, NULL, "the breakdown by team needs one network");
        }
        d_team = nd;
        lf->dims[nd++] = (out_dim){"team", (size_t)lay->n_teams,
                                   net->ids ? "team: the org chart's team label, else the manager's id"
                                            : "team: its number (1 + the manager's agent number; 0 the chief officer)",
                                   NULL, (const char *const *)net->team_names, NULL};
    }
    int d_param = -1;
    if (ex->unit) {
        d_param = nd;
        lf->dims[nd++] = (out_dim){"parameter", (size_t)ex->n_params, "swept key (the sweep's parameters)", NULL,
                                   (const char *const *)ex->params, NULL};
    }
    if (N) {
        d_agent = nd;
        lf->dims[nd++] = (out_dim){"agent", N, net->ids ? "agent id (from the org chart)" : "agent number", NULL,
                                   net->ids ? (const char *const *)net->ids : NULL, NULL};
    }

    /* variables: the per-run ones first, in plan order */
    int nv = 0;
    for (int i = 0; i < lay->n_vars; i++) {
        const layout_var *v = &lay->vars[i];
        out_var *o = &lf->vars[nv++];
        static const out_type out_types[] = {[LAYOUT_FLOAT64] = OUT_F64, [LAYOUT_INT32] = OUT_INT32,
                                             [LAYOUT_FLOAT32] = OUT_F32};
        *o = (out_var){v->name, v->long_name, v->units, out_types[v->type], 4,
                       {D_SCN, D_POINT, D_REP, D_TIME}, NULL, {1, 1, 1, (size_t)lay->T}, 1, coords};
        if (v->kind == LAYOUT_BY_GENERATION || v->kind == LAYOUT_BY_LEVEL) {
            o->ndims = 5;
            o->dims[4] = v->kind == LAYOUT_BY_GENERATION ? d_gen : d_lev;
            o->chunk[4] = v->kind == LAYOUT_BY_GENERATION ? NET_GENERATIONS : (size_t)lay->n_levels;
        } else if (v->kind == LAYOUT_BY_TEAM) {
            o->ndims = 5;
            o->dims[4] = d_team;
            o->chunk[4] = (size_t)lay->n_teams;
        } else if (v->kind == LAYOUT_AGENT) {
            o->dims[3] = d_agent;
            o->chunk[3] = N;
        }
    }
    lf->completed_var = nv;
    out_var *c = &lf->vars[nv++];
    *c = (out_var){"completed", "1 when the run is in the file, 0 when missing", "1", OUT_INT8, 3,
                   {D_SCN, D_POINT, D_REP}, NULL, {0}, 0, coords};
    completed_chunk(lay, c->chunk);
    for (int j = 0; j < ex->n_params; j++)
        lf->vars[nv++] = (out_var){ex->params[j], "swept parameter", NULL, OUT_F64, 1, {D_POINT},
                                   lf->param_values + (size_t)j * P, {0}, 0, NULL};
    if (ex->unit) {
        lf->vars[nv++] = (out_var){"sweep_unit", "the design in the unit cube, before the mapping onto each key's "
                                   "range (and rounding of whole-number keys)", "1", OUT_F64, 2, {D_POINT, d_param},
                                   ex->unit, {0}, 0, NULL};
        lf->vars[nv++] = (out_var){"sweep_min", "lower end of the swept key's range", NULL, OUT_F64, 1, {d_param},
                                   ex->range_min, {0}, 0, NULL};
        lf->vars[nv++] = (out_var){"sweep_max", "upper end of the swept key's range", NULL, OUT_F64, 1, {d_param},
                                   ex->range_max, {0}, 0, NULL};
        lf->vars[nv++] = (out_var){"sweep_log_scale", "1 when the range is mapped log-uniformly (scale: log)", "1",
                                   OUT_INT32, 1, {d_param}, ex->log_scale, {0}, 0, NULL};
    }
    lf->unc_var = nv;
    for (int j = 0; j < K; j++) {
        const unc_param *q = &ex->unc.p[j];
        const param_value *pv = scenario_find(ex->scenarios[0], q->path);
        char *long_name = lf->unc_text + (size_t)j * 2 * UNC_TEXT, *kept = long_name + UNC_TEXT;
        snprintf(long_name, UNC_TEXT, "%s%s%s%s: the value of the replicate's parameter draw", q->path,
                 pv && pv->def->unit[0] ? " (" : "", pv ? pv->def->unit : "", pv && pv->def->unit[0] ? ")" : "");
        size_t klen = 0;
        for (int sc = 0; ex->unc_fixed && sc < ex->n_scenarios && klen < UNC_TEXT - 70; sc++)
            if (ex->unc_fixed[(size_t)sc * (size_t)K + (size_t)j])
                klen += (size_t)snprintf(kept + klen, UNC_TEXT - klen, "%s%.64s", klen ? " " : "", ex->names[sc]);
        lf->unc_attrs[2 * j] = (out_attr){"distribution", q->text, 0, 0};
        lf->unc_attrs[2 * j + 1] = (out_attr){"kept_by", kept, 0, 0};
        size_t chunk = (size_t)lay->R < UNC_CHUNK ? (size_t)lay->R : UNC_CHUNK;
        /* no units: xarray would turn a key in days into time deltas (the unit is in long_name) */
        lf->vars[nv++] = (out_var){q->path, long_name, NULL, OUT_F64, 1, {D_REP}, NULL, {chunk}, 0, NULL};
    }
    if (has_draw) {
        size_t chunk = (size_t)lay->R < UNC_CHUNK ? (size_t)lay->R : UNC_CHUNK;
        lf->vars[nv++] = (out_var){"draw", "parameter draw of the replicate: replicates with the same draw share "
                                   "their parameter values", "1", OUT_INT32, 1, {D_REP}, NULL, {chunk}, 0, NULL};
    }
    for (int k = 0; has_org && k < 4 + has_names; k++) {
        int32_t *col = lf->org + (size_t)k * N;
        for (size_t i = 0; i < N; i++)
            col[i] = k == 0 ? net->level[i] : k == 1 ? net->generation[i] : k == 2 ? net->team[i]
                   : k == 3 ? net->manager[i] : net->department[i];
        lf->vars[nv++] = (out_var){org_names[k], org_long[k], "1", OUT_INT32, 1, {d_agent}, col, {0}, 0, NULL};
    }
    if (has_names) {
        for (size_t i = 0; i < N; i++) {
            lf->team_name[i] = net->team_names[net->team[i]];
            lf->dept_name[i] = net->department_names[net->department[i]];
        }
        lf->vars[nv++] = (out_var){"agent_team_name",
                                   net->ids ? "team: the org chart's team label, else the manager's id"
                                            : "team: its number",
                                   NULL, OUT_TEXT, 1, {d_agent}, lf->team_name, {0}, 0, NULL};
        lf->vars[nv++] = (out_var){"agent_department_name",
                                   net->ids ? "department: the org chart's department label, else the id of "
                                              "the level-1 head above (the chief officer's own)"
                                            : "department: the number of the level-1 head above (0: the chief "
                                              "officer's own)",
                                   NULL, OUT_TEXT, 1, {d_agent}, lf->dept_name, {0}, 0, NULL};
    }

    /* global attributes: provenance */
    time_t now = time(NULL);
    struct tm tm;
    strftime(lf->created, sizeof lf->created, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    gethostname(lf->host, sizeof lf->host - 1);
    int na = 0;
    out_attr *a = lf->attrs;
    a[na++] = (out_attr){"title", !strcmp(meta->command, "run") ? "adoptsim run" : "adoptsim experiment", 0, 0};
    a[na++] = (out_attr){"Conventions", "CF-1.8", 0, 0};
    a[na++] = (out_attr){"program", "adoptsim", 0, 0};
    a[na++] = (out_attr){"version", ADOPTSIM_VERSION, 0, 0};
    a[na++] = (out_attr){"command", meta->command, 0, 0};
    a[na++] = (out_attr){"model", lay->model->name, 0, 0};
    a[na++] = (out_attr){"experiment_file", ex->file, 0, 0};
    a[na++] = (out_attr){"baseline", ex->names[ex->baseline], 0, 0};
    a[na++] = (out_attr){"sweep_method", ex->method, 0, 0};
    if (!strcmp(ex->method, "saltelli")) {
        a[na++] = (out_attr){"sweep_points", NULL, (double)ex->sweep_points, 1};
        a[na++] = (out_attr){"sweep_design", "Saltelli: points 0..N-1 are A, N..2N-1 are B, (2+i)N..(3+i)N-1 are "
                             "AB_i (A with column i from B), N = sweep_points, i in parameter order", 0, 0};
    } else if (!strcmp(ex->method, "morris")) {
        a[na++] = (out_attr){"sweep_trajectories", NULL, ex->trajectories, 1};
        a[na++] = (out_attr){"sweep_levels", NULL, ex->levels, 1};
        a[na++] = (out_attr){"sweep_design", "Morris: trajectory t is points t(k+1)..t(k+1)+k; each point moves one "
                             "key by p/(2(p-1)) of the unit cube from the one before (sweep_unit)", 0, 0};
    } else if (ex->unit) {
        a[na++] = (out_attr){"sweep_points", NULL, (double)ex->sweep_points, 1};
    }
    a[na++] = (out_attr){"output_every", NULL, ex->output.every, 1};
    a[na++] = (out_attr){"seed", NULL, ex->seed, 1};
    a[na++] = (out_attr){"replicates", NULL, ex->replicates, 1};
    a[na++] = (out_attr){"days", NULL, ex->days, 1};
    a[na++] = (out_attr){"runs", NULL, (double)lay->S * (double)lay->P * (double)lay->R, 1};
    a[na++] = (out_attr){"compression", NULL, lay->compression, 1};
    if (net) {
        a[na++] = (out_attr){"network", net->kind, 0, 0};
        a[na++] = (out_attr){"agents", NULL, net->n, 1};
        a[na++] = (out_attr){"ties", NULL, (double)network_arcs(net) / 2.0, 1};
    }
    a[na++] = (out_attr){"threads", NULL, meta->threads, 1};
    a[na++] = (out_attr){"host", lf->host, 0, 0};
    a[na++] = (out_attr){"created", lf->created, 0, 0};
    a[na++] = (out_attr){"history", meta->command_line ? meta->command_line : "", 0, 0};
    if (K > 0) {
        a[na++] = (out_attr){"uncertain_parameters", lf->unc_names, 0, 0};
        a[na++] = (out_attr){"replicates_per_draw", NULL, ex->unc.per_draw, 1};
        a[na++] = (out_attr){"parameter_draws", NULL, ex->n_draws, 1};
    }
    a[na++] = (out_attr){"experiment", ex->definition, 0, 0};

    lf->spec = (out_spec){lf->dims, nd, lf->vars, nv, lf->attrs, na, lay->compression};
    int rc = output_create(tmp, path, &lf->spec, &lf->out, err);
    if (!rc && K > 0) rc = write_draws(lf, ex, has_draw, err);
    if (rc) {
        output_close(lf->out, 0, err);
        file_free(lf);
        return rc;
    }
    *out = lf;
    return SIM_OK;
}

int layout_file_put_run(layout_file *lf, long long run, const unsigned char *chunks, const uint32_t *lens)
{
    uint64_t off[5];
    size_t pos = 0;
    for (int v = 0; v < lf->lay->n_vars; v++) {
        layout_chunk_offset(lf->lay, v, run, off);
        int rc = output_write_chunk(lf->out, v, off, chunks + pos, lens[v]);
        if (rc) return rc;
        pos += lens[v];
    }
    return SIM_OK;
}

int layout_file_close(layout_file *lf, const int8_t *completed, int keep, sim_error *err)
{
    if (!lf) return SIM_OK;
    int rc = keep ? output_write(lf->out, lf->completed_var, completed) : SIM_OK;
    int closed = output_close(lf->out, keep && rc == SIM_OK, err);
    file_free(lf);
    return rc ? rc : closed;
}

/* ---- reading a file back (--resume) ----------------------------------------------------- */

struct layout_source {
    const layout *lay;
    const char *path;
    hid_t file;
    hid_t *ds;          /* [n_vars] */
    int8_t *completed;  /* [runs] */
    H5E_auto2_t old_func;
    void *old_data;
};

void layout_source_close(layout_source *src)
{
    if (!src) return;
    for (int v = 0; src->ds && v < src->lay->n_vars; v++)
        if (src->ds[v] >= 0) H5Dclose(src->ds[v]);
    if (src->file >= 0) H5Fclose(src->file);
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, src->old_func, src->old_data);
    free(src->ds);
    free(src->completed);
    free(src);
}

static int not_resumable(layout_source *src, sim_error *err, const char *why, const char *name)
{
    return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                         "cannot resume %s: %s%s%s; use --force to start over", src->path, why, name ? " " : "",
                         name ? name : "");
}

/* The root group's fixed-length text attribute name (malloc'd), or NULL. */
static char *read_text_attr(hid_t file, const char *name)
{
    if (H5Aexists(file, name) <= 0) return NULL;
    hid_t attr = H5Aopen(file, name, H5P_DEFAULT), type = attr >= 0 ? H5Aget_type(attr) : -1;
    char *text = NULL;
    if (type >= 0 && H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) == 0) {
        size_t size = H5Tget_size(type);
        text = calloc(size + 1, 1);
        if (text && H5Aread(attr, type, text) < 0) {
            free(text);
            text = NULL;
        }
    }
    if (type >= 0) H5Tclose(type);
    if (attr >= 0) H5Aclose(attr);
    return text;
}

/* Dataset v of src has the plan's shape, type, chunk and filters. */
static int same_var(const layout *lay, int v, hid_t ds)
{
    const layout_var *lv = &lay->vars[v];
    uint64_t want[5] = {(uint64_t)lay->S, (uint64_t)lay->P, (uint64_t)lay->R,
                        lv->kind == LAYOUT_AGENT ? (uint64_t)lay->n_agents : (uint64_t)lay->T,
                        lv->kind == LAYOUT_BY_GENERATION ? NET_GENERATIONS
                        : lv->kind == LAYOUT_BY_TEAM   ? (uint64_t)lay->n_teams
                                                       : (uint64_t)lay->n_levels};
    int rank = lv->kind == LAYOUT_BY_GENERATION || lv->kind == LAYOUT_BY_LEVEL || lv->kind == LAYOUT_BY_TEAM ? 5 : 4;
    hsize_t dims[8], chunk[8];
    hid_t space = H5Dget_space(ds), type = H5Dget_type(ds), dcpl = H5Dget_create_plist(ds);
    int ok = space >= 0 && type >= 0 && dcpl >= 0 && H5Sget_simple_extent_ndims(space) == rank &&
             H5Sget_simple_extent_dims(space, dims, NULL) == rank && H5Pget_layout(dcpl) == H5D_CHUNKED &&
             H5Pget_chunk(dcpl, 8, chunk) == rank &&
             H5Tget_class(type) == (lv->type == LAYOUT_INT32 ? H5T_INTEGER : H5T_FLOAT) &&
             H5Tget_size(type) == lv->width &&
             H5Pget_nfilters(dcpl) == (lay->compression > 0 ? 2 : 0);
    for (int k = 0; ok && k < rank; k++)
        ok = dims[k] == want[k] && chunk[k] == (k < 3 ? 1 : want[k]);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    return ok;
}

int layout_source_open(const layout *lay, const char *path, const char *definition, layout_source **out,
                       sim_error *err)
{
    layout_source *src = calloc(1, sizeof *src);
    *out = NULL;
    if (!src) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    const size_t runs = (size_t)lay->S * (size_t)lay->P * (size_t)lay->R;
    src->lay = lay;
    src->path = path;
    src->file = -1;
    H5Eget_auto2(H5E_DEFAULT, &src->old_func, &src->old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    src->ds = malloc((size_t)lay->n_vars * sizeof *src->ds);
    src->completed = malloc(runs);
    int rc = SIM_OK;
    if (!src->ds || !src->completed) rc = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (int v = 0; src->ds && v < lay->n_vars; v++) src->ds[v] = -1;
    if (!rc && (H5Fis_hdf5(path) <= 0 || (src->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0))
        rc = not_resumable(src, err, "it is not an HDF5 file", NULL);
    char *def = rc ? NULL : read_text_attr(src->file, "experiment");
    if (!rc && !def) rc = not_resumable(src, err, "it is not an adoptsim results file", NULL);
    if (!rc && strcmp(def, definition)) {
        char a[96], b[96];
        int line = experiment_diff_line(def, definition, a, b, sizeof a);
        rc = sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                           "cannot resume %s: it was written by a different experiment definition (resolved "
                           "definitions first differ at line %d: \"%s\" in the file, \"%s\" now); use --force to "
                           "start over", path, line, a, b);
    }
    free(def);
    for (int v = 0; !rc && v < lay->n_vars; v++) {
        const char *name = lay->vars[v].name;
        if (H5Lexists(src->file, name, H5P_DEFAULT) <= 0 || (src->ds[v] = H5Dopen2(src->file, name, H5P_DEFAULT)) < 0)
            rc = not_resumable(src, err, "it lacks the variable", name);
        else if (!same_var(lay, v, src->ds[v]))
            rc = not_resumable(src, err, "another version of adoptsim stored the variable", name);
    }
    if (!rc) {
        hid_t ds = H5Lexists(src->file, "completed", H5P_DEFAULT) > 0 ? H5Dopen2(src->file, "completed", H5P_DEFAULT)
                                                                      : -1;
        hid_t space = ds >= 0 ? H5Dget_space(ds) : -1;
        hsize_t dims[3] = {0, 0, 0};
        if (space < 0 || H5Sget_simple_extent_ndims(space) != 3 || H5Sget_simple_extent_dims(space, dims, NULL) != 3 ||
            dims[0] != (hsize_t)lay->S || dims[1] != (hsize_t)lay->P || dims[2] != (hsize_t)lay->R ||
            H5Dread(ds, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, src->completed) < 0)
            rc = not_resumable(src, err, "its completed flags cannot be read", NULL);
        if (space >= 0) H5Sclose(space);
        if (ds >= 0) H5Dclose(ds);
    }
    if (rc) {
        layout_source_close(src);
        return rc;
    }
    *out = src;
    return SIM_OK;
}

int layout_source_has(const layout_source *src, long long run)
{
    return src->completed[run] == 1;
}

int layout_source_run(layout_source *src, long long run, unsigned char *out, uint32_t *lens, size_t *used,
                      sim_error *err)
{
    const layout *lay = src->lay;
    size_t pos = 0;
    for (int v = 0; v < lay->n_vars; v++) {
        uint64_t o[5];
        hsize_t off[5], size = 0;
        uint32_t mask = 0;
        int rank = layout_chunk_offset(lay, v, run, o);
        for (int k = 0; k < rank; k++) off[k] = o[k];
        if (H5Dget_chunk_storage_size(src->ds[v], off, &size) < 0 || size == 0 || size > lay->vars[v].bound ||
            H5Dread_chunk(src->ds[v], H5P_DEFAULT, off, &mask, out + pos) < 0 || mask != 0)
            return not_resumable(src, err, "a completed run lacks its data in", lay->vars[v].name);
        lens[v] = (uint32_t)size;
        pos += size;
    }
    *used = pos;
    return SIM_OK;
}
