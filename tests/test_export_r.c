/*
 * test_export_r.c - `lcmon export --format r`: the R script for a declared design, and the
 * check it exists for. tests/fixtures/export/household.R is the script lcmon wrote for the
 * database below, and r_check.csv what R's survey package computed from it (made by
 * tests/r/export_household.R, commands in its header); CI has no R, so this test compares
 * `lcmon estimate` with those stored numbers.
 */
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The database of tests/r/export_household.R's header. */
static const char *simulated_db(void) {
    static char db[4096];
    if (db[0])
        return db;
    snprintf(db, sizeof db, "%s", lcmt_tmp("export_r.db"));
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"simulate", db, "--cities", "2", "--waves", "2025",
                                  "--households", "20", "--seed", "7", NULL},
                 NULL, NULL, NULL),
        0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"design", "set", db, "--form", "household", "--strata", "stratum",
                                  "--psu", "psu", "--weight", "design_weight", NULL},
                 NULL, NULL, NULL),
        0);
    return db;
}

/* mean and se of variable v in the CSV text (first three columns: variable, mean, se). */
static int find_row(const char *csv, const char *v, double *mean, double *se) {
    char key[64];
    snprintf(key, sizeof key, "\n%s,", v);
    const char *p = csv ? strstr(csv, key) : NULL;
    if (!p)
        return 0;
    p += strlen(key);
    if (*p == ',') /* lcmon's csv: an empty category column */
        p++;
    char *end;
    *mean = strtod(p, &end);
    if (*end != ',')
        return 0;
    *se = strtod(end + 1, &end);
    return *end == ',';
}

static void export_r__script_for_the_design_and_estimates_as_r(void) {
    const char *db = simulated_db();
    char dir[2048], path[4096], *out = NULL;
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("rexport"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"export", db, "--form", "household", "--format", "r",
                                              "--out", dir, NULL},
                             NULL, &out, NULL),
                    0);
    CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "wrote the R script '"));
    free(out);
    snprintf(path, sizeof path, "%s/household.R", dir);
    char *got = lcmt_slurp(path, NULL),
         *want = lcmt_slurp(lcmt_path("tests/fixtures/export/household.R"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "\n  household.R differs from the fixture:\n%s", got);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got), free(want);
    snprintf(path, sizeof path, "%s/household.csv", dir);
    got = lcmt_slurp(path, NULL);
    CU_ASSERT_EQUAL(lcmt_count_lines(got), 81); /* header + 80 households, no BOM */
    CU_ASSERT(got && strncmp(got, "instance_id,", 12) == 0);
    free(got);
    snprintf(path, sizeof path, "%s/household__members.csv", dir);
    got = lcmt_slurp(path, NULL);
    CU_ASSERT_EQUAL(lcmt_count_lines(got), 213); /* header + 212 persons */
    free(got);

    /* lcmon estimate agrees with R's svymean on the exported data (r_check.csv) */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"estimate", db, "--form", "household", "--var", "sat_overall,age",
                                  "--no-store", "--format", "csv", NULL},
                 NULL, &out, NULL),
        0);
    char *ref = lcmt_slurp(lcmt_path("tests/fixtures/export/r_check.csv"), NULL);
    const char *vars[] = {"sat_overall", "age"};
    for (int i = 0; i < 2; i++) {
        double m = 0, se = 0, rm = 0, rse = 0;
        CU_ASSERT(find_row(out, vars[i], &m, &se));
        CU_ASSERT(find_row(ref, vars[i], &rm, &rse));
        LCMT_ASSERT_REL(m, rm, 1e-9);
        LCMT_ASSERT_REL(se, rse, 1e-9);
        CU_ASSERT(rm > 0 && rse > 0);
    }
    free(out), free(ref);
}

static void export_r__calibration_means_final_weight(void) {
    const char *db = simulated_db();
    char dir[2048], path[4096];
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"weight", "poststratify", db, "--form", "household", "--margins",
                                  lcmt_path("tests/fixtures/export/ps_margins.csv"), NULL},
                 NULL, NULL, NULL),
        0);
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("rexport_cal"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"export", db, "--form", "household", "--format", "r",
                                              "--out", dir, NULL},
                             NULL, NULL, NULL),
                    0);
    snprintf(path, sizeof path, "%s/household.R", dir);
    char *got = lcmt_slurp(path, NULL);
    CU_ASSERT_PTR_NOT_NULL(got && strstr(got, "# A calibration (poststratify) is declared too, so "
                                              "the weights are final_weight"));
    CU_ASSERT_PTR_NOT_NULL(got && strstr(got, "design <- svydesign(ids = ~`psu`, strata = "
                                              "~`stratum`,\n                    weights = "
                                              "~`final_weight`, data = household, nest = TRUE)\n"));
    free(got);
}

const lcmt_case lcmt_export_r_cases[] = {
    {"export_r__script_for_the_design_and_estimates_as_r",
     export_r__script_for_the_design_and_estimates_as_r},
    {"export_r__calibration_means_final_weight", export_r__calibration_means_final_weight},
    {NULL, NULL},
};
