/*
 * serve_page.c - questionnaire pages of `lcmon serve` (see serve.h).
 *
 * A form is cut into units once (lcm__sform_get): a group without groups inside is one
 * page (XLSForm's field-list), a repeat is a page per row (a household member), and any
 * other question or note is a page of its own. Which pages there are depends on the
 * answers (relevance, repeat_count), so the list is made again for every request.
 *
 * A posted page goes through the checks of the terminal interview (interview.h:
 * lcm_interview_check_value before an answer is set, lcm_interview_check_answer after the
 * instance is updated) and the reference checks of lcm_instance_check_reference; what
 * passes is saved as the draft, with the page's paradata and the session, in one
 * transaction committed before the answer goes out. Submitting runs lcm_instance_finish,
 * as an import does, and stores the instance complete.
 *
 * Places: a question holding a city, county or township code (lcmon_reference), and the
 * community code after the township, is a select of names one level below the answer
 * above it; without script the page comes back with the next select after each choice.
 */
#include "field.h"
#include "form_inst.h"
#include "serve_int.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory");
}

/* ---- the units of a form ------------------------------------------------------------ */

/* What a page shows: notes (not csv-external declarations) and questions people answer (not
 * the metadata types the device fills, such as phonenumber or audit). */
static int shown_type(const lcm_field *fd) {
    if ((fd->type == LCM_FT_NOTE && fd->external) ||
        (fd->type == LCM_FT_TEXT && fd->text_kind == LCM_TK_META))
        return 0;
    return fd->type == LCM_FT_NOTE ||
           (lcm__form_has_value(fd->type) && fd->type != LCM_FT_CALCULATE &&
            fd->type < LCM_FT_START && fd->type != LCM_FT_BEGIN_GROUP &&
            fd->type != LCM_FT_BEGIN_REPEAT && fd->type != LCM_FT_END_GROUP &&
            fd->type != LCM_FT_END_REPEAT);
}

static lcm_status add_unit(lcm__sform *sf, int head, lcm__unit_kind kind, int from, int to,
                           lcm_err *err) {
    lcm__unit *u = realloc(sf->units, (sf->nunits + 1) * sizeof *u);
    if (!u)
        return oom(err);
    sf->units = u;
    u = &sf->units[sf->nunits];
    memset(u, 0, sizeof *u);
    u->head = head;
    u->kind = kind;
    u->items = malloc((size_t)(to - from + 1) * sizeof *u->items);
    if (!u->items)
        return oom(err);
    sf->nunits++;
    for (int i = from; i < to; i++)
        if (shown_type(lcm_form_field(sf->f, (size_t)i)))
            u->items[u->nitems++] = i;
    return LCM_OK;
}

static lcm_status build_units(lcm__sform *sf, int from, int to, lcm_err *err) {
    lcm_status st = LCM_OK;
    for (int i = from; i < to && st == LCM_OK;) {
        const lcm_field *fd = lcm_form_field(sf->f, (size_t)i);
        if (fd->type == LCM_FT_BEGIN_GROUP) {
            int nested = 0;
            for (int j = i + 1; j < fd->end; j++) {
                lcm_field_type t = lcm_form_field(sf->f, (size_t)j)->type;
                nested |= t == LCM_FT_BEGIN_GROUP || t == LCM_FT_BEGIN_REPEAT;
            }
            st = nested ? build_units(sf, i + 1, fd->end, err)
                        : add_unit(sf, i, LCM__U_GROUP, i + 1, fd->end, err);
            i = fd->end + 1;
        } else if (fd->type == LCM_FT_BEGIN_REPEAT) {
            st = add_unit(sf, i, LCM__U_REPEAT, i + 1, fd->end, err);
            i = fd->end + 1;
        } else {
            if (shown_type(fd))
                st = add_unit(sf, i, LCM__U_SINGLE, i, i + 1, err);
            i++;
        }
    }
    return st;
}

/* Place questions and the question one level up of each. */
static void find_places(lcm__sform *sf) {
    size_t n = lcm_form_nfields(sf->f);
    int last[4] = {-1, -1, -1, -1};
    for (size_t i = 0; i < n; i++) {
        const lcm_field *fd = lcm_form_field(sf->f, i);
        int level = LCM__PLACE_NONE;
        sf->place[i] = LCM__PLACE_NONE;
        sf->place_parent[i] = -1;
        if (fd->repeat >= 0 || fd->type != LCM_FT_TEXT)
            continue;
        if (fd->reference == LCM_REF_CITY || (fd->column && strcmp(fd->column, "city") == 0))
            level = LCM__PLACE_CITY;
        else if (fd->reference == LCM_REF_COUNTY)
            level = LCM__PLACE_COUNTY;
        else if (fd->reference == LCM_REF_TOWNSHIP)
            level = LCM__PLACE_TOWNSHIP;
        else if (last[LCM__PLACE_TOWNSHIP] >= 0 && fd->constraint) {
            char ref[140];
            snprintf(ref, sizeof ref, "${%s}",
                     lcm_form_field(sf->f, (size_t)last[LCM__PLACE_TOWNSHIP])->name);
            if (strstr(lcm_expr_source(fd->constraint), ref))
                level = LCM__PLACE_COMMUNITY;
        }
        if (level == LCM__PLACE_NONE)
            continue;
        sf->place[i] = level;
        sf->place_parent[i] = level > 0 ? last[level - 1] : -1;
        last[level] = (int)i;
    }
}

lcm_status lcm__sform_get(lcm__req *r, const char *form_id, const char *version, lcm__sform **out,
                          lcm_err *err) {
    lcm__server *s = r->srv;
    lcm_status st = LCM_OK;
    pthread_mutex_lock(&s->mu);
    *out = NULL;
    for (size_t i = 0; i < s->nforms && !*out; i++)
        if (strcmp(s->forms[i]->form_id, form_id) == 0 &&
            (!version || !*version || strcmp(s->forms[i]->version, version) == 0))
            *out = s->forms[i];
    if (!*out) {
        lcm__sform *sf = calloc(1, sizeof *sf), **grown = NULL;
        if (!sf)
            st = oom(err);
        if (st == LCM_OK)
            st = lcm_form_get(r->db, form_id, version && *version ? version : NULL, &sf->f, err);
        if (st == LCM_OK)
            st = lcm_form_askable(sf->f, err);
        if (st == LCM_OK) {
            size_t n = lcm_form_nfields(sf->f);
            snprintf(sf->form_id, sizeof sf->form_id, "%s", lcm_form_id(sf->f));
            snprintf(sf->version, sizeof sf->version, "%s", lcm_form_version(sf->f));
            sf->place = calloc(n + 1, sizeof *sf->place);
            sf->place_parent = calloc(n + 1, sizeof *sf->place_parent);
            sf->memo = calloc(s->ndbs + 1, sizeof *sf->memo);
            grown = realloc(s->forms, (s->nforms + 1) * sizeof *grown);
            st = sf->place && sf->place_parent && sf->memo && grown ? LCM_OK : oom(err);
            if (grown)
                s->forms = grown;
        }
        if (st == LCM_OK)
            st = build_units(sf, 0, (int)lcm_form_nfields(sf->f), err);
        if (st == LCM_OK) {
            find_places(sf);
            s->forms[s->nforms++] = sf;
            *out = sf;
        } else if (sf) {
            for (size_t u = 0; u < sf->nunits; u++)
                free(sf->units[u].items);
            free(sf->units);
            free(sf->place);
            free(sf->place_parent);
            free(sf->memo);
            lcm_form_free(sf->f);
            free(sf);
        }
    }
    pthread_mutex_unlock(&s->mu);
    return st;
}

/* ---- one request's view of the questionnaire ------------------------------------- */

typedef struct pg {
    int unit;
    long row; /* repeat pages: the member, 0 for "no member yet" */
} pg;

typedef struct ctx {
    lcm__req *r;
    lcm__sform *sf;
    const lcm_form *f;
    lcm_instance *in;
    lcm_interview *iv;
    size_t lang;
    pg *pages;
    size_t npages;
    char **err_of;    /* per field: the message to show beside it */
    char **posted_of; /* per field: the refused text, shown again */
    struct {
        int field;
        long row;
        const lcm__file *f;
    } pend[16]; /* files accepted on the posted page, stored with the draft */
    size_t npend;
} ctx;

static void ctx_free(ctx *c) {
    size_t n = c->f ? lcm_form_nfields(c->f) : 0;
    for (size_t i = 0; c->err_of && i < n; i++)
        free(c->err_of[i]), free(c->posted_of[i]);
    free(c->err_of);
    free(c->posted_of);
    free(c->pages);
    lcm_interview_free(c->iv);
    if (c->in && c->sf) /* the remembered results stay with the connection */
        c->sf->memo[c->r->dbi] = lcm__instance_memo_take(c->in);
    lcm_instance_free(c->in);
}

static const lcm_field *fld(const ctx *c, int i) {
    return lcm_form_field(c->f, (size_t)i);
}

int lcm__cawi_hidden(const lcm__req *r, const lcm_field *fd) {
    return strcmp(r->sess.mode, "capi") != 0 && fd->column && fd->repeat < 0 &&
           (strcmp(fd->column, "household_id") == 0 || strcmp(fd->column, "interviewer") == 0);
}

lcm_status lcm__cawi_household(long serial, char out[24], lcm_err *err) {
    if (serial > 0) {
        snprintf(out, 24, "T%06ld", serial);
        return LCM_OK;
    }
    out[0] = 'W';
    return lcm__random_hex(out + 1, 8, err);
}

/* A self-completion instance started before the server filled them (or by another way):
 * the interviewer's questions get their values here. */
static lcm_status cawi_fill(ctx *c, lcm_err *err) {
    lcm_status st = LCM_OK;
    for (size_t i = 0; i < lcm_form_nfields(c->f) && st == LCM_OK; i++) {
        const lcm_field *fd = lcm_form_field(c->f, i);
        if (!lcm__cawi_hidden(c->r, fd) || *lcm_instance_get(c->in, (int)i, 0))
            continue;
        char hh[24];
        if (strcmp(fd->column, "interviewer") == 0)
            st = lcm_instance_set(c->in, (int)i, 0, LCM__CAWI_INTERVIEWER, err);
        else if ((st = lcm__cawi_household(0, hh, err)) == LCM_OK)
            st = lcm_instance_set(c->in, (int)i, 0, hh, err);
    }
    return st;
}

/* deviceid: the browser, not the server's host (what the terminal interview stores): "web-"
 * and 16 hex digits of the SHA-256 of the session id, the same for every page of a browser
 * session and telling nothing of the id itself. start, today and username (the interviewer
 * of the session, or of the assignment) are filled by lcm_interview_new as in the terminal. */
static lcm_status device_set(const lcm__req *r, lcm_instance *in, const lcm_form *f, lcm_err *err) {
    lcm_status st = LCM_OK;
    for (size_t i = 0; i < lcm_form_nfields(f) && st == LCM_OK; i++) {
        if (lcm_form_field(f, i)->type != LCM_FT_DEVICEID || *lcm_instance_get(in, (int)i, 0) ||
            !r->sess.id[0])
            continue;
        char hex[65], dev[24];
        lcm_field_sha256_hex(r->sess.id, strlen(r->sess.id), hex);
        snprintf(dev, sizeof dev, "web-%.16s", hex);
        st = lcm_instance_set(in, (int)i, 0, dev, err);
    }
    return st;
}

static lcm_status device_fill(ctx *c, lcm_err *err) {
    return device_set(c->r, c->in, c->f, err);
}

static lcm_status page_list(ctx *c, lcm_err *err) {
    size_t cap = 0;
    c->npages = 0;
    for (size_t u = 0; u < c->sf->nunits; u++) {
        const lcm__unit *un = &c->sf->units[u];
        int rel = 1;
        lcm_status st = lcm_instance_relevant(c->in, un->head, 0, &rel, err);
        if (st != LCM_OK)
            return st;
        if (!rel)
            continue;
        long from = 0, to = 0;
        if (un->kind == LCM__U_REPEAT) {
            long n = 0;
            if (fld(c, un->head)->repeat_count &&
                (st = lcm_interview_size_repeat(c->iv, un->head, &n, err)) != LCM_OK)
                return st;
            if (!fld(c, un->head)->repeat_count)
                n = lcm_instance_rows(c->in, un->head);
            if (n == 0 && fld(c, un->head)->repeat_count)
                continue;
            from = n ? 1 : 0;
            to = n;
        } else if (un->kind == LCM__U_GROUP) {
            int any = 0;
            for (size_t k = 0; k < un->nitems && !any; k++)
                if ((st = lcm_instance_relevant(c->in, un->items[k], 0, &any, err)) != LCM_OK)
                    return st;
            if (!any)
                continue;
        }
        for (long row = from; row <= to; row++) {
            if (c->npages == cap) {
                cap = cap ? 2 * cap : 32;
                pg *g = realloc(c->pages, cap * sizeof *g);
                if (!g)
                    return oom(err);
                c->pages = g;
            }
            c->pages[c->npages++] = (pg){(int)u, row};
        }
    }
    return LCM_OK;
}

static void page_key(const ctx *c, size_t k, char *buf, size_t cap) {
    const lcm__unit *un = &c->sf->units[c->pages[k].unit];
    if (un->kind == LCM__U_REPEAT)
        snprintf(buf, cap, "%s:%ld", fld(c, un->head)->name, c->pages[k].row);
    else
        snprintf(buf, cap, "%s", fld(c, un->head)->name);
}

/* Index of the page called key, or -1. */
static long page_find(const ctx *c, const char *key) {
    char buf[200];
    for (size_t k = 0; k < c->npages; k++) {
        page_key(c, k, buf, sizeof buf);
        if (strcmp(buf, key) == 0)
            return (long)k;
    }
    return -1;
}

/* Open the session's instance. On failure the answer is made and 0 returned. */
static int complete(const ctx *c);

static int ctx_open(lcm__req *r, ctx *c) {
    lcm_err err = {0};
    memset(c, 0, sizeof *c);
    c->r = r;
    if (!r->sess.found || !r->sess.instance_id[0]) {
        lcm__message(r, MHD_HTTP_FORBIDDEN, "请通过调查组提供的链接进入问卷",
                     "Please open the questionnaire from the link the survey team gave you");
        return 0;
    }
    lcm_status st = lcm__sform_get(r, r->sess.form_id, r->sess.form_version, &c->sf, &err);
    if (st == LCM_OK && r->fresh && r->fresh->f == c->sf->f &&
        strcmp(lcm_instance_meta(r->fresh, "instance_id"), r->sess.instance_id) == 0) {
        c->f = c->sf->f; /* just started by this request (lcm__instance_start) */
        c->in = r->fresh;
        r->fresh = NULL;
    } else if (st == LCM_OK) {
        /* the main row and the roster rows in one read: one snapshot, and one look at
         * whether the connection's pages are still good */
        int read = sqlite3_get_autocommit(lcm_db_sqlite(r->db)) &&
                   lcm_db_run_cached(r->db, "BEGIN", NULL) == LCM_OK;
        c->f = c->sf->f;
        st = lcm_instance_load(r->db, c->f, r->sess.instance_id, &c->in, &err);
        if (read && lcm_db_run_cached(r->db, "COMMIT", NULL) != LCM_OK)
            lcm_db_rollback(r->db);
    }
    if (st == LCM_OK) {
        lcm__instance_memo_give(c->in, c->sf->memo[r->dbi]);
        c->sf->memo[r->dbi] = NULL;
    }
    if (st == LCM_OK && !complete(c))
        st = cawi_fill(c, &err);
    if (st == LCM_OK && !complete(c))
        st = device_fill(c, &err);
    if (st == LCM_OK)
        st = lcm_interview_new(c->in, r->sess.lang, NULL, &c->iv, &err);
    if (st == LCM_OK) {
        size_t n = lcm_form_nfields(c->f);
        c->lang = lcm_interview_lang(c->iv);
        c->err_of = calloc(n, sizeof *c->err_of);
        c->posted_of = calloc(n, sizeof *c->posted_of);
        st = c->err_of && c->posted_of ? page_list(c, &err) : oom(&err);
    }
    if (st != LCM_OK) {
        fprintf(stderr, "lcmon: serve: %s\n", err.msg);
        lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器出错，请稍后再试",
                     "The server failed; please try again later");
        ctx_free(c);
        return 0;
    }
    return 1;
}

static int complete(const ctx *c) {
    const char *s = lcm_instance_meta(c->in, "status");
    return s && strcmp(s, "complete") == 0;
}

/* ---- rendering ------------------------------------------------------------------- */

static void text(ctx *c, const char *t) {
    lcm_serve_html(&c->r->out, t);
}

static void raw(ctx *c, const char *t) {
    lcm_strbuf_adds(&c->r->out, t);
}

/* The texts given, up to a NULL, one after the other: what a page repeats for every question
 * and choice, without printf's parsing of a format (4% of the server). The texts are markup
 * or field names (identifiers); answers and labels go through text(). */
static void cat(lcm_strbuf *o, const char *first, ...) {
    va_list ap;
    va_start(ap, first);
    for (const char *t = first; t; t = va_arg(ap, const char *))
        lcm_strbuf_adds(o, t);
    va_end(ap);
}

/* n in decimal into buf (at least 24 bytes). */
static const char *num(char *buf, long long n) {
    char tmp[24];
    size_t k = 0;
    unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
    do
        tmp[k++] = (char)('0' + u % 10);
    while ((u /= 10) && k < sizeof tmp);
    size_t o = 0;
    if (n < 0)
        buf[o++] = '-';
    while (k)
        buf[o++] = tmp[--k];
    buf[o] = '\0';
    return buf;
}

/* A label or hint with ${name} filled in, escaped. */
static void form_text(ctx *c, int i, long row, const char *const *texts) {
    char *t = lcm_interview_fill(c->iv, i, row, lcm_form_text(c->f, texts, c->lang));
    text(c, t ? t : "");
    free(t);
}

/* The page's header; at == npages is the review page, whose language link comes back to it. */
static void header(ctx *c, long at) {
    lcm__req *r = c->r;
    lcm__head(r, lcm_form_title(c->f));
    raw(c, "<header><span class=\"title\">");
    text(c, lcm_form_title(c->f));
    raw(c, at >= (long)c->npages ? "</span><a class=\"lang\" href=\"/s/review?lang="
                                 : "</span><a class=\"lang\" href=\"/s?lang=");
    raw(c,
        strcmp(r->sess.lang, "en") == 0 ? "zh\" lang=\"zh-CN\">中文" : "en\" lang=\"en\">English");
    raw(c, "</a></header>");
    lcm_strbuf_addf(&r->out,
                    "<progress id=\"progress\" value=\"%ld\" max=\"%zu\" aria-label=\"%s\">"
                    "%ld/%zu</progress>",
                    at + 1, c->npages + 1, lcm__say(r, "进度", "Progress"), at + 1, c->npages + 1);
}

static const char *choice_label(const ctx *c, const lcm_choice *ch) {
    const char *l = lcm_form_text(c->f, ch->label, c->lang);
    return *l ? l : ch->name;
}

/* 1 when code is one of the space-separated codes of v. */
static int has_code(const char *v, const char *code) {
    size_t n = strlen(code);
    for (const char *p = v; *p;) {
        p += strspn(p, " ");
        size_t k = strcspn(p, " ");
        if (k == n && strncmp(p, code, n) == 0)
            return 1;
        p += k;
    }
    return 0;
}

static void place_select(ctx *c, int i, const char *v) {
    const lcm_field *fd = fld(c, i);
    int par = c->sf->place_parent[i];
    const char *parent = par >= 0 ? lcm_instance_get(c->in, par, 0) : NULL;
    lcm__place *pl = NULL;
    size_t n = 0;
    lcm_err err = {0};
    lcm_strbuf_addf(&c->r->out, "<select id=\"q-%s\" name=\"q:%s\" data-cascade=\"1\"", fd->name,
                    fd->name);
    if (par >= 0 && !*parent) {
        raw(c, " disabled><option value=\"\">");
        text(c, lcm__say(c->r, "请先选择上一级", "Choose the level above first"));
        raw(c, "</option></select>");
        return;
    }
    raw(c, "><option value=\"\">");
    text(c, lcm__say(c->r, "请选择", "Choose"));
    raw(c, "</option>");
    if (lcm__places(c->r, c->sf->place[i], parent, &pl, &n, &err) != LCM_OK)
        fprintf(stderr, "lcmon: serve: %s\n", err.msg);
    for (size_t k = 0; k < n; k++) {
        raw(c, "<option value=\"");
        text(c, pl[k].code);
        raw(c, strcmp(pl[k].code, v) == 0 ? "\" selected>" : "\">");
        text(c, pl[k].name);
        raw(c, "</option>");
    }
    free(pl);
    raw(c, "</select>");
}

static void choices(ctx *c, int i, long row, const char *v, int multiple) {
    const lcm_field *fd = fld(c, i);
    const char *type = multiple ? "checkbox" : "radio";
    for (size_t k = 0; k < fd->list->n; k++) {
        const lcm_choice *ch = &fd->list->items[k];
        int vis = 1;
        if (lcm_instance_choice_visible(c->in, i, row, ch, &vis, NULL) != LCM_OK || !vis)
            continue;
        char kb[24];
        num(kb, (long long)k);
        cat(&c->r->out, "<label class=\"opt\" for=\"q-", fd->name, "-", kb, "\"><input type=\"",
            type, "\" id=\"q-", fd->name, "-", kb, "\" name=\"q:", fd->name, "\" value=\"", NULL);
        text(c, ch->name);
        raw(c, has_code(v, ch->name) ? "\" checked> " : "\"> ");
        text(c, choice_label(c, ch));
        raw(c, "</label>");
    }
}

static void range_choices(ctx *c, int i, const char *v) {
    const lcm_field *fd = fld(c, i);
    int k = 0;
    for (double x = fd->range_start; x <= fd->range_end + 1e-9 && k < 101; x += fd->range_step) {
        char num[40];
        snprintf(num, sizeof num, "%g", x);
        lcm_strbuf_addf(&c->r->out,
                        "<label class=\"opt scale\" for=\"q-%s-%d\"><input type=\"radio\" "
                        "id=\"q-%s-%d\" name=\"q:%s\" value=\"%s\"%s> %s</label>",
                        fd->name, k, fd->name, k, fd->name, num,
                        strcmp(v, num) == 0 ? " checked" : "", num);
        k++;
        if (fd->range_step <= 0)
            break;
    }
}

/* The types a media question takes, for the browser's file chooser (the server checks the
 * file's own bytes again). */
static const char *media_accept(const char *media_type) {
    if (strcmp(media_type, "image") == 0)
        return "image/jpeg,image/png,image/webp";
    if (strcmp(media_type, "audio") == 0)
        return "audio/mpeg,audio/mp4,.mp3,.m4a";
    if (strcmp(media_type, "video") == 0)
        return "video/mp4,video/webm";
    return "image/jpeg,image/png,image/webp,audio/mpeg,audio/mp4,video/mp4,video/webm,"
           "application/pdf";
}

/* An image, audio, video or file question: a file chooser; the file kept so far is named
 * beside it (choosing none keeps it). */
static void media_input(ctx *c, int i, const char *v) {
    const lcm_field *fd = fld(c, i);
    lcm__req *r = c->r;
    if (*v) {
        lcm_strbuf_addf(&r->out, "<p class=\"kept\" id=\"k-%s\">%s", fd->name,
                        lcm__say(r, "已上传：", "Uploaded: "));
        text(c, v);
        raw(c, "</p>");
    }
    lcm_strbuf_addf(&r->out,
                    "<input type=\"file\" id=\"q-%s\" name=\"q:%s\" accept=\"%s\"%s "
                    "aria-describedby=\"h-%s e-%s\">",
                    fd->name, fd->name, media_accept(fd->media_type ? fd->media_type : "file"),
                    fd->required && !*v ? " aria-required=\"true\"" : "", fd->name, fd->name);
}

/* 1 when question i needs an answer in row: `required` yes, or its expression true now. */
static int needs_answer(ctx *c, int i, long row) {
    int need = 0;
    lcm_err e;
    lcm_err_clear(&e);
    return lcm_instance_required(c->in, i, row, &need, &e) == LCM_OK && need;
}

static void question(ctx *c, int i, long row) {
    const lcm_field *fd = fld(c, i);
    lcm__req *r = c->r;
    const char *v = c->posted_of[i] ? c->posted_of[i] : lcm_instance_get(c->in, i, row);
    char *dflt = NULL; /* a default; one that is an expression (${q0} + 1) evaluated now */
    if (!*v && (fd->default_value || fd->default_expr) && !c->posted_of[i]) {
        lcm_err derr = {0};
        if (lcm_instance_default(c->in, i, row, &dflt, &derr) == LCM_OK && dflt)
            v = dflt; /* a default that cannot be evaluated leaves the question empty */
        lcm_err_clear(&derr);
    }
    int group = (fd->list && c->sf->place[i] == LCM__PLACE_NONE) || fd->type == LCM_FT_RANGE;
    cat(&r->out, "<div class=\"q", c->err_of[i] ? " has-err" : "", "\" id=\"w-", fd->name, "\">",
        NULL);
    if (group)
        cat(&r->out, "<fieldset aria-describedby=\"h-", fd->name, " e-", fd->name, "\"><legend>",
            NULL);
    else
        cat(&r->out, "<label for=\"q-", fd->name, "\">", NULL);
    form_text(c, i, row, fd->label);
    if (needs_answer(c, i, row))
        cat(&r->out, "<span class=\"req\" aria-label=\"", lcm__say(r, "必答", "required"),
            "\">*</span>", NULL);
    raw(c, group ? "</legend>" : "</label>");
    const char *hint = lcm_form_text(c->f, fd->hint, c->lang);
    if (*hint && c->sf->place[i] == LCM__PLACE_NONE) { /* a place's hint is about its code */
        cat(&r->out, "<p class=\"hint\" id=\"h-", fd->name, "\">", NULL);
        form_text(c, i, row, fd->hint);
        raw(c, "</p>");
    }
    if (c->err_of[i]) {
        lcm_strbuf_addf(&r->out, "<p class=\"err\" id=\"e-%s\" role=\"alert\">", fd->name);
        text(c, c->err_of[i]);
        raw(c, "</p>");
    }
    if (fd->read_only) {
        raw(c, "<p class=\"ro\">");
        text(c, v);
        raw(c, "</p>");
    } else if (c->sf->place[i] != LCM__PLACE_NONE)
        place_select(c, i, v);
    else if (fd->type == LCM_FT_SELECT_ONE || fd->type == LCM_FT_SELECT_MULTIPLE)
        choices(c, i, row, v, fd->type == LCM_FT_SELECT_MULTIPLE);
    else if (fd->type == LCM_FT_RANGE)
        range_choices(c, i, v);
    else if (fd->type == LCM_FT_TEXT && fd->text_kind == LCM_TK_MEDIA)
        media_input(c, i, v);
    else {
        const char *type = "text", *mode = "";
        if (fd->type == LCM_FT_INTEGER)
            mode = " inputmode=\"numeric\"";
        else if (fd->type == LCM_FT_DECIMAL)
            mode = " inputmode=\"decimal\"";
        else if (fd->type == LCM_FT_DATE)
            type = "date";
        else if (fd->type == LCM_FT_TEXT && fd->text_kind == LCM_TK_GEOPOINT)
            mode = " inputmode=\"decimal\" data-geo=\"1\" placeholder=\"39.9042 116.4074\"";
        int multiline = fd->appearance && strstr(fd->appearance, "multiline");
        if (multiline)
            cat(&r->out, "<textarea id=\"q-", fd->name, "\" name=\"q:", fd->name, "\" rows=\"4\"",
                NULL);
        else
            cat(&r->out, "<input type=\"", type, "\"", mode, " id=\"q-", fd->name,
                "\" name=\"q:", fd->name, "\" value=\"", NULL);
        if (!multiline)
            text(c, v);
        cat(&r->out, "\"", needs_answer(c, i, row) ? " aria-required=\"true\"" : "",
            " aria-describedby=\"h-", fd->name, " e-", fd->name, "\">", NULL);
        if (multiline) {
            r->out.len--; /* the '"' before the attributes is not wanted here */
            r->out.buf[r->out.len] = '\0';
            text(c, v);
            raw(c, "</textarea>");
        }
    }
    raw(c, group ? "</fieldset></div>" : "</div>");
    free(dflt);
}

/* 1 when field i is on the page now: relevant, and a place with the level above answered. */
static int on_page(ctx *c, int i, long row) {
    int rel = 0;
    if (lcm__cawi_hidden(c->r, fld(c, i)))
        return 0;
    if (lcm_instance_relevant(c->in, i, row, &rel, NULL) != LCM_OK || !rel)
        return 0;
    int par = c->sf->place[i] != LCM__PLACE_NONE ? c->sf->place_parent[i] : -1;
    return par < 0 || *lcm_instance_get(c->in, par, 0);
}

/* The repeat_count of repeat u when it is just ${field} of an integer outside repeats: the
 * field, whose answer add and remove change; else -1. */
static int count_field(const ctx *c, const lcm__unit *un) {
    const lcm_field *fd = fld(c, un->head);
    if (!fd->repeat_count)
        return -1;
    const char *s = lcm_expr_source(fd->repeat_count);
    char name[130];
    size_t n = strlen(s);
    if (n < 4 || n > 120 || strncmp(s, "${", 2) != 0 || s[n - 1] != '}')
        return -1;
    snprintf(name, sizeof name, "%.*s", (int)(n - 3), s + 2);
    int k = lcm_form_find(c->f, name);
    return k >= 0 && fld(c, k)->repeat < 0 && fld(c, k)->type == LCM_FT_INTEGER ? k : -1;
}

/* The address of page key (r->at): /s?p=KEY, the key percent-encoded where it must be. */
static void at_page(lcm__req *r, const char *key) {
    static const char hex[] = "0123456789ABCDEF";
    size_t n = (size_t)snprintf(r->at, sizeof r->at, "/s?p=");
    for (const unsigned char *p = (const unsigned char *)key; *p && n + 4 < sizeof r->at; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '_' || *p == '-' || *p == '.' || *p == ':')
            r->at[n++] = (char)*p;
        else {
            r->at[n++] = '%';
            r->at[n++] = hex[*p >> 4];
            r->at[n++] = hex[*p & 15];
        }
    r->at[n] = '\0';
}

static void render_page(ctx *c, long k) {
    lcm__req *r = c->r;
    const pg *p = &c->pages[k];
    const lcm__unit *un = &c->sf->units[p->unit];
    char key[200];
    page_key(c, (size_t)k, key, sizeof key);
    header(c, k);
    int files = 0; /* a page with a media question posts multipart/form-data */
    for (size_t j = 0; j < un->nitems; j++)
        files |= fld(c, un->items[j])->text_kind == LCM_TK_MEDIA &&
                 fld(c, un->items[j])->type == LCM_FT_TEXT;
    raw(c, files ? "<form method=\"post\" action=\"/s\" enctype=\"multipart/form-data\" "
                   "novalidate>"
                 : "<form method=\"post\" action=\"/s\" novalidate>");
    lcm__csrf_field(r);
    raw(c, "<input type=\"hidden\" name=\"_page\" value=\"");
    text(c, key);
    lcm_strbuf_addf(&r->out, "\"><input type=\"hidden\" name=\"_shown\" value=\"%lld\">",
                    r->now_ms);
    if (un->kind != LCM__U_SINGLE) {
        raw(c, "<h1>");
        form_text(c, un->head, 0, fld(c, un->head)->label);
        if (un->kind == LCM__U_REPEAT && p->row > 0)
            lcm_strbuf_addf(&r->out, " <span class=\"row\">%s %ld/%ld</span>",
                            lcm__say(r, "第", "No."), p->row, lcm_instance_rows(c->in, un->head));
        raw(c, "</h1>");
    }
    if (un->kind == LCM__U_REPEAT && p->row == 0) {
        raw(c, "<p class=\"note\">");
        text(c, lcm__say(r, "还没有添加成员。", "No one has been added yet."));
        raw(c, "</p>");
    }
    long row = un->kind == LCM__U_REPEAT ? p->row : 0;
    for (size_t j = 0; j < un->nitems && !(un->kind == LCM__U_REPEAT && row == 0); j++) {
        int i = un->items[j];
        int rel = 0;
        if (lcm__cawi_hidden(r, fld(c, i)) ||
            lcm_instance_relevant(c->in, i, row, &rel, NULL) != LCM_OK || !rel)
            continue;
        if (fld(c, i)->type == LCM_FT_NOTE) {
            raw(c, "<p class=\"note\">");
            form_text(c, i, row, fld(c, i)->label);
            raw(c, "</p>");
        } else
            question(c, i, row);
    }
    raw(c, "<div class=\"nav\"><button type=\"submit\" name=\"_nav\" value=\"next\" "
           "class=\"primary\">");
    text(c, k + 1 < (long)c->npages ? lcm__say(r, "下一页", "Next")
                                    : lcm__say(r, "检查并提交", "Review and submit"));
    raw(c, "</button>");
    if (k > 0) {
        raw(c, "<button type=\"submit\" name=\"_nav\" value=\"back\" class=\"back\">");
        text(c, lcm__say(r, "上一页", "Back"));
        raw(c, "</button>");
    }
    raw(c, "</div>");
    if (un->kind == LCM__U_REPEAT) {
        int cf = count_field(c, un);
        int can = !fld(c, un->head)->repeat_count || cf >= 0;
        if (can) {
            raw(c, "<div class=\"roster\"><button type=\"submit\" name=\"_nav\" value=\"add\">");
            text(c, lcm__say(r, "添加成员", "Add a member"));
            raw(c, "</button>");
            if (row > 0) {
                raw(c, "<button type=\"submit\" name=\"_nav\" value=\"remove\" class=\"danger\">");
                text(c, lcm__say(r, "删除此成员", "Remove this member"));
                raw(c, "</button>");
            }
            raw(c, "</div>");
        }
    }
    raw(c, "</form>");
    lcm__foot(r);
}

void lcm__page_get(lcm__req *r) {
    ctx c;
    if (!ctx_open(r, &c))
        return;
    if (complete(&c)) {
        lcm__redirect(r, "/s/done");
        ctx_free(&c);
        return;
    }
    const char *want = lcm_serve_form_get(&r->query, "p");
    if (!want)
        want = r->sess.page;
    if (strcmp(want, "review") == 0) {
        ctx_free(&c);
        lcm__redirect(r, "/s/review");
        return;
    }
    long k = page_find(&c, want);
    if (k < 0)
        k = 0;
    if (c.npages == 0) {
        ctx_free(&c);
        lcm__redirect(r, "/s/review");
        return;
    }
    render_page(&c, k);
    ctx_free(&c);
}

/* ---- a posted page --------------------------------------------------------------- */

static void set_err(ctx *c, int i, const char *msg, const char *posted) {
    free(c->err_of[i]);
    c->err_of[i] = strdup(msg);
    if (posted) {
        free(c->posted_of[i]);
        c->posted_of[i] = strdup(posted);
    }
}

/* The answer to a media question: the name lcmon gives the file posted for it ("<first 16
 * hex digits of its SHA-256>.<type's ending>"), kept to be stored with the draft; without a
 * file, the answer it had. A file too big or of a type the question does not take is refused
 * beside it (the answer it had stays). Malloc'd; NULL when out of memory. */
static char *media_posted(ctx *c, int i, long row) {
    const lcm_field *fd = fld(c, i);
    lcm__req *r = c->r;
    char name[160];
    snprintf(name, sizeof name, "q:%s", fd->name);
    lcm__file *f = lcm__upload_find(r, name);
    const char *old = lcm_instance_get(c->in, i, row);
    if (!f || (!f->len && !f->too_big))
        return strdup(old);
    const char *ext = NULL, *mime = f->len ? lcm_serve_sniff(f->data, f->len, &ext) : NULL;
    size_t max = r->srv->o.max_upload ? r->srv->o.max_upload : LCM_SERVE_MAX_UPLOAD;
    char msg[200];
    if (f->too_big) {
        if (strcmp(r->sess.lang, "en") == 0)
            snprintf(msg, sizeof msg, "The file is too large: at most %zu bytes", max);
        else
            snprintf(msg, sizeof msg, "文件太大：最多 %zu 字节", max);
        set_err(c, i, msg, NULL);
    } else if (!lcm_serve_upload_allowed(fd->media_type, mime) ||
               c->npend >= sizeof c->pend / sizeof c->pend[0])
        set_err(c, i,
                strcmp(fd->media_type ? fd->media_type : "", "image") == 0
                    ? lcm__say(r, "请上传照片（JPEG、PNG 或 WebP）",
                               "Upload a photo (JPEG, PNG or WebP)")
                : strcmp(fd->media_type ? fd->media_type : "", "audio") == 0
                    ? lcm__say(r, "请上传录音（MP3 或 M4A）", "Upload a recording (MP3 or M4A)")
                : strcmp(fd->media_type ? fd->media_type : "", "video") == 0
                    ? lcm__say(r, "请上传视频（MP4 或 WebM）", "Upload a video (MP4 or WebM)")
                    : lcm__say(r, "不接受这种文件：请上传照片、录音、视频或 PDF",
                               "This kind of file is not taken: upload a photo, recording, "
                               "video or PDF"),
                NULL);
    else {
        f->mime = mime;
        lcm_field_sha256_hex(f->data, f->len, f->sha256);
        snprintf(f->stored, sizeof f->stored, "%.16s.%s", f->sha256, ext);
        c->pend[c->npend].field = i;
        c->pend[c->npend].row = fd->repeat >= 0 ? row : 0;
        c->pend[c->npend++].f = f;
        return strdup(f->stored);
    }
    return strdup(old);
}

/* The posted answer to field: its values joined by spaces (several for a select_multiple);
 * NULL when the page sent none (an empty radio group sends nothing). Malloc'd. */
static char *posted(const ctx *c, int i, int *present) {
    const lcm_field *fd = fld(c, i);
    char name[160];
    lcm_strbuf sb = LCM_STRBUF_INIT;
    snprintf(name, sizeof name, "q:%s", fd->name);
    *present = 0;
    for (size_t k = 0; k < c->r->body.n; k++) {
        if (strcmp(c->r->body.pairs[k].name, name) != 0)
            continue;
        const char *v = c->r->body.pairs[k].value;
        if (fd->type != LCM_FT_TEXT) /* numbers, dates, codes: no spaces around */
            while (*v == ' ')
                v++;
        size_t n = strlen(v);
        if (fd->type != LCM_FT_TEXT)
            while (n && v[n - 1] == ' ')
                n--;
        if (*present && fd->type != LCM_FT_SELECT_MULTIPLE)
            break;
        if (sb.len && n)
            lcm_strbuf_addc(&sb, ' ');
        lcm_strbuf_add(&sb, v, n);
        *present = 1;
    }
    return lcm_strbuf_detach(&sb);
}

/* Each code of v is a choice the page showed. */
static int codes_shown(ctx *c, int i, long row, const char *v) {
    const lcm_field *fd = fld(c, i);
    if (!fd->list)
        return 1;
    for (const char *p = v; *p;) {
        p += strspn(p, " ");
        size_t n = strcspn(p, " ");
        if (!n)
            break;
        int ok = 0;
        for (size_t k = 0; k < fd->list->n && !ok; k++) {
            const lcm_choice *ch = &fd->list->items[k];
            int vis = 0;
            if (strlen(ch->name) == n && strncmp(ch->name, p, n) == 0 &&
                lcm_instance_choice_visible(c->in, i, row, ch, &vis, NULL) == LCM_OK && vis)
                ok = 1;
        }
        if (!ok)
            return 0;
        p += n;
    }
    return 1;
}

/* Remove row k of repeat r, the rows after it moving up. */
static lcm_status remove_row(ctx *c, int rep, long k, lcm_err *err) {
    const lcm_field *fd = fld(c, rep);
    long n = lcm_instance_rows(c->in, rep);
    lcm_status st = LCM_OK;
    for (long row = k; row < n && st == LCM_OK; row++)
        for (int i = rep + 1; i < fd->end && st == LCM_OK; i++) {
            if (fld(c, i)->repeat != rep || !lcm__form_has_value(fld(c, i)->type))
                continue;
            char *v = strdup(lcm_instance_get(c->in, i, row + 1));
            st = v ? lcm_instance_set(c->in, i, row, v, err) : oom(err);
            free(v);
        }
    if (st == LCM_OK && n >= k)
        lcm__instance_truncate_rows(c->in, rep, n - 1);
    return st;
}

/* Save the draft, the page's paradata and the session in one transaction. */
static lcm_status save(ctx *c, const char *key, long long shown, int back, lcm_err *err) {
    lcm__req *r = c->r;
    lcm_status st = lcm_instance_draft(c->in, err);
    if (st == LCM_OK && (st = lcm__begin_group(r, err)) == LCM_OK) {
        for (size_t k = 0; st == LCM_OK && k < c->npend; k++)
            st = lcm__upload_store(r, lcm_instance_meta(c->in, "instance_id"),
                                   fld(c, c->pend[k].field)->name, c->pend[k].row, c->pend[k].f,
                                   err);
        if (st == LCM_OK && (st = lcm_instance_save(r->db, c->in, err)) == LCM_OK &&
            (!key || (st = lcm__paradata(r, key, shown, back, err)) == LCM_OK) &&
            (st = lcm__session_save(r, err)) == LCM_OK)
            st = lcm__commit(r, err);
        if (st != LCM_OK)
            lcm__rollback(r);
    }
    return st;
}

static void failed(lcm__req *r, const lcm_err *err) {
    fprintf(stderr, "lcmon: serve: %s\n", err->msg);
    lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器出错，请稍后再试",
                 "The server failed; please try again later");
}

static void submit(ctx *c);
static void review(ctx *c, const char *problem);
static void done_page(ctx *c);

/* A page saved: answer with the page that comes next (status 200) rather than a redirect
 * the browser would follow with a second request for it. The page names its own address
 * (Content-Location, and data-at for lcmon.js's history.replaceState), so a reload or the
 * back button asks for that page by address; without script a reload posts the same
 * answers again, which saves them again and shows the same page. */
static void show_next(ctx *c, const char *key) {
    lcm__req *r = c->r;
    size_t nf = lcm_form_nfields(c->f);
    for (size_t i = 0; i < nf; i++) { /* a message of the page left behind is not this one's */
        free(c->err_of[i]), free(c->posted_of[i]);
        c->err_of[i] = c->posted_of[i] = NULL;
    }
    r->status = MHD_HTTP_OK;
    lcm_strbuf_clear(&r->out);
    if (strcmp(key, "review") == 0) {
        snprintf(r->at, sizeof r->at, "/s/review");
        review(c, NULL);
        return;
    }
    lcm_err err = {0};
    long k = page_list(c, &err) == LCM_OK ? page_find(c, key) : -1;
    if (k < 0) {
        lcm__redirect(r, "/s");
        return;
    }
    at_page(r, key);
    render_page(c, k);
}

void lcm__page_post(lcm__req *r) {
    ctx c;
    lcm_err err = {0};
    if (!lcm__csrf_ok(r) || !ctx_open(r, &c))
        return;
    const char *nav = lcm_serve_form_get(&r->body, "_nav");
    if (complete(&c)) {
        if (nav && strcmp(nav, "submit") == 0) /* the submit posted again (a reload) */
            done_page(&c);
        else
            lcm__message(r, MHD_HTTP_CONFLICT, "问卷已提交，不能再修改",
                         "This questionnaire has been submitted and cannot be changed");
        ctx_free(&c);
        return;
    }
    const char *key = lcm_serve_form_get(&r->body, "_page");
    const char *shown_s = lcm_serve_form_get(&r->body, "_shown");
    long long shown = shown_s ? strtoll(shown_s, NULL, 10) : 0;
    if (!nav)
        nav = "next";
    if (strcmp(nav, "submit") == 0) {
        submit(&c);
        ctx_free(&c);
        return;
    }
    long k = key ? page_find(&c, key) : -1;
    if (k < 0) { /* the answers changed the pages since this one was shown */
        ctx_free(&c);
        lcm__redirect(r, "/s");
        return;
    }
    const pg p = c.pages[k];
    const lcm__unit *un = &c.sf->units[p.unit];
    long row = un->kind == LCM__U_REPEAT ? p.row : 0;
    int back = strcmp(nav, "back") == 0, stay = strcmp(nav, "stay") == 0;
    size_t nf = lcm_form_nfields(c.f);
    unsigned char *was = calloc(nf, 1);
    lcm_status st = was ? LCM_OK : oom(&err);
    int again = 0; /* the page comes back: refused answers, or questions that appeared */

    /* 1. the answers of the questions the page showed (as they were before these answers),
     * each checked as it is set */
    for (size_t j = 0; st == LCM_OK && j < un->nitems && !(un->kind == LCM__U_REPEAT && row == 0);
         j++) {
        int i = un->items[j];
        const lcm_field *fd = fld(&c, i);
        if (fd->type != LCM_FT_NOTE && !fd->read_only && on_page(&c, i, row))
            was[i] = 1;
    }
    for (size_t j = 0; st == LCM_OK && j < un->nitems && !(un->kind == LCM__U_REPEAT && row == 0);
         j++) {
        int i = un->items[j], present;
        /* a place whose level above was chosen in this same post may come with it (a
         * browser without script that knew the codes); its code is checked as any */
        int late = !was[i] && c.sf->place[i] != LCM__PLACE_NONE && on_page(&c, i, row);
        if (!was[i] && !late)
            continue;
        const lcm_field *fdi = fld(&c, i);
        int media = fdi->type == LCM_FT_TEXT && fdi->text_kind == LCM_TK_MEDIA;
        char *v = media ? media_posted(&c, i, row) : posted(&c, i, &present);
        if (!v) {
            st = oom(&err);
            break;
        }
        present |= media;
        if (late && !present) {
            free(v);
            continue;
        }
        was[i] = 1;
        char *old = strdup(lcm_instance_get(c.in, i, row));
        int par = c.sf->place[i] != LCM__PLACE_NONE ? c.sf->place_parent[i] : -1;
        if (par >= 0 && was[par] == 2 && old && strcmp(old, v) == 0) {
            *v = '\0'; /* the level above changed and this one did not: choose again */
            again = 1;
        }
        lcm_err why = {0};
        if (!codes_shown(&c, i, row, v))
            set_err(&c, i, lcm__say(r, "请从列出的选项中选择", "Choose among the answers listed"),
                    v);
        else if (lcm_interview_check_value(c.iv, i, row, v, &why) != LCM_OK)
            set_err(&c, i, why.msg, v);
        else if ((st = lcm_instance_set(c.in, i, row, v, &err)) == LCM_OK && old &&
                 strcmp(old, v) != 0 && c.sf->place[i] != LCM__PLACE_NONE)
            was[i] = 2;
        if (st == LCM_OK && !c.err_of[i] && c.sf->place[i] != LCM__PLACE_NONE && *v &&
            lcm_instance_check_reference(r->db, c.in, i, &why) != LCM_OK) {
            set_err(&c, i, why.msg, v);
            lcm_instance_set(c.in, i, row, "", NULL);
        }
        free(old);
        free(v);
    }
    if (st == LCM_OK)
        st = lcm_instance_update(c.in, &err);
    /* 2. what depends on the whole instance: required answers, full constraints; a
     * question that appeared with these answers is shown, not yet an error */
    for (size_t j = 0; st == LCM_OK && j < un->nitems && !back && !stay; j++) {
        int i = un->items[j];
        const lcm_field *fd = fld(&c, i);
        if (fd->type == LCM_FT_NOTE || fd->read_only || c.err_of[i] || !on_page(&c, i, row))
            continue;
        if (!was[i]) {
            again = 1;
            continue;
        }
        lcm_err why = {0};
        if (lcm_interview_check_answer(c.iv, i, row, &why) != LCM_OK)
            set_err(&c, i, why.msg, NULL);
    }
    again |= stay;
    for (size_t i = 0; i < nf; i++)
        again |= c.err_of[i] != NULL && !back;
    /* 3. members added or removed */
    char next_key[200] = "";
    if (st == LCM_OK && !again && un->kind == LCM__U_REPEAT &&
        (strcmp(nav, "add") == 0 || strcmp(nav, "remove") == 0)) {
        int add = strcmp(nav, "add") == 0, cf = count_field(&c, un);
        long n = lcm_instance_rows(c.in, un->head), pos;
        if (add && n >= LCM_FORM_MAX_ROWS)
            again = 1;
        else if (cf >= 0) {
            char num[24];
            lcm_err why = {0};
            snprintf(num, sizeof num, "%ld", add ? n + 1 : n - 1);
            if (!add && (st = remove_row(&c, un->head, row, &err)) != LCM_OK)
                ;
            else if (lcm_interview_check_value(c.iv, cf, 0, num, &why) != LCM_OK) {
                lcm__message(r, 422, why.msg, why.msg);
                free(was);
                ctx_free(&c);
                return;
            } else
                st = lcm_instance_set(c.in, cf, 0, num, &err);
        } else if (add)
            st = lcm_instance_add_row(c.in, un->head, &pos, &err);
        else if (row > 0)
            st = remove_row(&c, un->head, row, &err);
        if (st == LCM_OK)
            st = lcm_instance_update(c.in, &err);
        long now = add ? n + 1 : (row > 1 ? row - 1 : (n > 1 ? 1 : 0));
        snprintf(next_key, sizeof next_key, "%s:%ld", fld(&c, un->head)->name, now);
    }
    if (st == LCM_OK && !again && !next_key[0]) {
        if ((st = page_list(&c, &err)) == LCM_OK) {
            long now = page_find(&c, key);
            if (now < 0)
                now = k < (long)c.npages ? k : (long)c.npages - 1;
            long to = back ? (now > 0 ? now - 1 : 0) : now + 1;
            if (to >= (long)c.npages)
                snprintf(next_key, sizeof next_key, "review");
            else
                page_key(&c, (size_t)to, next_key, sizeof next_key);
        }
    } else if (st == LCM_OK && again)
        snprintf(next_key, sizeof next_key, "%s", key);
    if (st == LCM_OK) {
        snprintf(r->sess.page, sizeof r->sess.page, "%s", next_key);
        st = save(&c, key, shown, back, &err);
    }
    if (st != LCM_OK)
        failed(r, &err);
    else if (again) {
        int refused = 0;
        for (size_t i = 0; i < nf; i++)
            refused |= c.err_of[i] != NULL;
        page_list(&c, NULL);
        long at = page_find(&c, key);
        r->status = refused ? 422 : MHD_HTTP_OK;
        at_page(r, key);
        render_page(&c, at >= 0 ? at : k);
    } else
        show_next(&c, next_key);
    free(was);
    ctx_free(&c);
}

/* ---- review, submit, done -------------------------------------------------------- */

static void answer_text(ctx *c, int i, long row) {
    const lcm_field *fd = fld(c, i);
    const char *v = lcm_instance_get(c->in, i, row);
    if (c->sf->place[i] != LCM__PLACE_NONE && *v) {
        lcm__place *pl = NULL;
        size_t n = 0;
        int par = c->sf->place_parent[i];
        const char *name = v;
        if (lcm__places(c->r, c->sf->place[i], par >= 0 ? lcm_instance_get(c->in, par, 0) : NULL,
                        &pl, &n, NULL) == LCM_OK)
            for (size_t k = 0; k < n; k++)
                if (strcmp(pl[k].code, v) == 0)
                    name = pl[k].name;
        text(c, name);
        free(pl);
        return;
    }
    if (!fd->list) {
        text(c, v);
        return;
    }
    int first = 1;
    for (size_t k = 0; k < fd->list->n; k++)
        if (has_code(v, fd->list->items[k].name)) {
            if (!first)
                raw(c, "；");
            text(c, choice_label(c, &fd->list->items[k]));
            first = 0;
        }
}

static void review(ctx *c, const char *problem) {
    lcm__req *r = c->r;
    header(c, (long)c->npages);
    raw(c, "<h1>");
    text(c, lcm__say(r, "请检查您的回答", "Please check your answers"));
    raw(c, "</h1>");
    if (problem) {
        raw(c, "<p class=\"err\" id=\"e-submit\" role=\"alert\">");
        text(c, problem);
        raw(c, "</p>");
    }
    for (size_t k = 0; k < c->npages; k++) {
        const lcm__unit *un = &c->sf->units[c->pages[k].unit];
        long row = un->kind == LCM__U_REPEAT ? c->pages[k].row : 0;
        char key[200];
        page_key(c, k, key, sizeof key);
        raw(c, "<section class=\"rv\"><h2>");
        form_text(c, un->head, row, fld(c, un->head)->label);
        if (row > 0)
            lcm_strbuf_addf(&r->out, " %ld", row);
        raw(c, " <a href=\"/s?p=");
        text(c, key);
        raw(c, "\">");
        text(c, lcm__say(r, "修改", "Change"));
        raw(c, "</a></h2><dl>");
        for (size_t j = 0; j < un->nitems && !(un->kind == LCM__U_REPEAT && row == 0); j++) {
            int i = un->items[j], rel = 0;
            if (fld(c, i)->type == LCM_FT_NOTE || lcm__cawi_hidden(r, fld(c, i)) ||
                lcm_instance_relevant(c->in, i, row, &rel, NULL) != LCM_OK || !rel)
                continue;
            raw(c, "<dt>");
            form_text(c, i, row, fld(c, i)->label);
            raw(c, "</dt><dd>");
            answer_text(c, i, row);
            raw(c, "</dd>");
        }
        raw(c, "</dl></section>");
    }
    raw(c, "<form method=\"post\" action=\"/s\">");
    lcm__csrf_field(r);
    raw(c, "<div class=\"nav\"><button type=\"submit\" name=\"_nav\" value=\"submit\" "
           "class=\"primary\">");
    text(c, lcm__say(r, "提交问卷", "Submit"));
    raw(c, "</button></div></form>");
    lcm__foot(r);
}

void lcm__review_get(lcm__req *r) {
    ctx c;
    if (!ctx_open(r, &c))
        return;
    if (complete(&c))
        lcm__redirect(r, "/s/done");
    else
        review(&c, NULL);
    ctx_free(&c);
}

static void now_local(char *buf, size_t n) {
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
}

static void submit(ctx *c) {
    lcm__req *r = c->r;
    lcm_err err = {0};
    char now[32], dup[48];
    lcm_status st = LCM_OK;
    now_local(now, sizeof now);
    for (size_t i = 0; i < lcm_form_nfields(c->f) && st == LCM_OK; i++)
        if (fld(c, (int)i)->type == LCM_FT_END)
            st = lcm_instance_set(c->in, (int)i, 0, now, &err);
    /* The first question still wanting an answer, shown on its page in the form's words
     * (the checks of lcm_instance_finish below say the same in the engine's). */
    for (size_t k = 0; st == LCM_OK && k < c->npages; k++) {
        const lcm__unit *un = &c->sf->units[c->pages[k].unit];
        long row = un->kind == LCM__U_REPEAT ? c->pages[k].row : 0;
        for (size_t j = 0; j < un->nitems && !(un->kind == LCM__U_REPEAT && row == 0); j++) {
            int i = un->items[j];
            lcm_err why = {0};
            if (fld(c, i)->type == LCM_FT_NOTE || fld(c, i)->read_only || !on_page(c, i, row) ||
                lcm_interview_check_answer(c->iv, i, row, &why) == LCM_OK)
                continue;
            set_err(c, i, why.msg, NULL);
            r->status = 422;
            render_page(c, (long)k);
            return;
        }
    }
    if (st == LCM_OK && (st = lcm_instance_finish(c->in, 1, &err)) != LCM_OK) {
        if (st == LCM_CONSTRAINT || st == LCM_INVAL) { /* the respondent can put it right */
            lcm_instance_set_meta(c->in, "status", "draft", NULL);
            r->status = 422;
            review(c, err.msg);
            return;
        }
    }
    if (st == LCM_OK && (st = lcm__begin_group(r, &err)) == LCM_OK) {
        snprintf(r->sess.page, sizeof r->sess.page, "done");
        if ((st = lcm_instance_save(r->db, c->in, &err)) == LCM_OK &&
            (st = lcm__submission(r, c->in, dup, &err)) == LCM_OK &&
            (st = lcm__field_submitted(r, &err)) == LCM_OK &&
            (st = lcm__session_save(r, &err)) == LCM_OK)
            st = lcm__commit(r, &err);
        if (st != LCM_OK)
            lcm__rollback(r);
    }
    if (st == LCM_OK)
        done_page(c);
    else if (st == LCM_CONSTRAINT || st == LCM_CONFLICT) {
        lcm_instance_set_meta(c->in, "status", "draft", NULL);
        r->status = 422;
        review(c, err.msg);
    } else
        failed(r, &err);
}

static void done_page(ctx *c) {
    lcm__req *r = c->r;
    r->status = MHD_HTTP_OK;
    lcm_strbuf_clear(&r->out);
    snprintf(r->at, sizeof r->at, "/s/done");
    lcm__head(r, lcm_form_title(c->f));
    raw(c, "<h1 class=\"msg\" id=\"done\">");
    text(c, lcm__say(r, "问卷已提交，谢谢您的支持！", "Submitted. Thank you!"));
    raw(c, "</h1>");
    if (strcmp(r->sess.mode, "capi") == 0) {
        raw(c, "<p><a class=\"button\" href=\"/i/a\">");
        text(c, lcm__say(r, "返回任务列表", "Back to the assignments"));
        raw(c, "</a></p>");
    }
    lcm__foot(r);
}

void lcm__done_get(lcm__req *r) {
    ctx c;
    if (!ctx_open(r, &c))
        return;
    if (!complete(&c))
        lcm__redirect(r, "/s");
    else
        done_page(&c);
    ctx_free(&c);
}

lcm_status lcm__instance_start(lcm__req *r, lcm__sform *sf, const char *const *meta,
                               const char *const *answers, lcm_err *err) {
    lcm_instance *in = NULL;
    lcm_interview *iv = NULL;
    lcm_status st = lcm_instance_new(sf->f, &in, err);
    for (size_t i = 0; st == LCM_OK && meta && meta[i]; i += 2)
        if (meta[i + 1] && *meta[i + 1])
            st = lcm_instance_set_meta(in, meta[i], meta[i + 1], err);
    if (st == LCM_OK) /* before lcm_interview_new fills it with the server's host name */
        st = device_set(r, in, sf->f, err);
    if (st == LCM_OK)
        st = lcm_interview_new(in, r->sess.lang, NULL, &iv, err);
    for (size_t i = 0; st == LCM_OK && answers && answers[i]; i += 2) {
        int k = lcm_form_find(sf->f, answers[i]);
        if (k >= 0 && answers[i + 1] && *answers[i + 1] &&
            lcm_form_validate_value(sf->f, k, answers[i + 1], NULL) == LCM_OK)
            st = lcm_instance_set(in, k, 0, answers[i + 1], err);
    }
    if (st == LCM_OK)
        st = lcm_instance_draft(in, err);
    if (st == LCM_OK)
        st = lcm_instance_save(r->db, in, err);
    if (st == LCM_OK) {
        snprintf(r->sess.instance_id, sizeof r->sess.instance_id, "%s",
                 lcm_instance_meta(in, "instance_id"));
        snprintf(r->sess.form_id, sizeof r->sess.form_id, "%s", sf->form_id);
        snprintf(r->sess.form_version, sizeof r->sess.form_version, "%s", sf->version);
        r->sess.page[0] = '\0';
        lcm_instance_free(r->fresh); /* shown next from memory (ctx_open) */
        r->fresh = in;
        in = NULL;
    }
    lcm_interview_free(iv);
    lcm_instance_free(in);
    return st;
}
