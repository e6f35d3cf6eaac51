/*
 * test_plots.c - the charts (plots/chart*.c): the gnuplot script and data files each chart
 * kind produces, the refusal of bad specs, the quoting of hostile labels, and gnuplot
 * itself (plots/gnuplot.c) really drawing them when it is installed.
 */
#include "chart.h"
#include "escape.h"
#include "gnuplot.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct mem {
    char *buf;
    size_t len;
    FILE *f;
} mem;

static FILE *mem_open(mem *m) {
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    return m->f;
}

static char *mem_close(mem *m) {
    fclose(m->f);
    return m->buf;
}

/* A fresh output directory below the test's temporary directory (static buffer). */
static const char *outdir(const char *name) {
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp(name));
    mkdir(dir, 0700);
    return dir;
}

static lcm_chart_opts opts(const char *dir, const char *name, lcm_lang lang) {
    lcm_chart_opts o = {dir, name, lang, 0, 0, 0, "Noto Sans CJK SC"};
    return o;
}

/* Where in script something gnuplot would execute appears outside a quoted string: a
 * backtick, system, or a line starting with '!'. -1 when there is none. Single-quoted
 * strings end at a lone quote ('' is a quote); double-quoted ones honour backslashes. */
static long unquoted_danger(const char *s) {
    char q = 0;
    for (long i = 0; s[i]; i++) {
        if (q == '\'') {
            if (s[i] == '\'' && s[i + 1] == '\'')
                i++;
            else if (s[i] == '\'')
                q = 0;
        } else if (q == '"') {
            if (s[i] == '\\' && s[i + 1])
                i++;
            else if (s[i] == '"')
                q = 0;
        } else if (s[i] == '\'' || s[i] == '"') {
            q = s[i];
        } else if (s[i] == '`' || strncmp(s + i, "system", 6) == 0 ||
                   (s[i] == '!' && (i == 0 || s[i - 1] == '\n'))) {
            return i;
        }
    }
    return q ? (long)strlen(s) : -1; /* an unterminated string swallows the rest */
}

static const char *const cities8[] = {"北京市", "上海市", "成都市", "西安市",
                                      "武汉市", "长沙市", "宁波市", "青岛市"};

static void chart__bars_sorted_highlighted_with_median(void) {
    const char *dir = outdir("bars");
    double est[] = {78.2, 80.1, 71.3, 65.0, 69.9, NAN, 74.4, 60.2};
    double lo[8], hi[8];
    for (int i = 0; i < 8; i++)
        lo[i] = est[i] - 3, hi[i] = est[i] + 3;
    lcm_chart_bars c = {"学习服务满意度", "满意度（%）", 8, cities8, est, lo, hi, 2, NAN, 0, NULL};
    lcm_chart_opts o = opts(dir, "bars", LCM_LANG_ZH);
    mem m;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(lcm_chart_bars_render(&c, &o, mem_open(&m), msg, sizeof msg), LCM_OK);
    char *s = mem_close(&m);
    LCMT_ASSERT_HAS(s, "set terminal pngcairo size 900,420 noenhanced");
    LCMT_ASSERT_HAS(s, "set terminal svg size 900,420 noenhanced");
    LCMT_ASSERT_HAS(s, "/bars.png'\n");
    LCMT_ASSERT_HAS(s, "/bars.svg'\n");
    LCMT_ASSERT_HAS(s, "set xlabel '满意度（%）'\n");
    /* sorted from the top: 上海 80.1 at y=7 ... 青岛 60.2, then 长沙 (no estimate) at 0 */
    LCMT_ASSERT_HAS(s, "set ytics scale 0 ('上海市' 7, '北京市' 6, '宁波市' 5, '武汉市' 3, "
                       "'西安市' 2, '青岛市' 1, '长沙市' 0)\n");
    LCMT_ASSERT_HAS(s, "set label 1 '成都市' at graph 0, first 4 right");
    LCMT_ASSERT_HAS(s, "set label 17 '无数据' at 0, 0 left");
    /* median of the seven estimates is 71.3 */
    LCMT_ASSERT_HAS(s, "set arrow 1 from 71.3, graph 0 to 71.3, graph 1 nohead");
    LCMT_ASSERT_HAS(s, "title '同类城市中位数 71.3'");
    LCMT_ASSERT_HAS(s, "with xerrorbars");
    LCMT_ASSERT_HAS(s, "title '其他城市'");
    LCMT_ASSERT_HAS(s, "\nunset output\n");
    char path[4200];
    snprintf(path, sizeof path, "%s/bars.dat", dir);
    char *d = lcmt_slurp(path, NULL);
    LCMT_ASSERT_HAS(d, "7 80.1 77.1 83.1 0\n");
    LCMT_ASSERT_HAS(d, "4 71.3 68.3 74.3 1\n");
    LCMT_ASSERT_HAS(d, "0 NaN NaN NaN 0\n");
    free(d);
    free(s);
}

static void chart__english_uses_english_fixed_texts(void) {
    double est[] = {1, 2, 3};
    lcm_chart_bars c = {
        "Satisfaction", "satisfied (%)", 3, cities8, est, NULL, NULL, -1, 2.5, 0, NULL};
    lcm_chart_opts o = opts(outdir("en"), "bars_en", LCM_LANG_EN);
    o.formats = LCM_CHART_SVG;
    mem m;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(lcm_chart_bars_render(&c, &o, mem_open(&m), msg, sizeof msg), LCM_OK);
    char *s = mem_close(&m);
    LCMT_ASSERT_HAS(s, "title 'other cities'");
    LCMT_ASSERT_HAS(s, "title 'peer median 2.5'");
    CU_ASSERT_PTR_NULL(strstr(s, "pngcairo"));   /* SVG only, as asked */
    CU_ASSERT_PTR_NULL(strstr(s, "xerrorbars")); /* no CI given, no whiskers */
    free(s);
}

static void chart__radar_geometry_and_panels(void) {
    const char *dir = outdir("radar");
    const char *l1[] = {"发展基础", "教育体系", "建设保障", "特色与成效"};
    double c1[] = {72, 65, 80, NAN}, m1[] = {68, 70, 71, 62};
    const char *l2[] = {"a", "b", "c"};
    double c2[] = {50, 150, -5};
    lcm_chart_radar r = {"剖面", "成都市", 0, 2, {{NULL, 4, l1, c1, m1}, {"二级", 3, l2, c2, NULL}},
                         NULL};
    lcm_chart_opts o = opts(dir, "radar", LCM_LANG_ZH);
    mem m;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(lcm_chart_radar_render(&r, &o, mem_open(&m), msg, sizeof msg), LCM_OK);
    char *s = mem_close(&m);
    LCMT_ASSERT_HAS(s, "set multiplot layout 1,2 title '剖面'\n");
    LCMT_ASSERT_HAS(s, "set title '一级指标'\n");
    LCMT_ASSERT_HAS(s, "set title '二级'\n");
    /* first axis straight up, second to the right (clockwise) */
    LCMT_ASSERT_HAS(s, "set label 1 '发展基础 72' at 0.0000, 1.0800 center offset 0,0.6\n");
    LCMT_ASSERT_HAS(s, "set label 2 '教育体系 65' at 1.0800, 0.0000 left offset 0,0\n");
    LCMT_ASSERT_HAS(s, "set label 4 '特色与成效（缺失）' at -1.0800, -0.0000 right");
    LCMT_ASSERT_HAS(s, "title '成都市'");
    LCMT_ASSERT_HAS(s, "title '同类城市中位数'");
    LCMT_ASSERT_HAS(s, "index 7 with linespoints");
    char path[4200];
    snprintf(path, sizeof path, "%s/radar.dat", dir);
    char *d = lcmt_slurp(path, NULL);
    LCMT_ASSERT_HAS(d, "0.000000 0.200000\n");  /* innermost ring at 20 of 100 */
    LCMT_ASSERT_HAS(d, "0.000000 0.720000\n");  /* the city's first score */
    LCMT_ASSERT_HAS(d, "0.866025 -0.500000\n"); /* 150 clamped to the outer ring, axis 2 of 3 */
    free(d);
    free(s);
}

static void chart__trend_band_region_nation(void) {
    const char *dir = outdir("trend");
    int yr[] = {2023, 2024, 2025};
    double e[] = {61.2, 64.8, 69.5}, lo[] = {58.1, 61.9, 66.7}, hi[] = {64.3, 67.7, 72.3};
    double rg[] = {60.1, 62.0, 63.4}, nt[] = {62.5, 66.1, 64.9};
    lcm_chart_trend t = {"变化", "满意度（%）", NULL, 3, yr, "成都市", "西部", NULL, e, lo, hi, rg,
                         nt};
    lcm_chart_opts o = opts(dir, "trend", LCM_LANG_ZH);
    mem m;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(lcm_chart_trend_render(&t, &o, mem_open(&m), msg, sizeof msg), LCM_OK);
    char *s = mem_close(&m);
    LCMT_ASSERT_HAS(s, "set xtics nomirror out ('2023' 2023, '2024' 2024, '2025' 2025)\n");
    LCMT_ASSERT_HAS(s, "set xlabel '年份'\n");
    LCMT_ASSERT_HAS(s, "set ylabel '满意度（%）'\n");
    LCMT_ASSERT_HAS(s, "using 1:3:4 with filledcurves");
    LCMT_ASSERT_HAS(s, "title '95% 置信区间'");
    LCMT_ASSERT_HAS(s, "title '西部'");
    LCMT_ASSERT_HAS(s, "title '全国'");
    char path[4200];
    snprintf(path, sizeof path, "%s/trend.dat", dir);
    char *d = lcmt_slurp(path, NULL);
    /* value labels: left of the first point, right of the last; in 2024 the nation (66.1)
     * is 1.3 above and the region 2.8 below, so the label goes below */
    LCMT_ASSERT_HAS(d, "2023 61.2 58.1 64.3 60.1 62.5 2\n");
    LCMT_ASSERT_HAS(d, "2024 64.8 61.9 67.7 62 66.1 -1\n");
    LCMT_ASSERT_HAS(d, "2025 69.5 66.7 72.3 63.4 64.9 3\n");
    free(d);
    free(s);
}

static void chart__ranks_sorted_by_median_rank(void) {
    double med[] = {1.5, 1, 3, 6, 4, 5, 3, 7}, p5[] = {1, 1, 2, 4, 2, 3, 2, 5};
    double p95[] = {3, 2, 5, 8, 6, 7, 5, 8};
    lcm_chart_ranks c = {"排名", NULL, 8, cities8, med, p5, p95, 7};
    lcm_chart_opts o = opts(outdir("ranks"), "ranks", LCM_LANG_ZH);
    mem m;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(lcm_chart_ranks_render(&c, &o, mem_open(&m), msg, sizeof msg), LCM_OK);
    char *s = mem_close(&m);
    LCMT_ASSERT_HAS(s, "set xlabel '排名（1 = 最好）'\n");
    LCMT_ASSERT_HAS(s, "set xrange [0.5:8.5]\n");
    LCMT_ASSERT_HAS(
        s, "set ytics scale 0 ('上海市' 7, '北京市' 6, '成都市' 5, '宁波市' 4, '武汉市' 3, "
           "'长沙市' 2, '西安市' 1)\n");
    LCMT_ASSERT_HAS(s, "set label 1 '青岛市' at graph 0, first 0 right");
    LCMT_ASSERT_HAS(s, "title '5%–95% 区间'");
    LCMT_ASSERT_HAS(s, "title '排名中位数'");
    free(s);
}

/* Labels wider than 16 CJK characters (32 Latin) end in an ellipsis on the city axis. */
static void chart__long_labels_end_in_ellipsis(void) {
    const char *names[] = {"一二三四五六七八九十一二三四五六七",
                           "abcdefghijklmnopqrstuvwxyz0123456789",
                           "一二三四五六七八九十一二三四五六"};
    double med[] = {1, 2, 3};
    lcm_chart_ranks c = {"t", NULL, 3, names, med, med, med, -1};
    lcm_chart_opts o = opts(outdir("long"), "long", LCM_LANG_ZH);
    mem m;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(lcm_chart_ranks_render(&c, &o, mem_open(&m), msg, sizeof msg), LCM_OK);
    char *s = mem_close(&m);
    LCMT_ASSERT_HAS(s, "('一二三四五六七八九十一二三四五…' 2, 'abcdefghijklmnopqrstuvwxyz0123…' 1, "
                       "'一二三四五六七八九十一二三四五六' 0)");
    free(s);
}

static void chart__ipa_quadrants_and_labels(void) {
    const char *dir = outdir("ipa");
    const char *items[] = {"社区教育", "老年大学", "图书馆", "线上平台", "缺项"};
    double perf[] = {80, 60, 85, 55, NAN}, imp[] = {0.5, 0.5, 0.2, 0.2, 0.3};
    lcm_chart_ipa c = {"IPA", "满意度（%）", "重要性（相关系数）", 5, items, perf, imp, NAN,
                       NAN,   {NULL}};
    lcm_chart_opts o = opts(dir, "ipa", LCM_LANG_ZH);
    mem m;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(lcm_chart_ipa_render(&c, &o, mem_open(&m), msg, sizeof msg), LCM_OK);
    char *s = mem_close(&m);
    /* cuts at the means of the items that have both values: 70 and 0.35 */
    LCMT_ASSERT_HAS(s, "set arrow 1 from 70, graph 0 to 70, graph 1 nohead");
    LCMT_ASSERT_HAS(s, "set arrow 2 from graph 0, first 0.35 to graph 1, first 0.35 nohead");
    LCMT_ASSERT_HAS(s, "title '继续保持'");
    LCMT_ASSERT_HAS(s, "title '重点改进'");
    LCMT_ASSERT_HAS(s, "set label 1 '社区教育' at ");
    CU_ASSERT_PTR_NULL(strstr(s, "'缺项'")); /* no point, no label */
    char path[4200];
    snprintf(path, sizeof path, "%s/ipa.dat", dir);
    char *d = lcmt_slurp(path, NULL);
    LCMT_ASSERT_HAS(d, "80 0.5 0\n60 0.5 1\n85 0.2 3\n55 0.2 2\n");
    CU_ASSERT_PTR_NULL(strstr(d, "0.3"));
    free(d);
    free(s);
}

static void chart__heatmap_cells_and_missing(void) {
    const char *dir = outdir("heatmap");
    const char *cols[] = {"发展基础", "教育体系", "满意度"};
    double v[] = {10, 50, NAN, 90, 20, 30};
    lcm_chart_heatmap c = {"热力图", NULL, 2, 3, cities8, cols, v, 1};
    lcm_chart_opts o = opts(dir, "heat", LCM_LANG_ZH);
    mem m;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(lcm_chart_heatmap_render(&c, &o, mem_open(&m), msg, sizeof msg), LCM_OK);
    char *s = mem_close(&m);
    LCMT_ASSERT_HAS(s, "set cblabel '标准化得分（0–100）'\n");
    LCMT_ASSERT_HAS(s, "set cbrange [0:100]\n");
    LCMT_ASSERT_HAS(
        s, "set xtics scale 0 rotate by 30 right ('发展基础' 0, '教育体系' 1, '满意度' 2)");
    LCMT_ASSERT_HAS(s, "set ytics scale 0 ('北京市' 1)\n");
    LCMT_ASSERT_HAS(s, "set yrange [-0.5:1.5]\n");
    LCMT_ASSERT_HAS(s, "set label 1 '上海市' at graph 0, first 0 right");
    LCMT_ASSERT_HAS(s, "with image");
    LCMT_ASSERT_HAS(s, "title '缺失'");
    char path[4200];
    snprintf(path, sizeof path, "%s/heat.dat", dir);
    char *d = lcmt_slurp(path, NULL);
    LCMT_ASSERT_HAS(d, "0 1 10 1\n1 1 50 1\n2 1 NaN 0\n\n0 0 90 1\n");
    free(d);
    free(s);
}

static void chart__coverage_targets_per_region(void) {
    const char *reg[] = {"东部", "中部", "西部"}, *ser[] = {"2024年", "2025年"};
    double cv[] = {44, 37, 23, 52, 46, 29}, tg[] = {50, 50, 30};
    lcm_chart_coverage c = {"覆盖率", NULL, 3, 2, reg, ser, cv, tg};
    const char *dir = outdir("coverage");
    lcm_chart_opts o = opts(dir, "cov", LCM_LANG_ZH);
    mem m;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(lcm_chart_coverage_render(&c, &o, mem_open(&m), msg, sizeof msg), LCM_OK);
    char *s = mem_close(&m);
    LCMT_ASSERT_HAS(s, "set ylabel '覆盖率（%）'\n");
    LCMT_ASSERT_HAS(s, "set xtics scale 0 nomirror ('东部' 0, '中部' 1, '西部' 2)\n");
    LCMT_ASSERT_HAS(s, "index 1 using 1:2:3:4 with vectors nohead dt 2");
    LCMT_ASSERT_HAS(s, "set label 1 '50%' at 0.380, 50 left");
    LCMT_ASSERT_HAS(s, "title '2025年目标'");
    LCMT_ASSERT_HAS(s, "title '2024年'");
    char path[4200];
    snprintf(path, sizeof path, "%s/cov.dat", dir);
    char *d = lcmt_slurp(path, NULL);
    /* bars: region 0, series 1 at x = -0.32 + 1.5 * 0.32; targets in block 1 */
    LCMT_ASSERT_HAS(d, "0.1600 52 1\n");
    LCMT_ASSERT_HAS(d, "\n\n\n-0.360 50 0.72 0\n0.640 50 0.72 0\n1.640 30 0.72 0\n");
    free(d);
    free(s);
}

/* Expected failures: each bad spec and the words its message must contain. */
static void chart__bad_specs_refused_with_reason(void) {
    const char *dir = outdir("bad");
    double est[] = {1, 2};
    const char *holey[] = {"a", NULL};
    static const struct {
        const char *name, *xlabel;
        size_t n;
        int holey;
        long highlight;
        const char *want;
    } cases[] = {
        {"ok", "x (%)", 2, 0, -1, NULL},
        {"../up", "x (%)", 2, 0, -1, "bad file name"},
        {".hidden", "x (%)", 2, 0, -1, "bad file name"},
        {"a b", "x (%)", 2, 0, -1, "bad file name"},
        {"ok", NULL, 2, 0, -1, "xlabel"},
        {"ok", "x (%)", 0, 0, -1, "1..1000 cities"},
        {"ok", "x (%)", 2, 1, -1, "label[1] is NULL"},
        {"ok", "x (%)", 2, 0, 2, "highlight"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lcm_chart_bars c = {"t",        cases[i].xlabel,
                            cases[i].n, cases[i].holey ? holey : cities8,
                            est,        NULL,
                            NULL,       cases[i].highlight,
                            NAN,        0,
                            NULL};
        lcm_chart_opts o = opts(dir, cases[i].name, LCM_LANG_ZH);
        mem m;
        char msg[256] = "";
        lcm_status st = lcm_chart_bars_render(&c, &o, mem_open(&m), msg, sizeof msg);
        free(mem_close(&m));
        CU_ASSERT_EQUAL(st, cases[i].want ? LCM_INVAL : LCM_OK);
        if (cases[i].want)
            LCMT_ASSERT_HAS(msg, cases[i].want);
    }
    lcm_chart_opts o = opts("/nonexistent/dir", "x", LCM_LANG_ZH);
    lcm_chart_bars c = {"t", "x", 2, cities8, est, NULL, NULL, -1, NAN, 0, NULL};
    mem m;
    char msg[256] = "";
    CU_ASSERT_EQUAL(lcm_chart_bars_render(&c, &o, mem_open(&m), msg, sizeof msg), LCM_IO);
    free(mem_close(&m));
    LCMT_ASSERT_HAS(msg, "cannot write '/nonexistent/dir/x.dat'");
}

static void escape__gp_quote_doubles_quotes_and_repairs_text(void) {
    char out[64];
    CU_ASSERT_EQUAL(lcm_gp_quote("it's", out, sizeof out), 7);
    CU_ASSERT_STRING_EQUAL(out, "'it''s'");
    lcm_gp_quote("a\nb\tc", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "'a b c'");
    lcm_gp_quote("bad\xFF\xC0\xAF utf8 成都", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "'bad?"
                                "?"
                                "? utf8 成都'");
    lcm_gp_quote("\xE6\x88", out, sizeof out); /* a character cut short */
    CU_ASSERT_STRING_EQUAL(out, "'?"
                                "?'");
    CU_ASSERT_EQUAL(lcm_gp_quote("abcdef", out, 4), 8); /* truncated, length still counted */
    CU_ASSERT_STRING_EQUAL(out, "'ab");
    lcm_html_escape("<a href=\"x\">&'\x01\xFF</a>", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "&lt;a href=&quot;x&quot;&gt;&amp;&#39; \xEF\xBF\xBD&lt;/a&gt;");
}

/* The label every test of hostile text uses; `marker` is a file it would create. */
static void hostile(char *out, size_t cap, const char *marker) {
    snprintf(out, cap, "a'b \"c\" \\ `touch %s` system(\"touch %s\")\n!touch %s @x", marker, marker,
             marker);
}

static int gnuplot_present(void) {
    char path[4096];
    if (lcm_gnuplot_find(NULL, path, sizeof path))
        return 1;
    fprintf(stderr, "\n  gnuplot not installed: test skipped (install gnuplot-nox)\n");
    CU_PASS("gnuplot not installed: skipped");
    return 0;
}

static void chart__hostile_labels_only_quoted_and_run_nothing(void) {
    char marker[1024], evil[4096]; /* evil holds the marker three times */
    snprintf(marker, sizeof marker, "%s", lcmt_tmp("pwned"));
    hostile(evil, sizeof evil, marker);
    const char *dir = outdir("hostile");
    const char *names[] = {evil, "北京市", "上海市"};
    double est[] = {50, 60, 70};
    lcm_chart_bars c = {evil, evil, 3, names, est, NULL, NULL, 0, NAN, 0, NULL};
    lcm_chart_ipa ipa = {evil, evil, evil, 3, names, est, est, NAN, NAN, {NULL}};
    lcm_chart_opts o = opts(dir, "hostile", LCM_LANG_ZH), o2 = opts(dir, "hostile2", LCM_LANG_ZH);
    o.formats = o2.formats = LCM_CHART_PNG;
    mem m;
    char msg[512] = "";
    FILE *f = mem_open(&m);
    CU_ASSERT_EQUAL_FATAL(lcm_chart_bars_render(&c, &o, f, msg, sizeof msg), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_chart_ipa_render(&ipa, &o2, f, msg, sizeof msg), LCM_OK);
    char *s = mem_close(&m);
    char quoted[8300]; /* every character of evil doubled at worst */
    lcm_gp_quote(evil, quoted, sizeof quoted);
    LCMT_ASSERT_HAS(s, quoted);
    CU_ASSERT_PTR_NOT_NULL(strstr(quoted, "'a''b \"c\" \\ `touch "));
    CU_ASSERT_PTR_NULL(strchr(quoted, '\n'));
    long at = unquoted_danger(s);
    if (at >= 0)
        fprintf(stderr, "\n  unquoted at %ld: %.60s\n", at, s + at);
    CU_ASSERT_EQUAL(at, -1);
    if (gnuplot_present()) {
        CU_ASSERT_EQUAL(lcm_gnuplot_run(NULL, s, strlen(s), msg, sizeof msg), LCM_OK);
        CU_ASSERT_EQUAL(access(marker, F_OK), -1); /* nothing ran */
        char png[4200];
        snprintf(png, sizeof png, "%s/hostile.png", dir);
        CU_ASSERT_EQUAL(access(png, R_OK), 0);
    }
    free(s);
}

static void chart__danger_checker_finds_unquoted_commands(void) {
    CU_ASSERT_EQUAL(unquoted_danger("set title 'a `b` system(1)'\n"), -1);
    CU_ASSERT_EQUAL(unquoted_danger("set title \"a \\\" `b`\"\n"), -1);
    CU_ASSERT_EQUAL(unquoted_danger("set title 'it''s' . `b`"), 20);
    CU_ASSERT_EQUAL(unquoted_danger("x = system('ls')"), 4);
    CU_ASSERT_EQUAL(unquoted_danger("plot 1\n!ls"), 7);
    CU_ASSERT(unquoted_danger("set title 'open") >= 0);
}

/* A PNG that is really one and has something drawn in it. */
static void check_png(const char *dir, const char *name) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    struct stat sb;
    unsigned char sig[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        fprintf(stderr, "\n  no chart '%s'\n", path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fread(sig, 1, 8, f), 8);
    fclose(f);
    CU_ASSERT(memcmp(sig, "\x89PNG\r\n\x1a\n", 8) == 0);
    CU_ASSERT(stat(path, &sb) == 0 && sb.st_size > 5 * 1024);
    snprintf(path, sizeof path, "%s/%s.svg", dir, name);
    CU_ASSERT(stat(path, &sb) == 0 && sb.st_size > 5 * 1024);
}

static void gnuplot__draws_every_chart_kind_in_one_process(void) {
    if (!gnuplot_present())
        return;
    const char *dir = outdir("all");
    double est[] = {78, 80, 71, 65, 70, 66, 74, 60}, lo[8], hi[8];
    for (int i = 0; i < 8; i++)
        lo[i] = est[i] - 4, hi[i] = est[i] + 4;
    lcm_chart_bars bars = {"满意度", "满意度（%）", 8, cities8, est, lo, hi, 2, NAN, 0, NULL};
    const char *l1[] = {"发展基础", "教育体系", "建设保障", "特色与成效"};
    double c1[] = {72, 65, 80, 58}, m1[] = {68, 70, 71, 62};
    lcm_chart_radar radar = {"剖面", "成都市", 100, 1, {{NULL, 4, l1, c1, m1}}, NULL};
    int yr[] = {2023, 2024, 2025};
    lcm_chart_trend trend = {"变化", "满意度（%）", NULL, 3,  yr,      "成都市", "西部",
                             NULL,   est,           lo,   hi, est + 1, est + 2};
    double med[] = {2, 1, 3, 8, 5, 6, 4, 7};
    lcm_chart_ranks ranks = {"排名", NULL, 8, cities8, med, lo, hi, 2};
    lcm_chart_ipa ipa = {"IPA", "满意度（%）", "重要性", 8, cities8, est, med, NAN, NAN, {NULL}};
    lcm_chart_heatmap heat = {"热力图", NULL, 2, 4, cities8, l1, est, 0};
    const char *reg[] = {"东部", "中部", "西部"}, *ser[] = {"2025年"};
    double tg[] = {50, 50, 30};
    lcm_chart_coverage cov = {"覆盖率", NULL, 3, 1, reg, ser, est, tg};
    lcm_chart_opts o[7];
    const char *names[7] = {"bars", "radar", "trend", "ranks", "ipa", "heat", "cov"};
    for (int i = 0; i < 7; i++)
        o[i] = opts(dir, names[i], LCM_LANG_ZH);
    mem m;
    char msg[1024] = "";
    FILE *f = mem_open(&m);
    CU_ASSERT_EQUAL(lcm_chart_bars_render(&bars, &o[0], f, msg, sizeof msg), LCM_OK);
    CU_ASSERT_EQUAL(lcm_chart_radar_render(&radar, &o[1], f, msg, sizeof msg), LCM_OK);
    CU_ASSERT_EQUAL(lcm_chart_trend_render(&trend, &o[2], f, msg, sizeof msg), LCM_OK);
    CU_ASSERT_EQUAL(lcm_chart_ranks_render(&ranks, &o[3], f, msg, sizeof msg), LCM_OK);
    CU_ASSERT_EQUAL(lcm_chart_ipa_render(&ipa, &o[4], f, msg, sizeof msg), LCM_OK);
    CU_ASSERT_EQUAL(lcm_chart_heatmap_render(&heat, &o[5], f, msg, sizeof msg), LCM_OK);
    CU_ASSERT_EQUAL(lcm_chart_coverage_render(&cov, &o[6], f, msg, sizeof msg), LCM_OK);
    char *s = mem_close(&m);
    lcm_status st = lcm_gnuplot_run(NULL, s, strlen(s), msg, sizeof msg);
    if (st != LCM_OK)
        fprintf(stderr, "\n  %s\n", msg);
    CU_ASSERT_EQUAL_FATAL(st, LCM_OK);
    for (int i = 0; i < 7; i++)
        check_png(dir, names[i]);
    free(s);
}

static void gnuplot__missing_program_says_what_to_install(void) {
    lcm_gnuplot *gp = (lcm_gnuplot *)&gp; /* must be reset to NULL */
    char msg[256] = "";
    CU_ASSERT_EQUAL(lcm_gnuplot_open("/nonexistent/gnuplot", &gp, msg, sizeof msg), LCM_EXTERNAL);
    CU_ASSERT_PTR_NULL(gp);
    CU_ASSERT_STRING_EQUAL(msg, "gnuplot not found: install gnuplot-nox");
    msg[0] = '\0';
    CU_ASSERT_EQUAL(lcm_gnuplot_run("no-such-gnuplot-lcmt", "plot x\n", 7, msg, sizeof msg),
                    LCM_EXTERNAL);
    CU_ASSERT_STRING_EQUAL(msg, "gnuplot not found: install gnuplot-nox");
    CU_ASSERT_EQUAL(lcm_gnuplot_close(NULL, msg, sizeof msg), LCM_OK);
}

/* gnuplot reading stdin reports an error, goes on with the next commands (so one bad
 * chart does not cost the others) and exits 1 at the end. */
static void gnuplot__failure_carries_its_stderr(void) {
    if (!gnuplot_present())
        return;
    char msg[1024] = "";
    const char *script = "set terminal dumb\nset nosuchoption 1\nprint 'still read'\n";
    CU_ASSERT_EQUAL(lcm_gnuplot_run(NULL, script, strlen(script), msg, sizeof msg), LCM_EXTERNAL);
    LCMT_ASSERT_HAS(msg, "gnuplot failed (exit 1): ");
    LCMT_ASSERT_HAS(msg, "set nosuchoption 1");
    LCMT_ASSERT_HAS(msg, "still read");
}

/* gnuplot writing a lot to stderr while a long script is still being fed: with one loop
 * draining stderr as it writes, neither side blocks for ever. */
static void gnuplot__chatty_stderr_does_not_deadlock(void) {
    if (!gnuplot_present())
        return;
    mem m;
    FILE *f = mem_open(&m);
    fputs("do for [i=1:20000] { print 'a line of chatter on stderr ', i }\n", f);
    for (int i = 0; i < 40000; i++)
        fputs("# padding so the script outgrows the socket buffer\n", f);
    fputs("print 'done'\n", f);
    char *s = mem_close(&m);
    lcm_gnuplot *gp = NULL;
    char msg[512] = "";
    CU_ASSERT_EQUAL_FATAL(lcm_gnuplot_open(NULL, &gp, msg, sizeof msg), LCM_OK);
    CU_ASSERT_EQUAL(lcm_gnuplot_send(gp, s, m.len, msg, sizeof msg), LCM_OK);
    CU_ASSERT_EQUAL(lcm_gnuplot_send(gp, "print 'more'\n", 13, msg, sizeof msg), LCM_OK);
    CU_ASSERT_EQUAL(lcm_gnuplot_close(gp, msg, sizeof msg), LCM_OK);
    free(s);
}

static void chart__font_found_or_fallback(void) {
    const char *file = lcm_chart_font_file();
    if (file) {
        CU_ASSERT_EQUAL(access(file, R_OK), 0);
        CU_ASSERT_STRING_EQUAL(lcm_chart_font(), "Noto Sans CJK SC");
    } else {
        CU_ASSERT_STRING_EQUAL(lcm_chart_font(), "Sans");
    }
}

const lcmt_case lcmt_plots_cases[] = {
    {"chart__bars_sorted_highlighted_with_median", chart__bars_sorted_highlighted_with_median},
    {"chart__english_uses_english_fixed_texts", chart__english_uses_english_fixed_texts},
    {"chart__radar_geometry_and_panels", chart__radar_geometry_and_panels},
    {"chart__trend_band_region_nation", chart__trend_band_region_nation},
    {"chart__ranks_sorted_by_median_rank", chart__ranks_sorted_by_median_rank},
    {"chart__long_labels_end_in_ellipsis", chart__long_labels_end_in_ellipsis},
    {"chart__ipa_quadrants_and_labels", chart__ipa_quadrants_and_labels},
    {"chart__heatmap_cells_and_missing", chart__heatmap_cells_and_missing},
    {"chart__coverage_targets_per_region", chart__coverage_targets_per_region},
    {"chart__bad_specs_refused_with_reason", chart__bad_specs_refused_with_reason},
    {"escape__gp_quote_doubles_quotes_and_repairs_text",
     escape__gp_quote_doubles_quotes_and_repairs_text},
    {"chart__danger_checker_finds_unquoted_commands",
     chart__danger_checker_finds_unquoted_commands},
    {"chart__hostile_labels_only_quoted_and_run_nothing",
     chart__hostile_labels_only_quoted_and_run_nothing},
    {"gnuplot__draws_every_chart_kind_in_one_process",
     gnuplot__draws_every_chart_kind_in_one_process},
    {"gnuplot__missing_program_says_what_to_install",
     gnuplot__missing_program_says_what_to_install},
    {"gnuplot__failure_carries_its_stderr", gnuplot__failure_carries_its_stderr},
    {"gnuplot__chatty_stderr_does_not_deadlock", gnuplot__chatty_stderr_does_not_deadlock},
    {"chart__font_found_or_fallback", chart__font_found_or_fallback},
    {NULL, NULL},
};
