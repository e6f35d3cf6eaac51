/*
 * test_svy_quantile.c - quantiles with Woodruff intervals (analysis/svy_quantile.c) and the
 * change between two waves (analysis/svy_change.c) against R's survey package.
 *
 * Reference numbers: tests/r/svy_quantile.R (R survey 4.1.1, svyquantile() defaults:
 * qrule "math", interval.type "mean") in tests/fixtures/svy/quantile_reference.csv, and
 * tests/r/estimate_change.R in tests/fixtures/estimate/change_reference.csv. Quantiles and
 * interval ends are data values and must be equal; SEs agree to 1e-8 relative; df and row
 * counts exactly. Each case names the R design of the same case in the script.
 */
#include "svy.h"
#include "test_svy_fixture.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QREFS "tests/fixtures/svy/quantile_reference.csv"

static const char *const q_vars[] = {"api00", "acs_k3", "enroll"};
#define NQVAR 3
static const double q_probs[] = {0.05, 0.25, 0.5, 0.75, 0.9};
#define NPROB 5
static const struct {
    const char *name;
    size_t ndom;
} q_by[] = {{"all", 1}, {"stype", 3}, {"em", 3}, {"awards_comp", 4}};
#define NQBY 4

/* One row of quantile_reference.csv. */
typedef struct qref {
    char case_[32], var[32], by[32];
    int domain;
    double p, quantile, ci_low, ci_high, se, df, n;
} qref;

static qref *read_qrefs(const char *name, size_t *n) {
    static char line[1024];
    qref *r = NULL;
    size_t cap = 0;
    *n = 0;
    FILE *f = fopen(lcmt_path(QREFS), "r");
    if (!f)
        return NULL;
    while (fgets(line, sizeof line, f)) {
        char *field[11], *p = line;
        size_t nf = 0;
        line[strcspn(line, "\r\n")] = 0;
        while (nf < 11) {
            field[nf++] = p;
            char *c = strchr(p, ',');
            if (!c)
                break;
            *c = 0, p = c + 1;
        }
        if (nf != 11 || strcmp(field[0], name) != 0)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 128;
            r = realloc(r, cap * sizeof *r);
        }
        qref *x = &r[(*n)++];
        snprintf(x->case_, sizeof x->case_, "%.*s", (int)sizeof x->case_ - 1, field[0]);
        snprintf(x->var, sizeof x->var, "%.*s", (int)sizeof x->var - 1, field[1]);
        snprintf(x->by, sizeof x->by, "%.*s", (int)sizeof x->by - 1, field[2]);
        x->domain = atoi(field[3]);
        double *num[] = {&x->p, &x->quantile, &x->ci_low, &x->ci_high, &x->se, &x->df, &x->n};
        for (int i = 0; i < 7; i++)
            *num[i] = strtod(field[4 + i], NULL);
    }
    fclose(f);
    return r;
}

/* Exact equality for data values (both NaN counts as equal). */
static int same_value(double got, double want, const char *label) {
    if ((isnan(got) && isnan(want)) || got == want)
        return 1;
    fprintf(stderr, "\n  %s: got %.17g, R %.17g\n", label, got, want);
    return 0;
}

/* Quantiles of the three variables over the four groupings of design d, compared with every
 * reference row of case name; returns the number of rows compared. */
static size_t check_quantiles(const char *name, const lcm_svy_design *d, const svyt_table *t) {
    const double *y[NQVAR];
    lcm_svy_by by[NQBY];
    int32_t *ids[NQBY] = {NULL};
    char err[256] = "";
    for (int v = 0; v < NQVAR; v++)
        y[v] = svyt_col(t, q_vars[v]);
    for (int g = 0; g < NQBY; g++) {
        ids[g] = g ? svyt_ids(t, q_by[g].name) : NULL;
        by[g] = (lcm_svy_by){ids[g], q_by[g].ndom};
    }
    size_t nres = lcm_svy_quantile_nresults(by, NQBY, NQVAR, NPROB);
    lcm_svy_quant *res = calloc(nres, sizeof *res);
    lcm_status st =
        lcm_svy_quantile(d, y, NQVAR, q_probs, NPROB, 0.95, by, NQBY, res, err, sizeof err);
    if (st != LCM_OK)
        fprintf(stderr, "\n  %s: %s (%s)\n", name, lcm_strerror(st), err);
    CU_ASSERT_FATAL(st == LCM_OK);
    size_t nref = 0, checked = 0;
    qref *ref = read_qrefs(name, &nref);
    for (size_t i = 0; i < nref; i++) {
        size_t v = 0, g = 0, q = 0, base = 0;
        while (v < NQVAR && strcmp(q_vars[v], ref[i].var))
            v++;
        while (g < NQBY && strcmp(q_by[g].name, ref[i].by))
            base += q_by[g++].ndom;
        while (q < NPROB && fabs(q_probs[q] - ref[i].p) > 1e-12)
            q++;
        CU_ASSERT_FATAL(v < NQVAR && g < NQBY && q < NPROB);
        const lcm_svy_quant *e = &res[((base + (size_t)ref[i].domain) * NQVAR + v) * NPROB + q];
        char label[160];
        snprintf(label, sizeof label, "%s q%g(%s) by %s=%d", name, ref[i].p, ref[i].var, ref[i].by,
                 ref[i].domain);
        char l2[200];
        snprintf(l2, sizeof l2, "%s quantile", label);
        CU_ASSERT(same_value(e->estimate, ref[i].quantile, l2));
        snprintf(l2, sizeof l2, "%s ci_low", label);
        CU_ASSERT(same_value(e->ci_low, ref[i].ci_low, l2));
        snprintf(l2, sizeof l2, "%s ci_high", label);
        CU_ASSERT(same_value(e->ci_high, ref[i].ci_high, l2));
        snprintf(l2, sizeof l2, "%s se", label);
        CU_ASSERT(svyt_close(e->se, ref[i].se, 1e-8, l2));
        snprintf(l2, sizeof l2, "%s df", label);
        CU_ASSERT(svyt_close(e->df, ref[i].df, 0, l2));
        snprintf(l2, sizeof l2, "%s n", label);
        CU_ASSERT(svyt_close((double)e->nrows, ref[i].n, 0, l2));
        checked++;
    }
    free(ref);
    free(res);
    for (int g = 0; g < NQBY; g++)
        free(ids[g]);
    return checked;
}

static void run_case(const svyt_case *c) {
    svyt_table t;
    lcm_svy_design *d = svyt_build(c, &t);
    CU_ASSERT(check_quantiles(c->name, d, &t) > 90);
    lcm_svy_design_free(d);
    svyt_free(&t);
}

/* svy_quantile.R case "strat": svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc) */
static void quantile__stratified_matches_r(void) {
    run_case(&svyt_strat);
}

/* case "clus1": svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1) */
static void quantile__one_stage_cluster_matches_r(void) {
    run_case(&svyt_clus1);
}

/* cases "clus2": svydesign(id=~dnum+snum, fpc=~fpc1+fpc2) and "clus2wr": the same sample
 * with weights=~pw and no fpc (with replacement) */
static void quantile__two_stage_matches_r(void) {
    run_case(&svyt_clus2);
    run_case(&svyt_clus2wr);
}

/* case "lonely2_adjust": svydesign(id=~psu+ssu, strata=~str, weights=~w, fpc=~fpc1+fpc2)
 * under options(survey.lonely.psu="adjust") */
static void quantile__lonely_adjust_matches_r(void) {
    svyt_case c = {"lonely2_adjust",
                   "tests/fixtures/svy/lonely.csv",
                   "str",
                   "psu",
                   "ssu",
                   "fpc1",
                   "fpc2",
                   "w",
                   LCM_SVY_LONELY_ADJUST};
    run_case(&c);
}

/* case "post": postStratify(dclus1, ~stype, pop.types), pop.types E 4421, H 755, M 1018 */
static void quantile__poststratified_matches_r(void) {
    svyt_table t;
    lcm_svy_design *d = svyt_build(&svyt_clus1, &t), *ps = NULL;
    int32_t *stype = svyt_ids(&t, "stype");
    static const double pop[3] = {4421, 755, 1018};
    lcm_svy_margin m = {stype, 3, pop};
    char err[128] = "";
    CU_ASSERT_FATAL(lcm_svy_poststratify(d, &m, &ps, err, sizeof err) == LCM_OK);
    CU_ASSERT(check_quantiles("post", ps, &t) > 90);
    free(stype);
    lcm_svy_design_free(ps);
    lcm_svy_design_free(d);
    svyt_free(&t);
}

/* case "rake": rake(dclus1, list(~stype, ~yes), list(pop.types, pop.schwide)), pop.schwide
 * No 1072, Yes 5122; case "greg": calibrate(dclus1, ~stype+api99, c(6194, 755, 1018,
 * 3914069)). Raking repeats R's post-stratification arithmetic, so its weights and hence its
 * quantiles are R's bit for bit; GREG weights come from a different linear solve and agree
 * to rounding, which here moves no quantile off R's data value. */
static void quantile__raked_and_greg_match_r(void) {
    svyt_table t;
    lcm_svy_design *d = svyt_build(&svyt_clus1, &t), *rk = NULL, *g = NULL;
    int32_t *stype = svyt_ids(&t, "stype"), *yes = svyt_ids(&t, "yes");
    static const double pop_types[3] = {4421, 755, 1018}, pop_yes[2] = {1072, 5122};
    lcm_svy_margin m[2] = {{stype, 3, pop_types}, {yes, 2, pop_yes}};
    char err[128] = "";
    CU_ASSERT_FATAL(lcm_svy_rake(d, m, 2, 10, 1.0, &rk, NULL, err, sizeof err) == LCM_OK);
    CU_ASSERT(check_quantiles("rake", rk, &t) > 90);
    size_t n = t.nrow;
    double *one = malloc(n * sizeof *one), *h = malloc(n * sizeof *h), *mm = malloc(n * sizeof *mm);
    const double *st = svyt_col(&t, "stype");
    for (size_t k = 0; k < n; k++)
        one[k] = 1, h[k] = st[k] == 1, mm[k] = st[k] == 2;
    const double *x[4] = {one, h, mm, svyt_col(&t, "api99")};
    const double tot[4] = {6194, 755, 1018, 3914069};
    CU_ASSERT_FATAL(lcm_svy_calibrate(d, x, 4, tot, -INFINITY, INFINITY, 50, 1e-7, &g, NULL, err,
                                      sizeof err) == LCM_OK);
    CU_ASSERT(check_quantiles("greg", g, &t) > 90);
    free(one), free(h), free(mm), free(stype), free(yes);
    lcm_svy_design_free(rk);
    lcm_svy_design_free(g);
    lcm_svy_design_free(d);
    svyt_free(&t);
}

/* cases "jk1": as.svrepdesign(dclus1, type="JK1") (and with mse=TRUE); "boot": R's 50 bootstrap
 * replicates of dclus1 (bootweights.csv, multipliers) with the scale of bootmeta.csv */
static void quantile__replicate_designs_match_r(void) {
    svyt_table t, bw, meta;
    lcm_svy_design *d = svyt_build(&svyt_clus1, &t), *r = NULL;
    char err[128] = "";
    CU_ASSERT_FATAL(lcm_svy_replicates_make(d, LCM_SVY_REP_JK1, 0, 0, 0, &r, err, sizeof err) ==
                    LCM_OK);
    CU_ASSERT(check_quantiles("jk1", r, &t) > 90);
    lcm_svy_design_free(r);
    /* case "jk1mse": as.svrepdesign(dclus1, type="JK1", mse=TRUE) */
    CU_ASSERT_FATAL(lcm_svy_replicates_make(d, LCM_SVY_REP_JK1, 0, 0, 1, &r, err, sizeof err) ==
                    LCM_OK);
    CU_ASSERT(check_quantiles("jk1mse", r, &t) > 90);
    lcm_svy_design_free(r);
    CU_ASSERT_FATAL(svyt_load("tests/fixtures/svy/bootweights.csv", &bw) == 0);
    CU_ASSERT_FATAL(svyt_load("tests/fixtures/svy/bootmeta.csv", &meta) == 0);
    CU_ASSERT_FATAL(lcm_svy_replicates_attach(d, (const double *const *)bw.col, bw.ncol, 0,
                                              meta.col[0][0], NULL, 0, svyt_col(&t, "pw"), &r, err,
                                              sizeof err) == LCM_OK);
    CU_ASSERT(check_quantiles("boot", r, &t) > 90);
    lcm_svy_design_free(r);
    lcm_svy_design_free(d);
    svyt_free(&t);
    svyt_free(&bw);
    svyt_free(&meta);
}

/* R's math rule by hand: equal weights 1..4 on values 10, 20, 30, 40. F steps at 0.25,
 * 0.5, 0.75, 1: p = 0.5 sits on a step and gives 20, p = 0.6 gives 30; p = 0.1 is below the
 * first step, where R's qrule_math returns the SECOND value (its last() falls back to
 * position 1, then takes the next value): 20, not 10. */
static void quantile__math_rule_steps_as_r(void) {
    double y[4] = {40, 10, 30, 20}, w[4] = {1, 1, 1, 1};
    lcm_svy_spec spec = {.n = 4, .weights = w};
    lcm_svy_design *d = NULL;
    char err[128] = "";
    CU_ASSERT_FATAL(lcm_svy_design_new(&spec, &d, err, sizeof err) == LCM_OK);
    const double *yy[1] = {y}, probs[4] = {0.5, 0.6, 0.1, 1.0};
    lcm_svy_by all = {NULL, 1};
    lcm_svy_quant q[4];
    CU_ASSERT_FATAL(lcm_svy_quantile(d, yy, 1, probs, 4, 0.95, &all, 1, q, err, sizeof err) ==
                    LCM_OK);
    CU_ASSERT_EQUAL(q[0].estimate, 20);
    CU_ASSERT_EQUAL(q[1].estimate, 30);
    CU_ASSERT_EQUAL(q[2].estimate, 20);
    CU_ASSERT_EQUAL(q[3].estimate, 40);
    CU_ASSERT_EQUAL(q[0].nrows, 4);
    const double bad[1] = {1.5};
    CU_ASSERT_EQUAL(lcm_svy_quantile(d, yy, 1, bad, 1, 0.95, &all, 1, q, err, sizeof err),
                    LCM_INVAL);
    CU_ASSERT_STRING_EQUAL(err, "quantile 1: probability 1.5 is not in [0, 1]");
    lcm_svy_design_free(d);
}

/* tests/r/estimate_change.R: each row gives two waves' estimates, SEs and design df (wave
 * 2024 apistrat, wave 2025 apiclus1, by stype) and R's difference, SE, Welch-Satterthwaite
 * df and two-sided t p-value; lcm_svy_change_of must give the same from the same inputs. */
static void change__difference_se_and_p_match_r(void) {
    svyt_table t;
    CU_ASSERT_FATAL(svyt_load("tests/fixtures/estimate/change_reference.csv", &t) == 0);
    CU_ASSERT_FATAL(t.nrow >= 10);
    const char *in[] = {"est1", "se1", "df1", "est2", "se2", "df2"};
    const double *c[6];
    for (int i = 0; i < 6; i++)
        CU_ASSERT_PTR_NOT_NULL_FATAL(c[i] = svyt_col(&t, in[i]));
    const double *diff = svyt_col(&t, "diff"), *se = svyt_col(&t, "se");
    const double *df = svyt_col(&t, "df"), *p = svyt_col(&t, "p");
    for (size_t k = 0; k < t.nrow; k++) {
        lcm_svy_change ch;
        lcm_svy_change_of(c[0][k], c[1][k], c[2][k], c[3][k], c[4][k], c[5][k], &ch);
        char label[64];
        snprintf(label, sizeof label, "change row %zu", k + 1);
        CU_ASSERT(svyt_close(ch.diff, diff[k], 1e-12, label));
        CU_ASSERT(svyt_close(ch.se, se[k], 1e-12, label));
        CU_ASSERT(svyt_close(ch.df, df[k], 1e-12, label));
        CU_ASSERT(svyt_close(ch.p, p[k], 1e-8, label));
    }
    svyt_free(&t);
    /* no variance: no test; a wave with variance but no df: no df */
    lcm_svy_change ch;
    lcm_svy_change_of(1, 0, 10, 2, 0, 10, &ch);
    CU_ASSERT(ch.diff == 1 && ch.se == 0 && isnan(ch.p));
    lcm_svy_change_of(1, 0.5, 0, 2, 0.5, 10, &ch);
    CU_ASSERT(isnan(ch.df) && isnan(ch.p));
    lcm_svy_change_of(1, 0, 0, 2, 0.5, 10, &ch); /* wave 1 exact: df of wave 2 alone */
    CU_ASSERT(ch.df == 10 && ch.p > 0.05 && ch.p < 0.1);
}

const lcmt_case lcmt_svy_quantile_cases[] = {
    {"change__difference_se_and_p_match_r", change__difference_se_and_p_match_r},
    {"quantile__math_rule_steps_as_r", quantile__math_rule_steps_as_r},
    {"quantile__stratified_matches_r", quantile__stratified_matches_r},
    {"quantile__one_stage_cluster_matches_r", quantile__one_stage_cluster_matches_r},
    {"quantile__two_stage_matches_r", quantile__two_stage_matches_r},
    {"quantile__lonely_adjust_matches_r", quantile__lonely_adjust_matches_r},
    {"quantile__poststratified_matches_r", quantile__poststratified_matches_r},
    {"quantile__raked_and_greg_match_r", quantile__raked_and_greg_match_r},
    {"quantile__replicate_designs_match_r", quantile__replicate_designs_match_r},
    {NULL, NULL},
};
