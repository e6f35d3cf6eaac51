/*
 * testing.c - helpers shared by the suites: fixture paths, a private temporary
 * directory, running the real lcmon binary with captured output, and small checks
 * (database counts, whole files read and written, substrings, line counts).
 */
#include "testing.h"

#include <CUnit/CUnit.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static char tmpdir[256];

static void remove_tmpdir(void) {
    if (!tmpdir[0])
        return;
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", tmpdir, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

const char *lcmt_path(const char *rel) {
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", LCMT_SOURCE_DIR, rel);
    return buf;
}

const char *lcmt_tmp(const char *name) {
    static char buf[4096];
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/lcmt.XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            exit(3);
        }
        atexit(remove_tmpdir);
    }
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

/* LCMT_MAXREL: the largest relative difference each test saw between a value and its
 * reference, printed when the next test starts (and at exit), for closing notes. */
static char maxrel_test[256];
static double maxrel_val = -1;
static void maxrel_print(void) {
    if (maxrel_val >= 0)
        fprintf(stderr, "\n  %s: max relative difference from its reference %.3g\n", maxrel_test,
                maxrel_val);
    maxrel_val = -1;
}

void lcmt_note_rel(double got, double want) {
    static int registered;
    if (!getenv("LCMT_MAXREL") || !isfinite(got) || !isfinite(want))
        return;
    if (!registered)
        registered = 1, atexit(maxrel_print);
    CU_pTest t = CU_get_current_test();
    const char *name = t && t->pName ? t->pName : "?";
    if (strcmp(name, maxrel_test) != 0) {
        maxrel_print();
        snprintf(maxrel_test, sizeof maxrel_test, "%s", name);
    }
    double scale = fmax(fabs(got), fabs(want));
    double d = scale > 0 ? fabs(got - want) / scale : 0.0;
    maxrel_val = fmax(maxrel_val, d);
}

int lcmt_close(double a, double b, double rel) {
    lcmt_note_rel(a, b);
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    double scale = fmax(fmax(fabs(a), fabs(b)), 1e-300);
    return fabs(a - b) <= rel * scale;
}

typedef struct {
    char *data;
    size_t len, cap;
} growbuf;

static int grow_append(growbuf *g, const char *p, size_t n) {
    if (g->len + n + 1 > g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 4096;
        while (cap < g->len + n + 1)
            cap *= 2;
        char *d = realloc(g->data, cap);
        if (!d)
            return -1;
        g->data = d;
        g->cap = cap;
    }
    memcpy(g->data + g->len, p, n);
    g->len += n;
    g->data[g->len] = '\0';
    return 0;
}

/* Pump stdin/stdout/stderr of the child with poll() so none of the pipes can fill up
 * and deadlock the pair. */
static void pump(int in_fd, const char *in, int out_fd, int err_fd, growbuf *out, growbuf *err) {
    size_t in_len = in ? strlen(in) : 0, in_off = 0;
    if (in_fd >= 0 && in_off == in_len) {
        close(in_fd);
        in_fd = -1;
    }
    while (out_fd >= 0 || err_fd >= 0 || in_fd >= 0) {
        struct pollfd fds[3] = {{in_fd, POLLOUT, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
        if (poll(fds, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (in_fd >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = write(in_fd, in + in_off, in_len - in_off);
            if (n > 0)
                in_off += (size_t)n;
            if (n < 0 || in_off == in_len) {
                close(in_fd);
                in_fd = -1;
            }
        }
        int *fdp[2] = {&out_fd, &err_fd};
        growbuf *bufs[2] = {out, err};
        for (int i = 0; i < 2; i++) {
            if (*fdp[i] < 0 || !(fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[8192];
            ssize_t n = read(*fdp[i], chunk, sizeof chunk);
            if (n > 0)
                grow_append(bufs[i], chunk, (size_t)n);
            else {
                close(*fdp[i]);
                *fdp[i] = -1;
            }
        }
    }
}

int lcmt_run(const char *const *args, const char *stdin_text, char **out, char **err) {
    int pin[2], pout[2], perr[2];
    if (pipe(pin) || pipe(pout) || pipe(perr))
        return -1;
    signal(SIGPIPE, SIG_IGN);
    size_t n = 0;
    while (args[n])
        n++;
    const char **argv = calloc(n + 2, sizeof *argv);
    if (!argv)
        return -1;
    argv[0] = LCMT_LCMON;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = args[i];
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pin[0], 0);
        dup2(pout[1], 1);
        dup2(perr[1], 2);
        close(pin[0]), close(pin[1]), close(pout[0]), close(pout[1]), close(perr[0]),
            close(perr[1]);
        execv(LCMT_LCMON, (char *const *)argv);
        _exit(127);
    }
    free(argv);
    close(pin[0]), close(pout[1]), close(perr[1]);
    growbuf o = {0}, e = {0};
    grow_append(&o, "", 0);
    grow_append(&e, "", 0);
    pump(pin[1], stdin_text, pout[0], perr[0], &o, &e);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        free(o.data), free(e.data);
        return -1;
    }
    if (out)
        *out = o.data;
    else
        free(o.data);
    if (err)
        *err = e.data;
    else
        free(e.data);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

long lcmt_count(lcm_db *db, const char *sql) {
    sqlite3_stmt *st = NULL;
    long n = -1;
    if (lcm_db_prepare(db, sql, &st, NULL) == LCM_OK && sqlite3_step(st) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

long lcmt_count_at(const char *path, const char *sql) {
    lcm_db *db = NULL;
    if (lcm_db_open(path, LCM_OPEN_READONLY, &db, NULL) != LCM_OK)
        return -1;
    long n = lcmt_count(db, sql);
    lcm_db_close(db);
    return n;
}

int lcmt_exec(const char *path, const char *sql) {
    lcm_db *db = NULL;
    char *msg = NULL;
    if (lcm_db_open(path, 0, &db, NULL) != LCM_OK)
        return -1;
    int rc = sqlite3_exec(lcm_db_sqlite(db), sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "\n  lcmt_exec: %s: %s\n", sql, msg ? msg : "");
    sqlite3_free(msg);
    lcm_db_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

char *lcmt_slurp(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    growbuf g = {0};
    char chunk[8192];
    size_t n;
    int ok = grow_append(&g, "", 0) == 0;
    while (ok && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        ok = grow_append(&g, chunk, n) == 0;
    ok = ok && !ferror(fp);
    fclose(fp);
    if (!ok) {
        free(g.data);
        return NULL;
    }
    if (len)
        *len = g.len;
    return g.data;
}

const char *lcmt_write(const char *path, const void *data, size_t n) {
    FILE *fp = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    size_t put = fwrite(data, 1, n, fp);
    int closed = fclose(fp);
    CU_ASSERT_FATAL(put == n && closed == 0);
    return path;
}

int lcmt_has(const char *hay, const char *needle) {
    int ok = hay && strstr(hay, needle);
    if (!ok)
        fprintf(stderr, "\n  wanted '%s' in:\n%.3000s\n", needle, hay ? hay : "(null)");
    return ok;
}

int lcmt_has_utc_iso(const char *text) {
    regex_t re;
    regmatch_t m;
    if (!text ||
        regcomp(&re, "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?Z",
                REG_EXTENDED) != 0)
        return 0;
    int found = regexec(&re, text, 1, &m, 0) == 0;
    regfree(&re);
    if (found)
        fprintf(stderr, "\n  a UTC time shown: '%.*s'\n", (int)(m.rm_eo - m.rm_so), text + m.rm_so);
    return found;
}

long lcmt_count_lines(const char *text) {
    long n = 0;
    for (; text && *text; text++)
        n += *text == '\n';
    return n;
}

/* The member `name` of the zip archive z (n bytes), inflated; NULL when absent. */
char *lcmt_zip_member(const unsigned char *z, size_t n, const char *name) {
    size_t len = strlen(name);
    for (size_t i = 0; i + 46 <= n; i++) {
        if (memcmp(z + i, "PK\x01\x02", 4) != 0)
            continue;
        unsigned method = z[i + 10] | z[i + 11] << 8;
        unsigned long csize = z[i + 20] | z[i + 21] << 8 | (unsigned long)z[i + 22] << 16 |
                              (unsigned long)z[i + 23] << 24;
        unsigned long usize = z[i + 24] | z[i + 25] << 8 | (unsigned long)z[i + 26] << 16 |
                              (unsigned long)z[i + 27] << 24;
        unsigned nlen = z[i + 28] | z[i + 29] << 8;
        unsigned long off = z[i + 42] | z[i + 43] << 8 | (unsigned long)z[i + 44] << 16 |
                            (unsigned long)z[i + 45] << 24;
        if (nlen != len || i + 46 + nlen > n || memcmp(z + i + 46, name, len) != 0 || off + 30 > n)
            continue;
        size_t data =
            off + 30 + (z[off + 26] | z[off + 27] << 8) + (z[off + 28] | z[off + 29] << 8);
        char *out = calloc(usize + 1, 1);
        if (!out || data + csize > n)
            return free(out), NULL;
        if (method == 0) {
            memcpy(out, z + data, usize);
            return out;
        }
        z_stream s;
        memset(&s, 0, sizeof s);
        s.next_in = (unsigned char *)(z + data), s.avail_in = (uInt)csize;
        s.next_out = (unsigned char *)out, s.avail_out = (uInt)usize;
        int ok = inflateInit2(&s, -MAX_WBITS) == Z_OK && inflate(&s, Z_FINISH) == Z_STREAM_END;
        inflateEnd(&s);
        return ok ? out : (free(out), NULL);
    }
    return NULL;
}

/* The simulated household database the R scripts of tests/r/ read (export_household.R's
 * header): 2 cities, wave 2025, 20 households, seed 7, design stratum/psu/design_weight. */
char *lcmt_household_db(const char *name) {
    char *db = strdup(lcmt_tmp(name));
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"simulate", db, "--cities", "2", "--waves", "2025",
                                  "--households", "20", "--seed", "7", NULL},
                 NULL, NULL, NULL),
        0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"design", "set", db, "--form", "household", "--strata", "stratum",
                                  "--psu", "psu", "--weight", "design_weight", NULL},
                 NULL, NULL, NULL),
        0);
    return db;
}
