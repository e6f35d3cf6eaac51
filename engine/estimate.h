/*
 * estimate.h - design-based estimates of survey variables for every domain, from the
 * store, through analysis/svy, back into the store (estimates table, with their run), and
 * their change between two waves.
 */
#ifndef LCM_ESTIMATE_H
#define LCM_ESTIMATE_H

#include "survey.h"

typedef enum lcm_est_kind {
    LCM_EST_MEAN,
    LCM_EST_TOTAL,
    LCM_EST_PROP,
    LCM_EST_QUANTILE
} lcm_est_kind;
typedef enum lcm_ci_kind { LCM_CI_WALD, LCM_CI_LOGIT, LCM_CI_BETA } lcm_ci_kind;

typedef struct lcm_est_request {
    lcm_source source;
    int wave;                /* 0 = every wave */
    const char *const *vars; /* variable columns */
    size_t nvar;
    const char *const *by; /* domain columns, crossed; none = the whole sample */
    size_t nby;
    lcm_est_kind kind;
    lcm_ci_kind ci;          /* proportions; means, totals: t intervals; quantiles: Woodruff */
    double level;            /* confidence level, e.g. 0.95 */
    long min_n;              /* estimates on fewer rows are flagged */
    int store;               /* 1: write the results and their run to the database */
    const double *quantiles; /* LCM_EST_QUANTILE: nq probabilities in [0, 1] */
    size_t nq;
} lcm_est_request;

/* One result row, labels borrowed from the result set. */
typedef struct lcm_est_row {
    const char *variable;
    const char *category;  /* category of a proportion, else NULL */
    const char *const *by; /* nby domain labels */
    lcm_svy_est est;       /* for a quantile: its SE and df as R reports them, deff NaN */
    double ci_low, ci_high;
    int small; /* nrows below min_n */
    double p;  /* the probability of a quantile, else NaN */
} lcm_est_row;

typedef struct lcm_est_result lcm_est_result;

/* Run the request. On success *out is the caller's (lcm_est_result_free). */
lcm_status lcm_estimate_run(lcm_db *db, const lcm_est_request *req, lcm_est_result **out,
                            lcm_err *err);
size_t lcm_est_result_count(const lcm_est_result *r);
const lcm_est_row *lcm_est_result_row(const lcm_est_result *r, size_t i);
/* Run id the results were stored under (0 when not stored). */
long long lcm_est_result_run(const lcm_est_result *r);
void lcm_est_result_free(lcm_est_result *r);

/* The rows of (src, wave) with the variables (numeric) and by-columns (codes), and their
 * design exactly as lcm_estimate_run builds it: calibrated when a calibration is declared,
 * with the declared replicate weights. On success data and *design are the caller's
 * (lcm_survey_data_free, lcm_svy_design_free); on failure both are freed. */
lcm_status lcm_estimate_prepare(lcm_db *db, const lcm_source *src, int wave,
                                const char *const *vars, size_t nvar, const char *const *by,
                                size_t nby, lcm_survey_data *data, lcm_svy_design **design,
                                lcm_err *err);
/* The rows and design of req exactly as lcm_estimate_run uses them (the declared design,
 * calibrated when a calibration is declared, with its replicate weights): for analyses
 * built on the same design (lcmon compare). *data and *design are the caller's
 * (lcm_survey_data_free, lcm_svy_design_free), *design NULL on failure. */
lcm_status lcm_estimate_load(lcm_db *db, const lcm_est_request *req, lcm_survey_data *data,
                             lcm_svy_design **design, lcm_err *err);

/* The change of every estimate of req between waves wave_a and wave_b, each estimated
 * with its own declared design (and calibration, replicates) as independent samples:
 * matched on variable, category or probability and domain. A domain estimated in only one
 * wave gets a row with the other side NULL. */
typedef struct lcm_est_change_row {
    const lcm_est_row *a, *b; /* the waves' rows, borrowed from lcm_est_comparison_wave() */
    lcm_svy_change change;    /* NaN where a side is missing */
} lcm_est_change_row;

typedef struct lcm_est_comparison lcm_est_comparison;

/* Run both waves (storing each as its own run when req->store) and match them. On success
 * *out is the caller's (lcm_est_comparison_free). */
lcm_status lcm_estimate_compare(lcm_db *db, const lcm_est_request *req, int wave_a, int wave_b,
                                lcm_est_comparison **out, lcm_err *err);
size_t lcm_est_comparison_count(const lcm_est_comparison *c);
const lcm_est_change_row *lcm_est_comparison_row(const lcm_est_comparison *c, size_t i);
/* The result of wave a (which = 0) or b (which = 1); borrowed from c. */
const lcm_est_result *lcm_est_comparison_wave(const lcm_est_comparison *c, int which);
void lcm_est_comparison_free(lcm_est_comparison *c);

#endif
