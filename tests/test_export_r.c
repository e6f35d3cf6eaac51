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

/* The simulated household database of the R scripts, made once for this file. */
static const char *simulated_db(void) {
    static char *db;
    if (!db)
        db = lcmt_household_db("export_r.db");
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

/* Field k (0-based) of a comma-separated line into buf. */
static int csv_field(const char *line, int k, char *buf, size_t cap) {
    for (; k > 0; k--) {
        line = strchr(line, ',');
        if (!line)
            return 0;
        line++;
    }
    size_t n = strcspn(line, ",\n");
    if (n >= cap)
        return 0;
    memcpy(buf, line, n);
    buf[n] = '\0';
    return 1;
}

/* Checks every row of r_calibrated.csv for `method` against lcmon's estimate csv: out[0]
 * means without --by (variable first), out[1] with --by city (city first); a proportion's
 * rows (category given) against out[2] and out[3]. Returns the rows seen. */
static int check_calibrated(const char *ref, const char *method, char *const out[4]) {
    int seen = 0;
    for (const char *l = strchr(ref, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
        char m[32], by[32], dom[32], var[64], cat[16], est[64], se[64], key[200];
        if (!csv_field(l + 1, 0, m, sizeof m) || strcmp(m, method) != 0)
            continue;
        CU_ASSERT_FATAL(
            csv_field(l + 1, 1, by, sizeof by) && csv_field(l + 1, 2, dom, sizeof dom) &&
            csv_field(l + 1, 3, var, sizeof var) && csv_field(l + 1, 4, cat, sizeof cat) &&
            csv_field(l + 1, 5, est, sizeof est) && csv_field(l + 1, 6, se, sizeof se));
        if (*by)
            snprintf(key, sizeof key, "\n%s,%s,%s,", dom, var, cat);
        else
            snprintf(key, sizeof key, "\n%s,%s,", var, cat);
        const char *row = strstr(out[(*cat ? 2 : 0) + (*by ? 1 : 0)], key);
        CU_ASSERT_PTR_NOT_NULL(row);
        if (!row)
            continue;
        char *end;
        double e = strtod(row + strlen(key), &end), s = strtod(end + 1, NULL);
        LCMT_ASSERT_REL(e, strtod(est, NULL), 1e-8);
        LCMT_ASSERT_REL(s, strtod(se, NULL), 1e-8);
        CU_ASSERT(strtod(se, NULL) > 0);
        seen++;
    }
    return seen;
}

/* The R script of a calibrated design redoes the calibration, so R's survey package gives
 * the estimates AND standard errors `lcmon estimate` gives (issue 12, item 15: with the
 * final weights alone the SEs were 0.0494 for lcmon's 0.0458). r_calibrated.csv is what R
 * computed from the scripts below (tests/r/export_calibrated.R); the scripts must still
 * calibrate (a script without the calibration call fails here). */
static void export_r__calibrated_script_gives_lcmon_estimates(void) {
    char db[4096], dir[2048], path[4096];
    snprintf(db, sizeof db, "%s", lcmt_tmp("export_rcal.db"));
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
    char *ref = lcmt_slurp(lcmt_path("tests/fixtures/export/r_calibrated.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
    static const struct {
        const char *method, *cmd, *margins, *call;
    } cases[] = {
        {"post", "poststratify", "tests/fixtures/export/ps_margins.csv",
         "design <- postStratify(design, ~lcmon_margin1, lcmon_pop(\"city:sex\", "
         "\"lcmon_margin1\"))\n"},
        {"rake", "rake", "tests/fixtures/export/rake_margins.csv",
         "design <- rake(design, list(~lcmon_margin1, ~lcmon_margin2),\n"
         "               list(lcmon_pop(\"city\", \"lcmon_margin1\"),\n"
         "                    lcmon_pop(\"sex\", \"lcmon_margin2\")),\n"
         "               control = list(maxit = 10, epsilon = 1, verbose = FALSE))\n"},
        {"linear", "calibrate", "tests/fixtures/export/rake_margins.csv",
         "lcmon_totals <- c(lcmon_pop(\"city\", \"m\")$Freq,\n"
         "                  lcmon_pop(\"sex\", \"m\")$Freq[-1])\n"
         "design <- calibrate(design, ~0 + lcmon_margin1 + lcmon_margin2, population = "
         "lcmon_totals,\n                    calfun = \"linear\", bounds = c(-Inf, Inf),\n"
         "                    maxit = 50, epsilon = 1e-07)\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *script, *margins, *want;
        CU_ASSERT_EQUAL(lcmt_run((const char *[]){"weight", cases[i].cmd, db, "--form", "household",
                                                  "--margins", lcmt_path(cases[i].margins), NULL},
                                 NULL, NULL, NULL),
                        0);
        snprintf(dir, sizeof dir, "%s", lcmt_tmp(cases[i].method));
        CU_ASSERT_EQUAL(lcmt_run((const char *[]){"export", db, "--form", "household", "--format",
                                                  "r", "--out", dir, NULL},
                                 NULL, NULL, NULL),
                        0);
        snprintf(path, sizeof path, "%s/household.R", dir);
        script = lcmt_slurp(path, NULL);
        LCMT_ASSERT_HAS(script, cases[i].call);
        LCMT_ASSERT_HAS(script, "weights = ~`design_weight`, data = household, nest = TRUE)\n");
        CU_ASSERT(script && !strstr(script, "final_weight`")); /* not the final weights alone */
        snprintf(path, sizeof path, "%s/household.margins.csv", dir);
        margins = lcmt_slurp(path, NULL);
        want = lcmt_slurp(lcmt_path(cases[i].margins), NULL);
        CU_ASSERT_PTR_NOT_NULL(margins);
        CU_ASSERT(margins && want && strcmp(margins, want) == 0);
        char *outs[4] = {NULL, NULL, NULL, NULL};
        for (int k = 0; k < 4; k++) {
            const char *args[16] = {"estimate",   db,
                                    "--form",     "household",
                                    "--var",      k < 2 ? "sat_overall,age" : "sat_top2",
                                    "--stat",     k < 2 ? "mean" : "prop",
                                    "--no-store", "--format",
                                    "csv",        NULL};
            if (k % 2)
                args[11] = "--by", args[12] = "city", args[13] = NULL;
            CU_ASSERT_EQUAL(lcmt_run(args, NULL, &outs[k], NULL), 0);
        }
        if (outs[0] && outs[1] && outs[2] && outs[3])
            CU_ASSERT_EQUAL(check_calibrated(ref, cases[i].method, outs), 9);
        for (int k = 0; k < 4; k++)
            free(outs[k]);
        free(script), free(margins), free(want);
    }
    free(ref);
}

const lcmt_case lcmt_export_r_cases[] = {
    {"export_r__script_for_the_design_and_estimates_as_r",
     export_r__script_for_the_design_and_estimates_as_r},
    {"export_r__calibrated_script_gives_lcmon_estimates",
     export_r__calibrated_script_gives_lcmon_estimates},
    {NULL, NULL},
};
