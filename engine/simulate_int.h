/*
 * simulate_int.h - what the parts of the simulator share (engine/simulate*.c only).
 */
#ifndef LCM_SIMULATE_INT_H
#define LCM_SIMULATE_INT_H

#include "outfile.h"
#include "simulate.h"

#include <gsl/gsl_rng.h>

/* A picked city with its latent levels (standard-normal scale). */
typedef struct lcm__sim_city {
    char code[8], province[4], region[12], tier[24];
    double quality;          /* overall latent level: drives statistics, ratings, facilities */
    double aware, part, sat; /* survey latent levels (logit / latent scales) */
    double urban_share;      /* residents' committees among village-level units */
} lcm__sim_city;

/* Survey years: the latent levels grow by this much per year after the first wave. */
#define LCM__SIM_GROWTH 0.12

lcm_status lcm__sim_city_inputs(lcm_db *db, const lcm__sim_city *c, const lcm_sim_opts *o,
                                gsl_rng *rng, lcm_sim_summary *sum, lcm_err *err);
lcm_status lcm__sim_households(lcm_db *db, const lcm_form *f, const lcm__sim_city *c, int wave,
                               double growth, const lcm_sim_opts *o, gsl_rng *rng,
                               lcm_sim_summary *sum, lcm_err *err);
lcm_status lcm__sim_network(lcm_db *db, const lcm__sim_city *picked, int npicked, gsl_rng *rng,
                            lcm_err *err);
lcm_status lcm__sim_margins(lcm_db *db, const lcm__sim_city *cities, int n, int wave,
                            const char *path, int force, lcm_err *err);

#endif
