/*
 * composite.h - composite indicators after the OECD/JRC Handbook on Constructing Composite
 * Indicators (2008), with COINr as the open reference (docs/methods.md §4): outlier treatment,
 * normalisation, weights (equal, given, PCA), aggregation up an indicator tree (weighted
 * arithmetic, geometric, Copeland) with a missing-data threshold, ranks, Monte Carlo rank
 * uncertainty, and the audit helpers (correlations, peer medians, imputation).
 *
 * Everything is arrays in, results out. A data matrix of n units (cities) by p columns is
 * stored column by column: x[j * n + i] is unit i on column j, NaN meaning missing. Nothing
 * here prints, reads files or keeps state between calls; functions that can fail on the data
 * take an optional message buffer (err, errlen; either may be NULL/0) receiving a lower-case
 * sentence, as analysis/svy.h does.
 */
#ifndef LCM_COMPOSITE_H
#define LCM_COMPOSITE_H

#include <stddef.h>

#include "status.h"

/* ---- outliers -------------------------------------------------------------------------- */

/* COINr's defaults: an indicator is outlying when |skewness| > 2 AND kurtosis > 3.5. */
#define LCM_CI_SKEW_MAX 2.0
#define LCM_CI_KURT_MAX 3.5
#define LCM_CI_WINMAX 5 /* at most this many points winsorised before falling back to log */

/* Sample skewness and excess kurtosis of the non-missing values, the bias-adjusted
 * estimators of Excel's SKEW/KURT and COINr (e1071 type 2). Both NaN when fewer than 4
 * values or no spread. */
void lcm_ci_skew_kurt(const double *x, size_t n, double *skew, double *kurt);

typedef struct lcm_ci_treatment {
    int outlier;         /* 1 when the column was outlying before treatment */
    int winsorised;      /* points winsorised (0 when untouched or log-transformed) */
    int logged;          /* 1 when winsorisation was not enough and log was applied */
    double skew, kurt;   /* before treatment */
    double skew2, kurt2; /* after treatment */
    int constant;        /* the column had no spread: an lcm_ci_constant value */
} lcm_ci_treatment;

/* What became of a column with no spread (every present value equal), docs/scores.md. */
enum lcm_ci_constant {
    LCM_CI_VARIES = 0,       /* the column has spread */
    LCM_CI_CONST_SCORED = 1, /* scored on a fixed scale: yes/no, goalposts, a met target */
    LCM_CI_CONST_DROPPED = 2 /* says nothing about any unit: NaN, left out of the aggregation */
};

/* 1 when x has at least one present value and all present values are equal. */
int lcm_ci_no_spread(const double *x, size_t n);

/* Treat one column in place as COINr's Treat() does: while outlying and fewer than winmax
 * points done, replace the most extreme value(s) on the side of the skew by the next value
 * inward; if still outlying after winmax points, restore the column and log-transform it
 * instead (log(x - min + 1), mirrored for negative skew), which keeps the order.
 * Winsorisation never erases a column: it stops while two distinct values are left, and a
 * column of fewer than three distinct values (a 0/1 column) is never treated, because its
 * skewness depends only on the shares of its values, which no order-keeping treatment
 * changes (res->outlier still tells whether it was outlying). */
void lcm_ci_treat(double *x, size_t n, int winmax, lcm_ci_treatment *res);

/* ---- normalisation --------------------------------------------------------------------- */

typedef enum lcm_ci_norm {
    LCM_CI_MINMAX,    /* (x - min)/(max - min) * 100 */
    LCM_CI_ZSCORE,    /* (x - mean)/sd, sd with n - 1 as R's scale() */
    LCM_CI_GOALPOSTS, /* (x - L)/(U - L) truncated to [0, 1], * 100: fixed bounds */
    LCM_CI_TARGET,    /* (x - min)/(target - min) capped at 1, * 100 */
    LCM_CI_RANK,      /* average rank (ties as R's rank()), scaled (r - 1)/(m - 1) * 100 */
    LCM_CI_NNORM
} lcm_ci_norm;

/* Name of a method ("minmax", "zscore", "goalposts", "target", "rank"); static string. */
const char *lcm_ci_norm_name(lcm_ci_norm m);
/* Method for a name, or -1. */
int lcm_ci_norm_parse(const char *name);

typedef struct lcm_ci_normspec {
    lcm_ci_norm method;
    int lower_better; /* 1: flip, so that the best value still scores highest */
    double lo, hi;    /* goalposts L < U (LCM_CI_GOALPOSTS) */
    double target;    /* LCM_CI_TARGET: the value that earns 100; NaN = the 90th percentile */
    int fixed;        /* 1: the values live on the fixed scale [lo, hi] (a yes/no point, 0/1):
                         scored (x - lo)/(hi - lo) * 100 (flipped when lower_better) under every
                         method but z-scores, and never outlier-treated */
} lcm_ci_normspec;

/* Normalise the n values of x into out (may alias x); NaN stays NaN. A column with no spread
 * (lcm_ci_no_spread) keeps a score only where a fixed scale gives it one: goalposts, a fixed
 * (yes/no) column, or an explicit target that the value meets (100). Under min-max, z-scores,
 * rank, or a target it does not meet (or the default target, its own 90th percentile) it
 * carries no information and every present value comes out NaN: lcm_ci_compute then leaves the
 * column out of the aggregation (docs/scores.md). LCM_INVAL for goalposts or a fixed scale
 * with L >= U. */
lcm_status lcm_ci_normalise(const double *x, size_t n, const lcm_ci_normspec *spec, double *out,
                            char *err, size_t errlen);

/* Distance outside a target band [lo, hi] (0 inside), a lower-is-better quantity: a band
 * indicator (training funds 1.5%-2.5% of payroll) is scored by normalising this distance, so
 * every value inside the band earns the full score under min-max, goalposts and target. */
void lcm_ci_band_distance(const double *x, size_t n, double lo, double hi, double *out);

/* Rescale a normalised column to [1, 100] for the geometric mean, which needs positive values:
 * bounded methods map [0, 100] linearly (1 + 0.99 s), z-scores are min-maxed onto [1, 100]. */
void lcm_ci_geom_rescale(double *x, size_t n, lcm_ci_norm method);

/* ---- indicator tree, weights, aggregation ---------------------------------------------- */

/* A tree of nnode nodes in an order where every parent comes before its children; the leaves
 * are the indicators, the root is the overall index. */
typedef struct lcm_ci_tree lcm_ci_tree;

/* Build a tree from parent[i] (index of the parent, -1 for a root). LCM_INVAL when a parent
 * index does not precede its child. *out is the caller's (lcm_ci_tree_free). */
lcm_status lcm_ci_tree_new(size_t nnode, const int *parent, lcm_ci_tree **out, char *err,
                           size_t errlen);
void lcm_ci_tree_free(lcm_ci_tree *t);
size_t lcm_ci_tree_nnode(const lcm_ci_tree *t);
/* Children of node i: *kids points into the tree (borrowed), the count is returned. */
size_t lcm_ci_tree_children(const lcm_ci_tree *t, size_t i, const int **kids);

/* Equal weights within every parent among the children with include[i] != 0 (NULL: all);
 * excluded nodes get 0. */
void lcm_ci_weights_equal(const lcm_ci_tree *t, const int *include, double *w);

/* Scale the weights of every parent's children to sum to 1 (children all 0 stay 0). */
void lcm_ci_weights_normalise(const lcm_ci_tree *t, double *w);

/* Leave out of w the leaves whose treatment says LCM_CI_CONST_DROPPED (tr has nnode entries),
 * then every parent left with no weighted child, and renormalise within each parent: the
 * effective weights of a run with constant columns. */
void lcm_ci_weights_drop(const lcm_ci_tree *t, const lcm_ci_treatment *tr, double *w);

/* PCA weights for the k columns of x (n units, complete cases only) after the Handbook
 * (§6.1): principal components of the correlation matrix, those with eigenvalue > 1 kept (at
 * least the first); each indicator goes to the component where its squared loading, scaled
 * to unity sum within the component, is largest; its weight is that share times the
 * component's part of the variance explained by the kept components; weights sum to 1. No
 * rotation. *explained (may be NULL) gets the variance share of the kept components.
 * LCM_NUMERIC when fewer than 3 complete units or a column has no spread. */
lcm_status lcm_ci_weights_pca(const double *x, size_t n, size_t k, double *w, double *explained,
                              char *err, size_t errlen);

typedef enum lcm_ci_agg {
    LCM_CI_ARITH,    /* weighted arithmetic mean */
    LCM_CI_GEOM,     /* weighted geometric mean (inputs > 0: see lcm_ci_geom_rescale) */
    LCM_CI_COPELAND, /* Copeland's rule over the children, scaled to 0-100 */
    LCM_CI_NAGG
} lcm_ci_agg;

const char *lcm_ci_agg_name(lcm_ci_agg a);
int lcm_ci_agg_parse(const char *name);

/* PCA weights for every parent of the tree, deepest parents first (Handbook §6.1 applied
 * level by level): s holds the normalised leaves (n x nnode); each parent's weighted children
 * get PCA weights, then the tree is re-aggregated so the level above works on the new
 * aggregates. parent[] is the array the tree was built from. A parent where PCA is undefined
 * (a child with no spread, too few complete units) keeps its weights and gets fallback[i] = 1
 * (fallback may be NULL). Weights come out normalised within each parent. */
lcm_status lcm_ci_weights_pca_tree(const lcm_ci_tree *t, const int *parent, double *s, size_t n,
                                   double *w, lcm_ci_agg agg, double threshold, int *fallback,
                                   char *err, size_t errlen);

/* Default share of a parent's (weighted) children that must be present before the missing
 * ones are re-weighted away; below it the parent is missing (docs/methods.md §4.6). */
#define LCM_CI_THRESHOLD (2.0 / 3.0)

/* Aggregate the leaves up the tree. s is n x nnode, column-major; leaf columns are input,
 * every internal column is overwritten. w holds each node's weight within its parent; a
 * child with weight 0 takes no part. A unit's parent score is computed over its present
 * children when their count is at least threshold times the number of weighted children,
 * else it is NaN. Copeland's work is O(n^2) per parent. */
lcm_status lcm_ci_aggregate(const lcm_ci_tree *t, const double *w, double *s, size_t n,
                            lcm_ci_agg agg, double threshold, char *err, size_t errlen);

/* ---- ranks ----------------------------------------------------------------------------- */

/* Competition ranks (1 is the highest score; ties share the best rank, "1224") of the n
 * scores, within each group when group is not NULL (units with equal group codes). NaN
 * scores get rank 0 (unranked). LCM_NOMEM. */
lcm_status lcm_ci_rank(const double *score, size_t n, const int *group, int *rank);

/* ---- the whole pipeline and its Monte Carlo -------------------------------------------- */

/* A point whose raw value is the mean of survey measures (point 4.2.1): ncomp components per
 * unit, est and se column-major (ncomp x n), each drawn as est + se * N(0, 1) clamped to
 * [lo, hi] in the Monte Carlo. Units with NaN in any component have a missing point. */
typedef struct lcm_ci_noisy {
    size_t leaf;  /* node index of the point */
    size_t ncomp; /* components averaged */
    const double *est, *se;
    double lo, hi;
} lcm_ci_noisy;

/* A composite model: the tree, the raw value of every leaf per unit (n x nnode, internal
 * columns ignored), and per leaf its normalisation parameters (method is taken from the run
 * options). Band leaves (band[i] != 0) are turned into distances outside [band_lo, band_hi]
 * before anything else. All arrays are borrowed. */
typedef struct lcm_ci_model {
    const lcm_ci_tree *tree;
    size_t n;                    /* units */
    const double *raw;           /* n x nnode */
    const lcm_ci_normspec *spec; /* per node; only leaves are read; method ignored */
    const int *band;             /* per node, or NULL */
    const double *band_lo, *band_hi;
    const double *weight;      /* per node, within its parent (0 = left out) */
    const lcm_ci_noisy *noisy; /* survey-based points, or NULL */
    size_t nnoisy;
} lcm_ci_model;

typedef struct lcm_ci_options {
    lcm_ci_norm norm;
    lcm_ci_agg agg;
    double threshold; /* LCM_CI_THRESHOLD by default */
    int treat;        /* 1: outlier treatment before normalising */
} lcm_ci_options;

/* Run treat -> normalise -> aggregate: s (n x nnode) receives normalised leaves and every
 * aggregate; treat (nnode entries, may be NULL) what the outlier treatment did per leaf and
 * whether its column had no spread. A leaf whose column is LCM_CI_CONST_DROPPED is NaN and
 * takes no part in the aggregation (lcm_ci_weights_drop), so it neither counts against the
 * missing-data threshold nor pulls every unit's parent the same way. Under the geometric
 * mean the leaves of s are the plain normalised scores; the aggregation uses them rescaled
 * (lcm_ci_geom_rescale). */
lcm_status lcm_ci_compute(const lcm_ci_model *m, const lcm_ci_options *o, double *s,
                          lcm_ci_treatment *treat, char *err, size_t errlen);

typedef struct lcm_ci_mc_spec {
    size_t ndraw;         /* Monte Carlo draws */
    unsigned long seed;   /* gsl_rng_mt19937 seed: the same seed gives the same intervals */
    double weight_spread; /* every weight times U(1 - x, 1 + x), then renormalised */
    int vary_norm;        /* 1: each draw picks minmax, zscore, goalposts or rank at random */
    int vary_agg;         /* 1: each draw picks arithmetic or geometric at random (Copeland's
                             O(n^2) cost keeps it out of the draws) */
    const int *group[2];  /* two grouping codes per unit for within-group ranks (region, tier);
                             either may be NULL */
} lcm_ci_mc_spec;

/* Rank interval of one unit in one scope, from the draws (quantiles: R type 1, the smallest
 * rank whose cumulative share reaches p). Ranks are 0 when the unit was never ranked. */
typedef struct lcm_ci_interval {
    int median, p05, p95;
} lcm_ci_interval;

typedef struct lcm_ci_mc_result {
    lcm_ci_interval *overall;   /* n entries, caller-allocated */
    lcm_ci_interval *within[2]; /* n entries each, or NULL when the group is NULL */
    double mean_shift;          /* mean |rank in draw - rank in the base run| over units, draws */
} lcm_ci_mc_result;

/* Monte Carlo rank uncertainty of the overall index (the root, node 0) under o as the base
 * run. base_rank holds the base run's overall ranks (for the mean shift). */
lcm_status lcm_ci_montecarlo(const lcm_ci_model *m, const lcm_ci_options *o,
                             const lcm_ci_mc_spec *mc, const int *base_rank, lcm_ci_mc_result *res,
                             char *err, size_t errlen);

/* ---- audit helpers --------------------------------------------------------------------- */

#define LCM_CI_CORR_LOW 0.3  /* below: the indicator hardly moves its aggregate */
#define LCM_CI_CORR_HIGH 0.9 /* above: near-duplicate of its aggregate */

/* Pearson correlation over the units where both are present; NaN when fewer than 3 or no
 * spread. */
double lcm_ci_correlation(const double *x, const double *y, size_t n);

/* Median of x over units whose group equals g (group NULL: all units), skipping NaN; NaN
 * when none. Uses scratch (n doubles). */
double lcm_ci_group_median(const double *x, const int *group, int g, size_t n, double *scratch);

typedef enum lcm_ci_impute { LCM_CI_IMPUTE_MEAN, LCM_CI_IMPUTE_MEDIAN } lcm_ci_impute;

/* Fill missing values with the mean or median of the unit's group (all units when group is
 * NULL); imputed[i] is set to 1 for each filled value (left alone otherwise). A group with no
 * value stays missing. Returns how many values were filled, or -1 on out of memory. */
long lcm_ci_impute_column(double *x, size_t n, const int *group, lcm_ci_impute how, int *imputed);

#endif
