/* scenario.h: one scenario, resolved: every key of the parameter table with
 * its value, taken from the default, the scenario file or a --set override.
 *
 * Ownership: scenario_alloc returns a scenario the caller frees with
 * scenario_free.  Strings returned by the getters belong to the scenario.
 * Getters take a path that must exist in the table with the right type; a
 * wrong path is a programming error (they abort with a message), never a user
 * error, because user input is validated when it is loaded. */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stddef.h>
#include "error.h"
#include "params.h"

/* Where a value came from. */
typedef enum param_source { PARAM_FROM_DEFAULT = 0, PARAM_FROM_FILE, PARAM_FROM_SET } param_source;

typedef struct param_value {
    const param_def *def;
    param_source source;
    int line, column;    /* position in the scenario file (1-based) when source == FILE */
    const char *file;    /* source == FILE from another file than the scenario's own (an
                            experiment's overrides): that file's name, not owned, outliving
                            the scenario; NULL otherwise */
    long long i;         /* BOOL (0/1) and INT */
    double d;            /* DOUBLE */
    char *s;             /* STRING and ENUM (owned) */
    double *list;        /* DOUBLE_LIST (owned) */
    int n;               /* DOUBLE_LIST length */
} param_value;

typedef struct scenario {
    char *file;          /* path of the scenario file loaded, NULL if none (owned) */
    param_value *values; /* one per table row, in table order (owned) */
    size_t n;
} scenario;

/* Build a scenario holding the defaults of every row of the given tables
 * (n_tables tables, each closed by PARAM_END).  Fails (SIM_EINTERNAL) if a
 * default does not parse or a path appears twice: a bug in a table. */
int scenario_alloc(const param_def *const *tables, size_t n_tables, scenario **out, sim_error *err);
void scenario_free(scenario *scn); /* NULL is a no-op */

/* Read a YAML scenario file: nested mappings whose leaf keys form the dotted
 * paths.  The file must be a regular file of at most 16 MiB (input.h; a
 * missing one is bad input, SIM_EINPUT) with lists and mappings nested at
 * most 64 deep.  Rejects with file:line:column and key: syntax errors, empty
 * or binary files, unknown keys (suggesting the nearest known one), duplicate keys, wrong
 * types and values out of bounds.  On error the scenario is left unchanged.
 * The file's uncertainty section (the top-level keys in
 * scenario_uncertainty_keys) is left to uncertainty_read (uncertainty.h):
 * whoever loads a file that may have one reads it there. */
int scenario_load_file(scenario *scn, const char *path, sim_error *err);

/* The top-level keys of a scenario or experiment file that hold its
 * uncertainty section (NULL-terminated). */
extern const char *const scenario_uncertainty_keys[];

/* For files that hold scenario keys inside a larger document (experiment
 * files).  scenario_yaml_load reads path into *doc with the same checks as
 * scenario_load_file (text only, one document, a mapping at the top); on
 * success the caller owns *doc and frees it with yaml_document_delete.
 * scenario_apply_yaml applies one mapping node of such a document (nested or
 * dotted keys) to scn, every error naming file:line:column and the key; on
 * error scn is left unchanged.  When scn already comes from another file
 * (an experiment's base), scn->file stays that file, so paths in it keep
 * resolving against its directory, and the values set here remember file
 * (param_value.file: the caller keeps that string alive as long as scn and
 * its copies). */
struct yaml_document_s;
struct yaml_node_s;
int scenario_yaml_load(const char *path, struct yaml_document_s *doc, sim_error *err);

/* Which of keys (NULL-terminated) the top-level mapping of the YAML file at
 * path has first (in file order): *found points into keys, NULL when none.
 * The file is read and checked as by scenario_yaml_load; its errors are
 * returned as such.  Used to tell experiment files (base, scenarios, sweep)
 * from scenario files. */
int scenario_yaml_top_key(const char *path, const char *const *keys, const char **found,
                          sim_error *err);
int scenario_apply_yaml(scenario *scn, struct yaml_document_s *doc, struct yaml_node_s *map,
                        const char *file, sim_error *err);
/* The same, leaving out the keys whose dotted paths are in skip (NULL
 * terminated): the parts of a larger document its reader walks itself (an
 * experiment's scenarios and sweep.parameters). */
int scenario_apply_yaml_except(scenario *scn, struct yaml_document_s *doc, struct yaml_node_s *map,
                               const char *file, const char *const *skip, sim_error *err);

/* path as named in scenario_file: relative paths are taken from that file's
 * directory (malloc'd; NULL when out of memory). */
char *scenario_resolve_path(const char *scenario_file, const char *path);

/* A deep copy of scn (the caller frees it); NULL when out of memory. */
scenario *scenario_copy(const scenario *scn);

/* Apply one "key.path=value" override, the value written as in YAML (a scalar
 * or a flow sequence such as [0.1, 0.2]).  Errors name file "--set". */
int scenario_set(scenario *scn, const char *assignment, sim_error *err);

/* Set the INT or DOUBLE key path to value, a number computed by the program
 * (a sweep point, a parameter draw, an experiment's replicates): checked like
 * any value (a known key of a numeric type, a whole number for INT, within the
 * row's bounds), never printed and parsed again.  Errors name
 * origin_file:line:column and path.  Where the value is recorded to come from:
 * origin_file "--set": a command-line override (line and column ignored);
 * another file: that file at line:column (param_value.file keeps the
 * pointer, so the caller keeps the string alive as long as scn and its
 * copies, as for scenario_apply_yaml); NULL: the program's own choice, shown
 * as a default.  On error scn is unchanged. */
int scenario_set_number(scenario *scn, const char *path, double value, const char *origin_file,
                        int line, int column, sim_error *err);

/* Times.  An INT row whose unit is "day" (a day number: day 0 is the
 * initial state, e.g. interventions.*.start) or "days" (a length of time,
 * e.g. interventions.*.every) takes, in a file, --set and an experiment's
 * overrides and sweeps alike:
 *   90        days
 *   90d       days
 *   12w       weeks of 7 days
 *   3m        months: for a day number with run.start_date set, the days
 *             from the start date to the same day 3 months later (the
 *             month's last day when it is shorter: 2025-01-31 + 1m is
 *             2025-02-28, day 28); otherwise (no start date, or a length)
 *             3 x 30.44 days, rounded (91)
 *   2025-06-01  a date, for day numbers only, with run.start_date set: its
 *             days after the start date (day 0); a date before it, or
 *             without a start date, is an error at the key
 * The value is stored as whole days (param_value.i, read by scenario_int
 * and scenario_bind as any INT); the text as given is kept in
 * param_value.s when it is not a plain number, counted again whenever
 * run.start_date changes, and shown in the resolved scenario's comment.
 * run.start_date itself (a STRING row of unit "date") is empty or a
 * YYYY-MM-DD date.
 *
 * scenario_time_days parses text as a value of time key path against scn's
 * start date (sweep values): 1 with *days set; 0 when path is not a time
 * key; -1 with why (bounds included) when the text is not a valid time for
 * it. */
int scenario_time_days(const scenario *scn, const char *path, const char *text, long long *days,
                       char *why, size_t size);

/* The word among words[0..n) that word most likely misspells, for a "did
 * you mean": one equal but for case, else the nearest by edit distance
 * (adjacent swaps count one) when it is at most 3 and at most a third of
 * the longer word; NULL when none is close. */
const char *scenario_nearest_word(const char *word, const char *const *words, size_t n);

/* Fill the fields of the struct at params from the bound rows of table (see
 * params.h for the C type of each field), in one pass; rows without a
 * binding are skipped.  Every bound row must be in scn with the same type
 * (a programming error otherwise: it aborts with a message, as the getters
 * do).  STRING fields point into scn: they are valid while scn lives. */
void scenario_bind(const scenario *scn, const param_def *table, void *params);

/* Look up a value row; NULL if the path is not in the table. */
const param_value *scenario_find(const scenario *scn, const char *path);

long long scenario_int(const scenario *scn, const char *path);
double scenario_double(const scenario *scn, const char *path);
int scenario_bool(const scenario *scn, const char *path);
const char *scenario_string(const scenario *scn, const char *path); /* STRING and ENUM */
const double *scenario_list(const scenario *scn, const char *path, int *n);
/* The one of names[0..n) nearest to word (an edit distance of at most 3
 * and a third of its length), NULL when none is close: "did you mean". */
const char *scenario_nearest(const char *word, const char *const *names, int n);

/* A NAME_LIST: the names joined by commas ("" for none), their count in *n. */
const char *scenario_names(const scenario *scn, const char *path, int *n);

/* Fill err with the location of path (file:line:column when it was set in the
 * file, "--set" when overridden, the file name alone for a default) and the
 * formatted message; returns SIM_EINPUT.  Used by cross-key validators
 * ("generation mix does not sum to 1"). */
int scenario_error(const scenario *scn, const char *path, sim_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same location and message as a warning appended to out (NULL: none). */
void scenario_warn(const scenario *scn, const char *path, sim_warnings *out, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The fully resolved scenario as YAML text (nested mappings, every key with
 * its value, a comment with the unit).  Keys under model.<name>. for models
 * other than the one named by model.name are left out.  Returns a malloc'd
 * string the caller frees, NULL when out of memory. */
char *scenario_to_yaml(const scenario *scn);

/* Write the parameter reference as a Markdown table (path, type, default,
 * unit, bounds, help) into a malloc'd string; NULL when out of memory. */
char *scenario_params_markdown(const param_def *const *tables, size_t n_tables);

#endif
