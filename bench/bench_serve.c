/*
 * bench_serve.c - load client for `lcmon serve` on loopback (bench/serve runs it).
 *
 *   bench_serve --port P --db DB [--link /c/SLUG] [--concurrency 200] [--count 3000]
 *               [--seconds 60] [--server-pid PID]
 *
 * N simulated respondents, each a respondent at a time on a keep-alive connection, all
 * driven by one epoll thread (the client shares the machine's cores with the server, so it
 * must be cheap: no thread per respondent). Each goes through the whole household
 * questionnaire as a browser does: open the link (and follow its redirect), then for every
 * page it is shown read the page (its CSRF token and page name from the HTML), post that
 * page's answers with the token, and read what comes back: the next page (200), the same
 * page again when the answers made new questions appear (answered again), the review
 * page (submitted), the thank-you page (done). A redirect is followed as a browser does.
 * Bounded in count (questionnaires started) and time (no new one after --seconds).
 *
 * Reports completed questionnaires per second, p50/p90/p99/max latency of every request,
 * the client's CPU (and the server's, from /proc/PID/stat, with --server-pid) per
 * questionnaire, and then reads DB: every questionnaire the client saw acknowledged (its
 * thank-you page) must be stored complete exactly once (lost = 0, duplicated = 0). The last
 * line is the verdict against issue 14's goal.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* issue 14: at 200 concurrent respondents */
#define GOAL_QPS 300.0
#define GOAL_P99_MS 50.0

static int port, concurrency = 200, seconds = 60, server_pid;
static long count = 3000;
static const char *link_path = "/c/household", *dbpath;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* the kinds of request, for the latency of each */
enum { K_LINK, K_GET, K_POST, K_SUBMIT, NKIND };

typedef struct resp_t {
    int fd;
    char *in; /* the response being read */
    size_t cap, len, need, hend;
    char out[4096]; /* the request being written */
    size_t nout, sent;
    double t0;
    long hh;   /* household number of the questionnaire, 0 between two */
    int steps; /* requests of this questionnaire (bounded: a loop is a failure) */
    char cookie[64];
    char posted[64]; /* the page last posted, "" for a GET */
    int review;      /* the review page was posted (submit) */
    int kind;        /* of the request out: K_LINK … */
} resp_t;

static double *lat;
static size_t nlat, caplat;
static long started, completed, failed;
static long *acked; /* household numbers whose thank-you page came back */
static double t_start;
static int ep;

static const char *const kind_name[NKIND] = {"open the link", "page by address", "post a page",
                                             "post the review (submit)"};
static unsigned char *lat_kind;

static void record(double dt, int kind) {
    if (nlat == caplat) {
        caplat = caplat ? caplat * 2 : 65536;
        lat = realloc(lat, caplat * sizeof *lat);
        lat_kind = realloc(lat_kind, caplat);
        if (!lat || !lat_kind) {
            fprintf(stderr, "bench_serve: out of memory\n");
            exit(3);
        }
    }
    lat_kind[nlat] = (unsigned char)kind;
    lat[nlat++] = dt;
}

static int dial(resp_t *w) {
    w->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (w->fd < 0)
        return -1;
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(w->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(w->fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS)
        return -1;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = w};
    return epoll_ctl(ep, EPOLL_CTL_ADD, w->fd, &ev);
}

static void hang_up(resp_t *w) {
    if (w->fd >= 0) {
        epoll_ctl(ep, EPOLL_CTL_DEL, w->fd, NULL);
        close(w->fd);
    }
    w->fd = -1;
}

/* Write what is left of the request; 0 when all of it is out or it waits for EPOLLOUT. */
static int flush(resp_t *w) {
    while (w->sent < w->nout) {
        ssize_t k = write(w->fd, w->out + w->sent, w->nout - w->sent);
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN))
            return 0;
        if (k <= 0)
            return -1;
        w->sent += (size_t)k;
    }
    return 0;
}

/* Start a request (form: a POST body, else a GET); one write for head and body. */
static int send_req(resp_t *w, const char *path, const char *form) {
    size_t nform = form ? strlen(form) : 0;
    int n = snprintf(w->out, sizeof w->out, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s%s",
                     form ? "POST" : "GET", path, port, *w->cookie ? "Cookie: lcm_s=" : "",
                     w->cookie, *w->cookie ? "\r\n" : "");
    if (form)
        n += snprintf(w->out + n, sizeof w->out - (size_t)n,
                      "Content-Type: application/x-www-form-urlencoded\r\n"
                      "Content-Length: %zu\r\n\r\n%s",
                      nform, form);
    else
        n += snprintf(w->out + n, sizeof w->out - (size_t)n, "\r\n");
    if (n <= 0 || (size_t)n >= sizeof w->out)
        return -1;
    w->nout = (size_t)n;
    w->sent = 0;
    w->len = w->need = w->hend = 0;
    w->t0 = now();
    w->steps++;
    if (w->fd < 0 && dial(w) != 0)
        return -1;
    return flush(w);
}

static void hidden(const char *html, const char *name, char *out, size_t cap) {
    char key[64];
    snprintf(key, sizeof key, "name=\"%s\" value=\"", name);
    const char *p = html ? strstr(html, key) : NULL;
    out[0] = '\0';
    if (p)
        snprintf(out, cap, "%.*s", (int)strcspn(p + strlen(key), "\""), p + strlen(key));
}

/* The answers of a page of the household questionnaire; hh is the questionnaire's number,
 * written as the suggestion "B-hh" (the household number is the server's in self-completion)
 * so that the database can be checked against what was acknowledged. */
static void answers(const char *page, long hh, char *out, size_t cap) {
    out[0] = '\0';
    if (strcmp(page, "location") == 0)
        snprintf(out, cap,
                 "q:city=1100&q:county=110101&q:township=110101001&q:community=110101001%03ld&"
                 "q:community_type=rc&q:consent=1",
                 1 + hh % 10);
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
        snprintf(out, cap, "q:barriers=time&q:learn_hours=20&q:suggestion=B-%ld", hh);
}

/* The next questionnaire of slot w, or none (the slot rests): 0 when one was started. */
static int begin(resp_t *w) {
    if (now() - t_start > seconds || started >= count) {
        w->hh = 0;
        return -1;
    }
    w->hh = ++started;
    w->steps = 0;
    w->cookie[0] = w->posted[0] = '\0';
    w->review = 0;
    w->kind = K_LINK;
    if (send_req(w, link_path, NULL) != 0) {
        failed++;
        hang_up(w);
        w->hh = 0;
        return -1;
    }
    return 0;
}

static void finish(resp_t *w, int ok) {
    if (ok)
        acked[completed++] = w->hh;
    else {
        failed++;
        hang_up(w); /* a failed respondent's connection is not trusted further */
    }
    begin(w);
}

/* A whole response is in: what a browser would do next. */
static void answered(resp_t *w) {
    record(now() - w->t0, w->kind);
    char *h = w->in, *e = w->in + w->hend;
    int status = atoi(h + 9);
    char *sc = strcasestr(h, "\r\nSet-Cookie: lcm_s=");
    if (sc && sc < e)
        sscanf(sc + 20, "%63[0-9a-f]", w->cookie);
    char *cl = strcasestr(h, "\r\nConnection: close");
    if (cl && cl < e)
        hang_up(w);
    if (w->steps > 80) {
        finish(w, 0);
        return;
    }
    if (status == 303) {
        char path[256] = "/s";
        char *loc = strcasestr(h, "\r\nLocation: ");
        if (loc && loc < e) {
            loc += 12;
            char *slash = strstr(loc, "://"); /* keep the path only */
            if (slash && slash < strstr(loc, "\r\n"))
                loc = strchr(slash + 3, '/');
            if (loc)
                snprintf(path, sizeof path, "%.*s", (int)strcspn(loc, "\r\n"), loc);
        }
        w->posted[0] = '\0';
        w->kind = K_GET;
        if (send_req(w, path, NULL) != 0)
            finish(w, 0);
        return;
    }
    if (status != 200) {
        finish(w, 0);
        return;
    }
    const char *body = w->in + w->hend;
    if (strstr(body, "id=\"done\"")) {
        finish(w, w->review);
        return;
    }
    char csrf[64], page[64], form[1024], ans[768];
    hidden(body, "_csrf", csrf, sizeof csrf);
    hidden(body, "_page", page, sizeof page);
    if (strlen(csrf) != 32) {
        finish(w, 0);
        return;
    }
    int review = !*page && strstr(body, "value=\"submit\"") != NULL;
    if (!*page && !review) {
        finish(w, 0);
        return;
    }
    answers(page, w->hh, ans, sizeof ans);
    snprintf(form, sizeof form, "_csrf=%s&_page=%s&_nav=%s%s%s", csrf, page,
             review ? "submit" : "next", *ans ? "&" : "", ans);
    w->review = review;
    w->kind = review ? K_SUBMIT : K_POST;
    snprintf(w->posted, sizeof w->posted, "%s", page);
    if (send_req(w, "/s", form) != 0)
        finish(w, 0);
}

/* Read what the socket has; a response complete goes on to answered(). */
static void readable(resp_t *w) {
    for (;;) {
        if (w->cap - w->len < 16384) {
            w->cap = w->cap ? w->cap * 2 : 65536;
            w->in = realloc(w->in, w->cap);
            if (!w->in) {
                fprintf(stderr, "bench_serve: out of memory\n");
                exit(3);
            }
        }
        ssize_t k = read(w->fd, w->in + w->len, w->cap - w->len - 1);
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (k <= 0) { /* closed: a response cut short is a failure */
            hang_up(w);
            if (w->hh)
                finish(w, 0);
            return;
        }
        w->len += (size_t)k;
        w->in[w->len] = '\0';
        if (!w->hend) {
            char *e = strstr(w->in, "\r\n\r\n");
            if (!e)
                continue;
            w->hend = (size_t)(e - w->in) + 4;
            char *cl = strcasestr(w->in, "\r\nContent-Length:");
            w->need = w->hend + (cl && cl < e ? strtoul(cl + 17, NULL, 10) : 0);
        }
        if (w->len >= w->need) {
            answered(w);
            return;
        }
    }
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int cmpl(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

/* CPU seconds (user + system) of process pid so far, -1 when unknown. */
static double proc_cpu(int pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the name may hold spaces */
    unsigned long ut, st;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

/* Every acknowledged household stored complete exactly once: *lost and *dup. */
static int verify(long *lost, long *dup, long *stored) {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long *got = NULL;
    size_t ngot = 0, cap = 0;
    *lost = *dup = *stored = 0;
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT substr(suggestion, 3) FROM resp_household_2026_1 WHERE "
                           "status = 'complete' AND suggestion LIKE 'B-%'",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_serve: cannot read %s: %s\n", dbpath, sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (ngot == cap) {
            cap = cap ? 2 * cap : 4096;
            got = realloc(got, cap * sizeof *got);
            if (!got)
                exit(3);
        }
        got[ngot++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    *stored = (long)ngot;
    qsort(got, ngot, sizeof *got, cmpl);
    qsort(acked, (size_t)completed, sizeof *acked, cmpl);
    for (size_t i = 1; i < ngot; i++)
        *dup += got[i] == got[i - 1];
    size_t j = 0;
    for (long i = 0; i < completed; i++) { /* each acknowledged one among the stored */
        while (j < ngot && got[j] < acked[i])
            j++;
        *lost += !(j < ngot && got[j] == acked[i]);
    }
    free(got);
    return 0;
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
        else if (strcmp(argv[i], "--server-pid") == 0)
            server_pid = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "bench_serve: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (port <= 0 || concurrency < 1 || concurrency > 2000 || count < 1 || seconds < 1) {
        fprintf(stderr, "usage: bench_serve --port P [--db DB] [--link /c/SLUG] "
                        "[--concurrency N] [--count N] [--seconds S] [--server-pid PID]\n");
        return 2;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)concurrency + 64) {
        rl.rlim_cur =
            rl.rlim_max < (rlim_t)concurrency + 64 ? rl.rlim_max : (rlim_t)concurrency + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    ep = epoll_create1(0);
    resp_t *w = calloc((size_t)concurrency, sizeof *w);
    acked = calloc((size_t)count, sizeof *acked);
    struct epoll_event *evs = calloc((size_t)concurrency, sizeof *evs);
    if (ep < 0 || !w || !acked || !evs) {
        fprintf(stderr, "bench_serve: cannot start\n");
        return 3;
    }
    double cpu0 = self_cpu(), scpu0 = server_pid ? proc_cpu(server_pid) : -1;
    t_start = now();
    int active = 0;
    for (int i = 0; i < concurrency; i++) {
        w[i].fd = -1;
        active += begin(&w[i]) == 0;
    }
    while (active > 0) {
        int n = epoll_wait(ep, evs, concurrency, 1000);
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n; i++) {
            resp_t *x = evs[i].data.ptr;
            if (x->fd < 0)
                continue;
            if ((evs[i].events & EPOLLOUT) && x->sent < x->nout && flush(x) != 0) {
                hang_up(x);
                finish(x, 0);
                continue;
            }
            if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                readable(x);
        }
        active = 0;
        for (int i = 0; i < concurrency; i++)
            active += w[i].hh != 0;
    }
    double el = now() - t_start;
    double cpu = self_cpu() - cpu0, scpu1 = server_pid ? proc_cpu(server_pid) : -1;
    double scpu = scpu0 >= 0 && scpu1 >= 0 ? scpu1 - scpu0 : -1;
    for (int i = 0; i < concurrency; i++) {
        hang_up(&w[i]);
        free(w[i].in);
    }
    /* each kind's p50 and p99 first, while lat and lat_kind are in step */
    double *one = malloc((nlat ? nlat : 1) * sizeof *one);
    for (int k = 0; one && k < NKIND; k++) {
        size_t m = 0;
        for (size_t i = 0; i < nlat; i++)
            if (lat_kind[i] == k)
                one[m++] = lat[i];
        if (!m)
            continue;
        qsort(one, m, sizeof *one, cmp);
        printf("latency of %s (%zu): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", kind_name[k], m,
               1e3 * one[m / 2], 1e3 * one[(size_t)(0.99 * (double)(m - 1))], 1e3 * one[m - 1]);
    }
    free(one);
    free(lat_kind);
    qsort(lat, nlat, sizeof *lat, cmp);
    double qps = (double)completed / el;
    double p99 = nlat ? 1e3 * lat[(size_t)(0.99 * (double)(nlat - 1))] : 0;
    printf("concurrency %d: %ld questionnaires completed, %ld failed, in %.2f s\n", concurrency,
           completed, failed, el);
    printf("throughput: %.1f completed questionnaires/s, %.0f requests/s (%.1f requests per "
           "questionnaire)\n",
           qps, (double)nlat / el, completed ? (double)nlat / (double)completed : 0);
    if (nlat)
        printf("latency per request (%zu): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
               nlat, 1e3 * lat[nlat / 2], 1e3 * lat[(size_t)(0.9 * (double)(nlat - 1))], p99,
               1e3 * lat[nlat - 1]);
    double per = completed ? 1e3 / (double)completed : 0;
    printf("client CPU: %.2f s = %.2f ms per questionnaire (one thread)\n", cpu, cpu * per);
    if (scpu >= 0) {
        double tot = (scpu + cpu) * per;
        printf("server CPU: %.2f s = %.2f ms per questionnaire\n", scpu, scpu * per);
        printf("CPU per questionnaire, server + client: %.2f ms: two idle cores could do at most "
               "%.0f questionnaires/s\n",
               tot, tot > 0 ? 2000.0 / tot : 0);
    }
    free(lat);
    free(w);
    free(evs);
    if (dbpath) { /* the log must not grow without end under a steady load */
        char wal[4096];
        struct stat sb;
        snprintf(wal, sizeof wal, "%s-wal", dbpath);
        if (stat(wal, &sb) == 0)
            printf("write-ahead log at the end: %.1f MB\n", (double)sb.st_size / 1048576.0);
    }
    long lost = -1, dup = -1, stored = -1;
    if (dbpath && verify(&lost, &dup, &stored) == 0)
        printf("stored complete: %ld; acknowledged %ld: lost %ld, duplicated %ld\n", stored,
               completed, lost, dup);
    free(acked);
    int met = failed == 0 && lost == 0 && dup == 0 && qps >= GOAL_QPS && p99 < GOAL_P99_MS &&
              concurrency >= 200;
    printf("VERDICT: goal %s: %.1f questionnaires/s (goal >= %.0f), p99 %.1f ms (goal < %.0f), "
           "lost %ld, duplicated %ld, failed %ld, at %d concurrent (goal 200)\n",
           met ? "MET" : "NOT MET", qps, GOAL_QPS, p99, GOAL_P99_MS, lost, dup, failed,
           concurrency);
    return failed == 0 && lost == 0 && dup == 0 ? 0 : 1;
}
