/*
 * test_report_docx.c - the report as a Word document (plots/report_docx*.c), read back
 * from the package with lcmt_zip_member: every text from data XML-escaped with control
 * characters dropped, suppressed cells kept out, tables with repeated header rows and
 * right-aligned numbers, charts embedded at their print size with their SVG, the fixed
 * parts (A4, page numbers, fonts); and the HTML's vector mode (LCM_REPORT_VECTOR). The
 * whole city and national reports are compared with python-docx in tests/cli/docx.sh.
 */
#include "pdf.h"
#include "report.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Render r as .docx into a malloc'd buffer (*n bytes); *st receives the status. */
static unsigned char *render(const lcm_report *r, lcm_status *st, size_t *n, char *msg,
                             size_t cap) {
    char *buf = NULL;
    FILE *f = open_memstream(&buf, n);
    *st = lcm_report_write_docx(r, f, msg, cap);
    fclose(f);
    return (unsigned char *)buf;
}

static size_t count(const char *hay, const char *needle) {
    size_t k = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)); p++)
        k++;
    return k;
}

static const char evil[] = "<script>alert('x')</script> & \"q\"\x01\x1b\x7f\tz\xEF\xBF\xBE\xff";

static void docx__escapes_all_text_and_drops_control_characters(void) {
    const char *items[] = {evil};
    const char *head[] = {evil, "n"};
    lcm_report_cell cells[] = {{LCM_CELL_TEXT, evil, 0, 0, 0, 0, -1, NULL, NULL},
                               {LCM_CELL_NUM, NULL, 120, NAN, NAN, 0, -1, NULL, NULL}};
    lcm_report_table t = {evil, 1, 2, head, cells, evil};
    lcm_report_block blocks[] = {{LCM_BLOCK_PARA, evil, 0, NULL, NULL, NULL},
                                 {LCM_BLOCK_SUBHEAD, evil, 0, NULL, NULL, NULL},
                                 {LCM_BLOCK_LIST, NULL, 1, items, NULL, NULL},
                                 {LCM_BLOCK_TABLE, NULL, 0, NULL, &t, NULL}};
    lcm_report_section secs[] = {{evil, 4, blocks}, {"二", 0, NULL}};
    lcm_report r = {evil, evil, LCM_LANG_ZH, 30, 0, 2, secs, evil};
    lcm_status st;
    size_t n = 0;
    char msg[256] = "";
    unsigned char *z = render(&r, &st, &n, msg, sizeof msg);
    CU_ASSERT_EQUAL_FATAL(st, LCM_OK);
    char *doc = lcmt_zip_member(z, n, "word/document.xml");
    char *core = lcmt_zip_member(z, n, "docProps/core.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(core);
    CU_ASSERT_PTR_NULL(strstr(doc, "<script"));
    /* control characters gone (tab: a space), U+FFFE gone, the stray byte U+FFFD */
    const char *want = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; "
                       "z\xEF\xBF\xBD";
    LCMT_ASSERT_HAS(doc, want);
    for (const char *p = doc; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n') {
            CU_FAIL("a control character in document.xml");
            break;
        }
    CU_ASSERT_PTR_NULL(strstr(doc, "\x7f"));
    CU_ASSERT_PTR_NULL(strstr(doc, "\xEF\xBF\xBE"));
    /* title, subtitle, contents, heading, paragraph, subhead, list item, table caption,
     * column heading, cell, note, footer */
    CU_ASSERT_EQUAL(count(doc, want), 12);
    LCMT_ASSERT_HAS(core, want);
    LCMT_ASSERT_HAS(core, "<dc:language>zh-CN</dc:language>");
    /* styles by use: the title, two sections and their links, one subhead, one bullet */
    CU_ASSERT_EQUAL(count(doc, "<w:pStyle w:val=\"Heading1\"/>"), 2);
    CU_ASSERT_EQUAL(count(doc, "<w:pStyle w:val=\"Heading2\"/>"), 1);
    CU_ASSERT_EQUAL(count(doc, "<w:pStyle w:val=\"ListBullet\"/>"), 1);
    CU_ASSERT_EQUAL(count(doc, "<w:hyperlink w:anchor=\"_s"), 2);
    LCMT_ASSERT_HAS(doc, "w:name=\"_s2\"/>");
    free(doc), free(core), free(z);
}

static void docx__tables_suppress_align_and_repeat_headers(void) {
    const char *head[] = {"群体", "满意度（%）", "人数"};
    lcm_report_cell cells[] = {
        {LCM_CELL_TEXT, "城镇", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_EST, NULL, 72.345, 70.1, 74.6, 1, 412, NULL, NULL},
        {LCM_CELL_NUM, NULL, 12345.6, NAN, NAN, 1, -1, "人", NULL},
        {LCM_CELL_TEXT, "少数民族", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_EST, NULL, 87.654, 80.012, 95.987, 2, 12, NULL, NULL}, /* n < 30 */
        {LCM_CELL_NUM, NULL, NAN, NAN, NAN, 0, -1, NULL, NULL},
        {LCM_CELL_TEXT, "边界", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_EST, NULL, 55.5, NAN, NAN, 1, 30, NULL, NULL}, /* exactly min_n: shown */
        {LCM_CELL_NUM, NULL, -7, NAN, NAN, 0, -1, NULL, NULL},
    };
    lcm_report_table t = {"满意度", 3, 3, head, cells, "来源：2025 年住户调查"};
    lcm_report_block b = {LCM_BLOCK_TABLE, NULL, 0, NULL, &t, NULL};
    lcm_report_section sec = {"调查结果", 1, &b};
    lcm_report r = {"报告", NULL, LCM_LANG_ZH, 30, 0, 1, &sec, NULL};
    lcm_status st;
    size_t n = 0;
    char msg[256] = "";
    unsigned char *z = render(&r, &st, &n, msg, sizeof msg);
    CU_ASSERT_EQUAL_FATAL(st, LCM_OK);
    char *doc = lcmt_zip_member(z, n, "word/document.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_PTR_NULL(strstr(doc, "87.6")); /* suppressed: no trace of the value */
    CU_ASSERT_PTR_NULL(strstr(doc, "80.0"));
    CU_ASSERT_PTR_NULL(strstr(doc, "96.0"));
    LCMT_ASSERT_HAS(doc, ">*</w:t>");
    LCMT_ASSERT_HAS(doc, ">\xE2\x80\x93</w:t>"); /* missing: – */
    LCMT_ASSERT_HAS(doc, ">72.3</w:t>");
    LCMT_ASSERT_HAS(doc, "> (70.1\xE2\x80\x93"
                         "74.6)</w:t>");
    LCMT_ASSERT_HAS(doc, ">55.5</w:t>");
    LCMT_ASSERT_HAS(doc, "> (\xE2\x80\x94)</w:t>"); /* no interval: said */
    LCMT_ASSERT_HAS(doc, ">12,345.6</w:t>");
    LCMT_ASSERT_HAS(doc, "> 人</w:t>");
    LCMT_ASSERT_HAS(doc, ">-7</w:t>");
    LCMT_ASSERT_HAS(doc, ">表 1 </w:t>");
    LCMT_ASSERT_HAS(doc, "* 样本量少于 30 人，数值不予公布。 ");
    LCMT_ASSERT_HAS(doc, "– 表示无数据。 ");
    LCMT_ASSERT_HAS(doc, "来源：2025 年住户调查");
    CU_ASSERT_EQUAL(count(doc, "<w:tblHeader/>"), 1);
    CU_ASSERT_EQUAL(count(doc, "<w:tr>"), 4);
    /* two numeric columns: their heading and three cells each right-aligned */
    CU_ASSERT_EQUAL(count(doc, "<w:jc w:val=\"right\"/>"), 8);
    /* the grid spans the text width of A4 less the margins */
    long sum = 0;
    for (const char *p = doc; (p = strstr(p, "<w:gridCol w:w=\"")); p++)
        sum += atol(p + strlen("<w:gridCol w:w=\""));
    CU_ASSERT_EQUAL(sum, 11906 - 2 * 907);
    free(doc), free(z);
}

/* A PNG header of w x h pixels: what the renderer reads (signature and IHDR). */
static void fake_png(unsigned char *p, unsigned w, unsigned h) {
    static const unsigned char sig[16] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                                          0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    memcpy(p, sig, 16);
    for (int i = 0; i < 4; i++)
        p[16 + i] = (unsigned char)(w >> (24 - 8 * i)),
               p[20 + i] = (unsigned char)(h >> (24 - 8 * i));
    memset(p + 24, 0, 9);
}

static void docx__charts_at_print_size_with_svg(void) {
    unsigned char png[33], wide[33];
    fake_png(png, 1004, 602);
    fake_png(wide, 2000, 1000);
    static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n";
    char p1[4096], s1[4096], p2[4096], s3[4096];
    snprintf(p1, sizeof p1, "%s", lcmt_tmp("d1.png"));
    snprintf(s1, sizeof s1, "%s", lcmt_tmp("d1.svg"));
    snprintf(p2, sizeof p2, "%s", lcmt_tmp("d2.png"));
    snprintf(s3, sizeof s3, "%s", lcmt_tmp("d3.svg"));
    lcmt_write(p1, png, sizeof png);
    lcmt_write(s1, svg, strlen(svg));
    lcmt_write(p2, wide, sizeof wide);
    lcmt_write(s3, svg, strlen(svg));
    lcm_report_chart charts[] = {
        {p1, "<alt>", "满意度比较"}, {p2, NULL, "趋势"}, {"/nonexistent/x.png", NULL, "缺"}};
    lcm_report_block b[] = {{LCM_BLOCK_CHART, NULL, 0, NULL, NULL, &charts[0]},
                            {LCM_BLOCK_CHART, NULL, 0, NULL, NULL, &charts[1]},
                            {LCM_BLOCK_CHART, NULL, 0, NULL, NULL, &charts[2]}};
    lcm_report_section sec = {"图", 3, b};
    lcm_report r = {"报告", NULL, LCM_LANG_ZH, 30, 1, 1, &sec, NULL};
    lcm_status st;
    size_t n = 0;
    char msg[256] = "";
    unsigned char *z = render(&r, &st, &n, msg, sizeof msg);
    CU_ASSERT_EQUAL_FATAL(st, LCM_OK);
    char *doc = lcmt_zip_member(z, n, "word/document.xml"),
         *rels = lcmt_zip_member(z, n, "word/_rels/document.xml.rels"),
         *m1 = lcmt_zip_member(z, n, "word/media/chart1.png"),
         *v1 = lcmt_zip_member(z, n, "word/media/chart1.svg"),
         *v2 = lcmt_zip_member(z, n, "word/media/chart2.svg"),
         *types = lcmt_zip_member(z, n, "[Content_Types].xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rels);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(types);
    CU_ASSERT(memcmp(m1, png, sizeof png) == 0);
    CU_ASSERT_PTR_NOT_NULL(v1);
    CU_ASSERT_PTR_NULL(v2); /* no SVG beside the second chart */
    if (v1)
        CU_ASSERT_STRING_EQUAL(v1, svg);
    /* 1004 x 602 px at 150 dpi: 6.6933 x 4.0133 in, 914400 EMU an inch */
    LCMT_ASSERT_HAS(doc, "<wp:extent cx=\"6120384\" cy=\"3669792\"/>");
    /* 2000 px at 150 dpi is wider than the text (178 mm): shrunk to it, aspect kept */
    LCMT_ASSERT_HAS(doc, "<wp:extent cx=\"6408000\" cy=\"3204000\"/>");
    LCMT_ASSERT_HAS(doc, "descr=\"&lt;alt&gt;\"");
    LCMT_ASSERT_HAS(doc, "<asvg:svgBlip");
    CU_ASSERT_EQUAL(count(doc, "<asvg:svgBlip"), 1);
    CU_ASSERT_EQUAL(count(doc, "<w:drawing>"), 2);
    LCMT_ASSERT_HAS(doc, "图表未生成（需要 gnuplot）。"); /* the missing third */
    LCMT_ASSERT_HAS(doc, ">图 3 </w:t>");
    LCMT_ASSERT_HAS(rels, "Id=\"rIdImg1\"");
    LCMT_ASSERT_HAS(rels, "Target=\"media/chart1.svg\"");
    LCMT_ASSERT_HAS(types, "Extension=\"png\"");
    /* the package opens with its content types, as readers expect */
    CU_ASSERT(n > 30 && memcmp(z + 30, "[Content_Types].xml", 19) == 0);
    /* the same report, the same bytes (fixed member dates) */
    size_t n2 = 0;
    unsigned char *z2 = render(&r, &st, &n2, msg, sizeof msg);
    CU_ASSERT(n2 == n && z2 && memcmp(z, z2, n) == 0);
    free(z2);
    /* an SVG chart needs a PNG beside it */
    charts[1].path = s3;
    free(render(&r, &st, &n2, msg, sizeof msg));
    CU_ASSERT_EQUAL(st, LCM_PARSE);
    LCMT_ASSERT_HAS(msg, "needs it as PNG");
    free(doc), free(rels), free(m1), free(v1), free(types), free(z);
}

static void docx__fixed_parts_a4_fonts_page_numbers(void) {
    lcm_report_section sec = {"一", 0, NULL};
    lcm_report r = {"Report", NULL, LCM_LANG_EN, 30, 0, 1, &sec, "made by lcmon"};
    lcm_status st;
    size_t n = 0;
    char msg[256] = "";
    unsigned char *z = render(&r, &st, &n, msg, sizeof msg);
    CU_ASSERT_EQUAL_FATAL(st, LCM_OK);
    char *doc = lcmt_zip_member(z, n, "word/document.xml"),
         *sty = lcmt_zip_member(z, n, "word/styles.xml"),
         *ftr = lcmt_zip_member(z, n, "word/footer1.xml"),
         *fonts = lcmt_zip_member(z, n, "word/fontTable.xml"),
         *core = lcmt_zip_member(z, n, "docProps/core.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sty);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ftr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fonts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(core);
    LCMT_ASSERT_HAS(doc, "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"); /* A4 in twips */
    LCMT_ASSERT_HAS(doc, "<w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>");
    LCMT_ASSERT_HAS(doc, "made by lcmon");
    CU_ASSERT_PTR_NULL(strstr(doc, "TOCHeading")); /* one section: no contents */
    LCMT_ASSERT_HAS(ftr, "w:instr=\" PAGE \"");
    LCMT_ASSERT_HAS(ftr, "w:instr=\" NUMPAGES \"");
    LCMT_ASSERT_HAS(sty, "w:eastAsia=\"SimSun\"");
    LCMT_ASSERT_HAS(sty, "<w:name w:val=\"heading 1\"/>");
    LCMT_ASSERT_HAS(fonts, "<w:altName w:val=\"宋体\"/>");
    LCMT_ASSERT_HAS(core, "<dc:language>en-US</dc:language>");
    free(doc), free(sty), free(ftr), free(fonts), free(core), free(z);
}

/* LCM_REPORT_VECTOR: the HTML embeds the SVG beside a PNG chart (and the PNG without). */
static void docx__html_vector_mode_embeds_svg(void) {
    unsigned char png[33];
    fake_png(png, 100, 50);
    static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n";
    char p1[4096], s1[4096], p2[4096];
    snprintf(p1, sizeof p1, "%s", lcmt_tmp("v1.png"));
    snprintf(s1, sizeof s1, "%s", lcmt_tmp("v1.svg"));
    snprintf(p2, sizeof p2, "%s", lcmt_tmp("v2.png"));
    lcmt_write(p1, png, sizeof png);
    lcmt_write(s1, svg, strlen(svg));
    lcmt_write(p2, png, sizeof png);
    lcm_report_chart charts[] = {{p1, NULL, "a"}, {p2, NULL, "b"}};
    lcm_report_block b[] = {{LCM_BLOCK_CHART, NULL, 0, NULL, NULL, &charts[0]},
                            {LCM_BLOCK_CHART, NULL, 0, NULL, NULL, &charts[1]}};
    lcm_report_section sec = {"图", 2, b};
    lcm_report r = {"报告", NULL, LCM_LANG_ZH, 30, 0, 1, &sec, NULL};
    for (unsigned flags = 0; flags <= LCM_REPORT_VECTOR; flags += LCM_REPORT_VECTOR) {
        char *buf = NULL, msg[256] = "";
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        CU_ASSERT_EQUAL(lcm_report_write_ex(&r, f, flags, NULL, msg, sizeof msg), LCM_OK);
        fclose(f);
        CU_ASSERT_EQUAL(count(buf, "data:image/svg+xml;base64,"), flags ? 1 : 0);
        CU_ASSERT_EQUAL(count(buf, "data:image/png;base64,"), flags ? 1 : 2);
        free(buf);
    }
}

/* The pages of a printed report's sections, from the PDF's named destinations and its
 * page tree (nested as Chromium writes it for more than a few pages). The tree below has
 * pages 1 (object 1) and 2 (object 2, under a second Pages node): s1 is on page 1, s2 and
 * s10 on page 2, s3 nowhere. A looping tree or a cut file gives no pages, not a hang. */
static void docx__pdf_section_pages_from_dests(void) {
    static const char pdf[] = "%PDF-1.4\n1 0 obj\n<</Type /Page>>\nendobj\n2 0 obj\n<</Type "
                              "/Page>>\nendobj\n3 0 obj\n<</Type /Pages\n/Count 2\n/Kids [1 0 R 4 "
                              "0 R]>>\nendobj\n4 0 obj\n<</Type /Pages\n/Count 1\n/Kids [2 0 "
                              "R]>>\nendobj\n5 0 obj\n<</s1 [1 0 R /XYZ 0 600 0]\n/s10 [2 0 R /XYZ "
                              "0 0 0]\n/s2 [2 0 R /XYZ 0 800 0]>>\nendobj\n6 0 obj\n<</Type "
                              "/Catalog\n/Pages 3 0 R\n/Dests 5 0 R>>\nendobj\n%%EOF\n";
    char path[4096];
    snprintf(path, sizeof path, "%s", lcmt_tmp("dests.pdf"));
    lcmt_write(path, pdf, strlen(pdf));
    int pages[10];
    CU_ASSERT_EQUAL(lcm_pdf_anchor_pages(path, "s", 10, pages), 3);
    CU_ASSERT_EQUAL(pages[0], 1);
    CU_ASSERT_EQUAL(pages[1], 2);
    CU_ASSERT_EQUAL(pages[2], 0);
    CU_ASSERT_EQUAL(pages[9], 2);
    static const char loop[] = "%PDF-1.4\n3 0 obj\n<</Type /Pages\n/Kids [3 0 R 3 0 R 3 0 R]>>\n"
                               "endobj\n5 0 obj\n<</s1 [7 0 R]>>\nendobj\n6 0 obj\n<</Type "
                               "/Catalog\n/Pages 3 0 R\n/Dests 5 0 R>>\nendobj\n";
    lcmt_write(path, loop, strlen(loop));
    CU_ASSERT_EQUAL(lcm_pdf_anchor_pages(path, "s", 2, pages), 0);
    lcmt_write(path, pdf, 200); /* cut before the catalog */
    CU_ASSERT_EQUAL(lcm_pdf_anchor_pages(path, "s", 2, pages), 0);
    CU_ASSERT_EQUAL(lcm_pdf_anchor_pages("/nonexistent.pdf", "s", 2, pages), 0);
}

const lcmt_case lcmt_report_docx_cases[] = {
    {"pdf_section_pages_from_dests", docx__pdf_section_pages_from_dests},
    {"escapes_all_text_and_drops_control_characters",
     docx__escapes_all_text_and_drops_control_characters},
    {"tables_suppress_align_and_repeat_headers", docx__tables_suppress_align_and_repeat_headers},
    {"charts_at_print_size_with_svg", docx__charts_at_print_size_with_svg},
    {"fixed_parts_a4_fonts_page_numbers", docx__fixed_parts_a4_fonts_page_numbers},
    {"html_vector_mode_embeds_svg", docx__html_vector_mode_embeds_svg},
    {NULL, NULL},
};
