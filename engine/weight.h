/*
 * weight.h - calibration of survey weights to population margins (post-stratification,
 * raking, linear/GREG), declared per source and wave and re-applied at every estimate so
 * the variance uses the calibration residuals, as R's calibrated designs do.
 *
 * Margins file (UTF-8 CSV): margin,level,population — one row per cell. A margin is a
 * column name or a crossing of up to four columns joined by ':' (city:age_band), and its
 * level joins their values the same way (4403:35-44). Population counts are > 0.
 */
#ifndef LCM_WEIGHT_H
#define LCM_WEIGHT_H

#include "survey.h"

typedef enum lcm_calib_method {
    LCM_CALIB_POSTSTRATIFY,
    LCM_CALIB_RAKE,
    LCM_CALIB_LINEAR
} lcm_calib_method;

#define LCM_MARGIN_MAXVARS 4

typedef struct lcm_margin {
    char name[256];                    /* as written: "city:age_band" */
    char vars[LCM_MARGIN_MAXVARS][64]; /* its columns */
    int nvars;
    size_t nlevel;
    char **levels; /* "4403:35-44" */
    double *pop;
    long line; /* its first line in the file (messages) */
} lcm_margin;

typedef struct lcm_margin_set {
    lcm_margin *m;
    size_t n;
} lcm_margin_set;

/* Read margins from CSV text held in memory (name in messages; lcm_margins_load reads a
 * file's text). Errors name file, line and column. */
lcm_status lcm_margins_parse(const char *text, const char *name, lcm_margin_set *out, lcm_err *err);
void lcm_margins_free(lcm_margin_set *ms);

/* Largest margins file read (bytes); a larger one is refused, not truncated. */
#define LCM_MARGINS_MAX_FILE (16u << 20)

/* Every margin counts the same population, so their totals must agree: a file whose margin
 * totals differ by more than this (relative to the first margin's total) is refused, as
 * raking to it cannot fit every margin (it used to end with a misfit only printed). */
#define LCM_MARGINS_TOTAL_TOLERANCE 0.01

/* Read a margins file as text (what a calibration stores) and check it, so problems name
 * the file, line and column; margin totals must agree (LCM_MARGINS_TOTAL_TOLERANCE).
 * *text is the caller's to free. */
lcm_status lcm_margins_load(const char *path, char **text, lcm_err *err);

/* The calibration declared for a source and wave. */
typedef struct lcm_calib_decl {
    lcm_calib_method method;
    int maxit;           /* raking sweeps / Newton steps */
    double epsilon;      /* convergence tolerance (R's meaning, see analysis/svy.h) */
    double lower, upper; /* linear: g-weight bounds, -inf/inf for none */
    char *margins_text;  /* the margins file as given (malloc'd, owned) */
} lcm_calib_decl;

int lcm_calib_method_parse(const char *s, lcm_calib_method *out);
const char *lcm_calib_method_name(lcm_calib_method m);

/* Store (replace) the calibration of (source, wave). */
lcm_status lcm_calib_set(lcm_db *db, const lcm_source *src, int wave, const lcm_calib_decl *c,
                         lcm_err *err);
/* Fetch it, falling back to wave 0; *found = 0 when there is none (not an error). The
 * caller frees out->margins_text. */
lcm_status lcm_calib_get(lcm_db *db, const lcm_source *src, int wave, lcm_calib_decl *out,
                         int *found, lcm_err *err);

/* Calibrate design d whose rows are data (loaded with the margins' columns among its
 * by-columns, starting at by index first_by, in lcm_margin_columns order). *out is a new
 * design (caller frees); rep gets iterations and misfit. A sample cell missing from the
 * margins, or a margin cell with no sample row, is an error naming the cell. */
lcm_status lcm_calib_apply(const lcm_svy_design *d, const lcm_survey_data *data, size_t first_by,
                           const lcm_calib_decl *c, const lcm_margin_set *ms, lcm_svy_design **out,
                           lcm_svy_calib_report *rep, lcm_err *err);

/* The distinct columns the margins use, in first-use order; returns their count (at most
 * max) and points cols[i] into ms. */
size_t lcm_margin_columns(const lcm_margin_set *ms, const char **cols, size_t max);

/* Weight diagnostics: range, sum, Kish effective n = (Σw)²/Σw² and the Kish weighting
 * effect 1 + CV² = n·Σw²/(Σw)². */
typedef struct lcm_weight_stats {
    double min, max, sum, kish_n, kish_deff;
} lcm_weight_stats;
void lcm_weight_stats_of(const double *w, size_t n, lcm_weight_stats *out);

/* What lcmon weight reports. */
typedef struct lcm_weight_report {
    size_t n;
    lcm_svy_calib_report calib;
    lcm_weight_stats before, after;
    long long run_id;
} lcm_weight_report;

/* Calibrate the design of (source, wave) to the margins in c, then, in one transaction:
 * store the calibration (so estimates re-apply it), write the calibrated weights to the
 * source's final_weight column (added to a dataset that lacks it), and record a run with
 * the diagnostics. Nothing is written when calibration fails. */
lcm_status lcm_weight_run(lcm_db *db, const lcm_source *src, int wave, const lcm_calib_decl *c,
                          lcm_weight_report *rep, lcm_err *err);

#endif
