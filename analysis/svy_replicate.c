/*
 * svy_replicate.c - replicate weights: JK1, JKn and bootstrap built from a design, or imported;
 * variance from the replicate estimates (METHODS.md §3, R's as.svrepdesign/svrVar).
 */
#include "svy_internal.h"

#include <stdlib.h>

void lcm__svy_rep_free(svy_rep *r) {
    if (!r)
        return;
    free(r->w);
    free(r->rscale);
    free(r);
}
