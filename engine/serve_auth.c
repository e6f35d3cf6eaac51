/*
 * serve_auth.c - accounts on the web (engine/auth.h, docs/accounts.md): sign-in at /login,
 * sign-out, the home page of links per role, and the checks every page of #15 makes
 * (lcm__need_role, lcm__need_city).
 *
 * A session is signed in when its serve_sessions row names a user. Signing in always
 * starts a NEW session (a new id and CSRF token: an id planted before sign-in is worth
 * nothing after it) and signs the old one out. A signed-in session ends after LCM__IDLE_S
 * without a request and LCM__MAX_AGE_S after sign-in, checked whenever it is loaded.
 * Failed sign-ins are counted per login and per address (auth.h): the locked get 429. The
 * answer to a failed sign-in never says whether the login exists. Every sign-in, failure,
 * lock and sign-out is an audit row.
 */
#include "serve_int.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void failed(lcm__req *r, const lcm_err *err) {
    fprintf(stderr, "lcmon: serve: %s\n", err->msg);
    lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器出错，请稍后再试",
                 "The server failed; please try again later");
}

void lcm__url_encode(lcm_strbuf *sb, const char *text) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~' || *p == '/')
            lcm_strbuf_addc(sb, (char)*p);
        else {
            lcm_strbuf_addc(sb, '%');
            lcm_strbuf_addc(sb, hex[*p >> 4]);
            lcm_strbuf_addc(sb, hex[*p & 15]);
        }
    }
}

/* A path of this server to go to after sign-in: '/' then letters, digits, '/', '-', '_',
 * '.', not "//" (another host) and no "..". Anything else is "/home". */
static const char *safe_next(const char *next) {
    if (!next || next[0] != '/' || next[1] == '/' || strlen(next) > 200 || strstr(next, ".."))
        return "/home";
    for (const char *p = next; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '/' || *p == '-' || *p == '_' || *p == '.'))
            return "/home";
    return strcmp(next, "/login") == 0 ? "/home" : next;
}

/* ---- the session's user ----------------------------------------------------------------- */

/* Sign the session id out (user and, for an interviewer's account, the interviewer). */
static lcm_status sign_out_session(lcm__req *r, const char *id, lcm_err *err) {
    sqlite3_stmt *st;
    lcm_status rc = lcm_db_prepare_cached(
        r->db,
        "UPDATE serve_sessions SET interviewer_id = CASE WHEN user_id <> 0 THEN 0 ELSE "
        "interviewer_id END, assignment_id = CASE WHEN user_id <> 0 THEN 0 ELSE assignment_id "
        "END, user_id = 0 WHERE id = ?1",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(r->db, err, "signing a session out");
    sqlite3_reset(st);
    return rc;
}

void lcm__auth_load(lcm__req *r) {
    r->signed_in = 0;
    memset(&r->user, 0, sizeof r->user);
    if (!r->sess.found)
        return;
    /* read with the session (lcm__session_load) */
    long long now = r->now_ms / 1000, uid = r->sess.user_id, age = r->sess.age_s,
              idle = r->sess.idle_s;
    sqlite3_stmt *st;
    if (uid <= 0)
        return;
    lcm_user u;
    if (age > LCM__MAX_AGE_S || idle > LCM__IDLE_S ||
        lcm_user_by_id(r->db, uid, &u, NULL) != LCM_OK || u.disabled) {
        /* expired (or the account went away or was disabled): signed out for good; the
         * writes of the server queue on its writer's mutex (lcm__begin) */
        if (lcm__begin(r, NULL) != LCM_OK)
            return;
        if (sign_out_session(r, r->sess.id, NULL) == LCM_OK && lcm__commit(r, NULL) == LCM_OK) {
            r->sess.interviewer_id = 0;
            r->sess.assignment_id = 0;
        } else
            lcm__rollback(r);
        return;
    }
    r->user = u;
    r->signed_in = 1;
    if (idle >= 60) { /* the idle clock: written at most once a minute */
        char now_iso[32];
        time_t t = (time_t)now;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now_iso, sizeof now_iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (lcm__begin(r, NULL) != LCM_OK)
            return;
        int ok = 0;
        if (lcm_db_prepare_cached(r->db, "UPDATE serve_sessions SET seen_at = ?2 WHERE id = ?1",
                                  &st, NULL) == LCM_OK) {
            sqlite3_bind_text(st, 1, r->sess.id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, now_iso, -1, SQLITE_TRANSIENT);
            ok = sqlite3_step(st) == SQLITE_DONE;
            sqlite3_reset(st);
        }
        if (!ok || lcm__commit(r, NULL) != LCM_OK)
            lcm__rollback(r);
    }
}

/* ---- who may open what ------------------------------------------------------------------ */

void lcm__forbidden(lcm__req *r) {
    lcm__message(r, MHD_HTTP_FORBIDDEN, "您无权访问此页面", "You may not open this page");
}

static void to_login(lcm__req *r) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_strbuf_adds(&sb, "/login?next=");
    lcm__url_encode(&sb, safe_next(r->path));
    lcm__redirect(r, sb.buf ? sb.buf : "/login");
    lcm_strbuf_release(&sb);
}

int lcm__need_role(lcm__req *r, unsigned role_bits) {
    if (!r->signed_in) {
        to_login(r);
        return 0;
    }
    if (!(role_bits & LCM_ROLE_BIT(r->user.role))) {
        lcm__forbidden(r);
        return 0;
    }
    return 1;
}

int lcm__need_city(lcm__req *r, const char *city_code) {
    if (!r->signed_in) {
        to_login(r);
        return 0;
    }
    if (!lcm_user_sees_city(r->db, &r->user, city_code)) {
        lcm__forbidden(r);
        return 0;
    }
    return 1;
}

int lcm__need_province(lcm__req *r, const char *province_code) {
    if (!r->signed_in) {
        to_login(r);
        return 0;
    }
    if (!lcm_user_sees_province(&r->user, province_code)) {
        lcm__forbidden(r);
        return 0;
    }
    return 1;
}

/* ---- page frame of signed-in users -------------------------------------------------------- */

static void lang_link(lcm__req *r, const char *path) {
    int en = strcmp(r->sess.lang, "en") == 0;
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<a class=\"lang\" href=\"");
    lcm_serve_html(o, path);
    lcm_strbuf_adds(o, en ? "?lang=zh\" lang=\"zh-CN\">中文</a>"
                          : "?lang=en\" lang=\"en\">English</a>");
}

void lcm__staff_head(lcm__req *r, const char *title, const char *path) {
    lcm_strbuf *o = &r->out;
    lcm__head(r, title);
    lcm_strbuf_adds(o, "<header><span class=\"title\">");
    lcm_serve_html(o, title);
    lcm_strbuf_adds(o, "</span>");
    lang_link(r, path);
    if (r->signed_in) {
        lcm_strbuf_adds(o, "<span class=\"who\">");
        lcm_serve_html(o, r->user.name);
        lcm_strbuf_adds(o, "（");
        lcm_serve_html(o, lcm__say(r, lcm_role_label(r->user.role), lcm_role_code(r->user.role)));
        lcm_strbuf_adds(o, "）</span><a href=\"/home\">");
        lcm_serve_html(o, lcm__say(r, "首页", "Home"));
        lcm_strbuf_adds(o, "</a><form method=\"post\" action=\"/logout\" class=\"inline\">");
        lcm__csrf_field(r);
        lcm_strbuf_adds(o, "<button type=\"submit\">");
        lcm_serve_html(o, lcm__say(r, "退出", "Sign out"));
        lcm_strbuf_adds(o, "</button></form>");
    }
    lcm_strbuf_adds(o, "</header>");
}

/* ---- /home ---------------------------------------------------------------------------- */

#define ROLE(x) LCM_ROLE_BIT(LCM_ROLE_##x)
/* The links of the home page: who sees each, where it goes ("{place}" is replaced by the
 * user's place: a province or city code), its label. Each page of #15 adds its line here. */
static const struct home_link {
    unsigned roles;
    const char *href, *zh, *en;
} home_links[] = {
    {ROLE(INTERVIEWER), "/i/a", "我的访问任务", "My assignments"},
    {ROLE(ADMIN), "/admin/users", "账户管理", "Accounts"},
    {ROLE(CITY), "/apply", "学习型城市网络申请", "Network application"},
    {ROLE(PROVINCE) | ROLE(ADMIN) | ROLE(ANALYST), "/register", "学习型城市网络名册",
     "Network register"},
    {ROLE(CITY) | ROLE(PROVINCE) | ROLE(ADMIN) | ROLE(ANALYST), "/data", "城市数据审核",
     "Data approval"},
    {ROLE(CITY) | ROLE(ADMIN), "/review", "问卷审核", "Review of interviews"},
    {ROLE(REVIEWER) | ROLE(ADMIN), "/rate", "专家评分", "Expert ratings"},
    {ROLE(ADMIN) | ROLE(ANALYST) | ROLE(PROVINCE) | ROLE(CITY), "/dash", "督导看板",
     "Fieldwork dashboard"},
};

/* The links of a city's page /city/<code> ("{city}" is replaced by the code), for whoever
 * sees the city (lcm__need_city). Each page of #15 about one city adds its line here. */
static const struct home_link city_links[] = {
    {LCM_ROLE_ANY, "/home", "返回工作首页", "Back home"},
};

/* Links for the user's role from table (n rows), {place} and {city} filled. */
static void links(lcm__req *r, const struct home_link *table, size_t n, const char *city) {
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<ul class=\"home\">");
    for (size_t i = 0; i < n; i++) {
        const struct home_link *l = &table[i];
        if (!(l->roles & LCM_ROLE_BIT(r->user.role)))
            continue;
        lcm_strbuf_adds(o, "<li><a href=\"");
        for (const char *h = l->href; *h;) {
            if (strncmp(h, "{place}", 7) == 0)
                lcm__url_encode(o, r->user.place), h += 7;
            else if (strncmp(h, "{city}", 6) == 0)
                lcm__url_encode(o, city ? city : ""), h += 6;
            else
                lcm_strbuf_addc(o, *h++);
        }
        lcm_strbuf_adds(o, "\">");
        lcm_serve_html(o, lcm__say(r, l->zh, l->en));
        lcm_strbuf_adds(o, "</a></li>");
    }
    lcm_strbuf_adds(o, "</ul>");
}

/* The cities a user of a province (or city) works on, as links to their pages. */
static void city_list(lcm__req *r) {
    sqlite3_stmt *st;
    const char *sql = r->user.role == LCM_ROLE_PROVINCE
                          ? "SELECT code, name FROM cities WHERE province_code = ?1 ORDER BY code"
                          : "SELECT code, name FROM cities WHERE code = ?1";
    if (lcm_db_prepare_cached(r->db, sql, &st, NULL) != LCM_OK)
        return;
    lcm_strbuf *o = &r->out;
    sqlite3_bind_text(st, 1, r->user.place, -1, SQLITE_TRANSIENT);
    lcm_strbuf_adds(o, "<h2>");
    lcm_serve_html(o, lcm__say(r, "城市", "Cities"));
    lcm_strbuf_adds(o, "</h2><ul class=\"cities\">");
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        lcm_strbuf_adds(o, "<li><a href=\"/city/");
        lcm__url_encode(o, code ? code : "");
        lcm_strbuf_adds(o, "\">");
        lcm_serve_html(o, name ? name : "");
        lcm_strbuf_adds(o, "</a></li>");
    }
    sqlite3_reset(st);
    lcm_strbuf_adds(o, "</ul>");
}

/* GET /city/<code>: a city's page, for those who see the city. */
static void city_get(lcm__req *r, const char *code) {
    if (!lcm__need_city(r, code))
        return;
    sqlite3_stmt *st;
    char name[96] = "", province[96] = "";
    if (lcm_db_prepare_cached(r->db,
                              "SELECT c.name, p.name FROM cities c JOIN provinces p ON p.code = "
                              "c.province_code WHERE c.code = ?1",
                              &st, NULL) == LCM_OK) {
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(st, 0));
            snprintf(province, sizeof province, "%s", (const char *)sqlite3_column_text(st, 1));
        }
        sqlite3_reset(st);
    }
    if (!name[0]) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这个城市", "No such city");
        return;
    }
    char path[32];
    snprintf(path, sizeof path, "/city/%s", code);
    lcm__staff_head(r, name, path);
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<h1>");
    lcm_serve_html(o, name);
    lcm_strbuf_adds(o, "</h1><p class=\"place\">");
    lcm_serve_html(o, province);
    lcm_strbuf_adds(o, " · ");
    lcm_serve_html(o, code);
    lcm_strbuf_adds(o, "</p>");
    links(r, city_links, sizeof city_links / sizeof city_links[0], code);
    lcm__foot(r);
}

void lcm__home_get(lcm__req *r) {
    if (!lcm__need_role(r, LCM_ROLE_ANY))
        return;
    lcm_strbuf *o = &r->out;
    lcm__staff_head(r, lcm__say(r, "工作首页", "Home"), "/home");
    lcm_strbuf_adds(o, "<h1>");
    lcm_serve_html(o, lcm__say(r, "工作首页", "Home"));
    lcm_strbuf_adds(o, "</h1><p class=\"role\">");
    lcm_serve_html(o, lcm__say(r, lcm_role_label(r->user.role), lcm_role_code(r->user.role)));
    if (r->user.place[0]) {
        lcm_strbuf_adds(o, " · ");
        lcm_serve_html(o, r->user.place);
    }
    lcm_strbuf_adds(o, "</p>");
    links(r, home_links, sizeof home_links / sizeof home_links[0], NULL);
    if (r->user.role == LCM_ROLE_PROVINCE || r->user.role == LCM_ROLE_CITY)
        city_list(r);
    lcm__foot(r);
}

/* ---- /login and /logout ------------------------------------------------------------------ */

static void login_page(lcm__req *r, unsigned status, const char *problem_zh,
                       const char *problem_en) {
    lcm_err err = {0};
    if (!r->sess.found && lcm__session_new(r, "anon", &err) != LCM_OK) {
        failed(r, &err);
        return;
    }
    const char *next = safe_next(lcm_serve_form_get(r->body.n ? &r->body : &r->query, "next"));
    lcm_strbuf *o = &r->out;
    r->status = status;
    lcm_strbuf_clear(o);
    const char *title = lcm__say(r, "工作人员登录", "Staff sign-in");
    lcm__head(r, title);
    lcm_strbuf_adds(o, "<header><span class=\"title\">");
    lcm_serve_html(o, title);
    lcm_strbuf_adds(o, "</span>");
    int en = strcmp(r->sess.lang, "en") == 0;
    lcm_strbuf_adds(o, "<a class=\"lang\" href=\"/login?lang=");
    lcm_strbuf_adds(o, en ? "zh" : "en");
    lcm_strbuf_adds(o, "&amp;next=");
    lcm__url_encode(o, next);
    lcm_strbuf_adds(o, en ? "\" lang=\"zh-CN\">中文</a>" : "\" lang=\"en\">English</a>");
    lcm_strbuf_adds(o, "</header><h1>");
    lcm_serve_html(o, title);
    lcm_strbuf_adds(o, "</h1>");
    if (problem_zh) {
        lcm_strbuf_adds(o, "<p class=\"err\" id=\"e-login\" role=\"alert\">");
        lcm_serve_html(o, lcm__say(r, problem_zh, problem_en));
        lcm_strbuf_adds(o, "</p>");
    }
    lcm_strbuf_adds(o, "<form method=\"post\" action=\"/login\">");
    lcm__csrf_field(r);
    lcm_strbuf_adds(o, "<input type=\"hidden\" name=\"next\" value=\"");
    lcm_serve_html(o, next);
    lcm_strbuf_adds(o, "\"><div class=\"q\"><label for=\"login\">");
    lcm_serve_html(o, lcm__say(r, "登录名", "Login"));
    lcm_strbuf_adds(o, "</label><input type=\"text\" id=\"login\" name=\"login\" maxlength=\"63\" "
                       "autocomplete=\"username\" autocapitalize=\"off\" spellcheck=\"false\" "
                       "required></div><div class=\"q\"><label for=\"password\">");
    lcm_serve_html(o, lcm__say(r, "密码", "Password"));
    lcm_strbuf_adds(o, "</label><input type=\"password\" id=\"password\" name=\"password\" "
                       "autocomplete=\"current-password\" required></div>"
                       "<div class=\"nav\"><button type=\"submit\" class=\"primary\">");
    lcm_serve_html(o, lcm__say(r, "登录", "Sign in"));
    lcm_strbuf_adds(o, "</button></div></form><p><a href=\"/i\">");
    lcm_serve_html(o, lcm__say(r, "调查员也可用调查员令牌登录（旧方式）",
                               "Interviewers may also sign in with their token (the older way)"));
    lcm_strbuf_adds(o, "</a></p>");
    lcm__foot(r);
}

static void login_get(lcm__req *r) {
    if (r->signed_in) {
        lcm__redirect(r, safe_next(lcm_serve_form_get(&r->query, "next")));
        return;
    }
    login_page(r, MHD_HTTP_OK, NULL, NULL);
}

/* The actor of audit rows about sign-ins before anyone is signed in. */
static lcm_user visitor(void) {
    lcm_user v;
    memset(&v, 0, sizeof v);
    snprintf(v.login, sizeof v.login, "%s", "网页访客");
    return v;
}

static void login_post(lcm__req *r) {
    if (!lcm__csrf_ok(r))
        return;
    const char *login = lcm_serve_form_get(&r->body, "login");
    const char *password = lcm_serve_form_get(&r->body, "password");
    if (!login)
        login = "";
    if (!password)
        password = "";
    /* what the audit trail names: the login typed, when it could be one */
    const char *named = lcm_login_valid(login) ? login : "?";
    char ipd[96];
    snprintf(ipd, sizeof ipd, "ip=%s", r->ip);
    long long now = r->now_ms / 1000;
    long wait = lcm_login_locked(r->db, named, r->ip, now);
    if (wait > 0) {
        char zh[160], en[160];
        snprintf(zh, sizeof zh, "登录尝试次数过多，请 %ld 分钟后再试", (wait + 59) / 60);
        snprintf(en, sizeof en, "Too many failed sign-ins: try again in %ld minutes",
                 (wait + 59) / 60);
        login_page(r, MHD_HTTP_TOO_MANY_REQUESTS, zh, en);
        return;
    }
    lcm_err err = {0};
    lcm_user u;
    lcm_status st = lcm_user_verify(r->db, login, password, &u, &err);
    if (st == LCM_CONSTRAINT) {
        lcm_user v = visitor();
        int locked = 0;
        if ((st = lcm__begin(r, &err)) == LCM_OK) {
            st = lcm_login_failed(r->db, named, r->ip, now, &locked, &err);
            if (st == LCM_OK)
                st = lcm_audit(r->db, &v, "login.fail", named, "", ipd, &err);
            if (st == LCM_OK && locked)
                st = lcm_audit(r->db, &v, "login.lock", named, "", ipd, &err);
            if (st == LCM_OK)
                st = lcm__commit(r, &err);
            else
                lcm__rollback(r);
        }
        if (st != LCM_OK)
            failed(r, &err);
        else
            login_page(r, MHD_HTTP_OK, "登录名或密码错误", "Wrong login or password");
        return;
    }
    if (st != LCM_OK) {
        failed(r, &err);
        return;
    }
    /* signed in: a new session, the old one signed out */
    char old[33];
    snprintf(old, sizeof old, "%s", r->sess.id);
    const char *next = safe_next(lcm_serve_form_get(&r->body, "next"));
    if ((st = lcm__begin(r, &err)) == LCM_OK) {
        if (old[0])
            st = sign_out_session(r, old, &err);
        int iv = u.role == LCM_ROLE_INTERVIEWER && u.interviewer_id > 0;
        if (st == LCM_OK)
            st = lcm__session_new(r, iv ? "capi" : "anon", &err);
        if (st == LCM_OK && iv) {
            r->sess.interviewer_id = u.interviewer_id;
            st = lcm__session_save(r, &err);
        }
        sqlite3_stmt *q;
        if (st == LCM_OK && (st = lcm_db_prepare_cached(
                                 r->db, "UPDATE serve_sessions SET user_id = ?2 WHERE id = ?1", &q,
                                 &err)) == LCM_OK) {
            sqlite3_bind_text(q, 1, r->sess.id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(q, 2, u.id);
            if (sqlite3_step(q) != SQLITE_DONE)
                st = lcm_db_fail(r->db, &err, "signing in");
            sqlite3_reset(q);
        }
        if (st == LCM_OK)
            st = lcm_login_succeeded(r->db, u.login, &err);
        if (st == LCM_OK)
            st = lcm_audit(r->db, &u, "login", u.login, u.place, ipd, &err);
        if (st == LCM_OK)
            st = lcm__commit(r, &err);
        else
            lcm__rollback(r);
        if (st == LCM_OK && iv && strcmp(next, "/home") == 0)
            next = "/i/a";
    }
    if (st != LCM_OK) {
        r->set_cookie = 0;
        failed(r, &err);
        return;
    }
    r->user = u;
    r->signed_in = 1;
    lcm__redirect(r, next);
}

static void logout_post(lcm__req *r) {
    if (!lcm__csrf_ok(r))
        return;
    lcm_err err = {0};
    if (r->signed_in) {
        lcm_status st = lcm__begin(r, &err);
        if (st == LCM_OK) {
            st = sign_out_session(r, r->sess.id, &err);
            if (st == LCM_OK)
                st = lcm_audit(r->db, &r->user, "logout", r->user.login, r->user.place, "", &err);
            if (st == LCM_OK)
                st = lcm__commit(r, &err);
            else
                lcm__rollback(r);
        }
        if (st != LCM_OK) {
            failed(r, &err);
            return;
        }
        r->signed_in = 0;
    }
    lcm__redirect(r, "/login");
}

int lcm__auth_route(lcm__req *r) {
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;
    const char *p = r->path;
    if (strcmp(p, "/login") == 0 && get)
        login_get(r);
    else if (strcmp(p, "/login") == 0 && post)
        login_post(r);
    else if (strcmp(p, "/logout") == 0 && post)
        logout_post(r);
    else if (strcmp(p, "/home") == 0 && get)
        lcm__home_get(r);
    else if (get && strncmp(p, "/city/", 6) == 0 && strlen(p) == 10 &&
             strspn(p + 6, "0123456789") == 4)
        city_get(r, p + 6);
    else
        return 0;
    return 1;
}
