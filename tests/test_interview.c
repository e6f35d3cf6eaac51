/*
 * test_interview.c - `lcmon form` and `lcmon interview` run as the real binary with piped
 * answers: a household interview stored with its roster; a household of three interrupted
 * (input ends: a draft is saved, answer by answer) and resumed with --resume to completion,
 * going back with '<' on the way; refused answers asked again (types, constraints, codes
 * not in the reference data); a refusal; numbered choices; English labels; a public-style
 * form with a cascading select and a repeat sized by repeat_count; `form check` listing
 * every problem.
 */
#include "testing.h"

#include "interview.h"

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
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "访问完成，已保存："));
    LCMT_ASSERT_HAS(out, "\n【问卷 › 受访者（16周岁及以上）】\n"); /* a section header */
    LCMT_ASSERT_HAS(out, "\n【问卷 › 家庭成员 #2】\n");
    LCMT_ASSERT_HAS(out, "\n【核对答案】"); /* the review, every answer */
    LCMT_ASSERT_HAS(out, "：上海市");       /* places by name */
    LCMT_ASSERT_HAS(out, "年龄（周岁） (#2)：8");
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

/* The draft id lcmon names on stderr when input ends early ("" when none). */
static const char *draft_id(const char *err) {
    static char id[40];
    const char *p = err ? strstr(err, "存为草稿 ") : NULL;
    p = p ? p + strlen("存为草稿 ") : err ? strstr(err, "stored as draft ") : NULL;
    if (p && strncmp(p, "stored as draft ", 16) == 0)
        p += 16;
    snprintf(id, sizeof id, "%.36s", p ? p : "");
    return id;
}

/* A household of three in 广州市 天河区, interrupted in the roster and resumed. */
static const char part1[] = "\n" /* city: keeps --city 4401 */
                            "440106\n440106001\n440106001001\nrc\nGZ-0301\n"
                            "\n"                     /* interviewer: keeps --interviewer */
                            "1\n"                    /* consent */
                            "2\n38\n6\n1\n0\n"       /* respondent */
                            "3\n"                    /* hh_size: three rows */
                            "1\n2\n38\n6\n1\n0\n1\n" /* member 1 */
                            "2\n1\n40\n";            /* member 2 … input ends */
static const char part2[] = "<\n41\n"                /* back to member 2's age: 41 */
                            "6\n1\n0\n1\n"           /* member 2 goes on */
                            "3\n1\n9\n2\n0\n0\n"     /* member 3 is 9: no work */
                            "1 3 5\n"                /* aware, by number: cc pc ol */
                            "1\n2\n5\n"              /* use, freq, sat of cc */
                            "1\n4\n3\n"              /* … of pc, then back three */
                            "<\n<\n<\n0\n"           /* use_pc becomes 0 */
                            "1\n1\n4\n"              /* ol */
                            "4\ntime\n150\n\n";      /* sat_overall, barriers, hours */

static void interview__household_of_three_resumed(void) {
    const char *db = fresh_db("iv5.db", (const char *[]){"surveys/household", NULL});
    char *out = NULL, *err = NULL, id[40];
    int rc = lcmt_run((const char *[]){"interview", db, "--city", "4401", "--interviewer", "王芳",
                                       "--wave", "2026", NULL},
                      part1, &out, &err);
    CU_ASSERT_EQUAL(rc, 1);
    snprintf(id, sizeof id, "%s", draft_id(err));
    CU_ASSERT_EQUAL(strlen(id), 36);
    char hint[64]; /* how to go on: the short id */
    snprintf(hint, sizeof hint, "--resume %.8s）", id);
    LCMT_ASSERT_HAS(err, hint);
    /* What was answered is in the database already, as a draft. */
    ASSERT_QUERY(db,
                 "SELECT count(*) || ' ' || status || ' ' || city || ' ' || household_id || ' ' "
                 "|| interviewer || ' ' || age || ' ' || hh_size || ' ' || coalesce(aware, '-') "
                 "FROM resp_household_2026_1",
                 "1 draft 4401 GZ-0301 王芳 38 3 -");
    ASSERT_QUERY(db,
                 "SELECT group_concat(position || ':' || coalesce(m_age, '-') || ':' || "
                 "coalesce(m_edu, '-'), ' ') FROM resp_household_2026_1__members",
                 "1:38:6 2:40:- 3:-:-");
    free(out), free(err);

    char shortid[16]; /* the first 8 characters of the id are enough */
    snprintf(shortid, sizeof shortid, "%.8s", id);
    rc = lcmt_run((const char *[]){"interview", db, "--resume", shortid, NULL}, part2, &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "\n%s\n%s\n", out, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "继续访问草稿 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "[40] > 41")); /* back at the age given before */
    /* numbered choices, shown by label only: a Chinese screen shows no codes */
    LCMT_ASSERT_HAS(out, "\n   1  社区教育学院/社区学校/教学点\n");
    CU_ASSERT_PTR_NULL(strstr(out, "  cc  "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "访问完成，已保存："));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, id));
    /* One instance, complete, with the corrected age and no answers to questions that no
     * longer apply (pc is not used: no frequency, no satisfaction). sat_index is the mean
     * of (5 - 1) and (4 - 1) over 4, times 100: 87.5. */
    char want[512];
    snprintf(want, sizeof want,
             "1 %s complete 2026 4401-urban 440106001001 王芳 30-44 cc pc ol 10 -- 3 0.375 2 1 "
             "87.5 1 time 150 - 1",
             id);
    ASSERT_QUERY(db,
                 "SELECT count(*) || ' ' || instance_id || ' ' || status || ' ' || wave || ' ' "
                 "|| stratum || ' ' || psu || ' ' || interviewer || ' ' || age_band || ' ' || "
                 "aware || ' ' || aware_pc || use_pc || ' ' || coalesce(freq_pc, '-') || "
                 "coalesce(sat_pc, '-') || ' ' || aware_n || ' ' || aware_share || ' ' || used_n "
                 "|| ' ' || participated || ' ' || sat_index || ' ' || sat_top2 || ' ' || "
                 "barriers || ' ' || learn_hours || ' ' || coalesce(suggestion, '-') || ' ' || "
                 "(ended_at >= started_at) FROM resp_household_2026_1",
                 want);
    ASSERT_QUERY(db,
                 "SELECT group_concat(position || ':' || m_rel || ':' || m_age || ':' || "
                 "coalesce(m_edu, '-') || ':' || coalesce(m_work, '-') || ':' || m_learned, ' ') "
                 "FROM resp_household_2026_1__members WHERE instance_id IN (SELECT instance_id "
                 "FROM resp_household_2026_1)",
                 "1:1:38:6:1:1 2:2:41:6:1:1 3:3:9:2:-:0");
    free(out), free(err);
    /* A complete interview is not resumed. */
    rc = lcmt_run((const char *[]){"interview", db, "--resume", id, NULL}, "", &out, &err);
    CU_ASSERT_EQUAL(rc, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "is complete: there is nothing to resume"));
    free(out), free(err);
    rc = lcmt_run(
        (const char *[]){"interview", db, "--resume", "00000000-0000-4000-8000-000000000000", NULL},
        "", &out, &err);
    CU_ASSERT_EQUAL(rc, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no instance '00000000-0000-4000-8000-000000000000' of "
                                       "form 'household'"));
    free(out), free(err);
}

/* Codes that are not in the reference data, or not inside the unit above, are refused
 * when they are typed; a refusal to be interviewed still completes the instance. */
static void interview__reference_codes_and_refusal(void) {
    const char *db = fresh_db("iv6.db", (const char *[]){"surveys/household", NULL});
    char *out = NULL, *err = NULL;
    int rc = lcmt_run((const char *[]){"interview", db, "--interviewer", "赵六", NULL},
                      "<\n9999\n4401\n440999\n110101\n440106\n440106001\n440106001001\nvc\n"
                      "GZ-0302\n\n0\n",
                      &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "\n%s\n%s\n", out, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "! 前面没有可以返回的问题"));
    /* in the interview's language: a Chinese screen shows no English */
    LCMT_ASSERT_HAS(out, "! 城市代码 9999 不在区划参考数据中\n");
    LCMT_ASSERT_HAS(out, "! 区/县代码 440999 不在区划参考数据中\n");
    LCMT_ASSERT_HAS(out, "! 区/县 110101 不属于城市 4401\n");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "受访者拒绝接受访问"));
    ASSERT_QUERY(db,
                 "SELECT status || ' ' || county || ' ' || consent || ' ' || stratum || ' ' || "
                 "coalesce(age, '-') || coalesce(aware_n, '-') || ' ' || (SELECT count(*) FROM "
                 "resp_household_2026_1__members) FROM resp_household_2026_1",
                 "complete 440106 0 4401-rural -- 0");
    free(out), free(err);
}

/* Drive an interview through the library: the next prompt must be `name` (a question, or
 * with kind ADD_ROW the repeat); it gets `answer`, which must be accepted as `want`. */
static void expect(lcm_interview *iv, const lcm_form *f, const char *name, const char *shown,
                   const char *answer, lcm_status want) {
    lcm_prompt p;
    lcm_err err = {0};
    do {
        CU_ASSERT_EQUAL_FATAL(lcm_interview_next(iv, &p, &err), LCM_OK);
    } while (p.kind == LCM_PROMPT_NOTE);
    const char *got =
        p.kind == LCM_PROMPT_DONE ? "(done)" : lcm_form_field(f, (size_t)p.field)->name;
    if (strcmp(got, name) != 0 || (shown && strcmp(p.value, shown) != 0))
        fprintf(stderr, "\n  prompt '%s' [%s], want '%s' [%s]\n", got, p.value, name,
                shown ? shown : "");
    CU_ASSERT_STRING_EQUAL_FATAL(got, name);
    if (shown)
        CU_ASSERT_STRING_EQUAL(p.value, shown);
    if (!answer)
        return;
    lcm_status st = strcmp(answer, "<") == 0 ? lcm_interview_back(iv, &err)
                                             : lcm_interview_answer(iv, answer, &err);
    if (st != want)
        fprintf(stderr, "\n  '%s' to '%s': %s\n", answer, name, err.msg);
    CU_ASSERT_EQUAL(st, want);
}

static lcm_status count_saves(void *ud, lcm_instance *in, int field, long row, lcm_err *err) {
    (void)in, (void)field, (void)row, (void)err;
    ++*(int *)ud;
    return LCM_OK;
}

/* Going back and changing an answer so that questions no longer apply puts their answers
 * aside; changing it back brings them back; completion drops what does not apply. */
static void interview__back_keeps_answers_aside(void) {
    lcm_form *f = NULL;
    lcm_instance *in = NULL;
    lcm_interview *iv = NULL;
    lcm_err err = {0};
    int saves = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(lcmt_path("surveys/household"), &f, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_set_meta(in, "city", "4401", &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_interview_new(in, "en", "王芳", &iv, &err), LCM_OK);
    lcm_interview_set_hook(iv, count_saves, &saves);
    expect(iv, f, "city", "4401", "<", LCM_NOTFOUND); /* nothing before the first question */
    expect(iv, f, "city", "4401", "", LCM_OK);
    static const char *const location[][2] = {
        {"county", "440106"},
        {"township", "440106001"},
        {"community", "440106001001"},
        {"community_type", "rc"},
        {"household_no", "H1"},
        {"interviewer", ""},
        {"consent", "1"},
        {"sex", "1"},
        {"age", "70"},
        {"edu", "3"},
        {"work", "2"},
        {"disability", "0"},
        {"hh_size", "1"},
        {"m_rel", "1"},
        {"m_sex", "1"},
        {"m_age", "70"},
        {"m_edu", "3"},
        {"m_work", "2"},
        {"m_disability", "0"},
        {"m_learned", "1"},
        {"aware", "2"}, /* eu, by number */
        {"use_eu", "1"},
        {"freq_eu", "1"},
        {"sat_eu", "4"},
    };
    for (size_t i = 0; i < sizeof location / sizeof location[0]; i++)
        expect(iv, f, location[i][0], NULL, location[i][1], LCM_OK);
    CU_ASSERT_EQUAL(saves, 25); /* the hook saw every answer */
    expect(iv, f, "sat_overall", "", "<", LCM_OK);
    expect(iv, f, "sat_eu", "4", "<", LCM_OK);
    expect(iv, f, "freq_eu", "1", "<", LCM_OK);
    expect(iv, f, "use_eu", "1", "0", LCM_OK); /* no longer used */
    int freq = lcm_form_find(f, "freq_eu"), sat = lcm_form_find(f, "sat_eu");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, freq, 0), "");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "used_n"), 0), "0");
    expect(iv, f, "barriers", "", "<", LCM_OK); /* sat_overall is skipped now */
    expect(iv, f, "use_eu", "0", "1", LCM_OK);  /* used after all: the answers come back */
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, freq, 0), "1");
    expect(iv, f, "freq_eu", "1", "", LCM_OK);
    expect(iv, f, "sat_eu", "4", "9", LCM_CONSTRAINT); /* off the scale: asked again */
    expect(iv, f, "sat_eu", "4", "", LCM_OK);
    expect(iv, f, "sat_overall", "", "4", LCM_OK);
    expect(iv, f, "barriers", "", "9", LCM_CONSTRAINT); /* 8 numbered choices */
    expect(iv, f, "barriers", "", "2 8", LCM_OK);       /* cost, other */
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "barriers"), 0), "cost other");
    expect(iv, f, "barriers_other", "", "路远", LCM_OK);
    expect(iv, f, "learn_hours", "", "<", LCM_OK);
    expect(iv, f, "barriers_other", "路远", "<", LCM_OK);    /* still there after … */
    expect(iv, f, "barriers", "cost other", "cost", LCM_OK); /* … until other goes */
    expect(iv, f, "learn_hours", "", "300", LCM_OK);
    expect(iv, f, "suggestion", "", "", LCM_OK);
    expect(iv, f, "(done)", NULL, NULL, LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_finish(in, 1, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "barriers_other"), 0), "");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, sat, 0), "4");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "sat_index"), 0), "75");
    lcm_interview_free(iv);
    lcm_instance_free(in);
    lcm_form_free(f);
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
    /* Every problem at once, in order, each with its cell, then how many. */
    static const char *const problems[] = {
        "survey.csv:4:4: relevant of 'age', character 14: unknown name 'yes'",
        "survey.csv:5:1: no choice list 'sexe' in choices.csv",
        "survey.csv:6:2: name 'age' is already used on line 4",
        "survey.csv:7:6: calculation of 'ratio', character 12: no field named 'size'",
        "survey.csv:8:1: type 'signature' is not supported",
        "has 5 problems",
    };
    snprintf(dir, sizeof dir, "%s", lcmt_path("tests/fixtures/forms/broken_several"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "check", dir, NULL}, NULL, &out, &err), 1);
    const char *at = err;
    for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++) {
        const char *hit = at ? strstr(at, problems[i]) : NULL;
        if (!hit)
            fprintf(stderr, "\n  missing or out of order: '%s' in\n%s\n", problems[i], err);
        CU_ASSERT_PTR_NOT_NULL(hit);
        at = hit;
    }
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out), free(err);
    const char *db = fresh_db("iv4.db", (const char *[]){NULL});
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "load", db, dir, NULL}, NULL, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "survey.csv:8:1: type 'signature' is not supported"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "has 5 problems"));
    free(out), free(err);
    snprintf(dir, sizeof dir, "%s", lcmt_path("surveys/household"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "check", dir, NULL}, NULL, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "form 'household' version '2026.1' is valid: 51 questions, "
                                       "8 calculations, 6 groups, 1 repeat, languages zh, en"));
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"interview", db, NULL}, "", &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no form 'household'"));
    free(out), free(err);
}

const lcmt_case lcmt_interview_cases[] = {
    {"interview__household_stored_with_roster", interview__household_stored_with_roster},
    {"interview__household_of_three_resumed", interview__household_of_three_resumed},
    {"interview__reference_codes_and_refusal", interview__reference_codes_and_refusal},
    {"interview__back_keeps_answers_aside", interview__back_keeps_answers_aside},
    {"interview__early_end_is_a_draft", interview__early_end_is_a_draft},
    {"interview__public_form_cascading_select_and_count",
     interview__public_form_cascading_select_and_count},
    {"interview__form_cli_errors", interview__form_cli_errors},
    {NULL, NULL},
};
