/*
 * cmd_design.c - `lcmon design set|show`: declare how a survey was sampled (strata,
 * clusters, fpc, weights, lonely-PSU policy, replicate weights) once, for every later
 * estimate.
 */
#include "cli.h"
#include "survey.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_design_usage[] = {
    "lcmon design set DB (--form F | --dataset NAME) [--wave Y] [--strata COL] [--psu COL]",
    "                 [--ssu COL] [--fpc COL[,COL]] [--weight COL] [--lonely-psu POLICY]",
    "                 [--replicates jk1|jkn|bootstrap [--nrep R] [--seed S]]",
    "                 [--repweights COL,...|PREFIX* --rep-type TYPE [--rep-scale S] [--rho R]",
    "                  [--multipliers]] [--mse]",
    "   or: lcmon design show DB (--form F | --dataset NAME) [--wave Y]",
    "",
    "Declare the sampling design of a form's responses or of a dataset, as R's svydesign()",
    "does: strata, first-stage clusters (PSU), optional second stage (SSU), finite",
    "population corrections per stage (population counts, or fractions below 1), sampling",
    "weights. Without --wave the design holds for every wave.",
    "",
    "    --lonely-psu P   a stratum with one PSU: fail (default), remove, certainty, adjust,",
    "                     average (as R's options(survey.lonely.psu))",
    "    --replicates T   estimate variances from replicate weights lcmon builds from the",
    "                     design, as R's as.svrepdesign(type=): jk1 (unstratified), jkn,",
    "                     bootstrap (--nrep, default 50; --seed, default 1)",
    "    --repweights C   replicate weights imported from columns C (a list, or PREFIX* for",
    "                     every column starting with PREFIX), as R's svrepdesign(): the final",
    "                     weights, or with --multipliers factors of the sampling weights;",
    "                     --rep-type bootstrap|jk1|brr|fay|sdr|other sets the scale as R does",
    "                     (--rep-scale overrides it for bootstrap, jk1, other; fay needs --rho)",
    "    --mse            centre replicate variances at the full-sample estimate",
    NULL,
};

typedef struct design_opts {
    const char *db, *form, *dataset;
    int wave, nrep_given, seed_given;
    lcm_design_decl decl;
} design_opts;

static int copy_col(char *dst, const char *src) {
    if (strlen(src) >= 64 || !lcm_sql_name_ok(src))
        return -1;
    strcpy(dst, src);
    return 0;
}

/* Copy s into dst of size n; -1 when it does not fit. */
static int copy_text(char *dst, size_t n, const char *s) {
    size_t len = strlen(s);
    if (len >= n)
        return -1;
    memcpy(dst, s, len + 1);
    return 0;
}

static int parse_positive(const char *s, double *out) {
    char *end;
    *out = strtod(s, &end);
    return *end || !(*out > 0) || !isfinite(*out) ? -1 : 0;
}

/* One replicate option into o; 1 when c is not one of them. */
static int parse_rep(int c, const char *arg, design_opts *o, int *bad) {
    lcm_rep_decl *r = &o->decl.rep;
    char *end;
    switch (c) {
    case 'R':
        *bad = !lcm_rep_type_ok(arg, 1) || r->import || copy_text(r->type, sizeof r->type, arg);
        break;
    case 'n':
        r->nrep = strtol(arg, &end, 10);
        *bad = *end || r->nrep < 2 || r->nrep > 100000;
        o->nrep_given = 1;
        break;
    case 'S':
        r->seed = strtoul(arg, &end, 10);
        *bad = *end || *arg == '-';
        o->seed_given = 1;
        break;
    case 'P':
        *bad = (r->type[0] && !r->import) || copy_text(r->columns, sizeof r->columns, arg);
        r->import = 1;
        break;
    case 'T':
        *bad = !lcm_rep_type_ok(arg, 0) || (r->type[0] && !r->import) ||
               copy_text(r->type, sizeof r->type, arg);
        r->import = 1;
        break;
    case 'x':
        *bad = parse_positive(arg, &r->scale);
        break;
    case 'r':
        *bad = parse_positive(arg, &r->rho) || r->rho >= 1;
        break;
    case 'M':
        r->mse = 1;
        break;
    case 'm':
        r->multipliers = 1;
        break;
    default:
        return 1;
    }
    return 0;
}

/* The replicate options make sense together. */
static int check_rep_opts(design_opts *o) {
    lcm_rep_decl *r = &o->decl.rep;
    if (r->import && (!r->columns[0] || !r->type[0]))
        return cli_usage_error(cmd_design_usage, "--repweights and --rep-type go together");
    if ((o->nrep_given || o->seed_given) && strcmp(r->type, "bootstrap") != 0)
        return cli_usage_error(cmd_design_usage, "--nrep and --seed go with --replicates "
                                                 "bootstrap");
    if (!r->import && (!isnan(r->scale) || !isnan(r->rho) || r->multipliers))
        return cli_usage_error(cmd_design_usage,
                               "--rep-scale, --rho and --multipliers go with --repweights");
    if (r->mse && !r->type[0])
        return cli_usage_error(cmd_design_usage, "--mse goes with replicate weights");
    if (!r->import && !strcmp(r->type, "bootstrap")) {
        r->nrep = o->nrep_given ? r->nrep : 50;
        r->seed = o->seed_given ? r->seed : 1;
    }
    return 0;
}

static int parse(int argc, char **argv, design_opts *o) {
    static const struct option opts[] = {{"form", required_argument, NULL, 'F'},
                                         {"dataset", required_argument, NULL, 'D'},
                                         {"wave", required_argument, NULL, 'w'},
                                         {"strata", required_argument, NULL, 's'},
                                         {"psu", required_argument, NULL, 'p'},
                                         {"ssu", required_argument, NULL, 'u'},
                                         {"fpc", required_argument, NULL, 'f'},
                                         {"weight", required_argument, NULL, 'W'},
                                         {"lonely-psu", required_argument, NULL, 'l'},
                                         {"replicates", required_argument, NULL, 'R'},
                                         {"nrep", required_argument, NULL, 'n'},
                                         {"seed", required_argument, NULL, 'S'},
                                         {"repweights", required_argument, NULL, 'P'},
                                         {"rep-type", required_argument, NULL, 'T'},
                                         {"rep-scale", required_argument, NULL, 'x'},
                                         {"rho", required_argument, NULL, 'r'},
                                         {"mse", no_argument, NULL, 'M'},
                                         {"multipliers", no_argument, NULL, 'm'},
                                         {0, 0, 0, 0}};
    int c;
    char *comma;
    o->decl.rep.scale = o->decl.rep.rho = NAN;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        const char *arg = optarg ? optarg : "";
        char given[256];
        snprintf(given, sizeof given, "%s", arg);
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
            if (parse_rep(c, arg, o, &bad))
                return cli_usage_error(cmd_design_usage, "bad option");
        }
        if (bad)
            return cli_usage_error(cmd_design_usage, "bad value for --%s: '%s'",
                                   cli_option_name(opts, c), given);
    }
    if (argc - optind != 1)
        return cli_usage_error(cmd_design_usage, "expected one database path");
    if (!o->form == !o->dataset)
        return cli_usage_error(cmd_design_usage, "give exactly one of --form and --dataset");
    o->db = argv[optind];
    return check_rep_opts(o);
}

/* "jk1", "bootstrap (50, seed 1)", "imported bootstrap rw* (scale 0.02, multipliers)". */
static void describe_rep(const lcm_rep_decl *r, char *buf, size_t n) {
    if (!r->type[0]) {
        snprintf(buf, n, "-");
    } else if (!r->import) {
        if (!strcmp(r->type, "bootstrap"))
            snprintf(buf, n, "bootstrap (%ld replicates, seed %lu)%s", r->nrep, r->seed,
                     r->mse ? ", mse" : "");
        else
            snprintf(buf, n, "%s%s", r->type, r->mse ? ", mse" : "");
    } else {
        char scale[64] = "", rho[64] = "";
        if (!isnan(r->scale))
            snprintf(scale, sizeof scale, ", scale %.17g", r->scale);
        if (!isnan(r->rho))
            snprintf(rho, sizeof rho, ", rho %g", r->rho);
        snprintf(buf, n, "imported %s from %s%s%s%s%s", r->type, r->columns, scale, rho,
                 r->multipliers ? ", multipliers" : "", r->mse ? ", mse" : "");
    }
}

static int show(lcm_db *db, const lcm_source *src, int wave) {
    lcm_design_decl d;
    lcm_err err = {0};
    char rep[4096 + 256];
    if (lcm_design_get(db, src, wave, &d, &err) != LCM_OK)
        return cli_fail(&err);
    describe_rep(&d.rep, rep, sizeof rep);
    const char *const cols[] = {"strata", "psu",    "ssu",        "fpc1",
                                "fpc2",   "weight", "lonely_psu", "replicates"};
    const char *vals[] = {
        d.strata, d.psu, d.ssu, d.fpc1, d.fpc2, d.weight, lcm_lonely_name(d.lonely), rep};
    for (int i = 0; i < 8; i++)
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
