/*
 * fuzz_contrast.c - libFuzzer target for contrast expressions (`lcmon compare --contrast
 * EXPR`): the input is the expression, parsed against fixed domain labels without a
 * database. A parsed contrast has finite coefficients; a refused one says where.
 */
#include "comparison.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const labels[] = {"4401", "4403", "4451-urban", "60+", "广州"};
    char *expr = malloc(size + 1);
    if (!expr)
        abort();
    memcpy(expr, data, size);
    expr[size] = '\0';
    lcm_cmp_domains *D = lcm__cmp_domains_labels(labels, 5, "age_band");
    double coef[5];
    lcm_err err = {0};
    if (!D)
        abort();
    lcm_status st = lcm_cmp_parse(NULL, D, expr, coef, &err);
    if (st == LCM_OK) {
        for (int i = 0; i < 5; i++)
            if (isnan(coef[i]))
                abort();
    } else if (!strstr(err.msg, "contrast '")) {
        abort();
    }
    lcm_cmp_domains_free(D);
    free(expr);
    return 0;
}
