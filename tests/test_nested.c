/*
 * test_nested.c - repeats inside repeats (issue 17): households → members → jobs. The form
 * and the Kobo-style export in tests/fixtures/nested/ are written for these tests in the
 * shape KoboToolbox's repeat sheets have (_index, _parent_table_name, _parent_index,
 * _submission__uuid); the values below are worked out by hand from those files.
 */
#include "testing.h"

#include "form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HH1 "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
#define HH2 "7a2b3c4d-5e6f-4a70-9b8c-0d1e2f3a4b5c"

static const char *fresh_db(const char *name) {
    static char path[4096];
    snprintf(path, sizeof path, "%s", lcmt_tmp(name));
    remove(path);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", path, NULL}, NULL, NULL, NULL), 0);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", lcmt_path("tests/fixtures/nested/form"));
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"form", "load", path, dir, NULL}, NULL, NULL, NULL), 0);
    return path;
}

/* The rows of sql joined as "a|b|c;" per row. */
static char *rows_of(const char *path, const char *sql) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    sqlite3_stmt *st = NULL;
    char *acc = calloc(1, 8192);
    if (!acc || lcm_db_open(path, 0, &db, &err) != LCM_OK)
        return acc;
    if (lcm_db_prepare(db, sql, &st, &err) == LCM_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const unsigned char *v = sqlite3_column_text(st, c);
                size_t n = strlen(acc);
                snprintf(acc + n, 8192 - n, "%s%s", c ? "|" : "", v ? (const char *)v : "NULL");
            }
            strncat(acc, ";", 8191 - strlen(acc));
        }
        sqlite3_finalize(st);
    }
    lcm_db_close(db);
    return acc;
}

static int import_kobo(const char *db, char **err) {
    char members[4096], jobs[4096], main_csv[4096];
    snprintf(main_csv, sizeof main_csv, "%s", lcmt_path("tests/fixtures/nested/kobo_main.csv"));
    snprintf(members, sizeof members, "members=%s",
             lcmt_path("tests/fixtures/nested/kobo_members.csv"));
    snprintf(jobs, sizeof jobs, "jobs=%s", lcmt_path("tests/fixtures/nested/kobo_jobs.csv"));
    const char *args[] = {"import",    "responses", db,     main_csv,   "--form",
                          "nested_hh", "--format",  "kobo", "--roster", members,
                          "--roster",  jobs,        NULL};
    return lcmt_run(args, NULL, NULL, err);
}

#define MEMBERS                                                                                    \
    HH1 "|1|Li Wei|45|2|50;" HH1 "|2|Wang Fang|12|0|0;" HH2 "|1|Zhao Min|30|0|0;" HH2              \
        "|2|Sun Li|50|1|45;"
/* position, parent_position, title, hours, night (tutor's 'yes' dropped: 10 hours is not
 * > 40), j_who = the parent member's m_name, j_nth = position(..) within the member */
#define JOBS                                                                                       \
    HH1 "|1|1|teacher|40|NULL|Li Wei|1;" HH1 "|2|1|tutor|10|NULL|Li Wei|2;" HH2                    \
        "|1|2|driver|45|yes|Sun Li|1;"

static void nested__kobo_export_imports_exports_and_reimports_equal(void) {
    const char *a = fresh_db("nested_a.db");
    char dba[4096], *err = NULL;
    snprintf(dba, sizeof dba, "%s", a);
    CU_ASSERT_EQUAL(import_kobo(dba, &err), 0);
    free(err);
    char *m = rows_of(dba, "SELECT * FROM resp_nested_hh_1__members ORDER BY 1, 2");
    char *j = rows_of(dba, "SELECT * FROM resp_nested_hh_1__jobs ORDER BY 1, 2");
    char *h = rows_of(dba, "SELECT hh_no, n_jobs, total_hours, second_job_of_first, status FROM "
                           "resp_nested_hh_1 ORDER BY hh_no");
    CU_ASSERT_STRING_EQUAL(m, MEMBERS);
    CU_ASSERT_STRING_EQUAL(j, JOBS);
    /* n_jobs: all jobs of the household; indexed-repeat: member 1's job 2 */
    CU_ASSERT_STRING_EQUAL(h, "H-001|2|50|tutor|complete;H-002|1|45|NULL|complete;");
    /* exported: the jobs file names each job's member by parent_position */
    char x[4096], xm[4096], xj[4096];
    snprintf(x, sizeof x, "%s", lcmt_tmp("nested.csv"));
    snprintf(xm, sizeof xm, "%s", lcmt_tmp("nested__members.csv"));
    snprintf(xj, sizeof xj, "%s", lcmt_tmp("nested__jobs.csv"));
    const char *ex[] = {"export", dba, "--form", "nested_hh", "--format", "csv", "--out", x, NULL};
    CU_ASSERT_EQUAL(lcmt_run(ex, NULL, NULL, NULL), 0);
    char *jobs_csv = lcmt_slurp(xj, NULL);
    CU_ASSERT_STRING_EQUAL(jobs_csv,
                           "\xEF\xBB\xBF"
                           "instance_id,position,parent_position,j_title,j_hours,"
                           "j_night,j_who,j_nth\r\n" HH1 ",1,1,teacher,40,,Li Wei,1\r\n" HH1
                           ",2,1,tutor,10,,Li Wei,2\r\n" HH2 ",1,2,driver,45,yes,Sun Li,1\r\n");
    free(jobs_csv);
    /* and lcmon's own export imports back to the same rows */
    const char *b = fresh_db("nested_b.db");
    char dbb[4096], rm[4200], rj[4200];
    snprintf(dbb, sizeof dbb, "%s", b);
    snprintf(rm, sizeof rm, "members=%s", xm);
    snprintf(rj, sizeof rj, "jobs=%s", xj);
    const char *im[] = {"import",   "responses", dbb,        x,  "--form", "nested_hh",
                        "--roster", rm,          "--roster", rj, NULL};
    CU_ASSERT_EQUAL(lcmt_run(im, NULL, NULL, NULL), 0);
    char *m2 = rows_of(dbb, "SELECT * FROM resp_nested_hh_1__members ORDER BY 1, 2");
    char *j2 = rows_of(dbb, "SELECT * FROM resp_nested_hh_1__jobs ORDER BY 1, 2");
    CU_ASSERT_STRING_EQUAL(m2, MEMBERS);
    CU_ASSERT_STRING_EQUAL(j2, JOBS);
    /* read back into memory: rows and their parents */
    lcm_db *db = NULL;
    lcm_form *f = NULL;
    lcm_instance *in = NULL;
    lcm_err e = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(dbb, 0, &db, &e), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_form_get(db, "nested_hh", NULL, &f, &e), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_instance_load(db, f, HH2, &in, &e), LCM_OK);
    int jobs = lcm_form_find(f, "jobs"), title = lcm_form_find(f, "j_title");
    CU_ASSERT_EQUAL(lcm_instance_rows(in, jobs), 1);
    CU_ASSERT_EQUAL(lcm_instance_row_parent(in, jobs, 1), 2);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, title, 1), "driver");
    lcm_instance_free(in);
    lcm_form_free(f);
    lcm_db_close(db);
    free(m), free(j), free(h), free(m2), free(j2);
}

/* A job naming a member its household does not have: refused with the file, line, column
 * and header, and nothing imported. */
static void nested__unknown_parent_row_is_refused(void) {
    const char *a = fresh_db("nested_bad.db");
    char db[4096], *err = NULL;
    snprintf(db, sizeof db, "%s", a);
    char *jobs = lcmt_slurp(lcmt_path("tests/fixtures/nested/kobo_jobs.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(jobs);
    char *at = strstr(jobs, ",members,4,");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    at[9] = '7'; /* member 7 */
    char members[4096], bad[4096], main_csv[4096];
    snprintf(bad, sizeof bad, "jobs=%s", lcmt_write(lcmt_tmp("bad_jobs.csv"), jobs, strlen(jobs)));
    snprintf(main_csv, sizeof main_csv, "%s", lcmt_path("tests/fixtures/nested/kobo_main.csv"));
    snprintf(members, sizeof members, "members=%s",
             lcmt_path("tests/fixtures/nested/kobo_members.csv"));
    free(jobs);
    const char *args[] = {"import",    "responses", db,     main_csv,   "--form",
                          "nested_hh", "--format",  "kobo", "--roster", members,
                          "--roster",  bad,         NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "bad_jobs.csv:4:8"));
    CU_ASSERT(lcmt_has(err, "_parent_index"));
    CU_ASSERT(lcmt_has(err, "names no row of 'members' in household " HH2));
    free(err);
    char *n = rows_of(db, "SELECT count(*) FROM resp_nested_hh_1");
    CU_ASSERT_STRING_EQUAL(n, "0;");
    free(n);
}

/* Expressions in a job see their own member (${m_age}, ${m_name}); count() and sum() in a
 * member see its jobs only; a member made too young drops its jobs, and the jobs after
 * them keep their members. */
static void nested__expressions_see_their_own_parent_row(void) {
    lcm_form *f = NULL;
    lcm_instance *in = NULL;
    lcm_err e = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(lcmt_path("tests/fixtures/nested/form"), &f, &e),
                          LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &e), LCM_OK);
    int members = lcm_form_find(f, "members"), jobs = lcm_form_find(f, "jobs");
    int name = lcm_form_find(f, "m_name"), age = lcm_form_find(f, "m_age");
    int title = lcm_form_find(f, "j_title"), hours = lcm_form_find(f, "j_hours");
    int night = lcm_form_find(f, "j_night"), who = lcm_form_find(f, "j_who");
    int mjobs = lcm_form_find(f, "m_jobs"), mhours = lcm_form_find(f, "m_hours");
    int njobs = lcm_form_find(f, "n_jobs");
    long r;
    lcm_instance_set(in, lcm_form_find(f, "hh_no"), 0, "H-9", &e);
    const char *people[][2] = {{"A", "40"}, {"B", "70"}, {"C", "20"}};
    for (int k = 0; k < 3; k++) {
        CU_ASSERT_EQUAL_FATAL(lcm_instance_add_row(in, members, &r, &e), LCM_OK);
        lcm_instance_set(in, name, r, people[k][0], &e);
        lcm_instance_set(in, age, r, people[k][1], &e);
    }
    /* jobs added out of member order: C's, then A's two, then B's */
    const struct {
        long member;
        const char *title, *hours;
    } js[] = {{3, "c1", "50"}, {1, "a1", "45"}, {1, "a2", "5"}, {2, "b1", "60"}};
    for (int k = 0; k < 4; k++) {
        CU_ASSERT_EQUAL_FATAL(lcm_instance_add_row_in(in, jobs, js[k].member, &r, &e), LCM_OK);
        lcm_instance_set(in, title, r, js[k].title, &e);
        lcm_instance_set(in, hours, r, js[k].hours, &e);
        lcm_instance_set(in, night, r, "yes", &e);
    }
    CU_ASSERT_EQUAL(lcm_instance_add_row_in(in, jobs, 4, &r, &e), LCM_INVAL); /* no member 4 */
    CU_ASSERT_EQUAL_FATAL(lcm_instance_finish(in, 1, &e), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, mjobs, 1), "2");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, mhours, 1), "50");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, mjobs, 2), "1");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, mhours, 3), "50");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, njobs, 0), "4");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, who, 1), "C");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, who, 4), "B");
    /* night: hours > 40 and the member under 60: c1 yes, a1 yes, a2 no (5 h), b1 no (70) */
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, night, 1), "yes");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, night, 2), "yes");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, night, 3), "");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, night, 4), "");
    /* A is 12 after all: the jobs repeat is not relevant for A, A's jobs go */
    lcm_instance_set(in, age, 1, "12", &e);
    CU_ASSERT_EQUAL_FATAL(lcm_instance_finish(in, 1, &e), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_rows(in, jobs), 2);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, title, 1), "c1");
    CU_ASSERT_EQUAL(lcm_instance_row_parent(in, jobs, 1), 3);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, title, 2), "b1");
    CU_ASSERT_EQUAL(lcm_instance_row_parent(in, jobs, 2), 2);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, mjobs, 1), "0");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, njobs, 0), "2");
    lcm_instance_free(in);
    lcm_form_free(f);
}

/* The terminal interview and `lcmon serve` do not ask such forms: refused at the start. */
static void nested__interview_and_campaign_refuse_the_form(void) {
    const char *a = fresh_db("nested_iv.db");
    char db[4096], *err = NULL;
    snprintf(db, sizeof db, "%s", a);
    const char *iv[] = {"interview", db, "--form", "nested_hh", NULL};
    CU_ASSERT_EQUAL(lcmt_run(iv, "H-1\n", NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "has repeat 'jobs' inside repeat 'members'"));
    free(err), err = NULL;
    const char *ca[] = {"serve",  "campaign", "add",    db,     "--form", "nested_hh",
                        "--city", "4401",     "--wave", "2026", NULL};
    CU_ASSERT_NOT_EQUAL(lcmt_run(ca, NULL, NULL, &err), 0);
    CU_ASSERT(lcmt_has(err, "has repeat 'jobs' inside repeat 'members'"));
    free(err);
}

const lcmt_case lcmt_nested_cases[] = {
    {"nested__kobo_export_imports_exports_and_reimports_equal",
     nested__kobo_export_imports_exports_and_reimports_equal},
    {"nested__unknown_parent_row_is_refused", nested__unknown_parent_row_is_refused},
    {"nested__expressions_see_their_own_parent_row", nested__expressions_see_their_own_parent_row},
    {"nested__interview_and_campaign_refuse_the_form",
     nested__interview_and_campaign_refuse_the_form},
    {NULL, NULL},
};
