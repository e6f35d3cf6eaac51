/*
 * test_network_register.c - the network register's round trip (issue 15, "The network
 * register on the web"): a province returns an application for revision with a comment,
 * the city corrects and resubmits it (the same checks as the first application), the
 * ministry declines; the evidence files kept in the database (type from the bytes, size
 * limit, SHA-256), and the application given as name/value pairs as the web form posts it.
 * Every refusal leaves the database as it was.
 *
 * Applications are the valid fixture tests/fixtures/network/guangzhou.csv with some fields
 * replaced, as in test_network.c.
 */
#include "field.h"
#include "network.h"
#include "testing.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURE "tests/fixtures/network/guangzhou.csv"
#define PDF "tests/fixtures/network/evidence/implementation-plan.pdf"
#define PNG "tests/fixtures/network/evidence/reading-festival.png"

/* ---- helpers ---- */

static char *dup_path(const char *p) {
    char *s = strdup(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

static void put_row(FILE *fp, const char *field, const char *value) {
    fprintf(fp, "%s,\"", field);
    for (const char *p = value; *p; p++)
        fputs(*p == '"' ? "\"\"" : (char[]){*p, 0}, fp);
    fputs("\",\n", fp);
}

static int override_of(const char *const *ov, const char *line) {
    for (int i = 0; ov && ov[i]; i += 2) {
        size_t n = strlen(ov[i]);
        if (strncmp(line, ov[i], n) == 0 && line[n] == ',')
            return i;
    }
    return -1;
}

/* The fixture with the pairs {field, value} of ov replacing its rows (value NULL deletes
 * the row; a field it lacks is added); evidence paths made absolute. Malloc'd path. */
static char *write_app(const char *name, const char *const *ov) {
    char *path = dup_path(lcmt_tmp(name));
    char *dir = dup_path(lcmt_path("tests/fixtures/network/"));
    FILE *in = fopen(lcmt_path(FIXTURE), "r"), *out = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    char line[4096];
    int used[64] = {0};
    while (fgets(line, sizeof line, in)) {
        int i = override_of(ov, line);
        if (i >= 0) {
            used[i] = 1;
            if (ov[i + 1])
                put_row(out, ov[i], ov[i + 1]);
        } else if (!strncmp(line, "evidence.1.file,", 16) || !strncmp(line, "photo.1.file,", 13)) {
            char *comma = strchr(line, ',');
            fprintf(out, "%.*s,%s%s", (int)(comma - line), line, dir, comma + 1);
        } else {
            fputs(line, out);
        }
    }
    for (int i = 0; ov && ov[i]; i += 2)
        if (!used[i] && ov[i + 1])
            put_row(out, ov[i], ov[i + 1]);
    fclose(in);
    fclose(out);
    free(dir);
    return path;
}

/* A database with the shipped reference data, made once and copied per test. */
static const char *reference_db(void) {
    static char path[4096];
    if (!path[0]) {
        snprintf(path, sizeof path, "%s", lcmt_tmp("register-ref.db"));
        lcm_db *db = NULL;
        CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_CREATE, &db, NULL), LCM_OK);
        CU_ASSERT_EQUAL_FATAL(lcm_reference_load(db, lcm_datadir(), NULL, NULL), LCM_OK);
        lcm_db_close(db);
    }
    return path;
}

static char *fresh_path(const char *name) {
    char *path = dup_path(lcmt_tmp(name));
    size_t n;
    char *data = lcmt_slurp(reference_db(), &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    lcmt_write(path, data, n);
    free(data);
    return path;
}

static lcm_db *fresh_db(const char *name) {
    char *path = fresh_path(name);
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, NULL), LCM_OK);
    free(path);
    return db;
}

static const char *status_of(lcm_db *db, const char *city) {
    static char out[32];
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    sqlite3_prepare_v2(lcm_db_sqlite(db), "SELECT status FROM network_members WHERE city_code = ?",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

/* Check the fixture with overrides and store it (apply, or resubmit when again). */
static lcm_status submit(lcm_db *db, const char *const *ov, int again, lcm_net_problems *pr) {
    lcm_net_form form;
    lcm_net_application app;
    lcm_net_problems cpr;
    CU_ASSERT_EQUAL_FATAL(lcm_net_form_load(lcm_datadir(), &form, NULL), LCM_OK);
    char *path = write_app("app.csv", ov);
    lcm_net_problems_init(&cpr, LCM_NET_EN);
    CU_ASSERT_EQUAL(lcm_net_check(db, &form, path, &app, &cpr, NULL), LCM_OK);
    for (size_t i = 0; i < cpr.n; i++)
        fprintf(stderr, "  problem: %s: %s\n", cpr.items[i].subject, cpr.items[i].what);
    lcm_status rc = again ? lcm_net_resubmit(db, &app, "广州市教育局", pr, NULL)
                          : lcm_net_apply(db, &app, "广州市教育局", pr, NULL);
    lcm_net_application_release(&app);
    lcm_net_problems_release(&cpr);
    lcm_net_form_release(&form);
    free(path);
    return rc;
}

#define CITIES(...)                                                                                \
    (const char *[]){__VA_ARGS__}, sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *)

/* rc is a refusal with one problem mentioning text; the list is emptied for the next. */
static void expect_refusal(lcm_status rc, lcm_net_problems *pr, const char *text) {
    CU_ASSERT_EQUAL(rc, LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(pr->n, 1);
    if (pr->n >= 1 && !strstr(pr->items[0].what, text))
        fprintf(stderr, "  refusal: %s (wanted %s)\n", pr->items[0].what, text);
    if (pr->n >= 1)
        CU_ASSERT_PTR_NOT_NULL(strstr(pr->items[0].what, text));
    lcm_net_problems_release(pr);
}

/* What a refusal must leave unchanged: members, fields, history and attachments, as one
 * text to compare before and after. */
static char *snapshot(lcm_db *db) {
    static const char sql[] =
        "SELECT group_concat(x, '|') FROM ("
        " SELECT city_code || status || coalesce(opinion, '') || population || source AS x"
        "  FROM network_members"
        " UNION ALL SELECT city_code || field || value FROM network_application_fields"
        " UNION ALL SELECT id || coalesce(from_status, '') || to_status || coalesce(note, '')"
        "  FROM network_history"
        " UNION ALL SELECT city_code || name || sha256 FROM network_attachments)";
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(lcm_db_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        out = strdup(sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
    sqlite3_finalize(st);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    return out;
}

static void assert_unchanged(lcm_db *db, const char *before) {
    char *now = snapshot(db);
    CU_ASSERT_STRING_EQUAL(now, before);
    free(now);
}

/* ---- the schema ---- */

/* The status CHECK was edited in place: the two new statuses are stored, others are not. */
static void schema__status_check_takes_returned_and_declined(void) {
    lcm_db *db = fresh_db("schema.db");
    lcm_net_problems pr;
    lcm_net_problems_init(&pr, LCM_NET_EN);
    CU_ASSERT_EQUAL(submit(db, NULL, 0, &pr), LCM_OK);
    sqlite3 *h = lcm_db_sqlite(db);
    CU_ASSERT_EQUAL(
        sqlite3_exec(h, "UPDATE network_members SET status = 'returned'", NULL, NULL, NULL),
        SQLITE_OK);
    CU_ASSERT_EQUAL(
        sqlite3_exec(h, "UPDATE network_members SET status = 'declined'", NULL, NULL, NULL),
        SQLITE_OK);
    CU_ASSERT_EQUAL(
        sqlite3_exec(h, "UPDATE network_members SET status = 'withdrawn'", NULL, NULL, NULL) & 0xff,
        SQLITE_CONSTRAINT);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM pragma_integrity_check"
                                   " WHERE integrity_check = 'ok'"),
                    1);
    /* an attachment row outside the limits is refused by the table itself */
    CU_ASSERT_EQUAL(sqlite3_exec(h,
                                 "INSERT INTO network_attachments(city_code, kind, name, mime,"
                                 " size, sha256, data, uploaded_at) VALUES ('4401', 'photo',"
                                 " 'x.gif', 'image/gif', 1, printf('%064d', 0), x'00', 'now')",
                                 NULL, NULL, NULL) &
                        0xff,
                    SQLITE_CONSTRAINT);
    lcm_db_close(db);
}

/* ---- return, resubmit, decline ---- */

/* The whole round: applied -> returned (comment) -> applied (corrected) -> recommended. */
static void register__return_resubmit_recommend(void) {
    lcm_db *db = fresh_db("round.db");
    lcm_net_problems pr;
    lcm_net_problems_init(&pr, LCM_NET_EN);
    CU_ASSERT_EQUAL(submit(db, NULL, 0, &pr), LCM_OK);
    CU_ASSERT_EQUAL(lcm_net_return(db, "广东省", CITIES("广州市"), "人口数据请核对统计年鉴",
                                   "广东省教育厅", &pr, NULL),
                    LCM_OK);
    CU_ASSERT_STRING_EQUAL(status_of(db, "4401"), "returned");
    lcm_net_state state;
    CU_ASSERT_EQUAL(lcm_net_state_get(db, "4401", &state, NULL), LCM_OK);
    CU_ASSERT_STRING_EQUAL(state.status, "returned");
    CU_ASSERT_STRING_EQUAL(state.note, "人口数据请核对统计年鉴");
    CU_ASSERT_STRING_EQUAL(state.by, "广东省教育厅");
    /* while returned: nobody moves it on, and a second application is pointed to resubmit */
    char *before = snapshot(db);
    expect_refusal(lcm_net_recommend(db, "44", CITIES("4401"), "同意", "x", &pr, NULL), &pr,
                   "returned for revision and has not been resubmitted");
    expect_refusal(lcm_net_admit(db, CITIES("4401"), 2024, "教育部", &pr, NULL), &pr,
                   "cannot be admitted: its status is returned");
    expect_refusal(lcm_net_return(db, "44", CITIES("4401"), "再退", "x", &pr, NULL), &pr,
                   "cannot be returned: its status is returned");
    expect_refusal(submit(db, NULL, 0, &pr), &pr, "correct the application and resubmit");
    assert_unchanged(db, before);
    free(before);
    /* corrected: another population figure */
    CU_ASSERT_EQUAL(submit(db, (const char *[]){"basic.population", "1873.4", NULL}, 1, &pr),
                    LCM_OK);
    CU_ASSERT_STRING_EQUAL(status_of(db, "4401"), "applied");
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT population * 10 FROM network_members"), 18734);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM network_application_fields WHERE"
                                   " field = 'basic.population' AND value = '1873.4'"),
                    1);
    /* the fields are replaced, not added to: the fixture's 60 */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM network_application_fields"), 60);
    /* the stored application reads back field by field */
    lcm_net_form form;
    lcm_net_application app;
    CU_ASSERT_EQUAL_FATAL(lcm_net_form_load(lcm_datadir(), &form, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_net_app_load(db, &form, "4401", &app, NULL), LCM_OK);
    CU_ASSERT_EQUAL(app.n, 60);
    CU_ASSERT_STRING_EQUAL(lcm_net_app_get(&app, "basic.population"), "1873.4");
    CU_ASSERT_STRING_EQUAL(lcm_net_app_get(&app, "meeting.1.date"), "2023-11-05");
    lcm_net_application_release(&app);
    CU_ASSERT_EQUAL(lcm_net_app_load(db, &form, "4403", &app, NULL), LCM_NOTFOUND);
    lcm_net_form_release(&form);
    CU_ASSERT_EQUAL(
        lcm_net_recommend(db, "44", CITIES("4401"), "同意推荐", "广东省教育厅", &pr, NULL), LCM_OK);
    /* the history: applied, returned with the comment, applied again, recommended */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM network_history"), 4);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM network_history WHERE id = 2 AND"
                                   " from_status = 'applied' AND to_status = 'returned' AND"
                                   " actor = '广东省教育厅' AND note = '人口数据请核对统计年鉴'"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM network_history WHERE id = 3 AND"
                                   " from_status = 'returned' AND to_status = 'applied' AND"
                                   " actor = '广州市教育局' AND note LIKE '%app.csv'"),
                    1);
    /* 附件3 lists it with the corrected figure */
    lcm_net_table t;
    CU_ASSERT_EQUAL(lcm_net_summary(db, "44", 0, LCM_NET_EN, &t, NULL), LCM_OK);
    CU_ASSERT_EQUAL(t.nrows, 1);
    int found = 0;
    for (int c = 0; c < t.ncols; c++)
        found += strcmp(lcm_net_table_cell(&t, 0, c), "1873.4") == 0;
    CU_ASSERT_EQUAL(found, 1);
    lcm_net_table_release(&t);
    lcm_db_close(db);
}

/* Who may return what: its own province's applied cities only, always with a comment. */
static void register__return_refusals_change_nothing(void) {
    lcm_db *db = fresh_db("return-no.db");
    lcm_net_problems pr;
    lcm_net_problems_init(&pr, LCM_NET_EN);
    CU_ASSERT_EQUAL(submit(db, NULL, 0, &pr), LCM_OK);
    CU_ASSERT_EQUAL(
        submit(db, (const char *[]){"city.code", "4403", "city.name", "深圳市", NULL}, 0, &pr),
        LCM_OK);
    CU_ASSERT_EQUAL(lcm_net_recommend(db, "44", CITIES("4403"), "同意", "x", &pr, NULL), LCM_OK);
    char *before = snapshot(db);
    expect_refusal(lcm_net_return(db, "四川省", CITIES("4401"), "请修改", "x", &pr, NULL), &pr,
                   "belongs to 广东省, not 四川省");
    expect_refusal(lcm_net_return(db, "44", CITIES("4403"), "请修改", "x", &pr, NULL), &pr,
                   "cannot be returned: its status is recommended");
    expect_refusal(lcm_net_return(db, "44", CITIES("4406"), "请修改", "x", &pr, NULL), &pr,
                   "has not applied");
    /* one refused city in the list: the other is not returned either */
    CU_ASSERT_EQUAL(lcm_net_return(db, "44", CITIES("4401", "4403"), "请修改", "x", &pr, NULL),
                    LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(pr.n, 1);
    lcm_net_problems_release(&pr);
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_net_return(db, "44", CITIES("4401"), "", "x", &pr, &err), LCM_INVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "needs a comment"));
    assert_unchanged(db, before);
    CU_ASSERT_STRING_EQUAL(status_of(db, "4401"), "applied");
    free(before);
    lcm_db_close(db);
}

/* Resubmitting is for a returned application only. */
static void register__resubmit_refusals_change_nothing(void) {
    lcm_db *db = fresh_db("resubmit-no.db");
    lcm_net_problems pr;
    lcm_net_problems_init(&pr, LCM_NET_EN);
    expect_refusal(submit(db, NULL, 1, &pr), &pr, "has not applied: nothing to resubmit");
    CU_ASSERT_EQUAL(submit(db, NULL, 0, &pr), LCM_OK);
    char *before = snapshot(db);
    expect_refusal(submit(db, (const char *[]){"basic.population", "1900", NULL}, 1, &pr), &pr,
                   "cannot be resubmitted: its status is applied");
    assert_unchanged(db, before);
    free(before);
    CU_ASSERT_EQUAL(lcm_net_recommend(db, "44", CITIES("4401"), "同意", "x", &pr, NULL), LCM_OK);
    before = snapshot(db);
    expect_refusal(submit(db, NULL, 1, &pr), &pr,
                   "cannot be resubmitted: its status is recommended");
    assert_unchanged(db, before);
    free(before);
    lcm_db_close(db);
}

/* The ministry declines a recommended city (final) or a directly joining one; nothing else. */
static void register__decline(void) {
    lcm_db *db = fresh_db("decline.db");
    lcm_net_problems pr;
    lcm_net_problems_init(&pr, LCM_NET_EN);
    CU_ASSERT_EQUAL(submit(db, NULL, 0, &pr), LCM_OK);
    CU_ASSERT_EQUAL(submit(db,
                           (const char *[]){"city.code", "3301", "city.name", "杭州市",
                                            "application.direct_join", "gnlc", NULL},
                           0, &pr),
                    LCM_OK);
    char *before = snapshot(db);
    expect_refusal(lcm_net_decline(db, CITIES("4401"), "材料不全", "教育部", &pr, NULL), &pr,
                   "cannot be declined: its status is applied");
    expect_refusal(lcm_net_decline(db, CITIES("4406"), "材料不全", "教育部", &pr, NULL), &pr,
                   "has not applied");
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_net_decline(db, CITIES("3301"), NULL, "教育部", &pr, &err), LCM_INVAL);
    assert_unchanged(db, before);
    free(before);
    /* 杭州 joins directly: the ministry may decline it without a recommendation */
    CU_ASSERT_EQUAL(
        lcm_net_decline(db, CITIES("杭州市"), "未提供全球网络成员证明", "教育部", &pr, NULL),
        LCM_OK);
    CU_ASSERT_STRING_EQUAL(status_of(db, "3301"), "declined");
    CU_ASSERT_EQUAL(lcm_net_recommend(db, "44", CITIES("4401"), "同意", "x", &pr, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_net_decline(db, CITIES("4401"), "建设成效不足", "教育部", &pr, NULL),
                    LCM_OK);
    CU_ASSERT_STRING_EQUAL(status_of(db, "4401"), "declined");
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM network_history WHERE city_code = '4401'"
                                   " AND from_status = 'recommended' AND to_status = 'declined'"
                                   " AND actor = '教育部' AND note = '建设成效不足'"),
                    1);
    /* declined is final */
    before = snapshot(db);
    expect_refusal(lcm_net_admit(db, CITIES("4401"), 2024, "教育部", &pr, NULL), &pr,
                   "cannot be admitted: its status is declined");
    expect_refusal(lcm_net_decline(db, CITIES("4401"), "再次", "教育部", &pr, NULL), &pr,
                   "cannot be declined: its status is declined");
    expect_refusal(lcm_net_return(db, "44", CITIES("4401"), "请修改", "x", &pr, NULL), &pr,
                   "cannot be returned: its status is declined");
    expect_refusal(submit(db, NULL, 1, &pr), &pr, "cannot be resubmitted: its status is declined");
    expect_refusal(submit(db, NULL, 0, &pr), &pr, "already in the register with status declined");
    assert_unchanged(db, before);
    free(before);
    /* an admitted city cannot be declined */
    CU_ASSERT_EQUAL(
        submit(db, (const char *[]){"city.code", "4403", "city.name", "深圳市", NULL}, 0, &pr),
        LCM_OK);
    CU_ASSERT_EQUAL(lcm_net_recommend(db, "44", CITIES("4403"), "同意", "x", &pr, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_net_admit(db, CITIES("4403"), 2025, "教育部", &pr, NULL), LCM_OK);
    expect_refusal(lcm_net_decline(db, CITIES("4403"), "x", "教育部", &pr, NULL), &pr,
                   "cannot be declined: its status is admitted");
    lcm_db_close(db);
}

/* ---- attachments ---- */

static unsigned char *fixture_bytes(const char *rel, size_t *n) {
    unsigned char *b = (unsigned char *)lcmt_slurp(lcmt_path(rel), n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    return b;
}

static void attach__stored_with_sha256_type_and_size(void) {
    lcm_db *db = fresh_db("attach.db");
    lcm_net_problems pr;
    lcm_net_problems_init(&pr, LCM_NET_EN);
    size_t npdf, npng;
    unsigned char *pdf = fixture_bytes(PDF, &npdf), *png = fixture_bytes(PNG, &npng);
    char name[LCM_NET_ATTACH_NAME], sha[65], want[64];
    CU_ASSERT_EQUAL(lcm_net_attach(db, "4401", NULL, pdf, npdf, "plan.pdf", name, &pr, NULL),
                    LCM_OK);
    lcm_field_sha256_hex(pdf, npdf, sha);
    snprintf(want, sizeof want, "evidence-%.16s.pdf", sha);
    CU_ASSERT_STRING_EQUAL(name, want);
    /* a photo by name (广州市), kind asked for */
    CU_ASSERT_EQUAL(lcm_net_attach(db, "广州市", "photo", png, npng, "x.png", name, &pr, NULL),
                    LCM_OK);
    lcm_field_sha256_hex(png, npng, sha);
    snprintf(want, sizeof want, "photo-%.16s.png", sha);
    CU_ASSERT_STRING_EQUAL(name, want);
    /* the same file again is the same row */
    CU_ASSERT_EQUAL(lcm_net_attach(db, "4401", NULL, png, npng, "again.png", name, &pr, NULL),
                    LCM_OK);
    CU_ASSERT_STRING_EQUAL(name, want);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM network_attachments"), 2);
    lcm_net_attachment *list = NULL, meta;
    size_t n = 0, len = 0;
    CU_ASSERT_EQUAL(lcm_net_attachments(db, "4401", &list, &n, NULL), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(list);
    if (!list) /* for the compiler: the assertion above stops the test */
        return;
    CU_ASSERT_STRING_EQUAL(list[0].mime, "application/pdf");
    CU_ASSERT_STRING_EQUAL(list[0].kind, "evidence");
    CU_ASSERT_EQUAL(list[0].size, (long long)npdf);
    CU_ASSERT_STRING_EQUAL(list[1].mime, "image/png");
    CU_ASSERT_STRING_EQUAL(list[1].sha256, sha);
    free(list);
    unsigned char *data = NULL;
    CU_ASSERT_EQUAL(lcm_net_attachment_get(db, "4401", want, &meta, &data, &len, NULL), LCM_OK);
    CU_ASSERT_EQUAL(len, npng);
    CU_ASSERT(data && memcmp(data, png, npng) == 0);
    free(data);
    /* another city's name is not found for this city */
    CU_ASSERT_EQUAL(lcm_net_attachment_get(db, "4403", want, &meta, &data, &len, NULL),
                    LCM_NOTFOUND);
    free(pdf), free(png);
    lcm_db_close(db);
}

static void attach__refusals_change_nothing(void) {
    lcm_db *db = fresh_db("attach-no.db");
    lcm_net_problems pr;
    lcm_net_problems_init(&pr, LCM_NET_EN);
    size_t npdf, npng;
    unsigned char *pdf = fixture_bytes(PDF, &npdf), *png = fixture_bytes(PNG, &npng);
    char name[LCM_NET_ATTACH_NAME];
    static const unsigned char gif[] = "GIF89a\x01\x00\x01\x00";
    static const unsigned char jpeg[] = "\xff\xd8\xff\xe0\x00\x10JFIF";
    char *before = snapshot(db);
    expect_refusal(lcm_net_attach(db, "4401", NULL, gif, sizeof gif, "a.gif", name, &pr, NULL), &pr,
                   "not a PDF, JPEG or PNG file inside");
    /* a PDF renamed .jpg is judged by its bytes, and the kind asked for must match */
    expect_refusal(lcm_net_attach(db, "4401", "photo", pdf, npdf, "a.jpg", name, &pr, NULL), &pr,
                   "a photo must be a JPEG or PNG image");
    expect_refusal(
        lcm_net_attach(db, "4401", "evidence", jpeg, sizeof jpeg, "a.pdf", name, &pr, NULL), &pr,
        "text material must be a PDF file: this one is image/jpeg");
    expect_refusal(lcm_net_attach(db, "4401", NULL, pdf, 0, "empty.pdf", name, &pr, NULL), &pr,
                   "empty file");
    /* one byte over the limit (10 MB), a real PDF header */
    size_t big = (size_t)LCM_NET_ATTACH_MAX + 1;
    unsigned char *huge = calloc(big, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(huge);
    memcpy(huge, "%PDF-1.4\n", 9);
    expect_refusal(lcm_net_attach(db, "4401", NULL, huge, big, "huge.pdf", name, &pr, NULL), &pr,
                   "too large: 10485761 bytes, at most 10485760");
    CU_ASSERT_STRING_EQUAL(name, "");
    /* exactly the limit is taken */
    CU_ASSERT_EQUAL(lcm_net_attach(db, "4401", NULL, huge, big - 1, "max.pdf", name, &pr, NULL),
                    LCM_OK);
    free(huge);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT size FROM network_attachments"), 10485760);
    CU_ASSERT_EQUAL(
        sqlite3_exec(lcm_db_sqlite(db), "DELETE FROM network_attachments", NULL, NULL, NULL),
        SQLITE_OK);
    assert_unchanged(db, before);
    free(before);
    /* wrong state: once applied the application (and its evidence) is the province's */
    CU_ASSERT_EQUAL(submit(db, NULL, 0, &pr), LCM_OK);
    before = snapshot(db);
    expect_refusal(lcm_net_attach(db, "4401", NULL, png, npng, "late.png", name, &pr, NULL), &pr,
                   "cannot change now: its status is applied");
    assert_unchanged(db, before);
    free(before);
    /* returned: the city may add evidence again */
    CU_ASSERT_EQUAL(lcm_net_return(db, "44", CITIES("4401"), "请补充照片", "x", &pr, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_net_attach(db, "4401", NULL, png, npng, "late.png", name, &pr, NULL),
                    LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM network_attachments"), 1);
    free(pdf), free(png);
    lcm_db_close(db);
}

/* ---- the application as the web posts it ---- */

/* The fixture as name/value pairs (what the web form posts), with file fields replaced. */
static char **fixture_pairs(lcm_db *db, const lcm_net_form *form, size_t *n) {
    lcm_net_application app;
    lcm_net_problems pr;
    char *path = write_app("pairs.csv", NULL);
    lcm_net_problems_init(&pr, LCM_NET_EN);
    CU_ASSERT_EQUAL_FATAL(lcm_net_check(db, form, path, &app, &pr, NULL), LCM_OK);
    char **pairs = calloc(2 * app.n, sizeof *pairs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pairs);
    for (size_t i = 0; i < app.n; i++) {
        pairs[2 * i] = strdup(app.values[i].name);
        pairs[2 * i + 1] = strdup(app.values[i].value);
    }
    *n = app.n;
    lcm_net_application_release(&app);
    lcm_net_problems_release(&pr);
    free(path);
    return pairs;
}

static void set_pair(char **pairs, size_t n, const char *name, const char *value) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(pairs[2 * i], name) == 0) {
            free(pairs[2 * i + 1]);
            pairs[2 * i + 1] = strdup(value);
            return;
        }
    CU_FAIL("no such pair");
}

static void free_pairs(char **pairs, size_t n) {
    for (size_t i = 0; i < 2 * n; i++)
        free(pairs[i]);
    free(pairs);
}

static lcm_status check_pairs(lcm_db *db, const lcm_net_form *form, char **pairs, size_t n,
                              lcm_net_problems *pr) {
    lcm_net_application app;
    lcm_status rc =
        lcm_net_check_pairs(db, form, "网上填报", (const char *const *)pairs, n, &app, pr, NULL);
    if (rc == LCM_OK)
        rc = lcm_net_apply(db, &app, "广州市协调员", pr, NULL);
    lcm_net_application_release(&app);
    return rc;
}

static void pairs__same_checks_files_only_as_attachments(void) {
    lcm_db *db = fresh_db("pairs.db");
    lcm_net_form form;
    CU_ASSERT_EQUAL_FATAL(lcm_net_form_load(lcm_datadir(), &form, NULL), LCM_OK);
    size_t n, npdf, npng;
    char **pairs = fixture_pairs(db, &form, &n);
    lcm_net_problems pr;
    lcm_net_problems_init(&pr, LCM_NET_EN);
    char *before = snapshot(db);
    /* the fixture's paths exist on this disk, but the web never reads a path */
    CU_ASSERT_EQUAL(check_pairs(db, &form, pairs, n, &pr), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(pr.n, 2);
    if (pr.n == 2) {
        CU_ASSERT_STRING_EQUAL(pr.items[0].subject, "evidence.1.file");
        CU_ASSERT_PTR_NOT_NULL(strstr(pr.items[0].what, "no such attachment of the city"));
        CU_ASSERT_STRING_EQUAL(pr.items[1].subject, "photo.1.file");
    }
    lcm_net_problems_release(&pr);
    assert_unchanged(db, before);
    free(before);
    unsigned char *pdf = fixture_bytes(PDF, &npdf), *png = fixture_bytes(PNG, &npng);
    char pdf_name[LCM_NET_ATTACH_NAME], png_name[LCM_NET_ATTACH_NAME];
    CU_ASSERT_EQUAL(lcm_net_attach(db, "4401", NULL, pdf, npdf, "p.pdf", pdf_name, &pr, NULL),
                    LCM_OK);
    CU_ASSERT_EQUAL(lcm_net_attach(db, "4401", NULL, png, npng, "p.png", png_name, &pr, NULL),
                    LCM_OK);
    /* swapped: each names an attachment of the other kind */
    set_pair(pairs, n, "evidence.1.file", png_name);
    set_pair(pairs, n, "photo.1.file", pdf_name);
    /* and the same limits as the file: 501 characters of overview */
    char over[501 * 3 + 1];
    for (int i = 0; i < 501; i++)
        memcpy(over + 3 * i, "学", 3);
    over[501 * 3] = '\0';
    set_pair(pairs, n, "strategy.overview", over);
    CU_ASSERT_EQUAL(check_pairs(db, &form, pairs, n, &pr), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(pr.n, 3);
    for (size_t i = 0; i < pr.n; i++) {
        const char *s = pr.items[i].subject, *w = pr.items[i].what;
        if (!strcmp(s, "evidence.1.file"))
            CU_ASSERT_PTR_NOT_NULL(strstr(w, "not a PDF attachment"));
        if (!strcmp(s, "photo.1.file"))
            CU_ASSERT_PTR_NOT_NULL(strstr(w, "not a photo attachment"));
        if (!strcmp(s, "strategy.overview"))
            CU_ASSERT_PTR_NOT_NULL(strstr(w, "too long: 501 characters, at most 500"));
    }
    lcm_net_problems_release(&pr);
    set_pair(pairs, n, "evidence.1.file", pdf_name);
    set_pair(pairs, n, "photo.1.file", png_name);
    set_pair(pairs, n, "strategy.overview", "广州是国家中心城市。");
    CU_ASSERT_EQUAL(check_pairs(db, &form, pairs, n, &pr), LCM_OK);
    CU_ASSERT_STRING_EQUAL(status_of(db, "4401"), "applied");
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM network_application_fields"
                                   " WHERE field = 'strategy.overview'"
                                   " AND value = '广州是国家中心城市。'"),
                    1);
    CU_ASSERT_EQUAL(
        lcmt_count(db, "SELECT count(*) FROM network_members WHERE source = '网上填报'"), 1);
    /* a file read from disk may name the attachments too */
    lcm_net_problems_release(&pr);
    lcm_net_application app;
    char *path = write_app("by-name.csv", (const char *[]){"evidence.1.file", pdf_name,
                                                           "photo.1.file", png_name, NULL});
    CU_ASSERT_EQUAL(lcm_net_check(db, &form, path, &app, &pr, NULL), LCM_OK);
    lcm_net_application_release(&app);
    free(path);
    free(pdf), free(png);
    free_pairs(pairs, n);
    lcm_net_problems_release(&pr);
    lcm_net_form_release(&form);
    lcm_db_close(db);
}

/* ---- the command line ---- */

static int run(const char *const *args, char **out, char **err) {
    return lcmt_run(args, NULL, out, err);
}

static void cli__return_resubmit_decline_attach(void) {
    char *db = fresh_path("cli-reg.db"), *app = write_app("cli-reg.csv", NULL);
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(run((const char *[]){"network", "apply", db, app, NULL}, &out, &err), 0);
    free(out), free(err);
    CU_ASSERT_EQUAL(
        run((const char *[]){"network", "return", db, "--province", "广东省", "--cities", "4401",
                             "--comment", "请补充活动照片", "--by", "广东省教育厅", NULL},
            &out, &err),
        0);
    CU_ASSERT_STRING_EQUAL(out, "已退回修改：4401\n");
    free(out), free(err);
    /* attach: a good PDF and a file that is none of the three: nothing stored */
    char *txt = dup_path(lcmt_path("tests/fixtures/network/evidence/not-really.pdf"));
    char *pdf = dup_path(lcmt_path(PDF)), *png = dup_path(lcmt_path(PNG));
    CU_ASSERT_EQUAL(run((const char *[]){"network", "attach", db, "--city", "4401", pdf, txt, NULL},
                        &out, &err),
                    1);
    char want[8192];
    snprintf(want, sizeof want,
             "lcmon: 文件内容不是PDF、JPEG或PNG格式: '%s'\nlcmon: 未保存任何文件：1个文件未通过\n",
             txt);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out), free(err);
    CU_ASSERT_EQUAL(run((const char *[]){"network", "attach", db, "--city", "4401", "--kind",
                                         "photo", pdf, NULL},
                        &out, &err),
                    1);
    LCMT_ASSERT_HAS(err, "照片须为JPEG或PNG图片：该文件为PDF");
    free(out), free(err);
    CU_ASSERT_EQUAL(run((const char *[]){"network", "attach", db, "--city", "4401", pdf, png, NULL},
                        &out, &err),
                    0);
    LCMT_ASSERT_HAS(out, "evidence-");
    LCMT_ASSERT_HAS(out, ".png\t");
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 2);
    /* the printed names go into the corrected form */
    char pdf_name[LCM_NET_ATTACH_NAME] = "", png_name[LCM_NET_ATTACH_NAME] = "";
    sscanf(out, "%39[^\t]\t%*[^\n]\n%39[^\t]", pdf_name, png_name);
    free(out), free(err);
    char *fixed = write_app("cli-fixed.csv",
                            (const char *[]){"evidence.1.file", pdf_name, "photo.1.file", png_name,
                                             "photo.2.file", png_name, "photo.2.caption", "读书节",
                                             "photo.2.copyright", "广州市教育局", NULL});
    CU_ASSERT_EQUAL(run((const char *[]){"network", "resubmit", db, fixed, NULL}, &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(out, "4401 广州市：已重新提交申请，状态为已申请\n");
    free(out), free(err);
    CU_ASSERT_EQUAL(run((const char *[]){"network", "resubmit", db, fixed, NULL}, &out, &err), 1);
    LCMT_ASSERT_HAS(err, "不能重新提交：当前状态为已申请");
    free(out), free(err);
    CU_ASSERT_EQUAL(run((const char *[]){"network", "recommend", db, "--province", "44", "--cities",
                                         "4401", "--opinion", "同意推荐", NULL},
                        &out, &err),
                    0);
    free(out), free(err);
    CU_ASSERT_EQUAL(run((const char *[]){"network", "decline", db, "--cities", "4401", "--comment",
                                         "名额已满", "--by", "教育部", NULL},
                        &out, &err),
                    0);
    CU_ASSERT_STRING_EQUAL(out, "未通过：4401\n");
    free(out), free(err);
    CU_ASSERT_EQUAL(run((const char *[]){"network", "list", db, "--status", "declined", "--format",
                                         "csv", NULL},
                        &out, &err),
                    0);
    LCMT_ASSERT_HAS(out, "\n4401,广州市,广东省,");
    LCMT_ASSERT_HAS(out, ",未通过,");
    free(out), free(err);
    CU_ASSERT_EQUAL(
        run((const char *[]){"network", "history", db, "--city", "4401", "--format", "csv", NULL},
            &out, &err),
        0);
    LCMT_ASSERT_HAS(out, ",已申请,已退回,广东省教育厅,请补充活动照片");
    LCMT_ASSERT_HAS(out, ",已退回,已申请,");
    LCMT_ASSERT_HAS(out, ",已推荐,未通过,教育部,名额已满");
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 6); /* the header and five changes */
    free(out), free(err);
    /* the stored application, field by field, in the order of the form */
    CU_ASSERT_EQUAL(
        run((const char *[]){"network", "show", db, "--city", "广州市", "--format", "csv", NULL},
            &out, &err),
        0);
    CU_ASSERT_EQUAL(strncmp(out, "field,value\ncity.code,4401\ncity.name,广州市\n", 44), 0);
    char line[128];
    snprintf(line, sizeof line, "\nphoto.2.file,%s\nphoto.2.caption,读书节\n", png_name);
    LCMT_ASSERT_HAS(out, line);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 64); /* the header, the fixture's 60, photo 2's 3 */
    free(out), free(err);
    /* every change from the command line is in the audit trail, by the command line */
    lcm_db *adb = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &adb, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(adb, "SELECT count(*) FROM audit WHERE who = '命令行' AND object"
                                    " = '4401' AND action IN ('network.apply', 'network.return',"
                                    " 'network.resubmit', 'network.recommend',"
                                    " 'network.decline')"),
                    5);
    CU_ASSERT_EQUAL(lcmt_count(adb, "SELECT count(*) FROM audit WHERE action = 'network.return'"
                                    " AND detail = '广东省教育厅: 请补充活动照片'"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(adb, "SELECT count(*) FROM audit WHERE action = 'network.attach'"
                                    " AND place = '4401'"),
                    2);
    lcm_db_close(adb);
    /* usage: a return needs its comment, attach its city and files */
    static const char *const bad[][10] = {
        {"network", "return", "x.db", "--province", "44", "--cities", "4401", NULL},
        {"network", "decline", "x.db", "--cities", "4401", NULL},
        {"network", "attach", "x.db", "--city", "4401", NULL},
        {"network", "attach", "x.db", "a.pdf", NULL},
        {"network", "attach", "x.db", "--city", "4401", "--kind", "video", "a.pdf", NULL},
        {"network", "resubmit", "x.db", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(run(bad[i], NULL, &err), 2);
        LCMT_ASSERT_HAS(err, "usage: lcmon network");
        free(err);
    }
    free(db), free(app), free(txt), free(pdf), free(png), free(fixed);
}

const lcmt_case lcmt_network_register_cases[] = {
    {"schema__status_check_takes_returned_and_declined",
     schema__status_check_takes_returned_and_declined},
    {"register__return_resubmit_recommend", register__return_resubmit_recommend},
    {"register__return_refusals_change_nothing", register__return_refusals_change_nothing},
    {"register__resubmit_refusals_change_nothing", register__resubmit_refusals_change_nothing},
    {"register__decline", register__decline},
    {"attach__stored_with_sha256_type_and_size", attach__stored_with_sha256_type_and_size},
    {"attach__refusals_change_nothing", attach__refusals_change_nothing},
    {"pairs__same_checks_files_only_as_attachments", pairs__same_checks_files_only_as_attachments},
    {"cli__return_resubmit_decline_attach", cli__return_resubmit_decline_attach},
    {NULL, NULL},
};
