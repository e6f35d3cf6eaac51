/*
 * svy_replicate.c - replicate weights: JK1, JKn and bootstrap built from a design's first
 * stage as R's jk1weights()/jknweights()/bootweights() build them, or imported (for instance
 * R's own bootstrap replicates); the variance from them is in svy_estimate.c (R's svrVar).
 */
#include "svy_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

void lcm__svy_rep_free(svy_rep *r) {
    if (!r)
        return;
    free(r->w);
    free(r->rscale);
    free(r->psu_unit0);
    free(r);
}

static size_t *psu_units(const lcm_svy_design *d);

/* A clone of d with room for nrep replicates, every multiplier 1. */
static lcm_status start(const lcm_svy_design *d, size_t nrep, lcm_svy_design **out, char *err,
                        size_t errlen) {
    *out = NULL;
    if (d->cal || d->rep) {
        lcm__an_msg(err, errlen,
                    "replicates of a calibrated design are not supported: attach them first");
        return LCM_UNSUPPORTED;
    }
    lcm_status st = lcm__svy_design_clone(d, out);
    if (st != LCM_OK)
        return st;
    svy_rep *r = calloc(1, sizeof *r);
    if (!r)
        return LCM_NOMEM;
    (*out)->rep = r;
    r->nrep = nrep;
    r->scale = 1.0;
    r->w = malloc((nrep ? nrep : 1) * d->n * sizeof *r->w);
    r->rscale = malloc((nrep ? nrep : 1) * sizeof *r->rscale);
    r->psu_unit0 = psu_units(d);
    if (!r->w || !r->rscale || !r->psu_unit0)
        return LCM_NOMEM;
    for (size_t i = 0; i < nrep * d->n; i++)
        r->w[i] = 1.0;
    for (size_t i = 0; i < nrep; i++)
        r->rscale[i] = 1.0;
    return LCM_OK;
}

/* Sorted-row range [*a, *b) of PSU i: units, hence PSUs, are consecutive in design order. */
static void psu_rows(const lcm_svy_design *o, const size_t *unit0, size_t i, size_t *a, size_t *b) {
    *a = o->unit_start[unit0[i]];
    *b = o->unit_start[unit0[i + 1]];
}

/* Multiplies the rows of PSU i in replicate r by f. */
static void scale_psu(lcm_svy_design *o, size_t r, size_t i, double f, const size_t *unit0) {
    size_t a, b;
    psu_rows(o, unit0, i, &a, &b);
    for (; a < b; a++)
        o->rep->w[r * o->n + o->order[a]] *= f;
}

/* unit0[i] = first unit of PSU i, unit0[npsu] = nunit. */
static size_t *psu_units(const lcm_svy_design *d) {
    size_t *u0 = malloc((d->npsu + 1) * sizeof *u0);
    if (!u0)
        return NULL;
    for (size_t u = d->nunit; u-- > 0;)
        u0[d->unit_psu[u]] = u;
    u0[d->npsu] = d->nunit;
    return u0;
}

/* First PSU index of every stratum (PSUs of a stratum are consecutive). */
static size_t first_psu(const lcm_svy_design *d, size_t h) {
    size_t i = 0;
    while (d->psu_stratum[i] != h)
        i++;
    return i;
}

/* Replicates per stratum for JKn, following jknweights(): a stratum with fpc factor 0 gives
 * none (survey.drop.replicates), a lonely stratum follows the policy. */
static lcm_status count_jkn(const lcm_svy_design *d, size_t *nrep, char *err, size_t errlen) {
    *nrep = 0;
    for (size_t h = 0; h < d->nstrata; h++) {
        size_t n = d->str_npsu[h];
        if (d->str_f1[h] == 0.0)
            continue;
        if (n == 1) {
            if (d->lonely == LCM_SVY_LONELY_FAIL) {
                char nm[160];
                lcm__an_msg(err, errlen, "stratum %s has only one PSU",
                            lcm__svy_stratum_name(d, h, nm, sizeof nm));
                return LCM_DESIGN;
            }
            *nrep += d->lonely == LCM_SVY_LONELY_ADJUST;
            continue;
        }
        *nrep += n;
    }
    if (*nrep == 0) {
        lcm__an_msg(err, errlen, "all strata were sampled exhaustively: no replicates");
        return LCM_DESIGN;
    }
    return LCM_OK;
}

static void fill_jkn(lcm_svy_design *o, const size_t *unit0) {
    svy_rep *rp = o->rep;
    size_t r = 0, H = o->nstrata;
    for (size_t h = 0; h < H; h++) {
        size_t n = o->str_npsu[h], i0 = first_psu(o, h);
        double f = o->str_f1[h];
        if (f == 0.0)
            continue;
        if (n == 1) {
            if (o->lonely != LCM_SVY_LONELY_ADJUST)
                continue;
            /* adjust: the stratum dropped, every other row scaled by H/(H-1) */
            for (size_t i = 0; i < o->npsu; i++)
                scale_psu(o, r, i, o->psu_stratum[i] == h ? 0.0 : (double)H / (double)(H - 1),
                          unit0);
            rp->rscale[r++] = (double)(H - 1) / (double)H;
            continue;
        }
        for (size_t j = 0; j < n; j++, r++) {
            for (size_t i = i0; i < i0 + n; i++)
                scale_psu(o, r, i, i == i0 + j ? 0.0 : (double)n / (double)(n - 1), unit0);
            rp->rscale[r] = f * (double)(n - 1) / (double)n;
        }
    }
    if (r < o->npsu && o->lonely == LCM_SVY_LONELY_AVERAGE)
        rp->scale = (double)o->npsu / (double)r;
}

/* bootstratum(): n draws of the stratum's PSUs, with replacement, or without replacement from
 * the PSUs repeated up to the population size N when the fpc is given. */
static lcm_status fill_boot(lcm_svy_design *o, size_t nrep, gsl_rng *rng, const size_t *unit0) {
    size_t *pool = NULL, cap = 0;
    double inv = 0.0;
    for (size_t h = 0; h < o->nstrata; h++) {
        size_t n = o->str_npsu[h], i0 = first_psu(o, h);
        int has_fpc = o->str_frac[h] > 0;
        size_t N = has_fpc ? (size_t)llround((double)n / o->str_frac[h]) : n;
        inv += 1.0 / (double)n;
        if (N > cap) {
            size_t *p = realloc(pool, N * sizeof *p);
            if (!p) {
                free(pool);
                return LCM_NOMEM;
            }
            pool = p, cap = N;
        }
        for (size_t r = 0; r < nrep; r++) {
            double *mult = o->rep->w + r * o->n;
            for (size_t i = i0; i < i0 + n; i++)
                scale_psu(o, r, i, 0.0, unit0);
            for (size_t a = 0; a < N; a++)
                pool[a] = i0 + a % n;
            for (size_t a = 0; a < n; a++) {
                size_t pick =
                    has_fpc ? a + gsl_rng_uniform_int(rng, N - a) : gsl_rng_uniform_int(rng, n);
                size_t i = has_fpc ? pool[pick] : i0 + pick;
                if (has_fpc) {
                    size_t t = pool[a];
                    pool[a] = pool[pick], pool[pick] = t;
                }
                /* one more draw of PSU i: add 1 to its rows' multiplier */
                size_t lo, hi;
                psu_rows(o, unit0, i, &lo, &hi);
                for (; lo < hi; lo++)
                    mult[o->order[lo]] += 1.0;
            }
        }
    }
    free(pool);
    double nbar = (double)o->nstrata / inv; /* harmonic mean of PSUs per stratum */
    o->rep->scale = nbar / ((nbar - 1) * (double)(nrep - 1));
    return LCM_OK;
}

/* Multiplies every replicate multiplier by the design weight. */
static void combine(lcm_svy_design *o) {
    for (size_t r = 0; r < o->rep->nrep; r++)
        for (size_t k = 0; k < o->n; k++)
            o->rep->w[r * o->n + k] *= o->w[k];
}

lcm_status lcm_svy_replicates_make(const lcm_svy_design *d, lcm_svy_reptype type, size_t nrep,
                                   uint64_t seed, int mse, lcm_svy_design **out, char *err,
                                   size_t errlen) {
    lcm_svy_design *o = NULL;
    gsl_rng *rng = NULL;
    lcm_status st = LCM_OK;
    if (out)
        *out = NULL;
    if (!d || !out || (type == LCM_SVY_REP_JK1 && d->nstrata > 1) ||
        (type == LCM_SVY_REP_BOOTSTRAP && nrep < 2) || (unsigned)type > LCM_SVY_REP_BOOTSTRAP) {
        lcm__an_msg(err, errlen,
                    type == LCM_SVY_REP_JK1 ? "JK1 needs an unstratified design"
                                            : "invalid replicate request");
        return LCM_INVAL;
    }
    if (type == LCM_SVY_REP_JK1 || type == LCM_SVY_REP_JKN) {
        if ((st = count_jkn(d, &nrep, err, errlen)) != LCM_OK)
            return st;
    }
    if ((st = start(d, nrep, &o, err, errlen)) != LCM_OK)
        goto cleanup;
    const size_t *unit0 = o->rep->psu_unit0; /* start() worked them out */
    if (type == LCM_SVY_REP_BOOTSTRAP) {
        if (!(rng = gsl_rng_alloc(gsl_rng_mt19937))) {
            st = LCM_NOMEM;
            goto cleanup;
        }
        gsl_rng_set(rng, (unsigned long)seed);
        if ((st = fill_boot(o, nrep, rng, unit0)) != LCM_OK)
            goto cleanup;
    } else {
        fill_jkn(o, unit0);
        if (type == LCM_SVY_REP_JK1) { /* jk1weights: scale f (n-1)/n, rscales 1 */
            o->rep->scale = o->rep->rscale[0];
            for (size_t r = 0; r < nrep; r++)
                o->rep->rscale[r] = 1.0;
        }
    }
    combine(o);
    o->rep->mse = mse;
    *out = o;
    o = NULL;
cleanup:
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory building replicates");
    gsl_rng_free(rng);
    lcm_svy_design_free(o);
    return st;
}

lcm_status lcm_svy_replicates_attach(const lcm_svy_design *d, const double *const *rw, size_t nrep,
                                     int combined, double scale, const double *rscale, int mse,
                                     const double *pweights, lcm_svy_design **out, char *err,
                                     size_t errlen) {
    lcm_svy_design *o = NULL;
    lcm_status st = LCM_OK;
    if (out)
        *out = NULL;
    if (!d || !rw || nrep < 2 || !out || !(scale > 0)) {
        lcm__an_msg(err, errlen, "invalid replicate weights");
        return LCM_INVAL;
    }
    if ((st = start(d, nrep, &o, err, errlen)) != LCM_OK)
        goto cleanup;
    for (size_t k = 0; pweights && k < d->n; k++) {
        if (!(pweights[k] > 0) || !isfinite(pweights[k])) {
            lcm__an_msg(err, errlen, "row %zu: weight must be positive and finite", k + 1);
            st = LCM_INVAL;
            goto cleanup;
        }
        o->w[k] = pweights[k]; /* R's svrepdesign keeps them as given, not as 1/(1/w) */
        o->prob[k] = 1.0 / pweights[k];
    }
    for (size_t r = 0; r < nrep; r++) {
        for (size_t k = 0; k < d->n; k++) {
            double v = rw[r][k];
            if (!(v >= 0) || !isfinite(v)) {
                lcm__an_msg(err, errlen, "replicate %zu, row %zu: weight must be >= 0", r + 1,
                            k + 1);
                st = LCM_INVAL;
                goto cleanup;
            }
            o->rep->w[r * d->n + k] = v;
        }
        o->rep->rscale[r] = rscale ? rscale[r] : 1.0;
    }
    o->rep->scale = scale;
    o->rep->mse = mse;
    if (!combined)
        combine(o);
    *out = o;
    o = NULL;
cleanup:
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory attaching replicates");
    lcm_svy_design_free(o);
    return st;
}
