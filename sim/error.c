/* error.c: filling and formatting sim_error records, and the list of
 * warnings (sim_warnings). */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_error_clear(sim_error *err)
{
    if (err) memset(err, 0, sizeof *err);
}

int sim_error_set(sim_error *err, int status, const char *file, int line, int column,
                  const char *key, const char *fmt, ...)
{
    if (!err) return status;
    sim_error_clear(err);
    err->status = status;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    snprintf(err->key, sizeof err->key, "%s", key ? key : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return status;
}

const char *sim_error_format(const sim_error *err, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
#define PUT(...) do { int w_ = snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__); \
                      if (w_ > 0) n += (size_t)w_; } while (0)
    if (err->file[0]) {
        PUT("%s", err->file);
        if (err->line > 0) PUT(":%d", err->line);
        if (err->line > 0 && err->column > 0) PUT(":%d", err->column);
        PUT(": ");
    }
    if (err->key[0]) PUT("%s: ", err->key);
    PUT("%s", err->msg[0] ? err->msg : "unknown error");
#undef PUT
    return buf;
}

int sim_status_exit_code(int status)
{
    if (status == SIM_OK) return 0;
    return status == SIM_EINPUT ? 2 : 1;
}

int sim_warnings_add(sim_warnings *w, const sim_error *rec)
{
    if (!w) return 0;
    for (int i = 0; i < w->n; i++) {
        const sim_error *o = &w->items[i];
        if (o->line == rec->line && o->column == rec->column && !strcmp(o->file, rec->file) &&
            !strcmp(o->key, rec->key) && !strcmp(o->msg, rec->msg))
            return 0;
    }
    if (w->n == w->cap) {
        int cap = w->cap ? 2 * w->cap : 8;
        sim_error *items = realloc(w->items, (size_t)cap * sizeof *items);
        if (!items) {
            w->lost++;
            return 0;
        }
        w->items = items;
        w->cap = cap;
    }
    w->items[w->n] = *rec;
    w->items[w->n].status = SIM_OK;
    w->n++;
    return 1;
}

void sim_warn(sim_warnings *w, const char *file, int line, int column, const char *key,
              const char *fmt, ...)
{
    sim_error rec;
    char msg[sizeof rec.msg];
    va_list ap;
    if (!w) return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sim_error_set(&rec, SIM_OK, file, line, column, key, "%s", msg);
    sim_warnings_add(w, &rec);
}

void sim_warnings_free(sim_warnings *w)
{
    if (!w) return;
    free(w->items);
    w->items = NULL;
    w->n = w->cap = w->lost = 0;
}
