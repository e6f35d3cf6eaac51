/*
 * test_compare_cli.c - `lcmon compare` on the demo's household data against R:
 * tests/fixtures/compare/household.csv, made by tests/r/compare_reference.R from what
 * `lcmon export --format r` wrote for the database of tests/r/export_household.R's header
 * (built again here). Also: differences of differences across waves from the engine's own
 * per-wave contrasts, the contrast parser's errors, and city names in contrasts.
 */
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The simulated household database of the R scripts, made once for this file. */
static const char *household_db(void) {
    static char *db;
    if (!db)
        db = lcmt_household_db("compare_hh.db");
    return db;
}

/* The reference (case, what, i) of household.csv. */
static double hh_ref(const char *c, const char *what, int i) {
    static char *text;
    if (!text)
        text = lcmt_slurp(lcmt_path("tests/fixtures/compare/household.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char key[128];
    snprintf(key, sizeof key, "\n%s,%s,%d,-1,", c, what, i);
    const char *p = strstr(text, key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    return strtod(p + strlen(key), NULL);
}

/* Field k (0-based) of the csv line starting with "name," in out, as a number. */
static double field(const char *out, const char *name, int k) {
    char key[256];
    snprintf(key, sizeof key, "\n%s,", name);
    const char *p = out ? strstr(out, key) : NULL;
    if (!p) {
        fprintf(stderr, "\n  no row '%s' in:\n%s\n", name, out ? out : "(null)");
        CU_FAIL("row missing");
        return NAN;
    }
    p++;
    for (; k > 0 && p; k--) {
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    return p && *p != ',' && *p != '\n' ? strtod(p, NULL) : NAN;
}

static int close_to(double got, double want, double rel) {
    lcmt_note_rel(got, want);
    int ok = fabs(got - want) <= rel * fmax(fabs(got), fabs(want));
    if (!ok)
        fprintf(stderr, "\n  got %.17g, R %.17g\n", got, want);
    return ok;
}

static void compare_cli__contrasts_match_r_on_household_data(void) {
    const char *db = household_db();
    char *out = NULL;
    /* tests/r/compare_reference.R case hh_city: sat_overall, city 4301 - city 4451 */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"compare", db, "--form", "household", "--var", "sat_overall",
                                  "--by", "city", "--pairs", "4301,4451", "--format", "csv", NULL},
                 NULL, &out, NULL),
        0);
    LCMT_ASSERT_HAS(out, "contrast,wave,estimate,se,ci_low,ci_high,t,df,p_value,p_adjusted\n");
    CU_ASSERT(close_to(field(out, "4301 - 4451", 2), hh_ref("hh_city", "con_est", 0), 1e-10));
    CU_ASSERT(close_to(field(out, "4301 - 4451", 3), hh_ref("hh_city", "con_se", 0), 1e-8));
    CU_ASSERT_EQUAL(field(out, "4301 - 4451", 7), hh_ref("hh_city", "con_df", 0));
    CU_ASSERT(close_to(field(out, "4301 - 4451", 8), hh_ref("hh_city", "con_p", 0), 1e-8));
    free(out);
    /* case hh_age: participated, each age band - the first (16-29); Holm over the three */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"compare", db, "--form", "household", "--var", "participated",
                                  "--by", "age_band", "--contrast", "30-44 - 16-29", "--contrast",
                                  "45-59 - '16-29'", "--contrast", "1*'60+' - 1 * 16-29",
                                  "--format", "csv", NULL},
                 NULL, &out, NULL),
        0);
    const char *names[] = {"30-44 - 16-29", "45-59 - '16-29'", "1*'60+' - 1 * 16-29"};
    double p[3];
    for (int i = 0; i < 3; i++) {
        CU_ASSERT(close_to(field(out, names[i], 2), hh_ref("hh_age", "con_est", i), 1e-10));
        CU_ASSERT(close_to(field(out, names[i], 3), hh_ref("hh_age", "con_se", i), 1e-8));
        CU_ASSERT_EQUAL(field(out, names[i], 7), hh_ref("hh_age", "con_df", i));
        p[i] = hh_ref("hh_age", "con_p", i);
        CU_ASSERT(close_to(field(out, names[i], 8), p[i], 1e-8));
    }
    /* Holm on R's p-values, by hand: sorted p_(1) < p_(2) < p_(3) get 3p, max(.., 2p), .. */
    CU_ASSERT(p[2] < p[0] && p[0] < p[1]);
    double h2 = 3 * p[2], h0 = fmax(h2, 2 * p[0]), h1 = fmax(h0, fmin(1, p[1]));
    CU_ASSERT(close_to(field(out, names[2], 9), fmin(1, h2), 1e-8));
    CU_ASSERT(close_to(field(out, names[0], 9), fmin(1, h0), 1e-8));
    CU_ASSERT(close_to(field(out, names[1], 9), fmin(1, h1), 1e-8));
    free(out);
}

static void compare_cli__ttest_and_chisq_match_r(void) {
    const char *db = household_db();
    char *out = NULL;
    /* case hh_t_urban: svyttest(sat_index ~ urban), urban = residents' committee (rc) */
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"compare", db, "--form", "household", "--ttest",
                                              "sat_index", "--group", "community_type", "--groups",
                                              "vc,rc", "--format", "csv", NULL},
                             NULL, &out, NULL),
                    0);
    CU_ASSERT(close_to(field(out, "rc - vc", 3), hh_ref("hh_t_urban", "t_diff", -1), 1e-10));
    CU_ASSERT(close_to(field(out, "rc - vc", 7), hh_ref("hh_t_urban", "t_t", -1), 1e-8));
    CU_ASSERT_EQUAL(field(out, "rc - vc", 8), hh_ref("hh_t_urban", "t_df", -1));
    CU_ASSERT(close_to(field(out, "rc - vc", 9), hh_ref("hh_t_urban", "t_p", -1), 1e-8));
    CU_ASSERT(close_to(field(out, "rc - vc", 5), hh_ref("hh_t_urban", "t_lo", -1), 1e-8));
    CU_ASSERT(close_to(field(out, "rc - vc", 6), hh_ref("hh_t_urban", "t_hi", -1), 1e-8));
    free(out);
    /* case hh_x: svychisq(~age_band + participated) */
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"compare", db, "--form", "household", "--chisq",
                                              "age_band,participated", "--format", "csv", NULL},
                             NULL, &out, NULL),
                    0);
    CU_ASSERT(close_to(field(out, "F", 1), hh_ref("hh_x", "chisq_f", -1), 1e-8));
    CU_ASSERT(close_to(field(out, "F", 2), hh_ref("hh_x", "chisq_ndf", -1), 1e-8));
    CU_ASSERT(close_to(field(out, "F", 3), hh_ref("hh_x", "chisq_ddf", -1), 1e-8));
    CU_ASSERT(close_to(field(out, "F", 4), hh_ref("hh_x", "chisq_pf", -1), 1e-8));
    CU_ASSERT(close_to(field(out, "F", 5), hh_ref("hh_x", "chisq_x2", -1), 1e-8));
    CU_ASSERT(close_to(field(out, "Chisq", 4), hh_ref("hh_x", "chisq_pchisq", -1), 1e-8));
    free(out);
}

static void compare_cli__bad_contrasts_name_the_column(void) {
    const char *db = household_db();
    char *err = NULL;
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"compare", db, "--form", "household", "--var", "sat_overall",
                                  "--by", "city", "--contrast", "4301 - 9999", NULL},
                 NULL, NULL, &err),
        1);
    LCMT_ASSERT_HAS(err, "lcmon: contrast '4301 - 9999', column 8: '9999' is not a domain of "
                         "'city'");
    free(err);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"compare", db, "--form", "household", "--var", "sat_overall",
                                  "--by", "city", "--contrast", "4301 4451", NULL},
                 NULL, NULL, &err),
        1);
    LCMT_ASSERT_HAS(err, "column 6: expected + or - between terms");
    free(err);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"compare", db, "--form", "household", "--var", "sat_overall",
                                  "--by", "city", "--contrast", "'4301 - 4451", NULL},
                 NULL, NULL, &err),
        1);
    LCMT_ASSERT_HAS(err, "column 1: unclosed quote");
    free(err);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"compare", db, "--form", "household", "--var", "sat_overall",
                                  "--by", "city", "--contrast", "1e308*4301 + 1e308 * 4301", NULL},
                 NULL, NULL, &err),
        1);
    LCMT_ASSERT_HAS(err, "column 22: the coefficient of '4301' is too large");
    free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"compare", db, "--form", "household", "--var",
                                              "sat_overall", NULL},
                             NULL, NULL, &err),
                    2);
    LCMT_ASSERT_HAS(err, "--var needs --by");
    free(err);
}

static void compare_cli__difference_of_differences_across_waves(void) {
    char db[4096], *w[3] = {NULL, NULL, NULL};
    snprintf(db, sizeof db, "%s", lcmt_tmp("compare_waves.db"));
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"simulate", db, "--cities", "2", "--waves", "2024,2025",
                                  "--households", "20", "--seed", "11", NULL},
                 NULL, NULL, NULL),
        0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"design", "set", db, "--form", "household", "--strata", "stratum",
                                  "--psu", "psu", "--weight", "design_weight", NULL},
                 NULL, NULL, NULL),
        0);
    const char *wave[2] = {"2024", "2025"};
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(
            lcmt_run((const char *[]){"compare", db, "--form", "household", "--var", "participated",
                                      "--by", "community_type", "--contrast", "rc - vc", "--wave",
                                      wave[i], "--format", "csv", NULL},
                     NULL, &w[i], NULL),
            0);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"compare", db, "--form", "household", "--var", "participated",
                                  "--by", "community_type", "--contrast", "rc - vc", "--waves",
                                  "2024,2025", "--adjust", "none", "--format", "csv", NULL},
                 NULL, &w[2], NULL),
        0);
    /* each wave's row is that wave's own answer; the change is their difference, SE from
     * independent samples: sqrt(se1^2 + se2^2) */
    double e[2], s[2], df[2];
    for (int i = 0; i < 2; i++) {
        e[i] = field(w[i], "rc - vc", 2), s[i] = field(w[i], "rc - vc", 3);
        df[i] = field(w[i], "rc - vc", 7);
        char key[64];
        snprintf(key, sizeof key, "rc - vc,%s", wave[i]);
        CU_ASSERT(close_to(field(w[2], key, 2), e[i], 1e-15));
        CU_ASSERT(close_to(field(w[2], key, 3), s[i], 1e-15));
    }
    const char *chg = "rc - vc,change_2025_2024";
    CU_ASSERT(close_to(field(w[2], chg, 2), e[1] - e[0], 1e-12));
    CU_ASSERT(close_to(field(w[2], chg, 3), sqrt(s[0] * s[0] + s[1] * s[1]), 1e-12));
    double v0 = s[0] * s[0], v1 = s[1] * s[1];
    CU_ASSERT(close_to(field(w[2], chg, 7),
                       (v0 + v1) * (v0 + v1) / (v0 * v0 / df[0] + v1 * v1 / df[1]), 1e-6));
    CU_ASSERT(isfinite(e[0]) && isfinite(e[1]) && s[0] > 0 && s[1] > 0);
    free(w[0]), free(w[1]), free(w[2]);
}

static void compare_cli__city_names_in_contrasts(void) {
    const char *db = household_db();
    char *a = NULL, *b = NULL;
    /* 4301 is 长沙市, 4451 潮州市 in the reference data */
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"compare", db, "--form", "household", "--var",
                                              "sat_overall", "--by", "city", "--contrast",
                                              "长沙 - 潮州市", "--format", "csv", NULL},
                             NULL, &a, NULL),
                    0);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"compare", db, "--form", "household", "--var",
                                              "sat_overall", "--by", "city", "--contrast",
                                              "4301 - 4451", "--format", "csv", NULL},
                             NULL, &b, NULL),
                    0);
    CU_ASSERT(close_to(field(a, "长沙 - 潮州市", 3), field(b, "4301 - 4451", 3), 0));
    CU_ASSERT(close_to(field(a, "长沙 - 潮州市", 2), hh_ref("hh_city", "con_est", 0), 1e-10));
    free(a), free(b);
}

/* The covariance of the age bands' participation (R: compare_reference.R case hh_age,
 * influence values through svyrecvar): every pair, and correlation = cov / (se_i se_j). */
static void compare_cli__covariance_matches_r(void) {
    const char *db = household_db();
    static const char *const band[] = {"16-29", "30-44", "45-59", "60+"};
    char *out = NULL, *ref = lcmt_slurp(lcmt_path("tests/fixtures/compare/household.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"compare", db, "--form", "household", "--var", "participated",
                                  "--by", "age_band", "--cov", "--format", "csv", NULL},
                 NULL, &out, NULL),
        0);
    LCMT_ASSERT_HAS(out, "domain_1,domain_2,estimate_1,estimate_2,covariance,correlation\n");
    for (int i = 0; i < 4; i++)
        for (int j = i; j < 4; j++) {
            char key[64], rkey[64];
            snprintf(key, sizeof key, "%s,%s", band[i], band[j]);
            snprintf(rkey, sizeof rkey, "\nhh_age,cov,%d,%d,", i, j);
            const char *p = strstr(ref, rkey);
            CU_ASSERT_PTR_NOT_NULL_FATAL(p);
            double want = strtod(p + strlen(rkey), NULL);
            CU_ASSERT(close_to(field(out, key, 4), want, 1e-8));
            if (i == 0)
                CU_ASSERT(close_to(field(out, key, 3), hh_ref("hh_age", "est", j), 1e-10));
        }
    double r = field(out, "16-29,60+", 5), c = field(out, "16-29,60+", 4);
    CU_ASSERT(
        close_to(r, c / sqrt(field(out, "16-29,16-29", 4) * field(out, "60+,60+", 4)), 1e-12));
    free(out), free(ref);
}

const lcmt_case lcmt_compare_cli_cases[] = {
    {"compare_cli__contrasts_match_r_on_household_data",
     compare_cli__contrasts_match_r_on_household_data},
    {"compare_cli__ttest_and_chisq_match_r", compare_cli__ttest_and_chisq_match_r},
    {"compare_cli__covariance_matches_r", compare_cli__covariance_matches_r},
    {"compare_cli__bad_contrasts_name_the_column", compare_cli__bad_contrasts_name_the_column},
    {"compare_cli__difference_of_differences_across_waves",
     compare_cli__difference_of_differences_across_waves},
    {"compare_cli__city_names_in_contrasts", compare_cli__city_names_in_contrasts},
    {NULL, NULL},
};
