/*
 * test_serve_register.c - the network register on the web (issue 15): /apply for the city
 * coordinator, /register for the province officer and the ministry, attachments as
 * downloads. Who may open and change what (each role, each kind of resource, another
 * place: 403), CSRF, escaped output, and the round trip applied -> returned -> applied
 * (corrected) -> recommended -> admitted with what the database then holds.
 *
 * One server for the suite on a database made by `lcmon init`, `lcmon user add` and
 * `lcmon network attach|apply` (广州 4401 has applied with its evidence as attachments).
 */
#include "network.h"
#include "strbuf.h"
#include "lcmt_http.h"
#include "testing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define PDF "tests/fixtures/network/evidence/implementation-plan.pdf"
#define PNG "tests/fixtures/network/evidence/reading-festival.png"

/* ---- a server, its database and a client ---------------------------------------------- */

static pid_t server_pid;
static int server_port;
static char pdf_name[LCM_NET_ATTACH_NAME], png_name[LCM_NET_ATTACH_NAME];

static void server_stop(void) {
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
        server_pid = 0;
    }
}

static const char *db_path(void) {
    static char path[4096];
    if (!path[0]) /* lcmt_tmp's buffer is overwritten by the next call */
        snprintf(path, sizeof path, "%s", lcmt_tmp("register-web.db"));
    return path;
}

static void run_ok(const char *const *args, const char *in, char **out) {
    char *err = NULL;
    int rc = lcmt_run(args, in, out, &err);
    if (rc != 0)
        fprintf(stderr, "  %s %s: %s", args[0], args[1], err ? err : "");
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    free(err);
}

/* The accounts: login, role, place; the password is "pw-" login "-123456". */
static const char *const users[][3] = {
    {"gz", "city", "4401"},   {"sz", "city", "4403"}, {"gd", "province", "44"},
    {"sc", "province", "51"}, {"moe", "admin", ""},   {"ana", "analyst", ""},
    {"rev", "reviewer", ""},
};
#define NUSERS (sizeof users / sizeof users[0])

static void make_db(void) {
    const char *db = db_path();
    remove(db);
    run_ok((const char *[]){"init", db, NULL}, NULL, NULL);
    for (size_t i = 0; i < NUSERS; i++) {
        char pw[64];
        snprintf(pw, sizeof pw, "pw-%s-123456\n", users[i][0]);
        run_ok((const char *[]){"user", "add", db, "--login", users[i][0], "--name", users[i][0],
                                "--role", users[i][1], "--place", users[i][2], "--password-stdin",
                                NULL},
               pw, NULL);
    }
    char *out = NULL;
    char pdf[4096], png[4096];
    snprintf(pdf, sizeof pdf, "%s", lcmt_path(PDF));
    snprintf(png, sizeof png, "%s", lcmt_path(PNG));
    run_ok((const char *[]){"network", "attach", db, "--city", "4401", pdf, png, NULL}, NULL, &out);
    CU_ASSERT_EQUAL_FATAL(sscanf(out, "%39[^\t]\t%*[^\n]\n%39[^\t]", pdf_name, png_name), 2);
    free(out);
    /* the fixture with the attachments named instead of its paths */
    char *fix = lcmt_slurp(lcmt_path("tests/fixtures/network/guangzhou.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fix);
    lcm_strbuf sb = LCM_STRBUF_INIT;
    for (char *line = strtok(fix, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "evidence.1.file,", 16))
            lcm_strbuf_addf(&sb, "evidence.1.file,%s,\n", pdf_name);
        else if (!strncmp(line, "photo.1.file,", 13))
            lcm_strbuf_addf(&sb, "photo.1.file,%s,\n", png_name);
        else
            lcm_strbuf_addf(&sb, "%s\n", line);
    }
    const char *app = lcmt_write(lcmt_tmp("web-app.csv"), sb.buf, sb.len);
    run_ok((const char *[]){"network", "apply", db, app, NULL}, NULL, NULL);
    lcm_strbuf_release(&sb);
    free(fix);
}

static int server(void) {
    if (server_pid > 0)
        return server_port;
    make_db();
    int fd[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl(LCMT_LCMON, "lcmon", "serve", db_path(), "--listen", "127.0.0.1:0", "--rate-limit",
              "0", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    FILE *out = fdopen(fd[0], "r");
    char line[512];
    if (out && fgets(line, sizeof line, out)) {
        const char *p = strstr(line, "listening on 127.0.0.1:");
        if (p)
            server_port = atoi(p + strlen("listening on 127.0.0.1:"));
    }
    server_pid = pid;
    atexit(server_stop);
    CU_ASSERT_FATAL(server_port > 0);
    return server_port;
}

typedef struct resp {
    int status;
    char *head, *body;
    size_t nbody;
    char cookie[40];
} resp;

static void resp_free(resp *r) {
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

static resp request(const char *method, const char *path, const char *cookie, const char *body,
                    size_t nbody, const char *ctype) {
    resp r = {0};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)server());
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (s >= 0)
            close(s);
        r.status = -1;
        return r;
    }
    lcm_strbuf h = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&h, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, path);
    if (cookie && *cookie)
        lcm_strbuf_addf(&h, "Cookie: lcm_s=%s\r\n", cookie);
    if (body)
        lcm_strbuf_addf(&h, "Content-Type: %s\r\nContent-Length: %zu\r\n",
                        ctype ? ctype : "application/x-www-form-urlencoded",
                        nbody ? nbody : strlen(body));
    lcm_strbuf_adds(&h, "\r\n");
    if (write(s, h.buf, h.len) != (ssize_t)h.len ||
        (body && write(s, body, nbody ? nbody : strlen(body)) < 0)) {
        /* the server may answer before reading a body it refuses */
    }
    lcm_strbuf_release(&h);
    lcm_strbuf in = LCM_STRBUF_INIT;
    char buf[8192];
    ssize_t got;
    while ((got = read(s, buf, sizeof buf)) > 0)
        lcm_strbuf_add(&in, buf, (size_t)got);
    close(s);
    size_t total = in.len;
    char *all = lcm_strbuf_detach(&in);
    char *sep = all ? strstr(all, "\r\n\r\n") : NULL;
    if (sep) {
        *sep = '\0';
        r.nbody = total - (size_t)(sep + 4 - all);
        r.body = malloc(r.nbody + 1);
        memcpy(r.body, sep + 4, r.nbody);
        r.body[r.nbody] = '\0';
    } else
        r.body = strdup("");
    r.head = all;
    sscanf(all ? all : "", "HTTP/1.%*d %d", &r.status);
    const char *c = all ? strstr(all, "Set-Cookie: lcm_s=") : NULL;
    if (c)
        sscanf(c + strlen("Set-Cookie: lcm_s="), "%32[0-9a-f]", r.cookie);
    return r;
}

static resp get(const char *path, const char *cookie) {
    return request("GET", path, cookie, NULL, 0, NULL);
}

/* The CSRF token in a page, "" when none. */
static void csrf_of(const char *body, char out[40]) {
    const char *t = body ? strstr(body, "name=\"_csrf\" value=\"") : NULL;
    out[0] = '\0';
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", out);
}

typedef struct who {
    char cookie[40], csrf[40];
} who;

/* A signed-in session of login (cached per login). */
static const who *as(const char *login) {
    static who w[NUSERS];
    for (size_t i = 0; i < NUSERS; i++) {
        if (strcmp(users[i][0], login) != 0)
            continue;
        if (w[i].cookie[0])
            return &w[i];
        resp r = get("/login", NULL);
        char csrf[40], body[256];
        csrf_of(r.body, csrf);
        snprintf(w[i].cookie, sizeof w[i].cookie, "%s", r.cookie);
        resp_free(&r);
        snprintf(body, sizeof body, "_csrf=%s&login=%s&password=pw-%s-123456&next=%%2Fhome", csrf,
                 login, login);
        r = request("POST", "/login", w[i].cookie, body, 0, NULL);
        CU_ASSERT_EQUAL(r.status, 303);
        if (r.cookie[0]) /* a new session id on sign-in */
            snprintf(w[i].cookie, sizeof w[i].cookie, "%s", r.cookie);
        resp_free(&r);
        r = get("/home", w[i].cookie);
        CU_ASSERT_EQUAL(r.status, 200);
        csrf_of(r.body, w[i].csrf);
        resp_free(&r);
        return &w[i];
    }
    CU_FAIL_FATAL("no such test user");
    return NULL;
}

static resp post_as(const char *login, const char *path, const char *form) {
    const who *w = as(login);
    lcm_strbuf body = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&body, "_csrf=%s&", w->csrf);
    lcm_strbuf_adds(&body, form ? form : "");
    resp r = request("POST", path, w->cookie, body.buf, body.len, NULL);
    lcm_strbuf_release(&body);
    return r;
}

static int status_of(const char *login, const char *method, const char *path, const char *form) {
    resp r = strcmp(method, "GET") == 0 ? get(path, login ? as(login)->cookie : NULL)
                                        : post_as(login, path, form);
    int st = r.status;
    resp_free(&r);
    return st;
}

static long db_count(const char *sql) {
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path(), LCM_OPEN_READONLY, &db, NULL), LCM_OK);
    long n = lcmt_count(db, sql);
    lcm_db_close(db);
    return n;
}

static char *db_text(const char *sql) {
    lcm_db *db = NULL;
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path(), LCM_OPEN_READONLY, &db, NULL), LCM_OK);
    if (sqlite3_prepare_v2(lcm_db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    lcm_db_close(db);
    return out ? out : strdup("");
}

/* ---- who may open what ---------------------------------------------------------------- */

static void roles__each_role_each_resource(void) {
    char file[128], other[128];
    server();
    snprintf(file, sizeof file, "/register/4401/%s", pdf_name);
    snprintf(other, sizeof other, "/register/4403/%s", pdf_name);
    static const char *const paths[] = {"/apply", "/register", "/register/4401", NULL,
                                        "/register/summary/44.xlsx"};
    /* expected status per user and path (NULL path = the attachment of 4401) */
    static const struct {
        const char *login;
        int st[5];
    } want[] = {
        {"gz", {200, 403, 403, 200, 403}},  /* 广州's coordinator: its own file only */
        {"sz", {200, 403, 403, 403, 403}},  /* 深圳's coordinator: not 广州's */
        {"gd", {403, 200, 200, 200, 200}},  /* 广东 */
        {"sc", {403, 200, 403, 403, 403}},  /* 四川: no 广东 city, no 广东 summary */
        {"moe", {403, 200, 200, 200, 200}}, /* the ministry */
        {"ana", {403, 200, 200, 200, 200}},
        {"rev", {403, 403, 403, 403, 403}}, /* a reviewer rates points, nothing here */
    };
    for (size_t u = 0; u < sizeof want / sizeof want[0]; u++)
        for (int p = 0; p < 5; p++) {
            int st = status_of(want[u].login, "GET", paths[p] ? paths[p] : file, NULL);
            if (st != want[u].st[p])
                fprintf(stderr, "  %s GET %s: %d, want %d\n", want[u].login,
                        paths[p] ? paths[p] : file, st, want[u].st[p]);
            CU_ASSERT_EQUAL(st, want[u].st[p]);
        }
    /* not signed in: to the sign-in page */
    resp r = get("/register/4401", NULL);
    CU_ASSERT_EQUAL(r.status, 303);
    LCMT_ASSERT_HAS(r.head, "/login?next=/register/4401\r\n");
    resp_free(&r);
    /* a name that is not 4403's file, for 4403's province: 404, not 广州's file */
    CU_ASSERT_EQUAL(status_of("gd", "GET", other, NULL), 404);
    /* actions by the wrong role or place change nothing */
    char *before = db_text("SELECT group_concat(status) FROM network_members");
    CU_ASSERT_EQUAL(status_of("sc", "POST", "/register/4401", "action=return&comment=x"), 403);
    CU_ASSERT_EQUAL(status_of("gz", "POST", "/register/4401", "action=return&comment=x"), 403);
    CU_ASSERT_EQUAL(status_of("moe", "POST", "/register/4401", "action=recommend&opinion=x"), 403);
    CU_ASSERT_EQUAL(status_of("gd", "POST", "/register/4401", "action=admit&year=2025"), 403);
    CU_ASSERT_EQUAL(status_of("ana", "POST", "/register/4401", "action=decline&reason=x"), 403);
    CU_ASSERT_EQUAL(status_of("gd", "POST", "/apply", "city.name=x"), 403);
    /* no CSRF token */
    r = request("POST", "/register/4401", as("gd")->cookie, "action=return&comment=x", 0, NULL);
    CU_ASSERT_EQUAL(r.status, 403);
    resp_free(&r);
    char *after = db_text("SELECT group_concat(status) FROM network_members");
    CU_ASSERT_STRING_EQUAL(after, before);
    CU_ASSERT_STRING_EQUAL(after, "applied");
    free(before), free(after);
}

/* ---- the round trip ------------------------------------------------------------------- */

/* The application as stored, as a form body, with field=value pairs of ov replaced. */
static char *stored_form(const char *const *ov) {
    lcm_db *db = NULL;
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path(), LCM_OPEN_READONLY, &db, NULL), LCM_OK);
    sqlite3_prepare_v2(lcm_db_sqlite(db),
                       "SELECT field, value FROM network_application_fields"
                       " WHERE city_code = '4401'",
                       -1, &st, NULL);
    lcm_strbuf sb = LCM_STRBUF_INIT;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *f = (const char *)sqlite3_column_text(st, 0);
        const char *v = (const char *)sqlite3_column_text(st, 1);
        for (int i = 0; ov && ov[i]; i += 2)
            if (strcmp(ov[i], f) == 0)
                v = ov[i + 1];
        lcm_strbuf_adds(&sb, "&");
        for (const char *p = f; *p; p++)
            lcm_strbuf_addf(&sb, "%%%02X", (unsigned char)*p);
        lcm_strbuf_adds(&sb, "=");
        for (const char *p = v; *p; p++)
            lcm_strbuf_addf(&sb, "%%%02X", (unsigned char)*p);
    }
    sqlite3_finalize(st);
    lcm_db_close(db);
    return lcm_strbuf_detach(&sb);
}

static void web__return_resubmit_recommend_admit(void) {
    server();
    /* the province returns it: the comment is required, then shown escaped to the city */
    resp r = post_as("gd", "/register/4401", "action=return&comment=");
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "请填写退回修改意见");
    resp_free(&r);
    r = post_as("gd", "/register/4401",
                "action=return&comment=%E8%AF%B7%E6%A0%B8%E5%AF%B9%E4%BA%BA%E5%8F%A3"
                "%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    CU_ASSERT_EQUAL(r.status, 303);
    resp_free(&r);
    char *s = db_text("SELECT status FROM network_members");
    CU_ASSERT_STRING_EQUAL(s, "returned");
    free(s);
    r = get("/apply", as("gz")->cookie);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "<strong id=\"status\">已退回</strong>");
    /* who returned it and when, in Beijing time: the engine's state (lcm_net_state_get) */
    {
        lcm_db *db = NULL;
        lcm_net_state ns;
        CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path(), LCM_OPEN_READONLY, &db, NULL), LCM_OK);
        CU_ASSERT_EQUAL(lcm_net_state_get(db, "4401", &ns, NULL), LCM_OK);
        lcm_db_close(db);
        char bj[20], want[300];
        lcmt_shown_time(ns.at, bj);
        snprintf(want, sizeof want, "<p class=\"hint\">%s · %s（北京时间）</p>", ns.by, bj);
        LCMT_ASSERT_HAS(r.body, want);
        CU_ASSERT_FALSE(lcmt_has_utc_iso(r.body));
    }
    LCMT_ASSERT_HAS(r.body, "请核对人口&lt;script&gt;alert(1)&lt;/script&gt;");
    CU_ASSERT_PTR_NULL(strstr(r.body, "<script>alert"));
    /* the stored values are in the form, the limit is printed beside long texts */
    LCMT_ASSERT_HAS(r.body, "name=\"basic.population\" value=\"1882.7\"");
    LCMT_ASSERT_HAS(r.body, "data-max=\"500\"");
    LCMT_ASSERT_HAS(r.body, "字数限制：500字以内");
    LCMT_ASSERT_HAS(r.body, "重新提交申请");
    resp_free(&r);
    /* a correction with mistakes: refused beside its fields, in Chinese, nothing stored */
    char over[501 * 3 + 1];
    for (int i = 0; i < 501; i++)
        memcpy(over + 3 * i, "学", 3);
    over[501 * 3] = '\0';
    char *bad = stored_form((const char *[]){"basic.population", "1873.4万", "strategy.overview",
                                             over, "evidence.1.file", "../../etc/passwd", NULL});
    r = post_as("gz", "/apply", bad + 1);
    free(bad);
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "申请表有3处问题");
    LCMT_ASSERT_HAS(r.body, "<label for=\"f-basic.population\">本市常住人口（万人）<span "
                            "class=\"req\">*</span></label><p class=\"err\">不是数字");
    LCMT_ASSERT_HAS(r.body, "超过字数限制：501字，限500字以内");
    LCMT_ASSERT_HAS(r.body, "本市没有这份已上传的材料：../../etc/passwd");
    resp_free(&r);
    s = db_text("SELECT status || ' ' || population FROM network_members");
    CU_ASSERT_STRING_EQUAL(s, "returned 1882.7");
    free(s);
    /* corrected and resubmitted */
    char *good = stored_form(
        (const char *[]){"basic.population", "1873.4", "results", "终身学习 <b>&", NULL});
    r = post_as("gz", "/apply", good + 1);
    CU_ASSERT_EQUAL(r.status, 303);
    resp_free(&r);
    s = db_text("SELECT status || ' ' || population FROM network_members");
    CU_ASSERT_STRING_EQUAL(s, "applied 1873.4");
    free(s);
    s = db_text("SELECT value FROM network_application_fields WHERE field = 'results'");
    CU_ASSERT_STRING_EQUAL(s, "终身学习 <b>&");
    free(s);
    /* the same post again: an applied application cannot change */
    r = post_as("gz", "/apply", good + 1);
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "申请已提交（当前状态：已申请），不能修改");
    resp_free(&r);
    free(good);
    /* the province recommends, the ministry admits */
    r = post_as("gd", "/register/4401", "action=recommend&opinion=%E5%90%8C%E6%84%8F");
    CU_ASSERT_EQUAL(r.status, 303);
    resp_free(&r);
    r = post_as("moe", "/register/4401", "action=admit&year=2025");
    CU_ASSERT_EQUAL(r.status, 303);
    resp_free(&r);
    s = db_text("SELECT status || ' ' || admitted_year FROM network_members");
    CU_ASSERT_STRING_EQUAL(s, "admitted 2025");
    free(s);
    /* the history and the audit trail name the people */
    CU_ASSERT_EQUAL(db_count("SELECT count(*) FROM network_history"), 5);
    CU_ASSERT_EQUAL(db_count("SELECT count(*) FROM network_history WHERE from_status = 'returned'"
                             " AND to_status = 'applied' AND actor = 'gz'"),
                    1);
    CU_ASSERT_EQUAL(db_count("SELECT count(*) FROM audit WHERE who = 'gd' AND"
                             " action IN ('network.return', 'network.recommend')"
                             " AND object = '4401'"),
                    2);
    CU_ASSERT_EQUAL(
        db_count("SELECT count(*) FROM audit WHERE who = 'gz' AND action = 'network.resubmit'"), 1);
    /* the 附件3 download is the workbook of `network summary --format xlsx` */
    r = get("/register/summary/44.xlsx", as("gd")->cookie);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.head, "Content-Disposition: attachment; filename=\"summary-44.xlsx\"");
    CU_ASSERT(r.nbody > 4 && memcmp(r.body, "PK\x03\x04", 4) == 0);
    char *sheet = lcmt_zip_member((const unsigned char *)r.body, r.nbody, "xl/sharedStrings.xml");
    LCMT_ASSERT_HAS(sheet, "推荐加入全国学习型城市网络城市汇总表");
    LCMT_ASSERT_HAS(sheet, "广州市");
    free(sheet);
    resp_free(&r);
}

/* ---- times: Beijing time on the pages --------------------------------------------------- */

/* After the walk: every line of 4401's history (办理记录) on the province's and the city's
 * page is the stored UTC time in Beijing time to the minute (the engine's conversion), the
 * column header says 北京时间, no stored UTC text is shown. Then fixed times: a return at
 * 2026-12-31T16:30:00Z shows 2027-01-01 00:30 beside who returned it, an admission at
 * 2028-02-28T20:00:00Z shows 2028-02-29 04:00 (lines added: the history only grows). */
static void web__times_in_beijing(void) {
    server();
    lcm_db *db = NULL;
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db_path(), LCM_OPEN_READONLY, &db, NULL), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(lcm_db_sqlite(db),
                                             "SELECT changed_at FROM network_history"
                                             " WHERE city_code = '4401' ORDER BY id",
                                             -1, &st, NULL),
                          SQLITE_OK);
    char shown[8][20], want[300];
    int n = 0;
    while (n < 8 && sqlite3_step(st) == SQLITE_ROW)
        lcmt_shown_time((const char *)sqlite3_column_text(st, 0), shown[n++]);
    sqlite3_finalize(st);
    lcm_db_close(db);
    CU_ASSERT_EQUAL(n, 5);
    static const char *const pages[][2] = {{"gd", "/register/4401"}, {"gz", "/apply"}};
    for (int p = 0; p < 2; p++) {
        resp r = get(pages[p][1], as(pages[p][0])->cookie);
        CU_ASSERT_EQUAL(r.status, 200);
        LCMT_ASSERT_HAS(r.body, "<th>时间（北京时间）</th>");
        for (int i = 0; i < n; i++) {
            snprintf(want, sizeof want, "<tr><td>%s</td>", shown[i]);
            LCMT_ASSERT_HAS(r.body, want);
        }
        CU_ASSERT_FALSE(lcmt_has_utc_iso(r.body));
        resp_free(&r);
    }
    char *year = db_text("SELECT admitted_year FROM network_members WHERE city_code = '4401'");
    CU_ASSERT_EQUAL(
        lcmt_exec(
            db_path(),
            "UPDATE network_members SET status = 'returned', admitted_year = NULL"
            " WHERE city_code = '4401';"
            "INSERT INTO network_history(city_code, from_status, to_status, actor, changed_at,"
            " note) VALUES ('4401', 'admitted', 'returned', 'gd', '2026-12-31T16:30:00Z', '年末')"),
        0);
    resp r = get("/apply", as("gz")->cookie);
    LCMT_ASSERT_HAS(r.body, "<p class=\"hint\">gd · 2027-01-01 00:30（北京时间）</p>");
    LCMT_ASSERT_HAS(r.body, "<tr><td>2027-01-01 00:30</td>");
    resp_free(&r);
    r = get("/apply?lang=en", as("gz")->cookie);
    LCMT_ASSERT_HAS(r.body, "<p class=\"hint\">gd · 2027-01-01 00:30 (Beijing time)</p>");
    LCMT_ASSERT_HAS(r.body, "<th>When (Beijing time)</th>");
    resp_free(&r);
    r = get("/apply?lang=zh", as("gz")->cookie);
    resp_free(&r);
    char q[400];
    snprintf(q, sizeof q,
             "UPDATE network_members SET status = 'admitted', admitted_year = %d"
             " WHERE city_code = '4401'; INSERT INTO network_history(city_code, from_status,"
             " to_status, actor, changed_at) VALUES ('4401', 'returned', 'admitted', 'moe',"
             " '2028-02-28T20:00:00Z')",
             atoi(year));
    free(year);
    CU_ASSERT_EQUAL(lcmt_exec(db_path(), q), 0);
    r = get("/register/4401", as("moe")->cookie);
    LCMT_ASSERT_HAS(r.body, "<tr><td>2028-02-29 04:00</td>");
    CU_ASSERT_FALSE(lcmt_has_utc_iso(r.body));
    resp_free(&r);
}

/* ---- attachments ---------------------------------------------------------------------- */

static resp upload(const char *login, const void *data, size_t n) {
    const who *w = as(login);
    lcm_strbuf b = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&b,
                    "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n"
                    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
                    "filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n",
                    w->csrf);
    lcm_strbuf_add(&b, data, n);
    lcm_strbuf_adds(&b, "\r\n--XyZ--\r\n");
    resp r = request("POST", "/apply/attach", w->cookie, b.buf, b.len,
                     "multipart/form-data; boundary=XyZ");
    lcm_strbuf_release(&b);
    return r;
}

static void web__attachments_typed_sized_and_served_as_downloads(void) {
    server();
    /* 广州's evidence, downloaded by its province: the sniffed type, as an attachment */
    char path[128];
    snprintf(path, sizeof path, "/register/4401/%s", png_name);
    resp r = get(path, as("gd")->cookie);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.head, "Content-Type: image/png");
    char want[160];
    snprintf(want, sizeof want, "Content-Disposition: attachment; filename=\"%s\"", png_name);
    LCMT_ASSERT_HAS(r.head, want);
    LCMT_ASSERT_HAS(r.head, "X-Content-Type-Options: nosniff");
    size_t n;
    char *png = lcmt_slurp(lcmt_path(PNG), &n);
    CU_ASSERT_EQUAL(r.nbody, n);
    CU_ASSERT(r.nbody == n && memcmp(r.body, png, n) == 0);
    free(png);
    resp_free(&r);
    /* 深圳 has not applied: it may upload; a GIF is refused, a JPEG stored as a photo */
    long before = db_count("SELECT count(*) FROM network_attachments");
    r = upload("sz", "GIF89a\x01\x00\x01\x00", 10);
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "文件内容不是PDF、JPEG或PNG格式");
    resp_free(&r);
    CU_ASSERT_EQUAL(db_count("SELECT count(*) FROM network_attachments"), before);
    r = upload("sz", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", 11);
    CU_ASSERT_EQUAL(r.status, 303);
    resp_free(&r);
    CU_ASSERT_EQUAL(db_count("SELECT count(*) FROM network_attachments WHERE city_code = '4403'"
                             " AND kind = 'photo' AND mime = 'image/jpeg' AND size = 11"),
                    1);
    /* over 10 MB: refused, nothing stored */
    size_t big = 10u * 1024 * 1024 + 1;
    char *huge = calloc(big, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(huge);
    memcpy(huge, "%PDF-1.4\n", 9);
    r = upload("sz", huge, big);
    free(huge);
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "文件过大：不得超过10MB");
    resp_free(&r);
    CU_ASSERT_EQUAL(db_count("SELECT count(*) FROM network_attachments WHERE city_code = '4403'"),
                    1);
    /* 广州's application is with the ministry: its evidence cannot change */
    before = db_count("SELECT count(*) FROM network_attachments");
    r = upload("gz", "\xff\xd8\xff\xe0\x00\x10JFIF\x01", 11);
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "4401的申请当前不能修改：状态为已加入");
    resp_free(&r);
    CU_ASSERT_EQUAL(db_count("SELECT count(*) FROM network_attachments"), before);
}

const lcmt_case lcmt_serve_register_cases[] = {
    {"roles__each_role_each_resource", roles__each_role_each_resource},
    {"web__return_resubmit_recommend_admit", web__return_resubmit_recommend_admit},
    {"web__times_in_beijing", web__times_in_beijing},
    {"web__attachments_typed_sized_and_served_as_downloads",
     web__attachments_typed_sized_and_served_as_downloads},
    {NULL, NULL},
};
