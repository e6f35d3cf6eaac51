/*
 * test_serve_kill.c - an acknowledged page is durable: three respondents post pages to
 * `lcmon serve`, the server is killed with SIGKILL right after the last acknowledgement, and
 * the database (read directly, then through a restarted server) has every answer of every
 * page acknowledged, and each respondent comes back on the page after the last one saved.
 * No timing: the test waits for events (the address line, the responses), never a clock.
 */
#include "testing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct server {
    pid_t pid;
    int port;
} server;

/* Start `lcmon serve db --listen 127.0.0.1:0` (with --checkpoint-pages ckpt, unless NULL)
 * and read its port from the line it prints. */
static int start(const char *db, server *s, const char *ckpt) {
    int out[2];
    if (pipe(out) != 0)
        return -1;
    s->pid = fork();
    if (s->pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        FILE *null = freopen("/dev/null", "w", stderr);
        (void)null;
        execl(LCMT_LCMON, "lcmon", "serve", db, "--listen", "127.0.0.1:0",
              ckpt ? "--checkpoint-pages" : (char *)NULL, ckpt, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char line[512];
    size_t n = 0;
    char c;
    while (n < sizeof line - 1 && read(out[0], &c, 1) == 1 && c != '\n')
        line[n++] = c;
    line[n] = '\0';
    close(out[0]); /* the server's later output goes nowhere (SIGPIPE is not its problem:
                      it prints only this line) */
    const char *p = strstr(line, "http://127.0.0.1:");
    s->port = p ? atoi(p + 17) : 0;
    return s->port > 0 ? 0 : -1;
}

typedef struct resp {
    int status;
    char cookie[64];
    char *body;
} resp;

/* One request on a fresh connection (Connection: close); body may be NULL. */
static resp request(int port, const char *method, const char *path, const char *cookie,
                    const char *body) {
    resp r = {0, "", NULL};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return r;
    }
    char head[1024];
    int hn =
        snprintf(head, sizeof head,
                 "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s%s%s"
                 "%s%zu%s\r\n",
                 method, path, port, *cookie ? "Cookie: lcm_s=" : "", cookie, *cookie ? "\r\n" : "",
                 body ? "Content-Type: application/x-www-form-urlencoded\r\n"
                        "Content-Length: "
                      : "",
                 body ? strlen(body) : 0, body ? "\r\n" : "");
    if (!body) /* no Content-Length line for a GET */
        hn = snprintf(head, sizeof head,
                      "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s%s%s\r\n",
                      method, path, port, *cookie ? "Cookie: lcm_s=" : "", cookie,
                      *cookie ? "\r\n" : "");
    if (write(fd, head, (size_t)hn) != hn ||
        (body && write(fd, body, strlen(body)) != (ssize_t)strlen(body))) {
        close(fd);
        return r;
    }
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    ssize_t k;
    while (buf && (k = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)k;
        if (cap - len < 4096) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
    }
    close(fd);
    if (!buf)
        return r;
    buf[len] = '\0';
    sscanf(buf, "HTTP/1.1 %d", &r.status);
    const char *sc = strstr(buf, "Set-Cookie: lcm_s=");
    if (sc)
        sscanf(sc + 18, "%63[0-9a-f]", r.cookie);
    const char *b = strstr(buf, "\r\n\r\n");
    r.body = strdup(b ? b + 4 : "");
    free(buf);
    return r;
}

/* value="…" of the hidden input called name in html, into out. */
static void hidden(const char *html, const char *name, char *out, size_t cap) {
    char key[64];
    snprintf(key, sizeof key, "name=\"%s\" value=\"", name);
    const char *p = html ? strstr(html, key) : NULL;
    out[0] = '\0';
    if (p)
        snprintf(out, cap, "%.*s", (int)strcspn(p + strlen(key), "\""), p + strlen(key));
}

typedef struct respondent {
    char cookie[64], csrf[64], page[64];
    int acked; /* pages acknowledged */
} respondent;

/* The current page of a respondent (GET /s). */
static void look(int port, respondent *r) {
    resp g = request(port, "GET", "/s", r->cookie, NULL);
    hidden(g.body, "_csrf", r->csrf, sizeof r->csrf);
    hidden(g.body, "_page", r->page, sizeof r->page);
    free(g.body);
}

/* A new respondent opens the link and is shown the first page: the link's status. */
static int arrive(int port, respondent *r) {
    memset(r, 0, sizeof *r);
    resp c = request(port, "GET", "/c/household", "", NULL);
    snprintf(r->cookie, sizeof r->cookie, "%s", c.cookie);
    free(c.body);
    look(port, r);
    return c.status;
}

/* Post the answers of the current page until the server acknowledges it (200 with the
 * next page; the same page again shows questions the answers made relevant, posted
 * again). 1 when acked. */
static int post_page(int port, respondent *r, const char *answers) {
    for (int round = 0; round < 3; round++) {
        char body[2048], now[64];
        snprintf(body, sizeof body, "_csrf=%s&_page=%s&_nav=next%s%s", r->csrf, r->page,
                 *answers ? "&" : "", answers);
        resp p = request(port, "POST", "/s", r->cookie, body);
        int st = p.status;
        hidden(p.body, "_page", now, sizeof now);
        free(p.body);
        if (st != 200)
            return 0;
        if (strcmp(now, r->page) != 0) {
            r->acked++;
            return 1;
        }
    }
    return 0;
}

/* The answers of page k (intro, location, respondent, hh_size, members:1) of respondent i. */
static void page_answers(int k, int i, char *out, size_t cap) {
    switch (k) {
    case 1:
        snprintf(out, cap,
                 "q:city=1100&q:county=110101&q:township=110101001&q:community=11010100100%d&"
                 "q:community_type=rc&q:consent=1",
                 i);
        break;
    case 2:
        snprintf(out, cap, "q:sex=2&q:age=4%d&q:edu=6&q:work=1&q:disability=0", i);
        break;
    case 3:
        snprintf(out, cap, "q:hh_size=2");
        break;
    case 4:
        snprintf(out, cap,
                 "q:m_rel=1&q:m_sex=2&q:m_age=4%d&q:m_edu=6&q:m_work=1&q:m_disability=0&"
                 "q:m_learned=1",
                 i);
        break;
    default:
        out[0] = '\0';
    }
}

/* A new database named name in the test's directory, with the household form loaded. */
static const char *household_db(const char *name) {
    const char *db = lcmt_tmp(name);
    char side[4096];
    remove(db);
    snprintf(side, sizeof side, "%s-wal", db); /* a log left by a killed server: not this one's */
    remove(side);
    snprintf(side, sizeof side, "%s-shm", db);
    remove(side);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"form", "load", db, lcmt_path("surveys/household"), NULL}, NULL,
                 NULL, NULL),
        0);
    return db;
}

static void serve_kill__acknowledged_pages_survive_sigkill(void) {
    const char *db = household_db("kill.db");
    signal(SIGPIPE, SIG_IGN);
    server s;
    CU_ASSERT_EQUAL_FATAL(start(db, &s, NULL), 0);
    respondent r[3];
    memset(r, 0, sizeof r);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(arrive(s.port, &r[i]), 200);
        CU_ASSERT_STRING_EQUAL(r[i].page, "intro");
    }
    /* pages in turn, respondents interleaved; respondent i stops after 2 + i pages */
    for (int k = 0; k < 5; k++)
        for (int i = 0; i < 3; i++) {
            if (k >= 2 + i)
                continue;
            char answers[512];
            page_answers(k, i + 1, answers, sizeof answers);
            CU_ASSERT_EQUAL(post_page(s.port, &r[i], answers), 1);
            look(s.port, &r[i]);
        }
    CU_ASSERT_EQUAL(r[0].acked, 2);
    CU_ASSERT_EQUAL(r[1].acked, 3);
    CU_ASSERT_EQUAL(r[2].acked, 4);
    /* no warning, no flush: the process is gone at once */
    kill(s.pid, SIGKILL);
    int status = 0;
    waitpid(s.pid, &status, 0);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* every acknowledged answer is in the database */
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, 0, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM resp_household_2026_1 WHERE status = "
                                  "'draft' AND psu GLOB '11010100100[123]' AND consent = 1"),
                    3);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM resp_household_2026_1 WHERE "
                                  "psu = '110101001002' AND age = 42 AND disability = 0"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM resp_household_2026_1 WHERE "
                                  "psu = '110101001003' AND age = 43 AND hh_size = 2"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM resp_household_2026_1 WHERE "
                                  "psu = '110101001001' AND age IS NULL"),
                    1);
    lcm_db_close(h);

    /* restarted, the server brings each respondent back where they were */
    CU_ASSERT_EQUAL_FATAL(start(db, &s, NULL), 0);
    const char *want[] = {"respondent", "hh_size", "members:1"};
    for (int i = 0; i < 3; i++) {
        look(s.port, &r[i]);
        CU_ASSERT_STRING_EQUAL(r[i].page, want[i]);
    }
    /* and respondent 3 goes on with member 1, kept after a clean stop */
    char answers[512];
    page_answers(4, 3, answers, sizeof answers);
    CU_ASSERT_EQUAL(post_page(s.port, &r[2], answers), 1);
    kill(s.pid, SIGTERM); /* SIGTERM: requests in flight finish, exit 0 */
    waitpid(s.pid, &status, 0);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT m_age FROM resp_household_2026_1__members m JOIN "
                                  "resp_household_2026_1 r USING (instance_id) WHERE "
                                  "r.psu = '110101001003' AND m.position = 1"),
                    43);
    lcm_db_close(h);
}

/* Kill the server with SIGKILL, then find n respondents' five pages in db: consent (page 2),
 * age (3), household size (4), member 1 (5), each respondent's own (age 40 + the last digit
 * of its community). */
static void killed_with_pages(server *s, const char *db, long n) {
    kill(s->pid, SIGKILL);
    int status = 0;
    waitpid(s->pid, &status, 0);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM resp_household_2026_1 WHERE status = "
                                  "'draft' AND consent = 1 AND sex = 2 AND hh_size = 2 AND "
                                  "age = 40 + CAST(substr(psu, 12) AS INTEGER)"),
                    n);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM resp_household_2026_1__members m JOIN "
                                  "resp_household_2026_1 r USING (instance_id) WHERE "
                                  "m.position = 1 AND m.m_age = r.age"),
                    n);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM serve_paradata"), 5 * n);
    lcm_db_close(h);
}

/* The checkpoint sequence number in the header of db's write-ahead log (bytes 12-15,
 * big-endian): SQLite adds one each time the log is written again from its start. -1 when
 * there is no log. */
static long wal_restarts(const char *db) {
    char path[4096];
    unsigned char h[32];
    snprintf(path, sizeof path, "%s-wal", db);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    return n == sizeof h ? (long)((unsigned long)h[12] << 24 | (unsigned long)h[13] << 16 |
                                  (unsigned long)h[14] << 8 | h[15])
                         : -1;
}

/* With a checkpoint every 16 pages, the server's checkpoint thread copies the log back and
 * has it written again from its start many times over while respondents answer (the log
 * header counts the restarts); killed with SIGKILL after the last acknowledgement, the
 * database still has every page acknowledged, from every generation of the log. The loop
 * is bounded by respondents, not by a clock: it goes on until the log has started again
 * twice, or 40 respondents. */
static void serve_kill__log_starts_again_and_loses_nothing(void) {
    const char *db = household_db("walrestart.db");
    signal(SIGPIPE, SIG_IGN);
    server s;
    CU_ASSERT_EQUAL_FATAL(start(db, &s, "16"), 0);
    int n = 0, acked = 0;
    long restarts = -1;
    while (n < 40 && (n < 10 || restarts < 2)) {
        respondent r;
        CU_ASSERT_EQUAL(arrive(s.port, &r), 200);
        for (int k = 0; k < 5; k++) {
            char answers[512];
            page_answers(k, 1 + n % 9, answers, sizeof answers);
            CU_ASSERT_EQUAL(post_page(s.port, &r, answers), 1);
            look(s.port, &r);
        }
        acked += r.acked == 5;
        n++;
        restarts = wal_restarts(db);
    }
    CU_ASSERT(restarts >= 2);
    CU_ASSERT_EQUAL(acked, n);
    killed_with_pages(&s, db, n);
}

/* A second server on the address of a running one is refused, naming the address, as is a
 * checkpoint interval out of range; the first goes on answering and, stopped with SIGTERM,
 * exits 0. */
static void serve_kill__address_in_use_is_refused(void) {
    const char *db = lcmt_tmp("inuse.db");
    remove(db);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    signal(SIGPIPE, SIG_IGN);
    server s;
    CU_ASSERT_EQUAL_FATAL(start(db, &s, NULL), 0);
    char where[64], want[128];
    snprintf(where, sizeof where, "127.0.0.1:%d", s.port);
    snprintf(want, sizeof want, "cannot listen on %s: Address already in use", where);
    char *out = NULL, *err = NULL;
    int code = lcmt_run((const char *[]){"serve", db, "--listen", where, NULL}, NULL, &out, &err);
    CU_ASSERT_NOT_EQUAL(code, 0);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, want));
    free(out);
    free(err);
    /* and a checkpoint interval out of range, by name */
    out = err = NULL;
    code =
        lcmt_run((const char *[]){"serve", db, "--checkpoint-pages", "0", NULL}, NULL, &out, &err);
    CU_ASSERT_NOT_EQUAL(code, 0);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "bad --checkpoint-pages: '0' (1 to 1000000)"));
    free(out);
    free(err);
    resp r = request(s.port, "GET", "/c/household", "", NULL);
    CU_ASSERT_EQUAL(r.status, 404); /* no such campaign: but answered */
    free(r.body);
    kill(s.pid, SIGTERM);
    int status = 0;
    waitpid(s.pid, &status, 0);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Eight respondents post their pages at the same time, from processes of their own, so that
 * the server commits their pages in groups; killed with SIGKILL once all have their
 * acknowledgements, the database has every acknowledged page of each. */
static void serve_kill__pages_saved_together_survive_sigkill(void) {
    const char *db = household_db("together.db");
    signal(SIGPIPE, SIG_IGN);
    server s;
    CU_ASSERT_EQUAL_FATAL(start(db, &s, NULL), 0);
    enum { N = 8 };
    pid_t kids[N];
    int fds[N][2];
    for (int i = 0; i < N; i++) {
        CU_ASSERT_EQUAL_FATAL(pipe(fds[i]), 0);
        fflush(NULL);
        kids[i] = fork();
        if (kids[i] == 0) { /* a respondent: five pages, then how many were acknowledged */
            close(fds[i][0]);
            respondent r;
            arrive(s.port, &r);
            for (int k = 0; k < 5; k++) {
                char answers[512];
                page_answers(k, i + 1, answers, sizeof answers);
                if (post_page(s.port, &r, answers) != 1)
                    break;
                look(s.port, &r);
            }
            char b = (char)r.acked;
            _exit(write(fds[i][1], &b, 1) == 1 ? 0 : 1);
        }
        close(fds[i][1]);
    }
    int acked = 0;
    for (int i = 0; i < N; i++) {
        char b = 0;
        CU_ASSERT_EQUAL(read(fds[i][0], &b, 1), 1);
        CU_ASSERT_EQUAL(b, 5);
        acked += b == 5;
        close(fds[i][0]);
        waitpid(kids[i], NULL, 0);
    }
    CU_ASSERT_EQUAL(acked, N);
    killed_with_pages(&s, db, N);
    lcm_db *h = NULL; /* and each in an instance of its own */
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(DISTINCT psu) FROM resp_household_2026_1"), N);
    lcm_db_close(h);
}

/* A group of saved pages whose COMMIT fails (here a deferred foreign key that a trigger on
 * the paradata breaks, checked only at COMMIT) answers the server's error, and nothing of
 * the page is stored; once the cause is gone, the same page is saved. */
static void serve_kill__failed_group_stores_nothing(void) {
    const char *db = household_db("groupfail.db");
    signal(SIGPIPE, SIG_IGN);
    server s;
    CU_ASSERT_EQUAL_FATAL(start(db, &s, NULL), 0);
    respondent r;
    CU_ASSERT_EQUAL(arrive(s.port, &r), 200);
    char answers[512];
    page_answers(0, 1, answers, sizeof answers);
    CU_ASSERT_EQUAL_FATAL(post_page(s.port, &r, answers), 1); /* intro */
    look(s.port, &r);
    CU_ASSERT_STRING_EQUAL(r.page, "location");

    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, 0, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(
        lcm_db_exec(h,
                    "CREATE TABLE lcmt_parent (id INTEGER PRIMARY KEY);"
                    "CREATE TABLE lcmt_child (p INTEGER REFERENCES lcmt_parent (id) "
                    "DEFERRABLE INITIALLY DEFERRED);"
                    "CREATE TRIGGER lcmt_break AFTER INSERT ON serve_paradata BEGIN "
                    "INSERT INTO lcmt_child VALUES (42); END;",
                    NULL),
        LCM_OK);
    page_answers(1, 1, answers, sizeof answers);
    char body[2048];
    snprintf(body, sizeof body, "_csrf=%s&_page=%s&_nav=next&%s", r.csrf, r.page, answers);
    resp p = request(s.port, "POST", "/s", r.cookie, body);
    CU_ASSERT_EQUAL(p.status, 500);
    CU_ASSERT_PTR_NOT_NULL(p.body && strstr(p.body, "服务器出错，请稍后再试"));
    free(p.body);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM resp_household_2026_1 WHERE consent = 1 "
                                  "OR psu IS NOT NULL"),
                    0);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM serve_paradata WHERE page = 'location'"),
                    0);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM lcmt_child"), 0);
    look(s.port, &r); /* still on the page that was not saved */
    CU_ASSERT_STRING_EQUAL(r.page, "location");

    CU_ASSERT_EQUAL(lcm_db_exec(h, "DROP TRIGGER lcmt_break", NULL), LCM_OK);
    CU_ASSERT_EQUAL(post_page(s.port, &r, answers), 1);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM resp_household_2026_1 WHERE consent = 1 "
                                  "AND psu = '110101001001'"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM serve_paradata WHERE page = 'location'"),
                    1);
    lcm_db_close(h);
    kill(s.pid, SIGTERM);
    int status = 0;
    waitpid(s.pid, &status, 0);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

const lcmt_case lcmt_serve_kill_cases[] = {
    {"pages_saved_together_survive_sigkill", serve_kill__pages_saved_together_survive_sigkill},
    {"failed_group_stores_nothing", serve_kill__failed_group_stores_nothing},
    {"address_in_use_is_refused", serve_kill__address_in_use_is_refused},
    {"acknowledged_pages_survive_sigkill", serve_kill__acknowledged_pages_survive_sigkill},
    {"log_starts_again_and_loses_nothing", serve_kill__log_starts_again_and_loses_nothing},
    {NULL, NULL},
};
