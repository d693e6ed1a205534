/* table.h: the tables `adoptsim report` and `adoptsim sensitivity` print: a
 * header row and rows of text cells, printed as aligned text (columns padded,
 * right-aligned where asked, indented four spaces) or as a Markdown table
 * (pipes in cells escaped).
 *
 * Ownership: table_init fills a caller's struct; table_free releases its
 * cells.  Out of memory sets oom and makes later calls do nothing. */
#ifndef SIM_TABLE_H
#define SIM_TABLE_H

#include <stdio.h>

typedef struct table {
    int ncols, nrows;    /* nrows counts the header row */
    char **cells;        /* [row * ncols + col] */
    int *right;          /* [ncols]: right-aligned columns */
    int oom;
} table;

void table_init(table *t, int ncols);
/* A new empty row; its index, or -1 when out of memory. */
int table_row(table *t);
/* A copy of text in (row, col). */
void table_set(table *t, int row, int col, const char *text);
const char *table_get(const table *t, int row, int col);
void table_free(table *t);
/* The table as aligned text, or Markdown when markdown; 0, or -1 when out
 * of memory (nothing printed). */
int table_print(const table *t, int markdown, FILE *out);

#endif
