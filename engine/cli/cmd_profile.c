/*
 * cmd_profile.c - `lcmon profile`: everything a city's feedback report is made from, read
 * from the newest stored score run of the year: ranks with intervals, scores against the
 * median of its tier, strengths and weaknesses (the points furthest above and below that
 * median), background points, survey measures with importance-performance quadrants, and
 * trends.
 */
#include "reliability.h"
#include "score.h"
#include "score_cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_profile_usage[] = {
    "lcmon profile DB --city C --year Y [--format table|csv|json] [--lang zh|en]",
    "",
    "The profile of city C in year Y from the newest score run of that year: ranks with",
    "Monte Carlo intervals, scores against the median of the city's tier, strengths and",
    "weaknesses, background points, survey measures with importance-performance quadrants,",
    "and trends. CSV and JSON print the point table only.",
    NULL,
};

#define NSW 3 /* strengths and weaknesses listed */

typedef struct point_row {
    char code[16];
    char *name;
    int level, context;
    double raw, score, median;
} point_row;

static const char point_sql[] =
    "SELECT i.code, CASE WHEN ?4 THEN i.name_en ELSE i.name_zh END, i.level,"
    " i.direction = 'context', s.raw, s.score,"
    " (SELECT group_concat(coalesce(t.score, t.raw)) FROM score_results t"
    "   JOIN cities tc ON tc.code = t.city_code WHERE t.run_id = s.run_id"
    "   AND t.indicator_code = s.indicator_code AND tc.tier = c.tier)"
    " FROM score_results s JOIN indicators i ON i.code = s.indicator_code"
    " JOIN cities c ON c.code = s.city_code"
    " WHERE s.run_id = ?1 AND s.city_code = ?2 ORDER BY i.ord";

/* Median of a comma-separated list of numbers (the tier's values), NaN when empty. */
static double list_median(const char *list) {
    double v[1024];
    size_t n = 0;
    for (const char *p = list; p && *p && n < 1024;) {
        char *end;
        v[n++] = strtod(p, &end);
        p = *end == ',' ? end + 1 : end + (*end != '\0');
    }
    return lcm_ci_group_median(v, NULL, 0, n, (double[1024]){0});
}

static size_t load_points(lcm_db *db, long long run, const char *city, int en, point_row **out) {
    sqlite3_stmt *st = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    if (lcm_db_prepare(db, point_sql, &st, NULL) != LCM_OK)
        return 0;
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, city, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, en);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            point_row *g = realloc(*out, (cap = cap ? 2 * cap : 64) * sizeof *g);
            if (!g)
                break;
            *out = g;
        }
        point_row *p = &(*out)[n++];
        snprintf(p->code, sizeof p->code, "%s", sqlite3_column_text(st, 0));
        p->name = strdup((const char *)sqlite3_column_text(st, 1));
        p->level = sqlite3_column_int(st, 2), p->context = sqlite3_column_int(st, 3);
        p->raw = sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4);
        p->score = sqlite3_column_type(st, 5) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 5);
        p->median = list_median((const char *)sqlite3_column_text(st, 6));
    }
    sqlite3_finalize(st);
    return n;
}

static int print_points(const point_row *p, size_t n, cli_format fmt, int en) {
    static const score_col cols[] = {{"code", "代码", "code", 0},
                                     {"indicator", "指标", "indicator", 0},
                                     {"level", "级别", "level", 1},
                                     {"raw", "原始值", "value", 1},
                                     {"score", "得分", "score", 1},
                                     {"tier_median", "同层级中位数", "tier median", 1},
                                     {"vs_median", "与中位数差", "vs median", 1}};
    cli_rows *rows = score_rows_new(cols, 7, fmt, en);
    for (size_t i = 0; rows && i < n; i++) {
        char b[7][32];
        double x = p[i].context ? p[i].raw : p[i].score;
        snprintf(b[2], 32, "%d", p[i].level);
        const char *v[] = {p[i].code,
                           p[i].name,
                           p[i].level ? b[2] : "0",
                           score_num(b[3], 32, p[i].raw, 2),
                           score_num(b[4], 32, p[i].score, 2),
                           score_num(b[5], 32, p[i].median, 2),
                           score_num(b[6], 32, x - p[i].median, 2)};
        cli_rows_add(rows, v);
    }
    int code = rows && cli_rows_print(rows, fmt, stdout) == 0 ? LCM_EXIT_OK : LCM_EXIT_DATA;
    cli_rows_free(rows);
    return code;
}

/* Strengths and weaknesses: scored points furthest above / below the tier median. */
static void print_strengths(const point_row *p, size_t n, int en) {
    for (int side = 0; side < 2; side++) {
        int used[512] = {0};
        printf("%s:", side == 0 ? (en ? "strengths" : "优势") : (en ? "weaknesses" : "短板"));
        for (int k = 0; k < NSW; k++) {
            size_t best = n;
            for (size_t i = 0; i < n && i < 512; i++) {
                double d = p[i].score - p[i].median;
                if (p[i].level != 3 || p[i].context || isnan(d) || used[i] ||
                    (side == 0 ? d <= 0 : d >= 0))
                    continue;
                if (best == n || (side == 0 ? d > p[best].score - p[best].median
                                            : d < p[best].score - p[best].median))
                    best = i;
            }
            if (best == n)
                break;
            used[best] = 1;
            printf(" %s (%+.1f)", p[best].code, p[best].score - p[best].median);
        }
        printf("\n");
    }
}

static int print_ranks(lcm_db *db, long long run, const char *city, int en) {
    sqlite3_stmt *st = NULL;
    if (lcm_db_prepare(db,
                       "SELECT scope, rank, median, p05, p95 FROM score_ranks WHERE"
                       " run_id = ?1 AND city_code = ?2 ORDER BY rowid",
                       &st, NULL) != LCM_OK)
        return LCM_EXIT_INTERNAL;
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, city, -1, SQLITE_STATIC);
    int any = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        any = 1;
        const char *scope = (const char *)sqlite3_column_text(st, 0);
        if (!en) /* a Chinese page shows no English codes */
            scope = strcmp(scope, "overall") == 0  ? "全部城市"
                    : strcmp(scope, "region") == 0 ? "区域内"
                                                   : "层级内";
        if (sqlite3_column_type(st, 2) == SQLITE_NULL) { /* a run made with --mc 0 */
            printf(en ? "rank %-8s %3d   no Monte Carlo interval (run made with --mc 0)\n"
                      : "排名 %-8s %3d   无蒙特卡洛区间(该运行未做模拟, --mc 0)\n",
                   scope, sqlite3_column_int(st, 1));
            continue;
        }
        printf(en ? "rank %-8s %3d   median %3d   5%%-95%% [%d, %d]\n"
                  : "排名 %-8s %3d   中位 %3d   5%%-95%% 区间 [%d, %d]\n",
               scope, sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
               sqlite3_column_int(st, 3), sqlite3_column_int(st, 4));
    }
    if (!any)
        printf(en ? "not ranked (overall score missing)\n" : "未排名(总分缺失)\n");
    sqlite3_finalize(st);
    return LCM_EXIT_OK;
}

/* Survey measures of the year, and the satisfaction items' quadrants when importance and
 * per-item satisfaction are both stored. */
static void print_survey(lcm_db *db, const char *city, int year, int en) {
    static const char *const quad_zh[] = {"重点改进", "继续保持", "次要改进", "过度投入"};
    static const char *const quad_en[] = {"concentrate here", "keep up the good work",
                                          "low priority", "possible overkill"};
    sqlite3_stmt *st = NULL;
    if (lcm_db_prepare(db,
                       "SELECT measure, item, estimate, se FROM survey_measures WHERE"
                       " city_code = ?1 AND year = ?2 ORDER BY item, measure",
                       &st, NULL) != LCM_OK)
        return;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    char items[32][64];
    double imp[32], perf[32];
    size_t m = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *meas = (const char *)sqlite3_column_text(st, 0);
        const char *item = (const char *)sqlite3_column_text(st, 1);
        double e = sqlite3_column_double(st, 2), se = sqlite3_column_double(st, 3);
        if (!*item) {
            printf("%-20s %8.3f  (SE %.3f)\n", meas, e, se);
            continue;
        }
        if (m == 0 || strcmp(items[m - 1], item) != 0) {
            if (m == 32)
                continue;
            snprintf(items[m], sizeof items[m], "%s", item);
            imp[m] = perf[m] = NAN, m++;
        }
        if (strcmp(meas, "importance") == 0)
            imp[m - 1] = e;
        else if (strcmp(meas, "satisfaction_index") == 0)
            perf[m - 1] = e;
    }
    sqlite3_finalize(st);
    int q[32];
    lcm_rel_ipa(imp, perf, m, q);
    for (size_t i = 0; i < m; i++)
        if (q[i] >= 0)
            printf("IPA %-16s importance %.3f  satisfaction %.1f  -> %s\n", items[i], imp[i],
                   perf[i], en ? quad_en[q[i]] : quad_zh[q[i]]);
}

static int profile(lcm_db *db, const char *city, int year, cli_format fmt, int en) {
    long long run = 0;
    lcm_err err = {0};
    if (lcm_score_latest_run(db, year, &run, &err) != LCM_OK)
        return cli_fail(&err);
    point_row *p = NULL;
    size_t n = load_points(db, run, city, en, &p);
    if (n == 0) {
        free(p);
        return cli_error("city '%s' has no scores in run %lld of %d", city, run, year);
    }
    int code = LCM_EXIT_OK;
    if (fmt == CLI_TABLE) {
        printf(en ? "profile of %s, year %d (score run %lld)\n"
                  : "%s 城市画像, %d 年 (运行 %lld)\n",
               city, year, run);
        print_ranks(db, run, city, en);
        print_strengths(p, n, en);
        score_section(fmt, en, "得分(与同层级中位数比较)", "scores against the tier median");
    }
    code = print_points(p, n, fmt, en);
    for (size_t i = 0; i < n; i++)
        free(p[i].name);
    free(p);
    if (fmt != CLI_TABLE || code != LCM_EXIT_OK)
        return code;
    score_section(fmt, en, "问卷调查(4.2)", "survey measures (4.2)");
    print_survey(db, city, year, en);
    lcm_trend_set t;
    if (lcm_score_trends(db, city, NULL, &t, &err) == LCM_OK) {
        score_section(fmt, en, "趋势", "trends");
        code = trend_print(&t, fmt, en);
        lcm_trend_set_release(&t);
        score_section(fmt, en, "问卷调查轮次间变化", "survey changes between waves");
        if (code == LCM_EXIT_OK)
            code = trend_print_waves(db, city, fmt, en);
    }
    return code;
}

int cmd_profile(int argc, char **argv) {
    static const struct option opts[] = {{"city", required_argument, NULL, 'c'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {0, 0, 0, 0}};
    const char *city = NULL;
    int year = 0, en = 0, c, code;
    cli_format fmt = CLI_TABLE;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'c')
            city = optarg;
        else if (c == 'y' && cli_parse_year(optarg, &year) != 0)
            return cli_usage_error(cmd_profile_usage, "bad year: '%s'", optarg);
        else if (c == 'f' && cli_parse_format(optarg, &fmt) != 0)
            return cli_usage_error(cmd_profile_usage, "unknown format: '%s'", optarg);
        else if (c == 'l' && score_parse_lang(optarg, &en) != 0)
            return cli_usage_error(cmd_profile_usage, "unknown language: '%s'", optarg);
        else if (c != 'y' && c != 'f' && c != 'l')
            return cli_usage_error(cmd_profile_usage, "bad option");
    }
    if (optind != argc - 1 || !city || !year)
        return cli_usage_error(cmd_profile_usage, "need DB, --city and --year");
    lcm_db *db = cli_open_db(argv[optind], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    code = profile(db, city, year, fmt, en);
    lcm_db_close(db);
    return code;
}
