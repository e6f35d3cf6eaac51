/*
 * test_network_chart.c - `lcmon network coverage --output CHART.png`: the coverage table
 * comes with its chart, and a chart name that could reach gnuplot unquoted is refused.
 */
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void coverage__draws_chart_and_refuses_bad_names(void) {
    char db[1024], png[1100], bad[1100];
    snprintf(db, sizeof db, "%s", lcmt_tmp("cov.db"));
    snprintf(png, sizeof png, "%s.png", db);
    snprintf(bad, sizeof bad, "%s/x'y.png", lcmt_tmp(""));
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", "-q", db, NULL}, NULL, NULL, NULL), 0);
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"network", "coverage", db, "--output", bad, NULL},
                             NULL, &out, &err),
                    1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "chart file must be NAME.png"));
    free(out), free(err);
    if (access("/usr/bin/gnuplot", X_OK) != 0) {
        fprintf(stderr, "\n  gnuplot absent: chart not drawn (skipped)");
        return;
    }
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"network", "coverage", db, "--year", "2025",
                                              "--output", png, NULL},
                             NULL, &out, &err),
                    0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "2025"));
    FILE *fp = fopen(png, "rb");
    unsigned char sig[8] = {0};
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    CU_ASSERT_EQUAL(fread(sig, 1, 8, fp), 8);
    fclose(fp);
    CU_ASSERT_EQUAL(memcmp(sig, "\x89PNG\r\n\x1a\n", 8), 0);
    free(out), free(err);
}

const lcmt_case lcmt_network_chart_cases[] = {
    {"coverage__draws_chart_and_refuses_bad_names", coverage__draws_chart_and_refuses_bad_names},
    {NULL, NULL},
};
