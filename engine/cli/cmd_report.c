/*
 * cmd_report.c - `lcmon report`: the monitoring feedback report of a city, or the national
 * overview, as one self-contained HTML file with its charts; also as PDF and Word.
 */
#include "cli.h"
#include "feedback.h"
#include "outfile.h"
#include "pdf.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *const cmd_report_usage[] = {
    "lcmon report DB (--city C | --national) --year Y [--out DIR] [--lang zh|en] [--min-n N]",
    "             [--no-svg] [--model FILE.json] [--pdf] [--docx]",
    "",
    "Write the feedback report of city C (code or name) for year Y, or the national",
    "overview, to DIR (default .) as one HTML file with its charts embedded, printable",
    "on A4. Needs a score run of that year ('lcmon score'). Survey cells on fewer than",
    "--min-n respondents (default 30) are suppressed. Every chart is also written as",
    "PNG and SVG beside the report (--no-svg: PNG only). Without gnuplot the report is",
    "written without its charts and says so. --model also writes the report's model as",
    "JSON: every number (with the stored result it comes from), label, note, suppression",
    "flag and chart series the report shows; suppressed values are not in it. --pdf also",
    "prints the report to PDF beside it (A4, page numbers, the table of contents first,",
    "charts as vector graphics: they are drawn as SVG too) with headless Chromium (the",
    "chromium package, or $LCMON_CHROMIUM). --docx also writes the report as a Word",
    "document beside it (.docx: headings, tables, charts; opens in Word, WPS, LibreOffice).",
    NULL,
};

int cmd_report(int argc, char **argv) {
    static const struct option opts[] = {{"city", required_argument, NULL, 'c'},
                                         {"national", no_argument, NULL, 'N'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {"min-n", required_argument, NULL, 'm'},
                                         {"no-svg", no_argument, NULL, 'S'},
                                         {"model", required_argument, NULL, 'M'},
                                         {"pdf", no_argument, NULL, 'P'},
                                         {"docx", no_argument, NULL, 'D'},
                                         {0, 0, 0, 0}};
    lcm_feedback_opts o = {NULL, 0, ".", LCM_LANG_ZH, 30, NULL, 1, NULL};
    int national = 0, pdf = 0, c;
    unsigned extra = 0;
    char *end;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'c':
            o.city = optarg;
            break;
        case 'N':
            national = 1;
            break;
        case 'y':
            o.year = (int)strtol(optarg, &end, 10), bad = *end || o.year < 2000 || o.year > 2100;
            break;
        case 'o':
            o.out_dir = optarg;
            break;
        case 'l':
            bad = strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0;
            o.lang = strcmp(optarg, "en") == 0 ? LCM_LANG_EN : LCM_LANG_ZH;
            break;
        case 'm':
            o.min_n = strtol(optarg, &end, 10), bad = *end || o.min_n < 0;
            break;
        case 'S':
            o.svg = 0;
            break;
        case 'M':
            o.model = optarg;
            break;
        case 'P':
            pdf = 1, extra |= LCM_FEEDBACK_PDF;
            break;
        case 'D':
            extra |= LCM_FEEDBACK_DOCX;
            break;
        default:
            return cli_usage_error(cmd_report_usage, "bad option");
        }
        if (bad)
            return cli_usage_error(cmd_report_usage, "bad value for --%s: '%s'",
                                   cli_option_name(opts, c), optarg);
    }
    if (argc - optind != 1 || !o.year || !o.city == !national)
        return cli_usage_error(cmd_report_usage, "need DB, --year and one of --city/--national");
    char browser[4096];
    if (pdf && !lcm_pdf_find_browser(browser, sizeof browser)) /* before any work is done */
        return cli_error("--pdf needs chromium: install it (apt-get install chromium), or set "
                         "LCMON_CHROMIUM");
    int code;
    lcm_err err = {0};
    if (lcm_out_dir(o.out_dir, 0, &err) != LCM_OK) /* a file there is not a directory */
        return cli_fail(&err);
    lcm_db *db = cli_open_db(argv[optind], 0, &code); /* migrates an older file */
    if (!db)
        return code;
    lcm_feedback_done done;
    lcm_status st = lcm_feedback_write(db, &o, national, extra, &done, &err);
    if (st != LCM_OK)
        code = cli_fail(&err);
    else {
        printf("%s\n", done.path);
        if (!done.gnuplot_ok)
            cli_error("charts not drawn: %s", done.note);
        if (done.docx[0])
            printf("%s\n", done.docx);
        if (done.pdf[0])
            printf("%s\n", done.pdf);
    }
    lcm_db_close(db);
    return code;
}
