/*
 * measures.h - the survey side of monitoring point 4.2.1: from a wave of household
 * responses to the city-level measures the scores and reports use (survey_measures):
 * awareness (mean share of the eight service types a resident knows), participation
 * (share who used at least one in the last 12 months), the satisfaction index (0-100) and
 * top-2-box share, per-service satisfaction and derived importance (for the
 * importance-performance quadrants), and Cronbach's alpha of the satisfaction items.
 */
#ifndef LCM_MEASURES_H
#define LCM_MEASURES_H

#include "lcmon.h"

typedef struct lcm_measures_report {
    long long run_id; /* the estimate run the measures come from */
    long cities;      /* cities with measures */
    long rows;        /* survey_measures rows written */
} lcm_measures_report;

/* Compute and store (replace) the measures of one wave of form_id's responses, using the
 * design and calibration declared for the form. One transaction for the measures. */
lcm_status lcm_measures_compute(lcm_db *db, const char *form_id, int wave, lcm_measures_report *rep,
                                lcm_err *err);

/* Which groups lag (measures_gaps.c): each group of age band, education and community type
 * against the rest of its city, for the satisfaction index and participation, into
 * group_gaps (the wave's rows replaced). Inside the caller's transaction. */
struct lcm_source;
lcm_status lcm__measures_gaps(lcm_db *db, const struct lcm_source *src, int wave, lcm_err *err);

#endif
