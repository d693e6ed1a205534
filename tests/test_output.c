/* test_output.c: the results file (layout.h, output.c) as readers see it:
 * types, chunks, filters, fill values, attributes and dimension scales read
 * back through the HDF5 C API; the packed chunks hold the bytes HDF5's own
 * shuffle filter makes, in a zlib stream HDF5 reads back to the values
 * (libdeflate's, not zlib's); h5py and xarray decode them to exactly the values the
 * engine computed, compressed or not; h5dump and ncdump read the file; the
 * same experiment gives the same file on 1 and 2 threads; bad specs, blocked
 * temporary names and file size limits leave nothing behind. */
#include <criterion/criterion.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>
#include <zlib.h>

#include "layout.h"
#include "output.h"
#include "parallel.h"
#include "registry.h"
#include "support.h"

#define PYTHON "/usr/bin/python3"
#define SMALL "tests/data/experiment/small.yaml"  /* 2 scenarios x 4 points x 4 replicates, 60 days */
#define BASE "tests/data/experiment/base.yaml"    /* genai, 200 staff, 60 days */

/* ---- HDF5 read helpers ------------------------------------------------------ */

static void read_text_attr(hid_t obj, const char *name, char *buf, size_t size)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    cr_assert_geq(a, 0, "attribute %s missing", name);
    hid_t t = H5Aget_type(a);
    cr_assert_eq(H5Tget_class(t), H5T_STRING, "attribute %s is not a string", name);
    cr_assert_eq(H5Tis_variable_str(t), 0, "attribute %s: want fixed-length text", name);
    size_t n = H5Tget_size(t);
    char *tmp = calloc(n + 1, 1);
    cr_assert_geq(H5Aread(a, t, tmp), 0);
    snprintf(buf, size, "%s", tmp);
    free(tmp);
    H5Tclose(t);
    H5Aclose(a);
}

static int dataset_shape(hid_t ds, hsize_t *dims)
{
    hid_t sp = H5Dget_space(ds);
    int rank = H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    return rank;
}

static void expect_type(hid_t ds, H5T_class_t cls, size_t size, const char *name)
{
    hid_t t = H5Dget_type(ds);
    cr_expect_eq(H5Tget_class(t), cls, "%s: wrong type class", name);
    cr_expect_eq(H5Tget_size(t), size, "%s: want %zu-byte elements", name, size);
    H5Tclose(t);
}

/* The sweep experiment through the pipeline, with compression level (NULL:
 * the default). */
static void make_small(const char *out, int threads, const char *level)
{
    char set[64], *err = NULL;
    snprintf(set, sizeof set, "output.compression=%s", level ? level : "");
    support_pipe sp = {SMALL, 0, out, threads, 0, 0, -1, 0, 0, 0, 0, {level ? set : NULL, NULL}};
    int code = support_pipeline(&sp, &err, NULL);
    cr_assert_eq(code, 0, "pipeline: exit %d: %s", code, err);
    free(err);
}

/* ---- the file ------------------------------------------------------------------ */

static void check_layout(const char *path, int level)
{
    char text[4096];
    hsize_t d[8], chunk[8];
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0);

    /* creation order tracked and indexed, no times */
    unsigned flags = 0;
    hbool_t track = 1;
    hid_t root = H5Gopen2(f, "/", H5P_DEFAULT), gcpl = H5Gget_create_plist(root);
    H5Pget_link_creation_order(gcpl, &flags);
    cr_expect_eq(flags, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pget_attr_creation_order(gcpl, &flags);
    cr_expect_eq(flags, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pget_obj_track_times(gcpl, &track);
    cr_expect_eq(track, 0);
    H5Pclose(gcpl);
    H5Gclose(root);

    /* dimensions: coordinates made dimension scales */
    const char *dims[] = {"scenario", "point", "replicate", "time", "generation", "level"};
    const hsize_t sizes[] = {2, 4, 4, 61, 4, 0};
    hid_t scale[6];
    for (int i = 0; i < 6; i++) {
        scale[i] = H5Dopen2(f, dims[i], H5P_DEFAULT);
        cr_assert_geq(scale[i], 0, "%s missing", dims[i]);
        cr_expect_gt(H5DSis_scale(scale[i]), 0, "%s is not a dimension scale", dims[i]);
        cr_expect_eq(dataset_shape(scale[i], d), 1);
        if (sizes[i]) cr_expect_eq(d[0], sizes[i], "%s has %d entries", dims[i], (int)d[0]);
    }
    read_text_attr(scale[3], "units", text, sizeof text);
    cr_expect_str_eq(text, "days");
    int64_t t[61];
    cr_assert_geq(H5Dread(scale[3], H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, t), 0);
    for (int i = 0; i < 61; i++) cr_expect_eq(t[i], i);

    /* per-run variables: one chunk per run, the filters, fill values */
    struct {
        const char *name;
        H5T_class_t cls;
        size_t size;
        int rank, group;
    } vars[] = {{"monthly_active", H5T_INTEGER, 4, 4, -1},
                {"mean_attitude", H5T_FLOAT, 4, 4, -1}, /* means of float32 state: float32 */
                {"hours_saved", H5T_FLOAT, 8, 4, -1},
                {"regular_users_by_generation", H5T_INTEGER, 4, 5, 4},
                {"mean_skill_by_level", H5T_FLOAT, 4, 5, 5}};
    for (size_t v = 0; v < sizeof vars / sizeof vars[0]; v++) {
        hid_t ds = H5Dopen2(f, vars[v].name, H5P_DEFAULT);
        cr_assert_geq(ds, 0, "%s missing", vars[v].name);
        expect_type(ds, vars[v].cls, vars[v].size, vars[v].name);
        cr_expect_eq(dataset_shape(ds, d), vars[v].rank);
        hid_t dcpl = H5Dget_create_plist(ds);
        cr_expect_eq(H5Pget_layout(dcpl), H5D_CHUNKED);
        cr_expect_eq(H5Pget_chunk(dcpl, 8, chunk), vars[v].rank);
        cr_expect(chunk[0] == 1 && chunk[1] == 1 && chunk[2] == 1 && chunk[3] == 61, "%s: chunk", vars[v].name);
        if (vars[v].rank == 5) cr_expect_eq(chunk[4], d[4], "%s: whole groups in a chunk", vars[v].name);
        cr_expect_eq(H5Pget_nfilters(dcpl), level ? 2 : 0, "%s: filters", vars[v].name);
        if (level) {
            unsigned fl, values[4];
            size_t nv = 4;
            cr_expect_eq(H5Pget_filter2(dcpl, 0, &fl, &nv, values, 0, NULL, NULL), H5Z_FILTER_SHUFFLE);
            nv = 4;
            cr_expect_eq(H5Pget_filter2(dcpl, 1, &fl, &nv, values, 0, NULL, NULL), H5Z_FILTER_DEFLATE);
            cr_expect_eq(values[0], (unsigned)level, "deflate level");
        }
        H5D_fill_value_t defined;
        H5Pfill_value_defined(dcpl, &defined);
        cr_expect_eq(defined, H5D_FILL_VALUE_USER_DEFINED);
        double fill = 0;
        H5Pget_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill);
        if (vars[v].cls == H5T_INTEGER)
            cr_expect_eq(fill, -1);
        else
            cr_expect(isnan(fill));
        H5Pget_obj_track_times(dcpl, &track);
        cr_expect_eq(track, 0);
        H5Pclose(dcpl);
        cr_expect_gt(H5Aexists(ds, "_FillValue"), 0);
        read_text_attr(ds, "units", text, sizeof text);
        read_text_attr(ds, "long_name", text, sizeof text);
        cr_expect_neq(text[0], '\0');
        read_text_attr(ds, "coordinates", text, sizeof text);
        cr_expect_str_eq(text, "interventions.vanguard.per_team model.genai.use.peers");
        for (int k = 0; k < 4; k++)
            cr_expect_gt(H5DSis_attached(ds, scale[k], (unsigned)k), 0, "%s: %s not attached", vars[v].name, dims[k]);
        if (vars[v].group >= 0) cr_expect_gt(H5DSis_attached(ds, scale[vars[v].group], 4), 0);
        H5Dclose(ds);
    }

    /* completed, the swept parameters */
    hid_t c = H5Dopen2(f, "completed", H5P_DEFAULT);
    expect_type(c, H5T_INTEGER, 1, "completed");
    cr_expect_eq(dataset_shape(c, d), 3);
    int8_t done[32];
    cr_assert_geq(H5Dread(c, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done), 0);
    for (int i = 0; i < 32; i++) cr_expect_eq(done[i], 1);
    H5Dclose(c);
    hid_t pt = H5Dopen2(f, "interventions.vanguard.per_team", H5P_DEFAULT);
    expect_type(pt, H5T_FLOAT, 8, "per_team");
    double pv[4];
    cr_assert_geq(H5Dread(pt, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, pv), 0);
    cr_expect(pv[0] == 1 && pv[1] == 1 && pv[2] == 2 && pv[3] == 2, "grid order of per_team");
    cr_expect_gt(H5DSis_attached(pt, scale[1], 0), 0);
    H5Dclose(pt);

    /* provenance */
    read_text_attr(f, "program", text, sizeof text);
    cr_expect_str_eq(text, "adoptsim");
    read_text_attr(f, "command", text, sizeof text);
    cr_expect_str_eq(text, "experiment");
    read_text_attr(f, "model", text, sizeof text);
    cr_expect_str_eq(text, "genai");
    read_text_attr(f, "experiment", text, sizeof text);
    cr_expect(strstr(text, "replicates: 4\nseed: 11\n") == text, "%s", text);
    for (int i = 0; i < 6; i++) H5Dclose(scale[i]);
    H5Fclose(f);
}

Test(output, layout_types_chunks_filters_attributes_scales, .timeout = 120)
{
    char *dir = support_tmpdir(), *z = support_path(dir, "z.h5"), *raw = support_path(dir, "raw.h5");
    make_small(z, 2, "6");
    check_layout(z, 6);
    make_small(raw, 2, "0");
    check_layout(raw, 0);
    free(z);
    free(raw);
    support_rmdir(dir);
}

/* The default level is 2, and its runs take fewer bytes than zlib's level
 * 1 (the default before libdeflate) makes of the same shuffled bytes. */
Test(output, default_level_smaller_than_zlib_level_1, .timeout = 120)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "d.h5");
    make_small(out, 2, NULL);
    check_layout(out, 2);
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    const char *names[] = {"mean_skill", "mean_attitude_by_level", "monthly_active", "regular_users_by_generation"};
    unsigned long long ours = 0, zlib1 = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        hid_t ds = H5Dopen2(f, names[i], H5P_DEFAULT);
        cr_assert_geq(ds, 0, "%s", names[i]);
        hsize_t n = 0;
        hid_t space = H5Dget_space(ds);
        cr_assert_geq(H5Dget_num_chunks(ds, space, &n), 0);
        cr_assert_gt(n, 0, "%s: no chunks", names[i]);
        for (hsize_t c = 0; c < n; c++) {
            hsize_t off[5], size = 0;
            unsigned mask = 0;
            haddr_t addr;
            cr_assert_geq(H5Dget_chunk_info(ds, space, c, off, &mask, &addr, &size), 0);
            unsigned char *chunk = malloc(size), raw[1 << 16], again[(1 << 16) + 64];
            uint32_t fm = 0;
            cr_assert_geq(H5Dread_chunk(ds, H5P_DEFAULT, off, &fm, chunk), 0);
            uLongf rlen = sizeof raw, zlen = sizeof again;
            cr_assert_eq(uncompress(raw, &rlen, chunk, size), Z_OK, "%s", names[i]);
            cr_assert_eq(compress2(again, &zlen, raw, rlen, 1), Z_OK);
            ours += size;
            zlib1 += zlen;
            free(chunk);
        }
        H5Sclose(space);
        H5Dclose(ds);
    }
    H5Fclose(f);
    cr_expect_lt(ours, zlib1, "default level: %llu bytes, zlib's level 1 %llu", ours, zlib1);
    free(out);
    support_rmdir(dir);
}

/* The engine's values in memory (support_run) for the scenario, dumped for
 * tests/read_output.py: "name count" lines in txt, the doubles in bin, in
 * the file's variable order. */
static void dump_expected(const char *txt, const char *bin, const char *const *sets)
{
    scenario *scn = NULL;
    sim_error err;
    cr_assert_eq(registry_scenario_alloc(&scn, &err), SIM_OK);
    cr_assert_eq(scenario_load_file(scn, BASE, &err), SIM_OK, "%s", err.msg);
    for (int i = 0; sets[i]; i++) cr_assert_eq(scenario_set(scn, sets[i], &err), SIM_OK, "%s", err.msg);
    sim_results *res = support_run(scn, 2);
    cr_assert_gt(res->n_levels, 1);
    FILE *ft = fopen(txt, "w"), *fb = fopen(bin, "wb");
    cr_assert(ft && fb);
    for (int k = 0; k < res->n_obs; k++) {
        const sim_observable *o = &res->model->observables[k];
        fprintf(ft, "%s %d\n", o->name, (int)(res->n_rep * res->n_time));
        for (int32_t r = 0; r < res->n_rep; r++)
            for (int32_t t = 0; t < res->n_time; t++) {
                double x = engine_result(res, k, r, t);
                fwrite(&x, sizeof x, 1, fb);
            }
        if (!o->grouped) continue;
        fprintf(ft, "%s_by_generation %d\n", o->name, (int)(res->n_rep * res->n_time * NET_GENERATIONS));
        for (int32_t r = 0; r < res->n_rep; r++)
            for (int32_t t = 0; t < res->n_time; t++)
                fwrite(engine_result_by_generation(res, k, r, t), sizeof(double), NET_GENERATIONS, fb);
        fprintf(ft, "%s_by_level %d\n", o->name, (int)(res->n_rep * res->n_time * res->n_levels));
        for (int32_t r = 0; r < res->n_rep; r++)
            for (int32_t t = 0; t < res->n_time; t++)
                fwrite(engine_result_by_level(res, k, r, t), sizeof(double), (size_t)res->n_levels, fb);
    }
    fclose(ft);
    fclose(fb);
    engine_results_free(res);
    scenario_free(scn);
}

/* h5py and xarray decode the chunks the workers packed (shuffle + deflate,
 * or raw) to exactly the engine's values. */
Test(output, h5py_and_xarray_read_exactly_the_engine_values, .timeout = 120)
{
    if (access(PYTHON, X_OK) != 0) cr_skip_test("%s not installed", PYTHON);
    char *dir = support_tmpdir(), *txt = support_path(dir, "exp.txt"), *bin = support_path(dir, "exp.bin");
    const char *sets[] = {"run.replicates=3", "run.days=40", NULL};
    dump_expected(txt, bin, sets);
    for (int level = 0; level <= 9; level += 9) {
        char name[32], set[64], *err = NULL;
        snprintf(name, sizeof name, "run%d.h5", level);
        snprintf(set, sizeof set, "output.compression=%d", level);
        char *out = support_path(dir, name);
        support_pipe sp = {BASE, 1, out, 2, 0, 0, -1, 0, 0, 0, 0, {"run.replicates=3", "run.days=40", set, NULL}};
        cr_assert_eq(support_pipeline(&sp, &err, NULL), 0, "%s", err);
        free(err);
        cr_expect_eq(support_shell(PYTHON " tests/read_output.py %s %s %s %d", out, txt, bin, level), 0,
                     "compression %d", level);
        free(out);
    }
    free(txt);
    free(bin);
    support_rmdir(dir);
}

Test(output, h5dump_and_ncdump_read_it, .timeout = 120)
{
    if (support_shell("command -v ncdump >/dev/null 2>&1 && command -v h5dump >/dev/null 2>&1") != 0)
        cr_skip_test("ncdump or h5dump not installed");
    char *dir = support_tmpdir(), *out = support_path(dir, "s.h5");
    make_small(out, 2, "1");
    cr_expect_eq(support_shell("h5dump -H %s > /dev/null", out), 0);
    cr_assert_eq(support_shell("ncdump -h %s > %s/ncdump.txt", out, dir), 0);
    const char *want[] = {"scenario = 2 ;", "point = 4 ;", "replicate = 4 ;", "time = 61 ;", "generation = 4 ;",
                          "string scenario(scenario) ;", "int64 time(time) ;",
                          "int monthly_active(scenario, point, replicate, time) ;",
                          "float mean_skill_by_level(scenario, point, replicate, time, level) ;",
                          "double hours_saved(scenario, point, replicate, time) ;",
                          "byte completed(scenario, point, replicate) ;",
                          "double interventions.vanguard.per_team(point) ;", "monthly_active:_FillValue = -1 ;",
                          "mean_attitude:_FillValue = NaNf ;", "hours_saved:_FillValue = NaN ;",
                          "time:units = \"days\" ;", ":program = \"adoptsim\" ;",
                          ":runs = 32LL ;"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect_eq(support_shell("grep -qF '%s' %s/ncdump.txt", want[i], dir), 0, "ncdump -h lacks '%s'", want[i]);
    free(out);
    support_rmdir(dir);
}

/* Two files of the same experiment on 1 and 2 threads: the same bytes but for
 * the threads and created attributes (at most 8 + 20 bytes). */
Test(output, same_experiment_same_file_on_1_and_2_threads, .timeout = 120)
{
    char *dir = support_tmpdir(), *a = support_path(dir, "t1.h5"), *b = support_path(dir, "t2.h5");
    make_small(a, 1, "1");
    make_small(b, 2, "1");
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    cr_assert(fa && fb);
    long differ = 0, size = 0;
    int ca, cb;
    while ((ca = fgetc(fa)) != EOF) {
        cb = fgetc(fb);
        size++;
        differ += ca != cb;
    }
    cr_expect_eq(fgetc(fb), EOF, "the files differ in size");
    cr_expect_leq(differ, 28, "%ld of %ld bytes differ", differ, size);
    fclose(fa);
    fclose(fb);
    cr_expect_eq(support_shell(PYTHON " tests/check_experiment.py same %s %s", a, b), 0);
    free(a);
    free(b);
    support_rmdir(dir);
}

Test(output, check_target)
{
    char *dir = support_tmpdir(), *path = support_path(dir, "out.h5"), *sub = support_path(dir, "sub");
    char *missing = support_path(dir, "no/such/dir/out.h5");
    sim_error err;
    cr_expect_eq(output_check_target(path, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(mkdir(sub, 0755), 0);
    cr_expect_eq(output_check_target(sub, &err), SIM_EIO, "a directory is not a target");
    cr_expect_eq(output_check_target(missing, &err), SIM_EIO);
    cr_expect(strstr(err.msg, "does not exist") != NULL, "%s", err.msg);
    cr_expect_eq(output_check_target("", &err), SIM_EIO);
    cr_expect_eq(output_check_target("test_output-no-such-file.h5", &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(rmdir(sub), 0);
    free(path);
    free(sub);
    free(missing);
    support_rmdir(dir);
}

static herr_t quiet_handler(hid_t stack, void *data)
{
    (void)stack;
    (void)data;
    return 0;
}

/* A temporary name taken by a directory is SIM_EIO naming the path; the
 * directory is left alone and the caller's HDF5 error handler restored. */
Test(output, blocked_temporary_is_io_error_and_restores_handler)
{
    char *dir = support_tmpdir(), *path = support_path(dir, "out.h5"), *tmp = support_path(dir, "out.h5.tmp");
    out_dim dims[1] = {{"x", 3, "x", NULL, NULL, NULL}};
    int32_t data[3] = {1, 2, 3};
    out_var vars[1] = {{"v", "v", "1", OUT_INT32, 1, {0}, data, {0}, 0, NULL}};
    out_spec spec = {dims, 1, vars, 1, NULL, 0, 0};
    sim_error err;
    H5E_auto2_t func = NULL;
    void *fdata = NULL;
    int marker = 0;
    cr_assert_eq(mkdir(tmp, 0755), 0);
    H5Eset_auto2(H5E_DEFAULT, quiet_handler, &marker);
    out_file *f = NULL;
    sim_error_clear(&err);
    cr_expect_eq(output_create(tmp, path, &spec, &f, &err), SIM_EIO);
    cr_expect(strstr(err.msg, path) != NULL, "message names the path: %s", err.msg);
    output_close(f, 0, &err);
    H5Eget_auto2(H5E_DEFAULT, &func, &fdata);
    cr_expect(func == quiet_handler && fdata == &marker, "handler not restored");
    cr_expect_eq(rmdir(tmp), 0, "the blocking directory is not ours to remove");

    cr_assert_eq(output_create(tmp, path, &spec, &f, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(output_close(f, 1, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(output_publish(tmp, path, 0, &err), SIM_OK, "%s", err.msg);
    H5Eget_auto2(H5E_DEFAULT, &func, &fdata);
    cr_expect(func == quiet_handler && fdata == &marker, "handler not restored");
    cr_expect_eq(support_count_entries(dir), 1, "only the file is left");
    /* publishing without replace never overwrites */
    cr_assert_eq(output_create(tmp, path, &spec, &f, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(output_close(f, 1, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(output_publish(tmp, path, 0, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "exists") != NULL, "%s", err.msg);
    cr_expect_eq(support_count_entries(dir), 1, "the temporary file is removed");
    free(path);
    free(tmp);
    support_rmdir(dir);
}

Test(output, invalid_spec_is_internal_error)
{
    char *dir = support_tmpdir(), *path = support_path(dir, "out.h5"), *tmp = support_path(dir, "out.h5.tmp");
    for (int c = 0; c < 8; c++) {
        out_dim dims[2] = {{"replicate", 2, "r", NULL, NULL, NULL}, {"time", 5, "t", "days", NULL, NULL}};
        double data[10] = {0};
        out_var vars[2] = {{"a", "a", "1", OUT_INT32, 2, {0, 1}, NULL, {1, 5}, 1, NULL},
                           {"b", "b", "1", OUT_F64, 2, {0, 1}, data, {0}, 0, NULL}};
        out_spec spec = {dims, 2, vars, 2, NULL, 0, 1};
        switch (c) {
        case 0: vars[0].dims[1] = 2; break;          /* dimension index out of range */
        case 1: vars[0].ndims = 7; break;            /* rank too high */
        case 2: vars[0].chunk[1] = 6; break;         /* chunk larger than the variable */
        case 3: vars[1].data = NULL; break;          /* contiguous without data */
        case 4: dims[1].name = ""; break;            /* empty names */
        case 5: vars[1].name = "time"; break;        /* variable named like a dimension */
        case 6: spec.compression = 10; break;
        case 7: vars[1].name = "a"; break;           /* duplicate variable */
        }
        sim_error err;
        out_file *f = NULL;
        sim_error_clear(&err);
        cr_expect_eq(output_create(tmp, path, &spec, &f, &err), SIM_EINTERNAL, "case %d", c);
        cr_expect_neq(err.msg[0], '\0', "case %d: message", c);
        output_close(f, 0, &err);
        cr_expect_eq(support_count_entries(dir), 0, "case %d: nothing written", c);
    }
    free(path);
    free(tmp);
    support_rmdir(dir);
}

/* A file size limit (SIGXFSZ ignored, as main does) hit while the file is
 * assembled (nothing was committed to the journal yet): SIM_EIO naming the
 * path, and nothing left behind. */
Test(output, file_size_limit_while_assembling_leaves_nothing, .timeout = 120)
{
    char *dir = support_tmpdir(), *out = support_path(dir, "big.h5"), *err = NULL;
    for (int level = 0; level <= 1; level++) {
        char set[64];
        snprintf(set, sizeof set, "output.compression=%d", level);
        support_pipe sp = {BASE, 1, out, 2, 0, 0, -1, 0, 0, 0, 64 * 1024, {"run.replicates=8", set, NULL}};
        int code = support_pipeline(&sp, &err, NULL);
        cr_expect_eq(code, 1, "compression %d: exit %d: %s", level, code, err);
        cr_expect(strstr(err, out) != NULL && strstr(err, "File too large") != NULL, "%s", err);
        cr_expect_eq(support_count_entries(dir), 0, "compression %d: something was left", level);
        free(err);
    }
    free(out);
    support_rmdir(dir);
}

/* layout_pack's chunks, stored as they are (H5Dwrite_chunk), read back
 * through HDF5's filters to the values; inflated, they are the very bytes
 * HDF5's own shuffle filter makes of those values (HDF5's stored chunk,
 * inflated): only the deflate stream is libdeflate's instead of zlib's.  At
 * compression 0 they are HDF5's raw little-endian bytes. */
Test(output, packed_chunks_read_back_through_hdf5_filters)
{
    const sim_model_type *m = registry_model("genai");
    const int32_t T = 50, L = 3;
    const size_t k = (size_t)m->n_observables;
    double *data = malloc(k * (size_t)T * sizeof *data);
    double *gen = malloc(k * (size_t)T * NET_GENERATIONS * sizeof *gen);
    double *lev = malloc(k * (size_t)T * 2 * sizeof *lev);
    for (size_t i = 0; i < k * (size_t)T; i++)
        data[i] = m->observables[i / (size_t)T].is_count ? (double)(i * 7 % 300) : (double)i * 0.37 - 5;
    for (size_t i = 0; i < k * (size_t)T * NET_GENERATIONS; i++) gen[i] = (double)(i % 97);
    for (size_t i = 0; i < k * (size_t)T * 2; i++) lev[i] = (double)(i % 13) + 0.25;
    layout_run run = {data, gen, lev, 2, NULL, NULL}; /* a run two levels deep in a file with three */
    int keep[64];
    int32_t days[50];
    for (size_t i = 0; i < k; i++) keep[i] = 1;
    for (int32_t t = 0; t < T; t++) days[t] = t;
    const engine_output every_day = {(int)k, keep, 1, 1, T, days, 1, 0};
    const hid_t file_type[] = {[LAYOUT_FLOAT64] = H5T_IEEE_F64LE, [LAYOUT_INT32] = H5T_STD_I32LE,
                               [LAYOUT_FLOAT32] = H5T_IEEE_F32LE};
    for (int level = 0; level <= 9; level += 3) {
        layout lay;
        sim_error err;
        cr_assert_eq(layout_init(&lay, m, 1, 1, 1, T, &every_day, L, 0, 0, level, &err), SIM_OK);
        unsigned char *packed = malloc(lay.bound);
        uint32_t *lens = malloc((size_t)lay.n_vars * sizeof *lens);
        size_t used, pos = 0;
        layout_packer pk;
        layout_packer_init(&pk);
        cr_assert_eq(layout_pack(&lay, &pk, &run, packed, lens, &used, &err), SIM_OK);
        hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
        H5Pset_fapl_core(fapl, 1 << 16, 0);
        hid_t f = H5Fcreate("packed.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
        for (int v = 0; v < lay.n_vars; v++) {
            const layout_var *lv = &lay.vars[v];
            int rank = lv->kind == LAYOUT_TOTAL ? 4 : 5;
            hsize_t dims[5] = {1, 1, 1, (hsize_t)T, lv->kind == LAYOUT_BY_GENERATION ? NET_GENERATIONS : (hsize_t)L};
            hid_t space = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
            H5Pset_chunk(dcpl, rank, dims);
            if (level) {
                H5Pset_shuffle(dcpl);
                H5Pset_deflate(dcpl, (unsigned)level);
            }
            hid_t ds = H5Dcreate2(f, lv->name, file_type[lv->type], space, H5P_DEFAULT, dcpl,
                                  H5P_DEFAULT);
            /* the values as the file should hold them */
            size_t n = lv->elems;
            double *x = malloc(n * sizeof *x);
            for (size_t i = 0; i < n; i++) {
                size_t src = (size_t)lv->source;
                if (lv->kind == LAYOUT_TOTAL) x[i] = data[src * (size_t)T + i];
                else if (lv->kind == LAYOUT_BY_GENERATION) x[i] = gen[src * n + i];
                else x[i] = i % (size_t)L < 2 ? lev[(src * (size_t)T + i / (size_t)L) * 2 + i % (size_t)L] : NAN;
                if (lv->type == LAYOUT_INT32 && isnan(x[i])) x[i] = -1;
            }
            cr_assert_geq(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x), 0);
            hsize_t off[5] = {0, 0, 0, 0, 0}, size = 0;
            uint32_t mask = 1;
            cr_assert_geq(H5Dget_chunk_storage_size(ds, off, &size), 0);
            unsigned char *stored = malloc(size);
            cr_assert_geq(H5Dread_chunk(ds, H5P_DEFAULT, off, &mask, stored), 0);
            cr_expect_eq(mask, 0);
            /* the bytes before deflate: HDF5's, and ours */
            const size_t raw = n * lv->width;
            unsigned char *want = malloc(raw), *got = malloc(raw);
            uLongf wlen = raw, glen = raw;
            if (level) {
                cr_assert_eq(uncompress(want, &wlen, stored, size), Z_OK, "level %d, %s: HDF5's chunk", level,
                             lv->name);
                cr_assert_eq(uncompress(got, &glen, packed + pos, lens[v]), Z_OK,
                             "level %d, %s: the packed chunk is not a zlib stream", level, lv->name);
            } else {
                cr_assert_eq(size, lens[v], "level 0, %s: %u bytes packed, HDF5 stores %d", lv->name,
                             (unsigned)lens[v], (int)size);
                memcpy(want, stored, raw);
                memcpy(got, packed + pos, raw);
            }
            cr_expect(wlen == raw && glen == raw && memcmp(want, got, raw) == 0,
                      "level %d, %s: the shuffled bytes differ", level, lv->name);
            /* and HDF5 reads the packed chunk, stored as it is, back to x */
            char copy[128];
            snprintf(copy, sizeof copy, "%s_packed", lv->name);
            hid_t ds2 = H5Dcreate2(f, copy, file_type[lv->type], space, H5P_DEFAULT, dcpl,
                                   H5P_DEFAULT);
            cr_assert_geq(H5Dwrite_chunk(ds2, H5P_DEFAULT, 0, off, lens[v], packed + pos), 0);
            /* the values HDF5 holds for x (counts rounded to int32) */
            double *back = malloc(n * sizeof *back), *held = malloc(n * sizeof *held);
            cr_assert_geq(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, held), 0);
            cr_assert_geq(H5Dread(ds2, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, back), 0);
            for (size_t i = 0; i < n; i++)
                cr_expect(back[i] == held[i] || (isnan(back[i]) && isnan(held[i])),
                          "level %d, %s[%zu]: %g read back, HDF5 holds %g", level, lv->name, i, back[i], held[i]);
            free(held);
            pos += lens[v];
            free(back);
            free(want);
            free(got);
            free(stored);
            free(x);
            H5Dclose(ds2);
            H5Dclose(ds);
            H5Pclose(dcpl);
            H5Sclose(space);
        }
        H5Fclose(f);
        H5Pclose(fapl);
        layout_packer_free(&pk);
        layout_free(&lay);
        free(packed);
        free(lens);
    }
    free(data);
    free(gen);
    free(lev);
}

/* output.breakdowns: team in memory: every count observable the model
 * reports by team adds up over the teams to its total on every day and
 * replicate (turnover and the interventions moving people and states), and
 * the breakdown is bit-identical on 1 thread with the serial passes and on
 * 2 threads with the passes on the OpenMP team. */
Test(output, team_breakdown_adds_up_and_is_the_same_on_any_threads, .timeout = 120)
{
    const char *sets[] = {"model.name=genai", "network.type=organization", "network.agents=700", "run.days=50",
                          "run.replicates=2", "interventions.licences.enabled=true",
                          "interventions.licences.start=1", "interventions.training.enabled=true",
                          "interventions.training.start=10", "model.genai.turnover.enabled=true",
                          "model.genai.turnover.monthly.by_generation=[0.1, 0.1, 0.1, 0.1]",
                          "output.breakdowns=[generation, level, team]", NULL};
    scenario *scn = support_scenario(sets);
    sim_parallel_min_set(INT32_MAX);
    sim_results *one = support_run(scn, 1);
    sim_parallel_min_set(1);
    sim_results *two = support_run(scn, 2);
    sim_parallel_min_set(0);
    cr_assert(one->n_teams > 50 && one->by_team, "no breakdown by team (%d teams)", (int)one->n_teams);
    const sim_model_type *m = one->model;
    const size_t cells = (size_t)one->n_obs * (size_t)one->n_rep * (size_t)one->n_time;
    cr_expect(memcmp(one->by_team, two->by_team, cells * (size_t)one->n_teams * sizeof(double)) == 0,
              "the breakdown by team differs between 1 and 2 threads");
    int counted = 0;
    for (int k = 0; k < one->n_obs; k++) {
        if (!model_by_team(m, k) || !m->observables[k].is_count) continue;
        counted++;
        for (int32_t r = 0; r < one->n_rep; r++)
            for (int32_t t = 0; t < one->n_time; t++) {
                const double *v = engine_result_by_team(one, k, r, t);
                double sum = 0;
                for (int32_t j = 0; j < one->n_teams; j++) sum += v[j];
                cr_assert_eq(sum, engine_result(one, k, r, t), "%s, replicate %d, day %d: teams add up to %g, not %g",
                             m->observables[k].name, (int)r, (int)t, sum, engine_result(one, k, r, t));
            }
    }
    cr_expect_eq(counted, 14, "count observables by team: %d", counted);
    int leavers = 0;
    while (leavers < one->n_obs && strcmp(m->observables[leavers].name, "leavers")) leavers++;
    cr_assert_lt(leavers, one->n_obs);
    cr_expect_gt(engine_result(one, leavers, 0, one->n_time - 1), 0, "nobody left: turnover did not act");
    engine_results_free(one);
    engine_results_free(two);
    scenario_free(scn);
}
