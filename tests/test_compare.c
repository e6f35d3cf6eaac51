/*
 * test_compare.c - analysis/compare.h against R: the covariance of domain estimates and
 * their contrasts (svyrecvar on influence values / svyglm / svyby + svycontrast), svyttest,
 * svychisq "F" and "Chisq", p.adjust. Every reference number is in
 * tests/fixtures/compare/api.csv, made by tests/r/compare_reference.R from the data files of
 * tests/r/svy_fixtures.R (R's api data); a case here has the same name as there.
 */
#include "compare.h"
#include "test_svy_fixture.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cref {
    char case_[32], what[16];
    int i, j;
    double value;
} cref;

/* Rows of tests/fixtures/compare/<file> (written by tests/r/compare_reference.R). */
static cref *load_refs(const char *file, size_t *n) {
    char rel[256], line[512];
    snprintf(rel, sizeof rel, "tests/fixtures/compare/%s", file);
    FILE *f = fopen(lcmt_path(rel), "r");
    cref *r = NULL;
    size_t cap = 0;
    *n = 0;
    if (!f)
        return NULL;
    if (!fgets(line, sizeof line, f)) { /* header */
        fclose(f);
        return NULL;
    }
    while (fgets(line, sizeof line, f)) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 256;
            cref *p = realloc(r, cap * sizeof *r);
            if (!p)
                break;
            r = p;
        }
        cref *c = &r[*n];
        char val[64];
        if (sscanf(line, "%31[^,],%15[^,],%d,%d,%63s", c->case_, c->what, &c->i, &c->j, val) == 5) {
            c->value = strcmp(val, "nan") ? strtod(val, NULL) : NAN;
            (*n)++;
        }
    }
    fclose(f);
    return r;
}

/* The reference value (case, what, i, j); NaN and a failed assertion when it is missing. */
static double ref(const cref *r, size_t n, const char *c, const char *what, int i, int j) {
    for (size_t k = 0; k < n; k++)
        if (!strcmp(r[k].case_, c) && !strcmp(r[k].what, what) && r[k].i == i && r[k].j == j)
            return r[k].value;
    fprintf(stderr, "\n  no reference %s %s %d %d\n", c, what, i, j);
    CU_FAIL("reference missing");
    return NAN;
}

static int has_ref(const cref *r, size_t n, const char *c, const char *what, int i) {
    for (size_t k = 0; k < n; k++)
        if (!strcmp(r[k].case_, c) && !strcmp(r[k].what, what) && r[k].i == i)
            return 1;
    return 0;
}

/* Domain ids 0..k-1 in the order of the sorted distinct values of col (NaN -> -1). */
static int32_t *rank_ids(const double *col, size_t n, size_t *k) {
    int32_t *id = malloc(n * sizeof *id);
    double *u = malloc(n * sizeof *u);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < m && !seen; j++)
            seen = u[j] == col[i];
        if (!seen && !isnan(col[i]))
            u[m++] = col[i];
    }
    for (size_t i = 0; i < n; i++) {
        id[i] = -1;
        for (size_t j = 0; j < m; j++)
            if (!isnan(col[i]) && col[i] > u[j])
                id[i]++;
        if (!isnan(col[i]))
            id[i]++;
    }
    free(u);
    *k = m;
    return id;
}

/* One domain case of compare_reference.R: estimates, covariance and contrasts. */
static void check_domains(const cref *r, size_t nr, const char *name, lcm_svy_design *d,
                          const svyt_table *t, const char *y, const char *x, const char *by,
                          lcm_svy_stat stat) {
    size_t n = t->nrow, ndom;
    int32_t *dom = rank_ids(svyt_col(t, by), n, &ndom);
    lcm_svy_var var = {stat, svyt_col(t, y), x ? svyt_col(t, x) : NULL};
    lcm_svy_by grp = {dom, ndom};
    lcm_svy_est *est = calloc(ndom, sizeof *est);
    double *cov = malloc(ndom * ndom * sizeof *cov), *coef = calloc(ndom, sizeof *coef);
    lcm_svy_lin *L = NULL;
    char err[256] = "", label[128];
    CU_ASSERT_EQUAL_FATAL(lcm_svy_lin_new(d, &var, 1, &grp, est, &L, err, sizeof err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_svy_lin_count(L), ndom);
    CU_ASSERT_EQUAL_FATAL(lcm_svy_lin_cov(L, cov, err, sizeof err), LCM_OK);
    /* A domain inside one PSU of a one-stage design has variance 0: its linearised values
     * sum to 0 in that PSU. R's arithmetic leaves ~1e-28 there, so variances are compared
     * above a floor of (1e-8 x the largest estimate)^2, where either is rounding noise. */
    double big = 0;
    for (size_t a = 0; a < ndom; a++)
        big = fmax(big, fabs(est[a].estimate));
    double floor = 1e-16 * big * big;
    for (size_t a = 0; a < ndom; a++) {
        snprintf(label, sizeof label, "%s est %zu", name, a);
        CU_ASSERT(svyt_close(est[a].estimate, ref(r, nr, name, "est", (int)a, -1), 1e-10, label));
        /* the diagonal is lcm_svy_estimate's own variance */
        if (!(fabs(cov[a * ndom + a] - est[a].var) <= floor))
            CU_ASSERT(svyt_close(cov[a * ndom + a], est[a].var, 1e-12, label));
        for (size_t b = 0; b < ndom; b++) {
            double want = ref(r, nr, name, "cov", (int)a, (int)b), got = cov[a * ndom + b];
            /* a covariance is judged on the scale of its variances */
            double scale = sqrt(cov[a * ndom + a] * cov[b * ndom + b]);
            snprintf(label, sizeof label, "%s cov %zu %zu", name, a, b);
            if (!(fabs(got - want) <= fmax(1e-8 * scale, floor)))
                CU_ASSERT(svyt_close(got, want, 1e-8, label));
        }
    }
    for (int c = 0; has_ref(r, nr, name, "con_est", c); c++) {
        for (size_t a = 0; a < ndom; a++)
            coef[a] = ref(r, nr, name, "coef", c, (int)a);
        lcm_svy_contrast k;
        CU_ASSERT(lcm_svy_lin_contrast(L, coef, &k, err, sizeof err) == LCM_OK);
        snprintf(label, sizeof label, "%s contrast %d", name, c);
        double want_se = ref(r, nr, name, "con_se", c, -1);
        CU_ASSERT(svyt_close(k.estimate, ref(r, nr, name, "con_est", c, -1), 1e-10, label));
        CU_ASSERT(svyt_close(k.df, ref(r, nr, name, "con_df", c, -1), 0, label));
        if (want_se * want_se <= floor) { /* both zero but for rounding: no t to compare */
            CU_ASSERT(k.se * k.se <= floor);
            CU_ASSERT(k.df > 0 || isnan(k.p));
            continue;
        }
        CU_ASSERT(svyt_close(k.se, want_se, 1e-8, label));
        CU_ASSERT(svyt_close(k.p, ref(r, nr, name, "con_p", c, -1), 1e-8, label));
    }
    lcm_svy_lin_free(L);
    free(dom), free(est), free(cov), free(coef);
}

static cref *api_refs(size_t *n) {
    cref *r = load_refs("api.csv", n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_FATAL(*n > 500);
    return r;
}

static void compare__domain_covariance_and_contrasts_match_r(void) {
    size_t nr;
    cref *r = api_refs(&nr);
    svyt_table ts, t1, t2;
    lcm_svy_design *ds = svyt_build(&svyt_strat, &ts), *d1 = svyt_build(&svyt_clus1, &t1),
                   *d2 = svyt_build(&svyt_clus2, &t2);
    check_domains(r, nr, "strat_awards", ds, &ts, "api00", NULL, "awards", LCM_SVY_MEAN);
    check_domains(r, nr, "strat_stype", ds, &ts, "api00", NULL, "stype", LCM_SVY_MEAN);
    check_domains(r, nr, "clus1_stype", d1, &t1, "api00", NULL, "stype", LCM_SVY_MEAN);
    check_domains(r, nr, "clus1_yes", d1, &t1, "yes", NULL, "stype", LCM_SVY_MEAN);
    check_domains(r, nr, "clus1_total", d1, &t1, "enroll", NULL, "stype", LCM_SVY_TOTAL);
    check_domains(r, nr, "clus1_ratio", d1, &t1, "api00", "api99", "stype", LCM_SVY_RATIO);
    check_domains(r, nr, "clus1_acs", d1, &t1, "acs_k3", NULL, "awards", LCM_SVY_MEAN);
    check_domains(r, nr, "clus2_stype", d2, &t2, "api00", NULL, "stype", LCM_SVY_MEAN);
    /* districts: two one-PSU domains differ on 1 df, one alone has none (p NaN as R's) */
    check_domains(r, nr, "clus2_dnum", d2, &t2, "api00", NULL, "dnum", LCM_SVY_MEAN);
    lcm_svy_design *jk = NULL;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(
        lcm_svy_replicates_make(d1, LCM_SVY_REP_JK1, 0, 0, 0, &jk, err, sizeof err), LCM_OK);
    check_domains(r, nr, "clus1jk1_stype", jk, &t1, "api00", NULL, "stype", LCM_SVY_MEAN);
    lcm_svy_design_free(jk);
    lcm_svy_design_free(ds), lcm_svy_design_free(d1), lcm_svy_design_free(d2);
    svyt_free(&ts), svyt_free(&t1), svyt_free(&t2);
    free(r);
}

static void check_ttest(const cref *r, size_t nr, const char *name, lcm_svy_design *d,
                        const svyt_table *t, const char *y, const char *g) {
    size_t n = t->nrow, k;
    int32_t *grp = rank_ids(svyt_col(t, g), n, &k);
    lcm_svy_ttest tt;
    char err[256] = "", label[128];
    snprintf(label, sizeof label, "%s t-test", name);
    CU_ASSERT_EQUAL(k, 2);
    CU_ASSERT_EQUAL(lcm_svy_ttest_run(d, svyt_col(t, y), grp, 0.95, &tt, err, sizeof err), LCM_OK);
    CU_ASSERT(svyt_close(tt.diff, ref(r, nr, name, "t_diff", -1, -1), 1e-10, label));
    CU_ASSERT(svyt_close(tt.t, ref(r, nr, name, "t_t", -1, -1), 1e-8, label));
    CU_ASSERT(svyt_close(tt.df, ref(r, nr, name, "t_df", -1, -1), 0, label));
    CU_ASSERT(svyt_close(tt.p, ref(r, nr, name, "t_p", -1, -1), 1e-8, label));
    CU_ASSERT(svyt_close(tt.ci_low, ref(r, nr, name, "t_lo", -1, -1), 1e-8, label));
    CU_ASSERT(svyt_close(tt.ci_high, ref(r, nr, name, "t_hi", -1, -1), 1e-8, label));
    free(grp);
}

static void compare__ttest_matches_r_svyttest(void) {
    size_t nr;
    cref *r = api_refs(&nr);
    svyt_table ts, t1, t2;
    lcm_svy_design *ds = svyt_build(&svyt_strat, &ts), *d1 = svyt_build(&svyt_clus1, &t1),
                   *d2 = svyt_build(&svyt_clus2, &t2);
    check_ttest(r, nr, "strat_t", ds, &ts, "api00", "awards");
    check_ttest(r, nr, "clus1_t", d1, &t1, "api00", "awards");
    check_ttest(r, nr, "clus2_t", d2, &t2, "enroll", "yes");
    check_ttest(r, nr, "clus1_t_acs", d1, &t1, "acs_k3", "awards");
    /* a group with no row is refused */
    int32_t *none = calloc(t1.nrow, sizeof *none);
    lcm_svy_ttest tt;
    char err[256] = "";
    CU_ASSERT_EQUAL(lcm_svy_ttest_run(d1, svyt_col(&t1, "api00"), none, 0.95, &tt, err, sizeof err),
                    LCM_INVAL);
    LCMT_ASSERT_HAS(err, "group 1 has no answered row");
    free(none);
    lcm_svy_design_free(ds), lcm_svy_design_free(d1), lcm_svy_design_free(d2);
    svyt_free(&ts), svyt_free(&t1), svyt_free(&t2);
    free(r);
}

static void check_chisq(const cref *r, size_t nr, const char *name, lcm_svy_design *d,
                        const double *a, const double *b, size_t n) {
    size_t ka, kb;
    int32_t *ra = rank_ids(a, n, &ka), *rb = rank_ids(b, n, &kb);
    lcm_svy_chisq x;
    char err[256] = "", label[128];
    snprintf(label, sizeof label, "%s chi-square", name);
    CU_ASSERT_EQUAL(lcm_svy_chisq_run(d, ra, ka, rb, kb, &x, err, sizeof err), LCM_OK);
    CU_ASSERT(svyt_close(x.f, ref(r, nr, name, "chisq_f", -1, -1), 1e-8, label));
    CU_ASSERT(svyt_close(x.ndf, ref(r, nr, name, "chisq_ndf", -1, -1), 1e-8, label));
    CU_ASSERT(svyt_close(x.ddf, ref(r, nr, name, "chisq_ddf", -1, -1), 1e-8, label));
    CU_ASSERT(svyt_close(x.p_f, ref(r, nr, name, "chisq_pf", -1, -1), 1e-8, label));
    CU_ASSERT(svyt_close(x.pearson, ref(r, nr, name, "chisq_x2", -1, -1), 1e-8, label));
    CU_ASSERT(svyt_close(x.p_chisq, ref(r, nr, name, "chisq_pchisq", -1, -1), 1e-8, label));
    free(ra), free(rb);
}

static void compare__rao_scott_chisq_matches_r_svychisq(void) {
    size_t nr;
    cref *r = api_refs(&nr);
    svyt_table ts, t1, t2;
    lcm_svy_design *ds = svyt_build(&svyt_strat, &ts), *d1 = svyt_build(&svyt_clus1, &t1),
                   *d2 = svyt_build(&svyt_clus2, &t2);
    check_chisq(r, nr, "strat_x", ds, svyt_col(&ts, "stype"), svyt_col(&ts, "awards"), ts.nrow);
    check_chisq(r, nr, "clus1_x", d1, svyt_col(&t1, "stype"), svyt_col(&t1, "comp"), t1.nrow);
    check_chisq(r, nr, "clus2_x", d2, svyt_col(&t2, "stype"), svyt_col(&t2, "awards"), t2.nrow);
    /* an empty cell: no elementary school of the cluster sample enrols over 1000 */
    double *big = malloc(t1.nrow * sizeof *big);
    const double *enroll = svyt_col(&t1, "enroll");
    for (size_t i = 0; i < t1.nrow; i++)
        big[i] = enroll[i] > 1000;
    check_chisq(r, nr, "clus1_x_empty", d1, svyt_col(&t1, "stype"), big, t1.nrow);
    /* one level only: refused */
    int32_t *zero = calloc(t1.nrow, sizeof *zero);
    lcm_svy_chisq x;
    char err[256] = "";
    CU_ASSERT_EQUAL(lcm_svy_chisq_run(d1, zero, 1, zero, 1, &x, err, sizeof err), LCM_INVAL);
    LCMT_ASSERT_HAS(err, "two levels");
    free(zero), free(big);
    lcm_svy_design_free(ds), lcm_svy_design_free(d1), lcm_svy_design_free(d2);
    svyt_free(&ts), svyt_free(&t1), svyt_free(&t2);
    free(r);
}

/* lcm_svy_gaps[area][group] against R (compare_reference.R cases *_gap_*) and against
 * lcm_svy_ttest_run on the group's indicator within the area, for every (area, group). */
static void check_gaps(const cref *r, size_t nr, lcm_svy_design *d, const svyt_table *t,
                       const char *area_col, const char *group_col, const char *const *cases,
                       const int (*which)[2], size_t ncase) {
    size_t n = t->nrow, na, ng;
    int32_t *area = rank_ids(svyt_col(t, area_col), n, &na),
            *grp = rank_ids(svyt_col(t, group_col), n, &ng), *ind = malloc(n * sizeof *ind);
    const double *y = svyt_col(t, "api00");
    lcm_svy_gap *g = calloc(na * ng, sizeof *g);
    char err[256] = "", label[128];
    CU_ASSERT_EQUAL_FATAL(lcm_svy_gaps(d, y, area, na, grp, ng, 0.95, g, err, sizeof err), LCM_OK);
    for (size_t c = 0; c < ncase; c++) {
        const lcm_svy_gap *o = &g[which[c][0] * (int)ng + which[c][1]];
        snprintf(label, sizeof label, "%s", cases[c]);
        CU_ASSERT(svyt_close(o->diff, ref(r, nr, cases[c], "t_diff", -1, -1), 1e-10, label));
        CU_ASSERT(svyt_close(o->t, ref(r, nr, cases[c], "t_t", -1, -1), 1e-8, label));
        CU_ASSERT(svyt_close(o->df, ref(r, nr, cases[c], "t_df", -1, -1), 0, label));
        CU_ASSERT(svyt_close(o->p, ref(r, nr, cases[c], "t_p", -1, -1), 1e-8, label));
        CU_ASSERT(svyt_close(o->ci_low, ref(r, nr, cases[c], "t_lo", -1, -1), 1e-8, label));
        CU_ASSERT(svyt_close(o->ci_high, ref(r, nr, cases[c], "t_hi", -1, -1), 1e-8, label));
    }
    for (size_t a = 0; a < na; a++)
        for (size_t k = 0; k < ng; k++) {
            for (size_t i = 0; i < n; i++)
                ind[i] = area[i] == (int32_t)a && grp[i] >= 0 ? grp[i] == (int32_t)k : -1;
            lcm_svy_ttest tt;
            const lcm_svy_gap *o = &g[a * ng + k];
            snprintf(label, sizeof label, "gap %zu %zu vs t-test", a, k);
            if (o->n_group == 0 || o->n_rest == 0) {
                CU_ASSERT(isnan(o->diff));
                continue;
            }
            CU_ASSERT_EQUAL(lcm_svy_ttest_run(d, y, ind, 0.95, &tt, err, sizeof err), LCM_OK);
            CU_ASSERT(svyt_close(o->diff, tt.diff, 1e-12, label));
            CU_ASSERT(svyt_close(o->se, tt.se, 1e-10, label));
            CU_ASSERT(svyt_close(o->df, tt.df, 0, label));
            CU_ASSERT(svyt_close(o->mean_rest, tt.mean[0], 1e-12, label));
        }
    free(area), free(grp), free(ind), free(g);
}

static void compare__group_against_rest_of_area_matches_r(void) {
    size_t nr;
    cref *r = api_refs(&nr);
    svyt_table ts, t1;
    lcm_svy_design *ds = svyt_build(&svyt_strat, &ts), *d1 = svyt_build(&svyt_clus1, &t1);
    const char *c1[] = {"clus1_gap_E", "clus1_gap_M"}, *c2[] = {"strat_gap_H"};
    const int w1[][2] = {{1, 0}, {1, 2}}, w2[][2] = {{0, 1}};
    check_gaps(r, nr, d1, &t1, "awards", "stype", c1, w1, 2);
    check_gaps(r, nr, ds, &ts, "yes", "stype", c2, w2, 1);
    /* a replicate design goes through its areas in chunks (tiny here: one area a chunk) and
     * gives what one pass over all areas gives */
    lcm_svy_design *jk = NULL;
    char err[256] = "";
    CU_ASSERT_EQUAL_FATAL(
        lcm_svy_replicates_make(d1, LCM_SVY_REP_JK1, 0, 0, 0, &jk, err, sizeof err), LCM_OK);
    size_t n = t1.nrow, na, ng;
    int32_t *area = rank_ids(svyt_col(&t1, "awards"), n, &na),
            *grp = rank_ids(svyt_col(&t1, "stype"), n, &ng);
    lcm_svy_gap *one = calloc(na * ng, sizeof *one), *many = calloc(na * ng, sizeof *many);
    const double *y = svyt_col(&t1, "api00");
    CU_ASSERT_EQUAL(lcm_svy_gaps(jk, y, area, na, grp, ng, 0.95, one, err, sizeof err), LCM_OK);
    lcm__svy_gaps_budget(1);
    CU_ASSERT_EQUAL(lcm_svy_gaps(jk, y, area, na, grp, ng, 0.95, many, err, sizeof err), LCM_OK);
    lcm__svy_gaps_budget(0);
    for (size_t i = 0; i < na * ng; i++) {
        CU_ASSERT(svyt_close(many[i].diff, one[i].diff, 1e-13, "chunked diff"));
        CU_ASSERT(svyt_close(many[i].se, one[i].se, 1e-13, "chunked se"));
        CU_ASSERT(svyt_close(many[i].df, one[i].df, 0, "chunked df"));
        CU_ASSERT(one[i].se > 0 || isnan(one[i].diff));
    }
    free(area), free(grp), free(one), free(many);
    lcm_svy_design_free(jk);
    lcm_svy_design_free(ds), lcm_svy_design_free(d1);
    svyt_free(&ts), svyt_free(&t1);
    free(r);
}

static void compare__p_adjust_matches_r(void) {
    /* R 4.1: p <- c(0.01, 0.04, 0.03, NA, 0.005, 0.2, 0.04)
     * p.adjust(p, "holm") = 0.05 0.12 0.12 NA 0.03 0.2 0.12
     * p.adjust(p, "BH")   = 0.03 0.048 0.048 NA 0.03 0.2 0.048 */
    const double p[] = {0.01, 0.04, 0.03, NAN, 0.005, 0.2, 0.04};
    const double holm[] = {0.05, 0.12, 0.12, NAN, 0.03, 0.2, 0.12};
    const double bh[] = {0.03, 0.048, 0.048, NAN, 0.03, 0.2, 0.048};
    double out[7];
    CU_ASSERT_EQUAL(lcm_p_adjust(p, 7, LCM_PADJ_HOLM, out), LCM_OK);
    for (int i = 0; i < 7; i++)
        CU_ASSERT(svyt_close(out[i], holm[i], 1e-12, "holm"));
    CU_ASSERT_EQUAL(lcm_p_adjust(p, 7, LCM_PADJ_BH, out), LCM_OK);
    for (int i = 0; i < 7; i++)
        CU_ASSERT(svyt_close(out[i], bh[i], 1e-12, "BH"));
    CU_ASSERT_EQUAL(lcm_p_adjust(p, 7, LCM_PADJ_NONE, out), LCM_OK);
    CU_ASSERT(out[0] == 0.01 && isnan(out[3]));
}

const lcmt_case lcmt_compare_cases[] = {
    {"compare__domain_covariance_and_contrasts_match_r",
     compare__domain_covariance_and_contrasts_match_r},
    {"compare__ttest_matches_r_svyttest", compare__ttest_matches_r_svyttest},
    {"compare__rao_scott_chisq_matches_r_svychisq", compare__rao_scott_chisq_matches_r_svychisq},
    {"compare__group_against_rest_of_area_matches_r",
     compare__group_against_rest_of_area_matches_r},
    {"compare__p_adjust_matches_r", compare__p_adjust_matches_r},
    {NULL, NULL},
};
