/*
 * svy_estimate.c - means, totals, proportions and ratios for every domain of every "by"
 * grouping in ONE pass over the rows.
 *
 * The pass walks the rows in design order (stratum, PSU, SSU) and keeps, per (domain, PSU)
 * met, a "cell" with sum w, sum w*y, sum w*x and the row count for every variable. A
 * domain's linearised PSU totals are affine in its estimate (for a mean t_i = (sum w*y -
 * ybar * sum w)/W), so after the pass each (domain, variable) is finished from its own cells
 * without touching the rows again; PSUs the domain never meets count as zero totals in n_h,
 * which is exactly what R's subset() + svymean(na.rm=TRUE) do. A two-stage design's
 * within-PSU variance is folded, when the pass leaves a PSU, into centred co-moments of the
 * SSU sums kept in the PSU's cell, so memory grows with domains x PSUs, not with the SSUs
 * (households). Calibrated designs add, per (domain, variable), the right-hand side of the
 * residual projection (and keep SSU cells when they have two stages: the residuals are known
 * per SSU); designs with replicate weights add the replicate sums.
 */
#include "svy_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

/* Per (cell, variable): sums of w, w*y, w*x and the row count; with stage-2 moments folded
 * in, also the centred co-moments over the PSU's SSUs of a = sum w*y - c*b and b = sum w (or
 * w*x for a ratio), c a shift per (domain, variable). */
enum { K_W, K_WY, K_WX, K_N, K_AA, K_AB, K_BB, K_FOLD };

typedef struct pass {
    size_t nvar, ndom; /* variables, domains over all groupings */
    size_t K;          /* doubles per (cell, variable): K_N+1, or K_FOLD with the moments */
    int ssu_cells;     /* cells per (domain, SSU): a calibrated two-stage design, whose
                          residuals are known per SSU only */
    int fold;          /* cells per (domain, PSU) with the stage-2 moments folded in: every
                          other two-stage design; the SSU sums live only while their PSU is
                          walked, so memory does not grow with the number of SSUs */
    size_t ncell, cap;
    size_t *cell_dom, *cell_key; /* key: the SSU's unit index with ssu_cells, else the PSU */
    double *acc;                 /* ncell * nvar * K */
    double *mom;                 /* ndom*nvar*3: weighted W, mean, M2 for the design effect */
    double *q;                   /* calibrated: per domain D and variable, over the nq(D)
                                    cells D's rows touch, sums of a_kj, a_kj*y, a_kj*x:
                                    3*nq(D) doubles at q + 3*(qs_start[D]*nvar + v*nq(D)) */
    size_t *qs_start, *qs_col;   /* calibrated: ndom+1 offsets; each domain's cells, sorted */
    size_t *comp;                /* calibrated: p, the component of each cell (cells linked
                                    through a row, see svy_cal) */
    size_t ncomp;
    size_t *cc_start, *cc_cell; /* ncomp+1 offsets; each component's cells, increasing */
    size_t *cu_start, *cu_unit; /* ncomp+1 offsets; units with a nonzero c_kj in it */
    double *rsum;               /* replicates: ndom*nvar*3R, sums of w_r, w_r*y, w_r*x */
    double *shift;              /* fold: ndom*nvar shifts c, NaN until the domain shows one */
    size_t ne, ecap;            /* fold: the current PSU's (domain, SSU) entries */
    size_t *e_cell, *e_sorted;  /* each entry's cell; entries bucketed by cell */
    double *e_ab;               /* ecap*nvar*2: a and b per entry and variable */
    size_t *bucket;             /* ndom+1 */
} pass;

static void pass_free(pass *p) {
    free(p->cell_dom);
    free(p->cell_key);
    free(p->acc);
    free(p->mom);
    free(p->q);
    free(p->qs_start), free(p->qs_col), free(p->comp);
    free(p->cc_start), free(p->cc_cell), free(p->cu_start), free(p->cu_unit);
    free(p->rsum);
    free(p->shift);
    free(p->e_cell);
    free(p->e_sorted);
    free(p->e_ab);
    free(p->bucket);
}

/* a resized to cap elements of size sz, or a itself with *ok cleared when out of memory
 * (so the caller still owns and frees it). */
static void *resize(void *a, size_t cap, size_t sz, int *ok) {
    void *q = *ok ? realloc(a, cap * sz) : NULL;
    *ok = q != NULL;
    return q ? q : a;
}

static int grow(pass *p) {
    size_t cap = p->cap ? 2 * p->cap : 1024;
    int ok = 1;
    p->cell_dom = resize(p->cell_dom, cap, sizeof *p->cell_dom, &ok);
    p->cell_key = resize(p->cell_key, cap, sizeof *p->cell_key, &ok);
    p->acc = resize(p->acc, cap, p->nvar * p->K * sizeof *p->acc, &ok);
    if (ok)
        p->cap = cap;
    return ok;
}

static int grow_entries(pass *p) {
    size_t cap = p->ecap ? 2 * p->ecap : 256;
    int ok = 1;
    p->e_cell = resize(p->e_cell, cap, sizeof *p->e_cell, &ok);
    p->e_sorted = resize(p->e_sorted, cap, sizeof *p->e_sorted, &ok);
    p->e_ab = resize(p->e_ab, cap, p->nvar * 2 * sizeof *p->e_ab, &ok);
    if (ok)
        p->ecap = cap;
    return ok;
}

/* The PSU a cell belongs to. */
static size_t cell_psu(const lcm_svy_design *d, const pass *p, size_t c) {
    return p->ssu_cells ? d->unit_psu[p->cell_key[c]] : p->cell_key[c];
}

size_t lcm_svy_nresults(const lcm_svy_by *by, size_t nby, size_t nvar) {
    size_t nd = 0;
    for (size_t g = 0; g < nby; g++)
        nd += by[g].dom ? by[g].ndom : 1;
    return nd * nvar;
}

/* Where cell j is in a domain's sorted cells cols[0..m) (it is there). */
static size_t local_cell(const size_t *cols, size_t m, size_t j) {
    size_t lo = 0, hi = m;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (cols[mid] <= j)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Calibration right-hand sides for one row in one domain, over the domain's cells
 * cols[0..m), or (cols NULL) over all m = p cells. */
static void add_cal(const svy_cal *c, size_t k, double *q, const size_t *cols, size_t m, double y,
                    double x) {
    for (size_t b = 0; b < c->nblock; b++) {
        const svy_cal_block *bl = &c->block[b];
        if (bl->cell) {
            size_t g = bl->col0 + (size_t)bl->cell[k], j = cols ? local_cell(cols, m, g) : g;
            double a = bl->afac[k];
            q[j] += a, q[m + j] += a * y, q[2 * m + j] += a * x;
        } else {
            const double *xr = bl->dense + k * bl->ncol;
            for (size_t jj = 0; jj < bl->ncol; jj++) {
                size_t j = cols ? local_cell(cols, m, bl->col0 + jj) : bl->col0 + jj;
                double a = bl->afac[k] * xr[jj];
                q[j] += a, q[m + j] += a * y, q[2 * m + j] += a * x;
            }
        }
    }
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Each domain's calibration cells: those its rows fall in (a one-hot margin) or every
 * column of a dense block. */
static lcm_status domain_cells(const lcm_svy_design *d, pass *p, const lcm_svy_by *by, size_t nby,
                               const size_t *base) {
    const svy_cal *c = d->cal;
    size_t per = 0, P = c->p;
    for (size_t b = 0; b < c->nblock; b++)
        per += c->block[b].cell ? 1 : c->block[b].ncol;
    p->qs_start = calloc(p->ndom + 1, sizeof *p->qs_start);
    size_t *pos = malloc((p->ndom ? p->ndom : 1) * sizeof *pos);
    size_t *mark = malloc((P ? P : 1) * sizeof *mark);
    if (!p->qs_start || !pos || !mark) {
        free(pos), free(mark);
        return LCM_NOMEM;
    }
    for (size_t g = 0; g < nby; g++)
        for (size_t k = 0; k < d->n; k++) {
            int32_t id = by[g].dom ? by[g].dom[k] : 0;
            if (id >= 0)
                p->qs_start[base[g] + (size_t)id + 1] += per;
        }
    for (size_t D = 0; D < p->ndom; D++)
        p->qs_start[D + 1] += p->qs_start[D], pos[D] = p->qs_start[D];
    size_t total = p->qs_start[p->ndom];
    p->qs_col = malloc((total ? total : 1) * sizeof *p->qs_col);
    if (!p->qs_col) {
        free(pos), free(mark);
        return LCM_NOMEM;
    }
    for (size_t g = 0; g < nby; g++)
        for (size_t k = 0; k < d->n; k++) {
            int32_t id = by[g].dom ? by[g].dom[k] : 0;
            if (id < 0)
                continue;
            size_t *e = p->qs_col + pos[base[g] + (size_t)id];
            for (size_t b = 0; b < c->nblock; b++) {
                const svy_cal_block *bl = &c->block[b];
                if (bl->cell)
                    *e++ = bl->col0 + (size_t)bl->cell[k];
                else
                    for (size_t jj = 0; jj < bl->ncol; jj++)
                        *e++ = bl->col0 + jj;
            }
            pos[base[g] + (size_t)id] += per;
        }
    /* distinct and sorted, in place (a domain's distinct cells never pass its entries) */
    for (size_t j = 0; j < P; j++)
        mark[j] = SIZE_MAX;
    size_t w = 0, from = 0;
    for (size_t D = 0; D < p->ndom; D++) {
        size_t to = p->qs_start[D + 1], w0 = w;
        for (size_t e = from; e < to; e++) {
            size_t j = p->qs_col[e];
            if (mark[j] != D)
                mark[j] = D, p->qs_col[w++] = j;
        }
        qsort(p->qs_col + w0, w - w0, sizeof *p->qs_col, cmp_size);
        p->qs_start[D] = w0, from = to;
    }
    p->qs_start[p->ndom] = w;
    free(pos), free(mark);
    size_t *shrunk = realloc(p->qs_col, (w ? w : 1) * sizeof *p->qs_col);
    if (shrunk)
        p->qs_col = shrunk;
    p->q = calloc((w ? w : 1) * p->nvar * 3, sizeof *p->q);
    return p->q ? LCM_OK : LCM_NOMEM;
}

static size_t find_root(size_t *parent, size_t i) {
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* The calibration's components (cells linked through a row: cross's nonzeros for raking,
 * none for post-stratification, all cells for a dense linear calibration), their cells and
 * the units with a nonzero unit total in them. */
static lcm_status components(const lcm_svy_design *d, pass *p) {
    const svy_cal *c = d->cal;
    size_t P = c->p;
    p->comp = malloc((P ? P : 1) * sizeof *p->comp);
    size_t *mark = NULL, *parent = malloc((P ? P : 1) * sizeof *parent);
    if (!p->comp || !parent) {
        free(parent);
        return LCM_NOMEM;
    }
    for (size_t i = 0; i < P; i++)
        parent[i] = i;
    if (c->kind == SVY_CAL_RAKE) {
        for (size_t i = 0; i < P; i++)
            for (size_t z = c->cross_start[i]; z < c->cross_start[i + 1]; z++) {
                size_t a = find_root(parent, i), b = find_root(parent, c->cross_col[z]);
                if (a != b) /* the smaller index is the root */
                    parent[a > b ? a : b] = a < b ? a : b;
            }
    } else if (!c->diag) {
        for (size_t i = 0; i < P; i++)
            parent[i] = 0;
    }
    /* numbered 0.. in the order of their first (root) cell */
    size_t n = 0;
    for (size_t i = 0; i < P; i++) {
        size_t r = find_root(parent, i);
        p->comp[i] = r == i ? n++ : p->comp[r];
    }
    free(parent);
    p->ncomp = n;
    p->cc_start = calloc(n + 1, sizeof *p->cc_start);
    p->cc_cell = malloc((P ? P : 1) * sizeof *p->cc_cell);
    p->cu_start = calloc(n + 1, sizeof *p->cu_start);
    mark = malloc((n ? n : 1) * sizeof *mark);
    if (!p->cc_start || !p->cc_cell || !p->cu_start || !mark) {
        free(mark);
        return LCM_NOMEM;
    }
    for (size_t i = 0; i < P; i++)
        p->cc_start[p->comp[i] + 1]++;
    for (size_t m = 0; m < n; m++)
        p->cc_start[m + 1] += p->cc_start[m];
    for (size_t i = 0; i < P; i++)
        p->cc_cell[p->cc_start[p->comp[i]]++] = i;
    for (size_t m = n; m > 0; m--)
        p->cc_start[m] = p->cc_start[m - 1];
    p->cc_start[0] = 0;
    for (int pass2 = 0; pass2 < 2; pass2++) {
        for (size_t m = 0; m < n; m++)
            mark[m] = SIZE_MAX;
        for (size_t u = 0; u < d->nunit; u++)
            for (size_t z = c->uc_start[u]; z < c->uc_start[u + 1]; z++) {
                size_t m = p->comp[c->uc_col[z]];
                if (mark[m] == u)
                    continue;
                mark[m] = u;
                if (pass2)
                    p->cu_unit[p->cu_start[m]++] = u;
                else
                    p->cu_start[m + 1]++;
            }
        if (!pass2) {
            for (size_t m = 0; m < n; m++)
                p->cu_start[m + 1] += p->cu_start[m];
            p->cu_unit = malloc((p->cu_start[n] ? p->cu_start[n] : 1) * sizeof *p->cu_unit);
            if (!p->cu_unit) {
                free(mark);
                return LCM_NOMEM;
            }
        } else {
            for (size_t m = n; m > 0; m--)
                p->cu_start[m] = p->cu_start[m - 1];
            p->cu_start[0] = 0;
        }
    }
    free(mark);
    return LCM_OK;
}

/* Adds row k (weight w) to domain D's cell c for every variable, and to the SSU entry e
 * (SIZE_MAX: none). */
static void add_row(const lcm_svy_design *d, pass *p, const lcm_svy_var *vars, size_t k, size_t D,
                    size_t c, size_t e) {
    double w = d->w[k];
    double *a = p->acc + c * p->nvar * p->K;
    for (size_t v = 0; v < p->nvar; v++, a += p->K) {
        double y = vars[v].y[k];
        double x = vars[v].x ? vars[v].x[k] : 0.0;
        if (isnan(y) || isnan(x))
            continue;
        a[K_W] += w, a[K_WY] += w * y, a[K_WX] += w * x, a[K_N] += 1.0;
        if (e != SIZE_MAX) {
            double *ab = p->e_ab + (e * p->nvar + v) * 2;
            ab[0] += w * y, ab[1] += vars[v].stat == LCM_SVY_RATIO ? w * x : w;
        }
        double *m = p->mom + (D * p->nvar + v) * 3;
        double delta = y - m[1];
        m[0] += w;
        m[1] += w / m[0] * delta;
        m[2] += w * delta * (y - m[1]);
        if (p->q) {
            size_t nq = p->qs_start[D + 1] - p->qs_start[D];
            add_cal(d->cal, k, p->q + (p->qs_start[D] * p->nvar + v * nq) * 3,
                    p->qs_col + p->qs_start[D], nq, y, x);
        }
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

/* Stage-2 moments of one (cell, variable) from its SSU entries es[0..m) in PSU i. A unit's
 * linearised total is t_j = (a_j - xk b_j)/den with xk the domain's estimate, unknown until
 * the pass ends; sum_j (t_j - tbar)^2 = (Caa - 2 xk Cab + xk^2 Cbb)/den^2 in the centred
 * co-moments. Computed about a shift c (the domain's first SSU ratio a/b, a value of the
 * same size as xk) the cancellation in that combination stays small whatever the level of
 * y, so the moments keep the precision of centring at the estimate itself. */
static void fold_cell(const lcm_svy_design *d, pass *p, const lcm_svy_var *var, size_t i, size_t c,
                      size_t v, const size_t *es, size_t m) {
    double *sh = p->shift + p->cell_dom[c] * p->nvar + v;
    if (var->stat != LCM_SVY_TOTAL && isnan(*sh))
        for (size_t j = 0; j < m; j++) {
            const double *ab = p->e_ab + (es[j] * p->nvar + v) * 2;
            if (ab[1] != 0 && isfinite(ab[0] / ab[1])) {
                *sh = ab[0] / ab[1];
                break;
            }
        }
    double cs = var->stat == LCM_SVY_TOTAL || isnan(*sh) ? 0.0 : *sh;
    double n = (double)d->psu_nssu[i], sa = 0.0, sb = 0.0, caa = 0.0, cab = 0.0, cbb = 0.0;
    for (size_t j = 0; j < m; j++) {
        const double *ab = p->e_ab + (es[j] * p->nvar + v) * 2;
        sa += ab[0] - cs * ab[1], sb += ab[1];
    }
    double ma = sa / n, mb = sb / n;
    for (size_t j = 0; j < m; j++) {
        const double *ab = p->e_ab + (es[j] * p->nvar + v) * 2;
        double da = ab[0] - cs * ab[1] - ma, db = ab[1] - mb;
        caa += da * da, cab += da * db, cbb += db * db;
    }
    double absent = n - (double)m; /* SSUs of the PSU without the domain: totals 0 */
    double *a = p->acc + (c * p->nvar + v) * p->K;
    a[K_AA] = caa + absent * ma * ma;
    a[K_AB] = cab + absent * ma * mb;
    a[K_BB] = cbb + absent * mb * mb;
}

/* At the end of PSU i: its cells are [c0, ncell); fold their SSU entries into moments. */
static void fold_psu(const lcm_svy_design *d, pass *p, const lcm_svy_var *vars, size_t i,
                     size_t c0) {
    size_t nc = p->ncell - c0;
    memset(p->bucket, 0, (nc + 1) * sizeof *p->bucket);
    for (size_t e = 0; e < p->ne; e++)
        p->bucket[p->e_cell[e] - c0 + 1]++;
    for (size_t j = 0; j < nc; j++)
        p->bucket[j + 1] += p->bucket[j];
    for (size_t e = 0; e < p->ne; e++)
        p->e_sorted[p->bucket[p->e_cell[e] - c0]++] = e;
    for (size_t j = nc; j > 0; j--)
        p->bucket[j] = p->bucket[j - 1];
    p->bucket[0] = 0;
    for (size_t j = 0; j < nc; j++)
        for (size_t v = 0; v < p->nvar; v++)
            fold_cell(d, p, &vars[v], i, c0 + j, v, p->e_sorted + p->bucket[j],
                      p->bucket[j + 1] - p->bucket[j]);
    p->ne = 0;
}

/* Scratch of the pass: per domain, the cell and SSU entry it last used. */
typedef struct stamps {
    size_t *cell_key, *cell, *e_unit, *e;
} stamps;

/* Row k, in unit u with cell key `key`, into domain D's cell (and SSU entry when folding). */
static lcm_status visit(const lcm_svy_design *d, pass *p, const lcm_svy_var *vars, stamps *sp,
                        size_t k, size_t D, size_t key, size_t u) {
    if (sp->cell_key[D] != key) {
        if (p->ncell == p->cap && !grow(p))
            return LCM_NOMEM;
        sp->cell_key[D] = key;
        sp->cell[D] = p->ncell;
        p->cell_dom[p->ncell] = D;
        p->cell_key[p->ncell] = key;
        memset(p->acc + p->ncell * p->nvar * p->K, 0, p->nvar * p->K * sizeof *p->acc);
        p->ncell++;
    }
    size_t e = SIZE_MAX;
    if (p->fold) {
        if (sp->e_unit[D] != u) {
            if (p->ne == p->ecap && !grow_entries(p))
                return LCM_NOMEM;
            sp->e_unit[D] = u;
            sp->e[D] = p->ne;
            p->e_cell[p->ne] = sp->cell[D];
            memset(p->e_ab + p->ne * p->nvar * 2, 0, p->nvar * 2 * sizeof *p->e_ab);
            p->ne++;
        }
        e = sp->e[D];
    }
    add_row(d, p, vars, k, D, sp->cell[D], e);
    return LCM_OK;
}

static lcm_status run_pass(const lcm_svy_design *d, pass *p, const lcm_svy_var *vars,
                           const lcm_svy_by *by, size_t nby, const size_t *base) {
    lcm_status st = LCM_OK;
    stamps sp = {malloc(p->ndom * sizeof(size_t)), malloc(p->ndom * sizeof(size_t)),
                 malloc(p->ndom * sizeof(size_t)), malloc(p->ndom * sizeof(size_t))};
    if (!sp.cell_key || !sp.cell || !sp.e_unit || !sp.e) {
        st = LCM_NOMEM;
        goto cleanup;
    }
    for (size_t D = 0; D < p->ndom; D++)
        sp.cell_key[D] = sp.e_unit[D] = SIZE_MAX;
    size_t c0 = 0;
    for (size_t u = 0; u < d->nunit; u++) {
        size_t i = d->unit_psu[u], key = p->ssu_cells ? u : i;
        if (u == 0 || d->unit_psu[u - 1] != i)
            c0 = p->ncell; /* the PSU's cells start here */
        for (size_t r = d->unit_start[u]; r < d->unit_start[u + 1]; r++) {
            size_t k = d->order[r];
            for (size_t g = 0; g < nby; g++) {
                int32_t id = by[g].dom ? by[g].dom[k] : 0;
                if (id >= 0 &&
                    (st = visit(d, p, vars, &sp, k, base[g] + (size_t)id, key, u)) != LCM_OK)
                    goto cleanup;
            }
        }
        if (p->fold && (u + 1 == d->nunit || d->unit_psu[u + 1] != i))
            fold_psu(d, p, vars, i, c0);
    }
cleanup:
    free(sp.cell_key), free(sp.cell), free(sp.e_unit), free(sp.e);
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
    double *t, *v2;
    double *beta, *rhs;
    /* calibrated: the domain's components' cells (cells[0..ncells)) and the units whose
     * linearised total can be nonzero (dunits[0..ndunits)), both increasing; stamps */
    size_t *cells, ncells, *dunits, ndunits, *cmark, *umark;
    double *tu;
} scratch;

/* The cells and units of domain D's variance under calibration: the components of the cells
 * its rows touch, the units with a unit total in them, and the units of its own cells. */
static void domain_support(const pass *p, size_t D, const size_t *cl, size_t nc, scratch *sc) {
    sc->ncells = sc->ndunits = 0;
    for (size_t e = p->qs_start[D]; e < p->qs_start[D + 1]; e++) {
        size_t m = p->comp[p->qs_col[e]];
        if (sc->cmark[m] == D)
            continue;
        sc->cmark[m] = D;
        for (size_t z = p->cc_start[m]; z < p->cc_start[m + 1]; z++)
            sc->cells[sc->ncells++] = p->cc_cell[z];
        for (size_t z = p->cu_start[m]; z < p->cu_start[m + 1]; z++)
            if (sc->umark[p->cu_unit[z]] != D)
                sc->umark[p->cu_unit[z]] = D, sc->dunits[sc->ndunits++] = p->cu_unit[z];
    }
    for (size_t a = 0; a < nc; a++) {
        size_t u = p->cell_key[cl[a]];
        if (sc->umark[u] != D)
            sc->umark[u] = D, sc->dunits[sc->ndunits++] = u;
    }
    qsort(sc->cells, sc->ncells, sizeof *sc->cells, cmp_size);
    qsort(sc->dunits, sc->ndunits, sizeof *sc->dunits, cmp_size);
}

/* Taylor variance of a domain from its PSU cells with folded stage-2 moments. */
static lcm_status var_folded(const lcm_svy_design *d, const pass *p, const lcm_svy_var *var,
                             size_t D, size_t v, const size_t *cl, size_t nc, double xk, double den,
                             int kx, scratch *sc, double *out, char *err, size_t errlen) {
    double sh = p->shift[D * p->nvar + v];
    double dl = xk - (var->stat == LCM_SVY_TOTAL || isnan(sh) ? 0.0 : sh);
    size_t m = 0;
    for (size_t a = 0; a < nc; a++) {
        const double *c = p->acc + (cl[a] * p->nvar + v) * p->K;
        if (c[K_N] == 0)
            continue;
        size_t i = p->cell_key[cl[a]];
        double t = (c[K_WY] - xk * c[kx]) / den;
        /* the moments' combination is >= 0 in exact arithmetic */
        double ss = fmax(0.0, (c[K_AA] - 2 * dl * c[K_AB] + dl * dl * c[K_BB]) / (den * den));
        lcm_status st = lcm__svy_stage2(d, i, ss, t, &sc->v2[m], err, errlen);
        if (st != LCM_OK)
            return st;
        sc->units[m] = i, sc->t[m++] = t;
    }
    return lcm__svy_taylor_psu(d, sc->units, sc->t, sc->v2, m, out, err, errlen);
}

/* Finishes one (domain, variable) from its cells cl[0..nc). */
static lcm_status finish(const lcm_svy_design *d, const pass *p, const lcm_svy_var *var, size_t D,
                         size_t v, const size_t *cl, size_t nc, scratch *sc, lcm_svy_est *e,
                         char *err, size_t errlen) {
    double W = 0, A = 0, X = 0, N = 0;
    size_t npsu = 0, nstr = 0, lastp = SIZE_MAX, lasth = SIZE_MAX, m = 0;
    for (size_t a = 0; a < nc; a++) {
        const double *c = p->acc + (cl[a] * p->nvar + v) * p->K;
        if (c[K_N] == 0)
            continue;
        W += c[K_W], A += c[K_WY], X += c[K_WX], N += c[K_N];
        size_t i = cell_psu(d, p, cl[a]), h = d->psu_stratum[i];
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
            const double *c = p->acc + (cl[a] * p->nvar + v) * p->K;
            size_t i = cell_psu(d, p, cl[a]);
            if (c[K_N] > 0 && (k == 0 || sc->units[k - 1] != i))
                sc->units[k++] = i;
        }
        e->df = rep_df(d, sc->units, k);
    } else if (d->cal) {
        /* only the domain's cells carry right-hand sides, so beta is zero outside their
         * components and a unit's total is zero unless it has a cell there or a row in the
         * domain: the variance from those units alone (the rest are zeros, which the
         * Taylor variance pads), O(domain), not O(p + nunit) per domain */
        const svy_cal *cal = d->cal;
        size_t nq = p->qs_start[D + 1] - p->qs_start[D];
        const size_t *cols = p->qs_col + p->qs_start[D];
        const double *q = p->q + (p->qs_start[D] * p->nvar + v * nq) * 3;
        const double *qx = var->stat == LCM_SVY_RATIO ? q + 2 * nq : q;
        for (size_t z = 0; z < sc->ncells; z++)
            sc->rhs[sc->cells[z]] = 0.0;
        for (size_t j = 0; j < nq; j++)
            sc->rhs[cols[j]] = (q[nq + j] - xk * qx[j]) / den;
        lcm__svy_cal_beta_on(cal, sc->rhs, sc->beta, sc->cells, sc->ncells);
        for (size_t z = 0; z < sc->ndunits; z++) { /* a unit's nonzero columns only */
            size_t u = sc->dunits[z];
            double s = 0.0;
            for (size_t y = cal->uc_start[u]; y < cal->uc_start[u + 1]; y++)
                s += sc->beta[cal->uc_col[y]] * cal->uc_val[y];
            sc->t[u] = -s;
        }
        for (size_t a = 0; a < nc; a++) {
            const double *c = p->acc + (cl[a] * p->nvar + v) * p->K;
            sc->t[p->cell_key[cl[a]]] += (c[K_WY] - xk * c[kx]) / den;
        }
        for (size_t z = 0; z < sc->ndunits; z++)
            sc->tu[z] = sc->t[sc->dunits[z]];
        for (size_t z = 0; z < sc->ncells; z++) /* beta stays zero outside the cells */
            sc->beta[sc->cells[z]] = 0.0;
        lcm_status st =
            lcm__svy_taylor_var(d, sc->dunits, sc->tu, sc->ndunits, &e->var, err, errlen);
        if (st != LCM_OK)
            return st;
    } else if (p->fold) {
        lcm_status st = var_folded(d, p, var, D, v, cl, nc, xk, den, kx, sc, &e->var, err, errlen);
        if (st != LCM_OK)
            return st;
    } else {
        for (size_t a = 0; a < nc; a++) {
            const double *c = p->acc + (cl[a] * p->nvar + v) * p->K;
            if (c[K_N] == 0)
                continue;
            sc->units[m] = p->cell_key[cl[a]];
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
        lcm__an_msg(err, errlen, "invalid estimation request");
        return LCM_INVAL;
    }
    for (size_t v = 0; v < nvar; v++)
        if (!vars[v].y || (vars[v].stat == LCM_SVY_RATIO) != (vars[v].x != NULL) ||
            (unsigned)vars[v].stat > LCM_SVY_RATIO) {
            lcm__an_msg(err, errlen, "variable %zu: invalid statistic or missing column", v + 1);
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
                lcm__an_msg(err, errlen, "row %zu: domain id %d out of range in grouping %zu",
                            k + 1, (int)by[g].dom[k], g + 1);
                st = LCM_INVAL;
                goto cleanup;
            }
    p.nvar = nvar;
    p.ssu_cells = d->two_stage && d->cal;
    p.fold = d->two_stage && !d->cal && !d->rep;
    p.K = p.fold ? K_FOLD : K_N + 1;
    p.mom = calloc(p.ndom * nvar * 3, sizeof *p.mom);
    if (p.fold) {
        p.shift = malloc(p.ndom * nvar * sizeof *p.shift);
        p.bucket = malloc((p.ndom + 1) * sizeof *p.bucket);
        if (!p.shift || !p.bucket) {
            st = LCM_NOMEM;
            goto cleanup;
        }
        for (size_t i = 0; i < p.ndom * nvar; i++)
            p.shift[i] = NAN;
    }
    if (d->cal &&
        ((st = domain_cells(d, &p, by, nby, base)) != LCM_OK || (st = components(d, &p)) != LCM_OK))
        goto cleanup;
    if (d->rep)
        p.rsum = calloc(p.ndom * nvar * 3 * d->rep->nrep, sizeof *p.rsum);
    size_t nu = d->nunit, np = d->cal ? d->cal->p : 1;
    sc.units = malloc(nu * sizeof *sc.units);
    sc.t = malloc(nu * sizeof *sc.t);
    sc.v2 = malloc(nu * sizeof *sc.v2);
    sc.beta = calloc(np, sizeof *sc.beta);
    sc.rhs = malloc(np * sizeof *sc.rhs);
    if (d->cal) {
        sc.cells = malloc(np * sizeof *sc.cells);
        sc.dunits = malloc(nu * sizeof *sc.dunits);
        sc.tu = malloc(nu * sizeof *sc.tu);
        sc.cmark = malloc((p.ncomp ? p.ncomp : 1) * sizeof *sc.cmark);
        sc.umark = malloc(nu * sizeof *sc.umark);
        if (!sc.cells || !sc.dunits || !sc.tu || !sc.cmark || !sc.umark) {
            st = LCM_NOMEM;
            goto cleanup;
        }
        for (size_t m = 0; m < p.ncomp; m++)
            sc.cmark[m] = SIZE_MAX;
        for (size_t u = 0; u < nu; u++)
            sc.umark[u] = SIZE_MAX;
    }
    if (!p.mom || (d->cal && !p.q) || (d->rep && !p.rsum) || !sc.units || !sc.t || !sc.v2 ||
        !sc.beta || !sc.rhs) {
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
    for (size_t D = 0; D < p.ndom; D++) {
        if (d->cal)
            domain_support(&p, D, cl + start[D], start[D + 1] - start[D], &sc);
        for (size_t v = 0; v < nvar; v++) {
            st = finish(d, &p, &vars[v], D, v, cl + start[D], start[D + 1] - start[D], &sc,
                        &out[D * nvar + v], err, errlen);
            if (st != LCM_OK)
                goto cleanup;
        }
    }
cleanup:
    if (st == LCM_NOMEM)
        lcm__an_msg(err, errlen, "out of memory in estimation");
    pass_free(&p);
    free(base);
    free(start);
    free(cl);
    free(sc.units);
    free(sc.t);
    free(sc.v2);
    free(sc.beta);
    free(sc.rhs);
    free(sc.cells), free(sc.dunits), free(sc.tu), free(sc.cmark), free(sc.umark);
    return st;
}

/* The pieces of the pass that svy_compare.c reuses for its linear combinations of domain
 * estimates (so both give the same variance for one domain by the same code). */
void lcm__svy_cal_add(const svy_cal *c, size_t k, double *q, double y, double x) {
    add_cal(c, k, q, NULL, c->p, y, x); /* q over all p cells */
}

double lcm__svy_rep_var(const svy_rep *rp, const double *s, lcm_svy_stat stat, double est) {
    return rep_var(rp, s, stat, est);
}

double lcm__svy_rep_df(const lcm_svy_design *d, const size_t *psus, size_t k) {
    return rep_df(d, psus, k);
}
