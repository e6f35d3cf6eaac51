/*
 * svy_taylor.c - the Taylor-linearisation variance of one estimator from the totals of its
 * linearised values over the variance units, exactly as R's svyrecvar() -> multistage() ->
 * onestage() -> onestrat() combine them: per stratum n_h/(n_h-1) (1-f_h) times the sum of
 * squared deviations of PSU totals from their stratum mean, absent PSUs counting as zeros; the
 * stage-2 variance inside each PSU added with weight n_h/N_h when the stage-1 fpc is given; and
 * the lonely-PSU policies with R's exact arithmetic (including its NaN for "average" when no
 * stratum is left).
 */
#include "svy_internal.h"

#include <math.h>
#include <stdlib.h>

/* Contribution of one "stratum" with n sampled units (present ones in x[0..m), the rest 0)
 * and fpc factor f, following onestrat(). *lonely_na is set when the policy is "average" and
 * the stratum has one unit (R's NA, dropped and compensated by the caller). */
static lcm_status onestrat(const double *x, size_t m, size_t n, double f, lcm_svy_lonely pol,
                           int stage, long long code, double *out, int *lonely_na, char *err,
                           size_t errlen) {
    *lonely_na = 0;
    *out = 0.0;
    if (f < 1e-7)
        return LCM_OK; /* sampled completely: no variance at this stage */
    if (n > 1) {
        double mean = 0.0, ss = 0.0;
        for (size_t i = 0; i < m; i++)
            mean += x[i];
        mean /= (double)n;
        for (size_t i = 0; i < m; i++)
            ss += (x[i] - mean) * (x[i] - mean);
        ss += (double)(n - m) * mean * mean;
        *out = f * (double)n / (double)(n - 1) * ss;
        return LCM_OK;
    }
    switch (pol) {
    case LCM_SVY_LONELY_FAIL:
        if (stage == 1)
            lcm__svy_msg(err, errlen, "stratum %lld has only one PSU at stage 1", code);
        else
            lcm__svy_msg(err, errlen, "PSU %lld has only one SSU at stage 2", code);
        return LCM_DESIGN;
    case LCM_SVY_LONELY_REMOVE:
    case LCM_SVY_LONELY_CERTAINTY:
        return LCM_OK; /* centred at its own mean: 0 */
    case LCM_SVY_LONELY_ADJUST:
        /* R leaves the lonely PSU's total uncentred: the deviation is from 0, the mean of
         * the linearised values over the whole sample */
        *out = m ? f * x[0] * x[0] : 0.0;
        return LCM_OK;
    case LCM_SVY_LONELY_AVERAGE:
        *lonely_na = 1;
        return LCM_OK;
    }
    return LCM_INTERNAL;
}

/* Stage-2 variance inside PSU i from its present SSU totals. R calls onestage() with one
 * stratum, so "average" with a lonely SSU gives 0 * 1/0 = NaN, as here. */
static lcm_status stage2(const lcm_svy_design *d, size_t i, const double *x, size_t m, double *out,
                         char *err, size_t errlen) {
    int na = 0;
    lcm_status st = onestrat(x, m, d->psu_nssu[i], d->psu_f2[i], d->lonely, 2,
                             (long long)d->psu_code[i], out, &na, err, errlen);
    if (st == LCM_OK && na)
        *out = NAN;
    return st;
}

lcm_status lcm__svy_taylor_var(const lcm_svy_design *d, const size_t *units, const double *t,
                               size_t m, double *var, char *err, size_t errlen) {
    lcm_status st = LCM_OK;
    size_t maxn = d->max_npsu, maxm = d->max_nssu;
    double *psut = malloc(maxn * sizeof *psut);
    double *ssut = malloc(maxm * sizeof *ssut);
    double v1 = 0.0, v2 = 0.0;
    size_t nstrat = 0, nok = 0;
    if (!psut || !ssut) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    for (size_t a = 0; a < m;) {
        size_t h = d->psu_stratum[d->unit_psu[units[a]]];
        size_t np = 0;
        double v2h = 0.0;
        /* walk the stratum's units PSU by PSU */
        while (a < m && d->psu_stratum[d->unit_psu[units[a]]] == h) {
            size_t i = d->unit_psu[units[a]], ns = 0;
            double sum = 0.0;
            while (a < m && d->unit_psu[units[a]] == i) {
                sum += t[a];
                ssut[ns++] = t[a];
                a++;
            }
            psut[np++] = sum;
            if (d->two_stage) {
                double vi = 0.0;
                if ((st = stage2(d, i, ssut, ns, &vi, err, errlen)) != LCM_OK)
                    goto cleanup;
                v2h += vi;
            }
        }
        double vh = 0.0;
        int na = 0;
        if ((st = onestrat(psut, np, d->str_npsu[h], d->str_f1[h], d->lonely, 1,
                           (long long)d->str_code[h], &vh, &na, err, errlen)) != LCM_OK)
            goto cleanup;
        nstrat++;
        if (!na) {
            nok++;
            v1 += vh;
        }
        v2 += v2h * d->str_frac[h];
    }
    *var = (nstrat ? v1 * (double)nstrat / (double)nok : 0.0) + v2;
cleanup:
    free(psut);
    free(ssut);
    return st;
}
