/*
 * serve_register.c - the network register on the web (issue 15; docs/network.md): a city
 * coordinator fills the application of 附件2 online (/apply) with the checks of `lcmon
 * network apply` (lcm_net_check_pairs: the same code), attaches the PDF and photo evidence
 * (kept in the database, lcm_net_attach) and submits it; the province officer sees its
 * cities' applications (/register), returns one with a comment or recommends it, and
 * downloads its 附件3 workbook; the ministry administrator admits or declines.
 *
 * Who may do what is decided here by role and place (auth.h), and again by the engine
 * (a province acts only on its own cities, each status change only from the right
 * status). Every change is one transaction with its audit row. Attachments are served only
 * to those who see the city, as downloads (Content-Disposition: attachment) with the type
 * read from their bytes when they were stored.
 */
#include "auth.h"
#include "network.h"
#include "serve_int.h"
#include "strbuf.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROLE(x) LCM_ROLE_BIT(LCM_ROLE_##x)
/* Rows of a list (meetings, documents, evidence...) shown when fewer are filled. */
#define ROWS_SHOWN 5

static void failed(lcm__req *r, const lcm_err *err) {
    fprintf(stderr, "lcmon: serve: %s %s: %s\n", r->method, r->path, err->msg);
    lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器内部错误，请稍后再试",
                 "Internal error: please try again later");
}

static void html(lcm__req *r, const char *s) {
    lcm_serve_html(&r->out, s);
}

static void add(lcm__req *r, const char *s) {
    lcm_strbuf_adds(&r->out, s);
}

static lcm_net_lang lang_of(const lcm__req *r) {
    return strcmp(r->sess.lang, "en") == 0 ? LCM_NET_EN : LCM_NET_ZH;
}

/* The name of a city ("" when unknown) and its province code. */
static void city_info(lcm__req *r, const char *code, char name[96], char province[3]) {
    sqlite3_stmt *st = NULL;
    name[0] = province[0] = '\0';
    if (lcm_db_prepare(r->db, "SELECT name, province_code FROM cities WHERE code = ?1", &st,
                       NULL) != LCM_OK)
        return;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(name, 96, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(province, 3, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
}

static void status_line(lcm__req *r, const lcm_net_state *s) {
    add(r, "<p class=\"status\">");
    html(r, lcm__say(r, "当前状态：", "Status: "));
    add(r, "<strong id=\"status\">");
    html(r, s->status[0] ? lcm_net_label(s->status, lang_of(r))
                         : lcm__say(r, "尚未申请", "not applied"));
    add(r, "</strong></p>");
    if (strcmp(s->status, "returned") == 0 || strcmp(s->status, "declined") == 0) {
        add(r, "<div class=\"note\"><p>");
        html(r, strcmp(s->status, "returned") == 0 ? lcm__say(r, "退回意见：", "Returned: ")
                                                   : lcm__say(r, "未通过原因：", "Reason: "));
        add(r, "</p><p id=\"note\">");
        html(r, s->note);
        add(r, "</p><p class=\"hint\">");
        char when[LCM__TIME_SIZE];
        html(r, s->by);
        add(r, " · ");
        html(r, lcm__shown_time(s->at, when));
        html(r, lcm__say(r, "（北京时间）", " (Beijing time)"));
        add(r, "</p></div>");
    }
}

/* ---- the application form ------------------------------------------------------------- */

typedef struct view {
    const lcm_net_form *form;
    const lcm_net_application *app; /* values shown (stored, or as posted); may be NULL */
    const lcm_net_problems *pr;     /* problems beside their fields; may be NULL */
    const lcm_net_attachment *att;
    size_t natt;
    int editable;
    const char *city, *city_name;
} view;

static const char *value_of(const view *v, const char *name) {
    const char *s = v->app ? lcm_net_app_get(v->app, name) : NULL;
    return s ? s : "";
}

static int field_has_problem(const view *v, const char *name) {
    for (size_t i = 0; v->pr && i < v->pr->n; i++)
        if (strcmp(v->pr->items[i].subject, name) == 0)
            return 1;
    return 0;
}

static void problems_of(lcm__req *r, const view *v, const char *name) {
    for (size_t i = 0; v->pr && i < v->pr->n; i++)
        if (strcmp(v->pr->items[i].subject, name) == 0) {
            add(r, "<p class=\"err\">");
            html(r, v->pr->items[i].what);
            add(r, "</p>");
        }
}

static const char *label(const lcm__req *r, const lcm_net_field *f) {
    return lcm__say(r, f->label_zh, f->label_en);
}

/* A choice shown by its label; an English key beside a Chinese one ("是|yes") is left out
 * of a Chinese page (same answer). */
static void choice_input(lcm__req *r, const view *v, const lcm_net_field *f, const char *name,
                         const char *val) {
    int zh = lang_of(r) == LCM_NET_ZH, has_cjk = 0;
    for (const char *p = f->choices; *p; p++)
        has_cjk |= (unsigned char)*p >= 0x80;
    add(r, "<select id=\"f-");
    html(r, name);
    add(r, "\" name=\"");
    html(r, name);
    add(r, v->editable ? "\">" : "\" disabled>");
    add(r, "<option value=\"\"></option>");
    char buf[512];
    snprintf(buf, sizeof buf, "%s", f->choices);
    char *save = NULL;
    for (char *c = strtok_r(buf, "|", &save); c; c = strtok_r(NULL, "|", &save)) {
        int ascii = 1;
        for (const char *p = c; *p; p++)
            ascii &= (unsigned char)*p < 0x80;
        const char *shown = lcm_net_label(c, lang_of(r));
        if (zh && has_cjk && ascii && strcmp(shown, c) == 0 && strcmp(val, c) != 0)
            continue;
        add(r, "<option value=\"");
        html(r, c);
        add(r, strcmp(val, c) == 0 ? "\" selected>" : "\">");
        html(r, shown);
        add(r, "</option>");
    }
    add(r, "</select>");
}

/* A select of the city's attachments of one kind: the form never takes a path. */
static void file_input(lcm__req *r, const view *v, const char *kind, const char *name,
                       const char *val) {
    add(r, "<select id=\"f-");
    html(r, name);
    add(r, "\" name=\"");
    html(r, name);
    add(r, v->editable ? "\">" : "\" disabled>");
    add(r, "<option value=\"\"></option>");
    int found = !*val;
    for (size_t i = 0; i < v->natt; i++) {
        if (strcmp(v->att[i].kind, kind) != 0)
            continue;
        found |= strcmp(val, v->att[i].name) == 0;
        add(r, "<option value=\"");
        html(r, v->att[i].name);
        add(r, strcmp(val, v->att[i].name) == 0 ? "\" selected>" : "\">");
        html(r, v->att[i].name);
        add(r, "</option>");
    }
    if (!found) { /* a value that is no attachment (a path from a file applied by CLI) */
        add(r, "<option value=\"");
        html(r, val);
        add(r, "\" selected>");
        html(r, val);
        add(r, "</option>");
    }
    add(r, "</select>");
}

static void field_input(lcm__req *r, const view *v, const lcm_net_field *f, const char *name) {
    const char *val = value_of(v, name);
    char num[32];
    switch (f->type) {
    case LCM_NET_CHOICE:
        choice_input(r, v, f, name, val);
        return;
    case LCM_NET_PDF:
    case LCM_NET_PHOTO:
        file_input(r, v, f->type == LCM_NET_PDF ? "evidence" : "photo", name, val);
        return;
    case LCM_NET_TEXT:
        if (f->max_chars > 0) { /* a long text: a text area with its count */
            snprintf(num, sizeof num, "%ld", f->max_chars);
            add(r, "<textarea rows=\"5\" id=\"f-");
            html(r, name);
            add(r, "\" name=\"");
            html(r, name);
            add(r, "\" data-max=\"");
            add(r, num);
            add(r, v->editable ? "\">" : "\" readonly>");
            html(r, val);
            add(r, "</textarea><p class=\"hint\">");
            html(r, lcm__say(r, "字数限制：", "Limit: "));
            add(r, num);
            html(r, lcm__say(r, "字以内", " characters"));
            add(r, "</p>");
            return;
        }
        break;
    default:
        break;
    }
    add(r, "<input type=\"text\" id=\"f-");
    html(r, name);
    add(r, "\" name=\"");
    html(r, name);
    add(r, "\" value=\"");
    html(r, val);
    add(r, v->editable ? "\">" : "\" readonly>");
}

static void one_field(lcm__req *r, const view *v, const lcm_net_field *f, const char *name) {
    add(r, field_has_problem(v, name) ? "<div class=\"q has-err\"><label for=\"f-"
                                      : "<div class=\"q\"><label for=\"f-");
    html(r, name);
    add(r, "\">");
    html(r, label(r, f));
    if (f->required)
        add(r, "<span class=\"req\">*</span>");
    add(r, "</label>");
    problems_of(r, v, name);
    field_input(r, v, f, name);
    add(r, "</div>");
}

/* The highest item of group g given in the application, 0 when none. */
static int items_given(const view *v, int g) {
    int top = 0;
    for (size_t i = 0; v->app && i < v->app->n; i++)
        if (v->form->fields[v->app->values[i].field].group == g && v->app->values[i].item > top)
            top = v->app->values[i].item;
    return top;
}

static void group_fields(lcm__req *r, const view *v, int g) {
    const lcm_net_field *gf = &v->form->fields[g];
    int given = items_given(v, g);
    int rows = given + (v->editable ? 1 : 0);
    if (v->editable && rows < ROWS_SHOWN)
        rows = ROWS_SHOWN;
    if (rows > gf->max_items)
        rows = gf->max_items;
    add(r, "<fieldset class=\"q\"><legend>");
    html(r, label(r, gf));
    if (gf->required)
        add(r, "<span class=\"req\">*</span>");
    add(r, "</legend>");
    problems_of(r, v, gf->name);
    for (int item = 1; item <= rows; item++) {
        char head[64];
        if (lang_of(r) == LCM_NET_EN)
            snprintf(head, sizeof head, "Item %d", item);
        else
            snprintf(head, sizeof head, "第%d项", item);
        add(r, "<fieldset class=\"item\"><legend>");
        html(r, head);
        add(r, "</legend>");
        for (size_t k = (size_t)g + 1; k < v->form->n && v->form->fields[k].group == g; k++) {
            const lcm_net_field *f = &v->form->fields[k];
            char name[300];
            snprintf(name, sizeof name, "%s.%d%s", gf->name, item, f->name + strlen(gf->name));
            one_field(r, v, f, name);
        }
        add(r, "</fieldset>");
    }
    add(r, "</fieldset>");
}

static void form_fields(lcm__req *r, const view *v) {
    int part = -1;
    static const char *const parts_zh[] = {"申报城市",     "一、联系方式",
                                           "二、基本情况", "三、学习型城市建设情况",
                                           "四、佐证材料", "五、申请声明"};
    static const char *const parts_en[] = {"Applicant",   "1. Contacts", "2. Basic data",
                                           "3. Building", "4. Evidence", "5. Declaration"};
    for (size_t i = 0; i < v->form->n; i++) {
        const lcm_net_field *f = &v->form->fields[i];
        if (f->group >= 0)
            continue;
        if (f->part != part && f->part >= 0 && f->part <= 5) {
            part = f->part;
            add(r, "<h2>");
            html(r, lcm__say(r, parts_zh[part], parts_en[part]));
            add(r, "</h2>");
        }
        if (strcmp(f->name, "city.code") == 0) { /* the coordinator's own city, not typed */
            add(r, "<div class=\"q\"><label>");
            html(r, label(r, f));
            add(r, "</label><p id=\"f-city.code\">");
            html(r, v->city);
            add(r, " ");
            html(r, v->city_name);
            add(r, "</p>");
            problems_of(r, v, f->name);
            add(r, "</div>");
        } else if (f->type == LCM_NET_REPEAT)
            group_fields(r, v, (int)i);
        else
            one_field(r, v, f, f->name);
    }
}

/* Problems that belong to no field shown (a refusal of the register) at the top, and the
 * count of all of them. */
static void problems_head(lcm__req *r, const view *v) {
    if (!v->pr || v->pr->n == 0)
        return;
    char head[160];
    if (lang_of(r) == LCM_NET_EN)
        snprintf(head, sizeof head, "%zu problems: correct them and submit again:", v->pr->n);
    else
        snprintf(head, sizeof head, "申请表有%zu处问题，请修改后再提交：", v->pr->n);
    add(r, "<div class=\"errors\" role=\"alert\"><p class=\"err\">");
    html(r, head);
    add(r, "</p><ul>");
    for (size_t i = 0; i < v->pr->n; i++) {
        const lcm_net_problem *p = &v->pr->items[i];
        int fid = lcm_net_form_find(v->form, p->subject) >= 0 || strchr(p->subject, '.') != NULL;
        add(r, "<li>");
        if (fid) {
            add(r, "<a href=\"#f-");
            html(r, p->subject);
            add(r, "\">");
        }
        html(r, p->what);
        if (fid)
            add(r, "</a>");
        else {
            add(r, "：");
            html(r, p->subject);
        }
        add(r, "</li>");
    }
    add(r, "</ul></div>");
}

static void attachments_list(lcm__req *r, const view *v) {
    add(r, "<ul class=\"files\" id=\"files\">");
    for (size_t i = 0; i < v->natt; i++) {
        char size[64];
        snprintf(size, sizeof size, " (%s, %lld %s)",
                 strcmp(v->att[i].kind, "photo") == 0 ? lcm__say(r, "照片", "photo")
                                                      : lcm__say(r, "文本材料", "text"),
                 v->att[i].size, lcm__say(r, "字节", "bytes"));
        add(r, "<li><a href=\"/register/");
        html(r, v->city);
        add(r, "/");
        html(r, v->att[i].name);
        add(r, "\">");
        html(r, v->att[i].name);
        add(r, "</a>");
        html(r, size);
        add(r, "</li>");
    }
    if (v->natt == 0) {
        add(r, "<li>");
        html(r, lcm__say(r, "尚未上传材料", "No files yet"));
        add(r, "</li>");
    }
    add(r, "</ul>");
}

static void history_table(lcm__req *r, const char *city) {
    lcm_net_table t;
    if (lcm_net_history(r->db, city, lang_of(r), &t, NULL) != LCM_OK)
        return;
    add(r, "<h2>");
    html(r, lcm__say(r, "办理记录", "History"));
    add(r, "</h2><table class=\"history\"><tr>");
    for (int c = 0; c < t.ncols; c++) {
        if (strcmp(t.keys[c], "city_code") == 0 || strcmp(t.keys[c], "city") == 0)
            continue;
        add(r, "<th>");
        html(r, strcmp(t.keys[c], "changed_at") == 0
                    ? lcm__say(r, "时间（北京时间）", "When (Beijing time)")
                    : t.headers[c]);
        add(r, "</th>");
    }
    add(r, "</tr>");
    for (size_t i = 0; i < t.nrows; i++) {
        add(r, "<tr>");
        for (int c = 0; c < t.ncols; c++) {
            if (strcmp(t.keys[c], "city_code") == 0 || strcmp(t.keys[c], "city") == 0)
                continue;
            add(r, "<td>");
            /* the note of an application is where it came from: a file path on the
             * server or the web form; the path is not shown */
            const char *cell = lcm_net_table_cell(&t, i, c);
            char when[LCM__TIME_SIZE];
            if (strcmp(t.keys[c], "changed_at") == 0)
                cell = lcm__shown_time(cell, when);
            html(r, strcmp(t.keys[c], "note") == 0 && strchr(cell, '/') ? "" : cell);
            add(r, "</td>");
        }
        add(r, "</tr>");
    }
    add(r, "</table>");
    lcm_net_table_release(&t);
}

/* ---- /apply: the city coordinator ------------------------------------------------------ */

/* The application page: the state, the evidence and its upload, the form (editable before
 * the first application and while returned). */
static void apply_page(lcm__req *r, const lcm_net_form *form, const lcm_net_application *app,
                       const lcm_net_problems *pr, const char *upload_err) {
    const char *city = r->user.place;
    char name[96], province[3];
    lcm_net_state st;
    lcm_err err = {0};
    city_info(r, city, name, province);
    if (lcm_net_state_get(r->db, city, &st, &err) != LCM_OK) {
        failed(r, &err);
        return;
    }
    lcm_net_application stored = {0};
    int have_stored = 0;
    if (!app && st.status[0] && lcm_net_app_load(r->db, form, city, &stored, NULL) == LCM_OK)
        app = &stored, have_stored = 1;
    lcm_net_attachment *att = NULL;
    size_t natt = 0;
    lcm_net_attachments(r->db, city, &att, &natt, NULL);
    int editable = !st.status[0] || strcmp(st.status, "returned") == 0;
    view v = {form, app, pr, att, natt, editable, city, name};
    lcm_strbuf_clear(&r->out);
    lcm__staff_head(r, lcm__say(r, "学习型城市网络申请（附件2）", "Network application"), "/apply");
    add(r, "<h1>");
    html(r, lcm__say(r, "全国学习型城市网络申请表", "Application to the national network"));
    add(r, "</h1><p>");
    html(r, city);
    add(r, " ");
    html(r, name);
    add(r, "</p>");
    status_line(r, &st);
    problems_head(r, &v);
    add(r, "<h2>");
    html(r, lcm__say(r, "佐证材料", "Evidence files"));
    add(r, "</h2>");
    attachments_list(r, &v);
    if (upload_err) {
        add(r, "<p class=\"err\" id=\"upload-err\">");
        html(r, upload_err);
        add(r, "</p>");
    }
    if (editable) {
        add(r, "<form method=\"post\" action=\"/apply/attach\" enctype=\"multipart/form-data\" "
               "class=\"upload\">");
        lcm__csrf_field(r);
        add(r, "<div class=\"q\"><label for=\"file\">");
        html(r, lcm__say(r, "上传文件（PDF文本材料，或JPEG、PNG照片；每个不超过10MB）",
                         "Upload (PDF, or a JPEG or PNG photo; at most 10 MB each)"));
        add(r, "</label><input type=\"file\" id=\"file\" name=\"file\" "
               "accept=\".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png\"></div>"
               "<p><button type=\"submit\">");
        html(r, lcm__say(r, "上传", "Upload"));
        add(r, "</button></p></form><p class=\"hint\">");
        html(r, lcm__say(r,
                         "请先上传佐证材料，再在申请表第四部分选择；上传会刷新本页，未提交的填写内"
                         "容不会保存。",
                         "Upload the evidence first, then choose it in part 4; uploading "
                         "reloads the page and does not keep unsent entries."));
        add(r, "</p>");
    }
    add(r, "<form method=\"post\" action=\"/apply\" class=\"application\" novalidate>");
    lcm__csrf_field(r);
    form_fields(r, &v);
    if (editable) {
        add(r, "<div class=\"nav\"><button type=\"submit\" class=\"primary\" id=\"submit\">");
        html(r, strcmp(st.status, "returned") == 0 ? lcm__say(r, "重新提交申请", "Resubmit")
                                                   : lcm__say(r, "提交申请", "Submit"));
        add(r, "</button></div>");
    }
    add(r, "</form>");
    if (st.status[0])
        history_table(r, city);
    lcm__foot(r);
    free(att);
    if (have_stored)
        lcm_net_application_release(&stored);
}

static int city_user(lcm__req *r) {
    if (!lcm__need_role(r, ROLE(CITY)))
        return 0;
    size_t n = strlen(r->user.place);
    if ((n != 4 && n != 6) || strspn(r->user.place, "0123456789") != n) {
        lcm__forbidden(r);
        return 0;
    }
    return 1;
}

static void apply_get(lcm__req *r) {
    lcm_net_form form;
    lcm_err err = {0};
    if (!city_user(r))
        return;
    if (lcm_net_form_load(lcm_datadir(), &form, &err) != LCM_OK) {
        failed(r, &err);
        return;
    }
    apply_page(r, &form, NULL, NULL, NULL);
    lcm_net_form_release(&form);
}

/* The posted fields in the order of the form: every top-level field and every item of
 * every list up to its maximum; the city is the coordinator's own, whatever was posted. */
typedef struct posted {
    const char **pairs; /* name, value, ...: names point into the form or into names */
    size_t n;
    char **names; /* the names of list items, owned */
    size_t nnames;
} posted;

static int posted_read(lcm__req *r, const lcm_net_form *form, posted *p) {
    size_t cap = 0;
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < form->n; i++) {
        const lcm_net_field *f = &form->fields[i];
        cap += f->group >= 0 ? (size_t)form->fields[f->group].max_items : 1;
    }
    p->pairs = calloc(2 * cap + 2, sizeof *p->pairs);
    p->names = calloc(cap + 1, sizeof *p->names);
    if (!p->pairs || !p->names)
        return -1;
    for (size_t i = 0; i < form->n; i++) {
        const lcm_net_field *f = &form->fields[i];
        if (f->type == LCM_NET_REPEAT)
            continue;
        if (f->group < 0) {
            const char *val = strcmp(f->name, "city.code") == 0
                                  ? r->user.place
                                  : lcm_serve_form_get(&r->body, f->name);
            p->pairs[2 * p->n] = f->name, p->pairs[2 * p->n + 1] = val ? val : "", p->n++;
            continue;
        }
        const lcm_net_field *g = &form->fields[f->group];
        for (int item = 1; item <= g->max_items; item++) {
            char name[300];
            snprintf(name, sizeof name, "%s.%d%s", g->name, item, f->name + strlen(g->name));
            const char *val = lcm_serve_form_get(&r->body, name);
            if (!val || !*val)
                continue;
            if (!(p->names[p->nnames] = strdup(name)))
                return -1;
            p->pairs[2 * p->n] = p->names[p->nnames++], p->pairs[2 * p->n + 1] = val, p->n++;
        }
    }
    return 0;
}

static void posted_free(posted *p) {
    for (size_t i = 0; p->names && i < p->nnames; i++)
        free(p->names[i]);
    free(p->names);
    free(p->pairs);
}

static void apply_post(lcm__req *r) {
    if (!city_user(r) || !lcm__csrf_ok(r))
        return;
    lcm_net_form form;
    lcm_err err = {0};
    if (lcm_net_form_load(lcm_datadir(), &form, &err) != LCM_OK) {
        failed(r, &err);
        return;
    }
    posted in;
    int ok = posted_read(r, &form, &in) == 0;
    lcm_net_application app = {0};
    lcm_net_problems pr;
    lcm_net_problems_init(&pr, lang_of(r));
    char source[256];
    snprintf(source, sizeof source, "%s（%s）", lcm__say(r, "网上填报", "web form"), r->user.login);
    lcm_net_state st;
    lcm_status rc = ok ? lcm__begin(r, &err) : lcm_err_set(&err, LCM_NOMEM, "out of memory");
    if (rc == LCM_OK)
        rc = lcm_net_state_get(r->db, r->user.place, &st, &err);
    if (rc == LCM_OK && st.status[0] && strcmp(st.status, "returned") != 0) {
        /* with the province or the ministry now: the form is no longer the city's */
        lcm_net_problem_add(&pr, 0, r->user.place,
                            lang_of(r) == LCM_NET_EN
                                ? "the application was submitted (status %s): it cannot change"
                                : "申请已提交（当前状态：%s），不能修改",
                            lcm_net_label(st.status, lang_of(r)));
        rc = LCM_CONSTRAINT;
    }
    if (rc == LCM_OK)
        rc = lcm_net_check_pairs(r->db, &form, source, in.pairs, in.n, &app, &pr, &err);
    int again = rc == LCM_OK && strcmp(st.status, "returned") == 0;
    if (rc == LCM_OK)
        rc = again ? lcm_net_resubmit(r->db, &app, r->user.name, &pr, &err)
                   : lcm_net_apply(r->db, &app, r->user.name, &pr, &err);
    if (rc == LCM_OK)
        rc = lcm_audit(r->db, &r->user, again ? "network.resubmit" : "network.apply", r->user.place,
                       r->user.place, "", &err);
    if (rc == LCM_OK)
        rc = lcm__commit(r, &err);
    else
        lcm__rollback(r);
    if (rc == LCM_OK)
        lcm__redirect(r, "/apply");
    else if (rc == LCM_CONSTRAINT || rc == LCM_PARSE) {
        if (rc == LCM_PARSE)
            lcm_net_problem_add(&pr, 0, "", "%s", err.msg);
        apply_page(r, &form, &app, &pr, NULL);
        r->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
    } else
        failed(r, &err);
    lcm_net_problems_release(&pr);
    lcm_net_application_release(&app);
    posted_free(&in);
    lcm_net_form_release(&form);
}

static void attach_post(lcm__req *r) {
    if (!city_user(r) || !lcm__csrf_ok(r))
        return;
    lcm_net_form form;
    lcm_err err = {0};
    if (lcm_net_form_load(lcm_datadir(), &form, &err) != LCM_OK) {
        failed(r, &err);
        return;
    }
    lcm__file *f = lcm__upload_find(r, "file");
    lcm_net_problems pr;
    lcm_net_problems_init(&pr, lang_of(r));
    char name[LCM_NET_ATTACH_NAME], msg[1200] = "";
    lcm_status rc = LCM_OK;
    if (!f || (!f->len && !f->too_big))
        snprintf(msg, sizeof msg, "%s", lcm__say(r, "请选择要上传的文件", "Choose a file"));
    else if (f->too_big)
        snprintf(msg, sizeof msg, "%s",
                 lcm__say(r, "文件过大：不得超过10MB", "Too large: at most 10 MB"));
    else if ((rc = lcm__begin(r, &err)) == LCM_OK) {
        rc = lcm_net_attach(r->db, r->user.place, NULL, f->data, f->len,
                            lcm__say(r, "上传的文件", "the file"), name, &pr, &err);
        if (rc == LCM_OK)
            rc = lcm_audit(r->db, &r->user, "network.attach", name, r->user.place, "", &err);
        if (rc == LCM_OK)
            rc = lcm__commit(r, &err);
        else
            lcm__rollback(r);
        if (rc == LCM_CONSTRAINT && pr.n)
            snprintf(msg, sizeof msg, "%s", pr.items[0].what);
    }
    if (rc == LCM_OK && !msg[0])
        lcm__redirect(r, "/apply");
    else if (rc == LCM_OK || rc == LCM_CONSTRAINT) {
        apply_page(r, &form, NULL, NULL, msg);
        r->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
    } else
        failed(r, &err);
    lcm_net_problems_release(&pr);
    lcm_net_form_release(&form);
}

/* ---- /register: the province and the ministry ----------------------------------------- */

#define REVIEWERS (ROLE(PROVINCE) | ROLE(ADMIN) | ROLE(ANALYST))

static void list_get(lcm__req *r) {
    if (!lcm__need_role(r, REVIEWERS))
        return;
    int province = r->user.role == LCM_ROLE_PROVINCE;
    lcm_net_table t;
    lcm_err err = {0};
    if (lcm_net_list(r->db, NULL, province ? r->user.place : NULL, lang_of(r), &t, &err) !=
        LCM_OK) {
        failed(r, &err);
        return;
    }
    lcm__staff_head(r, lcm__say(r, "学习型城市网络名册", "Network register"), "/register");
    add(r, "<h1>");
    html(r, lcm__say(r, "学习型城市网络申请", "Network applications"));
    add(r, "</h1>");
    if (province) {
        add(r, "<p><a class=\"button\" href=\"/register/summary/");
        html(r, r->user.place);
        add(r, ".xlsx\">");
        html(r, lcm__say(r, "下载推荐城市汇总表（附件3）", "Download the summary (附件3)"));
        add(r, "</a></p>");
    }
    add(r, "<table class=\"register\"><tr>");
    static const char *const keys[] = {"city_code", "city", "province", "status", "applied_on"};
    int col[5];
    for (int k = 0; k < 5; k++) {
        col[k] = -1;
        for (int c = 0; c < t.ncols; c++)
            if (strcmp(t.keys[c], keys[k]) == 0)
                col[k] = c;
        add(r, "<th>");
        html(r, col[k] >= 0 ? t.headers[col[k]] : "");
        add(r, "</th>");
    }
    add(r, "</tr>");
    for (size_t i = 0; i < t.nrows; i++) {
        add(r, "<tr>");
        for (int k = 0; k < 5; k++) {
            const char *cell = col[k] >= 0 ? lcm_net_table_cell(&t, i, col[k]) : "";
            add(r, "<td>");
            if (k == 0) {
                add(r, "<a href=\"/register/");
                html(r, cell);
                add(r, "\">");
            }
            html(r, cell);
            add(r, k == 0 ? "</a></td>" : "</td>");
        }
        add(r, "</tr>");
    }
    add(r, "</table>");
    if (t.nrows == 0) {
        add(r, "<p>");
        html(r, lcm__say(r, "暂无申请", "No applications"));
        add(r, "</p>");
    }
    if (!province) { /* the ministry: each province's 附件3 */
        add(r, "<h2>");
        html(r, lcm__say(r, "各省推荐城市汇总表（附件3）", "Provincial summaries"));
        add(r, "</h2><ul>");
        sqlite3_stmt *st = NULL;
        if (lcm_db_prepare(r->db,
                           "SELECT DISTINCT p.code, p.name FROM network_members m JOIN cities c"
                           " ON c.code = m.city_code JOIN provinces p ON p.code = c.province_code"
                           " WHERE m.recommended_on IS NOT NULL ORDER BY p.code",
                           &st, NULL) == LCM_OK) {
            while (sqlite3_step(st) == SQLITE_ROW) {
                add(r, "<li><a href=\"/register/summary/");
                html(r, (const char *)sqlite3_column_text(st, 0));
                add(r, ".xlsx\">");
                html(r, (const char *)sqlite3_column_text(st, 1));
                add(r, "</a></li>");
            }
            sqlite3_finalize(st);
        }
        add(r, "</ul>");
    }
    lcm__foot(r);
    lcm_net_table_release(&t);
}

static void action_form(lcm__req *r, const char *city, const char *action, const char *field,
                        const char *label_zh, const char *label_en, const char *button_zh,
                        const char *button_en, int danger, const char *err) {
    add(r, "<form method=\"post\" action=\"/register/");
    html(r, city);
    add(r, "\" class=\"action\">");
    lcm__csrf_field(r);
    add(r, "<input type=\"hidden\" name=\"action\" value=\"");
    add(r, action);
    add(r, err ? "\"><div class=\"q has-err\"><label for=\"" : "\"><div class=\"q\"><label for=\"");
    add(r, action);
    add(r, "-");
    add(r, field);
    add(r, "\">");
    html(r, lcm__say(r, label_zh, label_en));
    add(r, "</label>");
    if (err) {
        add(r, "<p class=\"err\">");
        html(r, err);
        add(r, "</p>");
    }
    if (strcmp(field, "year") == 0) {
        char year[8];
        time_t now = time(NULL);
        struct tm tm;
        strftime(year, sizeof year, "%Y", localtime_r(&now, &tm));
        add(r, "<input type=\"text\" inputmode=\"numeric\" id=\"");
        add(r, action);
        add(r, "-year\" name=\"year\" value=\"");
        add(r, year);
        add(r, "\">");
    } else {
        add(r, "<textarea rows=\"3\" id=\"");
        add(r, action);
        add(r, "-");
        add(r, field);
        add(r, "\" name=\"");
        add(r, field);
        add(r, "\" data-max=\"500\"></textarea>");
    }
    add(r, "</div><p><button type=\"submit\" id=\"do-");
    add(r, action);
    add(r, danger ? "\" class=\"danger\">" : "\" class=\"primary\">");
    html(r, lcm__say(r, button_zh, button_en));
    add(r, "</button></p></form>");
}

/* The application of one city, read only, with the actions the user's role may take now. */
static void detail_page(lcm__req *r, const char *city, const char *action_err,
                        const char *err_action) {
    lcm_net_form form;
    lcm_net_state st;
    lcm_err err = {0};
    char name[96], province[3];
    city_info(r, city, name, province);
    if (lcm_net_state_get(r->db, city, &st, &err) != LCM_OK) {
        failed(r, &err);
        return;
    }
    if (!st.status[0]) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "该城市尚未申请", "This city has not applied");
        return;
    }
    if (lcm_net_form_load(lcm_datadir(), &form, &err) != LCM_OK) {
        failed(r, &err);
        return;
    }
    lcm_net_application app = {0};
    lcm_net_app_load(r->db, &form, city, &app, NULL);
    lcm_net_attachment *att = NULL;
    size_t natt = 0;
    lcm_net_attachments(r->db, city, &att, &natt, NULL);
    view v = {&form, &app, NULL, att, natt, 0, city, name};
    char path[64];
    snprintf(path, sizeof path, "/register/%s", city);
    lcm_strbuf_clear(&r->out);
    lcm__staff_head(r, lcm__say(r, "申请审核", "Application"), path);
    add(r, "<p><a href=\"/register\">");
    html(r, lcm__say(r, "返回名册", "Back to the register"));
    add(r, "</a></p><h1>");
    html(r, city);
    add(r, " ");
    html(r, name);
    add(r, "</h1>");
    status_line(r, &st);
    int prov = r->user.role == LCM_ROLE_PROVINCE, admin = r->user.role == LCM_ROLE_ADMIN;
    const char *direct = lcm_net_app_get(&app, "application.direct_join");
    int direct_join = direct && strcmp(direct, "no") != 0;
    if (prov && strcmp(st.status, "applied") == 0) {
        action_form(r, city, "recommend", "opinion", "省级推荐意见", "The province's opinion",
                    "推荐", "Recommend", 0,
                    err_action && !strcmp(err_action, "recommend") ? action_err : NULL);
        action_form(r, city, "return", "comment", "退回修改意见（请写明需修改之处）",
                    "What to correct", "退回修改", "Return for revision", 1,
                    err_action && !strcmp(err_action, "return") ? action_err : NULL);
    }
    if (admin && (strcmp(st.status, "recommended") == 0 ||
                  (strcmp(st.status, "applied") == 0 && direct_join))) {
        action_form(r, city, "admit", "year", "加入年份", "Year of admission", "确定加入", "Admit",
                    0, err_action && !strcmp(err_action, "admit") ? action_err : NULL);
        action_form(r, city, "decline", "reason", "未通过原因", "Reason", "不予通过", "Decline", 1,
                    err_action && !strcmp(err_action, "decline") ? action_err : NULL);
    }
    if (action_err && !err_action) {
        add(r, "<p class=\"err\">");
        html(r, action_err);
        add(r, "</p>");
    }
    add(r, "<h2>");
    html(r, lcm__say(r, "佐证材料", "Evidence files"));
    add(r, "</h2>");
    attachments_list(r, &v);
    add(r, "<div class=\"application\">");
    form_fields(r, &v);
    add(r, "</div>");
    history_table(r, city);
    lcm__foot(r);
    free(att);
    lcm_net_application_release(&app);
    lcm_net_form_release(&form);
}

static int valid_city(const char *s) {
    size_t n = strlen(s);
    return (n == 4 || n == 6) && strspn(s, "0123456789") == n;
}

static void detail_get(lcm__req *r, const char *city) {
    if (!lcm__need_role(r, REVIEWERS) || !lcm__need_city(r, city))
        return;
    detail_page(r, city, NULL, NULL);
}

/* A decision on one city: return or recommend (its province), admit or decline (the
 * ministry's administrator). */
static void detail_post(lcm__req *r, const char *city) {
    if (!lcm__need_role(r, ROLE(PROVINCE) | ROLE(ADMIN)) || !lcm__need_city(r, city) ||
        !lcm__csrf_ok(r))
        return;
    const char *action = lcm_serve_form_get(&r->body, "action");
    const char *text = NULL;
    int prov = r->user.role == LCM_ROLE_PROVINCE;
    const char *cities[] = {city};
    lcm_net_problems pr;
    lcm_err err = {0};
    lcm_net_problems_init(&pr, lang_of(r));
    if (!action || (prov && strcmp(action, "return") && strcmp(action, "recommend")) ||
        (!prov && strcmp(action, "admit") && strcmp(action, "decline"))) {
        lcm__forbidden(r);
        return;
    }
    int year = 0;
    if (!strcmp(action, "admit")) {
        const char *y = lcm_serve_form_get(&r->body, "year");
        year = y && strlen(y) == 4 && strspn(y, "0123456789") == 4 ? atoi(y) : 0;
        if (year < 2023 || year > 2100) {
            detail_page(r, city, lcm__say(r, "请填写加入年份（2023—2100）", "Give the year"),
                        action);
            r->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
            return;
        }
    } else {
        text = lcm_serve_form_get(&r->body, !strcmp(action, "recommend") ? "opinion"
                                            : !strcmp(action, "return")  ? "comment"
                                                                         : "reason");
        while (text && (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t'))
            text++;
        if (!text || !*text || strlen(text) > 4000) {
            detail_page(r, city,
                        !strcmp(action, "recommend")
                            ? lcm__say(r, "请填写推荐意见", "Give the opinion")
                        : !strcmp(action, "return")
                            ? lcm__say(r, "请填写退回修改意见", "Say what to correct")
                            : lcm__say(r, "请填写未通过原因", "Give the reason"),
                        action);
            r->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
            return;
        }
    }
    lcm_status rc = lcm__begin(r, &err);
    if (rc == LCM_OK) {
        if (!strcmp(action, "return"))
            rc = lcm_net_return(r->db, r->user.place, cities, 1, text, r->user.name, &pr, &err);
        else if (!strcmp(action, "recommend"))
            rc = lcm_net_recommend(r->db, r->user.place, cities, 1, text, r->user.name, &pr, &err);
        else if (!strcmp(action, "admit"))
            rc = lcm_net_admit(r->db, cities, 1, year, r->user.name, &pr, &err);
        else
            rc = lcm_net_decline(r->db, cities, 1, text, r->user.name, &pr, &err);
        char action_name[32];
        snprintf(action_name, sizeof action_name, "network.%s", action);
        if (rc == LCM_OK)
            rc = lcm_audit(r->db, &r->user, action_name, city, city, text ? text : "", &err);
        if (rc == LCM_OK)
            rc = lcm__commit(r, &err);
        else
            lcm__rollback(r);
    }
    if (rc == LCM_OK) {
        char path[64];
        snprintf(path, sizeof path, "/register/%s", city);
        lcm__redirect(r, path);
    } else if (rc == LCM_CONSTRAINT && pr.n) { /* changed by someone else meanwhile */
        detail_page(r, city, pr.items[0].what, NULL);
        r->status = MHD_HTTP_CONFLICT;
    } else
        failed(r, &err);
    lcm_net_problems_release(&pr);
}

/* An attachment, to those who see the city: a download with its sniffed type. */
static void file_get(lcm__req *r, const char *city, const char *name) {
    if (!lcm__need_role(r, REVIEWERS | ROLE(CITY)) || !lcm__need_city(r, city))
        return;
    lcm_net_attachment meta;
    unsigned char *data = NULL;
    size_t n = 0;
    lcm_err err = {0};
    lcm_status rc = strlen(name) < LCM_NET_ATTACH_NAME
                        ? lcm_net_attachment_get(r->db, city, name, &meta, &data, &n, &err)
                        : LCM_NOTFOUND;
    if (rc == LCM_NOTFOUND) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "文件不存在", "No such file");
        return;
    }
    if (rc != LCM_OK) {
        failed(r, &err);
        return;
    }
    lcm_strbuf_clear(&r->out);
    lcm_strbuf_add(&r->out, (const char *)data, n);
    free(data);
    static char types[3][20] = {"application/pdf", "image/jpeg", "image/png"};
    r->ctype = !strcmp(meta.mime, types[0])   ? types[0]
               : !strcmp(meta.mime, types[1]) ? types[1]
                                              : types[2];
    /* the name is lcmon's own ([a-z0-9.-]): nothing to quote */
    snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"%s\"", meta.name);
}

/* The province's 附件3, made by the same code as `lcmon network summary --format xlsx`. */
static void summary_get(lcm__req *r, const char *province) {
    if (!lcm__need_role(r, REVIEWERS) || !lcm__need_province(r, province))
        return;
    lcm_net_table t;
    lcm_err err = {0};
    char path[] = "/tmp/lcmon-summary-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        lcm_err_set(&err, LCM_IO, "cannot make a temporary file");
        failed(r, &err);
        return;
    }
    close(fd);
    lcm_net_summary_opts so = {0, LCM_NET_ZH, NULL, NULL, NULL};
    lcm_status rc = lcm_net_summary(r->db, province, 0, LCM_NET_ZH, &t, &err);
    if (rc == LCM_OK) {
        rc = lcm_net_summary_xlsx(r->db, province, &t, &so, path, &err);
        lcm_net_table_release(&t);
    }
    size_t n = 0;
    FILE *fp = rc == LCM_OK ? fopen(path, "rb") : NULL;
    if (rc == LCM_OK && !fp)
        rc = lcm_err_set(&err, LCM_IO, "cannot read the workbook");
    if (fp) {
        char buf[65536];
        lcm_strbuf_clear(&r->out);
        while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
            lcm_strbuf_add(&r->out, buf, n);
        fclose(fp);
    }
    unlink(path);
    if (rc != LCM_OK) {
        failed(r, &err);
        return;
    }
    r->ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"summary-%s.xlsx\"",
             province);
}

int lcm__register_route(lcm__req *r) {
    const char *p = r->path;
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;
    if (strcmp(p, "/apply") == 0 && (get || post)) {
        get ? apply_get(r) : apply_post(r);
        return 1;
    }
    if (strcmp(p, "/apply/attach") == 0 && post) {
        attach_post(r);
        return 1;
    }
    if (strcmp(p, "/register") == 0 && get) {
        list_get(r);
        return 1;
    }
    if (strncmp(p, "/register/", 10) != 0)
        return 0;
    const char *rest = p + 10;
    if (get && strncmp(rest, "summary/", 8) == 0 && strlen(rest) == 15 &&
        strspn(rest + 8, "0123456789") == 2 && strcmp(rest + 10, ".xlsx") == 0) {
        char province[3] = {rest[8], rest[9], 0};
        summary_get(r, province);
        return 1;
    }
    char city[8];
    size_t k = strspn(rest, "0123456789");
    if (k != 4 && k != 6)
        return 0;
    memcpy(city, rest, k);
    city[k] = '\0';
    rest += k;
    if (!valid_city(city))
        return 0;
    if (!*rest && get)
        detail_get(r, city);
    else if (!*rest && post)
        detail_post(r, city);
    else if (*rest == '/' && get &&
             strspn(rest + 1, "abcdefghijklmnopqrstuvwxyz0123456789.-") == strlen(rest + 1))
        file_get(r, city, rest + 1);
    else
        return 0;
    return 1;
}
