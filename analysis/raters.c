/*
 * raters.c - agreement between reviewers: ICC(2,1)/ICC(2,k), Krippendorff's ordinal alpha and
 * additive reviewer severity (see raters.h; reference: tests/r/ratings_reference.R).
 */
#include "raters.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- ICC: two-way ANOVA of the complete rows, intervals as psych::ICC ---- */

lcm_status lcm_raters_icc(const double *x, size_t n, size_t k, double conf, lcm_icc *out) {
    memset(out, 0, sizeof *out);
    out->icc1 = out->lo1 = out->hi1 = out->icck = out->lok = out->hik = NAN;
    if (k < 2 || !(conf > 0 && conf < 1))
        return LCM_INVAL;
    char *keep = malloc(n + 1);
    double *col = calloc(k, sizeof *col);
    if (!keep || !col) {
        free(keep), free(col);
        return LCM_NOMEM;
    }
    size_t m = 0;
    double grand = 0;
    for (size_t i = 0; i < n; i++) {
        keep[i] = 1;
        for (size_t j = 0; j < k; j++)
            if (isnan(x[j * n + i]))
                keep[i] = 0;
        if (!keep[i])
            continue;
        m++;
        for (size_t j = 0; j < k; j++)
            col[j] += x[j * n + i], grand += x[j * n + i];
    }
    if (m < 2) {
        free(keep), free(col);
        return LCM_INVAL;
    }
    double dn = (double)m, dk = (double)k;
    grand /= dn * dk;
    double ssb = 0, ssj = 0, sst = 0;
    for (size_t j = 0; j < k; j++)
        ssj += (col[j] / dn - grand) * (col[j] / dn - grand);
    ssj *= dn;
    for (size_t i = 0; i < n; i++) {
        if (!keep[i])
            continue;
        double row = 0;
        for (size_t j = 0; j < k; j++) {
            double d = x[j * n + i] - grand;
            row += x[j * n + i], sst += d * d;
        }
        ssb += (row / dk - grand) * (row / dk - grand);
    }
    free(keep), free(col);
    ssb *= dk;
    out->n = m, out->k = k;
    if (!(sst > 0))
        return LCM_NUMERIC;
    double sse = fmax(0, sst - ssb - ssj);
    double msb = ssb / (dn - 1), msj = ssj / (dk - 1), mse = sse / ((dn - 1) * (dk - 1));
    out->msb = msb, out->msj = msj, out->mse = mse;
    out->df1 = dn - 1, out->df2 = (dn - 1) * (dk - 1);
    out->f = msb / mse;
    double icc = (msb - mse) / (msb + (dk - 1) * mse + dk * (msj - mse) / dn);
    out->icc1 = icc;
    out->icck = (msb - mse) / (msb + (msj - mse) / dn);
    /* McGraw & Wong (1996) case 2A, as psych::ICC: Satterthwaite df v for the denominator */
    double a = 1 - conf, fj = msj / mse;
    double base = dn * (1 + (dk - 1) * icc) - dk * icc;
    double vn = (dk - 1) * (dn - 1) * (dk * icc * fj + base) * (dk * icc * fj + base);
    double vd = (dn - 1) * dk * dk * icc * icc * fj * fj + base * base;
    double v = vn / vd;
    if (isfinite(v) && v > 0) {
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        double fu = gsl_cdf_fdist_Qinv(a / 2, dn - 1, v);
        double fl = gsl_cdf_fdist_Qinv(a / 2, v, dn - 1);
        gsl_set_error_handler(old);
        double cm = dk * msj + (dk * dn - dk - dn) * mse;
        double lo = dn * (msb - fu * mse) / (fu * cm + dn * msb);
        double hi = dn * (fl * msb - mse) / (cm + dn * fl * msb);
        out->lo1 = lo, out->hi1 = hi;
        out->lok = lo * dk / (1 + lo * (dk - 1));
        out->hik = hi * dk / (1 + hi * (dk - 1));
    }
    return LCM_OK;
}

/* ---- Krippendorff's alpha, ordinal metric ---- */

/* alpha of the units listed in pick (n of them; pick NULL = 0..n-1), with o a nlev*nlev
 * scratch coincidence matrix. */
static lcm_status kalpha(const int *v, const size_t *pick, size_t n, size_t m, int nlev, double *o,
                         double *alpha) {
    size_t L = (size_t)nlev;
    memset(o, 0, L * L * sizeof *o);
    int pairable = 0;
    for (size_t p = 0; p < n; p++) {
        const int *u = v + (pick ? pick[p] : p) * m;
        size_t mu = 0;
        for (size_t c = 0; c < m; c++)
            mu += u[c] != 0;
        if (mu < 2)
            continue;
        pairable = 1;
        for (size_t c = 0; c < m; c++)
            for (size_t d = 0; d < m; d++)
                if (c != d && u[c] && u[d])
                    o[(size_t)(u[c] - 1) * L + (size_t)(u[d] - 1)] += 1.0 / (double)(mu - 1);
    }
    if (!pairable)
        return LCM_INVAL;
    double nc[64], total = 0;
    for (size_t c = 0; c < L; c++) {
        nc[c] = 0;
        for (size_t k = 0; k < L; k++)
            nc[c] += o[c * L + k];
        total += nc[c];
    }
    double dobs = 0, dexp = 0;
    for (size_t c = 0; c < L; c++)
        for (size_t k = c + 1; k < L; k++) {
            double s = 0; /* ordinal metric: sum of n_g for g = c..k, less half the ends */
            for (size_t g = c; g <= k; g++)
                s += nc[g];
            s -= (nc[c] + nc[k]) / 2;
            dobs += o[c * L + k] * s * s;
            dexp += nc[c] * nc[k] * s * s;
        }
    if (!(dexp > 0))
        return LCM_NUMERIC;
    *alpha = 1 - (total - 1) * dobs / dexp;
    return LCM_OK;
}

static lcm_status check_values(const int *v, size_t n, size_t m, int nlev) {
    if (nlev < 2 || nlev > 64)
        return LCM_INVAL;
    for (size_t i = 0; i < n * m; i++)
        if (v[i] < 0 || v[i] > nlev)
            return LCM_INVAL;
    return LCM_OK;
}

lcm_status lcm_raters_kalpha(const int *v, size_t n, size_t m, int nlev, double *alpha) {
    *alpha = NAN;
    lcm_status st = check_values(v, n, m, nlev);
    if (st != LCM_OK)
        return st;
    double *o = malloc((size_t)nlev * (size_t)nlev * sizeof *o);
    if (!o)
        return LCM_NOMEM;
    st = kalpha(v, NULL, n, m, nlev, o, alpha);
    free(o);
    return st;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile7(const double *s, size_t n, double p) {
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    return lo + 1 < n ? s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]) : s[n - 1];
}

lcm_status lcm_raters_kalpha_ci(const int *v, size_t n, size_t m, int nlev, size_t B,
                                unsigned long seed, double conf, double *lo, double *hi) {
    *lo = *hi = NAN;
    lcm_status st = check_values(v, n, m, nlev);
    if (st != LCM_OK || n == 0 || B < 2 || !(conf > 0 && conf < 1))
        return st != LCM_OK ? st : LCM_INVAL;
    double *o = malloc((size_t)nlev * (size_t)nlev * sizeof *o);
    double *draws = malloc(B * sizeof *draws);
    size_t *pick = malloc(n * sizeof *pick);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!o || !draws || !pick || !r) {
        free(o), free(draws), free(pick);
        if (r)
            gsl_rng_free(r);
        return LCM_NOMEM;
    }
    gsl_rng_set(r, seed);
    size_t got = 0;
    for (size_t b = 0; b < B; b++) {
        for (size_t p = 0; p < n; p++)
            pick[p] = (size_t)gsl_rng_uniform_int(r, n);
        double a;
        if (kalpha(v, pick, n, m, nlev, o, &a) == LCM_OK)
            draws[got++] = a;
    }
    if (got >= 2) {
        qsort(draws, got, sizeof *draws, cmp_double);
        *lo = quantile7(draws, got, (1 - conf) / 2);
        *hi = quantile7(draws, got, (1 + conf) / 2);
    }
    free(o), free(draws), free(pick);
    gsl_rng_free(r);
    return got >= 2 ? LCM_OK : LCM_NUMERIC;
}

/* ---- reviewer severity: targets absorbed, reduced normal equations for the raters ---- */

lcm_status lcm_raters_severity(const size_t *target, const size_t *rater, const double *y,
                               size_t nobs, size_t ntarget, size_t nrater, double *b) {
    for (size_t r = 0; r < nrater; r++)
        b[r] = NAN;
    if (nrater == 0)
        return LCM_INVAL;
    for (size_t i = 0; i < nobs; i++)
        if (target[i] >= ntarget || rater[i] >= nrater || !isfinite(y[i]))
            return LCM_INVAL;
    /* observations sorted by target: count per target, then offsets */
    size_t *start = calloc(ntarget + 1, sizeof *start), *order = malloc((nobs + 1) * sizeof *order);
    size_t *idx = malloc(nrater * sizeof *idx), *fill = calloc(ntarget + 1, sizeof *fill);
    double *nr = calloc(nrater, sizeof *nr), *rs = calloc(nrater, sizeof *rs);
    double *row = calloc(nrater, sizeof *row);
    if (!start || !order || !idx || !fill || !nr || !rs || !row) {
        free(start), free(order), free(idx), free(fill), free(nr), free(rs), free(row);
        return LCM_NOMEM;
    }
    for (size_t i = 0; i < nobs; i++)
        start[target[i] + 1]++, nr[rater[i]] += 1, rs[rater[i]] += y[i];
    for (size_t t = 0; t < ntarget; t++)
        start[t + 1] += start[t];
    for (size_t i = 0; i < nobs; i++)
        order[start[target[i]] + fill[target[i]]++] = i;
    size_t na = 0; /* active raters, renumbered */
    for (size_t r = 0; r < nrater; r++)
        idx[r] = nr[r] > 0 ? na++ : (size_t)-1;
    lcm_status st = LCM_OK;
    gsl_matrix *C = na ? gsl_matrix_calloc(na, na) : NULL;
    gsl_vector *q = na ? gsl_vector_calloc(na) : NULL, *bv = na ? gsl_vector_alloc(na) : NULL;
    if (!C || !q || !bv)
        st = na ? LCM_NOMEM : LCM_INVAL;
    for (size_t r = 0; st == LCM_OK && r < nrater; r++)
        if (idx[r] != (size_t)-1) {
            *gsl_matrix_ptr(C, idx[r], idx[r]) += nr[r];
            *gsl_vector_ptr(q, idx[r]) += rs[r];
        }
    for (size_t t = 0; st == LCM_OK && t < ntarget; t++) {
        size_t s0 = start[t], s1 = start[t + 1];
        if (s1 == s0)
            continue;
        double nt = (double)(s1 - s0), tt = 0;
        for (size_t p = s0; p < s1; p++)
            tt += y[order[p]];
        /* C -= N_t N_t' / n_t, q -= N_t T_t / n_t over this target's raters */
        for (size_t p = s0; p < s1; p++) {
            size_t a = idx[rater[order[p]]];
            *gsl_vector_ptr(q, a) -= tt / nt;
            for (size_t p2 = s0; p2 < s1; p2++)
                *gsl_matrix_ptr(C, a, idx[rater[order[p2]]]) -= 1.0 / nt;
        }
    }
    if (st == LCM_OK) {
        /* C has the constant vector in its null space; adding J/na fixes sum(b) = 0 and the
         * system is positive definite exactly when the design is connected */
        for (size_t a = 0; a < na; a++)
            for (size_t c = 0; c < na; c++)
                *gsl_matrix_ptr(C, a, c) += 1.0 / (double)na;
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        double scale = 0;
        for (size_t a = 0; a < na; a++)
            scale = fmax(scale, gsl_matrix_get(C, a, a));
        int bad = gsl_linalg_cholesky_decomp1(C) != GSL_SUCCESS;
        for (size_t a = 0; !bad && a < na; a++) /* a pivot at rounding level: disconnected */
            bad = gsl_matrix_get(C, a, a) * gsl_matrix_get(C, a, a) < 1e-10 * scale;
        if (!bad)
            bad = gsl_linalg_cholesky_solve(C, q, bv) != GSL_SUCCESS;
        gsl_set_error_handler(old);
        if (bad)
            st = LCM_INVAL;
        for (size_t r = 0; !bad && r < nrater; r++)
            if (idx[r] != (size_t)-1)
                b[r] = gsl_vector_get(bv, idx[r]);
    }
    if (C)
        gsl_matrix_free(C);
    if (q)
        gsl_vector_free(q);
    if (bv)
        gsl_vector_free(bv);
    free(start), free(order), free(idx), free(fill), free(nr), free(rs), free(row);
    return st;
}
