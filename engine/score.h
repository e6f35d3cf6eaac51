/*
 * score.h - indicator scores of the network's cities (issue 5): the inputs of one year read
 * from the store (statistics, reviewer ratings, facility coverage, survey measures), the
 * composite index computed with analysis/composite.h, Monte Carlo rank intervals, the audit,
 * and the results stored with the run that made them.
 *
 * Inputs per point kind (indicators.kind):
 *   quantitative, yesno (0/1), count  indicator_values.value
 *   rating        mean of the reviewers' scores in `ratings` (0-100); their spread and a
 *                 disagreement flag (max - min above a set number of points) go with it;
 *                 indicator_values is the fallback when no reviewer rated the point
 *   survey        4.2.1 = mean of awareness and participation (as %) and the satisfaction
 *                 index, from `survey_measures` (item ''); each drawn from N(estimate, se)
 *                 in the Monte Carlo
 * Coverage points from `facilities` of the kinds below against `admin_units`, when the city
 * has any such facility (otherwise the imported statistic is used): 2.2.1 is the mean of the
 * three level rates (county 社区教育学院, township 社区学校, village 教学站点; issue 16,
 * docs/scores.md), 2.2.3 Σ covered units / Σ units over the three levels together.
 *
 * survey_measures (migration 5): (city_code, year, measure, item) -> estimate, se, n, run_id.
 * measure is awareness | participation | satisfaction_top2 (proportions in [0,1], se on the
 * same scale), satisfaction_index (0-100, (mean - 1)/(k - 1) * 100), alpha (Cronbach, 0-1) or
 * importance (of a satisfaction item, any scale); item '' is the overall measure, a named
 * item one satisfaction item. The estimation pipeline writes it; scores only read it. The item
 * column is there so that importance-performance quadrants can be drawn per item.
 */
#ifndef LCM_SCORE_H
#define LCM_SCORE_H

#include "composite.h"
#include "lcmon.h"
#include "trend.h"

#include <stddef.h>

/* facilities.kind values counted for each coverage point. */
#define LCM_COVERAGE_KIND_COMMUNITY "community_education" /* point 2.2.1 */
#define LCM_COVERAGE_KIND_ELDERLY "elderly_education"     /* point 2.2.3 */

/* Point 4.2.2 from `honours`: the titles awarded in the year scored and the four before it
 * (近五年来), each weighted by its level (docs/scores.md). */
#define LCM_HONOURS_CODE "4.2.2"
#define LCM_HONOURS_YEARS 5
#define LCM_HONOUR_WEIGHT_INTERNATIONAL 3.0
#define LCM_HONOUR_WEIGHT_NATIONAL 2.0
#define LCM_HONOUR_WEIGHT_PROVINCIAL 1.0

/* Reviewers disagree when their scores span more than this many points (0-100 scale). */
#define LCM_RATING_DISAGREE 20.0

typedef enum lcm_weights_how {
    LCM_WEIGHTS_EQUAL,
    LCM_WEIGHTS_FILE,
    LCM_WEIGHTS_PCA
} lcm_weights_how;

typedef struct lcm_score_opts {
    int year;
    lcm_ci_norm norm; /* default LCM_CI_MINMAX */
    lcm_ci_agg agg;   /* default LCM_CI_ARITH */
    double threshold; /* share of children needed; LCM_CI_THRESHOLD */
    int treat;        /* 1: outlier check and winsorisation (default) */
    int with_context; /* 1: score the background points 1.1.x too */
    int impute;       /* -1 none (default), else an lcm_ci_impute within the tier */
    lcm_weights_how weights;
    const char *weights_file; /* CSV code,weight (LCM_WEIGHTS_FILE) */
    size_t mc;                /* Monte Carlo draws (0: no intervals) */
    unsigned long seed;
    double mc_spread;    /* weights perturbed by +-this share */
    double disagree;     /* ratings disagreement threshold, points */
    int band_distance;   /* 1: a band point (3.3.2) scored by its distance outside the band,
                          * 0 (default): by compliance with it (docs/scores.md) */
    int all_cities;      /* 1: every city with inputs; 0 (default): network members admitted
                          * by the year scored (seed 三(四)) */
    int adjust_severity; /* 1: reviewers' severity removed from rating points (rating.h) */
    int official;        /* 1: an official run: only the cities whose inputs for the year the
                          * ministry has accepted (engine/approval.h), the others left out,
                          * and goalposts over accepted city-years only (docs/approval.md) */
} lcm_score_opts;

/* Defaults for a year (minmax, arithmetic, 2/3 threshold, treatment on, 1000 draws, seed 1,
 * +-25% weights, disagreement 20 points). */
void lcm_score_opts_default(lcm_score_opts *o, int year);

/* A node of the framework as scored (node 0 is the overall index). */
typedef struct lcm_score_node {
    char *code, *name_zh, *name_en;
    int level;         /* 0 overall, 1-3 */
    int parent;        /* index, -1 for the root */
    char *kind, *unit; /* NULL for groups */
    int context;       /* background point (1.1.x): shown, scored only on request */
    int lower_better;  /* direction lower_better (or a band, scored as distance to it) */
    int band;          /* direction target_band: [band_lo, band_hi] earns the full score */
    int per_10k;       /* a count compared per 10,000 residents (常住人口, city_stats) */
    int compliance;    /* a band point scored by compliance: 100 at or above the band's
                        * floor, else 100 × value / floor, on that fixed scale */
    double band_lo, band_hi;
    double lo, hi; /* goalposts: natural scale of the kind, else pooled over all years */
    int included;  /* takes part in the score */
    double weight; /* effective weight within its parent (0 when left out) */
    const char *weight_method; /* "equal", "file", "pca", "equal (pca undefined)" */
    double corr;  /* audit: correlation with its parent over the cities (NaN if none) */
    double alpha; /* audit: Cronbach's alpha of its children (NaN if undefined) */
    lcm_ci_treatment treat;
    long missing; /* cities without a value (leaves) */
} lcm_score_node;

typedef struct lcm_score_city {
    char *code, *name, *region, *tier;
    int rank, rank_region, rank_tier; /* 0 when the overall score is missing */
    lcm_ci_interval mc, mc_region, mc_tier;
    long missing; /* included points without a value */
} lcm_score_city;

/* Raw values of one year: the framework nodes (node 0 = overall) and the leaf values of every
 * city with an input that year (indicator_values, ratings or survey_measures). Matrices are
 * ncity x nnode, column-major: node j of city i at [j * ncity + i]. */
typedef struct lcm_score_inputs {
    int year;
    int official; /* read only the accepted city-years (lcm_score_inputs_load_official) */
    size_t ncity, nnode;
    lcm_score_city *city;
    lcm_score_node *node;
    double *raw;        /* leaf values as scored (NaN missing): per 10,000 residents
                         * for per_10k points */
    double *count;      /* the value as imported where raw is derived from it (per_10k
                         * counts, band compliance); NaN otherwise */
    double *population; /* ncity: 常住人口 in 万人 that year (NaN when not imported) */
    double *self;       /* the city's self-assessment (城市自评) as imported (NaN: none) */
    int *self_used;     /* 1: no verified value, the self-assessment is scored */
    int nopop_city, nopop_node; /* first city and per_10k point with a count but no
                                 * population (-1 when none): lcm_score_compute refuses */
    double *spread;             /* sd of the reviewers' scores on rating points */
    int *imputed;               /* 1: imputed at import or by the score run */
    int *disagree;              /* 1: reviewers span more than the threshold */
    int *nrating;               /* reviewers per rating point */
    double *svy_est, *svy_se;   /* 3 x ncity: awareness %, participation %, satisfaction index */
} lcm_score_inputs;

lcm_status lcm_score_inputs_load(lcm_db *db, int year, double disagree, lcm_score_inputs *in,
                                 lcm_err *err);
/* The same, members_only: only cities admitted to the network by that year (network_members,
 * status admitted, admitted_year <= year). */
lcm_status lcm_score_inputs_load_cities(lcm_db *db, int year, double disagree, int members_only,
                                        lcm_score_inputs *in, lcm_err *err);
/* The same, official: only city-years in state accepted (data_approvals): a city whose inputs
 * for the year are not accepted is left out, and the goalposts pooled over the years read only
 * the inputs of accepted city-years (the honours and values of cities and years not accepted
 * are not there for an official run). */
lcm_status lcm_score_inputs_load_official(lcm_db *db, int year, double disagree, int members_only,
                                          int official, lcm_score_inputs *in, lcm_err *err);
void lcm_score_inputs_release(lcm_score_inputs *in);

typedef struct lcm_score_result {
    lcm_score_inputs in; /* cities, nodes (with weights and audit), raw values */
    double *score;       /* normalised leaves and aggregates, ncity x nnode */
    double mean_shift;   /* Monte Carlo mean absolute rank shift */
    long long run_id;    /* after lcm_score_store */
    char *params;        /* the run's parameters as JSON */
} lcm_score_result;

/* Read the inputs of opts->year, compute scores, ranks, Monte Carlo intervals and the audit.
 * A weights file with a bad line fails with LCM_PARSE naming file, line and field; a year
 * without inputs is LCM_NOTFOUND. *out is the caller's (lcm_score_result_free). */
lcm_status lcm_score_compute(lcm_db *db, const lcm_score_opts *opts, lcm_score_result **out,
                             lcm_err *err);

/* Store a result as a run of kind 'score' with its parameters, in one transaction; sets
 * r->run_id. */
lcm_status lcm_score_store(lcm_db *db, lcm_score_result *r, lcm_err *err);

void lcm_score_result_free(lcm_score_result *r);

/* Index of the node / city with this code, or -1. */
int lcm_score_node_index(const lcm_score_inputs *in, const char *code);
int lcm_score_city_index(const lcm_score_inputs *in, const char *code);

/* The run's parameters as a JSON object (malloc'd, NULL on out of memory); internal. */
char *lcm__score_params(const lcm_score_opts *o);

/* The parameters a stored score run was made with, into *o (the defaults, then every stored
 * value; reals exactly as computed). A weights-file run's path is malloc'd into
 * *weights_file (o->weights_file points to it; the caller frees it), else NULL.
 * LCM_NOTFOUND when run is not a score run, LCM_PARSE when its parameters are incomplete. */
lcm_status lcm_score_params_load(lcm_db *db, long long run, lcm_score_opts *o, char **weights_file,
                                 lcm_err *err);

/* The newest stored score run of a year: LCM_NOTFOUND when there is none. */
lcm_status lcm_score_latest_run(lcm_db *db, int year, long long *run_id, lcm_err *err);

/* Weights from a CSV file with columns code, weight (others ignored): every listed node gets
 * its weight within its parent; a parent with one child listed must have all its scored
 * children listed. Errors name file:line and the field; nodes are changed only on success. */
lcm_status lcm_score_weights_file(const char *path, lcm_score_node *node, size_t nnode,
                                  int with_context, lcm_err *err);

/* ---- trends of one city ---------------------------------------------------------------- */

typedef struct lcm_trend_row {
    int node;        /* index into the framework (as lcm_score_inputs_load numbers it) */
    size_t n;        /* years with a value */
    int first, last; /* first and last such year */
    double first_value, last_value;
    double yoy, yoy_rel; /* last year against the one before it (NaN if not consecutive) */
    int points;          /* 1: yoy is in percentage points (the unit is %) */
    double cagr;         /* NaN unless both ends are positive */
    int has_ols, has_mk; /* enough years for each */
    lcm_trend_ols ols;
    lcm_trend_mk mk;
} lcm_trend_row;

typedef struct lcm_trend_set {
    lcm_score_inputs frame; /* the first year's inputs: the framework, names and units */
    lcm_trend_row *row;
    size_t nrow;
    int *years;
    size_t nyear;
} lcm_trend_set;

/* Trends of every point of a city (or only `indicator`, NULL = all) across the years the store
 * has inputs for; points with fewer than 2 years are left out. LCM_NOTFOUND for an unknown
 * city or indicator. Release with lcm_trend_set_release. */
lcm_status lcm_score_trends(lcm_db *db, const char *city, const char *indicator, lcm_trend_set *out,
                            lcm_err *err);
void lcm_trend_set_release(lcm_trend_set *t);

typedef struct lcm_wave_row {
    char measure[24], item[64];
    int y1, y2;
    double e1, e2;
    lcm_trend_change change;
} lcm_wave_row;

/* Change of every survey measure of a city between consecutive waves, with its SE
 * (independent samples). *rows is the caller's (free()). */
lcm_status lcm_score_wave_changes(lcm_db *db, const char *city, lcm_wave_row **rows, size_t *n,
                                  lcm_err *err);

/* ---- coverage (Σ covered / Σ units) ----------------------------------------------------- */

typedef enum lcm_cov_scope {
    LCM_COV_CITY,
    LCM_COV_PROVINCE,
    LCM_COV_REGION,
    LCM_COV_NATION
} lcm_cov_scope;

typedef struct lcm_coverage_row {
    char key[64];              /* city code, province code, region name or "nation" */
    long covered[3], units[3]; /* county, township, village */
    double rate[4];            /* per level and combined, in %, NaN without units */
} lcm_coverage_row;

/* The mean of a row's level rates (county, township, village) over the levels that have
 * units: how point 2.2.1 is scored. NaN when no level has units. */
double lcm_coverage_level_mean(const lcm_coverage_row *row);

/* Coverage of a facility kind in year (facilities opened by then, or with no year) at the
 * given scope, over the cities in the store; *rows is the caller's (free()). Only cities
 * with at least one facility of the kind count, so a region's rate is over its reporting
 * cities. */
lcm_status lcm_coverage(lcm_db *db, const char *kind, int year, lcm_cov_scope scope,
                        lcm_coverage_row **rows, size_t *nrows, lcm_err *err);

#endif
