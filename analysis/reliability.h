/*
 * reliability.h - scales built from several rated items: Cronbach's alpha (docs/methods.md §4.8,
 * per indicator group in the audit and per city for the satisfaction items of point 4.2), the
 * satisfaction index of a k-point item with its top-2-box share (§5), and the
 * importance-performance quadrants of the satisfaction items.
 *
 * Item matrices are column-major (x[j * n + i]: respondent or unit i on item j), NaN missing.
 */
#ifndef LCM_RELIABILITY_H
#define LCM_RELIABILITY_H

#include <stddef.h>

#include "status.h"

/* Cronbach's alpha = k/(k-1) * (1 - sum of item variances / variance of the total), over the
 * rows with every item present (variances with n - 1). LCM_INVAL with k < 2 or fewer than 2
 * complete rows; LCM_NUMERIC when the total has no variance. */
lcm_status lcm_rel_alpha(const double *x, size_t n, size_t k, double *alpha);

/* Satisfaction on a k-point item (1 = worst, k = best) from the n answers (NaN skipped) with
 * optional weights w (NULL = 1): index = (weighted mean - 1)/(k - 1) * 100 and top-2-box =
 * weighted share of answers k - 1 or k, * 100. LCM_INVAL with k < 2, no answers, or an answer
 * outside 1..k. */
lcm_status lcm_rel_satisfaction(const double *x, const double *w, size_t n, int k, double *index,
                                double *top2);

/* Importance-performance quadrants, split at the grand means of importance and performance. */
typedef enum lcm_rel_quadrant {
    LCM_IPA_CONCENTRATE,  /* important, performing below average: concentrate here */
    LCM_IPA_KEEP_UP,      /* important, performing above average: keep up the good work */
    LCM_IPA_LOW_PRIORITY, /* less important, below average: low priority */
    LCM_IPA_OVERKILL      /* less important, above average: possible overkill */
} lcm_rel_quadrant;

/* Quadrant of each of the m items (NaN importance or performance: -1). A value equal to the
 * grand mean counts as high. */
void lcm_rel_ipa(const double *importance, const double *performance, size_t m, int *quadrant);

/* Derived importance: the correlation of each of the k item columns with the overall
 * satisfaction y over the n respondents where both are present (NaN when undefined). */
void lcm_rel_derived_importance(const double *items, const double *y, size_t n, size_t k,
                                double *importance);

#endif
