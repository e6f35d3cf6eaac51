/*
 * rating.h - expert ratings of the 18 rating points (issue 16, docs/ratings.md): the anchored
 * rubric (surveys/rubric.csv), ratings given as a level with the evidence they rest on,
 * reviewers assigned per city and point and blind to each other until all have rated,
 * agreement (ICC, Krippendorff's alpha), reviewer severity, discordant ratings and their
 * adjudication.
 *
 * Levels and bands (the rubric file repeats them and is checked against these):
 *   1 优秀 [90, 100]  2 良好 [80, 90)  3 合格 [70, 80)  4 基本合格 [60, 70)  5 不合格 [0, 60)
 * A level given without a score counts as the level's default score 95, 85, 75, 65, 55 (equal
 * steps of ten points). A rating counts once its city and point have at least
 * LCM_RATING_MIN_REVIEWERS ratings and every assigned reviewer has rated (view
 * ratings_counted, migration 10).
 */
#ifndef LCM_RATING_H
#define LCM_RATING_H

#include "lcmon.h"
#include "raters.h"
#include "score.h"

#include <stddef.h>

#define LCM_RATING_NLEVEL 5
#define LCM_RATING_MIN_REVIEWERS 3
#define LCM_RATING_BOOT 1000     /* bootstrap resamples of alpha's interval */
#define LCM_RATING_BOOT_SEED 1UL /* fixed: the same ratings give the same interval */

typedef struct lcm_rating_level {
    const char *zh, *en;
    double lo, hi, dflt; /* band [lo, hi) ([90, 100] for 优秀) and the default score */
} lcm_rating_level;

/* Index level - 1. */
extern const lcm_rating_level lcm_rating_levels[LCM_RATING_NLEVEL];

/* Level (1-5) of a 0-100 score. */
int lcm_rating_level_of(double score);
/* Level named by s: 优秀..不合格, or 1-5; 0 when neither. */
int lcm_rating_level_parse(const char *s);

/* ---- the rubric ---- */

typedef struct lcm_rubric_row {
    char *code, *descriptor, *section, *quote;
    int level;
    long line;
} lcm_rubric_row;

typedef struct lcm_rubric {
    lcm_rubric_row *row;
    size_t n;
} lcm_rubric;

/* Read and check a rubric file: columns code, level, level_zh, band_low, band_high,
 * default_score, descriptor, seed_section, seed_quote; every cell checked (level 1-5, its
 * name, band and default score as above, text present, (code, level) once, and the quoted
 * phrase found in seed when seed is not NULL). Errors name file, line, column and field. */
lcm_status lcm_rubric_load(const char *path, const char *seed, lcm_rubric *out, lcm_err *err);
/* Every code of r is a rating point of db's framework, and every rating point has all five
 * levels. path names the file in messages. */
lcm_status lcm_rubric_check(const lcm_rubric *r, lcm_db *db, const char *path, lcm_err *err);
/* The shipped rubric (DATADIR/rubric.csv), checked against the shipped seed text
 * (DATADIR/seed/learning-city-guide.txt) and db's framework. */
lcm_status lcm_rubric_load_shipped(lcm_db *db, lcm_rubric *out, lcm_err *err);
const lcm_rubric_row *lcm_rubric_find(const lcm_rubric *r, const char *code, int level);
void lcm_rubric_free(lcm_rubric *r);

/* ---- recording ratings ---- */

typedef struct lcm_rating_cell {
    const char *city; /* city code */
    int year;
    const char *point; /* a rating point's code */
} lcm_rating_cell;

/* Assign reviewers to a city and point (added to any assigned before). Refused once any
 * rating of the cell is stored by someone not assigned. */
lcm_status lcm_rating_assign(lcm_db *db, const lcm_rating_cell *c, const char *const *reviewer,
                             size_t n, lcm_err *err);

typedef struct lcm_rating_entry {
    const char *reviewer;
    int level;            /* 1-5 */
    double score;         /* within the level's band; NaN for the level's default score */
    const char *evidence; /* application:FIELD or stat:CODE of the city (and year) */
    const char *comment;  /* may be NULL */
} lcm_rating_entry;

/* LCM_OK when score (NaN: the level's default, stored into *score) lies in the band of
 * level (1-5); LCM_CONSTRAINT with a message otherwise. The check lcm_rating_record makes. */
lcm_status lcm_rating_check_score(int level, double *score, lcm_err *err);

/* Store (or replace) a reviewer's rating of a cell. The evidence must name material stored for
 * the city: a field of its application (application:FIELD) or a statistic of the year
 * (stat:CODE). When reviewers are assigned to the cell, only they may rate it. LCM_CONSTRAINT
 * with a message naming what is wrong; the store is unchanged then. Inside the caller's
 * transaction (a savepoint) when there is one. */
lcm_status lcm_rating_record(lcm_db *db, const lcm_rating_cell *c, const lcm_rating_entry *e,
                             lcm_err *err);
/* LCM_OK when ev names material stored for the cell's city (application:FIELD) or city and
 * year (stat:CODE); LCM_CONSTRAINT with a message otherwise (also used by import ratings). */
lcm_status lcm_rating_check_evidence(lcm_db *db, const lcm_rating_cell *c, const char *ev,
                                     lcm_err *err);

typedef struct lcm_rating_seen {
    char *reviewer, *evidence, *comment;
    int level;
    double score;
} lcm_rating_seen;

typedef struct lcm_rating_view {
    size_t assigned; /* reviewers assigned (0: none, the cell counts at 3 ratings) */
    size_t rated;    /* ratings stored */
    int complete;    /* ratings count: >= 3 and every assigned reviewer has rated */
    lcm_rating_seen *row;
    size_t n;
} lcm_rating_view;

/* What reviewer may see of a cell: their own rating, and everyone's once the cell is complete
 * (blind rating). reviewer NULL: only the counts (a coordinator's view). */
lcm_status lcm_rating_view_as(lcm_db *db, const lcm_rating_cell *c, const char *reviewer,
                              lcm_rating_view *out, lcm_err *err);
void lcm_rating_view_free(lcm_rating_view *v);

/* A cell assigned to a reviewer, with the names the pages show. */
typedef struct lcm_rating_task {
    char *city, *city_name, *point, *point_name; /* names: Chinese (cities.name, name_zh) */
    int year;
} lcm_rating_task;

/* The cells assigned to reviewer (NULL: every assigned cell, once each), by year (newest
 * first), city and the point's order in the framework. */
lcm_status lcm_rating_tasks(lcm_db *db, const char *reviewer, lcm_rating_task **out, size_t *n,
                            lcm_err *err);
void lcm_rating_tasks_free(lcm_rating_task *t, size_t n);

/* The evidence a rating of the cell may name (what lcm_rating_check_evidence accepts):
 * application:FIELD for each stored field of the city's application, then stat:CODE for
 * each statistic of the city and year (label: the indicator's Chinese name). */
typedef struct lcm_rating_material {
    char *evidence, *label; /* label: NULL for an application field */
} lcm_rating_material;

lcm_status lcm_rating_materials(lcm_db *db, const lcm_rating_cell *c, lcm_rating_material **out,
                                size_t *n, lcm_err *err);
void lcm_rating_materials_free(lcm_rating_material *m, size_t n);

/* Keep an adjudicated level (and score, NaN = the level's default) beside the original ratings
 * of a complete cell; it replaces the reviewers' mean in scores. */
lcm_status lcm_rating_adjudicate(lcm_db *db, const lcm_rating_cell *c, int level, double score,
                                 const char *by, const char *note, lcm_err *err);

/* ---- agreement and severity of a year's counted ratings ---- */

typedef struct lcm_rating_rel {
    char *code;       /* rating point, or "overall" */
    size_t ncity;     /* cities (overall: city x point units) with counted ratings */
    size_t nreviewer; /* reviewers who rated them */
    lcm_icc icc;      /* n = complete rows used; NaN when not computable */
    double alpha, alpha_lo, alpha_hi;
} lcm_rating_rel;

typedef struct lcm_rating_sev {
    char *reviewer;
    double effect; /* + lenient, - severe, in points of the 0-100 scale */
    long n;
} lcm_rating_sev;

/* One city and point: the reviewers' mean, the mean with each reviewer's effect removed, and
 * the adjudicated score (NaN when none). */
typedef struct lcm_rating_mean {
    char *city, *point;
    double raw, adjusted, adjudicated;
    int nrated;
} lcm_rating_mean;

typedef struct lcm_rating_stats {
    int year;
    lcm_rating_rel *rel; /* the rating points in framework order, then "overall" */
    size_t nrel;
    lcm_rating_sev *sev; /* reviewers in the order their ratings are first read */
    size_t nsev;
    int severity_ok; /* 0: the design is not connected, effects NaN, adjusted = raw */
    lcm_rating_mean *mean;
    size_t nmean;
} lcm_rating_stats;

/* Compute everything from the counted ratings of year. boot: resamples of alpha's interval
 * (0: no interval). */
lcm_status lcm_rating_stats_compute(lcm_db *db, int year, size_t boot, lcm_rating_stats *out,
                                    lcm_err *err);
void lcm_rating_stats_free(lcm_rating_stats *s);
/* Store reliability and severity under a new run (kind 'ratings'); *run gets its id. */
lcm_status lcm_rating_stats_store(lcm_db *db, const lcm_rating_stats *s, long long *run,
                                  lcm_err *err);
/* Newest stored ratings run of year; LCM_NOTFOUND when none. */
lcm_status lcm_rating_latest_run(lcm_db *db, int year, long long *run, lcm_err *err);

/* Discordant cells of a year: complete cells whose levels are more than one apart. */
typedef struct lcm_rating_discord {
    char *city, *city_name, *point;
    char *ratings; /* "专家甲 良好 84; 专家乙 基本合格 62; ..." */
    int best, worst;
    int adj_level; /* 0 when not adjudicated */
    double adj_score;
} lcm_rating_discord;

lcm_status lcm_rating_discordant(lcm_db *db, int year, lcm_rating_discord **out, size_t *n,
                                 lcm_err *err);
void lcm_rating_discord_free(lcm_rating_discord *d, size_t n);

/* In loaded score inputs, replace each rated cell's value by its adjudicated score where one
 * is kept and, when adjust, by the severity-adjusted mean elsewhere. */
lcm_status lcm_rating_apply(lcm_db *db, lcm_score_inputs *in, int adjust, lcm_err *err);

#endif
