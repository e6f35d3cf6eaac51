/*
 * feedback_model.c - a report's model as JSON (`lcmon report --model FILE`): every section,
 * paragraph, table cell (with where its number comes from), suppression flag and chart
 * series with the chart's title, axis labels, legend entries and caption, exactly as the
 * HTML and the charts are rendered from it. Numbers that are missing or suppressed are
 * null: a suppressed value is not in the model at all.
 */
#include "feedback_int.h"

#include <math.h>
#include <string.h>

static void str(FILE *f, const char *s) {
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void num(FILE *f, double v) {
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs("null", f);
}

static void key(FILE *f, const char *k) {
    fprintf(f, ",\"%s\":", k);
}

static void nums(FILE *f, const char *k, const double *v, size_t n) {
    key(f, k);
    if (!v) {
        fputs("null", f);
        return;
    }
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        num(f, v[i]);
    }
    fputc(']', f);
}

static void strs(FILE *f, const char *k, const char *const *v, size_t n) {
    key(f, k);
    if (!v) {
        fputs("null", f);
        return;
    }
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        str(f, v[i]);
    }
    fputc(']', f);
}

static void kstr(FILE *f, const char *k, const char *s) {
    key(f, k);
    str(f, s);
}

static void knum(FILE *f, const char *k, double v) {
    key(f, k);
    num(f, v);
}

static void cell(FILE *f, const rb *b, const lcm_report_cell *c) {
    if (c->kind == LCM_CELL_TEXT) {
        fputs("{\"text\":", f);
        str(f, c->text ? c->text : "");
        if (c->ref) /* a text that states a finding (a mover's direction) */
            fprintf(f, ",\"ref\":%s", c->ref);
        fputc('}', f);
        return;
    }
    int supp = c->n >= 0 && c->n < b->min_n;
    fprintf(f, "{\"kind\":\"%s\",\"value\":", c->kind == LCM_CELL_EST ? "estimate" : "number");
    num(f, supp ? NAN : c->value);
    if (c->kind == LCM_CELL_EST) {
        knum(f, "lo", supp ? NAN : c->lo);
        knum(f, "hi", supp ? NAN : c->hi);
    }
    fprintf(f, ",\"decimals\":%d", c->decimals);
    if (c->n >= 0)
        fprintf(f, ",\"n\":%ld,\"suppressed\":%s", c->n, supp ? "true" : "false");
    if (c->unit)
        kstr(f, "unit", c->unit);
    if (c->ref)
        fprintf(f, ",\"ref\":%s", c->ref);
    fputc('}', f);
}

static void table(FILE *f, const rb *b, const lcm_report_table *t) {
    fputs("{\"type\":\"table\"", f);
    kstr(f, "caption", t->caption);
    kstr(f, "note", t->note);
    strs(f, "head", t->head, t->ncol);
    fputs(",\"rows\":[", f);
    for (size_t i = 0; i < t->nrow; i++) {
        fputs(i ? ",[" : "[", f);
        for (size_t k = 0; k < t->ncol; k++) {
            if (k)
                fputc(',', f);
            cell(f, b, &t->cell[i * t->ncol + k]);
        }
        fputc(']', f);
    }
    fputs("]}", f);
}

static void chart(FILE *f, const rb *b, const rb_chart_m *m) {
    static const char *const kinds[] = {"bars", "radar",   "trend",    "ranks",
                                        "ipa",  "heatmap", "coverage", "boxes"};
    fputs("{\"type\":\"chart\"", f);
    kstr(f, "chart", kinds[m->kind]);
    kstr(f, "name", m->name);
    key(f, "file");
    fprintf(f, "\"%s_%s.png\"", b->stem, m->name); /* stem and name are [A-Za-z0-9_] */
    kstr(f, "alt", m->alt);
    kstr(f, "caption", m->caption);
    switch (m->kind) {
    case RB_BARS: {
        const lcm_chart_bars *c = &m->u.bars;
        kstr(f, "title", c->title);
        kstr(f, "xlabel", c->xlabel);
        strs(f, "labels", c->label, c->n);
        nums(f, "est", c->est, c->n);
        nums(f, "lo", c->lo, c->n);
        nums(f, "hi", c->hi, c->n);
        fprintf(f, ",\"highlight\":%ld", c->highlight);
        knum(f, "median", c->median);
        kstr(f, "others", c->others);
        kstr(f, "median_name", c->median_name);
        kstr(f, "ci_name", c->ci_name);
        kstr(f, "no_data", c->no_data);
        break;
    }
    case RB_RADAR: {
        const lcm_chart_radar *c = &m->u.radar;
        kstr(f, "title", c->title);
        kstr(f, "city", c->city);
        knum(f, "max", c->max);
        kstr(f, "median_name", c->median_name);
        kstr(f, "missing", c->missing);
        fputs(",\"panels\":[", f);
        for (size_t p = 0; p < c->npanel && p < 2; p++) {
            const lcm_chart_radar_panel *q = &c->panel[p];
            fputs(p ? ",{\"title\":" : "{\"title\":", f);
            str(f, q->title);
            strs(f, "labels", q->label, q->n);
            nums(f, "city", q->city, q->n);
            nums(f, "median", q->median, q->n);
            fputc('}', f);
        }
        fputc(']', f);
        break;
    }
    case RB_TREND: {
        const lcm_chart_trend *c = &m->u.trend;
        kstr(f, "title", c->title);
        kstr(f, "ylabel", c->ylabel);
        kstr(f, "xlabel", c->xlabel);
        fputs(",\"years\":[", f);
        for (size_t i = 0; i < c->n; i++)
            fprintf(f, "%s%d", i ? "," : "", c->year[i]);
        fputc(']', f);
        kstr(f, "city", c->city);
        kstr(f, "region", c->region);
        kstr(f, "nation", c->nation);
        nums(f, "est", c->est, c->n);
        nums(f, "lo", c->lo, c->n);
        nums(f, "hi", c->hi, c->n);
        nums(f, "reg", c->reg, c->n);
        nums(f, "nat", c->nat, c->n);
        kstr(f, "ci_name", c->ci_name);
        break;
    }
    case RB_RANKS: {
        const lcm_chart_ranks *c = &m->u.ranks;
        kstr(f, "title", c->title);
        kstr(f, "xlabel", c->xlabel);
        strs(f, "labels", c->label, c->n);
        nums(f, "median", c->median, c->n);
        nums(f, "p05", c->p05, c->n);
        nums(f, "p95", c->p95, c->n);
        fprintf(f, ",\"highlight\":%ld", c->highlight);
        kstr(f, "median_name", c->median_name);
        kstr(f, "interval_name", c->interval_name);
        break;
    }
    case RB_IPA: {
        const lcm_chart_ipa *c = &m->u.ipa;
        kstr(f, "title", c->title);
        kstr(f, "xlabel", c->xlabel);
        kstr(f, "ylabel", c->ylabel);
        strs(f, "labels", c->label, c->n);
        nums(f, "perf", c->perf, c->n);
        nums(f, "imp", c->imp, c->n);
        knum(f, "xcut", c->xcut);
        knum(f, "ycut", c->ycut);
        strs(f, "quadrants", c->quadrant, 4);
        break;
    }
    case RB_HEATMAP: {
        const lcm_chart_heatmap *c = &m->u.heatmap;
        kstr(f, "title", c->title);
        kstr(f, "cblabel", c->cblabel);
        strs(f, "rows", c->row_label, c->nrow);
        strs(f, "cols", c->col_label, c->ncol);
        nums(f, "values", c->value, c->nrow * c->ncol);
        fprintf(f, ",\"highlight\":%ld", c->highlight);
        kstr(f, "missing", c->missing);
        break;
    }
    case RB_COVERAGE: {
        const lcm_chart_coverage *c = &m->u.coverage;
        kstr(f, "title", c->title);
        kstr(f, "ylabel", c->ylabel);
        strs(f, "regions", c->region, c->nregion);
        strs(f, "series", c->series, c->nseries);
        nums(f, "values", c->value, c->nseries * c->nregion);
        nums(f, "targets", c->target, c->nregion);
        kstr(f, "target_name", c->target_name);
        break;
    }
    case RB_BOXES: {
        const lcm_chart_boxes *c = &m->u.boxes;
        kstr(f, "title", c->title);
        kstr(f, "xlabel", c->xlabel);
        strs(f, "rows", c->row_label, c->nrow);
        strs(f, "groups", c->group, c->ngroup);
        nums(f, "stats", c->stats, c->nrow * c->ngroup * 5);
        fputs(",\"out_cell\":[", f);
        for (size_t i = 0; i < c->nout; i++)
            fprintf(f, "%s%zu", i ? "," : "", c->out_cell[i]);
        fputc(']', f);
        nums(f, "out_value", c->out_value, c->nout);
        kstr(f, "no_data", c->no_data);
        break;
    }
    }
    fputc('}', f);
}

lcm_status rb_write_model(const rb *b, FILE *f) {
    size_t nchart = 0;
    fputs("{\"model\":\"lcmon report\"", f);
    kstr(f, "kind", b->kind);
    kstr(f, "city", b->city);
    fprintf(f, ",\"year\":%d,\"lang\":\"%s\",\"min_n\":%ld", b->year,
            b->lang == LCM_LANG_EN ? "en" : "zh", b->min_n);
    kstr(f, "title", b->title);
    kstr(f, "subtitle", b->subtitle);
    kstr(f, "footer", b->footer);
    fputs(",\"sections\":[", f);
    for (size_t s = 0; s < b->nsec; s++) {
        const lcm_report_section *sec = &b->sec[s];
        fputs(s ? ",{\"heading\":" : "{\"heading\":", f);
        str(f, sec->heading);
        fputs(",\"blocks\":[", f);
        for (size_t k = 0; k < sec->nblock; k++) {
            const lcm_report_block *blk = &sec->block[k];
            if (k)
                fputc(',', f);
            switch (blk->kind) {
            case LCM_BLOCK_PARA:
            case LCM_BLOCK_SUBHEAD:
                fprintf(f, "{\"type\":\"%s\",\"text\":",
                        blk->kind == LCM_BLOCK_PARA ? "para" : "subhead");
                str(f, blk->text);
                fputc('}', f);
                break;
            case LCM_BLOCK_LIST:
                fputs("{\"type\":\"list\"", f);
                strs(f, "items", blk->item, blk->nitem);
                fputc('}', f);
                break;
            case LCM_BLOCK_TABLE:
                table(f, b, blk->table);
                break;
            case LCM_BLOCK_CHART:
                if (nchart < b->nchart)
                    chart(f, b, &b->chart[nchart++]);
                else
                    fputs("null", f);
                break;
            }
        }
        fputs("]}", f);
    }
    fputs("]}\n", f);
    return ferror(f) ? LCM_IO : LCM_OK;
}
