/*
 * fuzz_margins.c - libFuzzer target for the population margins file of `lcmon weight`
 * (--margins FILE: CSV margin,level,population). The input is the file's text; every
 * problem must name the file. A margin set that parses is checked for what calibration
 * relies on: a known number of columns and a population for every level.
 */
#include "weight.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    lcm_margin_set ms = {0};
    lcm_err err = {0};
    if (lcm_margins_parse(text, "m.csv", &ms, &err) == LCM_OK) {
        for (size_t i = 0; i < ms.n; i++) {
            if (ms.m[i].nvars < 1 || ms.m[i].nvars > LCM_MARGIN_MAXVARS)
                __builtin_trap();
            for (size_t l = 0; l < ms.m[i].nlevel; l++)
                if (!ms.m[i].levels[l] || !(ms.m[i].pop[l] >= 0))
                    __builtin_trap();
        }
        lcm_margins_free(&ms);
    } else if (err.status != LCM_NOMEM && !strstr(err.msg, "m.csv")) {
        __builtin_trap(); /* every problem names the file */
    }
    free(text);
    return 0;
}
