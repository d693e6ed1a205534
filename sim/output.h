/* output.h: the mechanics of writing a tidy, self-describing HDF5 file
 * (netCDF-4 conventions); layout.h decides what goes in it.
 *
 * The caller describes dimensions (each gets a coordinate variable of the
 * same name, made an HDF5 dimension scale), variables over those dimensions
 * and global attributes.  output_create makes the file: link and attribute
 * creation order tracked and indexed, object times off (the same spec and
 * data give the same bytes), `long_name`, `units`, `_FillValue` and CF
 * `coordinates` attributes.  Variables with data are written at creation;
 * the others are chunked, filled later chunk by chunk with output_write_chunk
 * (bytes the caller has already filtered: HDF5's shuffle + deflate when the
 * spec's compression is above 0), or whole with output_write.  Chunks never
 * written read as the fill value; space is allocated as chunks arrive.
 *
 * The file is written under a temporary name; output_close syncs it and
 * output_publish renames it onto the final path and syncs the directory.
 *
 * Ownership: the spec and what it points to stay the caller's; output_create
 * allocates an out_file that output_close frees. */
#ifndef SIM_OUTPUT_H
#define SIM_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#define OUT_MAX_RANK 6

/* OUT_TEXT: UTF-8 strings of any length (HDF5 variable-length strings, netCDF-4
 * NC_STRING), data an array of const char *; written at creation only (data
 * given, no chunks, no fill). */
typedef enum out_type { OUT_INT8, OUT_INT32, OUT_INT64, OUT_F32, OUT_F64, OUT_TEXT } out_type;

typedef struct out_dim {
    const char *name;          /* "scenario", "time", "generation", ... */
    size_t size;
    const char *long_name;
    const char *units;         /* NULL for none; "days" for time */
    const char *const *labels; /* string coordinates (size labels); NULL: int64 values */
    const int32_t *values;     /* without labels: the coordinate's values; NULL: 0..size-1 */
} out_dim;

typedef struct out_var {
    const char *name;
    const char *long_name;
    const char *units;         /* NULL for none */
    out_type type;
    int ndims;
    int dims[OUT_MAX_RANK];    /* indices into spec->dims, slowest varying first */
    const void *data;          /* row-major values in the native type of `type`, written at
                                  creation; NULL: filled later (chunk[] must be set) */
    size_t chunk[OUT_MAX_RANK];/* chunk shape; all 0: contiguous (only with data) */
    int fill;                  /* 1: fill value -1 (integers) or NaN, with a _FillValue
                                  attribute; 0: fill 0, no attribute */
    const char *coordinates;   /* CF "coordinates" attribute, or NULL */
} out_var;

typedef struct out_attr {
    const char *name;
    const char *text;          /* string attribute; NULL for a number */
    double number;
    int is_int;                /* number written as int64 when 1, float64 otherwise */
} out_attr;

typedef struct out_spec {
    const out_dim *dims;
    int ndims;
    const out_var *vars;
    int nvars;
    const out_attr *attrs;     /* global attributes of the root group */
    int nattrs;
    int compression;           /* 0: chunked variables unfiltered; 1..9: shuffle + deflate
                                  at that level */
} out_spec;

typedef struct out_file out_file;

/* Check before a long run that path can be written: SIM_EIO if it is a
 * directory, or its directory does not exist or is not writable. */
int output_check_target(const char *path, sim_error *err);

/* Create the file described by spec at tmp (replacing whatever is there);
 * errors name path, the final name.  HDF5's automatic error printing is off
 * until output_close. */
int output_create(const char *tmp, const char *path, const out_spec *spec, out_file **out,
                  sim_error *err);

/* Store one chunk of variable var (an index into spec->vars) at the element
 * offset off (a multiple of its chunk shape): len bytes exactly as HDF5 keeps
 * them (after its filters, all applied). */
int output_write_chunk(out_file *f, int var, const uint64_t *off, const void *bytes, size_t len);

/* Write all of variable var from data (its native type, row-major). */
int output_write(out_file *f, int var, const void *data);

/* Add attribute a (text or number) to variable var. */
int output_put_var_attr(out_file *f, int var, const out_attr *a);

/* Close everything.  keep: sync the file to disk and return the status;
 * otherwise (after an error) remove it.  f is freed either way.  A file HDF5
 * cannot close after a write error (HDF5 1.10 keeps it open, and crashes on
 * it at exit unless H5dont_atexit was called) is removed from disk all the
 * same. */
int output_close(out_file *f, int keep, sim_error *err);

/* Move tmp onto path and sync the directory: rename when replace, otherwise
 * a hard link that fails if path appeared meanwhile (SIM_EINPUT). */
int output_publish(const char *tmp, const char *path, int replace, sim_error *err);

#endif
