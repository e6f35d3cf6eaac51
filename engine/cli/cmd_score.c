/*
 * cmd_score.c - `lcmon score`: the composite index of one year, stored as a run with its
 * parameters, printed with the effective weights, ranks and Monte Carlo rank intervals, the
 * audit and the missing values; `--show coverage` prints the facility coverage instead.
 */
#include "approval.h"
#include "score.h"
#include "score_cli.h"
#include "strbuf.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_score_usage[] = {
    "lcmon score DB --year Y [--normalise M] [--aggregate A] [--weights FILE|pca] [--mc N] "
    "[--show WHAT] [--format table|csv|json] [--lang zh|en]",
    "lcmon score DB --rerun RUN [--show WHAT] [--format F] [--lang L]",
    "",
    "Score the network's member cities (admitted by year Y) with inputs in year Y on the 43",
    "monitoring points and store the run (parameters, scores, ranks with 5th-95th percentile",
    "intervals, weights) in DB. Counts are compared per 10,000 residents (常住人口), 2.2.1 is",
    "the mean of its three level rates, 4.2.2 the honours of the last five years by level,",
    "and verified values come before self-assessments (docs/scores.md).",
    "",
    "    --year Y           monitoring year (required)",
    "    --normalise M      minmax (default), zscore, goalposts, target, rank",
    "    --aggregate A      arithmetic (default), geometric, copeland",
    "    --weights W        equal (default), pca, or a CSV file with columns code,weight",
    "    --threshold X      share of a group's points needed before missing ones are",
    "                       re-weighted away (default 0.667)",
    "    --no-treat         no outlier check and winsorisation",
    "    --with-context     score the background points 1.1.x too",
    "    --impute H         fill missing points with the mean or median of the tier (flagged)",
    "    --mc N             Monte Carlo draws for the rank intervals (default 1000, 0 = none)",
    "    --seed S           random seed (default 1): the same seed gives the same intervals",
    "    --mc-spread X      weights perturbed by +-X (default 0.25)",
    "    --disagree P       reviewers disagree when their scores span more than P points (20)",
    "    --band R           a band point (3.3.2): compliance (default: at or above the floor",
    "                       is full score) or distance (the distance outside the band)",
    "    --all-cities       score every city with inputs, not only the network members",
    "                       admitted by year Y",
    "    --adjust-severity  remove each reviewer's severity (additive effect, least squares)",
    "                       from the rating points (docs/ratings.md)",
    "    --official         an official run: only the cities whose inputs for year Y the",
    "                       ministry has accepted (部级已确认, 'lcmon approval'); the others are",
    "                       left out and named (docs/approval.md)",
    "    --rerun RUN        score again with the stored parameters of run RUN (a new run,",
    "                       the same scores bit for bit); takes no other scoring option",
    "    --show WHAT        scores (default), weights, audit, missing, or coverage",
    "    --by LEVEL         with --show coverage: city (default), province, region, nation",
    "    --format F         table (default), csv or json",
    "    --lang L           zh (default) or en headers in tables",
    NULL,
};

enum show { SHOW_ALL, SHOW_SCORES, SHOW_WEIGHTS, SHOW_AUDIT, SHOW_MISSING, SHOW_COVERAGE };

typedef struct score_args {
    const char *db;
    lcm_score_opts o;
    int show, by, en;
    cli_format fmt;
    long long rerun;     /* --rerun RUN, 0 without */
    char *left_out;      /* an official run: the cities left out, with their state */
    const char *scoring; /* a scoring option given (refused with --rerun) */
} score_args;

static int print_rows(cli_rows *rows, cli_format fmt) {
    int code =
        cli_rows_print(rows, fmt, stdout) == 0 ? LCM_EXIT_OK : cli_error("cannot write output");
    cli_rows_free(rows);
    return code;
}

/* Indices of the scored first-level groups, in framework order. */
static size_t first_levels(const lcm_score_inputs *in, int *idx) {
    size_t k = 0;
    for (size_t j = 1; j < in->nnode && k < 8; j++)
        if (in->node[j].level == 1 && in->node[j].included)
            idx[k++] = (int)j;
    return k;
}

/* qsort has no context argument: the result being printed, for cmp_rank. */
static const lcm_score_inputs *sort_in;

/* Ranked cities first, by rank, then by position (code order). */
static int cmp_rank(const void *a, const void *b) {
    int ra = sort_in->city[*(const int *)a].rank, rb = sort_in->city[*(const int *)b].rank;
    if ((ra == 0) != (rb == 0))
        return ra == 0 ? 1 : -1;
    return ra != rb ? (ra < rb ? -1 : 1) : *(const int *)a - *(const int *)b;
}

static int show_scores(const lcm_score_result *r, const score_args *a) {
    static const score_col base[] = {{"rank", "排名", "rank", 1},
                                     {"code", "代码", "code", 0},
                                     {"city", "城市", "city", 0},
                                     {"region", "区域", "region", 0},
                                     {"tier", "层级", "tier", 0},
                                     {"score", "总分", "score", 1},
                                     {"median_rank", "中位排名", "median rank", 1},
                                     {"p05", "5%排名", "p05", 1},
                                     {"p95", "95%排名", "p95", 1},
                                     {"region_rank", "区域排名", "region rank", 1},
                                     {"tier_rank", "层级排名", "tier rank", 1},
                                     {"missing", "缺失", "missing", 1}};
    const lcm_score_inputs *in = &r->in;
    int fl[8];
    size_t nfl = first_levels(in, fl);
    score_col cols[20];
    memcpy(cols, base, sizeof base);
    for (size_t k = 0; k < nfl; k++)
        cols[12 + k] =
            (score_col){in->node[fl[k]].code, in->node[fl[k]].name_zh, in->node[fl[k]].name_en, 1};
    cli_rows *rows = score_rows_new(cols, (int)(12 + nfl), a->fmt, a->en);
    int *order = malloc((in->ncity + 1) * sizeof *order);
    if (!rows || !order) {
        cli_rows_free(rows), free(order);
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    }
    for (size_t c = 0; c < in->ncity; c++)
        order[c] = (int)c;
    sort_in = in;
    qsort(order, in->ncity, sizeof *order, cmp_rank);
    char b[20][32];
    for (size_t k = 0; k < in->ncity; k++) {
        const lcm_score_city *c = &in->city[order[k]];
        const char *v[20] = {score_int(b[0], 32, c->rank),
                             c->code,
                             c->name,
                             c->region,
                             c->tier,
                             score_num(b[5], 32, r->score[order[k]], 2),
                             score_int(b[6], 32, c->mc.median),
                             score_int(b[7], 32, c->mc.p05),
                             score_int(b[8], 32, c->mc.p95),
                             score_int(b[9], 32, c->rank_region),
                             score_int(b[10], 32, c->rank_tier),
                             score_int(b[11], 32, c->missing)};
        for (size_t f = 0; f < nfl; f++)
            v[12 + f] = score_num(b[12 + f], 32, r->score[(size_t)fl[f] * in->ncity + order[k]], 2);
        if (!v[11][0])
            v[11] = "0";
        cli_rows_add(rows, v);
    }
    free(order);
    return print_rows(rows, a->fmt);
}

static int show_weights(const lcm_score_result *r, const score_args *a) {
    static const score_col cols[] = {{"code", "代码", "code", 0},
                                     {"indicator", "指标", "indicator", 0},
                                     {"level", "级别", "level", 1},
                                     {"weight", "有效权重", "effective weight", 1},
                                     {"overall_weight", "占总指数", "share of index", 1},
                                     {"method", "方法", "method", 0}};
    const lcm_score_inputs *in = &r->in;
    cli_rows *rows = score_rows_new(cols, 6, a->fmt, a->en);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    for (size_t j = 1; j < in->nnode; j++) {
        const lcm_score_node *nd = &in->node[j];
        if (!nd->included)
            continue;
        double share = nd->weight; /* product of the weights on the way to the root */
        for (int p = nd->parent; p > 0; p = in->node[p].parent)
            share *= in->node[p].weight;
        char b[3][32];
        snprintf(b[0], 32, "%d", nd->level);
        const char *v[] = {nd->code,
                           a->en ? nd->name_en : nd->name_zh,
                           b[0],
                           score_num(b[1], 32, nd->weight, 4),
                           score_num(b[2], 32, share, 4),
                           nd->weight_method};
        cli_rows_add(rows, v);
    }
    return print_rows(rows, a->fmt);
}

/* The audit flags of a node as one text: docs/methods.md §4.2 and §4.8, docs/scores.md. */
static void audit_flags(const lcm_score_node *nd, int en, char *buf, size_t size) {
    buf[0] = '\0';
    size_t len = 0;
#define FLAG(...)                                                                                  \
    do {                                                                                           \
        if (len < size)                                                                            \
            len += (size_t)snprintf(buf + len, size - len, __VA_ARGS__);                           \
    } while (0)
    if (!isnan(nd->corr) && nd->corr < 0)
        FLAG("%s; ", en ? "negative correlation" : "负相关");
    else if (!isnan(nd->corr) && nd->corr < LCM_CI_CORR_LOW)
        FLAG("%s; ", en ? "weak correlation" : "弱相关");
    else if (!isnan(nd->corr) && nd->corr > LCM_CI_CORR_HIGH && nd->kind)
        FLAG("%s; ", en ? "near-duplicate of its group" : "与上级近乎重复");
    if (nd->treat.winsorised)
        FLAG(en ? "winsorised %d; " : "缩尾 %d 个; ", nd->treat.winsorised);
    if (nd->treat.logged)
        FLAG("%s; ", en ? "log-transformed" : "对数变换");
    if (nd->kind && nd->treat.constant == LCM_CI_CONST_SCORED)
        FLAG("%s; ", en ? "no spread: scored on its fixed scale" : "各城市相同: 按固定标尺计分");
    else if (nd->kind && nd->treat.constant == LCM_CI_CONST_DROPPED)
        FLAG("%s; ", en ? "no spread: left out of the index" : "各城市相同: 不计入指数");
#undef FLAG
    if (len >= 2 && len < size)
        buf[len - 2] = '\0';
}

static int show_audit(const lcm_score_result *r, const score_args *a) {
    static const score_col cols[] = {{"code", "代码", "code", 0},
                                     {"indicator", "指标", "indicator", 0},
                                     {"corr_parent", "与上级相关", "corr. with group", 1},
                                     {"alpha", "α系数", "Cronbach alpha", 1},
                                     {"skew", "偏度", "skewness", 1},
                                     {"kurtosis", "峰度", "kurtosis", 1},
                                     {"missing", "缺失城市", "cities missing", 1},
                                     {"flags", "提示", "flags", 0}};
    const lcm_score_inputs *in = &r->in;
    cli_rows *rows = score_rows_new(cols, 8, a->fmt, a->en);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    for (size_t j = 0; j < in->nnode; j++) {
        const lcm_score_node *nd = &in->node[j];
        if (!nd->included)
            continue;
        char b[5][32], flags[256];
        audit_flags(nd, a->en, flags, sizeof flags);
        snprintf(b[4], 32, "%ld", nd->missing);
        const char *v[] = {nd->code,
                           a->en ? nd->name_en : nd->name_zh,
                           score_num(b[0], 32, nd->corr, 3),
                           score_num(b[1], 32, nd->alpha, 3),
                           score_num(b[2], 32, nd->kind ? nd->treat.skew : NAN, 2),
                           score_num(b[3], 32, nd->kind ? nd->treat.kurt : NAN, 2),
                           nd->kind ? b[4] : "",
                           flags};
        cli_rows_add(rows, v);
    }
    return print_rows(rows, a->fmt);
}

static int show_missing(const lcm_score_result *r, const score_args *a) {
    static const score_col cols[] = {{"city_code", "代码", "code", 0},
                                     {"city", "城市", "city", 0},
                                     {"indicator_code", "监测点", "point", 0},
                                     {"indicator", "指标", "indicator", 0},
                                     {"status", "状态", "status", 0}};
    const lcm_score_inputs *in = &r->in;
    cli_rows *rows = score_rows_new(cols, 5, a->fmt, a->en);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    for (size_t c = 0; c < in->ncity; c++)
        for (size_t j = 1; j < in->nnode; j++) {
            const lcm_score_node *nd = &in->node[j];
            size_t cell = j * in->ncity + c;
            int miss = isnan(in->raw[cell]), imp = in->imputed[cell], dis = in->disagree[cell];
            if (!nd->kind || !nd->included || (!miss && !imp && !dis))
                continue;
            const char *status = miss  ? (a->en ? "missing" : "缺失")
                                 : imp ? (a->en ? "imputed" : "插补")
                                       : (a->en ? "reviewers disagree" : "评审分歧");
            const char *v[] = {in->city[c].code, in->city[c].name, nd->code,
                               a->en ? nd->name_en : nd->name_zh, status};
            cli_rows_add(rows, v);
        }
    return print_rows(rows, a->fmt);
}

static int show_coverage(lcm_db *db, const score_args *a) {
    static const score_col cols[] = {{"point", "监测点", "point", 0},
                                     {"key", "范围", "scope", 0},
                                     {"county", "县级覆盖", "county", 0},
                                     {"township", "乡级覆盖", "township", 0},
                                     {"village", "村级覆盖", "village", 0},
                                     {"combined_pct", "合计%", "combined %", 1},
                                     {"county_pct", "县级%", "county %", 1},
                                     {"township_pct", "乡级%", "township %", 1},
                                     {"village_pct", "村级%", "village %", 1},
                                     {"level_mean_pct", "三级平均%", "mean of levels %", 1},
                                     {"scored_pct", "计分值%", "scored %", 1}};
    static const char *const kinds[][2] = {{"2.2.1", LCM_COVERAGE_KIND_COMMUNITY},
                                           {"2.2.3", LCM_COVERAGE_KIND_ELDERLY}};
    cli_rows *rows = score_rows_new(cols, 11, a->fmt, a->en);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    for (int k = 0; k < 2; k++) { /* 2.2.1 is scored on the mean of the levels, 2.2.3 on Σ/Σ */
        lcm_coverage_row *cov = NULL;
        size_t n = 0;
        lcm_err err = {0};
        if (lcm_coverage(db, kinds[k][1], a->o.year, (lcm_cov_scope)a->by, &cov, &n, &err) !=
            LCM_OK) {
            cli_rows_free(rows);
            return cli_fail(&err);
        }
        for (size_t i = 0; i < n; i++) {
            char b[9][48];
            for (int l = 0; l < 3; l++) {
                snprintf(b[l], 48, "%ld/%ld", cov[i].covered[l], cov[i].units[l]);
                score_num(b[4 + l], 48, cov[i].rate[l], 2);
            }
            double mean = lcm_coverage_level_mean(&cov[i]);
            score_num(b[7], 48, mean, 2);
            const char *v[] = {kinds[k][0],
                               cov[i].key,
                               b[0],
                               b[1],
                               b[2],
                               score_num(b[3], 48, cov[i].rate[3], 2),
                               b[4],
                               b[5],
                               b[6],
                               b[7],
                               score_num(b[8], 48, k == 0 ? mean : cov[i].rate[3], 2)};
            cli_rows_add(rows, v);
        }
        free(cov);
    }
    return print_rows(rows, a->fmt);
}

static int report(const lcm_score_result *r, const score_args *a) {
    const lcm_score_inputs *in = &r->in;
    int code = LCM_EXIT_OK;
    if (a->show != SHOW_ALL) {
        int (*fn[])(const lcm_score_result *, const score_args *) = {
            NULL, show_scores, show_weights, show_audit, show_missing};
        return fn[a->show](r, a);
    }
    printf(a->en ? "lcmon score: year %d, %zu cities, run %lld\nparameters: %s\n"
                 : "lcmon score: %d 年, %zu 个城市, 运行 %lld\n参数: %s\n",
           in->year, in->ncity, r->run_id, r->params);
    if (in->official)
        printf(a->en ? "official run: only inputs accepted by the ministry; left out: %s\n"
                     : "正式运行: 仅用部级已确认的数据; 未纳入: %s\n",
               a->left_out ? a->left_out : (a->en ? "none" : "无"));
    score_section(a->fmt, a->en, "有效权重", "effective weights");
    code = show_weights(r, a);
    score_section(a->fmt, a->en, "得分与排名(蒙特卡洛 5%-95% 排名区间)",
                  "scores and ranks (Monte Carlo 5th-95th percentile ranks)");
    if (code == LCM_EXIT_OK)
        code = show_scores(r, a);
    if (a->fmt == CLI_TABLE)
        printf(a->en ? "mean absolute rank shift: %.2f\n" : "平均绝对排名变动: %.2f\n",
               r->mean_shift);
    score_section(a->fmt, a->en, "审核", "audit");
    if (code == LCM_EXIT_OK)
        code = show_audit(r, a);
    return code;
}

/* "1102 B (已上报), …" for the cities an official run left out; NULL when none (or out of
 * memory: the line then says none, the run itself is stored). */
static char *left_out(lcm_db *db, const lcm_score_opts *o, int en) {
    lcm_approval *rows = NULL;
    size_t n = 0;
    if (lcm_approval_left_out(db, o->year, !o->all_cities, &rows, &n, NULL) != LCM_OK || !n) {
        free(rows);
        return NULL;
    }
    lcm_strbuf sb = LCM_STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        lcm_strbuf_addf(&sb, "%s%s %s (%s)", i ? ", " : "", rows[i].city, rows[i].city_name,
                        en ? lcm_approval_state_code(rows[i].state)
                           : lcm_approval_state_label(rows[i].state));
    free(rows);
    return lcm_strbuf_detach(&sb);
}

static int parse_weights(const char *arg, lcm_score_opts *o) {
    if (strcmp(arg, "equal") == 0)
        o->weights = LCM_WEIGHTS_EQUAL;
    else if (strcmp(arg, "pca") == 0)
        o->weights = LCM_WEIGHTS_PCA;
    else
        o->weights = LCM_WEIGHTS_FILE, o->weights_file = arg;
    return 0;
}

static int parse_double(const char *s, double lo, double hi, double *out) {
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out) {
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *s == '-' || *end || errno || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_option(int c, score_args *a) {
    static const char *const shows[] = {"",        "scores",   "weights", "audit",
                                        "missing", "coverage", NULL};
    static const char *const bys[] = {"city", "province", "region", "nation", NULL};
    unsigned long ul;
    int i;
    switch (c) {
    case 'r':
        return parse_ulong(optarg, 0x7FFFFFFFul, &ul) || ul == 0 ? -1
                                                                 : (a->rerun = (long long)ul, 0);
    case 'y':
        return cli_parse_year(optarg, &a->o.year) ? -1 : 0;
    case 'n':
        return (i = lcm_ci_norm_parse(optarg)) < 0 ? -1 : (a->o.norm = (lcm_ci_norm)i, 0);
    case 'a':
        return (i = lcm_ci_agg_parse(optarg)) < 0 ? -1 : (a->o.agg = (lcm_ci_agg)i, 0);
    case 'w':
        return parse_weights(optarg, &a->o);
    case 't':
        return parse_double(optarg, 0, 1, &a->o.threshold);
    case 'T':
        return a->o.treat = 0, 0;
    case 'C':
        return a->o.with_context = 1, 0;
    case 'i':
        if (strcmp(optarg, "mean") && strcmp(optarg, "median"))
            return -1;
        return a->o.impute =
                   strcmp(optarg, "mean") == 0 ? LCM_CI_IMPUTE_MEAN : LCM_CI_IMPUTE_MEDIAN,
               0;
    case 'm':
        return parse_ulong(optarg, 10000000, &ul) ? -1 : (a->o.mc = ul, 0);
    case 's':
        return parse_ulong(optarg, 0xFFFFFFFFul, &a->o.seed);
    case 'S':
        return parse_double(optarg, 0, 1, &a->o.mc_spread);
    case 'd':
        return parse_double(optarg, 0, 100, &a->o.disagree);
    case 'B':
        if (strcmp(optarg, "compliance") != 0 && strcmp(optarg, "distance") != 0)
            return -1;
        return a->o.band_distance = strcmp(optarg, "distance") == 0, 0;
    case 'A':
        return a->o.all_cities = 1, 0;
    case 'V':
        return a->o.adjust_severity = 1, 0;
    case 'O':
        return a->o.official = 1, 0;
    case 'h':
        for (i = 1; shows[i]; i++)
            if (strcmp(optarg, shows[i]) == 0)
                return a->show = i, 0;
        return -1;
    case 'b':
        for (i = 0; bys[i]; i++)
            if (strcmp(optarg, bys[i]) == 0)
                return a->by = i, 0;
        return -1;
    case 'f':
        return cli_parse_format(optarg, &a->fmt);
    case 'l':
        return score_parse_lang(optarg, &a->en);
    default:
        return -2;
    }
}

static int parse_args(int argc, char **argv, score_args *a) {
    static const struct option opts[] = {
        {"year", required_argument, NULL, 'y'},      {"normalise", required_argument, NULL, 'n'},
        {"aggregate", required_argument, NULL, 'a'}, {"weights", required_argument, NULL, 'w'},
        {"threshold", required_argument, NULL, 't'}, {"no-treat", no_argument, NULL, 'T'},
        {"with-context", no_argument, NULL, 'C'},    {"impute", required_argument, NULL, 'i'},
        {"mc", required_argument, NULL, 'm'},        {"seed", required_argument, NULL, 's'},
        {"mc-spread", required_argument, NULL, 'S'}, {"disagree", required_argument, NULL, 'd'},
        {"rerun", required_argument, NULL, 'r'},     {"show", required_argument, NULL, 'h'},
        {"by", required_argument, NULL, 'b'},        {"format", required_argument, NULL, 'f'},
        {"lang", required_argument, NULL, 'l'},      {"band", required_argument, NULL, 'B'},
        {"all-cities", no_argument, NULL, 'A'},      {"adjust-severity", no_argument, NULL, 'V'},
        {"official", no_argument, NULL, 'O'},        {0, 0, 0, 0}};
    int c, li = 0;
    lcm_score_opts_default(&a->o, 0);
    while ((c = getopt_long(argc, argv, "", opts, &li)) != -1) {
        int rc = parse_option(c, a);
        if (rc == 0 && !strchr("rhbfl", c))
            a->scoring = opts[li].name;
        if (rc == -2)
            return cli_usage_error(cmd_score_usage, "bad option");
        if (rc != 0)
            return cli_usage_error(cmd_score_usage, "bad value for --%s: '%s'", opts[li].name,
                                   optarg);
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd_score_usage,
                               optind < argc ? "unexpected argument: '%s'" : "missing database%s",
                               optind < argc ? argv[argc - 1] : "");
    if (a->rerun && a->scoring)
        return cli_usage_error(cmd_score_usage, "--rerun takes the run's own parameters: drop --%s",
                               a->scoring);
    if (a->rerun && a->show == SHOW_COVERAGE)
        return cli_usage_error(cmd_score_usage, "--rerun cannot be used with --show coverage");
    if (!a->o.year && !a->rerun)
        return cli_usage_error(cmd_score_usage, "--year is required");
    a->db = argv[optind];
    return LCM_EXIT_OK;
}

int cmd_score(int argc, char **argv) {
    score_args a = {.fmt = CLI_TABLE};
    int code = parse_args(argc, argv, &a);
    if (code != LCM_EXIT_OK)
        return code;
    if (a.fmt != CLI_TABLE && a.show == SHOW_ALL)
        a.show = SHOW_SCORES; /* scripts get one table */
    lcm_db *db = cli_open_db(a.db, a.show == SHOW_COVERAGE ? LCM_OPEN_READONLY : 0, &code);
    if (!db)
        return code;
    if (a.show == SHOW_COVERAGE) {
        code = show_coverage(db, &a);
        lcm_db_close(db);
        return code;
    }
    lcm_score_result *r = NULL;
    lcm_err err = {0};
    char *weights_file = NULL;
    if ((a.rerun && lcm_score_params_load(db, a.rerun, &a.o, &weights_file, &err) != LCM_OK) ||
        lcm_score_compute(db, &a.o, &r, &err) != LCM_OK || lcm_score_store(db, r, &err) != LCM_OK) {
        lcm_score_result_free(r);
        free(weights_file);
        lcm_db_close(db);
        return cli_fail(&err);
    }
    if (r->in.official)
        a.left_out = left_out(db, &a.o, a.en);
    code = report(r, &a);
    free(a.left_out);
    lcm_score_result_free(r);
    free(weights_file);
    lcm_db_close(db);
    return code;
}
