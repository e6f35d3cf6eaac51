/*
 * cmd_export.c - `lcmon export DB --dataset NAME --format F [--out PATH]`: a dataset out
 * of the store for R, SPSS, Stata, Excel or scripts.
 */
#include "cli.h"
#include "export.h"

#include <getopt.h>
#include <string.h>

const char *const cmd_export_usage[] = {
    "lcmon export DB --dataset NAME [--format csv|json|sav|dta|xlsx] [--out PATH] [--bom]",
    "",
    "Write a dataset (see 'lcmon import dataset') as CSV (UTF-8), JSON (an array of",
    "objects), SPSS .sav or Stata .dta (variable labels = the original headers), or an",
    "Excel .xlsx sheet. csv and json go to stdout without --out; the other formats need",
    "--out. A file is written under a temporary name and renamed when complete.",
    "",
    "    --dataset NAME   the dataset to export",
    "    --format F       csv (default), json, sav, dta or xlsx",
    "    --out PATH       file to write",
    "    --bom            csv: start with a UTF-8 byte-order mark, for Excel",
    NULL,
};

int cmd_export(int argc, char **argv) {
    static const struct option opts[] = {{"dataset", required_argument, NULL, 'd'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"bom", no_argument, NULL, 'b'},
                                         {0, 0, 0, 0}};
    lcm_export_opts o = {LCM_EXPORT_CSV, NULL, stdout, 0};
    const char *dataset = NULL;
    int c, code;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            dataset = optarg;
        else if (c == 'f' && lcm_export_format_parse(optarg, &o.format) != 0)
            return cli_usage_error(cmd_export_usage, "unknown format: '%s'", optarg);
        else if (c == 'o')
            o.out = strcmp(optarg, "-") == 0 ? NULL : optarg;
        else if (c == 'b')
            o.bom = 1;
        else if (c == '?')
            return cli_usage_error(cmd_export_usage, "bad option");
    }
    if (argc - optind != 1)
        return cli_usage_error(cmd_export_usage, "expected: export DB");
    if (!dataset)
        return cli_usage_error(cmd_export_usage, "say what to export: --dataset NAME");
    if (!o.out && o.format != LCM_EXPORT_CSV && o.format != LCM_EXPORT_JSON)
        return cli_usage_error(cmd_export_usage, "sav, dta and xlsx are written to a file: --out");
    lcm_db *db = cli_open_db(argv[optind], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    long rows = 0;
    lcm_status st = lcm_export_dataset(db, dataset, &o, &rows, &err);
    lcm_db_close(db);
    if (st != LCM_OK)
        return cli_fail(&err);
    if (o.out)
        printf("wrote %ld rows of dataset '%s' to '%s'\n", rows, dataset, o.out);
    return LCM_EXIT_OK;
}
