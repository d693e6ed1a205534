/* orgchart.h: read an organization from an org-chart CSV file.
 *
 * The file has a header row naming its columns, in any order; other columns
 * are ignored:
 *   id          required, any non-empty text ("E1001"), unique
 *   manager_id  required, the id of the person's manager; empty or "-" for the
 *               chief officer, who must be the only such row
 *   generation  required, gen_z, millennial, gen_x or boomer (any case; "Gen Z",
 *               "GenZ", "millennials", "Gen X", "boomers" ... are accepted too)
 *   level       optional, 0 for the chief officer, 1 for their reports, ...;
 *               when given it must match the reporting line
 *   team        optional label; people with the same label form a team.  An
 *               empty or missing label puts a person in their manager's team
 *               (the manager's direct reports; the chief officer alone).
 *               Teammates are all tied to one another, so a label should name
 *               a working team, not a department of thousands.
 * Fields are trimmed; a field may be quoted ("a, b" with "" for a quote).
 * Blank lines, CRLF line ends and a UTF-8 byte order mark are accepted.
 *
 * Agents are numbered breadth-first from the chief officer (agent 0), the
 * reports of a manager in file order, as generated organizations are. */
#ifndef SIM_ORGCHART_H
#define SIM_ORGCHART_H

#include "error.h"
#include "network.h"

/* Read the org chart at path.  On success *out has kind "orgchart" and n,
 * manager, level, generation, team, n_levels, n_teams and ids filled; row
 * and col are NULL (network_build adds the ties).  On failure *out is NULL
 * and err names the file, the line (header problems: the header's line;
 * problems of the whole file: 0) and key "network.file"; the status is
 * SIM_EIO when the file cannot be read, SIM_EINPUT when its content is bad. */
int orgchart_read(const char *path, sim_network **out, sim_error *err);

#endif
