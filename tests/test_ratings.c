/*
 * test_ratings.c - expert ratings in the store and the `lcmon ratings` command (engine/rating*.c):
 * the shipped rubric and its checks, the migration of older ratings, blind rating, the
 * three-reviewer rule, refused ratings, discordance and adjudication, severity-adjusted scores,
 * and the reliability the CLI prints against the engine and R.
 *
 * Reference numbers: tests/fixtures/ratings/reference.csv, written by tests/r/ratings_reference.R
 * (psych::ICC; Krippendorff's alpha from his published formulas; lm() for reviewer effects).
 */
#include "lcmon.h"
#include "rating.h"
#include "schema.h"
#include "score.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value named key in tests/fixtures/ratings/reference.csv (tests/r/ratings_reference.R). */
static double ref(const char *key) {
    char *text = lcmt_slurp(lcmt_path("tests/fixtures/ratings/reference.csv"), NULL);
    double v = NAN;
    size_t kl = strlen(key);
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (strncmp(line, key, kl) == 0 && line[kl] == ',')
            v = strtod(line + kl + 1, NULL);
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    CU_ASSERT_FALSE(isnan(v));
    return v;
}

static void sql(lcm_db *db, const char *s) {
    char *msg = NULL;
    int rc = sqlite3_exec(lcm_db_sqlite(db), s, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "sql: %s\n", msg);
    sqlite3_free(msg);
    CU_ASSERT_EQUAL_FATAL(rc, SQLITE_OK);
}

/* `lcmon init` database with statistic 2.1.1 of 2025 stored for the first twelve cities (the
 * evidence stat:2.1.1 points at it). */
static const char *init_db(const char *name) {
    static char path[4096];
    snprintf(path, sizeof path, "%s", lcmt_tmp(name));
    remove(path);
    const char *args[] = {"init", path, NULL};
    CU_ASSERT_EQUAL_FATAL(lcmt_run(args, NULL, NULL, NULL), 0);
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, NULL), LCM_OK);
    sql(db, "INSERT INTO indicator_values(city_code, year, indicator_code, value, source)"
            " SELECT code, 2025, '2.1.1', 1000, 'test' FROM cities ORDER BY code LIMIT 12");
    /* 2.1.1 is compared per 10,000 residents (docs/scores.md): each city has 100 万人 */
    sql(db, "INSERT INTO city_stats(city_code, year, stat, value, source)"
            " SELECT code, 2025, 'population', 100, 'test' FROM cities ORDER BY code LIMIT 12");
    lcm_db_close(db);
    return path;
}

static int run(const char *const *args, char **out, char **err) {
    return lcmt_run(args, NULL, out, err);
}

static int rate(const char *db, const char *city, const char *who, const char *level,
                const char *score, char **err) {
    const char *args[] = {"ratings", "rate",       db,           "--reviewer",
                          who,       "--city",     city,         "--year",
                          "2025",    "--point",    "2.3.1",      "--level",
                          level,     "--evidence", "stat:2.1.1", score ? "--score" : NULL,
                          score,     NULL};
    return run(args, NULL, err);
}

/* ---- the rubric ---- */

static void rubric__every_point_has_five_levels_quoting_the_seed(void) {
    const char *path = init_db("rubric.db");
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &err), LCM_OK);
    lcm_rubric r;
    lcm_status st = lcm_rubric_load_shipped(db, &r, &err);
    if (st != LCM_OK)
        fprintf(stderr, "%s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(st, LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM indicators WHERE kind = 'rating'"), 18);
    CU_ASSERT_EQUAL(r.n, 18 * 5);
    /* independently of the loader: each quoted phrase is in the seed, each point's five levels */
    char *seed = lcmt_slurp(lcmt_path("surveys/seed/learning-city-guide.txt"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(seed);
    for (size_t i = 0; i < r.n; i++) {
        CU_ASSERT_PTR_NOT_NULL(strstr(seed, r.row[i].quote));
        CU_ASSERT(strlen(r.row[i].quote) >= 12); /* a phrase, not a word or two */
        CU_ASSERT(strlen(r.row[i].section) > 0);
    }
    sqlite3_stmt *q = NULL;
    CU_ASSERT_EQUAL_FATAL(
        lcm_db_prepare(db, "SELECT code FROM indicators WHERE kind = 'rating'", &q, &err), LCM_OK);
    while (sqlite3_step(q) == SQLITE_ROW)
        for (int l = 1; l <= 5; l++)
            CU_ASSERT_PTR_NOT_NULL(lcm_rubric_find(&r, (const char *)sqlite3_column_text(q, 0), l));
    sqlite3_finalize(q);
    free(seed);
    lcm_rubric_free(&r);
    lcm_db_close(db);
}

static const char header[] =
    "code,level,level_zh,band_low,band_high,default_score,descriptor,seed_section,seed_quote\n";

static void expect_bad_rubric(const char *body, const char *message) {
    char text[2048];
    snprintf(text, sizeof text, "%s%s", header, body);
    const char *path = lcmt_write(lcmt_tmp("bad_rubric.csv"), text, strlen(text));
    lcm_rubric r;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_rubric_load(path, "全民阅读日(周/月)、读书节等活动开展情况", &r, &err),
                    LCM_PARSE);
    LCMT_ASSERT_HAS(err.msg, message);
    CU_ASSERT_EQUAL(r.n, 0);
}

static void rubric__bad_cells_name_file_line_column_field(void) {
    const char *ok = "2.7.1,1,优秀,90,100,95,d,二(五),读书节等活动开展情况\n";
    char body[1024];
    snprintf(body, sizeof body, "%s2.7.1,2,优秀,80,90,85,d,二(五),读书节\n", ok);
    expect_bad_rubric(body, "bad_rubric.csv:3:3: level 2 is '良好', not '优秀' (field level_zh)");
    snprintf(body, sizeof body, "%s2.7.1,7,优秀,80,90,85,d,s,读书节\n", ok);
    expect_bad_rubric(body, "bad_rubric.csv:3:2: level '7' is not 1 to 5 (field level)");
    snprintf(body, sizeof body, "%s2.7.1,2,良好,75,90,85,d,s,读书节\n", ok);
    expect_bad_rubric(body, "bad_rubric.csv:3:4: band_low of 良好 is 80, not 75 (field band_low)");
    snprintf(body, sizeof body, "%s2.7.1,2,良好,80,90,85,d,s,百姓学习之星\n", ok);
    expect_bad_rubric(body, "bad_rubric.csv:3:9: '百姓学习之星' is not a phrase of the seed text "
                            "(field seed_quote)");
    snprintf(body, sizeof body, "%s%s", ok, ok);
    expect_bad_rubric(body, "bad_rubric.csv:3:2: point 2.7.1 level 1 given twice, first on line 2 "
                            "(field level)");
    snprintf(body, sizeof body, "%s2.7.1,2,良好,80,90,85,,s,读书节\n", ok);
    expect_bad_rubric(body, "bad_rubric.csv:3:7: empty descriptor (field descriptor)");
    /* a good file that leaves a rating point without its levels fails the framework check */
    char text[1024];
    snprintf(text, sizeof text, "%s%s", header, ok);
    const char *path = lcmt_write(lcmt_tmp("short_rubric.csv"), text, strlen(text));
    lcm_rubric r;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_rubric_load(path, NULL, &r, &err), LCM_OK);
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(init_db("short.db"), 0, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_rubric_check(&r, db, path, &err), LCM_PARSE);
    LCMT_ASSERT_HAS(err.msg, "rating point 2.1.2 has no level 1 (优秀)");
    lcm_rubric_free(&r);
    lcm_db_close(db);
}

/* ---- the store ---- */

static void ratings__migration_keeps_older_ratings(void) {
    const char *path = lcmt_tmp("v9.db");
    remove(path);
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm__db_open_at(path, LCM_OPEN_CREATE, 9, &db, &err), LCM_OK);
    /* the rating points the ratings need, as a version-9 store holds it (the framework
     * file of today has columns later migrations add) */
    sql(db, "INSERT INTO indicators(code, ord, level, parent, first_level, group_zh, group_en,"
            " name_zh, name_en, kind, weight) VALUES ('2',1,1,NULL,'2','g','g','n','n',NULL,1),"
            "('2.3',2,2,'2','2','g','g','n','n',NULL,1),"
            "('2.3.1',3,3,'2.3','2','g','g','n','n','rating',1),"
            "('2.5',4,2,'2','2','g','g','n','n',NULL,1),"
            "('2.5.1',5,3,'2.5','2','g','g','n','n','rating',1);");
    sql(db, "INSERT INTO provinces(code, name, region3, region4) VALUES ('11','P','east','east');"
            "INSERT INTO cities(code, name, province_code, tier) VALUES ('1101','A','11',"
            "'prefecture');"
            "INSERT INTO ratings(city_code, year, indicator_code, reviewer, score, comment) VALUES"
            " ('1101',2024,'2.3.1','r1',84,'c'),('1101',2024,'2.3.1','r2',95,NULL),"
            " ('1101',2024,'2.3.1','r3',59.5,NULL),('1101',2024,'2.5.1','r1',90,NULL)");
    lcm_db_close(db);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "PRAGMA user_version"), LCM_SCHEMA_VERSION);
    /* levels from the bands: 84 良好 (2), 95 优秀 (1), 59.5 不合格 (5); scores kept */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT level FROM ratings WHERE reviewer = 'r1' AND "
                                   "indicator_code = '2.3.1'"),
                    2);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT level FROM ratings WHERE reviewer = 'r2'"), 1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT level FROM ratings WHERE reviewer = 'r3'"), 5);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ratings WHERE score = 59.5 AND "
                                   "comment IS NULL"),
                    1);
    /* 2.3.1 has three reviewers and counts; 2.5.1 has one and does not */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ratings_counted"), 3);
    /* a writer that gives only a score (import, simulate) gets the level from the trigger */
    sql(db, "UPDATE ratings SET score = 71 WHERE reviewer = 'r2'");
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT level FROM ratings WHERE reviewer = 'r2'"), 3);
    lcm_db_close(db);
}

static void ratings__blind_until_every_assigned_reviewer_has_rated(void) {
    const char *db = init_db("blind.db");
    const char *assign[] = {"ratings", "assign",  db,      "--city",      "1301",     "--year",
                            "2025",    "--point", "2.3.1", "--reviewers", "甲,乙,丙", NULL};
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL_FATAL(run(assign, &out, &err), 0);
    free(out), free(err);
    CU_ASSERT_EQUAL_FATAL(rate(db, "1301", "甲", "良好", "84", NULL), 0);
    CU_ASSERT_EQUAL_FATAL(rate(db, "1301", "乙", "优秀", NULL, NULL), 0);
    const char *show_a[] = {"ratings", "show",     db,       "--reviewer", "甲",
                            "--city",  "1301",     "--year", "2025",       "--point",
                            "2.3.1",   "--format", "csv",    NULL};
    CU_ASSERT_EQUAL(run(show_a, &out, &err), 0);
    /* only their own rating; 乙's 95 is not shown */
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 2);
    LCMT_ASSERT_HAS(out, "甲,良好,84.0,stat:2.1.1");
    CU_ASSERT_PTR_NULL(strstr(out, "乙"));
    LCMT_ASSERT_HAS(err, "hidden until every assigned reviewer has rated (2 of 3 so far)");
    free(out), free(err);
    /* someone not assigned can neither rate nor look */
    CU_ASSERT_EQUAL(rate(db, "1301", "丁", "合格", NULL, &err), 1);
    LCMT_ASSERT_HAS(err, "reviewer not assigned to city 1301 point 2.3.1 2025: '丁'");
    free(err);
    const char *show_d[] = {"ratings", "show",   db,     "--reviewer", "丁",    "--city",
                            "1301",    "--year", "2025", "--point",    "2.3.1", NULL};
    CU_ASSERT_EQUAL(run(show_d, &out, &err), 1);
    CU_ASSERT_PTR_NULL(strstr(out ? out : "", "84"));
    free(out), free(err);
    CU_ASSERT_EQUAL_FATAL(rate(db, "1301", "丙", "合格", "72", NULL), 0);
    CU_ASSERT_EQUAL(run(show_a, &out, &err), 0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 4); /* all three now */
    LCMT_ASSERT_HAS(out, "乙,优秀,95.0");
    LCMT_ASSERT_HAS(out, "丙,合格,72.0");
    CU_ASSERT_PTR_NULL(strstr(err, "hidden"));
    free(out), free(err);
}

static void ratings__refused_ratings_leave_the_store_unchanged(void) {
    const char *db = init_db("refuse.db");
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(rate(db, "1302", "甲", "良好", "88", NULL), 0);
    struct {
        const char *level, *score, *message;
        int code;
    } bad[] = {
        {"良好", "91", "score 91 is outside the band of 良好 (80-90, upper end excluded)", 1},
        {"优秀", "89.5", "outside the band of 优秀 (90-100)", 1},
        {"很好", NULL, "--level must be 优秀, 良好, 合格, 基本合格, 不合格 or 1-5: '很好'", 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(rate(db, "1302", "甲", bad[i].level, bad[i].score, &err), bad[i].code);
        LCMT_ASSERT_HAS(err, bad[i].message);
        free(err);
    }
    const char *noev[] = {"ratings", "rate", db,        "--reviewer", "乙",      "--city", "1302",
                          "--year",  "2025", "--point", "2.3.1",      "--level", "合格",   NULL};
    CU_ASSERT_EQUAL(run(noev, NULL, &err), 1);
    LCMT_ASSERT_HAS(err, "a rating needs its evidence: application:FIELD or stat:CODE");
    free(err);
    const char *wrongev[] = {
        "ratings", "rate",    db,      "--reviewer", "乙",   "--city",     "1302",       "--year",
        "2025",    "--point", "2.3.1", "--level",    "合格", "--evidence", "stat:2.2.2", NULL};
    CU_ASSERT_EQUAL(run(wrongev, NULL, &err), 1);
    LCMT_ASSERT_HAS(err, "no such material stored for city 1302 in that year: 'stat:2.2.2'");
    free(err);
    const char *appev[] = {"ratings", "rate",    db,       "--reviewer", "乙",
                           "--city",  "1302",    "--year", "2025",       "--point",
                           "2.3.1",   "--level", "合格",   "--evidence", "application:case",
                           NULL};
    CU_ASSERT_EQUAL(run(appev, NULL, &err), 1);
    LCMT_ASSERT_HAS(err, "no such material stored for city 1302: 'application:case'");
    free(err);
    /* the first rating only, as given */
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM ratings"), 1);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT score * 10 + level FROM ratings"), 882);
    lcm_db_close(h);
}

/* Ten cities (sc of ratings_reference.R) rated on 2.3.1 by three reviewers, one missing. */
static const double sc_rows[10][3] = {{95, 85, 85}, {75, 65, 75}, {85, 85, 95}, {55, NAN, 65},
                                      {65, 55, 65}, {88, 80, 84}, {72, 70, 61}, {91, 86, 95},
                                      {60, 52, 58}, {79, 71, 77}};
static const char *const sc_city[10] = {"1100", "1200", "1301", "1302", "1303",
                                        "1304", "1305", "1306", "1307", "1308"};

static const char *sc_db(const char *name) {
    const char *path = init_db(name);
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, NULL), LCM_OK);
    char q[256];
    for (int i = 0; i < 10; i++)
        for (int j = 0; j < 3; j++)
            if (!isnan(sc_rows[i][j])) {
                snprintf(q, sizeof q,
                         "INSERT INTO ratings(city_code, year, indicator_code, reviewer, score,"
                         " evidence) VALUES ('%s', 2025, '2.3.1', 'r%d', %g, 'stat:2.1.1')",
                         sc_city[i], j, sc_rows[i][j]);
                sql(db, q);
            }
    lcm_db_close(db);
    return path;
}

static double csv_field(const char *text, const char *row_key, int field) {
    const char *p = strstr(text, row_key);
    for (int f = 0; p && f < field; f++)
        p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
    return p && *p != ',' && *p != '\n' ? strtod(p, NULL) : NAN;
}

static void ratings__reliability_printed_is_the_engines_and_rs(void) {
    const char *path = sc_db("rel.db");
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_READONLY, &db, &err), LCM_OK);
    lcm_rating_stats s;
    CU_ASSERT_EQUAL_FATAL(lcm_rating_stats_compute(db, 2025, LCM_RATING_BOOT, &s, &err), LCM_OK);
    lcm_db_close(db);
    CU_ASSERT_STRING_EQUAL_FATAL(s.rel[2].code, "2.3.1"); /* framework order: third rating point */
    const lcm_rating_rel *r = &s.rel[2];
    /* city 1302 has two ratings only: not counted, as psych::ICC's na.omit drops the row */
    CU_ASSERT_EQUAL(r->ncity, 9);
    CU_ASSERT_EQUAL(r->icc.n, 9);
    LCMT_ASSERT_REL(r->icc.icc1, ref("sc.icc1"), 1e-8);
    LCMT_ASSERT_REL(r->icc.lo1, ref("sc.lo1"), 1e-8);
    LCMT_ASSERT_REL(r->icc.hik, ref("sc.hik"), 1e-8);
    LCMT_ASSERT_REL(r->alpha, ref("sc.alpha_counted"), 1e-8);
    CU_ASSERT(r->alpha_lo < r->alpha && r->alpha < r->alpha_hi);
    /* the only rated point: overall is the same numbers */
    LCMT_ASSERT_REL(s.rel[s.nrel - 1].icc.icc1, r->icc.icc1, 1e-12);
    const char *args[] = {"ratings", "reliability", path,  "--year",
                          "2025",    "--format",    "csv", NULL};
    char *out = NULL, *serr = NULL;
    CU_ASSERT_EQUAL_FATAL(run(args, &out, &serr), 0);
    /* point,cities,reviewers,rows,icc1,icc1_lo,icc1_hi,icck,icck_lo,icck_hi,alpha,lo,hi */
    const double want[9] = {r->icc.icc1, r->icc.lo1, r->icc.hi1,  r->icc.icck, r->icc.lok,
                            r->icc.hik,  r->alpha,   r->alpha_lo, r->alpha_hi};
    for (int k = 0; k < 9; k++) {
        double shown = csv_field(out, "\n2.3.1,", 4 + k);
        CU_ASSERT(fabs(shown - want[k]) <= 0.0005 + 1e-12);
    }
    CU_ASSERT_EQUAL(csv_field(out, "\n2.3.1,", 1), 9);
    CU_ASSERT_EQUAL(csv_field(out, "\n2.3.1,", 2), 3);
    /* a point nobody rated shows no numbers */
    CU_ASSERT(isnan(csv_field(out, "\n2.1.2,", 4)));
    free(out), free(serr);
    /* and the stored run holds the engine's numbers exactly */
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_READONLY, &db, &err), LCM_OK);
    long long run_id = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_rating_latest_run(db, 2025, &run_id, &err), LCM_OK);
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_prepare(db,
                                         "SELECT icc1, alpha_hi FROM rating_reliability WHERE"
                                         " run_id = ?1 AND indicator_code = '2.3.1'",
                                         &st, &err),
                          LCM_OK);
    sqlite3_bind_int64(st, 1, run_id);
    CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_double(st, 0), r->icc.icc1);
    CU_ASSERT_EQUAL(sqlite3_column_double(st, 1), r->alpha_hi);
    sqlite3_finalize(st);
    lcm_db_close(db);
    lcm_rating_stats_free(&s);
}

static void ratings__overall_icc_pools_the_points(void) {
    const char *path = sc_db("pool.db");
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &err), LCM_OK);
    /* Shrout & Fleiss' first three judges on 2.5.1 for six more cities */
    static const double sf3[6][3] = {{9, 2, 5}, {6, 1, 3},  {8, 4, 6},
                                     {7, 1, 2}, {10, 5, 6}, {6, 2, 4}};
    static const char *const city[6] = {"1309", "1310", "1311", "1401", "1402", "1403"};
    char q[256];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 3; j++) {
            snprintf(q, sizeof q,
                     "INSERT INTO ratings(city_code, year, indicator_code, reviewer, score)"
                     " VALUES ('%s', 2025, '2.5.1', 'r%d', %g)",
                     city[i], j, sf3[i][j]);
            sql(db, q);
        }
    lcm_rating_stats s;
    CU_ASSERT_EQUAL_FATAL(lcm_rating_stats_compute(db, 2025, 0, &s, &err), LCM_OK);
    const lcm_rating_rel *all = &s.rel[s.nrel - 1];
    CU_ASSERT_STRING_EQUAL(all->code, "overall");
    LCMT_ASSERT_REL(all->icc.icc1, ref("pool.icc1"), 1e-8);
    LCMT_ASSERT_REL(all->icc.icck, ref("pool.icck"), 1e-8);
    CU_ASSERT(isnan(all->icc.lo1));  /* no interval for the pooled value */
    CU_ASSERT_EQUAL(all->ncity, 15); /* city x point units */
    lcm_rating_stats_free(&s);
    lcm_db_close(db);
}

/* sa of ratings_reference.R: four cities, each rated by three of four reviewers. */
static void ratings__severity_adjusted_scores_match_lm(void) {
    const char *path = init_db("sev.db");
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &err), LCM_OK);
    static const int t[12] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
    static const int r[12] = {0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3};
    static const double y[12] = {82, 74, 90, 71, 65, 77, 58, 69, 60, 93, 99, 95};
    char q[256];
    for (int i = 0; i < 12; i++) {
        snprintf(q, sizeof q,
                 "INSERT INTO ratings(city_code, year, indicator_code, reviewer, score)"
                 " VALUES ('%s', 2025, '2.3.1', 'r%d', %g)",
                 sc_city[t[i]], r[i], y[i]);
        sql(db, q);
    }
    lcm_rating_stats s;
    CU_ASSERT_EQUAL_FATAL(lcm_rating_stats_compute(db, 2025, 0, &s, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(s.nsev, 4);
    CU_ASSERT(s.severity_ok);
    char key[16];
    for (int k = 0; k < 4; k++) {
        snprintf(key, sizeof key, "sa.b%d", k);
        LCMT_ASSERT_REL(s.sev[k].effect, ref(key), 1e-8);
    }
    lcm_rating_stats_free(&s);
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2025);
    o.all_cities = 1; /* the cities here are not network members */
    o.mc = 0;
    o.adjust_severity = 1;
    lcm_score_result *res = NULL;
    lcm_status sc = lcm_score_compute(db, &o, &res, &err);
    if (sc != LCM_OK)
        fprintf(stderr, "\n  score: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(sc, LCM_OK);
    int j = lcm_score_node_index(&res->in, "2.3.1");
    for (int c = 0; c < 4; c++) {
        snprintf(key, sizeof key, "sa.adj%d", c);
        int ci = lcm_score_city_index(&res->in, sc_city[c]);
        LCMT_ASSERT_REL(res->in.raw[(size_t)j * res->in.ncity + (size_t)ci], ref(key), 1e-8);
    }
    lcm_score_result_free(res);
    lcm_db_close(db);
    /* the CLI: the option is stored with the run and --rerun repeats it */
    const char *sa[] = {
        "score",        path,       "--year", "2025", "--mc", "0", "--adjust-severity",
        "--all-cities", "--format", "csv",    NULL};
    char *out = NULL, *serr = NULL;
    CU_ASSERT_EQUAL(run(sa, &out, &serr), 0);
    free(out), free(serr);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &err), LCM_OK);
    long long id = lcmt_count(db, "SELECT max(id) FROM runs WHERE kind = 'score'");
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT params ->> '$.adjust_severity' FROM runs WHERE id = "
                                   "(SELECT max(id) FROM runs WHERE kind = 'score')"),
                    1);
    lcm_score_opts back;
    char *wf = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_score_params_load(db, id, &back, &wf, &err), LCM_OK);
    CU_ASSERT_EQUAL(back.adjust_severity, 1);
    free(wf);
    o.adjust_severity = 0; /* raw: the plain mean, (82 + 74 + 90) / 3 */
    CU_ASSERT_EQUAL_FATAL(lcm_score_compute(db, &o, &res, &err), LCM_OK);
    int c0 = lcm_score_city_index(&res->in, "1100");
    LCMT_ASSERT_REL(res->in.raw[(size_t)j * res->in.ncity + (size_t)c0], 82, 1e-12);
    lcm_score_result_free(res);
    lcm_db_close(db);
}

static void ratings__discordant_listed_and_adjudicated_value_scored(void) {
    const char *path = sc_db("disc.db");
    char *out = NULL, *err = NULL;
    /* levels more than one apart: 1305 (72 合格, 70 合格, 61 基本合格) is one apart, not listed;
     * add a discordant city: 1309 with 92 优秀, 85 良好, 62 基本合格 */
    CU_ASSERT_EQUAL_FATAL(rate(path, "1309", "r0", "优秀", "92", NULL), 0);
    CU_ASSERT_EQUAL_FATAL(rate(path, "1309", "r1", "良好", "85", NULL), 0);
    const char *disc[] = {"ratings", "discordant", path, "--year", "2025", "--format", "csv", NULL};
    CU_ASSERT_EQUAL(run(disc, &out, &err), 0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 1); /* two ratings of 1309 do not count yet */
    free(out), free(err);
    CU_ASSERT_EQUAL_FATAL(rate(path, "1309", "r2", "基本合格", "62", NULL), 0);
    CU_ASSERT_EQUAL(run(disc, &out, &err), 0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 2);
    LCMT_ASSERT_HAS(out, "1309,");
    LCMT_ASSERT_HAS(out, "r0 优秀 92; r1 良好 85; r2 基本合格 62");
    free(out), free(err);
    const char *adj[] = {"ratings", "adjudicate", path,     "--city",  "1309",         "--year",
                         "2025",    "--point",    "2.3.1",  "--level", "良好",         "--score",
                         "82",      "--by",       "专家组", "--note",  "复核佐证材料", NULL};
    CU_ASSERT_EQUAL(run(adj, &out, &err), 0);
    free(out), free(err);
    CU_ASSERT_EQUAL(run(disc, &out, &err), 0);
    LCMT_ASSERT_HAS(out, ",良好 82\n"); /* listed with its adjudicated value */
    free(out), free(err);
    lcm_db *db = NULL;
    lcm_err e = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &e), LCM_OK);
    /* the originals are kept */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ratings WHERE city_code = '1309'"), 3);
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2025);
    o.all_cities = 1; /* the cities here are not network members */
    o.mc = 0;
    lcm_score_result *res = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_score_compute(db, &o, &res, &e), LCM_OK);
    int j = lcm_score_node_index(&res->in, "2.3.1"), c = lcm_score_city_index(&res->in, "1309");
    LCMT_ASSERT_REL(res->in.raw[(size_t)j * res->in.ncity + (size_t)c], 82, 1e-12);
    lcm_score_result_free(res);
    /* an incomplete cell cannot be adjudicated */
    lcm_rating_cell cell = {"1310", 2025, "2.3.1"};
    CU_ASSERT_EQUAL(lcm_rating_adjudicate(db, &cell, 2, NAN, "x", NULL, &e), LCM_CONSTRAINT);
    LCMT_ASSERT_HAS(e.msg, "not fully rated yet");
    lcm_db_close(db);
}

/* import ratings: a level alone counts as its default score (良好 -> 85), a level with a score
 * in its band is kept, evidence must name stored material; a score outside its level's band
 * or evidence naming nothing is refused with file, line, column and field, nothing stored. */
static void ratings__import_takes_levels_and_evidence(void) {
    const char *path = init_db("import_levels.db");
    const char *good = "city,year,indicator,reviewer,score,comment,level,evidence\n"
                       "1100,2025,2.3.1,r1,,,良好,stat:2.1.1\n"
                       "1100,2025,2.3.1,r2,92,,1,stat:2.1.1\n"
                       "1100,2025,2.3.1,r3,64,,,\n";
    const char *csv = lcmt_write(lcmt_tmp("levels.csv"), good, strlen(good));
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(run((const char *[]){"import", "ratings", path, csv, NULL}, &out, &err), 0);
    if (err && *err)
        fprintf(stderr, "\n  %s", err);
    free(out), free(err);
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ratings WHERE reviewer = 'r1' AND "
                                   "score = 85 AND level = 2 AND evidence = 'stat:2.1.1'"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ratings WHERE reviewer = 'r2' AND "
                                   "score = 92 AND level = 1"),
                    1);
    /* a score alone: its level from the band (64 -> 基本合格, 4), no evidence */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ratings WHERE reviewer = 'r3' AND "
                                   "level = 4 AND evidence IS NULL"),
                    1);
    lcm_db_close(db);
    const char *bad = "city,year,indicator,reviewer,score,comment,level,evidence\n"
                      "1100,2025,2.5.1,r1,70,,优秀,stat:2.1.1\n"
                      "1100,2025,2.5.1,r2,,,合格,stat:9.9.9\n"
                      "1100,2025,2.5.1,r3,,,,\n";
    csv = lcmt_write(lcmt_tmp("levels_bad.csv"), bad, strlen(bad));
    CU_ASSERT_EQUAL(run((const char *[]){"import", "ratings", path, csv, NULL}, &out, &err), 1);
    LCMT_ASSERT_HAS(err, "levels_bad.csv:2:5 (score): the score is outside the band of 优秀");
    LCMT_ASSERT_HAS(err, "levels_bad.csv:3:8 (evidence): no such material stored for city 1100");
    LCMT_ASSERT_HAS(err, "levels_bad.csv:4:5 (score): a rating needs a score (0-100) or a level");
    free(out), free(err);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ratings WHERE indicator_code = '2.5.1'"),
                    0);
    lcm_db_close(db);
}

/* What /rate (engine/serve_rate.c) builds on: the cells assigned to a reviewer in framework
 * order with the city's and point's names; the evidence offered is exactly what
 * lcm_rating_check_evidence accepts for the city and year; a rating recorded inside the
 * caller's transaction is a savepoint: a refused one undoes only itself, a rolled-back
 * transaction stores nothing. */
static void ratings__web_listings_and_recording_in_a_transaction(void) {
    const char *path = init_db("ratings_web.db");
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &err), LCM_OK);
    char c1[16] = "", c2[16] = "", name1[200] = "";
    sqlite3_stmt *q = NULL;
    CU_ASSERT_EQUAL_FATAL(
        lcm_db_prepare(db, "SELECT code, name FROM cities ORDER BY code LIMIT 2", &q, &err),
        LCM_OK);
    CU_ASSERT_EQUAL_FATAL(sqlite3_step(q), SQLITE_ROW);
    snprintf(c1, sizeof c1, "%s", (const char *)sqlite3_column_text(q, 0));
    snprintf(name1, sizeof name1, "%s", (const char *)sqlite3_column_text(q, 1));
    CU_ASSERT_EQUAL_FATAL(sqlite3_step(q), SQLITE_ROW);
    snprintf(c2, sizeof c2, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    char s[600];
    snprintf(s, sizeof s,
             "INSERT INTO network_members(city_code, status, applied_on, population,"
             " population_year, area, area_year, gdp_per_capita, gdp_per_capita_year,"
             " education_years, education_years_year, source) VALUES ('%s', 'applied',"
             " '2025-01-01', 1, 2024, 1, 2024, 1, 2024, 1, 2024, 'test');"
             "INSERT INTO network_application_fields(city_code, field, value) VALUES"
             " ('%s', 'city.name', 'x'), ('%s', 'application.date', '2025-01-01')",
             c1, c1, c1);
    sql(db, s);
    const char *abc[] = {"a", "b", "c"}, *def[] = {"d", "e", "f"};
    lcm_rating_cell x = {c1, 2025, "2.3.1"}, y = {c1, 2025, "2.1.2"}, z = {c2, 2025, "2.3.1"};
    CU_ASSERT_EQUAL_FATAL(lcm_rating_assign(db, &x, abc, 3, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_rating_assign(db, &y, abc, 3, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_rating_assign(db, &z, def, 3, &err), LCM_OK);
    lcm_rating_task *t = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_rating_tasks(db, "a", &t, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_STRING_EQUAL(t[0].point, "2.1.2"); /* framework order */
    CU_ASSERT_STRING_EQUAL(t[1].point, "2.3.1");
    CU_ASSERT_STRING_EQUAL(t[0].city, c1);
    CU_ASSERT_STRING_EQUAL(t[0].city_name, name1);
    CU_ASSERT_EQUAL(t[1].year, 2025);
    CU_ASSERT_EQUAL_FATAL(
        lcm_db_prepare(db, "SELECT name_zh FROM indicators WHERE code = '2.3.1'", &q, &err),
        LCM_OK);
    CU_ASSERT_EQUAL_FATAL(sqlite3_step(q), SQLITE_ROW);
    CU_ASSERT_STRING_EQUAL(t[1].point_name, (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    lcm_rating_tasks_free(t, n);
    CU_ASSERT_EQUAL(lcm_rating_tasks(db, NULL, &t, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL(n, 3);
    lcm_rating_tasks_free(t, n);
    CU_ASSERT_EQUAL(lcm_rating_tasks(db, "nobody", &t, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL(n, 0);
    /* materials: the two application fields, then 2.1.1 of 2025 with its name */
    lcm_rating_material *m = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_rating_materials(db, &x, &m, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_STRING_EQUAL(m[0].evidence, "application:application.date");
    CU_ASSERT_STRING_EQUAL(m[1].evidence, "application:city.name");
    CU_ASSERT_STRING_EQUAL(m[2].evidence, "stat:2.1.1");
    CU_ASSERT_PTR_NULL(m[0].label);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m[2].label);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM indicators WHERE code = '2.1.1' AND"
                                   " name_zh LIKE '普通高校%'"),
                    1);
    CU_ASSERT(strncmp(m[2].label, "普通高校", strlen("普通高校")) == 0);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(lcm_rating_check_evidence(db, &x, m[i].evidence, &err), LCM_OK);
    lcm_rating_materials_free(m, n);
    lcm_rating_cell x24 = {c1, 2024, "2.3.1"};
    CU_ASSERT_EQUAL(lcm_rating_materials(db, &x24, &m, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL(n, 2); /* no statistic of 2024 */
    lcm_rating_materials_free(m, n);
    CU_ASSERT_EQUAL(lcm_rating_check_evidence(db, &x24, "stat:2.1.1", &err), LCM_CONSTRAINT);
    /* inside a transaction: a refused rating undoes only itself */
    lcm_rating_entry ok = {"a", 2, 84, "stat:2.1.1", NULL}, bad = {"b", 2, 91, "stat:2.1.1", NULL};
    CU_ASSERT_EQUAL_FATAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_rating_record(db, &x, &ok, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_rating_record(db, &x, &bad, &err), LCM_CONSTRAINT);
    CU_ASSERT_FALSE(sqlite3_get_autocommit(lcm_db_sqlite(db))); /* still the caller's */
    CU_ASSERT_EQUAL(lcm_db_commit(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ratings WHERE reviewer = 'a' AND"
                                   " score = 84 AND level = 2"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ratings WHERE reviewer = 'b'"), 0);
    /* a rolled-back transaction stores nothing */
    lcm_rating_entry later = {"c", 3, NAN, "application:city.name", "x"};
    CU_ASSERT_EQUAL_FATAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_rating_record(db, &x, &later, &err), LCM_OK);
    lcm_db_rollback(db);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ratings"), 1);
    lcm_db_close(db);
}

const lcmt_case lcmt_ratings_cases[] = {
    {"ratings__web_listings_and_recording_in_a_transaction",
     ratings__web_listings_and_recording_in_a_transaction},
    {"ratings__import_takes_levels_and_evidence", ratings__import_takes_levels_and_evidence},
    {"rubric__every_point_has_five_levels_quoting_the_seed",
     rubric__every_point_has_five_levels_quoting_the_seed},
    {"rubric__bad_cells_name_file_line_column_field",
     rubric__bad_cells_name_file_line_column_field},
    {"ratings__migration_keeps_older_ratings", ratings__migration_keeps_older_ratings},
    {"ratings__blind_until_every_assigned_reviewer_has_rated",
     ratings__blind_until_every_assigned_reviewer_has_rated},
    {"ratings__refused_ratings_leave_the_store_unchanged",
     ratings__refused_ratings_leave_the_store_unchanged},
    {"ratings__reliability_printed_is_the_engines_and_rs",
     ratings__reliability_printed_is_the_engines_and_rs},
    {"ratings__overall_icc_pools_the_points", ratings__overall_icc_pools_the_points},
    {"ratings__severity_adjusted_scores_match_lm", ratings__severity_adjusted_scores_match_lm},
    {"ratings__discordant_listed_and_adjudicated_value_scored",
     ratings__discordant_listed_and_adjudicated_value_scored},
    {NULL, NULL},
};
