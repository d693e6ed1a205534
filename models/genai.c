/* genai.c: the generative-AI adoption model (genai_model) and its
 * parameters: the table of model.genai.* keys, each bound to its field of
 * genai_params, and the checks: cross-key, against the built organization
 * (the interventions' targets) and the warnings.  The state is allocated and reset
 * by genai_state.c; the days are simulated by genai_day.c, whose opening
 * comment describes the model; docs/MODEL.md describes it in the ODD
 * protocol with the parameter table. */
#include "genai.h"
#include "genai_internal.h"
#include "intervention.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* Names of the traits in the parameter table, in TRAIT_* order. */
const char *const genai_trait_names[GENAI_TRAITS] = {
    "tech_affinity", "time_pressure", "expertise_confidence", "complexity_ambition", "social_caution"};

/* The rows of trait T (TRAIT_*), named NAME in the keys. */
#define TRAIT_ROWS(NAME, T, GEN, LEVEL, SD, WHAT)                                                  \
    {"model.genai.traits." NAME ".by_generation", PARAM_DOUBLE_LIST, "logit", -10, 10, GEN, NULL, \
     4, WHAT ": mean for gen_z, millennial, gen_x, boomer", PARAM_FIELD(genai_params, trait_gen[T])}, \
    {"model.genai.traits." NAME ".by_level", PARAM_DOUBLE_LIST, "logit", -10, 10, LEVEL, NULL,    \
     16, WHAT ": shift by level from the top (the last value repeats below)",                     \
     PARAM_FIELD(genai_params, trait_level[T])},                                                  \
    {"model.genai.traits." NAME ".sd", PARAM_DOUBLE, "logit", 0, 10, SD, NULL, 0,                  \
     WHAT ": standard deviation between people", PARAM_FIELD(genai_params, trait_sd[T])}

const param_def genai_params_table[] = {
    TRAIT_ROWS("tech_affinity", TRAIT_AFFINITY, "[0.8, 0.4, -0.3, -0.8]", "[0]", "0.5",
               "tech affinity (raises daily use)"),
    TRAIT_ROWS("time_pressure", TRAIT_TIME, "[0, 0, 0, 0]", "[1.2, 1.0, 0.6, 0.2, 0]", "0.3",
               "time pressure (lowers daily use; higher for leaders)"),
    TRAIT_ROWS("expertise_confidence", TRAIT_EXPERTISE, "[-0.3, 0, 0.3, 0.5]", "[1.0, 0.8, 0.5, 0.2, 0]", "0.3",
               "expertise confidence (\"it can't beat my expertise\": lowers use and what success teaches)"),
    TRAIT_ROWS("complexity_ambition", TRAIT_AMBITION, "[0, 0, 0, 0]", "[0.15, 0.15, 0.1, 0]", "0.1",
               "complexity ambition (added to the complexity of the tasks tried)"),
    TRAIT_ROWS("social_caution", TRAIT_CAUTION, "[0.3, -0.1, -0.7, -1.0]", "[-1.5, -1.0, -0.5, 0]", "0.5",
               "social caution (logit of hiding a use from seniors when use is not permitted)"),
    {"model.genai.attitude.mean", PARAM_DOUBLE, "logit", -10, 10, "0", NULL, 0,
     "initial attitude (perceived usefulness), mean",
     PARAM_FIELD(genai_params, attitude0)},
    {"model.genai.attitude.sd", PARAM_DOUBLE, "logit", 0, 10, "0.5", NULL, 0,
     "initial attitude, standard deviation",
     PARAM_FIELD(genai_params, attitude_sd)},
    {"model.genai.skill0", PARAM_DOUBLE, "1", 0, 1, "0.2", NULL, 0, "initial skill",
     PARAM_FIELD(genai_params, skill0)},

    {"model.genai.use.intercept", PARAM_DOUBLE, "logit", -20, 20, "-1.75", NULL, 0,
     "daily use: baseline log-odds",
     PARAM_FIELD(genai_params, w_intercept)},
    {"model.genai.use.first_try", PARAM_DOUBLE, "logit", 0, 20, "2.2", NULL, 0,
     "subtracted from the decision of someone who has never used it: a first try takes an occasion "
     "(a prompt, colleagues or leaders seen using it, a task that needs it), so first tries spread over months",
     PARAM_FIELD(genai_params, w_first)},
    {"model.genai.use.attitude", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of attitude",
     PARAM_FIELD(genai_params, w_attitude)},
    {"model.genai.use.habit", PARAM_DOUBLE, "logit", 0, 20, "4.0", NULL, 0,
     "daily use: weight of habit strength (0..1)",
     PARAM_FIELD(genai_params, w_habit)},
    {"model.genai.use.peers", PARAM_DOUBLE, "logit", 0, 20, "1.5", NULL, 0,
     "daily use: weight of the share of ties seen using it in the last 7 days",
     PARAM_FIELD(genai_params, w_peers)},
    {"model.genai.use.leader", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of the leader signal (-1..1)",
     PARAM_FIELD(genai_params, w_leader)},
    {"model.genai.use.permission", PARAM_DOUBLE, "logit", 0, 20, "0.7", NULL, 0,
     "daily use: weight of the permission climate (0..1)",
     PARAM_FIELD(genai_params, w_permission)},
    {"model.genai.use.nudge", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of personal prompts (launch, reminders, check-ins)",
     PARAM_FIELD(genai_params, w_nudge)},
    {"model.genai.use.time_pressure", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of time pressure (subtracted)",
     PARAM_FIELD(genai_params, w_time)},
    {"model.genai.use.expertise", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of expertise confidence (subtracted)",
     PARAM_FIELD(genai_params, w_expertise)},
    {"model.genai.use.tech_affinity", PARAM_DOUBLE, "logit", 0, 20, "1.0", NULL, 0,
     "daily use: weight of tech affinity",
     PARAM_FIELD(genai_params, w_affinity)},

    {"model.genai.task.complexity", PARAM_DOUBLE, "1", 0, 1, "0.35", NULL, 0,
     "mean complexity of a task tried (before ambition)",
     PARAM_FIELD(genai_params, task_complexity)},
    {"model.genai.task.spread", PARAM_DOUBLE, "1", 0, 1, "0.4", NULL, 0,
     "width of the uniform spread of task complexity",
     PARAM_FIELD(genai_params, task_spread)},
    {"model.genai.task.steepness", PARAM_DOUBLE, "1", 0, 100, "6", NULL, 0,
     "success: logistic steepness in skill minus complexity",
     PARAM_FIELD(genai_params, task_steepness)},
    {"model.genai.task.tool_edge", PARAM_DOUBLE, "logit", -10, 10, "0.7", NULL, 0,
     "success: log-odds of success when skill equals complexity",
     PARAM_FIELD(genai_params, tool_edge)},
    {"model.genai.task.value_threshold", PARAM_DOUBLE, "1", 0, 1, "0.4", NULL, 0,
     "a successful task at least this complex is a valuable use",
     PARAM_FIELD(genai_params, value_threshold)},

    {"model.genai.learning.rate", PARAM_DOUBLE, "1", 0, 1, "0.06", NULL, 0,
     "skill gained per successful use, times (1 - skill); half after a failure",
     PARAM_FIELD(genai_params, learn_rate)},
    {"model.genai.learning.gain_valuable", PARAM_DOUBLE, "logit", 0, 10, "0.15", NULL, 0,
     "attitude gained by a valuable use",
     PARAM_FIELD(genai_params, gain_valuable)},
    {"model.genai.learning.gain_trivial", PARAM_DOUBLE, "logit", 0, 10, "0.03", NULL, 0,
     "attitude gained by a successful use of little value",
     PARAM_FIELD(genai_params, gain_trivial)},
    {"model.genai.learning.loss", PARAM_DOUBLE, "logit", 0, 10, "0.1", NULL, 0,
     "attitude lost by a failed use",
     PARAM_FIELD(genai_params, loss_failure)},
    {"model.genai.learning.attitude_cap", PARAM_DOUBLE, "logit", 0, 20, "1", NULL, 0,
     "attitude stays within plus or minus this (perceived usefulness saturates)",
     PARAM_FIELD(genai_params, attitude_cap)},
    {"model.genai.learning.expertise_discount", PARAM_DOUBLE, "1", 0, 10, "1", NULL, 0,
     "attitude gains are divided by 1 + this * exp(expertise confidence) / 2",
     PARAM_FIELD(genai_params, expertise_discount)},
    {"model.genai.habit.rate", PARAM_DOUBLE, "1/day", 0, 1, "0.0454", NULL, 0,
     "habit growth per day of use, times (1 - habit) (Lally et al. 2010 median)",
     PARAM_FIELD(genai_params, habit_rate)},
    {"model.genai.habit.decay", PARAM_DOUBLE, "1/day", 0, 1, "0.02", NULL, 0,
     "share of habit strength lost per day without use",
     PARAM_FIELD(genai_params, habit_decay)},
    {"model.genai.disillusion.after", PARAM_INT, "uses", 1, 255, "3", NULL, 0,
     "consecutive failures after which an agent stops (disillusioned)",
     PARAM_FIELD_INT32(genai_params, disillusion_after)},
    {"model.genai.disillusion.recovery", PARAM_DOUBLE, "1/day", 0, 1, "0.0012", NULL, 0,
     "daily chance a disillusioned agent tries again",
     PARAM_FIELD(genai_params, recovery_rate)},
    {"model.genai.disillusion.attitude", PARAM_DOUBLE, "logit", -10, 10, "0", NULL, 0,
     "attitude (at least) of an agent who tries again",
     PARAM_FIELD(genai_params, attitude_recovered)},
    {"model.genai.nudge_decay", PARAM_DOUBLE, "1/day", 0, 1, "0.1", NULL, 0,
     "share of a personal prompt that fades each day",
     PARAM_FIELD(genai_params, nudge_decay)},

    {"model.genai.leader.reach", PARAM_INT, "levels", 0, 16, "3", NULL, 0,
     "managers up the chain whose example an agent sees",
     PARAM_FIELD_INT32(genai_params, leader_reach)},
    {"model.genai.leader.decay", PARAM_DOUBLE, "1", 0, 1, "0.5", NULL, 0,
     "weight of each further level up the chain, relative to the one below",
     PARAM_FIELD(genai_params, leader_decay)},
    {"model.genai.leader.model", PARAM_DOUBLE, "1", 0, 10, "1", NULL, 0,
     "leader signal: weight of a manager visibly using it (in the last 7 days)",
     PARAM_FIELD(genai_params, leader_w_model)},
    {"model.genai.leader.say", PARAM_DOUBLE, "1", 0, 10, "0.5", NULL, 0,
     "leader signal: weight of what a manager says (tanh of attitude plus endorsement)",
     PARAM_FIELD(genai_params, leader_w_say)},
    {"model.genai.permission0", PARAM_DOUBLE, "1", 0, 1, "0", NULL, 0,
     "permission climate before any intervention (0: unclear, 1: explicit)",
     PARAM_FIELD(genai_params, permission0)},
    {"model.genai.regular_days", PARAM_INT, "days", 1, 28, "8", NULL, 0,
     "a regular user used it on at least this many of the last 28 days",
     PARAM_FIELD_INT32(genai_params, regular_days)},

    {"model.genai.value.minutes_valuable", PARAM_DOUBLE, "minutes", 0, 480, "30", NULL, 0,
     "staff minutes a valuable use saves (times the novice gain of the user's generation and level)",
     PARAM_FIELD(genai_params, minutes_valuable)},
    {"model.genai.value.minutes_trivial", PARAM_DOUBLE, "minutes", 0, 480, "5", NULL, 0,
     "staff minutes a successful use of little value saves (times the novice gain)",
     PARAM_FIELD(genai_params, minutes_trivial)},
    {"model.genai.value.minutes_failed", PARAM_DOUBLE, "minutes", 0, 480, "5", NULL, 0,
     "staff minutes a failed use wastes",
     PARAM_FIELD(genai_params, minutes_failure)},
    {"model.genai.value.minutes_beyond_frontier", PARAM_DOUBLE, "minutes", 0, 480, "30", NULL, 0,
     "staff minutes lost, on top, by a use on a task beyond the tool's frontier (errors to find and fix)",
     PARAM_FIELD(genai_params, minutes_beyond)},
    {"model.genai.value.novice_gain.by_generation", PARAM_DOUBLE_LIST, "1", 0, 10, "[1.6, 1.0, 0.7, 0.4]", NULL,
     4, "factor of the minutes a success saves for gen_z, millennial, gen_x, boomer (experience: novices gain most)",
     PARAM_FIELD(genai_params, saved_gen)},
    {"model.genai.value.novice_gain.by_level", PARAM_DOUBLE_LIST, "1", 0, 10, "[1]", NULL, 16,
     "factor of the minutes a success saves by level from the top (the last value repeats below)",
     PARAM_FIELD(genai_params, saved_level)},
    {"model.genai.value.hourly_cost.by_level", PARAM_DOUBLE_LIST, "dollars/hour", 0, 10000,
     "[150, 110, 85, 65, 50]", NULL, 16,
     "what an hour of staff time costs (wages and benefits) by level from the top (the last value repeats "
     "below): prices the hours saved and the hours spent on the interventions",
     PARAM_FIELD(genai_params, hourly_cost)},
    {"model.genai.frontier.level", PARAM_DOUBLE, "1", 0, 1, "1", NULL, 0,
     "the tool's frontier: tasks more complex than this are beyond what it does well (1: none are)",
     PARAM_FIELD(genai_params, frontier_level)},
    {"model.genai.frontier.penalty", PARAM_DOUBLE, "logit", 0, 10, "0.8", NULL, 0,
     "success on a task beyond the frontier: log-odds lowered by this (0.8: 19 points at even odds)",
     PARAM_FIELD(genai_params, frontier_penalty)},
    {"model.genai.suitability.departments", PARAM_STRING, "", 0, 0, "", NULL, 64,
     "task suitability by department, \"Name=share, ...\" (share 0..1 of what the tool can help with "
     "there: scales each member's suitability.median draw; unlisted departments 1)",
     PARAM_FIELD(genai_params, suitability)},
    {"model.genai.suitability.median", PARAM_DOUBLE, "1", 0, 1, "0.24", NULL, 0,
     "median share of days on which a person has work the tool can help with (the daily chance of a "
     "use is this person's share times the decision's probability; 1: every day, for everyone)",
     PARAM_FIELD(genai_params, need_median)},
    {"model.genai.suitability.sd", PARAM_DOUBLE, "logit", 0, 10, "1", NULL, 0,
     "spread of that share between people (standard deviation on the logit scale)",
     PARAM_FIELD(genai_params, need_sd)},
    {"model.genai.turnover.enabled", PARAM_BOOL, "", 0, 1, "false", NULL, 0,
     "staff leave at turnover.monthly rates and each leaver is replaced by a hire in the same position",
     PARAM_FIELD(genai_params, turnover)},
    {"model.genai.turnover.monthly.by_generation", PARAM_DOUBLE_LIST, "1/month", 0, 1,
     "[0.03, 0.016, 0.009, 0.012]", NULL, 4,
     "chance of leaving in a month for gen_z, millennial, gen_x, boomer (BLS median tenure by age, 2024)",
     PARAM_FIELD(genai_params, leave_gen)},
    {"model.genai.turnover.monthly.level_factor", PARAM_DOUBLE_LIST, "1", 0, 10, "[0.5, 0.7, 0.85, 1]", NULL, 16,
     "factor of the chance of leaving by level from the top (the last value repeats below)",
     PARAM_FIELD(genai_params, leave_level)},
    {"model.genai.turnover.left_behind.factor", PARAM_DOUBLE, "1", 1, 20, "1", NULL, 0,
     "staff left behind (skill at least left_behind.gap below their team's mean) leave this many times as "
     "often (1: no difference)",
     PARAM_FIELD(genai_params, left_behind_factor)},
    {"model.genai.turnover.left_behind.gap", PARAM_DOUBLE, "1", 0, 1, "0.2", NULL, 0,
     "skill below the team's mean by at least this: left behind",
     PARAM_FIELD(genai_params, left_behind_gap)},
    {"model.genai.turnover.hire_mix", PARAM_DOUBLE_LIST, "1", 0, 1, "[0.45, 0.35, 0.15, 0.05]", NULL, 4,
     "generations of the hires: weights of gen_z, millennial, gen_x, boomer",
     PARAM_FIELD(genai_params, hire_mix)},
    {"model.genai.turnover.onboarding_days", PARAM_INT, "days", 0, 365, "30", NULL, 0,
     "a hire's first days without using the tool (their seat, if the position had one, waits)",
     PARAM_FIELD_INT32(genai_params, onboarding_days)},
    {"model.genai.turnover.roles", PARAM_ENUM, "", 0, 0, "refilled", "refilled|lost", 0,
     "a leaver's roles (vanguard member, mentor, mentee): refilled (the hire takes the position's place in "
     "the programmes) or lost (the programmes drop the position; partners may be paired again)",
     PARAM_FIELD(genai_params, turnover_roles)},
    {"model.genai.frontier.releases", PARAM_DOUBLE_LIST, "day", 1, 100000, "[]", NULL, 16,
     "days on which a new version of the tool comes out, ascending whole days (none by default): the "
     "frontier rises by frontier.step and frontier.stale of everyone's skill goes stale",
     PARAM_FIELD(genai_params, releases)},
    {"model.genai.frontier.step", PARAM_DOUBLE, "1", 0, 1, "0.1", NULL, 0,
     "rise of the frontier at each release (it stays at most 1)",
     PARAM_FIELD(genai_params, frontier_step)},
    {"model.genai.frontier.stale", PARAM_DOUBLE, "1", 0, 1, "0.2", NULL, 0,
     "share of skill that goes stale at each release (practice on the old version), and the share of a "
     "mentor's knowledge lost per release since the mentor last used or was trained on the tool",
     PARAM_FIELD(genai_params, frontier_stale)},
    {"model.genai.frontier.erosion", PARAM_DOUBLE, "1", 0, 1, "0", NULL, 0,
     "share of a (positive) expertise confidence lost at each release: \"it can't beat my expertise\" was "
     "judged on the old version (0 by default: kept)",
     PARAM_FIELD(genai_params, frontier_erosion)},
    PARAM_END};

void genai_params_read(const scenario *scn, genai_params *p)
{
    scenario_bind(scn, genai_params_table, p);
}

int genai_suitability_read(const scenario *scn, const sim_network *net, genai_suitability *out, sim_error *err)
{
    const char *k = "model.genai.suitability.departments";
    const char *text = scenario_string(scn, k);
    out->n = 0;
    out->names = NULL;
    out->share = NULL;
    size_t len = strlen(text), max = 1;
    if (len == 0) return SIM_OK;
    for (size_t c = 0; c < len; c++) max += text[c] == ',';
    char *copy = malloc(len + 1), **fields = malloc(max * sizeof *fields);
    out->names = calloc(max, sizeof *out->names);
    out->share = calloc(max, sizeof *out->share);
    int rc = SIM_OK;
    if (!copy || !fields || !out->names || !out->share) {
        rc = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, k, "out of memory");
        goto done;
    }
    memcpy(copy, text, len + 1);
    const int nf = csv_split(copy, fields, (int)max);
    if (nf < 0) {
        rc = scenario_error(scn, k, err, "%s", csv_split_error(nf));
        goto done;
    }
    for (int f = 0; f < nf; f++) {
        char *eq = strrchr(fields[f], '='), *end = NULL;
        if (!eq || eq == fields[f]) {
            rc = scenario_error(scn, k, err, "item %d: expected Name=share such as Finance=0.6, got \"%.60s\"", f + 1,
                                fields[f]);
            goto done;
        }
        *eq = '\0';
        const double share = strtod(eq + 1, &end);
        if (end == eq + 1 || *csv_trim(end) != '\0' || !(share >= 0 && share <= 1)) {
            rc = scenario_error(scn, k, err, "item %d (%.60s): expected a share between 0 and 1, got \"%.30s\"",
                                f + 1, csv_trim(fields[f]), eq + 1);
            goto done;
        }
        const char *name = csv_trim(fields[f]);
        for (int32_t j = 0; j < out->n; j++)
            if (strcmp(out->names[j], name) == 0) {
                rc = scenario_error(scn, k, err, "department \"%.60s\" is listed twice", name);
                goto done;
            }
        if (!(out->names[out->n] = strdup(name))) {
            rc = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, k, "out of memory");
            goto done;
        }
        out->share[out->n++] = share;
    }
    for (int32_t j = 0; net && j < out->n; j++) {
        int32_t d = 0;
        while (net->department_names && d < net->n_departments && strcmp(net->department_names[d], out->names[j]))
            d++;
        if (net->department_names && d < net->n_departments) continue;
        const char *near = net->department_names ? scenario_nearest_word(out->names[j], (const char *const *)
                                                                         net->department_names, (size_t)net->n_departments)
                                                 : NULL;
        char hint[120] = "";
        if (near) snprintf(hint, sizeof hint, "; did you mean \"%.60s\"?", near);
        rc = scenario_error(scn, k, err, "no department named \"%.60s\" in the organization (%d departments)%s",
                            out->names[j], (int)net->n_departments, hint);
        goto done;
    }
done:
    free(copy);
    free(fields);
    return rc;
}

void genai_suitability_free(genai_suitability *s)
{
    for (int32_t j = 0; s->names && j < s->n; j++) free(s->names[j]);
    free(s->names);
    free(s->share);
    s->names = NULL;
    s->share = NULL;
    s->n = 0;
}

/* Releases: ascending whole days within the run, and something for them
 * to do (the frontier can rise, or skill can go stale). */
static int frontier_check(const scenario *scn, const genai_params *p, sim_error *err)
{
    const char *k = "model.genai.frontier.releases";
    const int32_t days = (int32_t)scenario_int(scn, "run.days");
    for (int r = 0; r < p->releases.n; r++) {
        const double d = p->releases.v[r];
        if (d != floor(d))
            return scenario_error(scn, k, err, "release %d: expected a whole day, got %g", r + 1, d);
        if (d > days)
            return scenario_error(scn, k, err, "release %d on day %g is after the last day of the run (%d)", r + 1,
                                  d, (int)days);
        if (r > 0 && d <= p->releases.v[r - 1])
            return scenario_error(scn, k, err, "releases must be in ascending order: day %g after day %g", d,
                                  p->releases.v[r - 1]);
    }
    if (p->releases.n > 0 && (p->frontier_level >= 1 || p->frontier_step == 0) && p->frontier_stale == 0 &&
        p->frontier_erosion == 0)
        return scenario_error(scn, k, err,
                              "releases would do nothing: the frontier cannot rise (frontier.level %g, "
                              "frontier.step %g), and frontier.stale and frontier.erosion are 0",
                              p->frontier_level, p->frontier_step);
    return SIM_OK;
}

int genai_validate(const scenario *scn, sim_error *err)
{
    const char *model = scenario_string(scn, "model.name");
    const int is_genai = strcmp(model, "genai") == 0;
    if (is_genai) {
        genai_params p;
        scenario_bind(scn, genai_params_table, &p);
        for (int t = 0; t < GENAI_TRAITS; t++) {
            if (p.trait_gen[t].n == 4) continue;
            char k[128];
            snprintf(k, sizeof k, "model.genai.traits.%s.by_generation", genai_trait_names[t]);
            return scenario_error(scn, k, err, "expected 4 values (gen_z, millennial, gen_x, boomer), got %d",
                                  p.trait_gen[t].n);
        }
        if (p.saved_gen.n != 4)
            return scenario_error(scn, "model.genai.value.novice_gain.by_generation", err,
                                  "expected 4 values (gen_z, millennial, gen_x, boomer), got %d", p.saved_gen.n);
        int rc = frontier_check(scn, &p, err);
        if (rc) return rc;
        if (p.leave_gen.n != 4)
            return scenario_error(scn, "model.genai.turnover.monthly.by_generation", err,
                                  "expected 4 values (gen_z, millennial, gen_x, boomer), got %d", p.leave_gen.n);
        if (p.hire_mix.n != 4)
            return scenario_error(scn, "model.genai.turnover.hire_mix", err,
                                  "expected 4 weights (gen_z, millennial, gen_x, boomer), got %d", p.hire_mix.n);
        if (p.hire_mix.v[0] + p.hire_mix.v[1] + p.hire_mix.v[2] + p.hire_mix.v[3] <= 0)
            return scenario_error(scn, "model.genai.turnover.hire_mix", err, "the weights add up to 0: nobody to hire");
        genai_suitability suit;
        rc = genai_suitability_read(scn, NULL, &suit, err);
        genai_suitability_free(&suit);
        if (rc) return rc;
        const char *type = scenario_string(scn, "network.type");
        if (strcmp(type, "organization") != 0 && strcmp(type, "orgchart") != 0)
            return scenario_error(scn, "network.type", err,
                                  "the genai model needs an organization (organization or orgchart), got %s", type);
    }
    const int32_t days = (int32_t)scenario_int(scn, "run.days");
    for (int i = 0; genai_interventions[i]; i++) {
        const genai_intervention_type *t = genai_interventions[i];
        iv_common c;
        iv_common_bind(scn, t, &c);
        if (!c.enabled) continue;
        if (!is_genai) {
            char k[128];
            snprintf(k, sizeof k, "interventions.%s.enabled", t->name);
            return scenario_error(scn, k, err,
                                  "interventions need model.name: genai; under model %s it would do nothing", model);
        }
        /* the schedule and target, then the module's own checks (its alloc
         * without a network reads and checks its keys) */
        int rc = iv_common_parse(scn, t->name, &c, err);
        if (!rc) rc = iv_check_schedule(scn, &c, days, err);
        iv_common_free(&c);
        if (rc) return rc;
        genai_world w = {0};
        void *state = NULL;
        rc = t->alloc(scn, &w, &state, err);
        if (rc) return rc;
        t->free(state);
    }
    return SIM_OK;
}

/* Each enabled intervention's target against the organization built. */
static int genai_check_network(const scenario *scn, const sim_network *net, sim_error *err)
{
    genai_suitability suit;
    int src = genai_suitability_read(scn, net, &suit, err);
    genai_suitability_free(&suit);
    if (src) return src;
    for (int i = 0; genai_interventions[i]; i++) {
        const genai_intervention_type *t = genai_interventions[i];
        iv_common c;
        iv_common_bind(scn, t, &c);
        if (!c.enabled) continue;
        int rc = iv_common_parse(scn, t->name, &c, err);
        if (!rc) rc = iv_check_target(scn, &c, net, t->leaders_only, err);
        iv_common_free(&c);
        if (rc) return rc;
    }
    return SIM_OK;
}

/* Schedules that give fewer sessions than their keys suggest. */
static void genai_warnings(const scenario *scn, sim_warnings *out)
{
    const int32_t days = (int32_t)scenario_int(scn, "run.days");
    /* the frontier's step and staleness act only at releases */
    /* turnover's settings act only when it is enabled */
    if (!scenario_bool(scn, "model.genai.turnover.enabled")) {
        static const char *const keys[] = {"model.genai.turnover.monthly.by_generation",
                                           "model.genai.turnover.monthly.level_factor",
                                           "model.genai.turnover.left_behind.factor",
                                           "model.genai.turnover.left_behind.gap", "model.genai.turnover.hire_mix",
                                           "model.genai.turnover.onboarding_days", "model.genai.turnover.roles"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            const param_value *v = scenario_find(scn, keys[k]);
            if (v && v->source != PARAM_FROM_DEFAULT)
                scenario_warn(scn, keys[k], out, "acts only with model.genai.turnover.enabled: true");
        }
    }
    /* at a median share of 1 everyone's share is 1, whatever its spread */
    const param_value *spread = scenario_find(scn, "model.genai.suitability.sd");
    if (scenario_double(scn, "model.genai.suitability.median") >= 1 && spread && spread->source != PARAM_FROM_DEFAULT)
        scenario_warn(scn, "model.genai.suitability.sd", out,
                      "does nothing: at suitability.median 1 everyone has work for the tool every day");
    int n_releases = 0;
    scenario_list(scn, "model.genai.frontier.releases", &n_releases);
    if (n_releases == 0) {
        static const char *const keys[] = {"model.genai.frontier.step", "model.genai.frontier.stale",
                                           "model.genai.frontier.erosion"};
        for (int k = 0; k < 3; k++) {
            const param_value *v = scenario_find(scn, keys[k]);
            if (v && v->source != PARAM_FROM_DEFAULT)
                scenario_warn(scn, keys[k], out, "acts only at releases, and frontier.releases lists none");
        }
    }
    for (int i = 0; genai_interventions[i]; i++) {
        iv_common c;
        sim_error ignored;
        if (iv_common_read(scn, genai_interventions[i], &c, &ignored) == SIM_OK && c.enabled) {
            iv_warn_schedule(scn, &c, days, out);
            if (genai_interventions[i]->warn) genai_interventions[i]->warn(scn, out);
        }
        iv_common_free(&c);
    }
}

/* What `adoptsim report` gives for each scenario (see sim_outcome). */
static const sim_outcome genai_outcomes[] = {
    {"monthly_active", "Monthly active", SIM_OUTCOME_VALUE, "monthly_active", NULL, 0, "agents", 1, NULL, 0},
    {"monthly_active_pct_staff", "% of staff", SIM_OUTCOME_SHARE, "monthly_active", "staff", 0, "percent", 1, NULL, 0},
    {"regular_users", "Regular users", SIM_OUTCOME_VALUE, "regular_users", NULL, 0, "agents", 1, NULL, 0},
    {"regular_users_pct_staff", "% of staff", SIM_OUTCOME_SHARE, "regular_users", "staff", 0, "percent", 1, NULL, 0},
    {"valuable_uses", "Valuable uses", SIM_OUTCOME_VALUE, "valuable_uses", NULL, 0, "uses", 1, NULL, 0},
    {"leaders_modelling", "Leaders modelling use", SIM_OUTCOME_VALUE, "leaders_modelling", NULL, 0, "agents", 1,
     NULL, 0},
    {"leaders_modelling_pct_leaders", "% of leaders", SIM_OUTCOME_SHARE, "leaders_modelling", "leaders", 0,
     "percent", 1, NULL, 0},
    {"cost_dollars", "Cost in dollars", SIM_OUTCOME_VALUE, "cost_dollars", NULL, 0, "dollars", 0, NULL, 1},
    {"dollars_per_additional_regular_user", "per additional regular user [95% CI]", SIM_OUTCOME_PER_UNIT,
     "cost_dollars", "regular_users", 0, "dollars/agent", 0, NULL, 1},
    {"cost_hours", "Cost in staff hours", SIM_OUTCOME_VALUE, "cost_hours", NULL, 0, "staff_hours", 1, NULL, 1},
    {"hours_per_additional_regular_user", "per additional regular user [95% CI]", SIM_OUTCOME_PER_UNIT,
     "cost_hours", "regular_users", 0, "staff_hours/agent", 1, NULL, 1},
    {"hours_saved_week", "Hours saved a week", SIM_OUTCOME_VALUE, "hours_saved_week", NULL, 0, "staff_hours", 1,
     NULL, 0},
    {"hours_saved", "Hours saved since day 1", SIM_OUTCOME_VALUE, "hours_saved", NULL, 0, "staff_hours", 0, NULL,
     0},
    {"value_dollars", "Value of the hours saved in dollars", SIM_OUTCOME_VALUE, "value_dollars", NULL, 0, "dollars",
     0, NULL, 0},
    {"cost_total_dollars", "Total cost in dollars (licences and staff time)", SIM_OUTCOME_VALUE,
     "cost_total_dollars", NULL, 0, "dollars", 0, NULL, 1},
    {"total_dollars_per_additional_regular_user", "per additional regular user [95% CI]", SIM_OUTCOME_PER_UNIT,
     "cost_total_dollars", "regular_users", 0, "dollars/agent", 0, NULL, 1},
    {"net_return_dollars", "Net return in dollars (value minus total cost)", SIM_OUTCOME_VALUE,
     "net_return_dollars", NULL, 0, "dollars", 0, NULL, 0},
    {"days_to_50pct_monthly_active", "Days to 50% monthly active", SIM_OUTCOME_FIRST_DAY, "monthly_active",
     "staff", 0.5, "days", 1, "first day on which at least half the staff used it in the last 30 days", 1},
};


/* The model: its parameters (here), state (genai_state.c) and days (genai_day.c). */
const sim_model_type genai_model = {
    .name = "genai",
    .summary = "generative-AI adoption in an organization: staff, leaders, interventions",
    .params = genai_params_table,
    .observables = genai_observables,
    .n_observables = OBS_COUNT,
    .validate = genai_validate,
    .alloc = genai_alloc,
    .free = genai_free,
    .init = genai_init,
    .step = genai_step,
    .observe = genai_observe,
    .observe_teams = genai_observe_teams,
    .team_observables = genai_team_observables,
    .agent_fields = genai_agent_fields,
    .n_agent_fields = AGENT_FIELDS,
    .agent_values = genai_agent_values,
    .check_network = genai_check_network,
    .warnings = genai_warnings,
    .bytes_per_agent = genai_bytes_per_agent,
    .outcomes = genai_outcomes,
    .n_outcomes = (int)(sizeof genai_outcomes / sizeof genai_outcomes[0]),
};
