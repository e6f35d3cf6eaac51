/*
 * bench_serve.c - load client for `lcmon serve` on loopback (bench/serve runs it).
 *
 *   bench_serve --port P --db DB [--link /c/SLUG] [--concurrency 200] [--count 3000]
 *               [--seconds 60]
 *
 * N threads, each a respondent at a time on a keep-alive connection: open the link, then
 * every page of the household questionnaire in turn (GET the page, POST its answers,
 * follow the redirect), the review page, submit. Bounded in count (questionnaires started)
 * and in time (no new one after --seconds). Reports completed questionnaires per second,
 * p50/p99/max latency of every request, and then reads DB: every questionnaire the client
 * saw acknowledged is stored complete once (lost = 0, duplicated = 0).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, concurrency = 200, seconds = 60;
static long count = 3000;
static const char *link_path = "/c/household", *dbpath;
static atomic_long started, completed, failed;
static double t_start;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct conn {
    int fd;
    char *buf;
    size_t cap, len;
} conn;

typedef struct worker {
    conn c;
    double *lat; /* seconds per request */
    size_t nlat, caplat;
    char cookie[64];
    char *body;
    int status;
    char location[256];
} worker;

static int dial(conn *c) {
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return connect(c->fd, (struct sockaddr *)&a, sizeof a);
}

/* Send a request and read one response (Content-Length framed); reconnects once when the
 * server closed the kept-alive connection. 0 on success. */
static int exchange(worker *w, const char *method, const char *path, const char *form) {
    char head[1024];
    for (int attempt = 0; attempt < 2; attempt++) {
        if (w->c.fd < 0 && dial(&w->c) != 0) {
            close(w->c.fd);
            w->c.fd = -1;
            return -1;
        }
        int hn = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s%s",
                          method, path, port, *w->cookie ? "Cookie: lcm_s=" : "", w->cookie,
                          *w->cookie ? "\r\n" : "");
        if (form)
            hn += snprintf(head + hn, sizeof head - (size_t)hn,
                           "Content-Type: application/x-www-form-urlencoded\r\n"
                           "Content-Length: %zu\r\n",
                           strlen(form));
        hn += snprintf(head + hn, sizeof head - (size_t)hn, "\r\n");
        double t0 = now();
        int ok = write(w->c.fd, head, (size_t)hn) == hn &&
                 (!form || write(w->c.fd, form, strlen(form)) == (ssize_t)strlen(form));
        w->c.len = 0;
        size_t need = 0, hend = 0;
        while (ok) {
            if (w->c.cap - w->c.len < 8192) {
                w->c.cap = w->c.cap ? w->c.cap * 2 : 65536;
                w->c.buf = realloc(w->c.buf, w->c.cap);
            }
            ssize_t k = read(w->c.fd, w->c.buf + w->c.len, w->c.cap - w->c.len - 1);
            if (k <= 0) {
                ok = 0;
                break;
            }
            w->c.len += (size_t)k;
            w->c.buf[w->c.len] = '\0';
            if (!hend) {
                char *e = strstr(w->c.buf, "\r\n\r\n");
                if (!e)
                    continue;
                hend = (size_t)(e - w->c.buf) + 4;
                char *cl = strcasestr(w->c.buf, "\r\nContent-Length:");
                need = hend + (cl && cl < e ? strtoul(cl + 17, NULL, 10) : 0);
            }
            if (w->c.len >= need)
                break;
        }
        if (!ok) { /* the connection was closed: once more on a new one */
            close(w->c.fd);
            w->c.fd = -1;
            continue;
        }
        double dt = now() - t0;
        if (w->nlat == w->caplat) {
            w->caplat = w->caplat ? w->caplat * 2 : 1024;
            w->lat = realloc(w->lat, w->caplat * sizeof *w->lat);
        }
        w->lat[w->nlat++] = dt;
        w->status = atoi(w->c.buf + 9);
        char *sc = strcasestr(w->c.buf, "\r\nSet-Cookie: lcm_s=");
        if (sc && sc < w->c.buf + hend)
            sscanf(sc + 20, "%63[0-9a-f]", w->cookie);
        w->location[0] = '\0';
        char *loc = strcasestr(w->c.buf, "\r\nLocation: ");
        if (loc && loc < w->c.buf + hend) {
            loc += 12;
            char *slash = strstr(loc, "://"); /* keep the path only */
            if (slash && slash < strstr(loc, "\r\n"))
                loc = strchr(slash + 3, '/');
            if (loc)
                snprintf(w->location, sizeof w->location, "%.*s", (int)strcspn(loc, "\r\n"), loc);
        }
        w->body = w->c.buf + hend;
        if (strcasestr(w->c.buf, "\r\nConnection: close")) {
            close(w->c.fd);
            w->c.fd = -1;
        }
        return 0;
    }
    return -1;
}

static void hidden(const char *html, const char *name, char *out, size_t cap) {
    char key[64];
    snprintf(key, sizeof key, "name=\"%s\" value=\"", name);
    const char *p = html ? strstr(html, key) : NULL;
    out[0] = '\0';
    if (p)
        snprintf(out, cap, "%.*s", (int)strcspn(p + strlen(key), "\""), p + strlen(key));
}

/* The answers of a page of the household questionnaire; hh is the household's number. */
static void answers(const char *page, long hh, char *out, size_t cap) {
    out[0] = '\0';
    if (strcmp(page, "location") == 0)
        snprintf(out, cap,
                 "q:city=1100&q:county=110101&q:township=110101001&q:community=110101001%03ld&"
                 "q:community_type=rc&q:household_no=B-%ld&q:interviewer=bench&q:consent=1",
                 1 + hh % 10, hh);
    else if (strcmp(page, "respondent") == 0)
        snprintf(out, cap, "q:sex=%ld&q:age=%ld&q:edu=5&q:work=1&q:disability=0", 1 + hh % 2,
                 20 + hh % 60);
    else if (strcmp(page, "hh_size") == 0)
        snprintf(out, cap, "q:hh_size=2");
    else if (strcmp(page, "members:1") == 0)
        snprintf(out, cap,
                 "q:m_rel=1&q:m_sex=%ld&q:m_age=%ld&q:m_edu=5&q:m_work=1&"
                 "q:m_disability=0&q:m_learned=1",
                 1 + hh % 2, 20 + hh % 60);
    else if (strcmp(page, "members:2") == 0)
        snprintf(out, cap,
                 "q:m_rel=3&q:m_sex=1&q:m_age=10&q:m_edu=2&q:m_disability=0&"
                 "q:m_learned=1");
    else if (strcmp(page, "awareness") == 0)
        snprintf(out, cap, "q:aware=cc&q:aware=rd");
    else if (strcmp(page, "services_use") == 0)
        snprintf(out, cap, "q:use_cc=1&q:freq_cc=2&q:sat_cc=4&q:use_rd=0&q:sat_overall=4");
    else if (strcmp(page, "learning") == 0)
        snprintf(out, cap, "q:barriers=time&q:learn_hours=20");
}

/* One respondent from the link to the thank-you page; 1 when submitted. */
static int respondent(worker *w, long hh) {
    w->cookie[0] = '\0';
    if (exchange(w, "GET", link_path, NULL) != 0 || w->status != 303)
        return 0;
    char path[256];
    snprintf(path, sizeof path, "%s", w->location);
    for (int step = 0; step < 60; step++) {
        if (exchange(w, "GET", path, NULL) != 0 || w->status != 200)
            return 0;
        if (strstr(path, "/s/done"))
            return 1;
        char csrf[64], page[64], form[1024], ans[768];
        hidden(w->body, "_csrf", csrf, sizeof csrf);
        hidden(w->body, "_page", page, sizeof page);
        int review = strstr(path, "/s/review") != NULL;
        answers(page, hh, ans, sizeof ans);
        snprintf(form, sizeof form, "_csrf=%s&_page=%s&_nav=%s%s%s", csrf, page,
                 review ? "submit" : "next", *ans ? "&" : "", ans);
        if (exchange(w, "POST", "/s", form) != 0)
            return 0;
        if (w->status == 303)
            snprintf(path, sizeof path, "%s", *w->location ? w->location : "/s");
        else if (w->status != 200) /* 200: new questions appeared, the page again */
            return 0;
    }
    return 0;
}

static void *run(void *arg) {
    worker *w = arg;
    w->c.fd = -1;
    for (;;) {
        if (now() - t_start > seconds)
            break;
        long hh = atomic_fetch_add(&started, 1);
        if (hh >= count)
            break;
        if (respondent(w, hh + 1))
            atomic_fetch_add(&completed, 1);
        else
            atomic_fetch_add(&failed, 1);
    }
    if (w->c.fd >= 0)
        close(w->c.fd);
    return NULL;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0)
            port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--db") == 0)
            dbpath = argv[i + 1];
        else if (strcmp(argv[i], "--link") == 0)
            link_path = argv[i + 1];
        else if (strcmp(argv[i], "--concurrency") == 0)
            concurrency = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--count") == 0)
            count = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "bench_serve: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (port <= 0 || concurrency < 1 || concurrency > 2000 || count < 1 || seconds < 1) {
        fprintf(stderr, "usage: bench_serve --port P [--db DB] [--link /c/SLUG] "
                        "[--concurrency N] [--count N] [--seconds S]\n");
        return 2;
    }
    worker *w = calloc((size_t)concurrency, sizeof *w);
    pthread_t *t = calloc((size_t)concurrency, sizeof *t);
    t_start = now();
    for (int i = 0; i < concurrency; i++) {
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setstacksize(&at, 256 * 1024);
        pthread_create(&t[i], &at, run, &w[i]);
        pthread_attr_destroy(&at);
    }
    for (int i = 0; i < concurrency; i++)
        pthread_join(t[i], NULL);
    double el = now() - t_start;
    size_t n = 0;
    for (int i = 0; i < concurrency; i++)
        n += w[i].nlat;
    double *all = malloc((n ? n : 1) * sizeof *all);
    size_t k = 0;
    for (int i = 0; i < concurrency; i++) {
        memcpy(all + k, w[i].lat, w[i].nlat * sizeof *all);
        k += w[i].nlat;
        free(w[i].lat);
        free(w[i].c.buf);
    }
    qsort(all, n, sizeof *all, cmp);
    long done = atomic_load(&completed), bad = atomic_load(&failed);
    printf("concurrency %d: %ld questionnaires completed, %ld failed, in %.2f s\n", concurrency,
           done, bad, el);
    printf("throughput: %.1f completed questionnaires/s, %.0f requests/s\n", done / el, n / el);
    if (n)
        printf("latency per request (%zu): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", n,
               1e3 * all[n / 2], 1e3 * all[(size_t)(0.9 * (double)(n - 1))],
               1e3 * all[(size_t)(0.99 * (double)(n - 1))], 1e3 * all[n - 1]);
    free(all);
    free(w);
    free(t);
    int rc = bad == 0 ? 0 : 1;
    if (dbpath) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        long stored = -1, distinct = -1;
        if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(db,
                               "SELECT count(*), count(DISTINCT household_id) FROM "
                               "resp_household_2026_1 WHERE status = 'complete' AND "
                               "household_id LIKE 'B-%'",
                               -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            stored = sqlite3_column_int64(st, 0);
            distinct = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        long lost = done - distinct, dup = stored - distinct;
        printf("stored complete: %ld (distinct households %ld): lost %ld, duplicated %ld\n", stored,
               distinct, lost, dup);
        if (lost != 0 || dup != 0)
            rc = 1;
    }
    return rc;
}
