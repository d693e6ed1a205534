/* bass.h: the Bass diffusion verification model (see bass.c). */
#ifndef MODELS_BASS_H
#define MODELS_BASS_H
#include "model.h"
extern const sim_model_type bass_model;
#endif
