/*
 * smallarea.h - district (county-level) estimates of a city from the household survey: the
 * direct design-based estimate of each district (domain estimation with the declared design,
 * through estimate.h), then the Fay-Herriot model of analysis/sae.h over the districts, with
 * covariates from the reference data or a CSV file (docs/smallarea.md).
 */
#ifndef LCM_SMALLAREA_H
#define LCM_SMALLAREA_H

#include "sae.h"
#include "survey.h"

#define LCM_SA_MAXCOV 16 /* covariates besides the intercept */

/* Covariates per division code, read from a CSV file: header "code,NAME[,NAME...]", then
 * one row per code, every cell a finite number. */
typedef struct lcm_sa_covariates {
    size_t ncov;
    char names[LCM_SA_MAXCOV][64];
    size_t nrows;
    char (*code)[32]; /* nrows codes */
    double *x;        /* nrows * ncov values */
} lcm_sa_covariates;

/* Read path (named so in messages). Every bad cell is an error `file:line:column (name):
 * problem, value 'x'`. The caller frees with lcm_sa_covariates_free, also after a failure. */
lcm_status lcm_sa_covariates_read(const char *path, lcm_sa_covariates *out, lcm_err *err);
void lcm_sa_covariates_free(lcm_sa_covariates *c);

typedef struct lcm_sa_request {
    lcm_source source;
    int wave;                 /* required: one wave */
    const char *var;          /* numeric variable (a mean; a 0/1 variable gives a proportion) */
    const char *city;         /* city code, e.g. "4401" */
    const char *city_col;     /* column holding the city code (NULL = "city") */
    const char *district_col; /* column holding the district code (NULL = "county") */
    const char *covariates;   /* CSV path, or NULL: the urban share from the reference */
    lcm_sae_method method;
} lcm_sa_request;

/* How a district's model estimate was made. */
typedef enum lcm_sa_role {
    LCM_SA_FITTED,   /* in the fit: EBLUP = gamma direct + (1 - gamma) synthetic */
    LCM_SA_ONE_PSU,  /* sampled in fewer than 2 PSUs: no usable design variance (R gives
                        SE 0 for such a domain mean), left out of the fit, synthetic */
    LCM_SA_NO_VAR,   /* 2+ PSUs but a design variance of 0 (every answer the same) or not
                        a number: left out of the fit, synthetic */
    LCM_SA_UNSAMPLED /* no respondent: synthetic */
} lcm_sa_role;

typedef struct lcm_sa_row {
    char code[32];
    char name[96]; /* the reference name, or the code when the reference has none */
    lcm_sa_role role;
    size_t n, npsu;          /* respondents with an answer, PSUs holding them */
    double direct, se, df;   /* the direct estimate (NaN when unsampled) */
    double estimate;         /* EBLUP (fitted) or synthetic estimate */
    double rmse;             /* sqrt of its MSE */
    double gamma;            /* shrinkage factor (0 for synthetic rows) */
    double synthetic;        /* x' beta */
    double g1, g2, g3;       /* MSE terms (fitted rows; NaN otherwise) */
    double x[LCM_SA_MAXCOV]; /* covariates without the intercept */
} lcm_sa_row;

typedef struct lcm_sa_result {
    lcm_sa_row *rows; /* districts in code order */
    size_t nrows, nfit;
    size_t ncov; /* covariates besides the intercept */
    char cov_names[LCM_SA_MAXCOV][64];
    lcm_sae_method method;
    lcm_sae_fit fit; /* beta[0] the intercept; beta and cov point into this result */
    double beta[LCM_SA_MAXCOV + 1], cov[(LCM_SA_MAXCOV + 1) * (LCM_SA_MAXCOV + 1)];
} lcm_sa_result;

/* Direct estimates of every district of the city, the model fitted to the districts with a
 * usable variance, and model estimates for every district (those the reference or the
 * covariate file know, sampled or not). *out is the caller's (lcm_sa_result_free). */
lcm_status lcm_smallarea_run(lcm_db *db, const lcm_sa_request *req, lcm_sa_result **out,
                             lcm_err *err);
void lcm_sa_result_free(lcm_sa_result *r);

#endif
