/*
 * cli.h - what every lcmon subcommand shares: the command table, exit codes, error
 * reporting in git's form, and the table/csv/json output of result rows.
 *
 * A subcommand is one file engine/cli/cmd_NAME.c defining
 *     const char *const cmd_NAME_usage[];  (first line is the synopsis, NULL-terminated)
 *     int cmd_NAME(int argc, char **argv);  (argv[0] is the command name; returns an exit code)
 * and one line LCM_CMD(NAME, "summary") in commands.h.
 */
#ifndef LCM_CLI_H
#define LCM_CLI_H

#include "error.h"
#include "lcmon.h"

#include <stdio.h>

enum lcm_exit {
    LCM_EXIT_OK = 0,       /* success */
    LCM_EXIT_DATA = 1,     /* bad data, failed validation, refused database */
    LCM_EXIT_USAGE = 2,    /* wrong options or arguments */
    LCM_EXIT_INTERNAL = 3, /* a bug or an exhausted resource */
};

#define LCM_CMD(name, summary)                                                                     \
    extern const char *const cmd_##name##_usage[];                                                 \
    int cmd_##name(int argc, char **argv);
#include "commands.h"
#undef LCM_CMD

/* The parts of `lcmon --help` around its command list, shared with the manual pages that
 * man/mangen.c generates from them: synopsis, description, exit codes, environment. */
extern const char cli_help_synopsis[];
extern const char cli_help_about[];
extern const char cli_help_exit[];
extern const char cli_help_env[];

/* Print "lcmon: <message>" on stderr. Returns LCM_EXIT_DATA for convenience. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report err on stderr and return the exit code its status calls for. */
int cli_fail(const lcm_err *err);
/* Exit code for a status: 0 ok, 3 for internal/out-of-memory, 1 otherwise. */
int cli_exit_code(lcm_status st);
/* Misuse: print the message and the synopsis on stderr; returns LCM_EXIT_USAGE. */
int cli_usage_error(const char *const *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print the whole usage text of a command on fp. */
void cli_print_usage(const char *const *usage, FILE *fp);

/* Long name of the getopt_long option whose val is c ("?" if none), for messages. */
struct option;
const char *cli_option_name(const struct option *opts, int c);

/* Split a comma-separated list in place into at most max items; returns the count, or -1
 * when there are more than max or an item is empty. */
int cli_split_list(char *s, char **items, int max);

/* Open the database named on the command line, reporting failures; NULL on failure with
 * *code set to the exit code. */
lcm_db *cli_open_db(const char *path, int flags, int *code);

/* The database named by --db (read-only), or without one a fresh in-memory copy of the
 * shipped reference data (only the framework when framework_only). NULL on failure with
 * *code set. */
lcm_db *cli_open_reference(const char *dbpath, int framework_only, int *code);

/* The household questionnaire of db, loaded from the data directory first when db has
 * none. *out is the caller's (lcm_form_free). */
struct lcm_form;
lcm_status cli_household_form(lcm_db *db, struct lcm_form **out, lcm_err *err);

/* Output formats shared by commands that print results. */
typedef enum cli_format { CLI_TABLE, CLI_CSV, CLI_JSON } cli_format;
/* Parse "table", "csv" or "json"; returns 0 on success, -1 on anything else. */
int cli_parse_format(const char *s, cli_format *out);

/* Parse a year (2000-2100), the whole string a decimal number; 0 on success, -1 otherwise
 * (*year then unchanged). Callers print their own message. */
int cli_parse_year(const char *s, int *year);

/* A result set printed as an aligned table (CJK characters count two columns), RFC 4180
 * CSV, or a JSON array of objects. Columns marked numeric are unquoted in JSON. */
typedef struct cli_rows cli_rows;
cli_rows *cli_rows_new(int ncols, const char *const *names, const int *numeric);
/* Append a row of ncols strings (copied; NULL = empty/null). Returns 0, or -1 on OOM. */
int cli_rows_add(cli_rows *r, const char *const *values);
/* Write all rows to fp in the format; returns 0, or -1 on a write error. */
int cli_rows_print(const cli_rows *r, cli_format fmt, FILE *fp);
void cli_rows_free(cli_rows *r);

/* Display width of a UTF-8 string in a terminal (East Asian wide characters count 2). */
size_t cli_display_width(const char *s);

#endif
