/*
 * cmd_design.c - `lcmon design set|show`: declare how a survey was sampled (strata,
 * clusters, fpc, weights, lonely-PSU policy) once, for every later estimate.
 */
#include "cli.h"
#include "survey.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_design_usage[] = {
    "lcmon design set DB (--form F | --dataset NAME) [--wave Y] [--strata COL] [--psu COL]",
    "                 [--ssu COL] [--fpc COL[,COL]] [--weight COL] [--lonely-psu POLICY]",
    "   or: lcmon design show DB (--form F | --dataset NAME) [--wave Y]",
    "",
    "Declare the sampling design of a form's responses or of a dataset, as R's svydesign()",
    "does: strata, first-stage clusters (PSU), optional second stage (SSU), finite",
    "population corrections per stage (population counts, or fractions below 1), sampling",
    "weights. Without --wave the design holds for every wave.",
    "",
    "    --lonely-psu P   a stratum with one PSU: fail (default), remove, certainty, adjust,",
    "                     average (as R's options(survey.lonely.psu))",
    NULL,
};

typedef struct design_opts {
    const char *db, *form, *dataset;
    int wave;
    lcm_design_decl decl;
} design_opts;

static int copy_col(char *dst, const char *src) {
    if (strlen(src) >= 64 || !lcm_sql_name_ok(src))
        return -1;
    strcpy(dst, src);
    return 0;
}

static int parse(int argc, char **argv, design_opts *o) {
    static const struct option opts[] = {
        {"form", required_argument, NULL, 'F'},       {"dataset", required_argument, NULL, 'D'},
        {"wave", required_argument, NULL, 'w'},       {"strata", required_argument, NULL, 's'},
        {"psu", required_argument, NULL, 'p'},        {"ssu", required_argument, NULL, 'u'},
        {"fpc", required_argument, NULL, 'f'},        {"weight", required_argument, NULL, 'W'},
        {"lonely-psu", required_argument, NULL, 'l'}, {0, 0, 0, 0}};
    int c;
    char *comma;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'F':
            o->form = optarg;
            break;
        case 'D':
            o->dataset = optarg;
            break;
        case 'w':
            o->wave = atoi(optarg);
            bad = o->wave < 2000 || o->wave > 2100;
            break;
        case 's':
            bad = copy_col(o->decl.strata, optarg);
            break;
        case 'p':
            bad = copy_col(o->decl.psu, optarg);
            break;
        case 'u':
            bad = copy_col(o->decl.ssu, optarg);
            break;
        case 'W':
            bad = copy_col(o->decl.weight, optarg);
            break;
        case 'f':
            if ((comma = strchr(optarg, ','))) {
                *comma = '\0';
                bad = copy_col(o->decl.fpc2, comma + 1);
            }
            bad = bad || copy_col(o->decl.fpc1, optarg);
            break;
        case 'l':
            bad = lcm_lonely_parse(optarg, &o->decl.lonely);
            break;
        default:
            return cli_usage_error(cmd_design_usage, "bad option");
        }
        if (bad)
            return cli_usage_error(cmd_design_usage, "bad value for --%s: '%s'",
                                   cli_option_name(opts, c), optarg);
    }
    if (argc - optind != 1)
        return cli_usage_error(cmd_design_usage, "expected one database path");
    if (!o->form == !o->dataset)
        return cli_usage_error(cmd_design_usage, "give exactly one of --form and --dataset");
    o->db = argv[optind];
    return 0;
}

static int show(lcm_db *db, const lcm_source *src, int wave) {
    lcm_design_decl d;
    lcm_err err = {0};
    if (lcm_design_get(db, src, wave, &d, &err) != LCM_OK)
        return cli_fail(&err);
    const char *const cols[] = {"strata", "psu", "ssu", "fpc1", "fpc2", "weight", "lonely_psu"};
    const char *vals[] = {
        d.strata, d.psu, d.ssu, d.fpc1, d.fpc2, d.weight, lcm_lonely_name(d.lonely)};
    for (int i = 0; i < 7; i++)
        printf("%-11s %s\n", cols[i], *vals[i] ? vals[i] : "-");
    return LCM_EXIT_OK;
}

int cmd_design(int argc, char **argv) {
    design_opts o = {0};
    if (argc < 2 || (strcmp(argv[1], "set") != 0 && strcmp(argv[1], "show") != 0))
        return cli_usage_error(cmd_design_usage, "expected 'design set' or 'design show'");
    int is_set = strcmp(argv[1], "set") == 0, code;
    if ((code = parse(argc - 1, argv + 1, &o)) != 0)
        return code;
    lcm_db *db = cli_open_db(o.db, 0, &code);
    if (!db)
        return code;
    lcm_source src;
    lcm_err err = {0};
    if (lcm_source_resolve(db, o.form ? LCM_SOURCE_FORM : LCM_SOURCE_DATASET,
                           o.form ? o.form : o.dataset, &src, &err) != LCM_OK)
        code = cli_fail(&err);
    else if (!is_set)
        code = show(db, &src, o.wave);
    else if (lcm_design_set(db, &src, o.wave, &o.decl, &err) != LCM_OK)
        code = cli_fail(&err);
    else
        code = show(db, &src, o.wave);
    lcm_db_close(db);
    return code;
}
