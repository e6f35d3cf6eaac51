/*
 * svy_glm.c - svyglm(): IRLS as R's glm.fit() does it (same start, same working weights, same
 * convergence test on the deviance, so the coefficients are R's to rounding), then the
 * design-based covariance of the coefficients. Linearisation: the influence of row k on the
 * coefficients is h_k = x_k r_k W_k A^-1 (A = X'WX, r the working residual, W the working
 * weight of the last iteration), and Cov(beta) is the design variance of the totals of h, as
 * R's svy.varcoef() hands estfun %*% Ainv to svyrecvar(). The design variance is
 * lcm_svy_estimate's (a total of h_k / w_k has the linearised values h_k), so strata, fpc,
 * two stages, the lonely-PSU policy and calibration residuals are exactly those of every
 * other estimate; covariances come from variances of sums, Cov(a, b) = (V(a+b) - V(a) -
 * V(b)) / 2, the variance being a quadratic form. Replicate designs refit the model with each
 * replicate's weights from the full-sample coefficients, as R's svyglm.svyrep.design.
 */
#include "svy_glm.h"
#include "svy_internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

void lcm_glm_fit_free(lcm_glm_fit *f) {
    if (!f)
        return;
    free(f->beta);
    free(f->se);
    free(f->t);
    free(f->pval);
    free(f->vcov);
    memset(f, 0, sizeof *f);
}

/* ---- the family, as R's binomial()/gaussian() compute it ------------------------------ */

/* R's C_logit_linkinv, C_logit_mu_eta: clamped at |eta| > 30. */
static double logit_inv(double eta) {
    double t = eta < -30 ? DBL_EPSILON : eta > 30 ? 1 / DBL_EPSILON : exp(eta);
    return t / (1 + t);
}
static double logit_mu_eta(double eta) {
    double o = 1 + exp(eta);
    return eta > 30 || eta < -30 ? DBL_EPSILON : exp(eta) / (o * o);
}
static double ylogy(double y, double mu) {
    return y > 0 ? y * log(y / mu) : 0.0;
}

typedef struct model {
    lcm_glm_family fam;
    size_t m, p;    /* rows used, columns */
    size_t *row;    /* m design rows */
    double *x;      /* m*p row-major */
    double *y, *pw; /* m outcomes, prior weights */
    const char *const *names;
} model;

static const char *colname(const model *md, size_t j, char *buf, size_t cap) {
    if (md->names && md->names[j])
        return md->names[j];
    snprintf(buf, cap, "column %zu", j + 1);
    return buf;
}

static double linkinv(const model *md, double eta) {
    return md->fam == LCM_GLM_LOGIT ? logit_inv(eta) : eta;
}
static double mu_eta(const model *md, double eta) {
    return md->fam == LCM_GLM_LOGIT ? logit_mu_eta(eta) : 1.0;
}
static double variance(const model *md, double mu) {
    return md->fam == LCM_GLM_LOGIT ? mu * (1 - mu) : 1.0;
}
static double deviance(const model *md, const double *w, const double *mu) {
    double dev = 0.0;
    for (size_t k = 0; k < md->m; k++) {
        double y = md->y[k];
        dev += md->fam == LCM_GLM_LOGIT ? 2 * w[k] * (ylogy(y, mu[k]) + ylogy(1 - y, 1 - mu[k]))
                                        : w[k] * (y - mu[k]) * (y - mu[k]);
    }
    return dev;
}

/* ---- IRLS ----------------------------------------------------------------------------- */

typedef struct irls {
    double *beta; /* p */
    double *ww;   /* m working weights of the last iteration (R's fit$weights) */
    double *res;  /* m working residuals at the final fit */
    double *ainv; /* p*p (X'WX)^-1 of the last iteration */
    double *eta, *mu;
    int iter, conv;
    size_t rankcol; /* on LCM_NUMERIC: a column found collinear */
} irls;

/* Weighted least squares of z on X with weights ww (rows with ww = 0 left out, as glm.fit's
 * `good`): beta and, when ainv is given, (X'WX)^-1. LCM_NUMERIC with *bad a collinear column
 * when X is not of full rank (R's tolerance 1e-7 on the pivoted QR). */
static lcm_status wls(const model *md, const double *z, const double *ww, double *beta,
                      double *ainv, size_t *bad) {
    size_t p = md->p, g = 0;
    for (size_t k = 0; k < md->m; k++)
        g += ww[k] > 0;
    if (g < p) {
        *bad = p - 1;
        return LCM_NUMERIC;
    }
    gsl_matrix *a = gsl_matrix_alloc(g, p), *r = gsl_matrix_calloc(p, p);
    gsl_vector *b = gsl_vector_alloc(g), *tau = gsl_vector_alloc(p), *norm = gsl_vector_alloc(p);
    gsl_vector *sol = gsl_vector_alloc(p), *resid = gsl_vector_alloc(g);
    gsl_permutation *perm = gsl_permutation_alloc(p);
    double *cn = calloc(p, sizeof *cn);
    lcm_status st = LCM_OK;
    int signum;
    if (!a || !r || !b || !tau || !norm || !sol || !resid || !perm || !cn) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    for (size_t k = 0, i = 0; k < md->m; k++) {
        if (!(ww[k] > 0))
            continue;
        double s = sqrt(ww[k]);
        for (size_t j = 0; j < p; j++) {
            double v = md->x[k * p + j] * s;
            gsl_matrix_set(a, i, j, v);
            cn[j] += v * v;
        }
        gsl_vector_set(b, i++, z[k] * s);
    }
    gsl_linalg_QRPT_decomp(a, tau, perm, &signum, norm);
    for (size_t j = 0; j < p; j++) {
        size_t c = gsl_permutation_get(perm, j);
        if (!(fabs(gsl_matrix_get(a, j, j)) > 1e-7 * sqrt(cn[c]))) {
            *bad = c;
            st = LCM_NUMERIC;
            goto cleanup;
        }
    }
    if (gsl_linalg_QRPT_lssolve(a, tau, perm, b, sol, resid) != GSL_SUCCESS) {
        *bad = p - 1;
        st = LCM_NUMERIC;
        goto cleanup;
    }
    for (size_t j = 0; j < p; j++)
        beta[j] = gsl_vector_get(sol, j);
    if (ainv) {
        /* (X'WX)^-1 = P R^-1 R^-T P' */
        for (size_t i = 0; i < p; i++)
            for (size_t j = i; j < p; j++)
                gsl_matrix_set(r, i, j, gsl_matrix_get(a, i, j));
        gsl_linalg_tri_invert(CblasUpper, CblasNonUnit, r);
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++) {
                double s = 0.0;
                for (size_t l = i > j ? i : j; l < p; l++)
                    s += gsl_matrix_get(r, i, l) * gsl_matrix_get(r, j, l);
                ainv[gsl_permutation_get(perm, i) * p + gsl_permutation_get(perm, j)] = s;
            }
    }
cleanup:
    gsl_matrix_free(a);
    gsl_matrix_free(r);
    gsl_vector_free(b);
    gsl_vector_free(tau);
    gsl_vector_free(norm);
    gsl_vector_free(sol);
    gsl_vector_free(resid);
    gsl_permutation_free(perm);
    free(cn);
    return st;
}

/* glm.fit() with prior weights w: from start (NULL: the family's mustart) until the relative
 * change of the deviance is below eps, at most maxit iterations. Leaves in it the
 * coefficients, the last working weights and (X'WX)^-1, and the final working residuals. */
static lcm_status irls_fit(const model *md, const double *w, const double *start, int maxit,
                           double eps, irls *it, double *z, double *ww) {
    size_t m = md->m, p = md->p;
    if (start) {
        for (size_t k = 0; k < m; k++) {
            double e = 0.0;
            for (size_t j = 0; j < p; j++)
                e += md->x[k * p + j] * start[j];
            it->eta[k] = e;
            it->mu[k] = linkinv(md, e);
        }
    } else {
        for (size_t k = 0; k < m; k++) {
            double mu = md->fam == LCM_GLM_LOGIT ? (w[k] * md->y[k] + 0.5) / (w[k] + 1) : md->y[k];
            it->mu[k] = mu;
            it->eta[k] = md->fam == LCM_GLM_LOGIT ? log(mu / (1 - mu)) : mu;
        }
    }
    double devold = deviance(md, w, it->mu);
    it->conv = 0;
    for (it->iter = 1; it->iter <= maxit; it->iter++) {
        for (size_t k = 0; k < m; k++) {
            double me = mu_eta(md, it->eta[k]);
            int good = w[k] > 0 && me != 0;
            z[k] = good ? it->eta[k] + (md->y[k] - it->mu[k]) / me : 0.0;
            ww[k] = good ? w[k] * me * me / variance(md, it->mu[k]) : 0.0;
        }
        lcm_status st = wls(md, z, ww, it->beta, it->ainv, &it->rankcol);
        if (st != LCM_OK)
            return st;
        memcpy(it->ww, ww, m * sizeof *ww);
        for (size_t k = 0; k < m; k++) {
            double e = 0.0;
            for (size_t j = 0; j < p; j++)
                e += md->x[k * p + j] * it->beta[j];
            it->eta[k] = e;
            it->mu[k] = linkinv(md, e);
        }
        double dev = deviance(md, w, it->mu);
        if (!isfinite(dev))
            return LCM_NOCONVERGE;
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < eps) {
            it->conv = 1;
            break;
        }
        devold = dev;
    }
    if (it->iter > maxit)
        it->iter = maxit;
    for (size_t k = 0; k < m; k++)
        it->res[k] = (md->y[k] - it->mu[k]) / mu_eta(md, it->eta[k]);
    return it->conv ? LCM_OK : LCM_NOCONVERGE;
}

static void irls_free(irls *it) {
    free(it->beta);
    free(it->ww);
    free(it->res);
    free(it->ainv);
    free(it->eta);
    free(it->mu);
}

static int irls_alloc(irls *it, size_t m, size_t p) {
    it->beta = malloc(p * sizeof *it->beta);
    it->ww = malloc((m ? m : 1) * sizeof *it->ww);
    it->res = malloc((m ? m : 1) * sizeof *it->res);
    it->ainv = malloc(p * p * sizeof *it->ainv);
    it->eta = malloc((m ? m : 1) * sizeof *it->eta);
    it->mu = malloc((m ? m : 1) * sizeof *it->mu);
    return it->beta && it->ww && it->res && it->ainv && it->eta && it->mu;
}

/* ---- separation ----------------------------------------------------------------------- */

/* Which column separates the outcome, for the message: a 0/1 column whose 1s all have one
 * outcome, else a column that splits the 0s from the 1s at a threshold; NULL when neither
 * (the combination of several columns predicts the outcome). */
static const char *separating(const model *md, char *buf, size_t cap, char *what, size_t wcap) {
    for (size_t j = 0; j < md->p; j++) {
        int binary = 1, has1 = 0, has0 = 0;
        double lo1 = INFINITY, hi1 = -INFINITY, lo0 = INFINITY, hi0 = -INFINITY;
        double ymin = INFINITY, ymax = -INFINITY;
        size_t n1 = 0;
        int xvaries = 0;
        for (size_t k = 0; k < md->m; k++) {
            double x = md->x[k * md->p + j], y = md->y[k];
            binary &= x == 0 || x == 1;
            xvaries |= x != md->x[j];
            if (x == 1)
                n1++, ymin = fmin(ymin, y), ymax = fmax(ymax, y);
            if (y == 1)
                has1 = 1, lo1 = fmin(lo1, x), hi1 = fmax(hi1, x);
            else if (y == 0)
                has0 = 1, lo0 = fmin(lo0, x), hi0 = fmax(hi0, x);
        }
        if (!xvaries)
            continue; /* the intercept */
        if (binary && n1 > 0 && ymin == ymax && (ymin == 0 || ymin == 1)) {
            snprintf(what, wcap, "every respondent with it has the outcome %g", ymin);
            return colname(md, j, buf, cap);
        }
        if (!binary && has0 && has1 && (hi0 <= lo1 || hi1 <= lo0)) {
            snprintf(what, wcap, "the outcome is %d exactly when it is above %g", hi0 <= lo1,
                     hi0 <= lo1 ? hi0 : hi1);
            return colname(md, j, buf, cap);
        }
    }
    return NULL;
}

/* R's test for fitted probabilities numerically 0 or 1 (glm.fit's warning). */
static int boundary(const model *md, const double *mu) {
    double eps = 10 * DBL_EPSILON;
    for (size_t k = 0; k < md->m; k++)
        if (mu[k] > 1 - eps || mu[k] < eps)
            return 1;
    return 0;
}

static lcm_status separation_msg(const model *md, const irls *it, char *err, size_t errlen) {
    char buf[64], what[128];
    const char *col = separating(md, buf, sizeof buf, what, sizeof what);
    if (col) {
        lcm__an_msg(err, errlen,
                    "separation: '%s' predicts the outcome perfectly (%s), so its coefficient "
                    "is infinite; merge or drop it",
                    col, what);
        return LCM_NUMERIC;
    }
    size_t big = 0;
    for (size_t j = 1; j < md->p; j++)
        if (fabs(it->beta[j]) > fabs(it->beta[big]))
            big = j;
    lcm__an_msg(err, errlen,
                "separation: the covariates together predict the outcome perfectly (the "
                "coefficient of '%s' runs off to %g); drop or merge covariates",
                colname(md, big, buf, sizeof buf), it->beta[big]);
    return LCM_NUMERIC;
}

/* ---- the design-based covariance ------------------------------------------------------ */

/* Linearisation: Cov(beta) as the design covariance of the totals of the influence columns
 * h_j (n values, h_j/w at the rows used, NaN elsewhere), d's variance for totals. */
static lcm_status taylor_vcov(const lcm_svy_design *d, const model *md, const int32_t *dom,
                              const irls *it, lcm_glm_fit *out, char *err, size_t errlen) {
    size_t n = d->n, p = md->p, m = md->m;
    const double *w = d->w;
    double *h = malloc(p * (m ? m : 1) * sizeof *h); /* m*p influence, row-major */
    double *col = malloc(p * n * sizeof *col);       /* a batch of up to p columns */
    lcm_svy_var *vars = malloc(p * sizeof *vars);
    lcm_svy_est *est = malloc(p * sizeof *est);
    double *var = malloc(p * sizeof *var);
    lcm_status st = LCM_OK;
    if (!h || !col || !vars || !est || !var) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    for (size_t k = 0; k < m; k++)
        for (size_t j = 0; j < p; j++) {
            double s = 0.0;
            for (size_t l = 0; l < p; l++)
                s += md->x[k * p + l] * it->ainv[l * p + j];
            h[k * p + j] = s * it->res[k] * it->ww[k];
        }
    lcm_svy_by by = {dom, 1};
    /* rows outside the model stay NaN in every batch: only the model's rows are written */
    for (size_t i = 0; i < p * n; i++)
        col[i] = NAN;
    /* batch b = 0: the variances; batch b > 0: the sums of column b-1 with columns b.. */
    for (size_t b = 0; b < p; b++) {
        size_t nv = b == 0 ? p : p - b;
        for (size_t v = 0; v < nv; v++) {
            size_t j = b == 0 ? v : b + v;
            for (size_t k = 0; k < m; k++) {
                size_t r = md->row[k];
                col[v * n + r] = (h[k * p + j] + (b ? h[k * p + b - 1] : 0.0)) / w[r];
            }
            vars[v] = (lcm_svy_var){LCM_SVY_TOTAL, col + v * n, NULL};
        }
        if ((st = lcm_svy_estimate(d, vars, nv, &by, 1, est, err, errlen)) != LCM_OK)
            goto cleanup;
        for (size_t v = 0; v < nv; v++) {
            if (b == 0) {
                var[v] = est[v].var;
                out->vcov[v * p + v] = est[v].var;
                if (v == 0)
                    out->df_design = est[0].df, out->npsu = est[0].npsu, out->wsum = est[0].wsum;
            } else {
                size_t i = b - 1, j = b + v;
                double c = (est[v].var - var[i] - var[j]) / 2;
                out->vcov[i * p + j] = out->vcov[j * p + i] = c;
            }
        }
    }
cleanup:
    free(h);
    free(col);
    free(vars);
    free(est);
    free(var);
    return st;
}

/* Replicates: refit with every replicate's weights (normalised to sum 1) from beta0, then
 * R's svrVar: scale * sum_r rscale_r (b_r - c)(b_r - c)', c the mean of the replicates with
 * rscale > 0 (or beta0 with mse); failed replicates are left out. */
static lcm_status replicate_vcov(const lcm_svy_design *d, const model *md, const irls *full,
                                 int maxit, double eps, lcm_glm_fit *out) {
    const svy_rep *rp = d->rep;
    size_t R = rp->nrep, m = md->m, p = md->p;
    double *betas = malloc(R * p * sizeof *betas), *w = malloc((m ? m : 1) * sizeof *w);
    double *z = malloc((m ? m : 1) * sizeof *z), *ww = malloc((m ? m : 1) * sizeof *ww);
    int *ok = malloc(R * sizeof *ok);
    irls it = {0};
    lcm_status st = LCM_OK;
    if (!betas || !w || !z || !ww || !ok || !irls_alloc(&it, m, p)) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    for (size_t r = 0; r < R; r++) {
        double s = 0.0;
        for (size_t k = 0; k < m; k++)
            s += w[k] = rp->w[r * d->n + md->row[k]];
        for (size_t k = 0; k < m; k++)
            w[k] /= s;
        lcm_status fs = s > 0 ? irls_fit(md, w, full->beta, maxit, eps, &it, z, ww) : LCM_NUMERIC;
        /* a replicate that does not converge in maxit keeps its last iterate, as glm.fit
         * returns it (with a warning); one that cannot be fitted is left out */
        ok[r] = fs == LCM_OK || fs == LCM_NOCONVERGE;
        for (size_t j = 0; j < p; j++)
            betas[r * p + j] = ok[r] ? it.beta[j] : NAN;
        out->nrep_dropped += !ok[r];
    }
    double *c = out->t; /* scratch p: the centre */
    size_t nc = 0;
    for (size_t j = 0; j < p; j++)
        c[j] = rp->mse ? full->beta[j] : 0.0;
    if (!rp->mse) {
        for (size_t r = 0; r < R; r++)
            if (ok[r] && rp->rscale[r] > 0) {
                nc++;
                for (size_t j = 0; j < p; j++)
                    c[j] += betas[r * p + j];
            }
        for (size_t j = 0; j < p; j++)
            c[j] /= (double)nc;
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) {
            double s = 0.0;
            for (size_t r = 0; r < R; r++)
                if (ok[r])
                    s += rp->rscale[r] * (betas[r * p + i] - c[i]) * (betas[r * p + j] - c[j]);
            out->vcov[i * p + j] = rp->scale * s;
        }
    out->nrep = R;
cleanup:
    free(betas);
    free(w);
    free(z);
    free(ww);
    free(ok);
    irls_free(&it);
    return st;
}

/* R's degf() of the subset (before rows with missing values are dropped, as
 * svyglm.svyrep.design takes it): the df lcm_svy_estimate gives a mean of 1s there. */
static lcm_status subset_df(const lcm_svy_design *d, const int32_t *dom, double *df, char *err,
                            size_t errlen) {
    double *one = malloc(d->n * sizeof *one);
    if (!one)
        return LCM_NOMEM;
    for (size_t k = 0; k < d->n; k++)
        one[k] = 1.0;
    lcm_svy_var v = {LCM_SVY_MEAN, one, NULL};
    lcm_svy_by by = {dom, 1};
    lcm_svy_est e;
    lcm_status st = lcm_svy_estimate(d, &v, 1, &by, 1, &e, err, errlen);
    *df = e.df;
    free(one);
    return st;
}

/* ---- the fit -------------------------------------------------------------------------- */

static lcm_status make_model(const lcm_svy_design *d, const lcm_glm_spec *s, model *md, char *err,
                             size_t errlen) {
    size_t n = d->n, p = s->p, m = 0, nd = 0;
    double wdom = 0.0;
    md->fam = s->family, md->p = p, md->names = s->names;
    md->row = malloc(n * sizeof *md->row);
    md->x = malloc(n * p * sizeof *md->x);
    md->y = malloc(n * sizeof *md->y);
    md->pw = malloc(n * sizeof *md->pw);
    if (!md->row || !md->x || !md->y || !md->pw)
        return LCM_NOMEM;
    for (size_t k = 0; k < n; k++) {
        if (s->dom && s->dom[k] < 0)
            continue;
        nd++, wdom += d->w[k];
        int use = !isnan(s->y[k]);
        for (size_t j = 0; use && j < p; j++)
            use = !isnan(s->x[j][k]);
        if (!use)
            continue;
        if (s->family == LCM_GLM_LOGIT && !(s->y[k] >= 0 && s->y[k] <= 1)) {
            lcm__an_msg(err, errlen,
                        "row %zu: a logistic model's outcome must be in [0, 1], not %g", k + 1,
                        s->y[k]);
            return LCM_INVAL;
        }
        md->row[m] = k, md->y[m] = s->y[k];
        for (size_t j = 0; j < p; j++)
            md->x[m * p + j] = s->x[j][k];
        m++;
    }
    md->m = m;
    /* R's rescale = TRUE: prior weights w / mean(w) over the subset's rows; R subsets a
     * calibrated design by giving the other rows weight 0, so there the mean is over every
     * row (this moves only the logistic fit's starting point, hence its last digits) */
    double mean = wdom / (double)(d->cal ? n : nd);
    for (size_t k = 0; k < m; k++)
        md->pw[k] = d->w[md->row[k]] / mean;
    if (m <= p) {
        lcm__an_msg(err, errlen, "the model has %zu coefficients but only %zu complete rows", p, m);
        return LCM_INVAL;
    }
    if (s->family == LCM_GLM_LOGIT) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t k = 0; k < m; k++)
            lo = fmin(lo, md->y[k]), hi = fmax(hi, md->y[k]);
        if (lo == hi) {
            lcm__an_msg(err, errlen,
                        "the outcome is %g for every respondent in the model: nothing to explain",
                        lo);
            return LCM_INVAL;
        }
    }
    return LCM_OK;
}

lcm_status lcm_svy_glm(const lcm_svy_design *d, const lcm_glm_spec *s, lcm_glm_fit *out, char *err,
                       size_t errlen) {
    model md = {0};
    irls it = {0};
    double *z = NULL, *ww = NULL;
    int32_t *sub = NULL;
    lcm_status st = LCM_OK;
    if (out)
        memset(out, 0, sizeof *out);
    if (!d || !s || !out || !s->x || !s->y || s->p == 0 || (unsigned)s->family > LCM_GLM_LOGIT) {
        lcm__an_msg(err, errlen, "invalid model request");
        return LCM_INVAL;
    }
    for (size_t j = 0; j < s->p; j++)
        if (!s->x[j]) {
            lcm__an_msg(err, errlen, "invalid model request: column %zu missing", j + 1);
            return LCM_INVAL;
        }
    size_t p = s->p;
    int maxit = s->maxit > 0 ? s->maxit : 25;
    double eps = s->epsilon > 0 ? s->epsilon : 1e-8;
    out->p = p;
    out->beta = malloc(p * sizeof *out->beta);
    out->se = malloc(p * sizeof *out->se);
    out->t = malloc(p * sizeof *out->t);
    out->pval = malloc(p * sizeof *out->pval);
    out->vcov = calloc(p * p, sizeof *out->vcov);
    if (!out->beta || !out->se || !out->t || !out->pval || !out->vcov) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    if ((st = make_model(d, s, &md, err, errlen)) != LCM_OK)
        goto cleanup;
    if (s->dom) { /* one domain: the subset (its ids may be any >= 0) */
        if (!(sub = malloc(d->n * sizeof *sub))) {
            st = LCM_NOMEM;
            goto cleanup;
        }
        for (size_t k = 0; k < d->n; k++)
            sub[k] = s->dom[k] >= 0 ? 0 : -1;
    }
    z = malloc(md.m * sizeof *z);
    ww = malloc(md.m * sizeof *ww);
    if (!z || !ww || !irls_alloc(&it, md.m, p)) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    st = irls_fit(&md, md.pw, NULL, maxit, eps, &it, z, ww);
    if (st == LCM_NUMERIC) {
        char buf[64];
        lcm__an_msg(err, errlen,
                    "'%s' is collinear with the other covariates (or constant) in the rows "
                    "used: drop it or merge its levels",
                    colname(&md, it.rankcol, buf, sizeof buf));
        goto cleanup;
    }
    if (s->family == LCM_GLM_LOGIT) {
        char buf[64], what[128];
        if (st == LCM_NOCONVERGE || boundary(&md, it.mu) ||
            separating(&md, buf, sizeof buf, what, sizeof what)) {
            st = separation_msg(&md, &it, err, errlen);
            goto cleanup;
        }
    }
    if (st == LCM_NOCONVERGE) {
        lcm__an_msg(err, errlen, "the model did not converge in %d iterations", maxit);
        goto cleanup;
    }
    memcpy(out->beta, it.beta, p * sizeof *out->beta);
    out->iterations = it.iter;
    out->nrows = md.m;
    if (d->rep) {
        double wsum = 0.0;
        for (size_t k = 0; k < md.m; k++)
            wsum += d->w[md.row[k]];
        out->wsum = wsum;
        if ((st = subset_df(d, sub, &out->df_design, err, errlen)) != LCM_OK ||
            (st = replicate_vcov(d, &md, &it, maxit, eps, out)) != LCM_OK)
            goto cleanup;
        size_t np = 0; /* PSUs holding the rows used */
        unsigned char *seen = calloc(d->npsu, 1);
        size_t *psu_of = malloc(d->n * sizeof *psu_of);
        if (!seen || !psu_of) {
            free(seen), free(psu_of);
            st = LCM_NOMEM;
            goto cleanup;
        }
        for (size_t u = 0; u < d->nunit; u++)
            for (size_t r = d->unit_start[u]; r < d->unit_start[u + 1]; r++)
                psu_of[d->order[r]] = d->unit_psu[u];
        for (size_t k = 0; k < md.m; k++)
            if (!seen[psu_of[md.row[k]]])
                seen[psu_of[md.row[k]]] = 1, np++;
        out->npsu = np;
        free(seen), free(psu_of);
    } else if ((st = taylor_vcov(d, &md, sub, &it, out, err, errlen)) != LCM_OK) {
        goto cleanup;
    }
    out->df_resid = out->df_design + 1 - (double)p;
    for (size_t j = 0; j < p; j++) {
        out->se[j] = sqrt(out->vcov[j * p + j]);
        out->t[j] = out->beta[j] / out->se[j];
        out->pval[j] =
            out->df_resid > 0 ? 2 * gsl_cdf_tdist_Q(fabs(out->t[j]), out->df_resid) : NAN;
    }
cleanup:
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory fitting the model");
    if (st != LCM_OK)
        lcm_glm_fit_free(out);
    free(md.row);
    free(md.x);
    free(md.y);
    free(md.pw);
    free(z);
    free(ww);
    free(sub);
    irls_free(&it);
    return st;
}

lcm_status lcm_glm_wald_test(const lcm_glm_fit *f, const size_t *idx, size_t k, lcm_glm_wald *out,
                             char *err, size_t errlen) {
    if (!f || !idx || !k || !out || k > f->p) {
        lcm__an_msg(err, errlen, "invalid Wald test");
        return LCM_INVAL;
    }
    for (size_t i = 0; i < k; i++)
        if (idx[i] >= f->p) {
            lcm__an_msg(err, errlen, "invalid Wald test: coefficient %zu of %zu", idx[i] + 1, f->p);
            return LCM_INVAL;
        }
    gsl_matrix *v = gsl_matrix_alloc(k, k);
    gsl_vector *b = gsl_vector_alloc(k), *x = gsl_vector_alloc(k);
    lcm_status st = LCM_OK;
    if (!v || !b || !x) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < k; i++) {
        gsl_vector_set(b, i, f->beta[idx[i]]);
        for (size_t j = 0; j < k; j++)
            gsl_matrix_set(v, i, j, f->vcov[idx[i] * f->p + idx[j]]);
    }
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = gsl_linalg_cholesky_decomp1(v);
    if (rc == GSL_SUCCESS)
        rc = gsl_linalg_cholesky_solve(v, b, x);
    gsl_set_error_handler(old);
    if (rc != GSL_SUCCESS) {
        lcm__an_msg(err, errlen,
                    "the covariance of the tested coefficients is singular: too few PSUs for "
                    "this many coefficients");
        st = LCM_NUMERIC;
        goto cleanup;
    }
    double chisq = 0.0;
    for (size_t i = 0; i < k; i++)
        chisq += gsl_vector_get(b, i) * gsl_vector_get(x, i);
    out->chisq = chisq;
    out->df_num = (double)k;
    out->df_den = f->df_resid;
    out->F = chisq / (double)k;
    out->p_F = f->df_resid > 0 ? gsl_cdf_fdist_Q(out->F, (double)k, f->df_resid) : NAN;
    out->p_chisq = gsl_cdf_chisq_Q(chisq, (double)k);
cleanup:
    gsl_matrix_free(v);
    gsl_vector_free(b);
    gsl_vector_free(x);
    return st;
}
