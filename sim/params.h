/* params.h: the parameter table, one row per scenario key.
 *
 * Every key a scenario file may contain is one row of a table: its dotted path,
 * type, unit, bounds, default and a one-line help.  The engine owns the rows for
 * run.*, network.* and organization.*; each model owns the rows under
 * model.<name>.*.  The same rows validate files and --set overrides, fill
 * defaults, print `adoptsim params` and generate the parameter documentation,
 * so there is exactly one place where a parameter is declared.
 *
 * A row may also bind the field of a module's parameter struct that its value
 * fills (bind and offset): scenario_bind (scenario.h) then fills the whole
 * struct from a scenario in one pass, so a module never looks its keys up by
 * their path.  The C type of the field follows from the row's type:
 *
 *   PARAM_BOOL         int, 0 or 1
 *   PARAM_INT          int64_t (PARAM_BIND) or int32_t (PARAM_BIND_INT32: the
 *                      row's bounds must fit an int32_t)
 *   PARAM_DOUBLE       double
 *   PARAM_ENUM         int: the index of the value among the row's choices
 *                      (0 for the first), so a module's enum follows their order
 *   PARAM_STRING       const char *: owned by the scenario, valid while it lives.  With
 *                      max_len > 0 the row also takes a YAML list of 1..max_len free-text
 *                      names ([Sales EMEA, "R&D, Legal"]: org-chart labels), stored as one
 *                      comma list, each name quoted as in CSV when it holds a comma or a
 *                      quote (Sales EMEA, "R&D, Legal")
 *   PARAM_DOUBLE_LIST  param_list (max_len at most PARAM_LIST_MAX); a row whose
 *                      default is "[]" also takes an empty list
 *   PARAM_NAME_LIST    const char *: identifiers (observable names and the like)
 *                      joined by commas ("" for none), owned by the scenario
 *
 * Rows without a binding (PARAM_UNBOUND, the zero value) are read with the
 * getters of scenario.h. */
#ifndef SIM_PARAMS_H
#define SIM_PARAMS_H

#include <stddef.h>

typedef enum param_type {
    PARAM_BOOL,        /* true/false (YAML 1.1 yes/no/on/off also accepted) */
    PARAM_INT,         /* 64-bit signed integer, bounds [min, max] */
    PARAM_DOUBLE,      /* finite double, bounds [min, max] */
    PARAM_STRING,      /* free text, e.g. a file path */
    PARAM_ENUM,        /* one of the '|'-separated words in choices */
    PARAM_DOUBLE_LIST, /* YAML sequence of 1..max_len doubles, each within [min, max] */
    PARAM_NAME_LIST    /* YAML sequence of 0..max_len names (letters, digits, _ . : -), or one name;
                          stored joined by commas in param_value.s, their count in n */
} param_type;

/* How a row fills its field (see the table above). */
typedef enum param_bind {
    PARAM_UNBOUND = 0, /* no field: read with the getters */
    PARAM_BIND,        /* the field has the row type's C type (INT: int64_t) */
    PARAM_BIND_INT32   /* INT rows only: the field is an int32_t */
} param_bind;

/* Most elements a bound DOUBLE_LIST row may have. */
#define PARAM_LIST_MAX 16

/* The field a bound DOUBLE_LIST row fills: n values in v[0..n-1], the rest 0. */
typedef struct param_list {
    int n;
    double v[PARAM_LIST_MAX];
} param_list;

typedef struct param_def {
    const char *path;    /* dotted key path, e.g. "model.bass.p" */
    param_type type;
    const char *unit;    /* e.g. "1/day", "agents", "days", "1" (dimensionless), "" (none) */
    double min, max;     /* inclusive bounds for INT, DOUBLE and each list element */
    const char *def;     /* default as YAML text: "0.01", "[0.2, 0.3]", "normal", "" */
    const char *choices; /* ENUM only: "normal|uniform|constant"; NULL otherwise */
    int max_len;         /* DOUBLE_LIST and NAME_LIST: most elements allowed; STRING: most
                            names of a YAML list taken (0: no list) */
    const char *help;    /* one line: what the parameter means */
    param_bind bind;     /* whether (and as what) the row fills a field */
    size_t offset;       /* bound rows: offsetof the field in the module's struct */
} param_def;

/* The binding of a row written positionally: the last two members of a
 * param_def, for field `member` of struct `type`. */
#define PARAM_FIELD(type, member) PARAM_BIND, offsetof(type, member)
#define PARAM_FIELD_INT32(type, member) PARAM_BIND_INT32, offsetof(type, member)
/* The same for a row that binds no field (read with the getters). */
#define PARAM_NO_FIELD PARAM_UNBOUND, 0

/* A table is an array of rows closed by a row whose path is NULL. */
#define PARAM_END {0}

#endif
