/*
 * test_household2027.c - questionnaire 2027.1 (surveys/household-2027, issue 17): its data
 * files (select_*_from_file, csv-external) read with the form and stored with it, the Kish
 * respondent and the selection probability the design weight uses, don't-know and refusal
 * left out of estimates by rule, the ACSI index's alpha against psych::alpha
 * (tests/r/acsi_alpha.R), estimates across 2026.1 and 2027.1 through the crosswalk, and the
 * demo's newest wave on 2027.1.
 */
#include "form.h"
#include "survey.h"
#include "testing.h"

#include "reliability.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the form and its data files ---------------------------------------------------- */

static void household2027__loads_and_reads_back_with_its_files(void) {
    lcm_err err = {0};
    lcm_form *f = NULL, *back = NULL;
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(lcmt_path("surveys/household-2027"), &f, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_form_version(f), "2027.1");
    CU_ASSERT_STRING_EQUAL(lcm_form_table(f), "resp_household_2027_1");
    /* the programmes are the file's rows, the crosswalk is kept too */
    char *prog = lcmt_slurp(lcmt_path("surveys/household-2027/programmes.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(prog);
    CU_ASSERT_STRING_EQUAL(lcm_form_external(f, "programmes.csv"), prog);
    CU_ASSERT_PTR_NOT_NULL(lcm_form_external(f, "crosswalk.csv"));
    int pk = lcm_form_find(f, "prog_known");
    CU_ASSERT_FATAL(pk >= 0);
    const lcm_choice_list *l = lcm_form_field(f, (size_t)pk)->list;
    CU_ASSERT_EQUAL(l->n, (size_t)lcmt_count_lines(prog) - 1);
    CU_ASSERT_STRING_EQUAL(l->items[0].name, "p1100_1");
    /* stored and read back: the same form, files and all */
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(lcmt_tmp("h27.db"), LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_form_store(db, f, NULL, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_form_get(db, "household", "2027.1", &back, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_form_digest(back), lcm_form_digest(f));
    CU_ASSERT_STRING_EQUAL(lcm_form_external(back, "programmes.csv"), prog);
    CU_ASSERT_EQUAL(lcm_form_nexternal(back), 2);
    /* 2026.1 beside it, unchanged */
    lcm_form *old = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(lcmt_path("surveys/household"), &old, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_form_version(old), "2026.1");
    CU_ASSERT_EQUAL(lcm_form_nexternal(old), 0);
    lcm_form_free(old);
    free(prog);
    lcm_form_free(back);
    lcm_form_free(f);
    lcm_db_close(db);
}

static void write_file(const char *dir, const char *name, const char *text) {
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    lcmt_write(p, text, strlen(text));
}

static const char *small_form(const char *name, const char *places) {
    static char dir[1100];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp(name));
    mkdir(dir, 0700);
    write_file(dir, "survey.csv",
               "type,name,label,choice_filter\n"
               "text,c,City,\n"
               "select_one_from_file places.csv,p,Place,c = ${c}\n"
               "select_multiple_from_file places.csv,ps,Places,c = ${c}\n"
               "csv-external,towns,,\n");
    write_file(dir, "settings.csv", "form_id,version\nsmall,1\n");
    if (places)
        write_file(dir, "places.csv", places);
    return dir;
}

/* choice_filter on the file's own columns; every problem names the file, line and column. */
static void household2027__from_file_lists_filter_and_name_their_errors(void) {
    lcm_err err = {0};
    lcm_form *f = NULL;
    lcm_instance *in = NULL;
    const char *dir = small_form("ff_ok", "name,label,c\na,Alpha,1\nb,Beta,2\nc,Gamma,1\n");
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(dir, &f, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_set(in, 0, 0, "1", &err), LCM_OK);
    const lcm_choice_list *l = lcm_form_field(f, 1)->list;
    CU_ASSERT_EQUAL_FATAL(l->n, 3);
    int shown[3];
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(lcm_instance_choice_visible(in, 1, 0, &l->items[i], &shown[i], &err),
                        LCM_OK);
    CU_ASSERT(shown[0] && !shown[1] && shown[2]); /* the rows of city 1 */
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, 2, "a c", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, 1, "z", &err), LCM_CONSTRAINT);
    lcm_instance_free(in);
    lcm_form_free(f);
    /* a missing list file (checked with a warning, as pyxform takes it; not loaded), a file
     * without the columns, a choice twice */
    char *out = NULL, *errs = NULL;
    dir = small_form("ff_missing", NULL);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "check", dir, NULL}, NULL, &out, &errs), 0);
    LCMT_ASSERT_HAS(errs, "warning: ");
    LCMT_ASSERT_HAS(errs, "survey.csv:3:1: data file 'places.csv' is not beside the form");
    CU_ASSERT(!lcmt_has(errs, "choice_filter")); /* its columns are not known yet */
    free(out), free(errs);
    dir = small_form("ff_nocol", "code,label\na,Alpha\n");
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "check", dir, NULL}, NULL, &out, &errs), 1);
    LCMT_ASSERT_HAS(errs, "places.csv:1:1: a choices file needs the columns 'name' and 'label' "
                          "(named in survey.csv line 3, column 1)");
    free(out), free(errs);
    dir = small_form("ff_twice", "name,label,c\na,Alpha,1\na,Again,2\n");
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "check", dir, NULL}, NULL, &out, &errs), 1);
    LCMT_ASSERT_HAS(errs, "places.csv:3:1: list 'places.csv' has choice 'a' twice");
    free(out), free(errs);
    /* a csv-external file that is there is read as CSV: a broken one is a problem */
    dir = small_form("ff_ext", "name,label,c\na,Alpha,1\n");
    write_file(dir, "towns.csv", "name,x\n\"open,1\n");
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "check", dir, NULL}, NULL, &out, &errs), 1);
    LCMT_ASSERT_HAS(errs, "towns.csv:");
    free(out), free(errs);
}

/* ---- the Kish grid ---------------------------------------------------------------------- */

/* The 2027.1 household with the roster given (ages; sexes 1 2 1 2 ...) and key; *f owned. */
static lcm_instance *household(const lcm_form *f, const int *ages, int n, int key) {
    lcm_instance *in = NULL;
    lcm_err err = {0};
    static const char *const set[][2] = {{"city", "4401"},          {"county", "440106"},
                                         {"township", "440106001"}, {"community", "440106001001"},
                                         {"community_type", "rc"},  {"household_no", "GZ-01"},
                                         {"hh_weight", "120"},      {"interviewer", "王芳"},
                                         {"consent", "1"}};
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        CU_ASSERT_EQUAL_FATAL(lcm_instance_set(in, lcm_form_find(f, set[i][0]), 0, set[i][1], &err),
                              LCM_OK);
    char v[16];
    snprintf(v, sizeof v, "%d", key);
    CU_ASSERT_EQUAL_FATAL(lcm_instance_set(in, lcm_form_find(f, "kish_key"), 0, v, &err), LCM_OK);
    snprintf(v, sizeof v, "%d", n);
    CU_ASSERT_EQUAL_FATAL(lcm_instance_set(in, lcm_form_find(f, "hh_size"), 0, v, &err), LCM_OK);
    for (int i = 0; i < n; i++) {
        long pos;
        CU_ASSERT_EQUAL_FATAL(lcm_instance_add_row(in, lcm_form_find(f, "members"), &pos, &err),
                              LCM_OK);
        snprintf(v, sizeof v, "%d", ages[i]);
        CU_ASSERT_EQUAL_FATAL(lcm_instance_set(in, lcm_form_find(f, "m_age"), pos, v, &err),
                              LCM_OK);
        CU_ASSERT_EQUAL_FATAL(
            lcm_instance_set(in, lcm_form_find(f, "m_sex"), pos, i % 2 ? "2" : "1", &err), LCM_OK);
    }
    CU_ASSERT_EQUAL_FATAL(lcm_instance_update(in, &err), LCM_OK);
    return in;
}

static double num(const lcm_instance *in, const lcm_form *f, const char *name) {
    const char *v = lcm_instance_get(in, lcm_form_find(f, name), 0);
    return *v ? strtod(v, NULL) : NAN;
}

/* The form picks adult k = key mod n + 1 of the roster (adults listed first) and writes the
 * share of the 100 keys that pick k as sel_prob; the design weight is hh_weight / sel_prob.
 * Counted here over all 100 keys, the shares are what the form says. */
static void household2027__kish_selection_probability_and_weight(void) {
    lcm_err err = {0};
    lcm_form *f = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(lcmt_path("surveys/household-2027"), &f, &err), LCM_OK);
    static const int ages[] = {70, 66, 40, 10}; /* three adults, then a child */
    int picked[4] = {0};
    double prob[4] = {0};
    for (int key = 0; key < 100; key++) {
        lcm_instance *in = household(f, ages, 4, key);
        int k = (int)num(in, f, "kish_k");
        CU_ASSERT_EQUAL(num(in, f, "adults_n"), 3);
        CU_ASSERT_EQUAL(k, key % 3 + 1);
        if (k >= 1 && k <= 3) {
            picked[k]++;
            prob[k] = num(in, f, "sel_prob");
            /* the respondent's age and sex are the roster member's */
            CU_ASSERT_EQUAL(num(in, f, "age"), ages[k - 1]);
            CU_ASSERT_EQUAL(num(in, f, "sex"), k % 2 ? 1 : 2);
            CU_ASSERT(fabs(num(in, f, "design_wt") - 120 / prob[k]) < 1e-9);
        }
        lcm_instance_free(in);
    }
    CU_ASSERT_EQUAL(picked[1], 34);
    CU_ASSERT_EQUAL(picked[2], 33);
    CU_ASSERT_EQUAL(picked[3], 33);
    for (int k = 1; k <= 3; k++)
        CU_ASSERT_DOUBLE_EQUAL(prob[k], picked[k] / 100.0, 1e-12);
    /* a child listed before an adult is refused by the age's constraint */
    static const int wrong[] = {40, 10, 38};
    lcm_instance *in = household(f, wrong, 3, 5);
    CU_ASSERT_NOT_EQUAL(lcm_instance_finish(in, 0, &err), LCM_OK);
    LCMT_ASSERT_HAS(err.msg, "m_age");
    lcm_instance_free(in);
    lcm_form_free(f);
}

/* ---- a database on 2026.1 (2024) and 2027.1 (2025) ---------------------------------- */

static const char *two_versions_db(void) {
    static char db[1100];
    if (db[0])
        return db;
    snprintf(db, sizeof db, "%s", lcmt_tmp("two_versions.db"));
    const char *steps[][14] = {{"init", db, NULL},
                               {"form", "load", db, lcmt_path("surveys/household"), NULL},
                               {"simulate", db, "--cities", "2", "--waves", "2024", "--households",
                                "60", "--seed", "5", NULL},
                               {"form", "load", db, NULL, NULL},
                               {"simulate", db, "--cities", "2", "--waves", "2025", "--households",
                                "60", "--seed", "5", NULL},
                               {"design", "set", db, "--form", "household", "--strata", "stratum",
                                "--psu", "psu", "--weight", "design_weight", NULL}};
    char dir27[1100];
    snprintf(dir27, sizeof dir27, "%s", lcmt_path("surveys/household-2027"));
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        const char *a[14];
        memcpy(a, steps[i], sizeof a);
        if (i == 1)
            a[3] = lcmt_path("surveys/household");
        if (i == 3)
            a[3] = dir27;
        char *errs = NULL;
        int rc = lcmt_run(a, NULL, NULL, &errs);
        if (rc != 0)
            fprintf(stderr, "step %zu: %s\n", i, errs ? errs : "");
        free(errs);
        CU_ASSERT_EQUAL_FATAL(rc, 0);
    }
    return db;
}

static double sql_num(const char *db, const char *sql) {
    sqlite3 *d = NULL;
    sqlite3_stmt *st = NULL;
    double v = NAN;
    if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(d, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(d);
    return v;
}

/* The estimate column of the row of `lcmon estimate --csv` whose first cells are prefix. */
static double csv_estimate(const char *out, const char *prefix) {
    const char *p = out;
    size_t n = strlen(prefix);
    while (p && *p) {
        if (strncmp(p, prefix, n) == 0) {
            const char *c = p + n;
            /* prefix ends at the category; the estimate follows the next comma */
            c = strchr(c, ',');
            return c ? strtod(c + 1, NULL) : NAN;
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    return NAN;
}

/* Don't know and refusal are stored as answered and left out of every estimate: the share
 * of users of a service, with some 'dk' answers, is the weighted mean of the 0/1 answers
 * only, over that many rows. */
static void household2027__dont_know_and_refusal_left_out_by_rule(void) {
    const char *db = two_versions_db();
    CU_ASSERT(lcm_survey_nonresponse("dk") && lcm_survey_nonresponse("rf"));
    CU_ASSERT(!lcm_survey_nonresponse("1") && !lcm_survey_nonresponse("DK"));
    double dk = sql_num(db, "SELECT count(*) FROM resp_household_2027_1 WHERE use_pc_lib = 'dk'");
    CU_ASSERT(dk >= 1); /* the rule has something to do */
    double want = sql_num(db, "SELECT sum(design_weight * use_pc_lib) / sum(design_weight) FROM "
                              "resp_household_2027_1 WHERE use_pc_lib IN ('0','1') "
                              "AND status = 'complete'");
    double nwant = sql_num(db, "SELECT count(*) FROM resp_household_2027_1 WHERE use_pc_lib IN "
                               "('0','1') AND status = 'complete'");
    CU_ASSERT_EQUAL(nwant + dk, sql_num(db, "SELECT count(*) FROM resp_household_2027_1"));
    char *out = NULL, *errs = NULL;
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"estimate", db, "--form", "household", "--wave", "2025", "--var",
                                  "use_pc_lib", "--format", "csv", NULL},
                 NULL, &out, &errs),
        0);
    double got = csv_estimate(out, "use_pc_lib,");
    CU_ASSERT(fabs(got - want) < 1e-9 * fabs(want));
    char n[32];
    snprintf(n, sizeof n, ",%.0f,", nwant); /* n: the numeric answers only */
    LCMT_ASSERT_HAS(out, n);
    free(out), free(errs);
}

/* `lcmon estimate` over 2024 (2026.1) and 2025 (2027.1) maps each measure through the
 * crosswalk and says so: overall satisfaction in 2025 is ACSI's 1-10 item in pairs, the
 * weighted mean of that recode computed here; 2024 is the 2026.1 estimate unchanged. */
static void household2027__estimates_across_versions_through_the_crosswalk(void) {
    const char *db = two_versions_db();
    char *out = NULL, *errs = NULL, *one = NULL;
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"estimate", db, "--form", "household", "--var", "sat_overall",
                                  "--by", "wave", "--format", "csv", NULL},
                 NULL, &out, &errs),
        0);
    LCMT_ASSERT_HAS(errs, "versions 2026.1, 2027.1 harmonised through crosswalk.csv of version "
                          "2027.1");
    double want25 = sql_num(db, "SELECT sum(design_weight * ((acsi_sat + 1) / 2)) / "
                                "sum(design_weight) FROM resp_household_2027_1 WHERE acsi_sat "
                                "GLOB '[0-9]*' AND status = 'complete' AND wave = 2025");
    double want24 = sql_num(db, "SELECT sum(design_weight * sat_overall) / sum(design_weight) "
                                "FROM resp_household_2026_1 WHERE sat_overall IS NOT NULL AND "
                                "status = 'complete' AND wave = 2024");
    double got25 = csv_estimate(out, "2025,sat_overall,"),
           got24 = csv_estimate(out, "2024,sat_overall,");
    CU_ASSERT(fabs(got25 - want25) < 1e-9 * want25);
    CU_ASSERT(fabs(got24 - want24) < 1e-9 * want24);
    /* and one wave alone: its own table, no note, the same number */
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"estimate", db, "--form", "household", "--wave", "2025", "--var",
                                  "sat_overall", "--format", "csv", NULL},
                 NULL, &one, NULL),
        0);
    CU_ASSERT(fabs(csv_estimate(one, "sat_overall,") - want25) < 1e-9 * want25);
    free(out), free(errs), free(one);
    /* the table says it after the table */
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"estimate", db, "--form", "household", "--var",
                                              "aware_share", "--by", "wave", NULL},
                             NULL, &out, NULL),
                    0);
    LCMT_ASSERT_HAS(out, "— form 'household': versions 2026.1, 2027.1 harmonised");
    free(out);
    /* weights go to one version's table: one wave at a time, the wave's own table */
    static const char margins[] = "margin,level,population\nsex,1,1000\nsex,2,1000\n";
    const char *m = lcmt_write(lcmt_tmp("sex.margins.csv"), margins, strlen(margins));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"weight", "rake", db, "--form", "household",
                                              "--margins", m, NULL},
                             NULL, NULL, &errs),
                    1);
    LCMT_ASSERT_HAS(errs, "answered on several versions: weight one wave at a time");
    free(errs);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"weight", "rake", db, "--form", "household", "--wave",
                                              "2024", "--margins", m, NULL},
                             NULL, NULL, NULL),
                    0);
    CU_ASSERT_DOUBLE_EQUAL(sql_num(db, "SELECT sum(final_weight) FROM resp_household_2026_1 "
                                       "WHERE wave = 2024 AND status = 'complete'"),
                           2000, 1e-6);
    /* a 2027.1 measure the crosswalk does not map cannot be estimated across versions */
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"estimate", db, "--form", "household", "--var",
                                              "aware_share_all", NULL},
                             NULL, NULL, &errs),
                    1);
    LCMT_ASSERT_HAS(errs, "has no column 'aware_share_all'");
    free(errs);
}

/* ---- ACSI alpha ------------------------------------------------------------------------- */

/* lcmon's alpha of the three ACSI items on the committed fixture equals psych::alpha's
 * raw_alpha (tests/r/acsi_alpha.R, tests/fixtures/acsi/alpha_reference.csv). */
static void household2027__acsi_alpha_as_psych(void) {
    char *items = lcmt_slurp(lcmt_path("tests/fixtures/acsi/items.csv"), NULL);
    char *ref = lcmt_slurp(lcmt_path("tests/fixtures/acsi/alpha_reference.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
    double x[3 * 400], v[400][3], want = NAN, alpha = NAN;
    size_t n = 0;
    for (const char *p = strchr(items, '\n'); p && p[1] && n < 400; p = strchr(p + 1, '\n'))
        if (sscanf(p + 1, "%lf,%lf,%lf", &v[n][0], &v[n][1], &v[n][2]) == 3)
            n++;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 3; k++)
            x[(size_t)k * n + i] = v[i][k];
    const char *r = strstr(ref, "raw_alpha,");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    want = strtod(r + 10, NULL);
    CU_ASSERT(n >= 30);
    CU_ASSERT_EQUAL_FATAL(lcm_rel_alpha(x, n, 3, &alpha), LCM_OK);
    CU_ASSERT(fabs(alpha - want) < 1e-10);
    free(items), free(ref);
}

/* ---- the demo ----------------------------------------------------------------------- */

/* `lcmon demo`: 2023 and 2024 on 2026.1, the newest wave on 2027.1; its measures (with the
 * ACSI index and alpha, alpha as the city's complete answers give it) and reports. */
static void household2027__demo_newest_wave_on_2027(void) {
    char dir[1100], db[1200];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("demo27"));
    snprintf(db, sizeof db, "%s/demo.db", dir);
    char *out = NULL;
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"demo", "--out", dir, "--cities", "2",
                                                    "--households", "60", "--mc", "20", NULL},
                                   NULL, &out, NULL),
                          0);
    LCMT_ASSERT_HAS(out, "(2025 on questionnaire 2027.1)");
    LCMT_ASSERT_HAS(out, "2025 (resp_household_2027_1): raked");
    free(out);
    CU_ASSERT_EQUAL(sql_num(db, "SELECT count(*) FROM resp_household_2026_1 WHERE wave = 2025"), 0);
    CU_ASSERT_EQUAL(sql_num(db, "SELECT count(DISTINCT wave) FROM resp_household_2026_1"), 2);
    CU_ASSERT_EQUAL(sql_num(db, "SELECT count(*) FROM resp_household_2027_1 WHERE wave <> 2025"),
                    0);
    CU_ASSERT(sql_num(db, "SELECT count(*) FROM resp_household_2027_1") >= 100);
    CU_ASSERT_EQUAL(sql_num(db, "SELECT count(DISTINCT city_code) FROM survey_measures WHERE "
                                "year = 2025 AND measure = 'awareness'"),
                    2);
    /* the stored ACSI alpha is the alpha of the city's complete answers */
    char city[16] = "";
    sqlite3 *d = NULL;
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(d,
                                             "SELECT city_code, estimate, n FROM survey_measures "
                                             "WHERE year = 2025 AND measure = 'alpha' AND item = "
                                             "'acsi' ORDER BY city_code LIMIT 1",
                                             -1, &st, NULL),
                          SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
    snprintf(city, sizeof city, "%s", sqlite3_column_text(st, 0));
    double stored = sqlite3_column_double(st, 1);
    long n = sqlite3_column_int(st, 2);
    sqlite3_finalize(st);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(d,
                                             "SELECT acsi_sat_n, acsi_confirm_n, acsi_ideal_n FROM "
                                             "resp_household_2027_1 WHERE city = ?1 AND status = "
                                             "'complete' AND acsi_sat_n <> '' AND acsi_confirm_n "
                                             "<> '' AND acsi_ideal_n <> '' ORDER BY rowid",
                                             -1, &st, NULL),
                          SQLITE_OK);
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    double *x = calloc(3 * 2000, sizeof *x), (*rows)[3] = calloc(2000, sizeof *rows);
    size_t m = 0;
    while (sqlite3_step(st) == SQLITE_ROW && m < 2000) {
        for (int k = 0; k < 3; k++)
            rows[m][k] = sqlite3_column_double(st, k);
        m++;
    }
    sqlite3_finalize(st);
    sqlite3_close(d);
    for (size_t i = 0; i < m; i++)
        for (int k = 0; k < 3; k++)
            x[(size_t)k * m + i] = rows[i][k];
    double alpha = NAN;
    CU_ASSERT_EQUAL((long)m, n);
    CU_ASSERT_EQUAL(lcm_rel_alpha(x, m, 3, &alpha), LCM_OK);
    CU_ASSERT(fabs(alpha - stored) < 1e-12);
    free(x), free(rows);
    /* reports and the trend across the two versions */
    char rep[1300];
    snprintf(rep, sizeof rep, "%s/reports/national_2025.html", dir);
    char *html = lcmt_slurp(rep, NULL);
    CU_ASSERT_PTR_NOT_NULL(html);
    free(html);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"trend", db, "--city", city, NULL}, NULL, &out, NULL),
                    0);
    LCMT_ASSERT_HAS(out, "2025");
    free(out);
}

const lcmt_case lcmt_household2027_cases[] = {
    {"loads_and_reads_back_with_its_files", household2027__loads_and_reads_back_with_its_files},
    {"from_file_lists_filter_and_name_their_errors",
     household2027__from_file_lists_filter_and_name_their_errors},
    {"kish_selection_probability_and_weight", household2027__kish_selection_probability_and_weight},
    {"dont_know_and_refusal_left_out_by_rule",
     household2027__dont_know_and_refusal_left_out_by_rule},
    {"estimates_across_versions_through_the_crosswalk",
     household2027__estimates_across_versions_through_the_crosswalk},
    {"acsi_alpha_as_psych", household2027__acsi_alpha_as_psych},
    {"demo_newest_wave_on_2027", household2027__demo_newest_wave_on_2027},
    {NULL, NULL},
};
