/* orgchart.c: the org-chart CSV reader (see orgchart.h).
 *
 * The file is opened as a regular file of bounded size and read a line at
 * a time with a line-length cap (csv.h).  Reading keeps every row (its id, manager and team label in one text arena)
 * and checks each field; then ids are indexed in a hash table, managers
 * looked up, the one root found, and the tree walked breadth-first from it,
 * which numbers the agents, gives their levels and finds the rows it cannot
 * reach: they hang below a reporting cycle.  Every step is O(rows). */
#include "orgchart.h"
#include "csv.h"
#include "network_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#define CHART_KEY "network.file"
#define CHART_MAX_FIELDS 256
#define CHART_MAX_LEVEL 32767 /* levels are int16 */
#define CHART_NONE SIZE_MAX   /* no text: the root's manager, a missing team label */

/* ---------- text ---------- */

/* Every string of the file, NUL-terminated, addressed by offset. */
typedef struct arena {
    char *text;
    size_t len, cap;
} arena;

static int arena_add(arena *a, const char *s, size_t *off)
{
    size_t len = strlen(s) + 1;
    if (len > a->cap - a->len) {
        size_t cap = a->cap ? a->cap : 65536;
        while (cap - a->len < len) cap *= 2;
        char *t = realloc(a->text, cap);
        if (!t) return SIM_ENOMEM;
        a->text = t;
        a->cap = cap;
    }
    memcpy(a->text + a->len, s, len);
    *off = a->len;
    a->len += len;
    return SIM_OK;
}

/* ---------- string -> value hash table ---------- */

typedef struct str_slot {
    size_t off;  /* key: the string at text + off */
    int32_t val; /* -1: empty slot */
} str_slot;

typedef struct str_map {
    str_slot *slot;
    size_t mask;
} str_map;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

/* Room for count keys, the table at most half full. */
static int map_init(str_map *m, size_t count)
{
    size_t cap = 16;
    while (cap < 2 * count) cap *= 2;
    m->slot = malloc(cap * sizeof *m->slot);
    if (!m->slot) return SIM_ENOMEM;
    for (size_t i = 0; i < cap; i++) m->slot[i].val = -1;
    m->mask = cap - 1;
    return SIM_OK;
}

/* The value of the key text + off, or -1 after storing val for it. */
static int32_t map_put(str_map *m, const char *text, size_t off, int32_t val)
{
    for (size_t i = hash_str(text + off) & m->mask;; i = (i + 1) & m->mask) {
        str_slot *e = &m->slot[i];
        if (e->val < 0) {
            e->off = off;
            e->val = val;
            return -1;
        }
        if (strcmp(text + e->off, text + off) == 0) return e->val;
    }
}

/* The value of key s, -1 if absent. */
static int32_t map_get(const str_map *m, const char *text, const char *s)
{
    for (size_t i = hash_str(s) & m->mask;; i = (i + 1) & m->mask) {
        const str_slot *e = &m->slot[i];
        if (e->val < 0) return -1;
        if (strcmp(text + e->off, s) == 0) return e->val;
    }
}

/* ---------- rows ---------- */

typedef struct chart_row {
    size_t id, boss_id, team, dept; /* offsets into the arena; CHART_NONE: none */
    int line;
    int16_t level;            /* -1: not given */
    int8_t generation;
    int32_t boss;             /* row of the manager, -1 for the root */
} chart_row;

typedef struct chart {
    const char *path;
    arena text;
    chart_row *rows;
    int32_t n, cap;
    int has_dept;      /* the header has a department column */
    size_t dash;       /* the text "-": the chief officer's unlabelled team */
} chart;

static const char *row_id(const chart *c, int32_t r)
{
    return c->text.text + c->rows[r].id;
}

/* Generation code of a name, -1 if unknown: case, spaces, '-' and '_' do
 * not matter, plurals and a few common synonyms are accepted. */
static int parse_generation(const char *s)
{
    static const struct {
        const char *name;
        int code;
    } names[] = {
        {"genz", 0},        {"generationz", 0},  {"zoomer", 0},      {"zoomers", 0},
        {"millennial", 1},  {"millennials", 1},  {"geny", 1},        {"generationy", 1},
        {"genx", 2},        {"generationx", 2},  {"boomer", 3},      {"boomers", 3},
        {"babyboomer", 3},  {"babyboomers", 3},
    };
    char key[32];
    size_t len = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == ' ' || ch == '\t' || ch == '-' || ch == '_') continue;
        if (len + 1 >= sizeof key) return -1;
        key[len++] = (char)tolower(ch);
    }
    key[len] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(key, names[i].name) == 0) return names[i].code;
    return -1;
}

static int parse_level(const char *s, int16_t *level)
{
    if (*s < '0' || *s > '9') return 0;
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (errno || *end || x > CHART_MAX_LEVEL) return 0;
    *level = (int16_t)x;
    return 1;
}

/* Column indices of the header, -1 when absent. */
typedef struct chart_columns {
    int id, boss, generation, level, team, dept, count;
} chart_columns;

static int read_header(const chart *c, char *s, int line, chart_columns *col, sim_error *err)
{
    static const char *const names[] = {"id", "manager_id", "generation", "level", "team", "department"};
    int *slot[] = {&col->id, &col->boss, &col->generation, &col->level, &col->team, &col->dept};
    char *fields[CHART_MAX_FIELDS];
    int nf = csv_split(s, fields, CHART_MAX_FIELDS);
    if (nf < 0)
        return sim_error_set(err, SIM_EINPUT, c->path, line, 0, CHART_KEY,
                             "header: %s", csv_split_error(nf));
    if (nf > CHART_MAX_FIELDS)
        return sim_error_set(err, SIM_EINPUT, c->path, line, 0, CHART_KEY,
                             "header has %d columns, at most %d are supported", nf,
                             CHART_MAX_FIELDS);
    col->count = nf;
    for (int k = 0; k < 6; k++) *slot[k] = -1;
    for (int j = 0; j < nf; j++)
        for (int k = 0; k < 6; k++) {
            if (strcasecmp(fields[j], names[k]) != 0) continue;
            if (*slot[k] >= 0)
                return sim_error_set(err, SIM_EINPUT, c->path, line, 0, CHART_KEY,
                                     "column \"%s\" appears twice in the header (columns %d "
                                     "and %d)", names[k], *slot[k] + 1, j + 1);
            *slot[k] = j;
        }
    for (int k = 0; k < 3; k++) {
        if (*slot[k] >= 0) continue;
        char have[400];
        size_t len = 0;
        have[0] = '\0';
        for (int j = 0; j < nf && len < sizeof have; j++) {
            char name[64];
            csv_excerpt(name, sizeof name, fields[j]);
            int w = snprintf(have + len, sizeof have - len, "%s%s", j ? ", " : "", name);
            if (w < 0) break;
            len += (size_t)w;
        }
        return sim_error_set(err, SIM_EINPUT, c->path, line, 0, CHART_KEY,
                             "missing column \"%s\" (the header has: %s); required: id, "
                             "manager_id, generation", names[k], have);
    }
    return SIM_OK;
}

static int add_row(chart *c, char **fields, const chart_columns *col, int line,
                   const char *text, sim_error *err)
{
    const char *path = c->path;
    char value[80];
    chart_row row = {.boss = -1, .level = -1, .line = line, .team = CHART_NONE,
                     .boss_id = CHART_NONE, .dept = CHART_NONE};
    const char *id = fields[col->id], *boss = fields[col->boss];
    if (*id == '\0')
        return sim_error_set(err, SIM_EINPUT, path, line, 0, CHART_KEY, "empty id: \"%s\"", text);
    if (strcmp(id, "-") == 0)
        return sim_error_set(err, SIM_EINPUT, path, line, 0, CHART_KEY,
                             "id \"-\" is not allowed: a manager_id of \"-\" means none");
    /* ids are written to the results (the agent coordinate) as UTF-8 text;
     * the manager and team must name ids and labels the same way */
    const char *named[] = {"id", "manager_id", "team", "department"};
    const char *value_of[] = {id, boss, col->team >= 0 ? fields[col->team] : "",
                              col->dept >= 0 ? fields[col->dept] : ""};
    for (int k = 0; k < 4; k++) {
        size_t at;
        const char *problem = csv_text_problem(value_of[k], &at);
        if (!problem) continue;
        return sim_error_set(err, SIM_EINPUT, path, line, 0, CHART_KEY,
                             "%s has %s (byte 0x%02x at byte %zu of the %s); ids and labels "
                             "must be UTF-8 text", named[k], problem,
                             (unsigned char)value_of[k][at], at + 1, named[k]);
    }
    int g = parse_generation(fields[col->generation]);
    if (g < 0) {
        csv_excerpt(value, sizeof value, fields[col->generation]);
        return sim_error_set(err, SIM_EINPUT, path, line, 0, CHART_KEY,
                             "generation \"%s\" is not one of gen_z, millennial, gen_x, boomer",
                             value);
    }
    row.generation = (int8_t)g;
    if (col->level >= 0 && fields[col->level][0] != '\0' &&
        !parse_level(fields[col->level], &row.level)) {
        csv_excerpt(value, sizeof value, fields[col->level]);
        return sim_error_set(err, SIM_EINPUT, path, line, 0, CHART_KEY,
                             "level \"%s\" is not an integer from 0 to %d", value,
                             CHART_MAX_LEVEL);
    }
    if (c->n == c->cap) {
        if (c->cap == INT32_MAX)
            return sim_error_set(err, SIM_EINPUT, path, line, 0, CHART_KEY,
                                 "more than %d people", INT32_MAX);
        int32_t cap = c->cap > INT32_MAX / 2 ? INT32_MAX : c->cap ? c->cap * 2 : 1024;
        chart_row *rows = realloc(c->rows, (size_t)cap * sizeof *rows);
        if (!rows) return sim_error_set(err, SIM_ENOMEM, path, line, 0, CHART_KEY, "out of memory");
        c->rows = rows;
        c->cap = cap;
    }
    int st = arena_add(&c->text, id, &row.id);
    if (!st && *boss && strcmp(boss, "-") != 0) st = arena_add(&c->text, boss, &row.boss_id);
    if (!st && col->team >= 0 && fields[col->team][0] != '\0')
        st = arena_add(&c->text, fields[col->team], &row.team);
    if (!st && col->dept >= 0 && fields[col->dept][0] != '\0')
        st = arena_add(&c->text, fields[col->dept], &row.dept);
    if (st) return sim_error_set(err, SIM_ENOMEM, path, line, 0, CHART_KEY, "out of memory");
    c->rows[c->n++] = row;
    return SIM_OK;
}

/* Read the header and every row into c. */
static int read_rows(chart *c, csv_reader *f, sim_error *err)
{
    const char *path = c->path;
    char *line, *fields[CHART_MAX_FIELDS], text[128];
    ssize_t len;
    int lineno = 0, have_header = 0, st = SIM_OK;
    chart_columns col = {0};

    while (!(st = csv_reader_next(f, &line, &len, err)) && line) {
        lineno = f->lineno;
        char *s;
        if (csv_line(line, len, lineno, &s) != 0) {
            st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, CHART_KEY,
                               "binary data (a NUL byte) in an org chart");
            goto done;
        }
        if (*csv_trim(s) == '\0') continue;
        if (!have_header) {
            if ((st = read_header(c, s, lineno, &col, err))) goto done;
            have_header = 1;
            c->has_dept = col.dept >= 0;
            continue;
        }
        csv_excerpt(text, sizeof text, s);
        int nf = csv_split(s, fields, CHART_MAX_FIELDS);
        if (nf < 0) {
            st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, CHART_KEY, "%s: \"%s\"",
                               csv_split_error(nf), text);
            goto done;
        }
        if (nf != col.count) {
            st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, CHART_KEY,
                               "%d fields where the header has %d: \"%s\"", nf, col.count, text);
            goto done;
        }
        if ((st = add_row(c, fields, &col, lineno, text, err))) goto done;
    }
    if (st) goto done;
    if (!have_header)
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, CHART_KEY,
                           "empty org chart: expected a header with columns id, manager_id, "
                           "generation");
    else if (c->n == 0)
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, CHART_KEY,
                           "no people: the org chart has a header only");
done:
    return st;
}

/* ---------- the tree ---------- */

/* Index the ids, look up every manager and find the one root: *root is its
 * row, -1 when every row has a manager. */
static int link_managers(chart *c, str_map *ids, int32_t *root, sim_error *err)
{
    const char *text = c->text.text;
    char a[80], b[80];
    if (map_init(ids, (size_t)c->n))
        return sim_error_set(err, SIM_ENOMEM, c->path, 0, 0, CHART_KEY, "out of memory");
    for (int32_t r = 0; r < c->n; r++) {
        int32_t first = map_put(ids, text, c->rows[r].id, r);
        if (first >= 0) {
            csv_excerpt(a, sizeof a, row_id(c, r));
            return sim_error_set(err, SIM_EINPUT, c->path, c->rows[r].line, 0, CHART_KEY,
                                 "duplicate id \"%s\": lines %d and %d", a, c->rows[first].line,
                                 c->rows[r].line);
        }
    }
    int32_t roots = 0, second = -1;
    *root = -1;
    for (int32_t r = 0; r < c->n; r++) {
        chart_row *row = &c->rows[r];
        if (row->boss_id == CHART_NONE) {
            if (roots++ == 0) *root = r;
            else if (second < 0) second = r;
            continue;
        }
        row->boss = map_get(ids, text, text + row->boss_id);
        if (row->boss < 0) {
            csv_excerpt(a, sizeof a, text + row->boss_id);
            return sim_error_set(err, SIM_EINPUT, c->path, row->line, 0, CHART_KEY,
                                 "manager \"%s\" is not an id in this file", a);
        }
    }
    if (roots > 1) {
        char more[48] = "";
        csv_excerpt(a, sizeof a, row_id(c, *root));
        csv_excerpt(b, sizeof b, row_id(c, second));
        if (roots > 2) snprintf(more, sizeof more, " and %d more", (int)roots - 2);
        return sim_error_set(err, SIM_EINPUT, c->path, c->rows[second].line, 0, CHART_KEY,
                             "%d roots: ids \"%s\" (line %d)%s\"%s\" (line %d)%s; an "
                             "organization has one chief officer (manager_id empty or \"-\")",
                             (int)roots, a, c->rows[*root].line, roots > 2 ? ", " : " and ", b,
                             c->rows[second].line, more);
    }
    return SIM_OK;
}

/* A reporting cycle above row r (whose chain of managers never ends): the
 * member on the earliest line first, "A -> B -> A", into buf; returns the
 * row of that member. */
static int32_t find_cycle(const chart *c, int32_t r, char *buf, size_t size)
{
    for (int32_t k = 0; k < c->n; k++) r = c->rows[r].boss; /* now on the cycle */
    int32_t start = r, count = 1;
    for (int32_t x = c->rows[r].boss; x != r; x = c->rows[x].boss, count++)
        if (x < start) start = x;
    const int shown = 8;
    size_t len = 0;
    int32_t x = start;
    for (int k = 0; k < shown && k < count; k++, x = c->rows[x].boss) {
        char id[80];
        csv_excerpt(id, sizeof id, row_id(c, x));
        int w = snprintf(buf + len, size - len, "%s -> ", id);
        if (w < 0 || (size_t)w >= size - len) return start;
        len += (size_t)w;
    }
    char id[80];
    csv_excerpt(id, sizeof id, row_id(c, start));
    if (count > shown) snprintf(buf + len, size - len, "... -> %s (%d people)", id, (int)count);
    else snprintf(buf + len, size - len, "%s", id);
    return start;
}

/* Walk the tree breadth-first from the root, reports in file order:
 * order[i] is the row of agent i, depth[r] the level of row r. */
static int walk_tree(const chart *c, int32_t root, int32_t *order, int32_t *depth,
                     sim_error *err)
{
    int32_t n = c->n;
    int32_t *kid_at = calloc((size_t)n + 1, sizeof *kid_at);
    int32_t *kids = malloc((size_t)n * sizeof *kids);
    int st = SIM_OK;
    if (!kid_at || !kids) {
        st = sim_error_set(err, SIM_ENOMEM, c->path, 0, 0, CHART_KEY, "out of memory");
        goto done;
    }
    for (int32_t r = 0; r < n; r++)
        if (c->rows[r].boss >= 0) kid_at[c->rows[r].boss + 1]++;
    for (int32_t r = 0; r < n; r++) kid_at[r + 1] += kid_at[r];
    for (int32_t r = 0; r < n; r++)
        if (c->rows[r].boss >= 0) kids[kid_at[c->rows[r].boss]++] = r;
    for (int32_t r = n; r > 0; r--) kid_at[r] = kid_at[r - 1];
    kid_at[0] = 0;

    for (int32_t r = 0; r < n; r++) depth[r] = -1;
    int32_t head = 0, tail = 0;
    if (root >= 0) {
        order[tail++] = root;
        depth[root] = 0;
    }
    while (head < tail) {
        int32_t m = order[head++];
        for (int32_t k = kid_at[m]; k < kid_at[m + 1]; k++) {
            int32_t r = kids[k];
            depth[r] = depth[m] + 1;
            if (depth[r] > CHART_MAX_LEVEL) {
                st = sim_error_set(err, SIM_EINPUT, c->path, c->rows[r].line, 0, CHART_KEY,
                                   "the reporting line is more than %d levels deep",
                                   CHART_MAX_LEVEL + 1);
                goto done;
            }
            order[tail++] = r;
        }
    }
    if (tail < n) { /* rows the root does not reach hang below a cycle */
        int32_t r = 0;
        while (depth[r] >= 0) r++;
        char cycle[600];
        int32_t at = find_cycle(c, r, cycle, sizeof cycle);
        st = root >= 0 ? sim_error_set(err, SIM_EINPUT, c->path, c->rows[at].line, 0, CHART_KEY,
                                       "reporting cycle: %s", cycle)
                       : sim_error_set(err, SIM_EINPUT, c->path, c->rows[at].line, 0, CHART_KEY,
                                       "no root: every row has a manager (reporting cycle: %s)",
                                       cycle);
        goto done;
    }
    for (int32_t r = 0; r < n; r++)
        if (c->rows[r].level >= 0 && c->rows[r].level != depth[r]) {
            st = sim_error_set(err, SIM_EINPUT, c->path, c->rows[r].line, 0, CHART_KEY,
                               "level %d does not match the reporting line (depth %d)",
                               (int)c->rows[r].level, (int)depth[r]);
            goto done;
        }
done:
    free(kid_at);
    free(kids);
    return st;
}

/* The names of the labels met, in order: names[k] = the text at label[k]. */
static char **label_names(const chart *c, const size_t *label, int32_t count)
{
    char **names = calloc(count > 0 ? (size_t)count : 1, sizeof *names);
    if (!names) return NULL;
    for (int32_t k = 0; k < count; k++)
        if (!(names[k] = strdup(c->text.text + label[k]))) {
            network_names_free(names, k);
            return NULL;
        }
    return names;
}

/* The network of the walked tree: agent i is row order[i].  Teams and
 * departments are numbered by their labels (network.h), in the order they
 * are first met. */
static int make_network(const chart *c, const int32_t *order, const int32_t *depth,
                        sim_network **out, sim_error *err)
{
    int32_t n = c->n;
    const char *text = c->text.text;
    int32_t *agent = malloc((size_t)n * sizeof *agent);
    size_t *dept_of = malloc((size_t)n * sizeof *dept_of);      /* by agent: its label */
    size_t *team_label = malloc((size_t)n * sizeof *team_label); /* by team */
    size_t *dept_label = malloc((size_t)n * sizeof *dept_label); /* by department */
    str_map labels = {0}, depts = {0};
    sim_network *net = calloc(1, sizeof *net);
    int st = SIM_OK;
    if (!agent || !dept_of || !team_label || !dept_label || !net || map_init(&labels, (size_t)n) ||
        map_init(&depts, (size_t)n))
        goto nomem;
    net->n = n;
    snprintf(net->kind, sizeof net->kind, "orgchart");
    net->manager = malloc((size_t)n * sizeof *net->manager);
    net->level = malloc((size_t)n * sizeof *net->level);
    net->generation = malloc((size_t)n * sizeof *net->generation);
    net->team = malloc((size_t)n * sizeof *net->team);
    net->department = malloc((size_t)n * sizeof *net->department);
    net->ids = calloc((size_t)n, sizeof *net->ids);
    if (!net->manager || !net->level || !net->generation || !net->team || !net->department ||
        !net->ids)
        goto nomem;

    for (int32_t i = 0; i < n; i++) agent[order[i]] = i;
    int32_t n_teams = 0, n_depts = 0, deepest = 0;
    for (int32_t i = 0; i < n; i++) {
        const chart_row *row = &c->rows[order[i]];
        int32_t m = row->boss < 0 ? -1 : agent[row->boss], t;
        net->manager[i] = m;
        net->level[i] = (int16_t)depth[order[i]];
        if (depth[order[i]] > deepest) deepest = depth[order[i]];
        net->generation[i] = row->generation;
        /* the team: the label, else the manager's id (their direct reports) */
        size_t label = row->team != CHART_NONE ? row->team : m >= 0 ? row->boss_id : c->dash;
        t = map_put(&labels, text, label, n_teams);
        if (t < 0) {
            team_label[n_teams] = label;
            t = n_teams++;
        }
        net->team[i] = t;
        /* the department: the label (an empty one: the manager's), or
         * without the column the level-1 branch (the chief officer's own) */
        if (c->has_dept ? row->dept != CHART_NONE : 0) label = row->dept;
        else if (m < 0 || (!c->has_dept && depth[order[i]] == 1)) label = row->id;
        else label = dept_of[m];
        dept_of[i] = label;
        t = map_put(&depts, text, label, n_depts);
        if (t < 0) {
            dept_label[n_depts] = label;
            t = n_depts++;
        }
        net->department[i] = t;
        if (!(net->ids[i] = strdup(text + row->id))) goto nomem;
    }
    net->n_levels = deepest + 1;
    net->n_teams = n_teams;
    net->n_departments = n_depts;
    if (!(net->team_names = label_names(c, team_label, n_teams)) ||
        !(net->department_names = label_names(c, dept_label, n_depts)))
        goto nomem;
    goto done;
nomem:
    st = sim_error_set(err, SIM_ENOMEM, c->path, 0, 0, CHART_KEY, "out of memory for %d people",
                       (int)n);
done:
    free(agent);
    free(dept_of);
    free(team_label);
    free(dept_label);
    free(labels.slot);
    free(depts.slot);
    if (st) {
        network_free(net);
        return st;
    }
    *out = net;
    return SIM_OK;
}

int orgchart_read(const char *path, sim_network **out, sim_error *err)
{
    *out = NULL;
    csv_reader f;
    chart c = {.path = path};
    str_map ids = {0};
    int32_t *order = NULL, *depth = NULL, root = -1;
    int st = csv_reader_open(&f, path, "org chart", CHART_KEY, err);
    if (!st) st = read_rows(&c, &f, err);
    csv_reader_close(&f);
    if (st) goto done;
    if ((st = link_managers(&c, &ids, &root, err))) goto done;
    order = malloc((size_t)c.n * sizeof *order);
    depth = malloc((size_t)c.n * sizeof *depth);
    if (!order || !depth) {
        st = sim_error_set(err, SIM_ENOMEM, path, 0, 0, CHART_KEY, "out of memory");
        goto done;
    }
    if ((st = walk_tree(&c, root, order, depth, err))) goto done;
    if (arena_add(&c.text, "-", &c.dash)) {
        st = sim_error_set(err, SIM_ENOMEM, path, 0, 0, CHART_KEY, "out of memory");
        goto done;
    }
    st = make_network(&c, order, depth, out, err);
done:
    free(order);
    free(depth);
    free(ids.slot);
    free(c.rows);
    free(c.text.text);
    return st;
}
