/*
 * feedback_city.c - the monitoring feedback report of one city and year (以测促建): where
 * the city stands, how sure we are, what its residents say, what changed and what to
 * work on. Numbers come from the year's latest score run, the survey measures and fresh
 * design-based estimates; every survey cell carries its n and is suppressed below min_n.
 */
#include "estimate.h"
#include "feedback_int.h"
#include "score.h"
#include "units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NSERV 8
static const char *const serv_code[NSERV] = {"cc", "eu", "pc", "rd", "ol", "vt", "cb", "st"};
static const char *const serv_zh[NSERV] = {
    "社区教育学院/社区学校/教学点", "老年大学（学校）",
    "公共图书馆、文化馆、博物馆等", "全民阅读活动",
    "终身学习平台/社区教育云课堂",  "职业技能培训",
    "学分银行/终身学习账户",        "百姓学习之星/终身学习品牌"};
static const char *const serv_en[NSERV] = {"Community colleges, schools and learning points",
                                           "Universities for older adults",
                                           "Libraries, cultural centres, museums",
                                           "Reading-for-all activities",
                                           "Lifelong-learning platforms / online classes",
                                           "Vocational skills training",
                                           "Credit bank / lifelong-learning account",
                                           "Learning stars / lifelong-learning brands"};

typedef struct city_ctx {
    lcm_db *db;
    rb *b;
    const lcm_feedback_opts *o;
    long long run;
    rb_city *cities;
    size_t ncity;
    long me; /* index of the city in cities */
    char province[64];
    lcm_err *err;
} city_ctx;

static const char *tier_name(rb *b, const char *tier) {
    static const char *const k[] = {"municipality", "provincial_capital", "separately_planned",
                                    "prefecture"};
    static const char *const zh[] = {"直辖市", "省会城市", "计划单列市", "地级市"};
    static const char *const en[] = {"municipality", "provincial capital",
                                     "separately planned city", "prefecture-level city"};
    for (int i = 0; i < 4; i++)
        if (strcmp(tier, k[i]) == 0)
            return RB_T(b, zh[i], en[i]);
    return tier;
}

static const char *region_name(rb *b, const char *r) {
    return strcmp(r, "east") == 0      ? RB_T(b, "东部", "east")
           : strcmp(r, "central") == 0 ? RB_T(b, "中部", "central")
                                       : RB_T(b, "西部", "west");
}

/* Estimate with a normal 95% interval, scaled (proportions to %). */
static lcm_report_cell est_cell(double est, double se, long n, double scale) {
    return rb_est(est * scale, (est - 1.959964 * se) * scale, (est + 1.959964 * se) * scale, 1, n);
}

static void summary(city_ctx *x) {
    rb *b = x->b;
    const rb_city *c = &x->cities[x->me];
    int y = x->o->year;
    rb_section(b, RB_T(b, "一、总体情况", "1. Summary"));
    rb_para(b, lcm_arena_printf(
                   b->a,
                   RB_T(b,
                        "%s（%s，%s地区，%s）：%d年参加监测的%zu个城市中，综合得分%.1f，排名第%d；"
                        "考虑指标权重、标准化与汇总方法以及抽样误差的不确定性，名次有90%%的可能"
                        "落在第%d至第%d名之间。在本地区排名第%d，在同层级城市中排名第%d。",
                        "%s (%s, %s region, %s): in %d, among the %zu monitored cities, overall "
                        "score %.1f, rank %d; allowing for uncertainty in weights, normalisation, "
                        "aggregation and sampling, the rank lies between %d and %d with 90%% "
                        "probability. Rank %d in its region and %d among cities of its tier."),
                   c->name, x->province, region_name(b, c->region), tier_name(b, c->tier), y,
                   x->ncity, c->score, c->rank, c->p05, c->p95, c->rank_region, c->rank_tier));
    double e[3], se[3];
    long n[3];
    static const char *const m[3] = {"awareness", "participation", "satisfaction_index"};
    for (int i = 0; i < 3; i++)
        rb_measure(x->db, c->code, y, m[i], "", &e[i], &se[i], &n[i]);
    if (isnan(e[0]))
        rb_para(b, RB_T(b, "本年度没有该市的住户问卷调查结果。",
                        "There are no household survey results for this city this year."));
    else
        rb_para(b, lcm_arena_printf(
                       b->a,
                       RB_T(b,
                            "住户问卷调查（%ld位受访者）显示：市民对终身学习资源和服务的平均知晓"
                            "度为%.1f%%（±%.1f），过去12个月参与率为%.1f%%（±%.1f），满意度指数"
                            "为%.1f（±%.1f，0–100）。括号内为95%%置信区间的半宽。",
                            "The household survey (%ld respondents) finds an average awareness of "
                            "lifelong-learning services of %.1f%% (±%.1f), participation in the "
                            "last 12 months of %.1f%% (±%.1f) and a satisfaction index of %.1f "
                            "(±%.1f, 0-100). ± gives the half-width of the 95%% confidence "
                            "interval."),
                       n[0], 100 * e[0], 196 * se[0], 100 * e[1], 196 * se[1], e[2], 1.96 * se[2]));
}

typedef struct node {
    char code[16], name[512], unit[32], kind[16];
    int level;
    double raw, score, median; /* the city's raw value and score, the peers' median score */
} node;

/* The framework with the city's scores and the median over every monitored city. */
static lcm_status load_nodes(city_ctx *x, node **out, size_t *n) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(x->db,
                                   "SELECT code, level, name_zh, name_en, coalesce(unit, ''), "
                                   "coalesce(kind, '') FROM indicators ORDER BY ord",
                                   &st, x->err);
    node *v = lcm_arena_alloc(x->b->a, 128 * sizeof *v);
    double *all = malloc(x->ncity * 2 * sizeof *all);
    *n = 0;
    if (rc == LCM_OK && (!v || !all))
        rc = lcm_err_set(x->err, LCM_NOMEM, "out of memory");
    while (rc == LCM_OK && *n < 128 && sqlite3_step(st) == SQLITE_ROW) {
        node *d = &v[(*n)++];
        snprintf(d->code, sizeof d->code, "%s", sqlite3_column_text(st, 0));
        d->level = sqlite3_column_int(st, 1);
        snprintf(d->name, sizeof d->name, "%s",
                 sqlite3_column_text(st, x->b->lang == LCM_LANG_EN ? 3 : 2));
        snprintf(d->unit, sizeof d->unit, "%s", sqlite3_column_text(st, 4));
        snprintf(d->kind, sizeof d->kind, "%s", sqlite3_column_text(st, 5));
        rc = rb_scores(x->db, x->run, d->code, x->cities, x->ncity, all, all + x->ncity, x->err);
        d->score = all[x->me], d->raw = all[x->ncity + x->me];
        d->median = rb_median(all, x->ncity);
    }
    sqlite3_finalize(st);
    free(all);
    *out = v;
    return rc;
}

static void ranks_chart(city_ctx *x) {
    rb *b = x->b;
    rb_ranks_chart(b, x->cities, x->ncity, x->me,
                   RB_T(b, "综合得分名次及其不确定性", "Overall rank and its uncertainty"));
}

static void radar_chart(city_ctx *x, const node *v, size_t n) {
    rb *b = x->b;
    lcm_chart_radar c = {RB_T(b, "指标得分与全部监测城市中位数", "Scores against the median city"),
                         x->cities[x->me].name,
                         100,
                         2,
                         {{0}},
                         RB_T(b, "全部监测城市中位数", "median city"),
                         RB_T(b, "缺失", "missing")};
    for (int p = 0; p < 2; p++) {
        const char **label = lcm_arena_alloc(b->a, n * sizeof *label);
        double *val = lcm_arena_alloc(b->a, 2 * n * sizeof *val);
        size_t k = 0;
        if (!label || !val)
            return;
        for (size_t i = 0; i < n; i++) /* background (1, 1.x) is context, not scored */
            if (v[i].level == p + 1 && v[i].code[0] != '1') {
                label[k] = v[i].name;
                val[k] = v[i].score, val[n + k] = v[i].median;
                k++;
            }
        c.panel[p] =
            (lcm_chart_radar_panel){p == 0 ? RB_T(b, "一级指标", "First-level indicators")
                                           : RB_T(b, "二级指标", "Second-level indicators"),
                                    k, label, val, val + n};
    }
    lcm_chart_opts o = rb_opts(b, "radar");
    if (b->chart_status == LCM_OK)
        b->chart_status = lcm_chart_radar_render(&c, &o, b->sf, b->chart_msg, sizeof b->chart_msg);
    rb_chart(b, "radar",
             RB_T(b, "一级、二级指标得分雷达图", "radar of first- and second-level scores"),
             RB_T(b, "一级指标与二级指标得分，虚线为全部监测城市中位数",
                  "First- and second-level scores; dashed: median city"));
}

static void scores_section(city_ctx *x, const node *v, size_t n) {
    rb *b = x->b;
    rb_section(b, RB_T(b, "二、得分与排名", "2. Scores and ranks"));
    radar_chart(x, v, n);
    size_t rows = 0;
    for (size_t i = 0; i < n; i++)
        rows += v[i].level <= 2;
    lcm_report_cell *cell = rb_cells(b, rows * 4);
    static const char *head_zh[] = {"代码", "指标", "得分", "中位数"};
    static const char *head_en[] = {"code", "indicator", "score", "median"};
    size_t r = 0;
    for (size_t i = 0; cell && i < n; i++) {
        if (v[i].level > 2)
            continue;
        cell[r * 4] = rb_text(b, v[i].code);
        cell[r * 4 + 1] = rb_text(
            b, lcm_arena_printf(b->a, "%s%s",
                                v[i].level == 2 ? RB_T(b, "　", "\xE2\x80\x83") /* em space */ : "",
                                v[i].name));
        cell[r * 4 + 2] = rb_num(v[i].score, 1);
        cell[r * 4 + 3] = rb_num(v[i].median, 1);
        r++;
    }
    lcm_report_table t = {
        RB_T(b, "一级、二级指标得分（0–100）", "First- and second-level scores (0-100)"),
        rows,
        4,
        b->lang == LCM_LANG_EN ? head_en : head_zh,
        cell,
        RB_T(b, "中位数为全部监测城市的中位数。", "Median over all monitored cities.")};
    if (cell)
        rb_table(b, &t);
    ranks_chart(x);
}

static const char *const cn_num[] = {"三", "四", "五", "六"};

/* A point's value as people read it: yes/no as words, reviewers' scores in points. */
static const char *point_value(rb *b, const node *d, int decimals) {
    if (isnan(d->raw))
        return RB_T(b, "缺失", "missing");
    if (strcmp(d->kind, "yesno") == 0)
        return d->raw > 0.5 ? RB_T(b, "是", "yes") : RB_T(b, "否", "no");
    const char *unit = lcm_unit_label(d->unit, b->lang);
    return lcm_arena_printf(b->a, "%.*f %s", decimals, d->raw, unit);
}

/* One section per first-level indicator: its points with value, score and median. */
static void point_sections(city_ctx *x, const node *v, size_t n) {
    rb *b = x->b;
    int s = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].level != 1)
            continue;
        rb_section(b, b->lang == LCM_LANG_EN
                          ? lcm_arena_printf(b->a, "%d. %s", 3 + s, v[i].name)
                          : lcm_arena_printf(b->a, "%s、%s", cn_num[s % 4], v[i].name));
        s++;
        size_t rows = 0, len = strlen(v[i].code);
        for (size_t j = 0; j < n; j++)
            rows +=
                v[j].level == 3 && strncmp(v[j].code, v[i].code, len) == 0 && v[j].code[len] == '.';
        lcm_report_cell *cell = rb_cells(b, rows * 5);
        size_t r = 0;
        for (size_t j = 0; cell && j < n; j++) {
            if (!(v[j].level == 3 && strncmp(v[j].code, v[i].code, len) == 0 &&
                  v[j].code[len] == '.'))
                continue;
            int decimals = fabs(v[j].raw) >= 1000 ? 0 : 2;
            cell[r * 5] = rb_text(b, v[j].code);
            cell[r * 5 + 1] = rb_text(b, v[j].name);
            if (isnan(v[j].raw) || strcmp(v[j].kind, "yesno") == 0) {
                cell[r * 5 + 2] = rb_text(b, point_value(b, &v[j], decimals));
            } else { /* a number: right-aligned, grouped, its unit after it */
                cell[r * 5 + 2] = rb_num(v[j].raw, decimals);
                cell[r * 5 + 2].unit = lcm_unit_label(v[j].unit, b->lang);
            }
            cell[r * 5 + 3] = rb_num(v[j].score, 1);
            cell[r * 5 + 4] = rb_num(v[j].median, 1);
            r++;
        }
        static const char *head_zh[] = {"代码", "监测点", "数值", "得分", "中位数"};
        static const char *head_en[] = {"code", "monitoring point", "value", "score", "median"};
        lcm_report_table t = {RB_T(b, "监测点数值与标准化得分", "Values and normalised scores"),
                              rows,
                              5,
                              b->lang == LCM_LANG_EN ? head_en : head_zh,
                              cell,
                              i == 0 ? RB_T(b, "背景指标仅作参考，不计入综合得分。",
                                            "Background points are context, not scored.")
                                     : NULL};
        if (cell && rows)
            rb_table(b, &t);
    }
}

/* Design-based estimates of the city's respondents for vars by (city[, group]). */
static lcm_est_result *city_estimates(city_ctx *x, const char *const *vars, size_t nvar,
                                      const char *group) {
    lcm_est_request req = {.wave = x->o->year,
                           .vars = vars,
                           .nvar = nvar,
                           .nby = group ? 2 : 1,
                           .kind = LCM_EST_MEAN,
                           .ci = LCM_CI_WALD,
                           .level = 0.95,
                           .min_n = x->o->min_n};
    const char *by[2] = {"city", group};
    lcm_est_result *r = NULL;
    lcm_err e = {0};
    req.by = by;
    if (lcm_source_resolve(x->db, LCM_SOURCE_FORM, "household", &req.source, &e) != LCM_OK ||
        lcm_estimate_run(x->db, &req, &r, &e) != LCM_OK)
        return NULL;
    return r;
}

static const lcm_est_row *find_row(const lcm_est_result *r, const char *city, const char *var,
                                   const char *group) {
    for (size_t i = 0; r && i < lcm_est_result_count(r); i++) {
        const lcm_est_row *row = lcm_est_result_row(r, i);
        if (strcmp(row->by[0], city) == 0 && strcmp(row->variable, var) == 0 &&
            (!group || strcmp(row->by[1], group) == 0))
            return row;
    }
    return NULL;
}

static lcm_report_cell row_cell(const lcm_est_row *row, double scale, double shift) {
    if (!row)
        return rb_est(NAN, NAN, NAN, 1, 0);
    return rb_est((row->est.estimate + shift) * scale, (row->ci_low + shift) * scale,
                  (row->ci_high + shift) * scale, 1, (long)row->est.nrows);
}

static void services_table(city_ctx *x) {
    rb *b = x->b;
    const char *vars[3 * NSERV];
    for (int s = 0; s < NSERV; s++) {
        vars[s] = lcm_arena_printf(b->a, "aware_%s", serv_code[s]);
        vars[NSERV + s] = lcm_arena_printf(b->a, "use_%s", serv_code[s]);
        vars[2 * NSERV + s] = lcm_arena_printf(b->a, "sat_%s", serv_code[s]);
    }
    lcm_est_result *r = city_estimates(x, vars, 3 * NSERV, NULL);
    lcm_report_cell *cell = rb_cells(b, NSERV * 4);
    const char *city = x->cities[x->me].code;
    for (int s = 0; r && cell && s < NSERV; s++) {
        cell[s * 4] = rb_text(b, RB_T(b, serv_zh[s], serv_en[s]));
        cell[s * 4 + 1] = row_cell(find_row(r, city, vars[s], NULL), 100, 0);
        cell[s * 4 + 2] = row_cell(find_row(r, city, vars[NSERV + s], NULL), 100, 0);
        cell[s * 4 + 3] = row_cell(find_row(r, city, vars[2 * NSERV + s], NULL), 25, -1);
    }
    static const char *head_zh[] = {"服务项目", "知晓率（%）", "使用率（知晓者中，%）",
                                    "满意度指数（使用者）"};
    static const char *head_en[] = {"service", "aware (%)", "used (% of aware)",
                                    "satisfaction index (users)"};
    lcm_report_table t = {RB_T(b, "各类终身学习资源和服务的知晓、使用与满意度",
                               "Awareness, use and satisfaction by service"),
                          NSERV,
                          4,
                          b->lang == LCM_LANG_EN ? head_en : head_zh,
                          cell,
                          RB_T(b,
                               "括号内为95%置信区间（设计自由度t分布）；样本量不足的格子不予公布。",
                               "95% confidence intervals in brackets (t on design df); cells "
                               "with too few respondents are suppressed.")};
    if (r && cell)
        rb_table(b, &t);
    lcm_est_result_free(r);
}

static void groups_table(city_ctx *x) {
    rb *b = x->b;
    static const char *const vars[] = {"aware_share", "participated", "sat_index"};
    static const struct {
        const char *col, *level, *zh, *en;
    } groups[] = {{"sex", "1", "男", "men"},
                  {"sex", "2", "女", "women"},
                  {"age_band", "16-29", "16–29岁", "16-29"},
                  {"age_band", "30-44", "30–44岁", "30-44"},
                  {"age_band", "45-59", "45–59岁", "45-59"},
                  {"age_band", "60+", "60岁及以上", "60+"}};
    size_t ng = sizeof groups / sizeof groups[0];
    lcm_report_cell *cell = rb_cells(b, ng * 4);
    lcm_est_result *by_sex = city_estimates(x, vars, 3, "sex");
    lcm_est_result *by_age = city_estimates(x, vars, 3, "age_band");
    const char *city = x->cities[x->me].code;
    for (size_t g = 0; cell && g < ng; g++) {
        const lcm_est_result *r = strcmp(groups[g].col, "sex") == 0 ? by_sex : by_age;
        cell[g * 4] = rb_text(b, RB_T(b, groups[g].zh, groups[g].en));
        cell[g * 4 + 1] = row_cell(find_row(r, city, vars[0], groups[g].level), 100, 0);
        cell[g * 4 + 2] = row_cell(find_row(r, city, vars[1], groups[g].level), 100, 0);
        cell[g * 4 + 3] = row_cell(find_row(r, city, vars[2], groups[g].level), 1, 0);
    }
    static const char *head_zh[] = {"群体", "平均知晓度（%）", "参与率（%）", "满意度指数"};
    static const char *head_en[] = {"group", "awareness (%)", "participation (%)",
                                    "satisfaction index"};
    lcm_report_table t = {RB_T(b, "分群体的知晓度、参与率与满意度", "By sex and age"),
                          ng,
                          4,
                          b->lang == LCM_LANG_EN ? head_en : head_zh,
                          cell,
                          NULL};
    if (cell && (by_sex || by_age))
        rb_table(b, &t);
    lcm_est_result_free(by_sex);
    lcm_est_result_free(by_age);
}

/* Satisfaction index of every monitored city, this city highlighted. */
static void comparison_chart(city_ctx *x) {
    rb *b = x->b;
    size_t n = x->ncity;
    const char **label = lcm_arena_alloc(b->a, n * sizeof *label);
    double *v = lcm_arena_alloc(b->a, 3 * n * sizeof *v);
    if (!label || !v || b->chart_status != LCM_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        double e, se;
        long k;
        rb_measure(x->db, x->cities[i].code, x->o->year, "satisfaction_index", "", &e, &se, &k);
        label[i] = x->cities[i].name;
        v[i] = e, v[n + i] = e - 1.96 * se, v[2 * n + i] = e + 1.96 * se;
    }
    lcm_chart_bars c = {RB_T(b, "市民满意度指数：各监测城市比较", "Satisfaction index by city"),
                        RB_T(b, "满意度指数（0–100）", "satisfaction index (0-100)"),
                        n,
                        label,
                        v,
                        v + n,
                        v + 2 * n,
                        x->me,
                        NAN,
                        0,
                        RB_T(b, "其他城市", "other cities"),
                        RB_T(b, "中位数", "median"),
                        RB_T(b, "95%置信区间", "95% CI"),
                        RB_T(b, "无数据", "no data")};
    lcm_chart_opts o = rb_opts(b, "compare");
    b->chart_status = lcm_chart_bars_render(&c, &o, b->sf, b->chart_msg, sizeof b->chart_msg);
    rb_chart(b, "compare", RB_T(b, "满意度指数城市比较", "satisfaction by city"),
             RB_T(b, "各城市满意度指数及95%置信区间，虚线为中位数",
                  "Satisfaction index with 95% CI; dashed line: median"));
}

static void ipa_chart(city_ctx *x) {
    rb *b = x->b;
    const char **label = lcm_arena_alloc(b->a, NSERV * sizeof *label);
    double *v = lcm_arena_alloc(b->a, 2 * NSERV * sizeof *v);
    int have = 0;
    if (!label || !v || b->chart_status != LCM_OK)
        return;
    for (int s = 0; s < NSERV; s++) {
        double se;
        long k;
        label[s] = RB_T(b, serv_zh[s], serv_en[s]);
        rb_measure(x->db, x->cities[x->me].code, x->o->year, "satisfaction_index", serv_code[s],
                   &v[s], &se, &k);
        rb_measure(x->db, x->cities[x->me].code, x->o->year, "importance", serv_code[s],
                   &v[NSERV + s], &se, &k);
        have += !isnan(v[s]) && !isnan(v[NSERV + s]);
    }
    if (have < 2)
        return;
    lcm_chart_ipa c = {
        RB_T(b, "重要性—表现分析", "Importance-performance analysis"),
        RB_T(b, "表现：满意度指数（0–100）", "performance: satisfaction (0-100)"),
        RB_T(b, "重要性：与总体满意度的相关系数", "importance: correlation with overall"),
        NSERV,
        label,
        v,
        v + NSERV,
        NAN,
        NAN,
        {RB_T(b, "继续保持", "keep up the good work"), RB_T(b, "重点改进", "concentrate here"),
         RB_T(b, "次要改进", "low priority"), RB_T(b, "可能过度投入", "possible overkill")}};
    lcm_chart_opts o = rb_opts(b, "ipa");
    b->chart_status = lcm_chart_ipa_render(&c, &o, b->sf, b->chart_msg, sizeof b->chart_msg);
    rb_chart(b, "ipa", RB_T(b, "重要性—表现象限图", "importance-performance quadrants"),
             RB_T(b, "各项服务的重要性与表现：右下象限为应重点改进的项目",
                  "Importance and performance of each service"));
}

static void survey_section(city_ctx *x) {
    rb *b = x->b;
    rb_section(b, RB_T(b, "七、市民问卷调查结果（监测点4.2.1）",
                       "7. Household survey (monitoring point 4.2.1)"));
    static const struct {
        const char *m, *zh, *en;
        double scale;
    } rows[] = {
        {"awareness", "平均知晓度（%）", "awareness (%)", 100},
        {"participation", "参与率（%）", "participation (%)", 100},
        {"satisfaction_index", "满意度指数（0–100）", "satisfaction index (0-100)", 1},
        {"satisfaction_top2", "满意及非常满意比例（%）", "satisfied or very satisfied (%)", 100}};
    lcm_report_cell *cell = rb_cells(b, 4 * 2);
    for (int i = 0; cell && i < 4; i++) {
        double e, se;
        long n;
        rb_measure(x->db, x->cities[x->me].code, x->o->year, rows[i].m, "", &e, &se, &n);
        cell[i * 2] = rb_text(b, RB_T(b, rows[i].zh, rows[i].en));
        cell[i * 2 + 1] = est_cell(e, se, n, rows[i].scale);
    }
    static const char *head_zh[] = {"指标", "估计值（95%置信区间）"};
    static const char *head_en[] = {"measure", "estimate (95% CI)"};
    lcm_report_table t = {
        RB_T(b, "知晓度、参与度与满意度", "Awareness, participation, satisfaction"),
        4,
        2,
        b->lang == LCM_LANG_EN ? head_en : head_zh,
        cell,
        RB_T(b, "按抽样设计加权（分层两阶段抽样，按性别、年龄结构进行了事后加权调整）。",
             "Design-weighted (stratified two-stage sample, raked to sex and "
             "age margins).")};
    if (cell)
        rb_table(b, &t);
    services_table(x);
    groups_table(x);
    comparison_chart(x);
    ipa_chart(x);
}

static int cmp_gap(const void *a, const void *b) {
    const node *x = *(const node *const *)a, *y = *(const node *const *)b;
    double gx = x->score - x->median, gy = y->score - y->median;
    return gx < gy ? 1 : gx > gy ? -1 : strcmp(x->code, y->code);
}

/* The scored points furthest above and below the median city. */
static void strengths_section(city_ctx *x, node *v, size_t n) {
    rb *b = x->b;
    const node **p = lcm_arena_alloc(b->a, n * sizeof *p);
    size_t m = 0;
    for (size_t i = 0; p && i < n; i++)
        if (v[i].level == 3 && !isnan(v[i].score) && !isnan(v[i].median) &&
            strncmp(v[i].code, "1.", 2) != 0)
            p[m++] = &v[i];
    if (!p)
        return;
    qsort(p, m, sizeof *p, cmp_gap);
    rb_section(b, RB_T(b, "八、优势与短板", "8. Strengths and weaknesses"));
    const char *items[3];
    size_t k = 0;
    for (size_t i = 0; i < m && k < 3 && p[i]->score > p[i]->median; i++)
        items[k++] =
            lcm_arena_printf(b->a,
                             RB_T(b, "%s %s：得分%.1f，高于中位数%.1f分",
                                  "%s %s: score %.1f, %.1f above the median"),
                             p[i]->code, p[i]->name, p[i]->score, p[i]->score - p[i]->median);
    rb_subhead(b, RB_T(b, "优势（高于全部监测城市中位数最多的监测点）",
                       "Strengths (points furthest above the median city)"));
    if (k)
        rb_list(b, items, k);
    else
        rb_para(b, RB_T(b, "没有高于中位数的监测点。", "No point above the median."));
    k = 0;
    for (size_t i = m; i > 0 && k < 3 && p[i - 1]->score < p[i - 1]->median; i--)
        items[k++] = lcm_arena_printf(b->a,
                                      RB_T(b, "%s %s：得分%.1f，低于中位数%.1f分",
                                           "%s %s: score %.1f, %.1f below the median"),
                                      p[i - 1]->code, p[i - 1]->name, p[i - 1]->score,
                                      p[i - 1]->median - p[i - 1]->score);
    rb_subhead(b, RB_T(b, "短板（建议重点改进）", "Weaknesses (where to work first)"));
    if (k)
        rb_list(b, items, k);
    else
        rb_para(b, RB_T(b, "没有低于中位数的监测点。", "No point below the median."));
}

/* Participation across waves: the city with its CI band, its region and the nation (means
 * of the monitored cities' estimates). */
static void trend_chart(city_ctx *x) {
    rb *b = x->b;
    int years[16];
    double est[16], lo[16], hi[16], reg[16], nat[16];
    size_t ny = 0;
    sqlite3_stmt *st = NULL;
    const rb_city *me = &x->cities[x->me];
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT DISTINCT year FROM survey_measures WHERE measure = "
                           "'participation' AND year <= ?1 ORDER BY year",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int(st, 1, x->o->year);
    while (ny < 16 && sqlite3_step(st) == SQLITE_ROW)
        years[ny++] = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    for (size_t t = 0; t < ny; t++) {
        double e, se, sr = 0, sn = 0;
        long k, cr = 0, cn = 0;
        rb_measure(x->db, me->code, years[t], "participation", "", &e, &se, &k);
        est[t] = 100 * e;
        lo[t] = fmax(0, 100 * (e - 1.96 * se)), hi[t] = fmin(100, 100 * (e + 1.96 * se));
        for (size_t i = 0; i < x->ncity; i++) {
            if (!rb_measure(x->db, x->cities[i].code, years[t], "participation", "", &e, &se, &k))
                continue;
            sn += e, cn++;
            if (strcmp(x->cities[i].region, me->region) == 0)
                sr += e, cr++;
        }
        reg[t] = cr ? 100 * sr / cr : NAN, nat[t] = cn ? 100 * sn / cn : NAN;
    }
    if (ny < 2 || b->chart_status != LCM_OK)
        return;
    lcm_chart_trend c = {
        RB_T(b, "过去12个月参与率的变化", "Participation over the waves"),
        RB_T(b, "参与率（%）", "participation (%)"),
        RB_T(b, "年份", "year"),
        ny,
        years,
        me->name,
        lcm_arena_printf(b->a, RB_T(b, "%s地区平均", "%s average"), region_name(b, me->region)),
        RB_T(b, "全部监测城市平均", "all monitored cities"),
        est,
        lo,
        hi,
        reg,
        nat,
        RB_T(b, "95%置信带", "95% band")};
    lcm_chart_opts o = rb_opts(b, "trend");
    b->chart_status = lcm_chart_trend_render(&c, &o, b->sf, b->chart_msg, sizeof b->chart_msg);
    rb_chart(b, "trend", RB_T(b, "参与率趋势", "participation trend"),
             RB_T(b, "参与率及95%置信带，与本地区和全部监测城市平均比较",
                  "Participation with 95% band, against region and all cities"));
}

static void trends_section(city_ctx *x) {
    rb *b = x->b;
    rb_section(b, RB_T(b, "九、变化趋势", "9. Trends"));
    trend_chart(x);
    lcm_wave_row *w = NULL;
    size_t n = 0, rows = 0;
    lcm_err e = {0};
    if (lcm_score_wave_changes(x->db, x->cities[x->me].code, &w, &n, &e) != LCM_OK)
        return;
    lcm_report_cell *cell = rb_cells(b, n * 6);
    for (size_t i = 0; cell && i < n; i++) {
        if (w[i].item[0] || w[i].y2 > x->o->year)
            continue;
        int pct =
            strcmp(w[i].measure, "satisfaction_index") != 0 && strcmp(w[i].measure, "alpha") != 0;
        double s = pct ? 100 : 1;
        cell[rows * 6] = rb_text(b, w[i].measure);
        cell[rows * 6 + 1] = rb_text(b, lcm_arena_printf(b->a, "%d–%d", w[i].y1, w[i].y2));
        cell[rows * 6 + 2] = rb_num(w[i].e1 * s, 1);
        cell[rows * 6 + 3] = rb_num(w[i].e2 * s, 1);
        cell[rows * 6 + 4] =
            rb_est(w[i].change.diff * s, w[i].change.lo * s, w[i].change.hi * s, 1, -1);
        cell[rows * 6 + 5] = rb_num(w[i].change.p, 3);
        rows++;
    }
    static const char *head_zh[] = {"调查指标", "年份", "前一次", "本次", "变化（95%区间）", "p值"};
    static const char *head_en[] = {"measure", "waves", "before", "now", "change (95% CI)", "p"};
    lcm_report_table t = {
        RB_T(b, "问卷调查指标在两次调查之间的变化", "Change of the survey measures between waves"),
        rows,
        6,
        b->lang == LCM_LANG_EN ? head_en : head_zh,
        cell,
        RB_T(b,
             "两次调查为独立样本，变化的标准误为两次标准误的平方和开方；"
             "比例以百分点表示。",
             "Independent samples: SE of a change = sqrt(SE1² + SE2²); rates "
             "in percentage points.")};
    if (cell && rows)
        rb_table(b, &t);
    free(w);
}

static void notes_section(city_ctx *x, const node *v, size_t n) {
    rb *b = x->b;
    const char *items[8];
    size_t k = 0, missing = 0;
    char miss[1024] = "";
    for (size_t i = 0; i < n; i++)
        if (v[i].level == 3 && isnan(v[i].raw) && strlen(miss) < sizeof miss - 16)
            missing++, snprintf(miss + strlen(miss), sizeof miss - strlen(miss), "%s%s",
                                missing > 1 ? "、" : "", v[i].code);
    sqlite3_stmt *st = NULL;
    char params[1024] = "", sources[512] = "";
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db), "SELECT params FROM runs WHERE id = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, x->run);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(params, sizeof params, "%s", sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT source, count(*) FROM indicator_values WHERE city_code = ?1 "
                           "AND year = ?2 GROUP BY source ORDER BY 2 DESC",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, x->cities[x->me].code, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, x->o->year);
        while (sqlite3_step(st) == SQLITE_ROW && strlen(sources) < sizeof sources - 80)
            snprintf(sources + strlen(sources), sizeof sources - strlen(sources), "%s%s (%d)",
                     sources[0] ? "; " : "", sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
    }
    sqlite3_finalize(st);
    rb_section(b, RB_T(b, "十、数据与方法说明", "10. Data and methods"));
    items[k++] = lcm_arena_printf(b->a, RB_T(b, "统计数据来源：%s。", "Statistics from: %s."),
                                  sources[0] ? sources : "-");
    items[k++] =
        missing
            ? lcm_arena_printf(b->a,
                               RB_T(b, "缺失的监测点（%zu个）：%s。", "Missing points (%zu): %s."),
                               missing, miss)
            : RB_T(b, "全部监测点均有数据。", "Every monitoring point has a value.");
    items[k++] = RB_T(b, "定性监测点由专家评分（0–100），取各评审专家评分的平均值。",
                      "Qualitative points are reviewers' scores (0-100), averaged.");
    items[k++] = lcm_arena_printf(
        b->a,
        RB_T(b,
             "问卷调查：分层（城镇/乡村）两阶段整群抽样，按设计权重加权并按性别、年龄结构"
             "进行迭代比例加权（raking）；标准误采用泰勒线性化方法；样本量少于%ld的格子不予"
             "公布。",
             "Survey: stratified (urban/rural) two-stage cluster sample, design-weighted and "
             "raked to sex and age margins; standard errors by Taylor linearisation; cells on "
             "fewer than %ld respondents are suppressed."),
        x->o->min_n);
    items[k++] = lcm_arena_printf(
        b->a,
        RB_T(b, "综合指数计算参数（运行%lld）：%s", "Composite index parameters (run %lld): %s"),
        x->run, params);
    rb_list(b, items, k);
}

static lcm_status find_city(city_ctx *x) {
    const char *want = x->o->city;
    sqlite3_stmt *st = NULL;
    char code[8] = "";
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db), /* a name in either language */
                           "SELECT code FROM cities WHERE name = ?1 OR name_en = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, want, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(code, sizeof code, "%s", sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < x->ncity; i++)
        if (strcmp(x->cities[i].code, want) == 0 || strcmp(x->cities[i].code, code) == 0)
            x->me = (long)i;
    if (x->me < 0)
        return lcm_err_set(x->err, LCM_NOTFOUND,
                           "city '%s' is not among the cities scored for %d (see 'lcmon rank')",
                           want, x->o->year);
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT CASE WHEN ?2 THEN coalesce(p.name_en, p.name) ELSE p.name END "
                           "FROM cities c JOIN provinces p ON p.code = c.province_code "
                           "WHERE c.code = ?1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, x->cities[x->me].code, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, x->b->lang == LCM_LANG_EN);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(x->province, sizeof x->province, "%s", sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return LCM_OK;
}

lcm_status lcm__feedback_city_build(lcm_db *db, const lcm_feedback_opts *o, rb *b, lcm_err *err) {
    city_ctx x = {db, b, o, 0, NULL, 0, -1, "", err};
    node *v = NULL;
    size_t n = 0;
    char stem[64];
    lcm_status rc = lcm_score_latest_run(db, o->year, &x.run, err);
    if (rc != LCM_OK)
        return rc;
    if (rb_init(b, o->lang, o->out_dir, "city") != 0)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    b->formats = LCM_CHART_PNG | (o->svg ? LCM_CHART_SVG : 0u);
    if ((rc = rb_run_cities(db, b, x.run, &x.cities, &x.ncity, err)) != LCM_OK ||
        (rc = find_city(&x)) != LCM_OK || (rc = load_nodes(&x, &v, &n)) != LCM_OK)
        return rc;
    /* file names from the city code, whatever the user typed */
    snprintf(stem, sizeof stem, "city_%s_%d", x.cities[x.me].code, o->year);
    snprintf(b->stem_buf, sizeof b->stem_buf, "%s", stem);
    snprintf(b->path, sizeof b->path, "%s/%s.html", o->out_dir, stem);
    summary(&x);
    scores_section(&x, v, n);
    point_sections(&x, v, n);
    survey_section(&x);
    strengths_section(&x, v, n);
    trends_section(&x);
    notes_section(&x, v, n);
    b->title = lcm_arena_printf(b->a,
                                RB_T(b, "%s学习型城市建设监测反馈报告（%d年）",
                                     "%s: learning-city monitoring feedback (%d)"),
                                x.cities[x.me].name, o->year);
    b->subtitle = lcm_arena_printf(b->a, "%s · %s", x.province, tier_name(b, x.cities[x.me].tier));
    b->footer = RB_T(b, "由lcmon根据全国学习型城市建设监测指导性指标体系（试行）生成。",
                     "Made by lcmon from the national learning-city monitoring indicators.");
    b->min_n = o->min_n;
    return LCM_OK;
}
