/* threshold.h: the Granovetter/Watts threshold verification model (see threshold.c). */
#ifndef MODELS_THRESHOLD_H
#define MODELS_THRESHOLD_H
#include "model.h"
extern const sim_model_type threshold_model;

/* For tests: set agent i's threshold as a count of adopted neighbours,
 * after init (the state as allocated by the model's alloc). */
void threshold_set_needed(void *state, int32_t i, int32_t count);
#endif
