/* test_output.c: tests of the HDF5 / netCDF-4 writer (sim/output.c): values,
 * types, attributes and dimension scales read back through the HDF5 C API;
 * h5py, xarray, h5dump and ncdump read the file; identical datasets for
 * identical input; overwrite protection; failures (missing directory, full
 * disk, HDF5 error, bad spec) leave no file behind. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "output.h"

#define PYTHON "/usr/bin/python3"
#define READER "tests/read_output.py"

/* ---- the sample spec (tests/read_output.py knows its values) ------------- */

static const char *const gen_labels[4] = {"gen_z", "millennial", "gen_x", "boomer"};

typedef struct sample {
    double time[5];
    double counts[10];
    double reals[40];
    out_dim dims[3];
    out_var vars[2];
    out_attr attrs[3];
    out_spec spec;
} sample;

/* dims replicate(2), time(5, days), generation(4 labels); adopters[i] = i,
 * share[i] = i + 0.5; globals title, seed, p.  s must not be copied. */
static void sample_init(sample *s, int compression)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 5; i++) s->time[i] = 30.0 * i;
    for (int i = 0; i < 10; i++) s->counts[i] = i;
    for (int i = 0; i < 40; i++) s->reals[i] = i + 0.5;
    s->dims[0] = (out_dim){"replicate", 2, "replicate", NULL, NULL, 1, NULL};
    s->dims[1] = (out_dim){"time", 5, "time", "days", s->time, 1, NULL};
    s->dims[2] = (out_dim){"generation", 4, "generation", NULL, NULL, 0, gen_labels};
    s->vars[0] = (out_var){"adopters", "cumulative adopters", "agents", 1, 2, {0, 1, 0, 0},
                           s->counts, NULL, 0};
    s->vars[1] = (out_var){"share", "share of adopters by generation", "1", 0, 3, {0, 1, 2, 0},
                           s->reals, NULL, 0};
    s->attrs[0] = (out_attr){"title", "adoptsim output test", 0, 0};
    s->attrs[1] = (out_attr){"seed", NULL, 12345, 1};
    s->attrs[2] = (out_attr){"p", NULL, 0.03, 0};
    s->spec = (out_spec){s->dims, 3, s->vars, 2, s->attrs, 3, compression};
}

/* ---- temporary directories and files ------------------------------------------ */

static void tmpdir_make(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/test_output.XXXXXX");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

/* Remove the directory and the files (one level of subdirectories) in it. */
static void tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[1024];
    if (!d) return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0) tmpdir_remove(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Entries in dir (without . and ..); with only_tmp, those named *.tmp-*. */
static int count_entries(const char *dir, int only_tmp)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    cr_assert_not_null(d, "opendir %s", dir);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (!only_tmp || strstr(e->d_name, ".tmp-")) n++;
    }
    closedir(d);
    return n;
}

static int file_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Whole file in a malloc'ed buffer. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    cr_assert_not_null(f, "open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Exit status of a shell command, -1 if it did not exit normally. */
static int run_status(const char *cmd)
{
    int rc = system(cmd);
    return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Standard output of a command (malloc'ed) and its exit status. */
static char *run_capture(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    size_t len = 0, cap = 4096;
    char *out = malloc(cap);
    int rc;
    cr_assert_not_null(p, "popen %s", cmd);
    cr_assert_not_null(out);
    for (;;) {
        size_t got = fread(out + len, 1, cap - len - 1, p);
        len += got;
        if (got == 0) break;
        if (cap - len - 1 == 0) {
            cap *= 2;
            out = realloc(out, cap);
            cr_assert_not_null(out);
        }
    }
    out[len] = '\0';
    rc = pclose(p);
    *status = rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
}

static void write_sample(const char *path, int compression)
{
    sample s;
    sim_error err;
    sample_init(&s, compression);
    sim_error_clear(&err);
    int st = output_write(path, 0, &s.spec, &err);
    cr_assert_eq(st, SIM_OK, "output_write %s: %d %s", path, st, err.msg);
}

/* ---- HDF5 read helpers ------------------------------------------------------ */

/* Fixed- or variable-length string attribute into buf ("" for a null space). */
static void read_text_attr(hid_t obj, const char *name, char *buf, size_t size)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    cr_assert_geq(a, 0, "attribute %s missing", name);
    hid_t t = H5Aget_type(a), sp = H5Aget_space(a);
    cr_assert_eq(H5Tget_class(t), H5T_STRING, "attribute %s is not a string", name);
    cr_assert_eq(H5Tis_variable_str(t), 0, "attribute %s: want fixed-length text", name);
    if (H5Sget_simple_extent_type(sp) == H5S_NULL) {
        buf[0] = '\0';
    } else {
        size_t n = H5Tget_size(t);
        cr_assert_lt(n, size);
        memset(buf, 0, size);
        cr_assert_geq(H5Aread(a, t, buf), 0);
        buf[n] = '\0';
    }
    H5Sclose(sp);
    H5Tclose(t);
    H5Aclose(a);
}

/* Shape of a dataset; returns its rank. */
static int dataset_shape(hid_t ds, hsize_t *dims)
{
    hid_t sp = H5Dget_space(ds);
    int rank = H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    return rank;
}

static void expect_type(hid_t ds, H5T_class_t cls, const char *name)
{
    hid_t t = H5Dget_type(ds);
    cr_assert_eq(H5Tget_class(t), cls, "%s: wrong type class", name);
    cr_assert_eq(H5Tget_size(t), 8, "%s: want 8-byte elements", name);
    if (cls == H5T_INTEGER) cr_assert_eq(H5Tget_sign(t), H5T_SGN_2, "%s: want signed", name);
    H5Tclose(t);
}

/* ---- tests ------------------------------------------------------------------ */

Test(output, writes_values_types_attributes_and_scales)
{
    char dir[64], path[128], text[256];
    hsize_t dims[4];
    int64_t ibuf[10];
    double dbuf[40];
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/sample.h5", dir);
    write_sample(path, 4);
    cr_assert_eq(count_entries(dir, 0), 1, "only the output file is left");

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0);

    /* creation order tracked and indexed on the root group, no times */
    unsigned flags = 0;
    hbool_t track = 1;
    hid_t root = H5Gopen2(f, "/", H5P_DEFAULT);
    hid_t gcpl = H5Gget_create_plist(root);
    H5Pget_link_creation_order(gcpl, &flags);
    cr_assert_eq(flags, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pget_attr_creation_order(gcpl, &flags);
    cr_assert_eq(flags, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pget_obj_track_times(gcpl, &track);
    cr_assert_eq(track, 0);
    H5Pclose(gcpl);
    H5Gclose(root);

    /* coordinates */
    hid_t rep = H5Dopen2(f, "replicate", H5P_DEFAULT);
    hid_t tim = H5Dopen2(f, "time", H5P_DEFAULT);
    hid_t gen = H5Dopen2(f, "generation", H5P_DEFAULT);
    cr_assert(rep >= 0 && tim >= 0 && gen >= 0);
    expect_type(rep, H5T_INTEGER, "replicate");
    expect_type(tim, H5T_INTEGER, "time");
    cr_assert_eq(dataset_shape(rep, dims), 1);
    cr_assert_eq(dims[0], 2);
    cr_assert_geq(H5Dread(rep, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ibuf), 0);
    cr_assert(ibuf[0] == 0 && ibuf[1] == 1, "replicate defaults to 0..n-1");
    cr_assert_geq(H5Dread(tim, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ibuf), 0);
    for (int i = 0; i < 5; i++) cr_assert_eq(ibuf[i], 30 * i);
    read_text_attr(tim, "units", text, sizeof text);
    cr_assert_str_eq(text, "days");
    read_text_attr(tim, "long_name", text, sizeof text);
    cr_assert_str_eq(text, "time");
    cr_assert_eq(H5Aexists(gen, "units"), 0, "units left out when NULL");

    hid_t gt = H5Dget_type(gen);
    cr_assert_eq(H5Tget_class(gt), H5T_STRING);
    cr_assert_gt(H5Tis_variable_str(gt), 0);
    cr_assert_eq(H5Tget_cset(gt), H5T_CSET_UTF8);
    char *labels[4] = {NULL};
    cr_assert_geq(H5Dread(gen, gt, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels), 0);
    for (int i = 0; i < 4; i++) cr_assert_str_eq(labels[i], gen_labels[i]);
    hid_t gsp = H5Dget_space(gen);
    H5Dvlen_reclaim(gt, gsp, H5P_DEFAULT, labels);
    H5Sclose(gsp);
    H5Tclose(gt);

    /* variables */
    hid_t ad = H5Dopen2(f, "adopters", H5P_DEFAULT);
    hid_t sh = H5Dopen2(f, "share", H5P_DEFAULT);
    cr_assert(ad >= 0 && sh >= 0);
    expect_type(ad, H5T_INTEGER, "adopters");
    expect_type(sh, H5T_FLOAT, "share");
    cr_assert_eq(dataset_shape(ad, dims), 2);
    cr_assert(dims[0] == 2 && dims[1] == 5);
    cr_assert_eq(dataset_shape(sh, dims), 3);
    cr_assert(dims[0] == 2 && dims[1] == 5 && dims[2] == 4);
    cr_assert_geq(H5Dread(ad, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ibuf), 0);
    for (int i = 0; i < 10; i++) cr_assert_eq(ibuf[i], i);
    cr_assert_geq(H5Dread(sh, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, dbuf), 0);
    for (int i = 0; i < 40; i++) cr_assert_eq(dbuf[i], i + 0.5);
    read_text_attr(ad, "units", text, sizeof text);
    cr_assert_str_eq(text, "agents");
    read_text_attr(sh, "long_name", text, sizeof text);
    cr_assert_str_eq(text, "share of adopters by generation");

    /* creation properties: chunked, shuffle + deflate, no times, attribute order */
    hid_t dcpl = H5Dget_create_plist(ad);
    track = 1;
    cr_assert_eq(H5Pget_layout(dcpl), H5D_CHUNKED);
    cr_assert_eq(H5Pget_nfilters(dcpl), 2);
    H5Pget_obj_track_times(dcpl, &track);
    cr_assert_eq(track, 0);
    H5Pget_attr_creation_order(dcpl, &flags);
    cr_assert_eq(flags, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pclose(dcpl);
    dcpl = H5Dget_create_plist(gen);
    H5Pget_attr_creation_order(dcpl, &flags);
    cr_assert_eq(flags, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pclose(dcpl);

    /* dimension scales */
    cr_assert_gt(H5DSis_scale(rep), 0);
    cr_assert_gt(H5DSis_scale(tim), 0);
    cr_assert_gt(H5DSis_scale(gen), 0);
    cr_assert_eq(H5DSis_scale(ad), 0);
    char sname[64];
    cr_assert_gt(H5DSget_scale_name(gen, sname, sizeof sname), 0);
    cr_assert_str_eq(sname, "generation");
    cr_assert_gt(H5DSis_attached(ad, rep, 0), 0);
    cr_assert_gt(H5DSis_attached(ad, tim, 1), 0);
    cr_assert_eq(H5DSis_attached(ad, tim, 0), 0);
    cr_assert_gt(H5DSis_attached(sh, rep, 0), 0);
    cr_assert_gt(H5DSis_attached(sh, tim, 1), 0);
    cr_assert_gt(H5DSis_attached(sh, gen, 2), 0);

    /* global attributes */
    read_text_attr(f, "title", text, sizeof text);
    cr_assert_str_eq(text, "adoptsim output test");
    hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
    hid_t at = H5Aget_type(a);
    int64_t seed = 0;
    cr_assert_eq(H5Tget_class(at), H5T_INTEGER);
    cr_assert_eq(H5Tget_size(at), 8);
    H5Aread(a, H5T_NATIVE_INT64, &seed);
    cr_assert_eq(seed, 12345);
    H5Tclose(at);
    H5Aclose(a);
    a = H5Aopen(f, "p", H5P_DEFAULT);
    at = H5Aget_type(a);
    double p = 0;
    cr_assert_eq(H5Tget_class(at), H5T_FLOAT);
    cr_assert_eq(H5Tget_size(at), 8);
    H5Aread(a, H5T_NATIVE_DOUBLE, &p);
    cr_assert_eq(p, 0.03);
    H5Tclose(at);
    H5Aclose(a);

    H5Dclose(ad);
    H5Dclose(sh);
    H5Dclose(rep);
    H5Dclose(tim);
    H5Dclose(gen);
    H5Fclose(f);
    tmpdir_remove(dir);
}

Test(output, python_h5py_and_xarray_read_it)
{
    char dir[64], path[128], cmd[512];
    if (access(PYTHON, X_OK) != 0) cr_skip_test("%s not installed", PYTHON);
    cr_assert_eq(access(READER, R_OK), 0, "%s not found: run the tests from the repository root",
                 READER);
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/sample.h5", dir);
    write_sample(path, 4);
    snprintf(cmd, sizeof cmd, "%s %s %s", PYTHON, READER, path);
    cr_assert_eq(run_status(cmd), 0, "%s failed", cmd);
    tmpdir_remove(dir);
}

Test(output, h5dump_and_ncdump_read_it)
{
    char dir[64], path[128], cmd[512];
    int st;
    if (run_status("command -v ncdump >/dev/null 2>&1") != 0 ||
        run_status("command -v h5dump >/dev/null 2>&1") != 0)
        cr_skip_test("ncdump or h5dump not installed");
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/sample.h5", dir);
    write_sample(path, 4);

    snprintf(cmd, sizeof cmd, "h5dump -H %s", path);
    free(run_capture(cmd, &st));
    cr_assert_eq(st, 0, "%s failed", cmd);

    snprintf(cmd, sizeof cmd, "ncdump -h %s", path);
    char *out = run_capture(cmd, &st);
    cr_assert_eq(st, 0, "%s failed", cmd);
    const char *want[] = {"replicate = 2 ;", "time = 5 ;", "generation = 4 ;",
                          "int64 time(time) ;", "string generation(generation) ;",
                          "int64 adopters(replicate, time) ;",
                          "double share(replicate, time, generation) ;",
                          "time:units = \"days\" ;", "adopters:units = \"agents\" ;",
                          ":title = \"adoptsim output test\" ;", ":seed = 12345LL ;",
                          ":p = 0.03 ;"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert_not_null(strstr(out, want[i]), "ncdump -h lacks '%s':\n%s", want[i], out);
    free(out);
    tmpdir_remove(dir);
}

/* Compare one dataset of two files: type, shape, values and stored chunks. */
static void compare_dataset(hid_t f1, hid_t f2, const char *name)
{
    hid_t d1 = H5Dopen2(f1, name, H5P_DEFAULT), d2 = H5Dopen2(f2, name, H5P_DEFAULT);
    cr_assert(d1 >= 0 && d2 >= 0, "%s missing", name);
    hid_t t1 = H5Dget_type(d1), t2 = H5Dget_type(d2);
    cr_assert_gt(H5Tequal(t1, t2), 0, "%s: types differ", name);
    hsize_t dims1[4], dims2[4];
    int rank = dataset_shape(d1, dims1);
    cr_assert_eq(dataset_shape(d2, dims2), rank);
    size_t n = 1;
    for (int i = 0; i < rank; i++) {
        cr_assert_eq(dims1[i], dims2[i]);
        n *= dims1[i];
    }
    if (H5Tis_variable_str(t1) > 0) {
        char **s1 = calloc(n, sizeof *s1), **s2 = calloc(n, sizeof *s2);
        H5Dread(d1, t1, H5S_ALL, H5S_ALL, H5P_DEFAULT, s1);
        H5Dread(d2, t2, H5S_ALL, H5S_ALL, H5P_DEFAULT, s2);
        for (size_t i = 0; i < n; i++) cr_assert_str_eq(s1[i], s2[i]);
        hid_t sp = H5Dget_space(d1);
        H5Dvlen_reclaim(t1, sp, H5P_DEFAULT, s1);
        H5Dvlen_reclaim(t2, sp, H5P_DEFAULT, s2);
        H5Sclose(sp);
        free(s1);
        free(s2);
    } else {
        size_t bytes = n * H5Tget_size(t1);
        char *b1 = malloc(bytes), *b2 = malloc(bytes);
        cr_assert_geq(H5Dread(d1, t1, H5S_ALL, H5S_ALL, H5P_DEFAULT, b1), 0);
        cr_assert_geq(H5Dread(d2, t2, H5S_ALL, H5S_ALL, H5P_DEFAULT, b2), 0);
        cr_assert_eq(memcmp(b1, b2, bytes), 0, "%s: values differ", name);
        free(b1);
        free(b2);
    }
    cr_assert_eq(H5Dget_storage_size(d1), H5Dget_storage_size(d2), "%s: storage differs", name);

    /* compressed chunks byte for byte */
    hid_t dcpl = H5Dget_create_plist(d1);
    if (H5Pget_layout(dcpl) == H5D_CHUNKED) {
        hid_t sp = H5Dget_space(d1);
        hsize_t nchunks = 0;
        H5Dget_num_chunks(d1, sp, &nchunks);
        cr_assert_gt(nchunks, 0);
        for (hsize_t c = 0; c < nchunks; c++) {
            hsize_t off[4], size1 = 0, size2 = 0;
            unsigned mask;
            haddr_t addr;
            uint32_t filt1 = 0, filt2 = 0;
            H5Dget_chunk_info(d1, sp, c, off, &mask, &addr, &size1);
            H5Dget_chunk_storage_size(d2, off, &size2);
            cr_assert_eq(size1, size2, "%s: chunk %d sizes differ", name, (int)c);
            char *c1 = malloc(size1), *c2 = malloc(size2);
            cr_assert_geq(H5Dread_chunk(d1, H5P_DEFAULT, off, &filt1, c1), 0);
            cr_assert_geq(H5Dread_chunk(d2, H5P_DEFAULT, off, &filt2, c2), 0);
            cr_assert_eq(memcmp(c1, c2, size1), 0, "%s: chunk %d bytes differ", name, (int)c);
            free(c1);
            free(c2);
        }
        H5Sclose(sp);
    }
    H5Pclose(dcpl);
    H5Tclose(t1);
    H5Tclose(t2);
    H5Dclose(d1);
    H5Dclose(d2);
}

Test(output, same_spec_gives_identical_datasets)
{
    char dir[64], p1[128], p2[128], cmd[512];
    const char *names[] = {"replicate", "time", "generation", "adopters", "share"};
    tmpdir_make(dir, sizeof dir);
    snprintf(p1, sizeof p1, "%s/one.h5", dir);
    snprintf(p2, sizeof p2, "%s/two.h5", dir);
    write_sample(p1, 6);
    sleep(1); /* a tracked modification time would now differ */
    write_sample(p2, 6);

    hid_t f1 = H5Fopen(p1, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t f2 = H5Fopen(p2, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(f1 >= 0 && f2 >= 0);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) compare_dataset(f1, f2, names[i]);
    H5Fclose(f1);
    H5Fclose(f2);

    if (run_status("command -v h5diff >/dev/null 2>&1") == 0) {
        snprintf(cmd, sizeof cmd, "h5diff %s %s", p1, p2);
        cr_assert_eq(run_status(cmd), 0, "%s reports differences", cmd);
    }
    tmpdir_remove(dir);
}

Test(output, refuses_to_overwrite_without_force)
{
    char dir[64], path[128];
    size_t len0, len1;
    sample s;
    sim_error err;
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.h5", dir);
    write_sample(path, 4);
    char *before = slurp(path, &len0);

    sample_init(&s, 4);
    for (int i = 0; i < 10; i++) s.counts[i] = 100 + i;
    sim_error_clear(&err);
    cr_assert_eq(output_write(path, 0, &s.spec, &err), SIM_EINPUT);
    cr_assert_not_null(strstr(err.msg, path), "message names the path: %s", err.msg);
    cr_assert_not_null(strstr(err.msg, "exists; use --force to overwrite"), "%s", err.msg);
    char *after = slurp(path, &len1);
    cr_assert(len0 == len1 && memcmp(before, after, len0) == 0, "original file changed");
    free(after);
    cr_assert_eq(count_entries(dir, 0), 1);

    sim_error_clear(&err);
    cr_assert_eq(output_write(path, 1, &s.spec, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(count_entries(dir, 0), 1, "no temporary file left");
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(f, "adopters", H5P_DEFAULT);
    int64_t v[10];
    cr_assert_geq(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), 0);
    for (int i = 0; i < 10; i++) cr_assert_eq(v[i], 100 + i, "force replaced the file");
    H5Dclose(ds);
    H5Fclose(f);
    free(before);
    tmpdir_remove(dir);
}

Test(output, check_target)
{
    char dir[64], path[128], sub[128], missing[160];
    sim_error err;
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.h5", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(missing, sizeof missing, "%s/no/such/dir/out.h5", dir);

    cr_assert_eq(output_check_target(path, 0, &err), SIM_OK, "%s", err.msg);
    write_sample(path, 0);
    cr_assert_eq(output_check_target(path, 0, &err), SIM_EINPUT);
    cr_assert_not_null(strstr(err.msg, "exists; use --force to overwrite"), "%s", err.msg);
    cr_assert_eq(output_check_target(path, 1, &err), SIM_OK, "%s", err.msg);

    cr_assert_eq(mkdir(sub, 0755), 0);
    cr_assert_eq(output_check_target(sub, 1, &err), SIM_EIO, "a directory is not a target");
    cr_assert_eq(output_check_target(sub, 0, &err), SIM_EIO);
    cr_assert_eq(output_check_target(missing, 1, &err), SIM_EIO);
    cr_assert_not_null(strstr(err.msg, missing), "%s", err.msg);
    cr_assert_eq(output_check_target("", 1, &err), SIM_EIO);

    /* a bare file name lives in the working directory */
    cr_assert_eq(output_check_target("test_output-no-such-file.h5", 0, &err), SIM_OK,
                 "%s", err.msg);
    tmpdir_remove(dir);
}

Test(output, missing_directory_is_io_error)
{
    char dir[64], path[160];
    sample s;
    sim_error err;
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/nope/out.h5", dir);
    sample_init(&s, 4);
    sim_error_clear(&err);
    cr_assert_eq(output_write(path, 1, &s.spec, &err), SIM_EIO);
    cr_assert_not_null(strstr(err.msg, path), "message names the path: %s", err.msg);
    cr_assert_eq(count_entries(dir, 0), 0, "nothing written");
    tmpdir_remove(dir);
}

static herr_t test_output_quiet_handler(hid_t stack, void *data)
{
    (void)stack;
    (void)data;
    return 0;
}

/* A temporary name taken by a directory is SIM_EIO naming the path, the
 * directory is left alone, and the caller's HDF5 error handler is restored
 * after both failure and success. */
Test(output, blocked_temporary_is_io_error_and_restores_handler)
{
    char dir[64], path[128], blocker[160];
    sample s;
    sim_error err;
    H5E_auto2_t func = NULL;
    void *data = NULL;
    int marker = 0;
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.h5", dir);
    snprintf(blocker, sizeof blocker, "%s.tmp-%ld", path, (long)getpid());
    cr_assert_eq(mkdir(blocker, 0755), 0);

    H5Eset_auto2(H5E_DEFAULT, test_output_quiet_handler, &marker);
    sample_init(&s, 4);
    sim_error_clear(&err);
    cr_assert_eq(output_write(path, 0, &s.spec, &err), SIM_EIO);
    cr_assert_not_null(strstr(err.msg, path), "message names the path: %s", err.msg);
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    cr_assert(func == test_output_quiet_handler && data == &marker, "handler not restored");
    cr_assert(!file_exists(path));
    cr_assert_eq(rmdir(blocker), 0, "the blocking directory is not ours to remove");
    cr_assert_eq(count_entries(dir, 0), 0);

    func = NULL;
    data = NULL;
    cr_assert_eq(output_write(path, 0, &s.spec, &err), SIM_OK, "%s", err.msg);
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    cr_assert(func == test_output_quiet_handler && data == &marker, "handler not restored");
    tmpdir_remove(dir);
}

/* Child of the full-disk test: exit 0 when the failure is handled right. */
static int full_disk_child(const char *dir, const char *path, int compression)
{
    enum { ROWS = 64, COLS = 1024 };
    static double big[ROWS * COLS];
    out_dim dims[2] = {{"row", ROWS, "row", NULL, NULL, 1, NULL},
                       {"col", COLS, "column", NULL, NULL, 1, NULL}};
    out_var vars[2] = {{"counts", "counts", "agents", 1, 2, {0, 1, 0, 0}, big, NULL, 0},
                       {"reals", "reals", "1", 0, 2, {0, 1, 0, 0}, big, NULL, 0}};
    out_spec spec = {dims, 2, vars, 2, NULL, 0, compression};
    struct rlimit lim = {4096, 4096};
    sim_error err;
    for (int i = 0; i < ROWS * COLS; i++) big[i] = (i * 2654435761u) % 1000003u;

    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0) return 10;
    sim_error_clear(&err);
    int st = output_write(path, 0, &spec, &err);
    if (st != SIM_EIO) {
        fprintf(stderr, "full disk: status %d (%s)\n", st, err.msg);
        return 1;
    }
    if (!strstr(err.msg, path)) return 2;
    if (file_exists(path)) return 3;
    if (count_entries(dir, 1) != 0) return 4;
    /* HDF5 must hold no half-closed file: shutting the library down used to
     * crash after a failed H5Fclose */
    if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0) return 5;
    if (H5close() < 0) return 6;
    return 0;
}

Test(output, full_disk_leaves_nothing)
{
    for (int compression = 0; compression <= 1; compression++) {
        char dir[64], path[128];
        int wst = 0;
        tmpdir_make(dir, sizeof dir);
        snprintf(path, sizeof path, "%s/big.h5", dir);
        fflush(NULL);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) _exit(full_disk_child(dir, path, compression));
        cr_assert_eq(waitpid(pid, &wst, 0), pid);
        cr_assert(WIFEXITED(wst), "child died (signal %d)", WIFSIGNALED(wst) ? WTERMSIG(wst) : 0);
        cr_assert_eq(WEXITSTATUS(wst), 0,
                     "compression %d: child code %d (1 status, 2 message, 3 target, 4 temp, 5-6 HDF5)",
                     compression, WEXITSTATUS(wst));
        cr_assert_eq(count_entries(dir, 0), 0);
        tmpdir_remove(dir);
    }
}

Test(output, invalid_spec_is_internal_error)
{
    char dir[64], path[128];
    sample s;
    sim_error err;
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.h5", dir);

    cr_assert_eq(output_write(path, 0, NULL, &err), SIM_EINTERNAL);
    for (int c = 0; c < 10; c++) {
        sample_init(&s, 4);
        switch (c) {
        case 0: s.vars[0].dims[1] = 3; break;             /* dimension index out of range */
        case 1: s.vars[1].dims[0] = -1; break;
        case 2: s.vars[0].ndims = 7; break;               /* rank too high */
        case 3: s.vars[1].is_flag = 1; break;             /* a flag comes without data */
        case 4: s.dims[1].name = ""; break;               /* empty names */
        case 5: s.vars[0].name = ""; break;
        case 6: s.vars[0].name = "time"; break;           /* variable named like a dimension */
        case 7: s.spec.compression = 10; break;
        case 8: s.counts[3] = NAN; break;                 /* count not a number */
        case 9: s.vars[1].name = "adopters"; break;       /* duplicate variable */
        }
        sim_error_clear(&err);
        cr_assert_eq(output_write(path, 0, &s.spec, &err), SIM_EINTERNAL, "case %d", c);
        cr_assert_neq(err.msg[0], '\0', "case %d: message", c);
        cr_assert_eq(count_entries(dir, 0), 0, "case %d: nothing written", c);
    }
    tmpdir_remove(dir);
}

/* Scalar variables, empty dimensions, float coordinates, no filters. */
Test(output, scalar_empty_and_float_coordinates)
{
    char dir[64], path[128];
    double x[3] = {0.25, 0.5, 1.0}, one = 7.0, line[3] = {1, 2, 3};
    out_dim dims[2] = {{"x", 3, "position", "m", x, 0, NULL},
                       {"none", 0, "empty", NULL, NULL, 1, NULL}};
    out_var vars[4] = {{"total", "total", "agents", 1, 0, {0}, &one, NULL, 0},
                       {"line", NULL, NULL, 0, 1, {0}, line, NULL, 0},
                       {"nothing", "empty", "1", 0, 2, {0, 1}, NULL, NULL, 0},
                       {"nocount", "empty", "1", 1, 1, {1}, NULL, NULL, 0}};
    out_spec spec = {dims, 2, vars, 4, NULL, 0, 0};
    sim_error err;
    tmpdir_make(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/edge.h5", dir);
    sim_error_clear(&err);
    cr_assert_eq(output_write(path, 0, &spec, &err), SIM_OK, "%s", err.msg);

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t xd = H5Dopen2(f, "x", H5P_DEFAULT);
    double xv[3];
    expect_type(xd, H5T_FLOAT, "x");
    H5Dread(xd, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, xv);
    cr_assert(xv[0] == 0.25 && xv[1] == 0.5 && xv[2] == 1.0);

    hid_t td = H5Dopen2(f, "total", H5P_DEFAULT);
    int64_t tv = 0;
    expect_type(td, H5T_INTEGER, "total");
    H5Dread(td, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &tv);
    cr_assert_eq(tv, 7);

    hid_t ld = H5Dopen2(f, "line", H5P_DEFAULT);
    cr_assert_eq(H5Aexists(ld, "long_name"), 0);
    hid_t dcpl = H5Dget_create_plist(ld);
    cr_assert_eq(H5Pget_nfilters(dcpl), 0, "compression 0: no filters");
    H5Pclose(dcpl);
    cr_assert_gt(H5DSis_attached(ld, xd, 0), 0);

    hsize_t d[4];
    hid_t nd = H5Dopen2(f, "nothing", H5P_DEFAULT);
    cr_assert_eq(dataset_shape(nd, d), 2);
    cr_assert(d[0] == 3 && d[1] == 0);
    hid_t none = H5Dopen2(f, "none", H5P_DEFAULT);
    cr_assert_gt(H5DSis_attached(nd, none, 1), 0);
    H5Dclose(none);
    H5Dclose(nd);
    H5Dclose(ld);
    H5Dclose(td);
    H5Dclose(xd);
    H5Fclose(f);

    if (run_status("command -v ncdump >/dev/null 2>&1") == 0) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "ncdump %s >/dev/null", path);
        cr_assert_eq(run_status(cmd), 0, "%s failed", cmd);
    }
    tmpdir_remove(dir);
}
