/*
 * cmd_estimate.c - `lcmon estimate`: design-based means, totals, proportions and quantiles
 * with standard errors, confidence intervals, design effects and the counts behind them, for
 * every domain at once; stored with the run that made them. With --compare-waves, the same
 * estimates for two waves side by side with their change, its SE and p-value.
 */
#include "cli.h"
#include "estimate.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_estimate_usage[] = {
    "lcmon estimate DB (--form F | --dataset NAME) --var COL[,COL...] [--wave Y]",
    "               [--by COL[,COL...]] [--stat mean|total|prop|quantile]",
    "               [--quantiles P[,P...]] [--ci logit|beta|wald] [--level 0.95]",
    "               [--min-n 30] [--compare-waves Y1,Y2] [--no-store]",
    "               [--unreviewed exclude|include] [--format table|csv|json]",
    "",
    "Estimate with the design declared by 'lcmon design set': for each variable (each",
    "category with --stat prop, each probability with --stat quantile) and each domain of",
    "the crossed --by columns, the estimate, its standard error (linearised, or from the",
    "design's replicate weights), a confidence interval with design degrees of freedom, the",
    "design effect, and the rows (n) and PSUs behind it. Estimates on fewer than --min-n rows",
    "are flagged. Results are stored in the database unless --no-store.",
    "",
    "    --stat quantile   quantiles of the weighted distribution as R's svyquantile():",
    "                      the smallest value whose weighted CDF reaches p, Woodruff",
    "                      interval; --quantiles gives the probabilities (default 0.5)",
    "    --compare-waves Y1,Y2",
    "                      estimate waves Y1 and Y2, each with its own design, as independent",
    "                      samples; print both, the change Y2 - Y1, its SE sqrt(se1^2+se2^2)",
    "                      and a two-sided p-value from t on Welch-Satterthwaite df",
    "    --unreviewed exclude|include",
    "                      of the interviews collected by 'lcmon serve', only those a city",
    "                      coordinator approved count (exclude, the default); include counts",
    "                      the not yet reviewed too (received, resubmitted). Rejected ones and",
    "                      those returned with issues never count; imported interviews count",
    "                      as imported. The choice is stored with the run (runs.params) and",
    "                      printed above the table (docs/review.md)",
    NULL,
};

#define MAX_LIST 64

typedef struct est_opts {
    const char *db, *form, *dataset;
    char *vars[MAX_LIST], *by[MAX_LIST];
    int nvar, nby;
    double quantiles[MAX_LIST];
    int nq;
    int waves[2]; /* --compare-waves, 0 when not given */
    cli_format fmt;
    char note[256]; /* the form versions harmonised, "" when one */
    int unreviewed; /* --unreviewed include */
} est_opts;

static int parse_kind(const char *s, lcm_est_kind *k) {
    static const char *const names[] = {"mean", "total", "prop", "quantile"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, names[i])) {
            *k = (lcm_est_kind)i;
            return 0;
        }
    return -1;
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

/* "0.25,0.5": probabilities in [0, 1]; 0 or -1. */
static int parse_quantiles(char *s, est_opts *o) {
    char *items[MAX_LIST], *end;
    int n = cli_split_list(s, items, MAX_LIST);
    if (n <= 0)
        return -1;
    for (int i = 0; i < n; i++) {
        o->quantiles[i] = strtod(items[i], &end);
        if (*end || !(o->quantiles[i] >= 0 && o->quantiles[i] <= 1))
            return -1;
    }
    o->nq = n;
    return 0;
}

static int parse_waves(char *s, est_opts *o) {
    char *items[2];
    return cli_split_list(s, items, 2) != 2 || cli_parse_year(items[0], &o->waves[0]) ||
                   cli_parse_year(items[1], &o->waves[1]) || o->waves[0] == o->waves[1]
               ? -1
               : 0;
}

static int parse(int argc, char **argv, est_opts *o, lcm_est_request *req) {
    static const struct option opts[] = {{"form", required_argument, NULL, 'F'},
                                         {"dataset", required_argument, NULL, 'D'},
                                         {"var", required_argument, NULL, 'v'},
                                         {"wave", required_argument, NULL, 'w'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"stat", required_argument, NULL, 's'},
                                         {"quantiles", required_argument, NULL, 'q'},
                                         {"ci", required_argument, NULL, 'c'},
                                         {"level", required_argument, NULL, 'l'},
                                         {"min-n", required_argument, NULL, 'm'},
                                         {"compare-waves", required_argument, NULL, 'C'},
                                         {"no-store", no_argument, NULL, 'N'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"unreviewed", required_argument, NULL, 'u'},
                                         {0, 0, 0, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        const char *arg = optarg ? optarg : "";
        char given[256];
        snprintf(given, sizeof given, "%s", arg); /* the list parsers split optarg in place */
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
            bad = cli_parse_year(optarg, &req->wave);
            break;
        case 's':
            bad = parse_kind(optarg, &req->kind);
            break;
        case 'q':
            bad = parse_quantiles(optarg, o);
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
        case 'C':
            bad = parse_waves(optarg, o);
            break;
        case 'N':
            req->store = 0;
            break;
        case 'f':
            bad = cli_parse_format(optarg, &o->fmt);
            break;
        case 'u':
            o->unreviewed = !strcmp(optarg, "include");
            bad = !o->unreviewed && strcmp(optarg, "exclude") != 0;
            break;
        default:
            return cli_usage_error(cmd_estimate_usage, "bad option");
        }
        if (bad)
            return cli_usage_error(cmd_estimate_usage, "bad value for --%s: '%s'",
                                   cli_option_name(opts, c), given);
    }
    if (argc - optind != 1)
        return cli_usage_error(cmd_estimate_usage, "expected one database path");
    if (!o->form == !o->dataset)
        return cli_usage_error(cmd_estimate_usage, "give exactly one of --form and --dataset");
    if (o->nvar <= 0)
        return cli_usage_error(cmd_estimate_usage, "--var is required");
    if (o->nq && req->kind != LCM_EST_QUANTILE)
        return cli_usage_error(cmd_estimate_usage, "--quantiles goes with --stat quantile");
    if (o->waves[0] && req->wave)
        return cli_usage_error(cmd_estimate_usage, "give --wave or --compare-waves, not both");
    if (req->kind == LCM_EST_QUANTILE && !o->nq)
        o->quantiles[0] = 0.5, o->nq = 1;
    o->db = argv[optind];
    return 0;
}

static void fmt_num(char *buf, size_t n, double v, int digits) {
    if (isnan(v))
        snprintf(buf, n, "%s", "");
    else
        snprintf(buf, n, "%.*g", digits, v);
}

/* The category cell: a proportion's category, or a quantile's probability. */
static const char *category_of(const lcm_est_row *row, char *buf, size_t n) {
    if (!row || isnan(row->p))
        return row ? row->category : NULL;
    snprintf(buf, n, "%g", row->p);
    return buf;
}

static int add_or_fail(cli_rows *rows, const char *const *vals) {
    if (cli_rows_add(rows, vals) != 0) {
        cli_rows_free(rows);
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    }
    return 0;
}

static int finish_print(cli_rows *rows, const est_opts *o) {
    int code = cli_rows_print(rows, o->fmt, stdout) ? cli_error("cannot write output") : 0;
    cli_rows_free(rows);
    return code;
}

/* Under the table: why some intervals are a dash (R's survey package gives NaN there). */
static void print_nan_note(const lcm_est_request *req, const size_t nan_ci[2]) {
    if (nan_ci[0])
        printf("\u2014 no confidence interval for %zu estimate%s without design degrees of "
               "freedom (df 0:\n  as many PSUs as strata in the domain); R's survey package "
               "gives NaN\n",
               nan_ci[0], nan_ci[0] == 1 ? "" : "s");
    if (nan_ci[1] && req->kind == LCM_EST_PROP)
        printf("\u2014 no %s interval for %zu proportion%s of 0 or 1 (R's svyciprop: NaN for "
               "beta, a glm that\n  does not converge for logit); --ci wald gives the "
               "zero-width interval\n",
               req->ci == LCM_CI_BETA ? "Korn-Graubard" : "logit", nan_ci[1],
               nan_ci[1] == 1 ? "" : "s");
    else if (nan_ci[1] && req->kind == LCM_EST_QUANTILE)
        printf("\u2014 no Woodruff interval (bound) for %zu quantile%s: the interval for the "
               "proportion\n  below it leaves [0, 1] or has no SE; R's svyquantile gives NaN\n",
               nan_ci[1], nan_ci[1] == 1 ? "" : "s");
    else if (nan_ci[1])
        printf("\u2014 no confidence interval for %zu estimate%s without a standard error\n",
               nan_ci[1], nan_ci[1] == 1 ? "" : "s");
}

static int print_result(const est_opts *o, const lcm_est_request *req, const lcm_est_result *r) {
    int nby = o->nby > 0 ? o->nby : 0, ncols = nby + 12;
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
    if (req->kind == LCM_EST_QUANTILE)
        names[nby + 1] = "p", numeric[nby + 1] = 1;
    cli_rows *rows = cli_rows_new(ncols, names, numeric);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    int digits = o->fmt == CLI_TABLE ? 6 : 17;
    size_t nan_ci[2] = {0, 0}; /* no interval: no design df, other (p of 0 or 1 ...) */
    for (size_t i = 0; i < lcm_est_result_count(r); i++) {
        const lcm_est_row *row = lcm_est_result_row(r, i);
        char num[8][40], run[24], cat[32];
        const double v[] = {row->est.estimate, row->est.se, row->ci_low,
                            row->ci_high,      row->est.df, row->est.deff};
        for (int k = 0; k < 6; k++)
            fmt_num(num[k], sizeof num[k], v[k], k == 4 ? 6 : digits);
        if (!isnan(row->est.estimate) && (isnan(row->ci_low) || isnan(row->ci_high))) {
            /* an interval R gives as NaN: a dash in the table, empty / null in csv / json */
            nan_ci[!(row->est.df > 0) ? 0 : 1]++;
            for (int k = 2; k < 4 && o->fmt == CLI_TABLE; k++)
                if (isnan(v[k]))
                    snprintf(num[k], sizeof num[k], "%s", "\u2014");
        }
        snprintf(num[6], sizeof num[6], "%zu", row->est.nrows);
        snprintf(num[7], sizeof num[7], "%zu", row->est.npsu);
        snprintf(run, sizeof run, "%lld", lcm_est_result_run(r));
        const char *vals[8 + 12];
        for (int j = 0; j < nby; j++)
            vals[j] = row->by[j];
        vals[nby] = row->variable;
        vals[nby + 1] = category_of(row, cat, sizeof cat);
        for (int k = 0; k < 8; k++)
            vals[nby + 2 + k] = num[k];
        vals[nby + 10] = row->small ? "small_n" : "";
        vals[nby + 11] = lcm_est_result_run(r) ? run : "";
        int code = add_or_fail(rows, vals);
        if (code)
            return code;
    }
    int code = finish_print(rows, o);
    if (code == 0 && o->fmt == CLI_TABLE)
        print_nan_note(req, nan_ci);
    return code;
}

/* Column names of the comparison, with the waves in them ("estimate_2024"): per wave the
 * estimate, its SE and the rows and PSUs behind it, then the change. */
enum { CMP_WAVE = 4, CMP_COLS = 2 + 2 * CMP_WAVE + 6 };
static void compare_names(const est_opts *o, const lcm_est_request *req, char names[CMP_COLS][32]) {
    static const char *const wave[CMP_WAVE] = {"estimate", "se", "n", "npsu"};
    static const char *const rest[6] = {"change", "se", "df", "p_value", "flag", "runs"};
    snprintf(names[0], 32, "variable");
    snprintf(names[1], 32, "%s", req->kind == LCM_EST_QUANTILE ? "p" : "category");
    for (int w = 0; w < 2; w++)
        for (int k = 0; k < CMP_WAVE; k++)
            snprintf(names[2 + w * CMP_WAVE + k], 32, "%s_%d", wave[k], o->waves[w]);
    for (int k = 0; k < 6; k++)
        snprintf(names[2 + 2 * CMP_WAVE + k], 32, "%s", rest[k]);
}

static int print_comparison(const est_opts *o, const lcm_est_request *req,
                            const lcm_est_comparison *c) {
    int nby = o->nby > 0 ? o->nby : 0;
    char cn[CMP_COLS][32], runs[48];
    const char *names[8 + CMP_COLS];
    int numeric[8 + CMP_COLS] = {0};
    compare_names(o, req, cn);
    for (int i = 0; i < nby; i++)
        names[i] = o->by[i];
    for (int i = 0; i < CMP_COLS; i++) {
        names[nby + i] = cn[i];
        numeric[nby + i] =
            (i >= 2 && i < CMP_COLS - 2) || (i == 1 && req->kind == LCM_EST_QUANTILE);
    }
    long long ra = lcm_est_result_run(lcm_est_comparison_wave(c, 0));
    long long rb = lcm_est_result_run(lcm_est_comparison_wave(c, 1));
    snprintf(runs, sizeof runs, "%lld,%lld", ra, rb);
    cli_rows *rows = cli_rows_new(nby + CMP_COLS, names, numeric);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    int digits = o->fmt == CLI_TABLE ? 6 : 17;
    for (size_t i = 0; i < lcm_est_comparison_count(c); i++) {
        const lcm_est_change_row *ch = lcm_est_comparison_row(c, i);
        const lcm_est_row *any = ch->a ? ch->a : ch->b, *side[2] = {ch->a, ch->b};
        char num[2 * CMP_WAVE + 4][40], cat[32];
        for (int w = 0; w < 2; w++) {
            const lcm_est_row *e = side[w];
            char(*n)[40] = num + w * CMP_WAVE;
            fmt_num(n[0], 40, e ? e->est.estimate : NAN, digits);
            fmt_num(n[1], 40, e ? e->est.se : NAN, digits);
            fmt_num(n[2], 40, e ? (double)e->est.nrows : NAN, 20);
            fmt_num(n[3], 40, e ? (double)e->est.npsu : NAN, 20);
        }
        char(*chg)[40] = num + 2 * CMP_WAVE;
        fmt_num(chg[0], 40, ch->change.diff, digits);
        fmt_num(chg[1], 40, ch->change.se, digits);
        fmt_num(chg[2], 40, ch->change.df, o->fmt == CLI_TABLE ? 6 : 17);
        fmt_num(chg[3], 40, ch->change.p, digits);
        int small = (ch->a && ch->a->small) || (ch->b && ch->b->small);
        const char *vals[8 + CMP_COLS];
        for (int j = 0; j < nby; j++)
            vals[j] = any->by[j];
        vals[nby] = any->variable;
        vals[nby + 1] = category_of(any, cat, sizeof cat);
        for (int k = 0; k < 2 * CMP_WAVE + 4; k++)
            vals[nby + 2 + k] = num[k];
        vals[nby + CMP_COLS - 2] = !ch->a || !ch->b ? "one_wave" : small ? "small_n" : "";
        vals[nby + CMP_COLS - 1] = ra || rb ? runs : "";
        int code = add_or_fail(rows, vals);
        if (code)
            return code;
    }
    return finish_print(rows, o);
}

/* The source of the waves asked for: one form version's table, or the versions harmonised
 * through their crosswalk (said on stderr, so csv and json stay as they are). */
static lcm_status resolve(lcm_db *db, est_opts *o, lcm_est_request *req, lcm_err *err) {
    lcm_source_kind kind = o->form ? LCM_SOURCE_FORM : LCM_SOURCE_DATASET;
    const char *name = o->form ? o->form : o->dataset;
    lcm_status rc;
    char *note = o->note;
    if (o->waves[0]) { /* two waves: one table when both were answered on it */
        lcm_source b;
        if ((rc = lcm_source_resolve_wave(db, kind, name, o->waves[0], &req->source, note,
                                          sizeof o->note, err)) != LCM_OK ||
            (rc = lcm_source_resolve_wave(db, kind, name, o->waves[1], &b, note, sizeof o->note,
                                          err)) != LCM_OK)
            return rc;
        if (strcmp(req->source.table, b.table) != 0 || lcm_source_harmonised(&b))
            rc =
                lcm_source_resolve_wave(db, kind, name, 0, &req->source, note, sizeof o->note, err);
    } else
        rc = lcm_source_resolve_wave(db, kind, name, req->wave, &req->source, note, sizeof o->note,
                                     err);
    req->source.unreviewed = o->unreviewed;
    return rc;
}

/* Above the table of a form's estimates: which interviews of lcmon serve counted (csv and
 * json stay as they are; the run's params say it too). */
static void print_rule(const est_opts *o) {
    if (!o->form || o->fmt != CLI_TABLE)
        return;
    if (o->unreviewed)
        printf("interviews: imported ones, and of lcmon serve's the approved and the not yet "
               "reviewed (--unreviewed include)\n");
    else
        printf("interviews: imported ones, and of lcmon serve's the approved only "
               "(--unreviewed exclude)\n");
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
    lcm_est_comparison *c = NULL;
    req.vars = (const char *const *)o.vars, req.nvar = (size_t)o.nvar;
    req.by = (const char *const *)o.by, req.nby = (size_t)(o.nby > 0 ? o.nby : 0);
    req.quantiles = o.quantiles, req.nq = (size_t)o.nq;
    if (resolve(db, &o, &req, &err) != LCM_OK)
        code = cli_fail(&err);
    else if (o.waves[0])
        code = lcm_estimate_compare(db, &req, o.waves[0], o.waves[1], &c, &err) != LCM_OK
                   ? cli_fail(&err)
                   : (print_rule(&o), print_comparison(&o, &req, c));
    else
        code = lcm_estimate_run(db, &req, &r, &err) != LCM_OK
                   ? cli_fail(&err)
                   : (print_rule(&o), print_result(&o, &req, r));
    if (code == LCM_EXIT_OK && o.note[0]) /* csv and json on stdout stay as they are */
        fprintf(o.fmt == CLI_TABLE ? stdout : stderr, "%sform '%s': %s (docs/forms.md)\n",
                o.fmt == CLI_TABLE ? "\u2014 " : "lcmon: note: ", o.form, o.note);
    lcm_est_result_free(r);
    lcm_est_comparison_free(c);
    lcm_db_close(db);
    return code;
}
