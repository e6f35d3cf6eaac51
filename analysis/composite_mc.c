/*
 * composite_mc.c - the composite pipeline (band -> outlier treatment -> normalisation ->
 * aggregation) and its Monte Carlo uncertainty analysis (Handbook §7, COINr's
 * get_sensitivity): every draw perturbs the weights, may switch normalisation and
 * aggregation, and draws survey-based points from their sampling distributions; the ranks of
 * all draws are counted into one histogram per unit, from which median and 5th-95th
 * percentile ranks are read. Memory is O(n^2) for the histograms, never O(n * draws).
 */
#include "composite.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int is_leaf(const lcm_ci_tree *t, size_t i) {
    const int *k;
    return lcm_ci_tree_children(t, i, &k) == 0;
}

/* First present value of x, NaN when none. */
static double first_present(const double *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            return x[i];
    return NAN;
}

/* One leaf from its raw column to its normalised column in out (rescaled for the geometric
 * mean when geom); tr (never NULL) gets the treatment and what became of a column with no
 * spread. A band whose every city is inside it (distance 0 everywhere) has met its target:
 * 100 under every method but z-scores. */
static lcm_status prepare_leaf(const lcm_ci_model *m, size_t leaf, lcm_ci_norm norm, int geom,
                               int treat, const double *raw, double *out, lcm_ci_treatment *tr,
                               char *err, size_t errlen) {
    size_t n = m->n;
    int band = m->band && m->band[leaf];
    if (band)
        lcm_ci_band_distance(raw, n, m->band_lo[leaf], m->band_hi[leaf], out);
    else if (out != raw)
        memcpy(out, raw, n * sizeof *out);
    lcm_ci_normspec spec = m->spec[leaf];
    spec.method = norm;
    if (treat && !spec.fixed) {
        lcm_ci_treat(out, n, LCM_CI_WINMAX, tr);
    } else { /* yes/no points are never treated; their shape is still shown */
        memset(tr, 0, sizeof *tr);
        lcm_ci_skew_kurt(out, n, &tr->skew, &tr->kurt);
        tr->skew2 = tr->skew, tr->kurt2 = tr->kurt;
    }
    int flat = lcm_ci_no_spread(out, n);
    lcm_status st = LCM_OK;
    if (flat && band && first_present(out, n) == 0 && norm != LCM_CI_ZSCORE) {
        for (size_t i = 0; i < n; i++)
            out[i] = isnan(out[i]) ? NAN : 100;
    } else {
        st = lcm_ci_normalise(out, n, &spec, out, err, errlen);
    }
    if (flat)
        tr->constant = isnan(first_present(out, n)) ? LCM_CI_CONST_DROPPED : LCM_CI_CONST_SCORED;
    if (st == LCM_OK && geom)
        lcm_ci_geom_rescale(out, n, norm);
    return st;
}

lcm_status lcm_ci_compute(const lcm_ci_model *m, const lcm_ci_options *o, double *s,
                          lcm_ci_treatment *treat, char *err, size_t errlen) {
    size_t nn = lcm_ci_tree_nnode(m->tree), n = m->n;
    int geom = o->agg == LCM_CI_GEOM;
    double *w = malloc((nn + 1) * sizeof *w), *plain = NULL;
    lcm_ci_treatment *tr = calloc(nn + 1, sizeof *tr);
    if (geom)
        plain = malloc((n * nn + 1) * sizeof *plain);
    lcm_status st = w && tr && (!geom || plain) ? LCM_OK : LCM_NOMEM;
    for (size_t i = 0; st == LCM_OK && i < nn; i++) {
        w[i] = m->weight[i];
        if (is_leaf(m->tree, i))
            st = prepare_leaf(m, i, o->norm, 0, o->treat, m->raw + i * n, s + i * n, &tr[i], err,
                              errlen);
    }
    if (st == LCM_OK) {
        lcm_ci_weights_drop(m->tree, tr, w);
        if (geom) { /* the aggregation works on rescaled leaves; s keeps the plain ones */
            memcpy(plain, s, n * nn * sizeof *s);
            for (size_t i = 0; i < nn; i++)
                if (is_leaf(m->tree, i))
                    lcm_ci_geom_rescale(s + i * n, n, o->norm);
        }
        st = lcm_ci_aggregate(m->tree, w, s, n, o->agg, o->threshold, err, errlen);
    }
    for (size_t i = 0; st == LCM_OK && geom && i < nn; i++)
        if (is_leaf(m->tree, i))
            memcpy(s + i * n, plain + i * n, n * sizeof *s);
    if (st == LCM_OK && treat)
        memcpy(treat, tr, nn * sizeof *tr);
    free(w), free(tr), free(plain);
    return st;
}

/* Working memory of one Monte Carlo run. */
typedef struct mc_work {
    size_t n, nn;
    lcm_ci_norm norms[LCM_CI_NNORM];
    size_t nnorm;
    double *leaves[LCM_CI_NNORM][2];    /* precomputed leaf columns per (norm, geometric) */
    lcm_ci_treatment *tr[LCM_CI_NNORM]; /* per leaf and norm: which columns are left out */
    double *s, *w, *draw;               /* one draw's scores, weights, noisy raw column */
    int *rank;
    uint32_t *hist[3]; /* (n + 1) x (n + 1) rank counts: overall, within 2 groups */
    gsl_rng *rng;
} mc_work;

static void mc_free(mc_work *wk) {
    for (size_t a = 0; a < LCM_CI_NNORM; a++)
        free(wk->leaves[a][0]), free(wk->leaves[a][1]), free(wk->tr[a]);
    free(wk->s), free(wk->w), free(wk->draw), free(wk->rank);
    for (int g = 0; g < 3; g++)
        free(wk->hist[g]);
    gsl_rng_free(wk->rng);
}

static lcm_status mc_alloc(mc_work *wk, const lcm_ci_model *m, const lcm_ci_options *o,
                           const lcm_ci_mc_spec *mc) {
    static const lcm_ci_norm alt[] = {LCM_CI_MINMAX, LCM_CI_ZSCORE, LCM_CI_GOALPOSTS, LCM_CI_RANK};
    memset(wk, 0, sizeof *wk);
    wk->n = m->n, wk->nn = lcm_ci_tree_nnode(m->tree);
    wk->norms[wk->nnorm++] = o->norm;
    for (size_t a = 0; mc->vary_norm && a < sizeof alt / sizeof alt[0]; a++)
        if (alt[a] != o->norm)
            wk->norms[wk->nnorm++] = alt[a];
    size_t cells = wk->n * wk->nn, h = (wk->n + 1) * (wk->n + 1);
    wk->s = malloc((cells ? cells : 1) * sizeof *wk->s);
    wk->w = malloc((wk->nn ? wk->nn : 1) * sizeof *wk->w);
    wk->draw = malloc((wk->n ? wk->n : 1) * sizeof *wk->draw);
    wk->rank = malloc((wk->n ? wk->n : 1) * sizeof *wk->rank);
    wk->rng = gsl_rng_alloc(gsl_rng_mt19937);
    int ok = wk->s && wk->w && wk->draw && wk->rank && wk->rng;
    for (int g = 0; ok && g < 3; g++)
        ok = (wk->hist[g] = calloc(h, sizeof *wk->hist[g])) != NULL;
    for (size_t a = 0; ok && a < wk->nnorm; a++)
        ok = (wk->tr[a] = calloc(wk->nn + 1, sizeof *wk->tr[a])) != NULL;
    for (size_t a = 0; ok && a < wk->nnorm; a++)
        for (int geo = 0; ok && geo < 2; geo++)
            ok = (wk->leaves[a][geo] = malloc((cells ? cells : 1) * sizeof(double))) != NULL;
    if (!ok)
        return LCM_NOMEM;
    gsl_rng_set(wk->rng, mc->seed);
    return LCM_OK;
}

/* Normalised leaves for every (normalisation, arithmetic/geometric) a draw can pick. */
static lcm_status mc_precompute(mc_work *wk, const lcm_ci_model *m, const lcm_ci_options *o,
                                char *err, size_t errlen) {
    for (size_t a = 0; a < wk->nnorm; a++)
        for (int geo = 0; geo < 2; geo++)
            for (size_t i = 0; i < wk->nn; i++) {
                if (!is_leaf(m->tree, i))
                    continue;
                double *out = wk->leaves[a][geo] + i * wk->n;
                lcm_status st = prepare_leaf(m, i, wk->norms[a], geo, o->treat, m->raw + i * wk->n,
                                             out, &wk->tr[a][i], err, errlen);
                if (st != LCM_OK)
                    return st;
            }
    return LCM_OK;
}

/* A survey-based point drawn from its sampling distribution: mean of its components, each
 * est + se * z clamped to the measure's range. */
static void draw_noisy(mc_work *wk, const lcm_ci_noisy *p) {
    for (size_t u = 0; u < wk->n; u++) {
        double acc = 0;
        for (size_t c = 0; c < p->ncomp; c++) {
            double e = p->est[c * wk->n + u], se = p->se[c * wk->n + u];
            double v = e + (se > 0 ? se * gsl_ran_gaussian_ziggurat(wk->rng, 1.0) : 0);
            acc += fmin(p->hi, fmax(p->lo, v));
        }
        wk->draw[u] = acc / (double)p->ncomp; /* NaN components keep the point missing */
    }
}

static void count_ranks(uint32_t *hist, const int *rank, size_t n) {
    for (size_t u = 0; u < n; u++)
        hist[u * (n + 1) + (size_t)rank[u]]++;
}

/* One Monte Carlo draw: choices, weights, survey points, aggregation, ranks counted. */
static lcm_status mc_draw(mc_work *wk, const lcm_ci_model *m, const lcm_ci_options *o,
                          const lcm_ci_mc_spec *mc, const int *base_rank, double *shift, char *err,
                          size_t errlen) {
    size_t a = mc->vary_norm ? gsl_rng_uniform_int(wk->rng, wk->nnorm) : 0;
    lcm_ci_agg agg = o->agg;
    if (mc->vary_agg)
        agg = gsl_rng_uniform_int(wk->rng, 2) ? LCM_CI_GEOM : LCM_CI_ARITH;
    int geo = agg == LCM_CI_GEOM;
    memcpy(wk->s, wk->leaves[a][geo], wk->n * wk->nn * sizeof *wk->s);
    for (size_t i = 0; i < wk->nn; i++)
        wk->w[i] = m->weight[i] * (1 + mc->weight_spread * (2 * gsl_rng_uniform(wk->rng) - 1));
    lcm_ci_weights_drop(m->tree, wk->tr[a], wk->w); /* as in the base run, per method */
    for (size_t p = 0; p < m->nnoisy; p++) {
        draw_noisy(wk, &m->noisy[p]);
        lcm_ci_treatment tr;
        lcm_status st = prepare_leaf(m, m->noisy[p].leaf, wk->norms[a], geo, o->treat, wk->draw,
                                     wk->s + m->noisy[p].leaf * wk->n, &tr, err, errlen);
        if (st != LCM_OK)
            return st;
    }
    lcm_status st = lcm_ci_aggregate(m->tree, wk->w, wk->s, wk->n, agg, o->threshold, err, errlen);
    for (int g = 0; st == LCM_OK && g < 3; g++) {
        if (g > 0 && !mc->group[g - 1])
            continue;
        st = lcm_ci_rank(wk->s, wk->n, g ? mc->group[g - 1] : NULL, wk->rank);
        if (st == LCM_OK)
            count_ranks(wk->hist[g], wk->rank, wk->n);
        for (size_t u = 0; g == 0 && base_rank && u < wk->n; u++)
            if (wk->rank[u] && base_rank[u])
                *shift += abs(wk->rank[u] - base_rank[u]);
    }
    return st;
}

/* Smallest rank whose cumulative share of the unit's ranked draws reaches p (R type 1). */
static int hist_quantile(const uint32_t *row, size_t n, double p) {
    uint64_t total = 0, cum = 0;
    for (size_t r = 1; r <= n; r++)
        total += row[r];
    for (size_t r = 1; total && r <= n; r++) {
        cum += row[r];
        if ((double)cum >= p * (double)total - 1e-9)
            return (int)r;
    }
    return 0;
}

static void mc_intervals(const uint32_t *hist, size_t n, lcm_ci_interval *out) {
    for (size_t u = 0; out && u < n; u++) {
        const uint32_t *row = hist + u * (n + 1);
        out[u] = (lcm_ci_interval){hist_quantile(row, n, 0.5), hist_quantile(row, n, 0.05),
                                   hist_quantile(row, n, 0.95)};
    }
}

lcm_status lcm_ci_montecarlo(const lcm_ci_model *m, const lcm_ci_options *o,
                             const lcm_ci_mc_spec *mc, const int *base_rank, lcm_ci_mc_result *res,
                             char *err, size_t errlen) {
    mc_work wk;
    lcm_status st = mc_alloc(&wk, m, o, mc);
    if (st == LCM_OK)
        st = mc_precompute(&wk, m, o, err, errlen);
    double shift = 0;
    for (size_t d = 0; st == LCM_OK && d < mc->ndraw; d++)
        st = mc_draw(&wk, m, o, mc, base_rank, &shift, err, errlen);
    if (st == LCM_OK) {
        mc_intervals(wk.hist[0], wk.n, res->overall);
        for (int g = 0; g < 2; g++)
            if (mc->group[g])
                mc_intervals(wk.hist[g + 1], wk.n, res->within[g]);
        size_t ranked = 0;
        for (size_t u = 0; base_rank && u < wk.n; u++)
            ranked += base_rank[u] != 0;
        res->mean_shift = ranked && mc->ndraw ? shift / ((double)ranked * (double)mc->ndraw) : 0;
    }
    mc_free(&wk);
    return st;
}
