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
