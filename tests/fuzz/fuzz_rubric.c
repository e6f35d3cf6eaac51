/*
 * fuzz_rubric.c - libFuzzer target for the rubric of the rating points (surveys/rubric.csv,
 * read by `lcmon ratings rubric` and lcm_rubric_load). The input is the file, checked against a
 * short fixed seed text. Checked: a file that reads gives rows with a level 1-5 and every text
 * present; one that does not names the file and leaves no rows.
 */
#include "rating.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_rubric.%ld.csv", (long)getpid());
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size)
        abort();
    fclose(fp);
    static const char seed[] =
        "开展全民阅读日(周/月)、读书节等活动，打造适应本地需求的品牌阅读活动";
    lcm_rubric r;
    lcm_err err = {0};
    if (lcm_rubric_load(path, seed, &r, &err) == LCM_OK) {
        for (size_t i = 0; i < r.n; i++)
            if (r.row[i].level < 1 || r.row[i].level > 5 || !*r.row[i].code ||
                !*r.row[i].descriptor || !strstr(seed, r.row[i].quote))
                __builtin_trap();
        lcm_rubric_free(&r);
    } else if (r.n != 0 || r.row || (err.status != LCM_NOMEM && !strstr(err.msg, path))) {
        __builtin_trap();
    }
    unlink(path);
    return 0;
}
