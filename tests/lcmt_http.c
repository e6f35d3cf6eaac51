/*
 * lcmt_http.c - a server, a client and sign-in for the tests of `lcmon serve` (lcmt_http.h).
 */
#include "lcmt_http.h"

#include "auth.h"
#include "strbuf.h"
#include "testing.h"
#include "timestamp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The read ends of the servers' standard output, kept open while they run. */
static struct {
    pid_t pid;
    FILE *out;
} servers[16];

void lcmt_resp_free(lcmt_resp *r) {
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

pid_t lcmt_serve_start(const char *db, int *port) {
    int fd[2];
    *port = 0;
    if (pipe(fd) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl(LCMT_LCMON, "lcmon", "serve", db, "--listen", "127.0.0.1:0", "--rate-limit", "0",
              (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    if (pid < 0) {
        close(fd[0]);
        return -1;
    }
    FILE *out = fdopen(fd[0], "r");
    char line[512];
    if (out && fgets(line, sizeof line, out)) {
        const char *p = strstr(line, "listening on 127.0.0.1:");
        if (p)
            *port = atoi(p + strlen("listening on 127.0.0.1:"));
    }
    for (size_t i = 0; i < sizeof servers / sizeof servers[0]; i++)
        if (!servers[i].pid) {
            servers[i].pid = pid, servers[i].out = out;
            return pid;
        }
    if (out)
        fclose(out);
    return pid;
}

int lcmt_serve_stop(pid_t pid) {
    int status = 0;
    if (pid <= 0)
        return -1;
    kill(pid, SIGTERM);
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    for (size_t i = 0; i < sizeof servers / sizeof servers[0]; i++)
        if (servers[i].pid == pid) {
            if (servers[i].out)
                fclose(servers[i].out);
            servers[i].pid = 0, servers[i].out = NULL;
        }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

lcmt_resp lcmt_http(int port, const char *method, const char *path, const char *cookie,
                    const char *form) {
    lcmt_resp r = {0};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (s >= 0)
            close(s);
        r.status = -1;
        r.head = strdup("");
        r.body = strdup("");
        return r;
    }
    lcm_strbuf req = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method,
                    path);
    if (cookie && *cookie)
        lcm_strbuf_addf(&req, "Cookie: lcm_s=%s\r\n", cookie);
    if (form)
        lcm_strbuf_addf(&req,
                        "Content-Type: application/x-www-form-urlencoded\r\n"
                        "Content-Length: %zu\r\n",
                        strlen(form));
    lcm_strbuf_adds(&req, "\r\n");
    if (form)
        lcm_strbuf_adds(&req, form);
    if (write(s, req.buf, req.len) != (ssize_t)req.len) {
        /* the server may answer and close before reading a body it refuses */
    }
    lcm_strbuf_release(&req);
    lcm_strbuf in = LCM_STRBUF_INIT;
    char buf[8192];
    ssize_t got;
    while ((got = read(s, buf, sizeof buf)) > 0)
        lcm_strbuf_add(&in, buf, (size_t)got);
    close(s);
    char *all = lcm_strbuf_detach(&in);
    if (!all)
        all = strdup("");
    char *sep = strstr(all, "\r\n\r\n");
    if (sep) {
        *sep = '\0';
        r.body = strdup(sep + 4);
    } else
        r.body = strdup("");
    r.head = all;
    if (sscanf(all, "HTTP/1.%*d %d", &r.status) != 1)
        r.status = -1;
    const char *c = strstr(all, "Set-Cookie: lcm_s=");
    if (c)
        sscanf(c + strlen("Set-Cookie: lcm_s="), "%32[0-9a-f]", r.cookie);
    return r;
}

const char *lcmt_header(const lcmt_resp *r, const char *name, char *out, size_t cap) {
    size_t n = strlen(name);
    out[0] = '\0';
    for (const char *line = r->head; line && *line;) {
        const char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > n + 1 && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            snprintf(out, cap, "%.*s", (int)(len - (size_t)(v - line)), v);
            return out;
        }
        line = end ? end + 2 : NULL;
    }
    return out;
}

const char *lcmt_csrf_of(const char *body, char csrf[40]) {
    const char *t = body ? strstr(body, "name=\"_csrf\" value=\"") : NULL;
    csrf[0] = '\0';
    if (t)
        sscanf(t + strlen("name=\"_csrf\" value=\""), "%32[0-9a-f]", csrf);
    return csrf;
}

static void form_encode(lcm_strbuf *sb, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.')
            lcm_strbuf_addc(sb, (char)*p);
        else
            lcm_strbuf_addf(sb, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
}

int lcmt_sign_in(int port, const char *login, const char *password, char cookie[40],
                 char csrf[40]) {
    cookie[0] = csrf[0] = '\0';
    lcmt_resp r = lcmt_http(port, "GET", "/login", NULL, NULL);
    char token[40];
    lcmt_csrf_of(r.body, token);
    snprintf(cookie, 40, "%s", r.cookie);
    lcmt_resp_free(&r);
    lcm_strbuf form = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&form, "_csrf=%s&login=", token);
    form_encode(&form, login);
    lcm_strbuf_adds(&form, "&password=");
    form_encode(&form, password);
    r = lcmt_http(port, "POST", "/login", cookie, form.buf);
    lcm_strbuf_release(&form);
    int status = r.status;
    if (status == 303 && r.cookie[0]) {
        snprintf(cookie, 40, "%s", r.cookie);
        lcmt_resp h = lcmt_http(port, "GET", "/home", cookie, NULL);
        lcmt_csrf_of(h.body, csrf);
        lcmt_resp_free(&h);
    }
    lcmt_resp_free(&r);
    return status;
}

static int answer(lcmt_resp r, char **body) {
    if (body)
        *body = strdup(r.body ? r.body : "");
    int st = r.status;
    lcmt_resp_free(&r);
    return st;
}

int lcmt_get_as(int port, const lcmt_who *w, const char *path, char **body) {
    return answer(lcmt_http(port, "GET", path, w ? w->cookie : NULL, NULL), body);
}

int lcmt_post_as(int port, const lcmt_who *w, const char *path, const char *form, char **body) {
    lcm_strbuf b = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&b, "_csrf=%s&%s", w->csrf, form);
    int st = answer(lcmt_http(port, "POST", path, w->cookie, b.buf), body);
    lcm_strbuf_release(&b);
    return st;
}

int lcmt_add_user(const char *db, const char *login, const char *role, const char *place,
                  const char *password) {
    lcm_db *d = NULL;
    lcm_role rl;
    lcm_err err = {0};
    if (!lcm_role_parse(role, &rl) || lcm_db_open(db, 0, &d, &err) != LCM_OK)
        return -1;
    lcm_status st = lcm_user_add(d, login, login, rl, place, password, NULL, NULL, &err);
    if (st != LCM_OK)
        fprintf(stderr, "\n  lcmt_add_user: %s\n", err.msg);
    lcm_db_close(d);
    return st == LCM_OK ? 0 : -1;
}

const char *lcmt_shown_time(const char *stored, char out[20]) {
    char bj[LCM_TIMESTAMP_BEIJING_SIZE];
    CU_ASSERT_EQUAL(lcm_timestamp_beijing(stored, bj), 0);
    snprintf(out, 20, "%.16s", bj);
    return out;
}
