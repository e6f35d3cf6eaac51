/*
 * svy_calib.c - calibration of a design's weights (post-stratification, raking, linear/GREG
 * calibration) and the residual projection its variance needs (R's svyrecvar postStrata).
 */
#include "svy_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void lcm__svy_cal_free(svy_cal *c) {
    if (!c)
        return;
    for (size_t b = 0; b < c->nblock; b++) {
        free(c->block[b].cell);
        free(c->block[b].dense);
        free(c->block[b].afac);
        free(c->block[b].cfac);
    }
    free(c->block);
    free(c->minv);
    free(c->cross);
    free(c->count);
    free(c->unit_c);
    free(c);
}

/* Raking: R's 10 sweeps of x <- x - psw * ave(x/psw, margin), on the coefficients. Every
 * sweep adds to beta the cell means of what is left; "what is left" in cell i is
 * q_i - sum_j cross[i][j] beta_j. */
static void rake_beta(const svy_cal *c, const double *q, double *beta) {
    size_t p = c->p;
    memset(beta, 0, p * sizeof *beta);
    for (int it = 0; it < c->sweeps; it++)
        for (size_t b = 0; b < c->nblock; b++) {
            const svy_cal_block *bl = &c->block[b];
            for (size_t i = bl->col0; i < bl->col0 + bl->ncol; i++) {
                double left = q[i];
                for (size_t j = 0; j < p; j++)
                    left -= c->cross[i * p + j] * beta[j];
                /* cells of one margin are disjoint, so updating in place within the margin
                 * does not change the other cells' remainders */
                if (c->count[i] > 0)
                    beta[i] += left / c->count[i];
            }
        }
}

void lcm__svy_cal_beta(const svy_cal *c, const double *q, double *beta) {
    size_t p = c->p;
    if (c->kind == SVY_CAL_RAKE) {
        rake_beta(c, q, beta);
        return;
    }
    for (size_t i = 0; i < p; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += c->minv[i * p + j] * q[j];
        beta[i] = s;
    }
}
