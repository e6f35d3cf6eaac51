/*
 * svy_quantile.c - quantiles of the weighted CDF with Woodruff intervals for every domain of
 * every grouping, as R's svyquantile() computes them with its defaults since survey 4.0
 * (qrule = "math", interval.type = "mean"; the older oldsvyquantile() interpolated the CDF
 * and took a Wald interval on U = 1[y > q] - (1 - p) instead, and is not what R gives now).
 *
 * Per variable: one stable radix sort of its rows by value. Per grouping: a stable counting
 * sort of that order by domain gives each domain's CDF; the quantile is read off it with R's
 * exact floating-point steps (long double running sums, as R's cumsum() and sum() keep them,
 * so a quantile sitting on a CDF step comes out the same data value as in R). Then one
 * lcm_svy_estimate pass over the rows gives, for every domain and probability at once, the
 * design-based mean of 1[y <= q] with its SE and df; its t interval mapped back through the
 * CDF is the Woodruff interval.
 */
#include "svy_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/* A usable row of a variable: its value as an unsigned key whose order is the value's. */
typedef struct qkey {
    uint64_t k;
    size_t row;
} qkey;

/* Order-preserving map of a double (not NaN) to 64 bits; -0 and +0 are equal values. */
static uint64_t order_key(double y) {
    uint64_t u;
    if (y == 0)
        y = 0.0;
    memcpy(&u, &y, sizeof u);
    return u >> 63 ? ~u : u | (UINT64_C(1) << 63);
}

static double key_value(uint64_t k) {
    uint64_t u = k >> 63 ? k & ~(UINT64_C(1) << 63) : ~k;
    double y;
    memcpy(&y, &u, sizeof y);
    return y;
}

/* Stable LSD radix sort of a[0..n) by k, 16 bits a pass (tmp: n scratch), so rows tied on a
 * value stay in row order: the (value, row) order of R's order(). Passes where every key
 * has the same digit are skipped. Returns the sorted array (a or tmp). */
static qkey *radix_sort(qkey *a, qkey *tmp, size_t n, size_t *count) {
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65537 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[((a[i].k >> shift) & 0xffff) + 1]++;
        if (n == 0 || count[((a[0].k >> shift) & 0xffff) + 1] == n)
            continue;
        for (size_t b = 0; b < 65536; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            tmp[count[(a[i].k >> shift) & 0xffff]++] = a[i];
        qkey *t = a;
        a = tmp, tmp = t;
    }
    return a;
}

size_t lcm_svy_quantile_nresults(const lcm_svy_by *by, size_t nby, size_t nvar, size_t nq) {
    return lcm_svy_nresults(by, nby, nvar) * nq;
}

/* R's qrule_math(x, w, p) on one domain: xs sorted with its running weight sums cumw (zero
 * weights already dropped), W the domain's sum of weights in row order. R takes the last
 * position with cumw <= p*W, or the FIRST when there is none (its last() helper returns 1),
 * then that value when the CDF sits exactly on p, else the next one. For p below the first
 * step this gives the second-smallest value, not the smallest: that is what R reports, so
 * lcmon reports it too. monotone: every weight positive, so cumw is sorted. */
static double qrule_math(const double *xs, const double *cumw, size_t m, double W, double p,
                         int monotone) {
    double pw = p * W;
    size_t pos = 0;
    if (monotone) {
        size_t lo = 0, hi = m; /* first index with cumw > pw */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cumw[mid] <= pw)
                lo = mid + 1;
            else
                hi = mid;
        }
        pos = lo ? lo - 1 : 0;
    } else {
        for (size_t i = m; i-- > 0;)
            if (cumw[i] <= pw) {
                pos = i;
                break;
            }
    }
    if (p - cumw[pos] / W == 0)
        return xs[pos];
    return xs[pos + 1 < m ? pos + 1 : pos];
}

/* Working arrays for one variable and one grouping. */
typedef struct qwork {
    qkey *key, *tmp;            /* n: the variable's usable rows, then sorted by (value, row) */
    qkey *sorted;               /* key or tmp, whichever holds the sorted rows */
    size_t nkey;                /* how many */
    size_t *count;              /* 65537: radix histogram */
    size_t *start;              /* ndom+1: each domain's run in xs/cumw */
    double *xs, *cumw;          /* n: values and running weight sums, domain by domain */
    long double *wtot;          /* ndom: weight totals in row order (R's sum(w)) */
    int *mono;                  /* ndom: every weight of the domain positive */
    double *qhat;               /* ndom*nq */
    double *z;                  /* nq*n indicator columns */
    lcm_svy_est *est;           /* ndom*nq */
    double qt_df, qt_lo, qt_hi; /* the last t quantiles, most domains share their df */
} qwork;

static void qwork_free(qwork *w) {
    free(w->key), free(w->tmp), free(w->count), free(w->start), free(w->xs), free(w->cumw);
    free(w->wtot), free(w->mono), free(w->qhat), free(w->z), free(w->est);
}

static int qwork_alloc(qwork *w, size_t n, size_t maxdom, size_t nq) {
    size_t n1 = n ? n : 1;
    w->key = malloc(n1 * sizeof *w->key);
    w->tmp = malloc(n1 * sizeof *w->tmp);
    w->count = malloc(65537 * sizeof *w->count);
    w->start = malloc((maxdom + 1) * sizeof *w->start);
    w->xs = malloc(n1 * sizeof *w->xs);
    w->cumw = malloc(n1 * sizeof *w->cumw);
    w->wtot = malloc(maxdom * sizeof *w->wtot);
    w->mono = malloc(maxdom * sizeof *w->mono);
    w->qhat = malloc(maxdom * nq * sizeof *w->qhat);
    w->z = malloc(nq * n1 * sizeof *w->z);
    w->est = malloc(maxdom * nq * sizeof *w->est);
    w->qt_df = NAN;
    return w->key && w->tmp && w->count && w->start && w->xs && w->cumw && w->wtot && w->mono &&
           w->qhat && w->z && w->est;
}

static int32_t dom_of(const lcm_svy_by *g, size_t k) {
    return g->dom ? g->dom[k] : 0;
}

/* Each domain's CDF: the variable's rows in (value, row) order bucketed by domain (stable,
 * so each bucket stays sorted as R's order() sorts the domain's rows), zero weights dropped
 * as qrule_math does, running sums in long double as R's cumsum(); the domain's total
 * summed separately in row order, which is the order of R's sum(w). */
static void build_cdfs(const lcm_svy_design *d, const double *y, const lcm_svy_by *g, size_t ndom,
                       qwork *w) {
    const double *wt = d->w;
    memset(w->start, 0, (ndom + 1) * sizeof *w->start);
    for (size_t D = 0; D < ndom; D++)
        w->wtot[D] = 0.0L, w->mono[D] = 1;
    for (size_t k = 0; k < d->n; k++) {
        int32_t D = dom_of(g, k);
        if (D >= 0 && !isnan(y[k]) && wt[k] != 0) {
            w->start[D + 1]++;
            w->wtot[D] += wt[k];
            w->mono[D] &= wt[k] > 0;
        }
    }
    for (size_t D = 0; D < ndom; D++)
        w->start[D + 1] += w->start[D];
    size_t *fill = w->start; /* advance the starts, then shift them back */
    for (size_t i = 0; i < w->nkey; i++) {
        size_t k = w->sorted[i].row;
        int32_t D = dom_of(g, k);
        if (D < 0 || wt[k] == 0)
            continue;
        size_t at = fill[D]++;
        w->xs[at] = key_value(w->sorted[i].k);
        w->cumw[at] = wt[k]; /* a weight for now: summed below */
    }
    for (size_t D = ndom; D > 0; D--)
        w->start[D] = w->start[D - 1];
    w->start[0] = 0;
    for (size_t D = 0; D < ndom; D++) {
        long double s = 0.0L;
        for (size_t a = w->start[D]; a < w->start[D + 1]; a++) {
            s += w->cumw[a];
            w->cumw[a] = (double)s;
        }
    }
}

/* The quantile of every (domain, probability) and the indicator columns 1[y <= q] (NaN for
 * rows outside the grouping or without a value). */
static void quantiles_and_indicators(const lcm_svy_design *d, const double *y, const lcm_svy_by *g,
                                     size_t ndom, const double *probs, size_t nq, qwork *w) {
    for (size_t D = 0; D < ndom; D++) {
        size_t a = w->start[D], m = w->start[D + 1] - a;
        double W = (double)w->wtot[D];
        for (size_t q = 0; q < nq; q++)
            w->qhat[D * nq + q] =
                m ? qrule_math(w->xs + a, w->cumw + a, m, W, probs[q], w->mono[D]) : NAN;
    }
    for (size_t k = 0; k < d->n; k++) {
        int32_t D = dom_of(g, k);
        for (size_t q = 0; q < nq; q++) {
            double *z = w->z + q * d->n;
            if (D < 0 || isnan(y[k]))
                z[k] = NAN;
            else
                z[k] = y[k] <= w->qhat[(size_t)D * nq + q] ? 1.0 : 0.0;
        }
    }
}

/* t quantiles alpha/2 and 1-alpha/2 on df as R's qt(); NaN without degrees of freedom (R's
 * qt(p, 0) is NaN). Remembered for the last df: most domains share it. */
static void qt(qwork *w, double alpha, double df, double *lo, double *hi) {
    if (!(df > 0)) {
        *lo = *hi = NAN;
        return;
    }
    if (df != w->qt_df) {
        w->qt_df = df;
        w->qt_lo = gsl_cdf_tdist_Pinv(alpha / 2, df);
        w->qt_hi = gsl_cdf_tdist_Pinv(1 - alpha / 2, df);
    }
    *lo = w->qt_lo, *hi = w->qt_hi;
}

/* The Woodruff interval and R's SE from the proportion below the quantile (svyquantile's
 * woodruffCI with method "mean": tconfint(svymean(y <= q), df = degf) read through the CDF;
 * an end outside [0, 1] is NaN, and so is the SE then). */
static void woodruff(qwork *w, size_t D, double W, const lcm_svy_est *e, double alpha,
                     lcm_svy_quant *o) {
    size_t a = w->start[D], m = w->start[D + 1] - a;
    double tlo, thi;
    qt(w, alpha, e->df, &tlo, &thi);
    double lo = e->estimate + e->se * tlo, hi = e->estimate + e->se * thi;
    o->ci_low =
        isnan(lo) || lo < 0 ? NAN : qrule_math(w->xs + a, w->cumw + a, m, W, lo, w->mono[D]);
    o->ci_high =
        isnan(hi) || hi > 1 ? NAN : qrule_math(w->xs + a, w->cumw + a, m, W, hi, w->mono[D]);
    o->se = (o->ci_high - o->ci_low) / (2 * thi);
}

/* Quantiles of variable y over grouping g (domains out[D * stride]). */
static lcm_status one_grouping(const lcm_svy_design *d, const double *y, const lcm_svy_by *g,
                               const double *probs, size_t nq, double alpha, qwork *w,
                               lcm_svy_quant *out, size_t stride, char *err, size_t errlen) {
    size_t ndom = g->dom ? g->ndom : 1;
    lcm_svy_var *vars = malloc(nq * sizeof *vars);
    if (!vars)
        return LCM_NOMEM;
    build_cdfs(d, y, g, ndom, w);
    quantiles_and_indicators(d, y, g, ndom, probs, nq, w);
    for (size_t q = 0; q < nq; q++)
        vars[q] = (lcm_svy_var){LCM_SVY_MEAN, w->z + q * d->n, NULL};
    lcm_svy_by one = {g->dom, ndom};
    lcm_status st = lcm_svy_estimate(d, vars, nq, &one, 1, w->est, err, errlen);
    free(vars);
    if (st != LCM_OK)
        return st;
    for (size_t D = 0; D < ndom; D++)
        for (size_t q = 0; q < nq; q++) {
            const lcm_svy_est *e = &w->est[D * nq + q];
            lcm_svy_quant *o = &out[D * stride + q];
            *o = (lcm_svy_quant){probs[q], w->qhat[D * nq + q], NAN,   NAN,     NAN,
                                 e->df,    e->estimate,         e->se, e->wsum, e->nrows,
                                 e->npsu};
            if (e->nrows == 0 || w->start[D + 1] == w->start[D]) {
                o->estimate = NAN;
                continue;
            }
            woodruff(w, D, (double)w->wtot[D], e, alpha, o);
        }
    return LCM_OK;
}

lcm_status lcm_svy_quantile(const lcm_svy_design *d, const double *const *y, size_t nvar,
                            const double *probs, size_t nq, double level, const lcm_svy_by *by,
                            size_t nby, lcm_svy_quant *out, char *err, size_t errlen) {
    qwork w = {0};
    lcm_status st = LCM_OK;
    if (!d || !y || !nvar || !probs || !nq || !by || !nby || !out || !(level > 0 && level < 1)) {
        lcm__an_msg(err, errlen, "invalid quantile request");
        return LCM_INVAL;
    }
    for (size_t q = 0; q < nq; q++)
        if (!(probs[q] >= 0 && probs[q] <= 1)) {
            lcm__an_msg(err, errlen, "quantile %zu: probability %g is not in [0, 1]", q + 1,
                        probs[q]);
            return LCM_INVAL;
        }
    size_t maxdom = 1;
    for (size_t g = 0; g < nby; g++) {
        if (by[g].dom && by[g].ndom > maxdom)
            maxdom = by[g].ndom;
        for (size_t k = 0; by[g].dom && k < d->n; k++)
            if (by[g].dom[k] >= 0 && (size_t)by[g].dom[k] >= by[g].ndom) {
                lcm__an_msg(err, errlen, "row %zu: domain id %d out of range in grouping %zu",
                            k + 1, (int)by[g].dom[k], g + 1);
                return LCM_INVAL;
            }
    }
    for (size_t v = 0; v < nvar; v++)
        if (!y[v]) {
            lcm__an_msg(err, errlen, "variable %zu: missing column", v + 1);
            return LCM_INVAL;
        }
    if (!qwork_alloc(&w, d->n, maxdom, nq)) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    for (size_t v = 0; v < nvar; v++) {
        w.nkey = 0;
        for (size_t k = 0; k < d->n; k++)
            if (!isnan(y[v][k]))
                w.key[w.nkey++] = (qkey){order_key(y[v][k]), k};
        w.sorted = radix_sort(w.key, w.tmp, w.nkey, w.count);
        size_t base = 0;
        for (size_t g = 0; g < nby; g++) {
            lcm_svy_quant *o = out + (base * nvar + v) * nq;
            if ((st = one_grouping(d, y[v], &by[g], probs, nq, 1 - level, &w, o, nvar * nq, err,
                                   errlen)) != LCM_OK)
                goto cleanup;
            base += by[g].dom ? by[g].ndom : 1;
        }
    }
cleanup:
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory computing quantiles");
    qwork_free(&w);
    return st;
}
