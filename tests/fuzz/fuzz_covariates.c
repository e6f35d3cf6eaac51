/*
 * fuzz_covariates.c - libFuzzer target for the district covariate file of `lcmon smallarea`
 * (--covariates FILE: CSV code,NAME[,NAME...]). The input is the file; every problem must
 * name the file, and a file that reads holds digit codes and finite values only.
 */
#include "smallarea.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_covariates.%ld.csv", (long)getpid());
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size)
        abort();
    fclose(fp);
    lcm_sa_covariates c;
    lcm_err err = {0};
    if (lcm_sa_covariates_read(path, &c, &err) == LCM_OK) {
        if (c.ncov < 1 || c.ncov > LCM_SA_MAXCOV)
            __builtin_trap();
        for (size_t i = 0; i < c.nrows; i++) {
            if (!c.code[i][0] || strspn(c.code[i], "0123456789") != strlen(c.code[i]))
                __builtin_trap();
            for (size_t j = 0; j < c.ncov; j++)
                if (!isfinite(c.x[i * c.ncov + j]))
                    __builtin_trap();
        }
    } else if (err.status != LCM_NOMEM && !strstr(err.msg, path)) {
        __builtin_trap(); /* every problem names the file */
    }
    lcm_sa_covariates_free(&c);
    return 0;
}
