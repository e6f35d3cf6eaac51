/*
 * cmd_network_report.c - the printing half of `lcmon network`: list, history, the
 * provincial summary (附件3, also as .xlsx) and coverage of the 2025 targets.
 *
 * Tables come from the library in the language asked for; this file only picks the
 * output (aligned table, CSV, JSON, workbook) and, for coverage, says in the output what
 * the denominators are, since "prefecture-level" is a choice the reader must see.
 */
#include "chart.h"
#include "gnuplot.h"
#include "network_cli.h"
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define L(o, en, zh) ((o)->lang == LCM_NET_EN ? en : zh)

static int out_flags(const net_opts *o) {
    return o->force ? LCM_OUT_FORCE : 0;
}

/* Print rows on stdout, or into --output through outfile.h (checked, atomic). */
static int print_rows(cli_rows *rows, cli_format fmt, const net_opts *o, int to_output) {
    if (!to_output || !o->output)
        return cli_rows_print(rows, fmt, stdout) == 0 ? LCM_EXIT_OK
                                                      : cli_error("cannot write output");
    lcm_out out;
    lcm_err err = {0};
    if (lcm_out_open(&out, o->output, out_flags(o), &err) != LCM_OK)
        return cli_fail(&err);
    cli_rows_print(rows, fmt, out.fp); /* a failed write shows at commit */
    return lcm_out_commit(&out, &err) == LCM_OK ? LCM_EXIT_OK : cli_fail(&err);
}

int net_print_table(const lcm_net_table *t, const net_opts *o) {
    cli_format fmt = o->fmt;
    cli_rows *rows = cli_rows_new(t->ncols, fmt == CLI_TABLE ? t->headers : t->keys, t->numeric);
    int code = rows ? LCM_EXIT_OK : LCM_EXIT_INTERNAL;
    const char **v = calloc((size_t)t->ncols, sizeof *v);
    if (!v)
        code = LCM_EXIT_INTERNAL;
    for (size_t r = 0; code == LCM_EXIT_OK && r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++)
            v[c] = lcm_net_table_cell(t, r, c);
        if (cli_rows_add(rows, v) != 0)
            code = LCM_EXIT_INTERNAL;
    }
    if (code == LCM_EXIT_OK)
        code = print_rows(rows, fmt, o, 1);
    else
        cli_error("out of memory");
    free(v);
    cli_rows_free(rows);
    return code;
}

/* Open DB read-only, resolve --province when given; NULL (code set) on failure. */
static lcm_db *open_with_province(const net_opts *o, char province[3], int *code) {
    lcm_err err = {0};
    lcm_db *db = cli_open_db(o->pos[0], LCM_OPEN_READONLY, code);
    province[0] = '\0';
    if (db && o->province && lcm_net_province_code(db, o->province, province, &err) != LCM_OK) {
        *code = cli_fail(&err);
        lcm_db_close(db);
        return NULL;
    }
    return db;
}

/* Print a report the library made (rc says whether it did) and release it. */
static int print_report(lcm_status rc, lcm_net_table *t, const lcm_err *err, const net_opts *o) {
    if (rc != LCM_OK)
        return cli_fail(err);
    int code = net_print_table(t, o);
    lcm_net_table_release(t);
    return code;
}

int net_list(const net_opts *o) {
    char province[3];
    int code;
    lcm_db *db = open_with_province(o, province, &code);
    if (!db)
        return code;
    lcm_net_table t;
    lcm_err err = {0};
    lcm_status rc = lcm_net_list(db, o->status, province[0] ? province : NULL, o->lang, &t, &err);
    code = print_report(rc, &t, &err, o);
    lcm_db_close(db);
    return code;
}

int net_history(const net_opts *o) {
    char city[LCM_NET_CITY_CODE];
    int code;
    lcm_err err = {0};
    lcm_db *db = cli_open_db(o->pos[0], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    lcm_net_table t;
    lcm_status rc = LCM_OK;
    if (o->city)
        rc = lcm_net_city_code(db, o->city, city, &err);
    if (rc == LCM_OK)
        rc = lcm_net_history(db, o->city ? city : NULL, o->lang, &t, &err);
    code = print_report(rc, &t, &err, o);
    lcm_db_close(db);
    return code;
}

/* ---- summary (附件3) ---- */

static int summary_xlsx(lcm_db *db, const char *province, const lcm_net_table *t,
                        const net_opts *o) {
    lcm_err err = {0};
    lcm_out out;
    /* A contact's name or phone is personal data: the file is then the user's alone. */
    int private = (o->contact && *o->contact) || (o->phone && *o->phone);
    if (lcm_out_open(&out, o->output, out_flags(o) | (private ? LCM_OUT_PRIVATE : 0), &err) !=
        LCM_OK)
        return cli_fail(&err);
    fclose(out.fp), out.fp = NULL; /* libxlsxwriter opens the file by name (keeping its mode) */
    lcm_net_summary_opts so = {o->round, o->lang, o->unit, o->contact, o->phone};
    lcm_status rc = lcm_net_summary_xlsx(db, province, t, &so, out.tmp, &err);
    if (rc != LCM_OK) {
        lcm_out_failed(&out, rc, &err);
        lcm_out_abort(&out);
        return cli_fail(&err);
    }
    return lcm_out_commit(&out, &err) == LCM_OK ? LCM_EXIT_OK : cli_fail(&err);
}

int net_summary(const net_opts *o) {
    if (!o->province)
        return cli_usage_error(cmd_network_usage, "summary needs --province");
    char province[3];
    int code;
    lcm_db *db = open_with_province(o, province, &code);
    if (!db)
        return code;
    lcm_net_table t;
    lcm_err err = {0};
    if (lcm_net_summary(db, province, o->round, o->lang, &t, &err) != LCM_OK) {
        lcm_db_close(db);
        return cli_fail(&err);
    }
    code = o->xlsx ? summary_xlsx(db, province, &t, o) : net_print_table(&t, o);
    lcm_net_table_release(&t);
    lcm_db_close(db);
    return code;
}

/* ---- coverage ---- */

static const char *level_name(lcm_cov_level level, const net_opts *o) {
    switch (level) {
    case LCM_COV_PROVINCE:
        return L(o, "province", "省份");
    case LCM_COV_REGION:
        return L(o, "region", "地区");
    case LCM_COV_NATION:
        return L(o, "nation", "全国");
    default:
        return L(o, "tier", "梯队");
    }
}

static int coverage_row(cli_rows *rows, const lcm_cov_row *r, const net_opts *o) {
    char target[16] = "", pct[32] = "", needed[32] = "", cities[32], admitted[32];
    if (r->target)
        snprintf(target, sizeof target, "%d", r->target);
    if (lcm_cov_percent(r) >= 0)
        snprintf(pct, sizeof pct, "%.1f", lcm_cov_percent(r));
    if (r->target)
        snprintf(needed, sizeof needed, "%ld", lcm_cov_needed(r));
    snprintf(cities, sizeof cities, "%ld", r->cities);
    snprintf(admitted, sizeof admitted, "%ld", r->admitted);
    const char *v[] = {o->fmt == CLI_TABLE            ? level_name(r->level, o)
                       : r->level == LCM_COV_PROVINCE ? "province"
                       : r->level == LCM_COV_REGION   ? "region"
                       : r->level == LCM_COV_NATION   ? "nation"
                                                      : "tier",
                       r->key,
                       L(o, r->name_en, r->name_zh),
                       r->region ? lcm_net_label(r->region, o->lang) : NULL,
                       target,
                       cities,
                       admitted,
                       pct,
                       needed};
    return cli_rows_add(rows, v);
}

/* What the denominators are, under the table: the reader must see the choice. */
static void coverage_note(const lcm_coverage *c, const net_opts *o) {
    static const char *const belts[] = {"east", "central", "west"};
    long nation = 0, region[3] = {0};
    for (size_t i = 0; i < c->n; i++) {
        const lcm_cov_row *r = &c->rows[i];
        if (r->level == LCM_COV_NATION)
            nation = r->cities;
        for (int k = 0; k < 3; k++)
            if (r->level == LCM_COV_REGION && strcmp(r->key, belts[k]) == 0)
                region[k] = r->cities;
    }
    printf(L(o,
             "\nDenominators: %ld prefecture-level cities (east %ld, central %ld, west %ld); the "
             "4 municipalities are\nprovincial-level units, not prefecture-level cities, and "
             "count only in the tier rows (2024 roll-out).\nCoverage = sum of admitted / sum "
             "of cities at each level. 2025 targets: about 50%% east and central, 30%% west.\n",
             "\n注：分母为地市级城市%ld个（东部%ld、中部%ld、西部%"
             "ld）；4个直辖市属省级单位，不计入地市级"
             "城市，\n只计入梯队各行（2024年以直辖市、省会城市及计划单列市为引领，即“2024年引领城市"
             "合计”）。\n覆盖率＝各层"
             "级已加入"
             "城市数之和÷城市数之和。2025年目标：东中部50%%左右，西部30%%。\n"),
           nation, region[0], region[1], region[2]);
}

/* gnuplot draws into a directory of its own beside the chart; what it made is moved onto
 * the checked outputs (the .png and its data, NAME.dat) when complete. */
static lcm_status draw_coverage(const lcm_chart_coverage *c, lcm_chart_opts *co, lcm_out *png,
                                lcm_out *dat, lcm_err *err) {
    char tmp[4200], made[4400], msg[512] = "", *script = NULL;
    snprintf(tmp, sizeof tmp, "%s/.lcmon-chart-XXXXXX", co->dir);
    if (!mkdtemp(tmp))
        return lcm_err_set(err, LCM_IO, "cannot write '%s': %s", png->path, strerror(errno));
    co->dir = tmp;
    size_t len = 0;
    FILE *fp = open_memstream(&script, &len);
    lcm_status st = fp ? lcm_chart_coverage_render(c, co, fp, msg, sizeof msg) : LCM_NOMEM;
    if (fp)
        fclose(fp);
    if (st == LCM_OK)
        st = lcm_gnuplot_run(NULL, script, len, msg, sizeof msg);
    free(script);
    if (st != LCM_OK)
        lcm_err_set(err, st, "coverage chart: %s", msg[0] ? msg : lcm_strerror(st));
    snprintf(made, sizeof made, "%s/%s.png", tmp, co->name);
    if (st == LCM_OK)
        st = lcm_out_take(png, made, err);
    unlink(made);
    snprintf(made, sizeof made, "%s/%s.dat", tmp, co->name);
    if (st == LCM_OK)
        st = lcm_out_take(dat, made, err);
    unlink(made);
    rmdir(tmp);
    return st;
}

/* The directory, stem and data file of the --output chart; an exit code when the name or
 * either file is refused (checked before anything is printed). */
static int chart_paths(const net_opts *o, char dir[4096], char stem[256], char datpath[4400]) {
    const char *slash = strrchr(o->output, '/'), *base = slash ? slash + 1 : o->output;
    size_t blen = strlen(base);
    if (blen < 5 || blen > 200 || strcmp(base + blen - 4, ".png") != 0 || base[0] == '.' ||
        strspn(base, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != blen)
        return cli_error("chart file must be NAME.png with letters, digits, '_', '-', '.': '%s'",
                         o->output);
    snprintf(dir, 4096, "%.*s", slash ? (int)(slash - o->output) : 1, slash ? o->output : ".");
    snprintf(stem, 256, "%.*s", (int)(blen - 4), base);
    snprintf(datpath, 4400, "%s/%s.dat", dir, stem);
    lcm_err err = {0};
    if (lcm_out_check(o->output, out_flags(o), &err) != LCM_OK ||
        lcm_out_check(datpath, out_flags(o), &err) != LCM_OK)
        return cli_fail(&err);
    return 0;
}

/* The coverage chart of the three years up to o->year (2023-2025 when not given), drawn
 * to o->output (a .png path) by gnuplot, its data beside it as NAME.dat. */
static int coverage_chart(lcm_db *db, const net_opts *o) {
    char dir[4096], stem[256], datpath[4400];
    int code = chart_paths(o, dir, stem, datpath);
    if (code)
        return code;
    lcm_out png = {0}, dat = {0};
    lcm_err err = {0};
    if (lcm_out_open(&png, o->output, out_flags(o), &err) != LCM_OK ||
        lcm_out_open(&dat, datpath, out_flags(o), &err) != LCM_OK) {
        lcm_out_abort(&png);
        return cli_fail(&err);
    }
    int last = o->year ? o->year : 2025, years[3] = {last - 2, last - 1, last};
    lcm_net_cov_series s = {0};
    lcm_status got = lcm_net_coverage_series(db, years, 3, &s, &err), st = got;
    char names[3][16];
    const char *series[3];
    for (int i = 0; i < 3; i++)
        snprintf(names[i], sizeof names[i], L(o, "%d", "%d年"), years[i]), series[i] = names[i];
    int en = o->lang == LCM_NET_EN;
    lcm_chart_coverage c = {
        L(o, "Network coverage against the 2025 targets", "网络覆盖率与2025年目标"),
        L(o, "coverage (%)", "覆盖率（%）"),
        s.nregion,
        s.nyear,
        en ? s.region_en : s.region_zh,
        series,
        s.value,
        s.target,
        L(o, "2025 target", "2025年目标")};
    lcm_chart_opts co = {dir, stem, en ? LCM_LANG_EN : LCM_LANG_ZH, LCM_CHART_PNG, 0, 0, NULL};
    if (st == LCM_OK)
        st = draw_coverage(&c, &co, &png, &dat, &err);
    lcm_out_abort(&png), lcm_out_abort(&dat); /* what was not committed */
    if (got == LCM_OK)
        lcm_net_cov_series_release(&s);
    if (st != LCM_OK)
        return cli_fail(&err);
    fprintf(stderr, "%s\n", o->output);
    return LCM_EXIT_OK;
}

int net_coverage(const net_opts *o) {
    static const char *const keys[] = {"level",  "code",     "name",         "region", "target_pct",
                                       "cities", "admitted", "coverage_pct", "needed"};
    static const char *const zh[] = {"层级",   "代码",   "名称",    "地区",      "2025年目标%",
                                     "城市数", "已加入", "覆盖率%", "距目标尚差"};
    static const int numeric[] = {0, 0, 0, 0, 1, 1, 1, 1, 1};
    char dir[4096], stem[256], datpath[4400];
    int code = o->output ? chart_paths(o, dir, stem, datpath) : 0;
    if (code)
        return code;
    lcm_db *db = cli_open_db(o->pos[0], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    lcm_coverage c;
    lcm_err err = {0};
    if (lcm_net_coverage(db, o->year, &c, &err) != LCM_OK) {
        lcm_db_close(db);
        return cli_fail(&err);
    }
    int table = o->fmt == CLI_TABLE;
    cli_rows *rows = cli_rows_new(9, table && o->lang == LCM_NET_ZH ? zh : keys, numeric);
    code = rows ? LCM_EXIT_OK : cli_error("out of memory");
    for (size_t i = 0; code == LCM_EXIT_OK && i < c.n; i++)
        if (coverage_row(rows, &c.rows[i], o) != 0)
            code = cli_error("out of memory");
    if (code == LCM_EXIT_OK && table && o->year)
        printf(L(o, "Cities admitted up to %d\n\n", "截至%d年已确定加入的城市\n\n"), o->year);
    if (code == LCM_EXIT_OK)
        code = print_rows(rows, o->fmt, o, 0); /* --output is the chart */
    if (code == LCM_EXIT_OK && table)
        coverage_note(&c, o);
    if (code == LCM_EXIT_OK && o->output)
        code = coverage_chart(db, o);
    cli_rows_free(rows);
    lcm_net_coverage_release(&c);
    lcm_db_close(db);
    return code;
}
