/*
 * serve_approval.c - /data: data approval of the cities' monitoring inputs on the web
 * (engine/approval.h, docs/approval.md). A city coordinator sees its city's years with their
 * state and inputs and submits them; a province officer sees its province's cities and
 * accepts or returns (with a comment) what they submitted; a ministry administrator accepts,
 * returns or reopens; a ministry analyst reads. Everything else is the 403 page.
 *
 *   GET  /data                  the city-years the user sees, with state and counts
 *   GET  /data/CITY/YEAR        one city-year: state, inputs, history, the user's actions
 *   POST /data/CITY/YEAR        action=submit|accept|return|reopen, comment, _csrf
 *
 * Every action goes through lcm_approval_act_as (the level from the role, the city from the
 * place, the audit row), inside the server's one-writer transaction.
 */
#include "approval.h"
#include "serve_int.h"

#include <math.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READERS                                                                                    \
    (LCM_ROLE_BIT(LCM_ROLE_ADMIN) | LCM_ROLE_BIT(LCM_ROLE_ANALYST) |                               \
     LCM_ROLE_BIT(LCM_ROLE_PROVINCE) | LCM_ROLE_BIT(LCM_ROLE_CITY))

static int en(const lcm__req *r) {
    return strcmp(r->sess.lang, "en") == 0;
}

static const char *state_text(const lcm__req *r, lcm_approval_state s) {
    return en(r) ? lcm_approval_state_code(s) : lcm_approval_state_label(s);
}

static void failed(lcm__req *r, const lcm_err *err) {
    fprintf(stderr, "lcmon: serve: %s\n", err->msg);
    lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器出错，请稍后再试",
                 "The server failed; please try again later");
}

static void cell(lcm_strbuf *o, const char *text) {
    lcm_strbuf_adds(o, "<td>");
    lcm_serve_html(o, text ? text : "");
    lcm_strbuf_adds(o, "</td>");
}

static void cell_num(lcm_strbuf *o, double v) {
    char b[40] = "";
    if (!isnan(v))
        snprintf(b, sizeof b, "%.10g", v);
    lcm_strbuf_adds(o, "<td class=\"num\">");
    lcm_strbuf_adds(o, b);
    lcm_strbuf_adds(o, "</td>");
}

/* ---- GET /data ------------------------------------------------------------------------ */

static void list_get(lcm__req *r) {
    lcm_approval *rows = NULL;
    size_t n = 0;
    lcm_err err = {0};
    const char *city = r->user.role == LCM_ROLE_CITY ? r->user.place : NULL;
    const char *province = r->user.role == LCM_ROLE_PROVINCE ? r->user.place : NULL;
    if (lcm_approval_list(r->db, city, province, 0, &rows, &n, &err) != LCM_OK) {
        failed(r, &err);
        return;
    }
    int level = lcm_approval_role_level(&r->user);
    lcm_strbuf *o = &r->out;
    const char *title = lcm__say(r, "城市数据审核", "Data approval");
    lcm__staff_head(r, title, "/data");
    lcm_strbuf_adds(o, "<h1>");
    lcm_serve_html(o, title);
    lcm_strbuf_adds(o, "</h1><p>");
    lcm_serve_html(o, lcm__say(r,
                               "城市上报 → 省级审核 → 部级确认。已上报和已确认的数据不能修改；"
                               "只有部级确认的数据进入正式评分。",
                               "City submits → province accepts → ministry accepts. Submitted "
                               "and accepted data cannot be changed; only accepted data enter "
                               "official scores."));
    lcm_strbuf_adds(o, "</p>");
    if (!n) {
        lcm_strbuf_adds(o, "<p class=\"empty\">");
        lcm_serve_html(o, lcm__say(r, "暂无城市填报的数据", "No city has inputs yet"));
        lcm_strbuf_adds(o, "</p>");
    } else {
        static const char *const head_zh[] = {
            "城市", "年份", "状态", "指标值", "常住人口", "自评", "最近操作（北京时间）",
            "意见", ""};
        static const char *const head_en[] = {"City",
                                              "Year",
                                              "State",
                                              "Values",
                                              "Population",
                                              "Self-assessed",
                                              "Last change (Beijing time)",
                                              "Comment",
                                              ""};
        lcm_strbuf_adds(o, "<table class=\"data\"><thead><tr>");
        for (int k = 0; k < 9; k++) {
            lcm_strbuf_adds(o, "<th>");
            lcm_serve_html(o, en(r) ? head_en[k] : head_zh[k]);
            lcm_strbuf_adds(o, "</th>");
        }
        lcm_strbuf_adds(o, "</tr></thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            const lcm_approval *a = &rows[i];
            char b[4][24], who[200], when[LCM__TIME_SIZE];
            snprintf(b[0], sizeof b[0], "%d", a->year);
            snprintf(b[1], sizeof b[1], "%ld", a->values);
            snprintf(b[2], sizeof b[2], "%ld", a->stats);
            snprintf(b[3], sizeof b[3], "%ld", a->selfs);
            snprintf(who, sizeof who, "%s %s", lcm__shown_time(a->updated_at, when), a->updated_by);
            lcm_strbuf_addf(o, "<tr class=\"state-%s\">", lcm_approval_state_code(a->state));
            lcm_strbuf_adds(o, "<td>");
            lcm_serve_html(o, a->city_name);
            lcm_strbuf_adds(o, "（");
            lcm_serve_html(o, a->city);
            lcm_strbuf_adds(o, "）</td>");
            cell(o, b[0]);
            cell(o, state_text(r, a->state));
            cell(o, b[1]);
            cell(o, b[2]);
            cell(o, b[3]);
            cell(o, a->updated_at[0] ? who : "");
            cell(o, a->comment);
            /* what the user can do here, as the link's text */
            int can = 0;
            for (int act = 0; act <= LCM_APPROVAL_REOPEN; act++)
                can |= level >= 0 &&
                       lcm_approval_next_level(a->state, (lcm_approval_action)act) == level;
            lcm_strbuf_addf(o, "<td><a href=\"/data/%s/%d\">", a->city, a->year);
            lcm_serve_html(o, can ? lcm__say(r, "审核", "Act") : lcm__say(r, "查看", "View"));
            lcm_strbuf_adds(o, "</a></td></tr>");
        }
        lcm_strbuf_adds(o, "</tbody></table>");
    }
    free(rows);
    lcm__foot(r);
}

/* ---- GET /data/CITY/YEAR -------------------------------------------------------------- */

static void action_form(lcm__req *r, const char *path, lcm_approval_action a) {
    static const char *const zh[] = {"上报", "审核通过", "退回", "重新开放"};
    static const char *const en_[] = {"Submit", "Accept", "Return", "Reopen"};
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<form method=\"post\" action=\"");
    lcm_serve_html(o, path);
    lcm_strbuf_adds(o, "\" class=\"approval\">");
    lcm__csrf_field(r);
    lcm_strbuf_addf(o, "<input type=\"hidden\" name=\"action\" value=\"%s\"><label>",
                    lcm_approval_action_code(a));
    lcm_serve_html(o, a == LCM_APPROVAL_RETURN
                          ? lcm__say(r, "退回意见（必填）", "Reason (required)")
                          : lcm__say(r, "意见", "Comment"));
    lcm_strbuf_adds(o, " <textarea name=\"comment\" rows=\"2\" maxlength=\"1000\"");
    if (a == LCM_APPROVAL_RETURN)
        lcm_strbuf_adds(o, " required");
    lcm_strbuf_adds(o, "></textarea></label> <button type=\"submit\">");
    lcm_serve_html(o, lcm__say(r, zh[a], en_[a]));
    lcm_strbuf_adds(o, "</button></form>");
}

static void detail_page(lcm__req *r, const char *city, int year, unsigned status,
                        const char *problem) {
    lcm_err err = {0};
    lcm_approval ap;
    lcm_approval_input *in = NULL;
    lcm_approval_event *ev = NULL;
    size_t nin = 0, nev = 0;
    double pop = NAN;
    long honours = 0, facilities = 0;
    lcm_status st = lcm_approval_get(r->db, city, year, &ap, &err);
    if (st == LCM_NOTFOUND) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "页面不存在", "Page not found");
        return;
    }
    if (st != LCM_OK ||
        lcm_approval_inputs(r->db, city, year, &in, &nin, &pop, &honours, &facilities, &err) !=
            LCM_OK ||
        lcm_approval_history(r->db, city, year, &ev, &nev, &err) != LCM_OK) {
        free(in);
        failed(r, &err);
        return;
    }
    char path[64], title[200];
    snprintf(path, sizeof path, "/data/%s/%d", ap.city, ap.year);
    snprintf(title, sizeof title, "%s %d", ap.city_name, ap.year);
    lcm_strbuf *o = &r->out;
    r->status = status;
    lcm_strbuf_clear(o);
    lcm__staff_head(r, title, path);
    lcm_strbuf_adds(o, "<p><a href=\"/data\">");
    lcm_serve_html(o, lcm__say(r, "← 城市数据审核", "← Data approval"));
    lcm_strbuf_adds(o, "</a></p><h1>");
    lcm_serve_html(o, title);
    lcm_strbuf_adds(o, "</h1>");
    if (problem) {
        lcm_strbuf_adds(o, "<p class=\"problem\">");
        lcm_serve_html(o, problem);
        lcm_strbuf_adds(o, "</p>");
    }
    lcm_strbuf_adds(o, "<p class=\"state\">");
    lcm_serve_html(o, lcm__say(r, "状态：", "State: "));
    lcm_strbuf_addf(o, "<strong class=\"state-%s\">", lcm_approval_state_code(ap.state));
    lcm_serve_html(o, state_text(r, ap.state));
    lcm_strbuf_adds(o, "</strong>");
    if (lcm_approval_state_locks(ap.state)) {
        lcm_strbuf_adds(o, " · ");
        lcm_serve_html(o, lcm__say(r, "数据已锁定，不能修改", "locked: the inputs cannot change"));
    }
    lcm_strbuf_adds(o, "</p>");
    if (ap.comment[0]) {
        lcm_strbuf_adds(o, "<p class=\"comment\">");
        lcm_serve_html(o, ap.state == LCM_APPROVAL_RETURNED
                              ? lcm__say(r, "退回意见：", "Returned: ")
                              : lcm__say(r, "意见：", "Comment: "));
        lcm_serve_html(o, ap.comment);
        lcm_strbuf_adds(o, "</p>");
    }
    /* the actions this user may take now */
    int level = lcm_approval_role_level(&r->user);
    for (int a = 0; a <= LCM_APPROVAL_REOPEN; a++)
        if (level >= 0 && lcm_approval_next_level(ap.state, (lcm_approval_action)a) == level)
            action_form(r, path, (lcm_approval_action)a);
    /* the inputs */
    lcm_strbuf_adds(o, "<h2>");
    lcm_serve_html(o, lcm__say(r, "填报数据", "Inputs"));
    lcm_strbuf_adds(o, "</h2><p>");
    char line[200];
    snprintf(line, sizeof line, en(r) ? "Population (10,000): " : "常住人口（万人）：");
    lcm_serve_html(o, line);
    if (isnan(pop))
        lcm_serve_html(o, lcm__say(r, "未填报", "none"));
    else
        lcm_strbuf_addf(o, "%.10g", pop);
    snprintf(line, sizeof line,
             en(r) ? " · honorary titles up to %d: %ld · facilities open by then: %ld"
                   : " · 截至 %d 年荣誉称号 %ld 项 · 学习设施 %ld 处",
             ap.year, honours, facilities);
    lcm_serve_html(o, line);
    lcm_strbuf_adds(o, "</p><table class=\"inputs\"><thead><tr>");
    static const char *const ih_zh[] = {"指标", "名称", "单位", "核实值", "自评值", "来源"};
    static const char *const ih_en[] = {"Point",    "Name",          "Unit",
                                        "Verified", "Self-assessed", "Source"};
    for (int k = 0; k < 6; k++) {
        lcm_strbuf_adds(o, "<th>");
        lcm_serve_html(o, en(r) ? ih_en[k] : ih_zh[k]);
        lcm_strbuf_adds(o, "</th>");
    }
    lcm_strbuf_adds(o, "</tr></thead><tbody>");
    for (size_t i = 0; i < nin; i++) {
        lcm_strbuf_adds(o, "<tr>");
        cell(o, in[i].code);
        cell(o, in[i].name);
        cell(o, in[i].unit);
        cell_num(o, in[i].verified);
        cell_num(o, in[i].self);
        cell(o, in[i].source);
        lcm_strbuf_adds(o, "</tr>");
    }
    lcm_strbuf_adds(o, "</tbody></table>");
    /* the history */
    lcm_strbuf_adds(o, "<h2>");
    lcm_serve_html(o, lcm__say(r, "审核记录", "History"));
    lcm_strbuf_adds(o, "</h2><table class=\"history\"><thead><tr>");
    static const char *const hh_zh[] = {
        "时间（北京时间）", "操作者", "级别", "操作", "状态", "意见"};
    static const char *const hh_en[] = {
        "When (Beijing time)", "Who", "Level", "Action", "State", "Comment"};
    for (int k = 0; k < 6; k++) {
        lcm_strbuf_adds(o, "<th>");
        lcm_serve_html(o, en(r) ? hh_en[k] : hh_zh[k]);
        lcm_strbuf_adds(o, "</th>");
    }
    lcm_strbuf_adds(o, "</tr></thead><tbody>");
    for (size_t i = 0; i < nev; i++) {
        char change[96], when[LCM__TIME_SIZE];
        snprintf(change, sizeof change, "%s → %s", state_text(r, ev[i].from),
                 state_text(r, ev[i].to));
        lcm_strbuf_adds(o, "<tr>");
        cell(o, lcm__shown_time(ev[i].at, when));
        cell(o, ev[i].who);
        cell(o,
             en(r) ? lcm_approval_level_code(ev[i].level) : lcm_approval_level_label(ev[i].level));
        cell(o, en(r) ? lcm_approval_action_code(ev[i].action)
                      : lcm_approval_action_label(ev[i].action));
        cell(o, change);
        cell(o, ev[i].comment);
        lcm_strbuf_adds(o, "</tr>");
    }
    lcm_strbuf_adds(o, "</tbody></table>");
    free(in);
    free(ev);
    lcm__foot(r);
}

/* ---- POST /data/CITY/YEAR ------------------------------------------------------------- */

static void act_post(lcm__req *r, const char *city, int year) {
    if (!lcm__csrf_ok(r))
        return;
    lcm_approval_action a;
    const char *code = lcm_serve_form_get(&r->body, "action");
    const char *comment = lcm_serve_form_get(&r->body, "comment");
    if (!code || !lcm_approval_action_parse(code, &a)) {
        detail_page(r, city, year, MHD_HTTP_BAD_REQUEST, lcm__say(r, "未知操作", "Unknown action"));
        return;
    }
    if (comment && strlen(comment) > 1000) {
        detail_page(r, city, year, MHD_HTTP_BAD_REQUEST,
                    lcm__say(r, "意见不能超过 1000 字节", "The comment is too long"));
        return;
    }
    lcm_err err = {0};
    lcm_approval before;
    lcm_status st = lcm_approval_get(r->db, city, year, &before, &err);
    if (st == LCM_OK && (st = lcm__begin(r, &err)) == LCM_OK) {
        st = lcm_approval_act_as(r->db, &r->user, -1, city, year, a, comment, NULL, &err);
        if (st == LCM_OK)
            st = lcm__commit(r, &err);
        else
            lcm__rollback(r);
    }
    char problem[300];
    switch (st) {
    case LCM_OK:
        r->status = MHD_HTTP_SEE_OTHER;
        snprintf(problem, sizeof problem, "/data/%s/%d", city, year);
        lcm__redirect(r, problem);
        return;
    case LCM_CONFLICT: /* the state moved on, or waits for another level */
        snprintf(problem, sizeof problem,
                 en(r) ? "Not possible now: the inputs are %s." : "当前状态（%s）不允许此操作。",
                 state_text(r, before.state));
        detail_page(r, city, year, MHD_HTTP_CONFLICT, problem);
        return;
    case LCM_INVAL:
        detail_page(r, city, year, MHD_HTTP_BAD_REQUEST,
                    lcm__say(r, "退回时请填写意见，说明需要更正的内容",
                             "A return needs a comment saying what to correct"));
        return;
    case LCM_NOTFOUND:
        detail_page(r, city, year, MHD_HTTP_BAD_REQUEST,
                    lcm__say(r, "该年度没有可上报的数据", "No inputs for this year to submit"));
        return;
    case LCM_CONSTRAINT:
        lcm__forbidden(r);
        return;
    default:
        failed(r, &err);
    }
}

/* "/data/CITY/YEAR": CITY 4 or 6 digits, YEAR 4 digits; 1 when path is one. */
static int parse_path(const char *path, char city[8], int *year) {
    const char *p = path + strlen("/data/");
    size_t k = strspn(p, "0123456789");
    if ((k != 4 && k != 6) || p[k] != '/')
        return 0;
    memcpy(city, p, k);
    city[k] = '\0';
    const char *y = p + k + 1;
    if (strspn(y, "0123456789") != 4 || y[4])
        return 0;
    *year = atoi(y);
    return *year >= 2000 && *year <= 2100;
}

int lcm__approval_route(lcm__req *r) {
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;
    int list = strcmp(r->path, "/data") == 0;
    if ((!list && strncmp(r->path, "/data/", 6) != 0) || (!get && !post))
        return 0;
    char city[8];
    int year = 0;
    if (!list && !parse_path(r->path, city, &year))
        return 0; /* the 404 */
    if (!lcm__need_role(r, READERS))
        return 1;
    if (list && get)
        list_get(r);
    else if (list)
        lcm__message(r, MHD_HTTP_METHOD_NOT_ALLOWED, "不支持的请求", "Method not allowed");
    else if (!lcm__need_city(r, city))
        return 1;
    else if (get)
        detail_page(r, city, year, MHD_HTTP_OK, NULL);
    else
        act_post(r, city, year);
    return 1;
}
