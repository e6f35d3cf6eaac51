/*
 * test_import_safety.c - issue 13 "Data safety": every reader refuses what it used to store
 * silently (a NUL cutting a value, a column given twice, a stray byte making a UTF-8 file
 * GB18030, impossible timestamps, margins that cannot agree), with file:line:column and
 * field, and leaves the database as it was; writers wait for an import instead of failing.
 * Runs the real binary; the timestamp parser also directly.
 */
#include "lcmon.h"
#include "testing.h"
#include "timestamp.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What the database holds, as one string: equal strings = the same data. */
static char *fingerprint(const char *dbpath) {
    static const char sql[] =
        "SELECT (SELECT count(*) FROM indicator_values) || '|' ||"
        " (SELECT coalesce(group_concat(quote(value), ','), '') FROM indicator_values) || '|' ||"
        " (SELECT count(*) FROM datasets) || '|' || (SELECT count(*) FROM runs) || '|' ||"
        " (SELECT count(*) FROM calibrations) || '|' ||"
        " (SELECT count(*) FROM resp_household_2026_1) || '|' ||"
        " (SELECT coalesce(group_concat(instance_id || wave || coalesce(started_at, ''), ','), '')"
        "  FROM resp_household_2026_1)";
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    CU_ASSERT_PTR_NOT_NULL(out);
    return out ? out : strdup("?");
}

/* A database with the reference data and the household form (made once, copied). */
static const char *fresh_db(const char *name) {
    static char tmpl[4096], path[4096];
    if (!tmpl[0]) {
        snprintf(tmpl, sizeof tmpl, "%s", lcmt_tmp("safety_template.db"));
        CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", tmpl, NULL}, NULL, NULL, NULL), 0);
        CU_ASSERT_EQUAL_FATAL(
            lcmt_run((const char *[]){"form", "load", tmpl, lcmt_path("surveys/household"), NULL},
                     NULL, NULL, NULL),
            0);
    }
    snprintf(path, sizeof path, "%s", lcmt_tmp(name));
    size_t n = 0;
    char *bytes = lcmt_slurp(tmpl, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    lcmt_write(path, bytes, n);
    free(bytes);
    return path;
}

/* Run lcmon with args; the command must fail with exit 1, print want (with "%s" replaced
 * by file) on stderr, and leave db as it was. */
static void refused(const char *db, const char *const *args, const char *file, const char *want) {
    char *before = fingerprint(db), *out = NULL, *err = NULL, msg[8192];
    const char *at = strstr(want, "%s");
    if (at)
        snprintf(msg, sizeof msg, "%.*s%s%s", (int)(at - want), want, file, at + 2);
    else
        snprintf(msg, sizeof msg, "%s", want);
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    LCMT_ASSERT_HAS(err, msg);
    char *after = fingerprint(db);
    CU_ASSERT_STRING_EQUAL(after, before);
    free(before), free(after), free(out), free(err);
}

/* Some statistics of 2024, so that `lcmon score --year 2024` gets to read its weights. */
static void some_stats(const char *db) {
    char f[4096], *out = NULL;
    snprintf(f, sizeof f, "%s", lcmt_path("tests/fixtures/import/stats_ok.csv"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"import", "stats", db, f, NULL}, NULL, &out, NULL),
                    0);
    free(out);
}

static const char *write_text(const char *name, const char *data, size_t n) {
    static char path[4096];
    snprintf(path, sizeof path, "%s", lcmt_write(lcmt_tmp(name), data, n));
    return path;
}
#define WRITE(name, lit) write_text(name, lit, sizeof lit - 1)

/* Item 4: stats '8<NUL>7.5' was stored as 8. */
static void safety__nul_in_a_field_is_refused(void) {
    const char *db = fresh_db("nul.db");
    char dbp[4096], f[4096];
    snprintf(dbp, sizeof dbp, "%s", db);
    some_stats(dbp);
    snprintf(f, sizeof f, "%s",
             WRITE("nul.csv", "city,year,indicator,value,source\n"
                              "1100,2024,1.1.2,8\0007.5,统计年鉴\n"));
    refused(dbp, (const char *[]){"import", "stats", dbp, f, NULL}, f,
            "lcmon: %s:2:4 (value): NUL byte at byte 2 of the field (a damaged or binary file)");
    /* score weights '1<NUL>5' was read as 1 */
    snprintf(f, sizeof f, "%s", WRITE("nul_weights.csv", "code,weight\n1,1\0005\n"));
    refused(
        dbp, (const char *[]){"score", dbp, "--year", "2024", "--all-cities", "--weights", f, NULL},
        f, "lcmon: %s:2:2 (weight): NUL byte at byte 2 of the field (a damaged or binary file)");
    /* the dataset reader too, and UTF-16 without a byte-order mark is named */
    snprintf(f, sizeof f, "%s", WRITE("nul16.csv", "y\0,\0w\0\n\0001\0,\0002\0\n\0"));
    refused(dbp, (const char *[]){"import", "dataset", dbp, f, "--name", "d", NULL}, f,
            "lcmon: %s:1:1: NUL bytes between the characters: this is UTF-16 text (without a "
            "byte-order mark)");
}

/* Item 6: a column given twice, the last silently winning, in every reader. */
static void safety__a_column_given_twice_is_refused_everywhere(void) {
    const char *db = fresh_db("twice.db");
    char dbp[4096], f[4096];
    snprintf(dbp, sizeof dbp, "%s", db);
    some_stats(dbp);
    snprintf(f, sizeof f, "%s", WRITE("twice_ds.csv", "y,w,y\n1,2,3\n"));
    refused(dbp, (const char *[]){"import", "dataset", dbp, f, "--name", "d", NULL}, f,
            "lcmon: %s:1:3: column 'y' given twice (also column 1)");
    snprintf(f, sizeof f, "%s",
             WRITE("twice_resp.csv", "instance_id,city,wave,age,wave\nx1,4413,2024,40,2025\n"));
    refused(dbp, (const char *[]){"import", "responses", dbp, f, "--form", "household", NULL}, f,
            "lcmon: %s:1:5: column 'wave' given twice (also column 3)");
    /* two headers filling one thing: a question and the standard column it fills */
    snprintf(f, sizeof f, "%s",
             WRITE("twice_filled.csv", "instance_id,city,household_no,age,household_id\n"
                                       "x1,4413,001-01,40,001-02\n"));
    refused(dbp, (const char *[]){"import", "responses", dbp, f, "--form", "household", NULL}, f,
            "%s:1:5 (household_id): fills 'household_no' again (also column 3, 'household_no'), "
            "value 'household_id'");
    snprintf(f, sizeof f, "%s",
             WRITE("twice_facilities.csv", "city,unit,level,kind,name,name\n"
                                           "1100,110101,county,community_education,a,b\n"));
    refused(dbp, (const char *[]){"import", "facilities", dbp, f, NULL}, f,
            "lcmon: %s:1:6: column 'name' given twice (also column 5)");
    snprintf(f, sizeof f, "%s", WRITE("twice_weights.csv", "code,weight,weight\n1,1,5\n"));
    refused(dbp,
            (const char *[]){"score", dbp, "--year", "2024", "--all-cities", "--weights", f, NULL},
            f, "lcmon: %s:1:3: column 'weight' given twice (also column 2)");
    snprintf(f, sizeof f, "%s",
             WRITE("twice_margins.csv", "margin,level,population,population\nsex,1,100,200\n"));
    refused(dbp,
            (const char *[]){"weight", "rake", dbp, "--form", "household", "--margins", f, NULL}, f,
            "lcmon: %s:1:4: column 'population' given twice (also column 3)");
}

/* Item 3: one Windows-1252 byte made a UTF-8 file GB18030, every Chinese text garbled. */
static void safety__a_stray_byte_does_not_garble_a_utf8_file(void) {
    const char *db = fresh_db("stray.db");
    char dbp[4096], f[4096], *out = NULL;
    snprintf(dbp, sizeof dbp, "%s", db);
    snprintf(f, sizeof f, "%s",
             WRITE("stray.csv", "city,year,indicator,value,source\n"
                                "1100,2024,1.1.2,87.5,北京统计年鉴\n"
                                "1200,2024,1.1.2,80,Caf\xE9s 天津统计年鉴\n"));
    refused(dbp, (const char *[]){"import", "stats", dbp, f, NULL}, f,
            "lcmon: %s:3:23: byte 0xE9 is not UTF-8, in a file that is otherwise UTF-8 (1 such "
            "byte): correct it, or give --encoding gb18030 if the file is GB18030");
    refused(dbp, (const char *[]){"import", "stats", dbp, f, "--encoding", "utf-8", NULL}, f,
            "lcmon: %s:3:5 (source): invalid UTF-8 in field (byte 0xE9)");
    /* --encoding gb18030: imported as told */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"import", "stats", dbp, f, "--encoding", "gb18030", NULL}, NULL,
                 &out, NULL),
        0);
    LCMT_ASSERT_HAS(out, "(gb18030): 2 rows, 2 new");
    free(out);
}

/* Item 7: the timestamp parser (engine/timestamp.c). */
static void timestamp__forms_and_calendar(void) {
    static const struct {
        const char *in, *want; /* want NULL: refused, why in the second column */
        const char *why;
    } cases[] = {
        {"2025-06-05T14:41:03", "2025-06-05T14:41:03", NULL},
        {"2025-06-05 14:41", "2025-06-05T14:41:00", NULL},
        {"2025-06-05T14:41", "2025-06-05T14:41:00", NULL},
        {" 2025/6/5 14:41:03 ", "2025-06-05T14:41:03", NULL},
        {"2025/06/05 9:05", "2025-06-05T09:05:00", NULL},
        {"2025-06-05T14:41:03+08:00", "2025-06-05T14:41:03+08:00", NULL},
        {"2025-06-05T14:41:03.250+0800", "2025-06-05T14:41:03.250+08:00", NULL},
        {"2025-06-05T06:41:03Z", "2025-06-05T06:41:03+00:00", NULL},
        {"2025-06-05 14:41:03-05", "2025-06-05T14:41:03-05:00", NULL},
        {"2024-02-29T10:00", "2024-02-29T10:00:00", NULL},
        {"2025-02-30T10:00", NULL, "no such day in that month"},
        {"2025-02-29T10:00", NULL, "no such day in that month"},
        {"2025-13-01T10:00", NULL, "no such month"},
        {"2025-06-05T24:00", NULL, "no such time of day (hours 0-23, minutes and seconds 0-59)"},
        {"2025-06-05T14:61", NULL, "no such time of day (hours 0-23, minutes and seconds 0-59)"},
        {"2025-06-05", NULL, "a date without a time"},
        {"2025-6-5T14:41", NULL, "not a date and time"},
        {"2025/6/5T14:41", NULL, "not a date and time"},
        {"05/06/2025 14:41", NULL, "not a date and time"},
        {"2025-06-05T14:41:03+15:00", NULL, "zone out of range (-12:00 to +14:00)"},
        {"1899-12-31T10:00", NULL, "year out of range (1900-2100)"},
        {"yesterday", NULL, "not a date and time"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[LCM_TIMESTAMP_SIZE] = "x";
        const char *why = NULL;
        int rc = lcm_timestamp_parse(cases[i].in, out, &why);
        if (cases[i].want) {
            CU_ASSERT_EQUAL(rc, 0);
            CU_ASSERT_STRING_EQUAL(out, cases[i].want);
        } else {
            CU_ASSERT_EQUAL(rc, -1);
            CU_ASSERT_STRING_EQUAL(out, "");
            CU_ASSERT_PTR_NOT_NULL_FATAL(why);
            if (strcmp(why, cases[i].why) != 0)
                fprintf(stderr, "\n  %s: %s", cases[i].in, why);
            CU_ASSERT_STRING_EQUAL(why, cases[i].why);
        }
    }
}

/* responses_ok.csv with one more column `name` of value `value` on every row (the file has
 * no quoted fields, so appending is safe). */
static const char *with_column(const char *file, const char *name, const char *const *values,
                               const char *drop) {
    static char path[4096];
    char *text = lcmt_slurp(lcmt_path("tests/fixtures/import/responses_ok.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    FILE *fp = fopen(lcmt_tmp(file), "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    int row = 0, dropcol = -1;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), row++) {
        int col = 0;
        for (char *p = line, *next; p; p = next, col++) {
            next = strchr(p, ',');
            size_t n = next ? (size_t)(next - p) : strlen(p);
            if (next)
                next++;
            if (row == 0 && drop && n == strlen(drop) && strncmp(p, drop, n) == 0)
                dropcol = col;
            if (col != dropcol)
                fprintf(fp, "%s%.*s", col && !(dropcol == 0 && col == 1) ? "," : "", (int)n, p);
        }
        if (name)
            fprintf(fp, ",%s", row == 0 ? name : values[row - 1]);
        fputc('\n', fp);
    }
    fclose(fp);
    free(text);
    snprintf(path, sizeof path, "%s", lcmt_tmp(file));
    return path;
}

/* Item 7 in the responses importer: bad ones refused with file:line:column (field), good
 * ones stored in one form. */
static void safety__response_timestamps_are_checked_and_stored_in_one_form(void) {
    const char *db = fresh_db("times.db");
    char dbp[4096], f[4096], *out = NULL;
    snprintf(dbp, sizeof dbp, "%s", db);
    static const char *const bad[] = {"2025-06-05T10:00", "2025-02-30T10:00", "2025/6/5 9:00"};
    snprintf(f, sizeof f, "%s", with_column("times_bad.csv", "started_at", bad, NULL));
    refused(dbp, (const char *[]){"import", "responses", dbp, f, "--form", "household", NULL}, f,
            "%s:3:83 (started_at): no such day in that month (a date and time is written "
            "2025-06-05T14:41:03, 2025-06-05 14:41 or 2025/6/5 14:41:03, with an optional zone "
            "such as +08:00), value '2025-02-30T10:00'");
    static const char *const good[] = {"2025/6/5 14:41:03", "2025-06-05 14:41",
                                       "2025-06-05T14:41:03.5+08:00"};
    snprintf(f, sizeof f, "%s", with_column("times_ok.csv", "started_at", good, NULL));
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"import", "responses", dbp, f, "--form", "household", NULL}, NULL,
                 &out, NULL),
        0);
    free(out);
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(dbp, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM resp_household_2026_1 WHERE started_at "
                                  "IN ('2025-06-05T14:41:03', '2025-06-05T14:41:00',"
                                  " '2025-06-05T14:41:03.5+08:00')"),
                    3);
    lcm_db_close(h);
}

/* Item 10: a conflict on re-import names the value that differs (here the wave). */
static void safety__a_conflict_names_the_differing_field(void) {
    const char *db = fresh_db("conflict.db");
    char dbp[4096], f[4096], *out = NULL;
    snprintf(dbp, sizeof dbp, "%s", db);
    snprintf(f, sizeof f, "%s", with_column("nowave.csv", NULL, NULL, "wave"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"import", "responses", dbp, f, "--form", "household",
                                              "--wave", "2024", NULL},
                             NULL, &out, NULL),
                    0);
    free(out);
    refused(dbp,
            (const char *[]){"import", "responses", dbp, f, "--form", "household", "--wave", "2025",
                             NULL},
            f,
            "%s:2: instance 7ac0bc48-955e-4d4a-9669-b536d6510d1f is stored with other answers "
            "(wave: stored '2024', here '2025'; a conflict: it was left out)");
}

/* A conflict in personal data names the column, but does not repeat the household numbers
 * on the terminal (or in a log). */
static void safety__a_conflict_in_personal_data_shows_no_values(void) {
    const char *db = fresh_db("conflict_pii.db");
    char dbp[4096], f[4096], *out = NULL;
    snprintf(dbp, sizeof dbp, "%s", db);
    const char *ok = lcmt_path("tests/fixtures/import/responses_ok.csv");
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"import", "responses", dbp, ok, "--form", "household", NULL},
                 NULL, &out, NULL),
        0);
    free(out);
    char *text = lcmt_slurp(ok, NULL), *at = text ? strstr(text, ",001-01,") : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    memcpy(at, ",001-99,", 8); /* another household number for the first instance */
    snprintf(f, sizeof f, "%s", lcmt_write(lcmt_tmp("conflict_pii.csv"), text, strlen(text)));
    free(text);
    refused(dbp, (const char *[]){"import", "responses", dbp, f, "--form", "household", NULL}, f,
            "%s:2: instance 7ac0bc48-955e-4d4a-9669-b536d6510d1f is stored with other answers "
            "(household_id: stored with another value (personal data: not shown); a conflict: "
            "it was left out)");
}

/* A database written before times were stored in one form holds them as they were given:
 * re-importing the same file finds them unchanged, not in conflict. */
static void safety__times_stored_the_old_way_are_not_a_conflict(void) {
    const char *db = fresh_db("oldtimes.db");
    char dbp[4096], *out = NULL;
    snprintf(dbp, sizeof dbp, "%s", db);
    const char *ok = lcmt_path("tests/fixtures/import/responses_ok.csv");
    const char *args[] = {"import", "responses", dbp, ok, "--form", "household", NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    free(out), out = NULL;
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(dbp, 0, &h, NULL), LCM_OK);
    /* as an older lcmon stored '2024-05-01 10:00+00:00' */
    CU_ASSERT_EQUAL(lcm_db_exec(h,
                                "UPDATE resp_household_2026_1 SET ended_at = "
                                "'2024-05-01 10:00+00:00'",
                                NULL),
                    LCM_OK);
    lcm_db_close(h);
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    LCMT_ASSERT_HAS(out, "3 rows, 0 new, 3 unchanged");
    free(out);
}

/* The default export leaves personal columns out; importing it said only "field
 * 'household_no' is required" on every row. */
static void safety__reimported_export_says_which_personal_column_is_missing(void) {
    const char *db = fresh_db("pii.db");
    char dbp[4096], f[4096], x[4096], *out = NULL;
    snprintf(dbp, sizeof dbp, "%s", db);
    snprintf(f, sizeof f, "%s", lcmt_path("tests/fixtures/import/responses_ok.csv"));
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"import", "responses", dbp, f, "--form", "household", NULL}, NULL,
                 &out, NULL),
        0);
    free(out);
    snprintf(x, sizeof x, "%s", lcmt_tmp("pii_export.csv"));
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"export", dbp, "--form", "household", "--out", x, NULL}, NULL,
                 &out, NULL),
        0);
    free(out);
    const char *other = fresh_db("pii2.db");
    snprintf(dbp, sizeof dbp, "%s", other);
    refused(dbp, (const char *[]){"import", "responses", dbp, x, "--form", "household", NULL}, x,
            "%s:1: no column 'household_id' (question 'household_no'), which the form requires: "
            "'lcmon export' leaves personal columns out unless --include-pii");
}

/* Item 9: rake margins whose totals differ twofold only printed a misfit. */
static void safety__margins_with_disagreeing_totals_are_refused(void) {
    const char *db = fresh_db("margins.db");
    char dbp[4096], f[4096];
    snprintf(dbp, sizeof dbp, "%s", db);
    snprintf(f, sizeof f, "%s",
             WRITE("margins2x.csv", "margin,level,population\n"
                                    "sex,1,500\nsex,2,500\n"
                                    "age_band,16-29,1000\nage_band,30-44,1000\n"));
    refused(dbp,
            (const char *[]){"weight", "rake", dbp, "--form", "household", "--margins", f, NULL}, f,
            "lcmon: %s:4: margin 'age_band' totals 2000 but margin 'sex' (line 2) totals 1000: "
            "they differ by 100.0%, more than the 1% allowed (every margin counts the same "
            "population)");
}

/* A database with dataset d (y, weight w, sex) and its design, for the lock tests. */
static const char *lock_db(const char *name) {
    static char dbp[4096];
    char f[4096], *out = NULL;
    snprintf(dbp, sizeof dbp, "%s", lcmt_tmp(name));
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", dbp, NULL}, NULL, &out, NULL), 0);
    free(out);
    snprintf(f, sizeof f, "%s", WRITE("lock.csv", "y,w,sex\n1,2,1\n2,3,2\n3,1,1\n4,2,2\n"));
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"import", "dataset", dbp, f, "--name", "d", NULL}, NULL, &out,
                 NULL),
        0);
    free(out);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"design", "set", dbp, "--dataset", "d", "--weight", "w", NULL},
                 NULL, &out, NULL),
        0);
    free(out);
    return dbp;
}

/* Hold the write lock of db (as an import does) while lcmon runs args; once lcmon says it
 * waits, release the lock. No clock: the test waits for the message (EOF before it: lcmon
 * did not wait, or failed). Returns lcmon's exit status; its stdout goes to res. */
static int run_while_locked(const char *db, const char *const *args, char *res, size_t cap) {
    sqlite3 *holder = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db, &holder), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(sqlite3_exec(holder,
                                       "BEGIN IMMEDIATE; INSERT INTO runs(kind, params, "
                                       "lcmon_version) VALUES ('test', '{}', 'test')",
                                       NULL, NULL, NULL),
                          SQLITE_OK);
    const char *argv[16] = {LCMT_LCMON};
    for (size_t i = 0; args[i] && i < 14; i++)
        argv[i + 1] = args[i];
    int perr[2], pout[2];
    CU_ASSERT_EQUAL_FATAL(pipe(perr), 0);
    CU_ASSERT_EQUAL_FATAL(pipe(pout), 0);
    signal(SIGPIPE, SIG_IGN);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pout[1], 1), dup2(perr[1], 2);
        close(pout[0]), close(pout[1]), close(perr[0]), close(perr[1]);
        execv(LCMT_LCMON, (char *const *)argv);
        _exit(127);
    }
    close(pout[1]), close(perr[1]);
    char err[4096] = "";
    size_t n = 0;
    ssize_t got;
    while (!strstr(err, "waiting for another lcmon writing to") && n < sizeof err - 1 &&
           (got = read(perr[0], err + n, sizeof err - 1 - n)) > 0)
        err[n += (size_t)got] = '\0';
    LCMT_ASSERT_HAS(err, "lcmon: waiting for another lcmon writing to '");
    CU_ASSERT_EQUAL(sqlite3_exec(holder, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(holder);
    size_t m = 0;
    res[0] = '\0';
    while (m < cap - 1 && (got = read(pout[0], res + m, cap - 1 - m)) > 0)
        res[m += (size_t)got] = '\0';
    while (n < sizeof err - 1 && (got = read(perr[0], err + n, sizeof err - 1 - n)) > 0)
        err[n += (size_t)got] = '\0';
    close(pout[0]), close(perr[0]);
    int status = -1;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT_PTR_NULL(strstr(err, "locked"));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Item 8: `lcmon estimate` failed with "database is locked" after 5 s while an import ran.
 * It reads without the write lock and waits to store its run, then succeeds. */
static void safety__estimate_waits_for_a_writer_instead_of_failing(void) {
    char dbp[4096], res[8192];
    snprintf(dbp, sizeof dbp, "%s", lock_db("lock_estimate.db"));
    CU_ASSERT_EQUAL(
        run_while_locked(dbp,
                         (const char *[]){"estimate", dbp, "--dataset", "d", "--var", "y", NULL},
                         res, sizeof res),
        0);
    /* mean of y weighted by w: (1*2 + 2*3 + 3*1 + 4*2) / 8 = 2.375 (by hand) */
    LCMT_ASSERT_HAS(res, "2.375");
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(dbp, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM runs WHERE kind = 'estimate'"), 1);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM runs WHERE kind = 'test'"), 1);
    lcm_db_close(h);
}

/* Item 8: `lcmon weight rake` too waits for the writer, then stores its weights. */
static void safety__weight_rake_waits_for_a_writer_instead_of_failing(void) {
    char dbp[4096], f[4096], res[8192];
    snprintf(dbp, sizeof dbp, "%s", lock_db("lock_weight.db"));
    snprintf(f, sizeof f, "%s",
             WRITE("lock_margins.csv", "margin,level,population\n"
                                       "sex,1,60\nsex,2,50\n"));
    CU_ASSERT_EQUAL(run_while_locked(dbp,
                                     (const char *[]){"weight", "rake", dbp, "--dataset", "d",
                                                      "--margins", f, NULL},
                                     res, sizeof res),
                    0);
    LCMT_ASSERT_HAS(res, "rake: dataset 'd', 4 rows");
    /* one margin: w * N_sex / (sum of w in the sex), 60/3 and 50/5 (by hand) */
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(dbp, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT sum(abs(final_weight - w * (CASE sex WHEN 1 THEN 20"
                                  " ELSE 10 END)) < 1e-9) FROM ds_d"),
                    4);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM runs WHERE kind = 'weight'"), 1);
    lcm_db_close(h);
}

const lcmt_case lcmt_import_safety_cases[] = {
    {"safety__nul_in_a_field_is_refused", safety__nul_in_a_field_is_refused},
    {"safety__a_column_given_twice_is_refused_everywhere",
     safety__a_column_given_twice_is_refused_everywhere},
    {"safety__a_stray_byte_does_not_garble_a_utf8_file",
     safety__a_stray_byte_does_not_garble_a_utf8_file},
    {"timestamp__forms_and_calendar", timestamp__forms_and_calendar},
    {"safety__response_timestamps_are_checked_and_stored_in_one_form",
     safety__response_timestamps_are_checked_and_stored_in_one_form},
    {"safety__a_conflict_names_the_differing_field", safety__a_conflict_names_the_differing_field},
    {"safety__times_stored_the_old_way_are_not_a_conflict",
     safety__times_stored_the_old_way_are_not_a_conflict},
    {"safety__a_conflict_in_personal_data_shows_no_values",
     safety__a_conflict_in_personal_data_shows_no_values},
    {"safety__reimported_export_says_which_personal_column_is_missing",
     safety__reimported_export_says_which_personal_column_is_missing},
    {"safety__margins_with_disagreeing_totals_are_refused",
     safety__margins_with_disagreeing_totals_are_refused},
    {"safety__estimate_waits_for_a_writer_instead_of_failing",
     safety__estimate_waits_for_a_writer_instead_of_failing},
    {"safety__weight_rake_waits_for_a_writer_instead_of_failing",
     safety__weight_rake_waits_for_a_writer_instead_of_failing},
    {NULL, NULL},
};
