/*
 * test_rate_web.c - /rate of `lcmon serve` (engine/serve_rate.c, docs/ratings.md "On the
 * web") over real HTTP: reviewers (their login is the reviewer code) see the cells assigned to
 * them and rate them; what is stored, read back through the engine, equals what was posted; a
 * score outside the level's band or evidence not in the store is refused beside its field and
 * nothing is stored; other reviewers' ratings stay hidden until the cell is complete; other
 * roles, reviewers not assigned and posts without the CSRF token get 403; comments are escaped.
 */
#include "auth.h"
#include "lcmon.h"
#include "lcmt_http.h"
#include "rating.h"
#include "serve.h"
#include "strbuf.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pid_t server_pid;
static int server_port;
static char db_path[4096];

static void server_stop(void) {
    if (server_pid > 0)
        lcmt_serve_stop(server_pid);
    server_pid = 0;
}

typedef lcmt_who who;

static who sign_in(const char *login) {
    who w = {{0}, {0}};
    CU_ASSERT_EQUAL(lcmt_sign_in(server_port, login, "web-pass-123", w.cookie, w.csrf), 303);
    return w;
}

static int get(const who *w, const char *path, char **body) {
    return lcmt_get_as(server_port, w, path, body);
}

static int post(const who *w, const char *path, const char *form, char **body) {
    return lcmt_post_as(server_port, w, path, form, body);
}

static const lcm_rating_cell CELL = {"1101", 2024, "2.3.1"};
#define PAGE "/rate/1101/2024/2.3.1"

/* Cities 1101 甲市 and 1102 乙市 with the 2024 statistic 2.1.1 of 1101 and the field
 * city.name of its network application (the evidence);
 * 2.3.1 of 甲市 2024 assigned to rev1, rev2, rev3; rev4 a reviewer assigned nothing; a
 * coordinator of 1101, an interviewer and an administrator (password web-pass-123). */
static void make_db(void) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    snprintf(db_path, sizeof db_path, "%s", lcmt_tmp("rate_web.db"));
    remove(db_path);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path, LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_framework_load(db, lcm_datadir(), &err), LCM_OK);
    lcm_db_close(db);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_exec(db_path,
                  "INSERT INTO provinces(code, name, region3, region4) VALUES"
                  " ('11','P11','east','east');"
                  "INSERT INTO cities(code, name, province_code, tier) VALUES "
                  "('1101','甲市','11','prefecture'),('1102','乙市','11','prefecture');"
                  "INSERT INTO indicator_values(city_code, year, indicator_code, value, source)"
                  " VALUES ('1101', 2024, '2.1.1', 1234, '统计年鉴');"
                  "INSERT INTO network_members(city_code, status, applied_on, population,"
                  " population_year, area, area_year, gdp_per_capita, gdp_per_capita_year,"
                  " education_years, education_years_year, source) VALUES ('1101', 'applied',"
                  " '2024-01-01', 1, 2023, 1, 2023, 1, 2023, 1, 2023, 'test');"
                  "INSERT INTO network_application_fields(city_code, field, value)"
                  " VALUES ('1101', 'city.name', '甲市');"),
        0);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path, 0, &db, &err), LCM_OK);
    const char *const rev[] = {"rev1", "rev2", "rev3"};
    CU_ASSERT_EQUAL_FATAL(lcm_rating_assign(db, &CELL, rev, 3, &err), LCM_OK);
    lcm_db_close(db);
    static const char *const users[][3] = {{"rev1", "reviewer", ""},  {"rev2", "reviewer", ""},
                                           {"rev3", "reviewer", ""},  {"rev4", "reviewer", ""},
                                           {"coord", "city", "1101"}, {"iv", "interviewer", "1101"},
                                           {"ministry", "admin", ""}};
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
        CU_ASSERT_EQUAL_FATAL(
            lcmt_add_user(db_path, users[i][0], users[i][1], users[i][2], "web-pass-123"), 0);
}

static void server(void) {
    if (server_pid > 0)
        return;
    make_db();
    server_pid = lcmt_serve_start(db_path, &server_port);
    atexit(server_stop);
    CU_ASSERT_FATAL(server_port > 0);
}

/* The ratings of the cell as the engine shows them to reviewer; stored: how many in all. */
static lcm_rating_view view_of(const char *reviewer) {
    lcm_db *db = NULL;
    lcm_rating_view v = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path, LCM_OPEN_READONLY, &db, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_rating_view_as(db, &CELL, reviewer, &v, NULL), LCM_OK);
    lcm_db_close(db);
    return v;
}

static long count(const char *q) {
    return lcmt_count_at(db_path, q);
}

/* Not signed in: to /login; a coordinator and an interviewer: 403; a reviewer not assigned:
 * 403 on the cell and an empty list; the reviewer's home links /rate; a point that is not a
 * rating point: 404. */
static void rate_web__who_may_open(void) {
    server();
    lcmt_resp r = lcmt_http(server_port, "GET", "/rate", NULL, NULL);
    CU_ASSERT_EQUAL(r.status, 303);
    LCMT_ASSERT_HAS(r.head, "/login?next=");
    lcmt_resp_free(&r);
    who coord = sign_in("coord"), iv = sign_in("iv"), rev4 = sign_in("rev4");
    CU_ASSERT_EQUAL(get(&coord, "/rate", NULL), 403);
    CU_ASSERT_EQUAL(get(&coord, PAGE, NULL), 403);
    CU_ASSERT_EQUAL(get(&iv, "/rate", NULL), 403);
    CU_ASSERT_EQUAL(get(&iv, PAGE, NULL), 403);
    CU_ASSERT_EQUAL(post(&coord, PAGE, "level=2&evidence=stat%3A2.1.1", NULL), 403);
    char *body = NULL;
    CU_ASSERT_EQUAL(get(&rev4, PAGE, &body), 403);
    CU_ASSERT(!strstr(body, "甲市"));
    free(body);
    CU_ASSERT_EQUAL(post(&rev4, PAGE, "level=2&evidence=stat%3A2.1.1", NULL), 403);
    CU_ASSERT_EQUAL(get(&rev4, "/rate", &body), 200);
    LCMT_ASSERT_HAS(body, "暂无评分任务");
    free(body);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM ratings"), 0);
    who rev1 = sign_in("rev1");
    CU_ASSERT_EQUAL(get(&rev1, "/home", &body), 200);
    LCMT_ASSERT_HAS(body, "<a href=\"/rate\">专家评分</a>");
    free(body);
    CU_ASSERT_EQUAL(get(&coord, "/home", &body), 200);
    CU_ASSERT(!strstr(body, "/rate"));
    free(body);
    CU_ASSERT_EQUAL(get(&rev1, "/rate/1101/2024/1.1.2", NULL), 404); /* quantitative */
    CU_ASSERT_EQUAL(get(&rev1, "/rate/9999/2024/2.3.1", NULL), 404);
    CU_ASSERT_EQUAL(get(&rev1, "/rate/1102/2024/2.3.1", NULL), 403); /* nobody assigned */
}

/* rev1 sees the cell with the point's name and the rubric; refusals beside the field store
 * nothing; a rating posted is stored as posted, audited, and its comment shown escaped. */
static void rate_web__reviewer_rates(void) {
    server();
    who w = sign_in("rev1");
    char *body = NULL;
    lcm_db *db = NULL;
    lcm_rubric rub = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path, LCM_OPEN_READONLY, &db, NULL), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_rubric_load_shipped(db, &rub, NULL), LCM_OK);
    char name[400], want[800];
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(lcm_db_sqlite(db), "SELECT name_zh FROM indicators WHERE code = '2.3.1'", -1,
                       &st, NULL);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    lcm_db_close(db);
    /* the list: the city's name (not its code), the point with its name, not rated, 0 of 3 */
    CU_ASSERT_EQUAL(get(&w, "/rate", &body), 200);
    LCMT_ASSERT_HAS(body, "<tr><td>甲市</td><td>2024</td>");
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_serve_html(&sb, name);
    snprintf(want, sizeof want, "<td>2.3.1 %s</td><td class=\"mine\">未评</td>", sb.buf);
    LCMT_ASSERT_HAS(body, want);
    LCMT_ASSERT_HAS(body, "已评 0 / 3 位专家，评审中");
    LCMT_ASSERT_HAS(body, "href=\"" PAGE "\"");
    CU_ASSERT(!strstr(body, ">1101<"));
    free(body);
    /* the cell: the five levels with their descriptors, the evidence to choose */
    CU_ASSERT_EQUAL(get(&w, PAGE, &body), 200);
    for (int l = 1; l <= LCM_RATING_NLEVEL; l++) {
        const lcm_rubric_row *row = lcm_rubric_find(&rub, "2.3.1", l);
        CU_ASSERT_PTR_NOT_NULL_FATAL(row);
        lcm_strbuf_clear(&sb);
        lcm_serve_html(&sb, row->descriptor);
        snprintf(want, sizeof want, "<tr><td>%s</td>", lcm_rating_levels[l - 1].zh);
        LCMT_ASSERT_HAS(body, want);
        LCMT_ASSERT_HAS(body, sb.buf);
        snprintf(want, sizeof want, "name=\"level\" value=\"%d\"", l);
        LCMT_ASSERT_HAS(body, want);
    }
    LCMT_ASSERT_HAS(body, "<option value=\"stat:2.1.1\">统计数据：2.1.1 普通高校");
    /* the bands of engine/rating.h: 优秀 [90, 100], 良好 [80, 90) */
    LCMT_ASSERT_HAS(body, "<tr><td>优秀</td><td>90–100</td>");
    LCMT_ASSERT_HAS(body, "<tr><td>良好</td><td>80–90，不含 90</td>");
    LCMT_ASSERT_HAS(body, "value=\"2\" required> 良好（80–90，不含 90）</label>");
    /* the application field by its label in surveys/application/form.csv */
    LCMT_ASSERT_HAS(
        body, "<option value=\"application:city.name\">申报材料：申报城市名称（与城市代码一致）"
              "</option>");
    free(body);
    lcm_rubric_free(&rub);
    lcm_strbuf_release(&sb);
    /* without the CSRF token: 403, nothing stored */
    lcmt_resp r =
        lcmt_http(server_port, "POST", PAGE, w.cookie, "level=2&score=84&evidence=stat%3A2.1.1");
    CU_ASSERT_EQUAL(r.status, 403);
    lcmt_resp_free(&r);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM ratings"), 0);
    /* 91 is outside 良好's band [80, 90): refused beside the score, nothing stored */
    CU_ASSERT_EQUAL(post(&w, PAGE, "level=2&score=91&evidence=stat%3A2.1.1&comment=x", &body), 400);
    LCMT_ASSERT_HAS(body, "<span class=\"problem\">分数 91 不在“良好”的分数段（80–90，不含 "
                          "90）内</span></p><p id=\"f-evidence\">");
    LCMT_ASSERT_HAS(body, "value=\"2\" checked");
    LCMT_ASSERT_HAS(body, "name=\"score\" inputmode=\"decimal\" size=\"6\" value=\"91\"");
    free(body);
    /* evidence not in the store (no 2.1.2 of 1101 in 2024), no level */
    CU_ASSERT_EQUAL(post(&w, PAGE, "score=84&evidence=stat%3A2.1.2", &body), 400);
    LCMT_ASSERT_HAS(body, "<span class=\"problem\">库中没有该城市（该年度）的这项材料</span>");
    LCMT_ASSERT_HAS(body, "</legend> <span class=\"problem\">请选择等级</span>");
    free(body);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM ratings"), 0);
    /* a comment of 2001 characters is refused, one of 2000 (6000 bytes) would do */
    char big[20000] = "level=2&evidence=stat%3A2.1.1&comment=";
    for (int i = 0; i < 2001; i++)
        strcat(big, "%E5%A5%BD"); /* 好 */
    CU_ASSERT_EQUAL(post(&w, PAGE, big, &body), 400);
    LCMT_ASSERT_HAS(body, "<span class=\"problem\">意见不能超过 2000 字</span>");
    free(body);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM ratings"), 0);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE action = 'rating.record'"), 0);
    /* the rating: 良好 84 on stat:2.1.1, the comment "<b>x</b>好" */
    CU_ASSERT_EQUAL(
        post(&w, PAGE, "level=2&score=84&evidence=stat%3A2.1.1&comment=%3Cb%3Ex%3C%2Fb%3E%E5%A5%BD",
             NULL),
        303);
    lcm_rating_view v = view_of("rev1");
    CU_ASSERT_EQUAL_FATAL(v.n, 1);
    CU_ASSERT_STRING_EQUAL(v.row[0].reviewer, "rev1");
    CU_ASSERT_EQUAL(v.row[0].level, 2);
    CU_ASSERT_DOUBLE_EQUAL(v.row[0].score, 84, 0);
    CU_ASSERT_STRING_EQUAL(v.row[0].evidence, "stat:2.1.1");
    CU_ASSERT_STRING_EQUAL(v.row[0].comment, "<b>x</b>好");
    CU_ASSERT_EQUAL(v.rated, 1);
    CU_ASSERT_FALSE(v.complete);
    lcm_rating_view_free(&v);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE who = 'rev1' AND action ="
                          " 'rating.record' AND object = '1101/2024/2.3.1'"),
                    1);
    CU_ASSERT_EQUAL(get(&w, PAGE, &body), 200);
    LCMT_ASSERT_HAS(body, "<td>&lt;b&gt;x&lt;/b&gt;好</td>");
    CU_ASSERT(!strstr(body, "<b>x"));
    LCMT_ASSERT_HAS(body, "<td class=\"num\">84</td><td>统计数据：2.1.1 普通高校");
    free(body);
    CU_ASSERT_EQUAL(get(&w, "/rate", &body), 200);
    LCMT_ASSERT_HAS(body, "<td class=\"mine\">良好 84</td>");
    LCMT_ASSERT_HAS(body, "已评 1 / 3 位专家，评审中");
    free(body);
    /* a level alone: its default score 75 (合格), replacing the first */
    CU_ASSERT_EQUAL(post(&w, PAGE, "level=3&score=&evidence=stat%3A2.1.1", NULL), 303);
    v = view_of("rev1");
    CU_ASSERT_EQUAL_FATAL(v.n, 1);
    CU_ASSERT_EQUAL(v.row[0].level, 3);
    CU_ASSERT_DOUBLE_EQUAL(v.row[0].score, 75, 0);
    CU_ASSERT_PTR_NULL(v.row[0].comment);
    lcm_rating_view_free(&v);
    /* 2000 characters of comment (6000 bytes) are taken: the limit counts characters */
    char form[20000] = "level=3&evidence=stat%3A2.1.1&comment=";
    for (int i = 0; i < 2000; i++)
        strcat(form, "%E5%A5%BD"); /* 好 */
    CU_ASSERT_EQUAL(post(&w, PAGE, form, NULL), 303);
    v = view_of("rev1");
    CU_ASSERT_EQUAL_FATAL(v.n, 1);
    CU_ASSERT_EQUAL(v.row[0].comment ? strlen(v.row[0].comment) : 0, 6000);
    lcm_rating_view_free(&v);
    /* in English on request, back to Chinese */
    CU_ASSERT_EQUAL(get(&w, PAGE "?lang=en", &body), 200);
    LCMT_ASSERT_HAS(body, "<tr><td>good</td><td>80–90, excluding 90</td>");
    free(body);
    CU_ASSERT_EQUAL(post(&w, PAGE, "level=2&score=91&evidence=stat%3A2.1.1", &body), 400);
    LCMT_ASSERT_HAS(body, "score 91 is outside the band of good (80-90, upper end excluded)");
    free(body);
    CU_ASSERT_EQUAL(get(&w, PAGE "?lang=zh", NULL), 200);
    v = view_of("rev1");
    CU_ASSERT_EQUAL(v.n == 1 ? v.row[0].level : 0, 3); /* the refusal changed nothing */
    lcm_rating_view_free(&v);
}

/* rev2's rating is not on rev1's page (nor the administrator's) until rev3 has rated; then
 * every rating is on it. The administrator reads and cannot post. */
static void rate_web__blind_until_complete(void) {
    server();
    who r1 = sign_in("rev1"), r2 = sign_in("rev2"), r3 = sign_in("rev3"), adm = sign_in("ministry");
    if (count("SELECT count(*) FROM ratings WHERE reviewer = 'rev1'") == 0)
        CU_ASSERT_EQUAL(post(&r1, PAGE, "level=3&evidence=stat%3A2.1.1", NULL), 303);
    /* "乙的意见" */
    CU_ASSERT_EQUAL(
        post(&r2, PAGE,
             "level=4&score=62.5&evidence=stat%3A2.1.1&comment=%E4%B9%99%E7%9A%84%E6%84%"
             "8F%E8%A7%81",
             NULL),
        303);
    char *body = NULL;
    CU_ASSERT_EQUAL(get(&r1, PAGE, &body), 200);
    CU_ASSERT(!strstr(body, "乙的意见"));
    CU_ASSERT(!strstr(body, "rev2"));
    CU_ASSERT(!strstr(body, "62.5"));
    LCMT_ASSERT_HAS(body, "已评 2 / 3 位专家");
    free(body);
    CU_ASSERT_EQUAL(get(&adm, PAGE, &body), 200);
    CU_ASSERT(!strstr(body, "乙的意见"));
    CU_ASSERT(!strstr(body, "name=\"level\""));
    free(body);
    CU_ASSERT_EQUAL(get(&adm, "/rate", &body), 200);
    LCMT_ASSERT_HAS(body, "已评 2 / 3 位专家，评审中");
    free(body);
    CU_ASSERT_EQUAL(post(&adm, PAGE, "level=1&evidence=stat%3A2.1.1", NULL), 403);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM ratings WHERE reviewer = 'ministry'"), 0);
    CU_ASSERT_EQUAL(post(&r3, PAGE, "level=3&score=70&evidence=stat%3A2.1.1", NULL), 303);
    lcm_rating_view v = view_of("rev1");
    CU_ASSERT_TRUE(v.complete);
    CU_ASSERT_EQUAL(v.n, 3);
    lcm_rating_view_free(&v);
    CU_ASSERT_EQUAL(get(&r1, PAGE, &body), 200);
    LCMT_ASSERT_HAS(body, "评分已完成");
    LCMT_ASSERT_HAS(body, "<tr class=\"rating\"><td>rev2</td><td>基本合格</td><td "
                          "class=\"num\">62.5</td>");
    LCMT_ASSERT_HAS(body, "<td>乙的意见</td>");
    LCMT_ASSERT_HAS(body, "<tr class=\"rating\"><td>rev3</td><td>合格</td><td "
                          "class=\"num\">70</td>");
    free(body);
    /* the administrator still sees counts only (lcm_rating_view_as without a reviewer) */
    CU_ASSERT_EQUAL(get(&adm, PAGE, &body), 200);
    CU_ASSERT(!strstr(body, "乙的意见"));
    LCMT_ASSERT_HAS(body, "已评 3 / 3 位专家，评分已完成");
    free(body);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE action = 'rating.record' AND who IN"
                          " ('rev2', 'rev3', 'ministry')"),
                    2);
}

const lcmt_case lcmt_rate_web_cases[] = {
    {"who_may_open", rate_web__who_may_open},
    {"reviewer_rates", rate_web__reviewer_rates},
    {"blind_until_complete", rate_web__blind_until_complete},
    {NULL, NULL},
};
