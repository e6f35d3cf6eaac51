/*
 * feedback_advice.c - what the city report tells a city to do (以测促建, issue 18).
 *
 * Section 八: the monitoring points where the city stands above or below its peer group
 * (rb_peer, chosen and named in feedback_city.c) by more than the point's uncertainty allows.
 * Section 九: for each weakness what the guide itself asks for (surveys/seed_measures.csv,
 * every quote verbatim from the seed, checked when read), the peer city to learn from, next
 * year's target; and the survey groups that lag most (feedback_gaps.c).
 *
 * The value compared is the one the score run scored: score_results.basis where the score
 * reads a derived value (per 10,000 residents, 3.3.2's compliance, weighted honours), else
 * raw. Peer median and top quartile are R's quantile type 7 over the peer group's values
 * (the city included); the top quartile is the 75th percentile (the 25th for a point where
 * lower is better). A point is a strength (weakness) when
 *   - survey point (4.2.1, the mean of awareness, participation and satisfaction): its 95%
 *     interval, value ± 1.96 SE with SE = sqrt(SEa² + SEp² + SEs²) / 3 from the three stored
 *     survey measures (taken as independent), lies wholly above (below) the peer median;
 *   - rating point: the interval of the reviewers' mean, value ± t(k-1, 0.975) sd / sqrt(k)
 *     over the k reviewers counted, lies wholly above (below) the median;
 *   - statistics (numbers, counts, yes/no): the value is above (below) the median by more
 *     than MARGIN of the median's size.
 * Points are listed by their score's distance from the peer median score (largest first), as
 * the score tables show them. Nearest peer city of a weak point: in the peer group, at or
 * beyond the top quartile on that point, the closest overall score (the better rank on a tie).
 * Next year's target: the peer median when the city is below it, else the top quartile.
 */
#include "csvin.h"
#include "feedback_int.h"
#include "units.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MARGIN 0.10   /* statistics: a gap beyond 10% of the peer median */
#define MAX_DETAIL 10 /* weak points described one by one (the table lists all) */
#define MAX_POINTS 64

typedef struct pt {
    char code[16], name[512], kind[16], unit[32];
    int per_10k, lower, hidden;
    double me, lo, hi; /* the city's value and its interval (lo = hi = me for statistics) */
    double score, score_med;
    double med, q3;                        /* peer median and top quartile of the value */
    int side;                              /* +1 strength, -1 weakness, 0 neither */
    long nearest;                          /* peer city to learn from, -1 none */
    double near_v;                         /* its value */
    const char *section, *heading, *quote; /* the seed's measures, or NULL */
    const char *heading_en, *quote_en;     /* their English (a translation, not the seed) */
} pt;

typedef struct adv {
    rb *b;
    const rb_peer *p;
    pt pt[MAX_POINTS];
    size_t n;
    int band_distance;
} adv;

static double q7(double *x, size_t n, double f) {
    if (n == 0)
        return NAN;
    gsl_sort(x, 1, n);
    return gsl_stats_quantile_from_sorted_data(x, 1, n, f);
}

/* ---- the seed's measures of each point ---- */

typedef struct seed_state {
    adv *a;
    const char *seed;
    int col[6];
} seed_state;

static lcm_status seed_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    static const char *const name[6] = {"code",       "seed_section", "seed_heading",
                                        "seed_quote", "heading_en",   "quote_en"};
    seed_state *s = ud;
    if (row->index == 0) {
        for (int c = 0; c < 6; c++)
            if ((s->col[c] = lcm_csv_find(row, name[c])) < 0)
                return lcm_err_set(err, LCM_PARSE, "%s:%ld: missing column '%s'", row->file,
                                   row->line, name[c]);
        return LCM_OK;
    }
    const char *v[6];
    for (int c = 0; c < 6; c++) {
        if ((size_t)s->col[c] >= row->n || !*row->field[s->col[c]])
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: empty %s (field %s)", row->file,
                               row->line, s->col[c] + 1, name[c], name[c]);
        v[c] = row->field[s->col[c]];
    }
    for (int c = 2; c < 4; c++) /* heading and quote are the seed's own words */
        if (!strstr(s->seed, v[c]))
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%d: '%s' is not a phrase of the seed text (field %s)",
                               row->file, row->line, s->col[c] + 1, v[c], name[c]);
    for (size_t i = 0; i < s->a->n; i++) {
        pt *q = &s->a->pt[i];
        if (strcmp(q->code, v[0]) != 0 || q->quote)
            continue;
        q->section = lcm_arena_strdup(s->a->b->a, v[1]);
        q->heading = lcm_arena_strdup(s->a->b->a, v[2]);
        q->quote = lcm_arena_strdup(s->a->b->a, v[3]);
        q->heading_en = lcm_arena_strdup(s->a->b->a, v[4]);
        q->quote_en = lcm_arena_strdup(s->a->b->a, v[5]);
    }
    return LCM_OK;
}

/* Each point's measures from DATADIR/seed_measures.csv; every heading and quote must be
 * found verbatim in DATADIR/seed/learning-city-guide.txt. */
static lcm_status load_measures(adv *a, lcm_err *err) {
    char path[4096];
    snprintf(path, sizeof path, "%s/seed_measures.csv", lcm_datadir());
    char *seed = NULL;
    lcm_status st = lcm_seed_text(&seed, err);
    if (st != LCM_OK)
        return st;
    seed_state s = {a, seed, {0}};
    lcm_status rc = lcm_csv_read(path, seed_row, &s, err);
    free(seed);
    return rc;
}

/* ---- values, intervals, peers ---- */

static double col(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static long city_index(const rb_peer *p, const char *code) {
    for (size_t i = 0; code && i < p->ncity; i++)
        if (strcmp(p->cities[i].code, code) == 0)
            return (long)i;
    return -1;
}

/* The interval of the city's value: survey point from the three measures' SEs, a rating
 * point from its reviewers' spread; statistics none (lo = hi = value). */
static void interval(adv *a, pt *q) {
    const rb_peer *p = a->p;
    const char *city = p->cities[p->me].code;
    q->lo = q->hi = q->me;
    if (strcmp(q->kind, "survey") == 0) {
        static const char *const m[] = {"awareness", "participation", "satisfaction_index"};
        static const double scale[] = {100, 100, 1}; /* rates are stored as proportions */
        double v = 0;
        for (int i = 0; i < 3; i++) {
            double e, se;
            long n;
            if (!rb_measure(p->db, city, p->year, m[i], "", &e, &se, &n) || n < a->b->min_n) {
                q->hidden = 1; /* a measure on too few respondents: the point is not shown */
                return;
            }
            v += se * scale[i] * se * scale[i];
        }
        double h = gsl_cdf_ugaussian_Pinv(0.975) * sqrt(v) / 3;
        q->lo = q->me - h, q->hi = q->me + h;
    } else if (strcmp(q->kind, "rating") == 0) {
        sqlite3_stmt *st = NULL;
        if (lcm_db_prepare_cached(p->db,
                                  "SELECT count(*), avg(score), avg(score * score) FROM "
                                  "ratings_counted WHERE city_code = ?1 AND year = ?2 AND "
                                  "indicator_code = ?3",
                                  &st, NULL) != LCM_OK)
            return;
        sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, p->year);
        sqlite3_bind_text(st, 3, q->code, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) >= 2) {
            double k = sqlite3_column_int(st, 0), m = col(st, 1), m2 = col(st, 2);
            double var = (m2 - m * m) * k / (k - 1);
            double h = gsl_cdf_tdist_Pinv(0.975, k - 1) * sqrt(var > 0 ? var : 0) / sqrt(k);
            q->lo = q->me - h, q->hi = q->me + h;
        }
        sqlite3_reset(st);
    }
}

static lcm_status load_points(adv *a, lcm_err *err) {
    const rb_peer *p = a->p;
    rb *b = a->b;
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(p->db,
                                   "SELECT code, name_zh, name_en, coalesce(kind, ''), "
                                   "coalesce(unit, ''), direction, per_10k FROM indicators WHERE "
                                   "level = 3 AND direction <> 'context' ORDER BY ord",
                                   &st, err);
    while (rc == LCM_OK && a->n < MAX_POINTS && sqlite3_step(st) == SQLITE_ROW) {
        pt *q = &a->pt[a->n++];
        memset(q, 0, sizeof *q);
        snprintf(q->code, sizeof q->code, "%s", sqlite3_column_text(st, 0));
        snprintf(q->name, sizeof q->name, "%s", sqlite3_column_text(st, RB_T(b, 1, 2)));
        snprintf(q->kind, sizeof q->kind, "%s", sqlite3_column_text(st, 3));
        snprintf(q->unit, sizeof q->unit, "%s", sqlite3_column_text(st, 4));
        const char *dir = (const char *)sqlite3_column_text(st, 5);
        q->lower = dir && (strcmp(dir, "lower_better") == 0 ||
                           (strcmp(dir, "target_band") == 0 && a->band_distance));
        q->per_10k = sqlite3_column_int(st, 6);
        q->nearest = -1;
    }
    sqlite3_finalize(st);
    if (rc != LCM_OK)
        return rc;
    size_t nc = p->ncity;
    double *v = calloc(a->n * nc * 2 + nc, sizeof *v);
    if (!v)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    double *sc = v + a->n * nc, *tmp = sc + a->n * nc;
    for (size_t k = 0; k < 2 * a->n * nc; k++)
        v[k] = NAN;
    rc = lcm_db_prepare(p->db,
                        "SELECT city_code, indicator_code, coalesce(basis, raw), score FROM "
                        "score_results WHERE run_id = ?1",
                        &st, err);
    if (rc == LCM_OK)
        sqlite3_bind_int64(st, 1, p->run);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        long c = city_index(p, (const char *)sqlite3_column_text(st, 0));
        const char *ind = (const char *)sqlite3_column_text(st, 1);
        for (size_t j = 0; c >= 0 && ind && j < a->n; j++)
            if (strcmp(a->pt[j].code, ind) == 0) {
                v[j * nc + (size_t)c] = col(st, 2), sc[j * nc + (size_t)c] = col(st, 3);
                break;
            }
    }
    sqlite3_finalize(st);
    for (size_t j = 0; rc == LCM_OK && j < a->n; j++) {
        pt *q = &a->pt[j];
        const double *x = v + j * nc, *s = sc + j * nc;
        size_t m = 0;
        q->me = x[p->me], q->score = s[p->me];
        for (size_t i = 0; i < nc; i++)
            if (p->in[i] && !isnan(s[i]))
                tmp[m++] = s[i];
        q->score_med = q7(tmp, m, 0.5);
        m = 0;
        for (size_t i = 0; i < nc; i++)
            if (p->in[i] && !isnan(x[i]))
                tmp[m++] = x[i];
        q->med = q7(tmp, m, 0.5);
        q->q3 = q7(tmp, m, q->lower ? 0.25 : 0.75);
        if (isnan(q->me) || isnan(q->med))
            continue;
        interval(a, q);
        if (q->hidden)
            continue;
        double d = q->lower ? -1 : 1;
        if (strcmp(q->kind, "survey") == 0 || strcmp(q->kind, "rating") == 0)
            q->side = d * (q->lo - q->med) > 0 && d * (q->hi - q->med) > 0   ? 1
                      : d * (q->lo - q->med) < 0 && d * (q->hi - q->med) < 0 ? -1
                                                                             : 0;
        else
            q->side = d * (q->me - q->med) > MARGIN * fabs(q->med)    ? 1
                      : d * (q->me - q->med) < -MARGIN * fabs(q->med) ? -1
                                                                      : 0;
        /* the peer city to learn from: at or beyond the top quartile, nearest overall score */
        double best = INFINITY;
        for (size_t i = 0; i < nc; i++) {
            if ((long)i == p->me || !p->in[i] || isnan(x[i]) || d * (x[i] - q->q3) < 0)
                continue;
            double gap = fabs(p->cities[i].score - p->cities[p->me].score);
            if (gap < best ||
                (gap == best && q->nearest >= 0 && p->cities[i].rank < p->cities[q->nearest].rank))
                best = gap, q->nearest = (long)i, q->near_v = x[i];
        }
    }
    free(v);
    return rc;
}

/* ---- words ---- */

static int is_yesno(const pt *q) {
    return strcmp(q->kind, "yesno") == 0;
}

static const char *unit_of(adv *a, const pt *q) {
    rb *b = a->b;
    const char *u = q->unit;
    if (q->per_10k) /* a count in 万 per 10,000 residents is in single units (docs/scores.md) */
        return lcm_arena_printf(
            b->a, RB_T(b, "%s·每万人", "%s per 10,000 residents"),
            lcm_unit_label(strncmp(u, "万", strlen("万")) == 0 ? u + strlen("万") : u, b->lang));
    if (strcmp(q->code, "4.2.2") == 0)
        return RB_T(b, "加权项", "weighted titles");
    if (strcmp(q->code, "3.3.2") == 0 && !a->band_distance)
        return RB_T(b, "达标分", "compliance points");
    return lcm_unit_label(u, b->lang);
}

static int decimals_of(double v) {
    return fabs(v) >= 1000 ? 0 : fabs(v) >= 10 ? 1 : 2;
}

/* A value in words: yes/no as 是/否 (a median of 0.5 as 各半), else the number and unit. */
static const char *value_words(adv *a, const pt *q, double v) {
    rb *b = a->b;
    if (isnan(v))
        return RB_T(b, "无数据", "no data");
    if (is_yesno(q))
        return v > 0.5   ? RB_T(b, "是", "yes")
               : v < 0.5 ? RB_T(b, "否", "no")
                         : RB_T(b, "是否各半", "half yes");
    const char *u = unit_of(a, q);
    int tight = strcmp(u, "%") == 0 || b->lang != LCM_LANG_EN; /* "90.0分", "12.5%" */
    return lcm_arena_printf(b->a, tight ? "%.*f%s" : "%.*f %s", decimals_of(v), v, u);
}

static const char *ref(adv *a, const pt *q, const char *field) {
    const rb_peer *p = a->p;
    return lcm_arena_printf(a->b->a,
                            "{\"stat\":\"advice\",\"run\":%lld,\"city\":\"%s\",\"indicator\":"
                            "\"%s\",\"field\":\"%s\"}",
                            p->run, p->cities[p->me].code, q->code, field);
}

static lcm_report_cell num_cell(adv *a, const pt *q, double v, const char *field) {
    if (is_yesno(q) && strncmp(field, "gap", 3) != 0) { /* 是/否, its number in the model */
        lcm_report_cell c = rb_text(a->b, value_words(a, q, v));
        c.value = v, c.ref = ref(a, q, field);
        return c;
    }
    lcm_report_cell c =
        rb_num_ref(a->b, v, is_yesno(q) ? 2 : decimals_of(q->med), ref(a, q, field));
    c.unit = strncmp(field, "gap", 3) == 0 ? NULL : unit_of(a, q);
    return c;
}

/* "95%区间高于中位数" and the like: why the point counts. */
static const char *rule_words(adv *a, const pt *q) {
    rb *b = a->b;
    if (strcmp(q->kind, "survey") == 0)
        return q->side > 0 ? RB_T(b, "调查估计值的95%置信区间整体高于中位数",
                                  "the survey estimate's 95% CI lies above the median")
                           : RB_T(b, "调查估计值的95%置信区间整体低于中位数",
                                  "the survey estimate's 95% CI lies below the median");
    if (strcmp(q->kind, "rating") == 0)
        return q->side > 0 ? RB_T(b, "专家评分均值的95%区间整体高于中位数",
                                  "the 95% interval of the reviewers' mean lies above the median")
                           : RB_T(b, "专家评分均值的95%区间整体低于中位数",
                                  "the 95% interval of the reviewers' mean lies below the median");
    if (is_yesno(q)) /* 是 against 否, or against a median of 是否各半 */
        return RB_T(b, "答案与比较组的中位数不同", "the answer differs from the peers' median");
    return lcm_arena_printf(b->a,
                            q->side > 0 ? RB_T(b, "高出中位数超过其%.0f%%",
                                               "above the median by "
                                               "more than %.0f%% of it")
                                        : RB_T(b, "低于中位数超过其%.0f%%",
                                               "below the median by "
                                               "more than %.0f%% of it"),
                            100 * MARGIN);
}

/* The city's value, with its interval when it has one. */
static const char *me_words(adv *a, const pt *q) {
    rb *b = a->b;
    if (is_yesno(q))
        return lcm_arena_printf(b->a, RB_T(b, "为“%s”", "'%s'"), value_words(a, q, q->me));
    if (q->hi > q->lo)
        return lcm_arena_printf(
            b->a, RB_T(b, "%s（95%%区间%.*f–%.*f）", "%s (95%% interval %.*f-%.*f)"),
            value_words(a, q, q->me), decimals_of(q->me), q->lo, decimals_of(q->me), q->hi);
    return value_words(a, q, q->me);
}

/* "比地级市中位数（45.0%）低12.9，比前四分之一（52.3%）低20.2" */
static const char *gap_words(adv *a, const pt *q) {
    rb *b = a->b;
    if (is_yesno(q))
        return lcm_arena_printf(
            b->a, RB_T(b, "%s为“%s”，前四分之一为“%s”", "the %s is '%s', the top quartile '%s'"),
            a->p->median, value_words(a, q, q->med), value_words(a, q, q->q3));
    int dm = decimals_of(q->med);
    double g1 = q->me - q->med, g2 = q->me - q->q3;
    return lcm_arena_printf(
        b->a,
        RB_T(b, "比%s（%s）%s%.*f，比前四分之一（%s）%s%.*f",
             "against the %s (%s): %s by %.*f; against the top quartile (%s): %s by %.*f"),
        a->p->median, value_words(a, q, q->med),
        g1 >= 0 ? RB_T(b, "高", "above") : RB_T(b, "低", "below"), dm, fabs(g1),
        value_words(a, q, q->q3), g2 >= 0 ? RB_T(b, "高", "above") : RB_T(b, "低", "below"), dm,
        fabs(g2));
}

static int cmp_gap(const void *x, const void *y) {
    const pt *p = *(const pt *const *)x, *q = *(const pt *const *)y;
    double a = fabs(p->score - p->score_med), b = fabs(q->score - q->score_med);
    a = isnan(a) ? -1 : a, b = isnan(b) ? -1 : b;
    return a > b ? -1 : a < b ? 1 : strcmp(p->code, q->code) < 0 ? -1 : 1;
}

/* The points of one side, largest score gap first. */
static size_t side_points(adv *a, int side, const pt **out) {
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->pt[i].side == side)
            out[k++] = &a->pt[i];
    qsort(out, k, sizeof *out, cmp_gap);
    return k;
}

static const char *rules_para(adv *a) {
    rb *b = a->b;
    return lcm_arena_printf(
        b->a,
        RB_T(
            b,
            "判断优势与短板的规则：与%s比较，差距须超出该监测点的不确定性。问卷调查监测点（4.2.1）"
            "看调查估计值的95%%置信区间（由知晓度、参与度、满意度三项的标准误合成）是否整体高于"
            "或低于中位数；专家评审监测点看专家评分均值的95%%区间（均值 ± t × 评分标准差 ÷ "
            "√评审专家数）是否整体高于或低于中位数；统计数据和是否类监测点没有抽样误差，约定"
            "差距超过中位数的%.0f%%才算优势或短板。“前四分之一”指比较组中该监测点表现最好的四分之一"
            "城市的起点（第75百分位数）。数值为计分所用的数值（人次、人数类按每万常住人口计）。",
            "How strengths and weaknesses are found: against the %s, a gap must exceed the "
            "point's uncertainty. The survey point (4.2.1): its 95%% confidence interval "
            "(from the standard errors of awareness, participation and satisfaction) lies wholly "
            "above or below the median; a rating point: the 95%% interval of the reviewers' mean "
            "(mean ± t × sd / √reviewers) does; statistics and yes/no points have no sampling "
            "error, and count when they differ from the median by more than %.0f%% of it. The "
            "'top quartile' is where the best quarter of the peers begins (75th percentile). "
            "Values are those scored (counts per 10,000 residents)."),
        a->p->median, 100 * MARGIN);
}

static void strengths(adv *a) {
    rb *b = a->b;
    const rb_peer *p = a->p;
    rb_section(b, RB_T(b, "八、优势与短板", "8. Strengths and weaknesses"));
    const pt *lst[2][MAX_POINTS];
    size_t k[2];
    for (int s = 0; s < 2; s++) {
        k[s] = side_points(a, s == 0 ? 1 : -1, lst[s]);
        const char **items = lcm_arena_alloc(b->a, (k[s] ? k[s] : 1) * sizeof *items);
        for (size_t i = 0; items && i < k[s]; i++)
            items[i] =
                lcm_arena_printf(b->a, RB_T(b, "%s %s：本市%s，%s；%s。", "%s %s: %s; %s; %s."),
                                 lst[s][i]->code, lst[s][i]->name, me_words(a, lst[s][i]),
                                 gap_words(a, lst[s][i]), rule_words(a, lst[s][i]));
        rb_subhead(b, lcm_arena_printf(
                          b->a,
                          s == 0 ? RB_T(b, "优势（明显高于%s的监测点）",
                                        "Strengths (points clearly above the %s)")
                                 : RB_T(b, "短板（明显低于%s的监测点，建议重点改进）",
                                        "Weaknesses (points clearly below the %s: work on these "
                                        "first)"),
                          p->median));
        if (k[s] && items)
            rb_list(b, items, k[s]);
        else
            rb_para(b, lcm_arena_printf(b->a,
                                        s == 0 ? RB_T(b, "没有明显高于%s的监测点。",
                                                      "No point is clearly above the %s.")
                                               : RB_T(b, "没有明显低于%s的监测点。",
                                                      "No point is clearly below the %s."),
                                        p->median));
    }
    size_t rows = k[0] + k[1];
    /* The unit has a column of its own: the points' units differ from row to row, and a
     * unit beside every number made the number columns so wide on A4 that the point's
     * name was left one character wide. */
    lcm_report_cell *cell = rows ? rb_cells(b, rows * 9) : NULL;
    for (size_t r = 0, s = 0; cell && s < 2; s++)
        for (size_t i = 0; i < k[s]; i++, r++) {
            const pt *q = lst[s][i];
            lcm_report_cell *c = cell + r * 9;
            c[0] = rb_text(b, s == 0 ? RB_T(b, "优势", "strength") : RB_T(b, "短板", "weakness"));
            c[1] = rb_text(b, lcm_arena_printf(b->a, "%s %s", q->code, q->name));
            if (q->hi > q->lo)
                c[2] = (lcm_report_cell){.kind = LCM_CELL_EST,
                                         .value = q->me,
                                         .lo = q->lo,
                                         .hi = q->hi,
                                         .decimals = decimals_of(q->med),
                                         .n = -1,
                                         .unit = unit_of(a, q),
                                         .ref = ref(a, q, "value")};
            else
                c[2] = num_cell(a, q, q->me, "value");
            c[3] = num_cell(a, q, q->med, "median");
            c[4] = num_cell(a, q, q->q3, "q3");
            c[5] = is_yesno(q) ? rb_text(b, "") : num_cell(a, q, q->me - q->med, "gap_median");
            c[6] = is_yesno(q) ? rb_text(b, "") : num_cell(a, q, q->me - q->q3, "gap_q3");
            c[7] = rb_text(b, rule_words(a, q));
            for (int j = 8; j > 2; j--) /* the unit goes after the point's name */
                c[j] = c[j - 1], c[j].unit = NULL;
            c[2] = rb_text(b, unit_of(a, q));
        }
    static const char *head_zh[] = {"判断",         "监测点",           "本市", NULL, "前四分之一",
                                    "与中位数之差", "与前四分之一之差", "依据"};
    static const char *head_en[] = {
        "finding",      "point",         "this city",           NULL,
        "top quartile", "gap to median", "gap to top quartile", "because"};
    const char **head = lcm_arena_alloc(b->a, 9 * sizeof *head);
    if (cell && head) {
        const char **h8 = b->lang == LCM_LANG_EN ? head_en : head_zh;
        head[0] = h8[0], head[1] = h8[1], head[2] = RB_T(b, "单位", "unit");
        memcpy(head + 3, h8 + 2, 6 * sizeof *head);
        head[4] = p->median;
        lcm_report_table t = {
            RB_T(b, "优势与短板：与比较组的差距", "Strengths and weaknesses: gaps to the peers"),
            rows,
            9,
            head,
            cell,
            RB_T(b,
                 "差为本市数值减比较组的中位数或前四分之一，单位同该监测点；是否类监测点不计算差值"
                 "。",
                 "Gaps: this city's value minus the peers' median or top quartile, in the point's "
                 "unit.")};
        rb_table(b, &t);
    }
    rb_para(b, rules_para(a));
}

/* "二(四)" as "2(4)", "附件1" as "annex 1": the guide's part numbers for an English page. */
static const char *part_en(rb *b, const char *sec) {
    static const char *const cn[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (strncmp(sec, "附件", strlen("附件")) == 0)
        return lcm_arena_printf(b->a, "annex %s", sec + strlen("附件"));
    char out[64] = "";
    for (const char *p = sec; *p && strlen(out) < sizeof out - 4;) {
        int hit = 0;
        for (int i = 0; i < 9 && !hit; i++)
            if (strncmp(p, cn[i], strlen(cn[i])) == 0) {
                snprintf(out + strlen(out), sizeof out - strlen(out), "%d", i + 1);
                p += strlen(cn[i]), hit = 1;
            }
        if (!hit)
            snprintf(out + strlen(out), sizeof out - strlen(out), "%c", *p++);
    }
    return lcm_arena_strdup(b->a, out);
}

static const char *seed_words(adv *a, const pt *q) {
    rb *b = a->b;
    if (!q->quote)
        return RB_T(b, "指南中没有找到该监测点的具体要求。",
                    "The guide states no measure for this point.");
    if (b->lang == LCM_LANG_EN) /* a Chinese page quotes the seed; an English one translates */
        return lcm_arena_printf(b->a,
                                "What the guide asks (Guide to building learning cities in the "
                                "new era, part %s, '%s'; translated): \"%s\"",
                                part_en(b, q->section), q->heading_en, q->quote_en);
    const char *where = strcmp(q->section, "附件1") == 0
                            ? lcm_arena_printf(b->a, "附件1监测指标体系“%s”", q->heading)
                            : lcm_arena_printf(b->a, "%s“%s”", q->section, q->heading);
    return lcm_arena_printf(b->a, "指南要求（《新时代学习型城市建设指南》%s）：“%s”", where,
                            q->quote);
}

static double target_of(const pt *q, int *to_q3) {
    double d = q->lower ? -1 : 1;
    *to_q3 = d * (q->me - q->med) >= 0;
    return *to_q3 ? q->q3 : q->med;
}

static const char *nearest_words(adv *a, const pt *q) {
    rb *b = a->b;
    const rb_peer *p = a->p;
    if (q->nearest < 0)
        return lcm_arena_printf(b->a,
                                RB_T(b, "可借鉴的同类城市：%s中没有其他城市达到前四分之一。",
                                     "Peer city to learn from: none of the %s other than this "
                                     "one reaches the top quartile."),
                                p->name);
    const rb_city *c = &p->cities[q->nearest];
    return lcm_arena_printf(
        b->a,
        RB_T(b,
             "可借鉴的同类城市：%s。该市这一监测点为%s，达到比较组的前四分之一；在比较组达到前"
             "四分之一的城市中，它的综合得分（%.1f）与本市（%.1f）最接近。",
             "Peer city to learn from: %s, with %s on this point, in the peers' top quartile; of "
             "the peers there, its overall score (%.1f) is the closest to this city's (%.1f)."),
        c->name, value_words(a, q, q->near_v), c->score, p->cities[p->me].score);
}

static const char *target_words(adv *a, const pt *q) {
    rb *b = a->b;
    int to_q3;
    double t = target_of(q, &to_q3);
    const char *what = to_q3 ? RB_T(b, "前四分之一", "top quartile") : a->p->median;
    if (is_yesno(q))
        return lcm_arena_printf(
            b->a, RB_T(b, "明年目标：达到%s（“%s”）。", "Next year's target: the %s ('%s')."), what,
            value_words(a, q, t));
    return lcm_arena_printf(b->a,
                            RB_T(b, "明年目标：达到%s，即%s（比本年%s%.*f）。",
                                 "Next year's target: the %s, %s (%s of %.*f on this year)."),
                            what, value_words(a, q, t),
                            t >= q->me ? RB_T(b, "提高", "a rise") : RB_T(b, "降低", "a fall"),
                            decimals_of(q->med), fabs(t - q->me));
}

/* The survey groups that lag most, one sentence per measure; n: how many. */
static size_t lagging(adv *a, const char **items) {
    static const char *const var[2] = {"participated", "sat_index"};
    size_t n = 0;
    for (int k = 0; k < 2; k++) {
        const char *w =
            rb_gaps_worst(a->b, a->p->db, a->p->cities[a->p->me].code, a->p->year, var[k]);
        if (w)
            items[n++] = w;
    }
    return n;
}

static void advice(adv *a) {
    rb *b = a->b;
    const rb_peer *p = a->p;
    rb_section(b, RB_T(b, "九、改进建议与明年目标", "9. What to do next and next year's targets"));
    const pt *w[MAX_POINTS];
    size_t k = side_points(a, -1, w);
    if (!k)
        rb_para(b, lcm_arena_printf(b->a,
                                    RB_T(b, "本市没有明显低于%s的监测点。",
                                         "No point of this city is clearly below the %s."),
                                    p->median));
    else {
        rb_para(b,
                lcm_arena_printf(
                    b->a,
                    RB_T(b,
                         "对每个短板：指南本身的要求（原文引用并注明章节）、%s中可借鉴的城市，以及"
                         "明年的目标——低于中位数的达到%s，已达到中位数的达到前四分之一。",
                         "For each weakness: what the guide itself asks (quoted, with its "
                         "part), a city among the %s to learn from, and next year's target — "
                         "the %s when below it, else the top quartile."),
                    p->name, p->median));
        lcm_report_cell *cell = rb_cells(b, k * 6);
        for (size_t i = 0; cell && i < k; i++) {
            const pt *q = w[i];
            int to_q3;
            double t = target_of(q, &to_q3);
            lcm_report_cell *c = cell + i * 6;
            c[0] = rb_text(b, lcm_arena_printf(b->a, "%s %s", q->code, q->name));
            c[1] = num_cell(a, q, q->me, "value");
            c[2] = num_cell(a, q, t, "target");
            c[3] = rb_text(b, to_q3 ? RB_T(b, "前四分之一", "top quartile") : p->median);
            c[4] = is_yesno(q) ? rb_text(b, "") : num_cell(a, q, t - q->me, "gap_target");
            c[5] = rb_text(b, q->nearest >= 0 ? p->cities[q->nearest].name : "");
        }
        static const char *head_zh[] = {"短板",     "本市",   "明年目标",
                                        "目标依据", "需提高", "可借鉴的同类城市"};
        static const char *head_en[] = {"weakness", "this city", "next year's target",
                                        "target",   "needed",    "peer city to learn from"};
        lcm_report_table t = {
            RB_T(b, "短板的明年目标", "Next year's targets for the weaknesses"),
            k,
            6,
            b->lang == LCM_LANG_EN ? head_en : head_zh,
            cell,
            lcm_arena_printf(b->a, RB_T(b, "比较组：%s（共%zu个）。", "Peers: the %s (%zu)."),
                             p->name, p->npeer)};
        if (cell)
            rb_table(b, &t);
        size_t shown = k < MAX_DETAIL ? k : MAX_DETAIL;
        for (size_t i = 0; i < shown; i++) {
            const pt *q = w[i];
            const char *items[4];
            size_t n = 0;
            rb_subhead(b, lcm_arena_printf(b->a, "%s %s", q->code, q->name));
            items[n++] = seed_words(a, q);
            items[n++] = nearest_words(a, q);
            items[n++] = target_words(a, q);
            if (strcmp(q->kind, "survey") == 0) {
                const char *g[2];
                size_t ng = lagging(a, g);
                items[n++] = ng == 2 ? lcm_arena_printf(b->a, "%s%s", g[0], g[1])
                             : ng    ? g[0]
                                  : RB_T(b, "问卷调查中没有哪个群体显著落后于本市其他居民。",
                                         "No survey group is significantly behind the city's "
                                         "other residents.");
            }
            rb_list(b, items, n);
        }
        if (k > shown)
            rb_para(b, lcm_arena_printf(b->a,
                                        RB_T(b, "其余%zu个短板的目标见上表。",
                                             "The other %zu weaknesses' targets are in the table."),
                                        k - shown));
    }
    const char *g[2];
    size_t ng = lagging(a, g);
    rb_subhead(b, RB_T(b, "问卷调查：哪些群体落后最多", "Survey: which groups lag most"));
    if (ng)
        rb_list(b, g, ng);
    else
        rb_para(b, RB_T(b,
                        "按年龄段、学历和城乡分组，没有哪个群体的参与率或满意度显著低于本市其他"
                        "居民（按抽样设计的t检验，Holm校正后5%水平）。",
                        "By age band, education and urban/rural, no group's participation or "
                        "satisfaction is significantly below the city's other residents "
                        "(design-based t-test, 5% after Holm adjustment)."));
}

lcm_status rb_advice_sections(rb *b, const rb_peer *p, lcm_err *err) {
    adv *a = calloc(1, sizeof *a);
    if (!a)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    a->b = b, a->p = p;
    sqlite3_stmt *st = NULL;
    if (lcm_db_prepare(p->db, "SELECT json_extract(params, '$.band') FROM runs WHERE id = ?1", &st,
                       NULL) == LCM_OK) {
        sqlite3_bind_int64(st, 1, p->run);
        a->band_distance = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
                           strcmp((const char *)sqlite3_column_text(st, 0), "distance") == 0;
        sqlite3_finalize(st);
    }
    lcm_status rc = load_points(a, err);
    if (rc == LCM_OK)
        rc = load_measures(a, err);
    if (rc == LCM_OK)
        strengths(a), advice(a);
    free(a);
    return rc;
}
