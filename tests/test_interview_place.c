/*
 * test_interview_place.c - the terminal interview offers places by name (interview_place.h):
 * a city found from part of its name, numbered lists of districts, townships and
 * communities from the reference data, several matches asked again, English names, and
 * codes still taken as typed.
 */
#include "testing.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *place_db(const char *name) {
    static char path[4096];
    snprintf(path, sizeof path, "%s", lcmt_tmp(name));
    remove(path);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"init", path, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"form", "load", path, lcmt_path("surveys/household"), NULL}, NULL,
                 NULL, NULL),
        0);
    return path;
}

/* city|county|township|psu|status of the one household stored. */
static char *stored(const char *db) {
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h,
                           "SELECT city || '|' || county || '|' || township || '|' || psu || "
                           "'|' || status FROM resp_household_2026_1",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out ? out : strdup("(none)");
}

static void interview_place__names_and_numbers_give_codes(void) {
    const char *db = place_db("place1.db");
    char *out = NULL, *err = NULL;
    /* 深圳 → 4403; "区" matches every district: asked again; 南山 → 440305 (counties.csv);
     * township 3 of 南山区 in code order is 沙河街道 440305003 (townships.csv);
     * community 2 is residents' committee 002 */
    int rc = lcmt_run((const char *[]){"interview", db, "--wave", "2026", NULL},
                      "深圳\n区\n南山\n3\n2\nrc\nSZ-01\n王芳\n0\n", &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    LCMT_ASSERT_HAS(out, "  ! 有多个地名符合： 罗湖区 福田区 南山区");
    LCMT_ASSERT_HAS(out, "\n   3  南山区");
    LCMT_ASSERT_HAS(out, "\n   3  沙河街道");
    LCMT_ASSERT_HAS(out, "\n  17  居委会 017"); /* 沙河街道: 17 residents' committees */
    CU_ASSERT_PTR_NULL(strstr(out, "  18  居委会"));
    char *row = stored(db);
    CU_ASSERT_STRING_EQUAL(row, "4403|440305|440305003|440305003002|complete");
    free(row), free(out), free(err);
}

static void interview_place__english_names_and_codes_still_taken(void) {
    const char *db = place_db("place2.db");
    char *out = NULL, *err = NULL;
    /* English city name, then a code typed as before, then a name, then a community by code;
     * the value kept on going back is shown by name */
    int rc =
        lcmt_run((const char *[]){"interview", db, "--wave", "2026", "--lang", "en", NULL},
                 "shenzhen\n440305\n<\n\n沙河街道\n440305003005\nrc\nSZ-02\nZhao\n0\n", &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    LCMT_ASSERT_HAS(out, "(type the name or part of it; a code is taken as well)");
    LCMT_ASSERT_HAS(out, "[南山区] > ");
    char *row = stored(db);
    CU_ASSERT_STRING_EQUAL(row, "4403|440305|440305003|440305003005|complete");
    free(row), free(out), free(err);
}

const lcmt_case lcmt_interview_place_cases[] = {
    {"names_and_numbers_give_codes", interview_place__names_and_numbers_give_codes},
    {"english_names_and_codes_still_taken", interview_place__english_names_and_codes_still_taken},
    {NULL, NULL},
};
