/*
 * dashboard_table.c - the dashboard's tables as people read them (dashboard.h): the same
 * cells for the terminal, the web page and the CSV downloads, so what one shows the others
 * show too.
 */
#include "dashboard.h"
#include "export.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const table_names[LCM_DASH_NTABLE] = {"summary", "areas", "strata",
                                                         "psus",    "days",  "flags"};

const char *lcm_dash_table_name(lcm_dash_table_id t) {
    return t < LCM_DASH_NTABLE ? table_names[t] : NULL;
}

int lcm_dash_table_parse(const char *name) {
    for (int t = 0; name && t < LCM_DASH_NTABLE; t++)
        if (strcmp(name, table_names[t]) == 0)
            return t;
    return -1;
}

typedef struct tb {
    lcm_dash_table *t;
    size_t cap;
    int oom;
} tb;

static void col(tb *b, const char *key, const char *head, int numeric) {
    lcm_dash_table *t = b->t;
    t->key[t->ncol] = key, t->head[t->ncol] = head, t->numeric[t->ncol] = numeric;
    t->ncol++;
}

/* Start a new row; cells are then set with cell(). */
static void row(tb *b) {
    lcm_dash_table *t = b->t;
    if (b->oom)
        return;
    if (t->nrow == b->cap) {
        size_t nc = b->cap ? 2 * b->cap : 16;
        char **c = realloc(t->cell, nc * (size_t)t->ncol * sizeof *c);
        if (!c) {
            b->oom = 1;
            return;
        }
        t->cell = c, b->cap = nc;
    }
    for (int k = 0; k < t->ncol; k++)
        t->cell[t->nrow * (size_t)t->ncol + (size_t)k] = NULL;
    t->nrow++;
}

static void cell(tb *b, int k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cell(tb *b, int k, const char *fmt, ...) {
    lcm_dash_table *t = b->t;
    if (b->oom || !t->nrow)
        return;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap2);
    else
        b->oom = 1;
    va_end(ap2);
    char **at = &t->cell[(t->nrow - 1) * (size_t)t->ncol + (size_t)k];
    free(*at);
    *at = s;
}

/* A share in percent with one decimal, "" when there is none. */
static void pct(tb *b, int k, double frac) {
    if (isnan(frac))
        cell(b, k, "%s", "");
    else
        cell(b, k, "%.1f", 100.0 * frac);
}

static void minutes(tb *b, int k, double s) {
    if (isnan(s))
        cell(b, k, "%s", "");
    else
        cell(b, k, "%.1f", s / 60.0);
}

static double share(long a, long b) {
    return b > 0 ? (double)a / (double)b : NAN;
}

static void summary(tb *b, const lcm_dash *d) {
    col(b, "item", "项目", 0);
    col(b, "value", "数值", 1);
    row(b), cell(b, 0, "范围"), cell(b, 1, "%s", d->place_name);
    row(b), cell(b, 0, "调查活动"), cell(b, 1, "%zu", d->ncampaigns);
    row(b), cell(b, 0, "分配户数"), cell(b, 1, "%ld", d->total.assigned);
    row(b), cell(b, 0, "完成访问"), cell(b, 1, "%ld", d->total.complete);
    row(b), cell(b, 0, "完成比例（%%）"), pct(b, 1, share(d->total.complete, d->total.assigned));
    row(b), cell(b, 0, "应答率RR1（%%）"), pct(b, 1, d->total.rr1);
    row(b), cell(b, 0, "拒访率REF1（%%）"), pct(b, 1, d->total.ref1);
    row(b), cell(b, 0, "已提交问卷"), cell(b, 1, "%ld", d->submitted);
    row(b), cell(b, 0, "中位时长（分钟）"), minutes(b, 1, d->median_s);
    for (int k = 0; k < LCM_DASH_NFLAG; k++) {
        row(b);
        cell(b, 0, "%s", lcm_dash_flag_label((lcm_dash_flag_kind)k));
        cell(b, 1, "%ld", d->nflag[k]);
    }
}

static void areas(tb *b, const lcm_dash *d) {
    col(b, "code", "代码", 0);
    col(b, "name", d->scope == LCM_DASH_NATION ? "省份" : "城市", 0);
    col(b, "assigned", "分配户数", 1);
    col(b, "completed", "完成访问", 1);
    col(b, "completed_pct", "完成比例（%）", 1);
    col(b, "rr1_pct", "应答率RR1（%）", 1);
    col(b, "ref1_pct", "拒访率REF1（%）", 1);
    col(b, "submitted", "已提交问卷", 1);
    col(b, "median_min", "中位时长（分钟）", 1);
    col(b, "flagged", "被标记问卷", 1);
    for (size_t i = 0; i < d->nareas; i++) {
        const lcm_dash_row *r = &d->areas[i];
        row(b);
        cell(b, 0, "%s", r->code);
        cell(b, 1, "%s", r->name);
        cell(b, 2, "%ld", r->o.assigned);
        cell(b, 3, "%ld", r->o.complete);
        pct(b, 4, share(r->o.complete, r->o.assigned));
        pct(b, 5, r->o.rr1);
        pct(b, 6, r->o.ref1);
        cell(b, 7, "%ld", r->submitted);
        minutes(b, 8, r->median_s);
        cell(b, 9, "%ld", r->flagged);
    }
}

static void strata(tb *b, const lcm_dash *d) {
    col(b, "stratum", "层", 0);
    col(b, "assigned", "分配户数", 1);
    col(b, "complete", "完成", 1);
    col(b, "partial", "部分完成", 1);
    col(b, "refusal", "拒访或中断", 1);
    col(b, "noncontact", "未接触", 1);
    col(b, "other", "其他未访", 1);
    col(b, "unknown_hh", "住户情况未知", 1);
    col(b, "unknown_other", "未处理", 1);
    col(b, "ineligible", "不合格", 1);
    col(b, "rr1_pct", "应答率RR1（%）", 1);
    col(b, "ref1_pct", "拒访率REF1（%）", 1);
    for (size_t i = 0; i < d->nstrata; i++) {
        const lcm_dash_row *r = &d->strata[i];
        const lcm_dash_outcomes *o = &r->o;
        row(b);
        cell(b, 0, "%s", r->code[0] ? r->code : "（未分层）");
        cell(b, 1, "%ld", o->assigned);
        cell(b, 2, "%ld", o->complete);
        cell(b, 3, "%ld", o->partial);
        cell(b, 4, "%ld", o->refusal);
        cell(b, 5, "%ld", o->noncontact);
        cell(b, 6, "%ld", o->other);
        cell(b, 7, "%ld", o->unknown_hh);
        cell(b, 8, "%ld", o->unknown_o);
        cell(b, 9, "%ld", o->ineligible);
        pct(b, 10, o->rr1);
        pct(b, 11, o->ref1);
    }
}

static void psus(tb *b, const lcm_dash *d) {
    col(b, "city", "城市", 0);
    col(b, "psu", "村居代码", 0);
    col(b, "name", "乡镇街道及村居", 0);
    col(b, "assigned", "分配户数", 1);
    col(b, "completed", "完成访问", 1);
    col(b, "completed_pct", "完成比例（%）", 1);
    col(b, "rr1_pct", "应答率RR1（%）", 1);
    col(b, "ref1_pct", "拒访率REF1（%）", 1);
    for (size_t i = 0; i < d->npsus; i++) {
        const lcm_dash_row *r = &d->psus[i];
        row(b);
        cell(b, 0, "%s", r->city_name);
        cell(b, 1, "%s", r->code);
        cell(b, 2, "%s", r->name);
        cell(b, 3, "%ld", r->o.assigned);
        cell(b, 4, "%ld", r->o.complete);
        pct(b, 5, share(r->o.complete, r->o.assigned));
        pct(b, 6, r->o.rr1);
        pct(b, 7, r->o.ref1);
    }
}

static void days(tb *b, const lcm_dash *d, int personal) {
    col(b, "city", "城市", 0);
    col(b, "interviewer_id", "访问员编号", 1);
    if (personal)
        col(b, "interviewer", "访问员", 0);
    col(b, "date", "日期（北京时间）", 0);
    col(b, "interviews", "提交问卷", 1);
    for (size_t i = 0; i < d->ndays; i++) {
        const lcm_dash_day *w = &d->days[i];
        int k = 0;
        row(b);
        cell(b, k++, "%s", w->city_name);
        cell(b, k++, "%lld", w->interviewer_id);
        if (personal)
            cell(b, k++, "%s", w->interviewer);
        cell(b, k++, "%s", w->date);
        cell(b, k, "%ld", w->interviews);
    }
}

static void flags(tb *b, const lcm_dash *d, int personal, int only) {
    col(b, "flag", "标记", 0);
    col(b, "instance_id", "问卷编号", 0);
    col(b, "city", "城市", 0);
    col(b, "interviewer_id", "访问员编号", 0);
    if (personal) {
        col(b, "interviewer", "访问员", 0);
        col(b, "household_id", "户编号", 0);
    }
    col(b, "submitted", "提交时间（北京时间）", 0);
    col(b, "duration_min", "时长（分钟）", 1);
    col(b, "detail", "说明", 0);
    size_t cap = 0;
    for (int f = 0; f < LCM_DASH_NFLAG; f++) {
        if (only >= 0 && f != only)
            continue;
        for (size_t i = 0; i < d->niv; i++) {
            const lcm_dash_interview *v = &d->iv[i];
            if (!(v->flags & (1u << f)))
                continue;
            int k = 0;
            row(b);
            if (b->oom)
                return;
            if (b->t->nrow > cap) {
                size_t nc = b->cap;
                char **l = realloc(b->t->link, nc * sizeof *l);
                if (!l) {
                    b->oom = 1;
                    return;
                }
                b->t->link = l, cap = nc;
            }
            b->t->link[b->t->nrow - 1] = strdup(v->instance_id);
            if (!b->t->link[b->t->nrow - 1])
                b->oom = 1;
            cell(b, k++, "%s", lcm_dash_flag_label((lcm_dash_flag_kind)f));
            cell(b, k++, "%s", v->instance_id);
            cell(b, k++, "%s", v->city_name);
            if (v->interviewer_id)
                cell(b, k++, "%lld", v->interviewer_id);
            else
                cell(b, k++, "%s", "自填");
            if (personal) {
                cell(b, k++, "%s", v->interviewer);
                cell(b, k++, "%s", v->household);
            }
            cell(b, k++, "%s", v->local);
            minutes(b, k++, v->duration_s);
            switch ((lcm_dash_flag_kind)f) {
            case LCM_DASH_SPEEDER:
                cell(b, k, "低于本调查活动中位时长（%.1f分钟）的三分之一",
                     v->campaign_median_s / 60.0);
                break;
            case LCM_DASH_STRAIGHT:
                cell(b, k, "满意度题组%d题均答“%s”", v->straight_items, v->straight_value);
                break;
            case LCM_DASH_DUPLICATE:
                cell(b, k, "与问卷 %s 答案相同", v->duplicate_of);
                break;
            case LCM_DASH_NIGHT:
                cell(b, k, "北京时间%s提交（工作时间8:00–21:00）", v->local + 11);
                break;
            default:
                break;
            }
        }
    }
}

static const char *const titles[LCM_DASH_NTABLE] = {
    "概况", "各地进度", "分层进度", "初级抽样单位（村居）进度", "访问员每日完成问卷", "质量标记"};

lcm_status lcm_dash_table_get(const lcm_dash *d, lcm_dash_table_id t, int personal, int flag,
                              lcm_dash_table *out, lcm_err *err) {
    memset(out, 0, sizeof *out);
    if (t >= LCM_DASH_NTABLE)
        return lcm_err_set(err, LCM_INVAL, "no such dashboard table");
    out->name = table_names[t];
    out->title = titles[t];
    tb b = {out, 0, 0};
    switch (t) {
    case LCM_DASH_T_SUMMARY:
        summary(&b, d);
        break;
    case LCM_DASH_T_AREAS:
        out->title = d->scope == LCM_DASH_NATION ? "各省进度" : "各城市进度";
        areas(&b, d);
        break;
    case LCM_DASH_T_STRATA:
        strata(&b, d);
        break;
    case LCM_DASH_T_PSUS:
        psus(&b, d);
        break;
    case LCM_DASH_T_DAYS:
        days(&b, d, personal);
        break;
    default:
        flags(&b, d, personal, flag);
        break;
    }
    /* a cell never set is "" */
    for (size_t i = 0; !b.oom && i < out->nrow * (size_t)out->ncol; i++)
        if (!out->cell[i] && !(out->cell[i] = strdup("")))
            b.oom = 1;
    if (b.oom) {
        lcm_dash_table_free(out);
        return lcm_err_set(err, LCM_NOMEM, "out of memory making a dashboard table");
    }
    return LCM_OK;
}

void lcm_dash_table_free(lcm_dash_table *t) {
    if (!t)
        return;
    for (size_t i = 0; t->cell && i < t->nrow * (size_t)t->ncol; i++)
        free(t->cell[i]);
    for (size_t i = 0; t->link && i < t->nrow; i++)
        free(t->link[i]);
    free(t->cell), free(t->link);
    memset(t, 0, sizeof *t);
}

/* One CSV cell as lcmon's exports write it (export_text.c): quoted when it holds a comma, a
 * quote, a line break or an outer space, and a text a spreadsheet would run as a formula
 * (=, +, -, @ … first: an interviewer's or a place's name) guarded by a leading apostrophe
 * (lcm_csv_cell_guarded). */
static void csv_field(lcm_strbuf *sb, const char *s) {
    int guard = lcm_csv_cell_guarded(s);
    if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
        if (guard)
            lcm_strbuf_addc(sb, '\'');
        lcm_strbuf_adds(sb, s);
        return;
    }
    lcm_strbuf_addc(sb, '"');
    if (guard)
        lcm_strbuf_addc(sb, '\'');
    for (; *s; s++) {
        if (*s == '"')
            lcm_strbuf_addc(sb, '"');
        lcm_strbuf_addc(sb, *s);
    }
    lcm_strbuf_addc(sb, '"');
}

void lcm_dash_table_csv(const lcm_dash_table *t, lcm_strbuf *sb) {
    for (int k = 0; k < t->ncol; k++) {
        if (k)
            lcm_strbuf_addc(sb, ',');
        csv_field(sb, t->key[k]);
    }
    lcm_strbuf_adds(sb, "\r\n");
    for (size_t i = 0; i < t->nrow; i++) {
        for (int k = 0; k < t->ncol; k++) {
            if (k)
                lcm_strbuf_addc(sb, ',');
            csv_field(sb, t->cell[i * (size_t)t->ncol + (size_t)k]);
        }
        lcm_strbuf_adds(sb, "\r\n");
    }
}
