/* output.c: writes a netCDF-4 style HDF5 file (see output.h): the file with
 * its creation properties, attributes, dimension scales, datasets with their
 * chunking, filters and fill values, direct chunk writes, and the atomic
 * publication of the finished file.
 *
 * HDF5 writes through its sec2 driver straight to the temporary file, so
 * memory does not grow with the file, in the file format of HDF5 1.10 (see
 * file_access).  After a write error (disk full, file
 * size limit) HDF5 1.10 cannot close the file: H5Fclose fails and the file
 * stays open inside the library, which crashes on it at exit unless
 * H5dont_atexit() was called (main does).  output_close removes the
 * temporary file in that case too. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#define CONVERSION_BUFFER (64 * 1024) /* HDF5's default of 1 MiB (twice, zeroed) cost 0.5 ms of every run's
                                        file, to convert a few scenario names */

struct out_file {
    const out_spec *spec;
    char *tmp, *path;
    hid_t file;
    hid_t dxpl;              /* transfer properties: a small type conversion buffer */
    hid_t *ds;               /* [nvars] datasets, open until output_close */
    hid_t *scales;           /* [ndims] coordinate datasets */
    H5E_auto2_t old_func;    /* the caller's HDF5 error handler, restored at close */
    void *old_data;
    sim_error *err;
};

/* ---- paths ------------------------------------------------------------------ */

/* The directory part of path ("." when there is none), malloc'd. */
static char *output_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    size_t n = (size_t)(slash - path);
    if (n == 0) n = 1; /* "/file" lives in "/" */
    char *dir = malloc(n + 1);
    if (!dir) return NULL;
    memcpy(dir, path, n);
    dir[n] = '\0';
    return dir;
}

int output_check_target(const char *path, sim_error *err)
{
    struct stat st;
    int status = SIM_OK;

    if (!path || !path[0]) return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "output path is empty");
    if (path[strlen(path) - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
        return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "%s is a directory", path);
    if (lstat(path, &st) != 0 && errno != ENOENT && errno != ENOTDIR)
        return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot access %s: %s", path, strerror(errno));

    char *dir = output_dir_of(path);
    if (!dir) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (stat(dir, &st) != 0)
        status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: directory %s does not exist",
                               path, dir);
    else if (!S_ISDIR(st.st_mode))
        status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: %s is not a directory", path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: directory %s is not writable",
                               path, dir);
    free(dir);
    return status;
}

/* ---- spec validation: programming errors, reported as SIM_EINTERNAL ------------ */

static int internal(sim_error *err, const char *what, const char *name)
{
    return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, NULL, "output spec: %s%s%s%s", what,
                         name ? " \"" : "", name ? name : "", name ? "\"" : "");
}

static int bad_name(const char *name)
{
    return !name || !name[0] || strchr(name, '/') || strcmp(name, ".") == 0;
}

static int validate(const out_spec *spec, sim_error *err)
{
    if (spec->ndims < 0 || spec->nvars < 0 || spec->nattrs < 0 || spec->compression < 0 || spec->compression > 9)
        return internal(err, "bad count or compression level", NULL);
    for (int i = 0; i < spec->ndims; i++) {
        const out_dim *d = &spec->dims[i];
        if (bad_name(d->name)) return internal(err, "bad dimension name", d->name);
        for (int j = 0; j < i; j++)
            if (!strcmp(spec->dims[j].name, d->name)) return internal(err, "duplicate dimension", d->name);
    }
    for (int i = 0; i < spec->nvars; i++) {
        const out_var *v = &spec->vars[i];
        int chunked = 0;
        if (bad_name(v->name)) return internal(err, "bad variable name", v->name);
        for (int j = 0; j < spec->ndims; j++)
            if (!strcmp(spec->dims[j].name, v->name)) return internal(err, "variable named like a dimension", v->name);
        for (int j = 0; j < i; j++)
            if (!strcmp(spec->vars[j].name, v->name)) return internal(err, "duplicate variable", v->name);
        if (v->ndims < 1 || v->ndims > OUT_MAX_RANK) return internal(err, "rank outside 1..6 of", v->name);
        for (int k = 0; k < v->ndims; k++) {
            if (v->dims[k] < 0 || v->dims[k] >= spec->ndims)
                return internal(err, "dimension index out of range in", v->name);
            if (v->chunk[k] > spec->dims[v->dims[k]].size)
                return internal(err, "chunk larger than the variable", v->name);
            chunked |= v->chunk[k] > 0;
        }
        for (int k = 0; chunked && k < v->ndims; k++)
            if (v->chunk[k] == 0) return internal(err, "zero chunk extent in", v->name);
        if (!chunked && !v->data) return internal(err, "contiguous variable without data", v->name);
        if (v->type == OUT_TEXT && (chunked || v->fill)) return internal(err, "chunked or filled text", v->name);
    }
    for (int i = 0; i < spec->nattrs; i++) {
        if (!spec->attrs[i].name || !spec->attrs[i].name[0]) return internal(err, "empty attribute name", NULL);
        for (int j = 0; j < i; j++)
            if (!strcmp(spec->attrs[j].name, spec->attrs[i].name))
                return internal(err, "duplicate attribute", spec->attrs[i].name);
    }
    return SIM_OK;
}

/* ---- HDF5 errors ------------------------------------------------------------------ */

/* Walk callback: remember the innermost error (n == 0 walking upward). */
static herr_t walk_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    char *out = data;
    char minor[128] = "";
    if (n != 0) return 0;
    if (H5Eget_msg(e->min_num, NULL, minor, sizeof minor) < 0) minor[0] = '\0';
    /* sec2 driver failures carry the system's message: "error message = '...'" */
    const char *m = e->desc ? strstr(e->desc, "error message = '") : NULL;
    if (m) {
        const char *s = m + strlen("error message = '");
        const char *q = strchr(s, '\'');
        snprintf(out, 256, "%.*s", q ? (int)(q - s) : (int)strlen(s), s);
    } else {
        snprintf(out, 256, "%s", minor[0] ? minor : (e->desc ? e->desc : ""));
    }
    return 0;
}

/* The HDF5 error stack as a SIM_EIO naming the path. */
static int h5_fail(out_file *f, const char *what, const char *name)
{
    char detail[256] = "";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_cb, detail);
    H5Eclear2(H5E_DEFAULT);
    return sim_error_set(f->err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: %s%s%s%s%s%s", f->path, what,
                         name ? " " : "", name ? name : "", detail[0] ? " (" : "", detail, detail[0] ? ")" : "");
}

/* ---- attributes -------------------------------------------------------------------- */

/* Scalar fixed-length string attribute, as netCDF-4 writes NC_CHAR text. */
static int put_text_attr(out_file *f, hid_t obj, const char *name, const char *text)
{
    size_t len = strlen(text);
    hid_t type = H5Tcopy(H5T_C_S1), space = -1, attr = -1;
    int status = SIM_OK;
    if (type < 0 || H5Tset_size(type, len > 0 ? len : 1) < 0 || H5Tset_strpad(type, H5T_STR_NULLTERM) < 0 ||
        H5Tset_cset(type, H5T_CSET_UTF8) < 0 || (space = H5Screate(len > 0 ? H5S_SCALAR : H5S_NULL)) < 0 ||
        (attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        (len > 0 && H5Awrite(attr, type, text) < 0))
        status = h5_fail(f, "attribute", name);
    if (attr >= 0 && H5Aclose(attr) < 0 && status == SIM_OK) status = h5_fail(f, "attribute", name);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return status;
}

static int put_number_attr(out_file *f, hid_t obj, const char *name, hid_t file_type, hid_t mem_type,
                           const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR), attr = -1;
    int status = SIM_OK;
    if (space < 0 || (attr = H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Awrite(attr, mem_type, value) < 0)
        status = h5_fail(f, "attribute", name);
    if (attr >= 0 && H5Aclose(attr) < 0 && status == SIM_OK) status = h5_fail(f, "attribute", name);
    if (space >= 0) H5Sclose(space);
    return status;
}

static int put_attr(out_file *f, hid_t obj, const out_attr *a)
{
    if (a->text) return put_text_attr(f, obj, a->name, a->text);
    if (a->is_int) {
        int64_t v = (int64_t)a->number;
        return put_number_attr(f, obj, a->name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v);
    }
    return put_number_attr(f, obj, a->name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &a->number);
}

/* long_name and units (either may be NULL: left out). */
static int put_var_attrs(out_file *f, hid_t ds, const char *long_name, const char *units)
{
    int status = SIM_OK;
    if (long_name) status = put_text_attr(f, ds, "long_name", long_name);
    if (status == SIM_OK && units) status = put_text_attr(f, ds, "units", units);
    return status;
}

/* ---- datasets ------------------------------------------------------------------------ */

static hid_t file_type_of(out_type t)
{
    return t == OUT_INT8 ? H5T_STD_I8LE : t == OUT_INT32 ? H5T_STD_I32LE : t == OUT_INT64 ? H5T_STD_I64LE
         : t == OUT_F32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
}

static hid_t mem_type_of(out_type t)
{
    return t == OUT_INT8 ? H5T_NATIVE_INT8 : t == OUT_INT32 ? H5T_NATIVE_INT32 : t == OUT_INT64 ? H5T_NATIVE_INT64
         : t == OUT_F32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
}

/* The fill value of a variable in its native type: -1 / NaN, or 0. */
static void fill_of(const out_var *v, void *fill)
{
    int8_t i8 = v->fill ? -1 : 0;
    int32_t i32 = i8;
    int64_t i64 = i8;
    double d = v->fill ? NAN : 0;
    float f = (float)d;
    switch (v->type) {
    case OUT_INT8: memcpy(fill, &i8, sizeof i8); break;
    case OUT_INT32: memcpy(fill, &i32, sizeof i32); break;
    case OUT_INT64: memcpy(fill, &i64, sizeof i64); break;
    case OUT_F32: memcpy(fill, &f, sizeof f); break;
    case OUT_F64: memcpy(fill, &d, sizeof d); break;
    case OUT_TEXT: break;
    }
}

/* Creation properties: no times, attribute order tracked; chunked variables
 * get their chunk shape, the filters and their fill value. */
static hid_t make_dcpl(const out_spec *spec, const out_var *v)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0) return -1;
    if (H5Pset_obj_track_times(dcpl, 0) < 0 ||
        H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0)
        goto fail;
    if (v && v->chunk[0] > 0) {
        hsize_t chunk[OUT_MAX_RANK];
        char fill[8];
        for (int k = 0; k < v->ndims; k++) chunk[k] = v->chunk[k];
        fill_of(v, fill);
        if (H5Pset_chunk(dcpl, v->ndims, chunk) < 0 || H5Pset_fill_value(dcpl, mem_type_of(v->type), fill) < 0 ||
            H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_INCR) < 0)
            goto fail;
        if (spec->compression > 0 &&
            (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, (unsigned)spec->compression) < 0))
            goto fail;
    }
    return dcpl;
fail:
    H5Pclose(dcpl);
    return -1;
}

static hid_t create_dataset(out_file *f, const char *name, hid_t type, int rank, const hsize_t *dims,
                            const out_var *v)
{
    hid_t space = H5Screate_simple(rank, dims, NULL), dcpl = -1, ds = -1;
    if (space >= 0) dcpl = make_dcpl(f->spec, v);
    if (dcpl >= 0) ds = H5Dcreate2(f->file, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds < 0) h5_fail(f, "dataset", name);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return ds;
}

/* The coordinate dataset of dimension i, made a dimension scale. */
static int write_dim(out_file *f, int i)
{
    const out_dim *d = &f->spec->dims[i];
    hsize_t n = d->size;
    hid_t strtype = -1, ds;
    herr_t rc = 0;

    if (d->labels) {
        strtype = H5Tcopy(H5T_C_S1);
        if (strtype < 0 || H5Tset_size(strtype, H5T_VARIABLE) < 0 || H5Tset_cset(strtype, H5T_CSET_UTF8) < 0) {
            if (strtype >= 0) H5Tclose(strtype);
            return h5_fail(f, "string type for", d->name);
        }
        ds = create_dataset(f, d->name, strtype, 1, &n, NULL);
        if (ds >= 0 && n > 0) rc = H5Dwrite(ds, strtype, H5S_ALL, H5S_ALL, f->dxpl, d->labels);
        H5Tclose(strtype);
    } else {
        int64_t *v = malloc((n ? n : 1) * sizeof *v);
        if (!v) return sim_error_set(f->err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        for (hsize_t k = 0; k < n; k++) v[k] = d->values ? (int64_t)d->values[k] : (int64_t)k;
        ds = create_dataset(f, d->name, H5T_STD_I64LE, 1, &n, NULL);
        if (ds >= 0 && n > 0) rc = H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, f->dxpl, v);
        free(v);
    }
    if (ds < 0) return SIM_EIO;
    f->scales[i] = ds;
    if (rc < 0) return h5_fail(f, "coordinates of", d->name);
    if (H5DSset_scale(ds, d->name) < 0) return h5_fail(f, "dimension scale", d->name);
    return put_var_attrs(f, ds, d->long_name, d->units);
}

static int write_var(out_file *f, int i)
{
    const out_var *v = &f->spec->vars[i];
    hsize_t dims[OUT_MAX_RANK];
    int status = SIM_OK, empty = 0;

    for (int k = 0; k < v->ndims; k++) {
        dims[k] = f->spec->dims[v->dims[k]].size;
        empty |= dims[k] == 0;
    }
    hid_t strtype = -1;
    if (v->type == OUT_TEXT) {
        strtype = H5Tcopy(H5T_C_S1);
        if (strtype < 0 || H5Tset_size(strtype, H5T_VARIABLE) < 0 || H5Tset_cset(strtype, H5T_CSET_UTF8) < 0) {
            if (strtype >= 0) H5Tclose(strtype);
            return h5_fail(f, "string type for", v->name);
        }
    }
    hid_t ds = create_dataset(f, v->name, strtype >= 0 ? strtype : file_type_of(v->type), v->ndims, dims, v);
    if (ds < 0) {
        if (strtype >= 0) H5Tclose(strtype);
        return SIM_EIO;
    }
    f->ds[i] = ds;
    if (v->data && !empty &&
        H5Dwrite(ds, strtype >= 0 ? strtype : mem_type_of(v->type), H5S_ALL, H5S_ALL, f->dxpl, v->data) < 0)
        status = h5_fail(f, "data of", v->name);
    if (strtype >= 0) H5Tclose(strtype);
    for (int k = 0; k < v->ndims && status == SIM_OK; k++)
        if (H5DSattach_scale(ds, f->scales[v->dims[k]], (unsigned)k) < 0)
            status = h5_fail(f, "dimension scale attachment of", v->name);
    if (status == SIM_OK) status = put_var_attrs(f, ds, v->long_name, v->units);
    if (status == SIM_OK && v->fill) {
        char fill[8];
        fill_of(v, fill);
        status = put_number_attr(f, ds, "_FillValue", file_type_of(v->type), mem_type_of(v->type), fill);
    }
    if (status == SIM_OK && v->coordinates) status = put_text_attr(f, ds, "coordinates", v->coordinates);
    return status;
}

/* ---- the file ------------------------------------------------------------------------- */

static void file_free(out_file *f)
{
    free(f->ds);
    free(f->scales);
    free(f->tmp);
    free(f->path);
    free(f);
}

/* File access: the file format of HDF5 1.10, whose chunk index for
 * datasets of fixed size is a flat array (about 20 bytes a chunk, no search
 * on insertion) instead of the v1 B-tree of the earliest format, which the
 * metadata cache held at about 160 bytes a chunk: 17 MB more for 2,000 runs
 * than for 200, and twice the time.  Readers need HDF5 1.10 or later
 * (2016: netCDF-C, h5py, hdf5r, MATLAB R2021a and later). */
static hid_t file_access(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110) < 0) {
        H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

int output_create(const char *tmp, const char *path, const out_spec *spec, out_file **out, sim_error *err)
{
    *out = NULL;
    int status = validate(spec, err);
    if (status) return status;
    out_file *f = calloc(1, sizeof *f);
    if (!f) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    f->spec = spec;
    f->err = err;
    f->file = -1;
    f->dxpl = -1;
    f->tmp = strdup(tmp);
    f->path = strdup(path);
    f->ds = malloc((size_t)(spec->nvars + 1) * sizeof *f->ds);
    f->scales = malloc((size_t)(spec->ndims + 1) * sizeof *f->scales);
    if (!f->tmp || !f->path || !f->ds || !f->scales) {
        file_free(f);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (int i = 0; i < spec->nvars; i++) f->ds[i] = -1;
    for (int i = 0; i < spec->ndims; i++) f->scales[i] = -1;
    H5Eget_auto2(H5E_DEFAULT, &f->old_func, &f->old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    *out = f;

    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    f->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (fcpl < 0 || f->dxpl < 0 || H5Pset_buffer(f->dxpl, CONVERSION_BUFFER, NULL, NULL) < 0 ||
        H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_obj_track_times(fcpl, 0) < 0)
        status = h5_fail(f, "file properties", NULL);
    hid_t fapl = status == SIM_OK ? file_access() : -1;
    if (status == SIM_OK && (fapl < 0 || (f->file = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl)) < 0))
        status = h5_fail(f, "file", tmp);
    if (fapl >= 0) H5Pclose(fapl);
    if (fcpl >= 0) H5Pclose(fcpl);
    for (int i = 0; i < spec->nattrs && status == SIM_OK; i++) status = put_attr(f, f->file, &spec->attrs[i]);
    for (int i = 0; i < spec->ndims && status == SIM_OK; i++) status = write_dim(f, i);
    for (int i = 0; i < spec->nvars && status == SIM_OK; i++) status = write_var(f, i);
    return status;
}

int output_write_chunk(out_file *f, int var, const uint64_t *off, const void *bytes, size_t len)
{
    hsize_t o[OUT_MAX_RANK];
    for (int k = 0; k < f->spec->vars[var].ndims; k++) o[k] = off[k];
    if (H5Dwrite_chunk(f->ds[var], f->dxpl, 0, o, len, bytes) < 0)
        return h5_fail(f, "data of", f->spec->vars[var].name);
    return SIM_OK;
}

int output_write(out_file *f, int var, const void *data)
{
    const out_var *v = &f->spec->vars[var];
    if (H5Dwrite(f->ds[var], mem_type_of(v->type), H5S_ALL, H5S_ALL, f->dxpl, data) < 0)
        return h5_fail(f, "data of", v->name);
    return SIM_OK;
}

int output_put_var_attr(out_file *f, int var, const out_attr *a)
{
    return put_attr(f, f->ds[var], a);
}

/* fsync the file at path. */
static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int e = fsync(fd) != 0 ? errno : 0;
    close(fd);
    return e;
}

int output_close(out_file *f, int keep, sim_error *err)
{
    if (!f) return SIM_OK;
    int status = SIM_OK;
    f->err = err;
    for (int i = 0; i < f->spec->nvars; i++)
        if (f->ds[i] >= 0 && H5Dclose(f->ds[i]) < 0 && keep && status == SIM_OK)
            status = h5_fail(f, "dataset", f->spec->vars[i].name);
    for (int i = 0; i < f->spec->ndims; i++)
        if (f->scales[i] >= 0 && H5Dclose(f->scales[i]) < 0 && keep && status == SIM_OK)
            status = h5_fail(f, "dataset", f->spec->dims[i].name);
    if (f->file >= 0 && H5Fclose(f->file) < 0 && keep && status == SIM_OK) status = h5_fail(f, "file", NULL);
    if (f->dxpl >= 0) H5Pclose(f->dxpl);
    if (keep && status == SIM_OK) {
        int e = sync_path(f->tmp);
        if (e)
            status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: fsync: %s", f->path, strerror(e));
    }
    if (!keep || status != SIM_OK) unlink(f->tmp);
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, f->old_func, f->old_data);
    file_free(f);
    return status;
}

/* fsync a directory, so a rename in it is durable; best effort. */
static void sync_dir(const char *path)
{
    char *dir = output_dir_of(path);
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

int output_publish(const char *tmp, const char *path, int replace, sim_error *err)
{
    struct stat st;
    if (!replace) {
        if (link(tmp, path) == 0) {
            unlink(tmp);
            sync_dir(path);
            return SIM_OK;
        }
        if (errno == EEXIST || lstat(path, &st) == 0) {
            unlink(tmp);
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "%s exists; use --force to overwrite", path);
        }
        /* no hard links on this file system: rename */
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot rename %s to %s: %s", tmp, path, strerror(e));
    }
    sync_dir(path);
    return SIM_OK;
}
