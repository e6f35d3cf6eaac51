/*
 * feedback_national.c - the ministry's overview of a year. It opens with the cities that
 * need attention and why (so an analyst finds every one of them on the first page), then
 * the full league table with rank intervals, how each second-level indicator is spread by
 * region and by tier (box plots), how scores and survey measures changed over the years,
 * the cities whose rank moved beyond its uncertainty, the network's coverage of the 2025
 * targets, the points where most cities are weak (artefacts of the data or of the scoring
 * rule left out, and said so), the expert ratings and a methods annex.
 *
 * Every rule that picks a city or a point is stated in the report and in docs/national.md;
 * each number carries a ref (feedback_model.c) that tests/test_national.c compares with the
 * engine's own answer.
 */
#include "feedback_int.h"
#include "score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NAT_MAX_L2 40

typedef enum att_reason { ATT_BOTTOM, ATT_FELL, ATT_OUTLIER, ATT_MISSING } att_reason;

typedef struct att {
    size_t city; /* index into cities */
    att_reason why;
    const char *detail, *indicator; /* indicator: code for ATT_OUTLIER and ATT_MISSING */
    double value;                   /* the city's score, or NaN */
} att;

typedef struct nat_year {
    int year;
    long long run;
    rb_city *c;
    size_t n;
} nat_year;

typedef struct nat_ctx {
    lcm_db *db;
    rb *b;
    const lcm_feedback_opts *o;
    long long run;
    rb_city *cities;
    size_t ncity;
    lcm_err *err;
    nat_year yr[RB_MAX_YEARS]; /* years with a score run, ascending; the last is o->year */
    size_t nyr;
    const nat_year *prev; /* the year before, or NULL */
    size_t nl2;
    const char **l2code, **l2name; /* NAT_MAX_L2 each, in the arena: the charts outlive x */
    double *l2;                    /* nl2 x ncity scores, indicator-major */
    double l2box[NAT_MAX_L2][5];   /* the national box of each */
    att *att;
    size_t natt;
} nat_ctx;

static const char *const region_key[3] = {"east", "central", "west"};
static const char *const region_zh[3] = {"东部", "中部", "西部"};
static const char *const region_en[3] = {"east", "central", "west"};
static const char *const tier_key[4] = {"municipality", "provincial_capital", "separately_planned",
                                        "prefecture"};
static const char *const tier_zh[4] = {"直辖市", "省会城市", "计划单列市", "其他地级市"};
static const char *const tier_en[4] = {"municipalities", "provincial capitals",
                                       "separately planned cities", "other prefecture-level"};

static const char *region_name(const rb *b, const char *key) {
    for (int i = 0; i < 3; i++)
        if (strcmp(key, region_key[i]) == 0)
            return RB_T(b, region_zh[i], region_en[i]);
    return key;
}

static const char *tier_name(const rb *b, const char *key) {
    for (int i = 0; i < 4; i++)
        if (strcmp(key, tier_key[i]) == 0)
            return RB_T(b, tier_zh[i], tier_en[i]);
    return key;
}

/* "第3–5名" / "3-5", or one rank when the interval is a point. */
static const char *rank_iv(rb *b, int lo, int hi) {
    if (lo == hi)
        return lcm_arena_printf(b->a, RB_T(b, "第%d名", "%d"), lo);
    return lcm_arena_printf(b->a, RB_T(b, "第%d–%d名", "%d-%d"), lo, hi);
}

static const char *ref(rb *b, const char *stat, const char *key, const char *field) {
    return lcm_arena_printf(b->a, "{\"stat\":\"%s\",\"key\":%s,\"field\":\"%s\"}", stat,
                            rb_json_str(b, key), field);
}

/* ---- data ---- */

static void load_years(nat_ctx *x) {
    sqlite3_stmt *st = NULL;
    int years[RB_MAX_YEARS];
    size_t n = 0;
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT DISTINCT CAST(json_extract(params, '$.year') AS INTEGER) AS y "
                           "FROM runs WHERE kind = 'score' AND y <= ?1 ORDER BY y DESC",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int(st, 1, x->o->year);
    while (n < RB_MAX_YEARS && sqlite3_step(st) == SQLITE_ROW)
        years[n++] = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    for (size_t i = n; i-- > 0;) { /* ascending */
        nat_year *y = &x->yr[x->nyr];
        lcm_err e = {0};
        y->year = years[i];
        if (years[i] == x->o->year) {
            y->run = x->run, y->c = x->cities, y->n = x->ncity;
        } else if (lcm_score_latest_run(x->db, years[i], &y->run, &e) != LCM_OK ||
                   rb_run_cities(x->db, x->b, y->run, &y->c, &y->n, &e) != LCM_OK) {
            continue;
        }
        x->nyr++;
    }
    if (x->nyr >= 2 && x->yr[x->nyr - 1].year == x->o->year &&
        x->yr[x->nyr - 2].year == x->o->year - 1)
        x->prev = &x->yr[x->nyr - 2];
}

static void load_l2(nat_ctx *x) {
    rb *b = x->b;
    sqlite3_stmt *st = NULL;
    x->l2code = lcm_arena_alloc(b->a, NAT_MAX_L2 * sizeof *x->l2code);
    x->l2name = lcm_arena_alloc(b->a, NAT_MAX_L2 * sizeof *x->l2name);
    if (!x->l2code || !x->l2name) {
        b->oom = 1;
        return;
    }
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT code, name_zh, name_en FROM indicators WHERE level = 2 AND "
                           "code NOT LIKE '1.%' ORDER BY ord",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    while (x->nl2 < NAT_MAX_L2 && sqlite3_step(st) == SQLITE_ROW) {
        x->l2code[x->nl2] = lcm_arena_strdup(b->a, (const char *)sqlite3_column_text(st, 0));
        x->l2name[x->nl2++] = lcm_arena_strdup(
            b->a, (const char *)sqlite3_column_text(st, b->lang == LCM_LANG_EN ? 2 : 1));
    }
    sqlite3_finalize(st);
    x->l2 = lcm_arena_alloc(b->a, (x->nl2 ? x->nl2 : 1) * x->ncity * sizeof *x->l2);
    if (!x->l2) {
        x->nl2 = 0;
        return;
    }
    for (size_t j = 0; j < x->nl2; j++) {
        rb_scores(x->db, x->run, x->l2code[j], x->cities, x->ncity, x->l2 + j * x->ncity, NULL,
                  x->err);
        if (lcm_chart_box_stats(x->l2 + j * x->ncity, x->ncity, x->l2box[j], NULL, NULL) < 0)
            b->oom = 1;
    }
}

/* The previous year's row of a city, or NULL. */
static const rb_city *prev_of(const nat_ctx *x, const char *code) {
    for (size_t i = 0; x->prev && i < x->prev->n; i++)
        if (strcmp(x->prev->c[i].code, code) == 0)
            return &x->prev->c[i];
    return NULL;
}

static void add_att(nat_ctx *x, size_t *cap, att a) {
    if (x->natt == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        att *p = lcm_arena_alloc(x->b->a, nc * sizeof *p);
        if (!p) {
            x->b->oom = 1;
            return;
        }
        if (x->natt)
            memcpy(p, x->att, x->natt * sizeof *p);
        x->att = p, *cap = nc;
    }
    x->att[x->natt++] = a;
}

/* Every city that needs attention, with each reason (the rules are in the methods annex). */
static void find_attention(nat_ctx *x) {
    rb *b = x->b;
    size_t cap = 0;
    for (size_t i = 0; i < x->ncity; i++) {
        const rb_city *c = &x->cities[i];
        if ((double)c->p05 > 0.75 * (double)x->ncity)
            add_att(x, &cap,
                    (att){i, ATT_BOTTOM,
                          lcm_arena_printf(b->a,
                                           RB_T(b, "名次区间%s（共%zu个城市）全部在后四分之一",
                                                "rank interval %s of %zu lies wholly in the "
                                                "bottom quarter"),
                                           rank_iv(b, c->p05, c->p95), x->ncity),
                          NULL, c->score});
        const rb_city *p = prev_of(x, c->code);
        if (p && c->p05 > p->p95)
            add_att(x, &cap,
                    (att){i, ATT_FELL,
                          lcm_arena_printf(b->a,
                                           RB_T(b, "名次由%d年的%s降至%s，两区间不重叠",
                                                "rank fell from %d's %s to %s; the intervals do "
                                                "not overlap"),
                                           x->prev->year, rank_iv(b, p->p05, p->p95),
                                           rank_iv(b, c->p05, c->p95)),
                          NULL, c->score});
        for (size_t j = 0; j < x->nl2; j++) {
            double v = x->l2[j * x->ncity + i];
            if (isnan(v))
                add_att(x, &cap,
                        (att){i, ATT_MISSING,
                              lcm_arena_printf(b->a,
                                               RB_T(b, "%s %s没有得分（缺少数据）",
                                                    "%s %s has no score (no data)"),
                                               x->l2code[j], x->l2name[j]),
                              x->l2code[j], NAN});
            else if (v < x->l2box[j][0])
                add_att(x, &cap,
                        (att){i, ATT_OUTLIER,
                              lcm_arena_printf(b->a,
                                               RB_T(b,
                                                    "%s %s得分%.1f，低于全国箱线图下须%.1f"
                                                    "（离群偏低）",
                                                    "%s %s scores %.1f, below the national "
                                                    "lower whisker %.1f (a low outlier)"),
                                               x->l2code[j], x->l2name[j], v, x->l2box[j][0]),
                              x->l2code[j], v});
        }
    }
}

/* ---- sections ---- */

static void attention(nat_ctx *x) {
    rb *b = x->b;
    static const char *const why_zh[] = {"名次靠后", "名次显著下降", "二级指标离群偏低",
                                         "缺少数据"};
    static const char *const why_en[] = {"near the bottom", "fell significantly",
                                         "low outlier on an indicator", "data missing"};
    static const char *const why_key[] = {"bottom", "fell", "outlier", "missing"};
    rb_section(b, RB_T(b, "一、需要关注的城市及原因", "1. Cities that need attention, and why"));
    size_t ncities = 0;
    for (size_t k = 0; k < x->natt; k++)
        ncities += k == 0 || x->att[k].city != x->att[k - 1].city;
    if (x->natt == 0) {
        rb_para(b, RB_T(b, "按下列规则，本年度没有需要特别关注的城市。",
                        "By the rules below, no city needs particular attention this year."));
    } else {
        rb_para(b, lcm_arena_printf(
                       b->a,
                       RB_T(b,
                            "按下列规则，%d年有%zu个城市需要关注，共%zu条原因，逐条列于下表"
                            "（按综合名次排列）。",
                            "By the rules below, in %d %zu cities need attention, for %zu "
                            "reasons, each listed in the table (in rank order)."),
                       x->o->year, ncities, x->natt));
    }
    rb_list(b,
            (const char *const[]){
                RB_T(b, "名次靠后：名次的5%–95%区间全部落在后四分之一。",
                     "Near the bottom: the 5-95% rank interval lies wholly in the bottom "
                     "quarter."),
                RB_T(b, "名次显著下降：今年的名次区间整体低于去年的名次区间（两者不重叠）。",
                     "Fell significantly: this year's rank interval lies wholly below last "
                     "year's (they do not overlap)."),
                RB_T(b,
                     "二级指标离群偏低：某二级指标得分低于全国箱线图的下须（第一四分位数减"
                     "1.5倍四分位距以下）。",
                     "Low outlier: a second-level indicator scores below the national box "
                     "plot's lower whisker (more than 1.5 IQR below the lower hinge)."),
                RB_T(b, "缺少数据：某二级指标没有得分。",
                     "Data missing: a second-level indicator has no score."),
            },
            4);
    if (x->natt == 0)
        return;
    lcm_report_cell *cell = rb_cells(b, x->natt * 4);
    if (!cell)
        return;
    for (size_t k = 0; k < x->natt; k++) {
        const att *a = &x->att[k];
        const rb_city *c = &x->cities[a->city];
        const char *key =
            lcm_arena_printf(b->a, "%s\x1f%s%s%s", c->code, why_key[a->why],
                             a->indicator ? "\x1f" : "", a->indicator ? a->indicator : "");
        cell[k * 4] = rb_text(b, lcm_arena_printf(b->a, RB_T(b, "%s（%s）", "%s (%s)"), c->name,
                                                  region_name(b, c->region)));
        cell[k * 4 + 1] = rb_num_ref(b, c->rank, 0, ref(b, "attention", key, "rank"));
        cell[k * 4 + 2] = rb_text(b, RB_T(b, why_zh[a->why], why_en[a->why]));
        cell[k * 4 + 3] = rb_text(b, a->detail);
    }
    static const char *head_zh[] = {"城市（地区）", "综合名次", "原因", "依据"};
    static const char *head_en[] = {"city (region)", "rank", "reason", "evidence"};
    rb_table(b, &(lcm_report_table){RB_T(b, "需要关注的城市", "Cities that need attention"),
                                    x->natt, 4, b->lang == LCM_LANG_EN ? head_en : head_zh, cell,
                                    RB_T(b, "一个城市有几条原因时列几行。",
                                         "A city with several reasons has a row for each.")});
}

static void overview(nat_ctx *x) {
    rb *b = x->b;
    double *s = lcm_arena_alloc(b->a, x->ncity * sizeof *s), lo = INFINITY, hi = -INFINITY;
    if (!s)
        return;
    for (size_t i = 0; i < x->ncity; i++) {
        s[i] = x->cities[i].score;
        lo = fmin(lo, s[i]), hi = fmax(hi, s[i]);
    }
    double med = rb_median(s, x->ncity);
    rb_section(b, RB_T(b, "二、总体情况与排名", "2. Overview and league table"));
    rb_para(b, lcm_arena_printf(
                   b->a,
                   RB_T(b,
                        "%d年共有%zu个城市参加监测。综合得分中位数为%.1f，最高%.1f（%s），最低"
                        "%.1f（%s）。下图和下表给出各城市名次及其不确定性区间：区间重叠的城市"
                        "之间的名次差异不宜过度解读。",
                        "In %d, %zu cities were monitored. The median overall score is %.1f, the "
                        "highest %.1f (%s), the lowest %.1f (%s). The chart and the table give "
                        "each city's rank with its uncertainty: ranks whose intervals overlap "
                        "should not be over-read."),
                   x->o->year, x->ncity, med, hi, x->cities[0].name, lo,
                   x->cities[x->ncity - 1].name));
    rb_ranks_chart(b, x->cities, x->ncity, -1,
                   RB_T(b, "各城市综合得分名次及其不确定性", "Ranks and their uncertainty"), NULL);
    /* the full league table */
    lcm_report_cell *cell = rb_cells(b, x->ncity * 8);
    if (!cell)
        return;
    for (size_t i = 0; i < x->ncity; i++) {
        const rb_city *c = &x->cities[i];
        lcm_report_cell *r = cell + i * 8;
        r[0] = rb_num_ref(b, c->rank, 0, ref(b, "rank", c->code, "rank"));
        r[1] = rb_text(b, c->name);
        r[2] = rb_text(b, region_name(b, c->region));
        r[3] = rb_text(b, tier_name(b, c->tier));
        r[4] = rb_num_ref(b, c->score, 1, ref(b, "rank", c->code, "score"));
        r[5] = rb_num_ref(b, c->p05, 0, ref(b, "rank", c->code, "p05"));
        r[6] = rb_num_ref(b, c->p95, 0, ref(b, "rank", c->code, "p95"));
        r[7] = rb_num_ref(b, c->median, 0, ref(b, "rank", c->code, "median_rank"));
    }
    static const char *head_zh[] = {"名次",     "城市",         "地区",         "类型",
                                    "综合得分", "名次区间下限", "名次区间上限", "名次中位数"};
    static const char *head_en[] = {"rank",  "city",          "region",      "tier",
                                    "score", "interval from", "interval to", "median rank"};
    rb_table(b, &(lcm_report_table){
                    RB_T(b, "全部城市排名", "League table of all cities"), x->ncity, 8,
                    b->lang == LCM_LANG_EN ? head_en : head_zh, cell,
                    RB_T(b, "名次区间为蒙特卡洛模拟中名次的5%–95%分位数（见方法说明）。",
                         "The rank interval is the 5-95% quantiles of the rank over the Monte "
                         "Carlo draws (see the methods annex).")});
}

/* One box chart of the second-level indicators by region (by_tier 0) or tier (1). */
static void box_chart(nat_ctx *x, int by_tier) {
    rb *b = x->b;
    /* the groups that have monitored cities */
    const char *const *all = by_tier ? tier_key : region_key;
    const char *keys[4];
    size_t ng = 0;
    for (size_t g = 0; g < (by_tier ? 4u : 3u); g++)
        for (size_t i = 0; i < x->ncity; i++)
            if (strcmp(by_tier ? x->cities[i].tier : x->cities[i].region, all[g]) == 0) {
                keys[ng++] = all[g];
                break;
            }
    if (ng == 0)
        return;
    double *stats = lcm_arena_alloc(b->a, x->nl2 * ng * 5 * sizeof *stats);
    double *col = lcm_arena_alloc(b->a, x->ncity * sizeof *col);
    double *out = lcm_arena_alloc(b->a, x->nl2 * x->ncity * sizeof *out);
    size_t *cellof = lcm_arena_alloc(b->a, x->nl2 * x->ncity * sizeof *cellof);
    double *tmp = lcm_arena_alloc(b->a, x->ncity * sizeof *tmp);
    const char **groups = lcm_arena_alloc(b->a, ng * sizeof *groups);
    if (!stats || !col || !out || !cellof || !tmp || !groups || !x->nl2)
        return;
    size_t nout = 0;
    for (size_t g = 0; g < ng; g++)
        groups[g] = by_tier ? tier_name(b, keys[g]) : region_name(b, keys[g]);
    for (size_t j = 0; j < x->nl2; j++)
        for (size_t g = 0; g < ng; g++) {
            size_t m = 0, k = 0;
            for (size_t i = 0; i < x->ncity; i++)
                if (strcmp(by_tier ? x->cities[i].tier : x->cities[i].region, keys[g]) == 0)
                    col[m++] = x->l2[j * x->ncity + i];
            if (lcm_chart_box_stats(col, m, stats + (j * ng + g) * 5, tmp, &k) < 0) {
                b->oom = 1;
                return;
            }
            for (size_t q = 0; q < k; q++)
                out[nout] = tmp[q], cellof[nout++] = j * ng + g;
        }
    const char *name = by_tier ? "boxes_tier" : "boxes_region";
    rb_chart_m *m = rb_chart(
        b, RB_BOXES, name,
        by_tier ? RB_T(b, "各二级指标得分按城市类型的箱线图", "indicator scores by tier")
                : RB_T(b, "各二级指标得分按地区的箱线图", "indicator scores by region"),
        by_tier ? RB_T(b,
                       "各二级指标标准化得分按城市类型的分布：箱体为上下四分位（Tukey折叶），"
                       "粗线为中位数，须线至1.5倍四分位距内的最远值，圆点为离群值",
                       "Second-level scores by tier: boxes span the hinges, the bar is the "
                       "median, whiskers reach the furthest values within 1.5 IQR, circles are "
                       "outliers")
                : RB_T(b,
                       "各二级指标标准化得分按东中西部的分布：箱体为上下四分位（Tukey折叶），"
                       "粗线为中位数，须线至1.5倍四分位距内的最远值，圆点为离群值",
                       "Second-level scores by region: boxes span the hinges, the bar is the "
                       "median, whiskers reach the furthest values within 1.5 IQR, circles are "
                       "outliers"));
    if (m)
        m->u.boxes = (lcm_chart_boxes){
            by_tier ? RB_T(b, "二级指标得分：按城市类型", "Second-level scores by tier")
                    : RB_T(b, "二级指标得分：按地区", "Second-level scores by region"),
            RB_T(b, "标准化得分（0–100）", "normalised score (0-100)"),
            x->nl2,
            ng,
            x->l2name,
            groups,
            stats,
            nout,
            cellof,
            out,
            RB_T(b, "无得分", "no score")};
}

static void distribution(nat_ctx *x) {
    rb *b = x->b;
    rb_section(b, RB_T(b, "三、二级指标得分的分布", "3. How the second-level scores spread"));
    rb_para(b, RB_T(b,
                    "下面两幅箱线图给出每个二级指标的标准化得分在东中西部和各类城市中的分布，"
                    "热图给出每个城市在每个二级指标上的得分。没有参加监测城市的地区或类型不画，"
                    "某组城市在某指标上都没有得分时标注“无得分”。",
                    "The two box plots show how each second-level indicator's normalised "
                    "score spreads across the regions and the tiers; the heatmap gives every "
                    "city's score on every indicator. Groups without monitored cities are left "
                    "out; a group whose cities all lack a score on an indicator is marked \"no "
                    "score\"."));
    box_chart(x, 0);
    box_chart(x, 1);
    const char **rows = lcm_arena_alloc(b->a, x->ncity * sizeof *rows);
    double *v = lcm_arena_alloc(b->a, x->ncity * (x->nl2 ? x->nl2 : 1) * sizeof *v);
    if (!rows || !v || !x->nl2)
        return;
    for (size_t i = 0; i < x->ncity; i++) {
        rows[i] = x->cities[i].name;
        for (size_t j = 0; j < x->nl2; j++)
            v[i * x->nl2 + j] = x->l2[j * x->ncity + i];
    }
    rb_chart_m *m =
        rb_chart(b, RB_HEATMAP, "heatmap", RB_T(b, "城市×二级指标热图", "cities by indicators"),
                 RB_T(b, "各城市二级指标标准化得分（0–100，按综合名次排列）",
                      "Second-level scores (0-100) of each city, in rank order"));
    if (m)
        m->u.heatmap =
            (lcm_chart_heatmap){RB_T(b, "二级指标标准化得分", "Second-level scores"),
                                RB_T(b, "标准化得分（0–100）", "normalised score (0-100)"),
                                x->ncity,
                                x->nl2,
                                rows,
                                x->l2name,
                                v,
                                -1,
                                RB_T(b, "缺失", "missing")};
}

/* Median overall score and survey means of a region ("all" = nation) in one year. */
static void region_year(nat_ctx *x, const nat_year *y, const char *region, double out[5]) {
    static const struct {
        const char *var;
        int prop;
        double scale;
    } m[3] = {{"aware_share", 0, 100}, {"participated", 1, 100}, {"sat_index", 0, 1}};
    double *s = lcm_arena_alloc(x->b->a, (y->n ? y->n : 1) * sizeof *s), sum[3] = {0};
    long cnt[3] = {0};
    size_t n = 0;
    for (int k = 0; k < 5; k++)
        out[k] = NAN;
    if (!s)
        return;
    for (size_t i = 0; i < y->n; i++) {
        if (strcmp(region, "all") != 0 && strcmp(y->c[i].region, region) != 0)
            continue;
        s[n++] = y->c[i].score;
        for (int k = 0; k < 3; k++) { /* suppressed estimates are NaN: left out */
            rb_svy v = rb_svy_get(x->b, x->db, y->year, m[k].var, m[k].prop, "city", y->c[i].code,
                                  m[k].scale, 0);
            if (!isnan(v.est))
                sum[k] += v.est, cnt[k]++;
        }
    }
    out[0] = (double)n;
    out[1] = rb_median(s, n);
    for (int k = 0; k < 3; k++)
        out[2 + k] = cnt[k] ? sum[k] / (double)cnt[k] : NAN;
}

static void changes(nat_ctx *x) {
    rb *b = x->b;
    static const char *const rkey[4] = {"all", "east", "central", "west"};
    static const char *const field[5] = {"cities", "median_score", "aware_share", "participated",
                                         "sat_index"};
    rb_section(b, RB_T(b, "四、历年变化", "4. Changes over the years"));
    if (x->nyr < 2) {
        rb_para(b, RB_T(b, "库中只有本年度的评分结果，暂无历年比较。",
                        "The store has scores of this year only: no change over years yet."));
    }
    size_t ny = x->nyr, ncol = 2 + ny;
    /* table 1: median overall score; table 2..4: survey means; rows: nation and regions */
    static const char *const cap_zh[4] = {"综合得分中位数", "平均知晓度（%）", "平均参与率（%）",
                                          "平均满意度指数"};
    static const char *const cap_en[4] = {"Median overall score", "Mean awareness (%)",
                                          "Mean participation (%)", "Mean satisfaction index"};
    double v[RB_MAX_YEARS][4][5];
    for (size_t t = 0; t < ny; t++)
        for (int r = 0; r < 4; r++)
            region_year(x, &x->yr[t], rkey[r], v[t][r]);
    const char **head = lcm_arena_alloc(b->a, ncol * sizeof *head);
    if (!head)
        return;
    head[0] = RB_T(b, "地区", "region");
    head[1] = lcm_arena_printf(b->a, RB_T(b, "%d年城市数", "cities %d"), x->o->year);
    for (size_t t = 0; t < ny; t++)
        head[2 + t] = lcm_arena_printf(b->a, RB_T(b, "%d年", "%d"), x->yr[t].year);
    for (int q = 0; q < 4; q++) {
        lcm_report_cell *cell = rb_cells(b, 4 * ncol);
        if (!cell)
            return;
        for (int r = 0; r < 4; r++) {
            lcm_report_cell *row = cell + r * ncol;
            row[0] = rb_text(b, r == 0 ? RB_T(b, "全国", "nation") : region_name(b, rkey[r]));
            row[1] =
                rb_num_ref(b, v[ny - 1][r][0], 0,
                           lcm_arena_printf(b->a,
                                            "{\"stat\":\"region_year\",\"key\":\"%s\",\"year\":%d,"
                                            "\"field\":\"cities\"}",
                                            rkey[r], x->yr[ny - 1].year));
            for (size_t t = 0; t < ny; t++)
                row[2 + t] = rb_num_ref(
                    b, v[t][r][1 + q], 1,
                    lcm_arena_printf(b->a,
                                     "{\"stat\":\"region_year\",\"key\":\"%s\",\"year\":%d,"
                                     "\"field\":\"%s\"}",
                                     rkey[r], x->yr[t].year, field[1 + q]));
        }
        rb_table(b, &(lcm_report_table){
                        RB_T(b, cap_zh[q], cap_en[q]), 4, ncol, head, cell,
                        q == 0 ? RB_T(b,
                                      "综合得分是各年度内的相对得分（标准化在当年参加监测的城市"
                                      "之间进行），各年的中位数反映位置而非绝对水平；问卷调查"
                                      "指标是绝对水平，可以跨年比较。",
                                      "Overall scores are relative within each year (normalised "
                                      "over that year's cities): their medians show position, "
                                      "not level; the survey measures are levels and compare "
                                      "across years.")
                               : lcm_arena_printf(b->a,
                                                  RB_T(b,
                                                       "各城市估计值的简单平均，不含受访者少于"
                                                       "%ld人的城市。",
                                                       "Unweighted means of the cities' "
                                                       "estimates, leaving out cities with fewer "
                                                       "than %ld respondents."),
                                                  b->min_n)});
    }
}

static void movers(nat_ctx *x) {
    rb *b = x->b;
    rb_subhead(b, RB_T(b, "名次显著变化的城市", "Cities whose rank moved significantly"));
    if (!x->prev) {
        rb_para(b, lcm_arena_printf(b->a,
                                    RB_T(b, "库中没有%d年的评分结果，无法比较名次变化。",
                                         "The store has no scores of %d: no rank changes."),
                                    x->o->year - 1));
        return;
    }
    lcm_report_cell *cell = rb_cells(b, x->ncity * 5);
    size_t n = 0;
    for (size_t i = 0; cell && i < x->ncity; i++) {
        const rb_city *c = &x->cities[i], *p = prev_of(x, c->code);
        if (!p || (c->p05 <= p->p95 && c->p95 >= p->p05))
            continue;
        int up = c->p95 < p->p05;
        lcm_report_cell *r = cell + n++ * 5;
        r[0] = rb_text(b, c->name);
        r[1] = rb_text(b, region_name(b, c->region));
        r[2] = rb_text(b, rank_iv(b, p->p05, p->p95));
        r[3] = rb_text(b, rank_iv(b, c->p05, c->p95));
        r[4] = (lcm_report_cell){.kind = LCM_CELL_TEXT,
                                 .text = up ? RB_T(b, "上升", "rose") : RB_T(b, "下降", "fell"),
                                 .value = NAN,
                                 .lo = NAN,
                                 .hi = NAN,
                                 .n = -1,
                                 .ref = ref(b, "moved", c->code, up ? "rose" : "fell")};
    }
    rb_para(b, lcm_arena_printf(
                   b->a,
                   RB_T(b,
                        "与%d年相比，%zu个城市的名次区间与上年不重叠（名次的变化超出了不确定性），"
                        "其余城市的名次变化都在不确定性之内。%s",
                        "Against %d, %zu cities have a rank interval that does not overlap last "
                        "year's (the change exceeds the uncertainty); every other city's change "
                        "is within it.%s"),
                   x->prev->year, n,
                   x->prev->n != x->ncity
                       ? lcm_arena_printf(b->a,
                                          RB_T(b, "注意：两年参加排名的城市数不同（%zu和%zu）。",
                                               " Note: the two years rank different numbers of "
                                               "cities (%zu and %zu)."),
                                          x->prev->n, x->ncity)
                       : ""));
    static const char *head_zh[] = {"城市", "地区", "上年名次区间", "今年名次区间", "变化"};
    static const char *head_en[] = {"city", "region", "last year", "this year", "change"};
    if (n)
        rb_table(b, &(lcm_report_table){RB_T(b, "名次显著变化的城市", "Significant movers"), n, 5,
                                        b->lang == LCM_LANG_EN ? head_en : head_zh, cell, NULL});
}

typedef struct weak {
    const char *code, *name;
    double median, below; /* below: share of cities under 50, in % */
    long n, distinct;
    int excluded; /* 0 kept, 1 too little data, 2 floor or ceiling of the scoring rule */
    double bound; /* the floor or ceiling most cities share */
} weak;

static int cmp_weak(const void *a, const void *b) {
    const weak *x = a, *y = b;
    if (x->excluded != y->excluded)
        return x->excluded - y->excluded;
    return x->median < y->median ? -1 : x->median > y->median;
}

static int cmp_dbl(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A point's scores over the cities: n, median, share below 50, distinct values, and
 * whether half the cities or more share its lowest or highest score (a bound of the rule). */
static void weak_stats(weak *w, double *col, size_t ncity) {
    size_t m = 0;
    for (size_t i = 0; i < ncity; i++)
        if (!isnan(col[i]))
            col[m++] = col[i];
    w->n = (long)m, w->median = NAN, w->below = NAN, w->distinct = 0, w->excluded = 0;
    w->bound = NAN;
    if (2 * m < ncity || m == 0) {
        w->excluded = 1;
        return;
    }
    qsort(col, m, sizeof *col, cmp_dbl);
    w->median = m % 2 ? col[m / 2] : (col[m / 2 - 1] + col[m / 2]) / 2;
    size_t below = 0, at_lo = 0, at_hi = 0;
    for (size_t i = 0; i < m; i++) {
        below += col[i] < 50;
        at_lo += col[i] == col[0];
        at_hi += col[i] == col[m - 1];
        w->distinct += i == 0 || col[i] != col[i - 1];
    }
    w->below = 100.0 * (double)below / (double)m;
    if (w->distinct <= 2 || 2 * at_lo >= m || 2 * at_hi >= m) {
        w->excluded = 2;
        w->bound = 2 * at_lo >= m ? col[0] : col[m - 1];
    }
}

/* Monitoring points where most cities are weak: median below 50, artefacts left out. */
static void weakest(nat_ctx *x) {
    rb *b = x->b;
    sqlite3_stmt *st = NULL;
    weak w[64];
    size_t n = 0;
    double *col = lcm_arena_alloc(b->a, x->ncity * sizeof *col);
    if (!col || sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                                   "SELECT code, name_zh, name_en FROM indicators WHERE level = 3 "
                                   "AND (direction IS NULL OR direction <> 'context') ORDER BY ord",
                                   -1, &st, NULL) != SQLITE_OK)
        return;
    while (n < 64 && sqlite3_step(st) == SQLITE_ROW) {
        w[n].code = lcm_arena_strdup(b->a, (const char *)sqlite3_column_text(st, 0));
        w[n].name = lcm_arena_strdup(
            b->a, (const char *)sqlite3_column_text(st, b->lang == LCM_LANG_EN ? 2 : 1));
        rb_scores(x->db, x->run, w[n].code, x->cities, x->ncity, col, NULL, x->err);
        weak_stats(&w[n], col, x->ncity);
        n++;
    }
    sqlite3_finalize(st);
    qsort(w, n, sizeof *w, cmp_weak);
    rb_section(b, RB_T(b, "六、多数城市薄弱的监测点", "6. Points where most cities are weak"));
    rb_para(
        b,
        RB_T(b,
             "一个监测点上多数城市薄弱，指其标准化得分的中位数低于50分（即半数以上城市"
             "低于50分）。两类情况不是真实的薄弱，不列入：半数以上城市没有数据的监测点；"
             "得分只有两个取值（是否题、合规区间），或半数以上城市落在同一个最低或最高"
             "得分上（评分规则的下限或上限）的监测点。后一类中中位数低于50分的另列于后。",
             "Most cities are weak on a point when its median normalised score is below "
             "50 (more than half the cities score under 50). Two cases are artefacts, "
             "not weakness, and are listed apart: points without data for half the "
             "cities or more; points with only two score values (yes/no, compliance "
             "bands) or where half the cities or more share the lowest or highest score "
             "(a floor or ceiling of the scoring rule); those of the latter with a median under 50 "
             "are listed after the table."));
    size_t nk = 0, nx = 0;
    for (size_t i = 0; i < n; i++)
        if (w[i].excluded == 0 && w[i].median < 50)
            nk++;
        else if (w[i].excluded == 1 || (w[i].excluded == 2 && w[i].median < 50))
            nx++;
    lcm_report_cell *cell = rb_cells(b, (nk ? nk : 1) * 5);
    for (size_t i = 0, r = 0; cell && i < n && r < nk; i++) {
        if (w[i].excluded || !(w[i].median < 50))
            continue;
        lcm_report_cell *row = cell + r++ * 5;
        row[0] = rb_text(b, w[i].code);
        row[1] = rb_text(b, w[i].name);
        row[2] = rb_num_ref(b, (double)w[i].n, 0, ref(b, "weak_point", w[i].code, "n"));
        row[3] = rb_num_ref(b, w[i].median, 1, ref(b, "weak_point", w[i].code, "median"));
        row[4] = rb_num_ref(b, w[i].below, 1, ref(b, "weak_point", w[i].code, "below50"));
    }
    static const char *head_zh[] = {"编号", "监测点", "有得分的城市", "得分中位数",
                                    "低于50分的城市（%）"};
    static const char *head_en[] = {"code", "point", "cities with a score", "median score",
                                    "cities under 50 (%)"};
    if (nk && cell)
        rb_table(b, &(lcm_report_table){RB_T(b, "多数城市薄弱的监测点（按中位数从低到高）",
                                             "Points where most cities are weak (lowest "
                                             "median first)"),
                                        nk, 5, b->lang == LCM_LANG_EN ? head_en : head_zh, cell,
                                        NULL});
    else
        rb_para(b, RB_T(b, "没有多数城市薄弱的监测点。", "No point has most cities weak."));
    if (!nx)
        return;
    const char **items = lcm_arena_alloc(b->a, nx * sizeof *items);
    size_t k = 0;
    for (size_t i = 0; items && i < n; i++) {
        if (w[i].excluded == 1)
            items[k++] =
                lcm_arena_printf(b->a,
                                 RB_T(b, "%s %s：只有%ld个城市有得分（数据不足）",
                                      "%s %s: only %ld cities have a score (too little data)"),
                                 w[i].code, w[i].name, w[i].n);
        else if (w[i].excluded == 2 && w[i].median < 50)
            items[k++] = lcm_arena_printf(
                b->a,
                RB_T(b,
                     "%s "
                     "%s：得分只有%ld个不同取值，%s，是评分规则的上下限所致，中位数%.1f不代表薄弱",
                     "%s %s: %ld distinct scores, %s, a bound of the scoring rule; its median "
                     "%.1f is no sign of weakness"),
                w[i].code, w[i].name, w[i].distinct,
                lcm_arena_printf(b->a,
                                 RB_T(b, "半数以上城市得分相同（%.1f）",
                                      "half the cities or "
                                      "more share %.1f"),
                                 w[i].bound),
                w[i].median);
    }
    rb_subhead(b, RB_T(b, "未列入的监测点及原因", "Points left out, and why"));
    rb_list(b, items, k);
}

static void methods(nat_ctx *x) {
    rb *b = x->b;
    lcm_score_opts so;
    char *wf = NULL;
    lcm_err e = {0};
    int have = lcm_score_params_load(x->db, x->run, &so, &wf, &e) == LCM_OK;
    const char *norm_zh[LCM_CI_NNORM] = {
        RB_T(b, "最小–最大", "min-max"), RB_T(b, "标准分数", "z-score"),
        RB_T(b, "固定上下限", "goalposts"), RB_T(b, "目标值", "distance to target"),
        RB_T(b, "名次", "rank")};
    const char *agg_zh[LCM_CI_NAGG] = {RB_T(b, "加权算术平均", "weighted arithmetic mean"),
                                       RB_T(b, "加权几何平均", "weighted geometric mean"),
                                       RB_T(b, "Copeland法", "Copeland's rule")};
    free(wf);
    rb_section(b, RB_T(b, "附录：方法说明", "Annex: methods"));
    rb_para(b, RB_T(b,
                    "数据：统计数据由各城市填报并经核实；评审类监测点为至少三名专家的评分均值；"
                    "问卷调查类监测点来自居民入户问卷的设计加权估计。",
                    "Data: statistics as the cities report them, verified; rated points are the "
                    "mean of at least three reviewers; survey points are design-weighted "
                    "estimates from the household questionnaire."));
    if (have)
        rb_para(b, lcm_arena_printf(
                       b->a,
                       RB_T(b,
                            "得分：各监测点经异常值处理后按“%s”方法标准化为0–100分（在当年参加"
                            "监测的城市之间），按“%s”方法逐级汇总为二级、一级指标和综合得分；"
                            "一组中有得分的监测点权重不足%.0f%%时该组不计分。",
                            "Scores: each point, after outlier treatment, is normalised to "
                            "0-100 by '%s' (over the year's cities) and aggregated by '%s' "
                            "into second-level, first-level and overall scores; a group whose "
                            "scored points weigh less than %.0f%% of it is not scored."),
                       norm_zh[so.norm < LCM_CI_NNORM ? so.norm : 0],
                       agg_zh[so.agg < LCM_CI_NAGG ? so.agg : 0], so.threshold * 100));
    if (have)
        rb_para(b, lcm_arena_printf(
                       b->a,
                       RB_T(b,
                            "名次区间：蒙特卡洛模拟%ld次，每次在±%.0f%%内随机扰动权重，并按"
                            "标准误抽取问卷调查估计值，得到每个城市名次的分布；区间为其5%%和95%%"
                            "分位数。区间重叠的两个城市，名次差异不显著。",
                            "Rank intervals: %ld Monte Carlo draws, each perturbing the weights "
                            "within +-%.0f%% and drawing the survey estimates by their standard "
                            "errors, give each city's rank distribution; the interval is its 5%% "
                            "and 95%% quantiles. Two cities whose intervals overlap do not differ "
                            "significantly in rank."),
                       (long)so.mc, so.mc_spread * 100));
    rb_list(
        b,
        (const char *const[]){
            RB_T(b,
                 "箱线图：Tukey方法（与R语言箱线图的统计量相同）。箱体为上下折叶，粗线为中位数，"
                 "须线伸至距折叶1.5倍四分位距以内的最远值，其外为离群值。",
                 "Box plots: Tukey's (as R's boxplot.stats): the box spans the hinges, the "
                 "bar is the median, whiskers reach the furthest values within 1.5 IQR of "
                 "the hinges; values beyond are outliers."),
            RB_T(b,
                 "名次显著变化：今年与上年的名次区间不重叠。两年参加排名的城市数不同时，"
                 "名次按各年的城市数计。",
                 "A significant move: this year's and last year's rank intervals do not "
                 "overlap. When the years rank different numbers of cities, each rank is "
                 "among its own year's cities."),
            RB_T(b,
                 "网络覆盖率：已加入网络的地市级城市数除以地市级城市总数（直辖市不计入），"
                 "按地区和省份分别汇总分子和分母；“尚需”为达到2025年目标（东中部50%、西部"
                 "30%）还需加入的城市数，向上取整。",
                 "Network coverage: admitted prefecture-level cities over all of them "
                 "(municipalities not counted), summing numerators and denominators per "
                 "region and province; 'still needed' is the number of cities still to "
                 "admit to reach the 2025 target (50% east and central, 30% west), "
                 "rounded up."),
            lcm_arena_printf(b->a,
                             RB_T(b,
                                  "问卷调查结果：受访者少于%ld人的单元不公布，也不计入"
                                  "地区平均。",
                                  "Survey results: cells with fewer than %ld respondents "
                                  "are not shown and not counted in regional means."),
                             b->min_n),
        },
        4);
}

lcm_status lcm__feedback_national_build(lcm_db *db, const lcm_feedback_opts *o, rb *b,
                                        lcm_err *err) {
    nat_ctx x;
    memset(&x, 0, sizeof x);
    x.db = db, x.b = b, x.o = o, x.err = err;
    char stem[32];
    lcm_status rc = lcm_score_latest_run(db, o->year, &x.run, err);
    if (rc != LCM_OK)
        return rc;
    snprintf(stem, sizeof stem, "national_%d", o->year);
    if (rb_init(b, o->lang, o->out_dir, stem) != 0)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    b->formats = LCM_CHART_PNG | (o->svg ? LCM_CHART_SVG : 0u);
    b->min_n = o->min_n, b->year = o->year, b->kind = "national", b->model_path = o->model;
    if ((rc = rb_run_cities(db, b, x.run, &x.cities, &x.ncity, err)) != LCM_OK)
        return rc;
    load_years(&x);
    load_l2(&x);
    find_attention(&x);
    attention(&x);
    overview(&x);
    distribution(&x);
    changes(&x);
    movers(&x);
    rb_coverage_section(db, b, o->year, err);
    weakest(&x);
    rb_ratings_national(db, b, o->year, err);
    methods(&x);
    b->title = lcm_arena_printf(
        b->a,
        RB_T(b, "全国学习型城市建设监测报告（%d年）", "National learning-city monitoring (%d)"),
        o->year);
    b->footer = RB_T(b, "由lcmon根据全国学习型城市建设监测指导性指标体系（试行）生成。",
                     "Made by lcmon from the national learning-city monitoring indicators.");
    return LCM_OK;
}
