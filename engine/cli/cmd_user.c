/*
 * cmd_user.c - `lcmon user add|list|disable|enable|passwd`: the accounts of a database
 * (engine/auth.h, docs/accounts.md). Passwords come from standard input (--password-stdin)
 * or are made here and printed once; they are stored only as Argon2id hashes, and no
 * command prints a hash. Every change is an audit row by "命令行" (`lcmon audit`).
 */
#include "auth.h"
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_user_usage[] = {
    "lcmon user add DB --login L [--name N] --role R [--place P] [--password-stdin]",
    "lcmon user list DB [--format table|csv|json]",
    "lcmon user disable|enable DB --login L",
    "lcmon user passwd DB --login L [--password-stdin]",
    "",
    "Accounts of the server (lcmon serve) with a role scoped to a place. Roles: admin",
    "(部级管理员), analyst (部级分析员), province (省级联络员, --place a province code such as",
    "44), city (城市协调员, --place a city code such as 4405), interviewer (访问员, --place a",
    "city code; linked to the interviewer of the same name, made when missing), reviewer",
    "(评审专家). Without --password-stdin a random password is made and printed once. Every",
    "change is written to the audit trail (lcmon audit). See docs/accounts.md.",
    "",
    "    add           add an account",
    "    list          the accounts (never their password hashes), roles in Chinese",
    "    disable       stop an account from signing in (enable: allow it again)",
    "    passwd        give an account a new password",
    "    --login L     1 to 63 ASCII letters, digits, '.', '_' or '-'",
    "    --name N      the person's name (default: the login)",
    "    --role R      admin, analyst, province, city, interviewer or reviewer",
    "    --place P     the province or city code the role is for",
    "    --password-stdin  read the password from the first line of standard input (8 to",
    "                  256 bytes) instead of making one",
    "    --format F    table (default), csv or json",
    NULL,
};

typedef struct user_args {
    const char *db, *login, *name, *role, *place;
    int password_stdin;
    cli_format fmt;
} user_args;

static int parse(int argc, char **argv, user_args *a) {
    static const struct option opts[] = {{"login", required_argument, NULL, 'l'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"role", required_argument, NULL, 'r'},
                                         {"place", required_argument, NULL, 'p'},
                                         {"password-stdin", no_argument, NULL, 's'},
                                         {"format", required_argument, NULL, 'f'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            a->login = optarg;
            break;
        case 'n':
            a->name = optarg;
            break;
        case 'r':
            a->role = optarg;
            break;
        case 'p':
            a->place = optarg;
            break;
        case 's':
            a->password_stdin = 1;
            break;
        case 'f':
            if (cli_parse_format(optarg, &a->fmt) != 0)
                return cli_usage_error(cmd_user_usage, "--format is table, csv or json: '%s'",
                                       optarg);
            break;
        default:
            return cli_usage_error(cmd_user_usage, "bad option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd_user_usage, "user %s needs one database", argv[0]);
    a->db = argv[optind];
    return 0;
}

/* The first line of standard input, without its line end, in buf; -1 when none fits. */
static int read_password(char *buf, size_t cap) {
    if (!fgets(buf, (int)cap, stdin))
        return -1;
    size_t n = strlen(buf);
    if (n && buf[n - 1] != '\n' && !feof(stdin))
        return -1; /* longer than the buffer */
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return 0;
}

/* The password to set: from standard input, or made (*made = 1). */
static int get_password(const user_args *a, char *buf, size_t cap, int *made) {
    lcm_err err = {0};
    *made = 0;
    if (a->password_stdin) {
        if (read_password(buf, cap) != 0)
            return cli_error("no password on standard input (one line of 8 to %d bytes)",
                             LCM_PASSWORD_MAX);
        return 0;
    }
    char gen[LCM_PASSWORD_GEN_LEN + 1];
    if (lcm_password_generate(gen, &err) != LCM_OK)
        return cli_fail(&err);
    snprintf(buf, cap, "%s", gen);
    *made = 1;
    return 0;
}

static int need_login(const user_args *a) {
    if (!a->login)
        return cli_usage_error(cmd_user_usage, "--login is needed");
    return 0;
}

static int do_add(const user_args *a, lcm_db *db) {
    int code;
    if ((code = need_login(a)) != 0)
        return code;
    lcm_role role;
    if (!a->role)
        return cli_usage_error(cmd_user_usage, "--role is needed");
    if (!lcm_role_parse(a->role, &role))
        return cli_usage_error(
            cmd_user_usage,
            "--role is admin, analyst, province, city, interviewer or reviewer: '%s'", a->role);
    char pw[LCM_PASSWORD_MAX + 2];
    int made = 0;
    if ((code = get_password(a, pw, sizeof pw, &made)) != 0)
        return code;
    lcm_err err = {0};
    long long id = 0;
    const char *name = a->name ? a->name : a->login;
    if (lcm_user_add(db, a->login, name, role, a->place ? a->place : "", pw, NULL, &id, &err) !=
        LCM_OK)
        return cli_fail(&err);
    printf("added %s: %s%s%s\n", a->login, lcm_role_label(role), a->place && *a->place ? " " : "",
           a->place ? a->place : "");
    if (made)
        printf("password: %s\n", pw);
    return LCM_EXIT_OK;
}

static int do_list(const user_args *a, lcm_db *db) {
    lcm_user *u = NULL;
    size_t n = 0;
    lcm_err err = {0};
    if (lcm_user_list(db, &u, &n, &err) != LCM_OK)
        return cli_fail(&err);
    static const char *const cols[] = {"login", "name", "role", "place", "place_name", "state"};
    cli_rows *rows = cli_rows_new(6, cols, NULL);
    int code = rows ? LCM_EXIT_OK : LCM_EXIT_INTERNAL;
    sqlite3_stmt *st = NULL;
    if (code == LCM_EXIT_OK &&
        lcm_db_prepare(db,
                       "SELECT name FROM cities WHERE code = ?1 UNION ALL SELECT name FROM "
                       "provinces WHERE code = ?1 LIMIT 1",
                       &st, &err) != LCM_OK)
        code = cli_fail(&err);
    for (size_t i = 0; code == LCM_EXIT_OK && i < n; i++) {
        char pname[96] = "";
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, u[i].place, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            snprintf(pname, sizeof pname, "%s", (const char *)sqlite3_column_text(st, 0));
        const char *v[] = {u[i].login, u[i].name, lcm_role_label(u[i].role),
                           u[i].place, pname,     u[i].disabled ? "已停用" : "启用"};
        if (cli_rows_add(rows, v) != 0)
            code = LCM_EXIT_INTERNAL;
    }
    sqlite3_finalize(st);
    if (code == LCM_EXIT_OK && cli_rows_print(rows, a->fmt, stdout) != 0)
        code = cli_error("cannot write the list");
    cli_rows_free(rows);
    free(u);
    return code;
}

static int do_disable(const user_args *a, lcm_db *db, int disabled) {
    int code;
    if ((code = need_login(a)) != 0)
        return code;
    lcm_err err = {0};
    if (lcm_user_set_disabled(db, a->login, disabled, NULL, &err) != LCM_OK)
        return cli_fail(&err);
    printf("%s %s\n", disabled ? "disabled" : "enabled", a->login);
    return LCM_EXIT_OK;
}

static int do_passwd(const user_args *a, lcm_db *db) {
    int code;
    if ((code = need_login(a)) != 0)
        return code;
    lcm_err err = {0};
    if (lcm_user_get(db, a->login, NULL, &err) != LCM_OK)
        return cli_fail(&err);
    char pw[LCM_PASSWORD_MAX + 2];
    int made = 0;
    if ((code = get_password(a, pw, sizeof pw, &made)) != 0)
        return code;
    if (lcm_user_set_password(db, a->login, pw, NULL, &err) != LCM_OK)
        return cli_fail(&err);
    printf("new password for %s%s%s\n", a->login, made ? ": " : "", made ? pw : "");
    return LCM_EXIT_OK;
}

int cmd_user(int argc, char **argv) {
    if (argc < 2)
        return cli_usage_error(cmd_user_usage, "user needs a subcommand");
    const char *sub = argv[1];
    int which = strcmp(sub, "add") == 0       ? 0
                : strcmp(sub, "list") == 0    ? 1
                : strcmp(sub, "disable") == 0 ? 2
                : strcmp(sub, "enable") == 0  ? 3
                : strcmp(sub, "passwd") == 0  ? 4
                                              : -1;
    if (which < 0)
        return cli_usage_error(cmd_user_usage, "unknown user subcommand: '%s'", sub);
    user_args a = {.fmt = CLI_TABLE};
    int code = parse(argc - 1, argv + 1, &a);
    if (code)
        return code;
    lcm_db *db = cli_open_db(a.db, which == 1 ? LCM_OPEN_READONLY : 0, &code);
    if (!db)
        return code;
    switch (which) {
    case 0:
        code = do_add(&a, db);
        break;
    case 1:
        code = do_list(&a, db);
        break;
    case 2:
    case 3:
        code = do_disable(&a, db, which == 2);
        break;
    default:
        code = do_passwd(&a, db);
    }
    lcm_db_close(db);
    return code;
}
