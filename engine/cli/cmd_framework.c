/*
 * cmd_framework.c - `lcmon framework show`: the monitoring indicator framework of the
 * seed (附件1: 4 groups, 4 first-level and 17 second-level indicators, 43 monitoring
 * points) as a tree, or as rows for scripts.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_framework_usage[] = {
    "lcmon framework show [--db DB] [--level N] [--all] [--lang zh|en] "
    "[--format table|csv|json]",
    "",
    "Show the indicator framework: the shipped one, or the one loaded in DB.",
    "The table is a tree down to level N (1 first-level, 2 second-level, 3 monitoring",
    "points; default 3). CSV and JSON give one row per indicator of level N, each with",
    "its parents, or every level with --all.",
    "",
    "    --db DB        read the framework stored in DB",
    "    --level N      1, 2 or 3 (default 3)",
    "    --all          csv/json: rows of every level, parents first",
    "    --lang L       names in table output: zh (default) or en",
    "    --format F     table (default), csv or json",
    "",
    "per_10k marks the counts compared per 10,000 residents (常住人口), plausible_low and",
    "plausible_high the range 'lcmon import stats' accepts, in the point's unit.",
    "weight is the framework's; weight_used the weight a default score run gives (equal",
    "among the scored siblings: 背景 is context, left out, so the other three first-level",
    "groups weigh 1/3 each), share_used its share of the overall index.",
    NULL,
};

static const char *const columns[] = {
    "code",      "level",         "parent",         "first_level", "group_zh",
    "group_en",  "name_zh",       "name_en",        "kind",        "unit",
    "direction", "target_low",    "target_high",    "weight",      "survey_field",
    "per_10k",   "plausible_low", "plausible_high", "weight_used", "share_used"};
static const int numeric[] = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1};
#define NCOLS ((int)(sizeof columns / sizeof columns[0]))

static int show(lcm_db *db, int level, int all, int en, cli_format fmt) {
    /* The weights a default score run uses (engine/score.c, choose_weights): a point takes
     * part unless it is context (背景), a group when one of its points does; weights are
     * equal among the siblings that take part; the share is the product up to the root. */
    static const char sql[] =
        "WITH u AS (SELECT i.*, CASE WHEN i.kind IS NOT NULL THEN coalesce(i.direction, '')"
        "  <> 'context' ELSE EXISTS (SELECT 1 FROM indicators l WHERE l.kind IS NOT NULL"
        "  AND coalesce(l.direction, '') <> 'context' AND (l.parent = i.code OR l.parent IN"
        "  (SELECT code FROM indicators WHERE parent = i.code))) END AS used FROM indicators i),"
        " w AS (SELECT a.*, CASE WHEN a.used THEN 1.0 / (SELECT count(*) FROM u b WHERE b.used"
        "  AND b.parent IS a.parent) ELSE 0 END AS wu FROM u a)"
        " SELECT w.code, w.level, w.parent, w.first_level, w.group_zh, w.group_en, w.name_zh,"
        " w.name_en, w.kind, w.unit, w.direction, w.target_low, w.target_high, w.weight,"
        " w.survey_field, w.per_10k, w.plausible_low, w.plausible_high, w.wu, "
        "w.wu * coalesce(p.wu, 1) * coalesce(pp.wu, 1) FROM w LEFT JOIN w p ON p.code = w.parent"
        " LEFT JOIN w pp ON pp.code = p.parent"
        " WHERE (?1 AND w.level <= ?2) OR w.level = ?2 ORDER BY w.ord";
    sqlite3_stmt *st = NULL;
    lcm_err err = {0};
    int code = LCM_EXIT_OK, nrows = 0;
    cli_rows *rows = NULL;
    if (lcm_db_prepare(db, sql, &st, &err) != LCM_OK)
        return cli_fail(&err);
    sqlite3_bind_int(st, 1, all || fmt == CLI_TABLE);
    sqlite3_bind_int(st, 2, level);
    if (fmt == CLI_TABLE) {
        /* The name goes last: the longest seed names would pad every row otherwise. */
        const char *const tcols[] = {"code",
                                     en ? "kind" : "类型",
                                     en ? "unit" : "单位",
                                     en ? "direction" : "方向",
                                     en ? "weight" : "权重",
                                     en ? "weight used" : "实际权重",
                                     en ? "share of index" : "占总指数",
                                     en ? "indicator" : "指标"};
        const int tnum[] = {0, 0, 0, 0, 1, 1, 1, 0};
        rows = cli_rows_new(8, tcols, tnum);
    } else {
        rows = cli_rows_new(NCOLS, columns, numeric);
    }
    if (!rows)
        goto oom;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v[NCOLS];
        char exact[2][32]; /* the weights used, %.17g: they read back as the same double */
        for (int i = 0; i < NCOLS; i++)
            v[i] = (const char *)sqlite3_column_text(st, i);
        for (int k = 0; k < 2; k++) {
            snprintf(exact[k], sizeof exact[k], "%.17g", sqlite3_column_double(st, NCOLS - 2 + k));
            v[NCOLS - 2 + k] = exact[k];
        }
        if (fmt == CLI_TABLE) {
            int lv = sqlite3_column_int(st, 1);
            char name[1024], weight[3][32];
            snprintf(name, sizeof name, "%*s%s", (lv - 1) * 2, "", en ? v[7] : v[6]);
            for (int k = 0; k < 3; k++)
                snprintf(weight[k], sizeof weight[k], "%.4f",
                         sqlite3_column_double(st, k ? 17 + k : 13));
            const char *t[] = {v[0], v[8], v[9], v[10], weight[0], weight[1], weight[2], name};
            if (cli_rows_add(rows, t) != 0)
                goto oom;
        } else if (cli_rows_add(rows, v) != 0) {
            goto oom;
        }
        nrows++;
    }
    if (step != SQLITE_DONE) {
        code = cli_fail(&(lcm_err){LCM_DB, "cannot read the framework"});
        goto cleanup;
    }
    if (nrows == 0) {
        code = cli_error("no indicators in the database (run 'lcmon init')");
        goto cleanup;
    }
    if (cli_rows_print(rows, fmt, stdout) != 0)
        code = cli_error("cannot write output");
    goto cleanup;
oom:
    cli_error("out of memory");
    code = LCM_EXIT_INTERNAL;
cleanup:
    cli_rows_free(rows);
    sqlite3_finalize(st);
    return code;
}

int cmd_framework(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},     {"level", required_argument, NULL, 'l'},
        {"all", no_argument, NULL, 'a'},          {"lang", required_argument, NULL, 'L'},
        {"format", required_argument, NULL, 'f'}, {0, 0, 0, 0}};
    const char *dbpath = NULL;
    int level = 3, all = 0, en = 0, c;
    cli_format fmt = CLI_TABLE;
    if (argc < 2 || strcmp(argv[1], "show") != 0)
        return cli_usage_error(cmd_framework_usage, "expected 'framework show'");
    argc--, argv++;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dbpath = optarg;
            break;
        case 'l':
            if (strlen(optarg) != 1 || optarg[0] < '1' || optarg[0] > '3')
                return cli_usage_error(cmd_framework_usage, "--level must be 1, 2 or 3: '%s'",
                                       optarg);
            level = optarg[0] - '0';
            break;
        case 'a':
            all = 1;
            break;
        case 'L':
            if (strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0)
                return cli_usage_error(cmd_framework_usage, "--lang must be zh or en: '%s'",
                                       optarg);
            en = strcmp(optarg, "en") == 0;
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt) != 0)
                return cli_usage_error(cmd_framework_usage, "unknown format: '%s'", optarg);
            break;
        default:
            return cli_usage_error(cmd_framework_usage, "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error(cmd_framework_usage, "unexpected argument: '%s'", argv[optind]);
    int code;
    lcm_db *db = cli_open_reference(dbpath, 1, &code);
    if (!db)
        return code;
    code = show(db, level, all, en, fmt);
    lcm_db_close(db);
    return code;
}
