/*
 * svy_glm.h - design-based linear and logistic regression as R's svyglm() fits them
 * (docs/model.md): the point estimates by iteratively reweighted least squares with the
 * sampling weights (R's glm.fit, step for step, so the iterates are R's), the variance of the
 * coefficients by linearisation - the influence of each respondent, x r w (X'WX)^-1, summed
 * into PSU totals and passed through the design's own variance (strata, fpc, lonely-PSU
 * policy, calibration residuals: lcm_svy_estimate) - or, when the design carries replicate
 * weights, by refitting the model with every replicate's weights (R's svyglm on an
 * svrepdesign). Wald tests of several coefficients at once as R's regTermTest().
 *
 * Arrays in, results out, like svy.h: the caller builds the model matrix (an intercept
 * column, the dummies of factors, numeric covariates) and names its columns for messages.
 */
#ifndef LCM_SVY_GLM_H
#define LCM_SVY_GLM_H

#include "svy.h"

typedef enum lcm_glm_family {
    LCM_GLM_GAUSSIAN, /* linear regression: svyglm(family = gaussian()) */
    LCM_GLM_LOGIT     /* logistic regression: svyglm(family = quasibinomial()) */
} lcm_glm_family;

/* A model over the n rows of a design. Every pointer is borrowed for the call. */
typedef struct lcm_glm_spec {
    lcm_glm_family family;
    size_t p;                 /* columns of the model matrix, the intercept included */
    const double *const *x;   /* p columns of n values; NaN = missing (the row is left out) */
    const double *y;          /* n outcomes, NaN = missing; logit: each in [0, 1] */
    const int32_t *dom;       /* n: >= 0 in the subset the model is fitted on (R's
                                 subset(design, ...)), -1 outside; NULL = every row */
    const char *const *names; /* p column names for messages, or NULL */
    int maxit;                /* IRLS iterations; 0 = R's glm.control() 25 */
    double epsilon;           /* IRLS convergence on the deviance; 0 = R's 1e-8 */
} lcm_glm_spec;

/* A fitted model; the arrays are the fit's, freed by lcm_glm_fit_free. */
typedef struct lcm_glm_fit {
    size_t p;
    double *beta;        /* p coefficients */
    double *se;          /* p standard errors, sqrt of vcov's diagonal */
    double *t, *pval;    /* p t statistics and two-sided p-values on df_resid (NaN when
                            df_resid <= 0, as R's summary.svyglm) */
    double *vcov;        /* p*p design-based covariance, row-major */
    double df_design;    /* design df of the rows used: PSUs - strata (replicate designs: the
                            rank of their replicate weights - 1), R's degf() */
    double df_resid;     /* df_design + 1 - p: R's df.residual, the df of t and F tests */
    size_t nrows;        /* rows in the model (in the subset, y and every x present) */
    size_t npsu;         /* PSUs holding them */
    double wsum;         /* their sum of weights */
    int iterations;      /* IRLS iterations of the full-sample fit */
    size_t nrep;         /* replicate fits behind vcov, 0 = linearisation */
    size_t nrep_dropped; /* replicates whose fit failed (left out as R's svrVar does) */
} lcm_glm_fit;

/* Fit the model on design d. LCM_INVAL for bad arguments (a logit outcome outside [0, 1],
 * fewer usable rows than columns), LCM_NUMERIC when columns are collinear (the message names
 * the column) or the logistic fit separates (the outcome is perfectly predicted: the message
 * names the column whose coefficient runs off to infinity), LCM_NOCONVERGE when IRLS does not
 * converge otherwise, LCM_DESIGN from the variance (a lonely PSU under "fail"), LCM_NOMEM. On
 * success out is the caller's (lcm_glm_fit_free). */
lcm_status lcm_svy_glm(const lcm_svy_design *d, const lcm_glm_spec *spec, lcm_glm_fit *out,
                       char *err, size_t errlen);

void lcm_glm_fit_free(lcm_glm_fit *f);

/* A Wald test that the coefficients idx[0..k) are all 0 (R's regTermTest, method "Wald"):
 * chisq = b' V^-1 b; F = chisq / k on (k, df_resid) df; and the chi-square version on k df
 * (regTermTest(..., df = Inf)). */
typedef struct lcm_glm_wald {
    double chisq, F;
    double df_num, df_den; /* k and the fit's df_resid */
    double p_F, p_chisq;   /* p_F NaN when df_den <= 0 */
} lcm_glm_wald;

lcm_status lcm_glm_wald_test(const lcm_glm_fit *f, const size_t *idx, size_t k, lcm_glm_wald *out,
                             char *err, size_t errlen);

#endif
