/* params.h: the parameter table, one row per scenario key.
 *
 * Every key a scenario file may contain is one row of a table: its dotted path,
 * type, unit, bounds, default and a one-line help.  The engine owns the rows for
 * run.*, network.* and organization.*; each model owns the rows under
 * model.<name>.*.  The same rows validate files and --set overrides, fill
 * defaults, print `adoptsim params` and generate the parameter documentation,
 * so there is exactly one place where a parameter is declared. */
#ifndef SIM_PARAMS_H
#define SIM_PARAMS_H

typedef enum param_type {
    PARAM_BOOL,        /* true/false (YAML 1.1 yes/no/on/off also accepted) */
    PARAM_INT,         /* 64-bit signed integer, bounds [min, max] */
    PARAM_DOUBLE,      /* finite double, bounds [min, max] */
    PARAM_STRING,      /* free text, e.g. a file path */
    PARAM_ENUM,        /* one of the '|'-separated words in choices */
    PARAM_DOUBLE_LIST  /* YAML sequence of 1..max_len doubles, each within [min, max] */
} param_type;

typedef struct param_def {
    const char *path;    /* dotted key path, e.g. "model.bass.p" */
    param_type type;
    const char *unit;    /* e.g. "1/day", "agents", "days", "1" (dimensionless), "" (none) */
    double min, max;     /* inclusive bounds for INT, DOUBLE and each list element */
    const char *def;     /* default as YAML text: "0.01", "[0.2, 0.3]", "normal", "" */
    const char *choices; /* ENUM only: "normal|uniform|constant"; NULL otherwise */
    int max_len;         /* DOUBLE_LIST only: most elements allowed */
    const char *help;    /* one line: what the parameter means */
} param_def;

/* A table is an array of rows closed by a row whose path is NULL. */
#define PARAM_END {0}

#endif
