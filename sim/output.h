/* output.h: write a tidy, self-describing HDF5 file (netCDF-4 conventions).
 *
 * The caller describes dimensions (each with a coordinate variable of the
 * same name, made an HDF5 dimension scale), variables over those dimensions,
 * and global attributes.  The file opens as named, labelled arrays in xarray,
 * ncdump, h5py, R and HDFView.  Variables are chunked and compressed
 * (shuffle + deflate); object times are not tracked, so the same data gives
 * the same datasets byte for byte.
 *
 * Nothing is lost: the file is written under a temporary name in the target
 * directory and renamed only when complete; an existing file is replaced only
 * with force; on any failure (disk full, permission) the temporary file is
 * removed and an error naming the path is returned.
 *
 * Ownership: the spec and everything it points to stay the caller's. */
#ifndef SIM_OUTPUT_H
#define SIM_OUTPUT_H

#include <stddef.h>
#include "error.h"

typedef struct out_dim {
    const char *name;          /* "replicate", "time", "generation", ... */
    size_t size;
    const char *long_name;
    const char *units;         /* NULL for none; "days" for time */
    const double *values;      /* numeric coordinates (size values), or NULL */
    int values_are_int;        /* 1: write coordinates as int64 */
    const char *const *labels; /* string coordinates (size labels), or NULL */
} out_dim;

#define OUT_MAX_RANK 6

typedef struct out_var {
    const char *name;
    const char *long_name;
    const char *units;         /* "agents", "1", ... */
    int is_count;              /* 1: whole numbers, written as int64; 2: as int32 (reserved
                                  variables only: half the bytes); 0: float64 */
    int ndims;
    int dims[OUT_MAX_RANK];    /* indices into spec->dims, slowest varying first */
    const double *data;        /* row-major, product of the dims' sizes; NULL: reserved */
    const char *coordinates;   /* CF "coordinates" attribute, or NULL */
    int is_flag;               /* 1: int8 (0/1), fill 0 (with data NULL only) */
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
    int compression;           /* deflate level 0..9 */
} out_spec;

/* A variable with data == NULL is reserved for filling in later by raw
 * writes (experiment files): it is stored contiguous and uncompressed, its
 * space allocated and set to the fill value when the file is created
 * (_FillValue -1 for counts, NaN for reals, 0 for flags), so that later
 * writes into it never change the file's metadata and a file cut off between
 * them stays valid.  output_offset gives where its bytes start. */

/* Check before a long run that path can be written: SIM_EINPUT if it exists
 * and force is 0, SIM_EIO if its directory does not exist or is not writable. */
int output_check_target(const char *path, int force, sim_error *err);

/* Write the file described by spec to path (atomically, see above). */
int output_write(const char *path, int force, const out_spec *spec, sim_error *err);

/* Byte offsets in the file at path of the reserved (contiguous) variables
 * names[0..n-1], whose elements are little-endian int64 (counts), float64 or
 * int8 (flags) in row-major order.  SIM_EIO when the file cannot be read or
 * lacks one of them. */
int output_offsets(const char *path, const char *const *names, int n, long long *offsets,
                   sim_error *err);

/* The text attribute name of the root group of path, in a malloc'd string
 * (*text, the caller frees).  SIM_EIO when there is none. */
int output_text_attr(const char *path, const char *name, char **text, sim_error *err);

#endif
