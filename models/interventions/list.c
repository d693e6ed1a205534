/* list.c: the interventions the genai model knows, in the order they act
 * each day (before agents decide): access first, then the climate, then the
 * people programmes, then the prompts. */
#include "interventions.h"

const genai_intervention_type *const genai_interventions[] = {
    &licences_intervention,
    &launch_intervention,
    &permission_intervention,
    &vanguard_intervention,
    &leadership_intervention,
    &reverse_mentoring_intervention,
    &training_intervention,
    &peer_mentoring_intervention,
    &reinforcement_intervention,
    &accountability_intervention,
    NULL,
};
