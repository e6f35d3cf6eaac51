/*
 * test_demo.c - the pipeline end to end: the simulator is deterministic, and `lcmon demo`
 * on a small size writes the national and city reports with the expected sections and the
 * numbers the database holds.
 */
#include "feedback.h"
#include "simulate.h"
#include "testing.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Simulate into a fresh database; returns a fingerprint of what landed. */
static void simulate_into(const char *name, unsigned long seed, char *fp, size_t cap) {
    char path[1024];
    snprintf(path, sizeof path, "%s", lcmt_tmp(name));
    lcm_db *db = NULL;
    lcm_err err = {0};
    lcm_form *form = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_reference_load(db, lcmt_path("surveys"), NULL, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(lcmt_path("surveys/household"), &form, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_form_store(db, form, NULL, &err), LCM_OK);
    lcm_sim_opts o = {3, {2024, 2025}, 2, 40, seed, NULL, 0, NULL, 0};
    lcm_sim_summary *sum = calloc(1, sizeof *sum);
    CU_ASSERT_EQUAL_FATAL(lcm_simulate(db, form, &o, sum, &err), LCM_OK);
    CU_ASSERT_EQUAL(sum->ncities, 3);
    CU_ASSERT_EQUAL(sum->households, 3 * 2 * 40);
    sqlite3_stmt *st = NULL;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT group_concat(instance_id || ':' || city || ':' || printf('%%.6f', "
             "design_weight) || ':' || coalesce(sat_index, ''), ',') FROM (SELECT * FROM \"%s\" "
             "ORDER BY instance_id)",
             lcm_form_table(form));
    CU_ASSERT_EQUAL(sqlite3_prepare_v2(lcm_db_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    snprintf(fp, cap, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    free(sum);
    lcm_form_free(form);
    lcm_db_close(db);
}

static void simulate__same_seed_same_data(void) {
    size_t cap = 1 << 20;
    char *a = malloc(cap), *b = malloc(cap), *c = malloc(cap);
    simulate_into("sim_a.db", 7, a, cap);
    simulate_into("sim_b.db", 7, b, cap);
    simulate_into("sim_c.db", 8, c, cap);
    CU_ASSERT(strlen(a) > 1000);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT(strcmp(a, c) != 0);
    free(a), free(b), free(c);
}

static void demo__writes_reports_with_sections_and_numbers(void) {
    char dir[1024], db[1200], path[1400];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("demo"));
    char *out = NULL, *err = NULL;
    int rc = lcmt_run((const char *[]){"demo", "--out", dir, "--cities", "3", "--households", "40",
                                       "--mc", "50", NULL},
                      NULL, &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "\n%s%s", out, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "综合得分前"));
    free(out), free(err);
    /* the national report */
    snprintf(path, sizeof path, "%s/reports/national_2025.html", dir);
    char *html = lcmt_slurp(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "全国学习型城市建设监测报告（2025年）"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "一、需要关注的城市及原因"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "五、全国学习型城市网络覆盖情况"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "六、多数城市薄弱的监测点"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "附录：方法说明"));
    /* its charts, drawn in the batch after every report's model was built */
    if (access("/usr/bin/gnuplot", X_OK) == 0)
        CU_ASSERT_PTR_NOT_NULL(strstr(html, "data:image/png;base64,"));
    free(html);
    /* every city's report, with the score the database holds for it */
    snprintf(db, sizeof db, "%s/demo.db", dir);
    sqlite3 *s = NULL;
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_prepare_v2(s,
                                       "SELECT r.city_code, printf('%.1f', r.score) FROM "
                                       "score_results r WHERE r.indicator_code = 'overall' AND "
                                       "r.run_id = (SELECT max(id) FROM runs WHERE kind = "
                                       "'score')",
                                       -1, &st, NULL),
                    SQLITE_OK);
    int cities = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(path, sizeof path, "%s/reports/city_%s_2025.html", dir,
                 sqlite3_column_text(st, 0));
        html = lcmt_slurp(path, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(html);
        static const char *const sections[] = {"一、总体情况",           "二、得分与排名",
                                               "七、市民问卷调查结果",   "八、优势与短板",
                                               "九、改进建议与明年目标", "十、变化趋势",
                                               "十一、数据与方法说明",   "十二、问卷调查方法说明"};
        for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
            CU_ASSERT_PTR_NOT_NULL(strstr(html, sections[i]));
        char want[64];
        snprintf(want, sizeof want, "综合得分%s", sqlite3_column_text(st, 1));
        CU_ASSERT_PTR_NOT_NULL(strstr(html, want));
        if (access("/usr/bin/gnuplot", X_OK) == 0)
            CU_ASSERT_PTR_NOT_NULL(strstr(html, "data:image/png;base64,"));
        free(html);
        cities++;
    }
    CU_ASSERT_EQUAL(cities, 3);
    sqlite3_finalize(st);
    sqlite3_close(s);
}

/* Without gnuplot the report is still written, with its tables, and says the charts are
 * missing. Uses the database the demo test made. */
static void report__without_gnuplot_keeps_the_tables(void) {
    char dir[1024], db[1200];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("demo"));
    snprintf(db, sizeof db, "%s/demo.db", dir);
    lcm_db *d = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &d, &err), LCM_OK);
    char out[1100];
    snprintf(out, sizeof out, "%s/nognuplot", dir);
    mkdir(out, 0777);
    lcm_feedback_opts o = {NULL, 2025, out, LCM_LANG_EN, 30, "/nonexistent/gnuplot", 0, NULL};
    lcm_feedback_done done;
    CU_ASSERT_EQUAL(lcm_feedback_national(d, &o, &done, &err), LCM_OK);
    CU_ASSERT_EQUAL(done.gnuplot_ok, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(done.note, "gnuplot"));
    char *html = lcmt_slurp(done.path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "National learning-city monitoring (2025)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<table"));
    CU_ASSERT_PTR_NULL(strstr(html, "data:image/png;base64,"));
    free(html);
    lcm_db_close(d);
}

/* Files of dir whose names end with ext. */
static int count_files(const char *dir, const char *ext) {
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name), k = strlen(ext);
        n += len > k && strcmp(e->d_name + len - k, ext) == 0;
    }
    if (d)
        closedir(d);
    return n;
}

/* `lcmon report --no-svg`, as its help says, writes the charts as PNG only (it was refused
 * as an unknown option). Uses the database the demo test made. */
static void report__no_svg_writes_png_only(void) {
    char dir[1024], db[1200], svg[1200], png[1200];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("demo"));
    snprintf(db, sizeof db, "%s/demo.db", dir);
    snprintf(svg, sizeof svg, "%s/with_svg", dir);
    snprintf(png, sizeof png, "%s/png_only", dir);
    const char *with[] = {"report", db, "--national", "--year", "2025", "--out", svg, NULL};
    const char *without[] = {"report", db,  "--national", "--year", "2025",
                             "--out",  png, "--no-svg",   NULL};
    CU_ASSERT_EQUAL(lcmt_run(with, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_run(without, NULL, NULL, NULL), 0);
    if (access("/usr/bin/gnuplot", X_OK) != 0)
        return;
    CU_ASSERT(count_files(svg, ".svg") > 0);
    CU_ASSERT(count_files(png, ".png") > 0);
    CU_ASSERT_EQUAL(count_files(png, ".svg"), 0);
}

/* Bytes of a CJK character (U+3000-U+9FFF: punctuation, kana, ideographs; U+FF00-U+FFEF:
 * full-width forms) in s outside base64 data; -1 when there is none. */
static long first_cjk(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    for (long i = 0; p[i]; i++) {
        if (strncmp(s + i, "base64,", 7) == 0) /* skip the embedded image */
            while (p[i + 1] && p[i + 1] != '"')
                i++;
        else if ((p[i] >= 0xE3 && p[i] <= 0xE9) || (p[i] == 0xEF && p[i + 1] >= 0xBC))
            return i;
    }
    return -1;
}

/* `lcmon report --lang en` names the city and its province in English (the name_en the
 * reference data gives), and neither its tables nor its charts (the SVGs, whose text is
 * the charts' labels, legends and units) hold a CJK character. Uses the demo database. */
static void report__english_city_report_has_english_names_and_no_cjk(void) {
    char dir[1024], db[1200], out[1200], path[1400];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("demo"));
    snprintf(db, sizeof db, "%s/demo.db", dir);
    snprintf(out, sizeof out, "%s/english", dir);
    sqlite3 *s = NULL;
    sqlite3_stmt *st = NULL;
    char code[8] = "", city[96] = "", province[96] = "";
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_prepare_v2(s,
                                       "SELECT c.code, c.name_en, p.name_en FROM score_results r "
                                       "JOIN cities c ON c.code = r.city_code JOIN provinces p ON "
                                       "p.code = c.province_code WHERE r.indicator_code = "
                                       "'overall' ORDER BY c.code LIMIT 1",
                                       -1, &st, NULL),
                    SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(code, sizeof code, "%s", sqlite3_column_text(st, 0));
        snprintf(city, sizeof city, "%s", sqlite3_column_text(st, 1));
        snprintf(province, sizeof province, "%s", sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    sqlite3_close(s);
    CU_ASSERT_FATAL(code[0] && city[0] && province[0]);
    const char *argv[] = {"report", db,   "--city", code, "--year", "2025",
                          "--lang", "en", "--out",  out,  NULL};
    CU_ASSERT_EQUAL_FATAL(lcmt_run(argv, NULL, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/city_%s_2025.html", out, code);
    char *html = lcmt_slurp(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    char want[256];
    snprintf(want, sizeof want, "<h1>%s: learning-city monitoring feedback (2025)</h1>", city);
    LCMT_ASSERT_HAS(html, want);
    snprintf(want, sizeof want, "<p class=\"subtitle\">%s · ", province);
    LCMT_ASSERT_HAS(html, want);
    long at = first_cjk(html);
    if (at >= 0)
        fprintf(stderr, "\n  CJK in the English report at %ld: %.60s", at, html + at);
    CU_ASSERT_EQUAL(at, -1);
    free(html);
    if (access("/usr/bin/gnuplot", X_OK) != 0)
        return;
    static const char *const charts[] = {"radar", "ranks", "compare", "ipa", "trend"};
    for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++) {
        snprintf(path, sizeof path, "%s/city_%s_2025_%s.svg", out, code, charts[i]);
        char *svg = lcmt_slurp(path, NULL);
        if (i < 3) /* radar, ranks and comparison are drawn for every city */
            CU_ASSERT_PTR_NOT_NULL(svg);
        if (!svg) /* a chart without data is left out (ipa, trend need two waves) */
            continue;
        at = first_cjk(svg);
        if (at >= 0)
            fprintf(stderr, "\n  CJK in %s at %ld: %.60s", path, at, svg + at);
        CU_ASSERT_EQUAL(at, -1);
        if (i == 0) /* the radar names its city in the legend */
            LCMT_ASSERT_HAS(svg, city);
        free(svg);
    }
}

const lcmt_case lcmt_demo_cases[] = {
    {"simulate__same_seed_same_data", simulate__same_seed_same_data},
    {"demo__writes_reports_with_sections_and_numbers",
     demo__writes_reports_with_sections_and_numbers},
    {"report__without_gnuplot_keeps_the_tables", report__without_gnuplot_keeps_the_tables},
    {"report__no_svg_writes_png_only", report__no_svg_writes_png_only},
    {"report__english_city_report_has_english_names_and_no_cjk",
     report__english_city_report_has_english_names_and_no_cjk},
    {NULL, NULL},
};
