/* orgchart.h: read an organization from an org-chart CSV file.
 *
 * The file has a header row naming its columns, in any order; other columns
 * are ignored:
 *   id          required, any non-empty UTF-8 text without control characters
 *               ("E1001"), unique (ids are written to the results)
 *   manager_id  required, the id of the person's manager; empty or "-" for the
 *               chief officer, who must be the only such row
 *   generation  required, gen_z, millennial, gen_x or boomer (any case; "Gen Z",
 *               "GenZ", "millennials", "Gen X", "boomers" ... are accepted too)
 *   level       optional, 0 for the chief officer, 1 for their reports, ...;
 *               when given it must match the reporting line
 *   team        optional label; people with the same label form a team.  An
 *               empty or missing label puts a person in their manager's team
 *               (the manager's direct reports; the chief officer alone).
 *               Teammates are all tied to one another up to
 *               organization.teammate_ties each (network_org.c); in a larger
 *               team each is tied to that many, so a label should still name
 *               a working team, not a department of thousands.  The label
 *               names the team (network.h: team_names); an unlabelled team is
 *               named by the manager's id, so a label equal to a manager's id
 *               joins that manager's unlabelled reports; the chief officer
 *               without a label is alone in team "-".
 *   department  optional label (e.g. Finance); an empty one is the manager's
 *               department, the chief officer's is named by their id.
 *               Without the column the departments are the branches under
 *               the chief officer, named by each level-1 head's id (network.h:
 *               department, department_names).  It names departments for
 *               targeting and output; it does not change the ties.
 * Fields are trimmed; a field may be quoted ("a, b" with "" for a quote).
 * Blank lines, CRLF line ends and a UTF-8 byte order mark are accepted; the
 * file must be a regular file (input.h) and no line longer than
 * CSV_MAX_LINE (csv.h).
 *
 * Agents are numbered breadth-first from the chief officer (agent 0), the
 * reports of a manager in file order, as generated organizations are. */
#ifndef SIM_ORGCHART_H
#define SIM_ORGCHART_H

#include "error.h"
#include "network.h"

/* Read the org chart at path.  On success *out has kind "orgchart" and n,
 * manager, level, generation, team, n_levels, n_teams, ids, team_names,
 * department, n_departments and department_names filled; row
 * and col are NULL (network_build adds the ties).  On failure *out is NULL
 * and err names the file, the line (header problems: the header's line;
 * problems of the whole file: 0) and key "network.file"; the status is
 * SIM_EINPUT when it is missing, not a regular file or its content is bad,
 * SIM_EIO when reading it fails. */
int orgchart_read(const char *path, sim_network **out, sim_error *err);

#endif
