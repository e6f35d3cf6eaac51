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
#include "feedback_int.h"
#include "model.h"
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
    int *tier;               /* tier group of each city (index of its first city of that tier) */
    size_t npeer;            /* cities of the city's tier, itself included */
    const char *peer_median; /* "省会城市中位数": the peer group named in words */
    const char *peer_note;   /* the sentence defining it */
} city_ctx;

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

static const char *region_name(rb *b, const char *r) {
    return strcmp(r, "east") == 0      ? RB_T(b, "东部", "east")
           : strcmp(r, "central") == 0 ? RB_T(b, "中部", "central")
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
    return lcm_arena_printf(x->b->a,
                            "{\"stat\":\"%s\",\"run\":%lld,\"city\":\"%s\",\"indicator\":%s}", stat,
                            x->run, x->cities[x->me].code, rb_json_str(x->b, code));
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
    rb_para(b, lcm_arena_printf(
                   b->a,
                   RB_T(b,
                        "%s（%s，%s地区，%s）：%d年参加监测的%zu个城市中，综合得分%.1f，排名第%d；"
                        "考虑指标权重、标准化与汇总方法以及抽样误差的不确定性，%s。在本地区排名"
                        "第%d，在同层级城市（%s，共%zu个）中排名第%d。",
                        "%s (%s, %s region, %s): in %d, among the %zu monitored cities, overall "
                        "score %.1f, rank %d; allowing for uncertainty in weights, normalisation, "
                        "aggregation and sampling, %s. Rank %d in its region and, among the "
                        "monitored cities of its tier (%s, %zu in all), rank %d."),
                   c->name, x->province, region_name(b, c->region), tier_name(b, c->tier), y,
                   x->ncity, c->score, c->rank, range, c->rank_region, tier_name(b, c->tier),
                   x->npeer, c->rank_tier));
    static const char *head_zh[] = {"比较范围", "城市数", "综合得分", "名次", "名次90%区间"};
    static const char *head_en[] = {"among", "cities", "overall score", "rank",
                                    "90% rank interval"};
    lcm_report_cell *cell = rb_cells(b, 3 * 5);
    for (int k = 0; cell && k < 3; k++) {
        static const char *const scope[3] = {"overall", "region", "tier"};
        size_t among = 0;
        for (size_t i = 0; i < x->ncity; i++)
            among += k == 0   ? 1
                     : k == 1 ? strcmp(x->cities[i].region, c->region) == 0
                              : x->tier[i] == x->tier[x->me];
        const char *ref = lcm_arena_printf(
            b->a, "{\"stat\":\"rank\",\"run\":%lld,\"city\":\"%s\",\"scope\":\"%s\"", x->run,
            c->code, scope[k]);
        cell[k * 5] = rb_text(b, k == 0   ? RB_T(b, "全部监测城市", "all monitored cities")
                                 : k == 1 ? lcm_arena_printf(b->a, RB_T(b, "%s地区", "%s region"),
                                                             region_name(b, c->region))
                                          : tier_name(b, c->tier));
        cell[k * 5 + 1] = rb_num((double)among, 0);
        cell[k * 5 + 2] =
            k == 0 ? rb_num_ref(b, c->score, 1, score_ref(x, "score", "overall")) : rb_text(b, "");
        cell[k * 5 + 3] = rb_num_ref(b,
                                     k == 0   ? c->rank
                                     : k == 1 ? c->rank_region
                                              : c->rank_tier,
                                     0, lcm_arena_printf(b->a, "%s,\"field\":\"rank\"}", ref));
        cell[k * 5 + 4] =
            k == 0 ? rb_text(b, lcm_arena_printf(b->a, "%d–%d", c->p05, c->p95)) : rb_text(b, "");
    }
    lcm_report_table t = {RB_T(b, "综合得分与名次", "Overall score and ranks"),
                          3,
                          5,
                          b->lang == LCM_LANG_EN ? head_en : head_zh,
                          cell,
                          RB_T(b, "名次区间为蒙特卡洛模拟中名次的5%–95%分位数。",
                               "Rank interval: 5th-95th percentile of the rank in the Monte Carlo "
                               "simulation.")};
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

/* The framework with the city's scores and its tier peers' median (every monitored city of
 * its tier, itself included; as `lcmon profile`: the score, or the raw value where a node
 * has no score). The run's scores are read in one pass, not one query per node. */
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
        v[k].median = lcm_ci_group_median(score, x->tier, x->tier[x->me], nc, scratch);
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
    lcm_chart_radar c = {RB_T(b, "指标得分与同层级城市中位数", "Scores against the tier's median"),
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
 * services' ratings (docs/model.md); dr->fitted = 0 when its rule fails or the data cannot
 * be read (the chart then falls back to the stored correlations). */
static void ipa_drivers(city_ctx *x, lcm_drivers *dr) {
    const char *items[NSERV];
    lcm_source src;
    memset(dr, 0, sizeof *dr);
    for (int s = 0; s < NSERV; s++)
        items[s] = lcm_arena_printf(x->b->a, "sat_%s", serv_code[s]);
    if (!items[NSERV - 1] ||
        lcm_source_resolve(x->db, LCM_SOURCE_FORM, "household", &src, NULL) != LCM_OK ||
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

/* The scored points furthest above and below the peer median, picked as `lcmon profile`
 * picks them: largest gap first, the earlier point on a tie. */
static size_t pick(const node *v, size_t n, int above, const node **out, size_t k) {
    size_t m = 0;
    while (m < k) {
        const node *best = NULL;
        for (size_t i = 0; i < n; i++) {
            double d = v[i].score - v[i].median;
            int used = 0;
            for (size_t j = 0; j < m; j++)
                used |= out[j] == &v[i];
            if (v[i].level != 3 || v[i].context || isnan(d) || used || (above ? d <= 0 : d >= 0))
                continue;
            if (!best || (above ? d > best->score - best->median : d < best->score - best->median))
                best = &v[i];
        }
        if (!best)
            break;
        out[m++] = best;
    }
    return m;
}

static void strengths_section(city_ctx *x, const node *v, size_t n) {
    rb *b = x->b;
    rb_section(b, RB_T(b, "八、优势与短板", "8. Strengths and weaknesses"));
    for (int side = 0; side < 2; side++) {
        const node *p[3];
        const char *items[3];
        size_t k = pick(v, n, side == 0, p, 3);
        for (size_t i = 0; i < k; i++)
            items[i] =
                lcm_arena_printf(b->a,
                                 side == 0 ? RB_T(b, "%s %s：得分%.1f，比%s高%.1f分",
                                                  "%s %s: score %.1f; against the %s: +%.1f")
                                           : RB_T(b, "%s %s：得分%.1f，比%s低%.1f分",
                                                  "%s %s: score %.1f; against the %s: -%.1f"),
                                 p[i]->code, p[i]->name, p[i]->score, x->peer_median,
                                 fabs(p[i]->score - p[i]->median));
        rb_subhead(b, lcm_arena_printf(b->a,
                                       side == 0
                                           ? RB_T(b, "优势（高于%s最多的监测点）",
                                                  "Strengths (points furthest above the %s)")
                                           : RB_T(b, "短板（低于%s最多的监测点，建议重点改进）",
                                                  "Weaknesses (points furthest below the %s: work "
                                                  "on these first)"),
                                       x->peer_median));
        if (k)
            rb_list(b, items, k);
        else
            rb_para(b, side == 0
                           ? RB_T(b, "没有高于中位数的监测点。", "No point above the median.")
                           : RB_T(b, "没有低于中位数的监测点。", "No point below the median."));
    }
    rb_para(b, x->peer_note);
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
            if (strcmp(x->cities[i].region, me->region) == 0)
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
                                          region_name(b, me->region));
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

/* The changes of `lcmon trend` (percentage points for rates); a change is shown only when
 * both waves' measures rest on at least min_n respondents. */
static void trends_section(city_ctx *x) {
    rb *b = x->b;
    static const struct {
        const char *m, *zh, *en;
    } names[] = {
        {"awareness", "平均知晓度（%）", "awareness (%)"},
        {"participation", "参与率（%）", "participation (%)"},
        {"satisfaction_index", "满意度指数（0–100）", "satisfaction index (0-100)"},
        {"satisfaction_top2", "满意及非常满意比例（%）", "satisfied or very satisfied (%)"}};
    rb_section(b, RB_T(b, "九、变化趋势", "9. Trends"));
    trend_chart(x);
    lcm_wave_row *w = NULL;
    size_t n = 0, rows = 0, hidden = 0;
    lcm_err e = {0};
    const char *city = x->cities[x->me].code;
    if (lcm_score_wave_changes(x->db, city, &w, &n, &e) != LCM_OK)
        return;
    lcm_report_cell *cell = rb_cells(b, n * 6);
    for (size_t i = 0; cell && i < n; i++) {
        size_t k = 0;
        while (k < 4 && strcmp(w[i].measure, names[k].m) != 0)
            k++;
        if (w[i].item[0] || w[i].y2 > x->o->year || k == 4)
            continue;
        double e1, e2, se;
        long n1 = 0, n2 = 0;
        rb_measure(x->db, city, w[i].y1, w[i].measure, "", &e1, &se, &n1);
        rb_measure(x->db, city, w[i].y2, w[i].measure, "", &e2, &se, &n2);
        if (n1 < b->min_n || n2 < b->min_n) {
            hidden++;
            continue;
        }
        const char *ref = lcm_arena_printf(
            b->a,
            "{\"stat\":\"wave_change\",\"city\":\"%s\",\"measure\":\"%s\",\"y1\":%d,\"y2\":%d",
            city, w[i].measure, w[i].y1, w[i].y2);
        cell[rows * 6] = rb_text(b, RB_T(b, names[k].zh, names[k].en));
        cell[rows * 6 + 1] = rb_text(b, lcm_arena_printf(b->a, "%d–%d", w[i].y1, w[i].y2));
        cell[rows * 6 + 2] =
            rb_num_ref(b, w[i].e1, 1, lcm_arena_printf(b->a, "%s,\"field\":\"e1\"}", ref));
        cell[rows * 6 + 3] =
            rb_num_ref(b, w[i].e2, 1, lcm_arena_printf(b->a, "%s,\"field\":\"e2\"}", ref));
        cell[rows * 6 + 4] =
            (lcm_report_cell){LCM_CELL_EST,
                              NULL,
                              w[i].change.diff,
                              w[i].change.lo,
                              w[i].change.hi,
                              1,
                              -1,
                              NULL,
                              lcm_arena_printf(b->a, "%s,\"field\":\"diff\"}", ref)};
        cell[rows * 6 + 5] =
            rb_num_ref(b, w[i].change.p, 3, lcm_arena_printf(b->a, "%s,\"field\":\"p\"}", ref));
        rows++;
    }
    static const char *head_zh[] = {"调查指标", "年份", "前一次", "本次", "变化（95%置信区间）",
                                    "p值"};
    static const char *head_en[] = {"measure", "waves", "before", "now", "change (95% CI)", "p"};
    lcm_report_table t = {
        RB_T(b, "问卷调查指标在两次调查之间的变化", "Change of the survey measures between waves"),
        rows,
        6,
        b->lang == LCM_LANG_EN ? head_en : head_zh,
        cell,
        lcm_arena_printf(
            b->a,
            RB_T(b,
                 "比例的变化以百分点表示，满意度指数的变化以分表示。两次调查为独立样本，变化的"
                 "标准误为两次标准误的平方和开方。%s",
                 "Changes of rates in percentage points, of the index in points. Independent "
                 "samples: SE of a change = sqrt(SE1² + SE2²). %s"),
            hidden ? lcm_arena_printf(b->a,
                                      RB_T(b, "有%zu项变化因某次调查样本量少于%ld人而不列出。",
                                           "%zu changes are not shown: a wave had fewer than "
                                           "%ld respondents."),
                                      hidden, b->min_n)
                   : "")};
    if (cell && rows)
        rb_table(b, &t);
    free(w);
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
    rb_section(b, RB_T(b, "十、数据与方法说明", "10. Data and methods"));
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

/* The one peer group: the monitored cities of the city's tier, named in words. */
static lcm_status peers(city_ctx *x) {
    rb *b = x->b;
    x->tier = lcm_arena_alloc(b->a, x->ncity * sizeof *x->tier);
    if (!x->tier)
        return lcm_err_set(x->err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; i < x->ncity; i++) {
        size_t j = 0;
        while (strcmp(x->cities[j].tier, x->cities[i].tier) != 0)
            j++;
        x->tier[i] = (int)j;
    }
    x->npeer = 0;
    for (size_t i = 0; i < x->ncity; i++)
        x->npeer += x->tier[i] == x->tier[x->me];
    const char *tier = tier_name(b, x->cities[x->me].tier);
    x->peer_median = lcm_arena_printf(b->a, RB_T(b, "%s中位数", "%s median"), tier);
    x->peer_note = lcm_arena_printf(
        b->a,
        RB_T(b,
             "比较对象为同层级城市：本年度参加监测的全部%s，共%zu个（含本市）；“%s”"
             "即这些城市得分的中位数。",
             "Peers are the cities of the same tier: every monitored %s this year, %zu in all "
             "(this city included); the '%s' is the median of their scores."),
        tier, x->npeer, x->peer_median);
    return x->peer_median && x->peer_note ? LCM_OK
                                          : lcm_err_set(x->err, LCM_NOMEM, "out of memory");
}

lcm_status lcm__feedback_city_build(lcm_db *db, const lcm_feedback_opts *o, rb *b, lcm_err *err) {
    city_ctx x = {db, b, o, 0, NULL, 0, -1, "", err, NULL, 0, NULL, NULL};
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
    strengths_section(&x, v, n);
    trends_section(&x);
    notes_section(&x, v, n);
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
