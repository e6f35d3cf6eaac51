/*
 * test_import.c - `lcmon import stats|ratings|facilities`: the real binary on the fixtures
 * in tests/fixtures/import/. Every bad file gets exit 1, the message named in the table
 * below, and leaves the database exactly as it was; good files import once, re-import as
 * unchanged, and a changed row is a conflict unless --replace.
 */
#include "lcmon.h"
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A database with the reference data, made once and copied for each case (init takes
 * half a second; the copy a millisecond). */
static const char *fresh_db(const char *name) {
    static char tmpl[4096], path[4096];
    if (!tmpl[0]) {
        lcm_db *db = NULL;
        snprintf(tmpl, sizeof tmpl, "%s", lcmt_tmp("template.db"));
        CU_ASSERT_EQUAL_FATAL(lcm_db_open(tmpl, LCM_OPEN_CREATE, &db, NULL), LCM_OK);
        CU_ASSERT_EQUAL_FATAL(lcm_reference_load(db, lcm_datadir(), NULL, NULL), LCM_OK);
        lcm_db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
        lcm_db_close(db);
    }
    snprintf(path, sizeof path, "%s", lcmt_tmp(name));
    FILE *in = fopen(tmpl, "rb"), *out = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    return path;
}

/* Every row of the city-level tables, as one string: equal strings = unchanged data. */
static char *fingerprint(const char *dbpath) {
    static const char sql[] =
        "SELECT coalesce(group_concat(x, ';'), '') FROM ("
        " SELECT city_code||'|'||year||'|'||indicator_code||'|'||quote(value)||'|'||source||'|'"
        "  ||imputed||'|'||coalesce(note,'') AS x FROM indicator_values"
        " UNION ALL SELECT city_code||'|'||year||'|'||indicator_code||'|'||reviewer||'|'||score"
        "  FROM ratings"
        " UNION ALL SELECT city_code||'|'||unit_code||'|'||level||'|'||kind||'|'||name||'|'||"
        "  coalesce(village,'')||'|'||coalesce(year_opened,'') FROM facilities ORDER BY 1)";
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    CU_ASSERT_PTR_NOT_NULL(out);
    return out;
}

static int import(const char *what, const char *db, const char *fixture, char **out, char **err,
                  const char *extra) {
    char file[4096];
    snprintf(file, sizeof file, "%s", lcmt_path(fixture));
    const char *args[] = {"import", what, db, file, extra, NULL};
    return lcmt_run(args, NULL, out, err);
}

/* msg with its one "%s" replaced by path (a format string from a table would defeat
 * -Wformat-nonliteral). */
static void subst(char *out, size_t cap, const char *msg, const char *path) {
    const char *at = strstr(msg, "%s");
    snprintf(out, cap, "%.*s%s%s", (int)(at - msg), msg, path, at + 2);
}

/* The bad inputs of issue 4 and the message each must give ("%s" is the fixture path). */
static const struct {
    const char *what, *fixture, *msg;
} bad[] = {
    {"stats", "empty.csv", "lcmon: empty file, no header row: '%s'"},
    {"stats", "truncated.csv", "%s:2:5: file ends inside a quoted field"},
    {"stats", "stray_quote.csv", "%s:2:5: stray quote"},
    {"stats", "wrong_delimiter.csv",
     "%s:1:1: the header is one column 'city;year;indicator;value;source': is the file "
     "separated by ';'? (use --delimiter)"},
    {"stats", "too_many_fields.csv", "%s:2: 6 fields, the header has 5 (an unquoted comma?)"},
    {"stats", "too_few_fields.csv", "%s:2: 4 fields, the header has 5"},
    {"stats", "neither_utf8_nor_gb18030.csv",
     "%s:2:22: neither UTF-8 (byte 0xFF) nor GB18030 (fails at 2:22): save the file as UTF-8"},
    {"stats", "header_unknown_column.csv",
     "%s:1:6: unknown column 'population' (known: city, year, indicator, value, source, "
     "imputed, note, basis)"},
    {"stats", "header_missing_column.csv", "%s:1: missing column 'source'"},
    {"stats", "stats_percent_over_100.csv",
     "%s:2:4 (value): outside the plausible range 0 to 100 (unit %), value '112.5'"},
    /* issue 16: 人口出生率 is asked in % (seed 附件1, 1.1.3); 6.39 is a rate in ‰ */
    {"stats", "stats_birth_rate_permille.csv",
     "%s:2:4 (value): outside the plausible range 0.2 to 2.5 (unit %): given in ‰ where the "
     "seed asks % (‰ ÷ 10 = %)? that is 0.639, value '6.39'"},
    /* 常住人口 is in 万人: 21,850,000 persons is 2185 万人 */
    {"stats", "stats_population_in_persons.csv",
     "%s:2:4 (value): outside the plausible range 1 to 5000 (unit 万人): given in single units "
     "where the seed asks 万 (÷ 10,000)? that is 2185, value '21850000'"},
    {"stats", "stats_unknown_city.csv",
     "%s:2:1 (city): unknown city code (4 digits, see 'lcmon cities'; a county-level city has 6 "
     "once its application is in the register), value '9901'"},
    {"stats", "stats_unknown_indicator.csv",
     "%s:2:3 (indicator): unknown indicator (see 'lcmon framework show'), value '9.9.9'"},
    {"stats", "stats_number_with_separator.csv",
     "%s:2:4 (value): not a number (plain digits, '.' for decimals, no separators), value "
     "'85,000'"},
    {"stats", "stats_duplicate_in_file.csv",
     "%s:4:1 (city): duplicate of line 2 (same city, year and indicator), value '1100'"},
    /* 4.2.2 counts 国际, 国家 and 省部级 titles (seed 附件1): a city's own title is none */
    {"honours", "honours_bad_level.csv",
     "%s:2:4 (level): level is 国际 (international), 国家 (national) or 省部级 (provincial), "
     "value '市级'"},
    {"ratings", "ratings_score_over_100.csv",
     "%s:2:5 (score): a score must be a number from 0 to 100, value '105'"},
    {"ratings", "ratings_not_a_rating_point.csv",
     "%s:2:3 (indicator): indicator 1.1.2 is of kind quantitative: import it with 'lcmon "
     "import stats', value '1.1.2'"},
    {"facilities", "facilities_unit_not_in_city.csv",
     "%s:2:2 (unit): unit 110101 (东城区) is not in city 1200, value '110101'"},
    {"facilities", "facilities_level_mismatch.csv",
     "%s:2:2 (unit): a township-level facility is located by a township code, this is a "
     "county, value '110101'"},
};

static void import__bad_files_give_their_message_and_change_nothing(void) {
    const char *db = fresh_db("bad.db");
    char dbpath[4096];
    snprintf(dbpath, sizeof dbpath, "%s", db);
    CU_ASSERT_EQUAL(import("stats", dbpath, "tests/fixtures/import/stats_ok.csv", NULL, NULL, NULL),
                    0);
    char *before = fingerprint(dbpath);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char fixture[256], want[8192], *out = NULL, *err = NULL;
        snprintf(fixture, sizeof fixture, "tests/fixtures/import/%s", bad[i].fixture);
        subst(want, sizeof want, bad[i].msg, lcmt_path(fixture));
        int rc = import(bad[i].what, dbpath, fixture, &out, &err, NULL);
        if (rc != 1 || !err || !strstr(err, want))
            fprintf(stderr, "\n  %s: exit %d, stderr:\n%s  wanted: %s\n", bad[i].fixture, rc,
                    err ? err : "(none)", want);
        CU_ASSERT_EQUAL(rc, 1);
        CU_ASSERT_PTR_NOT_NULL(err && strstr(err, want));
        char *after = fingerprint(dbpath);
        CU_ASSERT_STRING_EQUAL(after, before);
        free(after), free(out), free(err);
    }
    free(before);
}

static void import__good_files_import_once_then_unchanged(void) {
    static const struct {
        const char *what, *fixture, *first, *again;
    } cases[] = {
        {"stats", "stats_ok.csv", "(utf-8): 4 rows, 4 new, 0 unchanged",
         "(utf-8): 4 rows, 0 new, 4 unchanged"},
        {"ratings", "ratings_ok.csv", "3 rows, 3 new", "3 rows, 0 new, 3 unchanged"},
        {"facilities", "facilities_ok.csv", "3 rows, 3 new", "3 rows, 0 new, 3 unchanged"},
        {"stats", "stats_gbk.csv", "(gb18030): 2 rows, 1 new, 1 unchanged",
         "(gb18030): 2 rows, 0 new, 2 unchanged"},
    };
    char db[4096];
    snprintf(db, sizeof db, "%s", fresh_db("good.db"));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char fixture[256], *out = NULL;
        snprintf(fixture, sizeof fixture, "tests/fixtures/import/%s", cases[i].fixture);
        CU_ASSERT_EQUAL(import(cases[i].what, db, fixture, &out, NULL, NULL), 0);
        CU_ASSERT(lcmt_has(out, cases[i].first));
        free(out);
        char *before = fingerprint(db);
        CU_ASSERT_EQUAL(import(cases[i].what, db, fixture, &out, NULL, NULL), 0);
        CU_ASSERT(lcmt_has(out, cases[i].again));
        char *after = fingerprint(db);
        CU_ASSERT_STRING_EQUAL(after, before);
        free(out), free(before), free(after);
    }
    /* GB18030 text is stored as UTF-8; the facility kind in Chinese is stored canonical. */
    char *fp = fingerprint(db);
    CU_ASSERT(lcmt_has(fp, "1200|2024|1.1.2|84.7|天津统计年鉴2024|0|常住人口"));
    CU_ASSERT(
        lcmt_has(fp, "1100|110101001|village|community_education|多福巷社区学习点|多福巷社区"));
    free(fp);
}

static void import__conflicting_reimport_is_reported_unless_replace(void) {
    char db[4096], want[8192], *out = NULL, *err = NULL;
    snprintf(db, sizeof db, "%s", fresh_db("conflict.db"));
    CU_ASSERT_EQUAL(import("stats", db, "tests/fixtures/import/stats_ok.csv", NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(
        import("stats", db, "tests/fixtures/import/stats_conflict.csv", &out, &err, NULL), 1);
    subst(want, sizeof want,
          "%s:2:4 (value): conflicts with the stored value 87.5 from '北京统计年鉴2024' (use "
          "--replace to overwrite), value '88.0'",
          lcmt_path("tests/fixtures/import/stats_conflict.csv"));
    CU_ASSERT(lcmt_has(err, want));
    CU_ASSERT(lcmt_has(err, "lcmon: 1 problem in '"));
    free(out), free(err);
    CU_ASSERT_EQUAL(
        import("stats", db, "tests/fixtures/import/stats_conflict.csv", &out, &err, "--replace"),
        0);
    CU_ASSERT(lcmt_has(out, "1 rows, 0 new, 0 unchanged, 1 replaced"));
    char *fp = fingerprint(db);
    CU_ASSERT(lcmt_has(fp, "1100|2024|1.1.2|88.0|北京统计年鉴2024|0|修订"));
    free(fp), free(out), free(err);
}

/* 30 bad rows: the first 20 are listed, the rest counted. */
static void import__problems_listed_up_to_a_cap_then_counted(void) {
    char db[4096], csv[4096], *err = NULL;
    snprintf(db, sizeof db, "%s", fresh_db("cap.db"));
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("cap.csv"));
    FILE *fp = fopen(csv, "w");
    fputs("city,year,indicator,value,source\n", fp);
    for (int i = 0; i < 30; i++)
        fprintf(fp, "1100,%d,1.1.2,101,x\n", 2001 + i);
    fclose(fp);
    const char *args[] = {"import", "stats", db, csv, NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, ":21:4 (value): outside the plausible range 10 to 100 (unit %)"));
    CU_ASSERT_PTR_NULL(strstr(err, ":22:4 (value)"));
    CU_ASSERT(lcmt_has(err, "... and 10 more problems\nlcmon: 30 problems in '"));
    free(err);
}

/* A 2 GB field (a sparse file: no disk used) is refused at the field cap, quickly. */
static void import__two_gigabyte_field_is_refused(void) {
    char db[4096], csv[4096], want[8192], *err = NULL;
    snprintf(db, sizeof db, "%s", fresh_db("big.db"));
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("big.csv"));
    FILE *fp = fopen(csv, "w");
    fputs("city,year,indicator,value,source\n1100,2024,1.1.2,1,\"", fp);
    CU_ASSERT_EQUAL(fseeko(fp, (2LL << 30) - 2, SEEK_SET), 0);
    fputs("\"\n", fp);
    fclose(fp);
    const char *args[] = {"import", "stats", db, csv, "--encoding", "utf-8", NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, NULL, &err), 1);
    subst(want, sizeof want, "lcmon: %s:2:5: field longer than 16777216 bytes", csv);
    CU_ASSERT(lcmt_has(err, want));
    free(err);
}

const lcmt_case lcmt_import_cases[] = {
    {"import__bad_files_give_their_message_and_change_nothing",
     import__bad_files_give_their_message_and_change_nothing},
    {"import__good_files_import_once_then_unchanged",
     import__good_files_import_once_then_unchanged},
    {"import__conflicting_reimport_is_reported_unless_replace",
     import__conflicting_reimport_is_reported_unless_replace},
    {"import__problems_listed_up_to_a_cap_then_counted",
     import__problems_listed_up_to_a_cap_then_counted},
    {"import__two_gigabyte_field_is_refused", import__two_gigabyte_field_is_refused},
    {NULL, NULL},
};
