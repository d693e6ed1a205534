/* test_scenario.c: the scenario loader against a small table of every type:
 * defaults, files, every class of file error with its exact position, --set,
 * the YAML round-trip and the Markdown reference. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

/* run.days here is a plain integer row (unit "steps"): the integer rules;
 * rows of unit day or days take times (12w, 3m, dates), tested in
 * test_inputs.c. */
static const param_def engine_rows[] = {
    {"run.days", PARAM_INT, "steps", 1, 100000, "365", NULL, 0, "days to simulate", PARAM_NO_FIELD},
    {"run.seed", PARAM_INT, "", 0, 9.3e18, "42", NULL, 0, "random seed", PARAM_NO_FIELD},
    {"run.verbose", PARAM_BOOL, "", 0, 0, "false", NULL, 0, "report progress", PARAM_NO_FIELD},
    {"run.title", PARAM_STRING, "", 0, 0, "\"demo run\"", NULL, 0, "a title for the output", PARAM_NO_FIELD},
    {"network.kind", PARAM_ENUM, "", 0, 0, "ring", "ring|random|scale_free", 0, "network shape", PARAM_NO_FIELD},
    {"network.degree", PARAM_DOUBLE, "agents", 0, 1e308, "4", NULL, 0, "mean degree", PARAM_NO_FIELD},
    {"network.rewire", PARAM_DOUBLE, "1", -1, 1, "0.1", NULL, 0, "rewiring share", PARAM_NO_FIELD},
    PARAM_END};

static const param_def model_rows[] = {
    {"model.name", PARAM_ENUM, "", 0, 0, "bass", "bass|sir", 0, "which model runs", PARAM_NO_FIELD},
    {"model.bass.p", PARAM_DOUBLE, "1/day", 0, 1, "0.03", NULL, 0, "innovation rate", PARAM_NO_FIELD},
    {"model.bass.q", PARAM_DOUBLE, "1/day", 0, 1, "0.38", NULL, 0, "imitation rate", PARAM_NO_FIELD},
    {"model.bass.mix", PARAM_DOUBLE_LIST, "1", 0, 1, "[0.25, 0.75]", NULL, 3, "group shares", PARAM_NO_FIELD},
    {"model.sir.beta", PARAM_DOUBLE, "1/day", 0, 10, "0.5", NULL, 0, "infection rate", PARAM_NO_FIELD},
    {"model.sir.init.infected", PARAM_INT, "agents", 0, 1e9, "10", NULL, 0, "first cases", PARAM_NO_FIELD},
    PARAM_END};

static const param_def *const tables[] = {engine_rows, model_rows};

static char fixture_dir[64];
static char fixture_path[128];

static void remove_fixture(void)
{
    if (fixture_path[0]) unlink(fixture_path);
    if (fixture_dir[0]) rmdir(fixture_dir);
    fixture_path[0] = '\0';
    fixture_dir[0] = '\0';
}

TestSuite(scenario, .fini = remove_fixture);

/* Write n bytes to a fresh file in a temporary directory; returns its path. */
static const char *write_bytes(const char *data, size_t n)
{
    if (!fixture_dir[0]) {
        strcpy(fixture_dir, "/tmp/adoptsim-scenario-XXXXXX");
        cr_assert_not_null(mkdtemp(fixture_dir));
        snprintf(fixture_path, sizeof fixture_path, "%s/scenario.yaml", fixture_dir);
    }
    FILE *f = fopen(fixture_path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
    return fixture_path;
}

static const char *write_text(const char *text)
{
    return write_bytes(text, strlen(text));
}

static scenario *make(void)
{
    scenario *scn = NULL;
    sim_error err;
    int rc = scenario_alloc(tables, 2, &scn, &err);
    cr_assert_eq(rc, SIM_OK, "alloc failed: %s", err.msg);
    cr_assert_not_null(scn);
    return scn;
}

/* Load text as a scenario file expecting failure; fills err. */
static void load_fails(scenario *scn, const char *text, sim_error *err)
{
    const char *path = write_text(text);
    int rc = scenario_load_file(scn, path, err);
    cr_assert_eq(rc, SIM_EINPUT, "expected SIM_EINPUT, got %d (%s)", rc, err->msg);
    cr_assert_eq(err->status, SIM_EINPUT);
    cr_assert_str_eq(err->file, path);
}

static void expect_error(const sim_error *err, int line, int col, const char *key,
                         const char *msg_part)
{
    cr_expect_eq(err->line, line, "line %d, expected %d (%s)", err->line, line, err->msg);
    cr_expect_eq(err->column, col, "column %d, expected %d (%s)", err->column, col, err->msg);
    cr_expect_str_eq(err->key, key);
    cr_expect(strstr(err->msg, msg_part) != NULL, "message \"%s\" lacks \"%s\"", err->msg,
              msg_part);
}

/* ---------- defaults and tables ---------- */

Test(scenario, defaults)
{
    scenario *scn = make();
    int n = 0;
    const double *mix = scenario_list(scn, "model.bass.mix", &n);

    cr_assert_eq(scn->n, 13);
    cr_assert_null(scn->file);
    cr_expect_eq(scenario_int(scn, "run.days"), 365);
    cr_expect_eq(scenario_int(scn, "run.seed"), 42);
    cr_expect_eq(scenario_bool(scn, "run.verbose"), 0);
    cr_expect_str_eq(scenario_string(scn, "run.title"), "demo run");
    cr_expect_str_eq(scenario_string(scn, "network.kind"), "ring");
    cr_expect_eq(scenario_double(scn, "network.degree"), 4.0);
    cr_expect_eq(scenario_double(scn, "model.bass.p"), 0.03);
    cr_assert_eq(n, 2);
    cr_expect_eq(mix[0], 0.25);
    cr_expect_eq(mix[1], 0.75);
    cr_expect_eq(scenario_int(scn, "model.sir.init.infected"), 10);
    cr_expect_eq(scenario_find(scn, "model.bass.p")->source, PARAM_FROM_DEFAULT);
    cr_expect_null(scenario_find(scn, "model.bass"));
    cr_expect_null(scenario_find(scn, "nope"));
    scenario_free(scn);
    scenario_free(NULL);
}

Test(scenario, alloc_rejects_duplicate_path)
{
    static const param_def dup[] = {
        {"model.bass.p", PARAM_DOUBLE, "", 0, 1, "0.5", NULL, 0, "again", PARAM_NO_FIELD}, PARAM_END};
    const param_def *const t[] = {model_rows, dup};
    scenario *scn = (scenario *)1;
    sim_error err;

    cr_assert_eq(scenario_alloc(t, 2, &scn, &err), SIM_EINTERNAL);
    cr_expect_null(scn);
    cr_expect_str_eq(err.key, "model.bass.p");
    cr_expect(strstr(err.msg, "twice") != NULL, "%s", err.msg);
}

/* A key that is also a section, found however the paths sort: "t.b-c"
 * sorts between "t.b" and "t.b.c" in byte order ('-' is below '.'), and
 * the model rows' "model.bass.*" lie far from a "model.bass" added last. */
Test(scenario, alloc_rejects_key_that_is_also_a_section)
{
    static const param_def dashed[] = {
        {"t.b", PARAM_DOUBLE, "", 0, 1, "0.5", NULL, 0, "key", PARAM_NO_FIELD},
        {"t.b-c", PARAM_DOUBLE, "", 0, 1, "0.5", NULL, 0, "neighbour", PARAM_NO_FIELD},
        {"t.b.c", PARAM_DOUBLE, "", 0, 1, "0.5", NULL, 0, "section", PARAM_NO_FIELD}, PARAM_END};
    static const param_def late[] = {
        {"model.bass", PARAM_DOUBLE, "", 0, 1, "0.5", NULL, 0, "key", PARAM_NO_FIELD}, PARAM_END};
    const param_def *const t1[] = {engine_rows, dashed}, *const t2[] = {model_rows, engine_rows, late};
    scenario *scn = (scenario *)1;
    sim_error err;

    cr_assert_eq(scenario_alloc(t1, 2, &scn, &err), SIM_EINTERNAL);
    cr_expect_null(scn);
    cr_expect_str_eq(err.key, "t.b.c");
    cr_expect(strstr(err.msg, "\"t.b\" is both a key and a section") != NULL, "%s", err.msg);
    cr_assert_eq(scenario_alloc(t2, 3, &scn, &err), SIM_EINTERNAL);
    cr_expect_str_eq(err.key, "model.bass");
    cr_expect(strstr(err.msg, "\"model.bass\" is both a key and a section") != NULL, "%s", err.msg);
}

Test(scenario, alloc_rejects_bad_default)
{
    static const param_def bad[] = {
        {"run.x", PARAM_INT, "", 0, 10, "ten", NULL, 0, "bad", PARAM_NO_FIELD}, PARAM_END};
    static const param_def out_of_range[] = {
        {"run.y", PARAM_DOUBLE, "", 0, 1, "2", NULL, 0, "bad", PARAM_NO_FIELD}, PARAM_END};
    static const param_def broken_yaml[] = {
        {"run.z", PARAM_DOUBLE_LIST, "", 0, 1, "[0.1, 0.2", NULL, 3, "bad", PARAM_NO_FIELD}, PARAM_END};
    const param_def *const t1[] = {bad}, *const t2[] = {out_of_range}, *const t3[] = {broken_yaml};
    scenario *scn;
    sim_error err;

    cr_assert_eq(scenario_alloc(t1, 1, &scn, &err), SIM_EINTERNAL);
    cr_expect_str_eq(err.key, "run.x");
    cr_expect(strstr(err.msg, "bad default \"ten\"") != NULL, "%s", err.msg);
    cr_assert_eq(scenario_alloc(t2, 1, &scn, &err), SIM_EINTERNAL);
    cr_expect_str_eq(err.key, "run.y");
    cr_expect(strstr(err.msg, "must be between 0 and 1") != NULL, "%s", err.msg);
    cr_assert_eq(scenario_alloc(t3, 1, &scn, &err), SIM_EINTERNAL);
    cr_expect_str_eq(err.key, "run.z");
    cr_expect(strstr(err.msg, "YAML syntax error") != NULL, "%s", err.msg);
}

/* ---------- good files ---------- */

Test(scenario, load_good_file)
{
    scenario *scn = make();
    sim_error err;
    int n = 0;
    const char *path = write_text("# a scenario\n"
                                  "run:\n"
                                  "  days: 30\n"
                                  "  verbose: Yes\n"
                                  "  title: 'quoted: text'\n"
                                  "network:\n"
                                  "  kind: scale_free\n"
                                  "  rewire: -0.5\n"
                                  "model:\n"
                                  "  bass:\n"
                                  "    p: 1e-2\n"
                                  "    mix:\n"
                                  "      - 0.1\n"
                                  "      - 0.2\n"
                                  "      - 0.7\n"
                                  "  sir: {init: {infected: 5}}\n");

    cr_assert_eq(scenario_load_file(scn, path, &err), SIM_OK, "%s", err.msg);
    cr_expect_str_eq(scn->file, path);
    cr_expect_eq(scenario_int(scn, "run.days"), 30);
    cr_expect_eq(scenario_bool(scn, "run.verbose"), 1);
    cr_expect_str_eq(scenario_string(scn, "run.title"), "quoted: text");
    cr_expect_str_eq(scenario_string(scn, "network.kind"), "scale_free");
    cr_expect_eq(scenario_double(scn, "network.rewire"), -0.5);
    cr_expect_eq(scenario_double(scn, "model.bass.p"), 0.01);
    cr_expect_eq(scenario_double(scn, "model.bass.q"), 0.38); /* untouched default */
    const double *mix = scenario_list(scn, "model.bass.mix", &n);
    cr_assert_eq(n, 3);
    cr_expect_eq(mix[2], 0.7);
    cr_expect_eq(scenario_int(scn, "model.sir.init.infected"), 5);

    const param_value *v = scenario_find(scn, "run.days");
    cr_expect_eq(v->source, PARAM_FROM_FILE);
    cr_expect_eq(v->line, 3);
    cr_expect_eq(v->column, 9);
    cr_expect_eq(scenario_find(scn, "model.bass.q")->source, PARAM_FROM_DEFAULT);
    scenario_free(scn);
}

Test(scenario, dotted_keys_and_null_string)
{
    scenario *scn = make();
    sim_error err;
    const char *path = write_text("model.bass.p: 0.5\n"
                                  "run:\n"
                                  "  title:\n"
                                  "model:\n"
                                  "  bass.q: 0.25\n");

    cr_assert_eq(scenario_load_file(scn, path, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(scenario_double(scn, "model.bass.p"), 0.5);
    cr_expect_eq(scenario_double(scn, "model.bass.q"), 0.25);
    cr_expect_str_eq(scenario_string(scn, "run.title"), "");
    scenario_free(scn);
}

Test(scenario, bool_spellings)
{
    static const char *const yes[] = {"true", "True", "YES", "on"};
    static const char *const no[] = {"false", "FALSE", "no", "Off"};
    scenario *scn = make();
    sim_error err;
    char text[64];

    for (int i = 0; i < 4; i++) {
        snprintf(text, sizeof text, "run:\n  verbose: %s\n", yes[i]);
        cr_assert_eq(scenario_load_file(scn, write_text(text), &err), SIM_OK, "%s", err.msg);
        cr_expect_eq(scenario_bool(scn, "run.verbose"), 1, "%s", yes[i]);
        snprintf(text, sizeof text, "run:\n  verbose: %s\n", no[i]);
        cr_assert_eq(scenario_load_file(scn, write_text(text), &err), SIM_OK, "%s", err.msg);
        cr_expect_eq(scenario_bool(scn, "run.verbose"), 0, "%s", no[i]);
    }
    load_fails(scn, "run:\n  verbose: maybe\n", &err);
    expect_error(&err, 2, 12, "run.verbose", "expected true or false, got \"maybe\"");
    scenario_free(scn);
}

/* ---------- file-level errors ---------- */

Test(scenario, missing_file_is_bad_input)
{
    scenario *scn = make();
    sim_error err;

    cr_assert_eq(scenario_load_file(scn, "/nonexistent/dir/x.yaml", &err), SIM_EINPUT);
    cr_expect_str_eq(err.file, "/nonexistent/dir/x.yaml");
    cr_expect(strstr(err.msg, "No such file") != NULL, "%s", err.msg);
    scenario_free(scn);
}

/* A scenario file must be a regular file: a device, a FIFO and a directory
 * are refused on the open descriptor, naming what they are, and opening a
 * FIFO without a writer does not wait for one. */
Test(scenario, only_regular_files_are_read, .timeout = 10)
{
    scenario *scn = make();
    sim_error err;
    const char *good = write_text("run:\n  days: 7\n");
    char fifo[160], link[160];
    snprintf(fifo, sizeof fifo, "%s/fifo.yaml", fixture_dir);
    snprintf(link, sizeof link, "%s/link.yaml", fixture_dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_assert_eq(symlink(good, link), 0);

    cr_expect_eq(scenario_load_file(scn, "/dev/zero", &err), SIM_EINPUT);
    cr_expect_str_eq(err.file, "/dev/zero");
    cr_expect(strstr(err.msg, "is a character device, not a regular file") != NULL, "%s", err.msg);
    cr_expect_eq(scenario_load_file(scn, fixture_dir, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "is a directory") != NULL, "%s", err.msg);
    cr_expect_eq(scenario_load_file(scn, fifo, &err), SIM_EINPUT);
    cr_expect_str_eq(err.file, fifo);
    cr_expect(strstr(err.msg, "is a FIFO (named pipe)") != NULL, "%s", err.msg);
    /* a symlink to a regular file is followed */
    cr_expect_eq(scenario_load_file(scn, link, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(scenario_int(scn, "run.days"), 7);
    unlink(fifo);
    unlink(link);
    scenario_free(scn);
}

/* A file over the 16 MiB cap is refused by its size, before it is read. */
Test(scenario, file_size_is_capped)
{
    scenario *scn = make();
    sim_error err;
    const char *path = write_text("run:\n  days: 7\n");
    cr_assert_eq(truncate(path, (16 << 20) + 1), 0); /* sparse: nothing to read quickly */
    cr_expect_eq(scenario_load_file(scn, path, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "more than the 16 MiB a scenario file may have") != NULL, "%s",
              err.msg);
    scenario_free(scn);
}

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Lists and mappings nested 10,000 deep (flow and block style) are refused
 * at the first level past 64, at once: libyaml's scanner is quadratic in
 * flow depth, and the document was built before an unrelated error. */
Test(scenario, deep_nesting_is_refused_quickly)
{
    scenario *scn = make();
    sim_error err;
    const int depth = 10000;
    size_t cap = 8 * (size_t)depth + 64;
    char *flow = malloc(cap), *block = malloc(cap), *maps = malloc(cap);
    cr_assert(flow && block && maps);
    size_t a = (size_t)sprintf(flow, "run: "), b = (size_t)sprintf(block, "run:\n  days:\n    ");
    size_t c = (size_t)sprintf(maps, "run: ");
    for (int i = 0; i < depth; i++) {
        flow[a++] = '[';
        b += (size_t)sprintf(block + b, "- ");
        c += (size_t)sprintf(maps + c, "{a: ");
    }
    b += (size_t)sprintf(block + b, "x\n");
    maps[c++] = '1';
    for (int i = 0; i < depth; i++) {
        flow[a++] = ']';
        maps[c++] = '}';
    }
    flow[a++] = '\n';
    maps[c++] = '\n';
    flow[a] = maps[c] = '\0';

    struct {
        const char *text;
        int line, column;
    } cases[] = {
        {flow, 1, 5 + 64},        /* the mapping, then the 64th '[' is level 65 */
        {block, 3, 5 + 2 * 62},   /* the mapping, run's mapping, then the 63rd "- " */
        {maps, 1, 5 + 4 * 63 + 1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double t0 = seconds_now();
        load_fails(scn, cases[k].text, &err);
        double took = seconds_now() - t0;
        expect_error(&err, cases[k].line, cases[k].column, "",
                     "lists and mappings are nested more than 64 levels deep");
        cr_expect_lt(took, 0.25, "case %zu took %.3f s", k, took);
    }
    /* --set values are parsed by libyaml too */
    char *set = malloc(cap);
    cr_assert_not_null(set);
    size_t d = (size_t)sprintf(set, "model.bass.mix=");
    for (int i = 0; i < depth; i++) set[d++] = '[';
    for (int i = 0; i < depth; i++) set[d++] = ']';
    set[d] = '\0';
    double t0 = seconds_now();
    cr_expect_eq(scenario_set(scn, set, &err), SIM_EINPUT);
    cr_expect_lt(seconds_now() - t0, 0.25);
    cr_expect_str_eq(err.file, "--set");
    expect_error(&err, 0, 0, "model.bass.mix", "nested more than 64 levels deep");
    free(set);
    free(flow);
    free(block);
    free(maps);
    scenario_free(scn);
}

/* 64 levels are allowed (the error is then about the value), 65 are not. */
Test(scenario, nesting_limit_is_64)
{
    scenario *scn = make();
    sim_error err;
    char text[512];
    for (int lists = 63; lists <= 64; lists++) {
        int n = sprintf(text, "run:\n  days: ");
        for (int i = 0; i < lists - 1; i++) text[n++] = '[';
        for (int i = 0; i < lists - 1; i++) text[n++] = ']';
        text[n] = '\0';
        /* levels: the top mapping, run's mapping, lists - 1 lists */
        strcat(text, "\n");
        load_fails(scn, text, &err);
        if (lists == 63)
            expect_error(&err, 2, 9, "run.days", "expected an integer, got a list");
        else
            expect_error(&err, 2, 9 + 62, "", "nested more than 64 levels deep");
    }
    scenario_free(scn);
}

Test(scenario, empty_file)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "", &err);
    expect_error(&err, 0, 0, "", "the scenario file is empty");
    load_fails(scn, "# only a comment\n\n   # another\n", &err);
    expect_error(&err, 0, 0, "", "the scenario file is empty");
    load_fails(scn, "---\n", &err);
    expect_error(&err, 0, 0, "", "the scenario file is empty");
    scenario_free(scn);
}

Test(scenario, binary_nul_byte)
{
    scenario *scn = make();
    sim_error err;
    const char data[] = "run:\n  days: 3\0\0\n";
    int rc = scenario_load_file(scn, write_bytes(data, sizeof data - 1), &err);

    cr_assert_eq(rc, SIM_EINPUT);
    expect_error(&err, 2, 10, "", "not a text file (binary data at byte 15: NUL byte 0x00)");
    scenario_free(scn);
}

Test(scenario, binary_invalid_utf8)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "run:\n  title: caf\xc3\xa9\n  days: 1\xff\n", &err);
    expect_error(&err, 3, 10, "", "not a text file (binary data at byte 30: invalid UTF-8 byte 0xff)");
    load_fails(scn, "a: \xed\xa0\x80\n", &err); /* an encoded surrogate */
    expect_error(&err, 1, 4, "", "binary data at byte 4: invalid UTF-8 byte 0xed");
    load_fails(scn, "a: 1\nb: \x01\n", &err);
    expect_error(&err, 2, 4, "", "binary data at byte 9: control character 0x01");
    scenario_free(scn);
}

Test(scenario, yaml_syntax_error)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "run:\n  days: 3\nmodel:\n  bass: [0.1, 0.2\n", &err);
    expect_error(&err, 5, 1, "", "YAML syntax error: did not find expected ',' or ']'");
    cr_expect(strstr(err.msg, "at line 4, column 9") != NULL, "%s", err.msg);
    load_fails(scn, "run: days: 3\n", &err);
    expect_error(&err, 1, 10, "", "YAML syntax error: mapping values are not allowed");
    load_fails(scn, "run:\n\tdays: 3\n", &err);
    expect_error(&err, 2, 1, "", "(a tab; indent with spaces)");
    scenario_free(scn);
}

Test(scenario, second_document_rejected)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "run:\n  days: 3\n---\nrun:\n  days: 4\n", &err);
    expect_error(&err, 3, 1, "", "expected one YAML document");
    cr_expect_eq(scenario_int(scn, "run.days"), 365);
    scenario_free(scn);
}

Test(scenario, top_level_not_a_mapping)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "- run\n- model\n", &err);
    expect_error(&err, 1, 1, "", "expected a mapping of keys, got a list");
    load_fails(scn, "\n  hello\n", &err);
    expect_error(&err, 2, 3, "", "expected a mapping of keys, got \"hello\"");
    scenario_free(scn);
}

/* ---------- key errors ---------- */

Test(scenario, unknown_key_suggests_nearest)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "model:\n  bass:\n    p: 0.1\n    pp: 0.2\n", &err);
    expect_error(&err, 4, 5, "model.bass.pp", "unknown key \"model.bass.pp\"; did you mean \"model.bass.p\"?");
    load_fails(scn, "network:\n  kidn: ring\n", &err); /* a swap of two letters */
    expect_error(&err, 2, 3, "network.kidn", "did you mean \"network.kind\"?");
    load_fails(scn, "days: 3\n", &err); /* right key at the wrong level */
    expect_error(&err, 1, 1, "days", "unknown key \"days\"; did you mean \"run.days\"?");
    scenario_free(scn);
}

Test(scenario, unknown_key_without_suggestion)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "run:\n  population_size: 100\n", &err);
    expect_error(&err, 2, 3, "run.population_size", "unknown key \"run.population_size\"");
    cr_expect_null(strstr(err.msg, "did you mean"), "%s", err.msg);
    scenario_free(scn);
}

Test(scenario, unknown_section)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "run:\n  days: 3\nmodle:\n  bass:\n    p: 0.1\n", &err);
    expect_error(&err, 3, 1, "modle", "unknown section \"modle\"; did you mean \"model\"?");
    load_fails(scn, "model:\n  bas:\n    p: 0.1\n", &err);
    expect_error(&err, 2, 3, "model.bas", "did you mean \"model.bass\"?");
    scenario_free(scn);
}

Test(scenario, mapping_where_value_expected)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "model:\n  bass:\n    p:\n      value: 0.1\n", &err);
    expect_error(&err, 4, 7, "model.bass.p", "expected a number, got a mapping");
    load_fails(scn, "run:\n  days: [1, 2]\n", &err);
    expect_error(&err, 2, 9, "run.days", "expected an integer, got a list");
    scenario_free(scn);
}

Test(scenario, value_where_section_expected)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "model:\n  bass: 0.1\n", &err);
    expect_error(&err, 2, 9, "model.bass", "expected a mapping of keys, got \"0.1\"");
    load_fails(scn, "run:\nmodel:\n  name: bass\n", &err);
    expect_error(&err, 1, 5, "run", "expected a mapping of keys, got an empty value");
    scenario_free(scn);
}

Test(scenario, duplicate_keys)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "run:\n  days: 3\n  seed: 1\n  days: 4\n", &err);
    expect_error(&err, 4, 3, "run.days", "duplicate key (first given at line 2)");
    load_fails(scn, "run:\n  days: 3\nmodel: {}\nrun:\n  seed: 2\n", &err);
    expect_error(&err, 4, 1, "run", "duplicate key");
    load_fails(scn, "model:\n  bass:\n    p: 0.1\nmodel.bass.p: 0.2\n", &err);
    expect_error(&err, 4, 1, "model.bass.p", "duplicate key (first given at line 3)");
    scenario_free(scn);
}

/* ---------- value errors ---------- */

Test(scenario, wrong_integer)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "run:\n  days: abc\n", &err);
    expect_error(&err, 2, 9, "run.days", "expected an integer, got \"abc\"");
    load_fails(scn, "run:\n  days: 1.5\n", &err);
    expect_error(&err, 2, 9, "run.days", "expected an integer, got \"1.5\"");
    load_fails(scn, "run:\n  days:\n", &err);
    expect_error(&err, 2, 8, "run.days", "expected an integer, got an empty value");
    load_fails(scn, "run:\n  seed: 99999999999999999999\n", &err);
    expect_error(&err, 2, 9, "run.seed", "must be at least 0, got 99999999999999999999");
    scenario_free(scn);
}

Test(scenario, wrong_number)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "model:\n  bass:\n    q: fast\n", &err);
    expect_error(&err, 3, 8, "model.bass.q", "expected a number, got \"fast\"");
    load_fails(scn, "model:\n  bass:\n    q: nan\n", &err);
    expect_error(&err, 3, 8, "model.bass.q", "expected a finite number, got \"nan\"");
    load_fails(scn, "model:\n  bass:\n    q: .inf\n", &err);
    expect_error(&err, 3, 8, "model.bass.q", "expected a number, got \".inf\"");
    load_fails(scn, "model:\n  bass:\n    q: 1e999\n", &err);
    expect_error(&err, 3, 8, "model.bass.q", "expected a finite number");
    load_fails(scn, "model:\n  bass:\n    q: 0.5x\n", &err);
    expect_error(&err, 3, 8, "model.bass.q", "expected a number, got \"0.5x\"");
    scenario_free(scn);
}

Test(scenario, wrong_enum)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "network:\n  kind: grid\n", &err);
    expect_error(&err, 2, 9, "network.kind",
                 "expected one of ring|random|scale_free, got \"grid\"");
    load_fails(scn, "network:\n  kind: Ring\n", &err); /* case matters */
    expect_error(&err, 2, 9, "network.kind", "got \"Ring\"");
    scenario_free(scn);
}

Test(scenario, out_of_bounds)
{
    scenario *scn = make();
    sim_error err;

    load_fails(scn, "model:\n  bass:\n    p: 1.5\n", &err);
    expect_error(&err, 3, 8, "model.bass.p", "must be between 0 and 1, got 1.5");
    load_fails(scn, "network:\n  degree: -5\n", &err);
    expect_error(&err, 2, 11, "network.degree", "must be at least 0, got -5");
    load_fails(scn, "network:\n  rewire: -1.25\n", &err);
    expect_error(&err, 2, 11, "network.rewire", "must be between -1 and 1, got -1.25");
    load_fails(scn, "run:\n  days: 0\n", &err);
    expect_error(&err, 2, 9, "run.days", "must be between 1 and 100000, got 0");
    scenario_free(scn);
}

Test(scenario, list_values)
{
    scenario *scn = make();
    sim_error err;
    int n = 0;

    cr_assert_eq(scenario_load_file(scn, write_text("model:\n  bass:\n    mix: 0.5\n"), &err),
                 SIM_OK, "%s", err.msg);
    const double *mix = scenario_list(scn, "model.bass.mix", &n);
    cr_assert_eq(n, 1);
    cr_expect_eq(mix[0], 0.5);

    load_fails(scn, "model:\n  bass:\n    mix: [0.1, 0.2, 0.3, 0.4]\n", &err);
    expect_error(&err, 3, 10, "model.bass.mix", "expected a list of at most 3 numbers, got 4");
    load_fails(scn, "model:\n  bass:\n    mix: []\n", &err);
    expect_error(&err, 3, 10, "model.bass.mix", "got an empty list");
    load_fails(scn, "model:\n  bass:\n    mix:\n      - 0.1\n      - x\n", &err);
    expect_error(&err, 5, 9, "model.bass.mix", "expected a number, got \"x\" (element 2 of the list)");
    load_fails(scn, "model:\n  bass:\n    mix: [0.1, 2]\n", &err);
    expect_error(&err, 3, 16, "model.bass.mix", "must be between 0 and 1, got 2 (element 2");
    load_fails(scn, "model:\n  bass:\n    mix: [0.1, [2]]\n", &err);
    expect_error(&err, 3, 16, "model.bass.mix", "expected a number, got a list");
    load_fails(scn, "model:\n  bass:\n    mix: {a: 1}\n", &err);
    expect_error(&err, 3, 10, "model.bass.mix", "expected a list of at most 3 numbers, got a mapping");
    scenario_free(scn);
}

Test(scenario, failed_load_leaves_values_unchanged)
{
    scenario *scn = make();
    sim_error err;
    int n = 0;
    const char *path = write_text("run:\n  days: 10\nmodel:\n  name: sir\n");

    cr_assert_eq(scenario_load_file(scn, path, &err), SIM_OK, "%s", err.msg);
    char *first_file = strdup(scn->file);
    /* good keys first, the error last */
    load_fails(scn,
               "run:\n  days: 20\n  title: changed\nmodel:\n  name: bass\n  bass:\n"
               "    mix: [0.5]\n    p: 7\n",
               &err);
    expect_error(&err, 8, 8, "model.bass.p", "must be between 0 and 1, got 7");
    cr_expect_eq(scenario_int(scn, "run.days"), 10);
    cr_expect_eq(scenario_find(scn, "run.days")->line, 2);
    cr_expect_str_eq(scenario_string(scn, "run.title"), "demo run");
    cr_expect_str_eq(scenario_string(scn, "model.name"), "sir");
    scenario_list(scn, "model.bass.mix", &n);
    cr_expect_eq(n, 2);
    cr_expect_str_eq(scn->file, first_file);
    free(first_file);
    scenario_free(scn);
}

/* ---------- --set ---------- */

Test(scenario, set_good)
{
    scenario *scn = make();
    sim_error err;
    int n = 0;

    cr_assert_eq(scenario_set(scn, "run.days=12", &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(scenario_set(scn, "model.bass.mix=[0.1, 0.9]", &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(scenario_set(scn, "run.title=\"a = b: c\"", &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(scenario_set(scn, " network.kind = random", &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(scenario_set(scn, "run.verbose=on", &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(scenario_int(scn, "run.days"), 12);
    const double *mix = scenario_list(scn, "model.bass.mix", &n);
    cr_assert_eq(n, 2);
    cr_expect_eq(mix[1], 0.9);
    cr_expect_str_eq(scenario_string(scn, "run.title"), "a = b: c");
    cr_expect_str_eq(scenario_string(scn, "network.kind"), "random");
    cr_expect_eq(scenario_bool(scn, "run.verbose"), 1);
    cr_expect_eq(scenario_find(scn, "run.days")->source, PARAM_FROM_SET);
    scenario_free(scn);
}

Test(scenario, set_overrides_file_value)
{
    scenario *scn = make();
    sim_error err;

    cr_assert_eq(scenario_load_file(scn, write_text("run:\n  days: 10\n"), &err), SIM_OK);
    cr_assert_eq(scenario_set(scn, "run.days=11", &err), SIM_OK, "%s", err.msg);
    const param_value *v = scenario_find(scn, "run.days");
    cr_expect_eq(v->i, 11);
    cr_expect_eq(v->source, PARAM_FROM_SET);
    cr_expect_eq(v->line, 0);
    scenario_free(scn);
}

Test(scenario, set_bad)
{
    scenario *scn = make();
    sim_error err;

    cr_assert_eq(scenario_set(scn, "run.days", &err), SIM_EINPUT);
    cr_expect_str_eq(err.file, "--set");
    expect_error(&err, 0, 0, "", "expected key.path=value, got \"run.days\"");
    cr_assert_eq(scenario_set(scn, "=3", &err), SIM_EINPUT);
    expect_error(&err, 0, 0, "", "expected key.path=value");
    cr_assert_eq(scenario_set(scn, "run.dyas=3", &err), SIM_EINPUT);
    cr_expect_str_eq(err.file, "--set");
    expect_error(&err, 0, 0, "run.dyas", "unknown key \"run.dyas\"; did you mean \"run.days\"?");
    cr_assert_eq(scenario_set(scn, "model.bass=3", &err), SIM_EINPUT);
    expect_error(&err, 0, 0, "model.bass", "\"model.bass\" is a section, not a key");
    cr_assert_eq(scenario_set(scn, "run.days=three", &err), SIM_EINPUT);
    expect_error(&err, 0, 0, "run.days", "expected an integer, got \"three\"");
    cr_assert_eq(scenario_set(scn, "run.days=", &err), SIM_EINPUT);
    expect_error(&err, 0, 0, "run.days", "expected an integer, got an empty value");
    cr_assert_eq(scenario_set(scn, "model.bass.p=2", &err), SIM_EINPUT);
    expect_error(&err, 0, 0, "model.bass.p", "must be between 0 and 1, got 2");
    cr_assert_eq(scenario_set(scn, "model.bass.mix=[0.1, 0.2", &err), SIM_EINPUT);
    expect_error(&err, 0, 0, "model.bass.mix", "YAML syntax error");
    cr_assert_eq(scenario_set(scn, "model.bass.mix=[0.1, 5]", &err), SIM_EINPUT);
    expect_error(&err, 0, 0, "model.bass.mix", "must be between 0 and 1, got 5 (element 2");
    cr_assert_eq(scenario_set(scn, "run.title=a: b", &err), SIM_EINPUT);
    expect_error(&err, 0, 0, "run.title", "expected a string, got a mapping");
    /* nothing changed */
    cr_expect_eq(scenario_int(scn, "run.days"), 365);
    cr_expect_eq(scenario_double(scn, "model.bass.p"), 0.03);
    cr_expect_eq(scenario_find(scn, "run.days")->source, PARAM_FROM_DEFAULT);
    scenario_free(scn);
}

/* ---------- scenario_error ---------- */

Test(scenario, error_locations)
{
    scenario *scn = make();
    sim_error err;
    const char *path = write_text("model:\n  bass:\n    p: 0.2\n");

    cr_assert_eq(scenario_error(scn, "run.days", &err, "too %s", "long"), SIM_EINPUT);
    cr_expect_str_eq(err.file, "");
    expect_error(&err, 0, 0, "run.days", "too long");

    cr_assert_eq(scenario_load_file(scn, path, &err), SIM_OK);
    cr_assert_eq(scenario_set(scn, "model.bass.q=0.3", &err), SIM_OK);
    scenario_error(scn, "model.bass.p", &err, "p + q = %g", 0.5);
    cr_expect_str_eq(err.file, path);
    expect_error(&err, 3, 8, "model.bass.p", "p + q = 0.5");
    scenario_error(scn, "model.bass.q", &err, "bad");
    cr_expect_str_eq(err.file, "--set");
    expect_error(&err, 0, 0, "model.bass.q", "bad");
    scenario_error(scn, "run.days", &err, "bad");
    cr_expect_str_eq(err.file, path);
    expect_error(&err, 0, 0, "run.days", "bad");
    scenario_free(scn);
}

/* ---------- YAML output ---------- */

static void expect_same_values(const scenario *a, const scenario *b)
{
    cr_assert_eq(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const param_value *x = &a->values[i], *y = &b->values[i];
        const char *path = x->def->path;
        cr_assert_eq(x->def, y->def);
        switch (x->def->type) {
        case PARAM_BOOL:
        case PARAM_INT: cr_expect_eq(x->i, y->i, "%s", path); break;
        case PARAM_DOUBLE: cr_expect_eq(x->d, y->d, "%s: %.17g vs %.17g", path, x->d, y->d); break;
        case PARAM_STRING:
        case PARAM_NAME_LIST:
        case PARAM_ENUM: cr_expect_str_eq(x->s, y->s, "%s", path); break;
        case PARAM_DOUBLE_LIST:
            cr_assert_eq(x->n, y->n, "%s", path);
            for (int k = 0; k < x->n; k++) cr_expect_eq(x->list[k], y->list[k], "%s", path);
            break;
        }
    }
}

Test(scenario, yaml_round_trip)
{
    scenario *a = make(), *b = make();
    sim_error err;

    cr_assert_eq(scenario_set(a, "run.title=\"say \\\"hi\\\" \\\\ back\\nslash\\ttab\"", &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(scenario_set(a, "run.seed=9000000000000000000", &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(scenario_set(a, "run.verbose=yes", &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(scenario_set(a, "network.degree=1e300", &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(scenario_set(a, "network.rewire=-4.9406564584124654e-324", &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(scenario_set(a, "model.bass.p=0.30000000000000004", &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(scenario_set(a, "model.bass.mix=[0.1, 0.7, 0.19999999999999998]", &err), SIM_OK, "%s", err.msg);
    cr_assert_str_eq(scenario_string(a, "run.title"), "say \"hi\" \\ back\nslash\ttab");

    char *yaml = scenario_to_yaml(a);
    cr_assert_not_null(yaml);
    cr_assert_eq(scenario_load_file(b, write_text(yaml), &err), SIM_OK, "%s\n%s", err.msg, yaml);
    expect_same_values(a, b);
    free(yaml);
    scenario_free(a);
    scenario_free(b);
}

Test(scenario, yaml_text_layout)
{
    scenario *scn = make();
    sim_error err;
    char *yaml = scenario_to_yaml(scn);

    cr_assert_not_null(yaml);
    cr_expect_str_eq(yaml,
                     "run:\n"
                     "  days: 365  # steps\n"
                     "  seed: 42\n"
                     "  verbose: false\n"
                     "  title: \"demo run\"\n"
                     "network:\n"
                     "  kind: ring\n"
                     "  degree: 4  # agents\n"
                     "  rewire: 0.1  # 1\n"
                     "model:\n"
                     "  name: bass\n"
                     "  bass:\n"
                     "    p: 0.03  # 1/day\n"
                     "    q: 0.38  # 1/day\n"
                     "    mix: [0.25, 0.75]  # 1\n");
    free(yaml);

    cr_assert_eq(scenario_set(scn, "model.name=sir", &err), SIM_OK);
    yaml = scenario_to_yaml(scn);
    cr_assert_not_null(yaml);
    cr_expect_null(strstr(yaml, "bass:"), "%s", yaml);
    cr_expect(strstr(yaml, "  sir:\n    beta: 0.5  # 1/day\n    init:\n      infected: 10  # agents\n") != NULL,
              "%s", yaml);
    free(yaml);
    scenario_free(scn);
}

Test(scenario, yaml_groups_scattered_sections)
{
    static const param_def scattered[] = {
        {"a.x", PARAM_INT, "", 0, 9, "1", NULL, 0, "", PARAM_NO_FIELD},
        {"b.y", PARAM_INT, "", 0, 9, "2", NULL, 0, "", PARAM_NO_FIELD},
        {"a.z", PARAM_INT, "", 0, 9, "3", NULL, 0, "", PARAM_NO_FIELD},
        PARAM_END};
    const param_def *const t[] = {scattered};
    scenario *scn;
    sim_error err;

    cr_assert_eq(scenario_alloc(t, 1, &scn, &err), SIM_OK, "%s", err.msg);
    char *yaml = scenario_to_yaml(scn);
    cr_assert_not_null(yaml);
    cr_expect_str_eq(yaml, "a:\n  x: 1\n  z: 3\nb:\n  y: 2\n");
    free(yaml);
    scenario_free(scn);
}

/* ---------- the rest ---------- */

Test(scenario, markdown_reference)
{
    char *md = scenario_params_markdown(tables, 2);

    cr_assert_not_null(md);
    cr_expect(strncmp(md, "| key | type | default | unit | range | meaning |\n", 49) == 0, "%s", md);
    cr_expect(strstr(md, "| `model.bass.p` | double | `0.03` | 1/day | [0, 1] | innovation rate |\n") != NULL,
              "%s", md);
    cr_expect(strstr(md, "| `network.kind` | enum | `ring` |  | ring, random, scale_free | network shape |\n") != NULL,
              "%s", md);
    cr_expect(strstr(md, "| `network.degree` | double | `4` | agents | >= 0 | mean degree |\n") != NULL,
              "%s", md);
    cr_expect(strstr(md, "| `model.bass.mix` | list | `[0.25, 0.75]` | 1 | [0, 1]; 1 to 3 values |") != NULL,
              "%s", md);
    free(md);
}

Test(scenario, getter_on_unknown_key_aborts, .signal = SIGABRT, .init = cr_redirect_stderr)
{
    scenario *scn = make();
    scenario_double(scn, "model.bass.pp");
}

Test(scenario, getter_of_wrong_type_aborts, .signal = SIGABRT, .init = cr_redirect_stderr)
{
    scenario *scn = make();
    scenario_int(scn, "model.bass.p");
}
