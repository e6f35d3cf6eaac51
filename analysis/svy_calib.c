/*
 * svy_calib.c - calibration of a design's weights (post-stratification, raking, linear/GREG
 * calibration) and the residual projection its variance needs (R's svyrecvar postStrata).
 */
#include "svy_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

void lcm__svy_cal_free(svy_cal *c) {
    if (!c)
        return;
    for (size_t b = 0; b < c->nblock; b++) {
        free(c->block[b].cell);
        free(c->block[b].dense);
        free(c->block[b].afac);
        free(c->block[b].cfac);
    }
    free(c->block);
    free(c->minv);
    free(c->count);
    free(c->cross_start), free(c->cross_col), free(c->cross_val);
    free(c->uc_start), free(c->uc_col), free(c->uc_val);
    free(c);
}

/* Raking: R's 10 sweeps of x <- x - psw * ave(x/psw, margin), on the coefficients. Every
 * sweep adds to beta the cell means of what is left; "what is left" in cell i is
 * q_i - sum_j cross[i][j] beta_j. */
static void rake_beta(const svy_cal *c, const double *q, double *beta) {
    size_t p = c->p;
    memset(beta, 0, p * sizeof *beta);
    for (int it = 0; it < c->sweeps; it++)
        for (size_t b = 0; b < c->nblock; b++) {
            const svy_cal_block *bl = &c->block[b];
            for (size_t i = bl->col0; i < bl->col0 + bl->ncol; i++) {
                double left = q[i];
                for (size_t z = c->cross_start[i]; z < c->cross_start[i + 1]; z++)
                    left -= c->cross_val[z] * beta[c->cross_col[z]];
                /* cells of one margin are disjoint, so updating in place within the margin
                 * does not change the other cells' remainders */
                if (c->count[i] > 0)
                    beta[i] += left / c->count[i];
            }
        }
}

void lcm__svy_cal_beta_on(const svy_cal *c, const double *q, double *beta, const size_t *cells,
                          size_t m) {
    if (c->kind == SVY_CAL_RAKE) {
        /* rake_beta's sweeps on these cells only: they are whole components of cross and
         * in increasing order, i.e. margin by margin and cell by cell as the full sweep */
        for (size_t t = 0; t < m; t++)
            beta[cells[t]] = 0.0;
        for (int it = 0; it < c->sweeps; it++)
            for (size_t t = 0; t < m; t++) {
                size_t i = cells[t];
                double left = q[i];
                for (size_t z = c->cross_start[i]; z < c->cross_start[i + 1]; z++)
                    left -= c->cross_val[z] * beta[c->cross_col[z]];
                if (c->count[i] > 0)
                    beta[i] += left / c->count[i];
            }
        return;
    }
    if (c->diag) {
        for (size_t t = 0; t < m; t++)
            beta[cells[t]] = c->minv[cells[t]] * q[cells[t]];
        return;
    }
    lcm__svy_cal_beta(c, q, beta); /* dense M^-1: the cells are all p */
}

void lcm__svy_cal_beta(const svy_cal *c, const double *q, double *beta) {
    size_t p = c->p;
    if (c->kind == SVY_CAL_RAKE) {
        rake_beta(c, q, beta);
        return;
    }
    if (c->diag) {
        for (size_t i = 0; i < p; i++)
            beta[i] = c->minv[i] * q[i];
        return;
    }
    for (size_t i = 0; i < p; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += c->minv[i * p + j] * q[j];
        beta[i] = s;
    }
}

/* A clone of d ready to take a calibration, refusing a second one. */
static lcm_status start(const lcm_svy_design *d, lcm_svy_design **out, svy_cal **cal, size_t p,
                        size_t nblock, char *err, size_t errlen) {
    *out = NULL;
    *cal = NULL;
    if (d->cal || d->rep) {
        lcm__an_msg(err, errlen, "the design is already calibrated or has replicate weights");
        return LCM_UNSUPPORTED;
    }
    lcm_status st = lcm__svy_design_clone(d, out);
    if (st != LCM_OK)
        return st;
    svy_cal *c = calloc(1, sizeof *c);
    if (!c)
        return LCM_NOMEM;
    (*out)->cal = c;
    c->p = p;
    c->nblock = nblock;
    c->block = calloc(nblock, sizeof *c->block);
    if (!c->block)
        return LCM_NOMEM;
    *cal = c;
    return LCM_OK;
}

/* Row factor arrays of a block; the one-hot cells copied from the margin. */
static lcm_status block_init(svy_cal_block *b, size_t n, size_t col0, size_t ncol,
                             const int32_t *cell, const double *const *x) {
    b->col0 = col0;
    b->ncol = ncol;
    b->afac = malloc(n * sizeof *b->afac);
    b->cfac = malloc(n * sizeof *b->cfac);
    if (!b->afac || !b->cfac)
        return LCM_NOMEM;
    if (cell) {
        b->cell = malloc(n * sizeof *b->cell);
        if (!b->cell)
            return LCM_NOMEM;
        memcpy(b->cell, cell, n * sizeof *cell);
    } else {
        b->dense = malloc(n * ncol * sizeof *b->dense);
        if (!b->dense)
            return LCM_NOMEM;
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < ncol; j++)
                b->dense[k * ncol + j] = x[j][k];
    }
    return LCM_OK;
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Sparse rows built one at a time: a dense accumulator of p values, the columns touched in
 * the current row, and the CSR arrays the finished rows are appended to (columns in
 * increasing order, exact zeros left out, as sparse_rows gives them from a dense matrix:
 * each value is summed in the same order, so the same bits). Memory O(p + nonzeros), not
 * rows x p: with margins by city a row of 3,000 cities' cells has a handful of nonzeros. */
typedef struct sparse_acc {
    size_t p, row, nt, nz, cap;
    double *acc;
    size_t *mark, *touched;
    size_t *start, *col;
    double *val;
} sparse_acc;

static int sacc_init(sparse_acc *a, size_t p, size_t rows) {
    *a = (sparse_acc){.p = p, .cap = 1024};
    a->acc = malloc((p ? p : 1) * sizeof *a->acc);
    a->mark = malloc((p ? p : 1) * sizeof *a->mark);
    a->touched = malloc((p ? p : 1) * sizeof *a->touched);
    a->start = malloc((rows + 1) * sizeof *a->start);
    a->col = malloc(a->cap * sizeof *a->col);
    a->val = malloc(a->cap * sizeof *a->val);
    if (!a->acc || !a->mark || !a->touched || !a->start || !a->col || !a->val)
        return -1;
    for (size_t j = 0; j < p; j++)
        a->mark[j] = SIZE_MAX;
    a->start[0] = 0;
    return 0;
}

static inline void sacc_add(sparse_acc *a, size_t j, double v) {
    if (a->mark[j] != a->row) {
        a->mark[j] = a->row;
        a->acc[j] = 0.0;
        a->touched[a->nt++] = j;
    }
    a->acc[j] += v;
}

/* Ends the current row; -1 out of memory. */
static int sacc_next(sparse_acc *a) {
    qsort(a->touched, a->nt, sizeof *a->touched, cmp_size);
    if (a->nz + a->nt > a->cap) {
        size_t cap = 2 * (a->nz + a->nt);
        size_t *col = realloc(a->col, cap * sizeof *col);
        if (col)
            a->col = col;
        double *val = col ? realloc(a->val, cap * sizeof *val) : NULL;
        if (!val)
            return -1;
        a->val = val, a->cap = cap;
    }
    for (size_t t = 0; t < a->nt; t++) {
        size_t j = a->touched[t];
        if (a->acc[j] != 0.0)
            a->col[a->nz] = j, a->val[a->nz++] = a->acc[j];
    }
    a->nt = 0;
    a->start[++a->row] = a->nz;
    return 0;
}

/* Hands the CSR arrays over; frees the rest. */
static void sacc_done(sparse_acc *a, size_t **start, size_t **col, double **val) {
    *start = a->start, *col = a->col, *val = a->val;
    a->start = NULL, a->col = NULL, a->val = NULL;
}

static void sacc_free(sparse_acc *a) {
    free(a->acc), free(a->mark), free(a->touched), free(a->start), free(a->col), free(a->val);
}

/* Per variance unit, the sums of c_kj = cfac_k * x_kj, as sparse rows (uc_*). */
static int fill_unit_c(const lcm_svy_design *d, svy_cal *c) {
    sparse_acc a;
    int rc = sacc_init(&a, c->p, d->nunit);
    for (size_t u = 0; rc == 0 && u < d->nunit; u++) {
        for (size_t r = d->unit_start[u]; r < d->unit_start[u + 1]; r++) {
            size_t k = d->order[r];
            for (size_t b = 0; b < c->nblock; b++) {
                const svy_cal_block *bl = &c->block[b];
                if (bl->cell)
                    sacc_add(&a, bl->col0 + (size_t)bl->cell[k], bl->cfac[k]);
                else
                    for (size_t j = 0; j < bl->ncol; j++)
                        sacc_add(&a, bl->col0 + j, bl->cfac[k] * bl->dense[k * bl->ncol + j]);
            }
        }
        rc = sacc_next(&a);
    }
    if (rc == 0)
        sacc_done(&a, &c->uc_start, &c->uc_col, &c->uc_val);
    sacc_free(&a);
    return rc;
}

static lcm_status check_margin(const lcm_svy_design *d, const lcm_svy_margin *m, char *err,
                               size_t errlen) {
    if (!m || !m->cell || !m->popsize || m->ncell == 0) {
        lcm__an_msg(err, errlen, "invalid margin");
        return LCM_INVAL;
    }
    for (size_t k = 0; k < d->n; k++)
        if (m->cell[k] < 0 || (size_t)m->cell[k] >= m->ncell) {
            lcm__an_msg(err, errlen, "row %zu: cell %d outside the margin", k + 1, (int)m->cell[k]);
            return LCM_INVAL;
        }
    return LCM_OK;
}

/* One post-stratification of design o on margin m with R's postStratify() arithmetic, so
 * the weights come out bit-identical to R's: cell totals of 1/prob summed per cell in row
 * order in long double (tapply(, sum)), reweight = N_g/N^_g, prob <- prob/reweight,
 * weights 1/prob. est gets the cell totals. */
static lcm_status poststrat_once(lcm_svy_design *o, const lcm_svy_margin *m, double *est,
                                 long double *acc, char *err, size_t errlen) {
    size_t n = o->n;
    for (size_t g = 0; g < m->ncell; g++)
        acc[g] = 0.0L;
    for (size_t k = 0; k < n; k++)
        acc[m->cell[k]] += o->w[k];
    for (size_t g = 0; g < m->ncell; g++) {
        est[g] = (double)acc[g];
        if ((est[g] > 0) != (m->popsize[g] > 0)) {
            lcm__an_msg(err, errlen,
                        est[g] > 0 ? "cell %zu is in the sample but has population 0"
                                   : "cell %zu has population but no sample row",
                        g);
            return LCM_DESIGN;
        }
    }
    for (size_t k = 0; k < n; k++) {
        o->prob[k] /= m->popsize[m->cell[k]] / est[m->cell[k]];
        o->w[k] = 1.0 / o->prob[k];
    }
    return LCM_OK;
}

lcm_status lcm_svy_poststratify(const lcm_svy_design *d, const lcm_svy_margin *m,
                                lcm_svy_design **out, char *err, size_t errlen) {
    lcm_svy_design *o = NULL;
    svy_cal *c = NULL;
    double *est = NULL;
    long double *acc = NULL;
    if (out)
        *out = NULL;
    lcm_status st = check_margin(d, m, err, errlen);
    if (st != LCM_OK)
        return st;
    if ((st = start(d, &o, &c, m->ncell, 1, err, errlen)) != LCM_OK)
        goto cleanup;
    est = malloc(m->ncell * sizeof *est);
    acc = malloc(m->ncell * sizeof *acc);
    c->minv = calloc(m->ncell, sizeof *c->minv);
    if (!est || !acc || !c->minv ||
        (st = block_init(&c->block[0], d->n, 0, m->ncell, m->cell, NULL))) {
        st = st ? st : LCM_NOMEM;
        goto cleanup;
    }
    if ((st = poststrat_once(o, m, est, acc, err, errlen)) != LCM_OK)
        goto cleanup;
    /* residuals about the cell means weighted by the old weights (R's psmeans) */
    c->kind = SVY_CAL_LINEAR;
    c->diag = 1;
    for (size_t g = 0; g < m->ncell; g++)
        c->minv[g] = est[g] > 0 ? 1.0 / est[g] : 0.0;
    for (size_t k = 0; k < d->n; k++) {
        c->block[0].afac[k] = d->w[k];
        c->block[0].cfac[k] = o->w[k];
    }
    if (fill_unit_c(o, c) != 0) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    *out = o;
    o = NULL;
cleanup:
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory in post-stratification");
    free(est);
    free(acc);
    lcm_svy_design_free(o);
    return st;
}

typedef struct jrow {
    size_t row;
    const int32_t *const *cells; /* shared: the margins' cell arrays */
    size_t nm;
} jrow;

static int cmp_joint(const void *a, const void *b) {
    const jrow *x = a, *y = b;
    for (size_t m = 0; m < x->nm; m++) {
        int32_t cx = x->cells[m][x->row], cy = y->cells[m][y->row];
        if (cx != cy)
            return cx < cy ? -1 : 1;
    }
    return 0;
}

/* Joint cell of every row over all margins (R's svytable(~a+b+...)); returns the count. */
static lcm_status joint_cells(size_t n, const lcm_svy_margin *m, size_t nm, size_t *joint,
                              size_t *njoint) {
    const int32_t **cells = malloc(nm * sizeof *cells);
    jrow *r = malloc(n * sizeof *r);
    if (!cells || !r) {
        free(cells);
        free(r);
        return LCM_NOMEM;
    }
    for (size_t j = 0; j < nm; j++)
        cells[j] = m[j].cell;
    for (size_t k = 0; k < n; k++)
        r[k] = (jrow){k, cells, nm};
    qsort(r, n, sizeof *r, cmp_joint);
    size_t g = 0;
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && cmp_joint(&r[k - 1], &r[k]) != 0)
            g++;
        joint[r[k].row] = g;
    }
    *njoint = g + 1;
    free(cells);
    free(r);
    return LCM_OK;
}

static void joint_table(size_t n, const double *w, const size_t *joint, size_t nj, double *t) {
    memset(t, 0, nj * sizeof *t);
    for (size_t k = 0; k < n; k++)
        t[joint[k]] += w[k];
}

/* The raking calibration's variance data: R's 10 sweeps of x <- x - psw*ave(x/psw, margin)
 * with psw the weights after each margin in the last sweep. */
static lcm_status rake_cal(const lcm_svy_design *d, lcm_svy_design *o, svy_cal *c,
                           const lcm_svy_margin *m, size_t nm, const double *psw) {
    size_t p = c->p, n = d->n, col0 = 0;
    c->kind = SVY_CAL_RAKE;
    c->sweeps = 10;
    c->count = calloc(p, sizeof *c->count);
    size_t *rows = malloc((n ? n : 1) * sizeof *rows), *at = malloc((p + 1) * sizeof *at);
    sparse_acc a;
    int rc = sacc_init(&a, p, p);
    if (!c->count || !rows || !at || rc != 0) {
        free(rows), free(at), sacc_free(&a);
        return LCM_NOMEM;
    }
    for (size_t j = 0; j < nm; j++) {
        lcm_status st = block_init(&c->block[j], n, col0, m[j].ncell, m[j].cell, NULL);
        if (st != LCM_OK) {
            free(rows), free(at), sacc_free(&a);
            return st;
        }
        for (size_t k = 0; k < n; k++) {
            c->block[j].afac[k] = o->w[k] / psw[j * n + k];
            c->block[j].cfac[k] = psw[j * n + k];
        }
        col0 += m[j].ncell;
    }
    /* cross, one sparse row per cell i (margin a): the rows in cell i in increasing order
     * (a stable counting sort), each adding psw_b/psw_a to its cell j of every margin b: per
     * (i, j) the same terms in the same order as the dense loop over the rows */
    for (size_t ma = 0; rc == 0 && ma < nm; ma++) {
        const svy_cal_block *ba = &c->block[ma];
        memset(at, 0, (ba->ncol + 1) * sizeof *at);
        for (size_t k = 0; k < n; k++)
            at[(size_t)m[ma].cell[k] + 1]++;
        for (size_t g = 0; g < ba->ncol; g++)
            at[g + 1] += at[g];
        for (size_t k = 0; k < n; k++)
            rows[at[m[ma].cell[k]]++] = k;
        for (size_t g = ba->ncol; g > 0; g--)
            at[g] = at[g - 1];
        at[0] = 0;
        for (size_t g = 0; rc == 0 && g < ba->ncol; g++) {
            size_t i = ba->col0 + g;
            for (size_t r = at[g]; r < at[g + 1]; r++) {
                size_t k = rows[r];
                c->count[i] += 1.0;
                for (size_t mb = 0; mb < nm; mb++)
                    sacc_add(&a, c->block[mb].col0 + (size_t)m[mb].cell[k],
                             psw[mb * n + k] / psw[ma * n + k]);
            }
            rc = sacc_next(&a);
        }
    }
    if (rc == 0)
        sacc_done(&a, &c->cross_start, &c->cross_col, &c->cross_val);
    free(rows), free(at), sacc_free(&a);
    if (rc != 0 || fill_unit_c(o, c) != 0)
        return LCM_NOMEM;
    return LCM_OK;
}

lcm_status lcm_svy_rake(const lcm_svy_design *d, const lcm_svy_margin *m, size_t nm, int maxit,
                        double epsilon, lcm_svy_design **out, lcm_svy_calib_report *rep, char *err,
                        size_t errlen) {
    lcm_svy_design *o = NULL;
    svy_cal *c = NULL;
    size_t *joint = NULL, nj = 0, p = 0, maxcell = 0;
    double *oldt = NULL, *newt = NULL, *psw = NULL, *est = NULL, delta = INFINITY;
    long double *acc = NULL;
    int iter = 0, converged = 0;
    lcm_status st = LCM_OK;
    if (out)
        *out = NULL;
    if (!m || nm == 0 || maxit < 1 || !(epsilon > 0)) {
        lcm__an_msg(err, errlen, "invalid raking request");
        return LCM_INVAL;
    }
    for (size_t j = 0; j < nm; j++) {
        if ((st = check_margin(d, &m[j], err, errlen)) != LCM_OK)
            return st;
        p += m[j].ncell;
        maxcell = m[j].ncell > maxcell ? m[j].ncell : maxcell;
    }
    if ((st = start(d, &o, &c, p, nm, err, errlen)) != LCM_OK)
        goto cleanup;
    joint = malloc(d->n * sizeof *joint);
    psw = malloc(nm * d->n * sizeof *psw);
    est = malloc(maxcell * sizeof *est);
    acc = malloc(maxcell * sizeof *acc);
    if (!joint || !psw || !est || !acc || (st = joint_cells(d->n, m, nm, joint, &nj)) != LCM_OK) {
        st = st ? st : LCM_NOMEM;
        goto cleanup;
    }
    oldt = malloc(nj * sizeof *oldt);
    newt = malloc(nj * sizeof *newt);
    if (!oldt || !newt) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    if (epsilon < 1) { /* R: a fraction of the sum of the sampling weights */
        double sw = 0.0;
        for (size_t k = 0; k < d->n; k++)
            sw += d->w[k];
        epsilon *= sw;
    }
    joint_table(d->n, o->w, joint, nj, oldt);
    while (iter < maxit) {
        for (size_t j = 0; j < nm; j++) {
            if ((st = poststrat_once(o, &m[j], est, acc, err, errlen)) != LCM_OK)
                goto cleanup;
            memcpy(psw + j * d->n, o->w, d->n * sizeof *psw);
        }
        joint_table(d->n, o->w, joint, nj, newt);
        delta = 0.0;
        for (size_t g = 0; g < nj; g++)
            delta = fmax(delta, fabs(oldt[g] - newt[g]));
        if (delta < epsilon) {
            converged = 1;
            break;
        }
        memcpy(oldt, newt, nj * sizeof *oldt);
        iter++;
    }
    if (rep)
        *rep = (lcm_svy_calib_report){iter, delta, converged};
    if (!converged) {
        lcm__an_msg(err, errlen,
                    "raking did not converge after %d sweeps: a cell still moved by %g", iter,
                    delta);
        st = LCM_NOCONVERGE;
        goto cleanup;
    }
    if ((st = rake_cal(d, o, c, m, nm, psw)) != LCM_OK)
        goto cleanup;
    *out = o;
    o = NULL;
cleanup:
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory in raking");
    free(joint);
    free(oldt);
    free(newt);
    free(psw);
    free(est);
    free(acc);
    lcm_svy_design_free(o);
    return st;
}

/* Inverse of the p*p matrix a (overwritten with the LU factors) into inv. */
static lcm_status invert(double *a, double *inv, size_t p) {
    gsl_matrix_view A = gsl_matrix_view_array(a, p, p);
    gsl_matrix_view I = gsl_matrix_view_array(inv, p, p);
    gsl_permutation *perm = gsl_permutation_alloc(p);
    int sign = 0;
    if (!perm)
        return LCM_NOMEM;
    int rc = gsl_linalg_LU_decomp(&A.matrix, perm, &sign);
    for (size_t i = 0; rc == GSL_SUCCESS && i < p; i++)
        if (a[i * p + i] == 0.0)
            rc = GSL_ESING;
    if (rc == GSL_SUCCESS)
        rc = gsl_linalg_LU_invert(&A.matrix, perm, &I.matrix);
    gsl_permutation_free(perm);
    return rc == GSL_SUCCESS ? LCM_OK : LCM_NUMERIC;
}

/* Moore-Penrose inverse of the symmetric p*p matrix a (overwritten) as MASS::ginv() computes
 * it: singular values below 256 eps times the largest are dropped. R's grake() uses it, so a
 * Newton step with many rows at a bound goes on where an inverse would not exist. */
static lcm_status ginv(double *a, double *inv, size_t p) {
    lcm_status st = LCM_NOMEM;
    gsl_matrix_view A = gsl_matrix_view_array(a, p, p);
    gsl_matrix *v = gsl_matrix_alloc(p, p);
    gsl_vector *sv = gsl_vector_alloc(p), *work = gsl_vector_alloc(p);
    if (!v || !sv || !work)
        goto cleanup;
    st = LCM_NUMERIC;
    if (gsl_linalg_SV_decomp(&A.matrix, v, sv, work) != GSL_SUCCESS)
        goto cleanup;
    double tol = 256 * 2.220446049250313e-16 * gsl_vector_get(sv, 0);
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) {
            double s = 0.0;
            for (size_t l = 0; l < p; l++) {
                double d = gsl_vector_get(sv, l);
                if (d > tol)
                    s += gsl_matrix_get(v, i, l) * gsl_matrix_get(&A.matrix, j, l) / d;
            }
            inv[i * p + j] = s;
        }
    st = LCM_OK;
cleanup:
    gsl_matrix_free(v);
    gsl_vector_free(sv);
    gsl_vector_free(work);
    return st;
}

/* sum_k w_k f_k x_k x_k' (f NULL = 1) */
static void crossprod(const double *const *x, size_t p, size_t n, const double *w, const double *f,
                      double *out) {
    memset(out, 0, p * p * sizeof *out);
    for (size_t k = 0; k < n; k++) {
        double wk = f ? w[k] * f[k] : w[k];
        if (wk == 0.0)
            continue;
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j <= i; j++)
                out[i * p + j] += wk * x[i][k] * x[j][k];
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < i; j++)
            out[j * p + i] = out[i * p + j];
}

/* cal.linear's Fm1 and dF: g - 1 truncated to the bounds, and its derivative. */
static double fm1(double u, double lo, double hi) {
    return fmin(fmax(u + 1, lo), hi) - 1;
}
static double dfm1(double u, double lo, double hi) {
    return u < hi - 1 && u > lo - 1;
}

typedef struct grake_ws {
    double *t, *tinv, *eta, *misfit, *xeta, *deriv, *ww;
} grake_ws;

/* misfit = pop - sample.total - sum_k ww_k x_k Fm1(xeta_k); returns max |misfit|/(1+|pop|) */
static double grake_misfit(const double *const *x, size_t p, size_t n, const double *tot,
                           const double *st, grake_ws *s, double lo, double hi) {
    double worst = 0.0;
    for (size_t j = 0; j < p; j++) {
        double m = tot[j] - st[j];
        for (size_t k = 0; k < n; k++)
            m -= s->ww[k] * x[j][k] * fm1(s->xeta[k], lo, hi);
        s->misfit[j] = m;
        worst = fmax(worst, fabs(m) / (1 + fabs(tot[j])));
    }
    return worst;
}

/* R's grake() for calfun="linear" with bounds: Newton steps on eta, g = 1 + Fm1(x'eta). */
static lcm_status grake_linear(const double *const *x, size_t p, size_t n, const double *d,
                               const double *tot, double lo, double hi, int maxit, double eps,
                               double *g, lcm_svy_calib_report *rep) {
    lcm_status st = LCM_NOMEM;
    grake_ws s = {0};
    double *stot = calloc(p, sizeof *stot), scale = 0.0, minscale = INFINITY, worst = 0.0;
    s.t = malloc(p * p * sizeof *s.t);
    s.tinv = malloc(p * p * sizeof *s.tinv);
    s.eta = calloc(p, sizeof *s.eta);
    s.misfit = malloc(p * sizeof *s.misfit);
    s.xeta = calloc(n, sizeof *s.xeta);
    s.deriv = malloc(n * sizeof *s.deriv);
    s.ww = malloc(n * sizeof *s.ww);
    if (!stot || !s.t || !s.tinv || !s.eta || !s.misfit || !s.xeta || !s.deriv || !s.ww)
        goto cleanup;
    memcpy(s.ww, d, n * sizeof *d);
    for (size_t j = 0; j < p; j++) {
        for (size_t k = 0; k < n; k++)
            stot[j] += x[j][k] * d[k];
        minscale = fmin(minscale, tot[j] / stot[j]);
        scale += tot[j] / stot[j] / (double)p;
    }
    if (minscale > 20) { /* R rescales weights that are far below the population */
        for (size_t k = 0; k < n; k++)
            s.ww[k] *= scale;
        for (size_t j = 0; j < p; j++)
            stot[j] *= scale;
    } else
        scale = 0.0;
    for (size_t k = 0; k < n; k++)
        s.deriv[k] = dfm1(0.0, lo, hi);
    int iter = 1, ok = 0;
    grake_misfit(x, p, n, tot, stot, &s, lo, hi); /* then at the end of each iteration */
    for (;;) {
        crossprod(x, p, n, s.ww, s.deriv, s.t);
        if ((st = ginv(s.t, s.tinv, p)) != LCM_OK)
            goto cleanup;
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++)
                s.eta[i] += s.tinv[i * p + j] * s.misfit[j];
        for (size_t k = 0; k < n; k++) {
            double u = 0.0;
            for (size_t j = 0; j < p; j++)
                u += x[j][k] * s.eta[j];
            s.xeta[k] = u;
            s.deriv[k] = dfm1(u, lo, hi);
        }
        worst = grake_misfit(x, p, n, tot, stot, &s, lo, hi);
        if (worst < eps) {
            ok = 1;
            break;
        }
        if (++iter > maxit)
            break;
    }
    for (size_t k = 0; k < n; k++)
        g[k] = (1 + fm1(s.xeta[k], lo, hi)) * (scale > 0 ? scale : 1.0);
    if (rep)
        *rep = (lcm_svy_calib_report){iter, worst, ok};
    st = ok ? LCM_OK : LCM_NOCONVERGE;
cleanup:
    free(stot);
    free(s.t);
    free(s.tinv);
    free(s.eta);
    free(s.misfit);
    free(s.xeta);
    free(s.deriv);
    free(s.ww);
    return st;
}

/* R's regcalibrate(): g = 1 + x'(X'DX)^-1 (totals - sample totals), no iteration. */
static void greg_closed(const double *const *x, size_t p, size_t n, const double *d,
                        const double *tot, const double *minv, double *g, double *tmp) {
    for (size_t j = 0; j < p; j++) {
        double s = 0.0;
        for (size_t k = 0; k < n; k++)
            s += x[j][k] * d[k];
        tmp[p + j] = tot[j] - s;
    }
    for (size_t i = 0; i < p; i++) {
        tmp[i] = 0.0;
        for (size_t j = 0; j < p; j++)
            tmp[i] += minv[i * p + j] * tmp[p + j];
    }
    for (size_t k = 0; k < n; k++) {
        double u = 0.0;
        for (size_t j = 0; j < p; j++)
            u += x[j][k] * tmp[j];
        g[k] = 1 + u;
    }
}

lcm_status lcm_svy_calibrate(const lcm_svy_design *d, const double *const *x, size_t p,
                             const double *totals, double lower, double upper, int maxit,
                             double epsilon, lcm_svy_design **out, lcm_svy_calib_report *rep,
                             char *err, size_t errlen) {
    lcm_svy_design *o = NULL;
    svy_cal *c = NULL;
    double *m = NULL, *g = NULL, *tmp = NULL;
    lcm_status st = LCM_OK;
    int bounded = isfinite(lower) || isfinite(upper);
    if (out)
        *out = NULL;
    if (!x || p == 0 || !totals || !(lower < 1 && upper > 1) ||
        (bounded && (maxit < 1 || !(epsilon > 0)))) {
        lcm__an_msg(err, errlen, "invalid calibration request");
        return LCM_INVAL;
    }
    if ((st = start(d, &o, &c, p, 1, err, errlen)) != LCM_OK)
        goto cleanup;
    m = malloc(p * p * sizeof *m);
    c->minv = malloc(p * p * sizeof *c->minv);
    g = malloc(d->n * sizeof *g);
    tmp = malloc(2 * p * sizeof *tmp);
    if (!m || !c->minv || !g || !tmp || (st = block_init(&c->block[0], d->n, 0, p, NULL, x))) {
        st = st ? st : LCM_NOMEM;
        goto cleanup;
    }
    crossprod(x, p, d->n, d->w, NULL, m);
    if ((st = invert(m, c->minv, p)) != LCM_OK) {
        lcm__an_msg(err, errlen, "calibration variables are collinear in the sample");
        goto cleanup;
    }
    if (!bounded) {
        greg_closed(x, p, d->n, d->w, totals, c->minv, g, tmp);
        if (rep)
            *rep = (lcm_svy_calib_report){0, 0.0, 1};
    } else if ((st = grake_linear(x, p, d->n, d->w, totals, lower, upper, maxit, epsilon, g,
                                  rep)) != LCM_OK) {
        if (st == LCM_NOCONVERGE)
            lcm__an_msg(err, errlen, "calibration within bounds [%g, %g] failed", lower, upper);
        goto cleanup;
    }
    c->kind = SVY_CAL_LINEAR;
    for (size_t k = 0; k < d->n; k++) {
        o->prob[k] = d->prob[k] / g[k]; /* R's calibrate(): design$prob/g */
        o->w[k] = 1.0 / o->prob[k];
        c->block[0].afac[k] = d->w[k];
        c->block[0].cfac[k] = o->w[k];
    }
    if (fill_unit_c(o, c) != 0) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    *out = o;
    o = NULL;
cleanup:
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory in calibration");
    free(m);
    free(g);
    free(tmp);
    lcm_svy_design_free(o);
    return st;
}
