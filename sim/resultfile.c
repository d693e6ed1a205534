/* resultfile.c: reads a run's or an experiment's HDF5 file (see
 * resultfile.h) with the HDF5 C API. */
#include "resultfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_RANK 8



static int not_ours(result_file *f, const char *what)
{
    return sim_error_set(f->err, SIM_EINPUT, NULL, 0, 0, NULL,
                         "%s is not an adoptsim results file: %s", f->path, what);
}

static int read_failed(result_file *f, const char *name)
{
    return sim_error_set(f->err, SIM_EIO, NULL, 0, 0, NULL, "cannot read %s: variable %s", f->path, name);
}

static int no_memory(sim_error *err)
{
    return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

/* The text attribute name of obj (fixed or variable length) into buf; 1 if found. */
static int attr_text(hid_t obj, const char *name, char *buf, size_t size)
{
    hid_t attr, type;
    int ok = 0;

    buf[0] = '\0';
    if (H5Aexists(obj, name) <= 0) return 0;
    attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0) return 0;
    type = H5Aget_type(attr);
    if (type >= 0 && H5Tget_class(type) == H5T_STRING) {
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
    if (type >= 0) H5Tclose(type);
    H5Aclose(attr);
    return ok;
}

static int attr_int(hid_t obj, const char *name, long long *v)
{
    hid_t attr;
    int ok;
    if (H5Aexists(obj, name) <= 0) return 0;
    attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0) return 0;
    ok = H5Aread(attr, H5T_NATIVE_LLONG, v) >= 0;
    H5Aclose(attr);
    return ok;
}

/* Rank and dims of the dataset name; -1 when there is no such dataset. */
static int ds_shape(hid_t file, const char *name, hsize_t *dims)
{
    hid_t ds, space;
    int rank = -1;
    if (H5Lexists(file, name, H5P_DEFAULT) <= 0) return -1;
    ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0) return -1;
    space = H5Dget_space(ds);
    if (space >= 0) {
        rank = H5Sget_simple_extent_ndims(space);
        if (rank < 0 || rank > MAX_RANK || H5Sget_simple_extent_dims(space, dims, NULL) < 0) rank = -1;
        H5Sclose(space);
    }
    H5Dclose(ds);
    return rank;
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
    return rc < 0 ? read_failed(f, name) : SIM_OK;
}

/* Whether the observable name is in the file, over (scenario, point, replicate,
 * time) or, in a run's file, (replicate, time). */
int result_file_has(const result_file *f, const char *name)
{
    hsize_t d[MAX_RANK];
    int rank = ds_shape(f->file, name, d);
    if (f->experiment)
        return rank == 4 && d[0] == (hsize_t)f->S && d[1] == (hsize_t)f->P && d[2] == (hsize_t)f->R &&
               d[3] == (hsize_t)f->T;
    return rank == 2 && d[0] == (hsize_t)f->R && d[1] == (hsize_t)f->T;
}

/* Every run's value of name at time index t: buf[(s * P + p) * R + r]. */
int result_file_read_day(result_file *f, const char *name, int t, double *buf)
{
    if (f->experiment) {
        hsize_t start[4] = {0, 0, 0, (hsize_t)t}, count[4] = {(hsize_t)f->S, (hsize_t)f->P, (hsize_t)f->R, 1};
        return read_block(f, name, H5T_NATIVE_DOUBLE, 4, start, count, buf);
    }
    hsize_t start[2] = {0, (hsize_t)t}, count[2] = {(hsize_t)f->R, 1};
    return read_block(f, name, H5T_NATIVE_DOUBLE, 2, start, count, buf);
}

/* The series of name for every replicate of (s, p): buf[r * T + t]. */
int result_file_read_series(result_file *f, const char *name, int s, int p, double *buf)
{
    if (f->experiment) {
        hsize_t start[4] = {(hsize_t)s, (hsize_t)p, 0, 0}, count[4] = {1, 1, (hsize_t)f->R, (hsize_t)f->T};
        return read_block(f, name, H5T_NATIVE_DOUBLE, 4, start, count, buf);
    }
    hsize_t start[2] = {0, 0}, count[2] = {(hsize_t)f->R, (hsize_t)f->T};
    return read_block(f, name, H5T_NATIVE_DOUBLE, 2, start, count, buf);
}

/* The scenario labels (variable-length strings). */
static int read_names(result_file *f)
{
    hid_t ds = H5Dopen2(f->file, "scenario", H5P_DEFAULT), type = -1, space = -1;
    char **raw = calloc((size_t)f->S, sizeof *raw);
    int status = SIM_OK;

    f->names = calloc((size_t)f->S, sizeof *f->names);
    if (!raw || !f->names) {
        free(raw);
        if (ds >= 0) H5Dclose(ds); /* an open dataset keeps the file open */
        return no_memory(f->err);
    }
    if (ds >= 0) space = H5Dget_space(ds);
    type = H5Tcopy(H5T_C_S1);
    if (ds >= 0 && type >= 0) { /* the file's character set: HDF5 does not convert them */
        hid_t ft = H5Dget_type(ds);
        if (ft >= 0) {
            H5Tset_cset(type, H5Tget_cset(ft));
            H5Tclose(ft);
        }
    }
    if (ds < 0 || space < 0 || type < 0 || H5Tset_size(type, H5T_VARIABLE) < 0 ||
        H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) {
        status = not_ours(f, "the scenario names cannot be read");
    } else {
        for (int s = 0; s < f->S && status == SIM_OK; s++)
            if (!(f->names[s] = strdup(raw[s] ? raw[s] : ""))) status = no_memory(f->err);
        H5Dvlen_reclaim(type, space, H5P_DEFAULT, raw);
    }
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (ds >= 0) H5Dclose(ds);
    free(raw);
    return status;
}

/* The swept parameters: the coordinates attribute of `completed` names them. */
static int read_params(result_file *f)
{
    char coords[4096];
    hid_t ds = H5Dopen2(f->file, "completed", H5P_DEFAULT);
    int found = ds >= 0 && attr_text(ds, "coordinates", coords, sizeof coords);
    if (ds >= 0) H5Dclose(ds);
    if (!found) return SIM_OK;

    int n = 0;
    for (char *tok = strtok(coords, " "); tok; tok = strtok(NULL, " ")) {
        char **grown = realloc(f->params, (size_t)(n + 1) * sizeof *grown);
        if (!grown) return no_memory(f->err);
        f->params = grown;
        if (!(f->params[n] = strdup(tok))) return no_memory(f->err);
        f->n_params = ++n;
    }
    f->param_values = malloc((size_t)(n ? n : 1) * (size_t)f->P * sizeof *f->param_values);
    if (!f->param_values) return no_memory(f->err);
    for (int j = 0; j < n; j++) {
        hsize_t d[MAX_RANK], start = 0, count = (hsize_t)f->P;
        if (ds_shape(f->file, f->params[j], d) != 1 || d[0] != (hsize_t)f->P)
            return not_ours(f, "a swept parameter is not a variable over point");
        int rc = read_block(f, f->params[j], H5T_NATIVE_DOUBLE, 1, &start, &count,
                            f->param_values + (size_t)j * (size_t)f->P);
        if (rc) return rc;
    }
    return SIM_OK;
}

/* The scenario name of a run's file: the stem of its scenario file. */
static int run_name(result_file *f)
{
    char file[1024], *stem, *dot;
    attr_text(f->file, "scenario_file", file, sizeof file);
    stem = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    dot = strrchr(stem, '.');
    if (dot && dot != stem) *dot = '\0';
    f->names = calloc(1, sizeof *f->names);
    if (!f->names || !(f->names[0] = strdup(stem[0] ? stem : "run"))) return no_memory(f->err);
    return SIM_OK;
}

int result_file_open(result_file *f, const char *path, sim_error *err)
{
    char program[64];
    hsize_t d[MAX_RANK];
    struct stat st;

    memset(f, 0, sizeof *f);
    f->path = path;
    f->err = err;
    f->file = -1;
    FILE *probe = fopen(f->path, "rb");

    if (!probe)
        return sim_error_set(f->err, SIM_EIO, NULL, 0, 0, NULL, "cannot read %s: %s", f->path, strerror(errno));
    fclose(probe);
    if (stat(f->path, &st) == 0 && S_ISDIR(st.st_mode))
        return sim_error_set(f->err, SIM_EIO, NULL, 0, 0, NULL, "cannot read %s: it is a directory", f->path);
    if (H5Fis_hdf5(f->path) <= 0) return not_ours(f, "not an HDF5 file");
    f->file = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f->file < 0) return sim_error_set(f->err, SIM_EIO, NULL, 0, 0, NULL, "cannot open %s", f->path);
    if (!attr_text(f->file, "program", program, sizeof program) || strcmp(program, "adoptsim"))
        return not_ours(f, "no program attribute \"adoptsim\"");
    attr_text(f->file, "model", f->model, sizeof f->model);
    attr_text(f->file, "baseline", f->baseline_attr, sizeof f->baseline_attr);
    attr_text(f->file, "experiment_file", f->experiment_file, sizeof f->experiment_file);
    if (!attr_int(f->file, "seed", &f->seed)) f->seed = -1;

    if (ds_shape(f->file, "time", d) != 1 || d[0] < 1) return not_ours(f, "no time coordinate");
    f->T = (int)d[0];
    if (ds_shape(f->file, "replicate", d) != 1 || d[0] < 1) return not_ours(f, "no replicate coordinate");
    f->R = (int)d[0];
    f->experiment = H5Lexists(f->file, "completed", H5P_DEFAULT) > 0;
    if (f->experiment) {
        if (ds_shape(f->file, "scenario", d) != 1 || d[0] < 1) return not_ours(f, "no scenario coordinate");
        f->S = (int)d[0];
        if (ds_shape(f->file, "point", d) != 1 || d[0] < 1) return not_ours(f, "no point coordinate");
        f->P = (int)d[0];
        if (ds_shape(f->file, "completed", d) != 3 || d[0] != (hsize_t)f->S || d[1] != (hsize_t)f->P ||
            d[2] != (hsize_t)f->R)
            return not_ours(f, "completed is not over (scenario, point, replicate)");
    } else {
        f->S = f->P = 1;
    }

    size_t runs = (size_t)f->S * (size_t)f->P * (size_t)f->R;
    f->completed = malloc(runs);
    f->time = malloc((size_t)f->T * sizeof *f->time);
    if (!f->completed || !f->time) return no_memory(f->err);
    hsize_t start = 0, count = (hsize_t)f->T;
    int rc = read_block(f, "time", H5T_NATIVE_DOUBLE, 1, &start, &count, f->time);
    if (rc) return rc;
    if (f->experiment) {
        hsize_t s3[3] = {0, 0, 0}, c3[3] = {(hsize_t)f->S, (hsize_t)f->P, (hsize_t)f->R};
        if ((rc = read_block(f, "completed", H5T_NATIVE_INT8, 3, s3, c3, f->completed))) return rc;
        if ((rc = read_names(f)) || (rc = read_params(f))) return rc;
    } else {
        memset(f->completed, 1, runs); /* a run's file is written whole */
        if ((rc = run_name(f))) return rc;
    }

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
    free(f->time);
}

int result_file_done(const result_file *f, int s, int p, int r)
{
    return f->completed[((size_t)s * (size_t)f->P + (size_t)p) * (size_t)f->R + (size_t)r] == 1;
}

int result_file_long_name(const result_file *f, const char *name, char *buf, size_t size)
{
    hid_t ds = H5Dopen2(f->file, name, H5P_DEFAULT);
    int found = ds >= 0 && attr_text(ds, "long_name", buf, size);
    if (ds >= 0) H5Dclose(ds);
    return found;
}
