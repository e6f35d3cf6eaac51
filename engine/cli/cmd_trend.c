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

/* Columns of the trend table; machine-only ones (CSV/JSON) carry every statistic. */
enum {
    T_CODE,
    T_NAME,
    T_YEARS,
    T_FIRST,
    T_LAST,
    T_FIRST_VALUE,
    T_LAST_VALUE,
    T_YOY,
    T_YOY_UNIT,
    T_YOY_DIFF,
    T_YOY_REL,
    T_CAGR,
    T_OLS_SLOPE,
    T_OLS_INTERCEPT,
    T_OLS_SE,
    T_OLS_T,
    T_OLS_P,
    T_MK_S,
    T_MK_VAR_S,
    T_MK_Z,
    T_MK_P,
    T_SEN,
    T_NCOL
};

int trend_print(const lcm_trend_set *t, cli_format fmt, int en) {
    static const struct {
        score_col col;
        int machine_only, prec;
    } all[T_NCOL] = {{{"code", "代码", "code", 0}, 0, 0},
                     {{"indicator", "指标", "indicator", 0}, 0, 0},
                     {{"years", "年数", "years", 1}, 0, 0},
                     {{"first", "起始年", "from", 1}, 0, 0},
                     {{"last", "末年", "to", 1}, 0, 0},
                     {{"first_value", "起始值", "first value", 1}, 1, 2},
                     {{"last_value", "末值", "last value", 1}, 0, 2},
                     {{"yoy", "同比变化", "YoY change", 1}, 0, 2},
                     {{"yoy_unit", "单位", "unit", 0}, 0, 0},
                     {{"yoy_diff", "同比差值", "YoY difference", 1}, 1, 2},
                     {{"yoy_rel_pct", "同比变化%", "YoY change %", 1}, 1, 2},
                     {{"cagr_pct", "年均增长%", "CAGR %", 1}, 0, 2},
                     {{"ols_slope", "OLS斜率", "OLS slope", 1}, 0, 3},
                     {{"ols_intercept", "OLS截距", "OLS intercept", 1}, 1, 3},
                     {{"ols_se", "标准误", "SE", 1}, 0, 3},
                     {{"ols_t", "t值", "t", 1}, 1, 3},
                     {{"ols_p", "p值", "p", 1}, 0, 4},
                     {{"mk_s", "MK S", "MK S", 1}, 0, 0},
                     {{"mk_var_s", "MK Var(S)", "MK Var(S)", 1}, 1, 3},
                     {{"mk_z", "MK Z", "MK Z", 1}, 0, 3},
                     {{"mk_p", "MK p", "MK p", 1}, 0, 4},
                     {{"sen_slope", "Sen斜率", "Sen slope", 1}, 0, 3}};
    int machine = fmt != CLI_TABLE, use[T_NCOL], ncol = 0;
    score_col cols[T_NCOL];
    for (int k = 0; k < T_NCOL; k++)
        if ((use[k] = machine || !all[k].machine_only))
            cols[ncol++] = all[k].col;
    cli_rows *rows = score_rows_new(cols, ncol, fmt, en);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    for (size_t i = 0; i < t->nrow; i++) {
        const lcm_trend_row *r = &t->row[i];
        const lcm_score_node *nd = &t->frame.node[r->node];
        char b[T_NCOL][40];
        const char *v[T_NCOL], *out[T_NCOL];
        double num[T_NCOL];
        for (int k = 0; k < T_NCOL; k++)
            num[k] = NAN, v[k] = NULL;
        snprintf(b[T_YEARS], 40, "%zu", r->n), snprintf(b[T_FIRST], 40, "%d", r->first);
        snprintf(b[T_LAST], 40, "%d", r->last);
        v[T_CODE] = nd->code, v[T_NAME] = en ? nd->name_en : nd->name_zh;
        v[T_YEARS] = b[T_YEARS], v[T_FIRST] = b[T_FIRST], v[T_LAST] = b[T_LAST];
        v[T_YOY_UNIT] = isnan(r->yoy) ? "" : r->points ? (en ? "pp" : "百分点") : "%";
        num[T_FIRST_VALUE] = r->first_value, num[T_LAST_VALUE] = r->last_value;
        num[T_YOY] = r->points ? r->yoy : r->yoy_rel;
        num[T_YOY_DIFF] = r->yoy, num[T_YOY_REL] = r->yoy_rel, num[T_CAGR] = r->cagr * 100;
        if (r->has_ols) {
            num[T_OLS_SLOPE] = r->ols.slope, num[T_OLS_INTERCEPT] = r->ols.intercept;
            num[T_OLS_SE] = r->ols.se, num[T_OLS_T] = r->ols.t, num[T_OLS_P] = r->ols.p;
        }
        if (r->has_mk) {
            num[T_MK_S] = r->mk.s, num[T_MK_VAR_S] = r->mk.var_s, num[T_MK_Z] = r->mk.z;
            num[T_MK_P] = r->mk.p, num[T_SEN] = r->mk.sen;
        }
        int m = 0;
        for (int k = 0; k < T_NCOL; k++) {
            if (!v[k])
                v[k] = score_val(b[k], 40, num[k], all[k].prec, fmt);
            if (use[k])
                out[m++] = v[k];
        }
        cli_rows_add(rows, out);
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
        char b[11][40];
        snprintf(b[2], 32, "%d", w[i].y1), snprintf(b[3], 32, "%d", w[i].y2);
        const char *v[] = {w[i].measure,
                           w[i].item,
                           b[2],
                           b[3],
                           score_val(b[4], 32, w[i].e1, 2, fmt),
                           score_val(b[5], 32, w[i].e2, 2, fmt),
                           score_val(b[6], 32, w[i].change.diff, 2, fmt),
                           score_val(b[7], 32, w[i].change.se, 2, fmt),
                           score_val(b[8], 32, w[i].change.p, 4, fmt),
                           score_val(b[9], 32, w[i].change.lo, 2, fmt),
                           score_val(b[10], 32, w[i].change.hi, 2, fmt)};
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
