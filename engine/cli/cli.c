/*
 * cli.c - error reporting, usage and database opening shared by the subcommands.
 * Only the CLI writes to stderr; the library hands it statuses and messages.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char cli_help_synopsis[] = "lcmon [--version] [--help] <command> [<args>]";
const char cli_help_about[] =
    "lcmon is the monitoring engine of the national learning-city network: household\n"
    "questionnaires, design-based estimates, indicator scores and city feedback reports.\n";
const char cli_help_exit[] = "0 ok, 1 data error, 2 usage error, 3 internal error";
const char cli_help_env[] =
    "LCMON_DATADIR: the directory of the shipped reference data, indicator framework and\n"
    "questionnaires (default: PREFIX/share/lcmon beside PREFIX/bin/lcmon).\n";

int cli_error(const char *fmt, ...) {
    va_list ap;
    fputs("lcmon: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return LCM_EXIT_DATA;
}

int cli_exit_code(lcm_status st) {
    switch (st) {
    case LCM_OK:
        return LCM_EXIT_OK;
    case LCM_NOMEM:
    case LCM_INTERNAL:
        return LCM_EXIT_INTERNAL;
    default:
        return LCM_EXIT_DATA;
    }
}

int cli_fail(const lcm_err *err) {
    const char *msg = err->msg[0] ? err->msg : lcm_strerror(err->status);
    fprintf(stderr, "lcmon: %s\n", msg);
    return cli_exit_code(err->status == LCM_OK ? LCM_INTERNAL : err->status);
}

void cli_print_usage(const char *const *usage, FILE *fp) {
    fprintf(fp, "usage: %s\n", usage[0]);
    for (size_t i = 1; usage[i]; i++)
        fprintf(fp, "%s\n", usage[i]);
}

int cli_usage_error(const char *const *usage, const char *fmt, ...) {
    va_list ap;
    fputs("lcmon: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: %s\n", usage[0]);
    return LCM_EXIT_USAGE;
}

lcm_db *cli_open_db(const char *path, int flags, int *code) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    if (lcm_db_open(path, flags, &db, &err) != LCM_OK) {
        *code = cli_fail(&err);
        return NULL;
    }
    *code = LCM_EXIT_OK;
    return db;
}

lcm_db *cli_open_reference(const char *dbpath, int framework_only, int *code) {
    if (dbpath)
        return cli_open_db(dbpath, LCM_OPEN_READONLY, code);
    lcm_db *db = cli_open_db(":memory:", LCM_OPEN_CREATE, code);
    lcm_err err = {0};
    lcm_status st = LCM_OK;
    if (db)
        st = framework_only ? lcm_framework_load(db, lcm_datadir(), &err)
                            : lcm_reference_load(db, lcm_datadir(), NULL, &err);
    if (st != LCM_OK) {
        lcm_db_close(db);
        *code = cli_fail(&err);
        return NULL;
    }
    return db;
}

int cli_parse_format(const char *s, cli_format *out) {
    static const struct {
        const char *name;
        cli_format fmt;
    } names[] = {{"table", CLI_TABLE}, {"csv", CLI_CSV}, {"json", CLI_JSON}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].fmt;
            return 0;
        }
    return -1;
}

int cli_parse_year(const char *s, int *year) {
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < 2000 || v > 2100)
        return -1;
    *year = (int)v;
    return 0;
}

const char *cli_option_name(const struct option *opts, int c) {
    for (; opts->name; opts++)
        if (opts->val == c)
            return opts->name;
    return "?";
}

int cli_split_list(char *s, char **items, int max) {
    int n = 0;
    for (char *tok = s;; n++) {
        char *comma = strchr(tok, ',');
        if (comma)
            *comma = '\0';
        if (!*tok || n == max)
            return -1;
        items[n] = tok;
        if (!comma)
            return n + 1;
        tok = comma + 1;
    }
}
