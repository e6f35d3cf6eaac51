/*
 * svy_ci.c - confidence intervals for design-based estimates: t on the design degrees of
 * freedom, and for proportions the logit and Korn-Graubard intervals of R's svyciprop
 * (checked through the store in tests/test_estimate.c against tests/r/estimate_ci.R).
 */
#include "svy.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

void lcm_svy_ci(lcm_svy_ci_kind kind, int is_prop, const lcm_svy_est *e, double level, size_t nrow,
                double *lo, double *hi) {
    double a = 1 - level, p = e->estimate, se = e->se;
    double q = e->df > 0 ? gsl_cdf_tdist_Pinv(1 - a / 2, e->df) : gsl_cdf_ugaussian_Pinv(1 - a / 2);
    *lo = *hi = NAN;
    if (isnan(p) || isnan(se))
        return;
    if (!is_prop || kind == LCM_SVY_CI_WALD || p <= 0 || p >= 1 || se <= 0) {
        *lo = p - q * se, *hi = p + q * se;
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
    if (e->df > 0 && nrow > 1) {
        double r = gsl_cdf_tdist_Pinv(a / 2, (double)nrow - 1) / gsl_cdf_tdist_Pinv(a / 2, e->df);
        neff *= r * r;
    }
    *lo = gsl_cdf_beta_Pinv(a / 2, neff * p, neff * (1 - p) + 1);
    *hi = gsl_cdf_beta_Pinv(1 - a / 2, neff * p + 1, neff * (1 - p));
}
