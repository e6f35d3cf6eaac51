/*
 * trend.h - how an indicator moves across years (docs/methods.md §5): year-over-year change,
 * compound annual growth, the OLS slope with its SE and p-value, the Mann-Kendall trend test
 * with Sen's slope, and the change of a survey estimate between two waves with its SE.
 *
 * Series are (year, value) pairs in any order of years, NaN values skipped. Nothing here
 * prints or allocates beyond what it documents.
 */
#ifndef LCM_TREND_H
#define LCM_TREND_H

#include <stddef.h>

#include "status.h"

/* Fewest years each statistic is reported for: a slope's SE needs a residual degree of
 * freedom; Mann-Kendall's smallest two-sided p with 3 years is 0.30, so it says nothing
 * before 4. */
#define LCM_TREND_OLS_MIN_N 3
#define LCM_TREND_MK_MIN_N 4

/* Change from the previous year: diff = y1 - y0 (percentage points for a rate) and
 * rel = (y1 - y0)/|y0| * 100 (NaN when y0 is 0). */
void lcm_trend_yoy(double y0, double y1, double *diff, double *rel);

/* Compound annual growth rate between the first and last year with a value:
 * (y_last/y_first)^(1/(t_last - t_first)) - 1. NaN unless both are > 0 and years differ. */
double lcm_trend_cagr(const double *t, const double *y, size_t n);

typedef struct lcm_trend_ols {
    size_t n;         /* values used */
    double slope, se; /* per year */
    double t, p;      /* t = slope/se on n - 2 df, two-sided p */
    double intercept;
} lcm_trend_ols;

/* Least-squares line through the present points. LCM_INVAL with fewer than
 * LCM_TREND_OLS_MIN_N values or a single distinct year. A perfect fit has se 0 and p 0. */
lcm_status lcm_trend_ols_fit(const double *t, const double *y, size_t n, lcm_trend_ols *out);

typedef struct lcm_trend_mk {
    size_t n;
    double s;     /* Mann-Kendall S = sum over pairs of sign(y_j - y_i), by increasing year */
    double var_s; /* its variance with the tie correction */
    double z, p;  /* continuity-corrected normal score and two-sided p (as R trend::mk.test) */
    double sen;   /* Sen's slope: median of the pairwise slopes */
} lcm_trend_mk;

/* Mann-Kendall test and Sen's slope. LCM_INVAL with fewer than LCM_TREND_MK_MIN_N values or
 * repeated years; LCM_NOMEM. */
lcm_status lcm_trend_mann_kendall(const double *t, const double *y, size_t n, lcm_trend_mk *out);

typedef struct lcm_trend_change {
    double diff, se; /* e2 - e1 and sqrt(se1^2 + se2^2) (independent samples) */
    double z, p;     /* diff/se and its two-sided normal p (NaN when se is 0) */
    double lo, hi;   /* 95% normal interval */
} lcm_trend_change;

/* Change of an estimate between two independent survey waves. */
void lcm_trend_wave_change(double e1, double se1, double e2, double se2, lcm_trend_change *out);

#endif
