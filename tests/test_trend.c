/*
 * test_trend.c - analysis/trend.c against hand computations and base R
 * (tests/r/composite_reference.R; the output line is named next to each constant).
 */
#include "testing.h"
#include "trend.h"

#include <math.h>

static const double T5[] = {2019, 2020, 2021, 2022, 2023};
static const double Y5[] = {10, 12, 11, 15, 16};

static void trend__yoy_points_and_percent(void) {
    double d, r;
    lcm_trend_yoy(40, 45, &d, &r); /* a rate from 40% to 45%: +5 points, +12.5% */
    LCMT_ASSERT_REL(d, 5, 1e-12);
    LCMT_ASSERT_REL(r, 12.5, 1e-12);
    lcm_trend_yoy(0, 3, &d, &r);
    CU_ASSERT(isnan(r));
}

static void trend__cagr(void) {
    /* (16/10)^(1/4) - 1, R "cagr" */
    LCMT_ASSERT_REL(lcm_trend_cagr(T5, Y5, 5), 0.124682650381, 1e-9);
    /* first and last by year, not by position, and missing values skipped */
    double t[] = {2023, 2019, 2021}, y[] = {16, 10, NAN};
    LCMT_ASSERT_REL(lcm_trend_cagr(t, y, 3), 0.124682650381, 1e-9);
    CU_ASSERT(isnan(lcm_trend_cagr(T5, (double[]){0, 1, 2, 3, 4}, 5)));
}

static void trend__ols_matches_lm(void) {
    lcm_trend_ols f;
    CU_ASSERT_EQUAL_FATAL(lcm_trend_ols_fit(T5, Y5, 5, &f), LCM_OK);
    /* R: summary(lm(v ~ t)), line "ols slope se t p" */
    LCMT_ASSERT_REL(f.slope, 1.5, 1e-12);
    LCMT_ASSERT_REL(f.se, 0.37859388972, 1e-9);
    LCMT_ASSERT_REL(f.t, 3.96202907847, 1e-9);
    LCMT_ASSERT_REL(f.p, 0.0287156084068, 1e-8);
    LCMT_ASSERT_REL(f.intercept, -3018.7, 1e-9);
    CU_ASSERT_EQUAL(lcm_trend_ols_fit(T5, Y5, 2, &f), LCM_INVAL);
}

static void trend__ols_perfect_line(void) {
    lcm_trend_ols f;
    CU_ASSERT_EQUAL(lcm_trend_ols_fit(T5, (double[]){1, 3, 5, 7, 9}, 5, &f), LCM_OK);
    LCMT_ASSERT_REL(f.slope, 2, 1e-12);
    CU_ASSERT_EQUAL(f.se, 0);
    CU_ASSERT_EQUAL(f.p, 0);
}

static void trend__mann_kendall_and_sen(void) {
    lcm_trend_mk mk;
    CU_ASSERT_EQUAL_FATAL(lcm_trend_mann_kendall(T5, Y5, 5, &mk), LCM_OK);
    /* Pairs: 9 increases, 1 decrease (12 -> 11): S = 8; Var = 5*4*15/18 = 16.667;
     * Z = (8 - 1)/sqrt(16.667) = 1.7146; slopes sorted -1, .5, 1, 4/3, 1.5, 1.5, 5/3, 2,
     * 2.5, 4: Sen = 1.5. R line "mk". */
    LCMT_ASSERT_REL(mk.s, 8, 1e-12);
    LCMT_ASSERT_REL(mk.var_s, 16.6666666667, 1e-9);
    LCMT_ASSERT_REL(mk.z, 1.71464281995, 1e-9);
    LCMT_ASSERT_REL(mk.p, 0.0864107329737, 1e-8);
    LCMT_ASSERT_REL(mk.sen, 1.5, 1e-12);
}

static void trend__mann_kendall_ties(void) {
    lcm_trend_mk mk;
    double t[] = {4, 3, 2, 1}, y[] = {3, 2, 2, 1}; /* unsorted years on purpose */
    CU_ASSERT_EQUAL_FATAL(lcm_trend_mann_kendall(t, y, 4, &mk), LCM_OK);
    /* S = 5; Var = (4*3*13 - 2*1*9)/18 = 7.667 (one pair of ties); R line "mk ties" */
    LCMT_ASSERT_REL(mk.s, 5, 1e-12);
    LCMT_ASSERT_REL(mk.var_s, 7.66666666667, 1e-9);
    /* Z = (S - 1)/sqrt(Var) = 4/sqrt(7.667) = 1.44463023703 (Kendall 1975 with the ties
     * correction as in Hirsch et al. 1982; R line "mk ties") */
    LCMT_ASSERT_REL(mk.z, 1.4446302370292303, 1e-12);
    LCMT_ASSERT_REL(mk.p, 0.148561774892, 1e-8);
    LCMT_ASSERT_REL(mk.sen, 0.583333333333, 1e-9);
    CU_ASSERT_EQUAL(lcm_trend_mann_kendall(t, y, 3, &mk), LCM_INVAL);
    double dup[] = {1, 1, 2, 3};
    CU_ASSERT_EQUAL(lcm_trend_mann_kendall(dup, y, 4, &mk), LCM_INVAL);
}

static void trend__wave_change_se(void) {
    lcm_trend_change c;
    lcm_trend_wave_change(60, 3, 66, 4, &c);
    /* se = sqrt(9 + 16) = 5, z = 1.2; R line "wave" */
    LCMT_ASSERT_REL(c.diff, 6, 1e-12);
    LCMT_ASSERT_REL(c.se, 5, 1e-12);
    LCMT_ASSERT_REL(c.p, 0.230139340443, 1e-9);
    LCMT_ASSERT_REL(c.lo, -3.7998199227, 1e-9);
    LCMT_ASSERT_REL(c.hi, 15.7998199227, 1e-9);
}

const lcmt_case lcmt_trend_cases[] = {
    {"trend__yoy_points_and_percent", trend__yoy_points_and_percent},
    {"trend__cagr", trend__cagr},
    {"trend__ols_matches_lm", trend__ols_matches_lm},
    {"trend__ols_perfect_line", trend__ols_perfect_line},
    {"trend__mann_kendall_and_sen", trend__mann_kendall_and_sen},
    {"trend__mann_kendall_ties", trend__mann_kendall_ties},
    {"trend__wave_change_se", trend__wave_change_se},
    {NULL, NULL},
};
