/*
 * test_serve.c - `lcmon serve` driven over loopback by a tiny HTTP client (no new test
 * dependency), and the request parsing lcmon does itself (serve.h).
 *
 * One server is started for the suite on a fresh database with the household form
 * (port 0: the kernel picks; the URL is read from the server's first line of output) and
 * stopped with SIGTERM at the end, which must exit 0. Each test starts its own
 * respondent (its own cookie) so tests do not depend on each other's answers.
 */
#include "auth.h"
#include "field.h"
#include "review.h"
#include "serve.h"
#include "lcmt_http.h"
#include "testing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- parsing ------------------------------------------------------------------------ */

static void decode_form(void) {
    lcm_serve_form f;
    lcm_err err = {0};
    const char *body = "_csrf=ab&q%3Aname=%E5%BC%A0+%E4%B8%89&q:aware=cc&q:aware=rd&empty=&flag";
    CU_ASSERT_EQUAL_FATAL(lcm_serve_form_decode(body, strlen(body), &f, &err), LCM_OK);
    CU_ASSERT_EQUAL(f.n, 6);
    CU_ASSERT_STRING_EQUAL(lcm_serve_form_get(&f, "q:name"), "张 三");
    CU_ASSERT_STRING_EQUAL(lcm_serve_form_get(&f, "q:aware"), "cc"); /* the first of two */
    CU_ASSERT_STRING_EQUAL(f.pairs[3].value, "rd");
    CU_ASSERT_STRING_EQUAL(lcm_serve_form_get(&f, "empty"), "");
    CU_ASSERT_STRING_EQUAL(lcm_serve_form_get(&f, "flag"), "");
    CU_ASSERT_PTR_NULL(lcm_serve_form_get(&f, "none"));
    lcm_serve_form_free(&f);
}

static void decode_refuses(void) {
    static const char *const bad[] = {
        "a=%2",     /* escape cut short */
        "a=%zz",    /* not hex */
        "a=%00",    /* NUL */
        "a=%01",    /* control byte */
        "a%0A=1",   /* newline in a name */
        "a=%C3%28", /* not UTF-8 */
        "a=%FF",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lcm_serve_form f;
        lcm_err err = {0};
        CU_ASSERT_EQUAL(lcm_serve_form_decode(bad[i], strlen(bad[i]), &f, &err), LCM_PARSE);
        CU_ASSERT_EQUAL(f.n, 0);
    }
    /* a newline in a value is text (a textarea sends CR LF) */
    lcm_serve_form f;
    CU_ASSERT_EQUAL(lcm_serve_form_decode("a=x%0D%0Ay", 10, &f, NULL), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_serve_form_get(&f, "a"), "x\r\ny");
    lcm_serve_form_free(&f);
    /* the limits of serve.h */
    char *big = malloc(LCM_SERVE_MAX_BODY + 2);
    memset(big, 'x', LCM_SERVE_MAX_BODY + 1);
    big[0] = 'a', big[1] = '=';
    CU_ASSERT_EQUAL(lcm_serve_form_decode(big, LCM_SERVE_MAX_BODY + 1, &f, NULL), LCM_PARSE);
    CU_ASSERT_EQUAL(lcm_serve_form_decode(big, LCM_SERVE_MAX_VALUE + 3, &f, NULL), LCM_PARSE);
    CU_ASSERT_EQUAL(lcm_serve_form_decode(big, LCM_SERVE_MAX_VALUE + 2, &f, NULL), LCM_OK);
    lcm_serve_form_free(&f);
    for (size_t i = 0; i < LCM_SERVE_MAX_PAIRS + 1; i++)
        memcpy(big + 4 * i, "a=1&", 4);
    CU_ASSERT_EQUAL(lcm_serve_form_decode(big, 4 * LCM_SERVE_MAX_PAIRS, &f, NULL), LCM_OK);
    CU_ASSERT_EQUAL(f.n, LCM_SERVE_MAX_PAIRS);
    lcm_serve_form_free(&f);
    CU_ASSERT_EQUAL(lcm_serve_form_decode(big, 4 * (LCM_SERVE_MAX_PAIRS + 1), &f, NULL), LCM_PARSE);
    free(big);
}

static void cookie_header(void) {
    char v[40];
    CU_ASSERT_TRUE(lcm_serve_cookie("a=1; lcm_s=abc; b=2", "lcm_s", v, sizeof v));
    CU_ASSERT_STRING_EQUAL(v, "abc");
    CU_ASSERT_TRUE(lcm_serve_cookie("lcm_s=\"q\"", "lcm_s", v, sizeof v));
    CU_ASSERT_STRING_EQUAL(v, "q");
    CU_ASSERT_FALSE(lcm_serve_cookie("xlcm_s=1; lcm_s2=3", "lcm_s", v, sizeof v));
    CU_ASSERT_FALSE(lcm_serve_cookie("lcm_s=0123456789", "lcm_s", v, 5)); /* does not fit */
    CU_ASSERT_FALSE(lcm_serve_cookie(NULL, "lcm_s", v, sizeof v));
    CU_ASSERT_TRUE(lcm_serve_cookie(";;lcm_s=z  ;", "lcm_s", v, sizeof v));
    CU_ASSERT_STRING_EQUAL(v, "z");
}

static void html_escape(void) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_serve_html(&sb, "<a href=\"x\">'&'</a>张");
    CU_ASSERT_STRING_EQUAL(sb.buf, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;张");
    lcm_strbuf_release(&sb);
}

/* ---- a server and a client ------------------------------------------------------------- */

static pid_t server_pid;
static int server_port;
static FILE *server_out;

static void server_stop(void) {
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
        server_pid = 0;
    }
}

/* Start `lcmon serve db args…`; returns the pid, *port the port it listens on. */
static pid_t spawn_server(const char *db, const char *extra, int *port, FILE **out) {
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl(LCMT_LCMON, "lcmon", "serve", db, "--listen", "127.0.0.1:0", "--rate-limit", "0",
              extra ? "--base-url" : (char *)NULL, extra, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    *out = fdopen(fd[0], "r");
    char line[512];
    *port = 0;
    if (*out && fgets(line, sizeof line, *out)) {
        const char *p = strstr(line, "listening on 127.0.0.1:");
        if (p)
            *port = atoi(p + strlen("listening on 127.0.0.1:"));
    }
    return pid;
}

static void make_db(const char *db) {
    const char *init[] = {"init", db, NULL};
    const char *load[] = {"form", "load", db, lcmt_path("surveys/household"), NULL};
    remove(db);
    CU_ASSERT_EQUAL_FATAL(lcmt_run(init, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(lcmt_run(load, NULL, NULL, NULL), 0);
}

static const char *server_db(void) {
    return lcmt_tmp("serve.db");
}

static int server(void) {
    if (server_pid > 0)
        return server_port;
    make_db(server_db());
    server_pid = spawn_server(server_db(), NULL, &server_port, &server_out);
    atexit(server_stop);
    return server_port;
}

typedef struct resp {
    int status;
    char *head, *body; /* malloc'd */
    char cookie[40];   /* lcm_s from Set-Cookie, "" when none */
} resp;

static void resp_free(resp *r) {
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

static resp request_as(int port, const char *method, const char *path, const char *cookie,
                       const char *body, size_t nbody, const char *ctype);

/* One request over a fresh connection. cookie may be NULL; body (a form) may be NULL. */
static resp request(int port, const char *method, const char *path, const char *cookie,
                    const char *body, size_t nbody) {
    return request_as(port, method, path, cookie, body, nbody, "application/x-www-form-urlencoded");
}

/* The same with the body's Content-Type. */
static resp request_as(int port, const char *method, const char *path, const char *cookie,
                       const char *body, size_t nbody, const char *ctype) {
    resp r = {0};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (s >= 0)
            close(s);
        r.status = -1;
        return r;
    }
    char head[1024];
    if (body && !nbody)
        nbody = strlen(body);
    int n = snprintf(
        head, sizeof head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s%s%s%s",
        method, path, cookie ? "Cookie: lcm_s=" : "", cookie ? cookie : "", cookie ? "\r\n" : "",
        body ? "Content-Type: " : "", body ? ctype : "", body ? "\r\n" : "");
    if (body)
        n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %zu\r\n", nbody);
    n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
    if (write(s, head, (size_t)n) != n || (body && write(s, body, nbody) != (ssize_t)nbody)) {
        /* the server may answer and close before reading a body it refuses */
    }
    lcm_strbuf in = LCM_STRBUF_INIT;
    char buf[8192];
    ssize_t got;
    while ((got = read(s, buf, sizeof buf)) > 0)
        lcm_strbuf_add(&in, buf, (size_t)got);
    close(s);
    char *all = lcm_strbuf_detach(&in);
    char *sep = strstr(all, "\r\n\r\n");
    if (sep) {
        *sep = '\0';
        r.body = strdup(sep + 4);
    } else
        r.body = strdup("");
    r.head = all;
    sscanf(all, "HTTP/1.%*d %d", &r.status);
    const char *c = strstr(all, "Set-Cookie: lcm_s=");
    if (c)
        sscanf(c + strlen("Set-Cookie: lcm_s="), "%32[0-9a-f]", r.cookie);
    return r;
}

/* A new respondent of the household link: its cookie and its CSRF token. */
static void respondent(int port, char cookie[40], char csrf[40]) {
    resp r = request(port, "GET", "/c/household", NULL, NULL, 0);
    if (r.status == 404) { /* once the tests made campaigns, their Beijing one */
        resp_free(&r);
        r = request(port, "GET", "/c/bj-2026", NULL, NULL, 0);
    }
    CU_ASSERT_EQUAL(r.status, 200); /* the first page at once, at its address /s */
    LCMT_ASSERT_HAS(r.body, "name=\"_page\" value=\"intro\"");
    LCMT_ASSERT_HAS(r.body, "<main data-at=\"/s\">");
    snprintf(cookie, 40, "%s", r.cookie);
    resp_free(&r);
    r = request(port, "GET", "/s", cookie, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    const char *t = strstr(r.body ? r.body : "", "name=\"_csrf\" value=\"");
    csrf[0] = '\0';
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
    CU_ASSERT_EQUAL(strlen(csrf), 32);
    resp_free(&r);
}

/* POST a page: "_csrf=…&" is put in front of form. */
static resp post(int port, const char *cookie, const char *csrf, const char *form) {
    char body[4096];
    snprintf(body, sizeof body, "_csrf=%s&%s", csrf, form);
    return request(port, "POST", "/s", cookie, body, 0);
}

/* The hidden _page of a page's body into out ("" when it has none: review, thank-you). */
static void page_of(const char *body, char *out, size_t cap) {
    const char *t = body ? strstr(body, "name=\"_page\" value=\"") : NULL;
    out[0] = '\0';
    if (t)
        snprintf(out, cap, "%.*s", (int)strcspn(t + 20, "\""), t + 20);
}

/* A page posted and saved is answered with the page that comes next: status 200 with
 * another page than the one posted (post_status says NEXT); 200 with the same page is the
 * page coming back (new questions, or _nav=stay). */
#define NEXT 1

static int post_status(int port, const char *cookie, const char *csrf, const char *form) {
    resp r = post(port, cookie, csrf, form);
    int st = r.status;
    char was[200], now[200];
    const char *k = strstr(form, "_page=");
    snprintf(was, sizeof was, "%.*s", k ? (int)strcspn(k + 6, "&") : 0, k ? k + 6 : "");
    page_of(r.body, now, sizeof now);
    if (st == 200 && (!k || strcmp(was, now) != 0))
        st = NEXT;
    resp_free(&r);
    return st;
}

/* The household as tests answer it, page by page: status expected for each post (200:
 * the page comes back with the questions these answers made relevant, then posted again). */
typedef struct step {
    const char *form;
    int status;
} step;

static char answers_sat[8] = "4", answers_no[24] = "H-001";

/* The first pages, up to consent: the questionnaire's body is there only after it. */
static void begin_household(int port, const char *cookie, const char *csrf) {
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf, "_page=intro"), NEXT);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf,
                                "_page=location&_nav=stay&q:city=1100&q:county=110101&"
                                "q:township=110101001"),
                    200);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf,
                                "_page=location&q:city=1100&q:county=110101&q:township=110101001&"
                                "q:community=110101001003&q:community_type=rc&q:household_no=T&"
                                "q:interviewer=t&q:consent=1"),
                    NEXT);
}

static void complete_household(int port, const char *cookie, const char *csrf) {
    char loc[512], sat[256];
    snprintf(loc, sizeof loc,
             "_page=location&q:city=1100&q:county=110101&q:township=110101001&"
             "q:community=110101001002&q:community_type=rc&q:household_no=%s&"
             "q:interviewer=%%3Cb%%3E%%E8%%AE%%BF%%E5%%91%%98&q:consent=1",
             answers_no);
    snprintf(sat, sizeof sat,
             "_page=services_use&q:use_cc=1&q:use_rd=0&q:freq_cc=2&q:sat_cc=4&q:sat_overall=%s",
             answers_sat);
    const step steps[] = {
        {"_page=intro", NEXT},
        {"_page=location&_nav=stay&q:city=1100", 200},
        {"_page=location&_nav=stay&q:city=1100&q:county=110101", 200},
        {"_page=location&_nav=stay&q:city=1100&q:county=110101&q:township=110101001", 200},
        {loc, NEXT},
        {"_page=respondent&q:sex=2&q:age=41&q:edu=6&q:work=1&q:disability=0", NEXT},
        {"_page=hh_size&q:hh_size=2", NEXT},
        {"_page=members:1&q:m_rel=1&q:m_sex=2&q:m_age=41&q:m_disability=0&q:m_learned=1", 200},
        {"_page=members:1&q:m_rel=1&q:m_sex=2&q:m_age=41&q:m_edu=6&q:m_work=1&q:m_disability=0&"
         "q:m_learned=1",
         NEXT},
        {"_page=members:2&q:m_rel=3&q:m_sex=1&q:m_age=9&q:m_disability=0&q:m_learned=0", 200},
        {"_page=members:2&q:m_rel=3&q:m_sex=1&q:m_age=9&q:m_edu=2&q:m_disability=0&"
         "q:m_learned=0",
         NEXT},
        {"_page=awareness&q:aware=cc&q:aware=rd", NEXT},
        {"_page=services_use&q:use_cc=1&q:use_rd=0", 200},
        {sat, NEXT},
        {"_page=learning&q:barriers=time&q:barriers=cost&q:learn_hours=30&"
         "q:suggestion=%3Cscript%3Ealert(1)%3C%2Fscript%3E+%26+more",
         NEXT},
        {"_page=thanks", NEXT},
        {"_nav=submit", NEXT},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int st = post_status(port, cookie, csrf, steps[i].form);
        if (st != steps[i].status)
            fprintf(stderr, "\nstep %zu (%s): status %d\n", i, steps[i].form, st);
        CU_ASSERT_EQUAL(st, steps[i].status);
    }
}

static char *query1(const char *sql) {
    lcm_db *db = NULL;
    char *out = NULL;
    lcm_err err = {0};
    if (lcm_db_open(server_db(), LCM_OPEN_READONLY, &db, &err) != LCM_OK) {
        fprintf(stderr, "\nquery1: %s\n", err.msg);
        return NULL;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(lcm_db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
        fprintf(stderr, "\nquery1: %s\n", sqlite3_errmsg(lcm_db_sqlite(db)));
    else {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            out = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    lcm_db_close(db);
    return out;
}

/* ---- the server ---------------------------------------------------------------------- */

static void headers_and_cookie(void) {
    int port = server();
    CU_ASSERT_FATAL(port > 0);
    resp r = request(port, "GET", "/c/household", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.head, "Set-Cookie: lcm_s=");
    LCMT_ASSERT_HAS(r.head, "; HttpOnly; SameSite=Strict");
    CU_ASSERT_PTR_NULL(strstr(r.head, "Secure")); /* plain http base URL */
    char cookie[40];
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    resp_free(&r);
    r = request(port, "GET", "/s", cookie, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.head, "Content-Security-Policy: default-src 'none'; script-src 'self'; "
                            "style-src 'self';");
    CU_ASSERT_PTR_NULL(strstr(r.head, "unsafe-inline"));
    LCMT_ASSERT_HAS(r.head, "X-Frame-Options: DENY");
    LCMT_ASSERT_HAS(r.head, "Referrer-Policy: no-referrer");
    LCMT_ASSERT_HAS(r.head, "X-Content-Type-Options: nosniff");
    LCMT_ASSERT_HAS(r.head, "Cache-Control: no-store");
    /* no inline script or style: the CSP would refuse it */
    CU_ASSERT_PTR_NULL(strstr(r.body, "<script>"));
    CU_ASSERT_PTR_NULL(strstr(r.body, "style="));
    CU_ASSERT_PTR_NULL(strstr(r.body, " onclick"));
    resp_free(&r);
}

static void secure_cookie_behind_https(void) {
    const char *db = lcmt_tmp("serve-https.db");
    int port;
    FILE *out;
    make_db(db);
    pid_t pid = spawn_server(db, "https://survey.example.cn", &port, &out);
    CU_ASSERT_FATAL(port > 0);
    resp r = request(port, "GET", "/c/household", NULL, NULL, 0);
    LCMT_ASSERT_HAS(r.head, "; HttpOnly; SameSite=Strict; Secure");
    LCMT_ASSERT_HAS(r.head, "Content-Location: https://survey.example.cn/s\r\n");
    resp_free(&r);
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    fclose(out);
}

static void csrf_refused(void) {
    int port = server();
    char cookie[40], csrf[40];
    respondent(port, cookie, csrf);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf, "_page=intro"), NEXT);
    char *before = query1("SELECT count(*) FROM serve_paradata");
    /* no token, a wrong one, another session's, no session */
    resp r = request(port, "POST", "/s", cookie, "_page=location&q:household_no=X", 0);
    CU_ASSERT_EQUAL(r.status, 403);
    resp_free(&r);
    CU_ASSERT_EQUAL(post_status(port, cookie, "00000000000000000000000000000000",
                                "_page=location&q:household_no=X"),
                    403);
    char cookie2[40], csrf2[40];
    respondent(port, cookie2, csrf2);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf2, "_page=location&q:household_no=X"), 403);
    CU_ASSERT_EQUAL(post_status(port, NULL, csrf, "_page=location&q:household_no=X"), 403);
    char *after = query1("SELECT count(*) FROM serve_paradata");
    CU_ASSERT_STRING_EQUAL(before, after); /* nothing was saved */
    char *hh = query1("SELECT count(*) FROM resp_household_2026_1 WHERE household_id = 'X'");
    CU_ASSERT_STRING_EQUAL(hh, "0");
    free(before);
    free(after);
    free(hh);
}

static void size_limits(void) {
    int port = server();
    char cookie[40], csrf[40];
    respondent(port, cookie, csrf);
    size_t n = LCM_SERVE_MAX_BODY + 100;
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    memcpy(big, "_page=intro&q:x=", 16);
    big[n] = '\0';
    resp r = request(port, "POST", "/s", cookie, big, n);
    CU_ASSERT_EQUAL(r.status, 413);
    resp_free(&r);
    /* one value over its own limit, in a body under the body's */
    char body[LCM_SERVE_MAX_VALUE + 200];
    int k = snprintf(body, sizeof body, "_csrf=%s&_page=location&q:household_no=", csrf);
    memset(body + k, 'y', LCM_SERVE_MAX_VALUE + 1);
    body[k + LCM_SERVE_MAX_VALUE + 1] = '\0';
    r = request(port, "POST", "/s", cookie, body, 0);
    CU_ASSERT_EQUAL(r.status, 400);
    resp_free(&r);
    /* a long text within the limits for a question the respondent is not asked (the
     * household number, over its 20 characters): neither read nor shown; the page comes back
     * for the places it still wants */
    char form[200];
    snprintf(form, sizeof form, "_page=location&q:household_no=%s", "123456789012345678901");
    r = post(port, cookie, csrf, form);
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "name=\"q:city\"");
    CU_ASSERT_PTR_NULL(strstr(r.body, "住户编号"));
    CU_ASSERT_PTR_NULL(strstr(r.body, "name=\"q:household_no\""));
    CU_ASSERT_PTR_NULL(strstr(r.body, "name=\"q:interviewer\""));
    resp_free(&r);
    /* a form post only */
    r = request(port, "PUT", "/s", cookie, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 405);
    resp_free(&r);
    free(big);
}

static void no_paths(void) {
    int port = server();
    static const char *const paths[] = {
        "/static/../../../../etc/passwd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/static/lcmon.css/../../etc/passwd",
        "/c/..%2F..%2Fetc%2Fpasswd",
        "/../../etc/passwd",
        "/static/",
        "/etc/passwd",
        "/c/household/../../etc/passwd",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        resp r = request(port, "GET", paths[i], NULL, NULL, 0);
        CU_ASSERT(r.status == 404 || r.status == 400);
        CU_ASSERT_PTR_NULL(strstr(r.body, "root:"));
        resp_free(&r);
    }
    resp r = request(port, "GET", "/static/lcmon.css", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.head, "Content-Type: text/css");
    resp_free(&r);
}

static void constraint_message(void) {
    int port = server();
    char cookie[40], csrf[40];
    respondent(port, cookie, csrf);
    begin_household(port, cookie, csrf);
    resp r = post(port, cookie, csrf,
                  "_page=respondent&q:sex=1&q:age=12&q:edu=3&q:work=1&q:disability=0");
    CU_ASSERT_EQUAL(r.status, 422);
    /* the form's constraint_message::zh for age (surveys/household/survey.csv) */
    LCMT_ASSERT_HAS(r.body,
                    "<p class=\"err\" id=\"e-age\" role=\"alert\">受访者应在16至100岁之间</p>");
    LCMT_ASSERT_HAS(r.body, "value=\"12\""); /* the refused answer is shown again */
    resp_free(&r);
    r = request(port, "GET", "/s?lang=en", cookie, NULL, 0);
    resp_free(&r);
    r = post(port, cookie, csrf, "_page=respondent&q:sex=1&q:age=abc&q:edu=3&q:work=1");
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "id=\"e-disability\" role=\"alert\">an answer is required</p>");
    LCMT_ASSERT_HAS(r.body, "<html lang=\"en\">");
    resp_free(&r);
    r = post(port, cookie, csrf,
             "_page=respondent&q:sex=1&q:age=101&q:edu=3&q:work=1&q:disability=0");
    LCMT_ASSERT_HAS(r.body, "The respondent is 16 to 100 years old");
    resp_free(&r);
    /* a code that is not a choice */
    r = post(port, cookie, csrf,
             "_page=respondent&q:sex=9&q:age=30&q:edu=3&q:work=1&q:disability=0");
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "id=\"e-sex\"");
    resp_free(&r);
    char *age = query1("SELECT group_concat(coalesce(age, 'null')) FROM resp_household_2026_1 "
                       "WHERE age IN (12, 101)");
    CU_ASSERT_PTR_NULL(age); /* refused answers were never stored */
    free(age);
}

static void draft_resumes(void) {
    int port = server();
    char cookie[40], csrf[40];
    respondent(port, cookie, csrf);
    begin_household(port, cookie, csrf);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf,
                                "_page=respondent&q:sex=2&q:age=33&q:edu=5&q:work=1&"
                                "q:disability=0"),
                    NEXT);
    /* the tab is closed; the link opened again with the same cookie goes on where it was */
    resp r = request(port, "GET", "/c/household", cookie, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 303);
    LCMT_ASSERT_HAS(r.head, "/s\r\n");
    resp_free(&r);
    r = request(port, "GET", "/s", cookie, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "name=\"_page\" value=\"hh_size\"");
    resp_free(&r);
    /* going back shows the stored answers */
    r = request(port, "GET", "/s?p=respondent", cookie, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "id=\"q-age\" name=\"q:age\" value=\"33\"");
    LCMT_ASSERT_HAS(r.body, "value=\"2\" checked");
    resp_free(&r);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf,
                                "_page=respondent&_nav=back&q:sex=2&q:age=33&q:edu=5&q:work=1&"
                                "q:disability=0"),
                    NEXT);
    r = request(port, "GET", "/s", cookie, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "name=\"_page\" value=\"location\"");
    resp_free(&r);
    char *back = query1("SELECT back_count FROM serve_paradata WHERE page = 'respondent' AND "
                        "instance_id = (SELECT instance_id FROM serve_sessions WHERE id = "
                        "(SELECT id FROM serve_sessions ORDER BY rowid DESC LIMIT 1))");
    CU_ASSERT_STRING_EQUAL(back ? back : "", "1");
    free(back);
}

static void submit_complete_and_estimate(void) {
    int port = server();
    char cookie[40], csrf[40];
    respondent(port, cookie, csrf);
    complete_household(port, cookie, csrf);
    resp r = request(port, "GET", "/s/done", cookie, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "id=\"done\"");
    resp_free(&r);
    /* the row holds what was posted; the interviewer's questions (household number,
     * interviewer) were not asked: the server filled them, whatever was posted for them */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT status || '|' || city || '|' || county || '|' || township || '|' || psu || "
             "'|' || stratum || '|' || (household_id GLOB 'W[0-9a-f]*' AND length(household_id) "
             "= 17) || '|' || interviewer || '|' || age || '|' || hh_size || '|' || aware || '|' "
             "|| aware_cc || aware_rd || aware_eu || '|' || sat_overall || '|' || barriers || '|' "
             "|| suggestion || '|' || source FROM resp_household_2026_1 WHERE instance_id = "
             "(SELECT instance_id FROM serve_sessions WHERE id = '%s')",
             cookie);
    char *row = query1(sql);
    CU_ASSERT_STRING_EQUAL(row ? row : "",
                           "complete|1100|110101|110101001|110101001002|1100-urban|1|自填|"
                           "41|2|cc rd|110|4.0|time cost|<script>alert(1)</script> & more|serve");
    free(row);
    snprintf(sql, sizeof sql,
             "SELECT group_concat(position || ':' || m_rel || ':' || m_age || ':' || "
             "coalesce(m_edu, '-') || ':' || coalesce(m_work, '-'), ' ') FROM "
             "resp_household_2026_1__members WHERE instance_id = (SELECT instance_id FROM "
             "serve_sessions WHERE id = '%s')",
             cookie);
    char *members = query1(sql);
    CU_ASSERT_STRING_EQUAL(members ? members : "", "1:1:41:6:1 2:3:9:2:-");
    free(members);
    /* read-only after submit */
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf, "_page=respondent&q:age=50"), 409);
    r = request(port, "GET", "/s", cookie, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 303);
    resp_free(&r);
    /* a second household, then `lcmon estimate` sees both: mean of 4 and 2 is 3 (by hand) */
    snprintf(answers_sat, sizeof answers_sat, "2");
    snprintf(answers_no, sizeof answers_no, "H-002");
    respondent(port, cookie, csrf);
    complete_household(port, cookie, csrf);
    char *fp = query1("SELECT count(*) FROM serve_submissions WHERE duplicate_of IS NOT NULL");
    CU_ASSERT_STRING_EQUAL(fp ? fp : "", "0"); /* different answers: no duplicate */
    free(fp);
    const char *design[] = {"design", "set", server_db(), "--form", "household", NULL};
    CU_ASSERT_EQUAL(lcmt_run(design, NULL, NULL, NULL), 0);
    /* both wait for review (docs/review.md): counted only when the run asks for them */
    const char *est[] = {"estimate",     server_db(), "--form",     "household", "--var",
                         "sat_overall",  "--min-n",   "1",          "--format",  "csv",
                         "--unreviewed", "include",   "--no-store", NULL};
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run(est, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, ",3,");
    LCMT_ASSERT_HAS(out, ",2,"); /* n */
    free(out);
    free(err);
    /* the first (sat_overall 4) approved, the second (2) rejected: the default run counts
     * the first alone, mean 4 of n 1 */
    char *first = query1("SELECT instance_id FROM serve_submissions ORDER BY submitted_at, rowid"
                         " LIMIT 1");
    char *second = query1("SELECT instance_id FROM serve_submissions ORDER BY submitted_at DESC,"
                          " rowid DESC LIMIT 1");
    CU_ASSERT_FATAL(first && second && strcmp(first, second) != 0);
    const char *ok[] = {"review", "set", server_db(), first, "--state", "approved", NULL};
    const char *no[] = {"review",   "set",       server_db(), second, "--state",
                        "rejected", "--comment", "重复访问",  NULL};
    CU_ASSERT_EQUAL(lcmt_run(ok, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_run(no, NULL, NULL, NULL), 0);
    est[10] = "--min-n", est[11] = "1"; /* the default rule: --unreviewed exclude */
    const char *one[] = {"design",    "set",          server_db(), "--form",
                         "household", "--lonely-psu", "certainty", NULL}; /* one PSU left */
    CU_ASSERT_EQUAL(lcmt_run(one, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_run(est, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "sat_overall,,4,");
    LCMT_ASSERT_HAS(out, ",1,"); /* n */
    free(out);
    free(err);
    free(first);
    free(second);
}

static void escaped_everywhere(void) {
    int port = server();
    char cookie[40], csrf[40];
    respondent(port, cookie, csrf);
    begin_household(port, cookie, csrf);
    CU_ASSERT_EQUAL(
        post_status(port, cookie, csrf,
                    "_page=learning&q:learn_hours=1&q:suggestion=%22%3E%3Cimg+src%3Dx+onerror%3D"
                    "alert(1)%3E%27"),
        NEXT);
    resp r = request(port, "GET", "/s?p=learning", cookie, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;\"");
    CU_ASSERT_PTR_NULL(strstr(r.body, "<img"));
    resp_free(&r);
    r = request(port, "GET", "/s/review", cookie, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;");
    LCMT_ASSERT_HAS(r.body, "href=\"/s/review?lang=en\""); /* English comes back here */
    CU_ASSERT_PTR_NULL(strstr(r.body, "<img"));
    resp_free(&r);
    /* a refused answer shown again is escaped too */
    r = post(port, cookie, csrf, "_page=respondent&q:age=%3Cb%3E");
    LCMT_ASSERT_HAS(r.body, "value=\"&lt;b&gt;\"");
    resp_free(&r);
}

/* ---- campaigns, tokens, interviewers -------------------------------------------------- */

static lcm_db *open_rw(void) {
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(server_db(), 0, &db, NULL), LCM_OK);
    return db;
}

/* The Beijing campaign of these tests, made by the first test that needs it. */
static void bj_campaign(lcm_db *db, lcm_field_campaign *c) {
    if (lcm_field_campaign_get(db, "bj-2026", c, NULL) != LCM_OK)
        CU_ASSERT_EQUAL_FATAL(lcm_field_campaign_add(db, "household", NULL, "1100", 2026,
                                                     LCM_FIELD_OPEN, "bj-2026", c, NULL),
                              LCM_OK);
}

/* A campaign in Beijing (1100) for wave 2026: the city question offers that city only. */
static void campaign_link(void) {
    int port = server();
    lcm_db *db = open_rw();
    lcm_field_campaign c;
    lcm_err err = {0};
    bj_campaign(db, &c);
    lcm_field_campaign t;
    CU_ASSERT_EQUAL_FATAL(lcm_field_campaign_add(db, "household", NULL, "1200", 2026,
                                                 LCM_FIELD_TOKEN, "tj-2026", &t, &err),
                          LCM_OK);
    lcm_db_close(db);
    resp r = request(port, "GET", "/c/bj-2026", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    char cookie[40];
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    resp_free(&r);
    char *wave = query1("SELECT city || ':' || wave FROM resp_household_2026_1 r JOIN "
                        "serve_sessions s USING (instance_id) ORDER BY s.rowid DESC LIMIT 1");
    CU_ASSERT_STRING_EQUAL(wave ? wave : "", "1100:2026");
    free(wave);
    r = request(port, "GET", "/s?p=location", cookie, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "<option value=\"1100\" selected>北京市</option>");
    CU_ASSERT_PTR_NULL(strstr(r.body, "value=\"1200\"")); /* Tianjin is not offered */
    resp_free(&r);
    /* a token campaign's public link admits nobody; unknown and front page */
    r = request(port, "GET", "/c/tj-2026", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 403);
    resp_free(&r);
    r = request(port, "GET", "/c/nowhere", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 404);
    resp_free(&r);
    r = request(port, "GET", "/", NULL, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "<a href=\"/c/bj-2026\">北京市 2026</a>");
    CU_ASSERT_PTR_NULL(strstr(r.body, "tj-2026"));
    resp_free(&r);
    /* once campaigns exist, a bare form id is no link */
    r = request(port, "GET", "/c/household", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 404);
    resp_free(&r);
    /* its QR code, of the link under the base URL */
    r = request(port, "GET", "/c/bj-2026/qr.svg", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.head, "Content-Type: image/svg+xml");
    LCMT_ASSERT_HAS(r.body, "<svg");
    resp_free(&r);
    r = request(port, "GET", "/c/bj-2026/qr.png", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.head, "Content-Type: image/png");
    CU_ASSERT(r.body && memcmp(r.body, "\x89PNG", 4) == 0);
    resp_free(&r);
}

static void token_answers_once(void) {
    int port = server();
    lcm_db *db = open_rw();
    lcm_field_campaign c;
    lcm_err err = {0};
    char tok[2][LCM_FIELD_TOKEN_LEN + 1];
    CU_ASSERT_EQUAL_FATAL(lcm_field_campaign_get(db, "tj-2026", &c, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_field_tokens_issue(db, c.id, 2, tok, NULL, &err), LCM_OK);
    lcm_db_close(db);
    char path[80], cookie[40], csrf[40];
    snprintf(path, sizeof path, "/t/%s", tok[0]);
    resp r = request(port, "GET", path, NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    resp_free(&r);
    r = request(port, "GET", "/s", cookie, NULL, 0);
    const char *t = strstr(r.body, "name=\"_csrf\" value=\"");
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
    resp_free(&r);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf, "_page=intro"), NEXT);
    /* another device (no cookie) opens the same invitation: its own draft comes back */
    r = request(port, "GET", path, NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 303);
    char cookie2[40];
    snprintf(cookie2, sizeof cookie2, "%s", r.cookie);
    CU_ASSERT_STRING_NOT_EQUAL(cookie2, cookie);
    resp_free(&r);
    r = request(port, "GET", "/s", cookie2, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "name=\"_page\" value=\"location\"");
    resp_free(&r);
    snprintf(answers_sat, sizeof answers_sat, "5");
    snprintf(answers_no, sizeof answers_no, "T-001");
    /* the location page of the Tianjin campaign offers Tianjin, so answer it there */
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf,
                                "_page=location&_nav=stay&q:city=1200&q:county=120101&"
                                "q:township=120101001"),
                    200);
    char *state = query1("SELECT state FROM field_tokens t JOIN serve_sessions s USING "
                         "(instance_id) ORDER BY s.rowid DESC LIMIT 1");
    CU_ASSERT_STRING_EQUAL(state ? state : "", "draft");
    free(state);
    r = request(port, "GET", "/s?p=location", cookie, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "<option value=\"1200\" selected>");
    resp_free(&r);
    /* a malformed or unknown token: one answer for both */
    r = request(port, "GET", "/t/aaaaaaaaaaaaaaaaaaaaaaaaaa", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 404);
    resp_free(&r);
    r = request(port, "GET", "/t/x", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 404);
    resp_free(&r);
}

static void token_submitted_opens_nothing(void) {
    int port = server();
    lcm_db *db = open_rw();
    lcm_field_campaign c;
    lcm_err err = {0};
    char tok[1][LCM_FIELD_TOKEN_LEN + 1];
    bj_campaign(db, &c);
    CU_ASSERT_EQUAL_FATAL(lcm_field_tokens_issue(db, c.id, 1, tok, NULL, &err), LCM_OK);
    lcm_db_close(db);
    char path[80], cookie[40], csrf[40];
    snprintf(path, sizeof path, "/t/%s", tok[0]);
    resp r = request(port, "GET", path, NULL, NULL, 0);
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    resp_free(&r);
    r = request(port, "GET", "/s", cookie, NULL, 0);
    const char *t = strstr(r.body, "name=\"_csrf\" value=\"");
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
    resp_free(&r);
    snprintf(answers_sat, sizeof answers_sat, "3");
    snprintf(answers_no, sizeof answers_no, "T-002");
    complete_household(port, cookie, csrf);
    db = open_rw();
    lcm_field_token ft;
    CU_ASSERT_EQUAL(lcm_field_token_find(db, tok[0], &ft, &err), LCM_OK);
    CU_ASSERT_EQUAL(ft.state, LCM_FIELD_TOKEN_SUBMITTED);
    lcm_db_close(db);
    /* the household number is the invitation's serial, the interviewer "self" */
    char sql[300], want[80];
    snprintf(sql, sizeof sql,
             "SELECT status || ':' || source || ':' || household_id || ':' || interviewer FROM "
             "resp_household_2026_1 WHERE instance_id = '%s'",
             ft.instance_id);
    snprintf(want, sizeof want, "complete:serve-token:T%06ld:自填", ft.serial);
    char *src = query1(sql);
    CU_ASSERT_STRING_EQUAL(src ? src : "", want);
    free(src);
    r = request(port, "GET", path, NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "您已提交过问卷");
    CU_ASSERT_PTR_NULL(strstr(r.head, "Set-Cookie")); /* no new draft */
    resp_free(&r);
}

static void interviewer_assignments(void) {
    int port = server();
    lcm_db *db = open_rw();
    lcm_field_campaign c;
    lcm_field_interviewer who;
    lcm_err err = {0};
    char tok[LCM_FIELD_TOKEN_LEN + 1];
    bj_campaign(db, &c);
    CU_ASSERT_EQUAL_FATAL(lcm_field_interviewer_token(db, "王访员", tok, NULL, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_field_interviewer_find(db, tok, &who, &err), LCM_OK);
    const char *csv = lcmt_tmp("assign.csv");
    const char *rows = "household_id,address,community,stratum,design_weight\n"
                       "A-01,东城区某街1号,110101001002,1100-urban,120.5\n"
                       "A-02,东城区某街<b>2</b>号,110101001002,1100-urban,120.5\n";
    lcmt_write(csv, rows, strlen(rows));
    CU_ASSERT_EQUAL_FATAL(lcm_field_assign_csv(db, c.id, who.id, csv, NULL, &err), LCM_OK);
    lcm_field_assignment *a = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_field_assignments(db, who.id, c.id, &a, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    long long a1 = a[0].id, a2 = a[1].id;
    free(a);
    lcm_db_close(db);
    /* sign in through the form (a session first, for its CSRF token) */
    resp r = request(port, "GET", "/i", NULL, NULL, 0);
    char cookie[40], csrf[40] = "", body[300];
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    const char *t = strstr(r.body, "name=\"_csrf\" value=\"");
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
    resp_free(&r);
    r = request(port, "POST", "/i", cookie, "_csrf=0&token=x", 0);
    CU_ASSERT_EQUAL(r.status, 403);
    resp_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&token=%s", csrf, "aaaaaaaaaaaaaaaaaaaaaaaaaa");
    r = request(port, "POST", "/i", cookie, body, 0);
    CU_ASSERT_EQUAL(r.status, 403);
    resp_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&token=%s", csrf, tok);
    r = request(port, "POST", "/i", cookie, body, 0);
    CU_ASSERT_EQUAL(r.status, 303);
    CU_ASSERT_STRING_NOT_EQUAL(r.cookie, cookie); /* a new session after sign-in */
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    resp_free(&r);
    r = request(port, "GET", "/i/a", cookie, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "A-01");
    LCMT_ASSERT_HAS(r.body, "东城区某街&lt;b&gt;2&lt;/b&gt;号");
    LCMT_ASSERT_HAS(r.body, "<option value=\"2.11\">");
    t = strstr(r.body, "name=\"_csrf\" value=\"");
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
    resp_free(&r);
    /* a refusal for the second household */
    snprintf(body, sizeof body, "_csrf=%s&assignment=%lld&_nav=outcome&outcome=2.11&note=%s", csrf,
             a2, "%E6%8B%92%E7%BB%9D");
    r = request(port, "POST", "/i/a", cookie, body, 0);
    CU_ASSERT_EQUAL(r.status, 303);
    resp_free(&r);
    char *d = query1("SELECT disposition FROM field_assignments WHERE household_id = 'A-02'");
    CU_ASSERT_STRING_EQUAL(d ? d : "", "2.11");
    free(d);
    /* the outcome is in the audit trail, as the interviewer's link (no account here) */
    char want[200];
    snprintf(want, sizeof want, "访问员链接#%lld|assignment/%lld|disposition=2.11", who.id, a2);
    d = query1("SELECT who || '|' || object || '|' || detail FROM audit WHERE action = "
               "'assignment.outcome'");
    CU_ASSERT_STRING_EQUAL(d ? d : "", want);
    free(d);
    /* the first: open it, the sample list's places and household number are filled */
    snprintf(body, sizeof body, "_csrf=%s&assignment=%lld&_nav=open", csrf, a1);
    r = request(port, "POST", "/i/a", cookie, body, 0);
    CU_ASSERT_EQUAL(r.status, 303);
    resp_free(&r);
    r = request(port, "GET", "/s?p=location", cookie, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "<option value=\"110101001002\" selected>");
    LCMT_ASSERT_HAS(r.body, "name=\"q:household_no\" value=\"A-01\"");
    LCMT_ASSERT_HAS(r.body, "name=\"q:interviewer\" value=\"王访员\"");
    resp_free(&r);
    snprintf(answers_sat, sizeof answers_sat, "5");
    snprintf(answers_no, sizeof answers_no, "A-01");
    complete_household(port, cookie, csrf); /* it answers the interviewer question itself */
    char *row = query1("SELECT status || '|' || household_id || '|' || psu || '|' || stratum || "
                       "'|' || design_weight || '|' || interviewer || '|' || source FROM "
                       "resp_household_2026_1 WHERE household_id = 'A-01'");
    CU_ASSERT_STRING_EQUAL(row ? row : "",
                           "complete|A-01|110101001002|1100-urban|120.5|<b>访员|serve-capi");
    free(row);
    d = query1("SELECT disposition FROM field_assignments WHERE household_id = 'A-01'");
    CU_ASSERT_STRING_EQUAL(d ? d : "", "1.1");
    free(d);
    snprintf(want, sizeof want, "访问员链接#%lld|1|assignment=%lld", who.id, a1);
    d = query1("SELECT a.who || '|' || (a.object = 'interview/' || r.instance_id) || '|' || "
               "a.detail FROM audit a, resp_household_2026_1 r WHERE a.action = "
               "'interview.submit' AND r.household_id = 'A-01'");
    CU_ASSERT_STRING_EQUAL(d ? d : "", want);
    free(d);
    /* another interviewer's household is not found by changing the number */
    r = request(port, "GET", "/i/a", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 303); /* no session: to the sign-in */
    resp_free(&r);
}

/* ---- review of interviews (serve_review.c, docs/review.md) ---------------------------------- */

/* Sign in as login at /login: the new session's cookie and CSRF token. */
static void sign_in(int port, const char *login, char cookie[40], char csrf[40]) {
    resp r = request(port, "GET", "/login", NULL, NULL, 0);
    char c0[40], t0[40] = "", body[300];
    snprintf(c0, sizeof c0, "%s", r.cookie);
    const char *t = strstr(r.body ? r.body : "", "name=\"_csrf\" value=\"");
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", t0);
    resp_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&next=%%2Freview&login=%s&password=review-pass-1", t0,
             login);
    r = request(port, "POST", "/login", c0, body, 0);
    CU_ASSERT_EQUAL(r.status, 303);
    snprintf(cookie, 40, "%s", r.cookie);
    resp_free(&r);
    r = request(port, "GET", "/home", cookie, NULL, 0); /* the sign-out form has it */
    t = strstr(r.body ? r.body : "", "name=\"_csrf\" value=\"");
    csrf[0] = '\0';
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
    CU_ASSERT_EQUAL(strlen(csrf), 32);
    resp_free(&r);
}

static int review_post(int port, const char *cookie, const char *csrf, const char *id,
                       const char *state, const char *comment) {
    char body[600];
    snprintf(body, sizeof body, "_csrf=%s&id=%s&state=%s&comment=%s", csrf, id, state, comment);
    resp r = request(port, "POST", "/review/i", cookie, body, 0);
    int st = r.status;
    resp_free(&r);
    return st;
}

/* After interviewer_assignments: 王访员's household A-01, submitted by lcmon serve, is
 * received. The coordinator of 北京 (1100) returns it with a comment; the coordinator of
 * 广州 (4401) gets 403 for it; the interviewer sees the comment on /i/a, edits and
 * resubmits; the coordinator approves it. */
static void review_pages(void) {
    int port = server();
    lcm_db *db = open_rw();
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_user_add(db, "bj-coord", "北京协调员", LCM_ROLE_CITY, "1100",
                                       "review-pass-1", NULL, NULL, &err),
                          LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_user_add(db, "gz-coord", "广州协调员", LCM_ROLE_CITY, "4401",
                                       "review-pass-1", NULL, NULL, &err),
                          LCM_OK);
    CU_ASSERT_EQUAL_FATAL(
        lcm_user_add(db, "an", "分析员", LCM_ROLE_ANALYST, "", "review-pass-1", NULL, NULL, &err),
        LCM_OK);
    char tok[LCM_FIELD_TOKEN_LEN + 1];
    CU_ASSERT_EQUAL_FATAL(lcm_field_interviewer_token(db, "王访员", tok, NULL, &err), LCM_OK);
    lcm_db_close(db);
    char *id = query1("SELECT instance_id FROM resp_household_2026_1 WHERE household_id = 'A-01'");
    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    char path[200], body[600];
    snprintf(path, sizeof path, "/review/i?id=%s", id);
    char *st = query1("SELECT state || '|' || city_code || '|' || who FROM submission_reviews"
                      " WHERE instance_id = (SELECT instance_id FROM resp_household_2026_1"
                      " WHERE household_id = 'A-01')");
    CU_ASSERT_STRING_EQUAL(st ? st : "", "received|1100|<b>访员");
    free(st);
    /* not signed in: to the sign-in page */
    resp r = request(port, "GET", "/review", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 303);
    LCMT_ASSERT_HAS(r.head, "/login?next=");
    resp_free(&r);
    /* 北京's coordinator: the list with the paradata, then the interview */
    char bj[40], bj_csrf[40];
    sign_in(port, "bj-coord", bj, bj_csrf);
    r = request(port, "GET", "/review", bj, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "A-01");
    LCMT_ASSERT_HAS(r.body, "&lt;b&gt;访员"); /* the interviewer's name as answered, escaped */
    LCMT_ASSERT_HAS(r.body, "待审核");
    resp_free(&r);
    r = request(port, "GET", "/home", bj, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "<a href=\"/review\">问卷审核</a>");
    resp_free(&r);
    r = request(port, "GET", path, bj, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"); /* read only */
    CU_ASSERT_FALSE(lcmt_has(r.body, "<script>alert"));
    CU_ASSERT_FALSE(lcmt_has(r.body, "name=\"q:"));
    LCMT_ASSERT_HAS(r.body, "id=\"f-approved\"");
    /* the paradata shown are the engine's: time on the pages in whole seconds, pages shown
     * and times gone back (lcm_review_get) */
    {
        lcm_db *vdb = open_rw();
        lcm_review v;
        CU_ASSERT_EQUAL_FATAL(lcm_review_get(vdb, id, NULL, &v, &err), LCM_OK);
        lcm_db_close(vdb);
        CU_ASSERT(v.pages > 0);
        char want[120];
        long long secs = (v.duration_ms + 500) / 1000;
        if (secs < 60)
            snprintf(want, sizeof want, "<dd id=\"duration\">%lld 秒</dd>", secs);
        else
            snprintf(want, sizeof want, "<dd id=\"duration\">%lld 分 %lld 秒</dd>", secs / 60,
                     secs % 60);
        LCMT_ASSERT_HAS(r.body, want);
        snprintf(want, sizeof want, "<dd id=\"pages\">%ld / %ld</dd>", v.pages, v.backs);
        LCMT_ASSERT_HAS(r.body, want);
        free(v.comment);
    }
    resp_free(&r);
    /* 广州's coordinator: 403 for 北京's interview, page, list and decision alike */
    char gz[40], gz_csrf[40];
    sign_in(port, "gz-coord", gz, gz_csrf);
    r = request(port, "GET", path, gz, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 403);
    CU_ASSERT_FALSE(lcmt_has(r.body, "alert(1)"));
    resp_free(&r);
    r = request(port, "GET", "/review?city=1100", gz, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 403);
    resp_free(&r);
    r = request(port, "GET", "/review", gz, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_FALSE(lcmt_has(r.body, "A-01"));
    resp_free(&r);
    CU_ASSERT_EQUAL(review_post(port, gz, gz_csrf, id, "approved", ""), 403);
    /* an analyst sees every city but reviews none */
    char an[40], an_csrf[40];
    sign_in(port, "an", an, an_csrf);
    r = request(port, "GET", path, an, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 403);
    resp_free(&r);
    /* no CSRF token, no comment for has issues: refused, nothing changed */
    snprintf(body, sizeof body, "id=%s&state=approved", id);
    r = request(port, "POST", "/review/i", bj, body, 0);
    CU_ASSERT_EQUAL(r.status, 403);
    resp_free(&r);
    CU_ASSERT_EQUAL(review_post(port, bj, bj_csrf, id, "has_issues", "+"), 422);
    snprintf(body, sizeof body,
             "SELECT state || '|' || (SELECT count(*) FROM submission_review_history h"
             " WHERE h.instance_id = r.instance_id) || '|' || (SELECT count(*) FROM audit"
             " WHERE action = 'review.set' AND object = r.instance_id) FROM submission_reviews r"
             " WHERE instance_id = '%s'",
             id);
    st = query1(body);
    CU_ASSERT_STRING_EQUAL(st ? st : "", "received|1|0");
    free(st);
    CU_ASSERT_EQUAL(review_post(port, bj, bj_csrf, id, "has_issues",
                                "%E5%B9%B4%E9%BE%84%3Cb%3E%E6%A0%B8%E5%AE%9E%3C%2Fb%3E"),
                    303); /* 年龄<b>核实</b> */
    snprintf(body, sizeof body,
             "SELECT r.state || '|' || r.comment || '|' || r.who || '|' || a.who || '|' ||"
             " a.place || '|' || a.detail FROM submission_reviews r, audit a WHERE"
             " r.instance_id = '%s' AND a.action = 'review.set' AND a.object = r.instance_id",
             id);
    st = query1(body);
    CU_ASSERT_STRING_EQUAL(st ? st : "", "has_issues|年龄<b>核实</b>|北京协调员|bj-coord|1100|"
                                         "has_issues: 年龄<b>核实</b>");
    free(st);
    CU_ASSERT_EQUAL(review_post(port, bj, bj_csrf, id, "approved", ""), 409);
    /* the interviewer: the comment on /i/a, escaped; edit; resubmit */
    r = request(port, "GET", "/i", NULL, NULL, 0);
    char iv[40], iv_csrf[40] = "";
    snprintf(iv, sizeof iv, "%s", r.cookie);
    const char *t = strstr(r.body, "name=\"_csrf\" value=\"");
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", iv_csrf);
    resp_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&token=%s", iv_csrf, tok);
    r = request(port, "POST", "/i", iv, body, 0);
    CU_ASSERT_EQUAL(r.status, 303);
    snprintf(iv, sizeof iv, "%s", r.cookie);
    resp_free(&r);
    r = request(port, "GET", "/i/a", iv, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "id=\"returned\"");
    LCMT_ASSERT_HAS(r.body, "年龄&lt;b&gt;核实&lt;/b&gt;");
    t = strstr(r.body, "name=\"_csrf\" value=\"");
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", iv_csrf);
    resp_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&id=%s", bj_csrf, id); /* not an interviewer */
    r = request(port, "POST", "/review/edit", bj, body, 0);
    CU_ASSERT_EQUAL(r.status, 303);
    LCMT_ASSERT_HAS(r.head, "/i\r\n"); /* to the interviewers' sign-in */
    resp_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&id=%s", iv_csrf, id);
    r = request(port, "POST", "/review/edit", iv, body, 0);
    CU_ASSERT_EQUAL(r.status, 303);
    LCMT_ASSERT_HAS(r.head, "/s/review");
    resp_free(&r);
    CU_ASSERT_EQUAL(post_status(port, iv, iv_csrf,
                                "_page=respondent&q:sex=2&q:age=42&q:edu=6&q:work=1&"
                                "q:disability=0"),
                    NEXT);
    CU_ASSERT_EQUAL(post_status(port, iv, iv_csrf, "_nav=submit"), NEXT);
    snprintf(body, sizeof body,
             "SELECT r.state || '|' || h.age || '|' || h.status FROM submission_reviews r"
             " JOIN resp_household_2026_1 h USING (instance_id) WHERE r.instance_id = '%s'",
             id);
    st = query1(body);
    CU_ASSERT_STRING_EQUAL(st ? st : "", "resubmitted|42|complete");
    free(st);
    r = request(port, "GET", "/i/a", iv, NULL, 0);
    CU_ASSERT_FALSE(lcmt_has(r.body, "id=\"returned\""));
    resp_free(&r);
    /* resubmitted: the coordinator approves it */
    CU_ASSERT_EQUAL(review_post(port, bj, bj_csrf, id, "approved", "%E5%A5%BD"), 303);
    snprintf(body, sizeof body,
             "SELECT group_concat(to_state, ',') FROM (SELECT to_state FROM"
             " submission_review_history WHERE instance_id = '%s' ORDER BY id)",
             id);
    st = query1(body);
    CU_ASSERT_STRING_EQUAL(st ? st : "", "received,has_issues,resubmitted,approved");
    free(st);
    /* approved is final for the coordinator; an administrator reopens it */
    CU_ASSERT_EQUAL(review_post(port, bj, bj_csrf, id, "received", ""), 409);
    db = open_rw();
    CU_ASSERT_EQUAL_FATAL(
        lcm_user_add(db, "root", "管理员", LCM_ROLE_ADMIN, "", "review-pass-1", NULL, NULL, &err),
        LCM_OK);
    lcm_db_close(db);
    char ad[40], ad_csrf[40];
    sign_in(port, "root", ad, ad_csrf);
    r = request(port, "GET", "/review?city=1100", ad, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "A-01");
    resp_free(&r);
    r = request(port, "GET", path, ad, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "id=\"f-received\"");
    CU_ASSERT_FALSE(lcmt_has(r.body, "id=\"f-approved\""));
    resp_free(&r);
    CU_ASSERT_EQUAL(review_post(port, ad, ad_csrf, id, "received", "%E5%A4%8D%E6%A0%B8"), 303);
    snprintf(body, sizeof body,
             "SELECT state || '|' || comment || '|' || who FROM submission_reviews"
             " WHERE instance_id = '%s'",
             id);
    st = query1(body);
    CU_ASSERT_STRING_EQUAL(st ? st : "", "received|复核|管理员");
    free(st);
    free(id);
}

/* After review_pages: the review list, the interview and its history show Beijing time
 * (UTC+8) to the minute, the engine's stored UTC time converted, and say so once; no stored
 * UTC text is on the page. A stored time across the year end (2026-12-31T16:30:00Z is
 * 2027-01-01 00:30) and the leap day (2028-02-28T20:00:00Z is 2028-02-29 04:00) roll; an
 * unreadable one is shown as it is, escaped. */
static void review_times_beijing(void) {
    int port = server();
    char ad[40], ad_csrf[40], path[200], want[300], q[1000];
    sign_in(port, "root", ad, ad_csrf);
    char *id = query1("SELECT instance_id FROM resp_household_2026_1 WHERE household_id = 'A-01'");
    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    snprintf(path, sizeof path, "/review/i?id=%s", id);
    lcm_db *db = open_rw();
    lcm_review v;
    CU_ASSERT_EQUAL_FATAL(lcm_review_get(db, id, NULL, &v, NULL), LCM_OK);
    free(v.comment);
    lcm_db_close(db);
    char bj[20];
    lcmt_shown_time(v.submitted_at, bj);
    /* the list */
    resp r = request(port, "GET", "/review?city=1100", ad, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "<th>提交时间（北京时间）</th>");
    snprintf(want, sizeof want, "<tr id=\"r-%s\"><td>%s</td>", id, bj);
    LCMT_ASSERT_HAS(r.body, want);
    CU_ASSERT_FALSE(lcmt_has_utc_iso(r.body));
    resp_free(&r);
    /* the interview and every line of its history */
    r = request(port, "GET", path, ad, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    snprintf(want, sizeof want, "<dt>提交时间（北京时间）</dt><dd id=\"submitted\">%s</dd>", bj);
    LCMT_ASSERT_HAS(r.body, want);
    LCMT_ASSERT_HAS(r.body, "<h2>审核记录（北京时间）</h2>");
    db = open_rw();
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(
        lcm_db_sqlite(db),
        "SELECT at FROM submission_review_history WHERE instance_id = ?1 ORDER BY id", -1, &st,
        NULL);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int lines = 0;
    for (; sqlite3_step(st) == SQLITE_ROW; lines++) {
        lcmt_shown_time((const char *)sqlite3_column_text(st, 0), bj);
        snprintf(want, sizeof want, "<li>%s ", bj);
        LCMT_ASSERT_HAS(r.body, want);
    }
    sqlite3_finalize(st);
    lcm_db_close(db);
    CU_ASSERT_EQUAL(lines, 5); /* received, has issues, resubmitted, approved, received */
    CU_ASSERT_FALSE(lcmt_has_utc_iso(r.body));
    resp_free(&r);
    /* fixed times: the year end and the leap day (a line added: the history is append-only) */
    char *old_at = query1("SELECT submitted_at FROM serve_submissions WHERE instance_id ="
                          " (SELECT instance_id FROM resp_household_2026_1"
                          " WHERE household_id = 'A-01')");
    CU_ASSERT_PTR_NOT_NULL_FATAL(old_at);
    snprintf(q, sizeof q,
             "UPDATE serve_submissions SET submitted_at = '2026-12-31T16:30:00Z'"
             " WHERE instance_id = '%s'; INSERT INTO submission_review_history(instance_id,"
             " form_id, form_version, city_code, to_state, comment, who, from_state, at)"
             " SELECT instance_id, form_id, form_version, city_code, to_state, '', who,"
             " to_state, '2028-02-28T20:00:00Z' FROM submission_review_history"
             " WHERE instance_id = '%s' ORDER BY id DESC LIMIT 1",
             id, id);
    CU_ASSERT_EQUAL(lcmt_exec(server_db(), q), 0);
    r = request(port, "GET", "/review?city=1100", ad, NULL, 0);
    snprintf(want, sizeof want, "<tr id=\"r-%s\"><td>2027-01-01 00:30</td>", id);
    LCMT_ASSERT_HAS(r.body, want);
    resp_free(&r);
    r = request(port, "GET", path, ad, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "<dd id=\"submitted\">2027-01-01 00:30</dd>");
    LCMT_ASSERT_HAS(r.body, "<li>2028-02-29 04:00 ");
    resp_free(&r);
    /* unreadable: as it is, escaped; empty: empty */
    snprintf(q, sizeof q,
             "UPDATE serve_submissions SET submitted_at = '<b>2026-13-01</b>'"
             " WHERE instance_id = '%s'",
             id);
    CU_ASSERT_EQUAL(lcmt_exec(server_db(), q), 0);
    r = request(port, "GET", "/review?city=1100", ad, NULL, 0);
    snprintf(want, sizeof want, "<tr id=\"r-%s\"><td>&lt;b&gt;2026-13-01&lt;/b&gt;</td>", id);
    LCMT_ASSERT_HAS(r.body, want);
    CU_ASSERT_PTR_NULL(strstr(r.body, "<b>2026-13-01"));
    resp_free(&r);
    snprintf(q, sizeof q, "UPDATE serve_submissions SET submitted_at = '' WHERE instance_id = '%s'",
             id);
    CU_ASSERT_EQUAL(lcmt_exec(server_db(), q), 0);
    r = request(port, "GET", path, ad, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "<dd id=\"submitted\"></dd>");
    resp_free(&r);
    /* English says it in English */
    snprintf(q, sizeof q, "%s&lang=en", path);
    r = request(port, "GET", q, ad, NULL, 0);
    LCMT_ASSERT_HAS(r.body, "<dt>Submitted (Beijing time)</dt>");
    LCMT_ASSERT_HAS(r.body, "<h2>History (Beijing time)</h2>");
    LCMT_ASSERT_HAS(r.body, "<li>2028-02-29 04:00 ");
    resp_free(&r);
    r = request(port, "GET", "/review?lang=zh", ad, NULL, 0);
    resp_free(&r);
    snprintf(q, sizeof q,
             "UPDATE serve_submissions SET submitted_at = '%s' WHERE instance_id = '%s'", old_at,
             id);
    CU_ASSERT_EQUAL(lcmt_exec(server_db(), q), 0);
    free(old_at);
    free(id);
}

static void duplicate_flagged(void) {
    int port = server();
    char cookie[40], csrf[40];
    lcm_db *db = open_rw();
    lcm_field_campaign c;
    CU_ASSERT_EQUAL(lcm_field_campaign_add(db, "household", NULL, "1100", 2027, LCM_FIELD_OPEN,
                                           "dup-2027", &c, NULL),
                    LCM_OK);
    lcm_db_close(db);
    snprintf(answers_sat, sizeof answers_sat, "1");
    snprintf(answers_no, sizeof answers_no, "D-001");
    for (int k = 0; k < 2; k++) {
        resp r = request(port, "GET", "/c/dup-2027", NULL, NULL, 0);
        snprintf(cookie, sizeof cookie, "%s", r.cookie);
        resp_free(&r);
        r = request(port, "GET", "/s", cookie, NULL, 0);
        const char *t = strstr(r.body, "name=\"_csrf\" value=\"");
        if (t)
            sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
        resp_free(&r);
        complete_household(port, cookie, csrf);
    }
    char *dup = query1("SELECT count(*) || ':' || count(duplicate_of) FROM serve_submissions "
                       "WHERE campaign = 'dup-2027'");
    CU_ASSERT_STRING_EQUAL(dup ? dup : "", "2:1"); /* the second is flagged, both are kept */
    free(dup);
}

static void rate_limited(void) {
    const char *db = lcmt_tmp("serve-rate.db");
    int port;
    FILE *out;
    make_db(db);
    int fd[2];
    CU_ASSERT_FATAL(pipe(fd) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl(LCMT_LCMON, "lcmon", "serve", db, "--listen", "127.0.0.1:0", "--rate-limit", "2",
              (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    out = fdopen(fd[0], "r");
    char line[512];
    port = 0;
    if (fgets(line, sizeof line, out) && strstr(line, "listening on 127.0.0.1:"))
        port = atoi(strstr(line, "listening on 127.0.0.1:") + 23);
    CU_ASSERT_FATAL(port > 0);
    int st[3];
    for (int i = 0; i < 3; i++) {
        resp r = request(port, "GET", "/c/household", NULL, NULL, 0);
        st[i] = r.status;
        resp_free(&r);
    }
    CU_ASSERT_EQUAL(st[0], 200);
    CU_ASSERT_EQUAL(st[1], 200);
    CU_ASSERT_EQUAL(st[2], 429); /* within the same minute: a busy machine takes < 1 min */
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    fclose(out);
}

/* The types a web form collects besides the household form's: a geopoint typed as "lat
 * lon" (lcmon.js adds a button filling it from navigator.geolocation; without script it is a
 * text input), a barcode as text, and the metadata the server fills: start, end, today,
 * username and deviceid (the browser's: "web-" and 16 hex digits of the SHA-256 of the
 * session id, not the server's host name). Values checked in the database. */
static void web_types(void) {
    char dir[512], path[600]; /* lcmt_tmp's buffer is used again below */
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("webtypes"));
    mkdir(dir, 0700);
    static const char survey[] = "type,name,label::zh,label::en,required,constraint\n"
                                 "start,start,,,,\n"
                                 "end,end,,,,\n"
                                 "today,today,,,,\n"
                                 "deviceid,deviceid,,,,\n"
                                 "username,username,,,,\n"
                                 "begin group,where,位置,Where,,\n"
                                 "geopoint,gp,住所位置,Location of the home,yes,\n"
                                 "barcode,bc,问卷条码,Barcode of the paper form,yes,\n"
                                 "end group,,,,,\n";
    static const char settings[] = "form_id,version,form_title,default_language\n"
                                   "webtypes,1,网页类型,zh\n";
    snprintf(path, sizeof path, "%s/survey.csv", dir);
    lcmt_write(path, survey, strlen(survey));
    snprintf(path, sizeof path, "%s/settings.csv", dir);
    lcmt_write(path, settings, strlen(settings));
    const char *db = lcmt_tmp("serve-webtypes.db");
    remove(db);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"form", "load", db, dir, NULL}, NULL, NULL, NULL), 0);
    int port;
    FILE *out;
    pid_t pid = spawn_server(db, NULL, &port, &out);
    CU_ASSERT_FATAL(port > 0);
    resp r = request(port, "GET", "/c/webtypes", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "name=\"q:gp\" value=\"\"");
    LCMT_ASSERT_HAS(r.body, "data-geo=\"1\""); /* lcmon.js adds its button */
    LCMT_ASSERT_HAS(r.body, "name=\"q:bc\"");
    char cookie[40], csrf[40] = "";
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    const char *t = strstr(r.body, "name=\"_csrf\" value=\"");
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
    resp_free(&r);
    /* a geopoint that is not "lat lon" is refused beside the question */
    r = post(port, cookie, csrf, "_page=where&q:gp=north&q:bc=6901234567892");
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "id=\"e-gp\"");
    resp_free(&r);
    CU_ASSERT_EQUAL(
        post_status(port, cookie, csrf, "_page=where&q:gp=39.9042+116.4074&q:bc=6901234567892"),
        NEXT);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf, "_nav=submit"), NEXT);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    fclose(out);
    char hex[65], want[200];
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    sqlite3_stmt *st = NULL;
    char got[400] = "";
    if (sqlite3_prepare_v2(lcm_db_sqlite(h),
                           "SELECT status || '|' || gp || '|' || bc || '|' || deviceid || '|' || "
                           "username || '|' || (today = date('now', 'localtime')) || '|' || "
                           "(started_at IS NOT NULL AND ended_at >= started_at) FROM "
                           "resp_webtypes_1",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(got, sizeof got, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    lcm_db_close(h);
    lcm_field_sha256_hex(cookie, strlen(cookie), hex);
    snprintf(want, sizeof want, "complete|39.9042 116.4074|6901234567892|web-%.16s|自填|1|1", hex);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "\nweb_types: stored %s\n          wanted %s\n", got, want);
    CU_ASSERT_STRING_EQUAL(got, want);
}

/* Write survey and settings into a new form folder under name, load it into a new database
 * db (lcmt_tmp's buffer is used again: both are copied). */
static void form_db(const char *name, const char *survey, const char *settings, char *db,
                    size_t cap) {
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp(name));
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/survey.csv", dir);
    lcmt_write(path, survey, strlen(survey));
    snprintf(path, sizeof path, "%s/settings.csv", dir);
    lcmt_write(path, settings, strlen(settings));
    char dbname[256];
    snprintf(dbname, sizeof dbname, "serve-%s.db", name);
    snprintf(db, cap, "%s", lcmt_tmp(dbname));
    remove(db);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"form", "load", db, dir, NULL}, NULL, NULL, NULL), 0);
}

/* XLSForm dynamic defaults on the web: a default that is an expression is evaluated when
 * the page is shown (q0 answered 3 on the page before, so q1 shows ${q0} + 1 = 4; d shows
 * today()), a literal default (q0: 7) is shown as it is; the value accepted is stored. */
static void dynamic_default(void) {
    static const char survey[] = "type,name,label::zh,default\n"
                                 "begin group,p1,第一页,\n"
                                 "integer,q0,问题零,7\n"
                                 "end group,,,\n"
                                 "begin group,p2,第二页,\n"
                                 "integer,q1,问题一,${q0} + 1\n"
                                 "date,d,日期,today()\n"
                                 "end group,,,\n";
    char db[600];
    form_db("dyndef", survey, "form_id,version,default_language\ndyndef,1,zh\n", db, sizeof db);
    int port;
    FILE *out;
    pid_t pid = spawn_server(db, NULL, &port, &out);
    CU_ASSERT_FATAL(port > 0);
    resp r = request(port, "GET", "/c/dyndef", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "name=\"q:q0\" value=\"7\"");
    char cookie[40], csrf[40] = "";
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    const char *t = strstr(r.body, "name=\"_csrf\" value=\"");
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
    resp_free(&r);
    r = post(port, cookie, csrf, "_page=p1&q:q0=3");
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "name=\"q:q1\" value=\"4\"");
    time_t now = time(NULL);
    char today[16], want[64];
    strftime(today, sizeof today, "%Y-%m-%d", localtime(&now));
    snprintf(want, sizeof want, "name=\"q:d\" value=\"%s\"", today);
    LCMT_ASSERT_HAS(r.body, want);
    resp_free(&r);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf, "_page=p2&q:q1=4"), NEXT);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf, "_nav=submit"), NEXT);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    fclose(out);
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    sqlite3_stmt *st = NULL;
    char got[100] = "";
    if (sqlite3_prepare_v2(lcm_db_sqlite(h),
                           "SELECT status || '|' || q0 || '|' || q1 FROM "
                           "resp_dyndef_1",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(got, sizeof got, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    lcm_db_close(h);
    CU_ASSERT_STRING_EQUAL(got, "complete|3|4");
}

/* A page with one file posted as multipart/form-data: _csrf (when csrf is not NULL) and
 * _page as fields, the file under q:<field> with a browser's name and type that lcmon must
 * not believe. */
static resp post_file(int port, const char *cookie, const char *csrf, const char *page,
                      const char *field, const void *data, size_t n) {
    lcm_strbuf b = LCM_STRBUF_INIT;
    if (csrf)
        lcm_strbuf_addf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n",
                        csrf);
    lcm_strbuf_addf(&b,
                    "--XyZ\r\nContent-Disposition: form-data; name=\"_page\"\r\n\r\n%s\r\n"
                    "--XyZ\r\nContent-Disposition: form-data; name=\"q:%s\"; "
                    "filename=\"../../etc/passwd\"\r\nContent-Type: image/png\r\n\r\n",
                    page, field);
    lcm_strbuf_add(&b, data, n);
    lcm_strbuf_adds(&b, "\r\n--XyZ--\r\n");
    resp r =
        request_as(port, "POST", "/s", cookie, b.buf, b.len, "multipart/form-data; boundary=XyZ");
    lcm_strbuf_release(&b);
    return r;
}

/* Photos, recordings and files on the web form (`lcmon serve --max-upload 1000` here): each
 * file's type is read from its bytes (JPEG, PNG, WebP, MP3, M4A, PDF), a type the question
 * does not take and a file over the limit are refused beside the question and store
 * nothing, a post without the CSRF token is refused; what is taken is stored in
 * serve_uploads with its size, type and SHA-256, and the answer is the name lcmon gave it
 * (16 hex digits of the SHA-256 and the type's ending), never the name the browser sent. */
static void uploads(void) {
    static const char survey[] = "type,name,label::zh\n"
                                 "begin group,p1,照片一\nimage,ph1,门牌照片\nend group,,\n"
                                 "begin group,p2,照片二\nimage,ph2,照片\nend group,,\n"
                                 "begin group,p3,照片三\nphoto,ph3,照片\nend group,,\n"
                                 "begin group,p4,录音一\naudio,au1,录音\nend group,,\n"
                                 "begin group,p5,录音二\naudio,au2,录音\nend group,,\n"
                                 "begin group,p6,文件\nfile,doc,文件\nend group,,\n";
    char db[600];
    form_db("uploads", survey, "form_id,version,default_language\nuploads,1,zh\n", db, sizeof db);
    int fd[2], port = 0;
    CU_ASSERT_FATAL(pipe(fd) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl(LCMT_LCMON, "lcmon", "serve", db, "--listen", "127.0.0.1:0", "--rate-limit", "0",
              "--max-upload", "1000", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    FILE *out = fdopen(fd[0], "r");
    char line[512];
    if (out && fgets(line, sizeof line, out) && strstr(line, "listening on 127.0.0.1:"))
        port = atoi(strstr(line, "listening on 127.0.0.1:") + strlen("listening on 127.0.0.1:"));
    CU_ASSERT_FATAL(port > 0);
    resp r = request(port, "GET", "/c/uploads", NULL, NULL, 0);
    CU_ASSERT_EQUAL(r.status, 200);
    LCMT_ASSERT_HAS(r.body, "enctype=\"multipart/form-data\"");
    LCMT_ASSERT_HAS(r.body, "<input type=\"file\" id=\"q-ph1\" name=\"q:ph1\" "
                            "accept=\"image/jpeg,image/png,image/webp\"");
    char cookie[40], csrf[40] = "";
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    const char *t = strstr(r.body, "name=\"_csrf\" value=\"");
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
    resp_free(&r);
    static const char jpeg[] = "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01 a photo";
    static const char png[] = "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR a picture";
    static const char webp[] = "RIFF\x14\x00\x00\x00WEBPVP8 a picture";
    static const char mp3[] = "ID3\x03\x00\x00\x00\x00\x00\x00 a recording";
    static const char m4a[] = "\x00\x00\x00\x18"
                              "ftypM4A \x00\x00\x00\x00 a recording";
    static const char pdf[] = "%PDF-1.4\n% a document\n";
    char big[1001];
    memset(big, 'x', sizeof big);
    memcpy(big, jpeg, 4);
    /* refused: a PDF for a photo, a photo over 1000 bytes, no CSRF token */
    r = post_file(port, cookie, csrf, "p1", "ph1", pdf, sizeof pdf - 1);
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "id=\"e-ph1\" role=\"alert\">请上传照片（JPEG、PNG 或 WebP）</p>");
    resp_free(&r);
    r = post_file(port, cookie, csrf, "p1", "ph1", big, sizeof big);
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "id=\"e-ph1\" role=\"alert\">文件太大：最多 1000 字节</p>");
    resp_free(&r);
    r = post_file(port, cookie, NULL, "p1", "ph1", jpeg, sizeof jpeg - 1);
    CU_ASSERT_EQUAL(r.status, 403);
    resp_free(&r);
    /* taken, one type per page */
    static const struct {
        const char *page, *field, *data;
        size_t n;
    } ok[] = {
        {"p1", "ph1", jpeg, sizeof jpeg - 1}, {"p2", "ph2", png, sizeof png - 1},
        {"p3", "ph3", webp, sizeof webp - 1}, {"p4", "au1", mp3, sizeof mp3 - 1},
        {"p5", "au2", m4a, sizeof m4a - 1},   {"p6", "doc", pdf, sizeof pdf - 1},
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        r = post_file(port, cookie, csrf, ok[k].page, ok[k].field, ok[k].data, ok[k].n);
        CU_ASSERT_EQUAL(r.status, 200);
        char now[64];
        page_of(r.body, now, sizeof now);
        if (strcmp(now, ok[k].page) == 0)
            fprintf(stderr, "\nuploads: %s refused\n", ok[k].field);
        CU_ASSERT_STRING_NOT_EQUAL(now, ok[k].page);
        resp_free(&r);
    }
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf, "_nav=submit"), NEXT);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    fclose(out);
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    sqlite3_stmt *st = NULL;
    static const char *const mimes[] = {"image/jpeg", "image/png", "image/webp",
                                        "audio/mpeg", "audio/mp4", "application/pdf"};
    static const char *const exts[] = {"jpg", "png", "webp", "mp3", "m4a", "pdf"};
    static const char *const cols[] = {"ph1", "ph2", "ph3", "au1", "au2", "doc"};
    for (size_t k = 0; k < 6; k++) {
        char sql[400], got[300] = "", want[300], hex[65];
        snprintf(sql, sizeof sql,
                 "SELECT u.name || '|' || u.mime || '|' || u.size || '|' || u.sha256 || '|' || "
                 "(u.data = ?) || '|' || r.%s || '|' || r.status FROM serve_uploads u JOIN "
                 "resp_uploads_1 r ON r.instance_id = u.instance_id WHERE u.field = '%s' AND "
                 "u.row = 0",
                 cols[k], cols[k]);
        if (sqlite3_prepare_v2(lcm_db_sqlite(h), sql, -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_blob(st, 1, ok[k].data, (int)ok[k].n, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW)
                snprintf(got, sizeof got, "%s", (const char *)sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
        lcm_field_sha256_hex(ok[k].data, ok[k].n, hex);
        snprintf(want, sizeof want, "%.16s.%s|%s|%zu|%s|1|%.16s.%s|complete", hex, exts[k],
                 mimes[k], ok[k].n, hex, hex, exts[k]);
        if (strcmp(got, want) != 0)
            fprintf(stderr, "\nuploads: %s\n  got  %s\n  want %s\n", cols[k], got, want);
        CU_ASSERT_STRING_EQUAL(got, want);
    }
    char got[40] = "";
    if (sqlite3_prepare_v2(lcm_db_sqlite(h), "SELECT count(*) FROM serve_uploads", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(got, sizeof got, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    lcm_db_close(h);
    CU_ASSERT_STRING_EQUAL(got, "6"); /* the refused files stored nothing */
}

/* A photo question inside a repeat: each member's photo is stored under its row, and the
 * repeat's table holds each member's own file name. */
static void uploads_in_repeat(void) {
    static const char survey[] = "type,name,label::zh,repeat_count\n"
                                 "begin group,p0,人数,\ninteger,n,几个孩子,\nend group,,,\n"
                                 "begin repeat,kids,孩子,${n}\nimage,kph,照片,\nend repeat,,,\n";
    char db[600];
    form_db("uprep", survey, "form_id,version,default_language\nuprep,1,zh\n", db, sizeof db);
    int port;
    FILE *out;
    pid_t pid = spawn_server(db, NULL, &port, &out);
    CU_ASSERT_FATAL(port > 0);
    resp r = request(port, "GET", "/c/uprep", NULL, NULL, 0);
    char cookie[40], csrf[40] = "";
    snprintf(cookie, sizeof cookie, "%s", r.cookie);
    const char *t = strstr(r.body, "name=\"_csrf\" value=\"");
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
    resp_free(&r);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf, "_page=p0&q:n=2"), NEXT);
    static const char jpeg[] = "\xff\xd8\xff\xe0 kid one";
    static const char png[] = "\x89PNG\r\n\x1a\n kid two";
    r = post_file(port, cookie, csrf, "kids:1", "kph", jpeg, sizeof jpeg - 1);
    CU_ASSERT_EQUAL(r.status, 200);
    resp_free(&r);
    r = post_file(port, cookie, csrf, "kids:2", "kph", png, sizeof png - 1);
    CU_ASSERT_EQUAL(r.status, 200);
    resp_free(&r);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    fclose(out);
    char h1[65], h2[65], want[200], got[200] = "";
    lcm_field_sha256_hex(jpeg, sizeof jpeg - 1, h1);
    lcm_field_sha256_hex(png, sizeof png - 1, h2);
    snprintf(want, sizeof want, "1:%.16s.jpg=%.16s.jpg 2:%.16s.png=%.16s.png", h1, h1, h2, h2);
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(lcm_db_sqlite(h),
                           "SELECT group_concat(u.row || ':' || u.name || '=' || k.kph, ' ') "
                           "FROM (SELECT * FROM serve_uploads ORDER BY row) u JOIN "
                           "resp_uprep_1__kids k ON k.position = u.row WHERE u.field = 'kph'",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(got, sizeof got, "%s", (const char *)sqlite3_column_text(st, 0));
    else
        fprintf(stderr, "\nuploads_in_repeat: %s\n", sqlite3_errmsg(lcm_db_sqlite(h)));
    sqlite3_finalize(st);
    lcm_db_close(h);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "\nuploads_in_repeat: got %s\n  want %s\n", got, want);
    CU_ASSERT_STRING_EQUAL(got, want);
}

/* The type of a file from its first bytes, for each type lcmon knows, and a few that are not
 * (an HTML page called photo.jpg is not a photo). */
static void sniff_types(void) {
    static const struct {
        const char *bytes;
        size_t n;
        const char *mime, *ext;
    } cases[] = {
        {"\xff\xd8\xff\xdb", 4, "image/jpeg", "jpg"},
        {"\x89PNG\r\n\x1a\n", 8, "image/png", "png"},
        {"RIFF\0\0\0\0WEBP", 12, "image/webp", "webp"},
        {"RIFF\0\0\0\0WAVE", 12, NULL, NULL},
        {"ID3\x04", 4, "audio/mpeg", "mp3"},
        {"\xff\xfb\x90\x00", 4, "audio/mpeg", "mp3"},
        {"\0\0\0\x20"
         "ftypM4A ",
         12, "audio/mp4", "m4a"},
        {"\0\0\0\x20"
         "ftypisom",
         12, "video/mp4", "mp4"},
        {"\x1a\x45\xdf\xa3", 4, "video/webm", "webm"},
        {"%PDF-1.7", 8, "application/pdf", "pdf"},
        {"<html>", 6, NULL, NULL},
        {"\xff\xd8", 2, NULL, NULL},
        {"", 0, NULL, NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *ext = "?", *mime = lcm_serve_sniff(cases[k].bytes, cases[k].n, &ext);
        CU_ASSERT_STRING_EQUAL(mime ? mime : "(none)", cases[k].mime ? cases[k].mime : "(none)");
        CU_ASSERT_STRING_EQUAL(ext ? ext : "(none)", cases[k].ext ? cases[k].ext : "(none)");
    }
    CU_ASSERT_EQUAL(lcm_serve_upload_allowed("image", "image/png"), 1);
    CU_ASSERT_EQUAL(lcm_serve_upload_allowed("image", "application/pdf"), 0);
    CU_ASSERT_EQUAL(lcm_serve_upload_allowed("audio", "audio/mp4"), 1);
    CU_ASSERT_EQUAL(lcm_serve_upload_allowed("audio", "video/mp4"), 0);
    CU_ASSERT_EQUAL(lcm_serve_upload_allowed("video", "video/webm"), 1);
    CU_ASSERT_EQUAL(lcm_serve_upload_allowed("file", "application/pdf"), 1);
    CU_ASSERT_EQUAL(lcm_serve_upload_allowed("file", NULL), 0);
    CU_ASSERT_EQUAL(lcm_serve_upload_allowed("osm", "image/png"), 0);
}

/* Add and remove members: the count question (hh_size) follows, rows after a removed one
 * move up with their answers, and hh_size's own constraint (1..20) still holds. */
static void roster_add_remove(void) {
    int port = server();
    char cookie[40], csrf[40];
    respondent(port, cookie, csrf);
    begin_household(port, cookie, csrf);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf,
                                "_page=respondent&q:sex=1&q:age=50&q:edu=3&q:work=1&"
                                "q:disability=0"),
                    NEXT);
    /* the page says when it was shown (hidden _shown, ms): 2 s before now is 2 s spent */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char hh[120];
    snprintf(hh, sizeof hh, "_page=hh_size&_shown=%lld&q:hh_size=1",
             (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - 2000);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf, hh), NEXT);
    static const char *const m[] = {
        "q:m_rel=1&q:m_sex=1&q:m_age=50&q:m_edu=3&q:m_work=1&q:m_disability=0&q:m_learned=0",
        "q:m_rel=2&q:m_sex=2&q:m_age=48&q:m_edu=4&q:m_work=2&q:m_disability=0&q:m_learned=1",
        "q:m_rel=3&q:m_sex=1&q:m_age=20&q:m_edu=6&q:m_work=3&q:m_disability=1&q:m_learned=1",
    };
    char form[400];
    for (int k = 0; k < 3; k++) { /* member k+1 (education and work appear with the age),
                                     then "add a member" (not after the last) */
        snprintf(form, sizeof form, "_page=members:%d&_nav=stay&%s", k + 1, m[k]);
        CU_ASSERT_EQUAL(post_status(port, cookie, csrf, form), 200);
        snprintf(form, sizeof form, "_page=members:%d&_nav=%s&%s", k + 1, k < 2 ? "add" : "next",
                 m[k]);
        CU_ASSERT_EQUAL(post_status(port, cookie, csrf, form), NEXT);
    }
    char *n = query1("SELECT hh_size || ':' || (SELECT count(*) FROM "
                     "resp_household_2026_1__members WHERE instance_id = r.instance_id) FROM "
                     "resp_household_2026_1 r JOIN serve_sessions s USING (instance_id) WHERE "
                     "s.id = (SELECT id FROM serve_sessions ORDER BY rowid DESC LIMIT 1)");
    CU_ASSERT_STRING_EQUAL(n ? n : "", "3:3");
    free(n);
    /* remove the second member: the third becomes the second */
    snprintf(form, sizeof form, "_page=members:2&_nav=remove&%s", m[1]);
    resp r = post(port, cookie, csrf, form);
    CU_ASSERT_EQUAL(r.status, 200); /* the member before, at its own address */
    LCMT_ASSERT_HAS(r.body, "name=\"_page\" value=\"members:1\"");
    LCMT_ASSERT_HAS(r.body, "<main data-at=\"/s?p=members:1\">");
    LCMT_ASSERT_HAS(r.head, "Content-Location: http://127.0.0.1:");
    LCMT_ASSERT_HAS(r.head, "/s?p=members:1\r\n");
    resp_free(&r);
    r = request(port, "GET", "/s", cookie, NULL, 0); /* and where the session is */
    LCMT_ASSERT_HAS(r.body, "name=\"_page\" value=\"members:1\"");
    resp_free(&r);
    n = query1("SELECT r.hh_size || ':' || group_concat(m.position || '=' || m.m_rel || '/' || "
               "m.m_age, ' ') FROM resp_household_2026_1 r JOIN resp_household_2026_1__members m "
               "USING (instance_id) JOIN serve_sessions s USING (instance_id) WHERE s.id = "
               "(SELECT id FROM serve_sessions ORDER BY rowid DESC LIMIT 1)");
    CU_ASSERT_STRING_EQUAL(n ? n : "", "2:1=1/50 2=3/20");
    free(n);
    /* the last member cannot go: hh_size 0 breaks its constraint, said in the form's words */
    snprintf(form, sizeof form, "_page=members:2&_nav=remove&%s", m[2]);
    CU_ASSERT_EQUAL(post_status(port, cookie, csrf, form), NEXT);
    snprintf(form, sizeof form, "_page=members:1&_nav=remove&%s", m[0]);
    r = post(port, cookie, csrf, form);
    CU_ASSERT_EQUAL(r.status, 422);
    LCMT_ASSERT_HAS(r.body, "常住人口应在1至20人之间");
    resp_free(&r);
    /* paradata: every posted page has its times; the roster pages were posted */
    char *pd = query1("SELECT count(*) || ':' || sum(first_shown IS NOT NULL) || ':' || "
                      "sum(submitted IS NOT NULL) || ':' || min(time_ms >= 0) FROM serve_paradata "
                      "WHERE instance_id = (SELECT instance_id FROM serve_sessions ORDER BY rowid "
                      "DESC LIMIT 1)");
    /* pages posted: intro, location, respondent, hh_size, members:1, members:2, members:3 */
    CU_ASSERT_STRING_EQUAL(pd ? pd : "", "7:1:7:1");
    free(pd);
    pd = query1("SELECT time_ms >= 2000 AND time_ms < 3600000 FROM serve_paradata WHERE page = "
                "'hh_size' AND instance_id = (SELECT instance_id FROM serve_sessions ORDER BY "
                "rowid DESC LIMIT 1)");
    CU_ASSERT_STRING_EQUAL(pd ? pd : "", "1");
    free(pd);
}

static void stops_on_sigterm(void) {
    if (server_pid <= 0)
        server();
    kill(server_pid, SIGTERM);
    int status;
    waitpid(server_pid, &status, 0);
    server_pid = 0;
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    fclose(server_out);
}

const lcmt_case lcmt_serve_cases[] = {
    {"decode_form", decode_form},
    {"decode_refuses", decode_refuses},
    {"cookie_header", cookie_header},
    {"html_escape", html_escape},
    {"headers_and_cookie", headers_and_cookie},
    {"secure_cookie_behind_https", secure_cookie_behind_https},
    {"csrf_refused", csrf_refused},
    {"size_limits", size_limits},
    {"no_paths", no_paths},
    {"constraint_message", constraint_message},
    {"draft_resumes", draft_resumes},
    {"submit_complete_and_estimate", submit_complete_and_estimate},
    {"escaped_everywhere", escaped_everywhere},
    {"campaign_link", campaign_link},
    {"token_answers_once", token_answers_once},
    {"token_submitted_opens_nothing", token_submitted_opens_nothing},
    {"interviewer_assignments", interviewer_assignments},
    {"review_pages", review_pages},
    {"review_times_beijing", review_times_beijing},
    {"duplicate_flagged", duplicate_flagged},
    {"rate_limited", rate_limited},
    {"roster_add_remove", roster_add_remove},
    {"web_types", web_types},
    {"dynamic_default", dynamic_default},
    {"sniff_types", sniff_types},
    {"uploads", uploads},
    {"uploads_in_repeat", uploads_in_repeat},
    {"stops_on_sigterm", stops_on_sigterm},
    {NULL, NULL},
};
