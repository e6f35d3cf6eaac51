/*
 * feedback_city.c - the model of the monitoring feedback report of one city and year
 * (以测促建): where the city stands, how sure we are, what its residents say, what changed
 * and what to work on. Every number is read from stored results: the year's newest score
 * run (scores, ranks with Monte Carlo intervals), the estimate runs the survey-measures
 * pipeline stored for every city (estimates with the engine's own intervals: logit for
 * proportions, t for means), survey_measures (importance) and the wave changes of
 * `lcmon trend`. Nothing is estimated here. Every survey cell carries its n and is
 * suppressed below min_n before it enters the model. Scores are compared with one peer
 * group, as `lcmon profile` does: the monitored cities of the same tier.
 */
#include "composite.h"
#include "field.h"
#include "svy.h"
#include "feedback_int.h"
#include "model.h"
#include "score.h"
#include "units.h"

#include <gsl/gsl_cdf.h>
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
    int *tier;               /* tier group of each city (index of its first city of that tier) */
    int *peer;               /* 1: the city is in the peer group (this one included) */
    int peer_kind;           /* the peer group: 0 same tier, 1 same region, 2 all monitored */
    size_t npeer;            /* cities of the peer group, itself included */
    size_t ngroup[3];        /* cities of its tier, its region and all monitored cities */
    int group_rank[3];       /* its rank by overall score within each */
    const char *peer_name;   /* the peer group in words, "同层级城市（地级市）" */
    const char *peer_median; /* "地级市中位数": its median named in words */
    const char *peer_note;   /* the sentence defining it */
} city_ctx;

/* A peer group has at least this many monitored cities (the city included): with fewer, a
 * median and a top quartile say little, and the next wider group is taken. */
#define MIN_PEERS 4

static const char *tier_name(rb *b, const char *tier) {
    static const char *const k[] = {"municipality", "provincial_capital", "separately_planned",
                                    "prefecture", "county_level"};
    static const char *const zh[] = {"直辖市", "省会城市", "计划单列市", "地级市", "县级市"};
    static const char *const en[] = {"municipality", "provincial capital",
                                     "separately planned city", "prefecture-level city",
                                     "county-level city"};
    for (int i = 0; i < 5; i++)
        if (strcmp(tier, k[i]) == 0)
            return RB_T(b, zh[i], en[i]);
    return tier;
}

/* The four regions of the register (region4: 东部, 中部, 西部, 东北), which the city report
 * uses throughout. */
static const char *region_name(rb *b, const char *r) {
    return strcmp(r, "east") == 0        ? RB_T(b, "东部", "east")
           : strcmp(r, "central") == 0   ? RB_T(b, "中部", "central")
           : strcmp(r, "northeast") == 0 ? RB_T(b, "东北", "north-east")
                                         : RB_T(b, "西部", "west");
}

/* The city's estimate of var by city (scale: proportions to %). */
static rb_svy city_svy(city_ctx *x, const char *var, int prop, double scale, double shift) {
    return rb_svy_get(x->b, x->db, x->o->year, var, prop, "city", x->cities[x->me].code, scale,
                      shift);
}

/* "46.1%（95%置信区间41.8%–50.4%）" or why there is no number. */
static const char *svy_words(rb *b, const rb_svy *s, const char *unit) {
    if (s->suppressed)
        return lcm_arena_printf(b->a,
                                RB_T(b, "不予公布（受访者%ld人，少于%ld人）",
                                     "not shown (%ld respondents, fewer than %ld)"),
                                s->n, b->min_n);
    if (!s->found || isnan(s->est))
        return RB_T(b, "无数据", "no data");
    if (isnan(s->lo) || isnan(s->hi))
        return lcm_arena_printf(b->a, RB_T(b, "%.1f%s（无法计算置信区间）", "%.1f%s (no interval)"),
                                s->est, unit);
    return lcm_arena_printf(
        b->a, RB_T(b, "%.1f%s（95%%置信区间%.1f%s–%.1f%s）", "%.1f%s (95%% CI %.1f%s-%.1f%s)"),
        s->est, unit, s->lo, b->lang == LCM_LANG_EN ? "" : unit, s->hi, unit);
}

/* Where a score and its peer median come from, for the model. */
static const char *score_ref(city_ctx *x, const char *stat, const char *code) {
    static const char *const group[3] = {"tier", "region4", "all"};
    return lcm_arena_printf(x->b->a,
                            "{\"stat\":\"%s\",\"run\":%lld,\"city\":\"%s\",\"indicator\":%s%s%s%s}",
                            stat, x->run, x->cities[x->me].code, rb_json_str(x->b, code),
                            strcmp(stat, "peer_median") == 0 ? ",\"peers\":\"" : "",
                            strcmp(stat, "peer_median") == 0 ? group[x->peer_kind] : "",
                            strcmp(stat, "peer_median") == 0 ? "\"" : "");
}

static void summary(city_ctx *x) {
    rb *b = x->b;
    const rb_city *c = &x->cities[x->me];
    int y = x->o->year;
    rb_section(b, RB_T(b, "一、总体情况", "1. Summary"));
    const char *range =
        c->p05 == c->p95
            ? lcm_arena_printf(
                  b->a,
                  RB_T(b, "在全部模拟中名次均为第%d名", "the rank was %d in every simulation"),
                  c->p05)
            : lcm_arena_printf(b->a,
                               RB_T(b, "名次有90%%的可能落在第%d至第%d名之间",
                                    "the rank lies between %d and %d with 90%% probability"),
                               c->p05, c->p95);
    rb_para(
        b, lcm_arena_printf(
               b->a,
               RB_T(b,
                    "%s（%s，%s地区，%s）：%d年参加监测的%zu个城市中，综合得分%.1f，排名第%d；"
                    "考虑指标权重、标准化与汇总方法以及抽样误差的不确定性，%s。在%s地区城市"
                    "（共%zu个）中排名第%d，在同层级城市（%s，共%zu个）中排名第%d。本报告的比较组"
                    "是%s，共%zu个城市（含本市）。",
                    "%s (%s, %s region, %s): in %d, among the %zu monitored cities, overall "
                    "score %.1f, rank %d; allowing for uncertainty in weights, normalisation, "
                    "aggregation and sampling, %s. Among the %s region's cities (%zu in all) "
                    "rank %d and, among the cities of its tier (%s, %zu in all), rank %d. "
                    "This report compares the city with the %s (%zu, itself included)."),
               c->name, x->province, region_name(b, c->region4), tier_name(b, c->tier), y, x->ncity,
               c->score, c->rank, range, region_name(b, c->region4), x->ngroup[1], x->group_rank[1],
               tier_name(b, c->tier), x->ngroup[0], x->group_rank[0], x->peer_name, x->npeer));
    static const char *head_zh[] = {"比较范围", "城市数",      "综合得分中位数",
                                    "本市名次", "名次90%区间", "本报告比较组"};
    static const char *head_en[] = {"among",
                                    "cities",
                                    "median overall score",
                                    "rank",
                                    "90% rank interval",
                                    "this report's peers"};
    lcm_report_cell *cell = rb_cells(b, 3 * 6);
    /* rows: all monitored cities, the region, the tier (groups 2, 1, 0) */
    for (int k = 0; cell && k < 3; k++) {
        static const char *const scope[3] = {"overall", "region4", "tier"};
        int g = 2 - k;
        double *sc = lcm_arena_alloc(b->a, x->ncity * sizeof *sc);
        size_t m = 0;
        for (size_t i = 0; sc && i < x->ncity; i++)
            if (g == 2 || (g == 1 ? strcmp(x->cities[i].region4, c->region4) == 0
                                  : x->tier[i] == x->tier[x->me]))
                sc[m++] = x->cities[i].score;
        const char *ref = lcm_arena_printf(
            b->a, "{\"stat\":\"rank\",\"run\":%lld,\"city\":\"%s\",\"scope\":\"%s\"", x->run,
            c->code, scope[k]);
        cell[k * 6] = rb_text(
            b, g == 2   ? RB_T(b, "全部监测城市", "all monitored cities")
               : g == 1 ? lcm_arena_printf(b->a, RB_T(b, "%s地区城市", "%s region"),
                                           region_name(b, c->region4))
                        : lcm_arena_printf(b->a, RB_T(b, "同层级城市（%s）", "same tier (%s)"),
                                           tier_name(b, c->tier)));
        cell[k * 6 + 1] = rb_num((double)x->ngroup[g], 0);
        cell[k * 6 + 2] =
            rb_num_ref(b, sc ? rb_median(sc, m) : NAN, 1,
                       lcm_arena_printf(b->a,
                                        "{\"stat\":\"group_median\",\"run\":%lld,\"city\":\"%s\","
                                        "\"scope\":\"%s\",\"indicator\":\"overall\"}",
                                        x->run, c->code, scope[k]));
        cell[k * 6 + 3] = rb_num_ref(b, g == 2 ? c->rank : x->group_rank[g], 0,
                                     lcm_arena_printf(b->a, "%s,\"field\":\"rank\"}", ref));
        cell[k * 6 + 4] =
            g == 2 ? rb_text(b, lcm_arena_printf(b->a, "%d–%d", c->p05, c->p95)) : rb_text(b, "");
        cell[k * 6 + 5] = rb_text(b, g == x->peer_kind ? RB_T(b, "是", "yes") : "");
    }
    lcm_report_table t = {
        RB_T(b, "综合得分与名次：三个比较范围", "Overall score and ranks in three groups"),
        3,
        6,
        b->lang == LCM_LANG_EN ? head_en : head_zh,
        cell,
        lcm_arena_printf(b->a, "%s%s",
                         RB_T(b, "名次区间为蒙特卡洛模拟中名次的5%–95%分位数。",
                              "Rank interval: 5th-95th percentile of the rank in the Monte Carlo "
                              "simulation. "),
                         x->peer_note)};
    if (cell)
        rb_table(b, &t);
    rb_svy aw = city_svy(x, "aware_share", 0, 100, 0), pa = city_svy(x, "participated", 1, 100, 0),
           si = city_svy(x, "sat_index", 0, 1, 0);
    if (!aw.found && !pa.found && !si.found)
        rb_para(b, RB_T(b, "本年度没有该市的住户问卷调查结果。",
                        "There are no household survey results for this city this year."));
    else
        rb_para(b, lcm_arena_printf(
                       b->a,
                       RB_T(b,
                            "住户问卷调查（%ld位受访者）显示：市民对终身学习资源和服务的平均知晓"
                            "度为%s，过去12个月参与率为%s，满意度指数（0–100分）为%s。",
                            "The household survey (%ld respondents) finds an average awareness of "
                            "lifelong-learning services of %s, participation in the last 12 "
                            "months of %s and a satisfaction index (0-100) of %s."),
                       aw.n, svy_words(b, &aw, "%"), svy_words(b, &pa, "%"),
                       svy_words(b, &si, RB_T(b, "分", ""))));
}

typedef struct node {
    char code[16], name[512], unit[32], kind[16];
    int level, context;
    double raw, score, median; /* the city's raw value and score, its peers' median score */
} node;

static const rb_city *code_order_base;
static int cmp_code(const void *a, const void *b) {
    return strcmp(code_order_base[*(const size_t *)a].code,
                  code_order_base[*(const size_t *)b].code);
}

/* The framework with the city's scores and its peers' median (every city of the peer group,
 * itself included; as `lcmon profile`: the score, or the raw value where a node has no
 * score). The run's scores are read in one pass, not one query per node. */
static lcm_status load_nodes(city_ctx *x, node **out, size_t *n) {
    sqlite3_stmt *st = NULL;
    size_t nc = x->ncity, cap = 128;
    lcm_status rc = lcm_db_prepare(x->db,
                                   "SELECT code, level, name_zh, name_en, coalesce(unit, ''), "
                                   "coalesce(kind, ''), coalesce(direction = 'context', 0) "
                                   "FROM indicators ORDER BY ord",
                                   &st, x->err);
    node *v = lcm_arena_alloc(x->b->a, cap * sizeof *v);
    double *sc = malloc(cap * nc * 2 * sizeof *sc), *scratch = malloc(nc * sizeof *scratch);
    size_t *order = malloc(nc * sizeof *order);
    *n = 0;
    if (rc == LCM_OK && (!v || !sc || !scratch || !order))
        rc = lcm_err_set(x->err, LCM_NOMEM, "out of memory");
    while (rc == LCM_OK && *n < cap && sqlite3_step(st) == SQLITE_ROW) {
        node *d = &v[(*n)++];
        snprintf(d->code, sizeof d->code, "%s", sqlite3_column_text(st, 0));
        d->level = sqlite3_column_int(st, 1);
        snprintf(d->name, sizeof d->name, "%s",
                 sqlite3_column_text(st, x->b->lang == LCM_LANG_EN ? 3 : 2));
        snprintf(d->unit, sizeof d->unit, "%s", sqlite3_column_text(st, 4));
        snprintf(d->kind, sizeof d->kind, "%s", sqlite3_column_text(st, 5));
        d->context = sqlite3_column_int(st, 6) || d->code[0] == '1';
    }
    sqlite3_finalize(st);
    st = NULL;
    /* score and raw value of node j, city i at sc[(2j) nc + i] and sc[(2j + 1) nc + i] */
    for (size_t k = 0; rc == LCM_OK && k < 2 * cap * nc; k++)
        sc[k] = NAN;
    for (size_t i = 0; rc == LCM_OK && i < nc; i++)
        order[i] = i;
    code_order_base = x->cities;
    if (rc == LCM_OK) {
        qsort(order, nc, sizeof *order, cmp_code);
        rc = lcm_db_prepare(x->db,
                            "SELECT city_code, indicator_code, score, raw FROM score_results "
                            "WHERE run_id = ?1 ORDER BY indicator_code",
                            &st, x->err);
    }
    if (rc == LCM_OK)
        sqlite3_bind_int64(st, 1, x->run);
    size_t j = *n;
    char last[16] = "";
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *city = (const char *)sqlite3_column_text(st, 0);
        const char *ind = (const char *)sqlite3_column_text(st, 1);
        if (!city || !ind)
            continue;
        if (strcmp(ind, last) != 0) {
            snprintf(last, sizeof last, "%s", ind);
            for (j = 0; j < *n && strcmp(v[j].code, ind) != 0; j++)
                ;
        }
        size_t lo = 0, hi = nc; /* binary search of the city among the codes */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strcmp(x->cities[order[mid]].code, city);
            if (c == 0)
                lo = hi = mid;
            else if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (j == *n || lo >= nc || strcmp(x->cities[order[lo]].code, city) != 0)
            continue; /* 'overall', or a city not ranked */
        size_t i = order[lo];
        if (sqlite3_column_type(st, 2) != SQLITE_NULL)
            sc[2 * j * nc + i] = sqlite3_column_double(st, 2);
        if (sqlite3_column_type(st, 3) != SQLITE_NULL)
            sc[(2 * j + 1) * nc + i] = sqlite3_column_double(st, 3);
    }
    sqlite3_finalize(st);
    for (size_t k = 0; rc == LCM_OK && k < *n; k++) {
        double *score = sc + 2 * k * nc, *raw = score + nc;
        v[k].score = score[x->me], v[k].raw = raw[x->me];
        for (size_t i = 0; i < nc; i++)
            if (isnan(score[i]))
                score[i] = raw[i];
        v[k].median = lcm_ci_group_median(score, x->peer, 1, nc, scratch);
    }
    free(sc);
    free(scratch);
    free(order);
    *out = v;
    return rc;
}

static void ranks_chart(city_ctx *x) {
    rb *b = x->b;
    size_t lo = 0, n = x->ncity; /* many cities: the RB_WINDOW ranked around this one */
    if (n > RB_WINDOW) {
        lo = (size_t)x->me > RB_WINDOW / 2 ? (size_t)x->me - RB_WINDOW / 2 : 0;
        lo = lo + RB_WINDOW > n ? n - RB_WINDOW : lo;
        n = RB_WINDOW;
    }
    rb_ranks_chart(
        b, x->cities + lo, n, x->me - (long)lo,
        RB_T(b, "综合得分名次及其不确定性", "Overall rank and its uncertainty"),
        n == x->ncity
            ? NULL
            : lcm_arena_printf(b->a,
                               RB_T(b,
                                    "综合得分名次（中位数与5%%–95%%区间，蒙特卡洛模拟）：全部%zu"
                                    "个监测城市中名次与本市相邻的%zu个城市",
                                    "Overall rank (median and 5-95%% interval, Monte Carlo) of "
                                    "the %zu monitored cities ranked nearest this one, of %zu"),
                               b->lang == LCM_LANG_EN ? n : x->ncity,
                               b->lang == LCM_LANG_EN ? x->ncity : n));
}

static void radar_chart(city_ctx *x, const node *v, size_t n) {
    rb *b = x->b;
    rb_chart_m *m =
        rb_chart(b, RB_RADAR, "radar",
                 RB_T(b, "一级、二级指标得分雷达图", "radar of first- and second-level scores"),
                 lcm_arena_printf(b->a,
                                  RB_T(b, "一级指标与二级指标得分；虚线为%s",
                                       "First- and second-level scores; dashed: %s"),
                                  x->peer_median));
    if (!m)
        return;
    lcm_chart_radar c = {
        lcm_arena_printf(b->a, RB_T(b, "指标得分与%s", "Scores against the %s"), x->peer_median),
        x->cities[x->me].name,
        100,
        2,
        {{0}},
        x->peer_median,
        RB_T(b, "缺失", "missing")};
    for (int p = 0; p < 2; p++) {
        const char **label = lcm_arena_alloc(b->a, n * sizeof *label);
        double *val = lcm_arena_alloc(b->a, 2 * n * sizeof *val);
        size_t k = 0;
        if (!label || !val)
            return;
        for (size_t i = 0; i < n; i++) /* background (1, 1.x) is context, not scored */
            if (v[i].level == p + 1 && !v[i].context) {
                label[k] = v[i].name;
                val[k] = v[i].score, val[n + k] = v[i].median;
                k++;
            }
        c.panel[p] =
            (lcm_chart_radar_panel){p == 0 ? RB_T(b, "一级指标", "First-level indicators")
                                           : RB_T(b, "二级指标", "Second-level indicators"),
                                    k, label, val, val + n};
    }
    m->u.radar = c;
}

static void scores_section(city_ctx *x, const node *v, size_t n) {
    rb *b = x->b;
    rb_section(b, RB_T(b, "二、得分与排名", "2. Scores and ranks"));
    radar_chart(x, v, n);
    size_t rows = 0;
    for (size_t i = 0; i < n; i++)
        rows += v[i].level <= 2 && !v[i].context;
    lcm_report_cell *cell = rb_cells(b, rows * 4);
    static const char *head_zh[] = {"代码", "指标", "得分", NULL};
    static const char *head_en[] = {"code", "indicator", "score", NULL};
    const char **head = lcm_arena_alloc(b->a, 4 * sizeof *head);
    size_t r = 0;
    for (size_t i = 0; cell && head && i < n; i++) {
        if (v[i].level > 2 || v[i].context)
            continue;
        cell[r * 4] = rb_text(b, v[i].code);
        cell[r * 4 + 1] = rb_text(
            b, lcm_arena_printf(b->a, "%s%s",
                                v[i].level == 2 ? RB_T(b, "　", "\xE2\x80\x83") /* em space */ : "",
                                v[i].name));
        cell[r * 4 + 2] = rb_num_ref(b, v[i].score, 1, score_ref(x, "score", v[i].code));
        cell[r * 4 + 3] = rb_num_ref(b, v[i].median, 1, score_ref(x, "peer_median", v[i].code));
        r++;
    }
    if (!cell || !head)
        return;
    memcpy(head, b->lang == LCM_LANG_EN ? head_en : head_zh, 4 * sizeof *head);
    head[3] = x->peer_median;
    lcm_report_table t = {
        RB_T(b, "一级、二级指标得分（0–100）", "First- and second-level scores (0-100)"),
        rows,
        4,
        head,
        cell,
        x->peer_note};
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

/* 1 when a survey measure the survey point is made of rests on fewer than min_n
 * respondents: its value (a mean of them) would give the suppressed one away. */
static int survey_hidden(city_ctx *x) {
    static const char *const m[] = {"awareness", "participation", "satisfaction_index"};
    for (int i = 0; i < 3; i++) {
        double e, se;
        long n;
        if (rb_measure(x->db, x->cities[x->me].code, x->o->year, m[i], "", &e, &se, &n) &&
            n < x->b->min_n)
            return 1;
    }
    return 0;
}

/* One section per first-level indicator: its points with value, score and peer median;
 * background points (not scored) with their value only. */
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
        int ctx = v[i].context;
        size_t nc = ctx ? 3 : 5;
        size_t rows = 0, len = strlen(v[i].code);
        for (size_t j = 0; j < n; j++)
            rows +=
                v[j].level == 3 && strncmp(v[j].code, v[i].code, len) == 0 && v[j].code[len] == '.';
        lcm_report_cell *cell = rb_cells(b, rows * nc);
        size_t r = 0;
        int hidden = 0;
        for (size_t j = 0; cell && j < n; j++) {
            if (!(v[j].level == 3 && strncmp(v[j].code, v[i].code, len) == 0 &&
                  v[j].code[len] == '.'))
                continue;
            int decimals = fabs(v[j].raw) >= 1000 ? 0 : 2;
            cell[r * nc] = rb_text(b, v[j].code);
            cell[r * nc + 1] = rb_text(b, v[j].name);
            int hide = strcmp(v[j].kind, "survey") == 0 && survey_hidden(x);
            hidden |= hide;
            if (hide || isnan(v[j].raw) || strcmp(v[j].kind, "yesno") == 0) {
                cell[r * nc + 2] = rb_text(b, hide ? "*" : point_value(b, &v[j], decimals));
            } else { /* a number: right-aligned, grouped, its unit after it */
                cell[r * nc + 2] =
                    rb_num_ref(b, v[j].raw, decimals, score_ref(x, "value", v[j].code));
                cell[r * nc + 2].unit = lcm_unit_label(v[j].unit, b->lang);
            }
            if (!ctx) { /* a hidden survey point's score is its value rescaled: hidden too */
                cell[r * nc + 3] =
                    hide ? rb_text(b, "*")
                         : rb_num_ref(b, v[j].score, 1, score_ref(x, "score", v[j].code));
                cell[r * nc + 4] =
                    rb_num_ref(b, v[j].median, 1, score_ref(x, "peer_median", v[j].code));
            }
            r++;
        }
        static const char *head_zh[] = {"代码", "监测点", "数值", "得分", NULL};
        static const char *head_en[] = {"code", "monitoring point", "value", "score", NULL};
        const char **head = lcm_arena_alloc(b->a, 5 * sizeof *head);
        if (!cell || !head || !rows)
            continue;
        memcpy(head, b->lang == LCM_LANG_EN ? head_en : head_zh, 5 * sizeof *head);
        head[4] = x->peer_median;
        lcm_report_table t = {
            ctx ? RB_T(b, "背景指标数值", "Background values")
                : RB_T(b, "监测点数值与标准化得分", "Values and normalised scores (0-100)"),
            rows,
            nc,
            head,
            cell,
            ctx ? RB_T(b, "背景指标仅作参考，不计分，不计入综合得分。",
                       "Background points are context: not scored.")
                : lcm_arena_printf(
                      b->a, RB_T(b, "“%s”的含义见表1注。%s", "On the '%s', see table 1.%s"),
                      x->peer_median,
                      hidden ? RB_T(b,
                                    "*：由问卷调查指标合成，其中有指标的受访者不足规定人数，"
                                    "数值不予公布。",
                                    " *: made of survey measures one of which rests on too few "
                                    "respondents: not shown.")
                             : "")};
        rb_table(b, &t);
    }
}

static const char *const ci_note_zh =
    "括号内为95%置信区间：比例为logit区间，均值为t区间（设计自由度），与lcmon estimate相同；"
    "“—”表示无法计算置信区间（如受访者回答完全相同或设计自由度为0）。";
static const char *const ci_note_en =
    "95% confidence intervals in brackets: logit for proportions, t on the design df for "
    "means, as lcmon estimate gives them; '—': no interval can be computed (all answers alike "
    "or no design degrees of freedom).";

static void services_table(city_ctx *x) {
    rb *b = x->b;
    lcm_report_cell *cell = rb_cells(b, NSERV * 4);
    for (int s = 0; cell && s < NSERV; s++) {
        rb_svy aw = city_svy(x, lcm_arena_printf(b->a, "aware_%s", serv_code[s]), 1, 100, 0);
        rb_svy us = city_svy(x, lcm_arena_printf(b->a, "use_%s", serv_code[s]), 1, 100, 0);
        rb_svy sa = city_svy(x, lcm_arena_printf(b->a, "sat_%s", serv_code[s]), 0, 25, -25);
        cell[s * 4] = rb_text(b, RB_T(b, serv_zh[s], serv_en[s]));
        cell[s * 4 + 1] = rb_svy_cell(b, &aw, 1);
        cell[s * 4 + 2] = rb_svy_cell(b, &us, 1);
        cell[s * 4 + 3] = rb_svy_cell(b, &sa, 1);
    }
    static const char *head_zh[] = {"服务项目", "知晓率（%）", "使用率（知晓者中，%）",
                                    "满意度指数（使用者，0–100）"};
    static const char *head_en[] = {"service", "aware (%)", "used (% of aware)",
                                    "satisfaction index (users, 0-100)"};
    lcm_report_table t = {RB_T(b, "各类终身学习资源和服务的知晓、使用与满意度",
                               "Awareness, use and satisfaction by service"),
                          NSERV,
                          4,
                          b->lang == LCM_LANG_EN ? head_en : head_zh,
                          cell,
                          RB_T(b, ci_note_zh, ci_note_en)};
    if (cell)
        rb_table(b, &t);
}

static void groups_table(city_ctx *x) {
    rb *b = x->b;
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
    for (size_t g = 0; cell && g < ng; g++) {
        const char *by = lcm_arena_printf(b->a, "city,%s", groups[g].col);
        const char *dom =
            lcm_arena_printf(b->a, "%s\x1f%s", x->cities[x->me].code, groups[g].level);
        rb_svy aw = rb_svy_get(b, x->db, x->o->year, "aware_share", 0, by, dom, 100, 0);
        rb_svy pa = rb_svy_get(b, x->db, x->o->year, "participated", 1, by, dom, 100, 0);
        rb_svy si = rb_svy_get(b, x->db, x->o->year, "sat_index", 0, by, dom, 1, 0);
        cell[g * 4] = rb_text(b, RB_T(b, groups[g].zh, groups[g].en));
        cell[g * 4 + 1] = rb_svy_cell(b, &aw, 1);
        cell[g * 4 + 2] = rb_svy_cell(b, &pa, 1);
        cell[g * 4 + 3] = rb_svy_cell(b, &si, 1);
    }
    static const char *head_zh[] = {"群体", "平均知晓度（%）", "参与率（%）",
                                    "满意度指数（0–100）"};
    static const char *head_en[] = {"group", "awareness (%)", "participation (%)",
                                    "satisfaction index (0-100)"};
    lcm_report_table t = {RB_T(b, "分群体的知晓度、参与率与满意度", "By sex and age"),
                          ng,
                          4,
                          b->lang == LCM_LANG_EN ? head_en : head_zh,
                          cell,
                          RB_T(b, ci_note_zh, ci_note_en)};
    if (cell)
        rb_table(b, &t);
}

static const double *gap_base;
static double gap_ref;
static int cmp_gap_to(const void *a, const void *b) {
    double x = fabs(gap_base[*(const size_t *)a] - gap_ref);
    double y = fabs(gap_base[*(const size_t *)b] - gap_ref);
    return isnan(x) ? !isnan(y) : isnan(y) ? -1 : x < y ? -1 : x > y;
}

/* Satisfaction index of the monitored cities (suppressed ones without a bar), this city
 * highlighted, the dashed line at the median of all cities shown; with many cities, the
 * RB_WINDOW whose index is nearest this city's (or ranked nearest, when its own is not
 * shown). */
static void comparison_chart(city_ctx *x) {
    rb *b = x->b;
    size_t n = x->ncity, k = 0;
    double *all = lcm_arena_alloc(b->a, 4 * n * sizeof *all);
    size_t *pick = lcm_arena_alloc(b->a, n * sizeof *pick);
    if (!all || !pick)
        return;
    for (size_t i = 0; i < n; i++) {
        rb_svy s =
            rb_svy_get(b, x->db, x->o->year, "sat_index", 0, "city", x->cities[i].code, 1, 0);
        all[i] = all[3 * n + i] = s.est, all[n + i] = s.lo, all[2 * n + i] = s.hi;
        pick[i] = i;
    }
    double med = rb_median(all + 3 * n, n);
    size_t m = n;
    if (n > RB_WINDOW) {
        m = RB_WINDOW;
        if (!isnan(all[x->me])) {
            gap_base = all, gap_ref = all[x->me];
            qsort(pick, n, sizeof *pick, cmp_gap_to); /* this city first: gap 0 */
        } else {
            size_t lo = (size_t)x->me > RB_WINDOW / 2 ? (size_t)x->me - RB_WINDOW / 2 : 0;
            lo = lo + RB_WINDOW > n ? n - RB_WINDOW : lo;
            for (size_t i = 0; i < m; i++)
                pick[i] = lo + i;
        }
    }
    const char **label = lcm_arena_alloc(b->a, m * sizeof *label);
    double *v = lcm_arena_alloc(b->a, 3 * m * sizeof *v);
    long hl = -1;
    if (!label || !v)
        return;
    for (k = 0; k < m; k++) {
        size_t i = pick[k];
        label[k] = x->cities[i].name;
        v[k] = all[i], v[m + k] = all[n + i], v[2 * m + k] = all[2 * n + i];
        if ((long)i == x->me)
            hl = (long)k;
    }
    const char *median_label = RB_T(b, "全部监测城市中位数", "median of all monitored cities");
    const char *which =
        m == n ? RB_T(b, "各监测城市", "each monitored city")
               : lcm_arena_printf(b->a,
                                  RB_T(b, "全部%zu个监测城市中满意度指数与本市最接近的%zu个城市",
                                       "the %zu of %zu monitored cities nearest this one"),
                                  b->lang == LCM_LANG_EN ? m : n, b->lang == LCM_LANG_EN ? n : m);
    rb_chart_m *c = rb_chart(
        b, RB_BARS, "compare", RB_T(b, "满意度指数城市比较", "satisfaction by city"),
        lcm_arena_printf(b->a,
                         RB_T(b,
                              "%s的满意度指数及95%%置信区间；虚线为%s（%.1f）；样本量少于"
                              "%ld人的城市不列数值",
                              "Satisfaction index of %s with 95%% CI; dashed: %s (%.1f); cities "
                              "with fewer than %ld respondents are not shown"),
                         which, median_label, med, b->min_n));
    if (c)
        c->u.bars = (lcm_chart_bars){
            RB_T(b, "市民满意度指数：各监测城市比较", "Satisfaction index by city"),
            RB_T(b, "满意度指数（0–100）", "satisfaction index (0-100)"),
            m,
            label,
            v,
            v + m,
            v + 2 * m,
            hl,
            med,
            0,
            RB_T(b, "其他城市", "other cities"),
            median_label,
            RB_T(b, "95%置信区间", "95% CI"),
            RB_T(b, "无数据", "no data")};
}

/* Key drivers of overall satisfaction for the chart: `lcmon model --drivers` on the
 * services' ratings (docs/model.md) of the report year's wave, on the form version it was
 * answered on; dr->fitted = 0 when its rule fails or the data cannot
 * be read (the chart then falls back to the stored correlations). */
static void ipa_drivers(city_ctx *x, lcm_drivers *dr) {
    const char *items[NSERV];
    lcm_source src;
    memset(dr, 0, sizeof *dr);
    for (int s = 0; s < NSERV; s++)
        items[s] = lcm_arena_printf(x->b->a, "sat_%s", serv_code[s]);
    if (!items[NSERV - 1] ||
        lcm_source_resolve_wave(x->db, LCM_SOURCE_FORM, "household", x->o->year, &src, NULL, 0,
                                NULL) != LCM_OK ||
        lcm_model_drivers(x->db, &src, x->o->year, x->cities[x->me].code, "sat_overall", items,
                          NSERV, x->b->min_n, dr, NULL) != LCM_OK)
        dr->fitted = 0, dr->rule = LCM_DRIVERS_NO_CITY;
}

/* Importance against performance (the satisfaction index of the service's users): the
 * standardised coefficients of the key-driver model when its rule holds, else the derived
 * importance stored with the survey measures (correlation with overall satisfaction); a
 * service whose index is suppressed (or without importance) is left out, the cuts are the
 * means of the services drawn. The axis and caption say which importance is drawn. */
static void ipa_chart(city_ctx *x) {
    rb *b = x->b;
    const char **label = lcm_arena_alloc(b->a, NSERV * sizeof *label);
    double *v = lcm_arena_alloc(b->a, 2 * NSERV * sizeof *v);
    double sx = 0, sy = 0;
    int have = 0;
    lcm_drivers dr;
    if (!label || !v)
        return;
    ipa_drivers(x, &dr);
    for (int s = 0; s < NSERV; s++) {
        double se;
        long k;
        rb_svy p = city_svy(x, lcm_arena_printf(b->a, "sat_%s", serv_code[s]), 0, 25, -25);
        label[s] = RB_T(b, serv_zh[s], serv_en[s]);
        v[s] = p.est;
        if (dr.fitted)
            v[NSERV + s] = dr.item[s].in_model ? dr.item[s].importance : NAN;
        else
            rb_measure(x->db, x->cities[x->me].code, x->o->year, "importance", serv_code[s],
                       &v[NSERV + s], &se, &k);
        if (isnan(v[s]) || isnan(v[NSERV + s]))
            v[s] = v[NSERV + s] = NAN;
        else
            sx += v[s], sy += v[NSERV + s], have++;
    }
    if (have < 2)
        return;
    static const char *const qzh[4] = {"继续保持", "重点改进", "次要改进", "可能过度投入"};
    static const char *const qen[4] = {"keep up the good work", "concentrate here", "low priority",
                                       "possible overkill"};
    lcm_chart_ipa c = {RB_T(b, "重要性—表现分析", "Importance-performance analysis"),
                       RB_T(b, "表现：满意度指数（0–100）", "performance: satisfaction (0-100)"),
                       dr.fitted
                           ? RB_T(b, "重要性：总体满意度回归的标准化系数",
                                  "importance: standardised coefficient, overall satisfaction")
                           : RB_T(b, "重要性：与总体满意度的相关系数",
                                  "importance: correlation with overall satisfaction"),
                       NSERV,
                       label,
                       v,
                       v + NSERV,
                       sx / have,
                       sy / have,
                       {NULL}};
    for (int q = 0; q < 4; q++)
        c.quadrant[q] = RB_T(b, qzh[q], qen[q]);
    /* quadrant 1 is upper left: high importance, low performance */
    rb_chart_m *m = rb_chart(
        b, RB_IPA, "ipa", RB_T(b, "重要性—表现象限图", "importance-performance quadrants"),
        lcm_arena_printf(
            b->a,
            RB_T(b,
                 "各项服务的表现（横轴）与重要性（纵轴），虚线为所列服务的平均值；左上象限（重要"
                 "性高、表现低）为“%s”的项目，右上为“%s”；使用者少于%ld人的服务不列出",
                 "Performance (x) and importance (y) of each service, dashed lines at their "
                 "means; upper left (important, performing poorly): '%s'; upper right: '%s'; "
                 "services with fewer than %ld users are left out"),
            c.quadrant[1], c.quadrant[0], b->min_n));
    char why[320];
    if (m)
        m->caption = lcm_arena_printf(
            b->a, "%s%s", m->caption,
            dr.fitted
                ? RB_T(b,
                       "。重要性为总体满意度对各项服务满意度的设计加权回归（lcmon model "
                       "--drivers）的标准化系数",
                       ". Importance: standardised coefficients of the design-based regression "
                       "of overall satisfaction on the services' ratings (lcmon model --drivers)")
                : lcm_arena_printf(
                      b->a,
                      RB_T(b, "。重要性为与总体满意度的相关系数（回归模型条件未满足：%s）",
                           ". Importance: correlation with overall satisfaction (the "
                           "regression's rule is not met: %s)"),
                      lcm_drivers_why(&dr, b->lang == LCM_LANG_EN, why, sizeof why)));
    if (m)
        m->u.ipa = c;
}

static void survey_section(city_ctx *x) {
    rb *b = x->b;
    rb_section(b, RB_T(b, "七、市民问卷调查结果（监测点4.2.1）",
                       "7. Household survey (monitoring point 4.2.1)"));
    static const struct {
        const char *var, *zh, *en;
        int prop;
        double scale;
    } rows[] = {{"aware_share", "平均知晓度（%）", "awareness (%)", 0, 100},
                {"participated", "参与率（%）", "participation (%)", 1, 100},
                {"sat_index", "满意度指数（0–100）", "satisfaction index (0-100)", 0, 1},
                {"sat_top2", "满意及非常满意比例（%）", "satisfied or very satisfied (%)", 1, 100}};
    lcm_report_cell *cell = rb_cells(b, 4 * 2);
    for (int i = 0; cell && i < 4; i++) {
        rb_svy s = city_svy(x, rows[i].var, rows[i].prop, rows[i].scale, 0);
        cell[i * 2] = rb_text(b, RB_T(b, rows[i].zh, rows[i].en));
        cell[i * 2 + 1] = rb_svy_cell(b, &s, 1);
    }
    static const char *head_zh[] = {"指标", "估计值（95%置信区间）"};
    static const char *head_en[] = {"measure", "estimate (95% CI)"};
    lcm_report_table t = {
        RB_T(b, "知晓度、参与度与满意度", "Awareness, participation, satisfaction"),
        4,
        2,
        b->lang == LCM_LANG_EN ? head_en : head_zh,
        cell,
        lcm_arena_printf(
            b->a, "%s%s",
            RB_T(b, "按抽样设计加权（分层两阶段抽样，按性别、年龄结构进行了事后加权调整）。",
                 "Design-weighted (stratified two-stage sample, raked to sex and "
                 "age margins). "),
            RB_T(b, ci_note_zh, ci_note_en))};
    if (cell)
        rb_table(b, &t);
    services_table(x);
    groups_table(x);
    rb_gaps_section(b, x->db, x->cities[x->me].code, x->o->year);
    comparison_chart(x);
    ipa_chart(x);
}

/* Participation across waves: the city with its 95% interval, and the mean of the shown
 * (not suppressed) estimates of its region's cities and of all monitored cities. */
static void trend_chart(city_ctx *x) {
    rb *b = x->b;
    int *years = lcm_arena_alloc(b->a, 16 * sizeof *years);
    double *v = lcm_arena_alloc(b->a, 5 * 16 * sizeof *v);
    size_t ny = 0;
    sqlite3_stmt *st = NULL;
    const rb_city *me = &x->cities[x->me];
    if (!years || !v ||
        sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT DISTINCT json_extract(params, '$.wave') w FROM runs WHERE kind "
                           "= 'measures' AND w <= ?1 ORDER BY w",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int(st, 1, x->o->year);
    while (ny < 16 && sqlite3_step(st) == SQLITE_ROW)
        years[ny++] = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    double *est = v, *lo = v + 16, *hi = v + 32, *reg = v + 48, *nat = v + 64;
    for (size_t t = 0; t < ny; t++) {
        double sr = 0, sn = 0;
        long cr = 0, cn = 0;
        for (size_t i = 0; i < x->ncity; i++) {
            rb_svy s = rb_svy_get(b, x->db, years[t], "participated", 1, "city", x->cities[i].code,
                                  100, 0);
            if ((long)i == x->me)
                est[t] = s.est, lo[t] = s.lo, hi[t] = s.hi;
            if (isnan(s.est))
                continue;
            sn += s.est, cn++;
            if (strcmp(x->cities[i].region4, me->region4) == 0)
                sr += s.est, cr++;
        }
        reg[t] = cr ? sr / cr : NAN, nat[t] = cn ? sn / cn : NAN;
    }
    size_t shown = 0; /* every value suppressed (a high --min-n): no chart to draw */
    for (size_t t = 0; t < ny; t++)
        shown += !isnan(est[t]) + !isnan(reg[t]) + !isnan(nat[t]);
    if (ny < 2 || shown == 0)
        return;
    const char *region = lcm_arena_printf(b->a, RB_T(b, "%s地区城市平均", "%s cities' mean"),
                                          region_name(b, me->region4));
    const char *nation = RB_T(b, "全部监测城市平均", "mean of all monitored cities");
    rb_chart_m *m = rb_chart(
        b, RB_TREND, "trend", RB_T(b, "参与率趋势", "participation trend"),
        lcm_arena_printf(b->a,
                         RB_T(b,
                              "%s过去12个月参与率及其95%%置信区间，与%s、%s比较（平均为各城市"
                              "估计值的简单平均，不含样本量不足的城市）",
                              "Participation of %s with its 95%% CI, against the %s and the %s "
                              "(unweighted means of the cities' estimates, suppressed ones left "
                              "out)"),
                         me->name, region, nation));
    if (m)
        m->u.trend =
            (lcm_chart_trend){RB_T(b, "过去12个月参与率的变化", "Participation over the waves"),
                              RB_T(b, "参与率（%）", "participation (%)"),
                              RB_T(b, "调查年份", "survey year"),
                              ny,
                              years,
                              me->name,
                              region,
                              nation,
                              est,
                              lo,
                              hi,
                              reg,
                              nat,
                              RB_T(b, "95%置信区间", "95% CI")};
}

/* The survey waves stored up to the report's year (measures runs), oldest first. */
static size_t waves(city_ctx *x, int *years, size_t cap) {
    sqlite3_stmt *st = NULL;
    size_t ny = 0;
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT DISTINCT json_extract(params, '$.wave') w FROM runs WHERE kind "
                           "= 'measures' AND w <= ?1 ORDER BY w",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int(st, 1, x->o->year);
    while (ny < cap && sqlite3_step(st) == SQLITE_ROW)
        years[ny++] = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ny;
}

/* 显著上升, 无显著变化, 显著下降: the change's design-based test at the 5% level. */
static const char *change_words(rb *b, const lcm_svy_change *c) {
    if (isnan(c->p))
        return RB_T(b, "无法检验", "cannot be tested");
    return c->p >= 0.05  ? RB_T(b, "无显著变化", "no significant change")
           : c->diff > 0 ? RB_T(b, "显著上升", "significant rise")
                         : RB_T(b, "显著下降", "significant fall");
}

/* The change of each survey measure between consecutive waves, from the stored estimates
 * of each wave (`lcmon estimate --compare-waves Y1,Y2 --by city` gives the same): the
 * difference, its SE sqrt(se1² + se2²) (independent samples), t on Welch-Satterthwaite df
 * (analysis/svy_change.c), the 95% interval diff ± t(df) SE, and the finding in words. A
 * change is shown only when both waves' estimates rest on at least min_n respondents. */
static void trends_section(city_ctx *x) {
    rb *b = x->b;
    static const struct {
        const char *var, *zh, *en;
        int prop;
        double scale;
    } m[] = {{"aware_share", "平均知晓度（%）", "awareness (%)", 0, 100},
             {"participated", "参与率（%）", "participation (%)", 1, 100},
             {"sat_index", "满意度指数（0–100）", "satisfaction index (0-100)", 0, 1},
             {"sat_top2", "满意及非常满意比例（%）", "satisfied or very satisfied (%)", 1, 100}};
    rb_section(b, RB_T(b, "十、变化趋势", "10. Trends"));
    trend_chart(x);
    int years[16];
    size_t ny = waves(x, years, 16), rows = 0, hidden = 0;
    const char *city = x->cities[x->me].code;
    lcm_report_cell *cell = rb_cells(b, (ny ? ny : 1) * 4 * 7);
    const char **items = lcm_arena_alloc(b->a, 4 * sizeof *items);
    size_t nitem = 0;
    for (size_t t = 1; cell && items && t < ny; t++)
        for (int k = 0; k < 4; k++) {
            rb_svy s1 = rb_svy_get(b, x->db, years[t - 1], m[k].var, m[k].prop, "city", city,
                                   m[k].scale, 0);
            rb_svy s2 =
                rb_svy_get(b, x->db, years[t], m[k].var, m[k].prop, "city", city, m[k].scale, 0);
            if (!s1.found || !s2.found)
                continue;
            if (s1.suppressed || s2.suppressed) {
                hidden++;
                continue;
            }
            lcm_svy_change c;
            lcm_svy_change_of(s1.est, s1.se, s1.df, s2.est, s2.se, s2.df, &c);
            double h = c.df > 0 ? gsl_cdf_tdist_Pinv(0.975, c.df) * c.se : NAN;
            const char *ref = lcm_arena_printf(
                b->a,
                "{\"stat\":\"wave_change\",\"city\":\"%s\",\"variable\":\"%s\",\"kind\":"
                "\"%s\",\"scale\":%g,\"y1\":%d,\"y2\":%d",
                city, m[k].var, m[k].prop ? "prop" : "mean", m[k].scale, years[t - 1], years[t]);
            lcm_report_cell *r = cell + rows * 7;
            r[0] = rb_text(b, RB_T(b, m[k].zh, m[k].en));
            r[1] = rb_text(b, lcm_arena_printf(b->a, "%d–%d", years[t - 1], years[t]));
            r[2] = rb_num_ref(b, s1.est, 1, lcm_arena_printf(b->a, "%s,\"field\":\"e1\"}", ref));
            r[3] = rb_num_ref(b, s2.est, 1, lcm_arena_printf(b->a, "%s,\"field\":\"e2\"}", ref));
            r[4] = (lcm_report_cell){.kind = LCM_CELL_EST,
                                     .value = c.diff,
                                     .lo = c.diff - h,
                                     .hi = c.diff + h,
                                     .decimals = 1,
                                     .n = -1,
                                     .ref = lcm_arena_printf(b->a, "%s,\"field\":\"diff\"}", ref)};
            r[5] = rb_num_ref(b, c.p, 3, lcm_arena_printf(b->a, "%s,\"field\":\"p\"}", ref));
            r[6] = rb_text(b, change_words(b, &c));
            rows++;
            if (t == ny - 1 && years[t] == x->o->year)
                items[nitem++] =
                    lcm_arena_printf(b->a,
                                     RB_T(b, "%s：%d年%.1f，%d年%.1f，%s（变化%+.1f，p%s）。",
                                          "%s: %d: %.1f; %d: %.1f; %s (change %+.1f, p%s)."),
                                     RB_T(b, m[k].zh, m[k].en), years[t - 1], s1.est, years[t],
                                     s2.est, change_words(b, &c), c.diff,
                                     isnan(c.p)    ? RB_T(b, "无法计算", " not defined")
                                     : c.p < 0.001 ? "<0.001"
                                                   : lcm_arena_printf(b->a, "=%.3f", c.p));
        }
    if (nitem)
        rb_list(b, items, nitem);
    static const char *head_zh[] = {"调查指标", "年份", "前一次", "本次", "变化（95%置信区间）",
                                    "p值",      "结论"};
    static const char *head_en[] = {"measure",         "waves", "before", "now",
                                    "change (95% CI)", "p",     "finding"};
    lcm_report_table t = {
        RB_T(b, "问卷调查指标在两次调查之间的变化", "Change of the survey measures between waves"),
        rows,
        7,
        b->lang == LCM_LANG_EN ? head_en : head_zh,
        cell,
        lcm_arena_printf(
            b->a,
            RB_T(b,
                 "比例的变化以百分点表示，满意度指数的变化以分表示。两次调查为相互独立的样本："
                 "变化的标准误为两次标准误的平方和开方，按t分布（自由度由两次调查的设计自由度"
                 "合成）检验，p值小于0.05为“显著上升”或“显著下降”，否则为“无显著变化”（变化可能"
                 "只是抽样误差）。%s",
                 "Changes of rates in percentage points, of the index in points. Independent "
                 "samples: SE of a change = sqrt(SE1² + SE2²), tested on t with "
                 "Welch-Satterthwaite df from the two designs; p below 0.05 is a significant "
                 "rise or fall, otherwise no significant change (it may be sampling error). %s"),
            hidden ? lcm_arena_printf(b->a,
                                      RB_T(b, "有%zu项变化因某次调查样本量少于%ld人而不列出。",
                                           "%zu changes are not shown: a wave had fewer than "
                                           "%ld respondents."),
                                      hidden, b->min_n)
                   : "")};
    if (cell && rows)
        rb_table(b, &t);
}

/* The score run's parameters in words. */
static const char *params_words(city_ctx *x) {
    rb *b = x->b;
    sqlite3_stmt *st = NULL;
    const char *out = "";
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT json_extract(params, '$.normalise'), json_extract(params, "
                           "'$.aggregate'), json_extract(params, '$.weights'), "
                           "json_extract(params, '$.mc'), json_extract(params, '$.mc_spread'), "
                           "json_extract(params, '$.treat'), json_extract(params, '$.impute'), "
                           "created_at FROM runs WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return out;
    sqlite3_bind_int64(st, 1, x->run);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *norm = (const char *)sqlite3_column_text(st, 0);
        const char *agg = (const char *)sqlite3_column_text(st, 1);
        const char *wts = (const char *)sqlite3_column_text(st, 2);
        const char *imp = (const char *)sqlite3_column_text(st, 6);
        norm = !norm                         ? "?"
               : strcmp(norm, "minmax") == 0 ? RB_T(b, "最小—最大标准化", "min-max normalisation")
               : strcmp(norm, "zscore") == 0 ? RB_T(b, "标准分数（z分数）标准化", "z-scores")
               : strcmp(norm, "rank") == 0 ? RB_T(b, "名次标准化", "ranks")
                                           : norm;
        agg = !agg                             ? "?"
              : strcmp(agg, "arithmetic") == 0 ? RB_T(b, "算术平均汇总", "arithmetic means")
              : strcmp(agg, "geometric") == 0  ? RB_T(b, "几何平均汇总", "geometric means")
                                               : agg;
        wts = !wts                        ? "?"
              : strcmp(wts, "equal") == 0 ? RB_T(b, "等权重", "equal weights")
              : strcmp(wts, "pca") == 0 ? RB_T(b, "主成分分析确定权重", "weights from PCA")
              : strcmp(wts, "file") == 0 ? RB_T(b, "按权重文件赋权", "weights from a file")
                                         : wts;
        out = lcm_arena_printf(
            b->a,
            RB_T(b,
                 "综合指数（%s计算，运行编号%lld）：监测点按%s，各级按%s，%s；%s；%s。名次区间来自"
                 "%d次蒙特卡洛模拟，每次将权重在±%.0f%%范围内随机扰动，并按抽样误差重抽问卷"
                 "调查指标。",
                 "Composite index (computed %s, run %lld): points by %s, levels by %s, %s; %s; "
                 "%s. Rank intervals from %d Monte Carlo draws, weights perturbed by up to "
                 "±%.0f%% and survey measures redrawn within their sampling error."),
            (const char *)sqlite3_column_text(st, 7), x->run, norm, agg, wts,
            sqlite3_column_int(st, 5) ? RB_T(b, "对异常值做了检查和缩尾处理", "outliers winsorised")
                                      : RB_T(b, "未处理异常值", "outliers kept"),
            !imp || strcmp(imp, "none") == 0
                ? RB_T(b, "缺失值不插补", "missing values not imputed")
                : RB_T(b, "缺失值在同层级城市内插补", "missing values imputed within the tier"),
            sqlite3_column_int(st, 3), 100 * sqlite3_column_double(st, 4));
    }
    sqlite3_finalize(st);
    return out;
}

/* The first-level weights the run used (score_weights), in words: 背景 is left out unless
 * the run scored it, so the other groups weigh 1/3 each by default (docs/scores.md). */
static const char *weights_words(city_ctx *x) {
    rb *b = x->b;
    sqlite3_stmt *st = NULL;
    char used[512] = "", out[512] = "";
    size_t nu = 0, no = 0;
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT i.group_zh, i.group_en, w.weight FROM indicators i"
                           " LEFT JOIN score_weights w ON w.indicator_code = i.code"
                           " AND w.run_id = ?1 WHERE i.level = 1 ORDER BY i.ord",
                           -1, &st, NULL) != SQLITE_OK)
        return "";
    sqlite3_bind_int64(st, 1, x->run);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, RB_T(b, 0, 1));
        double w = sqlite3_column_double(st, 2);
        if (w > 0 && strlen(used) < sizeof used - 64)
            snprintf(used + strlen(used), sizeof used - strlen(used), "%s%s %.3f",
                     nu++ ? RB_T(b, "、", ", ") : "", name ? name : "", w);
        else if (!(w > 0) && strlen(out) < sizeof out - 64)
            snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s",
                     no++ ? RB_T(b, "、", ", ") : "", name ? name : "");
    }
    sqlite3_finalize(st);
    if (!nu)
        return "";
    return no ? lcm_arena_printf(b->a,
                                 RB_T(b, "一级指标实际权重：%s；%s不计入综合指数。",
                                      "First-level weights used: %s; %s left out of the index."),
                                 used, out)
              : lcm_arena_printf(
                    b->a, RB_T(b, "一级指标实际权重：%s。", "First-level weights used: %s."), used);
}

/* The points where the city's self-assessment (城市自评) and the verified value (核实) differ,
 * or where only the self-assessment was there to be scored (docs/scores.md), side by side,
 * from the run's stored results. */
static void self_table(city_ctx *x) {
    rb *b = x->b;
    static const char *const head_zh[] = {"代码", "监测点", "城市自评", "核实值"};
    static const char *const head_en[] = {"Code", "Point", "Self-assessed", "Verified"};
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT s.indicator_code, i.name_zh, i.name_en, s.self_value,"
                           " CASE WHEN s.self_used THEN NULL ELSE s.raw END FROM score_results s"
                           " JOIN indicators i ON i.code = s.indicator_code WHERE s.run_id = ?1"
                           " AND s.city_code = ?2 AND s.self_value IS NOT NULL AND (s.self_used"
                           " OR s.raw IS NULL OR abs(s.self_value - s.raw) > 1e-9 *"
                           " max(1, abs(s.raw))) ORDER BY i.ord",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(st, 1, x->run);
    sqlite3_bind_text(st, 2, x->cities[x->me].code, -1, SQLITE_STATIC);
    size_t rows = 0, cap = 0;
    lcm_report_cell *cell = NULL;
    int only_self = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (rows == cap) {
            cap = cap ? 2 * cap : 16;
            lcm_report_cell *grown = rb_cells(b, cap * 4);
            if (!grown)
                break;
            if (cell)
                memcpy(grown, cell, rows * 4 * sizeof *cell);
            cell = grown;
        }
        const char *code = (const char *)sqlite3_column_text(st, 0);
        cell[rows * 4] = rb_text(b, code);
        cell[rows * 4 + 1] = rb_text(b, (const char *)sqlite3_column_text(st, RB_T(b, 1, 2)));
        cell[rows * 4 + 2] =
            rb_num_ref(b, sqlite3_column_double(st, 3), 2, score_ref(x, "self_value", code));
        double verified =
            sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4);
        only_self |= isnan(verified);
        cell[rows * 4 + 3] = rb_num_ref(b, verified, 2, score_ref(x, "raw", code));
        rows++;
    }
    sqlite3_finalize(st);
    if (!rows)
        return;
    lcm_report_table t = {RB_T(b, "城市自评与核实值不一致的监测点",
                               "Points where the self-assessment and the verified value differ"),
                          rows,
                          4,
                          b->lang == LCM_LANG_EN ? head_en : head_zh,
                          cell,
                          only_self
                              ? RB_T(b, "核实值缺失的监测点按城市自评计分；其余按核实值计分。",
                                     "A point without a verified value is scored on the "
                                     "self-assessment; the others on the verified value.")
                              : RB_T(b, "得分按核实值计算。", "Scores use the verified values.")};
    rb_table(b, &t);
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
    char sources[1024] = "";
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT source, count(*) FROM indicator_values WHERE city_code = ?1 "
                           "AND year = ?2 GROUP BY source ORDER BY 2 DESC",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, x->cities[x->me].code, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, x->o->year);
        while (sqlite3_step(st) == SQLITE_ROW && strlen(sources) < sizeof sources - 200) {
            const char *src = (const char *)sqlite3_column_text(st, 0);
            int simulated = src && strncmp(src, "lcmon simulate", 14) == 0;
            snprintf(sources + strlen(sources), sizeof sources - strlen(sources),
                     RB_T(b, "%s%d项来自%s", "%s%d from %s"), sources[0] ? RB_T(b, "，", ", ") : "",
                     sqlite3_column_int(st, 1),
                     simulated
                         ? RB_T(b, "lcmon生成的演示用模拟数据", "demonstration data made by lcmon")
                         : src);
        }
    }
    sqlite3_finalize(st);
    rb_section(b, RB_T(b, "十一、数据与方法说明", "11. Data and methods"));
    items[k++] =
        sources[0]
            ? lcm_arena_printf(
                  b->a, RB_T(b, "本年度的统计数据：%s。", "This year's statistics: %s."), sources)
            : RB_T(b, "本年度没有导入统计数据。", "No statistics were imported this year.");
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
             "进行迭代比例加权（raking）；标准误采用泰勒线性化方法；受访者少于%ld人的格子不予"
             "公布（表中以*标出，图中不画出）。",
             "Survey: stratified (urban/rural) two-stage cluster sample, design-weighted and "
             "raked to sex and age margins; standard errors by Taylor linearisation; cells on "
             "fewer than %ld respondents are suppressed (* in tables, left out of charts)."),
        b->min_n);
    items[k++] = params_words(x);
    const char *weights = weights_words(x);
    if (*weights)
        items[k++] = weights;
    items[k++] = x->peer_note;
    rb_list(b, items, k);
    self_table(x);
}

/* The survey's methods in plain words, every number from the store: the sample (respondents
 * and communities behind the city's estimates), the response rate of the field campaigns
 * (AAPOR RR1, when the visits were recorded), the weighting (design weights calibrated to
 * the city's population margins), the design effect, and what an interval means, with the
 * city's own participation as the example. */
static void survey_methods(city_ctx *x) {
    rb *b = x->b;
    const char *city = x->cities[x->me].code;
    int y = x->o->year;
    rb_section(b, RB_T(b, "十二、问卷调查方法说明", "12. How the survey was done"));
    rb_svy pa = city_svy(x, "participated", 1, 100, 0);
    if (!pa.found) {
        rb_para(b, RB_T(b, "本年度没有该市的住户问卷调查结果。",
                        "There are no household survey results for this city this year."));
        return;
    }
    const char *items[6];
    size_t k = 0;
    items[k++] = lcm_arena_printf(
        b->a,
        RB_T(b,
             "样本：%d年在本市按城镇、乡村分层，先随机抽取社区（居委会、村委会），再在抽中的社区"
             "里随机抽取住户，每户访问一位16岁及以上的居民。本市共有%ld位居民回答了问卷，分布在"
             "%ld个社区。",
             "Sample: in %d the city was divided into urban and rural strata; communities "
             "(residents' and village committees) were drawn at random, then households within "
             "them, and one resident aged 16 or over was interviewed in each. %ld residents "
             "answered, in %ld communities."),
        y, pa.n, pa.npsu);
    /* response rate: the field campaigns of this city and wave, when visits were recorded */
    lcm_field_outcomes sum = {0};
    long campaigns = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT id FROM field_campaigns WHERE city_code = ?1 AND wave = ?2 "
                           "AND EXISTS (SELECT 1 FROM field_assignments a WHERE a.campaign_id = "
                           "field_campaigns.id)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, y);
        while (sqlite3_step(st) == SQLITE_ROW) {
            lcm_field_outcomes o;
            lcm_err e = {0};
            if (lcm_field_outcomes_get(x->db, sqlite3_column_int64(st, 0), &o, &e) != LCM_OK)
                continue;
            campaigns++;
            sum.complete += o.complete, sum.partial += o.partial, sum.refusal += o.refusal;
            sum.noncontact += o.noncontact, sum.other += o.other, sum.unknown += o.unknown;
            sum.pending += o.pending, sum.ineligible += o.ineligible;
        }
    }
    sqlite3_finalize(st);
    long denom = sum.complete + sum.partial + sum.refusal + sum.noncontact + sum.other +
                 sum.unknown + sum.pending;
    items[k++] =
        campaigns && denom > 0
            ? lcm_arena_printf(
                  b->a,
                  RB_T(b,
                       "应答率：抽中并需访问的%ld户中，%ld户完成了访问，应答率为%.1f%%（完成访问"
                       "户数除以除确认不合格户以外的全部抽中户数）；%ld户拒访，%ld户多次上门"
                       "无人。",
                       "Response rate: of the %ld sampled households to be visited, %ld "
                       "completed the interview, a response rate of %.1f%% (AAPOR RR1: "
                       "completes over every sampled household not known to be ineligible); %ld "
                       "refused and %ld could not be contacted."),
                  denom, sum.complete, 100.0 * (double)sum.complete / (double)denom, sum.refusal,
                  sum.noncontact)
            : RB_T(b,
                   "应答率：本次调查的入户访问结果没有在lcmon中登记，无法计算应答率；拒访和未"
                   "接触的住户没有进入样本，由加权对人口结构的偏差做了部分校正。",
                   "Response rate: the visits of this survey were not recorded in lcmon, so no "
                   "response rate can be given; households that refused or were not reached are "
                   "not in the sample, and the weighting corrects part of the resulting bias.");
    /* weighting: the calibration stored for the wave, with the city's population total */
    const char *method = NULL;
    double pop = NAN;
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT method, margins FROM calibrations WHERE source_kind = 'form' "
                           "AND wave IN (?1, 0) AND source = (SELECT json_extract(params, "
                           "'$.form') FROM runs WHERE kind = 'measures' AND json_extract(params, "
                           "'$.wave') = ?1 ORDER BY id DESC LIMIT 1) ORDER BY wave DESC LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int(st, 1, y);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *m = (const char *)sqlite3_column_text(st, 0);
            const char *mg = (const char *)sqlite3_column_text(st, 1);
            method = !m                       ? NULL
                     : strcmp(m, "rake") == 0 ? RB_T(b, "迭代比例加权", "raking")
                     : strcmp(m, "poststratify") == 0
                         ? RB_T(b, "事后分层加权", "post-stratification")
                         : RB_T(b, "校准加权", "calibration");
            /* the city's total: the sum of its sex margin ("city:sex,CODE:1,N" lines) */
            char key[32];
            snprintf(key, sizeof key, "city:sex,%s:", city);
            pop = 0;
            for (const char *p = mg ? strstr(mg, key) : NULL; p; p = strstr(p + 1, key)) {
                const char *eol = strchr(p, '\n'), *c = eol ? eol : p + strlen(p);
                while (c > p && *c != ',')
                    c--;
                if (c > p + strlen(key))
                    pop += strtod(c + 1, NULL);
            }
            if (!(pop > 0))
                pop = NAN;
        }
    }
    sqlite3_finalize(st);
    items[k++] =
        method && !isnan(pop)
            ? lcm_arena_printf(
                  b->a,
                  RB_T(b,
                       "加权：每位受访者先按被抽中的概率赋予权重（抽中概率越小，代表的居民越多），"
                       "再用%s把性别、年龄结构调整到与本市统计数据一致，加权后代表本市约%.0f万名"
                       "16岁及以上常住居民。",
                       "Weighting: each respondent first weighs the inverse of the chance of "
                       "being drawn (the less likely, the more residents represented); %s then "
                       "matched the sex and age make-up to the city's statistics, so that the "
                       "weighted sample stands for about %.0f residents aged 16 or over."),
                  method, b->lang == LCM_LANG_EN ? pop : pop / 1e4)
            : RB_T(b, "加权：每位受访者按被抽中的概率赋予权重（抽中概率越小，代表的居民越多）。",
                   "Weighting: each respondent weighs the inverse of the chance of being drawn.");
    if (pa.deff > 0 && !pa.suppressed)
        items[k++] = lcm_arena_printf(
            b->a,
            RB_T(b,
                 "整群抽样的代价：同一社区的居民彼此相似，参与率的设计效应为%.2f，即%ld位受访者"
                 "提供的信息约相当于%.0f人的简单随机样本。",
                 "The cost of sampling communities: neighbours are alike, so the design effect "
                 "of participation is %.2f: the %ld respondents carry about as much "
                 "information as a simple random sample of %.0f."),
            pa.deff, pa.n, (double)pa.n / pa.deff);
    if (!pa.suppressed && !isnan(pa.lo) && !isnan(pa.hi))
        items[k++] = lcm_arena_printf(
            b->a,
            RB_T(b,
                 "区间的含义：本市过去12个月参与率的估计值为%.1f%%，95%%置信区间为%.1f%%–%.1f%%。"
                 "调查只问了部分居民，换一批样本结果会略有不同；按同样方法反复抽样，这样算出的"
                 "区间100次中约有95次包含全市真实的参与率。两个城市或两年的区间大部分重叠时，"
                 "差别可能只是抽样误差。",
                 "What an interval means: this city's participation in the last 12 months is "
                 "estimated at %.1f%%, with a 95%% confidence interval of %.1f%% to %.1f%%. Only "
                 "some residents were asked, and another sample would give a slightly different "
                 "result; drawn again and again the same way, about 95 in 100 such intervals "
                 "contain the city's true participation. When two cities' or two years' "
                 "intervals mostly overlap, the difference may be sampling error alone."),
            pa.est, pa.lo, pa.hi);
    items[k++] = lcm_arena_printf(
        b->a,
        RB_T(b, "受访者少于%ld人的结果不予公布：人数太少，估计值的误差太大，也可能让人认出受访者。",
             "Results on fewer than %ld respondents are not shown: too few for a reliable "
             "estimate, and they could identify respondents."),
        b->min_n);
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

/* The peer group, named in words and used for every comparison in the report: the monitored
 * cities of the same tier when there are at least MIN_PEERS of them, else those of the same
 * region (东部, 中部, 西部, 东北), else all monitored cities. Also the city's rank within its
 * tier and region (by the run's overall rank). */
static lcm_status peers(city_ctx *x) {
    rb *b = x->b;
    const rb_city *me = &x->cities[x->me];
    x->tier = lcm_arena_alloc(b->a, x->ncity * sizeof *x->tier);
    x->peer = lcm_arena_alloc(b->a, x->ncity * sizeof *x->peer);
    if (!x->tier || !x->peer)
        return lcm_err_set(x->err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; i < x->ncity; i++) {
        size_t j = 0;
        while (strcmp(x->cities[j].tier, x->cities[i].tier) != 0)
            j++;
        x->tier[i] = (int)j;
    }
    memset(x->ngroup, 0, sizeof x->ngroup);
    for (int g = 0; g < 3; g++)
        x->group_rank[g] = 1;
    for (size_t i = 0; i < x->ncity; i++) {
        int in[3] = {x->tier[i] == x->tier[x->me], strcmp(x->cities[i].region4, me->region4) == 0,
                     1};
        for (int g = 0; g < 3; g++) {
            x->ngroup[g] += (size_t)in[g];
            x->group_rank[g] += in[g] && x->cities[i].rank < me->rank;
        }
    }
    x->peer_kind = x->ngroup[0] >= MIN_PEERS ? 0 : x->ngroup[1] >= MIN_PEERS ? 1 : 2;
    x->npeer = x->ngroup[x->peer_kind];
    for (size_t i = 0; i < x->ncity; i++)
        x->peer[i] = x->peer_kind == 2   ? 1
                     : x->peer_kind == 1 ? strcmp(x->cities[i].region4, me->region4) == 0
                                         : x->tier[i] == x->tier[x->me];
    const char *tier = tier_name(b, me->tier), *region = region_name(b, me->region4);
    switch (x->peer_kind) {
    case 0:
        x->peer_name = lcm_arena_printf(b->a, RB_T(b, "同层级城市（%s）", "%s peers"), tier);
        x->peer_median = lcm_arena_printf(b->a, RB_T(b, "%s中位数", "%s median"), tier);
        break;
    case 1:
        x->peer_name =
            lcm_arena_printf(b->a, RB_T(b, "%s地区城市", "cities of the %s region"), region);
        x->peer_median =
            lcm_arena_printf(b->a, RB_T(b, "%s地区城市中位数", "%s region median"), region);
        break;
    default:
        x->peer_name = RB_T(b, "全部监测城市", "all monitored cities");
        x->peer_median = RB_T(b, "全部监测城市中位数", "median of all monitored cities");
    }
    const char *why =
        x->peer_kind == 0 ? ""
        : x->peer_kind == 1
            ? lcm_arena_printf(b->a,
                               RB_T(b, "同层级城市（%s）只有%zu个，少于%d个，故与同地区城市比较。",
                                    "The city's tier (%s) has %zu monitored cities, fewer than "
                                    "%d, so it is compared with its region's. "),
                               tier, x->ngroup[0], MIN_PEERS)
            : lcm_arena_printf(
                  b->a,
                  RB_T(b,
                       "同层级城市（%s，%zu个）和%s地区城市（%zu个）都少于%d个，故与全部监测"
                       "城市比较。",
                       "The city's tier (%s, %zu) and the %s region (%zu) both have fewer than "
                       "%d monitored cities, so it is compared with all of them. "),
                  tier, x->ngroup[0], region, x->ngroup[1], MIN_PEERS);
    x->peer_note = lcm_arena_printf(
        b->a,
        RB_T(b,
             "比较组为%s：本年度参加监测的这类城市共%zu个（含本市），本报告中的“%"
             "s”、“前四分之一”均指"
             "这些城市。%s比较组依次取同层级城市、同地区城市、全部监测城市中第一个至少有%d个城市"
             "的组。",
             "Peers are the %s: %zu monitored cities this year (this city included); the '%s' "
             "and the 'top quartile' in this report are theirs. %sThe peer group is the first of "
             "the same tier, the same region and all monitored cities with at least %d cities."),
        x->peer_name, x->npeer, x->peer_median, why, MIN_PEERS);
    return x->peer_median && x->peer_note ? LCM_OK
                                          : lcm_err_set(x->err, LCM_NOMEM, "out of memory");
}

lcm_status lcm__feedback_city_build(lcm_db *db, const lcm_feedback_opts *o, rb *b, lcm_err *err) {
    city_ctx x = {.db = db, .b = b, .o = o, .me = -1, .err = err};
    node *v = NULL;
    size_t n = 0;
    char stem[64];
    lcm_status rc = lcm_score_latest_run(db, o->year, &x.run, err);
    if (rc != LCM_OK)
        return rc;
    if (rb_init(b, o->lang, o->out_dir, "city") != 0)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    b->formats = LCM_CHART_PNG | (o->svg ? LCM_CHART_SVG : 0u);
    b->min_n = o->min_n, b->year = o->year, b->kind = "city", b->model_path = o->model;
    if ((rc = rb_run_cities(db, b, x.run, &x.cities, &x.ncity, err)) != LCM_OK ||
        (rc = find_city(&x)) != LCM_OK || (rc = peers(&x)) != LCM_OK ||
        (rc = load_nodes(&x, &v, &n)) != LCM_OK)
        return rc;
    b->city = x.cities[x.me].code;
    /* file names from the city code, whatever the user typed */
    snprintf(stem, sizeof stem, "city_%s_%d", x.cities[x.me].code, o->year);
    snprintf(b->stem_buf, sizeof b->stem_buf, "%s", stem);
    snprintf(b->path, sizeof b->path, "%s/%s.html", o->out_dir, stem);
    summary(&x);
    scores_section(&x, v, n);
    point_sections(&x, v, n);
    survey_section(&x);
    rb_peer peer = {db,   x.run,  o->year, x.cities,    x.ncity,
                    x.me, x.peer, x.npeer, x.peer_name, x.peer_median};
    if ((rc = rb_advice_sections(b, &peer, err)) != LCM_OK)
        return rc;
    trends_section(&x);
    notes_section(&x, v, n);
    survey_methods(&x);
    rb_ratings_city(db, b, x.cities[x.me].code, o->year, err);
    b->title = lcm_arena_printf(b->a,
                                RB_T(b, "%s学习型城市建设监测反馈报告（%d年）",
                                     "%s: learning-city monitoring feedback (%d)"),
                                x.cities[x.me].name, o->year);
    b->subtitle = lcm_arena_printf(b->a, "%s · %s", x.province, tier_name(b, x.cities[x.me].tier));
    b->footer = RB_T(b, "由lcmon根据全国学习型城市建设监测指导性指标体系（试行）生成。",
                     "Made by lcmon from the national learning-city monitoring indicators.");
    return LCM_OK;
}
