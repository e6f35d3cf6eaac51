/*
 * cmd_trend.c - `lcmon trend`: how a city's monitoring points move across the years in the
 * store (change on the year before, CAGR, OLS slope with SE and p, Mann-Kendall with Sen's
 * slope), and how its survey measures changed between waves, with SEs.
 */
#include "score.h"
#include "score_cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_trend_usage[] = {
    "lcmon trend DB --city C [--indicator X] [--format table|csv|json] [--lang zh|en]",
    "",
    "Trends of city C (four-digit code) on every monitoring point with two or more years of",
    "data, or on point X only. Year-over-year change is in percentage points for rates.",
    "OLS needs 3 years, Mann-Kendall and Sen's slope 4.",
    NULL,
};

int trend_print(const lcm_trend_set *t, cli_format fmt, int en) {
    static const score_col cols[] = {{"code", "代码", "code", 0},
                                     {"indicator", "指标", "indicator", 0},
                                     {"years", "年数", "years", 1},
                                     {"first", "起始年", "from", 1},
                                     {"last", "末年", "to", 1},
                                     {"last_value", "末值", "last value", 1},
                                     {"yoy", "同比变化", "YoY change", 1},
                                     {"yoy_unit", "单位", "unit", 0},
                                     {"cagr_pct", "年均增长%", "CAGR %", 1},
                                     {"ols_slope", "OLS斜率", "OLS slope", 1},
                                     {"ols_se", "标准误", "SE", 1},
                                     {"ols_p", "p值", "p", 1},
                                     {"mk_s", "MK S", "MK S", 1},
                                     {"mk_p", "MK p", "MK p", 1},
                                     {"sen_slope", "Sen斜率", "Sen slope", 1}};
    cli_rows *rows = score_rows_new(cols, 15, fmt, en);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    for (size_t i = 0; i < t->nrow; i++) {
        const lcm_trend_row *r = &t->row[i];
        const lcm_score_node *nd = &t->frame.node[r->node];
        char b[15][32];
        snprintf(b[2], 32, "%zu", r->n), snprintf(b[3], 32, "%d", r->first);
        snprintf(b[4], 32, "%d", r->last);
        const char *v[] = {nd->code,
                           en ? nd->name_en : nd->name_zh,
                           b[2],
                           b[3],
                           b[4],
                           score_num(b[5], 32, r->last_value, 2),
                           score_num(b[6], 32, r->points ? r->yoy : r->yoy_rel, 2),
                           isnan(r->yoy) ? ""
                           : r->points   ? (en ? "pp" : "百分点")
                                         : "%",
                           score_num(b[8], 32, r->cagr * 100, 2),
                           score_num(b[9], 32, r->has_ols ? r->ols.slope : NAN, 3),
                           score_num(b[10], 32, r->has_ols ? r->ols.se : NAN, 3),
                           score_num(b[11], 32, r->has_ols ? r->ols.p : NAN, 4),
                           score_num(b[12], 32, r->has_mk ? r->mk.s : NAN, 0),
                           score_num(b[13], 32, r->has_mk ? r->mk.p : NAN, 4),
                           score_num(b[14], 32, r->has_mk ? r->mk.sen : NAN, 3)};
        cli_rows_add(rows, v);
    }
    int code = cli_rows_print(rows, fmt, stdout) == 0 ? LCM_EXIT_OK : LCM_EXIT_DATA;
    cli_rows_free(rows);
    return code;
}

int trend_print_waves(lcm_db *db, const char *city, cli_format fmt, int en) {
    static const score_col cols[] = {{"measure", "测量", "measure", 0},
                                     {"item", "题项", "item", 0},
                                     {"from", "前一轮", "from", 1},
                                     {"to", "后一轮", "to", 1},
                                     {"before", "前值", "before", 1},
                                     {"after", "后值", "after", 1},
                                     {"change", "变化", "change", 1},
                                     {"se", "标准误", "SE", 1},
                                     {"p", "p值", "p", 1},
                                     {"ci_low", "95%下限", "95% low", 1},
                                     {"ci_high", "95%上限", "95% high", 1}};
    lcm_wave_row *w = NULL;
    size_t n = 0;
    lcm_err err = {0};
    if (lcm_score_wave_changes(db, city, &w, &n, &err) != LCM_OK)
        return cli_fail(&err);
    cli_rows *rows = score_rows_new(cols, 11, fmt, en);
    for (size_t i = 0; rows && i < n; i++) {
        char b[11][32];
        snprintf(b[2], 32, "%d", w[i].y1), snprintf(b[3], 32, "%d", w[i].y2);
        const char *v[] = {w[i].measure,
                           w[i].item,
                           b[2],
                           b[3],
                           score_num(b[4], 32, w[i].e1, 2),
                           score_num(b[5], 32, w[i].e2, 2),
                           score_num(b[6], 32, w[i].change.diff, 2),
                           score_num(b[7], 32, w[i].change.se, 2),
                           score_num(b[8], 32, w[i].change.p, 4),
                           score_num(b[9], 32, w[i].change.lo, 2),
                           score_num(b[10], 32, w[i].change.hi, 2)};
        cli_rows_add(rows, v);
    }
    int code = !rows                                    ? LCM_EXIT_INTERNAL
               : cli_rows_print(rows, fmt, stdout) == 0 ? LCM_EXIT_OK
                                                        : LCM_EXIT_DATA;
    cli_rows_free(rows);
    free(w);
    return code;
}

int cmd_trend(int argc, char **argv) {
    static const struct option opts[] = {{"city", required_argument, NULL, 'c'},
                                         {"indicator", required_argument, NULL, 'i'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {0, 0, 0, 0}};
    const char *city = NULL, *indicator = NULL;
    int en = 0, c, code;
    cli_format fmt = CLI_TABLE;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'c')
            city = optarg;
        else if (c == 'i')
            indicator = optarg;
        else if (c == 'f' && cli_parse_format(optarg, &fmt) != 0)
            return cli_usage_error(cmd_trend_usage, "unknown format: '%s'", optarg);
        else if (c == 'l' && score_parse_lang(optarg, &en) != 0)
            return cli_usage_error(cmd_trend_usage, "unknown language: '%s'", optarg);
        else if (c != 'f' && c != 'l')
            return cli_usage_error(cmd_trend_usage, "bad option");
    }
    if (optind != argc - 1 || !city)
        return cli_usage_error(cmd_trend_usage, "need DB and --city");
    lcm_db *db = cli_open_db(argv[optind], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    lcm_trend_set t;
    lcm_err err = {0};
    if (lcm_score_trends(db, city, indicator, &t, &err) != LCM_OK) {
        lcm_db_close(db);
        return cli_fail(&err);
    }
    score_section(fmt, en, "监测点趋势", "trends of the monitoring points");
    code = trend_print(&t, fmt, en);
    lcm_trend_set_release(&t);
    if (code == LCM_EXIT_OK && fmt == CLI_TABLE && !indicator) {
        score_section(fmt, en, "问卷调查轮次间变化", "survey changes between waves");
        code = trend_print_waves(db, city, fmt, en);
    }
    lcm_db_close(db);
    return code;
}
