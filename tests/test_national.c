/*
 * test_national.c - the national report (`lcmon report --national`): every number it shows
 * is the engine's own answer for the same thing, and every city or point it picks is the one
 * its stated rule picks.
 *
 * One demo (`lcmon demo --cities 12 --households 100 --mc 100 --seed 1`: three waves, with
 * changes and movers) is made once per run and its national report written with
 * --model. The model (JSON, read with SQLite's json_tree) is compared with `lcmon rank` of
 * 2025 and 2024 (league table, rank intervals, movers, cities near the bottom), with `lcmon
 * estimate` (survey means by region and year), with the stored score results of the run
 * (box plots, weak points, outliers, missing scores) and with the chart data files the charts
 * are drawn from. The box statistics themselves are R's boxplot.stats
 * (tests/r/boxplot_stats.R -> tests/fixtures/national/boxplot_stats.csv).
 */
#include "chart.h"
#include "testing.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YEAR 2025
#define MIN_N 30

static char dir[700], db_path[800], model_path[900], html_path[900];

/* The demo and its national report, made on first use; 0 when either failed. */
static int demo(void) {
    static int state;
    if (state == 0) {
        snprintf(dir, sizeof dir, "%s", lcmt_tmp("national_demo"));
        snprintf(db_path, sizeof db_path, "%s/demo.db", dir);
        snprintf(model_path, sizeof model_path, "%s/national.json", dir);
        snprintf(html_path, sizeof html_path, "%s/national_%d.html", dir, YEAR);
        const char *args[] = {"demo", "--out", dir,   "--cities", "12", "--households",
                              "100",  "--mc",  "100", "--seed",   "1",  NULL};
        char *err = NULL;
        state = lcmt_run(args, NULL, NULL, &err) == 0 ? 1 : -1;
        const char *rep[] = {"report", db_path,   "--national", "--year",   "2025", "--out",
                             dir,      "--model", model_path,   "--no-svg", NULL};
        if (state == 1) {
            free(err);
            err = NULL;
            state = lcmt_run(rep, NULL, NULL, &err) == 0 ? 1 : -1;
        }
        if (state < 0)
            fprintf(stderr, "national demo failed: %s\n", err ? err : "");
        free(err);
    }
    return state == 1;
}

static int cmpd(const void *a, const void *b);

static char *run(const char *const *args) {
    char *out = NULL, *err = NULL;
    int rc = lcmt_run(args, NULL, &out, &err);
    if (rc != 0)
        fprintf(stderr, "lcmon %s failed: %s\n", args[0], err ? err : "");
    CU_ASSERT_EQUAL(rc, 0);
    free(err);
    return out;
}

static void exec(sqlite3 *m, const char *sql) {
    char *e = NULL;
    if (sqlite3_exec(m, sql, NULL, NULL, &e) != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", sql, e ? e : "");
    CU_ASSERT_PTR_NULL(e);
    sqlite3_free(e);
}

/* Split a CSV line without quoted fields in place; returns the field count. */
static int fields(char *line, char **f, int cap) {
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < cap; p++)
        if (*p == ',')
            *p = '\0', f[n++] = p + 1;
    return n;
}

/* `lcmon rank --year Y` into table rank. */
static void load_rank(sqlite3 *m, int year) {
    char y[8];
    snprintf(y, sizeof y, "%d", year);
    const char *args[] = {"rank", db_path, "--year", y, "--format", "csv", NULL};
    char *out = run(args), *save = NULL;
    sqlite3_stmt *ins = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(m,
                                             "INSERT INTO rank VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                             "?7, ?8, ?9)",
                                             -1, &ins, NULL),
                          SQLITE_OK);
    int header = 1;
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[16];
        if (fields(line, f, 16) < 9 || header) {
            header = 0;
            continue;
        }
        /* rank,code,city,region,tier,score,median_rank,p05,p95 */
        sqlite3_reset(ins);
        sqlite3_bind_int(ins, 1, year);
        sqlite3_bind_text(ins, 2, f[1], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, f[3], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 4, f[4], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 5, atoi(f[0]));
        sqlite3_bind_double(ins, 6, strtod(f[5], NULL));
        sqlite3_bind_int(ins, 7, atoi(f[6]));
        sqlite3_bind_int(ins, 8, atoi(f[7]));
        sqlite3_bind_int(ins, 9, atoi(f[8]));
        CU_ASSERT_EQUAL(sqlite3_step(ins), SQLITE_DONE);
    }
    sqlite3_finalize(ins);
    free(out);
}

/* `lcmon estimate` of the three survey measures by city for a wave into table est. */
static void load_estimates(sqlite3 *m, int year) {
    char y[8];
    snprintf(y, sizeof y, "%d", year);
    const char *means[] = {
        "estimate",   db_path, "--form", "household", "--var",    "aware_share,sat_index",
        "--by",       "city",  "--wave", y,           "--format", "csv",
        "--no-store", NULL};
    const char *props[] = {"estimate", db_path, "--form",     "household", "--var",  "participated",
                           "--stat",   "prop",  "--by",       "city",      "--wave", y,
                           "--format", "csv",   "--no-store", NULL};
    const char *const *which[2] = {means, props};
    sqlite3_stmt *ins = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(m, "INSERT INTO est VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &ins, NULL),
        SQLITE_OK);
    for (int w = 0; w < 2; w++) {
        char *out = run(which[w]), *save = NULL;
        int header = 1;
        for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *f[16];
            /* city,variable,category,estimate,se,ci_low,ci_high,df,deff,n,... */
            if (fields(line, f, 16) < 10 || header) {
                header = 0;
                continue;
            }
            sqlite3_reset(ins);
            sqlite3_bind_int(ins, 1, year);
            sqlite3_bind_text(ins, 2, f[1], -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 3, f[0], -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 4, f[2], -1, SQLITE_TRANSIENT);
            sqlite3_bind_double(ins, 5, strtod(f[3], NULL));
            sqlite3_bind_int64(ins, 6, atol(f[9]));
            CU_ASSERT_EQUAL(sqlite3_step(ins), SQLITE_DONE);
        }
        free(out);
    }
    sqlite3_finalize(ins);
}

/* The scratch database: the model's numbers with their refs (table num), `lcmon rank` of
 * every year (rank), `lcmon estimate` (est), the demo database attached as d. */
static sqlite3 *scratch(void) {
    static sqlite3 *m;
    if (m)
        return m;
    /* URI names allowed, so the demo attaches read-only */
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_open_v2(":memory:", &m, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL), SQLITE_OK);
    char *text = lcmt_slurp(model_path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    exec(m, "CREATE TABLE model(json TEXT);"
            "CREATE TABLE rank(year INT, code TEXT, region TEXT, tier TEXT, rank INT, score REAL,"
            " median INT, p05 INT, p95 INT);"
            "CREATE TABLE est(year INT, variable TEXT, city TEXT, category TEXT, estimate REAL,"
            " n INT)");
    sqlite3_stmt *ins = NULL;
    sqlite3_prepare_v2(m, "INSERT INTO model VALUES (?1)", -1, &ins, NULL);
    sqlite3_bind_text(ins, 1, text, -1, free);
    CU_ASSERT_EQUAL(sqlite3_step(ins), SQLITE_DONE);
    sqlite3_finalize(ins);
    exec(m, "CREATE TABLE num AS SELECT json_extract(t.value, '$.ref.stat') AS stat,"
            " json_extract(t.value, '$.ref.key') AS key,"
            " json_extract(t.value, '$.ref.field') AS field,"
            " json_extract(t.value, '$.ref.year') AS year,"
            " json_extract(t.value, '$.value') AS value"
            " FROM model, json_tree(model.json) t WHERE t.type = 'object'"
            " AND json_extract(t.value, '$.ref.stat') IS NOT NULL");
    for (int y = YEAR - 2; y <= YEAR; y++) {
        load_rank(m, y);
        load_estimates(m, y);
    }
    char attach[1000];
    snprintf(attach, sizeof attach, "ATTACH 'file:%s?mode=ro' AS d", db_path);
    exec(m, attach);
    exec(m, "CREATE TABLE run AS SELECT CAST(json_extract(params, '$.year') AS INT) AS year,"
            " max(id) AS id FROM d.runs WHERE kind = 'score' GROUP BY 1");
    return m;
}

static double one(sqlite3 *m, const char *sql) {
    sqlite3_stmt *st = NULL;
    double v = NAN;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(m, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* ---- the box statistics are R's ---- */

static void national__box_stats_equal_r_boxplot_stats(void) {
    char *csv = lcmt_slurp(lcmt_path("tests/fixtures/national/boxplot_stats.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    /* the inputs of tests/r/boxplot_stats.R, case by case */
    static const double odd[] = {3, 7, 1, 9, 4, 6, 2}, even[] = {10, 20, 30, 40, 50, 60},
                        outl[] = {50, 52, 53, 55, 56, 58, 60, 0, 100, 99.5},
                        ties[] = {0, 0, 0, 0, 100, 100}, one_[] = {42}, two[] = {1.5, 8.25},
                        scores[] = {88.38, 84.76, 80.93, 78.66, 67.6, 64.6,
                                    57.4,  53.4,  46.1,  39.7,  24.4, 9.9};
    static const struct {
        const char *name;
        const double *x;
        size_t n;
    } cases[] = {{"odd", odd, 7},  {"even", even, 6}, {"outliers", outl, 10}, {"ties", ties, 6},
                 {"one", one_, 1}, {"two", two, 2},   {"scores", scores, 12}};
    int checked = 0;
    char *save = NULL;
    for (char *line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[8];
        if (fields(line, f, 8) < 7 || strcmp(f[0], "case") == 0)
            continue;
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            if (strcmp(cases[c].name, f[0]) != 0)
                continue;
            double st[5], out[16];
            size_t nout = 0;
            CU_ASSERT_EQUAL(lcm_chart_box_stats(cases[c].x, cases[c].n, st, out, &nout),
                            (long)cases[c].n);
            for (int k = 0; k < 5; k++)
                CU_ASSERT(fabs(st[k] - strtod(f[1 + k], NULL)) <= 1e-12);
            size_t want = 0;
            for (char *p = f[6]; *p; want++) {
                double v = strtod(p, &p);
                CU_ASSERT(want < nout && fabs(out[want] - v) <= 1e-12);
                p += *p == ';';
            }
            CU_ASSERT_EQUAL(nout, want);
            checked++;
        }
    }
    CU_ASSERT_EQUAL(checked, 7);
    free(csv);
    /* NaN values are left out; none at all gives NaN stats */
    double x[] = {NAN, 1, NAN, 3, 2}, st[5];
    size_t nout = 9;
    CU_ASSERT_EQUAL(lcm_chart_box_stats(x, 5, st, NULL, &nout), 3);
    CU_ASSERT(st[2] == 2 && nout == 0);
    CU_ASSERT_EQUAL(lcm_chart_box_stats(x, 1, st, NULL, &nout), 0);
    CU_ASSERT(isnan(st[0]) && isnan(st[4]));
}

/* ---- the league table is `lcmon rank` ---- */

static void national__league_table_equals_lcmon_rank(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(m,
                           "SELECT n.field, n.value, CASE n.field WHEN 'rank' THEN r.rank WHEN "
                           "'score' THEN r.score WHEN 'p05' THEN r.p05 WHEN 'p95' THEN r.p95 "
                           "WHEN 'median_rank' THEN r.median END FROM num n LEFT JOIN rank r ON "
                           "r.year = 2025 AND r.code = n.key WHERE n.stat = 'rank'",
                           -1, &st, NULL),
        SQLITE_OK);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        double have = sqlite3_column_double(st, 1), want = sqlite3_column_double(st, 2);
        CU_ASSERT_NOT_EQUAL(sqlite3_column_type(st, 2), SQLITE_NULL);
        /* lcmon rank prints the score with 2 decimals, the report with 1 */
        CU_ASSERT(fabs(have - want) <=
                  (strcmp((const char *)sqlite3_column_text(st, 0), "score") == 0 ? 0.005 : 0));
        n++;
    }
    sqlite3_finalize(st);
    CU_ASSERT_EQUAL(n, 5 * (int)one(m, "SELECT count(*) FROM rank WHERE year = 2025"));
    CU_ASSERT_EQUAL(one(m, "SELECT count(*) FROM rank WHERE year = 2025"), 12);
}

/* ---- box plots: the stored scores of each group, and the chart draws the model ---- */

static void national__box_plots_equal_the_stored_scores(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    static const char *const charts[2] = {"boxes_region", "boxes_tier"};
    static const char *const zh_region[][2] = {
        {"东部", "east"}, {"中部", "central"}, {"西部", "west"}};
    static const char *const zh_tier[][2] = {{"直辖市", "municipality"},
                                             {"省会城市", "provincial_capital"},
                                             {"计划单列市", "separately_planned"},
                                             {"其他地级市", "prefecture"}};
    int boxes = 0, rows_in_dat = 0, outliers_seen = 0;
    for (int c = 0; c < 2; c++) {
        sqlite3_stmt *st = NULL;
        /* every (row, group) of the chart with its five numbers */
        CU_ASSERT_EQUAL_FATAL(
            sqlite3_prepare_v2(
                m,
                "SELECT r.key, r.value, g.key, g.value,"
                " json_array_length(json_extract(ch.value, '$.groups')),"
                " json_extract(ch.value, '$.stats') FROM model, json_tree(model.json) ch,"
                " json_each(json_extract(ch.value, '$.rows')) r,"
                " json_each(json_extract(ch.value, '$.groups')) g"
                " WHERE ch.type = 'object' AND json_extract(ch.value, '$.name') = ?1"
                " ORDER BY r.key, g.key",
                -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, charts[c], -1, SQLITE_STATIC);
        char *dat = NULL;
        char datp[1000];
        snprintf(datp, sizeof datp, "%s/national_%d_%s.dat", dir, YEAR, charts[c]);
        dat = lcmt_slurp(datp, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dat);
        char *dline = strchr(dat, '\n'); /* after the header */
        while (sqlite3_step(st) == SQLITE_ROW) {
            int row = sqlite3_column_int(st, 0), g = sqlite3_column_int(st, 2);
            int ng = sqlite3_column_int(st, 4);
            const char *gname = (const char *)sqlite3_column_text(st, 3);
            const char *key = NULL;
            for (int k = 0; k < (c ? 4 : 3); k++)
                if (strcmp(gname, c ? zh_tier[k][0] : zh_region[k][0]) == 0)
                    key = c ? zh_tier[k][1] : zh_region[k][1];
            CU_ASSERT_PTR_NOT_NULL_FATAL(key);
            /* the row-th second-level indicator (1.x are background, not scored) */
            char sql[1200];
            snprintf(sql, sizeof sql,
                     "SELECT s.score FROM d.score_results s JOIN d.cities ci ON ci.code ="
                     " s.city_code JOIN d.provinces p ON p.code = ci.province_code"
                     " WHERE s.run_id = (SELECT id FROM run WHERE year = %d) AND"
                     " s.indicator_code = (SELECT code FROM d.indicators WHERE level = 2 AND"
                     " code NOT LIKE '1.%%' ORDER BY ord LIMIT 1 OFFSET %d) AND %s = '%s'",
                     YEAR, row, c ? "ci.tier" : "p.region3", key);
            sqlite3_stmt *q = NULL;
            double x[64];
            size_t nx = 0;
            CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(m, sql, -1, &q, NULL), SQLITE_OK);
            while (nx < 64 && sqlite3_step(q) == SQLITE_ROW)
                x[nx++] =
                    sqlite3_column_type(q, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 0);
            sqlite3_finalize(q);
            double want[5];
            double outv[64];
            size_t nout = 0;
            lcm_chart_box_stats(x, nx, want, outv, &nout);
            { /* its outliers: the model's, for this row and group, are the same values */
                char oq[600];
                snprintf(oq, sizeof oq,
                         "SELECT group_concat(v, ' ') FROM (SELECT printf('%%.6f',"
                         " json_extract(ch.value, '$.out_value[' || c.key || ']')) AS v FROM"
                         " model, json_tree(model.json) ch, json_each(json_extract(ch.value,"
                         " '$.out_cell')) c WHERE ch.type = 'object' AND json_extract(ch.value,"
                         " '$.name') = '%s' AND c.value = %d ORDER BY json_extract(ch.value,"
                         " '$.out_value[' || c.key || ']'))",
                         charts[c], row * ng + g);
                sqlite3_stmt *oe = NULL;
                CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(m, oq, -1, &oe, NULL), SQLITE_OK);
                CU_ASSERT_EQUAL(sqlite3_step(oe), SQLITE_ROW);
                const char *have_out = (const char *)sqlite3_column_text(oe, 0);
                char want_out[1200] = "";
                size_t wl = 0;
                qsort(outv, nout, sizeof *outv, cmpd);
                for (size_t o = 0; o < nout; o++)
                    wl += (size_t)snprintf(want_out + wl, sizeof want_out - wl, "%s%.6f",
                                           o ? " " : "", outv[o]);
                CU_ASSERT_STRING_EQUAL(have_out ? have_out : "", want_out);
                outliers_seen += (int)nout;
                sqlite3_finalize(oe);
            }
            CU_ASSERT(nx > 0); /* only groups with cities are drawn */
            char path[80];
            double have[5];
            for (int k = 0; k < 5; k++) {
                snprintf(path, sizeof path, "SELECT json_extract(?1, '$[%d]')",
                         (row * ng + g) * 5 + k);
                sqlite3_stmt *e = NULL;
                sqlite3_prepare_v2(m, path, -1, &e, NULL);
                sqlite3_bind_text(e, 1, (const char *)sqlite3_column_text(st, 5), -1,
                                  SQLITE_TRANSIENT);
                sqlite3_step(e);
                have[k] =
                    sqlite3_column_type(e, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(e, 0);
                sqlite3_finalize(e);
                CU_ASSERT(isnan(want[k]) ? isnan(have[k]) : fabs(have[k] - want[k]) <= 1e-9);
            }
            boxes++;
            /* the data file's row for it, in the same order: y then the five numbers */
            if (!isnan(have[2]) && dline && dline[1]) {
                double y, v[5];
                int grp;
                CU_ASSERT_EQUAL(sscanf(dline + 1, "%lf %lf %lf %lf %lf %lf %d", &y, &v[0], &v[1],
                                       &v[2], &v[3], &v[4], &grp),
                                7);
                for (int k = 0; k < 5; k++)
                    CU_ASSERT(fabs(v[k] - have[k]) <= 1e-8 * fmax(1, fabs(have[k])));
                CU_ASSERT_EQUAL(grp, g);
                rows_in_dat++;
                dline = strchr(dline + 1, '\n');
            }
        }
        sqlite3_finalize(st);
        free(dat);
    }
    /* 16 second-level indicators (2.1-2.9, 3.1-3.5, 4.1-4.2); the demo's 12 cities are in 3
     * regions and 2 tiers */
    CU_ASSERT_EQUAL(boxes, 16 * 3 + 16 * 2);
    CU_ASSERT_EQUAL(rows_in_dat, boxes);
    CU_ASSERT(outliers_seen >= 1); /* the demo has some (tier chart: 队伍建设, 建设成效) */
}

/* ---- cities that need attention: exactly the cities the four rules pick ---- */

static void national__attention_lists_every_city_the_rules_pick(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    exec(m, "DROP TABLE IF EXISTS want; CREATE TABLE want(key TEXT PRIMARY KEY)");
    long n = (long)one(m, "SELECT count(*) FROM rank WHERE year = 2025");
    char sql[1600];
    /* near the bottom: p05 > 0.75 n */
    snprintf(sql, sizeof sql,
             "INSERT INTO want SELECT code || char(31) || 'bottom' FROM rank WHERE year = 2025"
             " AND p05 > 0.75 * %ld",
             n);
    exec(m, sql);
    /* fell: this year's interval wholly below last year's */
    exec(m, "INSERT INTO want SELECT a.code || char(31) || 'fell' FROM rank a JOIN rank b ON"
            " b.code = a.code AND b.year = 2024 WHERE a.year = 2025 AND a.p05 > b.p95");
    /* missing and low outliers on each second-level indicator, from the stored scores */
    sqlite3_stmt *ind = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(m,
                                             "SELECT code FROM d.indicators WHERE level = 2 AND"
                                             " code NOT LIKE '1.%' ORDER BY ord",
                                             -1, &ind, NULL),
                          SQLITE_OK);
    int outliers = 0, missing = 0;
    static char evidence[64][200];
    size_t nev = 0;
    while (sqlite3_step(ind) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(ind, 0);
        sqlite3_stmt *q = NULL;
        CU_ASSERT_EQUAL_FATAL(
            sqlite3_prepare_v2(m,
                               "SELECT r.code, s.score FROM rank r LEFT JOIN d.score_results s"
                               " ON s.city_code = r.code AND s.indicator_code = ?1 AND"
                               " s.run_id = (SELECT id FROM run WHERE year = 2025)"
                               " WHERE r.year = 2025",
                               -1, &q, NULL),
            SQLITE_OK);
        sqlite3_bind_text(q, 1, code, -1, SQLITE_TRANSIENT);
        char city[64][8];
        double x[64];
        size_t k = 0;
        while (k < 64 && sqlite3_step(q) == SQLITE_ROW) {
            snprintf(city[k], sizeof city[k], "%s", sqlite3_column_text(q, 0));
            x[k++] = sqlite3_column_type(q, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 1);
        }
        sqlite3_finalize(q);
        double st[5];
        lcm_chart_box_stats(x, k, st, NULL, NULL);
        for (size_t i = 0; i < k; i++) {
            const char *why = isnan(x[i]) ? "missing" : x[i] < st[0] ? "outlier" : NULL;
            if (!why)
                continue;
            snprintf(sql, sizeof sql,
                     "INSERT INTO want VALUES ('%s' || char(31) || '%s' ||"
                     " char(31) || '%s')",
                     city[i], why, code);
            exec(m, sql);
            outliers += why[0] == 'o', missing += why[0] == 'm';
            if (why[0] == 'o') { /* the evidence gives the score and the whisker */
                char words[200];
                snprintf(words, sizeof words, "%s %%s得分%.1f，低于全国箱线图下须%.1f", code, x[i],
                         st[0]);
                snprintf(evidence[nev++ % 64], sizeof evidence[0], "%s", words);
            }
        }
    }
    sqlite3_finalize(ind);
    /* the report's rows (one per city and reason) are exactly these, with the city's rank */
    CU_ASSERT_EQUAL(one(m, "SELECT count(*) FROM num WHERE stat = 'attention'"),
                    one(m, "SELECT count(*) FROM want"));
    CU_ASSERT_EQUAL(one(m, "SELECT count(*) FROM num n JOIN want w ON w.key = n.key"
                           " WHERE n.stat = 'attention'"),
                    one(m, "SELECT count(*) FROM want"));
    CU_ASSERT_EQUAL(one(m, "SELECT count(*) FROM num n JOIN rank r ON r.year = 2025 AND"
                           " r.code = substr(n.key, 1, instr(n.key, char(31)) - 1)"
                           " WHERE n.stat = 'attention' AND n.value <> r.rank"),
                    0);
    /* the demo has cities for at least two of the rules */
    CU_ASSERT(one(m, "SELECT count(*) FROM want") >= 3);
    CU_ASSERT(outliers + one(m, "SELECT count(*) FROM want WHERE key LIKE '%fell'") >= 2);
    (void)missing;
    /* the section comes first, so an analyst finds it on the first page */
    CU_ASSERT_EQUAL(one(m, "SELECT json_extract(json, '$.sections[0].heading') ="
                           " '一、需要关注的城市及原因' FROM model"),
                    1);
    char *html = lcmt_slurp(html_path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    /* the evidence of each low outlier: "3.1 发展规划得分34.7，低于全国箱线图下须78.0" */
    for (size_t e = 0; e < nev && e < 64; e++) {
        char *pct = strstr(evidence[e], "%s"), head[64];
        CU_ASSERT_PTR_NOT_NULL_FATAL(pct);
        snprintf(head, sizeof head, "%.*s", (int)(pct - evidence[e]), evidence[e]);
        LCMT_ASSERT_HAS(html, head);    /* the code */
        LCMT_ASSERT_HAS(html, pct + 2); /* score and whisker */
    }
    /* the evidence of each city near the bottom: its interval among n cities */
    sqlite3_stmt *bt = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(m,
                                             "SELECT p05, p95 FROM rank WHERE year = 2025 AND"
                                             " p05 > 0.75 * (SELECT count(*) FROM rank WHERE"
                                             " year = 2025)",
                                             -1, &bt, NULL),
                          SQLITE_OK);
    while (sqlite3_step(bt) == SQLITE_ROW) {
        char words[200];
        int lo = sqlite3_column_int(bt, 0), hi = sqlite3_column_int(bt, 1);
        if (lo == hi)
            snprintf(words, sizeof words, "名次区间第%d名（共%ld个城市）全部在后四分之一", lo, n);
        else
            snprintf(words, sizeof words, "名次区间第%d–%d名（共%ld个城市）全部在后四分之一", lo,
                     hi, n);
        LCMT_ASSERT_HAS(html, words);
    }
    sqlite3_finalize(bt);
    char *att = strstr(html, "需要关注的城市及原因"), *league = strstr(html, "全部城市排名");
    CU_ASSERT(att && league && att < league);
    free(html);
}

/* ---- movers: rank intervals of 2024 and 2025 that do not overlap ---- */

static void national__movers_are_the_cities_whose_intervals_part(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    double want = one(m, "SELECT count(*) FROM rank a JOIN rank b ON b.code = a.code AND"
                         " b.year = 2024 WHERE a.year = 2025 AND (a.p05 > b.p95 OR a.p95 <"
                         " b.p05)");
    CU_ASSERT_EQUAL(one(m, "SELECT count(*) FROM num WHERE stat = 'moved'"), want);
    CU_ASSERT_EQUAL(one(m, "SELECT count(*) FROM num n JOIN rank a ON a.year = 2025 AND"
                           " a.code = n.key JOIN rank b ON b.year = 2024 AND b.code = n.key"
                           " WHERE n.stat = 'moved' AND ((n.field = 'rose' AND a.p95 < b.p05)"
                           " OR (n.field = 'fell' AND a.p05 > b.p95))"),
                    want);
    CU_ASSERT(want >= 1); /* the demo has movers (2 with seed 1; seed 2025 has none since the
                            newest wave is answered on questionnaire 2027.1) */
}

/* ---- changes over years: medians from `lcmon rank`, survey means from `lcmon estimate` ---- */

static void national__changes_over_years_equal_rank_and_estimate(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(m,
                                             "SELECT key, year, field, value FROM num WHERE"
                                             " stat = 'region_year'",
                                             -1, &st, NULL),
                          SQLITE_OK);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        int year = sqlite3_column_int(st, 1);
        const char *field = (const char *)sqlite3_column_text(st, 2);
        double have =
            sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3);
        char where[200], sql[1600];
        snprintf(where, sizeof where, "r.year = %d%s%s%s", year,
                 strcmp(key, "all") ? " AND r.region = '" : "", strcmp(key, "all") ? key : "",
                 strcmp(key, "all") ? "'" : "");
        double want;
        if (strcmp(field, "cities") == 0) {
            snprintf(sql, sizeof sql, "SELECT count(*) FROM rank r WHERE %s", where);
            want = one(m, sql);
        } else if (strcmp(field, "median_score") == 0) {
            /* median of the overall scores (from the store: lcmon rank rounds them) */
            snprintf(sql, sizeof sql,
                     "SELECT avg(score) FROM (SELECT s.score FROM rank r JOIN d.score_results s"
                     " ON s.city_code = r.code AND s.indicator_code = 'overall' AND s.run_id ="
                     " (SELECT id FROM run WHERE year = %d) WHERE %s ORDER BY s.score LIMIT"
                     " 2 - (SELECT count(*) FROM rank r WHERE %s) %% 2 OFFSET"
                     " ((SELECT count(*) FROM rank r WHERE %s) - 1) / 2)",
                     year, where, where, where);
            want = one(m, sql);
        } else { /* mean over the year's ranked cities with n >= MIN_N */
            int prop = strcmp(field, "participated") == 0;
            double scale = strcmp(field, "sat_index") == 0 ? 1 : 100;
            snprintf(sql, sizeof sql,
                     "SELECT avg(e.estimate) * %g FROM rank r JOIN est e ON e.city = r.code AND"
                     " e.year = r.year AND e.variable = '%s' AND e.category %s WHERE %s AND"
                     " e.n >= %d",
                     scale, field, prop ? "= '1'" : "= ''", where, MIN_N);
            want = one(m, sql);
        }
        if (isnan(want) != isnan(have) || (!isnan(want) && fabs(want - have) > 1e-9))
            fprintf(stderr, "region_year %s %d %s: report %g, engine %g\n", key, year, field, have,
                    want);
        CU_ASSERT(isnan(want) ? isnan(have) : fabs(want - have) <= 1e-9);
        n++;
    }
    sqlite3_finalize(st);
    /* nation and 3 regions, in each of the 4 tables: cities (2025) and 3 years */
    CU_ASSERT_EQUAL(n, 4 * 4 * (1 + 3));
}

/* ---- weak points: median below 50, artefacts left out ---- */

static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void national__weak_points_follow_the_rule(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    sqlite3_stmt *ind = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(m,
                                             "SELECT code FROM d.indicators WHERE level = 3 AND"
                                             " (direction IS NULL OR direction <> 'context')",
                                             -1, &ind, NULL),
                          SQLITE_OK);
    int kept = 0, artefacts = 0;
    long ncity = (long)one(m, "SELECT count(*) FROM rank WHERE year = 2025");
    while (sqlite3_step(ind) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(ind, 0);
        char sql[800];
        snprintf(sql, sizeof sql,
                 "SELECT s.score FROM rank r JOIN d.score_results s ON s.city_code = r.code AND"
                 " s.indicator_code = '%s' AND s.run_id = (SELECT id FROM run WHERE year ="
                 " 2025) WHERE r.year = 2025 AND s.score IS NOT NULL",
                 code);
        sqlite3_stmt *q = NULL;
        double x[64];
        size_t k = 0;
        sqlite3_prepare_v2(m, sql, -1, &q, NULL);
        while (k < 64 && sqlite3_step(q) == SQLITE_ROW)
            x[k++] = sqlite3_column_double(q, 0);
        sqlite3_finalize(q);
        qsort(x, k, sizeof *x, cmpd);
        double med = k ? (k % 2 ? x[k / 2] : (x[k / 2 - 1] + x[k / 2]) / 2) : NAN;
        size_t lo = 0, hi = 0, distinct = 0, below = 0;
        for (size_t i = 0; i < k; i++)
            lo += x[i] == x[0], hi += x[i] == x[k - 1], distinct += !i || x[i] != x[i - 1],
                below += x[i] < 50;
        int artefact = 2 * (long)k < ncity || distinct <= 2 || 2 * lo >= k || 2 * hi >= k;
        int weak = !artefact && med < 50;
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM num WHERE stat = 'weak_point' AND key = '%s'", code);
        CU_ASSERT_EQUAL(one(m, sql), weak ? 3 : 0);
        if (weak) {
            snprintf(sql, sizeof sql,
                     "SELECT value FROM num WHERE stat = 'weak_point' AND key = '%s' AND"
                     " field = 'median'",
                     code);
            CU_ASSERT(fabs(one(m, sql) - med) <= 1e-9);
            snprintf(sql, sizeof sql,
                     "SELECT value FROM num WHERE stat = 'weak_point' AND key = '%s' AND"
                     " field = 'below50'",
                     code);
            CU_ASSERT(fabs(one(m, sql) - 100.0 * (double)below / (double)k) <= 1e-9);
            snprintf(sql, sizeof sql,
                     "SELECT value FROM num WHERE stat = 'weak_point' AND key = '%s' AND"
                     " field = 'n'",
                     code);
            CU_ASSERT_EQUAL(one(m, sql), (double)k);
        }
        kept += weak, artefacts += artefact && med < 50;
    }
    sqlite3_finalize(ind);
    CU_ASSERT(kept >= 1);
    /* every artefact that would look weak is named in the list after the table */
    char *model = lcmt_slurp(model_path, NULL);
    int named = 0;
    for (const char *p = model; (p = strstr(p, "是评分规则的上下限所致")); p++)
        named++;
    CU_ASSERT_EQUAL(named, artefacts);
    free(model);
}

/* ---- coverage: the provinces still short of the 2025 target, in words, as the CLI says ---- */

static void national__shortfall_names_each_province_as_lcmon_network_coverage(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    const char *args[] = {"network", "coverage", db_path, "--year",
                          "2025",    "--format", "csv",   NULL};
    char *cov = run(args), *save = NULL;
    char name[64][64];
    long need[64], total = 0;
    size_t n = 0;
    /* level,code,name,region,target_pct,cities,admitted,coverage_pct,needed; in code order */
    for (char *line = strtok_r(cov, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[16];
        if (fields(line, f, 16) < 9 || strcmp(f[0], "province") != 0 || atol(f[8]) <= 0 || n == 64)
            continue;
        snprintf(name[n], sizeof name[n], "%s", f[2]);
        need[n++] = atol(f[8]);
        total += atol(f[8]);
    }
    free(cov);
    CU_ASSERT_FATAL(n >= 2); /* the demo's register is short in several provinces */
    char want[4096];
    int len = snprintf(want, sizeof want,
                       "%zu个省尚未达到所在地区的2025年目标，共需再加入%ld个"
                       "地市级城市：",
                       n, total);
    int used[64] = {0};
    for (size_t k = 0; k < n; k++) { /* most needed first, ties in code order */
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (!used[i] && (best == n || need[i] > need[best]))
                best = i;
        used[best] = 1;
        len += snprintf(want + len, sizeof want - (size_t)len, "%s%s%ld个", k ? "，" : "",
                        name[best], need[best]);
    }
    snprintf(want + len, sizeof want - (size_t)len, "。");
    char *html = lcmt_slurp(html_path, NULL);
    LCMT_ASSERT_HAS(html, want);
    free(html);
}

/* ---- the box chart: bad specs refused by name, names from data only ever quoted ---- */

static void national__box_chart_refuses_bad_specs_and_quotes_names(void) {
    const char *rows[2] = {"学习型组织建设", "it's `system(\"touch /tmp/x\")`"};
    const char *groups[2] = {"东部", "西部"};
    double stats[2 * 2 * 5] = {10,  20,  30,  40,  50,  15, 25, 35, 45, 55,
                               NAN, NAN, NAN, NAN, NAN, 0,  5,  10, 15, 20};
    size_t cell[1] = {1};
    double outv[1] = {99};
    lcm_chart_boxes c = {"t", "得分（0–100）", 2, 2, rows, groups, stats, 1, cell, outv, "无得分"};
    lcm_chart_opts o = {lcmt_tmp(""), "boxes_t", LCM_LANG_ZH, LCM_CHART_PNG, 0, 0, NULL};
    char *script = NULL, msg[256] = "";
    size_t len = 0;
    FILE *f = open_memstream(&script, &len);
    CU_ASSERT_EQUAL(lcm_chart_boxes_render(&c, &o, f, msg, sizeof msg), LCM_OK);
    fclose(f);
    /* the label is one single-quoted gnuplot string: its quote doubled, nothing run */
    LCMT_ASSERT_HAS(script, "'it''s `system(\"touch /tmp/x\")`'");
    LCMT_ASSERT_HAS(script, "'无得分'"); /* row 1 has no values in group 0 */
    free(script);
    char path[900];
    snprintf(path, sizeof path, "%s/boxes_t.dat", lcmt_tmp(""));
    char *dat = lcmt_slurp(path, NULL);
    LCMT_ASSERT_HAS(dat, "\n4.0 10 20 30 40 50 0\n"); /* row 0 group 0 at the top */
    LCMT_ASSERT_HAS(dat, "\n0.0 0 5 10 15 20 1\n");   /* row 1 group 1 at the bottom */
    LCMT_ASSERT_HAS(dat, "\n\n\n3.0 99 1\n");         /* the outlier, in row 0 group 1 */
    CU_ASSERT_PTR_NULL(strstr(dat, "system"));        /* names never reach data files */
    free(dat);
    /* refused, each naming what is wrong */
    f = open_memstream(&script, &len);
    lcm_chart_boxes bad = c;
    bad.nrow = 0;
    CU_ASSERT_EQUAL(lcm_chart_boxes_render(&bad, &o, f, msg, sizeof msg), LCM_INVAL);
    LCMT_ASSERT_HAS(msg, "boxes: need 1..60 rows");
    bad = c, cell[0] = 4;
    CU_ASSERT_EQUAL(lcm_chart_boxes_render(&bad, &o, f, msg, sizeof msg), LCM_INVAL);
    LCMT_ASSERT_HAS(msg, "boxes: outlier 0 is in no row and group");
    cell[0] = 1, bad = c, bad.no_data = NULL;
    CU_ASSERT_EQUAL(lcm_chart_boxes_render(&bad, &o, f, msg, sizeof msg), LCM_INVAL);
    LCMT_ASSERT_HAS(msg, "boxes: no_data is required");
    fclose(f);
    free(script);
}

const lcmt_case lcmt_national_cases[] = {
    {"box_stats_equal_r_boxplot_stats", national__box_stats_equal_r_boxplot_stats},
    {"box_chart_refuses_bad_specs_and_quotes_names",
     national__box_chart_refuses_bad_specs_and_quotes_names},
    {"league_table_equals_lcmon_rank", national__league_table_equals_lcmon_rank},
    {"box_plots_equal_the_stored_scores", national__box_plots_equal_the_stored_scores},
    {"attention_lists_every_city_the_rules_pick",
     national__attention_lists_every_city_the_rules_pick},
    {"movers_are_the_cities_whose_intervals_part",
     national__movers_are_the_cities_whose_intervals_part},
    {"changes_over_years_equal_rank_and_estimate",
     national__changes_over_years_equal_rank_and_estimate},
    {"weak_points_follow_the_rule", national__weak_points_follow_the_rule},
    {"shortfall_names_each_province_as_lcmon_network_coverage",
     national__shortfall_names_each_province_as_lcmon_network_coverage},
    {NULL, NULL},
};
