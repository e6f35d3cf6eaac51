/*
 * serve_dash.c - the supervisor's dashboard on the web (docs/dashboard.md):
 *
 *   GET /dash                 the dashboard of the account's place: a city coordinator their
 *                             city, a province officer their province (a row per city), the
 *                             ministry's administrators and analysts the nation (a row per
 *                             province); ?city=C or ?province=P narrows it within what the
 *                             account may see, anything else is 403
 *   GET /dash.csv?table=T     one table as CSV (summary, areas, strata, psus, days, flags),
 *                             without personal data, same scope parameters
 *   GET /dash/flags?flag=K    the interviews behind one flag (speeder, straight, duplicate,
 *                             night)
 *   GET /dash/progress.svg    the progress chart, drawn by gnuplot (plots/chart.h)
 *
 * Every number comes from lcm_dash_table_get, the cells the terminal and the CSV show.
 * Interviewers, reviewers and signed-out visitors get no dashboard (least privilege).
 */
#include "auth.h"
#include "dashboard.h"
#include "serve_int.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DASH_ROLES                                                                                 \
    (LCM_ROLE_BIT(LCM_ROLE_ADMIN) | LCM_ROLE_BIT(LCM_ROLE_ANALYST) |                               \
     LCM_ROLE_BIT(LCM_ROLE_PROVINCE) | LCM_ROLE_BIT(LCM_ROLE_CITY))

/* The scope asked for (?city=, ?province=) or the account's own; 0 after answering 403/400. */
static int dash_scope(lcm__req *r, lcm_dash_scope *scope, char place[16]) {
    const char *city = lcm_serve_form_get(&r->query, "city");
    const char *prov = lcm_serve_form_get(&r->query, "province");
    place[0] = '\0';
    if (city && prov) {
        lcm__message(r, MHD_HTTP_BAD_REQUEST, "请只选择一个城市或省份", "Choose one place");
        return 0;
    }
    if (city) {
        if (strlen(city) != 4 || strspn(city, "0123456789") != 4) {
            lcm__message(r, MHD_HTTP_BAD_REQUEST, "城市代码应为4位数字",
                         "A city code has 4 digits");
            return 0;
        }
        if (!lcm__need_city(r, city))
            return 0;
        *scope = LCM_DASH_CITY;
        snprintf(place, 16, "%s", city);
        return 1;
    }
    if (prov) {
        if (strlen(prov) != 2 || strspn(prov, "0123456789") != 2) {
            lcm__message(r, MHD_HTTP_BAD_REQUEST, "省份代码应为2位数字",
                         "A province code has 2 digits");
            return 0;
        }
        if (!lcm__need_province(r, prov))
            return 0;
        *scope = LCM_DASH_PROVINCE;
        snprintf(place, 16, "%s", prov);
        return 1;
    }
    switch (r->user.role) {
    case LCM_ROLE_CITY:
        *scope = LCM_DASH_CITY;
        snprintf(place, 16, "%s", r->user.place);
        return 1;
    case LCM_ROLE_PROVINCE:
        *scope = LCM_DASH_PROVINCE;
        snprintf(place, 16, "%s", r->user.place);
        return 1;
    case LCM_ROLE_ADMIN:
    case LCM_ROLE_ANALYST:
        *scope = LCM_DASH_NATION;
        return 1;
    default:
        lcm__forbidden(r);
        return 0;
    }
}

/* "city=4401" / "province=44" / "" for links that keep the scope. */
static void scope_query(lcm_dash_scope scope, const char *place, char out[32]) {
    if (scope == LCM_DASH_CITY)
        snprintf(out, 32, "city=%s", place);
    else if (scope == LCM_DASH_PROVINCE)
        snprintf(out, 32, "province=%s", place);
    else
        out[0] = '\0';
}

/* Build the dashboard of the request's scope; 0 after answering. */
static int dash_load(lcm__req *r, lcm_dash *d, char q[32]) {
    lcm_dash_scope scope = LCM_DASH_NATION;
    char place[16];
    memset(d, 0, sizeof *d);
    if (!lcm__need_role(r, DASH_ROLES) || !dash_scope(r, &scope, place))
        return 0;
    lcm_err err = {0};
    lcm_status st = lcm_dash_build(r->db, scope, place, d, &err);
    if (st == LCM_NOTFOUND || st == LCM_INVAL) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这个地方", "No such place");
        return 0;
    }
    if (st != LCM_OK) {
        lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器内部错误", "Internal error");
        return 0;
    }
    scope_query(scope, place, q);
    return 1;
}

/* One table as HTML: numbers right-aligned as data-n (what tests read back), the area
 * column of the areas table a link to the narrower dashboard, instance ids links to the
 * interviews' lists. */
static void html_table(lcm__req *r, const lcm_dash *d, const lcm_dash_table *t, const char *q,
                       int csv) {
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<section class=\"dash\" id=\"");
    lcm_serve_html(o, t->name);
    lcm_strbuf_adds(o, "\"><h2>");
    lcm_serve_html(o, t->title);
    lcm_strbuf_adds(o, "</h2>");
    if (csv) {
        lcm_strbuf_adds(o, "<p><a class=\"button\" href=\"/dash.csv?table=");
        lcm_serve_html(o, t->name);
        if (*q) {
            lcm_strbuf_adds(o, "&amp;");
            lcm_serve_html(o, q);
        }
        lcm_strbuf_adds(o, "\">下载CSV</a></p>");
    }
    if (t->nrow == 0) {
        lcm_strbuf_adds(o, "<p>（无）</p></section>");
        return;
    }
    lcm_strbuf_adds(o, "<table><thead><tr>");
    for (int k = 0; k < t->ncol; k++) {
        lcm_strbuf_adds(o, "<th>");
        lcm_serve_html(o, t->head[k]);
        lcm_strbuf_adds(o, "</th>");
    }
    lcm_strbuf_adds(o, "</tr></thead><tbody>");
    for (size_t i = 0; i < t->nrow; i++) {
        lcm_strbuf_adds(o, "<tr>");
        for (int k = 0; k < t->ncol; k++) {
            const char *c = t->cell[i * (size_t)t->ncol + (size_t)k];
            lcm_strbuf_adds(o, "<td data-k=\"");
            lcm_serve_html(o, t->key[k]);
            lcm_strbuf_adds(o, "\">");
            int area_link = strcmp(t->name, "areas") == 0 && k == 1 && d->scope != LCM_DASH_CITY;
            int flag_link =
                strcmp(t->name, "summary") == 0 && k == 1 && i >= t->nrow - LCM_DASH_NFLAG;
            /* an interview opens on the review page (serve_review.c) for those who review */
            int iv_link = strcmp(t->name, "flags") == 0 && k == 1 &&
                          (r->user.role == LCM_ROLE_CITY || r->user.role == LCM_ROLE_ADMIN);
            if (iv_link) {
                lcm_strbuf_adds(o, "<a href=\"/review/i?id=");
                lcm__url_encode(o, c);
                lcm_strbuf_adds(o, "\">");
            } else if (area_link) {
                lcm_strbuf_adds(o, d->scope == LCM_DASH_NATION ? "<a href=\"/dash?province="
                                                               : "<a href=\"/dash?city=");
                lcm_serve_html(o, t->cell[i * (size_t)t->ncol]);
                lcm_strbuf_adds(o, "\">");
            } else if (flag_link) {
                lcm_strbuf_adds(o, "<a href=\"/dash/flags?flag=");
                lcm_serve_html(
                    o, lcm_dash_flag_code((lcm_dash_flag_kind)(i - (t->nrow - LCM_DASH_NFLAG))));
                if (*q) {
                    lcm_strbuf_adds(o, "&amp;");
                    lcm_serve_html(o, q);
                }
                lcm_strbuf_adds(o, "\">");
            }
            lcm_serve_html(o, c);
            if (area_link || flag_link || iv_link)
                lcm_strbuf_adds(o, "</a>");
            lcm_strbuf_adds(o, "</td>");
        }
        lcm_strbuf_adds(o, "</tr>");
    }
    lcm_strbuf_adds(o, "</tbody></table></section>");
}

static void dash_get(lcm__req *r) {
    lcm_dash d;
    char q[32];
    if (!dash_load(r, &d, q)) {
        lcm_dash_free(&d);
        return;
    }
    char title[128];
    snprintf(title, sizeof title, "督导看板：%s", d.place_name);
    lcm__staff_head(r, title, "/dash");
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<h1>");
    lcm_serve_html(o, title);
    lcm_strbuf_adds(o, "</h1>");
    if (d.total.assigned > 0) {
        lcm_strbuf_adds(o, "<figure><img src=\"/dash/progress.svg");
        if (*q) {
            lcm_strbuf_addc(o, '?');
            lcm_serve_html(o, q);
        }
        lcm_strbuf_adds(o, "\" alt=\"完成进度图\"><figcaption>完成访问占分配户数的比例；"
                           "虚线为中位数</figcaption></figure>");
    }
    for (int t = 0; t < LCM_DASH_NTABLE; t++) {
        if (t == LCM_DASH_T_AREAS && d.scope == LCM_DASH_CITY)
            continue;
        lcm_dash_table tab;
        if (lcm_dash_table_get(&d, (lcm_dash_table_id)t, 1, -1, &tab, NULL) != LCM_OK) {
            lcm_dash_free(&d);
            lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器内部错误", "Internal error");
            return;
        }
        html_table(r, &d, &tab, q, 1);
        lcm_dash_table_free(&tab);
    }
    lcm_strbuf_adds(o, "<p class=\"note\">应答率RR1＝完成÷（完成＋部分完成＋拒访或中断＋未接触＋"
                       "其他未访＋资格未知），拒访率REF1的分子为拒访或中断（AAPOR标准定义，2023）；"
                       "未处理户计入资格未知，不合格户不计入分母。过快作答：时长不到本调查活动中位"
                       "时长的三分之一；直线作答：满意度题组至少5题作答且答案全同；非工作时间："
                       "访问员在北京时间8:00前或21:00后提交。</p>");
    lcm__foot(r);
    lcm_dash_free(&d);
}

static void flags_get(lcm__req *r) {
    int flag = lcm_dash_flag_parse(lcm_serve_form_get(&r->query, "flag"));
    lcm_dash d;
    char q[32];
    if (!dash_load(r, &d, q)) {
        lcm_dash_free(&d);
        return;
    }
    if (flag < 0) {
        lcm_dash_free(&d);
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这种质量标记", "No such flag");
        return;
    }
    char title[160];
    snprintf(title, sizeof title, "%s：%s", lcm_dash_flag_label((lcm_dash_flag_kind)flag),
             d.place_name);
    lcm__staff_head(r, title, "/dash/flags");
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<h1>");
    lcm_serve_html(o, title);
    lcm_strbuf_adds(o, "</h1><p><a href=\"/dash");
    if (*q) {
        lcm_strbuf_addc(o, '?');
        lcm_serve_html(o, q);
    }
    lcm_strbuf_adds(o, "\">返回督导看板</a></p>");
    lcm_dash_table tab;
    if (lcm_dash_table_get(&d, LCM_DASH_T_FLAGS, 1, flag, &tab, NULL) == LCM_OK) {
        tab.title = "涉及的问卷";
        html_table(r, &d, &tab, q, 0);
        lcm_dash_table_free(&tab);
    }
    lcm__foot(r);
    lcm_dash_free(&d);
}

static void csv_get(lcm__req *r) {
    int t = lcm_dash_table_parse(lcm_serve_form_get(&r->query, "table"));
    lcm_dash d;
    char q[32];
    if (!dash_load(r, &d, q)) {
        lcm_dash_free(&d);
        return;
    }
    lcm_dash_table tab;
    if (t < 0) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这个表", "No such table");
    } else if (lcm_dash_table_get(&d, (lcm_dash_table_id)t, 0, -1, &tab, NULL) != LCM_OK) {
        lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器内部错误", "Internal error");
    } else {
        lcm_strbuf_clear(&r->out);
        lcm_dash_table_csv(&tab, &r->out);
        r->ctype = "text/csv; charset=utf-8";
        lcm_dash_table_free(&tab);
    }
    lcm_dash_free(&d);
}

static void chart_get(lcm__req *r) {
    lcm_dash d;
    char q[32];
    if (!dash_load(r, &d, q)) {
        lcm_dash_free(&d);
        return;
    }
    char *svg = NULL;
    size_t len = 0;
    lcm_status st = lcm_dash_chart_svg(&d, &svg, &len, NULL);
    if (st == LCM_OK) {
        lcm_strbuf_clear(&r->out);
        lcm_strbuf_add(&r->out, svg, len);
        r->ctype = "image/svg+xml";
    } else if (st == LCM_NOTFOUND)
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有可画的进度", "Nothing to draw");
    else
        lcm__message(r, MHD_HTTP_SERVICE_UNAVAILABLE, "暂时无法绘制进度图（需要gnuplot）",
                     "The chart needs gnuplot");
    free(svg);
    lcm_dash_free(&d);
}

int lcm__dash_route(lcm__req *r) {
    const char *p = r->path;
    int dash = strcmp(p, "/dash") == 0, csv = strcmp(p, "/dash.csv") == 0,
        flags = strcmp(p, "/dash/flags") == 0, chart = strcmp(p, "/dash/progress.svg") == 0;
    if (!dash && !csv && !flags && !chart)
        return 0;
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        lcm__message(r, MHD_HTTP_METHOD_NOT_ALLOWED, "不支持的请求", "Method not allowed");
        return 1;
    }
    if (dash)
        dash_get(r);
    else if (csv)
        csv_get(r);
    else if (flags)
        flags_get(r);
    else
        chart_get(r);
    return 1;
}
