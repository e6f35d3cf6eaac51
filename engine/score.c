/*
 * score.c - one score run: inputs of the year (score_inputs.c), which points take part and
 * with what weight, imputation on request, the composite pipeline and its Monte Carlo
 * (analysis/composite*.c), ranks overall / within region / within tier, and the audit
 * (correlation of each node with its parent, Cronbach's alpha of each group).
 */
#include "rating.h"
#include "reliability.h"
#include "score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void lcm_score_opts_default(lcm_score_opts *o, int year) {
    *o = (lcm_score_opts){.year = year,
                          .norm = LCM_CI_MINMAX,
                          .agg = LCM_CI_ARITH,
                          .threshold = LCM_CI_THRESHOLD,
                          .treat = 1,
                          .impute = -1,
                          .weights = LCM_WEIGHTS_EQUAL,
                          .mc = 1000,
                          .seed = 1,
                          .mc_spread = 0.25,
                          .disagree = LCM_RATING_DISAGREE};
}

static int code_of(const char *s, const char *const *names) {
    for (int i = 0; names[i]; i++)
        if (s && strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* A group takes part when one of its children does. */
static void include_groups(lcm_score_inputs *in) {
    for (size_t i = 0; i < in->nnode; i++)
        if (!in->node[i].kind)
            in->node[i].included = 0;
    for (size_t i = in->nnode; i-- > 1;) /* children come after parents */
        if (in->node[i].included)
            in->node[in->node[i].parent].included = 1;
}

/* Which nodes take part: points unless background (or asked for), groups with a scored child;
 * weights equal, or from the file (a group weighted 0 there takes its points out with it). */
static lcm_status choose_weights(lcm_score_inputs *in, const lcm_score_opts *o, lcm_err *err) {
    for (size_t i = 0; i < in->nnode; i++) {
        lcm_score_node *nd = &in->node[i];
        nd->included = nd->kind ? (!nd->context || o->with_context) : 0;
        nd->weight = 1, nd->weight_method = "equal";
    }
    include_groups(in);
    if (o->weights == LCM_WEIGHTS_FILE) {
        lcm_status rc =
            lcm_score_weights_file(o->weights_file, in->node, in->nnode, o->with_context, err);
        if (rc != LCM_OK)
            return rc;
        for (size_t i = 1; i < in->nnode; i++) /* parents first */
            if (in->node[i].parent > 0 && !in->node[in->node[i].parent].included)
                in->node[i].included = 0;
        include_groups(in);
    }
    for (size_t i = 0; i < in->nnode; i++) {
        if (!in->node[i].included)
            in->node[i].weight = 0;
        if (o->weights == LCM_WEIGHTS_PCA && in->node[i].included)
            in->node[i].weight_method = "pca";
    }
    return LCM_OK;
}

static void impute(lcm_score_inputs *in, int how, const int *tier) {
    for (size_t j = 1; j < in->nnode; j++) {
        if (!in->node[j].kind || !in->node[j].included)
            continue;
        int *flags = in->imputed + j * in->ncity;
        int *fresh = calloc(in->ncity + 1, sizeof *fresh);
        if (!fresh)
            continue; /* out of memory: the values simply stay missing, and are reported so */
        lcm_ci_impute_column(in->raw + j * in->ncity, in->ncity, tier, (lcm_ci_impute)how, fresh);
        for (size_t c = 0; c < in->ncity; c++)
            flags[c] |= fresh[c];
        free(fresh);
    }
}

/* The analysis view of the inputs. Arrays are owned by the caller's work struct. */
typedef struct score_work {
    int *parent, *region, *tier, *rank, *fallback;
    double *w;
    lcm_ci_normspec *spec;
    int *band;
    double *band_lo, *band_hi;
    lcm_ci_tree *tree;
    lcm_ci_noisy noisy;
    lcm_ci_model model;
    lcm_ci_options opt;
    lcm_ci_treatment *treat;
} score_work;

static void work_free(score_work *wk) {
    free(wk->parent), free(wk->region), free(wk->tier), free(wk->rank), free(wk->fallback);
    free(wk->w), free(wk->spec), free(wk->band), free(wk->band_lo), free(wk->band_hi);
    free(wk->treat);
    lcm_ci_tree_free(wk->tree);
}

static lcm_status work_alloc(score_work *wk, const lcm_score_inputs *in) {
    size_t nn = in->nnode + 1, nc = in->ncity + 1;
    memset(wk, 0, sizeof *wk);
    wk->parent = malloc(nn * sizeof *wk->parent), wk->fallback = calloc(nn, sizeof(int));
    wk->region = malloc(nc * sizeof(int)), wk->tier = malloc(nc * sizeof(int));
    wk->rank = malloc(nc * sizeof(int)), wk->w = malloc(nn * sizeof(double));
    wk->spec = malloc(nn * sizeof *wk->spec), wk->band = calloc(nn, sizeof(int));
    wk->band_lo = malloc(nn * sizeof(double)), wk->band_hi = malloc(nn * sizeof(double));
    wk->treat = calloc(nn, sizeof *wk->treat);
    return wk->parent && wk->fallback && wk->region && wk->tier && wk->rank && wk->w && wk->spec &&
                   wk->band && wk->band_lo && wk->band_hi && wk->treat
               ? LCM_OK
               : LCM_NOMEM;
}

static lcm_status build_model(score_work *wk, lcm_score_inputs *in, const lcm_score_opts *o,
                              lcm_err *err) {
    static const char *const regions[] = {"east", "central", "west", NULL};
    static const char *const tiers[] = {"municipality", "provincial_capital", "separately_planned",
                                        "prefecture",   "county_level",       NULL};
    char msg[256] = "";
    for (size_t i = 0; i < in->nnode; i++) {
        const lcm_score_node *nd = &in->node[i];
        wk->parent[i] = nd->parent, wk->w[i] = nd->weight;
        /* yes/no points live on their 0/1 scale: never treated, 是 100 and 否 0 */
        int yesno = (nd->kind && strcmp(nd->kind, "yesno") == 0) || nd->compliance;
        wk->spec[i] = (lcm_ci_normspec){o->norm, nd->lower_better, nd->lo, nd->hi, NAN, yesno};
        if (isnan(nd->lo) || !(nd->hi > nd->lo))
            wk->spec[i].lo = 0, wk->spec[i].hi = 1; /* no data ever: any valid bounds */
        wk->band[i] = nd->band, wk->band_lo[i] = nd->band_lo, wk->band_hi[i] = nd->band_hi;
    }
    for (size_t c = 0; c < in->ncity; c++) {
        wk->region[c] = code_of(in->city[c].region, regions);
        wk->tier[c] = code_of(in->city[c].tier, tiers);
    }
    if (lcm_ci_tree_new(in->nnode, wk->parent, &wk->tree, msg, sizeof msg) != LCM_OK)
        return lcm_err_set(err, LCM_INTERNAL, "framework tree: %s", msg);
    lcm_ci_weights_normalise(wk->tree, wk->w);
    int svy = lcm_score_node_index(in, "4.2.1");
    wk->noisy = (lcm_ci_noisy){(size_t)(svy > 0 ? svy : 0), 3, in->svy_est, in->svy_se, 0, 100};
    wk->model = (lcm_ci_model){
        wk->tree,    in->ncity,   in->raw, wk->spec,   wk->band,
        wk->band_lo, wk->band_hi, wk->w,   &wk->noisy, svy > 0 && in->node[svy].included};
    wk->opt = (lcm_ci_options){o->norm, o->agg, o->threshold, o->treat};
    return LCM_OK;
}

/* A band point read as compliance (the default): the seed asks that training funds be drawn
 * at 1.5%-2.5% of payroll, so a value at or above the floor meets it (100) and one below it
 * meets the share value / floor of it; the score is that share on its fixed 0-100 scale. */
static void band_compliance(lcm_score_inputs *in) {
    for (size_t j = 1; j < in->nnode; j++) {
        lcm_score_node *nd = &in->node[j];
        if (!nd->band || !(nd->band_lo > 0))
            continue;
        for (size_t c = 0; c < in->ncity; c++) {
            double *v = &in->raw[j * in->ncity + c];
            if (isnan(*v))
                continue;
            in->count[j * in->ncity + c] = *v;
            *v = *v >= nd->band_lo ? 100 : 100 * *v / nd->band_lo;
        }
        nd->band = 0, nd->lower_better = 0, nd->compliance = 1, nd->lo = 0, nd->hi = 100;
    }
}

static lcm_status fail_analysis(lcm_status st, const char *msg, lcm_err *err) {
    if (st == LCM_NOMEM)
        return lcm_err_set(err, st, "out of memory");
    return lcm_err_set(err, st, "score: %s", msg[0] ? msg : lcm_strerror(st));
}

/* PCA weights replace the equal ones level by level; the final pass uses them. */
static lcm_status pca_weights(score_work *wk, lcm_score_result *r, lcm_err *err) {
    char msg[256] = "";
    size_t n = r->in.ncity;
    lcm_status st = lcm_ci_compute(&wk->model, &wk->opt, r->score, wk->treat, msg, sizeof msg);
    if (st == LCM_OK) {
        /* flat columns take no part (their PCA is undefined); the geometric mean is re-run on
         * the rescaled leaves, as lcm_ci_compute aggregates them */
        lcm_ci_weights_drop(wk->tree, wk->treat, wk->w);
        for (size_t i = 1; wk->opt.agg == LCM_CI_GEOM && i < r->in.nnode; i++)
            if (r->in.node[i].kind)
                lcm_ci_geom_rescale(r->score + i * n, n, wk->opt.norm);
        st = lcm_ci_weights_pca_tree(wk->tree, wk->parent, r->score, n, wk->w, wk->opt.agg,
                                     wk->opt.threshold, wk->fallback, msg, sizeof msg);
    }
    if (st != LCM_OK)
        return fail_analysis(st, msg, err);
    lcm_ci_weights_normalise(wk->tree, wk->w);
    for (size_t i = 1; i < r->in.nnode; i++)
        if (wk->fallback[r->in.node[i].parent] && r->in.node[i].included)
            r->in.node[i].weight_method = "equal (pca undefined)";
    return LCM_OK;
}

static lcm_status ranks(score_work *wk, lcm_score_result *r) {
    lcm_score_inputs *in = &r->in;
    const int *groups[3] = {NULL, wk->region, wk->tier};
    for (int g = 0; g < 3; g++) {
        if (lcm_ci_rank(r->score, in->ncity, groups[g], wk->rank) != LCM_OK)
            return LCM_NOMEM;
        for (size_t c = 0; c < in->ncity; c++)
            *(g == 0   ? &in->city[c].rank
              : g == 1 ? &in->city[c].rank_region
                       : &in->city[c].rank_tier) = wk->rank[c];
    }
    for (size_t c = 0; c < in->ncity; c++)
        wk->rank[c] = in->city[c].rank;
    return LCM_OK;
}

static lcm_status montecarlo(score_work *wk, lcm_score_result *r, const lcm_score_opts *o,
                             lcm_err *err) {
    size_t n = r->in.ncity;
    lcm_ci_interval *iv = malloc((3 * n + 1) * sizeof *iv);
    if (!iv)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    lcm_ci_mc_spec mc = {o->mc, o->seed, o->mc_spread, 1, 1, {wk->region, wk->tier}};
    lcm_ci_mc_result res = {iv, {iv + n, iv + 2 * n}, 0};
    char msg[256] = "";
    lcm_status st = lcm_ci_montecarlo(&wk->model, &wk->opt, &mc, wk->rank, &res, msg, sizeof msg);
    for (size_t c = 0; st == LCM_OK && c < n; c++) {
        r->in.city[c].mc = iv[c];
        r->in.city[c].mc_region = iv[n + c];
        r->in.city[c].mc_tier = iv[2 * n + c];
    }
    r->mean_shift = res.mean_shift;
    free(iv);
    return st == LCM_OK ? LCM_OK : fail_analysis(st, msg, err);
}

/* Audit and missing counts: correlations with the parent, alpha of each group. */
static void audit(lcm_score_result *r, const lcm_ci_tree *tree) {
    lcm_score_inputs *in = &r->in;
    size_t n = in->ncity;
    double *buf = malloc((in->nnode * n + 1) * sizeof *buf);
    for (size_t i = 0; i < in->nnode; i++) {
        lcm_score_node *nd = &in->node[i];
        if (i > 0 && nd->included)
            nd->corr = lcm_ci_correlation(r->score + i * n, r->score + (size_t)nd->parent * n, n);
        const int *kids;
        size_t m = lcm_ci_tree_children(tree, i, &kids), k = 0;
        for (size_t j = 0; buf && j < m; j++)
            if (in->node[kids[j]].included)
                memcpy(buf + k++ * n, r->score + (size_t)kids[j] * n, n * sizeof *buf);
        if (buf && k >= 2)
            lcm_rel_alpha(buf, n, k, &nd->alpha);
        nd->missing = 0;
        for (size_t c = 0; nd->kind && c < n; c++)
            nd->missing += isnan(in->raw[i * n + c]);
    }
    for (size_t c = 0; c < n; c++) {
        in->city[c].missing = 0;
        for (size_t i = 1; i < in->nnode; i++)
            in->city[c].missing +=
                in->node[i].kind && in->node[i].included && isnan(in->raw[i * n + c]);
    }
    free(buf);
}

static lcm_status run(score_work *wk, lcm_score_result *r, const lcm_score_opts *o, lcm_err *err) {
    lcm_score_inputs *in = &r->in;
    lcm_status st = build_model(wk, in, o, err);
    if (st == LCM_OK && o->impute >= 0)
        impute(in, o->impute, wk->tier);
    if (st == LCM_OK && o->weights == LCM_WEIGHTS_PCA)
        st = pca_weights(wk, r, err);
    char msg[256] = "";
    if (st == LCM_OK &&
        (st = lcm_ci_compute(&wk->model, &wk->opt, r->score, wk->treat, msg, sizeof msg)) != LCM_OK)
        return fail_analysis(st, msg, err);
    double *eff = st == LCM_OK ? malloc((in->nnode + 1) * sizeof *eff) : NULL;
    if (st == LCM_OK && !eff)
        st = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; st == LCM_OK && i < in->nnode; i++)
        eff[i] = wk->w[i], in->node[i].treat = wk->treat[i];
    if (st == LCM_OK) /* the weights the run really used: flat columns left out */
        lcm_ci_weights_drop(wk->tree, wk->treat, eff);
    for (size_t i = 0; st == LCM_OK && i < in->nnode; i++) {
        if (in->node[i].included && wk->w[i] > 0 && !(eff[i] > 0))
            in->node[i].weight_method = "none (no spread)";
        in->node[i].weight = eff[i];
    }
    free(eff);
    if (st == LCM_OK && ranks(wk, r) != LCM_OK)
        st = lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (st == LCM_OK && o->mc > 0)
        st = montecarlo(wk, r, o, err);
    if (st == LCM_OK)
        audit(r, wk->tree);
    return st;
}

lcm_status lcm_score_compute(lcm_db *db, const lcm_score_opts *o, lcm_score_result **out,
                             lcm_err *err) {
    *out = NULL;
    lcm_score_result *r = calloc(1, sizeof *r);
    if (!r)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    score_work wk;
    memset(&wk, 0, sizeof wk);
    lcm_status st = lcm_score_inputs_load_official(db, o->year, o->disagree, !o->all_cities,
                                                   o->official, &r->in, err);
    if (st == LCM_OK) /* adjudicated values; reviewer severity removed on request */
        st = lcm_rating_apply(db, &r->in, o->adjust_severity, err);
    if (st == LCM_OK && r->in.ncity == 0 && o->official)
        st = lcm_err_set(err, LCM_NOTFOUND,
                         "no accepted inputs for year %d%s: an official run scores only the "
                         "city-years the ministry has accepted (部级已确认; see 'lcmon approval "
                         "status')",
                         o->year, o->all_cities ? "" : " from a network member admitted by then");
    else if (st == LCM_OK && r->in.ncity == 0)
        st = o->all_cities ? lcm_err_set(err, LCM_NOTFOUND, "no inputs for year %d", o->year)
                           : lcm_err_set(err, LCM_NOTFOUND,
                                         "no inputs for year %d from a network member admitted "
                                         "by then (only members are monitored, seed 三(四); "
                                         "--all-cities scores every city)",
                                         o->year);
    if (st == LCM_OK && !o->band_distance)
        band_compliance(&r->in);
    if (st == LCM_OK && r->in.nopop_city >= 0) /* a count cannot be compared without it */
        st = lcm_err_set(err, LCM_NOTFOUND,
                         "no 常住人口 (population) of city %s (%s) for %d: point %s is compared "
                         "per 10,000 residents; import it with 'lcmon import stats' "
                         "(indicator population, in 万人)",
                         r->in.city[r->in.nopop_city].code, r->in.city[r->in.nopop_city].name,
                         o->year, r->in.node[r->in.nopop_node].code);
    if (st == LCM_OK)
        st = choose_weights(&r->in, o, err);
    if (st == LCM_OK && (work_alloc(&wk, &r->in) != LCM_OK ||
                         !(r->score = malloc((r->in.ncity * r->in.nnode + 1) * sizeof(double))) ||
                         !(r->params = lcm__score_params(o))))
        st = lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (st == LCM_OK)
        st = run(&wk, r, o, err);
    work_free(&wk);
    if (st != LCM_OK) {
        lcm_score_result_free(r);
        return st;
    }
    *out = r;
    return LCM_OK;
}

void lcm_score_result_free(lcm_score_result *r) {
    if (!r)
        return;
    lcm_score_inputs_release(&r->in);
    free(r->score);
    free(r->params);
    free(r);
}
