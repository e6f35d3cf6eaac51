/*
 * test_demo_accounts.c - `lcmon demo` makes one account per role of `lcmon serve` with a
 * random password: each printed password signs in (lcm_user_verify), the file beside the
 * database holding them is mode 0600 and says the same, and the city roles are for the
 * demo city 4405 (the first city the demo picks) and its province 44.
 */
#include "testing.h"

#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void demo_accounts__printed_passwords_verify_and_file_is_private(void) {
    char dir[1024], db[1200], file[1200];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("demo_accounts"));
    char *out = NULL, *err = NULL;
    int rc = lcmt_run((const char *[]){"demo", "--out", dir, "--cities", "3", "--households", "40",
                                       "--mc", "0", NULL},
                      NULL, &out, &err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    snprintf(db, sizeof db, "%s/demo.db", dir);
    snprintf(file, sizeof file, "%s/accounts.txt", dir);
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(stat(file, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    char *text = lcmt_slurp(file, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    lcm_db *d = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &d, NULL), LCM_OK);
    static const struct {
        const char *login;
        lcm_role role;
        const char *place;
    } want[] = {
        {"admin", LCM_ROLE_ADMIN, ""},
        {"analyst", LCM_ROLE_ANALYST, ""},
        {"province44", LCM_ROLE_PROVINCE, "44"},
        {"city4405", LCM_ROLE_CITY, "4405"},
        {"interviewer4405", LCM_ROLE_INTERVIEWER, "4405"},
        {"reviewer", LCM_ROLE_REVIEWER, ""},
    };
    CU_ASSERT_EQUAL(lcmt_count(d, "SELECT count(*) FROM users"), 6);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        /* printed as "    LOGIN  PASSWORD  角色 PLACE" */
        char key[64], pw[64] = "", line[200];
        snprintf(key, sizeof key, "    %s ", want[i].login);
        const char *p = out ? strstr(out, key) : NULL;
        CU_ASSERT_PTR_NOT_NULL(p);
        if (p)
            sscanf(p + strlen(key), " %63s", pw);
        CU_ASSERT_EQUAL(strlen(pw), LCM_PASSWORD_GEN_LEN);
        lcm_user u;
        lcm_err e = {0};
        CU_ASSERT_EQUAL(lcm_user_verify(d, want[i].login, pw, &u, &e), LCM_OK);
        CU_ASSERT_EQUAL(u.role, want[i].role);
        CU_ASSERT_STRING_EQUAL(u.place, want[i].place);
        /* the file holds the same password for the same login */
        snprintf(line, sizeof line, "%s\t%s\t%s\t%s\n", want[i].login, pw,
                 lcm_role_label(want[i].role), want[i].place);
        LCMT_ASSERT_HAS(text, line);
    }
    CU_ASSERT_EQUAL(lcmt_count(d, "SELECT count(*) FROM users u JOIN field_interviewers f ON "
                                  "f.id = u.interviewer_id WHERE u.login = 'interviewer4405'"),
                    1);
    /* the passwords are nowhere in the database */
    CU_ASSERT_EQUAL(lcmt_count(d, "SELECT count(*) FROM users WHERE pw_hash NOT LIKE "
                                  "'$argon2id$%'"),
                    0);
    lcm_db_close(d);
    free(text);
    free(out);
    free(err);
}

const lcmt_case lcmt_demo_accounts_cases[] = {
    {"printed_passwords_verify_and_file_is_private",
     demo_accounts__printed_passwords_verify_and_file_is_private},
    {NULL, NULL},
};
