/*
 * simulate.h - realistic synthetic monitoring data for the demo, the tests and the
 * benchmarks: real cities from the reference data, a stratified two-stage household
 * sample per city and wave answered on the household questionnaire, population margins
 * for raking, and the city-level inputs of every other monitoring point (statistics,
 * reviewer ratings, facilities) and a network register following the seed's roll-out. Cities differ
 * through latent levels and improve over waves, so estimates, scores and trends have something to
 * find. Deterministic for a given seed.
 */
#ifndef LCM_SIMULATE_H
#define LCM_SIMULATE_H

#include "form.h"
#include "lcmon.h"

#define LCM_SIM_MAX_WAVES 10

typedef struct lcm_sim_opts {
    int ncities;                  /* how many cities to pick (at most all 337) */
    int waves[LCM_SIM_MAX_WAVES]; /* survey years, increasing */
    int nwaves;
    int households; /* per city and wave (0: city-level data only) */
    unsigned long seed;
    const char *margins_prefix; /* population margins written to PREFIX_<wave>.csv;
                                   NULL: none */
    int force;                  /* replace existing margins files (outfile.h) */
    /* A newer version of the household form (stored too) for the waves from new_from on;
     * NULL: every wave on `household`. */
    const lcm_form *household_new;
    int new_from;
} lcm_sim_opts;

typedef struct lcm_sim_summary {
    int ncities;
    long households, persons; /* survey instances and roster rows inserted */
    long values, ratings, facilities;
    char cities[400][8]; /* codes of the cities picked, in pick order */
} lcm_sim_summary;

/* Simulate into db. household may be NULL when opts->households is 0; otherwise it must be
 * stored in db (lcm_form_store). Everything goes in one transaction: on failure nothing is
 * written. */
lcm_status lcm_simulate(lcm_db *db, const lcm_form *household, const lcm_sim_opts *opts,
                        lcm_sim_summary *sum, lcm_err *err);

#endif
