/*
 * test_serve_dash.c - the dashboard on the web (engine/serve_dash.c, docs/dashboard.md):
 * one server on a copy of the dashboard fixture (test_dash_fixture.c) with an account per
 * role. Each role gets its own place and 403 on another's, in the page, the CSV download,
 * the flag lists and the chart; a signed-out visitor is sent to sign in. The numbers on the
 * page and in /dash.csv are read back and compared with the engine's for the same scope.
 */
#include "test_dash_fixture.h"
#include "lcmt_http.h"
#include "testing.h"

#include "dashboard.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- a server on a copy of the fixture ----------------------------------------------------- */

static pid_t server_pid;
static int server_port;
static char server_dbpath[4096];

static void server_stop(void) {
    if (server_pid > 0) {
        lcmt_serve_stop(server_pid);
        server_pid = 0;
    }
}

static const char *const logins[][4] = {
    /* login, role, place, password */
    {"admin", "admin", "", "admin-pass-1"},  {"analyst", "analyst", "", "analyst-pass-1"},
    {"gd", "province", "44", "gd-pass-123"}, {"gz", "city", "4401", "gz-pass-123"},
    {"sz", "city", "4403", "sz-pass-123"},   {"iv", "interviewer", "4401", "iv-pass-123"},
    {"rv", "reviewer", "", "rv-pass-123"},
};

static int copy_file(const char *from, const char *to) {
    size_t n = 0;
    char *data = lcmt_slurp(from, &n);
    if (!data)
        return 0;
    lcmt_write(to, data, n);
    free(data);
    return 1;
}

static int server(void) {
    if (server_pid > 0)
        return server_port;
    const char *fx = dasht_db();
    CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
    snprintf(server_dbpath, sizeof server_dbpath, "%s", lcmt_tmp("dash-serve.db"));
    CU_ASSERT_FATAL(copy_file(fx, server_dbpath));
    for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++)
        CU_ASSERT_EQUAL_FATAL(
            lcmt_add_user(server_dbpath, logins[i][0], logins[i][1], logins[i][2], logins[i][3]),
            0);
    server_pid = lcmt_serve_start(server_dbpath, &server_port);
    atexit(server_stop);
    CU_ASSERT_FATAL(server_pid > 0 && server_port > 0);
    return server_port;
}

typedef lcmt_resp resp;

static resp request(const char *method, const char *path, const char *cookie, const char *body) {
    return lcmt_http(server(), method, path, cookie, body);
}

static void resp_free(resp *r) {
    lcmt_resp_free(r);
}

/* Sign in as login: the session cookie into cookie. */
static void signin(const char *login, char cookie[40]) {
    const char *pw = NULL;
    char csrf[40];
    for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++)
        if (strcmp(logins[i][0], login) == 0)
            pw = logins[i][3];
    CU_ASSERT_EQUAL(lcmt_sign_in(server(), login, pw, cookie, csrf), 303);
}

/* ---- least privilege ---------------------------------------------------------------------- */

static int status_of(const char *cookie, const char *path) {
    resp r = request("GET", path, cookie, NULL);
    int s = r.status;
    resp_free(&r);
    return s;
}

static void serve_dash__each_role_sees_its_place_and_no_other(void) {
    static const struct {
        const char *login, *path;
        int status;
    } cases[] = {
        /* the ministry: the nation, and any province or city */
        {"admin", "/dash", 200},
        {"admin", "/dash?province=11", 200},
        {"admin", "/dash?city=4403", 200},
        {"analyst", "/dash", 200},
        {"analyst", "/dash.csv?table=areas", 200},
        {"analyst", "/dash?city=1100", 200},
        /* 广东: its province and its cities, not 北京 */
        {"gd", "/dash", 200},
        {"gd", "/dash?city=4401", 200},
        {"gd", "/dash?city=4403", 200},
        {"gd", "/dash?city=1100", 403},
        {"gd", "/dash?province=11", 403},
        {"gd", "/dash.csv?table=flags&city=1100", 403},
        {"gd", "/dash/flags?flag=night&province=11", 403},
        {"gd", "/dash/progress.svg?city=1100", 403},
        /* 广州: its city only */
        {"gz", "/dash", 200},
        {"gz", "/dash?city=4401", 200},
        {"gz", "/dash?city=4403", 403},
        {"gz", "/dash?province=44", 403},
        {"gz", "/dash.csv?table=flags&city=4403", 403},
        {"gz", "/dash.csv?table=psus&province=44", 403},
        {"gz", "/dash/flags?flag=speeder&city=4403", 403},
        {"gz", "/dash/progress.svg?city=4403", 403},
        /* 深圳 cannot see 广州 */
        {"sz", "/dash?city=4401", 403},
        {"sz", "/dash.csv?table=flags&city=4401", 403},
        /* interviewers and reviewers get no dashboard */
        {"iv", "/dash", 403},
        {"iv", "/dash.csv?table=summary", 403},
        {"rv", "/dash", 403},
        {"rv", "/dash/flags?flag=speeder", 403},
    };
    char cookie[40] = "", who[64] = "";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(who, cases[i].login) != 0) {
            signin(cases[i].login, cookie);
            snprintf(who, sizeof who, "%s", cases[i].login);
        }
        int s = status_of(cookie, cases[i].path);
        if (s != cases[i].status)
            fprintf(stderr, "\n  %s %s: %d, want %d\n", cases[i].login, cases[i].path, s,
                    cases[i].status);
        CU_ASSERT_EQUAL(s, cases[i].status);
    }
    /* signed out: sent to sign in, for every route */
    static const char *const routes[] = {"/dash", "/dash.csv?table=areas", "/dash/flags?flag=night",
                                         "/dash/progress.svg"};
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        resp r = request("GET", routes[i], NULL, NULL);
        CU_ASSERT_EQUAL(r.status, 303);
        LCMT_ASSERT_HAS(r.head, "/login?next=/dash");
        resp_free(&r);
    }
}

/* ---- the numbers shown equal the engine's ------------------------------------------------ */

/* The cells of column key in the section id of an HTML page, in order: *n values. */
static size_t page_column(const char *body, const char *section, const char *key, char vals[][96],
                          size_t max) {
    char open[96], td[96];
    snprintf(open, sizeof open, "<section class=\"dash\" id=\"%s\">", section);
    snprintf(td, sizeof td, "<td data-k=\"%s\">", key);
    const char *p = strstr(body, open), *end = p ? strstr(p, "</section>") : NULL;
    size_t n = 0;
    while (p && end && n < max && (p = strstr(p, td)) != NULL && p < end) {
        p += strlen(td);
        if (strncmp(p, "<a href=", 8) == 0)
            p = strchr(p, '>') + 1;
        size_t l = strcspn(p, "<");
        snprintf(vals[n++], 96, "%.*s", (int)l, p);
    }
    return n;
}

static int shown_equals(const char *cell, double want, double scale) {
    if (isnan(want))
        return *cell == '\0';
    char *end;
    double got = strtod(cell, &end);
    int ok = *end == '\0' && fabs(got - want * scale) <= 0.05 + 1e-9;
    if (!ok)
        fprintf(stderr, "\n  shown '%s', engine %.6f\n", cell, want * scale);
    return ok;
}

/* The CSV's column key, rows after the header. */
static size_t csv_column(const char *csv, const char *key, char vals[][96], size_t max) {
    size_t col = (size_t)-1, k = 0, n = 0, row = 0;
    const char *p = csv;
    while (*p && n < max) {
        size_t l = strcspn(p, ",\r");
        if (row == 0 && l == strlen(key) && strncmp(p, key, l) == 0)
            col = k;
        else if (row > 0 && k == col)
            snprintf(vals[n++], 96, "%.*s", (int)l, p);
        p += l;
        if (*p == ',')
            p++, k++;
        else if (*p == '\r')
            p += 2, k = 0, row++;
    }
    return n;
}

static void serve_dash__page_and_csv_numbers_equal_the_engine(void) {
    lcm_db *db = NULL;
    server();
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(server_dbpath, LCM_OPEN_READONLY, &db, NULL), LCM_OK);
    lcm_dash d;
    CU_ASSERT_EQUAL_FATAL(lcm_dash_build(db, LCM_DASH_PROVINCE, "44", &d, NULL), LCM_OK);
    char cookie[40];
    signin("gd", cookie);
    resp page = request("GET", "/dash", cookie, NULL);
    CU_ASSERT_EQUAL_FATAL(page.status, 200);
    LCMT_ASSERT_HAS(page.body, "督导看板：广东省");
    LCMT_ASSERT_HAS(page.body, "<img src=\"/dash/progress.svg?province=44\"");
    LCMT_ASSERT_HAS(page.body, "href=\"/dash/flags?flag=speeder&amp;province=44\"");
    LCMT_ASSERT_HAS(page.body, "href=\"/dash.csv?table=psus&amp;province=44\"");
    LCMT_ASSERT_HAS(page.body, "<a href=\"/dash?city=4401\">广州市</a>");
    char v[32][96];
    static const struct {
        const char *key;
        int what; /* 0 rr1, 1 ref1, 2 assigned, 3 completed, 4 median min, 5 flagged */
    } cols[] = {{"rr1_pct", 0},   {"ref1_pct", 1},   {"assigned", 2},
                {"completed", 3}, {"median_min", 4}, {"flagged", 5}};
    for (int src = 0; src < 2; src++) {
        resp csv = {0};
        if (src == 1) {
            csv = request("GET", "/dash.csv?table=areas", cookie, NULL);
            CU_ASSERT_EQUAL(csv.status, 200);
            LCMT_ASSERT_HAS(csv.head, "Content-Type: text/csv; charset=utf-8");
        }
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            size_t n = src == 0 ? page_column(page.body, "areas", cols[c].key, v, 32)
                                : csv_column(csv.body, cols[c].key, v, 32);
            CU_ASSERT_EQUAL(n, d.nareas);
            for (size_t i = 0; i < n && i < d.nareas; i++) {
                const lcm_dash_row *r = &d.areas[i];
                double want = cols[c].what == 0   ? r->o.rr1 * 100
                              : cols[c].what == 1 ? r->o.ref1 * 100
                              : cols[c].what == 2 ? (double)r->o.assigned
                              : cols[c].what == 3 ? (double)r->o.complete
                              : cols[c].what == 4 ? r->median_s / 60
                                                  : (double)r->flagged;
                CU_ASSERT(shown_equals(v[i], want, 1));
            }
        }
        resp_free(&csv);
    }
    /* strata on the page and in the CSV */
    resp csv = request("GET", "/dash.csv?table=strata", cookie, NULL);
    size_t n = page_column(page.body, "strata", "rr1_pct", v, 32);
    CU_ASSERT_EQUAL(n, d.nstrata);
    for (size_t i = 0; i < n && i < d.nstrata; i++)
        CU_ASSERT(shown_equals(v[i], d.strata[i].o.rr1, 100));
    n = csv_column(csv.body, "ref1_pct", v, 32);
    CU_ASSERT_EQUAL(n, d.nstrata);
    for (size_t i = 0; i < n && i < d.nstrata; i++)
        CU_ASSERT(shown_equals(v[i], d.strata[i].o.ref1, 100));
    resp_free(&csv);
    /* the summary's totals */
    n = page_column(page.body, "summary", "value", v, 32);
    CU_ASSERT_FATAL(n >= 9 + LCM_DASH_NFLAG);
    CU_ASSERT_STRING_EQUAL(v[0], "广东省");
    CU_ASSERT(shown_equals(v[2], (double)d.total.assigned, 1));
    CU_ASSERT(shown_equals(v[5], d.total.rr1, 100));
    CU_ASSERT(shown_equals(v[6], d.total.ref1, 100));
    CU_ASSERT(shown_equals(v[8], d.median_s, 1.0 / 60));
    for (int k = 0; k < LCM_DASH_NFLAG; k++)
        CU_ASSERT(shown_equals(v[9 + k], (double)d.nflag[k], 1));
    CU_ASSERT(!strstr(page.body, "/review/i?id=")); /* a province officer reviews none */
    /* the names of interviewers on the page, not in the download */
    LCMT_ASSERT_HAS(page.body, "王芳");
    csv = request("GET", "/dash.csv?table=flags", cookie, NULL);
    CU_ASSERT(csv.body && !strstr(csv.body, "王芳") && !strstr(csv.body, "G0"));
    n = csv_column(csv.body, "instance_id", v, 32);
    CU_ASSERT_EQUAL(n, 4);
    resp_free(&csv);
    resp_free(&page);
    /* a flag's link lists exactly its interviews */
    static const char *const want[LCM_DASH_NFLAG] = {"g03", "g06", "g07", "g02"};
    for (int k = 0; k < LCM_DASH_NFLAG; k++) {
        char path[128];
        snprintf(path, sizeof path, "/dash/flags?flag=%s&province=44",
                 lcm_dash_flag_code((lcm_dash_flag_kind)k));
        resp r = request("GET", path, cookie, NULL);
        CU_ASSERT_EQUAL(r.status, 200);
        n = page_column(r.body, "flags", "instance_id", v, 32);
        CU_ASSERT_EQUAL(n, 1);
        CU_ASSERT(n == 1 && strcmp(v[0], want[k]) == 0);
        resp_free(&r);
    }
    /* the chart */
    resp r = request("GET", "/dash/progress.svg", cookie, NULL);
    if (r.status != 503) { /* 503: no gnuplot here */
        CU_ASSERT_EQUAL(r.status, 200);
        LCMT_ASSERT_HAS(r.head, "Content-Type: image/svg+xml");
        LCMT_ASSERT_HAS(r.body, "深圳市");
    }
    resp_free(&r);
    /* 广州's coordinator sees 广州's numbers */
    lcm_dash_free(&d);
    CU_ASSERT_EQUAL_FATAL(lcm_dash_build(db, LCM_DASH_CITY, "4401", &d, NULL), LCM_OK);
    signin("gz", cookie);
    page = request("GET", "/dash", cookie, NULL);
    CU_ASSERT_EQUAL(page.status, 200);
    LCMT_ASSERT_HAS(page.body, "督导看板：广州市");
    n = page_column(page.body, "summary", "value", v, 32);
    CU_ASSERT(n >= 7 && shown_equals(v[5], d.total.rr1, 100) &&
              shown_equals(v[6], d.total.ref1, 100));
    /* 广州's coordinator reviews interviews: the flagged ones open on the review page */
    LCMT_ASSERT_HAS(page.body, "<a href=\"/review/i?id=g03\">g03</a>");
    n = page_column(page.body, "psus", "psu", v, 32);
    CU_ASSERT_EQUAL(n, d.npsus);
    resp_free(&page);
    lcm_dash_free(&d);
    lcm_db_close(db);
}

const lcmt_case lcmt_serve_dash_cases[] = {
    {"each_role_sees_its_place_and_no_other", serve_dash__each_role_sees_its_place_and_no_other},
    {"page_and_csv_numbers_equal_the_engine", serve_dash__page_and_csv_numbers_equal_the_engine},
    {NULL, NULL},
};
