/*
 * feedback_ratings.c - the expert-rating sections of the reports (issue 16, docs/ratings.md),
 * read from the newest ratings run of the year (lcm_rating_stats_store: rating_reliability,
 * rating_severity) and the counted ratings: nationally, the agreement of the reviewers per
 * rating point and each reviewer's severity; for a city, each rating point's reviewers' mean
 * beside the mean with the reviewers' severity removed (and the adjudicated score, if any).
 * Reviewers appear by the code they were recorded under, in the national report only.
 */
#include "feedback_int.h"
#include "rating.h"

#include <math.h>
#include <string.h>

static lcm_report_cell est(rb *b, double v, double lo, double hi, int dec, const char *ref) {
    lcm_report_cell c = rb_num_ref(b, v, dec, ref);
    c.kind = LCM_CELL_EST;
    c.lo = lo, c.hi = hi;
    return c;
}

static const char *ref_rel(rb *b, long long run, const char *code, const char *field) {
    return lcm_arena_printf(b->a,
                            "{\"stat\": \"rating_reliability\", \"run\": %lld, \"indicator\": "
                            "%s, \"field\": \"%s\"}",
                            run, rb_json_str(b, code), field);
}

static const char *ref_mean(rb *b, long long run, const char *city, const char *code,
                            const char *field) {
    return lcm_arena_printf(b->a,
                            "{\"stat\": \"rating_mean\", \"run\": %lld, \"city\": %s, "
                            "\"indicator\": %s, \"field\": \"%s\"}",
                            run, rb_json_str(b, city), rb_json_str(b, code), field);
}

static double col(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

void rb_ratings_national(lcm_db *db, rb *b, int year, lcm_err *err) {
    long long run = 0;
    rb_section(b,
               RB_T(b, "七、专家评审的一致性与评审尺度", "7. Agreement and severity of reviewers"));
    if (lcm_rating_latest_run(db, year, &run, err) != LCM_OK) {
        rb_para(b, RB_T(b, "本年度尚未计算专家评审的一致性。",
                        "The reviewers' agreement has not been computed for this year."));
        return;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            lcm_db_sqlite(db),
            "SELECT r.indicator_code, coalesce(i.name_zh, ''), coalesce(i.name_en, ''),"
            " r.ncity, r.nreviewer, r.icc1, r.icc1_lo, r.icc1_hi, r.icck, r.icck_lo,"
            " r.icck_hi, r.alpha, r.alpha_lo, r.alpha_hi FROM rating_reliability r"
            " LEFT JOIN indicators i ON i.code = r.indicator_code WHERE r.run_id = ?1"
            " ORDER BY i.ord IS NULL, i.ord",
            -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(st, 1, run);
    size_t cap = 32, n = 0;
    lcm_report_cell *cell = rb_cells(b, cap * 6);
    while (cell && n < cap && sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        int all = strcmp(code, "overall") == 0;
        lcm_report_cell *c = &cell[n++ * 6];
        c[0] = rb_text(b, all ? RB_T(b, "全部评审监测点", "all rating points")
                              : lcm_arena_printf(b->a, "%s %s", code,
                                                 (const char *)sqlite3_column_text(
                                                     st, b->lang == LCM_LANG_EN ? 2 : 1)));
        c[1] = rb_num_ref(b, col(st, 3), 0, ref_rel(b, run, code, "ncity"));
        c[2] = rb_num_ref(b, col(st, 4), 0, ref_rel(b, run, code, "nreviewer"));
        c[3] = est(b, col(st, 5), col(st, 6), col(st, 7), 2, ref_rel(b, run, code, "icc1"));
        c[4] = est(b, col(st, 8), col(st, 9), col(st, 10), 2, ref_rel(b, run, code, "icck"));
        c[5] = est(b, col(st, 11), col(st, 12), col(st, 13), 2, ref_rel(b, run, code, "alpha"));
    }
    sqlite3_finalize(st);
    static const char *head_zh[] = {"监测点",
                                    "城市数",
                                    "评审人数",
                                    "单个评审的一致性ICC(2,1)",
                                    "评审组均值的一致性ICC(2,k)",
                                    "等级一致性Krippendorff α"};
    static const char *head_en[] = {"rating point", "cities",   "reviewers",
                                    "ICC(2,1)",     "ICC(2,k)", "Krippendorff's alpha (ordinal)"};
    rb_para(b, RB_T(b,
                    "每个评审监测点至少由三位专家独立评审。下表衡量专家之间的一致程度（1为完全"
                    "一致，0为与随机无异），括号内为95%置信区间；0.75以上通常视为良好，0.5以下"
                    "说明评审标准需要统一。计算方法见lcmon文档的专家评审说明。",
                    "Every rating point is rated independently by at least three reviewers. The "
                    "table measures how far they agree (1 complete agreement, 0 no better than "
                    "chance), with 95% intervals; above 0.75 is usually read as good, below 0.5 "
                    "calls for a common reading of the rubric. Methods: docs/ratings.md."));
    lcm_report_table t = {
        RB_T(b, "专家评审的一致性", "Agreement between reviewers"),
        n,
        6,
        b->lang == LCM_LANG_EN ? head_en : head_zh,
        cell,
        RB_T(b,
             "ICC为双向随机、绝对一致模型（区间按F分布）；α按等级（序次）计算，"
             "区间为以城市为单位的1000次自助抽样（种子1）；“全部评审监测点”一行的城市数为城市与"
             "监测点的组合数，α按组合抽样，ICC"
             "为各监测点方差分析合并所得，不给区间。",
             "ICC: two-way random effects, absolute agreement (F-based "
             "intervals); alpha on the levels (ordinal), interval from 1000 "
             "bootstrap resamples of the cities (seed 1); the row of all points "
             "counts city x point pairs, resamples them for alpha, and pools "
             "the points' ANOVAs for the ICC, which has no interval.")};
    if (cell && n)
        rb_table(b, &t);
    /* reviewers' severity */
    if (sqlite3_prepare_v2(lcm_db_sqlite(db),
                           "SELECT reviewer, effect, n FROM rating_severity WHERE run_id = ?1"
                           " ORDER BY effect",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(st, 1, run);
    size_t m = 0;
    lcm_report_cell *sc = rb_cells(b, 64 * 3);
    while (sc && m < 64 && sqlite3_step(st) == SQLITE_ROW) {
        const char *who = (const char *)sqlite3_column_text(st, 0);
        const char *ref = lcm_arena_printf(
            b->a, "{\"stat\": \"rating_severity\", \"run\": %lld, \"reviewer\": %s}", run,
            rb_json_str(b, who));
        sc[m * 3] = rb_text(b, who);
        sc[m * 3 + 1] = rb_num_ref(b, col(st, 1), 1, ref);
        sc[m * 3 + 2] = rb_num(col(st, 2), 0);
        m++;
    }
    sqlite3_finalize(st);
    static const char *sh_zh[] = {"评审专家", "评分尺度（分，负为偏严）", "评分次数"};
    static const char *sh_en[] = {"reviewer", "severity (points, negative = severe)", "ratings"};
    lcm_report_table s = {RB_T(b, "评审专家的宽严尺度", "Reviewers' severity"),
                          m,
                          3,
                          b->lang == LCM_LANG_EN ? sh_en : sh_zh,
                          sc,
                          RB_T(b,
                               "以最小二乘法估计：评分 = 城市该监测点的水平 + 专家效应 + 误差，"
                               "专家效应之和为0。正值表示该专家评分偏宽，负值偏严。",
                               "Least squares: rating = the city's level on the point + reviewer "
                               "effect + error, effects summing to 0. Positive: lenient; "
                               "negative: severe.")};
    if (sc && m)
        rb_table(b, &s);
}

void rb_ratings_city(lcm_db *db, rb *b, const char *city, int year, lcm_err *err) {
    long long run = 0;
    if (lcm_rating_latest_run(db, year, &run, err) != LCM_OK)
        return;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            lcm_db_sqlite(db),
            "SELECT r.indicator_code, i.name_zh, i.name_en, count(*), avg(r.score),"
            " avg(r.score - coalesce(s.effect, 0)), a.score FROM ratings_counted r"
            " JOIN indicators i ON i.code = r.indicator_code"
            " LEFT JOIN rating_severity s ON s.run_id = ?3 AND s.reviewer = r.reviewer"
            " LEFT JOIN rating_adjudications a ON a.city_code = r.city_code AND a.year = r.year"
            "  AND a.indicator_code = r.indicator_code"
            " WHERE r.city_code = ?1 AND r.year = ?2 GROUP BY r.indicator_code ORDER BY i.ord",
            -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_int64(st, 3, run);
    size_t n = 0;
    lcm_report_cell *cell = rb_cells(b, 32 * 6);
    while (cell && n < 32 && sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        lcm_report_cell *c = &cell[n++ * 6];
        c[0] = rb_text(b, lcm_arena_printf(b->a, "%s %s", code,
                                           (const char *)sqlite3_column_text(
                                               st, b->lang == LCM_LANG_EN ? 2 : 1)));
        c[1] = rb_num(col(st, 3), 0);
        c[2] = rb_num_ref(b, col(st, 4), 1, ref_mean(b, run, city, code, "raw"));
        c[3] = rb_num_ref(b, col(st, 5), 1, ref_mean(b, run, city, code, "adjusted"));
        c[4] = rb_num(col(st, 5) - col(st, 4), 1);
        c[5] = rb_num(col(st, 6), 1);
    }
    sqlite3_finalize(st);
    if (!cell || n == 0)
        return;
    static const char *head_zh[] = {"监测点",     "评审人数", "专家评分均值",
                                    "尺度校正后", "差值",     "裁定分"};
    static const char *head_en[] = {"rating point",      "reviewers",  "reviewers' mean",
                                    "severity-adjusted", "difference", "adjudicated"};
    rb_section(b, RB_T(b, "十三、专家评审：评分与尺度校正", "13. Expert ratings and severity"));
    rb_para(b, RB_T(b,
                    "专家评审监测点的得分为至少三位专家评分的平均。专家之间宽严不一：去掉每位"
                    "专家的宽严效应（见全国报告）后的均值列在旁边，差值为正说明为本市评审的专家"
                    "总体偏严。存在裁定分的监测点以裁定分计分。",
                    "A rating point's value is the mean of at least three reviewers' scores. "
                    "Reviewers differ in severity: the mean with each reviewer's effect removed "
                    "(national report) is shown beside it; a positive difference means the city's "
                    "reviewers were on the whole severe. An adjudicated score replaces the mean."));
    lcm_report_table t = {RB_T(b, "专家评审监测点", "Rating points"),
                          n,
                          6,
                          b->lang == LCM_LANG_EN ? head_en : head_zh,
                          cell,
                          RB_T(b, "综合得分使用专家评分均值；计分时可选择以尺度校正后的数值计分。",
                               "Overall scores use the reviewers' mean; 'lcmon score "
                               "--adjust-severity' scores with the adjusted values.")};
    rb_table(b, &t);
}
