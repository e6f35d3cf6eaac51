/*
 * sae_fh.c - the Fay-Herriot model: REML or ML Fisher scoring for the area variance, GLS
 * coefficients, EBLUPs, shrinkage factors and Prasad-Rao / Datta-Lahiri MSEs (sae.h has
 * the formulas, docs/smallarea.md the reasons).
 *
 * The areas of a city are few (tens), so the m x m projection P of the REML score is summed
 * entry by entry; the p x p system X'V^-1 X (p a handful of covariates) is solved by Cholesky.
 */
#include "sae.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

static lcm_status fail(lcm_status rc, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static lcm_status fail(lcm_status rc, char *err, size_t errlen, const char *fmt, ...) {
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* R's median(): the mean of the two middle values of an even count. */
static double median(const double *v, size_t n, double *work) {
    memcpy(work, v, n * sizeof *work);
    qsort(work, n, sizeof *work, cmp_double);
    return n % 2 ? work[n / 2] : (work[n / 2 - 1] + work[n / 2]) / 2;
}

/* Scratch for one evaluation at A. */
typedef struct fh_work {
    size_t m, p;
    const double *y, *psi, *X;
    double *vi; /* m: 1 / (A + psi) */
    double *q;  /* p*p: (X'V^-1 X)^-1 */
    double *vx; /* m*p: V^-1 X */
    double *beta, *res;
    gsl_matrix *chol;
} fh_work;

/* Q = (X'V^-1 X)^-1 and beta = Q X'V^-1 y at A; -1 when X'V^-1 X is not positive definite. */
static int gls(fh_work *w, double A) {
    size_t m = w->m, p = w->p;
    for (size_t d = 0; d < m; d++) {
        w->vi[d] = 1 / (A + w->psi[d]);
        for (size_t j = 0; j < p; j++)
            w->vx[d * p + j] = w->vi[d] * w->X[d * p + j];
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = 0;
            for (size_t d = 0; d < m; d++)
                s += w->X[d * p + i] * w->vx[d * p + j];
            gsl_matrix_set(w->chol, i, j, s);
            gsl_matrix_set(w->chol, j, i, s);
        }
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int bad = gsl_linalg_cholesky_decomp1(w->chol) != GSL_SUCCESS;
    if (!bad)
        bad = gsl_linalg_cholesky_invert(w->chol) != GSL_SUCCESS;
    gsl_set_error_handler(old);
    if (bad)
        return -1;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            w->q[i * p + j] = gsl_matrix_get(w->chol, i, j);
    for (size_t i = 0; i < p; i++) {
        double s = 0;
        for (size_t k = 0; k < p; k++) {
            double xy = 0;
            for (size_t d = 0; d < m; d++)
                xy += w->vx[d * p + k] * w->y[d];
            s += w->q[i * p + k] * xy;
        }
        w->beta[i] = s;
    }
    for (size_t d = 0; d < m; d++) {
        double xb = 0;
        for (size_t j = 0; j < p; j++)
            xb += w->X[d * p + j] * w->beta[j];
        w->res[d] = w->y[d] - xb;
    }
    return 0;
}

/* Score and Fisher information of A (REML: of the restricted likelihood) at the A gls()
 * was last called with. */
static void score(fh_work *w, lcm_sae_method method, double *s, double *info) {
    size_t m = w->m, p = w->p;
    if (method == LCM_SAE_ML) {
        double sv = 0, sv2 = 0, sr = 0;
        for (size_t d = 0; d < m; d++) {
            sv += w->vi[d], sv2 += w->vi[d] * w->vi[d];
            sr += w->vi[d] * w->vi[d] * w->res[d] * w->res[d];
        }
        *s = -0.5 * sv + 0.5 * sr;
        *info = 0.5 * sv2;
        return;
    }
    /* P = V^-1 - V^-1 X Q X' V^-1 (symmetric: its lower half); P y = V^-1 (y - X beta) */
    double tr = 0, tr2 = 0, pyy = 0;
    for (size_t a = 0; a < m; a++)
        for (size_t b = 0; b <= a; b++) {
            double s2 = 0;
            for (size_t i = 0; i < p; i++)
                for (size_t j = 0; j < p; j++)
                    s2 += w->vx[a * p + i] * w->q[i * p + j] * w->vx[b * p + j];
            double v = (a == b ? w->vi[a] : 0) - s2;
            tr2 += a == b ? v * v : 2 * v * v;
            if (a == b)
                tr += v;
        }
    for (size_t d = 0; d < m; d++) {
        double py = w->vi[d] * w->res[d];
        pyy += py * py;
    }
    *s = -0.5 * tr + 0.5 * pyy;
    *info = 0.5 * tr2;
}

static lcm_status check_input(size_t m, size_t p, const double *y, const double *psi,
                              const double *X, char *err, size_t errlen) {
    if (p == 0)
        return fail(LCM_INVAL, err, errlen, "the model needs at least one covariate column");
    if (m <= p)
        return fail(LCM_INVAL, err, errlen,
                    "%zu area%s with a usable direct estimate for %zu coefficient%s: the model "
                    "needs more areas than coefficients",
                    m, m == 1 ? "" : "s", p, p == 1 ? "" : "s");
    for (size_t d = 0; d < m; d++) {
        if (!isfinite(y[d]))
            return fail(LCM_INVAL, err, errlen, "area %zu: the direct estimate is not a number",
                        d + 1);
        if (!isfinite(psi[d]) || !(psi[d] > 0))
            return fail(LCM_INVAL, err, errlen,
                        "area %zu: the sampling variance %g is not a positive number", d + 1,
                        psi[d]);
        for (size_t j = 0; j < p; j++)
            if (!isfinite(X[d * p + j]))
                return fail(LCM_INVAL, err, errlen, "area %zu: covariate %zu is not a number",
                            d + 1, j + 1);
    }
    return LCM_OK;
}

/* Fisher scoring for A from the median of psi, kept >= 0 (sae.h). */
static lcm_status iterate(fh_work *w, const lcm_sae_opts *o, lcm_sae_fit *fit, char *err,
                          size_t errlen) {
    double tol = o->tol > 0 ? o->tol : 1e-12;
    int maxit = o->maxit > 0 ? o->maxit : 500;
    double medpsi = median(w->psi, w->m, w->res); /* res is free before the first gls() */
    double A = medpsi;
    for (int k = 1; k <= maxit; k++) {
        double s, info;
        if (gls(w, A) != 0)
            return fail(LCM_NUMERIC, err, errlen,
                        "X'V^-1 X is singular: a covariate is constant over the areas or a "
                        "combination of the others");
        score(w, o->method, &s, &info);
        double next = A + s / info;
        if (!isfinite(next))
            return fail(LCM_NUMERIC, err, errlen, "Fisher scoring gave a non-finite variance");
        if (next < 0)
            next = 0;
        double step = fabs(next - A);
        A = next;
        fit->iterations = k;
        if (step <= tol * (A > medpsi ? A : medpsi)) {
            fit->A = A;
            fit->at_zero = A == 0;
            return LCM_OK;
        }
    }
    return fail(LCM_NOCONVERGE, err, errlen,
                "Fisher scoring for the area variance did not converge in %d steps", maxit);
}

lcm_status lcm_sae_fh_fit(size_t m, size_t p, const double *y, const double *psi, const double *X,
                          const lcm_sae_opts *opts, lcm_sae_fit *fit, lcm_sae_area *out, char *err,
                          size_t errlen) {
    lcm_sae_opts o = opts ? *opts : (lcm_sae_opts){LCM_SAE_REML, 0, 0};
    lcm_status rc = check_input(m, p, y, psi, X, err, errlen);
    if (rc != LCM_OK)
        return rc;
    fh_work w = {m, p, y, psi, X, NULL, NULL, NULL, NULL, NULL, NULL};
    w.vi = malloc(m * sizeof *w.vi);
    w.q = malloc(p * p * sizeof *w.q);
    w.vx = malloc(m * p * sizeof *w.vx);
    w.res = malloc(m * sizeof *w.res);
    w.beta = malloc(p * sizeof *w.beta);
    w.chol = gsl_matrix_alloc(p, p);
    if (!w.vi || !w.q || !w.vx || !w.res || !w.beta || !w.chol) {
        rc = fail(LCM_NOMEM, err, errlen, "out of memory");
        goto done;
    }
    if ((rc = iterate(&w, &o, fit, err, errlen)) != LCM_OK)
        goto done;
    double A = fit->A;
    if (gls(&w, A) != 0) {
        rc = fail(LCM_NUMERIC, err, errlen, "X'V^-1 X is singular at the fitted variance");
        goto done;
    }
    memcpy(fit->beta, w.beta, p * sizeof *w.beta);
    memcpy(fit->cov, w.q, p * p * sizeof *w.q);
    double sv2 = 0, ll = 0;
    for (size_t d = 0; d < m; d++) {
        sv2 += w.vi[d] * w.vi[d];
        ll += log(2 * 3.14159265358979323846 * (A + psi[d])) + w.res[d] * w.res[d] * w.vi[d];
    }
    fit->loglik = -0.5 * ll;
    fit->a_var = 2 / sv2;
    fit->b_ml = 0;
    if (o.method == LCM_SAE_ML) { /* -tr[Q X'V^-2 X] / sum V^-2 */
        double tr = 0;
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++) {
                double xv2x = 0;
                for (size_t d = 0; d < m; d++)
                    xv2x += w.vx[d * p + j] * w.vx[d * p + i];
                tr += w.q[i * p + j] * xv2x;
            }
        fit->b_ml = -tr / sv2;
    }
    for (size_t d = 0; out && d < m; d++) {
        const double *x = X + d * p;
        double V = A + psi[d], B = psi[d] / V, xqx = 0;
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++)
                xqx += x[i] * w.q[i * p + j] * x[j];
        lcm_sae_area *a = &out[d];
        a->synthetic = y[d] - w.res[d];
        a->gamma = A / V;
        a->eblup = a->synthetic + a->gamma * w.res[d];
        a->g1 = psi[d] * (1 - B);
        a->g2 = B * B * xqx;
        a->g3 = B * B * fit->a_var / V;
        a->mse = a->g1 + a->g2 + 2 * a->g3 - fit->b_ml * B * B;
    }
done:
    free(w.vi), free(w.q), free(w.vx), free(w.res), free(w.beta);
    gsl_matrix_free(w.chol);
    return rc;
}

void lcm_sae_fh_synthetic(const lcm_sae_fit *fit, size_t p, const double *x, double *estimate,
                          double *mse) {
    double xb = 0, xqx = 0;
    for (size_t i = 0; i < p; i++) {
        xb += x[i] * fit->beta[i];
        for (size_t j = 0; j < p; j++)
            xqx += x[i] * fit->cov[i * p + j] * x[j];
    }
    *estimate = xb;
    *mse = fit->A + xqx;
}
