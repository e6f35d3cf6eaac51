/*
 * test_merge.c - `lcmon merge`: field databases holding the three households of
 * tests/fixtures/import/responses_ok.csv merged into a central one: new, identical and
 * conflicting instances, merging twice, a form loaded with another digest, a form not
 * loaded at all, a file that is not there, and several files in one transaction.
 */
#include "testing.h"

#include "lcmon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fresh database with the household form; with responses when import is set. */
static const char *field_db(const char *name, int form, int import) {
    static char path[8][4096];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, 4096, "%s", lcmt_tmp(name));
    remove(p);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", p, NULL}, NULL, NULL, NULL), 0);
    if (form)
        CU_ASSERT_EQUAL_FATAL(
            lcmt_run((const char *[]){"form", "load", p, lcmt_path("surveys/household"), NULL},
                     NULL, NULL, NULL),
            0);
    if (import) {
        char csv[4096];
        snprintf(csv, sizeof csv, "%s", lcmt_path("tests/fixtures/import/responses_ok.csv"));
        CU_ASSERT_EQUAL_FATAL(
            lcmt_run((const char *[]){"import", "responses", p, csv, "--form", "household", NULL},
                     NULL, NULL, NULL),
            0);
    }
    return p;
}

static void exec(const char *path, const char *sql) {
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_exec(db, sql, NULL), LCM_OK);
    lcm_db_close(db);
}

/* "households,members,sum of ages" of a database: what a merge may have changed. */
static void summary(const char *path, char *out, size_t cap) {
    lcm_db *db = NULL;
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_READONLY, &db, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_prepare(db,
                                   "SELECT (SELECT count(*) FROM resp_household_2026_1),"
                                   " (SELECT count(*) FROM resp_household_2026_1__members),"
                                   " (SELECT total(age) FROM resp_household_2026_1) +"
                                   " (SELECT total(m_age) FROM resp_household_2026_1__members)",
                                   &st, NULL),
                    LCM_OK);
    if (st && sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, cap, "%d,%d,%g", sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
                 sqlite3_column_double(st, 2));
    sqlite3_finalize(st);
    lcm_db_close(db);
}

static int merge(const char *db, const char *a, const char *b, char **out, char **err) {
    return lcmt_run((const char *[]){"merge", db, a, b, NULL}, NULL, out, err);
}

static void merge__new_identical_and_conflicting_instances(void) {
    const char *central = field_db("central.db", 1, 0), *a = field_db("team_a.db", 1, 1);
    const char *b = field_db("team_b.db", 1, 1);
    /* team B changed one household's answer and one member's age */
    exec(b, "UPDATE resp_household_2026_1 SET age = 50 WHERE instance_id LIKE '7ac0%';"
            "UPDATE resp_household_2026_1__members SET m_age = 22"
            " WHERE instance_id LIKE 'a7c9%' AND position = 3");
    char *out = NULL, before[64] = "", after[64] = "";
    CU_ASSERT_EQUAL(merge(central, a, NULL, &out, NULL), 0);
    CU_ASSERT(lcmt_has(out, "household 2026.1: 3 new, 0 already here, 0 conflicts\n"));
    free(out);
    summary(central, before, sizeof before);
    /* 3 households, 7 members; ages 49+56+56 and 49+49+21+56+56+20+56 (responses_ok.csv) */
    CU_ASSERT_STRING_EQUAL(before, "3,7,468");
    /* again, with team B: nothing new, B's two changed households are conflicts */
    CU_ASSERT_EQUAL(merge(central, a, b, &out, NULL), 0);
    CU_ASSERT(lcmt_has(out, "team_a.db': household 2026.1: 0 new, 3 already here, 0 conflicts\n"));
    CU_ASSERT(lcmt_has(out, "team_b.db': household 2026.1: 0 new, 1 already here, 2 conflicts "
                            "(left out)\n"));
    CU_ASSERT(lcmt_has(out,
                       "  conflict: instance 7ac0bc48-955e-4d4a-9669-b536d6510d1f of household "
                       "2026.1: 'age' is '49' here, '50' there\n"));
    CU_ASSERT(lcmt_has(out,
                       "  conflict: instance a7c9da0c-bef1-4a88-9b22-ec11e66865f6 of household "
                       "2026.1: 'm_age' of roster row 3 is '20' here, '22' there\n"));
    free(out);
    summary(central, after, sizeof after);
    CU_ASSERT_STRING_EQUAL(after, before);
}

static void merge__refusals_change_nothing(void) {
    const char *central = field_db("central2.db", 1, 0), *a = field_db("team_a2.db", 1, 1);
    const char *other = field_db("team_c.db", 1, 1), *noform = field_db("bare.db", 0, 0);
    char *err = NULL, before[64] = "", after[64] = "";
    summary(central, before, sizeof before);
    CU_ASSERT_STRING_EQUAL(before, "0,0,0");
    /* the same version with another questionnaire: A's good rows are not merged either */
    exec(other, "UPDATE forms SET digest = '0123456789abcdef'");
    CU_ASSERT_EQUAL(merge(central, a, other, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err,
                       "team_c.db': form 'household' version '2026.1' is not the questionnaire "
                       "loaded here (digest 0123456789abcdef there, "));
    free(err);
    summary(central, after, sizeof after);
    CU_ASSERT_STRING_EQUAL(after, before);
    /* a database without the form */
    CU_ASSERT_EQUAL(merge(noform, a, NULL, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err,
                       "team_a2.db': form 'household' version '2026.1' is not loaded here: load "
                       "the same questionnaire first ('lcmon form load')"));
    free(err);
    /* a file that is not there, and the database itself */
    CU_ASSERT_EQUAL(merge(central, a, lcmt_tmp("missing.db"), NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "missing.db"));
    free(err);
    CU_ASSERT_EQUAL(merge(central, central, NULL, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "is the database merged into"));
    free(err);
    summary(central, after, sizeof after);
    CU_ASSERT_STRING_EQUAL(after, before);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"merge", central, NULL}, NULL, NULL, &err), 2);
    CU_ASSERT(lcmt_has(err, "expected: merge DB OTHER.db..."));
    free(err);
}

const lcmt_case lcmt_merge_cases[] = {
    {"merge__new_identical_and_conflicting_instances",
     merge__new_identical_and_conflicting_instances},
    {"merge__refusals_change_nothing", merge__refusals_change_nothing},
    {NULL, NULL},
};
