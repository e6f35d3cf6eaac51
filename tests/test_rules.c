/*
 * test_rules.c - the scoring rules of issue 16 ("points scored the way the seed means them"),
 * each on a hand-worked example whose expected numbers are worked out in the comments from
 * the seed (surveys/seed/learning-city-guide.txt, 附件1) and docs/scores.md: counts per
 * 10,000 residents, plausible ranges at import, 2.2.1 as the mean of three level rates,
 * 4.2.2 honours by level and year, the 3.3.2 band, network members only, the weights used,
 * county-level cities, and self-assessed beside verified values.
 */
#include "lcmon.h"
#include "score.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void sql(lcm_db *db, const char *s) {
    char *msg = NULL;
    int rc = sqlite3_exec(lcm_db_sqlite(db), s, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "sql: %s\n", msg);
    sqlite3_free(msg);
    CU_ASSERT_EQUAL_FATAL(rc, SQLITE_OK);
}

/* Four cities: 1101 A and 1102 B (east), 5101 C and 5102 D (west); every scored point gets
 * base + position (so every point orders them D > C > B > A), 3.3.2 is 2.0 everywhere, and
 * every city has 100 万人 unless a test says otherwise. */
static lcm_db *rules_db(const char *name) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    const char *path = lcmt_tmp(name);
    remove(path);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_framework_load(db, lcm_datadir(), &err), LCM_OK);
    sql(db, "INSERT INTO provinces(code, name, region3, region4) VALUES "
            "('11','P11','east','east'),('51','P51','west','west');"
            "INSERT INTO cities(code, name, province_code, tier) VALUES "
            "('1101','A','11','prefecture'),('1102','B','11','prefecture'),"
            "('5101','C','51','provincial_capital'),('5102','D','51','prefecture');"
            "INSERT INTO indicator_values(city_code, year, indicator_code, value, source)"
            " SELECT c.code, 2024, i.code,"
            "  CASE WHEN i.kind = 'yesno' THEN (c.code >= '5101')"
            "       WHEN i.code = '3.3.2' THEN 2.0"
            "       ELSE (CASE c.code WHEN '1101' THEN 10 WHEN '1102' THEN 20"
            "             WHEN '5101' THEN 30 ELSE 40 END) + i.ord END, 'test'"
            " FROM cities c, indicators i WHERE i.kind IS NOT NULL AND i.kind <> 'survey'"
            " AND coalesce(i.direction, '') <> 'context';"
            "INSERT INTO city_stats(city_code, year, stat, value, source)"
            " SELECT code, 2024, 'population', 100, 'test' FROM cities;"
            "INSERT INTO network_members(city_code, status, applied_on, population,"
            " population_year, area, area_year, gdp_per_capita, gdp_per_capita_year,"
            " education_years, education_years_year, admitted_year, source) SELECT code,"
            " 'admitted', '2022-09-20', 100, 2022, 1000, 2022, 80000, 2022, 11, 2022, 2023,"
            " 'test' FROM cities;");
    return db;
}

static lcm_score_result *compute(lcm_db *db, lcm_score_opts *o) {
    lcm_score_result *r = NULL;
    lcm_err err = {0};
    lcm_status st = lcm_score_compute(db, o, &r, &err);
    if (st != LCM_OK)
        fprintf(stderr, "score: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(st, LCM_OK);
    return r;
}

static double cell(const lcm_score_result *r, const double *m, const char *point,
                   const char *city) {
    int j = lcm_score_node_index(&r->in, point), c = lcm_score_city_index(&r->in, city);
    CU_ASSERT_FATAL(j >= 0 && c >= 0);
    return m[(size_t)j * r->in.ncity + (size_t)c];
}

/* ---- 1. counts per 10,000 residents ---------------------------------------------------- */

/* 2.1.1 (人次/年) and 2.4.2 (万人次/年) with 常住人口 (万人):
 *   A 300,000 人次 / 1000 万人 = 300 per 10,000;  2.4.2: 30 万人次 × 10,000 / 1000 = 300
 *   B  60,000 / 100 = 600;                          2.4.2:  6 × 10,000 / 100 = 600
 *   C 200,000 / 400 = 500;                          2.4.2: 20 × 10,000 / 400 = 500
 *   D 1,000,000 / 2500 = 400;                       2.4.2: 100 × 10,000 / 2500 = 400
 * Min-max over 300..600: B 100, C (500 - 300)/300 = 66.67, D 33.33, A 0. By the raw count
 * (the old reading) D would score 100 and B 0. */
static void rules__counts_per_10000_residents(void) {
    lcm_db *db = rules_db("per10k.db");
    sql(db, "UPDATE city_stats SET value = CASE city_code WHEN '1101' THEN 1000 WHEN '1102' THEN"
            " 100 WHEN '5101' THEN 400 ELSE 2500 END;"
            "UPDATE indicator_values SET value = CASE city_code WHEN '1101' THEN 300000"
            " WHEN '1102' THEN 60000 WHEN '5101' THEN 200000 ELSE 1000000 END"
            " WHERE indicator_code = '2.1.1';"
            "UPDATE indicator_values SET value = CASE city_code WHEN '1101' THEN 30"
            " WHEN '1102' THEN 6 WHEN '5101' THEN 20 ELSE 100 END"
            " WHERE indicator_code = '2.4.2';");
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 0;
    lcm_score_result *r = compute(db, &o);
    static const char *const city[] = {"1101", "1102", "5101", "5102"};
    const double per[] = {300, 600, 500, 400}, score[] = {0, 100, 200.0 / 3, 100.0 / 3};
    const double count211[] = {300000, 60000, 200000, 1000000};
    for (int k = 0; k < 4; k++) {
        LCMT_ASSERT_REL(cell(r, r->in.raw, "2.1.1", city[k]), per[k], 1e-12);
        LCMT_ASSERT_REL(cell(r, r->in.raw, "2.4.2", city[k]), per[k], 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(cell(r, r->score, "2.1.1", city[k]), score[k], 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(cell(r, r->score, "2.4.2", city[k]), score[k], 1e-9);
        CU_ASSERT_EQUAL(cell(r, r->in.count, "2.1.1", city[k]), count211[k]);
    }
    /* stored: raw is the count as imported, basis the value per 10,000 residents */
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_score_store(db, r, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM score_results WHERE indicator_code ="
                                   " '2.1.1' AND city_code = '5102' AND raw = 1000000"
                                   " AND basis = 400"),
                    1);
    /* a point not counted per 10,000 residents has no basis */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM score_results WHERE indicator_code ="
                                   " '2.4.1' AND basis IS NOT NULL"),
                    0);
    lcm_score_result_free(r);
    lcm_db_close(db);
}

/* Without 常住人口 a count cannot be compared: the run is refused, naming city and year. */
static void rules__missing_population_is_an_error(void) {
    lcm_db *db = rules_db("nopop.db");
    sql(db, "DELETE FROM city_stats WHERE city_code = '5101'");
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 0;
    lcm_score_result *r = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_score_compute(db, &o, &r, &err), LCM_NOTFOUND);
    CU_ASSERT_PTR_NULL(r);
    LCMT_ASSERT_HAS(err.msg, "no 常住人口 (population) of city 5101 (C) for 2024: point 2.1.1 "
                             "is compared per 10,000 residents");
    /* without any per-10,000 count the population is not needed */
    sql(db, "DELETE FROM indicator_values WHERE city_code = '5101' AND indicator_code IN"
            " (SELECT code FROM indicators WHERE per_10k = 1)");
    r = compute(db, &o);
    lcm_score_result_free(r);
    lcm_db_close(db);
}

/* ---- 2. plausible ranges at import (the refusals are in test_import.c) ---------------- */

/* 常住人口 is imported with the statistics, as `population` or 常住人口, and lands in
 * city_stats; a birth rate of 0.64 % (inside 0.2-2.5) is taken. */
static void rules__population_imported_with_the_statistics(void) {
    lcm_db *db = rules_db("popimp.db");
    sql(db, "DELETE FROM city_stats");
    lcm_db_close(db);
    char path[4096], csv[4096], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s", lcmt_tmp("popimp.db"));
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("popimp.csv"));
    FILE *fp = fopen(csv, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("city,year,indicator,value,source\n1101,2024,population,931.5,统计年鉴\n"
          "1102,2024,常住人口,21.3,统计年鉴\n1101,2024,1.1.3,0.64,统计年鉴\n",
          fp);
    fclose(fp);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"import", "stats", path, csv, NULL}, NULL, &out, &err), 0);
    free(out), free(err);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &(lcm_err){0}), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM city_stats WHERE stat = 'population' AND"
                                   " ((city_code = '1101' AND value = 931.5) OR"
                                   " (city_code = '1102' AND value = 21.3))"),
                    2);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM indicator_values WHERE indicator_code ="
                                   " 'population'"),
                    0);
    lcm_db_close(db);
}

/* ---- 3. 2.2.1: the mean of the three level rates ----------------------------------------- */

/* City 1101: county c1 has a 社区教育学院 (1/1 = 100 %), one of its two townships a 社区学校
 * (1/2 = 50 %), 2 of its 20 villages a 教学站点 (2/20 = 10 %). 2.2.1 is the mean of the three
 * rates, (100 + 50 + 10) / 3 = 53.33 %; pooled, Σ covered / Σ units = (1 + 1 + 2) / (1 + 2 +
 * 20) = 4/23 = 17.39 %, which is mostly the village level. 2.2.3 stays Σ/Σ: its one county
 * college over the same 23 units is 1/23 = 4.35 %. */
static void rules__coverage_2_2_1_mean_of_levels(void) {
    lcm_db *db = rules_db("cov221.db");
    sql(db, "INSERT INTO admin_units(code, name, level, parent_code, city_code, province_code,"
            " residents_committees, village_committees) VALUES"
            " ('c1','c1','county',NULL,'1101','11',0,0),"
            " ('t1','t1','township','c1','1101','11',4,6),"
            " ('t2','t2','township','c1','1101','11',2,8);"
            "INSERT INTO facilities(city_code, unit_code, level, village, kind, name) VALUES"
            " ('1101','c1','county',NULL,'community_education','社区教育学院'),"
            " ('1101','t1','township',NULL,'community_education','社区学校'),"
            " ('1101','t1','village','v1','community_education','教学点1'),"
            " ('1101','t2','village','v9','community_education','教学点9'),"
            " ('1101','c1','county',NULL,'elderly_education','老年大学');");
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 0;
    lcm_score_result *r = compute(db, &o);
    CU_ASSERT_DOUBLE_EQUAL(cell(r, r->in.raw, "2.2.1", "1101"), 160.0 / 3, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(cell(r, r->in.raw, "2.2.3", "1101"), 100.0 / 23, 1e-12);
    lcm_score_result_free(r);
    lcm_db_close(db);
    /* the three rates are shown, with the mean scored */
    char path[4096], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s", lcmt_tmp("cov221.db"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"score", path, "--year", "2024", "--show", "coverage",
                                              "--format", "csv", NULL},
                             NULL, &out, &err),
                    0);
    LCMT_ASSERT_HAS(out, "point,key,county,township,village,combined_pct,county_pct,"
                         "township_pct,village_pct,level_mean_pct,scored_pct\n");
    LCMT_ASSERT_HAS(out, "2.2.1,1101,1/1,1/2,2/20,17.39,100.00,50.00,10.00,53.33,53.33\n");
    LCMT_ASSERT_HAS(out, "2.2.3,1101,1/1,0/2,0/20,4.35,100.00,0.00,0.00,33.33,4.35\n");
    free(out), free(err);
}

/* ---- 4. 4.2.2: honours of the last five years, by level ---------------------------------- */

/* Scoring 2024, the last five years are 2020-2024; weights 国际 3, 国家 2, 省部级 1.
 *   A (1101): 2019 国家 (too old), 2020 国家 2, 2023 省部级 1, 2024 国际 3 -> 3 titles, 6
 *   B (1102): three 省部级 titles in 2021 -> 3 titles, 3
 *   C (5101): only a title of 2025, after the year scored -> no record: its statistic stays
 * Old reading: the imported count as it was (A 10 + ord, B 20 + ord). Goalposts: 0 and the
 * largest five-year sum of any city and window, A's 6 (window 2020-2024). Under min-max A
 * scores 100 and B 0 (C and D have no 4.2.2 here); under goalposts B scores 3/6 = 50. */
static void rules__honours_4_2_2_last_five_years_by_level(void) {
    lcm_db *db = rules_db("honours.db");
    sql(db, "DELETE FROM indicator_values WHERE indicator_code = '4.2.2' AND city_code >= '5101';"
            "INSERT INTO honours(city_code, year, name, level, source) VALUES"
            " ('1101', 2019, '全国文明城市', 'national', 't'),"
            " ('1101', 2020, '国家卫生城市', 'national', 't'),"
            " ('1101', 2023, '省级园林城市', 'provincial', 't'),"
            " ('1101', 2024, '全球学习型城市奖', 'international', 't'),"
            " ('1102', 2021, '省级文明城市', 'provincial', 't'),"
            " ('1102', 2021, '省级卫生城市', 'provincial', 't'),"
            " ('1102', 2021, '省级园林城市', 'provincial', 't'),"
            " ('5101', 2025, '全国文明城市', 'national', 't');");
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 0;
    lcm_score_result *r = compute(db, &o);
    CU_ASSERT_EQUAL(cell(r, r->in.raw, "4.2.2", "1101"), 6);
    CU_ASSERT_EQUAL(cell(r, r->in.count, "4.2.2", "1101"), 3);
    CU_ASSERT_EQUAL(cell(r, r->in.raw, "4.2.2", "1102"), 3);
    CU_ASSERT_EQUAL(cell(r, r->in.count, "4.2.2", "1102"), 3);
    CU_ASSERT(isnan(cell(r, r->in.raw, "4.2.2", "5101")));
    CU_ASSERT_DOUBLE_EQUAL(cell(r, r->score, "4.2.2", "1101"), 100, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(cell(r, r->score, "4.2.2", "1102"), 0, 1e-12);
    int j = lcm_score_node_index(&r->in, "4.2.2");
    CU_ASSERT(r->in.node[j].lo == 0 && r->in.node[j].hi == 6);
    lcm_score_result_free(r);
    o.norm = LCM_CI_GOALPOSTS;
    r = compute(db, &o);
    CU_ASSERT_DOUBLE_EQUAL(cell(r, r->score, "4.2.2", "1102"), 50, 1e-12);
    lcm_score_result_free(r);
    lcm_db_close(db);
    /* imported from a CSV with Chinese levels */
    char path[4096], csv[4096], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s", lcmt_tmp("honours.db"));
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("honours.csv"));
    FILE *fp = fopen(csv, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("city,year,name,level,source\n5102,2022,全国文明城市,国家,中央文明委\n"
          "5102,2024,学习型城市建设奖,国际,UNESCO\n",
          fp);
    fclose(fp);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"import", "honours", path, csv, NULL}, NULL, &out, &err), 0);
    free(out), free(err);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &(lcm_err){0}), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM honours WHERE city_code = '5102' AND"
                                   " ((year = 2022 AND level = 'national') OR"
                                   " (year = 2024 AND level = 'international'))"),
                    2);
    r = compute(db, &o);
    CU_ASSERT_EQUAL(cell(r, r->in.raw, "4.2.2", "5102"), 5); /* 国家 2 + 国际 3 */
    lcm_score_result_free(r);
    lcm_db_close(db);
}

/* ---- 5. 3.3.2: compliance with the 1.5%-2.5% band ---------------------------------------- */

/* 职工教育培训经费 drawn at A 1.0 %, B 1.5 %, C 2.0 %, D 3.4 % of payroll.
 * Compliance (default): at or above the floor 1.5 is full score; below it the share of the
 * floor met: A 1.0 / 1.5 = 66.67, B C D 100.
 * Distance (the old reading, --band distance): distance outside [1.5, 2.5] is A 0.5, B 0,
 * C 0, D 0.9; min-max, lower better: (0.9 - d) / 0.9 → A 44.44, B 100, C 100, D 0: the city
 * that spends most scores least. */
static void rules__band_3_3_2_compliance_or_distance(void) {
    lcm_db *db = rules_db("band.db");
    sql(db,
        "UPDATE indicator_values SET value = CASE city_code WHEN '1101' THEN 1.0"
        " WHEN '1102' THEN 1.5 WHEN '5101' THEN 2.0 ELSE 3.4 END WHERE indicator_code = '3.3.2'");
    static const char *const city[] = {"1101", "1102", "5101", "5102"};
    const double compliance[] = {200.0 / 3, 100, 100, 100}, distance[] = {400.0 / 9, 100, 100, 0};
    for (int reading = 0; reading < 2; reading++) {
        lcm_score_opts o;
        lcm_score_opts_default(&o, 2024);
        o.mc = 0, o.band_distance = reading;
        lcm_score_result *r = compute(db, &o);
        for (int k = 0; k < 4; k++)
            CU_ASSERT_DOUBLE_EQUAL(cell(r, r->score, "3.3.2", city[k]),
                                   reading ? distance[k] : compliance[k], 1e-9);
        if (!reading) { /* stored: raw as imported, basis the compliance */
            lcm_err err = {0};
            CU_ASSERT_EQUAL_FATAL(lcm_score_store(db, r, &err), LCM_OK);
            CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM score_results WHERE"
                                           " indicator_code = '3.3.2' AND city_code = '1101'"
                                           " AND raw = 1.0 AND abs(basis - 200.0 / 3) < 1e-9"),
                            1);
            CU_ASSERT(lcmt_has(r->params, "\"band\":\"compliance\""));
        }
        lcm_score_result_free(r);
    }
    /* a run stored before the rule (no "band" in its parameters) re-runs as it was made */
    sql(db, "INSERT INTO runs(id, kind, params, lcmon_version) VALUES (99, 'score',"
            " '{\"year\":2024,\"normalise\":\"minmax\",\"aggregate\":\"arithmetic\","
            "\"threshold\":0.66666666666666663,\"treat\":1,\"with_context\":0,\"impute\":\"none\","
            "\"weights\":\"equal\",\"mc\":0,\"seed\":1,\"mc_spread\":0.25,\"disagree\":20}', 'x')");
    lcm_score_opts o;
    char *wf = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_score_params_load(db, 99, &o, &wf, &err), LCM_OK);
    CU_ASSERT_EQUAL(o.band_distance, 1);
    CU_ASSERT_EQUAL(o.all_cities, 1);
    free(wf);
    lcm_db_close(db);
}

/* ---- 6. network members only ------------------------------------------------------------ */

/* 5101 is only recommended, 5102 admitted in 2025: scoring 2024 covers 1101 and 1102 (admitted
 * 2023); --all-cities all four; a year without any member is refused, saying why. */
static void rules__only_members_admitted_by_the_year(void) {
    lcm_db *db = rules_db("members.db");
    sql(db, "UPDATE network_members SET status = 'recommended', admitted_year = NULL"
            " WHERE city_code = '5101';"
            "UPDATE network_members SET admitted_year = 2025 WHERE city_code = '5102';");
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 0;
    lcm_score_result *r = compute(db, &o);
    CU_ASSERT_EQUAL(r->in.ncity, 2);
    CU_ASSERT(lcm_score_city_index(&r->in, "1101") >= 0 &&
              lcm_score_city_index(&r->in, "1102") >= 0);
    CU_ASSERT_EQUAL(lcm_score_city_index(&r->in, "5102"), -1);
    CU_ASSERT(lcmt_has(r->params, "\"cities\":\"members\""));
    lcm_score_result_free(r);
    o.all_cities = 1;
    r = compute(db, &o);
    CU_ASSERT_EQUAL(r->in.ncity, 4);
    lcm_score_result_free(r);
    sql(db, "UPDATE network_members SET admitted_year = 2025 WHERE status = 'admitted'");
    lcm_db_close(db);
    char path[4096], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s", lcmt_tmp("members.db"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"score", path, "--year", "2024", "--mc", "0", NULL},
                             NULL, &out, &err),
                    1);
    LCMT_ASSERT_HAS(err, "lcmon: no inputs for year 2024 from a network member admitted by then");
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"score", path, "--year", "2024", "--mc", "0",
                                              "--all-cities", "--format", "csv", NULL},
                             NULL, &out, &err),
                    0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 5); /* header and four cities */
    free(out), free(err);
}

/* ---- 6 and 7. the demo scores its members; the weights used agree everywhere ------------ */

/* The value of column `col` on the CSV line starting with `key,` of text (static buffer);
 * col < 0 counts from the end of the line (-1 the last), past any quoted commas. */
static const char *csv_field(const char *text, const char *key, const char *header, int col) {
    static char buf[64];
    char want[64];
    snprintf(want, sizeof want, "\n%s,", key);
    const char *line = strstr(text, want);
    buf[0] = '\0';
    CU_ASSERT_PTR_NOT_NULL(line);
    if (!line)
        return buf;
    line++;
    if (col < 0) {
        const char *end = line + strcspn(line, "\n"), *p = end;
        for (int k = 0; k < -col && p > line; k++) {
            end = p;
            while (p > line && p[-1] != ',')
                p--;
            if (k + 1 < -col && p > line)
                p--;
        }
        snprintf(buf, sizeof buf, "%.*s", (int)(end - p < 63 ? end - p : 63), p);
        return buf;
    }
    for (int k = 0; k < col && line; k++) {
        line = strchr(line, ',');
        line = line ? line + 1 : NULL;
    }
    if (line) {
        size_t n = strcspn(line, ",\n");
        snprintf(buf, sizeof buf, "%.*s", (int)(n < 63 ? n : 63), line);
    }
    (void)header;
    return buf;
}

/* The framework gives 背景 0.25, but scoring leaves it out: the other groups weigh 1/3 each
 * and 2.1.1's share of the index is 1/3 (发展) × 1/9 (2.1 of nine) × 1/3 (of three) = 1/81.
 * framework show, score --show weights, the stored run and the city report all say so. The
 * demo's runs cover every monitored city in every wave (only members are scored: the
 * simulated register admits them in 2023). */
static void rules__demo_members_and_weights_used(void) {
    char dir[4096], db[4200], *out = NULL, *err = NULL;
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("rules_demo"));
    snprintf(db, sizeof db, "%s/demo.db", dir);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"demo", "--out", dir, "--cities", "4",
                                                    "--households", "40", "--mc", "0", NULL},
                                   NULL, &out, &err),
                          0);
    free(out), free(err);
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, 0, &h, &(lcm_err){0}), LCM_OK);
    for (int y = 2023; y <= 2025; y++) {
        char q[512];
        snprintf(q, sizeof q,
                 "SELECT count(*) FROM score_ranks WHERE scope = 'overall' AND run_id = (SELECT"
                 " max(id) FROM runs WHERE kind = 'score' AND params ->> '$.year' = %d"
                 " AND params ->> '$.cities' = 'members')",
                 y);
        CU_ASSERT_EQUAL(lcmt_count(h, q), 4);
    }
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM city_stats WHERE stat = 'population'"),
                    12); /* 4 cities x 3 waves */
    /* the stored run's weights: 1/3 for 2, 3, 4; 背景 not among them */
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM score_weights w WHERE run_id = (SELECT"
                                  " max(id) FROM runs WHERE kind = 'score') AND indicator_code IN"
                                  " ('2','3','4') AND abs(weight - 1.0 / 3) < 1e-15"),
                    3);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM score_weights WHERE indicator_code = '1'"),
                    0);
    char city[16] = "";
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(lcm_db_sqlite(h), "SELECT min(city_code) FROM score_ranks", -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(city, sizeof city, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    lcm_db_close(h);
    /* framework show: weight as declared, weight_used and share_used as scored */
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"framework", "show", "--db", db, "--all", "--format",
                                              "csv", NULL},
                             NULL, &out, &err),
                    0);
    LCMT_ASSERT_HAS(out, ",weight_used,share_used\n");
    CU_ASSERT_STRING_EQUAL(csv_field(out, "1", "", 13), "0.25");
    CU_ASSERT_STRING_EQUAL(csv_field(out, "1", "", -2), "0");
    CU_ASSERT_STRING_EQUAL(csv_field(out, "2", "", -2), "0.33333333333333331");
    CU_ASSERT_STRING_EQUAL(csv_field(out, "2", "", -1), "0.33333333333333331");
    CU_ASSERT_EQUAL(strtod(csv_field(out, "2.1.1", "", -1), NULL), 1.0 / 3 / 9 / 3);
    CU_ASSERT_STRING_EQUAL(csv_field(out, "1.1.1", "", -1), "0");
    free(out), free(err);
    /* score --show weights on the same store */
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"score", db, "--year", "2025", "--mc", "0", "--show",
                                              "weights", "--format", "csv", NULL},
                             NULL, &out, &err),
                    0);
    CU_ASSERT_STRING_EQUAL(csv_field(out, "2", "", -3), "0.3333");     /* weight in its parent */
    CU_ASSERT_STRING_EQUAL(csv_field(out, "2.1.1", "", -2), "0.0123"); /* share: 1/81 */
    CU_ASSERT_PTR_NULL(strstr(out, "\n1,"));
    free(out), free(err);
    /* the city report states the same first-level weights */
    char rdir[4300], model[4300];
    snprintf(rdir, sizeof rdir, "%s/r", dir);
    snprintf(model, sizeof model, "%s/m.json", dir);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"report", db, "--city", city, "--year", "2025",
                                              "--out", rdir, "--no-svg", "--model", model, NULL},
                             NULL, &out, &err),
                    0);
    free(out), free(err);
    char *m = lcmt_slurp(model, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    LCMT_ASSERT_HAS(m,
                    "一级指标实际权重：发展 0.333、保障 0.333、特色 0.333；背景不计入综合指数。");
    free(m);
}

/* ---- 8. county-level cities --------------------------------------------------------------- */

/* 昆山 (320583, a county-level city of 苏州) applies with the example application, is
 * recommended by 江苏省 and admitted in 2024; it becomes a city of the store (tier
 * county_level) and is scored: 2.1.1 of 84,640 人次 over 211.6 万人 is 400 per 10,000. Before,
 * the application was refused: "not a four-digit city code". */
static void rules__county_level_city_in_the_register_is_scored(void) {
    char dir[4096], app[4200], ev[4200], db[4200], stats[4200], *out = NULL, *err = NULL;
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("kunshan"));
    snprintf(app, sizeof app, "%s/app.csv", dir);
    snprintf(ev, sizeof ev, "%s/evidence", dir);
    snprintf(db, sizeof db, "%s/c.db", dir);
    snprintf(stats, sizeof stats, "%s/stats.csv", dir);
    mkdir(dir, 0700); /* the application's evidence files are found beside it */
    CU_ASSERT_EQUAL_FATAL(symlink(lcmt_path("examples/evidence"), ev), 0);
    char *text = lcmt_slurp(lcmt_path("examples/application.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    FILE *fp = fopen(app, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        fprintf(fp, "%s\n",
                strcmp(line, "city.code,4401,") == 0     ? "city.code,320583,"
                : strcmp(line, "city.name,广州市,") == 0 ? "city.name,昆山市,"
                                                         : line);
    fclose(fp);
    free(text);
    fp = fopen(stats, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("city,year,indicator,value,source\n320583,2024,常住人口,211.6,昆山统计年鉴\n"
          "320583,2024,2.1.1,84640,市人社局\n320583,2024,2.4.1,61.2,市人社局\n",
          fp);
    fclose(fp);
    const char *steps[][10] = {
        {"init", db, NULL},
        {"network", "apply", db, app, NULL},
        {"network", "recommend", db, "--province", "江苏省", "--cities", "昆山市", "--opinion",
         "同意推荐", NULL},
        {"network", "admit", db, "--cities", "320583", "--year", "2024", NULL},
        {"import", "stats", db, stats, NULL},
        {"score", db, "--year", "2024", "--mc", "0", NULL},
    };
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        int rc = lcmt_run(steps[k], NULL, &out, &err);
        if (rc != 0)
            fprintf(stderr, "\n  lcmon %s: %s\n", steps[k][0], err ? err : "");
        CU_ASSERT_EQUAL(rc, 0);
        free(out), free(err);
    }
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, 0, &h, &(lcm_err){0}), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM cities WHERE code = '320583' AND name ="
                                  " '昆山市' AND province_code = '32' AND tier = 'county_level'"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM network_members WHERE city_code ="
                                  " '320583' AND status = 'admitted' AND admitted_year = 2024"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM score_results WHERE city_code = '320583'"
                                  " AND indicator_code = '2.1.1' AND raw = 84640 AND basis = 400"),
                    1);
    /* a six-digit code that is not a county-level city is still no city */
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM admin_units WHERE code = '320583'"), 1);
    lcm_db_close(h);
}

/* ---- 9. self-assessed and verified values side by side ----------------------------------- */

/* Imported with basis 自评 the value goes to self_assessments, beside the verified one.
 *   1101 2.4.1: verified 10 + ord (the fixture), self 99 -> scored on the verified value
 *   1102 2.4.1: no verified value, self 55 -> scored on 55 (self_used)
 *   1101 2.3.1 (a rating point): self-assessed score 88 beside the verified value
 * The city report of 1101 lists 2.4.1 and 2.3.1 with both values. */
static void rules__self_assessed_beside_verified(void) {
    lcm_db *db = rules_db("self.db");
    sql(db, "DELETE FROM indicator_values WHERE city_code = '1102' AND indicator_code = '2.4.1'");
    long verified = lcmt_count(db, "SELECT CAST(value AS INTEGER) FROM indicator_values WHERE"
                                   " city_code = '1101' AND indicator_code = '2.4.1'");
    long rated = lcmt_count(db, "SELECT CAST(value AS INTEGER) FROM indicator_values WHERE"
                                " city_code = '1101' AND indicator_code = '2.3.1'");
    lcm_db_close(db);
    char path[4096], csv[4096], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s", lcmt_tmp("self.db"));
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("self.csv"));
    FILE *fp = fopen(csv, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("city,year,indicator,value,source,basis\n1101,2024,2.4.1,99,自评报告,自评\n"
          "1102,2024,2.4.1,55,自评报告,self\n1101,2024,2.3.1,88,自评报告,自评\n",
          fp);
    fclose(fp);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"import", "stats", path, csv, NULL}, NULL, &out, &err), 0);
    free(out), free(err);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &(lcm_err){0}), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM self_assessments"), 3);
    /* the verified value is untouched */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT CAST(value AS INTEGER) FROM indicator_values WHERE"
                                   " city_code = '1101' AND indicator_code = '2.4.1'"),
                    verified);
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 0;
    lcm_score_result *r = compute(db, &o);
    CU_ASSERT_EQUAL(cell(r, r->in.raw, "2.4.1", "1101"), verified);
    CU_ASSERT_EQUAL(cell(r, r->in.self, "2.4.1", "1101"), 99);
    CU_ASSERT_EQUAL(cell(r, r->in.raw, "2.4.1", "1102"), 55);
    int j = lcm_score_node_index(&r->in, "2.4.1");
    CU_ASSERT_EQUAL(r->in.self_used[(size_t)j * r->in.ncity + 0], 0);
    CU_ASSERT_EQUAL(r->in.self_used[(size_t)j * r->in.ncity + 1], 1);
    lcm_score_result_free(r);
    lcm_db_close(db);
    /* stored with the run, and shown side by side in the city report */
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"score", path, "--year", "2024", "--mc", "0", NULL},
                             NULL, &out, &err),
                    0);
    free(out), free(err);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &(lcm_err){0}), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM score_results WHERE indicator_code ="
                                   " '2.4.1' AND ((city_code = '1101' AND self_value = 99 AND"
                                   " self_used = 0) OR (city_code = '1102' AND raw = 55 AND"
                                   " self_used = 1))"),
                    2);
    lcm_db_close(db);
    char dir[4200], model[4300];
    snprintf(dir, sizeof dir, "%s_report", path);
    snprintf(model, sizeof model, "%s/m.json", dir);
    int rc = lcmt_run((const char *[]){"report", path, "--city", "1101", "--year", "2024", "--out",
                                       dir, "--no-svg", "--model", model, NULL},
                      NULL, &out, &err);
    if (rc != 0)
        fprintf(stderr, "report: %s\n", err ? err : "");
    CU_ASSERT_EQUAL(rc, 0);
    free(out), free(err);
    char *m = lcmt_slurp(model, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    LCMT_ASSERT_HAS(m, "城市自评与核实值不一致的监测点");
    /* both numbers, as the engine stored them (score_results of run 1) */
    char want[256];
    const struct {
        const char *code;
        long self, verified;
    } rows[] = {{"2.4.1", 99, verified}, {"2.3.1", 88, rated}};
    for (int k = 0; k < 2; k++) {
        snprintf(want, sizeof want,
                 "\"value\":%ld,\"decimals\":2,\"ref\":{\"stat\":\"self_value\",\"run\":1,"
                 "\"city\":\"1101\",\"indicator\":\"%s\"}},{\"kind\":\"number\",\"value\":%ld,"
                 "\"decimals\":2,\"ref\":{\"stat\":\"raw\"",
                 rows[k].self, rows[k].code, rows[k].verified);
        LCMT_ASSERT_HAS(m, want);
    }
    CU_ASSERT(rated != 88);
    free(m);
}

const lcmt_case lcmt_rules_cases[] = {
    {"rules__self_assessed_beside_verified", rules__self_assessed_beside_verified},
    {"rules__county_level_city_in_the_register_is_scored",
     rules__county_level_city_in_the_register_is_scored},
    {"rules__demo_members_and_weights_used", rules__demo_members_and_weights_used},
    {"rules__honours_4_2_2_last_five_years_by_level",
     rules__honours_4_2_2_last_five_years_by_level},
    {"rules__band_3_3_2_compliance_or_distance", rules__band_3_3_2_compliance_or_distance},
    {"rules__only_members_admitted_by_the_year", rules__only_members_admitted_by_the_year},
    {"rules__coverage_2_2_1_mean_of_levels", rules__coverage_2_2_1_mean_of_levels},
    {"rules__population_imported_with_the_statistics",
     rules__population_imported_with_the_statistics},
    {"rules__counts_per_10000_residents", rules__counts_per_10000_residents},
    {"rules__missing_population_is_an_error", rules__missing_population_is_an_error},
    {NULL, NULL},
};
