/*
 * cmd_export.c - `lcmon export DB (--form F | --dataset NAME) --format F [--out PATH]`: a
 * form's responses (main table and rosters) or a dataset out of the store for R, SPSS,
 * Stata, Excel or scripts.
 */
#include "cli.h"
#include "export.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_export_usage[] = {
    "lcmon export DB --form F --format csv|sav|dta|xlsx|json|r --out PATH [--lang zh|en]",
    "             [--labels] [--bom|--no-bom] [--include-pii] [--include-drafts] [--wave Y]",
    "             [--version V] [--force]",
    "   or: lcmon export DB --dataset NAME [--format csv|json|sav|dta|xlsx] [--out PATH]",
    "             [--bom|--no-bom] [--force]",
    "",
    "Write a form's responses, or a dataset (see 'lcmon import dataset'), as CSV (UTF-8,",
    "files with a byte-order mark so Excel reads them as UTF-8 unless --no-bom; stdout",
    "without), JSON, SPSS .sav or Stata .dta with variable and value labels, or an Excel",
    "workbook (.xlsx). Files are written under temporary names and renamed when all are",
    "complete; they are created readable by their owner only (0600: respondents' data).",
    "An existing file is replaced only with --force, and never the database itself or",
    "anything but a regular file. CSV text cells starting with = + - @, tab or CR get a",
    "leading ' so that a spreadsheet shows them as text (see docs/exports.md).",
    "",
    "A form's main table and each roster (repeat group) are separate tables; a roster",
    "row is keyed by its household's instance_id and its position:",
    "  csv, sav, dta  one file per table: PATH, then PATH's stem + __<repeat> + its",
    "                 extension (hh.csv, hh__members.csv)",
    "  xlsx           one sheet per table",
    "  json           {\"form\", \"version\", \"tables\": [{\"name\", \"table\", \"key\",",
    "                 \"variables\", \"rows\": [...]}, ...]}: one array of rows per table",
    "  r              PATH is a directory: F.csv, F__<repeat>.csv and F.R, an R script",
    "                 that reads them and declares the design of 'lcmon design set' with",
    "                 svydesign(), to check any 'lcmon estimate' in R's survey package; a",
    "                 declared calibration is redone in R (F.margins.csv), so R gives",
    "                 lcmon's estimates and standard errors",
    "  sav, dta       also F.sps (SPSS syntax) or F.do (Stata do-file) beside the main",
    "                 file: its labels again and the design (CSPLAN, svyset)",
    "Variable labels are the questions in --lang (default: the form's language); sav and",
    "dta code a select_one as a number (its choice name when all are whole numbers, else",
    "its position in the list) with the choice labels as value labels. Fields the form",
    "marks as personal data (survey.csv column lcmon_pii = yes: in the household form the",
    "household number and the interviewer's name) are left out unless --include-pii.",
    "Only complete interviews (the rows 'lcmon estimate' uses) unless --include-drafts.",
    "",
    "    --form F         the form's responses (latest version, or --version V)",
    "    --dataset NAME   a dataset instead; csv and json go to stdout without --out",
    "    --format F       csv (default), json, sav, dta, xlsx, r (forms only)",
    "    --labels         csv, json, xlsx: a select_one's choice label instead of its code",
    "    --wave Y         only the interviews of wave Y (and their roster rows)",
    "    --include-pii    keep the fields marked as personal data",
    "    --include-drafts keep draft (unfinished) interviews too",
    "    --force          replace existing output files",
    NULL,
};

typedef struct exp_args {
    const char *dataset, *form;
    lcm_export_opts o;
    lcm_export_form_opts fo;
} exp_args;

static int parse(int argc, char **argv, exp_args *a) {
    static const struct option opts[] = {
        {"dataset", required_argument, NULL, 'd'}, {"form", required_argument, NULL, 'F'},
        {"format", required_argument, NULL, 'f'},  {"out", required_argument, NULL, 'o'},
        {"bom", no_argument, NULL, 'b'},           {"no-bom", no_argument, NULL, 'B'},
        {"lang", required_argument, NULL, 'l'},    {"labels", no_argument, NULL, 'L'},
        {"include-pii", no_argument, NULL, 'p'},   {"wave", required_argument, NULL, 'w'},
        {"version", required_argument, NULL, 'v'}, {"include-drafts", no_argument, NULL, 'D'},
        {"force", no_argument, NULL, 'O'},         {0, 0, 0, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            a->dataset = optarg;
        else if (c == 'F')
            a->form = optarg;
        else if (c == 'f' && lcm_export_format_parse(optarg, &a->o.format) != 0)
            return cli_usage_error(cmd_export_usage, "unknown format: '%s'", optarg);
        else if (c == 'o')
            a->o.out = strcmp(optarg, "-") == 0 ? NULL : optarg;
        else if (c == 'b' || c == 'B')
            a->o.bom = c == 'b';
        else if (c == 'l' && strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0)
            return cli_usage_error(cmd_export_usage, "--lang must be zh or en, not '%s'", optarg);
        else if (c == 'l')
            a->fo.lang = optarg;
        else if (c == 'L')
            a->fo.labels = 1;
        else if (c == 'O')
            a->o.force = 1;
        else if (c == 'p')
            a->fo.include_pii = 1;
        else if (c == 'D')
            a->fo.include_drafts = 1;
        else if (c == 'v')
            a->fo.version = optarg;
        else if (c == 'w' &&
                 ((a->fo.wave = (int)strtol(optarg, &end, 10)) < 2000 || a->fo.wave > 2100 || *end))
            return cli_usage_error(cmd_export_usage, "--wave must be a year, not '%s'", optarg);
        else if (c == '?')
            return cli_usage_error(cmd_export_usage, "bad option");
    }
    if (argc - optind != 1)
        return cli_usage_error(cmd_export_usage, "expected: export DB");
    if (!a->dataset == !a->form)
        return cli_usage_error(cmd_export_usage, "say what to export: --form F or --dataset NAME");
    if (a->form && !a->o.out)
        return cli_usage_error(cmd_export_usage, "a form is exported to files: --out PATH");
    if (a->dataset && a->o.format == LCM_EXPORT_R)
        return cli_usage_error(cmd_export_usage, "--format r is for forms (--form F)");
    if (a->dataset &&
        (a->fo.lang || a->fo.labels || a->fo.include_pii || a->fo.wave || a->fo.include_drafts))
        return cli_usage_error(cmd_export_usage, "--lang, --labels, --include-pii, "
                                                 "--include-drafts and --wave are for forms");
    if (!a->o.out && a->o.format != LCM_EXPORT_CSV && a->o.format != LCM_EXPORT_JSON)
        return cli_usage_error(cmd_export_usage, "sav, dta and xlsx are written to a file: --out");
    return -1;
}

static void print_report(const exp_args *a, const lcm_export_report *rep) {
    for (size_t i = 0; i < rep->ntables; i++)
        printf("wrote %ld rows x %zu columns of '%s' to '%s'\n", rep->tables[i].rows,
               rep->tables[i].ncols, rep->tables[i].name,
               rep->tables[i].file ? rep->tables[i].file : a->o.out);
    if (rep->script)
        printf("wrote the %s '%s'\n",
               a->o.format == LCM_EXPORT_R     ? "R script"
               : a->o.format == LCM_EXPORT_DTA ? "Stata do-file"
                                               : "SPSS syntax",
               rep->script);
    if (rep->margins)
        printf("wrote the calibration margins '%s'\n", rep->margins);
    if (rep->pii_left_out)
        printf("left out %zu column%s of personal data (%s): --include-pii keeps them\n",
               rep->pii_left_out, rep->pii_left_out == 1 ? "" : "s", rep->pii_names);
}

int cmd_export(int argc, char **argv) {
    exp_args a;
    memset(&a, 0, sizeof a);
    a.o = (lcm_export_opts){LCM_EXPORT_CSV, NULL, stdout, -1, 0};
    int code = parse(argc, argv, &a);
    if (code >= 0)
        return code;
    if (a.o.bom < 0) /* files for Excel by default; a pipe to a script without */
        a.o.bom = a.o.out != NULL;
    lcm_db *db = cli_open_db(argv[optind], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    long rows = 0;
    lcm_export_report rep;
    lcm_status st = a.form ? lcm_export_form(db, a.form, &a.fo, &a.o, &rep, &err)
                           : lcm_export_dataset(db, a.dataset, &a.o, &rows, &err);
    lcm_db_close(db);
    if (st != LCM_OK)
        return cli_fail(&err);
    if (a.form)
        print_report(&a, &rep);
    else if (a.o.out)
        printf("wrote %ld rows of dataset '%s' to '%s'\n", rows, a.dataset, a.o.out);
    if (a.form)
        lcm_export_report_free(&rep);
    return LCM_EXIT_OK;
}
