/*
 * cmd_estimate.c - `lcmon estimate`: design-based means, totals and proportions with
 * standard errors, confidence intervals, design effects and the counts behind them, for
 * every domain at once; stored with the run that made them.
 */
#include "cli.h"
#include "estimate.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_estimate_usage[] = {
    "lcmon estimate DB (--form F | --dataset NAME) --var COL[,COL...] [--wave Y]",
    "               [--by COL[,COL...]] [--stat mean|total|prop] [--ci logit|beta|wald]",
    "               [--level 0.95] [--min-n 30] [--no-store] [--format table|csv|json]",
    "",
    "Estimate with the design declared by 'lcmon design set': for each variable (each",
    "category with --stat prop) and each domain of the crossed --by columns, the estimate,",
    "its linearised standard error, a confidence interval with design degrees of freedom,",
    "the design effect, and the rows (n) and PSUs behind it. Estimates on fewer than",
    "--min-n rows are flagged. Results are stored in the database unless --no-store.",
    NULL,
};

#define MAX_LIST 64

typedef struct est_opts {
    const char *db, *form, *dataset;
    char *vars[MAX_LIST], *by[MAX_LIST];
    int nvar, nby;
    cli_format fmt;
} est_opts;

static int parse_kind(const char *s, lcm_est_kind *k) {
    if (!strcmp(s, "mean"))
        *k = LCM_EST_MEAN;
    else if (!strcmp(s, "total"))
        *k = LCM_EST_TOTAL;
    else if (!strcmp(s, "prop"))
        *k = LCM_EST_PROP;
    else
        return -1;
    return 0;
}

static int parse_ci(const char *s, lcm_ci_kind *k) {
    if (!strcmp(s, "logit"))
        *k = LCM_CI_LOGIT;
    else if (!strcmp(s, "beta"))
        *k = LCM_CI_BETA;
    else if (!strcmp(s, "wald"))
        *k = LCM_CI_WALD;
    else
        return -1;
    return 0;
}

static int parse(int argc, char **argv, est_opts *o, lcm_est_request *req) {
    static const struct option opts[] = {
        {"form", required_argument, NULL, 'F'},   {"dataset", required_argument, NULL, 'D'},
        {"var", required_argument, NULL, 'v'},    {"wave", required_argument, NULL, 'w'},
        {"by", required_argument, NULL, 'b'},     {"stat", required_argument, NULL, 's'},
        {"ci", required_argument, NULL, 'c'},     {"level", required_argument, NULL, 'l'},
        {"min-n", required_argument, NULL, 'm'},  {"no-store", no_argument, NULL, 'N'},
        {"format", required_argument, NULL, 'f'}, {0, 0, 0, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'F':
            o->form = optarg;
            break;
        case 'D':
            o->dataset = optarg;
            break;
        case 'v':
            bad = (o->nvar = cli_split_list(optarg, o->vars, MAX_LIST)) < 0;
            break;
        case 'b':
            bad = (o->nby = cli_split_list(optarg, o->by, 8)) < 0;
            break;
        case 'w':
            req->wave = (int)strtol(optarg, &end, 10);
            bad = *end || req->wave < 2000 || req->wave > 2100;
            break;
        case 's':
            bad = parse_kind(optarg, &req->kind);
            break;
        case 'c':
            bad = parse_ci(optarg, &req->ci);
            break;
        case 'l':
            req->level = strtod(optarg, &end);
            bad = *end || !(req->level > 0 && req->level < 1);
            break;
        case 'm':
            req->min_n = strtol(optarg, &end, 10);
            bad = *end || req->min_n < 0;
            break;
        case 'N':
            req->store = 0;
            break;
        case 'f':
            bad = cli_parse_format(optarg, &o->fmt);
            break;
        default:
            return cli_usage_error(cmd_estimate_usage, "bad option");
        }
        if (bad)
            return cli_usage_error(cmd_estimate_usage, "bad value for --%s: '%s'",
                                   cli_option_name(opts, c), optarg);
    }
    if (argc - optind != 1)
        return cli_usage_error(cmd_estimate_usage, "expected one database path");
    if (!o->form == !o->dataset)
        return cli_usage_error(cmd_estimate_usage, "give exactly one of --form and --dataset");
    if (o->nvar <= 0)
        return cli_usage_error(cmd_estimate_usage, "--var is required");
    o->db = argv[optind];
    return 0;
}

static void fmt_num(char *buf, size_t n, double v, int digits) {
    if (isnan(v))
        snprintf(buf, n, "%s", "");
    else
        snprintf(buf, n, "%.*g", digits, v);
}

static int print_result(const est_opts *o, const lcm_est_result *r) {
    int nby = o->nby, ncols = nby + 12;
    const char *names[8 + 12];
    int numeric[8 + 12] = {0};
    static const char *const fixed[] = {"variable", "category", "estimate", "se",
                                        "ci_low",   "ci_high",  "df",       "deff",
                                        "n",        "npsu",     "flag",     "run"};
    for (int i = 0; i < nby; i++)
        names[i] = o->by[i];
    for (int i = 0; i < 12; i++) {
        names[nby + i] = fixed[i];
        numeric[nby + i] = i >= 2 && i <= 9;
    }
    cli_rows *rows = cli_rows_new(ncols, names, numeric);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    int digits = o->fmt == CLI_TABLE ? 6 : 17;
    for (size_t i = 0; i < lcm_est_result_count(r); i++) {
        const lcm_est_row *row = lcm_est_result_row(r, i);
        char num[8][40], run[24];
        const double v[] = {row->est.estimate, row->est.se, row->ci_low,
                            row->ci_high,      row->est.df, row->est.deff};
        for (int k = 0; k < 6; k++)
            fmt_num(num[k], sizeof num[k], v[k], k == 4 ? 6 : digits);
        snprintf(num[6], sizeof num[6], "%zu", row->est.nrows);
        snprintf(num[7], sizeof num[7], "%zu", row->est.npsu);
        snprintf(run, sizeof run, "%lld", lcm_est_result_run(r));
        const char *vals[8 + 12];
        for (int j = 0; j < nby; j++)
            vals[j] = row->by[j];
        const char *rest[] = {row->variable,
                              row->category,
                              num[0],
                              num[1],
                              num[2],
                              num[3],
                              num[4],
                              num[5],
                              num[6],
                              num[7],
                              row->small ? "small_n" : "",
                              lcm_est_result_run(r) ? run : ""};
        memcpy(vals + nby, rest, sizeof rest);
        if (cli_rows_add(rows, vals) != 0) {
            cli_rows_free(rows);
            return cli_error("out of memory"), LCM_EXIT_INTERNAL;
        }
    }
    int code = cli_rows_print(rows, o->fmt, stdout) ? cli_error("cannot write output") : 0;
    cli_rows_free(rows);
    return code;
}

int cmd_estimate(int argc, char **argv) {
    est_opts o = {0};
    lcm_est_request req = {0};
    req.level = 0.95, req.min_n = 30, req.store = 1, req.ci = LCM_CI_LOGIT;
    int code = parse(argc, argv, &o, &req);
    if (code)
        return code;
    lcm_db *db = cli_open_db(o.db, 0, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    lcm_est_result *r = NULL;
    req.vars = (const char *const *)o.vars, req.nvar = (size_t)o.nvar;
    req.by = (const char *const *)o.by, req.nby = (size_t)(o.nby > 0 ? o.nby : 0);
    if (lcm_source_resolve(db, o.form ? LCM_SOURCE_FORM : LCM_SOURCE_DATASET,
                           o.form ? o.form : o.dataset, &req.source, &err) != LCM_OK ||
        lcm_estimate_run(db, &req, &r, &err) != LCM_OK)
        code = cli_fail(&err);
    else
        code = print_result(&o, r);
    lcm_est_result_free(r);
    lcm_db_close(db);
    return code;
}
