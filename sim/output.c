/* output.c: write the results as a netCDF-4 compatible HDF5 file.
 *
 * Layout: one 1-D coordinate dataset per dimension, named like the dimension
 * and made an HDF5 dimension scale; one dataset per variable with the scales
 * attached; "long_name"/"units" attributes; global attributes on the root
 * group.  Link and attribute creation order are tracked and indexed (netCDF-4
 * wants that) and object times are not tracked, so the same spec gives the
 * same datasets byte for byte.
 *
 * HDF5 builds the file in memory; its image is written to "<path>.tmp-<pid>",
 * fsync'ed and then renamed (or hard-linked, when an existing file must not
 * be replaced) onto path.  On any failure the temporary file is removed. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#define CHUNK_BYTES (1024 * 1024)   /* upper bound of one chunk */
#define BLOCK_ELEMS (128 * 1024)    /* counts are converted this many at a time */
#define MAX_RANK OUT_MAX_RANK
#define IMAGE_INCREMENT (64 * 1024) /* growth step of the in-memory file: HDF5 touches every byte of it, and a
                                      1 MiB step cost 0.35 ms of a 30 KB file */

/* Writer state: the final path (for messages) and the error record. */
typedef struct writer {
    const char *path;
    sim_error *err;
} writer;

/* ---- paths --------------------------------------------------------------- */

/* The directory part of path ("." when there is none) in a new string. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n;
    char *dir;

    if (!slash) return strdup(".");
    n = (size_t)(slash - path);
    if (n == 0) n = 1; /* "/file" lives in "/" */
    dir = malloc(n + 1);
    if (!dir) return NULL;
    memcpy(dir, path, n);
    dir[n] = '\0';
    return dir;
}

int output_check_target(const char *path, int force, sim_error *err)
{
    struct stat st;
    char *dir;
    int status = SIM_OK;

    if (!path || !path[0])
        return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "output path is empty");
    if (path[strlen(path) - 1] == '/')
        return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "%s is a directory", path);

    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "%s is a directory", path);
    if (lstat(path, &st) == 0) {
        if (!force)
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                                 "%s exists; use --force to overwrite", path);
    } else if (errno != ENOENT && errno != ENOTDIR) {
        return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot access %s: %s",
                             path, strerror(errno));
    }

    dir = dir_of(path);
    if (!dir) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (stat(dir, &st) != 0)
        status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL,
                               "cannot write %s: directory %s does not exist", path, dir);
    else if (!S_ISDIR(st.st_mode))
        status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL,
                               "cannot write %s: %s is not a directory", path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL,
                               "cannot write %s: directory %s is not writable", path, dir);
    free(dir);
    return status;
}

/* ---- spec validation ----------------------------------------------------- */

static int bad_name(const char *name)
{
    return !name || !name[0] || strchr(name, '/') || strcmp(name, ".") == 0;
}

static int internal(sim_error *err, const char *what, const char *name)
{
    return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, NULL, "output spec: %s%s%s%s",
                         what, name ? " \"" : "", name ? name : "", name ? "\"" : "");
}

/* Nearest int64 of a value int64_ok accepted (no libm needed). */
static int64_t to_int64(double v)
{
    return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

/* Finite and within int64 range. */
static int int64_ok(double v)
{
    return isfinite(v) && v >= -0x1p63 && v < 0x1p63;
}

/* Number of elements of var (product of its dims' sizes); 0 on overflow
 * with *overflow set. */
static size_t var_elems(const out_spec *spec, const out_var *v, int *overflow)
{
    size_t n = 1;
    *overflow = 0;
    for (int k = 0; k < v->ndims; k++) {
        size_t s = spec->dims[v->dims[k]].size;
        if (s != 0 && n > SIZE_MAX / 8 / s) {
            *overflow = 1;
            return 0;
        }
        n *= s;
    }
    return n;
}

static int validate(const out_spec *spec, sim_error *err)
{
    if (!spec) return internal(err, "no spec", NULL);
    if (spec->ndims < 0 || spec->nvars < 0 || spec->nattrs < 0)
        return internal(err, "negative count", NULL);
    if ((spec->ndims > 0 && !spec->dims) || (spec->nvars > 0 && !spec->vars) ||
        (spec->nattrs > 0 && !spec->attrs))
        return internal(err, "missing array", NULL);
    if (spec->compression < 0 || spec->compression > 9)
        return internal(err, "compression level outside 0..9", NULL);

    for (int i = 0; i < spec->ndims; i++) {
        const out_dim *d = &spec->dims[i];
        if (bad_name(d->name)) return internal(err, "bad dimension name", d->name);
        for (int j = 0; j < i; j++)
            if (strcmp(spec->dims[j].name, d->name) == 0)
                return internal(err, "duplicate dimension", d->name);
        if (d->values && d->labels)
            return internal(err, "both values and labels for dimension", d->name);
        if (d->size > SIZE_MAX / 8) return internal(err, "dimension too large", d->name);
        for (size_t k = 0; d->labels && k < d->size; k++)
            if (!d->labels[k]) return internal(err, "NULL label in dimension", d->name);
        for (size_t k = 0; d->values && d->values_are_int && k < d->size; k++)
            if (!int64_ok(d->values[k]))
                return internal(err, "integer coordinate out of range in", d->name);
    }

    for (int i = 0; i < spec->nvars; i++) {
        const out_var *v = &spec->vars[i];
        int overflow;
        size_t n;
        if (bad_name(v->name)) return internal(err, "bad variable name", v->name);
        for (int j = 0; j < spec->ndims; j++)
            if (strcmp(spec->dims[j].name, v->name) == 0)
                return internal(err, "variable has the name of a dimension", v->name);
        for (int j = 0; j < i; j++)
            if (strcmp(spec->vars[j].name, v->name) == 0)
                return internal(err, "duplicate variable", v->name);
        if (v->ndims < 0 || v->ndims > MAX_RANK)
            return internal(err, "rank outside 0..6 for variable", v->name);
        for (int k = 0; k < v->ndims; k++)
            if (v->dims[k] < 0 || v->dims[k] >= spec->ndims)
                return internal(err, "dimension index out of range in variable", v->name);
        n = var_elems(spec, v, &overflow);
        if (overflow) return internal(err, "too many elements in variable", v->name);
        if (v->is_flag && v->data) return internal(err, "flag variable with data", v->name);
        if (v->is_count == 2 && v->data) return internal(err, "int32 counts with data", v->name);
        for (size_t k = 0; v->is_count && v->data && k < n; k++)
            if (!int64_ok(v->data[k]))
                return internal(err, "count out of int64 range (or not finite) in", v->name);
    }

    for (int i = 0; i < spec->nattrs; i++) {
        const out_attr *a = &spec->attrs[i];
        if (!a->name || !a->name[0]) return internal(err, "empty attribute name", NULL);
        for (int j = 0; j < i; j++)
            if (strcmp(spec->attrs[j].name, a->name) == 0)
                return internal(err, "duplicate attribute", a->name);
        if (!a->text && a->is_int && !int64_ok(a->number))
            return internal(err, "integer attribute out of range", a->name);
    }
    return SIM_OK;
}

/* ---- HDF5 errors ----------------------------------------------------------- */

/* Walk callback: remember the innermost error (n == 0 walking upward). */
static herr_t walk_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    char *out = data;
    char minor[128] = "";
    const char *m;

    if (n != 0) return 0;
    if (H5Eget_msg(e->min_num, NULL, minor, sizeof minor) < 0) minor[0] = '\0';
    /* sec2 driver failures carry the system's message: "error message = '...'" */
    m = e->desc ? strstr(e->desc, "error message = '") : NULL;
    if (m) {
        const char *s = m + strlen("error message = '");
        const char *q = strchr(s, '\'');
        int len = q ? (int)(q - s) : (int)strlen(s);
        snprintf(out, 256, "%s%s%.*s", minor, minor[0] ? ": " : "", len, s);
    } else {
        snprintf(out, 256, "%s", minor[0] ? minor : (e->desc ? e->desc : ""));
    }
    return 0;
}

/* Turn the HDF5 error stack into a SIM_EIO naming the path. */
static int h5_fail(writer *w, const char *what, const char *name)
{
    char detail[256] = "";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_cb, detail);
    H5Eclear2(H5E_DEFAULT);
    return sim_error_set(w->err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: %s%s%s%s%s%s",
                         w->path, what, name ? " " : "", name ? name : "",
                         detail[0] ? " (" : "", detail, detail[0] ? ")" : "");
}

/* ---- attributes ------------------------------------------------------------ */

/* Scalar fixed-length string attribute, as netCDF-4 writes NC_CHAR text. */
static int put_text_attr(writer *w, hid_t obj, const char *name, const char *text)
{
    size_t len = strlen(text);
    hid_t type = -1, space = -1, attr = -1;
    int status = SIM_OK;

    type = H5Tcopy(H5T_C_S1);
    if (type < 0 || H5Tset_size(type, len > 0 ? len : 1) < 0 ||
        H5Tset_strpad(type, H5T_STR_NULLTERM) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0) {
        status = h5_fail(w, "string type for attribute", name);
        goto done;
    }
    space = H5Screate(len > 0 ? H5S_SCALAR : H5S_NULL);
    if (space < 0) {
        status = h5_fail(w, "dataspace for attribute", name);
        goto done;
    }
    attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || (len > 0 && H5Awrite(attr, type, text) < 0))
        status = h5_fail(w, "attribute", name);
done:
    if (attr >= 0 && H5Aclose(attr) < 0 && status == SIM_OK)
        status = h5_fail(w, "attribute", name);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return status;
}

static int put_number_attr(writer *w, hid_t obj, const char *name, double v, int is_int)
{
    hid_t space = -1, attr = -1;
    int64_t iv = is_int ? to_int64(v) : 0;
    int status = SIM_OK;

    space = H5Screate(H5S_SCALAR);
    if (space < 0) return h5_fail(w, "dataspace for attribute", name);
    attr = H5Acreate2(obj, name, is_int ? H5T_STD_I64LE : H5T_IEEE_F64LE, space,
                      H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 ||
        (is_int ? H5Awrite(attr, H5T_NATIVE_INT64, &iv) : H5Awrite(attr, H5T_NATIVE_DOUBLE, &v)) < 0)
        status = h5_fail(w, "attribute", name);
    if (attr >= 0 && H5Aclose(attr) < 0 && status == SIM_OK)
        status = h5_fail(w, "attribute", name);
    H5Sclose(space);
    return status;
}

/* long_name and units (either may be NULL: left out). */
static int put_var_attrs(writer *w, hid_t ds, const char *long_name, const char *units)
{
    int status = SIM_OK;
    if (long_name) status = put_text_attr(w, ds, "long_name", long_name);
    if (status == SIM_OK && units) status = put_text_attr(w, ds, "units", units);
    return status;
}

/* ---- datasets --------------------------------------------------------------- */

/* Pick a chunk: the whole array, halving the slowest-varying dimensions first
 * until a chunk of 8-byte elements is at most CHUNK_BYTES. */
static void choose_chunk(int rank, const hsize_t *dims, hsize_t *chunk)
{
    hsize_t bytes = 8;
    for (int i = 0; i < rank; i++) {
        chunk[i] = dims[i];
        bytes *= dims[i];
    }
    for (int i = 0; i < rank && bytes > CHUNK_BYTES; i++) {
        while (chunk[i] > 1 && bytes > CHUNK_BYTES) {
            hsize_t half = (chunk[i] + 1) / 2;
            bytes = bytes / chunk[i] * half;
            chunk[i] = half;
        }
    }
}

/* Dataset creation properties: no times, attribute order tracked, and for
 * variables (chunked != 0, non-empty, rank > 0) chunking plus filters. */
static hid_t make_dcpl(int chunked, int rank, const hsize_t *dims, int level)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t chunk[MAX_RANK];
    size_t n = 1;

    if (dcpl < 0) return -1;
    if (H5Pset_obj_track_times(dcpl, 0) < 0 ||
        H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0)
        goto fail;
    for (int i = 0; i < rank; i++) n *= (size_t)dims[i];
    if (chunked && rank > 0 && n > 0) {
        choose_chunk(rank, dims, chunk);
        if (H5Pset_chunk(dcpl, rank, chunk) < 0) goto fail;
        if (level > 0 && (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, (unsigned)level) < 0))
            goto fail;
    }
    return dcpl;
fail:
    H5Pclose(dcpl);
    return -1;
}

/* Properties of a reserved variable: contiguous, allocated and filled at
 * creation, so later raw writes never touch metadata. */
static hid_t make_reserved_dcpl(hid_t type, const void *fill)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0) return -1;
    if (H5Pset_obj_track_times(dcpl, 0) < 0 ||
        H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_layout(dcpl, H5D_CONTIGUOUS) < 0 || H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) < 0 ||
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC) < 0 || H5Pset_fill_value(dcpl, type, fill) < 0) {
        H5Pclose(dcpl);
        return -1;
    }
    return dcpl;
}

/* Create a dataset of file type `type` over the given dims; chunked < 0:
 * reserved (see make_reserved_dcpl) with the fill value *fill. */
static hid_t create_dataset_fill(writer *w, hid_t file, const char *name, hid_t type, int rank,
                                 const hsize_t *dims, int chunked, int level, const void *fill)
{
    hid_t space, dcpl, ds = -1;

    space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
    if (space < 0) {
        h5_fail(w, "dataspace for", name);
        return -1;
    }
    dcpl = chunked < 0 ? make_reserved_dcpl(type, fill) : make_dcpl(chunked, rank, dims, level);
    if (dcpl < 0) {
        H5Sclose(space);
        h5_fail(w, "creation properties for", name);
        return -1;
    }
    ds = H5Dcreate2(file, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds < 0) h5_fail(w, "dataset", name);
    H5Pclose(dcpl);
    H5Sclose(space);
    return ds;
}

static hid_t create_dataset(writer *w, hid_t file, const char *name, hid_t type, int rank,
                            const hsize_t *dims, int chunked, int level)
{
    return create_dataset_fill(w, file, name, type, rank, dims, chunked, level, NULL);
}

/* The _FillValue attribute (netCDF's missing-value convention) of type. */
static int put_fill_attr(writer *w, hid_t ds, hid_t type, const void *fill)
{
    hid_t space = H5Screate(H5S_SCALAR), attr = -1;
    int status = SIM_OK;
    if (space < 0 || (attr = H5Acreate2(ds, "_FillValue", type, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Awrite(attr, type == H5T_STD_I8LE ? H5T_NATIVE_INT8 : type == H5T_STD_I32LE ? H5T_NATIVE_INT32
                       : type == H5T_STD_I64LE ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, fill) < 0)
        status = h5_fail(w, "attribute _FillValue of", NULL);
    if (attr >= 0) H5Aclose(attr);
    if (space >= 0) H5Sclose(space);
    return status;
}

/* Write doubles holding whole numbers to an int64 dataset, converting a block
 * of leading-dimension rows at a time. */
static int write_counts(writer *w, hid_t ds, const char *name, int rank, const hsize_t *dims,
                        const double *data)
{
    size_t inner = 1, rows, total, block_rows;
    int64_t *buf;
    int status = SIM_OK;

    for (int i = 1; i < rank; i++) inner *= (size_t)dims[i];
    rows = rank > 0 ? (size_t)dims[0] : 1;
    total = rows * inner;
    if (total == 0) return SIM_OK;
    block_rows = inner >= BLOCK_ELEMS ? 1 : BLOCK_ELEMS / inner;
    if (block_rows > rows) block_rows = rows;
    buf = malloc(block_rows * inner * sizeof *buf);
    if (!buf) return sim_error_set(w->err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");

    for (size_t r0 = 0; r0 < rows && status == SIM_OK; r0 += block_rows) {
        size_t nr = rows - r0 < block_rows ? rows - r0 : block_rows;
        const double *src = data + r0 * inner;
        hid_t fspace = -1, mspace = -1;
        herr_t rc;

        for (size_t k = 0; k < nr * inner; k++) buf[k] = to_int64(src[k]);
        if (nr == rows) {
            rc = H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        } else {
            hsize_t start[MAX_RANK] = {0}, count[MAX_RANK];
            for (int i = 0; i < rank; i++) count[i] = dims[i];
            start[0] = r0;
            count[0] = nr;
            fspace = H5Dget_space(ds);
            mspace = H5Screate_simple(rank, count, NULL);
            rc = -1;
            if (fspace >= 0 && mspace >= 0 &&
                H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0)
                rc = H5Dwrite(ds, H5T_NATIVE_INT64, mspace, fspace, H5P_DEFAULT, buf);
            if (mspace >= 0) H5Sclose(mspace);
            if (fspace >= 0) H5Sclose(fspace);
        }
        if (rc < 0) status = h5_fail(w, "data of", name);
    }
    free(buf);
    return status;
}

/* The coordinate dataset of one dimension, made a dimension scale; left open
 * in *scale for attaching. */
static int write_dim(writer *w, hid_t file, const out_dim *d, hid_t *scale)
{
    hsize_t n = d->size;
    hid_t ds = -1, strtype = -1;
    int status = SIM_OK;
    herr_t rc = 0;

    *scale = -1;
    if (d->labels) {
        strtype = H5Tcopy(H5T_C_S1);
        if (strtype < 0 || H5Tset_size(strtype, H5T_VARIABLE) < 0 ||
            H5Tset_cset(strtype, H5T_CSET_UTF8) < 0) {
            status = h5_fail(w, "string type for", d->name);
            goto done;
        }
        ds = create_dataset(w, file, d->name, strtype, 1, &n, 0, 0);
        if (ds < 0) {
            status = SIM_EIO;
            goto done;
        }
        if (n > 0) rc = H5Dwrite(ds, strtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, d->labels);
    } else if (d->values && !d->values_are_int) {
        ds = create_dataset(w, file, d->name, H5T_IEEE_F64LE, 1, &n, 0, 0);
        if (ds < 0) {
            status = SIM_EIO;
            goto done;
        }
        if (n > 0) rc = H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, d->values);
    } else {
        /* int64 coordinates: the values, or 0..size-1 when there are none */
        int64_t *buf = malloc((n > 0 ? n : 1) * sizeof *buf);
        if (!buf) {
            status = sim_error_set(w->err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto done;
        }
        for (size_t k = 0; k < n; k++)
            buf[k] = d->values ? to_int64(d->values[k]) : (int64_t)k;
        ds = create_dataset(w, file, d->name, H5T_STD_I64LE, 1, &n, 0, 0);
        if (ds >= 0 && n > 0) rc = H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        free(buf);
        if (ds < 0) {
            status = SIM_EIO;
            goto done;
        }
    }
    if (rc < 0) {
        status = h5_fail(w, "coordinates of", d->name);
        goto done;
    }
    if (H5DSset_scale(ds, d->name) < 0) {
        status = h5_fail(w, "dimension scale", d->name);
        goto done;
    }
    status = put_var_attrs(w, ds, d->long_name, d->units);
done:
    if (strtype >= 0) H5Tclose(strtype);
    if (status == SIM_OK) {
        *scale = ds;
    } else if (ds >= 0) {
        H5Dclose(ds);
    }
    return status;
}

static int write_var(writer *w, hid_t file, const out_spec *spec, const out_var *v,
                     const hid_t *scales)
{
    hsize_t dims[MAX_RANK];
    hid_t ds;
    int status = SIM_OK;

    for (int k = 0; k < v->ndims; k++) dims[k] = spec->dims[v->dims[k]].size;
    if (!v->data) {
        /* reserved: filled in later by raw writes */
        static const int8_t flag_fill = 0;
        static const int64_t count_fill = -1;
        static const int32_t count32_fill = -1;
        const double real_fill = NAN;
        hid_t type = v->is_flag ? H5T_STD_I8LE : v->is_count == 2 ? H5T_STD_I32LE
                   : v->is_count ? H5T_STD_I64LE : H5T_IEEE_F64LE;
        const void *fill = v->is_flag ? (const void *)&flag_fill
                           : v->is_count == 2 ? (const void *)&count32_fill
                           : v->is_count ? (const void *)&count_fill : (const void *)&real_fill;
        ds = create_dataset_fill(w, file, v->name, type, v->ndims, dims, -1, 0, fill);
        if (ds < 0) return SIM_EIO;
        if (!v->is_flag) status = put_fill_attr(w, ds, type, fill);
    } else {
        ds = create_dataset(w, file, v->name, v->is_count ? H5T_STD_I64LE : H5T_IEEE_F64LE,
                            v->ndims, dims, 1, spec->compression);
        if (ds < 0) return SIM_EIO;
    }

    if (!v->data) {
        /* nothing to write yet */
    } else if (v->is_count) {
        status = write_counts(w, ds, v->name, v->ndims, dims, v->data);
    } else {
        int empty = 0;
        for (int k = 0; k < v->ndims; k++) empty |= dims[k] == 0;
        if (!empty && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v->data) < 0)
            status = h5_fail(w, "data of", v->name);
    }
    for (int k = 0; k < v->ndims && status == SIM_OK; k++)
        if (H5DSattach_scale(ds, scales[v->dims[k]], (unsigned)k) < 0)
            status = h5_fail(w, "dimension scale attachment of", v->name);
    if (status == SIM_OK) status = put_var_attrs(w, ds, v->long_name, v->units);
    if (status == SIM_OK && v->coordinates) status = put_text_attr(w, ds, "coordinates", v->coordinates);
    if (H5Dclose(ds) < 0 && status == SIM_OK) status = h5_fail(w, "dataset", v->name);
    return status;
}

/* Everything HDF5: build the file in memory (core driver, no backing store)
 * and hand back its image in *image (malloc'ed, *size bytes).
 *
 * HDF5 never touches the disk: with the sec2 driver a failed write (disk
 * full) makes H5Fclose fail and leaves the file open inside the library,
 * which HDF5 1.10 then crashes on at exit.  Writing the image ourselves keeps
 * every I/O error in our hands. */
static int build_image(writer *w, const char *name, const out_spec *spec, void **image,
                       size_t *size)
{
    hid_t fcpl = -1, fapl = -1, file = -1;
    hid_t *scales = NULL;
    ssize_t n;
    int status = SIM_OK;

    *image = NULL;
    *size = 0;
    scales = malloc((spec->ndims > 0 ? (size_t)spec->ndims : 1) * sizeof *scales);
    if (!scales) return sim_error_set(w->err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (int i = 0; i < spec->ndims; i++) scales[i] = -1;

    fcpl = H5Pcreate(H5P_FILE_CREATE);
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fcpl < 0 || fapl < 0 ||
        H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_obj_track_times(fcpl, 0) < 0 ||
        H5Pset_fapl_core(fapl, IMAGE_INCREMENT, 0) < 0) {
        status = h5_fail(w, "file properties", NULL);
        goto done;
    }
    file = H5Fcreate(name, H5F_ACC_TRUNC, fcpl, fapl);
    if (file < 0) {
        status = h5_fail(w, "file", NULL);
        goto done;
    }

    for (int i = 0; i < spec->nattrs && status == SIM_OK; i++) {
        const out_attr *a = &spec->attrs[i];
        status = a->text ? put_text_attr(w, file, a->name, a->text)
                         : put_number_attr(w, file, a->name, a->number, a->is_int);
    }
    for (int i = 0; i < spec->ndims && status == SIM_OK; i++)
        status = write_dim(w, file, &spec->dims[i], &scales[i]);
    for (int i = 0; i < spec->nvars && status == SIM_OK; i++)
        status = write_var(w, file, spec, &spec->vars[i], scales);

    for (int i = 0; i < spec->ndims; i++)
        if (scales[i] >= 0 && H5Dclose(scales[i]) < 0 && status == SIM_OK)
            status = h5_fail(w, "dataset", spec->dims[i].name);
    if (status == SIM_OK && H5Fflush(file, H5F_SCOPE_GLOBAL) < 0)
        status = h5_fail(w, "file", NULL);
    if (status == SIM_OK) {
        n = H5Fget_file_image(file, NULL, 0);
        if (n <= 0) {
            status = h5_fail(w, "file image", NULL);
        } else if (!(*image = malloc((size_t)n))) {
            status = sim_error_set(w->err, SIM_ENOMEM, NULL, 0, 0, NULL,
                                   "out of memory for the %zd-byte image of %s", n, w->path);
        } else if (H5Fget_file_image(file, *image, (size_t)n) != n) {
            status = h5_fail(w, "file image", NULL);
        } else {
            *size = (size_t)n;
        }
    }
    if (H5Fclose(file) < 0 && status == SIM_OK) status = h5_fail(w, "file", NULL);
    if (status != SIM_OK) {
        free(*image);
        *image = NULL;
        *size = 0;
    }
done:
    if (fapl >= 0) H5Pclose(fapl);
    if (fcpl >= 0) H5Pclose(fcpl);
    free(scales);
    return status;
}

/* Write the image to tmp and fsync it; *created tells whether tmp is ours to
 * remove. */
static int write_image(writer *w, const char *tmp, const void *image, size_t size,
                       int *created)
{
    const char *p = image;
    int fd, e;

    *created = 0;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        return sim_error_set(w->err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: %s: %s",
                             w->path, tmp, strerror(errno));
    *created = 1;
    while (size > 0) {
        ssize_t k = write(fd, p, size);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            e = k < 0 ? errno : ENOSPC;
            close(fd);
            return sim_error_set(w->err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: %s",
                                 w->path, strerror(e));
        }
        p += k;
        size -= (size_t)k;
    }
    if (fsync(fd) != 0) {
        e = errno;
        close(fd);
        return sim_error_set(w->err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: fsync: %s",
                             w->path, strerror(e));
    }
    if (close(fd) != 0)
        return sim_error_set(w->err, SIM_EIO, NULL, 0, 0, NULL, "cannot write %s: close: %s",
                             w->path, strerror(errno));
    return SIM_OK;
}

/* fsync a directory, so a rename in it is durable; best effort. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)fsync(fd);
    close(fd);
}

/* Move tmp onto path: rename with force, otherwise link (fails if path
 * appeared meanwhile) then unlink tmp. */
static int publish(writer *w, const char *tmp, int force)
{
    struct stat st;
    if (!force) {
        if (link(tmp, w->path) == 0) {
            unlink(tmp);
            return SIM_OK;
        }
        if (errno == EEXIST)
            return sim_error_set(w->err, SIM_EINPUT, NULL, 0, 0, NULL,
                                 "%s exists; use --force to overwrite", w->path);
        /* no hard links on this file system: check, then rename */
        if (lstat(w->path, &st) == 0)
            return sim_error_set(w->err, SIM_EINPUT, NULL, 0, 0, NULL,
                                 "%s exists; use --force to overwrite", w->path);
    }
    if (rename(tmp, w->path) != 0)
        return sim_error_set(w->err, SIM_EIO, NULL, 0, 0, NULL, "cannot rename %s to %s: %s",
                             tmp, w->path, strerror(errno));
    return SIM_OK;
}

int output_write(const char *path, int force, const out_spec *spec, sim_error *err)
{
    writer w = {path, err};
    H5E_auto2_t old_func = NULL;
    void *old_data = NULL;
    char *tmp = NULL, *dir = NULL;
    void *image = NULL;
    size_t len, size = 0;
    int status, created = 0;

    status = validate(spec, err);
    if (status != SIM_OK) return status;
    status = output_check_target(path, force, err);
    if (status != SIM_OK) return status;

    len = strlen(path) + 32;
    tmp = malloc(len);
    dir = dir_of(path);
    if (!tmp || !dir) {
        free(tmp);
        free(dir);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    snprintf(tmp, len, "%s.tmp-%ld", path, (long)getpid());

    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    status = build_image(&w, tmp, spec, &image, &size);
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);

    if (status == SIM_OK) status = write_image(&w, tmp, image, size, &created);
    free(image);
    if (status == SIM_OK) status = publish(&w, tmp, force);
    if (status == SIM_OK)
        sync_dir(dir);
    else if (created)
        unlink(tmp);
    free(tmp);
    free(dir);
    return status;
}

/* Open path read-only with HDF5's error printing off; -1 on failure. */
static hid_t open_quiet(const char *path, H5E_auto2_t *old_func, void **old_data)
{
    H5Eget_auto2(H5E_DEFAULT, old_func, old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
}

static void close_quiet(hid_t file, H5E_auto2_t old_func, void *old_data)
{
    if (file >= 0) H5Fclose(file);
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
}

int output_offsets(const char *path, const char *const *names, int n, long long *offsets,
                   sim_error *err)
{
    H5E_auto2_t old_func = NULL;
    void *old_data = NULL;
    hid_t file = open_quiet(path, &old_func, &old_data);
    int status = SIM_OK;

    if (file < 0)
        status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot read %s: not an HDF5 file", path);
    for (int i = 0; i < n && status == SIM_OK; i++) {
        hid_t ds = H5Dopen2(file, names[i], H5P_DEFAULT);
        haddr_t addr = ds >= 0 ? H5Dget_offset(ds) : HADDR_UNDEF;
        if (ds >= 0) H5Dclose(ds);
        if (addr == HADDR_UNDEF)
            status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL,
                                   "cannot read %s: no contiguous variable %s", path, names[i]);
        else
            offsets[i] = (long long)addr;
    }
    close_quiet(file, old_func, old_data);
    return status;
}

int output_text_attr(const char *path, const char *name, char **text, sim_error *err)
{
    H5E_auto2_t old_func = NULL;
    void *old_data = NULL;
    hid_t file = open_quiet(path, &old_func, &old_data), attr = -1, type = -1;
    int status = SIM_OK;
    size_t size = 0;

    *text = NULL;
    if (file >= 0) attr = H5Aopen(file, name, H5P_DEFAULT);
    if (attr >= 0) type = H5Aget_type(attr);
    if (type >= 0 && H5Tget_class(type) == H5T_STRING && !H5Tis_variable_str(type)) size = H5Tget_size(type);
    if (size == 0) {
        status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot read %s: %s", path,
                               file < 0 ? "not an HDF5 file" : "no text attribute");
        if (file >= 0) snprintf(err->msg + strlen(err->msg), 80, " \"%s\"", name);
    } else if (!(*text = calloc(size + 1, 1))) {
        status = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    } else if (H5Aread(attr, type, *text) < 0) {
        free(*text);
        *text = NULL;
        status = sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "cannot read %s: attribute %s", path, name);
    }
    if (type >= 0) H5Tclose(type);
    if (attr >= 0) H5Aclose(attr);
    close_quiet(file, old_func, old_data);
    return status;
}
