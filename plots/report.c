/*
 * report.c - the HTML document around the report's content: head and print CSS, title,
 * contents, sections and their blocks (see report.h). Tables and figures are rendered by
 * report_table.c and report_embed.c.
 */
#include "chart_internal.h"
#include "escape.h"
#include "report_internal.h"

#include <string.h>

static const char *const rtexts[LCM__R_COUNT][2] = {
    [LCM__R_CONTENTS] = {"目录", "Contents"},
    [LCM__R_TABLE] = {"表", "Table"},
    [LCM__R_FIGURE] = {"图", "Figure"},
    [LCM__R_SUPP_PRE] = {"* 样本量少于 ", "* Suppressed: fewer than "},
    [LCM__R_SUPP_POST] = {" 人，数值不予公布。", " respondents."},
    [LCM__R_MISSING] = {"– 表示无数据。", "– means no data."},
    [LCM__R_NO_CHART] = {"图表未生成（需要 gnuplot）。", "Chart not drawn (needs gnuplot)."},
};

const char *lcm__rtxt(lcm_lang lang, lcm__rtext t) {
    return (unsigned)t < LCM__R_COUNT ? rtexts[t][lang == LCM_LANG_EN] : "";
}

void lcm__numbered(FILE *out, lcm_lang lang, lcm__rtext what, int number) {
    fprintf(out, "<span class=\"num-label\">%s %d</span> ", lcm__rtxt(lang, what), number);
}

/* A4 portrait, CJK fonts first; tables and figures are not split across pages, and long
 * tables repeat their header row on each printed page. */
static const char css[] =
    /* page numbers in the margin of a printed page (Chromium's PDF, other browsers' print) */
    "@page{size:A4;margin:18mm 16mm;@bottom-center{content:counter(page) ' / ' counter(pages);"
    "font-size:9pt;color:#666}}\n"
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',"
    "sans-serif;font-size:10.5pt;line-height:1.6;color:#222;max-width:178mm;margin:0 auto;"
    "padding:12px}\n"
    "h1{font-size:20pt;margin:0 0 4px}h2{font-size:14pt;border-bottom:2px solid #d95f02;"
    "padding-bottom:2px;margin-top:24px;page-break-after:avoid}h3{font-size:11.5pt;"
    "page-break-after:avoid}\n"
    ".subtitle{color:#555;margin:0 0 16px}.toc ol{columns:2;list-style:none;padding-left:0}\n"
    /* headings carry their own numbers (一、 / 1.): the list adds none */
    /* a printed copy's contents: the page of each section at the right of its line */
    ".toc ol{column-gap:3em}.toc li{break-inside:avoid}.toc .pg{float:right;padding-left:0.5em}\n"
    "table{border-collapse:collapse;width:100%;margin:8px 0;page-break-inside:avoid;"
    "font-size:9.5pt}\nthead{display:table-header-group}\n"
    "th,td{border-bottom:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}\n"
    "th{border-bottom:1.5px solid #333;background:#f4f4f4}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    /* a long heading over a column of short numbers wraps rather than widen the column */
    "th.num{white-space:normal}\n"
    ".ci{color:#666;font-size:90%}.supp,.na{color:#888}.pad{visibility:hidden}\n"
    ".unit{display:inline-block;text-align:left;padding-left:0.3em;color:#444}\n"
    "caption{caption-side:top;text-align:left;font-weight:bold;padding:4px 0}\n"
    ".note{font-size:9pt;color:#555;margin:2px 0 10px}\n"
    "figure{margin:12px 0;page-break-inside:avoid;text-align:center}\n"
    "figure img{max-width:100%;height:auto}figcaption{font-size:9.5pt;color:#333}\n"
    ".num-label{font-weight:bold}footer{margin-top:28px;font-size:9pt;color:#666;"
    "border-top:1px solid #ccc}\n"
    /* a long unbroken string (a run's parameters) must not widen the page: printing would
     * then shrink the whole page, charts and their text with it */
    "p,li,td,th,caption,figcaption{overflow-wrap:anywhere}\n"
    /* ... but a table's first cell (a code such as 2.1.1, a short name) breaks only where
     * text may break: Chinese between characters, never inside "2.1.1" */
    "td:first-child{overflow-wrap:normal}\n"
    "@media print{body{max-width:none;padding:0}a{color:inherit;text-decoration:none}}\n";

static void head(FILE *out, const lcm_report *r) {
    fprintf(out,
            "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>",
            r->lang == LCM_LANG_EN ? "en" : "zh-CN");
    lcm_html_escape_fp(out, r->title);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
    lcm_html_escape_fp(out, r->title);
    fputs("</h1>\n", out);
    if (r->subtitle) {
        fputs("<p class=\"subtitle\">", out);
        lcm_html_escape_fp(out, r->subtitle);
        fputs("</p>\n", out);
    }
    fputs("</header>\n", out);
}

static void contents(FILE *out, const lcm_report *r, const int *pages) {
    if (r->nsection < 2)
        return;
    fprintf(out, "<nav class=\"toc\">\n<h2>%s</h2>\n<ol>\n", lcm__rtxt(r->lang, LCM__R_CONTENTS));
    for (size_t i = 0; i < r->nsection; i++) {
        fprintf(out, "<li><a href=\"#s%zu\">", i + 1);
        lcm_html_escape_fp(out, r->section[i].heading);
        fputs("</a>", out);
        if (pages && pages[i] > 0)
            fprintf(out, "<span class=\"pg\">%d</span>", pages[i]);
        fputs("</li>\n", out);
    }
    fputs("</ol>\n</nav>\n", out);
}

static void text_block(FILE *out, const char *tag, const char *text) {
    fprintf(out, "<%s>", tag);
    lcm_html_escape_fp(out, text);
    fprintf(out, "</%s>\n", tag);
}

static void list_block(FILE *out, const lcm_report_block *b) {
    fputs("<ul>\n", out);
    for (size_t i = 0; i < b->nitem; i++)
        text_block(out, "li", b->item[i]);
    fputs("</ul>\n", out);
}

/* Check what a block needs before writing any of it. */
lcm_status lcm__report_check_block(const lcm_report_block *b, char *msg, size_t cap) {
    int ok = 1;
    switch (b->kind) {
    case LCM_BLOCK_PARA:
    case LCM_BLOCK_SUBHEAD:
        ok = b->text != NULL;
        break;
    case LCM_BLOCK_LIST:
        ok = b->item != NULL || b->nitem == 0;
        for (size_t i = 0; ok && i < b->nitem; i++)
            ok = b->item[i] != NULL;
        break;
    case LCM_BLOCK_TABLE:
        ok = b->table != NULL;
        break;
    case LCM_BLOCK_CHART:
        ok = b->chart != NULL && b->chart->path != NULL;
        break;
    default:
        ok = 0;
    }
    if (!ok)
        lcm__msg(msg, cap, "report: block of kind %d lacks its content", (int)b->kind);
    return ok ? LCM_OK : LCM_INVAL;
}

static lcm_status section(FILE *out, const lcm_report *r, size_t i, int *ntab, int *nfig,
                          unsigned flags, char *msg, size_t cap) {
    const lcm_report_section *s = &r->section[i];
    fprintf(out, "<section id=\"s%zu\">\n<h2>", i + 1);
    lcm_html_escape_fp(out, s->heading);
    fputs("</h2>\n", out);
    for (size_t k = 0; k < s->nblock; k++) {
        const lcm_report_block *b = &s->block[k];
        lcm_status st = lcm__report_check_block(b, msg, cap);
        if (st == LCM_OK && b->kind == LCM_BLOCK_PARA)
            text_block(out, "p", b->text);
        else if (st == LCM_OK && b->kind == LCM_BLOCK_SUBHEAD)
            text_block(out, "h3", b->text);
        else if (st == LCM_OK && b->kind == LCM_BLOCK_LIST)
            list_block(out, b);
        else if (st == LCM_OK && b->kind == LCM_BLOCK_TABLE)
            st = lcm__report_table(out, r, b->table, ++*ntab, msg, cap);
        else if (st == LCM_OK)
            st = lcm__report_chart(out, r, b->chart, ++*nfig, flags, msg, cap);
        if (st != LCM_OK)
            return st;
    }
    fputs("</section>\n", out);
    return LCM_OK;
}

lcm_status lcm__report_check(const lcm_report *r, const void *out, char *msg, size_t cap) {
    if (!r || !out || !r->title || (r->nsection && !r->section)) {
        lcm__msg(msg, cap, "report: needs a title, sections and an output stream");
        return LCM_INVAL;
    }
    for (size_t i = 0; i < r->nsection; i++)
        if (!r->section[i].heading || (r->section[i].nblock && !r->section[i].block)) {
            lcm__msg(msg, cap, "report: section %zu lacks a heading or its blocks", i + 1);
            return LCM_INVAL;
        }
    return LCM_OK;
}

lcm_status lcm_report_write(const lcm_report *r, FILE *out, char *msg, size_t cap) {
    return lcm_report_write_ex(r, out, 0, NULL, msg, cap);
}

lcm_status lcm_report_write_ex(const lcm_report *r, FILE *out, unsigned flags, const int *toc_pages,
                               char *msg, size_t cap) {
    lcm_status st = lcm__report_check(r, out, msg, cap);
    if (st != LCM_OK)
        return st;
    int ntab = 0, nfig = 0;
    head(out, r);
    contents(out, r, toc_pages);
    fputs("<main>\n", out);
    for (size_t i = 0; i < r->nsection && st == LCM_OK; i++)
        st = section(out, r, i, &ntab, &nfig, flags, msg, cap);
    if (st != LCM_OK)
        return st;
    fputs("</main>\n", out);
    if (r->footer)
        text_block(out, "footer", r->footer);
    fputs("</body>\n</html>\n", out);
    if (ferror(out)) {
        lcm__msg(msg, cap, "report: cannot write the output");
        return LCM_IO;
    }
    return LCM_OK;
}
