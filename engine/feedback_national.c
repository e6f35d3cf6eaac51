/*
 * feedback_national.c - the ministry's overview of a year: how the monitored cities' scores
 * are spread, how the regions compare, how far the network covers the 2025 targets, and
 * the indicators where the country as a whole is weakest.
 */
#include "feedback_int.h"
#include "score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct nat_ctx {
    lcm_db *db;
    rb *b;
    const lcm_feedback_opts *o;
    long long run;
    rb_city *cities;
    size_t ncity;
    lcm_err *err;
} nat_ctx;

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
    rb_section(b, RB_T(b, "一、总体情况", "1. Overview"));
    rb_para(b, lcm_arena_printf(
                   b->a,
                   RB_T(b,
                        "%d年共有%zu个城市参加监测。综合得分中位数为%.1f，最高%.1f（%s），最低"
                        "%.1f（%s）。下图给出各城市名次及其不确定性区间：区间重叠的城市之间的"
                        "名次差异不宜过度解读。",
                        "In %d, %zu cities were monitored. The median overall score is %.1f, the "
                        "highest %.1f (%s), the lowest %.1f (%s). The chart shows each city's "
                        "rank with its uncertainty: ranks whose intervals overlap should not be "
                        "over-read."),
                   x->o->year, x->ncity, med, hi, x->cities[0].name, lo,
                   x->cities[x->ncity - 1].name));
    rb_ranks_chart(b, x->cities, x->ncity, -1,
                   RB_T(b, "各城市综合得分名次及其不确定性", "Ranks and their uncertainty"), NULL);
}

/* Cities x second-level indicators, normalised scores. */
static void heatmap(nat_ctx *x) {
    rb *b = x->b;
    sqlite3_stmt *st = NULL;
    const char *codes[32], *names[32];
    size_t nc = 0;
    if (sqlite3_prepare_v2(lcm_db_sqlite(x->db),
                           "SELECT code, name_zh, name_en FROM indicators WHERE level = 2 AND "
                           "code NOT LIKE '1.%' ORDER BY ord",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    while (nc < 32 && sqlite3_step(st) == SQLITE_ROW) {
        codes[nc] = lcm_arena_strdup(b->a, (const char *)sqlite3_column_text(st, 0));
        names[nc++] = lcm_arena_strdup(
            b->a, (const char *)sqlite3_column_text(st, b->lang == LCM_LANG_EN ? 2 : 1));
    }
    sqlite3_finalize(st);
    const char **rows = lcm_arena_alloc(b->a, x->ncity * sizeof *rows);
    double *v = lcm_arena_alloc(b->a, x->ncity * (nc ? nc : 1) * sizeof *v);
    double *col = lcm_arena_alloc(b->a, x->ncity * sizeof *col);
    const char **cols = lcm_arena_alloc(b->a, (nc ? nc : 1) * sizeof *cols);
    if (!rows || !v || !col || !cols || !nc)
        return;
    memcpy(cols, names, nc * sizeof *cols);
    for (size_t j = 0; j < nc; j++) {
        rb_scores(x->db, x->run, codes[j], x->cities, x->ncity, col, NULL, x->err);
        for (size_t i = 0; i < x->ncity; i++)
            v[i * nc + j] = col[i];
    }
    for (size_t i = 0; i < x->ncity; i++)
        rows[i] = x->cities[i].name;
    rb_chart_m *m =
        rb_chart(b, RB_HEATMAP, "heatmap", RB_T(b, "城市×二级指标热图", "cities by indicators"),
                 RB_T(b, "各城市二级指标标准化得分（0–100，按综合名次排列）",
                      "Second-level scores (0-100) of each city, in rank order"));
    if (m)
        m->u.heatmap =
            (lcm_chart_heatmap){RB_T(b, "二级指标标准化得分", "Second-level scores"),
                                RB_T(b, "标准化得分（0–100）", "normalised score (0-100)"),
                                x->ncity,
                                nc,
                                rows,
                                cols,
                                v,
                                -1,
                                RB_T(b, "缺失", "missing")};
}

static void regions(nat_ctx *x) {
    rb *b = x->b;
    static const char *const key[3] = {"east", "central", "west"};
    static const char *const zh[3] = {"东部", "中部", "西部"};
    static const char *const en[3] = {"east", "central", "west"};
    static const struct {
        const char *var;
        int prop;
        double scale;
    } m[3] = {{"aware_share", 0, 100}, {"participated", 1, 100}, {"sat_index", 0, 1}};
    lcm_report_cell *cell = rb_cells(b, 3 * 6);
    for (int r = 0; cell && r < 3; r++) {
        double sum[4] = {0};
        long cnt[4] = {0};
        for (size_t i = 0; i < x->ncity; i++) {
            if (strcmp(x->cities[i].region, key[r]) != 0)
                continue;
            sum[0] += x->cities[i].score, cnt[0]++;
            for (int k = 0; k < 3; k++) { /* suppressed estimates are NaN: left out */
                rb_svy v = rb_svy_get(b, x->db, x->o->year, m[k].var, m[k].prop, "city",
                                      x->cities[i].code, m[k].scale, 0);
                if (!isnan(v.est))
                    sum[k + 1] += v.est, cnt[k + 1]++;
            }
        }
        cell[r * 6] = rb_text(b, RB_T(b, zh[r], en[r]));
        cell[r * 6 + 1] = rb_num((double)cnt[0], 0);
        cell[r * 6 + 2] = rb_num(cnt[0] ? sum[0] / cnt[0] : NAN, 1);
        cell[r * 6 + 3] = rb_num(cnt[1] ? sum[1] / cnt[1] : NAN, 1);
        cell[r * 6 + 4] = rb_num(cnt[2] ? sum[2] / cnt[2] : NAN, 1);
        cell[r * 6 + 5] = rb_num(cnt[3] ? sum[3] / cnt[3] : NAN, 1);
    }
    static const char *head_zh[] = {
        "地区", "城市数", "平均综合得分", "平均知晓度（%）", "平均参与率（%）", "平均满意度指数"};
    static const char *head_en[] = {"region",
                                    "cities",
                                    "mean score",
                                    "awareness (%)",
                                    "participation (%)",
                                    "satisfaction index"};
    rb_section(b, RB_T(b, "二、地区比较", "2. Regions"));
    lcm_report_table t = {RB_T(b, "东中西部比较", "East, central and west"),
                          3,
                          6,
                          b->lang == LCM_LANG_EN ? head_en : head_zh,
                          cell,
                          lcm_arena_printf(b->a,
                                           RB_T(b,
                                                "各项为该地区参加监测城市的简单平均；问卷调查"
                                                "指标不含受访者少于%ld人的城市。",
                                                "Unweighted means over the region's monitored "
                                                "cities; survey measures leave out cities with "
                                                "fewer than %ld respondents."),
                                           b->min_n)};
    if (cell)
        rb_table(b, &t);
}

typedef struct weak {
    const char *code, *name;
    double median;
} weak;

static int cmp_weak(const void *a, const void *b) {
    double x = ((const weak *)a)->median, y = ((const weak *)b)->median;
    return isnan(x) ? 1 : isnan(y) ? -1 : x < y ? -1 : x > y;
}

/* Monitoring points with the lowest median score across cities. */
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
        w[n].median = rb_median(col, x->ncity);
        n++;
    }
    sqlite3_finalize(st);
    qsort(w, n, sizeof *w, cmp_weak);
    const char *items[5];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 5 && !isnan(w[i].median); i++)
        items[k++] = lcm_arena_printf(b->a, RB_T(b, "%s %s：中位得分%.1f", "%s %s: median %.1f"),
                                      w[i].code, w[i].name, w[i].median);
    rb_section(b, RB_T(b, "四、全国最薄弱的监测点", "4. Where the country is weakest"));
    rb_list(b, items, k);
}

lcm_status lcm__feedback_national_build(lcm_db *db, const lcm_feedback_opts *o, rb *b,
                                        lcm_err *err) {
    nat_ctx x = {db, b, o, 0, NULL, 0, err};
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
    overview(&x);
    heatmap(&x);
    regions(&x);
    rb_coverage_section(db, b, o->year, err);
    weakest(&x);
    rb_ratings_national(db, b, o->year, err);
    b->title = lcm_arena_printf(
        b->a,
        RB_T(b, "全国学习型城市建设监测报告（%d年）", "National learning-city monitoring (%d)"),
        o->year);
    b->footer = RB_T(b, "由lcmon根据全国学习型城市建设监测指导性指标体系（试行）生成。",
                     "Made by lcmon from the national learning-city monitoring indicators.");
    b->min_n = o->min_n;
    return LCM_OK;
}
