/*
 * test_advice.c - the city report's advice (issue 18), checked against the store and the
 * seed, not against the report's own code:
 *   - surveys/seed_measures.csv maps each of the framework's 43 points to the seed, every
 *     heading and quote found verbatim in surveys/seed/learning-city-guide.txt;
 *   - the peer group (same tier if it has >= 4 monitored cities, else same region of four,
 *     else all), its medians and the city's rank within its region of four;
 *   - strengths and weaknesses: each point's value (score_results: basis, else raw), the
 *     peers' median and top quartile (R's quantile type 7, computed here), the interval
 *     (docs/advice.md; survey: value ± 1.96 sqrt(ΣSE²)/3 from survey_measures; rating: mean ±
 * t(k-1) sd/sqrt(k) from ratings_counted; statistics: a 10% margin of the median), and which points
 * the report lists on each side;
 *   - for each weakness the quote of the seed, the nearest peer city and the target;
 *   - the survey group that lags most, and the survey's methods (respondents,
 *     communities, design effect, the population the weights add up to).
 * One small demo (`lcmon demo --cities 6 --households 100 --mc 100`) is made per run.
 */
#include "field.h"
#include "testing.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YEAR 2025
#define MIN_PEERS 4

static const char *const cities[] = {"1309", "1401", "4101", "4405", "5329", "5403"};
#define NCITY (sizeof cities / sizeof cities[0])

static char dir[700], dbpath[800];

static const char *demo(void) {
    static int state;
    if (state == 0) {
        snprintf(dir, sizeof dir, "%s", lcmt_tmp("advice_demo"));
        snprintf(dbpath, sizeof dbpath, "%s/demo.db", dir);
        const char *args[] = {"demo",         "--out", dir,    "--cities", "6",
                              "--households", "100",   "--mc", "100",      NULL};
        char *err = NULL;
        state = lcmt_run(args, NULL, NULL, &err) == 0 ? 1 : -1;
        if (state < 0)
            fprintf(stderr, "demo failed: %s\n", err ? err : "");
        free(err);
    }
    return state == 1 ? dbpath : NULL;
}

/* The model of a city's report (JSON text, malloc'd), written once per city and language. */
static char *model(const char *city, const char *lang) {
    char out[900], json[1000];
    snprintf(out, sizeof out, "%s/r_%s_%s", dir, city, lang);
    snprintf(json, sizeof json, "%s/model_%s_%s.json", dir, city, lang);
    char *text = lcmt_slurp(json, NULL);
    if (text)
        return text;
    const char *args[] = {"report", dbpath,    "--city", city,     "--year", "2025", "--out",
                          out,      "--model", json,     "--lang", lang,     NULL};
    char *err = NULL;
    int rc = lcmt_run(args, NULL, NULL, &err);
    if (rc != 0)
        fprintf(stderr, "report %s: %s\n", city, err ? err : "");
    CU_ASSERT_EQUAL(rc, 0);
    free(err);
    return lcmt_slurp(json, NULL);
}

/* The demo's database with every city's Chinese model in table model(city, json). */
static sqlite3 *open_db(void) {
    sqlite3 *db = NULL;
    if (!demo() || sqlite3_open(dbpath, &db) != SQLITE_OK)
        return NULL;
    sqlite3_exec(db, "CREATE TEMP TABLE model(city TEXT, json TEXT)", NULL, NULL, NULL);
    sqlite3_stmt *ins = NULL;
    sqlite3_prepare_v2(db, "INSERT INTO model VALUES (?1, ?2)", -1, &ins, NULL);
    for (size_t i = 0; i < NCITY; i++) {
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, cities[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, model(cities[i], "zh"), -1, free);
        CU_ASSERT_EQUAL(sqlite3_step(ins), SQLITE_DONE);
    }
    sqlite3_finalize(ins);
    return db;
}

static long long score_run(sqlite3 *db) {
    sqlite3_stmt *st = NULL;
    long long run = 0;
    sqlite3_prepare_v2(db, "SELECT max(id) FROM runs WHERE kind = 'score'", -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW)
        run = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return run;
}

/* ---- the seed's measures ---- */

/* A CSV line split in place (no quoted fields in this file). */
static int split(char *line, char **f, int cap) {
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < cap; p++)
        if (*p == ',')
            *p = '\0', f[n++] = p + 1;
    return n;
}

static void advice__every_point_has_a_verbatim_seed_passage(void) {
    char *seed = lcmt_slurp(lcmt_path("surveys/seed/learning-city-guide.txt"), NULL);
    char *csv = lcmt_slurp(lcmt_path("surveys/seed_measures.csv"), NULL);
    char *fw = lcmt_slurp(lcmt_path("surveys/framework.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(seed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fw);
    int points = 0, rows = 0;
    char *save = NULL;
    /* every level-3 point of the framework (its code, its level 3) has one row */
    for (char *line = strtok_r(fw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char code[32], key[40];
        int level = 0;
        if (sscanf(line, "%31[^,],%d,", code, &level) != 2 || level != 3)
            continue;
        points++;
        snprintf(key, sizeof key, "\n%s,", code);
        const char *hit = strstr(csv, key);
        CU_ASSERT_PTR_NOT_NULL(hit);
        if (hit)
            CU_ASSERT_PTR_NULL(strstr(hit + 1, key)); /* once */
    }
    CU_ASSERT_EQUAL(points, 43); /* the seed's 附件1 lists 43 monitoring points */
    save = NULL;
    for (char *line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[16];
        if (rows++ == 0)
            continue; /* header */
        /* code, section, heading and quote hold no ASCII comma (the seed writes ，); the
         * English after them may, quoted */
        CU_ASSERT_FATAL(split(line, f, 16) >= 6);
        /* heading and quote are the seed's own words */
        if (!strstr(seed, f[2]) || !strstr(seed, f[3]))
            fprintf(stderr, "\n  %s: not verbatim in the seed: %s / %s", f[0], f[2], f[3]);
        CU_ASSERT_PTR_NOT_NULL(strstr(seed, f[2]));
        CU_ASSERT_PTR_NOT_NULL(strstr(seed, f[3]));
        /* the section is where the heading stands: "二(四)" heads "(四)共建共享…", "一" heads
         * "一、总体要求", "三(四)" "(四)组织监测"; 附件1 lists the points themselves */
        char head[512];
        const char *paren = strchr(f[1], '(');
        if (strcmp(f[1], "附件1") == 0)
            snprintf(head, sizeof head, "%s", f[2]);
        else if (paren)
            snprintf(head, sizeof head, "%s%s", paren, f[2]);
        else
            snprintf(head, sizeof head, "%s、%s", f[1], f[2]);
        CU_ASSERT_PTR_NOT_NULL(strstr(seed, head));
        CU_ASSERT(*f[4] && *f[5]); /* the English of heading and quote */
    }
    CU_ASSERT_EQUAL(rows - 1, 43);
    free(seed), free(csv), free(fw);
}

/* ---- what the store says ---- */

typedef struct city_row {
    char code[8], name[64], tier[24], region4[12];
    int rank;
    double score;
} city_row;

static size_t load_cities(sqlite3 *db, long long run, city_row *c) {
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db,
                                             "SELECT c.code, c.name, c.tier, p.region4, k.rank,"
                                             " s.score FROM score_ranks k JOIN cities c ON c.code"
                                             " = k.city_code JOIN provinces p ON p.code ="
                                             " c.province_code JOIN score_results s ON s.run_id ="
                                             " k.run_id AND s.city_code = k.city_code AND"
                                             " s.indicator_code = 'overall' WHERE k.run_id = ?1"
                                             " AND k.scope = 'overall' ORDER BY k.rank",
                                             -1, &st, NULL),
                          SQLITE_OK);
    sqlite3_bind_int64(st, 1, run);
    while (n < 64 && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(c[n].code, sizeof c[n].code, "%s", sqlite3_column_text(st, 0));
        snprintf(c[n].name, sizeof c[n].name, "%s", sqlite3_column_text(st, 1));
        snprintf(c[n].tier, sizeof c[n].tier, "%s", sqlite3_column_text(st, 2));
        snprintf(c[n].region4, sizeof c[n].region4, "%s", sqlite3_column_text(st, 3));
        c[n].rank = sqlite3_column_int(st, 4);
        c[n].score = sqlite3_column_double(st, 5);
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

/* The peer group of city me: 0 tier, 1 region4, 2 all; in[i] membership. */
static int peer_group(const city_row *c, size_t n, size_t me, int *in) {
    size_t t = 0, r = 0;
    for (size_t i = 0; i < n; i++)
        t += strcmp(c[i].tier, c[me].tier) == 0, r += strcmp(c[i].region4, c[me].region4) == 0;
    int g = t >= MIN_PEERS ? 0 : r >= MIN_PEERS ? 1 : 2;
    for (size_t i = 0; i < n; i++)
        in[i] = g == 2 || (g == 0 ? strcmp(c[i].tier, c[me].tier) == 0
                                  : strcmp(c[i].region4, c[me].region4) == 0);
    return g;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* R's quantile(x, p, type = 7) of the non-NaN values. */
static double quantile7(const double *x, size_t n, double p) {
    double v[64];
    size_t m = 0;
    for (size_t i = 0; i < n && m < 64; i++)
        if (!isnan(x[i]))
            v[m++] = x[i];
    if (!m)
        return NAN;
    qsort(v, m, sizeof *v, cmp_d);
    double h = (double)(m - 1) * p;
    size_t lo = (size_t)floor(h);
    return lo + 1 < m ? v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]) : v[lo];
}

static size_t find(const city_row *c, size_t n, const char *code) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].code, code) == 0)
            return i;
    return n;
}

/* Peer medians of the scores (the score, the raw value where there is none) and of the
 * overall score in the three groups, and the rank within the region of four. */
static void advice__peer_group_is_named_and_its_medians_are_the_stores(void) {
    sqlite3 *db = open_db();
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    long long run = score_run(db);
    city_row c[64];
    size_t n = load_cities(db, run, c);
    CU_ASSERT_EQUAL_FATAL(n, NCITY);
    long checked = 0;
    int kinds[3] = {0};
    for (size_t me = 0; me < n; me++) {
        int in[64];
        int g = peer_group(c, n, me, in);
        kinds[g]++;
        static const char *const gname[3] = {"tier", "region4", "all"};
        sqlite3_stmt *st = NULL;
        /* every peer median cell says which group, and is that group's median */
        CU_ASSERT_EQUAL_FATAL(
            sqlite3_prepare_v2(db,
                               "SELECT json_extract(t.value, '$.ref.indicator'),"
                               " json_extract(t.value, '$.ref.peers'), json_extract(t.value,"
                               " '$.value') FROM model, json_tree(model.json) t WHERE"
                               " model.city = ?1 AND t.type = 'object' AND json_extract(t.value,"
                               " '$.ref.stat') = 'peer_median'",
                               -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, c[me].code, -1, SQLITE_STATIC);
        sqlite3_stmt *sc = NULL;
        sqlite3_prepare_v2(db,
                           "SELECT city_code, coalesce(score, raw) FROM score_results WHERE"
                           " run_id = ?1 AND indicator_code = ?2",
                           -1, &sc, NULL);
        while (sqlite3_step(st) == SQLITE_ROW) {
            CU_ASSERT_STRING_EQUAL(sqlite3_column_text(st, 1), gname[g]);
            double x[64];
            for (size_t i = 0; i < n; i++)
                x[i] = NAN;
            sqlite3_reset(sc);
            sqlite3_bind_int64(sc, 1, run);
            sqlite3_bind_text(sc, 2, (const char *)sqlite3_column_text(st, 0), -1,
                              SQLITE_TRANSIENT);
            while (sqlite3_step(sc) == SQLITE_ROW) {
                size_t i = find(c, n, (const char *)sqlite3_column_text(sc, 0));
                if (i < n && in[i] && sqlite3_column_type(sc, 1) != SQLITE_NULL)
                    x[i] = sqlite3_column_double(sc, 1);
            }
            double want = quantile7(x, n, 0.5), have = sqlite3_column_type(st, 2) == SQLITE_NULL
                                                           ? NAN
                                                           : sqlite3_column_double(st, 2);
            if (isnan(want)) {
                CU_ASSERT(isnan(have));
            } else {
                LCMT_ASSERT_REL(have, want, 1e-12);
            }
            checked++;
        }
        sqlite3_finalize(st);
        sqlite3_finalize(sc);
        /* the summary: median overall score of each group, rank within the region of four */
        CU_ASSERT_EQUAL_FATAL(
            sqlite3_prepare_v2(db,
                               "SELECT json_extract(t.value, '$.ref.stat'), json_extract(t.value,"
                               " '$.ref.scope'), json_extract(t.value, '$.value') FROM model,"
                               " json_tree(model.json) t WHERE model.city = ?1 AND t.type ="
                               " 'object' AND json_extract(t.value, '$.ref.stat') IN"
                               " ('group_median', 'rank')",
                               -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, c[me].code, -1, SQLITE_STATIC);
        int seen = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *stat = (const char *)sqlite3_column_text(st, 0);
            const char *scope = (const char *)sqlite3_column_text(st, 1);
            double have = sqlite3_column_double(st, 2), x[64];
            int rank = 1;
            for (size_t i = 0; i < n; i++) {
                int member =
                    strcmp(scope, "overall") == 0 ||
                    (strcmp(scope, "tier") == 0 ? strcmp(c[i].tier, c[me].tier) == 0
                                                : strcmp(c[i].region4, c[me].region4) == 0);
                x[i] = member ? c[i].score : NAN;
                rank += member && c[i].rank < c[me].rank;
            }
            if (strcmp(stat, "group_median") == 0) {
                LCMT_ASSERT_REL(have, quantile7(x, n, 0.5), 1e-12);
            } else if (strcmp(scope, "region4") == 0) {
                CU_ASSERT_EQUAL((int)have, rank);
            }
            seen++;
        }
        sqlite3_finalize(st);
        CU_ASSERT(seen >= 6);
        /* the group named in words in the summary */
        static const char *const zh[3] = {"本报告的比较组是同层级城市", "本报告的比较组是%地区城市",
                                          "本报告的比较组是全部监测城市"};
        char like[128];
        snprintf(like, sizeof like, "%%%s%%", zh[g]);
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db,
                                                 "SELECT count(*) FROM model, json_tree(model.json)"
                                                 " t WHERE model.city = ?1 AND t.type = 'text'"
                                                 " AND t.atom LIKE ?2",
                                                 -1, &st, NULL),
                              SQLITE_OK);
        sqlite3_bind_text(st, 1, c[me].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, like, -1, SQLITE_STATIC);
        CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
        CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 1);
        sqlite3_finalize(st);
    }
    CU_ASSERT(checked > (long)NCITY * 40);
    CU_ASSERT(kinds[0] > 0 && kinds[2] > 0); /* the demo has both: tier and the fallback */
    sqlite3_close(db);
}

/* ---- strengths, weaknesses, targets ---- */

typedef struct point {
    char code[16], kind[16];
    double v[64], me, lo, hi, med, q3;
    int side, hidden;
    long nearest;
} point;

/* The interval of the city's value of point p, as docs/advice.md states it. */
static void interval(sqlite3 *db, const char *city, point *p) {
    sqlite3_stmt *st = NULL;
    p->lo = p->hi = p->me;
    if (strcmp(p->kind, "survey") == 0) {
        sqlite3_prepare_v2(db,
                           "SELECT measure, se, n FROM survey_measures WHERE city_code = ?1 AND"
                           " year = 2025 AND item = '' AND measure IN ('awareness',"
                           " 'participation', 'satisfaction_index')",
                           -1, &st, NULL);
        sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
        double var = 0;
        int k = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            double s =
                sqlite3_column_double(st, 1) *
                (strcmp((const char *)sqlite3_column_text(st, 0), "satisfaction_index") ? 100 : 1);
            var += s * s, k++;
            p->hidden |= sqlite3_column_int(st, 2) < 30;
        }
        sqlite3_finalize(st);
        CU_ASSERT_EQUAL(k, 3);
        double h = 1.959963984540054 * sqrt(var) / 3; /* qnorm(0.975) in R */
        p->lo = p->me - h, p->hi = p->me + h;
    } else if (strcmp(p->kind, "rating") == 0) {
        sqlite3_prepare_v2(db,
                           "SELECT score FROM ratings_counted WHERE city_code = ?1 AND year ="
                           " 2025 AND indicator_code = ?2",
                           -1, &st, NULL);
        sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, p->code, -1, SQLITE_STATIC);
        double x[64], m = 0, ss = 0;
        int k = 0;
        while (k < 64 && sqlite3_step(st) == SQLITE_ROW)
            m += x[k++] = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
        if (k < 2)
            return;
        m /= k;
        for (int i = 0; i < k; i++)
            ss += (x[i] - m) * (x[i] - m);
        double h = gsl_cdf_tdist_Pinv(0.975, k - 1) * sqrt(ss / (k - 1)) / sqrt(k); /* qt() */
        p->lo = p->me - h, p->hi = p->me + h;
    }
}

static size_t load_points(sqlite3 *db, long long run, const city_row *c, size_t n, size_t me,
                          const int *in, point *pt) {
    sqlite3_stmt *st = NULL, *vs = NULL;
    size_t np = 0;
    sqlite3_prepare_v2(db,
                       "SELECT code, kind FROM indicators WHERE level = 3 AND direction <>"
                       " 'context' ORDER BY ord",
                       -1, &st, NULL);
    sqlite3_prepare_v2(db,
                       "SELECT city_code, coalesce(basis, raw) FROM score_results WHERE run_id ="
                       " ?1 AND indicator_code = ?2",
                       -1, &vs, NULL);
    while (np < 64 && sqlite3_step(st) == SQLITE_ROW) {
        point *p = &pt[np++];
        memset(p, 0, sizeof *p);
        snprintf(p->code, sizeof p->code, "%s", sqlite3_column_text(st, 0));
        snprintf(p->kind, sizeof p->kind, "%s", sqlite3_column_text(st, 1));
        for (size_t i = 0; i < n; i++)
            p->v[i] = NAN;
        sqlite3_reset(vs);
        sqlite3_bind_int64(vs, 1, run);
        sqlite3_bind_text(vs, 2, p->code, -1, SQLITE_STATIC);
        while (sqlite3_step(vs) == SQLITE_ROW) {
            size_t i = find(c, n, (const char *)sqlite3_column_text(vs, 0));
            if (i < n && sqlite3_column_type(vs, 1) != SQLITE_NULL)
                p->v[i] = sqlite3_column_double(vs, 1);
        }
        double x[64];
        for (size_t i = 0; i < n; i++)
            x[i] = in[i] ? p->v[i] : NAN;
        p->me = p->v[me], p->med = quantile7(x, n, 0.5), p->q3 = quantile7(x, n, 0.75);
        p->nearest = -1;
        if (isnan(p->me) || isnan(p->med))
            continue;
        interval(db, c[me].code, p);
        if (p->hidden)
            continue;
        if (strcmp(p->kind, "survey") == 0 || strcmp(p->kind, "rating") == 0)
            p->side = p->lo > p->med ? 1 : p->hi < p->med ? -1 : 0;
        else /* statistics: beyond 10% of the median */
            p->side = p->me - p->med > 0.1 * fabs(p->med)    ? 1
                      : p->me - p->med < -0.1 * fabs(p->med) ? -1
                                                             : 0;
        double best = INFINITY;
        for (size_t i = 0; i < n; i++) {
            if (i == me || !in[i] || isnan(p->v[i]) || p->v[i] < p->q3)
                continue;
            double gap = fabs(c[i].score - c[me].score);
            if (gap < best || (gap == best && c[i].rank < c[p->nearest].rank))
                best = gap, p->nearest = (long)i;
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(vs);
    return np;
}

static point *find_point(point *pt, size_t np, const char *code) {
    for (size_t i = 0; i < np; i++)
        if (strcmp(pt[i].code, code) == 0)
            return &pt[i];
    return NULL;
}

/* Section 八's table and lists and section 九's targets equal what the store gives under
 * the stated rules; every weakness is quoted from surveys/seed_measures.csv. */
static void advice__strengths_weaknesses_and_targets_follow_the_rules(void) {
    sqlite3 *db = open_db();
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    long long run = score_run(db);
    city_row c[64];
    size_t n = load_cities(db, run, c);
    char *csv = lcmt_slurp(lcmt_path("surveys/seed_measures.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    long rows = 0, sides[2] = {0, 0}, kinds = 0, quotes = 0, nearest = 0;
    for (size_t me = 0; me < n; me++) {
        int in[64];
        peer_group(c, n, me, in);
        static point pt[64];
        size_t np = load_points(db, run, c, n, me, in, pt);
        size_t want[2] = {0, 0}, have[2] = {0, 0};
        for (size_t i = 0; i < np; i++)
            if (pt[i].side)
                want[pt[i].side > 0 ? 0 : 1]++;
        /* the table of section 八: finding, point, unit, value, median, top quartile, two gaps */
        sqlite3_stmt *st = NULL;
        CU_ASSERT_EQUAL_FATAL(
            sqlite3_prepare_v2(
                db,
                "SELECT json_extract(r.value, '$[0].text'), substr(json_extract(r.value,"
                " '$[1].text'), 1, instr(json_extract(r.value, '$[1].text'), ' ') - 1),"
                " json_extract(r.value, '$[3].value'),"
                " json_extract(r.value, '$[3].lo'), json_extract(r.value, '$[3].hi'),"
                " json_extract(r.value, '$[4].value'), json_extract(r.value, '$[5].value'),"
                " json_extract(r.value, '$[6].value'), json_extract(r.value, '$[7].value'),"
                " json_extract(r.value, '$[3].text'), json_extract(r.value, '$[2].text') FROM "
                "model,"
                " json_each(json_extract(model.json, '$.sections')) s,"
                " json_each(json_extract(s.value, '$.blocks')) b,"
                " json_each(json_extract(b.value, '$.rows')) r WHERE model.city = ?1 AND"
                " json_extract(s.value, '$.heading') LIKE '八、%' AND json_extract(b.value,"
                " '$.type') = 'table'",
                -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, c[me].code, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *finding = (const char *)sqlite3_column_text(st, 0);
            const char *code = (const char *)sqlite3_column_text(st, 1);
            point *p = code ? find_point(pt, np, code) : NULL;
            if (!p)
                fprintf(stderr, "\n  %s: point '%s' of the table is not scored", c[me].code,
                        code ? code : "(none)");
            CU_ASSERT_PTR_NOT_NULL_FATAL(p);
            int side = strcmp(finding, "优势") == 0 ? 1 : -1;
            CU_ASSERT_EQUAL(p->side, side);
            have[side > 0 ? 0 : 1]++;
            if (strcmp(p->kind, "yesno") == 0) { /* 是/否 in words */
                CU_ASSERT_STRING_EQUAL(sqlite3_column_text(st, 9), p->me > 0.5 ? "是" : "否");
            } else {
                const char *unit = (const char *)sqlite3_column_text(st, 10);
                CU_ASSERT(unit && *unit); /* the unit in its own column */
                LCMT_ASSERT_REL(sqlite3_column_double(st, 2), p->me, 1e-12);
                LCMT_ASSERT_REL(sqlite3_column_double(st, 5), p->med, 1e-12);
                LCMT_ASSERT_REL(sqlite3_column_double(st, 6), p->q3, 1e-12);
                LCMT_ASSERT_REL(sqlite3_column_double(st, 7) + 1e6, p->me - p->med + 1e6, 1e-12);
                LCMT_ASSERT_REL(sqlite3_column_double(st, 8) + 1e6, p->me - p->q3 + 1e6, 1e-12);
                if (p->hi > p->lo) { /* survey and rating points: the interval shown */
                    LCMT_ASSERT_REL(sqlite3_column_double(st, 3), p->lo, 1e-9);
                    LCMT_ASSERT_REL(sqlite3_column_double(st, 4), p->hi, 1e-9);
                    kinds++;
                }
            }
            rows++;
        }
        sqlite3_finalize(st);
        CU_ASSERT_EQUAL(have[0], want[0]);
        CU_ASSERT_EQUAL(have[1], want[1]);
        sides[0] += (long)have[0], sides[1] += (long)have[1];
        /* section 九: target (the peer median: a weakness is below it) and the peer city */
        CU_ASSERT_EQUAL_FATAL(
            sqlite3_prepare_v2(
                db,
                "SELECT substr(json_extract(r.value, '$[0].text'), 1, instr(json_extract("
                "r.value, '$[0].text'), ' ') - 1), json_extract(r.value, '$[2].value'),"
                " json_extract(r.value, '$[5].text') FROM model,"
                " json_each(json_extract(model.json, '$.sections')) s,"
                " json_each(json_extract(s.value, '$.blocks')) b,"
                " json_each(json_extract(b.value, '$.rows')) r WHERE model.city = ?1 AND"
                " json_extract(s.value, '$.heading') LIKE '九、%' AND json_extract(b.value,"
                " '$.type') = 'table'",
                -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, c[me].code, -1, SQLITE_STATIC);
        size_t targets = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            point *p = find_point(pt, np, (const char *)sqlite3_column_text(st, 0));
            CU_ASSERT_PTR_NOT_NULL_FATAL(p);
            CU_ASSERT_EQUAL(p->side, -1);
            if (strcmp(p->kind, "yesno") != 0) {
                LCMT_ASSERT_REL(sqlite3_column_double(st, 1), p->med, 1e-12);
            }
            CU_ASSERT_STRING_EQUAL(sqlite3_column_text(st, 2),
                                   p->nearest >= 0 ? c[p->nearest].name : "");
            nearest += p->nearest >= 0;
            targets++;
        }
        sqlite3_finalize(st);
        CU_ASSERT_EQUAL(targets, want[1]);
        /* each weakness described: the seed's words for it, as the data file has them */
        CU_ASSERT_EQUAL_FATAL(
            sqlite3_prepare_v2(
                db,
                "SELECT substr(json_extract(h.value, '$.text'), 1, instr(json_extract(h.value,"
                " '$.text'), ' ') - 1), json_extract(l.value, '$.items[0]') FROM model,"
                " json_each(json_extract(model.json, '$.sections')) s,"
                " json_each(json_extract(s.value, '$.blocks')) h,"
                " json_each(json_extract(s.value, '$.blocks')) l WHERE model.city = ?1 AND"
                " json_extract(s.value, '$.heading') LIKE '九、%' AND json_extract(h.value,"
                " '$.type') = 'subhead' AND l.key = h.key + 1 AND json_extract(l.value,"
                " '$.type') = 'list' AND json_extract(h.value, '$.text') GLOB '[0-9]*'",
                -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, c[me].code, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *code = (const char *)sqlite3_column_text(st, 0);
            const char *item = (const char *)sqlite3_column_text(st, 1);
            char key[40], quote[1024] = "";
            snprintf(key, sizeof key, "\n%s,", code);
            const char *line = strstr(csv, key);
            CU_ASSERT_PTR_NOT_NULL_FATAL(line);
            /* code,section,heading,quote,... */
            const char *q = line + 1;
            for (int k = 0; k < 3 && q; k++)
                q = strchr(q, ',') ? strchr(q, ',') + 1 : NULL;
            CU_ASSERT_PTR_NOT_NULL_FATAL(q);
            snprintf(quote, sizeof quote, "“%.*s”", (int)strcspn(q, ","), q);
            if (!strstr(item, quote))
                fprintf(stderr, "\n  %s: '%s' lacks %s", code, item, quote);
            CU_ASSERT_PTR_NOT_NULL(strstr(item, quote));
            quotes++;
        }
        sqlite3_finalize(st);
    }
    CU_ASSERT(sides[0] > 0 && sides[1] > 0);
    CU_ASSERT(kinds > 0);  /* an interval shown: survey or rating point */
    CU_ASSERT(quotes > 0); /* a weakness quoted from the seed */
    CU_ASSERT(nearest > 0);
    CU_ASSERT(rows >= sides[0] + sides[1]);
    free(csv);
    sqlite3_close(db);
}

/* ---- the survey groups that lag most ---- */

static void exec(sqlite3 *db, const char *sql) {
    char *e = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &e) != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", sql, e ? e : "");
    CU_ASSERT_PTR_NULL(e);
    sqlite3_free(e);
}

/* A copy of the demo whose rural residents and residents of 60 and over of one city lag
 * (the simulated groups do not): the group lagging most is named with its gap and interval,
 * in section 九 and for the survey point when it is a weakness. */
static void advice__the_group_lagging_most_is_named(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    size_t len = 0;
    char *bytes = lcmt_slurp(dbpath, &len), db[900], out[900], json[1000];
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    snprintf(db, sizeof db, "%s", lcmt_tmp("advice_lagging.db"));
    lcmt_write(db, bytes, len);
    free(bytes);
    sqlite3 *h = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db, &h), SQLITE_OK);
    exec(h, "UPDATE group_gaps SET mean_group = mean_rest - 0.25, diff = -0.25, ci_low = -0.35,"
            " ci_high = -0.15, p = 1e-6, n_group = 50, n_rest = 50 WHERE city_code = '4405'"
            " AND year = 2025 AND variable = 'participated' AND by_var = 'community_type'"
            " AND grp = 'vc'");
    CU_ASSERT_EQUAL(sqlite3_changes(h), 1);
    exec(h, "UPDATE group_gaps SET mean_group = mean_rest - 0.1, diff = -0.1, ci_low = -0.15,"
            " ci_high = -0.05, p = 1e-5, n_group = 50, n_rest = 50 WHERE city_code = '4405'"
            " AND year = 2025 AND variable = 'participated' AND by_var = 'age_band'"
            " AND grp = '60+'");
    CU_ASSERT_EQUAL(sqlite3_changes(h), 1);
    sqlite3_close(h);
    snprintf(out, sizeof out, "%s", lcmt_tmp("advice_lagging_report"));
    snprintf(json, sizeof json, "%s/model.json", out);
    const char *args[] = {"report", db,  "--city",  "4405", "--year", "2025",
                          "--out",  out, "--model", json,   NULL};
    CU_ASSERT_EQUAL_FATAL(lcmt_run(args, NULL, NULL, NULL), 0);
    char *m = lcmt_slurp(json, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    /* -diff x 100, and the interval -ci_high .. -ci_low, in percentage points; Holm over the
     * groups shown leaves both p far below 0.001 */
    LCMT_ASSERT_HAS(m, "参与率落后最多的群体：农村（村委会）居民，低于本市其他居民25.0个百分点"
                       "（95%置信区间15.0至35.0，按抽样设计的t检验，Holm校正p<0.001）。");
    CU_ASSERT_PTR_NULL(strstr(m, "落后最多的群体：60岁及以上居民"));
    free(m);
}

/* ---- the survey's methods in plain words ---- */

static void advice__survey_methods_give_the_engines_numbers(void) {
    sqlite3 *db = open_db();
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    const char *ea[] = {"estimate", dbpath, "--form",     "household", "--var",  "participated",
                        "--stat",   "prop", "--by",       "city",      "--wave", "2025",
                        "--format", "csv",  "--no-store", NULL};
    char *est = NULL;
    CU_ASSERT_EQUAL_FATAL(lcmt_run(ea, NULL, &est, NULL), 0);
    long checked = 0;
    for (size_t i = 0; i < NCITY; i++) {
        /* the CLI's row of category 1: city,variable,category,estimate,se,ci_low,ci_high,df,
         * deff,n,npsu */
        char key[32], *f[16], buf[1024];
        snprintf(key, sizeof key, "\n%s,participated,1,", cities[i]);
        const char *row = strstr(est, key);
        CU_ASSERT_PTR_NOT_NULL_FATAL(row);
        snprintf(buf, sizeof buf, "%.*s", (int)strcspn(row + 1, "\n"), row + 1);
        CU_ASSERT_FATAL(split(buf, f, 16) >= 11);
        long n = atol(f[9]), npsu = atol(f[10]);
        double deff = strtod(f[8], NULL), e = strtod(f[3], NULL) * 100;
        double lo = strtod(f[5], NULL) * 100, hi = strtod(f[6], NULL) * 100;
        char *text = model(cities[i], "zh"), want[512];
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        if (n < 30) { /* a suppressed city: neither its sample numbers nor its interval */
            CU_ASSERT_PTR_NULL(strstr(text, "区间的含义：本市"));
            free(text);
            continue;
        }
        snprintf(want, sizeof want, "本市共有%ld位居民回答了问卷，分布在%ld个社区。", n, npsu);
        LCMT_ASSERT_HAS(text, want);
        snprintf(want, sizeof want, "参与率的设计效应为%.2f，即%ld位受访者提供的信息约相当于%.0f人",
                 deff, n, (double)n / deff);
        LCMT_ASSERT_HAS(text, want);
        snprintf(want, sizeof want, "参与率的估计值为%.1f%%，95%%置信区间为%.1f%%–%.1f%%。", e, lo,
                 hi);
        LCMT_ASSERT_HAS(text, want);
        /* the weights add up to the city's population of the calibration margins */
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(db, "SELECT margins FROM calibrations WHERE wave = 2025", -1, &st, NULL);
        CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
        double pop = 0;
        char mk[32];
        snprintf(mk, sizeof mk, "city:sex,%s:", cities[i]);
        for (const char *p = strstr((const char *)sqlite3_column_text(st, 0), mk); p;
             p = strstr(p + 1, mk)) {
            long level, value;
            if (sscanf(p + strlen(mk), "%ld,%ld", &level, &value) == 2)
                pop += (double)value;
        }
        sqlite3_finalize(st);
        snprintf(want, sizeof want, "加权后代表本市约%.0f万名16岁及以上常住居民", pop / 1e4);
        LCMT_ASSERT_HAS(text, want);
        /* no visits recorded in the demo: the response rate is said to be unknown */
        LCMT_ASSERT_HAS(text, "无法计算应答率");
        free(text);
        checked++;
    }
    CU_ASSERT(checked >= (long)NCITY - 1);
    free(est);
    sqlite3_close(db);
}

/* With the visits recorded (a field campaign of the city and wave, AAPOR dispositions), the
 * response rate is the engine's RR1 of those visits, with its counts. */
static void advice__response_rate_is_the_campaigns_rr1(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    size_t len = 0;
    char *bytes = lcmt_slurp(dbpath, &len), db[900], out[900], json[1000];
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    snprintf(db, sizeof db, "%s", lcmt_tmp("advice_field.db"));
    lcmt_write(db, bytes, len);
    free(bytes);
    sqlite3 *h = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db, &h), SQLITE_OK);
    exec(h, "INSERT INTO field_campaigns(id, slug, form_id, form_version, city_code, wave, mode)"
            " SELECT 1, 'household-4405-2025', form_id, version, '4405', 2025, 'token' FROM"
            " forms LIMIT 1;"
            "INSERT INTO field_interviewers(name, token_hash) VALUES ('王芳', 'x');"
            "WITH d(k, code) AS (VALUES (1, '1.1'), (2, '1.1'), (3, '1.1'), (4, '1.1'),"
            " (5, '1.1'), (6, '1.1'), (7, '2.11'), (8, '2.11'), (9, '2.24'), (10, '4.60'),"
            " (11, NULL))"
            " INSERT INTO field_assignments(campaign_id, interviewer_id, household_id, address,"
            " county_code, township_code, community, disposition, source, line)"
            " SELECT 1, (SELECT id FROM field_interviewers WHERE name = '王芳'), 'h' || k,"
            " '地址' || k, '440507', '440507001', '440507001001', code, 'sample.csv', k + 1"
            " FROM d"); /* the demo's interviewer account has an interviewer already */
    sqlite3_close(h);
    lcm_db *ldb = NULL;
    lcm_err err = {0};
    lcm_field_outcomes o;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, 0, &ldb, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_field_outcomes_get(ldb, 1, &o, &err), LCM_OK);
    lcm_db_close(ldb);
    CU_ASSERT_EQUAL(o.complete, 6); /* the engine's count of what was just written */
    long denom = o.complete + o.partial + o.refusal + o.noncontact + o.other + o.unknown +
                 o.pending; /* RR1's denominator: all but the known ineligible */
    snprintf(out, sizeof out, "%s", lcmt_tmp("advice_field_report"));
    snprintf(json, sizeof json, "%s/model.json", out);
    const char *args[] = {"report", db,  "--city",  "4405", "--year", "2025",
                          "--out",  out, "--model", json,   NULL};
    CU_ASSERT_EQUAL_FATAL(lcmt_run(args, NULL, NULL, NULL), 0);
    char *m = lcmt_slurp(json, NULL), want[512];
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    snprintf(want, sizeof want, "应答率：抽中并需访问的%ld户中，%ld户完成了访问，应答率为%.1f%%",
             denom, o.complete, 100 * o.rr1);
    LCMT_ASSERT_HAS(m, want);
    snprintf(want, sizeof want, "；%ld户拒访，%ld户多次上门无人。", o.refusal, o.noncontact);
    LCMT_ASSERT_HAS(m, want);
    CU_ASSERT_PTR_NULL(strstr(m, "无法计算应答率"));
    free(m);
}

/* The English report says the same in English: no Chinese on the page but names the
 * seed's own (the guide is translated, not quoted). */
static void advice__english_report_translates_the_guide(void) {
    if (!demo())
        CU_FAIL_FATAL("demo failed");
    char *m = model("4405", "en");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    LCMT_ASSERT_HAS(m, "9. What to do next and next year's targets");
    LCMT_ASSERT_HAS(m, "What the guide asks (Guide to building learning cities in the new era, "
                       "part ");
    LCMT_ASSERT_HAS(m, "12. How the survey was done");
    CU_ASSERT_PTR_NULL(strstr(m, "指南要求"));
    CU_ASSERT_PTR_NULL(strstr(m, "显著"));
    free(m);
}

const lcmt_case lcmt_advice_cases[] = {
    {"every_point_has_a_verbatim_seed_passage", advice__every_point_has_a_verbatim_seed_passage},
    {"peer_group_is_named_and_its_medians_are_the_stores",
     advice__peer_group_is_named_and_its_medians_are_the_stores},
    {"strengths_weaknesses_and_targets_follow_the_rules",
     advice__strengths_weaknesses_and_targets_follow_the_rules},
    {"the_group_lagging_most_is_named", advice__the_group_lagging_most_is_named},
    {"survey_methods_give_the_engines_numbers", advice__survey_methods_give_the_engines_numbers},
    {"response_rate_is_the_campaigns_rr1", advice__response_rate_is_the_campaigns_rr1},
    {"english_report_translates_the_guide", advice__english_report_translates_the_guide},
    {NULL, NULL}};
