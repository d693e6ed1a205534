/* table.c: text and Markdown tables of the report commands (see table.h). */
#include "table.h"

#include <stdlib.h>
#include <string.h>

void table_init(table *t, int ncols)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    if (!(t->right = calloc((size_t)ncols, sizeof *t->right))) t->oom = 1;
}

int table_row(table *t)
{
    if (t->oom) return -1;
    char **cells = realloc(t->cells, (size_t)(t->nrows + 1) * (size_t)t->ncols * sizeof *cells);
    if (!cells) {
        t->oom = 1;
        return -1;
    }
    t->cells = cells;
    for (int j = 0; j < t->ncols; j++) cells[(size_t)t->nrows * (size_t)t->ncols + (size_t)j] = NULL;
    return t->nrows++;
}

void table_set(table *t, int row, int col, const char *text)
{
    if (row < 0 || col >= t->ncols || t->oom) return;
    char **c = &t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
    free(*c);
    if (!(*c = strdup(text))) t->oom = 1;
}

const char *table_get(const table *t, int row, int col)
{
    const char *c = t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
    return c ? c : "";
}

void table_free(table *t)
{
    for (size_t i = 0; t->cells && i < (size_t)t->nrows * (size_t)t->ncols; i++) free(t->cells[i]);
    free(t->cells);
    free(t->right);
    t->cells = NULL;
    t->right = NULL;
}

/* Markdown: a cell with its pipes escaped. */
static void md_cell(FILE *out, const char *s)
{
    fputc(' ', out);
    for (; *s; s++) {
        if (*s == '|') fputc('\\', out);
        fputc(*s, out);
    }
    fputs(" |", out);
}

int table_print(const table *t, int markdown, FILE *out)
{
    if (markdown) {
        for (int i = 0; i < t->nrows; i++) {
            fputc('|', out);
            for (int j = 0; j < t->ncols; j++) md_cell(out, table_get(t, i, j));
            fputc('\n', out);
            if (i == 0) {
                fputc('|', out);
                for (int j = 0; j < t->ncols; j++) fputs(t->right[j] ? "---:|" : "---|", out);
                fputc('\n', out);
            }
        }
        return 0;
    }
    int *width = calloc((size_t)t->ncols, sizeof *width);
    if (!width) return -1;
    for (int i = 0; i < t->nrows; i++)
        for (int j = 0; j < t->ncols; j++) {
            int w = (int)strlen(table_get(t, i, j));
            if (w > width[j]) width[j] = w;
        }
    for (int i = 0; i < t->nrows; i++) {
        fputs("    ", out);
        for (int j = 0; j < t->ncols; j++) {
            const char *c = table_get(t, i, j);
            int last = j == t->ncols - 1;
            if (t->right[j])
                fprintf(out, "%*s%s", width[j], c, last ? "" : "  ");
            else
                fprintf(out, "%-*s%s", last ? 0 : width[j], c, last ? "" : "  ");
        }
        fputc('\n', out);
    }
    free(width);
    return 0;
}
