/*
 * serve_rate.c - /rate: expert reviewers (评审专家) rate the rating points assigned to them
 * (engine/rating.h, docs/ratings.md "On the web"). A rating's reviewer code is the account's
 * login: `lcmon ratings assign ... --reviewers <logins>`.
 *
 *   GET  /rate                       the cells (city, year, point) assigned to the reviewer:
 *                                    the point's name, their own rating, the cell's progress
 *   GET  /rate/CITY/YEAR/POINT       the rubric's five levels for the point, the reviewer's own
 *                                    rating, everyone's once the cell is complete (exactly what
 *                                    lcm_rating_view_as gives), and the form
 *   POST /rate/CITY/YEAR/POINT       the rating (CSRF): level, optional score, evidence, comment,
 *                                    stored by lcm_rating_record with an audit row; refusals in
 *                                    Chinese beside their field, nothing stored then
 *
 * Reviewers see and rate only the cells assigned to them (another cell is the 403 page).
 * Administrators may open every assigned cell read-only: its counts and the rubric, never a
 * rating (lcm_rating_view_as without a reviewer). Every other role gets 403.
 */
#include "rating.h"
#include "serve_int.h"

#include <math.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATERS (LCM_ROLE_BIT(LCM_ROLE_REVIEWER) | LCM_ROLE_BIT(LCM_ROLE_ADMIN))
#define MAX_COMMENT 2000

/* The reviewer whose ratings the user gives and sees: the login; NULL for an administrator. */
static const char *rater(const lcm__req *r) {
    return r->user.role == LCM_ROLE_REVIEWER ? r->user.login : NULL;
}

static const char *level_name(const lcm__req *r, int level) {
    if (level < 1 || level > LCM_RATING_NLEVEL)
        return "";
    const lcm_rating_level *L = &lcm_rating_levels[level - 1];
    return lcm__say(r, L->zh, L->en);
}

/* "良好 84" */
static void level_score(lcm__req *r, int level, double score) {
    lcm__html(r, level_name(r, level));
    if (!isnan(score))
        lcm_strbuf_addf(&r->out, " %.10g", score);
}

/* "80–90，不含 90" */
static void band(lcm__req *r, int level) {
    const lcm_rating_level *L = &lcm_rating_levels[level - 1];
    lcm_strbuf_addf(&r->out, "%g–%g", L->lo, L->hi);
    if (level != 1)
        lcm_strbuf_addf(&r->out, "%s%g", lcm__say(r, "，不含 ", ", excluding "), L->hi);
}

static void cell_path(char *out, size_t cap, const lcm_rating_cell *c) {
    snprintf(out, cap, "/rate/%s/%d/%s", c->city, c->year, c->point);
}

/* <table class="cls"> with its header row: head[2 * k] Chinese, head[2 * k + 1] English. */
static void table_head(lcm__req *r, const char *cls, const char *const *head, int ncol) {
    lcm_strbuf_addf(&r->out, "<table class=\"%s\"><thead><tr>", cls);
    for (int k = 0; k < ncol; k++) {
        lcm_strbuf_adds(&r->out, "<th>");
        lcm__say_html(r, head[2 * k], head[2 * k + 1]);
        lcm_strbuf_adds(&r->out, "</th>");
    }
    lcm_strbuf_adds(&r->out, "</tr></thead><tbody>");
}

/* ---- GET /rate ------------------------------------------------------------------------- */

static void list_get(lcm__req *r) {
    lcm_err err = {0};
    lcm_rating_task *t = NULL;
    size_t n = 0;
    if (lcm_rating_tasks(r->db, rater(r), &t, &n, &err) != LCM_OK) {
        lcm__failed(r, &err);
        return;
    }
    const char *title = lcm__say(r, "专家评分", "Expert ratings");
    lcm__staff_head(r, title, "/rate");
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<h1>");
    lcm__html(r, title);
    lcm_strbuf_adds(o, "</h1><p>");
    lcm__say_html(r,
                  rater(r)
                      ? "以下是指派给您的评分任务。全部指派专家评分后，才能看到其他专家的评分。"
                      : "管理员只能查看评分进度，不能查看或提交评分。",
                  rater(r) ? "The cells assigned to you. Other reviewers' ratings show once every "
                             "assigned reviewer has rated."
                           : "Administrators see the progress only, never the ratings.");
    lcm_strbuf_adds(o, "</p>");
    if (!n) {
        lcm_strbuf_adds(o, "<p class=\"empty\">");
        lcm__say_html(r, "暂无评分任务", "Nothing assigned");
        lcm_strbuf_adds(o, "</p>");
    } else {
        static const char *const head[] = {"城市",   "City",         "年份",     "Year",
                                           "监测点", "Rating point", "我的评分", "My rating",
                                           "进度",   "Progress",     "",         ""};
        table_head(r, "data rate", head, 6);
    }
    for (size_t i = 0; i < n; i++) {
        lcm_rating_cell c = {t[i].city, t[i].year, t[i].point};
        lcm_rating_view v;
        if (lcm_rating_view_as(r->db, &c, rater(r), &v, &err) != LCM_OK) {
            lcm_rating_tasks_free(t, n);
            lcm__failed(r, &err);
            return;
        }
        char path[160];
        cell_path(path, sizeof path, &c);
        /* view_as lists one's own rating first */
        const lcm_rating_seen *mine =
            rater(r) && v.n && strcmp(v.row[0].reviewer, rater(r)) == 0 ? &v.row[0] : NULL;
        lcm_strbuf_adds(o, "<tr><td>");
        lcm__html(r, t[i].city_name);
        lcm_strbuf_addf(o, "</td><td>%d</td><td>", t[i].year);
        lcm__html(r, t[i].point);
        lcm_strbuf_adds(o, " ");
        lcm__html(r, t[i].point_name);
        lcm_strbuf_adds(o, "</td><td class=\"mine\">");
        if (mine)
            level_score(r, mine->level, mine->score);
        else if (rater(r))
            lcm__say_html(r, "未评", "not rated");
        lcm_strbuf_adds(o, "</td><td class=\"progress\">");
        lcm_strbuf_addf(o, "%s %zu / %zu %s", lcm__say(r, "已评", "rated"), v.rated, v.assigned,
                        lcm__say(r, "位专家", "reviewers"));
        lcm_strbuf_adds(o, "，");
        lcm__say_html(r, v.complete ? "已完成" : "评审中", v.complete ? "complete" : "in progress");
        lcm_strbuf_adds(o, "</td><td><a href=\"");
        lcm__html(r, path);
        lcm_strbuf_adds(o, "\">");
        lcm__say_html(r, rater(r) ? (mine ? "修改" : "评分") : "查看",
                      rater(r) ? (mine ? "Change" : "Rate") : "View");
        lcm_strbuf_adds(o, "</a></td></tr>");
        lcm_rating_view_free(&v);
    }
    if (n)
        lcm_strbuf_adds(o, "</tbody></table>");
    lcm_rating_tasks_free(t, n);
    lcm__foot(r);
}

/* ---- GET /rate/CITY/YEAR/POINT ---------------------------------------------------------- */

/* What the form shows: the values posted (after a refusal) and the refusals by field. */
typedef struct posted {
    int level;
    const char *score, *evidence, *comment;
    const char *bad_level, *bad_score, *bad_evidence, *bad_comment;
    char score_msg[200];
} posted;

/* A material as the Chinese page names it: the application form's label of the field, the
 * statistic's point and name. */
static void material_text(lcm__req *r, const struct lcm_net_form *form, const char *evidence,
                          const char *label) {
    static const char app[] = "application:", stat[] = "stat:";
    if (strncmp(evidence, app, sizeof app - 1) == 0) {
        const char *field = evidence + sizeof app - 1;
        const char *l = lcm__app_field_label(form, field, strcmp(r->sess.lang, "en") == 0);
        lcm__say_html(r, "申报材料：", "Application: ");
        lcm__html(r, l ? l : field);
    } else if (strncmp(evidence, stat, sizeof stat - 1) == 0) {
        lcm__say_html(r, "统计数据：", "Statistic: ");
        lcm__html(r, evidence + sizeof stat - 1);
        if (label) {
            lcm_strbuf_adds(&r->out, " ");
            lcm__html(r, label);
        }
    } else
        lcm__html(r, evidence);
}

static const char *label_of(const lcm_rating_material *m, size_t n, const char *evidence) {
    for (size_t i = 0; evidence && i < n; i++)
        if (strcmp(m[i].evidence, evidence) == 0)
            return m[i].label;
    return NULL;
}

static void problem(lcm__req *r, const char *text) {
    if (!text)
        return;
    lcm_strbuf_adds(&r->out, " <span class=\"problem\">");
    lcm__html(r, text);
    lcm_strbuf_adds(&r->out, "</span>");
}

static void rating_form(lcm__req *r, const char *path, const posted *p,
                        const lcm_rating_material *m, size_t nm, const struct lcm_net_form *form) {
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<h2>");
    lcm__say_html(r, "我的评分", "My rating");
    lcm_strbuf_adds(o, "</h2><form method=\"post\" class=\"rating\" action=\"");
    lcm__html(r, path);
    lcm_strbuf_adds(o, "\">");
    lcm__csrf_field(r);
    lcm_strbuf_adds(o, "<fieldset id=\"f-level\"><legend>");
    lcm__say_html(r, "等级（必选）", "Level (required)");
    lcm_strbuf_adds(o, "</legend>");
    problem(r, p->bad_level);
    for (int l = 1; l <= LCM_RATING_NLEVEL; l++) {
        lcm_strbuf_addf(o, "<label><input type=\"radio\" name=\"level\" value=\"%d\"%s required> ",
                        l, p->level == l ? " checked" : "");
        lcm__html(r, level_name(r, l));
        lcm_strbuf_adds(o, "（");
        band(r, l);
        lcm_strbuf_adds(o, "）</label> ");
    }
    lcm_strbuf_adds(o, "</fieldset><p id=\"f-score\"><label>");
    lcm__say_html(r, "分数（可不填，不填按该等级的默认分数计）",
                  "Score (optional: the level's default)");
    lcm_strbuf_adds(o, " <input name=\"score\" inputmode=\"decimal\" size=\"6\" value=\"");
    lcm__html(r, p->score);
    lcm_strbuf_adds(o, "\"></label>");
    problem(r, p->bad_score);
    lcm_strbuf_adds(o, "</p><p id=\"f-evidence\"><label>");
    lcm__say_html(r, "评分依据（必选）", "Evidence (required)");
    lcm_strbuf_adds(o, " <select name=\"evidence\" required><option value=\"\">");
    lcm__say_html(r, "请选择", "Choose");
    lcm_strbuf_adds(o, "</option>");
    for (size_t i = 0; i < nm; i++) {
        lcm_strbuf_adds(o, "<option value=\"");
        lcm__html(r, m[i].evidence);
        lcm_strbuf_adds(o, "\"");
        if (p->evidence && strcmp(p->evidence, m[i].evidence) == 0)
            lcm_strbuf_adds(o, " selected");
        lcm_strbuf_adds(o, ">");
        material_text(r, form, m[i].evidence, m[i].label);
        lcm_strbuf_adds(o, "</option>");
    }
    lcm_strbuf_adds(o, "</select></label>");
    if (!nm) {
        lcm_strbuf_adds(o, " ");
        lcm__say_html(r, "（库中没有该城市该年度的材料，暂不能评分）",
                      "(no material of the city and year is stored: nothing to rate on yet)");
    }
    problem(r, p->bad_evidence);
    lcm_strbuf_adds(o, "</p><p id=\"f-comment\"><label>");
    lcm__say_html(r, "意见", "Comment");
    lcm_strbuf_addf(o, " <textarea name=\"comment\" rows=\"3\" maxlength=\"%d\">", MAX_COMMENT);
    lcm__html(r, p->comment);
    lcm_strbuf_adds(o, "</textarea></label>");
    problem(r, p->bad_comment);
    lcm_strbuf_adds(o, "</p><p><button type=\"submit\">");
    lcm__say_html(r, "保存评分", "Save the rating");
    lcm_strbuf_adds(o, "</button></p></form>");
}

static void ratings_table(lcm__req *r, const lcm_rating_view *v, const lcm_rating_material *m,
                          size_t nm, const struct lcm_net_form *form) {
    lcm_strbuf *o = &r->out;
    static const char *const head[] = {"专家",  "Reviewer", "等级",     "Level", "分数",
                                       "Score", "评分依据", "Evidence", "意见",  "Comment"};
    table_head(r, "data ratings", head, 5);
    for (size_t i = 0; i < v->n; i++) {
        const lcm_rating_seen *s = &v->row[i];
        lcm_strbuf_adds(o, "<tr class=\"rating\"><td>");
        lcm__html(r, s->reviewer);
        lcm_strbuf_adds(o, "</td><td>");
        lcm__html(r, level_name(r, s->level));
        lcm_strbuf_addf(o, "</td><td class=\"num\">%.10g</td><td>", s->score);
        if (s->evidence)
            material_text(r, form, s->evidence, label_of(m, nm, s->evidence));
        lcm_strbuf_adds(o, "</td><td>");
        lcm__html(r, s->comment);
        lcm_strbuf_adds(o, "</td></tr>");
    }
    lcm_strbuf_adds(o, "</tbody></table>");
}

/* The cell's page; p NULL: the form shows the reviewer's own rating. */
static void cell_page(lcm__req *r, const lcm_rating_cell *c, unsigned status, const posted *p) {
    lcm_err err = {0};
    lcm_rating_view v;
    lcm_status st = lcm_rating_view_as(r->db, c, rater(r), &v, &err);
    if (st == LCM_NOTFOUND || st == LCM_INVAL) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "页面不存在", "Page not found");
        return;
    }
    if (st == LCM_CONSTRAINT || (st == LCM_OK && v.assigned == 0)) {
        /* not assigned to this reviewer; nobody assigned: not a cell of this page */
        if (st == LCM_OK)
            lcm_rating_view_free(&v);
        lcm__forbidden(r);
        return;
    }
    if (st != LCM_OK) {
        lcm__failed(r, &err);
        return;
    }
    lcm_rating_task *t = NULL;
    lcm_rating_material *m = NULL;
    size_t nt = 0, nm = 0;
    lcm_rubric rub = {0};
    struct lcm_net_form *form = lcm__app_form_load();
    if (lcm_rating_tasks(r->db, rater(r), &t, &nt, &err) != LCM_OK ||
        lcm_rating_materials(r->db, c, &m, &nm, &err) != LCM_OK ||
        lcm_rubric_load_shipped(r->db, &rub, &err) != LCM_OK) {
        lcm_rating_view_free(&v);
        lcm_rating_tasks_free(t, nt);
        lcm_rating_materials_free(m, nm);
        lcm__app_form_free(form);
        lcm__failed(r, &err);
        return;
    }
    const lcm_rating_task *task = NULL;
    for (size_t i = 0; i < nt && !task; i++)
        if (t[i].year == c->year && strcmp(t[i].city, c->city) == 0 &&
            strcmp(t[i].point, c->point) == 0)
            task = &t[i];
    char path[160], title[400];
    cell_path(path, sizeof path, c);
    snprintf(title, sizeof title, "%s %d %s %s", task ? task->city_name : c->city, c->year,
             c->point, task ? task->point_name : "");
    lcm_strbuf *o = &r->out;
    r->status = status;
    lcm_strbuf_clear(o);
    lcm__staff_head(r, title, path);
    lcm_strbuf_adds(o, "<p><a href=\"/rate\">");
    lcm__say_html(r, "← 专家评分", "← Expert ratings");
    lcm_strbuf_adds(o, "</a></p><h1>");
    lcm__html(r, title);
    lcm_strbuf_adds(o, "</h1><p class=\"progress\">");
    lcm_strbuf_addf(o, "%s %zu / %zu %s", lcm__say(r, "已评", "Rated by"), v.rated, v.assigned,
                    lcm__say(r, "位专家", "reviewers"));
    lcm_strbuf_adds(o, "，");
    lcm__say_html(r, v.complete ? "评分已完成" : "评审中：全部指派专家评分后才显示其他专家的评分",
                  v.complete
                      ? "complete"
                      : "in progress: other reviewers' ratings show once every assigned reviewer "
                        "has rated");
    lcm_strbuf_adds(o, "</p>");
    if (p && (p->bad_level || p->bad_score || p->bad_evidence || p->bad_comment)) {
        lcm_strbuf_adds(o, "<p class=\"problem\">");
        lcm__say_html(r, "评分未保存，请更正下面标出的内容。",
                      "Not saved: correct what is marked below.");
        lcm_strbuf_adds(o, "</p>");
    }
    /* the rubric */
    lcm_strbuf_adds(o, "<h2>");
    lcm__say_html(r, "评分标准", "Rubric");
    lcm_strbuf_adds(o, "</h2>");
    static const char *const rubric_head[] = {"等级", "Level", "分数段",
                                              "Band", "描述",  "Descriptor"};
    table_head(r, "data rubric", rubric_head, 3);
    for (int l = 1; l <= LCM_RATING_NLEVEL; l++) {
        const lcm_rubric_row *row = lcm_rubric_find(&rub, c->point, l);
        lcm_strbuf_adds(o, "<tr><td>");
        lcm__html(r, level_name(r, l));
        lcm_strbuf_adds(o, "</td><td>");
        band(r, l);
        lcm_strbuf_adds(o, "</td><td>");
        lcm__html(r, row ? row->descriptor : "");
        lcm_strbuf_adds(o, "</td></tr>");
    }
    lcm_strbuf_adds(o, "</tbody></table>");
    const lcm_rating_seen *mine =
        rater(r) && v.n && strcmp(v.row[0].reviewer, rater(r)) == 0 ? &v.row[0] : NULL;
    if (v.complete && v.n) {
        lcm_strbuf_adds(o, "<h2>");
        lcm__say_html(r, "全部专家的评分", "Every reviewer's rating");
        lcm_strbuf_adds(o, "</h2>");
        ratings_table(r, &v, m, nm, form);
    } else if (mine) {
        lcm_strbuf_adds(o, "<h2>");
        lcm__say_html(r, "已保存的评分", "Saved rating");
        lcm_strbuf_adds(o, "</h2>");
        lcm_rating_view one = {.row = (lcm_rating_seen *)mine, .n = 1};
        ratings_table(r, &one, m, nm, form);
    }
    if (rater(r)) {
        posted own = {0};
        char score[40] = "";
        if (!p && mine) {
            snprintf(score, sizeof score, "%.10g", mine->score);
            own.level = mine->level, own.score = score, own.evidence = mine->evidence;
            own.comment = mine->comment;
        }
        rating_form(r, path, p ? p : &own, m, nm, form);
    }
    lcm_rating_view_free(&v);
    lcm_rating_tasks_free(t, nt);
    lcm_rating_materials_free(m, nm);
    lcm_rubric_free(&rub);
    lcm__app_form_free(form);
    lcm__foot(r);
}

/* ---- POST /rate/CITY/YEAR/POINT --------------------------------------------------------- */

int lcm__rate_parse_score(const char *s, double *v) {
    *v = NAN;
    while (s && (*s == ' ' || *s == '\t'))
        s++;
    if (!s || !*s)
        return 1;
    char *end = NULL;
    double d = strtod(s, &end);
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    if (end == s || !end || *end || !isfinite(d))
        return 0;
    *v = d;
    return 1;
}

static void rate_post(lcm__req *r, const lcm_rating_cell *c) {
    if (!lcm__csrf_ok(r))
        return;
    if (!rater(r)) { /* administrators read only */
        lcm__forbidden(r);
        return;
    }
    lcm_err err = {0};
    lcm_rating_view v;
    lcm_status st = lcm_rating_view_as(r->db, c, rater(r), &v, &err);
    if (st == LCM_OK) {
        size_t assigned = v.assigned;
        lcm_rating_view_free(&v);
        if (!assigned)
            st = LCM_CONSTRAINT;
    }
    if (st != LCM_OK) { /* the page says which: 404, 403 or 500 */
        cell_page(r, c, MHD_HTTP_OK, NULL);
        return;
    }
    posted p = {0};
    const char *level = lcm_serve_form_get(&r->body, "level");
    p.level = level ? lcm_rating_level_parse(level) : 0;
    p.score = lcm_serve_form_get(&r->body, "score");
    p.evidence = lcm_serve_form_get(&r->body, "evidence");
    p.comment = lcm_serve_form_get(&r->body, "comment");
    double score = NAN;
    if (!p.level)
        p.bad_level = lcm__say(r, "请选择等级", "Choose a level");
    if (!lcm__rate_parse_score(p.score, &score))
        p.bad_score = lcm__say(r, "分数须为 0–100 的数字", "The score must be a number 0-100");
    else if (p.level && lcm_rating_check_score(p.level, &score, &err) != LCM_OK) {
        const lcm_rating_level *L = &lcm_rating_levels[p.level - 1];
        if (strcmp(r->sess.lang, "en") == 0)
            snprintf(p.score_msg, sizeof p.score_msg,
                     "score %g is outside the band of %s (%g-%g%s)", score, L->en, L->lo, L->hi,
                     p.level == 1 ? "" : ", upper end excluded");
        else if (p.level == 1)
            snprintf(p.score_msg, sizeof p.score_msg, "分数 %g 不在“%s”的分数段（%g–%g）内", score,
                     L->zh, L->lo, L->hi);
        else
            snprintf(p.score_msg, sizeof p.score_msg,
                     "分数 %g 不在“%s”的分数段（%g–%g，不含 %g）内", score, L->zh, L->lo, L->hi,
                     L->hi);
        p.bad_score = p.score_msg;
    }
    if (!p.evidence || !*p.evidence)
        p.bad_evidence = lcm__say(r, "请选择评分依据", "Choose the evidence");
    else if (lcm_rating_check_evidence(r->db, c, p.evidence, &err) != LCM_OK)
        p.bad_evidence = lcm__say(r, "库中没有该城市（该年度）的这项材料",
                                  "No such material is stored for the city (and year)");
    size_t chars = 0; /* characters, as the textarea's maxlength counts them */
    for (const char *q = p.comment; q && *q; q++)
        chars += ((unsigned char)*q & 0xC0) != 0x80;
    if (chars > MAX_COMMENT)
        p.bad_comment = lcm__say(r, "意见不能超过 2000 字", "The comment is too long");
    if (p.bad_level || p.bad_score || p.bad_evidence || p.bad_comment) {
        cell_page(r, c, MHD_HTTP_BAD_REQUEST, &p);
        return;
    }
    lcm_rating_entry e = {rater(r), p.level, score, p.evidence,
                          p.comment && *p.comment ? p.comment : NULL};
    char object[160], detail[200];
    snprintf(object, sizeof object, "%s/%d/%s", c->city, c->year, c->point);
    snprintf(detail, sizeof detail, "level=%d score=%g evidence=%s", p.level, score, p.evidence);
    if ((st = lcm__begin(r, &err)) == LCM_OK) {
        st = lcm_rating_record(r->db, c, &e, &err);
        if (st == LCM_OK)
            st = lcm_audit(r->db, &r->user, "rating.record", object, c->city, detail, &err);
        if (st == LCM_OK)
            st = lcm__commit(r, &err);
        else
            lcm__rollback(r);
    }
    if (st == LCM_CONSTRAINT) { /* changed meanwhile (assignment): say so, store nothing */
        lcm__message(r, MHD_HTTP_CONFLICT, "评分未保存：评分任务已变更，请返回重试",
                     "Not saved: the assignment changed; go back and try again");
        return;
    }
    if (st != LCM_OK) {
        lcm__failed(r, &err);
        return;
    }
    char path[160];
    cell_path(path, sizeof path, c);
    r->status = MHD_HTTP_SEE_OTHER;
    lcm__redirect(r, path);
}

int lcm__rate_parse_path(const char *path, char city[16], int *year, char point[16]) {
    static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    if (strncmp(path, "/rate/", 6) != 0)
        return 0;
    const char *p = path + 6;
    size_t k = strspn(p, alnum);
    if (k == 0 || k > 15 || p[k] != '/')
        return 0;
    memcpy(city, p, k);
    city[k] = '\0';
    p += k + 1;
    if (strspn(p, "0123456789") != 4 || p[4] != '/')
        return 0;
    *year = atoi(p);
    p += 5;
    k = strspn(p, "0123456789.");
    if (k == 0 || k > 15 || p[k])
        return 0;
    memcpy(point, p, k);
    point[k] = '\0';
    return 1;
}

int lcm__rate_route(lcm__req *r) {
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;
    int list = strcmp(r->path, "/rate") == 0;
    if ((!list && strncmp(r->path, "/rate/", 6) != 0) || (!get && !post))
        return 0;
    char city[16], point[16];
    int year = 0;
    if (!list && !lcm__rate_parse_path(r->path, city, &year, point))
        return 0; /* the 404 */
    if (!lcm__need_role(r, RATERS))
        return 1;
    lcm_rating_cell c = {city, year, point};
    if (list && get)
        list_get(r);
    else if (list)
        lcm__message(r, MHD_HTTP_METHOD_NOT_ALLOWED, "不支持的请求", "Method not allowed");
    else if (get)
        cell_page(r, &c, MHD_HTTP_OK, NULL);
    else
        rate_post(r, &c);
    return 1;
}
