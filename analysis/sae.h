/*
 * sae.h - small-area estimation with the area-level Fay-Herriot model (docs/smallarea.md),
 * as Rao & Molina (2015) "Small Area Estimation", 2nd ed., chapter 6 give it:
 *
 *     direct estimate    y_d = theta_d + e_d,   e_d ~ N(0, psi_d), psi_d the design variance
 *     linking model  theta_d = x_d' beta + u_d, u_d ~ N(0, A),     A = sigma^2_u
 *
 * A is estimated by REML (default) or ML with Fisher scoring, started at the median of the
 * psi_d as R's sae::eblupFH starts it, kept non-negative (an iterate below 0 is set to 0 and
 * the iteration stops there when the score at 0 points down, so a fit whose unconstrained
 * maximum is <= 0 gives A = 0, the rule sae's eblupFH applies with max(A, 0)). Then
 *
 *     gamma_d = A / (A + psi_d)                       (shrinkage factor: weight of y_d)
 *     EBLUP_d = gamma_d y_d + (1 - gamma_d) x_d' beta (beta by GLS with V = A + psi_d)
 *
 * and the MSE of the EBLUP by Prasad-Rao for REML, g1 + g2 + 2 g3, and Datta-Lahiri for ML,
 * g1 + g2 + 2 g3 - b_ML B_d^2 (Rao & Molina eq. 6.2.17-6.2.21; R's sae::mseFH):
 *
 *     g1 = gamma_d psi_d,  g2 = B_d^2 x_d' (X'V^-1 X)^-1 x_d,  g3 = B_d^2 (2 / sum V_d^-2) / V_d,
 *     B_d = psi_d / V_d,   b_ML = -tr[(X'V^-1 X)^-1 X'V^-2 X] / sum V_d^-2.
 *
 * Areas outside the fit (no direct estimate, or one without a usable variance) get the
 * synthetic estimate x' beta with MSE A + x' (X'V^-1 X)^-1 x (the limit psi -> infinity of
 * the above: gamma = 0, g1 = A, g2 = x'Qx, g3 = 0).
 *
 * Arrays in, results out; nothing here prints or touches files. GSL does the linear algebra.
 */
#ifndef LCM_SAE_H
#define LCM_SAE_H

#include <stddef.h>

#include "status.h"

typedef enum lcm_sae_method { LCM_SAE_REML, LCM_SAE_ML } lcm_sae_method;

/* Convergence of the Fisher scoring: stop when |A_new - A_old| <= tol * max(A_old, med psi)
 * (tol 0 = 1e-12) or after maxit steps (0 = 500; then LCM_NOCONVERGE). */
typedef struct lcm_sae_opts {
    lcm_sae_method method;
    double tol;
    int maxit;
} lcm_sae_opts;

/* The fitted model. beta and cov are caller arrays of p and p*p doubles (row-major). */
typedef struct lcm_sae_fit {
    double A;       /* sigma^2_u, >= 0 */
    int at_zero;    /* 1 when the non-negativity rule set A to 0 */
    int iterations; /* Fisher scoring steps taken */
    double loglik;  /* log-likelihood at (beta, A) as sae's eblupFH reports it */
    double *beta;   /* p GLS coefficients */
    double *cov;    /* p*p (X'V^-1 X)^-1, the covariance of beta */
    double a_var;   /* asymptotic variance of A: 2 / sum V_d^-2 (REML and ML) */
    double b_ml;    /* ML bias term b_ML (0 for REML) */
} lcm_sae_fit;

/* One fitted area. */
typedef struct lcm_sae_area {
    double synthetic; /* x_d' beta */
    double gamma;     /* A / (A + psi_d) */
    double eblup;     /* gamma y_d + (1 - gamma) x_d' beta */
    double g1, g2, g3;
    double mse; /* g1 + g2 + 2 g3 (REML), minus b_ML B_d^2 (ML) */
} lcm_sae_area;

/* Fit the model to m areas: y (m direct estimates), psi (m design variances, each > 0 and
 * finite), X (m rows of p covariates, row-major, the intercept column included by the
 * caller). out gets m areas (may be NULL). LCM_INVAL when m <= p or an input is not finite
 * or psi <= 0, LCM_NUMERIC when X'V^-1 X is singular (a covariate constant over the areas or
 * a combination of others), LCM_NOCONVERGE; err (may be NULL) gets a sentence. */
lcm_status lcm_sae_fh_fit(size_t m, size_t p, const double *y, const double *psi, const double *X,
                          const lcm_sae_opts *opts, lcm_sae_fit *fit, lcm_sae_area *out, char *err,
                          size_t errlen);

/* The synthetic estimate x' beta of an area outside the fit and its MSE A + x' cov x. */
void lcm_sae_fh_synthetic(const lcm_sae_fit *fit, size_t p, const double *x, double *estimate,
                          double *mse);

#endif
