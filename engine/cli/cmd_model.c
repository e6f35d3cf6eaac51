/*
 * cmd_model.c - `lcmon model`: design-based linear and logistic regression (R's svyglm) of a
 * survey variable on covariates, with a Wald test of every term (R's regTermTest).
 */
#include "cli.h"
#include "model.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_model_usage[] = {
    "lcmon model DB (--form F | --dataset NAME) --y V --x \"A + B + ...\" [--wave Y]",
    "            [--family gaussian|logit] [--ref VAR=LEVEL]... [--city C] [--lang zh|en]",
    "            [--csv]",
    "   or: lcmon model DB --form F --wave Y --city C --y V --drivers \"I1 + I2 + ...\"",
    "            [--min-n 30] [--lang zh|en] [--csv]",
    "",
    "Regress V on the covariates with the sampling design declared by 'lcmon design set',",
    "as R's svyglm(): the coefficients by weighted (iteratively reweighted) least squares,",
    "their standard errors by linearisation with the design's strata, PSUs, fpc and",
    "lonely-PSU rule, or from the design's replicate weights when it has them, t tests on",
    "the design's residual degrees of freedom (PSUs - strata + 1 - coefficients), and a",
    "Wald test of every covariate as R's regTermTest() (F on those df, and chi-square).",
    "Respondents missing V or a covariate are left out. The method and each rule are in",
    "docs/model.md. Small-area estimates for districts are a separate command: 'lcmon",
    "smallarea'.",
    "",
    "    --y V            the outcome column; V=LEVEL is 1 for that answer, 0 for others",
    "    --x TERMS        covariate columns joined by '+'; a select_one question or a",
    "                     column holding text is a factor (one coefficient per level but",
    "                     the reference), any other column a number",
    "    --family F       gaussian: linear regression (default); logit: logistic",
    "                     regression of a 0/1 outcome (R's quasibinomial family)",
    "    --ref VAR=LEVEL  the reference level of factor VAR (code or label); default its",
    "                     first level with respondents",
    "    --city C         fit on city C's respondents only (its code), as R's svyglm on",
    "                     subset(design, city == C): the variance still sees every PSU",
    "    --lang L         labels of questions and levels in zh (default) or en",
    "    --csv            machine-readable: one row per coefficient (kind coef), Wald",
    "                     test (wald_F, wald_chisq) and model count (model), full precision",
    "    --drivers ITEMS  key drivers of V (overall satisfaction) among the items (the",
    "                     services' satisfaction ratings) in city C: the items rated by at",
    "                     least --min-n respondents enter V ~ rated_i + rating_i, and each",
    "                     item's importance is its standardised coefficient (coefficient x",
    "                     SD of its rating among its raters / SD of V). The model is used",
    "                     when at least two items enter, there are 10 respondents per",
    "                     coefficient and design df >= coefficients; otherwise the output",
    "                     says which rule failed. The city report's importance-performance",
    "                     chart draws these importances, or correlations when the rule fails",
    NULL,
};

#define MAX_X 32
#define MAX_REF 32

typedef struct model_opts {
    const char *db, *form, *dataset;
    char *x[MAX_X];
    int nx;
    const char *ref[MAX_REF];
    int nref;
    int csv;
    char *drivers[LCM_DRIVERS_MAX];
    int ndrivers;
    long min_n;
} model_opts;

/* "age_band + edu + urban" (or commas) into names, in place. */
static int split_terms(char *s, char **items, int max) {
    int n = 0;
    for (char *p = s; *p;) {
        while (*p == ' ' || *p == '+' || *p == ',' || *p == '\t')
            *p++ = '\0';
        if (!*p)
            break;
        if (n == max)
            return -1;
        items[n++] = p;
        while (*p && *p != ' ' && *p != '+' && *p != ',' && *p != '\t')
            p++;
    }
    return n > 0 ? n : -1;
}

static int parse(int argc, char **argv, model_opts *o, lcm_model_request *req) {
    static const struct option opts[] = {{"form", required_argument, NULL, 'F'},
                                         {"dataset", required_argument, NULL, 'D'},
                                         {"y", required_argument, NULL, 'y'},
                                         {"x", required_argument, NULL, 'x'},
                                         {"wave", required_argument, NULL, 'w'},
                                         {"family", required_argument, NULL, 'f'},
                                         {"ref", required_argument, NULL, 'r'},
                                         {"city", required_argument, NULL, 'c'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {"csv", no_argument, NULL, 'C'},
                                         {"drivers", required_argument, NULL, 'K'},
                                         {"min-n", required_argument, NULL, 'm'},
                                         {0, 0, 0, 0}};
    int c;
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
        case 'y':
            req->y = optarg;
            bad = !*optarg;
            break;
        case 'x':
            bad = (o->nx = split_terms(optarg, o->x, MAX_X)) < 0;
            break;
        case 'w':
            bad = cli_parse_year(optarg, &req->wave);
            break;
        case 'f':
            if (!strcmp(optarg, "gaussian"))
                req->family = LCM_GLM_GAUSSIAN;
            else if (!strcmp(optarg, "logit"))
                req->family = LCM_GLM_LOGIT;
            else
                bad = 1;
            break;
        case 'r':
            bad = o->nref == MAX_REF || !strchr(optarg, '=');
            if (!bad)
                o->ref[o->nref++] = optarg;
            break;
        case 'c':
            req->city = optarg;
            bad = !*optarg;
            break;
        case 'l':
            bad = strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0;
            req->lang_en = !strcmp(optarg, "en");
            break;
        case 'C':
            o->csv = 1;
            break;
        case 'K':
            bad = (o->ndrivers = split_terms(optarg, o->drivers, LCM_DRIVERS_MAX)) < 0;
            break;
        case 'm': {
            char *end;
            o->min_n = strtol(optarg, &end, 10);
            bad = *end || o->min_n < 1;
            break;
        }
        default:
            return cli_usage_error(cmd_model_usage, "bad option");
        }
        if (bad)
            return cli_usage_error(cmd_model_usage, "bad value for --%s: '%s'",
                                   cli_option_name(opts, c), given);
    }
    if (argc - optind != 1)
        return cli_usage_error(cmd_model_usage, "expected one database path");
    if (!o->form == !o->dataset)
        return cli_usage_error(cmd_model_usage, "give exactly one of --form and --dataset");
    if (!req->y)
        return cli_usage_error(cmd_model_usage, "--y is required");
    if (o->ndrivers > 0 && (o->nx > 0 || !req->city || !req->wave || !o->form))
        return cli_usage_error(cmd_model_usage,
                               "--drivers goes with --form, --wave and --city, without --x");
    if (o->nx <= 0 && o->ndrivers <= 0)
        return cli_usage_error(cmd_model_usage, "--x is required");
    o->db = argv[optind];
    return 0;
}

static void num(char *buf, size_t n, double v, int digits) {
    if (isnan(v))
        snprintf(buf, n, "%s", "");
    else
        snprintf(buf, n, "%.*g", digits, v);
}

static int emit(cli_rows *rows, const char *const *vals) {
    return cli_rows_add(rows, vals) ? (cli_error("out of memory"), LCM_EXIT_INTERNAL) : 0;
}

/* --csv: kind,term,level,estimate,se,statistic,df1,df2,p_value. */
static int print_csv(const lcm_model_result *r) {
    static const char *const names[] = {"kind",      "term", "level", "estimate", "se",
                                        "statistic", "df1",  "df2",   "p_value"};
    static const int numeric[] = {0, 0, 0, 1, 1, 1, 1, 1, 1};
    cli_rows *rows = cli_rows_new(9, names, numeric);
    int code = rows ? 0 : (cli_error("out of memory"), LCM_EXIT_INTERNAL);
    char v[6][40];
    const lcm_glm_fit *f = &r->fit;
    for (size_t i = 0; !code && i < f->p; i++) {
        const lcm_model_coef *c = &r->coef[i];
        num(v[0], 40, c->beta, 17), num(v[1], 40, c->se, 17), num(v[2], 40, c->t, 17);
        num(v[3], 40, f->df_resid, 17), num(v[4], 40, c->p, 17);
        code = emit(rows,
                    (const char *[]){"coef", c->term, c->level, v[0], v[1], v[2], v[3], "", v[4]});
    }
    for (size_t i = 0; !code && i < r->ntest; i++) {
        const lcm_model_test *t = &r->test[i];
        num(v[0], 40, t->wald.F, 17), num(v[1], 40, t->wald.df_num, 17);
        num(v[2], 40, t->wald.df_den, 17), num(v[3], 40, t->wald.p_F, 17);
        num(v[4], 40, t->wald.chisq, 17), num(v[5], 40, t->wald.p_chisq, 17);
        code = emit(rows, (const char *[]){"wald_F", t->term, t->ref_level, "", "", v[0], v[1],
                                           v[2], v[3]});
        if (!code)
            code = emit(rows, (const char *[]){"wald_chisq", t->term, t->ref_level, "", "", v[4],
                                               v[1], "", v[5]});
    }
    const struct {
        const char *name;
        double v;
    } m[] = {{"nrows", (double)f->nrows}, {"npsu", (double)f->npsu},
             {"df_design", f->df_design}, {"df_resid", f->df_resid},
             {"nrep", (double)f->nrep},   {"iterations", (double)f->iterations}};
    for (size_t i = 0; !code && i < sizeof m / sizeof m[0]; i++) {
        num(v[0], 40, m[i].v, 17);
        code = emit(rows, (const char *[]){"model", m[i].name, "", v[0], "", "", "", "", ""});
    }
    if (!code && cli_rows_print(rows, CLI_CSV, stdout))
        code = cli_error("cannot write output");
    cli_rows_free(rows);
    return code;
}

/* p below 0.001 as "<0.001", as tables for readers print it. */
static void pfmt(char *buf, size_t n, double p) {
    if (isnan(p))
        snprintf(buf, n, "\u2014");
    else if (p < 0.001)
        snprintf(buf, n, "<0.001");
    else
        snprintf(buf, n, "%.3f", p);
}

static int print_table(const lcm_model_request *req, const lcm_model_result *r) {
    int en = req->lang_en;
    const char *cn_zh[] = {"变量", "水平", "系数", "标准误", "t值", "p值"};
    const char *cn_en[] = {"covariate", "level", "estimate", "se", "t", "p"};
    const int numeric[] = {0, 0, 1, 1, 1, 1};
    cli_rows *rows = cli_rows_new(6, en ? cn_en : cn_zh, numeric);
    int code = rows ? 0 : (cli_error("out of memory"), LCM_EXIT_INTERNAL);
    const lcm_glm_fit *f = &r->fit;
    char v[4][40];
    for (size_t i = 0; !code && i < f->p; i++) {
        const lcm_model_coef *c = &r->coef[i];
        num(v[0], 40, c->beta, 6), num(v[1], 40, c->se, 6), num(v[2], 40, c->t, 4);
        pfmt(v[3], 40, c->p);
        code = emit(rows, (const char *[]){c->term_label, c->level_label ? c->level_label : "",
                                           v[0], v[1], v[2], v[3]});
    }
    if (!code && cli_rows_print(rows, CLI_TABLE, stdout))
        code = cli_error("cannot write output");
    cli_rows_free(rows);
    if (code)
        return code;
    const char *tn_zh[] = {"变量", "参照水平", "F", "自由度", "p值", "卡方", "p值（卡方）"};
    const char *tn_en[] = {"covariate", "reference", "F", "df", "p", "chisq", "p (chisq)"};
    const int tnum[] = {0, 0, 1, 0, 1, 1, 1};
    rows = cli_rows_new(7, en ? tn_en : tn_zh, tnum);
    code = rows ? 0 : (cli_error("out of memory"), LCM_EXIT_INTERNAL);
    printf("\n%s\n", en ? "Wald test of each covariate (R's regTermTest):"
                        : "各变量的整体检验（Wald检验，同R的regTermTest）：");
    for (size_t i = 0; !code && i < r->ntest; i++) {
        const lcm_model_test *t = &r->test[i];
        char df[48], p1[40], p2[40];
        num(v[0], 40, t->wald.F, 5), num(v[1], 40, t->wald.chisq, 5);
        snprintf(df, sizeof df, "%g, %g", t->wald.df_num, t->wald.df_den);
        pfmt(p1, sizeof p1, t->wald.p_F), pfmt(p2, sizeof p2, t->wald.p_chisq);
        code = emit(rows, (const char *[]){t->term_label, t->ref_label ? t->ref_label : "", v[0],
                                           df, p1, v[1], p2});
    }
    if (!code && cli_rows_print(rows, CLI_TABLE, stdout))
        code = cli_error("cannot write output");
    cli_rows_free(rows);
    if (code)
        return code;
    const char *fam = req->family == LCM_GLM_LOGIT ? (en ? "logistic" : "逻辑回归")
                                                   : (en ? "linear" : "线性回归");
    char var[96];
    if (f->nrep)
        snprintf(var, sizeof var, en ? "%zu replicate fits (%s)" : "%zu组重复权数重估（%s）",
                 f->nrep - f->nrep_dropped, r->variance);
    else
        snprintf(var, sizeof var, "%s", en ? "linearisation" : "泰勒线性化");
    if (en)
        printf("\n%s model of %s: %zu respondents in %zu PSUs%s; design df %g, residual df %g; "
               "SEs by %s%s.\n",
               fam, req->y, f->nrows, f->npsu, req->city ? " of the city" : "", f->df_design,
               f->df_resid, var, r->calibrated ? " with calibrated weights" : "");
    else
        printf("\n%s模型，因变量 %s：%zu名受访者，%zu个初级抽样单元%s；设计自由度 %g，残差自由度 "
               "%g；标准误：%s%s。\n",
               fam, req->y, f->nrows, f->npsu, req->city ? "（本市）" : "", f->df_design,
               f->df_resid, var, r->calibrated ? "，使用校准权数" : "");
    if (f->df_resid <= 0)
        printf(en ? "No t or F p-values: the design has no residual df (too few PSUs for %zu "
                    "coefficients).\n"
                  : "设计的残差自由度不足（系数%zu个），不给出t检验与F检验的p值。\n",
               f->p);
    return 0;
}

/* --drivers: one row per item, then the model's counts and the rule's outcome. */
static int print_drivers(const model_opts *o, const lcm_model_request *req, const lcm_drivers *dr) {
    int en = req->lang_en;
    static const char *const cn_csv[] = {"kind", "item",    "raters", "in_model",  "estimate",
                                         "se",   "p_value", "sd",     "importance"};
    static const char *const cn_zh[] = {"项目",   "评价人数", "纳入模型", "系数",
                                        "标准误", "p值",      "标准差",   "重要性"};
    static const char *const cn_en[] = {"item", "raters", "in model", "estimate",
                                        "se",   "p",      "sd",       "importance"};
    static const int numeric[] = {0, 0, 1, 1, 1, 1, 1, 1, 1};
    int csv = o->csv, off = csv ? 0 : 1; /* the table has no kind column */
    cli_rows *rows = cli_rows_new(9 - off, csv ? cn_csv : en ? cn_en : cn_zh, numeric + off);
    int code = rows ? 0 : (cli_error("out of memory"), LCM_EXIT_INTERNAL);
    int digits = csv ? 17 : 5;
    char v[7][40];
    for (size_t i = 0; !code && i < dr->nitem; i++) {
        const lcm_driver *it = &dr->item[i];
        snprintf(v[0], 40, "%zu", it->raters);
        snprintf(v[1], 40, "%s",
                 csv            ? (it->in_model ? "1" : "0")
                 : it->in_model ? (en ? "yes" : "是")
                                : (en ? "no" : "否"));
        num(v[2], 40, it->beta, digits), num(v[3], 40, it->se, digits);
        if (csv)
            num(v[4], 40, it->p, digits);
        else
            pfmt(v[4], 40, it->p);
        num(v[5], 40, it->sd, digits), num(v[6], 40, it->importance, digits);
        if (!csv && !it->in_model)
            v[4][0] = 0;
        const char *vals[] = {"driver", it->var, v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
        code = emit(rows, vals + off);
    }
    if (csv) {
        const struct {
            const char *name;
            double v;
        } m[] = {{"fitted", dr->fitted},
                 {"nrows", (double)dr->nrows},
                 {"coefficients", (double)dr->p},
                 {"df_design", dr->df_design},
                 {"sd_y", dr->sd_y}};
        for (size_t i = 0; !code && i < sizeof m / sizeof m[0]; i++) {
            num(v[0], 40, m[i].v, 17);
            code = emit(rows, (const char *[]){"model", m[i].name, "", "", v[0], "", "", "", ""});
        }
        char why[320];
        if (!code && !dr->fitted)
            code = emit(rows, (const char *[]){"why", lcm_drivers_why(dr, 1, why, sizeof why), "",
                                               "", "", "", "", "", ""});
    }
    if (!code && cli_rows_print(rows, csv ? CLI_CSV : CLI_TABLE, stdout))
        code = cli_error("cannot write output");
    cli_rows_free(rows);
    if (code || csv)
        return code;
    char why[320];
    if (dr->fitted)
        printf(
            en ? "\nImportance = standardised coefficient of %s on the items rated by at "
                 "least %ld respondents:\n%zu respondents, %zu coefficients, design df %g. "
                 "The report's importance-performance chart draws these.\n"
               : "\n重要性 = %s 对各项目（评价人数不少于%ld人）的设计加权回归的标准化系数："
                 "\n%zu名受访者，%zu个系数，设计自由度 %g。城市报告的重要性—表现图使用这些值。\n",
            req->y, o->min_n, dr->nrows, dr->p, dr->df_design);
    else
        printf(en ? "\nThe model's rule is not met (%s): the report's chart uses correlations "
                    "with %s instead.\n"
                  : "\n不满足模型条件（%s）：城市报告的重要性—表现图改用与%s的相关系数。\n",
               lcm_drivers_why(dr, en, why, sizeof why), req->y);
    return 0;
}

int cmd_model(int argc, char **argv) {
    model_opts o = {0};
    o.min_n = 30;
    lcm_model_request req = {0};
    int code = parse(argc, argv, &o, &req);
    if (code)
        return code;
    lcm_db *db = cli_open_db(o.db, 0, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    lcm_model_result *r = NULL;
    req.x = (const char *const *)o.x, req.nx = (size_t)o.nx;
    req.ref = o.ref, req.nref = (size_t)o.nref;
    if (o.ndrivers > 0) {
        lcm_drivers dr;
        if (lcm_source_resolve_wave(db, LCM_SOURCE_FORM, o.form, req.wave, &req.source, NULL, 0,
                                    &err) != LCM_OK ||
            lcm_model_drivers(db, &req.source, req.wave, req.city, req.y,
                              (const char *const *)o.drivers, (size_t)o.ndrivers, o.min_n, &dr,
                              &err) != LCM_OK)
            code = cli_fail(&err);
        else
            code = print_drivers(&o, &req, &dr);
    } else if (lcm_source_resolve_wave(db, o.form ? LCM_SOURCE_FORM : LCM_SOURCE_DATASET,
                                       o.form ? o.form : o.dataset, req.wave, &req.source, NULL, 0,
                                       &err) != LCM_OK ||
               lcm_model_run(db, &req, &r, &err) != LCM_OK)
        code = cli_fail(&err);
    else
        code = o.csv ? print_csv(r) : print_table(&req, r);
    lcm_model_result_free(r);
    lcm_db_close(db);
    return code;
}
