/*
 * test_raters.c - inter-rater agreement and reviewer severity (analysis/raters.c).
 *
 * Every reference number comes from tests/r/ratings_reference.R (psych::ICC with lmer = FALSE;
 * Krippendorff's alpha written from his 2011 formulas; lm() with sum-to-zero contrasts), stored
 * in tests/fixtures/ratings/reference.csv and compared to 1e-8.
 */
#include "raters.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value named key in tests/fixtures/ratings/reference.csv (written by
 * tests/r/ratings_reference.R); NaN when missing, which fails every comparison. */
static double ref(const char *key) {
    char *text = lcmt_slurp(lcmt_path("tests/fixtures/ratings/reference.csv"), NULL);
    double v = NAN;
    size_t kl = strlen(key);
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (strncmp(line, key, kl) == 0 && line[kl] == ',')
            v = strtod(line + kl + 1, NULL);
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    CU_ASSERT_FALSE(isnan(v));
    return v;
}

/* Shrout & Fleiss (1979) table 2, row-major 6 x 4, turned column-major. */
static const double sf_rows[6][4] = {{9, 2, 5, 8}, {6, 1, 3, 2},  {8, 4, 6, 8},
                                     {7, 1, 2, 6}, {10, 5, 6, 9}, {6, 2, 4, 7}};
/* Ten cities, three reviewers (0-100), city 4's second rating missing. */
static const double sc_rows[10][3] = {{95, 85, 85}, {75, 65, 75}, {85, 85, 95}, {55, NAN, 65},
                                      {65, 55, 65}, {88, 80, 84}, {72, 70, 61}, {91, 86, 95},
                                      {60, 52, 58}, {79, 71, 77}};

static void check_icc(const char *p, const double *x, size_t n, size_t k) {
    lcm_icc r;
    char key[32];
    CU_ASSERT_EQUAL_FATAL(lcm_raters_icc(x, n, k, 0.95, &r), LCM_OK);
#define CHK(field)                                                                                 \
    snprintf(key, sizeof key, "%s." #field, p);                                                    \
    LCMT_ASSERT_REL(r.field, ref(key), 1e-8)
    CHK(icc1);
    CHK(lo1);
    CHK(hi1);
    CHK(icck);
    CHK(lok);
    CHK(hik);
#undef CHK
    snprintf(key, sizeof key, "%s.n", p);
    CU_ASSERT_EQUAL(r.n, (size_t)ref(key));
}

static void raters__icc_matches_psych(void) {
    double x[24], y[30];
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 4; j++)
            x[j * 6 + i] = sf_rows[i][j];
    check_icc("sf", x, 6, 4);
    /* Shrout & Fleiss print ICC(2,1) = .29 for this table */
    for (size_t i = 0; i < 10; i++)
        for (size_t j = 0; j < 3; j++)
            y[j * 10 + i] = sc_rows[i][j];
    check_icc("sc", y, 10, 3); /* the row with a missing rating is dropped: n = 9 */
}

static void raters__icc_refuses_what_it_cannot_compute(void) {
    double flat[6] = {70, 70, 70, 70, 70, 70}, one[3] = {1, 2, 3};
    lcm_icc r;
    CU_ASSERT_EQUAL(lcm_raters_icc(flat, 3, 2, 0.95, &r), LCM_NUMERIC);
    CU_ASSERT_EQUAL(lcm_raters_icc(one, 1, 3, 0.95, &r), LCM_INVAL);
    CU_ASSERT_EQUAL(lcm_raters_icc(one, 3, 1, 0.95, &r), LCM_INVAL);
    CU_ASSERT(isnan(r.icc1));
}

/* Krippendorff (2011) section E: 4 observers x 12 units, unit-major here (0 = not rated). */
static const int kr_units[12][4] = {{1, 1, 0, 1}, {2, 2, 3, 2}, {3, 3, 3, 3}, {3, 3, 3, 3},
                                    {2, 2, 2, 2}, {1, 2, 3, 4}, {4, 4, 4, 4}, {1, 1, 2, 1},
                                    {2, 2, 2, 2}, {0, 5, 5, 5}, {0, 0, 1, 1}, {0, 3, 0, 0}};

static int level_of(double s) {
    return isnan(s) ? 0 : s >= 90 ? 1 : s >= 80 ? 2 : s >= 70 ? 3 : s >= 60 ? 4 : 5;
}

static void raters__kalpha_ordinal_matches_r(void) {
    double a;
    CU_ASSERT_EQUAL_FATAL(lcm_raters_kalpha(&kr_units[0][0], 12, 4, 5, &a), LCM_OK);
    LCMT_ASSERT_REL(a, ref("kr.alpha"), 1e-8); /* Krippendorff publishes 0.815 */
    CU_ASSERT(fabs(a - 0.815) < 0.0005);
    int lv[30];
    for (size_t i = 0; i < 10; i++)
        for (size_t j = 0; j < 3; j++)
            lv[i * 3 + j] = level_of(sc_rows[i][j]);
    CU_ASSERT_EQUAL_FATAL(lcm_raters_kalpha(lv, 10, 3, 5, &a), LCM_OK);
    LCMT_ASSERT_REL(a, ref("sc.alpha"), 1e-8);
}

static void raters__kalpha_ci_is_seeded_and_brackets(void) {
    double lo, hi, lo2, hi2, a;
    CU_ASSERT_EQUAL_FATAL(lcm_raters_kalpha(&kr_units[0][0], 12, 4, 5, &a), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_raters_kalpha_ci(&kr_units[0][0], 12, 4, 5, 500, 1, 0.95, &lo, &hi),
                          LCM_OK);
    CU_ASSERT_EQUAL(lcm_raters_kalpha_ci(&kr_units[0][0], 12, 4, 5, 500, 1, 0.95, &lo2, &hi2),
                    LCM_OK);
    CU_ASSERT_EQUAL(lo, lo2); /* same seed, same interval, bit for bit */
    CU_ASSERT_EQUAL(hi, hi2);
    CU_ASSERT(lo < a && a < hi && hi <= 1);
    CU_ASSERT_EQUAL(lcm_raters_kalpha_ci(&kr_units[0][0], 12, 4, 5, 500, 2, 0.95, &lo2, &hi2),
                    LCM_OK);
    CU_ASSERT(lo2 != lo || hi2 != hi); /* another seed, other resamples */
}

static void raters__kalpha_refuses_bad_values(void) {
    int v[4] = {1, 6, 2, 2}, same[4] = {3, 3, 3, 3}, lone[2] = {1, 0};
    double a;
    CU_ASSERT_EQUAL(lcm_raters_kalpha(v, 2, 2, 5, &a), LCM_INVAL);
    CU_ASSERT_EQUAL(lcm_raters_kalpha(same, 2, 2, 5, &a), LCM_NUMERIC);
    CU_ASSERT_EQUAL(lcm_raters_kalpha(lone, 1, 2, 5, &a), LCM_INVAL);
}

static void raters__severity_matches_lm(void) {
    static const size_t t[13] = {0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4};
    static const size_t r[13] = {0, 1, 2, 0, 1, 3, 1, 2, 0, 2, 3, 2, 3};
    static const double y[13] = {80, 72, 85, 66, 60, 70, 90, 96, 55, 61, 58, 75, 74};
    double b[5];
    CU_ASSERT_EQUAL_FATAL(lcm_raters_severity(t, r, y, 13, 5, 5, b), LCM_OK);
    LCMT_ASSERT_REL(b[0], ref("sv.b0"), 1e-8);
    LCMT_ASSERT_REL(b[1], ref("sv.b1"), 1e-8);
    LCMT_ASSERT_REL(b[2], ref("sv.b2"), 1e-8);
    LCMT_ASSERT_REL(b[3], ref("sv.b3"), 1e-8);
    CU_ASSERT(isnan(b[4])); /* reviewer 4 rated nothing */
}

static void raters__severity_needs_a_connected_design(void) {
    /* reviewers 0,1 rate targets 0,1; reviewers 2,3 rate targets 2,3: two islands */
    static const size_t t[8] = {0, 0, 1, 1, 2, 2, 3, 3}, r[8] = {0, 1, 0, 1, 2, 3, 2, 3};
    static const double y[8] = {70, 60, 80, 72, 90, 85, 60, 50};
    double b[4];
    CU_ASSERT_EQUAL(lcm_raters_severity(t, r, y, 8, 4, 4, b), LCM_INVAL);
    /* a severe reviewer 10 points below two others on every target */
    static const size_t t2[6] = {0, 0, 0, 1, 1, 1}, r2[6] = {0, 1, 2, 0, 1, 2};
    static const double y2[6] = {80, 80, 70, 60, 60, 50};
    CU_ASSERT_EQUAL_FATAL(lcm_raters_severity(t2, r2, y2, 6, 2, 3, b), LCM_OK);
    LCMT_ASSERT_REL(b[0], 10.0 / 3, 1e-12); /* hand-worked: effects 10/3, 10/3, -20/3 */
    LCMT_ASSERT_REL(b[2], -20.0 / 3, 1e-12);
}

const lcmt_case lcmt_raters_cases[] = {
    {"raters__icc_matches_psych", raters__icc_matches_psych},
    {"raters__icc_refuses_what_it_cannot_compute", raters__icc_refuses_what_it_cannot_compute},
    {"raters__kalpha_ordinal_matches_r", raters__kalpha_ordinal_matches_r},
    {"raters__kalpha_ci_is_seeded_and_brackets", raters__kalpha_ci_is_seeded_and_brackets},
    {"raters__kalpha_refuses_bad_values", raters__kalpha_refuses_bad_values},
    {"raters__severity_matches_lm", raters__severity_matches_lm},
    {"raters__severity_needs_a_connected_design", raters__severity_needs_a_connected_design},
    {NULL, NULL},
};
