/* resultfile.c: reads and checks a results file (see resultfile.h) with the
 * HDF5 C API. */
#include "resultfile.h"
#include "input.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "layout.h"

#define MAX_RANK 8

static int not_ours(result_file *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int not_ours(result_file *f, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return sim_error_set(f->err, SIM_EINPUT, NULL, 0, 0, NULL, "%s is not an adoptsim results file: %s", f->path,
                         what);
}

static int no_memory(sim_error *err)
{
    return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

/* The text attribute name of obj (fixed or variable length) into buf; 1 if found. */
static int attr_text(hid_t obj, const char *name, char *buf, size_t size)
{
    int ok = 0;
    buf[0] = '\0';
    if (H5Aexists(obj, name) <= 0) return 0;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0) return 0;
    hid_t type = H5Aget_type(attr), space = H5Aget_space(attr);
    if (type >= 0 && space >= 0 && H5Tget_class(type) == H5T_STRING &&
        H5Sget_simple_extent_type(space) == H5S_SCALAR) {
        if (H5Tis_variable_str(type) > 0) {
            char *s = NULL;
            hid_t mem = H5Tcopy(H5T_C_S1);
            if (mem >= 0 && H5Tset_size(mem, H5T_VARIABLE) >= 0 && H5Aread(attr, mem, &s) >= 0 && s) {
                snprintf(buf, size, "%s", s);
                ok = 1;
            }
            if (s) H5free_memory(s);
            if (mem >= 0) H5Tclose(mem);
        } else {
            /* HDF5 converts it to a NUL-terminated string of buf's size (cut
             * when longer): no buffer to allocate, so no out-of-memory case
             * to mistake for a missing attribute */
            hid_t mem = H5Tcopy(H5T_C_S1);
            if (mem >= 0 && H5Tset_size(mem, size) >= 0 && H5Tset_strpad(mem, H5T_STR_NULLTERM) >= 0 &&
                H5Tset_cset(mem, H5Tget_cset(type)) >= 0 && H5Aread(attr, mem, buf) >= 0) {
                buf[size - 1] = '\0';
                ok = 1;
            } else {
                buf[0] = '\0';
            }
            if (mem >= 0) H5Tclose(mem);
        }
    }
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    H5Aclose(attr);
    return ok;
}

/* A scalar integer attribute; 1 if found. */
static int attr_int(hid_t obj, const char *name, long long *v)
{
    if (H5Aexists(obj, name) <= 0) return 0;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0) return 0;
    hid_t type = H5Aget_type(attr), space = H5Aget_space(attr);
    int ok = type >= 0 && space >= 0 && H5Tget_class(type) == H5T_INTEGER &&
             H5Sget_simple_extent_type(space) == H5S_SCALAR && H5Aread(attr, H5T_NATIVE_LLONG, v) >= 0;
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    H5Aclose(attr);
    return ok;
}

/* Rank, dims and type class of the dataset name; -1 when there is none. */
static int ds_shape(hid_t file, const char *name, hsize_t *dims, H5T_class_t *cls, size_t *size)
{
    int rank = -1;
    if (H5Lexists(file, name, H5P_DEFAULT) <= 0) return -1;
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0) return -1;
    hid_t space = H5Dget_space(ds), type = H5Dget_type(ds);
    if (space >= 0 && type >= 0) {
        rank = H5Sget_simple_extent_ndims(space);
        if (rank < 0 || rank > MAX_RANK || H5Sget_simple_extent_dims(space, dims, NULL) < 0) rank = -1;
        *cls = H5Tget_class(type);
        *size = H5Tget_size(type);
    }
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    H5Dclose(ds);
    return rank;
}

/* The size of the 1-D coordinate name, within [1, max]. */
static int dim_size(result_file *f, const char *name, long long max, int *out)
{
    hsize_t d[MAX_RANK];
    H5T_class_t cls;
    size_t size;
    int rank = ds_shape(f->file, name, d, &cls, &size);
    if (rank != 1) return not_ours(f, "no %s coordinate", name);
    if (d[0] < 1 || d[0] > (hsize_t)max)
        return not_ours(f, "its %s dimension has %llu entries (at most %lld)", name, (unsigned long long)d[0], max);
    *out = (int)d[0];
    return SIM_OK;
}

/* Variable name has the given rank and leading dims, and numbers in it. */
static int check_var(result_file *f, const char *name, int rank, const hsize_t *want)
{
    hsize_t d[MAX_RANK];
    H5T_class_t cls = H5T_NO_CLASS;
    size_t size = 0;
    int got = ds_shape(f->file, name, d, &cls, &size);
    if (got < 0) return not_ours(f, "variable %s is missing", name);
    if (got != rank) return not_ours(f, "variable %s has %d dimensions, not %d", name, got, rank);
    for (int k = 0; k < rank; k++)
        if (d[k] != want[k])
            return not_ours(f, "variable %s has %llu entries along dimension %d, not %llu", name,
                            (unsigned long long)d[k], k, (unsigned long long)want[k]);
    if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || size > 8)
        return not_ours(f, "variable %s does not hold numbers", name);
    return SIM_OK;
}

/* Read the block start/count (rank dims) of dataset name as mem_type into buf. */
static int read_block(result_file *f, const char *name, hid_t mem_type, int rank, const hsize_t *start,
                      const hsize_t *count, void *buf)
{
    hid_t ds = H5Dopen2(f->file, name, H5P_DEFAULT), fspace = -1, mspace = -1;
    hsize_t n = 1;
    herr_t rc = -1;
    for (int i = 0; i < rank; i++) n *= count[i];
    if (ds >= 0) fspace = H5Dget_space(ds);
    if (fspace >= 0) mspace = H5Screate_simple(1, &n, NULL);
    if (mspace >= 0 && H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0)
        rc = n > 0 ? H5Dread(ds, mem_type, mspace, fspace, H5P_DEFAULT, buf) : 0;
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    if (ds >= 0) H5Dclose(ds);
    if (rc < 0) return sim_error_set(f->err, SIM_EIO, NULL, 0, 0, NULL, "cannot read %s: variable %s", f->path, name);
    return SIM_OK;
}

int result_file_read_rows(result_file *f, const char *name, int s, int p, int r0, int n, double *buf)
{
    hsize_t start[4] = {(hsize_t)s, (hsize_t)p, (hsize_t)r0, 0}, count[4] = {1, 1, (hsize_t)n, (hsize_t)f->T};
    return read_block(f, name, H5T_NATIVE_DOUBLE, 4, start, count, buf);
}

/* The scenario labels (variable-length strings). */
static int read_names(result_file *f)
{
    hid_t ds = H5Dopen2(f->file, "scenario", H5P_DEFAULT), ft = ds >= 0 ? H5Dget_type(ds) : -1;
    hid_t space = ds >= 0 ? H5Dget_space(ds) : -1, type = H5Tcopy(H5T_C_S1);
    char **raw = calloc((size_t)f->S, sizeof *raw);
    int status = SIM_OK;
    f->names = calloc((size_t)f->S, sizeof *f->names);
    if (!raw || !f->names) {
        status = no_memory(f->err);
    } else if (ft < 0 || H5Tget_class(ft) != H5T_STRING || H5Tis_variable_str(ft) <= 0 || space < 0 ||
               type < 0 || H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5Tget_cset(ft)) < 0 ||
               H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) {
        status = not_ours(f, "the scenario names cannot be read");
    } else {
        for (int s = 0; s < f->S && status == SIM_OK; s++)
            if (!(f->names[s] = strdup(raw[s] ? raw[s] : ""))) status = no_memory(f->err);
        H5Dvlen_reclaim(type, space, H5P_DEFAULT, raw);
    }
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (ft >= 0) H5Tclose(ft);
    if (ds >= 0) H5Dclose(ds);
    free(raw);
    return status;
}

/* 1 when name is a coordinate over replicate: an uncertain key or draw. */
static int over_replicate(const result_file *f, const char *name)
{
    if (f->n_unc && !strcmp(name, "draw")) return 1;
    for (int j = 0; j < f->n_unc; j++)
        if (!strcmp(f->unc[j], name)) return 1;
    return 0;
}

/* The uncertain keys, their values and the draws. */
static int read_uncertainty(result_file *f)
{
    const size_t size = 1 << 16;
    char *names = malloc(size), *text = malloc(size);
    long long per = 0;
    int rc = !names || !text ? no_memory(f->err) : SIM_OK;
    if (rc || !attr_text(f->file, "uncertain_parameters", names, size) || !names[0]) {
        free(names);
        free(text);
        return rc;
    }
    if (!attr_int(f->file, "replicates_per_draw", &per) || per < 1 || per > RESULT_MAX_REPLICATES)
        rc = not_ours(f, "it names uncertain parameters but no valid replicates_per_draw");
    for (char *tok = strtok(names, " "); !rc && tok; tok = strtok(NULL, " ")) {
        char **grown = realloc(f->unc, (size_t)(f->n_unc + 1) * sizeof *grown);
        if (!grown) {
            rc = no_memory(f->err);
            break;
        }
        f->unc = grown;
        if (!(f->unc[f->n_unc] = strdup(tok))) rc = no_memory(f->err);
        else f->n_unc++;
    }
    f->per_draw = (int)per;
    f->n_draws = (int)((f->R + per - 1) / per);
    if (!rc) {
        f->unc_dist = calloc((size_t)f->n_unc, sizeof *f->unc_dist);
        f->unc_kept = calloc((size_t)f->n_unc, sizeof *f->unc_kept);
        f->unc_values = malloc((size_t)f->n_unc * (size_t)f->R * sizeof *f->unc_values);
        f->draw = malloc((size_t)f->R * sizeof *f->draw);
        if (!f->unc_dist || !f->unc_kept || !f->unc_values || !f->draw) rc = no_memory(f->err);
    }
    for (int j = 0; !rc && j < f->n_unc; j++) {
        hsize_t want = (hsize_t)f->R, start = 0;
        rc = check_var(f, f->unc[j], 1, &want);
        if (!rc) rc = read_block(f, f->unc[j], H5T_NATIVE_DOUBLE, 1, &start, &want, f->unc_values + (size_t)j * f->R);
        hid_t ds = rc ? -1 : H5Dopen2(f->file, f->unc[j], H5P_DEFAULT);
        if (ds >= 0) {
            if (!attr_text(ds, "distribution", text, size)) text[0] = '\0';
            if (!(f->unc_dist[j] = strdup(text))) rc = no_memory(f->err);
            if (!attr_text(ds, "kept_by", text, size)) text[0] = '\0';
            if (!rc && !(f->unc_kept[j] = strdup(text))) rc = no_memory(f->err);
            H5Dclose(ds);
        }
    }
    for (int r = 0; !rc && r < f->R; r++) f->draw[r] = (int)(r / per);
    if (!rc && per > 1) {
        /* the draw variable says the same */
        hsize_t want = (hsize_t)f->R, start = 0;
        int *d = malloc((size_t)f->R * sizeof *d);
        rc = d ? check_var(f, "draw", 1, &want) : no_memory(f->err);
        if (!rc) rc = read_block(f, "draw", H5T_NATIVE_INT, 1, &start, &want, d);
        for (int r = 0; !rc && r < f->R; r++)
            if (d[r] != f->draw[r]) rc = not_ours(f, "its draw variable does not match replicates_per_draw");
        free(d);
    }
    free(names);
    free(text);
    return rc;
}

/* The swept parameters: the coordinates attribute of `completed` names them
 * (with the coordinates over replicate, left out here). */
static int read_params(result_file *f)
{
    char coords[1 << 15];
    hid_t ds = H5Dopen2(f->file, "completed", H5P_DEFAULT);
    int found = ds >= 0 && attr_text(ds, "coordinates", coords, sizeof coords);
    if (ds >= 0) H5Dclose(ds);
    if (!found) return SIM_OK;
    for (char *tok = strtok(coords, " "); tok; tok = strtok(NULL, " ")) {
        if (over_replicate(f, tok)) continue;
        char **grown = realloc(f->params, (size_t)(f->n_params + 1) * sizeof *grown);
        if (!grown) return no_memory(f->err);
        f->params = grown;
        if (!(f->params[f->n_params] = strdup(tok))) return no_memory(f->err);
        f->n_params++;
    }
    f->param_values = malloc((size_t)(f->n_params ? f->n_params : 1) * (size_t)f->P * sizeof *f->param_values);
    if (!f->param_values) return no_memory(f->err);
    for (int j = 0; j < f->n_params; j++) {
        hsize_t want = (hsize_t)f->P, start = 0;
        int rc = check_var(f, f->params[j], 1, &want);
        if (!rc) rc = read_block(f, f->params[j], H5T_NATIVE_DOUBLE, 1, &start, &want,
                                 f->param_values + (size_t)j * (size_t)f->P);
        if (rc) return rc;
    }
    return SIM_OK;
}

/* The dimensions, against their bounds, each other and the attributes. */
static int check_shape(result_file *f)
{
    int rc;
    if ((rc = dim_size(f, "scenario", RESULT_MAX_SCENARIOS, &f->S)) ||
        (rc = dim_size(f, "point", RESULT_MAX_POINTS, &f->P)) ||
        (rc = dim_size(f, "replicate", RESULT_MAX_REPLICATES, &f->R)) ||
        (rc = dim_size(f, "time", LAYOUT_MAX_TIME, &f->T)))
        return rc;
    /* each at most 10^6 (10^4 scenarios): runs < 2^63 and runs * T * 8 < 2^63 */
    long long runs = (long long)f->S * f->P * f->R, v;
    if (runs > RESULT_MAX_RUNS) return not_ours(f, "%lld runs (at most %lld)", runs, RESULT_MAX_RUNS);
    if (!attr_int(f->file, "replicates", &v) || v != f->R)
        return not_ours(f, "its replicates attribute does not match the replicate dimension (%d)", f->R);
    if (!attr_int(f->file, "runs", &v) || v != runs)
        return not_ours(f, "its runs attribute does not match scenario x point x replicate (%lld)", runs);
    hsize_t want[4] = {(hsize_t)f->S, (hsize_t)f->P, (hsize_t)f->R, (hsize_t)f->T};
    if ((rc = check_var(f, "completed", 3, want))) return rc;
    if (!(f->has = calloc((size_t)f->model->n_observables + 1, sizeof *f->has))) return no_memory(f->err);
    for (int k = 0; k < f->model->n_observables; k++) {
        const char *name = f->model->observables[k].name;
        if (H5Lexists(f->file, name, H5P_DEFAULT) <= 0) continue; /* left out by output.observables */
        if ((rc = check_var(f, name, 4, want))) return rc;
        f->has[k] = 1;
    }
    return SIM_OK;
}

/* The stored days: ascending from 0 on, the last at most the days attribute
 * (the report finds day d at its index in f->days). */
static int check_time(result_file *f)
{
    long long *t = malloc((size_t)f->T * sizeof *t), v;
    hsize_t start = 0, count = (hsize_t)f->T;
    if (!t || !(f->days = malloc((size_t)f->T * sizeof *f->days))) {
        free(t);
        return no_memory(f->err);
    }
    if (!attr_int(f->file, "days", &v) || v < f->T - 1 || v >= LAYOUT_MAX_TIME) {
        free(t);
        return not_ours(f, "its days attribute does not match the time dimension (%d)", f->T);
    }
    f->last_day = (int32_t)v;
    int rc = read_block(f, "time", H5T_NATIVE_LLONG, 1, &start, &count, t);
    for (int i = 0; !rc && i < f->T; i++) {
        if (t[i] < 0 || t[i] > v || (i > 0 && t[i] <= t[i - 1]))
            rc = not_ours(f, "its time coordinate is not ascending days within 0..%lld", v);
        else
            f->days[i] = (int32_t)t[i];
    }
    free(t);
    if (!attr_int(f->file, "output_every", &v)) v = 1; /* files of before output.every: daily */
    f->every = (int)v;
    return rc;
}

int result_file_observable(const result_file *f, const char *name)
{
    for (int k = 0; k < f->model->n_observables; k++)
        if (!strcmp(f->model->observables[k].name, name)) return k;
    return -1;
}

int result_file_time_index(const result_file *f, int32_t day)
{
    int best = 0;
    for (int i = 1; i < f->T; i++)
        if (llabs((long long)f->days[i] - day) < llabs((long long)f->days[best] - day)) best = i;
    return best;
}

const char *result_file_days_kept(const result_file *f, char *buf, size_t size)
{
    if (f->T == f->last_day + 1)
        snprintf(buf, size, "every day");
    else if (f->every > 1)
        snprintf(buf, size, "every %d%s day and the last", f->every,
                 f->every % 10 == 1 && f->every % 100 != 11 ? "st" : f->every % 10 == 2 && f->every % 100 != 12 ? "nd"
                 : f->every % 10 == 3 && f->every % 100 != 13 ? "rd" : "th");
    else
        snprintf(buf, size, "%d chosen day%s", f->T, f->T > 1 ? "s" : "");
    return buf;
}

int result_file_read_group_rows(result_file *f, const char *name, int g, int s, int p, int r0, int n, double *buf)
{
    hsize_t d[MAX_RANK];
    H5T_class_t cls = H5T_NO_CLASS;
    size_t size = 0;
    if (ds_shape(f->file, name, d, &cls, &size) != 5 || d[0] != (hsize_t)f->S || d[1] != (hsize_t)f->P ||
        d[2] != (hsize_t)f->R || d[3] != (hsize_t)f->T || (cls != H5T_INTEGER && cls != H5T_FLOAT) || size > 8)
        return sim_error_set(f->err, SIM_EINPUT, NULL, 0, 0, NULL, "%s has no variable %s of the shape adoptsim "
                             "writes", f->path, name);
    if (g < 0 || (hsize_t)g >= d[4])
        return sim_error_set(f->err, SIM_EINPUT, NULL, 0, 0, NULL, "%s: %s has no group %d (it has 0 to %llu)",
                             f->path, name, g, (unsigned long long)d[4] - 1);
    hsize_t start[5] = {(hsize_t)s, (hsize_t)p, (hsize_t)r0, 0, (hsize_t)g};
    hsize_t count[5] = {1, 1, (hsize_t)n, (hsize_t)f->T, 1};
    return read_block(f, name, H5T_NATIVE_DOUBLE, 5, start, count, buf);
}

/* A range sweep's design: sweep_unit and each key's range, when the file has them. */
static int read_design(result_file *f)
{
    long long v;
    attr_text(f->file, "sweep_method", f->method, sizeof f->method);
    if (attr_int(f->file, "sweep_points", &v)) f->sweep_points = v;
    if (attr_int(f->file, "sweep_trajectories", &v) && v > 0 && v <= RESULT_MAX_POINTS) f->trajectories = (int)v;
    if (attr_int(f->file, "sweep_levels", &v) && v > 0 && v <= 1000) f->levels = (int)v;
    if (!f->n_params || H5Lexists(f->file, "sweep_unit", H5P_DEFAULT) <= 0) return SIM_OK;
    const size_t k = (size_t)f->n_params, P = (size_t)f->P;
    f->unit = malloc(P * k * sizeof *f->unit);
    f->range_min = malloc(k * sizeof *f->range_min);
    f->range_max = malloc(k * sizeof *f->range_max);
    f->log_scale = malloc(k * sizeof *f->log_scale);
    if (!f->unit || !f->range_min || !f->range_max || !f->log_scale) return no_memory(f->err);
    hsize_t want2[2] = {P, k}, want1 = k, zero[2] = {0, 0};
    int rc;
    if ((rc = check_var(f, "sweep_unit", 2, want2)) || (rc = check_var(f, "sweep_min", 1, &want1)) ||
        (rc = check_var(f, "sweep_max", 1, &want1)) || (rc = check_var(f, "sweep_log_scale", 1, &want1)))
        return rc;
    if ((rc = read_block(f, "sweep_unit", H5T_NATIVE_DOUBLE, 2, zero, want2, f->unit)) ||
        (rc = read_block(f, "sweep_min", H5T_NATIVE_DOUBLE, 1, zero, &want1, f->range_min)) ||
        (rc = read_block(f, "sweep_max", H5T_NATIVE_DOUBLE, 1, zero, &want1, f->range_max)) ||
        (rc = read_block(f, "sweep_log_scale", H5T_NATIVE_INT, 1, zero, &want1, f->log_scale)))
        return rc;
    return SIM_OK;
}

int result_file_open(result_file *f, const char *path, const sim_model_type *(*model_of)(const char *name),
                     sim_error *err)
{
    char text[512];
    memset(f, 0, sizeof *f);
    f->path = path;
    f->err = err;
    f->file = -1;
    /* a regular file of at most INPUT_MAX_RESULTS (a FIFO, a device or a
     * directory is refused, and a missing file is bad input) */
    int checked = input_check(path, "results file", INPUT_MAX_RESULTS, err);
    if (checked) return checked;
    if (H5Fis_hdf5(path) <= 0) return not_ours(f, "not an HDF5 file");
    f->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f->file < 0) return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot open %s", path);
    if (!attr_text(f->file, "program", text, sizeof text) || strcmp(text, "adoptsim"))
        return not_ours(f, "no program attribute \"adoptsim\"");
    if (!attr_text(f->file, "model", text, sizeof text)) return not_ours(f, "no model attribute");
    if (!(f->model = model_of(text)))
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s was written for model \"%s\", which this adoptsim "
                             "does not know", path, text);
    attr_text(f->file, "command", f->command, sizeof f->command);
    attr_text(f->file, "baseline", f->baseline_attr, sizeof f->baseline_attr);
    attr_text(f->file, "experiment_file", f->experiment_file, sizeof f->experiment_file);
    if (!attr_int(f->file, "seed", &f->seed)) f->seed = -1;

    int rc = check_shape(f);
    if (!rc) rc = check_time(f);
    if (rc) return rc;
    size_t runs = (size_t)f->S * (size_t)f->P * (size_t)f->R;
    if (!(f->completed = malloc(runs))) return no_memory(err);
    hsize_t s3[3] = {0, 0, 0}, c3[3] = {(hsize_t)f->S, (hsize_t)f->P, (hsize_t)f->R};
    if ((rc = read_block(f, "completed", H5T_NATIVE_INT8, 3, s3, c3, f->completed))) return rc;
    if ((rc = read_names(f)) || (rc = read_uncertainty(f)) || (rc = read_params(f)) || (rc = read_design(f))) return rc;
    return SIM_OK;
}

void result_file_close(result_file *f)
{
    if (f->file >= 0) H5Fclose(f->file);
    for (int s = 0; f->names && s < f->S; s++) free(f->names[s]);
    for (int j = 0; j < f->n_params; j++) free(f->params[j]);
    free(f->names);
    free(f->params);
    free(f->param_values);
    free(f->completed);
    free(f->days);
    free(f->has);
    free(f->unit);
    free(f->range_min);
    free(f->range_max);
    free(f->log_scale);
    for (int j = 0; j < f->n_unc; j++) {
        free(f->unc[j]);
        free(f->unc_dist ? f->unc_dist[j] : NULL);
        free(f->unc_kept ? f->unc_kept[j] : NULL);
    }
    free(f->unc);
    free(f->unc_dist);
    free(f->unc_kept);
    free(f->unc_values);
    free(f->draw);
    f->file = -1;
}

int result_file_done(const result_file *f, int s, int p, int r)
{
    return f->completed[((size_t)s * (size_t)f->P + (size_t)p) * (size_t)f->R + (size_t)r] == 1;
}
