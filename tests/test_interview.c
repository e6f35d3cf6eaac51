/*
 * test_interview.c - `lcmon form` and `lcmon interview` run as the real binary: a scripted
 * household interview stored with its roster, refused answers asked again, input that ends
 * early kept as a draft, English labels, and a public-style form with a cascading select
 * (choice_filter) and a repeat sized by repeat_count.
 */
#include "testing.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fresh database with reference data and the forms given (NULL-terminated dirs). */
static const char *fresh_db(const char *name, const char *const *dirs) {
    static char path[4096];
    snprintf(path, sizeof path, "%s", lcmt_tmp(name));
    remove(path);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"init", path, NULL}, NULL, NULL, NULL), 0);
    for (; *dirs; dirs++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", lcmt_path(*dirs));
        CU_ASSERT_EQUAL(
            lcmt_run((const char *[]){"form", "load", path, dir, NULL}, NULL, NULL, NULL), 0);
    }
    return path;
}

static char *query(const char *db, const char *sql) {
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        out = strdup(sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out ? out : strdup("(none)");
}

#define ASSERT_QUERY(db, sql, want)                                                                \
    do {                                                                                           \
        char *got_ = query(db, sql);                                                               \
        if (strcmp(got_, want) != 0)                                                               \
            fprintf(stderr, "\n  %s: got '%s', want '%s'\n", sql, got_, want);                     \
        CU_ASSERT_STRING_EQUAL(got_, want);                                                        \
        free(got_);                                                                                \
    } while (0)

/* 上海市 黄浦区 南京东路街道, a residents' committee; two members. The respondent first gives
 * an age of 150 (refused by the constraint, asked again). */
static const char household_script[] =
    "3100\n310101\n310101002\n310101002001\nrc\nSH-9\n\n1\n" /* location, interviewer, consent */
    "1\n150\n45\n6\n1\n0\n"         /* sex, age (refused, again), edu, work, … */
    "2\n"                           /* hh_size: the roster gets two rows */
    "1\n1\n45\n6\n1\n0\n1\n"        /* member 1 */
    "3\n2\n8\n2\n0\n1\n"            /* member 2 is 8: no work question */
    "cc ol pc\n"                    /* aware */
    "1\n2\n4\n"                     /* use_cc, freq_cc, sat_cc */
    "0\n"                           /* use_pc: no frequency, no satisfaction */
    "1\n1\n5\n"                     /* use_ol, freq_ol, sat_ol */
    "4\ntime\n200\n多办晚间课程\n"; /* sat_overall, barriers, hours, … */

static void interview__household_stored_with_roster(void) {
    const char *db = fresh_db("iv.db", (const char *[]){"surveys/household", NULL});
    char *out = NULL, *err = NULL;
    int rc =
        lcmt_run((const char *[]){"interview", db, "--interviewer", "李四", "--wave", "2026", NULL},
                 household_script, &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "\n%s\n%s\n", out, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "受访者应在16至100岁之间")); /* refused, in zh */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "stored instance "));
    ASSERT_QUERY(db,
                 "SELECT city || '|' || stratum || '|' || psu || '|' || wave || '|' || "
                 "interviewer || '|' || age || '|' || status || '|' || source FROM "
                 "resp_household_2026_1",
                 "3100|3100-urban|310101002001|2026|李四|45|complete|interview");
    ASSERT_QUERY(db,
                 "SELECT aware || ' ' || aware_ol || aware_cb || ' ' || used_n || ' ' || "
                 "sat_index || ' ' || coalesce(sat_pc, '-') || ' ' || suggestion FROM "
                 "resp_household_2026_1",
                 "cc ol pc 10 2 87.5 - 多办晚间课程");
    ASSERT_QUERY(db,
                 "SELECT group_concat(position || ':' || m_age || ':' || "
                 "coalesce(m_work, '-') || ':' || m_learned, ' ') FROM "
                 "resp_household_2026_1__members",
                 "1:45:1:1 2:8:-:1");
    free(out), free(err);
}

static void interview__early_end_is_a_draft(void) {
    const char *db = fresh_db("iv2.db", (const char *[]){"surveys/household", NULL});
    char *out = NULL, *err = NULL;
    int rc = lcmt_run((const char *[]){"interview", db, "--lang", "en", NULL}, "4401\n440106\n",
                      &out, &err);
    CU_ASSERT_EQUAL(rc, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Township/street code")); /* English labels */
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "interview not finished: answers stored as draft"));
    ASSERT_QUERY(db, "SELECT status || ' ' || city || ' ' || county FROM resp_household_2026_1",
                 "draft 4401 440106");
    free(out), free(err);
    /* An answer of the wrong type is refused with the reason, in English. */
    rc = lcmt_run((const char *[]){"interview", db, "--lang", "en", NULL}, "44x1\n", &out, &err);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "! The city code has 4 digits"));
    free(out), free(err);
}

static void interview__public_form_cascading_select_and_count(void) {
    const char *db =
        fresh_db("iv3.db", (const char *[]){"tests/fixtures/forms/kobo_training", NULL});
    char *out = NULL, *err = NULL;
    /* province 33 leaves only Hangzhou among the cities; 2 courses sized by repeat_count. */
    int rc = lcmt_run(
        (const char *[]){"interview", db, "--form", "training_followup", "--city", "3301", NULL},
        "33\n4401\n3301\n2023-11-30\n2\n书法\nelderly\n12.5\n编程入门\nyouth workers\n"
        "8\n",
        &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "\n%s\n%s\n", out, err);
    CU_ASSERT_PTR_NULL(strstr(out, "Guangzhou"));             /* filtered out of the city list */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Total hours: 20.5")); /* ${total_hours} in a note */
    ASSERT_QUERY(db,
                 "SELECT city_code || ' ' || total_hours || ' ' || first_course || ' ' || "
                 "city FROM resp_training_followup_2023120401",
                 "3301 20.5 书法 3301");
    ASSERT_QUERY(db,
                 "SELECT group_concat(course_no || course_audience_workers || "
                 "course_audience_youth, ',') FROM resp_training_followup_2023120401__course",
                 "100,211");
    free(out), free(err);
}

static void interview__form_cli_errors(void) {
    char *out = NULL, *err = NULL;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", lcmt_path("tests/fixtures/forms/broken_constraint"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "check", dir, NULL}, NULL, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "survey.csv:3:5: constraint of 'age', character 4:"));
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "check", NULL}, NULL, &out, &err), 2);
    free(out), free(err);
    const char *db = fresh_db("iv4.db", (const char *[]){NULL});
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"interview", db, NULL}, "", &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no form 'household'"));
    free(out), free(err);
}

const lcmt_case lcmt_interview_cases[] = {
    {"interview__household_stored_with_roster", interview__household_stored_with_roster},
    {"interview__early_end_is_a_draft", interview__early_end_is_a_draft},
    {"interview__public_form_cascading_select_and_count",
     interview__public_form_cascading_select_and_count},
    {"interview__form_cli_errors", interview__form_cli_errors},
    {NULL, NULL},
};
