/*
 * compare.h - comparing design-based estimates (docs/compare.md): the full covariance of
 * domain estimates from one design, linear contrasts of them with design df (R's svyby +
 * svycontrast), the design-based t-test of a difference in means (R's svyttest), Rao-Scott
 * corrected chi-square tests of independence in a two-way table (R's svychisq, statistic "F"
 * and "Chisq"), and Holm / Benjamini-Hochberg adjustment of p-values (R's p.adjust).
 *
 * Arrays in, results out, like svy.h: every variance goes through the same Taylor code as
 * lcm_svy_estimate (fpc at both stages, lonely-PSU policy, calibration residuals) or the
 * design's replicate weights, so a contrast with one coefficient 1 has exactly the variance
 * lcm_svy_estimate gives that domain.
 */
#ifndef LCM_COMPARE_H
#define LCM_COMPARE_H

#include "svy.h"

/* ---- linearised estimates and their linear combinations ------------------------------ */

/* The estimates of nvar variables in every domain of one grouping ("components", laid out
 * [domain][variable] as lcm_svy_estimate lays them out) with what their joint covariance
 * needs: each component's linearised totals per variance unit, its calibration right-hand
 * side, or its replicate estimates. */
typedef struct lcm_svy_lin lcm_svy_lin;

/* Estimate vars for every domain of by (one grouping) into est (ndom * nvar slots, as
 * lcm_svy_estimate) and keep the linearisation in *out (the caller's, lcm_svy_lin_free).
 * Errors as lcm_svy_estimate. */
lcm_status lcm_svy_lin_new(const lcm_svy_design *d, const lcm_svy_var *vars, size_t nvar,
                           const lcm_svy_by *by, lcm_svy_est *est, lcm_svy_lin **out, char *err,
                           size_t errlen);
size_t lcm_svy_lin_count(const lcm_svy_lin *L);
void lcm_svy_lin_free(lcm_svy_lin *L);

/* A linear combination sum_k c_k theta_k of the components and its test against 0. */
typedef struct lcm_svy_contrast {
    double estimate; /* sum c_k theta_k; NaN when a component with c_k != 0 has no estimate */
    double se, var;  /* var = c' V c, from the combined linearised totals (or replicates) */
    double df;       /* design df of the rows behind it: PSUs - strata holding rows of any
                        component with c_k != 0 (replicates: rank of their weights - 1) */
    double t, p;     /* estimate / se and the two-sided p-value from Student's t on df */
} lcm_svy_contrast;

/* The contrast with coefficients coef[0..count) (R's svycontrast on svyby(covmat=TRUE)).
 * Errors: LCM_INVAL for no nonzero coefficient, LCM_DESIGN from the lonely-PSU policy. */
lcm_status lcm_svy_lin_contrast(const lcm_svy_lin *L, const double *coef, lcm_svy_contrast *out,
                                char *err, size_t errlen);

/* The count x count covariance matrix of the components (row-major), each entry
 * (V(e_i + e_j) - V(e_i) - V(e_j)) / 2 by the same variance code; 0 for two domains that
 * share no stratum in a Taylor design. */
lcm_status lcm_svy_lin_cov(const lcm_svy_lin *L, double *cov, char *err, size_t errlen);

/* ---- tests --------------------------------------------------------------------------- */

/* Design-based t-test of the difference in means between two groups, as R's
 * svyttest(y ~ g): mean(group 1) - mean(group 0), its linearised SE, t on the df of the
 * regression, degf(complete rows) - 1, and a t interval at level. */
typedef struct lcm_svy_ttest {
    double diff, se, t, df, p, ci_low, ci_high;
    double mean[2];  /* the two group means */
    size_t nrows[2]; /* rows behind them */
} lcm_svy_ttest;

/* y: n values (NaN missing); group: n ids 0 or 1 (-1 missing). LCM_INVAL when a group has
 * no row. */
lcm_status lcm_svy_ttest_run(const lcm_svy_design *d, const double *y, const int32_t *group,
                             double level, lcm_svy_ttest *out, char *err, size_t errlen);

/* Each group of a grouping against the rest of its area (each group of age band against the
 * other residents of the same city): R's svyttest(y ~ I(group == g), subset(design,
 * area == a)) for every (area, group) from ONE pass. The rest's mean is a ratio of the other
 * groups' weighted sums; its linearisation sum_l (W_l/W_rest) infl(mean_l) + sum_l
 * ((mean_l - mean_rest)/W_rest) infl(W_l) is a linear combination of the components
 * [mean of y, sum of weights] of every (area, group) domain, so the variance is exact for a
 * linearised (calibrated or not) design; with replicate weights it is the replicates' variance
 * of that linearisation. */
typedef struct lcm_svy_gap {
    double mean_group, mean_rest;         /* NaN when the side has no answered row */
    double diff;                          /* mean_group - mean_rest */
    double se, t, df, p, ci_low, ci_high; /* df = degf(the area's answered rows) - 1 */
    size_t n_group, n_rest;
} lcm_svy_gap;

/* y: n values (NaN missing); area: n ids in [0, narea) or -1; group: n ids in [0, ngroup)
 * or -1. out: narea * ngroup results, [area][group]. */
lcm_status lcm_svy_gaps(const lcm_svy_design *d, const double *y, const int32_t *area, size_t narea,
                        const int32_t *group, size_t ngroup, double level, lcm_svy_gap *out,
                        char *err, size_t errlen);

/* Tests only: the sums a chunk of areas may hold in lcm_svy_gaps (0 = the default). */
void lcm__svy_gaps_budget(size_t doubles);

/* Rao-Scott tests of independence in the weighted two-way table of row x col, as R's
 * svychisq(~row + col, design) computes them. */
typedef struct lcm_svy_chisq {
    size_t nr, nc;        /* levels present in the data (R's unique() of each column) */
    double pearson;       /* Pearson X^2 of the weighted table scaled to N = all rows */
    double trace, trace2; /* tr(Delta), tr(Delta^2): the generalised design effects */
    /* statistic = "F": second-order correction, F = X^2 / tr(Delta) on d0 and d0 * nu df,
       d0 = tr(Delta)^2 / tr(Delta^2), nu = PSUs - strata of the design */
    double f, ndf, ddf, p_f;
    /* statistic = "Chisq": first-order correction, X^2 / mean(diag(Delta)) against
       chi-square on (nr - 1)(nc - 1) df (R prints X^2 itself as the statistic) */
    double chisq_adj, df_chisq, p_chisq;
} lcm_svy_chisq;

/* row, col: n ids in [0, nr) and [0, nc) or -1 (missing); levels with no row anywhere are
 * dropped as R's unique() drops them. LCM_INVAL for fewer than two levels of either,
 * LCM_NUMERIC when the design-effect matrix is singular. */
lcm_status lcm_svy_chisq_run(const lcm_svy_design *d, const int32_t *row, size_t nr,
                             const int32_t *col, size_t nc, lcm_svy_chisq *out, char *err,
                             size_t errlen);

/* ---- multiple comparisons ------------------------------------------------------------ */

typedef enum lcm_padjust { LCM_PADJ_NONE, LCM_PADJ_HOLM, LCM_PADJ_BH } lcm_padjust;

/* R's p.adjust(p, method): NaN p-values are left out (and stay NaN), n = the others. */
lcm_status lcm_p_adjust(const double *p, size_t n, lcm_padjust method, double *out);

#endif
