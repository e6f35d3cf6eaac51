/*
 * model.h - design-based regression of survey variables (docs/model.md): the columns of a
 * form or dataset turned into a model matrix (an intercept, numeric covariates, one 0/1
 * column per non-reference level of a factor), fitted with the declared design by
 * analysis/svy_glm (R's svyglm), with a Wald test of every term (R's regTermTest).
 *
 * A covariate is a factor when it is a select_one question of the form or its column holds
 * text (age_band); otherwise it is numeric. A factor's levels are its choices in the form's
 * order (text: sorted), those with no respondent in the model left out; its reference level
 * is the first of them unless the request names one.
 */
#ifndef LCM_MODEL_H
#define LCM_MODEL_H

#include "survey.h"
#include "svy_glm.h"

typedef struct lcm_model_request {
    lcm_source source;
    int wave;             /* 0 = every wave */
    const char *y;        /* outcome column; "COL=LEVEL" is 1 for that answer, 0 else */
    const char *const *x; /* covariate columns */
    size_t nx;
    const char *const *ref; /* "VAR=LEVEL": the reference level of factor VAR */
    size_t nref;
    lcm_glm_family family;
    const char *city; /* fit on this city's respondents only (code), NULL = all */
    int lang_en;      /* labels in English instead of Chinese */
} lcm_model_request;

/* One coefficient: the intercept, a numeric covariate, or one level of a factor. */
typedef struct lcm_model_coef {
    const char *term;        /* covariate column, "(Intercept)" */
    const char *term_label;  /* the question's label in the request's language, else term */
    const char *level;       /* the level's code, NULL for the intercept and numbers */
    const char *level_label; /* its choice label, else the code */
    double beta, se, t, p;
} lcm_model_coef;

/* The Wald test of one term (all its coefficients at once). */
typedef struct lcm_model_test {
    const char *term, *term_label;
    const char *ref_level, *ref_label; /* factor: its reference level, else NULL */
    lcm_glm_wald wald;
} lcm_model_test;

typedef struct lcm_model_result {
    lcm_glm_fit fit;
    lcm_model_coef *coef; /* fit.p of them, in the model matrix's order */
    lcm_model_test *test; /* ntest: one per covariate */
    size_t ntest;
    const char *variance; /* "linearisation" or the replicate type ("jkn", "bootstrap" ...) */
    int calibrated;       /* the design's weights are calibrated */
    char **strings;       /* owned labels */
    size_t nstrings;
} lcm_model_result;

/* Fit the model. On success *out is the caller's (lcm_model_result_free). Errors name the
 * column or level at fault: an unknown column, a --ref level the factor does not have, a
 * factor level whose respondents all give the same answer in a logistic model (separation),
 * collinear covariates. */
lcm_status lcm_model_run(lcm_db *db, const lcm_model_request *req, lcm_model_result **out,
                         lcm_err *err);
void lcm_model_result_free(lcm_model_result *r);

/* ---- key drivers of overall satisfaction (docs/model.md "Key drivers") ---------------- */

#define LCM_DRIVERS_MAX 16

typedef struct lcm_driver {
    const char *var;    /* the item's column (borrowed from the request) */
    size_t raters;      /* respondents of the city who rated it and answered the outcome */
    int in_model;       /* raters >= min_n */
    double beta, se, p; /* coefficient of the rating among its raters (NaN when not fitted) */
    double sd;          /* weighted SD of the rating among its raters in the model */
    double importance;  /* standardised coefficient beta * sd / sd_y */
} lcm_driver;

/* Which part of the rule failed (lcm_drivers_why says it in words). */
typedef enum lcm_drivers_rule {
    LCM_DRIVERS_FITS,      /* the model is used */
    LCM_DRIVERS_NO_CITY,   /* the city has no respondents in the wave */
    LCM_DRIVERS_FEW_ITEMS, /* fewer than two items have min_n raters */
    LCM_DRIVERS_FEW_ROWS,  /* fewer than 10 respondents per coefficient */
    LCM_DRIVERS_FEW_DF,    /* design df below the number of coefficients */
    LCM_DRIVERS_FIT_FAILED /* the fit failed (collinear items, an item without variation) */
} lcm_drivers_rule;

typedef struct lcm_drivers {
    int fitted;            /* 1: the rule holds and the importance comes from the model */
    lcm_drivers_rule rule; /* otherwise which part failed */
    long min_n;
    char why[256]; /* LCM_DRIVERS_FIT_FAILED: the fit's message */
    size_t nitem;
    lcm_driver item[LCM_DRIVERS_MAX];
    size_t nrows, p;  /* respondents in the model (city, outcome answered), coefficients */
    double df_design; /* the city's PSUs - strata */
    double sd_y;      /* weighted SD of the outcome in the model */
} lcm_drivers;

/* Key-driver analysis of outcome y (overall satisfaction) on the satisfaction items of one
 * city and wave, with the declared design (calibrated, replicates, as lcmon model): the items
 * with at least min_n raters enter the linear model y ~ sum over items (used_i + rating_i),
 * used_i = 1 for a rater of item i, rating_i = the rating (0 for others), so each item's
 * coefficient compares its raters with each other. The model fits when at least two items
 * enter, there are at least 10 respondents per coefficient, the design has at least as many
 * df as coefficients and the fit succeeds; out->why says otherwise (not an error). Errors
 * only for a bad request or an exhausted resource. */
lcm_status lcm_model_drivers(lcm_db *db, const lcm_source *src, int wave, const char *city,
                             const char *y, const char *const *items, size_t nitem, long min_n,
                             lcm_drivers *out, lcm_err *err);

/* The rule's outcome in words, Chinese or English (en), into buf. */
const char *lcm_drivers_why(const lcm_drivers *dr, int en, char *buf, size_t cap);

#endif
