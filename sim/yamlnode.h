/* yamlnode.h: two small helpers every reader of a YAML section shares: the
 * text of a scalar node, and an input error located at a node
 * ("file:line:column: key: message").  The scenario's own reader reports
 * through scenario_fail_at (scenario_internal.h); the experiment,
 * uncertainty and calibration readers through these. */
#ifndef ADOPTSIM_YAMLNODE_H
#define ADOPTSIM_YAMLNODE_H

#include <yaml.h>

#include "error.h"

/* The scalar's text, "" for NULL or a mapping or sequence; owned by the
 * document. */
const char *yamlnode_text(const yaml_node_t *n);

/* Fill err with SIM_EINPUT at n's line and column (0 when n is NULL) in
 * file, for key, with the formatted message; returns SIM_EINPUT. */
int yamlnode_fail(sim_error *err, const char *file, const yaml_node_t *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
