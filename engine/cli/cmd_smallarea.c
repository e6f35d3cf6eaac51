/*
 * cmd_smallarea.c - `lcmon smallarea`: district estimates of one city from the household
 * survey, direct (design-based) and from the Fay-Herriot model (EBLUP with its root-MSE and
 * shrinkage factor), docs/smallarea.md.
 */
#include "cli.h"
#include "score_cli.h"
#include "smallarea.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_smallarea_usage[] = {
    "lcmon smallarea DB (--form F | --dataset NAME) --wave Y --var COL --city CODE",
    "               [--covariates FILE] [--method REML|ML] [--city-column COL]",
    "               [--district-column COL] [--csv | --format table|csv|json] [--lang zh|en]",
    "",
    "District (county-level) estimates of a city. For every district the direct estimate",
    "of the mean of COL (a 0/1 column gives a proportion) by domain estimation with the",
    "design declared by 'lcmon design set', its standard error, and the Fay-Herriot model",
    "estimate (EBLUP) with its root mean squared error (Prasad-Rao) and shrinkage factor",
    "gamma = A / (A + se^2): the weight of the direct estimate, A the between-district",
    "variance the model estimates (REML by default, or ML with the Datta-Lahiri MSE).",
    "Districts sampled in fewer than 2 PSUs (no usable design variance), with a design",
    "variance of 0, or without respondents get the synthetic estimate x'beta (gamma 0).",
    "",
    "    --covariates FILE  CSV with a header code,NAME[,NAME...]: the covariates of each",
    "                       district by its division code (default: the urban share of the",
    "                       district's village-level units, from the reference data)",
    "    --city-column COL, --district-column COL",
    "                       the columns holding city and district codes (city, county)",
    NULL,
};

typedef struct sa_opts {
    const char *db, *form, *dataset;
    cli_format fmt;
    int en;
} sa_opts;

static int parse(int argc, char **argv, sa_opts *o, lcm_sa_request *req) {
    static const struct option opts[] = {{"form", required_argument, NULL, 'F'},
                                         {"dataset", required_argument, NULL, 'D'},
                                         {"wave", required_argument, NULL, 'w'},
                                         {"var", required_argument, NULL, 'v'},
                                         {"city", required_argument, NULL, 'c'},
                                         {"covariates", required_argument, NULL, 'x'},
                                         {"method", required_argument, NULL, 'm'},
                                         {"city-column", required_argument, NULL, 'C'},
                                         {"district-column", required_argument, NULL, 'd'},
                                         {"csv", no_argument, NULL, 'V'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'F':
            o->form = optarg;
            break;
        case 'D':
            o->dataset = optarg;
            break;
        case 'w':
            bad = cli_parse_year(optarg, &req->wave);
            break;
        case 'v':
            req->var = optarg;
            break;
        case 'c':
            req->city = optarg;
            break;
        case 'x':
            req->covariates = optarg;
            break;
        case 'm':
            if (!strcmp(optarg, "REML") || !strcmp(optarg, "reml"))
                req->method = LCM_SAE_REML;
            else if (!strcmp(optarg, "ML") || !strcmp(optarg, "ml"))
                req->method = LCM_SAE_ML;
            else
                bad = 1;
            break;
        case 'C':
            req->city_col = optarg;
            break;
        case 'd':
            req->district_col = optarg;
            break;
        case 'V':
            o->fmt = CLI_CSV;
            break;
        case 'f':
            bad = cli_parse_format(optarg, &o->fmt);
            break;
        case 'l':
            bad = score_parse_lang(optarg, &o->en);
            break;
        default:
            return cli_usage_error(cmd_smallarea_usage, "bad option");
        }
        if (bad)
            return cli_usage_error(cmd_smallarea_usage, "bad value for --%s: '%s'",
                                   cli_option_name(opts, c), optarg);
    }
    if (argc - optind != 1)
        return cli_usage_error(cmd_smallarea_usage, "expected one database path");
    if (!o->form == !o->dataset)
        return cli_usage_error(cmd_smallarea_usage, "give exactly one of --form and --dataset");
    if (!req->var || !req->city || !req->wave)
        return cli_usage_error(cmd_smallarea_usage, "--var, --city and --wave are required");
    o->db = argv[optind];
    return 0;
}

static const char *role_name(lcm_sa_role r, int en, cli_format fmt) {
    static const char *const code[] = {"fitted", "one_psu", "no_variance", "unsampled"};
    static const char *const zh[] = {"模型估计", "合成估计：不足2个PSU",
                                     "合成估计：直接估计方差为0", "合成估计：无样本"};
    static const char *const enl[] = {"EBLUP", "synthetic: fewer than 2 PSUs",
                                      "synthetic: direct variance 0", "synthetic: no sample"};
    return fmt != CLI_TABLE ? code[r] : en ? enl[r] : zh[r];
}

static const char *cov_label(const char *name, int en) {
    if (!strcmp(name, "urban_share"))
        return en ? "urban share" : "城镇社区占比";
    return name;
}

/* What the table rests on: the model, its variance and coefficients, and what gamma means. */
static void print_model(const lcm_sa_request *req, const lcm_sa_result *r, int en) {
    const char *method = req->method == LCM_SAE_ML ? "ML" : "REML";
    if (en)
        printf("\nFay-Herriot model (%s, %zu of %zu districts fitted, %d Fisher scoring steps): "
               "between-district variance A = %.6g\n  coefficients: intercept %.6g",
               method, r->nfit, r->nrows, r->fit.iterations, r->fit.A, r->beta[0]);
    else
        printf("\nFay-Herriot 模型（%s，%zu 个区县中 %zu 个参与拟合，Fisher 迭代 %d 次）："
               "区县间方差 A = %.6g\n  回归系数：截距 %.6g",
               method, r->nrows, r->nfit, r->fit.iterations, r->fit.A, r->beta[0]);
    for (size_t j = 0; j < r->ncov; j++)
        printf("%s%s %.6g", en ? ", " : "，", cov_label(r->cov_names[j], en), r->beta[j + 1]);
    printf("\n");
    if (r->fit.at_zero)
        printf(en ? "  A is 0 (the estimate would be <= 0): the districts differ no more than "
                    "their sampling error, every estimate is the regression line (gamma 0)\n"
                  : "  A 估计为 0（按规则取 0）：区县间差异不超过抽样误差，所有区县取回归"
                    "（合成）估计，收缩系数为 0\n");
    printf(en ? "  gamma: weight of the district's own direct estimate (1 = its own data "
                "only, 0 = the regression line only)\n"
              : "  收缩系数 γ：区县自身直接估计所占权重（1 = 完全采用本区县数据，0 = 完全"
                "采用回归预测）\n");
}

static int print_result(const sa_opts *o, const lcm_sa_request *req, const lcm_sa_result *r) {
    enum { NC = 10 };
    static const char *const codes[NC] = {"code", "district", "n",    "npsu",  "direct",
                                          "se",   "eblup",    "rmse", "gamma", "method"};
    static const char *const zh[NC] = {"区县代码", "区县",    "样本量",   "PSU数",
                                       "直接估计", "标准误",  "模型估计", "均方根误差",
                                       "收缩系数", "估计方式"};
    static const char *const en[NC] = {"code", "district", "n",    "PSUs",  "direct",
                                       "SE",   "EBLUP",    "RMSE", "gamma", "method"};
    static const int numeric[NC] = {0, 0, 1, 1, 1, 1, 1, 1, 1, 0};
    cli_rows *rows = cli_rows_new(NC, o->fmt != CLI_TABLE ? codes : o->en ? en : zh, numeric);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    for (size_t i = 0; i < r->nrows; i++) {
        const lcm_sa_row *row = &r->rows[i];
        char num[8][40];
        int sampled = row->role != LCM_SA_UNSAMPLED;
        snprintf(num[0], 40, "%zu", row->n);
        snprintf(num[1], 40, "%zu", row->npsu);
        score_val(num[2], 40, row->direct, 4, o->fmt);
        score_val(num[3], 40, sampled ? row->se : NAN, 4, o->fmt);
        score_val(num[4], 40, row->estimate, 4, o->fmt);
        score_val(num[5], 40, row->rmse, 4, o->fmt);
        score_val(num[6], 40, row->gamma, 3, o->fmt);
        const char *vals[NC] = {
            row->code, row->name, num[0], num[1], num[2],
            num[3],    num[4],    num[5], num[6], role_name(row->role, o->en, o->fmt)};
        if (cli_rows_add(rows, vals) != 0) {
            cli_rows_free(rows);
            return cli_error("out of memory"), LCM_EXIT_INTERNAL;
        }
    }
    int code = cli_rows_print(rows, o->fmt, stdout) ? cli_error("cannot write output") : 0;
    cli_rows_free(rows);
    if (code == 0 && o->fmt == CLI_TABLE)
        print_model(req, r, o->en);
    return code;
}

int cmd_smallarea(int argc, char **argv) {
    sa_opts o = {0};
    lcm_sa_request req = {0};
    int code = parse(argc, argv, &o, &req);
    if (code)
        return code;
    lcm_db *db = cli_open_db(o.db, LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    lcm_sa_result *r = NULL;
    if (lcm_source_resolve(db, o.form ? LCM_SOURCE_FORM : LCM_SOURCE_DATASET,
                           o.form ? o.form : o.dataset, &req.source, &err) != LCM_OK ||
        lcm_smallarea_run(db, &req, &r, &err) != LCM_OK)
        code = cli_fail(&err);
    else
        code = print_result(&o, &req, r);
    lcm_sa_result_free(r);
    lcm_db_close(db);
    return code;
}
