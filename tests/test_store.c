/*
 * test_store.c - opening, migrating and refusing databases (engine/db.c), and loading the
 * reference data (engine/refdata.c).
 */
#include "lcmon.h"
#include "schema.h"
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void open__creates_current_schema_with_pragmas(void) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(lcmt_tmp("new.db"), LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_opened_version(db), 0);
    CU_ASSERT_EQUAL(lcmt_count(db, "PRAGMA user_version"), LCM_SCHEMA_VERSION);
    CU_ASSERT_EQUAL(lcmt_count(db, "PRAGMA application_id"), LCM_APPLICATION_ID);
    CU_ASSERT_EQUAL(lcmt_count(db, "PRAGMA foreign_keys"), 1);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(lcm_db_sqlite(db), "PRAGMA journal_mode", -1, &st, NULL);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    lcm_db_close(db);
}

static void open__missing_file_without_create_is_notfound(void) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_db_open(lcmt_tmp("absent.db"), 0, &db, &err), LCM_NOTFOUND);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "absent.db"));
}

static void open__migrates_older_schema_in_order(void) {
    const char *path = lcmt_tmp("old.db");
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm__db_open_at(path, LCM_OPEN_CREATE, 1, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "PRAGMA user_version"), 1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'waves'"), 0);
    lcm_db_close(db);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_opened_version(db), 1);
    CU_ASSERT_EQUAL(lcmt_count(db, "PRAGMA user_version"), LCM_SCHEMA_VERSION);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'waves'"), 1);
    lcm_db_close(db);
}

static void open__read_only_still_migrates_an_older_file(void) {
    const char *path = lcmt_tmp("old_ro.db");
    char p[1024];
    snprintf(p, sizeof p, "%s", path);
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm__db_open_at(p, LCM_OPEN_CREATE, 2, &db, &err), LCM_OK);
    lcm_db_close(db);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(p, LCM_OPEN_READONLY, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_opened_version(db), 2);
    CU_ASSERT_EQUAL(lcmt_count(db, "PRAGMA user_version"), LCM_SCHEMA_VERSION);
    CU_ASSERT_NOT_EQUAL(lcm_db_exec(db, "CREATE TABLE t(x)", &err), LCM_OK); /* still read-only */
    lcm_db_close(db);
}

static void open__refuses_newer_schema_untouched(void) {
    const char *path = lcmt_tmp("future.db");
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_exec(db, "PRAGMA user_version = 99; PRAGMA journal_mode = DELETE", &err),
                    LCM_OK);
    lcm_db_close(db);
    size_t n0 = 0, n1 = 0;
    char *before = lcmt_slurp(path, &n0);
    CU_ASSERT_EQUAL(lcm_db_open(path, 0, &db, &err), LCM_TOONEW);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "schema version 99"));
    char *after = lcmt_slurp(path, &n1);
    CU_ASSERT_FATAL(before && after);
    CU_ASSERT(n0 == n1 && memcmp(before, after, n0) == 0);
    free(before);
    free(after);
}

static void open__refuses_foreign_sqlite_file(void) {
    const char *path = lcmt_tmp("foreign.db");
    sqlite3 *s = NULL;
    sqlite3_open(path, &s);
    sqlite3_exec(s, "CREATE TABLE t(x); INSERT INTO t VALUES (1)", NULL, NULL, NULL);
    sqlite3_close(s);
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_db_open(path, LCM_OPEN_CREATE, &db, &err), LCM_NOTDB);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not an lcmon database"));
}

/* Expected failures, ReadStat-style: each bad file and the status it must produce. */
static void open__refuses_garbage_and_truncated_files_untouched(void) {
    const char *good = lcmt_tmp("good.db");
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(good, LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", &err), LCM_OK);
    lcm_db_close(db);
    size_t n = 0;
    char *whole = lcmt_slurp(good, &n);
    CU_ASSERT_FATAL(whole && n > 8192);
    struct {
        const char *name;
        const char *data;
        size_t len;
        lcm_status want;
    } cases[] = {
        {"garbage.db", "this is not a database at all\n", 30, LCM_NOTDB},
        {"short.db", "SQLite format 3", 15, LCM_NOTDB},
        {"truncated.db", whole, n - 4096, LCM_NOTDB},
        {"halfpage.db", whole, n - 100, LCM_NOTDB},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = lcmt_tmp(cases[i].name);
        char saved[4096];
        snprintf(saved, sizeof saved, "%s", path);
        lcmt_write(saved, cases[i].data, cases[i].len);
        lcm_err e = {0};
        CU_ASSERT_EQUAL(lcm_db_open(saved, LCM_OPEN_CREATE, &db, &e), cases[i].want);
        CU_ASSERT_PTR_NULL(db);
        CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, cases[i].name));
        size_t m = 0;
        char *after = lcmt_slurp(saved, &m);
        CU_ASSERT(after && m == cases[i].len && memcmp(after, cases[i].data, m) == 0);
        free(after);
    }
    free(whole);
}

static void reference__load_twice_keeps_counts(void) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    lcm_load_counts a = {0}, b = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(lcmt_tmp("ref.db"), LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_reference_load(db, lcmt_path("surveys"), &a, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_reference_load(db, lcmt_path("surveys"), &b, &err), LCM_OK);
    CU_ASSERT(memcmp(&a, &b, sizeof a) == 0);
    /* surveys/reference/README.md: 31 provinces, 2,978 county-level units, 41,352 township
     * units, 620,573 village-level units; 342 city rows less 5 municipality rows and 4
     * groupings = 333 prefecture-level units, plus 4 municipalities. */
    CU_ASSERT_EQUAL(a.provinces, 31);
    CU_ASSERT_EQUAL(a.cities, 337);
    CU_ASSERT_EQUAL(a.counties, 2978);
    CU_ASSERT_EQUAL(a.townships, 41352);
    CU_ASSERT_EQUAL(a.villages, 620573);
    CU_ASSERT_EQUAL(a.points, 43);
    /* Prefecture-level units by belt, surveys/reference/README.md: east 100, central 106,
     * west 131 including the groupings 4690 (east), 4190, 4290 (central), 6590 (west). */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM cities c JOIN provinces p ON "
                                   "p.code = c.province_code WHERE c.tier <> 'municipality' "
                                   "AND p.region3 = 'east'"),
                    99);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM cities c JOIN provinces p ON "
                                   "p.code = c.province_code WHERE c.tier <> 'municipality' "
                                   "AND p.region3 = 'central'"),
                    104);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM cities c JOIN provinces p ON "
                                   "p.code = c.province_code WHERE c.tier <> 'municipality' "
                                   "AND p.region3 = 'west'"),
                    130);
    /* Municipalities are cities; groupings are not (their counties have no city). */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM admin_units WHERE city_code = '5000' "
                                   "AND level = 'county'"),
                    38);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM cities WHERE code IN ('4190','4290',"
                                   "'4690','6590')"),
                    0);
    CU_ASSERT(lcmt_count(db, "SELECT count(*) FROM admin_units WHERE city_code IS NULL") > 0);
    lcm_db_close(db);
}

/* Every province and city has an English name, in Latin letters only (no character of 3
 * or more UTF-8 bytes: CJK), as scripts/derive-names writes them: usual English names of
 * the provinces, Hanyu Pinyin of the city names (Unihan kMandarin with place-name
 * readings: 重庆 Chong-, 厦门 Xia-, 六安 Lu'an) or their conventional English names. */
static void reference__english_names_of_provinces_and_cities(void) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(lcmt_tmp("names.db"), LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_reference_load(db, lcmt_path("surveys"), NULL, &err), LCM_OK);
    static const char *const want[][2] = {
        {"SELECT name_en FROM cities WHERE code = '4405'", "Shantou"},
        {"SELECT name_en FROM cities WHERE code = '4406'", "Foshan"},
        {"SELECT name_en FROM cities WHERE code = '5000'", "Chongqing"},
        {"SELECT name_en FROM cities WHERE code = '3502'", "Xiamen"},
        {"SELECT name_en FROM cities WHERE code = '3415'", "Lu'an"},
        {"SELECT name_en FROM cities WHERE code = '6101'", "Xi'an"},
        {"SELECT name_en FROM cities WHERE code = '2301'", "Harbin"},
        {"SELECT name_en FROM cities WHERE code = '2224'", "Yanbian Korean Autonomous Prefecture"},
        {"SELECT name_en FROM cities WHERE code = '5326'",
         "Wenshan Zhuang and Miao Autonomous Prefecture"},
        {"SELECT name_en FROM provinces WHERE code = '61'", "Shaanxi"},
        {"SELECT name_en FROM provinces WHERE code = '14'", "Shanxi"},
        {"SELECT name_en FROM provinces WHERE code = '15'", "Inner Mongolia"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        sqlite3_stmt *st = NULL;
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(lcm_db_sqlite(db), want[i][0], -1, &st, NULL),
                              SQLITE_OK);
        CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
        const char *got = (const char *)sqlite3_column_text(st, 0);
        if (!got || strcmp(got, want[i][1]) != 0)
            fprintf(stderr, "\n  %s: got '%s', want '%s'", want[i][0], got ? got : "(null)",
                    want[i][1]);
        CU_ASSERT(got && strcmp(got, want[i][1]) == 0);
        sqlite3_finalize(st);
    }
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM cities WHERE name_en <> ''"), 337);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM provinces WHERE name_en <> ''"), 31);
    /* no CJK: no byte that starts a 3- or 4-byte UTF-8 sequence */
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(lcm_db_sqlite(db),
                                             "SELECT name_en FROM cities UNION ALL "
                                             "SELECT name_en FROM provinces",
                                             -1, &st, NULL),
                          SQLITE_OK);
    long wide = 0, rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_text(st, 0);
        for (rows++; p && *p; p++)
            wide += *p >= 0xE0;
    }
    sqlite3_finalize(st);
    CU_ASSERT_EQUAL(rows, 337 + 31);
    CU_ASSERT_EQUAL(wide, 0);
    lcm_db_close(db);
}

static void reference__bad_row_names_file_and_line_and_rolls_back(void) {
    char dir[1024], path[1200], cmd[8192];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("badref"));
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/reference && cp %s/reference/*.csv %s/reference/ && "
             "cp %s/framework.csv %s/",
             dir, lcmt_path("surveys"), dir, lcmt_path("surveys"), dir);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    snprintf(path, sizeof path, "%s/reference/cities.csv", dir);
    FILE *fp = fopen(path, "a");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("9901,无名市,Wuming,11,megacity,0,0,0,0,0\n", fp); /* tier outside the CHECK list */
    fclose(fp);
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(lcmt_tmp("badref.db"), LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_reference_load(db, dir, NULL, &err), LCM_CONSTRAINT);
    if (!strstr(err.msg, "cities.csv:339:"))
        fprintf(stderr, "\n  got '%s'", err.msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cities.csv:339:"));
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM provinces"), 0);
    lcm_db_close(db);
}

const lcmt_case lcmt_store_cases[] = {
    {"open__creates_current_schema_with_pragmas", open__creates_current_schema_with_pragmas},
    {"open__missing_file_without_create_is_notfound",
     open__missing_file_without_create_is_notfound},
    {"open__migrates_older_schema_in_order", open__migrates_older_schema_in_order},
    {"open__read_only_still_migrates_an_older_file", open__read_only_still_migrates_an_older_file},
    {"open__refuses_newer_schema_untouched", open__refuses_newer_schema_untouched},
    {"open__refuses_foreign_sqlite_file", open__refuses_foreign_sqlite_file},
    {"open__refuses_garbage_and_truncated_files_untouched",
     open__refuses_garbage_and_truncated_files_untouched},
    {"reference__load_twice_keeps_counts", reference__load_twice_keeps_counts},
    {"reference__english_names_of_provinces_and_cities",
     reference__english_names_of_provinces_and_cities},
    {"reference__bad_row_names_file_and_line_and_rolls_back",
     reference__bad_row_names_file_and_line_and_rolls_back},
    {NULL, NULL},
};
