/* scenario_internal.h: what the parts of the scenario module share and no
 * one else uses: scenario.c (the value table: parsing values, bounds, lookups,
 * --set, getters), scenario_yaml.c (reading scenario files) and
 * scenario_write.c (the resolved scenario as YAML, the parameter reference).
 * Not a public interface: include it only from those files. */
#ifndef SIM_SCENARIO_INTERNAL_H
#define SIM_SCENARIO_INTERNAL_H

#include <stddef.h>
#include <yaml.h>
#include "scenario.h"

/* Where a value error is reported: a file with node positions (marks 1),
 * "--set" without them, or a table default (file NULL, the caller turns the
 * error into SIM_EINTERNAL).  key is the dotted path named in the error. */
typedef struct scenario_where {
    const char *file;
    int marks;       /* report node positions */
    const char *key;
} scenario_where;

/* ---------- small helpers (scenario.c) ---------- */

/* A malloc'd copy of s; NULL when out of memory. */
char *scenario_strdup(const char *s);

/* The shortest "%.Ng" with N >= 6 that reads back as exactly d. */
void scenario_format_double(double d, char *buf, size_t size);

/* "bool", "int", "double", "string", "enum" or "list". */
const char *scenario_type_name(param_type t);

/* "must be between A and B" (or "at least A", "at most B", "must be a finite
 * number" when the row has no bounds worth stating). */
void scenario_bounds_phrase(const param_def *def, char *buf, size_t size);

static inline const char *scenario_scalar_text(const yaml_node_t *node)
{
    return (const char *)node->data.scalar.value;
}

/* 1 for an empty or null plain scalar: "key:" with nothing after it, "~", "null". */
int scenario_is_null_scalar(const yaml_node_t *node);

/* How a node is described after "got ": a mapping, a list, an empty value
 * or the quoted text of a scalar. */
void scenario_describe_node(const yaml_node_t *node, char *buf, size_t size);

/* ---------- values (scenario.c) ---------- */

/* Free n values and the array (NULL is a no-op). */
void scenario_free_values(param_value *vals, size_t n);

/* v takes the parsed value (its strings and list) and where it came from. */
void scenario_take_value(param_value *v, const param_value *parsed, param_source source, int line,
                         int column, const char *file);

/* Deep copy of n values; NULL when out of memory. */
param_value *scenario_copy_values(const param_value *src, size_t n);

/* Fill err (SIM_EINPUT) with w's file and key, node's position when w->marks,
 * and the formatted message; returns SIM_EINPUT. */
int scenario_fail_at(sim_error *err, const scenario_where *w, const yaml_node_t *node,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Parse node (NULL: an empty value) as a value of row def into out (i, d, s,
 * list, n only).  out is written only on success. */
int scenario_value_from_node(const param_def *def, yaml_document_t *doc, const yaml_node_t *node,
                             param_value *out, const scenario_where *w, sim_error *err);

/* Count again the days of every time value given as text (months and
 * dates: v->s) from the start date in vals (run.start_date; none: months
 * of 30.44 days, dates refused) and check them against their bounds.
 * Errors name the value's origin: its own file, or file for values from
 * the scenario's file; with blame (a key set by --set), a value made
 * wrong by it is reported at blame.  On error vals is unchanged. */
int scenario_resolve_times(param_value *vals, size_t n, const char *file, const char *blame,
                           sim_error *err);

/* ---------- table lookups (scenario.c) ---------- */

/* Row index of path; -1 if it is not in the table. */
long scenario_find_row(const scenario *scn, const char *path);

/* 1 if some row lies under path ("model" and "model.bass" for "model.bass.p"). */
int scenario_is_section(const scenario *scn, const char *path);

/* The "unknown key (section) ...; did you mean ...?" error at node. */
int scenario_unknown_key(const scenario *scn, const char *path, int sections,
                         const scenario_where *w, const yaml_node_t *node, sim_error *err);

/* ---------- libyaml errors (scenario_yaml.c) ---------- */

/* Fill err from a failed libyaml parser.  text/len locate reader errors;
 * w->marks says whether positions are meaningful (not for --set values). */
int scenario_yaml_failure(const yaml_parser_t *p, const char *text, size_t len,
                          const scenario_where *w, sim_error *err);

/* SIM_OK if lists and mappings in text are nested at most 64 deep; else
 * the position of the first one deeper (syntax errors are reported as
 * scenario_yaml_failure does).  Checked from libyaml's events before a
 * document is built: its scanner is quadratic in the depth of flow
 * collections. */
int scenario_yaml_check_depth(const char *text, size_t len, const scenario_where *w,
                              sim_error *err);

#endif
