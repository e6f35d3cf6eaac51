/*
 * feedback_util.c - the report builder (sections, blocks, cells in an arena), the shared
 * gnuplot script, and the queries the city and national reports share.
 */
#include "feedback_int.h"
#include "pdf.h"
#include "outfile.h"
#include "gnuplot.h"
#include "strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rb_init(rb *b, lcm_lang lang, const char *dir, const char *stem) {
    memset(b, 0, sizeof *b);
    b->lang = lang;
    snprintf(b->stem_buf, sizeof b->stem_buf, "%s", stem);
    b->dir = dir, b->stem = b->stem_buf;
    snprintf(b->path, sizeof b->path, "%s/%s.html", dir, stem);
    b->a = lcm_arena_new();
    b->sf = open_memstream(&b->script, &b->script_len);
    return b->a && b->sf ? 0 : -1;
}

void rb_release(rb *b) {
    if (b->sf)
        fclose(b->sf);
    free(b->script);
    lcm_arena_free(b->a);
    memset(b, 0, sizeof *b);
}

static lcm_report_block *new_block(rb *b, lcm_block_kind kind) {
    if (b->nsec == 0 || b->sec[b->nsec - 1].nblock >= RB_MAX_BLOCKS) {
        b->oom = 1;
        return NULL;
    }
    size_t s = b->nsec - 1;
    lcm_report_block *blk = &b->blk[s][b->sec[s].nblock++];
    memset(blk, 0, sizeof *blk);
    blk->kind = kind;
    return blk;
}

void rb_section(rb *b, const char *heading) {
    if (b->nsec == RB_MAX_SECTIONS) {
        b->oom = 1;
        return;
    }
    b->sec[b->nsec] = (lcm_report_section){lcm_arena_strdup(b->a, heading), 0, b->blk[b->nsec]};
    b->nsec++;
}

void rb_para(rb *b, const char *text) {
    lcm_report_block *k = new_block(b, LCM_BLOCK_PARA);
    if (k)
        k->text = lcm_arena_strdup(b->a, text);
}

void rb_subhead(rb *b, const char *text) {
    lcm_report_block *k = new_block(b, LCM_BLOCK_SUBHEAD);
    if (k)
        k->text = lcm_arena_strdup(b->a, text);
}

void rb_list(rb *b, const char *const *items, size_t n) {
    lcm_report_block *k = n ? new_block(b, LCM_BLOCK_LIST) : NULL;
    const char **copy = k ? lcm_arena_alloc(b->a, n * sizeof *copy) : NULL;
    if (!copy)
        return;
    for (size_t i = 0; i < n; i++)
        copy[i] = lcm_arena_strdup(b->a, items[i]);
    k->item = copy, k->nitem = n;
}

void rb_table(rb *b, const lcm_report_table *t) {
    lcm_report_block *k = new_block(b, LCM_BLOCK_TABLE);
    lcm_report_table *copy = k ? lcm_arena_alloc(b->a, sizeof *copy) : NULL;
    if (!copy)
        return;
    *copy = *t;
    k->table = copy;
}

rb_chart_m *rb_chart(rb *b, rb_chart_kind kind, const char *name, const char *alt,
                     const char *caption) {
    if (b->nchart == RB_MAX_CHARTS) {
        b->oom = 1;
        return NULL;
    }
    lcm_report_block *k = new_block(b, LCM_BLOCK_CHART);
    lcm_report_chart *c = k ? lcm_arena_alloc(b->a, sizeof *c) : NULL;
    if (!c)
        return NULL;
    rb_chart_m *m = &b->chart[b->nchart++];
    memset(m, 0, sizeof *m);
    m->kind = kind;
    m->name = lcm_arena_strdup(b->a, name);
    m->alt = c->alt = lcm_arena_strdup(b->a, alt);
    m->caption = c->caption = lcm_arena_strdup(b->a, caption);
    c->path = lcm_arena_printf(b->a, "%s/%s_%s.png", b->dir, b->stem, name);
    k->chart = c;
    b->ncharts++;
    return m;
}

lcm_status rb_render_charts(rb *b) {
    for (size_t i = 0; i < b->nchart && b->chart_status == LCM_OK; i++) {
        const rb_chart_m *m = &b->chart[i];
        lcm_chart_opts o = {
            b->dir, lcm_arena_printf(b->a, "%s_%s", b->stem, m->name), b->lang, b->formats, 0, 0,
            NULL}; /* 0, 0: the chart's own size in mm */
        char *msg = b->chart_msg;
        size_t cap = sizeof b->chart_msg;
        lcm_status st = LCM_INVAL;
        switch (m->kind) {
        case RB_BARS:
            st = lcm_chart_bars_render(&m->u.bars, &o, b->sf, msg, cap);
            break;
        case RB_RADAR:
            st = lcm_chart_radar_render(&m->u.radar, &o, b->sf, msg, cap);
            break;
        case RB_TREND:
            st = lcm_chart_trend_render(&m->u.trend, &o, b->sf, msg, cap);
            break;
        case RB_RANKS:
            st = lcm_chart_ranks_render(&m->u.ranks, &o, b->sf, msg, cap);
            break;
        case RB_IPA:
            st = lcm_chart_ipa_render(&m->u.ipa, &o, b->sf, msg, cap);
            break;
        case RB_HEATMAP:
            st = lcm_chart_heatmap_render(&m->u.heatmap, &o, b->sf, msg, cap);
            break;
        case RB_COVERAGE:
            st = lcm_chart_coverage_render(&m->u.coverage, &o, b->sf, msg, cap);
            break;
        case RB_BOXES:
            st = lcm_chart_boxes_render(&m->u.boxes, &o, b->sf, msg, cap);
            break;
        }
        b->chart_status = st;
    }
    return b->chart_status;
}

lcm_report_cell *rb_cells(rb *b, size_t n) {
    return lcm_arena_alloc(b->a, (n ? n : 1) * sizeof(lcm_report_cell));
}

lcm_report_cell rb_text(rb *b, const char *s) {
    return (lcm_report_cell){LCM_CELL_TEXT, lcm_arena_strdup(b->a, s), NAN, NAN, NAN, 0, -1, NULL,
                             NULL};
}

lcm_report_cell rb_num(double v, int decimals) {
    return (lcm_report_cell){LCM_CELL_NUM, NULL, v, NAN, NAN, decimals, -1, NULL, NULL};
}

lcm_report_cell rb_num_ref(rb *b, double v, int decimals, const char *ref) {
    (void)b;
    return (lcm_report_cell){.kind = LCM_CELL_NUM,
                             .value = v,
                             .lo = NAN,
                             .hi = NAN,
                             .decimals = decimals,
                             .n = -1,
                             .ref = ref};
}

const char *rb_json_str(rb *b, const char *s) {
    lcm_strbuf o = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&o, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            lcm_strbuf_addf(&o, "\\%c", *p);
        else if (*p < 0x20)
            lcm_strbuf_addf(&o, "\\u%04x", *p);
        else
            lcm_strbuf_addf(&o, "%c", *p);
    }
    lcm_strbuf_addf(&o, "\"");
    const char *r = lcm_arena_strdup(b->a, o.buf ? o.buf : "\"\"");
    lcm_strbuf_release(&o);
    if (!r)
        b->oom = 1;
    return r ? r : "\"\"";
}

/* The estimate runs of the newest measures run of a year, as a JSON array, and their form
 * (*form), cached in b. */
static const char *measures_runs(rb *b, lcm_db *db, int year, const char **form) {
    size_t i = 0;
    while (i < b->nsvy && b->svy_year[i] != year)
        i++;
    *form = b->svy_form[i < RB_MAX_YEARS ? i : RB_MAX_YEARS - 1];
    if (i < b->nsvy)
        return b->svy_runs[i];
    if (i == RB_MAX_YEARS)
        i = RB_MAX_YEARS - 1; /* more years than slots: reuse the last */
    else
        b->nsvy++;
    sqlite3_stmt *st = NULL;
    b->svy_year[i] = year;
    snprintf(b->svy_runs[i], sizeof b->svy_runs[i], "[]");
    b->svy_form[i][0] = '\0';
    if (lcm_db_prepare_cached(
            db,
            "SELECT json_extract(params, '$.estimate_runs'), json_extract(params, "
            "'$.form') FROM runs WHERE "
            "kind = 'measures' AND json_extract(params, '$.wave') = ?1 "
            "ORDER BY id DESC LIMIT 1",
            &st, NULL) == LCM_OK) {
        sqlite3_bind_int(st, 1, year);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
            sqlite3_column_text(st, 1)) {
            snprintf(b->svy_runs[i], sizeof b->svy_runs[i], "%s", sqlite3_column_text(st, 0));
            snprintf(b->svy_form[i], sizeof b->svy_form[i], "%s", sqlite3_column_text(st, 1));
        }
        sqlite3_reset(st);
    }
    return b->svy_runs[i];
}

rb_svy rb_svy_get(rb *b, lcm_db *db, int year, const char *var, int prop, const char *by_vars,
                  const char *domain, double scale, double shift) {
    rb_svy r = {NAN, NAN, NAN, 0, 0, 0, NULL, NAN, NAN, 0, NAN};
    sqlite3_stmt *st = NULL;
    const char *form = NULL, *runs = measures_runs(b, db, year, &form);
    double est = NAN, lo = NAN, hi = NAN, se = NAN, df = NAN;
    const char *cat = NULL;
    if (lcm_db_prepare_cached(
            db,
            "SELECT coalesce(category, ''), estimate, ci_low, ci_high, n, se, df, npsu, deff FROM "
            "estimates WHERE source = ?7 AND variable = ?3 AND wave = ?2 AND "
            "by_vars = ?4 AND domain = ?5 AND stat = ?6 AND run_id IN (SELECT "
            "value FROM json_each(?1)) ORDER BY category DESC",
            &st, NULL) != LCM_OK)
        return r;
    sqlite3_bind_text(st, 1, runs, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_text(st, 3, var, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, by_vars, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, domain, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, prop ? "prop" : "mean", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, form, -1, SQLITE_STATIC); /* the lookup index leads with it */
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        double e = sqlite3_column_type(st, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 1);
        double l = sqlite3_column_type(st, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 2);
        double h = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3);
        long n = (long)sqlite3_column_int64(st, 4);
        double s = sqlite3_column_type(st, 5) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 5);
        double d = sqlite3_column_type(st, 6) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 6);
        r.npsu = (long)sqlite3_column_int64(st, 7);
        r.deff = sqlite3_column_type(st, 8) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 8);
        if (!prop || strcmp(c, "1") == 0) {
            est = e, lo = l, hi = h, se = s, df = d, r.n = n, r.found = 1, cat = prop ? "1" : NULL;
            break;
        }
        if (strcmp(c, "0") == 0 && e == 1) /* everyone answered 0: the share of 1 is 0 */
            est = 0, lo = hi = NAN, se = s, df = d, r.n = n, r.found = 1, cat = "0";
    }
    sqlite3_reset(st);
    r.ref = lcm_arena_printf(b->a,
                             "{\"stat\":\"estimate\",\"wave\":%d,\"variable\":%s,"
                             "\"kind\":\"%s\",\"category\":%s,\"by\":%s,\"domain\":%s,"
                             "\"scale\":%g,\"shift\":%g}",
                             year, rb_json_str(b, var), prop ? "prop" : "mean",
                             cat ? rb_json_str(b, cat) : "null", rb_json_str(b, by_vars),
                             rb_json_str(b, domain), scale, shift);
    if (r.found && r.n < b->min_n) {
        r.suppressed = 1;
        return r; /* the numbers stay out of the model */
    }
    if (r.found)
        r.est = est * scale + shift, r.lo = lo * scale + shift, r.hi = hi * scale + shift,
        r.se = se * fabs(scale), r.df = df;
    if (cat && strcmp(cat, "0") == 0)
        r.lo = r.hi = NAN;
    return r;
}

lcm_report_cell rb_svy_cell(rb *b, const rb_svy *s, int decimals) {
    (void)b;
    return (lcm_report_cell){.kind = LCM_CELL_EST,
                             .value = s->est,
                             .lo = s->lo,
                             .hi = s->hi,
                             .decimals = decimals,
                             .n = s->found ? s->n : 0,
                             .ref = s->ref};
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double rb_median(double *x, size_t n) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[m++] = x[i];
    if (m == 0)
        return NAN;
    qsort(x, m, sizeof *x, cmp_double);
    return m % 2 ? x[m / 2] : (x[m / 2 - 1] + x[m / 2]) / 2;
}

lcm_status rb_run_cities(lcm_db *db, rb *b, long long run, rb_city **out, size_t *n, lcm_err *err) {
    static const char sql[] =
        "SELECT c.code, CASE WHEN ?2 THEN coalesce(c.name_en, c.name) ELSE c.name END, p.region3, "
        "c.tier, s.score, k.rank, k.median, k.p05, k.p95,"
        " (SELECT rank FROM score_ranks r WHERE r.run_id = k.run_id AND r.city_code ="
        "  k.city_code AND r.scope = 'region'),"
        " (SELECT rank FROM score_ranks r WHERE r.run_id = k.run_id AND r.city_code ="
        "  k.city_code AND r.scope = 'tier'), p.region4"
        " FROM score_ranks k JOIN cities c ON c.code = k.city_code"
        " JOIN provinces p ON p.code = c.province_code"
        " LEFT JOIN score_results s ON s.run_id = k.run_id AND s.city_code = k.city_code AND"
        "  s.indicator_code = 'overall'"
        " WHERE k.run_id = ?1 AND k.scope = 'overall' ORDER BY k.rank, c.code";
    sqlite3_stmt *st = NULL;
    size_t cap = 64;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    rb_city *c = rc == LCM_OK ? malloc(cap * sizeof *c) : NULL;
    *n = 0;
    if (rc == LCM_OK && !c)
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (rc == LCM_OK)
        sqlite3_bind_int64(st, 1, run), sqlite3_bind_int(st, 2, b->lang == LCM_LANG_EN);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            rb_city *p = realloc(c, (cap *= 2) * sizeof *p);
            if (!p) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            c = p;
        }
        rb_city *r = &c[(*n)++];
        snprintf(r->code, sizeof r->code, "%s", sqlite3_column_text(st, 0));
        snprintf(r->name, sizeof r->name, "%s", sqlite3_column_text(st, 1));
        snprintf(r->region, sizeof r->region, "%s", sqlite3_column_text(st, 2));
        snprintf(r->tier, sizeof r->tier, "%s", sqlite3_column_text(st, 3));
        r->score = sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4);
        r->rank = sqlite3_column_int(st, 5), r->median = sqlite3_column_int(st, 6);
        r->p05 = sqlite3_column_int(st, 7), r->p95 = sqlite3_column_int(st, 8);
        r->rank_region = sqlite3_column_int(st, 9), r->rank_tier = sqlite3_column_int(st, 10);
        snprintf(r->region4, sizeof r->region4, "%s", sqlite3_column_text(st, 11));
    }
    sqlite3_finalize(st);
    if (rc == LCM_OK && *n == 0)
        rc = lcm_err_set(err, LCM_NOTFOUND, "score run %lld has no ranked cities", run);
    *out = NULL;
    if (rc == LCM_OK && (*out = lcm_arena_alloc(b->a, *n * sizeof **out)))
        memcpy(*out, c, *n * sizeof *c);
    else if (rc == LCM_OK)
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    free(c);
    return rc;
}

lcm_status rb_scores(lcm_db *db, long long run, const char *indicator, const rb_city *cities,
                     size_t n, double *score, double *raw, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(db,
                                          "SELECT city_code, score, raw FROM score_results "
                                          "WHERE run_id = ?1 AND indicator_code = ?2",
                                          &st, err);
    if (rc != LCM_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (score)
            score[i] = NAN;
        if (raw)
            raw[i] = NAN;
    }
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, indicator, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        size_t i = 0;
        while (code && i < n && strcmp(cities[i].code, code) != 0)
            i++;
        if (!code || i == n)
            continue; /* a city the caller did not ask about */
        if (score && sqlite3_column_type(st, 1) != SQLITE_NULL)
            score[i] = sqlite3_column_double(st, 1);
        if (raw && sqlite3_column_type(st, 2) != SQLITE_NULL)
            raw[i] = sqlite3_column_double(st, 2);
    }
    sqlite3_reset(st);
    return rc;
}

/* ---- batches: many reports, their charts drawn by a few gnuplot processes ---- */

struct lcm_feedback_batch {
    rb **docs;
    unsigned *extra; /* LCM_FEEDBACK_* of each report */
    size_t n, cap;
    unsigned next_extra;
};

void lcm_feedback_batch_extra(lcm_feedback_batch *bt, unsigned extra) {
    bt->next_extra = extra;
}

lcm_status lcm_feedback_batch_new(lcm_feedback_batch **out) {
    *out = calloc(1, sizeof **out);
    return *out ? LCM_OK : LCM_NOMEM;
}

void lcm_feedback_batch_free(lcm_feedback_batch *bt) {
    for (size_t i = 0; bt && i < bt->n; i++) {
        rb_release(bt->docs[i]);
        free(bt->docs[i]);
    }
    if (bt)
        free(bt->docs), free(bt->extra);
    free(bt);
}

static lcm_status add(lcm_feedback_batch *bt, lcm_db *db, const lcm_feedback_opts *o, int national,
                      lcm_err *err) {
    if (bt->n == bt->cap) {
        size_t cap = bt->cap ? bt->cap * 2 : 16;
        rb **d = realloc(bt->docs, cap * sizeof *d);
        if (d)
            bt->docs = d;
        unsigned *x = d ? realloc(bt->extra, cap * sizeof *x) : NULL;
        if (!x)
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        bt->extra = x, bt->cap = cap;
    }
    rb *b = calloc(1, sizeof *b);
    if (!b)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    lcm_status rc = national ? lcm__feedback_national_build(db, o, b, err)
                             : lcm__feedback_city_build(db, o, b, err);
    if (rc != LCM_OK) {
        rb_release(b);
        free(b);
        return rc;
    }
    if (bt->next_extra & LCM_FEEDBACK_PDF) /* the printed charts are the SVGs */
        b->formats |= LCM_CHART_SVG;
    bt->extra[bt->n] = bt->next_extra;
    bt->docs[bt->n++] = b;
    return LCM_OK;
}

lcm_status lcm_feedback_batch_city(lcm_feedback_batch *bt, lcm_db *db, const lcm_feedback_opts *o,
                                   lcm_err *err) {
    return add(bt, db, o, 0, err);
}

lcm_status lcm_feedback_batch_national(lcm_feedback_batch *bt, lcm_db *db,
                                       const lcm_feedback_opts *o, lcm_err *err) {
    return add(bt, db, o, 1, err);
}

/* Feed the reports' scripts to nproc gnuplot processes (round robin), then wait. */
static void draw(lcm_feedback_batch *bt, const char *exe, int nproc, lcm_feedback_done *done) {
    lcm_gnuplot *gp[4] = {NULL};
    char msg[512] = "";
    lcm_status rc = LCM_OK;
    nproc = nproc < 1 ? 1 : nproc > 4 ? 4 : nproc;
    for (size_t i = 0; i < bt->n; i++)
        rb_render_charts(bt->docs[i]);
    for (int p = 0; p < nproc && rc == LCM_OK; p++)
        rc = lcm_gnuplot_open(exe, &gp[p], msg, sizeof msg);
    for (size_t i = 0; i < bt->n && rc == LCM_OK; i++) {
        rb *b = bt->docs[i];
        fflush(b->sf);
        if (b->chart_status != LCM_OK) {
            rc = b->chart_status;
            snprintf(msg, sizeof msg, "%s", b->chart_msg);
        } else if (b->script_len) {
            rc = lcm_gnuplot_send(gp[i % (size_t)nproc], b->script, b->script_len, msg, sizeof msg);
        }
    }
    for (int p = 0; p < nproc; p++) {
        char m[512] = "";
        lcm_status st = lcm_gnuplot_close(gp[p], m, sizeof m);
        if (gp[p] && st != LCM_OK && rc == LCM_OK)
            rc = st, snprintf(msg, sizeof msg, "%s", m);
    }
    done->gnuplot_ok = rc == LCM_OK;
    snprintf(done->note, sizeof done->note, "%s", rc == LCM_OK ? "" : msg);
    for (size_t i = 0; rc == LCM_OK && i < bt->n; i++)
        done->charts += bt->docs[i]->ncharts;
}

/* b's path with ".html" replaced by ext. */
static void beside(const rb *b, const char *ext, char *out, size_t cap) {
    size_t n = strlen(b->path);
    n = n > 5 && strcmp(b->path + n - 5, ".html") == 0 ? n - 5 : n;
    snprintf(out, cap, "%.*s%s", (int)n, b->path, ext);
}

/* The report as a Word document, or as HTML with vector charts (LCM_FEEDBACK_*) and, when
 * known, the page of each section in its contents. */
static lcm_status write_extra(const lcm_report *r, const char *path, unsigned what,
                              const int *pages, lcm_err *err) {
    lcm_out out;
    char msg[512] = "";
    lcm_status rc = lcm_out_open(&out, path, LCM_OUT_FORCE, err);
    if (rc != LCM_OK)
        return rc;
    rc = what == LCM_FEEDBACK_DOCX
             ? lcm_report_write_docx(r, out.fp, msg, sizeof msg)
             : lcm_report_write_ex(r, out.fp, LCM_REPORT_VECTOR, pages, msg, sizeof msg);
    if (rc != LCM_OK) {
        lcm_out_abort(&out);
        return lcm_err_set(err, rc, "report: %s", msg);
    }
    return lcm_out_commit(&out, err);
}

/* Print the report to PDF from a copy with SVG charts; then again with the page of each
 * section (as the first print laid them out) in the contents, until the pages hold (at
 * most three prints). Without named destinations the contents keep their links only. */
static lcm_status print_pdf(const lcm_report *r, const rb *b, lcm_feedback_done *done,
                            lcm_err *err) {
    char print[4200];
    int pages[RB_MAX_SECTIONS], shown[RB_MAX_SECTIONS];
    const int *toc = NULL;
    int n = (int)r->nsection;
    lcm_status rc = LCM_OK;
    beside(b, ".print.html", print, sizeof print);
    beside(b, ".pdf", done->pdf, sizeof done->pdf);
    for (int pass = 0; pass < 3 && rc == LCM_OK; pass++) {
        if ((rc = write_extra(r, print, LCM_FEEDBACK_PDF, toc, err)) != LCM_OK ||
            (rc = lcm_pdf_print(print, done->pdf, err)) != LCM_OK)
            break;
        if (n < 2 || lcm_pdf_anchor_pages(done->pdf, "s", n, pages) != n)
            break; /* no contents, or no pages to show in it */
        if (toc && memcmp(pages, shown, (size_t)n * sizeof *pages) == 0)
            break; /* the pages shown are where the sections are */
        memcpy(shown, pages, (size_t)n * sizeof *pages);
        toc = shown;
    }
    unlink(print);
    return rc;
}

static lcm_status write_doc(rb *b, unsigned extra, lcm_feedback_done *done, lcm_err *err) {
    if (b->oom)
        return lcm_err_set(err, LCM_NOMEM, "out of memory building the report");
    lcm_report r = {b->title, b->subtitle, b->lang, b->min_n, 1, b->nsec, b->sec, b->footer};
    lcm_out out;
    lcm_status rc;
    if (b->model_path) { /* the model is written whole or not at all, like the report */
        if ((rc = lcm_out_open(&out, b->model_path, LCM_OUT_FORCE, err)) != LCM_OK)
            return rc;
        if ((rc = rb_write_model(b, out.fp)) != LCM_OK) {
            lcm_out_abort(&out);
            return lcm_err_set(err, rc == LCM_NOMEM ? rc : LCM_IO, "cannot write '%s'",
                               b->model_path);
        }
        if ((rc = lcm_out_commit(&out, err)) != LCM_OK)
            return rc;
    }
    /* A report is rewritten in place, like the charts beside it (FORCE), but never over
     * the database or a non-regular file, and whole or not at all (outfile.h). */
    rc = lcm_out_open(&out, b->path, LCM_OUT_FORCE, err);
    if (rc != LCM_OK)
        return rc;
    char msg[512] = "";
    if ((rc = lcm_report_write(&r, out.fp, msg, sizeof msg)) != LCM_OK) {
        lcm_out_abort(&out);
        return lcm_err_set(err, rc, "report: %s", msg);
    }
    if ((rc = lcm_out_commit(&out, err)) != LCM_OK)
        return rc;
    done->docx[0] = done->pdf[0] = '\0';
    if (extra & LCM_FEEDBACK_DOCX) {
        beside(b, ".docx", done->docx, sizeof done->docx);
        if ((rc = write_extra(&r, done->docx, LCM_FEEDBACK_DOCX, NULL, err)) != LCM_OK)
            return rc;
    }
    if (extra & LCM_FEEDBACK_PDF)
        rc = print_pdf(&r, b, done, err);
    return rc;
}

lcm_status lcm_feedback_batch_finish(lcm_feedback_batch *bt, const char *gnuplot, int nproc,
                                     lcm_feedback_done *done, lcm_err *err) {
    memset(done, 0, sizeof *done);
    if (bt->n == 0)
        return LCM_OK;
    draw(bt, gnuplot, nproc, done);
    for (size_t i = 0; i < bt->n; i++) {
        lcm_status rc = write_doc(bt->docs[i], bt->extra[i], done, err);
        if (rc != LCM_OK)
            return rc;
    }
    snprintf(done->path, sizeof done->path, "%s", bt->docs[bt->n - 1]->path);
    return LCM_OK;
}

/* One report, drawn and written at once. */
lcm_status lcm_feedback_write(lcm_db *db, const lcm_feedback_opts *o, int national, unsigned extra,
                              lcm_feedback_done *done, lcm_err *err) {
    lcm_feedback_batch *bt = NULL;
    memset(done, 0, sizeof *done);
    if (lcm_feedback_batch_new(&bt) != LCM_OK)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    lcm_feedback_batch_extra(bt, extra);
    lcm_status rc = add(bt, db, o, national, err);
    if (rc == LCM_OK)
        rc = lcm_feedback_batch_finish(bt, o->gnuplot, 1, done, err);
    lcm_feedback_batch_free(bt);
    return rc;
}

lcm_status lcm_feedback_city(lcm_db *db, const lcm_feedback_opts *o, lcm_feedback_done *done,
                             lcm_err *err) {
    return lcm_feedback_write(db, o, 0, 0, done, err);
}

lcm_status lcm_feedback_national(lcm_db *db, const lcm_feedback_opts *o, lcm_feedback_done *done,
                                 lcm_err *err) {
    return lcm_feedback_write(db, o, 1, 0, done, err);
}

void rb_ranks_chart(rb *b, const rb_city *cities, size_t n, long highlight, const char *title,
                    const char *caption) {
    const char **label = lcm_arena_alloc(b->a, n * sizeof *label);
    double *m = lcm_arena_alloc(b->a, 3 * n * sizeof *m);
    if (!label || !m)
        return;
    for (size_t i = 0; i < n; i++) {
        label[i] = cities[i].name;
        m[i] = cities[i].median, m[n + i] = cities[i].p05, m[2 * n + i] = cities[i].p95;
    }
    rb_chart_m *c = rb_chart(
        b, RB_RANKS, "ranks",
        RB_T(b, "各城市名次中位数及5%–95%区间", "median ranks with 5-95% intervals"),
        caption ? caption
                : RB_T(b, "各城市综合得分名次（中位数与5%–95%区间，蒙特卡洛模拟）",
                       "Overall rank of each city (median and 5-95% interval, Monte Carlo)"));
    if (c)
        c->u.ranks = (lcm_chart_ranks){title,
                                       RB_T(b, "名次（1 = 最好）", "rank (1 = best)"),
                                       n,
                                       label,
                                       m,
                                       m + n,
                                       m + 2 * n,
                                       highlight,
                                       RB_T(b, "中位数", "median"),
                                       RB_T(b, "5%–95%区间", "5-95% interval")};
}

int rb_measure(lcm_db *db, const char *city, int year, const char *m, const char *item, double *est,
               double *se, long *n) {
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (lcm_db_prepare_cached(db,
                              "SELECT estimate, se, n FROM survey_measures WHERE city_code = ?1 "
                              "AND year = ?2 AND measure = ?3 AND item = ?4",
                              &st, NULL) == LCM_OK) {
        sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, year);
        sqlite3_bind_text(st, 3, m, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, item, -1, SQLITE_STATIC);
        if ((found = sqlite3_step(st) == SQLITE_ROW)) {
            *est = sqlite3_column_double(st, 0);
            *se = sqlite3_column_type(st, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 1);
            *n = sqlite3_column_int64(st, 2);
        }
        sqlite3_reset(st);
    }
    if (!found)
        *est = *se = NAN, *n = 0;
    return found;
}
