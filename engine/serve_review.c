/*
 * serve_review.c - /review: a city coordinator's review of the interviews `lcmon serve`
 * collected in the city (engine/review.h, docs/review.md), and the interviewer's side of
 * it on /i/a: the interviews returned with issues, their comment, and editing one to
 * resubmit it.
 *
 *   GET  /review                  the city's interviews with their paradata (?state=S;
 *                                 administrators: ?city=C, every city without)
 *   GET  /review/i?id=INSTANCE    one interview: paradata, answers (read only), history, and
 *                                 the decision: approve, has issues (comment required), reject
 *   POST /review/i                the decision (CSRF), with an audit row naming the reviewer
 *   POST /review/edit             the interviewer opens an interview with issues to edit it
 *
 * City coordinators (LCM_ROLE_CITY) see their own city only: another city's interview is
 * the 403 page, as its list is. Administrators see every city and may reopen a decision.
 */
#include "review.h"
#include "serve_int.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REVIEWERS (LCM_ROLE_BIT(LCM_ROLE_CITY) | LCM_ROLE_BIT(LCM_ROLE_ADMIN))

static void html(lcm__req *r, const char *s) {
    lcm_serve_html(&r->out, s ? s : "");
}

static void say(lcm__req *r, const char *zh, const char *en) {
    html(r, lcm__say(r, zh, en));
}

static void failed(lcm__req *r, const lcm_err *err) {
    fprintf(stderr, "lcmon: serve: %s\n", err->msg);
    lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器出错，请稍后再试",
                 "The server failed; please try again later");
}

static const char *state_en(lcm_review_state s) {
    static const char *const en[] = {"received", "approved", "has issues", "rejected",
                                     "resubmitted"};
    return (unsigned)s < LCM_REVIEW_NSTATES ? en[s] : "";
}

static void state_text(lcm__req *r, lcm_review_state s) {
    lcm_strbuf_addf(&r->out, "<span class=\"state st-%s\">", lcm_review_state_code(s));
    say(r, lcm_review_state_label(s), state_en(s));
    lcm_strbuf_adds(&r->out, "</span>");
}

static void duration(lcm__req *r, long long ms) {
    long long s = (ms + 500) / 1000;
    if (s >= 60)
        lcm_strbuf_addf(&r->out, "%lld %s %lld %s", s / 60, lcm__say(r, "分", "min"), s % 60,
                        lcm__say(r, "秒", "s"));
    else
        lcm_strbuf_addf(&r->out, "%lld %s", s, lcm__say(r, "秒", "s"));
}

/* A city by its name (its code when the reference data has none). */
static void city_text(lcm__req *r, const char *code) {
    sqlite3_stmt *st;
    const char *name = NULL;
    int en = strcmp(r->sess.lang, "en") == 0;
    if (lcm_db_prepare_cached(r->db,
                              en ? "SELECT coalesce(name_en, name) FROM cities WHERE code = ?1"
                                 : "SELECT name FROM cities WHERE code = ?1",
                              &st, NULL) == LCM_OK) {
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW)
            name = (const char *)sqlite3_column_text(st, 0);
        html(r, name && *name ? name : code);
        sqlite3_reset(st);
    } else
        html(r, code);
}

static void id_link(lcm__req *r, const char *instance_id) {
    lcm_strbuf_adds(&r->out, "<a href=\"/review/i?id=");
    lcm__url_encode(&r->out, instance_id);
    lcm_strbuf_adds(&r->out, "\">");
}

/* ---- the list ------------------------------------------------------------------------ */

static void list_get(lcm__req *r) {
    if (!lcm__need_role(r, REVIEWERS))
        return;
    const char *city = lcm_serve_form_get(&r->query, "city");
    const char *state_s = lcm_serve_form_get(&r->query, "state");
    if (r->user.role == LCM_ROLE_CITY) {
        if (city && *city && !lcm__need_city(r, city))
            return;
        city = r->user.place;
    }
    lcm_review_query q = {.city = city, .state = -1};
    lcm_review_state st;
    if (state_s && *state_s && lcm_review_state_parse(state_s, &st))
        q.state = (int)st;
    lcm_review *v = NULL;
    size_t n = 0;
    lcm_err err = {0};
    if (lcm_review_list(r->db, &q, &v, &n, &err) != LCM_OK) {
        failed(r, &err);
        return;
    }
    lcm_strbuf *o = &r->out;
    const char *title = lcm__say(r, "问卷审核", "Review of interviews");
    lcm__staff_head(r, title, "/review");
    lcm_strbuf_adds(o, "<h1>");
    html(r, title);
    if (city && *city) {
        lcm_strbuf_adds(o, " · ");
        city_text(r, city);
    }
    lcm_strbuf_adds(o, "</h1><p class=\"filter\">");
    for (int k = -1; k < LCM_REVIEW_NSTATES; k++) {
        lcm_strbuf_adds(o, "<a href=\"/review");
        const char *sep = "?";
        if (r->user.role != LCM_ROLE_CITY && city && *city) {
            lcm_strbuf_adds(o, "?city=");
            lcm__url_encode(o, city);
            sep = "&amp;";
        }
        if (k >= 0)
            lcm_strbuf_addf(o, "%sstate=%s", sep, lcm_review_state_code((lcm_review_state)k));
        lcm_strbuf_addf(o, "\"%s>", k == q.state ? " aria-current=\"page\"" : "");
        if (k < 0)
            say(r, "全部", "all");
        else
            say(r, lcm_review_state_label((lcm_review_state)k), state_en((lcm_review_state)k));
        lcm_strbuf_adds(o, "</a> ");
    }
    lcm_strbuf_adds(o, "</p>");
    if (n == 0) {
        lcm_strbuf_adds(o, "<p id=\"none\">");
        say(r, "没有需要显示的问卷。", "No interviews to show.");
        lcm_strbuf_adds(o, "</p>");
    } else {
        lcm_strbuf_adds(o, "<table class=\"reviews\"><thead><tr>");
        static const char *const heads[][2] = {{"提交时间（北京时间）", "Submitted (Beijing time)"},
                                               {"城市", "City"},
                                               {"访问员", "Interviewer"},
                                               {"住户", "Household"},
                                               {"用时", "Time"},
                                               {"页数", "Pages"},
                                               {"回退", "Back"},
                                               {"状态", "State"},
                                               {"意见", "Comment"},
                                               {"操作", "Open"}};
        for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
            lcm_strbuf_adds(o, "<th>");
            say(r, heads[i][0], heads[i][1]);
            lcm_strbuf_adds(o, "</th>");
        }
        lcm_strbuf_adds(o, "</tr></thead><tbody>");
    }
    for (size_t i = 0; i < n; i++) {
        char when[LCM__TIME_SIZE];
        lcm_strbuf_adds(o, "<tr id=\"r-");
        html(r, v[i].instance_id);
        lcm_strbuf_adds(o, "\"><td>");
        html(r, lcm__shown_time(v[i].submitted_at, when));
        lcm_strbuf_adds(o, "</td><td>");
        city_text(r, v[i].city);
        lcm_strbuf_adds(o, "</td><td>");
        html(r, v[i].interviewer);
        lcm_strbuf_adds(o, "</td><td>");
        html(r, v[i].household_id);
        lcm_strbuf_adds(o, "</td><td>");
        duration(r, v[i].duration_ms);
        lcm_strbuf_addf(o, "</td><td>%ld</td><td>%ld</td><td>", v[i].pages, v[i].backs);
        state_text(r, v[i].state);
        if (v[i].duplicate_of[0]) {
            lcm_strbuf_adds(o, " <span class=\"flag\">");
            say(r, "答案与另一份相同", "same answers as another");
            lcm_strbuf_adds(o, "</span>");
        }
        lcm_strbuf_adds(o, "</td><td>");
        html(r, v[i].comment);
        lcm_strbuf_adds(o, "</td><td>");
        id_link(r, v[i].instance_id);
        say(r, "查看", "Open");
        lcm_strbuf_adds(o, "</a></td></tr>");
    }
    if (n)
        lcm_strbuf_adds(o, "</tbody></table>");
    lcm_review_free(v, n);
    lcm__foot(r);
}

/* ---- one interview ------------------------------------------------------------------- */

static void choice_labels(lcm__req *r, const lcm_form *f, size_t li, const lcm_field *fd,
                          const char *v) {
    int first = 1;
    for (size_t k = 0; k < fd->list->n; k++) {
        const lcm_choice *ch = &fd->list->items[k];
        size_t len = strlen(ch->name);
        int has = 0; /* a code among the space-separated codes of v */
        for (const char *p = v; (p = strstr(p, ch->name)) != NULL; p += len)
            if ((p == v || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' ')) {
                has = 1;
                break;
            }
        if (!has)
            continue;
        if (!first)
            lcm_strbuf_adds(&r->out, "；");
        const char *label = lcm_form_text(f, ch->label, li);
        html(r, label && *label ? label : ch->name);
        first = 0;
    }
    if (first)
        html(r, v);
}

/* One answer as shown: a place by its name, choices by their labels, else the text. */
static void answer_cell(lcm__req *r, const lcm__sform *sf, const lcm_instance *in, size_t li, int i,
                        const char *a) {
    const lcm_field *fd = lcm_form_field(sf->f, (size_t)i);
    if (sf->place[i] != LCM__PLACE_NONE) {
        lcm__place *pl = NULL;
        size_t n = 0;
        int par = sf->place_parent[i];
        const char *name = a;
        if (lcm__places(r, sf->place[i], par >= 0 ? lcm_instance_get(in, par, 0) : NULL, &pl, &n,
                        NULL) == LCM_OK)
            for (size_t k = 0; k < n; k++)
                if (strcmp(pl[k].code, a) == 0)
                    name = pl[k].name;
        html(r, name);
        free(pl);
    } else if (fd->list)
        choice_labels(r, sf->f, li, fd, a);
    else
        html(r, a);
}

/* A question the page lists: asked (not a calculation, a note or the device's metadata),
 * with a label, answered. */
static int listed(const lcm_form *f, size_t li, const lcm_field *fd, const char *a) {
    const char *label = lcm_form_text(f, fd->label, li);
    return fd->column && fd->type != LCM_FT_CALCULATE && fd->type != LCM_FT_NOTE &&
           fd->type < LCM_FT_START && label && *label && a && *a;
}

/* The stored answers of the interview, read only: every question with an answer, under
 * its group's or repeat row's heading. */
static void answers(lcm__req *r, const lcm_review *v) {
    lcm__sform *sf = NULL;
    lcm_instance *in = NULL;
    lcm_err err = {0};
    lcm_strbuf *o = &r->out;
    if (lcm__sform_get(r, v->form_id, v->form_version, &sf, &err) != LCM_OK ||
        lcm_instance_load(r->db, sf->f, v->instance_id, &in, &err) != LCM_OK) {
        fprintf(stderr, "lcmon: serve: %s\n", err.msg);
        lcm_strbuf_adds(o, "<p class=\"err\">");
        say(r, "无法读取这份问卷的回答", "The answers cannot be read");
        lcm_strbuf_adds(o, "</p>");
        return;
    }
    const lcm_form *f = sf->f;
    size_t li = lcm_form_lang_index(f, r->sess.lang);
    size_t nf = lcm_form_nfields(f);
    lcm_strbuf_adds(o, "<section class=\"answers\" id=\"answers\"><h2>");
    say(r, "回答", "Answers");
    lcm_strbuf_adds(o, "</h2><dl>");
    for (size_t i = 0; i < nf; i++) {
        const lcm_field *fd = lcm_form_field(f, i);
        if (fd->type == LCM_FT_BEGIN_REPEAT) {
            long rows = lcm_instance_rows(in, (int)i);
            for (long row = 1; row <= rows; row++) {
                lcm_strbuf_adds(o, "</dl><h3>");
                const char *label = lcm_form_text(f, fd->label, li);
                html(r, label && *label ? label : fd->name);
                lcm_strbuf_addf(o, " %ld</h3><dl>", row);
                for (size_t j = i + 1; j < (size_t)fd->end; j++) {
                    const lcm_field *q = lcm_form_field(f, j);
                    const char *a =
                        q->column && q->repeat == (int)i ? lcm_instance_get(in, (int)j, row) : NULL;
                    if (!listed(f, li, q, a))
                        continue;
                    lcm_strbuf_adds(o, "<dt>");
                    html(r, lcm_form_text(f, q->label, li));
                    lcm_strbuf_adds(o, "</dt><dd>");
                    answer_cell(r, sf, in, li, (int)j, a);
                    lcm_strbuf_adds(o, "</dd>");
                }
            }
            i = (size_t)fd->end;
            continue;
        }
        if (!fd->column || fd->repeat >= 0)
            continue;
        const char *a = lcm_instance_get(in, (int)i, 0);
        if (!listed(f, li, fd, a))
            continue;
        lcm_strbuf_adds(o, "<dt>");
        html(r, lcm_form_text(f, fd->label, li));
        lcm_strbuf_adds(o, "</dt><dd>");
        answer_cell(r, sf, in, li, (int)i, a);
        lcm_strbuf_adds(o, "</dd>");
    }
    lcm_strbuf_adds(o, "</dl></section>");
    lcm_instance_free(in);
}

static void history(lcm__req *r, const char *instance_id) {
    sqlite3_stmt *st = NULL;
    lcm_strbuf *o = &r->out;
    if (lcm_db_prepare(r->db,
                       "SELECT at, to_state, comment, who FROM submission_review_history"
                       " WHERE instance_id = ?1 ORDER BY id",
                       &st, NULL) != LCM_OK)
        return;
    sqlite3_bind_text(st, 1, instance_id, -1, SQLITE_STATIC);
    lcm_strbuf_adds(o, "<section id=\"history\"><h2>");
    say(r, "审核记录（北京时间）", "History (Beijing time)");
    lcm_strbuf_adds(o, "</h2><ol>");
    while (sqlite3_step(st) == SQLITE_ROW) {
        lcm_review_state s;
        char when[LCM__TIME_SIZE];
        lcm_strbuf_adds(o, "<li>");
        html(r, lcm__shown_time((const char *)sqlite3_column_text(st, 0), when));
        lcm_strbuf_adds(o, " ");
        if (lcm_review_state_parse((const char *)sqlite3_column_text(st, 1), &s))
            state_text(r, s);
        lcm_strbuf_adds(o, " ");
        html(r, (const char *)sqlite3_column_text(st, 3));
        const char *c = (const char *)sqlite3_column_text(st, 2);
        if (c && *c) {
            lcm_strbuf_adds(o, "：");
            html(r, c);
        }
        lcm_strbuf_adds(o, "</li>");
    }
    sqlite3_finalize(st);
    lcm_strbuf_adds(o, "</ol></section>");
}

static void decision_form(lcm__req *r, const lcm_review *v, lcm_review_state to, const char *zh,
                          const char *en, int need_comment) {
    lcm_strbuf *o = &r->out;
    const char *code = lcm_review_state_code(to);
    lcm_strbuf_addf(o, "<form method=\"post\" action=\"/review/i\" class=\"decide\" id=\"f-%s\">",
                    code);
    lcm__csrf_field(r);
    lcm_strbuf_adds(o, "<input type=\"hidden\" name=\"id\" value=\"");
    html(r, v->instance_id);
    lcm_strbuf_addf(o, "\"><input type=\"hidden\" name=\"state\" value=\"%s\">", code);
    lcm_strbuf_addf(o, "<div class=\"q\"><label for=\"c-%s\">", code);
    if (need_comment)
        say(r, "意见（必填，访问员会看到）", "Comment (required; the interviewer sees it)");
    else
        say(r, "意见（可不填）", "Comment (optional)");
    lcm_strbuf_addf(o,
                    "</label><textarea id=\"c-%s\" name=\"comment\" maxlength=\"%d\" rows=\"2\"%s>"
                    "</textarea></div><button type=\"submit\"%s>",
                    code, LCM_REVIEW_COMMENT_MAX, need_comment ? " required" : "",
                    to == LCM_REVIEW_APPROVED ? " class=\"primary\"" : "");
    say(r, zh, en);
    lcm_strbuf_adds(o, "</button></form>");
}

static void instance_page(lcm__req *r, const lcm_review *v, unsigned status, const char *problem,
                          const char *notice) {
    lcm_strbuf *o = &r->out;
    r->status = status;
    lcm_strbuf_clear(o);
    const char *title = lcm__say(r, "问卷审核", "Review of an interview");
    lcm__staff_head(r, title, "/review");
    lcm_strbuf_adds(o, "<p><a href=\"/review\">");
    say(r, "返回列表", "Back to the list");
    lcm_strbuf_adds(o, "</a></p><h1>");
    html(r, title);
    lcm_strbuf_adds(o, "</h1>");
    if (problem) {
        lcm_strbuf_adds(o, "<p class=\"err\" id=\"e-review\" role=\"alert\">");
        html(r, problem);
        lcm_strbuf_adds(o, "</p>");
    }
    if (notice) {
        lcm_strbuf_adds(o, "<p class=\"ok\" id=\"notice\">");
        html(r, notice);
        lcm_strbuf_adds(o, "</p>");
    }
    lcm_strbuf_adds(o, "<dl class=\"meta\"><dt>");
    say(r, "状态", "State");
    lcm_strbuf_adds(o, "</dt><dd id=\"state\">");
    state_text(r, v->state);
    lcm_strbuf_adds(o, "</dd><dt>");
    say(r, "问卷编号", "Interview");
    lcm_strbuf_adds(o, "</dt><dd>");
    html(r, v->instance_id);
    lcm_strbuf_adds(o, "</dd><dt>");
    say(r, "城市", "City");
    lcm_strbuf_adds(o, "</dt><dd>");
    city_text(r, v->city);
    lcm_strbuf_adds(o, "</dd><dt>");
    say(r, "访问员", "Interviewer");
    lcm_strbuf_adds(o, "</dt><dd>");
    html(r, v->interviewer);
    lcm_strbuf_adds(o, "</dd><dt>");
    say(r, "住户", "Household");
    lcm_strbuf_adds(o, "</dt><dd>");
    html(r, v->household_id);
    lcm_strbuf_adds(o, "</dd><dt>");
    say(r, "提交时间（北京时间）", "Submitted (Beijing time)");
    lcm_strbuf_adds(o, "</dt><dd id=\"submitted\">");
    char when[LCM__TIME_SIZE];
    html(r, lcm__shown_time(v->submitted_at, when));
    lcm_strbuf_adds(o, "</dd><dt>");
    say(r, "答题用时", "Time on the pages");
    lcm_strbuf_adds(o, "</dt><dd id=\"duration\">");
    duration(r, v->duration_ms);
    lcm_strbuf_adds(o, "</dd><dt>");
    say(r, "页数 / 回退次数", "Pages / times gone back");
    lcm_strbuf_addf(o, "</dt><dd id=\"pages\">%ld / %ld</dd>", v->pages, v->backs);
    if (v->duplicate_of[0]) {
        lcm_strbuf_adds(o, "<dt>");
        say(r, "答案相同的问卷", "Same answers as");
        lcm_strbuf_adds(o, "</dt><dd>");
        id_link(r, v->duplicate_of);
        html(r, v->duplicate_of);
        lcm_strbuf_adds(o, "</a></dd>");
    }
    if (v->comment[0]) {
        lcm_strbuf_adds(o, "<dt>");
        say(r, "意见", "Comment");
        lcm_strbuf_adds(o, "</dt><dd id=\"comment\">");
        html(r, v->comment);
        lcm_strbuf_adds(o, "</dd>");
    }
    lcm_strbuf_adds(o, "</dl>");
    if (v->state == LCM_REVIEW_RECEIVED || v->state == LCM_REVIEW_RESUBMITTED) {
        lcm_strbuf_adds(o, "<section id=\"decide\"><h2>");
        say(r, "审核意见", "Decision");
        lcm_strbuf_adds(o, "</h2>");
        decision_form(r, v, LCM_REVIEW_APPROVED, "通过", "Approve", 0);
        decision_form(r, v, LCM_REVIEW_HAS_ISSUES, "退回修改", "Return with issues", 1);
        decision_form(r, v, LCM_REVIEW_REJECTED, "拒绝", "Reject", 0);
        lcm_strbuf_adds(o, "</section>");
    } else if (r->user.role == LCM_ROLE_ADMIN &&
               (v->state == LCM_REVIEW_APPROVED || v->state == LCM_REVIEW_REJECTED)) {
        lcm_strbuf_adds(o, "<section id=\"decide\"><h2>");
        say(r, "重新审核", "Reopen");
        lcm_strbuf_adds(o, "</h2>");
        decision_form(r, v, LCM_REVIEW_RECEIVED, "重新打开", "Reopen", 0);
        lcm_strbuf_adds(o, "</section>");
    }
    answers(r, v);
    history(r, v->instance_id);
    lcm__foot(r);
}

/* The interview of id for the signed-in reviewer: 404 when there is none, 403 when it is
 * another city's. 1 with *v filled (the caller frees v->comment). */
static int reviewable(lcm__req *r, const char *id, lcm_review *v) {
    lcm_err err = {0};
    if (!lcm__need_role(r, REVIEWERS))
        return 0;
    lcm_status st = id ? lcm_review_get(r->db, id, NULL, v, &err) : LCM_NOTFOUND;
    if (st == LCM_NOTFOUND) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这份问卷", "No such interview");
        return 0;
    }
    if (st != LCM_OK) {
        failed(r, &err);
        return 0;
    }
    if (!lcm__need_city(r, v->city)) {
        free(v->comment);
        return 0;
    }
    return 1;
}

static void instance_get(lcm__req *r) {
    lcm_review v;
    if (!reviewable(r, lcm_serve_form_get(&r->query, "id"), &v))
        return;
    const char *done = lcm_serve_form_get(&r->query, "done");
    instance_page(r, &v, MHD_HTTP_OK, NULL,
                  done ? lcm__say(r, "已保存审核意见。", "The decision is saved.") : NULL);
    free(v.comment);
}

static void instance_post(lcm__req *r) {
    if (!lcm__csrf_ok(r))
        return;
    const char *id = lcm_serve_form_get(&r->body, "id");
    const char *state_s = lcm_serve_form_get(&r->body, "state");
    const char *comment = lcm_serve_form_get(&r->body, "comment");
    lcm_review v;
    if (!reviewable(r, id, &v))
        return;
    lcm_review_state to;
    lcm_err err = {0};
    lcm_status st = LCM_OK;
    if (!lcm_review_state_parse(state_s, &to) || to == LCM_REVIEW_RESUBMITTED) {
        instance_page(r, &v, MHD_HTTP_BAD_REQUEST, lcm__say(r, "未知操作", "Unknown action"), NULL);
        free(v.comment);
        return;
    }
    lcm_review_by by = {.user_id = r->user.id,
                        .who = r->user.name,
                        .admin = r->user.role == LCM_ROLE_ADMIN,
                        .city = r->user.role == LCM_ROLE_CITY ? r->user.place : NULL};
    if ((st = lcm__begin(r, &err)) == LCM_OK) {
        char detail[LCM_REVIEW_COMMENT_MAX + 32];
        snprintf(detail, sizeof detail, "%s%s%s", lcm_review_state_code(to),
                 comment && *comment ? ": " : "", comment ? comment : "");
        if ((st = lcm_review_set(r->db, v.instance_id, to, comment, &by, &err)) == LCM_OK &&
            (st = lcm_audit(r->db, &r->user, "review.set", v.instance_id, v.city, detail, &err)) ==
                LCM_OK)
            st = lcm__commit(r, &err);
        else
            lcm__rollback(r);
    }
    if (st == LCM_OK) {
        lcm_strbuf loc = LCM_STRBUF_INIT;
        lcm_strbuf_adds(&loc, "/review/i?done=1&id=");
        lcm__url_encode(&loc, v.instance_id);
        lcm__redirect(r, lcm_strbuf_ok(&loc) ? loc.buf : "/review");
        lcm_strbuf_release(&loc);
    } else if (st == LCM_INVAL || st == LCM_CONFLICT || st == LCM_NOTFOUND) {
        const char *why =
            st == LCM_CONFLICT
                ? lcm__say(r, "这份问卷的状态已不允许此操作（可能已有人审核）",
                           "The interview's state does not allow this (reviewed meanwhile?)")
            : to == LCM_REVIEW_HAS_ISSUES && (!comment || !comment[strspn(comment, " \t\r\n")])
                ? lcm__say(r, "退回修改须填写意见，告诉访问员要改什么",
                           "Returning it needs a comment telling the interviewer what to change")
                : lcm__say(r, "意见不能超过 2000 字节，也不能含控制字符",
                           "A comment is at most 2000 bytes without control characters");
        free(v.comment);
        if (lcm_review_get(r->db, id, NULL, &v, NULL) == LCM_OK) {
            instance_page(r, &v, st == LCM_CONFLICT ? MHD_HTTP_CONFLICT : 422, why, NULL);
            free(v.comment);
        } else
            lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这份问卷", "No such interview");
        return;
    } else
        failed(r, &err);
    free(v.comment);
}

/* ---- the interviewer's side ---------------------------------------------------------- */

void lcm__review_returned(lcm__req *r) {
    lcm_review_query q = {.state = LCM_REVIEW_HAS_ISSUES, .interviewer_id = r->sess.interviewer_id};
    lcm_review *v = NULL;
    size_t n = 0;
    if (r->sess.interviewer_id <= 0 || lcm_review_list(r->db, &q, &v, &n, NULL) != LCM_OK || !n)
        return;
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<section class=\"returned\" id=\"returned\"><h2>");
    say(r, "退回修改的问卷", "Interviews returned with issues");
    lcm_strbuf_adds(o, "</h2>");
    for (size_t i = 0; i < n; i++) {
        lcm_strbuf_adds(o, "<div class=\"asg\"><p><strong>");
        html(r, v[i].household_id);
        lcm_strbuf_adds(o, "</strong> ");
        state_text(r, v[i].state);
        lcm_strbuf_adds(o, "</p><p class=\"comment\">");
        say(r, "审核意见：", "Comment: ");
        html(r, v[i].comment);
        lcm_strbuf_adds(o, "</p><form method=\"post\" action=\"/review/edit\">");
        lcm__csrf_field(r);
        lcm_strbuf_adds(o, "<input type=\"hidden\" name=\"id\" value=\"");
        html(r, v[i].instance_id);
        lcm_strbuf_adds(o, "\"><button type=\"submit\" class=\"primary\">");
        say(r, "修改并重新提交", "Edit and resubmit");
        lcm_strbuf_adds(o, "</button></form></div>");
    }
    lcm_strbuf_adds(o, "</section>");
    lcm_review_free(v, n);
}

/* The campaign of the interviewer's assignment holding instance_id, "" when none. */
static lcm_status own_assignment(lcm__req *r, const char *instance_id, char slug[72],
                                 lcm_err *err) {
    sqlite3_stmt *st = NULL;
    slug[0] = '\0';
    lcm_status rc = lcm_db_prepare(r->db,
                                   "SELECT c.slug FROM field_assignments a JOIN field_campaigns c"
                                   " ON c.id = a.campaign_id WHERE a.instance_id = ?1"
                                   " AND a.interviewer_id = ?2",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, instance_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, r->sess.interviewer_id);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(slug, 72, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return LCM_OK;
}

static void edit_post(lcm__req *r) {
    if (!lcm__csrf_ok(r))
        return;
    if (!r->sess.found || strcmp(r->sess.mode, "capi") != 0 || r->sess.interviewer_id <= 0) {
        lcm__redirect(r, "/i");
        return;
    }
    const char *id = lcm_serve_form_get(&r->body, "id");
    char slug[72];
    lcm_err err = {0};
    lcm_review v;
    lcm_status st = id ? own_assignment(r, id, slug, &err) : LCM_OK;
    if (st == LCM_OK && (!id || !slug[0])) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这份问卷", "No such interview");
        return;
    }
    if (st == LCM_OK && (st = lcm_review_get(r->db, id, NULL, &v, &err)) == LCM_OK) {
        if ((st = lcm__begin(r, &err)) == LCM_OK) {
            if ((st = lcm_review_reopen_draft(r->db, id, &err)) == LCM_OK) {
                /* the assignment stays closed (1.1): the resubmission does not touch it */
                snprintf(r->sess.campaign, sizeof r->sess.campaign, "%s", slug);
                snprintf(r->sess.instance_id, sizeof r->sess.instance_id, "%s", id);
                snprintf(r->sess.form_id, sizeof r->sess.form_id, "%s", v.form_id);
                snprintf(r->sess.form_version, sizeof r->sess.form_version, "%s", v.form_version);
                r->sess.assignment_id = 0;
                snprintf(r->sess.page, sizeof r->sess.page, "review");
                st = lcm__session_save(r, &err);
            }
            if (st == LCM_OK)
                st = lcm__commit(r, &err);
            else
                lcm__rollback(r);
        }
        free(v.comment);
    }
    if (st == LCM_OK)
        lcm__redirect(r, "/s/review");
    else if (st == LCM_CONFLICT)
        lcm__message(r, MHD_HTTP_CONFLICT, "这份问卷不在退回修改状态",
                     "This interview was not returned with issues");
    else if (st == LCM_NOTFOUND)
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这份问卷", "No such interview");
    else
        failed(r, &err);
}

int lcm__review_route(lcm__req *r) {
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;
    if (get && strcmp(r->path, "/review") == 0)
        list_get(r);
    else if (get && strcmp(r->path, "/review/i") == 0)
        instance_get(r);
    else if (post && strcmp(r->path, "/review/i") == 0)
        instance_post(r);
    else if (post && strcmp(r->path, "/review/edit") == 0)
        edit_post(r);
    else
        return 0;
    return 1;
}
