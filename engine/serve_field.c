/*
 * serve_field.c - who may answer what, seen from the web (see serve_int.h): the public
 * link of a campaign, one-time tokens, interviewers and their assignments, and places.
 */
#include "auth.h"
#include "field.h"
#include "qr.h"
#include "serve_int.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct lcm__rate {
    char ip[64];
    long long minute;
    int count;
} lcm__rate;

/* 1 when ip may start another answer this minute (--rate-limit). */
static int rate_ok(lcm__req *r) {
    lcm__server *s = r->srv;
    int limit = s->o.rate_limit, ok = 1;
    if (limit <= 0)
        return 1;
    long long minute = r->now_ms / 60000;
    pthread_mutex_lock(&s->mu);
    lcm__rate *slot = NULL;
    for (size_t i = 0; i < s->nrates && !slot; i++)
        if (strcmp(s->rates[i].ip, r->ip) == 0)
            slot = &s->rates[i];
    if (!slot) { /* reuse a slot of a past minute, else grow (bounded) */
        for (size_t i = 0; i < s->nrates && !slot; i++)
            if (s->rates[i].minute != minute)
                slot = &s->rates[i];
        if (!slot && s->nrates < 100000) {
            lcm__rate *g = realloc(s->rates, (s->nrates + 1) * sizeof *g);
            if (g) {
                s->rates = g;
                slot = &s->rates[s->nrates++];
            }
        }
        if (slot) {
            snprintf(slot->ip, sizeof slot->ip, "%s", r->ip);
            slot->minute = minute;
            slot->count = 0;
        }
    }
    if (slot) {
        if (slot->minute != minute)
            slot->minute = minute, slot->count = 0;
        ok = slot->count < limit;
        if (ok)
            slot->count++;
    } else
        ok = 0;
    pthread_mutex_unlock(&s->mu);
    return ok;
}

static int this_year(void) {
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

/* The form of campaign c, for the session. */
static lcm_status campaign_form(lcm__req *r, const lcm_field_campaign *c, lcm__sform **sf,
                                lcm_err *err) {
    return lcm__sform_get(r, c->form_id, c->form_version, sf, err);
}

static void server_failed(lcm__req *r, const lcm_err *err) {
    fprintf(stderr, "lcmon: serve: %s\n", err->msg);
    r->set_cookie = 0;
    lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器出错，请稍后再试",
                 "The server failed; please try again later");
}

/* Start a respondent of campaign c (slug) in a new session: a draft with the campaign's
 * city and wave; token (may be NULL) is bound to it in the same transaction. */
static void start_cawi(lcm__req *r, const lcm_field_campaign *c, const char *slug,
                       const char *token, long serial) {
    lcm_err err = {0};
    lcm__sform *sf = NULL;
    char wave[16], hh[24];
    snprintf(wave, sizeof wave, "%d", c->wave);
    /* the interviewer's questions are not the respondent's: the household number is the
     * invitation's serial, or a random one for an open link (lcm__cawi_fill) */
    lcm_status st = lcm__cawi_household(serial, hh, &err);
    const char *meta[] = {"source",
                          token ? "serve-token" : "serve",
                          "wave",
                          wave,
                          "city",
                          c->city,
                          "household_id",
                          hh,
                          "interviewer",
                          LCM__CAWI_INTERVIEWER,
                          NULL};
    if (st == LCM_OK)
        st = campaign_form(r, c, &sf, &err);
    /* in the group of saved pages (serve_store.c): the first page is shown from the
     * instance in memory, nothing is read back before the group commits */
    if (st == LCM_OK && (st = lcm__begin_group(r, &err)) == LCM_OK) {
        if ((st = lcm__session_new(r, "cawi", &err)) == LCM_OK &&
            (st = lcm__instance_start(r, sf, meta, NULL, &err)) == LCM_OK &&
            (!token ||
             (st = lcm_field_token_bind(r->db, token, r->sess.instance_id, &err)) == LCM_OK)) {
            snprintf(r->sess.campaign, sizeof r->sess.campaign, "%s", slug);
            if ((st = lcm__session_save(r, &err)) == LCM_OK)
                st = lcm__commit(r, &err);
        }
        if (st != LCM_OK)
            lcm__rollback(r);
    }
    if (st != LCM_OK)
        server_failed(r, &err);
    else { /* the first page at once (its address is /s), not a redirect to it */
        snprintf(r->at, sizeof r->at, "/s");
        lcm__page_get(r);
    }
}

/* The campaign at slug; without one, while the database has no campaign at all, a loaded
 * form's id works as an open link (a first try on the demo database). */
static lcm_status find_campaign(lcm__req *r, const char *slug, lcm_field_campaign *c,
                                lcm_err *err) {
    lcm_status st = lcm_field_campaign_get(r->db, slug, c, err);
    if (st != LCM_NOTFOUND)
        return st;
    /* any campaign at all (those lcm_field_campaigns lists), asked with a statement kept
     * by the connection: every new answer of the demo's open link asks */
    sqlite3_stmt *q = NULL;
    lcm__sform *sf;
    if ((st = lcm_db_prepare_cached(r->db,
                                    "SELECT EXISTS (SELECT 1 FROM field_campaigns c JOIN cities ci "
                                    "ON ci.code = c.city_code)",
                                    &q, err)) != LCM_OK)
        return st;
    int step = sqlite3_step(q), any = step == SQLITE_ROW && sqlite3_column_int(q, 0);
    sqlite3_reset(q);
    if (step != SQLITE_ROW)
        return lcm_db_fail(r->db, err, "looking for campaigns");
    if (any)
        return lcm_err_set(err, LCM_NOTFOUND, "no campaign '%s'", slug);
    if ((st = lcm__sform_get(r, slug, NULL, &sf, err)) != LCM_OK)
        return st;
    memset(c, 0, sizeof *c);
    snprintf(c->slug, sizeof c->slug, "%s", slug);
    snprintf(c->form_id, sizeof c->form_id, "%s", sf->form_id);
    snprintf(c->form_version, sizeof c->form_version, "%s", sf->version);
    c->wave = this_year();
    c->mode = LCM_FIELD_OPEN;
    return LCM_OK;
}

void lcm__campaign_get(lcm__req *r, const char *slug) {
    lcm_err err = {0};
    lcm_field_campaign c;
    if (r->sess.found && strcmp(r->sess.mode, "cawi") == 0 && strcmp(r->sess.campaign, slug) == 0 &&
        r->sess.instance_id[0]) {
        lcm__redirect(r, strcmp(r->sess.page, "done") == 0 ? "/s/done" : "/s");
        return;
    }
    lcm_status st = find_campaign(r, slug, &c, &err);
    if (st == LCM_NOTFOUND)
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这个调查", "No such survey");
    else if (st != LCM_OK)
        server_failed(r, &err);
    else if (c.closed)
        lcm__message(r, MHD_HTTP_GONE, "本次调查已结束，谢谢关注", "This survey has closed");
    else if (c.mode == LCM_FIELD_TOKEN)
        lcm__message(r, MHD_HTTP_FORBIDDEN, "本调查请使用邀请函上的专属链接或二维码",
                     "This survey is answered through the personal link of your invitation");
    else if (!rate_ok(r))
        lcm__message(r, MHD_HTTP_TOO_MANY_REQUESTS, "请求过于频繁，请稍后再试",
                     "Too many new answers from this address; please try again later");
    else
        start_cawi(r, &c, slug, NULL, 0);
}

void lcm__token_get(lcm__req *r, const char *token) {
    lcm_err err = {0};
    lcm_field_token t;
    lcm_field_campaign c;
    lcm_status st = lcm_field_token_find(r->db, token, &t, &err);
    if (st == LCM_OK)
        st = lcm_field_campaign_by_id(r->db, t.campaign_id, &c, &err);
    if (st == LCM_NOTFOUND) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "链接无效", "This link is not valid");
        return;
    }
    if (st != LCM_OK) {
        server_failed(r, &err);
        return;
    }
    if (t.state == LCM_FIELD_TOKEN_SUBMITTED)
        lcm__message(r, MHD_HTTP_OK, "您已提交过问卷，谢谢您的支持！",
                     "You have answered already. Thank you!");
    else if (t.state == LCM_FIELD_TOKEN_REVOKED)
        lcm__message(r, MHD_HTTP_GONE, "此链接已停用", "This link has been withdrawn");
    else if (c.closed)
        lcm__message(r, MHD_HTTP_GONE, "本次调查已结束，谢谢关注", "This survey has closed");
    else if (t.state == LCM_FIELD_TOKEN_DRAFT) { /* resume its own draft, in a new session */
        lcm__sform *sf = NULL;
        if ((st = campaign_form(r, &c, &sf, &err)) == LCM_OK &&
            (st = lcm__session_new(r, "cawi", &err)) == LCM_OK) {
            snprintf(r->sess.campaign, sizeof r->sess.campaign, "%s", c.slug);
            snprintf(r->sess.instance_id, sizeof r->sess.instance_id, "%s", t.instance_id);
            snprintf(r->sess.form_id, sizeof r->sess.form_id, "%s", sf->form_id);
            snprintf(r->sess.form_version, sizeof r->sess.form_version, "%s", sf->version);
            if ((st = lcm__session_page_of(r, t.instance_id, &err)) == LCM_OK)
                st = lcm__session_save(r, &err);
        }
        if (st != LCM_OK)
            server_failed(r, &err);
        else
            lcm__redirect(r, "/s");
    } else
        start_cawi(r, &c, c.slug, token, t.serial);
}

/* ---- interviewers ------------------------------------------------------------------ */

static void signed_in(lcm__req *r, const char *token) {
    lcm_err err = {0};
    lcm_field_interviewer iv;
    lcm_status st = lcm_field_interviewer_find(r->db, token, &iv, &err);
    if (st == LCM_NOTFOUND) {
        lcm__message(r, MHD_HTTP_FORBIDDEN, "调查员令牌无效",
                     "This interviewer token is not valid");
        return;
    }
    /* a new session for the signed-in interviewer: no id from before sign-in carries over */
    if (st == LCM_OK && (st = lcm__session_new(r, "capi", &err)) == LCM_OK) {
        r->sess.interviewer_id = iv.id;
        st = lcm__session_save(r, &err);
    }
    if (st != LCM_OK)
        server_failed(r, &err);
    else
        lcm__redirect(r, "/i/a");
}

void lcm__interviewer_get(lcm__req *r, const char *token) {
    signed_in(r, token);
}

void lcm__signin_get(lcm__req *r) {
    lcm_err err = {0};
    if (!r->sess.found && lcm__session_new(r, "anon", &err) != LCM_OK) {
        server_failed(r, &err);
        return;
    }
    lcm__head(r, lcm__say(r, "调查员登录", "Interviewer sign-in"));
    lcm_strbuf *o = &r->out;
    lcm_strbuf_adds(o, "<h1>");
    lcm_serve_html(o, lcm__say(r, "调查员登录", "Interviewer sign-in"));
    lcm_strbuf_adds(o, "</h1><form method=\"post\" action=\"/i\">");
    lcm__csrf_field(r);
    lcm_strbuf_adds(o, "<div class=\"q\"><label for=\"token\">");
    lcm_serve_html(o, lcm__say(r, "调查员令牌", "Interviewer token"));
    lcm_strbuf_adds(o, "</label><input type=\"text\" id=\"token\" name=\"token\" "
                       "autocomplete=\"off\" autocapitalize=\"off\" spellcheck=\"false\"></div>"
                       "<div class=\"nav\"><button type=\"submit\" class=\"primary\">");
    lcm_serve_html(o, lcm__say(r, "登录", "Sign in"));
    lcm_strbuf_adds(o, "</button></div></form>");
    lcm__foot(r);
}

void lcm__signin_post(lcm__req *r) {
    if (!lcm__csrf_ok(r))
        return;
    const char *t = lcm_serve_form_get(&r->body, "token");
    char tok[64];
    size_t k = 0;
    for (const char *p = t ? t : ""; *p && k + 1 < sizeof tok; p++)
        if (*p != ' ' && *p != '-') /* as printed, in groups */
            tok[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    tok[k] = '\0';
    signed_in(r, tok);
}

static int capi(lcm__req *r) {
    if (r->sess.found && strcmp(r->sess.mode, "capi") == 0 && r->sess.interviewer_id > 0)
        return 1;
    lcm__redirect(r, "/i");
    return 0;
}

static void assignments_page(lcm__req *r, const char *problem) {
    lcm_err err = {0};
    lcm_field_assignment *a = NULL;
    size_t n = 0, nd = 0;
    if (lcm_field_assignments(r->db, r->sess.interviewer_id, 0, &a, &n, &err) != LCM_OK) {
        server_failed(r, &err);
        return;
    }
    const lcm_field_disposition *disp = lcm_field_dispositions(&nd);
    int en = strcmp(r->sess.lang, "en") == 0;
    lcm_strbuf *o = &r->out;
    lcm__head(r, lcm__say(r, "访问任务", "Assignments"));
    lcm_strbuf_adds(o, "<header><span class=\"title\">");
    lcm_serve_html(o, lcm__say(r, "访问任务", "Assignments"));
    lcm_strbuf_adds(o,
                    en ? "</span><a class=\"lang\" href=\"/i/a?lang=zh\" lang=\"zh-CN\">中文</a>"
                       : "</span><a class=\"lang\" href=\"/i/a?lang=en\" lang=\"en\">English</a>");
    lcm_strbuf_adds(o, "</header>");
    if (problem) {
        lcm_strbuf_adds(o, "<p class=\"err\" id=\"e-assignment\" role=\"alert\">");
        lcm_serve_html(o, problem);
        lcm_strbuf_adds(o, "</p>");
    }
    lcm__review_returned(r); /* returned by the city coordinator: edit and resubmit */
    for (size_t i = 0; i < n; i++) {
        const lcm_field_disposition *d =
            a[i].disposition[0] ? lcm_field_disposition_find(a[i].disposition) : NULL;
        lcm_strbuf_addf(o, "<section class=\"asg\" id=\"a-%lld\"><h2>", a[i].id);
        lcm_serve_html(o, a[i].household_id);
        lcm_strbuf_adds(o, " <span class=\"row\">");
        lcm_serve_html(o, d                     ? (en ? d->en : d->zh)
                          : a[i].instance_id[0] ? lcm__say(r, "访问中", "in progress")
                                                : lcm__say(r, "待访问", "pending"));
        lcm_strbuf_adds(o, "</span></h2><p>");
        lcm_serve_html(o, a[i].address);
        lcm_strbuf_adds(o, "<br>");
        lcm_serve_html(o, a[i].county_name);
        lcm_serve_html(o, a[i].township_name);
        lcm_strbuf_adds(o, " ");
        lcm_serve_html(o, a[i].community_name);
        lcm_strbuf_adds(o, "</p>");
        if (!d || !d->final) {
            lcm_strbuf_adds(o, "<form method=\"post\" action=\"/i/a\">");
            lcm__csrf_field(r);
            lcm_strbuf_addf(o,
                            "<input type=\"hidden\" name=\"assignment\" value=\"%lld\">"
                            "<div class=\"nav\"><button type=\"submit\" name=\"_nav\" "
                            "value=\"open\" class=\"primary\">",
                            a[i].id);
            lcm_serve_html(o, a[i].instance_id[0] ? lcm__say(r, "继续访问", "Continue")
                                                  : lcm__say(r, "开始访问", "Start"));
            lcm_strbuf_addf(o, "</button></div><div class=\"q\"><label for=\"o-%lld\">", a[i].id);
            lcm_serve_html(o, lcm__say(r, "未访问成功的结果", "Outcome of a non-interview"));
            lcm_strbuf_addf(o, "</label><select id=\"o-%lld\" name=\"outcome\"><option value=\"\">",
                            a[i].id);
            lcm_serve_html(o, lcm__say(r, "请选择", "Choose"));
            lcm_strbuf_adds(o, "</option>");
            for (size_t k = 0; k < nd; k++) {
                if (!disp[k].interviewer)
                    continue;
                lcm_strbuf_adds(o, "<option value=\"");
                lcm_serve_html(o, disp[k].code);
                lcm_strbuf_adds(o, "\">");
                lcm_serve_html(o, en ? disp[k].en : disp[k].zh);
                lcm_strbuf_adds(o, "</option>");
            }
            lcm_strbuf_addf(o, "</select><label for=\"n-%lld\">", a[i].id);
            lcm_serve_html(o, lcm__say(r, "备注（可不填）", "Note (optional)"));
            lcm_strbuf_addf(o,
                            "</label><input type=\"text\" id=\"n-%lld\" name=\"note\" "
                            "maxlength=\"200\"></div><button type=\"submit\" name=\"_nav\" "
                            "value=\"outcome\">",
                            a[i].id);
            lcm_serve_html(o, lcm__say(r, "记录结果", "Record the outcome"));
            lcm_strbuf_adds(o, "</button></form>");
        }
        lcm_strbuf_adds(o, "</section>");
    }
    if (n == 0) {
        lcm_strbuf_adds(o, "<p class=\"note\">");
        lcm_serve_html(o,
                       lcm__say(r, "没有分配给您的住户。", "No households are assigned to you."));
        lcm_strbuf_adds(o, "</p>");
    }
    lcm__foot(r);
    free(a);
}

void lcm__assignments_get(lcm__req *r) {
    if (capi(r))
        assignments_page(r, NULL);
}

/* Open assignment a: its draft, or a new instance with what the sample list says. */
static lcm_status open_assignment(lcm__req *r, const lcm_field_assignment *a, lcm_err *err) {
    lcm_field_campaign c;
    lcm_field_interviewer who;
    lcm__sform *sf = NULL;
    char wave[16], weight[40] = "";
    lcm_status st = lcm_field_campaign_by_id(r->db, a->campaign_id, &c, err);
    if (st == LCM_OK)
        st = campaign_form(r, &c, &sf, err);
    if (st != LCM_OK)
        return st;
    snprintf(r->sess.campaign, sizeof r->sess.campaign, "%s", c.slug);
    r->sess.assignment_id = a->id;
    if (a->instance_id[0]) {
        snprintf(r->sess.instance_id, sizeof r->sess.instance_id, "%s", a->instance_id);
        snprintf(r->sess.form_id, sizeof r->sess.form_id, "%s", sf->form_id);
        snprintf(r->sess.form_version, sizeof r->sess.form_version, "%s", sf->version);
        r->sess.page[0] = '\0';
        if ((st = lcm__session_page_of(r, a->instance_id, err)) != LCM_OK)
            return st;
        return lcm__session_save(r, err);
    }
    /* the interviewer's name is found through the session's id */
    memset(&who, 0, sizeof who);
    sqlite3_stmt *q;
    if ((st = lcm_db_prepare_cached(r->db, "SELECT name FROM field_interviewers WHERE id = ?1", &q,
                                    err)) != LCM_OK)
        return st;
    sqlite3_bind_int64(q, 1, r->sess.interviewer_id);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(who.name, sizeof who.name, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_reset(q);
    snprintf(wave, sizeof wave, "%d", c.wave);
    if (a->design_weight == a->design_weight)
        snprintf(weight, sizeof weight, "%.17g", a->design_weight);
    const char *meta[] = {
        "source",       "serve-capi",    "wave",          wave,         "city",    c.city,
        "household_id", a->household_id, "psu",           a->community, "stratum", a->stratum,
        "interviewer",  who.name,        "design_weight", weight,       NULL};
    /* the place questions start with the sample list's places */
    const char *answers[9] = {NULL};
    size_t na = 0;
    for (size_t i = 0; i < lcm_form_nfields(sf->f) && na < 8; i++) {
        const char *v = sf->place[i] == LCM__PLACE_COUNTY      ? a->county
                        : sf->place[i] == LCM__PLACE_TOWNSHIP  ? a->township
                        : sf->place[i] == LCM__PLACE_COMMUNITY ? a->community
                                                               : NULL;
        if (v) {
            answers[na++] = lcm_form_field(sf->f, i)->name;
            answers[na++] = v;
        }
    }
    if ((st = lcm__instance_start(r, sf, meta, answers, err)) == LCM_OK &&
        (st = lcm_field_assignment_open(r->db, a->id, r->sess.interviewer_id, r->sess.instance_id,
                                        err)) == LCM_OK)
        st = lcm__session_save(r, err);
    return st;
}

/* Who an interviewer's change is recorded as in the audit trail: the signed-in account, or
 * for the older per-interviewer link "访问员链接#ID" (the interviewer's number, not the name:
 * names are personal data). */
static lcm_user field_actor(const lcm__req *r) {
    if (r->signed_in)
        return r->user;
    lcm_user u;
    memset(&u, 0, sizeof u);
    u.role = LCM_ROLE_INTERVIEWER;
    u.interviewer_id = r->sess.interviewer_id;
    snprintf(u.login, sizeof u.login, "访问员链接#%lld", r->sess.interviewer_id);
    return u;
}

void lcm__assignments_post(lcm__req *r) {
    if (!lcm__csrf_ok(r) || !capi(r))
        return;
    lcm_err err = {0};
    lcm_field_assignment a;
    const char *id = lcm_serve_form_get(&r->body, "assignment");
    const char *nav = lcm_serve_form_get(&r->body, "_nav");
    long long aid = id ? strtoll(id, NULL, 10) : 0;
    lcm_status st = lcm_field_assignment_get(r->db, aid, r->sess.interviewer_id, &a, &err);
    if (st == LCM_NOTFOUND) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这个任务", "No such assignment");
        return;
    }
    if (st == LCM_OK && nav && strcmp(nav, "outcome") == 0) {
        const char *code = lcm_serve_form_get(&r->body, "outcome");
        const char *note = lcm_serve_form_get(&r->body, "note");
        const lcm_field_disposition *d = code ? lcm_field_disposition_find(code) : NULL;
        if (!d || !d->interviewer) {
            r->status = 422;
            assignments_page(r, lcm__say(r, "请选择访问结果", "Choose an outcome"));
            return;
        }
        /* the outcome and its audit row in one transaction */
        if ((st = lcm__begin(r, &err)) == LCM_OK) {
            st = lcm_field_assignment_dispose(r->db, a.id, r->sess.interviewer_id, code,
                                              note && *note ? note : NULL, &err);
            char object[48], detail[48];
            snprintf(object, sizeof object, "assignment/%lld", a.id);
            snprintf(detail, sizeof detail, "disposition=%s", code);
            lcm_user who = field_actor(r);
            if (st == LCM_OK)
                st = lcm_audit(r->db, &who, "assignment.outcome", object, "", detail, &err);
            if (st == LCM_OK)
                st = lcm__commit(r, &err);
            if (st != LCM_OK)
                lcm__rollback(r);
        }
        if (st == LCM_CONFLICT || st == LCM_INVAL) {
            r->status = 422;
            assignments_page(r, err.msg);
            return;
        }
        if (st == LCM_OK)
            lcm__redirect(r, "/i/a");
    } else if (st == LCM_OK) {
        if ((st = lcm__begin(r, &err)) == LCM_OK) {
            if ((st = open_assignment(r, &a, &err)) == LCM_OK)
                st = lcm__commit(r, &err);
            if (st != LCM_OK)
                lcm__rollback(r);
        }
        if (st == LCM_CONFLICT) {
            r->status = 422;
            assignments_page(r, err.msg);
            return;
        }
        if (st == LCM_OK)
            lcm__redirect(r, "/s");
    }
    if (st != LCM_OK)
        server_failed(r, &err);
}

void lcm__qr_get(lcm__req *r, const char *slug, int png) {
    lcm_err err = {0};
    lcm_field_campaign c;
    char url[700];
    lcm_status st = lcm_field_campaign_get(r->db, slug, &c, &err);
    if (st == LCM_NOTFOUND) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这个调查", "No such survey");
        return;
    }
    snprintf(url, sizeof url, "%s/c/%s", r->srv->base, c.slug);
    if (st == LCM_OK && png) {
        unsigned char *img = NULL;
        size_t n = 0;
        if ((st = lcm_qr_png(url, 8, &img, &n, &err)) == LCM_OK) {
            lcm_strbuf_add(&r->out, img, n);
            r->ctype = "image/png";
        }
        free(img);
    } else if (st == LCM_OK) {
        char *svg = NULL;
        if ((st = lcm_qr_svg(url, &svg, &err)) == LCM_OK) {
            lcm_strbuf_adds(&r->out, svg);
            r->ctype = "image/svg+xml";
        }
        free(svg);
    }
    if (st != LCM_OK)
        server_failed(r, &err);
}

lcm_status lcm__field_submitted(lcm__req *r, lcm_err *err) {
    lcm_status st = LCM_OK;
    if (r->sess.assignment_id > 0) {
        st = lcm_field_assignment_complete(r->db, r->sess.assignment_id, r->sess.interviewer_id,
                                           r->sess.instance_id, err);
        /* an interviewer's interview submitted: recorded with who (a respondent's own
         * answers are not an account's change) */
        char object[80], detail[48];
        snprintf(object, sizeof object, "interview/%s", r->sess.instance_id);
        snprintf(detail, sizeof detail, "assignment=%lld", r->sess.assignment_id);
        lcm_user who = field_actor(r);
        if (st == LCM_OK)
            st = lcm_audit(r->db, &who, "interview.submit", object, "", detail, err);
    }
    if (st != LCM_OK)
        return st;
    /* A respondent token bound to this instance answers once: it is marked submitted here,
     * by the instance it is bound to (the plain token is not kept, as field.h wants). */
    sqlite3_stmt *q;
    if ((st = lcm_db_prepare_cached(r->db,
                                    "UPDATE field_tokens SET state = 'submitted', updated_at = "
                                    "strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE instance_id = ?1 "
                                    "AND state IN ('fresh','draft')",
                                    &q, err)) != LCM_OK)
        return st;
    sqlite3_bind_text(q, 1, r->sess.instance_id, -1, SQLITE_TRANSIENT);
    st = sqlite3_step(q) == SQLITE_DONE ? LCM_OK : lcm_db_fail(r->db, err, "closing a token");
    sqlite3_reset(q);
    if (st != LCM_OK)
        return st;
    if ((st = lcm_db_prepare_cached(r->db,
                                    "SELECT count(*) FROM field_tokens WHERE instance_id = ?1 "
                                    "AND state = 'revoked'",
                                    &q, err)) != LCM_OK)
        return st;
    sqlite3_bind_text(q, 1, r->sess.instance_id, -1, SQLITE_TRANSIENT);
    int revoked = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) > 0;
    sqlite3_reset(q);
    return revoked ? lcm_err_set(err, LCM_CONFLICT, "%s",
                                 lcm__say(r, "此链接已停用", "This link has been withdrawn"))
                   : LCM_OK;
}

/* Places change only when reference data is imported: each list is read once and kept
 * for a minute (a page of places is shown on every page of the location group, and the
 * review page names them). The city of a campaign is kept the same way (level -1). */
#define PLACE_TTL_MS 60000
#define PLACE_CACHE_MAX 4096

typedef struct lcm__place_cache {
    int level;
    char parent[80];
    long long at_ms;
    lcm_field_place *p;
    size_t n;
} lcm__place_cache;

void lcm__places_free(lcm__server *s) {
    for (size_t i = 0; i < s->nplaces; i++)
        free(s->places[i].p);
    free(s->places);
    s->places = NULL;
    s->nplaces = 0;
}

/* A copy of the cached list (level, parent), 1 when found fresh. Under s->mu. */
static int cached_places(lcm__server *s, int level, const char *parent, long long now,
                         lcm_field_place **out, size_t *n) {
    for (size_t i = 0; i < s->nplaces; i++) {
        lcm__place_cache *c = &s->places[i];
        if (c->level != level || strcmp(c->parent, parent) != 0)
            continue;
        if (now - c->at_ms > PLACE_TTL_MS || now < c->at_ms)
            return 0;
        *out = c->n ? malloc(c->n * sizeof **out) : NULL;
        if (c->n && !*out)
            return 0;
        if (c->n)
            memcpy(*out, c->p, c->n * sizeof **out);
        *n = c->n;
        return 1;
    }
    return 0;
}

/* Keep a copy of list p (level, parent). Under s->mu. */
static void cache_places(lcm__server *s, int level, const char *parent, long long now,
                         const lcm_field_place *p, size_t n) {
    lcm__place_cache *c = NULL;
    for (size_t i = 0; i < s->nplaces && !c; i++)
        if (s->places[i].level == level && strcmp(s->places[i].parent, parent) == 0)
            c = &s->places[i];
    if (!c) {
        if (s->nplaces >= PLACE_CACHE_MAX)
            lcm__places_free(s);
        lcm__place_cache *g = realloc(s->places, (s->nplaces + 1) * sizeof *g);
        if (!g)
            return;
        s->places = g;
        c = &s->places[s->nplaces++];
        memset(c, 0, sizeof *c);
        c->level = level;
        snprintf(c->parent, sizeof c->parent, "%s", parent);
    }
    free(c->p);
    c->p = n ? malloc(n * sizeof *p) : NULL;
    c->n = c->p ? n : 0;
    if (c->p)
        memcpy(c->p, p, n * sizeof *p);
    c->at_ms = now;
}

/* lcm_field_places through the cache. */
static lcm_status places_of(lcm__req *r, int level, const char *parent, lcm_field_place **out,
                            size_t *n, lcm_err *err) {
    static const lcm_field_level levels[] = {LCM_PLACE_CITY, LCM_PLACE_COUNTY, LCM_PLACE_TOWNSHIP,
                                             LCM_PLACE_COMMUNITY};
    lcm__server *s = r->srv;
    const char *key = parent ? parent : "";
    *out = NULL;
    *n = 0;
    if (strlen(key) >= sizeof((lcm__place_cache *)0)->parent)
        return lcm_field_places(r->db, levels[level], parent, out, n, err);
    pthread_mutex_lock(&s->mu);
    int hit = cached_places(s, level, key, r->now_ms, out, n);
    pthread_mutex_unlock(&s->mu);
    if (hit)
        return LCM_OK;
    lcm_status st = lcm_field_places(r->db, levels[level], parent, out, n, err);
    if (st == LCM_OK) {
        pthread_mutex_lock(&s->mu);
        cache_places(s, level, key, r->now_ms, *out, *n);
        pthread_mutex_unlock(&s->mu);
    }
    return st;
}

/* The city of the session's campaign ("" when none or not one city), cached as places. */
static void campaign_city(lcm__req *r, char only[8]) {
    lcm__server *s = r->srv;
    lcm_field_place *p = NULL;
    size_t n = 0;
    only[0] = '\0';
    if (strlen(r->sess.campaign) >= sizeof((lcm__place_cache *)0)->parent)
        return;
    pthread_mutex_lock(&s->mu);
    int hit = cached_places(s, -1, r->sess.campaign, r->now_ms, &p, &n);
    pthread_mutex_unlock(&s->mu);
    if (!hit) {
        lcm_field_campaign c;
        lcm_field_place one;
        memset(&one, 0, sizeof one);
        if (lcm_field_campaign_get(r->db, r->sess.campaign, &c, NULL) != LCM_OK)
            return;
        snprintf(one.code, sizeof one.code, "%s", c.city);
        pthread_mutex_lock(&s->mu);
        cache_places(s, -1, r->sess.campaign, r->now_ms, &one, 1);
        pthread_mutex_unlock(&s->mu);
        snprintf(only, 8, "%.7s", one.code);
        return;
    }
    if (n == 1)
        snprintf(only, 8, "%.7s", p[0].code);
    free(p);
}

lcm_status lcm__places(lcm__req *r, int level, const char *parent, lcm__place **out, size_t *n,
                       lcm_err *err) {
    lcm_field_place *fp = NULL;
    size_t m = 0;
    char only[8] = ""; /* a campaign in one city offers only that city */
    *out = NULL;
    *n = 0;
    if (level < 0 || level > 3)
        return LCM_OK;
    if (level == 0 && r->sess.campaign[0])
        campaign_city(r, only);
    lcm_status st = places_of(r, level, level ? parent : NULL, &fp, &m, err);
    if (st == LCM_OK && m && !(*out = malloc(m * sizeof **out)))
        st = lcm_err_set(err, LCM_NOMEM, "out of memory");
    int en = strcmp(r->sess.lang, "en") == 0;
    for (size_t i = 0; st == LCM_OK && i < m; i++) {
        if (only[0] && strcmp(fp[i].code, only) != 0)
            continue;
        lcm__place *p = &(*out)[(*n)++];
        memcpy(p->code, fp[i].code, sizeof p->code);
        const char *name = en && fp[i].name_en[0] ? fp[i].name_en : fp[i].name;
        size_t k = strlen(name);
        if (k >= sizeof p->name)
            k = sizeof p->name - 1;
        memcpy(p->name, name, k);
        p->name[k] = '\0';
    }
    free(fp);
    return st;
}
