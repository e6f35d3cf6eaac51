/*
 * svy_compare.c - linear combinations of design-based estimates with their full covariance,
 * and the tests built on them (docs/compare.md).
 *
 * lcm_svy_estimate gives each (domain, variable) its estimate; one more walk over the rows in
 * design order keeps, per component and variance unit, the sums sum w*y, sum w, sum w*x of
 * the component's rows. A component's linearised unit total is then (sum w*y - theta * sum
 * w)/W for a mean (w*x for a ratio, theta = 0 and W = 1 for a total), and a combination sum
 * c_k theta_k has the linearised totals sum c_k t_k: its variance comes from the very code
 * lcm_svy_estimate uses (lcm__svy_taylor_var: fpc at both stages, lonely-PSU policy), with
 * the calibration residuals of the combined right-hand side for a calibrated design, or
 * from the combined replicate estimates. That is R's svyby(covmat = TRUE) + svycontrast as
 * survey >= 4.2 computes it from influence functions (survey 4.1's svyby put zeros off the
 * diagonal for linearised designs); the R scripts in tests/r/ get the same numbers from
 * svyglm and svyrecvar.
 */
#include "compare.h"
#include "svy_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

/* One (component, unit) entry: the sums of the component's rows in the unit. */
typedef struct lin_entry {
    size_t comp, unit;
    double a, b, x; /* sum w*y, sum w, sum w*x */
    double t;       /* linearised total, set once the estimate is known */
} lin_entry;

struct lcm_svy_lin {
    const lcm_svy_design *d;
    size_t ncomp, nvar;
    lcm_svy_stat *stat; /* ncomp */
    double *theta;      /* ncomp estimates */
    double *den;        /* ncomp: W, X or 1 */
    size_t *nrows;      /* ncomp */
    lin_entry *e;       /* entries, grouped by component, each group in unit order */
    size_t ne;
    size_t *start; /* ncomp+1 offsets into e */
    double *q;     /* calibrated: ncomp*3p right-hand-side sums */
    double *rs;    /* replicates: ncomp*3R sums */
    /* scratch for combinations */
    double *acc;   /* nunit */
    char *mark;    /* nunit */
    size_t *units; /* nunit */
    double *t;     /* nunit */
    double *beta, *rhs;
    char *smark, *pmark; /* nstrata, npsu */
};

size_t lcm_svy_lin_count(const lcm_svy_lin *L) {
    return L ? L->ncomp : 0;
}

void lcm_svy_lin_free(lcm_svy_lin *L) {
    if (!L)
        return;
    free(L->stat), free(L->theta), free(L->den), free(L->nrows), free(L->e), free(L->start);
    free(L->q), free(L->rs), free(L->acc), free(L->mark), free(L->units), free(L->t);
    free(L->beta), free(L->rhs), free(L->smark), free(L->pmark);
    free(L);
}

static int cmp_entry(const void *pa, const void *pb) {
    const lin_entry *a = pa, *b = pb;
    if (a->comp != b->comp)
        return a->comp < b->comp ? -1 : 1;
    return a->unit < b->unit ? -1 : a->unit > b->unit;
}

/* The walk: entries per (component, unit), calibration and replicate sums per component. */
static lcm_status walk(lcm_svy_lin *L, const lcm_svy_var *vars, const lcm_svy_by *by) {
    const lcm_svy_design *d = L->d;
    size_t cap = 1024, *last = malloc(L->ncomp * sizeof *last);
    L->e = malloc(cap * sizeof *L->e);
    size_t *idx = malloc(L->ncomp * sizeof *idx);
    if (!last || !L->e || !idx) {
        free(last), free(idx);
        return LCM_NOMEM;
    }
    for (size_t c = 0; c < L->ncomp; c++)
        last[c] = SIZE_MAX;
    size_t P = d->cal ? d->cal->p : 0, R = d->rep ? d->rep->nrep : 0;
    for (size_t u = 0; u < d->nunit; u++)
        for (size_t r = d->unit_start[u]; r < d->unit_start[u + 1]; r++) {
            size_t k = d->order[r];
            int32_t D = by->dom ? by->dom[k] : 0;
            if (D < 0)
                continue;
            double w = d->w[k];
            for (size_t v = 0; v < L->nvar; v++) {
                double y = vars[v].y[k], x = vars[v].x ? vars[v].x[k] : 0.0;
                if (isnan(y) || isnan(x))
                    continue;
                size_t c = (size_t)D * L->nvar + v;
                if (last[c] != u) {
                    if (L->ne == cap) {
                        lin_entry *ne = realloc(L->e, 2 * cap * sizeof *ne);
                        if (!ne) {
                            free(last), free(idx);
                            return LCM_NOMEM;
                        }
                        L->e = ne, cap *= 2;
                    }
                    last[c] = u, idx[c] = L->ne;
                    L->e[L->ne++] = (lin_entry){c, u, 0, 0, 0, 0};
                }
                lin_entry *e = &L->e[idx[c]];
                e->a += w * y, e->b += w, e->x += w * x;
                L->nrows[c]++;
                if (L->q)
                    lcm__svy_cal_add(d->cal, k, L->q + c * 3 * P, y, x);
                if (L->rs) {
                    double *s = L->rs + c * 3 * R;
                    for (size_t j = 0; j < R; j++) {
                        double wr = d->rep->w[j * d->n + k];
                        s[j] += wr, s[R + j] += wr * y, s[2 * R + j] += wr * x;
                    }
                }
            }
        }
    free(last), free(idx);
    /* entries come in unit order; a stable grouping by component keeps it within each */
    qsort(L->e, L->ne, sizeof *L->e, cmp_entry);
    for (size_t i = 0; i < L->ne; i++)
        L->start[L->e[i].comp + 1]++;
    for (size_t c = 0; c < L->ncomp; c++)
        L->start[c + 1] += L->start[c];
    return LCM_OK;
}

/* lcm_svy_lin_new; with_var 0 leaves out the per-domain variances (lcm_svy_estimate's pass),
 * filling est with the estimate, the sum of weights and the rows only. */
static lcm_status lin_build(const lcm_svy_design *d, const lcm_svy_var *vars, size_t nvar,
                            const lcm_svy_by *by, lcm_svy_est *est, lcm_svy_lin **out, int with_var,
                            char *err, size_t errlen) {
    *out = NULL;
    if (!d || !vars || !nvar || !by || !est) {
        lcm__an_msg(err, errlen, "invalid comparison request");
        return LCM_INVAL;
    }
    lcm_status st = with_var ? lcm_svy_estimate(d, vars, nvar, by, 1, est, err, errlen) : LCM_OK;
    if (st != LCM_OK)
        return st;
    lcm_svy_lin *L = calloc(1, sizeof *L);
    if (!L)
        return LCM_NOMEM;
    size_t ndom = by->dom ? by->ndom : 1, nu = d->nunit ? d->nunit : 1;
    size_t P = d->cal ? d->cal->p : 1;
    L->d = d, L->nvar = nvar, L->ncomp = ndom * nvar;
    size_t K = L->ncomp ? L->ncomp : 1;
    L->stat = malloc(K * sizeof *L->stat);
    L->theta = malloc(K * sizeof *L->theta);
    L->den = calloc(K, sizeof *L->den);
    L->nrows = calloc(K, sizeof *L->nrows);
    L->start = calloc(K + 1, sizeof *L->start);
    L->acc = calloc(nu, sizeof *L->acc);
    L->mark = calloc(nu, 1);
    L->units = malloc(nu * sizeof *L->units);
    L->t = malloc(nu * sizeof *L->t);
    L->beta = malloc(P * sizeof *L->beta);
    L->rhs = malloc(P * sizeof *L->rhs);
    L->smark = calloc(d->nstrata ? d->nstrata : 1, 1);
    L->pmark = calloc(d->npsu ? d->npsu : 1, 1);
    if (d->cal)
        L->q = calloc(K * 3 * d->cal->p, sizeof *L->q);
    if (d->rep)
        L->rs = calloc(K * 3 * d->rep->nrep, sizeof *L->rs);
    if (!L->stat || !L->theta || !L->den || !L->nrows || !L->start || !L->acc || !L->mark ||
        !L->units || !L->t || !L->beta || !L->rhs || !L->smark || !L->pmark || (d->cal && !L->q) ||
        (d->rep && !L->rs) || walk(L, vars, by) != LCM_OK) {
        lcm_svy_lin_free(L);
        lcm__an_msg(err, errlen, "out of memory in comparison");
        return LCM_NOMEM;
    }
    for (size_t c = 0; c < L->ncomp; c++) {
        lcm_svy_stat s = vars[c % nvar].stat;
        double W = 0, X = 0, A = 0;
        for (size_t i = L->start[c]; i < L->start[c + 1]; i++)
            W += L->e[i].b, X += L->e[i].x, A += L->e[i].a;
        if (!with_var) {
            double th = !L->nrows[c]         ? NAN
                        : s == LCM_SVY_MEAN  ? A / W
                        : s == LCM_SVY_TOTAL ? A
                                             : A / X;
            est[c] = (lcm_svy_est){th, NAN, NAN, NAN, W, NAN, L->nrows[c], 0};
        }
        L->stat[c] = s, L->theta[c] = est[c].estimate;
        L->den[c] = s == LCM_SVY_MEAN ? W : s == LCM_SVY_TOTAL ? 1.0 : X;
        double xk = s == LCM_SVY_TOTAL ? 0.0 : L->theta[c];
        for (size_t i = L->start[c]; i < L->start[c + 1]; i++) {
            lin_entry *e = &L->e[i];
            e->t = (e->a - xk * (s == LCM_SVY_RATIO ? e->x : e->b)) / L->den[c];
        }
    }
    *out = L;
    return LCM_OK;
}

lcm_status lcm_svy_lin_new(const lcm_svy_design *d, const lcm_svy_var *vars, size_t nvar,
                           const lcm_svy_by *by, lcm_svy_est *est, lcm_svy_lin **out, char *err,
                           size_t errlen) {
    return lin_build(d, vars, nvar, by, est, out, 1, err, errlen);
}

static int cmp_size(const void *pa, const void *pb) {
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return a < b ? -1 : a > b;
}

/* Replicate k's estimate of component c. */
static double rep_theta(const lcm_svy_lin *L, size_t c, size_t r) {
    size_t R = L->d->rep->nrep;
    const double *s = L->rs + c * 3 * R;
    return L->stat[c] == LCM_SVY_MEAN    ? s[R + r] / s[r]
           : L->stat[c] == LCM_SVY_TOTAL ? s[R + r]
                                         : s[R + r] / s[2 * R + r];
}

/* The variance and df of sum coef[c] * theta_c, the estimate already known to be finite. */
static lcm_status combine(const lcm_svy_lin *Lc, const double *coef, double est, double *var,
                          double *df, char *err, size_t errlen) {
    lcm_svy_lin *L = (lcm_svy_lin *)Lc; /* scratch only */
    const lcm_svy_design *d = L->d;
    size_t m = 0;
    lcm_status st = LCM_OK;
    /* the units holding rows of the combination, with their combined linearised totals */
    for (size_t c = 0; c < L->ncomp; c++) {
        if (coef[c] == 0)
            continue;
        for (size_t i = L->start[c]; i < L->start[c + 1]; i++) {
            size_t u = L->e[i].unit;
            if (!L->mark[u])
                L->mark[u] = 1, L->units[m++] = u;
            L->acc[u] += coef[c] * L->e[i].t;
        }
    }
    qsort(L->units, m, sizeof *L->units, cmp_size);
    size_t npsu = 0, nstr = 0;
    for (size_t a = 0; a < m; a++) {
        size_t i = d->unit_psu[L->units[a]], h = d->psu_stratum[i];
        if (!L->pmark[i])
            L->pmark[i] = 1, npsu++;
        if (!L->smark[h])
            L->smark[h] = 1, nstr++;
    }
    *df = (double)npsu - (double)nstr;
    if (d->rep) {
        size_t R = d->rep->nrep, k = 0;
        double *s = calloc(3 * R, sizeof *s);
        size_t *psus = malloc((npsu ? npsu : 1) * sizeof *psus);
        if (!s || !psus) {
            free(s), free(psus);
            st = LCM_NOMEM;
            goto cleanup;
        }
        for (size_t c = 0; c < L->ncomp; c++)
            for (size_t r = 0; coef[c] != 0 && r < R; r++)
                s[R + r] += coef[c] * rep_theta(L, c, r);
        *var = lcm__svy_rep_var(d->rep, s, LCM_SVY_TOTAL, est);
        for (size_t a = 0; a < m; a++) {
            size_t i = d->unit_psu[L->units[a]];
            if (k == 0 || psus[k - 1] != i)
                psus[k++] = i;
        }
        *df = lcm__svy_rep_df(d, psus, k);
        free(s), free(psus);
    } else if (d->cal) {
        const svy_cal *cal = d->cal;
        size_t P = cal->p;
        memset(L->rhs, 0, P * sizeof *L->rhs);
        for (size_t c = 0; c < L->ncomp; c++) {
            if (coef[c] == 0)
                continue;
            const double *q = L->q + c * 3 * P;
            const double *qx = L->stat[c] == LCM_SVY_RATIO ? q + 2 * P : q;
            double xk = L->stat[c] == LCM_SVY_TOTAL ? 0.0 : L->theta[c];
            for (size_t j = 0; j < P; j++)
                L->rhs[j] += coef[c] * (q[P + j] - xk * qx[j]) / L->den[c];
        }
        lcm__svy_cal_beta(cal, L->rhs, L->beta);
        size_t *all = malloc((d->nunit ? d->nunit : 1) * sizeof *all);
        if (!all) {
            st = LCM_NOMEM;
            goto cleanup;
        }
        for (size_t u = 0; u < d->nunit; u++) {
            double s = 0.0;
            for (size_t z = cal->uc_start[u]; z < cal->uc_start[u + 1]; z++)
                s += L->beta[cal->uc_col[z]] * cal->uc_val[z];
            all[u] = u;
            L->t[u] = L->acc[u] - s;
        }
        st = lcm__svy_taylor_var(d, all, L->t, d->nunit, var, err, errlen);
        free(all);
    } else {
        for (size_t a = 0; a < m; a++)
            L->t[a] = L->acc[L->units[a]];
        st = lcm__svy_taylor_var(d, L->units, L->t, m, var, err, errlen);
    }
cleanup:
    for (size_t a = 0; a < m; a++) {
        size_t u = L->units[a], i = d->unit_psu[u];
        L->acc[u] = 0, L->mark[u] = 0, L->pmark[i] = 0, L->smark[d->psu_stratum[i]] = 0;
    }
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory in comparison");
    return st;
}

lcm_status lcm_svy_lin_contrast(const lcm_svy_lin *L, const double *coef, lcm_svy_contrast *out,
                                char *err, size_t errlen) {
    *out = (lcm_svy_contrast){NAN, NAN, NAN, NAN, NAN, NAN};
    int any = 0;
    double est = 0.0;
    for (size_t c = 0; c < L->ncomp; c++)
        if (coef[c] != 0) {
            any = 1;
            est += coef[c] * (L->nrows[c] ? L->theta[c] : NAN);
        }
    if (!any) {
        lcm__an_msg(err, errlen, "a contrast needs at least one nonzero coefficient");
        return LCM_INVAL;
    }
    out->estimate = est;
    if (isnan(est))
        return LCM_OK;
    lcm_status st = combine(L, coef, est, &out->var, &out->df, err, errlen);
    if (st != LCM_OK)
        return st;
    out->se = sqrt(out->var);
    out->t = out->estimate / out->se;
    out->p = out->df > 0 && out->se > 0 ? 2 * gsl_cdf_tdist_Q(fabs(out->t), out->df) : NAN;
    return LCM_OK;
}

/* 1 when components i and j have rows in a common stratum. */
static int share_stratum(const lcm_svy_lin *L, size_t i, size_t j) {
    lcm_svy_lin *M = (lcm_svy_lin *)L;
    const lcm_svy_design *d = L->d;
    int hit = 0;
    for (size_t a = L->start[i]; a < L->start[i + 1]; a++)
        M->smark[d->psu_stratum[d->unit_psu[L->e[a].unit]]] = 1;
    for (size_t a = L->start[j]; a < L->start[j + 1] && !hit; a++)
        hit = M->smark[d->psu_stratum[d->unit_psu[L->e[a].unit]]];
    for (size_t a = L->start[i]; a < L->start[i + 1]; a++)
        M->smark[d->psu_stratum[d->unit_psu[L->e[a].unit]]] = 0;
    return hit;
}

lcm_status lcm_svy_lin_cov(const lcm_svy_lin *L, double *cov, char *err, size_t errlen) {
    size_t K = L->ncomp;
    double *coef = calloc(K ? K : 1, sizeof *coef), *v = malloc((K ? K : 1) * sizeof *v), df;
    lcm_status st = coef && v ? LCM_OK : LCM_NOMEM;
    for (size_t i = 0; st == LCM_OK && i < K; i++) {
        v[i] = NAN;
        if (!L->nrows[i])
            continue;
        coef[i] = 1;
        st = combine(L, coef, L->theta[i], &v[i], &df, err, errlen);
        coef[i] = 0;
    }
    for (size_t i = 0; st == LCM_OK && i < K; i++) {
        cov[i * K + i] = v[i];
        for (size_t j = i + 1; st == LCM_OK && j < K; j++) {
            double c = NAN;
            if (!L->nrows[i] || !L->nrows[j])
                c = NAN;
            else if (!L->d->rep && !L->d->cal && !share_stratum(L, i, j))
                c = 0.0;
            else {
                double vij;
                coef[i] = coef[j] = 1;
                st = combine(L, coef, L->theta[i] + L->theta[j], &vij, &df, err, errlen);
                coef[i] = coef[j] = 0;
                c = (vij - v[i] - v[j]) / 2;
            }
            cov[i * K + j] = cov[j * K + i] = c;
        }
    }
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory in comparison");
    free(coef), free(v);
    return st;
}

lcm_status lcm_svy_ttest_run(const lcm_svy_design *d, const double *y, const int32_t *group,
                             double level, lcm_svy_ttest *out, char *err, size_t errlen) {
    size_t n = lcm_svy_design_nrows(d);
    *out = (lcm_svy_ttest){NAN, NAN, NAN, NAN, NAN, NAN, NAN, {NAN, NAN}, {0, 0}};
    for (size_t k = 0; k < n; k++)
        if (group[k] < -1 || group[k] > 1) {
            lcm__an_msg(err, errlen, "row %zu: group %d is not 0 or 1", k + 1, (int)group[k]);
            return LCM_INVAL;
        }
    lcm_svy_var var = {LCM_SVY_MEAN, y, NULL};
    lcm_svy_by by = {group, 2};
    lcm_svy_est est[2];
    lcm_svy_lin *L = NULL;
    lcm_status st = lcm_svy_lin_new(d, &var, 1, &by, est, &L, err, errlen);
    if (st != LCM_OK)
        return st;
    for (int g = 0; g < 2; g++)
        out->mean[g] = est[g].estimate, out->nrows[g] = est[g].nrows;
    if (!est[0].nrows || !est[1].nrows) {
        lcm_svy_lin_free(L);
        lcm__an_msg(err, errlen, "group %d has no answered row: a t-test needs both groups",
                    est[0].nrows ? 1 : 0);
        return LCM_INVAL;
    }
    const double coef[2] = {-1, 1};
    lcm_svy_contrast c;
    st = lcm_svy_lin_contrast(L, coef, &c, err, errlen);
    lcm_svy_lin_free(L);
    if (st != LCM_OK)
        return st;
    /* svyglm(y ~ g): df.residual = degf(design of the complete rows) + 1 - 2 */
    out->diff = c.estimate, out->se = c.se, out->t = c.t, out->df = c.df - 1;
    if (out->df > 0 && c.se > 0) {
        out->p = 2 * gsl_cdf_tdist_Q(fabs(out->t), out->df);
        double q = gsl_cdf_tdist_Qinv((1 - level) / 2, out->df);
        out->ci_low = c.estimate - q * c.se, out->ci_high = c.estimate + q * c.se;
    }
    return LCM_OK;
}

/* Compact the ids of levels present in any row; *k gets their number. Returns the new ids
 * (malloc'd, -1 kept) or NULL. */
static int32_t *compact(const int32_t *id, size_t n, size_t nlev, size_t *k) {
    int32_t *map = malloc((nlev ? nlev : 1) * sizeof *map),
            *out = malloc((n ? n : 1) * sizeof *out);
    if (!map || !out) {
        free(map), free(out);
        return NULL;
    }
    for (size_t i = 0; i < nlev; i++)
        map[i] = -1;
    for (size_t r = 0; r < n; r++)
        if (id[r] >= 0 && (size_t)id[r] < nlev)
            map[id[r]] = 0;
    *k = 0;
    for (size_t i = 0; i < nlev; i++)
        if (map[i] == 0)
            map[i] = (int32_t)(*k)++;
    for (size_t r = 0; r < n; r++)
        out[r] = id[r] >= 0 && (size_t)id[r] < nlev ? map[id[r]] : -1;
    free(map);
    return out;
}

/* Residuals of the interaction columns of the saturated model after the additive one (R's
 * qr.resid(qr(X1), X12[, interaction])): K x ni into C. */
static int interaction_resid(size_t nr, size_t nc, gsl_matrix *C) {
    size_t K = nr * nc, p1 = nr + nc - 1;
    gsl_matrix *X = gsl_matrix_calloc(K, p1);
    gsl_vector *tau = gsl_vector_alloc(p1), *b = gsl_vector_alloc(K), *x = gsl_vector_alloc(p1),
               *res = gsl_vector_alloc(K);
    int ok = X && tau && b && x && res;
    for (size_t c = 0; ok && c < nc; c++)
        for (size_t r = 0; r < nr; r++) {
            size_t k = r + nr * c;
            gsl_matrix_set(X, k, 0, 1.0);
            if (r > 0)
                gsl_matrix_set(X, k, r, 1.0);
            if (c > 0)
                gsl_matrix_set(X, k, nr - 1 + c, 1.0);
        }
    ok = ok && gsl_linalg_QR_decomp(X, tau) == GSL_SUCCESS;
    size_t col = 0;
    for (size_t c = 1; ok && c < nc; c++)
        for (size_t r = 1; ok && r < nr; r++, col++) {
            gsl_vector_set_zero(b);
            gsl_vector_set(b, r + nr * c, 1.0);
            ok = gsl_linalg_QR_lssolve(X, tau, b, x, res) == GSL_SUCCESS;
            for (size_t k = 0; ok && k < K; k++)
                gsl_matrix_set(C, k, col, gsl_vector_get(res, k));
        }
    gsl_matrix_free(X);
    gsl_vector_free(tau), gsl_vector_free(b), gsl_vector_free(x), gsl_vector_free(res);
    return ok;
}

lcm_status lcm_svy_chisq_run(const lcm_svy_design *d, const int32_t *row, size_t nr_in,
                             const int32_t *col, size_t nc_in, lcm_svy_chisq *out, char *err,
                             size_t errlen) {
    size_t n = lcm_svy_design_nrows(d), nr = 0, nc = 0;
    memset(out, 0, sizeof *out);
    int32_t *ri = compact(row, n, nr_in, &nr), *ci = compact(col, n, nc_in, &nc), *dom = NULL;
    double **ind = NULL, *V = NULL, *rs = NULL;
    lcm_svy_var *vars = NULL;
    lcm_svy_est *est = NULL;
    lcm_svy_lin *L = NULL;
    gsl_matrix *C = NULL, *DC = NULL, *VDC = NULL, *den = NULL, *num = NULL, *Delta = NULL,
               *D2 = NULL;
    gsl_permutation *perm = NULL;
    lcm_status st = LCM_OK;
    if (!ri || !ci) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    out->nr = nr, out->nc = nc;
    if (nr < 2 || nc < 2) {
        lcm__an_msg(err, errlen, "a two-way table needs two levels of each variable, got %zu x %zu",
                    nr, nc);
        st = LCM_INVAL;
        goto cleanup;
    }
    size_t K = nr * nc, ni = (nr - 1) * (nc - 1);
    ind = calloc(K, sizeof *ind);
    vars = calloc(K, sizeof *vars);
    est = calloc(K, sizeof *est);
    dom = malloc((n ? n : 1) * sizeof *dom);
    V = malloc(K * K * sizeof *V);
    if (!ind || !vars || !est || !dom || !V) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    for (size_t r = 0; r < n; r++)
        dom[r] = ri[r] >= 0 && ci[r] >= 0 ? 0 : -1;
    for (size_t k = 0; k < K; k++) {
        if (!(ind[k] = malloc((n ? n : 1) * sizeof **ind))) {
            st = LCM_NOMEM;
            goto cleanup;
        }
        for (size_t r = 0; r < n; r++)
            ind[k][r] = dom[r] < 0 ? NAN : (size_t)ri[r] + nr * (size_t)ci[r] == k;
        vars[k] = (lcm_svy_var){LCM_SVY_MEAN, ind[k], NULL};
    }
    lcm_svy_by by = {dom, 1};
    if ((st = lcm_svy_lin_new(d, vars, K, &by, est, &L, err, errlen)) != LCM_OK ||
        (st = lcm_svy_lin_cov(L, V, err, errlen)) != LCM_OK)
        goto cleanup;
    if (est[0].nrows == 0) {
        lcm__an_msg(err, errlen, "no row has both variables answered");
        st = LCM_INVAL;
        goto cleanup;
    }
    /* Pearson X^2 of the weighted table scaled to N = every row of the design */
    double N = (double)n, tot = 0.0;
    if (!(rs = calloc(nr + nc, sizeof *rs))) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    double *cs = rs + nr;
    for (size_t k = 0; k < K; k++)
        tot += est[k].estimate;
    for (size_t k = 0; k < K; k++)
        rs[k % nr] += est[k].estimate * N / tot, cs[k / nr] += est[k].estimate * N / tot;
    double x2 = 0.0;
    for (size_t k = 0; k < K; k++) {
        double o = est[k].estimate * N / tot, e = rs[k % nr] * cs[k / nr] / N;
        x2 += (o - e) * (o - e) / e;
    }
    out->pearson = x2;
    /* Delta = (C' D^-1 C / N)^-1 C' D^-1 V D^-1 C, D = diag(cell proportions), 1/0 -> 0 */
    C = gsl_matrix_alloc(K, ni);
    DC = gsl_matrix_alloc(K, ni);
    VDC = gsl_matrix_alloc(K, ni);
    den = gsl_matrix_alloc(ni, ni);
    num = gsl_matrix_alloc(ni, ni);
    Delta = gsl_matrix_alloc(ni, ni);
    D2 = gsl_matrix_alloc(ni, ni);
    perm = gsl_permutation_alloc(ni);
    if (!C || !DC || !VDC || !den || !num || !Delta || !D2 || !perm) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    if (!interaction_resid(nr, nc, C)) {
        lcm__an_msg(err, errlen, "the table's contrast matrix could not be formed");
        st = LCM_NUMERIC;
        goto cleanup;
    }
    for (size_t k = 0; k < K; k++) {
        double p = est[k].estimate, ip = p == 0 ? 0.0 : 1.0 / p;
        for (size_t j = 0; j < ni; j++)
            gsl_matrix_set(DC, k, j, ip * gsl_matrix_get(C, k, j));
    }
    for (size_t k = 0; k < K * K; k++)
        if (isnan(V[k]))
            V[k] = 0.0; /* a cell with no row has no variance */
    gsl_matrix_view Vv = gsl_matrix_view_array(V, K, K);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0 / N, C, DC, 0.0, den);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &Vv.matrix, DC, 0.0, VDC);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, DC, VDC, 0.0, num);
    int sgn;
    if (gsl_linalg_LU_decomp(den, perm, &sgn) != GSL_SUCCESS ||
        fabs(gsl_linalg_LU_det(den, sgn)) == 0.0) {
        lcm__an_msg(err, errlen,
                    "the table's design-effect matrix is singular (a whole row or "
                    "column of the table has no weight)");
        st = LCM_NUMERIC;
        goto cleanup;
    }
    for (size_t j = 0; j < ni; j++) {
        gsl_vector_view b = gsl_matrix_column(num, j), x = gsl_matrix_column(Delta, j);
        gsl_linalg_LU_solve(den, perm, &b.vector, &x.vector);
    }
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, Delta, Delta, 0.0, D2);
    double tr = 0.0, tr2 = 0.0;
    for (size_t j = 0; j < ni; j++)
        tr += gsl_matrix_get(Delta, j, j), tr2 += gsl_matrix_get(D2, j, j);
    double nu = (double)lcm_svy_design_npsu(d) - (double)lcm_svy_design_nstrata(d);
    out->trace = tr, out->trace2 = tr2;
    out->f = x2 / tr;
    out->ndf = tr * tr / tr2;
    out->ddf = out->ndf * nu;
    out->p_f = gsl_cdf_fdist_Q(out->f, out->ndf, out->ddf);
    out->df_chisq = (double)ni;
    out->chisq_adj = x2 / (tr / (double)ni);
    out->p_chisq = gsl_cdf_chisq_Q(out->chisq_adj, out->df_chisq);
cleanup:
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory in the chi-square test");
    for (size_t k = 0; ind && k < nr * nc; k++)
        free(ind[k]);
    free(ind), free(vars), free(est), free(dom), free(V), free(rs), free(ri), free(ci);
    lcm_svy_lin_free(L);
    gsl_matrix_free(C), gsl_matrix_free(DC), gsl_matrix_free(VDC), gsl_matrix_free(den);
    gsl_matrix_free(num), gsl_matrix_free(Delta), gsl_matrix_free(D2);
    gsl_permutation_free(perm);
    return st;
}

typedef struct pidx {
    double p;
    size_t i;
} pidx;

static int cmp_pidx(const void *pa, const void *pb) {
    const pidx *a = pa, *b = pb;
    if (a->p != b->p)
        return a->p < b->p ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

lcm_status lcm_p_adjust(const double *p, size_t n, lcm_padjust method, double *out) {
    pidx *s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return LCM_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = p[i];
        if (!isnan(p[i]))
            s[m++] = (pidx){p[i], i};
    }
    qsort(s, m, sizeof *s, cmp_pidx);
    if (method == LCM_PADJ_HOLM) { /* cummax((m - i + 1) p_(i)), capped at 1 */
        double run = 0.0;
        for (size_t i = 0; i < m; i++) {
            double v = fmin(1.0, (double)(m - i) * s[i].p);
            run = fmax(run, v);
            out[s[i].i] = run;
        }
    } else if (method == LCM_PADJ_BH) { /* cummin from the top of m/i p_(i), capped at 1 */
        double run = 1.0;
        for (size_t i = m; i > 0; i--) {
            double v = fmin(1.0, (double)m / (double)i * s[i - 1].p);
            run = fmin(run, v);
            out[s[i - 1].i] = run;
        }
    }
    free(s);
    return LCM_OK;
}

static size_t gaps_budget = 4000000; /* doubles of sums per chunk of areas */

void lcm__svy_gaps_budget(size_t doubles) {
    gaps_budget = doubles ? doubles : 4000000;
}

lcm_status lcm_svy_gaps(const lcm_svy_design *d, const double *y, const int32_t *area, size_t narea,
                        const int32_t *group, size_t ngroup, double level, lcm_svy_gap *out,
                        char *err, size_t errlen) {
    /* Areas go through in chunks: a calibrated or replicate design keeps 3 (p + R) sums per
     * component (p calibration columns: ~1,800 when raked by city at 300 cities), so all
     * areas at once would hold hundreds of MB; a chunk keeps that near 32 MB, one pass each. */
    size_t n = lcm_svy_design_nrows(d),
           extra = (d->cal ? d->cal->p : 0) + (d->rep ? d->rep->nrep : 0);
    size_t per_area = 2 * (ngroup ? ngroup : 1) * 3 * (extra + 1);
    size_t chunk = extra ? gaps_budget / per_area : narea;
    if (chunk < 1)
        chunk = 1;
    if (chunk > narea)
        chunk = narea ? narea : 1;
    size_t K = 2 * chunk * ngroup;
    int32_t *dom = malloc((n ? n : 1) * sizeof *dom);
    double *ones = malloc((n ? n : 1) * sizeof *ones), *coef = calloc(K ? K : 1, sizeof *coef);
    lcm_svy_est *est = calloc(K ? K : 1, sizeof *est);
    lcm_svy_lin *L = NULL;
    lcm_status st = LCM_OK;
    if (!dom || !ones || !coef || !est) {
        st = LCM_NOMEM;
        lcm__an_msg(err, errlen, "out of memory in the group comparisons");
        goto cleanup;
    }
    for (size_t k = 0; k < n; k++)
        ones[k] = isnan(y[k]) ? NAN : 1.0;
    /* components [domain][mean of y, total of 1 = the domain's sum of weights] */
    lcm_svy_var vars[2] = {{LCM_SVY_MEAN, y, NULL}, {LCM_SVY_TOTAL, ones, NULL}};
    for (size_t a0 = 0; a0 < narea; a0 += chunk) {
        size_t a1 = a0 + chunk < narea ? a0 + chunk : narea, ndom = (a1 - a0) * ngroup;
        for (size_t k = 0; k < n; k++) {
            int in = area[k] >= (int32_t)a0 && area[k] < (int32_t)a1 && group[k] >= 0 &&
                     (size_t)group[k] < ngroup;
            dom[k] = in ? (area[k] - (int32_t)a0) * (int32_t)ngroup + group[k] : -1;
        }
        lcm_svy_by by = {dom, ndom};
        lcm_svy_lin_free(L);
        L = NULL;
        /* the domains' own variances are not needed: only the contrasts' */
        if ((st = lin_build(d, vars, 2, &by, est, &L, 0, err, errlen)) != LCM_OK)
            goto cleanup;
        for (size_t a = a0; a < a1; a++)
            for (size_t g = 0; g < ngroup; g++) {
                lcm_svy_gap *o = &out[a * ngroup + g];
                size_t base = (a - a0) * ngroup;
                *o = (lcm_svy_gap){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
                double Wr = 0, Ar = 0;
                for (size_t l = 0; l < ngroup; l++) {
                    const lcm_svy_est *m = &est[2 * (base + l)];
                    if (l != g && m->nrows)
                        Wr += m->wsum, Ar += m->wsum * m->estimate, o->n_rest += m->nrows;
                }
                const lcm_svy_est *mg = &est[2 * (base + g)];
                o->n_group = mg->nrows;
                if (!mg->nrows || !o->n_rest)
                    continue;
                o->mean_group = mg->estimate;
                o->mean_rest = Ar / Wr;
                o->diff = o->mean_group - o->mean_rest;
                memset(coef, 0, 2 * ndom * sizeof *coef);
                for (size_t l = 0; l < ngroup; l++) {
                    size_t D = base + l;
                    const lcm_svy_est *m = &est[2 * D];
                    if (!m->nrows)
                        continue;
                    if (l == g) {
                        coef[2 * D] = 1.0;
                    } else {
                        coef[2 * D] = -m->wsum / Wr;
                        coef[2 * D + 1] = -(m->estimate - o->mean_rest) / Wr;
                    }
                }
                lcm_svy_contrast c;
                if ((st = lcm_svy_lin_contrast(L, coef, &c, err, errlen)) != LCM_OK)
                    goto cleanup;
                o->se = c.se;
                o->t = o->diff / c.se;
                o->df = c.df - 1; /* svyglm(y ~ I(group == g)): two coefficients */
                if (o->df > 0 && c.se > 0) {
                    o->p = 2 * gsl_cdf_tdist_Q(fabs(o->t), o->df);
                    double q = gsl_cdf_tdist_Qinv((1 - level) / 2, o->df);
                    o->ci_low = o->diff - q * c.se, o->ci_high = o->diff + q * c.se;
                }
            }
    }
cleanup:
    lcm_svy_lin_free(L);
    free(dom), free(ones), free(coef), free(est);
    return st;
}
