/*
 * test_approval_web.c - /data of `lcmon serve` (engine/serve_approval.c, docs/approval.md)
 * per role, over real HTTP: a city coordinator submits its own city and gets 403 on another's,
 * a province officer returns (a comment required, escaped on the page) and accepts its own
 * province's cities only, the ministry accepts and reopens, an analyst reads and acts on
 * nothing, a reviewer sees nothing; every post needs the session's CSRF token; every change
 * is in the history and the audit trail, every refusal changes nothing.
 */
#include "approval.h"
#include "auth.h"
#include "lcmon.h"
#include "lcmt_http.h"
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a server and a client (tests/lcmt_http.h) ---------------------------------------- */

static pid_t server_pid;
static int server_port;

static void server_stop(void) {
    if (server_pid > 0)
        lcmt_serve_stop(server_pid);
    server_pid = 0;
}

typedef lcmt_resp resp;
#define resp_free lcmt_resp_free

static resp request(const char *method, const char *path, const char *cookie, const char *body) {
    return lcmt_http(server_port, method, path, cookie, body);
}

/* A signed-in user's session cookie and CSRF token. */
typedef struct who {
    char cookie[40], csrf[40];
} who;

static who sign_in(const char *login) {
    who w = {{0}, {0}};
    CU_ASSERT_EQUAL(lcmt_sign_in(server_port, login, "web-pass-123", w.cookie, w.csrf), 303);
    CU_ASSERT_EQUAL(strlen(w.csrf), 32);
    return w;
}

static int post_status(const who *w, const char *path, const char *form, char **body) {
    char b[2048];
    snprintf(b, sizeof b, "_csrf=%s&%s", w->csrf, form);
    resp r = request("POST", path, w->cookie, b);
    int st = r.status;
    if (body)
        *body = strdup(r.body);
    resp_free(&r);
    return st;
}

static int get_status(const who *w, const char *path, char **body) {
    resp r = request("GET", path, w ? w->cookie : NULL, NULL);
    int st = r.status;
    if (body)
        *body = strdup(r.body);
    resp_free(&r);
    return st;
}

/* ---- the database ---------------------------------------------------------------------- */

static char db_path[4096];

static void sql(lcm_db *db, const char *s) {
    char *msg = NULL;
    int rc = sqlite3_exec(lcm_db_sqlite(db), s, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "sql: %s\n", msg);
    sqlite3_free(msg);
    CU_ASSERT_EQUAL_FATAL(rc, SQLITE_OK);
}

/* Two provinces (11: 1101 A, 1102 B; 51: 5101 C), 2024 statistics of each city, 常住人口, and
 * one account per role: coordinator of 1101, officers of 11 and 51, ministry administrator,
 * analyst, reviewer (password web-pass-123). */
static void make_db(void) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    snprintf(db_path, sizeof db_path, "%s", lcmt_tmp("approval_web.db"));
    remove(db_path);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path, LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_framework_load(db, lcm_datadir(), &err), LCM_OK);
    sql(db, "INSERT INTO provinces(code, name, region3, region4) VALUES "
            "('11','P11','east','east'),('51','P51','west','west');"
            "INSERT INTO cities(code, name, province_code, tier) VALUES "
            "('1101','甲市','11','prefecture'),('1102','乙市','11','prefecture'),"
            "('5101','丙市','51','provincial_capital');"
            "INSERT INTO indicator_values(city_code, year, indicator_code, value, source)"
            " SELECT code, 2024, '2.1.2', 40 + rowid, '统计年鉴' FROM cities;"
            "INSERT INTO city_stats(city_code, year, stat, value, source)"
            " SELECT code, 2024, 'population', 321.5, '统计年鉴' FROM cities;");
    static const struct {
        const char *login;
        lcm_role role;
        const char *place;
    } users[] = {{"coord", LCM_ROLE_CITY, "1101"},    {"prov11", LCM_ROLE_PROVINCE, "11"},
                 {"prov51", LCM_ROLE_PROVINCE, "51"}, {"ministry", LCM_ROLE_ADMIN, ""},
                 {"analyst", LCM_ROLE_ANALYST, ""},   {"reviewer", LCM_ROLE_REVIEWER, ""}};
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
        CU_ASSERT_EQUAL_FATAL(lcm_user_add(db, users[i].login, users[i].login, users[i].role,
                                           users[i].place, "web-pass-123", NULL, NULL, &err),
                              LCM_OK);
    lcm_db_close(db);
}

static int server(void) {
    if (server_pid > 0)
        return server_port;
    make_db();
    server_pid = lcmt_serve_start(db_path, &server_port);
    atexit(server_stop);
    CU_ASSERT_FATAL(server_port > 0);
    return server_port;
}

/* What the store says (a fresh connection: the server's writes are committed). */
static long count(const char *q) {
    return lcmt_count_at(db_path, q);
}

static lcm_approval_state state_of(const char *city) {
    lcm_db *db = NULL;
    lcm_approval ap = {0};
    if (lcm_db_open(db_path, LCM_OPEN_READONLY, &db, NULL) == LCM_OK)
        lcm_approval_get(db, city, 2024, &ap, NULL);
    lcm_db_close(db);
    return ap.state;
}

/* ---- the walk -------------------------------------------------------------------------- */

/* Not signed in: to the sign-in page; a reviewer: 403; the home page links /data for the four
 * roles that use it. */
static void approval_web__who_may_open_data(void) {
    server();
    resp r = request("GET", "/data", NULL, NULL);
    CU_ASSERT_EQUAL(r.status, 303);
    LCMT_ASSERT_HAS(r.head, "/login?next=");
    resp_free(&r);
    who rev = sign_in("reviewer");
    CU_ASSERT_EQUAL(get_status(&rev, "/data", NULL), 403);
    CU_ASSERT_EQUAL(get_status(&rev, "/data/1101/2024", NULL), 403);
    char *body = NULL;
    who coord = sign_in("coord");
    CU_ASSERT_EQUAL(get_status(&coord, "/home", &body), 200);
    LCMT_ASSERT_HAS(body, "<a href=\"/data\">城市数据审核</a>");
    free(body);
    CU_ASSERT_EQUAL(get_status(&rev, "/home", &body), 200);
    CU_ASSERT(!strstr(body, "/data"));
    free(body);
    /* not a city-year: the 404 */
    CU_ASSERT_EQUAL(get_status(&coord, "/data/11/2024", NULL), 404);
    CU_ASSERT_EQUAL(get_status(&coord, "/data/1101/24", NULL), 404);
}

/* The coordinator of 1101 sees its own city only, gets 403 on 1102's page and post (nothing
 * changes), submits its own city, cannot submit twice or accept. */
static void approval_web__city_coordinator(void) {
    server();
    who w = sign_in("coord");
    char *body = NULL;
    CU_ASSERT_EQUAL(get_status(&w, "/data", &body), 200);
    LCMT_ASSERT_HAS(body, "甲市（1101）");
    LCMT_ASSERT_HAS(body, "<td>填报中</td>");
    CU_ASSERT(!strstr(body, "乙市") && !strstr(body, "丙市"));
    free(body);
    CU_ASSERT_EQUAL(get_status(&w, "/data/1102/2024", &body), 403);
    CU_ASSERT(!strstr(body, "乙市"));
    free(body);
    CU_ASSERT_EQUAL(post_status(&w, "/data/1102/2024", "action=submit&comment=x", NULL), 403);
    CU_ASSERT_EQUAL(state_of("1102"), LCM_APPROVAL_OPEN);
    /* its own page: the inputs (2.1.2 = 40 + rowid 1, 常住人口 321.5) and only the submit form */
    CU_ASSERT_EQUAL(get_status(&w, "/data/1101/2024", &body), 200);
    LCMT_ASSERT_HAS(body, "<td>2.1.2</td>");
    LCMT_ASSERT_HAS(body, "<td class=\"num\">41</td>");
    LCMT_ASSERT_HAS(body, "常住人口（万人）：321.5");
    LCMT_ASSERT_HAS(body, "name=\"action\" value=\"submit\"");
    CU_ASSERT(!strstr(body, "value=\"accept\"") && !strstr(body, "value=\"return\""));
    free(body);
    /* without the CSRF token: 403, nothing written */
    resp r = request("POST", "/data/1101/2024", w.cookie, "action=submit");
    CU_ASSERT_EQUAL(r.status, 403);
    resp_free(&r);
    CU_ASSERT_EQUAL(state_of("1101"), LCM_APPROVAL_OPEN);
    CU_ASSERT_EQUAL(
        post_status(&w, "/data/1101/2024", "action=submit&comment=%E5%B7%B2%E6%A0%B8", NULL), 303);
    CU_ASSERT_EQUAL(state_of("1101"), LCM_APPROVAL_SUBMITTED);
    CU_ASSERT_EQUAL(post_status(&w, "/data/1101/2024", "action=submit", &body), 409);
    LCMT_ASSERT_HAS(body, "当前状态（已上报）不允许此操作。");
    free(body);
    CU_ASSERT_EQUAL(post_status(&w, "/data/1101/2024", "action=accept", NULL), 409);
    CU_ASSERT_EQUAL(state_of("1101"), LCM_APPROVAL_SUBMITTED);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE who = 'coord' AND action ="
                          " 'approval.submit' AND object = '1101/2024'"),
                    1);
}

/* The officer of 51 cannot touch 1101; the officer of 11 sees 11's cities, must give a reason
 * to return (shown escaped), accepts once the city submits again. */
static void approval_web__province_officer(void) {
    server();
    who p51 = sign_in("prov51");
    CU_ASSERT_EQUAL(get_status(&p51, "/data/1101/2024", NULL), 403);
    CU_ASSERT_EQUAL(post_status(&p51, "/data/1101/2024", "action=accept", NULL), 403);
    CU_ASSERT_EQUAL(state_of("1101"), LCM_APPROVAL_SUBMITTED);
    who p = sign_in("prov11");
    char *body = NULL;
    CU_ASSERT_EQUAL(get_status(&p, "/data", &body), 200);
    LCMT_ASSERT_HAS(body, "甲市（1101）");
    LCMT_ASSERT_HAS(body, "乙市（1102）");
    CU_ASSERT(!strstr(body, "丙市"));
    LCMT_ASSERT_HAS(body, "<td>已上报</td>");
    free(body);
    CU_ASSERT_EQUAL(get_status(&p, "/data/1101/2024", &body), 200);
    LCMT_ASSERT_HAS(body, "value=\"accept\"");
    LCMT_ASSERT_HAS(body, "value=\"return\"");
    CU_ASSERT(!strstr(body, "value=\"submit\""));
    free(body);
    CU_ASSERT_EQUAL(post_status(&p, "/data/1101/2024", "action=return&comment=+", &body), 400);
    LCMT_ASSERT_HAS(body, "退回时请填写意见");
    free(body);
    CU_ASSERT_EQUAL(state_of("1101"), LCM_APPROVAL_SUBMITTED);
    /* the comment "<script>x</script>人口有误" comes back escaped */
    CU_ASSERT_EQUAL(post_status(&p, "/data/1101/2024",
                                "action=return&comment=%3Cscript%3Ex%3C%2Fscript%3E"
                                "%E4%BA%BA%E5%8F%A3%E6%9C%89%E8%AF%AF",
                                NULL),
                    303);
    CU_ASSERT_EQUAL(state_of("1101"), LCM_APPROVAL_RETURNED);
    who c = sign_in("coord");
    CU_ASSERT_EQUAL(get_status(&c, "/data/1101/2024", &body), 200);
    LCMT_ASSERT_HAS(body, "退回意见：&lt;script&gt;x&lt;/script&gt;人口有误");
    CU_ASSERT(!strstr(body, "<script>x"));
    free(body);
    CU_ASSERT_EQUAL(post_status(&c, "/data/1101/2024", "action=submit", NULL), 303);
    CU_ASSERT_EQUAL(post_status(&p, "/data/1101/2024", "action=accept", NULL), 303);
    CU_ASSERT_EQUAL(state_of("1101"), LCM_APPROVAL_PROVINCE_ACCEPTED);
}

/* The analyst reads every city and acts on none; the ministry accepts what the province
 * accepted and reopens it; the history names every actor. */
static void approval_web__ministry(void) {
    server();
    who a = sign_in("analyst");
    char *body = NULL;
    CU_ASSERT_EQUAL(get_status(&a, "/data", &body), 200);
    LCMT_ASSERT_HAS(body, "丙市（5101）");
    LCMT_ASSERT_HAS(body, "<td>省级已审核</td>");
    free(body);
    CU_ASSERT_EQUAL(get_status(&a, "/data/1101/2024", &body), 200);
    CU_ASSERT(!strstr(body, "name=\"action\""));
    free(body);
    CU_ASSERT_EQUAL(post_status(&a, "/data/1101/2024", "action=accept", NULL), 403);
    CU_ASSERT_EQUAL(state_of("1101"), LCM_APPROVAL_PROVINCE_ACCEPTED);
    who m = sign_in("ministry");
    CU_ASSERT_EQUAL(post_status(&m, "/data/1101/2024", "action=accept", NULL), 303);
    CU_ASSERT_EQUAL(state_of("1101"), LCM_APPROVAL_ACCEPTED);
    CU_ASSERT_EQUAL(get_status(&m, "/data/1101/2024", &body), 200);
    LCMT_ASSERT_HAS(body, "部级已确认");
    LCMT_ASSERT_HAS(body, "数据已锁定，不能修改");
    LCMT_ASSERT_HAS(body, "value=\"reopen\"");
    free(body);
    CU_ASSERT_EQUAL(
        post_status(&m, "/data/1101/2024", "action=reopen&comment=%E6%9B%B4%E6%AD%A3", NULL), 303);
    CU_ASSERT_EQUAL(state_of("1101"), LCM_APPROVAL_OPEN);
    /* submit, return, submit, accept, accept, reopen: six actions by three accounts */
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM data_approval_history WHERE city_code = '1101'"),
                    6);
    CU_ASSERT_EQUAL(count("SELECT count(DISTINCT who) FROM data_approval_history"), 3);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE action GLOB 'approval.*'"), 6);
    /* nothing else moved */
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM data_approvals WHERE city_code <> '1101'"), 0);
    /* English labels on request */
    CU_ASSERT_EQUAL(get_status(&m, "/data?lang=en", &body), 200);
    LCMT_ASSERT_HAS(body, "<td>open</td>");
    free(body);
}

/* After the walk: the list's last change and every line of the history are the stored UTC
 * times in Beijing time, the header says 北京时间 once, no stored UTC text is shown; a time
 * across the year end rolls (2026-12-31T16:30:00Z is 2027-01-01 00:30), the leap day too
 * (2028-02-28T20:00:00Z is 2028-02-29 04:00). */
static void approval_web__times_in_beijing(void) {
    server();
    who m = sign_in("ministry");
    lcm_db *db = NULL;
    lcm_approval ap = {0};
    lcm_approval_event *ev = NULL;
    size_t nev = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path, LCM_OPEN_READONLY, &db, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_approval_get(db, "1101", 2024, &ap, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_approval_history(db, "1101", 2024, &ev, &nev, NULL), LCM_OK);
    lcm_db_close(db);
    CU_ASSERT_EQUAL(nev, 6);
    char bj[20], want[400];
    char *body = NULL;
    CU_ASSERT_EQUAL(get_status(&m, "/data", &body), 200);
    LCMT_ASSERT_HAS(body, "<th>最近操作（北京时间）</th>");
    lcmt_shown_time(ap.updated_at, bj);
    snprintf(want, sizeof want, "<td>%s %s</td>", bj, ap.updated_by);
    LCMT_ASSERT_HAS(body, want);
    CU_ASSERT_FALSE(lcmt_has_utc_iso(body));
    free(body);
    CU_ASSERT_EQUAL(get_status(&m, "/data/1101/2024", &body), 200);
    LCMT_ASSERT_HAS(body, "<th>时间（北京时间）</th>");
    for (size_t i = 0; i < nev; i++) {
        lcmt_shown_time(ev[i].at, bj);
        snprintf(want, sizeof want, "<tr><td>%s</td><td>%s</td>", bj, ev[i].who);
        LCMT_ASSERT_HAS(body, want);
    }
    CU_ASSERT_FALSE(lcmt_has_utc_iso(body));
    free(body);
    free(ev);
    /* fixed times (a history line added: the history is append-only) */
    db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path, 0, &db, NULL), LCM_OK);
    sql(db, "UPDATE data_approvals SET updated_at = '2026-12-31T16:30:00Z' WHERE city_code ="
            " '1101' AND year = 2024;"
            "INSERT INTO data_approval_history(city_code, year, action, level, from_state,"
            " to_state, who, at) VALUES ('1101', 2024, 'reopen', 'ministry', 'accepted', 'open',"
            " 'leap', '2028-02-28T20:00:00Z')");
    lcm_db_close(db);
    CU_ASSERT_EQUAL(get_status(&m, "/data", &body), 200);
    snprintf(want, sizeof want, "<td>2027-01-01 00:30 %s</td>", ap.updated_by);
    LCMT_ASSERT_HAS(body, want);
    free(body);
    CU_ASSERT_EQUAL(get_status(&m, "/data/1101/2024", &body), 200);
    LCMT_ASSERT_HAS(body, "<tr><td>2028-02-29 04:00</td><td>leap</td>");
    free(body);
    /* English says it in English */
    CU_ASSERT_EQUAL(get_status(&m, "/data?lang=en", &body), 200);
    LCMT_ASSERT_HAS(body, "<th>Last change (Beijing time)</th>");
    LCMT_ASSERT_HAS(body, want);
    free(body);
    CU_ASSERT_EQUAL(get_status(&m, "/data/1101/2024", &body), 200);
    LCMT_ASSERT_HAS(body, "<th>When (Beijing time)</th>");
    free(body);
}

const lcmt_case lcmt_approval_web_cases[] = {
    {"who_may_open_data", approval_web__who_may_open_data},
    {"city_coordinator", approval_web__city_coordinator},
    {"province_officer", approval_web__province_officer},
    {"ministry", approval_web__ministry},
    {"times_in_beijing", approval_web__times_in_beijing},
    {NULL, NULL},
};
