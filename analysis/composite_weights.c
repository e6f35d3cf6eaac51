/*
 * composite_weights.c - weights derived from the data: principal components of the indicators
 * of one group, after the OECD/JRC Handbook (2008, §6.1, "weighting based on PCA/FA"). The
 * equal and user-given weights need no statistics and live with the tree (composite_agg.c).
 */
#include "composite.h"
#include "message.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lcm_status fail(char *err, size_t errlen, lcm_status st, const char *msg) {
    lcm__an_msg(err, errlen, "%s", msg);
    return st;
}

/* Standardised complete cases of x as a c x k matrix; NULL on out of memory, *c = 0 when a
 * column has no spread. */
static gsl_matrix *standardised(const double *x, size_t n, size_t k, size_t *c, int *flat) {
    size_t rows = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < k && !isnan(x[j * n + i]))
            j++;
        rows += j == k;
    }
    *c = rows, *flat = 0;
    if (rows < 3)
        return NULL;
    gsl_matrix *z = gsl_matrix_alloc(rows, k);
    if (!z)
        return NULL;
    for (size_t i = 0, r = 0; i < n; i++) {
        size_t j = 0;
        while (j < k && !isnan(x[j * n + i]))
            j++;
        if (j < k)
            continue;
        for (j = 0; j < k; j++)
            gsl_matrix_set(z, r, j, x[j * n + i]);
        r++;
    }
    for (size_t j = 0; j < k; j++) {
        gsl_vector_view col = gsl_matrix_column(z, j);
        double m = gsl_stats_mean(col.vector.data, col.vector.stride, rows);
        double sd = gsl_stats_sd_m(col.vector.data, col.vector.stride, rows, m);
        if (!(sd > 0)) {
            *flat = 1;
            break;
        }
        gsl_vector_add_constant(&col.vector, -m);
        gsl_vector_scale(&col.vector, 1 / sd);
    }
    return z;
}

/* Eigen-decomposition of the correlation matrix z'z/(c-1), eigenvalues descending. */
static int eigen_corr(const gsl_matrix *z, gsl_vector *eval, gsl_matrix *evec) {
    size_t k = z->size2, c = z->size1;
    gsl_matrix *r = gsl_matrix_alloc(k, k);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(k);
    int rc = GSL_ENOMEM;
    if (r && ws) {
        for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b < k; b++) {
                double s = 0;
                for (size_t i = 0; i < c; i++)
                    s += gsl_matrix_get(z, i, a) * gsl_matrix_get(z, i, b);
                gsl_matrix_set(r, a, b, s / (double)(c - 1));
            }
        rc = gsl_eigen_symmv(r, eval, evec, ws);
        if (rc == GSL_SUCCESS)
            rc = gsl_eigen_symmv_sort(eval, evec, GSL_EIGEN_SORT_VAL_DESC);
    }
    gsl_eigen_symmv_free(ws);
    gsl_matrix_free(r);
    return rc;
}

/* Handbook's rule: each indicator's weight is its largest scaled squared loading (for unit
 * eigenvectors that is v^2) among the kept components, times that component's share of the
 * variance the kept components explain. */
static void weights_from_eigen(const gsl_vector *eval, const gsl_matrix *evec, size_t k, double *w,
                               double *explained) {
    size_t kept = 1;
    while (kept < k && gsl_vector_get(eval, kept) > 1)
        kept++;
    double lam = 0, sum = 0;
    for (size_t c = 0; c < kept; c++)
        lam += gsl_vector_get(eval, c);
    for (size_t j = 0; j < k; j++) {
        double best = -1, wj = 0;
        for (size_t c = 0; c < kept; c++) {
            double v = gsl_matrix_get(evec, j, c), share = v * v;
            if (share > best)
                best = share, wj = share * gsl_vector_get(eval, c) / lam;
        }
        w[j] = wj, sum += wj;
    }
    for (size_t j = 0; j < k; j++)
        w[j] /= sum;
    if (explained)
        *explained = lam / (double)k;
}

lcm_status lcm_ci_weights_pca(const double *x, size_t n, size_t k, double *w, double *explained,
                              char *err, size_t errlen) {
    if (k == 1) {
        w[0] = 1;
        if (explained)
            *explained = 1;
        return LCM_OK;
    }
    size_t c;
    int flat;
    gsl_matrix *z = standardised(x, n, k, &c, &flat);
    if (c < 3)
        return fail(err, errlen, LCM_NUMERIC, "PCA needs at least 3 units with every indicator");
    if (!z)
        return LCM_NOMEM;
    gsl_vector *eval = gsl_vector_alloc(k);
    gsl_matrix *evec = gsl_matrix_alloc(k, k);
    lcm_status st = LCM_OK;
    if (flat) {
        st = fail(err, errlen, LCM_NUMERIC, "PCA is undefined: an indicator has no spread");
    } else if (!eval || !evec) {
        st = LCM_NOMEM;
    } else {
        int rc = eigen_corr(z, eval, evec);
        if (rc != GSL_SUCCESS)
            st = fail(err, errlen, rc == GSL_ENOMEM ? LCM_NOMEM : LCM_NUMERIC, gsl_strerror(rc));
        else
            weights_from_eigen(eval, evec, k, w, explained);
    }
    gsl_vector_free(eval);
    gsl_matrix_free(evec);
    gsl_matrix_free(z);
    return st;
}

static size_t depth_of(size_t i, const int *parent) {
    size_t d = 0;
    for (int p = parent[i]; p >= 0; p = parent[p])
        d++;
    return d;
}

/* PCA weights for one parent from its weighted children's columns; on LCM_NUMERIC the
 * existing weights stay and *fallback is set. */
static lcm_status pca_parent(const lcm_ci_tree *t, size_t i, const double *s, size_t n, double *w,
                             double *buf, double *wk, int *fallback, char *err, size_t errlen) {
    const int *kids;
    size_t m = lcm_ci_tree_children(t, i, &kids), k = 0;
    for (size_t j = 0; j < m; j++)
        if (w[kids[j]] > 0)
            memcpy(buf + k++ * n, s + (size_t)kids[j] * n, n * sizeof *buf);
    if (k < 2)
        return LCM_OK;
    lcm_status st = lcm_ci_weights_pca(buf, n, k, wk, NULL, err, errlen);
    if (st == LCM_NUMERIC) {
        if (fallback)
            fallback[i] = 1;
        return LCM_OK;
    }
    for (size_t j = 0, c = 0; st == LCM_OK && j < m; j++)
        if (w[kids[j]] > 0)
            w[kids[j]] = wk[c++];
    return st;
}

lcm_status lcm_ci_weights_pca_tree(const lcm_ci_tree *t, const int *parent, double *s, size_t n,
                                   double *w, lcm_ci_agg agg, double threshold, int *fallback,
                                   char *err, size_t errlen) {
    size_t nn = lcm_ci_tree_nnode(t), maxd = 0;
    for (size_t i = 0; i < nn; i++) {
        size_t d = depth_of(i, parent);
        maxd = d > maxd ? d : maxd;
    }
    double *buf = malloc((nn * n + 1) * sizeof *buf), *wk = malloc((nn + 1) * sizeof *wk);
    lcm_status st = buf && wk ? LCM_OK : LCM_NOMEM;
    for (size_t d = maxd; st == LCM_OK && d-- > 0;) {
        for (size_t i = 0; st == LCM_OK && i < nn; i++) {
            const int *kids;
            if (depth_of(i, parent) == d && lcm_ci_tree_children(t, i, &kids) > 0)
                st = pca_parent(t, i, s, n, w, buf, wk, fallback, err, errlen);
        }
        /* the next level up needs this level's aggregates under the new weights */
        if (st == LCM_OK)
            st = lcm_ci_aggregate(t, w, s, n, agg, threshold, err, errlen);
    }
    free(buf);
    free(wk);
    return st;
}
