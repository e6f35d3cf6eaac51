/*
 * test_report_model.c - every number a city report shows is the engine's own answer for
 * the same thing, and no suppressed number reaches any file the report writes.
 *
 * One small demo (`lcmon demo --cities 6 --households 100 --mc 100`, seed 2025) is made
 * once per run; each city's report is written with `lcmon report --model`, and the model
 * (JSON, read with SQLite's json_tree) is compared cell by cell with what the CLI prints
 * for the same thing: `lcmon estimate` (survey estimates and their intervals), `lcmon
 * profile` (scores, tier medians, strengths), `lcmon rank` (ranks and their intervals),
 * `lcmon trend` (changes between waves) and `lcmon network coverage`. The reference values
 * are the CLI's output on the same database; nothing is hard-coded.
 */
#include "compare.h"
#include "gsl/gsl_cdf.h"
#include "rating.h"
#include "testing.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define YEAR "2025"
#define MIN_N 30

static const char *const cities[] = {"1309", "1401", "4101", "4405", "5329", "5403"};
#define NCITY (sizeof cities / sizeof cities[0])

static char demo_dir[700], demo_db[800];

/* The demo, made on first use; NULL when it failed. */
static const char *demo(void) {
    static int state;
    if (state == 0) {
        snprintf(demo_dir, sizeof demo_dir, "%s", lcmt_tmp("model_demo"));
        snprintf(demo_db, sizeof demo_db, "%s/demo.db", demo_dir);
        const char *args[] = {"demo",         "--out", demo_dir, "--cities", "6",
                              "--households", "100",   "--mc",   "100",      NULL};
        char *err = NULL;
        state = lcmt_run(args, NULL, NULL, &err) == 0 ? 1 : -1;
        if (state < 0)
            fprintf(stderr, "demo failed: %s\n", err ? err : "");
        free(err);
    }
    return state == 1 ? demo_db : NULL;
}

/* Output of lcmon with args (exit 0 asserted), malloc'd. */
static char *run(const char *const *args) {
    char *out = NULL, *err = NULL;
    int rc = lcmt_run(args, NULL, &out, &err);
    if (rc != 0)
        fprintf(stderr, "lcmon %s %s failed: %s\n", args[0], args[1] ? args[1] : "",
                err ? err : "");
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

/* `lcmon estimate` rows (as printed) into table cli of the scratch database. */
static void load_estimates(sqlite3 *m, const char *vars, const char *by, int prop) {
    const char *args[] = {
        "estimate", demo_db,  "--form", "household", "--var", vars,         "--by",
        by,         "--wave", YEAR,     "--format",  "csv",   "--no-store", prop ? "--stat" : NULL,
        "prop",     NULL};
    char *out = run(args);
    sqlite3_stmt *ins = NULL;
    int nby = strchr(by, ',') ? 2 : 1;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(m,
                                             "INSERT INTO cli VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                             "?7, ?8)",
                                             -1, &ins, NULL),
                          SQLITE_OK);
    char *save = NULL;
    int header = 1;
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[32];
        int n = fields(line, f, 32);
        if (header || n < nby + 10) {
            header = 0;
            continue;
        }
        char dom[64];
        snprintf(dom, sizeof dom, nby == 2 ? "%s\x1f%s" : "%s", f[0], f[1]);
        const char **g = (const char **)f + nby; /* variable, category, estimate, se, lo, hi, df,
                                                     deff, n */
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, by, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, dom, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, g[0], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 4, g[1], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 5, g[2], -1, SQLITE_TRANSIENT); /* text: strtod reads it */
        sqlite3_bind_text(ins, 6, g[4], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 7, g[5], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 8, atol(g[8]));
        CU_ASSERT_EQUAL(sqlite3_step(ins), SQLITE_DONE);
    }
    sqlite3_finalize(ins);
    free(out);
}

/* The scratch database: every city's model (table model), the CLI's estimates (cli); made
 * once, kept for every test of the run. */
static sqlite3 *scratch_db;
static sqlite3 *make_scratch(void);
static sqlite3 *scratch(void) {
    if (!scratch_db)
        scratch_db = make_scratch();
    return scratch_db;
}

static sqlite3 *make_scratch(void) {
    static const char *const means = "aware_share,sat_index,sat_cc,sat_eu,sat_pc,sat_rd,"
                                     "sat_ol,sat_vt,sat_cb,sat_st";
    static const char *const props = "participated,sat_top2,aware_cc,aware_eu,aware_pc,"
                                     "aware_rd,aware_ol,aware_vt,aware_cb,aware_st,use_cc,"
                                     "use_eu,use_pc,use_rd,use_ol,use_vt,use_cb,use_st";
    sqlite3 *m = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(":memory:", &m), SQLITE_OK);
    exec(m, "CREATE TABLE model(city TEXT, dir TEXT, json TEXT);"
            "CREATE TABLE cli(by_vars TEXT, domain TEXT, variable TEXT, category TEXT,"
            " est TEXT, lo TEXT, hi TEXT, n INTEGER)");
    load_estimates(m, means, "city", 0);
    load_estimates(m, props, "city", 1);
    load_estimates(m, "aware_share,sat_index", "city,sex", 0);
    load_estimates(m, "participated", "city,sex", 1);
    load_estimates(m, "aware_share,sat_index", "city,age_band", 0);
    load_estimates(m, "participated", "city,age_band", 1);
    sqlite3_stmt *ins = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(m, "INSERT INTO model VALUES (?1, ?2, ?3)", -1, &ins, NULL), SQLITE_OK);
    for (size_t i = 0; i < NCITY; i++) {
        char dir[900], json[1000];
        snprintf(dir, sizeof dir, "%s/r_%s", demo_dir, cities[i]);
        snprintf(json, sizeof json, "%s/model_%s.json", demo_dir, cities[i]);
        const char *args[] = {"report", demo_db, "--city",  cities[i], "--year", YEAR,
                              "--out",  dir,     "--model", json,      NULL};
        free(run(args));
        char *text = lcmt_slurp(json, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, cities[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, dir, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, text, -1, free);
        CU_ASSERT_EQUAL(sqlite3_step(ins), SQLITE_DONE);
    }
    sqlite3_finalize(ins);
    /* every cell of every model that came from a survey estimate, with the CLI's row */
    exec(m, "CREATE TABLE cells AS SELECT model.city AS city, model.dir AS dir,"
            " json_extract(t.value, '$.ref.variable') AS variable,"
            " json_extract(t.value, '$.ref.kind') AS kind,"
            " json_extract(t.value, '$.ref.category') AS category,"
            " json_extract(t.value, '$.ref.by') AS by_vars,"
            " json_extract(t.value, '$.ref.domain') AS domain,"
            " json_extract(t.value, '$.ref.scale') AS scale,"
            " json_extract(t.value, '$.ref.shift') AS shift,"
            " json_extract(t.value, '$.value') AS value, json_extract(t.value, '$.lo') AS lo,"
            " json_extract(t.value, '$.hi') AS hi, json_extract(t.value, '$.decimals') AS dec,"
            " json_extract(t.value, '$.n') AS n, json_extract(t.value, '$.suppressed') AS supp"
            " FROM model, json_tree(model.json) t WHERE t.type = 'object'"
            " AND json_extract(t.value, '$.ref.stat') = 'estimate'");
    return m;
}

static void fmt(char *buf, size_t cap, int dec, double v) {
    snprintf(buf, cap, "%.*f", dec, v);
}

/* Survey cells: value and interval as the CLI gives them (scaled as the cell says), n,
 * and suppressed exactly when n < min_n; the HTML shows the same printed text. */
static void model__survey_cells_equal_lcmon_estimate(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(
            m,
            "SELECT c.city, c.dir, c.variable, c.value, c.lo, c.hi, c.dec, c.n, c.supp,"
            " c.scale, c.shift, k.est, k.lo, k.hi, k.n, k.category"
            " FROM cells c LEFT JOIN cli k ON k.by_vars = c.by_vars AND k.domain = c.domain AND"
            " k.variable = c.variable AND (c.kind = 'mean' OR k.category = c.category)",
            -1, &st, NULL),
        SQLITE_OK);
    long checked = 0, suppressed = 0, shown = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *var = (const char *)sqlite3_column_text(st, 2);
        int dec = sqlite3_column_int(st, 6);
        long n = sqlite3_column_int64(st, 7);
        int supp = sqlite3_column_int(st, 8);
        double scale = sqlite3_column_double(st, 9), shift = sqlite3_column_double(st, 10);
        checked++;
        if (sqlite3_column_type(st, 11) == SQLITE_NULL) { /* not estimated: no data shown */
            CU_ASSERT_EQUAL(sqlite3_column_type(st, 3), SQLITE_NULL);
            continue;
        }
        CU_ASSERT_EQUAL(n, sqlite3_column_int64(st, 14));
        CU_ASSERT_EQUAL(supp, n < MIN_N);
        if (supp) { /* nothing of it in the model */
            suppressed++;
            CU_ASSERT_EQUAL(sqlite3_column_type(st, 3), SQLITE_NULL);
            CU_ASSERT_EQUAL(sqlite3_column_type(st, 4), SQLITE_NULL);
            CU_ASSERT_EQUAL(sqlite3_column_type(st, 5), SQLITE_NULL);
            continue;
        }
        double want[3], have[3];
        for (int k = 0; k < 3; k++) {
            const char *t = (const char *)sqlite3_column_text(st, 11 + k);
            want[k] = t && *t ? strtod(t, NULL) * scale + shift : NAN;
            have[k] = sqlite3_column_type(st, 3 + k) == SQLITE_NULL
                          ? NAN
                          : sqlite3_column_double(st, 3 + k);
        }
        char a[64], b[64];
        for (int k = 0; k < 3; k++) {
            fmt(a, sizeof a, dec, have[k]);
            fmt(b, sizeof b, dec, want[k]);
            if (strcmp(a, b) != 0)
                fprintf(stderr, "%s %s: model %s, lcmon estimate %s\n", sqlite3_column_text(st, 0),
                        var, a, b);
            CU_ASSERT_STRING_EQUAL(a, b);
        }
        /* the HTML prints the CLI's numbers */
        char html[1200], cellt[200];
        snprintf(html, sizeof html, "%s/city_%s_" YEAR ".html", sqlite3_column_text(st, 1),
                 sqlite3_column_text(st, 0));
        if (isnan(want[1]) || isnan(want[2]))
            snprintf(cellt, sizeof cellt, "%.*f <span class=\"ci\">(—)</span>", dec, want[0]);
        else
            snprintf(cellt, sizeof cellt, "%.*f <span class=\"ci\">(%.*f–%.*f)</span>", dec,
                     want[0], dec, want[1], dec, want[2]);
        char *h = lcmt_slurp(html, NULL);
        LCMT_ASSERT_HAS(h, cellt);
        free(h);
        shown++;
    }
    sqlite3_finalize(st);
    /* the demo has both kinds, in every city: 8 services x 3 + 6 groups x 3 + 4 overall */
    CU_ASSERT_EQUAL(checked, (long)NCITY * (24 + 18 + 4) + /* trend-free comparison: */ 0);
    CU_ASSERT(suppressed > 10);
    CU_ASSERT(shown > 50);
}

/* Column `name` of a CSV header line: its index, or -1. */
static int column(const char *header, const char *name) {
    char buf[1024], *f[64];
    snprintf(buf, sizeof buf, "%s", header);
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    int n = fields(buf, f, 64);
    for (int i = 0; i < n; i++)
        if (strcmp(f[i], name) == 0)
            return i;
    return -1;
}

/* The CSV row whose column key equals want, split into f; 0 when none. */
static int csv_row(char *csv, const char *key, const char *want, char **f, char *buf, size_t cap) {
    int k = column(csv, key), n = 0;
    for (char *line = strchr(csv, '\n'); k >= 0 && line && line[1]; line = strchr(line + 1, '\n')) {
        size_t len = strcspn(line + 1, "\n");
        if (len >= cap)
            continue;
        memcpy(buf, line + 1, len);
        buf[len] = '\0';
        n = fields(buf, f, 64);
        if (k < n && strcmp(f[k], want) == 0)
            return n;
    }
    return 0;
}

/* Scores and tier medians equal `lcmon profile` (2 decimals), ranks `lcmon rank` (overall,
 * by tier), the rank chart's intervals `lcmon rank`. Medians of other peer groups, ranks
 * within the four regions and the strengths and weaknesses: tests/test_advice.c. */
static void model__scores_ranks_strengths_equal_the_cli(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    const char *ra[] = {"rank", demo_db, "--year", YEAR, "--format", "csv", NULL, NULL, NULL};
    char *rank = run(ra);
    ra[6] = "--by", ra[7] = "tier";
    char *rank_tier = run(ra);
    long compared = 0;
    for (size_t i = 0; i < NCITY; i++) {
        const char *c = cities[i];
        const char *pa[] = {"profile", demo_db,    "--city", c,   "--year",
                            YEAR,      "--format", "csv",    NULL};
        char *prof = run(pa);
        sqlite3_stmt *st = NULL;
        CU_ASSERT_EQUAL_FATAL(
            sqlite3_prepare_v2(m,
                               "SELECT json_extract(t.value, '$.ref.stat'),"
                               " json_extract(t.value, '$.ref.indicator'),"
                               " json_extract(t.value, '$.ref.scope'), json_extract(t.value, "
                               "'$.value') FROM model, json_tree(model.json) t WHERE model.city "
                               "= ?1 AND t.type = 'object' AND (json_extract(t.value, "
                               "'$.ref.stat') IN ('score', 'rank') OR json_extract(t.value, "
                               "'$.ref.peers') = 'tier') AND coalesce(json_extract(t.value, "
                               "'$.ref.scope'), '') <> 'region4'",
                               -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, c, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *stat = (const char *)sqlite3_column_text(st, 0);
            const char *ind = (const char *)sqlite3_column_text(st, 1);
            double v =
                sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3);
            char *f[64], buf[4096];
            if (strcmp(stat, "rank") == 0) {
                const char *scope = (const char *)sqlite3_column_text(st, 2);
                char *csv = strcmp(scope, "overall") == 0 ? rank : rank_tier;
                int k = column(csv, "rank");
                CU_ASSERT_FATAL(csv_row(csv, "code", c, f, buf, sizeof buf) > k && k >= 0);
                CU_ASSERT_EQUAL((long)v, atol(f[k]));
            } else if (strcmp(ind, "overall") == 0) {
                int k = column(rank, "score");
                CU_ASSERT_FATAL(csv_row(rank, "code", c, f, buf, sizeof buf) > k && k >= 0);
                CU_ASSERT(fabs(v - strtod(f[k], NULL)) <= 0.005 + 1e-9);
            } else {
                int k = column(prof, strcmp(stat, "score") == 0 ? "score" : "tier_median");
                CU_ASSERT_FATAL(csv_row(prof, "code", ind, f, buf, sizeof buf) > k && k >= 0);
                if (!*f[k]) {
                    CU_ASSERT(isnan(v));
                } else if (fabs(v - strtod(f[k], NULL)) > 0.005 + 1e-9) {
                    fprintf(stderr, "%s %s %s: model %.4f, lcmon profile %s\n", c, ind, stat, v,
                            f[k]);
                    CU_FAIL("score differs from lcmon profile");
                }
            }
            compared++;
        }
        sqlite3_finalize(st);
        free(prof);
        /* the rank chart's intervals */
        char *f[64], buf[4096];
        int kn = column(rank, "city"), k5 = column(rank, "p05"), k95 = column(rank, "p95");
        CU_ASSERT_FATAL(csv_row(rank, "code", c, f, buf, sizeof buf) > k95 && k95 >= 0);
        sqlite3_stmt *rc = NULL;
        CU_ASSERT_EQUAL_FATAL(
            sqlite3_prepare_v2(m,
                               "SELECT json_extract(t.value, '$.p05[' || j.key || ']'),"
                               " json_extract(t.value, '$.p95[' || j.key || ']') FROM model,"
                               " json_tree(model.json) t, json_each(json_extract(t.value,"
                               " '$.labels')) j WHERE model.city = ?1 AND t.type = 'object' AND"
                               " json_extract(t.value, '$.chart') = 'ranks' AND j.value = ?2",
                               -1, &rc, NULL),
            SQLITE_OK);
        sqlite3_bind_text(rc, 1, c, -1, SQLITE_STATIC);
        sqlite3_bind_text(rc, 2, f[kn], -1, SQLITE_STATIC);
        CU_ASSERT_EQUAL_FATAL(sqlite3_step(rc), SQLITE_ROW);
        CU_ASSERT_EQUAL(sqlite3_column_double(rc, 0), strtod(f[k5], NULL));
        CU_ASSERT_EQUAL(sqlite3_column_double(rc, 1), strtod(f[k95], NULL));
        sqlite3_finalize(rc);
    }
    CU_ASSERT(compared > (long)NCITY * 60);
    free(rank), free(rank_tier);
}

/* The changes between waves equal `lcmon estimate --compare-waves` (the design-based test of
 * analysis/svy_change.c: SE sqrt(se1² + se2²), t on Welch-Satterthwaite df), at full
 * precision: before, now, the change in percentage points (not multiplied again), its 95%
 * interval change ± t(df) SE, p, and the finding in words (显著上升/显著下降 when p < 0.05,
 * else 无显著变化); rows named in words, not measure codes. */
static void model__wave_changes_equal_the_design_based_test(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    long compared = 0, words = 0;
    /* each row of the trends table: variable, kind, scale, waves, before, now, change with its
     * interval, p and the finding in words */
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(
            m,
            "SELECT model.city, json_extract(r.value, '$[4].ref.variable'),"
            " json_extract(r.value, '$[4].ref.kind'), json_extract(r.value, '$[4].ref.scale'),"
            " json_extract(r.value, '$[4].ref.y1'), json_extract(r.value, '$[4].ref.y2'),"
            " json_extract(r.value, '$[2].value'), json_extract(r.value, '$[3].value'),"
            " json_extract(r.value, '$[4].value'), json_extract(r.value, '$[4].lo'),"
            " json_extract(r.value, '$[4].hi'), json_extract(r.value, '$[5].value'),"
            " json_extract(r.value, '$[6].text') FROM model,"
            " json_each(json_extract(model.json, '$.sections')) s,"
            " json_each(json_extract(s.value, '$.blocks')) b,"
            " json_each(json_extract(b.value, '$.rows')) r"
            " WHERE json_extract(r.value, '$[4].ref.stat') = 'wave_change'",
            -1, &st, NULL),
        SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *city = (const char *)sqlite3_column_text(st, 0);
        const char *var = (const char *)sqlite3_column_text(st, 1);
        int prop = strcmp((const char *)sqlite3_column_text(st, 2), "prop") == 0;
        double scale = sqlite3_column_double(st, 3);
        char waves[32];
        snprintf(waves, sizeof waves, "%d,%d", sqlite3_column_int(st, 4),
                 sqlite3_column_int(st, 5));
        /* the reference: lcmon estimate --compare-waves, the design-based change test */
        const char *ea[] = {"estimate",
                            demo_db,
                            "--form",
                            "household",
                            "--var",
                            var,
                            "--by",
                            "city",
                            "--compare-waves",
                            waves,
                            "--format",
                            "csv",
                            "--no-store",
                            prop ? "--stat" : NULL,
                            "prop",
                            NULL};
        char *out = run(ea), *f[64], buf[4096];
        char *line = NULL;
        for (char *l = strchr(out, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
            size_t len = strcspn(l + 1, "\n");
            snprintf(buf, sizeof buf, "%.*s", (int)len, l + 1);
            int n = fields(buf, f, 64);
            if (n > 15 && strcmp(f[0], city) == 0 && (!prop || strcmp(f[2], "1") == 0)) {
                line = buf;
                break;
            }
        }
        CU_ASSERT_PTR_NOT_NULL_FATAL(line);
        /* columns: city,variable,category,estimate_Y1,se,n,npsu,estimate_Y2,se,n,npsu,change,
         * se,df,p_value */
        double e1 = strtod(f[3], NULL) * scale, e2 = strtod(f[7], NULL) * scale;
        double diff = strtod(f[11], NULL) * scale, se = strtod(f[12], NULL) * scale;
        double df = strtod(f[13], NULL), p = strtod(f[14], NULL);
        double h = gsl_cdf_tdist_Pinv(0.975, df) * se;
        LCMT_ASSERT_REL(sqlite3_column_double(st, 6), e1, 1e-9);
        LCMT_ASSERT_REL(sqlite3_column_double(st, 7), e2, 1e-9);
        LCMT_ASSERT_REL(sqlite3_column_double(st, 8), diff, 1e-9);
        LCMT_ASSERT_REL(sqlite3_column_double(st, 9), diff - h, 1e-9);
        LCMT_ASSERT_REL(sqlite3_column_double(st, 10), diff + h, 1e-9);
        LCMT_ASSERT_REL(sqlite3_column_double(st, 11), p, 1e-9);
        const char *want = p >= 0.05 ? "无显著变化" : diff > 0 ? "显著上升" : "显著下降";
        CU_ASSERT_STRING_EQUAL(sqlite3_column_text(st, 12), want);
        words += strcmp(want, "无显著变化") != 0;
        compared++;
        free(out);
    }
    sqlite3_finalize(st);
    CU_ASSERT(words > 0); /* the demo has significant changes, and they are named */
    /* 4 measures, 2023-2024 and 2024-2025; one city has a wave on too few respondents */
    CU_ASSERT(compared >= (long)(NCITY - 1) * 8);
    /* a Chinese report names its rows in words: no text cell is a lower-case code */
    st = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(m,
                           "SELECT count(*) FROM model, json_tree(model.json) t WHERE t.key = "
                           "'text' AND t.type = 'text' AND t.atom GLOB '[a-z]*' AND t.atom NOT "
                           "GLOB '*[^a-z_0-9]*'",
                           -1, &st, NULL),
        SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
}

/* Needle of a number as data files print it: its first 6 significant digits (%.10g in .dat
 * files, %.17g in the model start with them); "" when it has fewer than 5 (50, 75.5), which
 * would match anything. */
static void digits(char *out, size_t cap, double v) {
    char s[64];
    snprintf(s, sizeof s, "%.12g", v);
    size_t sig = 0, k = 0, started = 0;
    for (const char *p = s; *p && k + 1 < cap && sig < 6; p++) {
        if (*p == 'e')
            break;
        if (*p >= '1' && *p <= '9')
            started = 1;
        if (*p >= '0' && *p <= '9' && started)
            sig++;
        out[k++] = *p;
    }
    out[k] = '\0';
    if (sig < 5)
        out[0] = '\0';
}

static int file_has(const char *path, const char *needle) {
    size_t len = 0;
    char *data = lcmt_slurp(path, &len);
    int found = 0;
    for (size_t i = 0; data && !found && i + strlen(needle) <= len; i++)
        found = memcmp(data + i, needle, strlen(needle)) == 0;
    if (found)
        fprintf(stderr, "suppressed value '%s' found in %s\n", needle, path);
    free(data);
    return found;
}

/* Every file a report writes (HTML, .dat, SVG, PNG with its text chunks, the model) is
 * searched for every value the model marks suppressed, as `lcmon estimate` gives it. */
static void model__suppressed_values_reach_no_file(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(m,
                           "SELECT c.city, c.dir, c.dec, c.scale, c.shift, k.est, k.lo, k.hi"
                           " FROM cells c JOIN cli k ON k.by_vars = c.by_vars AND k.domain = "
                           "c.domain AND k.variable = c.variable AND (c.kind = 'mean' OR "
                           "k.category = c.category) WHERE c.supp",
                           -1, &st, NULL),
        SQLITE_OK);
    long values = 0, files = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *city = (const char *)sqlite3_column_text(st, 0);
        const char *dir = (const char *)sqlite3_column_text(st, 1);
        int dec = sqlite3_column_int(st, 2);
        double scale = sqlite3_column_double(st, 3), shift = sqlite3_column_double(st, 4);
        double v[3];
        for (int k = 0; k < 3; k++) {
            const char *t = (const char *)sqlite3_column_text(st, 5 + k);
            v[k] = t && *t ? strtod(t, NULL) * scale + shift : NAN;
        }
        char needle[4][96];
        for (int k = 0; k < 3; k++)
            digits(needle[k], sizeof needle[k], v[k]);
        if ((isnan(v[1]) || isnan(v[2])) && v[0] == 0)
            needle[3][0] = '\0'; /* "0.0 (—)" is every shown share of 0: it names no cell */
        else if (isnan(v[1]) || isnan(v[2]))
            snprintf(needle[3], sizeof needle[3], "%.*f <span class=\"ci\">(—)", dec, v[0]);
        else
            snprintf(needle[3], sizeof needle[3], "%.*f <span class=\"ci\">(%.*f–%.*f)", dec, v[0],
                     dec, v[1], dec, v[2]);
        DIR *d = opendir(dir);
        CU_ASSERT_PTR_NOT_NULL_FATAL(d);
        for (struct dirent *e; (e = readdir(d));) {
            if (e->d_name[0] == '.')
                continue;
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            for (int k = 0; k < 4; k++)
                if (needle[k][0])
                    CU_ASSERT_FALSE(file_has(path, needle[k]));
            files++;
        }
        closedir(d);
        char model[1200];
        snprintf(model, sizeof model, "%s/model_%s.json", demo_dir, city);
        for (int k = 0; k < 3; k++)
            if (needle[k][0])
                CU_ASSERT_FALSE(file_has(model, needle[k]));
        values++;
    }
    sqlite3_finalize(st);
    CU_ASSERT(values > 10);
    CU_ASSERT(files > values * 5); /* HTML, PNG, SVG and .dat of every chart */
    /* point 4.2.1 is the mean of awareness, participation and the satisfaction index: with
     * one of them suppressed its value would give it away, so it is not shown either */
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(m,
                           "SELECT model.city, coalesce(json_extract(r.value, '$[2].text'),"
                           " json_extract(r.value, '$[2].value')),"
                           " (SELECT min(n) FROM cli WHERE by_vars = 'city' AND domain ="
                           "  model.city AND variable IN ('aware_share', 'participated',"
                           "  'sat_index') AND category IN ('', '1'))"
                           " FROM model, json_tree(model.json) t,"
                           " json_each(json_extract(t.value, '$.rows')) r WHERE t.type ="
                           " 'object' AND json_extract(t.value, '$.type') = 'table' AND"
                           " json_extract(r.value, '$[0].text') = '4.2.1'",
                           -1, &st, NULL),
        SQLITE_OK);
    int points = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int hidden = strcmp((const char *)sqlite3_column_text(st, 1), "*") == 0;
        CU_ASSERT_EQUAL(hidden, sqlite3_column_int(st, 2) < MIN_N);
        points++;
    }
    sqlite3_finalize(st);
    CU_ASSERT_EQUAL(points, (int)NCITY);
}

/* With --min-n above every city's respondents, every survey cell is suppressed: point
 * 4.2.1's value is hidden, and so is its score, which is the value rescaled (goalposts:
 * value = lo + score (hi - lo) / 100) and would give it back. */
static void model__hidden_survey_point_hides_its_score(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    char dir[900], model[1000];
    snprintf(dir, sizeof dir, "%s/all_hidden", demo_dir);
    snprintf(model, sizeof model, "%s/model.json", dir);
    free(run((const char *[]){"report", demo_db, "--city", cities[0], "--year", YEAR, "--out", dir,
                              "--min-n", "100000", "--model", model, NULL}));
    sqlite3 *m = scratch();
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(m,
                           "SELECT coalesce(json_extract(r.value, '$[2].text'), 'number'),"
                           " coalesce(json_extract(r.value, '$[3].text'), 'number')"
                           " FROM json_tree(?1) t,"
                           " json_each(json_extract(t.value, '$.rows')) r WHERE t.type ="
                           " 'object' AND json_extract(t.value, '$.type') = 'table' AND"
                           " json_extract(r.value, '$[0].text') = '4.2.1'",
                           -1, &st, NULL),
        SQLITE_OK);
    char *json = lcmt_slurp(model, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(json);
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0), "*");
        CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 1), "*");
        rows++;
    }
    sqlite3_finalize(st);
    free(json);
    CU_ASSERT_EQUAL(rows, 1);
}

/* Charts say in their caption what their legend and data say: the importance-performance
 * quadrant named for improvement is where its points are (upper left: important, low
 * performance), and a median line is named as the caption names it. */
static void model__captions_say_what_the_chart_draws(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(m,
                           "SELECT model.city, json_extract(t.value, '$.chart'), "
                           "json_extract(t.value, '$.caption'), json_extract(t.value, "
                           "'$.median_name'), json_extract(t.value, '$.quadrants[1]'), t.value"
                           " FROM model, json_tree(model.json) t WHERE t.type = 'object' AND"
                           " json_extract(t.value, '$.type') = 'chart'",
                           -1, &st, NULL),
        SQLITE_OK);
    int ipa = 0, medians = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        const char *caption = (const char *)sqlite3_column_text(st, 2);
        const char *median = (const char *)sqlite3_column_text(st, 3);
        if (median) {
            LCMT_ASSERT_HAS(caption, median);
            medians++;
        }
        if (strcmp(kind, "ipa") == 0) {
            char want[128];
            snprintf(want, sizeof want, "左上象限（重要性高、表现低）为“%s”",
                     sqlite3_column_text(st, 4));
            LCMT_ASSERT_HAS(caption, want);
            /* and the chart puts the points there: its data file's quadrant 1 rows */
            char dat[1200];
            sqlite3_stmt *d = NULL;
            sqlite3_prepare_v2(m, "SELECT dir FROM model WHERE city = ?1", -1, &d, NULL);
            sqlite3_bind_text(d, 1, (const char *)sqlite3_column_text(st, 0), -1, SQLITE_TRANSIENT);
            CU_ASSERT_EQUAL(sqlite3_step(d), SQLITE_ROW);
            snprintf(dat, sizeof dat, "%s/city_%s_" YEAR "_ipa.dat", sqlite3_column_text(d, 0),
                     sqlite3_column_text(st, 0));
            sqlite3_finalize(d);
            char *text = lcmt_slurp(dat, NULL);
            CU_ASSERT_PTR_NOT_NULL_FATAL(text);
            double xcut, ycut;
            sqlite3_stmt *c = NULL;
            sqlite3_prepare_v2(m, "SELECT json_extract(?1, '$.xcut'), json_extract(?1, '$.ycut')",
                               -1, &c, NULL);
            sqlite3_bind_text(c, 1, (const char *)sqlite3_column_text(st, 5), -1, SQLITE_TRANSIENT);
            CU_ASSERT_EQUAL(sqlite3_step(c), SQLITE_ROW);
            xcut = sqlite3_column_double(c, 0), ycut = sqlite3_column_double(c, 1);
            sqlite3_finalize(c);
            int rows = 0;
            for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
                double x, y;
                int q;
                if (line[0] == '#' || sscanf(line, "%lf %lf %d", &x, &y, &q) != 3)
                    continue;
                CU_ASSERT_EQUAL(q == 1, x < xcut && y >= ycut);
                rows++;
            }
            CU_ASSERT(rows >= 2);
            free(text);
            ipa++;
        }
    }
    sqlite3_finalize(st);
    CU_ASSERT(ipa >= 1);                  /* the demo has one (5403) */
    CU_ASSERT(medians >= (int)NCITY * 2); /* radar and comparison of every city */
}

/* The national report's coverage table equals `lcmon network coverage`. */
static void model__national_coverage_equals_lcmon_network_coverage(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    char dir[900], json[1000];
    snprintf(dir, sizeof dir, "%s/national", demo_dir);
    snprintf(json, sizeof json, "%s/national.json", demo_dir);
    const char *args[] = {"report", demo_db,   "--national", "--year",   YEAR, "--out",
                          dir,      "--model", json,         "--no-svg", NULL};
    free(run(args));
    const char *ca[] = {"network", "coverage", demo_db, "--year", YEAR, "--format", "csv", NULL};
    char *cov = run(ca);
    char *text = lcmt_slurp(json, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    sqlite3 *m = NULL;
    sqlite3_stmt *st = NULL;
    sqlite3_open(":memory:", &m);
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(m,
                           "SELECT json_extract(t.value, '$.ref.key'), json_extract(t.value, "
                           "'$.ref.field'), json_extract(t.value, '$.value') FROM "
                           "json_tree(?1) t WHERE t.type = 'object' AND json_extract(t.value, "
                           "'$.ref.stat') = 'coverage'",
                           -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    int compared = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        const char *field = (const char *)sqlite3_column_text(st, 1);
        double v = sqlite3_column_double(st, 2);
        char *f[64], buf[4096];
        int k = column(cov, field);
        CU_ASSERT_FATAL(k >= 0 && csv_row(cov, "code", key, f, buf, sizeof buf) > k);
        char have[32], want[32]; /* as printed: one decimal for the percentage */
        snprintf(have, sizeof have, "%.1f", v);
        snprintf(want, sizeof want, "%.1f", strtod(f[k], NULL));
        CU_ASSERT_STRING_EQUAL(have, want);
        compared++;
    }
    /* east, central, west, east+central: 4 numbers each (admitted, cities, coverage, still
     * needed), the nation 3 (no target); each province with prefecture-level cities 4 */
    int provinces = 0;
    for (const char *p = cov; (p = strstr(p, "\nprovince,")); p++)
        provinces++;
    CU_ASSERT(provinces >= 27);
    CU_ASSERT_EQUAL(compared, 4 * 4 + 3 + provinces * 4);
    sqlite3_finalize(st);
    sqlite3_close(m);
    free(text);
    free(cov);
}

/* Texts: ranks, methods and sources as sentences; no raw JSON, no tool names. */
static void model__texts_are_sentences(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    for (size_t i = 0; i < NCITY; i++) {
        char json[1000];
        snprintf(json, sizeof json, "%s/model_%s.json", demo_dir, cities[i]);
        char *text = lcmt_slurp(json, NULL);
        if (!text) { /* made by the other tests; make it here when run alone */
            scratch();
            text = lcmt_slurp(json, NULL);
        }
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        CU_ASSERT_PTR_NULL(strstr(text, "\\\"normalise\\\"")); /* the run's raw JSON */
        CU_ASSERT_PTR_NULL(strstr(text, "lcmon simulate ("));  /* a source as a code */
        CU_ASSERT_PTR_NULL(strstr(text, "表示无数据"));        /* background points have values */
        CU_ASSERT_PTR_NULL(strstr(text, "（±"));               /* intervals, not half-widths */
        for (int r = 1; r <= 6; r++) {                         /* "第36至第36名" */
            char same[64];
            snprintf(same, sizeof same, "第%d至第%d名", r, r);
            CU_ASSERT_PTR_NULL(strstr(text, same));
        }
        free(text);
    }
}

/* The expert-rating tables (national: agreement and severity; city: reviewers' mean and the
 * severity-adjusted mean) equal the engine's own lcm_rating_stats_compute on the same store. */
static void model__rating_cells_equal_the_engine(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    char dir[900], json[1000];
    snprintf(dir, sizeof dir, "%s/national_r", demo_dir);
    snprintf(json, sizeof json, "%s/national_r.json", demo_dir);
    const char *args[] = {"report", demo_db,   "--national", "--year",   YEAR, "--out",
                          dir,      "--model", json,         "--no-svg", NULL};
    free(run(args));
    lcm_db *db = NULL;
    lcm_err err = {0};
    lcm_rating_stats s;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(demo_db, LCM_OPEN_READONLY, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_rating_stats_compute(db, 2025, LCM_RATING_BOOT, &s, &err), LCM_OK);
    lcm_db_close(db);
    sqlite3 *m = NULL;
    sqlite3_stmt *st = NULL;
    sqlite3_open(":memory:", &m);
    char *text = lcmt_slurp(json, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(m,
                           "SELECT json_extract(t.value, '$.ref.stat'), coalesce(json_extract("
                           "t.value, '$.ref.indicator'), json_extract(t.value, '$.ref.reviewer')),"
                           " json_extract(t.value, '$.ref.field'), json_extract(t.value, "
                           "'$.value'), json_extract(t.value, '$.lo'), json_extract(t.value, "
                           "'$.hi') FROM json_tree(?1) t WHERE t.type = 'object' AND "
                           "json_extract(t.value, '$.ref.stat') GLOB 'rating_*'",
                           -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    int compared = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *stat = (const char *)sqlite3_column_text(st, 0);
        const char *key = (const char *)sqlite3_column_text(st, 1);
        const char *field = (const char *)sqlite3_column_text(st, 2);
        double v = sqlite3_column_double(st, 3);
        double lo = sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4);
        if (strcmp(stat, "rating_severity") == 0) {
            for (size_t r = 0; r < s.nsev; r++)
                if (strcmp(s.sev[r].reviewer, key) == 0) {
                    CU_ASSERT(fabs(v - s.sev[r].effect) <= 1e-12);
                    compared++;
                }
            continue;
        }
        const lcm_rating_rel *rel = NULL;
        for (size_t i = 0; i < s.nrel; i++)
            if (strcmp(s.rel[i].code, key) == 0)
                rel = &s.rel[i];
        CU_ASSERT_PTR_NOT_NULL_FATAL(rel);
        double want = NAN, want_lo = NAN;
        if (strcmp(field, "icc1") == 0)
            want = rel->icc.icc1, want_lo = rel->icc.lo1;
        else if (strcmp(field, "icck") == 0)
            want = rel->icc.icck, want_lo = rel->icc.lok;
        else if (strcmp(field, "alpha") == 0)
            want = rel->alpha, want_lo = rel->alpha_lo;
        else if (strcmp(field, "ncity") == 0)
            want = (double)rel->ncity;
        else if (strcmp(field, "nreviewer") == 0)
            want = (double)rel->nreviewer;
        CU_ASSERT(fabs(v - want) <= 1e-12 * fmax(1, fabs(want)));
        if (!isnan(want_lo))
            CU_ASSERT(fabs(lo - want_lo) <= 1e-12);
        compared++;
    }
    sqlite3_finalize(st);
    free(text);
    /* 18 points and the overall row, 5 numbers each; every reviewer */
    CU_ASSERT_EQUAL(compared, 19 * 5 + (int)s.nsev);
    /* each city's table: the reviewers' mean and the adjusted mean of every rating point */
    compared = 0;
    for (size_t i = 0; i < NCITY; i++) {
        snprintf(dir, sizeof dir, "%s/r_rt_%s", demo_dir, cities[i]);
        snprintf(json, sizeof json, "%s/model_rt_%s.json", demo_dir, cities[i]);
        const char *ca[] = {"report", demo_db, "--city",  cities[i], "--year",   YEAR,
                            "--out",  dir,     "--model", json,      "--no-svg", NULL};
        free(run(ca));
        text = lcmt_slurp(json, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(m,
                                                 "SELECT json_extract(t.value, '$.ref.indicator'),"
                                                 " json_extract(t.value, '$.ref.field'), "
                                                 "json_extract(t.value, '$.value') FROM "
                                                 "json_tree(?1) t WHERE t.type = 'object' AND "
                                                 "json_extract(t.value, '$.ref.stat') = "
                                                 "'rating_mean'",
                                                 -1, &st, NULL),
                              SQLITE_OK);
        sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *point = (const char *)sqlite3_column_text(st, 0);
            const char *field = (const char *)sqlite3_column_text(st, 1);
            double v = sqlite3_column_double(st, 2);
            const lcm_rating_mean *mean = NULL;
            for (size_t k = 0; k < s.nmean; k++)
                if (strcmp(s.mean[k].city, cities[i]) == 0 && strcmp(s.mean[k].point, point) == 0)
                    mean = &s.mean[k];
            CU_ASSERT_PTR_NOT_NULL_FATAL(mean);
            double want = strcmp(field, "raw") == 0 ? mean->raw : mean->adjusted;
            CU_ASSERT(fabs(v - want) <= 1e-9);
            compared++;
        }
        sqlite3_finalize(st);
        free(text);
    }
    CU_ASSERT_EQUAL(compared, (int)(NCITY * 18 * 2));
    lcm_rating_stats_free(&s);
    sqlite3_close(m);
}

/* Output of the program argv[0] (found on PATH, run without a shell), malloc'd; NULL when
 * it cannot run or fails. */
static char *tool_output(const char *const *argv) {
    int fd[2];
    if (pipe(fd) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]), close(fd[1]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    size_t n = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    ssize_t k;
    while (buf && (k = read(fd[0], buf + n, cap - n - 1)) > 0)
        if ((n += (size_t)k) + 1 == cap) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown)
                free(buf);
            buf = grown;
        }
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!buf || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return free(buf), NULL;
    buf[n] = '\0';
    return buf;
}

static int count_in(const char *hay, const char *needle) {
    int k = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)) != NULL; p++)
        k++;
    return k;
}

/* The contents of a printed report (page 1) give each section's page: for every section
 * heading of the HTML, the first page with a line reading just that heading (besides the
 * contents' own line on page 1) is the number after it in the contents (pdftotext -layout:
 * "一、总体情况      1"). */
static void pdf_contents_pages_are_right(const char *html, const char *pdf, int pages) {
    char *toc = tool_output((const char *[]){"pdftotext", "-layout", "-l", "1", pdf, "-", NULL});
    char **page = calloc((size_t)pages + 1, sizeof *page);
    CU_ASSERT_PTR_NOT_NULL_FATAL(toc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    for (int i = 1; i <= pages; i++) {
        char no[16];
        snprintf(no, sizeof no, "%d", i);
        page[i] = tool_output((const char *[]){"pdftotext", "-f", no, "-l", no, pdf, "-", NULL});
    }
    int sections = 0;
    for (const char *p = html; (p = strstr(p, "<section id=\"s")) != NULL; p++) {
        const char *h = strstr(p, "<h2>"), *e = h ? strstr(h, "</h2>") : NULL;
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        char line[400];
        snprintf(line, sizeof line, "\n%.*s\n", (int)(e - h - 4), h + 4);
        /* Page 1 also holds the contents, where every heading is a line of its own: there
         * the heading must be found twice. */
        int at = 0;
        for (int i = 1; i <= pages && !at; i++)
            if (page[i] &&
                count_in(page[i], line) + (strncmp(page[i], line + 1, strlen(line + 1)) == 0) >=
                    (i == 1 ? 2 : 1))
                at = i;
        CU_ASSERT(at > 0);
        /* in the contents: the heading, spaces, its page number, then a space or line end */
        line[strlen(line) - 1] = '\0';
        const char *t = strstr(toc, line + 1);
        if (!t)
            fprintf(stderr, "\n  contents lack '%s'\n", line + 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        t += strlen(line + 1);
        while (*t == ' ')
            t++;
        char *end;
        long shown = strtol(t, &end, 10);
        if (shown != at)
            fprintf(stderr, "\n  '%s' is on page %d, the contents say %ld\n", line + 1, at, shown);
        CU_ASSERT_EQUAL(shown, at);
        CU_ASSERT(*end == ' ' || *end == '\n');
        sections++;
    }
    CU_ASSERT(sections >= 5);
    for (int i = 1; i <= pages; i++)
        free(page[i]);
    free(page), free(toc);
}

/* --pdf: the city report printed by Chromium is A4, every page says "i / N" with N the
 * PDF's page count, the table of contents is on page 1 with the page of each section, the
 * charts are vector graphics (no image at all in the PDF: pdfimages lists none), no
 * printing copy is left behind, and the overall score sentence of the HTML (checked
 * against the engine above) reads the same in the PDF. */
static void model__pdf_has_its_pages_and_numbers(void) {
    const char *db = demo();
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    char out[900], html[1000], pdf[1000];
    snprintf(out, sizeof out, "%s/pdf", demo_dir);
    char *stdout_text = run((const char *[]){"report", db, "--city", "4405", "--year", "2025",
                                             "--out", out, "--no-svg", "--pdf", NULL});
    free(stdout_text);
    snprintf(html, sizeof html, "%s/city_4405_2025.html", out);
    snprintf(pdf, sizeof pdf, "%s/city_4405_2025.pdf", out);
    char *info = tool_output((const char *[]){"pdfinfo", pdf, NULL});
    if (!info)
        fprintf(stderr, "\n  pdfinfo (poppler-utils) could not read '%s'\n", pdf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(info);
    int pages = 0;
    const char *p = strstr(info, "Pages:");
    if (p)
        pages = atoi(p + 6);
    CU_ASSERT(pages >= 3);
    LCMT_ASSERT_HAS(info, "(A4)");
    free(info);
    for (int i = 1; i <= pages; i++) {
        char page[16], footer[32];
        snprintf(page, sizeof page, "%d", i);
        snprintf(footer, sizeof footer, "%d / %d", i, pages);
        char *text =
            tool_output((const char *[]){"pdftotext", "-f", page, "-l", page, pdf, "-", NULL});
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        if (!lcmt_has(text, footer))
            fprintf(stderr, "\n  page %d has no '%s'\n", i, footer);
        CU_ASSERT(lcmt_has(text, footer));
        if (i == 1) {
            LCMT_ASSERT_HAS(text, "目录");
            LCMT_ASSERT_HAS(text, "学习型城市建设监测反馈报告");
            /* the contents list the headings as numbered ("一、总体情况"), not "1. 一、…" */
            LCMT_ASSERT_HAS(text, "一、总体情况");
            CU_ASSERT(!lcmt_has(text, "1. 一、"));
        }
        free(text);
    }
    /* The score sentence: "综合得分47.3" as the HTML has it. */
    char *h = lcmt_slurp(html, NULL),
         *all = tool_output((const char *[]){"pdftotext", pdf, "-", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(all);
    const char *at = strstr(h, "综合得分");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    char want[64];
    size_t n = strlen("综合得分");
    while (at[n] && (at[n] == '.' || (at[n] >= '0' && at[n] <= '9')))
        n++;
    snprintf(want, sizeof want, "%.*s", (int)n, at);
    CU_ASSERT(strlen(want) > strlen("综合得分"));
    LCMT_ASSERT_HAS(all, want);
    pdf_contents_pages_are_right(h, pdf, pages);
    /* charts as vectors: pdfimages lists its two header lines and no image */
    char *images = tool_output((const char *[]){"pdfimages", "-list", pdf, NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(images);
    if (lcmt_count_lines(images) != 2)
        fprintf(stderr, "\n  raster images in the PDF:\n%s\n", images);
    CU_ASSERT_EQUAL(lcmt_count_lines(images), 2);
    CU_ASSERT(count_in(all, "\xE5\x9B\xBE ") >= 3); /* the figures are there ("图 N") */
    char copy[1100];
    snprintf(copy, sizeof copy, "%s/city_4405_2025.print.html", out);
    CU_ASSERT_NOT_EQUAL(access(copy, F_OK), 0);
    free(images);
    /* the national report too: its heat map (an image plot) is rectangles, not pixels */
    free(run((const char *[]){"report", db, "--national", "--year", "2025", "--out", out, "--pdf",
                              NULL}));
    snprintf(pdf, sizeof pdf, "%s/national_2025.pdf", out);
    images = tool_output((const char *[]){"pdfimages", "-list", pdf, NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(images);
    if (lcmt_count_lines(images) != 2)
        fprintf(stderr, "\n  raster images in the national PDF:\n%s\n", images);
    CU_ASSERT_EQUAL(lcmt_count_lines(images), 2);
    free(images);
    free(h), free(all);
    /* Without a browser: a clear message before any work, no report written. */
    char *err = NULL;
    setenv("LCMON_CHROMIUM", "/nonexistent/chromium", 1);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"report", db, "--city", "4405", "--year", "2025",
                                              "--out", out, "--pdf", NULL},
                             NULL, NULL, &err),
                    1);
    LCMT_ASSERT_HAS(err, "--pdf needs chromium");
    unsetenv("LCMON_CHROMIUM");
    free(err);
}

/* Field k of the first data row of `lcmon compare --format csv` output, as a number. */
static double csv_num(const char *out, int k) {
    const char *p = out ? strchr(out, '\n') : NULL;
    for (p = p ? p + 1 : NULL; p && k > 0; k--) {
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    return p && *p != ',' && *p != '\n' ? strtod(p, NULL) : NAN;
}

/* "Which groups lag" (docs/compare.md §4): every gap cell equals `lcmon compare --ttest V
 * --group G --group-level g --where city=C` on the same database, the adjusted p-values are
 * Holm over the groups listed for the measure, and the words name exactly the groups whose
 * gap is negative with an adjusted p below 0.05. */
static void model__group_gaps_equal_lcmon_compare(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    sqlite3 *m = scratch();
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(
            m,
            "SELECT model.city, json_extract(t.value, '$.ref.variable') AS v,"
            " json_extract(t.value, '$.ref.by'), json_extract(t.value, '$.ref.group'),"
            " json_extract(t.value, '$.ref.scale'), t.key, json_extract(t.value, '$.value'),"
            " json_extract(t.value, '$.lo'), json_extract(t.value, '$.hi')"
            " FROM model, json_tree(model.json) t WHERE t.type = 'object' AND"
            " json_extract(t.value, '$.ref.stat') = 'group_gap' ORDER BY model.city, v, t.id",
            -1, &st, NULL),
        SQLITE_OK);
    int compared = 0;
    char last[64] = "";
    double p[64], adj[64], shown[64], diff[64], last_diff = NAN;
    size_t np = 0;
    int lagging = 0, none = 0; /* groups that lag, measures where none does */
    for (int more = 1; more;) {
        more = sqlite3_step(st) == SQLITE_ROW;
        char key[64] = "";
        if (more)
            snprintf(key, sizeof key, "%s/%s", sqlite3_column_text(st, 0),
                     sqlite3_column_text(st, 1));
        if (strcmp(key, last) != 0 && np) { /* the measure's groups are complete: Holm */
            CU_ASSERT_EQUAL(lcm_p_adjust(p, np, LCM_PADJ_HOLM, adj), LCM_OK);
            int lag = 0;
            for (size_t i = 0; i < np; i++) {
                CU_ASSERT(fabs(shown[i] - adj[i]) <= 1e-9 * fmax(1e-300, adj[i]));
                lag += diff[i] < 0 && adj[i] < 0.05;
            }
            lagging += lag, none += lag == 0;
            np = 0;
        }
        snprintf(last, sizeof last, "%s", key);
        if (!more)
            break;
        const char *city = (const char *)sqlite3_column_text(st, 0);
        const char *var = (const char *)sqlite3_column_text(st, 1);
        const char *by = (const char *)sqlite3_column_text(st, 2);
        const char *grp = (const char *)sqlite3_column_text(st, 3);
        double scale = sqlite3_column_double(st, 4), v = sqlite3_column_double(st, 6);
        int col = sqlite3_column_int(st, 5);
        char where[64];
        snprintf(where, sizeof where, "city=%s", city);
        const char *args[] = {
            "compare",  demo_db,   "--form", "household",     "--wave", YEAR,      "--ttest",
            var,        "--group", by,       "--group-level", grp,      "--where", where,
            "--format", "csv",     NULL};
        char *out = run(args);
        /* csv: contrast, mean_1 (the rest), mean_2 (the group), difference, se, ci_low,
         * ci_high, t, df, p_value */
        double want = col == 2   ? csv_num(out, 2) * scale
                      : col == 3 ? csv_num(out, 1) * scale
                      : col == 4 ? csv_num(out, 3) * scale
                                 : NAN;
        if (col == 4)
            last_diff = v;
        if (col == 5) {
            diff[np] = last_diff, p[np] = csv_num(out, 9), shown[np++] = v;
        } else {
            CU_ASSERT(fabs(v - want) <= 1e-9 * fmax(1, fabs(want)));
        }
        if (col == 4) {
            CU_ASSERT(fabs(sqlite3_column_double(st, 7) - csv_num(out, 5) * scale) <= 1e-9 * scale);
            CU_ASSERT(fabs(sqlite3_column_double(st, 8) - csv_num(out, 6) * scale) <= 1e-9 * scale);
            compared++;
        }
        free(out);
    }
    sqlite3_finalize(st);
    CU_ASSERT(compared >= 10);
    /* the words: one sentence per lagging group, one "none" sentence per measure without */
    const char *like[2] = {"%比本市其他居民低%", "%没有哪个群体显著低于本市其他居民%"};
    const int want[2] = {lagging, none};
    for (int k = 0; k < 2; k++) {
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(m,
                                                 "SELECT count(*) FROM model, json_tree(model.json)"
                                                 " t WHERE t.type = 'text' AND t.atom LIKE ?1",
                                                 -1, &st, NULL),
                              SQLITE_OK);
        sqlite3_bind_text(st, 1, like[k], -1, SQLITE_STATIC);
        CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
        CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), want[k]);
        if (k == 0)
            sqlite3_finalize(st);
    }
    sqlite3_finalize(st);
}

/* The words for a group that lags, from a stored gap: a copy of the demo database whose
 * rural residents of one city are given a clear gap (the simulated groups do not lag). */
static void model__lagging_group_is_named_with_its_gap(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    size_t len = 0;
    char *bytes = lcmt_slurp(demo_db, &len), db[900], dir[900], json[1000];
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    snprintf(db, sizeof db, "%s", lcmt_tmp("lagging.db"));
    lcmt_write(db, bytes, len);
    free(bytes);
    sqlite3 *h = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db, &h), SQLITE_OK);
    exec(h, "UPDATE group_gaps SET mean_group = mean_rest - 0.25, diff = -0.25, ci_low = -0.35,"
            " ci_high = -0.15, p = 1e-6, n_group = 50, n_rest = 50 WHERE city_code = '4405'"
            " AND year = " YEAR " AND variable = 'participated' AND by_var = 'community_type'"
            " AND grp = 'vc'");
    CU_ASSERT_EQUAL(sqlite3_changes(h), 1);
    sqlite3_close(h);
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("lagging_report"));
    snprintf(json, sizeof json, "%s/model.json", dir);
    const char *args[] = {"report", db,  "--city",  "4405", "--year", YEAR,
                          "--out",  dir, "--model", json,   NULL};
    free(run(args));
    char *model = lcmt_slurp(json, NULL);
    /* 25.0 points below, interval 15.0 to 35.0 (the gap's bounds negated); Holm on p = 1e-6
     * over the few groups listed stays below 0.001 */
    LCMT_ASSERT_HAS(model, "参与率：农村（村委会）居民比本市其他居民低25.0个百分点"
                           "（95%置信区间：15.0至35.0；Holm校正p<0.001）");
    free(model);
}

const lcmt_case lcmt_report_model_cases[] = {
    {"pdf_has_its_pages_and_numbers", model__pdf_has_its_pages_and_numbers},
    {"rating_cells_equal_the_engine", model__rating_cells_equal_the_engine},
    {"survey_cells_equal_lcmon_estimate", model__survey_cells_equal_lcmon_estimate},
    {"scores_ranks_strengths_equal_the_cli", model__scores_ranks_strengths_equal_the_cli},
    {"wave_changes_equal_the_design_based_test", model__wave_changes_equal_the_design_based_test},
    {"suppressed_values_reach_no_file", model__suppressed_values_reach_no_file},
    {"hidden_survey_point_hides_its_score", model__hidden_survey_point_hides_its_score},
    {"captions_say_what_the_chart_draws", model__captions_say_what_the_chart_draws},
    {"national_coverage_equals_lcmon_network_coverage",
     model__national_coverage_equals_lcmon_network_coverage},
    {"texts_are_sentences", model__texts_are_sentences},
    {"group_gaps_equal_lcmon_compare", model__group_gaps_equal_lcmon_compare},
    {"lagging_group_is_named_with_its_gap", model__lagging_group_is_named_with_its_gap},
    {NULL, NULL},
};
