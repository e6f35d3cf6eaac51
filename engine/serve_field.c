/*
 * serve_field.c - who may answer what, seen from the web (see serve_int.h): the public
 * link of a campaign, one-time tokens, interviewers and their assignments, and places.
 */
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

void lcm__campaign_get(lcm__req *r, const char *slug) {
    lcm_err err = {0};
    lcm__sform *sf = NULL;
    if (r->sess.found && strcmp(r->sess.mode, "cawi") == 0 && strcmp(r->sess.campaign, slug) == 0 &&
        r->sess.instance_id[0]) {
        lcm__redirect(r, strcmp(r->sess.page, "done") == 0 ? "/s/done" : "/s");
        return;
    }
    lcm_status st = lcm__sform_get(r, slug, NULL, &sf, &err);
    if (st == LCM_NOTFOUND) {
        lcm__message(r, MHD_HTTP_NOT_FOUND, "没有这个调查", "No such survey");
        return;
    }
    if (st == LCM_OK && !rate_ok(r)) {
        lcm__message(r, MHD_HTTP_TOO_MANY_REQUESTS, "请求过于频繁，请稍后再试",
                     "Too many new answers from this address; please try again later");
        return;
    }
    char wave[8];
    snprintf(wave, sizeof wave, "%d", this_year());
    const char *meta[] = {"source", "serve", "wave", wave, NULL};
    if (st == LCM_OK && (st = lcm_db_begin(r->db, &err)) == LCM_OK) {
        if ((st = lcm__session_new(r, "cawi", &err)) == LCM_OK &&
            (st = lcm__instance_start(r, sf, meta, NULL, &err)) == LCM_OK) {
            snprintf(r->sess.campaign, sizeof r->sess.campaign, "%s", slug);
            if ((st = lcm__session_save(r, &err)) == LCM_OK)
                st = lcm_db_commit(r->db, &err);
        }
        if (st != LCM_OK)
            lcm_db_rollback(r->db);
    }
    if (st != LCM_OK) {
        fprintf(stderr, "lcmon: serve: %s\n", err.msg);
        r->set_cookie = 0;
        lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器出错，请稍后再试",
                     "The server failed; please try again later");
        return;
    }
    lcm__redirect(r, "/s");
}

void lcm__token_get(lcm__req *r, const char *token) {
    (void)token;
    lcm__message(r, MHD_HTTP_NOT_FOUND, "链接无效", "This link is not valid");
}

void lcm__interviewer_get(lcm__req *r, const char *token) {
    (void)token;
    lcm__message(r, MHD_HTTP_NOT_FOUND, "链接无效", "This link is not valid");
}

void lcm__signin_get(lcm__req *r) {
    lcm__message(r, MHD_HTTP_NOT_FOUND, "页面不存在", "Page not found");
}

void lcm__signin_post(lcm__req *r) {
    lcm__message(r, MHD_HTTP_NOT_FOUND, "页面不存在", "Page not found");
}

void lcm__assignments_get(lcm__req *r) {
    lcm__message(r, MHD_HTTP_NOT_FOUND, "页面不存在", "Page not found");
}

void lcm__assignments_post(lcm__req *r) {
    lcm__message(r, MHD_HTTP_NOT_FOUND, "页面不存在", "Page not found");
}

void lcm__qr_get(lcm__req *r, const char *slug, int png) {
    (void)slug, (void)png;
    lcm__message(r, MHD_HTTP_NOT_FOUND, "页面不存在", "Page not found");
}

lcm_status lcm__field_submitted(lcm__req *r, lcm_err *err) {
    (void)r, (void)err;
    return LCM_OK;
}

lcm_status lcm__places(lcm__req *r, int level, const char *parent, lcm__place **out, size_t *n,
                       lcm_err *err) {
    static const char *const sql[] = {
        "SELECT code, name, coalesce(name_en, name), 0, 0 FROM cities ORDER BY code",
        "SELECT code, name, name, 0, 0 FROM admin_units WHERE level = 'county' AND "
        "city_code = ?1 ORDER BY code",
        "SELECT code, name, name, 0, 0 FROM admin_units WHERE level = 'township' AND "
        "parent_code = ?1 ORDER BY code",
        "SELECT code, name, name, residents_committees, village_committees FROM admin_units "
        "WHERE level = 'township' AND code = ?1",
    };
    *out = NULL;
    *n = 0;
    if (level < 0 || level > 3)
        return LCM_OK;
    sqlite3_stmt *st;
    lcm_status rc = lcm_db_prepare_cached(r->db, sql[level], &st, err);
    if (rc != LCM_OK)
        return rc;
    if (level > 0)
        sqlite3_bind_text(st, 1, parent ? parent : "", -1, SQLITE_TRANSIENT);
    int en = strcmp(r->sess.lang, "en") == 0;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long rc_n = level == 3 ? sqlite3_column_int(st, 3) : 1;
        long vc_n = level == 3 ? sqlite3_column_int(st, 4) : 0;
        for (long k = 0; k < rc_n + vc_n && k < 999; k++) {
            if (*n == cap) {
                cap = cap ? 2 * cap : 64;
                lcm__place *g = realloc(*out, cap * sizeof *g);
                if (!g) {
                    sqlite3_reset(st);
                    free(*out);
                    *out = NULL;
                    *n = 0;
                    return lcm_err_set(err, LCM_NOMEM, "out of memory");
                }
                *out = g;
            }
            lcm__place *p = &(*out)[(*n)++];
            const char *code = (const char *)sqlite3_column_text(st, 0);
            const char *name = (const char *)sqlite3_column_text(st, en ? 2 : 1);
            if (level < 3) {
                snprintf(p->code, sizeof p->code, "%s", code ? code : "");
                snprintf(p->name, sizeof p->name, "%s", name ? name : "");
            } else { /* residents' committees 001.., village committees 201.. */
                long num = k < rc_n ? k + 1 : 201 + (k - rc_n);
                snprintf(p->code, sizeof p->code, "%.9s%03ld", code ? code : "", num);
                snprintf(p->name, sizeof p->name, "%s %03ld",
                         k < rc_n ? (en ? "Residents' committee" : "居委会")
                                  : (en ? "Village committee" : "村委会"),
                         num);
            }
        }
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? LCM_OK : lcm_db_fail(r->db, err, "reading places");
}
