/*
 * svy_design.c - building a sample design: rows sorted by (stratum, PSU, SSU), dense indices
 * for strata, PSUs and the variance units, fpc factors per stage and the weights, following
 * R's svydesign()/as.fpc() (nest=TRUE, fpc all counts or all fractions, weights from the fpc
 * when none are given).
 */
#include "svy_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct rowkey {
    int64_t s, p, u;
    size_t row;
} rowkey;

static int cmp_key(const void *a, const void *b) {
    const rowkey *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    return x->row < y->row ? -1 : (x->row > y->row);
}

/* The rows in design order: the sorted keys, or (key NULL) the rows of s in their own
 * order when they come sorted already, read from the spec without a key array (32 bytes a
 * row less at the peak: 96 MB at 3M rows). */
typedef struct keyset {
    const rowkey *key;
    const lcm_svy_spec *s;
} keyset;

static rowkey key_at(const keyset *ks, size_t r) {
    if (ks->key)
        return ks->key[r];
    const lcm_svy_spec *s = ks->s;
    return (rowkey){s->strata ? s->strata[r] : 0, s->psu ? s->psu[r] : (int64_t)r,
                    s->ssu ? s->ssu[r] : 0, r};
}

static void free_names(char **names, size_t n) {
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

void lcm_svy_design_free(lcm_svy_design *d) {
    if (!d)
        return;
    free_names(d->str_name, d->nstrata);
    free_names(d->psu_name, d->npsu);
    free(d->w);
    free(d->prob);
    free(d->order);
    free(d->unit_start);
    free(d->unit_psu);
    free(d->psu_stratum);
    free(d->psu_nssu);
    free(d->psu_f2);
    free(d->psu_code);
    free(d->str_npsu);
    free(d->str_f1);
    free(d->str_frac);
    free(d->str_code);
    lcm__svy_cal_free(d->cal);
    lcm__svy_rep_free(d->rep);
    free(d);
}

size_t lcm_svy_design_nrows(const lcm_svy_design *d) {
    return d->n;
}
size_t lcm_svy_design_nstrata(const lcm_svy_design *d) {
    return d->nstrata;
}
size_t lcm_svy_design_npsu(const lcm_svy_design *d) {
    return d->npsu;
}
const double *lcm_svy_design_weights(const lcm_svy_design *d) {
    return d->w;
}

/* A stratum's or PSU's name for messages: 'name' when it has one, else its code. */
static const char *name_or_code(const char *name, int64_t code, char *buf, size_t cap) {
    if (name)
        snprintf(buf, cap, "'%s'", name);
    else
        snprintf(buf, cap, "%lld", (long long)code);
    return buf;
}

/* A code's name from the spec's names: 'name', or the code itself. */
static const char *code_name(const char *const *names, size_t nnames, int64_t code, char *buf,
                             size_t cap) {
    int named = names && code >= 0 && (uint64_t)code < nnames;
    return name_or_code(named ? names[code] : NULL, code, buf, cap);
}

const char *lcm__svy_stratum_name(const lcm_svy_design *d, size_t h, char *buf, size_t cap) {
    return name_or_code(d->str_name ? d->str_name[h] : NULL, d->str_code[h], buf, cap);
}

const char *lcm__svy_psu_name(const lcm_svy_design *d, size_t i, char *buf, size_t cap) {
    return name_or_code(d->psu_name ? d->psu_name[i] : NULL, d->psu_code[i], buf, cap);
}

/* Copies of the names of the design's strata and PSUs (NULL slots for codes without one;
 * without a PSU column the PSUs are rows, which have no names). */
static lcm_status copy_names(lcm_svy_design *d, const lcm_svy_names *s, int has_psu) {
    if (!s)
        return LCM_OK;
    if (s->strata) {
        if (!(d->str_name = calloc(d->nstrata, sizeof *d->str_name)))
            return LCM_NOMEM;
        for (size_t h = 0; h < d->nstrata; h++) {
            int64_t c = d->str_code[h];
            if (c >= 0 && (uint64_t)c < s->nstrata && s->strata[c] &&
                !(d->str_name[h] = strdup(s->strata[c])))
                return LCM_NOMEM;
        }
    }
    if (s->psu && has_psu) {
        if (!(d->psu_name = calloc(d->npsu, sizeof *d->psu_name)))
            return LCM_NOMEM;
        for (size_t i = 0; i < d->npsu; i++) {
            int64_t c = d->psu_code[i];
            if (c >= 0 && (uint64_t)c < s->npsu && s->psu[c] &&
                !(d->psu_name[i] = strdup(s->psu[c])))
                return LCM_NOMEM;
        }
    }
    return LCM_OK;
}

/* R's as.fpc(): every fpc value >= 1 means population counts, every value <= 1 fractions. */
static lcm_status fpc_kind(const lcm_svy_spec *s, int *is_count, char *err, size_t errlen) {
    int any_big = 0, all_ge1 = 1;
    *is_count = 1;
    if (!s->fpc1 && !s->fpc2)
        return LCM_OK;
    for (size_t k = 0; k < s->n; k++) {
        for (int st = 0; st < 2; st++) {
            const double *f = st ? s->fpc2 : s->fpc1;
            if (!f)
                continue;
            if (!(f[k] > 0) || isnan(f[k])) {
                lcm__an_msg(err, errlen, "row %zu: fpc at stage %d must be positive", k + 1,
                            st + 1);
                return LCM_INVAL;
            }
            any_big |= f[k] > 1;
            all_ge1 &= f[k] >= 1;
        }
    }
    if (any_big != all_ge1) {
        lcm__an_msg(err, errlen, "fpc must be all population sizes (>= 1) or all fractions");
        return LCM_INVAL;
    }
    *is_count = any_big;
    return LCM_OK;
}

/* Counts runs in the sorted keys and allocates the dense index arrays. */
static lcm_status alloc_layout(lcm_svy_design *d, const keyset *ks, int two_stage) {
    size_t n = d->n, nstr = 0, npsu = 0, nssu = 0;
    rowkey prev = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        rowkey k = key_at(ks, i);
        int news = i == 0 || k.s != prev.s;
        int newp = news || k.p != prev.p;
        int newu = newp || k.u != prev.u;
        prev = k;
        nstr += news;
        npsu += newp;
        nssu += newu;
    }
    d->nstrata = nstr;
    d->npsu = npsu;
    d->nunit = two_stage ? nssu : npsu;
    d->str_npsu = calloc(nstr, sizeof *d->str_npsu);
    d->str_f1 = calloc(nstr, sizeof *d->str_f1);
    d->str_frac = calloc(nstr, sizeof *d->str_frac);
    d->str_code = calloc(nstr, sizeof *d->str_code);
    d->psu_stratum = calloc(npsu, sizeof *d->psu_stratum);
    d->psu_nssu = calloc(npsu, sizeof *d->psu_nssu);
    d->psu_f2 = calloc(npsu, sizeof *d->psu_f2);
    d->psu_code = calloc(npsu, sizeof *d->psu_code);
    d->unit_start = calloc(d->nunit + 1, sizeof *d->unit_start);
    d->unit_psu = calloc(d->nunit, sizeof *d->unit_psu);
    if (!d->str_npsu || !d->str_f1 || !d->str_frac || !d->str_code || !d->psu_stratum ||
        !d->psu_nssu || !d->psu_f2 || !d->psu_code || !d->unit_start || !d->unit_psu)
        return LCM_NOMEM;
    return LCM_OK;
}

/* Fills strata, PSU and unit indices from the sorted keys; checks fpc constancy. */
static lcm_status fill_layout(lcm_svy_design *d, const lcm_svy_spec *s, const lcm_svy_names *nm_,
                              const keyset *ks, int is_count, char *err, size_t errlen) {
    static const lcm_svy_names none = {NULL, 0, NULL, 0};
    const lcm_svy_names *names = nm_ ? nm_ : &none;
    size_t h = (size_t)-1, i = (size_t)-1, u = (size_t)-1;
    rowkey prev = {0, 0, 0, 0};
    for (size_t r = 0; r < d->n; r++) {
        rowkey k = key_at(ks, r);
        size_t row = k.row;
        int news = r == 0 || k.s != prev.s;
        int newp = news || k.p != prev.p;
        int newu = newp || k.u != prev.u;
        size_t prow = prev.row;
        prev = k;
        d->order[r] = row;
        if (news) {
            h++;
            d->str_code[h] = k.s;
        }
        if (newp) {
            i++;
            d->psu_stratum[i] = h;
            d->psu_code[i] = k.p;
            d->str_npsu[h]++;
        }
        if (newu)
            d->psu_nssu[i]++;
        if (d->two_stage ? newu : newp) {
            u++;
            d->unit_start[u] = r;
            d->unit_psu[u] = i;
        }
        char nm[160];
        if (s->fpc1 && !news && s->fpc1[row] != s->fpc1[prow]) {
            lcm__an_msg(err, errlen, "fpc at stage 1 varies within stratum %s",
                        code_name(names->strata, names->nstrata, k.s, nm, sizeof nm));
            return LCM_INVAL;
        }
        if (s->fpc2 && !newp && s->fpc2[row] != s->fpc2[prow]) {
            lcm__an_msg(err, errlen, "fpc at stage 2 varies within PSU %s",
                        code_name(names->psu, s->psu ? names->npsu : 0, k.p, nm, sizeof nm));
            return LCM_INVAL;
        }
    }
    d->unit_start[d->nunit] = d->n;
    d->max_npsu = d->max_nssu = 1;
    for (size_t a = 0; a < d->nstrata; a++)
        d->max_npsu = d->str_npsu[a] > d->max_npsu ? d->str_npsu[a] : d->max_npsu;
    for (size_t a = 0; a < d->npsu; a++)
        d->max_nssu = d->psu_nssu[a] > d->max_nssu ? d->psu_nssu[a] : d->max_nssu;
    (void)is_count;
    return LCM_OK;
}

/* Population size from an fpc value as as.fpc() does: counts as given, fractions n/f. */
static double popsize(double fpc, size_t nsamp, int is_count) {
    return is_count ? fpc : (double)nsamp / fpc;
}

/* Stage factors (N-n)/N and n/N, as R's onestrat() and multistage() use them. */
static lcm_status fill_fpc(lcm_svy_design *d, const lcm_svy_spec *s, int is_count, char *err,
                           size_t errlen) {
    for (size_t h = 0; h < d->nstrata; h++) {
        d->str_f1[h] = 1.0;
        d->str_frac[h] = 0.0;
    }
    for (size_t i = 0; i < d->npsu; i++)
        d->psu_f2[i] = 1.0;
    for (size_t u = 0; u < d->nunit; u++) {
        size_t i = d->unit_psu[u], h = d->psu_stratum[i];
        if (u > 0 && d->unit_psu[u - 1] == i)
            continue; /* fpc is constant within the PSU: its first row speaks for it */
        size_t row = d->order[d->unit_start[u]];
        if (s->fpc1) {
            double N = popsize(s->fpc1[row], d->str_npsu[h], is_count);
            double nh = (double)d->str_npsu[h];
            if (N < nh) {
                char nm[160];
                lcm__an_msg(err, errlen, "fpc implies more than 100%% sampling in stratum %s",
                            lcm__svy_stratum_name(d, h, nm, sizeof nm));
                return LCM_INVAL;
            }
            d->str_f1[h] = (N - nh) / N;
            d->str_frac[h] = nh / N;
        }
        if (s->fpc2) {
            double m = (double)d->psu_nssu[i];
            double N = popsize(s->fpc2[row], d->psu_nssu[i], is_count);
            if (N < m) {
                char nm[160];
                lcm__an_msg(err, errlen, "fpc implies more than 100%% sampling in PSU %s",
                            lcm__svy_psu_name(d, i, nm, sizeof nm));
                return LCM_INVAL;
            }
            d->psu_f2[i] = (N - m) / N;
        }
    }
    return LCM_OK;
}

/* Weights as svydesign() makes them, bit for bit: prob = 1/weights, probs, or the product
 * (in long double, as R's prod()) of 1/(N/n) over the stages with an fpc; weights = 1/prob. */
static lcm_status fill_weights(lcm_svy_design *d, const lcm_svy_spec *s, int is_count, char *err,
                               size_t errlen) {
    for (size_t r = 0; r < d->n; r++) {
        size_t row = d->order[r];
        double p = s->weights ? 1.0 / s->weights[row] : s->probs ? s->probs[row] : 1.0;
        if (!(p > 0) || !isfinite(p) || !isfinite(1.0 / p)) {
            lcm__an_msg(err, errlen, "row %zu: weight must be positive and finite", row + 1);
            return LCM_INVAL;
        }
        d->prob[row] = p;
        d->w[row] = 1.0 / p;
    }
    if (s->weights || s->probs || !s->fpc1)
        return LCM_OK;
    if (s->ssu && !s->fpc2) { /* R: "Weights not supplied and can't be computed from fpc" */
        lcm__an_msg(err, errlen,
                    "weights cannot be computed from a stage-1 fpc alone in a "
                    "two-stage design: give the stage-2 fpc or the weights");
        return LCM_INVAL;
    }
    for (size_t u = 0; u < d->nunit; u++) {
        size_t i = d->unit_psu[u], h = d->psu_stratum[i];
        for (size_t r = d->unit_start[u]; r < d->unit_start[u + 1]; r++) {
            size_t row = d->order[r];
            double n1 = (double)d->str_npsu[h], n2 = (double)d->psu_nssu[i];
            long double p = 1.0L;
            p *= 1.0 / (popsize(s->fpc1[row], d->str_npsu[h], is_count) / n1);
            if (s->fpc2)
                p *= 1.0 / (popsize(s->fpc2[row], d->psu_nssu[i], is_count) / n2);
            d->prob[row] = (double)p;
            d->w[row] = 1.0 / d->prob[row];
        }
    }
    return LCM_OK;
}

lcm_status lcm_svy_design_new(const lcm_svy_spec *s, lcm_svy_design **out, char *err,
                              size_t errlen) {
    return lcm_svy_design_new_named(s, NULL, out, err, errlen);
}

lcm_status lcm_svy_design_new_named(const lcm_svy_spec *s, const lcm_svy_names *names,
                                    lcm_svy_design **out, char *err, size_t errlen) {
    lcm_status st = LCM_OK;
    lcm_svy_design *d = NULL;
    rowkey *key = NULL;
    int is_count = 1;
    if (!s || !out || s->n == 0 || (s->ssu && !s->psu) || (s->fpc2 && (!s->fpc1 || !s->ssu)) ||
        (unsigned)s->lonely > LCM_SVY_LONELY_AVERAGE) {
        lcm__an_msg(err, errlen, "invalid design specification");
        return LCM_INVAL;
    }
    *out = NULL;
    if ((st = fpc_kind(s, &is_count, err, errlen)) != LCM_OK)
        return st;
    d = calloc(1, sizeof *d);
    if (!d) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    d->n = s->n;
    d->lonely = s->lonely;
    d->two_stage = s->ssu && s->fpc1;
    d->w = malloc(s->n * sizeof *d->w);
    d->prob = malloc(s->n * sizeof *d->prob);
    d->order = malloc(s->n * sizeof *d->order);
    if (!d->w || !d->prob || !d->order) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    /* rows usually come grouped already (stored in sampling order); the order is total, so
     * rows already in it are taken as they are, without a key array or a sort */
    keyset ks = {NULL, s};
    size_t k1 = 1;
    for (rowkey a = key_at(&ks, 0), b; s->n && k1 < s->n; k1++, a = b)
        if (b = key_at(&ks, k1), cmp_key(&a, &b) >= 0)
            break;
    if (k1 < s->n) {
        if (!(key = malloc(s->n * sizeof *key))) {
            st = LCM_NOMEM;
            goto cleanup;
        }
        for (size_t k = 0; k < s->n; k++)
            key[k] = key_at(&ks, k);
        qsort(key, s->n, sizeof *key, cmp_key);
        ks.key = key;
    }
    if ((st = alloc_layout(d, &ks, d->two_stage)) != LCM_OK)
        goto cleanup;
    if ((st = fill_layout(d, s, names, &ks, is_count, err, errlen)) != LCM_OK)
        goto cleanup;
    if ((st = copy_names(d, names, s->psu != NULL)) != LCM_OK)
        goto cleanup;
    if ((st = fill_fpc(d, s, is_count, err, errlen)) != LCM_OK)
        goto cleanup;
    if ((st = fill_weights(d, s, is_count, err, errlen)) != LCM_OK)
        goto cleanup;
    *out = d;
    d = NULL;
cleanup:
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory building the design");
    free(key);
    lcm_svy_design_free(d);
    return st;
}

#define DUP(field, count)                                                                          \
    do {                                                                                           \
        if (d->field) {                                                                            \
            c->field = malloc((count) * sizeof *c->field);                                         \
            if (!c->field)                                                                         \
                goto nomem;                                                                        \
            memcpy(c->field, d->field, (count) * sizeof *c->field);                                \
        }                                                                                          \
    } while (0)

lcm_status lcm__svy_design_clone(const lcm_svy_design *d, lcm_svy_design **out) {
    lcm_svy_design *c = calloc(1, sizeof *c);
    if (!c)
        return LCM_NOMEM;
    *c = *d;
    c->w = NULL, c->prob = NULL, c->order = NULL, c->unit_start = NULL, c->unit_psu = NULL;
    c->psu_stratum = NULL, c->psu_nssu = NULL, c->psu_f2 = NULL, c->psu_code = NULL;
    c->str_npsu = NULL, c->str_f1 = NULL, c->str_frac = NULL, c->str_code = NULL;
    c->cal = NULL, c->rep = NULL, c->str_name = NULL, c->psu_name = NULL;
    DUP(w, d->n);
    DUP(prob, d->n);
    DUP(order, d->n);
    DUP(unit_start, d->nunit + 1);
    DUP(unit_psu, d->nunit);
    DUP(psu_stratum, d->npsu);
    DUP(psu_nssu, d->npsu);
    DUP(psu_f2, d->npsu);
    DUP(psu_code, d->npsu);
    DUP(str_npsu, d->nstrata);
    DUP(str_f1, d->nstrata);
    DUP(str_frac, d->nstrata);
    DUP(str_code, d->nstrata);
    if (d->str_name && !(c->str_name = calloc(d->nstrata, sizeof *c->str_name)))
        goto nomem;
    for (size_t h = 0; d->str_name && h < d->nstrata; h++)
        if (d->str_name[h] && !(c->str_name[h] = strdup(d->str_name[h])))
            goto nomem;
    if (d->psu_name && !(c->psu_name = calloc(d->npsu, sizeof *c->psu_name)))
        goto nomem;
    for (size_t i = 0; d->psu_name && i < d->npsu; i++)
        if (d->psu_name[i] && !(c->psu_name[i] = strdup(d->psu_name[i])))
            goto nomem;
    /* calibration and replicates are not carried over: a clone is the starting point of a
     * new calibration or replicate set, which the caller attaches. */
    *out = c;
    return LCM_OK;
nomem:
    lcm_svy_design_free(c);
    return LCM_NOMEM;
}
