/*
 * svy_internal.h - the layout of a design shared by the svy_*.c files (not a public header).
 *
 * Rows are kept in an order sorted by (stratum, PSU, SSU) so that the one-pass accumulator can
 * walk "units" (the finest cluster level the variance needs) with contiguous row ranges, and a
 * domain's cells come out grouped by stratum, then PSU.
 */
#ifndef LCM_SVY_INTERNAL_H
#define LCM_SVY_INTERNAL_H

#include "message.h"
#include "svy.h"

#include <stdio.h>

/* A calibration as the variance sees it (R's svyrecvar postStrata handling). For a domain
 * variable with linearised values z = w*u, the residual is e_k = z_k - sum_j beta_j c_kj where
 * beta solves a p-dimensional linear problem whose right-hand side is Q_j = sum_k a_kj u_k:
 *   linear (GREG and post-stratification): beta = M^-1 Q, M = X'DX (D = pre-calibration
 *     weights), a_kj = d_k x_kj, c_kj = w_k x_kj;
 *   raking (R's rake): 10 sweeps over the margins of x <- x - psw * ave(x/psw, margin), done
 *     on the coefficients: a_kj = (w_k/psw_mk) 1[k in cell j], c_kj = psw_mk 1[k in cell j].
 * Columns come in blocks: a one-hot block (a categorical margin, cell index per row) or a
 * dense block (a model matrix). */
enum { SVY_CAL_LINEAR, SVY_CAL_RAKE };

typedef struct svy_cal_block {
    size_t col0, ncol; /* columns [col0, col0+ncol) of the calibration */
    int32_t *cell;     /* n cell indices in [0,ncol) for a one-hot block, else NULL */
    double *dense;     /* n*ncol row-major values for a dense block, else NULL */
    double *afac;      /* n row factors for a_kj */
    double *cfac;      /* n row factors for c_kj */
} svy_cal_block;

typedef struct svy_cal {
    int kind;
    size_t p; /* number of columns */
    size_t nblock;
    svy_cal_block *block; /* nblock blocks */
    double *minv;         /* linear: p*p inverse of M, or its diagonal when diag */
    int diag;             /* linear with M diagonal (post-stratification) */
    double *count;        /* rake: p row counts per cell (R's ave() is unweighted) */
    int sweeps;           /* rake: sweeps R's svyrecvar does (10) */
    /* rake: cross[i][j] = sum over rows in cell i and cell j of c_kj * (a_ki / w_k), and
     * per variance unit the sums of c_kj, both as their nonzeros only (CSR, columns in
     * increasing order): with margins by city a cell only meets its own city's cells and a
     * unit only its city's, so memory is O(nonzeros), not p^2 + nunit*p, and a domain's
     * variance costs only its own cells (svy_estimate.c) */
    size_t *cross_start, *cross_col; /* p+1 offsets; column of each nonzero */
    double *cross_val;
    size_t *uc_start, *uc_col; /* nunit+1 offsets; column of each nonzero */
    double *uc_val;
} svy_cal;

/* Replicate weights: V = scale * sum_r rscale_r (theta_r - centre)^2. */
typedef struct svy_rep {
    size_t nrep;
    double *w; /* nrep*n, replicate r's weights at w[r*n + row] */
    double scale;
    double *rscale;    /* nrep */
    int mse;           /* centre at the full-sample estimate instead of the replicate mean */
    size_t *psu_unit0; /* npsu+1: first variance unit of each PSU */
} svy_rep;

struct lcm_svy_design {
    size_t n;
    double *w;     /* n current weights, always 1/prob as R's weights() gives them */
    double *prob;  /* n selection probabilities as R's design$prob holds them: 1/weights,
                      probs, or the product of the stages' n/N; calibration divides them.
                      Keeping R's representation makes the weights bit-identical to R's,
                      which the quantile CDF needs where it steps exactly at p */
    size_t *order; /* n row indices sorted by (stratum, psu, ssu, row) */
    lcm_svy_lonely lonely;
    int two_stage; /* stage-2 variance enters (ssu given and stage-1 fpc given) */

    size_t nunit;       /* units: SSUs when two_stage, else PSUs */
    size_t *unit_start; /* nunit+1 offsets into order */
    size_t *unit_psu;   /* nunit */

    size_t npsu;
    size_t *psu_stratum; /* npsu */
    size_t *psu_nssu;    /* npsu: SSUs sampled in the PSU (full sample) */
    double *psu_f2;      /* npsu: stage-2 fpc factor (N-m)/N, 1 without fpc */
    int64_t *psu_code;   /* npsu */

    size_t nstrata;
    size_t *str_npsu;  /* nstrata: PSUs in the stratum (full sample) */
    double *str_f1;    /* nstrata: stage-1 fpc factor (N-n)/N, 1 without fpc */
    double *str_frac;  /* nstrata: n/N, multiplies the stage-2 variance */
    int64_t *str_code; /* nstrata */
    char **str_name;   /* nstrata names for messages, or NULL: the codes */
    char **psu_name;   /* npsu names for messages, or NULL: the codes */

    size_t max_npsu, max_nssu; /* largest n_h and m_i: scratch sizes for the variance */
    svy_cal *cal;              /* NULL unless calibrated */
    svy_rep *rep;              /* NULL unless replicate weights are attached */
};

/* How messages name stratum h or PSU i of d: 'name' when the spec named it, else its code;
 * into buf (cap bytes), which is returned. */
const char *lcm__svy_stratum_name(const lcm_svy_design *d, size_t h, char *buf, size_t cap);
const char *lcm__svy_psu_name(const lcm_svy_design *d, size_t i, char *buf, size_t cap);

/* Copy of a design's layout and weights, without its calibration or replicates. */
lcm_status lcm__svy_design_clone(const lcm_svy_design *d, lcm_svy_design **out);

void lcm__svy_cal_free(svy_cal *c);
void lcm__svy_rep_free(svy_rep *r);

/* Taylor variance of an estimator from its linearised unit totals. units[0..m) are unit
 * indices in increasing order with totals t; units not listed have total 0 (R pads absent PSUs
 * of a subset with zeros). Applies fpc at both stages and the lonely-PSU policy. */
lcm_status lcm__svy_taylor_var(const lcm_svy_design *d, const size_t *units, const double *t,
                               size_t m, double *var, char *err, size_t errlen);

/* Sum of squared deviations of x[0..m) and n - m zeros from their common mean (R's onestrat
 * centring, absent units counting as zeros). */
double lcm__svy_centred_ss(const double *x, size_t m, size_t n);

/* Stage-2 variance inside PSU i (before the n_h/N_h factor) from the centred sum of squares
 * ss of its SSU totals, applying the stage-2 fpc and the lonely policy; total is the PSU's
 * total, which "adjust" needs when the PSU has a single SSU. */
lcm_status lcm__svy_stage2(const lcm_svy_design *d, size_t i, double ss, double total, double *out,
                           char *err, size_t errlen);

/* Taylor variance from PSU totals: psus[0..m) present PSU indices in increasing order with
 * totals t and (v2 non-NULL) their stage-2 variances from lcm__svy_stage2. */
lcm_status lcm__svy_taylor_psu(const lcm_svy_design *d, const size_t *psus, const double *t,
                               const double *v2, size_t m, double *var, char *err, size_t errlen);

/* svy_estimate.c's pieces reused by svy_compare.c: a row's calibration right-hand sides
 * (q[j], q[p+j], q[2p+j] += a_kj, a_kj*y, a_kj*x); the replicate variance from the sums s
 * (sum w_r, w_r*y, w_r*x at s[r], s[R+r], s[2R+r]); the replicate df of PSUs psus[0..k). */
void lcm__svy_cal_add(const svy_cal *c, size_t k, double *q, double y, double x);
double lcm__svy_rep_var(const svy_rep *rp, const double *s, lcm_svy_stat stat, double est);
double lcm__svy_rep_df(const lcm_svy_design *d, const size_t *psus, size_t k);

/* Calibration coefficients beta (p) for a right-hand side q (p), see svy_cal. */
void lcm__svy_cal_beta(const svy_cal *c, const double *q, double *beta);

/* The same on cells[0..m) only (increasing; whole components: cells linked through a row,
 * all p cells for a dense linear calibration), q read and beta written there only; beta
 * elsewhere is zero in the full solution when q is zero outside the cells. */
void lcm__svy_cal_beta_on(const svy_cal *c, const double *q, double *beta, const size_t *cells,
                          size_t m);

#endif
