/*
 * cmd_cities.c - `lcmon cities`: the cities of the reference data with province, region,
 * tier and the unit counts that are the denominators of coverage point 2.2.
 */
#include "cli.h"

#include <getopt.h>
#include <string.h>

const char *const cmd_cities_usage[] = {
    "lcmon cities [--db DB] [--region R] [--region4 R] [--tier T] [--province P] "
    "[--format lines|table|csv|json]",
    "",
    "List the cities: 333 prefecture-level units and the 4 municipalities, which count as",
    "cities (code = province code + 00). Default output is one line per city",
    "(code, name, province, region, tier), for counting and grep.",
    "",
    "    --db DB          read the cities stored in DB instead of a fresh copy",
    "    --region R       east, central or west (the three belts of the 2025 target)",
    "    --region4 R      east, central, west or northeast",
    "    --tier T         municipality, provincial_capital, separately_planned, prefecture,",
    "                     or prefecture_level (every tier but municipality)",
    "    --province P     two-digit province code (e.g. 44) or name (广东省)",
    "    --format F       lines (default), table, csv or json",
    NULL,
};

static int valid(const char *v, const char *const *allowed) {
    for (; *allowed; allowed++)
        if (strcmp(v, *allowed) == 0)
            return 1;
    return 0;
}

static int list(lcm_db *db, const char *region, const char *region4, const char *tier,
                const char *province, int lines, cli_format fmt) {
    static const char sql[] =
        "SELECT c.code, c.name, p.code, p.name, p.region3, p.region4, c.tier,"
        " (SELECT count(*) FROM admin_units u WHERE u.city_code = c.code AND u.level = 'county'),"
        " (SELECT count(*) FROM admin_units u WHERE u.city_code = c.code AND u.level ="
        "  'township'),"
        " (SELECT coalesce(sum(residents_committees + village_committees + other_villages), 0)"
        "  FROM admin_units u WHERE u.city_code = c.code AND u.level = 'township')"
        " FROM cities c JOIN provinces p ON p.code = c.province_code"
        " WHERE (?1 IS NULL OR p.region3 = ?1) AND (?2 IS NULL OR p.region4 = ?2)"
        "  AND (?3 IS NULL OR c.tier = ?3 OR (?3 = 'prefecture_level' AND c.tier <>"
        "  'municipality'))"
        "  AND (?4 IS NULL OR p.code = ?4 OR p.name = ?4) ORDER BY c.code";
    static const char *const cols[] = {"code",    "name", "province_code", "province",  "region3",
                                       "region4", "tier", "counties",      "townships", "villages"};
    static const int num[] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1};
    sqlite3_stmt *st = NULL;
    lcm_err err = {0};
    cli_rows *rows = NULL;
    int code = LCM_EXIT_OK, step;
    if (lcm_db_prepare(db, sql, &st, &err) != LCM_OK)
        return cli_fail(&err);
    const char *params[] = {region, region4, tier, province};
    for (int i = 0; i < 4; i++)
        if (params[i])
            sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
    if (!lines && !(rows = cli_rows_new(10, cols, num))) {
        code = LCM_EXIT_INTERNAL;
        goto cleanup;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v[10];
        for (int i = 0; i < 10; i++)
            v[i] = (const char *)sqlite3_column_text(st, i);
        if (lines)
            printf("%s %s %s %s %s\n", v[0], v[1], v[3], v[4], v[6]);
        else if (cli_rows_add(rows, v) != 0) {
            code = LCM_EXIT_INTERNAL;
            goto cleanup;
        }
    }
    if (step != SQLITE_DONE) {
        code = cli_fail(&(lcm_err){LCM_DB, "cannot read the cities"});
        goto cleanup;
    }
    if (rows && cli_rows_print(rows, fmt, stdout) != 0)
        code = cli_error("cannot write output");
cleanup:
    if (code == LCM_EXIT_INTERNAL)
        cli_error("out of memory");
    cli_rows_free(rows);
    sqlite3_finalize(st);
    return code;
}

int cmd_cities(int argc, char **argv) {
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"region", required_argument, NULL, 'r'},
                                         {"region4", required_argument, NULL, '4'},
                                         {"tier", required_argument, NULL, 't'},
                                         {"province", required_argument, NULL, 'p'},
                                         {"format", required_argument, NULL, 'f'},
                                         {0, 0, 0, 0}};
    static const char *const regions[] = {"east", "central", "west", NULL};
    static const char *const regions4[] = {"east", "central", "west", "northeast", NULL};
    static const char *const tiers[] = {"municipality", "provincial_capital", "separately_planned",
                                        "prefecture",   "prefecture_level",   NULL};
    const char *dbpath = NULL, *region = NULL, *region4 = NULL, *tier = NULL, *province = NULL;
    int lines = 1, c;
    cli_format fmt = CLI_TABLE;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dbpath = optarg;
            break;
        case 'r':
            if (!valid(optarg, regions))
                return cli_usage_error(cmd_cities_usage, "unknown region: '%s'", optarg);
            region = optarg;
            break;
        case '4':
            if (!valid(optarg, regions4))
                return cli_usage_error(cmd_cities_usage, "unknown region4: '%s'", optarg);
            region4 = optarg;
            break;
        case 't':
            if (!valid(optarg, tiers))
                return cli_usage_error(cmd_cities_usage, "unknown tier: '%s'", optarg);
            tier = optarg;
            break;
        case 'p':
            province = optarg;
            break;
        case 'f':
            lines = strcmp(optarg, "lines") == 0;
            if (!lines && cli_parse_format(optarg, &fmt) != 0)
                return cli_usage_error(cmd_cities_usage, "unknown format: '%s'", optarg);
            break;
        default:
            return cli_usage_error(cmd_cities_usage, "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error(cmd_cities_usage, "unexpected argument: '%s'", argv[optind]);
    int code;
    lcm_db *db = cli_open_reference(dbpath, 0, &code);
    if (!db)
        return code;
    code = list(db, region, region4, tier, province, lines, fmt);
    lcm_db_close(db);
    return code;
}
