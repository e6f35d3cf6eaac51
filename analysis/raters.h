/*
 * raters.h - agreement between reviewers who rate the same targets (issue 16, docs/ratings.md):
 * the intraclass correlations ICC(2,1) and ICC(2,k) (two-way random effects, absolute
 * agreement, Shrout & Fleiss 1979) with the F-based confidence intervals of McGraw & Wong
 * (1996) exactly as psych::ICC computes them (lmer = FALSE); Krippendorff's alpha for ordinal
 * data from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's alpha-
 * reliability") with a seeded bootstrap interval over units; and reviewer severity as additive
 * reviewer effects fitted by least squares over a crossed target x reviewer design.
 *
 * Reference values: tests/r/ratings_reference.R (psych::ICC; alpha written from the published
 * formulas; lm() with sum-to-zero contrasts for the effects).
 */
#ifndef LCM_RATERS_H
#define LCM_RATERS_H

#include <stddef.h>

#include "status.h"

typedef struct lcm_icc {
    size_t n, k;           /* complete targets used, raters */
    double msb, msj, mse;  /* mean squares: targets (between), judges, residual */
    double icc1, lo1, hi1; /* ICC(2,1) and its confidence interval */
    double icck, lok, hik; /* ICC(2,k) */
    double f, df1, df2;    /* F = MSB/MSE on (n-1, (n-1)(k-1)) */
} lcm_icc;

/* ICC(2,1) and ICC(2,k) of the n x k matrix x (column-major: target i, rater j at x[j*n+i]).
 * Rows with a missing (NaN) value are dropped first, as psych::ICC's na.omit; conf is the
 * confidence level (0.95). LCM_INVAL with k < 2 or fewer than 2 complete rows; LCM_NUMERIC when
 * every value is the same (no variance: the ratio is undefined). */
lcm_status lcm_raters_icc(const double *x, size_t n, size_t k, double conf, lcm_icc *out);

/* Krippendorff's alpha, ordinal metric, for n units rated by up to m coders: v[u*m + c] is the
 * value (1..nlev) coder c gave unit u, 0 when not rated. Units with fewer than 2 values are not
 * pairable and left out. LCM_INVAL without a pairable unit or with a value outside 1..nlev;
 * LCM_NUMERIC when every pairable value is the same (expected disagreement 0). */
lcm_status lcm_raters_kalpha(const int *v, size_t n, size_t m, int nlev, double *alpha);

/* Percentile bootstrap interval of the same alpha: B resamples of the units with replacement
 * drawn by GSL's mt19937 from seed (deterministic), each alpha recomputed; resamples where
 * alpha is undefined are skipped. lo, hi are the (1-conf)/2 and (1+conf)/2 quantiles (type 7). */
lcm_status lcm_raters_kalpha_ci(const int *v, size_t n, size_t m, int nlev, size_t B,
                                unsigned long seed, double conf, double *lo, double *hi);

/* Additive reviewer effects: y = mu + a[target] + b[rater] + e fitted by least squares over the
 * nobs ratings (target[i] < ntarget, rater[i] < nrater), with sum(b) = 0 over the raters that
 * rated anything. b[r] > 0 is a lenient reviewer (scores above what the targets explain),
 * b[r] < 0 a severe one; a rater without ratings gets NaN. The design must be connected (every
 * rater linked to every other through shared targets): LCM_INVAL otherwise. */
lcm_status lcm_raters_severity(const size_t *target, const size_t *rater, const double *y,
                               size_t nobs, size_t ntarget, size_t nrater, double *b);

#endif
