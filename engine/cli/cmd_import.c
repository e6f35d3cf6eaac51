/*
 * cmd_import.c - `lcmon import stats|ratings|facilities|dataset ...`: CSV files into the
 * store, all rows or none, every bad cell reported as file:line:column (field).
 *
 * The library keeps the first problems as text and counts the rest; this file prints
 * them (stderr), the summary (stdout) and, on a terminal, a progress bar for big files.
 */
#include "cli.h"
#include "dataset.h"
#include "import.h"
#include "import_resp.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROGRESS_MIN_BYTES (4LL << 20) /* smaller files finish before a bar helps */

const char *const cmd_import_usage[] = {
    "lcmon import stats|ratings|facilities|honours DB FILE.csv [--encoding E] [--delimiter C] "
    "[--replace] [--max-errors N]",
    "   or: lcmon import dataset DB FILE.csv --name NAME [--replace] [--encoding E] "
    "[--delimiter C]",
    "   or: lcmon import responses DB FILE.csv --form F [--wave Y] [--format native|kobo|odk|wjx] "
    "[--map MAP.csv] [--roster R=FILE]... [--skip-invalid [--force]] [--encoding E]",
    "   or: lcmon import responses DB FILE.csv --form F --draft-map MAP.csv [--format wjx]",
    "",
    "Import a CSV file into DB in one transaction: every row, or nothing when any cell is",
    "bad. Every problem is reported as file:line:column (field): problem, value 'x'.",
    "Importing the same file again adds nothing; a row whose key is stored with other",
    "values is a conflict (reported) unless --replace is given.",
    "",
    "  stats       city, year, indicator, value, source [, imputed, note, basis]",
    "              (within the point's plausible range, see 'lcmon framework show': a",
    "              value outside it is refused, naming the likely unit slip; yes/no points",
    "              1/0); indicator population (常住人口, 万人) is the city's resident",
    "              population that year, by which counts are compared per 10,000 residents;",
    "              basis 核实 (verified, default) or 自评 (the city's self-assessment, kept",
    "              beside the verified value and scored only where there is none)",
    "  ratings     city, year, indicator, reviewer, score (0-100) [, comment]",
    "  honours     city, year, name, level (国际|国家|省部级), source [, note]: honorary",
    "              titles of point 4.2.2, counted over the last five years by level",
    "  facilities  city, unit, level (county|township|village), kind",
    "              (community_education|elderly_education), name [, village, year_opened]",
    "  responses   answers to a loaded form: standard columns (instance_id, city, wave,",
    "              stratum, psu, household_id, design_weight, final_weight, interviewer, ...)",
    "              and one column per question; Kobo/ODK exports with group paths",
    "              (group/field, group-field, group.field) or question labels in any of",
    "              the form's languages (Kobo's default; an HXL row is skipped), choice",
    "              labels as values, roster members as repeat[N]/field, select_multiple as",
    "              one column (space-separated) or one 0/1 column per choice; 问卷星",
    "              downloads as they are (按选项文本下载: labels, ┋, 〖〗, (跳过); 按选项序号下载",
    "              through a map), headers and option numbers renamed by --map",
    "              (source,field,value,choice; field '-' leaves a column out). A file",
    "              without a status column holds complete answers, checked as such;",
    "              without --wave the wave is the year the answers ended or were submitted.",
    "              Every answer is checked against the form; rows without an instance_id",
    "              get one from a hash of the row, so a re-import adds nothing",
    "  dataset     any CSV with a header, stored as table ds_NAME with a type per column",
    "              (integer, real or text, inferred and reported), for --dataset NAME;",
    "              headers become column names of letters, digits and _ (the header is",
    "              kept as the label)",
    "",
    "    --encoding E     auto (default: BOM, then UTF-8, then GB18030; a UTF-8 file with a",
    "                     few bad bytes is an error at the first), utf-8 or gb18030 (also",
    "                     gbk): read the file as told",
    "    --delimiter C    field separator: ',' (default), ';', tab or '|'",
    "    --replace        overwrite stored rows that differ (dataset: the whole dataset)",
    "    --max-errors N   problems listed before the rest are only counted (default 20)",
    "    --name NAME      dataset name: a letter, then letters, digits or _ (max 40)",
    "    --form F         responses: the form (its latest loaded version)",
    "    --wave Y         responses: the survey year of every row",
    "    --format F       responses: native (default), kobo, odk or wjx",
    "    --map MAP.csv    responses: header and option renames",
    "    --draft-map MAP.csv  responses: write a map from the headers and answers of",
    "                     FILE (from the form's labels; option numbers in place) for you",
    "                     to check and fill in, then give it with --map; imports nothing",
    "    --roster R=FILE  responses: the members of repeat R from FILE, a row each, keyed",
    "                     by instance_id (or ODK's PARENT_KEY) and position (else their",
    "                     order): what 'lcmon export' writes as F__R.csv, ODK Central's",
    "                     repeat files",
    "    --skip-invalid   responses: import the valid rows; the others go with their",
    "                     problems to FILE.rejected.csv (created 0600; an existing one",
    "                     is replaced only with --force)",
    "    --force          responses: replace an existing FILE.rejected.csv",
    NULL,
};

typedef struct import_args {
    const char *what, *db, *file, *name, *draft_map;
    lcm_import_opts opts;
    lcm_resp_opts resp;
} import_args;

static void progress(void *ud, long long done, long long total) {
    const char *file = ud;
    int pct = total > 0 ? (int)(done * 100 / total) : 0;
    fprintf(stderr, "\rimporting %s %3d%%", file, pct > 100 ? 100 : pct);
}

static int parse_delim(const char *s, unsigned char *out) {
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
        return *out = '\t', 0;
    if (strlen(s) == 1 && strchr(",;|\t", s[0]))
        return *out = (unsigned char)s[0], 0;
    return -1;
}

static int parse_args(int argc, char **argv, import_args *a) {
    static const struct option opts[] = {
        {"encoding", required_argument, NULL, 'e'},  {"delimiter", required_argument, NULL, 'd'},
        {"replace", no_argument, NULL, 'r'},         {"max-errors", required_argument, NULL, 'm'},
        {"name", required_argument, NULL, 'n'},      {"form", required_argument, NULL, 'F'},
        {"wave", required_argument, NULL, 'w'},      {"format", required_argument, NULL, 'f'},
        {"map", required_argument, NULL, 'M'},       {"skip-invalid", no_argument, NULL, 's'},
        {"roster", required_argument, NULL, 'R'},    {"force", no_argument, NULL, 'O'},
        {"draft-map", required_argument, NULL, 'D'}, {0, 0, 0, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'e' && lcm_encoding_parse(optarg, &a->opts.encoding) != 0)
            return cli_usage_error(cmd_import_usage, "unknown encoding: '%s'", optarg);
        if (c == 'd' && parse_delim(optarg, &a->opts.delim) != 0)
            return cli_usage_error(cmd_import_usage, "unsupported delimiter: '%s'", optarg);
        if (c == 'm' && ((a->opts.max_issues = (int)strtol(optarg, &end, 10)) < 1 || *end))
            return cli_usage_error(cmd_import_usage, "--max-errors takes a positive number");
        if (c == 'r')
            a->opts.replace = 1;
        if (c == 'n')
            a->name = optarg;
        if (c == 'F')
            a->resp.form_id = optarg;
        if (c == 'w' &&
            ((a->resp.wave = strtol(optarg, &end, 10)) < 2000 || a->resp.wave > 2100 || *end))
            return cli_usage_error(cmd_import_usage, "--wave takes a year, not '%s'", optarg);
        if (c == 'f' && lcm_resp_format_parse(optarg, &a->resp.format) != 0)
            return cli_usage_error(cmd_import_usage, "unknown format: '%s'", optarg);
        if (c == 'M')
            a->resp.map = optarg;
        if (c == 's')
            a->resp.skip_invalid = 1;
        if (c == 'O')
            a->resp.force = 1;
        if (c == 'D')
            a->draft_map = optarg;
        if (c == 'R') { /* REPEAT=FILE: split in place (argv is ours) */
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1] || a->resp.nrosters == LCM_RESP_MAX_ROSTERS)
                return cli_usage_error(cmd_import_usage,
                                       "--roster takes REPEAT=FILE (at most %d of them)",
                                       LCM_RESP_MAX_ROSTERS);
            *eq = '\0';
            a->resp.roster_repeat[a->resp.nrosters] = optarg;
            a->resp.roster_file[a->resp.nrosters++] = eq + 1;
        }
        if (c == '?')
            return cli_usage_error(cmd_import_usage, "bad option");
    }
    if (argc - optind != 3)
        return cli_usage_error(cmd_import_usage, "expected: import WHAT DB FILE.csv");
    a->what = argv[optind], a->db = argv[optind + 1], a->file = argv[optind + 2];
    return LCM_EXIT_OK;
}

/* Problems first (stderr), then the summary line of what happened. */
static int report(const import_args *a, lcm_status st, const lcm_import_result *res,
                  const lcm_err *err) {
    for (size_t i = 0; i < res->nmsgs; i++)
        fprintf(stderr, "%s\n", res->msgs[i]);
    if (res->issues > (long)res->nmsgs)
        fprintf(stderr, "... and %ld more problem%s\n", res->issues - (long)res->nmsgs,
                res->issues - (long)res->nmsgs == 1 ? "" : "s");
    if (st != LCM_OK)
        return cli_fail(err);
    printf("imported '%s' (%s): %ld rows, %ld new, %ld unchanged, %ld replaced\n", a->file,
           lcm_encoding_name(res->encoding), res->rows, res->inserted, res->unchanged,
           res->replaced);
    return LCM_EXIT_OK;
}

/* The dataset summary and each column's name, inferred type, empty cells and header. */
static int report_dataset(const import_args *a, lcm_status st, const lcm_dataset_report *rep,
                          const lcm_import_result *res, const lcm_err *err) {
    static const char *const cols[] = {"column", "type", "empty", "header"};
    static const int num[] = {0, 0, 1, 0};
    if (st != LCM_OK || res->issues)
        return report(a, st, res, err);
    printf("dataset '%s' from '%s' (%s): %ld rows, %zu columns, %s\n", a->name, a->file,
           lcm_encoding_name(res->encoding), res->rows, rep->ncols,
           rep->unchanged  ? "unchanged (already imported)"
           : res->replaced ? "replaced"
                           : "new");
    cli_rows *rows = cli_rows_new(4, cols, num);
    for (size_t i = 0; rows && i < rep->ncols; i++) {
        char missing[32];
        snprintf(missing, sizeof missing, "%ld", rep->cols[i].missing);
        const char *v[] = {rep->cols[i].name, lcm_col_type_name(rep->cols[i].type), missing,
                           rep->cols[i].label};
        if (cli_rows_add(rows, v) != 0)
            break;
    }
    int code = rows && cli_rows_print(rows, CLI_TABLE, stdout) == 0
                   ? LCM_EXIT_OK
                   : cli_error("cannot write output");
    cli_rows_free(rows);
    return code;
}

/* --draft-map: write the map, say what is left to fill in. */
static int draft_map(lcm_db *db, import_args *a) {
    lcm_resp_draft d;
    lcm_err err = {0};
    a->resp.base = a->opts;
    lcm_status st = lcm_resp_draft_map(db, a->file, &a->resp, a->draft_map, &d, &err);
    lcm_db_close(db);
    if (st != LCM_OK)
        return cli_fail(&err);
    printf("wrote '%s': %ld header rules (%ld to fill in), %ld answer rules (%ld to fill in); "
           "check it, then import with --map %s\n",
           a->draft_map, d.headers, d.headers_open, d.values, d.values_open, a->draft_map);
    return LCM_EXIT_OK;
}

static lcm_status run_import(lcm_db *db, import_args *a, lcm_import_result *res, lcm_err *err) {
    if (strcmp(a->what, "stats") == 0)
        return lcm_import_stats(db, a->file, &a->opts, res, err);
    if (strcmp(a->what, "ratings") == 0)
        return lcm_import_ratings(db, a->file, &a->opts, res, err);
    if (strcmp(a->what, "honours") == 0)
        return lcm_import_honours(db, a->file, &a->opts, res, err);
    return lcm_import_facilities(db, a->file, &a->opts, res, err);
}

int cmd_import(int argc, char **argv) {
    import_args a = {0};
    static const char *const kinds[] = {"stats",   "ratings",   "facilities", "honours",
                                        "dataset", "responses", NULL};
    int code = parse_args(argc, argv, &a), known = 0;
    if (code != LCM_EXIT_OK)
        return code;
    for (int i = 0; kinds[i]; i++)
        known |= strcmp(a.what, kinds[i]) == 0;
    if (!known)
        return cli_usage_error(cmd_import_usage, "unknown import: '%s'", a.what);
    if ((strcmp(a.what, "dataset") == 0) != (a.name != NULL))
        return cli_usage_error(cmd_import_usage, a.name ? "--name is for import dataset"
                                                        : "import dataset needs --name NAME");
    if ((strcmp(a.what, "responses") == 0) != (a.resp.form_id != NULL))
        return cli_usage_error(cmd_import_usage, a.resp.form_id
                                                     ? "--form is for import responses"
                                                     : "import responses needs --form F");
    if (a.draft_map && !a.resp.form_id)
        return cli_usage_error(cmd_import_usage, "--draft-map is for import responses");
    if (a.draft_map && a.resp.map)
        return cli_usage_error(cmd_import_usage, "--draft-map writes a map: not with --map");
    struct stat sb;
    if (isatty(STDERR_FILENO) && stat(a.file, &sb) == 0 && sb.st_size >= PROGRESS_MIN_BYTES)
        a.opts.progress = progress, a.opts.progress_ud = (void *)a.file;
    lcm_db *db = cli_open_db(a.db, 0, &code);
    if (!db)
        return code;
    if (a.draft_map)
        return draft_map(db, &a);
    lcm_import_result res = {0};
    lcm_err err = {0};
    lcm_dataset_report rep = {0};
    long rejected = 0;
    a.resp.base = a.opts;
    lcm_status st = a.name ? lcm_dataset_import(db, a.file, a.name, &a.opts, &rep, &res, &err)
                    : a.resp.form_id
                        ? lcm_import_responses(db, a.file, &a.resp, &res, &rejected, &err)
                        : run_import(db, &a, &res, &err);
    if (a.opts.progress)
        fputs("\r\033[K", stderr);
    code = a.name ? report_dataset(&a, st, &rep, &res, &err) : report(&a, st, &res, &err);
    if (code == LCM_EXIT_OK && rejected)
        printf("%ld row%s rejected, written with their problems beside the input "
               "(*.rejected.csv)\n",
               rejected, rejected == 1 ? "" : "s");
    lcm_dataset_report_free(&rep);
    lcm_import_result_free(&res);
    lcm_db_close(db);
    return code;
}
