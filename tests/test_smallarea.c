/*
 * test_smallarea.c - the Fay-Herriot model (analysis/sae_fh.c) and `lcmon smallarea`
 * (engine/smallarea.c) against base R written from the published formulas:
 * tests/r/fayherriot_reference.R, whose numbers are tests/fixtures/smallarea/reference.csv
 * (case, area, what, value). Every value is compared to 1e-8 relative.
 */
#include "sae.h"
#include "smallarea.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL 1e-8

/* ---- the R reference ------------------------------------------------------------------- */

typedef struct ref_row {
    char c[48], area[24], what[16];
    double v;
} ref_row;

static ref_row *refs;
static size_t nref;

/* tests/fixtures/smallarea/reference.csv, read once. */
static void load_refs(void) {
    if (refs)
        return;
    char *text = lcmt_slurp(lcmt_path("tests/fixtures/smallarea/reference.csv"), NULL);
    CU_ASSERT_FATAL(text != NULL);
    refs = calloc((size_t)lcmt_count_lines(text) + 1, sizeof *refs);
    CU_ASSERT_FATAL(refs != NULL);
    char *save = NULL;
    strtok_r(text, "\n", &save); /* header */
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        ref_row *r = &refs[nref];
        char *f[4], *p = line;
        for (int i = 0; i < 4; i++) {
            f[i] = p;
            p = i < 3 ? strchr(p, ',') : NULL;
            if (i < 3) {
                CU_ASSERT_FATAL(p != NULL);
                *p++ = '\0';
            }
        }
        snprintf(r->c, sizeof r->c, "%s", f[0]);
        snprintf(r->area, sizeof r->area, "%s", f[1]);
        snprintf(r->what, sizeof r->what, "%s", f[2]);
        r->v = strtod(f[3], NULL);
        nref++;
    }
    free(text);
}

/* The reference value of (case, area, what); fails the test when R did not give it. */
static double ref(const char *c, const char *area, const char *what) {
    load_refs();
    for (size_t i = 0; i < nref; i++)
        if (!strcmp(refs[i].c, c) && !strcmp(refs[i].area, area) && !strcmp(refs[i].what, what))
            return refs[i].v;
    fprintf(stderr, "no reference %s/%s/%s\n", c, area, what);
    CU_FAIL("reference value missing");
    return NAN;
}

static int has_ref(const char *c, const char *area, const char *what) {
    load_refs();
    for (size_t i = 0; i < nref; i++)
        if (!strcmp(refs[i].c, c) && !strcmp(refs[i].area, area) && !strcmp(refs[i].what, what))
            return 1;
    return 0;
}

/* An area data set written by the R script: area,y,psi,x. */
typedef struct areas {
    size_t m;
    char name[32][16];
    double y[32], psi[32], X[64];
} areas;

static void load_areas(const char *rel, areas *a) {
    char *text = lcmt_slurp(lcmt_path(rel), NULL), *save = NULL;
    CU_ASSERT_FATAL(text != NULL);
    memset(a, 0, sizeof *a);
    strtok_r(text, "\n", &save);
    for (char *line = strtok_r(NULL, "\n", &save); line && a->m < 32;
         line = strtok_r(NULL, "\n", &save)) {
        char name[16];
        double y, psi, x;
        CU_ASSERT_FATAL(sscanf(line, "\"%7[^\"]\",%lf,%lf,%lf", name, &y, &psi, &x) == 4);
        snprintf(a->name[a->m], sizeof a->name[0], "%s", name);
        a->y[a->m] = y, a->psi[a->m] = psi;
        a->X[2 * a->m] = 1, a->X[2 * a->m + 1] = x;
        a->m++;
    }
    free(text);
}

/* Compare a whole fit with the case of the R script. */
static void check_fit(const char *c, const areas *a, const lcm_sae_fit *fit,
                      const lcm_sae_area *out) {
    LCMT_ASSERT_REL(fit->A, ref(c, "", "A"), REL);
    LCMT_ASSERT_REL(fit->beta[0], ref(c, "", "beta0"), REL);
    LCMT_ASSERT_REL(fit->beta[1], ref(c, "", "beta1"), REL);
    LCMT_ASSERT_REL(fit->loglik, ref(c, "", "loglik"), REL);
    CU_ASSERT(fabs(fit->b_ml - ref(c, "", "b_ml")) <= REL * fmax(fabs(fit->b_ml), 1e-300));
    for (size_t d = 0; d < a->m; d++) {
        const lcm_sae_area *o = &out[d];
        const double got[] = {o->synthetic, o->gamma, o->eblup, o->g1, o->g2, o->g3, o->mse};
        static const char *const what[] = {"synthetic", "gamma", "eblup", "g1", "g2", "g3", "mse"};
        for (int k = 0; k < 7; k++) {
            double r = ref(c, a->name[d], what[k]);
            /* gamma and g1 are exactly 0 at A = 0 */
            CU_ASSERT(r == 0 ? got[k] == 0 : lcmt_close(got[k], r, REL));
        }
    }
}

/* REML: A, beta, EBLUPs, gamma and the Prasad-Rao MSE g1 + g2 + 2 g3 of 12 areas, and the
 * synthetic estimate of an area outside the fit (x = 0.5) with MSE A + x'Qx. */
static void test_reml_small_matches_r(void) {
    areas a;
    load_areas("tests/fixtures/smallarea/small.csv", &a);
    double beta[2], cov[4];
    lcm_sae_fit fit = {.beta = beta, .cov = cov};
    lcm_sae_area out[32];
    lcm_sae_opts o = {LCM_SAE_REML, 0, 0};
    CU_ASSERT_FATAL(lcm_sae_fh_fit(a.m, 2, a.y, a.psi, a.X, &o, &fit, out, NULL, 0) == LCM_OK);
    CU_ASSERT(fit.at_zero == 0);
    check_fit("small_reml", &a, &fit, out);
    double x[2] = {1, 0.5}, est, mse;
    lcm_sae_fh_synthetic(&fit, 2, x, &est, &mse);
    LCMT_ASSERT_REL(est, ref("small_reml", "x=0.5", "synthetic"), REL);
    LCMT_ASSERT_REL(mse, ref("small_reml", "x=0.5", "mse"), REL);
}

/* ML: its own A and the Datta-Lahiri MSE, g1 + g2 + 2 g3 - b_ML B^2. */
static void test_ml_small_matches_r(void) {
    areas a;
    load_areas("tests/fixtures/smallarea/small.csv", &a);
    double beta[2], cov[4];
    lcm_sae_fit fit = {.beta = beta, .cov = cov};
    lcm_sae_area out[32];
    lcm_sae_opts o = {LCM_SAE_ML, 0, 0};
    CU_ASSERT_FATAL(lcm_sae_fh_fit(a.m, 2, a.y, a.psi, a.X, &o, &fit, out, NULL, 0) == LCM_OK);
    CU_ASSERT(fit.b_ml < 0); /* ML underestimates A: the bias term adds to the MSE */
    check_fit("small_ml", &a, &fit, out);
}

/* Direct estimates that spread less than their sampling error: REML would go below 0, the
 * rule sets A = 0, every gamma is 0 and every EBLUP the regression line (R: same rule). */
static void test_reml_at_zero(void) {
    areas a;
    load_areas("tests/fixtures/smallarea/zero.csv", &a);
    double beta[2], cov[4];
    lcm_sae_fit fit = {.beta = beta, .cov = cov};
    lcm_sae_area out[32];
    CU_ASSERT_FATAL(lcm_sae_fh_fit(a.m, 2, a.y, a.psi, a.X, NULL, &fit, out, NULL, 0) == LCM_OK);
    CU_ASSERT(fit.A == 0);
    CU_ASSERT(fit.at_zero == 1);
    for (size_t d = 0; d < a.m; d++) {
        CU_ASSERT(out[d].gamma == 0);
        CU_ASSERT(out[d].eblup == out[d].synthetic);
    }
    check_fit("zero_reml", &a, &fit, out);
}

/* Inputs the model cannot take, each with its sentence. */
static void test_bad_input(void) {
    double y[3] = {0.5, 0.6, 0.7}, psi[3] = {0.01, 0.02, 0.01};
    double X[6] = {1, 0.1, 1, 0.5, 1, 0.9}, beta[2], cov[4];
    lcm_sae_fit fit = {.beta = beta, .cov = cov};
    char msg[256];
    CU_ASSERT(lcm_sae_fh_fit(2, 2, y, psi, X, NULL, &fit, NULL, msg, sizeof msg) == LCM_INVAL);
    CU_ASSERT(lcmt_has(msg, "needs more areas than coefficients"));
    double zero[3] = {0.01, 0, 0.01};
    CU_ASSERT(lcm_sae_fh_fit(3, 2, y, zero, X, NULL, &fit, NULL, msg, sizeof msg) == LCM_INVAL);
    CU_ASSERT(lcmt_has(msg, "area 2: the sampling variance 0 is not a positive number"));
    double flat[6] = {1, 2, 1, 2, 1, 2}; /* a covariate constant over the areas */
    CU_ASSERT(lcm_sae_fh_fit(3, 2, y, psi, flat, NULL, &fit, NULL, msg, sizeof msg) == LCM_NUMERIC);
    CU_ASSERT(lcmt_has(msg, "singular"));
    /* one Fisher step is not enough for the 12 areas of small.csv (R needs more too) */
    areas a;
    load_areas("tests/fixtures/smallarea/small.csv", &a);
    lcm_sae_opts one = {LCM_SAE_REML, 0, 1};
    CU_ASSERT(lcm_sae_fh_fit(a.m, 2, a.y, a.psi, a.X, &one, &fit, NULL, msg, sizeof msg) ==
              LCM_NOCONVERGE);
    CU_ASSERT(lcmt_has(msg, "did not converge in 1 steps"));
}

/* ---- the command on the demo's districts ----------------------------------------------- */

static char dbpath[4200];

/* A database with the reference data and the 200 households of city 1200 of lcmon demo
 * (wave 2025) as a dataset, designed as the R script designs it. */
static void demo_db(void) {
    if (dbpath[0])
        return;
    snprintf(dbpath, sizeof dbpath, "%s", lcmt_tmp("smallarea.db"));
    char data[4200];
    snprintf(data, sizeof data, "%s", lcmt_path("tests/fixtures/smallarea/demo_1200.csv"));
    const char *init[] = {"init", dbpath, NULL};
    const char *imp[] = {"import", "dataset", dbpath, data, "--name", "demo", NULL};
    const char *des[] = {"design",  "set",   dbpath, "--dataset", "demo",          "--strata",
                         "stratum", "--psu", "psu",  "--weight",  "design_weight", NULL};
    CU_ASSERT_FATAL(lcmt_run(init, NULL, NULL, NULL) == 0);
    CU_ASSERT_FATAL(lcmt_run(imp, NULL, NULL, NULL) == 0);
    CU_ASSERT_FATAL(lcmt_run(des, NULL, NULL, NULL) == 0);
}

/* Run smallarea on the demo db with extra arguments; stdout (caller frees) and exit code. */
static int run_sa(const char *var, const char *method, const char *extra1, const char *extra2,
                  char **out, char **err) {
    demo_db();
    const char *args[16] = {"smallarea", dbpath,  "--dataset", "demo",   "--wave",
                            "2025",      "--var", var,         "--city", "1200",
                            "--method",  method,  "--csv"};
    size_t n = 13;
    if (extra1)
        args[n++] = extra1;
    if (extra2)
        args[n++] = extra2;
    args[n] = NULL;
    return lcmt_run(args, NULL, out, err);
}

/* Each line of the CSV output: code,district,n,npsu,direct,se,eblup,rmse,gamma,method.
 * Returns the number of rows checked against the R reference. */
static int check_csv(const char *csv, const char *var, const char *method) {
    char dc[48], mc[48];
    snprintf(dc, sizeof dc, "demo_%s", var);
    snprintf(mc, sizeof mc, "demo_%s_%s", var, method);
    char *copy = strdup(csv), *save = NULL;
    int rows = 0;
    CU_ASSERT_FATAL(copy != NULL);
    CU_ASSERT(strncmp(copy, "code,district,n,npsu,direct,se,eblup,rmse,gamma,method\n", 54) == 0);
    strtok_r(copy, "\n", &save);
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[10], *p = line;
        for (int i = 0; i < 10; i++) {
            f[i] = p;
            p = strchr(p, ',');
            if (i < 9) {
                CU_ASSERT_FATAL(p != NULL);
                *p++ = '\0';
            }
        }
        const char *code = f[0], *role = f[9];
        rows++;
        if (strcmp(role, "unsampled") != 0) { /* the direct estimate, as svyby gives it */
            LCMT_ASSERT_REL(strtod(f[4], NULL), ref(dc, code, "direct"), REL);
            double se = strtod(f[5], NULL), rse = ref(dc, code, "se");
            /* a district inside one PSU: R's SE is 0 up to rounding (~1e-17) */
            CU_ASSERT(rse < 1e-12 ? fabs(se) < 1e-12 : lcmt_close(se, rse, REL));
            CU_ASSERT(strtod(f[2], NULL) == ref(dc, code, "n"));
            CU_ASSERT(strtod(f[3], NULL) == ref(dc, code, "npsu"));
            CU_ASSERT(!strcmp(role, ref(dc, code, "npsu") < 2 ? "one_psu" : "fitted"));
        } else {
            CU_ASSERT(!has_ref(dc, code, "direct"));
            CU_ASSERT(f[4][0] == '\0' && f[5][0] == '\0');
        }
        double est = strtod(f[6], NULL), rmse = strtod(f[7], NULL), gamma = strtod(f[8], NULL);
        if (!strcmp(role, "fitted")) {
            LCMT_ASSERT_REL(est, ref(mc, code, "eblup"), REL);
            LCMT_ASSERT_REL(gamma, ref(mc, code, "gamma"), REL);
        } else {
            LCMT_ASSERT_REL(est, ref(mc, code, "synthetic"), REL);
            CU_ASSERT(gamma == 0);
        }
        LCMT_ASSERT_REL(rmse, sqrt(ref(mc, code, "mse")), REL);
    }
    free(copy);
    return rows;
}

/* Every number of `lcmon smallarea --csv` on the demo's districts of city 1200 (16 counties,
 * 10 sampled, 5 of them in one PSU), for a proportion and a mean, REML and ML. */
static void test_cli_demo_matches_r(void) {
    static const char *const vars[] = {"participated", "sat_index"};
    static const char *const methods[][2] = {{"REML", "reml"}, {"ML", "ml"}};
    for (int v = 0; v < 2; v++)
        for (int m = 0; m < 2; m++) {
            char *out = NULL, *err = NULL;
            CU_ASSERT_FATAL(run_sa(vars[v], methods[m][0], NULL, NULL, &out, &err) == 0);
            CU_ASSERT(check_csv(out, vars[v], methods[m][1]) == 16);
            free(out), free(err);
        }
}

/* A district sampled in one PSU: R's design SE of its mean is 0 (its residuals sum to 0
 * inside the PSU), which would make gamma 1; it is left out of the fit and gets the
 * synthetic estimate with the MSE of an area outside the fit, as the table says. */
static void test_cli_one_psu_district_is_synthetic(void) {
    char *out = NULL, *err = NULL;
    CU_ASSERT_FATAL(run_sa("participated", "REML", NULL, NULL, &out, &err) == 0);
    /* 120101 和平区: 10 households in one community (tests/fixtures/smallarea/demo_1200.csv) */
    LCMT_ASSERT_HAS(out, "120101,和平区,10,1,0.92000000000000004,0,");
    LCMT_ASSERT_HAS(out, ",one_psu\n");
    free(out), free(err);
    const char *args[] = {"smallarea", dbpath,         "--dataset", "demo", "--wave", "2025",
                          "--var",     "participated", "--city",    "1200", NULL};
    CU_ASSERT(lcmt_run(args, NULL, &out, &err) == 0);
    LCMT_ASSERT_HAS(out, "合成估计：不足2个PSU");
    LCMT_ASSERT_HAS(out, "合成估计：无样本");
    LCMT_ASSERT_HAS(out, "16 个区县中 5 个参与拟合");
    /* A as the table prints it (%.6g of R's 0.0070920849344538461) */
    LCMT_ASSERT_HAS(out, "区县间方差 A = 0.00709208");
    /* the rows docs/smallarea.md shows, rounded from R's numbers (reference.csv) */
    LCMT_ASSERT_HAS(out, "120117    宁河区        20      2    0.8361  0.0615    0.8030      "
                         "0.0579     0.652  模型估计");
    LCMT_ASSERT_HAS(out, "120101    和平区        10      1    0.9200  0.0000    0.8674      "
                         "0.1569     0.000  合成估计：不足2个PSU");
    LCMT_ASSERT_HAS(out, "回归系数：截距 0.718941，城镇社区占比 0.148469");
    CU_ASSERT(strstr(out, "one_psu") == NULL); /* no English codes on the Chinese table */
    free(out), free(err);
}

/* The urban share given as a covariate file gives the same numbers as the reference does. */
static void test_cli_covariates_file(void) {
    static const char *const codes[] = {"120101", "120102", "120103", "120104", "120105", "120106",
                                        "120110", "120111", "120112", "120113", "120114", "120115",
                                        "120116", "120117", "120118", "120119"};
    char file[8192] = "code,urban_share\n";
    for (size_t i = 0; i < 16; i++) {
        size_t len = strlen(file);
        snprintf(file + len, sizeof file - len, "%s,%.17g\n", codes[i],
                 ref("demo_participated", codes[i], "urban_share"));
    }
    strcat(file, "440101,0.5\n"); /* another city's district: ignored */
    const char *path = lcmt_write(lcmt_tmp("cov_urban.csv"), file, strlen(file));
    char p[4200];
    snprintf(p, sizeof p, "%s", path);
    char *a = NULL, *b = NULL, *err = NULL;
    CU_ASSERT_FATAL(run_sa("participated", "REML", NULL, NULL, &a, &err) == 0);
    free(err);
    CU_ASSERT_FATAL(run_sa("participated", "REML", "--covariates", p, &b, &err) == 0);
    free(err);
    CU_ASSERT(a && b && strcmp(a, b) == 0);
    CU_ASSERT(check_csv(b, "participated", "reml") == 16);
    free(a), free(b);
}

/* Every bad cell of a covariate file is an error naming file, line, column and field. */
static void test_cli_covariates_errors(void) {
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"code,urban_share\n120114,0.5\n120115,abc\n", "cov_bad.csv:3:2 (urban_share): not a "
                                                       "number, value 'abc'"},
        {"code,urban_share\n120114,\n", "cov_bad.csv:2:2 (urban_share): empty cell"},
        {"code,urban_share\n120114,0.5\n120114,0.6\n", "cov_bad.csv:3:1 (code): code given "
                                                       "twice, value '120114'"},
        {"code,urban_share\n12x,0.5\n", "cov_bad.csv:2:1 (code): not a division code"},
        {"district,urban_share\n", "cov_bad.csv:1:1: the header must be code,NAME"},
        {"code,urban_share\n120114,0.5,1\n", "cov_bad.csv:2:3: 3 fields where the header has 2"},
        {"code,urban_share\n120114,inf\n", "not a finite number, value 'inf'"},
        {"code,urban_share\n120114,0.5\n", "no row for district '120101' (和平区)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path =
            lcmt_write(lcmt_tmp("cov_bad.csv"), cases[i].text, strlen(cases[i].text));
        char p[4200], *out = NULL, *err = NULL;
        snprintf(p, sizeof p, "%s", path);
        CU_ASSERT(run_sa("participated", "REML", "--covariates", p, &out, &err) == 1);
        LCMT_ASSERT_HAS(err, cases[i].msg);
        CU_ASSERT(out == NULL || out[0] == '\0');
        free(out), free(err);
    }
}

/* A copy of the demo households with a column 'same' (participated, but 1 for every household
 * of 120119 蓟州区, 30 households in 3 PSUs) and county 120116 recoded to 'county' (a code the
 * reference does not know), imported as dataset NAME. */
static void variant_dataset(const char *name, const char *recode) {
    char *text = lcmt_slurp(lcmt_path("tests/fixtures/smallarea/demo_1200.csv"), NULL);
    CU_ASSERT_FATAL(text != NULL);
    size_t cap = strlen(text) * 2 + 64, len = 0;
    char *outb = malloc(cap), *save = NULL;
    CU_ASSERT_FATAL(outb != NULL);
    int first = 1;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (first) {
            len += (size_t)snprintf(outb + len, cap - len, "%s,same\n", line);
            first = 0;
            continue;
        }
        char county[16] = "", part[8] = "";
        CU_ASSERT_FATAL(
            sscanf(line, "%*[^,],%*[^,],%15[^,],%*[^,],%*[^,],%*[^,],%7[^,]", county, part) == 2);
        const char *same = !strcmp(county, "120119") ? "1" : part;
        char *c = strstr(line, county);
        if (recode && !strcmp(county, "120116")) /* ",120116," -> ",RECODE," */
            len += (size_t)snprintf(outb + len, cap - len, "%.*s%s%s,%s\n", (int)(c - line), line,
                                    recode, c + 6, same);
        else
            len += (size_t)snprintf(outb + len, cap - len, "%s,%s\n", line, same);
    }
    char file[64];
    snprintf(file, sizeof file, "%s.csv", name);
    char p[4200];
    snprintf(p, sizeof p, "%s", lcmt_write(lcmt_tmp(file), outb, len));
    demo_db();
    const char *imp[] = {"import", "dataset", dbpath, p, "--name", name, NULL};
    const char *des[] = {"design", "set", dbpath,     "--dataset",     name, "--strata", "stratum",
                         "--psu",  "psu", "--weight", "design_weight", NULL};
    CU_ASSERT_FATAL(lcmt_run(imp, NULL, NULL, NULL) == 0);
    CU_ASSERT_FATAL(lcmt_run(des, NULL, NULL, NULL) == 0);
    free(text), free(outb);
}

/* A district in 3 PSUs where every answer is the same: its design variance is 0, so it
 * cannot enter the fit (gamma would be 1); it gets the synthetic estimate. The other
 * districts are the 4 left of the fit. */
static void test_cli_zero_variance_district(void) {
    variant_dataset("same", NULL);
    char *out = NULL, *err = NULL;
    const char *args[] = {"smallarea", dbpath, "--dataset", "same", "--wave", "2025",
                          "--var",     "same", "--city",    "1200", "--csv",  NULL};
    CU_ASSERT_FATAL(lcmt_run(args, NULL, &out, &err) == 0);
    LCMT_ASSERT_HAS(out, "120119,蓟州区,30,3,1,0,");
    LCMT_ASSERT_HAS(out, ",0,no_variance\n");
    /* the 4 fitted districts keep their own direct estimates (lines of 120114..120117) */
    CU_ASSERT(lcmt_count_lines(out) == 17);
    free(out), free(err);
    const char *table[] = {"smallarea", dbpath, "--dataset", "same", "--wave", "2025",
                           "--var",     "same", "--city",    "1200", NULL};
    CU_ASSERT_FATAL(lcmt_run(table, NULL, &out, &err) == 0);
    LCMT_ASSERT_HAS(out, "合成估计：直接估计方差为0");
    LCMT_ASSERT_HAS(out, "16 个区县中 4 个参与拟合");
    free(out), free(err);
}

/* A district code the reference does not know: an error naming it, unless a covariate file
 * gives its covariates; too few usable districts for the covariates: an error saying so. */
static void test_cli_unknown_district_and_too_few(void) {
    variant_dataset("recoded", "129999");
    char *out = NULL, *err = NULL;
    const char *args[] = {"smallarea", dbpath,         "--dataset", "recoded", "--wave", "2025",
                          "--var",     "participated", "--city",    "1200",    NULL};
    CU_ASSERT(lcmt_run(args, NULL, &out, &err) == 1);
    LCMT_ASSERT_HAS(err, "district '129999' of the sample is not a county of city '1200' in "
                         "the reference data");
    free(out), free(err);
    const char *wide = "code,a,b,c,d,e\n120114,1,2,3,4,5\n120115,2,1,3,4,6\n120116,3,3,1,4,7\n"
                       "120117,4,2,2,1,8\n120119,5,1,1,2,1\n120101,1,1,1,1,1\n"
                       "120104,1,1,1,1,1\n120106,1,1,1,1,1\n120112,1,1,1,1,1\n"
                       "120118,1,1,1,1,1\n";
    char p[4200];
    snprintf(p, sizeof p, "%s", lcmt_write(lcmt_tmp("cov_wide.csv"), wide, strlen(wide)));
    CU_ASSERT(run_sa("participated", "REML", "--covariates", p, &out, &err) == 1);
    LCMT_ASSERT_HAS(err, "5 districts of city '1200' have a usable direct estimate "
                         "(respondents in 2 or more PSUs): the model with 6 coefficients needs "
                         "at least 7");
    free(out), free(err);
}

/* Usage errors exit 2; the help text documents the command. */
static void test_cli_usage_and_help(void) {
    char *out = NULL, *err = NULL;
    demo_db();
    const char *nocity[] = {"smallarea", dbpath,  "--dataset",    "demo", "--wave",
                            "2025",      "--var", "participated", NULL};
    CU_ASSERT(lcmt_run(nocity, NULL, &out, &err) == 2);
    LCMT_ASSERT_HAS(err, "--var, --city and --wave are required");
    free(out), free(err);
    const char *badm[] = {"smallarea", dbpath,         "--dataset", "demo", "--wave",   "2025",
                          "--var",     "participated", "--city",    "1200", "--method", "FH",
                          NULL};
    CU_ASSERT(lcmt_run(badm, NULL, &out, &err) == 2);
    LCMT_ASSERT_HAS(err, "bad value for --method: 'FH'");
    free(out), free(err);
    const char *json[] = {"smallarea", dbpath,         "--dataset", "demo", "--wave",   "2025",
                          "--var",     "participated", "--city",    "1200", "--format", "json",
                          NULL};
    CU_ASSERT(lcmt_run(json, NULL, &out, &err) == 0);
    LCMT_ASSERT_HAS(out, "{\"code\": \"120102\", \"district\": \"河东区\", \"n\": 0, "
                         "\"npsu\": 0, \"direct\": null, \"se\": null, ");
    free(out), free(err);
    const char *help[] = {"help", "smallarea", NULL};
    CU_ASSERT(lcmt_run(help, NULL, &out, &err) == 0);
    LCMT_ASSERT_HAS(out, "Fay-Herriot");
    LCMT_ASSERT_HAS(out, "--covariates FILE");
    free(out), free(err);
}

const lcmt_case lcmt_smallarea_cases[] = {
    {"reml_small_matches_r", test_reml_small_matches_r},
    {"ml_small_matches_r", test_ml_small_matches_r},
    {"reml_at_zero", test_reml_at_zero},
    {"bad_input", test_bad_input},
    {"cli_demo_matches_r", test_cli_demo_matches_r},
    {"cli_one_psu_district_is_synthetic", test_cli_one_psu_district_is_synthetic},
    {"cli_covariates_file", test_cli_covariates_file},
    {"cli_covariates_errors", test_cli_covariates_errors},
    {"cli_zero_variance_district", test_cli_zero_variance_district},
    {"cli_unknown_district_and_too_few", test_cli_unknown_district_and_too_few},
    {"cli_usage_and_help", test_cli_usage_and_help},
    {NULL, NULL},
};
