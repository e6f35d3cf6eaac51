/*
 * report_docx.c - the report as a Word document (see report.h): word/document.xml from
 * the same struct the HTML is rendered from, so every section, table and chart of the HTML
 * is in the document, in the same order, with the same words and numbers.
 *
 * Title ("Title"), subtitle, contents (links to bookmarks on the section headings),
 * sections ("heading 1"), subheads ("heading 2"), paragraphs, bulleted lists ("List
 * Bullet"), tables and figures with numbered captions ("表 3", "图 2") and notes. Tables:
 * header row repeated on every page, rows not split, columns holding numbers right-aligned
 * (their headings too), estimates with their interval, suppressed cells as "*" and missing
 * ones as "–" with the same note under the table as the HTML; column widths follow their
 * contents. Charts: the PNG at its print size (chart.h: LCM_CHART_DPI, at most the text
 * width) and, when an SVG of it lies beside it, that SVG too (Word 2016+ shows it, others
 * the PNG). All text is XML-escaped; control characters are dropped.
 */
#include "chart_internal.h"
#include "escape.h"
#include "report_docx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_TWIPS 10092 /* A4 (11906) less two 16 mm margins (907 twips each) */
#define TEXT_MM 178.0
#define EMU_PER_MM 36000.0
#define MAX_COL 64

typedef struct dx {
    const lcm_report *r;
    lcm__docx pkg;
    FILE *doc, *rels;
    char *doc_buf, *rels_buf;
    size_t doc_len, rels_len;
    int ntab, nfig;
    char *msg;
    size_t cap;
} dx;

static void esc(FILE *f, const char *s) {
    lcm_xml_escape_fp(f, s ? s : "");
}

static void run(FILE *f, const char *rpr, const char *text) {
    fputs("<w:r>", f);
    if (rpr && *rpr)
        fprintf(f, "<w:rPr>%s</w:rPr>", rpr);
    fputs("<w:t xml:space=\"preserve\">", f);
    esc(f, text);
    fputs("</w:t></w:r>", f);
}

static void para(FILE *f, const char *style, const char *rpr, const char *text) {
    fprintf(f, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", style);
    run(f, rpr, text);
    fputs("</w:p>\n", f);
}

#define GREY "<w:color w:val=\"888888\"/>"

/* "表 3 " / "Figure 2 " in bold, then the caption. */
static void caption(FILE *f, const lcm_report *r, lcm__rtext what, int number, const char *text,
                    int keep_next) {
    char label[64];
    snprintf(label, sizeof label, "%s %d ", lcm__rtxt(r->lang, what), number);
    fprintf(f, "<w:p><w:pPr><w:pStyle w:val=\"Caption\"/>%s%s</w:pPr>",
            keep_next ? "<w:keepNext/>" : "",
            what == LCM__R_FIGURE ? "<w:jc w:val=\"center\"/>" : "");
    run(f, "<w:b/>", label);
    if (text)
        run(f, NULL, text);
    fputs("</w:p>\n", f);
}

/* ---- tables ---- */

static double em_width(const char *s) {
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        if ((*p & 0xC0) != 0x80)
            w += *p >= 0xE0 ? 1 : 0.55;
    return w;
}

/* A number as the HTML tables write it, into buf. */
static const char *num_text(double v, int d, char *buf, size_t cap) {
    FILE *f = fmemopen(buf, cap, "w");
    buf[0] = '\0';
    if (f) {
        lcm__report_number(f, v, d < 0 ? 0 : d > 6 ? 6 : d);
        fclose(f);
    }
    return buf;
}

/* The cell's parts: value, interval "(lo–hi)" or "(—)", unit; the mark of a suppressed or
 * missing cell. Returns 0 shown, 1 suppressed, 2 missing. */
typedef struct cell_parts {
    char value[512], ci[1100];
    const char *unit;
} cell_parts;

static int parts(const lcm_report *r, const lcm_report_cell *c, cell_parts *p) {
    p->value[0] = p->ci[0] = '\0';
    p->unit = NULL;
    if (c->kind == LCM_CELL_TEXT)
        return 0;
    if (lcm__report_suppressed(r, c)) {
        snprintf(p->value, sizeof p->value, "*");
        return 1;
    }
    if (!isfinite(c->value)) {
        snprintf(p->value, sizeof p->value, "\xE2\x80\x93"); /* – */
        return 2;
    }
    num_text(c->value, c->decimals, p->value, sizeof p->value);
    if (c->kind == LCM_CELL_EST && isfinite(c->lo) && isfinite(c->hi)) {
        char lo[512], hi[512];
        snprintf(p->ci, sizeof p->ci, " (%s\xE2\x80\x93%s)", num_text(c->lo, c->decimals, lo, 512),
                 num_text(c->hi, c->decimals, hi, 512));
    } else if (c->kind == LCM_CELL_EST) {
        snprintf(p->ci, sizeof p->ci, " (\xE2\x80\x94)"); /* no interval: said, not hidden */
    }
    p->unit = c->unit;
    return 0;
}

static double cell_em(const lcm_report *r, const lcm_report_cell *c) {
    cell_parts p;
    if (c->kind == LCM_CELL_TEXT)
        return em_width(c->text);
    parts(r, c, &p);
    return em_width(p.value) + em_width(p.ci) + (p.unit ? 0.3 + em_width(p.unit) : 0);
}

/* Column widths in twips, by the widest text of each column (long texts wrap: a column
 * asks for at most 22 ems, at least 2.5), summing to the text width. */
static void widths(const lcm_report *r, const lcm_report_table *t, int *tw) {
    double want[MAX_COL], sum = 0;
    for (size_t k = 0; k < t->ncol; k++) {
        double w = em_width(t->head[k]);
        for (size_t i = 0; i < t->nrow; i++) {
            double e = cell_em(r, &t->cell[i * t->ncol + k]);
            w = e > w ? e : w;
        }
        want[k] = w < 2.5 ? 2.5 : w > 22 ? 22 : w;
        sum += want[k];
    }
    int used = 0;
    for (size_t k = 0; k < t->ncol; k++) {
        tw[k] = k + 1 == t->ncol ? TEXT_TWIPS - used : (int)(TEXT_TWIPS * want[k] / sum);
        used += tw[k];
    }
}

static void cell(FILE *f, const lcm_report *r, const lcm_report_cell *c, int numeric, int tw,
                 int keep, int *how) {
    cell_parts p;
    *how = parts(r, c, &p);
    fprintf(f,
            "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr><w:p><w:pPr>"
            "<w:pStyle w:val=\"TableText\"/>%s%s</w:pPr>",
            tw, keep ? "<w:keepNext/>" : "", numeric ? "<w:jc w:val=\"right\"/>" : "");
    if (c->kind == LCM_CELL_TEXT)
        run(f, NULL, c->text ? c->text : "");
    else if (*how)
        run(f, GREY, p.value);
    else {
        run(f, NULL, p.value);
        if (p.ci[0])
            run(f, "<w:color w:val=\"666666\"/><w:sz w:val=\"17\"/><w:szCs w:val=\"17\"/>", p.ci);
        if (p.unit && *p.unit) {
            char u[256];
            snprintf(u, sizeof u, " %s", p.unit);
            run(f, "<w:color w:val=\"444444\"/>", u);
        }
    }
    fputs("</w:p></w:tc>", f);
}

static lcm_status table(dx *d, const lcm_report_table *t) {
    FILE *f = d->doc;
    const lcm_report *r = d->r;
    lcm_status st = lcm__report_table_check(t, d->msg, d->cap);
    if (st != LCM_OK)
        return st;
    caption(f, r, LCM__R_TABLE, ++d->ntab, t->caption, 1);
    int tw[MAX_COL], numeric[MAX_COL];
    widths(r, t, tw);
    for (size_t k = 0; k < t->ncol; k++) {
        numeric[k] = 0;
        for (size_t i = 0; i < t->nrow && !numeric[k]; i++)
            numeric[k] = t->cell[i * t->ncol + k].kind != LCM_CELL_TEXT;
    }
    /* a short table stays on one page with its caption, as the HTML asks of the printer */
    int keep = t->nrow <= 25;
    fprintf(f,
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"ReportTable\"/><w:tblW w:w=\"%d\" "
            "w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0020\" "
            "w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" "
            "w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
            TEXT_TWIPS);
    for (size_t k = 0; k < t->ncol; k++)
        fprintf(f, "<w:gridCol w:w=\"%d\"/>", tw[k]);
    fputs("</w:tblGrid>\n<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>", f);
    for (size_t k = 0; k < t->ncol; k++) {
        fprintf(f,
                "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/><w:tcBorders><w:bottom "
                "w:val=\"single\" w:sz=\"12\" w:space=\"0\" w:color=\"333333\"/></w:tcBorders>"
                "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F4F4F4\"/></w:tcPr><w:p><w:pPr>"
                "<w:pStyle w:val=\"TableText\"/><w:keepNext/>%s</w:pPr>",
                tw[k], numeric[k] ? "<w:jc w:val=\"right\"/>" : "");
        run(f, "<w:b/>", t->head[k]);
        fputs("</w:p></w:tc>", f);
    }
    fputs("</w:tr>\n", f);
    int any_supp = 0, any_missing = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        fputs("<w:tr><w:trPr><w:cantSplit/></w:trPr>", f);
        for (size_t k = 0; k < t->ncol; k++) {
            int how = 0;
            cell(f, r, &t->cell[i * t->ncol + k], numeric[k], tw[k], keep && i + 1 < t->nrow, &how);
            any_supp |= how == 1;
            any_missing |= how == 2;
        }
        fputs("</w:tr>\n", f);
    }
    fputs("</w:tbl>\n", f);
    if (any_supp || any_missing || t->note) {
        char supp[160] = "";
        if (any_supp)
            snprintf(supp, sizeof supp, "%s%ld%s ", lcm__rtxt(r->lang, LCM__R_SUPP_PRE), r->min_n,
                     lcm__rtxt(r->lang, LCM__R_SUPP_POST));
        fputs("<w:p><w:pPr><w:pStyle w:val=\"TableNote\"/></w:pPr>", f);
        if (any_supp)
            run(f, NULL, supp);
        if (any_missing) {
            char miss[120];
            snprintf(miss, sizeof miss, "%s ", lcm__rtxt(r->lang, LCM__R_MISSING));
            run(f, NULL, miss);
        }
        if (t->note)
            run(f, NULL, t->note);
        fputs("</w:p>\n", f);
    } else { /* space after the table, as the note would give */
        fputs("<w:p><w:pPr><w:pStyle w:val=\"TableNote\"/></w:pPr></w:p>\n", f);
    }
    return LCM_OK;
}

/* ---- figures ---- */

/* path with its extension (".png"/".svg") replaced by ext, into out; 1 when it exists. */
static int sibling(const char *path, const char *ext, char *out, size_t cap) {
    size_t n = strlen(path);
    if (n < 4 || n + 1 > cap || path[n - 4] != '.')
        return 0;
    memcpy(out, path, n - 4);
    memcpy(out + n - 4, ext, 5);
    FILE *f = fopen(out, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

static lcm_status chart_files(dx *d, const lcm_report_chart *c, unsigned char **png, size_t *npng,
                              unsigned char **svg, size_t *nsvg) {
    unsigned char *data = NULL;
    size_t n = 0;
    char other[4096];
    lcm_status st = lcm__report_slurp(c->path, &data, &n, d->msg, d->cap);
    if (st != LCM_OK)
        return st;
    const char *type = lcm__report_mime(data, n);
    if (!type) {
        free(data);
        lcm__msg(d->msg, d->cap, "chart '%s' is neither PNG nor SVG", c->path);
        return LCM_PARSE;
    }
    int is_png = strcmp(type, "image/png") == 0;
    unsigned char **mine = is_png ? png : svg, **theirs = is_png ? svg : png;
    size_t *nmine = is_png ? npng : nsvg, *ntheirs = is_png ? nsvg : npng;
    *mine = data, *nmine = n;
    if (sibling(c->path, is_png ? ".svg" : ".png", other, sizeof other) &&
        lcm__report_slurp(other, theirs, ntheirs, d->msg, d->cap) == LCM_OK) {
        const char *t2 = lcm__report_mime(*theirs, *ntheirs);
        if (!t2 || strcmp(t2, is_png ? "image/svg+xml" : "image/png") != 0) {
            free(*theirs);
            *theirs = NULL, *ntheirs = 0;
        }
    }
    if (!*png || *npng < 24 || memcmp(*png + 12, "IHDR", 4) != 0) {
        lcm__msg(d->msg, d->cap, "chart '%s': a Word document needs it as PNG (none beside it)",
                 c->path);
        return LCM_PARSE;
    }
    return LCM_OK;
}

static unsigned long be32(const unsigned char *p) {
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static lcm_status chart(dx *d, const lcm_report_chart *c) {
    FILE *f = d->doc;
    const lcm_report *r = d->r;
    int no = ++d->nfig;
    if (r->missing_charts_ok && lcm__report_chart_missing(c->path)) {
        para(f, "Figure", GREY, lcm__rtxt(r->lang, LCM__R_NO_CHART));
        caption(f, r, LCM__R_FIGURE, no, c->caption, 0);
        return LCM_OK;
    }
    unsigned char *png = NULL, *svg = NULL;
    size_t npng = 0, nsvg = 0;
    lcm_status st = chart_files(d, c, &png, &npng, &svg, &nsvg);
    if (st != LCM_OK) {
        free(png), free(svg);
        return st;
    }
    unsigned long w = be32(png + 16), h = be32(png + 20);
    double mm = w ? lcm_chart_png_mm((int)(w > 100000 ? 100000 : w)) : TEXT_MM;
    mm = mm > TEXT_MM ? TEXT_MM : mm;
    long cx = lround(mm * EMU_PER_MM),
         cy = w ? lround(mm * EMU_PER_MM * (double)h / (double)w) : cx;
    char name[64], id[32];
    snprintf(name, sizeof name, "word/media/chart%d.png", no);
    snprintf(id, sizeof id, "rIdImg%d", no);
    lcm__docx_rel_image(d->rels, id, name + 5);
    int have_svg = svg != NULL;
    st = lcm__docx_add(&d->pkg, name, png, npng, 1, d->msg, d->cap);
    if (st == LCM_OK && svg) {
        snprintf(name, sizeof name, "word/media/chart%d.svg", no);
        snprintf(id, sizeof id, "rIdSvg%d", no);
        lcm__docx_rel_image(d->rels, id, name + 5);
        st = lcm__docx_add(&d->pkg, name, svg, nsvg, 0, d->msg, d->cap);
        svg = NULL;
    }
    free(svg);
    if (st != LCM_OK)
        return st;
    const char *alt = c->alt ? c->alt : c->caption ? c->caption : "";
    fprintf(f,
            "<w:p><w:pPr><w:pStyle w:val=\"Figure\"/></w:pPr><w:r><w:drawing>"
            "<wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"%ld\" "
            "cy=\"%ld\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>"
            "<wp:docPr id=\"%d\" name=\"chart%d\" descr=\"",
            cx, cy, no, no);
    esc(f, alt);
    fprintf(f,
            "\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/>"
            "</wp:cNvGraphicFramePr><a:graphic><a:graphicData "
            "uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic>"
            "<pic:nvPicPr><pic:cNvPr id=\"%d\" name=\"chart%d.png\"/><pic:cNvPicPr/>"
            "</pic:nvPicPr><pic:blipFill><a:blip r:embed=\"rIdImg%d\">",
            no, no, no);
    if (have_svg)
        fprintf(f,
                "<a:extLst><a:ext uri=\"{96DAC541-7B7A-43D3-8B79-37D633B846F1}\">"
                "<asvg:svgBlip xmlns:asvg=\"http://schemas.microsoft.com/office/drawing/2016/SVG/"
                "main\" r:embed=\"rIdSvg%d\"/></a:ext></a:extLst>",
                no);
    fprintf(f,
            "</a:blip><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>"
            "<a:off x=\"0\" y=\"0\"/><a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm><a:prstGeom "
            "prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>"
            "</a:graphic></wp:inline></w:drawing></w:r></w:p>\n",
            cx, cy);
    caption(f, r, LCM__R_FIGURE, no, c->caption, 0);
    return LCM_OK;
}

/* ---- the document ---- */

static lcm_status section(dx *d, size_t i) {
    FILE *f = d->doc;
    const lcm_report_section *s = &d->r->section[i];
    fprintf(f,
            "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:bookmarkStart w:id=\"%zu\" "
            "w:name=\"_s%zu\"/>",
            i, i + 1);
    run(f, NULL, s->heading);
    fprintf(f, "<w:bookmarkEnd w:id=\"%zu\"/></w:p>\n", i);
    for (size_t k = 0; k < s->nblock; k++) {
        const lcm_report_block *b = &s->block[k];
        lcm_status st = lcm__report_check_block(b, d->msg, d->cap);
        if (st != LCM_OK)
            return st;
        switch (b->kind) {
        case LCM_BLOCK_PARA:
            para(f, "Normal", NULL, b->text);
            break;
        case LCM_BLOCK_SUBHEAD:
            para(f, "Heading2", NULL, b->text);
            break;
        case LCM_BLOCK_LIST:
            for (size_t j = 0; j < b->nitem; j++)
                para(f, "ListBullet", NULL, b->item[j]);
            break;
        case LCM_BLOCK_TABLE:
            st = table(d, b->table);
            break;
        case LCM_BLOCK_CHART:
            st = chart(d, b->chart);
            break;
        }
        if (st != LCM_OK)
            return st;
    }
    return LCM_OK;
}

static void contents(dx *d) {
    const lcm_report *r = d->r;
    if (r->nsection < 2)
        return;
    para(d->doc, "TOCHeading", NULL, lcm__rtxt(r->lang, LCM__R_CONTENTS));
    for (size_t i = 0; i < r->nsection; i++) {
        char no[32];
        snprintf(no, sizeof no, "%zu. ", i + 1);
        fprintf(d->doc,
                "<w:p><w:pPr><w:pStyle w:val=\"TOC1\"/></w:pPr><w:hyperlink w:anchor=\"_s%zu\" "
                "w:history=\"1\">",
                i + 1);
        run(d->doc, "<w:rStyle w:val=\"Hyperlink\"/>", no);
        run(d->doc, "<w:rStyle w:val=\"Hyperlink\"/>", r->section[i].heading);
        fputs("</w:hyperlink></w:p>\n", d->doc);
    }
}

static lcm_status body(dx *d) {
    const lcm_report *r = d->r;
    FILE *f = d->doc;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document "
          "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
          "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" "
          "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" "
          "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
          "xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><w:body>\n",
          f);
    para(f, "Title", NULL, r->title);
    if (r->subtitle)
        para(f, "Subtitle", NULL, r->subtitle);
    contents(d);
    for (size_t i = 0; i < r->nsection; i++) {
        lcm_status st = section(d, i);
        if (st != LCM_OK)
            return st;
    }
    if (r->footer)
        para(f, "ReportFooter", NULL, r->footer);
    /* A4 portrait, margins 18 mm top and bottom, 16 mm at the sides (as the HTML's @page) */
    fputs("<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>"
          "<w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1021\" w:right=\"907\" "
          "w:bottom=\"1021\" w:left=\"907\" w:header=\"567\" w:footer=\"454\" w:gutter=\"0\"/>"
          "</w:sectPr></w:body></w:document>\n",
          f);
    return LCM_OK;
}

lcm_status lcm_report_write_docx(const lcm_report *r, FILE *out, char *msg, size_t cap) {
    lcm_status st = lcm__report_check(r, out, msg, cap);
    if (st != LCM_OK)
        return st;
    dx d = {0};
    d.r = r, d.msg = msg, d.cap = cap;
    d.doc = open_memstream(&d.doc_buf, &d.doc_len);
    d.rels = open_memstream(&d.rels_buf, &d.rels_len);
    if (!d.doc || !d.rels) {
        lcm__msg(msg, cap, "report: out of memory");
        st = LCM_NOMEM;
    }
    if (st == LCM_OK)
        st = lcm__docx_open(&d.pkg, msg, cap);
    if (st == LCM_OK)
        st = lcm__docx_fixed_parts(&d.pkg, r, msg, cap);
    if (st == LCM_OK) {
        lcm__docx_rels_head(d.rels);
        st = body(&d);
        fputs("</Relationships>\n", d.rels);
    }
    int bad = (d.doc && ferror(d.doc)) || (d.rels && ferror(d.rels));
    if (d.doc)
        fclose(d.doc);
    if (d.rels)
        fclose(d.rels);
    if (st == LCM_OK && bad) {
        lcm__msg(msg, cap, "report: out of memory");
        st = LCM_NOMEM;
    }
    if (st == LCM_OK) {
        st = lcm__docx_add(&d.pkg, "word/document.xml", d.doc_buf, d.doc_len, 0, msg, cap);
        d.doc_buf = NULL;
    }
    if (st == LCM_OK) {
        st = lcm__docx_add(&d.pkg, "word/_rels/document.xml.rels", d.rels_buf, d.rels_len, 0, msg,
                           cap);
        d.rels_buf = NULL;
    }
    free(d.doc_buf);
    free(d.rels_buf);
    if (st != LCM_OK) {
        lcm__docx_discard(&d.pkg);
        return st;
    }
    return lcm__docx_finish(&d.pkg, out, msg, cap);
}
