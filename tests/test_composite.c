/*
 * test_composite.c - analysis/composite*.c and analysis/reliability.c on small hand-made
 * cases. Reference numbers are worked by hand in the comments or come from base R
 * (tests/r/composite_reference.R, whose output line is named next to each constant).
 */
#include "composite.h"
#include "reliability.h"
#include "testing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NA NAN

static void check_column(const double *got, const double *want, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (isnan(want[i])) {
            CU_ASSERT(isnan(got[i]));
        } else {
            LCMT_ASSERT_REL(got[i], want[i], 1e-9);
        }
    }
}

static void normalise(const double *x, size_t n, lcm_ci_normspec spec, double *out) {
    CU_ASSERT_EQUAL_FATAL(lcm_ci_normalise(x, n, &spec, out, NULL, 0), LCM_OK);
}

/* x = 2, 4, NA, 10, 6: min 2, max 10. */
static const double X5[] = {2, 4, NA, 10, 6};

static void normalise__minmax_both_directions(void) {
    double out[5];
    normalise(X5, 5, (lcm_ci_normspec){LCM_CI_MINMAX, 0, 0, 0, NA, 0}, out);
    check_column(out, (double[]){0, 25, NA, 100, 50}, 5); /* (x-2)/8*100 */
    normalise(X5, 5, (lcm_ci_normspec){LCM_CI_MINMAX, 1, 0, 0, NA, 0}, out);
    check_column(out, (double[]){100, 75, NA, 0, 50}, 5); /* (10-x)/8*100 */
}

static void normalise__zscore_matches_r_scale(void) {
    double out[5];
    normalise(X5, 5, (lcm_ci_normspec){LCM_CI_ZSCORE, 0, 0, 0, NA, 0}, out);
    /* composite_reference.R line "zscore" */
    check_column(out, (double[]){-1.0246950766, -0.439155032827, NA, 1.31746509848, 0.146385010942},
                 5);
}

static void normalise__goalposts_truncate(void) {
    double out[5];
    /* L = 0, U = 8: x/8*100, 10 -> 125 truncated to 100. */
    normalise(X5, 5, (lcm_ci_normspec){LCM_CI_GOALPOSTS, 0, 0, 8, NA, 0}, out);
    check_column(out, (double[]){25, 50, NA, 100, 75}, 5);
    lcm_ci_normspec bad = {LCM_CI_GOALPOSTS, 0, 5, 5, NA, 0};
    char msg[128] = "";
    CU_ASSERT_EQUAL(lcm_ci_normalise(X5, 5, &bad, out, msg, sizeof msg), LCM_INVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "L < U"));
}

static void normalise__target_capped_and_default_p90(void) {
    double out[5];
    /* target 8: (x-2)/(8-2)*100 capped at 100. */
    normalise(X5, 5, (lcm_ci_normspec){LCM_CI_TARGET, 0, 0, 0, 8, 0}, out);
    check_column(out, (double[]){0, 100.0 / 3, NA, 100, 200.0 / 3}, 5);
    /* default target: 90th percentile 8.8 (composite_reference.R "p90"); 4 -> 2/6.8*100. */
    normalise(X5, 5, (lcm_ci_normspec){LCM_CI_TARGET, 0, 0, 0, NA, 0}, out);
    check_column(out, (double[]){0, 200 / 6.8, NA, 100, 400 / 6.8}, 5);
}

static void normalise__rank_averages_ties(void) {
    double out[5];
    normalise(X5, 5, (lcm_ci_normspec){LCM_CI_RANK, 0, 0, 0, NA, 0}, out);
    check_column(out, (double[]){0, 100.0 / 3, NA, 100, 200.0 / 3}, 5); /* ranks 1 2 - 4 3 */
    /* 1 2 2 3: average ranks 1, 2.5, 2.5, 4 -> (r-1)/3*100. */
    normalise((double[]){1, 2, 2, 3}, 4, (lcm_ci_normspec){LCM_CI_RANK, 0, 0, 0, NA, 0}, out);
    check_column(out, (double[]){0, 50, 50, 100}, 4);
}

/* A flat column (every present value equal) gets the score docs/scores.md gives it, never a
 * silent 50: under min-max, z-scores, rank and the default target it says nothing about any
 * unit and comes out NaN (left out of the aggregation); goalposts and a met explicit target
 * still score it. */
static void normalise__flat_column_documented_rule(void) {
    double out[3], x[] = {1, 1, NA};
    for (int m = 0; m < LCM_CI_NNORM; m++) {
        if (m == LCM_CI_GOALPOSTS)
            continue;
        normalise(x, 3, (lcm_ci_normspec){(lcm_ci_norm)m, 0, 0, 0, NA, 0}, out);
        CU_ASSERT(isnan(out[0]) && isnan(out[1]) && isnan(out[2]));
    }
    CU_ASSERT(lcm_ci_no_spread(x, 3));
    CU_ASSERT(!lcm_ci_no_spread((double[]){1, 2, NA}, 3));
    CU_ASSERT(!lcm_ci_no_spread((double[]){NA, NA}, 2));
    /* goalposts 0-4: (1 - 0)/4 = 25 */
    normalise(x, 3, (lcm_ci_normspec){LCM_CI_GOALPOSTS, 0, 0, 4, NA, 0}, out);
    check_column(out, (double[]){25, 25, NA}, 3);
    /* an explicit target of 1 is met: 100; a target of 2 is not: nothing to say */
    normalise(x, 3, (lcm_ci_normspec){LCM_CI_TARGET, 0, 0, 0, 1, 0}, out);
    check_column(out, (double[]){100, 100, NA}, 3);
    normalise(x, 3, (lcm_ci_normspec){LCM_CI_TARGET, 0, 0, 0, 2, 0}, out);
    CU_ASSERT(isnan(out[0]));
}

/* Issue 12 item 2: a yes/no column is on its 0/1 scale, 是 = 100 and 否 = 0 under min-max,
 * goalposts, target and rank alike, whether or not any unit answered 否; under z-scores it is
 * standardised like every other column (mean 0.75, sd 0.5 by hand: 1 -> 0.5, 0 -> -1.5). */
static void normalise__yesno_is_100_or_0(void) {
    double mixed[] = {1, 0, 1, 1, NA}, ones[] = {1, 1, 1}, zeros[] = {0, 0}, out[5];
    for (int m = 0; m < LCM_CI_NNORM; m++) {
        if (m == LCM_CI_ZSCORE)
            continue;
        lcm_ci_normspec spec = {(lcm_ci_norm)m, 0, 0, 1, NA, 1};
        normalise(mixed, 5, spec, out);
        check_column(out, (double[]){100, 0, 100, 100, NA}, 5);
        normalise(ones, 3, spec, out);
        check_column(out, (double[]){100, 100, 100}, 3);
        normalise(zeros, 2, spec, out);
        check_column(out, (double[]){0, 0}, 2);
        spec.lower_better = 1; /* a yes/no where 否 is good */
        normalise(mixed, 5, spec, out);
        check_column(out, (double[]){0, 100, 0, 0, NA}, 5);
    }
    normalise(mixed, 5, (lcm_ci_normspec){LCM_CI_ZSCORE, 0, 0, 1, NA, 1}, out);
    check_column(out, (double[]){0.5, -1.5, 0.5, 0.5, NA}, 5);
}

static void normalise__band_inside_is_full_score(void) {
    /* Band 1.5-2.5: distances 0.5, 0, 0, 0, 1.0, then min-max of a lower-is-better. */
    double x[] = {1.0, 1.5, 2.0, 2.5, 3.5}, d[5], out[5];
    lcm_ci_band_distance(x, 5, 1.5, 2.5, d);
    check_column(d, (double[]){0.5, 0, 0, 0, 1.0}, 5);
    normalise(d, 5, (lcm_ci_normspec){LCM_CI_MINMAX, 1, 0, 0, NA, 0}, out);
    check_column(out, (double[]){50, 100, 100, 100, 0}, 5);
}

static void normalise__geom_rescale_is_positive(void) {
    double s[] = {0, 100, NA}, z[] = {-1, 0, 3};
    lcm_ci_geom_rescale(s, 3, LCM_CI_MINMAX);
    check_column(s, (double[]){1, 100, NA}, 3);
    lcm_ci_geom_rescale(z, 3, LCM_CI_ZSCORE); /* min-max onto [1, 100]: -1 -> 1, 0 -> 25.75 */
    check_column(z, (double[]){1, 25.75, 100}, 3);
}

static void treat__winsorises_one_point(void) {
    double y[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
    lcm_ci_treatment t;
    lcm_ci_treat(y, 10, LCM_CI_WINMAX, &t);
    /* composite_reference.R "skew_kurt y" and "after one winsorisation" */
    LCMT_ASSERT_REL(t.skew, 3.11889574524, 1e-9);
    LCMT_ASSERT_REL(t.kurt, 9.79924471616, 1e-9);
    CU_ASSERT_EQUAL(t.outlier, 1);
    CU_ASSERT_EQUAL(t.winsorised, 1);
    CU_ASSERT_EQUAL(t.logged, 0);
    CU_ASSERT_EQUAL(y[9], 9);
    LCMT_ASSERT_REL(t.skew2, -0.151463107083, 1e-9);
}

static void treat__falls_back_to_log(void) {
    double z[37];
    for (int i = 0; i < 30; i++)
        z[i] = i + 1;
    double tail[] = {1000, 2000, 4000, 8000, 16000, 32000, 64000};
    for (int i = 0; i < 7; i++)
        z[30 + i] = tail[i];
    lcm_ci_treatment t;
    lcm_ci_treat(z, 37, LCM_CI_WINMAX, &t);
    /* 64000 -> 32000 (1), 2 x 32000 -> 16000 (3), 3 x 16000 -> 8000 (6 >= 5): still
     * skew 2.33 / kurt 3.94 (R "heavy after 6 winsorised"), so the log of the original. */
    CU_ASSERT_EQUAL(t.logged, 1);
    CU_ASSERT_EQUAL(t.winsorised, 0);
    LCMT_ASSERT_REL(z[36], 11.0666383623, 1e-9); /* log(64000 - 1 + 1), R "heavy logged" */
    LCMT_ASSERT_REL(t.skew2, 1.51194157623, 1e-9);
    CU_ASSERT(z[0] == 0);
}

static void treat__leaves_normal_column_alone(void) {
    double y[] = {3, 1, 4, 1, 5, 9, 2, 6};
    lcm_ci_treatment t;
    lcm_ci_treat(y, 8, LCM_CI_WINMAX, &t);
    CU_ASSERT_EQUAL(t.outlier, 0);
    CU_ASSERT_EQUAL(y[5], 9);
}

/* root(0) -> A(1), B(2); A -> a1(3), a2(4), a3(5); B -> b1(6), b2(7). */
static const int PARENT[] = {-1, 0, 0, 1, 1, 1, 2, 2};

static lcm_ci_tree *tree8(void) {
    lcm_ci_tree *t = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_ci_tree_new(8, PARENT, &t, NULL, 0), LCM_OK);
    return t;
}

static void tree__rejects_child_before_parent(void) {
    lcm_ci_tree *t = NULL;
    char msg[128] = "";
    CU_ASSERT_EQUAL(lcm_ci_tree_new(3, (int[]){-1, 2, 0}, &t, msg, sizeof msg), LCM_INVAL);
    CU_ASSERT_PTR_NULL(t);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "node 1"));
}

static void weights__equal_within_each_parent(void) {
    lcm_ci_tree *t = tree8();
    double w[8];
    lcm_ci_weights_equal(t, (int[]){1, 1, 1, 1, 1, 0, 1, 1}, w); /* a3 left out */
    check_column(w, (double[]){1, 0.5, 0.5, 0.5, 0.5, 0, 0.5, 0.5}, 8);
    lcm_ci_weights_equal(t, NULL, w);
    check_column(w + 3, (double[]){1.0 / 3, 1.0 / 3, 1.0 / 3}, 3);
    lcm_ci_tree_free(t);
}

static void weights__pca_matches_r_eigen(void) {
    /* composite_reference.R block "pca": two components kept (2.68, 1.20); the fourth
     * indicator loads on the second. */
    double x[] = {1, 2, 3, 4, 5, 6, 2, 1, 4, 3, 6, 5, 6, 5, 5, 2, 2, 1, 3, 1, 2, 1, 3, 2};
    double w[4], expl;
    CU_ASSERT_EQUAL_FATAL(lcm_ci_weights_pca(x, 6, 4, w, &expl, NULL, 0), LCM_OK);
    check_column(w, (double[]){0.265278365063, 0.235678986397, 0.236440796221, 0.262601852319}, 4);
    LCMT_ASSERT_REL(expl, 0.970414572245, 1e-9);
    double flat[] = {1, 2, 3, 5, 5, 5};
    char msg[128] = "";
    CU_ASSERT_EQUAL(lcm_ci_weights_pca(flat, 3, 2, w, NULL, msg, sizeof msg), LCM_NUMERIC);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "no spread"));
}

/* Three units; leaves a1 a2 a3 b1 b2 (columns 3..7), unit-major comments. */
static void fill_leaves(double *s) {
    static const double leaves[] = {/* a1 */ 40, 10, 80, /* a2 */ 60, NA, 20,
                                    /* a3 */ 80, NA, 20, /* b1 */ 50, 90, 30,
                                    /* b2 */ 50, 10, 70};
    for (int i = 0; i < 15; i++)
        s[9 + i] = leaves[i];
}

static void aggregate__arithmetic_with_threshold(void) {
    lcm_ci_tree *t = tree8();
    double w[8], s[24];
    lcm_ci_weights_equal(t, NULL, w);
    fill_leaves(s);
    CU_ASSERT_EQUAL(lcm_ci_aggregate(t, w, s, 3, LCM_CI_ARITH, LCM_CI_THRESHOLD, NULL, 0), LCM_OK);
    /* A: unit 0 (40+60+80)/3 = 60; unit 1 has 1 of 3 children < 2/3: missing; unit 2 40. */
    check_column(s + 3, (double[]){60, NA, 40}, 3);
    check_column(s + 6, (double[]){50, 50, 50}, 3); /* B */
    /* root: unit 1 has B only, 1 of 2 < 2/3: missing. */
    check_column(s, (double[]){55, NA, 45}, 3);
    /* A lower threshold lets unit 1 through with its one child re-weighted to 1. */
    fill_leaves(s);
    lcm_ci_aggregate(t, w, s, 3, LCM_CI_ARITH, 0.3, NULL, 0);
    check_column(s + 3, (double[]){60, 10, 40}, 3);
    check_column(s, (double[]){55, 30, 45}, 3);
    lcm_ci_tree_free(t);
}

static void aggregate__two_of_three_present_is_reweighted(void) {
    lcm_ci_tree *t = tree8();
    double w[8], s[24];
    lcm_ci_weights_equal(t, NULL, w);
    fill_leaves(s);
    s[4 * 3 + 1] = 30; /* unit 1 gets a2 = 30: 2 of 3 present, exactly the threshold */
    lcm_ci_aggregate(t, w, s, 3, LCM_CI_ARITH, LCM_CI_THRESHOLD, NULL, 0);
    LCMT_ASSERT_REL(s[3 + 1], 20, 1e-12); /* (10 + 30)/2 */
    lcm_ci_tree_free(t);
}

static void aggregate__geometric(void) {
    lcm_ci_tree *t = tree8();
    double w[8], s[24];
    lcm_ci_weights_equal(t, NULL, w);
    fill_leaves(s);
    lcm_ci_aggregate(t, w, s, 3, LCM_CI_GEOM, LCM_CI_THRESHOLD, NULL, 0);
    /* unit 0: A = (40*60*80)^(1/3) = 192000^(1/3); B = 50; root = sqrt(A * 50) */
    double a0 = cbrt(192000.0);
    LCMT_ASSERT_REL(s[3], a0, 1e-12);
    LCMT_ASSERT_REL(s[6 + 2], sqrt(30 * 70.0), 1e-12); /* unit 2's B */
    LCMT_ASSERT_REL(s[0], sqrt(a0 * 50), 1e-12);
    lcm_ci_tree_free(t);
}

static void aggregate__copeland_counts_pairwise_wins(void) {
    /* One parent over three children, four units, equal weights:
     *   u0 = 3 3 3, u1 = 1 1 9, u2 = 2 2 2, u3 = 3 3 3 (same as u0).
     * u0 vs u1: u0 wins 2 of 3 -> win; u0 vs u2: win; u0 vs u3: all ties -> draw.
     * u1 vs u2: u1 higher on 1 of 3 -> loss; u1 vs u3: loss. u2 vs u3: loss.
     * Wins - losses: u0 +2, u1 -3, u2 +1 - 2 = -1, u3 +2.
     * Scaled (c + 3)/6*100: 83.33, 0, 33.33, 83.33. */
    lcm_ci_tree *t = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_ci_tree_new(4, (int[]){-1, 0, 0, 0}, &t, NULL, 0), LCM_OK);
    double w[4], s[] = {0, 0, 0, 0, 3, 1, 2, 3, 3, 1, 2, 3, 3, 9, 2, 3};
    lcm_ci_weights_equal(t, NULL, w);
    CU_ASSERT_EQUAL(lcm_ci_aggregate(t, w, s, 4, LCM_CI_COPELAND, LCM_CI_THRESHOLD, NULL, 0),
                    LCM_OK);
    check_column(s, (double[]){500.0 / 6, 0, 200.0 / 6, 500.0 / 6}, 4);
    lcm_ci_tree_free(t);
}

static void rank__competition_ties_and_groups(void) {
    double sc[] = {50, 70, 70, NA, 10, 60};
    int r[6];
    CU_ASSERT_EQUAL(lcm_ci_rank(sc, 6, NULL, r), LCM_OK);
    int want[] = {4, 1, 1, 0, 5, 3}; /* "1224" competition ranking, NaN unranked */
    for (int i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(r[i], want[i]);
    int g[] = {1, 2, 1, 1, 2, 2};
    lcm_ci_rank(sc, 6, g, r);
    int wantg[] = {2, 1, 1, 0, 3, 2}; /* group 1: 70, 50; group 2: 70, 60, 10 */
    for (int i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(r[i], wantg[i]);
}

static void rank__flipping_direction_reverses_order(void) {
    double x[] = {3, 7, 1, 9, 5}, out[5];
    int up[5], down[5];
    normalise(x, 5, (lcm_ci_normspec){LCM_CI_MINMAX, 0, 0, 0, NA, 0}, out);
    lcm_ci_rank(out, 5, NULL, up);
    normalise(x, 5, (lcm_ci_normspec){LCM_CI_MINMAX, 1, 0, 0, NA, 0}, out);
    lcm_ci_rank(out, 5, NULL, down);
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(up[i] + down[i], 6);
}

/* A 6-unit model on the 8-node tree, units 2 and 5 identical. */
typedef struct small_model {
    lcm_ci_tree *t;
    double raw[48], w[8];
    lcm_ci_normspec spec[8];
    lcm_ci_model m;
} small_model;

static void small_model_init(small_model *sm) {
    static const double leaves[5][6] = {{10, 40, 25, 90, 60, 25},
                                        {5, 30, 20, 80, 70, 20},
                                        {8, 35, 30, 70, 50, 30},
                                        {1, 4, 3, 8, 6, 3},
                                        {2, 5, 4, 9, 1, 4}};
    sm->t = tree8();
    for (int j = 0; j < 5; j++)
        for (int u = 0; u < 6; u++)
            sm->raw[(j + 3) * 6 + u] = leaves[j][u];
    lcm_ci_weights_equal(sm->t, NULL, sm->w);
    for (int i = 0; i < 8; i++)
        sm->spec[i] = (lcm_ci_normspec){LCM_CI_MINMAX, 0, 0, 100, NA, 0};
    sm->m =
        (lcm_ci_model){.tree = sm->t, .n = 6, .raw = sm->raw, .spec = sm->spec, .weight = sm->w};
}

/* Issue 12 item 2: 32 cities answered 是 and 4 否 (3.1.2 of the demo): skewness -2.8 and
 * kurtosis 6.3 make it "outlying", and winsorising the 否 used to turn the column into 36 是.
 * A two-valued column is never treated; a three-valued one stops while two values are left. */
static void treat__two_valued_column_untouched(void) {
    double x[36], keep[36];
    for (int i = 0; i < 36; i++)
        x[i] = keep[i] = i < 4 ? 0 : 1;
    lcm_ci_treatment t;
    lcm_ci_treat(x, 36, LCM_CI_WINMAX, &t);
    CU_ASSERT_EQUAL(t.outlier, 1);
    CU_ASSERT_EQUAL(t.winsorised, 0);
    CU_ASSERT_EQUAL(t.logged, 0);
    CU_ASSERT_EQUAL(memcmp(x, keep, sizeof x), 0);
    double y[40]; /* 37 ones, 2 twos, one 30: at most the 30 goes, the column keeps 1 and 2 */
    for (int i = 0; i < 40; i++)
        y[i] = i < 37 ? 1 : i < 39 ? 2 : 30;
    lcm_ci_treat(y, 40, LCM_CI_WINMAX, &t);
    CU_ASSERT(!lcm_ci_no_spread(y, 40));
}

/* The 8-node tree, 4 units. A: a1 varies, a2 is flat (7 everywhere), a3 is yes/no with every
 * unit 是; B: b1 varies, b2 flat. Min-max: a2 and b2 are left out (NaN, weight 0) so they
 * neither drag every unit's group down nor count against the 2/3 threshold (B keeps a score
 * though half its children are flat); a3 scores 100 for all. By hand, a1 = 0, 1, 2, 3 ->
 * 0, 33.33, 66.67, 100; A = (a1 + 100)/2; b1 = 4, 3, 2, 1 -> 100, 66.67, 33.33, 0 = B. */
static void compute__flat_leaf_left_out_yesno_scored(void) {
    lcm_ci_tree *t = tree8();
    double raw[32] = {0}, w[8], s[32];
    const double a1[] = {0, 1, 2, 3}, b1[] = {4, 3, 2, 1};
    for (int u = 0; u < 4; u++)
        raw[3 * 4 + u] = a1[u], raw[4 * 4 + u] = 7, raw[5 * 4 + u] = 1, raw[6 * 4 + u] = b1[u],
                    raw[7 * 4 + u] = 5;
    lcm_ci_weights_equal(t, NULL, w);
    lcm_ci_normspec spec[8];
    for (int i = 0; i < 8; i++)
        spec[i] = (lcm_ci_normspec){LCM_CI_MINMAX, 0, 0, 1, NA, i == 5};
    lcm_ci_model m = {.tree = t, .n = 4, .raw = raw, .spec = spec, .weight = w};
    lcm_ci_options o = {LCM_CI_MINMAX, LCM_CI_ARITH, LCM_CI_THRESHOLD, 1};
    lcm_ci_treatment tr[8];
    CU_ASSERT_EQUAL_FATAL(lcm_ci_compute(&m, &o, s, tr, NULL, 0), LCM_OK);
    CU_ASSERT_EQUAL(tr[3].constant, LCM_CI_VARIES);
    CU_ASSERT_EQUAL(tr[4].constant, LCM_CI_CONST_DROPPED);
    CU_ASSERT_EQUAL(tr[5].constant, LCM_CI_CONST_SCORED);
    CU_ASSERT_EQUAL(tr[7].constant, LCM_CI_CONST_DROPPED);
    for (int u = 0; u < 4; u++) {
        CU_ASSERT(isnan(s[4 * 4 + u]) && isnan(s[7 * 4 + u]));
        CU_ASSERT_EQUAL(s[5 * 4 + u], 100);
        LCMT_ASSERT_REL(s[1 * 4 + u], (a1[u] / 3 * 100 + 100) / 2, 1e-12);
        LCMT_ASSERT_REL(s[2 * 4 + u], (b1[u] - 1) / 3 * 100, 1e-12);
    }
    double eff[8];
    memcpy(eff, w, sizeof eff);
    lcm_ci_weights_drop(t, tr, eff);
    check_column(eff, (double[]){1, 0.5, 0.5, 0.5, 0, 0.5, 1, 0}, 8);
    lcm_ci_tree_free(t);
}

/* Issue 12 item 14: under the geometric mean the stored leaf scores are the plain normalised
 * ones (0-100, the same column as every other run's), not the 1-100 rescaled inputs of the
 * mean; the aggregates are still the geometric means of the rescaled leaves. */
static void compute__geometric_keeps_plain_leaf_scores(void) {
    small_model sm;
    small_model_init(&sm);
    lcm_ci_options ar = {LCM_CI_MINMAX, LCM_CI_ARITH, LCM_CI_THRESHOLD, 0}, ge = ar;
    ge.agg = LCM_CI_GEOM;
    double sa[48], sg[48];
    CU_ASSERT_EQUAL_FATAL(lcm_ci_compute(&sm.m, &ar, sa, NULL, NULL, 0), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_ci_compute(&sm.m, &ge, sg, NULL, NULL, 0), LCM_OK);
    CU_ASSERT_EQUAL(memcmp(sa + 3 * 6, sg + 3 * 6, 5 * 6 * sizeof(double)), 0);
    /* unit 0 is last on a1..a3 (0 after min-max): its group A is exp(mean(log 1)) = 1 */
    CU_ASSERT_EQUAL(sg[1 * 6 + 0], 1);
    lcm_ci_tree_free(sm.t);
}

static void montecarlo__identical_units_identical_intervals(void) {
    small_model sm;
    small_model_init(&sm);
    lcm_ci_options o = {LCM_CI_MINMAX, LCM_CI_ARITH, LCM_CI_THRESHOLD, 0};
    double s[48];
    int base[6], grp[] = {0, 0, 1, 1, 0, 1};
    CU_ASSERT_EQUAL_FATAL(lcm_ci_compute(&sm.m, &o, s, NULL, NULL, 0), LCM_OK);
    CU_ASSERT_EQUAL(s[2], s[5]);
    lcm_ci_rank(s, 6, NULL, base);
    CU_ASSERT_EQUAL(base[2], base[5]);
    lcm_ci_interval ov[6], gi[6];
    lcm_ci_mc_spec mc = {2000, 7, 0.25, 1, 1, {grp, NULL}};
    lcm_ci_mc_result res = {ov, {gi, NULL}, 0};
    CU_ASSERT_EQUAL_FATAL(lcm_ci_montecarlo(&sm.m, &o, &mc, base, &res, NULL, 0), LCM_OK);
    CU_ASSERT_EQUAL(ov[2].median, ov[5].median);
    CU_ASSERT_EQUAL(ov[2].p05, ov[5].p05);
    CU_ASSERT_EQUAL(ov[2].p95, ov[5].p95);
    /* unit 3 leads every leaf, so it stays first under every choice */
    CU_ASSERT_EQUAL(ov[3].p05, 1);
    CU_ASSERT_EQUAL(ov[3].p95, 1);
    CU_ASSERT(ov[0].p95 >= ov[0].median && ov[0].median >= ov[0].p05);
    CU_ASSERT(res.mean_shift >= 0);
    lcm_ci_tree_free(sm.t);
}

static void montecarlo__same_seed_same_intervals_no_noise_base_rank(void) {
    small_model sm;
    small_model_init(&sm);
    lcm_ci_options o = {LCM_CI_MINMAX, LCM_CI_ARITH, LCM_CI_THRESHOLD, 0};
    double s[48];
    int base[6];
    lcm_ci_compute(&sm.m, &o, s, NULL, NULL, 0);
    lcm_ci_rank(s, 6, NULL, base);
    lcm_ci_interval a[6], b[6];
    lcm_ci_mc_spec mc = {500, 42, 0.3, 1, 1, {NULL, NULL}};
    lcm_ci_mc_result ra = {a, {NULL, NULL}, 0}, rb = {b, {NULL, NULL}, 0};
    lcm_ci_montecarlo(&sm.m, &o, &mc, base, &ra, NULL, 0);
    lcm_ci_montecarlo(&sm.m, &o, &mc, base, &rb, NULL, 0);
    for (int i = 0; i < 6; i++)
        CU_ASSERT(a[i].median == b[i].median && a[i].p05 == b[i].p05 && a[i].p95 == b[i].p95);
    /* Nothing varied: every draw is the base run. */
    lcm_ci_mc_spec fixed = {50, 1, 0, 0, 0, {NULL, NULL}};
    lcm_ci_montecarlo(&sm.m, &o, &fixed, base, &ra, NULL, 0);
    for (int i = 0; i < 6; i++)
        CU_ASSERT(a[i].median == base[i] && a[i].p05 == base[i] && a[i].p95 == base[i]);
    CU_ASSERT_EQUAL(ra.mean_shift, 0);
    lcm_ci_tree_free(sm.t);
}

static void montecarlo__survey_noise_widens_intervals(void) {
    small_model sm;
    small_model_init(&sm);
    /* b2 (node 7) becomes a survey point of two components; units 0 and 1 are close on it
     * with big SEs, so their ranks must move once the survey is drawn. */
    double est[12], se[12];
    for (int u = 0; u < 6; u++) {
        est[u] = est[6 + u] = sm.raw[7 * 6 + u] * 10;
        se[u] = se[6 + u] = 30;
        sm.raw[7 * 6 + u] = est[u];
    }
    lcm_ci_noisy nz = {7, 2, est, se, 0, 100};
    sm.m.noisy = &nz, sm.m.nnoisy = 1;
    lcm_ci_options o = {LCM_CI_MINMAX, LCM_CI_ARITH, LCM_CI_THRESHOLD, 0};
    double s[48];
    int base[6];
    lcm_ci_compute(&sm.m, &o, s, NULL, NULL, 0);
    lcm_ci_rank(s, 6, NULL, base);
    lcm_ci_interval a[6];
    lcm_ci_mc_spec mc = {1000, 3, 0, 0, 0, {NULL, NULL}};
    lcm_ci_mc_result r = {a, {NULL, NULL}, 0};
    CU_ASSERT_EQUAL(lcm_ci_montecarlo(&sm.m, &o, &mc, base, &r, NULL, 0), LCM_OK);
    int wider = 0;
    for (int i = 0; i < 6; i++)
        wider += a[i].p95 > a[i].p05;
    CU_ASSERT(wider >= 2);
    CU_ASSERT(r.mean_shift > 0);
    lcm_ci_tree_free(sm.t);
}

static void audit__correlation_median_impute(void) {
    LCMT_ASSERT_REL(lcm_ci_correlation((double[]){1, 2, 3, NA}, (double[]){2, 4, 6, 1}, 4), 1,
                    1e-12);
    CU_ASSERT(isnan(lcm_ci_correlation((double[]){1, 1, 1}, (double[]){1, 2, 3}, 3)));
    double scratch[5];
    double x[] = {5, NA, 1, 3, 100};
    int g[] = {1, 1, 1, 2, 2};
    LCMT_ASSERT_REL(lcm_ci_group_median(x, g, 1, 5, scratch), 3, 1e-12); /* of 5, 1 */
    int imp[5] = {0};
    CU_ASSERT_EQUAL(lcm_ci_impute_column(x, 5, g, LCM_CI_IMPUTE_MEDIAN, imp), 1);
    LCMT_ASSERT_REL(x[1], 3, 1e-12);
    CU_ASSERT(imp[1] == 1 && imp[0] == 0);
}

static void reliability__alpha_matches_formula(void) {
    double a[] = {4, 5, 3, 2, 4, 5, 3, 5, 4, 2, 4, 4, 4, 4, 3, 1, 5, 5}, alpha;
    CU_ASSERT_EQUAL(lcm_rel_alpha(a, 6, 3, &alpha), LCM_OK);
    LCMT_ASSERT_REL(alpha, 0.900849858357, 1e-9); /* composite_reference.R "alpha" */
    CU_ASSERT_EQUAL(lcm_rel_alpha(a, 6, 1, &alpha), LCM_INVAL);
    CU_ASSERT_EQUAL(lcm_rel_alpha((double[]){1, 1, 2, 2}, 2, 2, &alpha), LCM_NUMERIC);
}

static void reliability__satisfaction_index_and_top2(void) {
    double x[] = {1, 2, 3, 4, 5, 5, NA}, idx, top2;
    CU_ASSERT_EQUAL(lcm_rel_satisfaction(x, NULL, 7, 5, &idx, &top2), LCM_OK);
    LCMT_ASSERT_REL(idx, (20.0 / 6 - 1) / 4 * 100, 1e-12); /* mean 3.333 -> 58.33 */
    LCMT_ASSERT_REL(top2, 50, 1e-12);                      /* 4, 5, 5 of 6 */
    double w[] = {3, 1, 1, 1, 1, 1, 1}; /* weighted mean (3+2+3+4+5+5)/8 = 22/8 */
    lcm_rel_satisfaction(x, w, 7, 5, &idx, &top2);
    LCMT_ASSERT_REL(idx, (22.0 / 8 - 1) / 4 * 100, 1e-12);
    LCMT_ASSERT_REL(top2, 3.0 / 8 * 100, 1e-12);
    CU_ASSERT_EQUAL(lcm_rel_satisfaction((double[]){6}, NULL, 1, 5, &idx, &top2), LCM_INVAL);
}

static void reliability__ipa_quadrants(void) {
    /* grand means: importance 0.5, performance 60 */
    double imp[] = {0.8, 0.8, 0.2, 0.2, NA}, perf[] = {40, 80, 40, 80, 50};
    int q[5];
    lcm_rel_ipa(imp, perf, 5, q);
    CU_ASSERT_EQUAL(q[0], LCM_IPA_CONCENTRATE);
    CU_ASSERT_EQUAL(q[1], LCM_IPA_KEEP_UP);
    CU_ASSERT_EQUAL(q[2], LCM_IPA_LOW_PRIORITY);
    CU_ASSERT_EQUAL(q[3], LCM_IPA_OVERKILL);
    CU_ASSERT_EQUAL(q[4], -1);
    double items[] = {1, 2, 3, 4, 4, 3, 2, 1}, y[] = {1, 2, 3, 4}, di[2];
    lcm_rel_derived_importance(items, y, 4, 2, di);
    LCMT_ASSERT_REL(di[0], 1, 1e-12);
    LCMT_ASSERT_REL(di[1], -1, 1e-12);
}

const lcmt_case lcmt_composite_cases[] = {
    {"normalise__minmax_both_directions", normalise__minmax_both_directions},
    {"normalise__zscore_matches_r_scale", normalise__zscore_matches_r_scale},
    {"normalise__goalposts_truncate", normalise__goalposts_truncate},
    {"normalise__target_capped_and_default_p90", normalise__target_capped_and_default_p90},
    {"normalise__rank_averages_ties", normalise__rank_averages_ties},
    {"normalise__flat_column_documented_rule", normalise__flat_column_documented_rule},
    {"normalise__yesno_is_100_or_0", normalise__yesno_is_100_or_0},
    {"treat__two_valued_column_untouched", treat__two_valued_column_untouched},
    {"compute__flat_leaf_left_out_yesno_scored", compute__flat_leaf_left_out_yesno_scored},
    {"compute__geometric_keeps_plain_leaf_scores", compute__geometric_keeps_plain_leaf_scores},
    {"normalise__band_inside_is_full_score", normalise__band_inside_is_full_score},
    {"normalise__geom_rescale_is_positive", normalise__geom_rescale_is_positive},
    {"treat__winsorises_one_point", treat__winsorises_one_point},
    {"treat__falls_back_to_log", treat__falls_back_to_log},
    {"treat__leaves_normal_column_alone", treat__leaves_normal_column_alone},
    {"tree__rejects_child_before_parent", tree__rejects_child_before_parent},
    {"weights__equal_within_each_parent", weights__equal_within_each_parent},
    {"weights__pca_matches_r_eigen", weights__pca_matches_r_eigen},
    {"aggregate__arithmetic_with_threshold", aggregate__arithmetic_with_threshold},
    {"aggregate__two_of_three_present_is_reweighted",
     aggregate__two_of_three_present_is_reweighted},
    {"aggregate__geometric", aggregate__geometric},
    {"aggregate__copeland_counts_pairwise_wins", aggregate__copeland_counts_pairwise_wins},
    {"rank__competition_ties_and_groups", rank__competition_ties_and_groups},
    {"rank__flipping_direction_reverses_order", rank__flipping_direction_reverses_order},
    {"montecarlo__identical_units_identical_intervals",
     montecarlo__identical_units_identical_intervals},
    {"montecarlo__same_seed_same_intervals_no_noise_base_rank",
     montecarlo__same_seed_same_intervals_no_noise_base_rank},
    {"montecarlo__survey_noise_widens_intervals", montecarlo__survey_noise_widens_intervals},
    {"audit__correlation_median_impute", audit__correlation_median_impute},
    {"reliability__alpha_matches_formula", reliability__alpha_matches_formula},
    {"reliability__satisfaction_index_and_top2", reliability__satisfaction_index_and_top2},
    {"reliability__ipa_quadrants", reliability__ipa_quadrants},
    {NULL, NULL},
};
