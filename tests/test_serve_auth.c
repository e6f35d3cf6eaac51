/*
 * test_serve_auth.c - accounts on the web (engine/serve_auth.c, serve_users.c) through a
 * real `lcmon serve` over loopback (tests/lcmt_http.h): the attacks of docs/security.md
 * (session fixation, CSRF, IDOR across cities, brute force, open redirect, HTML injection)
 * and the pages: /login, /logout, /home, /city/<code>, /admin/users.
 *
 * One server for the suite on a database with one account per role; every test signs in
 * afresh. Failed sign-ins from 127.0.0.1 stay under the per-address lock
 * (LCM_LOGIN_IP_FAILURES) over the whole suite.
 */
#include "lcmt_http.h"
#include "testing.h"

#include "auth.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pid_t pid;
static int port;

static const char *db_path(void) {
    return lcmt_tmp("serve_auth.db");
}

static void stop(void) {
    if (pid > 0)
        lcmt_serve_stop(pid);
    pid = 0;
}

/* The accounts of the suite: login = role's place, password "pw-<login>-secret". */
static const struct {
    const char *login, *role, *place;
} accounts[] = {
    {"boss", "admin", ""},         {"analyst", "analyst", ""}, {"gd", "province", "44"},
    {"zj", "province", "33"},      {"st", "city", "4405"},     {"gz", "city", "4401"},
    {"iv", "interviewer", "4405"}, {"rev", "reviewer", ""},    {"locked", "city", "4405"},
};

static const char *pw(const char *login) {
    static char buf[80];
    snprintf(buf, sizeof buf, "pw-%s-secret", login);
    return buf;
}

static int server(void) {
    if (pid > 0)
        return port;
    const char *db = db_path();
    const char *init[] = {"init", db, NULL};
    remove(db);
    CU_ASSERT_EQUAL_FATAL(lcmt_run(init, NULL, NULL, NULL), 0);
    for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++)
        CU_ASSERT_EQUAL_FATAL(lcmt_add_user(db, accounts[i].login, accounts[i].role,
                                            accounts[i].place, pw(accounts[i].login)),
                              0);
    pid = lcmt_serve_start(db, &port);
    atexit(stop);
    CU_ASSERT_FATAL(pid > 0 && port > 0);
    return port;
}

static void sign_in(const char *login, char cookie[40], char csrf[40]) {
    CU_ASSERT_EQUAL_FATAL(lcmt_sign_in(server(), login, pw(login), cookie, csrf), 303);
    CU_ASSERT_EQUAL(strlen(cookie), 32);
    CU_ASSERT_EQUAL(strlen(csrf), 32);
}

static int status_of(const char *method, const char *path, const char *cookie, const char *form) {
    lcmt_resp r = lcmt_http(server(), method, path, cookie, form);
    int st = r.status;
    lcmt_resp_free(&r);
    return st;
}

static long count(const char *sql) {
    lcm_db *db = NULL;
    if (lcm_db_open(db_path(), LCM_OPEN_READONLY, &db, NULL) != LCM_OK)
        return -1;
    long n = lcmt_count(db, sql);
    lcm_db_close(db);
    return n;
}

static void exec_sql(const char *sql) {
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path(), 0, &db, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_exec(db, sql, NULL), LCM_OK);
    lcm_db_close(db);
}

static void serve_auth__signed_out_pages_redirect_to_login(void) {
    static const char *const paths[] = {"/home", "/admin/users", "/city/4405"};
    for (size_t i = 0; i < 3; i++) {
        lcmt_resp r = lcmt_http(server(), "GET", paths[i], NULL, NULL);
        CU_ASSERT_EQUAL(r.status, 303);
        char loc[256], want[256];
        snprintf(want, sizeof want, "http://127.0.0.1:%d/login?next=%s", port, paths[i]);
        CU_ASSERT_STRING_EQUAL(lcmt_header(&r, "Location", loc, sizeof loc), want);
        lcmt_resp_free(&r);
    }
    /* the login page: Chinese, with the English switch and the older interviewer way */
    lcmt_resp r = lcmt_http(server(), "GET", "/login?next=/city/4405", NULL, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "<html lang=\"zh-CN\">");
    LCMT_ASSERT_HAS(r.body, "工作人员登录");
    LCMT_ASSERT_HAS(r.body, "name=\"next\" value=\"/city/4405\"");
    LCMT_ASSERT_HAS(r.body, "href=\"/login?lang=en&amp;next=/city/4405\"");
    LCMT_ASSERT_HAS(r.body, "<a href=\"/i\">");
    char cookie[40];
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    lcmt_resp_free(&r);
    r = lcmt_http(server(), "GET", "/login?lang=en", cookie, NULL);
    LCMT_ASSERT_HAS(r.body, "Staff sign-in");
    CU_ASSERT(strstr(r.body, "工作人员登录") == NULL);
    lcmt_resp_free(&r);
}

static void serve_auth__wrong_role_gets_403(void) {
    char cookie[40], csrf[40];
    sign_in("st", cookie, csrf);
    CU_ASSERT_EQUAL(status_of("GET", "/admin/users", cookie, NULL), 403);
    sign_in("analyst", cookie, csrf);
    CU_ASSERT_EQUAL(status_of("GET", "/admin/users", cookie, NULL), 403);
    sign_in("rev", cookie, csrf);
    CU_ASSERT_EQUAL(status_of("GET", "/city/4405", cookie, NULL), 403);
    CU_ASSERT_EQUAL(status_of("GET", "/home", cookie, NULL), 200);
    sign_in("boss", cookie, csrf);
    CU_ASSERT_EQUAL(status_of("GET", "/admin/users", cookie, NULL), 200);
}

static void serve_auth__city_coordinator_gets_403_on_another_city(void) {
    /* who opens which city's page: 4405 汕头 and 4401 广州 are in 44 广东, 3301 杭州 in 33
     * (surveys/reference/cities.csv) */
    static const struct {
        const char *login, *city;
        int status;
    } cases[] = {
        {"st", "4405", 200},      {"st", "4401", 403},   {"st", "3301", 403},
        {"gz", "4405", 403},      {"gz", "4401", 200},   {"iv", "4405", 200},
        {"iv", "4401", 403},      {"gd", "4405", 200},   {"gd", "4401", 200},
        {"gd", "3301", 403},      {"zj", "4405", 403},   {"zj", "3301", 200},
        {"analyst", "3301", 200}, {"boss", "1200", 200}, {"rev", "4405", 403},
        {"boss", "9999", 404},    {"st", "9999", 403},
    };
    char cookie[40] = "", csrf[40], who[32] = "";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(who, cases[i].login) != 0) {
            sign_in(cases[i].login, cookie, csrf);
            snprintf(who, sizeof who, "%s", cases[i].login);
        }
        char path[32];
        snprintf(path, sizeof path, "/city/%s", cases[i].city);
        lcmt_resp r = lcmt_http(server(), "GET", path, cookie, NULL);
        if (r.status != cases[i].status)
            fprintf(stderr, "\n  %s %s: %d\n", cases[i].login, path, r.status);
        CU_ASSERT_EQUAL(r.status, cases[i].status);
        if (r.status == 403)
            CU_ASSERT(strstr(r.body, "汕头") == NULL && strstr(r.body, "广州") == NULL);
        if (r.status == 200 && strcmp(cases[i].city, "4405") == 0)
            LCMT_ASSERT_HAS(r.body, "<h1>汕头市</h1>");
        lcmt_resp_free(&r);
    }
    /* a province officer's home lists its province's cities, and only those */
    sign_in("gd", cookie, csrf);
    lcmt_resp r = lcmt_http(server(), "GET", "/home", cookie, NULL);
    LCMT_ASSERT_HAS(r.body, "href=\"/city/4405\"");
    LCMT_ASSERT_HAS(r.body, "href=\"/city/4401\"");
    CU_ASSERT(strstr(r.body, "/city/3301") == NULL);
    CU_ASSERT(strstr(r.body, "/admin/users") == NULL);
    lcmt_resp_free(&r);
}

static void serve_auth__session_id_changes_at_sign_in(void) {
    lcmt_resp r = lcmt_http(server(), "GET", "/login", NULL, NULL);
    char before[40], token[40];
    snprintf(before, sizeof before, "%s", r.cookie);
    lcmt_csrf_of(r.body, token);
    lcmt_resp_free(&r);
    CU_ASSERT_EQUAL_FATAL(strlen(before), 32);
    char form[200];
    snprintf(form, sizeof form, "_csrf=%s&login=st&password=%s&next=/home", token, pw("st"));
    r = lcmt_http(server(), "POST", "/login", before, form);
    CU_ASSERT_EQUAL(r.status, 303);
    CU_ASSERT_EQUAL(strlen(r.cookie), 32);
    CU_ASSERT_STRING_NOT_EQUAL(r.cookie, before);
    char after[40];
    snprintf(after, sizeof after, "%s", r.cookie);
    lcmt_resp_free(&r);
    /* the id planted before sign-in is not signed in; the new one is */
    CU_ASSERT_EQUAL(status_of("GET", "/home", before, NULL), 303);
    CU_ASSERT_EQUAL(status_of("GET", "/home", after, NULL), 200);
    char q[200];
    snprintf(q, sizeof q, "SELECT user_id FROM serve_sessions WHERE id = '%s'", before);
    CU_ASSERT_EQUAL(count(q), 0);
    /* signing in again from a signed-in session signs the old one out */
    r = lcmt_http(server(), "GET", "/home", after, NULL);
    lcmt_csrf_of(r.body, token);
    lcmt_resp_free(&r);
    snprintf(form, sizeof form, "_csrf=%s&login=gz&password=%s", token, pw("gz"));
    r = lcmt_http(server(), "POST", "/login", after, form);
    CU_ASSERT_EQUAL(r.status, 303);
    CU_ASSERT_STRING_NOT_EQUAL(r.cookie, after);
    lcmt_resp_free(&r);
    CU_ASSERT_EQUAL(status_of("GET", "/home", after, NULL), 303);
}

static void iso_ago(long seconds, char out[32]) {
    time_t t = time(NULL) - seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void serve_auth__expired_sessions_are_refused(void) {
    char cookie[40], csrf[40], sql[300], at[32], made[32];
    /* idle 29 minutes: still signed in; 31 minutes: signed out */
    sign_in("st", cookie, csrf);
    iso_ago(29 * 60, at);
    snprintf(sql, sizeof sql, "UPDATE serve_sessions SET seen_at = '%s' WHERE id = '%s'", at,
             cookie);
    exec_sql(sql);
    CU_ASSERT_EQUAL(status_of("GET", "/city/4405", cookie, NULL), 200);
    iso_ago(31 * 60, at);
    snprintf(sql, sizeof sql, "UPDATE serve_sessions SET seen_at = '%s' WHERE id = '%s'", at,
             cookie);
    exec_sql(sql);
    CU_ASSERT_EQUAL(status_of("GET", "/city/4405", cookie, NULL), 303);
    /* and it stays signed out when used again at once */
    CU_ASSERT_EQUAL(status_of("GET", "/city/4405", cookie, NULL), 303);
    /* signed in 12 hours and 1 minute ago, used a minute ago: signed out */
    sign_in("st", cookie, csrf);
    iso_ago(12 * 3600 + 60, made);
    iso_ago(60, at);
    snprintf(sql, sizeof sql,
             "UPDATE serve_sessions SET created_at = '%s', seen_at = '%s' WHERE id = '%s'", made,
             at, cookie);
    exec_sql(sql);
    CU_ASSERT_EQUAL(status_of("GET", "/home", cookie, NULL), 303);
    /* an account disabled meanwhile is signed out at its next request */
    sign_in("gz", cookie, csrf);
    exec_sql("UPDATE users SET disabled = 1 WHERE login = 'gz'");
    CU_ASSERT_EQUAL(status_of("GET", "/home", cookie, NULL), 303);
    exec_sql("UPDATE users SET disabled = 0 WHERE login = 'gz'");
}

static void serve_auth__posts_without_csrf_get_403(void) {
    char cookie[40], csrf[40], form[300];
    lcmt_resp r = lcmt_http(server(), "GET", "/login", NULL, NULL);
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    lcmt_resp_free(&r);
    snprintf(form, sizeof form, "login=st&password=%s", pw("st"));
    CU_ASSERT_EQUAL(status_of("POST", "/login", cookie, form), 403);
    snprintf(form, sizeof form, "_csrf=%s&login=st&password=%s", "0123456789abcdef0123456789abcdef",
             pw("st"));
    CU_ASSERT_EQUAL(status_of("POST", "/login", cookie, form), 403);
    sign_in("boss", cookie, csrf);
    long users = count("SELECT count(*) FROM users");
    CU_ASSERT_EQUAL(status_of("POST", "/admin/users", cookie,
                              "action=add&login=sneaky&name=x&role=admin&password=long-enough"),
                    403);
    CU_ASSERT_EQUAL(status_of("POST", "/admin/users", cookie, "action=disable&login=st"), 403);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM users"), users);
    CU_ASSERT_EQUAL(count("SELECT disabled FROM users WHERE login = 'st'"), 0);
    /* another session's token is no good either */
    char other[40], other_csrf[40];
    sign_in("boss", other, other_csrf);
    snprintf(form, sizeof form, "_csrf=%s&action=disable&login=st", other_csrf);
    CU_ASSERT_EQUAL(status_of("POST", "/admin/users", cookie, form), 403);
    CU_ASSERT_EQUAL(status_of("POST", "/logout", cookie, "x=1"), 403);
    CU_ASSERT_EQUAL(status_of("GET", "/home", cookie, NULL), 200); /* still signed in */
}

static void serve_auth__repeated_failures_get_429(void) {
    char cookie[40], csrf[40];
    long fails = count("SELECT count(*) FROM audit WHERE action = 'login.fail'");
    /* wrong passwords and an unknown login get the same answer */
    for (int i = 0; i < LCM_LOGIN_FAILURES; i++) {
        lcmt_resp r = lcmt_http(server(), "GET", "/login", NULL, NULL);
        char token[40], form[200];
        snprintf(cookie, sizeof cookie, "%s", r.cookie);
        lcmt_csrf_of(r.body, token);
        lcmt_resp_free(&r);
        snprintf(form, sizeof form, "_csrf=%s&login=locked&password=wrong-%d", token, i);
        r = lcmt_http(server(), "POST", "/login", cookie, form);
        CU_ASSERT_EQUAL(r.status, 200);
        LCMT_ASSERT_HAS(r.body,
                        "<p class=\"err\" id=\"e-login\" role=\"alert\">登录名或密码错误</p>");
        CU_ASSERT_EQUAL(r.cookie[0], '\0'); /* no new session for a failure */
        lcmt_resp_free(&r);
    }
    lcmt_resp r = lcmt_http(server(), "GET", "/login", NULL, NULL);
    char token[40], form[200];
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    lcmt_csrf_of(r.body, token);
    lcmt_resp_free(&r);
    snprintf(form, sizeof form, "_csrf=%s&login=nobody-here&password=wrong", token);
    r = lcmt_http(server(), "POST", "/login", cookie, form);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "<p class=\"err\" id=\"e-login\" role=\"alert\">登录名或密码错误</p>");
    lcmt_resp_free(&r);
    /* the sixth try, even with the right password, is refused for 15 minutes */
    CU_ASSERT_EQUAL(lcmt_sign_in(server(), "locked", pw("locked"), cookie, csrf), 429);
    r = lcmt_http(server(), "GET", "/login", NULL, NULL);
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    lcmt_csrf_of(r.body, token);
    lcmt_resp_free(&r);
    snprintf(form, sizeof form, "_csrf=%s&login=locked&password=%s", token, pw("locked"));
    r = lcmt_http(server(), "POST", "/login", cookie, form);
    CU_ASSERT_EQUAL(r.status, 429);
    LCMT_ASSERT_HAS(r.body, "登录尝试次数过多，请 15 分钟后再试");
    lcmt_resp_free(&r);
    /* other accounts are not locked */
    sign_in("st", cookie, csrf);
    /* recorded: six failures (five and the unknown login) and the lock */
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE action = 'login.fail'"), fails + 6);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE action = 'login.lock' AND object = "
                          "'locked' AND who = '网页访客' AND detail = 'ip=127.0.0.1'"),
                    1);
    CU_ASSERT(count("SELECT locked_until FROM login_failures WHERE kind = 'login' AND key = "
                    "'locked'") > (long)time(NULL));
}

static void serve_auth__sign_in_and_out_are_audited(void) {
    char cookie[40], csrf[40];
    long in = count("SELECT count(*) FROM audit WHERE action = 'login' AND who = 'gd'");
    sign_in("gd", cookie, csrf);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE action = 'login' AND who = 'gd' AND "
                          "place = '44' AND user_id = (SELECT id FROM users WHERE login = 'gd')"),
                    in + 1);
    char form[80];
    snprintf(form, sizeof form, "_csrf=%s", csrf);
    lcmt_resp r = lcmt_http(server(), "POST", "/logout", cookie, form);
    CU_ASSERT_EQUAL(r.status, 303);
    char loc[200], want[200];
    snprintf(want, sizeof want, "http://127.0.0.1:%d/login", port);
    CU_ASSERT_STRING_EQUAL(lcmt_header(&r, "Location", loc, sizeof loc), want);
    lcmt_resp_free(&r);
    CU_ASSERT_EQUAL(status_of("GET", "/home", cookie, NULL), 303);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE action = 'logout' AND who = 'gd'"), 1);
}

static void serve_auth__interviewer_account_leads_to_assignments(void) {
    lcmt_resp r = lcmt_http(server(), "GET", "/login", NULL, NULL);
    char cookie[40], token[40], form[200], loc[200], want[200];
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    lcmt_csrf_of(r.body, token);
    lcmt_resp_free(&r);
    snprintf(form, sizeof form, "_csrf=%s&login=iv&password=%s", token, pw("iv"));
    r = lcmt_http(server(), "POST", "/login", cookie, form);
    CU_ASSERT_EQUAL(r.status, 303);
    snprintf(want, sizeof want, "http://127.0.0.1:%d/i/a", port);
    CU_ASSERT_STRING_EQUAL(lcmt_header(&r, "Location", loc, sizeof loc), want);
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    lcmt_resp_free(&r);
    r = lcmt_http(server(), "GET", "/i/a", cookie, NULL);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "访问任务");
    lcmt_resp_free(&r);
    /* the session is the interviewer's of the account */
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM serve_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = "
             "'%s' AND s.mode = 'capi' AND s.interviewer_id = u.interviewer_id AND u.login = 'iv'",
             cookie);
    CU_ASSERT_EQUAL(count(sql), 1);
    /* a city coordinator has no assignments page */
    char c2[40], csrf[40];
    sign_in("st", c2, csrf);
    r = lcmt_http(server(), "GET", "/i/a", c2, NULL);
    CU_ASSERT_EQUAL(r.status, 303);
    lcmt_resp_free(&r);
}

static void serve_auth__next_never_leaves_the_server(void) {
    static const char *const bad[] = {"//evil.example/x", "http://evil.example/", "/..%2F..%2Fetc",
                                      "/a\\b", "/login"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lcmt_resp r = lcmt_http(server(), "GET", "/login", NULL, NULL);
        char cookie[40], token[40], form[300], loc[300], want[200];
        snprintf(cookie, sizeof cookie, "%s", r.cookie);
        lcmt_csrf_of(r.body, token);
        lcmt_resp_free(&r);
        lcm_strbuf f = LCM_STRBUF_INIT;
        lcm_strbuf_addf(&f, "_csrf=%s&login=st&password=%s&next=", token, pw("st"));
        for (const char *p = bad[i]; *p; p++)
            lcm_strbuf_addf(&f, "%%%02X", (unsigned char)*p);
        snprintf(form, sizeof form, "%s", f.buf);
        lcm_strbuf_release(&f);
        r = lcmt_http(server(), "POST", "/login", cookie, form);
        CU_ASSERT_EQUAL(r.status, 303);
        snprintf(want, sizeof want, "http://127.0.0.1:%d/home", port);
        CU_ASSERT_STRING_EQUAL(lcmt_header(&r, "Location", loc, sizeof loc), want);
        lcmt_resp_free(&r);
    }
}

static void serve_auth__admin_adds_disables_and_renews_accounts(void) {
    char cookie[40], csrf[40], form[400];
    sign_in("boss", cookie, csrf);
    /* a name with markup is shown as text */
    snprintf(form, sizeof form,
             "_csrf=%s&action=add&login=new.city&name=%%3Cscript%%3Ealert(1)%%3C%%2Fscript%%3E&"
             "role=city&place=4405&password=",
             csrf);
    lcmt_resp r = lcmt_http(server(), "POST", "/admin/users", cookie, form);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;");
    CU_ASSERT(strstr(r.body, "<script>alert") == NULL);
    char secret[40] = "";
    const char *s = strstr(r.body, "<code id=\"secret\">");
    if (s)
        sscanf(s + strlen("<code id=\"secret\">"), "%39[A-Za-z0-9]", secret);
    CU_ASSERT_EQUAL(strlen(secret), LCM_PASSWORD_GEN_LEN);
    lcmt_resp_free(&r);
    /* the password shown once works, and the list never shows it again, nor a hash */
    char c2[40], t2[40];
    CU_ASSERT_EQUAL(lcmt_sign_in(server(), "new.city", secret, c2, t2), 303);
    r = lcmt_http(server(), "GET", "/admin/users", cookie, NULL);
    CU_ASSERT(strstr(r.body, secret) == NULL);
    CU_ASSERT(strstr(r.body, "$argon2id$") == NULL);
    LCMT_ASSERT_HAS(r.body, "<td>城市协调员</td><td>4405 汕头市</td>");
    lcmt_resp_free(&r);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE action = 'user.add' AND who = 'boss' "
                          "AND object = 'new.city' AND place = '4405'"),
                    1);
    /* a bad place is refused in Chinese and nothing is added */
    snprintf(form, sizeof form,
             "_csrf=%s&action=add&login=bad.place&name=x&role=city&place=44&password=", csrf);
    r = lcmt_http(server(), "POST", "/admin/users", cookie, form);
    CU_ASSERT_EQUAL(r.status, 400);
    LCMT_ASSERT_HAS(r.body, "城市协调员和访问员须填写有效的城市代码");
    lcmt_resp_free(&r);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM users WHERE login = 'bad.place'"), 0);
    /* disabled: signed out at once and cannot sign in */
    snprintf(form, sizeof form, "_csrf=%s&action=disable&login=new.city", csrf);
    CU_ASSERT_EQUAL(status_of("POST", "/admin/users", cookie, form), 200);
    CU_ASSERT_EQUAL(status_of("GET", "/home", c2, NULL), 303);
    CU_ASSERT_EQUAL(lcmt_sign_in(server(), "new.city", secret, c2, t2), 200);
    /* enabled with a new password: the old one is gone */
    snprintf(form, sizeof form, "_csrf=%s&action=enable&login=new.city", csrf);
    CU_ASSERT_EQUAL(status_of("POST", "/admin/users", cookie, form), 200);
    snprintf(form, sizeof form, "_csrf=%s&action=passwd&login=new.city", csrf);
    r = lcmt_http(server(), "POST", "/admin/users", cookie, form);
    CU_ASSERT_EQUAL(r.status, 200);
    char renewed[40] = "";
    s = strstr(r.body, "<code id=\"secret\">");
    if (s)
        sscanf(s + strlen("<code id=\"secret\">"), "%39[A-Za-z0-9]", renewed);
    lcmt_resp_free(&r);
    CU_ASSERT_EQUAL(strlen(renewed), LCM_PASSWORD_GEN_LEN);
    CU_ASSERT_STRING_NOT_EQUAL(renewed, secret);
    CU_ASSERT_EQUAL(lcmt_sign_in(server(), "new.city", renewed, c2, t2), 303);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE who = 'boss' AND object = "
                          "'new.city' AND action IN ('user.disable', 'user.enable', "
                          "'user.passwd')"),
                    3);
    /* an administrator cannot disable their own account */
    snprintf(form, sizeof form, "_csrf=%s&action=disable&login=boss", csrf);
    CU_ASSERT_EQUAL(status_of("POST", "/admin/users", cookie, form), 400);
    CU_ASSERT_EQUAL(count("SELECT disabled FROM users WHERE login = 'boss'"), 0);
}

static void serve_auth__paths_beside_the_routes_are_404(void) {
    char cookie[40], csrf[40];
    sign_in("st", cookie, csrf);
    static const char *const paths[] = {"/city/4405/../4401", "/city/..%2F4401",

                                        "/city/44011", "/admin/users/../../etc/passwd",
                                        "/home/../admin/users"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        lcmt_resp r = lcmt_http(server(), "GET", paths[i], cookie, NULL);
        if (r.status != 404)
            fprintf(stderr, "\n  %s: %d\n", paths[i], r.status);
        CU_ASSERT_EQUAL(r.status, 404);
        CU_ASSERT(strstr(r.body, "广州") == NULL);
        lcmt_resp_free(&r);
    }
    /* a NUL ends the path where libmicrohttpd decodes it: /city/4401 itself, still refused */
    CU_ASSERT_EQUAL(status_of("GET", "/city/4401%00", cookie, NULL), 403);
    CU_ASSERT_EQUAL(status_of("GET", "/city/4401%00/x", cookie, NULL), 403);
}

const lcmt_case lcmt_serve_auth_cases[] = {
    {"signed_out_pages_redirect_to_login", serve_auth__signed_out_pages_redirect_to_login},
    {"wrong_role_gets_403", serve_auth__wrong_role_gets_403},
    {"city_coordinator_gets_403_on_another_city",
     serve_auth__city_coordinator_gets_403_on_another_city},
    {"session_id_changes_at_sign_in", serve_auth__session_id_changes_at_sign_in},
    {"expired_sessions_are_refused", serve_auth__expired_sessions_are_refused},
    {"posts_without_csrf_get_403", serve_auth__posts_without_csrf_get_403},
    {"repeated_failures_get_429", serve_auth__repeated_failures_get_429},
    {"sign_in_and_out_are_audited", serve_auth__sign_in_and_out_are_audited},
    {"interviewer_account_leads_to_assignments",
     serve_auth__interviewer_account_leads_to_assignments},
    {"next_never_leaves_the_server", serve_auth__next_never_leaves_the_server},
    {"admin_adds_disables_and_renews_accounts",
     serve_auth__admin_adds_disables_and_renews_accounts},
    {"paths_beside_the_routes_are_404", serve_auth__paths_beside_the_routes_are_404},
    {NULL, NULL},
};
