/*
 * composite_audit.c - the statistics around a composite that are not the composite itself:
 * correlations of an indicator with its aggregate (Handbook §7 audit), peer-group medians for
 * strengths and weaknesses, and imputation of missing values within a peer group when the
 * analyst asks for it (docs/methods.md §4.1: every imputed value flagged).
 */
#include "composite.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

double lcm_ci_correlation(const double *x, const double *y, size_t n) {
    double mx = 0, my = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i]))
            mx += x[i], my += y[i], k++;
    if (k < 3)
        return NAN;
    mx /= (double)k, my /= (double)k;
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) {
            double dx = x[i] - mx, dy = y[i] - my;
            sxx += dx * dx, syy += dy * dy, sxy += dx * dy;
        }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

double lcm_ci_group_median(const double *x, const int *group, int g, size_t n, double *scratch) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && (!group || group[i] == g))
            scratch[k++] = x[i];
    if (k == 0)
        return NAN;
    gsl_sort(scratch, 1, k);
    return gsl_stats_median_from_sorted_data(scratch, 1, k);
}

static double group_centre(const double *x, const int *group, int g, size_t n, lcm_ci_impute how,
                           double *scratch) {
    if (how == LCM_CI_IMPUTE_MEDIAN)
        return lcm_ci_group_median(x, group, g, n, scratch);
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && (!group || group[i] == g))
            s += x[i], k++;
    return k ? s / (double)k : NAN;
}

long lcm_ci_impute_column(double *x, size_t n, const int *group, lcm_ci_impute how, int *imputed) {
    double *scratch = malloc((n ? n : 1) * sizeof *scratch);
    double *fill = malloc((n ? n : 1) * sizeof *fill);
    long filled = 0;
    if (!scratch || !fill) {
        free(scratch), free(fill);
        return -1;
    }
    /* Centres from the observed values only: a value filled earlier must not feed another. */
    for (size_t i = 0; i < n; i++)
        fill[i] = isnan(x[i]) ? group_centre(x, group, group ? group[i] : 0, n, how, scratch) : NAN;
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i]) && !isnan(fill[i])) {
            x[i] = fill[i], imputed[i] = 1;
            filled++;
        }
    free(scratch), free(fill);
    return filled;
}
