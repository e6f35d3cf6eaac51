/*
 * test_score.c - engine/score*.c and the score, rank, trend and profile commands on small
 * stores built here with SQL (the importers are another module): coverage as Σ/Σ, ratings
 * aggregation, identical cities, flipped directions, weights-file errors, survey point 4.2.1,
 * trends, and the stored run.
 */
#include "lcmon.h"
#include "score.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sql(lcm_db *db, const char *s) {
    char *msg = NULL;
    int rc = sqlite3_exec(lcm_db_sqlite(db), s, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "sql: %s\n", msg);
    sqlite3_free(msg);
    CU_ASSERT_EQUAL_FATAL(rc, SQLITE_OK);
}

/* Every city a network member admitted in 2023: only members are scored (issue 16). */
static const char admit_all[] =
    "INSERT INTO network_members(city_code, status, applied_on, population, population_year,"
    " area, area_year, gdp_per_capita, gdp_per_capita_year, education_years,"
    " education_years_year, admitted_year, source) SELECT code, 'admitted', '2022-09-20', 100,"
    " 2022, 1000, 2022, 80000, 2022, 11, 2022, 2023, 'test' FROM cities;";

/* Four cities in two provinces: 1101 and 1102 (east, prefecture), 5101 (west, capital),
 * 5102 (west, prefecture). */
static lcm_db *fresh_db(const char *name) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    const char *path = lcmt_tmp(name);
    remove(path);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_framework_load(db, lcm_datadir(), &err), LCM_OK);
    sql(db, "INSERT INTO provinces(code, name, region3, region4) VALUES "
            "('11','P11','east','east'),('51','P51','west','west');"
            "INSERT INTO cities(code, name, province_code, tier) VALUES "
            "('1101','A','11','prefecture'),('1102','B','11',"
            "'prefecture'),('5101','C','51','provincial_capital'),('5102','D','51',"
            "'prefecture');");
    sql(db, admit_all);
    return db;
}

/* Every scored point (not background) for each city: value = base + k * position, so the
 * cities are ordered 5102 > 5101 > 1101 = 1102 on every higher-is-better point. yes/no points
 * get 1 for the top two cities; 3.3.2 (band 1.5-2.5) is 2.0 everywhere. */
static void fill_values(lcm_db *db, int year, int identical) {
    char q[1024];
    snprintf(q, sizeof q,
             "INSERT INTO indicator_values(city_code, year, indicator_code, value, source)"
             " SELECT c.code, %d, i.code,"
             "  CASE WHEN i.kind = 'yesno' THEN (c.code >= '5101')"
             "       WHEN i.code = '3.3.2' THEN 2.0"
             "       ELSE (CASE c.code WHEN '1101' THEN 10 WHEN '1102' THEN %s"
             "             WHEN '5101' THEN 30 ELSE 40 END) + i.ord END, 'test'"
             " FROM cities c, indicators i WHERE i.kind IS NOT NULL AND i.kind <> 'survey'"
             " AND coalesce(i.direction, '') <> 'context'",
             year, identical ? "10" : "20");
    sql(db, q);
    /* 常住人口 100 万人 everywhere: the per-10,000 points keep the cities' order */
    snprintf(q, sizeof q,
             "INSERT OR REPLACE INTO city_stats(city_code, year, stat, value, source)"
             " SELECT code, %d, 'population', 100, 'test' FROM cities",
             year);
    sql(db, q);
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

static void coverage__province_is_sum_over_sum(void) {
    lcm_db *db = fresh_db("cov.db");
    /* City 1101: county c1 (covered), township t1 (not) with 4 villages, 2 of them covered
     * (one twice). City 1102: counties c2-c4 (none covered), township t2 (covered) with 6
     * villages (none covered).
     *   1101: 1/1 county, 0/1 township, 2/4 village -> combined 3/6 = 50%
     *   1102: 0/3, 1/1, 0/6 -> combined 1/10 = 10%
     *   province 11: 1/4 = 25%, 1/2, 2/10, combined 4/16 = 25%
     * The mean of the cities' combined rates would be 30%, of their county rates 50%. */
    sql(db, "INSERT INTO admin_units(code, name, level, parent_code, city_code, province_code,"
            " residents_committees, village_committees) VALUES"
            " ('c1','c1','county',NULL,'1101','11',0,0), ('c2','c2','county',NULL,'1102','11',0,0),"
            " ('c3','c3','county',NULL,'1102','11',0,0), ('c4','c4','county',NULL,'1102','11',0,0),"
            " ('t1','t1','township','c1','1101','11',1,3), ('t2','t2','township','c2','1102','11',"
            "2,4);"
            "INSERT INTO facilities(city_code, unit_code, level, village, kind, name) VALUES"
            " ('1101','c1','county',NULL,'community_education','college'),"
            " ('1101','t1','village','v1','community_education','p1'),"
            " ('1101','t1','village','v1','community_education','p1b'),"
            " ('1101','t1','village','v2','community_education','p2'),"
            " ('1102','t2','township',NULL,'community_education','school'),"
            " ('1102','t2','township',NULL,'elderly_education','elderly school');");
    lcm_coverage_row *rows = NULL;
    size_t n = 0;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(
        lcm_coverage(db, LCM_COVERAGE_KIND_COMMUNITY, 2024, LCM_COV_CITY, &rows, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    LCMT_ASSERT_REL(rows[0].rate[3], 50, 1e-12);
    LCMT_ASSERT_REL(rows[1].rate[3], 10, 1e-12);
    CU_ASSERT_EQUAL(rows[0].covered[2], 2);
    free(rows);
    CU_ASSERT_EQUAL_FATAL(
        lcm_coverage(db, LCM_COVERAGE_KIND_COMMUNITY, 2024, LCM_COV_PROVINCE, &rows, &n, &err),
        LCM_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(rows[0].key, "11");
    LCMT_ASSERT_REL(rows[0].rate[0], 25, 1e-12);
    LCMT_ASSERT_REL(rows[0].rate[1], 50, 1e-12);
    LCMT_ASSERT_REL(rows[0].rate[2], 20, 1e-12);
    LCMT_ASSERT_REL(rows[0].rate[3], 25, 1e-12);
    free(rows);
    CU_ASSERT_EQUAL(
        lcm_coverage(db, LCM_COVERAGE_KIND_COMMUNITY, 2024, LCM_COV_NATION, &rows, &n, &err),
        LCM_OK);
    CU_ASSERT(n == 1 && strcmp(rows[0].key, "nation") == 0 && rows[0].units[2] == 10);
    free(rows);
    /* The score uses the mean of the city's three level rates for 2.2.1 (issue 16):
     * 1102: (0 + 100 + 0) / 3 = 33.33, where the combined rate is 10. */
    fill_values(db, 2024, 0);
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 0;
    lcm_score_result *r = compute(db, &o);
    int j = lcm_score_node_index(&r->in, "2.2.1"), c = lcm_score_city_index(&r->in, "1102");
    LCMT_ASSERT_REL(r->in.raw[(size_t)j * r->in.ncity + (size_t)c], 100.0 / 3, 1e-12);
    lcm_score_result_free(r);
    lcm_db_close(db);
}

static void ratings__mean_spread_and_disagreement(void) {
    lcm_db *db = fresh_db("ratings.db");
    fill_values(db, 2024, 0);
    /* 1101 on 2.3.1: 60, 75 and 90 -> mean 75, sd sqrt(450/2) = 15, span 30 > 20: disagree.
     * 1102: 70, 75 and 80 -> mean 75, sd 5, span 10: agree. 5101: two ratings only, which do
     * not count (three reviewers needed, docs/ratings.md): the imported value stays. */
    sql(db, "INSERT INTO ratings(city_code, year, indicator_code, reviewer, score) VALUES"
            " ('1101',2024,'2.3.1','r1',60),('1101',2024,'2.3.1','r2',90),"
            " ('1101',2024,'2.3.1','r3',75),('1102',2024,'2.3.1','r3',75),"
            " ('1102',2024,'2.3.1','r1',70),('1102',2024,'2.3.1','r2',80),"
            " ('5101',2024,'2.3.1','r1',0),('5101',2024,'2.3.1','r2',0)");
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 0;
    lcm_score_result *r = compute(db, &o);
    size_t j = (size_t)lcm_score_node_index(&r->in, "2.3.1"), n = r->in.ncity;
    size_t a = (size_t)lcm_score_city_index(&r->in, "1101"), b = a + 1;
    size_t c = (size_t)lcm_score_city_index(&r->in, "5101");
    LCMT_ASSERT_REL(r->in.raw[j * n + a], 75, 1e-12);
    LCMT_ASSERT_REL(r->in.spread[j * n + a], 15, 1e-12);
    CU_ASSERT_EQUAL(r->in.disagree[j * n + a], 1);
    LCMT_ASSERT_REL(r->in.spread[j * n + b], 5, 1e-12);
    CU_ASSERT_EQUAL(r->in.disagree[j * n + b], 0);
    CU_ASSERT_EQUAL(r->in.nrating[j * n + a], 3);
    /* fill_values: 5101 has 30 + ord of 2.3.1 */
    CU_ASSERT(r->in.raw[j * n + c] > 30);
    CU_ASSERT_EQUAL(r->in.nrating[j * n + c], 0);
    lcm_score_result_free(r);
    lcm_db_close(db);
}

static void score__identical_cities_identical_score_and_interval(void) {
    lcm_db *db = fresh_db("ident.db");
    fill_values(db, 2024, 1); /* 1101 and 1102 identical */
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 2000;
    lcm_score_result *r = compute(db, &o);
    size_t a = (size_t)lcm_score_city_index(&r->in, "1101"),
           b = (size_t)lcm_score_city_index(&r->in, "1102");
    CU_ASSERT_EQUAL(r->score[a], r->score[b]);
    const lcm_score_city *ca = &r->in.city[a], *cb = &r->in.city[b];
    CU_ASSERT_EQUAL(ca->rank, cb->rank);
    CU_ASSERT_EQUAL(ca->rank, 3); /* two cities ahead on every point, ties share rank 3 */
    CU_ASSERT(ca->mc.median == cb->mc.median && ca->mc.p05 == cb->mc.p05 &&
              ca->mc.p95 == cb->mc.p95);
    CU_ASSERT(ca->mc_region.p95 == cb->mc_region.p95 && ca->mc_tier.p05 == cb->mc_tier.p05);
    CU_ASSERT_EQUAL(r->in.city[lcm_score_city_index(&r->in, "5102")].rank, 1);
    lcm_score_result_free(r);
    lcm_db_close(db);
}

static void score__flipping_directions_reverses_ranking(void) {
    lcm_db *db = fresh_db("flip.db");
    fill_values(db, 2024, 0);
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 0, o.treat = 0;
    lcm_score_result *up = compute(db, &o);
    sql(db, "UPDATE indicators SET direction = 'lower_better' WHERE direction = 'higher_better'");
    lcm_score_result *down = compute(db, &o);
    size_t n = up->in.ncity;
    CU_ASSERT_EQUAL_FATAL(n, 4);
    /* Every leaf becomes 100 - s (yes/no and the band point too: they are constant or
     * symmetric), so the arithmetic index becomes 100 - index and every pair swaps. */
    for (size_t a = 0; a < n; a++) {
        CU_ASSERT_EQUAL(up->in.city[a].rank + down->in.city[a].rank, (int)n + 1);
        for (size_t b = 0; b < n; b++)
            if (up->score[a] > up->score[b])
                CU_ASSERT(down->score[a] < down->score[b]);
    }
    lcm_score_result_free(up);
    lcm_score_result_free(down);
    lcm_db_close(db);
}

static void score__survey_point_from_measures(void) {
    lcm_db *db = fresh_db("svy.db");
    fill_values(db, 2024, 0);
    /* 1101: awareness 0.6, participation 0.3, satisfaction index 75 -> (60 + 30 + 75)/3 = 55 */
    sql(db, "INSERT INTO survey_measures(city_code, year, measure, estimate, se, n) VALUES"
            " ('1101',2024,'awareness',0.6,0.02,800),('1101',2024,'participation',0.3,0.02,800),"
            " ('1101',2024,'satisfaction_index',75,1.5,800)");
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 200;
    lcm_score_result *r = compute(db, &o);
    size_t j = (size_t)lcm_score_node_index(&r->in, "4.2.1");
    size_t a = (size_t)lcm_score_city_index(&r->in, "1101");
    LCMT_ASSERT_REL(r->in.raw[j * r->in.ncity + a], 55, 1e-12);
    CU_ASSERT(isnan(r->in.raw[j * r->in.ncity + a + 1])); /* 1102 has no survey */
    CU_ASSERT_EQUAL(r->in.city[a + 1].missing, 1);
    lcm_score_result_free(r);
    lcm_db_close(db);
}

static void score__weights_file_equal_pca_and_errors(void) {
    lcm_db *db = fresh_db("weights.db");
    fill_values(db, 2024, 0);
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 0;
    const char *good = lcmt_tmp("w_good.csv");
    FILE *fp = fopen(good, "w");
    fputs("code,weight\n2,2\n3,1\n4,1\n", fp);
    fclose(fp);
    o.weights = LCM_WEIGHTS_FILE, o.weights_file = good;
    lcm_score_result *r = compute(db, &o);
    LCMT_ASSERT_REL(r->in.node[lcm_score_node_index(&r->in, "2")].weight, 0.5, 1e-12);
    LCMT_ASSERT_REL(r->in.node[lcm_score_node_index(&r->in, "3")].weight, 0.25, 1e-12);
    CU_ASSERT_EQUAL(r->in.node[lcm_score_node_index(&r->in, "1")].weight, 0); /* background */
    lcm_score_result_free(r);
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"code,weight\n2,1\n3,abc\n",
         ":3:2: weight 'abc' is not a non-negative number (field weight)"},
        {"code,weight\n9.9,1\n", ":2:1: unknown indicator code '9.9' (field code)"},
        {"code,weight\n2,1\n2,3\n", ":3:1: indicator '2' listed twice, first on line 2"},
        {"code,w\n2,1\n", ":1:3: missing column 'weight'"},
        {"code,weight\n2,1\n3,1\n", ":2:1: lists '2' but not its sibling '4'"},
        {"code,weight\n1.1.1,1\n", ":2:2: '1.1.1' is a background point"},
        /* issue 13 item 9: all-zero weights used to store a run with blank scores, and a
         * header-only file meant equal weights without a word */
        {"code,weight\n2,0\n3,0\n4,0\n",
         ":2:2: every first-level weight is 0: nothing would be scored (field weight)"},
        {"code,weight\n", ":1:1: no weights below the header"},
        {"code,weight\n\n", ":1:1: no weights below the header"},
        {"code,weight\n3.1.1,0\n3.1.2,0\n3.1.3,0\n",
         ":2:2: every point under '3.1' has weight 0: weight '3.1' itself 0"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *path = lcmt_tmp("w_bad.csv");
        fp = fopen(path, "w");
        fputs(bad[i].text, fp);
        fclose(fp);
        o.weights_file = path;
        lcm_err err = {0};
        CU_ASSERT_EQUAL(lcm_score_compute(db, &o, &r, &err), LCM_PARSE);
        CU_ASSERT_PTR_NULL(r);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, bad[i].msg));
        if (!strstr(err.msg, bad[i].msg))
            fprintf(stderr, "case %zu: %s\n", i, err.msg);
    }
    o.weights = LCM_WEIGHTS_PCA;
    r = compute(db, &o);
    double sum = 0;
    for (size_t i = 0; i < r->in.nnode; i++)
        sum += r->in.node[i].parent == 0 ? r->in.node[i].weight : 0;
    LCMT_ASSERT_REL(sum, 1, 1e-12);
    lcm_score_result_free(r);
    lcm_db_close(db);
}

static void score__stored_with_params(void) {
    lcm_db *db = fresh_db("store.db");
    fill_values(db, 2024, 0);
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = 100, o.norm = LCM_CI_GOALPOSTS;
    lcm_score_result *r = compute(db, &o);
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_score_store(db, r, &err), LCM_OK);
    CU_ASSERT(r->run_id > 0);
    long long latest = 0;
    CU_ASSERT_EQUAL(lcm_score_latest_run(db, 2024, &latest, &err), LCM_OK);
    CU_ASSERT_EQUAL(latest, r->run_id);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM runs WHERE kind = 'score' AND"
                                   " json_extract(params, '$.normalise') = 'goalposts'"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM score_ranks"), 12); /* 4 x 3 scopes */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM score_results WHERE"
                                   " indicator_code = 'overall'"),
                    4);
    CU_ASSERT_EQUAL(lcm_score_latest_run(db, 2023, &latest, &err), LCM_NOTFOUND);
    lcm_score_result_free(r);
    lcm_db_close(db);
}

static void trend__city_series_from_store(void) {
    lcm_db *db = fresh_db("trend.db");
    /* 2.4.1 of 1101 over 2019-2023: 10 12 11 15 16 (the series of test_trend.c: slope 1.5,
     * S = 8, Sen 1.5); survey awareness 0.60 (SE 0.03) then 0.66 (SE 0.04): +6 points, SE 5. */
    sql(db, "INSERT INTO indicator_values(city_code, year, indicator_code, value, source) VALUES"
            " ('1101',2019,'2.4.1',10,'t'),('1101',2020,'2.4.1',12,'t'),"
            " ('1101',2021,'2.4.1',11,'t'),('1101',2022,'2.4.1',15,'t'),"
            " ('1101',2023,'2.4.1',16,'t');"
            "INSERT INTO survey_measures(city_code, year, measure, estimate, se) VALUES"
            " ('1101',2021,'awareness',0.60,0.03),('1101',2023,'awareness',0.66,0.04)");
    lcm_trend_set t;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_score_trends(db, "1101", "2.4.1", &t, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(t.nrow, 1);
    const lcm_trend_row *row = &t.row[0];
    CU_ASSERT(row->n == 5 && row->first == 2019 && row->last == 2023 && row->points);
    LCMT_ASSERT_REL(row->yoy, 1, 1e-12); /* 15 -> 16: +1 percentage point */
    LCMT_ASSERT_REL(row->ols.slope, 1.5, 1e-12);
    LCMT_ASSERT_REL(row->mk.s, 8, 1e-12);
    LCMT_ASSERT_REL(row->mk.sen, 1.5, 1e-12);
    lcm_trend_set_release(&t);
    CU_ASSERT_EQUAL(lcm_score_trends(db, "1101", "9.9", &t, &err), LCM_NOTFOUND);
    lcm_wave_row *w = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_score_wave_changes(db, "1101", &w, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    LCMT_ASSERT_REL(w[0].change.diff, 6, 1e-9);
    LCMT_ASSERT_REL(w[0].change.se, 5, 1e-9);
    free(w);
    lcm_db_close(db);
}

static void cli__score_rank_profile_trend_and_bad_weights(void) {
    lcm_db *db = fresh_db("cli_score.db");
    fill_values(db, 2024, 0);
    fill_values(db, 2023, 0);
    lcm_db_close(db);
    char path[4096], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s", lcmt_tmp("cli_score.db"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"score", path, "--year", "2024", "--mc", "200", NULL},
                             NULL, &out, &err),
                    0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "有效权重"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "5%排名"));
    free(out), free(err);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"rank", path, "--year", "2024", "--format", "csv", NULL}, NULL,
                 &out, &err),
        0);
    CU_ASSERT_EQUAL(
        strncmp(out, "rank,code,city,region,tier,score,median_rank,p05,p95\n1,5102,", 59), 0);
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"profile", path, "--city", "1101", "--year", "2024",
                                              "--lang", "en", NULL},
                             NULL, &out, &err),
                    0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "rank overall"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "weaknesses:"));
    free(out), free(err);
    const char *wf = lcmt_tmp("cli_bad_w.csv");
    FILE *fp = fopen(wf, "w");
    fputs("code,weight\n2,1\n3,-1\n4,1\n", fp);
    fclose(fp);
    char wpath[4096];
    snprintf(wpath, sizeof wpath, "%s", wf);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"score", path, "--year", "2024", "--weights", wpath, NULL}, NULL,
                 &out, &err),
        1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":3:2: weight '-1' is not a non-negative number"));
    free(out), free(err);
    /* issue 13 item 9: all-zero and header-only files are refused, exit 1, nothing stored */
    static const char *const refused[][2] = {
        {"code,weight\n2,0\n3,0\n4,0\n", ":2:2: every first-level weight is 0"},
        {"code,weight\n", ":1:1: no weights below the header"}};
    for (int k = 0; k < 2; k++) {
        fp = fopen(wf, "w");
        fputs(refused[k][0], fp);
        fclose(fp);
        CU_ASSERT_EQUAL(
            lcmt_run((const char *[]){"score", path, "--year", "2024", "--weights", wpath, NULL},
                     NULL, &out, &err),
            1);
        LCMT_ASSERT_HAS(err, refused[k][1]);
        free(out), free(err);
    }
    /* the refused run left the database as it was: still exactly one score run */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"rank", path, "--year", "2023", NULL}, NULL, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no score run for 2023"));
    free(out), free(err);
    lcm_db *check = NULL;
    lcm_err e = {0};
    lcm_db_open(path, 0, &check, &e);
    CU_ASSERT_EQUAL(lcmt_count(check, "SELECT count(*) FROM runs"), 1);
    lcm_db_close(check);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"trend", path, "--city", "1101", "--format", "csv", NULL}, NULL,
                 &out, &err),
        0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n2.1.1,"));
    free(out), free(err);
}

/* 36 cities (codes 1101-1136, province 11), every scored point varying across them, and the
 * yes/no points as in the issue: 3.1.2 and 3.2.2 answered 否 by the first 4 and 3 cities,
 * 3.1.1 answered 是 by all. */
static lcm_db *db36(const char *name) {
    lcm_db *db = fresh_db(name);
    sql(db, "DELETE FROM network_members; DELETE FROM cities;"
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 36)"
            " INSERT INTO cities(code, name, province_code, tier) SELECT printf('11%02d', i), 'C' "
            "|| i, '11', 'prefecture' FROM k;"
            "INSERT INTO indicator_values(city_code, year, indicator_code, value, source)"
            " SELECT c.code, 2024, i.code,"
            "  CASE i.code WHEN '3.1.2' THEN (CAST(substr(c.code, 3) AS INT) > 4)"
            "   WHEN '3.2.2' THEN (CAST(substr(c.code, 3) AS INT) > 3) WHEN '3.1.1' THEN 1"
            "   ELSE CAST(substr(c.code, 3) AS INT) * (1 + i.ord % 7) END, 't'"
            " FROM cities c, indicators i WHERE i.kind IS NOT NULL AND i.kind <> 'survey'"
            " AND coalesce(i.direction, '') <> 'context';"
            "INSERT INTO city_stats(city_code, year, stat, value, source)"
            " SELECT code, 2024, 'population', 100, 't' FROM cities");
    sql(db, admit_all);
    return db;
}

/* Issue 12 item 2: winsorising made 3.1.2 and 3.2.2 score 50 for all 36 cities under the
 * default run, and goalposts gave a 否 100. Yes/no points are never treated: 是 100, 否 0
 * under min-max, goalposts, target and rank; all-是 3.1.1 scores 100 (its fixed scale).
 * Under z-scores a yes/no is standardised like every other point (docs/scores.md). */
static void score__yesno_points_100_or_0_every_method(void) {
    lcm_db *db = db36("yesno.db");
    static const lcm_ci_norm methods[] = {LCM_CI_MINMAX, LCM_CI_GOALPOSTS, LCM_CI_TARGET,
                                          LCM_CI_RANK, LCM_CI_ZSCORE};
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
        lcm_score_opts o;
        lcm_score_opts_default(&o, 2024);
        o.mc = 0, o.norm = methods[m];
        lcm_score_result *r = compute(db, &o);
        size_t n = r->in.ncity;
        CU_ASSERT_EQUAL_FATAL(n, 36);
        static const char *const pts[] = {"3.1.1", "3.1.2", "3.2.2"};
        for (int k = 0; k < 3; k++) {
            size_t j = (size_t)lcm_score_node_index(&r->in, pts[k]);
            CU_ASSERT_EQUAL(r->in.node[j].treat.winsorised + r->in.node[j].treat.logged, 0);
            for (size_t c = 0; c < n; c++) {
                double raw = r->in.raw[j * n + c], sc = r->score[j * n + c];
                if (methods[m] != LCM_CI_ZSCORE) {
                    CU_ASSERT_EQUAL(sc, raw == 1 ? 100 : 0);
                } else if (k > 0) { /* mean 32/36 (33/36), sd > 0: 是 above 0, 否 below */
                    CU_ASSERT(raw == 1 ? sc > 0 : sc < -1);
                }
            }
        }
        lcm_score_result_free(r);
    }
    lcm_db_close(db);
}

/* Issue 12 item 10 and 14: parameters are stored exactly, --rerun makes the same run bit for
 * bit, geometric runs store the same plain leaf scores as arithmetic ones, the overall index
 * has no correlation with a parent (n/a, not "weak correlation 0.000"), and profile after
 * --mc 0 has no interval rather than "median 0 [0, 0]". 1101 lacks 3.1.3, so 3.1 is scored
 * from 2 of its 3 points: exactly at the 2/3 threshold (0.666667 * 3 > 2 would drop it). */
static void cli__rerun_geometric_audit_profile(void) {
    lcm_db *db = db36("rerun.db");
    sql(db, "DELETE FROM indicator_values WHERE city_code = '1101' AND indicator_code = '3.1.3'");
    lcm_db_close(db);
    char path[4096], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s", lcmt_tmp("rerun.db"));
    const char *runs[][10] = {
        {"score", path, "--year", "2024", "--mc", "50", NULL},
        {"score", path, "--rerun", "1", NULL},
        {"score", path, "--year", "2024", "--mc", "0", "--aggregate", "geometric"}};
    for (int k = 0; k < 3; k++) {
        CU_ASSERT_EQUAL(lcmt_run(runs[k], NULL, &out, &err), 0);
        free(out), free(err);
    }
    lcm_err e = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &e), LCM_OK);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(lcm_db_sqlite(db), "SELECT params -> '$.threshold' FROM runs WHERE id = 1",
                       -1, &st, NULL);
    CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
    double th = strtod((const char *)sqlite3_column_text(st, 0), NULL), want = LCM_CI_THRESHOLD;
    CU_ASSERT_EQUAL(memcmp(&th, &want, sizeof th), 0);
    sqlite3_finalize(st);
    /* the stored scores of runs 1 and 2 are the same doubles, NULL where NULL */
    sqlite3_prepare_v2(lcm_db_sqlite(db),
                       "SELECT a.score, b.score, a.score IS NULL, b.score IS NULL FROM"
                       " score_results a JOIN score_results b USING (city_code, indicator_code)"
                       " WHERE a.run_id = 1 AND b.run_id = 2",
                       -1, &st, NULL);
    long pairs = 0, same = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        double x = sqlite3_column_double(st, 0), y = sqlite3_column_double(st, 1);
        pairs++;
        same +=
            sqlite3_column_int(st, 2) == sqlite3_column_int(st, 3) && memcmp(&x, &y, sizeof x) == 0;
    }
    sqlite3_finalize(st);
    CU_ASSERT(pairs > 36 * 40);
    CU_ASSERT_EQUAL(same, pairs);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM score_results WHERE run_id = 2 AND"
                                   " indicator_code = '3.1' AND city_code = '1101' AND"
                                   " score IS NOT NULL"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM score_ranks a JOIN score_ranks b"
                                   " USING (city_code, scope) WHERE a.run_id = 1 AND"
                                   " b.run_id = 2 AND a.rank = b.rank AND a.median = b.median"
                                   " AND a.p05 = b.p05 AND a.p95 = b.p95"),
                    36 * 3);
    /* geometric run 3: every leaf score the same double as the arithmetic run's */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM score_results a JOIN score_results b"
                                   " USING (city_code, indicator_code) JOIN indicators i ON"
                                   " i.code = a.indicator_code WHERE i.kind IS NOT NULL AND"
                                   " a.run_id = 1 AND b.run_id = 3 AND a.score IS NOT b.score"),
                    0);
    lcm_db_close(db);
    /* the newest run of 2024 is the geometric one, made with --mc 0 */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"profile", path, "--city", "1101", "--year", "2024", NULL}, NULL,
                 &out, &err),
        0);
    LCMT_ASSERT_HAS(out, "无蒙特卡洛区间");
    CU_ASSERT(!strstr(out, "[0, 0]"));
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"score", path, "--rerun", "1", "--show", "audit",
                                              "--format", "csv", "--lang", "en", NULL},
                             NULL, &out, &err),
                    0);
    LCMT_ASSERT_HAS(out, "\noverall,overall index,,");
    CU_ASSERT(!strstr(out, "\noverall,overall index,0.000"));
    char overall[256] = "";
    const char *line = strstr(out, "\noverall,");
    if (line)
        sscanf(line + 1, "%255[^\n]", overall);
    CU_ASSERT(overall[0] && !strstr(overall, "weak")); /* its flags cell is empty */
    free(out), free(err);
}

/* The class test of issue 12: across the demo's score runs (its own, one per year, and one per
 * other normalisation and the geometric mean), no scored point gives one score to every city
 * unless its inputs are all equal. A point left out for having no spread has no score (NULL)
 * at all, which is not "one score". */
static void class__no_point_one_score_unless_inputs_equal(void) {
    char dir[4096], db[4200], *out = NULL, *err = NULL;
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("demo_class"));
    snprintf(db, sizeof db, "%s/demo.db", dir);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"demo", "--out", dir, "--cities", "8",
                                                    "--households", "60", "--mc", "100", NULL},
                                   NULL, &out, &err),
                          0);
    free(out), free(err);
    static const char *const extra[][4] = {
        {"--normalise", "goalposts", NULL, NULL}, {"--normalise", "rank", NULL, NULL},
        {"--normalise", "target", NULL, NULL},    {"--normalise", "zscore", NULL, NULL},
        {"--aggregate", "geometric", NULL, NULL}, {"--no-treat", NULL, NULL, NULL}};
    for (size_t k = 0; k < sizeof extra / sizeof extra[0]; k++) {
        const char *argv[] = {"score",     db,          "--year",    "2025",      "--mc", "0",
                              extra[k][0], extra[k][1], extra[k][2], extra[k][3], NULL};
        CU_ASSERT_EQUAL(lcmt_run(argv, NULL, &out, &err), 0);
        free(out), free(err);
    }
    lcm_db *h = NULL;
    lcm_err e = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, &e), LCM_OK);
    CU_ASSERT(lcmt_count(h, "SELECT count(*) FROM runs WHERE kind = 'score'") >= 9);
    static const char offenders[] =
        "SELECT count(*) FROM (SELECT r.run_id, r.indicator_code FROM score_results r"
        " JOIN indicators i ON i.code = r.indicator_code WHERE i.kind IS NOT NULL"
        " GROUP BY r.run_id, r.indicator_code"
        " HAVING count(DISTINCT r.score) = 1 AND count(DISTINCT r.raw) > 1)";
    long bad = lcmt_count(h, offenders);
    CU_ASSERT_EQUAL(bad, 0);
    if (bad != 0) {
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(lcm_db_sqlite(h),
                           "SELECT r.run_id, r.indicator_code, min(r.score) FROM score_results r"
                           " JOIN indicators i ON i.code = r.indicator_code WHERE i.kind IS NOT"
                           " NULL GROUP BY r.run_id, r.indicator_code HAVING count(DISTINCT"
                           " r.score) = 1 AND count(DISTINCT r.raw) > 1",
                           -1, &st, NULL);
        while (sqlite3_step(st) == SQLITE_ROW)
            fprintf(stderr, "run %d point %s: every city %g\n", sqlite3_column_int(st, 0),
                    sqlite3_column_text(st, 1), sqlite3_column_double(st, 2));
        sqlite3_finalize(st);
    }
    lcm_db_close(h);
}

/* The number after "key": in a JSON text, NaN when the key is absent or null. */
static double json_number(const char *json, const char *key) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = json ? strstr(json, pat) : NULL;
    if (!p)
        return NAN;
    char *end = NULL;
    double v = strtod(p + strlen(pat), &end);
    return end == p + strlen(pat) ? NAN : v;
}

/* Issue 12 item 13: CSV/JSON printed a p of 8e-6 as 0.0000 and left out Mann-Kendall's Z and
 * Var(S). 2.4.1 of 1101 over 2012-2023 rises by 2 a year (+-0.001): every machine number is
 * the engine's own double (%.17g reads back exactly) and carries every statistic. Reference,
 * by hand from Kendall (1975) / Hirsch et al. (1982), no ties: S = 66 (all 66 pairs rise),
 * Var(S) = 12*11*29/18 = 212.667, Z = (66 - 1)/sqrt(212.667) = 4.45721562860432,
 * p = 2(1 - Phi(Z)) = 8.303107e-06 (tests/r/composite_reference.R line "mk twelve"). */
static void cli__trend_machine_formats_full_precision(void) {
    lcm_db *db = fresh_db("trend_full.db");
    char q[256];
    for (int y = 2012; y <= 2023; y++) {
        snprintf(q, sizeof q,
                 "INSERT INTO indicator_values(city_code, year, indicator_code, value, source)"
                 " VALUES ('1101', %d, '2.4.1', %.17g, 't')",
                 y, 10 + 2.0 * (y - 2012) + (y % 2 ? -0.001 : 0.001));
        sql(db, q);
    }
    lcm_trend_set t;
    lcm_err e = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_score_trends(db, "1101", "2.4.1", &t, &e), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(t.nrow, 1);
    const lcm_trend_row *r = &t.row[0];
    CU_ASSERT_EQUAL(r->mk.s, 66);
    LCMT_ASSERT_REL(r->mk.var_s, 212.66666666666666, 1e-12);
    LCMT_ASSERT_REL(r->mk.z, 4.45721562860432, 1e-12);
    LCMT_ASSERT_REL(r->mk.p, 8.303107353564735e-06, 1e-6);
    CU_ASSERT(r->ols.p > 0 && r->ols.p < 1e-20); /* a near-perfect line */
    lcm_db_close(db);
    char path[4096], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s", lcmt_tmp("trend_full.db"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"trend", path, "--city", "1101", "--indicator",
                                              "2.4.1", "--format", "json", NULL},
                             NULL, &out, &err),
                    0);
    static const char *const keys[] = {"ols_slope", "ols_intercept", "ols_se",    "ols_t",
                                       "ols_p",     "mk_s",          "mk_var_s",  "mk_z",
                                       "mk_p",      "sen_slope",     "last_value"};
    const double want[] = {r->ols.slope, r->ols.intercept, r->ols.se,    r->ols.t,
                           r->ols.p,     r->mk.s,          r->mk.var_s,  r->mk.z,
                           r->mk.p,      r->mk.sen,        r->last_value};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        double got = json_number(out, keys[k]);
        CU_ASSERT(memcmp(&got, &want[k], sizeof got) == 0);
        if (memcmp(&got, &want[k], sizeof got) != 0)
            fprintf(stderr, "%s: printed %.17g, engine %.17g\n", keys[k], got, want[k]);
    }
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"trend", path, "--city", "1101", "--indicator",
                                              "2.4.1", "--format", "csv", NULL},
                             NULL, &out, &err),
                    0);
    LCMT_ASSERT_HAS(out, ",mk_s,mk_var_s,mk_z,mk_p,sen_slope\n");
    LCMT_ASSERT_HAS(out, ",66,212.66666666666666,4.4572156286043");
    free(out), free(err);
    lcm_trend_set_release(&t);
}

const lcmt_case lcmt_score_cases[] = {
    {"coverage__province_is_sum_over_sum", coverage__province_is_sum_over_sum},
    {"ratings__mean_spread_and_disagreement", ratings__mean_spread_and_disagreement},
    {"score__identical_cities_identical_score_and_interval",
     score__identical_cities_identical_score_and_interval},
    {"score__flipping_directions_reverses_ranking", score__flipping_directions_reverses_ranking},
    {"score__survey_point_from_measures", score__survey_point_from_measures},
    {"score__weights_file_equal_pca_and_errors", score__weights_file_equal_pca_and_errors},
    {"score__stored_with_params", score__stored_with_params},
    {"trend__city_series_from_store", trend__city_series_from_store},
    {"cli__score_rank_profile_trend_and_bad_weights",
     cli__score_rank_profile_trend_and_bad_weights},
    {"cli__trend_machine_formats_full_precision", cli__trend_machine_formats_full_precision},
    {"score__yesno_points_100_or_0_every_method", score__yesno_points_100_or_0_every_method},
    {"cli__rerun_geometric_audit_profile", cli__rerun_geometric_audit_profile},
    {"class__no_point_one_score_unless_inputs_equal",
     class__no_point_one_score_unless_inputs_equal},
    {NULL, NULL},
};
