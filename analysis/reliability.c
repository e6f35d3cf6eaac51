/*
 * reliability.c - Cronbach's alpha, the satisfaction index with top-2-box, and the
 * importance-performance analysis of satisfaction items. Unweighted alpha follows the
 * textbook formula (as R's psych::alpha raw_alpha on complete cases).
 */
#include "reliability.h"

#include "composite.h"

#include <math.h>
#include <stdlib.h>

static int complete_row(const double *x, size_t n, size_t k, size_t i) {
    for (size_t j = 0; j < k; j++)
        if (isnan(x[j * n + i]))
            return 0;
    return 1;
}

/* Sample variance (n - 1) of column j (or of the row totals when j == k) over complete rows. */
static double column_var(const double *x, size_t n, size_t k, size_t j, size_t rows) {
    double m = 0, ss = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            if (!complete_row(x, n, k, i))
                continue;
            double v = 0;
            if (j < k)
                v = x[j * n + i];
            else
                for (size_t c = 0; c < k; c++)
                    v += x[c * n + i];
            if (pass == 0)
                m += v / (double)rows;
            else
                ss += (v - m) * (v - m);
        }
    return ss / (double)(rows - 1);
}

lcm_status lcm_rel_alpha(const double *x, size_t n, size_t k, double *alpha) {
    *alpha = NAN;
    size_t rows = 0;
    for (size_t i = 0; i < n; i++)
        rows += complete_row(x, n, k, i);
    if (k < 2 || rows < 2)
        return LCM_INVAL;
    double items = 0;
    for (size_t j = 0; j < k; j++)
        items += column_var(x, n, k, j, rows);
    double total = column_var(x, n, k, k, rows);
    if (!(total > 0))
        return LCM_NUMERIC;
    *alpha = (double)k / (double)(k - 1) * (1 - items / total);
    return LCM_OK;
}

lcm_status lcm_rel_satisfaction(const double *x, const double *w, size_t n, int k, double *index,
                                double *top2) {
    double sw = 0, swx = 0, stop = 0;
    *index = *top2 = NAN;
    if (k < 2)
        return LCM_INVAL;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        if (x[i] < 1 || x[i] > k || x[i] != floor(x[i]))
            return LCM_INVAL;
        double wi = w ? w[i] : 1;
        sw += wi, swx += wi * x[i];
        stop += x[i] >= k - 1 ? wi : 0;
    }
    if (!(sw > 0))
        return LCM_INVAL;
    *index = (swx / sw - 1) / (k - 1) * 100;
    *top2 = stop / sw * 100;
    return LCM_OK;
}

static double mean_present(const double *x, size_t m) {
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (!isnan(x[i]))
            s += x[i], k++;
    return k ? s / (double)k : NAN;
}

void lcm_rel_ipa(const double *importance, const double *performance, size_t m, int *quadrant) {
    double mi = mean_present(importance, m), mp = mean_present(performance, m);
    for (size_t i = 0; i < m; i++) {
        if (isnan(importance[i]) || isnan(performance[i])) {
            quadrant[i] = -1;
            continue;
        }
        int high_imp = importance[i] >= mi, high_perf = performance[i] >= mp;
        quadrant[i] = high_imp ? (high_perf ? LCM_IPA_KEEP_UP : LCM_IPA_CONCENTRATE)
                               : (high_perf ? LCM_IPA_OVERKILL : LCM_IPA_LOW_PRIORITY);
    }
}

void lcm_rel_derived_importance(const double *items, const double *y, size_t n, size_t k,
                                double *importance) {
    for (size_t j = 0; j < k; j++)
        importance[j] = lcm_ci_correlation(items + j * n, y, n);
}
