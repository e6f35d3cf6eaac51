/*
 * cmd_audit.c - `lcmon audit`: the audit trail of a database (engine/auth.h), oldest first:
 * who changed what, where and when, on the command line ("命令行") or on the server (the
 * account's login; "网页访客" for sign-in attempts).
 */
#include "auth.h"
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char *const cmd_audit_usage[] = {
    "lcmon audit DB [--user L] [--since T] [--csv]",
    "",
    "Print the audit trail: every change made to accounts, every sign-in, failed sign-in and",
    "sign-out, and the reviews, approvals and decisions recorded on the server, with the",
    "time (UTC), who, the action, its object, the place and details. The trail only grows:",
    "the database refuses to change or delete its rows.",
    "",
    "    --user L      only the rows of the login L (命令行 for the command line)",
    "    --since T     only rows at or after T, a UTC date YYYY-MM-DD or time",
    "                  YYYY-MM-DDTHH:MM:SS",
    "    --csv         RFC 4180 CSV instead of a table",
    NULL,
};

/* T as the stored form's prefix ("2026-12-05" or "2026-12-05T08:00:00"); 0 ok. */
static int parse_since(const char *s, char out[48]) {
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    size_t len = strlen(s);
    if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10)
        ;
    else if (len == 19 && s[10] == 'T' &&
             sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) == 6 && n == 19)
        ;
    else
        return -1;
    if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        se > 59 || h < 0 || mi < 0 || se < 0)
        return -1;
    if (len == 10)
        snprintf(out, 48, "%04d-%02d-%02d", y, mo, d);
    else
        snprintf(out, 48, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, se);
    return 0;
}

static int add_row(const lcm_audit_row *row, void *ctx) {
    char id[24];
    snprintf(id, sizeof id, "%lld", row->id);
    const char *v[] = {id, row->at, row->who, row->action, row->object, row->place, row->detail};
    return cli_rows_add(ctx, v) != 0;
}

int cmd_audit(int argc, char **argv) {
    static const struct option opts[] = {{"user", required_argument, NULL, 'u'},
                                         {"since", required_argument, NULL, 's'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {0, 0, 0, 0}};
    const char *user = NULL;
    char since[48] = "";
    int csv = 0, c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'u':
            user = optarg;
            break;
        case 's':
            if (parse_since(optarg, since) != 0)
                return cli_usage_error(cmd_audit_usage,
                                       "--since is a date YYYY-MM-DD or a time "
                                       "YYYY-MM-DDTHH:MM:SS (UTC): '%s'",
                                       optarg);
            break;
        case 'c':
            csv = 1;
            break;
        default:
            return cli_usage_error(cmd_audit_usage, "bad option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd_audit_usage, "audit needs one database");
    int code;
    lcm_db *db = cli_open_db(argv[optind], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    static const char *const cols[] = {"id", "at", "who", "action", "object", "place", "detail"};
    static const int num[] = {1, 0, 0, 0, 0, 0, 0};
    cli_rows *rows = cli_rows_new(7, cols, num);
    lcm_err err = {0};
    if (!rows)
        code = LCM_EXIT_INTERNAL;
    else if (lcm_audit_each(db, user, since[0] ? since : NULL, add_row, rows, &err) != LCM_OK)
        code = cli_fail(&err);
    else if (cli_rows_print(rows, csv ? CLI_CSV : CLI_TABLE, stdout) != 0)
        code = cli_error("cannot write the audit trail");
    cli_rows_free(rows);
    lcm_db_close(db);
    return code;
}
