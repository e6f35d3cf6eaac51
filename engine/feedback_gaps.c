/*
 * feedback_gaps.c - the city report's "which groups lag" (docs/compare.md §4): read from
 * group_gaps, which the survey-measures pipeline stores (each group of age band, education
 * and community type against the rest of the city, the design-based t-test of `lcmon compare
 * --ttest V --group G --group-level g --where city=C`). Groups with fewer than min_n
 * respondents, or whose rest has fewer, are not shown; the p-values of the groups shown for
 * one measure are Holm-adjusted together (R's p.adjust), and a group lags when its gap is
 * negative with an adjusted p below 0.05.
 */
#include "compare.h"
#include "feedback_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Names of the groups in the report's language. */
static const struct {
    const char *by, *grp, *zh, *en;
} names[] = {
    {"age_band", "16-29", "16–29岁居民", "residents aged 16-29"},
    {"age_band", "30-44", "30–44岁居民", "residents aged 30-44"},
    {"age_band", "45-59", "45–59岁居民", "residents aged 45-59"},
    {"age_band", "60+", "60岁及以上居民", "residents aged 60 and over"},
    {"edu", "1", "未上过学的居民", "residents with no schooling"},
    {"edu", "2", "小学学历居民", "residents with primary schooling"},
    {"edu", "3", "初中学历居民", "residents with junior secondary schooling"},
    {"edu", "4", "高中/中专/职高学历居民", "residents with senior secondary schooling"},
    {"edu", "5", "大专学历居民", "residents with a junior college degree"},
    {"edu", "6", "本科学历居民", "residents with a bachelor's degree"},
    {"edu", "7", "研究生学历居民", "residents with a postgraduate degree"},
    {"community_type", "rc", "城镇社区（居委会）居民", "urban residents (residents' committees)"},
    {"community_type", "vc", "农村（村委会）居民", "rural residents (village committees)"},
};

static const char *group_name(rb *b, const char *by, const char *grp) {
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i].by, by) && !strcmp(names[i].grp, grp))
            return RB_T(b, names[i].zh, names[i].en);
    return lcm_arena_printf(b->a, "%s=%s", by, grp);
}

typedef struct gap_row {
    const char *by, *grp;
    double mean_group, mean_rest, diff, lo, hi, p, padj;
    long n;
} gap_row;

#define MAX_GAPS 64

/* The stored gaps of one measure for the city and year, groups on >= min_n each side. */
static size_t load_gaps(rb *b, lcm_db *db, const char *city, int year, const char *var,
                        gap_row *g) {
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    if (lcm_db_prepare(db,
                       "SELECT by_var, grp, mean_group, mean_rest, diff, ci_low, ci_high, p, "
                       "n_group FROM group_gaps WHERE city_code = ?1 AND year = ?2 AND "
                       "variable = ?3 AND n_group >= ?4 AND n_rest >= ?4 AND p IS NOT NULL "
                       "ORDER BY by_var, grp",
                       &st, NULL) != LCM_OK)
        return 0;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_text(st, 3, var, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, b->min_n);
    while (n < MAX_GAPS && sqlite3_step(st) == SQLITE_ROW) {
        gap_row *r = &g[n++];
        r->by = lcm_arena_printf(b->a, "%s", (const char *)sqlite3_column_text(st, 0));
        r->grp = lcm_arena_printf(b->a, "%s", (const char *)sqlite3_column_text(st, 1));
        double *x[] = {&r->mean_group, &r->mean_rest, &r->diff, &r->lo, &r->hi, &r->p};
        for (int k = 0; k < 6; k++)
            *x[k] = sqlite3_column_type(st, 2 + k) == SQLITE_NULL
                        ? NAN
                        : sqlite3_column_double(st, 2 + k);
        r->n = (long)sqlite3_column_int64(st, 8);
    }
    sqlite3_finalize(st);
    double p[MAX_GAPS], adj[MAX_GAPS];
    for (size_t i = 0; i < n; i++)
        p[i] = g[i].p;
    if (n && lcm_p_adjust(p, n, LCM_PADJ_HOLM, adj) == LCM_OK)
        for (size_t i = 0; i < n; i++)
            g[i].padj = adj[i];
    return n;
}

void rb_gaps_section(rb *b, lcm_db *db, const char *city, int year) {
    static const struct {
        const char *var, *zh, *en, *unit_zh, *unit_en;
        double scale;
    } m[] = {{"participated", "参与率", "Participation", "个百分点", " percentage points", 100},
             {"sat_index", "满意度指数", "Satisfaction index", "分", " points", 1}};
    gap_row g[2][MAX_GAPS];
    size_t n[2], total = 0;
    for (int k = 0; k < 2; k++)
        total += n[k] = load_gaps(b, db, city, year, m[k].var, g[k]);
    if (!total)
        return;
    rb_subhead(b, RB_T(b, "哪些群体落后", "Which groups lag"));
    const char *items[2 * MAX_GAPS];
    size_t ni = 0;
    for (int k = 0; k < 2; k++) {
        size_t lag = 0;
        for (size_t i = 0; i < n[k]; i++) {
            const gap_row *r = &g[k][i];
            if (!(r->diff < 0 && r->padj < 0.05))
                continue;
            lag++;
            double s = m[k].scale;
            /* p to three decimals, or "< 0.001" */
            const char *pv = r->padj < 0.001 ? "<0.001" : lcm_arena_printf(b->a, "=%.3f", r->padj);
            items[ni++] = lcm_arena_printf(
                b->a,
                RB_T(b, "%s：%s比本市其他居民低%.1f%s（95%%置信区间：%.1f至%.1f；Holm校正p%s）",
                     "%s: %s are %.1f%s below the city's other residents (95%% CI %.1f to "
                     "%.1f; Holm-adjusted p%s)"),
                RB_T(b, m[k].zh, m[k].en), group_name(b, r->by, r->grp), -r->diff * s,
                RB_T(b, m[k].unit_zh, m[k].unit_en), -r->hi * s, -r->lo * s, pv);
        }
        if (!lag && n[k])
            items[ni++] = lcm_arena_printf(
                b->a,
                RB_T(b, "%s：没有哪个群体显著低于本市其他居民（Holm校正后5%%水平）",
                     "%s: no group is significantly below the city's other residents (5%% "
                     "level after Holm adjustment)"),
                RB_T(b, m[k].zh, m[k].en));
    }
    rb_list(b, items, ni);
    /* every group shown, with its gap */
    lcm_report_cell *cell = rb_cells(b, total * 6);
    size_t row = 0;
    for (int k = 0; cell && k < 2; k++)
        for (size_t i = 0; i < n[k]; i++, row++) {
            const gap_row *r = &g[k][i];
            double s = m[k].scale;
            const char *ref = lcm_arena_printf(
                b->a,
                "{\"stat\": \"group_gap\", \"wave\": %d, \"city\": %s, \"variable\": %s, "
                "\"by\": %s, \"group\": %s, \"scale\": %g}",
                year, rb_json_str(b, city), rb_json_str(b, m[k].var), rb_json_str(b, r->by),
                rb_json_str(b, r->grp), s);
            lcm_report_cell *c = cell + row * 6;
            c[0] = rb_text(b, RB_T(b, m[k].zh, m[k].en));
            c[1] = rb_text(b, group_name(b, r->by, r->grp));
            c[2] = rb_num_ref(b, r->mean_group * s, 1, ref);
            c[3] = rb_num_ref(b, r->mean_rest * s, 1, ref);
            c[4] = (lcm_report_cell){.kind = LCM_CELL_EST,
                                     .value = r->diff * s,
                                     .lo = r->lo * s,
                                     .hi = r->hi * s,
                                     .decimals = 1,
                                     .n = r->n,
                                     .ref = ref};
            c[5] = rb_num_ref(b, r->padj, 3, ref);
        }
    static const char *head_zh[] = {
        "指标", "群体", "本群体", "本市其他居民", "差距（95%置信区间）", "Holm校正p值"};
    static const char *head_en[] = {"measure",         "group",        "this group",
                                    "other residents", "gap (95% CI)", "Holm-adjusted p"};
    lcm_report_table t = {
        RB_T(b, "各群体与本市其他居民的差距", "Each group against the city's other residents"),
        total,
        6,
        b->lang == LCM_LANG_EN ? head_en : head_zh,
        cell,
        lcm_arena_printf(
            b->a,
            RB_T(b,
                 "按抽样设计的两组均值t检验（与R的svyttest相同，自由度为本市PSU数减层数减1）；"
                 "每项指标内对所列群体做Holm多重比较校正；少于%ld名受访者的群体不列出。",
                 "Design-based t-test of two means (as R's svyttest; df = the city's "
                 "PSUs - strata - 1); Holm adjustment over the groups listed for each "
                 "measure; groups with fewer than %ld respondents are not listed."),
            b->min_n)};
    if (cell)
        rb_table(b, &t);
}

const char *rb_gaps_worst(rb *b, lcm_db *db, const char *city, int year, const char *var) {
    gap_row g[MAX_GAPS];
    size_t n = load_gaps(b, db, city, year, var, g), worst = n;
    for (size_t i = 0; i < n; i++)
        if (g[i].diff < 0 && g[i].padj < 0.05 && (worst == n || g[i].diff < g[worst].diff))
            worst = i;
    if (worst == n)
        return NULL;
    int pct = strcmp(var, "participated") == 0;
    double s = pct ? 100 : 1;
    const gap_row *r = &g[worst];
    return lcm_arena_printf(
        b->a,
        RB_T(b,
             "%s落后最多的群体：%s，低于本市其他居民%.1f%s（95%%置信区间%.1f至%.1f，"
             "按抽样设计的t检验，Holm校正p%s）。",
             "%s: the group lagging most is %s, %.1f%s below the city's other residents (95%% CI "
             "%.1f to %.1f, design-based t-test, Holm-adjusted p%s). "),
        pct ? RB_T(b, "参与率", "Participation") : RB_T(b, "满意度指数", "Satisfaction index"),
        group_name(b, r->by, r->grp), -r->diff * s,
        pct ? RB_T(b, "个百分点", " percentage points") : RB_T(b, "分", " points"), -r->hi * s,
        -r->lo * s, r->padj < 0.001 ? "<0.001" : lcm_arena_printf(b->a, "=%.3f", r->padj));
}
