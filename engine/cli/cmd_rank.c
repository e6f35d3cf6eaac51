/*
 * cmd_rank.c - `lcmon rank`: the ranks of the newest stored score run of a year, overall or
 * within region (east/central/west) or tier, with their Monte Carlo 5th-95th percentile
 * intervals. It reads what `lcmon score` stored, so the ranks printed are the ranks reported.
 */
#include "score.h"
#include "score_cli.h"

#include <getopt.h>
#include <string.h>

const char *const cmd_rank_usage[] = {
    "lcmon rank DB --year Y [--by region|tier] [--format table|csv|json] [--lang zh|en]",
    "",
    "Ranks of the newest score run of year Y (run 'lcmon score' first), best first.",
    "",
    "    --year Y      monitoring year (required)",
    "    --by G        ranks within region (east/central/west) or tier instead of overall",
    "    --format F    table (default), csv or json",
    "    --lang L      zh (default) or en headers in tables",
    NULL,
};

static int print_ranks(lcm_db *db, long long run, const char *scope, cli_format fmt, int en) {
    static const char sql[] =
        "SELECT k.rank, c.code, c.name, p.region3, c.tier, s.score, k.median, k.p05, k.p95"
        " FROM score_ranks k JOIN cities c ON c.code = k.city_code"
        " JOIN provinces p ON p.code = c.province_code"
        " LEFT JOIN score_results s ON s.run_id = k.run_id AND s.city_code = k.city_code"
        "  AND s.indicator_code = 'overall'"
        " WHERE k.run_id = ?1 AND k.scope = ?2"
        " ORDER BY CASE ?2 WHEN 'region' THEN p.region3 WHEN 'tier' THEN c.tier ELSE '' END,"
        "  k.rank, c.code";
    static const score_col cols[] = {{"rank", "排名", "rank", 1},
                                     {"code", "代码", "code", 0},
                                     {"city", "城市", "city", 0},
                                     {"region", "区域", "region", 0},
                                     {"tier", "层级", "tier", 0},
                                     {"score", "总分", "score", 1},
                                     {"median_rank", "中位排名", "median rank", 1},
                                     {"p05", "5%排名", "p05", 1},
                                     {"p95", "95%排名", "p95", 1}};
    sqlite3_stmt *st = NULL;
    lcm_err err = {0};
    if (lcm_db_prepare(db, sql, &st, &err) != LCM_OK)
        return cli_fail(&err);
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC);
    cli_rows *rows = score_rows_new(cols, 9, fmt, en);
    int code = rows ? LCM_EXIT_OK : LCM_EXIT_INTERNAL;
    while (rows && sqlite3_step(st) == SQLITE_ROW) {
        const char *v[9];
        char b[32];
        for (int i = 0; i < 9; i++)
            v[i] = (const char *)sqlite3_column_text(st, i);
        if (v[5])
            v[5] = score_num(b, sizeof b, sqlite3_column_double(st, 5), 2);
        cli_rows_add(rows, v);
    }
    if (rows && cli_rows_print(rows, fmt, stdout) != 0)
        code = cli_error("cannot write output");
    if (!rows)
        cli_error("out of memory");
    cli_rows_free(rows);
    sqlite3_finalize(st);
    return code;
}

int cmd_rank(int argc, char **argv) {
    static const struct option opts[] = {{"year", required_argument, NULL, 'y'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {0, 0, 0, 0}};
    int year = 0, en = 0, c, code;
    const char *scope = "overall";
    cli_format fmt = CLI_TABLE;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'y' && cli_parse_year(optarg, &year) != 0)
            return cli_usage_error(cmd_rank_usage, "bad year: '%s'", optarg);
        else if (c == 'b' && strcmp(optarg, "region") && strcmp(optarg, "tier"))
            return cli_usage_error(cmd_rank_usage, "unknown grouping: '%s'", optarg);
        else if (c == 'b')
            scope = optarg;
        else if (c == 'f' && cli_parse_format(optarg, &fmt) != 0)
            return cli_usage_error(cmd_rank_usage, "unknown format: '%s'", optarg);
        else if (c == 'l' && score_parse_lang(optarg, &en) != 0)
            return cli_usage_error(cmd_rank_usage, "unknown language: '%s'", optarg);
        else if (c != 'y' && c != 'f' && c != 'l')
            return cli_usage_error(cmd_rank_usage, "bad option");
    }
    if (optind != argc - 1 || !year)
        return cli_usage_error(cmd_rank_usage, "need DB and --year");
    lcm_db *db = cli_open_db(argv[optind], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    long long run = 0;
    lcm_err err = {0};
    if (lcm_score_latest_run(db, year, &run, &err) != LCM_OK)
        code = cli_fail(&err);
    else
        code = print_ranks(db, run, scope, fmt, en);
    lcm_db_close(db);
    return code;
}
