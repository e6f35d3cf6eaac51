/*
 * serve_users.c - /admin/users: the accounts of the database on the web, for ministry
 * administrators only (engine/auth.h; docs/accounts.md). The list (never a hash), adding an
 * account, disabling or enabling one, and a new password. Passwords the server makes are
 * shown once, on the answer to the post, and stored only hashed. Every change is a form
 * post with the session's CSRF token, and an audit row naming the administrator.
 */
#include "serve_int.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADMIN_ONLY LCM_ROLE_BIT(LCM_ROLE_ADMIN)

static void place_name(lcm__req *r, const char *place, char *out, size_t cap) {
    sqlite3_stmt *st;
    out[0] = '\0';
    if (!place[0] || lcm_db_prepare_cached(r->db,
                                           "SELECT name FROM cities WHERE code = ?1 UNION ALL "
                                           "SELECT name FROM provinces WHERE code = ?1 LIMIT 1",
                                           &st, NULL) != LCM_OK)
        return;
    sqlite3_bind_text(st, 1, place, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
}

static void action_button(lcm__req *r, const char *action, const char *login, const char *zh,
                          const char *en) {
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<form method=\"post\" action=\"/admin/users\" class=\"inline\">");
    lcm__csrf_field(r);
    lcm_strbuf_adds(o, "<input type=\"hidden\" name=\"action\" value=\"");
    lcm_strbuf_adds(o, action);
    lcm_strbuf_adds(o, "\"><input type=\"hidden\" name=\"login\" value=\"");
    lcm_serve_html(o, login);
    lcm_strbuf_adds(o, "\"><button type=\"submit\">");
    lcm_serve_html(o, lcm__say(r, zh, en));
    lcm_strbuf_adds(o, "</button></form>");
}

/* The page: notice (a made password, shown once) or problem above the list and the form. */
static void users_page(lcm__req *r, unsigned status, const char *problem, const char *notice,
                       const char *secret) {
    lcm_err err = {0};
    lcm_user *u = NULL;
    size_t n = 0;
    if (lcm_user_list(r->db, &u, &n, &err) != LCM_OK) {
        fprintf(stderr, "lcmon: serve: %s\n", err.msg);
        lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器出错，请稍后再试",
                     "The server failed; please try again later");
        return;
    }
    lcm_strbuf *o = &r->out;
    r->status = status;
    lcm_strbuf_clear(o);
    lcm__staff_head(r, lcm__say(r, "账户管理", "Accounts"), "/admin/users");
    lcm_strbuf_adds(o, "<h1>");
    lcm_serve_html(o, lcm__say(r, "账户管理", "Accounts"));
    lcm_strbuf_adds(o, "</h1>");
    if (problem) {
        lcm_strbuf_adds(o, "<p class=\"err\" id=\"e-users\" role=\"alert\">");
        lcm_serve_html(o, problem);
        lcm_strbuf_adds(o, "</p>");
    }
    if (notice) {
        lcm_strbuf_adds(o, "<p class=\"ok\" id=\"notice\">");
        lcm_serve_html(o, notice);
        if (secret) {
            lcm_strbuf_adds(o, " <code id=\"secret\">");
            lcm_serve_html(o, secret);
            lcm_strbuf_adds(o, "</code>");
        }
        lcm_strbuf_adds(o, "</p>");
    }
    lcm_strbuf_adds(o, "<table class=\"users\"><thead><tr>");
    const char *heads[][2] = {{"登录名", "Login"}, {"姓名", "Name"},  {"角色", "Role"},
                              {"地区", "Place"},   {"状态", "State"}, {"操作", "Actions"}};
    for (size_t i = 0; i < 6; i++) {
        lcm_strbuf_adds(o, "<th>");
        lcm_serve_html(o, lcm__say(r, heads[i][0], heads[i][1]));
        lcm_strbuf_adds(o, "</th>");
    }
    lcm_strbuf_adds(o, "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        char pname[96];
        place_name(r, u[i].place, pname, sizeof pname);
        lcm_strbuf_adds(o, "<tr><td>");
        lcm_serve_html(o, u[i].login);
        lcm_strbuf_adds(o, "</td><td>");
        lcm_serve_html(o, u[i].name);
        lcm_strbuf_adds(o, "</td><td>");
        lcm_serve_html(o, lcm__say(r, lcm_role_label(u[i].role), lcm_role_code(u[i].role)));
        lcm_strbuf_adds(o, "</td><td>");
        lcm_serve_html(o, u[i].place);
        if (pname[0]) {
            lcm_strbuf_adds(o, " ");
            lcm_serve_html(o, pname);
        }
        lcm_strbuf_adds(o, "</td><td>");
        lcm_serve_html(o, u[i].disabled ? lcm__say(r, "已停用", "disabled")
                                        : lcm__say(r, "启用", "enabled"));
        lcm_strbuf_adds(o, "</td><td>");
        if (u[i].disabled)
            action_button(r, "enable", u[i].login, "启用", "Enable");
        else if (u[i].id != r->user.id)
            action_button(r, "disable", u[i].login, "停用", "Disable");
        action_button(r, "passwd", u[i].login, "重置密码", "New password");
        lcm_strbuf_adds(o, "</td></tr>");
    }
    free(u);
    lcm_strbuf_adds(o, "</tbody></table><h2>");
    lcm_serve_html(o, lcm__say(r, "新建账户", "New account"));
    lcm_strbuf_adds(o, "</h2><form method=\"post\" action=\"/admin/users\">");
    lcm__csrf_field(r);
    lcm_strbuf_adds(o, "<input type=\"hidden\" name=\"action\" value=\"add\">");
    const char *fields[][4] = {
        {"login", "登录名（英文字母、数字、. _ -）", "Login (letters, digits, . _ -)", "63"},
        {"name", "姓名", "Name", "60"},
        {"place", "地区代码（省级联络员填省代码如 44，城市协调员和访问员填城市代码如 4405）",
         "Place code (a province such as 44, or a city such as 4405)", "15"},
        {"password", "初始密码（留空则自动生成）", "Password (empty: made for you)", "256"},
    };
    for (size_t i = 0; i < 4; i++) {
        if (i == 2) { /* the role before the place */
            lcm_strbuf_adds(o, "<div class=\"q\"><label for=\"role\">");
            lcm_serve_html(o, lcm__say(r, "角色", "Role"));
            lcm_strbuf_adds(o, "</label><select id=\"role\" name=\"role\">");
            for (int k = 0; k < LCM_ROLE_COUNT; k++) {
                lcm_strbuf_adds(o, "<option value=\"");
                lcm_strbuf_adds(o, lcm_role_code((lcm_role)k));
                lcm_strbuf_adds(o, "\">");
                lcm_serve_html(
                    o, lcm__say(r, lcm_role_label((lcm_role)k), lcm_role_code((lcm_role)k)));
                lcm_strbuf_adds(o, "</option>");
            }
            lcm_strbuf_adds(o, "</select></div>");
        }
        lcm_strbuf_addf(o, "<div class=\"q\"><label for=\"%s\">", fields[i][0]);
        lcm_serve_html(o, lcm__say(r, fields[i][1], fields[i][2]));
        lcm_strbuf_addf(o,
                        "</label><input type=\"%s\" id=\"%s\" name=\"%s\" maxlength=\"%s\" "
                        "autocomplete=\"off\"></div>",
                        i == 3 ? "password" : "text", fields[i][0], fields[i][0], fields[i][3]);
    }
    lcm_strbuf_adds(o, "<div class=\"nav\"><button type=\"submit\" class=\"primary\">");
    lcm_serve_html(o, lcm__say(r, "创建", "Create"));
    lcm_strbuf_adds(o, "</button></div></form>");
    lcm__foot(r);
}

/* Why an account could not be added, in the page's language (the library's message is
 * English and names codes). */
static const char *add_problem(lcm__req *r, const char *login, const char *name, int role_ok,
                               lcm_role role, const char *password, lcm_status st) {
    size_t np = strlen(password);
    if (!lcm_login_valid(login))
        return lcm__say(r, "登录名须为 1 至 63 个英文字母、数字或 . _ -",
                        "A login is 1 to 63 letters, digits, '.', '_' or '-'");
    if (!*name)
        return lcm__say(r, "请填写姓名", "A name is needed");
    if (!role_ok)
        return lcm__say(r, "角色无效", "No such role");
    if (*password && (np < LCM_PASSWORD_MIN || np > LCM_PASSWORD_MAX))
        return lcm__say(r, "密码须为 8 至 256 个字符", "A password is 8 to 256 characters");
    if (st == LCM_EXISTS)
        return lcm__say(r, "登录名已被使用，或该访问员已有账户",
                        "The login is taken, or the interviewer has an account already");
    if (role == LCM_ROLE_PROVINCE)
        return lcm__say(r, "省级联络员须填写有效的省代码（如 44）",
                        "A province officer needs a province code (such as 44)");
    if (role == LCM_ROLE_CITY || role == LCM_ROLE_INTERVIEWER)
        return lcm__say(r, "城市协调员和访问员须填写有效的城市代码（如 4405）",
                        "A city coordinator or interviewer needs a city code (such as 4405)");
    return lcm__say(r, "部级账户和评审专家不填写地区，姓名不能含控制字符",
                    "Ministry accounts and reviewers have no place; names have no control "
                    "characters");
}

static void users_post(lcm__req *r) {
    if (!lcm__csrf_ok(r))
        return;
    const char *action = lcm_serve_form_get(&r->body, "action");
    const char *login = lcm_serve_form_get(&r->body, "login");
    if (!action)
        action = "";
    if (!login)
        login = "";
    lcm_err err = {0};
    lcm_status st = LCM_OK;
    char made[LCM_PASSWORD_GEN_LEN + 1] = "";
    if (strcmp(action, "add") == 0) {
        const char *name = lcm_serve_form_get(&r->body, "name");
        const char *role_s = lcm_serve_form_get(&r->body, "role");
        const char *place = lcm_serve_form_get(&r->body, "place");
        const char *password = lcm_serve_form_get(&r->body, "password");
        lcm_role role = LCM_ROLE_REVIEWER;
        int role_ok = lcm_role_parse(role_s, &role);
        if (!name)
            name = "";
        if (!place)
            place = "";
        if (!password)
            password = "";
        if (!*password && (st = lcm_password_generate(made, &err)) == LCM_OK)
            password = made;
        if (st == LCM_OK && role_ok && (st = lcm__begin(r, &err)) == LCM_OK) {
            st = lcm_user_add(r->db, login, name, role, place, password, &r->user, NULL, &err);
            if (st == LCM_OK)
                st = lcm__commit(r, &err);
            else
                lcm__rollback(r);
        }
        if (st == LCM_INTERNAL || st == LCM_NOMEM || st == LCM_DB) {
            fprintf(stderr, "lcmon: serve: %s\n", err.msg);
            users_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                       lcm__say(r, "服务器出错，请稍后再试", "The server failed"), NULL, NULL);
        } else if (st != LCM_OK || !role_ok)
            users_page(r, MHD_HTTP_BAD_REQUEST,
                       add_problem(r, login, name, role_ok, role, made[0] ? "" : password, st),
                       NULL, NULL);
        else
            users_page(r, MHD_HTTP_OK, NULL,
                       made[0] ? lcm__say(r, "账户已创建。初始密码只显示这一次：",
                                          "Account created. Its password, shown only now:")
                               : lcm__say(r, "账户已创建。", "Account created."),
                       made[0] ? made : NULL);
        return;
    }
    int disable = strcmp(action, "disable") == 0, enable = strcmp(action, "enable") == 0;
    int passwd = strcmp(action, "passwd") == 0;
    if (!disable && !enable && !passwd) {
        users_page(r, MHD_HTTP_BAD_REQUEST, lcm__say(r, "未知操作", "Unknown action"), NULL, NULL);
        return;
    }
    if (disable && strcmp(login, r->user.login) == 0) {
        users_page(r, MHD_HTTP_BAD_REQUEST,
                   lcm__say(r, "不能停用自己的账户", "You cannot disable your own account"), NULL,
                   NULL);
        return;
    }
    if (passwd)
        st = lcm_password_generate(made, &err);
    if (st == LCM_OK && (st = lcm__begin(r, &err)) == LCM_OK) {
        st = passwd ? lcm_user_set_password(r->db, login, made, &r->user, &err)
                    : lcm_user_set_disabled(r->db, login, disable, &r->user, &err);
        if (st == LCM_OK)
            st = lcm__commit(r, &err);
        else
            lcm__rollback(r);
    }
    if (st == LCM_NOTFOUND)
        users_page(r, MHD_HTTP_NOT_FOUND, lcm__say(r, "没有这个账户", "No such account"), NULL,
                   NULL);
    else if (st != LCM_OK) {
        fprintf(stderr, "lcmon: serve: %s\n", err.msg);
        users_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                   lcm__say(r, "服务器出错，请稍后再试", "The server failed"), NULL, NULL);
    } else if (passwd)
        users_page(r, MHD_HTTP_OK, NULL,
                   lcm__say(r, "新密码只显示这一次：", "The new password, shown only now:"), made);
    else
        users_page(r, MHD_HTTP_OK, NULL,
                   disable ? lcm__say(r, "账户已停用。", "Account disabled.")
                           : lcm__say(r, "账户已启用。", "Account enabled."),
                   NULL);
}

int lcm__users_route(lcm__req *r) {
    if (strcmp(r->path, "/admin/users") != 0)
        return 0;
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;
    if (!get && !post)
        return 0;
    if (!lcm__need_role(r, ADMIN_ONLY))
        return 1;
    if (get)
        users_page(r, MHD_HTTP_OK, NULL, NULL, NULL);
    else
        users_post(r);
    return 1;
}
