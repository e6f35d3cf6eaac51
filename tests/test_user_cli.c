/*
 * test_user_cli.c - `lcmon user` and `lcmon audit` through the real binary: passwords from
 * standard input or made and printed once, the list without hashes and with Chinese role
 * labels, disable and passwd, usage and data errors with their exit codes, and an audit
 * row for every change.
 */
#include "testing.h"

#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *cli_db(void) {
    static char path[4096];
    if (path[0])
        return path;
    snprintf(path, sizeof path, "%s", lcmt_tmp("user_cli.db"));
    const char *init[] = {"init", path, NULL};
    CU_ASSERT_EQUAL(lcmt_run(init, NULL, NULL, NULL), 0);
    return path;
}

static int verify(const char *login, const char *password) {
    lcm_db *db = NULL;
    if (lcm_db_open(cli_db(), LCM_OPEN_READONLY, &db, NULL) != LCM_OK)
        return 0;
    int ok = lcm_user_verify(db, login, password, NULL, NULL) == LCM_OK;
    lcm_db_close(db);
    return ok;
}

static long count(const char *sql) {
    lcm_db *db = NULL;
    if (lcm_db_open(cli_db(), LCM_OPEN_READONLY, &db, NULL) != LCM_OK)
        return -1;
    long n = lcmt_count(db, sql);
    lcm_db_close(db);
    return n;
}

static void user_cli__add_with_password_from_stdin(void) {
    const char *add[] = {"user", "add",     cli_db(), "--login",          "st.coord", "--role",
                         "city", "--place", "4405",   "--password-stdin", NULL};
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run(add, "stdin-secret-1\n", &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(out, "added st.coord: 城市协调员 4405\n");
    CU_ASSERT(strstr(out, "stdin-secret-1") == NULL);
    free(out), free(err);
    CU_ASSERT(verify("st.coord", "stdin-secret-1"));
    CU_ASSERT(!verify("st.coord", "stdin-secret-1\n"));
    /* the name defaults to the login */
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM users WHERE login = 'st.coord' AND name = "
                          "'st.coord' AND role = 'city' AND place = '4405'"),
                    1);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE action = 'user.add' AND object = "
                          "'st.coord' AND who = '命令行' AND place = '4405'"),
                    1);
}

static void user_cli__made_password_is_printed_once_and_verifies(void) {
    const char *add[] = {"user",   "add",  cli_db(), "--login", "boss",
                         "--name", "部长", "--role", "admin",   NULL};
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run(add, NULL, &out, &err), 0);
    char pw[64] = "";
    const char *p = out ? strstr(out, "password: ") : NULL;
    CU_ASSERT_PTR_NOT_NULL(p);
    if (p)
        sscanf(p + 10, "%63s", pw);
    CU_ASSERT_EQUAL(strlen(pw), LCM_PASSWORD_GEN_LEN);
    CU_ASSERT(verify("boss", pw));
    free(out), free(err);
    /* the list shows the accounts, labels in Chinese, never a password or hash */
    const char *list[] = {"user", "list", cli_db(), "--format", "csv", NULL};
    CU_ASSERT_EQUAL(lcmt_run(list, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "login,name,role,place,place_name,state\n");
    LCMT_ASSERT_HAS(out, "boss,部长,部级管理员,,,启用\n");
    LCMT_ASSERT_HAS(out, "st.coord,st.coord,城市协调员,4405,汕头市,启用\n");
    CU_ASSERT(strstr(out, pw) == NULL);
    CU_ASSERT(strstr(out, "argon2") == NULL);
    free(out), free(err);
    /* a new password: made and printed, the old one stops working */
    const char *passwd[] = {"user", "passwd", cli_db(), "--login", "boss", NULL};
    CU_ASSERT_EQUAL(lcmt_run(passwd, NULL, &out, &err), 0);
    char pw2[64] = "";
    p = out ? strstr(out, "new password for boss: ") : NULL;
    CU_ASSERT_PTR_NOT_NULL(p);
    if (p)
        sscanf(p + strlen("new password for boss: "), "%63s", pw2);
    free(out), free(err);
    CU_ASSERT(verify("boss", pw2));
    CU_ASSERT(!verify("boss", pw));
    const char *passwd_in[] = {"user", "passwd",           cli_db(), "--login",
                               "boss", "--password-stdin", NULL};
    CU_ASSERT_EQUAL(lcmt_run(passwd_in, "from-stdin-2\r\n", &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(out, "new password for boss\n");
    free(out), free(err);
    CU_ASSERT(verify("boss", "from-stdin-2"));
}

static void user_cli__disable_and_enable(void) {
    const char *add[] = {"user",     "add",     cli_db(), "--login",          "gd", "--role",
                         "province", "--place", "44",     "--password-stdin", NULL};
    CU_ASSERT_EQUAL(lcmt_run(add, "province-pw-1\n", NULL, NULL), 0);
    const char *off[] = {"user", "disable", cli_db(), "--login", "gd", NULL};
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run(off, NULL, &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(out, "disabled gd\n");
    free(out), free(err);
    CU_ASSERT(!verify("gd", "province-pw-1"));
    const char *list[] = {"user", "list", cli_db(), NULL};
    CU_ASSERT_EQUAL(lcmt_run(list, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "省级联络员");
    LCMT_ASSERT_HAS(out, "广东省");
    LCMT_ASSERT_HAS(out, "已停用");
    free(out), free(err);
    const char *on[] = {"user", "enable", cli_db(), "--login", "gd", NULL};
    CU_ASSERT_EQUAL(lcmt_run(on, NULL, NULL, NULL), 0);
    CU_ASSERT(verify("gd", "province-pw-1"));
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit WHERE object = 'gd' AND action IN "
                          "('user.disable', 'user.enable')"),
                    2);
}

static void user_cli__errors_say_what_and_change_nothing(void) {
    long users = count("SELECT count(*) FROM users"), rows = count("SELECT count(*) FROM audit");
    struct {
        const char *args[12];
        const char *in;
        int code;
        const char *says;
    } bad[] = {
        {{"user", "add", cli_db(), "--login", "x y", "--role", "admin", NULL},
         NULL,
         1,
         "lcmon: a login is 1 to 63 ASCII letters, digits, '.', '_' or '-': 'x y'\n"},
        {{"user", "add", cli_db(), "--login", "xy", "--role", "boss", NULL},
         NULL,
         2,
         "lcmon: --role is admin, analyst, province, city, interviewer or reviewer: 'boss'\n"},
        {{"user", "add", cli_db(), "--login", "xy", NULL}, NULL, 2, "lcmon: --role is needed\n"},
        {{"user", "add", cli_db(), "--login", "xy", "--role", "city", "--place", "4401x", NULL},
         NULL,
         1,
         "lcmon: a city account needs a city code (such as 4405): '4401x'\n"},
        {{"user", "add", cli_db(), "--login", "xy", "--role", "city", "--place", "4405",
          "--password-stdin", NULL},
         "short\n",
         1,
         "lcmon: a password is 8 to 256 bytes long, not 5\n"},
        {{"user", "add", cli_db(), "--login", "xy", "--role", "city", "--place", "4405",
          "--password-stdin", NULL},
         "",
         1,
         "lcmon: no password on standard input"},
        {{"user", "add", cli_db(), "--login", "boss", "--role", "analyst", NULL},
         NULL,
         1,
         "lcmon: the login is taken: 'boss'\n"},
        {{"user", "disable", cli_db(), "--login", "nobody", NULL},
         NULL,
         1,
         "lcmon: no such account: 'nobody'\n"},
        {{"user", "passwd", cli_db(), "--login", "nobody", NULL},
         NULL,
         1,
         "lcmon: no such account: 'nobody'\n"},
        {{"user", "remove", cli_db(), NULL}, NULL, 2, "lcmon: unknown user subcommand: 'remove'"},
        {{"user", "list", NULL}, NULL, 2, "lcmon: user list needs one database"},
        {{"audit", cli_db(), "--since", "yesterday", NULL},
         NULL,
         2,
         "lcmon: --since is a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SS (UTC): 'yesterday'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *out = NULL, *err = NULL;
        int code = lcmt_run(bad[i].args, bad[i].in, &out, &err);
        if (code != bad[i].code)
            fprintf(stderr, "\n  case %zu: exit %d\n", i, code);
        CU_ASSERT_EQUAL(code, bad[i].code);
        LCMT_ASSERT_HAS(err, bad[i].says);
        free(out), free(err);
    }
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM users"), users);
    CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit"), rows);
}

static void user_cli__audit_lists_every_change(void) {
    const char *add[] = {"user", "add", cli_db(), "--login", "audited", "--role", "reviewer", NULL};
    CU_ASSERT_EQUAL(lcmt_run(add, NULL, NULL, NULL), 0);
    const char *audit[] = {"audit", cli_db(), "--csv", NULL};
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run(audit, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "id,at,who,action,object,place,detail\n");
    LCMT_ASSERT_HAS(out, ",命令行,user.add,audited,,role=reviewer name=audited\n");
    /* one line per row, as many as the table holds */
    CU_ASSERT_EQUAL(lcmt_count_lines(out), count("SELECT count(*) FROM audit") + 1);
    free(out), free(err);
    const char *future[] = {"audit", cli_db(), "--csv", "--since", "2100-01-01", NULL};
    CU_ASSERT_EQUAL(lcmt_run(future, NULL, &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(out, "id,at,who,action,object,place,detail\n");
    free(out), free(err);
    const char *past[] = {"audit",  cli_db(), "--csv", "--since", "2000-01-01T00:00:00",
                          "--user", "命令行", NULL};
    CU_ASSERT_EQUAL(lcmt_run(past, NULL, &out, &err), 0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), count("SELECT count(*) FROM audit") + 1);
    free(out), free(err);
    const char *nobody[] = {"audit", cli_db(), "--user", "nobody", "--csv", NULL};
    CU_ASSERT_EQUAL(lcmt_run(nobody, NULL, &out, &err), 0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 1);
    free(out), free(err);
    /* the help of both commands, as the man pages are made from it */
    const char *help[] = {"help", "user", NULL};
    CU_ASSERT_EQUAL(lcmt_run(help, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "--password-stdin");
    free(out), free(err);
    const char *help2[] = {"help", "audit", NULL};
    CU_ASSERT_EQUAL(lcmt_run(help2, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "--since T");
    free(out), free(err);
}

const lcmt_case lcmt_user_cli_cases[] = {
    {"add_with_password_from_stdin", user_cli__add_with_password_from_stdin},
    {"made_password_is_printed_once_and_verifies",
     user_cli__made_password_is_printed_once_and_verifies},
    {"disable_and_enable", user_cli__disable_and_enable},
    {"errors_say_what_and_change_nothing", user_cli__errors_say_what_and_change_nothing},
    {"audit_lists_every_change", user_cli__audit_lists_every_change},
    {NULL, NULL},
};
