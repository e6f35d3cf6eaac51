/*
 * charts_demo.c - draws one chart of each kind with realistic made-up data, for the README
 * and for looking at the charts by eye: the 36 cities of the demo (4 municipalities, 27
 * provincial capitals, 5 separately planned cities, read from surveys/reference), city
 * levels drawn from region and tier effects plus noise, a Monte Carlo of the composite for
 * the rank chart. The numbers are invented; the data flow is the one lcmon report uses.
 *
 *   lcm_charts_demo SURVEYS_DIR OUT_DIR [en]
 */
#include "chart.h"
#include "gnuplot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NCITY 36
#define NDRAW 1000

typedef struct city {
    char name[64], name_en[96];
    int region; /* 0 east, 1 central, 2 west (region3 of provinces.csv) */
    double level;
} city;

static unsigned long long rng = 20250601;

static double uniform(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17; /* xorshift64 */
    return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void) {
    return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform());
}

/* Region of each province code, from provinces.csv (code,name,name_en,region3,region4). */
static int load_regions(const char *dir, int region[100]) {
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s/reference/provinces.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        int code = atoi(line);
        char *r = strchr(line, ',') ? strchr(strchr(line, ',') + 1, ',') : NULL;
        r = r ? strchr(r + 1, ',') : NULL;
        if (code > 0 && code < 100 && r)
            region[code] = !strncmp(r + 1, "east", 4) ? 0 : !strncmp(r + 1, "central", 7) ? 1 : 2;
    }
    fclose(f);
    return 0;
}

/* The 36 cities that are not plain prefectures, with a latent level each. The reference
 * files hold no quoted fields, so splitting on commas is exact here. */
static int load_cities(const char *dir, city *c) {
    int region[100] = {0}, n = 0;
    char path[4096], line[512];
    if (load_regions(dir, region) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/reference/cities.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f) && n < NCITY) {
        char *field[6] = {line}; /* code,name,name_en,province_code,tier,... */
        for (int k = 1; k < 6 && field[k - 1]; k++)
            field[k] = strchr(field[k - 1], ',') ? strchr(field[k - 1], ',') + 1 : NULL;
        if (!field[5] || atoi(line) == 0 || !strncmp(field[4], "prefecture", 10))
            continue;
        *strchr(field[1], ',') = '\0';
        *strchr(field[2], ',') = '\0';
        snprintf(c[n].name, sizeof c[n].name, "%s", field[1]);
        snprintf(c[n].name_en, sizeof c[n].name_en, "%s", field[2]);
        c[n].region = region[atoi(field[3])];
        double tier = !strncmp(field[4], "municipality", 12) ? 5
                      : !strncmp(field[4], "separately", 10) ? 4
                                                             : 0;
        c[n].level = 66 + (c[n].region == 0 ? 6 : c[n].region == 1 ? 0 : -5) + tier + 4 * normal();
        n++;
    }
    fclose(f);
    return n == NCITY ? 0 : -1;
}

static int find(const city *c, const char *name) {
    for (int i = 0; i < NCITY; i++)
        if (!strcmp(c[i].name, name))
            return i;
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct demo {
    city c[NCITY];
    const char *name[NCITY];
    int focus;
    double first[NCITY][4]; /* first-level scores */
    lcm_lang lang;
    const char *dir;
    FILE *script;
} demo;

static lcm_chart_opts opts(const demo *d, const char *name) {
    lcm_chart_opts o = {d->dir, name, d->lang, LCM_CHART_PNG, 0, 0, NULL};
    return o;
}

static int zh(const demo *d) {
    return d->lang == LCM_LANG_ZH;
}

static lcm_status bars(demo *d, char *msg, size_t cap) {
    double est[NCITY], lo[NCITY], hi[NCITY];
    for (int i = 0; i < NCITY; i++) {
        est[i] = fmin(97, d->c[i].level + 2 * normal());
        double se = 100 * sqrt(est[i] / 100 * (1 - est[i] / 100) * 1.8 / (400 + 400 * uniform()));
        lo[i] = est[i] - 1.96 * se, hi[i] = est[i] + 1.96 * se;
    }
    lcm_chart_bars c = {
        .title = zh(d) ? "市民对终身学习服务的满意度（2025年）"
                       : "Satisfaction with lifelong-learning services (2025)",
        .xlabel = zh(d) ? "满意或非常满意的比例（%）" : "satisfied or very satisfied (%)",
        .n = NCITY,
        .label = d->name,
        .est = est,
        .lo = lo,
        .hi = hi,
        .highlight = d->focus,
        .median = NAN, /* the median of the 36 */
        .others = zh(d) ? "其他城市" : "other cities",
        .median_name = zh(d) ? "中位数" : "median",
        .ci_name = zh(d) ? "95%置信区间" : "95% CI",
    };
    lcm_chart_opts o = opts(d, "bars");
    return lcm_chart_bars_render(&c, &o, d->script, msg, cap);
}

/* The framework's first- and second-level names (surveys/framework.csv), in full. */
static const char *const first_zh[4] = {"城市发展的基础", "构建服务全民终身学习的教育体系",
                                        "学习型城市建设保障", "特色与成效"};
static const char *const first_en[4] = {"Foundations of urban development",
                                        "Building an education system that serves lifelong "
                                        "learning for all",
                                        "Support for building a learning city",
                                        "Distinctive features and outcomes"};
static const char *const second_zh[17] = {"学校教育服务全民终身学习",
                                          "社区教育、老年教育发展情况",
                                          "学习型组织建设",
                                          "在职人员继续教育",
                                          "为特殊群体提供学习服务",
                                          "社会性学习资源开放共享",
                                          "全民阅读",
                                          "数字化学习资源建设与服务",
                                          "市民学习成果认证、积累和转换",
                                          "发展规划",
                                          "领导和管理机制",
                                          "经费投入机制",
                                          "队伍建设",
                                          "督导、监测制度",
                                          "终身学习品牌建设",
                                          "建设成效",
                                          "发展基础"};
static const char *const second_en[17] = {"School education serving lifelong learning",
                                          "Community and older-adult education",
                                          "Learning organisations",
                                          "Continuing education for the employed",
                                          "Learning services for special groups",
                                          "Open sharing of learning resources",
                                          "Reading for all",
                                          "Digital learning resources",
                                          "Recognition of learning outcomes",
                                          "Development planning",
                                          "Leadership and management",
                                          "Funding mechanisms",
                                          "Workforce development",
                                          "Supervision and monitoring",
                                          "Lifelong learning brands",
                                          "Outcomes",
                                          "Development foundations"};

static lcm_status radar(demo *d, char *msg, size_t cap) {
    double city1[4], med1[4], city2[17], med2[17], col[NCITY];
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < NCITY; i++)
            col[i] = d->first[i][k];
        city1[k] = d->first[d->focus][k];
        med1[k] = median(col, NCITY);
    }
    for (int k = 0; k < 17; k++) {
        city2[k] = fmin(100, d->c[d->focus].level + 9 * normal());
        med2[k] = fmin(100, 66 + 4 * normal());
    }
    lcm_chart_radar c = {
        .title = zh(d) ? "成都市 指标得分与同类城市中位数" : "Chengdu: scores and peer median",
        .city = zh(d) ? "成都市" : "Chengdu",
        .max = 100,
        .npanel = 2,
        .panel = {{.title = zh(d) ? "一级指标" : "First-level indicators",
                   .n = 4,
                   .label = zh(d) ? first_zh : first_en,
                   .city = city1,
                   .median = med1},
                  {.title = zh(d) ? "二级指标" : "Second-level indicators",
                   .n = 17,
                   .label = zh(d) ? second_zh : second_en,
                   .city = city2,
                   .median = med2}},
        .median_name = zh(d) ? "同类城市中位数" : "peer median",
        .missing = zh(d) ? "缺失" : "missing",
    };
    lcm_chart_opts o = opts(d, "radar");
    return lcm_chart_radar_render(&c, &o, d->script, msg, cap);
}

static lcm_status trend(demo *d, char *msg, size_t cap) {
    int year[3] = {2023, 2024, 2025};
    double est[3], lo[3], hi[3], reg[3], nat[3], base = d->c[d->focus].level;
    for (int w = 0; w < 3; w++) {
        est[w] = base - 3.2 * (2 - w) + normal();
        lo[w] = est[w] - 3.1, hi[w] = est[w] + 3.1;
        reg[w] = 61 + 1.2 * w + 0.4 * normal();
        nat[w] = 66 + 1.0 * w + 0.3 * normal();
    }
    lcm_chart_trend c = {
        .title =
            zh(d) ? "成都市 市民参与终身学习的比例" : "Chengdu: residents taking part in learning",
        .ylabel = zh(d) ? "过去一年参加过学习活动的比例（%）" : "took part in the past year (%)",
        .n = 3,
        .year = year,
        .city = zh(d) ? "成都市" : "Chengdu",
        .xlabel = zh(d) ? "年份" : "year",
        .region = zh(d) ? "西部" : "west",
        .nation = zh(d) ? "全国" : "nation",
        .ci_name = zh(d) ? "95%置信区间" : "95% CI",
        .est = est,
        .lo = lo,
        .hi = hi,
        .reg = reg,
        .nat = nat,
    };
    lcm_chart_opts o = opts(d, "trend");
    return lcm_chart_trend_render(&c, &o, d->script, msg, cap);
}

/* Monte Carlo of the composite: each draw perturbs every city's score, then ranks. */
static lcm_status ranks(demo *d, char *msg, size_t cap) {
    static double rank[NCITY][NDRAW];
    double score[NCITY], draw[NCITY], med[NCITY], p05[NCITY], p95[NCITY];
    for (int i = 0; i < NCITY; i++)
        score[i] = (d->first[i][0] + d->first[i][1] + d->first[i][2] + d->first[i][3]) / 4;
    for (int r = 0; r < NDRAW; r++) {
        for (int i = 0; i < NCITY; i++)
            draw[i] = score[i] + 2.2 * normal();
        for (int i = 0; i < NCITY; i++) {
            int better = 0;
            for (int k = 0; k < NCITY; k++)
                better += draw[k] > draw[i];
            rank[i][r] = better + 1;
        }
    }
    for (int i = 0; i < NCITY; i++) {
        qsort(rank[i], NDRAW, sizeof rank[i][0], cmp_double);
        med[i] = rank[i][NDRAW / 2], p05[i] = rank[i][NDRAW / 20],
        p95[i] = rank[i][NDRAW * 19 / 20];
    }
    lcm_chart_ranks c = {
        .title = zh(d) ? "综合得分排名及其不确定性（1000 次模拟）"
                       : "Composite rank and its uncertainty (1000 simulations)",
        .n = NCITY,
        .label = d->name,
        .median = med,
        .p05 = p05,
        .p95 = p95,
        .highlight = d->focus,
        .xlabel = zh(d) ? "名次（1 = 最好）" : "rank (1 = best)",
        .median_name = zh(d) ? "名次中位数" : "median rank",
        .interval_name = zh(d) ? "5%–95%区间" : "5-95% interval",
    };
    lcm_chart_opts o = opts(d, "ranks");
    return lcm_chart_ranks_render(&c, &o, d->script, msg, cap);
}

static lcm_status ipa(demo *d, char *msg, size_t cap) {
    static const char *const zh_items[12] = {
        "社区教育",     "老年大学", "公共图书馆", "博物馆",   "线上学习平台", "职业技能培训",
        "家庭教育指导", "读书会",   "文化馆",     "学分银行", "科普场馆",     "社区学习点"};
    static const char *const en_items[12] = {
        "community education", "elderly university", "library",        "museum",
        "online platform",     "skills training",    "parenting",      "reading club",
        "culture centre",      "credit bank",        "science centre", "learning point"};
    double perf[12], imp[12];
    for (int k = 0; k < 12; k++) {
        perf[k] = 68 + 9 * normal();
        imp[k] = 0.32 + 0.09 * normal();
    }
    lcm_chart_ipa c = {
        .title = zh(d) ? "成都市 学习服务的重要性与满意度" : "Chengdu: importance and performance",
        .xlabel = zh(d) ? "满意度（%）" : "satisfied (%)",
        .ylabel = zh(d) ? "重要性（与总体满意度的相关系数）"
                        : "importance (correlation with overall satisfaction)",
        .n = 12,
        .label = zh(d) ? zh_items : en_items,
        .perf = perf,
        .imp = imp,
        .xcut = NAN, /* quadrants split at the means */
        .ycut = NAN,
        .quadrant = {zh(d) ? "继续保持" : "keep up the good work",
                     zh(d) ? "重点改进" : "concentrate here", zh(d) ? "次要改进" : "low priority",
                     zh(d) ? "可能过度投入" : "possible overkill"},
    };
    lcm_chart_opts o = opts(d, "ipa");
    return lcm_chart_ipa_render(&c, &o, d->script, msg, cap);
}

/* Cities by composite score, columns min-max normalised across the cities. */
static lcm_status heatmap(demo *d, char *msg, size_t cap) {
    static const char *const zh_cols[7] = {"发展基础", "教育体系", "建设保障", "特色与成效",
                                           "知晓度",   "参与率",   "满意度"};
    static const char *const en_cols[7] = {"foundations", "education",     "support",     "results",
                                           "awareness",   "participation", "satisfaction"};
    double raw[NCITY][7], val[NCITY * 7], score[NCITY];
    int ord[NCITY];
    const char *rows[NCITY];
    for (int i = 0; i < NCITY; i++) {
        for (int k = 0; k < 7; k++)
            raw[i][k] = k < 4 ? d->first[i][k] : d->c[i].level + 6 * normal();
        score[i] = (raw[i][0] + raw[i][1] + raw[i][2] + raw[i][3]) / 4;
        ord[i] = i;
    }
    for (int i = 1; i < NCITY; i++) /* insertion sort by score, best first */
        for (int k = i; k > 0 && score[ord[k]] > score[ord[k - 1]]; k--) {
            int t = ord[k];
            ord[k] = ord[k - 1], ord[k - 1] = t;
        }
    for (int k = 0; k < 7; k++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int i = 0; i < NCITY; i++)
            lo = fmin(lo, raw[i][k]), hi = fmax(hi, raw[i][k]);
        for (int r = 0; r < NCITY; r++)
            val[r * 7 + k] = 100 * (raw[ord[r]][k] - lo) / (hi - lo);
    }
    long focus = 0;
    for (int r = 0; r < NCITY; r++) {
        rows[r] = d->name[ord[r]];
        if (ord[r] == d->focus)
            focus = r;
    }
    val[5 * 7 + 2] = NAN; /* one indicator not reported: the grey cell */
    lcm_chart_heatmap c = {
        .title = zh(d) ? "各城市指标标准化得分（按综合得分排序）"
                       : "Normalised scores by city (sorted by composite)",
        .nrow = NCITY,
        .ncol = 7,
        .row_label = rows,
        .col_label = zh(d) ? zh_cols : en_cols,
        .value = val,
        .highlight = focus,
        .cblabel = zh(d) ? "标准化得分（0–100）" : "normalised score (0-100)",
        .missing = zh(d) ? "缺失" : "missing",
    };
    lcm_chart_opts o = opts(d, "heatmap");
    return lcm_chart_heatmap_render(&c, &o, d->script, msg, cap);
}

static lcm_status coverage(demo *d, char *msg, size_t cap) {
    static const char *const zh_reg[3] = {"东部", "中部", "西部"}, *const en_reg[3] = {
                                                                       "east", "central", "west"};
    static const char *const zh_ser[3] = {"2023年", "2024年", "2025年"}, *const en_ser[3] = {
                                                                             "2023", "2024",
                                                                             "2025"};
    double value[9] = {41.4, 33.7, 19.2, 46.5, 40.4, 24.6, 52.5, 46.2, 28.5};
    double target[3] = {50, 50, 30};
    lcm_chart_coverage c = {
        .title = zh(d) ? "学习型城市网络覆盖率与2025年目标"
                       : "Network coverage against the 2025 targets",
        .ylabel =
            zh(d) ? "加入网络的地级城市比例（%）" : "prefecture-level cities in the network (%)",
        .nregion = 3,
        .nseries = 3,
        .region = zh(d) ? zh_reg : en_reg,
        .series = zh(d) ? zh_ser : en_ser,
        .value = value,
        .target = target,
        .target_name = zh(d) ? "2025年目标" : "2025 target",
    };
    lcm_chart_opts o = opts(d, "coverage");
    return lcm_chart_coverage_render(&c, &o, d->script, msg, cap);
}

int main(int argc, char **argv) {
    static demo d;
    char msg[2048], *buf = NULL;
    size_t len = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: lcm_charts_demo SURVEYS_DIR OUT_DIR [en]\n");
        return 2;
    }
    d.dir = argv[2];
    d.lang = argc > 3 && !strcmp(argv[3], "en") ? LCM_LANG_EN : LCM_LANG_ZH;
    if (load_cities(argv[1], d.c) != 0) {
        fprintf(stderr, "lcm_charts_demo: cannot read the 36 cities below '%s'\n", argv[1]);
        return 1;
    }
    for (int i = 0; i < NCITY; i++) {
        d.name[i] = d.lang == LCM_LANG_EN ? d.c[i].name_en : d.c[i].name;
        for (int k = 0; k < 4; k++)
            d.first[i][k] = fmin(100, d.c[i].level + 5 * normal());
    }
    d.focus = find(d.c, "成都市");
    d.script = open_memstream(&buf, &len);
    lcm_status (*const chart[])(demo *, char *, size_t) = {bars, radar,   trend,   ranks,
                                                           ipa,  heatmap, coverage};
    for (size_t k = 0; k < sizeof chart / sizeof chart[0]; k++)
        if (chart[k](&d, msg, sizeof msg) != LCM_OK) {
            fprintf(stderr, "lcm_charts_demo: %s\n", msg);
            return 1;
        }
    fclose(d.script);
    lcm_status st = lcm_gnuplot_run(NULL, buf, len, msg, sizeof msg);
    free(buf);
    if (st != LCM_OK) {
        fprintf(stderr, "lcm_charts_demo: %s\n", msg);
        return 1;
    }
    static const char *const names[] = {"bars", "radar",   "trend",   "ranks",
                                        "ipa",  "heatmap", "coverage"};
    for (size_t k = 0; k < 7; k++) { /* the data files served gnuplot; the PNGs are the result */
        char path[4200];
        snprintf(path, sizeof path, "%s/%s.dat", d.dir, names[k]);
        unlink(path);
        printf("%s/%s.png\n", d.dir, names[k]);
    }
    return 0;
}
