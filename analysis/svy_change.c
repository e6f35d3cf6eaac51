/*
 * svy_change.c - the change of an estimate between two waves drawn as independent samples
 * (docs/methods.md §5): the difference, its SE with no covariance term, and a two-sided p-value.
 *
 * The reference distribution is Student's t with Welch-Satterthwaite degrees of freedom
 * combining the two designs' df. Each wave's SE is itself estimated from few PSUs per
 * domain (a city's 20 communities give 19 df), so the normal reference R users often reach
 * for (2 * pnorm(-|z|)) would give p-values that are too small; with many PSUs the t tends to
 * the normal anyway. lcmon's intervals already use t on the design df, and this keeps the
 * test consistent with them.
 */
#include "svy.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

void lcm_svy_change_of(double a, double se_a, double df_a, double b, double se_b, double df_b,
                       lcm_svy_change *out) {
    double va = se_a * se_a, vb = se_b * se_b;
    out->diff = b - a;
    out->se = sqrt(va + vb);
    out->t = out->diff / out->se;
    out->df = NAN;
    out->p = NAN;
    if (isnan(out->t) || !(out->se > 0))
        return;
    /* a wave with no sampling variance contributes no df term; one with variance but no df
     * leaves the df undefined */
    double den = 0.0;
    if (va > 0) {
        if (!(df_a > 0))
            return;
        den += va * va / df_a;
    }
    if (vb > 0) {
        if (!(df_b > 0))
            return;
        den += vb * vb / df_b;
    }
    out->df = (va + vb) * (va + vb) / den;
    out->p = 2 * gsl_cdf_tdist_Q(fabs(out->t), out->df);
}
