/*
 * fuzz_xlsx.c - libFuzzer target for XLSForm workbooks (engine/form_xlsx.c): the input is
 * the bytes of a .xlsx file (a zip of XML parts), read as `lcmon form check FILE.xlsx` reads
 * one. Every problem, and the error of a refused workbook, must name the file; a form that
 * reads has a form_id.
 */
#include "form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lcm_form *f = NULL;
    char **problems = NULL;
    lcm_err err = {0};
    lcm_status st = lcm_form_check_xlsx_buffer(data, size, "fuzz.xlsx", &f, &problems, &err);
    for (size_t i = 0; problems && problems[i]; i++)
        if (strncmp(problems[i], "fuzz.xlsx", 9) != 0 && strncmp(problems[i], "…", 3) != 0)
            __builtin_trap(); /* every problem names the workbook */
    lcm_form_problems_free(problems);
    if (st != LCM_OK && st != LCM_NOMEM && strstr(err.msg, "fuzz.xlsx") == NULL)
        __builtin_trap(); /* a refused workbook is named */
    if (st == LCM_OK && !*lcm_form_id(f))
        __builtin_trap();
    lcm_form_free(f);
    return 0;
}
