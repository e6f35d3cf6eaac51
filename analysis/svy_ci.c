/*
 * svy_ci.c - confidence intervals for design-based estimates: t on the design degrees of
 * freedom, and for proportions the logit and Korn-Graubard intervals of R's svyciprop
 * (checked through the store in tests/test_estimate.c against tests/r/estimate_ci.R, and
 * where R gives NaN against tests/r/estimate_ci_nan.R).
 */
#include "svy.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

void lcm_svy_ci(lcm_svy_ci_kind kind, int is_prop, const lcm_svy_est *e, double level, size_t nrow,
                double *lo, double *hi) {
    double a = 1 - level, p = e->estimate, se = e->se;
    *lo = *hi = NAN;
    /* No design df: R's qt(., df = 0) is NaN, and so is every interval built on it (svymean's
     * confint with df = degf, and svyciprop's logit, beta and mean intervals). */
    if (isnan(p) || isnan(se) || !(e->df > 0))
        return;
    double q = gsl_cdf_tdist_Pinv(1 - a / 2, e->df);
    if (!is_prop || kind == LCM_SVY_CI_WALD) {
        *lo = p - q * se, *hi = p + q * se; /* svyciprop(method = "mean") at 0 or 1: [p, p] */
        return;
    }
    /* A proportion of 0 or 1 has no logit or Korn-Graubard interval: the logit is infinite
     * and the beta interval's effective n is 0/0, NaN in R (whose logit method, fitting a
     * glm that does not converge there, returns an interval ~1e-10 wide around 1e-10). */
    if (p <= 0 || p >= 1)
        return;
    if (se <= 0) { /* every PSU agrees: nothing to widen */
        *lo = *hi = p;
        return;
    }
    if (kind == LCM_SVY_CI_LOGIT) {
        /* R svyciprop(method = "logit"): interval for logit(p) with SE se/(p(1-p)). */
        double l = log(p / (1 - p)), s = se / (p * (1 - p));
        *lo = 1 / (1 + exp(-(l - q * s))), *hi = 1 / (1 + exp(-(l + q * s)));
        return;
    }
    /* Korn-Graubard as R's svyciprop(method = "beta"): effective n from the design
     * variance, corrected by the ratio of t quantiles, then Clopper-Pearson. */
    double neff = p * (1 - p) / (se * se);
    if (nrow > 1) {
        double r = gsl_cdf_tdist_Pinv(a / 2, (double)nrow - 1) / gsl_cdf_tdist_Pinv(a / 2, e->df);
        neff *= r * r;
    }
    *lo = gsl_cdf_beta_Pinv(a / 2, neff * p, neff * (1 - p) + 1);
    *hi = gsl_cdf_beta_Pinv(1 - a / 2, neff * p + 1, neff * (1 - p));
}
