/*
 * serve_http.c - the HTTP side of `lcmon serve` (see serve.h): libmicrohttpd workers (one
 * thread each) fed connections by a thread that accepts them, each request with a database
 * connection of its own from a pool for reading and the server's one writing connection;
 * limits on what a request may carry; the security headers every answer has; routing.
 *
 * Nothing a request says names a file: the style sheet and script are compiled in
 * (serve_static.c) and every other path is a route or a 404. Pages are built in a strbuf
 * with every outside text escaped (lcm_serve_html).
 *
 * Stopping: SIGTERM or SIGINT stops accepting connections, waits for the requests being
 * answered to finish (each commits before it answers) and then stops the daemon.
 */
#define _GNU_SOURCE /* accept4 */
#include "field.h"
#include "form_inst.h"
#include "serve_int.h"
#include "strbuf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static atomic_int in_flight;

const char *lcm__say(const lcm__req *r, const char *zh, const char *en) {
    return strcmp(r->sess.lang, "en") == 0 ? en : zh;
}

void lcm__head(lcm__req *r, const char *title) {
    int en = strcmp(r->sess.lang, "en") == 0;
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<!DOCTYPE html>\n<html lang=\"");
    lcm_strbuf_adds(o, en ? "en" : "zh-CN");
    lcm_strbuf_adds(o, "\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<title>");
    lcm_serve_html(o, title);
    lcm_strbuf_adds(o, "</title><link rel=\"stylesheet\" href=\"/static/lcmon.css\">"
                       "<script src=\"/static/lcmon.js\" defer></script></head>\n<body><main");
    if (r->at[0]) { /* lcmon.js puts the page's own address in the address bar */
        lcm_strbuf_adds(o, " data-at=\"");
        lcm_serve_html(o, r->at);
        lcm_strbuf_addc(o, '"');
    }
    lcm_strbuf_addc(o, '>');
}

void lcm__foot(lcm__req *r) {
    lcm_strbuf_adds(&r->out, "</main></body></html>\n");
}

void lcm__message(lcm__req *r, unsigned status, const char *zh, const char *en) {
    const char *m = lcm__say(r, zh, en);
    r->status = status;
    lcm_strbuf_clear(&r->out);
    lcm__head(r, m);
    lcm_strbuf_adds(&r->out, "<h1 class=\"msg\">");
    lcm_serve_html(&r->out, m);
    lcm_strbuf_adds(&r->out, "</h1>");
    lcm__foot(r);
}

void lcm__redirect(lcm__req *r, const char *path) {
    r->status = MHD_HTTP_SEE_OTHER;
    r->at[0] = '\0';
    snprintf(r->location, sizeof r->location, "%s%s", r->srv->base, path);
}

void lcm__csrf_field(lcm__req *r) {
    lcm_strbuf_adds(&r->out, "<input type=\"hidden\" name=\"_csrf\" value=\"");
    lcm_strbuf_adds(&r->out, r->sess.csrf);
    lcm_strbuf_adds(&r->out, "\">");
}

int lcm__csrf_ok(lcm__req *r) {
    const char *t = lcm_serve_form_get(&r->body, "_csrf");
    size_t n = strlen(r->sess.csrf);
    unsigned char diff = 0;
    if (r->sess.found && t && strlen(t) == n && n > 0) {
        for (size_t i = 0; i < n; i++)
            diff |= (unsigned char)(t[i] ^ r->sess.csrf[i]);
        if (!diff)
            return 1;
    }
    lcm__message(r, MHD_HTTP_FORBIDDEN, "页面已过期，请返回后重新打开链接",
                 "This page has expired: go back and open the link again");
    return 0;
}

/* ---- routing ---------------------------------------------------------------------- */

/* The front page: the open campaigns' links, and the interviewers' way in. */
static void index_get(lcm__req *r) {
    lcm_field_campaign *c = NULL;
    size_t n = 0;
    lcm_strbuf *o = &r->out;
    lcm__head(r, lcm__say(r, "学习型城市监测问卷", "Learning-city survey"));
    lcm_strbuf_adds(o, "<h1>");
    lcm_serve_html(o, lcm__say(r, "学习型城市监测问卷", "Learning-city survey"));
    lcm_strbuf_adds(o, "</h1><ul class=\"campaigns\">");
    if (lcm_field_campaigns(r->db, &c, &n, NULL) == LCM_OK)
        for (size_t i = 0; i < n; i++) {
            if (c[i].closed || c[i].mode != LCM_FIELD_OPEN)
                continue;
            lcm_strbuf_adds(o, "<li><a href=\"/c/");
            lcm_serve_html(o, c[i].slug);
            lcm_strbuf_adds(o, "\">");
            lcm_serve_html(o, c[i].city_name);
            lcm_strbuf_addf(o, " %d</a></li>", c[i].wave);
        }
    free(c);
    lcm_strbuf_adds(o, "</ul><p>");
    lcm_serve_html(o, lcm__say(r, "请使用调查组提供的链接或二维码作答。",
                               "Please use the link or QR code the survey team gave you."));
    lcm_strbuf_adds(o, "</p><p><a class=\"button\" href=\"/i\">");
    lcm_serve_html(o, lcm__say(r, "调查员登录", "Interviewer sign-in"));
    lcm_strbuf_adds(o, "</a> <a class=\"button\" href=\"/login\">");
    lcm_serve_html(o, lcm__say(r, "工作人员登录", "Staff sign-in"));
    lcm_strbuf_adds(o, "</a></p>");
    lcm__foot(r);
}

/* path after prefix, when path starts with it and the rest is one segment of [a-z0-9-]. */
static const char *segment(const char *path, const char *prefix, char *buf, size_t cap) {
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) != 0)
        return NULL;
    const char *s = path + n;
    size_t k = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");
    if (k == 0 || k >= cap)
        return NULL;
    memcpy(buf, s, k);
    buf[k] = '\0';
    return s + k;
}

static void route(lcm__req *r) {
    const char *p = r->path, *rest;
    char seg[80];
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;
    const char *lang = lcm_serve_form_get(&r->query, "lang");
    if (get && lang && (strcmp(lang, "en") == 0 || strcmp(lang, "zh") == 0) && r->sess.found) {
        snprintf(r->sess.lang, sizeof r->sess.lang, "%s", lang);
        lcm__session_save(r, NULL);
    }
    /* accounts and the pages of #15: each module answers its own paths */
    if (lcm__auth_route(r) || lcm__users_route(r))
        return;
    if (lcm__register_route(r) || lcm__approval_route(r) || lcm__review_route(r) ||
        lcm__dash_route(r) || lcm__rate_route(r))
        return;
    if (get && strcmp(p, "/") == 0)
        index_get(r);
    else if (get && strcmp(p, "/static/lcmon.css") == 0) {
        r->bin = lcm__css, r->nbin = strlen(lcm__css), r->ctype = "text/css; charset=utf-8";
        r->cache = 1;
    } else if (get && strcmp(p, "/static/lcmon.js") == 0) {
        r->bin = lcm__js, r->nbin = strlen(lcm__js);
        r->ctype = "text/javascript; charset=utf-8";
        r->cache = 1;
    } else if (get && (rest = segment(p, "/c/", seg, sizeof seg)) != NULL && !*rest)
        lcm__campaign_get(r, seg);
    else if (get && rest && (strcmp(rest, "/qr.svg") == 0 || strcmp(rest, "/qr.png") == 0))
        lcm__qr_get(r, seg, strcmp(rest, "/qr.png") == 0);
    else if (get && (rest = segment(p, "/t/", seg, sizeof seg)) != NULL && !*rest)
        lcm__token_get(r, seg);
    else if (strcmp(p, "/s") == 0 && get)
        lcm__page_get(r);
    else if (strcmp(p, "/s") == 0 && post)
        lcm__page_post(r);
    else if (get && strcmp(p, "/s/review") == 0)
        lcm__review_get(r);
    else if (get && strcmp(p, "/s/done") == 0)
        lcm__done_get(r);
    else if (strcmp(p, "/i") == 0 && get)
        lcm__signin_get(r);
    else if (strcmp(p, "/i") == 0 && post)
        lcm__signin_post(r);
    else if (strcmp(p, "/i/a") == 0 && get)
        lcm__assignments_get(r);
    else if (strcmp(p, "/i/a") == 0 && post)
        lcm__assignments_post(r);
    else if (get && (rest = segment(p, "/i/", seg, sizeof seg)) != NULL && !*rest)
        lcm__interviewer_get(r, seg);
    else if (!get && !post)
        lcm__message(r, MHD_HTTP_METHOD_NOT_ALLOWED, "不支持的请求", "Method not allowed");
    else
        lcm__message(r, MHD_HTTP_NOT_FOUND, "页面不存在", "Page not found");
}

/* ---- libmicrohttpd ------------------------------------------------------------------ */

typedef struct upload {
    lcm_strbuf body; /* a multipart post's fields are put here url-encoded, as any form's */
    int too_big;
    struct MHD_PostProcessor *pp; /* multipart/form-data: libmicrohttpd parses it */
    int bad;                      /* the multipart body was malformed */
    size_t max_file;              /* bytes of one file */
    lcm__file *files;
    size_t nfiles;
    /* an answer waiting for its group to commit (lcm__group_wait): sent when the connection
     * is resumed, or the server's error when group_ok is 0 */
    struct MHD_Response *answer;
    unsigned status;
    int group_ok;
    int en; /* the error in English */
} upload;

#define MAX_FILES 16 /* files in one post */

static void url_encode(lcm_strbuf *sb, const char *s, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '_' || ch == ':' || ch == '-' || ch == '.')
            lcm_strbuf_addc(sb, (char)ch);
        else {
            lcm_strbuf_addc(sb, '%');
            lcm_strbuf_addc(sb, hex[ch >> 4]);
            lcm_strbuf_addc(sb, hex[ch & 15]);
        }
    }
}

/* libmicrohttpd's multipart parser hands over each field in pieces: fields go into the
 * url-encoded body (the one decoder checks them all), files into u->files. The file's name
 * and Content-Type from the browser are not kept. */
static enum MHD_Result multipart_part(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *filename, const char *content_type,
                                      const char *transfer_encoding, const char *data, uint64_t off,
                                      size_t size) {
    upload *u = cls;
    (void)kind, (void)content_type, (void)transfer_encoding;
    if (!key || strlen(key) > LCM_SERVE_MAX_NAME) {
        u->bad = 1;
        return MHD_NO;
    }
    if (!filename) {
        if (u->body.len + size * 3 + strlen(key) * 3 + 2 > LCM_SERVE_MAX_BODY) {
            u->too_big = 1;
            return MHD_NO;
        }
        if (off == 0) {
            if (u->body.len)
                lcm_strbuf_addc(&u->body, '&');
            url_encode(&u->body, key, strlen(key));
            lcm_strbuf_addc(&u->body, '=');
        }
        url_encode(&u->body, data, size);
        return MHD_YES;
    }
    lcm__file *f = u->nfiles ? &u->files[u->nfiles - 1] : NULL;
    if (off == 0 && (!f || strcmp(f->name, key) != 0 || f->len || f->too_big)) {
        if (u->nfiles >= MAX_FILES) {
            u->bad = 1;
            return MHD_NO;
        }
        lcm__file *more = realloc(u->files, (u->nfiles + 1) * sizeof *more);
        if (!more)
            return MHD_NO;
        u->files = more;
        f = &u->files[u->nfiles++];
        memset(f, 0, sizeof *f);
        snprintf(f->name, sizeof f->name, "%s", key);
    }
    if (!f || !size || f->too_big)
        return MHD_YES;
    if (f->len + size > u->max_file) { /* the rest is read and dropped: the page says so */
        f->too_big = 1;
        free(f->data);
        f->data = NULL;
        f->len = 0;
        return MHD_YES;
    }
    unsigned char *more = realloc(f->data, f->len + size);
    if (!more)
        return MHD_NO;
    f->data = more;
    memcpy(f->data + f->len, data, size);
    f->len += size;
    return MHD_YES;
}

static int db_take(lcm__server *s) {
    pthread_mutex_lock(&s->mu);
    while (s->nfree == 0)
        pthread_cond_wait(&s->cv, &s->mu);
    int i = s->dbfree[--s->nfree];
    pthread_mutex_unlock(&s->mu);
    return i;
}

static void db_give(lcm__server *s, int i) {
    pthread_mutex_lock(&s->mu);
    s->dbfree[s->nfree++] = i;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static enum MHD_Result add_header(struct MHD_Response *resp, const char *k, const char *v) {
    return MHD_add_response_header(resp, k, v);
}

static struct MHD_Response *response_of(lcm__req *r) {
    struct MHD_Response *resp;
    int head = strcmp(r->method, "HEAD") == 0;
    if (r->bin)
        resp = MHD_create_response_from_buffer(head ? 0 : r->nbin, (void *)r->bin,
                                               MHD_RESPMEM_PERSISTENT);
    else {
        size_t n = r->out.len;
        char *body = lcm_strbuf_detach(&r->out);
        if (head) {
            free(body);
            body = NULL, n = 0;
        }
        resp = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
        if (!resp)
            free(body);
    }
    if (!resp)
        return NULL;
    add_header(resp, "Content-Type", r->ctype ? r->ctype : "text/html; charset=utf-8");
    add_header(resp, "Content-Security-Policy",
               "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    add_header(resp, "X-Frame-Options", "DENY");
    add_header(resp, "Referrer-Policy", "no-referrer");
    add_header(resp, "X-Content-Type-Options", "nosniff");
    add_header(resp, "Cache-Control", r->cache ? "public, max-age=3600" : "no-store");
    if (r->disposition[0])
        add_header(resp, "Content-Disposition", r->disposition);
    if (r->location[0])
        add_header(resp, "Location", r->location);
    else if (r->at[0]) {
        char cl[800];
        snprintf(cl, sizeof cl, "%s%s", r->srv->base, r->at);
        add_header(resp, "Content-Location", cl);
    }
    if (r->set_cookie && r->sess.id[0]) {
        char c[200];
        snprintf(c, sizeof c, "lcm_s=%s; Path=/; Max-Age=2592000; HttpOnly; SameSite=Strict%s",
                 r->sess.id, r->srv->secure ? "; Secure" : "");
        add_header(resp, "Set-Cookie", c);
    }
    return resp;
}

static enum MHD_Result respond(lcm__req *r) {
    struct MHD_Response *resp = response_of(r);
    if (!resp)
        return MHD_NO;
    enum MHD_Result ok = MHD_queue_response(r->conn, r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static enum MHD_Result quick(struct MHD_Connection *c, unsigned status, const char *text) {
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    add_header(resp, "Content-Type", "text/plain; charset=utf-8");
    add_header(resp, "X-Frame-Options", "DENY");
    add_header(resp, "Content-Security-Policy", "default-src 'none'");
    add_header(resp, "Connection", "close");
    enum MHD_Result ok = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static void client_ip(struct MHD_Connection *c, char *buf, size_t cap) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    buf[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                  (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  (socklen_t)cap);
}

#define MAX_QUERY 16
typedef struct query_pairs {
    lcm_serve_pair p[MAX_QUERY];
    size_t n;
} query_pairs;

static enum MHD_Result query_pair(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value) {
    query_pairs *q = cls;
    (void)kind;
    if (!key || !value || q->n >= MAX_QUERY || strlen(key) > 40 || strlen(value) >= 200 ||
        !lcm_utf8_valid(key, strlen(key)) || !lcm_utf8_valid(value, strlen(value)))
        return MHD_YES;
    for (const char *p = value; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return MHD_YES;
    q->p[q->n++] = (lcm_serve_pair){(char *)key, (char *)value};
    return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **con_cls) {
    lcm__server *s = cls;
    (void)version;
    int post = strcmp(method, "POST") == 0;
    if (!*con_cls) {
        upload *u = calloc(1, sizeof *u);
        if (!u)
            return MHD_NO;
        lcm_strbuf_init(&u->body);
        *con_cls = u;
        atomic_fetch_add(&in_flight, 1);
        if (post) {
            const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
            const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
            int multipart = ct && strncasecmp(ct, "multipart/form-data", 19) == 0;
            u->max_file = s->o.max_upload ? s->o.max_upload : LCM_SERVE_MAX_UPLOAD;
            /* a multipart post: a page's fields and a few files, each cut at max_file */
            unsigned long long cap =
                multipart ? LCM_SERVE_MAX_BODY + 4ull * (u->max_file + 4096) : LCM_SERVE_MAX_BODY;
            if (len && strtoull(len, NULL, 10) > cap)
                return quick(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large\n");
            if (multipart) {
                if (!(u->pp = MHD_create_post_processor(c, 16384, multipart_part, u)))
                    return quick(c, MHD_HTTP_BAD_REQUEST, "malformed form\n");
            } else if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0)
                return quick(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "form posts only\n");
        }
        return MHD_YES;
    }
    upload *u = *con_cls;
    if (u->answer) { /* resumed: the group it saved in has ended */
        struct MHD_Response *resp = u->answer;
        u->answer = NULL;
        if (!u->group_ok) {
            MHD_destroy_response(resp);
            return quick(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                         u->en ? "The server failed; please try again later\n"
                               : "服务器出错，请稍后再试\n");
        }
        enum MHD_Result ok = MHD_queue_response(c, u->status, resp);
        MHD_destroy_response(resp);
        return ok;
    }
    if (*size && u->pp) {
        if (!u->bad && !u->too_big && MHD_post_process(u->pp, data, *size) != MHD_YES)
            u->bad |= !u->too_big;
        *size = 0;
        return MHD_YES;
    }
    if (*size) {
        if (u->body.len + *size > LCM_SERVE_MAX_BODY)
            u->too_big = 1;
        else
            lcm_strbuf_add(&u->body, data, *size);
        *size = 0;
        return MHD_YES;
    }
    if (u->pp) {
        if (MHD_destroy_post_processor(u->pp) != MHD_YES)
            u->bad |= !u->too_big;
        u->pp = NULL;
    }
    if (u->too_big)
        return quick(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large\n");
    if (u->bad)
        return quick(c, MHD_HTTP_BAD_REQUEST, "malformed form\n");
    if (strlen(url) > 512)
        return quick(c, MHD_HTTP_URI_TOO_LONG, "address too long\n");

    lcm__req r = {0};
    lcm_err err = {0};
    r.srv = s;
    r.conn = c;
    r.method = method;
    r.path = url;
    r.status = MHD_HTTP_OK;
    r.now_ms = lcm__now_ms();
    lcm_strbuf_init(&r.out);
    snprintf(r.sess.lang, sizeof r.sess.lang, "zh");
    client_ip(c, r.ip, sizeof r.ip);
    /* The query string as the browser sent it: libmicrohttpd has split and decoded it
     * already; up to MAX_QUERY parameters with short names and values of UTF-8 are kept. */
    query_pairs qp = {0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_pair, &qp);
    r.query.pairs = qp.p;
    r.query.n = qp.n;
    r.files = u->files;
    r.nfiles = u->nfiles;
    if (post && lcm_serve_form_decode(u->body.buf, u->body.len, &r.body, &err) != LCM_OK)
        return quick(c, MHD_HTTP_BAD_REQUEST, "malformed form\n");

    r.dbi = db_take(s);
    r.db = s->dbs[r.dbi];
    char sid[40];
    const char *cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
    if (lcm_serve_cookie(cookie, "lcm_s", sid, sizeof sid) && strlen(sid) == 32 &&
        strspn(sid, "0123456789abcdef") == 32)
        lcm__session_load(&r, sid, NULL);
    lcm__auth_load(&r);
    route(&r);
    if (!sqlite3_get_autocommit(lcm_db_sqlite(r.db)) || r.wlocked) { /* a bug: never keep it */
        fprintf(stderr, "lcmon: serve: %s %s left a transaction open\n", method, url);
        lcm__rollback(&r);
        if (!sqlite3_get_autocommit(lcm_db_sqlite(r.db)))
            lcm_db_rollback(r.db);
    }
    db_give(s, r.dbi);
    lcm_serve_form_free(&r.body);
    lcm_instance_free(r.fresh);
    enum MHD_Result ok;
    if (r.group) { /* saved in a group: answered once the group has committed */
        u->answer = response_of(&r);
        u->status = r.status;
        u->en = strcmp(r.sess.lang, "en") == 0;
        if (!u->answer)
            ok = MHD_NO;
        else if (lcm__group_wait(&r, c, &u->group_ok))
            ok = MHD_YES;
        else /* ended already */
            ok = handle(cls, c, url, method, version, data, size, con_cls);
    } else
        ok = respond(&r);
    lcm_strbuf_release(&r.out);
    return ok;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
    (void)cls, (void)c, (void)toe;
    upload *u = *con_cls;
    if (!u)
        return;
    lcm_strbuf_release(&u->body);
    if (u->answer)
        MHD_destroy_response(u->answer);
    if (u->pp)
        MHD_destroy_post_processor(u->pp);
    for (size_t i = 0; i < u->nfiles; i++)
        free(u->files[i].data);
    free(u->files);
    free(u);
    *con_cls = NULL;
    atomic_fetch_sub(&in_flight, 1);
}

/* ---- checkpoints off the requests' path ------------------------------------------ */

/* SQLite copies the write-ahead log back into the database (a checkpoint) every 1000 pages
 * by default, in whichever request commits the 1000th: that request waits for it, and the
 * copy, with its fsync, is made often. Here the serving connections only count the log's
 * pages and a thread of its own checkpoints (PASSIVE: never waiting for readers or the
 * writer) each time --checkpoint-pages pages more have been written (LCM_SERVE_CHECKPOINT,
 * 32 MB); pages written again meanwhile are copied once. Durability is the log's: a
 * committed page is in it before the answer goes out.
 *
 * A log copied back whole starts again from its beginning only when a writer finds no
 * reader still using it, which under a steady load never happens: the log would grow
 * without end (half a gigabyte after 3,000 questionnaires), and every later commit would
 * ask for a checkpoint. So once a checkpoint has copied everything, the thread takes the
 * writers' mutex and asks SQLite for a RESTART checkpoint: it copies the few pages written
 * since (the thread copies those in a few more PASSIVE rounds first, so that they are
 * few), waits at most RESTART_WAIT_US for the readers to leave the log, and the next
 * commit writes the log from its start again. */
#define RESTART_WAIT_US 4000

static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames) {
    lcm__server *s = arg;
    (void)db, (void)name;
    int from = atomic_load(&s->ckpt_from);
    if (frames < from) /* the log started again */
        atomic_store(&s->ckpt_from, from = 0);
    if (frames - from >= (int)s->o.checkpoint_pages && !atomic_exchange(&s->ckpt_want, 1)) {
        pthread_mutex_lock(&s->ckpt_mu);
        pthread_cond_signal(&s->ckpt_cv);
        pthread_mutex_unlock(&s->ckpt_mu);
    }
    return SQLITE_OK;
}

/* The checkpoint connection's wait for readers: short steps, and not for long, since the
 * writers wait meanwhile. */
static int restart_busy(void *arg, int count) {
    (void)arg;
    if (count * 200 >= RESTART_WAIT_US)
        return 0;
    nanosleep(&(struct timespec){0, 200000}, NULL);
    return 1;
}

static void *checkpointer(void *arg) {
    lcm__server *s = arg;
    sqlite3 *db = lcm_db_sqlite(s->ckpt_db);
    sqlite3_busy_handler(db, restart_busy, NULL); /* PASSIVE never waits */
    for (;;) {
        pthread_mutex_lock(&s->ckpt_mu);
        while (!atomic_load(&s->ckpt_want) && !s->ckpt_stop)
            pthread_cond_wait(&s->ckpt_cv, &s->ckpt_mu);
        int stop = s->ckpt_stop;
        pthread_mutex_unlock(&s->ckpt_mu);
        if (stop)
            return NULL;
        int log = 0, done = 0, rc = SQLITE_OK;
        /* copied while the writers go on; again for the pages they wrote meanwhile, until
         * few are left for the RESTART to copy (with its fsyncs) while they wait */
        for (int round = 0; rc == SQLITE_OK && round < 4; round++) {
            int before = log;
            rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
            if (rc != SQLITE_OK || done != log || log - before < 64)
                break;
        }
        if (rc != SQLITE_OK)
            fprintf(stderr, "lcmon: serve: checkpoint: %s\n", sqlite3_errmsg(db));
        else if (log > 0 && done == log) {
            pthread_mutex_lock(&s->wmu);
            lcm__group_end(s); /* its open transaction would keep the log */
            rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_RESTART, &log, &done);
            pthread_mutex_unlock(&s->wmu);
            if (rc == SQLITE_OK)
                log = 0; /* the next commit starts the log again */
        }
        atomic_store(&s->ckpt_from, log);
        atomic_store(&s->ckpt_want, 0);
    }
}

/* ---- connections shared out among the threads ----------------------------------- */

/* libmicrohttpd's thread pool lets whichever thread wakes first accept a connection: 200
 * respondents arriving together were shared about 110 to 90, and kept so (keep-alive), and
 * those on the busier thread waited a fifth longer on every page (bench/serve). Here each
 * worker is a daemon of one thread without a listening socket of its own, and a thread of
 * ours accepts and hands each connection to the worker holding the fewest. */
typedef struct worker {
    struct MHD_Daemon *d;
    atomic_int open;    /* its connections */
    atomic_int handing; /* handed to it and not yet taken up by its thread */
} worker;

static void conn_notify(void *cls, struct MHD_Connection *c, void **ctx,
                        enum MHD_ConnectionNotificationCode code) {
    worker *w = cls;
    (void)c, (void)ctx;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add(&w->open, 1);
        atomic_fetch_sub(&w->handing, 1);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        atomic_fetch_sub(&w->open, 1);
}

typedef struct acceptor_args {
    int fd;    /* the listening socket */
    int limit; /* connections of one worker */
    worker *w;
    size_t nw;
    atomic_int stopping;
} acceptor_args;

static void *acceptor(void *arg) {
    acceptor_args *a = arg;
    for (;;) {
        /* the worker's thread takes a connection up (NOTIFY_STARTED) after this thread has
         * handed it over: those on their way count too, or a burst would all go to one */
        size_t best = 0;
        int least = INT32_MAX;
        for (size_t i = 0; i < a->nw; i++) {
            int n = atomic_load(&a->w[i].open) + atomic_load(&a->w[i].handing);
            if (n < least)
                least = n, best = i;
        }
        if (least >= a->limit) { /* every worker full: new ones wait in the listen queue */
            if (atomic_load(&a->stopping))
                return NULL;
            nanosleep(&(struct timespec){0, 10000000}, NULL);
            continue;
        }
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        int fd = accept4(a->fd, (struct sockaddr *)&from, &len, SOCK_CLOEXEC);
        if (fd < 0) {
            if (atomic_load(&a->stopping) || errno == EINVAL || errno == EBADF)
                return NULL;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                nanosleep(&(struct timespec){0, 10000000}, NULL); /* out of descriptors */
            continue;
        }
        atomic_fetch_add(&a->w[best].handing, 1);
        /* libmicrohttpd owns the socket now, and closes it when it refuses it */
        if (MHD_add_connection(a->w[best].d, fd, (struct sockaddr *)&from, len) != MHD_YES)
            atomic_fetch_sub(&a->w[best].handing, 1);
    }
}

static lcm_status listen_on(const struct sockaddr_in *sa, const char *where, int *out,
                            lcm_err *err) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (const struct sockaddr *)sa, sizeof *sa) != 0 || listen(fd, 1024) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return lcm_err_set(err, LCM_IO, "cannot listen on %s: %s", where, strerror(e));
    }
    *out = fd;
    return LCM_OK;
}

static lcm_status parse_listen(const char *listen, struct sockaddr_in *sa, lcm_err *err) {
    char host[64];
    const char *colon = strrchr(listen, ':');
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return lcm_err_set(err, LCM_INVAL, "--listen wants HOST:PORT: '%s'", listen);
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535)
        return lcm_err_set(err, LCM_INVAL, "bad port in --listen: '%s'", listen);
    if (inet_pton(AF_INET, *host ? host : "0.0.0.0", &sa->sin_addr) != 1)
        return lcm_err_set(err, LCM_INVAL, "--listen wants an IPv4 address: '%s'", listen);
    sa->sin_port = htons((uint16_t)port);
    return LCM_OK;
}

static void panic(void *cls, const char *file, unsigned line, const char *reason) {
    (void)cls;
    fprintf(stderr, "lcmon: libmicrohttpd failed at %s:%u: %s\n", file ? file : "?", line,
            reason ? reason : "?");
    abort();
}

lcm_status lcm_serve_run(const lcm_serve_opts *o, lcm_err *err) {
    lcm__server s = {0};
    struct sockaddr_in sa;
    lcm_status st = parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &sa, err);
    if (st != LCM_OK)
        return st;
    s.o = *o;
    if (!s.o.checkpoint_pages || s.o.checkpoint_pages > 1000000)
        s.o.checkpoint_pages = LCM_SERVE_CHECKPOINT;
    if (!s.o.threads) { /* one per processor: more only wait for SQLite's one writer */
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        s.o.threads = cpus >= 2 && cpus <= 64 ? (unsigned)cpus : 2;
    }
    /* SIGTERM and SIGINT are waited for here; every thread started below inherits the mask
     * (one that did not could take the signal and end the process on the spot). */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    pthread_mutex_init(&s.mu, NULL);
    pthread_mutex_init(&s.wmu, NULL);
    pthread_cond_init(&s.cv, NULL);
    pthread_mutex_init(&s.gmu, NULL);
    pthread_condattr_t monotonic;
    pthread_condattr_init(&monotonic);
    pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
    pthread_cond_init(&s.gcv, &monotonic);
    pthread_condattr_destroy(&monotonic);
    s.ndbs = s.o.threads;
    s.dbs = calloc(s.ndbs, sizeof *s.dbs);
    s.dbfree = calloc(s.ndbs, sizeof *s.dbfree);
    if (!s.dbs || !s.dbfree)
        st = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; st == LCM_OK && i < s.ndbs; i++) {
        if ((st = lcm_db_open(o->db_path, 0, &s.dbs[i], err)) == LCM_OK) {
            s.dbfree[s.nfree++] = (int)i;
            sqlite3_wal_hook(lcm_db_sqlite(s.dbs[i]), wal_hook, &s);
        }
    }
    if (st == LCM_OK && (st = lcm_db_open(o->db_path, 0, &s.wdb, err)) == LCM_OK)
        sqlite3_wal_hook(lcm_db_sqlite(s.wdb), wal_hook, &s);
    pthread_mutex_init(&s.ckpt_mu, NULL);
    pthread_cond_init(&s.ckpt_cv, NULL);
    int ckpt_running = 0;
    if (st == LCM_OK && (st = lcm_db_open(o->db_path, 0, &s.ckpt_db, err)) == LCM_OK) {
        if (pthread_create(&s.ckpt_thread, NULL, checkpointer, &s) == 0)
            ckpt_running = 1;
        else
            st = lcm_err_set(err, LCM_INTERNAL, "cannot start the checkpoint thread");
    }
    int committing = 0;
    if (st == LCM_OK) {
        if (pthread_create(&s.committer, NULL, lcm__group_committer, &s) == 0)
            committing = 1;
        else
            st = lcm_err_set(err, LCM_INTERNAL, "cannot start the thread that commits");
    }
    signal(SIGPIPE, SIG_IGN);
    const char *where = o->listen ? o->listen : "127.0.0.1:8080";
    int lfd = -1, accepting = 0, sig = SIGTERM;
    pthread_t accept_thread;
    /* at most 1000 connections in all; libmicrohttpd's thread pool had the same limit */
    acceptor_args acc = {.fd = -1, .limit = (int)(1000 / s.o.threads), .nw = s.o.threads};
    worker *w = calloc(s.o.threads, sizeof *w);
    if (st == LCM_OK && !w)
        st = lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (st == LCM_OK)
        st = listen_on(&sa, where, &lfd, err);
    if (st == LCM_OK) {
        MHD_set_panic_func(panic, NULL);
        for (size_t i = 0; st == LCM_OK && i < s.o.threads; i++) {
            w[i].d = MHD_start_daemon(
                MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                    MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME,
                0, NULL, NULL, handle, &s, MHD_OPTION_CONNECTION_LIMIT, (unsigned)(acc.limit + 1),
                MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)0, MHD_OPTION_CONNECTION_TIMEOUT,
                (unsigned)30, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
                MHD_OPTION_NOTIFY_COMPLETED, completed, &s, MHD_OPTION_NOTIFY_CONNECTION,
                conn_notify, &w[i], MHD_OPTION_END);
            if (!w[i].d)
                st = lcm_err_set(err, LCM_IO, "cannot start the HTTP server: %s", strerror(errno));
        }
    }
    if (st == LCM_OK) {
        acc.fd = lfd, acc.w = w;
        if (pthread_create(&accept_thread, NULL, acceptor, &acc) == 0)
            accepting = 1;
        else
            st = lcm_err_set(err, LCM_INTERNAL, "cannot start the thread that accepts");
    }
    if (st == LCM_OK) {
        struct sockaddr_in bound;
        socklen_t blen = sizeof bound;
        unsigned port = getsockname(lfd, (struct sockaddr *)&bound, &blen) == 0
                            ? ntohs(bound.sin_port)
                            : ntohs(sa.sin_port);
        char host[64];
        inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
        if (o->base_url && *o->base_url) {
            snprintf(s.base, sizeof s.base, "%s", o->base_url);
        } else
            snprintf(s.base, sizeof s.base, "http://%s:%u", host, port);
        size_t bl = strlen(s.base);
        while (bl && s.base[bl - 1] == '/')
            s.base[--bl] = '\0';
        s.secure = strncmp(s.base, "https://", 8) == 0;
        printf("lcmon serve: %s/ (listening on %s:%u)\n", s.base, host, port);
        fflush(stdout);
        sigwait(&stop, &sig);
    }
    if (accepting) { /* no new connection: accept() returns at the shutdown */
        atomic_store(&acc.stopping, 1);
        shutdown(lfd, SHUT_RDWR);
        pthread_join(accept_thread, NULL);
    }
    if (lfd >= 0)
        close(lfd);
    if (st == LCM_OK) {
        /* Requests being answered finish; keep-alive connections without one do not wait. */
        for (int i = 0; i < 3000 && atomic_load(&in_flight) > 0; i++)
            nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    lcm__group_flush(&s); /* nothing is left waiting for a commit */
    for (size_t i = 0; w && i < s.o.threads; i++)
        if (w[i].d)
            MHD_stop_daemon(w[i].d);
    free(w);
    if (st == LCM_OK) {
        fprintf(stderr, "lcmon: serve stopped (%s)\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    if (committing) {
        pthread_mutex_lock(&s.gmu);
        s.group_stop = 1;
        pthread_cond_signal(&s.gcv);
        pthread_mutex_unlock(&s.gmu);
        pthread_join(s.committer, NULL);
    }
    if (ckpt_running) {
        pthread_mutex_lock(&s.ckpt_mu);
        s.ckpt_stop = 1;
        pthread_cond_signal(&s.ckpt_cv);
        pthread_mutex_unlock(&s.ckpt_mu);
        pthread_join(s.ckpt_thread, NULL);
    }
    lcm_db_close(s.ckpt_db);
    lcm_db_close(s.wdb);
    pthread_mutex_destroy(&s.ckpt_mu);
    pthread_cond_destroy(&s.ckpt_cv);
    for (size_t i = 0; i < s.ndbs; i++)
        lcm_db_close(s.dbs[i]);
    free(s.dbs);
    free(s.dbfree);
    for (size_t i = 0; i < s.nforms; i++) {
        lcm__sform *sf = s.forms[i];
        for (size_t u = 0; u < sf->nunits; u++)
            free(sf->units[u].items);
        free(sf->units);
        free(sf->place);
        free(sf->place_parent);
        for (size_t k = 0; sf->memo && k < s.ndbs; k++)
            lcm__memo_free(sf->memo[k]);
        free(sf->memo);
        lcm_form_free(sf->f);
        free(sf);
    }
    free(s.forms);
    free(s.rates);
    lcm__places_free(&s);
    pthread_mutex_destroy(&s.mu);
    pthread_mutex_destroy(&s.wmu);
    pthread_mutex_destroy(&s.gmu);
    pthread_cond_destroy(&s.gcv);
    free(s.waiting);
    pthread_cond_destroy(&s.cv);
    return st;
}
