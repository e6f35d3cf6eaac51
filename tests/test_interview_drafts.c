/*
 * test_interview_drafts.c - the terminal interview's drafts and answers (issue 17), run as
 * the real binary with piped answers: drafts are never counted as if complete (export,
 * estimate and merge leave them out); `interview --list` and short ids, an ambiguous
 * prefix naming its candidates; several answers given as `1，5`, `1,3` and `2 3`; `?` where
 * the list has no don't-know; a question changed from the review screen.
 * (tests/cli/interview_tmux.sh types an interview into a real terminal.)
 */
#include "testing.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *household_db(const char *name) {
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

static char *query(const char *db, const char *sql) {
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            out =
                strdup(sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
        else if (rc == SQLITE_DONE)
            out = strdup("(done)");
    }
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

/* One household of one in 深圳市 南山区 沙河街道, the respondent aged AGE, knowing none of the
 * services. */
#define ONE_OF_ONE(hh, age)                                                                        \
    "4403\n440305\n440305003\n440305003002\nrc\n" hh "\n王芳\n1\n"                               \
    "1\n" age "\n6\n1\n0\n1\n"                                                                     \
    "1\n1\n" age "\n6\n1\n0\n1\n"                                                                  \
    "none\n\n100\n\n"

static int interview(const char *db, const char *script, char **out, char **err) {
    return lcmt_run((const char *[]){"interview", db, "--wave", "2026", NULL}, script, out, err);
}

static void interview_drafts__never_counted_as_complete(void) {
    char db[4096];
    snprintf(db, sizeof db, "%s", household_db("ivd1.db"));
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(interview(db, ONE_OF_ONE("SZ-01", "45"), &out, &err), 0);
    free(out), free(err);
    CU_ASSERT_EQUAL(interview(db, ONE_OF_ONE("SZ-02", "55"), &out, &err), 0);
    free(out), free(err);
    /* input ends after the respondent's age: a draft aged 71 */
    CU_ASSERT_EQUAL(interview(db,
                              "4403\n440305\n440305003\n440305003002\nrc\nSZ-03\n王芳\n1\n1\n71\n",
                              &out, &err),
                    1);
    free(out), free(err);
    ASSERT_QUERY(db,
                 "SELECT group_concat(status || ':' || age, ' ') FROM (SELECT * FROM "
                 "resp_household_2026_1 ORDER BY household_id)",
                 "complete:45 complete:55 draft:71");

    /* export: two rows (header + 2 lines); with --include-drafts three */
    char csv[4096];
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("ivd1.csv"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"export", db, "--form", "household", "--format",
                                              "csv", "--no-bom", "--force", "--out", csv, NULL},
                             NULL, &out, &err),
                    0);
    free(out), free(err);
    char *text = lcmt_slurp(csv, NULL);
    CU_ASSERT_EQUAL(lcmt_count_lines(text), 3);
    CU_ASSERT_PTR_NULL(strstr(text, "draft"));
    free(text);

    /* estimate: the mean age of the two complete interviews, (45 + 55) / 2 = 50 over n = 2;
     * the draft's 71 would make it 57 over 3 */
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"design", "set", db, "--form", "household", NULL},
                             NULL, NULL, NULL),
                    0);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"estimate", db, "--form", "household", "--var", "age",
                                              "--format", "csv", NULL},
                             NULL, &out, &err),
                    0);
    LCMT_ASSERT_HAS(out, "\nage,,50,5,");
    LCMT_ASSERT_HAS(out, ",2,2,small_n,");
    free(out), free(err);

    /* merge: the two complete ones come in, the draft is left out and counted */
    const char *central = household_db("ivd1-central.db");
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"merge", central, db, NULL}, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "household 2026.1: 2 new, 0 already here, 0 conflicts, 1 draft left "
                         "out (not finished)");
    free(out), free(err);
    ASSERT_QUERY(central,
                 "SELECT group_concat(status || ':' || age, ' ') FROM (SELECT * FROM "
                 "resp_household_2026_1 ORDER BY household_id)",
                 "complete:45 complete:55");
}

static void interview_drafts__list_and_short_ids(void) {
    const char *db = household_db("ivd2.db");
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"interview", "--list", db, NULL}, NULL, &out, &err),
                    0);
    CU_ASSERT_STRING_EQUAL(out, "没有草稿\n");
    free(out), free(err);
    CU_ASSERT_EQUAL(interview(db, "4403\n440305\n440305003\n440305003002\nrc\nSZ-11\n", &out, &err),
                    1);
    free(out), free(err);
    CU_ASSERT_EQUAL(interview(db, "4403\n440305\n", &out, &err), 1);
    free(out), free(err);
    /* two ids that share their first characters */
    free(query(db, "UPDATE resp_household_2026_1 SET instance_id = CASE household_id WHEN "
                   "'SZ-11' THEN 'abcd1111-0000-4000-8000-000000000001' ELSE "
                   "'abcd2222-0000-4000-8000-000000000002' END"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"interview", "--list", db, NULL}, NULL, &out, &err),
                    0);
    /* where each stopped: the interviewer question (7th of 8 so far), the township (3rd) */
    LCMT_ASSERT_HAS(out, "草稿      问卷              开始时间             住户编号   停在\n");
    LCMT_ASSERT_HAS(out, "abcd1111  household 2026.1  ");
    LCMT_ASSERT_HAS(out, "  SZ-11      第 7 题，共 8 题：调查员姓名\n");
    LCMT_ASSERT_HAS(out, "  -          第 3 题，共 8 题：乡镇/街道代码\n");
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"interview", "--list", "--lang", "en", db, NULL},
                             NULL, &out, &err),
                    0);
    LCMT_ASSERT_HAS(out, "  SZ-11      question 7 of 8: Interviewer\n");
    free(out), free(err);
    /* an ambiguous prefix names the candidates; a longer one resumes */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"interview", db, "--resume", "abcd", NULL}, "", &out, &err), 1);
    LCMT_ASSERT_HAS(err, "lcmon: 'abcd' starts 2 instance ids, give more of it: "
                         "abcd1111-0000-4000-8000-000000000001 (draft), "
                         "abcd2222-0000-4000-8000-000000000002 (draft)\n");
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"interview", db, "--resume", "abcd1", NULL},
                             "李四\n0\n\n", &out, &err),
                    0);
    LCMT_ASSERT_HAS(out, "继续访问草稿 abcd1111-0000-4000-8000-000000000001\n");
    free(out), free(err);
    ASSERT_QUERY(db,
                 "SELECT status || ' ' || interviewer || ' ' || consent FROM "
                 "resp_household_2026_1 WHERE household_id = 'SZ-11'",
                 "complete 李四 0");
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"interview", db, "--resume", "abcd9", NULL}, "", &out, &err), 1);
    LCMT_ASSERT_HAS(err, "lcmon: no instance 'abcd9' of form 'household'\n");
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"interview", "--list", "--resume", "abcd", db, NULL},
                             NULL, &out, &err),
                    2);
    free(out), free(err);
}

static void interview_drafts__several_answers_and_the_review(void) {
    const char *db = household_db("ivd3.db");
    char *out = NULL, *err = NULL;
    int rc = interview(db,
                       "4403\n440305\n440305003\n440305003002\nrc\nSZ-01\n王芳\n1\n"
                       "1\n45\n6\n1\n0\n1\n"
                       "1\n1\n45\n6\n1\n0\n1\n"
                       "1，5\n<\n1,3\n<\n2 3\n" /* aware: cc ol, then cc pc, then eu pc */
                       "?\n1\n1\n5\n"           /* use_eu: no don't-know in yes/no; 1, 1, 5 */
                       "0\n4\n\n100\n\n"        /* use_pc, sat_overall, barriers, hours, … */
                       "6\nSZ-99\n\n",          /* the review: question 6 changed, then Enter */
                       &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "\n%s\n%s\n", out, err);
    LCMT_ASSERT_HAS(out, "[1 5] > 1,3\n"); /* the answer shown by its numbers */
    LCMT_ASSERT_HAS(out, "[1 3] > 2 3\n");
    LCMT_ASSERT_HAS(out, "  ! 此题没有“不知道”或“拒答”选项\n");
    LCMT_ASSERT_HAS(out, "\n    6  住户编号：SZ-01");
    LCMT_ASSERT_HAS(out, "\n    6  住户编号：SZ-99");
    LCMT_ASSERT_HAS(out, "：老年大学(学校)、公共图书馆、文化馆、博物馆、美术馆、科技馆\n");
    LCMT_ASSERT_HAS(out, "\n    1  城市代码：深圳市");
    free(out), free(err);
    ASSERT_QUERY(db,
                 "SELECT status || ' ' || household_id || ' ' || aware || ' ' || use_eu || "
                 "freq_eu || sat_eu || ' ' || use_pc || ' ' || sat_overall || ' ' || learn_hours "
                 "|| ' ' || coalesce(barriers, '-') || ' ' || coalesce(suggestion, '-') FROM "
                 "resp_household_2026_1",
                 "complete SZ-99 eu pc 115.0 0 4.0 100 - -");
}

/* A repeat without repeat_count asks whether to add a row: 1 (是) or 0 (否) on a Chinese
 * screen, where y and n are taken too. */
static void interview_drafts__rows_added_by_1_and_0(void) {
    char dir[4096], db[4096], path[4200];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("ivd4-form"));
    mkdir(dir, 0700);
    static const char survey[] = "type,name,label::zh\n"
                                 "begin repeat,kids,孩子\n"
                                 "text,kid_name,姓名\n"
                                 "end repeat,,\n";
    static const char settings[] = "form_id,version\nkids,1\n";
    snprintf(path, sizeof path, "%s/survey.csv", dir);
    lcmt_write(path, survey, sizeof survey - 1);
    snprintf(path, sizeof path, "%s/settings.csv", dir);
    lcmt_write(path, settings, sizeof settings - 1);
    snprintf(db, sizeof db, "%s", lcmt_tmp("ivd4.db"));
    remove(db);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "load", db, dir, NULL}, NULL, NULL, NULL), 0);
    char *out = NULL, *err = NULL;
    int rc = lcmt_run((const char *[]){"interview", db, "--form", "kids", NULL},
                      "1\n小明\ny\n小红\nx\n0\n\n", &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    LCMT_ASSERT_HAS(out, "\n添加孩子 1？（1 是 / 0 否）\n");
    LCMT_ASSERT_HAS(out, "  ! 请回答 1（是）或 0（否）\n");
    free(out), free(err);
    ASSERT_QUERY(db, "SELECT group_concat(position || kid_name, ' ') FROM resp_kids_1__kids",
                 "1小明 2小红");
}

/* XLSForm dynamic defaults in the terminal: a default that is an expression is evaluated
 * when the question is asked (q0 answered 3, so q1 offers ${q0} + 1 = 4) and Enter stores
 * it; a literal default (q0: 7) is offered as it is and can be replaced. */
static void interview_drafts__dynamic_default_accepted(void) {
    char dir[4096], db[4096], path[4200];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("ivd5-form"));
    mkdir(dir, 0700);
    static const char survey[] = "type,name,label::zh,default\n"
                                 "integer,q0,问题零,7\n"
                                 "integer,q1,问题一,${q0} + 1\n";
    static const char settings[] = "form_id,version\ndyn,1\n";
    snprintf(path, sizeof path, "%s/survey.csv", dir);
    lcmt_write(path, survey, sizeof survey - 1);
    snprintf(path, sizeof path, "%s/settings.csv", dir);
    lcmt_write(path, settings, sizeof settings - 1);
    snprintf(db, sizeof db, "%s", lcmt_tmp("ivd5.db"));
    remove(db);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "load", db, dir, NULL}, NULL, NULL, NULL), 0);
    char *out = NULL, *err = NULL;
    int rc =
        lcmt_run((const char *[]){"interview", db, "--form", "dyn", NULL}, "3\n\n\n", &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "\n%s\n%s\n", out, err);
    LCMT_ASSERT_HAS(out, "[7]");
    LCMT_ASSERT_HAS(out, "[4]");
    free(out), free(err);
    ASSERT_QUERY(db, "SELECT status || ' ' || q0 || ' ' || q1 FROM resp_dyn_1", "complete 3 4");
}

const lcmt_case lcmt_interview_drafts_cases[] = {
    {"dynamic_default_accepted", interview_drafts__dynamic_default_accepted},
    {"rows_added_by_1_and_0", interview_drafts__rows_added_by_1_and_0},
    {"never_counted_as_complete", interview_drafts__never_counted_as_complete},
    {"list_and_short_ids", interview_drafts__list_and_short_ids},
    {"several_answers_and_the_review", interview_drafts__several_answers_and_the_review},
    {NULL, NULL},
};
