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

double lcm__svy_centred_ss(const double *x, size_t m, size_t n) {
    double mean = 0.0, ss = 0.0;
    for (size_t i = 0; i < m; i++)
        mean += x[i];
    mean /= (double)n;
    for (size_t i = 0; i < m; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    return ss + (double)(n - m) * mean * mean;
}

/* Contribution of one "stratum" with n sampled units, m of them present, whose totals have
 * the centred sum of squares ss (absent units as zeros) and fpc factor f, following
 * onestrat(); unit is the stratum (stage 1) or PSU (stage 2) of d, for messages. x0 is the
 * total of the one unit of a lonely stratum when it is present. *lonely_na is set when the
 * policy is "average" and the stratum has one unit (R's NA, dropped and compensated by the
 * caller). */
static lcm_status onestrat(double ss, size_t m, size_t n, double x0, double f, lcm_svy_lonely pol,
                           int stage, const lcm_svy_design *d, size_t unit, double *out,
                           int *lonely_na, char *err, size_t errlen) {
    char name[160];
    *lonely_na = 0;
    *out = 0.0;
    if (f < 1e-7)
        return LCM_OK; /* sampled completely: no variance at this stage */
    if (n > 1) {
        *out = f * (double)n / (double)(n - 1) * ss;
        return LCM_OK;
    }
    switch (pol) {
    case LCM_SVY_LONELY_FAIL:
        if (stage == 1)
            lcm__an_msg(err, errlen, "stratum %s has only one PSU at stage 1",
                        lcm__svy_stratum_name(d, unit, name, sizeof name));
        else
            lcm__an_msg(err, errlen, "PSU %s has only one SSU at stage 2",
                        lcm__svy_psu_name(d, unit, name, sizeof name));
        return LCM_DESIGN;
    case LCM_SVY_LONELY_REMOVE:
    case LCM_SVY_LONELY_CERTAINTY:
        return LCM_OK; /* centred at its own mean: 0 */
    case LCM_SVY_LONELY_ADJUST:
        /* R leaves the lonely PSU's total uncentred: the deviation is from 0, the mean of
         * the linearised values over the whole sample */
        *out = m ? f * x0 * x0 : 0.0;
        return LCM_OK;
    case LCM_SVY_LONELY_AVERAGE:
        *lonely_na = 1;
        return LCM_OK;
    }
    return LCM_INTERNAL;
}

lcm_status lcm__svy_stage2(const lcm_svy_design *d, size_t i, double ss, double total, double *out,
                           char *err, size_t errlen) {
    int na = 0;
    /* R calls onestage() with one stratum, so "average" with a lonely SSU gives 0 * 1/0 =
     * NaN, as here */
    lcm_status st = onestrat(ss, 1, d->psu_nssu[i], total, d->psu_f2[i], d->lonely, 2, d, i, out,
                             &na, err, errlen);
    if (st == LCM_OK && na)
        *out = NAN;
    return st;
}

lcm_status lcm__svy_taylor_psu(const lcm_svy_design *d, const size_t *psus, const double *t,
                               const double *v2, size_t m, double *var, char *err, size_t errlen) {
    lcm_status st = LCM_OK;
    double v1 = 0.0, v2sum = 0.0;
    size_t nstrat = 0, nok = 0;
    for (size_t a = 0; a < m;) {
        size_t h = d->psu_stratum[psus[a]], a0 = a;
        double v2h = 0.0;
        for (; a < m && d->psu_stratum[psus[a]] == h; a++)
            if (v2)
                v2h += v2[a];
        double vh = 0.0;
        int na = 0;
        if ((st = onestrat(lcm__svy_centred_ss(t + a0, a - a0, d->str_npsu[h]), a - a0,
                           d->str_npsu[h], t[a0], d->str_f1[h], d->lonely, 1, d, h, &vh, &na, err,
                           errlen)) != LCM_OK)
            return st;
        nstrat++;
        if (!na) {
            nok++;
            v1 += vh;
        }
        v2sum += v2h * d->str_frac[h];
    }
    *var = (nstrat ? v1 * (double)nstrat / (double)nok : 0.0) + v2sum;
    return LCM_OK;
}

lcm_status lcm__svy_taylor_var(const lcm_svy_design *d, const size_t *units, const double *t,
                               size_t m, double *var, char *err, size_t errlen) {
    lcm_status st = LCM_OK;
    size_t np = 0, *psus = malloc((m ? m : 1) * sizeof *psus);
    double *pt = malloc((m ? m : 1) * sizeof *pt), *v2 = malloc((m ? m : 1) * sizeof *v2);
    double *ssut = malloc(d->max_nssu * sizeof *ssut);
    if (!psus || !pt || !v2 || !ssut) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    /* collapse the units into PSU totals, with each PSU's stage-2 variance */
    for (size_t a = 0; a < m;) {
        size_t i = d->unit_psu[units[a]], ns = 0;
        double sum = 0.0;
        for (; a < m && d->unit_psu[units[a]] == i; a++) {
            sum += t[a];
            ssut[ns++] = t[a];
        }
        psus[np] = i, pt[np] = sum, v2[np] = 0.0;
        if (d->two_stage &&
            (st = lcm__svy_stage2(d, i, lcm__svy_centred_ss(ssut, ns, d->psu_nssu[i]), ssut[0],
                                  &v2[np], err, errlen)) != LCM_OK)
            goto cleanup;
        np++;
    }
    st = lcm__svy_taylor_psu(d, psus, pt, v2, np, var, err, errlen);
cleanup:
    free(psus);
    free(pt);
    free(v2);
    free(ssut);
    return st;
}
