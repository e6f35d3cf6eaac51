/*
 * cmd_form.c - `lcmon form check|load|list|show`: questionnaires written as XLSForm CSV
 * (survey.csv, choices.csv, settings.csv in one folder), checked, loaded into a database
 * with their response tables, and described column by column for analysts.
 */
#include "cli.h"
#include "form.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_form_usage[] = {
    "lcmon form check DIR | load DB DIR | list DB | show DB FORM [--version V] [--lang L] "
    "[--format table|csv|json]",
    "",
    "Questionnaires are XLSForm sheets saved as CSV in one folder: survey.csv, choices.csv",
    "and settings.csv (form_id, version, form_title, default_language). The household",
    "questionnaire ships in surveys/household. DIR may also be an XLSForm workbook",
    "FILE.xlsx (sheets survey, choices, settings); its problems then name",
    "FILE.xlsx:SHEET:ROW:COLUMN.",
    "",
    "    check DIR       read and check the form: every problem, as file:line:column, or a",
    "                    summary (questions, calculations, groups, repeats, languages)",
    "    load DB DIR     check, record the form in DB and create its response tables",
    "                    (loading the same version again changes nothing)",
    "    list DB         the forms loaded in DB",
    "    show DB FORM    the columns of a form's response tables, with labels",
    "    --version V     show: that version (default: the latest loaded)",
    "    --lang L        show: labels in language L (default: the form's)",
    "    --format F      list and show: table (default), csv or json",
    NULL,
};

/* Read the form in dir; on failure every problem goes to stderr and *code is set. */
static lcm_form *read_form(const char *dir, int *code) {
    lcm_form *f = NULL;
    char **problems = NULL;
    lcm_err err = {0};
    *code = LCM_EXIT_OK;
    if (lcm_form_check_dir(dir, &f, &problems, &err) == LCM_OK) {
        for (size_t i = 0; i < lcm_form_nwarnings(f); i++)
            if (lcm_form_is_xlsx(dir))
                fprintf(stderr, "lcmon: warning: %s\n", lcm_form_warning(f, i));
            else
                fprintf(stderr, "lcmon: warning: %s/%s\n", dir, lcm_form_warning(f, i));
        return f;
    }
    size_t n = 0;
    for (; problems && problems[n]; n++)
        if (lcm_form_is_xlsx(dir)) /* problems name FILE.xlsx:SHEET:ROW:COLUMN */
            cli_error("%s", problems[n]);
        else
            cli_error("%s/%s", dir, problems[n]);
    if (!problems) { /* the files could not be read at all */
        *code = cli_fail(&err);
        return NULL;
    }
    lcm_form_problems_free(problems);
    fprintf(stderr, "lcmon: form '%s' has %zu problem%s\n", dir, n, n == 1 ? "" : "s");
    *code = cli_exit_code(err.status);
    return NULL;
}

/* `form check`: every problem on stderr (exit 1), or what the form holds (exit 0). */
static int check(const char *dir) {
    int code;
    lcm_form *f = read_form(dir, &code);
    if (!f)
        return code;
    size_t questions = 0, groups = 0, repeats = 0, calculations = 0;
    for (size_t i = 0; i < lcm_form_nfields(f); i++) {
        lcm_field_type t = lcm_form_field(f, i)->type;
        repeats += t == LCM_FT_BEGIN_REPEAT;
        groups += t == LCM_FT_BEGIN_GROUP;
        calculations += t == LCM_FT_CALCULATE;
        questions += t != LCM_FT_BEGIN_REPEAT && t != LCM_FT_END_REPEAT &&
                     t != LCM_FT_BEGIN_GROUP && t != LCM_FT_END_GROUP && t != LCM_FT_CALCULATE &&
                     t != LCM_FT_NOTE && t < LCM_FT_START;
    }
    printf("form '%s' version '%s' is valid: %zu question%s, %zu calculation%s, %zu group%s, "
           "%zu repeat%s, languages ",
           lcm_form_id(f), lcm_form_version(f), questions, questions == 1 ? "" : "s", calculations,
           calculations == 1 ? "" : "s", groups, groups == 1 ? "" : "s", repeats,
           repeats == 1 ? "" : "s");
    for (size_t i = 0; i < lcm_form_nlangs(f); i++)
        printf("%s%s", i ? ", " : "", *lcm_form_lang(f, i) ? lcm_form_lang(f, i) : "(unmarked)");
    printf("%s; answers go to table %s\n", lcm_form_nlangs(f) ? "" : "none", lcm_form_table(f));
    lcm_form_free(f);
    return LCM_EXIT_OK;
}

static int load(const char *dbpath, const char *dir) {
    lcm_err err = {0};
    int code, created = 0;
    lcm_form *f = read_form(dir, &code);
    if (!f)
        return code;
    if (lcm_form_missing_file(f)) { /* checked, but answers to it could not be */
        if (lcm_form_is_xlsx(dir))
            cli_error("%s: put it beside the form to load it", lcm_form_missing_file(f));
        else
            cli_error("%s/%s: put it beside survey.csv to load the form", dir,
                      lcm_form_missing_file(f));
        lcm_form_free(f);
        return LCM_EXIT_DATA;
    }
    lcm_db *db = cli_open_db(dbpath, 0, &code);
    if (db && lcm_form_store(db, f, &created, &err) != LCM_OK)
        code = cli_fail(&err);
    else if (db)
        printf("form '%s' version '%s' %s: answers go to table %s\n", lcm_form_id(f),
               lcm_form_version(f), created ? "loaded" : "was already loaded", lcm_form_table(f));
    lcm_db_close(db);
    lcm_form_free(f);
    return code;
}

static int list(const char *dbpath, cli_format fmt) {
    static const char *const cols[] = {"form_id", "version", "title", "table", "loaded_at"};
    sqlite3_stmt *st = NULL;
    lcm_err err = {0};
    int code;
    lcm_db *db = cli_open_db(dbpath, LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    cli_rows *rows = cli_rows_new(5, cols, NULL);
    if (!rows)
        code = cli_error("out of memory"), code = LCM_EXIT_INTERNAL;
    else if (lcm_db_prepare(db,
                            "SELECT form_id, version, title, table_name, loaded_at FROM forms "
                            "ORDER BY form_id, loaded_at, rowid",
                            &st, &err) != LCM_OK)
        code = cli_fail(&err);
    while (code == LCM_EXIT_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *v[5];
        for (int i = 0; i < 5; i++)
            v[i] = (const char *)sqlite3_column_text(st, i);
        if (cli_rows_add(rows, v) != 0)
            code = cli_error("out of memory"), code = LCM_EXIT_INTERNAL;
    }
    if (code == LCM_EXIT_OK && cli_rows_print(rows, fmt, stdout) != 0)
        code = cli_error("cannot write output");
    sqlite3_finalize(st);
    cli_rows_free(rows);
    lcm_db_close(db);
    return code;
}

static int add_column(cli_rows *rows, const lcm_form *f, const lcm_field *fd, size_t li) {
    char type[128];
    snprintf(type, sizeof type, "%s%s%s%s",
             fd->type == LCM_FT_SELECT_ONE        ? "select_one"
             : fd->type == LCM_FT_SELECT_MULTIPLE ? "select_multiple"
             : fd->type == LCM_FT_BEGIN_REPEAT    ? "repeat"
                                                  : "",
             fd->list ? " " : "", fd->list ? fd->list->name : "", fd->or_other ? " or_other" : "");
    if (!type[0]) {
        static const char *const names[] = {"integer", "decimal",   "text", "",     "",
                                            "note",    "calculate", "date", "range"};
        snprintf(type, sizeof type, "%s",
                 (size_t)fd->type < sizeof names / sizeof names[0] ? names[fd->type] : "metadata");
    }
    const char *v[5] = {fd->table, fd->column ? fd->column : "", fd->name, type,
                        lcm_form_text(f, fd->label, li)};
    if (cli_rows_add(rows, v) != 0)
        return -1;
    for (size_t k = 0; fd->type == LCM_FT_SELECT_MULTIPLE && k < fd->list->n; k++) {
        if (!lcm_field_choice_column(fd, k))
            continue;
        char col[256];
        snprintf(col, sizeof col, "%s_%s", fd->column, fd->list->items[k].name);
        const char *c[5] = {fd->table, col, fd->name, "0/1",
                            lcm_form_text(f, fd->list->items[k].label, li)};
        if (cli_rows_add(rows, c) != 0)
            return -1;
    }
    return 0;
}

static int show(const char *dbpath, const char *form_id, const char *version, const char *lang,
                cli_format fmt) {
    static const char *const cols[] = {"table", "column", "field", "type", "label"};
    lcm_form *f = NULL;
    lcm_err err = {0};
    int code;
    lcm_db *db = cli_open_db(dbpath, LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    if (lcm_form_get(db, form_id, version, &f, &err) != LCM_OK) {
        lcm_db_close(db);
        return cli_fail(&err);
    }
    cli_rows *rows = cli_rows_new(5, cols, NULL);
    size_t li = lcm_form_lang_index(f, lang);
    for (size_t i = 0; rows && i < lcm_form_nfields(f) && code == LCM_EXIT_OK; i++) {
        const lcm_field *fd = lcm_form_field(f, i);
        if ((fd->column || fd->type == LCM_FT_BEGIN_REPEAT) && add_column(rows, f, fd, li) != 0)
            code = LCM_EXIT_INTERNAL;
    }
    if (!rows || code == LCM_EXIT_INTERNAL)
        code = cli_error("out of memory"), code = LCM_EXIT_INTERNAL;
    else if (cli_rows_print(rows, fmt, stdout) != 0)
        code = cli_error("cannot write output");
    cli_rows_free(rows);
    lcm_form_free(f);
    lcm_db_close(db);
    return code;
}

int cmd_form(int argc, char **argv) {
    static const struct option opts[] = {{"version", required_argument, NULL, 'v'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {"format", required_argument, NULL, 'f'},
                                         {0, 0, 0, 0}};
    const char *version = NULL, *lang = NULL;
    cli_format fmt = CLI_TABLE;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'v')
            version = optarg;
        else if (c == 'l')
            lang = optarg;
        else if (c == 'f' && cli_parse_format(optarg, &fmt) != 0)
            return cli_usage_error(cmd_form_usage, "unknown format: '%s'", optarg);
        else if (c != 'f')
            return cli_usage_error(cmd_form_usage, "bad option");
    }
    int n = argc - optind;
    const char *verb = n > 0 ? argv[optind] : "", *const *a = (const char *const *)argv + optind;
    if (strcmp(verb, "check") == 0 && n == 2)
        return check(a[1]);
    if (strcmp(verb, "load") == 0 && n == 3)
        return load(a[1], a[2]);
    if (strcmp(verb, "list") == 0 && n == 2)
        return list(a[1], fmt);
    if (strcmp(verb, "show") == 0 && n == 3)
        return show(a[1], a[2], version, lang, fmt);
    if (!*verb)
        return cli_usage_error(cmd_form_usage, "missing subcommand");
    return cli_usage_error(cmd_form_usage, "unknown subcommand or wrong arguments: '%s'", verb);
}
