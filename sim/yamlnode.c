/* yamlnode.c: the text of a YAML scalar and an error located at a node
 * (see yamlnode.h). */
#include "yamlnode.h"

#include <stdarg.h>
#include <stdio.h>

const char *yamlnode_text(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
}

int yamlnode_fail(sim_error *err, const char *file, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_error_set(err, SIM_EINPUT, file, n ? (int)n->start_mark.line + 1 : 0,
                         n ? (int)n->start_mark.column + 1 : 0, key, "%s", msg);
}
