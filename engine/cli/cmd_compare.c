/*
 * cmd_compare.c - `lcmon compare`: contrasts of domain estimates with their full design
 * covariance (R's svyby + svycontrast), pairwise comparisons with Holm or Benjamini-Hochberg
 * adjustment, differences of differences across two waves, the design-based t-test
 * (svyttest) and the Rao-Scott chi-square tests (svychisq). docs/compare.md explains each.
 */
#include "cli.h"
#include "comparison.h"

#include <getopt.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_compare_usage[] = {
    "lcmon compare DB (--form F | --dataset NAME) --var V --by COL [--wave Y | --waves Y1,Y2]",
    "              [--pairs A,B[,C...] | --contrast EXPR ...] [--adjust holm|BH|none]",
    "              [--ttest V --group COL [--groups A,B | --group-level A]] [--where COL=VALUE]",
    "              [--chisq V1,V2] [--cov] [--level 0.95] [--format table|csv|json]",
    "",
    "Compare design-based estimates, with the design declared by 'lcmon design set' (as",
    "'lcmon estimate' uses it: calibration and replicate weights included). docs/compare.md",
    "explains every number.",
    "",
    "    --var V --by COL  the mean of V in each domain of COL and contrasts of them; the",
    "                      covariance of the domain means comes from the one design (domains",
    "                      sharing PSUs are not independent), as R's svyby(covmat=TRUE) +",
    "                      svycontrast. Without --pairs or --contrast: every pair.",
    "    --pairs A,B,...   every pair of the listed domains (A - B, ...); at most 128 pairs",
    "    --cov             instead of contrasts, each domain's estimate and the covariance and",
    "                      correlation of every pair of domain estimates",
    "    --contrast EXPR   a linear contrast, e.g. \"4401 - 4403\" or",
    "                      \"0.5*4401 + 0.5*4403 - 4406\"; a domain is a value of COL (quote it,",
    "                      '...', when it holds spaces, + or *) or, for --by city, a city name;",
    "                      give --contrast several times for several contrasts",
    "    --adjust M        adjust the p-values of the rows for multiple comparisons as R's",
    "                      p.adjust: holm (the default), BH (Benjamini-Hochberg) or none",
    "    --waves Y1,Y2     each contrast in both waves (each wave its own sample, so their",
    "                      covariance is 0) and its change Y2 - Y1: a difference of",
    "                      differences, SE sqrt(se1^2 + se2^2), Welch-Satterthwaite df",
    "    --ttest V --group COL",
    "                      design-based t-test of the difference in means of V (R's",
    "                      svyttest): --groups A,B gives B - A; --group-level A gives A",
    "                      against every other row; without either COL must have two values",
    "    --where COL=VALUE only the rows with that value (R's subset()), for --ttest / --var",
    "    --chisq V1,V2     Rao-Scott tests of independence of two categorical columns (R's",
    "                      svychisq): the F test (second order, statistic=\"F\") and the",
    "                      first-order corrected chi-square (statistic=\"Chisq\")",
    "",
    "Columns: estimate, standard error, confidence interval, t, design df (PSUs - strata",
    "holding the rows compared), p, and the adjusted p. Headers are Chinese; csv and json",
    "use English column names.",
    NULL,
};

#define MAX_CON 32

typedef struct cmp_opts {
    const char *db, *form, *dataset, *var, *by, *ttest, *chisq, *where;
    char *pairs[64];
    int npairs;
    const char *contrast[MAX_CON];
    int ncon;
    int wave, waves[2];
    char *groups[2];
    int ngroups, cov;
    const char *group_level;
    lcm_padjust adjust;
    double level;
    cli_format fmt;
    char chisq_buf[256];
} cmp_opts;

static int parse(int argc, char **argv, cmp_opts *o) {
    static const struct option opts[] = {{"form", required_argument, NULL, 'F'},
                                         {"dataset", required_argument, NULL, 'D'},
                                         {"var", required_argument, NULL, 'v'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"wave", required_argument, NULL, 'w'},
                                         {"waves", required_argument, NULL, 'W'},
                                         {"pairs", required_argument, NULL, 'p'},
                                         {"contrast", required_argument, NULL, 'c'},
                                         {"adjust", required_argument, NULL, 'a'},
                                         {"ttest", required_argument, NULL, 't'},
                                         {"group", required_argument, NULL, 'g'},
                                         {"groups", required_argument, NULL, 'G'},
                                         {"group-level", required_argument, NULL, 'L'},
                                         {"where", required_argument, NULL, 'r'},
                                         {"chisq", required_argument, NULL, 'x'},
                                         {"level", required_argument, NULL, 'l'},
                                         {"cov", no_argument, NULL, 'V'},
                                         {"format", required_argument, NULL, 'f'},
                                         {0, 0, 0, 0}};
    int c;
    char *end, *items[2];
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        char given[256];
        snprintf(given, sizeof given, "%s", optarg ? optarg : "");
        switch (c) {
        case 'F':
            o->form = optarg;
            break;
        case 'D':
            o->dataset = optarg;
            break;
        case 'v':
            o->var = optarg;
            break;
        case 'b':
        case 'g':
            o->by = optarg;
            break;
        case 'w':
            bad = cli_parse_year(optarg, &o->wave);
            break;
        case 'W':
            bad = cli_split_list(optarg, items, 2) != 2 || cli_parse_year(items[0], &o->waves[0]) ||
                  cli_parse_year(items[1], &o->waves[1]) || o->waves[0] == o->waves[1];
            break;
        case 'p':
            bad = (o->npairs = cli_split_list(optarg, o->pairs, 64)) < 2;
            break;
        case 'c':
            bad = o->ncon == MAX_CON || !*optarg;
            if (!bad)
                o->contrast[o->ncon++] = optarg;
            break;
        case 'a':
            if (!strcmp(optarg, "holm"))
                o->adjust = LCM_PADJ_HOLM;
            else if (!strcmp(optarg, "BH") || !strcmp(optarg, "bh"))
                o->adjust = LCM_PADJ_BH;
            else if (!strcmp(optarg, "none"))
                o->adjust = LCM_PADJ_NONE;
            else
                bad = 1;
            break;
        case 't':
            o->ttest = optarg;
            break;
        case 'G':
            bad = (o->ngroups = cli_split_list(optarg, o->groups, 2)) != 2;
            break;
        case 'L':
            o->group_level = optarg;
            break;
        case 'r':
            o->where = optarg;
            bad = !strchr(optarg, '=');
            break;
        case 'x':
            snprintf(o->chisq_buf, sizeof o->chisq_buf, "%s", optarg);
            o->chisq = o->chisq_buf;
            bad = strlen(optarg) >= sizeof o->chisq_buf;
            break;
        case 'V':
            o->cov = 1;
            break;
        case 'l':
            o->level = strtod(optarg, &end);
            bad = *end || !(o->level > 0 && o->level < 1);
            break;
        case 'f':
            bad = cli_parse_format(optarg, &o->fmt);
            break;
        default:
            return cli_usage_error(cmd_compare_usage, "bad option");
        }
        if (bad)
            return cli_usage_error(cmd_compare_usage, "bad value for --%s: '%s'",
                                   cli_option_name(opts, c), given);
    }
    if (argc - optind != 1)
        return cli_usage_error(cmd_compare_usage, "expected one database path");
    if (!o->form == !o->dataset)
        return cli_usage_error(cmd_compare_usage, "give exactly one of --form and --dataset");
    int modes = !!o->var + !!o->ttest + !!o->chisq;
    if (modes != 1)
        return cli_usage_error(cmd_compare_usage, "give one of --var, --ttest and --chisq");
    if ((o->var || o->ttest) && !o->by)
        return cli_usage_error(cmd_compare_usage, "--%s needs --%s", o->var ? "var" : "ttest",
                               o->var ? "by" : "group");
    if (o->wave && o->waves[0])
        return cli_usage_error(cmd_compare_usage, "give --wave or --waves, not both");
    if (o->cov && (!o->var || o->npairs || o->ncon || o->waves[0]))
        return cli_usage_error(cmd_compare_usage,
                               "--cov goes with --var and --by, without contrasts or --waves");
    if (o->npairs && o->ncon)
        return cli_usage_error(cmd_compare_usage, "give --pairs or --contrast, not both");
    if (o->ngroups && o->group_level)
        return cli_usage_error(cmd_compare_usage, "give --groups or --group-level, not both");
    o->db = argv[optind];
    return 0;
}

static void fmt(char *buf, size_t n, double v, int digits) {
    if (isnan(v))
        snprintf(buf, n, "%s", "");
    else
        snprintf(buf, n, "%.*g", digits, v);
}

static int print_rows(cli_rows *rows, const cmp_opts *o) {
    int code = cli_rows_print(rows, o->fmt, stdout) ? cli_error("cannot write output") : 0;
    cli_rows_free(rows);
    return code;
}

/* Column names: Chinese in a table, English in csv/json. */
static const char *hdr(const cmp_opts *o, const char *zh, const char *en) {
    return o->fmt == CLI_TABLE ? zh : en;
}

/* One contrast per entry: its name and coefficients. */
typedef struct con_list {
    char name[MAX_CON * 2 + 64][160];
    const char *expr[MAX_CON * 2 + 64];
    size_t n;
} con_list;

/* The contrasts to compute, as text for lcm_cmp_parse: --contrast as given, --pairs or every
 * pair of domains as "'A' - 'B'". */
static int make_list(const cmp_opts *o, const lcm_cmp_domains *D, con_list *L, char (*buf)[300]) {
    L->n = 0;
    if (o->ncon) {
        for (int i = 0; i < o->ncon; i++) {
            snprintf(L->name[L->n], sizeof L->name[0], "%s", o->contrast[i]);
            L->expr[L->n++] = o->contrast[i];
        }
        return 0;
    }
    size_t k = o->npairs ? (size_t)o->npairs : lcm_cmp_ndom(D);
    for (size_t a = 0; a < k; a++)
        for (size_t b = a + 1; b < k; b++) {
            if (L->n == sizeof L->expr / sizeof L->expr[0])
                return cli_error("too many pairs: name them with --pairs"), -1;
            const char *x = o->npairs ? o->pairs[a] : lcm_cmp_label(D, a);
            const char *y = o->npairs ? o->pairs[b] : lcm_cmp_label(D, b);
            snprintf(buf[L->n], 300, "'%s' - '%s'", x, y);
            snprintf(L->name[L->n], sizeof L->name[0], "%s - %s", x, y);
            L->expr[L->n] = buf[L->n];
            L->n++;
        }
    return 0;
}

static int run_contrasts(lcm_db *db, const cmp_opts *o, lcm_cmp_request *req) {
    lcm_err err = {0};
    lcm_cmp_domains *D[2] = {NULL, NULL};
    int nw = o->waves[0] ? 2 : 1, code = 0;
    static con_list L;
    static char buf[MAX_CON * 2 + 64][300];
    for (int w = 0; w < nw; w++) {
        req->wave = o->waves[0] ? o->waves[w] : o->wave;
        if (lcm_cmp_domains_run(db, req, &D[w], &err) != LCM_OK) {
            code = cli_fail(&err);
            goto cleanup;
        }
    }
    if (make_list(o, D[0], &L, buf)) {
        code = LCM_EXIT_INTERNAL;
        goto cleanup;
    }
    size_t nrow = L.n * (size_t)(nw == 2 ? 3 : 1);
    lcm_cmp_result *res = calloc(nrow + 1, sizeof *res);
    double *p = calloc(nrow + 1, sizeof *p), *padj = calloc(nrow + 1, sizeof *padj);
    int *wave_of = calloc(nrow + 1, sizeof *wave_of);
    if (!res || !p || !padj || !wave_of) {
        free(res), free(p), free(padj), free(wave_of);
        cli_error("out of memory");
        code = LCM_EXIT_INTERNAL;
        goto cleanup;
    }
    size_t r = 0;
    for (size_t i = 0; i < L.n && !code; i++) {
        lcm_cmp_result one[2];
        for (int w = 0; w < nw && !code; w++) {
            size_t nd = lcm_cmp_ndom(D[w]);
            double *coef = calloc(nd, sizeof *coef);
            if (!coef || lcm_cmp_parse(db, D[w], L.expr[i], coef, &err) != LCM_OK ||
                lcm_cmp_contrast(D[w], coef, o->level, &one[w], &err) != LCM_OK)
                code = coef ? cli_fail(&err) : LCM_EXIT_INTERNAL;
            free(coef);
            if (!code)
                res[r] = one[w], wave_of[r++] = nw == 2 ? o->waves[w] : o->wave;
        }
        if (!code && nw == 2) { /* the change of the contrast: independent waves */
            lcm_svy_change ch;
            lcm_svy_change_of(one[0].c.estimate, one[0].c.se, one[0].c.df, one[1].c.estimate,
                              one[1].c.se, one[1].c.df, &ch);
            lcm_cmp_result *c = &res[r];
            c->c = (lcm_svy_contrast){ch.diff, ch.se, ch.se * ch.se, ch.df, ch.t, ch.p};
            c->ci_low = c->ci_high = NAN;
            if (ch.df > 0 && !isnan(ch.se)) {
                double q = gsl_cdf_tdist_Qinv((1 - o->level) / 2, ch.df);
                c->ci_low = ch.diff - q * ch.se, c->ci_high = ch.diff + q * ch.se;
            }
            wave_of[r++] = -1;
        }
    }
    if (!code) {
        for (size_t i = 0; i < r; i++)
            p[i] = res[i].c.p;
        lcm_p_adjust(p, r, o->adjust, padj);
        const char *names[] = {hdr(o, "对比", "contrast"),   hdr(o, "波次", "wave"),
                               hdr(o, "估计值", "estimate"), hdr(o, "标准误", "se"),
                               hdr(o, "置信下限", "ci_low"), hdr(o, "置信上限", "ci_high"),
                               hdr(o, "t值", "t"),           hdr(o, "自由度", "df"),
                               hdr(o, "p值", "p_value"),     hdr(o, "校正p值", "p_adjusted")};
        const int numeric[] = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        cli_rows *rows = cli_rows_new(10, names, numeric);
        int digits = o->fmt == CLI_TABLE ? 6 : 17;
        for (size_t i = 0; rows && i < r; i++) {
            char num[8][40], wv[48];
            const double v[] = {res[i].c.estimate, res[i].c.se, res[i].ci_low, res[i].ci_high,
                                res[i].c.t,        res[i].c.df, res[i].c.p,    padj[i]};
            for (int k = 0; k < 8; k++)
                fmt(num[k], sizeof num[k], v[k], digits);
            if (wave_of[i] == -1)
                snprintf(wv, sizeof wv, o->fmt == CLI_TABLE ? "变化 %d-%d" : "change_%d_%d",
                         o->waves[1], o->waves[0]);
            else if (wave_of[i])
                snprintf(wv, sizeof wv, "%d", wave_of[i]);
            else
                wv[0] = '\0';
            const char *vals[10] = {L.name[nw == 2 ? i / 3 : i],
                                    wv,
                                    num[0],
                                    num[1],
                                    num[2],
                                    num[3],
                                    num[4],
                                    num[5],
                                    num[6],
                                    num[7]};
            if (cli_rows_add(rows, vals))
                break;
        }
        code = rows ? print_rows(rows, o) : (cli_error("out of memory"), LCM_EXIT_INTERNAL);
    }
    free(res), free(p), free(padj), free(wave_of);
cleanup:
    lcm_cmp_domains_free(D[0]);
    lcm_cmp_domains_free(D[1]);
    return code;
}

/* The domain estimates and their covariance, one row per pair (i <= j). */
static int run_cov(lcm_db *db, const cmp_opts *o, lcm_cmp_request *req) {
    lcm_err err = {0};
    lcm_cmp_domains *D = NULL;
    if (lcm_cmp_domains_run(db, req, &D, &err) != LCM_OK)
        return cli_fail(&err);
    size_t k = lcm_cmp_ndom(D);
    double *cov = malloc((k ? k * k : 1) * sizeof *cov);
    if (!cov) {
        lcm_cmp_domains_free(D);
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    }
    if (lcm_cmp_cov(D, cov, &err) != LCM_OK) {
        free(cov);
        lcm_cmp_domains_free(D);
        return cli_fail(&err);
    }
    const char *names[] = {hdr(o, "域1", "domain_1"),       hdr(o, "域2", "domain_2"),
                           hdr(o, "估计值1", "estimate_1"), hdr(o, "估计值2", "estimate_2"),
                           hdr(o, "协方差", "covariance"),  hdr(o, "相关系数", "correlation")};
    const int numeric[] = {0, 0, 1, 1, 1, 1};
    cli_rows *rows = cli_rows_new(6, names, numeric);
    int digits = o->fmt == CLI_TABLE ? 6 : 17;
    for (size_t i = 0; rows && i < k; i++)
        for (size_t j = i; j < k; j++) {
            char num[4][40];
            double c = cov[i * k + j], r = c / sqrt(cov[i * k + i] * cov[j * k + j]);
            const double v[] = {lcm_cmp_est(D, i)->estimate, lcm_cmp_est(D, j)->estimate, c, r};
            for (int q = 0; q < 4; q++)
                fmt(num[q], sizeof num[q], v[q], digits);
            const char *vals[6] = {
                lcm_cmp_label(D, i), lcm_cmp_label(D, j), num[0], num[1], num[2], num[3]};
            if (cli_rows_add(rows, vals)) {
                cli_rows_free(rows);
                rows = NULL;
            }
        }
    int code = rows ? print_rows(rows, o) : (cli_error("out of memory"), LCM_EXIT_INTERNAL);
    free(cov);
    lcm_cmp_domains_free(D);
    return code;
}

static int run_ttest(lcm_db *db, const cmp_opts *o, lcm_cmp_request *req) {
    lcm_err err = {0};
    lcm_svy_ttest t;
    const char *groups[2] = {o->ngroups ? o->groups[0] : o->group_level,
                             o->ngroups ? o->groups[1] : NULL};
    lcm_cmp_domains *D = NULL;
    char a[160], b[160];
    if (!groups[0]) { /* the column's two values, in label order */
        lcm_cmp_request r2 = *req;
        if (lcm_cmp_domains_run(db, &r2, &D, &err) != LCM_OK)
            return cli_fail(&err);
        if (lcm_cmp_ndom(D) != 2) {
            lcm_cmp_domains_free(D);
            return cli_error("--group '%s' has %zu values: name two with --groups A,B or one "
                             "with --group-level",
                             req->by, lcm_cmp_ndom(D));
        }
        snprintf(a, sizeof a, "%s", lcm_cmp_label(D, 0));
        snprintf(b, sizeof b, "%s", lcm_cmp_label(D, 1));
        groups[0] = a, groups[1] = b;
        lcm_cmp_domains_free(D);
    }
    if (lcm_cmp_ttest_run(db, req, groups, &t, &err) != LCM_OK)
        return cli_fail(&err);
    char name[400];
    if (groups[1])
        snprintf(name, sizeof name, "%s - %s", groups[1], groups[0]);
    else
        snprintf(name, sizeof name, o->fmt == CLI_TABLE ? "%s - 其余" : "%s - rest", groups[0]);
    const char *names[] = {hdr(o, "对比", "contrast"),    hdr(o, "均值1", "mean_1"),
                           hdr(o, "均值2", "mean_2"),     hdr(o, "差值", "difference"),
                           hdr(o, "标准误", "se"),        hdr(o, "置信下限", "ci_low"),
                           hdr(o, "置信上限", "ci_high"), hdr(o, "t值", "t"),
                           hdr(o, "自由度", "df"),        hdr(o, "p值", "p_value")};
    const int numeric[] = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    cli_rows *rows = cli_rows_new(10, names, numeric);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    int digits = o->fmt == CLI_TABLE ? 6 : 17;
    char num[9][40];
    /* mean_1 is the reference group (groups[0], or the rest), mean_2 the other */
    const double v[] = {groups[1] ? t.mean[0] : t.mean[0],
                        t.mean[1],
                        t.diff,
                        t.se,
                        t.ci_low,
                        t.ci_high,
                        t.t,
                        t.df,
                        t.p};
    for (int k = 0; k < 9; k++)
        fmt(num[k], sizeof num[k], v[k], digits);
    const char *vals[10] = {name,   num[0], num[1], num[2], num[3],
                            num[4], num[5], num[6], num[7], num[8]};
    if (cli_rows_add(rows, vals)) {
        cli_rows_free(rows);
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    }
    return print_rows(rows, o);
}

static int run_chisq(lcm_db *db, const cmp_opts *o, lcm_cmp_request *req) {
    char *items[2];
    if (cli_split_list((char *)o->chisq, items, 2) != 2)
        return cli_usage_error(cmd_compare_usage, "--chisq wants two columns: V1,V2");
    req->var = items[0], req->by = items[1];
    lcm_err err = {0};
    lcm_svy_chisq x;
    if (lcm_cmp_chisq_run(db, req, &x, &err) != LCM_OK)
        return cli_fail(&err);
    const char *names[] = {hdr(o, "检验", "test"),
                           hdr(o, "统计量", "statistic"),
                           hdr(o, "自由度1", "df1"),
                           hdr(o, "自由度2", "df2"),
                           hdr(o, "p值", "p_value"),
                           hdr(o, "皮尔逊X2", "pearson_x2"),
                           hdr(o, "设计效应均值", "mean_deff")};
    const int numeric[] = {0, 1, 1, 1, 1, 1, 1};
    cli_rows *rows = cli_rows_new(7, names, numeric);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    int digits = o->fmt == CLI_TABLE ? 6 : 17;
    double md = x.trace / x.df_chisq;
    const double v[2][6] = {{x.f, x.ndf, x.ddf, x.p_f, x.pearson, md},
                            {x.chisq_adj, x.df_chisq, NAN, x.p_chisq, x.pearson, md}};
    const char *test[2] = {hdr(o, "Rao-Scott F（二阶）", "F"),
                           hdr(o, "Rao-Scott 卡方（一阶）", "Chisq")};
    for (int i = 0; i < 2; i++) {
        char num[6][40];
        for (int k = 0; k < 6; k++)
            fmt(num[k], sizeof num[k], v[i][k], digits);
        const char *vals[7] = {test[i], num[0], num[1], num[2], num[3], num[4], num[5]};
        if (cli_rows_add(rows, vals)) {
            cli_rows_free(rows);
            return cli_error("out of memory"), LCM_EXIT_INTERNAL;
        }
    }
    return print_rows(rows, o);
}

int cmd_compare(int argc, char **argv) {
    cmp_opts o = {0};
    o.level = 0.95, o.adjust = LCM_PADJ_HOLM;
    int code = parse(argc, argv, &o);
    if (code)
        return code;
    lcm_db *db = cli_open_db(o.db, 0, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    lcm_cmp_request req = {.wave = o.wave,
                           .var = o.ttest ? o.ttest : o.var,
                           .by = o.by,
                           .where = o.where,
                           .level = o.level};
    if (lcm_source_resolve(db, o.form ? LCM_SOURCE_FORM : LCM_SOURCE_DATASET,
                           o.form ? o.form : o.dataset, &req.source, &err) != LCM_OK)
        code = cli_fail(&err);
    else if (o.chisq)
        code = run_chisq(db, &o, &req);
    else if (o.ttest)
        code = run_ttest(db, &o, &req);
    else if (o.cov)
        code = run_cov(db, &o, &req);
    else
        code = run_contrasts(db, &o, &req);
    lcm_db_close(db);
    return code;
}
