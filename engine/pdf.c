/*
 * pdf.c - HTML reports printed to PDF by headless Chromium (see pdf.h).
 *
 * Chromium is started with posix_spawn and an argument vector (no shell); the page is given
 * as a file:// URL with every byte outside [A-Za-z0-9/._~-] percent-encoded, so no file name
 * can become an option or another URL. It gets a fresh profile directory of its own, removed
 * afterwards, and prints to a temporary file beside the PDF that is renamed into place only
 * when it is a PDF. No time limit: a busy machine is slow, not failing.
 */
#include "pdf.h"

#include "error.h"
#include "gnuplot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int lcm_pdf_find_browser(char *out, size_t cap) {
    const char *env = getenv("LCMON_CHROMIUM");
    if (env && *env)
        return lcm_gnuplot_find(env, out, cap);
    static const char *const names[] = {"chromium", "chromium-browser", "google-chrome"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (lcm_gnuplot_find(names[i], out, cap))
            return 1;
    return 0;
}

/* Remove dir and everything below it (the browser's throw-away profile). */
static void remove_tree(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* "file://" and the absolute path of html, percent-encoded; 0 when it does not fit. */
static int file_url(const char *html, char *out, size_t cap) {
    char abs[4096];
    if (html[0] == '/')
        snprintf(abs, sizeof abs, "%s", html);
    else {
        char cwd[2048];
        if (!getcwd(cwd, sizeof cwd))
            return 0;
        snprintf(abs, sizeof abs, "%s/%s", cwd, html);
    }
    static const char hex[] = "0123456789ABCDEF";
    size_t n = (size_t)snprintf(out, cap, "file://");
    for (const unsigned char *p = (const unsigned char *)abs; *p; p++) {
        int plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                    (*p >= '0' && *p <= '9') || strchr("/._~-", *p);
        if (n + 4 >= cap)
            return 0;
        if (plain)
            out[n++] = (char)*p;
        else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    out[n] = '\0';
    return 1;
}

/* The last line of the browser's stderr (kept in file), for a message. */
static void last_line(const char *file, char *out, size_t cap) {
    FILE *fp = fopen(file, "r");
    char line[512];
    out[0] = '\0';
    while (fp && fgets(line, sizeof line, fp))
        if (line[0] != '\n') {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, cap, "%s", line);
        }
    if (fp)
        fclose(fp);
}

/* ---- named destinations: the page each section starts on ---- */

/* First occurrence of needle in h[0..hn) (the PDF holds NUL bytes: no strstr). */
static const char *find(const char *h, size_t hn, const char *needle) {
    size_t nn = strlen(needle);
    for (const char *p = h;
         nn && hn >= nn && (p = memchr(p, needle[0], hn - nn + 1 - (size_t)(p - h))); p++)
        if (memcmp(p, needle, nn) == 0)
            return p;
    return NULL;
}

typedef struct pdf_text {
    const char *d;
    size_t n;
} pdf_text;

/* Object num's text (from "N 0 obj" to "endobj"), or 0 when absent. */
static int object(const pdf_text *t, long num, pdf_text *o) {
    char head[40];
    snprintf(head, sizeof head, "\n%ld 0 obj", num);
    const char *p = find(t->d, t->n, head);
    if (!p)
        return 0;
    p += strlen(head);
    const char *e = find(p, t->n - (size_t)(p - t->d), "endobj");
    if (!e)
        return 0;
    o->d = p, o->n = (size_t)(e - p);
    return 1;
}

/* The number of the reference "KEY N 0 R" in o, or -1. */
static long ref(const pdf_text *o, const char *key) {
    const char *p = find(o->d, o->n, key);
    if (!p)
        return -1;
    char buf[32];
    size_t k = (size_t)(p - o->d) + strlen(key), m = 0;
    while (k < o->n && o->d[k] == ' ')
        k++;
    while (k < o->n && m + 1 < sizeof buf && o->d[k] >= '0' && o->d[k] <= '9')
        buf[m++] = o->d[k++];
    buf[m] = '\0';
    return m ? atol(buf) : -1;
}

/* Append the leaves (pages) under the page-tree node num to page[] in order; a tree that
 * is too deep or visits too many nodes (a loop) stops there. */
static void pages_of(const pdf_text *t, long num, long *page, int *np, int cap, int depth,
                     int *budget) {
    pdf_text o;
    if (depth > 16 || --*budget < 0 || !object(t, num, &o))
        return;
    const char *kids = find(o.d, o.n, "/Kids [");
    if (!kids) { /* a leaf: a page */
        if (*np < cap)
            page[(*np)++] = num;
        return;
    }
    const char *p = kids + 7, *end = o.d + o.n;
    while (p < end && *p != ']') {
        char *q;
        long k = strtol(p, &q, 10);
        if (q == p)
            break;
        /* "K 0 R" */
        if (q + 4 <= end && memcmp(q, " 0 R", 4) == 0)
            pages_of(t, k, page, np, cap, depth + 1, budget);
        p = q + 4;
        while (p < end && *p == ' ')
            p++;
    }
}

int lcm_pdf_anchor_pages(const char *pdf, const char *prefix, int n, int *pages) {
    for (int i = 0; i < n; i++)
        pages[i] = 0;
    FILE *f = fopen(pdf, "rb");
    struct stat sb;
    char *d = NULL;
    size_t len = 0;
    if (f && fstat(fileno(f), &sb) == 0 && sb.st_size > 0 && sb.st_size < (1L << 30) &&
        (d = malloc((size_t)sb.st_size)) != NULL)
        len = fread(d, 1, (size_t)sb.st_size, f);
    if (f)
        fclose(f);
    pdf_text t = {d, len}, cat, dests;
    enum { MAX_PAGES = 4096 };
    long *page = malloc(MAX_PAGES * sizeof *page);
    int np = 0, found = 0;
    const char *c = d ? find(d, len, "/Type /Catalog") : NULL;
    if (c && page) {
        /* the catalog object: from the catalog marker to its endobj */
        const char *e = find(c, len - (size_t)(c - d), "endobj");
        cat.d = c, cat.n = e ? (size_t)(e - c) : 0;
        long root = ref(&cat, "/Pages"), dn = ref(&cat, "/Dests");
        if (root >= 0 && dn >= 0 && object(&t, dn, &dests)) {
            int budget = 2 * MAX_PAGES;
            pages_of(&t, root, page, &np, MAX_PAGES, 0, &budget);
            for (int i = 0; i < n; i++) {
                char key[64];
                snprintf(key, sizeof key, "/%s%d [", prefix, i + 1);
                long pg = ref(&dests, key);
                for (int k = 0; pg >= 0 && k < np; k++)
                    if (page[k] == pg) {
                        pages[i] = k + 1, found++;
                        break;
                    }
            }
        }
    }
    free(page);
    free(d);
    return found;
}

lcm_status lcm_pdf_print(const char *html, const char *pdf, lcm_err *err) {
    char exe[4096], url[8192], profile[] = "/tmp/lcmon-pdf-XXXXXX";
    if (!lcm_pdf_find_browser(exe, sizeof exe))
        return lcm_err_set(err, LCM_EXTERNAL,
                           "cannot print '%s' to PDF: no chromium found (install chromium, or "
                           "set LCMON_CHROMIUM)",
                           html);
    if (access(html, R_OK) != 0)
        return lcm_err_set(err, LCM_IO, "cannot read '%s': %s", html, strerror(errno));
    if (!file_url(html, url, sizeof url))
        return lcm_err_set(err, LCM_INVAL, "path too long: '%s'", html);
    if (!mkdtemp(profile))
        return lcm_err_set(err, LCM_IO, "cannot make a browser profile in /tmp: %s",
                           strerror(errno));
    char tmp[4096], opt_out[4200], opt_prof[128], log[160];
    snprintf(tmp, sizeof tmp, "%s.part", pdf);
    snprintf(opt_out, sizeof opt_out, "--print-to-pdf=%s", tmp);
    snprintf(opt_prof, sizeof opt_prof, "--user-data-dir=%s", profile);
    snprintf(log, sizeof log, "%s.stderr", profile);
    unlink(tmp);
    /* The report is lcmon's own HTML with every text from data escaped and no script; the
     * sandbox needs user namespaces a root CI container lacks, so root runs without it. */
    const char *argv[16];
    int a = 0;
    argv[a++] = "chromium";
    argv[a++] = "--headless";
    if (geteuid() == 0)
        argv[a++] = "--no-sandbox";
    argv[a++] = "--disable-gpu";
    argv[a++] = "--disable-dev-shm-usage";
    argv[a++] = "--no-first-run";
    argv[a++] = "--disable-extensions";
    argv[a++] = "--no-pdf-header-footer";
    argv[a++] = opt_prof;
    argv[a++] = opt_out;
    argv[a++] = url;
    argv[a] = NULL;
    posix_spawn_file_actions_t fa;
    pid_t pid = 0;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (rc == 0)
        rc = posix_spawn(&pid, exe, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    if (rc == 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    char why[512];
    last_line(log, why, sizeof why);
    unlink(log);
    remove_tree(profile);
    if (rc != 0)
        return lcm_err_set(err, LCM_EXTERNAL, "cannot start '%s': %s", exe, strerror(rc));
    char head[8] = "";
    FILE *fp = fopen(tmp, "rb");
    size_t got = fp ? fread(head, 1, 5, fp) : 0;
    if (fp)
        fclose(fp);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != 5 ||
        memcmp(head, "%PDF-", 5) != 0) {
        unlink(tmp);
        return lcm_err_set(err, LCM_EXTERNAL, "chromium did not print '%s' to PDF (%s%d)%s%s", html,
                           WIFEXITED(status) ? "exit status " : "signal ",
                           WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                           *why ? ": " : "", why);
    }
    if (rename(tmp, pdf) != 0) {
        int e = errno;
        unlink(tmp);
        return lcm_err_set(err, LCM_IO, "cannot write '%s': %s", pdf, strerror(e));
    }
    return LCM_OK;
}
