/*
 * svy_estimate.c - means, totals, proportions and ratios for every domain of every "by"
 * grouping in ONE pass over the rows.
 *
 * The pass walks the variance units (PSUs, or SSUs for a two-stage variance) in design order
 * and keeps, per (domain, unit) met, a "cell" with sum w, sum w*y, sum w*x and the row count
 * for every variable. A domain's linearised unit totals are affine in its estimate (for a mean
 * t_u = (sum w*y - ybar * sum w)/W), so after the pass each (domain, variable) is finished
 * from its own cells without touching the rows again; units the domain never meets count as
 * zero totals in n_h, which is exactly what R's subset() + svymean(na.rm=TRUE) do. Calibrated
 * designs add, per (domain, variable), the right-hand side of the residual projection; designs
 * with replicate weights add the replicate sums.
 */
#include "svy_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

enum { K_W, K_WY, K_WX, K_N, K_ };

typedef struct pass {
    size_t nvar, ndom; /* variables, domains over all groupings */
    size_t ncell, cap;
    size_t *cell_dom, *cell_unit;
    double *acc;  /* ncell * nvar * K_ */
    double *mom;  /* ndom*nvar*3: weighted W, mean, M2 for the design effect */
    double *q;    /* calibrated: ndom*nvar*3p, sums of a_kj, a_kj*y, a_kj*x */
    double *rsum; /* replicates: ndom*nvar*3R, sums of w_r, w_r*y, w_r*x */
} pass;

static void pass_free(pass *p) {
    free(p->cell_dom);
    free(p->cell_unit);
    free(p->acc);
    free(p->mom);
    free(p->q);
    free(p->rsum);
}

static int grow(pass *p) {
    size_t cap = p->cap ? 2 * p->cap : 1024;
    size_t *cd = realloc(p->cell_dom, cap * sizeof *cd);
    if (!cd)
        return 0;
    p->cell_dom = cd;
    size_t *cu = realloc(p->cell_unit, cap * sizeof *cu);
    if (!cu)
        return 0;
    p->cell_unit = cu;
    double *a = realloc(p->acc, cap * p->nvar * K_ * sizeof *a);
    if (!a)
        return 0;
    p->acc = a;
    p->cap = cap;
    return 1;
}

size_t lcm_svy_nresults(const lcm_svy_by *by, size_t nby, size_t nvar) {
    size_t nd = 0;
    for (size_t g = 0; g < nby; g++)
        nd += by[g].dom ? by[g].ndom : 1;
    return nd * nvar;
}

/* Calibration right-hand sides for one row in one domain. */
static void add_cal(const svy_cal *c, size_t k, double *q, double y, double x) {
    size_t p = c->p;
    for (size_t b = 0; b < c->nblock; b++) {
        const svy_cal_block *bl = &c->block[b];
        if (bl->cell) {
            size_t j = bl->col0 + (size_t)bl->cell[k];
            double a = bl->afac[k];
            q[j] += a, q[p + j] += a * y, q[2 * p + j] += a * x;
        } else {
            const double *xr = bl->dense + k * bl->ncol;
            for (size_t jj = 0; jj < bl->ncol; jj++) {
                size_t j = bl->col0 + jj;
                double a = bl->afac[k] * xr[jj];
                q[j] += a, q[p + j] += a * y, q[2 * p + j] += a * x;
            }
        }
    }
}

/* Adds row k (weight w) to domain D's cell c for every variable. */
static void add_row(const lcm_svy_design *d, pass *p, const lcm_svy_var *vars, size_t k, size_t D,
                    size_t c) {
    double w = d->w[k];
    double *a = p->acc + c * p->nvar * K_;
    for (size_t v = 0; v < p->nvar; v++, a += K_) {
        double y = vars[v].y[k];
        double x = vars[v].x ? vars[v].x[k] : 0.0;
        if (isnan(y) || isnan(x))
            continue;
        a[K_W] += w, a[K_WY] += w * y, a[K_WX] += w * x, a[K_N] += 1.0;
        double *m = p->mom + (D * p->nvar + v) * 3;
        double delta = y - m[1];
        m[0] += w;
        m[1] += w / m[0] * delta;
        m[2] += w * delta * (y - m[1]);
        if (p->q)
            add_cal(d->cal, k, p->q + (D * p->nvar + v) * 3 * d->cal->p, y, x);
        if (p->rsum) {
            size_t R = d->rep->nrep;
            double *s = p->rsum + (D * p->nvar + v) * 3 * R;
            for (size_t r = 0; r < R; r++) {
                double wr = d->rep->w[r * d->n + k];
                s[r] += wr, s[R + r] += wr * y, s[2 * R + r] += wr * x;
            }
        }
    }
}

static lcm_status run_pass(const lcm_svy_design *d, pass *p, const lcm_svy_var *vars,
                           const lcm_svy_by *by, size_t nby, const size_t *base) {
    lcm_status st = LCM_OK;
    size_t *stamp = malloc(p->ndom * sizeof *stamp), *slot = malloc(p->ndom * sizeof *slot);
    if (!stamp || !slot) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    for (size_t D = 0; D < p->ndom; D++)
        stamp[D] = SIZE_MAX;
    for (size_t u = 0; u < d->nunit; u++) {
        for (size_t r = d->unit_start[u]; r < d->unit_start[u + 1]; r++) {
            size_t k = d->order[r];
            for (size_t g = 0; g < nby; g++) {
                int32_t id = by[g].dom ? by[g].dom[k] : 0;
                if (id < 0)
                    continue;
                size_t D = base[g] + (size_t)id;
                if (stamp[D] != u) {
                    if (p->ncell == p->cap && !grow(p)) {
                        st = LCM_NOMEM;
                        goto cleanup;
                    }
                    stamp[D] = u;
                    slot[D] = p->ncell;
                    p->cell_dom[p->ncell] = D;
                    p->cell_unit[p->ncell] = u;
                    memset(p->acc + p->ncell * p->nvar * K_, 0, p->nvar * K_ * sizeof *p->acc);
                    p->ncell++;
                }
                add_row(d, p, vars, k, D, slot[D]);
            }
        }
    }
cleanup:
    free(stamp);
    free(slot);
    return st;
}

/* Replicate r's estimate from its sums s (sum w_r, sum w_r*y, sum w_r*x at s[r], s[R+r],
 * s[2R+r]). */
static double rep_theta(const double *s, size_t R, size_t r, lcm_svy_stat stat) {
    return stat == LCM_SVY_MEAN    ? s[R + r] / s[r]
           : stat == LCM_SVY_TOTAL ? s[R + r]
                                   : s[R + r] / s[2 * R + r];
}

/* Variance from replicate estimates, R's svrVar(): scale * sum rscale (theta_r - centre)^2,
 * centre the mean of the replicates with rscale > 0 (or the estimate with mse). Replicates
 * whose estimate is undefined (the replicate emptied the domain) are discarded, as R's
 * na.action does. */
static double rep_var(const svy_rep *rp, const double *s, lcm_svy_stat stat, double est) {
    size_t R = rp->nrep, m = 0;
    double mean = 0.0, v = 0.0;
    for (size_t r = 0; r < R; r++) {
        double th = rep_theta(s, R, r, stat);
        if (isnan(th) || !(rp->rscale[r] > 0))
            continue;
        mean += th;
        m++;
    }
    double centre = rp->mse ? est : mean / (double)m;
    for (size_t r = 0; r < R; r++) {
        double th = rep_theta(s, R, r, stat);
        if (!isnan(th))
            v += rp->rscale[r] * (th - centre) * (th - centre);
    }
    return rp->scale * v;
}

/* R's degf() of a replicate design subset to the domain: the rank of its replicate weights
 * (qr tolerance 1e-5) - 1. Rows of one PSU are multiples of one row of multipliers, so the
 * rank is that of the multiplier rows of the k PSUs present. */
static double rep_df(const lcm_svy_design *d, const size_t *psus, size_t k) {
    size_t R = d->rep->nrep, rows = k > R ? k : R, cols = k > R ? R : k, rank = 0;
    gsl_matrix *a = gsl_matrix_alloc(rows, cols), *v = gsl_matrix_alloc(cols, cols);
    gsl_vector *s = gsl_vector_alloc(cols), *work = gsl_vector_alloc(cols);
    if (a && v && s && work) {
        for (size_t i = 0; i < k; i++) {
            size_t row = d->order[d->unit_start[d->rep->psu_unit0[psus[i]]]];
            for (size_t r = 0; r < R; r++) {
                double m = d->rep->w[r * d->n + row] / d->w[row];
                if (k > R)
                    gsl_matrix_set(a, i, r, m);
                else
                    gsl_matrix_set(a, r, i, m);
            }
        }
        if (gsl_linalg_SV_decomp(a, v, s, work) == GSL_SUCCESS)
            for (size_t i = 0; i < cols; i++)
                rank += gsl_vector_get(s, i) > 1e-5 * gsl_vector_get(s, 0);
    }
    gsl_matrix_free(a);
    gsl_matrix_free(v);
    gsl_vector_free(s);
    gsl_vector_free(work);
    return (double)rank - 1;
}

/* Scratch buffers shared by the finishing of every (domain, variable). */
typedef struct scratch {
    size_t *units;
    double *t;
    double *beta, *rhs;
} scratch;

/* Finishes one (domain, variable) from its cells cl[0..nc). */
static lcm_status finish(const lcm_svy_design *d, const pass *p, const lcm_svy_var *var, size_t D,
                         size_t v, const size_t *cl, size_t nc, scratch *sc, lcm_svy_est *e,
                         char *err, size_t errlen) {
    double W = 0, A = 0, X = 0, N = 0;
    size_t npsu = 0, nstr = 0, lastp = SIZE_MAX, lasth = SIZE_MAX, m = 0;
    for (size_t a = 0; a < nc; a++) {
        const double *c = p->acc + (cl[a] * p->nvar + v) * K_;
        if (c[K_N] == 0)
            continue;
        W += c[K_W], A += c[K_WY], X += c[K_WX], N += c[K_N];
        size_t i = d->unit_psu[p->cell_unit[cl[a]]], h = d->psu_stratum[i];
        npsu += i != lastp, nstr += h != lasth;
        lastp = i, lasth = h;
    }
    *e = (lcm_svy_est){NAN, NAN, NAN, NAN, W, NAN, (size_t)N, npsu};
    if (N == 0)
        return LCM_OK;
    e->df = (double)npsu - (double)nstr;
    double est = var->stat == LCM_SVY_MEAN ? A / W : var->stat == LCM_SVY_TOTAL ? A : A / X;
    double den = var->stat == LCM_SVY_MEAN ? W : var->stat == LCM_SVY_TOTAL ? 1.0 : X;
    double xk = var->stat == LCM_SVY_MEAN ? est : var->stat == LCM_SVY_TOTAL ? 0.0 : est;
    int kx = var->stat == LCM_SVY_RATIO ? K_WX : K_W;
    e->estimate = est;
    if (d->rep) {
        e->var = rep_var(d->rep, p->rsum + (D * p->nvar + v) * 3 * d->rep->nrep, var->stat, est);
        size_t k = 0;
        for (size_t a = 0; a < nc; a++) {
            const double *c = p->acc + (cl[a] * p->nvar + v) * K_;
            size_t i = d->unit_psu[p->cell_unit[cl[a]]];
            if (c[K_N] > 0 && (k == 0 || sc->units[k - 1] != i))
                sc->units[k++] = i;
        }
        e->df = rep_df(d, sc->units, k);
    } else if (d->cal) {
        size_t P = d->cal->p;
        const double *q = p->q + (D * p->nvar + v) * 3 * P;
        const double *qx = var->stat == LCM_SVY_RATIO ? q + 2 * P : q;
        for (size_t j = 0; j < P; j++)
            sc->rhs[j] = (q[P + j] - xk * qx[j]) / den;
        lcm__svy_cal_beta(d->cal, sc->rhs, sc->beta);
        for (size_t u = 0; u < d->nunit; u++) {
            const double *cu = d->cal->unit_c + u * P;
            double s = 0.0;
            for (size_t j = 0; j < P; j++)
                s += sc->beta[j] * cu[j];
            sc->units[u] = u;
            sc->t[u] = -s;
        }
        for (size_t a = 0; a < nc; a++) {
            const double *c = p->acc + (cl[a] * p->nvar + v) * K_;
            sc->t[p->cell_unit[cl[a]]] += (c[K_WY] - xk * c[kx]) / den;
        }
        lcm_status st = lcm__svy_taylor_var(d, sc->units, sc->t, d->nunit, &e->var, err, errlen);
        if (st != LCM_OK)
            return st;
    } else {
        for (size_t a = 0; a < nc; a++) {
            const double *c = p->acc + (cl[a] * p->nvar + v) * K_;
            if (c[K_N] == 0)
                continue;
            sc->units[m] = p->cell_unit[cl[a]];
            sc->t[m++] = (c[K_WY] - xk * c[kx]) / den;
        }
        lcm_status st = lcm__svy_taylor_var(d, sc->units, sc->t, m, &e->var, err, errlen);
        if (st != LCM_OK)
            return st;
    }
    e->se = sqrt(e->var);
    /* design effect as svymean/svytotal(deff=TRUE): svyvar * (N^ - n)/(N^ n) */
    const double *mo = p->mom + (D * p->nvar + v) * 3;
    double s2 = N > 1 ? mo[2] / mo[0] * N / (N - 1) : NAN;
    if (var->stat == LCM_SVY_MEAN && W >= N)
        e->deff = e->var / (s2 * (W - N) / (W * N));
    else if (var->stat == LCM_SVY_TOTAL)
        e->deff = e->var / (s2 * W * W * (W - N) / (W * N));
    return LCM_OK;
}

lcm_status lcm_svy_estimate(const lcm_svy_design *d, const lcm_svy_var *vars, size_t nvar,
                            const lcm_svy_by *by, size_t nby, lcm_svy_est *out, char *err,
                            size_t errlen) {
    lcm_status st = LCM_OK;
    pass p = {0};
    size_t *base = NULL, *start = NULL, *cl = NULL;
    scratch sc = {0};
    if (!d || !vars || !nvar || !by || !nby || !out) {
        lcm__svy_msg(err, errlen, "invalid estimation request");
        return LCM_INVAL;
    }
    for (size_t v = 0; v < nvar; v++)
        if (!vars[v].y || (vars[v].stat == LCM_SVY_RATIO) != (vars[v].x != NULL) ||
            (unsigned)vars[v].stat > LCM_SVY_RATIO) {
            lcm__svy_msg(err, errlen, "variable %zu: invalid statistic or missing column", v + 1);
            return LCM_INVAL;
        }
    base = malloc(nby * sizeof *base);
    if (!base)
        return LCM_NOMEM;
    for (size_t g = 0; g < nby; g++) {
        base[g] = p.ndom;
        p.ndom += by[g].dom ? by[g].ndom : 1;
    }
    for (size_t g = 0; g < nby; g++)
        for (size_t k = 0; by[g].dom && k < d->n; k++)
            if (by[g].dom[k] >= 0 && (size_t)by[g].dom[k] >= by[g].ndom) {
                lcm__svy_msg(err, errlen, "row %zu: domain id %d out of range in grouping %zu",
                             k + 1, (int)by[g].dom[k], g + 1);
                st = LCM_INVAL;
                goto cleanup;
            }
    p.nvar = nvar;
    p.mom = calloc(p.ndom * nvar * 3, sizeof *p.mom);
    if (d->cal)
        p.q = calloc(p.ndom * nvar * 3 * d->cal->p, sizeof *p.q);
    if (d->rep)
        p.rsum = calloc(p.ndom * nvar * 3 * d->rep->nrep, sizeof *p.rsum);
    size_t nu = d->nunit, np = d->cal ? d->cal->p : 1;
    sc.units = malloc(nu * sizeof *sc.units);
    sc.t = malloc(nu * sizeof *sc.t);
    sc.beta = malloc(np * sizeof *sc.beta);
    sc.rhs = malloc(np * sizeof *sc.rhs);
    if (!p.mom || (d->cal && !p.q) || (d->rep && !p.rsum) || !sc.units || !sc.t || !sc.beta ||
        !sc.rhs) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    if ((st = run_pass(d, &p, vars, by, nby, base)) != LCM_OK)
        goto cleanup;
    /* bucket the cells by domain; a stable counting sort keeps each domain's cells in unit
     * order, which the variance walk needs */
    start = calloc(p.ndom + 1, sizeof *start);
    cl = malloc((p.ncell ? p.ncell : 1) * sizeof *cl);
    if (!start || !cl) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    for (size_t c = 0; c < p.ncell; c++)
        start[p.cell_dom[c] + 1]++;
    for (size_t D = 0; D < p.ndom; D++)
        start[D + 1] += start[D];
    for (size_t c = 0; c < p.ncell; c++)
        cl[start[p.cell_dom[c]]++] = c;
    for (size_t D = p.ndom; D > 0; D--)
        start[D] = start[D - 1];
    start[0] = 0;
    for (size_t D = 0; D < p.ndom; D++)
        for (size_t v = 0; v < nvar; v++) {
            st = finish(d, &p, &vars[v], D, v, cl + start[D], start[D + 1] - start[D], &sc,
                        &out[D * nvar + v], err, errlen);
            if (st != LCM_OK)
                goto cleanup;
        }
cleanup:
    if (st == LCM_NOMEM)
        lcm__svy_msg(err, errlen, "out of memory in estimation");
    pass_free(&p);
    free(base);
    free(start);
    free(cl);
    free(sc.units);
    free(sc.t);
    free(sc.beta);
    free(sc.rhs);
    return st;
}
