/*
 * test_report.c - the HTML report (plots/report*.c): escaping of every text from data,
 * suppression of small cells, numeric alignment, embedded charts, and base64.
 */
#include "escape.h"
#include "report.h"
#include "units.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Render r into a malloc'd string; *st receives the status. */
static char *render(const lcm_report *r, lcm_status *st, char *msg, size_t cap) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    *st = lcm_report_write(r, f, msg, cap);
    fclose(f);
    return buf;
}

static const char evil[] = "<script>alert('x')</script> & \"q\" <img src=x onerror=y>";

static void report__escapes_all_text_from_data(void) {
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
    char msg[256] = "";
    char *html = render(&r, &st, msg, sizeof msg);
    CU_ASSERT_EQUAL(st, LCM_OK);
    CU_ASSERT_PTR_NULL(strstr(html, "<script"));
    CU_ASSERT_PTR_NULL(strstr(html, "<img src=x"));
    LCMT_ASSERT_HAS(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    /* escaped in every place it appears: title, h1, subtitle, toc, h2, p, h3, li, th, td,
     * caption, note, footer */
    size_t count = 0;
    for (const char *p = html; (p = strstr(p, "&lt;script&gt;")); p++)
        count++;
    CU_ASSERT_EQUAL(count, 13);
    LCMT_ASSERT_HAS(html, "<html lang=\"zh-CN\">");
    LCMT_ASSERT_HAS(html, "<meta charset=\"utf-8\">");
    LCMT_ASSERT_HAS(html, "@page{size:A4");
    free(html);
}

static void report__suppresses_cells_below_min_n(void) {
    const char *head[] = {"群体", "满意度（%）", "n"};
    lcm_report_cell cells[] = {
        {LCM_CELL_TEXT, "城镇", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_EST, NULL, 72.345, 70.1, 74.6, 1, 412, NULL, NULL},
        {LCM_CELL_NUM, NULL, 412, NAN, NAN, 0, -1, NULL, NULL},
        {LCM_CELL_TEXT, "少数民族", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_EST, NULL, 87.654, 80.012, 95.987, 2, 12, NULL,
         NULL}, /* n below 30: must not show */
        {LCM_CELL_NUM, NULL, 12, NAN, NAN, 0, -1, NULL, NULL},
        {LCM_CELL_TEXT, "边界", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_NUM, NULL, 55.5, NAN, NAN, 1, 30, NULL, NULL}, /* exactly min_n: shown */
        {LCM_CELL_NUM, NULL, NAN, NAN, NAN, 0, -1, NULL, NULL},
    };
    lcm_report_table t = {"满意度", 3, 3, head, cells, "来源：2025 年住户调查"};
    lcm_report_block b = {LCM_BLOCK_TABLE, NULL, 0, NULL, &t, NULL};
    lcm_report_section sec = {"调查结果", 1, &b};
    lcm_report r = {"报告", NULL, LCM_LANG_ZH, 30, 0, 1, &sec, NULL};
    lcm_status st;
    char msg[256] = "";
    char *html = render(&r, &st, msg, sizeof msg);
    CU_ASSERT_EQUAL(st, LCM_OK);
    CU_ASSERT_PTR_NULL(strstr(html, "87.6"));
    CU_ASSERT_PTR_NULL(strstr(html, "80.0"));
    CU_ASSERT_PTR_NULL(strstr(html, "95.9"));
    LCMT_ASSERT_HAS(html, "<td class=\"num supp\">*</td>");
    LCMT_ASSERT_HAS(html, "* 样本量少于 30 人，数值不予公布。");
    LCMT_ASSERT_HAS(html, "<td class=\"num\">72.3 <span class=\"ci\">(70.1–74.6)</span></td>");
    LCMT_ASSERT_HAS(html, "<td class=\"num\">55.5</td>");
    LCMT_ASSERT_HAS(html, "<td class=\"num na\">–</td>");
    LCMT_ASSERT_HAS(html, "– 表示无数据。");
    LCMT_ASSERT_HAS(html, "来源：2025 年住户调查");
    /* numeric columns are right-aligned in the header too; text columns are not */
    LCMT_ASSERT_HAS(html, "<thead><tr><th>群体</th><th class=\"num\">满意度（%）</th>"
                          "<th class=\"num\">n</th></tr></thead>");
    LCMT_ASSERT_HAS(html, "<caption><span class=\"num-label\">表 1</span> 满意度</caption>");
    CU_ASSERT_PTR_NULL(strstr(html, "class=\"toc\"")); /* one section: no contents */
    free(html);
}

static void report__english_words_and_no_suppression_note_when_none(void) {
    const char *head[] = {"share (%)"};
    lcm_report_cell cells[] = {{LCM_CELL_NUM, NULL, 40, NAN, NAN, 0, 500, NULL, NULL}};
    lcm_report_table t = {"Share", 1, 1, head, cells, NULL};
    lcm_report_block b = {LCM_BLOCK_TABLE, NULL, 0, NULL, &t, NULL};
    lcm_report_section sec = {"Results", 1, &b};
    lcm_report r = {"Report", NULL, LCM_LANG_EN, 30, 0, 1, &sec, NULL};
    lcm_status st;
    char msg[256] = "";
    char *html = render(&r, &st, msg, sizeof msg);
    CU_ASSERT_EQUAL(st, LCM_OK);
    LCMT_ASSERT_HAS(html, "<html lang=\"en\">");
    LCMT_ASSERT_HAS(html, "<span class=\"num-label\">Table 1</span> Share");
    CU_ASSERT_PTR_NULL(strstr(html, "uppressed"));
    CU_ASSERT_PTR_NULL(strstr(html, "class=\"note\""));
    free(html);
}

/* Counts of 10,000 and more are grouped by threes ("12,345"; 1234 stays as it is, as in
 * Chinese and English statistical tables), every number is right-aligned, a column's
 * decimal points line up (fewer decimals are padded with invisible zeros) and the unit
 * follows in a box as wide as the column's widest unit. */
static void report__numbers_grouped_right_aligned_decimals_in_line(void) {
    const char *head[] = {"监测点", "数值"};
    lcm_report_cell cells[] = {
        {LCM_CELL_TEXT, "人数", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_NUM, NULL, 12345, NAN, NAN, 0, -1, "人", NULL},
        {LCM_CELL_TEXT, "比例", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_NUM, NULL, 45.678, NAN, NAN, 2, -1, "%", NULL},
        {LCM_CELL_TEXT, "规模", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_NUM, NULL, -1234567.5, NAN, NAN, 0, -1, "万人次/年", NULL},
        {LCM_CELL_TEXT, "四位数", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_EST, NULL, 1234, 10000, 10234.25, 1, -1, NULL, NULL},
        {LCM_CELL_TEXT, "是否", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_TEXT, "是", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_TEXT, "缺失", 0, 0, 0, 0, -1, NULL, NULL},
        {LCM_CELL_NUM, NULL, NAN, NAN, NAN, 0, -1, "人", NULL},
    };
    lcm_report_table t = {"值", 6, 2, head, cells, NULL};
    lcm_report_block b = {LCM_BLOCK_TABLE, NULL, 0, NULL, &t, NULL};
    lcm_report_section sec = {"一", 1, &b};
    lcm_report r = {"报告", NULL, LCM_LANG_ZH, 30, 0, 1, &sec, NULL};
    lcm_status st;
    char msg[256] = "";
    char *html = render(&r, &st, msg, sizeof msg);
    CU_ASSERT_EQUAL(st, LCM_OK);
    /* widest unit 万人次/年: 4 CJK characters and a slash (0.55 em) = 4.55 em, + 0.3 */
    LCMT_ASSERT_HAS(html, "<td class=\"num\">12,345<span class=\"pad\">.00</span>"
                          "<span class=\"unit\" style=\"min-width:4.8em\">人</span></td>");
    LCMT_ASSERT_HAS(html, "<td class=\"num\">45.68<span class=\"unit\" "
                          "style=\"min-width:4.8em\">%</span></td>");
    LCMT_ASSERT_HAS(html, "<td class=\"num\">-1,234,568<span class=\"pad\">.00</span>");
    LCMT_ASSERT_HAS(html, "<td class=\"num\">1234.0 <span class=\"ci\">(10,000.0–10,234.2)</span>");
    LCMT_ASSERT_HAS(html, "<th class=\"num\">数值</th>");
    LCMT_ASSERT_HAS(html, "<td>是否</td><td class=\"num\">是</td>"); /* with the numbers */
    LCMT_ASSERT_HAS(html, "<td class=\"num na\">–<span class=\"unit\" "
                          "style=\"min-width:4.8em\"></span></td>");
    LCMT_ASSERT_HAS(html, "td.num,th.num{text-align:right;");
    LCMT_ASSERT_HAS(html, ".pad{visibility:hidden}");
    /* a long unbroken string must wrap: a page wider than A4 is printed shrunk, charts too */
    LCMT_ASSERT_HAS(html, "p,li,td,th,caption,figcaption{overflow-wrap:anywhere}");
    /* ... except a table's first cell, the point code: "2.1.1" is never split */
    LCMT_ASSERT_HAS(html, "td:first-child{overflow-wrap:normal}");
    free(html);
}

static void report__embeds_charts_as_data_uris(void) {
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
    char pngp[4096], svgp[4096], badp[4096];
    snprintf(pngp, sizeof pngp, "%s", lcmt_tmp("c.png"));
    snprintf(svgp, sizeof svgp, "%s", lcmt_tmp("c.svg"));
    snprintf(badp, sizeof badp, "%s", lcmt_tmp("c.txt"));
    lcmt_write(pngp, png, sizeof png);
    const char svg[] = "<?xml version=\"1.0\"?>\n<svg><script>alert(1)</script></svg>\n";
    lcmt_write(svgp, svg, strlen(svg));
    lcmt_write(badp, "hello", 5);
    lcm_report_chart charts[] = {{pngp, evil, "满意度比较"}, {svgp, NULL, "趋势"}};
    lcm_report_block b[] = {{LCM_BLOCK_CHART, NULL, 0, NULL, NULL, &charts[0]},
                            {LCM_BLOCK_CHART, NULL, 0, NULL, NULL, &charts[1]}};
    lcm_report_section sec = {"图", 2, b};
    lcm_report r = {"报告", NULL, LCM_LANG_ZH, 30, 0, 1, &sec, NULL};
    lcm_status st;
    char msg[256] = "";
    char *html = render(&r, &st, msg, sizeof msg);
    CU_ASSERT_EQUAL(st, LCM_OK);
    LCMT_ASSERT_HAS(html, "src=\"data:image/png;base64,iVBORw0KGgoAAAAN\"");
    LCMT_ASSERT_HAS(html, "src=\"data:image/svg+xml;base64,PD94bWwg");
    CU_ASSERT_PTR_NULL(strstr(html, "<script")); /* the SVG's script is inside base64 */
    LCMT_ASSERT_HAS(html, "<img alt=\"&lt;script&gt;");
    LCMT_ASSERT_HAS(html, "<span class=\"num-label\">图 2</span> 趋势</figcaption>");
    free(html);

    charts[1].path = badp;
    html = render(&r, &st, msg, sizeof msg);
    CU_ASSERT_EQUAL(st, LCM_PARSE);
    LCMT_ASSERT_HAS(msg, "neither PNG nor SVG");
    free(html);

    charts[1].path = "/nonexistent/chart.png";
    html = render(&r, &st, msg, sizeof msg);
    CU_ASSERT_EQUAL(st, LCM_IO);
    LCMT_ASSERT_HAS(msg, "cannot read chart '/nonexistent/chart.png'");
    free(html);

    r.missing_charts_ok = 1; /* gnuplot was missing: the report is still written */
    html = render(&r, &st, msg, sizeof msg);
    CU_ASSERT_EQUAL(st, LCM_OK);
    LCMT_ASSERT_HAS(html, "图表未生成（需要 gnuplot）。");
    free(html);
}

/* A chart PNG 1004 pixels wide was laid out 170 mm wide (150 dpi, chart.h): the report
 * shows it at that width, so its 9 pt text prints at 9 pt. */
static void report__png_shows_at_its_print_width(void) {
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13,
                                        'I',  'H', 'D', 'R', 0,    0,    3,    0xEC, 0, 0, 2, 0x8A};
    char path[4096];
    snprintf(path, sizeof path, "%s", lcmt_tmp("w.png"));
    lcmt_write(path, png, sizeof png);
    lcm_report_chart chart = {path, "alt", "cap"};
    lcm_report_block b = {LCM_BLOCK_CHART, NULL, 0, NULL, NULL, &chart};
    lcm_report_section sec = {"图", 1, &b};
    lcm_report r = {"报告", NULL, LCM_LANG_ZH, 30, 0, 1, &sec, NULL};
    lcm_status st;
    char msg[256] = "";
    char *html = render(&r, &st, msg, sizeof msg);
    CU_ASSERT_EQUAL(st, LCM_OK);
    LCMT_ASSERT_HAS(html, "<img alt=\"alt\" style=\"width:170.0mm\" src=\"data:image/png;");
    LCMT_ASSERT_HAS(html, "figure img{max-width:100%;height:auto}");
    free(html);
}

/* The framework's units (surveys/framework.csv, unit column) as each language shows them;
 * an unknown unit is shown as it is rather than dropped. */
static void units__each_framework_unit_in_both_languages(void) {
    static const char *const want[][3] = {
        {"%", "%", "%"},
        {"元", "元", "yuan"},
        {"人", "人", "persons"},
        {"万人", "万人", "10,000 persons"},
        {"年", "年", "years"},
        {"人次/年", "人次/年", "person-times/year"},
        {"万人次/年", "万人次/年", "10,000 person-times/year"},
        {"万人次", "万人次", "10,000 person-times"},
        {"项", "项", "items"},
        {"score", "分", "points"},
        {"个百分点", "个百分点", "percentage points"},
        {"furlongs", "furlongs", "furlongs"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        CU_ASSERT_STRING_EQUAL(lcm_unit_label(want[i][0], LCM_LANG_ZH), want[i][1]);
        CU_ASSERT_STRING_EQUAL(lcm_unit_label(want[i][0], LCM_LANG_EN), want[i][2]);
    }
    CU_ASSERT_STRING_EQUAL(lcm_unit_label(NULL, LCM_LANG_EN), "");
}

static void report__malformed_structs_refused(void) {
    lcm_report_block b = {LCM_BLOCK_TABLE, NULL, 0, NULL, NULL, NULL};
    lcm_report_section sec = {"x", 1, &b};
    lcm_report r = {"t", NULL, LCM_LANG_ZH, 30, 0, 1, &sec, NULL};
    lcm_status st;
    char msg[256] = "";
    free(render(&r, &st, msg, sizeof msg));
    CU_ASSERT_EQUAL(st, LCM_INVAL);
    LCMT_ASSERT_HAS(msg, "lacks its content");
    r.title = NULL;
    free(render(&r, &st, msg, sizeof msg));
    CU_ASSERT_EQUAL(st, LCM_INVAL);
}

/* RFC 4648 section 10 test vectors. */
static void report__base64_rfc4648_vectors(void) {
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const want[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                       "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        CU_ASSERT_EQUAL(lcm_base64_fp(f, (const unsigned char *)in[i], strlen(in[i])), 0);
        fclose(f);
        CU_ASSERT_STRING_EQUAL(buf, want[i]);
        free(buf);
    }
}

const lcmt_case lcmt_report_cases[] = {
    {"report__escapes_all_text_from_data", report__escapes_all_text_from_data},
    {"report__suppresses_cells_below_min_n", report__suppresses_cells_below_min_n},
    {"report__english_words_and_no_suppression_note_when_none",
     report__english_words_and_no_suppression_note_when_none},
    {"report__numbers_grouped_right_aligned_decimals_in_line",
     report__numbers_grouped_right_aligned_decimals_in_line},
    {"report__embeds_charts_as_data_uris", report__embeds_charts_as_data_uris},
    {"report__png_shows_at_its_print_width", report__png_shows_at_its_print_width},
    {"units__each_framework_unit_in_both_languages", units__each_framework_unit_in_both_languages},
    {"report__malformed_structs_refused", report__malformed_structs_refused},
    {"report__base64_rfc4648_vectors", report__base64_rfc4648_vectors},
    {NULL, NULL},
};
