/*
 * svy.h - design-based estimation for complex household samples, as R's survey package
 * computes it (docs/methods.md §1-3): a design (strata, one or two stages of clusters, fpc per
 * stage, weights, lonely-PSU policy), estimators (mean, total, proportion, ratio) with SEs by
 * Taylor linearisation for every domain of several "by" groupings in one pass over the rows,
 * quantiles with Woodruff intervals, calibration (post-stratification, raking, linear/GREG)
 * with residual variance, replicate weights (built or imported), and the change of an
 * estimate between two independent waves.
 *
 * Everything is arrays in, results out: the caller (the CLI) maps strings to integer codes and
 * owns every input array; a design copies what it keeps. Nothing here prints or allocates
 * behind the caller's back beyond the handles it documents. Functions that can fail on the data
 * take an optional message buffer (err, errlen; either may be NULL/0) that receives a
 * lower-case sentence such as "stratum 'east' has only one PSU at stage 1" (a stratum or PSU
 * is named by its name in the spec, else by its code).
 */
#ifndef LCM_SVY_H
#define LCM_SVY_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* ---- design ---------------------------------------------------------------------------- */

typedef struct lcm_svy_design lcm_svy_design;

/* What to do with a stratum that has a single PSU in the full sample (R's survey.lonely.psu).
 * A stratum whose fpc says it was taken completely contributes nothing under every policy. */
typedef enum lcm_svy_lonely {
    LCM_SVY_LONELY_FAIL,      /* the estimate fails with LCM_DESIGN (R's default) */
    LCM_SVY_LONELY_REMOVE,    /* the stratum contributes 0 */
    LCM_SVY_LONELY_CERTAINTY, /* the stratum contributes 0 (treated as sampled with certainty) */
    LCM_SVY_LONELY_ADJUST,    /* the lonely PSU's total is centred at 0, not at its own value */
    LCM_SVY_LONELY_AVERAGE    /* the stratum is dropped and the variance scaled by H/H_ok */
} lcm_svy_lonely;

/* A sample design over n rows. Every pointer is borrowed for the duration of the call only.
 * Codes are arbitrary integers (the CLI maps labels to them); PSU codes are nested in strata
 * and SSU codes in PSUs (R's nest=TRUE), so the same code may be reused across strata. */
typedef struct lcm_svy_spec {
    size_t n;              /* number of rows (respondents) */
    const int64_t *strata; /* stage-1 stratum per row, or NULL for an unstratified design */
    const int64_t *psu;    /* PSU per row, or NULL: every row is its own PSU */
    const int64_t *ssu;    /* second-stage unit per row (needs psu), or NULL: one stage */
    const double *fpc1;    /* stage-1 population size N_h (>= 1) or sampling fraction (< 1) per
                              row, constant within stratum; NULL = sampled with replacement */
    const double *fpc2;    /* stage-2 N_i or fraction per row, constant within PSU; needs fpc1
                              and ssu. NULL with ssu = the second stage is with replacement */
    const double *weights; /* sampling weight per row (> 0), or NULL */
    const double *probs;   /* inclusion probability per row, used when weights is NULL; with
                              both NULL the weights are 1/(product of stage fractions) when fpc
                              is given, else 1 (as R's svydesign) */
    lcm_svy_lonely lonely; /* lonely-PSU policy, applied at both stages */
} lcm_svy_spec;

/* Names of the codes for messages ("stratum 'east' has only one PSU"): stratum code c is
 * named strata[c] when 0 <= c < nstrata (PSU code c: psu[c]), else messages show the code.
 * Borrowed for the call; the design copies the names it needs. */
typedef struct lcm_svy_names {
    const char *const *strata;
    size_t nstrata;
    const char *const *psu;
    size_t npsu;
} lcm_svy_names;

/* Build a design from spec; *out is the caller's, freed with lcm_svy_design_free.
 * LCM_INVAL for inconsistent arguments (fpc mixing counts and fractions, fpc below the number
 * sampled, fpc varying within a stratum or PSU, non-positive weights), LCM_NOMEM. */
lcm_status lcm_svy_design_new(const lcm_svy_spec *spec, lcm_svy_design **out, char *err,
                              size_t errlen);
/* The same with names (may be NULL) for the strata and PSUs its messages mention. */
lcm_status lcm_svy_design_new_named(const lcm_svy_spec *spec, const lcm_svy_names *names,
                                    lcm_svy_design **out, char *err, size_t errlen);

/* Free a design (NULL is fine). */
void lcm_svy_design_free(lcm_svy_design *d);

/* Number of rows, strata and PSUs of the full design. */
size_t lcm_svy_design_nrows(const lcm_svy_design *d);
size_t lcm_svy_design_nstrata(const lcm_svy_design *d);
size_t lcm_svy_design_npsu(const lcm_svy_design *d);

/* The design's current (possibly calibrated) weights, n of them; borrowed from d. */
const double *lcm_svy_design_weights(const lcm_svy_design *d);

/* ---- estimation ------------------------------------------------------------------------ */

typedef enum lcm_svy_stat {
    LCM_SVY_MEAN,  /* Hajek mean of y; a proportion is the mean of a 0/1 indicator */
    LCM_SVY_TOTAL, /* Horvitz-Thompson total of y */
    LCM_SVY_RATIO  /* ratio of totals y/x */
} lcm_svy_stat;

/* One variable to estimate. A row with y (or x) NaN is left out of that estimate exactly as
 * R's na.rm=TRUE does on a domain subset: the row is dropped but its PSU still counts in n_h.
 * Proportions of a select_one with K categories: pass K indicator columns (NaN where the
 * question is unanswered); of a select_multiple: one 0/1 column per choice. */
typedef struct lcm_svy_var {
    lcm_svy_stat stat;
    const double *y; /* n values */
    const double *x; /* n denominator values for LCM_SVY_RATIO, else NULL */
} lcm_svy_var;

/* A "by" grouping: every row carries a domain id in [0, ndom) or -1 (in no domain of this
 * grouping). dom == NULL means one domain holding every row (the whole population). */
typedef struct lcm_svy_by {
    const int32_t *dom; /* n ids or NULL */
    size_t ndom;        /* number of domains (1 when dom is NULL) */
} lcm_svy_by;

/* One estimate for one (grouping, domain, variable). */
typedef struct lcm_svy_est {
    double estimate; /* NaN when the domain has no usable row */
    double se;       /* sqrt(var) */
    double var;      /* design-based variance */
    double df;       /* design degrees of freedom: PSUs - strata holding the domain's rows */
    double wsum;     /* sum of weights behind the estimate (the domain size estimate) */
    double deff;     /* design effect vs SRS without replacement (R's deff=TRUE); NaN for
                        ratios and when the weights sum below the row count */
    size_t nrows;    /* rows behind the estimate (in the domain, y and x not NaN) */
    size_t npsu;     /* PSUs holding those rows */
} lcm_svy_est;

/* Number of results lcm_svy_estimate writes: (sum of ndom over groupings) * nvar. */
size_t lcm_svy_nresults(const lcm_svy_by *by, size_t nby, size_t nvar);

/* Estimate every variable for every domain of every grouping in ONE pass over the rows.
 * out has lcm_svy_nresults() slots, laid out [grouping][domain][variable]. Variance by Taylor
 * linearisation with calibration residuals when d is calibrated, or from replicate weights when
 * d carries them (see lcm_svy_replicates_*). LCM_DESIGN when a lonely PSU meets the FAIL
 * policy, LCM_INVAL for bad arguments, LCM_NOMEM. */
lcm_status lcm_svy_estimate(const lcm_svy_design *d, const lcm_svy_var *vars, size_t nvar,
                            const lcm_svy_by *by, size_t nby, lcm_svy_est *out, char *err,
                            size_t errlen);

/* ---- quantiles ------------------------------------------------------------------------- */

/* One quantile for one (grouping, domain, variable, probability), as R's svyquantile() gives
 * it with its defaults since survey 4.0: qrule "math" and interval.type "mean". */
typedef struct lcm_svy_quant {
    double p;               /* the probability asked for */
    double estimate;        /* a data value: the smallest y with F(y) >= p, F the domain's weighted
                               CDF (with R's quirk below); NaN when the domain has no usable row */
    double ci_low, ci_high; /* Woodruff interval; NaN where the interval for the proportion
                               falls outside [0, 1] or has no df, as in R */
    double se;              /* (ci_high - ci_low) / (2 t_{df, 1-alpha/2}), as R reports it */
    double df;              /* design df of the domain's usable rows (as for a mean) */
    double pbelow, pbelow_se; /* the Woodruff proportion F(estimate) and its design SE */
    double wsum;              /* sum of weights behind the estimate */
    size_t nrows, npsu;       /* rows and PSUs behind it */
} lcm_svy_quant;

/* Number of results lcm_svy_quantile writes: (sum of ndom over groupings) * nvar * nq. */
size_t lcm_svy_quantile_nresults(const lcm_svy_by *by, size_t nby, size_t nvar, size_t nq);

/* Quantiles probs[0..nq) (each in [0, 1]) of the variables y[0..nvar) (n values each, NaN =
 * missing, left out as R's na.rm=TRUE) for every domain of every grouping, with Woodruff
 * confidence intervals at the given level (R's alpha = 1 - level) and R's SE. One sort of
 * each variable, then per grouping one lcm_svy_estimate pass over the rows for the
 * proportions below the quantiles of every domain at once, so the variance of the Woodruff
 * proportion is whatever d gives a mean (Taylor with fpc and lonely-PSU policy, calibration
 * residuals, or replicates). out has lcm_svy_quantile_nresults() slots, laid out
 * [grouping][domain][variable][probability]. Errors as lcm_svy_estimate. */
lcm_status lcm_svy_quantile(const lcm_svy_design *d, const double *const *y, size_t nvar,
                            const double *probs, size_t nq, double level, const lcm_svy_by *by,
                            size_t nby, lcm_svy_quant *out, char *err, size_t errlen);

/* ---- change between two waves ---------------------------------------------------------- */

/* The change b - a between two estimates from independent samples (two waves, each with its
 * own design), docs/methods.md §5. */
typedef struct lcm_svy_change {
    double diff; /* b - a */
    double se;   /* sqrt(se_a^2 + se_b^2): independent samples have no covariance */
    double df;   /* Welch-Satterthwaite: (v_a + v_b)^2 / (v_a^2/df_a + v_b^2/df_b) */
    double t;    /* diff / se */
    double p;    /* two-sided p-value from Student's t on df */
} lcm_svy_change;

/* Compare estimate b (wave 2) with a (wave 1), each with its SE and design df. The p-value
 * uses t on Welch-Satterthwaite df, not the normal: a city has ~20 PSUs, so each SE rests on
 * ~19 df and a normal reference would overstate significance. A wave whose SE is 0 adds no
 * df term; NaN p when an SE is NaN, when a wave with SE > 0 has no df, or when se is 0. */
void lcm_svy_change_of(double a, double se_a, double df_a, double b, double se_b, double df_b,
                       lcm_svy_change *out);

/* ---- calibration ----------------------------------------------------------------------- */
/* Each calibration returns a NEW design (the caller's, lcm_svy_design_free) whose weights are
 * calibrated and whose Taylor variances use the calibration residuals as R's calibrated
 * designs do, for every domain too. The input design is not changed. A design can be
 * calibrated once (calibrating a calibrated design is LCM_UNSUPPORTED). */

/* One categorical margin: a cell in [0, ncell) per row and the population count of each cell. */
typedef struct lcm_svy_margin {
    const int32_t *cell; /* n cell ids */
    size_t ncell;
    const double *popsize; /* ncell population counts (> 0 where the sample has the cell) */
} lcm_svy_margin;

/* How an iterative calibration ended. */
typedef struct lcm_svy_calib_report {
    int iterations; /* sweeps (raking) or Newton steps (bounded linear) */
    double misfit;  /* raking: largest change of a joint-table cell in the last sweep;
                       linear: largest |misfit|/(1+|total|) */
    int converged;
} lcm_svy_calib_report;

/* Post-stratification (R's postStratify): w <- w * N_g / N^_g. LCM_DESIGN when a cell with a
 * positive population count has no sample row, or a sampled cell has population 0. */
lcm_status lcm_svy_poststratify(const lcm_svy_design *d, const lcm_svy_margin *m,
                                lcm_svy_design **out, char *err, size_t errlen);

/* Raking over nmargin margins (R's rake): sweeps of post-stratification on each margin until
 * the largest change of any cell of the joint table of all margins between sweeps is below
 * epsilon (epsilon < 1 is a fraction of the sum of weights, as in R; R's default is 1),
 * at most maxit sweeps (R's default 10). rep (may be NULL) gets the sweeps and last change.
 * Fails loudly: LCM_NOCONVERGE (and *out NULL) when it does not converge. */
lcm_status lcm_svy_rake(const lcm_svy_design *d, const lcm_svy_margin *m, size_t nmargin, int maxit,
                        double epsilon, lcm_svy_design **out, lcm_svy_calib_report *rep, char *err,
                        size_t errlen);

/* Linear (GREG) calibration to p population totals of the columns x[0..p) (each n values;
 * include a column of 1s for the population size), R's calibrate(calfun="linear"). With
 * lower = -INFINITY and upper = INFINITY the closed form (R's regcalibrate); otherwise the
 * g-weights are bounded to [lower, upper] by R's Newton iteration (grake, maxit steps,
 * convergence at max |misfit|/(1+|total|) < epsilon; R's defaults 50 and 1e-7).
 * LCM_NUMERIC for a singular X'DX, LCM_NOCONVERGE when the bounds cannot be met. */
lcm_status lcm_svy_calibrate(const lcm_svy_design *d, const double *const *x, size_t p,
                             const double *totals, double lower, double upper, int maxit,
                             double epsilon, lcm_svy_design **out, lcm_svy_calib_report *rep,
                             char *err, size_t errlen);

/* ---- replicate weights ----------------------------------------------------------------- */
/* A design with replicate weights estimates its variances from them (R's svrepdesign):
 * V = scale * sum_r rscale_r (theta_r - mean of theta_r)^2, replicates whose estimate is
 * undefined (a domain emptied by the replicate) left out as R's svrVar does; df is the number
 * of replicates - 1 (R's rank - 1 when the replicate weights are of full rank). */

typedef enum lcm_svy_reptype {
    LCM_SVY_REP_JK1,      /* delete-one-PSU jackknife, unstratified designs */
    LCM_SVY_REP_JKN,      /* delete-one-PSU jackknife within strata */
    LCM_SVY_REP_BOOTSTRAP /* Canty-Davison bootstrap of PSUs within strata */
} lcm_svy_reptype;

/* Replicate weights built from d's first stage as R's as.svrepdesign(type="JK1"/"JKn"/
 * "bootstrap") does (stage-1 fpc used, later stages dropped; JKn applies d's lonely-PSU
 * policy). nrep and seed are used by the bootstrap only (its random draws are lcmon's own, so
 * its replicates differ from R's: compare imported R replicates instead). mse centres the
 * variance at the full-sample estimate (R's mse=TRUE). Returns a new design (the caller's);
 * LCM_UNSUPPORTED for calibrated designs, LCM_INVAL for JK1 on a stratified design or JKn
 * on an unstratified one, LCM_DESIGN for a lonely PSU under FAIL. */
lcm_status lcm_svy_replicates_make(const lcm_svy_design *d, lcm_svy_reptype type, size_t nrep,
                                   uint64_t seed, int mse, lcm_svy_design **out, char *err,
                                   size_t errlen);

/* Imported replicate weights (R's svrepdesign): rw[r] holds n values for replicate r; when
 * combined is 0 they are multipliers of the sampling weights (R's combined.weights=FALSE),
 * else the final weights. rscale may be NULL (all 1); mse centres at the full-sample
 * estimate. pweights (may be NULL: d's weights) are the sampling weights exactly as given:
 * svrepdesign() keeps them so, where a design built from weights holds 1/(1/w) like R's
 * svydesign(), and a quantile at an exact step of the CDF can tell the two apart.
 * New design (caller's). */
lcm_status lcm_svy_replicates_attach(const lcm_svy_design *d, const double *const *rw, size_t nrep,
                                     int combined, double scale, const double *rscale, int mse,
                                     const double *pweights, lcm_svy_design **out, char *err,
                                     size_t errlen);

/* ---- confidence intervals ------------------------------------------------------------ */

typedef enum lcm_svy_ci_kind {
    LCM_SVY_CI_WALD,  /* estimate +- t(df) * se */
    LCM_SVY_CI_LOGIT, /* proportions: R svyciprop(method = "logit") */
    LCM_SVY_CI_BETA   /* proportions: Korn-Graubard, R svyciprop(method = "beta") */
} lcm_svy_ci_kind;

/* Interval [*lo, *hi] at `level` for e, NaN where R gives NaN: when e has no estimate or
 * SE, when it has no design df (df <= 0: R's qt(., 0) is NaN), and for a proportion of 0
 * or 1 under LOGIT or BETA. Proportions (is_prop) use kind, strictly inside (0, 1) with a
 * zero SE the point [p, p]; everything else the t interval. nrow is the row count of the
 * (domain's) design, which svyciprop uses for the beta interval's effective-n correction
 * (R subsets an uncalibrated design first). */
void lcm_svy_ci(lcm_svy_ci_kind kind, int is_prop, const lcm_svy_est *e, double level, size_t nrow,
                double *lo, double *hi);

#endif
