/*
 * cmd_init.c - `lcmon init DB`: create or upgrade a database and (re)load the shipped
 * reference data and indicator framework. Safe to run again: rows are replaced, never
 * duplicated; a file that is not an lcmon database is refused untouched.
 */
#include "cli.h"

#include <getopt.h>

const char *const cmd_init_usage[] = {
    "lcmon init [--quiet] DB",
    "",
    "Create the database DB (or migrate an older one), then load the reference data:",
    "provinces with regions, cities with tiers, county and township units with their",
    "village-level counts, and the indicator framework from the data directory",
    "($LCMON_DATADIR, default PREFIX/share/lcmon; a build reads the source tree's surveys/).",
    "",
    "    -q, --quiet    print nothing on success",
    NULL,
};

int cmd_init(int argc, char **argv) {
    static const struct option opts[] = {{"quiet", no_argument, NULL, 'q'}, {0, 0, 0, 0}};
    int quiet = 0, c;
    while ((c = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
        if (c == 'q')
            quiet = 1;
        else
            return cli_usage_error(cmd_init_usage, "bad option");
    }
    if (argc - optind != 1)
        return cli_usage_error(cmd_init_usage, "init takes exactly one database path");
    const char *path = argv[optind];
    int code;
    lcm_db *db = cli_open_db(path, LCM_OPEN_CREATE, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    lcm_load_counts n = {0};
    int before = lcm_db_opened_version(db);
    if (lcm_reference_load(db, lcm_datadir(), &n, &err) != LCM_OK) {
        lcm_db_close(db);
        return cli_fail(&err);
    }
    lcm_db_close(db);
    if (!quiet) {
        if (before == 0)
            printf("created %s (schema %d)\n", path, LCM_SCHEMA_VERSION);
        else if (before < LCM_SCHEMA_VERSION)
            printf("migrated %s from schema %d to %d\n", path, before, LCM_SCHEMA_VERSION);
        else
            printf("%s is up to date (schema %d)\n", path, LCM_SCHEMA_VERSION);
        printf("reference: %ld provinces, %ld cities, %ld county and %ld township units, "
               "%ld village-level units\n",
               n.provinces, n.cities, n.counties, n.townships, n.villages);
        printf("framework: %ld indicators, %ld monitoring points\n", n.indicators, n.points);
    }
    return LCM_EXIT_OK;
}
