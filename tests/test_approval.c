/*
 * test_approval.c - data approval of a city's monitoring inputs (issue 15, engine/approval.h,
 * docs/approval.md): every transition and every refusal of the state machine, the history,
 * the lock on submitted and accepted inputs (importers and triggers, the database left as it
 * was), the CLI, and official score runs, which must equal a normal run over a database that
 * holds only the accepted city-years' inputs.
 */
#include "approval.h"
#include "auth.h"
#include "lcmon.h"
#include "score.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sql(lcm_db *db, const char *s) {
    char *msg = NULL;
    int rc = sqlite3_exec(lcm_db_sqlite(db), s, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "sql: %s\n", msg);
    sqlite3_free(msg);
    CU_ASSERT_EQUAL_FATAL(rc, SQLITE_OK);
}

/* The error of sql s (which must fail), malloc'd. */
static char *sql_fails(lcm_db *db, const char *s) {
    char *msg = NULL;
    int rc = sqlite3_exec(lcm_db_sqlite(db), s, NULL, NULL, &msg);
    CU_ASSERT_NOT_EQUAL(rc, SQLITE_OK);
    char *out = strdup(msg ? msg : "");
    sqlite3_free(msg);
    return out;
}

/* Four member cities, 1101 A and 1102 B (east), 5101 C and 5102 D (west), with values of
 * every scored point in 2023 and 2024 (base + position + year offset, so D > C > B > A),
 * 3.3.2 2.0, 常住人口 100 万人, and honours: A 2022 国家, B 2024 国际, D 2023 国际. 5102's
 * 2023 value of 2.1.1 is ten times the others (it sets the goalposts when it is read). */
static lcm_db *fixture(const char *name, char *path_out, size_t cap) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    char file[256];
    snprintf(file, sizeof file, "approval_%s", name); /* the test directory is shared */
    const char *path = lcmt_tmp(file);
    if (path_out)
        snprintf(path_out, cap, "%s", path);
    remove(path);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_framework_load(db, lcm_datadir(), &err), LCM_OK);
    sql(db, "INSERT INTO provinces(code, name, region3, region4) VALUES "
            "('11','P11','east','east'),('51','P51','west','west');"
            "INSERT INTO cities(code, name, province_code, tier) VALUES "
            "('1101','A','11','prefecture'),('1102','B','11','prefecture'),"
            "('5101','C','51','provincial_capital'),('5102','D','51','prefecture');"
            "INSERT INTO indicator_values(city_code, year, indicator_code, value, source)"
            " SELECT c.code, y.y, i.code,"
            "  CASE WHEN i.kind = 'yesno' THEN (c.code >= '5101')"
            "       WHEN i.code = '3.3.2' THEN 2.0"
            "       ELSE (CASE c.code WHEN '1101' THEN 10 WHEN '1102' THEN 20"
            "             WHEN '5101' THEN 30 ELSE 40 END) + i.ord + (y.y - 2023) * 3 END, 'test'"
            " FROM cities c, indicators i, (SELECT 2023 AS y UNION SELECT 2024) y"
            " WHERE i.kind IS NOT NULL AND i.kind <> 'survey'"
            " AND coalesce(i.direction, '') <> 'context';"
            "UPDATE indicator_values SET value = value * 10 WHERE city_code = '5102'"
            " AND year = 2023 AND indicator_code = '2.1.1';"
            "INSERT INTO city_stats(city_code, year, stat, value, source)"
            " SELECT code, y, 'population', 100, 'test' FROM cities,"
            " (SELECT 2023 AS y UNION SELECT 2024);"
            "INSERT INTO honours(city_code, year, name, level, source) VALUES"
            " ('1101', 2022, 'n1', 'national', 'test'),"
            " ('1102', 2024, 'i1', 'international', 'test'),"
            " ('1102', 2023, 'i2', 'international', 'test'),"
            " ('5102', 2023, 'i3', 'international', 'test');"
            "INSERT INTO network_members(city_code, status, applied_on, population,"
            " population_year, area, area_year, gdp_per_capita, gdp_per_capita_year,"
            " education_years, education_years_year, admitted_year, source) SELECT code,"
            " 'admitted', '2022-09-20', 100, 2022, 1000, 2022, 80000, 2022, 11, 2022, 2023,"
            " 'test' FROM cities;");
    return db;
}

static lcm_status act(lcm_db *db, const char *city, int year, lcm_approval_action a,
                      lcm_approval_level l, const char *comment, lcm_err *err) {
    lcm_err local = {0};
    return lcm_approval_act(db, city, year, a, l, "tester", 0, comment, NULL, err ? err : &local);
}

static lcm_approval_state state_of(lcm_db *db, const char *city, int year) {
    lcm_approval ap;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_approval_get(db, city, year, &ap, &err), LCM_OK);
    return ap.state;
}

static long history_rows(lcm_db *db) {
    return lcmt_count(db, "SELECT count(*) FROM data_approval_history");
}

/* ---- transitions ---------------------------------------------------------------------- */

/* open → submitted (city) → province_accepted (province) → accepted (ministry) → open
 * (reopen), each a history row with level, from and to state, who and comment. */
static void approval__up_the_levels_and_reopen(void) {
    lcm_db *db = fixture("up.db", NULL, 0);
    lcm_err err = {0};
    CU_ASSERT_EQUAL(state_of(db, "1101", 2024), LCM_APPROVAL_OPEN);
    lcm_approval ap;
    CU_ASSERT_EQUAL(lcm_approval_get(db, "1101", 2024, &ap, &err), LCM_OK);
    /* the fixture: every scored point but the survey one, and one population */
    CU_ASSERT_EQUAL(ap.values, lcmt_count(db, "SELECT count(*) FROM indicators WHERE kind IS NOT"
                                              " NULL AND kind <> 'survey' AND"
                                              " coalesce(direction, '') <> 'context'"));
    CU_ASSERT_EQUAL(ap.stats, 1);
    CU_ASSERT_EQUAL(
        act(db, "1101", 2024, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_CITY, "数据已核对", NULL), LCM_OK);
    CU_ASSERT_EQUAL(state_of(db, "1101", 2024), LCM_APPROVAL_SUBMITTED);
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_PROVINCE, NULL, NULL),
                    LCM_OK);
    CU_ASSERT_EQUAL(state_of(db, "1101", 2024), LCM_APPROVAL_PROVINCE_ACCEPTED);
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_MINISTRY, NULL, NULL),
                    LCM_OK);
    CU_ASSERT_EQUAL(state_of(db, "1101", 2024), LCM_APPROVAL_ACCEPTED);
    CU_ASSERT_EQUAL(
        act(db, "1101", 2024, LCM_APPROVAL_REOPEN, LCM_APPROVAL_MINISTRY, "更正人口", NULL),
        LCM_OK);
    CU_ASSERT_EQUAL(state_of(db, "1101", 2024), LCM_APPROVAL_OPEN);
    /* another year of the same city is a separate city-year */
    CU_ASSERT_EQUAL(state_of(db, "1101", 2023), LCM_APPROVAL_OPEN);
    lcm_approval_event *ev = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_approval_history(db, "1101", 2024, &ev, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(n, 4);
    static const lcm_approval_action acts[] = {LCM_APPROVAL_SUBMIT, LCM_APPROVAL_ACCEPT,
                                               LCM_APPROVAL_ACCEPT, LCM_APPROVAL_REOPEN};
    static const lcm_approval_level lvls[] = {LCM_APPROVAL_CITY, LCM_APPROVAL_PROVINCE,
                                              LCM_APPROVAL_MINISTRY, LCM_APPROVAL_MINISTRY};
    static const lcm_approval_state from[] = {LCM_APPROVAL_OPEN, LCM_APPROVAL_SUBMITTED,
                                              LCM_APPROVAL_PROVINCE_ACCEPTED,
                                              LCM_APPROVAL_ACCEPTED};
    static const lcm_approval_state to[] = {LCM_APPROVAL_SUBMITTED, LCM_APPROVAL_PROVINCE_ACCEPTED,
                                            LCM_APPROVAL_ACCEPTED, LCM_APPROVAL_OPEN};
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(ev[i].action, acts[i]);
        CU_ASSERT_EQUAL(ev[i].level, lvls[i]);
        CU_ASSERT_EQUAL(ev[i].from, from[i]);
        CU_ASSERT_EQUAL(ev[i].to, to[i]);
        CU_ASSERT_STRING_EQUAL(ev[i].who, "tester");
        CU_ASSERT_EQUAL(strlen(ev[i].at), 20); /* 2026-12-05T19:00:00Z */
    }
    CU_ASSERT_STRING_EQUAL(ev[0].comment, "数据已核对");
    CU_ASSERT_STRING_EQUAL(ev[3].comment, "更正人口");
    free(ev);
    lcm_db_close(db);
}

/* The province returns submitted inputs, the city submits again, the ministry returns what
 * the province accepted; each return keeps its comment as the city-year's comment. */
static void approval__returns_go_back_to_the_city(void) {
    lcm_db *db = fixture("return.db", NULL, 0);
    lcm_err err = {0};
    CU_ASSERT_EQUAL(act(db, "1102", 2024, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_CITY, NULL, NULL),
                    LCM_OK);
    CU_ASSERT_EQUAL(act(db, "1102", 2024, LCM_APPROVAL_RETURN, LCM_APPROVAL_PROVINCE,
                        "2.1.1 与统计年鉴不符", NULL),
                    LCM_OK);
    lcm_approval ap;
    CU_ASSERT_EQUAL(lcm_approval_get(db, "1102", 2024, &ap, &err), LCM_OK);
    CU_ASSERT_EQUAL(ap.state, LCM_APPROVAL_RETURNED);
    CU_ASSERT_STRING_EQUAL(ap.comment, "2.1.1 与统计年鉴不符");
    CU_ASSERT_STRING_EQUAL(ap.updated_by, "tester");
    CU_ASSERT_EQUAL(act(db, "1102", 2024, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_CITY, "已更正", NULL),
                    LCM_OK);
    CU_ASSERT_EQUAL(act(db, "1102", 2024, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_PROVINCE, NULL, NULL),
                    LCM_OK);
    CU_ASSERT_EQUAL(
        act(db, "1102", 2024, LCM_APPROVAL_RETURN, LCM_APPROVAL_MINISTRY, "缺少自评说明", NULL),
        LCM_OK);
    CU_ASSERT_EQUAL(state_of(db, "1102", 2024), LCM_APPROVAL_RETURNED);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM data_approval_history WHERE"
                                   " action = 'return' AND level = 'ministry' AND"
                                   " from_state = 'province_accepted' AND to_state = 'returned'"
                                   " AND comment = '缺少自评说明'"),
                    1);
    CU_ASSERT_EQUAL(history_rows(db), 5);
    lcm_db_close(db);
}

/* Each refusal: the status and a message naming the state, nothing written. */
static void approval__refusals_leave_the_state_and_history(void) {
    lcm_db *db = fixture("refuse.db", NULL, 0);
    lcm_err err = {0};
    /* nothing submitted yet: neither level can accept or return, nobody can reopen */
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_PROVINCE, NULL, &err),
                    LCM_CONFLICT);
    LCMT_ASSERT_HAS(err.msg, "cannot accept the inputs of city 1101 (A) for 2024: they are 填报中"
                             " (open), and only the city can submit it");
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_RETURN, LCM_APPROVAL_PROVINCE, "x", NULL),
                    LCM_CONFLICT);
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_REOPEN, LCM_APPROVAL_MINISTRY, NULL, NULL),
                    LCM_CONFLICT);
    /* only the city submits */
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_PROVINCE, NULL, &err),
                    LCM_CONFLICT);
    LCMT_ASSERT_HAS(err.msg, "the province level cannot submit");
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_CITY, NULL, NULL),
                    LCM_OK);
    /* submitted: not again, not by the ministry (the province comes first), not by the city */
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_CITY, NULL, &err),
                    LCM_CONFLICT);
    LCMT_ASSERT_HAS(err.msg, "they are 已上报 (submitted), and only the province can accept or "
                             "return it");
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_MINISTRY, NULL, &err),
                    LCM_CONFLICT);
    LCMT_ASSERT_HAS(err.msg, "the ministry level cannot accept");
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_CITY, NULL, NULL),
                    LCM_CONFLICT);
    /* a return needs a comment (blank is none) */
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_RETURN, LCM_APPROVAL_PROVINCE, " \t", &err),
                    LCM_INVAL);
    LCMT_ASSERT_HAS(err.msg, "a return needs a comment");
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_RETURN, LCM_APPROVAL_PROVINCE, NULL, NULL),
                    LCM_INVAL);
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_REOPEN, LCM_APPROVAL_MINISTRY, NULL, NULL),
                    LCM_CONFLICT);
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_PROVINCE, NULL, NULL),
                    LCM_OK);
    /* province_accepted: the province cannot accept or return it again */
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_PROVINCE, NULL, &err),
                    LCM_CONFLICT);
    LCMT_ASSERT_HAS(err.msg, "省级已审核 (province_accepted), and the ministry can accept or "
                             "return it");
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_RETURN, LCM_APPROVAL_PROVINCE, "x", NULL),
                    LCM_CONFLICT);
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_MINISTRY, NULL, NULL),
                    LCM_OK);
    /* accepted: only the ministry's reopen */
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_RETURN, LCM_APPROVAL_MINISTRY, "x", &err),
                    LCM_CONFLICT);
    LCMT_ASSERT_HAS(err.msg, "部级已确认 (accepted), and only the ministry can reopen it");
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_MINISTRY, NULL, NULL),
                    LCM_CONFLICT);
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_CITY, NULL, NULL),
                    LCM_CONFLICT);
    CU_ASSERT_EQUAL(act(db, "1101", 2024, LCM_APPROVAL_REOPEN, LCM_APPROVAL_PROVINCE, NULL, &err),
                    LCM_CONFLICT);
    LCMT_ASSERT_HAS(err.msg, "the province level cannot reopen");
    CU_ASSERT_EQUAL(state_of(db, "1101", 2024), LCM_APPROVAL_ACCEPTED);
    CU_ASSERT_EQUAL(history_rows(db), 3); /* only the three that succeeded */
    /* nothing to submit; an unknown city */
    CU_ASSERT_EQUAL(act(db, "1101", 2030, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_CITY, NULL, &err),
                    LCM_NOTFOUND);
    LCMT_ASSERT_HAS(err.msg, "no inputs of city 1101 (A) for 2030 to submit");
    CU_ASSERT_EQUAL(act(db, "9999", 2024, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_CITY, NULL, &err),
                    LCM_NOTFOUND);
    LCMT_ASSERT_HAS(err.msg, "unknown city: '9999'");
    CU_ASSERT_EQUAL(history_rows(db), 3);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM data_approvals"), 1);
    /* the history is append-only */
    char *msg = sql_fails(db, "UPDATE data_approval_history SET who = 'x'");
    LCMT_ASSERT_HAS(msg, "append-only");
    free(msg);
    msg = sql_fails(db, "DELETE FROM data_approval_history");
    LCMT_ASSERT_HAS(msg, "append-only");
    free(msg);
    msg = sql_fails(db, "INSERT OR REPLACE INTO data_approval_history(id, city_code, year, action,"
                        " level, from_state, to_state, who, at) SELECT id, city_code, year,"
                        " 'reopen', level, from_state, to_state, 'x', at FROM"
                        " data_approval_history WHERE id = 1");
    LCMT_ASSERT_HAS(msg, "append-only");
    free(msg);
    CU_ASSERT_EQUAL(history_rows(db), 3);
    lcm_db_close(db);
}

/* ---- the lock --------------------------------------------------------------------------- */

/* A fingerprint of every input table: a change anywhere changes it. */
static long inputs_print(lcm_db *db) {
    return lcmt_count(
        db, "SELECT (SELECT count(*) + coalesce(sum(value), 0) FROM indicator_values)"
            " + (SELECT count(*) * 1000 + coalesce(sum(value), 0) FROM city_stats)"
            " + (SELECT count(*) * 100000 + coalesce(sum(value), 0) FROM self_assessments)"
            " + (SELECT count(*) * 10000000 + coalesce(sum(year), 0) FROM honours)"
            " + (SELECT count(*) * 1000000000 FROM facilities)");
}

static void accept_all_the_way(lcm_db *db, const char *city, int year) {
    CU_ASSERT_EQUAL_FATAL(act(db, city, year, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_CITY, NULL, NULL),
                          LCM_OK);
    CU_ASSERT_EQUAL_FATAL(
        act(db, city, year, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_PROVINCE, NULL, NULL), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(
        act(db, city, year, LCM_APPROVAL_ACCEPT, LCM_APPROVAL_MINISTRY, NULL, NULL), LCM_OK);
}

static int import(const char *kind, const char *db, const char *csv, const char *text, char **err) {
    lcmt_write(csv, text, strlen(text));
    char *out = NULL;
    int rc =
        lcmt_run((const char *[]){"import", kind, db, csv, "--replace", NULL}, NULL, &out, err);
    free(out);
    return rc;
}

/* An import of 常住人口 (city_stats) for an accepted city-year is refused, naming file, line,
 * column, city, year and state, and the database is as it was, though the file's other line
 * (another city) is fine. Reopened, the same import goes in. */
static void approval__lock_refuses_an_import_of_city_stats(void) {
    char path[4096], csv[4096];
    lcm_db *db = fixture("lock.db", path, sizeof path);
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("approval_lock_pop.csv"));
    accept_all_the_way(db, "5101", 2024);
    long before = inputs_print(db);
    lcm_db_close(db);
    static const char pop[] = "city,year,indicator,value,source\n"
                              "1101,2024,常住人口,150,统计年鉴\n"
                              "5101,2024,常住人口,250,统计年鉴\n";
    char *err = NULL;
    CU_ASSERT_EQUAL(import("stats", path, csv, pop, &err), 1);
    LCMT_ASSERT_HAS(
        err, "approval_lock_pop.csv:3:2 (year): the inputs of city 5101 for 2024 are 部级已确认"
             " (accepted) and locked: the ministry must reopen them first");
    free(err);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &(lcm_err){0}), LCM_OK);
    CU_ASSERT_EQUAL(inputs_print(db), before);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT value FROM city_stats WHERE city_code = '1101' AND"
                                   " year = 2024"),
                    100);
    /* the other year of the same city and the same year of another city are free */
    CU_ASSERT_EQUAL(lcm_approval_locked(db, "5101", 2023, 0, NULL, NULL), 0);
    CU_ASSERT_EQUAL(lcm_approval_locked(db, "5102", 2024, 0, NULL, NULL), 0);
    CU_ASSERT_EQUAL(act(db, "5101", 2024, LCM_APPROVAL_REOPEN, LCM_APPROVAL_MINISTRY, NULL, NULL),
                    LCM_OK);
    lcm_db_close(db);
    err = NULL;
    CU_ASSERT_EQUAL(import("stats", path, csv, pop, &err), 0);
    free(err);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &(lcm_err){0}), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT value FROM city_stats WHERE city_code = '5101' AND"
                                   " year = 2024"),
                    250);
    lcm_db_close(db);
}

/* Submitted inputs are locked too (under review), returned ones are not; honours awarded in
 * or before a locked year and facilities opened by then count in it and are locked. */
static void approval__lock_covers_every_input_of_the_city_year(void) {
    char path[4096], csv[4096];
    lcm_db *db = fixture("lock2.db", path, sizeof path);
    sql(db, "INSERT INTO admin_units(code, name, level, city_code, province_code) VALUES"
            " ('510104', 'U', 'county', '5101', '51');"
            "INSERT INTO self_assessments(city_code, year, indicator_code, value, source)"
            " VALUES ('5101', 2024, '2.1.1', 99, 'test');"
            "INSERT INTO facilities(city_code, unit_code, level, kind, name, year_opened)"
            " VALUES ('5101', '510104', 'county', 'community_education', 'f0', 2020);");
    CU_ASSERT_EQUAL(act(db, "5101", 2024, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_CITY, NULL, NULL),
                    LCM_OK);
    long before = inputs_print(db);
    /* the triggers: every table, every kind of write */
    static const char *const writes[] = {
        "UPDATE indicator_values SET value = 1 WHERE city_code = '5101' AND year = 2024",
        "DELETE FROM indicator_values WHERE city_code = '5101' AND year = 2024",
        "UPDATE indicator_values SET year = 2024 WHERE city_code = '5101' AND year = 2023"
        " AND indicator_code = '2.1.1'",
        "INSERT OR REPLACE INTO city_stats(city_code, year, stat, value, source)"
        " VALUES ('5101', 2024, 'population', 5, 'x')",
        "DELETE FROM city_stats WHERE city_code = '5101'",
        "UPDATE self_assessments SET value = 1",
        "INSERT INTO honours(city_code, year, name, level, source)"
        " VALUES ('5101', 2020, 'late', 'national', 'x')",
        "INSERT INTO facilities(city_code, unit_code, level, kind, name, year_opened)"
        " VALUES ('5101', '510104', 'county', 'community_education', 'f', 2024)",
        "INSERT INTO facilities(city_code, unit_code, level, kind, name)"
        " VALUES ('5101', '510104', 'county', 'community_education', 'g')",
        /* a replacing row of another city, opened later, would delete 5101's f0 */
        "INSERT OR REPLACE INTO facilities(city_code, unit_code, level, kind, name, year_opened)"
        " VALUES ('1101', '510104', 'county', 'community_education', 'f0', 2030)",
    };
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        char *msg = sql_fails(db, writes[i]);
        LCMT_ASSERT_HAS(msg, "inputs locked by data approval (see lcmon approval status)");
        free(msg);
    }
    CU_ASSERT_EQUAL(inputs_print(db), before);
    /* not locked: a later honour or facility, the year before, another city */
    sql(db, "INSERT INTO honours(city_code, year, name, level, source)"
            " VALUES ('5101', 2025, 'next', 'national', 'x');"
            "INSERT INTO facilities(city_code, unit_code, level, kind, name, year_opened)"
            " VALUES ('5101', '510104', 'county', 'community_education', 'h', 2025);"
            "UPDATE indicator_values SET value = value + 1 WHERE city_code = '5101'"
            " AND year = 2023 AND indicator_code = '2.1.2';"
            "UPDATE indicator_values SET value = value + 1 WHERE city_code = '5102'"
            " AND year = 2024 AND indicator_code = '2.1.2';");
    CU_ASSERT_EQUAL(lcm_approval_locked(db, "5101", 2020, 1, NULL, NULL), 1);
    CU_ASSERT_EQUAL(lcm_approval_locked(db, "5101", 0, 1, NULL, NULL), 1);
    CU_ASSERT_EQUAL(lcm_approval_locked(db, "5101", 2025, 1, NULL, NULL), 0);
    lcm_db_close(db);
    /* the importers say which city and year an honour or facility counts in */
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("approval_lock_h.csv"));
    char *err = NULL;
    CU_ASSERT_EQUAL(import("honours", path, csv,
                           "city,year,name,level,source\n5101,2021,全国文明城市,国家,文明委\n",
                           &err),
                    1);
    LCMT_ASSERT_HAS(
        err, "approval_lock_h.csv:2:2 (year): counts in 2024: the inputs of city 5101 for 2024"
             " are 已上报 (submitted) and locked: they are under review and can be"
             " changed once returned");
    free(err);
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("approval_lock_f.csv"));
    err = NULL;
    CU_ASSERT_EQUAL(import("facilities", path, csv,
                           "city,unit,level,kind,name\n5101,510104,county,社区教育,社区学院\n",
                           &err),
                    1);
    LCMT_ASSERT_HAS(err, "approval_lock_f.csv:2:1 (city): counts in 2024: the inputs of city 5101");
    free(err);
    /* returned: the city corrects its inputs */
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &(lcm_err){0}), LCM_OK);
    CU_ASSERT_EQUAL(act(db, "5101", 2024, LCM_APPROVAL_RETURN, LCM_APPROVAL_PROVINCE, "改", NULL),
                    LCM_OK);
    sql(db, "UPDATE self_assessments SET value = 98 WHERE city_code = '5101'");
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT value FROM self_assessments WHERE city_code = '5101'"),
                    98);
    lcm_db_close(db);
}

/* ---- the command line ------------------------------------------------------------------ */

static int run(const char *const *args, char **out, char **err) {
    return lcmt_run(args, NULL, out, err);
}

static void approval__cli_walks_the_levels(void) {
    char path[4096];
    lcm_db *db = fixture("approval_cli.db", path, sizeof path);
    lcm_db_close(db);
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(
        run((const char *[]){"approval", "submit", path, "--city", "1102", "--year", "2024", NULL},
            &out, &err),
        0);
    LCMT_ASSERT_HAS(out, "1102 B 2024: 填报中 → 已上报 (open → submitted), 城市上报");
    free(out), free(err);
    /* a province officer's return without a reason: refused, exit 1 */
    CU_ASSERT_EQUAL(
        run((const char *[]){"approval", "return", path, "--city", "1102", "--year", "2024", NULL},
            &out, &err),
        1);
    LCMT_ASSERT_HAS(err, "lcmon: a return needs a comment");
    free(out), free(err);
    /* --level says who acts: the ministry cannot accept what the province has not */
    CU_ASSERT_EQUAL(run((const char *[]){"approval", "accept", path, "--city", "1102", "--year",
                                         "2024", "--level", "ministry", NULL},
                        &out, &err),
                    1);
    LCMT_ASSERT_HAS(err, "lcmon: the ministry level cannot accept the inputs of city 1102 (B) for"
                         " 2024: they are 已上报 (submitted)");
    free(out), free(err);
    CU_ASSERT_EQUAL(
        run((const char *[]){"approval", "accept", path, "--city", "1102", "--year", "2024", NULL},
            &out, &err),
        0);
    LCMT_ASSERT_HAS(out, "已上报 → 省级已审核 (submitted → province_accepted), 省级审核通过");
    free(out), free(err);
    CU_ASSERT_EQUAL(run((const char *[]){"approval", "return", path, "--city", "1102", "--year",
                                         "2024", "--comment", "人口口径不一致", NULL},
                        &out, &err),
                    0);
    LCMT_ASSERT_HAS(out, "省级已审核 → 已退回 (province_accepted → returned), 部级退回");
    free(out), free(err);
    CU_ASSERT_EQUAL(
        run((const char *[]){"approval", "status", path, "--city", "1102", "--year", "2024", NULL},
            &out, &err),
        0);
    LCMT_ASSERT_HAS(out, "已退回");
    LCMT_ASSERT_HAS(out, "人口口径不一致");
    LCMT_ASSERT_HAS(out, "命令行");
    CU_ASSERT(!strstr(out, "returned") && !strstr(out, "state")); /* no English codes */
    free(out), free(err);
    CU_ASSERT_EQUAL(
        run((const char *[]){"approval", "status", path, "--year", "2024", "--format", "csv", NULL},
            &out, &err),
        0);
    /* the four cities with 2024 inputs: 1102 returned, the others open */
    LCMT_ASSERT_HAS(out, "1102,B,2024,已退回,returned,");
    LCMT_ASSERT_HAS(out, "1101,A,2024,填报中,open,");
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 5);
    free(out), free(err);
    CU_ASSERT_EQUAL(run((const char *[]){"approval", "status", path, "--province", "51", "--format",
                                         "csv", NULL},
                        &out, &err),
                    0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 5); /* 5101 and 5102, 2023 and 2024 */
    free(out), free(err);
    /* usage errors: exit 2 */
    CU_ASSERT_EQUAL(
        run((const char *[]){"approval", "accept", path, "--city", "1102", NULL}, &out, &err), 2);
    LCMT_ASSERT_HAS(err, "accept needs --city and --year");
    free(out), free(err);
    CU_ASSERT_EQUAL(run((const char *[]){"approval", "approve", path, NULL}, &out, &err), 2);
    LCMT_ASSERT_HAS(err, "unknown subcommand: 'approve'");
    free(out), free(err);
    CU_ASSERT_EQUAL(run((const char *[]){"approval", "accept", path, "--city", "1102", "--year",
                                         "2024", "--level", "county", NULL},
                        &out, &err),
                    2);
    free(out), free(err);
}

/* ---- accounts: the role decides the level, the place which cities ---------------------- */

static lcm_user add_user(lcm_db *db, const char *login, lcm_role role, const char *place) {
    lcm_err err = {0};
    lcm_user u;
    CU_ASSERT_EQUAL_FATAL(
        lcm_user_add(db, login, login, role, place, "approval-pass-1", NULL, NULL, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_user_get(db, login, &u, &err), LCM_OK);
    return u;
}

/* A city coordinator submits its own city only, a province officer accepts its province's
 * cities only, the ministry administrator accepts and reopens; an analyst approves nothing.
 * Each action is one audit row by the account; each refusal writes nothing. */
static void approval__accounts_act_at_their_level_and_place(void) {
    char path[4096];
    lcm_db *db = fixture("accounts.db", path, sizeof path);
    lcm_user a = add_user(db, "coord_a", LCM_ROLE_CITY, "1101");
    lcm_user p11 = add_user(db, "prov11", LCM_ROLE_PROVINCE, "11");
    lcm_user p51 = add_user(db, "prov51", LCM_ROLE_PROVINCE, "51");
    lcm_user min = add_user(db, "ministry", LCM_ROLE_ADMIN, "");
    lcm_user ana = add_user(db, "analyst", LCM_ROLE_ANALYST, "");
    long audit0 = lcmt_count(db, "SELECT count(*) FROM audit");
    lcm_err err = {0};
    lcm_approval ap;
    /* another city's inputs: refused */
    CU_ASSERT_EQUAL(
        lcm_approval_act_as(db, &a, -1, "1102", 2024, LCM_APPROVAL_SUBMIT, NULL, &ap, &err),
        LCM_CONSTRAINT);
    LCMT_ASSERT_HAS(err.msg, "account 'coord_a' (城市协调员 of 1101) cannot act on city 1102");
    CU_ASSERT_EQUAL(
        lcm_approval_act_as(db, &a, -1, "1101", 2024, LCM_APPROVAL_SUBMIT, "已核对", &ap, &err),
        LCM_OK);
    CU_ASSERT_EQUAL(ap.state, LCM_APPROVAL_SUBMITTED);
    CU_ASSERT_STRING_EQUAL(ap.updated_by, "coord_a");
    /* the coordinator cannot accept its own submission; the other province cannot either */
    CU_ASSERT_EQUAL(
        lcm_approval_act_as(db, &a, -1, "1101", 2024, LCM_APPROVAL_ACCEPT, NULL, NULL, &err),
        LCM_CONFLICT);
    LCMT_ASSERT_HAS(err.msg, "the city level cannot accept");
    CU_ASSERT_EQUAL(
        lcm_approval_act_as(db, &p51, -1, "1101", 2024, LCM_APPROVAL_ACCEPT, NULL, NULL, &err),
        LCM_CONSTRAINT);
    LCMT_ASSERT_HAS(err.msg, "account 'prov51' (省级联络员 of 51) cannot act on city 1101");
    /* a province officer asking for the ministry's level */
    CU_ASSERT_EQUAL(lcm_approval_act_as(db, &p11, LCM_APPROVAL_MINISTRY, "1101", 2024,
                                        LCM_APPROVAL_ACCEPT, NULL, NULL, &err),
                    LCM_INVAL);
    CU_ASSERT_EQUAL(
        lcm_approval_act_as(db, &ana, -1, "1101", 2024, LCM_APPROVAL_ACCEPT, NULL, NULL, &err),
        LCM_CONSTRAINT);
    LCMT_ASSERT_HAS(err.msg, "account 'analyst' (部级分析员) cannot approve data");
    /* the ministry cannot skip the province */
    CU_ASSERT_EQUAL(
        lcm_approval_act_as(db, &min, -1, "1101", 2024, LCM_APPROVAL_ACCEPT, NULL, NULL, &err),
        LCM_CONFLICT);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit"), audit0 + 1);
    CU_ASSERT_EQUAL(
        lcm_approval_act_as(db, &p11, -1, "1101", 2024, LCM_APPROVAL_ACCEPT, NULL, &ap, &err),
        LCM_OK);
    CU_ASSERT_EQUAL(ap.state, LCM_APPROVAL_PROVINCE_ACCEPTED);
    CU_ASSERT_EQUAL(
        lcm_approval_act_as(db, &min, -1, "1101", 2024, LCM_APPROVAL_ACCEPT, NULL, &ap, &err),
        LCM_OK);
    CU_ASSERT_EQUAL(ap.state, LCM_APPROVAL_ACCEPTED);
    CU_ASSERT_EQUAL(
        lcm_approval_act_as(db, &min, -1, "1101", 2024, LCM_APPROVAL_REOPEN, "更正", &ap, &err),
        LCM_OK);
    CU_ASSERT_EQUAL(ap.state, LCM_APPROVAL_OPEN);
    /* four actions, four audit rows by the accounts, and the history names them */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit"), audit0 + 4);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit WHERE object = '1101/2024' AND"
                                   " place = '1101' AND ((who = 'coord_a' AND action ="
                                   " 'approval.submit' AND detail = 'open -> submitted: 已核对')"
                                   " OR (who = 'prov11' AND action = 'approval.accept' AND"
                                   " detail = 'submitted -> province_accepted')"
                                   " OR (who = 'ministry' AND action = 'approval.reopen' AND"
                                   " detail = 'accepted -> open: 更正'))"),
                    3);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM data_approval_history h JOIN users u"
                                   " ON u.id = h.user_id AND u.login = h.who"),
                    4);
    lcm_db_close(db);
    /* the command line: --as names the account */
    char *out = NULL, *errs = NULL;
    CU_ASSERT_EQUAL(run((const char *[]){"approval", "submit", path, "--city", "1102", "--year",
                                         "2024", "--as", "coord_a", NULL},
                        &out, &errs),
                    1);
    LCMT_ASSERT_HAS(errs, "lcmon: account 'coord_a' (城市协调员 of 1101) cannot act on city 1102");
    free(out), free(errs);
    CU_ASSERT_EQUAL(run((const char *[]){"approval", "submit", path, "--city", "1101", "--year",
                                         "2024", "--as", "coord_a", NULL},
                        &out, &errs),
                    0);
    LCMT_ASSERT_HAS(out, "1101 A 2024: 填报中 → 已上报 (open → submitted), 城市上报");
    free(out), free(errs);
    CU_ASSERT_EQUAL(run((const char *[]){"approval", "accept", path, "--city", "1101", "--year",
                                         "2024", "--as", "nobody", NULL},
                        &out, &errs),
                    1);
    free(out), free(errs);
    /* without --as: the command line, audited as 命令行 */
    CU_ASSERT_EQUAL(
        run((const char *[]){"approval", "accept", path, "--city", "1101", "--year", "2024", NULL},
            &out, &errs),
        0);
    free(out), free(errs);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &(lcm_err){0}), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit WHERE who = '命令行' AND"
                                   " user_id IS NULL AND action = 'approval.accept'"),
                    1);
    lcm_db_close(db);
}

/* ---- official score runs --------------------------------------------------------------- */

static lcm_score_result *compute(lcm_db *db, lcm_score_opts *o) {
    lcm_score_result *r = NULL;
    lcm_err err = {0};
    lcm_status st = lcm_score_compute(db, o, &r, &err);
    if (st != LCM_OK)
        fprintf(stderr, "score: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(st, LCM_OK);
    return r;
}

static int same(double a, double b) {
    return (isnan(a) && isnan(b)) || a == b;
}

/* Two results over the same cities and framework: every score, goalpost and rank the same
 * double. */
static void assert_same_results(const lcm_score_result *a, const lcm_score_result *b) {
    CU_ASSERT_EQUAL_FATAL(a->in.ncity, b->in.ncity);
    CU_ASSERT_EQUAL_FATAL(a->in.nnode, b->in.nnode);
    size_t bad = 0;
    for (size_t c = 0; c < a->in.ncity; c++) {
        CU_ASSERT_STRING_EQUAL(a->in.city[c].code, b->in.city[c].code);
        CU_ASSERT_EQUAL(a->in.city[c].rank, b->in.city[c].rank);
        CU_ASSERT_EQUAL(a->in.city[c].mc.median, b->in.city[c].mc.median);
    }
    for (size_t j = 0; j < a->in.nnode; j++) {
        bad +=
            !same(a->in.node[j].lo, b->in.node[j].lo) + !same(a->in.node[j].hi, b->in.node[j].hi);
        for (size_t c = 0; c < a->in.ncity; c++) {
            size_t k = j * a->in.ncity + c;
            bad += !same(a->score[k], b->score[k]) + !same(a->in.raw[k], b->in.raw[k]);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* The approvals of the official-run tests: 2024 accepted for 1101, 5101 and 5102, 1102's only
 * submitted; of 2023 only 1101's accepted. */
static void approve_official(lcm_db *db) {
    accept_all_the_way(db, "1101", 2024);
    accept_all_the_way(db, "5101", 2024);
    accept_all_the_way(db, "5102", 2024);
    accept_all_the_way(db, "1101", 2023);
    CU_ASSERT_EQUAL(act(db, "1102", 2024, LCM_APPROVAL_SUBMIT, LCM_APPROVAL_CITY, NULL, NULL),
                    LCM_OK);
}

/* What a database holding only the accepted city-years' inputs is: the fixture without the
 * rows of (1102, 2024), (1102, 2023), (5101, 2023), (5102, 2023), and without the honours
 * that count in no accepted city-year (1102's two). */
static void keep_only_accepted(lcm_db *db) {
    static const char *const tables[] = {"indicator_values", "city_stats", "self_assessments"};
    for (size_t t = 0; t < 3; t++) {
        char q[512];
        snprintf(q, sizeof q,
                 "DELETE FROM %s WHERE NOT ((city_code IN ('1101','5101','5102') AND year = 2024)"
                 " OR (city_code = '1101' AND year = 2023))",
                 tables[t]);
        sql(db, q);
    }
    sql(db, "DELETE FROM honours WHERE city_code = '1102'");
}

/* An official run equals a normal run over a database holding only the accepted
 * city-years' inputs: min-max (the cities scored) and goalposts (pooled over the years:
 * 5102's 2023 2.1.1, ten times the rest, is not accepted and must not set the top), with
 * the honours' goalposts from accepted city-years only (1102's 国际 titles are not). And it
 * is not the normal run over everything. */
static void approval__official_run_equals_run_over_accepted_inputs(void) {
    lcm_db *db = fixture("official.db", NULL, 0);
    approve_official(db);
    lcm_db *only = fixture("official_only.db", NULL, 0);
    keep_only_accepted(only);
    for (int norm = 0; norm < 2; norm++) {
        lcm_score_opts o;
        lcm_score_opts_default(&o, 2024);
        o.mc = 50;
        o.norm = norm ? LCM_CI_GOALPOSTS : LCM_CI_MINMAX;
        lcm_score_result *plain = compute(only, &o);
        o.official = 1;
        lcm_score_result *official = compute(db, &o);
        CU_ASSERT_EQUAL(official->in.ncity, 3);
        CU_ASSERT_EQUAL(lcm_score_city_index(&official->in, "1102"), -1);
        assert_same_results(official, plain);
        LCMT_ASSERT_HAS(official->params, "\"data\":\"accepted\"");
        LCMT_ASSERT_HAS(plain->params, "\"data\":\"any\"");
        /* the normal run over everything differs: four cities; under goalposts 2.1.1's top is
         * 5102's 2023 value 10 × (40 + ord) per 10,000 (100 万人) */
        o.official = 0;
        lcm_score_result *all = compute(db, &o);
        CU_ASSERT_EQUAL(all->in.ncity, 4);
        int j = lcm_score_node_index(&all->in, "2.1.1");
        CU_ASSERT_FATAL(j >= 0);
        long ord = lcmt_count(db, "SELECT ord FROM indicators WHERE code = '2.1.1'");
        if (norm) {
            CU_ASSERT_DOUBLE_EQUAL(all->in.node[j].hi, 10.0 * (40 + ord) / 100, 1e-9);
            /* accepted: the largest is 5102's 2024 value (40 + ord + 3) / 100 */
            CU_ASSERT_DOUBLE_EQUAL(official->in.node[j].hi, (40.0 + ord + 3) / 100, 1e-9);
            /* honours: 1102's 2023 and 2024 国际 (3 + 3 = 6) set the top of everything;
             * of the accepted, 5102's 2023 国际 (3) */
            int h = lcm_score_node_index(&all->in, "4.2.2");
            CU_ASSERT_DOUBLE_EQUAL(all->in.node[h].hi, 6, 1e-12);
            CU_ASSERT_DOUBLE_EQUAL(official->in.node[h].hi, 3, 1e-12);
        }
        lcm_score_result_free(all);
        lcm_score_result_free(plain);
        lcm_score_result_free(official);
    }
    lcm_db_close(only);
    lcm_db_close(db);
}

/* `lcmon score --official` says so, names what it left out, stores "data":"accepted", and
 * --rerun makes the same official run; with nothing accepted it is refused. */
static void approval__cli_official_run(void) {
    char path[4096];
    lcm_db *db = fixture("official_cli.db", path, sizeof path);
    lcm_db_close(db);
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(
        run((const char *[]){"score", path, "--year", "2024", "--mc", "0", "--official", NULL},
            &out, &err),
        1);
    LCMT_ASSERT_HAS(err, "lcmon: no accepted inputs for year 2024 from a network member admitted"
                         " by then: an official run scores only the city-years the ministry has"
                         " accepted");
    free(out), free(err);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &(lcm_err){0}), LCM_OK);
    approve_official(db);
    lcm_db_close(db);
    CU_ASSERT_EQUAL(
        run((const char *[]){"score", path, "--year", "2024", "--mc", "0", "--official", NULL},
            &out, &err),
        0);
    LCMT_ASSERT_HAS(out, "lcmon score: 2024 年, 3 个城市, 运行 1");
    LCMT_ASSERT_HAS(out, "\"data\":\"accepted\"");
    LCMT_ASSERT_HAS(out, "正式运行: 仅用部级已确认的数据; 未纳入: 1102 B (已上报)");
    free(out), free(err);
    CU_ASSERT_EQUAL(run((const char *[]){"score", path, "--rerun", "1", NULL}, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "3 个城市, 运行 2");
    LCMT_ASSERT_HAS(out, "正式运行");
    free(out), free(err);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &(lcm_err){0}), LCM_OK);
    /* both runs stored the same scores; a normal run scores four cities */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM score_results a JOIN score_results b"
                                   " ON b.run_id = 2 AND b.city_code = a.city_code AND"
                                   " b.indicator_code = a.indicator_code AND b.score IS a.score"
                                   " WHERE a.run_id = 1"),
                    lcmt_count(db, "SELECT count(*) FROM score_results WHERE run_id = 1"));
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(DISTINCT city_code) FROM score_results WHERE"
                                   " run_id = 2"),
                    3);
    lcm_db_close(db);
    CU_ASSERT_EQUAL(
        run((const char *[]){"score", path, "--year", "2024", "--mc", "0", NULL}, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "4 个城市");
    CU_ASSERT(!strstr(out, "正式运行"));
    free(out), free(err);
}

const lcmt_case lcmt_approval_cases[] = {
    {"up_the_levels_and_reopen", approval__up_the_levels_and_reopen},
    {"returns_go_back_to_the_city", approval__returns_go_back_to_the_city},
    {"refusals_leave_the_state_and_history", approval__refusals_leave_the_state_and_history},
    {"lock_refuses_an_import_of_city_stats", approval__lock_refuses_an_import_of_city_stats},
    {"lock_covers_every_input_of_the_city_year",
     approval__lock_covers_every_input_of_the_city_year},
    {"cli_walks_the_levels", approval__cli_walks_the_levels},
    {"accounts_act_at_their_level_and_place", approval__accounts_act_at_their_level_and_place},
    {"official_run_equals_run_over_accepted_inputs",
     approval__official_run_equals_run_over_accepted_inputs},
    {"cli_official_run", approval__cli_official_run},
    {NULL, NULL},
};
