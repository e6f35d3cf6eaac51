/*
 * test_import_foreign.c - answers collected by other tools, imported as those tools
 * download them (issue 13): KoboToolbox's default export (labels as headers and values,
 * an HXL row, ';'), ODK Central's (group paths joined with '-', a geopoint in four
 * columns, ids that are not UUIDs, a repeat file headed by the repeat's own names), and
 * the status of rows from a file without a status column (complete, fully checked).
 * The forms and files in tests/fixtures/foreign/ are made up for these tests, in the
 * shapes those tools write.
 */
#include "testing.h"

#include "form.h"
#include "import_resp_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fresh database at tmp/name with the form in tests/fixtures/<form> loaded. */
static const char *db_with(const char *name, const char *form) {
    static char path[4096];
    char dir[4096];
    snprintf(path, sizeof path, "%s", lcmt_tmp(name));
    remove(path);
    snprintf(dir, sizeof dir, "%s", lcmt_path(form));
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", path, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"form", "load", path, dir, NULL}, NULL, NULL, NULL), 0);
    return path;
}

/* The count sql gives on the database at path. */
static long count_in(const char *path, const char *sql) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    if (lcm_db_open(path, 0, &db, &err) != LCM_OK)
        return -1;
    long n = lcmt_count(db, sql);
    lcm_db_close(db);
    return n;
}

/* Issue 13: a file without a status column was stored as draft (form_instance.c's
 * default), so a required answer went unchecked and estimate skipped the rows. */
static void foreign__rows_without_status_are_complete_and_checked(void) {
    char db[4096], csv[4096], *out = NULL, *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("status.db", "surveys/household"));
    const char *args[] = {
        "import", "responses", db,  lcmt_path("tests/fixtures/import/responses_ok.csv"),
        "--form", "household", NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_household_2026_1 WHERE status = "
                                 "'complete'"),
                    3);
    free(out), free(err), out = err = NULL;
    /* The first household without its (required) age: refused, not stored as a draft. */
    char *text = lcmt_slurp(lcmt_path("tests/fixtures/import/responses_ok.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *age = strstr(text, ",2,49,3,4,0,3,"); /* sex, age, edu, work, disability, hh_size */
    CU_ASSERT_PTR_NOT_NULL_FATAL(age);
    memmove(age + 3, age + 5, strlen(age + 5) + 1); /* ",2,,3,..." */
    snprintf(csv, sizeof csv, "%s", lcmt_write(lcmt_tmp("no_age.csv"), text, strlen(text)));
    free(text);
    snprintf(db, sizeof db, "%s", db_with("status2.db", "surveys/household"));
    args[2] = db, args[3] = csv;
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    LCMT_ASSERT_HAS(err, "no_age.csv:2: field 'age' is required but has no answer");
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_household_2026_1"), 0);
    free(out), free(err);
}

/* KoboToolbox's default CSV: ';', every cell quoted, CRLF, question labels as headers
 * (here the form's second language), choice labels as values, a select_multiple as labels
 * joined by spaces (labels with spaces in them) plus "Question/Label" 0/1 columns, an
 * HXL row under the header, _uuid and _submission_time. */
static void foreign__kobo_label_export_as_downloaded(void) {
    char db[4096], *out = NULL, *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("kobo.db", "tests/fixtures/foreign/kobo_form"));
    const char *args[] = {
        "import", "responses",    db,         lcmt_path("tests/fixtures/foreign/kobo_labels.csv"),
        "--form", "garden_visit", "--format", "kobo",
        NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "2 rows, 2 new"); /* the HXL row is no row */
    free(out), free(err), out = err = NULL;
    /* row 1: 'Parc de la ville' -> park; 'Vieux arbres Oiseaux' -> old_trees birds (not
     * trees: the longest label wins); the text with ';' inside its quotes kept whole */
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_garden_visit_2026_1 WHERE "
                                 "instance_id = '0b6e2c1a-7d4f-4e8a-9c3b-2a1f5e6d7c81' AND "
                                 "place = 'park' AND visitors = 3 AND seen = 'old_trees birds' "
                                 "AND seen_old_trees = 1 AND seen_birds = 1 AND seen_trees = 0 "
                                 "AND comment = 'Très bien; merci' AND status = 'complete' AND "
                                 "wave = 2026 AND started_at = '2026-04-02T09:00:00.000+08:00' "
                                 "AND ended_at = '2026-04-02T09:06:30.000+08:00'"),
                    1);
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_garden_visit_2026_1 WHERE "
                                 "instance_id = '5d2f8a4b-1c3e-4f6a-8b7d-9e0c1a2b3c4d' AND "
                                 "place = 'roof' AND visitors = 1 AND seen = 'trees pond' AND "
                                 "comment IS NULL AND status = 'complete'"),
                    1);
    /* Again: the same rows, nothing new. */
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "2 rows, 0 new, 2 unchanged");
    free(out), free(err);
}

/* ODK Central's CSV: SubmissionDate, meta-instanceID and KEY (ids ODK allows: any unique
 * string), groups joined with '-' ending in a label ("home-address-city" for addr_city,
 * labelled "city", a standard column's name), a geopoint in four columns, Central's own
 * Status column (not lcmon's), a ReviewState of rejected (stored as a draft), and the
 * repeat file headed "name,age,school" for kid_name, kid_age, kid_school (a choice by
 * its label) with PARENT_KEY. */
static void foreign__odk_central_export_as_downloaded(void) {
    char db[4096], kid[4096], *out = NULL, *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("odk.db", "tests/fixtures/foreign/odk_form"));
    snprintf(kid, sizeof kid, "kid=%s", lcmt_path("tests/fixtures/foreign/odk_export-kid.csv"));
    const char *args[] = {
        "import",   "responses",  db,         lcmt_path("tests/fixtures/foreign/odk_export.csv"),
        "--form",   "home_visit", "--format", "odk",
        "--roster", kid,          NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "3 rows, 3 new");
    free(out), free(err), out = err = NULL;
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_home_visit_1 WHERE instance_id = "
                                 "'visit-a' AND name = 'Ana' AND age = 41 AND type = 'flat' AND "
                                 "street = '1 Lake Rd' AND addr_city = 'Hangzhou, ZJ' AND spot = "
                                 "'30.2741 120.1551 12.5 4.0' AND ended_at = "
                                 "'2025-11-20T02:15:09.120+00:00' AND wave = 2025 AND status = "
                                 "'complete'"),
                    1);
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_home_visit_1 WHERE instance_id = "
                                 "'3b7e1c2a-9f4d-4c5e-8a6b-1d2e3f4a5b6c' AND spot IS NULL AND "
                                 "status = 'complete'"),
                    1);
    /* rejected by Central's reviewers: kept as a draft, which estimates leave out */
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_home_visit_1 WHERE instance_id = "
                                 "'visit-c' AND name = 'Chen' AND status = 'draft'"),
                    1);
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_home_visit_1__kid WHERE instance_id "
                                 "= 'visit-a' AND ((position = 1 AND kid_name = 'Mei' AND kid_age "
                                 "= 7 AND kid_school = 'yes') OR (position = 2 AND kid_name = "
                                 "'Lin' AND kid_age = 4 AND kid_school = 'no'))"),
                    2);
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "3 rows, 0 new, 3 unchanged");
    free(out), free(err);
}

/* Without --wave the wave is the year the answers came in; a file that spans two years
 * says so, and --wave settles it. */
static void foreign__wave_from_the_submission_year(void) {
    char db[4096], *out = NULL, *err = NULL;
    char *text = lcmt_slurp(lcmt_path("tests/fixtures/foreign/odk_export.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *second = strstr(text, "2025-11-21");
    CU_ASSERT_PTR_NOT_NULL_FATAL(second);
    memcpy(second, "2026-01-02", 10);
    const char *csv = lcmt_write(lcmt_tmp("odk_two_years.csv"), text, strlen(text));
    char file[4096];
    snprintf(file, sizeof file, "%s", csv);
    free(text);
    snprintf(db, sizeof db, "%s", db_with("odk_wave.db", "tests/fixtures/foreign/odk_form"));
    const char *args[] = {"import",   "responses", db,   file, "--form", "home_visit",
                          "--format", "odk",       NULL, NULL, NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    LCMT_ASSERT_HAS(err, "odk_two_years.csv:3: answers of 2026, those of line 2 of 2025: give "
                         "the survey's year with --wave");
    free(out), free(err), out = err = NULL;
    args[8] = "--wave", args[9] = "2025";
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_home_visit_1 WHERE wave = 2025"), 3);
    free(out), free(err);
}

/* 问卷星's 按选项文本下载 as downloaded (GB18030 without BOM, CRLF): its own six columns
 * (提交答卷时间 -> ended_at, 所用时间 -> started_at before it, 来自IP left out), headers
 * "1、label：", options by their text, "┋" between choices, "其他〖爬山〗" the other
 * choice and its text, "(跳过)" skipped; no map, no --wave (the year of 提交答卷时间). */
static void foreign__wjx_text_download_as_downloaded(void) {
    char db[4096], *out = NULL, *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("wjx.db", "tests/fixtures/foreign/wjx_form"));
    const char *args[] = {
        "import", "responses",      db,         lcmt_path("tests/fixtures/foreign/wjx_text.csv"),
        "--form", "learning_point", "--format", "wjx",
        NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "(gb18030): 3 rows, 3 new");
    free(out), free(err), out = err = NULL;
    /* 125秒 before 14:41:03 is 14:38:58; 1分40秒 before 09:02:11 is 09:00:31 */
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_learning_point_2025_1 WHERE sex = '1' "
                                 "AND age = 34 AND hobby = 'read music' AND satisfied = '1' AND "
                                 "remarks IS NULL AND ended_at = '2025-06-05T14:41:03+08:00' AND "
                                 "started_at = '2025-06-05T14:38:58+08:00' AND wave = 2025 AND "
                                 "status = 'complete'"),
                    1);
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_learning_point_2025_1 WHERE sex = '2' "
                                 "AND age = 61 AND hobby = 'sport music' AND satisfied = '0' AND "
                                 "remarks = '多办些讲座，周末也开' AND started_at = "
                                 "'2025-06-06T09:00:31+08:00'"),
                    1);
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_learning_point_2025_1 WHERE hobby = "
                                 "'other' AND hobby_other = '爬山' AND age = 45"),
                    1);
    /* Complete rows of wave 2025: estimate takes them (drafts it left out). Reference:
     * tests/r/import_wjx_estimate.R, svymean of 34, 61, 45 -> 46.666667, SE 7.8386507. */
    const char *design[] = {"design", "set", db, "--form", "learning_point", NULL};
    CU_ASSERT_EQUAL(lcmt_run(design, NULL, NULL, NULL), 0);
    const char *est[] = {"estimate", db,     "--form", "learning_point", "--var", "age",
                         "--wave",   "2025", NULL};
    CU_ASSERT_EQUAL(lcmt_run(est, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "46.6667  7.83865");
    free(out), free(err);
}

/* 按选项序号下载: option numbers mean nothing without a map. The draft map names each
 * header's field (a select_multiple's "3(运动)" column by its option label) and option
 * number n the n-th choice (satisfied: 1 是 -> '1', 2 否 -> '0'); with it the numbers
 * give the same submissions as the text download (same ids: 序号 and 提交答卷时间). */
static void foreign__wjx_codes_through_the_draft_map(void) {
    char db[4096], map[4096], *out = NULL, *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("wjx_codes.db", "tests/fixtures/foreign/wjx_form"));
    snprintf(map, sizeof map, "%s", lcmt_tmp("wjx_map.csv"));
    remove(map);
    char codes[4096], text[4096];
    snprintf(codes, sizeof codes, "%s", lcmt_path("tests/fixtures/foreign/wjx_codes.csv"));
    snprintf(text, sizeof text, "%s", lcmt_path("tests/fixtures/foreign/wjx_text.csv"));
    const char *args[] = {"import",   "responses", db,   codes, "--form", "learning_point",
                          "--format", "wjx",       NULL, NULL,  NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    /* an option number is refused even where a choice is named by that number: 问卷星's 1
     * of 您的性别 happens to be the form's 1 here, its 1 of 满意吗 is not the form's 1 */
    LCMT_ASSERT_HAS(err, "wjx_codes.csv:2:7 (1、您的性别：): an option number, not a choice "
                         "(问卷星's option number? --draft-map MAP.csv writes a map of them), "
                         "value '1'");
    LCMT_ASSERT_HAS(err, "wjx_codes.csv:3:13 (4、您对社区学习点满意吗？): an option number, not a "
                         "choice (问卷星's option number? --draft-map MAP.csv writes a map "
                         "of them)");
    free(out), free(err), out = err = NULL;
    args[8] = "--draft-map", args[9] = map;
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "8 header rules (0 to fill in), 4 answer rules (0 to fill in)");
    free(out), free(err), out = err = NULL;
    char *rules = lcmt_slurp(map, NULL);
    LCMT_ASSERT_HAS(rules, "source,field,value,choice\r\n1、您的性别：,sex,,\r\n");
    LCMT_ASSERT_HAS(rules, "3(运动),hobby/sport,,\r\n");
    LCMT_ASSERT_HAS(rules, ",satisfied,1,1\r\n,satisfied,2,0\r\n");
    free(rules);
    /* a map the user may have checked is not written over */
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    LCMT_ASSERT_HAS(err, "(a map is not overwritten: remove it first)");
    free(out), free(err), out = err = NULL;
    args[3] = text, args[8] = NULL;
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    free(out), free(err), out = err = NULL;
    args[3] = codes, args[8] = "--map";
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "(gb18030): 2 rows, 0 new, 2 unchanged");
    free(out), free(err);
}

/* What the draft map cannot tell it leaves empty, and the map is refused until the user
 * fills it in. */
static void foreign__wjx_draft_map_leaves_the_unknown_empty(void) {
    static const char csv[] = "序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、您的性别：,"
                              "2、您的职业：\r\n1,2025/6/5 14:41:03,125秒,手机提交,直接访问,"
                              "203.0.113.7,男士,教师\r\n";
    char db[4096], map[4096], file[4096], *out = NULL, *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("wjx_open.db", "tests/fixtures/foreign/wjx_form"));
    snprintf(file, sizeof file, "%s", lcmt_write(lcmt_tmp("wjx_open.csv"), csv, strlen(csv)));
    snprintf(map, sizeof map, "%s", lcmt_tmp("wjx_open_map.csv"));
    remove(map);
    const char *args[] = {
        "import", "responses",   db,  file, "--form", "learning_point", "--format",
        "wjx",    "--draft-map", map, NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "2 header rules (1 to fill in), 1 answer rules (1 to fill in)");
    free(out), free(err), out = err = NULL;
    char *rules = lcmt_slurp(map, NULL);
    LCMT_ASSERT_HAS(rules, "2、您的职业：,,,\r\n,sex,男士,\r\n");
    free(rules);
    args[8] = "--map";
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    LCMT_ASSERT_HAS(err, "wjx_open_map.csv:3: a rule names a field, and a value its choice");
    free(out), free(err);
}

/* The resolver on its own: a question number is dropped from a header, a number that
 * starts a label is not ("1.5小时" and "2.5小时" stay apart); '-' paths must be the
 * field's own groups; a label two questions share names neither. */
static void foreign__resolver_keeps_labels_apart(void) {
    static const char survey[] = "type,name,label::zh,label::en\n"
                                 "begin group,home,住房,Home\n"
                                 "select_one hours,hours,每周学习时间,Hours a week\n"
                                 "integer,age,您的年龄,Age\n"
                                 "text,city_name,所在城市,Town\n"
                                 "end group,,,\n"
                                 "text,note_a,备注,Note\n"
                                 "text,note_b,备注,Remark\n";
    static const char choices[] = "list_name,name,label::zh,label::en\n"
                                  "hours,h1,1.5小时,1.5 hours\n"
                                  "hours,h2,2.5小时,2.5 hours\n";
    static const char settings[] = "form_id,version\nt,1\n";
    lcm_form *f = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_texts(survey, choices, settings, &f, &err), LCM_OK);
    int hours = lcm_form_find(f, "hours"), age = lcm_form_find(f, "age");
    const lcm_choice_list *l = lcm_form_field(f, (size_t)hours)->list;
    CU_ASSERT_EQUAL(lcm__resp_choice_by_text(f, l, "2.5小时", strlen("2.5小时")), 1);
    CU_ASSERT_EQUAL(lcm__resp_choice_by_text(f, l, "1.5 hours", strlen("1.5 hours")), 0);
    CU_ASSERT_EQUAL(lcm__resp_choice_by_text(f, l, "5小时", strlen("5小时")), -1);
    CU_ASSERT_EQUAL(lcm__resp_resolve_field(f, "12、您的年龄：", LCM__ANY_REPEAT), age);
    CU_ASSERT_EQUAL(lcm__resp_resolve_field(f, "home-age", LCM__ANY_REPEAT), age);
    CU_ASSERT_EQUAL(lcm__resp_resolve_field(f, "Home.Town", LCM__ANY_REPEAT),
                    lcm_form_find(f, "city_name"));
    CU_ASSERT_EQUAL(lcm__resp_resolve_field(f, "garden-age", LCM__ANY_REPEAT), -1);
    CU_ASSERT_EQUAL(lcm__resp_resolve_field(f, "备注", LCM__ANY_REPEAT), -2);
    lcm_form_free(f);
}

/* A leading ' is lcmon's own formula guard only in lcmon's own files: in another tool's
 * export it is part of the answer, kept as written. */
static void foreign__kobo_cells_keep_a_leading_quote(void) {
    char db[4096], csv[4096], *out = NULL;
    snprintf(db, sizeof db, "%s", db_with("quote.db", "surveys/household"));
    char *text = lcmt_slurp(lcmt_path("tests/fixtures/import/responses_kobo.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *at = strstr(text, ",54,,1"); /* learn_hours 54, then the empty suggestion */
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    size_t head = (size_t)(at - text) + 4;
    char *edited = malloc(strlen(text) + 8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(edited);
    snprintf(edited, strlen(text) + 8, "%.*s'-%s", (int)head, text, text + head);
    snprintf(csv, sizeof csv, "%s", lcmt_write(lcmt_tmp("quote.csv"), edited, strlen(edited)));
    free(text), free(edited);
    const char *args[] = {"import",    "responses", db,     csv, "--form",
                          "household", "--format",  "kobo", NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    free(out);
    CU_ASSERT_EQUAL(count_in(db, "SELECT count(*) FROM resp_household_2026_1 WHERE suggestion = "
                                 "'''-'"),
                    1);
}

const lcmt_case lcmt_import_foreign_cases[] = {
    {"foreign__kobo_cells_keep_a_leading_quote", foreign__kobo_cells_keep_a_leading_quote},
    {"foreign__resolver_keeps_labels_apart", foreign__resolver_keeps_labels_apart},
    {"foreign__rows_without_status_are_complete_and_checked",
     foreign__rows_without_status_are_complete_and_checked},
    {"foreign__kobo_label_export_as_downloaded", foreign__kobo_label_export_as_downloaded},
    {"foreign__odk_central_export_as_downloaded", foreign__odk_central_export_as_downloaded},
    {"foreign__wave_from_the_submission_year", foreign__wave_from_the_submission_year},
    {"foreign__wjx_text_download_as_downloaded", foreign__wjx_text_download_as_downloaded},
    {"foreign__wjx_codes_through_the_draft_map", foreign__wjx_codes_through_the_draft_map},
    {"foreign__wjx_draft_map_leaves_the_unknown_empty",
     foreign__wjx_draft_map_leaves_the_unknown_empty},
    {NULL, NULL},
};
