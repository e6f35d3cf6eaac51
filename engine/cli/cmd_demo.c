/*
 * cmd_demo.c - `lcmon demo`: the README's first command. It runs what the pipeline has
 * so far on a fresh database: create it, load the reference data and the framework, and
 * print a summary by region and tier. Later stages (simulated households, estimates,
 * scores, reports) join here as they are built.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const cmd_demo_usage[] = {
    "lcmon demo [--out DIR]",
    "",
    "Run the pipeline on the bundled demo data into DIR (default ./lcmon-demo):",
    "creates DIR/demo.db afresh, loads the reference data and the indicator framework,",
    "and prints a summary.",
    "",
    "    --out DIR    where the database and outputs go (created if missing)",
    NULL,
};

static int print_summary(lcm_db *db) {
    static const char sql[] =
        "SELECT p.region3, c.tier, count(*) FROM cities c JOIN provinces p"
        " ON p.code = c.province_code GROUP BY 1, 2 ORDER BY"
        " CASE p.region3 WHEN 'east' THEN 1 WHEN 'central' THEN 2 ELSE 3 END, 2";
    static const char *const cols[] = {"区域 region", "层级 tier", "城市数 cities"};
    static const int num[] = {0, 0, 1};
    sqlite3_stmt *st = NULL;
    lcm_err err = {0};
    cli_rows *rows = cli_rows_new(3, cols, num);
    int code = LCM_EXIT_OK;
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    if (lcm_db_prepare(db, sql, &st, &err) != LCM_OK) {
        code = cli_fail(&err);
        goto cleanup;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *v[3] = {(const char *)sqlite3_column_text(st, 0),
                            (const char *)sqlite3_column_text(st, 1),
                            (const char *)sqlite3_column_text(st, 2)};
        if (cli_rows_add(rows, v) != 0) {
            code = LCM_EXIT_INTERNAL;
            goto cleanup;
        }
    }
    cli_rows_print(rows, CLI_TABLE, stdout);
cleanup:
    sqlite3_finalize(st);
    cli_rows_free(rows);
    return code;
}

int cmd_demo(int argc, char **argv) {
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'}, {0, 0, 0, 0}};
    const char *out = "lcmon-demo";
    int c;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else
            return cli_usage_error(cmd_demo_usage, "bad option");
    }
    if (optind != argc)
        return cli_usage_error(cmd_demo_usage, "unexpected argument: '%s'", argv[optind]);
    if (mkdir(out, 0777) != 0 && errno != EEXIST)
        return cli_error("cannot create directory '%s': %s", out, strerror(errno));
    char path[4096];
    snprintf(path, sizeof path, "%s/demo.db", out);
    /* The demo database is the demo's own: start it afresh every run. */
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        if (unlink(p) != 0 && errno != ENOENT)
            return cli_error("cannot remove '%s': %s", p, strerror(errno));
    }
    int code;
    lcm_db *db = cli_open_db(path, LCM_OPEN_CREATE, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    lcm_load_counts n = {0};
    if (lcm_reference_load(db, lcm_datadir(), &n, &err) != LCM_OK) {
        lcm_db_close(db);
        return cli_fail(&err);
    }
    printf("lcmon demo: database %s\n", path);
    printf("  reference: %ld provinces, %ld cities, %ld county, %ld township and %ld "
           "village-level units\n",
           n.provinces, n.cities, n.counties, n.townships, n.villages);
    printf("  framework: %ld indicators, %ld monitoring points\n\n", n.indicators, n.points);
    code = print_summary(db);
    lcm_db_close(db);
    return code;
}
