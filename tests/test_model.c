/*
 * test_model.c - design-based regression (analysis/svy_glm.c, `lcmon model`) against R's
 * svyglm() and regTermTest(): tests/r/model_reference.R wrote tests/fixtures/model/
 * api_reference.csv (R's api data, from the files tests/r/svy_fixtures.R wrote) and
 * household_reference.csv (the demo household data of the database built below). Every
 * coefficient, SE, t, p, residual df and Wald statistic is compared to 1e-10 (the rules ask 1e-8).
 */
#include "svy_glm.h"
#include "test_svy_fixture.h"
#include "testing.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL 1e-10 /* every case agrees with R to 1e-11 or better */

/* The largest relative difference from R of the case being compared; printed per case when
 * LCMT_MAXREL is set (the closing note lists them). */
static double maxrel;
static int close_r(double got, double want, double rel, const char *label) {
    double scale = fmax(fabs(got), fabs(want));
    if (scale > 0 && isfinite(got) && isfinite(want))
        maxrel = fmax(maxrel, fabs(got - want) / scale);
    return svyt_close(got, want, rel, label);
}
static void report_maxrel(const char *c) {
    if (getenv("LCMT_MAXREL"))
        fprintf(stderr, "\n  %s: max relative difference from R %.3g", c, maxrel);
    maxrel = 0;
}

typedef struct mref {
    char case_[32], stat[16], index[32];
    double value;
} mref;

/* The rows of a reference file (case,stat,index,value); *n of them, malloc'd. */
static mref *load_refs(const char *rel, size_t *n) {
    char line[512];
    FILE *f = fopen(lcmt_path(rel), "r");
    mref *r = NULL;
    size_t cap = 0;
    *n = 0;
    if (!f)
        return NULL;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return NULL;
    }
    while (fgets(line, sizeof line, f)) {
        if (*n == cap)
            r = realloc(r, (cap = cap ? 2 * cap : 256) * sizeof *r);
        mref *m = &r[*n];
        char val[64];
        if (sscanf(line, "%31[^,],%15[^,],%31[^,],%63s", m->case_, m->stat, m->index, val) == 4) {
            m->value = strtod(val, NULL);
            (*n)++;
        }
    }
    fclose(f);
    return r;
}

/* The reference value of (case, stat, index); asserts it exists. */
static double want(const mref *r, size_t n, const char *c, const char *stat, const char *index) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(r[i].case_, c) && !strcmp(r[i].stat, stat) && !strcmp(r[i].index, index))
            return r[i].value;
    fprintf(stderr, "\n  no reference %s %s %s\n", c, stat, index);
    CU_FAIL("reference row missing");
    return NAN;
}

static size_t count_case(const mref *r, size_t n, const char *c) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += !strcmp(r[i].case_, c);
    return k;
}

/* A term of a case: its R name and the model-matrix columns it has. */
typedef struct mterm {
    const char *name;
    size_t idx[4], k;
} mterm;

/* Compares a fit with every reference row of case c (tests/r/model_reference.R). */
static void check_fit(const mref *r, size_t n, const char *c, const lcm_glm_fit *f,
                      const mterm *terms, size_t nterm) {
    char label[128], ix[24];
    size_t checked = 0;
    for (size_t j = 0; j < f->p; j++) {
        static const char *const stat[] = {"coef", "se", "t", "p"};
        const double got[] = {f->beta[j], f->se[j], f->t[j], f->pval[j]};
        snprintf(ix, sizeof ix, "%zu", j);
        for (int s = 0; s < 4; s++, checked++) {
            snprintf(label, sizeof label, "%s %s %zu", c, stat[s], j);
            CU_ASSERT(close_r(got[s], want(r, n, c, stat[s], ix), REL, label));
        }
    }
    snprintf(label, sizeof label, "%s df_resid", c);
    CU_ASSERT(close_r(f->df_resid, want(r, n, c, "df_resid", "0"), 0, label));
    checked++;
    for (size_t t = 0; t < nterm; t++) {
        lcm_glm_wald w;
        CU_ASSERT_EQUAL_FATAL(lcm_glm_wald_test(f, terms[t].idx, terms[t].k, &w, NULL, 0), LCM_OK);
        static const char *const stat[] = {"wald_chisq", "wald_F", "wald_p_F", "wald_p_chisq"};
        const double got[] = {w.chisq, w.F, w.p_F, w.p_chisq};
        for (int s = 0; s < 4; s++, checked++) {
            snprintf(label, sizeof label, "%s %s %s", c, stat[s], terms[t].name);
            CU_ASSERT(close_r(got[s], want(r, n, c, stat[s], terms[t].name), REL, label));
        }
    }
    CU_ASSERT_EQUAL(checked, count_case(r, n, c)); /* every row of the case was compared */
    report_maxrel(c);
}

/* ---- R's api data ----------------------------------------------------------------------- */

enum { CAL_POST = 10, CAL_RAKE }; /* post-stratified on stype; raked on stype and yes */

typedef struct api_model {
    const char *name;
    const svyt_case *design;
    int rep;         /* 0, 1 + lcm_svy_reptype, or a calibration CAL_POST, CAL_RAKE */
    const char *dom; /* domain column (>= 0 in the subset), or NULL */
    const char *y;
    const char *x[4]; /* numeric covariates */
    int stype;        /* add the dummies of stype (levels 0 E, 1 H, 2 M; E the reference) */
    lcm_glm_family fam;
    mterm terms[2];
    size_t nterm;
} api_model;

/* The cases of tests/r/model_reference.R, each with the R call in its comment there. */
static const api_model api_models[] = {
    {"strat_lin",
     &svyt_strat,
     0,
     NULL,
     "api00",
     {"ell", "meals", "enroll"},
     1,
     LCM_GLM_GAUSSIAN,
     {{"stype", {4, 5}, 2}, {"ell", {1}, 1}},
     2},
    {"clus1_logit",
     &svyt_clus1,
     0,
     NULL,
     "yes",
     {"ell", "meals"},
     1,
     LCM_GLM_LOGIT,
     {{"stype", {3, 4}, 2}, {"meals", {2}, 1}},
     2},
    {"clus2_lin",
     &svyt_clus2,
     0,
     NULL,
     "api00",
     {"ell", "meals", "acs_k3"},
     0,
     LCM_GLM_GAUSSIAN,
     {{"acs_k3", {3}, 1}},
     1},
    {"clus1_dom_logit",
     &svyt_clus1,
     0,
     "em",
     "yes",
     {"ell", "meals"},
     0,
     LCM_GLM_LOGIT,
     {{"ell", {1}, 1}},
     1},
    {"strat_jkn",
     &svyt_strat,
     1 + LCM_SVY_REP_JKN,
     NULL,
     "api00",
     {"ell", "meals", "enroll"},
     1,
     LCM_GLM_GAUSSIAN,
     {{"stype", {4, 5}, 2}},
     1},
    {"strat_jkn_logit",
     &svyt_strat,
     1 + LCM_SVY_REP_JKN,
     NULL,
     "yes",
     {"ell", "meals"},
     0,
     LCM_GLM_LOGIT,
     {{"meals", {2}, 1}},
     1},
    {"clus1_jk1_logit",
     &svyt_clus1,
     1 + LCM_SVY_REP_JK1,
     NULL,
     "yes",
     {"ell", "meals"},
     1,
     LCM_GLM_LOGIT,
     {{"stype", {3, 4}, 2}},
     1},
    {"clus1_post_logit",
     &svyt_clus1,
     CAL_POST,
     NULL,
     "yes",
     {"ell", "meals"},
     0,
     LCM_GLM_LOGIT,
     {{"meals", {2}, 1}},
     1},
    {"clus1_post_dom_logit",
     &svyt_clus1,
     CAL_POST,
     "em",
     "yes",
     {"ell", "meals"},
     0,
     LCM_GLM_LOGIT,
     {{"ell", {1}, 1}},
     1},
    {"clus1_rake_lin",
     &svyt_clus1,
     CAL_RAKE,
     NULL,
     "api00",
     {"ell", "meals"},
     1,
     LCM_GLM_GAUSSIAN,
     {{"stype", {3, 4}, 2}},
     1},
};

/* pop.types and pop.schwide of R's ?postStratify and ?rake (tests/r/model_reference.R) */
static const double pop_types[3] = {4421, 755, 1018}, pop_schwide[2] = {1072, 5122};

static void fit_api(const api_model *m, const mref *r, size_t nr) {
    svyt_table t;
    lcm_svy_design *d = svyt_build(m->design, &t), *rd = NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    if (m->rep >= CAL_POST) {
        char err[256] = "";
        int32_t *stype = svyt_ids(&t, "stype"), *yes = svyt_ids(&t, "yes");
        lcm_svy_margin mg[2] = {{stype, 3, pop_types}, {yes, 2, pop_schwide}};
        CU_ASSERT_EQUAL_FATAL(m->rep == CAL_POST
                                  ? lcm_svy_poststratify(d, mg, &rd, err, sizeof err)
                                  : lcm_svy_rake(d, mg, 2, 10, 1.0, &rd, NULL, err, sizeof err),
                              LCM_OK);
        free(stype), free(yes);
    }
    if (m->rep && m->rep < CAL_POST) {
        char err[256] = "";
        CU_ASSERT_EQUAL_FATAL(lcm_svy_replicates_make(d, (lcm_svy_reptype)(m->rep - 1), 0, 0, 0,
                                                      &rd, err, sizeof err),
                              LCM_OK);
    }
    size_t n = t.nrow, p = 1;
    const double *cols[8];
    double *ones = malloc(n * sizeof *ones), *st1 = malloc(n * sizeof *st1),
           *st2 = malloc(n * sizeof *st2);
    for (size_t k = 0; k < n; k++) {
        double s = svyt_col(&t, "stype")[k];
        ones[k] = 1.0, st1[k] = s == 1, st2[k] = s == 2;
    }
    cols[0] = ones;
    for (size_t j = 0; j < 4 && m->x[j]; j++)
        CU_ASSERT_PTR_NOT_NULL_FATAL(cols[p++] = svyt_col(&t, m->x[j]));
    if (m->stype)
        cols[p++] = st1, cols[p++] = st2;
    int32_t *dom = m->dom ? svyt_ids(&t, m->dom) : NULL;
    lcm_glm_spec spec = {m->fam, p, cols, svyt_col(&t, m->y), dom, NULL, 0, 0};
    lcm_glm_fit f;
    char err[256] = "";
    lcm_status st = lcm_svy_glm(rd ? rd : d, &spec, &f, err, sizeof err);
    if (st != LCM_OK)
        fprintf(stderr, "\n  %s: %s\n", m->name, err);
    CU_ASSERT_EQUAL_FATAL(st, LCM_OK);
    check_fit(r, nr, m->name, &f, m->terms, m->nterm);
    CU_ASSERT_EQUAL(f.nrep, m->rep && m->rep < CAL_POST ? lcm_svy_design_npsu(d) : 0);
    lcm_glm_fit_free(&f);
    free(dom), free(ones), free(st1), free(st2);
    lcm_svy_design_free(rd);
    lcm_svy_design_free(d);
    svyt_free(&t);
}

static void model__svyglm_on_api_as_r(void) {
    size_t nr;
    mref *r = load_refs("tests/fixtures/model/api_reference.csv", &nr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    for (size_t i = 0; i < sizeof api_models / sizeof api_models[0]; i++)
        fit_api(&api_models[i], r, nr);
    free(r);
}

/* ---- bad models: clear messages ------------------------------------------------------- */

/* A level whose respondents all have outcome 1: the message names the column. */
static void model__separation_names_the_column(void) {
    svyt_table t;
    lcm_svy_design *d = svyt_build(&svyt_clus1, &t);
    size_t n = t.nrow;
    double *ones = malloc(n * sizeof *ones), *flag = malloc(n * sizeof *flag),
           *y = malloc(n * sizeof *y);
    const double *yes = svyt_col(&t, "yes");
    for (size_t k = 0; k < n; k++) { /* flag: 1 for a few schools with yes = 1 */
        ones[k] = 1.0;
        flag[k] = yes[k] == 1 && k % 5 == 0;
        y[k] = yes[k];
    }
    const double *cols[] = {ones, svyt_col(&t, "meals"), flag};
    const char *names[] = {"(Intercept)", "meals", "edu = 研究生"};
    lcm_glm_spec spec = {LCM_GLM_LOGIT, 3, cols, y, NULL, names, 0, 0};
    lcm_glm_fit f;
    char err[512] = "";
    CU_ASSERT_EQUAL(lcm_svy_glm(d, &spec, &f, err, sizeof err), LCM_NUMERIC);
    LCMT_ASSERT_HAS(err, "separation: 'edu = 研究生' predicts the outcome perfectly");
    /* complete separation by a number: y = 1 exactly when meals > 50 */
    for (size_t k = 0; k < n; k++)
        y[k] = svyt_col(&t, "meals")[k] > 50;
    const double *cols2[] = {ones, svyt_col(&t, "meals")};
    spec = (lcm_glm_spec){LCM_GLM_LOGIT, 2, cols2, y, NULL, names, 0, 0};
    CU_ASSERT_EQUAL(lcm_svy_glm(d, &spec, &f, err, sizeof err), LCM_NUMERIC);
    LCMT_ASSERT_HAS(err, "separation: 'meals' predicts the outcome perfectly");
    /* collinear columns */
    const double *cols3[] = {ones, svyt_col(&t, "meals"), svyt_col(&t, "meals")};
    spec = (lcm_glm_spec){LCM_GLM_GAUSSIAN, 3, cols3, svyt_col(&t, "api00"), NULL, names, 0, 0};
    CU_ASSERT_EQUAL(lcm_svy_glm(d, &spec, &f, err, sizeof err), LCM_NUMERIC);
    LCMT_ASSERT_HAS(err, "is collinear with the other covariates");
    /* a logit outcome outside [0, 1] */
    spec = (lcm_glm_spec){LCM_GLM_LOGIT, 2, cols2, svyt_col(&t, "api00"), NULL, names, 0, 0};
    CU_ASSERT_EQUAL(lcm_svy_glm(d, &spec, &f, err, sizeof err), LCM_INVAL);
    LCMT_ASSERT_HAS(err, "outcome must be in [0, 1]");
    free(ones), free(flag), free(y);
    lcm_svy_design_free(d);
    svyt_free(&t);
}

/* ---- `lcmon model` on the demo household data ----------------------------------------- */

/* The database of tests/r/model_reference.R's header (with --replicates: jkn declared). */
static const char *household_db(int replicates) {
    static char db[2][4096];
    char *p = db[replicates];
    if (p[0])
        return p;
    snprintf(p, 4096, "%s", lcmt_tmp(replicates ? "model_rep.db" : "model.db"));
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", p, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"simulate", p, "--cities", "4", "--waves", "2025", "--households",
                                  "100", "--seed", "11", NULL},
                 NULL, NULL, NULL),
        0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"design", "set", p, "--form", "household", "--strata", "stratum",
                                  "--psu", "psu", "--weight", "design_weight",
                                  replicates ? "--replicates" : NULL, "jkn", NULL},
                 NULL, NULL, NULL),
        0);
    return p;
}

/* One row of `lcmon model --csv`: kind,term,level,estimate,se,statistic,df1,df2,p_value. */
typedef struct csvrow {
    char kind[16], term[64], level[64];
    double v[6];
} csvrow;

static size_t parse_csv(const char *out, csvrow *rows, size_t max) {
    size_t n = 0;
    const char *p = out ? strchr(out, '\n') : NULL;
    while (p && *++p && n < max) {
        csvrow *r = &rows[n];
        const char *f = p;
        char *cells[9];
        char buf[1024];
        size_t len = strcspn(p, "\n");
        snprintf(buf, sizeof buf, "%.*s", (int)len, p);
        char *s = buf;
        for (int i = 0; i < 9; i++) {
            cells[i] = s;
            s += strcspn(s, ",");
            if (*s)
                *s++ = 0;
        }
        snprintf(r->kind, sizeof r->kind, "%.15s", cells[0]);
        snprintf(r->term, sizeof r->term, "%.63s", cells[1]);
        snprintf(r->level, sizeof r->level, "%.63s", cells[2]);
        for (int i = 0; i < 6; i++)
            r->v[i] = *cells[3 + i] ? strtod(cells[3 + i], NULL) : NAN;
        n++;
        p = strchr(f, '\n');
    }
    return n;
}

/* Runs `lcmon model DB --form household ARGS --csv` and compares with case c; rterm maps
 * lcmon's covariate names to the R script's (edu -> edu_f). */
static void check_cli(const mref *r, size_t nr, const char *c, int replicates,
                      const char *const *args, const char *const rterm[][2], size_t nmap) {
    const char *argv[32] = {"model", household_db(replicates), "--form", "household", "--csv"};
    size_t a = 5;
    for (; *args; args++)
        argv[a++] = *args;
    argv[a] = NULL;
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL_FATAL(lcmt_run(argv, NULL, &out, &err), 0);
    csvrow rows[128];
    size_t n = parse_csv(out, rows, 128), j = 0, checked = 0;
    char ix[24], label[160];
    for (size_t i = 0; i < n; i++) {
        const csvrow *w = &rows[i];
        const char *term = w->term;
        for (size_t k = 0; k < nmap; k++)
            if (!strcmp(term, rterm[k][0]))
                term = rterm[k][1];
        if (!strcmp(w->kind, "coef")) {
            static const char *const stat[] = {"coef", "se", "t", "p"};
            const double got[] = {w->v[0], w->v[1], w->v[2], w->v[5]};
            snprintf(ix, sizeof ix, "%zu", j++);
            for (int s = 0; s < 4; s++, checked++) {
                snprintf(label, sizeof label, "%s %s %s (%s %s)", c, stat[s], ix, w->term,
                         w->level);
                CU_ASSERT(close_r(got[s], want(r, nr, c, stat[s], ix), REL, label));
            }
        } else if (!strcmp(w->kind, "wald_F")) {
            snprintf(label, sizeof label, "%s wald %s", c, term);
            CU_ASSERT(close_r(w->v[2], want(r, nr, c, "wald_F", term), REL, label));
            CU_ASSERT(close_r(w->v[5], want(r, nr, c, "wald_p_F", term), REL, label));
            checked += 2;
        } else if (!strcmp(w->kind, "wald_chisq")) {
            snprintf(label, sizeof label, "%s chisq %s", c, term);
            CU_ASSERT(close_r(w->v[2], want(r, nr, c, "wald_chisq", term), REL, label));
            CU_ASSERT(close_r(w->v[5], want(r, nr, c, "wald_p_chisq", term), REL, label));
            checked += 2;
        } else if (!strcmp(w->kind, "model") && !strcmp(w->term, "df_resid")) {
            CU_ASSERT_EQUAL(w->v[0], want(r, nr, c, "df_resid", "0"));
            checked++;
        }
    }
    CU_ASSERT_EQUAL(checked, count_case(r, nr, c));
    report_maxrel(c);
    free(out), free(err);
}

static void model__cli_on_household_as_r(void) {
    size_t nr;
    mref *r = load_refs("tests/fixtures/model/household_reference.csv", &nr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    static const char *const map[][2] = {{"edu", "edu_f"}, {"sex", "sex_f"}};
    check_cli(r, nr, "hh_lin", 0,
              (const char *[]){"--y", "sat_overall", "--x", "age_band + edu + community_type + age",
                               "--ref", "edu=3", NULL},
              map, 2);
    check_cli(r, nr, "hh_logit", 0,
              (const char *[]){"--family", "logit", "--y", "sat_top2", "--x",
                               "age_band + sex + community_type", NULL},
              map, 2);
    check_cli(r, nr, "hh_city", 0,
              (const char *[]){"--city", "4301", "--y", "sat_overall", "--x", "age + sex", NULL},
              map, 2);
    check_cli(r, nr, "hh_jkn", 1,
              (const char *[]){"--y", "sat_overall", "--x", "age_band + sex", NULL}, map, 2);
    check_cli(r, nr, "hh_jkn_logit", 1,
              (const char *[]){"--family", "logit", "--y", "sat_top2", "--x", "age + sex", NULL},
              map, 2);
    check_cli(r, nr, "hh_jkn_city", 1,
              (const char *[]){"--city", "4301", "--y", "sat_overall", "--x", "age + sex", NULL},
              map, 2);
    free(r);
}

/* The table: Chinese labels by default (no codes), English with --lang en. */
static void model__table_in_chinese_and_english(void) {
    char *out = NULL;
    const char *db = household_db(0);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"model", db, "--form", "household", "--y", "sat_overall", "--x",
                                  "edu + sex", "--ref", "edu=初中", NULL},
                 NULL, &out, NULL),
        0);
    LCMT_ASSERT_HAS(out, "最高学历");
    LCMT_ASSERT_HAS(out, "本科");
    LCMT_ASSERT_HAS(out, "初中"); /* the reference level, in the Wald table */
    LCMT_ASSERT_HAS(out, "设计自由度");
    CU_ASSERT(out && !strstr(out, "Intercept") && !strstr(out, "(edu"));
    free(out);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"model", db, "--form", "household", "--y", "sat_overall", "--x",
                                  "edu + sex", "--lang", "en", "--ref", "edu=初中", NULL},
                 NULL, &out, NULL),
        0);
    LCMT_ASSERT_HAS(out, "Highest education completed");
    LCMT_ASSERT_HAS(out, "Bachelor's degree");
    LCMT_ASSERT_HAS(out, "Junior secondary"); /* the reference named by its Chinese label */
    LCMT_ASSERT_HAS(out, "design df 32");
    free(out);
}

static void model__cli_errors_name_the_problem(void) {
    const char *db = household_db(0);
    char *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"model", db, "--form", "household", "--y",
                                              "sat_overall", "--x", "age + nosuch", NULL},
                             NULL, NULL, &err),
                    1);
    LCMT_ASSERT_HAS(err, "lcmon: covariate 'nosuch': no such column in form 'household'");
    free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"model", db, "--form", "household", "--y",
                                              "sat_overall", "--x", "edu", "--ref", "edu=99", NULL},
                             NULL, NULL, &err),
                    1);
    LCMT_ASSERT_HAS(err, "--ref 'edu=99': no respondent in the model has edu = '99'");
    free(err);
    /* separation: sat_top2 is 1 exactly when sat_overall >= 4, so a factor of sat_overall
     * separates it; the message names the level */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"model", db, "--form", "household", "--family", "logit", "--y",
                                  "sat_top2", "--x", "sex + sat_overall", NULL},
                 NULL, NULL, &err),
        1);
    LCMT_ASSERT_HAS(err, "separation: 'sat_overall' predicts the outcome perfectly");
    free(err);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"model", db, "--form", "household", "--x", "age", NULL}, NULL,
                 NULL, &err),
        2);
    LCMT_ASSERT_HAS(err, "--y is required");
    free(err);
}

/* ---- key drivers in the city report -------------------------------------------------- */

/* The ipa chart of `lcmon report --model` for city (with --min-n min_n), from the JSON file:
 * its ylabel, caption and the importance of each service (NaN = not drawn). */
static int report_ipa(const char *db, const char *city, const char *min_n, char *ylabel,
                      char *caption, double imp[8]) {
    char dir[1024], json[1200];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp(min_n));
    snprintf(json, sizeof json, "%s/model.json", dir);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"report", db, "--city", city, "--year", "2025", "--out", dir,
                                  "--model", json, "--no-svg", "--min-n", min_n, NULL},
                 NULL, NULL, NULL),
        0);
    char *text = lcmt_slurp(json, NULL);
    sqlite3 *m = NULL;
    sqlite3_stmt *st = NULL;
    int found = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(":memory:", &m), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(m,
                           "SELECT json_extract(t.value, '$.ylabel'), json_extract(t.value, "
                           "'$.caption'), json_extract(t.value, '$.imp[' || j.key || ']') FROM "
                           "json_tree(?1) t, json_each(json_extract(t.value, '$.imp')) j WHERE "
                           "t.type = 'object' AND json_extract(t.value, '$.chart') = 'ipa' "
                           "ORDER BY j.key",
                           -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW && found < 8) {
        snprintf(ylabel, 256, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(caption, 2048, "%s", (const char *)sqlite3_column_text(st, 1));
        imp[found++] =
            sqlite3_column_type(st, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 2);
    }
    sqlite3_finalize(st);
    sqlite3_close(m);
    free(text);
    return found == 8;
}

static const char *demo_db(void) {
    static char db[1200];
    if (!db[0]) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s", lcmt_tmp("drivers_demo"));
        CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"demo", "--out", dir, "--cities", "3",
                                                        "--households", "200", "--mc", "20", NULL},
                                       NULL, NULL, NULL),
                              0);
        snprintf(db, sizeof db, "%s/demo.db", dir);
    }
    return db;
}

/* The importance column (the last) of the 8 driver rows of `lcmon model --drivers --csv`. */
static void drivers_csv(const char *db, const char *city, const char *min_n, double imp[8],
                        char **out) {
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"model", db, "--form", "household", "--wave", "2025", "--city",
                                  city, "--y", "sat_overall", "--drivers",
                                  "sat_cc + sat_eu + sat_pc + sat_rd + sat_ol + "
                                  "sat_vt + sat_cb + sat_st",
                                  "--min-n", min_n, "--csv", NULL},
                 NULL, out, NULL),
        0);
    const char *p = *out;
    for (int s = 0; s < 8; s++) {
        p = strstr(p, "\ndriver,");
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        const char *eol = strchr(p + 1, '\n'), *last = eol;
        while (last > p && last[-1] != ',')
            last--;
        imp[s] = last < eol ? strtod(last, NULL) : NAN;
        p = eol;
    }
}

/* The importance the city report's importance-performance chart draws is `lcmon model
 * --drivers`'s answer for the city and year when the model's rule holds (4405 of this demo
 * at --min-n 30), else the stored correlation with overall satisfaction (1401 at --min-n 5:
 * 11 coefficients for 105 respondents), each chart saying which. */
static void model__report_ipa_draws_the_key_drivers(void) {
    const char *db = demo_db();
    char ylabel[256] = "", caption[2048] = "", *out = NULL;
    double imp[8], want[8];
    size_t drawn = 0;
    CU_ASSERT_FATAL(report_ipa(db, "4405", "30", ylabel, caption, imp));
    CU_ASSERT_STRING_EQUAL(ylabel, "重要性：总体满意度回归的标准化系数");
    LCMT_ASSERT_HAS(caption, "设计加权回归（lcmon model --drivers）的标准化系数");
    drivers_csv(db, "4405", "30", want, &out);
    LCMT_ASSERT_HAS(out, "\nmodel,fitted,,,1,");
    for (int s = 0; s < 8; s++) {
        CU_ASSERT(svyt_close(imp[s], want[s], 0, "importance drawn vs lcmon model --drivers"));
        drawn += !isnan(imp[s]);
    }
    CU_ASSERT(drawn >= 2);
    free(out);
    /* the rule fails (city 1401 at --min-n 5): correlations from survey_measures, and the
     * reason */
    CU_ASSERT_FATAL(report_ipa(db, "1401", "5", ylabel, caption, imp));
    CU_ASSERT_STRING_EQUAL(ylabel, "重要性：与总体满意度的相关系数");
    LCMT_ASSERT_HAS(caption, "（回归模型条件未满足：受访者105人、系数11个，每个系数不足10人）");
    drivers_csv(db, "1401", "5", want, &out);
    LCMT_ASSERT_HAS(out, "\nmodel,fitted,,,0,");
    free(out);
    sqlite3 *d = NULL;
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(d,
                                             "SELECT estimate FROM survey_measures WHERE "
                                             "city_code = '1401' AND year = 2025 AND measure = "
                                             "'importance' AND item = ?1",
                                             -1, &st, NULL),
                          SQLITE_OK);
    static const char *const items[8] = {"cc", "eu", "pc", "rd", "ol", "vt", "cb", "st"};
    drawn = 0;
    for (int s = 0; s < 8; s++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, items[s], -1, SQLITE_STATIC);
        if (!isnan(imp[s])) {
            CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
            CU_ASSERT(svyt_close(imp[s], sqlite3_column_double(st, 0), 0, "correlation drawn"));
            drawn++;
        }
    }
    CU_ASSERT(drawn >= 2);
    sqlite3_finalize(st);
    sqlite3_close(d);
}

/* `lcmon model --drivers` on the demo's city 4405 in 2025 (raked design, a city subset) as
 * R computes it (tests/r/model_reference.R, drivers_reference.csv): each rating's
 * coefficient, SE, SD and importance, the SD of overall satisfaction, the residual df. */
static void model__drivers_as_r(void) {
    size_t nr;
    mref *r = load_refs("tests/fixtures/model/drivers_reference.csv", &nr);
    char *out = NULL;
    double imp[8];
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    drivers_csv(demo_db(), "4405", "30", imp, &out);
    csvrow rows[32];
    size_t n = parse_csv(out, rows, 32), checked = 0;
    double df = NAN, p = NAN;
    for (size_t i = 0; i < n; i++) {
        const csvrow *w = &rows[i];
        /* driver: kind,item,raters,in_model,estimate,se,p_value,sd,importance */
        if (!strcmp(w->kind, "driver") && w->v[0] == 1) {
            static const char *const stat[] = {"coef", "se", "sd", "importance"};
            const double got[] = {w->v[1], w->v[2], w->v[4], w->v[5]};
            for (int s = 0; s < 4; s++, checked++) {
                char label[96];
                snprintf(label, sizeof label, "drivers %s %s", stat[s], w->term);
                CU_ASSERT(
                    close_r(got[s], want(r, nr, "drivers_4405", stat[s], w->term), REL, label));
            }
        } else if (!strcmp(w->kind, "model") && !strcmp(w->term, "sd_y")) {
            CU_ASSERT(close_r(w->v[1], want(r, nr, "drivers_4405", "sd_y", "0"), REL, "sd_y"));
            checked++;
        } else if (!strcmp(w->kind, "model") && !strcmp(w->term, "df_design")) {
            df = w->v[1];
        } else if (!strcmp(w->kind, "model") && !strcmp(w->term, "coefficients")) {
            p = w->v[1];
        }
    }
    CU_ASSERT_EQUAL(df + 1 - p, want(r, nr, "drivers_4405", "df_resid", "0"));
    CU_ASSERT_EQUAL(checked + 1, count_case(r, nr, "drivers_4405"));
    report_maxrel("drivers_4405");
    free(out);
    free(r);
}

const lcmt_case lcmt_model_cases[] = {
    {"drivers_as_r", model__drivers_as_r},
    {"report_ipa_draws_the_key_drivers", model__report_ipa_draws_the_key_drivers},
    {"svyglm_on_api_as_r", model__svyglm_on_api_as_r},
    {"separation_names_the_column", model__separation_names_the_column},
    {"cli_on_household_as_r", model__cli_on_household_as_r},
    {"table_in_chinese_and_english", model__table_in_chinese_and_english},
    {"cli_errors_name_the_problem", model__cli_errors_name_the_problem},
    {NULL, NULL},
};
