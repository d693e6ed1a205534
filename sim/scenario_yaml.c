/* scenario_yaml.c: reading scenario files: the file read whole (input.h: a
 * regular file of at most 16 MiB) and checked to be text and nested at most
 * MAX_DEPTH deep, parsed with libyaml (its errors turned into
 * file:line:column),
 * the mappings walked into the dotted key paths of the value table.
 * scenario_yaml_load, scenario_yaml_top_key, scenario_apply_yaml (and _except),
 * scenario_load_file and scenario_resolve_path; values are parsed by scenario.c.
 *
 * A file is validated into a copy of the values; the copy replaces the
 * scenario's values only when the whole file is good. */
#include "scenario.h"
#include "scenario_internal.h"
#include "input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

/* Deepest nesting of lists and mappings in a file.  Scenario files need 4
 * levels (experiments 6); libyaml's scanner is quadratic in the depth of
 * flow collections ("[[[[...") and its document holds every level, so the
 * depth is counted from the parser's events before the document is built
 * and the file is refused at the first collection below this limit. */
#define MAX_DEPTH 64

/* "prefix.key", or "key" when prefix is NULL; malloc'd. */
static char *join_path(const char *prefix, const char *key)
{
    size_t a = prefix ? strlen(prefix) : 0, b = strlen(key);
    char *p = malloc(a + b + 2);
    if (!p) return NULL;
    if (prefix) {
        memcpy(p, prefix, a);
        p[a] = '.';
        memcpy(p + a + 1, key, b + 1);
    } else {
        memcpy(p, key, b + 1);
    }
    return p;
}

/* ---------- libyaml errors ---------- */

/* 1-based line and column of a byte offset in text. */
static void offset_position(const char *text, size_t len, size_t off, int *line, int *col)
{
    size_t start = 0;
    *line = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    }
    *col = (int)(off - start) + 1;
}

/* 1 if the character at a 0-based line and column (in characters) is a tab. */
static int tab_at(const char *text, size_t len, size_t line, size_t column)
{
    size_t i = 0;
    for (size_t l = 0; l < line; l++) {
        while (i < len && text[i] != '\n') i++;
        if (i == len) return 0;
        i++;
    }
    for (size_t c = 0; c < column && i < len && text[i] != '\n'; c++) {
        i++;
        while (i < len && ((unsigned char)text[i] & 0xc0) == 0x80) i++;
    }
    return i < len && text[i] == '\t';
}

/* Fill err from a failed libyaml parser.  text/len locate reader errors;
 * marks says whether positions are meaningful (not for --set values). */
int scenario_yaml_failure(const yaml_parser_t *p, const char *text, size_t len,
                          const scenario_where *w, sim_error *err)
{
    char ctx[160] = "";
    int line = 0, col = 0;
    const char *problem = p->problem ? p->problem : "unknown problem";

    if (p->error == YAML_MEMORY_ERROR)
        return sim_error_set(err, SIM_ENOMEM, w->file, 0, 0, w->key, "out of memory");
    if (p->error == YAML_READER_ERROR) {
        if (w->marks) offset_position(text, len, p->problem_offset, &line, &col);
    } else {
        if (w->marks) {
            line = (int)p->problem_mark.line + 1;
            col = (int)p->problem_mark.column + 1;
        }
        if (w->marks && tab_at(text, len, p->problem_mark.line, p->problem_mark.column))
            snprintf(ctx, sizeof ctx, " (a tab; indent with spaces)");
        else if (p->context && w->marks)
            snprintf(ctx, sizeof ctx, " (%s at line %d, column %d)", p->context,
                     (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
        else if (p->context)
            snprintf(ctx, sizeof ctx, " (%s)", p->context);
    }
    return sim_error_set(err, SIM_EINPUT, w->file, line, col, w->key, "YAML syntax error: %s%s",
                         problem, ctx);
}

/* ---------- loading a file ---------- */

/* Offset of the first byte that cannot be in a YAML text file (a NUL or
 * other control character, invalid UTF-8), or len if there is none. */
static size_t first_binary_byte(const unsigned char *s, size_t len, const char **what)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t need;
        unsigned lo = 0x80, hi = 0xbf;
        if (c < 0x80) {
            if (c == 0) {
                *what = "NUL byte";
                return i;
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                *what = "control character";
                return i;
            }
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) need = 1;
        else if (c == 0xe0) need = 2, lo = 0xa0;
        else if (c >= 0xe1 && c <= 0xec) need = 2;
        else if (c == 0xed) need = 2, hi = 0x9f;
        else if (c >= 0xee && c <= 0xef) need = 2;
        else if (c == 0xf0) need = 3, lo = 0x90;
        else if (c >= 0xf1 && c <= 0xf3) need = 3;
        else if (c == 0xf4) need = 3, hi = 0x8f;
        else {
            *what = "invalid UTF-8 byte";
            return i;
        }
        if (i + need >= len) {
            *what = "invalid UTF-8 byte";
            return i;
        }
        for (size_t j = 1; j <= need; j++) {
            unsigned b = s[i + j];
            unsigned l = j == 1 ? lo : 0x80, h = j == 1 ? hi : 0xbf;
            if (b < l || b > h) {
                *what = "invalid UTF-8 byte";
                return i;
            }
        }
        i += need + 1;
    }
    return len;
}

typedef struct loader {
    const scenario *scn;
    param_value *vals;   /* the copy being filled */
    int *seen;           /* line each row was set on in this file, 0 if not */
    yaml_document_t *doc;
    const char *file;
    const char *value_file; /* param_value.file of the values set (NULL: scn->file) */
    const char *const *skip; /* paths left to the caller (NULL: none) */
    sim_error *err;
} loader;

/* 1 if path is one of the paths the caller walks itself. */
static int skipped(const loader *ld, const char *path)
{
    for (const char *const *p = ld->skip; p && *p; p++)
        if (strcmp(*p, path) == 0) return 1;
    return 0;
}

static int walk_mapping(loader *ld, const yaml_node_t *map, const char *prefix)
{
    const yaml_node_pair_t *start = map->data.mapping.pairs.start;
    const yaml_node_pair_t *top = map->data.mapping.pairs.top;

    for (const yaml_node_pair_t *pair = start; pair < top; pair++) {
        const yaml_node_t *key = yaml_document_get_node(ld->doc, pair->key);
        const yaml_node_t *val = yaml_document_get_node(ld->doc, pair->value);
        scenario_where w = {ld->file, 1, prefix};
        char *path;
        long row;
        int rc = SIM_OK;

        if (key->type != YAML_SCALAR_NODE) {
            char got[64];
            scenario_describe_node(key, got, sizeof got);
            return scenario_fail_at(ld->err, &w, key, "expected a key name, got %s", got);
        }
        path = join_path(prefix, scenario_scalar_text(key));
        if (!path) return sim_error_set(ld->err, SIM_ENOMEM, ld->file, 0, 0, prefix, "out of memory");
        w.key = path;

        for (const yaml_node_pair_t *q = start; q < pair; q++) {
            const yaml_node_t *qk = yaml_document_get_node(ld->doc, q->key);
            if (qk->type == YAML_SCALAR_NODE &&
                strcmp(scenario_scalar_text(qk), scenario_scalar_text(key)) == 0) {
                rc = scenario_fail_at(ld->err, &w, key, "duplicate key (first given at line %d)",
                                      (int)qk->start_mark.line + 1);
                goto done;
            }
        }

        row = skipped(ld, path) ? -2 : scenario_find_row(ld->scn, path);
        if (row == -2) {
            /* left to the caller */
        } else if (row >= 0) {
            param_value *v = &ld->vals[row];
            param_value parsed = {0};
            if (ld->seen[row]) {
                rc = scenario_fail_at(ld->err, &w, key, "duplicate key (first given at line %d)",
                                      ld->seen[row]);
                goto done;
            }
            rc = scenario_value_from_node(v->def, ld->doc, val, &parsed, &w, ld->err);
            if (rc != SIM_OK) goto done;
            scenario_take_value(v, &parsed, PARAM_FROM_FILE, (int)val->start_mark.line + 1,
                                (int)val->start_mark.column + 1, ld->value_file);
            ld->seen[row] = (int)key->start_mark.line + 1;
        } else if (scenario_is_section(ld->scn, path)) {
            if (val->type != YAML_MAPPING_NODE) {
                char got[64];
                scenario_describe_node(val, got, sizeof got);
                rc = scenario_fail_at(ld->err, &w, val, "expected a mapping of keys, got %s", got);
                goto done;
            }
            rc = walk_mapping(ld, val, path);
        } else {
            rc = scenario_unknown_key(ld->scn, path, val->type == YAML_MAPPING_NODE, &w, key,
                                      ld->err);
        }
    done:
        free(path);
        if (rc != SIM_OK) return rc;
    }
    return SIM_OK;
}

/* Walk the events of the whole stream (every document) counting how deep
 * lists and mappings are nested; refuse the first collection deeper than
 * MAX_DEPTH at its position.  libyaml's syntax errors come out here, first,
 * exactly as yaml_parser_load would report them.  The events of a file are
 * a small fraction of the cost of building its document. */
int scenario_yaml_check_depth(const char *text, size_t len, const scenario_where *w,
                              sim_error *err)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    int depth = 0, rc = SIM_OK;
    if (!yaml_parser_initialize(&parser))
        return sim_error_set(err, SIM_ENOMEM, w->file, 0, 0, NULL, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    for (;;) {
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = scenario_yaml_failure(&parser, text, len, w, err);
            break;
        }
        yaml_event_type_t type = ev.type;
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
            if (++depth > MAX_DEPTH) {
                rc = sim_error_set(err, SIM_EINPUT, w->file,
                                   w->marks ? (int)ev.start_mark.line + 1 : 0,
                                   w->marks ? (int)ev.start_mark.column + 1 : 0, w->key,
                                   "lists and mappings are nested more than %d levels deep here",
                                   MAX_DEPTH);
                yaml_event_delete(&ev);
                break;
            }
        } else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT) break;
    }
    yaml_parser_delete(&parser);
    return rc;
}

/* Load the YAML file at path (what names it in messages) into doc with
 * every check of scenario_yaml_load. */
static int load_document(const char *path, const char *what, yaml_document_t *doc,
                         sim_error *err)
{
    char *text = NULL;
    size_t len = 0, bad;
    const char *why = "";
    yaml_parser_t parser;
    const yaml_node_t *root;
    scenario_where w = {path, 1, NULL};
    int rc;

    rc = input_read_all(path, what, INPUT_MAX_YAML, NULL, &text, &len, err);
    if (rc != SIM_OK) return rc;

    bad = first_binary_byte((const unsigned char *)text, len, &why);
    if (bad < len) {
        int line, col;
        offset_position(text, len, bad, &line, &col);
        rc = sim_error_set(err, SIM_EINPUT, path, line, col, NULL,
                           "not a text file (binary data at byte %zu: %s 0x%02x)", bad + 1,
                           why, (unsigned char)text[bad]);
        free(text);
        return rc;
    }
    if ((rc = scenario_yaml_check_depth(text, len, &w, err)) != SIM_OK) {
        free(text);
        return rc;
    }

    if (!yaml_parser_initialize(&parser)) {
        free(text);
        return sim_error_set(err, SIM_ENOMEM, path, 0, 0, NULL, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, doc)) {
        rc = scenario_yaml_failure(&parser, text, len, &w, err);
        yaml_parser_delete(&parser);
        free(text);
        return rc;
    }
    root = yaml_document_get_root_node(doc);
    if (!root || scenario_is_null_scalar(root)) {
        rc = sim_error_set(err, SIM_EINPUT, path, 0, 0, NULL, "the file is empty");
        goto fail;
    }

    /* Exactly one document: anything after it but empty "---" is an error. */
    for (;;) {
        yaml_document_t more;
        const yaml_node_t *more_root;
        if (!yaml_parser_load(&parser, &more)) {
            rc = scenario_yaml_failure(&parser, text, len, &w, err);
            goto fail;
        }
        more_root = yaml_document_get_root_node(&more);
        if (more_root && !scenario_is_null_scalar(more_root)) {
            rc = sim_error_set(err, SIM_EINPUT, path, (int)more.start_mark.line + 1,
                               (int)more.start_mark.column + 1, NULL,
                               "expected one YAML document, found a second one");
            yaml_document_delete(&more);
            goto fail;
        }
        yaml_document_delete(&more);
        if (!more_root) break;
    }

    if (root->type != YAML_MAPPING_NODE) {
        char got[64];
        scenario_describe_node(root, got, sizeof got);
        rc = scenario_fail_at(err, &w, root, "expected a mapping of keys, got %s", got);
        goto fail;
    }
    yaml_parser_delete(&parser);
    free(text);
    return SIM_OK;

fail:
    yaml_document_delete(doc);
    yaml_parser_delete(&parser);
    free(text);
    return rc;
}

int scenario_yaml_load(const char *path, yaml_document_t *doc, sim_error *err)
{
    return load_document(path, "YAML file", doc, err);
}

int scenario_yaml_top_key(const char *path, const char *const *keys, const char **found,
                          sim_error *err)
{
    yaml_document_t doc;
    *found = NULL;
    int rc = load_document(path, "YAML file", &doc, err);
    if (rc != SIM_OK) return rc;
    const yaml_node_t *root = yaml_document_get_root_node(&doc);
    for (const yaml_node_pair_t *pair = root->data.mapping.pairs.start;
         !*found && pair < root->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = yaml_document_get_node(&doc, pair->key);
        if (key->type != YAML_SCALAR_NODE) continue;
        for (size_t k = 0; keys[k]; k++)
            if (strcmp(scenario_scalar_text(key), keys[k]) == 0) {
                *found = keys[k];
                break;
            }
    }
    yaml_document_delete(&doc);
    return SIM_OK;
}

int scenario_apply_yaml(scenario *scn, yaml_document_t *doc, yaml_node_t *map, const char *file,
                        sim_error *err)
{
    return scenario_apply_yaml_except(scn, doc, map, file, NULL, err);
}

int scenario_apply_yaml_except(scenario *scn, yaml_document_t *doc, yaml_node_t *map,
                               const char *file, const char *const *skip, sim_error *err)
{
    loader ld;
    char *file_copy = NULL;
    int rc;

    if (map->type != YAML_MAPPING_NODE) {
        scenario_where w = {file, 1, NULL};
        char got[64];
        scenario_describe_node(map, got, sizeof got);
        return scenario_fail_at(err, &w, map, "expected a mapping of keys, got %s", got);
    }
    /* values from another file than the scenario's own remember that file */
    const int other_file = scn->file && strcmp(scn->file, file) != 0;
    ld.scn = scn;
    ld.doc = doc;
    ld.file = file;
    ld.value_file = other_file ? file : NULL;
    ld.skip = skip;
    ld.err = err;
    ld.vals = scenario_copy_values(scn->values, scn->n);
    ld.seen = calloc(scn->n ? scn->n : 1, sizeof *ld.seen);
    file_copy = scenario_strdup(other_file ? scn->file : file);
    if (!ld.vals || !ld.seen || !file_copy) {
        rc = sim_error_set(err, SIM_ENOMEM, file, 0, 0, NULL, "out of memory");
    } else {
        rc = walk_mapping(&ld, map, NULL);
        /* times counted from the start date, once every key is read */
        if (rc == SIM_OK) rc = scenario_resolve_times(ld.vals, scn->n, file_copy, NULL, err);
    }
    if (rc == SIM_OK) {
        param_value *old = scn->values;
        scn->values = ld.vals;
        ld.vals = old;
        free(scn->file);
        scn->file = file_copy;
        file_copy = NULL;
    }
    if (ld.vals) scenario_free_values(ld.vals, scn->n);
    free(ld.seen);
    free(file_copy);
    return rc;
}

const char *const scenario_uncertainty_keys[] = {"uncertainty", "uncertainty.include",
                                                 "uncertainty.replicates_per_draw",
                                                 "uncertainty.parameters", NULL};

int scenario_load_file(scenario *scn, const char *path, sim_error *err)
{
    yaml_document_t doc;
    int rc = load_document(path, "scenario file", &doc, err);
    if (rc != SIM_OK) {
        /* keep the scenario file's own wording for an empty file */
        if (!strcmp(err->msg, "the file is empty"))
            snprintf(err->msg, sizeof err->msg, "the scenario file is empty");
        return rc;
    }
    rc = scenario_apply_yaml_except(scn, &doc, yaml_document_get_root_node(&doc), path,
                                    scenario_uncertainty_keys, err);
    yaml_document_delete(&doc);
    return rc;
}

char *scenario_resolve_path(const char *scenario_file, const char *path)
{
    const char *slash = scenario_file ? strrchr(scenario_file, '/') : NULL;
    if (path[0] == '/' || !slash) return scenario_strdup(path);
    size_t dir = (size_t)(slash - scenario_file) + 1, len = strlen(path);
    char *s = malloc(dir + len + 1);
    if (!s) return NULL;
    memcpy(s, scenario_file, dir);
    memcpy(s + dir, path, len + 1);
    return s;
}

