/*
 * comparison.h - comparing design-based estimates from the store (docs/compare.md): domain
 * estimates of one variable with their full covariance, linear contrasts of them (parsed from
 * text such as "4401 - 4403"), the design-based t-test and Rao-Scott chi-square test, each on
 * the design declared for the source exactly as `lcmon estimate` uses it.
 */
#ifndef LCM_COMPARISON_H
#define LCM_COMPARISON_H

#include "compare.h"
#include "survey.h"

/* What to compare: the mean of var in the domains of the column by (one wave). */
typedef struct lcm_cmp_request {
    lcm_source source;
    int wave;          /* 0 = every wave */
    const char *var;   /* numeric column (a 0/1 column gives a proportion) */
    const char *by;    /* domain column */
    const char *where; /* "COL=VALUE": only rows with that value (R's subset()), or NULL */
    double level;      /* confidence level */
} lcm_cmp_request;

/* One wave's domain estimates with their linearisation. */
typedef struct lcm_cmp_domains lcm_cmp_domains;

lcm_status lcm_cmp_domains_run(lcm_db *db, const lcm_cmp_request *req, lcm_cmp_domains **out,
                               lcm_err *err);
size_t lcm_cmp_ndom(const lcm_cmp_domains *D);
/* Domain i (label order: numbers numerically, else by text) and its estimate. */
const char *lcm_cmp_label(const lcm_cmp_domains *D, size_t i);
const lcm_svy_est *lcm_cmp_est(const lcm_cmp_domains *D, size_t i);
/* Covariance of the domain estimates, ndom x ndom row-major in label order. */
lcm_status lcm_cmp_cov(const lcm_cmp_domains *D, double *cov, lcm_err *err);
void lcm_cmp_domains_free(lcm_cmp_domains *D);

/* Domains with these labels and no data, for parsing contrasts alone (tests, fuzzing): every
 * function but lcm_cmp_parse, lcm_cmp_ndom and lcm_cmp_label needs real domains. */
lcm_cmp_domains *lcm__cmp_domains_labels(const char *const *labels, size_t n, const char *by);

/* A contrast with its interval. */
typedef struct lcm_cmp_result {
    lcm_svy_contrast c;
    double ci_low, ci_high; /* estimate -+ t(df) se; NaN without df */
} lcm_cmp_result;

/* coef: ndom coefficients in label order. */
lcm_status lcm_cmp_contrast(const lcm_cmp_domains *D, const double *coef, double level,
                            lcm_cmp_result *out, lcm_err *err);

/* Parse a contrast: terms joined by + and -, each [NUMBER *] DOMAIN, where DOMAIN is a label
 * of D, bare (up to a space, + or *) or quoted ('...' or "..."), or, when the domains are
 * cities, a city's name in db (广州市). "4401 - 4403", "0.5*4401 + 0.5*4403 - 4406".
 * coef gets ndom coefficients. LCM_INVAL with a message naming the column of the problem. */
lcm_status lcm_cmp_parse(lcm_db *db, const lcm_cmp_domains *D, const char *expr, double *coef,
                         lcm_err *err);

/* The t-test of var between two groups of the by column: groups[1] - groups[0] (labels), or
 * with groups[1] NULL, the group groups[0] against every other row (R's svyttest(y ~ I(g ==
 * level))); rows limited by req->where. */
lcm_status lcm_cmp_ttest_run(lcm_db *db, const lcm_cmp_request *req, const char *const groups[2],
                             lcm_svy_ttest *out, lcm_err *err);

/* The Rao-Scott tests of independence of req->var and req->by (both categorical). */
lcm_status lcm_cmp_chisq_run(lcm_db *db, const lcm_cmp_request *req, lcm_svy_chisq *out,
                             lcm_err *err);

#endif
