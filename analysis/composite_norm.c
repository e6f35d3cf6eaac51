/*
 * composite_norm.c - getting indicator columns onto a common scale: outlier check and
 * treatment (COINr's Treat), the normalisation methods of the Handbook (§5), target bands,
 * and the rescaling the geometric mean needs. Missing values (NaN) pass through untouched.
 */
#include "composite.h"
#include "message.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const norm_names[LCM_CI_NNORM] = {"minmax", "zscore", "goalposts", "target",
                                                     "rank"};

const char *lcm_ci_norm_name(lcm_ci_norm m) {
    return (unsigned)m < LCM_CI_NNORM ? norm_names[m] : "?";
}

int lcm_ci_norm_parse(const char *name) {
    for (int i = 0; i < LCM_CI_NNORM; i++)
        if (strcmp(name, norm_names[i]) == 0)
            return i;
    return -1;
}

void lcm_ci_skew_kurt(const double *x, size_t n, double *skew, double *kurt) {
    double m = 0, m2 = 0, m3 = 0, m4 = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            m += x[i], k++;
    *skew = *kurt = NAN;
    if (k < 4)
        return;
    m /= (double)k;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            double d = x[i] - m, d2 = d * d;
            m2 += d2, m3 += d2 * d, m4 += d2 * d2;
        }
    double v = m2 / (double)(k - 1), nk = (double)k; /* sample variance, n - 1 */
    if (!(v > 0))
        return;
    *skew = nk / ((nk - 1) * (nk - 2)) * m3 / pow(v, 1.5);
    *kurt = nk * (nk + 1) / ((nk - 1) * (nk - 2) * (nk - 3)) * m4 / (v * v) -
            3 * (nk - 1) * (nk - 1) / ((nk - 2) * (nk - 3));
}

static int outlying(double skew, double kurt) {
    return fabs(skew) > LCM_CI_SKEW_MAX && kurt > LCM_CI_KURT_MAX;
}

/* Replace every value equal to the extreme on one side by the next value inward; returns the
 * number of values changed (0 when all values are equal). */
static int winsorise_once(double *x, size_t n, int top) {
    double ext = top ? -INFINITY : INFINITY, next = top ? -INFINITY : INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && (top ? x[i] > ext : x[i] < ext))
            ext = x[i];
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && x[i] != ext && (top ? x[i] > next : x[i] < next))
            next = x[i];
    if (isinf(next))
        return 0;
    int changed = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] == ext)
            x[i] = next, changed++;
    return changed;
}

static void log_transform(double *x, size_t n, int positive_skew) {
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[i] = positive_skew ? log(x[i] - lo + 1) : -log(hi - x[i] + 1);
}

int lcm_ci_no_spread(const double *x, size_t n) {
    size_t first = n;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        if (first == n)
            first = i;
        else if (x[i] != x[first])
            return 0;
    }
    return first < n;
}

/* Number of distinct present values, counting no further than 3. */
static int distinct_upto3(const double *x, size_t n) {
    double seen[2];
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || (k > 0 && x[i] == seen[0]) || (k > 1 && x[i] == seen[1]))
            continue;
        if (k == 2)
            return 3;
        seen[k++] = x[i];
    }
    return k;
}

void lcm_ci_treat(double *x, size_t n, int winmax, lcm_ci_treatment *res) {
    memset(res, 0, sizeof *res);
    lcm_ci_skew_kurt(x, n, &res->skew, &res->kurt);
    res->skew2 = res->skew, res->kurt2 = res->kurt;
    if (!outlying(res->skew, res->kurt))
        return;
    res->outlier = 1;
    if (distinct_upto3(x, n) < 3)
        return; /* a two-valued column: no order-keeping treatment changes its skewness */
    int top = res->skew > 0;
    double *orig = malloc(n * sizeof *orig);
    if (orig)
        memcpy(orig, x, n * sizeof *x);
    /* Never winsorise down to one value: that would erase the column. */
    while (res->winsorised < winmax && outlying(res->skew2, res->kurt2) &&
           distinct_upto3(x, n) > 2) {
        int c = winsorise_once(x, n, top);
        if (!c)
            break;
        res->winsorised += c;
        lcm_ci_skew_kurt(x, n, &res->skew2, &res->kurt2);
    }
    if (outlying(res->skew2, res->kurt2) && orig) {
        /* Winsorising more would flatten too much of the tail: log keeps the order instead. */
        memcpy(x, orig, n * sizeof *x);
        log_transform(x, n, top);
        res->winsorised = 0, res->logged = 1;
        lcm_ci_skew_kurt(x, n, &res->skew2, &res->kurt2);
    }
    free(orig);
}

void lcm_ci_band_distance(const double *x, size_t n, double lo, double hi, double *out) {
    for (size_t i = 0; i < n; i++)
        out[i] = isnan(x[i]) ? NAN : x[i] < lo ? lo - x[i] : x[i] > hi ? x[i] - hi : 0.0;
}

/* Present values copied and sorted into buf; returns their count. */
static size_t sorted_present(const double *x, size_t n, double *buf) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            buf[k++] = x[i];
    gsl_sort(buf, 1, k);
    return k;
}

/* Average rank of v among the k sorted values (ties get the mean of their positions). */
static double average_rank(const double *sorted, size_t k, double v) {
    size_t lo = 0, hi = k;
    while (lo < hi) { /* first index with sorted[i] >= v */
        size_t mid = (lo + hi) / 2;
        if (sorted[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < k && sorted[end] == v)
        end++;
    return (double)(lo + 1 + end) / 2.0; /* mean of positions lo+1 .. end */
}

/* A column with no spread: its score where a fixed scale gives one (goalposts, fixed, a met
 * explicit target), else NaN (docs/scores.md). */
static double constant_score(double v, const lcm_ci_normspec *s) {
    int flip = s->lower_better;
    switch (s->method) {
    case LCM_CI_GOALPOSTS:
        return fmin(1, fmax(0, (flip ? s->hi - v : v - s->lo) / (s->hi - s->lo))) * 100;
    case LCM_CI_TARGET:
        return !isnan(s->target) && (flip ? v <= s->target : v >= s->target) ? 100 : NAN;
    default:
        return NAN;
    }
}

static void scale_column(const double *x, size_t n, const lcm_ci_normspec *s, const double *sorted,
                         size_t k, double *out) {
    double min = sorted[0], max = sorted[k - 1];
    if (s->fixed && s->method != LCM_CI_ZSCORE) { /* yes/no: 1 is 100, 0 is 0, always */
        lcm_ci_normspec g = *s;
        g.method = LCM_CI_GOALPOSTS;
        for (size_t i = 0; i < n; i++)
            out[i] = isnan(x[i]) ? NAN : constant_score(x[i], &g);
        return;
    }
    if (!(max > min)) {
        for (size_t i = 0; i < n; i++)
            out[i] = isnan(x[i]) ? NAN : constant_score(x[i], s);
        return;
    }
    double mean = gsl_stats_mean(sorted, 1, k), sd = gsl_stats_sd(sorted, 1, k);
    double t = s->target;
    if (isnan(t))
        t = gsl_stats_quantile_from_sorted_data(sorted, 1, k, s->lower_better ? 0.1 : 0.9);
    for (size_t i = 0; i < n; i++) {
        double v = x[i], r;
        if (isnan(v)) {
            out[i] = NAN;
            continue;
        }
        int flip = s->lower_better;
        switch (s->method) {
        case LCM_CI_MINMAX:
            r = (flip ? max - v : v - min) / (max - min) * 100;
            break;
        case LCM_CI_ZSCORE:
            r = (flip ? mean - v : v - mean) / sd;
            break;
        case LCM_CI_GOALPOSTS:
            r = fmin(1, fmax(0, (flip ? s->hi - v : v - s->lo) / (s->hi - s->lo))) * 100;
            break;
        case LCM_CI_TARGET: {
            double num = flip ? max - v : v - min, den = flip ? max - t : t - min;
            r = den > 0 ? fmin(1, num / den) * 100 : 100; /* target at the worst value */
            break;
        }
        default: { /* LCM_CI_RANK */
            double rk = average_rank(sorted, k, v);
            r = (flip ? (double)k - rk : rk - 1) / (double)(k - 1) * 100;
        }
        }
        out[i] = r;
    }
}

lcm_status lcm_ci_normalise(const double *x, size_t n, const lcm_ci_normspec *spec, double *out,
                            char *err, size_t errlen) {
    if ((unsigned)spec->method >= LCM_CI_NNORM) {
        lcm__an_msg(err, errlen, "unknown normalisation method %d", (int)spec->method);
        return LCM_INVAL;
    }
    if ((spec->method == LCM_CI_GOALPOSTS || spec->fixed) && !(spec->lo < spec->hi)) {
        lcm__an_msg(err, errlen, "goalposts need L < U, got %g and %g", spec->lo, spec->hi);
        return LCM_INVAL;
    }
    double *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return LCM_NOMEM;
    size_t k = sorted_present(x, n, sorted);
    if (k == 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = NAN;
    } else {
        scale_column(x, n, spec, sorted, k, out);
    }
    free(sorted);
    return LCM_OK;
}

void lcm_ci_geom_rescale(double *x, size_t n, lcm_ci_norm method) {
    if (method != LCM_CI_ZSCORE) {
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i]))
                x[i] = 1 + 0.99 * x[i];
        return;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[i] = hi > lo ? 1 + 99 * (x[i] - lo) / (hi - lo) : 50.5;
}
