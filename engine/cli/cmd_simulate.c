/*
 * cmd_simulate.c - `lcmon simulate`: synthetic cities, households and city inputs for
 * demos, tests and benchmarks (see engine/simulate.h).
 */
#include "cli.h"
#include "simulate.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_simulate_usage[] = {
    "lcmon simulate DB [--cities N] [--waves Y1,Y2,...] [--households H] [--seed S]",
    "                  [--margins PREFIX [--force]]",
    "",
    "Fill DB with realistic synthetic monitoring data: N real cities across regions and",
    "tiers (default 36); for each wave (default 2023,2024,2025) a stratified two-stage",
    "household sample of H households per city (default 200; 0 = none) answered on the",
    "household questionnaire (loaded from the data directory if DB lacks it); statistics,",
    "reviewer ratings and facilities for every other monitoring point. --margins writes",
    "population margins for raking to PREFIX_<wave>.csv (existing files are replaced only",
    "with --force). Same seed, same data.",
    NULL,
};

static int parse_waves(char *s, lcm_sim_opts *o) {
    char *items[LCM_SIM_MAX_WAVES];
    int n = cli_split_list(s, items, LCM_SIM_MAX_WAVES);
    for (int i = 0; i < n; i++) {
        char *end;
        o->waves[i] = (int)strtol(items[i], &end, 10);
        if (*end)
            return -1;
    }
    o->nwaves = n;
    return n > 0 ? 0 : -1;
}

/* The household form of db, loading the shipped one first when db has none. */
lcm_status cli_household_form(lcm_db *db, lcm_form **out, lcm_err *err) {
    if (lcm_form_get(db, "household", NULL, out, err) == LCM_OK)
        return LCM_OK;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/household", lcm_datadir());
    lcm_status rc = lcm_form_read_dir(dir, out, err);
    if (rc == LCM_OK && (rc = lcm_form_store(db, *out, NULL, err)) != LCM_OK) {
        lcm_form_free(*out);
        *out = NULL;
    }
    return rc;
}

int cmd_simulate(int argc, char **argv) {
    static const struct option opts[] = {{"cities", required_argument, NULL, 'c'},
                                         {"waves", required_argument, NULL, 'w'},
                                         {"households", required_argument, NULL, 'H'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"margins", required_argument, NULL, 'm'},
                                         {"force", no_argument, NULL, 'F'},
                                         {0, 0, 0, 0}};
    lcm_sim_opts o = {36, {2023, 2024, 2025}, 3, 200, 1, NULL, 0, NULL, 0};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'c':
            o.ncities = (int)strtol(optarg, &end, 10), bad = *end;
            break;
        case 'w':
            bad = parse_waves(optarg, &o);
            break;
        case 'H':
            o.households = (int)strtol(optarg, &end, 10), bad = *end;
            break;
        case 's':
            o.seed = strtoul(optarg, &end, 10), bad = *end;
            break;
        case 'm':
            o.margins_prefix = optarg;
            break;
        case 'F':
            o.force = 1;
            break;
        default:
            return cli_usage_error(cmd_simulate_usage, "bad option");
        }
        if (bad)
            return cli_usage_error(cmd_simulate_usage, "bad value for --%s: '%s'",
                                   cli_option_name(opts, c), optarg);
    }
    if (argc - optind != 1)
        return cli_usage_error(cmd_simulate_usage, "expected one database path");
    int code;
    lcm_db *db = cli_open_db(argv[optind], 0, &code);
    if (!db)
        return code;
    lcm_form *form = NULL;
    lcm_err err = {0};
    lcm_sim_summary *sum = calloc(1, sizeof *sum);
    if (!sum)
        cli_error("out of memory"), code = LCM_EXIT_INTERNAL;
    else if ((o.households > 0 && cli_household_form(db, &form, &err) != LCM_OK) ||
             lcm_simulate(db, form, &o, sum, &err) != LCM_OK)
        code = cli_fail(&err);
    else
        printf("simulated %d cities, %d wave%s: %ld households (%ld persons), %ld statistics, "
               "%ld ratings, %ld facilities\n",
               sum->ncities, o.nwaves, o.nwaves == 1 ? "" : "s", sum->households, sum->persons,
               sum->values, sum->ratings, sum->facilities);
    free(sum);
    lcm_form_free(form);
    lcm_db_close(db);
    return code;
}
