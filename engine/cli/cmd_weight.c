/*
 * cmd_weight.c - `lcmon weight rake|poststratify|calibrate`: calibrate the sampling weights
 * of a form's responses or a dataset to population margins, store the final weights and
 * the calibration (estimates re-apply it for their variances), and print diagnostics.
 */
#include "cli.h"
#include "weight.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_weight_usage[] = {
    "lcmon weight rake|poststratify|calibrate DB (--form F | --dataset NAME) --margins FILE",
    "             [--wave Y] [--maxit N] [--epsilon E] [--bounds L,U]",
    "",
    "Calibrate the design weights (see 'lcmon design set') to population counts.",
    "FILE is CSV with columns margin,level,population, one row per cell; a margin is a",
    "column or a crossing of columns joined by ':' (city:age_band, level 4403:35-44).",
    "Every margin counts the same population: margins whose totals differ by more than",
    "1% of the first margin's total are refused.",
    "  poststratify  one margin (w <- w * N_g / N^_g), as R's postStratify",
    "  rake          iterative proportional fitting over several margins, as R's rake;",
    "                fails when it does not converge in --maxit sweeps (default 10,",
    "                --epsilon 1: largest change of a cell between sweeps)",
    "  calibrate     linear (GREG) calibration to every margin at once, as R's",
    "                calibrate(calfun = \"linear\"); --bounds L,U bounds the g-weights",
    "                (default none; --maxit 50, --epsilon 1e-7)",
    NULL,
};

static void print_stats(const char *what, const lcm_weight_stats *s) {
    printf("  %-10s min %.6g  max %.6g  sum %.10g  Kish n %.1f  weighting effect %.4f\n", what,
           s->min, s->max, s->sum, s->kish_n, s->kish_deff);
}

int cmd_weight(int argc, char **argv) {
    static const struct option opts[] = {
        {"form", required_argument, NULL, 'F'},    {"dataset", required_argument, NULL, 'D'},
        {"margins", required_argument, NULL, 'm'}, {"wave", required_argument, NULL, 'w'},
        {"maxit", required_argument, NULL, 'i'},   {"epsilon", required_argument, NULL, 'e'},
        {"bounds", required_argument, NULL, 'b'},  {0, 0, 0, 0}};
    lcm_calib_decl c = {0};
    const char *form = NULL, *dataset = NULL, *margins = NULL;
    int wave = 0, ch, code;
    char *end;
    if (argc < 2 || lcm_calib_method_parse(argv[1], &c.method) != 0)
        return cli_usage_error(cmd_weight_usage, "expected rake, poststratify or calibrate");
    int linear = c.method == LCM_CALIB_LINEAR;
    c.maxit = linear ? 50 : 10, c.epsilon = linear ? 1e-7 : 1;
    c.lower = -INFINITY, c.upper = INFINITY;
    argc--, argv++;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        switch (ch) {
        case 'F':
            form = optarg;
            break;
        case 'D':
            dataset = optarg;
            break;
        case 'm':
            margins = optarg;
            break;
        case 'w':
            wave = (int)strtol(optarg, &end, 10), bad = *end || wave < 2000 || wave > 2100;
            break;
        case 'i':
            c.maxit = (int)strtol(optarg, &end, 10), bad = *end || c.maxit < 1;
            break;
        case 'e':
            c.epsilon = strtod(optarg, &end), bad = *end || !(c.epsilon > 0);
            break;
        case 'b':
            c.lower = strtod(optarg, &end);
            bad = *end != ',' || !linear;
            if (!bad)
                c.upper = strtod(end + 1, &end), bad = *end || !(c.lower < 1 && c.upper > 1);
            break;
        default:
            return cli_usage_error(cmd_weight_usage, "bad option");
        }
        if (bad)
            return cli_usage_error(cmd_weight_usage, "bad value for --%s: '%s'",
                                   cli_option_name(opts, ch), optarg);
    }
    if (argc - optind != 1 || !margins || !form == !dataset)
        return cli_usage_error(cmd_weight_usage, "need DB, --margins and one of --form/--dataset");
    lcm_err err = {0};
    if (lcm_margins_load(margins, &c.margins_text, &err) != LCM_OK)
        return cli_fail(&err);
    lcm_db *db = cli_open_db(argv[optind], 0, &code);
    lcm_source src;
    lcm_weight_report rep;
    /* the table of the version the wave was answered on; weights are written to one table */
    if (db &&
        (lcm_source_resolve_wave(db, form ? LCM_SOURCE_FORM : LCM_SOURCE_DATASET,
                                 form ? form : dataset, wave, &src, NULL, 0, &err) != LCM_OK ||
         (lcm_source_harmonised(&src) &&
          lcm_err_set(&err, LCM_INVAL,
                      "form '%s' was answered on several versions: weight one wave at a "
                      "time (--wave)",
                      form) != LCM_OK) ||
         lcm_weight_run(db, &src, wave, &c, &rep, &err) != LCM_OK)) {
        code = cli_fail(&err);
    } else if (db) {
        printf("%s: %s '%s'%s, %zu rows, %d iteration%s, misfit %.3g (run %lld)\n",
               lcm_calib_method_name(c.method), lcm_source_kind_name(src.kind), src.name,
               wave ? " (one wave)" : "", rep.n, rep.calib.iterations,
               rep.calib.iterations == 1 ? "" : "s", rep.calib.misfit, rep.run_id);
        print_stats("design", &rep.before);
        print_stats("final", &rep.after);
    }
    lcm_db_close(db);
    free(c.margins_text);
    return code;
}
