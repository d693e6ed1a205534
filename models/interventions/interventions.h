/* interventions.h: the interventions of the genai model, one module each
 * (models/interventions/<name>.c), listed in acting order in list.c. */
#ifndef MODELS_INTERVENTIONS_INTERVENTIONS_H
#define MODELS_INTERVENTIONS_INTERVENTIONS_H

#include "genai.h"

extern const genai_intervention_type licences_intervention;
extern const genai_intervention_type launch_intervention;
extern const genai_intervention_type permission_intervention;
extern const genai_intervention_type vanguard_intervention;
extern const genai_intervention_type leadership_intervention;
extern const genai_intervention_type reverse_mentoring_intervention;
extern const genai_intervention_type training_intervention;
extern const genai_intervention_type peer_mentoring_intervention;
extern const genai_intervention_type reinforcement_intervention;
extern const genai_intervention_type accountability_intervention;

#endif
