/* genai.c: the generative-AI adoption model (genai_model) and its
 * parameters: the table of model.genai.* keys, reading them into
 * genai_params, and the cross-key checks.  The state is allocated and reset
 * by genai_state.c; the days are simulated by genai_day.c, whose opening
 * comment describes the model; docs/MODEL.md describes it in the ODD
 * protocol with the parameter table. */
#include "genai.h"
#include "genai_internal.h"

#include <stdio.h>
#include <string.h>

/* Names of the traits in the parameter table, in TRAIT_* order. */
const char *const genai_trait_names[GENAI_TRAITS] = {
    "tech_affinity", "time_pressure", "expertise_confidence", "complexity_ambition", "social_caution"};

#define TRAIT_ROWS(NAME, GEN, LEVEL, SD, WHAT)                                                     \
    {"model.genai.traits." NAME ".by_generation", PARAM_DOUBLE_LIST, "logit", -10, 10, GEN, NULL, \
     4, WHAT ": mean for gen_z, millennial, gen_x, boomer"},                                      \
    {"model.genai.traits." NAME ".by_level", PARAM_DOUBLE_LIST, "logit", -10, 10, LEVEL, NULL,    \
     16, WHAT ": shift by level from the top (the last value repeats below)"},                    \
    {"model.genai.traits." NAME ".sd", PARAM_DOUBLE, "logit", 0, 10, SD, NULL, 0,                  \
     WHAT ": standard deviation between people"}

const param_def genai_params_table[] = {
    TRAIT_ROWS("tech_affinity", "[0.6, 0.3, -0.2, -0.6]", "[0]", "0.5",
               "tech affinity (raises daily use)"),
    TRAIT_ROWS("time_pressure", "[0, 0, 0, 0]", "[1.2, 1.0, 0.6, 0.2, 0]", "0.3",
               "time pressure (lowers daily use; higher for leaders)"),
    TRAIT_ROWS("expertise_confidence", "[-0.3, 0, 0.3, 0.5]", "[1.0, 0.8, 0.5, 0.2, 0]", "0.3",
               "expertise confidence (\"it can't beat my expertise\": lowers use and what success teaches)"),
    TRAIT_ROWS("complexity_ambition", "[0, 0, 0, 0]", "[0.15, 0.15, 0.1, 0]", "0.1",
               "complexity ambition (added to the complexity of the tasks tried)"),
    TRAIT_ROWS("social_caution", "[0.8, 0.4, -0.2, -0.5]", "[-1.5, -1.0, -0.5, 0]", "0.5",
               "social caution (logit of hiding a use from seniors when use is not permitted)"),
    {"model.genai.attitude.mean", PARAM_DOUBLE, "logit", -10, 10, "0", NULL, 0,
     "initial attitude (perceived usefulness), mean"},
    {"model.genai.attitude.sd", PARAM_DOUBLE, "logit", 0, 10, "0.5", NULL, 0,
     "initial attitude, standard deviation"},
    {"model.genai.skill0", PARAM_DOUBLE, "1", 0, 1, "0.2", NULL, 0, "initial skill"},

    {"model.genai.use.intercept", PARAM_DOUBLE, "logit", -20, 20, "-3.4", NULL, 0,
     "daily use: baseline log-odds"},
    {"model.genai.use.attitude", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of attitude"},
    {"model.genai.use.habit", PARAM_DOUBLE, "logit", 0, 20, "4.0", NULL, 0,
     "daily use: weight of habit strength (0..1)"},
    {"model.genai.use.peers", PARAM_DOUBLE, "logit", 0, 20, "1.5", NULL, 0,
     "daily use: weight of the share of ties seen using it in the last 7 days"},
    {"model.genai.use.leader", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of the leader signal (-1..1)"},
    {"model.genai.use.permission", PARAM_DOUBLE, "logit", 0, 20, "0.7", NULL, 0,
     "daily use: weight of the permission climate (0..1)"},
    {"model.genai.use.nudge", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of personal prompts (launch, reminders, check-ins)"},
    {"model.genai.use.time_pressure", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of time pressure (subtracted)"},
    {"model.genai.use.expertise", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of expertise confidence (subtracted)"},
    {"model.genai.use.tech_affinity", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of tech affinity"},

    {"model.genai.task.complexity", PARAM_DOUBLE, "1", 0, 1, "0.35", NULL, 0,
     "mean complexity of a task tried (before ambition)"},
    {"model.genai.task.spread", PARAM_DOUBLE, "1", 0, 1, "0.4", NULL, 0,
     "width of the uniform spread of task complexity"},
    {"model.genai.task.steepness", PARAM_DOUBLE, "1", 0, 100, "6", NULL, 0,
     "success: logistic steepness in skill minus complexity"},
    {"model.genai.task.tool_edge", PARAM_DOUBLE, "logit", -10, 10, "0.7", NULL, 0,
     "success: log-odds of success when skill equals complexity"},
    {"model.genai.task.value_threshold", PARAM_DOUBLE, "1", 0, 1, "0.4", NULL, 0,
     "a successful task at least this complex is a valuable use"},

    {"model.genai.learning.rate", PARAM_DOUBLE, "1", 0, 1, "0.02", NULL, 0,
     "skill gained per successful use, times (1 - skill); half after a failure"},
    {"model.genai.learning.gain_valuable", PARAM_DOUBLE, "logit", 0, 10, "0.15", NULL, 0,
     "attitude gained by a valuable use"},
    {"model.genai.learning.gain_trivial", PARAM_DOUBLE, "logit", 0, 10, "0.03", NULL, 0,
     "attitude gained by a successful use of little value"},
    {"model.genai.learning.loss", PARAM_DOUBLE, "logit", 0, 10, "0.2", NULL, 0,
     "attitude lost by a failed use"},
    {"model.genai.learning.attitude_cap", PARAM_DOUBLE, "logit", 0, 20, "2", NULL, 0,
     "attitude stays within plus or minus this (perceived usefulness saturates)"},
    {"model.genai.learning.expertise_discount", PARAM_DOUBLE, "1", 0, 10, "1", NULL, 0,
     "attitude gains are divided by 1 + this * exp(expertise confidence) / 2"},
    {"model.genai.habit.rate", PARAM_DOUBLE, "1/day", 0, 1, "0.0454", NULL, 0,
     "habit growth per day of use, times (1 - habit) (Lally et al. 2010 median)"},
    {"model.genai.habit.decay", PARAM_DOUBLE, "1/day", 0, 1, "0.02", NULL, 0,
     "share of habit strength lost per day without use"},
    {"model.genai.disillusion.after", PARAM_INT, "uses", 1, 255, "3", NULL, 0,
     "consecutive failures after which an agent stops (disillusioned)"},
    {"model.genai.disillusion.recovery", PARAM_DOUBLE, "1/day", 0, 1, "0.005", NULL, 0,
     "daily chance a disillusioned agent tries again"},
    {"model.genai.disillusion.attitude", PARAM_DOUBLE, "logit", -10, 10, "0", NULL, 0,
     "attitude (at least) of an agent who tries again"},
    {"model.genai.nudge_decay", PARAM_DOUBLE, "1/day", 0, 1, "0.1", NULL, 0,
     "share of a personal prompt that fades each day"},

    {"model.genai.leader.reach", PARAM_INT, "levels", 0, 16, "3", NULL, 0,
     "managers up the chain whose example an agent sees"},
    {"model.genai.leader.decay", PARAM_DOUBLE, "1", 0, 1, "0.5", NULL, 0,
     "weight of each further level up the chain, relative to the one below"},
    {"model.genai.leader.model", PARAM_DOUBLE, "1", 0, 10, "1", NULL, 0,
     "leader signal: weight of a manager visibly using it (in the last 7 days)"},
    {"model.genai.leader.say", PARAM_DOUBLE, "1", 0, 10, "0.5", NULL, 0,
     "leader signal: weight of what a manager says (tanh of attitude plus endorsement)"},
    {"model.genai.permission0", PARAM_DOUBLE, "1", 0, 1, "0", NULL, 0,
     "permission climate before any intervention (0: unclear, 1: explicit)"},
    {"model.genai.regular_days", PARAM_INT, "days", 1, 28, "8", NULL, 0,
     "a regular user used it on at least this many of the last 28 days"},
    PARAM_END};

static void read_list(const scenario *scn, const char *trait, const char *field, double *out, int *n)
{
    char k[128];
    snprintf(k, sizeof k, "model.genai.traits.%s.%s", trait, field);
    int len = 0;
    const double *v = scenario_list(scn, k, &len);
    for (int i = 0; i < len; i++) out[i] = v[i];
    if (n) *n = len;
}

void genai_params_read(const scenario *scn, genai_params *p)
{
#define D(key) scenario_double(scn, "model.genai." key)
    for (int t = 0; t < GENAI_TRAITS; t++) {
        int n = 0;
        read_list(scn, genai_trait_names[t], "by_generation", p->trait_gen[t], &n);
        for (int g = n; g < 4; g++) p->trait_gen[t][g] = p->trait_gen[t][n - 1];
        read_list(scn, genai_trait_names[t], "by_level", p->trait_level[t], &p->trait_n_levels[t]);
        char k[128];
        snprintf(k, sizeof k, "model.genai.traits.%s.sd", genai_trait_names[t]);
        p->trait_sd[t] = scenario_double(scn, k);
    }
    p->attitude0 = D("attitude.mean");
    p->attitude_sd = D("attitude.sd");
    p->w_intercept = D("use.intercept");
    p->w_attitude = D("use.attitude");
    p->w_habit = D("use.habit");
    p->w_peers = D("use.peers");
    p->w_leader = D("use.leader");
    p->w_permission = D("use.permission");
    p->w_nudge = D("use.nudge");
    p->w_time = D("use.time_pressure");
    p->w_expertise = D("use.expertise");
    p->w_affinity = D("use.tech_affinity");
    p->task_complexity = D("task.complexity");
    p->task_spread = D("task.spread");
    p->task_steepness = D("task.steepness");
    p->tool_edge = D("task.tool_edge");
    p->value_threshold = D("task.value_threshold");
    p->learn_rate = D("learning.rate");
    p->gain_valuable = D("learning.gain_valuable");
    p->gain_trivial = D("learning.gain_trivial");
    p->loss_failure = D("learning.loss");
    p->expertise_discount = D("learning.expertise_discount");
    p->attitude_cap = D("learning.attitude_cap");
    p->habit_rate = D("habit.rate");
    p->habit_decay = D("habit.decay");
    p->disillusion_after = (int)scenario_int(scn, "model.genai.disillusion.after");
    p->recovery_rate = D("disillusion.recovery");
    p->attitude_recovered = D("disillusion.attitude");
    p->nudge_decay = D("nudge_decay");
    p->leader_reach = (int)scenario_int(scn, "model.genai.leader.reach");
    p->leader_decay = D("leader.decay");
    p->leader_w_model = D("leader.model");
    p->leader_w_say = D("leader.say");
    p->permission0 = D("permission0");
    p->regular_days = (int)scenario_int(scn, "model.genai.regular_days");
#undef D
}

int genai_validate(const scenario *scn, sim_error *err)
{
    int is_genai = strcmp(scenario_string(scn, "model.name"), "genai") == 0;
    for (int t = 0; is_genai && t < GENAI_TRAITS; t++) {
        char k[128];
        snprintf(k, sizeof k, "model.genai.traits.%s.by_generation", genai_trait_names[t]);
        int n = 0;
        scenario_list(scn, k, &n);
        if (n != 4)
            return scenario_error(scn, k, err, "expected 4 values (gen_z, millennial, gen_x, boomer), got %d", n);
    }
    if (is_genai) {
        const char *type = scenario_string(scn, "network.type");
        if (strcmp(type, "organization") != 0 && strcmp(type, "orgchart") != 0)
            return scenario_error(scn, "network.type", err,
                                  "the genai model needs an organization (organization or orgchart), got %s", type);
    }
    for (int i = 0; genai_interventions[i]; i++) {
        char k[128];
        snprintf(k, sizeof k, "interventions.%s.enabled", genai_interventions[i]->name);
        if (!scenario_bool(scn, k)) continue;
        if (!is_genai) return scenario_error(scn, k, err, "interventions need model.name: genai");
        /* reading the schedule and target checks them, at their keys */
        genai_world w = {0};
        void *state = NULL;
        int rc = genai_interventions[i]->alloc(scn, &w, &state, err);
        if (rc) return rc;
        genai_interventions[i]->free(state);
    }
    return SIM_OK;
}

/* The model: its parameters (here), state (genai_state.c) and days (genai_day.c). */
const sim_model_type genai_model = {
    "genai", "generative-AI adoption in an organization: staff, leaders, interventions",
    genai_params_table, genai_observables, OBS_COUNT,
    genai_validate, genai_alloc, genai_free, genai_init, genai_step, genai_observe, genai_agent_fields, AGENT_FIELDS,
    genai_agent_values, genai_bytes_per_agent};
