/* error.c: filling and formatting sim_error records. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
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
