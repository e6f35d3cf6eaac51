/*
 * trend.c - trend statistics over the years of one indicator and one city. The series are
 * short (a handful of monitoring years), so the pairwise Mann-Kendall/Sen computations are
 * done directly; the p-values use GSL's t and normal tails.
 */
#include "trend.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

void lcm_trend_yoy(double y0, double y1, double *diff, double *rel) {
    *diff = y1 - y0;
    *rel = y0 != 0 ? (y1 - y0) / fabs(y0) * 100 : NAN;
}

double lcm_trend_cagr(const double *t, const double *y, size_t n) {
    size_t first = n, last = n;
    for (size_t i = 0; i < n; i++) {
        if (isnan(y[i]))
            continue;
        if (first == n || t[i] < t[first])
            first = i;
        if (last == n || t[i] > t[last])
            last = i;
    }
    if (first == n || !(t[last] > t[first]) || !(y[first] > 0) || !(y[last] > 0))
        return NAN;
    return pow(y[last] / y[first], 1 / (t[last] - t[first])) - 1;
}

lcm_status lcm_trend_ols_fit(const double *t, const double *y, size_t n, lcm_trend_ols *out) {
    double mt = 0, my = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(y[i]))
            mt += t[i], my += y[i], k++;
    *out = (lcm_trend_ols){.n = k, .slope = NAN, .se = NAN, .t = NAN, .p = NAN, .intercept = NAN};
    if (k < LCM_TREND_OLS_MIN_N)
        return LCM_INVAL;
    mt /= (double)k, my /= (double)k;
    double stt = 0, sty = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(y[i]))
            stt += (t[i] - mt) * (t[i] - mt), sty += (t[i] - mt) * (y[i] - my);
    if (!(stt > 0))
        return LCM_INVAL;
    out->slope = sty / stt;
    out->intercept = my - out->slope * mt;
    double rss = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(y[i])) {
            double e = y[i] - out->intercept - out->slope * t[i];
            rss += e * e;
        }
    out->se = sqrt(rss / (double)(k - 2) / stt);
    /* Rounding leaves a perfect line with a residual of ~1e-30, not 0: treat that as 0. */
    if (out->se <= 1e-12 * fabs(out->slope)) {
        out->se = 0, out->t = out->slope != 0 ? INFINITY : NAN, out->p = out->slope != 0 ? 0 : 1;
        return LCM_OK;
    }
    out->t = out->slope / out->se;
    out->p = 2 * gsl_cdf_tdist_Q(fabs(out->t), (double)(k - 2));
    return LCM_OK;
}

typedef struct point {
    double t, y;
} point;

static int by_year(const void *a, const void *b) {
    double x = ((const point *)a)->t, z = ((const point *)b)->t;
    return (x > z) - (x < z);
}

/* Tie correction of Var(S): sum over groups of equal values of g(g-1)(2g+5). */
static double tie_term(const point *p, size_t k, double *scratch) {
    for (size_t i = 0; i < k; i++)
        scratch[i] = p[i].y;
    gsl_sort(scratch, 1, k);
    double term = 0;
    for (size_t i = 0; i < k;) {
        size_t j = i;
        while (j < k && scratch[j] == scratch[i])
            j++;
        double g = (double)(j - i);
        term += g * (g - 1) * (2 * g + 5);
        i = j;
    }
    return term;
}

static void mk_from_points(const point *p, size_t k, double *slopes, lcm_trend_mk *out) {
    size_t m = 0;
    double s = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++) {
            double d = p[j].y - p[i].y;
            s += (d > 0) - (d < 0);
            slopes[m++] = d / (p[j].t - p[i].t);
        }
    double kk = (double)k;
    out->s = s;
    out->var_s = (kk * (kk - 1) * (2 * kk + 5) - tie_term(p, k, slopes + m)) / 18;
    out->z = out->var_s > 0 ? (s > 0 ? s - 1 : s < 0 ? s + 1 : 0) / sqrt(out->var_s) : 0;
    out->p = 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
    gsl_sort(slopes, 1, m);
    out->sen = gsl_stats_median_from_sorted_data(slopes, 1, m);
}

lcm_status lcm_trend_mann_kendall(const double *t, const double *y, size_t n, lcm_trend_mk *out) {
    *out = (lcm_trend_mk){.s = NAN, .var_s = NAN, .z = NAN, .p = NAN, .sen = NAN};
    point *p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
        return LCM_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(y[i]))
            p[k++] = (point){t[i], y[i]};
    out->n = k;
    qsort(p, k, sizeof *p, by_year);
    lcm_status st = k < LCM_TREND_MK_MIN_N ? LCM_INVAL : LCM_OK;
    for (size_t i = 1; st == LCM_OK && i < k; i++)
        if (p[i].t == p[i - 1].t)
            st = LCM_INVAL;
    double *slopes = NULL;
    if (st == LCM_OK && !(slopes = malloc((k * (k - 1) / 2 + k) * sizeof *slopes)))
        st = LCM_NOMEM;
    if (st == LCM_OK)
        mk_from_points(p, k, slopes, out);
    free(slopes);
    free(p);
    return st;
}

void lcm_trend_wave_change(double e1, double se1, double e2, double se2, lcm_trend_change *out) {
    out->diff = e2 - e1;
    out->se = sqrt(se1 * se1 + se2 * se2);
    out->z = out->se > 0 ? out->diff / out->se : NAN;
    out->p = out->se > 0 ? 2 * gsl_cdf_ugaussian_Q(fabs(out->z)) : NAN;
    double h = gsl_cdf_ugaussian_Pinv(0.975) * out->se;
    out->lo = out->diff - h, out->hi = out->diff + h;
}
