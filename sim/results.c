/* results.c: maps a run's results onto the tidy HDF5 layout of output.h. */
#include "results.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "output.h"

int results_write(const sim_results *res, const sim_network *net, const scenario *scn,
                  const results_meta *meta, const char *path, int force, sim_error *err)
{
    double *rep_values = malloc((size_t)res->n_rep * sizeof *rep_values);
    double *time_values = malloc((size_t)res->n_time * sizeof *time_values);
    double *level_values = malloc(((size_t)res->n_levels + 1) * sizeof *level_values);
    const int n_fields = res->n_agent_fields;
    const int has_org = net->level && net->generation && net->team && net->manager;
    const size_t n_agents = n_fields ? (size_t)res->n_agents : 0;
    out_var *vars = calloc(3 * (size_t)res->n_obs + (size_t)n_fields + 4, sizeof *vars);
    char (*field_names)[96] = calloc((size_t)n_fields + 1, sizeof *field_names);
    double *agent_values = malloc((n_agents ? n_agents : 1) * sizeof *agent_values);
    double *org_values = malloc((n_fields && has_org ? 4 * n_agents : 1) * sizeof *org_values);
    char (*names)[2][96] = calloc((size_t)res->n_obs, sizeof *names);
    char (*long_names)[2][256] = calloc((size_t)res->n_obs, sizeof *long_names);
    char *yaml = scenario_to_yaml(scn);
    int rc;
    if (!rep_values || !time_values || !level_values || !vars || !names || !long_names || !yaml ||
        !field_names || !agent_values || !org_values) {
        rc = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory writing %s", path);
        goto done;
    }
    for (int32_t r = 0; r < res->n_rep; r++) rep_values[r] = r;
    for (int32_t t = 0; t < res->n_time; t++) time_values[t] = t;
    for (int32_t l = 0; l < res->n_levels; l++) level_values[l] = l;

    enum { DIM_REP, DIM_TIME, DIM_GEN, DIM_LEVEL, DIM_AGENT };
    for (size_t i = 0; i < n_agents; i++) agent_values[i] = (double)i;
    out_dim dims[5] = {
        {"replicate", (size_t)res->n_rep, "replicate number (random stream)", NULL, rep_values, 1, NULL},
        {"time", (size_t)res->n_time, "day of the simulation (0 = initial state)", "days",
         time_values, 1, NULL},
        {"generation", NET_GENERATIONS, "generation", NULL, NULL, 0, network_generation_names},
        {"level", (size_t)res->n_levels, "level in the hierarchy (0 = chief officer)", NULL,
         level_values, 1, NULL},
        {"agent", n_agents, net->ids ? "agent id (from the org chart)" : "agent number", NULL,
         net->ids ? NULL : agent_values, 1, net->ids ? (const char *const *)net->ids : NULL},
    };
    int ndims = res->n_levels > 0 ? 4 : 2, nvars = 0;
    if (n_fields) {
        /* the agent dimension goes in slot 4 whatever the breakdowns */
        if (ndims == 2) dims[2] = dims[DIM_AGENT];
        ndims++;
    }
    const int dim_agent = ndims - 1;
    const size_t cells = (size_t)res->n_rep * (size_t)res->n_time;
    for (int k = 0; k < res->n_obs; k++) {
        const sim_observable *o = &res->model->observables[k];
        vars[nvars++] = (out_var){o->name, o->long_name, o->units, o->is_count, 2, {DIM_REP, DIM_TIME, 0, 0},
                                  res->data + (size_t)k * cells, NULL, 0};
        if (res->n_levels == 0 || !o->grouped) continue;
        snprintf(names[k][0], sizeof names[k][0], "%s_by_generation", o->name);
        snprintf(long_names[k][0], sizeof long_names[k][0], "%s, by generation", o->long_name);
        vars[nvars++] = (out_var){names[k][0], long_names[k][0], o->units, o->is_count, 3,
                                  {DIM_REP, DIM_TIME, DIM_GEN, 0},
                                  res->by_generation + (size_t)k * cells * NET_GENERATIONS, NULL, 0};
        snprintf(names[k][1], sizeof names[k][1], "%s_by_level", o->name);
        snprintf(long_names[k][1], sizeof long_names[k][1], "%s, by level", o->long_name);
        vars[nvars++] = (out_var){names[k][1], long_names[k][1], o->units, o->is_count, 3,
                                  {DIM_REP, DIM_TIME, DIM_LEVEL, 0},
                                  res->by_level + (size_t)k * cells * (size_t)res->n_levels, NULL, 0};
    }

    /* the final per-agent table: agent_<field>(replicate, agent), and who
     * each agent is in the organization (agent_level, ...) */
    for (int f = 0; f < n_fields; f++) {
        const sim_agent_field *af = &res->model->agent_fields[f];
        snprintf(field_names[f], sizeof field_names[f], "agent_%s", af->name);
        vars[nvars++] = (out_var){field_names[f], af->long_name, af->units, af->is_count, 2,
                                  {DIM_REP, dim_agent, 0, 0}, res->agents + (size_t)f * (size_t)res->n_rep * n_agents,
                                  NULL, 0};
    }
    if (n_fields && has_org) {
        static const char *const org_name[4] = {"agent_level", "agent_generation", "agent_team", "agent_manager"};
        static const char *const org_long[4] = {
            "level in the hierarchy (0 = chief officer)",
            "generation: 0 gen_z, 1 millennial, 2 gen_x, 3 boomer",
            "team (the manager's direct reports)",
            "manager's agent number (-1 for the chief officer)"};
        for (size_t i = 0; i < n_agents; i++) {
            org_values[i] = net->level[i];
            org_values[n_agents + i] = net->generation[i];
            org_values[2 * n_agents + i] = net->team[i];
            org_values[3 * n_agents + i] = net->manager[i];
        }
        for (int k = 0; k < 4; k++)
            vars[nvars++] = (out_var){org_name[k], org_long[k], "1", 1, 1, {dim_agent, 0, 0, 0},
                                      org_values + (size_t)k * n_agents, NULL, 0};
    }

    char created[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    const char *file = scn->file ? scn->file : "";
    out_attr attrs[] = {
        {"title", "adoptsim run", 0, 0},
        {"Conventions", "CF-1.8", 0, 0},
        {"program", "adoptsim", 0, 0},
        {"version", ADOPTSIM_VERSION, 0, 0},
        {"model", res->model->name, 0, 0},
        {"network", net->kind, 0, 0},
        {"agents", NULL, net->n, 1},
        {"ties", NULL, (double)network_arcs(net) / 2.0, 1},
        {"seed", NULL, res->seed, 1},
        {"replicates", NULL, res->n_rep, 1},
        {"days", NULL, res->n_time - 1, 1},
        {"threads", NULL, meta->threads, 1},
        {"created", created, 0, 0},
        {"scenario_file", file, 0, 0},
        {"scenario", yaml, 0, 0},
        {"history", meta->command_line ? meta->command_line : "", 0, 0},
    };
    out_spec spec = {dims, ndims, vars, nvars, attrs, (int)(sizeof attrs / sizeof attrs[0]),
                     (int)scenario_int(scn, "output.compression")};
    rc = output_write(path, force, &spec, err);
done:
    free(rep_values);
    free(time_values);
    free(level_values);
    free(vars);
    free(names);
    free(long_names);
    free(yaml);
    free(field_names);
    free(agent_values);
    free(org_values);
    return rc;
}
